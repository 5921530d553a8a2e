"""The store's command line: finalise, notes list, audit verify, db, each with one line
on error; the read-only commands never create or upgrade a database."""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from consult.cli import _parser
from consult.cli import main as cli
from consult.record.file import save
from consult.record.model import Record
from consult.store import ENV, Store
from tests.storesupport import nhs_numbers, patient_record
from tests.support import negative_record

HEAD = Store.head_revision()


@pytest.fixture
def record_file(tmp_path):
    path = tmp_path / "okafor.json"
    save(patient_record("Ngozi", "Okafor", next(nhs_numbers(950_000_000))), path)
    return path


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'c.db'}"


def one_error_line(capsys, *words: str) -> str:
    captured = capsys.readouterr()
    assert len(captured.err.splitlines()) == 1 and "Traceback" not in captured.err, captured.err
    for word in words:
        assert word in captured.err
    return captured.err


def finalise(url: str, path, user: str = "Dr B") -> None:
    assert cli(["finalise", str(path), "--user", user, "--database", url]) == 0


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


# -- 1. read-only commands never create or upgrade; db says what it did and where ----------

@pytest.mark.parametrize("command", [["audit", "verify"], ["notes", "list"], ["db", "where"]])
def test_a_mistyped_sqlite_path_is_refused_and_never_created(command, tmp_path, capsys):
    missing = tmp_path / "consult-typo.db"
    assert cli([*command, "--database", f"sqlite:///{missing}"]) == 2
    one_error_line(capsys, f"no database at {missing}")
    assert not missing.exists() and os.listdir(tmp_path) == []


def test_audit_verify_leaves_a_backup_as_it_was(sqlite_url, record_file, tmp_path, capsys):
    finalise(sqlite_url, record_file)
    (tmp_path / "backup").mkdir()
    backup = tmp_path / "backup" / "consult.db"
    with sqlite3.connect(tmp_path / "c.db") as src, sqlite3.connect(backup) as dst:
        src.backup(dst)
    dst.close()
    os.chmod(backup, 0o600)
    before = hashlib.sha256(backup.read_bytes()).hexdigest(), os.stat(backup).st_mtime_ns
    capsys.readouterr()
    assert cli(["audit", "verify", "--database", f"sqlite:///{backup}"]) == 0
    assert "audit trail intact" in capsys.readouterr().out
    assert (hashlib.sha256(backup.read_bytes()).hexdigest(), os.stat(backup).st_mtime_ns) == before
    assert os.listdir(backup.parent) == ["consult.db"]


def make_first_schema(url: str) -> None:
    from alembic import command

    from consult.store.engine import make_engine
    from consult.store.location import parse
    from consult.store.store import _alembic_config

    raw = make_engine(parse(url))
    with raw.begin() as conn:
        command.upgrade(_alembic_config(conn), "0001")
    raw.dispose()


def test_read_only_commands_never_upgrade_and_db_upgrade_says_what_it_did(store_url, capsys):
    make_first_schema(store_url)
    for command in (["audit", "verify"], ["notes", "list"], ["db", "where"]):
        assert cli([*command, "--database", store_url]) == 2
        one_error_line(capsys, "schema 0001", "db upgrade")
    assert cli(["db", "upgrade", "--database", store_url]) == 0
    assert capsys.readouterr().out.strip().endswith(f": schema 0001 -> {HEAD}")
    assert cli(["db", "upgrade", "--database", store_url]) == 0
    assert capsys.readouterr().out.strip().endswith(f": already at schema {HEAD}")


def test_db_upgrade_creates_a_new_sqlite_database(sqlite_url, capsys):
    assert cli(["db", "upgrade", "--database", sqlite_url]) == 0
    assert capsys.readouterr().out.strip() == f"{sqlite_url}: schema none (new database) -> {HEAD}"


