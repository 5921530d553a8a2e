"""Facts derived from a record: age, duration, phase, condition, neurology.

Derived once, here, so the rules, the completeness check and the note agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from consult.record.answers import Answer, DurationUnit, Episode, LegExtent
from consult.record.dates import age_on
from consult.record.model import Record

DAYS_PER_UNIT = {
    DurationUnit.DAYS: 1.0,
    DurationUnit.WEEKS: 7.0,
    DurationUnit.MONTHS: 365.25 / 12,
    DurationUnit.YEARS: 365.25,
}

ACUTE_DAYS = 42  # under 6 weeks
CHRONIC_DAYS = 84  # over 12 weeks
NG65_DAYS = 3 * 365.25 / 12  # more than 3 months


@dataclass(frozen=True)
class Facts:
    age: int | None
    duration_days: float | None
    phase: str | None  # "acute" | "sub-acute" | "chronic"
    condition: str  # "low back pain" | "sciatica"
    onset_age: float | None
    neuro_symptoms: list[str]

    @property
    def context(self) -> set[str]:
        """Tags for the never-suggest list; an unknown phase is treated as every phase."""
        phases = {self.phase} if self.phase else {"acute", "sub-acute", "chronic"}
        return {self.condition} | phases


def duration_days(record: Record) -> float | None:
    h = record.history
    if h.duration_value is None or h.duration_unit is None:
        return None
    return h.duration_value * DAYS_PER_UNIT[h.duration_unit]


def phase_of(days: float | None) -> str | None:
    if days is None:
        return None
    if days < ACUTE_DAYS:
        return "acute"
    if days <= CHRONIC_DAYS:
        return "sub-acute"
    return "chronic"


def is_sciatica(record: Record) -> bool:
    legs = record.legs
    return legs.pain is Answer.YES and legs.pain_extent is LegExtent.BELOW_KNEE


def neuro_symptoms(record: Record) -> list[str]:
    """Neurological symptoms in the history, in words (for MSCC and infection rows)."""
    legs, rf = record.legs, record.red_flags
    found = []
    if legs.pain is Answer.YES and legs.pain_extent is not LegExtent.ABOVE_KNEE:
        found.append("radicular leg pain")
    if legs.weakness is Answer.YES:
        found.append("leg weakness")
    if legs.numbness is Answer.YES:
        found.append("numbness or pins and needles")
    if rf.gait_disturbance is Answer.YES:
        found.append("neurological gait disturbance")
    if rf.ces_bladder.answer is Answer.YES or rf.ces_bowel.answer is Answer.YES:
        found.append("bladder or bowel change")
    if rf.ces_saddle_numbness.answer is Answer.YES:
        found.append("saddle numbness")
    for item, words in ((rf.ces_numbness_both_legs, "numbness in both legs"),
                        (rf.ces_sciatica_both_legs, "sciatica in both legs"),
                        (rf.ces_weakness_both_legs, "weakness in both legs")):
        if item.answer is Answer.YES:
            found.append(words)
    return found


def derive(record: Record) -> Facts:
    c, p = record.consultation, record.patient
    age = age_on(p.date_of_birth, c.date) if p.date_of_birth and c.date else None
    days = duration_days(record)
    onset_age = None
    if p.date_of_birth and c.date and days is not None:
        onset_age = ((c.date - p.date_of_birth).days - days) / 365.25
    return Facts(
        age=age,
        duration_days=days,
        phase=phase_of(days),
        condition="sciatica" if is_sciatica(record) else "low back pain",
        onset_age=onset_age,
        neuro_symptoms=neuro_symptoms(record),
    )


def first_episode_age_flag(record: Record, facts: Facts) -> Answer:
    """Weak flag: a first episode starting at age over 50 or under 20."""
    episode = record.history.episode
    if episode is Episode.RECURRENT:
        return Answer.NO
    if episode is None or facts.onset_age is None:
        return Answer.NOT_ASKED
    return Answer.YES if facts.onset_age > 50 or facts.onset_age < 20 else Answer.NO
