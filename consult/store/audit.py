"""The audit trail: append-only, each entry chained to the previous by SHA-256, and
(once a practice key is set up) authenticated with an HMAC only the key can make.

An entry's hash covers its sequence number, time, user, workstation, action, note,
version, detail and the previous entry's hash, so changing, removing or reordering
any entry breaks the chain from there on. A chain alone proves only order: anyone
who may insert a row can append a correctly chained entry. So an entry written with
the practice key (consult.store.keys) also carries `mac`, an HMAC-SHA-256 of its
hash; the first such entry seals every entry before it, and every later entry must
carry one. Without the key, `verify()` still checks the plain chain and that no
entry after the seal lacks its MAC, and says the MACs were not checked.

A "finalised" (version 1) or "amended" (version 2 on) entry records the SHA-256 of
the note's PDF, of its record, and of every stored column of its note row (with a
short digest per column, to name the one that changed). `verify()` requires exactly
one such entry per stored note version, checks the row against it, and reads the rows
as the database holds them, so that one malformed value is reported with its note
and column while the check goes on. It also reports the append-only triggers missing
(SQLite) or disabled (PostgreSQL), and entries whose time runs backwards.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from consult.store.keys import PracticeKey
from consult.store.model import TIMES
from consult.words import short_note_id

GENESIS = "0" * 64
# The patient's data leaving the app other than as the finalised note (Store.mark_output):
# each action and exactly the detail its entry holds: where it went (the address, the
# printer, or a file's base name, never its folders) and the SHA-256 of the bytes that left.
OUTPUTS: dict[str, tuple[str, ...]] = {
    "advice_emailed": ("to", "pdf_sha256"),       # the advice sheet's PDF, attached
    "advice_printed": ("printer", "pdf_sha256"),  # the PDF sent to the printer
    "advice_saved": ("file", "pdf_sha256"),       # the PDF written to the file
    "fhir_exported": ("file", "sha256"),          # the FHIR bundle's file, as written
}
ACTIONS = ("created", "finalised", "amended", "exported", "printed", "discarded", "sealed",
           # the imported patient lists (consult.store.patient_lists): counts, never names
           "list_imported", "lists_purged", "setting_changed",
           *OUTPUTS)
MAC_SCHEME = "hmac-sha256-v1"  # in the hash of an authenticated entry: stripping its MAC shows
REFUSE = "finalised notes and the audit trail are append-only"


class AuditKeyError(Exception):
    """The trail is authenticated, and this writer has no key or another key."""


def canonical(detail: Mapping[str, Any]) -> str:
    return json.dumps(dict(detail), sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def entry_hash(row: Mapping[str, Any]) -> str:
    fields = [str(row["seq"]), row["at"], row["user_name"], row["workstation"], row["action"],
              row["note_id"] or "", "" if row["version"] is None else str(row["version"]),
              row["detail"], row["prev_hash"]]
    if row.get("mac") is not None:
        fields.append(MAC_SCHEME)
    return hashlib.sha256(json.dumps(fields, ensure_ascii=True).encode("ascii")).hexdigest()


LISTED = ("note_id", "version", "given_name", "family_name", "search_name", "nhs_number",
          "date_of_birth", "consultation_date", "finalised_at", "author", "clinician", "amend_reason")


def listed_digest(row: Mapping[str, Any]) -> str:
    """SHA-256 of what the notes list shows and searches for a note version (schema
    0002 entries; from schema 0003 row_digest covers every column)."""
    values = [None if row[k] is None else str(row[k]) for k in LISTED]
    return hashlib.sha256(json.dumps(values, ensure_ascii=True).encode("ascii")).hexdigest()


# -- a note row as the database holds it ---------------------------------------------------

NOTE_COLUMNS = ("id", "note_id", "version", "given_name", "family_name", "search_name",
                "nhs_number", "date_of_birth", "consultation_date", "finalised_at", "author",
                "workstation", "clinician", "amend_reason", "app_version", "ruleset_version",
                "record_json", "pdf", "pdf_sha256", "record_sha256")
_INTEGER = {"id", "version"}
_DATES = {"date_of_birth", "consultation_date"}
_NULLABLE = {"nhs_number", "date_of_birth", "consultation_date", "amend_reason", "record_sha256"}
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_PLAIN_ID = re.compile(r"[0-9A-Za-z-]{1,64}")


def is_sha256(value: Any) -> bool:
    """64 lower-case hex digits, as hashlib's hexdigest() gives them."""
    return isinstance(value, str) and _HEX64.fullmatch(value) is not None


