"""stamp_superseded(pdf, text) -> bytes: an older note version, marked superseded.

A finalised note's stored PDF never changes, so "superseded" cannot be part of
it: the mark is laid over a copy each time the old version is viewed or
printed. Every page gets

- a large, pale red diagonal word (the rule set's `superseded_mark`) across the
  page, translucent so the note beneath stays readable;
- the given text ("SUPERSEDED by version 3, finalised ... Reason: ...") in red in
  a strip in the left margin, rotated to read upwards. The note's layout keeps
  that margin empty on every page (its text starts at `MARGIN_X`), so the strip
  hides nothing. A text too long for the strip is set smaller, then cut at a word
  with an ellipsis: the newer version holds the full reason.

The result is built with reportlab (DejaVu Sans, the note's font) and merged
onto each page with pypdf; the original page content is kept as it was. Only
the original's title and producer are copied into the result's metadata, and
the output is deterministic: the same PDF and text give the same bytes.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable

from pypdf import PdfReader, PdfWriter, Transformation
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from consult.note.pdf import BOLD, LEVEL_COLOURS, MARGIN_X, esc, fit_start, register_fonts
from consult.rules.ruleset import load

RED, PALE_RED, _ = LEVEL_COLOURS["emergency"]
WATERMARK_ALPHA = 0.13
WATERMARK_MAX_SIZE = 96.0

# The strip in the left margin: clear of the note's text (which starts at MARGIN_X)
# and of the paper's edge, which many printers cannot print within about 4 mm.
STRIP_LEFT = 13.0
STRIP_RIGHT = MARGIN_X - 4.0
STRIP_END = 24.0  # kept clear at the top and bottom of the page
STRIP_PAD = 2.5
STRIP_SIZES = (7.5, 7.0, 6.5, 6.0, 5.5)  # font sizes tried, largest first
ELLIPSIS = "\u2026"
STRIP_MOST = 1_500  # more characters than the strip can hold even in its smallest size

_COPIED_METADATA = ("/Title", "/Producer")


def _strip_style(size: float) -> ParagraphStyle:
    return ParagraphStyle(f"superseded-{size}", fontName=BOLD, fontSize=size,
                          leading=round(size * 1.18, 2), textColor=RED)


def _strip_paragraph(text: str, length: float) -> Paragraph:
    """The text for the margin strip, at the largest size that fits, or cut to fit."""
    width, height = length - 2 * STRIP_PAD, STRIP_RIGHT - STRIP_LEFT - 2 * STRIP_PAD

    def fits(words: str, size: float) -> Paragraph | None:
        para = Paragraph(esc(words), _strip_style(size))
        return para if para.wrap(width, height * 4)[1] <= height else None

    if len(text) <= STRIP_MOST:
        for size in STRIP_SIZES:
            para = fits(text, size)
            if para is not None:
                return para
    start = fit_start(text[:STRIP_MOST],
                      lambda s: fits(s + ELLIPSIS, STRIP_SIZES[-1]) is not None)
    return fits(start + ELLIPSIS, STRIP_SIZES[-1]) or Paragraph(ELLIPSIS,
                                                                 _strip_style(STRIP_SIZES[-1]))


def _draw_watermark(canvas: Canvas, mark: str, width: float, height: float) -> None:
    diagonal = (width * width + height * height) ** 0.5
    size = min(WATERMARK_MAX_SIZE, 0.72 * diagonal / max(stringWidth(mark, BOLD, 1), 1))
    canvas.saveState()
    canvas.setFont(BOLD, size)
    canvas.setFillColor(RED)
    canvas.setFillAlpha(WATERMARK_ALPHA)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(math.degrees(math.atan2(height, width)))  # corner to corner
    canvas.drawCentredString(0, -size * 0.35, mark)
    canvas.restoreState()


def _draw_strip(canvas: Canvas, text: str, height: float) -> None:
    length = height - 2 * STRIP_END
    canvas.saveState()
    canvas.setFillColor(PALE_RED)
    canvas.setStrokeColor(RED)
    canvas.setLineWidth(0.8)
    canvas.rect(STRIP_LEFT, STRIP_END, STRIP_RIGHT - STRIP_LEFT, length, stroke=1, fill=1)
    # Rotated a quarter turn anticlockwise: the strip's text reads from the bottom up.
    canvas.translate(STRIP_RIGHT, STRIP_END)
    canvas.rotate(90)
    para = _strip_paragraph(text, length)
    _, used = para.wrap(length - 2 * STRIP_PAD, STRIP_RIGHT - STRIP_LEFT)
    box = STRIP_RIGHT - STRIP_LEFT
    para.drawOn(canvas, STRIP_PAD, (box - used) / 2)
    canvas.restoreState()


def _overlay(sizes: Iterable[tuple[float, float]], text: str, mark: str) -> PdfReader:
    """One overlay page per page size given, in order."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)  # only its pages are used, never its metadata
    for width, height in sizes:
        canvas.setPageSize((width, height))
        _draw_watermark(canvas, mark, width, height)
        _draw_strip(canvas, text, height)
        canvas.showPage()
    canvas.save()
    return PdfReader(io.BytesIO(buffer.getvalue()))


def stamp_superseded(pdf: bytes, text: str, *, mark: str | None = None) -> bytes:
    """A copy of `pdf` with every page marked superseded and carrying `text`.

    `mark` is the large diagonal word, by default the rule set's `superseded_mark`
    ("SUPERSEDED"); `text` is usually `consult.note.versioning.superseded_text(newer)`.
    """
    if not text.strip():
        raise ValueError("a superseded note must say what supersedes it")
    mark = mark if mark is not None else load().wording.superseded_mark
    reader = PdfReader(io.BytesIO(pdf))
    if not reader.pages:
        raise ValueError("the PDF has no pages to mark")
    writer = PdfWriter()
    pages = [writer.add_page(page) for page in reader.pages]  # copies; the original is untouched
    for page in pages:
        if page.rotation:  # draw in the page's upright, visible orientation
            page.transfer_rotation_to_content()
    boxes = [page.cropbox for page in pages]
    overlay = _overlay([(float(b.width), float(b.height)) for b in boxes], text, mark)
    for page, box, over in zip(pages, boxes, overlay.pages, strict=True):
        page.merge_transformed_page(over, Transformation().translate(float(box.left),
                                                                     float(box.bottom)))
    original = reader.metadata or {}
    writer.metadata = None  # no default producer, nothing but what is copied below
    copied = {key: str(original[key]) for key in _COPIED_METADATA if key in original}
    if copied:
        writer.add_metadata(copied)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


__all__ = ["stamp_superseded"]
