"""Regenerate the README's screenshots: `python tools/screenshots.py` (headless).

Writes to docs/screenshots/, light palette unless named -dark. The screen is a GP's
laptop, 1366x768 (an offscreen screen of that size), and each window fills it as when
maximised:

    empty, mechanical, cauda-equina, cauda-equina-dark
                     the consultation window with the example records
    cauda-equina-200 the same on a 1920x1080 screen at 200% scaling (960x540 logical
                     pixels; drawn by a second process with QT_SCALE_FACTOR=2)
    notes-list       the staff's notes list over eight finalised notes, two versions of
                     one (its amendment in the preview), three printed
    restore          the unfinished consultations offered at start-up (two drafts)
    finalised        the consultation window with a finalised, locked note

The settings, the data folder and the note store are temporary folders, never the
user's own; a fixed clock and fixed note ids make each run draw the same pictures.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LAPTOP = (1366, 768)        # the screen of the pictures
SCALED = (1920, 1080, 2)    # cauda-equina-200: this screen at 200%


def offscreen_screen(width: int, height: int) -> str:
    """The offscreen platform with one screen of this size (its configfile option)."""
    folder = Path(tempfile.mkdtemp(prefix="consult-screen-"))
    config = folder / "screens.json"
    config.write_text(json.dumps({"screens": [{"name": "screen", "x": 0, "y": 0, "width": width,
                                               "height": height, "dpi": 96, "logicalDpi": 96,
                                               "dpr": 1}]}))
    return f"offscreen:configfile={config}"


SCALED_RUN = "--scaled" in sys.argv[1:]
if not os.environ.get("QT_QPA_PLATFORM"):
    os.environ["QT_QPA_PLATFORM"] = offscreen_screen(*(SCALED[:2] if SCALED_RUN else LAPTOP))
sys.path.insert(0, str(ROOT))
EXAMPLES = ROOT / "resources" / "examples"
# docs/screenshots, or the folder after --out (to look before replacing the README's)
OUT = Path(sys.argv[sys.argv.index("--out") + 1]).resolve() if "--out" in sys.argv[:-1] \
    else ROOT / "docs" / "screenshots"
GP_NAME = "Dr Asha Patel"
IDS = uuid.UUID("6f1c2a4e-8d3b-4c57-9a10-2b7e5d0c3f81")   # note ids: uuid5(IDS, patient)


class Clock:
    """The store's clock: set to a moment, each reading is one minute later."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)

    def at(self, day: dt.date, hour: int, minute: int) -> None:
        # November: UK time is UTC, so the pictures read these times
        self.now = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC) \
            - dt.timedelta(minutes=1)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(minutes=1)
        return self.now


def note_id(key: str) -> str:
    return str(uuid.uuid5(IDS, key))


