"""The PDF note, read back page by page (pypdf and pdfplumber), never trusting the writer."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import stat
from pathlib import Path

import pdfplumber
import pypdf
import pytest

import consult
from consult.note import IncompleteRecord, note_pdf, note_text, write_note_pdf
from consult.note.pdf import LEVEL_COLOURS
from consult.record import file as recordfile
from consult.record.answers import (
    Answer,
    Character,
    Course,
    Duration3Months,
    Episode,
    InfoMethod,
    Interpreter,
    JobDemands,
    LegExtent,
    Mode,
    NsaidTried,
    Onset,
    PainSite,
    Sex,
    Side,
    Trajectory,
    Trauma,
    WeaknessOnset,
    YesNoUnsure,
)
from consult.record.model import (
    Legs,
    Medicines,
    PlanItem,
    Record,
    RedFlags,
    RiskHistory,
    Triggers,
    UpgradeNote,
)
from consult.rules import plan
from consult.rules.completeness import Problem
from consult.rules.followups import IMPLIED_NO_WITHOUT_LEG_SYMPTOMS, applies, unasked_as_yes
from consult.rules.ruleset import load
from tests.support import EXAMPLES, accept_suggestions, load_example, negative_record

A4 = (595.27, 841.89)
FORMAT1 = Path(__file__).resolve().parents[1] / "data" / "format1"
DRAFT = "DRAFT - not finalised"
LONG_WORDS = "abcdefghij " * 1818  # 19,998 characters with spaces


def pages_text(data: bytes) -> list[str]:
    """Text of each page, in content order (pypdf)."""
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def ces_record() -> Record:
    """Bladder change new within 14 days (the worse-in-14-days question does not apply)."""
    r = negative_record()
    item = r.red_flags.ces_bladder
    item.answer, item.onset = Answer.YES, Onset.WITHIN_14_DAYS
    return accept_suggestions(r)


def long_record() -> Record:
    r = negative_record()
    r.history.notes = "Long history. " * 400
    return r


@pytest.fixture(scope="module")
def negative_pdf() -> bytes:
    return note_pdf(negative_record())


@pytest.fixture(scope="module")
def ces_pdf() -> bytes:
    return note_pdf(ces_record())


# ---------------------------------------------------------------------------
# Page furniture


def test_a4_with_practice_at_the_top_of_page_one(negative_pdf: bytes) -> None:
    with pdfplumber.open(io.BytesIO(negative_pdf)) as pdf:
        for page in pdf.pages:
            assert (round(page.width, 1), round(page.height, 1)) == (595.3, 841.9)
        first = pdf.pages[0]
        practice = first.search("Riverside Medical Practice")
        address = first.search("1 River Road, Exampletown, EX1 2AB")
        banner = first.search("TAYLOR, Sam")
        assert practice and address and banner
        assert practice[0]["top"] < 60
        assert practice[0]["top"] < banner[0]["top"]
        assert not pdf.pages[1].search("Riverside Medical Practice")


@pytest.mark.hazard("H3", "H6", "H7", "H9", "H10", "H17")
def test_banner_page_numbers_and_footer_on_every_page() -> None:
    data = note_pdf(long_record())
    texts = pages_text(data)
    total = len(texts)
    assert total >= 3
    rules = load()
    for number, text in enumerate(texts, start=1):
        text = flat(text)
        assert "TAYLOR, Sam" in text
        assert "Born 05-Apr-1985" in text
        assert "Sex Male" in text
        assert "NHS No. 943 476 5919" in text
        assert f"Page {number} of {total}" in text
        assert f"consult {consult.__version__}" in text
        assert f"rule set {rules.version}" in text
        assert rules.wording.decision_support in text
        assert DRAFT not in text


@pytest.mark.hazard("H3")
def test_unknown_banner_values_print_not_known() -> None:
    text = flat(pages_text(note_pdf(Record(), draft=True))[0])
    assert "Name not known" in text
    assert "Born Not known" in text
    assert "Sex Not known" in text
    assert "NHS No. Not known" in text
    assert "None" not in text and "?" not in text


@pytest.mark.hazard("H10", "H18")
def test_consultation_details_and_remote_wording(negative_pdf: bytes) -> None:
    text = flat(pages_text(negative_pdf)[0])
    for expected in ("20-Nov-2026", "09:40", "Telephone", "Dr Asha Patel",
                     "patient identity confirmed: Yes", "Patient's location now Home",
                     "consent to a remote consultation: Yes",
                     "Telephone consultation: no examination was possible."):
        assert expected in text


@pytest.mark.hazard("H18")
def test_face_to_face_has_no_remote_wording_and_video_does() -> None:
    r = negative_record()
    r.consultation.mode = Mode.FACE_TO_FACE
    assert "no examination was" not in flat(" ".join(pages_text(note_pdf(r))))
    r.consultation.mode = Mode.VIDEO  # nothing observed
    assert "Video consultation: no examination was performed." in flat(
        " ".join(pages_text(note_pdf(r))))


# ---------------------------------------------------------------------------
# Red flags


@pytest.mark.hazard("H1", "H25")
def test_red_flag_box_on_page_one_before_the_history(ces_pdf: bytes) -> None:
    text = flat(pages_text(ces_pdf)[0])
    box = text.index("RED FLAG")
    assert box < text.index("Decision") < text.index("Findings")
    assert "Red-flag screen" not in text  # the question-by-question screen is the appendix
    box_text = text[box:text.index("Decision")]
    assert "Disposition: EMERGENCY - act now." in box_text
    assert "EMERGENCY - act now: Cauda equina syndrome" in box_text
    assert "act now, the same day" not in box_text  # the row's deadline, not the band's range
    assert "Found Bladder change" in box_text
    assert "(started within 14 days)" in box_text
    assert "worse in the last 14 days" not in box_text
    assert "Action Send to the emergency department now for an MRI scan." in box_text
    assert "How soon now" in box_text


@pytest.mark.hazard("H1")
def test_red_flag_box_is_coloured(ces_pdf: bytes) -> None:
    with pdfplumber.open(io.BytesIO(ces_pdf)) as pdf:
        page = pdf.pages[0]
        title = page.search("RED FLAG")[0]
        reds = [r for r in page.rects
                if r.get("non_stroking_color") and len(r["non_stroking_color"]) == 3
                and r["non_stroking_color"][0] > 0.6 and r["non_stroking_color"][1] < 0.3
                and r["top"] <= title["top"] <= r["bottom"]]
        assert reds, "the RED FLAG heading sits on a red band"


@pytest.mark.hazard("H1")
def test_red_flag_rows_most_urgent_first_each_with_its_action() -> None:
    r = negative_record()
    r.legs.symptoms = r.legs.weakness = Answer.YES
    r.legs.weakness_side, r.legs.weakness_onset = "left", WeaknessOnset.WITHIN_3_MONTHS
    r.legs.weakness_trajectory, r.legs.weakness_severe = "same", Answer.NO
    r.red_flags.ces_bowel.answer = Answer.YES
    r.red_flags.ces_bowel.onset = Onset.MORE_THAN_14_DAYS
    r.red_flags.ces_bowel.worse_last_14_days = YesNoUnsure.UNSURE
    accept_suggestions(r)
    text = flat(pages_text(note_pdf(r, draft=True))[0])
    box = text[text.index("RED FLAG"):text.index("Decision")]
    assert "2 red-flag findings" in box
    emergency = box.index("EMERGENCY - act now: Cauda equina syndrome")
    urgent = box.index("URGENT - within 48 hours: Nerve root compromise")
    assert emergency < urgent
    assert "Face-to-face examination within 48 hours; refer according to the findings." in box
    assert "How soon within 48 hours" in box
    assert "within two weeks" not in box


@pytest.mark.hazard("H2")
def test_unscreened_note_says_so_and_never_routine() -> None:
    data = note_pdf(Record(), draft=True)
    texts = [flat(t) for t in pages_text(data)]
    rules = load()
    first = texts[0]
    assert rules.unscreened.title in first
    assert first.index(rules.unscreened.title) < first.index("Findings")
    assert f"Disposition: {rules.unscreened.title}" in " ".join(texts)
    assert "ROUTINE" not in " ".join(texts)


@pytest.mark.hazard("H12")
def test_negative_note_is_routine_without_a_red_flag_box(negative_pdf: bytes) -> None:
    text = flat(" ".join(pages_text(negative_pdf)))
    assert "RED FLAG" not in text.replace("Red-flag", "")
    assert "Disposition: ROUTINE - care in general practice" in text
    assert "NOT YET FULLY SCREENED" not in text


def _expected_screen(record: Record) -> dict[str, str]:
    """Every red-flag item's title and the answer the note must print for it: its answer
    when the question applies; a follow-up that does not apply "not applicable" (still
    "Not asked" while its parent question is unasked); no leg symptoms answers No."""
    rf, risk, legs = record.red_flags, record.risk, record.legs
    hopeful = unasked_as_yes(record)

    def shown(path: str, answer: Answer) -> str:
        if applies(record, path) or answer is Answer.YES:  # a recorded Yes always shows
            return answer.label
        if path in IMPLIED_NO_WITHOUT_LEG_SYMPTOMS and answer is Answer.NO:
            return "No"
        return "Not asked" if applies(hopeful, path) else "not applicable"

    expect = {RedFlags.model_fields[n].title: getattr(rf, n).answer.label
              for n in RedFlags.model_fields if n.startswith("ces_")}
    for n in RedFlags.model_fields:
        if not n.startswith("ces_") and isinstance(getattr(rf, n), Answer):
            expect[RedFlags.model_fields[n].title] = shown(f"red_flags.{n}", getattr(rf, n))
    for n in ("injecting_drug_use", "immunosuppression", "recent_spinal_procedure_or_infection",
              "osteoporosis", "long_term_steroids", "known_aortic_aneurysm", "vascular_disease",
              "anticoagulant"):
        expect[RiskHistory.model_fields[n].title] = getattr(risk, n).label
    for n in ("weakness", "weakness_severe", "claudication"):
        expect[Legs.model_fields[n].title] = shown(f"legs.{n}", getattr(legs, n))
    expect[Medicines.model_fields["pregnant"].title] = shown("medicines.pregnant",
                                                             record.medicines.pregnant)
    trauma = record.triggers.trauma
    expect[Triggers.model_fields["trauma"].title] = (
        "Not asked" if trauma is Trauma.NOT_ASKED else "No" if trauma is Trauma.NONE else "Yes")
    expect[Triggers.model_fields["severe_pain_after_trauma"].title] = shown(
        "triggers.severe_pain_after_trauma", record.triggers.severe_pain_after_trauma)
    return expect


def _screen_answers(data: bytes, titles: list[str]) -> dict[str, str]:
    text = flat(" ".join(pages_text(data)))
    screen = text[text.index("Red-flag screen"):text.index("Rules that fired")]
    found = {}
    for title in titles:
        hit = re.search(re.escape(title) + r" (Yes|No|Not asked|not applicable)\b", screen)
        assert hit, f"no answer printed for {title!r}"
        found[title] = hit.group(1)
    return found


@pytest.mark.hazard("H2")
def test_screen_table_of_a_sparse_draft_reads_not_asked_never_a_guessed_no() -> None:
    r = Record()
    r.patient.family_name = "Jones"
    r.red_flags.fever_or_unwell = Answer.NO
    r.red_flags.ces_bowel.answer = Answer.NO
    r.red_flags.weight_loss = Answer.YES
    r.risk.osteoporosis = Answer.NO
    expected = _expected_screen(r)
    assert len(expected) >= 46
    printed = _screen_answers(note_pdf(r, draft=True), list(expected))
    assert printed == expected
    noes = sorted(t for t, a in printed.items() if a == "No")
    assert noes == sorted([RedFlags.model_fields["fever_or_unwell"].title,
                           RedFlags.model_fields["ces_bowel"].title,
                           RiskHistory.model_fields["osteoporosis"].title])
    assert printed[RedFlags.model_fields["weight_loss"].title] == "Yes"
    # sepsis signs follow a fever: with fever No they do not apply; every other
    # follow-up could still apply once its parent is asked, so it reads Not asked
    assert [t for t, a in printed.items() if a == "not applicable"] == [
        RedFlags.model_fields["sepsis_signs"].title]


@pytest.mark.hazard("H2")
def test_follow_ups_that_do_not_apply_read_not_applicable_never_not_asked() -> None:
    r = negative_record()  # no cancer, no leg symptoms, no fever, male
    text = flat(" ".join(pages_text(note_pdf(r))))
    screen = text[text.index("Red-flag screen"):text.index("Rules that fired")]
    for name in ("mets_progressive_pain", "gait_disturbance", "sepsis_signs",
                 "pregnancy_warning_signs"):
        assert f"{RedFlags.model_fields[name].title} not applicable" in screen
    assert f"{Medicines.model_fields['pregnant'].title} not applicable" in screen
    assert f"{Legs.model_fields['weakness'].title} No" in screen  # no leg symptoms: No
    assert "Not asked" not in screen
    r.red_flags.cancer_history = Answer.NOT_ASKED  # the metastasis features may yet apply
    text = flat(" ".join(pages_text(note_pdf(r, draft=True))))
    screen = text[text.index("Red-flag screen"):text.index("Rules that fired")]
    assert f"{RedFlags.model_fields['mets_progressive_pain'].title} Not asked" in screen


@pytest.mark.hazard("H2")
def test_screen_table_of_a_complete_record(ces_pdf: bytes) -> None:
    r = ces_record()
    expected = _expected_screen(r)
    assert _screen_answers(ces_pdf, list(expected)) == expected
    text = flat(" ".join(pages_text(ces_pdf)))
    assert "of a full bladder Yes started within the last 14 days Loss of bowel" in text


# ---------------------------------------------------------------------------
# Impression, scores and plan


def test_startback_and_ng65_only_when_present(negative_pdf: bytes) -> None:
    text = flat(" ".join(pages_text(negative_pdf)))
    assert "STarT Back" not in text and "NG65)" not in text
    r = negative_record()
    for name in ("leg_pain", "shoulder_neck_pain", "walking", "dressing", "fear", "anxiety",
                 "catastrophising", "low_mood"):
        setattr(r.startback, name, "agree")
    r.startback.bothersome = "extremely"
    r.history.duration_value, r.history.duration_unit = 6, "months"
    r.inflammatory.buttock_pain = Answer.YES
    accept_suggestions(r)
    text = flat(" ".join(pages_text(note_pdf(r, draft=True))))
    assert "Total score 9 of 9" in text
    assert "Distress subscore 5 of 5" in text
    assert "Risk stratum High risk" in text
    assert squeeze(load().wording.startback_form) in squeeze(text)
    assert "Inflammatory back pain (NICE NG65)" in text
    assert "Criteria met 1 of 9" in text  # buttock pain (onset at about 40 is not before 35)
    assert "Met Buttock pain" in text


@pytest.mark.hazard("H7", "H10")
def test_plan_items_with_reason_source_and_signature(ces_pdf: bytes) -> None:
    text = squeeze(" ".join(pages_text(ces_pdf)))
    for item in ces_record().plan.items:
        assert squeeze(item.text) in text
        assert squeeze(f"Why: {item.reason}") in text
        assert squeeze(item.source) in text
    for expected in ("Safety-netting Given (how not recorded); written CES information given (printed)",
                     "Review Contact the practice if not improving in 4 weeks.",
                     "Recorded by", "GMC 7654321", "09:40 (24-hour)"):
        assert squeeze(expected) in text


# ---------------------------------------------------------------------------
# User text: escaping, Unicode, long text


@pytest.mark.hazard("H6")
def test_markup_in_user_text_prints_literally() -> None:
    r = negative_record()
    r.patient.family_name = "<b>Bold</b> & Co"
    r.patient.given_name = '<img src="/etc/passwd"/>'
    r.practice.name = "J&C <i>Practice</i>"
    r.history.notes = "Line one & <b>not bold</b>\nLine two <font size=40>big</font>"
    r.plan.items = [*r.plan.items, PlanItem(text='<img src="/etc/passwd"> & <b>x</b>',
                                            reason="R&D <br/>")]
    plan.confirm(r)
    data = note_pdf(r)
    text = flat(" ".join(pages_text(data)))
    assert '<B>BOLD</B> & CO, <img src="/etc/passwd"/>' in text
    assert "J&C <i>Practice</i>" in text
    assert "Line one & <b>not bold</b> Line two <font size=40>big</font>" in text
    assert '<img src="/etc/passwd"> & <b>x</b>' in text
    assert "Why: R&D <br/>" in text
    assert "&amp;" not in text and "J&C;" not in text
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert not any(page.images for page in pdf.pages)
        sizes = {round(c["size"]) for page in pdf.pages for c in page.chars if c["upright"]}
        assert max(sizes) < 20


@pytest.mark.hazard("H6")
@pytest.mark.parametrize(("given", "family"), [
    ("Łukasz", "Żółć"), ("Zoë", "Ægir"), ("Σοφία", "Παπαδοπούλου"), ("Жанна", "Иванова"),
])
def test_unicode_names_print_as_real_glyphs(given: str, family: str) -> None:
    r = negative_record()
    r.patient.given_name, r.patient.family_name = given, family
    r.history.notes = f"Seen with {given} {family}."
    data = note_pdf(r)
    for text in pages_text(data):
        assert f"{family.upper()}, {given}" in text
    assert f"Seen with {given} {family}." in flat(" ".join(pages_text(data)))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        fonts = {c["fontname"].split("+")[-1] for c in pdf.pages[0].chars if c["text"] in given}
    assert fonts and all(f.startswith("DejaVuSans") for f in fonts)


def _assert_inside(data: bytes) -> int:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for c in page.chars:
                assert c["x0"] >= 0 and c["x1"] <= page.width, c
                assert c["top"] >= 0 and c["bottom"] <= page.height, c
        return len(pdf.pages)


@pytest.mark.hazard("H6")
def test_long_free_text_flows_over_pages_and_stays_on_the_page() -> None:
    r = negative_record()
    r.history.notes = LONG_WORDS
    r.practice.address = "Unit 1\n" + "Long address line " * 50
    r.plan.items = [*r.plan.items, PlanItem(text="x" * 20_000, reason="y" * 5_000)]
    r.consultation.others_present = "z" * 3_000
    plan.confirm(r)
    data = note_pdf(r)
    pages = _assert_inside(data)
    assert pages >= 8
    text = squeeze(" ".join(pages_text(data)))
    assert text.count("abcdefghij") == 1818
    assert text.count("x") >= 20_000
    assert text.count("z") >= 3_000
    assert squeeze("Unit 1 Long address line Long address line") in text
    assert "\u2026" in text  # the letterhead shortens an over-long address, visibly


@pytest.mark.hazard("H1")
def test_red_flag_action_stays_on_page_1_whatever_the_address_and_free_text() -> None:
    r = negative_record()
    r.practice.address = "\n".join(f"Address line {i}" for i in range(200))
    r.triggers.trauma = Trauma.MAJOR
    r.triggers.trauma_details = "Fell from a ladder. " * 400
    accept_suggestions(r)
    page1 = flat(pages_text(note_pdf(r))[0])
    assert "RED FLAG" in page1
    assert "Send to the emergency department." in page1
    assert "Address line 150" not in page1


@pytest.mark.hazard("H1")
def test_a_positive_answer_that_fires_no_urgent_row_is_still_named_on_page_1() -> None:
    r = negative_record()
    r.red_flags.gait_disturbance = Answer.YES
    r.red_flags.night_pain_constant = Answer.YES
    accept_suggestions(r)
    page1 = flat(pages_text(note_pdf(r))[0])
    start = page1.index("RED FLAG")
    box = page1[start:page1.index("Decision", start)]
    assert "Neurological gait disturbance" in box
    assert "Constant night pain" in box


@pytest.mark.hazard("H2")
def test_unscreened_single_weak_flag_row_never_reads_routine() -> None:
    r = Record()
    r.red_flags.night_pain_constant = Answer.YES
    text = flat(" ".join(pages_text(note_pdf(r, draft=True))))
    assert "ROUTINE" not in text.upper().replace("ROUTINE PHYSIOTHERAPY", "")
    assert "RED FLAGS NOT YET FULLY SCREENED" in text


def _rules_fired_row(data: bytes, suspected: str) -> tuple[set[tuple], set[tuple], str]:
    """The row of the appendix table 'Rules that fired' that starts with `suspected`:
    (the fills of the rectangles under it, the colours of its 'How soon' words, those
    words), read back with pdfplumber."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            heading = page.search("Rules that fired")
            if not heading:
                continue
            hit = next(h for h in page.search(suspected) if h["top"] > heading[0]["top"])
            column = page.search("How soon")
            column = next(c for c in column if c["top"] > heading[0]["top"])
            fills = {tuple(round(v, 3) for v in r["non_stroking_color"]) for r in page.rects
                     if r.get("fill") and r.get("non_stroking_color")
                     and r["top"] <= hit["top"] and hit["bottom"] <= r["bottom"]}
            # the 'How soon' cell: the characters in that column on the row's first line
            cell = [c for c in page.chars if abs(c["top"] - hit["top"]) < 1
                    and column["x0"] - 1 <= c["x0"] < column["x0"] + 100]
            colours = {tuple(round(v, 3) for v in c["non_stroking_color"]) for c in cell}
            return fills, colours, "".join(c["text"] for c in cell)
    raise AssertionError("no table 'Rules that fired'")


