"""Store commands for the command line (see consult.cli):

    python main.py audit verify [--checkpoint SEQ:HASH]
                                           exit 0: trail and notes intact, and the last
                                           line is the checkpoint to pass next time;
                                           1: each problem on its own line on stdout;
                                           2: store unusable or missing
    python main.py db upgrade              create the tables or bring the schema up to
                                           date, and say so ("schema 0001 -> 0002")
    python main.py db where                which database is in use (no password shown),
                                           its schema, and where the URL came from
    python main.py finalise FILE --user NAME
                                           finalise a complete record as a locked note
    python main.py notes list [--name N] [--nhs-number N] [--from D] [--to D]
                              [--printed | --not-printed] [--json]

Every command takes --database URL (else CONSULT_DATABASE_URL, else the default
SQLite file in the user's data folder); the command line never reads the app's
Settings. The read-only commands (audit verify, notes list, db where) never create
or upgrade a database: a mistyped SQLite path is "no database at PATH" (exit 2),
and checking a backup leaves it as it was.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
from typing import Any

from consult.dates import show_date
from consult.nhs import display

PROBLEMS_SHOWN = 20
_CHECKPOINT = re.compile(r"([0-9]+):([0-9a-fA-F]{64})")


def add_commands(commands: Any) -> None:
    def with_database(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
        parser.add_argument("--database", metavar="URL", default=None,
                            help="database URL (default: CONSULT_DATABASE_URL, else the "
                                 "SQLite file in your data folder; the app's Settings are "
                                 "not read)")
        return parser

    audit = commands.add_parser("audit", help="check the audit trail")
    audit_cmds = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True,
                                      parser_class=type(audit))
    verify = with_database(audit_cmds.add_parser(
        "verify", help="report any altered or missing entry (exit 0 intact, 1 problems, "
                       "2 database unusable)"))
    verify.add_argument("--checkpoint", metavar="SEQ:HASH", type=_checkpoint, default=None,
                        help="the checkpoint line of the previous run: also detects entries "
                             "removed from the end of the trail since then")

    db = commands.add_parser("db", help="the database")
    db_cmds = db.add_subparsers(dest="db_command", metavar="ACTION", required=True,
                                parser_class=type(db))
    with_database(db_cmds.add_parser("upgrade", help="create the tables or bring the schema "
                                                     "up to date"))
    with_database(db_cmds.add_parser("where", help="show which database is used and why"))

    fin = with_database(commands.add_parser("finalise", help="finalise a complete record"))
    fin.add_argument("file", metavar="FILE", help="the record file (JSON)")
    fin.add_argument("--user", required=True, type=_user, metavar="NAME",
                     help="who is finalising (recorded in the audit trail)")

    notes = commands.add_parser("notes", help="finalised notes")
    notes_cmds = notes.add_subparsers(dest="notes_command", metavar="ACTION", required=True,
                                      parser_class=type(notes))
    listing = with_database(notes_cmds.add_parser(
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
    if not text.strip():
        raise argparse.ArgumentTypeError("give the name of who is finalising, e.g. "
                                         "--user \"Dr A Patel\"")
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


def _plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


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
            from consult.completeness import problems
            from consult.recordfile import load

            args.record = load(args.file)
            if found := problems(args.record):
                return _incomplete(args.file, found)
        if args.command == "db" and args.db_command == "upgrade":
            store = _open_for_upgrade(args.database)
        elif args.command == "finalise":
            store = Store.open(args.database, create=True, migrate=True)
        else:  # read only: never create an empty database, never upgrade a backup
            store = Store.open(args.database, create=False, migrate=False)
        try:
            return handler(store, args)
        finally:
            store.close()
    except StoreError as exc:
        from consult.cli import UsageError

        raise UsageError(str(exc)) from None


def _incomplete(file: str, found: list[Any]) -> int:
    from consult.recordfile import one_line

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
        print(f"audit trail intact: {_plural(report.entries, 'entry', 'entries')}, "
              f"{_plural(report.notes, 'note version')} ({where})")
        if report.head is not None:
            seq, digest = report.head
            print(f"checkpoint {seq}:{digest}")
        return 0
    print(f"consult: the audit trail of {where} has {_plural(len(report.problems), 'problem')}",
          file=sys.stderr)
    return 1


def _db(store: Any, args: argparse.Namespace) -> int:
    if args.db_command == "upgrade":
        before, after = getattr(store, "before", _UNKNOWN), store.schema_revision()
        if before == after:
            print(f"{store.shown_url}: already at schema {after}")
        elif before is _UNKNOWN:
            print(f"{store.shown_url}: now at schema {after}")
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
    from consult.note.versioning import show_datetime
    from consult.store import NoteFilter

    found = store.notes(NoteFilter(date_from=args.date_from, date_to=args.date_to, name=args.name,
                                   nhs_number=args.nhs_number or "", printed=args.printed))
    if args.json:
        print(json.dumps([{
            "note_id": n.note_id, "version": n.version, "patient": n.patient.name,
            "nhs_number": n.patient.nhs_number, "consultation_date":
                n.consultation_date.isoformat() if n.consultation_date else None,
            "finalised_at": n.finalised_at.isoformat(), "author": n.author,
            "printed": n.printed} for n in found], indent=2, ensure_ascii=False))
        return 0
    if not found:
        print("consult: no notes match", file=sys.stderr)
        return 0
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
    return 0


_UNKNOWN = object()


def _open_for_upgrade(url: str | None) -> Any:
    """Store.open(create=True, migrate=True), remembering the schema revision found
    before migrating (as `before`), so that `db upgrade` can say what it did."""
    from consult.store import Store

    class Upgrading(Store):
        before: Any = _UNKNOWN

        def migrate(self) -> None:
            self.before = self.schema_revision()
            super().migrate()

    return Upgrading.open(url, create=True, migrate=True)
