"""One background thread for the database calls the window must never wait for
(opening the store, saving drafts, discarding one).

    worker = StoreWorker(parent)
    worker.submit(job, on_done)      job() runs in the thread, in order; on_done(future)
                                     then runs in the GUI thread (a queued Qt signal)
    worker.drain()                   wait until every job submitted so far has run
    worker.shutdown()                wait for the jobs, then stop the thread

One thread, so jobs run in the order submitted: a discard queued after a save
always comes after it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal

Job = Callable[[], Any]
Done = Callable[[Future], None]


class StoreWorker(QObject):
    _finished = Signal(object, object)  # (on_done, future), emitted from the thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="consult-store")
        self._closed = False
        self._finished.connect(self._deliver)  # queued: the receiver lives in the GUI thread

    @property
    def closed(self) -> bool:
        return self._closed

    def submit(self, job: Job, on_done: Done | None = None) -> Future:
        if self._closed:
            raise RuntimeError("the store worker has been shut down")
        future = self._pool.submit(job)
        if on_done is not None:
            future.add_done_callback(lambda f: self._finished.emit(on_done, f))
        return future

    def _deliver(self, on_done: Done, future: Future) -> None:
        if not self._closed:
            on_done(future)

    def drain(self) -> None:
        """Block until every job submitted so far has run (for an explicit action that
        must not race a save, such as finalising)."""
        if not self._closed:
            self._pool.submit(lambda: None).result()

    def shutdown(self) -> None:
        """Run what is queued, then stop the thread; results are no longer delivered."""
        if self._closed:
            return
        self._pool.shutdown(wait=True)
        self._closed = True

    def threads(self) -> list[threading.Thread]:
        """The worker's live threads (none after shutdown)."""
        return [t for t in threading.enumerate() if t.name.startswith("consult-store")]
