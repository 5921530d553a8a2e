"""`python main.py text FILE [--full]`: the note as text for the clinical system.

Prints the short record entry (about 20 lines, each under 100 characters, nothing
that pastes badly into EMIS Web or SystmOne: consult.note.entry) or, with --full,
the long text twin of the PDF note. Exit statuses as `check`: 0 for a readable
record, complete or not (an incomplete record's text is marked DRAFT on its
first line, and one line on stderr says so); 2 for an unreadable file.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from consult.cli.common import EXIT_OK
from consult.record.file import load, one_line
from consult.words import plural

COMMANDS = ("text",)


def add_commands(commands: Any) -> None:
    text = commands.add_parser(
        "text", help="print the note as text for the clinical system (the short entry)",
        description="Print the short record entry for the clinical system (about 20 "
                    "lines under 100 characters); --full prints the long text twin of "
                    "the PDF note. An incomplete record's text is marked DRAFT.")
    text.add_argument("file", metavar="FILE")
    text.add_argument("--full", action="store_true",
                      help="the long text twin of the PDF note instead of the short entry")


def run(args: argparse.Namespace) -> int:
    record = load(args.file)
    import consult
    from consult.note.compose import compose
    from consult.note.entry import render_entry
    from consult.note.text import render_text
    from consult.rules.completeness import problems
    from consult.rules.engine import assess

    assessment = assess(record)
    found = problems(record, assessment=assessment)
    note = compose(record, assessment, draft=bool(found), app_version=consult.__version__)
    sys.stdout.write(render_text(note) if args.full else render_entry(note))
    if found:
        print(f"consult: {one_line(args.file)}: the record is not complete "
              f"({plural(len(found), 'problem')}); the text is marked DRAFT", file=sys.stderr)
    return EXIT_OK
