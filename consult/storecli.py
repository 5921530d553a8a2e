"""Store commands for the command line (see consult.cli):

    python main.py audit verify            exit 0: trail and notes intact; 1: each problem
                                           on its own line on stdout; 2: store unusable
    python main.py db upgrade              bring the database schema up to date
    python main.py db where                which database is in use (no password shown)
    python main.py finalise FILE --user NAME
                                           finalise a complete record as a locked note
    python main.py notes list [--name N] [--nhs-number N] [--from D] [--to D]
                              [--printed | --not-printed] [--json]

Every command takes --database URL (else CONSULT_DATABASE_URL, else the default
SQLite file in the user's data folder).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from consult.dates import show_date
from consult.nhs import display


def add_commands(commands: Any) -> None:
    def with_database(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
        parser.add_argument("--database", metavar="URL", default=None,
                            help="database URL (default: CONSULT_DATABASE_URL, else the "
                                 "SQLite file in your data folder)")
        return parser

    audit = commands.add_parser("audit", help="check the audit trail")
    audit_cmds = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True,
                                      parser_class=type(audit))
    with_database(audit_cmds.add_parser("verify", help="report any altered or missing entry"))

    db = commands.add_parser("db", help="the database")
    db_cmds = db.add_subparsers(dest="db_command", metavar="ACTION", required=True,
                                parser_class=type(db))
    with_database(db_cmds.add_parser("upgrade", help="bring the schema up to date"))
    with_database(db_cmds.add_parser("where", help="show which database is used"))

    fin = with_database(commands.add_parser("finalise", help="finalise a complete record"))
    fin.add_argument("file", metavar="FILE")
    fin.add_argument("--user", required=True, help="who is finalising (recorded in the audit trail)")

    notes = commands.add_parser("notes", help="finalised notes")
    notes_cmds = notes.add_subparsers(dest="notes_command", metavar="ACTION", required=True,
                                      parser_class=type(notes))
    listing = with_database(notes_cmds.add_parser("list", help="list notes, newest first"))
    listing.add_argument("--name", default="")
    listing.add_argument("--nhs-number", default="")
    listing.add_argument("--from", dest="date_from", type=_date, default=None, metavar="YYYY-MM-DD")
    listing.add_argument("--to", dest="date_to", type=_date, default=None, metavar="YYYY-MM-DD")
    printed = listing.add_mutually_exclusive_group()
    printed.add_argument("--printed", dest="printed", action="store_true", default=None)
    printed.add_argument("--not-printed", dest="printed", action="store_false")
    listing.add_argument("--json", action="store_true", help="one JSON array on stdout")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _open(args: argparse.Namespace) -> Any:
    from consult.store import Store

    return Store.open(args.database)


def run(args: argparse.Namespace) -> int:
    from consult.store import StoreError

    handler = {"audit": _verify, "db": _db, "finalise": _finalise}.get(args.command, _list)
    try:
        if args.command == "finalise":  # an unreadable record file: before opening anything
            from consult.recordfile import load

            args.record = load(args.file)
        store = _open(args)
        try:
            return handler(store, args)
        finally:
            store.close()
    except StoreError as exc:
        from consult.cli import UsageError

        raise UsageError(str(exc)) from None


def _verify(store: Any, args: argparse.Namespace) -> int:
    report = store.verify_audit()
    for problem in report.problems:
        print(problem)
    where = store.shown_url
    if report.ok:
        print(f"audit trail intact: {report.entries} entries, {report.notes} note versions ({where})")
        return 0
    print(f"consult: the audit trail of {where} has {len(report.problems)} problem"
          f"{'s' if len(report.problems) != 1 else ''}", file=sys.stderr)
    return 1


def _db(store: Any, args: argparse.Namespace) -> int:
    print(f"{store.shown_url} (schema {store.schema_revision()})")
    return 0


def _finalise(store: Any, args: argparse.Namespace) -> int:
    from consult.note import IncompleteRecord
    from consult.store import Who

    try:
        info = store.finalise(args.record, Who(args.user))
    except IncompleteRecord as exc:
        print(f"consult: the record is not complete; nothing finalised. {exc}", file=sys.stderr)
        return 1
    print(f"finalised note {info.short_id} version 1 ({info.note_id})")
    return 0


def _list(store: Any, args: argparse.Namespace) -> int:
    from consult.store import NoteFilter

    found = store.notes(NoteFilter(date_from=args.date_from, date_to=args.date_to, name=args.name,
                                   nhs_number=args.nhs_number, printed=args.printed))
    if args.json:
        print(json.dumps([{
            "note_id": n.note_id, "version": n.version, "patient": n.patient.name,
            "nhs_number": n.patient.nhs_number, "consultation_date":
                n.consultation_date.isoformat() if n.consultation_date else None,
            "finalised_at": n.finalised_at.isoformat(), "author": n.author,
            "printed": n.printed} for n in found], indent=2, ensure_ascii=False))
        return 0
    for n in found:
        nhs = display(n.patient.nhs_number) if n.patient.nhs_number else "-"
        print(f"{n.short_id} v{n.version}  {show_date(n.consultation_date)}  {n.patient.name}  "
              f"{nhs}  {'printed' if n.printed else 'not printed'}")
    return 0
