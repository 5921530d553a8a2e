"""Printing the note: the same PDF as the export, rasterised page by page.

    ask_printer(parent, page_count=None) -> QPrinter | None   the system print dialog
    print_pdf(pdf_bytes, printer, dpi=300) -> pages printed    raises PrintError

pdfium (pypdfium2) draws each page into an image, so the resolution is chosen
here: 300 dpi reads as crisp text on paper and keeps a three-page note's spool
to a few megabytes (Qt stores the page images as JPEG). Pages are composited onto
white, so the spool carries no transparency mask, and fitted to the printable
area with their aspect ratio kept. Copies and collation are the printer's business.

QtPrintSupport and pdfium are imported on first use: importing this module costs
the window nothing at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QWidget

DOC_NAME = "Consultation note"   # shown in print queues: no patient identifiers
MIN_DPI, MAX_DPI = 72, 1200




class PrintError(Exception):
    """Printing failed; the message is one line a GP can read."""


def ask_printer(parent: QWidget | None, page_count: int | None = None) -> QPrinter | None:
    """The printer the GP chose and set up in the system print dialog, or None if cancelled."""
    from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(DOC_NAME)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print consultation note")
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintSelection, False)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, False)
    if page_count:
        dialog.setMinMax(1, page_count)
    try:
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return None
        return printer
    finally:
        dialog.deleteLater()


def _page_numbers(printer: QPrinter, count: int) -> list[int]:
    """Zero-based page numbers to print, in the printer's page order."""
    from PySide6.QtPrintSupport import QPrinter

    first, last = printer.fromPage(), printer.toPage()
    if first <= 0:
        first, last = 1, count
    elif last <= 0 or last > count:
        last = count
    if first > count or first > last:
        raise PrintError(f"Pages {first} to {printer.toPage() or first} are not in the note, "
                         f"which has {count} page{'s' if count != 1 else ''}.")
    pages = list(range(first - 1, last))
    if printer.pageOrder() == QPrinter.PageOrder.LastPageFirst:
        pages.reverse()
    return pages


def print_pdf(pdf_bytes: bytes, printer: QPrinter, dpi: int = 300) -> int:
    """Print every page of the PDF (or the printer's page range) at `dpi`; the pages printed."""
    import pypdfium2 as pdfium
    from PySide6.QtCore import QRectF, QSize, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtPrintSupport import QPrinter

    if not MIN_DPI <= dpi <= MAX_DPI:
        raise ValueError(f"dpi must be between {MIN_DPI} and {MAX_DPI}, not {dpi}")
    try:
        document = pdfium.PdfDocument(bytes(pdf_bytes))
    except pdfium.PdfiumError as exc:
        reason = "the PDF is password-protected" if "password" in str(exc).lower() \
            else "it is not a valid PDF"
        raise PrintError(f"The note could not be read for printing: {reason}.") from None
    try:
        if len(document) < 1:
            raise PrintError("The note could not be read for printing: it has no pages.")
        pages = _page_numbers(printer, len(document))
        if not printer.docName():
            printer.setDocName(DOC_NAME)
        painter = QPainter()
        if not painter.begin(printer):
            where = printer.outputFileName() or printer.printerName() or "the default printer"
            raise PrintError(f"The printer could not be started ({where}).")
        printed = 0
        try:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            area = QRectF(0, 0, printer.width(), printer.height())
            for index in pages:
                if printed and not printer.newPage():
                    raise PrintError(f"The printer stopped after {printed} "
                                     f"page{'s' if printed != 1 else ''}.")
                if printer.printerState() == QPrinter.PrinterState.Aborted:
                    break
                # pdfium renders onto white, as BGRx: Qt's RGB32 on little-endian machines
                bitmap = document[index].render(scale=dpi / 72, prefer_bgrx=True)
                image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height,
                               bitmap.stride, QImage.Format.Format_RGB32)
                if image.isNull():
                    raise PrintError(f"Page {index + 1} of the note could not be rendered.")
                pixels = QSize(bitmap.width, bitmap.height)
                fitted = QSize(pixels).scaled(area.size().toSize(),
                                              Qt.AspectRatioMode.KeepAspectRatio)
                target = QRectF((area.width() - fitted.width()) / 2, 0, fitted.width(),
                                fitted.height())
                painter.drawImage(target, image)
                printed += 1
        finally:
            painter.end()
        if printer.printerState() == QPrinter.PrinterState.Error:
            raise PrintError("The printer reported an error; check it and try again.")
        return printed
    finally:
        document.close()
