"""Fuzzing the note: hostile records always give a readable draft PDF, nothing silently lost.

For records from `tests.strategies.records()` (every free-text field hostile:
markup, control characters, right-to-left text, emoji, combining marks, CJK,
strings up to each field's limit), a draft PDF:

- always renders;
- gives back, through an independent reader (pypdf), the printable text of the
  user's fields;
- keeps every character inside its page (pdfium for every case, pdfplumber for
  a sample);
- prints an empty box (.notdef) exactly when the note reports characters its
  font lacks (`Note.missing_glyphs`), and never for Latin, Greek or Cyrillic.

A few hundred cases run in the normal suite; `pytest -m slow` runs 10,000 more.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import pdfplumber
import pypdf
import pypdfium2 as pdfium
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from reportlab.pdfbase.ttfonts import TTFontFile

from consult.note import glyphs, note_text, prepare
from consult.note.compose import _short_address
from consult.note.pdf import render_pdf
from consult.record import file as recordfile
from consult.record.answers import Answer
from consult.record.model import Record
from consult.rules import followups
from tests import strategies
from tests.support import negative_record

MAIN = Path(__file__).resolve().parents[2] / "main.py"
PREFIX = 40  # printable characters of each field looked for in the PDF
NOTDEF = "\x00"  # what pypdf gives back for a glyph the font lacks (an empty box)
FUZZ = settings(max_examples=120, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
LONG_RUN = settings(FUZZ, max_examples=10_000)


def pdf_text(data: bytes) -> str:
    """The text of every page in the order drawn (pypdf, without its right-to-left guess).

    pypdf reverses runs it takes for right-to-left (Hebrew and Arabic letters, and
    U+FEFF, which it counts as Arabic) together with the neutral characters that follow
    them, even on the next line. The note sets every character in the order typed, which
    is what this reading checks, so that guess is switched off here."""
    with mock.patch("pypdf._text_extraction.is_char_rtl", lambda *_: False):
        return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def note_body(note) -> Callable[[int], tuple[float, float]]:
    """The body frame of each page of `note` (bottom, top), between its header and footer."""
    from consult.note.pdf import PAGE_H, _Furniture, styles

    furniture = _Furniture.build(note, styles())
    bottom = furniture.footer_height() - 1
    return lambda number: (bottom, PAGE_H - furniture.header_height(number == 0) + 1)


def cell_texts(data: bytes, body: Callable[[int], tuple[float, float]]) -> list[str]:
    """The body's text cell by cell: each text object inside a page's body frame (reportlab
    draws every Paragraph and every plain cell string as one), a cell split by a page break
    joined with where it goes on, the first text object at the same left edge on the next
    page (after the repeated header row and the "(continued)" marker).

    So nothing comes between the two halves of a cell: not the page's header and footer,
    not the other cells of a row split over the page break (the long run found the header
    between the two halves of a name), not the table's repeated header row."""
    from consult.note.pdf import BOLD, CONTINUED, styles

    head_size = styles().table_head.fontSize
    cells: list[str] = []
    before: dict[float, int] = {}  # left edge -> the last cell there on the page before
    with mock.patch("pypdf._text_extraction.is_char_rtl", lambda *_: False):
        for number, page in enumerate(pypdf.PdfReader(io.BytesIO(data)).pages):
            bottom, top = body(number)
            objects: list[dict] = []

            def begin(operator, *_, objects=objects):
                if operator == b"BT":
                    objects.append({"x": None, "parts": [], "head": False})

            def keep(text, cm, tm, font, size, bottom=bottom, top=top, objects=objects):
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                if not objects or not text or not bottom <= y <= top:
                    return
                current = objects[-1]
                if current["x"] is None and text.strip():
                    current["x"] = round(tm[4] * cm[0] + tm[5] * cm[2] + cm[4], 1)
                current["parts"].append(text)
                if font and BOLD in str(font.get("/BaseFont", "")) and abs(size - head_size) < 0.01:
                    current["head"] = True  # a table's header row, repeated on each page

            page.extract_text(visitor_operand_before=begin, visitor_text=keep)
            here: dict[float, int] = {}
            for found in objects:
                text, x = "".join(found["parts"]), found["x"]
                if x is None or found["head"] or text.strip() == CONTINUED:
                    continue
                if x in before and x not in here:  # the first cell at this edge: it may go on
                    cells[before[x]] += text
                    here[x] = before[x]
                else:
                    cells.append(text)
                    here[x] = len(cells) - 1
            before = here
    return cells


