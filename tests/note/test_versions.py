"""Note versions: a finalised note says which version it is on every page, an amended
note says on every page what it supersedes and why, and an older version is stamped
superseded at view/print time without changing a character of it. Read back page by
page with pypdf and pdfplumber."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import tomllib

import pdfplumber
import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import consult
from consult import resources
from consult.note import (
    Finalisation,
    Superseded,
    compose,
    note_pdf,
    note_text,
    prepare,
    write_note_pdf,
)
from consult.note.pdf import LEVEL_COLOURS, MARGIN_X, PAGE_H
from consult.note.stamp import STRIP_RIGHT, stamp_superseded
from consult.note.versioning import (
    amendment_line,
    short_id,
    show_datetime,
    superseded_text,
    version_line,
)
from consult.record.model import Record
from consult.rules.engine import assess
from consult.rules.ruleset import RuleSet, load
from tests import strategies
from tests.note.test_pdf import flat, long_record, pages_text, squeeze
from tests.note.test_text import leaves
from tests.support import negative_record

UTC = dt.UTC
NOTE_ID = "3f2a91c0-1b2c-4d5e-8f90-123456789abc"
REASON = "Plan corrected: follow-up agreed with the patient as 2 weeks, not 4."
VERSION_LINE = "Note 3F2A91C0 \u00b7 version 2 \u00b7 finalised 26-Nov-2026 10:42 by Dr Amira Shah"
AMENDMENT = ("AMENDED NOTE, version 2: supersedes version 1 (finalised 25-Nov-2026 16:05 by "
             f"Dr Amira Shah). Reason for amendment: {REASON}")
SECRETS = ("Taylor", "TAYLOR", "Sam", "9434765919", "943 476 5919", "1985")


def first(note_id: str = NOTE_ID) -> Finalisation:
    return Finalisation(note_id=note_id, version=1, author="Dr Amira Shah",
                        finalised_at=dt.datetime(2026, 11, 25, 16, 5, tzinfo=UTC))


def amended(reason: str = REASON, version: int = 2) -> Finalisation:
    return Finalisation(
        note_id=NOTE_ID, version=version, author="Dr Amira Shah",
        finalised_at=dt.datetime(2026, 11, 26, 10, 42, tzinfo=UTC),
        supersedes=Superseded(version=version - 1, author="Dr Amira Shah", reason=reason,
                              finalised_at=dt.datetime(2026, 11, 25, 16, 5, tzinfo=UTC)))


def newer() -> Finalisation:
    """Version 3, which supersedes the amended version 2."""
    return Finalisation(
        note_id=NOTE_ID, version=3, author="Dr B Jones",
        finalised_at=dt.datetime(2026, 11, 26, 11, 2, tzinfo=UTC),
        supersedes=Superseded(version=2, author="Dr Amira Shah",
                              finalised_at=dt.datetime(2026, 11, 26, 10, 42, tzinfo=UTC),
                              reason="Red-flag answers re-checked with the patient by phone."))


def all_inside(data: bytes) -> int:
    """Every character lies inside its page (pdfplumber); returns the page count."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            assert page.chars
            for c in page.chars:
                assert c["x0"] >= 0 and c["x1"] <= page.width, (number, c["text"], c["x1"])
                assert c["top"] >= 0 and c["bottom"] <= page.height, (number, c["text"])
        return len(pdf.pages)


def metadata_values(data: bytes) -> str:
    meta = pypdf.PdfReader(io.BytesIO(data)).metadata or {}
    return " ".join(f"{k} {v}" for k, v in meta.items())


@pytest.fixture(scope="module")
def amended_pdf() -> bytes:
    return note_pdf(long_record(), finalisation=amended())


@pytest.fixture(scope="module")
def stamped() -> tuple[bytes, bytes, str]:
    """(the version-2 PDF as stored, the same stamped superseded by version 3, the text)"""
    original = note_pdf(long_record(), finalisation=amended())
    text = superseded_text(newer())
    return original, stamp_superseded(original, text), text


# ---------------------------------------------------------------------------
# Finalisation values and their words


