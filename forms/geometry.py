"""A window's size on the screen it opens on: a preferred size, never more than the
screen's available area (a 1366x768 laptop; 200% scaling on 1920x1080 gives 960x540
logical pixels), and, for a window that remembers, where the user last left it.

    fit_to_screen(window, QSize(1400, 900))          # before show()
    restore_geometry(window, "notesWindow", QSize(1400, 900))
    save_geometry(window, "notesWindow")             # in closeEvent
    FittedSplitter(parent, (0.19, 180, 260), None, (0.33, 320, 460))   # columns that fit

The geometry is kept in QSettings (tests point QSettings at a temporary folder). Qt moves
a restored window back onto the screen when the screens changed since it was saved, and
a saved size larger than today's screen is cut down to it.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSettings, QSize, Qt
from PySide6.QtGui import QGuiApplication, QResizeEvent
from PySide6.QtWidgets import QSplitter, QWidget

# the part of the available area a new window takes: room for the frame and title bar
WIDTH_SHARE, HEIGHT_SHARE = 0.96, 0.92


def available(window: QWidget) -> QRect | None:
    """The available area of the window's screen (or the primary screen)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else None


def fit_to_screen(window: QWidget, preferred: QSize) -> None:
    """The preferred size, bounded by the available area, centred on it."""
    free = available(window)
    size = QSize(preferred)
    if free is not None:
        size = size.boundedTo(QSize(int(free.width() * WIDTH_SHARE),
                                    int(free.height() * HEIGHT_SHARE)))
    window.resize(size)
    if free is not None:
        window.move(free.x() + (free.width() - size.width()) // 2,
                    free.y() + (free.height() - size.height()) // 2)


def restore_geometry(window: QWidget, key: str, preferred: QSize) -> bool:
    """Where the user last left the window, else the preferred size fitted to the screen.
    True when a saved geometry was used."""
    saved = QSettings().value(f"{key}/geometry")
    if saved is not None and window.restoreGeometry(saved):
        free = available(window)
        if free is not None and (window.width() > free.width() or window.height() > free.height()):
            window.resize(window.size().boundedTo(free.size()))
            window.move(free.topLeft())
        return True
    fit_to_screen(window, preferred)
    return False


def save_geometry(window: QWidget, key: str) -> None:
    QSettings().setValue(f"{key}/geometry", window.saveGeometry())


class FittedSplitter(QSplitter):
    """Columns that share the width as a narrow screen needs: each column but one takes
    `share` of the width within [least, most] pixels, the one given None takes the rest,
    until the user moves a handle (then the user's sizes are kept, as QSplitter does).

        splitter = FittedSplitter(parent, (0.19, 180, 260), None, (0.33, 320, 460))
    """

    def __init__(self, parent: QWidget | None,
                 *columns: tuple[float, int, int] | None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.columns = columns
        self.user_sized = False
        self.splitterMoved.connect(self._moved)

    def _moved(self, *_args: object) -> None:
        self.user_sized = True

    def fitted_sizes(self, width: int) -> list[int]:
        """The columns' widths for a splitter this wide (the handles left out)."""
        free = width - self.handleWidth() * max(self.count() - 1, 0)
        sizes = [0 if c is None else max(c[1], min(c[2], int(c[0] * width)))
                 for c in self.columns[:self.count()]]
        rest = [i for i, c in enumerate(self.columns[:self.count()]) if c is None]
        if rest:
            sizes[rest[0]] = max(free - sum(sizes), 0)
        return sizes

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if not self.user_sized and self.count() == len(self.columns):
            self.setSizes(self.fitted_sizes(self.width()))