def test_db_where_names_the_database_its_schema_and_where_the_url_came_from(
        tmp_path, sqlite_url, capsys, monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert cli(["db", "where"]) == 2  # nothing made yet, and `where` makes nothing
    default = tmp_path / "data" / "consult" / "consult.db"
    one_error_line(capsys, f"no database at {default}")
    assert not default.exists()
    assert cli(["db", "upgrade"]) == 0
    assert str(default) in capsys.readouterr().out
    assert cli(["db", "where"]) == 0
    assert capsys.readouterr().out.strip() == (
        f"sqlite:///{default} (schema {HEAD}; from the default SQLite file)")

    assert cli(["db", "upgrade", "--database", sqlite_url]) == 0
    monkeypatch.setenv(ENV, sqlite_url)
    capsys.readouterr()
    assert cli(["db", "where"]) == 0
    assert capsys.readouterr().out.strip() == f"{sqlite_url} (schema {HEAD}; from {ENV})"
    assert cli(["db", "where", "--database", f"sqlite:///{default}"]) == 0
    assert capsys.readouterr().out.strip() == f"sqlite:///{default} (schema {HEAD}; from --database)"


# -- 2. audit verify: plurals and the checkpoint ----------------------------------------

def test_audit_verify_prints_a_checkpoint_that_the_next_run_checks(store_url, record_file,
                                                                    tmp_path, capsys):
    finalise(store_url, record_file)
    capsys.readouterr()
    assert cli(["audit", "verify", "--database", store_url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("audit trail intact: 1 entry, 1 note version (")
    seq, digest = re.fullmatch(r"checkpoint ([0-9]+):([0-9a-f]{64})", lines[-1]).groups()
    checkpoint = f"{seq}:{digest}"

    other = tmp_path / "other.json"
    save(patient_record("Ama", "Mensah", next(nhs_numbers(960_000_000))), other)
    finalise(store_url, other)
    capsys.readouterr()
    assert cli(["audit", "verify", "--checkpoint", checkpoint, "--database", store_url]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("audit trail intact: 2 entries, 2 note versions (")
    assert out[-1].startswith("checkpoint ") and out[-1] != lines[-1]

    # what a run would see after the newest entries were deleted, or the trail rewritten
    for wrong, says in ((f"{int(seq) + 5}:{digest}", "removed from the end"),
                        (f"{seq}:{'0' * 64}", "rewritten")):
        assert cli(["audit", "verify", "--checkpoint", wrong, "--database", store_url]) == 1
        captured = capsys.readouterr()
        assert says in captured.out and "checkpoint" not in captured.out
        assert "1 problem" in captured.err and "problems" not in captured.err


@pytest.mark.parametrize("checkpoint", ["57", "57:abc", "x:" + "0" * 64, "0:" + "0" * 64,
                                        "57:" + "g" * 64, ""])
def test_a_malformed_checkpoint_is_a_usage_error(checkpoint, sqlite_url, capsys):
    assert cli(["audit", "verify", "--checkpoint", checkpoint, "--database", sqlite_url]) == 2
    one_error_line(capsys, "checkpoint")


# -- 3. finalise: who, and an incomplete record ----------------------------------------

@pytest.mark.parametrize("user", ["", "   "])
def test_a_blank_user_is_refused_before_anything_is_opened(user, tmp_path, capsys):
    database = tmp_path / "c.db"
    assert cli(["finalise", str(tmp_path / "missing.json"), "--user", user,
                "--database", f"sqlite:///{database}"]) == 2
    one_error_line(capsys, "--user")
    assert not database.exists()


def test_an_incomplete_record_is_not_finalised_and_its_problems_are_listed(tmp_path, capsys):
    r = negative_record()
    r.plan.safety_netting_given = r.plan.safety_netting_given.__class__.NOT_ASKED
    save(r, tmp_path / "r.json")
    url = f"sqlite:///{tmp_path / 'c.db'}"
    assert cli(["finalise", str(tmp_path / "r.json"), "--user", "Dr B", "--database", url]) == 1
    err = capsys.readouterr().err.splitlines()
    assert "nothing finalised" in err[0] and "1 to do" in err[0]
    assert err[1:] == ["  plan.safety_netting_given: Record that safety-netting advice was given."]
    assert not (tmp_path / "c.db").exists()  # nothing opened, nothing created


def test_a_long_list_of_problems_ends_by_naming_check(tmp_path, capsys):
    save(Record(), tmp_path / "blank.json")
    assert cli(["finalise", str(tmp_path / "blank.json"), "--user", "Dr B",
                "--database", f"sqlite:///{tmp_path / 'c.db'}"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert all(re.fullmatch(r"  [a-z_.\[\]0-9]+: .+", line) for line in err[1:-1])
    assert "main.py check" in err[-1] and "blank.json" in err[-1] and "more" in err[-1]
    assert len(set(err)) == len(err)  # no sentence repeated


# -- 5. notes list ---------------------------------------------------------------------

def test_notes_list_has_a_header_and_one_aligned_row_per_note(store_url, record_file, capsys):
    from consult.note.versioning import show_datetime

    finalise(store_url, record_file)
    capsys.readouterr()
    assert cli(["notes", "list", "--database", store_url]) == 0
    header, row = capsys.readouterr().out.splitlines()
    assert header.split() == ["consultation", "finalised", "note", "patient", "NHS", "number",
                              "printed"]
    [info] = (s := Store.open(store_url)).notes()
    s.close()
    nhs = info.patient.nhs_number
    assert re.fullmatch(
        rf"\d\d-[A-Z][a-z]{{2}}-\d{{4}} +{re.escape(show_datetime(info.finalised_at))} +"
        rf"{info.short_id} v1 +OKAFOR, Ngozi +{nhs[:3]} {nhs[3:6]} {nhs[6:]} +no", row)
    assert row.index(info.short_id) == header.index("note")
    assert row.index("OKAFOR") == header.index("patient")


def test_notes_list_with_nothing_matching_says_so_on_stderr(store_url, record_file, capsys):
    finalise(store_url, record_file)
    capsys.readouterr()
    assert cli(["notes", "list", "--name", "nobody", "--database", store_url]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "no notes match" in captured.err
    assert cli(["notes", "list", "--name", "nobody", "--json", "--database", store_url]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_notes_list_filters_on_a_partial_nhs_number(store_url, record_file, capsys):
    finalise(store_url, record_file)
    capsys.readouterr()
    with open(record_file) as fh:
        nhs = json.load(fh)["patient"]["nhs_number"]
    assert cli(["notes", "list", "--nhs-number", f"{nhs[:3]} {nhs[3:6]}", "--database", store_url]) == 0
    assert "OKAFOR" in capsys.readouterr().out


def subparser(*names: str) -> argparse.ArgumentParser:
    parser = _parser()
    for name in names:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = action.choices[name]
    return parser


@pytest.mark.parametrize("names", [("notes", "list"), ("audit", "verify"), ("db", "where"),
                                   ("db", "upgrade"), ("finalise",)])
def test_every_store_option_has_a_help_text(names):
    for action in subparser(*names)._actions:
        assert action.help, f"{' '.join(names)}: {action.option_strings or action.dest}"
    if names == ("notes", "list"):
        helps = {a.dest: a.help for a in subparser(*names)._actions}
        assert "consultation date" in helps["date_from"]
        assert "consultation date" in helps["date_to"]


def test_the_description_names_the_store_commands():
    description = _parser().description
    for command in ("finalise", "notes", "audit", "database"):
        assert command in description


@pytest.mark.parametrize("args, words", [
    (["finalise", "missing.json", "--user", "Dr B"], "missing.json"),
    (["notes", "list", "--from", "26/11/2026"], "is not a date"),
    (["notes", "list", "--nhs-number", "foo"], "not an NHS number"),
    (["notes", "list", "--nhs-number", "943 476 59190"], "not an NHS number"),
    (["db", "where", "--database", "oracle://x@y/z"], "not supported"),
    (["finalise", "x.json"], "--user"),
])
def test_bad_input_gives_one_line_and_exit_2(args, words, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv(ENV, raising=False)
    assert cli(args) == 2
    one_error_line(capsys, words)
    assert not (tmp_path / "data").exists()


# -- doors: who is finalising; names the output cannot encode ------------------------

MAIN = Path(__file__).resolve().parents[2] / "main.py"


@pytest.mark.hazard("H19")
@pytest.mark.parametrize("user", ["D" * 201, "Dr\nB", "Dr\rB", "Dr \x1b[31mB", "Dr\tB", "Dr\x00B",
                                  "Dr \u202eB", "Dr\u2028B", "Dr\x85B"])
def test_a_user_name_beyond_the_apps_limits_is_refused_before_anything_is_opened(
        user, record_file, tmp_path, capsys):
    database = tmp_path / "c.db"
    assert cli(["finalise", str(record_file), "--user", user,
                "--database", f"sqlite:///{database}"]) == 2
    line = one_error_line(capsys, "--user")
    assert "\x1b" not in line and "\u202e" not in line
    assert not database.exists()


@pytest.mark.hazard("H19")
def test_the_longest_name_the_app_allows_is_stored_on_every_engine_one_more_is_refused(
        store_url, record_file, capsys):
    longest = "Dr Łukasz Nowak-" + "W" * 184
    assert len(longest) == 200
    assert cli(["finalise", str(record_file), "--user", longest + "W", "--database", store_url]) == 2
    one_error_line(capsys, "--user", "at most 200 characters")
    finalise(store_url, record_file, user=longest)
    capsys.readouterr()
    assert cli(["notes", "list", "--json", "--database", store_url]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["author"] == longest


@pytest.mark.hazard("H19")
def test_notes_list_writes_utf8_where_the_locale_cannot_encode_a_name(sqlite_url, tmp_path,
                                                                       monkeypatch, capsys):
    path = tmp_path / "nowak.json"
    save(patient_record("Łukasz", "Nowak", next(nhs_numbers(960_000_000))), path)
    finalise(sqlite_url, path)
    # A Windows cp1252 redirect: the table used to stop after its header, exit 70.
    result = subprocess.run([sys.executable, str(MAIN), "notes", "list", "--database", sqlite_url],
                            capture_output=True, timeout=120,
                            env={**os.environ, "PYTHONIOENCODING": "cp1252"})
    assert result.returncode == 0 and result.stderr == b""
    header, row = result.stdout.decode("utf-8").splitlines()
    assert header.startswith("consultation") and "NOWAK, Łukasz" in row
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="cp1252"))
    assert cli(["notes", "list", "--json", "--database", sqlite_url]) == 0
    sys.stdout.flush()
    assert json.loads(raw.getvalue().decode("utf-8"))[0]["patient"] == "NOWAK, Łukasz"


# -- the practice key -------------------------------------------------------------------------

KEY_ENV = "CONSULT_AUDIT_KEY_FILE"


@pytest.mark.hazard("H27")
def test_db_key_init_makes_an_owner_only_key_beside_the_config_and_seals_the_trail(
        tmp_path, sqlite_url, record_file, capsys, monkeypatch):
    import stat

    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    finalise(sqlite_url, record_file)  # before any key: entry 1, chained only
    capsys.readouterr()
    assert cli(["audit", "verify", "--database", sqlite_url]) == 0
    key = tmp_path / "config" / "consult" / "audit.key"
    assert capsys.readouterr().out.splitlines()[1] == (
        f"authentication not checked: no practice key at {key}, and no entry is authenticated "
        "(the entries are chained only; `main.py db key init` sets up the key)")

    assert cli(["db", "key", "init", "--database", sqlite_url]) == 0
    out = capsys.readouterr().out.splitlines()
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    secret = key.read_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", secret)
    key_id = re.search(r"key id ([0-9a-f]{16})", out[0]).group(1)
    assert out == [
        f"practice key written to {key} (owner-only, 0600), key id {key_id}: keep a copy where the "
        "database's backups are not (docs/store.md, \"The practice key\")",
        f"{sqlite_url}: audit trail authenticated with it from entry 2 (entries before it are "
        "sealed by it)"]
    assert cli(["db", "key", "init", "--database", sqlite_url]) == 0  # again: nothing replaced
    assert capsys.readouterr().out.splitlines() == [
        f"practice key {key} is already there (key id {key_id}): kept",
        f"{sqlite_url}: audit trail already authenticated with this key from entry 2"]
    assert key.read_text().strip() == secret

    finalise(sqlite_url, _other_record(tmp_path))  # written with the key: entry 3
    capsys.readouterr()
    assert cli(["audit", "verify", "--database", sqlite_url]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1] == (
        f"authenticated with the practice key (key id {key_id}): entries 2 to 3; entries 1 to 1, "
        "written before the key, are sealed by entry 2")
    assert secret not in out

    # without the key: the plain chain is checked, and the output says what was not
    monkeypatch.setenv(KEY_ENV, str(tmp_path / "elsewhere.key"))
    assert cli(["audit", "verify", "--database", sqlite_url]) == 0
    assert capsys.readouterr().out.splitlines()[1] == (
        f"authentication not checked: entries from 2 on are authenticated, but there is no "
        f"practice key at {tmp_path / 'elsewhere.key'} (give it with --key-file or {KEY_ENV})")
    # and a workstation without it writes nothing
    assert cli(["finalise", str(_other_record(tmp_path, "Kofi")), "--user", "Dr B",
                "--database", sqlite_url]) == 2
    one_error_line(capsys, "authenticated with the practice key", "this workstation has none")


def _other_record(tmp_path, given: str = "Ama"):
    path = tmp_path / f"{given}.json"
    save(patient_record(given, "Mensah", next(nhs_numbers(960_000_000 + len(given)))), path)
    return path


@pytest.mark.hazard("H27")
def test_the_key_file_comes_from_the_option_else_the_environment(tmp_path, sqlite_url, capsys,
                                                                  monkeypatch):
    monkeypatch.setenv(KEY_ENV, str(tmp_path / "env.key"))
    assert cli(["db", "key", "init", "--database", sqlite_url]) == 0
    assert f"practice key written to {tmp_path / 'env.key'} " in capsys.readouterr().out
    assert cli(["db", "key", "init", "--key-file", str(tmp_path / "option.key"),
                "--database", f"sqlite:///{tmp_path / 'other.db'}"]) == 0
    assert f"practice key written to {tmp_path / 'option.key'} " in capsys.readouterr().out
    # the first database is authenticated with the environment's key, not the option's
    assert cli(["audit", "verify", "--database", sqlite_url]) == 0
    capsys.readouterr()
    assert cli(["audit", "verify", "--database", sqlite_url, "--key-file",
                str(tmp_path / "option.key")]) == 1
    assert "none of the 1 authenticated audit entries matches the practice key" in capsys.readouterr().out


@pytest.mark.hazard("H27")
@pytest.mark.parametrize("content, mode, words", [
    ("ab" * 32 + "\n", 0o644, "may be read by others: make it owner-only (chmod 600"),
    ("not a key\n", 0o600, "is not a consult practice key (64 hex digits on one line)"),
])
def test_a_key_file_others_may_read_or_that_is_no_key_is_refused(tmp_path, sqlite_url, capsys,
                                                                 content, mode, words):
    key = tmp_path / "audit.key"
    key.write_text(content)
    key.chmod(mode)
    assert cli(["db", "upgrade", "--database", sqlite_url]) == 0
    capsys.readouterr()
    for command in (["audit", "verify"], ["db", "key", "init"], ["notes", "list"]):
        assert cli([*command, "--key-file", str(key), "--database", sqlite_url]) == 2
        err = one_error_line(capsys, str(key), words)
        assert "abab" not in err
    assert key.read_text() == content  # never replaced
