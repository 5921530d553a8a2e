"""The live assessment panel: disposition, fired rows, plan checklist, note preview."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QWidget,
)

from consult.note import note_text
from consult.record.answers import Answer, Onset, YesNoUnsure
from consult.record.model import PlanItem, Record
from consult.rules import plan as core_plan
from consult.rules.engine import assess
from consult.rules.ruleset import load
from forms.panel.assessment_panel import (
    _ACCENTS,
    PREVIEW_DELAY_MS,
    STATUS_CONFIRMED,
    STATUS_NOT_CONFIRMED,
    STATUS_STALE,
    AssessmentPanel,
)
from tests.support import load_example, negative_record


def _panel(qtbot, record: Record) -> AssessmentPanel:
    panel = AssessmentPanel()
    qtbot.addWidget(panel)
    panel.resize(420, 900)
    panel.set_record(record)
    _refresh(panel, record)
    return panel


def _refresh(panel: AssessmentPanel, record: Record) -> None:
    """What the main window does on every answer."""
    panel.show_assessment(assess(record), note_text(record, draft=True))


def _plain(label: QLabel) -> str:
    from PySide6.QtGui import QTextDocumentFragment

    return QTextDocumentFragment.fromHtml(label.text()).toPlainText()


def _disposition(panel: AssessmentPanel) -> str:
    return _plain(panel.findChild(QLabel, "disposition"))


def _fired(panel: AssessmentPanel) -> str:
    """The fired rows' words as shown (a hidden card is neither shown nor read out)."""
    rows = panel.findChild(QWidget, "firedRows")
    return "\n".join(_plain(label) for label in rows.findChildren(QLabel)
                     if label.isVisibleTo(rows))


def _cards(panel: AssessmentPanel) -> list[QWidget]:
    """The fired rows' cards shown, top to bottom."""
    shown = [c for c in panel.findChildren(QWidget, "firedRow") if c.isVisibleTo(panel)]
    return sorted(shown, key=lambda c: c.y())


def _list(panel: AssessmentPanel) -> QListWidget:
    return panel.findChild(QListWidget, "planList")


def _button(panel: AssessmentPanel, name: str) -> QPushButton:
    return panel.findChild(QPushButton, name)


def _status(panel: AssessmentPanel) -> str:
    return panel.findChild(QLabel, "planStatus").text()


def _ids(record: Record) -> list[str | None]:
    return [i.suggestion_id for i in record.plan.items]


def _blank_plan(record: Record) -> Record:
    record.plan.items = []
    record.plan.confirmed = False
    record.plan.confirmed_for = None
    return record


# ---------------------------------------------------------------------------
# Disposition and fired rows


@pytest.mark.hazard("H1", "H25")
def test_emergency_example_shows_emergency_words_and_the_ces_action(qtbot):
    record = load_example("cauda-equina")
    panel = _panel(qtbot, record)
    rules = load()
    assert _disposition(panel) == "EMERGENCY - act now"  # the CES row's deadline
    fired = _fired(panel)
    assert "EMERGENCY - act now \u00b7 Cauda equina syndrome" in fired
    assert "Cauda equina syndrome" in fired
    assert rules.rows["ces-emergency"].action in fired
    assert "How soon: now" in fired
    assert "Numbness or altered feeling in the saddle" in fired  # the findings are shown
    label = panel.findChild(QLabel, "disposition")
    assert label.accessibleName() == "Disposition"
    assert "EMERGENCY" in label.accessibleDescription()


def _with_patient(record: Record) -> Record:
    record.patient.family_name = "Taylor"
    return record


@pytest.mark.hazard("H2")
def test_blank_record_is_never_reassuring(qtbot):
    blank = _panel(qtbot, Record())  # before a patient: what to do first, not a band
    assert "ROUTINE" not in _disposition(blank)
    panel = _panel(qtbot, _with_patient(Record()))
    text = _disposition(panel)
    assert "RED FLAGS NOT YET FULLY SCREENED" in text
    assert load().unscreened.title in text
    assert "ROUTINE" not in text
    assert "ROUTINE" not in panel.findChild(QLabel, "disposition").accessibleDescription()
    assert "Still to ask (" in panel.findChild(QLabel, "stillToAsk").text()


