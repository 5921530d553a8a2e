"""The crash handler (after qutebrowser's): an exception no slot caught is not lost.

    handler = CrashHandler(keep_draft, parent)   keep_draft(): write the open draft now
    handler.install()                            sys.excepthook and threading.excepthook
    handler.uninstall()                          the hooks there were before
    log_path() -> Path                           crash.log in the data folder

On an uncaught exception, in the GUI thread (an exception in another thread is handed
over by a queued signal):
  1. the traceback is appended to crash.log in the data folder (the folder 0700, the
     file 0600): the exception's type and each frame's file, line and function, never
     the exception's message or any value, so no patient data reaches the log;
  2. the open consultation's draft is written at once (keep_draft);
  3. a plain message says what happened and where the log is (dialogs.show_error).

Nothing here may raise: a fault in the handler falls back to Python's own hook.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

from forms import dialogs

LOG_NAME = "crash.log"
TITLE = "Something went wrong"


def log_path() -> Path:
    from consult.store.location import data_folder

    return data_folder() / LOG_NAME


def scrubbed(exc_type: type[BaseException], tb: TracebackType | None) -> str:
    """The traceback without its message or source values: type, then file:line in function."""
    lines = ["Traceback (most recent call last):"]
    for frame in traceback.extract_tb(tb):
        lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
    lines.append(f"{exc_type.__module__}.{exc_type.__qualname__} (message withheld: it may "
                 "hold patient data)")
    return "\n".join(lines)


def write_log(text: str, path: Path | None = None) -> Path:
    """Append one entry to the crash log, owner-only."""
    path = path or log_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        os.chmod(path.parent, 0o700)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        if os.name == "posix":
            os.fchmod(fh.fileno(), 0o600)
        fh.write(f"--- {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M:%S} UTC, "
                 f"thread {threading.current_thread().name}\n{text}\n")
    return path


class CrashHandler(QObject):
    _from_thread = Signal(object, object, object)  # (type, exception, traceback)

    def __init__(self, keep_draft: Callable[[], object] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.keep_draft = keep_draft
        self.handling = False
        self._saved: tuple | None = None
        self._from_thread.connect(self.handle)  # queued into the GUI thread

    def install(self) -> None:
        if self._saved is None:
            self._saved = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.handle
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        if self._saved is not None:
            sys.excepthook, threading.excepthook = self._saved
            self._saved = None

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        self._from_thread.emit(args.exc_type, args.exc_value, args.exc_traceback)

    def handle(self, exc_type: type[BaseException], exc: BaseException | None,
               tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt) or self.handling:
            sys.__excepthook__(exc_type, exc if exc is not None else exc_type(), tb)
            return
        self.handling = True
        try:
            self._handle(exc_type, tb)
        except Exception:  # the handler itself failed: Python's own report, then go on
            sys.__excepthook__(*sys.exc_info())
        finally:
            self.handling = False

    def _handle(self, exc_type: type[BaseException], tb: TracebackType | None) -> None:
        where = "not written"
        try:
            where = str(write_log(scrubbed(exc_type, tb)))
        except OSError as error:
            where = f"not written ({error.strerror or type(error).__name__})"
        kept = "The draft of the open consultation was saved."
        try:
            if self.keep_draft is not None:
                self.keep_draft()
        except Exception:
            kept = "The draft could not be saved now: save the record to a file (Ctrl+S)."
        if QApplication.instance() is None:
            return
        dialogs.show_error(
            QApplication.activeWindow(), TITLE,
            f"consult met an error it did not expect ({exc_type.__name__}). {kept}\n\n"
            "Check the answers and the plan before you go on; if the window misbehaves, "
            f"close and restart consult: the draft is offered at the next start.\n\n"
            f"Details for support (no patient data): {where}")
