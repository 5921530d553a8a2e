"""The store's command line: finalise, notes list, db, each with one line on error."""

from __future__ import annotations

import json

import pytest

from consult.cli import main as cli
from consult.recordfile import save
from tests.storesupport import nhs_numbers, patient_record
from tests.support import negative_record


@pytest.fixture
def record_file(tmp_path):
    path = tmp_path / "okafor.json"
    save(patient_record("Ngozi", "Okafor", next(nhs_numbers(950_000_000))), path)
    return path


def test_finalise_then_list_as_json(store_url, record_file, capsys):
    assert cli(["finalise", str(record_file), "--user", "Dr B", "--database", store_url]) == 0
    assert capsys.readouterr().out.startswith("finalised note ")
    assert cli(["notes", "list", "--name", "okafor", "--json", "--database", store_url]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert (row["patient"], row["version"], row["author"], row["printed"]) == ("OKAFOR, Ngozi", 1, "Dr B", False)
    assert cli(["notes", "list", "--printed", "--database", store_url]) == 0
    assert capsys.readouterr().out == ""
    assert cli(["notes", "list", "--database", store_url]) == 0
    assert "OKAFOR, Ngozi" in capsys.readouterr().out


def test_an_incomplete_record_is_not_finalised(tmp_path, capsys):
    r = negative_record()
    r.plan.safety_netting_given = r.plan.safety_netting_given.__class__.NOT_ASKED
    save(r, tmp_path / "r.json")
    url = f"sqlite:///{tmp_path / 'c.db'}"
    assert cli(["finalise", str(tmp_path / "r.json"), "--user", "Dr B", "--database", url]) == 1
    assert "nothing finalised" in capsys.readouterr().err
    assert cli(["notes", "list", "--json", "--database", url]) == 0
    assert json.loads(capsys.readouterr().out) == []


@pytest.mark.parametrize("args, words", [
    (["finalise", "missing.json", "--user", "Dr B"], "missing.json"),
    (["notes", "list", "--from", "26/11/2026"], "is not a date"),
    (["db", "where", "--database", "oracle://x@y/z"], "not supported"),
    (["finalise", "x.json"], "--user"),
])
def test_bad_input_gives_one_line_and_exit_2(args, words, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli(args) == 2
    err = capsys.readouterr().err
    assert words in err and len(err.splitlines()) == 1 and "Traceback" not in err


def test_db_where_names_the_database_and_its_schema(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    assert cli(["db", "upgrade", "--database", url]) == 0
    assert capsys.readouterr().out.strip() == f"{url} (schema 0001)"