def squeeze(text: str) -> str:
    """Without white space, counting the zero-width space (reportlab breaks lines at it)."""
    return re.sub(r"[\s\u200b]+", "", text)


def printable(text: str, missing: frozenset[str]) -> str:
    """What of `text` the PDF draws, in the order typed, fit for comparing."""
    return "".join(c for c in text if glyphs.needs_glyph(c) and c not in missing and comparable(c))


def comparable(c: str) -> bool:
    """Not white space and not an invisible boundary-neutral character (soft hyphen,
    zero-width joiners, byte-order mark)."""
    return bool(squeeze(c)) and unicodedata.bidirectional(c) != "BN"


def _free(text: str) -> str:
    return text.strip().rstrip(".")  # as the history sentences quote free text


IN_BOLD = {"practice.name", "patient.given_name", "patient.family_name"}


def user_fields(record: Record) -> dict[str, str]:
    """Free text the note prints as typed (or as its sentences quote it), by field."""
    p, c, h, plan = record.patient, record.consultation, record.history, record.plan
    fields = {
        "practice.name": record.practice.name,
        "practice.address": _short_address(record.practice.address),
        "patient.given_name": p.given_name,
        "patient.family_name": glyphs.upper_printable(p.family_name, bold=True),  # as the banner
        "consultation.clinician_name": c.clinician_name,
        "consultation.patient_location": c.patient_location,
        "consultation.others_present": c.others_present,
        "history.notes": h.notes,
        "impact.activities": _free(record.impact.activities),
        "impact.walking": _free(record.impact.walking),
        "medicines.current_pain_medicines": _free(record.medicines.current_pain_medicines),
        "plan.follow_up": plan.follow_up,
        "plan.fit_note_details": plan.fit_note_details,
    }
    # follow-ups print only when they apply (a hidden question's old answer never prints)
    follow_ups = {
        "legs.numbness_where": _free(record.legs.numbness_where),
        "triggers.trauma_details": record.triggers.trauma_details,
        "red_flags.cancer_type": record.red_flags.cancer_type,
        "history.previous_episodes": _free(h.previous_episodes),
        "observation.bends_forward": record.observation.bends_forward,
    }
    fields.update({path: value for path, value in follow_ups.items()
                   if followups.applies(record, path)})
    fields["history.treatment_tried"] = _free(h.treatment_tried)
    fields["impact.main_concern"] = _free(record.impact.main_concern)
    for n, item in enumerate(plan.items):
        fields[f"plan.items.{n}.text"] = item.text
        fields[f"plan.items.{n}.reason"] = item.reason
        fields[f"plan.items.{n}.source"] = item.source
    return fields


def chars_outside_pdfium(data: bytes) -> list[tuple[int, str, tuple[float, ...]]]:
    """Characters whose box leaves the page, read with pdfium (fast, a third reader)."""
    outside = []
    doc = pdfium.PdfDocument(data)
    try:
        for number in range(len(doc)):
            page = doc[number]
            width, height = page.get_size()
            text = page.get_textpage()
            for i in range(text.count_chars()):
                left, bottom, right, top = box = text.get_charbox(i)
                if left < -0.01 or bottom < -0.01 or right > width + 0.01 or top > height + 0.01:
                    outside.append((number + 1, text.get_text_range(i, 1), box))
            text.close()
            page.close()
    finally:
        doc.close()
    return outside


