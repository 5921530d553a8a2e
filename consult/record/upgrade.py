"""Upgrading a record file of an earlier format to the current one (format 2).

An upgrade never invents an answer and never drops one. New questions start as
"not asked". Where a format-1 answer cannot be carried into the new questions as
it stands (one question became two, or a narrower one), the new questions stay
"not asked" and the old answer is kept, in words, in `upgrade_notes`: the note
prints it and the completeness check asks the new questions.

Format 1 -> 2 (rule set 2026.12.1, clinical reference revision 3):
- medicines.pregnant_or_breastfeeding -> medicines.pregnant and medicines.breastfeeding
  (No -> both No; Yes -> both not asked, kept as a note);
- medicines.asthma -> medicines.nsaid_sensitive_asthma (No -> No; Yes -> not asked,
  kept as a note: not every asthma is made worse by NSAIDs);
- medicines.anticoagulant -> risk.anticoagulant (moved, unchanged);
- legs.weakness_onset on the 14-day scale -> the 3-month scale (within 14 days ->
  within 3 months; more than 14 days -> unsure, kept as a note; unsure -> unsure).
"""

from __future__ import annotations

import copy
from typing import Any

ANSWER_WORDS = {"yes": "Yes", "no": "No", "not_asked": "Not asked"}


def _section(data: dict[str, Any], name: str) -> dict[str, Any]:
    section = data.get(name)
    if section is None:
        section = data[name] = {}
    return section if isinstance(section, dict) else {}


def _note(field: str, still: list[str], text: str) -> dict[str, Any]:
    return {"field": field, "still": still, "text": text}


def from_1(data: dict[str, Any]) -> dict[str, Any]:
    """A format-1 record (as parsed JSON) in format 2. Shapes it does not know are left
    for the record model to refuse with its usual message."""
    data = copy.deepcopy(data)
    notes: list[str] = []
    medicines = _section(data, "medicines")
    if "pregnant_or_breastfeeding" in medicines:
        old = medicines.pop("pregnant_or_breastfeeding")
        if old == "no":
            medicines["pregnant"] = medicines["breastfeeding"] = "no"
        elif old == "yes":
            notes.append(_note("medicines.pregnant", ["not_asked"],
                               "Pregnant or breastfeeding: Yes (asked as one question before "
                               "December 2026): ask pregnancy and breastfeeding separately."))
        elif old != "not_asked":
            medicines["pregnant_or_breastfeeding"] = old  # refused below, named
    if "asthma" in medicines:
        old = medicines.pop("asthma")
        if old == "no":
            medicines["nsaid_sensitive_asthma"] = "no"
        elif old == "yes":
            notes.append(_note("medicines.nsaid_sensitive_asthma", ["not_asked"],
                               "Asthma: Yes (recorded before December 2026): ask whether "
                               "NSAIDs make it worse."))
        elif old != "not_asked":
            medicines["asthma"] = old
    if "anticoagulant" in medicines:
        _section(data, "risk")["anticoagulant"] = medicines.pop("anticoagulant")
    legs = _section(data, "legs")
    onset = legs.get("weakness_onset")
    if onset == "within_14_days":
        legs["weakness_onset"] = "within_3_months"
    elif onset == "more_than_14_days":
        legs["weakness_onset"] = "unsure"
        notes.append(_note("legs.weakness_onset", ["unsure"],
                           "Leg weakness started more than 14 days ago (recorded before "
                           "December 2026): ask whether within 3 months or longer."))
    data["format_version"] = 2
    if notes:
        data["upgrade_notes"] = [*data.get("upgrade_notes", []), *notes]
    return data


UPGRADES = {1: from_1}
