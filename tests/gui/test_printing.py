"""Printing: the note's own PDF pages to a file or to CUPS's lp, page images elsewhere.

No real printer. "Print to file" is a QPrinter writing PDF to a temporary file; a native
printer is a QPrinter answering like one (offscreen Qt has no CUPS printers: NativeFormat
falls back to PDF), fed to a fake `lp` first on PATH that records what it was given. The
raster route (Windows, or no lp) is called directly and prints into a PDF QPrinter; pypdf
reads what each route produced.
"""

from __future__ import annotations

import io
import os
import stat
import sys
from pathlib import Path

import pypdf
import pytest
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo

from consult import printjob
from consult.note import note_pdf
from forms import printing
from forms.printing import PrintError, ask_printer, lp_command, print_pdf, print_pdf_raster
from tests.storesupport import patient_record
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
    assert print_pdf_raster(note, printer) == 3
    out = _read(printer)
    assert len(out.pages) == 3
    for page in out.pages:
        images = page.images
        assert len(images) == 1
        width, height = images[0].image.size   # A4 at 300 dpi (pdfium rounds up)
        assert abs(width - 2480) <= 1 and abs(height - 3508) <= 1
        assert page.extract_text().strip() == ""     # rasterised: no text layer


def test_spool_size_stays_reasonable(note, printer):
    print_pdf_raster(note, printer)
    size = os.path.getsize(printer.outputFileName())
    assert 100_000 < size < 15_000_000


def test_dpi_sets_the_image_resolution(note, printer):
    print_pdf_raster(note, printer, dpi=150)
    width, height = _read(printer).pages[0].images[0].image.size
    assert abs(width - 1240) <= 1 and abs(height - 1754) <= 1
    with pytest.raises(ValueError):
        print_pdf_raster(note, printer, dpi=20)


@pytest.mark.hazard("H6")
def test_a4_fills_an_a4_page_and_keeps_its_shape_on_letter(note, printer):
    print_pdf_raster(note, printer)
    page = _read(printer).pages[0]
    x, y, w, h = _drawn_box(page)
    assert w / h == pytest.approx(A4_POINTS[0] / A4_POINTS[1], rel=0.01)

    printer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
    print_pdf_raster(note, printer)
    page = _read(printer).pages[0]
    x, y, w, h = _drawn_box(page)
    assert w / h == pytest.approx(A4_POINTS[0] / A4_POINTS[1], rel=0.01)
    media_w, media_h = float(page.mediabox.width), float(page.mediabox.height)
    assert x >= 0 and x + w <= media_w + 0.5
    assert y >= 0 and y + h <= media_h + 0.5
    assert (media_w, media_h) == pytest.approx((612, 792), abs=1)


@pytest.mark.parametrize("print_note", [print_pdf, print_pdf_raster], ids=["file", "raster"])
def test_respects_the_printers_page_range(note, printer, print_note):
    printer.setFromTo(2, 3)
    assert print_note(note, printer) == 2
    assert len(_read(printer).pages) == 2


@pytest.mark.parametrize("print_note", [print_pdf, print_pdf_raster], ids=["file", "raster"])
def test_range_past_the_end_is_clamped_or_refused(note, printer, print_note):
    printer.setFromTo(3, 9)
    assert print_note(note, printer) == 1
    printer.setFromTo(5, 6)
    with pytest.raises(PrintError, match="not in the note, which has 3 pages"):
        print_note(note, printer)


def test_last_page_first(note, printer):
    printer.setFromTo(3, 3)
    print_pdf_raster(note, printer)
    last_page = _read(printer).pages[0].images[0].data
    printer.setFromTo(0, 0)
    printer.setPageOrder(QPrinter.PageOrder.LastPageFirst)
    assert print_pdf_raster(note, printer) == 3
    printed = _read(printer).pages
    assert printed[0].images[0].data == last_page
    assert printed[2].images[0].data != last_page


@pytest.mark.parametrize("print_note", [print_pdf, print_pdf_raster], ids=["file", "raster"])
@pytest.mark.parametrize("data", [b"", b"not a pdf at all", b"%PDF-1.4\n%garbage\n" + b"\x00" * 64])
def test_a_corrupt_pdf_raises_print_error(printer, data, print_note):
    with pytest.raises(PrintError, match=r"^The note could not be read for printing") as raised:
        print_note(data, printer)
    assert "\n" not in str(raised.value)
    assert not os.path.exists(printer.outputFileName())


