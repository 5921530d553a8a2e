"""Printing: the exported note's own PDF, rasterised at 300 dpi into the printer, page for page.

No real printer: a high-resolution QPrinter writing PDF to a temporary file stands in,
and pypdf reads what it produced.
"""

from __future__ import annotations

import io
import os

import pypdf
import pytest
from PySide6.QtGui import QPageSize
from PySide6.QtPrintSupport import QPrintDialog, QPrinter

from consult.note import note_pdf
from forms import printing
from forms.printing import PrintError, ask_printer, print_pdf
from tests.support import negative_record

A4_POINTS = (595.28, 841.89)


@pytest.fixture(scope="module")
def note() -> bytes:
    """The exact bytes the Export action writes for a complete record."""
    return note_pdf(negative_record())


@pytest.fixture
def printer(qapp, tmp_path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    return printer


def _read(printer: QPrinter) -> pypdf.PdfReader:
    with open(printer.outputFileName(), "rb") as fh:
        data = fh.read()
    assert data.startswith(b"%PDF")
    return pypdf.PdfReader(io.BytesIO(data))


def _pages(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _drawn_box(page: pypdf.PageObject) -> tuple[float, float, float, float]:
    """(x, y, width, height) in points of the one image drawn on the page (tracks q/Q/cm)."""
    ctm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    stack = []
    found = []
    content = pypdf.generic.ContentStream(page.get_contents(), page.pdf)
    for operands, operator in content.operations:
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop()
        elif operator == b"cm":
            a, b, c, d, e, f = (float(x) for x in operands)
            A, B, C, D, E, F = ctm
            ctm = [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
                   e * A + f * C + E, e * B + f * D + F]
        elif operator == b"Do":
            found.append(ctm)
    assert len(found) == 1
    a, b, c, d, e, f = found[0]
    return e + min(0.0, c), f + min(0.0, d), abs(a) + abs(c), abs(b) + abs(d)


@pytest.mark.hazard("H6")
def test_prints_every_page_as_a_300_dpi_image(note, printer):
    assert _pages(note) == 3
    assert print_pdf(note, printer) == 3
    out = _read(printer)
    assert len(out.pages) == 3
    for page in out.pages:
        images = page.images
        assert len(images) == 1
        width, height = images[0].image.size   # A4 at 300 dpi (pdfium rounds up)
        assert abs(width - 2480) <= 1 and abs(height - 3508) <= 1
        assert page.extract_text().strip() == ""     # rasterised: no text layer


def test_spool_size_stays_reasonable(note, printer):
    print_pdf(note, printer)
    size = os.path.getsize(printer.outputFileName())
    assert 100_000 < size < 15_000_000


def test_dpi_sets_the_image_resolution(note, printer):
    print_pdf(note, printer, dpi=150)
    width, height = _read(printer).pages[0].images[0].image.size
    assert abs(width - 1240) <= 1 and abs(height - 1754) <= 1
    with pytest.raises(ValueError):
        print_pdf(note, printer, dpi=20)


@pytest.mark.hazard("H6")
def test_a4_fills_an_a4_page_and_keeps_its_shape_on_letter(note, printer):
    print_pdf(note, printer)
    page = _read(printer).pages[0]
    x, y, w, h = _drawn_box(page)
    assert w / h == pytest.approx(A4_POINTS[0] / A4_POINTS[1], rel=0.01)

    printer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
    print_pdf(note, printer)
    page = _read(printer).pages[0]
    x, y, w, h = _drawn_box(page)
    assert w / h == pytest.approx(A4_POINTS[0] / A4_POINTS[1], rel=0.01)
    media_w, media_h = float(page.mediabox.width), float(page.mediabox.height)
    assert x >= 0 and x + w <= media_w + 0.5
    assert y >= 0 and y + h <= media_h + 0.5
    assert (media_w, media_h) == pytest.approx((612, 792), abs=1)


def test_respects_the_printers_page_range(note, printer):
    printer.setFromTo(2, 3)
    assert print_pdf(note, printer) == 2
    assert len(_read(printer).pages) == 2


def test_range_past_the_end_is_clamped_or_refused(note, printer):
    printer.setFromTo(3, 9)
    assert print_pdf(note, printer) == 1
    printer.setFromTo(5, 6)
    with pytest.raises(PrintError, match="not in the note, which has 3 pages"):
        print_pdf(note, printer)


def test_last_page_first(note, printer):
    printer.setFromTo(3, 3)
    print_pdf(note, printer)
    last_page = _read(printer).pages[0].images[0].data
    printer.setFromTo(0, 0)
    printer.setPageOrder(QPrinter.PageOrder.LastPageFirst)
    assert print_pdf(note, printer) == 3
    printed = _read(printer).pages
    assert printed[0].images[0].data == last_page
    assert printed[2].images[0].data != last_page


@pytest.mark.parametrize("data", [b"", b"not a pdf at all", b"%PDF-1.4\n%garbage\n" + b"\x00" * 64])
def test_a_corrupt_pdf_raises_print_error(printer, data):
    with pytest.raises(PrintError, match="could not be read for printing") as raised:
        print_pdf(data, printer)
    assert "\n" not in str(raised.value)


@pytest.mark.qt_log_ignore("QPainter::begin")  # the failure this test provokes
def test_a_printer_that_cannot_start_raises_print_error(note, printer, tmp_path):
    printer.setOutputFileName(str(tmp_path / "no such folder" / "out.pdf"))
    with pytest.raises(PrintError, match="printer could not be started"):
        print_pdf(note, printer)


@pytest.mark.hazard("H11")
def test_queue_name_carries_no_patient_identifiers(note, printer):
    print_pdf(note, printer)
    assert printer.docName() == printing.DOC_NAME
    info = _read(printer).metadata or {}
    assert not any("Taylor" in str(v) or "9434765919" in str(v) or "943 476 5919" in str(v)
                   for v in info.values())  # (a creation time may well contain "943")


def test_ask_printer_returns_none_when_cancelled(qapp, monkeypatch):
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QPrintDialog.DialogCode.Rejected)
    assert ask_printer(None, page_count=3) is None
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QPrintDialog.DialogCode.Accepted)
    chosen = ask_printer(None, page_count=3)
    assert isinstance(chosen, QPrinter) and chosen.docName() == printing.DOC_NAME