def test_times_are_shown_in_uk_local_time_on_the_24_hour_clock() -> None:
    assert show_datetime(dt.datetime(2026, 11, 26, 10, 42, tzinfo=UTC)) == "26-Nov-2026 10:42"
    assert show_datetime(dt.datetime(2026, 7, 25, 16, 5, tzinfo=UTC)) == "25-Jul-2026 17:05"  # BST
    assert show_datetime(dt.datetime(2026, 12, 31, 23, 59, tzinfo=UTC)) == "31-Dec-2026 23:59"
    # the night the clocks go back: 00:30 UTC is 01:30 BST, 01:30 UTC is 01:30 GMT
    assert show_datetime(dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)) == "25-Oct-2026 01:30"
    assert show_datetime(dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)) == "25-Oct-2026 01:30"
    new_york = dt.timezone(dt.timedelta(hours=-5))
    assert show_datetime(dt.datetime(2026, 11, 26, 5, 42, tzinfo=new_york)) == "26-Nov-2026 10:42"
    with pytest.raises(ValueError, match="timezone-aware"):
        show_datetime(dt.datetime(2026, 11, 26, 10, 42))


def test_short_id_is_the_first_8_hex_digits_upper_case() -> None:
    assert short_id(NOTE_ID) == "3F2A91C0"
    assert short_id("{3F2A91C0-1B2C-4D5E-8F90-123456789ABC}") == "3F2A91C0"


