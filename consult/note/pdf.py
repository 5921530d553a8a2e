"""render_pdf(note) -> bytes: the consultation note as an A4 PDF (reportlab platypus).

- Every user string goes through `esc` (escape + newline to <br/>) before it
  reaches a Paragraph, so `<b>`, `&` or `<img src=...>` print literally.
- DejaVu Sans (four styles) is registered once, lazily, so any name prints.
- The patient banner, the draft marking, an amended note's amendment box and
  the footer (with a finalised note's version line) are drawn on every page;
  "Page n of N" comes from a two-pass canvas.
- Table cells are Paragraphs with explicit column widths, a repeated header
  and `splitInRow`, so long text flows over pages instead of being clipped; a row
  split by a page break says "(continued)" where it goes on.
- Output is deterministic (`invariant`): the same note gives the same bytes.
- Cheaper than reportlab's defaults where the PDF reads the same (issue 14): plain
  text skips the markup parser, lines are broken once per width, text already coded
  in the font subset is encoded in one call (`_Font`), and streams are deflated once
  at a lower level without ASCII85 (`_Deflate`).
"""

from __future__ import annotations

import codecs
import copy
import functools
import io
import re
import threading
import weakref
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    HRFlowable,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import Paragraph as _Paragraph
from reportlab.platypus.paragraph import cleanBlockQuotedText, textTransformFrags
from reportlab.platypus.tables import CellStyle

from consult import resources
from consult.note import glyphs
from consult.note import model as m

# ---------------------------------------------------------------------------
# Fonts and escaping

