"""What every command of the command line shares: exit statuses, the usage error
and the parser class that raises it (so that main, not argparse, prints and exits)."""

from __future__ import annotations

import argparse
from typing import NoReturn

EXIT_OK, EXIT_INCOMPLETE, EXIT_UNREADABLE, EXIT_INTERNAL = 0, 1, 2, 70


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)

