"""Printing notes: their own PDF pages where the system allows it, page images where not.

    ask_printer(parent, page_count=None) -> QPrinter | None   the system print dialog
    print_pdf(pdf_bytes, printer, dpi=300) -> pages printed    one note; raises PrintError
    print_many(pdfs, printer, progress=None) -> pages printed  several notes, one job
    route(printer) -> "file" | "lp" | "raster"                 how the chosen printer is fed
    print_pdf_raster / print_many_raster                       the raster route, called directly
    lp_command(name, copies, duplex, grayscale) -> argv        the CUPS job for a native printer
    render_pages(pdfs, dpi) -> iterator of QImage              the pages as the raster route draws them
    printer_name(printer) -> str                               the file printed to, else the printer

The route follows the printer chosen in the dialog:

- "file" (Print to file, QPrinter PdfFormat): the notes' own pages, combined by
  consult.printjob, written atomically and owner-only to the chosen file. Vector: text
  stays text, and the file is exactly the PDF the preview shows.
- "lp" (a native printer where CUPS's `lp` exists, not Windows): the same combined PDF
  piped to `lp -d <printer>` with the dialog's copies, sides, colour and page order as
  CUPS options and a neutral job title; CUPS's own filters put the PDF on the paper.
  Other settings of Qt's dialog (pages per sheet, banners, paper source) are not passed.
- "raster" (Windows, or no `lp`): pdfium (pypdfium2) draws each page into an image
  that Qt's print engine sends to the printer. The resolution is chosen here: 300 dpi
  reads as crisp text on paper and keeps a three-page note's spool to a few megabytes
  (Qt stores the page images as JPEG). Pages are composited onto white, so the spool
  carries no transparency mask, and fitted to the printable area with their aspect
  ratio kept. Copies and collation are the printer's business.

Every route reads every note before anything goes to the printer: an unreadable note
prints nothing. No route puts a patient identifier in a job title or file metadata.

QtPrintSupport, pypdf and pdfium are imported on first use: importing this module costs
the window nothing at start-up.
"""

from __future__ import annotations

import ctypes
import shutil
import subprocess
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Literal

from consult.words import plural

if TYPE_CHECKING:
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QWidget

DOC_NAME = "Consultation note"   # shown in print queues: no patient identifiers
JOB_NAME = "Consultation notes"  # the same for a job of several notes
LP_TIMEOUT = 120                 # seconds for lp to take the job (it spools and returns)
MIN_DPI, MAX_DPI = 72, 1200
PRINT_DPI = 300                  # the most any printer gets: crisp on paper, spool stays small
AHEAD = 2                        # pages rendered ahead of the printer (each A4 page ~35 MB)

Progress = Callable[[int, int], Any]   # (notes done, notes in all) -> False to cancel
Route = Literal["file", "lp", "raster"]


class PrintError(Exception):
    """Printing failed; the message is one line a GP can read."""

    def __init__(self, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.index = index   # which of several notes could not be read, if that was the trouble


class PrintCancelled(PrintError):
    """The user stopped a job. On the raster route the notes already drawn whole still
    print (a PDF or CUPS spool cannot be withdrawn once started, so it is ended cleanly);
    on the file and lp routes the job is made whole before it is sent, so nothing was.
    `printed` holds the indices of the notes that went out, and nothing after them did."""

    def __init__(self, message: str, printed: Iterable[int] = ()) -> None:
        super().__init__(message)
        self.printed = sorted(printed)


def ask_printer(parent: QWidget | None, page_count: int | None = None, *,
                title: str = "Print consultation note", page_range: bool = True) -> QPrinter | None:
    """The printer the GP chose and set up in the system print dialog, or None if cancelled.

    `page_range=False` hides the page range (printing several whole notes)."""
    from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(DOC_NAME)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, page_range)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintSelection, False)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, False)
    if page_count:
        dialog.setMinMax(1, page_count)
    try:
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return None
        if not page_range:
            printer.setPrintRange(QPrinter.PrintRange.AllPages)
            printer.setFromTo(0, 0)
        return printer
    finally:
        dialog.deleteLater()


