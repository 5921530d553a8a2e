"""The exchange commands of the command line (see consult.cli): advice, fhir.

    advice FILE -o OUT.pdf [--large]   the patient's advice sheet as PDF (atomic, 0600)
    advice FILE --sms                  the advice as a text message, on stdout
    fhir FILE -o OUT.json [--draft]    the FHIR R4 (UK Core) document Bundle, atomic, 0600
    fhir --note NOTE_ID [--version N] -o OUT.json [--database URL]
                                       a finalised note's Bundle from the store: its stored
                                       record and its PDF byte for byte (checked against
                                       its SHA-256); the latest version unless --version.
                                       NOTE_ID: the full id (`notes list --json`) or the
                                       8 characters `notes list` shows. The database as
                                       the store commands find it (--database, else
                                       CONSULT_DATABASE_URL, else the default SQLite file;
                                       never created or upgraded)

Exit codes as `note`: 0 written; 1 the record cannot give it yet (advice: the plan is
not confirmed or changed since; fhir: the record is incomplete, unless --draft), with
the reasons on stderr and nothing written; 2 unreadable input or unusable arguments
(for --note also: an unknown note or version, a stored note altered since it was
finalised, a missing or unusable database), one line on stderr, nothing written.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from consult import atomic
from consult.cli.common import EXIT_INCOMPLETE, EXIT_OK, UsageError, report_incomplete
from consult.record.file import load, one_line


def add_commands(commands: Any) -> None:
    advice = commands.add_parser(
        "advice", help="write the patient's advice sheet (PDF) or print its text message",
        description="The patient's advice sheet from the record and the GP's confirmed plan: "
                    "a PDF (-o OUT.pdf, --large for 16-point print) or the text message (--sms).")
    advice.add_argument("file", metavar="FILE")
    out = advice.add_mutually_exclusive_group(required=True)
    out.add_argument("-o", "--output", metavar="OUT.pdf")
    out.add_argument("--sms", action="store_true", help="print the text message on stdout")
    advice.add_argument("--large", action="store_true", help="large print (16 point)")
    fhir = commands.add_parser(
        "fhir", help="write the consultation as a FHIR R4 (UK Core) document Bundle (JSON)")
    fhir.add_argument("file", metavar="FILE", nargs="?", default=None,
                      help="the record file (JSON); or --note for a finalised note")
    fhir.add_argument("-o", "--output", metavar="OUT.json", required=True)
    fhir.add_argument("--draft", action="store_true",
                      help="export an incomplete record (the note marked DRAFT, the "
                           "Composition preliminary)")
    fhir.add_argument("--note", metavar="NOTE_ID", default=None,
                      help="a finalised note in the store, instead of FILE: its stored record "
                           "and PDF byte for byte (the full id, or the 8 characters "
                           "`notes list` shows)")
    fhir.add_argument("--version", metavar="N", type=_version, default=None,
                      help="the note's version (default: the latest)")
    fhir.add_argument("--database", metavar="URL", default=None,
                      help="with --note: the database URL (default: CONSULT_DATABASE_URL, "
                           "else the SQLite file in your data folder; the app's Settings "
                           "are not read)")


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
    output = None if args.sms else _output(args)
    record = load(args.file)
    from consult.advice.compose import NotReady, compose, left_out_words

    try:
        sheet = compose(record)
    except NotReady as exc:
        print(f"consult: {one_line(args.file)}: no advice sheet: {exc}; nothing written",
              file=sys.stderr)
        return EXIT_INCOMPLETE
    if args.sms:
        from consult.advice.sms import sms_text

        print(sms_text(sheet))
    else:
        from consult.advice.pdf import render_pdf

        data = render_pdf(sheet, large=args.large)
        try:
            atomic.write_bytes(output, data)  # type: ignore[arg-type]
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc.strerror or exc}; nothing written") from None
    if sheet.left_out:
        print(f"consult: warning: {one_line(args.file)}: {left_out_words(sheet)}", file=sys.stderr)
    return EXIT_OK


def _fhir(args: argparse.Namespace) -> int:
    if args.note is not None:
        return _fhir_note(args)
    if args.file is None:
        raise UsageError("fhir: give the record FILE, or --note NOTE_ID for a finalised note")
    if args.version is not None or args.database is not None:
        raise UsageError("fhir: --version and --database are for --note NOTE_ID, not a FILE")
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
    try:
        atomic.write_text(output, text)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}; nothing written") from None
    return EXIT_OK


def _fhir_note(args: argparse.Namespace) -> int:
    """A finalised note's bundle from the store, as File > Export FHIR makes it for the
    open finalised note (consult.exchange.fhir.stored_note_bundle). Read only: the
    database is never created or upgraded."""
    if args.file is not None:
        raise UsageError("fhir: give either FILE or --note NOTE_ID, not both")
    if args.draft:
        raise UsageError("fhir: --draft is for a record FILE; a finalised note is final")
    if not args.note.strip():
        raise UsageError("fhir: give the note's id after --note (`main.py notes list` shows it)")
    output = _output(args)
    from consult.exchange.fhir import stored_note_bundle
    from consult.store import Store, StoreError

    try:
        store = Store.open(args.database, create=False, migrate=False)
        try:
            note_id = _note_id(store, args.note.strip())
            info = store.note(note_id, args.version)
            text = stored_note_bundle(store, info.note_id, info.version).model_dump_json(
                exclude_none=True, indent=2)
        finally:
            store.close()
    except StoreError as exc:
        raise UsageError(f"{exc}; nothing written") from None
    try:
        atomic.write_text(output, text)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}; nothing written") from None
    return EXIT_OK


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
