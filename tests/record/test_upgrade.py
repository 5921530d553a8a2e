"""Format-1 record files (rule set 2026.11) load and are upgraded to format 2.

An upgrade never invents an answer and never drops one (issue 10, section 1). The
mapping is the one documented in `consult.record.upgrade`, written out again here:

- medicines.pregnant_or_breastfeeding -> medicines.pregnant and medicines.breastfeeding
  (No -> both No; Yes -> both not asked, kept as an upgrade note);
- medicines.asthma -> medicines.nsaid_sensitive_asthma (No -> No; Yes -> not asked, a note);
- medicines.anticoagulant -> risk.anticoagulant (moved, unchanged);
- legs.weakness_onset on the 14-day scale -> the 3-month scale (within 14 days -> within
  3 months; more than 14 days -> unsure, a note; unsure -> unsure);
- every other format-1 value: the same path, the same value; every question format 2
  added: not asked (its default).

The format-1 files are the six examples as they were in git at 9234943
(tests/data/format1/*.json) and files written by the landed app's own model
(tests/data/format1/landed/*.py.txt: consult/record.py and consult/answers.py at
9234943, loaded here under other names), with every screening answer varied.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import shutil
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consult.record import file as recordfile
from consult.record.answers import Answer, WeaknessOnset
from consult.record.model import FORMAT_VERSION, Record
from consult.record.upgrade import UPGRADES
from consult.rules import completeness
from consult.rules.engine import assess

DATA = Path(__file__).resolve().parents[1] / "data" / "format1"
LANDED = DATA / "landed"
ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ("mechanical", "sciatica", "cauda-equina", "inflammatory", "fracture", "infection")
LANDED_COMMIT = "9234943"

# Where a format-1 path went (the documented mapping); every other path stays put.
MOVED = {"medicines.anticoagulant": "risk.anticoagulant"}
SPLIT = {"medicines.pregnant_or_breastfeeding": ("medicines.pregnant", "medicines.breastfeeding"),
         "medicines.asthma": ("medicines.nsaid_sensitive_asthma",)}
ONSET = {"within_14_days": "within_3_months", "more_than_14_days": "unsure", "unsure": "unsure",
         None: None}
NOTE_FIELD = {"medicines.pregnant_or_breastfeeding": "medicines.pregnant",
              "medicines.asthma": "medicines.nsaid_sensitive_asthma",
              "legs.weakness_onset": "legs.weakness_onset"}


# --------------------------------------------------------------------------- helpers


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Leaf values of parsed JSON by dotted path (a list is one leaf)."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}{key}."))
        return out
    return {prefix[:-1]: value}


def as_json(record: Record) -> dict[str, Any]:
    return json.loads(recordfile.dumps(record))


def format1(name: str) -> str:
    return (DATA / f"{name}.json").read_text(encoding="utf-8")


@functools.cache
def defaults() -> dict[str, Any]:
    return flatten(as_json(Record()))


def upgrade_problems(old: dict[str, Any], record: Record) -> list[str]:
    """Every way `record` (loaded from the format-1 `old`) departs from the documented
    mapping: a format-1 value dropped or changed, or a format-2 value invented."""
    new = flatten(as_json(record))
    found: list[str] = []
    targets: set[str] = {"format_version"}
    expected_notes: set[str] = set()
    for path, value in flatten(old).items():
        if path == "format_version":
            if value != 1 or new["format_version"] != 2:
                found.append(f"format_version {value} -> {new['format_version']}")
        elif path in SPLIT:
            to = SPLIT[path]
            targets.update(to)
            want = {"no": "no", "not_asked": "not_asked", "yes": "not_asked"}[value]
            found += [f"{path}={value}: {t}={new[t]}, expected {want}"
                      for t in to if new[t] != want]
            if value == "yes":
                expected_notes.add(NOTE_FIELD[path])
        elif path in MOVED:
            targets.add(MOVED[path])
            if new.get(MOVED[path]) != value:
                found.append(f"{path}={value}: {MOVED[path]}={new.get(MOVED[path])}")
        elif path == "legs.weakness_onset":
            targets.add(path)
            if new[path] != ONSET[value]:
                found.append(f"{path}={value}: {new[path]}, expected {ONSET[value]}")
            if value == "more_than_14_days":
                expected_notes.add(NOTE_FIELD[path])
        else:
            targets.add(path)
            if path not in new:
                found.append(f"{path} dropped (was {value!r})")
            elif new[path] != value:
                found.append(f"{path}: {value!r} -> {new[path]!r}")
    for gone in (*SPLIT, *MOVED):
        if gone in new:
            found.append(f"{gone} still present in format 2")
    for path, value in new.items():  # nothing invented: every new question not asked
        if path not in targets and path != "upgrade_notes" and value != defaults().get(path):
            found.append(f"{path} invented: {value!r} (default {defaults().get(path)!r})")
    notes = {n.field for n in record.upgrade_notes}
    if notes != expected_notes or len(record.upgrade_notes) != len(expected_notes):
        found.append(f"upgrade notes {sorted(notes)}, expected {sorted(expected_notes)}")
    return found


# --------------------------------------------------------------------------- the landed examples


def test_the_format_1_files_are_the_landed_examples_and_models():
    """The test data are the files as they were in git (checked when git has them)."""
    git = shutil.which("git")
    if git is None or subprocess.run([git, "cat-file", "-e", LANDED_COMMIT], cwd=ROOT,
                                     capture_output=True).returncode != 0:
        pytest.skip("git history not available")
    pairs = [(f"resources/examples/{n}.json", DATA / f"{n}.json") for n in EXAMPLES]
    pairs += [("consult/record.py", LANDED / "record.py.txt"),
              ("consult/answers.py", LANDED / "answers.py.txt")]
    for in_git, here in pairs:
        blob = subprocess.run([git, "show", f"{LANDED_COMMIT}:{in_git}"], cwd=ROOT,
                              capture_output=True, check=True).stdout
        assert blob == here.read_bytes(), in_git


@pytest.mark.hazard("H2")
@pytest.mark.parametrize("name", EXAMPLES)
def test_every_landed_example_loads_upgraded_with_nothing_invented_or_dropped(name):
    text = format1(name)
    old = json.loads(text)
    assert old["format_version"] == 1
    record = recordfile.loads(text)
    assert record.format_version == FORMAT_VERSION == 2
    assert upgrade_problems(old, record) == []


@pytest.mark.hazard("H2")
@pytest.mark.parametrize("name", EXAMPLES)
def test_the_new_questions_of_an_upgraded_example_are_not_asked(name):
    record = recordfile.loads(format1(name))
    o, h, m, legs = record.observation, record.history, record.medicines, record.legs
    for answer in (o.walks_normally, o.heel_walk, o.toe_walk, o.rises_without_arms,
                   h.spinal_surgery, h.stiffness_after_rest, h.muscle_spasm,
                   h.reduced_movement, legs.claudication, legs.pain_intolerable,
                   record.red_flags.sepsis_signs,
                   record.red_flags.pregnancy_warning_signs, m.antiplatelet,
                   m.oral_corticosteroid, m.ssri_snri, m.ace_arb_with_diuretic, m.lithium,
                   m.methotrexate):
        assert answer is Answer.NOT_ASKED
    for value in (h.site, h.character, h.course, h.nsaid_tried, record.impact.job_demands,
                  record.consultation.interpreter, legs.claudication_duration,
                  record.plan.review_date):
        assert value is None
    assert record.practice.ces_route == record.practice.mscc_contact == ""
    assert record.plan.ces_info_how == []


@pytest.mark.hazard("H2")
@pytest.mark.parametrize("name", EXAMPLES)
def test_an_upgraded_example_saves_as_format_2_and_loads_back_equal(name, tmp_path):
    record = recordfile.loads(format1(name))
    text = recordfile.dumps(record)
    assert json.loads(text)["format_version"] == 2
    assert '"pregnant_or_breastfeeding"' not in text and '"asthma"' not in text
    assert recordfile.loads(text) == record
    path = tmp_path / f"{name}.json"
    recordfile.save(record, path)
    again = recordfile.load(path)
    assert again == record
    assert recordfile.dumps(again) == text  # a second save changes nothing


@pytest.mark.hazard("H23")
@pytest.mark.parametrize("name", EXAMPLES)
def test_an_upgraded_example_asks_again_only_what_could_not_carry_over(name):
    """The landed examples answered pregnancy/breastfeeding and asthma No (or not at all):
    nothing is kept as a note, so the completeness check asks nothing from the upgrade."""
    record = recordfile.loads(format1(name))
    fields = {n.field for n in record.upgrade_notes}
    old = json.loads(format1(name))
    expect = {NOTE_FIELD[p] for p in ("medicines.pregnant_or_breastfeeding", "medicines.asthma")
              if old.get("medicines", {}).get(p.split(".")[1]) == "yes"}
    if old.get("legs", {}).get("weakness_onset") == "more_than_14_days":
        expect.add("legs.weakness_onset")
    assert fields == expect


@pytest.mark.hazard("H2")
def test_the_upgrade_leaves_its_input_alone():
    old = json.loads(format1("sciatica"))
    before = json.dumps(old, sort_keys=True)
    UPGRADES[1](old)
    assert json.dumps(old, sort_keys=True) == before


# --------------------------------------------------------------------------- what cannot carry over


def _hard_case() -> dict[str, Any]:
    """A landed example changed the way the landed app could have saved it: pregnant or
    breastfeeding Yes, asthma Yes, a one-leg weakness that started more than 14 days ago,
    an anticoagulant Yes."""
    old = json.loads(format1("sciatica"))
    old["patient"]["sex"] = "female"
    old["medicines"].update(pregnant_or_breastfeeding="yes", asthma="yes", anticoagulant="yes")
    legs = old["legs"]
    legs.update(weakness="yes", weakness_side="right", weakness_onset="more_than_14_days",
                weakness_trajectory="same", weakness_severe="no")
    assert landed_record().model_validate(old)  # a valid format-1 record
    return old


@pytest.mark.hazard("H23")
def test_answers_that_cannot_carry_over_are_kept_as_notes_and_asked_again():
    old = _hard_case()
    record = recordfile.loads(json.dumps(old))
    assert upgrade_problems(old, record) == []
    m = record.medicines
    assert m.pregnant is m.breastfeeding is m.nsaid_sensitive_asthma is Answer.NOT_ASKED
    assert record.risk.anticoagulant is Answer.YES
    assert record.legs.weakness_onset is WeaknessOnset.UNSURE  # counts as new until asked
    notes = {n.field: n.text for n in record.upgrade_notes}
    assert set(notes) == {"medicines.pregnant", "medicines.nsaid_sensitive_asthma",
                          "legs.weakness_onset"}
    assert "Pregnant or breastfeeding: Yes" in notes["medicines.pregnant"]
    assert "Asthma: Yes" in notes["medicines.nsaid_sensitive_asthma"]
    assert "more than 14 days" in notes["legs.weakness_onset"]
    # the completeness check asks the new questions, in the note's words
    problems = {p.field: p.message for p in completeness.problems(record)}
    for field, text in notes.items():
        assert problems.get(field) == text, (field, problems.get(field))
    # the weakness counts as new (unsure) while the question is open: urgent, not soon
    assert "weakness-one-leg-mild" in [r.id for r in assess(record).fired]


@pytest.mark.hazard("H23")
def test_answering_the_new_questions_clears_them_and_keeps_the_notes():
    record = recordfile.loads(json.dumps(_hard_case()))
    record.medicines.pregnant, record.medicines.breastfeeding = Answer.NO, Answer.YES
    record.medicines.nsaid_sensitive_asthma = Answer.NO
    record.legs.weakness_onset = WeaknessOnset.LONGER
    fields = {p.field for p in completeness.problems(record)}
    assert not {"medicines.pregnant", "medicines.nsaid_sensitive_asthma",
                "legs.weakness_onset"} & fields
    assert len(record.upgrade_notes) == 3  # what was recorded stays on the record
    text = recordfile.dumps(record)
    assert recordfile.loads(text) == record


@pytest.mark.hazard("H2")
def test_an_unsure_weakness_onset_in_format_1_stays_unsure_without_a_note():
    old = _hard_case()
    old["legs"]["weakness_onset"] = "unsure"
    record = recordfile.loads(json.dumps(old))
    assert record.legs.weakness_onset is WeaknessOnset.UNSURE
    assert "legs.weakness_onset" not in {n.field for n in record.upgrade_notes}
    old["legs"]["weakness_onset"] = "within_14_days"
    record = recordfile.loads(json.dumps(old))
    assert record.legs.weakness_onset is WeaknessOnset.WITHIN_3_MONTHS


@pytest.mark.hazard("H19")
@pytest.mark.parametrize(("field", "value"), [
    ("pregnant_or_breastfeeding", "maybe"), ("asthma", "sometimes"), ("asthma", 1)])
def test_a_format_1_value_no_format_had_is_refused_and_named(field, value):
    old = json.loads(format1("mechanical"))
    old["medicines"][field] = value
    with pytest.raises(recordfile.RecordFileError, match=rf"medicines\.{field}"):
        recordfile.loads(json.dumps(old))


@pytest.mark.hazard("H19")
def test_a_format_1_weakness_onset_that_format_1_never_had_is_refused():
    old = _hard_case()
    old["legs"]["weakness_onset"] = "last_tuesday"
    with pytest.raises(recordfile.RecordFileError, match=r"legs\.weakness_onset"):
        recordfile.loads(json.dumps(old))


# --------------------------------------------------------------------------- files the landed app wrote


@functools.cache
def landed_record() -> type:
    """The landed app's Record model (consult/record.py at 9234943, with its answers)."""
    answers = types.ModuleType("landed_consult_answers")
    sys.modules[answers.__name__] = answers
    exec(compile((LANDED / "answers.py.txt").read_text(encoding="utf-8"),
                 "landed/answers.py", "exec"), answers.__dict__)
    source = (LANDED / "record.py.txt").read_text(encoding="utf-8")
    assert source.count("from consult.answers import") == 1
    source = source.replace("from consult.answers import", f"from {answers.__name__} import")
    # its NHS number check, unchanged since, now lives in the record package
    assert source.count("from consult import nhs\n") == 1
    source = source.replace("from consult import nhs\n", "from consult.record import nhs\n")
    module = types.ModuleType("landed_consult_record")
    sys.modules[module.__name__] = module
    exec(compile(source, "landed/record.py", "exec"), module.__dict__)
    model = module.Record
    assert model.model_fields["format_version"].default == 1
    return model