@contextlib.contextmanager
def patched(target: Any, **replacements: Any) -> Iterator[None]:
    """Replace attributes of a module or class for the duration (as the tests' monkeypatch)."""
    saved = {name: getattr(target, name) for name in replacements}
    for name, value in replacements.items():
        setattr(target, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(target, name, value)


def settle(app: Any, until: Callable[[], bool] | None = None, seconds: float = 0.5) -> None:
    """Let Qt paint (and the store's worker answer): until `until()` holds, or `seconds`."""
    end = time.monotonic() + (10.0 if until else seconds)
    while time.monotonic() < end:
        app.processEvents()
        if until is not None and until():
            break
        time.sleep(0.02)
    else:
        if until is not None:
            raise RuntimeError("the window did not get ready within 10 seconds")
    for _ in range(5):
        app.processEvents()


def save(widget: Any, name: str) -> None:
    widget.grab().save(str(OUT / f"{name}.png"))
    print(OUT / f"{name}.png")


def fill_screen(window: Any) -> None:
    """The window as when maximised on the screen of the pictures."""
    window.setGeometry(window.screen().availableGeometry())


def main() -> int:
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

    from consult.record import file as recordfile
    from consult.store import Store
    from forms.dialogs.settings import AppSettings, save_settings, style_sheet

    OUT.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setCursorFlashTime(0)   # a text cursor that never blinks: the same picture each run
    with tempfile.TemporaryDirectory() as tmp:
        QCoreApplication.setOrganizationName("consult-screenshots")
        QCoreApplication.setApplicationName("consult-screenshots")
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(QSettings.Format.IniFormat, scope, tmp)
        # the store's default SQLite file (platformdirs) and anything else per-user: here
        for variable, folder in (("HOME", "home"), ("XDG_DATA_HOME", "data"),
                                 ("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache")):
            os.environ[variable] = str(Path(tmp) / folder)
        os.environ.pop("CONSULT_DATABASE_URL", None)
        settings = AppSettings(clinician_name=GP_NAME, gmc_number="7012345",
                               practice_name="Riverside Medical Practice",
                               practice_address="1 River Road\nExampletown\nEX1 2AB")
        save_settings(settings)
        from forms.consultation.main_window import MainWindow

        def use_palette(dark: bool = False) -> None:
            app.setStyle("Fusion")
            palette = app.style().standardPalette()
            if dark:
                for role, colour in ((QPalette.ColorRole.Window, "#2b2b2b"),
                                     (QPalette.ColorRole.WindowText, "#e8e8e8"),
                                     (QPalette.ColorRole.Base, "#1f1f1f"),
                                     (QPalette.ColorRole.AlternateBase, "#2a2a2a"),
                                     (QPalette.ColorRole.Text, "#e8e8e8"),
                                     (QPalette.ColorRole.Button, "#3a3a3a"),
                                     (QPalette.ColorRole.ButtonText, "#e8e8e8"),
                                     (QPalette.ColorRole.ToolTipBase, "#3a3a3a"),
                                     (QPalette.ColorRole.ToolTipText, "#e8e8e8"),
                                     (QPalette.ColorRole.PlaceholderText, "#9a9a9a")):
                    palette.setColor(role, colour)
                # greyed out where disabled (Amend before a note is finalised), as a dark
                # desktop theme does: setColor above set every colour group alike
                for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                             QPalette.ColorRole.ButtonText):
                    palette.setColor(QPalette.ColorGroup.Disabled, role, "#7a7a7a")
            app.setPalette(palette)
            app.setStyleSheet(style_sheet(dark=dark))

        def shoot(name: str, example: str | None, dark: bool = False) -> None:
            use_palette(dark)
            window = MainWindow()
            fill_screen(window)
            if example:
                record = recordfile.load(EXAMPLES / f"{example}.json")
            else:  # a fixed clock, so that regenerating changes nothing
                record = window.record
                record.consultation.date = dt.date(2026, 11, 26)
                record.consultation.time = dt.time(9, 30)
            window.form.load(record)
            window.panel.set_record(record)
            window._refresh()
            window.show()
            for _ in range(5):
                app.processEvents()
            window.form.ensure_built()
            app.processEvents()
            section = "red_flags" if example == "cauda-equina" else "consultation"
            window.form.scroll_to_section(section)
            settle(app, seconds=0.8)   # the panel's note preview fills after a pause, text
            window.form.scroll_to_section(section)   # boxes take their heights: again
            settle(app, seconds=0.2)
            save(window, name)
            window.dirty = False
            window.close()
            window.deleteLater()
            app.processEvents()

        if SCALED_RUN:
            shoot("cauda-equina-200", "cauda-equina")
            return 0
        shoot("empty", None)
        shoot("mechanical", "mechanical")
        shoot("cauda-equina", "cauda-equina")
        shoot("cauda-equina-dark", "cauda-equina", dark=True)
        env = {key: value for key, value in os.environ.items() if key != "QT_QPA_PLATFORM"}
        subprocess.run([sys.executable, __file__, "--scaled", "--out", str(OUT)], check=True,
                       env={**env, "QT_SCALE_FACTOR": str(SCALED[2])})

        def refuse(*_args: Any, **_kwargs: Any) -> None:
            raise RuntimeError("a modal dialog would wait for an answer: nobody is there")

        use_palette()
        with patched(QDialog, exec=refuse), patched(QMessageBox, exec=refuse):
            store_folder = Path(tmp) / "store"
            store_folder.mkdir()
            clock = Clock()
            store = Store.open(f"sqlite:///{store_folder / 'consult.db'}", clock=clock)
            try:
                shoot_notes_list(app, store, clock)
                shoot_restore(app, store, clock)
            finally:
                store.close()
            save_settings(settings.model_copy(update={"user_name": GP_NAME}))
            shoot_finalised(app, MainWindow, Path(tmp))
    return 0


