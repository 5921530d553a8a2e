"""`main.py advice` and `main.py fhir`, run as real processes (the command-line contract)."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest
from fhir.resources.R4B.bundle import Bundle

from consult.record import file as recordfile
from tests.support import example_path, negative_record

MAIN = Path(__file__).resolve().parents[2] / "main.py"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(MAIN), *args], capture_output=True, text=True,
                          timeout=120)


@pytest.mark.hazard("H28")
def test_advice_writes_a_large_print_pdf_owner_only(tmp_path):
    out = tmp_path / "advice.pdf"
    result = run("advice", str(example_path("cauda-equina")), "-o", str(out), "--large")
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    with pdfplumber.open(io.BytesIO(out.read_bytes())) as pdf:
        first = pdf.pages[0]
        text = first.extract_text()
        assert text.index("GO NOW") < text.index("When to get help")
        assert max(c["size"] for c in first.chars) >= 16


def test_advice_sms_prints_the_text_message(tmp_path):
    result = run("advice", str(example_path("mechanical")), "--sms")
    assert result.returncode == 0, result.stderr
    text = result.stdout.strip()
    assert text.startswith("Daniel, from Riverside Medical Practice: Go to A&E now")
    assert len(text) <= 600 and "Fitzgerald" not in text


def test_advice_of_an_unconfirmed_plan_exits_1_and_writes_nothing(tmp_path):
    record = negative_record()
    record.plan.confirmed = False
    path = tmp_path / "r.json"
    recordfile.save(record, path)
    out = tmp_path / "advice.pdf"
    result = run("advice", str(path), "-o", str(out))
    assert result.returncode == 1
    assert "plan is not confirmed" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists() and sorted(os.listdir(tmp_path)) == ["r.json"]


def test_advice_warns_of_the_gps_own_items_left_off(tmp_path):
    from consult.record.model import PlanItem
    from consult.rules import plan

    record = negative_record()
    record.plan.items.append(PlanItem(text="Call back Friday"))
    plan.confirm(record)
    path = tmp_path / "r.json"
    recordfile.save(record, path)
    result = run("advice", str(path), "--sms")
    assert result.returncode == 0
    assert "1 plan item you wrote or edited is not on the sheet" in result.stderr


@pytest.mark.parametrize("args", [("--sms", "--large"), ("-o", ""), ()])
def test_advice_usage_errors_exit_2_in_one_line(args, tmp_path):
    result = run("advice", str(example_path("mechanical")), *args)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


@pytest.mark.hazard("H30")
def test_fhir_writes_a_bundle_that_validates(tmp_path):
    out = tmp_path / "bundle.json"
    result = run("fhir", str(example_path("sciatica")), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    bundle = Bundle.model_validate_json(out.read_text())
    assert bundle.type == "document"
    assert json.loads(out.read_text())["entry"][0]["resource"]["status"] == "final"


def test_fhir_of_an_incomplete_record_exits_1_unless_draft(tmp_path):
    from consult.record.model import Record

    path = tmp_path / "blank.json"
    recordfile.save(Record(), path)
    out = tmp_path / "bundle.json"
    result = run("fhir", str(path), "-o", str(out))
    assert result.returncode == 1 and not out.exists()
    assert "not complete" in result.stderr
    result = run("fhir", str(path), "-o", str(out), "--draft")
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_text())["entry"][0]["resource"]["status"] == "preliminary"


def test_fhir_to_an_unwritable_place_exits_2(tmp_path):
    result = run("fhir", str(example_path("sciatica")), "-o", str(tmp_path / "no" / "b.json"))
    assert result.returncode == 2 and "nothing written" in result.stderr


@pytest.fixture
def finalised_store(tmp_path):
    """The sciatica example finalised into a new SQLite store: (url, note id)."""
    from consult.cli import main as cli
    from consult.store import Store

    url = f"sqlite:///{tmp_path / 'c.db'}"
    assert cli(["finalise", str(example_path("sciatica")), "--user", "Dr B",
                "--database", url]) == 0
    store = Store.open(url, create=False, migrate=False)
    try:
        (info,) = store.notes()
    finally:
        store.close()
    return url, info.note_id


def test_fhir_of_a_stored_note_carries_its_stored_pdf_byte_for_byte(finalised_store, tmp_path,
                                                                    capsys):
    import base64
    import hashlib

    from consult.cli import main as cli
    from consult.store import Store

    url, note_id = finalised_store
    out = tmp_path / "note.fhir.json"
    assert cli(["fhir", "--note", note_id, "-o", str(out), "--database", url]) == 0, \
        capsys.readouterr().err
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    store = Store.open(url, create=False, migrate=False)
    try:
        stored = store.stored_pdf(note_id, 1)
        stored_sha256 = store.note(note_id, 1).pdf_sha256
    finally:
        store.close()
    bundle = Bundle.model_validate_json(out.read_text())
    (doc,) = [e.resource for e in bundle.entry
              if e.resource.get_resource_type() == "DocumentReference"]
    attachment = doc.content[0].attachment
    assert attachment.data == stored  # base64Binary, decoded by fhir.resources
    assert attachment.hash == bytes.fromhex(stored_sha256)  # base64Binary, decoded
    raw = json.loads(out.read_text())  # and as a receiver reads the JSON itself
    (doc_json,) = [e["resource"] for e in raw["entry"]
                   if e["resource"]["resourceType"] == "DocumentReference"]
    assert base64.b64decode(doc_json["content"][0]["attachment"]["data"]) == stored
    assert base64.b64decode(doc_json["content"][0]["attachment"]["hash"]).hex() == stored_sha256
    assert hashlib.sha256(attachment.data).hexdigest() == stored_sha256
    assert bundle.entry[0].resource.status == "final"
    # the 8 characters `notes list` shows, lower case, and the version, find the same note
    again = tmp_path / "again.json"
    assert cli(["fhir", "--note", note_id[:8].lower(), "--version", "1", "-o", str(again),
                "--database", url]) == 0
    (doc,) = [e.resource for e in Bundle.model_validate_json(again.read_text()).entry
              if e.resource.get_resource_type() == "DocumentReference"]
    assert doc.content[0].attachment.data == stored


@pytest.mark.parametrize("note, extra, words", [
    ("0123abcd-0000-0000-0000-000000000000", (), "0123ABCD is not in the store"),
    ("0123abcd", (), "0123ABCD is not in the store"),
    (None, ("--version", "2"), "version 2 is not in the store"),
])
def test_fhir_of_an_unknown_note_exits_2_in_one_line(finalised_store, tmp_path, capsys,
                                                     note, extra, words):
    from consult.cli import main as cli

    url, note_id = finalised_store
    out = tmp_path / "b.json"
    assert cli(["fhir", "--note", note or note_id, *extra, "-o", str(out),
                "--database", url]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert words in err and "nothing written" in err
    assert not out.exists()


def test_fhir_of_a_note_in_a_missing_database_exits_2_and_creates_nothing(tmp_path, capsys):
    from consult.cli import main as cli

    missing = tmp_path / "typo.db"
    assert cli(["fhir", "--note", "0123abcd", "-o", str(tmp_path / "b.json"),
                "--database", f"sqlite:///{missing}"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not missing.exists() and os.listdir(tmp_path) == []


# -- outputs from the store are recorded in its audit trail ---------------------------------------

def stored_outputs(url: str) -> list[tuple[str, str, int | None, str, dict]]:
    """The output entries of the store's trail, (action, note, version, user, detail),
    after checking that the trail still verifies."""
    from sqlalchemy import text

    from consult.store import Store
    from consult.store.audit import OUTPUTS

    store = Store.open(url, create=False, migrate=False)
    try:
        assert store.verify_audit().ok
        with store.engine.connect() as conn:
            rows = conn.execute(text("SELECT action, note_id, version, user_name, detail "
                                     "FROM audit ORDER BY seq")).all()
    finally:
        store.close()
    return [(r.action, r.note_id, r.version, r.user_name, json.loads(r.detail)) for r in rows
            if r.action in OUTPUTS]


@pytest.mark.hazard("H13")
def test_fhir_and_advice_from_the_store_each_leave_one_entry_with_the_files_digest(
        finalised_store, tmp_path, capsys):
    import getpass
    import hashlib

    from consult.cli import main as cli

    url, note_id = finalised_store
    (tmp_path / "out").mkdir()
    bundle, sheet = tmp_path / "out" / "n.fhir.json", tmp_path / "out" / "sheet.pdf"
    assert cli(["fhir", "--note", note_id[:8], "-o", str(bundle), "--database", url,
                "--user", "Jo Reception"]) == 0, capsys.readouterr().err
    assert cli(["advice", "--note", note_id, "--version", "1", "-o", str(sheet),
                "--database", url]) == 0, capsys.readouterr().err
    assert capsys.readouterr().err == ""  # nothing said beyond what the commands always say
    with pdfplumber.open(sheet) as pdf:
        assert "Advice for Zoë" in pdf.pages[0].extract_text()  # the stored record's patient
    assert stored_outputs(url) == [
        ("fhir_exported", note_id, 1, "Jo Reception",
         {"file": "n.fhir.json", "sha256": hashlib.sha256(bundle.read_bytes()).hexdigest()}),
        ("advice_saved", note_id, 1, getpass.getuser(),
         {"file": "sheet.pdf", "pdf_sha256": hashlib.sha256(sheet.read_bytes()).hexdigest()}),
    ]


@pytest.mark.hazard("H13")
def test_outputs_that_fail_or_come_from_a_record_file_record_nothing(finalised_store, tmp_path,
                                                                     capsys):
    from consult.cli import main as cli

    url, note_id = finalised_store
    missing = tmp_path / "gone" / "b.json"
    assert cli(["fhir", "--note", note_id, "-o", str(missing), "--database", url]) == 2
    assert cli(["advice", "--note", note_id, "-o", str(tmp_path / "gone" / "a.pdf"),
                "--database", url]) == 2
    assert "nothing written" in capsys.readouterr().err
    # a record file is outside any store: written, nothing recorded, nothing more said
    assert cli(["advice", str(example_path("sciatica")), "-o", str(tmp_path / "a.pdf")]) == 0
    assert cli(["fhir", str(example_path("sciatica")), "-o", str(tmp_path / "b.json")]) == 0
    assert capsys.readouterr().err == ""
    assert stored_outputs(url) == []
    assert cli(["fhir", str(example_path("sciatica")), "-o", str(tmp_path / "c.json"),
                "--user", "Jo"]) == 2
    assert "--user is for --note NOTE_ID, not a FILE" in capsys.readouterr().err


@pytest.mark.hazard("H13")
def test_a_file_the_audit_trail_cannot_record_stays_and_one_line_says_so(tmp_path, capsys):
    """The trail is authenticated with the practice key and this workstation has none:
    the bundle is written, the one line says it is not recorded, exit 2."""
    from consult.cli import main as cli
    from consult.store import Store, Who, keys

    url = f"sqlite:///{tmp_path / 'c.db'}"
    keys.create(tmp_path / "audit.key")
    keyed = Store.open(url, key_file=tmp_path / "audit.key")
    info = keyed.finalise(recordfile.load(example_path("sciatica")), Who("Dr B", "ws1"))
    keyed.close()
    out = tmp_path / "n.fhir.json"
    assert cli(["fhir", "--note", info.note_id, "-o", str(out), "--database", url,
                "--key-file", str(tmp_path / "absent.key")]) == 2
    assert out.exists()
    err = capsys.readouterr().err
    assert err.startswith(f"consult: {out} written, but not recorded in the audit trail: "
                          "this database's audit trail is authenticated")
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert stored_outputs(url) == []
