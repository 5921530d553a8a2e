"""GUI test set-up: offscreen Qt, settings in a temporary folder, no real dialogs."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """QSettings is not redirected by Qt's test mode: point it at a temporary folder."""
    QCoreApplication.setOrganizationName("consult-tests")
    QCoreApplication.setApplicationName("consult-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(tmp_path / "settings"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    # the store's default SQLite file (platformdirs) lands in the temporary folder too
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("CONSULT_DATABASE_URL", raising=False)
    yield tmp_path / "settings"


@pytest.fixture(autouse=True)
def no_modal_dialogs(monkeypatch):
    """A modal exec() hangs a headless test: fail at once instead (tests patch forms.dialogs)."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("a modal dialog was opened in a test; patch forms.dialogs")

    monkeypatch.setattr(QDialog, "exec", refuse)
    monkeypatch.setattr(QMessageBox, "exec", refuse)
    for name in ("getOpenFileName", "getSaveFileName", "getExistingDirectory"):
        monkeypatch.setattr(QFileDialog, name, refuse)


@pytest.fixture
def quiet_window(qtbot, monkeypatch):
    """The GP's window (tests.gui.keys.gp_window) with closing and messages answered
    quietly: a consultation left unfinished is discarded, errors and notices shown to
    nobody."""
    from forms import dialogs
    from tests.gui.keys import gp_window

    monkeypatch.setattr(dialogs, "confirm_discard", lambda *a: "discard")
    for name in ("show_error", "show_info"):
        monkeypatch.setattr(dialogs, name, lambda *a: None)
    w = gp_window(qtbot)
    yield w
    w.dirty = False
