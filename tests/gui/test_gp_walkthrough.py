"""Three things a GP found walking through the window by keyboard (GP walk-through report,
findings 13, 3 and 7): a choice shown in another question's words, a focused push button
that looked unfocused, and chords whose effect the status bar did not say."""

from __future__ import annotations

import typing
from enum import Enum

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QPushButton

from consult.record.answers import Answer, Interpreter, Trauma
from forms import dialogs
from forms.dialogs import settings as app_settings
from forms.form.consultation_form import CHOICE_LABELS, _field_info
from forms.form.widgets import ChoiceField, MultiChoiceField, words
from tests.gui.keys import CTRL, focused, gp_window, press
from tests.support import negative_record


@pytest.fixture
def calls(monkeypatch):
    seen: list[tuple[str, tuple]] = []
    monkeypatch.setattr(dialogs, "confirm_discard", lambda *a: "discard")  # closing at the end
    for name in ("show_error", "show_info"):
        monkeypatch.setattr(dialogs, name, lambda *a, name=name: seen.append((name, a)))
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a: seen.append(("save", a)) or None)
    return seen


@pytest.fixture
def window(qtbot, calls):
    return gp_window(qtbot)


def target(window, path):
    return window.form.fields[path].focus_target()


# --- finding 13: each choice in its own enum's words -------------------------------------------


def _enum_of(path: str) -> type[Enum]:
    annotation = _field_info(path).annotation
    return next(a for a in (*typing.get_args(annotation), annotation)
                if isinstance(a, type) and issubclass(a, Enum))


def test_each_choice_reads_in_its_own_questions_words(qtbot, window):
    window.form.focus_field("triggers.trauma")
    qtbot.keyClicks(focused(), "N")  # "None" (the interpreter's "None needed" before)
    assert window.record.triggers.trauma is Trauma.NONE
    assert window.form.fields["triggers.trauma"].combo.currentText() == "None"
    window.form.focus_field("consultation.interpreter")
    qtbot.keyClicks(focused(), "N")
    assert window.record.consultation.interpreter is Interpreter.NONE
    assert window.form.fields["consultation.interpreter"].combo.currentText() == "None needed"
    # every choice field, every choice: its own enum's words, never another enum's that
    # shares the value ("none", "other", "better", "unsure" are in several enums)
    for kind, labels in CHOICE_LABELS.items():
        assert all(type(option) is kind for option in labels), kind
    seen = 0
    for path, field in window.form.fields.items():
        if isinstance(field, ChoiceField):
            kind = _enum_of(path)  # the combo holds the values as plain strings
            shown = [(kind(field.combo.itemData(i)), field.combo.itemText(i))
                     for i in range(1, field.combo.count())]
        elif isinstance(field, MultiChoiceField):
            shown = [(option, box.text()) for option, box in field.boxes.items()]
        else:
            continue
        for option, text in shown:
            own = CHOICE_LABELS.get(type(option), {}).get(option) or words(option)
            assert text == own, (path, option, text)
            seen += 1
    assert seen > 60


# --- finding 3: a focused push button looks focused ---------------------------------------------


def _dark() -> QPalette:
    palette = QPalette()
    for role, colour in (("Window", "#2b2b2b"), ("WindowText", "#e6e6e6"),
                         ("Base", "#1e1e1e"), ("AlternateBase", "#333333"),
                         ("Text", "#e6e6e6"), ("Button", "#3a3a3a"),
                         ("ButtonText", "#e6e6e6"), ("Highlight", "#3d8ee6"),
                         ("HighlightedText", "#ffffff"), ("Mid", "#5a5a5a"),
                         ("Dark", "#202020"), ("Midlight", "#4a4a4a"), ("Light", "#555555")):
        palette.setColor(getattr(QPalette.ColorRole, role), QColor(colour))
    return palette


@pytest.fixture(params=[False, True], ids=["light", "dark"])
def styled(request, qapp):
    """The app's style sheet on a light or dark palette (as forms.app applies it)."""
    palette, sheet = qapp.palette(), qapp.styleSheet()
    if request.param:
        qapp.setPalette(_dark())
    qapp.setStyleSheet(app_settings.style_sheet(request.param))
    yield request.param
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)


def _looks(button: QPushButton):
    return button.grab().toImage()


def _differing(a, b) -> int:
    assert a.size() == b.size()  # the focus border takes no room: nothing moves
    return sum(a.pixel(x, y) != b.pixel(x, y) for x in range(a.width())
               for y in range(a.height()))


