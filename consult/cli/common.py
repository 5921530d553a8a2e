"""What every command of the command line shares: exit statuses, the usage error
and the parser class that raises it (so that main, not argparse, prints and exits)."""

from __future__ import annotations

import argparse
import sys
from typing import Any, NoReturn

EXIT_OK, EXIT_INCOMPLETE, EXIT_UNREADABLE, EXIT_INTERNAL = 0, 1, 2, 70


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)



def report_incomplete(file: str, problems: Any) -> int:
    """An incomplete record on stderr, one line and then each problem: the note, text and
    fhir commands say it alike. Returns EXIT_INCOMPLETE."""
    from consult.record.file import one_line

    problems = list(problems)
    print(f"consult: {one_line(file)}: the record is not complete; nothing written "
          f"(use --draft for a draft). {len(problems)} to do:", file=sys.stderr)
    for p in problems:
        print(f"  {p.field}: {p.message}", file=sys.stderr)
    return EXIT_INCOMPLETE


def store_options(parser: argparse.ArgumentParser, when: str = "") -> argparse.ArgumentParser:
    """--database and --key-file, said once for every command that opens the note store
    (`when`: "with --note: " where they count only with that option)."""
    parser.add_argument("--database", metavar="URL", default=None,
                        help=f"{when}the database URL (default: CONSULT_DATABASE_URL, else the "
                             "SQLite file in your data folder; the app's Settings are not read)")
    parser.add_argument("--key-file", metavar="PATH", default=None,
                        help=f"{when}the practice key file that authenticates audit entries "
                             "(default: CONSULT_AUDIT_KEY_FILE, else audit.key in your config "
                             "folder)")
    return parser
