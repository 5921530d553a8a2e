"""The patient-list commands of the command line (see consult.cli):

    python main.py patients import FILE    keep the day's list (EMIS Web / SystmOne CSV,
                                           FHIR Patient or Bundle JSON) in the store:
                                           one summary line on stdout, then each row
                                           not imported by its line number on stderr;
                                           exit 0 kept, 2 nothing kept (unreadable
                                           file, unknown layout, no usable row, store)
    python main.py patients list [--patients]
                                           the lists kept: when, which system, how many
                                           patients, by whom, when they go; the patients
                                           themselves only with --patients
    python main.py patients purge          remove the lists older than the practice's
                                           number of days (also done on every import and
                                           whenever the app starts)
    python main.py patients keep-days N    the practice's number of days (1 to 30;
                                           default 1), kept in the store for every
                                           workstation

Every command takes --database URL and --key-file PATH as the store commands do, and
--user NAME (default: the login name) for the audit trail. No patient detail is ever
printed except by `list --patients`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from typing import Any

from consult.cli.common import EXIT_OK, EXIT_UNREADABLE, UsageError
from consult.words import plural

COMMANDS = ("patients",)


def add_commands(commands: Any) -> None:
    def common(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
        parser.add_argument("--database", metavar="URL", default=None,
                            help="database URL (default: CONSULT_DATABASE_URL, else the "
                                 "SQLite file in your data folder)")
        parser.add_argument("--key-file", metavar="PATH", default=None,
                            help="the practice key file that authenticates audit entries")
        parser.add_argument("--user", metavar="NAME", default=None,
                            help="who is working, for the audit trail (default: your login name)")
        return parser

    patients = commands.add_parser("patients", help="the day's patient lists imported from "
                                                     "the clinical system")
    cmds = patients.add_subparsers(dest="patients_command", metavar="ACTION", required=True,
                                   parser_class=type(patients))
    imp = common(cmds.add_parser(
        "import", help="keep a patient list (EMIS Web or SystmOne CSV, FHIR Patient or Bundle "
                       "JSON) in the store; exit 0 kept, 2 nothing kept"))
    imp.add_argument("file", metavar="FILE")
    listing = common(cmds.add_parser("list", help="the lists kept (counts; the patients only "
                                                  "with --patients)"))
    listing.add_argument("--patients", action="store_true",
                         help="also list each patient (name, date of birth, NHS number)")
    common(cmds.add_parser("purge", help="remove the lists older than the practice's number "
                                         "of days"))
    days = common(cmds.add_parser("keep-days", help="set how many days imported lists are "
                                                    "kept (1 to 30), for the whole practice"))
    days.add_argument("days", metavar="N", type=_days)


def _days(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of days: {text[:20]!r}") from None


def run(args: argparse.Namespace) -> int:
    from consult.patients import PatientListError, read_file
    from consult.store import Store, StoreError, Who
    from consult.store.model import user_name_problem

    user = args.user if args.user is not None else _login_name()
    if problem := user_name_problem(user):
        raise UsageError(f"--user: {problem}")
    who = Who(user)
    imported = None
    if args.patients_command == "import":
        try:
            imported = read_file(args.file)
        except PatientListError as exc:
            print(f"consult: {_name(args.file)}: {exc}; nothing imported", file=sys.stderr)
            return EXIT_UNREADABLE
    writes = args.patients_command != "list"
    try:
        store = Store.open(args.database, create=writes, migrate=writes, key_file=args.key_file)
        try:
            if imported is not None:
                return _import(store, imported, who, args)
            if args.patients_command == "list":
                return _list(store, args)
            if args.patients_command == "purge":
                return _purge(store, who)
            return _keep_days(store, who, args.days)
        finally:
            store.close()
    except StoreError as exc:
        raise UsageError(str(exc)) from None


def _name(path: str) -> str:
    from pathlib import Path

    return Path(path).name


def _login_name() -> str:
    try:
        return getpass.getuser() or "practice manager"
    except (OSError, KeyError, ImportError):
        return "practice manager"


def _import(store: Any, imported: Any, who: Any, args: argparse.Namespace) -> int:
    from consult.store import StoreError
    from consult.store import patient_lists as pl

    if not imported.entries:
        print(f"consult: {_name(args.file)}: no patient could be read; nothing imported "
              f"({plural(len(imported.problems), 'row')} not imported):", file=sys.stderr)
        _problems(imported.problems)
        return EXIT_UNREADABLE
    try:
        info = pl.keep(store, imported, who)
    except StoreError as exc:
        print(f"consult: {exc}; nothing imported", file=sys.stderr)
        return EXIT_UNREADABLE
    days = pl.retention_days(store)
    refused = (f"; not imported: {plural(len(imported.problems), 'line')} below"
               if imported.problems else "")
    print(f"imported {plural(info.entry_count, 'patient')} from {_name(args.file)} as "
          f"{info.source}{refused}; kept {plural(days, 'day')}")
    _problems(imported.problems)
    return EXIT_OK


def _problems(problems: list[str]) -> None:
    for line in problems:
        print(f"  {line}", file=sys.stderr)


def _list(store: Any, args: argparse.Namespace) -> int:
    from consult.record.dates import show_date
    from consult.store import patient_lists as pl

    days = pl.retention_days(store)
    kept = pl.lists(store)
    print(f"{plural(len(kept), 'patient list')} kept; lists are removed "
          f"{plural(days, 'day')} after their import (`patients keep-days N` to change)")
    by_list: dict[str, list[Any]] = {}
    if args.patients:
        for k in pl.entries(store):
            by_list.setdefault(k.list.list_id, []).append(k.entry)
    for info in kept:
        local = info.imported_at.astimezone()
        goes = local + dt.timedelta(days=days)
        print(f"{show_date(local.date())} {local:%H:%M}  {info.system}  "
              f"{plural(info.entry_count, 'patient')}  imported by {info.user} on "
              f"{info.workstation}; removed after {show_date(goes.date())} {goes:%H:%M}")
        for entry in by_list.get(info.list_id, []):
            print(f"    {entry.shown(dt.date.today())}")
    return EXIT_OK


def _purge(store: Any, who: Any) -> int:
    from consult.store import patient_lists as pl

    done = pl.purge(store, who)
    days = pl.retention_days(store)
    print(f"removed {plural(done.lists, 'patient list')} ({plural(done.entries, 'patient')}) "
          f"imported more than {plural(days, 'day')} ago")
    return EXIT_OK


def _keep_days(store: Any, who: Any, days: int) -> int:
    from consult.store import StoreError
    from consult.store import patient_lists as pl

    try:
        done = pl.set_retention_days(store, days, who)
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    print(f"imported patient lists are now kept {plural(days, 'day')}; removed "
          f"{plural(done.lists, 'older list')}")
    return EXIT_OK
