"""The FHIR R4 (UK Core) export (issue 16, part 3): read back with the R4B models."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable

import pytest
from fhir.resources.R4B.bundle import Bundle
from hypothesis import HealthCheck, given, settings

from consult import codes
from consult.exchange import fhir_common as fc
from consult.exchange.fhir import (
    bundle,
    bundle_json,
    enable_when,
    questionnaire,
    questionnaire_response,
)
from consult.note import note_pdf
from consult.record.answers import Answer
from consult.record.model import value_at
from consult.rules.followups import IMPLIED_NO_WITHOUT_LEG_SYMPTOMS, RULES, applies
from consult.rules.redflags import CES_ITEMS
from consult.rules.screening import record_group_as_no, red_flag_paths
from tests.strategies import records
from tests.support import EXAMPLES, load_example, negative_record


def resources(b: Bundle, kind: str) -> list:
    return [e.resource for e in b.entry if e.resource.get_resource_type() == kind]


def answers_by_link(items, out=None) -> dict[str, list]:
    out = {} if out is None else out
    for item in items or []:
        if item.answer:
            out.setdefault(item.linkId, []).extend(item.answer)
        answers_by_link(item.item, out)
    return out


@pytest.fixture(scope="module")
def exported():
    out = {}
    for name in EXAMPLES:
        record = load_example(name)
        pdf = note_pdf(record)
        text = bundle_json(record, pdf)
        out[name] = (record, pdf, Bundle.model_validate_json(text))  # re-parsed: validates
    return out


@pytest.mark.hazard("H30")
@pytest.mark.parametrize("name", EXAMPLES)
def test_each_examples_bundle_reads_back_with_every_red_flag_the_nhs_number_and_the_pdf_hash(
        name, exported):
    record, pdf, b = exported[name]
    assert b.type == "document"
    assert b.entry[0].resource.get_resource_type() == "Composition"
    (patient,) = resources(b, "Patient")
    assert fc.PATIENT_PROFILE in patient.meta.profile
    (nhs,) = patient.identifier
    assert nhs.system == "https://fhir.nhs.uk/Id/nhs-number" and nhs.value == record.patient.nhs_number
    assert patient.birthDate == record.patient.date_of_birth and patient.gender
    (doc,) = resources(b, "DocumentReference")
    attachment = doc.content[0].attachment
    # the models decode base64Binary: the digest and the PDF's bytes themselves
    assert attachment.hash == hashlib.sha256(pdf).digest()
    assert attachment.data == pdf
    raw = json.loads(b.model_dump_json(exclude_none=True))
    (doc_json,) = [e["resource"] for e in raw["entry"]
                   if e["resource"]["resourceType"] == "DocumentReference"]
    assert doc_json["content"][0]["attachment"]["hash"] == base64.b64encode(
        hashlib.sha256(pdf).digest()).decode("ascii")
    (response,) = resources(b, "QuestionnaireResponse")
    found = answers_by_link(response.item)
    for path in red_flag_paths():
        value = value_at(record, path)
        if not isinstance(value, Answer):
            continue
        if value is Answer.YES:
            assert [a.valueCoding.code for a in found[path]] == ["Y"], path
        elif value is Answer.NO:
            assert [a.valueCoding.code for a in found[path]] == ["N"], path
        elif applies(record, path):  # not asked: said so, never N
            assert [a.valueCoding.code for a in found[path]] == ["not-asked"], path
    (practitioner,) = resources(b, "Practitioner")
    assert practitioner.identifier[0].system == fc.GMC_NUMBER_SYSTEM
    assert practitioner.identifier[0].value == record.consultation.gmc_number


@pytest.mark.hazard("H30")
def test_not_asked_is_never_exported_as_no():
    record = negative_record()
    record.red_flags.ces_bowel.answer = Answer.NOT_ASKED
    record.history.worse_at_night = Answer.NOT_ASKED
    b = Bundle.model_validate_json(bundle_json(record, b"%PDF-1.4"))
    (response,) = resources(b, "QuestionnaireResponse")
    found = answers_by_link(response.item)
    for path in ("red_flags.ces_bowel.answer", "history.worse_at_night"):
        (answer,) = found[path]
        assert (answer.valueCoding.system, answer.valueCoding.code) == (
            fc.DATA_ABSENT_SYSTEM, "not-asked")
    every = [a.valueCoding for answers in found.values() for a in answers if a.valueCoding]
    nos = {c.code for c in every if c.system == fc.YES_NO_SYSTEM}
    assert nos <= {"Y", "N"}


@pytest.mark.hazard("H30")
def test_a_grouped_denial_is_marked_in_the_response_and_a_single_no_is_not():
    record = negative_record()
    for name in CES_ITEMS:
        getattr(record.red_flags, name).answer = Answer.NOT_ASKED
    grouped = record_group_as_no(record, "cauda_equina")
    assert len(grouped) == 7
    b = Bundle.model_validate_json(bundle_json(record, b"%PDF-1.4"))
    (response,) = resources(b, "QuestionnaireResponse")
    found = answers_by_link(response.item)

    def marks(path: str) -> list:
        (answer,) = found[path]
        return [(e.url, e.valueBoolean) for e in answer.extension or []]

    for path in grouped:
        (answer,) = found[path]
        assert answer.valueCoding.code == "N"
        assert marks(path) == [(fc.ASKED_AS_GROUP_EXTENSION, True)], path
    for path in ("red_flags.cancer_history", "red_flags.fever_or_unwell"):
        assert found[path][0].valueCoding.code == "N" and marks(path) == []


@pytest.mark.hazard("H30")
def test_unverified_codes_are_marked_in_the_coding_and_the_narrative(exported):
    _, _, b = exported["mechanical"]
    (condition,) = resources(b, "Condition")
    (coding,) = condition.code.coding
    entry = next(c for c in codes.load().values()
                 if isinstance(c, codes.Code) and c.code == coding.code)
    composition = b.entry[0].resource
    narrative = composition.section[0].text.div
    if entry.verified:
        assert not coding.extension
    else:
        assert coding.extension[0].url == fc.CODE_STATUS_EXTENSION
        assert coding.extension[0].valueCode == "unverified"
        assert f"{entry.code} (unverified code)" in narrative
    assert composition.section[0].entry[0].reference == b.entry[3].fullUrl


@pytest.mark.hazard("H30")
def test_the_startback_result_carries_its_loinc_codes(exported):
    _, _, b = exported["mechanical"]
    (obs,) = resources(b, "Observation")
    assert obs.code.coding[0].system == "http://loinc.org" and obs.code.coding[0].code == "91349-1"
    assert [c.code.coding[0].code for c in obs.component] == ["91351-7", "91350-9", "91352-5"]


def test_uncoded_concepts_are_text_only():
    record = load_example("mechanical")
    record.startback.bothersome = None  # no result: no observation
    b = bundle(record, b"%PDF")
    assert not resources(b, "Observation")
    from consult.exchange.fhir import concept

    uncoded = next(k for k, v in codes.load().items() if isinstance(v, codes.Uncoded))
    assert set(concept(uncoded)) == {"text"}


def test_the_questionnaire_follows_the_follow_up_rules():
    q = questionnaire()

    def items(group):
        for item in group.get("item", []):
            yield item
            yield from items(item)

    by_link = {i["linkId"]: i for i in items(q)}
    assert by_link["legs.pain_side"]["enableWhen"] == [
        {"question": "legs.pain", "operator": "=",
         "answerCoding": {"system": fc.YES_NO_SYSTEM, "code": "Y", "display": "Yes"}}]
    ces_onset = by_link["red_flags.ces_bladder.onset"]["enableWhen"]
    assert [w["question"] for w in ces_onset] == ["red_flags.ces_bladder.answer"]
    pregnant = by_link["medicines.pregnant"]["enableWhen"]
    assert {"question": "patient.sex", "operator": "exists", "answerBoolean": False} in pregnant
    assert "male" not in [w.get("answerCoding", {}).get("code") for w in pregnant]
    # every follow-up has its enableWhen, but the leg questions "no leg symptoms" answers No
    always = {p for p in RULES if not enable_when(p)}
    assert always == set(IMPLIED_NO_WITHOUT_LEG_SYMPTOMS)
    assert all(p in by_link for p in RULES)
    # no item hangs on itself (the CES items' and the cancer history's answers did)
    assert not [link for link, i in by_link.items()
                if link in {w["question"] for w in i.get("enableWhen", [])}]
    # any infection risk asks the infection follow-up, not injecting drug use alone
    severe = by_link["red_flags.new_constant_severe_pain"]
    assert severe["enableBehavior"] == "any"
    assert {w["question"] for w in severe["enableWhen"]} == {
        "risk.injecting_drug_use", "risk.immunosuppression",
        "risk.recent_spinal_procedure_or_infection"}


def _items(group):
    for item in group.get("item", []):
        yield item
        yield from _items(item)


QUESTIONS = {i["linkId"]: i for i in _items(questionnaire())}


def _enabled(response: dict) -> Callable[[str], bool]:
    """A receiver's reading of the exported enableWhen (enableBehavior any) against the
    response: an item is enabled when one of its conditions holds, a disabled question's
    answers count as absent, and a group's items are disabled with the group."""
    answers: dict[str, list] = {}
    for item in _items(response):
        answers.setdefault(item["linkId"], []).extend(item.get("answer", []))

    def enabled(link: str) -> bool:
        parent = link.rpartition(".")[0]
        if parent in QUESTIONS and not enabled(parent):
            return False
        conditions = QUESTIONS[link].get("enableWhen", [])
        if not conditions:
            return True
        assert QUESTIONS[link]["enableBehavior"] == "any"
        for w in conditions:
            given = answers.get(w["question"], []) if enabled(w["question"]) else []
            if w["operator"] == "exists" and bool(given) is w["answerBoolean"]:
                return True
            if w["operator"] == "=" and any(
                    (a.get("valueCoding", {}).get("system"), a.get("valueCoding", {}).get("code"))
                    == (w["answerCoding"]["system"], w["answerCoding"]["code"]) for a in given):
                return True
        return False

    return enabled