def _is(colour: tuple, level_colour: object) -> bool:
    return colour == pytest.approx(level_colour.rgb(), abs=0.01)  # type: ignore[attr-defined]


@pytest.mark.hazard("H22")
def test_a_routine_row_under_an_emergency_has_no_green_in_the_rules_table() -> None:
    """CSO review 2026-12-07c, A1: the single weak flag's row under the cauda equina
    EMERGENCY is drawn without a level fill and headed 'Also:', with its own deadline."""
    r = load_example("cauda-equina")
    r.red_flags.night_pain_constant = Answer.YES
    data = note_pdf(r, draft=True)
    green = LEVEL_COLOURS["routine"]
    fills, colours, words = _rules_fired_row(data, "Single weak flag")
    assert not any(_is(f, green[1]) or _is(f, green[0]) for f in fills)
    assert not any(_is(c, green[0]) for c in colours)
    assert words.startswith(load().wording.below_disposition + " ROUTINE")
    ces_fills, _, _ = _rules_fired_row(data, "Cauda equina syndrome")  # the CES row stays red
    assert any(_is(f, LEVEL_COLOURS["emergency"][1]) for f in ces_fills)
    text = flat(" ".join(pages_text(data)))
    assert "Also: ROUTINE - within 2-4 weeks" in text  # its own band and deadline, printed
    assert load().rows["weak-single"].action in text


