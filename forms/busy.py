"""The wait cursor while the GUI thread waits for something (a store call, printing).

    with busy_cursor():
        ...

Nested uses stack (Qt's override cursor is a stack); the cursor is restored however
the block ends, before any error box is shown after it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication


@contextlib.contextmanager
def busy_cursor() -> Iterator[None]:
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QGuiApplication.restoreOverrideCursor()
