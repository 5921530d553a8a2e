"""What the rules return: the assessment of one record."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from consult.record.answers import Band, Category

NOT_FULLY_SCREENED = "not_fully_screened"
OUTSIDE_PATHWAY = "outside_pathway"


class _Result(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FiredRow(_Result):
    id: str
    kind: str  # strong | weak | ng65 | referral | outside
    band: Band | None  # None: outside the pathway, band left to the GP
    suspected: str
    findings: list[str]
    action: str
    within: str
    source: str


class Suggestion(_Result):
    id: str
    text: str
    reason: str
    source: str
    category: Category
    applies_to: list[str]


class StartBackResult(_Result):
    total: int
    distress: int
    stratum: str  # low | medium | high
    matched_care: str


class Ng65Result(_Result):
    count: int
    criteria_met: list[str]
    not_asked: list[str]
    outcome: str


class Assessment(_Result):
    rules_version: str
    band: Band
    within: str | None  # the shortest deadline of the fired rows (None: no row gives one)
    headline: str  # 'URGENT - within 24 hours': the band with that deadline
    not_from_spine: bool  # a fired row says the pain may not come from the spine
    red_flags_screened: bool
    unscreened: list[str]
    fired: list[FiredRow]
    outside_pathway: list[str]
    suggestions: list[Suggestion]
    startback: StartBackResult | None
    ng65: Ng65Result | None

    @property
    def disposition(self) -> str:
        """The band, except that a record never reads as plain routine when an
        outside-this-pathway row fired or red flags are unscreened."""
        if self.band is Band.ROUTINE and any(r.kind == "outside" for r in self.fired):
            return OUTSIDE_PATHWAY
        if not self.red_flags_screened and self.band is Band.ROUTINE:
            return NOT_FULLY_SCREENED
        return self.band.value

    @property
    def red_flag_rows(self) -> list[FiredRow]:
        """Rows that raise urgency (strong and weak flags above routine), most urgent first."""
        return [r for r in self.fired if r.kind in ("strong", "weak") and r.band
                and r.band is not Band.ROUTINE]
