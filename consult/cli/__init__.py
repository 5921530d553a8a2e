"""The command line: a contract that other tools and checks rely on.

    python main.py check FILE              one JSON object on stdout; exit 0 when
                                           FILE is a readable record, complete or not
    python main.py note FILE -o OUT.pdf [--draft]
                                           the PDF note, atomic, owner-only; exit 1
                                           and the problems when the record is incomplete;
                                           one warning line on stderr (exit 0) when
                                           the font cannot print some characters
    python main.py plan FILE [--accept] [--confirm] [-o OUT]
                                           accept the current suggestions (the GP's
                                           edited and own items are kept) and/or confirm
                                           the plan, then write the record atomically,
                                           owner-only, to OUT (default: FILE in place);
                                           one line of JSON on stdout saying what was
                                           done; exit 0 written (complete or not); 2
                                           unreadable FILE, unwritable OUT, or neither
                                           flag given: nothing written. A folder of test
                                           records after a rule-set change:
        for f in dir/*.json; do python main.py plan "$f" --accept --confirm \
            -o out/"$(basename "$f")"; done > summary.jsonl
    python main.py schema                  the JSON Schema of the record
    python main.py text FILE [--full]      the short record entry for the clinical
                                           system (--full: the PDF's long text twin) on
                                           stdout; exit codes as check (an incomplete
                                           record's text is marked DRAFT)
    python main.py advice FILE -o OUT.pdf [--large] | --sms
                                           the patient's advice sheet (PDF, atomic,
                                           owner-only; --large 16 point) or its text
                                           message on stdout; exit 1 and the reason
                                           when the plan is not confirmed or changed since
    python main.py advice --note NOTE_ID [--version N] -o OUT.pdf [--database URL]
                                           a finalised note's sheet from its stored
                                           record; the PDF is recorded in the audit
                                           trail (advice_saved)
    python main.py fhir FILE -o OUT.json [--draft]
                                           the FHIR R4 (UK Core) document Bundle, atomic,
                                           owner-only; exit 1 and the problems when the
                                           record is incomplete (unless --draft)
    python main.py fhir --note NOTE_ID [--version N] -o OUT.json [--database URL]
                                           a finalised note's Bundle from the store:
                                           its stored record and PDF byte for byte
                                           (latest version unless --version; the
                                           database as the store commands find it);
                                           exit 2 and one line for an unknown note;
                                           recorded in the audit trail (fhir_exported)
    python main.py audit verify | db | finalise | notes
                                           the store: see consult.cli.store_commands
    python main.py patients import FILE | list | purge | keep-days N
                                           the day's patient lists: see
                                           consult.cli.patient_commands

Any unreadable input or unusable argument: one line on stderr, exit 2. Never a
traceback, never a half-written output file.

The package: this module parses and dispatches; the commands live in
consult.cli.record_commands (check, note, plan, schema) and consult.cli.store_commands
(audit, db, finalise, notes), which share consult.cli.common and never import this
module or each other.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence

from consult import __version__
from consult.cli import (
    exchange_commands,
    patient_commands,
    record_commands,
    store_commands,
    text_command,
)
from consult.cli.common import EXIT_INTERNAL, EXIT_OK, EXIT_UNREADABLE, Parser, UsageError
from consult.record.file import RecordFileError, one_line


def _parser() -> argparse.ArgumentParser:
    parser = Parser(prog="consult", description="Remote GP lower back pain consultation: "
                     "check a record, write its PDF note, accept or confirm its plan, "
                     "or print the record's schema; "
                     "and the store of finalised notes: finalise a record, list the notes, "
                     "verify the audit trail, upgrade or show the database.",
                     epilog="The store commands use --database URL, else CONSULT_DATABASE_URL, "
                            "else the default SQLite file: not the app's Settings. "
                            "With no arguments, main.py starts the desktop app; "
                            "main.py --notes opens the finalised notes list alone.")
    parser.add_argument("--version", action="version", version=f"consult {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    record_commands.add_commands(commands)
    store_commands.add_commands(commands)
    exchange_commands.add_commands(commands)
    patient_commands.add_commands(commands)
    text_command.add_commands(commands)
    return parser


def utf8_output() -> None:
    """Standard output and error in UTF-8, whatever the locale or a redirect says, before
    anything is printed: a Windows cp1252 redirect cannot encode "Łukasz", and the notes
    list printed part of its table, then "internal error" (exit 70). A character UTF-8
    cannot carry (a lone surrogate from a JSON escape) is written as an escape."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(OSError, ValueError):  # a closed or unusual stream
                reconfigure(encoding="utf-8", errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    utf8_output()
    parser = _parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return EXIT_OK
        if args.command in ("check", "note", "plan", "schema"):
            return record_commands.run(args)
        if args.command in ("advice", "fhir"):
            return exchange_commands.run(args)
        if args.command in patient_commands.COMMANDS:
            return patient_commands.run(args)
        if args.command in text_command.COMMANDS:
            return text_command.run(args)
        return store_commands.run(args)
    except (RecordFileError, UsageError) as exc:
        print(f"consult: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_UNREADABLE
    except OSError as exc:  # e.g. stdout closed or full
        print(f"consult: cannot write output: {one_line(str(exc.strerror or exc))}",
              file=sys.stderr)
        return EXIT_UNREADABLE
    except KeyboardInterrupt:
        print("consult: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback, never patient data in the message
        print(f"consult: internal error ({type(exc).__name__}); nothing was written. "
              "Please report it.", file=sys.stderr)
        return EXIT_INTERNAL