FAMILY = "DejaVuSans"
BOLD, ITALIC, BOLD_ITALIC = "DejaVuSans-Bold", "DejaVuSans-Oblique", "DejaVuSans-BoldOblique"
_FONT_FILES = ((FAMILY, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf"),
               (ITALIC, "DejaVuSans-Oblique.ttf"), (BOLD_ITALIC, "DejaVuSans-BoldOblique.ttf"))
_font_lock = threading.Lock()
_fonts_ready = False

# Control characters, and the soft hyphen: reportlab breaks a word at a soft hyphen,
# but then no longer splits the rest of a long word that holds an escaped "&" or "<",
# which ran off the page (found by tests/note/test_fuzz.py). Dropping it loses only a
# hyphenation hint.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\xad]")


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, with characters beyond U+FFFF written as UTF-16BE.

    reportlab 5.1 writes them as 5 or 6 hex digits ("<1F600>"), which PDF readers
    reject: such characters (emoji, historic scripts) printed but could not be copied,
    searched or read aloud. Identical output for every other character."""
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo", f"<< /Registry ({fontname})", f"/Ordering ({fontname})",
        "/Supplement 0", ">> def", f"/CMapName /{fontname} def", "/CMapType 2 def",
        "1 begincodespacerange", f"<00> <{len(subset) - 1:02X}>", "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{chr(v).encode('utf-16-be', 'surrogatepass').hex().upper()}>"
          for i, v in enumerate(subset)),
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])


ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # used when a document's font subsets are written


class _Font(TTFont):
    """reportlab's TTFont with a quicker `splitString` where the answer is already known.

    reportlab encodes every string it draws character by character in Python, giving each
    new character the next code of the document's subset. Once a text's characters all
    have a code in the first subset (most of a note after its first lines), the answer is
    those codes as one chunk, encoded here in one C call with the codes as a charmap: the
    same result as reportlab's (tests/note/test_pdf_encoding.py), a fifth of the time.
    Anything else (a new character, a character the font lacks, a later subset, a
    no-break space) goes to reportlab's own loop."""

    def splitString(self, text: Any, doc: Any,
                    encoding: str = "utf-8") -> list[tuple[int, bytes]]:
        state = self.state.get(doc)
        if state is not None and isinstance(text, str) and "\xa0" not in text:
            try:  # the codes as a charmap: a character without one fails, as does a code > 255
                codes = codecs.charmap_encode(text, "strict", state.assignments)[0]
            except (UnicodeEncodeError, TypeError):  # not yet coded, or beyond the first subset
                pass
            else:
                return [(0, codes)] if codes else []
        result: list[tuple[int, bytes]] = super().splitString(text, doc, encoding)
        return result


def register_fonts() -> None:
    """Register the DejaVu Sans family once per process (TTF parsing is the slow part)."""
    global _fonts_ready
    if _fonts_ready:
        return
    with _font_lock:
        if _fonts_ready:
            return
        for name, filename in _FONT_FILES:
            pdfmetrics.registerFont(_Font(name, str(resources.path("fonts", filename))))
        pdfmetrics.registerFontFamily(FAMILY, normal=FAMILY, bold=BOLD, italic=ITALIC,
                                      boldItalic=BOLD_ITALIC)
        _fonts_ready = True


def esc(text: str) -> str:
    """The one door for user text into Paragraph markup: escaped, newlines kept,
    control characters and invisible format characters the font lacks dropped."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    text = glyphs.drop_invisible(text)
    return escape(text).replace("\n", "<br/>")


# ---------------------------------------------------------------------------
# Layout and colours

PAGE_W, PAGE_H = A4
MARGIN_X = 40.0
TEXT_W = PAGE_W - 2 * MARGIN_X
TOP = 22.0  # from the top edge to the first header element
GAP_BELOW_HEADER = 10.0
HEADING_ROOM = 80.0  # a heading needs this much below it, or it starts the next page
SHORT_SECTION_ROWS = 4  # a section of one Fields block this short is kept whole instead
FOOTER_RULE_Y = 46.0
PAGE_NUMBER_Y = 30.0

INK = colors.HexColor("#1F2328")
GREY = colors.HexColor("#5F6368")
LIGHT = colors.HexColor("#D0D4D9")
HEADING = colors.HexColor("#1F3A5F")
BANNER_FILL = colors.HexColor("#EEF2F6")
GROUP_FILL = colors.HexColor("#F1F3F5")
NOT_ASKED = colors.HexColor("#9A6700")

# (strong colour, light fill, text colour on the strong colour)
LEVEL_COLOURS: dict[str, tuple[Any, Any, Any]] = {
    "emergency": (colors.HexColor("#B3261E"), colors.HexColor("#FCEBEA"), colors.white),
    "urgent": (colors.HexColor("#C25E00"), colors.HexColor("#FFF1E0"), colors.white),
    "soon": (colors.HexColor("#8A6D00"), colors.HexColor("#FFF8D6"), colors.white),
    "routine": (colors.HexColor("#2E7D32"), colors.HexColor("#EDF7EE"), colors.white),
    "unscreened": (colors.HexColor("#E0A100"), colors.HexColor("#FFF7DB"), INK),
    "outside": (colors.HexColor("#1F4E79"), colors.HexColor("#EAF1F8"), colors.white),
    "flag": (colors.HexColor("#B3261E"), colors.HexColor("#FDF0EF"), colors.white),
    "info": (HEADING, colors.HexColor("#EEF2F6"), colors.white),
}


@functools.lru_cache(maxsize=4096)
def _fits(text: str, width: float, size: float) -> bool:
    """True when `text` is one line of plain characters that fits `width` unwrapped."""
    return text.isprintable() and stringWidth(text, FAMILY, size) <= width


_plain_frags: weakref.WeakKeyDictionary[ParagraphStyle, Any] = weakref.WeakKeyDictionary()


def _plain_frag(style: ParagraphStyle) -> Any:
    """reportlab's parse of one plain word in `style`: the fragment every plain text in
    that style parses to, but for its text."""
    frag = _plain_frags.get(style)
    if frag is None:
        [frag] = _Paragraph("x", style).frags
        _plain_frags[style] = frag
    return frag


class Paragraph(_Paragraph):
    """reportlab's Paragraph, made cheaper where the result is the same:

    - text without markup or entities (most of a note: plain words through `esc`) skips
      reportlab's markup parser, which would give one fragment in the style's font and
      colour holding the cleaned text; that fragment is copied from the parse of one word
      in the same style (tests/note/test_pdf_cost.py: same bytes as reportlab's parse);
    - lines are broken once per width: a table's cells are measured, then measured again
      to be drawn, and a long table again at each page it splits over."""

    _measured: tuple[float, tuple[float, float]] | None = None

    def __init__(self, text: str | None, style: ParagraphStyle | None = None,
                 *args: Any, **kwargs: Any) -> None:
        if (style is not None and not args and kwargs.keys() <= {"bulletText"}
                and isinstance(text, str) and "<" not in text and "&" not in text):
            cleaned = cleanBlockQuotedText(text)
            if cleaned:
                frag = _plain_frag(style).clone(text=cleaned, link=[], us_lines=[])
                super().__init__(cleaned, style, frags=[frag], **kwargs)
                textTransformFrags(self.frags, style)
                return
        super().__init__(text, style, *args, **kwargs)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        measured = self._measured
        if measured is not None and measured[0] == availWidth and "blPara" in self.__dict__:
            self.width, self.height = measured[1]  # as Paragraph.wrap leaves them
            return measured[1]
        size = super().wrap(availWidth, availHeight)
        self._measured = (availWidth, size)
        return size


_SLOT = 0xF0000  # private-use characters standing for the words of a marked-up template
_marked_frags: weakref.WeakKeyDictionary[ParagraphStyle, dict[str, Any]] = \
    weakref.WeakKeyDictionary()


def _plain_word(text: str) -> bool:
    """One line of printable text, single spaces inside, nothing to escape: the same
    after reportlab's whitespace cleaning and after `esc`."""
    return (bool(text) and text.isprintable() and text == text.strip() and "  " not in text
            and escape(text) == text)


def _marked(template: str, style: ParagraphStyle, *words: str, **kwargs: Any) -> Paragraph:
    """`Paragraph(template.format(*(esc(w) for w in words)), style)`, the template's markup
    parsed once per style: plain words are put into a copy of its fragments, as
    reportlab's parse of the whole text gives them (tests/note/test_pdf_cost.py)."""
    if not all(_plain_word(w) for w in words):
        return Paragraph(template.format(*(esc(w) for w in words)), style, **kwargs)
    templates = _marked_frags.setdefault(style, {})
    frags = templates.get(template)
    if frags is None:
        slots = [chr(_SLOT + i) for i in range(len(words))]
        frags = _Paragraph(template.format(*slots), style).frags
        text = "".join(f.text for f in frags)
        if sorted(c for c in text if ord(c) >= _SLOT) != slots:
            frags = ()  # a word split or lost by the markup: always parse the whole
        templates[template] = frags
    text = template.format(*words)
    if not frags:
        return Paragraph(text, style, **kwargs)
    fill = {_SLOT + i: word for i, word in enumerate(words)}
    paragraph = Paragraph(cleanBlockQuotedText(text), style,
                          frags=[f.clone(text=f.text.translate(fill)) for f in frags], **kwargs)
    textTransformFrags(paragraph.frags, style)
    return paragraph


def _hex(colour: Any) -> str:
    return "#" + colour.hexval()[2:]


@dataclass(frozen=True)
class _Styles:
    body: ParagraphStyle
    muted: ParagraphStyle
    strong: ParagraphStyle
    label: ParagraphStyle
    cell: ParagraphStyle
    table_head: ParagraphStyle
    group: ParagraphStyle
    heading: ParagraphStyle
    practice: ParagraphStyle
    address: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    banner: ParagraphStyle
    banner_name: ParagraphStyle
    footer: ParagraphStyle
    draft: ParagraphStyle
    amendment: ParagraphStyle
    alert_title: ParagraphStyle
    alert_body: ParagraphStyle
    plan: ParagraphStyle
    plan_why: ParagraphStyle
    continued: ParagraphStyle
    subheading: ParagraphStyle
    appendix: ParagraphStyle


_styles: _Styles | None = None


def styles() -> _Styles:
    global _styles
    if _styles is None:
        register_fonts()
        base = ParagraphStyle("body", fontName=FAMILY, fontSize=8.8, leading=11.6,
                              textColor=INK, splitLongWords=1, allowWidows=1,
                              bulletFontName=FAMILY, bulletFontSize=8.8)

        def s(name: str, **kw: Any) -> ParagraphStyle:
            return ParagraphStyle(name, parent=base, **kw)

        _styles = _Styles(
            body=s("body2", spaceAfter=3),
            muted=s("muted", fontSize=7.8, leading=10, textColor=GREY, spaceAfter=3),
            strong=s("strong", fontName=BOLD, spaceAfter=3),
            label=s("label", fontSize=7.6, leading=11.6, textColor=GREY),
            cell=s("cell", fontSize=7.9, leading=9.4),
            table_head=s("table_head", fontSize=7.6, leading=9.5, fontName=BOLD,
                         textColor=GREY),
            group=s("group", fontSize=7.9, leading=9.4, fontName=BOLD, textColor=HEADING),
            heading=s("heading", fontName=BOLD, fontSize=10.5, leading=13,
                      textColor=HEADING, spaceBefore=6, spaceAfter=1, keepWithNext=1),
            practice=s("practice", fontName=BOLD, fontSize=12, leading=14.5),
            address=s("address", fontSize=8, leading=10, textColor=GREY),
            title=s("title", fontName=BOLD, fontSize=13, leading=16, alignment=TA_RIGHT,
                    textColor=HEADING),
            subtitle=s("subtitle", fontSize=8, leading=10, alignment=TA_RIGHT,
                       textColor=GREY),
            banner=s("banner", fontSize=9, leading=11.5),
            banner_name=s("banner_name", fontName=BOLD, fontSize=11, leading=13.5),
            footer=s("footer", fontSize=6.8, leading=8.4, textColor=GREY),
            draft=s("draft", fontName=BOLD, fontSize=10, leading=12.5, alignment=TA_CENTER,
                    textColor=LEVEL_COLOURS["emergency"][0]),
            amendment=s("amendment", fontName=BOLD, fontSize=8.6, leading=11),
            alert_title=s("alert_title", fontName=BOLD, fontSize=11, leading=14),
            alert_body=s("alert_body", fontSize=8.8, leading=11.4),
            plan=s("plan", leftIndent=19, bulletIndent=0, spaceBefore=3, leading=11.4),
            plan_why=s("plan_why", leftIndent=19, fontSize=8, leading=9.8,
                       textColor=INK, spaceAfter=1.5),
            continued=s("continued", fontName=ITALIC, fontSize=7.6, leading=9.4,
                        textColor=GREY),
            subheading=s("subheading", fontName=BOLD, fontSize=7.8, leading=10,
                         textColor=GREY, spaceBefore=4, spaceAfter=1, keepWithNext=1),
            appendix=s("appendix", fontName=BOLD, fontSize=12, leading=15, textColor=HEADING,
                       spaceAfter=2),
        )
    return _styles


def _label(text: str) -> str:
    return f'<font size="7.6" color="{_hex(GREY)}">{esc(text)}</font>'


# ---------------------------------------------------------------------------
# Blocks

CONTINUED = "(continued)"


class _Continued(Paragraph):
    """The words at the top of a row's first cell where the row goes on after a page break."""


class _Table(Table):
    """A Table whose row split by a page break (reportlab's splitInRow) says "(continued)"
    at the top of its first cell on the page where it goes on; reportlab gives the second
    half no sign of it, so a reader could take it for a row of its own."""

    def _drawCell(self, cellval: Any, cellstyle: CellStyle, pos: tuple[float, float],
                  size: tuple[float, float]) -> None:
        if isinstance(cellval, str) and not cellval:
            return  # nothing to print: reportlab would write an empty text object
        super()._drawCell(cellval, cellstyle, pos, size)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts = super().split(availWidth, availHeight)
        if len(parts) != 2:
            return parts
        first, rest = parts
        head = rest.repeatRows if isinstance(rest.repeatRows, int) else len(rest.repeatRows)
        if first._nrows + rest._nrows - head != self._nrows + 1:
            return parts  # split between two rows: nothing goes on
        if all(_blank(cell) for cell in first._cellvalues[-1]):
            return []  # only the marker would stay on this page: move the row on whole
        cells = rest._cellvalues[head]
        if all(_blank(cell) for cell in cells):
            return parts  # the whole row stayed on this page: nothing goes on
        cells[0] = (_Continued(CONTINUED, styles().continued), *_flowables(cells[0]))
        rest._argH[head] = None  # measured again with the marker in
        return parts


def _cell_styles(data: list[list[Any]], **defaults: Any) -> list[list[CellStyle]]:
    """Each cell's style, starting from `defaults`: what a TableStyle command over the whole
    table would set, without reportlab walking every cell once per such command."""
    style = _cell_style(tuple(defaults.items()))
    return [[style("cell") for _ in row] for row in data]  # the name is never printed


@functools.cache
def _cell_style(defaults: tuple[tuple[str, Any], ...]) -> type[CellStyle]:
    return type("_CellStyle", (CellStyle,), dict(defaults))


def _flowables(value: Any) -> tuple[Flowable, ...]:
    if isinstance(value, str):
        return (Paragraph(esc(value), styles().cell),) if value else ()
    if isinstance(value, Flowable):
        return (value,)
    return tuple(value or ())


def _blank(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return all(isinstance(f, _Continued) for f in _flowables(value))



def _fields(block: m.Fields, st: _Styles) -> Flowable:
    rows = block.rows
    short = len(rows) >= 4 and all(len(v) <= 44 and len(k) <= 40 for k, v in rows)
    if short:  # two label/value pairs per line: compact for the consultation details
        widths = [w * TEXT_W for w in (0.2, 0.3, 0.2, 0.3)]
        data = []
        for i in range(0, len(rows), 2):
            pair = list(rows[i:i + 2]) + [("", "")] * (2 - len(rows[i:i + 2]))
            line: list[Any] = []
            for k, v in pair:
                line += [_label_cell(k, widths[0], st), _value_cell(v, widths[1], st.cell)]
            data.append(line)
        labels = (0, 2)
        value = st.cell
    else:
        label_w = min(max(max(stringWidth(k, FAMILY, 7.6) for k, _ in rows) + 10, 60),
                      0.25 * TEXT_W)
        widths = [label_w, TEXT_W - label_w]
        data = [[_label_cell(k, label_w, st), _value_cell(v, widths[1], st.body)]
                for k, v in rows]
        labels = (0,)
        value = st.body
    cells = _cell_styles(data, valign="TOP", leftPadding=0, rightPadding=6, topPadding=1.2,
                         bottomPadding=1.2, fontname=FAMILY, fontsize=value.fontSize,
                         leading=value.leading, color=value.textColor)
    table = _Table(data, colWidths=widths, splitInRow=1, hAlign="LEFT", cellStyles=cells)
    table.setStyle(TableStyle([
        # a label that fits on one line is a plain string set like st.label: the same
        # baseline (reportlab sets both at the top padding plus the font size), no
        # Paragraph to parse and wrap (about 4% of a note's time)
        *[cmd for c in labels for cmd in (
            ("FONTNAME", (c, 0), (c, -1), FAMILY),
            ("FONTSIZE", (c, 0), (c, -1), st.label.fontSize),
            ("LEADING", (c, 0), (c, -1), st.label.leading),
            ("TEXTCOLOR", (c, 0), (c, -1), GREY))],
    ]))
    return table


def _one_line(text: str, width: float, size: float) -> bool:
    """True when `text` prints the same as a plain table string as in a Paragraph of that
    size: one printable line that fits, single spaces (a Paragraph collapses the others).
    Set in the Paragraph's font, size, leading and ink, a plain string sits on the same
    baseline (reportlab puts both at the top padding plus the font size)."""
    return text == " ".join(text.split()) and _fits(text, width, size)


def _value_cell(text: str, width: float, style: ParagraphStyle) -> Any:
    """A field's value: a plain string (the table's cells are set in `style`) when it is
    one line that fits, else a Paragraph."""
    if text and _one_line(text, width - 6, style.fontSize):
        return text
    return Paragraph(esc(text), style)


def _label_cell(text: str, width: float, st: _Styles) -> Any:
    """A field's label: a plain string when it is one printable line that fits."""
    if _fits(text, width - 6, st.label.fontSize):
        return text
    return Paragraph(esc(text), st.label)


def _table(block: m.Table, st: _Styles) -> Flowable:
    widths = [w * TEXT_W for w in block.widths]
    n = len(block.columns)
    data: list[list[Any]] = [[Paragraph(esc(c), st.table_head) for c in block.columns]]
    commands: list[tuple[Any, ...]] = [
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, GREY),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, LIGHT),
    ]
    answers = n == 3 and block.columns[1] == "Answer"
    for r, row in enumerate(block.rows, start=1):
        if row.group:
            group = row.cells[0]
            if group and _one_line(group, sum(widths) - 8, st.group.fontSize):
                commands += [("FONTNAME", (0, r), (0, r), st.group.fontName),
                             ("TEXTCOLOR", (0, r), (0, r), st.group.textColor)]
            else:
                group = Paragraph(esc(group), st.group)
            data.append([group] + [""] * (n - 1))
            commands += [("SPAN", (0, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), GROUP_FILL),
                         ("TOPPADDING", (0, r), (-1, r), 2.4)]
            continue
        cells: list[Any] = []
        strong, fill, _ = LEVEL_COLOURS.get(row.level, (INK, None, INK))
        for c, text in enumerate(row.cells):
            if answers and c == 1:
                # Yes / No / Not asked: fixed words that always fit, drawn as plain
                # strings (much cheaper than a Paragraph), styled per cell.
                cells.append(text)
                font, colour = {"Yes": (BOLD, strong), "Not asked": (FAMILY, NOT_ASKED),
                                "not applicable": (FAMILY, GREY)}.get(
                    text, (FAMILY, INK))
                if font != FAMILY:  # the table's own font and ink need no command
                    commands.append(("FONTNAME", (c, r), (c, r), font))
                if colour != INK:
                    commands.append(("TEXTCOLOR", (c, r), (c, r), colour))
            elif not text:
                cells.append("")
            elif answers and c == 0 and _fits(text, widths[0] - 8, st.cell.fontSize):
                cells.append(text)  # a one-line item title: a plain string is enough
            elif not answers and c == 1 and row.level:
                cells.append(_marked(f'<font name="{BOLD}" color="{_hex(strong)}">{{}}</font>',
                                     st.cell, text))
            elif _one_line(text, widths[c] - 8, st.cell.fontSize):
                cells.append(text)  # one short line: a plain string set like st.cell
            else:
                cells.append(Paragraph(esc(text), st.cell))
        data.append(cells)
        if row.level and fill is not None:
            commands.append(("BACKGROUND", (0, r), (-1, r), fill))
    cells = _cell_styles(data, valign="TOP", leftPadding=4, rightPadding=4, topPadding=1.2,
                         bottomPadding=1.9, fontname=FAMILY, color=INK,
                         fontsize=st.cell.fontSize, leading=st.cell.leading)
    table = _Table(data, colWidths=widths, repeatRows=1, splitInRow=1, hAlign="LEFT",
                   cellStyles=cells)
    table.setStyle(TableStyle(commands))
    return table


def _plan(entry: m.PlanEntry, st: _Styles) -> Flowable:
    text = Paragraph(esc(entry.text), st.plan, bulletText=f"{entry.number}.")
    meta = [entry.category, entry.origin] + ([f"Source: {entry.source}"] if entry.source else [])
    meta_markup = f'<font size="6.8" color="{_hex(GREY)}">{{}}</font>'
    detail = (_marked(f"{_label('Why:')} {{}} {meta_markup}", st.plan_why, entry.why,
                      " · ".join(meta)) if entry.why
              else _marked(meta_markup, st.plan_why, " · ".join(meta)))
    return KeepTogether([text, detail])


@functools.cache
def _tone_style(tone: str) -> ParagraphStyle:
    """A boxed (a level's colours) or warning paragraph's style: built once per tone, so
    its plain text's fragment is parsed once too (`_plain_frag`)."""
    st = styles()
    if tone == "warning":
        return ParagraphStyle("warning", parent=st.strong, textColor=LEVEL_COLOURS["urgent"][0])
    strong, fill, _ = LEVEL_COLOURS[tone]
    return ParagraphStyle(f"tone-{tone}", parent=st.strong, backColor=fill,
                          borderColor=strong, borderWidth=0.8, borderPadding=(3, 5, 3, 5),
                          leftIndent=5, rightIndent=5, spaceBefore=4, spaceAfter=6,
                          textColor=INK)


def _para(block: m.Para, st: _Styles) -> Flowable:
    if block.tone in LEVEL_COLOURS or block.tone == "warning":
        return Paragraph(esc(block.text), _tone_style(block.tone))
    style = {"muted": st.muted, "strong": st.strong, "subheading": st.subheading}.get(
        block.tone, st.body)
    return Paragraph(esc(block.text), style)


def _section(section: m.Section, st: _Styles) -> list[Flowable]:
    rule = HRFlowable(width="100%", thickness=0.6, color=HEADING, spaceBefore=0, spaceAfter=4)
    # A long table starts under its heading and splits (repeating its header row);
    # CondPageBreak keeps a heading from being stranded at the foot of a page.
    rule.keepWithNext = not (section.blocks and isinstance(section.blocks[0], m.Table))
    out: list[Flowable] = [Paragraph(esc(section.heading), st.heading), rule]
    for block in section.blocks:
        if isinstance(block, m.Para):
            out.append(_para(block, st))
        elif isinstance(block, m.Fields):
            out.append(_fields(block, st))
        elif isinstance(block, m.Table):
            out.append(_table(block, st))
        elif isinstance(block, m.PlanEntry):
            out.append(_plan(block, st))
    if len(out) == 3 and isinstance(section.blocks[0], m.Fields) and \
            len(section.blocks[0].rows) <= SHORT_SECTION_ROWS and \
            sum(f.wrap(TEXT_W, PAGE_H)[1] for f in out) <= HEADING_ROOM:
        # a short section (the signature) is kept whole where it fits, not broken to
        # the next page for want of HEADING_ROOM: a draft's banner then leaves it on page 1
        return [KeepTogether(out)]
    return [CondPageBreak(HEADING_ROOM), *out]


def _alert(alert: m.Alert, st: _Styles) -> Flowable:
    """A box at the top of page 1: every row whole, with its action, how soon and what
    was found (a positive red flag is never pushed off page 1)."""
    strong, fill, on_strong = LEVEL_COLOURS.get(alert.level, LEVEL_COLOURS["info"])
    title = _marked(f'<font color="{_hex(on_strong)}">{{}}</font>', st.alert_title, alert.title)
    rows: list[list[Any]] = [[title],
                             [Paragraph(esc(alert.summary), st.alert_body)]]
    for entry in alert.entries:
        colour = LEVEL_COLOURS.get(entry.level, LEVEL_COLOURS["info"])[0]
        parts = [f'<font name="{BOLD}" color="{_hex(colour)}">{{}}</font>: <b>{{}}</b>',
                 f"{_label('Action')} <b>{{}}</b>", f"{_label('How soon')} <b>{{}}</b>"]
        words = [entry.label, entry.suspected, entry.action, entry.when]
        if entry.found:  # user text last: never pushes the action off page 1
            parts.append(f"{_label('Found')} {{}}")
            words.append("; ".join(entry.found))
        rows.append([_marked("<br/>".join(parts), st.alert_body, *words)])
    if alert.items:
        rows.append([[Paragraph(esc(item), st.alert_body, bulletText="\u2022")
                      for item in alert.items]])
    table = _Table(rows, colWidths=[TEXT_W], splitInRow=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), strong),
        ("BACKGROUND", (0, 1), (-1, -1), fill),
        ("BOX", (0, 0), (-1, -1), 2, strong),
        *[("LINEBELOW", (0, r), (-1, r), 0.4, strong)
          for r in range(1, 1 + max(len(alert.entries), 1))],
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 3.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


