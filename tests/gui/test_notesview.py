"""The staff's notes window: find finalised notes, preview them exactly as they print,
print many in one job, export, ask for an amendment; the list follows the store live.

Real stores (SQLite in a temporary folder; one test on a real PostgreSQL server), real
PDFs, a QPrinter writing PDF to a temporary file; only the dialogs are replaced.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pytest
from PIL import ImageChops, ImageFilter, ImageStat
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QFontMetrics, QPageSize
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QDateTimeEdit, QProgressDialog
from sqlalchemy import select

from consult.record import file as recordfile
from consult.store import NoteAltered, Store, StoreError, Who
from consult.store.schema import audit
from forms import dialogs, printing
from forms.notes import notes_window as notesview
from forms.notes.notes_window import NotesWindow
from forms.notes.table_model import (
    CLINICIAN,
    FINALISED,
    NOT_KNOWN,
    NOTE,
    PRINTED,
    PRINTED_NO,
    PRINTED_YES,
    URGENCY,
    NotesModel,
    urgency_text,
    urgency_tip,
)
from tests.gui.test_printing import FakeLp, native_printer
from tests.storesupport import Clock, nhs_numbers, patient_record

ROOT = Path(__file__).resolve().parents[2]
GP = Who("Dr Asha Patel", "surgery-1")
STAFF = Who("Jo Reception", "front-desk")
SUPERSEDED = "SUPERSEDED"
LATER = Clock(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC))   # the other workstation's clock

# (given, family, NHS number or None for the next valid one, consultation day)
PEOPLE = [
    ("Sam", "Taylor", "9434765919", dt.date(2026, 11, 2)),
    ("Alex", "Jones", None, dt.date(2026, 11, 5)),
    ("Priya", "Sharma", None, dt.date(2026, 11, 9)),
    ("Jo", "Taylor", None, dt.date(2026, 11, 12)),
    ("John", "Smith", None, dt.date(2026, 11, 16)),
]


# -- helpers ----------------------------------------------------------------------------------

def _text(pdf: bytes) -> list[str]:
    """pypdf's words of each page, whitespace made single."""
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def _pages(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _thumbs(pdf: bytes) -> list:
    """Each page drawn small, grey and softened, for a rough look at what printed."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.render(scale=60 / 72, grayscale=True).to_pil().convert("L")
                .resize((496, 702)).filter(ImageFilter.GaussianBlur(1)) for page in document]
    finally:
        document.close()


def _distance(a, b) -> float:
    return ImageStat.Stat(ImageChops.difference(a, b)).mean[0]


def _page_images(pdf: bytes) -> list[bytes]:
    """The one image on each page of a printed (rasterised) job, as stored."""
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    assert all(len(page.images) == 1 for page in pages)
    return [page.images[0].data for page in pages]


def _assert_printed_in_order(output: Path, expected: list[bytes]) -> None:
    """The job holds exactly the expected notes' own pages, in order: page for page the
    same content, text and size as the PDF the preview showed (vector, not pictures),
    and drawn, it looks the same."""
    job = output.read_bytes()
    printed = pypdf.PdfReader(io.BytesIO(job)).pages
    wanted = [page for pdf in expected for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    assert len(printed) == len(wanted)
    for i, (got, want) in enumerate(zip(printed, wanted, strict=True)):
        assert got.get_contents().get_data() == want.get_contents().get_data(), \
            f"printed page {i + 1} is not the page expected there"
        assert got.extract_text() == want.extract_text()
        assert list(got.mediabox) == list(want.mediabox)
        assert len(got.images) == 0
    sources = [thumb for pdf in expected for thumb in _thumbs(pdf)]
    for i, (page, source) in enumerate(zip(_thumbs(job), sources, strict=True)):
        assert _distance(page, source) < 0.5, f"printed page {i + 1} does not look like its note"


def _printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setFullPage(True)   # no margins: printed pages line up with the notes' own
    return printer


def _audit(store: Store, action: str) -> list[dict]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(audit).where(audit.c.action == action)
                            .order_by(audit.c.seq)).mappings().all()
    return [dict(r) | {"detail": json.loads(r["detail"])} for r in rows]


def _fill(store: Store, people=PEOPLE) -> list:
    numbers = nhs_numbers()
    return [store.finalise(patient_record(given, family, nhs or next(numbers), day=day), GP)
            for given, family, nhs, day in people]


def _settle(qtbot, window: NotesWindow) -> None:
    qtbot.waitUntil(lambda: not window.filters.pending, timeout=2000)


def _names(window: NotesWindow) -> list[str]:
    return [n.patient.name for n in window.model.notes()]


def _urgencies_known(qtbot, window: NotesWindow) -> None:
    qtbot.waitUntil(lambda: all(window.model.urgency(n) for n in window.model.notes()),
                    timeout=5000)


def _focused():
    return QApplication.focusWidget()


# -- fixtures ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def library(tmp_path_factory):
    """Five notes, newest finalised first: SHARMA (amended last: version 2), SMITH, TAYLOR Jo,
    JONES, TAYLOR Sam (printed). Shared by the tests that only look."""
    url = f"sqlite:///{tmp_path_factory.mktemp('library') / 'consult.db'}"
    store = Store.open(url, clock=Clock())
    infos = _fill(store)
    sharma = infos[2]
    amended = patient_record("Priya", "Sharma", sharma.patient.nhs_number, day=PEOPLE[2][3])
    amended.plan.follow_up = "Review by telephone in two weeks."
    store.amend(sharma.note_id, 1, amended, "Follow-up brought forward", GP)
    store.mark_printed([infos[0].key], STAFF, printer="Reception")
    yield store
    store.close()


@pytest.fixture
def small(tmp_path):
    """Three fresh notes in a store of this test's own."""
    (tmp_path / "store").mkdir()
    url = f"sqlite:///{tmp_path / 'store' / 'consult.db'}"
    store = Store.open(url, clock=Clock())
    store.url = url
    _fill(store, PEOPLE[:3])
    yield store
    store.close()


@pytest.fixture
def open_window(qtbot, monkeypatch):
    calls: list[tuple[str, tuple]] = []
    monkeypatch.setattr(dialogs, "show_error", lambda *a: calls.append(("error", a)))
    monkeypatch.setattr(dialogs, "show_info", lambda *a: calls.append(("info", a)))

    def make(store: Store) -> NotesWindow:
        window = NotesWindow(store, STAFF)
        window.dialog_calls = calls
        qtbot.addWidget(window)
        window.show()
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
        return window

    return make


# -- finding notes ---------------------------------------------------------------------------

def test_lists_every_note_newest_first_with_readable_columns(qtbot, open_window, library):
    window = open_window(library)
    assert _names(window) == ["SHARMA, Priya", "SMITH, John", "TAYLOR, Jo", "JONES, Alex",
                              "TAYLOR, Sam"]
    finalised = [n.finalised_at for n in window.model.notes()]
    assert finalised == sorted(finalised, reverse=True)
    model = window.model
    last = model.rowCount() - 1
    _urgencies_known(qtbot, window)
    cells = [model.index(last, c).data() for c in range(model.columnCount())]
    assert cells[:6] == ["ROUTINE", "02-Nov-2026", "TAYLOR, Sam", "943 476 5919", "05-Apr-1985",
                         "Dr Asha Patel"]
    assert cells[6] == f"{model.note(last).short_id} v1"
    # finalised by the note's own clinician: the time alone (the Clinician column says who)
    assert re.fullmatch(r"26-Nov-2026 \d\d:\d\d", cells[7])
    assert "finalised 26-Nov-2026" in model.index(last, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "by Dr Asha Patel" in model.index(last, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert cells[8] == PRINTED_YES
    sharma = model.note(0)
    assert (sharma.version, sharma.latest_version) == (2, 2)   # the amended note: its latest
    assert model.index(0, NOTE).data() == f"{sharma.short_id} v2"
    assert model.index(0, PRINTED).data() == PRINTED_NO
    assert window.count_label.text() == "5 notes"
    window.select_rows([0, 3])
    assert window.count_label.text() == "5 notes \u00b7 2 selected"
    assert library.shown_url in window.where_label.text()
    assert "Jo Reception" in window.where_label.text()


def test_filters_narrow_the_list_as_the_user_types(qtbot, open_window, library):
    window = open_window(library)
    assert _focused() is window.filters.name          # ready to type a name
    qtbot.keyClicks(window.filters.name, "tay")
    assert window.filters.pending and window.model.rowCount() == 5   # waits for a pause
    _settle(qtbot, window)
    assert _names(window) == ["TAYLOR, Jo", "TAYLOR, Sam"]
    qtbot.keyClicks(window.filters.name, "lor, sa")   # as the list shows it: "TAYLOR, Sa..."
    _settle(qtbot, window)
    assert _names(window) == ["TAYLOR, Sam"]
    window.filters.name.clear()

    qtbot.keyClick(window, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)   # NHS n&umber
    assert _focused() is window.filters.nhs_number
    qtbot.keyClicks(window.filters.nhs_number, "943 476")
    _settle(qtbot, window)
    assert _names(window) == ["TAYLOR, Sam"]
    qtbot.keyClicks(window.filters.nhs_number, " 5919")
    _settle(qtbot, window)
    assert _names(window) == ["TAYLOR, Sam"]
    qtbot.keyClicks(window.filters.nhs_number, "x")   # letters cannot be typed here
    assert window.filters.nhs_number.text() == "943 476 5919"
    window.filters.nhs_number.clear()
    _settle(qtbot, window)
    assert window.model.rowCount() == 5

    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)   # Printe&d
    assert _focused() is window.filters.printed
    qtbot.keyClick(window.filters.printed, Qt.Key.Key_Down)   # All -> Not printed
    _settle(qtbot, window)
    assert "TAYLOR, Sam" not in _names(window) and window.model.rowCount() == 4
    qtbot.keyClick(window.filters.printed, Qt.Key.Key_Down)   # -> Printed
    _settle(qtbot, window)
    assert _names(window) == ["TAYLOR, Sam"]
    qtbot.keyClick(window.filters.printed, Qt.Key.Key_Home)   # -> All
    _settle(qtbot, window)
    assert window.model.rowCount() == 5


def test_date_range_either_end_may_stay_open(qtbot, open_window, library):
    window = open_window(library)
    start, end = window.filters.date_from, window.filters.date_to
    assert start.value() is None and end.value() is None
    assert start.edit.text() == "any date" and not start.edit.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)   # date &from
    qtbot.waitUntil(start.check.isChecked, timeout=1000)   # (a mnemonic clicks after a moment)
    assert _focused() is start.edit
    start.edit.setDate(QDate(2026, 11, 9))
    _settle(qtbot, window)
    assert _names(window) == ["SHARMA, Priya", "SMITH, John", "TAYLOR, Jo"]   # 9th included
    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)   # &to
    qtbot.waitUntil(end.check.isChecked, timeout=1000)
    end.edit.setDate(QDate(2026, 11, 12))
    _settle(qtbot, window)
    assert _names(window) == ["SHARMA, Priya", "TAYLOR, Jo"]
    start.check.setChecked(False)   # open again: everything up to the 12th
    _settle(qtbot, window)
    assert start.value() is None
    assert _names(window) == ["SHARMA, Priya", "TAYLOR, Jo", "JONES, Alex", "TAYLOR, Sam"]
    # a date typed into the field filters as well
    end.edit.setFocus()
    end.edit.setSelectedSection(QDateTimeEdit.Section.DaySection)
    qtbot.keyClicks(end.edit, "05")
    _settle(qtbot, window)
    assert end.value() == dt.date(2026, 11, 5)
    assert _names(window) == ["JONES, Alex", "TAYLOR, Sam"]


