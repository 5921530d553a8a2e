"""The audit trail: who did what and when, chained by hash, and `audit verify`
finding any altered or missing entry (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from consult.cli import main as cli
from consult.store import Store
from consult.store.audit import expected_sqlite_triggers
from tests.storesupport import GP, STAFF, new_id
from tests.support import negative_record

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.hazard("H13")


def entries(store: Store) -> list[dict]:
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(text("SELECT * FROM audit ORDER BY seq")).mappings()]


def busy(store: Store, tmp_path: Path) -> str:
    """Create, finalise, print, export and amend one note; return its id."""
    draft, note = new_id(), new_id()
    r = negative_record()
    store.save_draft(draft, note, r, GP)
    store.finalise(r, GP, note_id=note, draft_id=draft)
    store.mark_printed([(note, 1)], STAFF, printer="Reception")
    (tmp_path / "out").mkdir(exist_ok=True)
    store.export([(note, 1)], tmp_path / "out", STAFF)
    store.amend(note, 1, r, "wrong side", GP)
    return note


GUARDS = ("audit_no_update", "audit_no_delete", "notes_no_update", "notes_no_delete")


def tamper(store: Store, *statements: str | tuple[str, dict]) -> None:
    """What someone with direct database access could do: lift the append-only guard,
    change what they want, and put the guard back as it was."""
    with store.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit DISABLE TRIGGER audit_append_only"))
            conn.execute(text("ALTER TABLE notes DISABLE TRIGGER notes_append_only"))
        else:
            for name in GUARDS:
                conn.execute(text(f"DROP TRIGGER {name}"))
        for statement in statements:
            sql, params = (statement, {}) if isinstance(statement, str) else statement
            conn.execute(text(sql), params)
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit ENABLE TRIGGER audit_append_only"))
            conn.execute(text("ALTER TABLE notes ENABLE TRIGGER notes_append_only"))
        else:
            for name in GUARDS:
                conn.execute(text(expected_sqlite_triggers()[name]))


def test_every_action_is_recorded_with_who_and_when_in_order(store, tmp_path):
    note = busy(store, tmp_path)
    got = [(e["action"], e["user_name"], e["workstation"], e["note_id"], e["version"]) for e in entries(store)]
    assert got == [
        ("created", GP.user, GP.workstation, note, None),
        ("finalised", GP.user, GP.workstation, note, 1),
        ("printed", STAFF.user, STAFF.workstation, note, 1),
        ("exported", STAFF.user, STAFF.workstation, note, 1),
        ("amended", GP.user, GP.workstation, note, 2),
    ]
    times = [e["at"] for e in entries(store)]
    assert times == sorted(times) and len(set(times)) == len(times)
    finalised = json.loads(entries(store)[1]["detail"])
    assert finalised["pdf_sha256"] == store.note(note, 1).pdf_sha256
    assert json.loads(entries(store)[4]["detail"])["reason"] == "wrong side"


def test_each_entry_is_chained_to_the_one_before(store, tmp_path):
    busy(store, tmp_path)
    rows = entries(store)
    assert rows[0]["prev_hash"] == "0" * 64
    for before, after in itertools.pairwise(rows):
        assert after["prev_hash"] == before["hash"]
    report = store.verify_audit()
    assert report.ok and (report.entries, report.notes) == (5, 2)


@pytest.mark.parametrize("statement, found", [
    ("UPDATE audit SET user_name = 'Someone Else' WHERE seq = 3", "audit entry 3 (printed, "),
    ("UPDATE audit SET at = '2026-01-01T00:00:00.000000Z' WHERE seq = 2", "audit entry 2 (finalised, 2026-01-01"),
    ("DELETE FROM audit WHERE seq = 3", "audit entry 3 missing"),
    ("DELETE FROM audit WHERE seq = 5", "version 2: no audit entry records it being finalised"),
    ("UPDATE notes SET pdf_sha256 = 'ab' || substr(pdf_sha256, 3) WHERE version = 1",
     "version 1: its PDF hash differs from the one the audit trail recorded"),
    ("DELETE FROM notes WHERE version = 2", "version 2: recorded in the audit trail but missing"),
    ("UPDATE notes SET family_name = 'Smith', search_name = 'john smith', nhs_number = '9434765919' "
     "WHERE version = 1", "version 1: columns family_name, search_name changed after it was finalised"),
    ("UPDATE notes SET record_json = replace(record_json, 'Taylor', 'Tailor') WHERE version = 1",
     "version 1: its stored record was altered after it was finalised"),
])
def test_verify_reports_any_altered_or_missing_entry(store, tmp_path, statement, found):
    busy(store, tmp_path)
    tamper(store, statement)
    report = store.verify_audit()
    assert not report.ok
    assert any(found in p for p in report.problems), report.problems


def test_a_checkpoint_finds_entries_removed_from_the_end(store, tmp_path):
    busy(store, tmp_path)
    head = store.verify_audit().head
    assert head is not None and head[0] == 5
    assert store.verify_audit(checkpoint=head).ok
    tamper(store, "DELETE FROM audit WHERE seq = 5", "DELETE FROM notes WHERE version = 2")
    assert store.verify_audit().ok  # the trail alone cannot see its end cut off
    problems = store.verify_audit(checkpoint=head).problems
    assert problems == ["the trail ends before entry 5, which the last check saw: entries were removed from the end"]


def test_a_checkpoint_finds_a_rewritten_trail(store, tmp_path):
    busy(store, tmp_path)
    seq, _ = store.verify_audit().head
    assert store.verify_audit(checkpoint=(seq, "0" * 64)).problems == [
        f"entry {seq} is not the one the last check saw: the trail was rewritten"]


def test_verify_finds_a_pdf_altered_in_place(store, tmp_path):
    note = busy(store, tmp_path)
    with store.engine.connect() as conn:
        pdf = conn.execute(text("SELECT pdf FROM notes WHERE version = 1")).scalar()
    changed = bytes(pdf).replace(b"/Size", b"/Sise", 1)  # one byte differs
    assert changed != bytes(pdf)
    tamper(store, ("UPDATE notes SET pdf = :pdf WHERE version = 1", {"pdf": changed}))
    assert any("its PDF was altered after it was finalised" in p for p in store.verify_audit().problems)
    from consult.store import NoteAltered

    with pytest.raises(NoteAltered, match="do not use it"):
        store.pdf(note, 1)


def test_audit_verify_on_the_command_line(store, store_url, tmp_path, capsys):
    busy(store, tmp_path)
    assert cli(["audit", "verify", "--database", store_url]) == 0
    out = capsys.readouterr().out
    assert out.startswith("audit trail intact: 5 entries, 2 note versions (")
    tamper(store, "UPDATE audit SET action = 'printed' WHERE seq = 4")
    assert cli(["audit", "verify", "--database", store_url]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines()[0].startswith("audit entry 4 (printed, ")
    assert "has 1 problem" in captured.err


def test_audit_verify_as_its_own_process_never_shows_a_traceback(tmp_path):
    missing_server = "postgresql://consult:pw@127.0.0.1:9/consult"
    result = subprocess.run([sys.executable, "main.py", "audit", "verify", "--database", missing_server],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("consult: cannot open the database postgresql+psycopg://consult:***@")
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    url = f"sqlite:///{tmp_path / 'c.db'}"
    result = subprocess.run([sys.executable, "main.py", "audit", "verify", "--database", url],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout) == (2, "")  # a mistyped path is no empty store
    assert result.stderr.strip() == f"consult: cannot open the database: no database at {tmp_path / 'c.db'}"
    assert not (tmp_path / "c.db").exists()
    Store.open(url).close()
    result = subprocess.run([sys.executable, "main.py", "audit", "verify", "--database", url],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("audit trail intact: 0 entries, 0 note versions")


# --- every output of the patient's data (Store.mark_output) -------------------------------------

SHEET = hashlib.sha256(b"the advice sheet's PDF").hexdigest()
BUNDLE = hashlib.sha256(b"the FHIR bundle").hexdigest()


def test_each_output_of_patient_data_is_one_entry_with_where_it_went_and_its_digest(
        store, store_url, tmp_path, capsys):
    note = busy(store, tmp_path)
    before = len(entries(store))
    store.mark_output(note, 2, STAFF, "advice_printed", printer="Reception", pdf_sha256=SHEET)
    store.mark_output(note, 2, STAFF, "advice_saved", file=str(tmp_path / "out" / "sheet.pdf"),
                      pdf_sha256=SHEET)
    store.mark_output(note, None, GP, "fhir_exported", file="/home/gp/exports/n.fhir.json",
                      sha256=BUNDLE)
    store.mark_advice_emailed(note, GP, to="zoe@example.org", pdf_sha256=SHEET)
    got = [(e["action"], e["user_name"], e["note_id"], e["version"], json.loads(e["detail"]))
           for e in entries(store)[before:]]
    assert got == [
        ("advice_printed", STAFF.user, note, 2, {"printer": "Reception", "pdf_sha256": SHEET}),
        ("advice_saved", STAFF.user, note, 2, {"file": "sheet.pdf", "pdf_sha256": SHEET}),
        ("fhir_exported", GP.user, note, None, {"file": "n.fhir.json", "sha256": BUNDLE}),
        ("advice_emailed", GP.user, note, None, {"to": "zoe@example.org", "pdf_sha256": SHEET}),
    ]  # a file by its base name only: the folders (a user's, a share's) never
    assert store.verify_audit().ok
    assert cli(["audit", "verify", "--database", store_url]) == 0
    assert capsys.readouterr().out.startswith(f"audit trail intact: {before + 4} entries, ")


def test_the_action_column_holds_every_action():
    """No CHECK constraint lists the actions; the column's width is the only limit (and
    PostgreSQL enforces it)."""
    from consult.store.audit import ACTIONS, OUTPUTS
    from consult.store.schema import audit

    assert set(OUTPUTS) <= set(ACTIONS)
    assert max(len(a) for a in ACTIONS) <= audit.c.action.type.length
    assert not [c for c in audit.constraints if c.__class__.__name__ == "CheckConstraint"]


@pytest.mark.parametrize("action, detail, words", [
    ("printed", {"printer": "Reception"}, "not an output"),
    ("advice_printed", {"printer": "Reception"}, "records printer, pdf_sha256"),
    ("advice_saved", {"file": "a.pdf", "pdf_sha256": SHEET, "patient": "Sam Taylor"},
     "records file, pdf_sha256"),
    ("fhir_exported", {"file": "b.json", "sha256": "not a digest"}, "not a SHA-256"),
    ("fhir_exported", {"file": "/", "sha256": BUNDLE}, "file is empty"),
])
def test_an_output_with_another_action_or_detail_is_refused_and_writes_nothing(
        store, action, detail, words):
    with pytest.raises(ValueError, match=words):
        store.mark_output(new_id(), 1, STAFF, action, **detail)
    assert entries(store) == []


def test_an_altered_output_entry_is_reported_by_its_action(store, store_url, tmp_path, capsys):
    note = busy(store, tmp_path)
    store.mark_output(note, 1, STAFF, "advice_printed", printer="Reception", pdf_sha256=SHEET)
    seq = len(entries(store))
    tamper(store, f"UPDATE audit SET detail = replace(detail, 'Reception', 'Back office') "
                  f"WHERE seq = {seq}")
    assert cli(["audit", "verify", "--database", store_url]) == 1
    assert capsys.readouterr().out.splitlines()[0].startswith(
        f"audit entry {seq} (advice_printed, ")