def chars_outside_pdfplumber(data: bytes) -> list[dict[str, object]]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [c for page in pdf.pages for c in page.chars
                if not (c["x0"] >= 0 and c["x1"] <= page.width
                        and c["top"] >= 0 and c["bottom"] <= page.height)]


def check_note(record: Record, *, plumber: bool = False) -> bytes:
    note = prepare(record, draft=True)
    data = render_pdf(note)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    missing = frozenset(note.missing_glyphs)

    # An empty box is printed exactly when the note says so, and never for Europe's scripts.
    assert (NOTDEF in text) == bool(missing), sorted(missing)
    assert not [c for c in missing if strategies.european(c)]
    assert set(missing) >= glyphs.missing_glyphs(note_text(record, draft=True))  # same words
    if missing:
        assert "CHARACTERS THE FONT CANNOT PRINT" in text
        assert glyphs.describe(sorted(missing)[0]).split()[0] in text

    # The printable text of every user field comes back.
    # the body read cell by cell, a cell read on across page breaks; the header (practice,
    # banner) read whole
    back = "\n".join("".join(c for c in cell if c != NOTDEF and comparable(c))
                     for cell in cell_texts(data, note_body(note)))
    whole = "".join(c for c in text if c != NOTDEF and comparable(c))
    for field, value in user_fields(record).items():
        bold = field in IN_BOLD
        missing_here = frozenset(glyphs.missing_glyphs(value, bold=bold))
        # Each line on its own: a page may end between two lines of a field (the long
        # run found "ôḦ\n\n</para>..." split by a page break, header and footer between).
        for line in value.splitlines():
            expected = printable(line, missing_here)[:PREFIX]
            assert expected in back or expected in whole, (field, value[:200], expected)

    # Every character lies on its page.
    pages = len(pdfium.PdfDocument(data))
    event(f"note of {'1-3' if pages <= 3 else '4-9' if pages < 10 else '10+'} pages")
    event("characters reported missing" if missing else "no character missing")
    event("some field near its limit" if any(len(v) >= 1_000 for v in user_fields(record).values())
          else "every field short")
    assert chars_outside_pdfium(data) == []
    if plumber:
        assert chars_outside_pdfplumber(data) == []
    return data


# ---------------------------------------------------------------------------
# Generated records


@pytest.mark.hazard("H6")
@FUZZ
@given(strategies.records())
def test_hostile_records_give_a_faithful_draft_pdf(record: Record) -> None:
    check_note(record)


@pytest.mark.hazard("H6")
@settings(FUZZ, max_examples=12)
@given(strategies.records())
def test_hostile_records_keep_every_character_on_the_page_pdfplumber(record: Record) -> None:
    check_note(record, plumber=True)


@pytest.mark.hazard("H6")
@settings(FUZZ, max_examples=40)
@given(st.lists(strategies.european_text(60), min_size=4, max_size=4))
def test_latin_greek_and_cyrillic_text_never_prints_boxes(texts: list[str]) -> None:
    r = negative_record()
    r.patient.given_name, r.patient.family_name = texts[0][:200], texts[1][:200]
    r.history.notes, r.practice.name = texts[2], texts[3][:200]
    note = prepare(r, draft=True)
    assert note.missing_glyphs == ()
    assert NOTDEF not in pdf_text(render_pdf(note))


@pytest.mark.hazard("H6")
@pytest.mark.parametrize("family, printed", [
    ("\u026a", "\u026a"),  # found by the run above: its capital U+A7AE is not in the font
    ("ɪvanova", "ɪVANOVA"),
    ("straße", "STRASSE"),
    ("Ødegård", "ØDEGÅRD"),
])
def test_a_family_name_is_capitalised_only_where_the_font_has_the_capital(family: str, printed: str) -> None:
    r = negative_record()
    r.patient.family_name = family
    note = prepare(r, draft=True)
    assert note.banner.name == f"{printed}, Sam"
    assert note.missing_glyphs == ()
    assert f"{printed}, Sam" in pdf_text(render_pdf(note))