def test_keyboard_tab_goes_filter_list_preview_and_enter_opens(qtbot, open_window, library):
    window = open_window(library)
    window.filters.printed.setFocus()
    qtbot.keyClick(_focused(), Qt.Key.Key_Tab)
    assert _focused() is window.notes.sort_by
    qtbot.keyClick(_focused(), Qt.Key.Key_Tab)
    assert _focused() is window.table
    assert [n.patient.name for n in window.selected_notes()] == ["SHARMA, Priya"]   # shown
    assert window.preview.shown[0] == window.model.note(0).note_id
    qtbot.keyClick(window.table, Qt.Key.Key_Down)
    assert [n.patient.name for n in window.selected_notes()] == ["SMITH, John"]
    assert window.preview.shown[0] == window.model.note(1).note_id
    qtbot.keyClick(window.table, Qt.Key.Key_Tab)
    assert _focused() is window.preview.view
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Return)  # Enter: to the preview of that note
    assert _focused() is window.preview.view


# -- urgency and clinician ---------------------------------------------------------------------

# (example, clinician), finalised in this order: the emergency neither newest nor oldest
TRIAGE = [("mechanical", "Dr Ben Jones"), ("sciatica", "Dr Asha Patel"),
          ("cauda-equina", "Dr Carys Evans"), ("fracture", "Dr Asha Patel"),
          ("mechanical", "Dr Asha Patel")]


