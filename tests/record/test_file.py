"""Record files: bad files get one clear line naming the field, never a traceback."""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import sys
from pathlib import Path

import pytest

from consult.record import file as recordfile
from consult.record.file import RecordFileError
from tests.support import negative_record

HEAD = '{"format": "consult-record", "format_version": 1, '


@pytest.mark.hazard("H9", "H10", "H19")
@pytest.mark.parametrize(("text", "says"), [
    ("{", "not valid JSON (line 1, column 2)"),
    ("", "not valid JSON"),
    ("[1, 2]", "expected a JSON object"),
    ('{"patient": {}}', "format is not 'consult-record'"),
    ('{"format": "consult-record", "format_version": 3}', "format_version 3 is not supported"),
    (HEAD + '"patient": {"nhs_number": "943 476 5918"}}', "patient.nhs_number: the NHS number fails its check digit"),
    (HEAD + '"patient": {"middle_name": "Jo"}}', "patient.middle_name: unknown field"),
    (HEAD + '"impact": {"pain_now": "severe"}}', "impact.pain_now: Input should be a valid integer"),
    (HEAD + '"impact": {"pain_now": 1e999}}', "impact.pain_now"),
    (HEAD + '"impact": {"pain_now": 99999999999999999999999}}', "impact.pain_now"),
    (HEAD + '"red_flags": {"ces_bladder": {"answer": "maybe"}}}', "red_flags.ces_bladder.answer: Input should be 'yes', 'no' or 'not_asked'"),
    (HEAD + '"patient": {"date_of_birth": "05/04/1985"}}', "patient.date_of_birth"),
    (HEAD + '"history": {"notes": ' + "[" * 50_000 + "]" * 50_000 + "}}", "nested too deeply"),
    (HEAD + '"patient": {"given_name": 5, "family_name": 6}}', "(and 1 more)"),
])
def test_broken_files_get_one_line_naming_the_field(tmp_path, text, says):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RecordFileError) as caught:
        recordfile.load(path)
    message = str(caught.value)
    assert says in message
    assert "\n" not in message
    assert message.startswith(str(path))


@pytest.mark.hazard("H19")
def test_missing_file_folder_and_binary_file(tmp_path):
    with pytest.raises(RecordFileError, match="no such file"):
        recordfile.load(tmp_path / "nope.json")
    with pytest.raises(RecordFileError, match="is a folder"):
        recordfile.load(tmp_path)
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(RecordFileError, match="not UTF-8 text"):
        recordfile.load(tmp_path / "bin.json")


@pytest.mark.hazard("H11", "H19")
@pytest.mark.parametrize(("body", "field", "secrets"), [
    ('"patient": {"nhs_number": "943 476 5918"}', "patient.nhs_number", ["943 476 5918", "9434765918"]),
    ('"patient": {"nhs_number": "943 476 59"}', "patient.nhs_number", ["943 476 59", "94347659"]),
    ('"patient": {"date_of_birth": "Łukasz Nowak"}', "patient.date_of_birth", ["Łukasz", "Nowak"]),
    ('"patient": {"date_of_birth": "05/04/1985"}', "patient.date_of_birth", ["05/04/1985", "1985"]),
    ('"patient": {"given_name": 9434765919}', "patient.given_name", ["9434765919"]),
    ('"patient": {"family_name": "' + "Taylor" * 40 + '"}', "patient.family_name", ["Taylor"]),
    ('"impact": {"pain_now": "Taylor"}', "impact.pain_now", ["Taylor"]),
    ('"red_flags": {"ces_bladder": {"answer": "Sam Taylor 05-Apr-1985"}}',
     "red_flags.ces_bladder.answer", ["Taylor", "1985"]),
    ('"history": {"notes": ["Fell off a ladder at 5 Elm Road"]}', "history.notes", ["ladder", "Elm"]),
    ('"consultation": {"gmc_number": "Dr Patel 12"}', "consultation.gmc_number", ["Patel"]),
    ('"patient": {"Taylor, Sam": "x"}', "patient", ["Taylor"]),
    ('"patient": {"9434765919": "x"}', "patient", ["9434765919"]),
])
def test_load_errors_name_the_field_and_the_rule_never_the_value(tmp_path, body, field, secrets):
    """The line goes to stderr, cron mail and calling tools' logs: it names the field and
    the rule broken, never the value (a name, a date of birth, an NHS number, free text)."""
    path = tmp_path / "bad.json"
    path.write_text(HEAD + body + "}", encoding="utf-8")
    with pytest.raises(RecordFileError) as caught:
        recordfile.load(path)
    message = str(caught.value).removeprefix(f"{path}: ")
    assert message.startswith(f"{field}: ") and len(message) > len(field) + 8, message
    for secret in secrets:
        assert secret not in message, message


