"""The short record entry for the clinical system (issue 15 part 4): read as a GP pasting it."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from consult import codes
from consult.note import Finalisation, prepare
from consult.note.entry import WIDTH, entry_lines, render_entry
from consult.record.answers import Answer, Mode
from consult.record.model import Record
from tests.support import EXAMPLES, load_example, negative_record

BAD = re.compile(r"[\t\x00-\x1f\u2500-\u259f]")
# the free text a GP types: the entry prints it whole, so it is what may run long
FREE_TEXT = (("history", "notes"), ("history", "treatment_tried"), ("history", "previous_episodes"),
             ("impact", "activities"), ("impact", "walking"), ("impact", "main_concern"),
             ("legs", "numbness_where"), ("triggers", "trauma_details"),
             ("medicines", "current_pain_medicines"), ("practice", "ces_route"),
             ("practice", "mscc_contact"), ("practice", "msk_interface"),
             ("practice", "physio_self_referral"), ("plan", "follow_up"),
             ("plan", "fit_note_details"))


def without_free_text(record: Record) -> Record:
    r = record.model_copy(deep=True)
    for section, name in FREE_TEXT:
        owner = getattr(r, section)
        if name in type(owner).model_fields and isinstance(getattr(owner, name), str):
            setattr(owner, name, "")
    return r


def check_plain(lines: list[str]) -> None:
    for line in lines:
        assert len(line) <= WIDTH, line
        assert not BAD.search(line), line
        assert line == line.rstrip()
    assert not any(set(line) <= set("=-*_ ") and line for line in lines)  # no ruled lines


# Each example's entry: (lines, lines without the GP's free text). Issue 15 part 4 asks
# about 20 for an uncomplicated case, at most 30 without free-text overflow; the figures
# before the tightening of 2026-12-07 were mechanical 28 (25), sciatica 35 (30),
# cauda-equina 29, inflammatory 26, fracture 28, infection 22.
LINES = {"mechanical": (25, 21), "sciatica": (31, 25), "cauda-equina": (27, 22),
         "inflammatory": (24, 19), "fracture": (26, 20), "infection": (20, 16)}


@pytest.mark.hazard("H13", "H32")
@pytest.mark.parametrize("name", EXAMPLES)
def test_each_example_entry_is_short_plain_and_carries_the_decision(name: str) -> None:
    record = load_example(name)
    note = prepare(record)
    lines = entry_lines(note)
    check_plain(lines)
    most, most_without_free_text = LINES[name]
    assert len(lines) <= most
    bare = entry_lines(prepare(without_free_text(record)))
    check_plain(bare)
    assert len(bare) <= min(most_without_free_text, 30)
    text = " ".join(line.strip() for line in lines)
    s = note.summary
    assert text.startswith(s.consultation)
    for label, value in (("Problem", s.diagnosis), ("Disposition", s.disposition),
                         ("Safety-netting", s.safety_netting), ("Review", s.review)):
        assert f"{label}: {value}" in text
    assert "Plan: 1. " in text and "Pertinent negatives: " in text
    assert "Positive findings: " in text and "PDF note: not yet finalised" in text
    assert "Not asked" not in text and "not applicable" not in text  # complete examples
    for finding in s.positives:  # a positive red flag is never left out
        assert finding in text


def test_the_uncomplicated_example_entry_stays_short() -> None:
    """Issue 15 asks about 20 lines; the mechanical example gives 25 (21 without the GP's
    free text): the plan of 8 items takes 7 lines (the short forms keep every clinical
    clause: CSO review 2026-12-07 finding 11), the history 7, STarT Back with its five
    codes 2."""
    lines = entry_lines(prepare(load_example("mechanical")))
    assert len(lines) <= 25
    assert len(entry_lines(prepare(without_free_text(load_example("mechanical"))))) <= 21
    # the consultation and the remote statement share the first line, the problem and
    # its code the second
    assert lines[0] == ("Telephone consultation, 09-Nov-2026 08:50, Dr Asha Patel: no "
                        "examination was possible.")
    assert lines[1] == ("Problem: Acute mechanical low back pain [Mechanical low back pain, "
                        "SNOMED CT 279040009, unverified]")


@pytest.mark.hazard("H30")
def test_the_problem_carries_its_code_with_its_status_and_startback_its_loinc_codes() -> None:
    text = render_entry(prepare(load_example("mechanical")))
    code = codes.code_for("mechanical_low_back_pain")
    assert code is not None and not code.verified
    flat = " ".join(line.strip() for line in text.splitlines())
    # the code's own concept is named: it differs from the diagnosis's words ("Acute ...")
    assert ("Problem: Acute mechanical low back pain [Mechanical low back pain, SNOMED CT "
            "279040009, unverified]") in flat
    # each LOINC code beside the result it codes; the SNOMED CT one with its status
    assert ("STarT Back, LOINC 91349-1: Low risk [91352-5; SNOMED CT 945621000000107, "
            "unverified], total 2 of 9 [91351-7], distress 1 of 5 [91350-9]") in flat


def test_a_code_whose_concept_is_the_diagnosis_is_named_once_and_startback_fits_one_line():
    import dataclasses

    note = prepare(load_example("sciatica"))
    lines = entry_lines(note)
    assert "Problem: Acute right-sided sciatica [Sciatica, SNOMED CT 23056005, unverified]" \
        in lines
    same = dataclasses.replace(note, summary=dataclasses.replace(note.summary,
                                                                 diagnosis="Sciatica"))
    assert "Problem: Sciatica [SNOMED CT 23056005, unverified]" in entry_lines(same)
    (n,) = [n for n, line in enumerate(lines) if line.startswith("STarT Back")]
    assert lines[n] == ("STarT Back, LOINC 91349-1: Medium risk [91352-5], total 5 of 9 "
                        "[91351-7], distress 2 of 5 [91350-9]")
    assert not lines[n + 1].startswith(" ")  # one line: the next line is the next part


def test_the_remote_statement_shares_the_consultation_line_and_video_says_observed():
    r = negative_record()
    r.consultation.mode = Mode.VIDEO
    first = entry_lines(prepare(r))[0]
    assert first.endswith(": no examination was performed.") and first.startswith("Video")
    r.observation.walks_normally, r.observation.heel_walk = Answer.YES, Answer.NO
    text = " ".join(x.strip() for x in entry_lines(prepare(r)))
    assert ("consultation" in text.split(". Observed on video")[0]
            and "Observed on video (what the patient was seen to do; not an examination): "
            "Walks normally: Yes; Walks on heels: No" in text)
    assert "examined" not in text.lower() and "no examination was" not in text


@pytest.mark.parametrize("name", EXAMPLES)
def test_positive_findings_start_their_own_line_and_no_label_is_split(name: str) -> None:
    lines = entry_lines(prepare(load_example(name)))
    note = prepare(load_example(name))
    starts = [line for line in lines if not line.startswith(" ")]
    if note.summary.positives:
        assert any(line.startswith(f"Positive findings: {note.summary.positives[0][:40]}")
                   for line in starts)
        assert any(line.startswith("Pertinent negatives: ") for line in starts)
    for line in lines:  # a label never ends one line and goes on the next
        for label in ("Fit note", "Safety-netting", "Pertinent negatives", "Positive findings",
                      "PDF note", "STarT Back"):
            first = label.split(" ")[0]
            assert not (len(label.split(" ")) > 1 and line.endswith(f" {first}")), line


@pytest.mark.hazard("H30")
def test_a_concept_left_uncoded_prints_words_only() -> None:
    text = render_entry(prepare(load_example("cauda-equina")))
    assert "Problem: Suspected cauda equina syndrome\n" in text  # no reliable code: none printed
    assert codes.code_for("suspected_cauda_equina_syndrome") is None


@pytest.mark.hazard("H30")
@pytest.mark.parametrize("name", ["fracture", "infection"])
def test_a_red_flag_diagnosis_prints_its_words_without_low_back_pains_code(name) -> None:
    text = render_entry(prepare(load_example(name), draft=True))
    (problem,) = [line for line in text.splitlines() if line.startswith("Problem: ")]
    assert problem.startswith("Problem: Suspected ") and "[" not in problem, problem
    assert "279039007" not in text and "SNOMED CT" not in problem


@pytest.mark.hazard("H13")
def test_a_finalised_entry_names_the_note_and_version_so_the_pdf_can_be_found() -> None:
    f = Finalisation(
        note_id="3f2a91c0-1b2c-4d5e-8f90-123456789abc", version=1, author="Dr Asha Patel",
        finalised_at=dt.datetime(2026, 11, 9, 9, 10, tzinfo=dt.UTC))
    lines = entry_lines(prepare(load_example("mechanical"), finalisation=f))
    assert lines[-1] == ("PDF note: Note 3F2A91C0, version 1, finalised 09-Nov-2026 09:10 by "
                         "Dr Asha Patel")
    check_plain(lines)


@pytest.mark.hazard("H6")
def test_typed_text_that_pastes_badly_is_made_plain_and_nothing_is_lost() -> None:
    r = negative_record()
    r.history.notes = "Line one\tcol\u2502box \u2500\u2500\nLine two " + "x" * 150
    lines = entry_lines(prepare(r))
    check_plain(lines)
    text = "".join(lines)
    assert "Line one col box" in text and "Line two" in text
    assert text.count("x") >= 150


@pytest.mark.hazard("H2", "H32")
def test_a_draft_says_so_first_and_names_what_was_not_asked() -> None:
    r = negative_record()
    r.risk.injecting_drug_use = Answer.NOT_ASKED
    lines = entry_lines(prepare(r, draft=True))
    assert lines[0] == "DRAFT - not finalised"
    text = " ".join(line.strip() for line in lines)
    # new constant severe pain may apply once drug use is asked: not asked, never n/a
    assert ("Infection 3 asked, denied; 2 not asked: injecting drug use; new constant severe "
            "pain") in text


@pytest.mark.hazard("H32")
def test_only_listed_suggestions_the_gp_did_not_edit_are_shortened_and_the_appendix_has_every_item_in_full():
    from consult.note import note_pdf
    from consult.note.words import note_words
    from consult.record.model import PlanItem
    from consult.rules import plan
    from tests.note.test_pdf import flat, pages_text

    r = load_example("mechanical")
    own = PlanItem(text="Reassure: " + "call back if the pain spreads to the leg. " * 3)
    r.plan.items = [*r.plan.items, own]
    r.plan.items[1] = r.plan.items[1].model_copy(update={"edited": True,
                                                          "text": "Keep active: walk daily."})
    plan.confirm(r)
    note = prepare(r)
    short = note_words().plan_short
    for item, line in zip(r.plan.items, note.summary.plan, strict=True):
        if item.suggestion_id in short and not item.edited:
            assert line == short[item.suggestion_id]
        else:  # the GP's own or edited words, or a suggestion with the case's details
            assert line == item.text
    entry = " ".join(x.strip() for x in entry_lines(note))
    assert "Keep active: walk daily." in entry and own.text.strip() in entry
    pages = [flat(t) for t in pages_text(note_pdf(r))]
    appendix = " ".join(p for p in pages if "Appendix" in p or "Why:" in p)
    for item in r.plan.items:
        assert flat(item.text) in appendix  # every item in full, with its reason and source


@pytest.mark.hazard("H32")
@pytest.mark.parametrize("suggestion, clause", [
    ("reassurance", "nerve root pain can take longer"),
    ("medicine-review", "explain the risks"),
    # the work advice by time off (rule set 2026.12.3, CSO review 2026-12-07c A4)
    ("work-advice", "self-certify"),
    ("work-advice-fit-note", "issue one if not already done"),
    ("work-advice-modified", "if the employer needs one"),
])
def test_a_short_form_keeps_the_clinical_clauses_of_the_full_text(suggestion, clause):
    from consult.note.words import note_words
    from consult.rules.ruleset import load

    assert clause in load().suggestions[suggestion].text
    assert clause in note_words().plan_short[suggestion]


@pytest.mark.hazard("H32")
def test_the_entry_leaves_out_of_its_plan_line_only_what_the_safety_netting_line_reports():
    note = prepare(load_example("mechanical"))
    text = " ".join(x.strip() for x in entry_lines(note))
    plan = text[text.index("Plan: "):text.index("Safety-netting: ")]
    assert "Safety-netting advice" not in plan and "cauda equina information" not in plan
    assert "Safety-netting: Given (printed); written CES information given (printed)" in text
    s = note.summary
    kept = [line for line, sid in zip(s.plan, s.plan_ids, strict=True)
            if sid not in ("safety-netting", "ces-card")]
    for line in kept:
        assert line.rstrip(".") in plan


@pytest.mark.hazard("H32")
@pytest.mark.parametrize(("given", "how", "says"), [
    (Answer.YES, ["printed"], "Safety-netting: Given (printed); written CES information given "
                              "(printed)"),
    (Answer.NO, [], "Safety-netting: Given (printed); written CES information not given"),
])
def test_with_the_ces_card_item_in_the_plan_the_safety_netting_line_always_reports_it(
        given, how, says):
    """CSO review 2026-12-07c, A3: the entry's plan line leaves the CES-card item out (H32.C1),
    so its safety-netting line must say whether the information was given, Yes or No."""
    record = load_example("mechanical")
    assert any(i.suggestion_id == "ces-card" for i in record.plan.items)
    record.plan.ces_card_given, record.plan.ces_info_how = given, how
    text = " ".join(x.strip() for x in entry_lines(prepare(record)))
    assert says in text
    assert "cauda equina information" not in text[text.index("Plan: "):text.index(says)]