@pytest.fixture(scope="module")
def triage(tmp_path_factory):
    """Five notes of the examples: emergency, urgent, soon and two routine, each with its
    clinician; the newest (routine) first as listed."""
    url = f"sqlite:///{tmp_path_factory.mktemp('triage') / 'consult.db'}"
    store = Store.open(url, clock=Clock())
    numbers = nhs_numbers(930_000_000)
    for n, (example, clinician) in enumerate(TRIAGE):
        record = recordfile.load(ROOT / "resources" / "examples" / f"{example}.json")
        record.patient.nhs_number = next(numbers)
        record.patient.family_name = f"{record.patient.family_name}{'ABCDE'[n]}"
        record.consultation.clinician_name = clinician
        store.finalise(record, GP)
    yield store
    store.close()


def _column(window: NotesWindow, column: int) -> list[str]:
    return [window.model.index(r, column).data() for r in range(window.model.rowCount())]


@pytest.mark.hazard("H25")
def test_the_list_shows_each_notes_urgency_and_clinician(qtbot, open_window, triage):
    window = open_window(triage)
    _urgencies_known(qtbot, window)
    assert _column(window, URGENCY) == ["ROUTINE", "URGENT", "EMERGENCY", "SOON", "ROUTINE"]
    assert _column(window, CLINICIAN) == [c for _, c in reversed(TRIAGE)]
    emergency = window.model.index(2, URGENCY)
    assert emergency.data(Qt.ItemDataRole.FontRole).bold()
    assert "EMERGENCY - act now" in emergency.data(Qt.ItemDataRole.ToolTipRole)
    header = window.table.horizontalHeader()
    for column in (URGENCY, CLINICIAN):   # never cut: the column fits its longest value
        for row in range(window.model.rowCount()):
            index = window.model.index(row, column)
            font = index.data(Qt.ItemDataRole.FontRole) or window.table.font()
            needed = QFontMetrics(font).horizontalAdvance(index.data()) + 6   # the cell's margins
            assert header.sectionSize(column) >= needed, index.data()