@pytest.mark.hazard("H2")
def test_a_band_above_routine_while_unscreened_shows_both(qtbot):
    record = Record()
    record.red_flags.ces_saddle_numbness.answer = Answer.YES
    panel = _panel(qtbot, record)
    text = _disposition(panel)
    assert "EMERGENCY" in text
    assert "RED FLAGS NOT YET FULLY SCREENED" in text


@pytest.mark.hazard("H1")
def test_fired_rows_follow_the_answer_at_once(qtbot):
    record = negative_record()
    panel = _panel(qtbot, record)
    assert "ROUTINE - " in _disposition(panel)
    assert "Cauda equina" not in _fired(panel)

    item = record.red_flags.ces_bladder
    item.answer = Answer.YES
    item.onset = Onset.WITHIN_14_DAYS
    item.worse_last_14_days = YesNoUnsure.YES
    _refresh(panel, record)
    assert "EMERGENCY - " in _disposition(panel)
    assert "Cauda equina syndrome" in _fired(panel)

    item.answer = Answer.NO
    item.onset = None
    item.worse_last_14_days = None
    _refresh(panel, record)
    assert "ROUTINE - " in _disposition(panel)
    assert "Cauda equina" not in _fired(panel)


def test_a_row_that_fires_again_shows_its_own_words_and_a_cleared_row_is_gone(qtbot):
    """An answer toggled back shows the card kept from before (issue 14: not built
    again), with the same words; a cleared row's card is gone from view at once."""
    record = _with_patient(negative_record())
    panel = _panel(qtbot, record)
    record.red_flags.cancer_history = Answer.YES
    _refresh(panel, record)
    first = _fired(panel)
    [card] = _cards(panel)
    assert "Found:" in first
    record.red_flags.cancer_history = Answer.NO
    _refresh(panel, record)
    assert _cards(panel) == []
    assert _fired(panel) == "No rule has fired on the answers so far."
    record.red_flags.cancer_history = Answer.YES
    _refresh(panel, record)
    assert _cards(panel) == [card]
    assert _fired(panel) == first
    record.red_flags.weight_loss = Answer.YES   # a second row fires beside it
    _refresh(panel, record)
    assert len(_cards(panel)) == 2
    record.red_flags.weight_loss = Answer.NO
    _refresh(panel, record)
    assert _cards(panel) == [card] and _fired(panel) == first


@pytest.mark.hazard("H1", "H17")
def test_rows_are_most_urgent_first_and_outside_rows_say_so(qtbot):
    record = negative_record()
    record.red_flags.ces_saddle_numbness.answer = Answer.YES
    record.red_flags.ces_saddle_numbness.onset = Onset.WITHIN_14_DAYS
    record.red_flags.ces_saddle_numbness.worse_last_14_days = YesNoUnsure.NO
    record.history.thoracic_pain = Answer.YES
    panel = _panel(qtbot, record)
    fired = _fired(panel)
    assert "Outside this pathway" in fired
    assert fired.index("EMERGENCY") < fired.index("Outside this pathway")


@pytest.mark.hazard("H22")
def test_the_disposition_shows_the_most_urgent_rows_deadline_and_each_row_its_own(qtbot):
    from tests.note.test_pdf import mets_and_fracture_record

    record = mets_and_fracture_record()
    panel = _panel(qtbot, record)
    assert _disposition(panel) == "URGENT - within 24 hours"
    label = panel.findChild(QLabel, "disposition")
    assert label.accessibleDescription() == "URGENT - within 24 hours"
    fired = _fired(panel)
    assert "URGENT - within 24 hours \u00b7 Spinal metastases" in fired
    assert "URGENT - within 1 week \u00b7 Osteoporotic" in fired
    assert "How soon: within 24 hours" in fired and "How soon: within 1 week" in fired
    assert "within two weeks" not in fired + _disposition(panel)
    assert "Disposition: URGENT - within 24 hours" in panel.preview_text()  # the same words


