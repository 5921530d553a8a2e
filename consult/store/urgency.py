"""How urgent each finalised note is, for the staff's list: the disposition the rules
give the note's stored answers.

    found = urgencies(store, [info.key for info in store.notes()])
    found[key].disposition   # "emergency" ... "routine", "not_fully_screened", "outside_pathway"

Worked out from the stored record (no column of its own, so no migration): a note's
answers never change, so a caller may keep what it was told. The rules are the ones
installed now; where the note was finalised under another rule-set version the result
says so (`rules_differ`), since its printed disposition may differ. A record that cannot
be read, or whose answers no longer match their stored SHA-256, gives no disposition
(`disposition` None, `problem` saying why): never a guess.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from consult.record.file import RecordFileError, loads
from consult.rules.engine import assess
from consult.rules.ruleset import RuleSet
from consult.rules.ruleset import load as load_rules
from consult.store.model import record_digest
from consult.store.schema import notes
from consult.store.store import Store

BATCH = 200   # note ids per query


@dataclass(frozen=True)
class Urgency:
    disposition: str | None   # Assessment.disposition; None when the record cannot be read
    headline: str             # "URGENT - within 1 week", or why there is none
    within: str | None        # the most urgent fired row's deadline
    rules_version: str        # the rule set that assessed it (installed now)
    finalised_with: str       # the rule set the note was finalised with
    problem: str = ""         # why there is no disposition

    @property
    def rules_differ(self) -> bool:
        return self.rules_version != self.finalised_with


def assess_stored(record_json: object, record_sha256: str | None, finalised_with: str,
                  rules: RuleSet) -> Urgency:
    """The urgency of one stored record (its text and the SHA-256 stored with it)."""
    def unreadable(problem: str) -> Urgency:
        return Urgency(None, f"Urgency not known: {problem}", None, rules.version,
                       finalised_with, problem)

    if not isinstance(record_json, str):
        return unreadable("its answers cannot be read; read the note")
    if record_sha256 is not None and \
            record_digest(record_json) != record_sha256:
        return unreadable("its answers were altered after it was finalised; read the note")
    try:
        record = loads(record_json, origin="stored note")
    except RecordFileError:
        return unreadable("its answers cannot be read; read the note")
    assessment = assess(record, rules)
    return Urgency(assessment.disposition, assessment.headline, assessment.within,
                   rules.version, finalised_with)


def urgencies(store: Store, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Urgency]:
    """The urgency of each (note id, version); keys not in the store are left out.
    StoreError when the database cannot be read."""
    wanted = set(keys)
    rules = load_rules()
    found: dict[tuple[str, int], Urgency] = {}
    ids = sorted({note_id for note_id, _ in wanted})
    columns = (notes.c.note_id, notes.c.version, notes.c.record_json, notes.c.record_sha256,
               notes.c.ruleset_version)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        with store._reading("cannot read the notes' answers") as conn:   # same package
            rows = conn.execute(select(*columns).where(notes.c.note_id.in_(chunk))).all()
        for row in rows:
            key = (row.note_id, row.version)
            if key not in wanted:
                continue
            found[key] = assess_stored(row.record_json, row.record_sha256,
                                       str(row.ruleset_version), rules)
    return found