# ---------------------------------------------------------------------------
# Page furniture: drawn on every page


def _banner_table(banner: m.Banner, st: _Styles) -> Table:
    born = (_marked(f"{_label('Born')} {{}} {_label('(age {})')}", st.banner, banner.born,
                    banner.age) if banner.age
            else _marked(f"{_label('Born')} {{}}", st.banner, banner.born))
    row = [Paragraph(esc(banner.name), st.banner_name),
           born,
           _marked(f"{_label('Sex')} {{}}", st.banner, banner.sex),
           _marked(f"{_label('NHS No.')} <b>{{}}</b>", st.banner, banner.nhs_number)]
    table = Table([row], colWidths=[w * TEXT_W for w in (0.33, 0.26, 0.16, 0.25)])
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), BANNER_FILL),
        ("LINEABOVE", (0, 0), (-1, 0), 1.2, HEADING),
        ("LINEBELOW", (0, 0), (-1, 0), 0.4, LIGHT),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
    ]))
    return table


def _practice_table(note: m.Note, st: _Styles, with_address: bool) -> Table:
    left: list[Any] = [Paragraph(esc(note.practice.name), st.practice)]
    if with_address and note.practice.address:
        left.append(Paragraph(esc(note.practice.address), st.address))
    right = [Paragraph(esc(note.title), st.title), Paragraph(esc(note.subtitle), st.subtitle)]
    table = Table([[left, right]], colWidths=[0.62 * TEXT_W, 0.38 * TEXT_W])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