@pytest.mark.hazard("H2", "H22")
def test_an_unscreened_disposition_keeps_the_deadline_above_the_warning(qtbot):
    record = Record()
    record.red_flags.cancer_history = Answer.YES
    record.red_flags.mets_progressive_pain = Answer.YES
    panel = _panel(qtbot, record)
    first, second = _disposition(panel).splitlines()
    assert first == "URGENT - within 24 hours"
    assert second.startswith("RED FLAGS NOT YET FULLY SCREENED")


def _card_colours(card: QWidget) -> set[str]:
    """The accent colours a card is drawn in: its bar's and its band words'."""
    bar = card.findChild(QFrame, "accentBar")
    colours = {bar.palette().color(QPalette.ColorRole.Window).name().lower()}
    colours |= {c.lower() for c in re.findall(r"color:\s*(#[0-9a-fA-F]{6})",
                                              card.findChild(QLabel).text())}
    return colours


def _card(panel: AssessmentPanel, row_id: str) -> QWidget:
    [card] = [c for c in _cards(panel) if c.findChild(QLabel, f"firedRow-{row_id}")]
    return card


@pytest.mark.hazard("H22")
def test_a_routine_row_under_an_emergency_is_grey_and_headed_also(qtbot):
    """CSO review 2026-12-07c, A1: the single weak flag's card under the cauda equina
    EMERGENCY keeps its band and deadline but is never green, and is headed 'Also:'."""
    record = load_example("cauda-equina")
    record.red_flags.night_pain_constant = Answer.YES
    panel = _panel(qtbot, record)
    assert _disposition(panel) == "EMERGENCY - act now"
    layout = panel.findChild(QWidget, "firedRows").layout()
    ces, weak = _card(panel, "ces-emergency"), _card(panel, "weak-single")
    assert layout.indexOf(ces) == 0 < layout.indexOf(weak)  # the CES card first
    assert _fired(panel).index("Cauda equina") < _fired(panel).index("Single weak flag")
    assert not _card_colours(weak) & set(_ACCENTS["routine"])  # no green, light or dark
    assert _card_colours(weak) <= set(_ACCENTS["outside"])  # the neutral grey
    label = _plain(weak.findChild(QLabel)).split(" \u00b7 ")[0]
    assert label.startswith(load().wording.below_disposition + " ")
    assert "ROUTINE - within 2-4 weeks" in label
    assert "How soon: within 2-4 weeks" in _fired(panel)  # its own deadline and action
    assert load().rows["weak-single"].action in _fired(panel)
    assert weak.findChild(QLabel).accessibleName().startswith(
        load().wording.below_disposition)


@pytest.mark.hazard("H22")
def test_a_routine_row_under_outside_this_pathway_is_grey_and_headed_also(qtbot):
    """CSO re-check of 07c, N1: with thoracic pain (OUTSIDE THIS PATHWAY: the band stays
    routine) the single weak flag's card was green, reassurance by colour where the
    reference withholds it; now grey and 'Also:', its own band and deadline kept."""
    record = load_example("mechanical")
    record.red_flags.night_pain_constant = Answer.YES
    record.history.thoracic_pain = Answer.YES
    panel = _panel(qtbot, record)
    weak = _card(panel, "weak-single")
    assert not _card_colours(weak) & set(_ACCENTS["routine"])
    assert _card_colours(weak) <= set(_ACCENTS["outside"])
    label = _plain(weak.findChild(QLabel)).split(" \u00b7 ")[0]
    assert label == f"{load().wording.below_disposition} ROUTINE - within 2-4 weeks"


@pytest.mark.hazard("H22")
def test_a_soon_row_under_an_emergency_keeps_its_colour(qtbot):
    """Only green is withdrawn: a SOON row under an emergency is an action still to take."""
    record = load_example("cauda-equina")
    record.red_flags.weight_loss = Answer.YES  # weak-two: SOON - within weeks
    panel = _panel(qtbot, record)
    soon = _card(panel, "weak-two")
    assert _card_colours(soon) <= set(_ACCENTS["soon"])
    assert load().wording.below_disposition not in _fired(panel)


