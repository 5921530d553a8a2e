"""The store commands of the command line (see consult.cli):

    python main.py audit verify [--checkpoint SEQ:HASH]
                                           exit 0: trail and notes intact, and the last
                                           line is the checkpoint to pass next time;
                                           1: each problem on its own line on stdout;
                                           2: store unusable or missing
    python main.py db upgrade              create the tables or bring the schema up to
                                           date, and say so ("schema 0001 -> 0002")
    python main.py db where                which database is in use (no password shown),
                                           its schema, and where the URL came from
    python main.py db key init             make the practice key (if there is none) and
                                           authenticate the audit trail with it
    python main.py finalise FILE --user NAME
                                           finalise a complete record as a locked note
    python main.py notes list [--name N] [--nhs-number N] [--from D] [--to D]
                              [--printed | --not-printed] [--json]

Every command takes --database URL (else CONSULT_DATABASE_URL, else the default
SQLite file in the user's data folder); the command line never reads the app's
Settings. The read-only commands (audit verify, notes list, db where) never create
or upgrade a database: a mistyped SQLite path is "no database at PATH" (exit 2),
and checking a backup leaves it as it was. Every command also takes --key-file PATH
(else CONSULT_AUDIT_KEY_FILE, else the default key file): the practice key that
authenticates audit entries (consult.store.keys).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
from typing import Any

from consult.cli.common import UsageError, store_options
from consult.record.dates import show_date
from consult.record.nhs import display
from consult.words import plural

PROBLEMS_SHOWN = 20
_CHECKPOINT = re.compile(r"([0-9]+):([0-9a-fA-F]{64})")


def add_commands(commands: Any) -> None:
    audit = commands.add_parser("audit", help="check the audit trail")
    audit_cmds = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True,
                                      parser_class=type(audit))
    verify = store_options(audit_cmds.add_parser(
        "verify", help="report any altered or missing entry (exit 0 intact, 1 problems, "
                       "2 database unusable)"))
    verify.add_argument("--checkpoint", metavar="SEQ:HASH", type=_checkpoint, default=None,
                        help="the checkpoint line of the previous run: also detects entries "
                             "removed from the end of the trail since then")

    db = commands.add_parser("db", help="the database")
    db_cmds = db.add_subparsers(dest="db_command", metavar="ACTION", required=True,
                                parser_class=type(db))
    store_options(db_cmds.add_parser("upgrade", help="create the tables or bring the schema "
                                                     "up to date"))
    store_options(db_cmds.add_parser("where", help="show which database is used and why"))
    key = db_cmds.add_parser("key", help="the practice key that authenticates the audit trail")
    key_cmds = key.add_subparsers(dest="key_command", metavar="ACTION", required=True,
                                  parser_class=type(key))
    store_options(key_cmds.add_parser(
        "init", help="make the practice key file (owner-only) unless it exists, and "
                     "authenticate the database's audit trail with it"))

    fin = store_options(commands.add_parser("finalise", help="finalise a complete record"))
    fin.add_argument("file", metavar="FILE", help="the record file (JSON)")
    fin.add_argument("--user", required=True, type=_user, metavar="NAME",
                     help="who is finalising (recorded in the audit trail)")

    notes = commands.add_parser("notes", help="finalised notes")
    notes_cmds = notes.add_subparsers(dest="notes_command", metavar="ACTION", required=True,
                                      parser_class=type(notes))
    listing = store_options(notes_cmds.add_parser(
        "list", help="list the latest version of each note, newest first"))
    listing.add_argument("--name", default="", metavar="TEXT",
                         help="any part of the patient's given or family name, any case")
    listing.add_argument("--nhs-number", default=None, type=_nhs_digits, metavar="DIGITS",
                         help="the NHS number, or its first digits (spaces allowed)")
    listing.add_argument("--from", dest="date_from", type=_date, default=None,
                         metavar="YYYY-MM-DD",
                         help="consultations on or after this date (the consultation date, "
                              "not when the note was finalised)")
    listing.add_argument("--to", dest="date_to", type=_date, default=None, metavar="YYYY-MM-DD",
                         help="consultations on or before this date (the consultation date)")
    printed = listing.add_mutually_exclusive_group()
    printed.add_argument("--printed", dest="printed", action="store_true", default=None,
                         help="only notes printed at least once")
    printed.add_argument("--not-printed", dest="printed", action="store_false",
                         help="only notes never printed")
    listing.add_argument("--json", action="store_true",
                         help="one JSON array on stdout ([] when nothing matches)")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _user(text: str) -> str:
    """Who is finalising, within the app's limits (consult.store.model.user_name_problem)."""
    from consult.store.model import user_name_problem

    if not text.strip():
        raise argparse.ArgumentTypeError("give the name of who is finalising, e.g. "
                                         "--user \"Dr A Patel\"")
    if problem := user_name_problem(text.strip()):
        raise argparse.ArgumentTypeError(f"the name of who is finalising: {problem}")
    return text.strip()