def printer_dpi(printer: QPrinter, cap: int = PRINT_DPI) -> int:
    """The resolution to render at: the printer's own, at most `cap`."""
    return max(MIN_DPI, min(printer.resolution() or cap, cap))


def _page_numbers(printer: QPrinter, count: int, ordered: bool = True) -> list[int]:
    """Zero-based page numbers to print, in the printer's page order (`ordered=False`:
    first to last whatever the order, for a route where the printer reverses them)."""
    from PySide6.QtPrintSupport import QPrinter

    first, last = printer.fromPage(), printer.toPage()
    if first <= 0:
        first, last = 1, count
    elif last <= 0 or last > count:
        last = count
    if first > count or first > last:
        raise PrintError(f"Pages {first} to {printer.toPage() or first} are not in the note, "
                         f"which has {plural(count, 'page')}.")
    pages = list(range(first - 1, last))
    if ordered and printer.pageOrder() == QPrinter.PageOrder.LastPageFirst:
        pages.reverse()
    return pages


# -- rendering (pdfium) -----------------------------------------------------------------------

def _open(data: bytes, index: int | None = None) -> Any:
    """A pdfium document of the bytes, or PrintError saying why not."""
    import pypdfium2 as pdfium

    which = "The note" if index is None else f"Note {index + 1}"
    try:
        document = pdfium.PdfDocument(bytes(data))
    except pdfium.PdfiumError as exc:
        reason = "the PDF is password-protected" if "password" in str(exc).lower() \
            else "it is not a valid PDF"
        raise PrintError(f"{which} could not be read for printing: {reason}.", index) from None
    if len(document) < 1:
        document.close()
        raise PrintError(f"{which} could not be read for printing: it has no pages.", index)
    return document


def _page_image(document: Any, index: int, dpi: int) -> QImage:
    """One page drawn by pdfium onto white, straight into a QImage's own memory
    (pdfium's BGRx is Qt's RGB32 on little-endian machines): no copy, no alpha."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c
    from PySide6.QtGui import QImage

    made: list[QImage] = []

    def into_image(width: int, height: int, format: int, rev_byteorder: bool = False) -> Any:
        if format != pdfium_c.FPDFBitmap_BGRx or rev_byteorder:
            raise PrintError(f"Page {index + 1} could not be rendered (pixel format {format}).")
        image = QImage(width, height, QImage.Format.Format_RGB32)
        if image.isNull():
            raise PrintError(f"Page {index + 1} could not be rendered: not enough memory.")
        made.append(image)
        memory = (ctypes.c_ubyte * image.sizeInBytes()).from_buffer(image.bits())
        return pdfium.PdfBitmap.new_native(width, height, format, buffer=memory,
                                           stride=image.bytesPerLine())

    page = document[index]
    try:
        bitmap = page.render(scale=dpi / 72, prefer_bgrx=True, bitmap_maker=into_image)
        bitmap.close()   # the QImage keeps the pixels
    finally:
        page.close()
    return made[0]


class _Renderer:
    """Renders pages of several PDFs a few pages ahead of the printer, in one background
    thread: the printer's encoding (the slow part) and pdfium run side by side.

    pdfium is not thread-safe, so every pdfium call - opening, rendering, closing -
    happens in that one thread; the GUI thread only receives finished QImages."""

    def __init__(self, pdfs: Sequence[bytes], dpi: int) -> None:
        if not MIN_DPI <= dpi <= MAX_DPI:
            raise ValueError(f"dpi must be between {MIN_DPI} and {MAX_DPI}, not {dpi}")
        self.dpi = dpi
        self._pdfs = pdfs
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="consult-print")
        self._documents: list[Any] = []
        self.page_counts: list[int] = []
        self._ahead: deque[Future[QImage]] = deque()

    def __enter__(self) -> _Renderer:
        try:
            self._pool.submit(self._open_all).result()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _open_all(self) -> None:
        for index, data in enumerate(self._pdfs):
            self._documents.append(_open(data, index if len(self._pdfs) > 1 else None))
            self.page_counts.append(len(self._documents[-1]))

    def images(self, plan: Iterable[tuple[int, int]]) -> Iterator[QImage]:
        """The page image of each (document, page) of the plan, in order."""
        todo = iter(plan)
        while True:
            while len(self._ahead) < AHEAD:
                step = next(todo, None)
                if step is None:
                    break
                self._ahead.append(self._pool.submit(_page_image, self._documents[step[0]],
                                                     step[1], self.dpi))
            if not self._ahead:
                return
            yield self._ahead.popleft().result()

    def __exit__(self, *_exc: object) -> None:
        for future in self._ahead:
            future.cancel()
        self._ahead.clear()

        def close_all() -> None:
            for document in self._documents:
                document.close()
            self._documents.clear()

        try:
            self._pool.submit(close_all).result()
        finally:
            self._pool.shutdown(wait=True)


def render_pages(pdfs: Iterable[bytes], dpi: int = PRINT_DPI) -> Iterator[QImage]:
    """Every page of every PDF, in order, as print_many draws it (for benchmarks and checks)."""
    pdfs = [bytes(p) for p in pdfs]
    with _Renderer(pdfs, dpi) as renderer:
        plan = [(d, p) for d, count in enumerate(renderer.page_counts) for p in range(count)]
        yield from renderer.images(plan)


# -- drawing (Qt) -------------------------------------------------------------------------------

def printer_name(printer: QPrinter) -> str:
    """Where a job went, in one order everywhere (messages, the audit trail): the file
    printed to, else the printer's name, else "the default printer"."""
    return printer.outputFileName() or printer.printerName() or "the default printer"


