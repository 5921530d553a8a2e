"""The consultation form: every section's fields, bound to one live Record.

The form writes each edit into the record (pydantic validates it), clears
follow-up answers that no longer apply, shows or hides follow-up questions,
and shows messages next to fields. It decides nothing clinical: the main window
assesses the record after every `changed` signal.
"""

from __future__ import annotations

import datetime as dt
import itertools
import types
import typing
from enum import Enum

from pydantic import ValidationError
from PySide6.QtCore import QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from consult.record import identity
from consult.record.answers import (
    Answer,
    Character,
    Course,
    DurationUnit,
    InfoMethod,
    Interpreter,
    JobDemands,
    NsaidTried,
    PainSite,
    Place,
    Trauma,
    WeaknessOnset,
)
from consult.record.model import Record, owner_of, value_at
from consult.rules import followups, screening
from forms.form.sections import MULTI_LINE, SECTIONS, Heading, SectionSpec, section_of
from forms.form.widgets import (
    AnswerField,
    ChoiceField,
    DateField,
    DurationField,
    Field,
    MultiChoiceField,
    NhsNumberField,
    NumberField,
    TextField,
    TimeField,
)
from forms.form.widgets import words as enum_words

if typing.TYPE_CHECKING:
    from consult.rules.completeness import Problem  # a type only: no import at run time

LABEL_WIDTH = 300
MIN_LABEL_WIDTH = 170   # narrower, a question goes above its answer
FORM_MARGINS = 12 + 12 + 10   # a section's left and right margins and the label's gap
# names and numbers: one line (free text wraps and grows, so a long answer shows whole)
ONE_LINE = frozenset({"consultation.clinician_name", "consultation.gmc_number",
                      "patient.family_name", "patient.given_name"})
LAZY_BUILD_MS = 40

# Choices whose enum value does not read well on its own ("lower_back_spreading"), one
# table per enum: enums share values (Trauma.NONE == Interpreter.NONE == "none"), so one
# table keyed by value gave a choice another enum's words ("Fall or other trauma: None
# needed"). An enum not listed shows its own values in words.
CHOICE_LABELS: dict[type[Enum], dict[Enum, str]] = {
    Trauma: {Trauma.NONE: "None", Trauma.MINOR: "Minor (fall, blow)",
             Trauma.MAJOR: "Major (fall from height, road collision)"},
    PainSite: {PainSite.LOWER_BACK: "Lower back only",
               PainSite.LOWER_BACK_SPREADING: "Lower back, spreading to buttocks or upper legs",
               PainSite.THORACIC: "Thoracic (upper or mid back)",
               PainSite.WITH_ABDOMINAL_OR_LOIN: "Back with abdominal or loin pain"},
    Character: {Character.DULL_ACHING: "Dull or aching"},
    Course: {Course.BETTER: "Getting better", Course.SAME: "The same",
             Course.WORSE: "Getting worse"},
    NsaidTried: {NsaidTried.HELPING: "Tried and helping"},
    Interpreter: {Interpreter.NONE: "None needed",
                  Interpreter.FAMILY_OR_FRIEND: "Family member or friend"},
    JobDemands: {JobDemands.MANUAL: "Manual work", JobDemands.DRIVING: "Driving",
                 JobDemands.DESK: "Desk work"},
    WeaknessOnset: {WeaknessOnset.WITHIN_3_MONTHS: "Within the last 3 months",
                    WeaknessOnset.LONGER: "More than 3 months ago"},
    InfoMethod: {InfoMethod.SMS: "SMS", InfoMethod.EMAIL: "Email"},
}


def choice_labels(kind: type[Enum]) -> dict[Enum, str]:
    """The words shown for an enum's choices where its values do not read well."""
    return CHOICE_LABELS.get(kind, {})


# The duration is one field ("5d", "3w") that writes the record's two duration fields.
DURATION = "history.duration_value"
IDENTITY = "consultation.identity_confirmed"
FIELD_ALIASES = {"history.duration_unit": DURATION}

# Where the patient is is a choice; these words are for "other", or details of the place.
PLACEHOLDERS = {"consultation.patient_location":
                "For Other, or details (an address an ambulance could use)"}

NUMBER_UNITS = {"impact.pain_now": "out of 10", "impact.pain_worst": "out of 10",
                "history.morning_stiffness_minutes": "minutes"}


resolve = owner_of  # the model that owns a path's last part, and that part's name


def _field_info(path: str):
    owner, leaf = resolve(Record(), path)
    return type(owner).model_fields[leaf]


def _title(path: str) -> str:
    info = _field_info(path)
    if path.endswith(".answer"):  # a CES item: the item's own title
        owner_path = path.rsplit(".", 1)[0]
        return _field_info(owner_path).title or owner_path
    return info.title or path.rsplit(".", 1)[-1]


def _bounds(info) -> tuple[int, int]:
    low, high = 0, 9999
    for m in info.metadata:
        low = getattr(m, "ge", low) if getattr(m, "ge", None) is not None else low
        high = getattr(m, "le", high) if getattr(m, "le", None) is not None else high
    return low, high


def make_field(path: str, parent: QWidget) -> Field:
    """The widget for a record path, chosen from the model field's type."""
    info = _field_info(path)
    title = _title(path)
    annotation = info.annotation
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    kind = args[0] if isinstance(annotation, types.UnionType) or args else annotation
    if path == "patient.nhs_number":
        return NhsNumberField(path, title, parent)
    if path == DURATION:
        return DurationField(path, title, DurationUnit, parent)
    if path == "red_flags.cancer_year":
        return NumberField(path, title, 1900, 2100, parent)
    if annotation is Answer:
        return AnswerField(path, title, parent, red_flag=screening.is_red_flag_answer(path))
    if annotation is Trauma:  # "not asked" is the empty choice
        return ChoiceField(path, title, [Trauma.NONE, Trauma.MINOR, Trauma.MAJOR], parent,
                           labels=choice_labels(Trauma))
    if typing.get_origin(annotation) is list and isinstance(kind, type) and issubclass(kind, Enum):
        return MultiChoiceField(path, title, list(kind), parent, labels=choice_labels(kind))
    if isinstance(kind, type) and issubclass(kind, Enum):
        return ChoiceField(path, title, list(kind), parent, labels=choice_labels(kind))
    if kind is dt.date:
        return DateField(path, title, parent)
    if kind is dt.time:
        return TimeField(path, title, parent)
    if kind is int:
        low, high = _bounds(info)
        return NumberField(path, title, low, high, parent, unit=NUMBER_UNITS.get(path, ""))
    # free text wraps and is shown whole; a name or a number stays one line
    return TextField(path, title, parent, lines=MULTI_LINE.get(path, 1),
                     wrap=path not in ONE_LINE)