def _nhs_digits(text: str) -> str:
    digits = re.sub(r"[\s-]+", "", text)
    if not digits or not digits.isascii() or not digits.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not an NHS number: give its digits "
                                         "(all 10, or the first few)")
    if len(digits) > 10:
        raise argparse.ArgumentTypeError(f"{text!r} is not an NHS number: it has "
                                         f"{len(digits)} digits, not 10")
    return digits


def _checkpoint(text: str) -> tuple[int, str]:
    found = _CHECKPOINT.fullmatch(text.strip().removeprefix("checkpoint").strip())
    if not found or int(found.group(1)) < 1:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a checkpoint: expected SEQ:HASH as the last run printed it, "
            "e.g. 57:3f2a... (the entry number, a colon and 64 hex digits)")
    return int(found.group(1)), found.group(2).lower()


def _source(args: argparse.Namespace) -> str:
    """Where the URL came from, in the order consult.store.location.resolve uses."""
    from consult.store import ENV

    if args.database and args.database.strip():
        return "--database"
    if os.environ.get(ENV, "").strip():
        return ENV
    return "the default SQLite file"


def run(args: argparse.Namespace) -> int:
    from consult.store import Store, StoreError

    handler = {"audit": _verify, "db": _db, "finalise": _finalise}.get(args.command, _list)
    try:
        if args.command == "finalise":  # an unreadable or incomplete record: nothing opened
            from consult.record.file import load
            from consult.rules.completeness import problems

            args.record = load(args.file)
            if found := problems(args.record):
                return _incomplete(args.file, found)
        if args.command == "db" and args.db_command == "key":
            args.key_made = _make_key(args.key_file)
        if args.command == "finalise" or (args.command == "db" and args.db_command in ("upgrade", "key")):
            store = Store.open(args.database, create=True, migrate=True, key_file=args.key_file)
        else:  # read only: never create an empty database, never upgrade a backup
            store = Store.open(args.database, create=False, migrate=False, key_file=args.key_file)
        try:
            return handler(store, args)
        finally:
            store.close()
    except StoreError as exc:
        raise UsageError(str(exc)) from None


def _incomplete(file: str, found: list[Any]) -> int:
    from consult.record.file import one_line

    print(f"consult: {one_line(file)}: the record is not complete; nothing finalised. "
          f"{len(found)} to do:", file=sys.stderr)
    for p in found[:PROBLEMS_SHOWN]:
        print(f"  {p.field}: {p.message}", file=sys.stderr)
    if len(found) > PROBLEMS_SHOWN:
        print(f"  ... and {len(found) - PROBLEMS_SHOWN} more: `main.py check {one_line(file)}` "
              "lists them all", file=sys.stderr)
    return 1


def _verify(store: Any, args: argparse.Namespace) -> int:
    report = store.verify_audit(args.checkpoint)
    for problem in report.problems:
        print(problem)
    where = store.shown_url
    if report.ok:
        print(f"audit trail intact: {plural(report.entries, 'entry', 'entries')}, "
              f"{plural(report.notes, 'note version')} ({where})")
        print(_authentication(store, report))
        if report.head is not None:
            seq, digest = report.head
            print(f"checkpoint {seq}:{digest}")
        return 0
    print(f"consult: the audit trail of {where} has {plural(len(report.problems), 'problem')}; "
          f"{_authentication(store, report)}", file=sys.stderr)
    return 1