@pytest.mark.hazard("H22")
def test_a_routine_row_under_outside_this_pathway_has_no_green_in_the_rules_table() -> None:
    """CSO re-check of 07c, N1: thoracic pain (OUTSIDE THIS PATHWAY) with a single weak
    flag printed that row green-filled; now unfilled and 'Also:'."""
    r = load_example("mechanical")
    r.red_flags.night_pain_constant = Answer.YES
    r.history.thoracic_pain = Answer.YES
    green = LEVEL_COLOURS["routine"]
    fills, colours, words = _rules_fired_row(note_pdf(r, draft=True), "Single weak flag")
    assert not any(_is(f, green[1]) or _is(f, green[0]) for f in fills)
    assert not any(_is(c, green[0]) for c in colours)
    assert words.startswith(load().wording.below_disposition)


@pytest.mark.hazard("H22")
def test_a_routine_row_under_a_routine_disposition_keeps_its_green_fill() -> None:
    """The control of A1: the mechanical example with the same weak flag is routine."""
    r = load_example("mechanical")
    r.red_flags.night_pain_constant = Answer.YES
    fills, colours, words = _rules_fired_row(note_pdf(r, draft=True), "Single weak flag")
    assert any(_is(f, LEVEL_COLOURS["routine"][1]) for f in fills)
    assert any(_is(c, LEVEL_COLOURS["routine"][0]) for c in colours)
    assert words.startswith("ROUTINE")