class _Row:
    def __init__(self, form: QFormLayout, label: QLabel, field: Field, error: QLabel) -> None:
        self.form, self.label, self.field, self.error = form, label, field, error
        self.visible = True  # kept here: asking Qt on every answer is slow

    def set_visible(self, visible: bool) -> None:
        self.form.setRowVisible(self.field, visible)
        self.error.setVisible(visible and bool(self.error.text()))
        self.visible = visible


class _HeadingGroup:
    """A sub-heading (and its note) and the questions under it, up to the next heading."""

    def __init__(self, form: QFormLayout, widgets: list[QLabel]) -> None:
        self.form, self.widgets = form, widgets
        self.rows: list[_Row] = []
        self.visible = True

    def set_visible(self, visible: bool) -> None:
        if visible != self.visible:
            for widget in self.widgets:
                self.form.setRowVisible(widget, visible)
            self.visible = visible


class _Hint(QLabel):
    """A wrapped hint as tall as its lines at the width it is given: a form layout gives a
    row that spans it the height of one line otherwise (at 200% scaling the cauda equina
    note and a group's other-section questions were cut)."""

    def __init__(self, text: str, parent: QWidget) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
        self.setProperty("role", "hint")

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        need = self.heightForWidth(self.width())
        if need > 0 and need != self.minimumHeight():
            self.setMinimumHeight(need)


