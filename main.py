"""consult: the desktop app with no arguments; `python main.py --help` for the command line."""

import sys


def run() -> int:
    if len(sys.argv) == 1:
        from forms.app import main as gui

        return gui(sys.argv)
    from consult.cli import main as cli

    return cli(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(run())