@pytest.mark.hazard("H2")
def test_a_routine_row_while_red_flags_are_unscreened_is_never_green_in_the_rules_table() -> None:
    """Its words say 'Red flags not fully screened'; its fill is the panel's for it (the
    unscreened amber, wording.row_level), never the routine green it had (noticed while
    building A1: the panel drew it amber, the note green)."""
    r = load_example("mechanical")
    r.red_flags.night_pain_constant = Answer.YES
    r.red_flags.fever_or_unwell = Answer.NOT_ASKED  # a strong question left unasked
    fills, colours, words = _rules_fired_row(note_pdf(r, draft=True), "Single weak flag")
    green = LEVEL_COLOURS["routine"]
    assert words.startswith("Red flags not")  # the first line of "... fully screened"
    assert not any(_is(f, green[1]) or _is(f, green[0]) for f in fills)
    assert not any(_is(c, green[0]) for c in colours)
    assert any(_is(f, LEVEL_COLOURS["unscreened"][1]) for f in fills)


@pytest.mark.hazard("H6")
def test_table_cell_with_long_details_splits_over_pages() -> None:
    r = negative_record()
    r.red_flags.cancer_history = Answer.YES
    r.red_flags.cancer_type = "c" * 200
    r.triggers.trauma = Trauma.MINOR
    r.triggers.trauma_details = "fell " * 4000
    r.triggers.severe_pain_after_trauma = Answer.YES
    data = note_pdf(r, draft=True)
    _assert_inside(data)
    pages = pages_text(data)
    assert squeeze(" ".join(pages)).count("fell") >= 3 * 4000  # box, history, table
    # Where a row split by a page break goes on, the page says so, under the table's
    # repeated header when it has one.
    continued = [n for n, text in enumerate(pages, start=1) if "(continued)" in text]
    assert len(continued) >= 5 and 1 not in continued
    assert any("Item\nAnswer\nDetails\n(continued)\nfell fell" in pages[n - 1] for n in continued)