@pytest.mark.hazard("H22")
def test_a_routine_row_under_a_routine_disposition_stays_green(qtbot):
    """The control of A1: the mechanical example with the same weak flag is routine, and
    its card is the routine green without 'Also:'."""
    record = load_example("mechanical")
    record.red_flags.night_pain_constant = Answer.YES
    panel = _panel(qtbot, record)
    assert _disposition(panel).startswith("ROUTINE")
    weak = _card(panel, "weak-single")
    assert _card_colours(weak) <= set(_ACCENTS["routine"])
    label = _plain(weak.findChild(QLabel))
    assert label.startswith("ROUTINE - within 2-4 weeks")
    assert load().wording.below_disposition not in _fired(panel)
    # the card follows the disposition: an emergency greys it, clearing it gives it back
    item = record.red_flags.ces_bladder
    item.answer, item.onset = Answer.YES, Onset.WITHIN_14_DAYS
    item.worse_last_14_days = YesNoUnsure.YES
    _refresh(panel, record)
    assert _disposition(panel).startswith("EMERGENCY")
    assert _card_colours(_card(panel, "weak-single")) <= set(_ACCENTS["outside"])
    item.answer, item.onset, item.worse_last_14_days = Answer.NO, None, None
    _refresh(panel, record)
    assert _card_colours(_card(panel, "weak-single")) <= set(_ACCENTS["routine"])
    assert _fired(panel).startswith("ROUTINE - within 2-4 weeks")


def test_scores_show_only_when_they_apply(qtbot):
    panel = _panel(qtbot, load_example("inflammatory"))
    startback = panel.findChild(QLabel, "startbackResult")
    ng65 = panel.findChild(QLabel, "ng65Result")
    assert not startback.isHidden() and "STarT Back" in startback.text()
    assert "Low risk" in startback.text()
    assert not ng65.isHidden() and "7 of 9" in ng65.text()

    _refresh(panel, Record())
    assert startback.isHidden() and ng65.isHidden()


# ---------------------------------------------------------------------------
# Plan checklist


def test_accept_by_keyboard_fills_the_plan_in_suggestion_order(qtbot):
    record = _blank_plan(load_example("mechanical"))
    panel = _panel(qtbot, record)
    accept = _button(panel, "acceptPlan")
    suggestions = [s.id for s in assess(record).suggestions]
    assert all(_list(panel).item(n).checkState() == Qt.CheckState.Unchecked
               for n in range(_list(panel).count()))

    panel.show()
    accept.setFocus()
    with qtbot.waitSignal(panel.planChanged):
        qtbot.keyClick(accept, Qt.Key.Key_Space)
    assert _ids(record) == suggestions
    assert all(_list(panel).item(n).checkState() == Qt.CheckState.Checked
               for n in range(len(suggestions)))
    assert panel.findChild(QLabel, "planCount").text() == f"({len(suggestions)} of {len(suggestions)} ticked)"


