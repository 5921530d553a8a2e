"""One print job from several notes' own PDFs: their pages, not pictures of them.

    combine(pdfs, two_sided=False, reverse=False) -> bytes   every page of every note, one PDF
    prepare(pdfs, ...) -> Job                                 the same, with each note's page count
    page_count(pdf) -> int / extract(pdf, pages) -> bytes     one note, some of its pages

The pages are copied with pypdf as they are (content streams, fonts and images keep
their encoding; nothing is decoded, re-compressed or rasterised), so the job prints
exactly what the preview shows. Only page dictionaries travel: a note's document
metadata, XMP and outline stay behind, and the job says only its neutral title
(plus pypdf's /Producer), so no patient identifier reaches a print queue or a file's
properties.

Every note is read before anything is returned: an unreadable note raises
UnreadableNote (a ValueError) naming it by position, and no partial job exists.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import NameObject, NumberObject

TITLE = "Consultation notes"   # the only metadata a job carries: no patient identifiers
NOTE_TITLE = "Consultation note"
# page entries that are data about the page, not what prints: never copied
PRIVATE_PAGE_KEYS = ("/Metadata", "/PieceInfo")

Progress = Callable[[int, int], Any]   # (notes done, notes in all) -> False to cancel


class UnreadableNote(ValueError):
    """A note's PDF cannot be read; `index` is its position in the job (None: the only note)."""

    def __init__(self, index: int | None, reason: str) -> None:
        which = "The note" if index is None else f"Note {index + 1}"
        super().__init__(f"{which} could not be read for printing: {reason}.")
        self.index = index
        self.reason = reason


class Cancelled(Exception):
    """`progress` returned False: no job was made."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__(f"Cancelled after reading {done} of {total} notes; no job was made.")
        self.done, self.total = done, total


class Job(NamedTuple):
    data: bytes         # the PDF to print
    pages: list[int]    # each note's page count (blank backs not included)


def _read(data: bytes, index: int | None) -> PdfReader:
    """The note's PDF, its page tree walked, or UnreadableNote saying why not."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableNote(index, "the PDF is password-protected")
        count = len(reader.pages)
    except UnreadableNote:
        raise
    except Exception:   # a pure-Python parser meets malformed input with many exception types
        raise UnreadableNote(index, "it is not a valid PDF") from None
    if count < 1:
        raise UnreadableNote(index, "it has no pages")
    return reader


def _copy(writer: PdfWriter, page: PageObject, index: int | None) -> None:
    try:
        writer.add_page(page, excluded_keys=PRIVATE_PAGE_KEYS)
    except Exception:   # an object the page needs is missing or broken
        raise UnreadableNote(index, "a page refers to parts the file does not hold") from None


def _blank_like(writer: PdfWriter, page: PageObject) -> None:
    """A blank page the size of `page` (and turned as it is)."""
    blank = writer.add_blank_page(float(page.mediabox.width), float(page.mediabox.height))
    if page.rotation:
        blank[NameObject("/Rotate")] = NumberObject(page.rotation)


def _reverse(writer: PdfWriter, two_sided: bool) -> None:
    """Last page first. Two-sided, whole sheets are reversed (each keeps its front and
    back), so the job must fill its last sheet: a blank back is added if needed."""
    if two_sided and len(writer.pages) % 2 and len(writer.pages) > 1:
        _blank_like(writer, writer.pages[-1])
    kids = writer.root_object["/Pages"]["/Kids"]
    step = 2 if two_sided else 1
    sheets = [kids[i:i + step] for i in range(0, len(kids), step)]
    kids[:] = [page for sheet in reversed(sheets) for page in sheet]


def _write(writer: PdfWriter, title: str) -> bytes:
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def prepare(pdfs: Sequence[bytes], *, two_sided: bool = False, reverse: bool = False,
            progress: Progress | None = None, title: str = TITLE) -> Job:
    """Every page of every note, in order, as one PDF.

    two_sided: a blank page of the same size follows each note with an odd number of
    pages (not the last), so every note starts on a new sheet and no sheet carries two
    patients. reverse: last page first. progress(done, total) is called once each note's
    pages are in; returning False stops with Cancelled."""
    writer = PdfWriter()
    counts: list[int] = []
    total = len(pdfs)
    for index, data in enumerate(pdfs):
        reader = _read(bytes(data), index)
        pages = reader.pages
        for page in pages:
            _copy(writer, page, index)
        counts.append(len(pages))
        if two_sided and len(pages) % 2 and index < total - 1:
            _blank_like(writer, pages[-1])
        if progress is not None and progress(index + 1, total) is False:
            raise Cancelled(index + 1, total)
    if reverse:
        _reverse(writer, two_sided)
    return Job(_write(writer, title), counts)


def combine(pdfs: Sequence[bytes], *, two_sided: bool = False, reverse: bool = False) -> bytes:
    """prepare(...).data: one PDF holding every page of every note (see prepare)."""
    return prepare(pdfs, two_sided=two_sided, reverse=reverse).data


def page_count(pdf: bytes) -> int:
    """How many pages one note has (UnreadableNote if it cannot be read)."""
    return len(_read(bytes(pdf), None).pages)


def extract(pdf: bytes, pages: Sequence[int], *, title: str = NOTE_TITLE) -> bytes:
    """One note's pages, zero-based, in the order given (a page range, last page first)."""
    reader = _read(bytes(pdf), None)
    count = len(reader.pages)
    if not pages or any(not 0 <= n < count for n in pages):
        raise ValueError(f"pages {list(pages)} are not all in a note of {count} pages")
    writer = PdfWriter()
    for n in pages:
        _copy(writer, reader.pages[n], None)
    return _write(writer, title)
