"""The rule set's words and sources, loaded from resources/rules/ruleset.toml.

The file is validated on load: every row and suggestion cites known sources,
and no suggestion's wording matches the never-suggest list. A broken rule file
stops the program at start rather than printing a wrong note.
"""

from __future__ import annotations

import re
import string
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from consult import resources
from consult.record.answers import Band, Category

Applies = Literal["low back pain", "sciatica", "acute", "sub-acute", "chronic"]
Route = Literal["ces", "mscc", "msk", "physio"]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Meta(_Frozen):
    version: str
    reviewed: str
    changes: list[str]


class BandWords(_Frozen):
    title: str
    meaning: str


class UnscreenedWords(BandWords):
    # beside an emergency nothing can be "more urgent than shown": other words there
    meaning_emergency: str


class RowText(_Frozen):
    kind: Literal["strong", "weak", "ng65", "referral", "outside"]
    band: Band | Literal["none"]
    suspected: str
    action: str
    within: str
    sources: list[str]
    not_spinal: bool = False  # the pain may not come from the spine
    route: Route | None = None  # the practice's local route printed with the action

    @property
    def band_or_none(self) -> Band | None:
        return None if self.band == "none" else Band(self.band)


class Deadlines(_Frozen):
    """Every row's time limit, shortest first, and the longest each band allows."""

    order: list[str] = Field(min_length=1)
    emergency: str
    urgent: str

    def rank(self, within: str) -> int:
        return self.order.index(within)

    def shortest(self, withins: list[str]) -> str | None:
        return min(withins, key=self.rank, default=None)


class RouteText(_Frozen):
    label: str
    generic: str


class SuggestionText(_Frozen):
    category: Category
    text: str
    reason: str
    sources: list[str]
    applies_to: list[Applies]


class WorkDuration(_Frozen):
    """How the work suggestions' reasons name the pain's duration, which bounds the time
    off work (the record has no "off work since")."""

    known: str  # with {duration}: "the pain has lasted {duration}"
    unknown: str

    @model_validator(mode="after")
    def _templates(self) -> WorkDuration:
        if _placeholders(self.known) != {"duration"} or _placeholders(self.unknown):
            raise ValueError("work_duration.known must use {duration} and nothing else; "
                             "work_duration.unknown no placeholder")
        return self


class Allowed(_Frozen):
    """A phrase the entry does not cover, in a context that has every tag of `when`
    (the specialist routes NICE NG59 allows; a contraindication named as one)."""

    phrase: str
    when: list[Applies]


class NeverSuggest(_Frozen):
    id: str
    what: str
    terms: list[str]
    when: list[Applies]
    allowed: list[Allowed] = []

    def matches(self, text: str, context: set[str] | None = None) -> bool:
        for allowed in self.allowed:
            if context is not None and set(allowed.when) <= context:
                text = re.sub(allowed.phrase, " ", text, flags=re.IGNORECASE)
        return _pattern(tuple(self.terms)).search(text) is not None


# The placeholders each note-version template must use, all of them and no others:
# a template that dropped {version} or {reason} would print a note that cannot say
# which version it is or why it was amended.
VERSION_FIELDS = {
    "version_line": frozenset({"note", "version", "when", "author"}),
    "amendment": frozenset({"version", "previous", "previous_when", "previous_author",
                            "reason"}),
    "superseded": frozenset({"version", "when", "author", "reason"}),
}


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


class Wording(_Frozen):
    remote_no_examination: str
    decision_support: str
    startback_form: str
    draft: str
    version_line: str  # footer of every page of a finalised note
    amendment: str  # box at the top of every page of an amended note
    superseded: str  # stamped on every page of a superseded version
    superseded_mark: str = Field(min_length=1)  # the large word across a superseded page
    # before the label of a routine row shown under a more urgent disposition
    # (wording.below_disposition): "Also: ROUTINE - within 2-4 weeks"
    below_disposition: str = Field(min_length=1)

    @model_validator(mode="after")
    def _version_templates(self) -> Wording:
        for key, wanted in VERSION_FIELDS.items():
            try:
                found = _placeholders(getattr(self, key))
            except ValueError as exc:
                raise ValueError(f"wording.{key} is not a valid template: {exc}") from None
            if found != wanted:
                missing = ", ".join(sorted(wanted - found)) or "none"
                unknown = ", ".join(sorted(found - wanted)) or "none"
                names = ", ".join("{" + name + "}" for name in sorted(wanted))
                raise ValueError(f"wording.{key} must use {names}: "
                                 f"missing {missing}; unknown {unknown}")
        return self


class StartBackWords(_Frozen):
    low: str
    medium: str
    high: str


class Ng65Words(_Frozen):
    refer: str
    hla_b27: str
    fewer: str
    incomplete: str