def test_accept_by_mnemonic_keeps_the_gps_own_items(qtbot):
    record = _blank_plan(load_example("cauda-equina"))
    own = PlanItem(text="Phone the patient back in an hour", reason="GP's own item")
    record.plan.items = [own]
    panel = _panel(qtbot, record)
    with qtbot.waitActive(panel):
        panel.show()
        panel.activateWindow()
    with qtbot.waitSignal(panel.planChanged):  # a button's mnemonic clicks after a short delay
        qtbot.keyClick(panel, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    assert _ids(record) == [*(s.id for s in assess(record).suggestions), None]
    assert record.plan.items[-1] is own


def test_unticking_by_keyboard_removes_the_item_and_ticking_restores_it(qtbot):
    record = load_example("mechanical")
    before = _ids(record)
    panel = _panel(qtbot, record)
    lst = _list(panel)
    panel.show()
    lst.setFocus()
    lst.setCurrentRow(0)
    qtbot.keyClick(lst, Qt.Key.Key_Down)
    assert lst.currentRow() == 1
    removed = before[1]
    with qtbot.waitSignal(panel.planChanged):
        qtbot.keyClick(lst, Qt.Key.Key_Space)
    assert removed not in _ids(record)
    assert _ids(record) == [i for i in before if i != removed]
    assert lst.item(1).checkState() == Qt.CheckState.Unchecked
    assert lst.count() == len(before)  # still shown, unticked

    with qtbot.waitSignal(panel.planChanged):
        qtbot.keyClick(lst, Qt.Key.Key_Space)
    assert _ids(record) == before  # back in its place
    assert lst.currentRow() == 1


def test_ticking_puts_an_item_in_suggestion_order_before_the_gps_own(qtbot):
    record = _blank_plan(load_example("mechanical"))
    own = PlanItem(text="Call back tomorrow", reason="GP's own item")
    record.plan.items = [own]
    panel = _panel(qtbot, record)
    lst = _list(panel)
    ids = [s.id for s in assess(record).suggestions]
    lst.item(2).setCheckState(Qt.CheckState.Checked)
    lst.item(0).setCheckState(Qt.CheckState.Checked)
    assert _ids(record) == [ids[0], ids[2], None]


def test_an_unticked_own_item_stays_to_be_ticked_again(qtbot):
    record = load_example("mechanical")
    own = PlanItem(text="Call back tomorrow", reason="GP's own item")
    record.plan.items = [*record.plan.items, own]
    panel = _panel(qtbot, record)
    lst = _list(panel)
    last = lst.count() - 1
    assert lst.item(last).text() == "Call back tomorrow"
    with qtbot.waitSignal(panel.planChanged):
        lst.item(last).setCheckState(Qt.CheckState.Unchecked)
    assert own not in record.plan.items
    assert lst.count() == last + 1 and lst.item(last).text() == "Call back tomorrow"
    with qtbot.waitSignal(panel.planChanged):
        lst.item(last).setCheckState(Qt.CheckState.Checked)
    assert record.plan.items[-1] is own


@pytest.mark.hazard("H7")
def test_editing_an_item_keeps_its_suggestion_and_marks_it_edited(qtbot):
    record = load_example("mechanical")
    panel = _panel(qtbot, record)
    lst = _list(panel)
    panel.show()
    qtbot.waitExposed(panel)
    lst.setFocus()
    lst.setCurrentRow(0)
    sid = record.plan.items[0].suggestion_id
    qtbot.keyClick(lst, Qt.Key.Key_F2)
    editor = lst.findChild(QLineEdit)
    assert editor is not None and editor.isVisible()
    editor.selectAll()
    qtbot.keyClicks(editor, "Reassure: should settle in 6 weeks")
    with qtbot.waitSignal(panel.planChanged):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    item = record.plan.items[0]
    assert item.text == "Reassure: should settle in 6 weeks"
    assert item.suggestion_id == sid
    assert item.edited is True
    assert lst.item(0).text() == item.text

    # A new answer does not lose the edit.
    record.impact.pain_now = 5
    _refresh(panel, record)
    assert record.plan.items[0].text == "Reassure: should settle in 6 weeks"
    assert lst.item(0).text() == "Reassure: should settle in 6 weeks"
    assert "edited" in lst.item(0).toolTip()


def test_an_empty_edit_is_refused(qtbot):
    record = load_example("mechanical")
    panel = _panel(qtbot, record)
    lst = _list(panel)
    original = record.plan.items[0].text
    lst.item(0).setText("   ")
    assert record.plan.items[0].text == original
    assert lst.item(0).text() == original


def test_adding_an_own_item_by_typing(qtbot):
    record = load_example("mechanical")
    panel = _panel(qtbot, record)
    own = panel.findChild(QLineEdit, "ownItem")
    before = len(record.plan.items)
    panel.show()
    own.setFocus()
    qtbot.keyClicks(own, "Review by phone on Friday")
    with qtbot.waitSignal(panel.planChanged):
        qtbot.keyClick(own, Qt.Key.Key_Return)
    assert len(record.plan.items) == before + 1
    item = record.plan.items[-1]
    assert item.text == "Review by phone on Friday"
    assert item.suggestion_id is None
    assert item.category.value == "follow-up"
    assert item.reason == "GP's own item"
    assert own.text() == ""
    lst = _list(panel)
    assert lst.item(lst.count() - 1).text() == "Review by phone on Friday"
    assert lst.item(lst.count() - 1).checkState() == Qt.CheckState.Checked


def test_the_add_button_adds_and_empty_text_adds_nothing(qtbot):
    record = _blank_plan(_with_patient(Record()))
    panel = _panel(qtbot, record)
    add = _button(panel, "addOwnItem")
    add.click()
    assert record.plan.items == []
    panel.findChild(QLineEdit, "ownItem").setText("Ring back after the bloods")
    add.click()
    assert [i.text for i in record.plan.items] == ["Ring back after the bloods"]


@pytest.mark.hazard("H7")
def test_selecting_an_item_by_keyboard_shows_its_reason_and_source(qtbot):
    record = load_example("mechanical")
    panel = _panel(qtbot, record)
    lst = _list(panel)
    detail = panel.findChild(QLabel, "planDetail")
    panel.show()
    lst.setFocus()
    lst.setCurrentRow(0)
    qtbot.keyClick(lst, Qt.Key.Key_Down)
    suggestion = assess(record).suggestions[1]
    text = _plain(detail)
    assert suggestion.reason in text
    assert suggestion.source in text
    assert suggestion.reason in lst.item(1).toolTip()
    assert suggestion.source in lst.item(1).toolTip()


@pytest.mark.hazard("H14")
def test_items_no_longer_suggested_stay_visible_and_marked(qtbot):
    record = load_example("mechanical")
    record.plan.items = [*record.plan.items,
                         PlanItem(suggestion_id="retired-id", text="An old suggestion",
                                  reason="Was suggested", source="NICE")]
    panel = _panel(qtbot, record)
    lst = _list(panel)
    last = lst.item(lst.count() - 1)
    assert last.text() == "An old suggestion"
    assert last.checkState() == Qt.CheckState.Checked
    assert "no longer suggested" in last.toolTip().lower()
    from forms.panel.assessment_panel import MarkerRole
    assert last.data(MarkerRole) == "no longer suggested"


def test_rebuilding_keeps_the_selection_and_the_gps_changes(qtbot):
    record = load_example("mechanical")
    panel = _panel(qtbot, record)
    lst = _list(panel)
    lst.setCurrentRow(3)
    lst.item(2).setCheckState(Qt.CheckState.Unchecked)  # untick
    ids = _ids(record)
    for pain in range(10):
        record.impact.pain_now = pain
        _refresh(panel, record)
    assert lst.currentRow() == 3
    assert _ids(record) == ids
    assert lst.item(2).checkState() == Qt.CheckState.Unchecked


@pytest.mark.hazard("H14")
def test_confirm_then_a_changed_assessment_asks_to_confirm_again(qtbot):
    record = _blank_plan(load_example("mechanical"))
    panel = _panel(qtbot, record)
    assert _status(panel) == STATUS_NOT_CONFIRMED
    with qtbot.waitSignal(panel.planChanged):
        _button(panel, "confirmPlan").click()
    assert record.plan.confirmed
    assert _status(panel) == STATUS_CONFIRMED

    record.red_flags.weight_loss = Answer.YES
    record.red_flags.night_pain_constant = Answer.YES
    _refresh(panel, record)
    assert core_plan.is_stale(record, assess(record))
    assert _status(panel) == STATUS_STALE
    assert "confirm again" in _status(panel)


@pytest.mark.hazard("H3")
def test_set_record_replaces_everything(qtbot):
    panel = _panel(qtbot, load_example("mechanical"))
    fresh = Record()
    panel.set_record(fresh)
    _refresh(panel, fresh)
    assert all(_list(panel).item(n).checkState() == Qt.CheckState.Unchecked
               for n in range(_list(panel).count()))
    assert _status(panel) == STATUS_NOT_CONFIRMED


# ---------------------------------------------------------------------------
# Preview, accessibility, look


def test_preview_text_is_exactly_the_text_passed(qtbot):
    record = load_example("sciatica")
    text = note_text(record, draft=True)
    panel = _panel(qtbot, record)
    assert panel.preview_text() == text
    preview = panel.findChild(QPlainTextEdit, "preview")
    assert preview.isReadOnly()
    assert preview.toPlainText() == text


def test_preview_updates_in_place_exactly(qtbot):
    panel = _panel(qtbot, Record())
    preview = panel.findChild(QPlainTextEdit, "preview")
    texts = ["Line one\nLine two\nLine three\n",
             "Line one\nLine 2: \u0141\u00f3d\u017a \U0001F600\nLine three\n",
             "Line one\nLine 2: \u0141\u00f3d\u017a \U0001F600 more\nLine three\nfour\n",
             "Line one\n\nLine three\n",
             "Different entirely",
             "Different entirely\n\n"]
    for text in texts:
        panel.show_assessment(assess(Record()), text)
        assert panel.preview_text() == text
        assert preview.toPlainText() == text


def test_preview_keeps_its_scroll_position(qtbot):
    record = load_example("mechanical")
    panel = _panel(qtbot, record)
    panel.show()
    qtbot.waitExposed(panel)
    preview = panel.findChild(QPlainTextEdit, "preview")
    bar = preview.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)

    def top_line() -> str:
        return preview.cursorForPosition(QPoint(4, 4)).block().text()

    reading = top_line()
    assert reading
    record.impact.pain_now = 7
    _refresh(panel, record)
    assert top_line() == reading  # the GP's place in the note, not a pixel offset


