"""The exchange commands of the command line (see consult.cli): advice, fhir.

    advice FILE -o OUT.pdf [--large]   the patient's advice sheet as PDF (atomic, 0600)
    advice FILE --sms                  the advice as a text message, on stdout
    advice --note NOTE_ID [--version N] -o OUT.pdf [--large] | --sms
                                       the advice sheet of a finalised note's stored record
                                       (the store's options as for fhir --note)
    fhir FILE -o OUT.json [--draft]    the FHIR R4 (UK Core) document Bundle, atomic, 0600
    fhir --note NOTE_ID [--version N] -o OUT.json [--database URL] [--key-file PATH]
         [--user NAME]
                                       a finalised note's Bundle from the store: its stored
                                       record and its PDF byte for byte (checked against
                                       its SHA-256); the latest version unless --version.
                                       NOTE_ID: the full id (`notes list --json`) or the
                                       8 characters `notes list` shows. The database as
                                       the store commands find it (--database, else
                                       CONSULT_DATABASE_URL, else the default SQLite file;
                                       never created or upgraded)

A sheet or bundle made from the store (--note) is recorded in its audit trail once the
file is written: advice_saved or fhir_exported, with the note's id and version, the
file's base name (never its folders) and the SHA-256 of the bytes written; --user NAME
(default: the login name) says who, --key-file the practice key where the trail is
authenticated. The text message on stdout (--sms) is not recorded: it is not a file,
and the window's Copy SMS text is not recorded either. A record FILE is outside any
store: its outputs are not recorded and nothing more is said. A file written whose
audit entry then fails stays written; the one line on stderr says it is not recorded,
and the exit is 2.

Exit codes as `note`: 0 written; 1 the record cannot give it yet (advice: the plan is
not confirmed or changed since; fhir: the record is incomplete, unless --draft), with
the reasons on stderr and nothing written; 2 unreadable input or unusable arguments
(for --note also: an unknown note or version, a stored note altered since it was
finalised, a missing or unusable database), one line on stderr, nothing written; or,
from the store, a file written whose audit entry could not be (the file stays; the line
says it is not recorded).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from consult import atomic
from consult.cli.common import (
    EXIT_INCOMPLETE,
    EXIT_OK,
    EXIT_UNREADABLE,
    UsageError,
    report_incomplete,
    store_options,
)
from consult.record.file import load, one_line


def add_commands(commands: Any) -> None:
    advice = commands.add_parser(
        "advice", help="write the patient's advice sheet (PDF) or print its text message",
        description="The patient's advice sheet from the record and the GP's confirmed plan: "
                    "a PDF (-o OUT.pdf, --large for 16-point print) or the text message (--sms).")
    advice.add_argument("file", metavar="FILE", nargs="?", default=None,
                        help="the record file (JSON); or --note for a finalised note")
    out = advice.add_mutually_exclusive_group(required=True)
    out.add_argument("-o", "--output", metavar="OUT.pdf")
    out.add_argument("--sms", action="store_true", help="print the text message on stdout")
    advice.add_argument("--large", action="store_true", help="large print (16 point)")
    _from_store(advice, "the sheet of a finalised note's stored record, instead of FILE "
                        "(the full id, or the 8 characters `notes list` shows); the PDF is "
                        "recorded in the note store's audit trail")
    fhir = commands.add_parser(
        "fhir", help="write the consultation as a FHIR R4 (UK Core) document Bundle (JSON)")
    fhir.add_argument("file", metavar="FILE", nargs="?", default=None,
                      help="the record file (JSON); or --note for a finalised note")
    fhir.add_argument("-o", "--output", metavar="OUT.json", required=True)
    fhir.add_argument("--draft", action="store_true",
                      help="export an incomplete record (the note marked DRAFT, the "
                           "Composition preliminary)")
    _from_store(fhir, "a finalised note in the store, instead of FILE: its stored record "
                      "and PDF byte for byte (the full id, or the 8 characters `notes list` "
                      "shows); the export is recorded in the store's audit trail")


def _from_store(parser: argparse.ArgumentParser, note_help: str) -> None:
    parser.add_argument("--note", metavar="NOTE_ID", default=None, help=note_help)
    parser.add_argument("--version", metavar="N", type=_version, default=None,
                        help="the note's version (default: the latest)")
    store_options(parser, when="with --note: ")
    parser.add_argument("--user", metavar="NAME", default=None,
                        help="with --note: who is making it, for the audit trail (default: "
                             "your login name)")


def _version(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a version: give a whole number "
                                         "from 1, as `notes list` shows it")
    return int(text)


def run(args: argparse.Namespace) -> int:
    return {"advice": _advice, "fhir": _fhir}[args.command](args)


def _output(args: argparse.Namespace) -> str:
    if not args.output.strip():
        raise UsageError("give the output a file name (-o OUT)")
    if os.path.isdir(args.output):
        raise UsageError(f"{args.output}: is a folder; give the output a file name")
    folder = os.path.dirname(args.output) or "."
    if not os.path.isdir(folder):
        raise UsageError(f"cannot write {args.output}: no folder {folder}; nothing written")
    if args.file and os.path.exists(args.output) and os.path.samefile(args.output, args.file):
        raise UsageError(f"{args.output}: that is the record itself; choose another output file")
    return args.output


def _advice(args: argparse.Namespace) -> int:
    if args.sms and args.large:
        raise UsageError("advice: --large is for the PDF (-o OUT.pdf), not --sms")
    _one_source(args, "advice")
    output = None if args.sms else _output(args)
    if args.note is None:
        return _advice_sheet(args, load(args.file), one_line(args.file), output)
    with _stored_note(args, "advice") as (store, info, who):
        record = _reading(lambda: store.record(info.note_id, info.version))
        return _advice_sheet(args, record, f"note {info.short_id} version {info.version}",
                             output, record_as=lambda name, digest: store.mark_output(
                                 info.note_id, info.version, who, "advice_saved", file=name,
                                 pdf_sha256=digest))


def _advice_sheet(args: argparse.Namespace, record: Any, label: str, output: str | None, *,
                  record_as: Callable[[str, str], None] | None = None) -> int:
    from consult.advice.compose import NotReady, compose, left_out_words

    try:
        sheet = compose(record)
    except NotReady as exc:
        print(f"consult: {label}: no advice sheet: {exc}; nothing written", file=sys.stderr)
        return EXIT_INCOMPLETE
    if args.sms:
        from consult.advice.sms import sms_text

        print(sms_text(sheet))
    else:
        from consult.advice.pdf import render_pdf

        assert output is not None
        status = _write(output, render_pdf(sheet, large=args.large), record_as)
        if status != EXIT_OK:
            return status
    if sheet.left_out:
        print(f"consult: warning: {label}: {left_out_words(sheet)}", file=sys.stderr)
    return EXIT_OK


def _write(output: str, data: bytes, record_as: Callable[[str, str], None] | None) -> int:
    """Write the file (atomic, owner-only); then, when it came from the store, record it
    in the audit trail. A failed record keeps the file: one line says so, exit 2."""
    try:
        atomic.write_bytes(output, data)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}; nothing written") from None
    if record_as is None:
        return EXIT_OK
    from consult.store import StoreError

    try:
        record_as(Path(output).name, hashlib.sha256(data).hexdigest())
    except StoreError as exc:
        print(f"consult: {output} written, but not recorded in the audit trail: {exc}",
              file=sys.stderr)
        return EXIT_UNREADABLE
    return EXIT_OK


def _one_source(args: argparse.Namespace, command: str) -> None:
    """FILE or --note NOTE_ID, and the store's options only with --note."""
    if args.note is None:
        if args.file is None:
            raise UsageError(f"{command}: give the record FILE, or --note NOTE_ID for a "
                             "finalised note")
        given = [flag for flag, value in (("--version", args.version),
                                          ("--database", args.database),
                                          ("--key-file", args.key_file), ("--user", args.user))
                 if value is not None]
        if given:
            raise UsageError(f"{command}: {' and '.join(given)} "
                             f"{'are' if len(given) > 1 else 'is'} for --note NOTE_ID, not a FILE")
        return
    if args.file is not None:
        raise UsageError(f"{command}: give either FILE or --note NOTE_ID, not both")
    if not args.note.strip():
        raise UsageError(f"{command}: give the note's id after --note (`main.py notes list` "
                         "shows it)")


