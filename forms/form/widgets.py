"""Input widgets bound to one record field each.

Every field widget has the record path as its objectName, emits `edited(value)`
with a parsed, valid Python value, and `invalid(message)` when the typed text
cannot be a value (the message is the core's words where the core has them).
`set_value` updates the display without emitting.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import time
from collections.abc import Callable
from enum import Enum
from typing import ClassVar

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QIntValidator, QKeyEvent, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QButtonGroup,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from consult.record import nhs
from consult.record.answers import Answer
from consult.record.dates import show_date
from forms.growing_text import GrowingTextEdit

NONE_TEXT = "\u2014"  # an em dash: nothing chosen yet


def words(value: Enum) -> str:
    """'face_to_face' -> 'Face to face'; 'within_14_days' -> 'Within 14 days'."""
    text = str(value.value).replace("_", " ")
    return text[:1].upper() + text[1:]


def _left_for_another_field(event: QEvent) -> bool:
    """The GP left the question within the window (Tab, a click, an answer moving on),
    not for a dialog or menu over it (the patient picker, Ctrl+K): only then is it
    "visited" and its message shown (a GP's walk-through: "Enter the patient's family
    name" showed while the GP was choosing the patient from the list)."""
    reason = event.reason() if hasattr(event, "reason") else None
    return reason not in (Qt.FocusReason.ActiveWindowFocusReason,
                          Qt.FocusReason.PopupFocusReason)


class Field(QWidget):
    edited = Signal(object)
    invalid = Signal(str)
    left = Signal()  # focus left the field: time to show its messages
    advance = Signal()  # answered by one key: the form moves to the next unanswered question
    said = Signal(str)  # one line for the status bar: why a key did nothing

    def __init__(self, path: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.title = title
        self.setObjectName(path)
        self.setAccessibleName(title)
        self._quiet = False

    def focus_target(self) -> QWidget:
        return self

    def tab_widgets(self) -> list[QWidget]:
        """The widgets Tab visits in this field, in order."""
        return [self.focus_target()]

    def set_value(self, value: object) -> None:
        self._quiet = True
        try:
            self._show(value)
        finally:
            self._quiet = False

    def _show(self, value: object) -> None:
        raise NotImplementedError

    def _emit(self, value: object) -> None:
        if not self._quiet:
            self.edited.emit(value)

    def _watch_focus(self, widget: QWidget) -> None:
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut and _left_for_another_field(event):
            self.left.emit()
        return super().eventFilter(watched, event)


#: what a Yes/No question says when characters other than an answer are typed on it:
#: the instruction first, so a status bar cut at 1366 px still shows it (N5)
TYPED_WORDS = ("Y yes, N no, Delete not asked (pause a moment after typing): this is a "
               "Yes/No question, and letters typed on it answer nothing.")


class AnswerField(Field):
    """Yes / No / Not asked. Keys: Y, N, and Delete or Backspace to clear; focus moves on.
    A held key's auto-repeat answers nothing (it would answer each next question too)."""

    KEYS: ClassVar[dict[Qt.Key, Answer]] = {Qt.Key.Key_Y: Answer.YES, Qt.Key.Key_N: Answer.NO,
            Qt.Key.Key_Delete: Answer.NOT_ASKED, Qt.Key.Key_Backspace: Answer.NOT_ASKED}
    #: Y or N within this many seconds of another character typed on the question is a
    #: word's letter, not an answer ("inner", "any": CSO second re-check of 07c, N3)
    WORD_GAP = 1.0
    clock: ClassVar[Callable[[], float]] = staticmethod(time.monotonic)  # tests set it

    def __init__(self, path: str, title: str, parent: QWidget | None = None,
                 red_flag: bool = False) -> None:
        super().__init__(path, title, parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleDescription("Press Y for yes, N for no, Delete to clear (not asked)")
        self.setToolTip("Y = yes, N = no, Delete = not asked")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self._buttons: dict[Answer, QToolButton] = {}
        for answer, text in ((Answer.YES, "Yes"), (Answer.NO, "No"),
                             (Answer.NOT_ASKED, "Not asked")):
            button = QToolButton(self)
            button.setText(text)
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setProperty("answer", answer.value)
            button.setProperty("redflag", "true" if red_flag else "false")
            button.setAccessibleName(f"{title}: {text}")
            button.clicked.connect(lambda _=False, a=answer: self._choose(a, move_on=False))
            self._group.addButton(button)
            layout.addWidget(button)
            self._buttons[answer] = button
        layout.addStretch(1)
        self._value = Answer.NOT_ASKED
        self._buttons[Answer.NOT_ASKED].setChecked(True)
        self._typed_at = -math.inf  # when a character other than an answer was typed here
        self._said = ""  # what this question last said in the status bar

    @property
    def value(self) -> Answer:
        return self._value

    def _show(self, value: object) -> None:
        self._value = Answer(value) if value is not None else Answer.NOT_ASKED
        self._buttons[self._value].setChecked(True)
        self.setAccessibleDescription(f"{self._value.label}. Y yes, N no, Delete not asked")

    def _choose(self, answer: Answer, move_on: bool) -> None:
        self._unsay()
        changed = answer is not self._value
        self._show(answer)
        if changed:
            self._emit(answer)
        if move_on:
            self.advance.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        answer = self.KEYS.get(Qt.Key(event.key()))
        plain = not event.modifiers() & ~(Qt.KeyboardModifier.KeypadModifier
                                          | Qt.KeyboardModifier.ShiftModifier)
        if answer is not None and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            if event.isAutoRepeat():  # a held key answers once: never the next questions
                return
            now = self.clock()
            if now - self._typed_at < self.WORD_GAP:
                # Y or N within a moment of other typed characters is a word's letter, not
                # an answer ("and", "inner", "any": a GP who thought the focus was in a
                # text box); it counts as typed, so the word's next y or n is one too. So
                # is Backspace or Delete: a GP correcting those letters never clears an
                # answer given before, least of all a red flag's Yes (CSO third re-check of
                # 07c, N7)
                self._typed_at = now
                self._say(TYPED_WORDS)
                return
            # Delete or Backspace clears and stays: a GP correcting a typo with Backspace
            # never answers the next question (CSO second re-check of 07c, N4)
            self._choose(answer, move_on=answer is not Answer.NOT_ASKED)
            return
        if plain and event.text() and event.text().isprintable() and not event.isAutoRepeat():
            self._typed_at = self.clock()  # typing words here: Y or N straight after is not
            self._say(TYPED_WORDS)
            return
        super().keyPressEvent(event)

    def _say(self, words: str) -> None:
        self._said = words
        self.said.emit(words)

    def _unsay(self) -> None:
        """What the question said goes when it is answered or left (N5)."""
        if self._said:
            self._said = ""
            self.said.emit("")

    def focusOutEvent(self, event) -> None:
        if _left_for_another_field(event):
            self.left.emit()
        self._unsay()
        self.update()
        super().focusOutEvent(event)

    def focusInEvent(self, event) -> None:
        self._typed_at = -math.inf  # what was typed on another question says nothing here
        self.update()
        super().focusInEvent(event)

    def paintEvent(self, event) -> None:
        """The buttons take no focus, so the question itself shows where Y or N will go."""
        super().paintEvent(event)
        if self.hasFocus():
            painter = QPainter(self)
            pen = QPen(self.palette().color(QPalette.ColorRole.Highlight), 2)
            painter.setPen(pen)
            painter.drawRoundedRect(self.rect().adjusted(1, 1, -1, -1), 4, 4)
            painter.end()


def _letter(event: QKeyEvent) -> str:
    """The letter or digit a key types, without Ctrl or Alt (Shift allowed); else ""."""
    mods = event.modifiers() & ~(Qt.KeyboardModifier.ShiftModifier
                                 | Qt.KeyboardModifier.KeypadModifier)
    text = event.text()
    if mods or len(text) != 1 or not text.isalnum():
        return ""
    return text.lower()


class ChoiceField(Field):
    """One of an enum's values, or nothing yet.

    Keys: the first letter of a choice picks it; when only one choice starts with that
    letter the focus moves on to the next unanswered question (as Y and N do), otherwise
    the same letter again steps to the next choice with it and Tab or Enter moves on.
    Delete or Backspace clears the choice. A held key's auto-repeat does nothing.
    """

    def __init__(self, path: str, title: str, options: list[Enum],
                 parent: QWidget | None = None, labels: dict[Enum, str] | None = None) -> None:
        super().__init__(path, title, parent)
        self.combo = QComboBox(self)
        self.combo.setAccessibleName(title)
        self.combo.addItem(NONE_TEXT, None)
        for option in options:
            self.combo.addItem((labels or {}).get(option) or words(option), option)
        initials = [self.combo.itemText(i)[:1].lower() for i in range(1, self.combo.count())]
        unique = sorted({c for c in initials if initials.count(c) == 1})
        hint = "Type " + ", ".join(c.upper() for c in unique) if unique else "Type a first letter"
        self.combo.setToolTip(f"{hint} to choose and move on; Delete clears")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        layout.addStretch(1)
        self.setFocusProxy(self.combo)
        self.combo.currentIndexChanged.connect(lambda _: self._emit(self.combo.currentData()))
        self._watch_focus(self.combo)

    def focus_target(self) -> QWidget:
        return self.combo

    def _show(self, value: object) -> None:
        index = self.combo.findData(value) if value is not None else 0
        self.combo.setCurrentIndex(max(index, 0))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.combo and event.type() == QEvent.Type.KeyPress \
                and not self.combo.view().isVisible() \
                and self._key(event):  # type: ignore[arg-type]
            return True
        return super().eventFilter(watched, event)

    def _key(self, event: QKeyEvent) -> bool:
        if event.isAutoRepeat() and (_letter(event) or event.key() in (
                Qt.Key.Key_Delete, Qt.Key.Key_Backspace)):
            return True  # a held key answers once: never the questions it moves on to
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) \
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.combo.setCurrentIndex(0)
            return True
        letter = _letter(event)
        if not letter:
            return False
        matches = [i for i in range(1, self.combo.count())
                   if self.combo.itemText(i)[:1].lower() == letter]
        if not matches:
            return True  # a letter no choice starts with changes nothing
        current = self.combo.currentIndex()
        later = [i for i in matches if i > current]
        self.combo.setCurrentIndex(later[0] if later and current in matches else matches[0])
        if len(matches) == 1:
            self.advance.emit()
        return True


class TextField(Field):
    """Free text: one line, or several when `lines` > 1 or `wrap` (Tab still moves on);
    several lines wrap and grow with the text, so a long answer is shown whole."""

    def __init__(self, path: str, title: str, parent: QWidget | None = None,
                 lines: int = 1, placeholder: str = "", wrap: bool = False) -> None:
        super().__init__(path, title, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if lines > 1 or wrap:
            self.editor: QLineEdit | QPlainTextEdit = GrowingTextEdit(self, lines=lines)
            self.editor.setPlaceholderText(placeholder)
            self.editor.textChanged.connect(lambda: self._emit(self.editor.toPlainText()))
        else:
            self.editor = QLineEdit(self)
            self.editor.setPlaceholderText(placeholder)
            self.editor.textEdited.connect(self._emit)
        self.editor.setAccessibleName(title)
        layout.addWidget(self.editor)
        self.setFocusProxy(self.editor)
        self._watch_focus(self.editor)

    def focus_target(self) -> QWidget:
        return self.editor

    def _show(self, value: object) -> None:
        text = "" if value is None else str(value)
        if isinstance(self.editor, QPlainTextEdit):
            if self.editor.toPlainText() != text:
                self.editor.setPlainText(text)
        elif self.editor.text() != text:
            self.editor.setText(text)
            self.editor.setCursorPosition(0)  # a long answer shows its beginning, not its end


class _LineField(Field):
    """A one-line field with a hint label to its right.

    Every keystroke puts the typed value in the record at once, or None while the
    text is not (yet) a valid value: an older value never survives behind new
    typing, and an action taken before the GP leaves the field sees what is shown.
    What is wrong is said when the GP leaves the field (`invalid`).
    """

    def __init__(self, path: str, title: str, parent: QWidget | None = None,
                 width: int = 120, placeholder: str = "") -> None:
        super().__init__(path, title, parent)
        self.edit = QLineEdit(self)
        self.edit.setAccessibleName(title)
        self.edit.setPlaceholderText(placeholder)
        self.edit.setMaximumWidth(width)
        self.hint = QLabel(self)
        self.hint.setProperty("role", "hint")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.hint, 1)
        self.setFocusProxy(self.edit)
        self._watch_focus(self.edit)
        self._error: str | None = None
        self.edit.textEdited.connect(self._typed)
        self.edit.editingFinished.connect(self._finished)

    def focus_target(self) -> QWidget:
        return self.edit

    def parse(self, text: str) -> tuple[object, str | None]:
        """(value, None) for valid text, (None, message) otherwise; text is stripped."""
        raise NotImplementedError

    def _typed(self, text: str) -> None:
        value, self._error = self.parse(text.strip()) if text.strip() else (None, None)
        self._hint_for(value)
        self._emit(value)
        if self._error and self._say_at_once():
            self.invalid.emit(self._error)

    def _say_at_once(self) -> bool:
        """Whether a wrong value is reported while typing, not only on leaving."""
        return False

    def _hint_for(self, value: object) -> None:
        """Subclasses may say something beside the field while typing."""

    def _finished(self) -> None:
        if self._error:
            self.invalid.emit(self._error)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut and self._error:
            self.invalid.emit(self._error)
        return super().eventFilter(watched, event)


class NumberField(_LineField):
    """A whole number typed with the number keys (pain 0-10, duration, minutes, year)."""

    def __init__(self, path: str, title: str, low: int, high: int,
                 parent: QWidget | None = None, unit: str = "") -> None:
        super().__init__(path, title, parent, width=60)
        self.edit.setValidator(QIntValidator(0, 10 ** len(str(high)) - 1, self.edit))
        self.edit.setMaxLength(len(str(high)))
        self.hint.setText(unit)
        self.low, self.high = low, high

    def parse(self, text: str) -> tuple[object, str | None]:
        if text.isdigit() and self.low <= int(text) <= self.high:
            return int(text), None
        return None, f"Enter a whole number from {self.low} to {self.high}."

    def _typed(self, text: str) -> None:
        super()._typed(text)
        # a score out of 10 moves on once no further digit could follow ("5"; "1" waits
        # for a possible "10")
        digits = text.strip()
        if self.high <= 10 and digits.isdigit() and self._error is None \
                and (digits.startswith("0") or int(digits) * 10 > self.high):
            self.advance.emit()

    def _show(self, value: object) -> None:
        self.edit.setText("" if value is None else str(value))
        self._error = None


_DATE_PATTERNS = (
    re.compile(r"^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})$"),
    re.compile(r"^(\d{2})(\d{2})(\d{4})$"),
)


def parse_date(text: str) -> dt.date:
    """DD/MM/YYYY (also with - . or space, or DDMMYYYY), or 05-Apr-2008. Day first, always."""
    text = text.strip()
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
    return dt.datetime.strptime(text, "%d-%b-%Y").date()


class DateField(_LineField):
    """A date typed day first (DD/MM/YYYY) or picked from a calendar; shown back as 05-Apr-2008."""

    def __init__(self, path: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(path, title, parent, width=110, placeholder="DD/MM/YYYY")
        self.pick = QToolButton(self)
        self.pick.setText("\u2026")
        self.pick.setToolTip("Pick from a calendar")
        self.pick.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing the date is the keyboard way
        self.pick.setAccessibleName(f"{title}: pick from a calendar")
        self.pick.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.pick)
        self.calendar = QCalendarWidget(menu)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        self.pick.setMenu(menu)
        self.calendar.clicked.connect(self._picked)
        self.layout().insertWidget(1, self.pick)

    def _picked(self, qdate: QDate) -> None:
        self.pick.menu().hide()
        value = dt.date(qdate.year(), qdate.month(), qdate.day())
        self._show(value)
        self._emit(value)

    def parse(self, text: str) -> tuple[object, str | None]:
        try:
            return parse_date(text), None
        except ValueError:
            return None, f"{text} is not a date: type it day first, as DD/MM/YYYY."

    def _hint_for(self, value: object) -> None:
        self.hint.setText(show_date(value) if isinstance(value, dt.date) else "")

    def _finished(self) -> None:
        super()._finished()
        if not self._error and self.edit.text().strip():
            value, _ = self.parse(self.edit.text().strip())
            if isinstance(value, dt.date):
                self.edit.setText(value.strftime("%d/%m/%Y"))  # shown back, tidied

    def _show(self, value: object) -> None:
        self._error = None
        if isinstance(value, dt.date):
            self.edit.setText(value.strftime("%d/%m/%Y"))
            self.hint.setText(show_date(value))
            self.calendar.setSelectedDate(QDate(value.year, value.month, value.day))
        else:
            self.edit.setText("")
            self.hint.setText("")


class TimeField(_LineField):
    """A 24-hour time, HH:MM."""

    def __init__(self, path: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(path, title, parent, width=70, placeholder="HH:MM")

    def parse(self, text: str) -> tuple[object, str | None]:
        match = re.match(r"^(\d{1,2})[:.]?(\d{2})$", text)
        try:
            if not match:
                raise ValueError
            return dt.time(int(match.group(1)), int(match.group(2))), None
        except ValueError:
            return None, f"{text} is not a time: use the 24-hour clock, as HH:MM."

    def _show(self, value: object) -> None:
        self._error = None
        self.edit.setText(value.strftime("%H:%M") if isinstance(value, dt.time) else "")


_DURATION = re.compile(r"^(\d{1,4})\s*([a-z]+)$")
_DURATION_UNITS = {"d": "days", "day": "days", "days": "days",
                   "w": "weeks", "wk": "weeks", "wks": "weeks", "week": "weeks", "weeks": "weeks",
                   "m": "months", "mo": "months", "month": "months", "months": "months",
                   "y": "years", "yr": "years", "yrs": "years", "year": "years", "years": "years"}


def parse_duration(text: str) -> tuple[int, str]:
    """"5d", "3w", "4m", "2y", "5 days", "2 weeks", "1 month" -> (5, "days"), ...;
    ValueError with a GP-readable message otherwise."""
    text = text.strip().lower()
    if text.isdigit():
        raise ValueError(f"Add the unit: {text}d (days), {text}w (weeks), {text}m (months) "
                         f"or {text}y (years).")
    match = _DURATION.match(text)
    if not match or match.group(2) not in _DURATION_UNITS:
        raise ValueError(f"{text} is not a duration: type a number and a unit, as 5d, 3w, 4m "
                         "or 2y (or 5 days, 2 weeks).")
    return int(match.group(1)), _DURATION_UNITS[match.group(2)]


class DurationField(_LineField):
    """How long, in one field: "5d", "3w", "4m", "2y" (or "5 days", "2 weeks"); shown back
    in words. Its value is (number, unit) or None; the form writes both record fields."""

    def __init__(self, path: str, title: str, units: type[Enum],
                 parent: QWidget | None = None) -> None:
        super().__init__(path, title, parent, width=110, placeholder="5d, 3w, 4m")
        self.units = units
        self.setToolTip("A number and a unit: 5d (days), 3w (weeks), 4m (months), 2y (years)")

    def parse(self, text: str) -> tuple[object, str | None]:
        try:
            number, unit = parse_duration(text)
        except ValueError as exc:
            return None, str(exc)
        return (number, self.units(unit)), None

    def _hint_for(self, value: object) -> None:
        self.hint.setText(self.words(value) if isinstance(value, tuple) else "")

    @staticmethod
    def words(value: tuple) -> str:
        number, unit = value
        text = f"{number} {unit.value}"
        return text[:-1] if number == 1 else text

    def _show(self, value: object) -> None:
        self._error = None
        if isinstance(value, tuple) and value[0] is not None and value[1] is not None:
            self.edit.setText(self.words(value))
            self.hint.setText("")
        elif isinstance(value, tuple) and value[0] is not None:  # an older record: no unit
            self.edit.setText(str(value[0]))
            self.hint.setText("unit not recorded")
        else:
            self.edit.setText("")
            self.hint.setText("")


class NhsNumberField(_LineField):
    """Formats itself 3-3-4 as it is typed and shows its Modulus 11 check at once."""

    def __init__(self, path: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(path, title, parent, width=130, placeholder="000 000 0000")
        self.edit.setMaxLength(14)

    def _typed(self, text: str) -> None:
        digits = re.sub(r"\D", "", text)[:10]
        formatted = " ".join(p for p in (digits[:3], digits[3:6], digits[6:]) if p)
        if formatted != text:
            before = len(re.sub(r"\D", "", text[:self.edit.cursorPosition()]))
            self.edit.setText(formatted)
            # keep the cursor after the same digit, wherever the GP was typing
            position = before + (before > 3) + (before > 6)
            self.edit.setCursorPosition(min(position, len(formatted)))
        super()._typed(digits)

    def parse(self, text: str) -> tuple[object, str | None]:
        if len(text) < 10:
            return None, f"An NHS number has 10 digits; this one has {len(text)}."
        try:
            return nhs.normalise(text), None
        except nhs.NhsNumberError as exc:
            return None, str(exc)

    def _hint_for(self, value: object) -> None:
        digits = re.sub(r"\D", "", self.edit.text())
        if value:
            self.hint.setText("\u2713 valid NHS number")
        elif not digits:
            self.hint.setText("")
        elif len(digits) < 10:
            self.hint.setText(f"{len(digits)} of 10 digits")
        else:
            self.hint.setText("\u2717 check digit fails")

    def _say_at_once(self) -> bool:
        return len(re.sub(r"\D", "", self.edit.text())) == 10  # the check shows at once

    def _show(self, value: object) -> None:
        self._error = None
        if value:
            self.edit.setText(nhs.display(str(value)))
            self.hint.setText("\u2713 valid NHS number")
        else:
            self.edit.setText("")
            self.hint.setText("")


class MultiChoiceField(Field):
    """Several values of one enum (triggers, how information was given) as check boxes.

    Keys: Tab moves from box to box, Space ticks or clears the box with focus; the first
    letter of a box goes to it and, when only one box starts with that letter, ticks or
    clears it (the focus stays: several may be ticked; Enter moves on).
    """

    def __init__(self, path: str, title: str, options: list[Enum],
                 parent: QWidget | None = None, labels: dict[Enum, str] | None = None) -> None:
        super().__init__(path, title, parent)
        self.boxes: dict[Enum, QCheckBox] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        frame = QFrame(self)
        grid = QGridLayout(frame)
        grid.setContentsMargins(0, 0, 0, 0)
        for i, option in enumerate(options):
            text = (labels or {}).get(option) or words(option)
            box = QCheckBox(text, frame)
            box.setAccessibleName(f"{title}: {text}")
            box.toggled.connect(lambda _=False: self._emit(self.value))
            self._watch_focus(box)
            box.installEventFilter(self)
            grid.addWidget(box, i // 2, i % 2)
            self.boxes[option] = box
        layout.addWidget(frame)
        layout.addStretch(1)
        # the label's buddy is this field, not a box (a box's Alt+letter would tick it);
        # a buddy with no focus policy would take no focus from its Alt+letter at all.
        # Set before the proxy: Qt passes a later policy on to the proxy (the first box)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setFocusProxy(next(iter(self.boxes.values())))

    @property
    def value(self) -> list[Enum]:
        return [option for option, box in self.boxes.items() if box.isChecked()]

    def focus_target(self) -> QWidget:
        return next(iter(self.boxes.values()))

    def tab_widgets(self) -> list[QWidget]:
        return list(self.boxes.values())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and watched in self.boxes.values():
            letter = _letter(event)  # type: ignore[arg-type]
            if letter and event.isAutoRepeat():  # type: ignore[attr-defined]
                return True  # a held letter ticks once, not on and off
            if letter:
                boxes = list(self.boxes.values())
                matches = [b for b in boxes if b.text()[:1].lower() == letter]
                if matches:
                    later = [b for b in matches if boxes.index(b) > boxes.index(watched)]
                    box = (later[0] if later and watched in matches else matches[0])
                    box.setFocus(Qt.FocusReason.OtherFocusReason)
                    if len(matches) == 1:
                        box.toggle()
                return True
        return super().eventFilter(watched, event)

    def _show(self, value: object) -> None:
        chosen = set(value or [])  # type: ignore[arg-type]
        for option, box in self.boxes.items():
            box.setChecked(option in chosen)