def _typed(value: Any) -> tuple[str, bytes]:
    """A stored value as a type tag and bytes: what the row digests cover. A date is
    its ISO text (SQLite keeps it so, PostgreSQL hands back a date)."""
    if value is None:
        return "null", b""
    if isinstance(value, bool):
        return "int", str(int(value)).encode()
    if isinstance(value, int):
        return "int", str(value).encode()
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return "text", value.isoformat().encode()
    if isinstance(value, str):
        return "text", _bytes(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return "blob", bytes(value)
    return type(value).__name__, _bytes(str(value))


def _bytes(value: str) -> bytes:
    """The text's bytes as stored (text that was not UTF-8 reads back escaped)."""
    try:
        return value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass")


def column_digests(row: Mapping[str, Any]) -> dict[str, str]:
    """Per column, the first 16 hex digits of the SHA-256 of its type and value: names
    the column that changed (the decision rests on row_digest, all 64)."""
    out = {}
    for name in NOTE_COLUMNS:
        tag, data = _typed(row[name])
        out[name] = hashlib.sha256(tag.encode() + b"\0" + data).hexdigest()[:16]
    return out


def row_digest(row: Mapping[str, Any]) -> str:
    """SHA-256 over every stored column of a note row (its name, type and value)."""
    h = hashlib.sha256()
    for name in NOTE_COLUMNS:
        tag, data = _typed(row[name])
        h.update(f"{name}\0{tag}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def malformed_columns(row: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(column, what is wrong) for each value that cannot be what the schema says; the
    value itself is never named (it may identify a patient)."""
    found = []
    for name in NOTE_COLUMNS:
        value = row[name]
        if value is None:
            if name not in _NULLABLE:
                found.append((name, "is empty (NULL)"))
        elif name in _INTEGER:
            if not isinstance(value, int) or isinstance(value, bool):
                found.append((name, "is not a whole number"))
        elif name == "pdf":
            if isinstance(value, str):
                found.append((name, "is not binary data (stored as text)"))
            elif not isinstance(value, bytes | bytearray | memoryview):
                found.append((name, "is not binary data"))
        elif name in _DATES:
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                continue
            if not (isinstance(value, str) and _ISO_DATE.fullmatch(value) and _date_ok(value)):
                found.append((name, "is not a date"))
        elif not isinstance(value, str):
            found.append((name, "is not text"))
        elif not _utf8(value):
            found.append((name, "is not UTF-8 text"))
        elif name == "finalised_at" and not _time_ok(value):
            found.append((name, "is not a time"))
        elif name in ("pdf_sha256", "record_sha256") and not _HEX64.fullmatch(value):
            found.append((name, "is not a SHA-256"))
        elif name == "note_id" and not _PLAIN_ID.fullmatch(value):
            found.append((name, "is not a note id"))
    return found


def _utf8(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _date_ok(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _time_ok(value: Any) -> bool:
    try:
        dt.datetime.strptime(value, TIMES)
    except (TypeError, ValueError):
        return False
    return True


def short_id(note_id: Any) -> str | None:
    """A note id as problems show it (its first 8 characters, upper case); None for
    anything that is not a plain id, which is never echoed (it may be anything)."""
    return short_note_id(note_id) if isinstance(note_id, str) and _PLAIN_ID.fullmatch(note_id) \
        else None


def note_name(row: Mapping[str, Any]) -> str:
    """How a problem names a note row: its short id and version (a malformed note id
    or version: the row's number)."""
    short, version = short_id(row.get("note_id")), row.get("version")
    if short and isinstance(version, int) and not isinstance(version, bool):
        return f"note {short} version {version}"
    row_id = row.get("id")
    return f"note row {row_id if isinstance(row_id, int) else '(malformed)'}"


def _named(row: Mapping[str, Any], seq: int) -> str:
    """"audit entry N (action, time)", the action only when it is one consult writes."""
    action = row["action"] if row["action"] in ACTIONS else "unknown action"
    return f"audit entry {seq} ({action}, {row['at']})"


# -- writing ---------------------------------------------------------------------------------


def append(conn: Connection, *, at: str, user: str, workstation: str, action: str,
           note_id: str | None = None, version: int | None = None,
           detail: Mapping[str, Any] | None = None, key: PracticeKey | None = None) -> int:
    """Add one entry; the caller holds the store's write lock, in one transaction.

    The entry's time never runs before the entry before it (a workstation whose clock
    is behind records the last entry's time). With a key the entry is authenticated;
    once the trail is authenticated, writing without the key, or with another key, is
    refused (AuditKeyError) rather than leaving an entry `verify` would report."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    last = conn.execute(text("SELECT seq, at, hash, mac FROM audit ORDER BY seq DESC LIMIT 1")).first()
    if last is not None and last.mac is not None:
        if key is None:
            raise AuditKeyError(
                "this database's audit trail is authenticated with the practice key, and this "
                "workstation has none: put the practice's key file in place (docs/store.md, "
                "\"The practice key\") before writing")
        if not key.verifies(last.hash, last.mac):
            raise AuditKeyError(
                f"the newest audit entry is not authenticated by the practice key at {key.path} "
                f"(key id {key.key_id}): this workstation has another key, or the trail was "
                "tampered with; run `main.py audit verify` and tell the practice's safety officer")
    if last is not None and isinstance(last.at, str) and at < last.at:
        at = last.at
    row = {"seq": (last.seq + 1) if last else 1, "at": at, "user_name": user,
           "workstation": workstation, "action": action, "note_id": note_id, "version": version,
           "detail": canonical(detail or {}), "prev_hash": last.hash if last else GENESIS,
           "mac": "" if key else None}
    row["hash"] = entry_hash(row)
    row["mac"] = key.mac(row["hash"]) if key else None
    conn.execute(text("INSERT INTO audit (seq, at, user_name, workstation, action, note_id, version, "
                      "detail, prev_hash, hash, mac) VALUES (:seq, :at, :user_name, :workstation, "
                      ":action, :note_id, :version, :detail, :prev_hash, :hash, :mac)"), row)
    return row["seq"]


def sealed_from(conn: Connection) -> int | None:
    """The first authenticated entry, if any."""
    return conn.execute(text("SELECT min(seq) FROM audit WHERE mac IS NOT NULL")).scalar()


# -- checking --------------------------------------------------------------------------------


@dataclass
class Report:
    entries: int = 0
    notes: int = 0
    problems: list[str] = field(default_factory=list)
    head: tuple[int, str] | None = None  # the newest entry: (sequence number, hash)
    sealed_from: int | None = None  # the first entry authenticated with a practice key
    key_id: str | None = None  # the key the MACs were checked with; None: not checked

    @property
    def ok(self) -> bool:
        return not self.problems


_AUDIT_COLUMNS = ("seq", "at", "user_name", "workstation", "action", "note_id", "version",
                  "detail", "prev_hash", "hash", "mac")


def _entry_malformed(row: Mapping[str, Any]) -> list[str]:
    found = []
    for name in _AUDIT_COLUMNS:
        value = row[name]
        if name in ("note_id", "version", "mac") and value is None:
            continue
        if name in ("seq", "version"):
            if not isinstance(value, int) or isinstance(value, bool):
                found.append(f"column {name} is not a whole number")
        elif not isinstance(value, str):
            found.append(f"column {name} is not text")
    if not found and not _time_ok(row["at"]):
        found.append("column at is not a time")
    return found


class _Chain:
    """One pass over the trail."""

    def __init__(self, report: Report, key: PracticeKey | None) -> None:
        self.report, self.key = report, key
        self.expected_seq, self.prev_hash, self.prev_at = 1, GENESIS, ""
        self.recorded: dict[tuple[str, int], tuple[int, dict]] = {}
        self.macs_good: int = 0
        self.macs_bad: list[int] = []

    def add(self, row: Mapping[str, Any]) -> None:
        report = self.report
        report.entries += 1
        problems = report.problems
        broken = _entry_malformed(row)
        seq = row["seq"] if isinstance(row["seq"], int) else f"in place {report.entries}"
        if broken:
            problems.extend(f"audit entry {seq}: {what}" for what in broken)
            if isinstance(row["hash"], str):
                self.prev_hash = row["hash"]
            if isinstance(row["seq"], int):
                self.expected_seq = row["seq"] + 1
            return
        if seq != self.expected_seq:
            missing = (f"entry {self.expected_seq}" if seq == self.expected_seq + 1
                       else f"entries {self.expected_seq} to {seq - 1}")
            problems.append(f"audit {missing} missing (the trail jumps to entry {seq})")
        if row["prev_hash"] != self.prev_hash:
            problems.append(f"audit entry {seq}: does not follow the entry before it "
                            "(an entry before it was altered, removed or inserted)")
        if entry_hash(row) != row["hash"]:
            problems.append(f"{_named(row, seq)}: altered after it was written")
        if row["at"] < self.prev_at:
            problems.append(f"{_named(row, seq)}: its time is earlier "
                            f"than the entry before it ({self.prev_at}): entries are written in time "
                            "order, so it was inserted or altered")
        if row["action"] not in ACTIONS:
            problems.append(f"audit entry {seq}: an action consult never writes")
        self._mac(row, seq)
        self._note_entry(row, seq)
        report.head = (seq, row["hash"])
        self.expected_seq, self.prev_hash = seq + 1, row["hash"]
        self.prev_at = max(self.prev_at, row["at"])

    def _mac(self, row: Mapping[str, Any], seq: int) -> None:
        report = self.report
        if row["mac"] is None:
            if report.sealed_from is not None:
                report.problems.append(
                    f"{_named(row, seq)}: not authenticated, though "
                    f"the trail is authenticated from entry {report.sealed_from}: written by "
                    "someone without the practice key")
            return
        if report.sealed_from is None:
            report.sealed_from = seq
        if self.key is not None:
            if self.key.verifies(row["hash"], row["mac"]):
                self.macs_good += 1
            else:
                self.macs_bad.append(seq)

    def _note_entry(self, row: Mapping[str, Any], seq: int) -> None:
        action = row["action"]
        if action not in ("finalised", "amended"):
            return
        note_id, version = row["note_id"], row["version"]
        problems = self.report.problems
        if not note_id or version is None or not short_id(note_id):
            problems.append(f"audit entry {seq}: a {action} entry that names no note version")
            return
        name = f"note {short_id(note_id)} version {version}"
        if action == "finalised" and version != 1:
            problems.append(f"audit entry {seq}: a finalised entry for {name}: only version 1 is "
                            "finalised, later versions are amended")
        if action == "amended" and version < 2:
            problems.append(f"audit entry {seq}: an amended entry for {name}: version 1 is "
                            "finalised, never amended")
        first = self.recorded.get((note_id, version))
        if first is not None:
            problems.append(f"audit entry {seq}: a second {action} entry for {name} (the first is "
                            f"entry {first[0]}): a note version is stored once, so this entry was "
                            "added to pass off a replaced note")
            return
        try:
            detail = json.loads(row["detail"])
        except ValueError:
            detail = None
        if not isinstance(detail, dict):
            problems.append(f"audit entry {seq}: its detail is not readable")
            detail = {}
        self.recorded[(note_id, version)] = (seq, detail)

    def finish(self) -> None:
        report, key = self.report, self.key
        if key is None:
            return
        report.key_id = key.key_id
        if report.sealed_from is None:
            if report.entries:
                report.problems.append(
                    f"no entry of the audit trail is authenticated, yet there is a practice key "
                    f"(key id {key.key_id}): the trail was rewritten without the key, or the key "
                    "belongs to another database (`main.py db key init` seals a trail not yet "
                    "authenticated)")
            return
        if self.macs_bad and not self.macs_good:
            report.problems.append(
                f"none of the {len(self.macs_bad)} authenticated audit entries matches the practice "
                f"key at {key.path} (key id {key.key_id}): the key is not this database's, or the "
                "entries were forged")
            return
        report.problems.extend(
            f"audit entry {seq}: its authentication does not match the practice key: written or "
            "altered by someone without the key" for seq in self.macs_bad)


def verify(conn: Connection, checkpoint: tuple[int, str] | None = None,
           key: PracticeKey | None = None) -> Report:
    """Check the database's guards, the chain (and with `key` every entry's MAC), every
    stored note version against its one entry, and (given the head a previous run
    printed) that the trail still holds that entry unchanged: entries removed from the
    end cannot be seen from the trail alone."""
    report = Report()
    report.problems.extend(guard_problems(conn))
    chain = _Chain(report, key)
    rows = conn.execute(text(f"SELECT {', '.join(_AUDIT_COLUMNS)} FROM audit ORDER BY seq")).mappings()
    for row in rows:
        chain.add(row)
    chain.finish()
    if checkpoint is not None:
        seq, digest = checkpoint
        if report.head is None or report.head[0] < seq:
            report.problems.append(f"the trail ends before entry {seq}, which the last check saw: "
                                   "entries were removed from the end")
        else:
            kept = conn.execute(text("SELECT hash FROM audit WHERE seq = :seq"), {"seq": seq}).scalar()
            if kept != digest:
                report.problems.append(f"entry {seq} is not the one the last check saw: "
                                       "the trail was rewritten")
    stored: set[tuple[Any, Any]] = set()
    result = conn.execution_options(yield_per=50).execute(
        text(f"SELECT {', '.join(NOTE_COLUMNS)} FROM notes ORDER BY id")).mappings()
    for row in result:
        report.notes += 1
        stored.add((row["note_id"], row["version"]))
        report.problems.extend(_check_note(row, chain.recorded))
    for (note_id, version), (seq, _) in sorted(chain.recorded.items(), key=lambda kv: kv[1][0]):
        if (note_id, version) not in stored:
            report.problems.append(f"note {short_id(note_id)} version {version}: recorded in the "
                                   f"audit trail but missing from the store (entry {seq})")
    return report


def _check_note(row: Mapping[str, Any], recorded: Mapping[tuple[str, int], tuple[int, dict]]) -> list[str]:
    name = note_name(row)
    problems = [f"{name}: column {column} {what}" for column, what in malformed_columns(row)]
    pdf = row["pdf"]
    if isinstance(pdf, bytes | bytearray | memoryview) and isinstance(row["pdf_sha256"], str) \
            and hashlib.sha256(bytes(pdf)).hexdigest() != row["pdf_sha256"]:
        problems.append(f"{name}: its PDF was altered after it was finalised")
    found = recorded.get((row["note_id"], row["version"]))
    if found is None:
        problems.append(f"{name}: no audit entry records it being finalised")
        return problems
    seq, entry = found
    if entry.get("pdf_sha256") != row["pdf_sha256"]:
        problems.append(f"{name}: its PDF hash differs from the one the audit trail recorded "
                        f"(entry {seq})")
    if "record_sha256" in entry:
        record = row["record_json"]
        digest = hashlib.sha256(_bytes(record)).hexdigest() \
            if isinstance(record, str) else None
        if entry["record_sha256"] != digest:
            problems.append(f"{name}: its stored record was altered after it was finalised")
    if "row_sha256" in entry:
        if entry["row_sha256"] != row_digest(row):
            recorded_columns = entry.get("columns") if isinstance(entry.get("columns"), dict) else {}
            now = column_digests(row)
            changed = [c for c in NOTE_COLUMNS if recorded_columns.get(c) != now[c]]
            which = f"column{'s' if len(changed) > 1 else ''} {', '.join(changed)}" if changed \
                else "a column"
            problems.append(f"{name}: {which} changed after it was finalised (audit entry {seq})")
    elif "listed_sha256" in entry:
        try:
            listed = listed_digest(row)
        except (TypeError, ValueError):
            listed = None
        if entry["listed_sha256"] != listed:
            problems.append(f"{name}: the patient details or dates the notes list shows "
                            "were altered after it was finalised")
    return problems


# -- the database's own guards ----------------------------------------------------------------

def _sqlite_trigger(table: str, event: str) -> str:
    return (f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END")


SQLITE_NO_REPLACE = {
    "notes": ("CREATE TRIGGER notes_no_replace BEFORE INSERT ON notes WHEN EXISTS (SELECT 1 FROM "
              "notes WHERE id = NEW.id OR (note_id = NEW.note_id AND version = NEW.version)) "
              f"BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END"),
    "audit": ("CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit WHEN EXISTS (SELECT 1 FROM "
              f"audit WHERE seq = NEW.seq) BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END"),
}


def expected_sqlite_triggers() -> dict[str, str]:
    out = {f"{t}_no_{e.lower()}": _sqlite_trigger(t, e) for t in ("notes", "audit")
           for e in ("UPDATE", "DELETE")}
    out.update({f"{t}_no_replace": sql for t, sql in SQLITE_NO_REPLACE.items()})
    return out


PG_TRIGGERS = {  # name: (table, the events in pg_get_triggerdef)
    "notes_append_only": ("notes", "BEFORE DELETE OR UPDATE ON {table} FOR EACH ROW"),
    "audit_append_only": ("audit", "BEFORE DELETE OR UPDATE ON {table} FOR EACH ROW"),
    "notes_no_truncate": ("notes", "BEFORE TRUNCATE ON {table} FOR EACH STATEMENT"),
    "audit_no_truncate": ("audit", "BEFORE TRUNCATE ON {table} FOR EACH STATEMENT"),
}


def _squash(sql: str) -> str:
    return " ".join(sql.replace("(", " ( ").replace(")", " ) ").replace(",", " , ")
                    .replace(";", " ; ").split()).casefold()


def guard_problems(conn: Connection) -> Iterable[str]:
    """The append-only triggers that are missing, changed or disabled."""
    lost = "finalised notes or audit entries can then be changed or removed"
    if conn.dialect.name == "sqlite":
        found = dict(conn.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name IN ('notes', 'audit')")).all())
        for name, sql in expected_sqlite_triggers().items():
            if name not in found:
                yield f"the database's append-only trigger {name} is missing: {lost}"
            elif _squash(found[name] or "") != _squash(sql):
                yield f"the database's append-only trigger {name} was changed: {lost}"
        return
    if conn.dialect.name != "postgresql":
        return
    rows = conn.execute(text(
        "SELECT t.tgname, t.tgenabled, pg_get_triggerdef(t.oid) AS def, p.prosrc "
        "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_proc p ON p.oid = t.tgfoid "
        "WHERE c.relname IN ('notes', 'audit') AND c.relnamespace = "
        "(SELECT oid FROM pg_namespace WHERE nspname = current_schema()) "
        "AND NOT t.tgisinternal")).mappings().all()
    found = {r["tgname"]: r for r in rows}
    for name, (table, events) in PG_TRIGGERS.items():
        row = found.get(name)
        if row is None:
            yield f"the database's append-only trigger {name} is missing: {lost}"
            continue
        definition = re.sub(r" ON \S+\.", " ON ", row["def"])
        body = (row["prosrc"] or "").casefold()
        if (events.format(table=table) not in definition
                or not definition.endswith("EXECUTE FUNCTION consult_append_only()")
                or "raise exception" not in body or "return" in body):
            yield f"the database's append-only trigger {name} was changed: {lost}"
        elif row["tgenabled"] not in ("O", "A"):
            yield f"the database's append-only trigger {name} is disabled: {lost}"
