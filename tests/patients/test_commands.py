"""`main.py patients import | list | purge | keep-days`: one summary line, bad rows by
line number, exit 0 or 2, no patient detail unless asked."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from consult.cli import main

DATA = Path(__file__).resolve().parent.parent / "data" / "patients"


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.delenv("CONSULT_DATABASE_URL", raising=False)
    monkeypatch.setenv("CONSULT_AUDIT_KEY_FILE", str(tmp_path / "no.key"))
    (tmp_path / "store").mkdir()
    return f"sqlite:///{tmp_path / 'store' / 'consult.db'}"


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.hazard("H31")
def test_import_prints_one_summary_line_and_the_refused_rows_by_line_number(db, capsys, tmp_path):
    code, out, err = run(capsys, "patients", "import", str(DATA / "emis_appointments.csv"),
                         "--database", db, "--user", "Dr Asha Patel")
    assert code == 0
    assert out.splitlines() == [
        "imported 4 patients from emis_appointments.csv as EMIS Web list imported "
        f"{__import__('datetime').date.today().isoformat()}; not imported: 2 lines below; kept 1 day"]
    assert err.splitlines() == [
        "  line 8: NHS number fails the NHS number check (10 digits, Modulus 11)",
        "  line 9: date of birth is not a date (dd/mm/yyyy, dd-Mon-yyyy or yyyy-mm-dd)"]
    for value in ("SMITH", "9990000018", "999 000 0018", "BROWN"):
        assert value not in out + err
    folder = tmp_path / "store"
    for path in folder.iterdir():
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path


def test_an_unknown_layout_or_no_file_is_one_line_and_exit_2_and_nothing_kept(db, capsys):
    code, out, err = run(capsys, "patients", "import", str(DATA / "unknown_layout.csv"),
                         "--database", db)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert err.startswith("consult: unknown_layout.csv: unknown layout: no column for the NHS "
                          "number") and err.rstrip().endswith("nothing imported")
    code, _, err = run(capsys, "patients", "import", str(DATA / "absent.csv"), "--database", db)
    assert code == 2 and err == "consult: absent.csv: no such file; nothing imported\n"
    code, out, _ = run(capsys, "patients", "list", "--database", db)
    assert code == 2  # no list was ever kept: the database was never even made


def test_a_file_with_no_usable_row_keeps_nothing(db, capsys, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("NHS Number,Surname,Forename,DOB\n1234567890,Smith,John,05/04/1980\n")
    code, out, err = run(capsys, "patients", "import", str(bad), "--database", db)
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "consult: bad.csv: no patient could be read; nothing imported (1 row not imported):",
        "  line 2: NHS number fails the NHS number check (10 digits, Modulus 11)"]


def test_list_gives_counts_and_the_patients_only_when_asked(db, capsys):
    run(capsys, "patients", "import", str(DATA / "fhir_bundle.json"), "--database", db,
        "--user", "Dr Asha Patel")
    code, out, _ = run(capsys, "patients", "list", "--database", db)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == ("1 patient list kept; lists are removed 1 day after their import "
                        "(`patients keep-days N` to change)")
    assert "FHIR patient list  2 patients  imported by Dr Asha Patel" in lines[1]
    assert len(lines) == 2
    assert "Robinson".upper() not in out and "9990000158" not in out
    code, out, _ = run(capsys, "patients", "list", "--patients", "--database", db)
    assert "ROBINSON, Helen Mary (Dr) \u00b7 born 14-Feb-1969" in out
    assert "NHS 999 000 0158" in out


def test_keep_days_and_purge(db, capsys):
    run(capsys, "patients", "import", str(DATA / "emis_search.csv"), "--database", db)
    code, _, err = run(capsys, "patients", "keep-days", "31", "--database", db)
    assert code == 2 and err == "consult: keep imported lists for 1 to 30 days (not 31)\n"
    code, _, err = run(capsys, "patients", "keep-days", "a week", "--database", db)
    assert code == 2 and "not a whole number of days" in err
    code, out, _ = run(capsys, "patients", "keep-days", "7", "--database", db)
    assert (code, out) == (0, "imported patient lists are now kept 7 days; removed 0 older lists\n")
    code, out, _ = run(capsys, "patients", "purge", "--database", db)
    assert (code, out) == (0, "removed 0 patient lists (0 patients) imported more than 7 days ago\n")
    code, out, _ = run(capsys, "patients", "list", "--database", db)
    assert "lists are removed 7 days after their import" in out and "4 patients" in out
