"""Starting the app: `python main.py --notes` opens the practice staff's list of
finalised notes as the only window (who is working asked first when not set); a store
that cannot be opened is one error box and exit status 1."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

import forms.app
from consult.store import Store, Who
from consult.store.location import FILE_NAME, data_folder, default_url
from forms import dialogs
from forms.app import EXIT_NOT_STARTED, run_notes, start_notes
from forms.dialogs import settings as app_settings
from forms.notes.notes_window import NotesWindow
from tests.support import negative_record

ROOT = Path(__file__).resolve().parents[2]
STAFF = "Jo Reception"
UNUSABLE = "postgresql://x@127.0.0.1:9/x"  # nothing listens on port 9


@pytest.fixture
def errors(monkeypatch):
    seen: list[tuple] = []
    monkeypatch.setattr(dialogs, "show_error", lambda *a: seen.append(a))
    return seen


def notes_windows() -> set[int]:
    """The notes windows that exist now (earlier tests' closed ones included)."""
    return {id(w) for w in QApplication.topLevelWidgets() if isinstance(w, NotesWindow)}


def test_notes_asks_who_is_working_then_lists_the_notes_of_the_store_in_the_data_folder(
        qtbot, errors, monkeypatch, tmp_path):
    assert data_folder().is_relative_to(tmp_path)  # the test's own data folder
    store = Store.open(default_url())
    info = store.finalise(negative_record(), Who("Dr Ben Jones"))
    store.close()
    asked = []
    monkeypatch.setattr(dialogs, "ask_user_name",
                        lambda parent, prefill: asked.append((parent, prefill)) or STAFF)
    window = start_notes()
    assert isinstance(window, NotesWindow)
    qtbot.addWidget(window)
    assert asked == [(None, "")]
    assert app_settings.load_settings().user_name == STAFF  # asked once: saved
    assert window.who == Who(STAFF)
    assert str(data_folder() / FILE_NAME) in window.store.shown_url
    assert window.model.rowCount() == 1
    assert window.model.index(0, 0).data() is not None
    assert info.short_id in " ".join(str(window.model.index(0, c).data())
                                     for c in range(window.model.columnCount()))
    # no consultation window to amend in: the list does not offer it
    assert not window.act_amend.isVisible()
    assert errors == []
    assert not window.isVisible()  # built, not shown: main() shows it and runs the loop
    window.close()
    window.store.close()


def test_notes_with_who_is_working_set_does_not_ask(qtbot, errors, monkeypatch):
    app_settings.save_settings(app_settings.AppSettings(user_name=STAFF))
    monkeypatch.setattr(dialogs, "ask_user_name",
                        lambda *a: pytest.fail("asked who is working although it is set"))
    window = start_notes()
    assert window is not None
    qtbot.addWidget(window)
    assert window.who == Who(STAFF) and errors == []
    window.close()
    window.store.close()


def test_notes_when_who_is_working_is_not_given_opens_nothing(qtbot, errors, monkeypatch):
    monkeypatch.setattr(dialogs, "ask_user_name", lambda *a: None)
    before = notes_windows()
    assert start_notes() is None
    assert errors == []  # the GP cancelled: nothing to explain
    assert not (data_folder() / FILE_NAME).exists()  # the store was not even opened
    assert notes_windows() <= before   # no new window (a closed one may be deleted meanwhile)


def test_notes_on_a_store_that_cannot_be_opened_is_one_error_and_exit_1(qtbot, errors,
                                                                       monkeypatch):
    app_settings.save_settings(app_settings.AppSettings(user_name=STAFF))
    monkeypatch.setenv("CONSULT_DATABASE_URL", UNUSABLE)
    before = notes_windows()
    assert start_notes() is None
    (error,) = errors
    parent, title, text = error
    assert parent is None and title == "Cannot open the finalised notes"
    assert text.startswith("The note store could not be opened: cannot open the database "
                           "postgresql+psycopg://x@127.0.0.1:9/x")
    assert "CONSULT_DATABASE_URL" in text
    assert notes_windows() <= before   # no new window (a closed one may be deleted meanwhile)
    assert QApplication.overrideCursor() is None  # the wait cursor is gone
    assert run_notes(QApplication.instance()) == EXIT_NOT_STARTED == 1
    assert len(errors) == 2


def _main_module():
    spec = importlib.util.spec_from_file_location("consult_main_py", ROOT / "main.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_main_py_sends_no_arguments_and_notes_to_the_app_and_the_rest_to_the_cli(monkeypatch):
    main = _main_module()
    assert "python main.py --notes" in main.__doc__
    gui, cli = [], []
    monkeypatch.setattr(forms.app, "main", lambda argv: gui.append(list(argv)) or 0)
    import consult.cli

    monkeypatch.setattr(consult.cli, "main", lambda argv: cli.append(list(argv)) or 0)
    for argv in (["main.py"], ["main.py", "--notes"], ["main.py", "--help"],
                 ["main.py", "schema"], ["main.py", "--notes", "schema"]):
        monkeypatch.setattr(sys, "argv", argv)
        assert main.run() == 0
    assert gui == [["main.py"], ["main.py", "--notes"]]
    assert cli == [["--help"], ["schema"], ["--notes", "schema"]]


def test_the_app_runs_the_notes_list_for_notes_and_the_consultation_otherwise(monkeypatch):
    app = QApplication.instance()
    made, ran = [], []
    monkeypatch.setattr(forms.app, "_application", lambda argv: made.append(argv) or app)
    monkeypatch.setattr(forms.app, "run_notes", lambda a: ran.append(("notes", a)) or 1)
    monkeypatch.setattr(forms.app, "run_consultation", lambda a: ran.append(("consult", a)) or 0)
    assert forms.app.main(["consult-gui", "--notes"]) == 1
    assert forms.app.main(["consult-gui"]) == 0
    assert made == [["consult-gui"], ["consult-gui"]]  # Qt never sees --notes
    assert ran == [("notes", app), ("consult", app)]