def test_every_input_has_an_accessible_name(qtbot):
    panel = _panel(qtbot, load_example("mechanical"))
    for kind in (QPushButton, QLineEdit, QListWidget, QPlainTextEdit):
        for widget in panel.findChildren(kind):
            if widget.parent() is not None and isinstance(widget.parent().parent(), QListWidget):
                continue  # an item editor
            assert widget.accessibleName(), widget.objectName()


def test_tab_order_runs_down_the_plan(qtbot):
    panel = _panel(qtbot, load_example("mechanical"))
    order = ["acceptPlan", "planList", "ownItem", "addOwnItem", "confirmPlan", "preview"]
    widget = panel.findChild(QWidget, order[0])
    for name in order[1:]:
        widget = widget.nextInFocusChain()
        while not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            widget = widget.nextInFocusChain()
        assert widget.objectName() == name


@pytest.mark.parametrize("name", ["cauda-equina", "mechanical"])
def test_screenshot(qtbot, tmp_path, name):
    panel = _panel(qtbot, load_example(name))
    panel.show()
    qtbot.waitExposed(panel)
    path = tmp_path / f"panel-{name}.png"  # looked at by eye at 420x900, light and dark
    assert panel.grab().save(str(path))
    assert path.stat().st_size > 10_000


# ---------------------------------------------------------------------------
# Before a patient, before the rules, and a fired row at 1366x768 (issues 13 and 14)