@pytest.mark.hazard("H25")
def test_sorting_by_keyboard_puts_the_emergency_first_then_by_clinical_priority(
        qtbot, open_window, triage):
    window = open_window(triage)
    _urgencies_known(qtbot, window)
    window.select_rows([1])   # the urgent note, selected before sorting
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)   # S&ort by
    assert _focused() is window.notes.sort_by
    qtbot.keyClicks(window.notes.sort_by, "M")   # "Most urgent first"
    assert window.notes.sort_by.currentText() == "Most urgent first"
    # by clinical priority, not alphabetically (that would put ROUTINE before URGENT)
    assert _column(window, URGENCY) == ["EMERGENCY", "URGENT", "SOON", "ROUTINE", "ROUTINE"]
    assert window.model.note(0).clinician == "Dr Carys Evans"
    assert window.table.horizontalHeader().sortIndicatorSection() == URGENCY
    assert [n.patient.name for n in window.selected_notes()] == [window.model.note(1).patient.name]
    assert window.selected_notes()[0].key == window.model.note(1).key   # it moved with its note
    routine = _column(window, FINALISED)[3:]   # equal urgency: newest finalised first
    assert routine == sorted(routine, reverse=True)
    qtbot.keyClick(window.notes.sort_by, Qt.Key.Key_Down)   # Consultation date
    qtbot.keyClick(window.notes.sort_by, Qt.Key.Key_Down)   # Patient name
    qtbot.keyClick(window.notes.sort_by, Qt.Key.Key_Down)   # Clinician
    assert window.notes.sort_by.currentText() == "Clinician, A to Z"
    assert _column(window, CLINICIAN) == sorted(c for _, c in TRIAGE)
    qtbot.keyClick(window.notes.sort_by, Qt.Key.Key_Home)   # back to newest finalised first
    assert _column(window, URGENCY) == ["ROUTINE", "URGENT", "EMERGENCY", "SOON", "ROUTINE"]


def test_a_note_whose_answers_were_altered_has_no_urgency_but_says_so(triage):
    from consult.rules.ruleset import load
    from consult.store.urgency import assess_stored, urgencies

    text = recordfile.dumps(recordfile.load(ROOT / "resources" / "examples" / "cauda-equina.json"))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    rules = load()
    assert assess_stored(text, digest, rules.version, rules).disposition == "emergency"
    altered = assess_stored(text.replace('"yes"', '"no"'), digest, rules.version, rules)
    assert altered.disposition is None and "altered" in altered.headline
    assert urgency_text(altered, rules) == NOT_KNOWN
    older = assess_stored(text, digest, "2025.01", rules)
    assert urgency_text(older, rules) == "EMERGENCY*" and "2025.01" in urgency_tip(older)
    # not known sorts before every disposition, never among the routine notes
    model = NotesModel(rules=rules)
    listed = triage.notes()
    model.set_notes(listed)
    model.set_urgencies(urgencies(triage, [n.key for n in listed]) | {listed[-1].key: altered})
    model.sort(URGENCY, Qt.SortOrder.AscendingOrder)
    assert [model.index(r, URGENCY).data() for r in range(model.rowCount())] == \
        [NOT_KNOWN, "EMERGENCY", "URGENT", "SOON", "ROUTINE"]


# -- preview ---------------------------------------------------------------------------------

@pytest.mark.hazard("H13")
def test_preview_shows_exactly_the_selected_notes_pdf(qtbot, open_window, library):
    window = open_window(library)
    for row in (0, 4):
        info = window.model.note(row)
        window.select_rows([row])
        stored = library.pdf(info.note_id, info.version)
        assert window.preview.pdf_bytes() == stored         # the very bytes that print
        assert window.preview.page_count() == _pages(stored) >= 2
        shown = [" ".join(window.preview.document.getAllText(p).text().split())
                 for p in range(window.preview.page_count())]
        assert shown == _text(stored)
        assert info.patient.name in shown[0]
    window.select_rows([])
    assert window.preview.pdf_bytes() is None
    assert "Select a note" in window.preview.message.text()


@pytest.mark.hazard("H13")
def test_an_earlier_version_previews_stamped_superseded(qtbot, open_window, library):
    window = open_window(library)
    window.select_rows([0])   # SHARMA: amended, the list shows version 2
    info = window.model.note(0)
    assert [window.versions.itemData(i) for i in range(window.versions.count())] == [2, 1]
    assert "latest" in window.versions.itemText(0) and SUPERSEDED in window.versions.itemText(1)
    assert window.versions.isEnabled()
    assert SUPERSEDED not in " ".join(_text(window.preview.pdf_bytes()))
    assert window.act_print.text() == "&Print\u2026"

    window.choose_version(1)
    stamped = library.pdf(info.note_id, 1)
    assert window.preview.pdf_bytes() == stamped
    assert stamped != library.stored_pdf(info.note_id, 1)
    pages = _text(stamped)
    assert all(SUPERSEDED in page for page in pages)      # on every page
    assert window.preview.page_count() == len(pages)
    assert SUPERSEDED in window.preview.text()
    assert "SUPERSEDED by version 2" in window.heading.text()
    assert window.targets()[0].key == (info.note_id, 1)
    assert "superseded" in window.act_print.text()

    window.select_rows([0, 1])   # several notes: the latest version of each
    assert window.versions.currentData() == 2 and not window.versions.isEnabled()
    assert [t.key for t in window.targets()] == [info.key, window.model.note(1).key]


