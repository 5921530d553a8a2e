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