@pytest.mark.hazard("H13")
@pytest.mark.parametrize(("change", "says"), [
    (dict(note_id="note-1"), "is not a UUID"),
    (dict(version=0), "starts at 1"),
    (dict(finalised_at=dt.datetime(2026, 11, 26, 10, 42)), "timezone-aware"),
    (dict(author="  "), "must not be empty"),
    (dict(version=3), "version 3 can only supersede version 2, not 1"),
    (dict(finalised_at=dt.datetime(2026, 11, 25, 9, 0, tzinfo=UTC)),
     "cannot be finalised before the version it supersedes"),
])
def test_an_inconsistent_finalisation_is_refused(change: dict, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        dataclasses.replace(amended(), **change)


@pytest.mark.hazard("H13")
def test_an_amendment_without_a_reason_is_refused() -> None:
    for empty in ("", " ", "\n\t", "\x00\u200b"):
        with pytest.raises(ValueError, match="reason for an amendment"):
            amended(reason=empty)
    with pytest.raises(ValueError, match="timezone-aware"):
        Superseded(1, dt.datetime(2026, 11, 25, 16, 5), "Dr Amira Shah", "Reason.")
    with pytest.raises(ValueError, match="supersedes nothing"):
        superseded_text(first())


@pytest.mark.hazard("H13")
def test_the_lines_are_built_from_the_rule_set_wording() -> None:
    assert version_line(amended()) == VERSION_LINE
    assert amendment_line(amended()) == AMENDMENT
    assert amendment_line(first()) == ""
    assert superseded_text(newer()) == (
        "SUPERSEDED by version 3, finalised 26-Nov-2026 11:02 by Dr B Jones. "
        "Reason: Red-flag answers re-checked with the patient by phone.")
    wording = load().wording.model_copy(update={
        "version_line": "Version {version} of {note}, {when}, {author}",
        "amendment": "Replaces {previous} ({previous_when}, {previous_author}) as {version}: {reason}",
    })
    rules = load().model_copy(update={"wording": wording})
    assert version_line(amended(), rules) == ("Version 2 of 3F2A91C0, 26-Nov-2026 10:42, "
                                              "Dr Amira Shah")
    assert amendment_line(amended(), rules) == (f"Replaces 1 (25-Nov-2026 16:05, Dr Amira Shah) "
                                                f"as 2: {REASON}")


@pytest.mark.hazard("H13")
@pytest.mark.parametrize(("key", "words", "says"), [
    ("amendment", "AMENDED NOTE, version {version}: supersedes version {previous}.",
     "missing previous_author, previous_when, reason"),
    ("version_line", "Note {note} version {version} finalised {when} by {author} {patient}",
     "unknown patient"),
    ("superseded", "SUPERSEDED by version {version", "not a valid template"),
])
def test_a_rule_file_whose_version_wording_drops_a_placeholder_is_refused(
        key: str, words: str, says: str) -> None:
    with resources.path("rules", "ruleset.toml").open("rb") as fh:
        data = tomllib.load(fh)
    data["wording"][key] = words
    with pytest.raises(ValidationError, match=says):
        RuleSet.model_validate(data)


# ---------------------------------------------------------------------------
# Without a finalisation nothing changes


@pytest.mark.hazard("H13")
def test_no_finalisation_gives_the_same_bytes_as_before() -> None:
    record = long_record()
    assert note_pdf(record, finalisation=None) == note_pdf(record)
    assert note_pdf(record, draft=True, finalisation=None) == note_pdf(record, draft=True)
    assert note_text(record, finalisation=None) == note_text(record)
    note = prepare(record)
    assert note.version == "" and note.amendment == ""
    assert note == compose(record, assess(record), draft=False, app_version=consult.__version__,
                           finalisation=None)
    text = flat(" ".join(pages_text(note_pdf(record))))
    assert "AMENDED" not in text and "3F2A91C0" not in text and "finalised 2" not in text


# ---------------------------------------------------------------------------
# Version and amendment on every page


@pytest.mark.hazard("H13")
def test_every_page_of_an_amended_note_names_its_version_and_what_it_supersedes(
        amended_pdf: bytes) -> None:
    texts = pages_text(amended_pdf)
    assert len(texts) >= 2
    for number, text in enumerate(texts, start=1):
        assert squeeze(AMENDMENT) in squeeze(text), number
        assert VERSION_LINE in flat(text), number  # the footer line, never wrapped
        assert f"Page {number} of {len(texts)}" in text
        assert f"consult {consult.__version__}" in text  # the old footer is still there
        assert load().wording.decision_support in flat(text)
        assert "DRAFT" not in text
    assert all_inside(amended_pdf) == len(texts)


@pytest.mark.hazard("H13")
def test_the_amendment_box_is_amber_at_the_top_of_every_page_above_the_banner(
        amended_pdf: bytes) -> None:
    strong, fill, _ = (c.rgb() for c in LEVEL_COLOURS["urgent"])
    red = LEVEL_COLOURS["emergency"][0].rgb()
    with pdfplumber.open(io.BytesIO(amended_pdf)) as pdf:
        for page in pdf.pages:
            heading = page.search("AMENDED NOTE, version 2")[0]
            banner = page.search("TAYLOR, Sam")[0]
            assert heading["top"] < 60 and heading["bottom"] < banner["top"]
            boxes = [r for r in page.rects if r["top"] <= heading["top"] <= r["bottom"]
                     and r["width"] > 400]
            assert boxes, "the amendment sits in a box as wide as the text"
            box = boxes[0]
            assert tuple(box["non_stroking_color"]) == pytest.approx(fill, abs=0.01)
            assert tuple(box["stroking_color"]) == pytest.approx(strong, abs=0.01)
            assert tuple(box["non_stroking_color"]) != pytest.approx(red, abs=0.05)
            assert box["bottom"] < banner["top"]
            words = page.within_bbox((box["x0"], box["top"], box["x1"], box["bottom"]))
            assert "Reason for amendment" in flat(words.extract_text())
            if page.page_number == 1:
                assert box["bottom"] < page.search("Riverside Medical Practice")[0]["top"]


@pytest.mark.hazard("H13")
def test_a_draft_amendment_puts_the_amendment_box_below_the_draft_box() -> None:
    data = note_pdf(Record(), draft=True, finalisation=amended())
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) >= 2
        for page in pdf.pages:
            draft = page.search("DRAFT - not finalised")[0]
            amendment = page.search("AMENDED NOTE, version 2")[0]
            banner = page.search("Name not known")[0]
            assert draft["bottom"] < amendment["top"] < amendment["bottom"] < banner["top"]
    all_inside(data)


