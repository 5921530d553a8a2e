"""The GP's plan: the checklist the GP edits, accepting suggestions, confirming, and
noticing when it went stale.

The GP has the last word: any plan can be confirmed. Confirmation records a
fingerprint of the assessment it was made against (rule-set version, fired
rows, suggestions) and of the plan's items; when the answers change the
assessment, or the plan changes, the completeness check asks the GP to confirm
again before the note can be final.

`PlanEditor` is the plan as the GP edits it, without Qt: it holds a record and the
current assessment and answers which rows the checklist shows (`rows()`) and what
each action of the GP does to `record.plan` (tick, untick, edit, add, insert,
remove, accept the suggestions, confirm). The panel (forms) only draws the rows and
forwards the GP's actions here.

Rows, in order: every current suggestion (ticked when its item is in the plan),
then the plan's other items and the ones the GP set aside, in the order first seen
(the GP's own items and items no longer suggested). Unticking takes an item out of
the plan but keeps the GP's version aside (edited text, former place), so ticking
it again puts back exactly what was there. An edited suggestion keeps its edit
while the suggestion still applies (accepting again keeps it too).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from pydantic import ValidationError

from consult.record.answers import Category
from consult.record.model import PlanItem, Record
from consult.rules import wording
from consult.rules.assessment import Assessment, Suggestion
from consult.rules.engine import assess


def fingerprint(assessment: Assessment, items: list[PlanItem]) -> str:
    """What the GP confirmed: the assessment shown and the plan's items as they stood."""
    basis = [assessment.rules_version, assessment.band.value,
             [r.id for r in assessment.fired], [s.id for s in assessment.suggestions],
             [[i.suggestion_id, i.text] for i in items]]
    return hashlib.sha256(json.dumps(basis).encode()).hexdigest()[:16]


def accept_suggestions(record: Record, assessment: Assessment | None = None) -> None:
    """Put every current suggestion in the plan; keep the GP's edits and own items."""
    assessment = assessment or assess(record)
    edited = {i.suggestion_id: i for i in record.plan.items if i.edited and i.suggestion_id}
    own = [i for i in record.plan.items if i.suggestion_id is None]
    record.plan.items = [
        edited.get(s.id) or PlanItem(suggestion_id=s.id, text=s.text, reason=s.reason,
                                     source=s.source, category=s.category)
        for s in assessment.suggestions
    ] + own


def confirm(record: Record, assessment: Assessment | None = None) -> None:
    assessment = assessment or assess(record)
    record.plan.confirmed_for = fingerprint(assessment, record.plan.items)
    record.plan.confirmed = True


def is_stale(record: Record, assessment: Assessment) -> bool:
    """Confirmed, but the assessment or the plan's items have changed since."""
    return record.plan.confirmed and \
        record.plan.confirmed_for != fingerprint(assessment, record.plan.items)


# ---------------------------------------------------------------------------
# The plan as the GP edits it

EDITED = "edited"
OWN = "your own item"
RETIRED = "no longer suggested"

NOT_CONFIRMED = "not_confirmed"
CONFIRMED = "confirmed"
STALE = "stale"
STATUS_WORDS = {
    NOT_CONFIRMED: "Not confirmed",
    CONFIRMED: "Plan confirmed",
    STALE: "Answers changed since the plan was confirmed: confirm again",
}

@dataclass(frozen=True)
class PlanRow:
    """One line of the checklist: a current suggestion and/or a plan item."""

    key: str  # "s:<suggestion id>", or "o:<identity>" for an item with no current suggestion
    text: str
    ticked: bool
    marker: str  # "", EDITED, OWN, RETIRED
    category: Category
    reason: str
    source: str
    suggestion: Suggestion | None
    item: PlanItem | None  # the plan item (ticked) or the GP's version put aside (unticked)

    @property
    def own(self) -> bool:
        return self.marker == OWN

    @property
    def lines(self) -> tuple[tuple[str, str], ...]:
        """(label, text) lines saying what the row is: category and origin, why, source."""
        origin = {EDITED: wording.PANEL_EDITED, OWN: wording.PANEL_OWN,
                  RETIRED: wording.PANEL_RETIRED}.get(self.marker, wording.SUGGESTED)
        out = [("", f"{wording.category_words(self.category)} \u00b7 {origin}")]
        if self.reason and not self.own:
            out.append(("Why: ", self.reason))
        if self.source:
            out.append(("Source: ", self.source))
        return tuple(out)

    @property
    def description(self) -> str:
        """The lines as plain text (a tooltip, a screen reader's description)."""
        return "\n".join(label + text for label, text in self.lines)