# ---------------------------------------------------------------------------
# Document properties


@pytest.mark.hazard("H11")
def test_metadata_has_no_patient_identifier(negative_pdf: bytes) -> None:
    meta = pypdf.PdfReader(io.BytesIO(negative_pdf)).metadata
    assert meta is not None and meta.title == "Consultation note"
    values = " ".join(str(v) for v in meta.values())
    for secret in ("Taylor", "TAYLOR", "Sam", "9434765919", "943 476 5919", "1985"):
        assert secret not in values


@pytest.mark.hazard("H13")
def test_same_record_gives_the_same_bytes(negative_pdf: bytes) -> None:
    assert note_pdf(negative_record()) == negative_pdf


@pytest.mark.hazard("H2", "H3", "H9", "H13")
def test_incomplete_record_is_refused_unless_draft() -> None:
    r = Record()
    with pytest.raises(IncompleteRecord) as caught:
        note_pdf(r)
    assert caught.value.problems and all(isinstance(p, Problem) for p in caught.value.problems)
    assert "patient.nhs_number" in {p.field for p in caught.value.problems}
    with pytest.raises(IncompleteRecord):
        note_text(r)
    texts = pages_text(note_pdf(r, draft=True))
    assert len(texts) >= 2
    assert all(DRAFT in t for t in texts)


@pytest.mark.hazard("H13")
def test_draft_is_marked_on_every_page_of_a_long_note() -> None:
    texts = pages_text(note_pdf(long_record(), draft=True))
    assert len(texts) >= 3 and all(t.count(DRAFT) >= 2 for t in texts)  # header + watermark