def test_before_a_patient_the_panel_says_what_to_do_first_and_shows_no_plan(qtbot):
    record = Record()
    panel = _panel(qtbot, record)
    panel.show()
    qtbot.waitExposed(panel)
    text = _disposition(panel)
    assert "Choose the patient (Ctrl+K) or enter their details" in text
    assert "NOT YET FULLY SCREENED" not in text
    assert not panel.findChild(QLabel, "stillToAsk").isVisible()
    assert not _list(panel).isVisible() and not _button(panel, "acceptPlan").isEnabled()
    # no draft note of nobody: no working diagnosis, no unscreened list before a patient
    assert not panel.findChild(QLabel, "previewLabel").isVisible()
    assert not panel.findChild(QPlainTextEdit, "preview").isVisible()
    panel.accept_plan()  # the shortcut does nothing while the plan is not shown
    assert record.plan.items == []
    record.patient.family_name = "Taylor"  # the GP enters the patient: the usual panel
    _refresh(panel, record)
    assert "RED FLAGS NOT YET FULLY SCREENED" in _disposition(panel)
    assert _list(panel).isVisible() and _list(panel).count() > 0
    assert panel.findChild(QPlainTextEdit, "preview").isVisible()


@pytest.mark.hazard("H1")
def test_a_red_flag_before_a_patient_is_shown_at_once(qtbot):
    record = Record()
    record.red_flags.ces_saddle_numbness.answer = Answer.YES
    panel = _panel(qtbot, record)
    assert "EMERGENCY" in _disposition(panel)
    assert "Choose the patient" not in _disposition(panel)
    assert "saddle" in _fired(panel).lower()