PRACTICE_MAX_HEIGHT = 110.0  # taller addresses go into the page flow instead
# The amendment box repeats on every page; a longer one (a very long reason) is cut
# to fit in that box and printed in full at the top of page 1's text instead.
AMENDMENT_MAX_HEIGHT = PAGE_H / 3
AMENDMENT_PAD = 14.0  # 4 points of padding above and below the text, 6 of gap below the box
AMENDMENT_TEXT_W = TEXT_W - 18  # inside the box: a 4-point bar on the left, padding
AMENDMENT_CUT = " \u2026 (the full amendment starts on page 1)"
AMENDMENT_COLOURS = LEVEL_COLOURS["urgent"]  # amber, never the emergency red


def fit_start(text: str, fits: Callable[[str], bool]) -> str:
    """The longest start of `text` that `fits`, cut after a whole word when one ends
    near the cut (a very long word is cut inside it); "" when nothing fits."""
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if fits(text[:mid]):
            low = mid
        else:
            high = mid - 1
    start = text[:low]
    if low < len(text) and not text[low].isspace():
        space = start.rfind(" ")
        if space > 0 and low - space <= 40 and fits(start[:space]):
            start = start[:space]
    return start.rstrip()


def _amendment_box(text: str, st: _Styles) -> tuple[Paragraph, float, bool]:
    """The amendment paragraph for the top of every page (wrapped, ready to draw), its
    box height, and whether it had to be cut (then the full text goes into page 1's flow)."""
    def measured(words: str) -> tuple[Paragraph, float]:
        para = Paragraph(esc(words), st.amendment)
        return para, para.wrap(AMENDMENT_TEXT_W, PAGE_H)[1] + AMENDMENT_PAD

    para, height = measured(text)
    if height <= AMENDMENT_MAX_HEIGHT:
        return para, height, False
    start = fit_start(text, lambda s: measured(s + AMENDMENT_CUT)[1] <= AMENDMENT_MAX_HEIGHT)
    return (*measured(start + AMENDMENT_CUT), True)


