"""Keele STarT Back scoring (clinical reference, section 4).

All nine items are needed for a score; partial answers give no stratum.
"""

from __future__ import annotations

from consult.record.answers import Agreement, Bothersome
from consult.record.model import StartBack
from consult.rules.assessment import StartBackResult
from consult.rules.ruleset import load

ITEMS_1_TO_8 = ("leg_pain", "shoulder_neck_pain", "walking", "dressing",
                "fear", "anxiety", "catastrophising", "low_mood")
DISTRESS_1_TO_4 = ("fear", "anxiety", "catastrophising", "low_mood")  # items 5-8



def score(answers: StartBack) -> StartBackResult | None:
    values = [getattr(answers, name) for name in ITEMS_1_TO_8]
    if any(v is None for v in values) or answers.bothersome is None:
        return None
    item9 = int(answers.bothersome in (Bothersome.VERY_MUCH, Bothersome.EXTREMELY))
    points = {name: int(getattr(answers, name) is Agreement.AGREE) for name in ITEMS_1_TO_8}
    total = sum(points.values()) + item9
    distress = sum(points[name] for name in DISTRESS_1_TO_4) + item9
    if distress >= 4:
        stratum = "high"
    elif total >= 4:
        stratum = "medium"
    else:
        stratum = "low"
    return StartBackResult(total=total, distress=distress, stratum=stratum,
                           matched_care=getattr(load().startback, stratum))
