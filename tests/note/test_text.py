"""The plain-text twin: same content as the PDF, no reportlab needed."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import consult
from consult.note import IncompleteRecord, compose, note_pdf, note_text, render_text
from consult.note.model import Note
from consult.record.model import Record
from consult.rules.engine import assess
from tests.note.test_pdf import ces_record, pages_text, squeeze
from tests.support import negative_record

NOT_PRINTED = {"level", "kind", "tone", "group", "widths", "metadata", "app_version",
               "rules_version", "number", "columns",  # columns: PDF table headers
               "summary"}  # page 1 prints it through its sections; the record entry tests it


def leaves(value: object) -> Iterator[str]:
    """Every printed string of a composed note."""
    if dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            if f.name not in NOT_PRINTED:
                yield from leaves(getattr(value, f.name))
    elif isinstance(value, tuple):
        for item in value:
            yield from leaves(item)
    elif isinstance(value, str) and value:
        yield value


def composed(record: Record, draft: bool = False) -> Note:
    return compose(record, assess(record), draft=draft, app_version=consult.__version__)


@pytest.mark.hazard("H6", "H13")
@pytest.mark.parametrize("make", [negative_record, ces_record, Record],
                         ids=["negative", "cauda-equina", "blank"])
def test_text_and_pdf_print_every_string_of_the_note(make) -> None:  # type: ignore[no-untyped-def]
    record = make()
    note = composed(record, draft=True)
    text = squeeze(render_text(note))
    pdf = squeeze(" ".join(pages_text(note_pdf(record, draft=True))))
    strings = list(leaves(note))
    assert len(strings) > 100
    for s in strings:
        assert squeeze(s) in text, s
        assert squeeze(s) in pdf, s


@pytest.mark.hazard("H1", "H2")
def test_text_twin_key_content() -> None:
    text = note_text(ces_record())
    for expected in ("Riverside Medical Practice", "TAYLOR, Sam", "Born 05-Apr-1985",
                     "NHS No. 943 476 5919", "*** RED FLAG ***",
                     "EMERGENCY - act now: Cauda equina syndrome",
                     "Telephone consultation: no examination was possible.",
                     "Loss of bowel control or rectal sensation: No",
                     "Progressive pain: not applicable",
                     "Disposition: EMERGENCY - act now\n",
                     "interpreter: Not recorded",
                     "GMC 7654321", "20-Nov-2026 09:40 (24-hour)"):
        assert expected in text
    assert text.index("*** RED FLAG ***") < text.index("\nDecision\n") < text.index("\nFindings\n")
    assert text.index("\nFindings\n") < text.index("Appendix: full screen and sources")
    assert "DRAFT" not in text
    assert "None" not in text
    assert "act now, the same day" not in text  # the row's deadline, never the band's range


@pytest.mark.hazard("H2", "H13")
def test_text_draft_and_incomplete() -> None:
    with pytest.raises(IncompleteRecord):
        note_text(Record())
    text = note_text(Record(), draft=True)
    assert text.startswith("*** DRAFT - not finalised ***")
    assert "RED FLAGS NOT YET FULLY SCREENED" in text
    assert "ROUTINE" not in text
    assert "None" not in text and "?" not in text.replace("worse in the last 14 days?", "")


@pytest.mark.hazard("H6")
def test_user_text_is_not_escaped_in_plain_text() -> None:
    r = negative_record()
    r.history.notes = "A & B <b>c</b>"
    assert "Other history: A & B <b>c</b>" in note_text(r)


def test_text_preview_does_not_load_reportlab() -> None:
    code = ("import sys; from tests.support import negative_record; "
            "from consult.note import note_text; note_text(negative_record()); "
            "assert 'reportlab' not in sys.modules, 'reportlab loaded'")
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)