# -- the staff's notes list ---------------------------------------------------------------------

GP_DESK = ("Dr Asha Patel", "surgery-1")
STAFF_DESK = ("Jo Reception", "front-desk")

# (example, given, family, NHS number, born, consultation day and time, finalised at);
# None keeps the example's own. Two patients are other people seen for the same problem.
NOTES = [
    ("mechanical", None, None, None, None, None, (9, 2)),
    ("mechanical", "Gareth", "Williams", "9990412677", dt.date(1964, 10, 30),
     (dt.date(2026, 11, 9), dt.time(9, 10)), (9, 24)),
    ("sciatica", None, None, None, None, None, (11, 31)),
    ("inflammatory", None, None, None, None, None, (10, 44)),
    ("cauda-equina", None, None, None, None, None, (16, 21)),
    ("fracture", None, None, None, None, None, (14, 36)),
    ("sciatica", "Amira", "Haddad", "9992718056", dt.date(1976, 7, 19),
     (dt.date(2026, 11, 24), dt.time(10, 5)), (10, 19)),
    ("infection", None, None, None, None, None, (18, 57)),
]
AMENDED = "sciatica-Okonkwo-Hart"   # Zoë Okonkwo-Hart's note: version 2 a week later
AMEND_AT = (dt.date(2026, 11, 19), 11, 40)
AMEND_REASON = "Follow-up brought forward to 2 weeks at the patient's request."
AMENDED_FOLLOW_UP = ("Face-to-face examination booked; telephone review in 2 weeks "
                     "(brought forward at the patient's request).")
PRINTED_AT = (dt.date(2026, 11, 17), 8, 45)
# the reception printed these for the post
PRINTED = ("mechanical-Fitzgerald", "mechanical-Williams", "inflammatory-O'Neill")


def notes_records() -> list[tuple[str, Any, tuple[int, int]]]:
    """(a key, the complete record, finalised at (hour, minute)) in the order finalised."""
    from consult.record import file as recordfile
    from consult.record.nhs import check_digit
    from consult.rules import plan
    from consult.rules.completeness import problems

    made = []
    for example, given, family, nhs, born, when, finalised in NOTES:
        record = recordfile.load(EXAMPLES / f"{example}.json")
        p, c = record.patient, record.consultation
        if given:
            p.given_name, p.family_name, p.nhs_number, p.date_of_birth = given, family, nhs, born
            c.date, c.time = when
            plan.accept_suggestions(record)   # the dates in the plan follow the consultation
            plan.confirm(record)
        assert p.nhs_number and check_digit(p.nhs_number[:9]) == int(p.nhs_number[9]), p.nhs_number
        found = problems(record, today=dt.date(2026, 11, 26))
        assert not found, (example, given, found)
        made.append((f"{example}-{p.family_name}", record, finalised))
    made.sort(key=lambda m: (m[1].consultation.date, m[2]))
    return made


def shoot_notes_list(app: Any, store: Any, clock: Clock) -> None:
    from consult.rules import plan
    from consult.store import Who
    from forms.notes.notes_window import NotesWindow

    gp, staff = Who(*GP_DESK), Who(*STAFF_DESK)
    events: list[tuple[tuple[dt.date, int, int], Callable[[], None]]] = []
    infos: dict[str, Any] = {}
    for key, record, (hour, minute) in notes_records():
        def finalise(key: str = key, record: Any = record) -> None:
            infos[key] = store.finalise(record, gp, note_id=note_id(key))
        events.append(((record.consultation.date, hour, minute), finalise))

    def amend() -> None:
        record = store.record(infos[AMENDED].note_id, 1)
        record.plan.follow_up = AMENDED_FOLLOW_UP
        plan.confirm(record)
        infos[AMENDED] = store.amend(infos[AMENDED].note_id, 1, record, AMEND_REASON, gp)

    def mark_printed() -> None:
        store.mark_printed([infos[key].key for key in PRINTED], staff, printer="Reception")

    events += [(AMEND_AT, amend), (PRINTED_AT, mark_printed)]
    for moment, event in sorted(events, key=lambda e: e[0]):
        clock.at(*moment)
        event()

    window = NotesWindow(store, staff)
    window.poll_timer.stop()
    fill_screen(window)
    window.show()
    settle(app)
    rows = [n.note_id for n in window.model.notes()]
    window.select_rows([rows.index(infos[AMENDED].note_id)])   # the preview: its amendment box
    # the temporary folder's name changes every run: show where the file normally is
    window.where_label.setText(window.where_label.text().replace(
        str(Path(store.engine.url.database).parent), "/home/jo/.local/share/consult"))
    settle(app, lambda: window.preview.page_count() > 0
           and all(window.model.urgency(n) for n in window.model.notes()))
    settle(app, seconds=1.0)   # the preview draws its pages
    save(window, "notes-list")
    window.close()
    window.deleteLater()
    app.processEvents()