class RuleSet(_Frozen):
    meta: Meta
    sources: dict[str, str]
    bands: dict[Band, BandWords]
    unscreened: UnscreenedWords
    outside: BandWords
    deadlines: Deadlines
    routes: dict[Route, RouteText]
    rows: dict[str, RowText]
    suggestions: dict[str, SuggestionText]
    work_duration: WorkDuration
    safety_netting: dict[str, str]
    never_suggest: list[NeverSuggest] = Field(min_length=1)
    wording: Wording
    startback: StartBackWords
    ng65: Ng65Words
    # forbidden()'s answers for this rule set: {(text, context): entry or None}
    _forbidden_seen: dict[tuple[str, frozenset[str]], NeverSuggest | None] = PrivateAttr(
        default_factory=dict)

    # a copy starts with its own empty answers: a copy with other never-suggest entries
    # never answers from the original's (CSO review 2026-12-07b, finding 7)
    def __copy__(self) -> RuleSet:
        copied = super().__copy__()
        copied._forbidden_seen = {}
        return copied

    def __deepcopy__(self, memo: dict[int, object] | None = None) -> RuleSet:
        copied = super().__deepcopy__(memo)
        copied._forbidden_seen = {}
        return copied

    @property
    def version(self) -> str:
        return self.meta.version

    def cite(self, source_ids: list[str]) -> str:
        return "; ".join(self.sources[s] for s in source_ids)

    def forbidden(self, text: str, context: set[str]) -> NeverSuggest | None:
        """The never-suggest entry `text` falls under in this context, if any (remembered
        per rule set, text and context: the guard runs on every answer, on the same
        suggestions' words, about 150 regular-expression searches each time)."""
        seen = self._forbidden_seen
        key = (text, frozenset(context))
        if key not in seen:
            if len(seen) >= 4096:
                seen.clear()
            seen[key] = self._forbidden(text, context)
        return seen[key]

    def _forbidden(self, text: str, context: set[str]) -> NeverSuggest | None:
        for entry in self.never_suggest:
            if (not entry.when or context.intersection(entry.when)) and entry.matches(text, context):
                return entry
        return None

    def unscreened_meaning(self, band: Band) -> str:
        """What 'not yet fully screened' means beside this band: the disposition may be
        more urgent than shown, except beside an emergency, where other red flags may
        be found (CSO review 2026-12-07 finding 13)."""
        u = self.unscreened
        return u.meaning_emergency if band is Band.EMERGENCY else u.meaning

    def headline(self, band: Band, within: str | None, *, screened: bool = True,
                 outside: bool = False) -> str:
        """The disposition as every screen shows it: 'URGENT - within 24 hours', the band
        with the most urgent fired row's deadline (the band's general range only where no
        row gives one); never a plain ROUTINE while red flags are unscreened or an
        outside-this-pathway row fired."""
        unscreened = f"{self.unscreened.title} - {self.unscreened_meaning(band)}"
        if band is Band.ROUTINE and outside:
            words = f"{self.outside.title} - {self.outside.meaning}"
            return words if screened else f"{words}. {self.unscreened.title}"
        if band is Band.ROUTINE and not screened:
            return unscreened
        title = self.bands[band].title
        if within is None or within == "as the GP judges":
            words = f"{title} - {self.bands[band].meaning}"
        else:
            words = f"{title} - " + ("act now" if within == "now" else deadline_words(within))
        return words if screened else f"{words}. {unscreened}"

    @model_validator(mode="after")
    def _consistent(self) -> RuleSet:
        cited = [s for r in self.rows.values() for s in r.sources]
        cited += [s for g in self.suggestions.values() for s in g.sources]
        unknown = sorted(set(cited) - set(self.sources))
        if unknown:
            raise ValueError(f"unknown source ids: {', '.join(unknown)}")
        for key, g in self.suggestions.items():
            applies = set(g.applies_to)
            for words in (g.text, g.reason):
                hit = self.forbidden(words, applies)
                if hit:
                    raise ValueError(f"suggestion {key} names never-suggest item {hit.id}")
        for key, row in self.rows.items():  # row actions become suggestions too
            for words in (row.action, row.suspected):
                hit = self.forbidden(words, {"low back pain", "sciatica", "acute",
                                             "sub-acute", "chronic"})
                if hit:
                    raise ValueError(f"row {key} names never-suggest item {hit.id}")
        if set(self.bands) != set(Band):
            raise ValueError("every band needs its words")
        d = self.deadlines
        for key, row in self.rows.items():
            if row.within not in d.order:
                raise ValueError(f"row {key}: deadline {row.within!r} is not one of [deadlines] order")
            limit = {Band.EMERGENCY: d.emergency, Band.URGENT: d.urgent}.get(row.band_or_none)
            if limit is not None and d.rank(row.within) > d.rank(limit):
                raise ValueError(f"row {key}: deadline {row.within!r} is too long for its band "
                                 f"{row.band} (at most {limit!r})")
        if set(self.routes) != set(Route.__args__):  # type: ignore[attr-defined]
            raise ValueError("every local route needs its label and generic words")
        return self


def deadline_words(within: str) -> str:
    """A row's time limit in words: 'now', 'the same day', 'within 48 hours'."""
    if within in ("now", "as the GP judges"):
        return within
    if within == "same day":
        return "the same day"
    return f"within {within}"


@cache
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    """One compiled alternation per never-suggest entry (the guard runs on every answer)."""
    return re.compile("|".join(f"(?:{t})" for t in terms), re.IGNORECASE)


@cache
def load() -> RuleSet:
    return RuleSet.model_validate(resources.toml("rules", "ruleset.toml"))
