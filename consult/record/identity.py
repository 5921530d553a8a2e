"""The identity check belongs to the identifiers it was made against.

"Patient identity confirmed: Yes" recorded before the patient was chosen from the list,
or before a name, date of birth or NHS number was corrected, confirmed other details
than the note prints (a GP's walk-through, 2026-12-07: T, Y for mode and identity, then
the patient chosen from the list with Ctrl+K: the Yes stayed). Such a change sets the
confirmation back to "not asked", to be confirmed again with the patient. Details typed
for the first time into empty fields after the Yes (a GP working down the form) do not.
"""

from __future__ import annotations

from consult.record.answers import Answer
from consult.record.model import Record, value_at

IDENTIFIERS = ("patient.family_name", "patient.given_name", "patient.date_of_birth",
               "patient.nhs_number")
"""What the GP checks with the patient (the sex is recorded, not an identifier)."""

Details = dict[str, object]


def details(record: Record) -> Details:
    """The identifiers as they are now (kept when the identity is confirmed)."""
    return {path: value_at(record, path) for path in IDENTIFIERS}


def corrected_since(record: Record, confirmed: Details) -> list[str]:
    """The identifiers that held a value when the identity was confirmed and now differ."""
    now = details(record)
    return [p for p, was in confirmed.items() if was not in (None, "") and now[p] != was]


def ask_again(record: Record) -> bool:
    """Set a confirmed identity back to "not asked"; True when it was confirmed."""
    if record.consultation.identity_confirmed is not Answer.YES:
        return False
    record.consultation.identity_confirmed = Answer.NOT_ASKED
    return True
