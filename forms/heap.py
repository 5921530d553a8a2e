"""Once the window is whole, its long-lived objects leave the garbage collector's sweeps.

Python's cyclic garbage collector now and then walks every object it tracks; in a
started window that is every widget's wrapper, the record model's classes, the rules
and the store's SQLAlchemy mappers: hundreds of thousands of objects that live as long
as the window. A sweep that lands inside an answer's handling adds to it (issue 14: the
rule-firing answer's p95 was about 1 ms lower with them frozen, in interleaved runs).
`gc.freeze()` (Python's own, for exactly this) moves what exists into a permanent
generation that sweeps skip; they are still freed when nothing refers to them. It is
done once, when the form has every section, the rules are loaded and the store is open,
after a collection, so no garbage is frozen with them. Only the running app does this,
never a test process, which builds and drops many windows.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

if TYPE_CHECKING:
    from forms.consultation.main_window import MainWindow

#: how often to look whether start-up has finished (it takes a second or two)
LOOK_EVERY_MS = 500


def freeze() -> None:
    """Collect, then freeze what is left (bench/bench_gui.py does this too, as the app)."""
    gc.collect()
    gc.freeze()


def freeze_when_whole(window: MainWindow) -> QTimer:
    """Freeze the heap once `window` is whole (see the module's docstring)."""
    timer = QTimer(window)
    timer.setInterval(LOOK_EVERY_MS)

    def look() -> None:
        if not window.form.whole or window.rules is None or window.store is None:
            return
        timer.stop()
        freeze()

    timer.timeout.connect(look)
    timer.start()
    return timer
