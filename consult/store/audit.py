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

from sqlalchemy import Connection, func, select

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

    @property
    def ok(self) -> bool:
        return not self.problems


def _check_chain(rows: Iterable[Mapping[str, Any]], report: Report) -> dict[tuple[str, int], str]:
    """Check the chain; return the PDF hash each finalised/amended entry recorded."""
    expected_seq, prev = 1, GENESIS
    recorded: dict[tuple[str, int], str] = {}
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
                recorded[(row["note_id"], row["version"])] = json.loads(row["detail"]).get("pdf_sha256", "")
            except (ValueError, AttributeError):
                recorded[(row["note_id"], row["version"])] = ""
        expected_seq, prev = row["seq"] + 1, row["hash"]
    return recorded


def verify(conn: Connection) -> Report:
    report = Report()
    rows = conn.execute(select(audit).order_by(audit.c.seq)).mappings()
    recorded = _check_chain(rows, report)
    stored = conn.execute(select(notes.c.note_id, notes.c.version, notes.c.pdf_sha256,
                                 func.length(notes.c.pdf).label("size"))
                          .order_by(notes.c.id)).all()
    for row in stored:
        report.notes += 1
        key = (row.note_id, row.version)
        name = f"note {row.note_id[:8].upper()} version {row.version}"
        if key not in recorded:
            report.problems.append(f"{name}: no audit entry records it being finalised")
        elif recorded[key] != row.pdf_sha256:
            report.problems.append(f"{name}: its PDF hash differs from the one the audit trail recorded")
    for note_id, version in recorded.keys() - {(r.note_id, r.version) for r in stored}:
        report.problems.append(f"note {note_id[:8].upper()} version {version}: recorded in the audit "
                               "trail but missing from the store")
    for chunk in _pdf_hash_mismatches(conn):
        report.problems.append(chunk)
    return report


def _pdf_hash_mismatches(conn: Connection) -> Iterable[str]:
    """Stored PDFs whose bytes no longer match their own recorded SHA-256."""
    result = conn.execution_options(yield_per=50).execute(
        select(notes.c.note_id, notes.c.version, notes.c.pdf, notes.c.pdf_sha256).order_by(notes.c.id))
    for row in result:
        if hashlib.sha256(row.pdf).hexdigest() != row.pdf_sha256:
            yield (f"note {row.note_id[:8].upper()} version {row.version}: "
                   "its PDF was altered after it was finalised")