@pytest.mark.qt_log_ignore("QPainter::begin")  # the failure this test provokes
def test_a_printer_that_cannot_start_raises_print_error(note, printer, tmp_path):
    printer.setOutputFileName(str(tmp_path / "no such folder" / "out.pdf"))
    with pytest.raises(PrintError, match="printer could not be started"):
        print_pdf_raster(note, printer)


@pytest.mark.hazard("H11")
def test_queue_name_carries_no_patient_identifiers(note, printer, tmp_path, monkeypatch):
    def identifying(text: str) -> bool:   # (a creation time may well contain "943")
        return "Taylor" in text or "9434765919" in text or "943 476 5919" in text

    print_pdf_raster(note, printer)                        # raster: Qt's document name
    assert printer.docName() == printing.DOC_NAME
    assert not any(identifying(str(v)) for v in (_read(printer).metadata or {}).values())
    print_pdf(note, printer)                               # to a file: the PDF's properties
    assert dict(_read(printer).metadata) == {"/Title": printing.DOC_NAME, "/Producer": "pypdf"}
    lp = FakeLp(tmp_path / "lp", monkeypatch)              # CUPS: the job's title
    print_pdf(note, native_printer(monkeypatch))
    assert lp.option("-t") == printing.DOC_NAME
    printing.print_many([note, note], native_printer(monkeypatch))
    assert lp.option("-t") == printing.JOB_NAME == "Consultation notes"
    assert not any(identifying(arg) for arg in lp.argv)
    assert dict(pypdf.PdfReader(io.BytesIO(lp.stdin)).metadata) == {
        "/Title": "Consultation notes", "/Producer": "pypdf"}


def test_ask_printer_returns_none_when_cancelled(qapp, monkeypatch):
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QPrintDialog.DialogCode.Rejected)
    assert ask_printer(None, page_count=3) is None
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QPrintDialog.DialogCode.Accepted)
    chosen = ask_printer(None, page_count=3)
    assert isinstance(chosen, QPrinter) and chosen.docName() == printing.DOC_NAME


# -- the route: the notes' own pages to a file or to lp ------------------------------------------

def _texts(pdf: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]


class FakeLp:
    """A fake `lp` first on PATH: records its arguments and standard input in `folder`.
    `fail` makes it refuse, as CUPS's lp does, with that line on stderr and status 1,
    without reading the job; `hang` makes it never answer."""

    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch, *, fail: str = "",
                 hang: bool = False) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        bin_dir = folder / "bin"
        bin_dir.mkdir(exist_ok=True)
        record = f"printf '%s\\n' \"$@\" > '{folder}/argv'\n"
        if hang:
            body = "exec sleep 60\n"
        elif fail:
            body = f"echo '{fail}' >&2\necho 'lp: and a second line' >&2\nexit 1\n"
        else:
            body = f"cat > '{folder}/stdin'\necho 'request id is Reception-7 (1 file(s))'\n"
        script = bin_dir / "lp"
        script.write_text("#!/bin/sh\n" + record + body)
        script.chmod(stat.S_IRWXU)
        monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")

    @property
    def called(self) -> bool:
        return (self.folder / "argv").exists()

    @property
    def argv(self) -> list[str]:
        return (self.folder / "argv").read_text().splitlines()

    @property
    def stdin(self) -> bytes:
        return (self.folder / "stdin").read_bytes()

    def option(self, flag: str) -> str:
        argv = self.argv
        return argv[argv.index(flag) + 1]