# -- printing --------------------------------------------------------------------------------

@pytest.mark.hazard("H13")
def test_prints_three_notes_in_one_job_and_marks_each_printed(qtbot, open_window, small,
                                                              monkeypatch, tmp_path):
    window = open_window(small)
    out = tmp_path / "job.pdf"
    asked = []
    monkeypatch.setattr(printing, "ask_printer",
                        lambda parent, *a, **k: asked.append(k) or _printer(out))
    window.select_rows([0, 1, 2])
    targets = window.targets()
    expected = [small.pdf(t.note_id, t.version) for t in targets]
    qtbot.keyClick(window.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)   # Ctrl+P

    assert len(asked) == 1 and asked[0]["page_range"] is False   # one dialog for all three
    assert window.dialog_calls == []
    assert _pages(out.read_bytes()) == sum(_pages(p) for p in expected)
    _assert_printed_in_order(out, expected)
    entries = _audit(small, "printed")
    assert [(e["note_id"], e["version"]) for e in entries] == [t.key for t in targets]
    assert {(e["user_name"], e["workstation"]) for e in entries} == {(STAFF.user, STAFF.workstation)}
    assert {e["detail"]["printer"] for e in entries} == {str(out)}
    assert [window.model.index(r, PRINTED).data() for r in range(3)] == [PRINTED_YES] * 3
    assert [n.patient.name for n in window.selected_notes()] == [t.patient.name for t in targets]
    assert "Printed 3 notes" in window.statusBar().currentMessage()


@pytest.mark.hazard("H13")
def test_a_superseded_version_prints_with_its_mark(qtbot, open_window, small, monkeypatch,
                                                   tmp_path):
    first = small.notes()[0]
    changed = patient_record("Priya", "Sharma", first.patient.nhs_number, day=PEOPLE[2][3])
    changed.plan.follow_up = "Review by telephone in two weeks."
    small.amend(first.note_id, 1, changed, "Follow-up brought forward", GP)
    window = open_window(small)
    out = tmp_path / "old.pdf"
    monkeypatch.setattr(printing, "ask_printer", lambda *a, **k: _printer(out))
    window.select_rows([0])
    window.choose_version(1)
    window.print_selected()
    stamped = small.pdf(first.note_id, 1)
    assert SUPERSEDED in " ".join(_text(stamped))
    _assert_printed_in_order(out, [stamped])
    printed = _text(out.read_bytes())
    unmarked = _text(small.stored_pdf(first.note_id, 1))   # the same version without its mark
    assert len(printed) == len(unmarked)
    assert all(SUPERSEDED in page for page in printed)      # marked on every page
    assert not any(SUPERSEDED in page for page in unmarked)
    assert [(e["note_id"], e["version"]) for e in _audit(small, "printed")] == [(first.note_id, 1)]
    assert window.model.index(0, PRINTED).data() == PRINTED_NO   # version 2 is not printed


@pytest.mark.hazard("H13")
def test_an_altered_note_prints_nothing_and_marks_nothing(qtbot, open_window, small,
                                                          monkeypatch, tmp_path):
    window = open_window(small)
    asked = []
    monkeypatch.setattr(printing, "ask_printer", lambda *a, **k: asked.append(1) or _printer(
        tmp_path / "never.pdf"))
    real = small.pdf
    bad = window.model.note(1).note_id

    def pdf(note_id, version):
        if note_id == bad:
            raise NoteAltered(f"note {note_id[:8].upper()} version {version} was altered after "
                              "it was finalised: do not use it; tell the practice's safety officer")
        return real(note_id, version)

    monkeypatch.setattr(small, "pdf", pdf)
    window.select_rows([0, 1, 2])
    window.print_selected()
    assert asked == [] and not (tmp_path / "never.pdf").exists()
    [(kind, (_parent, title, text))] = window.dialog_calls
    assert kind == "error" and title == "Cannot print"
    assert "was altered" in text and "Nothing was printed" in text
    assert _audit(small, "printed") == []


def test_a_printer_failure_marks_nothing(qtbot, open_window, small, monkeypatch, tmp_path):
    window = open_window(small)
    monkeypatch.setattr(printing, "ask_printer",
                        lambda *a, **k: _printer(tmp_path / "no such folder" / "out.pdf"))
    window.select_rows([0, 1])
    with qtbot.captureExceptions() as raised:
        window.print_selected()
    assert raised == []
    [(_kind, (_parent, title, text))] = window.dialog_calls
    assert title == "Cannot print" and "could not be written" in text
    assert "Nothing was marked printed" in text
    assert _audit(small, "printed") == []
    assert window.model.index(0, PRINTED).data() == PRINTED_NO