@pytest.mark.hazard("H13")
def test_a_first_version_names_its_version_on_every_page_with_no_amendment_box() -> None:
    data = note_pdf(long_record(), finalisation=first())
    texts = pages_text(data)
    assert len(texts) >= 2
    for text in texts:
        assert ("Note 3F2A91C0 \u00b7 version 1 \u00b7 finalised 25-Nov-2026 16:05 by "
                "Dr Amira Shah") in flat(text)
        assert "AMENDED" not in text and "supersedes" not in text


@pytest.mark.hazard("H13")
def test_a_2000_character_reason_wraps_and_stays_on_every_page() -> None:
    reason = ("The follow-up plan was changed after the patient rang back & said <b>the pain "
              "had spread</b>; ") * 40
    reason = reason[:2000].rstrip()
    assert len(reason) >= 1990
    data = note_pdf(negative_record(), finalisation=amended(reason))
    texts = pages_text(data)
    assert len(texts) >= 2
    for text in texts:  # the whole reason, markup printed as typed, on every page
        assert squeeze(reason) in squeeze(text)
        assert squeeze(VERSION_LINE) in squeeze(text)
        # the amendment is whole on every page; only a table row split by the page break
        # says "(continued)" where it goes on
        assert "continued" not in text.replace("\n(continued)\n", "\n")
    all_inside(data)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[1]
        box = max((r for r in page.rects if r["x0"] < MARGIN_X + 1 and r["width"] > 400),
                  key=lambda r: r["height"])
        assert box["height"] <= PAGE_H / 3
        assert box["bottom"] < page.search("TAYLOR, Sam")[0]["top"]


@pytest.mark.hazard("H13")
def test_a_reason_too_long_for_the_page_box_is_cut_there_and_printed_in_full_on_page_1() -> None:
    reason = " ".join(f"word{i}" for i in range(2500))  # about 20,000 characters
    data = note_pdf(negative_record(), finalisation=amended(reason))
    texts = [squeeze(t) for t in pages_text(data)]
    for text in texts:
        assert squeeze("AMENDED NOTE, version 2: supersedes version 1") in text
        assert squeeze("(the full amendment starts on page 1)") in text
        assert squeeze(VERSION_LINE) in text
    # the full amendment starts at the top of page 1's text and runs on over pages
    start = squeeze(AMENDMENT.replace(REASON, " ".join(f"word{i}" for i in range(300))))
    assert start in texts[0]
    assert texts[0].index("TAYLOR,Sam") < texts[0].index(start)  # in the flow, under the banner
    cut = squeeze("(the full amendment starts on page 1)")
    flow = "".join(text.split(cut, 1)[1] for text in texts)  # each page without its box
    assert [int(n) for n in re.findall(r"word(\d+)", flow)] == list(range(2500))
    assert all_inside(data) == len(texts)


@pytest.mark.hazard("H13")
def test_the_same_record_and_finalisation_give_the_same_bytes(amended_pdf: bytes) -> None:
    assert note_pdf(long_record(), finalisation=amended()) == amended_pdf
    assert note_text(long_record(), finalisation=amended()) == note_text(
        long_record(), finalisation=amended())
    other = note_pdf(long_record(), finalisation=dataclasses.replace(
        amended(), author="Dr B Jones"))
    assert other != amended_pdf


@pytest.mark.hazard("H13")
def test_text_and_pdf_of_an_amended_note_print_every_string() -> None:
    record = negative_record()
    note = prepare(record, finalisation=amended())
    assert note.version == VERSION_LINE and note.amendment == AMENDMENT
    from consult.note import render_text

    text = squeeze(render_text(note))
    pdf = squeeze(" ".join(pages_text(note_pdf(record, finalisation=amended()))))
    for s in leaves(note):
        assert squeeze(s) in text, s
        assert squeeze(s) in pdf, s


@pytest.mark.hazard("H13")
def test_the_text_note_opens_with_the_amendment_and_version() -> None:
    text = note_text(negative_record(), finalisation=amended())
    lines = text.splitlines()
    assert lines[0] == f"*** {AMENDMENT} ***"
    assert VERSION_LINE in lines[:4]
    assert lines[-1] == VERSION_LINE  # and closes with the version, after the footer
    assert text.index(AMENDMENT) < text.index("Riverside Medical Practice")
    draft = note_text(Record(), draft=True, finalisation=amended()).splitlines()
    assert draft[0] == "*** DRAFT - not finalised ***" and draft[2] == f"*** {AMENDMENT} ***"
    assert "AMENDED" not in note_text(negative_record(), finalisation=first())
    assert note_text(negative_record(), finalisation=first()).splitlines()[0].startswith(
        "Note 3F2A91C0 \u00b7 version 1")


