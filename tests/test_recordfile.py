"""Record files: bad files get one clear line naming the field, never a traceback."""

from __future__ import annotations

import json
import os
import stat

import pytest

from consult import recordfile
from consult.recordfile import RecordFileError
from tests.support import negative_record

HEAD = '{"format": "consult-record", "format_version": 1, '


@pytest.mark.hazard("H9", "H10", "H19")
@pytest.mark.parametrize(("text", "says"), [
    ("{", "not valid JSON (line 1, column 2)"),
    ("", "not valid JSON"),
    ("[1, 2]", "expected a JSON object"),
    ('{"patient": {}}', "format is not 'consult-record'"),
    ('{"format": "consult-record", "format_version": 3}', "format_version 3 is not supported"),
    (HEAD + '"patient": {"nhs_number": "943 476 5918"}}', "patient.nhs_number: NHS number 943 476 5918 fails its check digit"),
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
    from consult.record import Record

    draft = Record()
    draft.patient.family_name = "Ng"
    recordfile.save(draft, tmp_path / "d.json")
    assert json.loads((tmp_path / "d.json").read_text())["patient"]["family_name"] == "Ng"
    assert recordfile.load(tmp_path / "d.json") == draft