@pytest.mark.hazard("H13")
def test_prints_to_a_cups_printer_through_lp_and_names_it(qtbot, open_window, small,
                                                          monkeypatch, tmp_path):
    lp = FakeLp(tmp_path / "lp", monkeypatch)
    window = open_window(small)
    monkeypatch.setattr(printing, "ask_printer", lambda *a, **k: native_printer(monkeypatch))
    window.select_rows([0, 1, 2])
    targets = window.targets()
    window.print_selected()
    assert window.dialog_calls == []
    assert lp.option("-d") == "Reception" and lp.option("-t") == "Consultation notes"
    job = tmp_path / "job.pdf"
    job.write_bytes(lp.stdin)
    _assert_printed_in_order(job, [small.pdf(*t.key) for t in targets])
    entries = _audit(small, "printed")
    assert [(e["note_id"], e["version"]) for e in entries] == [t.key for t in targets]
    assert {e["detail"]["printer"] for e in entries} == {"Reception"}
    pages = sum(_pages(small.pdf(*t.key)) for t in targets)
    assert window.statusBar().currentMessage() == f"Printed 3 notes ({pages} pages) on Reception"


@pytest.mark.hazard("H13")
def test_a_printer_refusing_the_job_marks_nothing(qtbot, open_window, small, monkeypatch,
                                                 tmp_path):
    FakeLp(tmp_path / "lp", monkeypatch, fail="lp: Error - The printer is not accepting jobs.")
    window = open_window(small)
    monkeypatch.setattr(printing, "ask_printer", lambda *a, **k: native_printer(monkeypatch))
    window.select_rows([0, 1])
    window.print_selected()
    [(_kind, (_parent, title, text))] = window.dialog_calls
    assert title == "Cannot print"
    assert text.startswith("The printer did not accept the job: lp: Error - The printer is not "
                           "accepting jobs.\n\nNothing was marked printed")
    assert _audit(small, "printed") == []
    assert [window.model.index(r, PRINTED).data() for r in range(3)] == [PRINTED_NO] * 3


def test_cancelling_while_the_job_is_prepared_sends_and_marks_nothing(qtbot, open_window, small,
                                                                      monkeypatch, tmp_path):
    window = open_window(small)
    monkeypatch.setattr(printing, "ask_printer", lambda *a, **k: _printer(tmp_path / "part.pdf"))
    monkeypatch.setattr(QProgressDialog, "wasCanceled", lambda self: True)   # Cancel at once
    window.select_rows([0, 1, 2])
    window.print_selected()
    assert not (tmp_path / "part.pdf").exists()
    assert _audit(small, "printed") == []
    assert window.statusBar().currentMessage() == (
        "Printing was cancelled before anything was sent to the printer. "
        "Nothing was marked printed.")
    assert window.dialog_calls == []


def test_stopping_part_way_marks_only_the_notes_that_printed(qtbot, open_window, small,
                                                            monkeypatch, tmp_path):
    """The raster route (Windows, or no lp) sends each note as it is drawn."""
    window = open_window(small)
    monkeypatch.setattr(printing, "route", lambda printer: "raster")
    monkeypatch.setattr(printing, "ask_printer", lambda *a, **k: _printer(tmp_path / "part.pdf"))
    monkeypatch.setattr(QProgressDialog, "wasCanceled", lambda self: True)   # Cancel at once
    window.select_rows([0, 1, 2])
    first = window.targets()[0]
    window.print_selected()
    assert [(e["note_id"], e["version"]) for e in _audit(small, "printed")] == [first.key]
    assert _pages((tmp_path / "part.pdf").read_bytes()) == _pages(small.pdf(*first.key))
    assert len(_page_images((tmp_path / "part.pdf").read_bytes())) == _pages(small.pdf(*first.key))
    assert "stopped after 1 of 3 notes" in window.statusBar().currentMessage()
    assert [window.model.index(r, PRINTED).data() for r in range(3)] == \
        [PRINTED_YES, PRINTED_NO, PRINTED_NO]
    assert window.dialog_calls == []


def test_cancelling_the_print_dialog_prints_nothing(qtbot, open_window, small, monkeypatch):
    window = open_window(small)
    monkeypatch.setattr(printing, "ask_printer", lambda *a, **k: None)
    window.select_rows([0])
    window.print_selected()
    assert window.dialog_calls == [] and _audit(small, "printed") == []


# -- exporting and amending ---------------------------------------------------------------------

