"""The command line contract, run as a real process the way other tools run it."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from consult.record import file as recordfile
from consult.record.model import Record
from consult.rules.ruleset import load
from tests.support import example_path, negative_record

MAIN = Path(__file__).resolve().parents[2] / "main.py"
# Rule set 2026.12.1 adds `within` (the most urgent fired row's time limit) and
# `headline` (the band with that time limit) beside `disposition`.
CHECK_KEYS = {"complete", "problems", "disposition", "within", "headline",
              "red_flags_screened", "fired", "outside_pathway", "suggestions", "startback",
              "ng65", "rules_version"}


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(MAIN), *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


@pytest.mark.hazard("H7")
def test_check_prints_the_contract_for_an_emergency_example():
    result = run("check", str(example_path("cauda-equina")))
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out) == CHECK_KEYS
    assert out["complete"] is True and out["problems"] == []
    assert out["disposition"] == "emergency" and out["red_flags_screened"] is True
    assert out["within"] == "now" and out["headline"] == "EMERGENCY - act now"
    first = out["fired"][0]
    assert set(first) == {"id", "suspected", "findings", "action", "within"}
    assert first["id"] == "ces-emergency" and first["findings"]
    assert set(out["suggestions"][0]) == {"id", "text", "reason", "source", "category"}
    assert out["suggestions"][0]["id"] == "action-ces-emergency"
    assert out["rules_version"]


@pytest.mark.hazard("H2")
def test_check_of_a_blank_draft_exits_0_and_is_never_routine(tmp_path):
    path = tmp_path / "draft.json"
    recordfile.save(Record(), path)
    result = run("check", str(path))
    assert result.returncode == 0
    out = json.loads(result.stdout)
    assert out["complete"] is False
    assert out["red_flags_screened"] is False
    assert out["disposition"] == "not_fully_screened"
    assert {"field": "plan.confirmed", "message": "Confirm the plan: the GP has the last word."} in out["problems"]


@pytest.mark.hazard("H11", "H19")
@pytest.mark.parametrize("content", ["{broken", '{"format": "consult-record", "format_version": 1, "x": 1}', None])
def test_unreadable_input_gives_one_line_and_exit_2(tmp_path, content):
    path = tmp_path / "in.json"
    if content is not None:
        path.write_text(content)
    for command in (["check", str(path)], ["note", str(path), "-o", str(tmp_path / "o.pdf")]):
        result = run(*command)
        assert result.returncode == 2
        assert result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "o.pdf").exists()


@pytest.mark.hazard("H19")
@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev are POSIX")
def test_check_and_note_refuse_a_device_or_a_fifo_at_once_in_one_line(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)  # no writer: reading it would wait for ever
    for command, says in ((["check", "/dev/zero"], "/dev/zero: is a device, not a record file"),
                          (["check", str(fifo)], "is a named pipe (FIFO), not a record file"),
                          (["note", str(fifo), "-o", str(tmp_path / "o.pdf")], "named pipe")):
        result = subprocess.run([sys.executable, str(MAIN), *command], capture_output=True,
                                text=True, timeout=30)
        assert result.returncode == 2 and result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1 and says in result.stderr
    assert sorted(os.listdir(tmp_path)) == ["pipe.json"]


@pytest.mark.hazard("H11", "H19")
def test_an_unreadable_record_is_named_on_stderr_without_the_patients_details(tmp_path):
    path = tmp_path / "r.json"
    path.write_text('{"format": "consult-record", "format_version": 1, '
                    '"patient": {"date_of_birth": "Nowak 943 476 5919"}}', encoding="utf-8")
    result = run("check", str(path))
    assert result.returncode == 2 and "patient.date_of_birth: " in result.stderr
    assert "Nowak" not in result.stderr and "5919" not in result.stderr


@pytest.mark.hazard("H19")
def test_bad_arguments_give_one_line_and_exit_2():
    result = run("note", "x.json")  # -o missing
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.hazard("H11")
def test_note_writes_an_owner_only_pdf(tmp_path):
    out = tmp_path / "note.pdf"
    result = run("note", str(example_path("mechanical")), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert sorted(os.listdir(tmp_path)) == ["note.pdf"]


@pytest.mark.hazard("H2")
def test_note_refuses_an_incomplete_record_unless_draft(tmp_path):
    record = negative_record()
    record.plan.confirmed = False
    src = tmp_path / "r.json"
    recordfile.save(record, src)
    result = run("note", str(src), "-o", str(tmp_path / "n.pdf"))
    assert result.returncode == 1
    assert "plan.confirmed: Confirm the plan" in result.stderr
    assert not (tmp_path / "n.pdf").exists()
    drafted = run("note", str(src), "-o", str(tmp_path / "n.pdf"), "--draft")
    assert drafted.returncode == 0, drafted.stderr
    assert (tmp_path / "n.pdf").exists()


@pytest.mark.hazard("H19")
def test_note_into_a_missing_folder_is_one_line_exit_2(tmp_path):
    result = run("note", str(example_path("mechanical")), "-o", str(tmp_path / "no" / "n.pdf"))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_schema_is_the_record_json_schema():
    result = run("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "Record"
    assert "red_flags" in schema["properties"]
    assert schema["$defs"]["Answer"]["enum"] == ["yes", "no", "not_asked"]


@pytest.mark.hazard("H5", "H19")
def test_note_never_overwrites_its_own_input_or_a_folder_or_device(tmp_path):
    src = tmp_path / "r.json"
    recordfile.save(negative_record(), src)
    before = src.read_bytes()
    same = run("note", str(src), "-o", str(src))
    assert same.returncode == 2 and "the record itself" in same.stderr
    assert src.read_bytes() == before
    folder = run("note", str(src), "-o", str(tmp_path))
    assert folder.returncode == 2 and len(folder.stderr.strip().splitlines()) == 1
    empty = run("note", str(src), "-o", "")
    assert empty.returncode == 2 and "file name" in empty.stderr
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    device = run("note", str(src), "-o", str(fifo))
    assert device.returncode == 2 and "not a regular file" in device.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert sorted(os.listdir(tmp_path)) == ["pipe", "r.json"]


@pytest.mark.hazard("H10", "H19")
@pytest.mark.parametrize(("content", "says"), [
    ('{"format": "consult-record", "format_version": true}', "format_version True is not supported"),
    ('{"format": "consult-record", "format_version": 1.0}', "format_version 1.0 is not supported"),
    ('{"format": "consult-record", "format_version": 1, "consultation": {"date": "9999-12-20"}}',
     "consultation.date: Enter a date between 1900 and 2100."),
])
def test_odd_versions_and_far_dates_are_refused_in_one_line(tmp_path, content, says):
    path = tmp_path / "odd.json"
    path.write_text(content)
    result = run("check", str(path))
    assert result.returncode == 2
    assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.hazard("H19")
def test_non_utf8_file_is_named_as_such(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"format": "consult-record", "patient": {"family_name": "Zoë"}}'.encode("latin-1"))
    result = run("check", str(path))
    assert result.returncode == 2 and "not UTF-8 text" in result.stderr


@pytest.mark.hazard("H22", "H7")
@pytest.mark.parametrize(("example", "disposition", "within", "headline"), [
    ("fracture", "urgent", "1 week", "URGENT - within 1 week"),
    ("infection", "emergency", "same day", "EMERGENCY - the same day"),
    ("sciatica", "soon", "weeks", "SOON - within weeks"),
    ("mechanical", "routine", None, None),
])
def test_check_gives_the_most_urgent_rows_time_limit_at_the_top_level(example, disposition,
                                                                        within, headline):
    out = json.loads(run("check", str(example_path(example))).stdout)
    assert out["disposition"] == disposition
    assert out["within"] == within
    if headline:
        assert out["headline"] == headline
    else:  # no row gives a time limit: the band's own words, never a deadline
        assert out["headline"].startswith("ROUTINE - ")
    timed = [r["within"] for r in out["fired"] if r["within"] is not None]
    assert within is None or within in timed


def test_check_reads_a_format_1_file_upgraded_and_leaves_it_untouched(tmp_path):
    """A record saved by rule set 2026.11 (format 1) is checked as format 2; check never
    writes, so the file stays format 1 byte for byte."""
    source = Path(__file__).resolve().parents[1] / "data" / "format1" / "cauda-equina.json"
    path = tmp_path / "old.json"
    path.write_bytes(source.read_bytes())
    result = run("check", str(path))
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["disposition"] == "emergency" and out["within"] == "now"
    assert out["rules_version"] == load().version
    # its plan was confirmed against the earlier rule set: the GP confirms it again
    assert out["complete"] is False
    assert "plan.confirmed" in {p["field"] for p in out["problems"]}
    assert path.read_bytes() == source.read_bytes()