def native_printer(monkeypatch: pytest.MonkeyPatch, name: str = "Reception",
                   duplex: QPrinter.DuplexMode = QPrinter.DuplexMode.DuplexNone) -> QPrinter:
    """A QPrinter answering as the dialog's choice of a CUPS printer would. Offscreen Qt
    has none (see the next test), so the answers Qt cannot give here are patched."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    monkeypatch.setattr(printer, "outputFormat", lambda: QPrinter.OutputFormat.NativeFormat)
    monkeypatch.setattr(printer, "printerName", lambda: name)
    monkeypatch.setattr(printer, "duplex", lambda: duplex)
    return printer


@pytest.fixture(scope="module")
def three_notes() -> list[bytes]:
    return [note_pdf(patient_record(given, family, nhs)) for given, family, nhs in
            [("Sam", "Taylor", "9434765919"), ("Alex", "Jones", "9000000009"),
             ("Priya", "Sharma", "9000000017")]]


def test_offscreen_qt_has_no_native_printer_so_tests_use_a_stand_in(qapp):
    if QPrinterInfo.availablePrinterNames():
        pytest.skip("this machine has printers")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.NativeFormat)
    printer.setPrinterName("Reception")
    assert printer.outputFormat() == QPrinter.OutputFormat.PdfFormat
    assert printer.printerName() == ""


def test_route_follows_the_printer_chosen(qapp, printer, monkeypatch, tmp_path):
    assert printing.route(printer) == "file"
    native = native_printer(monkeypatch)
    monkeypatch.setenv("PATH", str(tmp_path))                 # no lp anywhere
    assert printing.route(native) == "raster"
    FakeLp(tmp_path / "lp", monkeypatch)
    assert printing.route(native) == "lp"
    assert printing.route(printer) == "file"                  # a file is a file, lp or not
    monkeypatch.setattr(sys, "platform", "win32")
    assert printing.route(native) == "raster"


@pytest.mark.hazard("H6")
def test_print_to_file_writes_the_notes_own_pages(note, printer):
    assert print_pdf(note, printer) == 3
    path = Path(printer.outputFileName())
    out = _read(printer)
    assert _texts(path.read_bytes()) == _texts(note)          # vector: the text is there
    assert all(t for t in _texts(note))
    for page in out.pages:
        assert len(page.images) == 0
        assert (float(page.mediabox.width), float(page.mediabox.height)) == \
            pytest.approx(A4_POINTS, abs=0.01)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600        # owner-only, like an export
    assert sorted(p.name for p in path.parent.iterdir()) == ["printed.pdf"]


def test_print_to_file_keeps_the_page_range_and_order(note, printer):
    pages = _texts(note)
    printer.setFromTo(2, 3)
    printer.setPageOrder(QPrinter.PageOrder.LastPageFirst)
    assert print_pdf(note, printer) == 2
    assert _texts(Path(printer.outputFileName()).read_bytes()) == [pages[2], pages[1]]


def test_print_many_to_file_in_order_two_sided_and_reversed(three_notes, printer, monkeypatch):
    path = Path(printer.outputFileName())
    pages = [t for pdf in three_notes for t in _texts(pdf)]
    assert printing.print_many(three_notes, printer) == 9
    assert _texts(path.read_bytes()) == pages
    assert "TAYLOR, Sam" in pages[0] and "JONES, Alex" in pages[3] and "SHARMA, Priya" in pages[6]
    # a PDF file cannot be two-sided (Qt ignores setDuplex for it): a duplex printer's answer
    monkeypatch.setattr(printer, "duplex", lambda: QPrinter.DuplexMode.DuplexLongSide)
    assert printing.print_many(three_notes, printer) == 9   # blank backs are not counted
    assert _texts(path.read_bytes()) == [*pages[:3], "", *pages[3:6], "", *pages[6:]]
    monkeypatch.setattr(printer, "duplex", lambda: QPrinter.DuplexMode.DuplexNone)
    printer.setPageOrder(QPrinter.PageOrder.LastPageFirst)
    printing.print_many(three_notes, printer)
    assert _texts(path.read_bytes()) == pages[::-1]


def test_a_file_that_cannot_be_written_raises_print_error(note, printer, tmp_path):
    printer.setOutputFileName(str(tmp_path / "no such folder" / "out.pdf"))
    with pytest.raises(PrintError, match=r"could not be written to .*out\.pdf: No such file"):
        print_pdf(note, printer)
    (tmp_path / "a folder.pdf").mkdir()
    printer.setOutputFileName(str(tmp_path / "a folder.pdf"))
    with pytest.raises(PrintError, match="could not be written") as raised:
        printing.print_many([note, note], printer)
    assert "\n" not in str(raised.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a folder.pdf"]


def test_lp_command_carries_the_dialogs_choices():
    mode = QPrinter.DuplexMode
    assert lp_command("Reception", 2, mode.DuplexLongSide, True) == [
        "lp", "-d", "Reception", "-n", "2", "-o", "sides=two-sided-long-edge",
        "-o", "collate=true", "-o", "print-color-mode=monochrome", "-t", "Consultation notes"]
    assert lp_command("", 1, mode.DuplexNone, False) == [   # the system's default printer
        "lp", "-n", "1", "-o", "sides=one-sided", "-o", "collate=true", "-t", "Consultation notes"]
    assert lp_command("Back office", 0, mode.DuplexShortSide, False, reverse=True,
                      title="Consultation note") == [
        "lp", "-d", "Back office", "-n", "1", "-o", "sides=two-sided-short-edge",
        "-o", "collate=true", "-o", "outputorder=reverse", "-t", "Consultation note"]
    assert printing.cups_sides(mode.DuplexAuto) == "two-sided-long-edge"
    assert printing.cups_sides(mode.DuplexAuto, landscape=True) == "two-sided-short-edge"


@pytest.mark.hazard("H6")
def test_print_many_pipes_the_combined_pdf_to_lp(three_notes, monkeypatch, tmp_path):
    lp = FakeLp(tmp_path / "lp", monkeypatch)
    printer = native_printer(monkeypatch, "Reception", QPrinter.DuplexMode.DuplexLongSide)
    printer.setCopyCount(2)
    printer.setColorMode(QPrinter.ColorMode.GrayScale)
    seen = []
    assert printing.print_many(three_notes, printer,
                               progress=lambda done, total: seen.append((done, total))) == 9
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert lp.argv == ["-d", "Reception", "-n", "2", "-o", "sides=two-sided-long-edge",
                       "-o", "collate=true", "-o", "print-color-mode=monochrome",
                       "-t", "Consultation notes"]
    assert lp.stdin == printjob.combine(three_notes, two_sided=True)   # exactly the job
    pages = [t for pdf in three_notes for t in _texts(pdf)]
    assert _texts(lp.stdin) == [*pages[:3], "", *pages[3:6], "", *pages[6:]]


def test_print_pdf_to_lp_sends_the_range_and_lets_cups_reverse_it(note, monkeypatch, tmp_path):
    lp = FakeLp(tmp_path / "lp", monkeypatch)
    printer = native_printer(monkeypatch, "Reception", QPrinter.DuplexMode.DuplexAuto)
    printer.setPageOrientation(QPageLayout.Orientation.Landscape)
    printer.setFromTo(2, 3)
    printer.setPageOrder(QPrinter.PageOrder.LastPageFirst)
    assert print_pdf(note, printer) == 2
    pages = _texts(note)
    assert _texts(lp.stdin) == pages[1:3]      # first to last: CUPS reverses whole sheets
    assert "outputorder=reverse" in lp.argv and "sides=two-sided-short-edge" in lp.argv
    assert "print-color-mode=monochrome" not in lp.argv
    assert lp.option("-t") == "Consultation note"


def test_lp_refusing_the_job_gives_its_first_line(note, monkeypatch, tmp_path):
    lp = FakeLp(tmp_path / "lp", monkeypatch, fail="lp: The printer or class does not exist.")
    with pytest.raises(PrintError) as raised:
        printing.print_many([note, note], native_printer(monkeypatch, "Gone"))
    assert str(raised.value) == ("The printer did not accept the job: "
                                 "lp: The printer or class does not exist.")
    assert raised.value.index is None and lp.option("-d") == "Gone"


def test_lp_that_never_answers_times_out(monkeypatch, tmp_path):
    FakeLp(tmp_path / "lp", monkeypatch, hang=True)
    with pytest.raises(PrintError, match=r"did not take the job within 0\.5 seconds"):
        printing.send_to_lp(b"%PDF-1.4\n", ["lp"], timeout=0.5)


def test_nothing_reaches_lp_when_a_note_is_unreadable_or_the_job_is_cancelled(
        note, monkeypatch, tmp_path):
    lp = FakeLp(tmp_path / "lp", monkeypatch)
    printer = native_printer(monkeypatch)
    with pytest.raises(PrintError, match="Note 2 could not be read") as raised:
        printing.print_many([note, b"not a pdf", note], printer)
    assert raised.value.index == 1
    with pytest.raises(printing.PrintCancelled, match="before anything was sent") as stopped:
        printing.print_many([note, note], printer, progress=lambda done, total: False)
    assert stopped.value.printed == []
    assert not lp.called