def test_a_push_button_the_window_puts_the_focus_on_looks_focused(qtbot, calls, styled,
                                                                   tmp_path):
    window = gp_window(qtbot)
    record = negative_record()
    record.plan.confirmed = False
    window.show_consultation(record)
    window.form.focus_field("history.site")
    confirm = window.findChild(QPushButton, "confirmPlan")
    group = window.form.group_button("cauda_equina")
    before = {b: _looks(b) for b in (confirm, group)}
    # F7, then Return on "confirm the plan": the window puts the focus on Confirm
    press(qtbot, Qt.Key.Key_F7)
    assert focused() is window.to_finish
    row = next(i for i in range(window.to_finish.count())
               if window.to_finish.item(i).data(Qt.ItemDataRole.UserRole) == "plan.confirmed")
    window.to_finish.setCurrentRow(row)
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is confirm
    after = _looks(confirm)
    after.save(str(tmp_path / f"confirm-focused-{styled}.png"))
    before[confirm].save(str(tmp_path / f"confirm-{styled}.png"))
    assert _differing(before[confirm], after) > 2 * after.width()  # a border, not a pixel
    # Shift+Tab from a group's first question puts it on the group's "All denied"
    window.form.focus_field("red_flags.ces_bladder.answer")
    press(qtbot, Qt.Key.Key_Backtab)
    assert focused() is group
    assert _differing(before[group], _looks(group)) > 2 * group.width()


# --- finding 7: the status bar says what a chord did ---------------------------------------------


def test_ctrl_return_says_what_it_accepted_confirmed_and_recorded(qtbot, window):
    record = negative_record()
    record.plan.items = []
    record.plan.confirmed = False
    record.plan.safety_netting_given = Answer.NOT_ASKED
    window.show_consultation(record)
    window.form.focus_field("history.site")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    count = len(window.record.plan.items)
    said = window.statusBar().currentMessage()
    assert said == (f"Plan accepted ({count} items) and confirmed; safety-netting recorded as "
                    "given: how? (P Printed, S SMS, E Email, R Read aloud).")
    qtbot.waitUntil(lambda: focused() is target(window, "plan.safety_netting_how"), timeout=1000)
    assert window.statusBar().currentMessage() == said  # still there where the GP answers
    qtbot.keyClicks(focused(), "R")
    press(qtbot, Qt.Key.Key_Return, CTRL)  # again: nothing to do, and it says so
    assert window.statusBar().currentMessage() == (
        f"The plan ({count} items) is already accepted and confirmed: nothing changed.")
    # one suggestion unticked: accepting again ticks it, and the plan is confirmed again
    window.record.plan.items = window.record.plan.items[1:]
    window.refresh()
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert window.statusBar().currentMessage() == (
        f"Plan accepted ({count} items, 1 new) and confirmed.")


@pytest.mark.parametrize("keys", [(Qt.Key.Key_E, CTRL), (Qt.Key.Key_P, CTRL),
                                  (Qt.Key.Key_E, CTRL | Qt.KeyboardModifier.AltModifier)],
                         ids=["export", "print", "export-as"])
def test_export_or_print_on_an_incomplete_record_says_what_is_missing_and_goes_there(
        qtbot, window, calls, keys):
    record = negative_record()
    record.red_flags.fever_or_unwell = Answer.NOT_ASKED
    window.show_consultation(record)
    assert not window.act_export.isEnabled() and not window.act_print.isEnabled()
    window.form.focus_field("history.site")
    first = window.to_finish.item(0)
    press(qtbot, *keys)
    said = window.statusBar().currentMessage()
    assert said.startswith("Export and Print are disabled until the record is complete: "
                           f"{window.to_finish.count()} item")
    assert said.endswith(f"First: {first.text()}")
    assert focused() is target(window, first.data(Qt.ItemDataRole.UserRole))
    assert focused() is target(window, "red_flags.fever_or_unwell")
    assert window.to_finish.currentRow() == 0
    assert calls == []  # no box to dismiss, no file asked for or written


def test_export_before_a_patient_says_start_with_the_patient_and_goes_there(qtbot, window,
                                                                          calls):
    window.form.focus_field("consultation.mode")
    press(qtbot, Qt.Key.Key_E, CTRL)
    assert window.statusBar().currentMessage().startswith("Start with the patient: choose them")
    assert focused() is target(window, "patient.family_name")
    assert calls == []