def item_key(item: PlanItem) -> str:
    return f"s:{item.suggestion_id}" if item.suggestion_id is not None else f"o:{id(item)}"


class PlanEditor:
    """The plan-editing state over one record and its current assessment.

    Every action returns True when `record.plan` changed (the caller saves and redraws);
    False when it was refused or only changed what is kept aside.
    """

    def __init__(self, record: Record | None = None,
                 assessment: Assessment | None = None) -> None:
        self.record: Record | None = None
        self.assessment: Assessment | None = assessment
        self._aside: dict[str, tuple[PlanItem, int]] = {}  # unticked GP versions, former index
        self._order: dict[str, int] = {}  # first-seen order of rows beyond the suggestions
        if record is not None:
            self.set_record(record)

    # -- inputs ----------------------------------------------------------------

    def set_record(self, record: Record | None) -> None:
        """A new record: nothing set aside, no order remembered."""
        self.record = record
        self._aside.clear()
        self._order.clear()

    def set_assessment(self, assessment: Assessment | None) -> None:
        self.assessment = assessment

    @property
    def suggestions(self) -> list[Suggestion]:
        return self.assessment.suggestions if self.assessment else []

    # -- rows ------------------------------------------------------------------

    def rows(self) -> list[PlanRow]:
        record = self.record
        if record is None:
            return []
        items = record.plan.items
        by_key: dict[str, PlanItem] = {}
        for item in items:
            by_key.setdefault(item_key(item), item)
        rows = []
        suggested = set()
        for s in self.suggestions:
            key = f"s:{s.id}"
            suggested.add(key)
            item = by_key.get(key)
            shown = item if item is not None else self._aside.get(key, (None, 0))[0]
            marker = EDITED if shown is not None and shown.edited else ""
            base: PlanItem | Suggestion = shown if shown is not None else s
            rows.append(PlanRow(key, base.text, item is not None, marker, base.category,
                                base.reason, base.source, s, shown))
        extra: list[tuple[str, PlanItem, bool]] = []
        for item in items:
            key = item_key(item)
            if key not in suggested and by_key.get(key) is item:
                extra.append((key, item, True))
        for key, (item, _at) in self._aside.items():
            if key not in suggested and key not in by_key:
                extra.append((key, item, False))
        for key, _item, _t in extra:
            self._order.setdefault(key, len(self._order))
        extra.sort(key=lambda e: self._order[e[0]])
        for key, item, ticked in extra:
            marker = OWN if item.suggestion_id is None else RETIRED
            rows.append(PlanRow(key, item.text, ticked, marker, item.category, item.reason,
                                item.source, None, item))
        return rows

    def row(self, key: str) -> PlanRow | None:
        return next((r for r in self.rows() if r.key == key), None)

    @property
    def can_accept(self) -> bool:
        return self.record is not None and bool(self.suggestions)

    # -- actions ---------------------------------------------------------------

    def tick(self, key: str, on: bool = True) -> bool:
        """Tick (put in the plan, in suggestion order before the GP's own items, or back
        where it was) or untick (out of the plan, kept aside to tick again)."""
        row = self.row(key)
        if self.record is None or row is None or row.ticked == on:
            return False
        items = list(self.record.plan.items)
        if not on:
            at = next((i for i, it in enumerate(items) if item_key(it) == key), None)
            if at is None:
                return False
            self._aside[key] = (items.pop(at), at)
        else:
            aside = self._aside.pop(key, None)
            if aside is not None:
                item, at = aside
            else:
                s = row.suggestion
                if s is None:
                    return False
                item = PlanItem(suggestion_id=s.id, text=s.text, reason=s.reason,
                                source=s.source, category=s.category)
                at = len(items)
            items.insert(self.insert_at(items, item, at), item)
        self.record.plan.items = items
        return True

    def untick(self, key: str) -> bool:
        return self.tick(key, False)

    def edit(self, key: str, text: str) -> bool:
        """The GP's own words for a row. An empty text is refused. A suggestion's item is
        marked edited when its text differs from the suggestion's. An unticked row keeps
        the edit aside (the plan is unchanged until it is ticked)."""
        row = self.row(key)
        if self.record is None or row is None:
            return False
        text = text.strip()
        if not text:
            return False
        item = row.item
        try:
            if item is None:  # an unticked suggestion never touched: keep the GP's version aside
                s = row.suggestion
                if s is None:
                    return False
                self._aside[key] = (PlanItem(suggestion_id=s.id, text=text, reason=s.reason,
                                             source=s.source, category=s.category,
                                             edited=text != s.text),
                                    len(self.record.plan.items))
                return False
            item.text = text
            if item.suggestion_id is not None:
                original = row.suggestion.text if row.suggestion else None
                item.edited = True if original is None else text != original
        except ValidationError:
            return False
        # Reassign so the change goes through the plan's validation too.
        self.record.plan.items = list(self.record.plan.items)
        return row.ticked

    def add(self, text: str, category: Category = Category.FOLLOW_UP) -> PlanItem | None:
        """The GP's own item, at the end of the plan; None when refused (empty text)."""
        if self.record is None:
            return None
        text = text.strip()
        if not text:
            return None
        try:
            item = PlanItem(suggestion_id=None, text=text, reason=wording.OWN_ITEM,
                            category=category)
        except ValidationError:
            return None
        self.record.plan.items = [*self.record.plan.items, item]
        return item

    def insert(self, item: PlanItem, at: int) -> bool:
        """Put an item in the plan at a position (for a suggestion: its place in
        suggestion order, as ticking does)."""
        if self.record is None:
            return False
        items = list(self.record.plan.items)
        items.insert(self.insert_at(items, item, at), item)
        self.record.plan.items = items
        self._aside.pop(item_key(item), None)
        return True

    def remove(self, key: str) -> bool:
        """Take a row out for good: out of the plan and not kept aside (a current
        suggestion still shows, unticked, as suggested)."""
        if self.record is None:
            return False
        self._aside.pop(key, None)
        items = [i for i in self.record.plan.items if item_key(i) != key]
        if len(items) == len(self.record.plan.items):
            return False  # at most a version kept aside went: the plan is unchanged
        self.record.plan.items = items
        return True

    def insert_at(self, items: list[PlanItem], item: PlanItem, former: int) -> int:
        """Where a ticked item goes: in suggestion order before the GP's own items."""
        order = {s.id: n for n, s in enumerate(self.suggestions)}
        if item.suggestion_id is None or item.suggestion_id not in order:
            return min(former, len(items))
        mine = order[item.suggestion_id]
        for n, other in enumerate(items):
            theirs = order.get(other.suggestion_id) if other.suggestion_id else None
            if other.suggestion_id is None or (theirs is not None and theirs > mine):
                return n
        return len(items)

    def accept(self) -> bool:
        """Every current suggestion in the plan; the GP's edits and own items kept."""
        if self.record is None or self.assessment is None:
            return False
        accept_suggestions(self.record, self.assessment)
        self._aside = {k: v for k, v in self._aside.items() if k.startswith("o:")}
        return True

    def confirm(self) -> bool:
        """Record that the GP reviewed this plan against the current assessment."""
        if self.record is None or self.assessment is None:
            return False
        confirm(self.record, self.assessment)  # the module's function
        return True

    # -- status ----------------------------------------------------------------

    def fingerprint(self) -> str | None:
        if self.record is None or self.assessment is None:
            return None
        return fingerprint(self.assessment, self.record.plan.items)  # the module's function

    @property
    def is_stale(self) -> bool:
        """Confirmed, but the assessment or the plan changed since."""
        return self.record is not None and self.assessment is not None \
            and is_stale(self.record, self.assessment)  # the module's function

    @property
    def status(self) -> str:
        """NOT_CONFIRMED, CONFIRMED or STALE (STATUS_WORDS says it in words)."""
        if self.record is None or not self.record.plan.confirmed:
            return NOT_CONFIRMED
        return STALE if self.is_stale else CONFIRMED
