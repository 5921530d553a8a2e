"""The advice sheet as an A4 PDF (reportlab), normal or large print.

What a frightened patient reads first is at the top: for an emergency, a red box saying
where to go now; then the box "When to get help" with the card's lines. Then the rest,
one heading per section. The only identifier printed is the first name; the PDF's
metadata carries none (title is the sheet's title, no author, no subject).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from consult import atomic
from consult.advice.compose import AdviceSheet, words
from consult.note.pdf import BOLD, FAMILY, HEADING, INK, esc, register_fonts

NORMAL_PT = 12.0
LARGE_PT = 16.0  # the large-print option (16 point or more, RNIB's clear print guidance)
MARGIN = 48.0
RED = colors.HexColor("#B42318")
RED_FILL = colors.HexColor("#FDECEA")
AMBER = colors.HexColor("#9A6700")
AMBER_FILL = colors.HexColor("#FFF8E1")
CREATOR = "consult"


def _styles(size: float) -> dict[str, ParagraphStyle]:
    lead = size * 1.35
    return {
        "title": ParagraphStyle("title", fontName=BOLD, fontSize=size * 1.6,
                                leading=size * 1.9, textColor=HEADING, spaceAfter=4),
        "meta": ParagraphStyle("meta", fontName=FAMILY, fontSize=size, leading=lead,
                               textColor=INK),
        "heading": ParagraphStyle("heading", fontName=BOLD, fontSize=size * 1.25,
                                  leading=size * 1.6, textColor=HEADING, spaceBefore=size,
                                  spaceAfter=size * 0.3),
        "body": ParagraphStyle("body", fontName=FAMILY, fontSize=size, leading=lead,
                               textColor=INK, spaceAfter=size * 0.45),
        "box_heading": ParagraphStyle("box_heading", fontName=BOLD, fontSize=size * 1.4,
                                      leading=size * 1.75, spaceAfter=size * 0.3),
        "box": ParagraphStyle("box", fontName=BOLD, fontSize=size, leading=lead,
                              textColor=INK, spaceAfter=size * 0.45),
        "box_plain": ParagraphStyle("box_plain", fontName=FAMILY, fontSize=size,
                                    leading=lead, textColor=INK, spaceAfter=size * 0.45),
    }


def _box(heading: str, lines: list[str], st: dict[str, ParagraphStyle], *, colour: colors.Color,
         fill: colors.Color, bold_lines: int) -> Table:
    head = ParagraphStyle("h", parent=st["box_heading"], textColor=colour)
    cells = [Paragraph(esc(heading), head)]
    cells += [Paragraph(esc(line), st["box"] if n < bold_lines else st["box_plain"])
              for n, line in enumerate(lines)]
    table = Table([[c] for c in cells], colWidths=[A4[0] - 2 * MARGIN], splitInRow=1)
    table.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 3, colour),
        ("BACKGROUND", (0, 0), (-1, -1), fill),
        ("LEFTPADDING", (0, 0), (-1, -1), 10), ("RIGHTPADDING", (0, 0), (-1, -1), 10),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, 0), 8), ("BOTTOMPADDING", (0, -1), (-1, -1), 8),
    ]))
    return table


def render_pdf(sheet: AdviceSheet, *, large: bool = False) -> bytes:
    register_fonts()
    size = LARGE_PT if large else NORMAL_PT
    title = words()["sheet"]["title"]
    # two passes: the first counts the pages, so every page says "Page 1 of 2" and a page
    # with more after it says so (a patient must not miss the second page)
    total = _build(_story(sheet, size), title, size, 0)[1]
    return _build(_story(sheet, size), title, size, total)[0]


def _story(sheet: AdviceSheet, size: float) -> list:
    st = _styles(size)
    w = words()["sheet"]
    story: list = [Paragraph(esc(w["title"]), st["title"])]
    who = []
    if sheet.name:
        who.append(w["for"].format(name=sheet.name))
    if sheet.practice or sheet.date:
        who.append(w["from"].format(practice=sheet.practice or "your practice",
                                    date=sheet.date or "").rstrip(", "))
    story += [Paragraph(esc(line), st["meta"]) for line in who]
    story.append(Spacer(1, size * 0.8))
    sections = sheet.sections()
    first = True
    for heading, lines in sections:
        if heading == w["go_now_title"]:
            story += [_box(heading.upper(), lines, st, colour=RED, fill=RED_FILL,
                           bold_lines=len(lines)), Spacer(1, size * 0.8)]
        elif heading == w["get_help_title"]:
            # the card's lines in bold: what to do when, the part never to miss
            story += [_box(heading.upper() if first else heading, lines, st, colour=AMBER,
                           fill=AMBER_FILL, bold_lines=len(lines) - 1), Spacer(1, size * 0.5)]
        else:
            story.append(KeepTogether([Paragraph(esc(heading), st["heading"]),
                                       *(Paragraph(esc(line), st["body"]) for line in lines)]))
        first = False
    story += [Spacer(1, size), Paragraph(esc(w["footer"]), st["meta"])]
    return story


def _build(story: list, title: str, size: float, total: int) -> tuple[bytes, int]:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=MARGIN, bottomMargin=MARGIN, title=title,
                            author="", subject="", creator=CREATOR, keywords="",
                            producer=CREATOR, invariant=1)

    def page_number(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.saveState()
        canvas.setFont(BOLD if doc.page < total else FAMILY, size)
        canvas.setFillColor(INK)
        more = " - please turn over" if doc.page < total else ""
        canvas.drawRightString(A4[0] - MARGIN, MARGIN / 2, f"Page {doc.page} of {total}{more}")
        canvas.restoreState()

    doc.build(story, onFirstPage=page_number, onLaterPages=page_number)
    return buffer.getvalue(), doc.page


def write_pdf(sheet: AdviceSheet, path: str | os.PathLike[str], *, large: bool = False) -> Path:
    """Atomic, owner-only (0600)."""
    return atomic.write_bytes(path, render_pdf(sheet, large=large))