@pytest.mark.slow
@LONG_RUN
@given(strategies.records())
def test_hostile_records_give_a_faithful_draft_pdf_long_run(record: Record) -> None:
    check_note(record)


# ---------------------------------------------------------------------------
# A row split by a page break: read cell by cell, marked "(continued)"


def _split_over_pages(flowable, room: float, height: float = 200) -> bytes:
    """`flowable` starting `room` points above the foot of a frame `height` points tall,
    so that its first row splits."""
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Spacer

    from consult.note.pdf import MARGIN_X, PAGE_H, TEXT_W

    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, invariant=1)
    frame = Frame(MARGIN_X, PAGE_H - 100 - height, TEXT_W, height, 0, 0, 0, 0)
    doc.addPageTemplates([PageTemplate(frames=[frame])])
    doc.build([Spacer(1, height - room), flowable])
    return buffer.getvalue()


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


# three lines each in a consultation-details cell (a two-line paragraph never splits: orphans)
NAMES = ("WOJCIECHOWSKA ŁUKASIEWICZÓWNA BRZĘCZYSZCZYK", "WOŁODYMYROWNA MŁYNARCZYKÓWNA ŚWIĘTOCHOWSKA")


@pytest.mark.hazard("H6")
def test_a_row_split_by_a_page_break_is_read_cell_by_cell_and_marked_continued() -> None:
    from consult.note import model as m
    from consult.note.pdf import CONTINUED, PAGE_H, _fields, styles

    rows = (("Clinician", NAMES[0]), ("Others present", NAMES[1]), ("Mode", "Telephone"),
            ("Location", "Home"))
    data = _split_over_pages(_fields(m.Fields(rows), styles()), 21)
    pages = _pages(data)
    assert len(pages) >= 2 and CONTINUED not in pages[0] and pages[1].lstrip().startswith(CONTINUED)
    # Read in drawing order, the other cell of the row comes between a name's two halves
    # (the long run's failure); read cell by cell, each name is whole.
    assert squeeze(NAMES[0]) not in squeeze("".join(pages))
    cells = [squeeze(c) for c in cell_texts(data, lambda _: (0, PAGE_H))]
    assert squeeze(NAMES[0]) in cells and squeeze(NAMES[1]) in cells
    assert squeeze(CONTINUED) not in "".join(cells)


@pytest.mark.hazard("H6")
def test_a_table_row_over_several_pages_says_continued_under_each_repeated_header() -> None:
    from consult.note import model as m
    from consult.note.pdf import CONTINUED, PAGE_H, _table, styles

    details = " ".join(f"{NAMES[0]} {n}" for n in range(8))
    table = m.Table(columns=("Item", "Answer", "Details"), widths=(0.58, 0.12, 0.30), rows=(
        m.TableRow(("Previous history of cancer", "Yes", details), level="urgent"),
        m.TableRow(("Weight loss", "No", "")),
    ))
    data = _split_over_pages(_table(table, styles()), 40, height=60)
    pages = _pages(data)
    assert len(pages) >= 4
    continued = [squeeze(p).startswith("ItemAnswerDetails" + squeeze(CONTINUED)) for p in pages]
    assert continued == [False] + [True] * (len(pages) - 2) + [continued[-1]]
    cells = [squeeze(c) for c in cell_texts(data, lambda _: (0, PAGE_H))]
    assert squeeze(details) in cells  # the repeated header row is not read into the cell
    assert squeeze(details) not in squeeze("".join(pages))