@contextlib.contextmanager
def _stored_note(args: argparse.Namespace, command: str) -> Iterator[tuple[Any, Any, Any]]:
    """The store (read only: never created or upgraded), the note --note and --version
    name, and who is working: a store error is one line, nothing written."""
    from consult.store import Store, Who
    from consult.store.model import user_name_problem

    who = None  # the store's default: the login name on this workstation
    if args.user is not None:
        if problem := user_name_problem(args.user.strip()):
            raise UsageError(f"{command}: --user: {problem}")
        who = Who(args.user.strip())
    store = _reading(lambda: Store.open(args.database, create=False, migrate=False,
                                        key_file=args.key_file))
    try:
        info = _reading(lambda: store.note(_note_id(store, args.note.strip()), args.version))
        yield store, info, who
    finally:
        store.close()


T = TypeVar("T")


def _reading(job: Callable[[], T]) -> T:
    """A read from the store, its error one line: nothing has been written yet."""
    from consult.store import StoreError

    try:
        return job()
    except StoreError as exc:
        raise UsageError(f"{exc}; nothing written") from None


def _fhir(args: argparse.Namespace) -> int:
    _one_source(args, "fhir")
    if args.note is not None:
        return _fhir_note(args)
    output = _output(args)
    record = load(args.file)
    from consult.exchange.fhir import bundle_json
    from consult.note import IncompleteRecord, prepare
    from consult.note.pdf import render_pdf
    from consult.rules.engine import assess

    assessment = assess(record)
    try:
        note = prepare(record, draft=args.draft)
    except IncompleteRecord as exc:
        return report_incomplete(args.file, exc.problems)
    text = bundle_json(record, render_pdf(note), assessment=assessment, draft=args.draft)
    return _write(output, text.encode("utf-8"), None)


