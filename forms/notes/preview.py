"""The note as it prints: a QPdfView of exactly the bytes the printer gets (the store's
`pdf()`: a superseded version carries its SUPERSEDED mark), every page, fitted to width.

QPdfDocument reads from the QBuffer for as long as the document is open, so the
bytes and the buffer are kept with it and replaced only after it is closed.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from consult.record.nhs import display as show_nhs_number
from consult.store import NoteInfo

NOTHING = "Select a note in the list to see it here exactly as it prints."


def describe(info: NoteInfo, selected: int = 1) -> str:
    """The lines above the preview: whose note, which version, and what prints."""
    p = info.patient
    nhs = show_nhs_number(p.nhs_number) if p.nhs_number else "not recorded"
    lines = [f"{p.name} \u00b7 NHS number {nhs} \u00b7 note {info.short_id} version {info.version}"]
    if info.superseded:
        lines.append(f"SUPERSEDED by version {info.latest_version}: it shows and prints with the "
                     "SUPERSEDED mark on every page.")
    elif info.version > 1:
        lines.append(f"Latest version (amended: {info.amend_reason or 'no reason given'}).")
    if selected > 1:
        lines.append(f"{selected} notes selected: Print and Export use the latest version of each.")
    return "\n".join(lines)


class NotePreview(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notePreview")
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setObjectName("notePdfView")
        self.view.setAccessibleName("Note preview")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.message = QLabel(NOTHING, self)
        self.message.setObjectName("previewMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setMargin(24)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.message)
        self.stack.addWidget(self.view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self._data: QByteArray | None = None
        self._buffer: QBuffer | None = None
        self._raw: bytes | None = None
        self.shown: object = None   # what the caller said this is (e.g. a note key)

    def show_pdf(self, data: bytes, shown: object = None) -> None:
        """Show these PDF bytes, from the first page."""
        self._release()
        self._raw = bytes(data)
        self._data = QByteArray(self._raw)
        self._buffer = QBuffer(self._data, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        self.shown = shown
        if self.document.status() == QPdfDocument.Status.Error or self.document.pageCount() < 1:
            self.show_message("This note cannot be shown: its PDF could not be read.", error=True)
            return
        self.view.pageNavigator().jump(0, QPointF(0, 0))
        self.stack.setCurrentWidget(self.view)

    def show_message(self, text: str, *, error: bool = False) -> None:
        self._release()
        self.shown = None
        self.message.setText(text)
        self.message.setProperty("role", "error" if error else "")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.stack.setCurrentWidget(self.message)

    def pdf_bytes(self) -> bytes | None:
        """The bytes on show (None when a message is shown)."""
        return self._raw

    def page_count(self) -> int:
        return self.document.pageCount() if self._raw is not None else 0

    def text(self) -> str:
        """The words of the document on show, page after page (for checks)."""
        return "\n".join(self.document.getAllText(page).text() for page in range(self.page_count()))

    def _release(self) -> None:
        self.document.close()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.deleteLater()
        self._buffer = self._data = self._raw = None
