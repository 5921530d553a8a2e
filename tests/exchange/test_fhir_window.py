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


def _main_window(qtbot, monkeypatch):
    """The main window with its error boxes recorded (w.errors), not yet shown."""
    from forms.consultation.main_window import MainWindow

    errors: list[tuple] = []
    monkeypatch.setattr(dialogs, "confirm_discard", lambda *a: "discard")
    monkeypatch.setattr(dialogs, "show_error", lambda *a: errors.append(a))
    w = MainWindow()
    w.errors = errors
    qtbot.addWidget(w)
    return w


@pytest.fixture
def window(qtbot, monkeypatch):
    w = _main_window(qtbot, monkeypatch)
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


# -- every export in the audit trail --------------------------------------------------------------

USER = "Dr Asha Patel"


def with_store(qtbot, monkeypatch) -> object:
    """The main window as a GP starts it: who is working set, the store opened."""
    from forms.consultation.main_window import show_ready
    from forms.dialogs import settings as app_settings

    app_settings.save_settings(app_settings.AppSettings(user_name=USER, clinician_name=USER))
    w = _main_window(qtbot, monkeypatch)
    with qtbot.waitSignal(w.storeOpened, timeout=5000):
        show_ready(w)
    return w


def exports(url: str) -> list[tuple[str, str, int | None, dict]]:
    import json

    from sqlalchemy import text

    from consult.store import Store

    store = Store.open(url, create=False, migrate=False)
    try:
        with store.engine.connect() as conn:
            rows = conn.execute(text("SELECT action, note_id, version, detail FROM audit "
                                     "WHERE action = 'fhir_exported' ORDER BY seq")).all()
        assert store.verify_audit().ok
    finally:
        store.close()
    return [(r.action, r.note_id, r.version, json.loads(r.detail)) for r in rows]


@pytest.mark.hazard("H13")
def test_each_fhir_export_leaves_one_entry_with_the_note_and_the_digest_of_the_file(
        qtbot, monkeypatch, tmp_path):
    import hashlib

    from consult.store import Store, Who
    from consult.store.location import default_url

    window = with_store(qtbot, monkeypatch)
    (tmp_path / "exports").mkdir()
    targets = iter([tmp_path / "exports" / "open.fhir.json",
                    tmp_path / "exports" / "final.fhir.json"])
    written: list = []
    monkeypatch.setattr(exchange, "ask_path", lambda parent, name: str(
        written.append(next(targets)) or written[-1]))
    # the consultation being written: its note id, no version
    window.show_consultation(load_example("sciatica"))
    window.act_fhir.trigger()
    # a finalised note shown: its id and version
    store = Store.open(default_url())
    try:
        info = store.finalise(load_example("mechanical"), Who("Dr Ben Jones", "ws2"))
    finally:
        store.close()
    window.dirty = False
    assert window.open_note_for_amendment(info.note_id, 1)
    window.act_fhir.trigger()
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in written]
    open_id = exports(default_url())[0][1]
    assert open_id != info.note_id
    assert exports(default_url()) == [
        ("fhir_exported", open_id, None, {"file": "open.fhir.json", "sha256": digest[0]}),
        ("fhir_exported", info.note_id, 1, {"file": "final.fhir.json", "sha256": digest[1]}),
    ]
    assert window.statusBar().currentMessage() == f"Exported FHIR bundle {written[1]}"
    assert window.errors == []


@pytest.mark.hazard("H13")
def test_a_fhir_export_that_fails_records_nothing(qtbot, monkeypatch, tmp_path):
    from consult.store.location import default_url

    window = with_store(qtbot, monkeypatch)
    monkeypatch.setattr(exchange, "ask_path",
                        lambda parent, name: str(tmp_path / "gone" / "b.fhir.json"))
    window.show_consultation(load_example("sciatica"))
    window.act_fhir.trigger()
    ((_, title, text),) = window.errors
    assert title == "Cannot export FHIR" and text.endswith("Nothing was written.")
    assert exports(default_url()) == []


@pytest.mark.hazard("H13")
def test_a_fhir_export_with_no_store_or_a_refused_entry_is_written_and_says_so(
        qtbot, window, monkeypatch, tmp_path):
    target = tmp_path / "out.fhir.json"
    monkeypatch.setattr(exchange, "ask_path", lambda parent, name: str(target))
    window.show_consultation(load_example("sciatica"))
    window.act_fhir.trigger()  # this window has no store
    assert target.exists() and window.errors == []
    assert window.statusBar().currentMessage() == (
        f"Exported FHIR bundle {target}; not in the audit trail: no note store is open")
    # a store that refuses the entry: its trail is authenticated with the practice key,
    # and this workstation has none
    from consult.store import Store, Who, keys

    target.unlink()
    url = f"sqlite:///{tmp_path / 'keyed.db'}"
    keys.create(tmp_path / "audit.key")
    keyed = Store.open(url, key_file=tmp_path / "audit.key")
    keyed.seal(Who("Practice Manager", "server"))
    keyed.close()
    keyless = Store.open(url, key_file=tmp_path / "absent.key")
    try:
        done = exchange.export_fhir(
            window, load_example("sciatica"), default_name="b.fhir.json",
            audit=lambda action, **detail: keyless.mark_output("n-1", None, Who(USER), action,
                                                               **detail))
    finally:
        keyless.close()
    assert target.exists()  # the file stays
    ((_, title, text),) = window.errors
    assert title == "The export was not recorded"
    assert text.startswith("out.fhir.json was written, but not recorded in the audit trail: "
                           "this database's audit trail is authenticated with the practice key")
    assert done.startswith(f"Exported FHIR bundle {target}; not recorded in the audit trail: ")
    assert "\n" not in done and exports(url) == []
