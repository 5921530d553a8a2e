"""The assessment panel once cards fire, at 1366x768 and at 200% scaling on 1920x1080
(issue 13, a GP's keyboard walk-through, finding 10: the panel was cramped, the plan list
showed two items and cut the next mid-line, the preview shrank to a few lines, and room
held above the plan stayed a blank band).

What a GP sees, driven by the keyboard: the cauda equina example opened with Ctrl+O; each
fired card and the disposition whole in view; the plan's items whole in the list, not in
a two-item peephole; the preview in view with lines to read when Tab reaches it; back in
the form, the cards in view again; a red flag that fires while the panel shows the plan
comes into view; room held for a taller state goes back to the plan once answers pause.

The window is styled as the app styles it (the style sheet sets fonts and paddings)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QScrollArea,
    QWidget,
)

from consult.record.answers import Answer
from forms import dialogs
from forms.consultation.main_window import MainWindow
from forms.dialogs.settings import style_sheet
from tests.gui.keys import CTRL, focused, press
from tests.gui.test_layout import LAPTOP, SCALED
from tests.support import example_path

SIZES = pytest.mark.parametrize("size", [LAPTOP, SCALED], ids=["1366x768", "200% of 1920x1080"])
#: lines of the note preview a GP reads at once when the keyboard reaches it
PREVIEW_LINES = 8


@pytest.fixture
def styled(monkeypatch):
    monkeypatch.setattr(dialogs, "confirm_discard", lambda *a: "discard")
    monkeypatch.setattr(dialogs, "ask_open_path", lambda *a: str(example_path("cauda-equina")))
    app = QApplication.instance()
    app.setStyleSheet(style_sheet())
    yield
    app.setStyleSheet("")


def opened(qtbot, size, before=None) -> MainWindow:
    """The window at `size`, the cauda equina example opened by Ctrl+O (as a GP does)."""
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(size)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.form.ensure_built()
    press(qtbot, Qt.Key.Key_O, CTRL)
    qtbot.waitUntil(lambda: window.record.patient.family_name == "Nowak", timeout=3000)
    if before is not None:
        before(window)
    qtbot.waitUntil(lambda: not window.panel.preview_pending(), timeout=3000)
    QApplication.processEvents()
    return window


def page(window) -> QScrollArea:
    return window.panel.findChild(QScrollArea, "panelScroll")


def in_view(window, widget: QWidget) -> QRect:
    """The part of `widget` the panel shows now (empty when scrolled out of sight)."""
    viewport = page(window).viewport()
    rect = QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size())
    return rect.intersected(viewport.rect())


def whole_in_view(window, widget: QWidget) -> bool:
    return in_view(window, widget).size() == widget.size()


def cards(window) -> list[QLabel]:
    return [label for label in window.panel.findChildren(QLabel)
            if label.objectName().startswith("firedRow-") and label.isVisibleTo(window)]


def assert_cards_whole_in_view(window) -> None:
    found = cards(window)
    assert found
    for label in [window.panel.findChild(QLabel, "disposition"), *found]:
        # no line cut (a word-wrapped label as tall as its text needs) ...
        assert label.height() >= label.heightForWidth(label.width()), label.objectName()
        # ... and all of it in view, not below the panel's edge
        assert whole_in_view(window, label), (label.objectName(), in_view(window, label),
                                              label.size())
    assert "Found:" in window.panel.fired_text()


def plan_items_whole(plan: QListWidget) -> int:
    viewport = plan.viewport().rect()
    return sum(viewport.contains(plan.visualItemRect(plan.item(row)))
               for row in range(plan.count()))


@SIZES
def test_cards_whole_plan_items_whole_and_the_preview_by_tab(qtbot, styled, size):
    window = opened(qtbot, size)
    assert_cards_whole_in_view(window)
    plan = window.panel.findChild(QListWidget, "planList")
    preview = window.panel.findChild(QPlainTextEdit, "preview")
    assert plan.count() >= 3
    # the keyboard reaches the plan (as after the last question): the list in view, with
    # its items whole in it, not two of them in a peephole
    assert window.panel.focus_plan(confirm=False)
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is plan
    QApplication.processEvents()
    assert plan_items_whole(plan) >= 3, [plan.visualItemRect(plan.item(r))
                                          for r in range(plan.count())]
    assert in_view(window, plan.viewport()).height() >= min(
        plan.viewport().height(), page(window).viewport().height() // 2)
    # Tab on to the preview: in view, with lines to read
    for _ in range(6):
        if focused() is preview:
            break
        press(qtbot, Qt.Key.Key_Tab)
    assert focused() is preview
    QApplication.processEvents()
    line = QFontMetrics(preview.font()).lineSpacing()
    assert in_view(window, preview.viewport()).height() >= PREVIEW_LINES * line
    # back in the form: the disposition and the cards are in view again
    window.form.focus_field("red_flags.weight_loss")
    QApplication.processEvents()
    assert_cards_whole_in_view(window)
    window.dirty = False


@SIZES
def test_a_red_flag_that_fires_while_the_panel_shows_the_plan_comes_into_view(qtbot, styled,
                                                                              size):
    def cancer_denied(window):
        window.record.red_flags.cancer_history = Answer.NO
        window.show_consultation(window.record)

    window = opened(qtbot, size, cancer_denied)
    bar = page(window).verticalScrollBar()
    assert bar.maximum() > 0
    window.form.focus_field("red_flags.cancer_history")
    bar.setValue(bar.maximum())   # the GP scrolled the panel down to read the plan
    before = {label.objectName() for label in cards(window)}
    press(qtbot, Qt.Key.Key_Y)    # past or current cancer: a new emergency card
    qtbot.waitUntil(lambda: bool({c.objectName() for c in cards(window)} - before), timeout=2000)
    new = [c for c in cards(window) if c.objectName() not in before]
    names = window.panel.findChild(QLabel, "firedNames")
    # in view: its card whole, or (two or more red flags) named in the box at the panel's
    # top, with the headline (the CSO's fourth re-check of 07c, N8)
    qtbot.waitUntil(lambda: whole_in_view(window, new[0]) or (
        names.isVisible() and whole_in_view(window, names)
        and all(r.suspected in names.text() for r in window.assessment.red_flag_rows)
        and whole_in_view(window, window.panel.findChild(QLabel, "disposition"))),
        timeout=2000)
    window.dirty = False


@pytest.mark.hazard("H1")
@SIZES
def test_a_red_flag_fired_by_a_key_keeps_the_headline_in_view(qtbot, styled, size):
    """The CSO's fourth re-check of 07c, N8: at 200%, Y on "Fever, rigors or systemically
    unwell" scrolled the new card into view and the EMERGENCY headline and the
    not-fully-screened line out of it. The headline stays in view, and every red flag
    that fired is named there."""
    def fever_not_asked(window):
        window.record.red_flags.fever_or_unwell = Answer.NOT_ASKED
        window.record.red_flags.sepsis_signs = Answer.NOT_ASKED
        window.show_consultation(window.record)

    window = opened(qtbot, size, fever_not_asked)
    assert window.form.focus_field("red_flags.fever_or_unwell")
    press(qtbot, Qt.Key.Key_Y)
    QApplication.processEvents()
    qtbot.wait(50)
    disposition = window.panel.findChild(QLabel, "disposition")
    names = window.panel.findChild(QLabel, "firedNames")
    assert whole_in_view(window, disposition)
    assert names.isVisible() and whole_in_view(window, names)
    assert all(r.suspected in names.text() for r in window.assessment.red_flag_rows)
    window.dirty = False


def test_room_held_for_a_taller_state_goes_back_to_the_plan_once_answers_pause(qtbot, styled):
    """The GP's case 3: screening finished, the "not yet fully screened" lines went and
    left a blank band of about 120 px above the plan for the rest of the consultation."""
    def cancer_group_unasked(window):
        window.record.red_flags.cancer_history = Answer.NOT_ASKED
        window.show_consultation(window.record)

    window = opened(qtbot, LAPTOP, cancer_group_unasked)
    still = window.panel.findChild(QLabel, "stillToAsk")
    assert still.isVisibleTo(window)
    window.form.focus_field("red_flags.cancer_history")
    press(qtbot, Qt.Key.Key_N)   # asked and denied: every red flag now screened
    assert window.record.red_flags.cancer_history is Answer.NO
    assert not still.isVisibleTo(window)
    plan_label = next(label for label in window.panel.findChildren(QLabel)
                      if label.buddy() is window.panel.findChild(QListWidget, "planList"))

    def gap() -> int:
        last = max(cards(window), key=lambda c: c.mapTo(window.panel, QPoint(0, 0)).y())
        bottom = last.parentWidget().mapTo(window.panel, QPoint(0, last.parentWidget().height()))
        return plan_label.mapTo(window.panel, QPoint(0, 0)).y() - bottom.y()

    qtbot.waitUntil(lambda: gap() <= 20, timeout=3000)
    window.dirty = False



@pytest.mark.hazard("H1")
@SIZES
def test_every_red_flag_that_fired_is_named_in_view_when_the_record_opens(qtbot, styled, size):
    """A GP's walk-through: with two emergency cards at 200%, opening the record showed the
    second card's top edge only. The box always in view names every red flag that fired
    (a single one has its card right below it, so it is not repeated)."""
    def three_emergencies(window):
        window.record.red_flags.fever_or_unwell = Answer.YES
        window.record.red_flags.sepsis_signs = Answer.YES
        window.show_consultation(window.record)

    window = opened(qtbot, size, three_emergencies)
    names = window.panel.findChild(QLabel, "firedNames")
    rows = window.assessment.red_flag_rows
    assert len(rows) >= 3
    assert names.isVisibleTo(window) and whole_in_view(window, names)
    assert names.height() >= names.heightForWidth(names.width())  # no line cut
    for row in rows:
        assert row.suspected in names.text()
    window.dirty = False


@pytest.mark.hazard("H1")
def test_a_single_red_flag_is_not_repeated_above_its_card(qtbot, styled):
    window = opened(qtbot, LAPTOP)  # the example: the cauda equina row alone
    assert len(window.assessment.red_flag_rows) == 1
    assert not window.panel.findChild(QLabel, "firedNames").isVisibleTo(window)
    window.dirty = False
