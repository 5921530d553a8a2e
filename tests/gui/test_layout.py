"""Both windows on a GP's laptop (1366x768) and at 200% scaling on 1920x1080 (960x540
logical pixels): nothing a GP must read is cut off, the form never scrolls sideways,
and the staff's notes window fits the screen and remembers where it was left.

In this process the windows are sized as the app sizes them on those screens (the
offscreen screen here is 800x800); one test starts a process whose screen really is
1920x1080 at 200% (QT_SCALE_FACTOR=2 on an offscreen screen configured by a JSON file,
`-platform offscreen:configfile=...`, the platform plugin's documented option).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QApplication

from consult.record import file as recordfile
from consult.record.answers import Answer, Mode
from consult.rules.completeness import Problem
from consult.store import Store, Who
from forms.consultation.main_window import MainWindow
from forms.geometry import WIDTH_SHARE
from forms.notes.notes_window import NotesWindow
from forms.notes.table_model import FINALISED
from tests.gui.layout_support import clipped
from tests.storesupport import Clock, nhs_numbers
from tests.support import example_path

ROOT = Path(__file__).resolve().parents[2]
# a window as the app opens it on each screen: the share of the available area, the
# taskbar of a laptop taking 40 px
LAPTOP = QSize(int(1366 * WIDTH_SHARE), int((768 - 40) * 0.92))
SCALED = QSize(int(960 * WIDTH_SHARE), int((540 - 20) * 0.92))   # 1920x1080 at 200%
SIZES = pytest.mark.parametrize("size", [LAPTOP, SCALED], ids=["1366x768", "200% of 1920x1080"])
GP = Who("Dr Asha Patel", "surgery-1")
STAFF = Who("Jo Reception", "front-desk")

# answers as long as a GP types them: where the ambulance is, who is in the room
LOCATION = ("In the back of an ambulance on the A38 outside 14 Long Meadow Road, Exeter "
            "EX2 4JU, with two paramedics")
OTHERS = "Her husband (Mark) and her daughter Sophie, who is interpreting some of the words"


def long_record():
    record = recordfile.load(example_path("cauda-equina"))
    record.consultation.patient_location = LOCATION
    record.consultation.others_present = OTHERS
    record.history.notes = ("Pain began lifting a wardrobe down the stairs with her son; "
                            "worse each evening since, and now waking her at 4 am most nights. "
                            "Has tried a hot-water bottle, ibuprofen and a friend's tramadol.")
    record.legs.numbness_where = ("Left calf and the sole of the foot; numbness around the back "
                                  "passage since yesterday evening")
    record.consultation.mode = Mode.VIDEO   # the observation's questions show
    record.observation.bends_forward = "To mid-shin, slowly, hands on thighs, wincing on the way up"
    record.red_flags.cancer_history = Answer.YES
    record.red_flags.cancer_type = "Breast cancer, left, 2019: mastectomy, radiotherapy, tamoxifen"
    return record


def _settled(qtbot, window, skip=()) -> list[str]:
    """What stays clipped once the window has settled (the panel redraws after a pause)."""
    with contextlib.suppress(qtbot.TimeoutError):
        qtbot.waitUntil(lambda: not clipped(window, skip=skip), timeout=1500)
    return clipped(window, skip=skip)


def _main_window(qtbot, size: QSize, record=None) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    record = record or long_record()
    window.form.load(record)
    window.panel.set_record(record)
    window._refresh()
    window.resize(size)
    window.show()
    window.form.ensure_built()
    qtbot.waitExposed(window)
    QApplication.processEvents()
    return window


@SIZES
def test_nothing_a_gp_must_read_is_clipped_and_the_form_never_scrolls_sideways(qtbot, size):
    window = _main_window(qtbot, size)
    assert _settled(qtbot, window) == []
    assert window.form.horizontalScrollBar().maximum() == 0
    # the ambulance's address and who is there: shown whole, in the form
    for path, text in (("consultation.patient_location", LOCATION),
                       ("consultation.others_present", OTHERS)):
        editor = window.form.fields[path].focus_target()
        assert editor.toPlainText() == text
        assert editor.verticalScrollBar().maximum() == 0 and editor.isVisibleTo(window)
    window.dirty = False


@SIZES
def test_the_note_previews_rules_stay_on_one_line(qtbot, size):
    """The text note's ==== and ---- rules fit the preview column (they wrapped into a
    stray "==" line at 1366x768)."""
    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QPlainTextEdit

    from consult.note.text import RULE, THIN

    window = _main_window(qtbot, size, recordfile.load(example_path("mechanical")))
    preview = window.panel.findChild(QPlainTextEdit, "preview")
    qtbot.waitUntil(lambda: RULE in preview.toPlainText(), timeout=3000)
    QApplication.processEvents()
    lines = preview.toPlainText().splitlines()
    assert lines.count(RULE) >= 4 and THIN in lines
    room = preview.viewport().width() - 2 * preview.document().documentMargin()
    metrics = QFontMetrics(preview.font())
    assert max(metrics.horizontalAdvance(RULE), metrics.horizontalAdvance(THIN)) <= room
    window.dirty = False


@SIZES
def test_a_new_consultation_shows_every_hint_and_to_finish_entry_whole(qtbot, size):
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(size)
    window.show()
    window.form.ensure_built()
    qtbot.waitExposed(window)
    location = window.form.fields["consultation.patient_location"].focus_target()
    assert location.toPlainText() == "" and location.placeholderText()
    assert window.to_finish.count() >= 1
    assert _settled(qtbot, window) == []
    window.dirty = False


@SIZES
def test_every_to_finish_entry_is_shown_whole_and_two_alike_are_told_apart(qtbot, size):
    record = long_record()
    window = _main_window(qtbot, size, record)
    bladder = "Red flag not yet answered: Bladder change: retention, new incontinence, " \
              "difficulty starting or stopping, reduced sensation of flow or of a full bladder."
    window._refresh_to_finish([Problem(field="red_flags.ces_bladder.onset", message=bladder),
                               Problem(field="red_flags.ces_bladder.worse_last_14_days",
                                       message=bladder),
                               Problem(field="history.onset", message="Record whether the pain "
                                       "started suddenly or gradually.")])
    QApplication.processEvents()
    texts = [window.to_finish.item(i).text() for i in range(window.to_finish.count())]
    assert texts[0] != texts[1]   # each names its own question
    assert texts[0].startswith(bladder) and texts[0].endswith("Started")
    assert texts[1].endswith("Worse in the last 14 days")
    assert texts[2] == "Record whether the pain started suddenly or gradually."
    assert clipped(window.to_finish) == []
    assert all(window.to_finish.item(i).toolTip() == texts[i] for i in range(3))
    # alone, a sub-question still says which one it is: not the bladder question itself
    window._refresh_to_finish([Problem(field="red_flags.ces_bladder.onset", message=bladder)])
    assert window.to_finish.item(0).text() == f"{bladder}\n\u21b3 Started"
    window.dirty = False


def test_the_clipping_check_finds_cut_text(qtbot):
    """The check itself: a window too narrow for its answers is caught."""
    window = _main_window(qtbot, LAPTOP)
    window.form.fields["consultation.clinician_name"].focus_target().setText(
        "Dr Anne-Marie Fitzwilliam-Okonkwo, locum for Dr Patel, Riverside Medical Practice")
    window.to_finish.setWordWrap(False)
    window._refresh_to_finish([Problem(field="history.onset", message=OTHERS * 2)])
    QApplication.processEvents()
    found = clipped(window)
    assert any("Clinician" in f for f in found), found
    assert any("toFinish" in f or "To finish" in f for f in found), found
    window.dirty = False


# -- the staff's notes window --------------------------------------------------------------

@pytest.fixture(scope="module")
def triage_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("layout-store")
    url = f"sqlite:///{folder / 'consult.db'}"
    store = Store.open(url, clock=Clock())
    numbers = nhs_numbers(940_000_000)
    for example, family in (("mechanical", "Fitzgerald-Hamilton"), ("cauda-equina", "Nowak"),
                            ("fracture", "Ellis"), ("sciatica", "Okonkwo-Hart")):
        record = recordfile.load(example_path(example))
        record.patient.nhs_number = next(numbers)
        record.patient.family_name = family
        store.finalise(record, GP)
    store.url = url
    yield store
    store.close()


def _notes_window(qtbot, store: Store) -> NotesWindow:
    window = NotesWindow(store, STAFF)
    qtbot.addWidget(window)
    window.poll_timer.stop()
    return window


@SIZES
def test_the_notes_window_shows_every_column_whole(qtbot, triage_store, size):
    window = _notes_window(qtbot, triage_store)
    window.resize(size)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: all(window.model.urgency(n) for n in window.model.notes()),
                    timeout=5000)
    QApplication.processEvents()
    assert window.model.rowCount() == 4
    assert window.table.horizontalScrollBar().maximum() == 0
    cut = clipped(window)
    if size == SCALED:   # only when finalised may be cut short (it is whole in its tooltip)
        cut = [c for c in cut if f"column {FINALISED}:" not in c]
    assert cut == []
    # too narrow for the page beside the list: the page goes below it
    assert window.splitter.orientation() == Qt.Orientation.Vertical


def test_on_a_wide_screen_the_page_is_beside_the_list_and_the_divider_is_remembered(
        qtbot, triage_store):
    window = _notes_window(qtbot, triage_store)
    window.resize(1600, 950)
    window.show()
    qtbot.waitExposed(window)
    QApplication.processEvents()
    assert window.splitter.orientation() == Qt.Orientation.Horizontal
    assert window.table.horizontalScrollBar().maximum() == 0
    assert window.splitter.sizes()[1] >= 520   # the page is still readable
    list_width = window.splitter.sizes()[0]
    window.splitter.moveSplitter(list_width + 80, 1)   # the user widens the list
    moved = window.splitter.sizes()
    assert moved[0] > list_width
    window.close()
    again = _notes_window(qtbot, triage_store)
    again.resize(1600, 950)
    again.show()
    qtbot.waitExposed(again)
    QApplication.processEvents()
    assert again.splitter.sizes() == moved


def test_the_notes_window_fits_the_screen_and_remembers_where_it_was_left(qtbot, triage_store):
    first = _notes_window(qtbot, triage_store)
    free = first.screen().availableGeometry()
    assert free.contains(first.frameGeometry())   # not a fixed 1400x900 off the screen
    first.show()
    qtbot.waitExposed(first)
    first.setGeometry(QRect(QPoint(free.x() + 30, free.y() + 40), QSize(620, 480)))
    QApplication.processEvents()
    left = first.geometry()
    first.close()
    second = _notes_window(qtbot, triage_store)
    assert second.geometry() == left
    second.close()
    # a geometry saved on a bigger screen comes back no bigger than this one
    second.setGeometry(QRect(0, 0, free.width() + 500, free.height() + 400))
    second.close()
    third = _notes_window(qtbot, triage_store)
    assert third.width() <= free.width() and third.height() <= free.height()


def test_the_consultation_window_fits_the_screen_and_remembers_where_it_was_left(qtbot):
    first = MainWindow()
    qtbot.addWidget(first)
    free = first.screen().availableGeometry()
    assert free.contains(first.frameGeometry())   # fitted to the screen before it shows
    first.show()
    qtbot.waitExposed(first)
    first.setGeometry(QRect(QPoint(free.x() + 20, free.y() + 30),
                            QSize(free.width() - 60, free.height() - 80)))
    QApplication.processEvents()
    left = first.geometry()
    first.dirty = False
    assert first.close()
    second = MainWindow()
    qtbot.addWidget(second)
    assert second.geometry() == left   # where the GP left it, not 1400x900 again
    second.setGeometry(QRect(0, 0, free.width() + 500, free.height() + 400))
    second.dirty = False
    assert second.close()
    third = MainWindow()   # saved on a bigger screen: no bigger than this one
    qtbot.addWidget(third)
    assert third.width() <= free.width() and third.height() <= free.height()
    third.dirty = False


def test_both_windows_fit_a_1920x1080_screen_at_200_percent(triage_store, tmp_path):
    screens = tmp_path / "screens.json"
    screens.write_text(json.dumps({"screens": [
        {"name": "laptop", "x": 0, "y": 0, "width": 1920, "height": 1080, "dpi": 96,
         "logicalDpi": 96, "dpr": 1}]}))
    env = {**os.environ, "QT_SCALE_FACTOR": "2",
           "QT_QPA_PLATFORM": f"offscreen:configfile={screens}"}
    for variable in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env[variable] = str(tmp_path / variable.lower())
    done = subprocess.run([sys.executable, "-m", "tests.gui.layout_child", triage_store.url],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["screen"] == [960, 540] and report["scale"] == 2
    screen = QRect(0, 0, 960, 540)
    for name in ("main", "notes"):
        window = report[name]
        assert screen.contains(QRect(*window["frame"])), (name, window["frame"])
        assert window["sideways"] == 0, name
        cut = [c for c in window["clipped"] if name == "main" or f"column {FINALISED}:" not in c]
        assert cut == [], name
    assert report["notes"]["rows"] == 4
    # Settings: its fields are taller than this screen, so they scroll; OK and Cancel stay on it
    settings = report["settings"]
    assert settings["fields"] > 540
    assert screen.contains(QRect(*settings["frame"])), settings["frame"]
    for name, (x, y, width, height, visible) in settings["buttons"].items():
        assert visible and screen.contains(QRect(x, y, width, height)), name
