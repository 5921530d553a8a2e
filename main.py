"""consult: the desktop app, or the command line.

    python main.py               the desktop app: the consultation window
    python main.py --notes       the desktop app as the practice staff's list of finalised
                                 notes only (asks who is working the first time; exit
                                 status 1 when the note store cannot be opened)
    python main.py --help        the command line: check, note, schema, audit, db,
                                 finalise, notes

Installed: `consult-gui` and `consult-gui --notes` for the app, `consult` for the
command line.
"""

import sys

GUI_ARGUMENTS = ([], ["--notes"])


def run() -> int:
    if sys.argv[1:] in GUI_ARGUMENTS:
        from forms.app import main as gui

        return gui(sys.argv)
    from consult.cli import main as cli

    return cli(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(run())
