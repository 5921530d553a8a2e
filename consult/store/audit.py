"""The audit trail: append-only, each entry chained to the previous by SHA-256.

An entry's hash covers its sequence number, time, user, workstation, action, note,
version, detail and the previous entry's hash, so changing, removing or reordering
any entry breaks the chain from there on. `verify()` also checks every stored note
version against its "finalised"/"amended" entry and its stored PDF against the
recorded SHA-256, which finds a note whose entry was cut off the end of the trail.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from consult.store.schema import audit, notes

GENESIS = "0" * 64
ACTIONS = ("created", "finalised", "amended", "exported", "printed", "discarded")


def canonical(detail: Mapping[str, Any]) -> str:
    return json.dumps(dict(detail), sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def entry_hash(row: Mapping[str, Any]) -> str:
    fields = [str(row["seq"]), row["at"], row["user_name"], row["workstation"], row["action"],
              row["note_id"] or "", "" if row["version"] is None else str(row["version"]),
              row["detail"], row["prev_hash"]]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=True).encode("ascii")).hexdigest()


LISTED = ("note_id", "version", "given_name", "family_name", "search_name", "nhs_number",
          "date_of_birth", "consultation_date", "finalised_at", "author", "clinician", "amend_reason")


def listed_digest(row: Mapping[str, Any]) -> str:
    """SHA-256 of what the notes list shows and searches for a note version: changing
    the patient's name, NHS number or dates of a stored note shows in `verify`."""
    values = [None if row[k] is None else str(row[k]) for k in LISTED]
    return hashlib.sha256(json.dumps(values, ensure_ascii=True).encode("ascii")).hexdigest()


def append(conn: Connection, *, at: str, user: str, workstation: str, action: str,
           note_id: str | None = None, version: int | None = None,
           detail: Mapping[str, Any] | None = None) -> int:
    """Add one entry; the caller holds the store's write lock, in one transaction."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    last = conn.execute(select(audit.c.seq, audit.c.hash).order_by(audit.c.seq.desc()).limit(1)).first()
    row = {"seq": (last.seq + 1) if last else 1, "at": at, "user_name": user,
           "workstation": workstation, "action": action, "note_id": note_id, "version": version,
           "detail": canonical(detail or {}), "prev_hash": last.hash if last else GENESIS}
    row["hash"] = entry_hash(row)
    conn.execute(audit.insert().values(**row))
    return row["seq"]


@dataclass
class Report:
    entries: int = 0
    notes: int = 0
    problems: list[str] = field(default_factory=list)
    head: tuple[int, str] | None = None  # the newest entry: (sequence number, hash)

    @property
    def ok(self) -> bool:
        return not self.problems


def _check_chain(rows: Iterable[Mapping[str, Any]], report: Report) -> dict[tuple[str, int], dict]:
    """Check the chain; return what each finalised/amended entry recorded."""
    expected_seq, prev = 1, GENESIS
    recorded: dict[tuple[str, int], dict] = {}
    for row in rows:
        report.entries += 1
        if row["seq"] != expected_seq:
            missing = (f"entry {expected_seq}" if row["seq"] == expected_seq + 1
                       else f"entries {expected_seq} to {row['seq'] - 1}")
            report.problems.append(f"audit {missing} missing (the trail jumps to entry {row['seq']})")
        if row["prev_hash"] != prev:
            report.problems.append(f"audit entry {row['seq']}: does not follow the entry before it "
                                   "(an entry before it was altered, removed or inserted)")
        if entry_hash(row) != row["hash"]:
            report.problems.append(f"audit entry {row['seq']} ({row['action']}, {row['at']}): "
                                   "altered after it was written")
        if row["action"] in ("finalised", "amended") and row["note_id"] and row["version"]:
            try:
                detail = json.loads(row["detail"])
            except ValueError:
                detail = {}
            recorded[(row["note_id"], row["version"])] = detail if isinstance(detail, dict) else {}
        report.head = (row["seq"], row["hash"])
        expected_seq, prev = row["seq"] + 1, row["hash"]
    return recorded


def verify(conn: Connection, checkpoint: tuple[int, str] | None = None) -> Report:
    """Check the chain, every stored note version against its entry, and (given the
    head a previous run printed) that the trail still holds that entry unchanged:
    entries removed from the end cannot be seen from the trail alone."""
    report = Report()
    rows = conn.execute(select(audit).order_by(audit.c.seq)).mappings()
    recorded = _check_chain(rows, report)
    if checkpoint is not None:
        seq, digest = checkpoint
        if report.head is None or report.head[0] < seq:
            report.problems.append(f"the trail ends before entry {seq}, which the last check saw: "
                                   "entries were removed from the end")
        else:
            kept = conn.execute(select(audit.c.hash).where(audit.c.seq == seq)).scalar()
            if kept != digest:
                report.problems.append(f"entry {seq} is not the one the last check saw: "
                                       "the trail was rewritten")
    listed = [c for c in notes.c if c.name in LISTED]
    stored = conn.execute(select(*listed, notes.c.pdf_sha256, notes.c.record_sha256,
                                 notes.c.record_json).order_by(notes.c.id)).mappings().all()
    for row in stored:
        report.notes += 1
        key = (row["note_id"], row["version"])
        name = f"note {row['note_id'][:8].upper()} version {row['version']}"
        entry = recorded.get(key)
        if entry is None:
            report.problems.append(f"{name}: no audit entry records it being finalised")
            continue
        if entry.get("pdf_sha256") != row["pdf_sha256"]:
            report.problems.append(f"{name}: its PDF hash differs from the one the audit trail recorded")
        record_sha = hashlib.sha256(row["record_json"].encode("utf-8")).hexdigest()
        if "record_sha256" in entry and entry["record_sha256"] != record_sha:
            report.problems.append(f"{name}: its stored record was altered after it was finalised")
        if "listed_sha256" in entry and entry["listed_sha256"] != listed_digest(row):
            report.problems.append(f"{name}: the patient details or dates the notes list shows "
                                   "were altered after it was finalised")
    for note_id, version in recorded.keys() - {(r["note_id"], r["version"]) for r in stored}:
        report.problems.append(f"note {note_id[:8].upper()} version {version}: recorded in the audit "
                               "trail but missing from the store")
    report.problems.extend(_pdf_hash_mismatches(conn))
    return report


def _pdf_hash_mismatches(conn: Connection) -> Iterable[str]:
    """Stored PDFs whose bytes no longer match their own recorded SHA-256."""
    result = conn.execution_options(yield_per=50).execute(
        select(notes.c.note_id, notes.c.version, notes.c.pdf, notes.c.pdf_sha256).order_by(notes.c.id))
    for row in result:
        if hashlib.sha256(row.pdf).hexdigest() != row.pdf_sha256:
            yield (f"note {row.note_id[:8].upper()} version {row.version}: "
                   "its PDF was altered after it was finalised")