def _begin(printer: QPrinter) -> QPainter:
    from PySide6.QtGui import QPainter

    if not printer.docName():
        printer.setDocName(DOC_NAME)
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError(f"The printer could not be started ({printer_name(printer)}).")
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    return painter


def _draw(painter: QPainter, printer: QPrinter, image: QImage) -> None:
    """The page image fitted to the printable area, aspect ratio kept, centred across."""
    from PySide6.QtCore import QRectF, QSize, Qt

    fitted = QSize(image.width(), image.height()).scaled(
        QSize(printer.width(), printer.height()), Qt.AspectRatioMode.KeepAspectRatio)
    painter.drawImage(QRectF((printer.width() - fitted.width()) / 2, 0, fitted.width(),
                             fitted.height()), image)


def _next_page(printer: QPrinter, printed: int) -> None:
    if not printer.newPage():
        raise PrintError(f"The printer stopped after {plural(printed, 'page')}.")


def _check_state(printer: QPrinter) -> None:
    from PySide6.QtPrintSupport import QPrinter

    if printer.printerState() == QPrinter.PrinterState.Error:
        raise PrintError("The printer reported an error; check it and try again.")


def print_pdf_raster(pdf_bytes: bytes, printer: QPrinter, dpi: int = PRINT_DPI) -> int:
    """The raster route of print_pdf: every page of the PDF (or the printer's page range)
    drawn as an image at `dpi`; the pages printed."""
    from PySide6.QtPrintSupport import QPrinter

    with _Renderer([bytes(pdf_bytes)], dpi) as renderer:
        pages = _page_numbers(printer, renderer.page_counts[0])
        painter = _begin(printer)
        printed = 0
        try:
            for image in renderer.images((0, index) for index in pages):
                if printed:
                    _next_page(printer, printed)
                if printer.printerState() == QPrinter.PrinterState.Aborted:
                    break
                _draw(painter, printer, image)
                printed += 1
        finally:
            painter.end()
    _check_state(printer)
    return printed


