"""A message bar across the window, under the patient banner: state the GP must see
without a modal box (drafts not being saved, a finalised and locked note, an
amendment in progress). The words carry the meaning; the colour only repeats it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QStyle, QWidget

KINDS = {
    "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "locked": QStyle.StandardPixmap.SP_MessageBoxInformation,
    "amending": QStyle.StandardPixmap.SP_MessageBoxInformation,
    "info": QStyle.StandardPixmap.SP_MessageBoxInformation,
}


class MessageBar(QFrame):
    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setProperty("role", "messageBar")
        self.setProperty("kind", "info")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 4)
        layout.setSpacing(8)
        self.icon = QLabel(self)
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.label = QLabel(self)
        self.label.setObjectName(f"{name}Text")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.label.font()
        font.setBold(True)
        self.label.setFont(font)
        layout.addWidget(self.icon)
        layout.addWidget(self.label, 1)
        self.hide()

    def show_message(self, kind: str, text: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown message kind {kind!r}")
        self.setProperty("kind", kind)
        self.style().unpolish(self)  # the style sheet reads the property when polished
        self.style().polish(self)
        size = self.fontMetrics().height()
        self.icon.setPixmap(self.style().standardIcon(KINDS[kind]).pixmap(size, size))
        self.label.setText(text)
        self.setAccessibleName(text)
        self.show()

    def clear(self) -> None:
        self.setProperty("kind", "info")
        self.label.clear()
        self.setAccessibleName("")
        self.hide()

    def kind(self) -> str:
        return str(self.property("kind"))

    def text(self) -> str:
        """What the bar says ("" while hidden)."""
        return self.label.text()