def test_export_writes_owner_only_files_and_says_where(qtbot, open_window, small, monkeypatch,
                                                       tmp_path):
    window = open_window(small)
    folder = tmp_path / "out"
    folder.mkdir()
    monkeypatch.setattr(notesview, "ask_export_folder", lambda parent: str(folder))
    window.select_rows([0, 2])
    window.act_export.trigger()
    files = sorted(folder.iterdir())
    assert len(files) == 2
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert {p.read_bytes() for p in files} == {small.pdf(*t.key) for t in window.targets()}
    [(kind, (_parent, _title, text))] = window.dialog_calls
    assert kind == "info" and "2 PDF files" in text and str(folder) in text
    assert len(_audit(small, "exported")) == 2


def test_amend_asks_for_the_latest_version_of_one_note(qtbot, open_window, library):
    window = open_window(library)
    window.select_rows([])
    assert not window.act_amend.isEnabled()
    window.select_rows([0, 1])
    assert not window.act_amend.isEnabled()
    window.select_rows([0])   # SHARMA, version 2 is the latest
    window.choose_version(1)
    assert window.act_amend.isEnabled()
    info = window.model.note(0)
    with qtbot.waitSignal(window.amend_requested, timeout=1000) as signal:
        window.act_amend.trigger()
    assert signal.args == [info.note_id, 2]


# -- live -----------------------------------------------------------------------------------

def test_a_note_finalised_on_another_workstation_appears_within_5_s(qtbot, open_window, small):
    window = open_window(small)
    window.select_rows([1])
    chosen = window.model.note(1).note_id
    elsewhere = Store.open(small.url, clock=LATER)
    try:
        elsewhere.finalise(patient_record("Grace", "Okafor", "9000000033",
                                          day=dt.date(2026, 11, 20)), Who("Dr B", "surgery-2"))
    finally:
        elsewhere.close()
    qtbot.waitUntil(lambda: "OKAFOR, Grace" in _names(window), timeout=5000)
    assert window.count_label.text() == "4 notes \u00b7 1 selected"
    assert [n.note_id for n in window.selected_notes()] == [chosen]   # selection kept
    assert window.preview.shown == (chosen, 1, 1)

    # the note on show is amended elsewhere: the list, versions and preview follow
    info = small.note(chosen)
    changed = patient_record("Alex", "Jones", info.patient.nhs_number, day=PEOPLE[1][3])
    changed.plan.follow_up = "Review by telephone in two weeks."
    elsewhere = Store.open(small.url, clock=LATER)
    try:
        elsewhere.amend(chosen, 1, changed, "Follow-up brought forward", Who("Dr B", "surgery-2"))
    finally:
        elsewhere.close()
    qtbot.waitUntil(lambda: window.preview.shown == (chosen, 2, 2), timeout=5000)
    assert [n.note_id for n in window.selected_notes()] == [chosen]
    assert window.selected_notes()[0].version == 2
    assert [window.versions.itemData(i) for i in range(window.versions.count())] == [2, 1]
    assert window.preview.pdf_bytes() == small.pdf(chosen, 2)


def test_a_store_error_while_polling_shows_a_bar_and_polling_goes_on(qtbot, open_window, small,
                                                                     monkeypatch):
    window = open_window(small)
    real = small.change_mark

    def down():
        raise StoreError("cannot read the store: connection refused")

    monkeypatch.setattr(small, "change_mark", down)
    window.poll()   # in the background: its answer comes back in the GUI thread
    qtbot.waitUntil(window.bar.isVisible, timeout=5000)
    assert window.bar.isVisible() and "connection refused" in window.bar.text()
    assert window.dialog_calls == []
    monkeypatch.setattr(small, "change_mark", real)
    qtbot.waitUntil(lambda: not window.bar.isVisible(), timeout=5000)   # the timer carried on
    assert window.model.rowCount() == 3