def landed_dumps(record: Any) -> str:
    """How the landed app wrote a record file (consult/recordfile.py at 9234943)."""
    return record.model_dump_json(indent=2) + "\n"


def _answer_slots(model: type, prefix: str = "") -> dict[str, list[Any]]:
    """Every screening answer and its detail fields of the landed model, with the values
    each may take (enums of the landed answers module; None where the field allows it)."""
    import typing
    from enum import Enum
    slots: dict[str, list[Any]] = {}
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if typing.get_origin(annotation) is list:
            continue  # triggers, plan items: kept as the base has them
        args = getattr(annotation, "__args__", ())
        if isinstance(annotation, type) and issubclass(annotation, Enum):
            slots[prefix + name] = [e.value for e in annotation]
        elif args and any(isinstance(a, type) and issubclass(a, Enum) for a in args):
            enum = next(a for a in args if isinstance(a, type) and issubclass(a, Enum))
            slots[prefix + name] = [None, *(e.value for e in enum)]
        elif isinstance(annotation, type) and hasattr(annotation, "model_fields") \
                and name not in ("plan",):
            slots.update(_answer_slots(annotation, f"{prefix}{name}."))
    return slots


@functools.cache
def landed_slots() -> dict[str, list[Any]]:
    slots = _answer_slots(landed_record())
    for must in ("medicines.pregnant_or_breastfeeding", "medicines.asthma",
                 "medicines.anticoagulant", "legs.weakness_onset",
                 "red_flags.ces_bladder.onset", "triggers.trauma"):
        assert must in slots, must
    return slots


