"""A free-text box that shows all its text: it wraps at word boundaries and grows with
what is typed, from `lines` lines up to `most` lines (only beyond that does it scroll),
so that an answer such as where the patient is now ("in the back of an ambulance on the
A38 outside 14 Long Meadow Road ...") is read whole, never cut at the field's edge.

    editor = GrowingTextEdit(parent, lines=1, most=8)

Tab moves on (it is a form field, not a text document); it never scrolls sideways.
Enter adds a line in every such box, one line high or more: after Enter the GP's next
words stay in the box. (A box whose Enter moved on, as one-line fields do, sent the words
typed after it into the next questions, where "n" and "y" record answers: the CSO's review
2026-12-07c, finding 1.) Ctrl+Enter is never taken by the box (the window's
accept-and-confirm chord).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QRect, QSize, Qt, QTimer
from PySide6.QtGui import QResizeEvent, QTextOption
from PySide6.QtWidgets import QPlainTextEdit, QSizePolicy, QWidget

MOST_LINES = 8


class GrowingTextEdit(QPlainTextEdit):
    def __init__(self, parent: QWidget | None = None, *, lines: int = 1,
                 most: int = MOST_LINES) -> None:
        super().__init__(parent)
        self.lines, self.most = max(lines, 1), max(most, lines, 1)
        self._refit = QTimer(self)   # dies with the box: never fires after it has gone
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self._fit)
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
        """The box's height for this much text: the text, the document's margin, and the
        frame and padding around the viewport (as laid out, else the frame's width)."""
        margins = self.viewportMargins()
        chrome = self.height() - self.contentsRect().height() + margins.top() + margins.bottom()
        return math.ceil(text_height + 2 * self.document().documentMargin() + chrome)

    def _placeholder_height(self) -> int:
        """The hint shown while the box is empty, wrapped as the text would be."""
        if self.document().characterCount() > 1 or not self.placeholderText():
            return 0
        width = self.viewport().width() - 2 * int(self.document().documentMargin())
        return self.fontMetrics().boundingRect(QRect(0, 0, max(width, 1), 100_000),
                                               int(Qt.TextFlag.TextWordWrap),
                                               self.placeholderText()).height()

    def _fit(self) -> None:
        line = self.fontMetrics().lineSpacing()
        text = max(self._text_height(), self._placeholder_height())
        shown = min(max(text, self.lines * line), self.most * line)
        height = self._height_for(shown)
        if height != self.height() or self.minimumHeight() != height:
            self.setFixedHeight(height)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), self._height_for(self.lines * self.fontMetrics().lineSpacing()))

    def setPlaceholderText(self, text: str) -> None:
        super().setPlaceholderText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            # wrapped again at the new width: perhaps more or fewer lines. Not from inside
            # this resize: a scroll area lays out its viewport for one resize at a time, so
            # a height set now would leave the viewport at the old height
            self._refit.start()