class SectionWidget(QFrame):
    def __init__(self, spec: SectionSpec, parent: QWidget) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setObjectName(f"section_{spec.id}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 14)
        heading = QLabel(spec.title, self)
        heading.setObjectName("sectionHeading")
        heading.setAccessibleName(f"Section: {spec.title}")
        layout.addWidget(heading)
        if spec.note:
            layout.addWidget(_Hint(spec.note, self))
        self.extra = QVBoxLayout()
        layout.addLayout(self.extra)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        layout.addLayout(self.form)
        self.rows: dict[str, _Row] = {}
        self.headings: list[_HeadingGroup] = []
        self.group_buttons: dict[str, QPushButton] = {}  # screening group id -> its button
        self.button_before: dict[str, QPushButton] = {}  # question path -> button before it
        self._button_waiting: QPushButton | None = None
        for entry in spec.entries:
            if isinstance(entry, Heading):
                sub = QLabel(entry.text, self)
                sub.setObjectName("subHeading")
                sub.setAccessibleName(f"Heading: {entry.text}")
                top: QWidget = sub
                if entry.group:  # the group's "all denied" button on the heading's line
                    top = QWidget(self)
                    line = QHBoxLayout(top)
                    line.setContentsMargins(0, 0, 0, 0)
                    line.setSpacing(0)
                    # the button in the answers' column, under each other from group to group
                    sub.setFixedWidth(LABEL_WIDTH + max(self.form.horizontalSpacing(), 0))
                    sub.setWordWrap(True)
                    line.addWidget(sub, 0, Qt.AlignmentFlag.AlignBottom)
                    line.addWidget(self._group_button(entry.group), 0,
                                   Qt.AlignmentFlag.AlignBottom)
                    line.addStretch(1)
                self.form.addRow(top)
                group = _HeadingGroup(self.form, [top])
                elsewhere = _asked_elsewhere(entry.group, spec) if entry.group else ""
                if elsewhere:  # what "All denied" records outside this section, in view
                    also = _Hint(elsewhere, self)
                    also.setObjectName(f"groupElsewhere:{entry.group}")
                    self.form.addRow(also)
                    group.widgets.append(also)
                for path, words in entry.elsewhere:  # asked in another section, after its parent
                    there = _Hint(_asked_after(path, words), self)
                    there.setObjectName(f"askedElsewhere:{path}")
                    self.form.addRow(there)
                    group.widgets.append(there)
                if entry.note:
                    hint = _Hint(entry.note, self)
                    self.form.addRow(hint)
                    group.widgets.append(hint)
                self.headings.append(group)
                continue
            field = make_field(entry, self)
            if entry in PLACEHOLDERS and isinstance(field, TextField):
                field.editor.setPlaceholderText(PLACEHOLDERS[entry])
            text = _label_text(entry)
            label = QLabel(MNEMONIC_LABELS.get(entry, text.replace("&", "&&")), self)
            # a check box as buddy would be ticked by its Alt+letter: the field itself takes
            # the shortcut and passes the focus on (issue 13: Alt+R ticked "Lifting")
            label.setBuddy(field if isinstance(field, MultiChoiceField) else field.focus_target())
            label.setWordWrap(True)
            label.setFixedWidth(LABEL_WIDTH)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            error = QLabel(self)
            error.setProperty("role", "error")
            error.setWordWrap(True)
            error.setObjectName(f"error:{entry}")
            error.hide()
            self.form.addRow(label, field)
            self.form.addRow("", error)
            self.rows[entry] = _Row(self.form, label, field, error)
            if self._button_waiting is not None:  # Tab reaches the button just before
                self.button_before[entry] = self._button_waiting
                self._button_waiting = None
            if self.headings:
                self.headings[-1].rows.append(self.rows[entry])
        first = next(e for e in spec.entries if isinstance(e, str))
        if first in HEADING_MNEMONICS:  # the section's shortcut is on its heading
            heading.setText(HEADING_MNEMONICS[first])
            heading.setBuddy(self.rows[first].label.buddy())

    def _group_button(self, group_id: str) -> QPushButton:
        """"All denied" for one clinical group (clinical reference, 5a): never all red flags."""
        group = screening.GROUP_BY_ID[group_id]
        button = QPushButton("All denied", self)
        button.setObjectName(f"groupNo:{group_id}")
        button.setAutoDefault(False)
        button.setAccessibleName(f"{group.title}: all denied. Records every question of this "
                                 "group still not asked as No")
        questions = "\n".join("\u2022 " + _title(p) for p in group.paths)
        button.setToolTip(f"{group.title}: records as No each question of this group that "
                          "applies and is still 'Not asked' (answers given are never changed, "
                          "and the details a Yes asks for are asked one by one); the note says "
                          "they were asked as a group. Space on this button (or a click), or "
                          f"{ConsultationForm.GROUP_DENIED_KEYS} on any of its questions in this "
                          "section, does the same; N answers one question, never a group. Space "
                          "then moves the focus to the next group's first question; "
                          f"{ConsultationForm.GROUP_DENIED_KEYS} leaves the focus where it is: one "
                          f"group per deliberate press (a held key does not repeat).\n{questions}")
        self.group_buttons[group_id] = button
        self._button_waiting = button
        return button

    def refresh_headings(self) -> None:
        """A heading shows while any question under it shows (the video observation
        heading goes with its questions in a telephone consultation)."""
        for group in self.headings:
            group.set_visible(any(row.visible for row in group.rows))

    def fit_labels(self, width: int, above: bool) -> None:
        """Questions `width` wide beside their answers, or above them (`above`, a narrow
        window), so that the form never scrolls sideways."""
        policy = QFormLayout.RowWrapPolicy.WrapAllRows if above \
            else QFormLayout.RowWrapPolicy.DontWrapRows
        if self.form.rowWrapPolicy() != policy:
            self.form.setRowWrapPolicy(policy)
        side = Qt.AlignmentFlag.AlignLeft if above else Qt.AlignmentFlag.AlignRight
        for row in self.rows.values():
            if row.label.width() != width or row.label.minimumWidth() != width:
                row.label.setFixedWidth(width)
            # the lines the question wraps to at this width (a form layout gives a label
            # the height of one line, or of its answer, otherwise)
            row.label.setMinimumHeight(row.label.heightForWidth(width))
            row.label.setAlignment(side | Qt.AlignmentFlag.AlignVCenter)
        for label in self.findChildren(QLabel, "subHeading"):
            if label.parentWidget() is not self:   # a group's, its button after it: in the
                if above:                          # answers' column, or after the heading
                    button = label.parentWidget().findChild(QPushButton)
                    room = width - (button.sizeHint().width() + 12 if button else 0)
                    label.setFixedWidth(max(room, MIN_LABEL_WIDTH // 2))
                else:
                    label.setFixedWidth(width + max(self.form.horizontalSpacing(), 0))


# Letters the menus, side lists and plan panel already use: Alt+letter must do one thing.
# (The Go menu has no letter: its two entries are F6 and F7, and the form needs every letter
# it can get so that each of the twelve sections has a shortcut.)
RESERVED_MNEMONICS = set("feph" + "st" + "anidc")


HEADING_MNEMONICS: dict[str, str] = {}  # first question's path -> its section heading, with &


# question -> the questions that hang on it (followups.PARENTS turned round)
_FOLLOW_UPS: dict[str, list[str]] = {}
for _child, _parents in followups.PARENTS.items():
    for _parent in _parents:
        _FOLLOW_UPS.setdefault(_parent, []).append(_child)


# The follow-ups whose Yes is a red flag (sepsis signs, the pregnancy warning signs, the
# metastasis features, leg weakness, ...): a parent's answer that stops one applying clears
# it, and the form says so and keeps the Yes aside (CSO review 2026-12-07c, finding 4).
RED_FLAG_FOLLOW_UPS = tuple(p for p in followups.RULES if screening.is_red_flag_answer(p)
                            and _field_info(p).annotation is Answer)


def _quoted(paths: list[str]) -> str:
    return ", ".join(f"'{_title(p)}'" for p in paths)


def _asked_elsewhere(group_id: str, spec: SectionSpec) -> str:
    """The group's questions shown away from its heading, said under it: its "All denied"
    records them too (clinical reference 5a: the clinical group). Those another section
    shows, and those under another heading of this section (the cancer group's weak flags,
    two screens below the Cancer heading: a GP's second walk-through)."""
    under, other_headings, heading = set(), {}, None
    for e in spec.entries:
        if isinstance(e, Heading):
            heading = e
        elif heading is not None and heading.group == group_id:
            under.add(e)
        elif heading is not None:
            other_headings[e] = heading.text.split(" (")[0]  # "Weak flags"
    shown = {e for e in spec.entries if isinstance(e, str)}

    def away(p: str) -> bool:
        return p not in under and p.rsplit(".", 1)[0] not in under \
            and p not in followups.RULES  # a follow-up is never recorded by a group

    paths = [p for p in screening.GROUP_BY_ID[group_id].paths if away(p)]
    here = [p for p in paths if p in shown or p.rsplit(".", 1)[0] in shown]
    there = [p for p in paths if p not in here]
    said = []
    if here:
        headings = dict.fromkeys(other_headings.get(p, other_headings.get(p.rsplit(".", 1)[0],
                                                                            "")) for p in here)
        said.append(f"under {' and '.join(h for h in headings if h) or 'other headings'} "
                    f"below: " + "; ".join(_title(p) for p in here))
    if there:
        titles = {s.id: s.title for s in SECTIONS}
        said.append("from other sections: " + "; ".join(
            f"{_title(p)} ({titles.get(section_of(p) or '', 'elsewhere')})" for p in there))
    return f"All denied also records, {'; and '.join(said)}." if said else ""


def _asked_after(path: str, words: str) -> str:
    """Where a question of this heading's topic is asked in another section: "In pregnancy
    the warning signs are asked under Medicines and medicine safety, after 'Pregnant, or
    gave birth in the last 6 weeks'; All denied does not record them." Section and parent
    read from the sections and the record model, so the line follows them."""
    titles = {s.id: s.title for s in SECTIONS}
    parents = " or ".join(f"'{_title(p)}'" for p in followups.PARENTS.get(path, ()))
    after = f", after {parents}" if parents else ""
    group = "" if screening.group_of(path) else "; All denied does not record them"
    return f"{words} are asked under {titles.get(section_of(path) or '', 'another section')}" \
        f"{after}{group}."


def _mnemonic_labels() -> dict[str, str]:
    """Label texts with a keyboard mnemonic, each letter used once in the whole window.

    The first question of every section gets one first (Alt+letter jumps to the
    section); letters left over go to the questions that follow, in order.
    """
    used = set(RESERVED_MNEMONICS)
    labels: dict[str, str] = {}

    def give(path: str) -> None:
        text = _label_text(path)
        for i, ch in enumerate(text):
            if ch.isascii() and ch.isalpha() and ch.lower() not in used:
                used.add(ch.lower())
                labels[path] = text[:i].replace("&", "&&") + "&" + text[i:].replace("&", "&&")
                return

    def letters(path: str) -> list[str]:
        return list(dict.fromkeys(ch.lower() for ch in _label_text(path)
                                  if ch.isascii() and ch.isalpha() and ch.lower() not in used))

    def mark(path: str, letter: str) -> None:
        text = _label_text(path)
        i = text.lower().index(letter)
        used.add(letter)
        labels[path] = text[:i].replace("&", "&&") + "&" + text[i:].replace("&", "&&")

    paths = [e for spec in SECTIONS for e in spec.entries if isinstance(e, str)]
    firsts = [next(e for e in spec.entries if isinstance(e, str)) for spec in SECTIONS]
    # every section needs its shortcut: the first questions share the letters as a matching
    # (each takes a letter of its own label; "Pain now (0-10)" has only o and w left)
    # or, failing that, a letter of the section's heading (a mnemonic on the heading,
    # whose buddy is the first question)
    titles = {first: spec.title for first, spec in zip(firsts, SECTIONS, strict=True)}
    owner: dict[str, str] = {}

    def options(path: str) -> list[str]:
        heading = [ch.lower() for ch in titles[path] if ch.isascii() and ch.isalpha()
                   and ch.lower() not in used]
        return list(dict.fromkeys([*letters(path), *heading]))

    def take(path: str, seen: set[str]) -> bool:
        for letter in options(path):
            if letter in seen:
                continue
            seen.add(letter)
            if letter not in owner or take(owner[letter], seen):
                owner[letter] = path
                return True
        return False

    for path in firsts:
        take(path, set())
    for letter, path in sorted(owner.items(), key=lambda item: firsts.index(item[1])):
        if letter in letters(path):
            mark(path, letter)
        else:
            title = titles[path]
            i = title.lower().index(letter)
            used.add(letter)
            HEADING_MNEMONICS[path] = title[:i].replace("&", "&&") + "&" + \
                title[i:].replace("&", "&&")
    for path in paths:
        if path not in firsts:
            give(path)
    return labels


def _label_text(path: str) -> str:
    text = _title(path)
    if path.startswith("red_flags.ces_") and not path.endswith(".answer"):
        text = "\u21b3 " + text
    return text


class ConsultationForm(QScrollArea):
    """All sections in one scrolling page; nothing is hidden behind a wizard."""

    changed = Signal(str)  # the path the GP just changed
    built = Signal()  # every section exists: the window can chain its tab order
    finished = Signal()  # no question left to go to: the window moves on to the plan
    #: a group's "all denied" (its button or the chord): the group's id and the paths it
    #: recorded as No (none when every question was answered already)
    groupAnswered = Signal(str, list)
    hint = Signal(str)  # one line for the status bar: why a key did nothing

    EAGER_SECTIONS = 2  # built before the first paint; the rest straight after it
    # the window's "Red-flag group: all denied" action and every word that names its keys
    GROUP_DENIED_KEYS = "Ctrl+G"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setObjectName("consultationForm")
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the fields take focus, not the frame
        self._body = QWidget(self)
        self._body.setObjectName("formBody")
        self._layout = QVBoxLayout(self._body)
        self._layout.setSpacing(6)
        self._layout.addStretch(1)
        self.sections: dict[str, SectionWidget] = {}
        self._fields: dict[str, Field] = {}
        self._rows: dict[str, _Row] = {}
        self._pending = list(SECTIONS)
        self.record = Record()
        self._parse_errors: dict[str, str] = {}
        self._visited: set[str] = set()
        self._problems: dict[str, str] = {}
        self._shown_errors: set[str] = set()
        self._prefilled: set[str] = set()
        # red-flag follow-ups whose Yes a parent's answer cleared: {path: the value the clear
        # left}. Never in the record (it holds the cleared value, so the Yes never counts
        # while hidden); the Yes is shown again if the question applies again (finding 4)
        self._kept_aside: dict[str, object] = {}
        # (the answer just given, the Yes it brought back): that answer's move goes there
        self._show_restored: tuple[str, str] | None = None
        # the identifiers the identity was confirmed against (None: not confirmed)
        self._confirmed_details: identity.Details | None = None
        # the question Enter said "Still to answer" of (None: nothing said)
        self._enter_hint: str | None = None
        # the rest of the sections, one a tick once the window is on screen (all at once
        # took about 300 ms, and a key typed meanwhile waited); a child of the form, so
        # it stops with it. ensure_built() builds what is left at once when it is needed
        self._build_timer = QTimer(self)
        self._build_timer.setSingleShot(True)
        self._build_timer.timeout.connect(self._build_next)
        self._build(self.EAGER_SECTIONS)
        self.setWidget(self._body)

    # -- building: the first sections now, the rest right after the first paint ----
    @property
    def rows(self) -> dict[str, _Row]:
        self.ensure_built()
        return self._rows

    @property
    def fields(self) -> dict[str, Field]:
        self.ensure_built()
        return self._fields

    def group_button(self, group_id: str) -> QPushButton:
        """The "all denied" button of a screening group (consult.rules.screening.GROUPS)."""
        self.ensure_built()
        return next(s.group_buttons[group_id] for s in self.sections.values()
                    if group_id in s.group_buttons)

    def ensure_built(self) -> None:
        if self._pending:
            self._build(len(self._pending))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._pending and not self._build_timer.isActive():  # after the first frame
            self._build_timer.start(LAZY_BUILD_MS)

    def _build_next(self) -> None:
        """One more section; the next after whatever input came meanwhile."""
        if self._pending:
            self._build(1)
        if self._pending:
            self._build_timer.start(0)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_labels()

    def _fit_labels(self) -> None:
        """Labels LABEL_WIDTH wide where the answers still fit beside them, narrower (they
        wrap) down to MIN_LABEL_WIDTH, and above the answers on a narrower form (1366x768
        with the side panels, or 200% scaling): never a sideways scroll."""
        body = self._layout.contentsMargins()
        room = self.viewport().width() - body.left() - body.right() - FORM_MARGINS
        answers = max((r.field.minimumSizeHint().width() for r in self._rows.values()),
                      default=0)
        width = min(LABEL_WIDTH, room - answers)
        above = width < MIN_LABEL_WIDTH
        if above:
            width = max(min(room, 2 * LABEL_WIDTH), 1)
        if (width, above) != self._labels_fitted:
            self._labels_fitted = (width, above)
            for section in self.sections.values():
                section.fit_labels(width, above)

    def _build(self, count: int) -> None:
        specs, self._pending = self._pending[:count], self._pending[count:]
        for spec in specs:
            section = SectionWidget(spec, self._body)
            self._layout.insertWidget(self._layout.count() - 1, section)
            section.show()  # now: a layout shows a new child only at the next event loop
            self.sections[spec.id] = section
            for path, row in section.rows.items():
                self._rows[path] = row
                self._fields[path] = row.field
                row.field.edited.connect(lambda value, p=path: self._edited(p, value))
                row.field.invalid.connect(lambda message, p=path: self._invalid(p, message))
                row.field.left.connect(lambda p=path: self._left(p))
                row.field.advance.connect(lambda p=path: self._advance_from(p))
                row.field.said.connect(self.hint.emit)
                self._show_value(path)
                if path in self._prefilled:
                    self._mark_prefilled(path, True)
            for group_id, button in section.group_buttons.items():
                button.clicked.connect(lambda _=False, g=group_id, b=button:
                                       self._group_answered(g, b))
                button.installEventFilter(self)
        self._labels_fitted = None
        self._fit_labels()
        if not self._pending:
            self._set_tab_order()
            self.built.emit()
        self._refresh_visibility()
        self._refresh_errors()

    def _show_value(self, path: str) -> None:
        if path == DURATION:
            history = self.record.history
            value: object = (history.duration_value, history.duration_unit) \
                if history.duration_value is not None else None
            self._fields[path].set_value(value)
            return
        owner, leaf = resolve(self.record, path)
        value = getattr(owner, leaf)
        self._fields[path].set_value(None if value is Trauma.NOT_ASKED else value)

    # -- binding -------------------------------------------------------------
    def load(self, record: Record) -> None:
        """Show a record (a new one, or one opened from a file) in every field."""
        focus = QApplication.focusWidget()
        if focus is not None and self.isAncestorOf(focus):
            focus.clearFocus()  # leaving a field now must not flag the new, blank record
        self.record = record
        self._confirmed_details = identity.details(record) \
            if record.consultation.identity_confirmed is Answer.YES else None
        self.set_prefilled([])  # another record: what was filled in for the last one is not
        self._enter_hint = None
        self.hint.emit("")  # another record: nothing the form said of the last one stays
        self._kept_aside.clear()  # another record: the last one's cleared answers are not its
        self._show_restored = None
        self._parse_errors.clear()
        self._visited.clear()
        self._problems.clear()
        for path in list(self._shown_errors):
            row = self._rows[path]
            row.error.clear()
            row.error.hide()
            row.field.setProperty("invalid", False)
            row.field.setAccessibleDescription("")
        self._shown_errors.clear()
        for path in self._fields:  # sections not built yet read the record when built
            self._show_value(path)
        self._refresh_visibility()
        self._refresh_errors()

    def _edited(self, path: str, value: object) -> None:
        if path in self._prefilled:  # the GP's own value now: Tab visits it again
            self._prefilled.discard(path)
            self._mark_prefilled(path, False)
        if path == DURATION:
            self._edited_duration(value)
            return
        owner, leaf = resolve(self.record, path)
        if path == "triggers.trauma" and value is None:
            value = Trauma.NOT_ASKED
        before = getattr(owner, leaf)
        try:
            setattr(owner, leaf, value)
        except ValidationError as exc:
            message = exc.errors(include_url=False)[0]["msg"].removeprefix("Value error, ")
            self._parse_errors[path] = message
            if getattr(owner, leaf) is not None:
                try:  # never leave an older value behind a refused one
                    setattr(owner, leaf, None)
                except ValidationError:
                    pass
                else:
                    self._after_change(path)
                    return
            self._refresh_errors()
            return
        self._parse_errors.pop(path, None)
        screening.answered_one_by_one(self.record, path)  # no longer "asked as a group"
        self._identity_kept(path, before)
        self._after_change(path)

    def _identity_kept(self, path: str, before: object) -> None:
        """The identity confirmed against these details: kept with a Yes; a correction of
        one of them afterwards asks for it again (consult.record.identity)."""
        if path == IDENTITY:
            confirmed = self.record.consultation.identity_confirmed is Answer.YES
            self._confirmed_details = identity.details(self.record) if confirmed else None
        elif path in identity.IDENTIFIERS and self._confirmed_details is not None \
                and identity.corrected_since(self.record, self._confirmed_details):
            self.ask_identity_again()

    def ask_identity_again(self) -> None:
        """The patient's details changed after the identity was confirmed (corrected, or
        chosen from the list): the confirmation goes back to "not asked"."""
        self._confirmed_details = None
        if identity.ask_again(self.record):
            self._show_value(IDENTITY)
            self.hint.emit("The patient's details changed after their identity was "
                           "confirmed: confirm it again with the patient.")

    def _edited_duration(self, value: object) -> None:
        number, unit = value if isinstance(value, tuple) else (None, None)
        history = self.record.history
        try:
            history.duration_value = number
        except ValidationError as exc:
            message = exc.errors(include_url=False)[0]["msg"].removeprefix("Value error, ")
            self._parse_errors[DURATION] = f"How long: {message.lower()}."
            history.duration_value = None
            history.duration_unit = None
            self._after_change(DURATION)
            return
        history.duration_unit = unit
        self._parse_errors.pop(DURATION, None)
        self._after_change(DURATION)

    def _after_change(self, path: str) -> None:
        yes = [p for p in RED_FLAG_FOLLOW_UPS if value_at(self.record, p) is Answer.YES]
        cleared = followups.clear_hidden(self.record)
        for done in cleared:
            if done in self._fields:
                self._show_value(done)
                self._parse_errors.pop(done, None)
        put_aside = [p for p in cleared if p in yes]
        for aside in put_aside:
            self._kept_aside[aside] = value_at(self.record, aside)
        restored = self._restore_kept_aside()
        self._show_restored = (path, restored[0]) if restored else None
        self._refresh_visibility()
        self._refresh_errors()
        if path == self._enter_hint:  # answered: "Still to answer" goes
            self._drop_enter_hint()
        if put_aside or restored:
            self.hint.emit(self._kept_aside_words(path, put_aside, restored))
        self.changed.emit(path)

    def _restore_kept_aside(self) -> list[str]:
        """A red-flag follow-up's Yes that a parent's answer cleared, shown again once the
        question applies again (the parent back to Yes), unless something else was
        recorded for it meanwhile; the status bar says so (CSO review 2026-12-07c,
        finding 4: a Yes the GP gave never vanishes silently, nor comes back silently)."""
        restored: list[str] = []
        for path, left in list(self._kept_aside.items()):
            if not followups.applies(self.record, path):
                continue
            del self._kept_aside[path]
            if value_at(self.record, path) == left:
                owner, leaf = resolve(self.record, path)
                setattr(owner, leaf, Answer.YES)
                if path in self._fields:
                    self._show_value(path)
                restored.append(path)
        return restored

    def _kept_aside_words(self, path: str, put_aside: list[str], restored: list[str]) -> str:
        """The status bar's line: which Yes was cleared or is back, named, and why."""
        value = value_at(self.record, path) if path != DURATION else None
        if isinstance(value, Answer):
            words = value.label
        elif isinstance(value, Enum):
            words = choice_labels(type(value)).get(value) or enum_words(value)
        else:
            words = ""
        because = f"'{_title(path)}' is now {words}" if words else f"'{_title(path)}' changed"
        # what and whether it is kept first: a long line is cut at the window's edge
        said = []
        if put_aside:
            back = "it applies" if len(put_aside) == 1 else "they apply"
            said.append(f"Cleared the Yes to {_quoted(put_aside)} (kept aside, back if {back} "
                        f"again): {because}.")
        if restored:
            said.append(f"Shown again: the Yes given before to {_quoted(restored)} (check it "
                        f"still holds): {because}.")
        return " ".join(said)

    def _invalid(self, path: str, message: str) -> None:
        self._parse_errors[path] = message
        self._visited.add(path)
        self._refresh_errors()

    def _left(self, path: str) -> None:
        self._visited.add(path)
        self._refresh_errors()

    def record_group_as_no(self, group_id: str) -> list[str]:
        """One clinical group's questions still not asked recorded as No (never all groups)."""
        changed = screening.record_group_as_no(self.record, group_id)
        for path in changed:
            if path in self._fields:
                self._show_value(path)
        if changed:
            self._after_change("red_flags.asked_as_group")
        self._show_group(group_id)
        self.groupAnswered.emit(group_id, changed)
        return changed

    def _show_group(self, group_id: str) -> None:
        """The group's heading and its questions scrolled into view, as much as fits, with
        the focus kept in view: what a group's answer records is seen (CSO second re-check
        of 07c, N6: Ctrl+G on a question reached by Tab recorded 7, 3 of them in view)."""
        button = self.group_button(group_id)
        heading = next((h for s in self.sections.values() for h in s.headings
                        if h.widgets and h.widgets[0].isAncestorOf(button)), None)
        if heading is None:
            return
        body = self.widget()
        top = heading.widgets[0].mapTo(body, QPoint(0, 0)).y()
        bottom = max((r.field.mapTo(body, QPoint(0, r.field.height())).y()
                      for r in heading.rows if r.visible), default=top)
        bar, view = self.verticalScrollBar(), self.viewport().height()
        if top < bar.value() or bottom > bar.value() + view:
            # the least move that shows it all; a group taller than the view from its top
            bar.setValue(top - 10 if top < bar.value() or bottom - top + 20 > view
                         else bottom - view + 10)
            focus = QApplication.focusWidget()
            if focus is not None and body.isAncestorOf(focus):
                self.ensureWidgetVisible(focus, 50, 20)

    def _group_answered(self, group_id: str, button: QPushButton) -> None:
        """The focus goes on to the next unanswered question, never to the next group's
        button, so the same key pressed over and over never denies a second group (clinical
        reference 5a; CSO review 2026-12-07, finding 1: five N presses recorded 30 red
        flags as No)."""
        self.record_group_as_no(group_id)
        if button.hasFocus():
            self._advance_from_widget(button)

    def eventFilter(self, watched, event) -> bool:
        """N answers one question, never a group: on a group's "All denied" button it
        does nothing and says so (it denied the whole group until the CSO review
        2026-12-07b, finding 2: N meant one question on a question and a whole group on a
        button). Space or a click presses the button."""
        if event.type() == QEvent.Type.KeyPress and isinstance(watched, QPushButton) \
                and watched.objectName().startswith("groupNo:") \
                and event.key() == Qt.Key.Key_N \
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            if not event.isAutoRepeat():
                self.hint.emit("N answers one question, never a group: Space on \"All "
                               "denied\" (or a click) records the whole group.")
            return True
        return super().eventFilter(watched, event)

    # -- where the focus goes next ----------------------------------------------------------
    def set_prefilled(self, paths: list[str]) -> None:
        """Values filled for the GP (settings, the clock, the patient list): Tab passes
        them by (Shift+Tab and a click still reach them) until the GP edits one."""
        for path in self._prefilled - set(paths):
            self._mark_prefilled(path, False)
        self._prefilled = set(paths)
        for path in self._prefilled:
            self._mark_prefilled(path, True)

    def prefilled(self) -> set[str]:
        return set(self._prefilled)

    def add_prefilled(self, paths: list[str]) -> None:
        self.set_prefilled(sorted(self._prefilled | set(paths)))

    def set_answer(self, path: str, value: object) -> None:
        """An answer the window records for the GP (the plan's safety-netting item ticked):
        shown and reported as an edit would be."""
        owner, leaf = resolve(self.record, path)
        setattr(owner, leaf, value)
        if path in self._fields:
            self._show_value(path)
        self._after_change(path)

    def section_shortcuts(self) -> list[tuple[str, str]]:
        """("Alt+W", "Duration and pattern") for each section: its first question's
        mnemonic moves the focus there (never answers it)."""
        found = []
        for spec in SECTIONS:
            first = next(e for e in spec.entries if isinstance(e, str))
            text = MNEMONIC_LABELS.get(first, "") or HEADING_MNEMONICS.get(first, "")
            letter = next((text[i + 1] for i in range(len(text) - 1)
                           if text[i] == "&" and text[i + 1] != "&"
                           and (i == 0 or text[i - 1] != "&")), "")
            if letter:
                found.append((f"Alt+{letter.upper()}", spec.title))
        return found

    def _mark_prefilled(self, path: str, on: bool) -> None:
        field = self._fields.get(path)
        if field is None:
            return  # marked when its section is built
        for widget in field.tab_widgets():
            widget.setProperty("prefilled", on)
        field.setToolTip("Filled in for you: Shift+Tab or a click to change it" if on else "")

    def _stops(self) -> list[tuple[str | None, str | None, QWidget]]:
        """Every question (path, None, field) and group button (None, group, button), in
        the order Tab visits them. Listed once for the sections built so far (sections are
        only ever added, whole), not again on every answer (issue 14); not to be changed."""
        cached = getattr(self, "_stops_built", None)
        if cached is not None and cached[0] == len(self.sections):
            return cached[1]
        stops: list[tuple[str | None, str | None, QWidget]] = []
        for section in self.sections.values():
            before = {p: b for p, b in section.button_before.items()}
            groups = {id(b): g for g, b in section.group_buttons.items()}
            for path, row in section.rows.items():
                if path in before:
                    stops.append((None, groups[id(before[path])], before[path]))
                stops.append((path, None, row.field))
        self._stops_built = (len(self.sections), stops)
        return stops

    def _follow_ups_to_come(self, path: str) -> bool:
        """Questions that hang on `path` still wait, shown and not yet reached: what the
        completeness check says of `path` (leg symptoms yes, but none of pain, numbness or
        weakness yet) waits for them, not shown the instant Y is pressed (a GP's
        walk-through). The To finish list still has it."""
        return any(c in self._rows and self._rows[c].visible and c not in self._visited
                   and self._unanswered(c) for c in _FOLLOW_UPS.get(path, ()))

    def _unanswered(self, path: str) -> bool:
        if path == DURATION:
            return self.record.history.duration_value is None
        owner, leaf = resolve(self.record, path)
        value = getattr(owner, leaf)
        return value in (None, "", [], Answer.NOT_ASKED, Trauma.NOT_ASKED)

    def _open(self, stop: tuple[str | None, str | None, QWidget], required: bool) -> bool:
        path, group_id, widget = stop
        if not widget.isVisibleTo(self._body) or not widget.isEnabled():
            return False
        if group_id is not None:
            paths = [p for p in screening.GROUP_BY_ID[group_id].paths
                     if followups.applies(self.record, p) and self._unanswered(p)]
            return bool(paths) and (not required or any(p in self._problems for p in paths))
        assert path is not None
        row = self._rows[path]
        if not row.visible or path in self._prefilled or not self._unanswered(path):
            return False
        if required:
            return path in self._problems
        # free text is a detail: the next question is one with an answer to choose
        return not isinstance(row.field, TextField) or path in self._problems

    def _index_of(self, stops, widget: QWidget | None) -> int:
        while widget is not None:
            for i, (_p, _g, w) in enumerate(stops):
                if w is widget:
                    return i
            widget = widget.parentWidget()
        return -1

    def focus_moved(self, widget: QWidget | None) -> None:
        """The focus went to `widget` (any widget of the window, or none)."""
        self.keep_in_view(widget)
        hinted = self._enter_hint
        field = self._fields.get(hinted) if hinted else None
        if field is not None and (widget is None or not (widget is field
                                                          or field.isAncestorOf(widget))):
            self._drop_enter_hint()  # the GP left that question: its hint is stale

    def _drop_enter_hint(self) -> None:
        """Take back Enter's "Still to answer" words (CSO review 2026-12-07c, finding 2:
        they outlived the question, even the consultation, they were about)."""
        if self._enter_hint is not None:
            self._enter_hint = None
            self.hint.emit("")

    def _show_with_room(self, widget: QWidget) -> None:
        """Scroll `widget` into view with a third of the view around it: the question
        with the focus is never at the edge, and what follows it (the rest of its group,
        which a group's answer records) shows below it (a GP's second walk-through: Ctrl+G
        on a group's first question, at the bottom edge, showed 3 of its 7 questions).
        Qt's ensureWidgetVisible keeps its margins only when it has to scroll anyway."""
        view = self.viewport().height()
        room = max(80, view // 3)
        bar = self.verticalScrollBar()
        top = widget.mapTo(self.widget(), QPoint(0, 0)).y()
        at = top - bar.value()  # where it is in the view now
        if not room <= at <= view - room - widget.height():
            # a third of the view down: the next answers need no scroll for a while (one
            # move of the view, not one per answer: each repaints the whole form)
            bar.setValue(top - room)

    def keep_in_view(self, widget: QWidget | None) -> None:
        """A question that takes the focus by any key (an Alt+letter section shortcut, Tab,
        a click) is scrolled into view, as the form's own moves are: a GP's walk-through
        found Alt+G, then L, ticking "Lifting" below the visible form, and STarT Back
        answered off screen after Alt+R."""
        if widget is None or not self._body.isAncestorOf(widget):
            return
        self.ensureWidgetVisible(widget, 50, 80)  # a click's target stays under the mouse

    def _focus_stop(self, stop) -> None:
        """Focus a question or group button; its message shows when the GP leaves it."""
        path, _group, widget = stop
        if path is not None:
            widget = self._rows[path].field.focus_target()
        self._show_with_room(widget)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def _advance_from(self, path: str) -> None:
        field = self._fields[path]
        shown, self._show_restored = self._show_restored, None
        if shown is not None and shown[0] == path and self.focus_field(shown[1]):
            from forms.frame import lay_out_now

            lay_out_now()  # the Yes shown again is where the focus goes: seen, and N changes it
            return
        words = {  # a choice whose details are typed next: its box, not the next question
            "consultation.patient_place": ("consultation.patient_location",
                                           self.record.consultation.patient_place is Place.OTHER),
            # the GP says where the numbness is next: a GP's second walk-through typed it
            # into the Yes/No question the move-on had skipped to ("and" recorded a No)
            "legs.numbness_side": ("legs.numbness_where", not self.record.legs.numbness_where),
        }.get(path)
        if words is not None and words[1] and self._rows[words[0]].visible:
            from forms.frame import lay_out_now

            self._focus_stop((words[0], None, field))  # where, in words
            lay_out_now()  # as _advance_from_widget: laid out before the answer's one paint
            return
        self._advance_from_widget(field)

    def _advance_from_widget(self, widget: QWidget) -> None:
        """After an answer by one key: the next question still unanswered. What the move
        changed is laid out now, before the answer's one paint (issue 14)."""
        from forms.frame import lay_out_now

        self.focus_next(widget, required=False)
        lay_out_now()

    def focus_next(self, widget: QWidget | None, required: bool) -> bool:
        """Focus the next unanswered question after `widget` (`required`: only one the
        completeness check asks for, coming round to the top); `finished` when none.

        It stops only at questions, never at a group's "All denied" button, after an
        answer or on Enter alike: a key pressed next answers the one question it lands on,
        never the next group unread (CSO reviews 2026-12-07, finding 1, and 2026-12-07b,
        finding 2). Tab and Shift+Tab reach the buttons."""
        self.ensure_built()
        stops = self._stops()
        start = self._index_of(stops, widget)
        order = stops[start + 1:] + (stops[:start + 1] if required else [])
        for stop in order:
            if stop[1] is not None:
                continue
            if self._open(stop, required):
                self._focus_stop(stop)
                return True
        self.finished.emit()
        return False

    def focus_first_unanswered(self) -> None:
        """A new consultation starts at its first question with nothing in it. The
        sections built so far are looked at first: building the rest before the first
        paint would add about 350 ms to start-up (issue 14); they are built after it."""
        for everything in (False, True):
            if everything:
                if not self._pending:
                    break
                self.ensure_built()
            for stop in self._stops():
                if self._open(stop, required=False):
                    self._focus_stop(stop)
                    self.verticalScrollBar().setValue(0)
                    return
        self.first_field().focus_target().setFocus(Qt.FocusReason.OtherFocusReason)

    def keyPressEvent(self, event) -> None:
        """Enter on a question goes to the next unanswered question the note needs; on one
        the note needs and still unanswered, it stays there and says what is needed (a
        GP's walk-through: Enter on the unanswered "Leg weakness" went on to the red flags
        and left it behind, and two open questions ping-ponged). It answers nothing."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            focus = QApplication.focusWidget()
            if focus is not None and self.isAncestorOf(focus):
                needed = self._still_needed(focus)
                if needed:
                    self.hint.emit(needed[1])
                    self._enter_hint = needed[0]  # said until that question is answered
                else:
                    self.focus_next(focus, required=True)
                return
        super().keyPressEvent(event)

    def _still_needed(self, focus: QWidget) -> tuple[str, str] | None:
        """(path, what to press) for the focused question when the note needs it and it
        is still unanswered (its own key hint, or what is wrong with what was typed)."""
        stops = self._stops()
        at = self._index_of(stops, focus)
        if at < 0 or stops[at][0] is None or not self._open(stops[at], required=True):
            return None
        path = stops[at][0]
        field = self._rows[path].field
        target = field.focus_target()
        placeholder = getattr(target, "placeholderText", lambda: "")()
        keys = target.toolTip() or field.toolTip() or (
            f"type it as {placeholder}" if placeholder else "")
        said = self._parse_errors.get(path, "").rstrip(". ") or "Still to answer"
        if not keys:  # typed text: what the note needs ("Enter the patient's family name")
            said, keys = "Still to answer", self._problems.get(path, "type the answer")
        return path, f"{said}: {keys.rstrip('. ')}. Enter moves on once it is answered; " \
                     "Tab passes it by."

    def focused_group(self) -> str | None:
        """The screening group of the question (or group button) that has the focus, in a
        section that shows the groups under their headings (Red flags); None elsewhere: a
        group's question in another section (thoracic pain, a risk, an oral
        corticosteroid) never denies the group's questions out of view (CSO review
        2026-12-07b, finding 3)."""
        focus = QApplication.focusWidget()
        if focus is None or not self.isAncestorOf(focus):
            return None
        for section in self.sections.values():
            for group_id, button in section.group_buttons.items():
                if button is focus:
                    return group_id
        rows = {p: r for s in self.sections.values() if s.group_buttons for p, r in s.rows.items()}
        for path, row in rows.items():
            if row.field is focus or row.field.isAncestorOf(focus):
                group = screening.group_of(path if not path.startswith("red_flags.ces_")
                                           else path.rsplit(".", 1)[0] + ".answer")
                return group.id if group is not None else None
        return None

    def record_focused_group_as_no(self) -> list[str]:
        """GROUP_DENIED_KEYS (Ctrl+G): the group of the question with the focus, all denied;
        nothing when the focus is on no red-flag group. The focus stays where it is, so the
        chord pressed again never denies another group (CSO review 2026-12-07, finding 1)."""
        group_id = self.focused_group()
        return self.record_group_as_no(group_id) if group_id is not None else []

    # -- messages and visibility --------------------------------------------
    def show_problems(self, problems: list[Problem]) -> None:
        """The completeness check's messages, shown beside fields the GP has left."""
        self._problems = {}
        for p in problems:
            self._problems.setdefault(FIELD_ALIASES.get(p.field, p.field), p.message)
        self._refresh_errors()

    def _refresh_errors(self) -> None:
        for path in self._parse_errors.keys() | self._visited | self._shown_errors:
            row = self._rows.get(path)
            if row is None:
                continue
            message = None
            if path in self._visited and row.visible:
                message = self._parse_errors.get(path) or (
                    None if self._follow_ups_to_come(path) else self._problems.get(path))
            text = message or ""
            if row.error.text() != text:
                row.error.setText(text)
                row.field.setProperty("invalid", bool(text))
                row.field.setAccessibleDescription(text)
            row.error.setVisible(bool(text) and row.visible)
            if text:
                self._shown_errors.add(path)
            else:
                self._shown_errors.discard(path)

    def _refresh_visibility(self) -> None:
        for path in followups.RULES:
            row = self._rows.get(path)
            if row is not None:
                shown = followups.applies(self.record, path)
                if shown != row.visible:
                    row.set_visible(shown)
        for section in self.sections.values():
            section.refresh_headings()

    @property
    def whole(self) -> bool:
        """Every section is built (they are built after the first paint, one a tick)."""
        return not self._pending

    def focus_field(self, path: str) -> bool:
        """Move focus to a field (from the To finish list); False when no field shows it.

        A question hidden until another is answered sends the focus to that one.
        """
        path = FIELD_ALIASES.get(path, path)
        candidates = [path, f"{path}.answer", *followups.controlling(path)]
        for candidate in candidates:
            row = self.rows.get(candidate)
            if row is not None and row.visible:
                target = row.field.focus_target()
                self._show_with_room(row.field)
                target.setFocus(Qt.FocusReason.OtherFocusReason)
                self._visited.add(candidate)
                self._refresh_errors()
                return True
        return False

    def first_field(self) -> Field:
        return self._fields[SECTIONS[0].entries[0]]  # type: ignore[index]

    def scroll_to_section(self, section_id: str) -> None:
        self.ensure_built()
        section = self.sections[section_id]
        self.verticalScrollBar().setValue(section.y())
        for path, row in section.rows.items():
            if row.visible:
                self.focus_field(path)
                break

    def tab_widgets(self) -> list[QWidget]:
        """Every input in visual order (hidden ones too: Tab skips them while hidden)."""
        ordered: list[QWidget] = []
        before = {p: b for section in self.sections.values()
                  for p, b in section.button_before.items()}
        for path, row in self._rows.items():
            if path in before:
                ordered.append(before[path])
            ordered += row.field.tab_widgets()
        return ordered

    def _set_tab_order(self) -> None:
        for first, second in itertools.pairwise(self.tab_widgets()):
            QWidget.setTabOrder(first, second)


MNEMONIC_LABELS = _mnemonic_labels()