def _check_enabled(record) -> None:
    response = questionnaire_response(record, "Patient/p", "Practitioner/d", "2026-12-07")
    enabled = _enabled(response)
    for path in RULES:
        if applies(record, path):
            assert enabled(path), f"{path} applies to the record but its item is disabled"
    for item in _items(response):
        if "answer" in item:
            assert enabled(item["linkId"]), f"{item['linkId']} is answered but disabled"


@pytest.mark.hazard("H30")
@pytest.mark.parametrize("name", EXAMPLES)
def test_every_question_asked_in_an_example_is_enabled_in_the_exported_questionnaire(name):
    _check_enabled(load_example(name))


@pytest.mark.hazard("H30")
def test_a_positive_infection_red_flag_after_a_spinal_procedure_is_enabled():
    record = load_example("infection")
    assert record.risk.injecting_drug_use is Answer.NO
    assert record.red_flags.new_constant_severe_pain is Answer.YES
    _check_enabled(record)
    record = negative_record()  # a fracture suspected from a deformity alone
    record.red_flags.spinal_deformity = record.red_flags.cannot_mobilise = Answer.YES
    assert applies(record, "red_flags.cannot_mobilise")
    _check_enabled(record)


@pytest.mark.hazard("H30")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records())
def test_every_question_the_rules_ask_is_enabled_by_the_exported_enable_when(record):
    _check_enabled(record)


