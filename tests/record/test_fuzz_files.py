"""Fuzzing record files: a broken file gets one line and exit 2, never a traceback or output.

Broken files come from `tests.strategies.broken_files()`: truncated JSON (prefixes
of valid files), wrong types and huge numbers in random fields, deep nesting,
unknown fields, wrong or missing format and format_version, binary junk, empty
files, UTF-16/UTF-32/latin-1 encodings.

- In process, `recordfile.loads` raises nothing but RecordFileError, with a one-line
  message, and refuses every file no reader may accept; what it accepts round-trips.
- In process, the command line (`consult.cli.main`) answers `check` and `note` for
  each with exit 2 and one line on stderr (or a normal answer for a file that is
  still a valid record), never exit 70 (internal error), and `note` leaves its
  output folder empty unless it wrote the note.
- As real processes (`python main.py`), a sample of the same.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings

from consult import cli
from consult.record import file as recordfile
from consult.record.file import RecordFileError
from tests.strategies import BrokenFile, broken_files, valid_files

MAIN = Path(__file__).resolve().parents[2] / "main.py"
FUZZ = settings(max_examples=1_000, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
LONG_RUN = settings(FUZZ, max_examples=10_000)


def one_line(text: str) -> bool:
    return len(text.splitlines()) == 1 and text.strip() != ""


def check_loads(broken: BrokenFile) -> None:
    event(broken.kind)
    try:
        record = recordfile.loads(broken.data, origin="in.json")
    except RecordFileError as exc:
        message = str(exc)
        assert one_line(message) and message.startswith("in.json: "), message
        assert "Traceback" not in message
    else:
        assert not broken.must_fail, f"accepted a {broken.kind} file"
        assert recordfile.loads(recordfile.dumps(record)) == record


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(args))
    return code, out.getvalue(), err.getvalue()


def check_cli(broken: BrokenFile) -> None:
    event(broken.kind)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp, "in", "record.json")
        src.parent.mkdir()
        src.write_bytes(broken.data)
        outdir = Path(tmp, "out")
        outdir.mkdir()
        target = outdir / "note.pdf"

        code, out, err = run_cli("check", str(src))
        assert code in (0, 2), (code, err)
        if code == 2:
            assert out == "" and one_line(err) and err.startswith("consult: "), err
        else:
            assert not broken.must_fail and err == ""
            json.loads(out)

        code, out, err = run_cli("note", str(src), "-o", str(target))
        assert code in (0, 1, 2), (code, err)
        assert out == ""
        if code == 2:
            assert one_line(err) and err.startswith("consult: "), err
        else:
            assert not broken.must_fail
        written = sorted(os.listdir(outdir))
        assert written == (["note.pdf"] if code == 0 else []), (code, written)


# ---------------------------------------------------------------------------
# In process: hundreds in the normal suite, thousands in the long run


@pytest.mark.hazard("H19")
@FUZZ
@given(broken_files())
def test_loads_raises_only_record_file_error_in_one_line(broken: BrokenFile) -> None:
    check_loads(broken)


@pytest.mark.hazard("H19")
@settings(FUZZ, max_examples=500)
@given(broken_files())
def test_cli_answers_broken_files_with_one_line_and_no_output(broken: BrokenFile) -> None:
    check_cli(broken)


@pytest.mark.slow
@settings(LONG_RUN, max_examples=20_000)
@given(broken_files())
def test_loads_raises_only_record_file_error_in_one_line_long_run(broken: BrokenFile) -> None:
    check_loads(broken)


@pytest.mark.slow
@LONG_RUN
@given(broken_files())
def test_cli_answers_broken_files_with_one_line_and_no_output_long_run(broken: BrokenFile) -> None:
    check_cli(broken)


@pytest.mark.hazard("H19")
def test_every_prefix_of_a_valid_file_is_refused_in_one_line() -> None:
    """Not a sample: every proper prefix of the smallest valid file."""
    text = min(valid_files(), key=len).rstrip()
    for end in range(len(text)):
        with pytest.raises(RecordFileError) as caught:
            recordfile.loads(text[:end].encode(), origin="in.json")
        assert one_line(str(caught.value))
    recordfile.loads(text)  # the whole file, without its final newline, is still a record


@pytest.mark.parametrize("name", ["a\nb.json", "x\x1b[31m.json", "r\u202egpj.json", "t\rwo.json"])
def test_a_file_name_with_control_characters_stays_on_one_line(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("{broken")
    with pytest.raises(RecordFileError) as caught:
        recordfile.load(path)
    assert one_line(str(caught.value)) and "\x1b" not in str(caught.value)
    code, out, err = run_cli("note", str(path), "-o", str(tmp_path / "o\n.pdf"))
    assert code == 2 and out == "" and one_line(err) and "\x1b" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_an_unknown_field_named_with_control_characters_stays_on_one_line() -> None:
    data = json.loads(valid_files()[0])
    data["patient"]["x\ny\x1b[2J\u2028z"] = 1
    with pytest.raises(RecordFileError) as caught:
        recordfile.loads(json.dumps(data))
    message = str(caught.value)
    assert one_line(message) and "\x1b" not in message
    # a key not spelt like a field name is not repeated (it may be a name or an NHS number)
    assert message == "record: patient: a field with a name the record does not have"


# ---------------------------------------------------------------------------
# Real processes: a sample, since each costs a Python start-up


def _sample() -> list[tuple[str, bytes]]:
    rng = random.Random(20261120)
    text = valid_files()[1]
    doc = json.loads(text)
    cases = [
        ("empty", b""),
        ("binary junk", bytes(rng.randrange(256) for _ in range(300))),
        ("truncated in a string", text[: text.index('"Riverside') + 5].encode()),
        ("truncated at random", text[: rng.randrange(len(text) - 2)].encode()),
        ("utf-16 with BOM", text.encode("utf-16")),
        ("utf-8 BOM", text.encode("utf-8-sig")),
        ("latin-1", text.replace("Riverside", "Rïverside").encode("latin-1")),
        ("format_version 3", text.replace('"format_version": 2', '"format_version": 3').encode()),
        ("format_version missing", text.replace('"format_version": 2,', "").encode()),
        ("format_version 10**100", text.replace('"format_version": 2',
                                                '"format_version": 2' + "0" * 100).encode()),
        ("pain score 1e308", text.replace('"pain_now": 4', '"pain_now": 1e308').encode()),
        ("pain score 10**100", text.replace('"pain_now": 4', '"pain_now": 1' + "0" * 100).encode()),
        ("pain score -1", text.replace('"pain_now": 4', '"pain_now": -1').encode()),
        ("5000-digit number", text.replace('"pain_now": 4', '"pain_now": ' + "9" * 5000).encode()),
        ("NaN", text.replace('"pain_now": 4', '"pain_now": NaN').encode()),
        ("deep nesting", ("[" * 100_000 + "]" * 100_000).encode()),
        ("deep value", text.replace('"notes": ""', '"notes": ' + "[" * 50_000 + "]" * 50_000)
         .encode()),
        ("unknown field", json.dumps({**doc, "middle_name": "Jo"}).encode()),
        ("wrong type: list for a section", json.dumps({**doc, "patient": []}).encode()),
        ("wrong type: number for a name", json.dumps(
            {**doc, "patient": {**doc["patient"], "given_name": 5}}).encode()),
        ("lone surrogate", text.replace('"Sam"', '"\\ud800"').encode()),
        ("a JSON list", b"[1, 2, 3]"),
    ]
    assert text.encode() not in {data for _, data in cases}  # every replace() found its text
    return cases


SAMPLE = _sample()


@pytest.mark.hazard("H19")
@pytest.mark.parametrize(("kind", "data"), SAMPLE, ids=[k for k, _ in SAMPLE])
def test_main_py_answers_a_broken_file_with_one_line_and_exit_2(
        tmp_path: Path, kind: str, data: bytes) -> None:
    src = tmp_path / "in" / "record.json"
    src.parent.mkdir()
    src.write_bytes(data)
    outdir = tmp_path / "out"
    outdir.mkdir()
    for args in (["check", str(src)], ["note", str(src), "-o", str(outdir / "note.pdf")]):
        result = subprocess.run([sys.executable, str(MAIN), *args], capture_output=True,
                                timeout=120)
        err = result.stderr.decode("utf-8", "replace")
        assert result.returncode == 2, (kind, args[0], err)
        assert result.stdout == b""
        assert one_line(err) and err.startswith("consult: "), err
        assert "Traceback" not in err
        assert os.listdir(outdir) == [], (kind, args[0])


def test_main_py_refuses_an_oversized_file_and_a_folder(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (recordfile.MAX_BYTES + 1))
    outdir = tmp_path / "out"
    outdir.mkdir()
    for src in (big, tmp_path, tmp_path / "missing.json"):
        result = subprocess.run([sys.executable, str(MAIN), "note", str(src), "-o",
                                 str(outdir / "n.pdf")], capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 2 and one_line(result.stderr), result.stderr
    assert os.listdir(outdir) == []