def _fhir_note(args: argparse.Namespace) -> int:
    """A finalised note's bundle from the store, as File > Export FHIR makes it for the
    open finalised note (consult.exchange.fhir.stored_note_bundle), recorded in the
    audit trail once written. The database is never created or upgraded."""
    if args.draft:
        raise UsageError("fhir: --draft is for a record FILE; a finalised note is final")
    output = _output(args)
    from consult.exchange.fhir import stored_note_bundle

    with _stored_note(args, "fhir") as (store, info, who):
        text = _reading(lambda: stored_note_bundle(store, info.note_id, info.version)
                        .model_dump_json(exclude_none=True, indent=2))
        return _write(output, text.encode("utf-8"), lambda name, digest: store.mark_output(
            info.note_id, info.version, who, "fhir_exported", file=name, sha256=digest))


def _note_id(store: Any, given: str) -> str:
    """The note's full id from the full id or the short one `notes list` prints (any
    case): a short id that more than one note starts with is refused, never guessed."""
    from consult.store import StoreError
    from consult.words import short_note_id

    if len(given) >= 32:
        return given
    found = {n.note_id for n in store.notes(all_versions=True)
             if n.note_id.lower().startswith(given.lower())}
    if len(found) > 1:
        raise StoreError(f"more than one note starts with {short_note_id(given)}: give the "
                         "full id (`main.py notes list --json`)")
    if not found:
        raise StoreError(f"note {short_note_id(given)} is not in the store")
    return found.pop()
