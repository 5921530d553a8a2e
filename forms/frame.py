"""One answer, one frame: lay the window out before it is painted (issue 14).

Qt lays widgets out when the event loop next handles their posted LayoutRequest, and
an item view lays its items out on a zero-length timer. After an answer that changes
the panel's rows and the side lists, the window was therefore painted once with the new
content in the old places and again, a pass later, where it belongs: two paints of the
plan list and the side lists, and a frame in which a GP could see the plan list's rows
out of place. Calling `lay_out_now` at the end of the answer's handling does that work
at once, so the one paint that follows shows everything where it belongs.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QAbstractItemView

#: a layout may ask its parent for a layout in turn (the panel's body, its scroll area,
#: the window's splitter): a few rounds settle the chain; an empty round costs microseconds
ROUNDS = 3


def lay_out_now(*views: QAbstractItemView) -> None:
    """Handle every pending layout request now, and lay out `views`' items now."""
    for _ in range(ROUNDS):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        for view in views:
            view.executeDelayedItemsLayout()
