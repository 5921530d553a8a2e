"""`main.py plan FILE [--accept] [--confirm] [-o OUT]`: the plan accepted and/or
confirmed from the command line, the record written atomically and owner-only.

Most tests call consult.cli.main in-process; the shell-loop test runs main.py as a
real process, the way a clinician re-runs a folder of test records after a
rule-set change.
"""

from __future__ import annotations

import json
import os
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from consult.cli import main
from consult.cli.record_commands import check_result
from consult.record import file as recordfile
from consult.record.model import PlanItem, Record
from consult.rules.engine import assess
from tests.support import EXAMPLES, example_path, negative_record

MAIN = Path(__file__).resolve().parents[2] / "main.py"
CONFIRM_PROBLEM = "plan.confirmed"


def plan(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict | None, str]:
    """Run `plan` in-process: exit code, the JSON summary (None when nothing on stdout), stderr."""
    code = main(["plan", *map(str, args)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    lines = out.splitlines()
    assert len(lines) <= 1, "the summary is one line of JSON"
    return code, json.loads(lines[0]) if lines else None, err


def one_line_error(err: str) -> bool:
    return len(err.strip().splitlines()) == 1 and err.startswith("consult: ")


def snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file in folder: content, permission bits and modification time."""
    return {p.name: (p.read_bytes(), stat.S_IMODE(p.stat().st_mode), p.stat().st_mtime_ns)
            for p in sorted(folder.iterdir()) if p.is_file()}


def edited_record() -> tuple[Record, str]:
    """A complete, confirmed record whose plan the GP changed: one suggestion edited,
    one own item, one item from a suggestion that no longer applies, the rest removed."""
    r = negative_record()
    first = assess(r).suggestions[0]
    r.plan.items = [
        PlanItem(suggestion_id=first.id, text="Reassured; she is a nurse and knows the signs.",
                 reason=first.reason, source=first.source, category=first.category, edited=True),
        PlanItem(suggestion_id="withdrawn-in-this-rule-set", text="An old suggestion"),
        PlanItem(suggestion_id=None, text="Phone back on Friday with the blood results"),
    ]
    return r, first.id


@pytest.mark.hazard("H14")
def test_accept_puts_every_suggestion_in_with_its_reason_and_source_and_keeps_the_gps_items(
        tmp_path, capsys):
    record, edited_id = edited_record()
    src, out = tmp_path / "r.json", tmp_path / "out.json"
    recordfile.save(record, src)
    before = src.read_bytes()

    code, summary, err = plan(capsys, src, "--accept", "-o", out)

    assert code == 0, err
    assert err == ""
    assert src.read_bytes() == before, "-o leaves FILE untouched"
    saved = recordfile.load(out)
    suggestions = assess(saved).suggestions
    items = {i.suggestion_id: i for i in saved.plan.items}
    for s in suggestions:
        item = items[s.id]
        assert item.reason == s.reason and item.reason
        assert item.source == s.source and item.source
        assert item.category == s.category
        if s.id != edited_id:
            assert item.text == s.text and not item.edited
    kept = items[edited_id]
    assert kept.edited and kept.text == "Reassured; she is a nurse and knows the signs."
    assert saved.plan.items[-1].suggestion_id is None
    assert saved.plan.items[-1].text == "Phone back on Friday with the blood results"
    assert "withdrawn-in-this-rule-set" not in items
    assert [i.suggestion_id for i in saved.plan.items[:-1]] == [s.id for s in suggestions]

    assert summary is not None
    assert summary["file"] == str(src) and summary["written"] == str(out)
    assert summary["accepted"] == {
        "added": [s.id for s in suggestions if s.id != edited_id],
        "removed": ["withdrawn-in-this-rule-set"],
        "kept_edited": [edited_id],
        "kept_own": 1,
        "dropped_edited": [],
    }
    # The items changed after the GP confirmed: accepting alone does not confirm.
    assert summary["confirmed"] is False and summary["complete"] is False
    assert {"field": CONFIRM_PROBLEM, "message": "The answers or the plan changed after the plan "
            "was confirmed: review the plan and confirm it again."} in summary["problems"]
    assert summary["disposition"] == "routine" and summary["rules_version"]


@pytest.mark.hazard("H14")
def test_an_edited_item_whose_suggestion_no_longer_applies_is_reported(tmp_path, capsys):
    record = negative_record()
    record.plan.items = [*record.plan.items,
                         PlanItem(suggestion_id="withdrawn", text="Edited by the GP", edited=True)]
    src = tmp_path / "r.json"
    recordfile.save(record, src)

    code, summary, err = plan(capsys, src, "--accept", "--confirm")

    assert code == 0
    assert summary is not None and summary["accepted"]["dropped_edited"] == ["withdrawn"]
    assert one_line_error(err) and "warning" in err and "withdrawn" in err
    assert "withdrawn" not in {i.suggestion_id for i in recordfile.load(src).plan.items}


@pytest.mark.hazard("H14")
def test_confirm_makes_check_report_the_plan_as_confirmed(tmp_path, capsys):
    record = negative_record()
    record.plan.confirmed, record.plan.confirmed_for = False, None
    src = tmp_path / "r.json"
    recordfile.save(record, src)
    assert CONFIRM_PROBLEM in {p["field"] for p in check_result(record)["problems"]}

    code, summary, err = plan(capsys, src, "--confirm")

    assert code == 0, err
    result = check_result(recordfile.load(src))
    assert CONFIRM_PROBLEM not in {p["field"] for p in result["problems"]}
    assert result["complete"] is True
    assert summary is not None and summary["confirmed"] is True and summary["complete"] is True
    assert summary["accepted"] is None and summary["problems"] == []


@pytest.mark.hazard("H14")
def test_confirm_again_after_the_plan_changed(tmp_path, capsys):
    record = negative_record()  # confirmed
    record.plan.items = [*record.plan.items, PlanItem(text="Own item added after confirming")]
    src = tmp_path / "r.json"
    recordfile.save(record, src)
    assert "confirm it again" in json.dumps(check_result(recordfile.load(src))["problems"])

    code, summary, _ = plan(capsys, src, "--confirm")

    assert code == 0 and summary is not None and summary["confirmed"] is True
    assert check_result(recordfile.load(src))["problems"] == []


def test_accept_and_confirm_a_blank_draft_leaves_only_the_other_problems(tmp_path, capsys):
    src = tmp_path / "draft.json"
    recordfile.save(Record(), src)

    code, summary, _ = plan(capsys, src, "--accept", "--confirm")

    assert code == 0 and summary is not None
    assert summary["confirmed"] is True and summary["complete"] is False
    saved = recordfile.load(src)
    assert saved.plan.items and saved.plan.confirmed
    fields = {p["field"] for p in check_result(saved)["problems"]}
    assert CONFIRM_PROBLEM not in fields and "plan.items" not in fields
    assert summary["disposition"] == "not_fully_screened"


@pytest.mark.parametrize("mode", [0o600, 0o644])
def test_in_place_writes_an_owner_only_file_and_nothing_else(tmp_path, capsys, mode):
    record = negative_record()
    record.plan.confirmed, record.plan.confirmed_for = False, None
    src = tmp_path / "r.json"
    recordfile.save(record, src)
    os.chmod(src, mode)

    code, summary, err = plan(capsys, src, "--accept", "--confirm")

    assert code == 0, err
    assert summary is not None and summary["written"] == str(src)
    assert stat.S_IMODE(os.stat(src).st_mode) == 0o600
    assert sorted(os.listdir(tmp_path)) == ["r.json"], "no temporary file left behind"
    assert recordfile.load(src).plan.confirmed


def test_in_place_through_a_symbolic_link_keeps_the_link(tmp_path, capsys):
    real = tmp_path / "records" / "r.json"
    real.parent.mkdir()
    recordfile.save(Record(), real)
    link = tmp_path / "link.json"
    link.symlink_to(real)

    code, _, err = plan(capsys, link, "--confirm")

    assert code == 0, err
    assert link.is_symlink() and recordfile.load(real).plan.confirmed


@pytest.mark.parametrize("where", ["missing folder", "folder", "empty name"])
def test_an_unwritable_output_is_one_line_exit_2_and_leaves_no_file(tmp_path, capsys, where):
    src = tmp_path / "r.json"
    recordfile.save(Record(), src)
    out = {"missing folder": str(tmp_path / "no" / "r.json"), "folder": str(tmp_path),
           "empty name": ""}[where]
    before = snapshot(tmp_path)

    code, summary, err = plan(capsys, src, "--accept", "--confirm", "-o", out)

    assert code == 2
    assert summary is None
    assert one_line_error(err)
    assert snapshot(tmp_path) == before
    assert sorted(os.listdir(tmp_path)) == ["r.json"]
    if where == "missing folder":
        assert "No such file or directory" in err and "nothing written" in err
    if where == "folder":
        assert "is a folder" in err


@pytest.mark.hazard("H7")
@pytest.mark.parametrize("content", [
    None,
    "{broken",
    '{"format": "consult-record", "format_version": 1, "x": 1}',
    '{"format": "consult-record", "format_version": 1, "patient": {"nhs_number": "9434765918"}}',
    "[]",
])
@pytest.mark.parametrize("output", [False, True])
def test_unreadable_input_is_exit_2_and_leaves_everything_untouched(tmp_path, capsys, content,
                                                                    output):
    src = tmp_path / "in.json"
    if content is not None:
        src.write_text(content)
        os.chmod(src, 0o644)
    before = snapshot(tmp_path)
    args = [src, "--accept", "--confirm"] + (["-o", tmp_path / "out.json"] if output else [])

    code, summary, err = plan(capsys, *args)

    assert code == 2
    assert summary is None
    assert one_line_error(err)
    assert snapshot(tmp_path) == before, "file, permissions and folder unchanged"


def test_neither_flag_is_a_usage_error_that_changes_nothing(tmp_path, capsys):
    src = tmp_path / "r.json"
    recordfile.save(Record(), src)
    before = snapshot(tmp_path)

    code, summary, err = plan(capsys, src)

    assert code == 2 and summary is None
    assert one_line_error(err) and "--accept" in err and "--confirm" in err
    assert snapshot(tmp_path) == before


@pytest.mark.hazard("H7")
def test_a_folder_of_records_in_a_shell_loop(tmp_path):
    """The clinician's re-run after a rule-set change, as a real process per file:
    one JSON line per record written, one error line for a broken one, the loop goes on."""
    folder, out = tmp_path / "records", tmp_path / "out"
    folder.mkdir()
    out.mkdir()
    for name in EXAMPLES:
        (folder / f"{name}.json").write_bytes(example_path(name).read_bytes())
    (folder / "broken.json").write_text("{broken")
    before = snapshot(folder)
    script = (f'for f in {shlex.quote(str(folder))}/*.json; do '
              f'{shlex.quote(sys.executable)} {shlex.quote(str(MAIN))} plan "$f" --accept --confirm '
              f'-o {shlex.quote(str(out))}/"$(basename "$f")" || echo "exit $? $f" >&2; done')

    result = subprocess.run(["sh", "-c", script], capture_output=True, text=True, timeout=600)

    assert result.returncode == 0
    assert snapshot(folder) == before, "the test records are read, never changed"
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 2 and "broken.json: not valid JSON" in errors[0]
    assert errors[1].startswith("exit 2 ") and errors[1].endswith("broken.json")
    summaries = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(Path(s["written"]).name for s in summaries) == sorted(
        f"{name}.json" for name in EXAMPLES)
    assert sorted(os.listdir(out)) == sorted(f"{name}.json" for name in EXAMPLES)
    for s in summaries:
        assert s["confirmed"] is True
        written = Path(s["written"])
        assert stat.S_IMODE(written.stat().st_mode) == 0o600
        check = subprocess.run([sys.executable, str(MAIN), "check", str(written)],
                               capture_output=True, text=True, timeout=120)
        assert check.returncode == 0, check.stderr
        checked = json.loads(check.stdout)
        assert CONFIRM_PROBLEM not in {p["field"] for p in checked["problems"]}
        for key in ("disposition", "within", "headline", "rules_version"):
            assert checked[key] == s[key]