def _amendment_in_flow(text: str, st: _Styles) -> Paragraph:
    strong, fill, _ = AMENDMENT_COLOURS
    return Paragraph(esc(text), ParagraphStyle(
        "amendment-full", parent=st.amendment, backColor=fill, borderColor=strong,
        borderWidth=0.8, borderPadding=(4, 5, 4, 5), leftIndent=5, rightIndent=5,
        spaceBefore=4, spaceAfter=10))


def _footer(note: m.Note, st: _Styles) -> Paragraph:
    if not note.version:
        return Paragraph(esc(note.footer), st.footer)
    return _marked(f'<font name="{BOLD}" color="{_hex(INK)}">{{}}</font><br/>{{}}', st.footer,
                   note.version, note.footer)


LATER_PAGES_FORM = "later-pages-furniture"


@dataclass
class _Furniture:
    """Header and footer pieces, measured once per note (they repeat on every page)."""

    note: m.Note
    draft: Paragraph | None
    draft_h: float
    practice: Table
    practice_h: float
    banner: Table
    banner_h: float
    footer: Paragraph
    footer_h: float
    address_in_flow: bool
    amendment: Paragraph | None = None
    amendment_h: float = 0.0
    amendment_in_flow: bool = False

    @classmethod
    def build(cls, note: m.Note, st: _Styles) -> _Furniture:
        draft = Paragraph(esc(note.draft), st.draft) if note.draft else None
        draft_h = draft.wrap(TEXT_W - 12, PAGE_H)[1] + 8 if draft else 0.0
        amendment, amendment_h, amendment_in_flow = (
            _amendment_box(note.amendment, st) if note.amendment else (None, 0.0, False))
        practice = _practice_table(note, st, with_address=True)
        practice_h = practice.wrap(TEXT_W, PAGE_H)[1]
        address_in_flow = practice_h > PRACTICE_MAX_HEIGHT
        if address_in_flow:
            practice = _practice_table(note, st, with_address=False)
            practice_h = practice.wrap(TEXT_W, PAGE_H)[1]
        banner = _banner_table(note.banner, st)
        banner_h = banner.wrap(TEXT_W, PAGE_H)[1]
        footer = _footer(note, st)
        footer_h = footer.wrap(TEXT_W - 80, PAGE_H)[1]
        return cls(note, draft, draft_h, practice, practice_h, banner, banner_h, footer,
                   footer_h, address_in_flow, amendment, amendment_h, amendment_in_flow)

    def header_height(self, first: bool) -> float:
        height = TOP + self.draft_h + (4 if self.draft else 0) + self.banner_h + GAP_BELOW_HEADER
        height += self.amendment_h
        if first:
            height += self.practice_h + 8
        return height

    def footer_height(self) -> float:
        return max(FOOTER_RULE_Y, self.footer_h + 22) + 8

    def draw(self, canvas: Canvas, first: bool) -> None:
        """Page 1's furniture drawn; every later page's, the same on each, drawn once into
        a form that each later page shows (its text is still on every page). The draft
        watermark is drawn on each page itself: its transparency does not reach a form
        (reportlab 5.1 leaves the form's graphics state out of its resources)."""
        if self.draft:
            _watermark(canvas, self.note.draft)
        if first:
            self._draw(canvas, first=True)
            return
        if not canvas.hasForm(LATER_PAGES_FORM):
            canvas.beginForm(LATER_PAGES_FORM)
            self._draw(canvas, first=False)
            canvas.endForm()
        canvas.doForm(LATER_PAGES_FORM)

    def _draw(self, canvas: Canvas, first: bool) -> None:
        canvas.saveState()
        y = PAGE_H - TOP
        if self.draft:
            y -= self.draft_h
            canvas.setFillColor(LEVEL_COLOURS["emergency"][1])
            canvas.setStrokeColor(LEVEL_COLOURS["emergency"][0])
            canvas.setLineWidth(0.8)
            canvas.rect(MARGIN_X, y + 2, TEXT_W, self.draft_h - 4, stroke=1, fill=1)
            self.draft.drawOn(canvas, MARGIN_X + 6, y + 4)
            y -= 4
        if self.amendment:
            strong, fill, _ = AMENDMENT_COLOURS
            y -= self.amendment_h
            box_y, box_h = y + 6, self.amendment_h - 6  # 6 points of gap below the box
            canvas.setFillColor(fill)
            canvas.setStrokeColor(strong)
            canvas.setLineWidth(0.8)
            canvas.rect(MARGIN_X, box_y, TEXT_W, box_h, stroke=1, fill=1)
            canvas.setFillColor(strong)
            canvas.rect(MARGIN_X, box_y, 4, box_h, stroke=0, fill=1)
            self.amendment.drawOn(canvas, MARGIN_X + 11, box_y + 4)
        if first:
            y -= self.practice_h
            self.practice.drawOn(canvas, MARGIN_X, y)
            y -= 8
        y -= self.banner_h
        self.banner.drawOn(canvas, MARGIN_X, y)
        rule_y = max(FOOTER_RULE_Y, self.footer_h + 22)
        canvas.setStrokeColor(LIGHT)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, rule_y, PAGE_W - MARGIN_X, rule_y)
        self.footer.drawOn(canvas, MARGIN_X, rule_y - 4 - self.footer_h)
        canvas.restoreState()