def print_many_raster(pdfs: Iterable[bytes], printer: QPrinter, *, dpi: int | None = None,
                      progress: Progress | None = None) -> int:
    """The raster route of print_many: several notes as one job, each page an image at
    the printer's resolution, at most 300 dpi; each note starts on a new page, and on a
    new sheet when the printer prints on both sides. The page range is ignored; last page
    first reverses the whole job.

    `progress(done, total)` is called after each note; returning False stops the job
    there: the notes drawn so far print, PrintCancelled says which. Every note is read
    before the printer starts, so an unreadable note (PrintError with .index) prints
    nothing. Returns the pages printed."""
    from PySide6.QtPrintSupport import QPrinter

    pdfs = [bytes(p) for p in pdfs]
    if not pdfs:
        return 0
    dpi = printer_dpi(printer) if dpi is None else dpi
    with _Renderer(pdfs, dpi) as renderer:
        counts = renderer.page_counts
        both_sides = printer.duplex() != QPrinter.DuplexMode.DuplexNone
        plan: list[tuple[int, int] | None] = []   # None: a blank back of a sheet
        for note, count in enumerate(counts):
            plan.extend((note, page) for page in range(count))
            if both_sides and count % 2 and note < len(counts) - 1:
                plan.append(None)
        if printer.pageOrder() == QPrinter.PageOrder.LastPageFirst:
            plan.reverse()
        remaining = dict(enumerate(counts))
        finished: list[int] = []
        stopped = False
        painter = _begin(printer)
        sheets = 0
        printed = 0
        images = renderer.images(step for step in plan if step is not None)
        try:
            for step in plan:
                if sheets:
                    _next_page(printer, printed)
                sheets += 1
                if step is None:
                    continue
                image = next(images)
                if printer.printerState() == QPrinter.PrinterState.Aborted:
                    raise PrintCancelled("The print job was cancelled; nothing was printed.")
                _draw(painter, printer, image)
                del image
                printed += 1
                remaining[step[0]] -= 1
                if remaining[step[0]] == 0:
                    finished.append(step[0])
                    if progress is not None and progress(len(finished), len(counts)) is False:
                        stopped = True
                        break
        finally:
            images.close()
            if painter.isActive():
                painter.end()
    _check_state(printer)
    if stopped and len(finished) < len(counts):
        raise PrintCancelled(f"Printing stopped after {len(finished)} of {len(counts)} notes "
                             f"({plural(printed, 'page')}); the rest were not "
                             "sent to the printer.", finished)
    return printed


# -- the route: the notes' own pages to a file or to CUPS, page images otherwise ----------------

def route(printer: QPrinter) -> Route:
    """How print_pdf and print_many feed the printer chosen in the dialog (module docstring)."""
    from PySide6.QtPrintSupport import QPrinter

    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
        return "file"
    if sys.platform != "win32" and shutil.which("lp"):
        return "lp"
    return "raster"


def cups_sides(duplex: QPrinter.DuplexMode, landscape: bool = False) -> str:
    """CUPS's `sides` for Qt's duplex mode; "auto" binds on the long edge of a portrait
    page and the short edge of a landscape one, as Qt's own CUPS engine does."""
    from PySide6.QtPrintSupport import QPrinter

    mode = QPrinter.DuplexMode
    if duplex == mode.DuplexLongSide or (duplex == mode.DuplexAuto and not landscape):
        return "two-sided-long-edge"
    if duplex in (mode.DuplexShortSide, mode.DuplexAuto):
        return "two-sided-short-edge"
    return "one-sided"


def lp_command(printer_name: str, copies: int, duplex: QPrinter.DuplexMode, grayscale: bool, *,
               landscape: bool = False, reverse: bool = False, title: str = JOB_NAME) -> list[str]:
    """The `lp` command that prints a PDF read from standard input; no printer name
    means the system's default printer. The title carries no patient identifiers."""
    command = ["lp"]
    if printer_name:
        command += ["-d", printer_name]
    command += ["-n", str(max(1, copies)), "-o", f"sides={cups_sides(duplex, landscape)}",
                "-o", "collate=true"]
    if grayscale:
        command += ["-o", "print-color-mode=monochrome"]
    if reverse:   # CUPS reverses whole sheets, so two-sided pages keep their sides
        command += ["-o", "outputorder=reverse"]
    return [*command, "-t", title]