# -- the drafts offered at start-up -------------------------------------------------------------

def shoot_restore(app: Any, store: Any, clock: Clock) -> None:
    from consult.record import file as recordfile
    from consult.record.model import Record
    from consult.store import Who
    from forms.dialogs.restore_drafts import RestoreDialog

    gp = Who(*GP_DESK)
    # an amendment of Margaret Ellis's note, started before the crash ...
    (ellis,) = [n for n in store.notes() if n.patient.name.startswith("ELLIS")]
    amending = store.record(ellis.note_id, ellis.version)
    clock.at(dt.date(2026, 11, 26), 8, 52)
    store.save_draft(note_id("draft-ellis"), ellis.note_id, amending, gp,
                     base_version=ellis.version, amend_reason="Fracture clinic letter received")
    # ... and a new consultation, the patient's details taken, the history begun
    record = Record()
    record.practice.name = "Riverside Medical Practice"
    p, c = record.patient, record.consultation
    p.given_name, p.family_name, p.nhs_number = "Peter", "Kowalski", "9993147265"
    p.date_of_birth = dt.date(1958, 1, 17)
    c.date, c.time, c.clinician_name = dt.date(2026, 11, 26), dt.time(9, 5), GP_NAME
    clock.at(dt.date(2026, 11, 26), 9, 14)
    store.save_draft(note_id("draft-kowalski"), note_id("kowalski"), recordfile.dumps(record), gp)

    drafts = store.drafts(gp)
    assert [d.patient.name for d in drafts] == ["KOWALSKI, Peter", "ELLIS, Margaret"], drafts
    dialog = RestoreDialog(drafts)
    dialog.adjustSize()
    dialog.show()
    settle(app)
    save(dialog, "restore")
    dialog.close()
    dialog.deleteLater()
    app.processEvents()


# -- a finalised, locked note in the consultation window ----------------------------------------

def shoot_finalised(app: Any, main_window: Any, tmp: Path) -> None:
    from forms import dialogs
    from forms.consultation.main_window import show_ready
    from forms.dialogs import restore_drafts as draft_dialogs

    record_file = tmp / "sciatica.json"
    shutil.copyfile(EXAMPLES / "sciatica.json", record_file)
    said: list[tuple] = []

    def note_message(*args: Any) -> None:
        said.append(args[1:])

    with patched(dialogs, ask_open_path=lambda *_a: str(record_file),
                 confirm=lambda *_a, **_k: True, show_error=note_message,
                 show_info=note_message), \
            patched(draft_dialogs, choose_draft=lambda *_a: ("later", None)):
        window = main_window()
        fill_screen(window)
        show_ready(window)
        settle(app, lambda: window.store is not None or bool(said))
        assert not said and window.store is not None, said
        clock = Clock()
        window.store.clock = clock
        window.open_record()   # Ctrl+O, as the GP would
        window.note_id = note_id(AMENDED)   # the same note as in notes-list.png
        window.form.ensure_built()
        clock.at(dt.date(2026, 11, 12), 11, 31)   # the consultation was at 11:15
        info = window.finalise_note()   # Ctrl+Shift+F: "Finalise and lock" answered
        assert info is not None and window.locked and not said, said
        window.statusBar().clearMessage()   # "Finalised note ..." goes after 5 s anyway
        settle(app)
        window.form.scroll_to_section("red_flags")   # locked: answers greyed, kept
        settle(app)
        save(window, "finalised")
        window.close()
        window.deleteLater()
        app.processEvents()


if __name__ == "__main__":
    sys.exit(main())
