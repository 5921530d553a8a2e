"""File hygiene: what can hold patient data is written atomically and owner-only, and no
identifier leaks into logs, leftover temporary files or PDF metadata."""

from __future__ import annotations

import io
import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from consult.note import note_pdf, write_note_pdf
from consult.record import file as recordfile
from tests.support import EXAMPLES, load_example, negative_record

MAIN = Path(__file__).resolve().parent.parent / "main.py"
MARK_FAMILY, MARK_GIVEN = "Zzyxwvutsrq", "Qqplmokn"  # unmistakable in any file


def marked_record():
    record = negative_record()
    record.patient.family_name, record.patient.given_name = MARK_FAMILY, MARK_GIVEN
    from consult.rules import plan

    plan.confirm(record)
    return record


def identifiers(record) -> list[str]:
    p = record.patient
    return [p.family_name, p.given_name, p.family_name.upper(), p.nhs_number,
            f"{p.nhs_number[:3]} {p.nhs_number[3:6]} {p.nhs_number[6:]}",
            p.date_of_birth.isoformat()]


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


@pytest.mark.hazard("H11")
def test_every_file_the_core_writes_is_owner_only_and_nothing_else_is_left(tmp_path):
    record = marked_record()
    recordfile.save(record, tmp_path / "record.json")
    write_note_pdf(record, tmp_path / "note.pdf")
    write_note_pdf(record, tmp_path / "draft.pdf", draft=True)
    assert [p.name for p in files_under(tmp_path)] == ["draft.pdf", "note.pdf", "record.json"]
    for path in files_under(tmp_path):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path


@pytest.mark.hazard("H11")
def test_overwriting_keeps_owner_only_even_when_the_old_file_was_world_readable(tmp_path):
    path = tmp_path / "record.json"
    path.write_text("old")
    os.chmod(path, 0o644)
    recordfile.save(marked_record(), path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


@pytest.mark.hazard("H11")
@pytest.mark.parametrize("name", EXAMPLES)
def test_pdf_metadata_carries_no_patient_identifier(name):
    record = load_example(name)
    metadata = PdfReader(io.BytesIO(note_pdf(record))).metadata or {}
    values = " ".join(str(v) for v in metadata.values())
    assert values  # there is metadata: title, creator...
    for identifier in identifiers(record):
        assert identifier not in values


@pytest.mark.hazard("H11")
def test_the_command_line_leaves_no_temporary_file_and_logs_nothing(tmp_path):
    record = marked_record()
    source = tmp_path / "in" / "record.json"
    source.parent.mkdir()
    recordfile.save(record, source)
    temp, out = tmp_path / "tmp", tmp_path / "out"
    temp.mkdir()
    out.mkdir()
    env = dict(os.environ, TMPDIR=str(temp), TEMP=str(temp), TMP=str(temp))
    for args in (["check", str(source)], ["note", str(source), "-o", str(out / "n.pdf")],
                 ["note", str(source), "-o", str(out / "d.pdf"), "--draft"]):
        result = subprocess.run([sys.executable, str(MAIN), *args], capture_output=True,
                                text=True, env=env, timeout=120, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""  # nothing logged, so nothing with an identifier
    assert files_under(temp) == []
    assert [p.name for p in files_under(out)] == ["d.pdf", "n.pdf"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out", "tmp"]


@pytest.mark.hazard("H11")
def test_an_internal_error_message_names_no_patient(tmp_path, monkeypatch, capsys):
    from consult import cli
    from consult.cli import record_commands

    record = marked_record()
    source = tmp_path / "r.json"
    recordfile.save(record, source)

    def explode(*_a, **_k):
        raise ValueError(f"boom for {MARK_FAMILY} {record.patient.nhs_number}")

    monkeypatch.setattr(record_commands, "check_result", explode)
    assert cli.main(["check", str(source)]) == cli.EXIT_INTERNAL
    err = capsys.readouterr().err
    assert "internal error" in err
    for identifier in identifiers(record):
        assert identifier not in err


@pytest.mark.hazard("H11")
def test_no_log_record_at_any_level_carries_an_identifier(caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    record = marked_record()
    recordfile.save(record, tmp_path / "r.json")
    recordfile.load(tmp_path / "r.json")
    write_note_pdf(record, tmp_path / "n.pdf")
    from consult.cli.record_commands import check_result

    check_result(record)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for identifier in identifiers(record):
        assert identifier not in logged


def test_a_save_works_where_os_has_no_fchmod_and_the_rename_is_made_durable(tmp_path, monkeypatch):
    # Windows has os.fchmod only from Python 3.13; the project supports 3.11
    from consult import atomic

    monkeypatch.delattr(os, "fchmod", raising=False)
    synced: list[bool] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    target = atomic.write_text(tmp_path / "record.json", "{}")
    assert target.read_text() == "{}"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert synced == [False, True]  # the file's bytes, then the folder holding the new name