@pytest.mark.hazard("H13")
def test_an_amended_note_keeps_patient_identifiers_out_of_metadata(
        amended_pdf: bytes, tmp_path) -> None:  # type: ignore[no-untyped-def]
    values = metadata_values(amended_pdf)
    assert "Consultation note" in values
    for secret in (*SECRETS, "Amira", "Shah", "3F2A91C0", REASON[:20]):
        assert secret not in values
    target = write_note_pdf(long_record(), tmp_path / "v2.pdf", finalisation=amended())
    assert target.read_bytes() == amended_pdf


# ---------------------------------------------------------------------------
# The superseded stamp


@pytest.mark.hazard("H13")
def test_every_page_of_a_superseded_version_is_stamped_and_keeps_its_text(
        stamped: tuple[bytes, bytes, str]) -> None:
    original, marked, text = stamped
    before, after = pages_text(original), pages_text(marked)
    assert len(after) == len(before) >= 2
    for old, new in zip(before, after, strict=True):
        assert squeeze(old) in squeeze(new)  # every character of the stored page, in order
        assert text in flat(new)  # the stamp's text, on one line of the strip
        assert flat(new).count("SUPERSEDED") >= 2  # the strip and the diagonal word
        assert squeeze(AMENDMENT) in squeeze(new) and VERSION_LINE in flat(new)
    assert all_inside(marked) == len(before)


@pytest.mark.hazard("H13")
def test_the_stamp_is_red_and_covers_nothing_of_the_note(
        stamped: tuple[bytes, bytes, str]) -> None:
    original, marked, _ = stamped
    red = LEVEL_COLOURS["emergency"][0].rgb()
    with pdfplumber.open(io.BytesIO(original)) as old, pdfplumber.open(io.BytesIO(marked)) as new:
        for before, after in zip(old.pages, new.pages, strict=True):
            content = before.chars + before.rects + before.lines
            assert min(o["x0"] for o in content) >= STRIP_RIGHT + 2  # the margin is empty
            added = after.chars[len(before.chars):]
            assert after.chars[:len(before.chars)] == before.chars  # the note's text untouched
            strip = [c for c in added if c["x1"] <= STRIP_RIGHT]
            diagonal = [c for c in added if c["x1"] > STRIP_RIGHT]
            assert len(strip) > 50 and not any(c["upright"] for c in strip)
            assert "".join(c["text"] for c in diagonal) == "SUPERSEDED"
            for c in added:
                assert tuple(c["non_stroking_color"]) == pytest.approx(red, abs=0.01)
            assert all(c["size"] > 40 for c in diagonal)  # large across the page


@pytest.mark.hazard("H13")
def test_the_diagonal_mark_is_translucent(stamped: tuple[bytes, bytes, str]) -> None:
    _, marked, _ = stamped
    for page in pypdf.PdfReader(io.BytesIO(marked)).pages:
        states = page["/Resources"]["/ExtGState"]
        alphas = [float(s.get_object()["/ca"]) for s in states.values()
                  if "/ca" in s.get_object()]
        assert alphas and min(alphas) <= 0.2


@pytest.mark.hazard("H13")
def test_stamping_is_deterministic_and_changes_nothing_stored(
        stamped: tuple[bytes, bytes, str]) -> None:
    original, marked, text = stamped
    copy = bytes(original)
    assert stamp_superseded(original, text) == marked
    assert original == copy
    assert stamp_superseded(original, text.replace("Dr B Jones", "Dr C Jones")) != marked