def test_a_question_that_does_not_apply_has_no_answer_in_the_response():
    record = negative_record()  # no leg symptoms: leg details do not apply
    b = bundle(record, b"%PDF")
    (response,) = resources(b, "QuestionnaireResponse")
    found = answers_by_link(response.item)
    assert "legs.pain_side" not in found and "red_flags.cancer_type" not in found
    assert found["legs.symptoms"][0].valueCoding.code == "N"


@pytest.mark.hazard("H30")
def test_a_finalised_notes_bundle_carries_the_stored_pdf_byte_for_byte(tmp_path):
    from consult.exchange.fhir import stored_note_bundle
    from consult.store import Store
    from consult.store.model import Who
    from tests.storesupport import Clock

    store = Store.open(f"sqlite:///{tmp_path / 'consult.db'}", clock=Clock())
    record = negative_record()
    info = store.finalise(record, Who(user="dr.patel", workstation="ws1"))
    stored = store.stored_pdf(info.note_id, info.version)
    b = Bundle.model_validate_json(
        stored_note_bundle(store, info.note_id, info.version).model_dump_json(exclude_none=True))
    (doc,) = resources(b, "DocumentReference")
    assert doc.content[0].attachment.data == stored
    assert doc.content[0].attachment.hash == hashlib.sha256(stored).digest()
    assert json.loads(b.model_dump_json())["type"] == "document"
    store.close()


def test_the_findings_carry_the_consultations_time_in_uk_local_time():
    import datetime as dt

    from consult.exchange.fhir import consulted

    record = negative_record()
    record.consultation.date, record.consultation.time = dt.date(2026, 7, 1), dt.time(9, 40)
    assert consulted(record) == "2026-07-01T09:40:00+01:00"  # British Summer Time
    record.consultation.time = None
    assert consulted(record) == "2026-07-01"
    b = bundle(record, b"%PDF")
    (response,) = resources(b, "QuestionnaireResponse")
    assert str(response.authored).startswith("2026-07-01")


@pytest.mark.hazard("H30")
@pytest.mark.parametrize("name", EXAMPLES)
def test_the_problem_is_the_notes_working_diagnosis_with_the_same_code(name, exported):
    from consult.note.compose import working_diagnosis
    from consult.rules.engine import assess

    record, _, b = exported[name]
    words, printed = working_diagnosis(record, assess(record))
    (condition,) = resources(b, "Condition")
    assert condition.note[0].text == f"Working diagnosis: {words}"
    assert condition.code.text == words
    if printed:
        (c,) = condition.code.coding
        assert c.system == "http://snomed.info/sct"
        unverified = " (unverified code)" if c.extension else ""
        assert printed == f"{c.display}, SNOMED CT {c.code}{unverified}"
    else:
        assert not condition.code.coding and condition.code.text == words


@pytest.mark.hazard("H30")
@pytest.mark.parametrize("name, words", [
    ("fracture", "Suspected osteoporotic (or pathological) vertebral fracture"),
    ("infection", "Suspected spinal infection"),
])
def test_a_red_flag_diagnosis_is_exported_uncoded_in_its_own_words(name, words):
    """Never low back pain's code (SNOMED CT 279039007) for a suspected fracture or
    infection: the problem is its words only (CSO review 2026-12-07 finding 5)."""
    record = load_example(name)
    b = bundle(record, b"%PDF")
    (condition,) = resources(b, "Condition")
    assert condition.code.text.startswith(words), condition.code.text
    assert not condition.code.coding
    assert "279039007" not in b.model_dump_json()