def _set(doc: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    for part in parents:
        doc = doc.setdefault(part, {})
    doc[leaf] = value


@st.composite
def landed_files(draw: st.DrawFn) -> str:
    """A record file written by the landed app: one of its examples (or a blank record)
    with any subset of its screening answers, enums and details changed, validated by the
    landed model and dumped the way the landed app dumped it."""
    name = draw(st.sampled_from((*EXAMPLES, "blank")))
    model = landed_record()
    doc = {} if name == "blank" else json.loads(format1(name))
    doc.setdefault("format", "consult-record")
    doc.setdefault("format_version", 1)
    slots = landed_slots()
    forced = ["medicines.pregnant_or_breastfeeding", "medicines.asthma",
              "medicines.anticoagulant", "legs.weakness_onset"]
    for path in [*forced, *draw(st.sets(st.sampled_from(sorted(slots)), max_size=25))]:
        _set(doc, path, draw(st.sampled_from(slots[path]), label=path))
    return landed_dumps(model.model_validate(doc))


@pytest.mark.hazard("H2")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(landed_files())
def test_any_file_the_landed_app_wrote_upgrades_with_nothing_invented_or_dropped(text):
    old = json.loads(text)
    record = recordfile.loads(text)
    assert upgrade_problems(old, record) == []
    again = recordfile.dumps(record)
    assert json.loads(again)["format_version"] == 2
    assert recordfile.loads(again) == record


@pytest.mark.hazard("H2")
def test_a_blank_record_the_landed_app_wrote_upgrades_to_a_blank_format_2_record():
    text = landed_dumps(landed_record()())
    record = recordfile.loads(text)
    assert record == Record()
    assert upgrade_problems(json.loads(text), record) == []


def test_the_landed_app_wrote_the_examples_byte_for_byte():
    """The landed model and dumps reproduce the landed example files exactly, so the
    generated files above are files the landed app could have written."""
    model = landed_record()
    for name in EXAMPLES:
        assert landed_dumps(model.model_validate_json(format1(name))) == format1(name), name


def test_the_consultation_date_of_the_landed_examples_survives():
    record = recordfile.loads(format1("cauda-equina"))
    old = json.loads(format1("cauda-equina"))
    assert record.consultation.date == dt.date.fromisoformat(old["consultation"]["date"])


@pytest.mark.hazard("H2")
def test_the_field_by_field_check_finds_a_dropped_changed_or_invented_value():
    """The checker above is not vacuous: it names each kind of departure."""
    old = _hard_case()
    good = recordfile.loads(json.dumps(old))
    assert upgrade_problems(old, good) == []
    changed = good.model_copy(deep=True)
    changed.impact.pain_worst = 2
    assert any(p.startswith("impact.pain_worst") for p in upgrade_problems(old, changed))
    invented = good.model_copy(deep=True)
    invented.medicines.lithium = Answer.NO
    assert any("medicines.lithium invented" in p for p in upgrade_problems(old, invented))
    dropped = good.model_copy(deep=True)
    dropped.risk.anticoagulant = Answer.NOT_ASKED
    assert any(p.startswith("medicines.anticoagulant") for p in upgrade_problems(old, dropped))
    split = good.model_copy(deep=True)
    split.medicines.breastfeeding = Answer.NO
    assert any("medicines.breastfeeding" in p for p in upgrade_problems(old, split))
    noteless = good.model_copy(deep=True)
    noteless.upgrade_notes = noteless.upgrade_notes[:1]
    assert any(p.startswith("upgrade notes") for p in upgrade_problems(old, noteless))