@pytest.mark.postgres
def test_a_note_finalised_by_another_process_on_postgresql_appears(qtbot, open_window,
                                                                    postgres_url, tmp_path):
    store = Store.open(postgres_url)
    try:
        window = open_window(store)
        assert window.model.rowCount() == 0
        record_file = tmp_path / "record.json"
        recordfile.save(patient_record("Grace", "Okafor", "9000000033",
                                       day=dt.date(2026, 11, 20)), record_file)
        done = subprocess.run([sys.executable, "main.py", "finalise", str(record_file),
                               "--user", "Dr B", "--database", postgres_url],
                              cwd=ROOT, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
        assert done.returncode == 0, done.stderr
        qtbot.waitUntil(lambda: _names(window) == ["OKAFOR, Grace"], timeout=5000)
        assert window.model.note(0).author == "Dr B"
        _urgencies_known(qtbot, window)   # no job of the window's left on the store
        assert window.model.index(0, URGENCY).data() == "ROUTINE"
    finally:
        store.close()


# -- print_many: several notes, one job ---------------------------------------------------------

def _odd(pdf: bytes) -> bytes:
    """The note's pages, less its last when it has an even number: a note of an odd
    number of pages, whose last sheet has a back to leave blank when printed two-sided."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    if len(reader.pages) % 2:
        return pdf
    writer = pypdf.PdfWriter()
    for page in reader.pages[:-1]:
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def two_notes() -> list[bytes]:
    """Two notes, the first of an odd number of pages."""
    from consult.note import note_pdf

    return [_odd(note_pdf(patient_record("Sam", "Taylor", "9434765919"))),
            note_pdf(patient_record("Alex", "Jones", "9000000009"))]


@pytest.mark.hazard("H13")
@pytest.mark.parametrize("raster", [False, True], ids=["own pages", "raster"])
def test_two_sided_printing_starts_each_note_on_a_new_sheet(qapp, two_notes, tmp_path,
                                                           monkeypatch, raster):
    printer = _printer(tmp_path / "duplex.pdf")
    # a PDF file cannot be two-sided (Qt ignores setDuplex for it): a duplex printer's answer
    monkeypatch.setattr(printer, "duplex", lambda: QPrinter.DuplexMode.DuplexLongSide)
    first, second = (_pages(p) for p in two_notes)
    assert first % 2 == 1
    print_many = printing.print_many_raster if raster else printing.print_many
    assert print_many(two_notes, printer) == first + second
    job = (tmp_path / "duplex.pdf").read_bytes()
    pages = pypdf.PdfReader(io.BytesIO(job)).pages
    # no sheet carries two patients: a blank back after the first note's last page
    drawn = [True] * first + [False] + [True] * second
    if raster:
        assert [len(page.images) for page in pages] == [int(d) for d in drawn]
    else:
        text = _text(job)
        assert [bool(t) for t in text] == drawn
        assert "TAYLOR, Sam" in text[first - 1] and "JONES, Alex" in text[first + 1]
        assert len({(float(p.mediabox.width), float(p.mediabox.height)) for p in pages}) == 1


def test_last_page_first_reverses_the_whole_job(qapp, two_notes, tmp_path):
    forward = _printer(tmp_path / "forward.pdf")
    printing.print_many(two_notes, forward)
    backward = _printer(tmp_path / "backward.pdf")
    backward.setPageOrder(QPrinter.PageOrder.LastPageFirst)
    printing.print_many(two_notes, backward)
    assert _text((tmp_path / "backward.pdf").read_bytes()) == \
        _text((tmp_path / "forward.pdf").read_bytes())[::-1]
    printing.print_many_raster(two_notes, forward)
    printing.print_many_raster(two_notes, backward)
    assert _page_images((tmp_path / "backward.pdf").read_bytes()) == \
        _page_images((tmp_path / "forward.pdf").read_bytes())[::-1]


def test_progress_after_each_note_and_stopping_sends_nothing(qapp, two_notes, tmp_path):
    seen = []
    printer = _printer(tmp_path / "all.pdf")
    printing.print_many(two_notes, printer, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 2), (2, 2)]
    printer = _printer(tmp_path / "stopped.pdf")
    with pytest.raises(printing.PrintCancelled, match="before anything was sent") as raised:
        printing.print_many(two_notes, printer, progress=lambda done, total: done < 1)
    assert raised.value.printed == []   # the job is made whole before it is sent
    assert not (tmp_path / "stopped.pdf").exists()


def test_progress_after_each_note_and_stopping_ends_the_job_cleanly(qapp, two_notes, tmp_path):
    """The raster route: each note goes out as it is drawn."""
    seen = []
    printer = _printer(tmp_path / "all.pdf")
    printing.print_many_raster(two_notes, printer,
                               progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 2), (2, 2)]
    printer = _printer(tmp_path / "stopped.pdf")
    with pytest.raises(printing.PrintCancelled, match="stopped after 1 of 2 notes") as raised:
        printing.print_many_raster(two_notes, printer, progress=lambda done, total: False)
    assert raised.value.printed == [0]   # the first note went out whole, the second not at all
    assert _page_images((tmp_path / "stopped.pdf").read_bytes()) == \
        _page_images((tmp_path / "all.pdf").read_bytes())[:_pages(two_notes[0])]


@pytest.mark.parametrize("raster", [False, True], ids=["own pages", "raster"])
def test_an_unreadable_note_stops_the_job_before_the_printer_starts(qapp, two_notes, tmp_path,
                                                                     raster):
    printer = _printer(tmp_path / "never.pdf")
    print_many = printing.print_many_raster if raster else printing.print_many
    with pytest.raises(printing.PrintError, match="Note 2 could not be read") as raised:
        print_many([two_notes[0], b"not a pdf", two_notes[1]], printer)
    assert raised.value.index == 1
    assert not (tmp_path / "never.pdf").exists()
    assert print_many([], printer) == 0


def test_renders_at_the_printers_resolution_up_to_300_dpi(qapp, two_notes, tmp_path):
    printer = _printer(tmp_path / "screen.pdf")
    assert printing.printer_dpi(printer) == 300          # a 1200 dpi printer gets 300
    low = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    assert printing.printer_dpi(low) == low.resolution() < 300
    images = list(printing.render_pages(two_notes, dpi=150))
    assert len(images) == sum(_pages(p) for p in two_notes)
    assert (images[0].width(), images[0].height()) == (1241, 1754)   # A4 at 150 dpi
