"""`python main.py text FILE [--full]`: the record entry on stdout, exit codes as `check`."""

from __future__ import annotations

import json

import pytest

from consult.cli import main
from consult.note import prepare
from consult.note.entry import render_entry
from consult.note.text import render_text
from tests.support import example_path, load_example


@pytest.mark.hazard("H13")
def test_text_prints_the_short_entry_and_full_the_long_twin(capsys) -> None:
    assert main(["text", str(example_path("mechanical"))]) == 0
    out, err = capsys.readouterr()
    assert out == render_entry(prepare(load_example("mechanical")))
    assert err == ""
    assert main(["text", str(example_path("mechanical")), "--full"]) == 0
    out, _ = capsys.readouterr()
    assert out == render_text(prepare(load_example("mechanical")))
    assert "Appendix: full screen and sources" in out


def test_an_incomplete_record_gives_a_draft_entry_and_says_so(capsys, tmp_path) -> None:
    data = json.loads(example_path("mechanical").read_text(encoding="utf-8"))
    data["plan"]["confirmed"] = False
    path = tmp_path / "draft.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["text", str(path)]) == 0  # as `check`: a readable record, complete or not
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == "DRAFT - not finalised"
    assert err.count("\n") == 1 and "not complete" in err and "marked DRAFT" in err


@pytest.mark.parametrize("content", [None, "{not json", '{"format": "other"}'])
def test_an_unreadable_file_is_one_line_and_exit_2(capsys, tmp_path, content) -> None:
    path = tmp_path / "record.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["text", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("consult: ")
    assert "Traceback" not in err


@pytest.mark.hazard("H32")
def test_a_ticked_ces_card_item_with_its_question_unasked_is_not_complete_and_the_entry_says_so(
        capsys, tmp_path) -> None:
    """CSO review 2026-12-07c, A3 (its probe out/mech_ces_unasked.txt): the mechanical example
    with the CES-card item in the plan and 'Written cauda equina information given' not asked
    was `complete: true`, and the entry's safety-netting line said nothing of it."""
    data = json.loads(example_path("mechanical").read_text(encoding="utf-8"))
    assert any(i["suggestion_id"] == "ces-card" for i in data["plan"]["items"])
    data["plan"]["ces_card_given"], data["plan"]["ces_info_how"] = "not_asked", []
    path = tmp_path / "ces_unasked.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["check", str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["complete"] is False
    assert out["problems"] == [{"field": "plan.ces_card_given", "message": (
        "Record whether the written cauda equina information was given, and how.")}]
    assert main(["text", str(path)]) == 0
    entry = capsys.readouterr().out
    assert entry.splitlines()[0] == "DRAFT - not finalised"
    assert "written CES information: whether given not yet recorded" in " ".join(
        line.strip() for line in entry.splitlines())
