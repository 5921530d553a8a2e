"""`main.py advice` and `main.py fhir`, run as real processes (the command-line contract)."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest
from fhir.resources.R4B.bundle import Bundle

from consult.record import file as recordfile
from tests.support import example_path, negative_record

MAIN = Path(__file__).resolve().parents[2] / "main.py"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(MAIN), *args], capture_output=True, text=True,
                          timeout=120)


@pytest.mark.hazard("H28")
def test_advice_writes_a_large_print_pdf_owner_only(tmp_path):
    out = tmp_path / "advice.pdf"
    result = run("advice", str(example_path("cauda-equina")), "-o", str(out), "--large")
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    with pdfplumber.open(io.BytesIO(out.read_bytes())) as pdf:
        first = pdf.pages[0]
        text = first.extract_text()
        assert text.index("GO NOW") < text.index("When to get help")
        assert max(c["size"] for c in first.chars) >= 16


def test_advice_sms_prints_the_text_message(tmp_path):
    result = run("advice", str(example_path("mechanical")), "--sms")
    assert result.returncode == 0, result.stderr
    text = result.stdout.strip()
    assert text.startswith("Daniel, from Riverside Medical Practice: Go to A&E now")
    assert len(text) <= 600 and "Fitzgerald" not in text


def test_advice_of_an_unconfirmed_plan_exits_1_and_writes_nothing(tmp_path):
    record = negative_record()
    record.plan.confirmed = False
    path = tmp_path / "r.json"
    recordfile.save(record, path)
    out = tmp_path / "advice.pdf"
    result = run("advice", str(path), "-o", str(out))
    assert result.returncode == 1
    assert "plan is not confirmed" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists() and sorted(os.listdir(tmp_path)) == ["r.json"]


def test_advice_warns_of_the_gps_own_items_left_off(tmp_path):
    from consult.record.model import PlanItem
    from consult.rules import plan

    record = negative_record()
    record.plan.items.append(PlanItem(text="Call back Friday"))
    plan.confirm(record)
    path = tmp_path / "r.json"
    recordfile.save(record, path)
    result = run("advice", str(path), "--sms")
    assert result.returncode == 0
    assert "1 plan item you wrote or edited is not on the sheet" in result.stderr


@pytest.mark.parametrize("args", [("--sms", "--large"), ("-o", ""), ()])
def test_advice_usage_errors_exit_2_in_one_line(args, tmp_path):
    result = run("advice", str(example_path("mechanical")), *args)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


@pytest.mark.hazard("H30")
def test_fhir_writes_a_bundle_that_validates(tmp_path):
    out = tmp_path / "bundle.json"
    result = run("fhir", str(example_path("sciatica")), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    bundle = Bundle.model_validate_json(out.read_text())
    assert bundle.type == "document"
    assert json.loads(out.read_text())["entry"][0]["resource"]["status"] == "final"


def test_fhir_of_an_incomplete_record_exits_1_unless_draft(tmp_path):
    from consult.record.model import Record

    path = tmp_path / "blank.json"
    recordfile.save(Record(), path)
    out = tmp_path / "bundle.json"
    result = run("fhir", str(path), "-o", str(out))
    assert result.returncode == 1 and not out.exists()
    assert "not complete" in result.stderr
    result = run("fhir", str(path), "-o", str(out), "--draft")
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_text())["entry"][0]["resource"]["status"] == "preliminary"


def test_fhir_to_an_unwritable_place_exits_2(tmp_path):
    result = run("fhir", str(example_path("sciatica")), "-o", str(tmp_path / "no" / "b.json"))
    assert result.returncode == 2 and "nothing written" in result.stderr