@pytest.mark.hazard("H6")
def test_a_row_never_leaves_only_continued_at_the_foot_of_a_page() -> None:
    from reportlab.platypus import Paragraph, Table

    from consult.note.pdf import TEXT_W, _Continued, _Table, esc, styles

    table = _Table([[Paragraph(esc("word " * 400), styles().body)]], colWidths=[TEXT_W],
                   splitInRow=1)
    table.wrap(TEXT_W, 10_000)
    _, rest = table.split(TEXT_W, 60)
    assert isinstance(rest._cellvalues[0][0][0], _Continued)
    rest.wrap(TEXT_W, 10_000)
    # Room for the marker's line only: reportlab alone would leave "(continued)" there by
    # itself; the row moves on whole instead.
    alone = Table.split(rest, TEXT_W, 14)
    assert [type(f) for f in alone[0]._cellvalues[-1][0]] == [_Continued]
    assert rest.split(TEXT_W, 14) == []


# ---------------------------------------------------------------------------
# The strategies themselves


def test_strategies_fill_every_free_text_field_of_the_record() -> None:
    fields = strategies.text_fields()
    assert set(fields) >= {
        "practice.name", "practice.address", "consultation.clinician_name",
        "consultation.patient_location", "consultation.others_present", "patient.given_name",
        "patient.family_name", "history.notes", "triggers.trauma_details", "impact.activities",
        "impact.walking", "legs.numbness_where", "red_flags.cancer_type",
        "medicines.current_pain_medicines", "plan.items.text", "plan.items.reason",
        "plan.items.source", "plan.follow_up", "plan.fit_note_details",
    }
    assert fields["patient.given_name"] == 200 and fields["history.notes"] == 20_000


@settings(FUZZ, max_examples=30)
@given(strategies.records())
def test_generated_records_are_valid_and_round_trip_through_a_file(record: Record) -> None:
    assert recordfile.loads(recordfile.dumps(record)) == record


# ---------------------------------------------------------------------------
# Glyph coverage, reported in the note and by the command line


@pytest.mark.parametrize("face", ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf",
                                  "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf"])
def test_glyph_map_agrees_with_reportlab(face: str) -> None:
    from consult import resources

    font = TTFontFile(str(resources.path("fonts", face)))
    assert glyphs.face_coverage(face) == {c for c, g in font.charToGlyph.items() if g}


def test_names_in_bold_are_checked_against_the_bold_face() -> None:
    only_regular = "\U0001d5a7"  # MATHEMATICAL SANS-SERIF CAPITAL H: regular face only
    assert glyphs.missing_glyphs(only_regular) == set()
    assert glyphs.missing_glyphs(only_regular, bold=True) == {only_regular}
    r = negative_record()
    r.history.notes = only_regular
    assert prepare(r).missing_glyphs == ()
    r.patient.given_name = only_regular
    note = prepare(r)
    assert note.missing_glyphs == (only_regular,)
    assert NOTDEF in pdf_text(render_pdf(note))


@pytest.mark.hazard("H6")
def test_every_latin_greek_cyrillic_letter_and_combining_mark_is_covered() -> None:
    promised = [chr(c) for lo, hi in strategies.EUROPEAN_RANGES for c in range(lo, hi + 1)
                if unicodedata.category(chr(c)) not in ("Cn", "Cc")]
    assert len(promised) > 1_500
    assert glyphs.missing_glyphs("".join(promised)) == set()
    assert glyphs.missing_glyphs("".join(promised), bold=True) == set()
    assert glyphs.missing_glyphs("".join(strategies.NAMES) + "e\u0301a\u0308\u0323n\u0303") == set()


@pytest.mark.hazard("H6")
def test_cjk_emoji_and_rare_marks_are_reported() -> None:
    assert glyphs.missing_glyphs("中文 🧑 x \u0363") == {"中", "文", "🧑", "\u0363"}
    assert glyphs.describe("中") == "U+4E2D CJK UNIFIED IDEOGRAPH-4E2D"


def test_controls_spaces_and_invisible_format_characters_are_not_boxes() -> None:
    text = "a\x00\x07\t\n\r\x0b\x1c\x85\u2028\u3000\u2066b\u2069\U000e0067"
    assert glyphs.missing_glyphs(text) == set()
    r = negative_record()
    r.history.notes = text
    assert NOTDEF not in pdf_text(render_pdf(prepare(r, draft=True)))