def _authentication(store: Any, report: Any) -> str:
    """One line: whether the entries' authentication was checked, and from where on."""
    first = report.sealed_from
    if report.key_id is None:
        if first is None:
            return (f"authentication not checked: no practice key at {store.key_path}, and no entry "
                    "is authenticated (the entries are chained only; `main.py db key init` sets "
                    "up the key)")
        return (f"authentication not checked: entries from {first} on are authenticated, but there "
                f"is no practice key at {store.key_path} (give it with --key-file or "
                "CONSULT_AUDIT_KEY_FILE)")
    if first is None:
        return f"authenticated with the practice key (key id {report.key_id}): no entries yet"
    older = (f"; entries 1 to {first - 1}, written before the key, are sealed by entry {first}"
             if first > 1 else "")
    if report.head is None:
        return f"authenticated with the practice key (key id {report.key_id})"
    return (f"authenticated with the practice key (key id {report.key_id}): entries {first} to "
            f"{report.head[0]}{older}")


def _make_key(key_file: str | None) -> bool:
    from consult.store import keys

    path, _ = keys.resolve(key_file)
    try:
        _, made = keys.create(path)
    except keys.PracticeKeyError as exc:
        raise UsageError(str(exc)) from None
    return made


def _db(store: Any, args: argparse.Namespace) -> int:
    if args.db_command == "key":
        key = store.key
        if args.key_made:
            print(f"practice key written to {key.path} (owner-only, 0600), key id {key.key_id}: "
                  "keep a copy where the database's backups are not (docs/store.md, "
                  "\"The practice key\")")
        else:
            print(f"practice key {key.path} is already there (key id {key.key_id}): kept")
        first, sealed = store.seal()
        if sealed:
            print(f"{store.shown_url}: audit trail authenticated with it from entry {first} "
                  "(entries before it are sealed by it)")
        else:
            print(f"{store.shown_url}: audit trail already authenticated with this key "
                  f"from entry {first}")
        return 0
    if args.db_command == "upgrade":
        before, after = store.revision_when_opened, store.schema_revision()
        if before == after:
            print(f"{store.shown_url}: already at schema {after}")
        else:
            print(f"{store.shown_url}: schema {before or 'none (new database)'} -> {after}")
        return 0
    print(f"{store.shown_url} (schema {store.schema_revision()}; from {_source(args)})")
    return 0


def _finalise(store: Any, args: argparse.Namespace) -> int:
    from consult.note import IncompleteRecord
    from consult.store import Who

    try:
        info = store.finalise(args.record, Who(args.user))
    except IncompleteRecord as exc:  # checked before opening; kept in case the rules differ
        return _incomplete(args.file, exc.problems)
    print(f"finalised note {info.short_id} version 1 ({info.note_id})")
    return 0


def _list(store: Any, args: argparse.Namespace) -> int:
    from consult.store import NoteFilter

    found = store.notes(NoteFilter(date_from=args.date_from, date_to=args.date_to, name=args.name,
                                   nhs_number=args.nhs_number or "", printed=args.printed))
    unreadable = getattr(found, "unreadable", [])
    try:
        return _print_list(found, args)
    finally:
        for line in unreadable:
            print(f"consult: {line}; run `main.py audit verify`", file=sys.stderr)
        if unreadable:
            print(f"consult: {plural(len(unreadable), 'stored note')} could not be listed",
                  file=sys.stderr)


def _print_list(found: Any, args: argparse.Namespace) -> int:
    from consult.note.versioning import show_datetime

    bad = 1 if getattr(found, "unreadable", []) else 0
    if args.json:
        print(json.dumps([{
            "note_id": n.note_id, "version": n.version, "patient": n.patient.name,
            "nhs_number": n.patient.nhs_number, "consultation_date":
                n.consultation_date.isoformat() if n.consultation_date else None,
            "finalised_at": n.finalised_at.isoformat(), "author": n.author,
            "printed": n.printed} for n in found], indent=2, ensure_ascii=False))
        return bad
    if not found:
        print("consult: no notes match", file=sys.stderr)
        return bad
    header = ("consultation", "finalised", "note", "patient", "NHS number", "printed")
    rows = [header] + [(
        show_date(n.consultation_date) if n.consultation_date else "-",
        show_datetime(n.finalised_at),
        f"{n.short_id} v{n.version}",
        n.patient.name or "-",
        display(n.patient.nhs_number) if n.patient.nhs_number else "-",
        "yes" if n.printed else "no") for n in found]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)]
        print("  ".join([*cells, row[-1]]))
    return bad