class _Frame(Frame):
    """A Frame that copies itself cheaply: reportlab deep-copies the page's frame each time
    it measures a KeepTogether (a plan entry, the signature); the frame's own values are
    numbers and names, so only its lists and dicts need copies of their own."""

    def __deepcopy__(self, memo: dict[int, Any]) -> _Frame:
        new = copy.copy(self)
        for name, value in vars(self).items():
            if isinstance(value, (list, dict, set)):
                setattr(new, name, copy.deepcopy(value, memo))
        return new


def _watermark(canvas: Canvas, words: str) -> None:
    canvas.saveState()
    canvas.setFont(BOLD, 54)
    canvas.setFillColor(LEVEL_COLOURS["emergency"][0])
    canvas.setFillAlpha(0.07)
    canvas.translate(PAGE_W / 2, PAGE_H / 2)
    canvas.rotate(52)
    canvas.drawCentredString(0, -18, words)
    canvas.restoreState()


# zlib's level for every stream: 3 deflates in about two thirds of the default's (6) time,
# and without ASCII85 each example's file is no bigger than reportlab's default makes it
ZLIB_LEVEL = 3


class _Deflate:
    """The Flate filter for every stream of the note (pages, the later pages' form, font
    subsets and their ToUnicode maps), at ZLIB_LEVEL. reportlab's own page compression
    deflates at zlib's default level and then writes page streams in ASCII85 (a quarter
    bigger, for 7-bit channels a PDF file never goes through); with it off, a document's
    `defaultStreamFilters` compress every stream instead: the same operators on every
    page (tests/note/test_pdf_encoding.py)."""

    pdfname = "FlateDecode"

    def encode(self, text: str | bytes) -> bytes:
        data = text.encode("utf8") if isinstance(text, str) else text
        return zlib.compress(data, ZLIB_LEVEL)


