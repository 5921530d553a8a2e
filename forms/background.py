"""Store calls off the GUI thread, in one idiom (after Anki's CollectionOp and QueryOp):
the call runs in a worker thread, its result or its error comes back in the GUI thread.

    background = Background(parent, name)    one worker thread: jobs run in the order
                                             submitted (a discard queued after a save
                                             always comes after it)
    op = background.run(job, success=on_ok, failure=on_error, errors=(StoreError,))
        job() runs in the worker thread; then, in the GUI thread (a queued Qt signal),
        success(result), or failure(exc) when job raised one of `errors`. Any other
        exception is raised in the GUI thread, where the crash handler sees it.
    op.wait() -> Op                          for an action whose next step needs the
                                             result (finalise, then export): the window
                                             repaints, user input waits, until the
                                             callbacks have run
    op.result()                              the job's result once delivered (raises its
                                             exception)
    background.call(job) -> result           run() and wait(); the job's exception is raised
                                             in the GUI thread, as if it had run there
    background.drain()                       wait until every job submitted so far has run
    background.shutdown()                    wait for the jobs, then stop the thread;
                                             results are no longer delivered
    background.closed, background.threads()

Nothing here knows the store: the jobs are closures over it, made in the GUI thread
from a snapshot of what they need.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QEventLoop, QObject, Signal

T = TypeVar("T")
THREAD_PREFIX = "consult-store"


class Op(Generic[T]):
    """One background call: its future, its callbacks, and whether they have run."""

    def __init__(self, future: Future, success: Callable[[T], Any] | None,
                 failure: Callable[[BaseException], Any] | None,
                 errors: tuple[type[BaseException], ...] | None) -> None:
        self.future = future
        self.success = success
        self.failure = failure
        self.errors = errors
        self.delivered = False
        self._loop: QEventLoop | None = None

    def wait(self) -> Op[T]:
        """Until the callbacks have run: the window repaints, user input is held back."""
        if not self.delivered:
            self._loop = QEventLoop()
            self._loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
            self._loop = None
        return self

    def result(self) -> T:
        return self.future.result()

    def _deliver(self) -> None:
        self.delivered = True
        if self._loop is not None:
            self._loop.quit()
        error = self.future.exception()
        if error is None:
            if self.success is not None:
                self.success(self.future.result())
            return
        if isinstance(error, store_errors() if self.errors is None else self.errors):
            if self.failure is not None:
                self.failure(error)
            return
        raise error


def store_errors() -> tuple[type[BaseException], ...]:
    """The store's error class, when the store has been loaded: a job cannot have raised
    a StoreError before then, and asking must not load SQLAlchemy (about 600 ms) into
    the GUI thread. The default `errors` of Background.run."""
    store = sys.modules.get("consult.store.store")
    error = getattr(store, "StoreError", None)  # None too while the worker is importing it
    return (error,) if error is not None else ()


class Background(QObject):
    _finished = Signal(object)  # the Op, emitted from the worker thread

    def __init__(self, parent: QObject | None = None, name: str = THREAD_PREFIX) -> None:
        super().__init__(parent)
        self._name = name
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._closed = False
        self._finished.connect(self._deliver)  # queued: the receiver lives in the GUI thread

    @property
    def closed(self) -> bool:
        return self._closed

    def run(self, job: Callable[[], T], *, success: Callable[[T], Any] | None = None,
            failure: Callable[[BaseException], Any] | None = None,
            errors: tuple[type[BaseException], ...] | None = None) -> Op[T]:
        if self._closed:
            raise RuntimeError("the background thread has been shut down")
        op: Op[T] = Op(self._pool.submit(job), success, failure, errors)
        op.future.add_done_callback(lambda _f: self._finished.emit(op))
        return op

    def call(self, job: Callable[[], T]) -> T:
        """run() and wait(): the job's result, or its exception raised here, in the GUI
        thread, as if the job had run here (for code that reads on at once, such as the
        notes list's refresh); the window repaints meanwhile."""
        failed: list[BaseException] = []
        op = self.run(job, failure=failed.append, errors=(Exception,)).wait()
        if failed:
            raise failed[0]
        return op.result()

    def _deliver(self, op: Op) -> None:
        if self._closed:
            op.delivered = True
            if op._loop is not None:
                op._loop.quit()
            return
        op._deliver()

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
        """The live threads of every Background of this name (none after shutdown)."""
        return [t for t in threading.enumerate() if t.name.startswith(self._name + "_")]
