"""File > Export FHIR in the main window (issue 16, part 3)."""

from __future__ import annotations

import os
import stat

import pytest
from fhir.resources.R4B.bundle import Bundle

from consult.record.model import Record
from forms import dialogs
from forms.dialogs import exchange
from tests.support import load_example


@pytest.fixture
def window(qtbot, monkeypatch):
    from forms.consultation.main_window import MainWindow

    errors: list[tuple] = []
    monkeypatch.setattr(dialogs, "confirm_discard", lambda *a: "discard")
    monkeypatch.setattr(dialogs, "show_error", lambda *a: errors.append(a))
    w = MainWindow()
    w.errors = errors
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.mark.hazard("H30")
def test_export_fhir_writes_the_open_consultations_bundle_owner_only(window, tmp_path, monkeypatch):
    target = tmp_path / "out.fhir.json"
    asked: list[str] = []
    monkeypatch.setattr(exchange, "ask_path", lambda parent, name: asked.append(name) or str(target))
    window.show_consultation(load_example("sciatica"))
    window.act_fhir.trigger()
    assert asked and asked[0].endswith(".fhir.json")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    bundle = Bundle.model_validate_json(target.read_text())
    assert bundle.type == "document" and window.errors == []


def test_export_fhir_of_an_incomplete_record_says_so_and_writes_nothing(window, tmp_path,
                                                                        monkeypatch):
    target = tmp_path / "out.fhir.json"
    monkeypatch.setattr(exchange, "ask_path", lambda parent, name: str(target))
    window.show_consultation(Record())
    window.act_fhir.trigger()
    assert not target.exists()
    ((_, title, text),) = window.errors
    assert title == "Cannot export FHIR" and "not complete" in text