_DEFLATE = _Deflate()


class _NumberedCanvas(Canvas):
    """Two passes: pages are kept until the end, then each gets 'Page n of N'."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._page_states: list[dict[str, Any]] = []
        self._doc.defaultStreamFilters = [_DEFLATE]  # with pageCompression=0: see _Deflate

    def showPage(self) -> None:
        self._page_states.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._page_states)
        for number, state in enumerate(self._page_states, start=1):
            self.__dict__.update(state)
            self.setFont(FAMILY, 7.5)
            self.setFillColor(GREY)
            self.drawRightString(PAGE_W - MARGIN_X, PAGE_NUMBER_Y, f"Page {number} of {total}")
            super().showPage()
        super().save()


# ---------------------------------------------------------------------------


def flowables(note: m.Note, furniture: _Furniture, st: _Styles) -> list[Flowable]:
    story: list[Flowable] = []
    if furniture.amendment_in_flow:
        story.append(_amendment_in_flow(note.amendment, st))
    if furniture.address_in_flow:
        story.append(Paragraph(f"{_label('Practice address')} {esc(note.practice.address)}",
                               st.body))
    # every box whole, each row with what was found: a positive red flag is never pushed
    # off page 1 (H1), even when that leaves the decision to page 2 with many rows (the
    # compact box tried for CSO finding 9 left the findings to the appendix: withdrawn)
    boxes = [_alert(alert, st) for alert in note.alerts]
    for box in boxes:
        story += [box, Spacer(1, 6)]
    for section in note.sections:
        story += _section(section, st)
    if note.appendix:  # the full screen and sources, from a new page (issue 15 part 2)
        story += [PageBreak(), Paragraph(esc(note.appendix_title), st.appendix)]
        for section in note.appendix:
            story += _section(section, st)
    return story


def render_pdf(note: m.Note) -> bytes:
    st = styles()
    furniture = _Furniture.build(note, st)
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
        topMargin=furniture.header_height(False), bottomMargin=furniture.footer_height(),
        title=note.metadata.title, author=note.metadata.author,
        subject=note.metadata.subject, creator=note.metadata.creator, keywords="",
        invariant=1, pageCompression=0,  # every stream is deflated all the same: _Deflate
    )

    def frame(first: bool) -> Frame:
        top = furniture.header_height(first)
        bottom = furniture.footer_height()
        return _Frame(MARGIN_X, bottom, TEXT_W, PAGE_H - top - bottom, leftPadding=0,
                     rightPadding=0, topPadding=0, bottomPadding=0,
                     id="first" if first else "later")

    def on_page(first: bool) -> Callable[[Canvas, Any], None]:
        return lambda canvas, _doc: furniture.draw(canvas, first)

    doc.addPageTemplates([
        PageTemplate(id="first", frames=[frame(True)], onPage=on_page(True),
                     autoNextPageTemplate="later"),
        PageTemplate(id="later", frames=[frame(False)], onPage=on_page(False)),
    ])
    doc.build(flowables(note, furniture, st), canvasmaker=_NumberedCanvas)
    return buffer.getvalue()


__all__ = ["esc", "fit_start", "register_fonts", "render_pdf"]