def send_to_lp(data: bytes, command: Sequence[str], timeout: float = LP_TIMEOUT) -> None:
    """Pipe the PDF to `lp`; PrintError with lp's first line of complaint if it refuses."""
    try:
        done = subprocess.run(list(command), input=data, capture_output=True, timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired:
        raise PrintError(f"The print system did not take the job within {timeout:g} seconds; "
                         "check the printer's queue before printing again.") from None
    except OSError as exc:
        raise PrintError(f"The print system could not be started: {exc.strerror or exc}.") from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").splitlines()
        first = next((line.strip() for line in lines if line.strip()), "")
        raise PrintError("The printer did not accept the job: "
                         + (first[:300] or f"lp stopped with status {done.returncode}."))


def _send(data: bytes, printer: QPrinter, how: Route, title: str) -> None:
    """The job to the file or to lp (the caller has read every note already)."""
    from PySide6.QtGui import QPageLayout
    from PySide6.QtPrintSupport import QPrinter

    from consult import atomic

    if how == "file":
        path = printer.outputFileName()
        if not path:
            raise PrintError("No file was chosen to print to.")
        try:
            atomic.write_bytes(path, data)
        except OSError as exc:
            raise PrintError(f"The PDF could not be written to {path}: "
                             f"{exc.strerror or exc}.") from None
        return
    send_to_lp(data, lp_command(
        printer.printerName(), printer.copyCount(), printer.duplex(),
        printer.colorMode() == QPrinter.ColorMode.GrayScale,
        landscape=printer.pageLayout().orientation() == QPageLayout.Orientation.Landscape,
        reverse=printer.pageOrder() == QPrinter.PageOrder.LastPageFirst, title=title))


def print_pdf(pdf_bytes: bytes, printer: QPrinter, dpi: int = PRINT_DPI) -> int:
    """Print every page of one note's PDF (or the printer's page range, in its page order)
    by route(printer); returns the pages printed. `dpi` matters to the raster route only."""
    from consult import printjob

    how = route(printer)
    if how == "raster":
        return print_pdf_raster(pdf_bytes, printer, dpi)
    data = bytes(pdf_bytes)
    try:
        pages = _page_numbers(printer, printjob.page_count(data), ordered=how == "file")
        job = printjob.extract(data, pages, title=DOC_NAME)
    except printjob.UnreadableNote as exc:
        raise PrintError(str(exc), exc.index) from None
    _send(job, printer, how, DOC_NAME)
    return len(pages)


def print_many(pdfs: Iterable[bytes], printer: QPrinter, *, dpi: int | None = None,
               progress: Progress | None = None) -> int:
    """Print several notes as one job, every page of each, each note starting on a new
    page - on a new sheet when the printer prints on both sides, so no sheet carries two
    patients. The printer's page range is ignored; its page order is kept (last page
    first reverses the whole job). Returns the pages printed (blank backs not counted).
    Every note is read before anything goes to the printer, so an unreadable note
    (PrintError with .index) prints nothing.

    The notes' own pages go to a file or to CUPS when route(printer) allows: then
    `progress(done, total)` is called as each note joins the job, and returning False
    stops before anything is sent (PrintCancelled, printed == []). The raster route
    (print_many_raster, `dpi` at most 300) calls it as each note is drawn: returning
    False there lets the notes drawn so far print, and PrintCancelled says which."""
    from PySide6.QtPrintSupport import QPrinter

    from consult import printjob

    pdfs = [bytes(p) for p in pdfs]
    if not pdfs:
        return 0
    how = route(printer)
    if how == "raster":
        return print_many_raster(pdfs, printer, dpi=dpi, progress=progress)
    try:
        job = printjob.prepare(
            pdfs, two_sided=printer.duplex() != QPrinter.DuplexMode.DuplexNone,
            # lp is asked to reverse (CUPS keeps each sheet's sides); a file is reversed here
            reverse=how == "file" and printer.pageOrder() == QPrinter.PageOrder.LastPageFirst,
            progress=progress, title=printjob.TITLE)
    except printjob.Cancelled:
        raise PrintCancelled("Printing was cancelled before anything was sent to the "
                             "printer.") from None
    except printjob.UnreadableNote as exc:
        raise PrintError(str(exc), exc.index) from None
    _send(job.data, printer, how, JOB_NAME)
    return sum(job.pages)
