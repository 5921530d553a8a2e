"""A FHIR R4 (UK Core) Patient, or a Bundle of Patients, as JSON, read with the
fhir.resources R4B models (R4B and R4 share Patient and Bundle: clinical reference 7).

The NHS number is the identifier whose system is https://fhir.nhs.uk/Id/nhs-number;
the name is the one in use "official" (else "usual", else the first); resources of
other types in a Bundle are left aside and counted.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from consult.exchange.fhir_common import ADMINISTRATIVE_GENDER, NHS_NUMBER_SYSTEM
from consult.patients.model import Entry, ImportedList, PatientListError, add_entry, make_entry
from consult.record.answers import Sex

# FHIR administrative gender -> the record's sex: the export's table read backwards
GENDER = {fhir: Sex(ours) for ours, fhir in ADMINISTRATIVE_GENDER.items()}
_NAME_USES = ("official", "usual")


def read(data: bytes) -> ImportedList:
    """The patients of a Patient or a Bundle; PatientListError for anything else."""
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" (line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise PatientListError(f"not a readable JSON file{where}") from None
    kind = parsed.get("resourceType") if isinstance(parsed, dict) else None
    found = ImportedList("fhir", "FHIR patient list")
    if kind == "Patient":
        _add(found, parsed, 1)
    elif kind == "Bundle":
        entries = parsed.get("entry") or []
        if not isinstance(entries, list):
            raise PatientListError("a Bundle whose entry is not a list")
        others = 0
        for number, item in enumerate(entries, start=1):
            resource = item.get("resource") if isinstance(item, dict) else None
            if not isinstance(resource, dict) or resource.get("resourceType") != "Patient":
                others += 1
                continue
            _add(found, resource, number)
        if others:
            found.problems.append(f"{others} Bundle entr{'y' if others == 1 else 'ies'} "
                                  "not a Patient: left aside")
    else:
        raise PatientListError("not a FHIR Patient or Bundle (resourceType is "
                               f"{kind if isinstance(kind, str) and kind.isalnum() else 'missing'})")
    if not found.entries and not found.problems:
        raise PatientListError("the Bundle holds no Patient")
    return found


def _add(found: ImportedList, resource: dict[str, Any], number: int) -> None:
    try:
        entry = _entry(resource, number)
    except ValueError as exc:
        found.problems.append(f"entry {number}: {exc}")
        return
    add_entry(found, entry)


def _entry(resource: dict[str, Any], number: int) -> Entry:
    from fhir.resources.R4B.patient import Patient  # loaded on the first FHIR import

    try:
        patient = Patient.model_validate(resource)
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in e["loc"][:1]) for e in exc.errors()})
        raise ValueError(f"not a valid FHIR R4 Patient ({', '.join(fields) or 'structure'})") \
            from None
    nhs = [i.value for i in patient.identifier or [] if i.system == NHS_NUMBER_SYSTEM and i.value]
    if len(set(nhs)) > 1:
        raise ValueError("more than one NHS number")
    name = _name(patient)
    family = (name.family or "") if name else ""
    given = " ".join(name.given or []) if name else ""
    title = " ".join(name.prefix or []) if name else ""
    return make_entry(family_name=family, given_name=given, title=title,
                      date_of_birth=patient.birthDate, nhs_number=nhs[0] if nhs else "",
                      sex=GENDER.get(patient.gender or ""), line=number)


def _name(patient: Any) -> Any:
    names = patient.name or []
    for use in _NAME_USES:
        for name in names:
            if name.use == use:
                return name
    return next((n for n in names if n.use not in ("old", "anonymous", "maiden")), None)