@pytest.mark.hazard("H6")
def test_note_names_the_characters_its_font_lacks_on_page_1() -> None:
    r = negative_record()
    r.patient.given_name = "中文"
    r.history.notes = "Seen with 🧑 today"
    note = prepare(r)
    assert note.missing_glyphs == ("中", "文", "🧑")
    pages = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(render_pdf(note))).pages]
    first = re.sub(r"\s+", " ", pages[0])
    assert "Some characters cannot be printed in this font" in first
    for code in ("U+4E2D CJK UNIFIED IDEOGRAPH-4E2D", "U+6587", "U+1F9D1 ADULT"):
        assert code in first
    assert first.index("CHARACTERS THE FONT CANNOT PRINT") < first.index("Findings")
    assert "U+4E2D" in note_text(r)
    assert prepare(negative_record()).missing_glyphs == ()


def test_the_glyph_box_comes_after_the_red_flags() -> None:
    r = negative_record()
    r.red_flags.ces_bladder.answer = Answer.YES
    r.patient.given_name = "中" * 50
    note = prepare(r, draft=True)
    assert note.alerts[0].kind == "red_flag" and note.alerts[-1].kind == "glyphs"
    first = re.sub(r"\s+", " ", pypdf.PdfReader(io.BytesIO(render_pdf(note))).pages[0].extract_text())
    assert first.index("RED FLAG") < first.index("Send to the emergency department now")
    assert first.index("Send to the emergency department now") < first.index(
        "CHARACTERS THE FONT CANNOT PRINT")


@pytest.mark.parametrize("text", [
    "pain8\u00adÞ¤»J</para>painpainpainpainpainpainibuprofen",  # found by the long run
    "a\u00adbcde&fghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl",
])
def test_a_soft_hyphen_never_lets_a_long_word_run_off_the_page(text: str) -> None:
    r = negative_record()
    r.red_flags.cancer_history = Answer.YES
    r.red_flags.cancer_type = text  # the narrow Details column of the red-flag table
    data = render_pdf(prepare(r, draft=True))
    assert chars_outside_pdfplumber(data) == [] and chars_outside_pdfium(data) == []
    assert printable(text, frozenset()) in "".join(c for c in pdf_text(data) if comparable(c))


def test_many_missing_characters_are_summed_up() -> None:
    r = negative_record()
    r.history.notes = "".join(chr(0x4E00 + i) for i in range(30))
    note = prepare(r)
    assert len(note.missing_glyphs) == 30
    box = next(a for a in note.alerts if a.kind == "glyphs")
    assert box.items[-1] == "and 22 more" and len(box.items) == 9


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(MAIN), *args], capture_output=True, text=True,
                          timeout=120)


@pytest.mark.hazard("H6")
def test_cli_note_warns_in_one_line_and_still_writes_the_note(tmp_path: Path) -> None:
    r = negative_record()
    r.history.notes = "Daughter's name: 美咲 \U0001F9D1"
    src = tmp_path / "r.json"
    recordfile.save(r, src)
    out = tmp_path / "n.pdf"
    result = _run("note", str(src), "-o", str(out))
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("consult: warning: ")
    assert "3 characters cannot be printed" in lines[0]
    assert "(U+54B2, U+7F8E, U+1F9D1)" in lines[0]
    assert "美" not in lines[0]  # codes only: no patient text on the terminal
    assert out.read_bytes().startswith(b"%PDF")
    assert NOTDEF in pdf_text(out.read_bytes())

    clean = tmp_path / "clean.json"
    recordfile.save(negative_record(), clean)
    quiet = _run("note", str(clean), "-o", str(tmp_path / "c.pdf"))
    assert quiet.returncode == 0 and quiet.stderr == ""
    checked = _run("check", str(src))
    assert checked.returncode == 0 and checked.stderr == ""
    assert json.loads(checked.stdout)["complete"] is True