@pytest.mark.hazard("H13")
def test_a_stamped_note_keeps_patient_identifiers_out_of_metadata(
        stamped: tuple[bytes, bytes, str]) -> None:
    _, marked, _ = stamped
    meta = pypdf.PdfReader(io.BytesIO(marked)).metadata
    assert meta is not None and set(meta) <= {"/Title", "/Producer"}
    assert meta.title == "Consultation note"
    values = metadata_values(marked)
    for secret in (*SECRETS, "Jones", "SUPERSEDED", "Red-flag answers"):
        assert secret not in values
    assert pypdf.PdfReader(io.BytesIO(marked)).xmp_metadata is None


@pytest.mark.hazard("H13")
def test_a_long_stamp_text_is_cut_to_the_strip_and_stays_on_the_page() -> None:
    original = note_pdf(negative_record(), finalisation=amended())
    long_reason = ("The patient rang back & reported <new> numbness in both legs; " * 40)[:2000]
    later = dataclasses.replace(newer(), supersedes=dataclasses.replace(
        newer().supersedes, reason=long_reason))
    text = superseded_text(later)
    marked = stamp_superseded(original, text)
    with pdfplumber.open(io.BytesIO(marked)) as pdf:
        for page in pdf.pages:
            strip = [c for c in page.chars if c["x1"] <= STRIP_RIGHT]
            assert strip and all(c["x0"] >= 10 for c in strip)
            assert min(c["top"] for c in strip) >= 20 and max(c["bottom"] for c in strip) <= (
                page.height - 20)
    for page in pages_text(marked):
        assert squeeze("SUPERSEDED by version 3, finalised 26-Nov-2026 11:02 by Dr B Jones.") in (
            squeeze(page))
        assert "\u2026" in page and "<new>" in page
    all_inside(marked)


def test_stamping_needs_words_and_a_pdf() -> None:
    original = note_pdf(negative_record())
    with pytest.raises(ValueError, match="must say what supersedes it"):
        stamp_superseded(original, "  ")
    with pytest.raises(pypdf.errors.PdfReadError):
        stamp_superseded(b"not a pdf", "SUPERSEDED")


# ---------------------------------------------------------------------------
# Hostile words from the GP: markup, right-to-left, emoji, one 20,000-character word


def _strip_and_page(data: bytes) -> None:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            strip = [c for c in page.chars if c["x1"] <= STRIP_RIGHT]
            assert strip, "every page carries the stamp's text"
            assert all(c["x0"] >= 10 and c["top"] >= 20 and c["bottom"] <= page.height - 20
                       for c in strip)


@pytest.mark.hazard("H13")
@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(reason=st.one_of(strategies.hostile_text(400), strategies.long_text(20_000)),
       author=strategies.hostile_text(200))
def test_hostile_reasons_and_authors_stay_on_every_page(reason: str, author: str) -> None:
    try:
        f = dataclasses.replace(amended(reason), author=author)
        later = dataclasses.replace(newer(), author=author, supersedes=dataclasses.replace(
            newer().supersedes, reason=reason))
    except ValueError:  # nothing printable: refused, tested above
        return
    data = note_pdf(negative_record(), finalisation=f)
    texts = pages_text(data)
    for text in texts:
        assert squeeze("AMENDED NOTE, version 2: supersedes version 1") in squeeze(text)
        assert squeeze("Note 3F2A91C0 \u00b7 version 2") in squeeze(text)
    assert all_inside(data) == len(texts)
    marked = stamp_superseded(data, superseded_text(later))
    assert all_inside(marked) == len(texts)
    _strip_and_page(marked)


@pytest.mark.hazard("H13")
def test_one_20000_character_word_is_cut_inside_the_box_and_the_strip() -> None:
    word = "x" * 20_000
    data = note_pdf(negative_record(), finalisation=amended(word))
    texts = [squeeze(t) for t in pages_text(data)]
    for text in texts:
        assert squeeze("(the full amendment starts on page 1)") in text
    assert sum(t.count("x") for t in texts) >= 20_000 + len(texts) * 1000
    all_inside(data)
    later = dataclasses.replace(newer(), supersedes=dataclasses.replace(newer().supersedes,
                                                                        reason=word))
    marked = stamp_superseded(data, superseded_text(later))
    all_inside(marked)
    _strip_and_page(marked)
    assert all("\u2026" in t for t in pages_text(marked))
