"""The consultation as a FHIR R4 (UK Core) document Bundle, built with fhir.resources'
R4B models (clinical reference 7; consult.exchange.fhir_common for the shared URLs).

    bundle(record, pdf) -> Bundle      pdf: the note's PDF (for a finalised note, the
                                       stored one, byte for byte: stored_note_bundle)
    bundle_json(...) -> str

The document holds: the Composition (first entry; the note's sections as narrative,
the problem and the key findings by reference), the Patient (UKCore-Patient, NHS
number), the Practitioner (GMC number), a Condition with the problem code, an
Observation with the STarT Back result (LOINC panel, total, distress subscore, risk
level), the Questionnaire generated from the record model (enableWhen from the
follow-up rules), the QuestionnaireResponse with every answer, and the PDF as a
DocumentReference with its SHA-256 (attachment.hash: base64 of the digest).

Choices where the issue was silent:
- "not asked" is exported, coded as data-absent-reason#not-asked, never as no (N); a
  question that does not apply to this record (its follow-up rule says so) is left out
  of the response, as FHIR wants for a disabled item.
- a No recorded with its clinical group's one answer ("asked as a group: denied" in the
  note) carries the extension urn:consult:extension:asked-as-group (valueBoolean true)
  on its answer; a No asked on its own has none.
- the problem is the note's working diagnosis, its words and its code as the note and
  the record entry print them (consult.note.compose.working_diagnosis);
- every code comes from consult.codes with its status; a code not yet verified in its
  code system's browser carries the extension urn:consult:extension:code-status
  ("unverified") on its Coding, and the narrative prints it as consult.codes.label does
  ("... (unverified code)"). An uncoded concept is exported as text only.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import types
import typing
import uuid
from enum import StrEnum
from html import escape
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from pydantic import BaseModel

from consult import codes
from consult.exchange import fhir_common as fc
from consult.record.answers import Answer
from consult.record.model import Record, owner_of, value_at
from consult.rules.assessment import Assessment
from consult.rules.engine import assess
from consult.rules.followups import (
    IMPLIED_NO_WITHOUT_LEG_SYMPTOMS,
    PARENTS,
    applies,
    controlling,
    unasked_as_yes,
)
from consult.rules.screening import asked_as_group

QUESTIONNAIRE_URL = "urn:consult:questionnaire:lower-back-pain"
NOTE_TITLE = "Consultation note: lower back pain (remote GP consultation)"


# ---------------------------------------------------------------------------
# Codes


def coding(code: codes.Code) -> dict[str, Any]:
    """A Coding from the reviewed codes, marked when not yet verified."""
    out: dict[str, Any] = {"system": code.system_uri, "code": code.code, "display": code.display}
    if not code.verified:
        out["extension"] = [{"url": fc.CODE_STATUS_EXTENSION, "valueCode": "unverified"}]
    return out


def concept(concept_id: str) -> dict[str, Any]:
    """A CodeableConcept for a concept of the codes file: coded, or text only."""
    entry = codes.entry(concept_id)
    if isinstance(entry, codes.Code):
        return {"coding": [coding(entry)], "text": entry.display}
    return {"text": entry.display}


def concept_words(concept_id: str) -> str:
    """How the narrative names a concept: 'Sciatica (SNOMED CT 23056005 (unverified code))'."""
    entry = codes.entry(concept_id)
    if isinstance(entry, codes.Code):
        return f"{entry.display} ({codes.label(entry)})"
    return f"{entry.display} (not coded)"


def problem(record: Record, assessment: Assessment) -> tuple[str, codes.Code | None]:
    """The working diagnosis as the note prints it (consult.note.compose.working_diagnosis:
    one choice of words and code for the note, the record entry and this export), and
    its code, or None when the note leaves it uncoded."""
    from consult.note.compose import working_diagnosis

    words, printed = working_diagnosis(record, assessment)
    if not printed:
        return words, None
    for entry in codes.load().values():
        if isinstance(entry, codes.Code) and printed == f"{entry.display}, {codes.label(entry)}":
            return words, entry
    raise ValueError(f"the note's diagnosis code is not in the codes file: {printed}")


def problem_concept_json(record: Record, assessment: Assessment) -> dict[str, Any]:
    """The Condition's code: its text is always the working diagnosis's words, with the
    code (and the code's own display in the Coding) where the note prints one. A red-flag
    diagnosis (a suspected fracture, infection, metastasis) is uncoded, words only."""
    words, code = problem(record, assessment)
    return {"coding": [coding(code)], "text": words} if code else {"text": words}


def problem_words(record: Record, assessment: Assessment) -> str:
    words, code = problem(record, assessment)
    return f"{words} ({code.display}, {codes.label(code)})" if code else f"{words} (not coded)"


STRATUM_CONCEPTS = {"low": "startback_low_risk", "medium": "startback_medium_risk",
                    "high": "startback_high_risk"}


# ---------------------------------------------------------------------------
# The Questionnaire from the record model, and the response from a record


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(inner type, is a list) of a field's annotation (Optional and Annotated removed)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(args[0])
    if origin is list:
        inner, _ = _unwrap(typing.get_args(annotation)[0])
        return inner, True
    return annotation, False


def _answer_coding(value: StrEnum) -> dict[str, Any]:
    if isinstance(value, Answer):
        if value is Answer.NOT_ASKED:
            return {"system": fc.DATA_ABSENT_SYSTEM, "code": "not-asked", "display": "Not Asked"}
        return {"system": fc.YES_NO_SYSTEM, "code": "Y" if value is Answer.YES else "N",
                "display": "Yes" if value is Answer.YES else "No"}
    return {"system": f"{fc.ANSWER_LIST_SYSTEM}{type(value).__name__}", "code": value.value,
            "display": value.value.replace("_", " ")}


def _item_type(kind: Any) -> str:
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        return "choice"
    return {bool: "boolean", int: "integer", dt.date: "date", dt.time: "time",
            str: "string"}.get(kind, "string")


def _title(field: Any, name: str) -> str:
    """A field's title, or its name in words ("red_flags" -> "Red flags")."""
    return field.title or name.replace("_", " ").capitalize()


def _leaf_question(path: str, field: Any, record_type: type[BaseModel]) -> dict[str, Any]:
    kind, many = _unwrap(field.annotation)
    item: dict[str, Any] = {"linkId": path, "text": field.title or path.rsplit(".", 1)[-1],
                            "type": _item_type(kind)}
    if many:
        item["repeats"] = True
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        item["answerOption"] = [{"valueCoding": _answer_coding(v)} for v in kind]
    when = enable_when(path)
    if when:
        item["enableWhen"] = when
        item["enableBehavior"] = "any"
    return item


def _group(path: str, title: str, model: type[BaseModel], *, repeats: bool = False) -> dict[str, Any]:
    children = []
    for name, field in model.model_fields.items():
        child = f"{path}.{name}" if path else name
        kind, many = _unwrap(field.annotation)
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            children.append(_group(child, _title(field, name), kind, repeats=many))
        else:
            children.append(_leaf_question(child, field, model))
    group: dict[str, Any] = {"linkId": path, "text": title, "type": "group", "item": children}
    if repeats:
        group["repeats"] = True
    return group


def _values(path: str) -> list[Any]:
    owner, leaf = owner_of(Record(), path)
    kind, _ = _unwrap(type(owner).model_fields[leaf].annotation)
    return list(kind) if isinstance(kind, type) and issubclass(kind, StrEnum) else []


def _set(record: Record, path: str, value: Any) -> None:
    owner, leaf = owner_of(record, path)
    _, many = _unwrap(type(owner).model_fields[leaf].annotation)
    setattr(owner, leaf, [value] if many else value)


def enable_when(path: str) -> list[dict[str, Any]]:
    """The follow-up rule of consult.rules.followups as enableWhen (enableBehavior any):
    for each of the question's nearest controlling questions, the answers with which it
    applies (found by asking the rule itself, on a record whose other answers are all
    Yes (unasked_as_yes), the nearest controls unanswered, and the controls further up
    set so that they apply). So the item is enabled whenever the rule may ask it: where
    the rule also needs something enableWhen cannot say (the fracture follow-ups: a
    fracture risk or age 65 or more besides the event), the item is enabled more widely
    than the rule, never less (a disabled item would hide its answer). A rule none of
    whose controls' answers asks it gets no enableWhen and is always enabled; so do the
    leg questions a "no leg symptoms" answers as No (IMPLIED_NO_WITHOUT_LEG_SYMPTOMS):
    their No is exported."""
    chain = controlling(path)
    if not chain or path in IMPLIED_NO_WITHOUT_LEG_SYMPTOMS:
        return []
    direct = PARENTS.get(path, chain[:1])
    further = [c for c in chain if c not in direct]
    base = unasked_as_yes(Record())
    for control in direct:
        owner, leaf = owner_of(base, control)
        setattr(owner, leaf, type(owner).model_fields[leaf].get_default(call_default_factory=True))
    # enable the controls further up, farthest first: each set to its first value with
    # which the question it controls applies
    for n in range(len(further) - 1, -1, -1):
        dependent = further[n - 1] if n else direct[0]
        for value in _values(further[n]):
            _set(base, further[n], value)
            if applies(base, dependent):
                break
    out: list[dict[str, Any]] = []
    for control in direct:
        if applies(base, path) and value_at(base, control) is None:
            # asked while the control is unanswered (pregnancy while sex is not recorded)
            out.append({"question": control, "operator": "exists", "answerBoolean": False})
        for value in _values(control):
            probe = base.model_copy(deep=True)
            _set(probe, control, value)
            if applies(probe, path):
                out.append({"question": control, "operator": "=",
                            "answerCoding": _answer_coding(value)})
    return out


def questionnaire() -> dict[str, Any]:
    root = _group("", "Lower back pain: remote GP consultation", Record)
    items = [i for i in root["item"] if i["linkId"] not in ("format", "format_version")]
    return {"resourceType": "Questionnaire", "url": QUESTIONNAIRE_URL,
            "name": "ConsultLowerBackPain", "title": "Lower back pain: remote GP consultation",
            "status": "draft", "subjectType": ["Patient"], "item": items}


def _answers(value: Any) -> list[dict[str, Any]]:
    values = value if isinstance(value, list) else [value]
    out = []
    for v in values:
        if v is None or v == "":
            continue
        if isinstance(v, StrEnum):
            out.append({"valueCoding": _answer_coding(v)})
        elif isinstance(v, bool):
            out.append({"valueBoolean": v})
        elif isinstance(v, int):
            out.append({"valueInteger": v})
        elif isinstance(v, dt.date):
            out.append({"valueDate": v.isoformat()})
        elif isinstance(v, dt.time):
            out.append({"valueTime": v.strftime("%H:%M:%S")})
        else:
            out.append({"valueString": str(v)})
    return out


def _response_items(record: Record, model: BaseModel, path: str) -> list[dict[str, Any]]:
    items = []
    for name, field in type(model).model_fields.items():
        if not path and name in ("format", "format_version"):
            continue
        child = f"{path}.{name}" if path else name
        value = getattr(model, name)
        if not applies(record, child) and child not in IMPLIED_NO_WITHOUT_LEG_SYMPTOMS:
            continue  # a question that does not apply: a disabled item has no answer
        kind, many = _unwrap(field.annotation)
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            for sub in (value if many else [value]):
                inner = _response_items(record, sub, child)
                if inner:
                    items.append({"linkId": child, "text": _title(field, name), "item": inner})
            continue
        answers = _answers(value)
        if answers and asked_as_group(record, child):  # the note's "asked as a group"
            answers[0]["extension"] = [{"url": fc.ASKED_AS_GROUP_EXTENSION,
                                        "valueBoolean": True}]
        if answers:
            items.append({"linkId": child, "text": field.title or name, "answer": answers})
    return items


def questionnaire_response(record: Record, patient_ref: str, author_ref: str,
                           when: str) -> dict[str, Any]:
    return {"resourceType": "QuestionnaireResponse",
            "meta": {"profile": [fc.QUESTIONNAIRE_RESPONSE_PROFILE]},
            "questionnaire": QUESTIONNAIRE_URL, "status": "completed",
            "subject": {"reference": patient_ref}, "author": {"reference": author_ref},
            "authored": when, "item": _response_items(record, record, "")}


# ---------------------------------------------------------------------------
# The resources


def patient(record: Record) -> dict[str, Any]:
    p = record.patient
    out: dict[str, Any] = {"resourceType": "Patient", "meta": {"profile": [fc.PATIENT_PROFILE]}}
    if p.nhs_number:
        out["identifier"] = [{"system": fc.NHS_NUMBER_SYSTEM, "value": p.nhs_number}]
    name: dict[str, Any] = {"use": "official"}
    if p.family_name:
        name["family"] = p.family_name
    if p.given_name:
        name["given"] = [p.given_name]
    if len(name) > 1:
        out["name"] = [name]
    if p.date_of_birth:
        out["birthDate"] = p.date_of_birth.isoformat()
    if p.sex:
        out["gender"] = fc.ADMINISTRATIVE_GENDER[p.sex.value]
    return out


def practitioner(record: Record) -> dict[str, Any]:
    c = record.consultation
    out: dict[str, Any] = {"resourceType": "Practitioner",
                           "meta": {"profile": [fc.PRACTITIONER_PROFILE]}}
    if c.gmc_number:
        out["identifier"] = [{"system": fc.GMC_NUMBER_SYSTEM, "value": c.gmc_number}]
    if c.clinician_name:
        out["name"] = [{"text": c.clinician_name}]
    return out


def condition(record: Record, assessment: Assessment, patient_ref: str,
              when: str) -> dict[str, Any]:
    return {"resourceType": "Condition", "meta": {"profile": [fc.CONDITION_PROFILE]},
            "clinicalStatus": {"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                "code": "active"}]},
            "verificationStatus": {"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                "code": "provisional"}]},
            "code": problem_concept_json(record, assessment),
            "note": [{"text": f"Working diagnosis: {problem(record, assessment)[0]}"}],
            "subject": {"reference": patient_ref}, "recordedDate": when}


def startback_observation(assessment: Assessment, patient_ref: str,
                          when: str) -> dict[str, Any] | None:
    sb = assessment.startback
    if sb is None:
        return None
    risk = concept(STRATUM_CONCEPTS[sb.stratum])
    risk.setdefault("text", f"{sb.stratum} risk")
    return {"resourceType": "Observation", "meta": {"profile": [fc.OBSERVATION_PROFILE]},
            "status": "final", "code": concept("startback_panel"),
            "subject": {"reference": patient_ref}, "effectiveDateTime": when,
            "component": [
                {"code": concept("startback_total"), "valueInteger": sb.total},
                {"code": concept("startback_distress_subscore"), "valueInteger": sb.distress},
                {"code": concept("startback_risk_level"), "valueCodeableConcept": risk},
            ]}


def document_reference(pdf: bytes, patient_ref: str, author_ref: str, when: str) -> dict[str, Any]:
    return {"resourceType": "DocumentReference", "meta": {"profile": [fc.DOCUMENT_REFERENCE_PROFILE]},
            "status": "current", "type": {"text": NOTE_TITLE},
            "subject": {"reference": patient_ref}, "author": [{"reference": author_ref}],
            "date": when,
            "content": [{"attachment": {
                "contentType": "application/pdf",
                "data": base64.b64encode(pdf).decode("ascii"),
                "hash": base64.b64encode(hashlib.sha256(pdf).digest()).decode("ascii"),
                "size": len(pdf), "title": "Consultation note (PDF)"}}]}


def _div(lines: list[str]) -> dict[str, str]:
    body = "".join(f"<p>{escape(line)}</p>" for line in lines if line.strip()) or "<p>-</p>"
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>'}


def _note_sections(record: Record, assessment: Assessment, draft: bool) -> list[tuple[str, list[str]]]:
    import consult
    from consult.note.compose import compose
    from consult.note.text import _alert, _section

    note = compose(record, assessment, draft=draft, app_version=consult.__version__)
    out = []
    if note.alerts:
        out.append(("Alerts", [line for a in note.alerts for line in _alert(a)]))
    for section in note.sections:
        out.append((section.heading, _section(section)[2:]))
    return out


def composition(record: Record, assessment: Assessment, refs: dict[str, str], when: str,
                draft: bool) -> dict[str, Any]:
    coded = [f"Problem: {problem_words(record, assessment)}"]
    if assessment.startback:
        sb = assessment.startback
        coded.append(f"STarT Back: {concept_words(STRATUM_CONCEPTS[sb.stratum])}; "
                     f"{concept_words('startback_total')} {sb.total}; "
                     f"{concept_words('startback_distress_subscore')} {sb.distress}")
    sections = [{"title": "Codes", "code": {"text": "Coded entries"}, "text": _div(coded),
                 "entry": [{"reference": r} for k, r in refs.items() if k in ("condition", "startback")]}]
    for heading, lines in _note_sections(record, assessment, draft):
        sections.append({"title": heading, "text": _div(lines)})
    sections.append({"title": "Questionnaire response", "text": _div(["The answers as recorded."]),
                     "entry": [{"reference": refs["response"]}]})
    sections.append({"title": "Note (PDF)", "text": _div([NOTE_TITLE]),
                     "entry": [{"reference": refs["document"]}]})
    return {"resourceType": "Composition", "meta": {"profile": [fc.COMPOSITION_PROFILE]},
            "status": "preliminary" if draft else "final",
            "type": {"text": NOTE_TITLE},
            "subject": {"reference": refs["patient"]}, "date": when,
            "author": [{"reference": refs["practitioner"]}], "title": NOTE_TITLE,
            "section": sections}


def consulted(record: Record) -> str | None:
    """When the consultation took place, as a FHIR date or dateTime (UK local time with
    its offset), or None when the date is not recorded."""
    c = record.consultation
    if c.date is None:
        return None
    if c.time is None:
        return c.date.isoformat()
    from zoneinfo import ZoneInfo

    moment = dt.datetime.combine(c.date, c.time, tzinfo=ZoneInfo("Europe/London"))
    return moment.isoformat(timespec="seconds")


def bundle(record: Record, pdf: bytes, *, assessment: Assessment | None = None,
           draft: bool = False, now: dt.datetime | None = None) -> Bundle:
    assessment = assessment or assess(record)
    now = now or dt.datetime.now(dt.UTC)
    when = now.isoformat(timespec="seconds")
    seen = consulted(record) or when  # the findings' time: the consultation's
    names = ("composition", "patient", "practitioner", "condition", "startback",
             "questionnaire", "response", "document")
    refs = {n: f"urn:uuid:{uuid.uuid4()}" for n in names}
    resources: dict[str, dict[str, Any] | None] = {
        "patient": patient(record),
        "practitioner": practitioner(record),
        "condition": condition(record, assessment, refs["patient"], seen),
        "startback": startback_observation(assessment, refs["patient"], seen),
        "questionnaire": questionnaire(),
        "response": questionnaire_response(record, refs["patient"], refs["practitioner"], seen),
        "document": document_reference(pdf, refs["patient"], refs["practitioner"], when),
    }
    if resources["startback"] is None:
        refs.pop("startback")
    resources["composition"] = composition(record, assessment, refs, when, draft)
    entries = [{"fullUrl": refs[n], "resource": resources[n]} for n in names
               if resources.get(n) is not None]
    return Bundle.model_validate({
        "resourceType": "Bundle", "type": "document", "timestamp": when,
        "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{uuid.uuid4()}"},
        "entry": entries})


def bundle_json(record: Record, pdf: bytes, **kwargs: Any) -> str:
    return bundle(record, pdf, **kwargs).model_dump_json(exclude_none=True, indent=2)


def stored_note_bundle(store: Any, note_id: str, version: int, **kwargs: Any) -> Bundle:
    """A finalised note's bundle: its record and its PDF as stored, byte for byte (the
    store checks the PDF against its SHA-256 before giving it)."""
    return bundle(store.record(note_id, version), store.stored_pdf(note_id, version), **kwargs)
