"""Issue 14: an answer is painted in one frame, and a rule that fires and clears again
moves nothing below the panel's top box.

The window is styled as the app styles it (the style sheet changes fonts and paddings,
so sizes measured without it would not be the GP's). "Settled" means the event loop has
nothing left to do: every layout pass and repaint the answer caused is done."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QAbstractEventDispatcher, QEventLoop, QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QLabel, QListWidget, QWidget

from consult.record.answers import Answer, Trigger
from forms import dialogs
from forms.consultation.main_window import MainWindow
from forms.dialogs.settings import style_sheet
from tests.support import load_example, negative_record

WEIGHT_LOSS = "red_flags.weight_loss"


def settle() -> None:
    """Handle events until a pass finds nothing to do (no posted event, no timer due)."""
    dispatcher = QAbstractEventDispatcher.instance()
    for _ in range(50):
        if not dispatcher.processEvents(QEventLoop.ProcessEventsFlag.AllEvents):
            return


@pytest.fixture
def window(qtbot, monkeypatch):
    monkeypatch.setattr(dialogs, "confirm_discard", lambda *a: "discard")
    app = QApplication.instance()
    app.setStyleSheet(style_sheet())
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    w.form.ensure_built()
    w.show_consultation(load_example("mechanical"))
    settle()
    yield w
    w.dirty = False
    app.setStyleSheet("")


def answer(qtbot, window: MainWindow, path: str, key: Qt.Key) -> None:
    """The GP on the question presses the key (the key only: no event loop after it)."""
    window.form.focus_field(path)
    settle()
    qtbot.keyClick(window.form.fields[path].focus_target(), key)


def places(window: MainWindow) -> dict[str, tuple]:
    """Where every widget shown in the panel and the side lists is, and where each list's
    rows are: what a paint shows."""
    found: dict[str, tuple] = {}
    for n, w in enumerate([*window.panel.findChildren(QWidget), window.sections,
                           window.to_finish]):
        if w.isVisible():
            found[f"{n} {w.objectName()}"] = (w.mapTo(window, QPoint(0, 0)), w.size())
    for view in (window.panel.findChild(QListWidget, "planList"), window.sections,
                 window.to_finish):
        for row in range(view.count()):
            found[f"{view.objectName()} row {row}"] = (view.visualItemRect(view.item(row)),)
    return found


def top_box(window: MainWindow) -> QWidget:
    return window.panel.findChild(QWidget, "panelTop")


def clipped(box: QWidget) -> list[str]:
    """Word-wrapped labels in the box shorter than their text needs at their width."""
    return [f"{label.objectName()}: {label.height()} px for {label.heightForWidth(label.width())}"
            for label in box.findChildren(QLabel)
            if label.isVisibleTo(box) and label.wordWrap()
            and label.height() < label.heightForWidth(label.width())]


def fired_text(window: MainWindow) -> str:
    return window.panel.fired_text()


def test_an_answer_that_fires_or_clears_a_rule_is_laid_out_before_its_one_paint(qtbot, window):
    """Everything the answer changes (disposition, fired rows, plan rows, section and To
    finish lists) is in its place when the key has been handled: the paint that follows
    is the only one, and no later pass moves anything (before: the plan list and the
    side lists were laid out a pass later and painted twice)."""
    for key in (Qt.Key.Key_Y, Qt.Key.Key_N, Qt.Key.Key_Y):
        answer(qtbot, window, WEIGHT_LOSS, key)
        now = places(window)
        shows = fired_text(window)
        settle()
        assert places(window) == now, key
        assert fired_text(window) == shows
        if key == Qt.Key.Key_Y:
            assert "unexplained weight loss" in shows
        else:
            assert shows == "No rule has fired on the answers so far."
        assert clipped(top_box(window)) == []


def test_a_rule_that_fires_and_clears_again_moves_neither_the_plan_nor_the_preview(qtbot,
                                                                                   window):
    plan = window.panel.findChild(QListWidget, "planList")
    preview = window.panel.findChild(QWidget, "preview")

    def where() -> tuple[QRect, QRect]:
        return (QRect(plan.mapTo(window, QPoint(0, 0)), plan.size()),
                QRect(preview.mapTo(window, QPoint(0, 0)), preview.size()))

    answer(qtbot, window, WEIGHT_LOSS, Qt.Key.Key_Y)
    settle()
    fired = where()
    for key in (Qt.Key.Key_N, Qt.Key.Key_Y, Qt.Key.Key_N):
        answer(qtbot, window, WEIGHT_LOSS, key)
        settle()
        assert where() == fired, key
        assert clipped(top_box(window)) == []
    assert fired_text(window) == "No rule has fired on the answers so far."
    # the room the card had is not a blank band: "No rule has fired", framed as a card
    # is, fills it (CSO review 2026-12-07b, finding 6)
    rows = window.panel.findChild(QWidget, "firedRows")
    none = window.panel.findChild(QLabel, "noFiredRows")
    assert none.geometry() == rows.rect()
    assert none.height() > none.sizeHint().height()


def test_the_box_above_the_plan_grows_at_once_and_starts_afresh_for_another_record(qtbot,
                                                                                  window):
    box = top_box(window)
    answer(qtbot, window, WEIGHT_LOSS, Qt.Key.Key_Y)
    settle()
    one_row = box.height()
    # several rows fire at once: the box is as tall as they need before any event is handled
    for path in ("red_flags.cancer_history", "red_flags.mets_night_pain_prevents_sleep"):
        window.form.set_answer(path, Answer.YES)
    assert box.height() >= box.layout().totalHeightForWidth(box.width()) > one_row
    settle()
    assert clipped(box) == [] and fired_text(window).count("Action:") >= 2
    # another record with nothing fired: no room kept from the last one
    window.show_consultation(negative_record())
    settle()
    assert box.height() == box.layout().totalHeightForWidth(box.width()) < one_row
    assert fired_text(window) == "No rule has fired on the answers so far."


def test_the_box_above_the_plan_follows_the_window_width(qtbot, window):
    box = top_box(window)
    for path in ("red_flags.cancer_history", "red_flags.weight_loss"):
        window.form.set_answer(path, Answer.YES)
    settle()
    for width in (1100, 1366):
        window.resize(width, 768)
        settle()
        body = box.parentWidget()
        margins = body.layout().contentsMargins()
        assert box.width() == body.width() - margins.left() - margins.right()
        assert clipped(box) == [], width


def test_a_sections_mark_follows_an_answer_changed_in_place(qtbot, window):
    """A section whose answers did not change is not worked out again; a list answer
    changed in place is a change."""
    window.new_consultation(ask=False)
    settle()
    assert window.section_state("triggers") == "not_started"
    window.record.triggers.triggers.append(Trigger.LIFTING)
    window.refresh()
    assert window.section_state("triggers") != "not_started"
    answer(qtbot, window, WEIGHT_LOSS, Qt.Key.Key_Y)
    assert window.section_state("red_flags") == "red_flag"
    answer(qtbot, window, WEIGHT_LOSS, Qt.Key.Key_N)
    assert window.section_state("red_flags") != "red_flag"


def test_a_cards_label_follows_the_screening_when_its_row_stays(qtbot, window):
    """CSO review 2026-12-07b, finding 4: the fired rows stay the same while the screening
    changes; the card must not keep a green ROUTINE under an unscreened disposition."""
    window.show_consultation(negative_record())
    settle()
    answer(qtbot, window, "red_flags.night_pain_constant", Qt.Key.Key_Y)
    assert "ROUTINE - within 2-4 weeks" in fired_text(window)
    answer(qtbot, window, "red_flags.ces_bladder.answer", Qt.Key.Key_Delete)  # not asked
    assert "Red flags not fully screened" in fired_text(window)
    assert "ROUTINE" not in fired_text(window)
    answer(qtbot, window, "red_flags.ces_bladder.answer", Qt.Key.Key_N)  # screened again
    assert "ROUTINE - within 2-4 weeks" in fired_text(window)
    assert "not fully screened" not in fired_text(window)
