"""The desktop app writes patient data only where the GP asks, owner-only, atomically."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from consult.record import file as recordfile
from forms import dialogs
from forms.consultation.main_window import MainWindow
from forms.dialogs import settings as app_settings
from tests.support import example_path


@pytest.mark.hazard("H11")
def test_save_export_print_and_settings_leave_nothing_else_behind(qtbot, monkeypatch,
                                                                   tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    from forms import printing

    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    out = tmp_path / "out"
    out.mkdir()
    names = iter(["record.json", "note.pdf"])
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a: str(out / next(names)))
    monkeypatch.setattr(dialogs, "show_error", lambda *a: None)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out / "printed.pdf"))
    monkeypatch.setattr(printing, "ask_printer", lambda *a, **k: printer)
    monkeypatch.setattr(app_settings, "edit_settings", lambda *a: app_settings.AppSettings(
        clinician_name="Dr Asha Patel", gmc_number="7012345"))

    window = MainWindow()
    qtbot.addWidget(window)
    record = recordfile.load(example_path("sciatica"))
    window.form.load(record)
    window.panel.set_record(record)
    window._refresh()
    window.save_record_as()
    window.export_pdf()
    window.print_note()
    window.edit_settings()

    written = sorted(p.name for p in out.iterdir())
    assert written == ["note.pdf", "printed.pdf", "record.json"]
    for name in ("note.pdf", "record.json"):
        assert stat.S_IMODE(os.stat(out / name).st_mode) == 0o600, name
    settings_file = Path(QSettings().fileName())
    assert settings_file.is_relative_to(tmp_path)  # never the real user's settings
    assert stat.S_IMODE(os.stat(settings_file).st_mode) == 0o600
    leftovers = [p for p in temp.rglob("*") if p.is_file()]
    assert leftovers == []
    # nothing anywhere else under the test's home holds the patient's NHS number
    home = Path(os.environ["HOME"])
    for path in (p for p in home.rglob("*") if p.is_file()) if home.exists() else []:
        assert record.patient.nhs_number.encode() not in path.read_bytes(), path
    window.dirty = False