@pytest.fixture
def fail_after_5_seconds():
    """A read that blocks (a FIFO with no writer) fails the test instead of hanging it."""
    def interrupt(*_):
        raise TimeoutError("load blocked")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(5)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.hazard("H19")
@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, sockets and /dev are POSIX")
def test_fifos_sockets_and_devices_are_refused_before_they_are_opened(tmp_path, monkeypatch,
                                                                      fail_after_5_seconds):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    listening = socket.socket(socket.AF_UNIX)
    listening.bind(str(tmp_path / "s.json"))
    opened: list[str] = []
    real_open = os.open
    monkeypatch.setattr(os, "open", lambda path, *a, **k: opened.append(str(path)) or real_open(path, *a, **k))
    try:
        for path, says in ((fifo, "is a named pipe (FIFO), not a record file"),
                           (tmp_path / "s.json", "is a socket, not a record file"),
                           (Path("/dev/zero"), "is a device, not a record file"),
                           (Path("/dev/null"), "is a device, not a record file")):
            with pytest.raises(RecordFileError) as caught:
                recordfile.load(path)
            assert str(caught.value) == f"{path}: {says}"
    finally:
        listening.close()
    assert opened == []  # refused from their type alone: a FIFO's open would wait for a writer


@pytest.mark.hazard("H19")
def test_the_size_cap_is_kept_while_reading_whatever_the_file_size_says(tmp_path, monkeypatch):
    monkeypatch.setattr(recordfile, "MAX_BYTES", 1_000)
    (tmp_path / "big.json").write_bytes(b" " * 1_001)
    with pytest.raises(RecordFileError, match=r"too large for a consultation record \(over 1,000 bytes\)"):
        recordfile.load(tmp_path / "big.json")
    (tmp_path / "limit.json").write_bytes(b" " * 1_000)
    with pytest.raises(RecordFileError, match="not valid JSON"):  # read whole: not too large
        recordfile.load(tmp_path / "limit.json")
    reads: list[int] = []

    class Endless:  # the opened file as a device would be: bytes without end
        def __init__(self, fd, *_, **__):
            self.fd = fd

        def __enter__(self):
            return self

        def __exit__(self, *_):
            os.close(self.fd)

        def fileno(self):
            return self.fd

        def read(self, size=-1):
            assert size >= 0, "read to the end"
            reads.append(size)
            return b" " * size

    monkeypatch.setattr(recordfile, "open", Endless, raising=False)
    with pytest.raises(RecordFileError, match="too large"):
        recordfile.load(tmp_path / "limit.json")
    assert reads == [1_001]


@pytest.mark.hazard("H5", "H11")
def test_save_is_owner_only_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "record.json"
    recordfile.save(negative_record(), path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert os.listdir(tmp_path) == ["record.json"]
    assert recordfile.load(path) == negative_record()


@pytest.mark.hazard("H5", "H11")
def test_a_failed_save_keeps_the_old_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "record.json"
    recordfile.save(negative_record(), path)
    before = path.read_bytes()

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    changed = negative_record()
    changed.patient.given_name = "Changed"
    with pytest.raises(OSError):
        recordfile.save(changed, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["record.json"]


def test_a_draft_with_only_a_name_saves_and_loads(tmp_path):
    from consult.record.model import Record

    draft = Record()
    draft.patient.family_name = "Ng"
    recordfile.save(draft, tmp_path / "d.json")
    assert json.loads((tmp_path / "d.json").read_text())["patient"]["family_name"] == "Ng"
    assert recordfile.load(tmp_path / "d.json") == draft