@pytest.mark.hazard("H11")
def test_write_note_pdf_is_atomic_and_owner_only(tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "note.pdf"
    write_note_pdf(negative_record(), target)
    assert target.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["note.pdf"]


@pytest.mark.hazard("H6")
@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_render(name: str) -> None:
    data = note_pdf(load_example(name))
    _assert_inside(data)
    assert all("Page " in t for t in pages_text(data))


EXAMPLE_PAGE_1 = {
    "mechanical": ("Disposition: ROUTINE - care in general practice", None),
    "sciatica": ("Disposition: SOON - within weeks", None),  # a referral row, not a red flag
    "cauda-equina": ("EMERGENCY - act now: Cauda equina syndrome",
                     "Send to the emergency department now for an MRI scan."),
    "inflammatory": ("Disposition: SOON - within weeks", None),
    "fracture": ("URGENT - within 1 week: Osteoporotic (or pathological) vertebral fracture",
                 "X-ray, pain relief, bone health review"),
    "infection": ("EMERGENCY - the same day: Spinal infection",
                  "Same-day hospital assessment."),
}


@pytest.mark.hazard("H1")
@pytest.mark.parametrize("name", sorted(EXAMPLE_PAGE_1))
def test_each_example_note_says_its_disposition_and_action(name: str) -> None:
    record = load_example(name)
    pages = [flat(t) for t in pages_text(note_pdf(record))]
    everything = " ".join(pages)
    banner = f"{record.patient.family_name.upper()}, {record.patient.given_name}"
    assert all(banner in page for page in pages)
    words, action = EXAMPLE_PAGE_1[name]
    if action is None:  # no red flag: no box, and the impression gives the band
        assert "RED FLAG" not in pages[0]
        assert words in everything
    else:
        assert pages[0].index("RED FLAG") < pages[0].index("Findings")
        assert words in pages[0] and action in pages[0]
    assert "RED FLAGS NOT YET FULLY SCREENED" not in everything
    for item in record.plan.items:
        assert flat(item.text)[:60] in everything


@pytest.mark.hazard("H6")
def test_every_character_is_set_in_dejavu(ces_pdf: bytes) -> None:
    with pdfplumber.open(io.BytesIO(ces_pdf)) as pdf:
        fonts = {c["fontname"].split("+")[-1] for page in pdf.pages for c in page.chars}
    assert fonts <= {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique",
                     "DejaVuSans-BoldOblique"}


# ---------------------------------------------------------------------------
# Record format 2 and rule set 2026.12.1: headline deadlines, not from the spine,
# interpreter, video observation, every new question, earlier-format answers


def mets_and_fracture_record() -> Record:
    """Two urgent rows with different deadlines: spinal metastases (24 hours) and an
    osteoporotic fracture after lifting (1 week)."""
    r = negative_record()
    rf = r.red_flags
    rf.cancer_history, rf.cancer_type, rf.cancer_year = Answer.YES, "Prostate", 2021
    rf.gait_disturbance = Answer.NO
    for name in ("mets_severe_unremitting_pain", "mets_worse_on_straining",
                 "mets_local_tenderness", "mets_night_pain_prevents_sleep"):
        setattr(rf, name, Answer.NO)
    rf.mets_progressive_pain = Answer.YES
    r.risk.osteoporosis = Answer.YES
    return accept_suggestions(r)


def page_one_box(data: bytes) -> str:
    page1 = flat(pages_text(data)[0])
    start = page1.index("RED FLAG")
    return page1[start:page1.index("Decision", start)]


@pytest.mark.hazard("H22")
def test_headline_carries_the_most_urgent_rows_deadline_on_page_one_and_in_the_text() -> None:
    r = mets_and_fracture_record()
    data = note_pdf(r)
    box = page_one_box(data)
    assert "Disposition: URGENT - within 24 hours." in box
    everything = flat(" ".join(pages_text(data)))
    assert "Disposition: URGENT - within 24 hours" in everything
    assert "within two weeks" not in everything  # the band's general range, never shown
    text = note_text(r)
    assert "\nDisposition: URGENT - within 24 hours\n" in text  # the decision's line
    assert "most urgent first. Disposition: URGENT - within 24 hours." in text  # the box
    assert "within two weeks" not in text


@pytest.mark.hazard("H22")
def test_each_row_box_shows_its_own_deadline() -> None:
    r = mets_and_fracture_record()
    box = page_one_box(note_pdf(r))
    mets = box.index("URGENT - within 24 hours: Spinal metastases")
    fracture = box.index("URGENT - within 1 week: Osteoporotic (or pathological) vertebral "
                         "fracture")
    assert mets < fracture
    assert "How soon within 24 hours" in box[mets:fracture]
    assert "How soon within 1 week" in box[fracture:]
    text = note_text(r)
    assert "- URGENT - within 24 hours: Spinal metastases\n" in text
    assert "- URGENT - within 1 week: Osteoporotic" in text
    impression = text[text.index("\nRules that fired\n"):text.index("\nPlan: each item")]
    assert "Spinal metastases | URGENT - within 24 hours | Contact the MSCC" in impression
    assert "fracture | URGENT - within 1 week | X-ray" in impression


@pytest.mark.hazard("H2", "H22")
def test_unscreened_headline_keeps_the_row_deadline_and_the_warning() -> None:
    r = Record()
    r.red_flags.cancer_history = Answer.YES
    r.red_flags.mets_progressive_pain = Answer.YES
    text = flat(" ".join(pages_text(note_pdf(r, draft=True))))
    assert ("Disposition: URGENT - within 24 hours. RED FLAGS NOT YET FULLY SCREENED"
            in text)
    assert "ROUTINE" not in text


@pytest.mark.hazard("H21")
def test_pain_that_may_not_come_from_the_spine_is_presented_so() -> None:
    r = negative_record()
    r.risk.known_aortic_aneurysm = Answer.YES
    accept_suggestions(r)
    data = note_pdf(r)
    everything = flat(" ".join(pages_text(data)))
    assert ("Presentation Back pain that may not come from the spine (see the fired rows)"
            in everything)
    assert "Lower back pain, acute" not in everything
    assert "Disposition: EMERGENCY - act now." in page_one_box(data)
    assert "Presentation: Back pain that may not come from the spine" in note_text(r)
    plain = negative_record()  # a spinal presentation still says what it is
    assert "Presentation: Low back pain, acute (under 6 weeks)" in note_text(plain)


@pytest.mark.hazard("H24")
def test_a_family_interpreter_is_named_beside_the_cauda_equina_questions() -> None:
    r = ces_record()
    r.consultation.interpreter = Interpreter.FAMILY_OR_FRIEND
    data = note_pdf(r)
    everything = flat(" ".join(pages_text(data)))
    assert ("interpreter: Family member or friend (intimate questions may be under-reported)"
            in everything)
    negatives = everything[everything.index("Pertinent negatives"):]
    assert ("Cauda equina screen 6 asked, denied; 1 positive (under positive findings)"
            in negatives)  # beside the cauda equina screen on page 1 too:
    assert "under-reported" in negatives[:negatives.index("Cancer")]
    screen = everything[everything.index("Red-flag screen"):]
    line = screen.index("Interpreted by a family member or friend: intimate questions may "
                        "be under-reported")
    assert screen.index("Cauda equina syndrome") < line < screen.index("Bladder change")
    box = page_one_box(data)  # a cauda equina row fired: the box says it too
    assert "Interpreted by a family member or friend" in box
    text = note_text(r)
    assert ("[Cauda equina syndrome]\n  (Interpreted by a family member or friend: intimate "
            "questions may be under-reported)\n  Bladder change") in text
    r.consultation.interpreter = Interpreter.PROFESSIONAL
    text = note_text(r)
    assert "interpreter: Professional" in text
    assert "nterpreted by a family member" not in text


@pytest.mark.hazard("H18")
def test_video_prints_what_was_observed_never_examined() -> None:
    r = negative_record()
    r.consultation.mode = Mode.VIDEO
    o = r.observation
    o.walks_normally, o.heel_walk, o.rises_without_arms = Answer.YES, Answer.NO, Answer.YES
    o.bends_forward = "Fingertips to mid-shin"
    data = note_pdf(r)
    text = flat(" ".join(pages_text(data)))
    consultation = text[text.index("Findings"):text.index("Presenting")]
    assert "Observed on video (what the patient was seen to do; not an examination):" \
        in consultation
    for expected in ("Walks normally Yes", "Walks on heels No", "Walks on toes Not done",
                     "Rises from a chair without using the arms Yes",
                     "Bends forward: how far Fingertips to mid-shin"):
        assert expected in consultation
    assert "examined" not in text.lower()
    assert "Walks on heels: No" in note_text(r)
    r.observation = type(r.observation)()  # nothing observed: the note says so
    assert "Video consultation: no examination was performed." in note_text(r)
    r.consultation.mode = Mode.TELEPHONE
    text = note_text(r)
    assert "Telephone consultation: no examination was possible." in text
    assert "observed on video" not in text.lower()


def test_worse_in_the_last_14_days_only_for_an_item_older_than_14_days() -> None:
    r = negative_record()
    old = r.red_flags.ces_bowel
    old.answer, old.onset, old.worse_last_14_days = (
        Answer.YES, Onset.MORE_THAN_14_DAYS, YesNoUnsure.NO)
    new = r.red_flags.ces_bladder  # a stale "worse" the form would have hidden
    new.answer, new.onset, new.worse_last_14_days = (
        Answer.YES, Onset.WITHIN_14_DAYS, YesNoUnsure.YES)
    text = note_text(r, draft=True)
    assert ("Loss of bowel control or rectal sensation: Yes (started more than 14 days ago; "
            "not worse in the last 14 days)") in text
    assert "of a full bladder: Yes (started within the last 14 days)\n" in text


def every_new_question_record() -> Record:
    """Every question that format 2 added, answered (a draft: the rows it fires do not matter)."""
    r = negative_record()
    r.patient.sex = Sex.FEMALE
    r.consultation.mode = Mode.VIDEO
    r.consultation.interpreter = Interpreter.PROFESSIONAL
    h = r.history
    h.site, h.episode = PainSite.LOWER_BACK_SPREADING, Episode.RECURRENT
    h.previous_episodes, h.spinal_surgery = "Two a year since 2019", Answer.YES
    h.character, h.stiffness_after_rest = Character.SHARP, Answer.YES
    h.morning_stiffness_minutes = 10
    h.muscle_spasm, h.reduced_movement = Answer.YES, Answer.YES
    h.course, h.nsaid_tried = Course.WORSE, NsaidTried.NOT_EFFECTIVE
    h.treatment_tried = "Heat packs, little help"
    r.impact.job_demands = JobDemands.DRIVING
    r.impact.main_concern = "Fears losing the delivery job; hopes to drive again soon"
    legs = r.legs
    legs.symptoms = legs.pain = legs.weakness = legs.claudication = Answer.YES
    legs.pain_side, legs.pain_extent = Side.RIGHT, LegExtent.BELOW_KNEE
    legs.pain_intolerable = Answer.YES
    legs.weakness_side, legs.weakness_onset = Side.RIGHT, WeaknessOnset.LONGER
    legs.weakness_trajectory, legs.weakness_severe = Trajectory.SAME, Answer.NO
    legs.claudication_duration = Duration3Months.OVER_3_MONTHS
    rf = r.red_flags
    rf.fever_or_unwell = rf.sepsis_signs = Answer.YES
    rf.pregnancy_warning_signs = Answer.YES
    r.risk.anticoagulant = Answer.YES
    m = r.medicines
    m.pregnant, m.breastfeeding, m.nsaid_sensitive_asthma = Answer.YES, Answer.NO, Answer.YES
    for name in ("antiplatelet", "oral_corticosteroid", "ssri_snri", "ace_arb_with_diuretic",
                 "lithium", "methotrexate"):
        setattr(m, name, Answer.YES)
    r.observation.toe_walk = Answer.NO
    r.plan.ces_info_how = [InfoMethod.PRINTED, InfoMethod.SMS]
    r.plan.review_date = dt.date(2026, 12, 18)
    r.upgrade_notes = [UpgradeNote(field="medicines.breastfeeding", still=["not_asked"],
                                   text="Pregnant or breastfeeding: Yes (asked as one question "
                                        "before December 2026).")]
    return r


NEW_QUESTION_WORDS = (
    "interpreter: Professional",
    "Presenting: Three-week history of gradual-onset lower back pain spreading into the "
    "buttocks or upper legs after lifting (recurrent), intermittent, sharp, worse with "
    "movement and sitting; with leg symptoms. Previous episodes: Two a year since 2019. "
    "Previous spinal surgery. Muscle spasm or tightness; reduced range of movement (as the "
    "patient reports it).",
    "Course: Getting worse since it started. An NSAID tried for this episode was not "
    "effective. Other treatment tried: Heat packs, little help.",
    "Pain in the right leg, reaching below the knee; severe or intolerable (GP's judgement).",
    "Weakness in the right leg, present for more than 3 months, not changing; no foot drop",
    "Pain in both legs on walking or standing, eased by sitting or bending forward, for "
    "more than 3 months.",
    "Working normally (job: driving)",
    "Main concern and what they hope for: Fears losing the delivery job; hopes to drive "
    "again soon.",
    "Relevant history: takes an anticoagulant.",
    "NSAID cautions: asthma made worse by NSAIDs.",
    "Medicines that raise NSAID risk: takes an anticoagulant (see the risk history); takes "
    "an antiplatelet (aspirin, clopidogrel); takes an oral corticosteroid; takes an SSRI or "
    "SNRI; takes an ACE inhibitor or angiotensin receptor blocker with a diuretic; takes "
    "lithium; takes methotrexate.",
    "Pregnancy: Pregnant, or gave birth in the last 6 weeks. Warning signs: severe or "
    "rhythmic pain, vaginal bleeding, fever or reduced fetal movements.",
    "Breastfeeding: Not breastfeeding.",
    "Inflammatory: Stiffness after rest lasting about 10 minutes. No morning stiffness.",
    "Signs of sepsis: new confusion, breathlessness, mottled or ashen skin, no urine for 18 "
    "hours: Yes",
    "Takes an anticoagulant: Yes",
    "Pain in both legs on walking or standing, eased by sitting or bending forward: Yes "
    "(more than 3 months)",
    "Leg weakness: Yes (the right leg; present for more than 3 months; not changing)",
    "Pregnant, or gave birth in the last 6 weeks: Yes",
    "In pregnancy: severe or rhythmic pain, vaginal bleeding, fever or reduced fetal "
    "movements: Yes",
    "Walks on toes: No",
    "written CES information given (printed, SMS)",
    "Review: Booked for 18-Dec-2026",
    "Recorded in an earlier format",
    "Pregnant or breastfeeding: Yes (asked as one question before December 2026). Now "
    "recorded: Breastfeeding: No.",
)


def test_every_new_question_is_printed_in_the_text_and_the_pdf() -> None:
    r = every_new_question_record()
    text = note_text(r, draft=True)
    def bare(words: str) -> str:
        # the PDF sets "label: value" and "question: answer (details)" in columns,
        # without the colon and the brackets
        return re.sub(r"[:()]", "", squeeze(words))

    pdf = bare(" ".join(pages_text(note_pdf(r, draft=True))))
    for words in NEW_QUESTION_WORDS:
        assert words in text, words
        assert bare(words) in pdf, words
    findings = text[text.index("\nFindings\n"):]  # the history follows the negatives
    history = findings[findings.index("Presenting"):findings.index("\nRecorded in")]
    labels = [line.split(":")[0] for line in history.splitlines() if ":" in line]
    labels = labels[labels.index("Presenting"):]
    assert labels[:6] == ["Presenting", "Course", "Leg symptoms", "Impact", "Risk history",
                          "Medicines"]
    assert labels.index("Pregnancy") + 1 == labels.index("Breastfeeding")
    assert text.index("\nRecorded in an earlier format\n") < text.index("\nRed-flag screen")


def format1_with_notes(tmp_path) -> Path:  # type: ignore[no-untyped-def]
    """A landed format-1 example with the answers format 2 cannot carry over as they were."""
    data = json.loads((FORMAT1 / "sciatica.json").read_text(encoding="utf-8"))
    data["medicines"]["pregnant_or_breastfeeding"] = "yes"
    data["medicines"]["asthma"] = "yes"
    data["legs"].update(weakness="yes", weakness_side="right",
                        weakness_onset="more_than_14_days", weakness_trajectory="same",
                        weakness_severe="no")
    path = tmp_path / "format1-sciatica.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.hazard("H23")
def test_a_format_1_file_prints_what_its_upgrade_notes_say(tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = recordfile.load(format1_with_notes(tmp_path))
    assert len(r.upgrade_notes) == 3
    text = flat(" ".join(pages_text(note_pdf(r, draft=True))))
    section = text[text.index("Recorded in an earlier format"):text.index("Recorded by")]
    for note in r.upgrade_notes:
        assert flat(note.text) in section
    assert section.count("Still to ask again.") == 3
    assert "Not asked" in text  # the split questions stay not asked: nothing invented


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_landed_format_1_example_renders(name: str) -> None:
    r = recordfile.load(FORMAT1 / f"{name}.json")
    assert not r.upgrade_notes
    text = flat(" ".join(pages_text(note_pdf(r, draft=True))))
    assert "Recorded in an earlier format" not in text
    assert "Disposition: " in text


@pytest.mark.hazard("H22", "H25")
def test_page_one_carries_the_disposition_and_every_action_whatever_fired() -> None:
    """Clinical reference 5b: a referral or NG65 row, and a routine disposition, are on
    page 1 too, not only in the Impression."""
    page = flat(pages_text(note_pdf(load_example("sciatica")))[0])
    box = page[page.index("ACTION NEEDED"):page.index("Decision", page.index("ACTION"))]
    assert "Disposition: SOON - within weeks." in box
    assert "SOON - within weeks: Severe sciatica not settling" in box
    assert "Refer to the MSK interface or spinal service for an opinion." in box
    assert "RED FLAG" not in page
    page = flat(pages_text(note_pdf(load_example("mechanical")))[0])
    assert page.index("Disposition: ROUTINE - care in general practice") < page.index("Findings")
    assert "ACTION NEEDED" not in page and "RED FLAG" not in page
    text = note_text(load_example("sciatica"))
    assert text.index("*** ACTION NEEDED ***") < text.index("\nDecision\n")


def test_a_recorded_yes_is_printed_even_where_its_question_would_be_hidden() -> None:
    r = negative_record()  # no cancer history, no leg symptoms
    r.red_flags.mets_night_pain_prevents_sleep = Answer.YES  # a stale answer
    r.legs.numbness, r.legs.numbness_where = Answer.YES, "Left heel"
    text = note_text(r, draft=True)
    assert "Night pain that prevents sleep: Yes" in text
    assert "Numbness or pins and needles (Left heel)." in text
