"""A free-text box that shows all its text: it wraps at word boundaries and grows with
what is typed, from `lines` lines up to `most` lines (only beyond that does it scroll),
so that an answer such as where the patient is now ("in the back of an ambulance on the
A38 outside 14 Long Meadow Road ...") is read whole, never cut at the field's edge.

    editor = GrowingTextEdit(parent, lines=1, most=8)

Tab moves on (it is a form field, not a text document); it never scrolls sideways.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent, QTextOption
from PySide6.QtWidgets import QPlainTextEdit, QSizePolicy, QWidget

MOST_LINES = 8


class GrowingTextEdit(QPlainTextEdit):
    def __init__(self, parent: QWidget | None = None, *, lines: int = 1,
                 most: int = MOST_LINES) -> None:
        super().__init__(parent)
        self.lines, self.most = max(lines, 1), max(most, lines, 1)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().contentsChanged.connect(self._fit)
        self._fit()

    def _text_height(self) -> float:
        """The height of every line of the text at the editor's present width."""
        document, layout = self.document(), self.document().documentLayout()
        height, block = 0.0, document.begin()
        while block.isValid():
            height += layout.blockBoundingRect(block).height()   # lays the block out
            block = block.next()
        return height

    def _height_for(self, text_height: float) -> int:
        margins = self.contentsMargins()
        return math.ceil(text_height + 2 * self.document().documentMargin()
                         + margins.top() + margins.bottom())

    def _fit(self) -> None:
        line = self.fontMetrics().lineSpacing()
        shown = min(max(self._text_height(), self.lines * line), self.most * line)
        height = self._height_for(shown)
        if height != self.height() or self.minimumHeight() != height:
            self.setFixedHeight(height)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), self._height_for(self.lines * self.fontMetrics().lineSpacing()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self._fit()   # wrapped again at the new width: perhaps more or fewer lines