def test_a_preview_given_as_a_function_is_composed_once_the_answers_pause(qtbot):
    record = negative_record()
    panel = _panel(qtbot, record)
    calls: list[int] = []

    def compose() -> str:
        calls.append(1)
        return f"note {len(calls)}"

    for _ in range(5):  # a burst of answers: the disposition at once, the note once
        panel.show_assessment(assess(record), compose)
    label = panel.findChild(QLabel, "previewLabel")
    assert "updating" in label.text() and calls == []
    qtbot.wait(PREVIEW_DELAY_MS * 2)
    assert calls == []  # not on screen yet: the first preview comes after the first paint
    panel.show()
    qtbot.waitUntil(lambda: calls == [1], timeout=2000)
    assert panel.findChild(QPlainTextEdit, "preview").toPlainText() == "note 1"
    assert "updating" not in label.text()
    panel.show_assessment(assess(record), compose)
    assert panel.preview_text() == "note 2"  # read before the pause: composed at once


@pytest.mark.hazard("H1")
def test_a_fired_rows_card_is_shown_whole_at_1366x768(qtbot, monkeypatch):
    from forms import dialogs
    from forms.consultation.main_window import MainWindow

    monkeypatch.setattr(dialogs, "confirm_discard", lambda *a: "discard")
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    record = load_example("cauda-equina")  # and a second, long card: cancer with weight loss
    record.red_flags.cancer_history = Answer.YES
    record.red_flags.weight_loss = Answer.YES
    record.red_flags.mets_night_pain_prevents_sleep = Answer.YES
    window.show_consultation(record)
    qtbot.waitUntil(lambda: len(_cards(window.panel)) > 1,
                    timeout=2000)
    for card in _cards(window.panel):
        text = card.findChild(QLabel)
        assert "Found:" in text.text()
        page = card.parentWidget()  # the scroll area the card is in, whichever it is
        while not isinstance(page, QScrollArea):
            page = page.parentWidget()
        # the panel scrolls as a whole: the cards are not in a small box of their own
        assert page.isAncestorOf(_list(window.panel))
        page.ensureWidgetVisible(card, 0, 0)
        qtbot.waitUntil(lambda c=card: c.visibleRegion().boundingRect() == c.rect(),
                        timeout=2000)
        # the card is as tall as its wrapped text needs, and no wider than the panel
        assert text.height() >= text.heightForWidth(text.width())
        assert card.mapTo(window.panel, card.rect().topRight()).x() <= window.panel.width()



def test_plan_items_drawn_afresh_look_the_same_as_drawn_from_the_pixmap_cache(qtbot):
    """Each plan item is drawn once into Qt's pixmap cache and painted from it (issue 14).
    A first drawing must land where a cached one does: the CSO's second re-check of 07c saw
    the rows drawn over each other for a moment after a change (the item's rect was the
    option's own, moved to the pixmap's origin before it was painted). Drawn with the
    cache off, every item is a first drawing."""
    from PySide6.QtGui import QPixmapCache
    from PySide6.QtWidgets import QListWidget

    panel = _panel(qtbot, load_example("cauda-equina"))
    panel.show()
    qtbot.waitExposed(panel)
    plan = panel.findChild(QListWidget, "planList")
    assert plan.count() >= 3
    limit = QPixmapCache.cacheLimit()
    try:
        QPixmapCache.clear()
        QPixmapCache.setCacheLimit(0)  # nothing kept: every item drawn afresh
        afresh = plan.viewport().grab().toImage()
        QPixmapCache.setCacheLimit(limit)
        plan.viewport().grab()  # fills the cache
        cached = plan.viewport().grab().toImage()
    finally:
        QPixmapCache.setCacheLimit(limit)
    assert afresh == cached
