"""The main window: banner, sections, live assessment panel, To finish list and actions.

The note store's side of the window is two controllers the window owns, each behind a
small typed interface of what it needs from the window (a Protocol beside it):
`self.drafts`, forms.consultation.store_and_drafts.StoreAndDrafts (who is working, the
store opened in the background, autosave and restore of drafts), and `self.finaliser`,
forms.consultation.finalising.Finaliser (finalise and lock, amend, export and print of
the final note, the staff's notes list). The window keeps its public actions
(finalise_note, print_note, ...) and reads their state through properties (store, who,
locked, finalised, amending).
"""

from __future__ import annotations

import datetime as dt
import functools
import platform
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import PySide6
from PySide6.QtCore import QSize, Qt, QTimer, Signal, qVersion
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QGuiApplication,
    QKeySequence,
    QPaintEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStyle,
    QVBoxLayout,
    QWidget,
)

import consult
from consult.record import file as recordfile
from consult.record.answers import Answer, InfoMethod, Trauma
from consult.record.file import RecordFileError
from consult.record.model import Record, value_at
from consult.rules import screening
from consult.rules.suggestions import holds_ces_item
from consult.store.model import DraftInfo, NoteInfo, Who  # not the store: SQLAlchemy loads later
from consult.words import plural
from forms import dialogs
from forms.banner import PatientBanner
from forms.bars import MessageBar
from forms.consultation.finalising import Finaliser
from forms.consultation.patients import EDITED as EDITED_BY_HAND
from forms.consultation.patients import FILLED_PATHS, PatientLists
from forms.consultation.store_and_drafts import StoreAndDrafts
from forms.dialogs import settings as app_settings
from forms.form.consultation_form import ConsultationForm, resolve
from forms.form.sections import SECTIONS, SectionSpec, section_of
from forms.geometry import FittedSplitter, restore_geometry, save_geometry
from forms.panel.assessment_panel import (
    CHOOSE_PATIENT_FIRST,
    AssessmentPanel,
    patient_chosen,
)

if TYPE_CHECKING:
    from consult.rules.assessment import Assessment
    from consult.rules.completeness import Problem
    from consult.rules.ruleset import RuleSet
    from consult.store import Store

INTENDED_PURPOSE = (
    "Clinical decision support for a UK GP assessing an adult (16 and over) with lower back "
    "pain in a remote (telephone or video) consultation. It records the assessment, shows red "
    "flags and suggests a plan with the reason and source of each item; the GP makes every "
    "decision and is responsible for the plan. It does not diagnose and is not for children, "
    "thoracic pain or pain from outside the spine.")

STATE_WORDS = {
    "not_started": ("\u25cb", "not started"),
    "complete": ("\u2713", "complete"),
    "attention": ("!", "needs attention"),
    "red_flag": ("\u26a0", "contains a red flag"),
}


# Filled in for the GP on a new consultation (settings, the clock): out of the Tab chain.
PREFILLED_FROM_SETTINGS = ("consultation.date", "consultation.time",
                           "consultation.clinician_name", "consultation.gmc_number")
SAFETY_NETTING_ITEM = "safety-netting"  # the rule set's suggestion id
GEOMETRY_KEY = "mainWindow"  # QSettings group of the window's size and place
PREFERRED_SIZE = QSize(1400, 900)


def _is_empty(value: object) -> bool:
    return value in (None, "", [])


def _prefill(settings: app_settings.AppSettings) -> tuple:
    return (settings.clinician_name, settings.gmc_number, settings.practice_name,
            settings.practice_address, *(getattr(settings, n) for n in app_settings.LOCAL_ROUTES))


def _unused(path: Path) -> Path:
    """`path`, or `stem (2).pdf`, `stem (3).pdf`, ... when a file of that name exists:
    an export never overwrites."""
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
    return candidate


_DEFAULTS: dict[tuple[type, str], object] = {}


def _non_default(record: Record, path: str) -> bool:
    owner, leaf = resolve(record, path)
    value = getattr(owner, leaf)
    key = (type(owner), leaf)
    if key not in _DEFAULTS:  # pydantic inspects the factory's signature on every call
        _DEFAULTS[key] = type(owner).model_fields[leaf].get_default(call_default_factory=True)
    return value != _DEFAULTS[key]


def _is_red(record: Record, path: str) -> bool:
    owner, leaf = resolve(record, path)
    value = getattr(owner, leaf)
    if path == "triggers.trauma":
        return value is Trauma.MAJOR
    return screening.is_red_flag_answer(path) and value is Answer.YES


#: how the status bar asks whether the written cauda equina information was given
CES_ASKED = "Written cauda equina information: was it given? "


@functools.cache
def _section_readers() -> tuple[tuple[SectionSpec, list[str], Callable[[Record], object]], ...]:
    """Each section with its answers' paths and one reader of them all (worked out once)."""
    from operator import attrgetter

    readers = []
    for spec in SECTIONS:
        paths = [e for e in spec.entries if isinstance(e, str)]
        readers.append((spec, paths, attrgetter(*paths) if paths else (lambda _r: ())))
    return tuple(readers)

class MainWindow(QMainWindow):
    #: the store opened (True) or could not be opened (False); for tests and the notes list
    storeOpened = Signal(bool)
    #: a draft save finished: True when written, False when it failed
    draftSaved = Signal(bool)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        # where the GP last left it, else 1400x900 fitted to the screen (forms.geometry)
        restore_geometry(self, GEOMETRY_KEY, PREFERRED_SIZE)
        self.settings = app_settings.load_settings()
        # the rules run before the first paint (about 15 ms): no disposition is ever shown
        # that they have not made; the note's code loads with the first preview, after it
        self.rules: RuleSet | None = None
        self._load_core()
        self.path: Path | None = None
        self.dirty = False
        self.assessment: Assessment | None = None
        self.problems: list[Problem] = []

        self.note_id = str(uuid.uuid4())
        self.draft_id = str(uuid.uuid4())
        self._start_after_paint = False
        # who is working, the store, the draft timer and the background thread
        self.drafts = StoreAndDrafts(self, self)
        # the finalised or amended note, its outputs, the notes list
        self.finaliser = Finaliser(self, self.drafts, self)

        self.banner = PatientBanner(self)
        self.form = ConsultationForm(self)
        self.panel = AssessmentPanel(self)
        self.sections = QListWidget(self)
        self.sections.setObjectName("sectionList")
        self.sections.setAccessibleName("Sections")
        for spec in SECTIONS:
            item = QListWidgetItem(spec.title)
            item.setData(Qt.ItemDataRole.UserRole, spec.id)
            self.sections.addItem(item)
        self.to_finish = QListWidget(self)
        self.to_finish.setObjectName("toFinish")
        self.to_finish.setAccessibleName("To finish")
        self.reason = QLabel(self)
        self.reason.setObjectName("finishReason")
        self.reason.setWordWrap(True)
        for side_list in (self.sections, self.to_finish):   # long entries wrap, never cut
            side_list.setWordWrap(True)
            side_list.setTextElideMode(Qt.TextElideMode.ElideNone)
            side_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            side_list.setResizeMode(QListWidget.ResizeMode.Adjust)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 6, 6)
        sections_label = QLabel("&Sections", left)
        sections_label.setBuddy(self.sections)
        finish_label = QLabel("&To finish", left)
        finish_label.setBuddy(self.to_finish)
        left_layout.addWidget(sections_label)
        left_layout.addWidget(self.sections, 3)
        left_layout.addWidget(finish_label)
        left_layout.addWidget(self.reason)
        left_layout.addWidget(self.to_finish, 2)

        # the columns share a narrow screen's width (1366x768, or 200% scaling) so the form
        # never scrolls sideways
        splitter = FittedSplitter(self, (0.19, 180, 260), None, (0.33, 320, 460))
        splitter.addWidget(left)
        splitter.addWidget(self.form)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 2)
        central = QWidget(self)
        self.note_bar = MessageBar("noteBar", central)
        self.store_bar = MessageBar("storeBar", central)
        bars = QVBoxLayout()
        bars.setContentsMargins(6, 4, 6, 0)
        bars.setSpacing(4)
        bars.addWidget(self.note_bar)
        bars.addWidget(self.store_bar)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addLayout(bars)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.draft_status = QLabel(self)
        self.draft_status.setObjectName("draftStatus")
        self.draft_status.setAccessibleName("Draft status")
        self.who_status = QLabel(self)
        self.who_status.setObjectName("whoStatus")
        self.who_status.setAccessibleName("Who is working")
        self.statusBar().addPermanentWidget(self.draft_status)
        self.statusBar().addPermanentWidget(self.who_status)

        # the day's patient list: File > Import patient list, Choose patient (Ctrl+K)
        self.patients = PatientLists(self, self)
        self._make_actions()
        self.form.changed.connect(self._changed)
        self.form.built.connect(self._set_tab_order)
        self._netting_from_plan = False
        self._ces_in_plan = False  # the plan held the CES-card item at its last change
        # the status bar's last line from the form, and from Ctrl+Return with what it asked
        # for: each is taken back only by its own source
        self._form_words: str | None = None
        self._plan_said: str | None = None
        self._plan_asks: set[str] = set()
        self._after_pick = False
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)  # a bound slot: gone with the window
        self.panel.planChanged.connect(self._plan_changed)
        self.form.finished.connect(lambda: self.panel.focus_plan(confirm=False))
        self.form.groupAnswered.connect(self._group_answered)
        self.form.hint.connect(self._form_said)
        self.sections.itemActivated.connect(self._jump_to_section)
        self.sections.itemClicked.connect(self._jump_to_section)
        self.to_finish.itemActivated.connect(self._jump_to_problem)
        self.to_finish.itemClicked.connect(self._jump_to_problem)
        self.new_consultation(ask=False)

    # -- actions --------------------------------------------------------------
    def _action(self, text: str, slot, shortcut: QKeySequence | str | None = None,
                name: str = "") -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _=False: slot())
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        self.act_new = self._action("&New consultation", self.new_consultation,
                                    QKeySequence.StandardKey.New, "actNew")
        self.act_open = self._action("&Open record\u2026", self.open_record,
                                     QKeySequence.StandardKey.Open, "actOpen")
        self.act_save = self._action("&Save record", self.save_record,
                                     QKeySequence.StandardKey.Save, "actSave")
        self.act_save_as = self._action("Save record &as\u2026", self.save_record_as,
                                        QKeySequence.StandardKey.SaveAs, "actSaveAs")
        self.act_finalise = self._action("Finalise and &lock note\u2026", self.finalise_note,
                                         "Ctrl+Shift+F", "actFinalise")
        self.act_amend = self._action("A&mend note\u2026", self.amend_note, None, "actAmend")
        self.act_notes = self._action("Finalis&ed notes\u2026", self.show_notes, "Ctrl+Shift+L",
                                      "actNotes")
        self.act_export = self._action("&Finalise and export PDF\u2026", self.export_pdf,
                                       "Ctrl+E", "actExport")
        self.act_export_as = self._action("Finalise and export PDF &as\u2026",
                                          lambda: self.export_pdf(ask=True), "Ctrl+Alt+E",
                                          "actExportAs")
        self.act_draft = self._action("Export &draft PDF\u2026", self.export_draft,
                                      "Ctrl+Shift+E", "actDraft")
        self.act_print = self._action("&Print note\u2026", self.print_note,
                                      QKeySequence.StandardKey.Print, "actPrint")
        # their keys while they are disabled (the record is not complete) say what is
        # missing and go to it, instead of nothing a GP can see
        for action, slot in ((self.act_export, self.export_pdf), (self.act_print, self.print_note)):
            keys = QShortcut(self)
            keys.setKeys(action.shortcuts())
            keys.activated.connect(slot)
            keys.setEnabled(not action.isEnabled())
            action.enabledChanged.connect(lambda on, keys=keys: keys.setEnabled(not on))
        self.act_copy = self._action("&Copy note as text", self.copy_note,
                                     "Ctrl+Shift+C", "actCopy")
        self.act_copy_full = self._action("Copy f&ull note as text", self.copy_full_note,
                                          None, "actCopyFull")
        # the patient's advice sheet and the FHIR export (issue 16: forms/dialogs/advice.py,
        # forms/dialogs/exchange.py)
        self.act_advice = self._action("Advice s&heet\u2026", self.advice_sheet, "Ctrl+Shift+H",
                                       "actAdvice")
        self.act_fhir = self._action("Export F&HIR\u2026", self.export_fhir, None, "actFhir")
        self.act_quit = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit, "actQuit")
        self.act_settings = self._action("Se&ttings\u2026", self.edit_settings, "Ctrl+,",
                                         "actSettings")
        self.act_about = self._action("&About consult", self.about, None, "actAbout")
        self.act_keys = self._action("&Keyboard shortcuts", self.show_shortcuts, "F1",
                                     "actShortcuts")
        self.act_sections = self._action("Go to &sections", self.sections.setFocus, "F6",
                                         "actSections")
        self.act_finish = self._action("Go to &To finish", self.to_finish.setFocus, "F7",
                                       "actFinish")
        self.act_accept = self._action("&Accept suggested plan", self.panel.accept_plan,
                                       "Ctrl+Shift+A", "actAccept")
        self.act_accept_confirm = self._action("Accept and confirm &plan",
                                               self.accept_and_confirm_plan, "Ctrl+Return",
                                               "actAcceptConfirm")
        self.act_confirm = self._action("Con&firm plan", self.panel.confirm_plan,
                                        "Ctrl+Shift+P", "actConfirm")
        # one clinical group at a time, never all red flags (clinical reference, 5a); a held
        # chord records one group at most (its auto-repeat triggers nothing)
        self.act_remaining = self._action("Red-flag &group: all denied",
                                          self._record_group_as_no,
                                          ConsultationForm.GROUP_DENIED_KEYS, "actGroupDenied")
        self.act_remaining.setAutoRepeat(False)
        style = self.style()
        self.act_new.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_FileIcon))
        self.act_open.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_DialogOpenButton))
        self.act_save.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_DialogSaveButton))

        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        for action in (self.act_new, self.act_open, self.act_save, self.act_save_as):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.patients.act_choose)
        file_menu.addAction(self.patients.act_import)
        file_menu.addSeparator()
        for action in (self.act_finalise, self.act_amend):
            file_menu.addAction(action)
        file_menu.addSeparator()
        for action in (self.act_export, self.act_export_as, self.act_draft, self.act_print,
                       self.act_copy):
            file_menu.addAction(action)
        file_menu.addAction(self.act_copy_full)
        file_menu.addAction(self.act_fhir)
        file_menu.addSeparator()
        file_menu.addAction(self.act_notes)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        edit_menu = menu.addMenu("&Edit")
        edit_menu.addAction(self.act_settings)
        plan_menu = menu.addMenu("&Plan")
        for action in (self.act_remaining, self.act_accept, self.act_confirm,
                       self.act_accept_confirm):
            plan_menu.addAction(action)
        plan_menu.addSeparator()
        plan_menu.addAction(self.act_advice)
        go_menu = menu.addMenu("Go")  # no letter: the form's sections need them all (F6, F7)
        go_menu.addAction(self.act_sections)
        go_menu.addAction(self.act_finish)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.act_keys)
        help_menu.addAction(self.act_about)
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        for action in (self.act_new, self.act_open, self.act_save, self.act_finalise,
                       self.act_amend, self.act_export, self.act_print, self.act_copy):
            toolbar.addAction(action)
        self.act_amend.setToolTip("Amend note: unlock a finalised note to store a new version")
        self.act_amend.setEnabled(False)

    # -- the record -------------------------------------------------------------
    def new_consultation(self, ask: bool = True) -> None:
        if ask and not self.may_discard():
            return
        record = Record()
        s = self.settings
        app_settings.fill_practice(record, s)  # name, address and the local routes
        record.consultation.clinician_name = s.clinician_name
        record.consultation.gmc_number = s.gmc_number
        now = dt.datetime.now()
        record.consultation.date = now.date()
        record.consultation.time = dt.time(now.hour, now.minute)
        self.path = None
        self.show_consultation(record)
        # what settings and the clock filled: Tab passes it by (Shift+Tab or a click reach it)
        self.form.set_prefilled([p for p in PREFILLED_FROM_SETTINGS
                                 if not _is_empty(value_at(record, p))])
        self.form.focus_first_unanswered()

    def show_consultation(self, record: Record, *, note_id: str | None = None,
                          draft_id: str | None = None, finalised: NoteInfo | None = None,
                          amending: NoteInfo | None = None) -> None:
        """Put a record in the form as the consultation now open: its own note and draft
        ids (new ones unless given), locked when `finalised`, amending `amending`."""
        self.drafts.flush()  # the consultation being left keeps its last edits
        self.note_id = note_id or str(uuid.uuid4())
        self.draft_id = draft_id or str(uuid.uuid4())
        self.drafts.draft_written = draft_id is not None
        f = self.finaliser
        f.finalised, f.amending, f.amend_reason = finalised, amending, ""
        self.note_bar.clear()
        self.draft_status.clear()
        self.form.set_prefilled([])
        self.form.load(record)
        self.panel.set_record(record)
        self._ces_in_plan = holds_ces_item(record.plan)
        self.finaliser.apply_lock()
        self._refresh()
        self.dirty = False
        self._update_title()
        self.form.verticalScrollBar().setValue(0)
        if finalised is None:
            self.form.focus_first_unanswered()

    @property
    def record(self) -> Record:
        return self.form.record

    # -- the controllers' state, read here (tests, the screenshots, the notes list) -------
    @property
    def store(self) -> Store | None:
        return self.drafts.store

    @property
    def who(self) -> Who | None:
        return self.drafts.who

    @property
    def store_problem(self) -> str:
        return self.drafts.store_problem

    @property
    def locked(self) -> bool:
        """A finalised note is shown: nothing in it can change until Amend."""
        return self.finaliser.locked

    @property
    def finalised(self) -> NoteInfo | None:
        return self.finaliser.finalised

    @property
    def amending(self) -> NoteInfo | None:
        return self.finaliser.amending

    @property
    def amend_reason(self) -> str:
        return self.finaliser.amend_reason

    @property
    def notes_window(self) -> QWidget | None:
        return self.finaliser.notes_window

    # -- what the controllers ask of the window (DraftsWindow, FinalisingWindow) ----------
    def store_changed(self, opened: bool | None) -> None:
        self.finaliser.apply_lock()
        if opened is not None:
            self.storeOpened.emit(opened)

    def draft_saved(self, written: bool) -> None:
        self.draftSaved.emit(written)

    def close_notes_window(self) -> None:
        self.finaliser.close_notes_window()

    def show_restored(self, record: Record, info: DraftInfo, amending: NoteInfo | None) -> None:
        from consult.note.versioning import show_datetime  # consult.note loads after the paint

        self.path = None
        self.show_consultation(record, note_id=info.note_id, draft_id=info.draft_id,
                               amending=amending)
        self.finaliser.amend_reason = info.amend_reason or ""
        restored = (f"Restored the unfinished consultation of {info.patient.line()}, saved "
                    f"{show_datetime(info.saved_at)}. Check this is the patient you are "
                    "speaking to.")
        if amending is not None:
            restored += " " + self.finaliser.amending_text(amending)
        self.note_bar.show_message("amending" if amending else "info", restored)

    def set_locked(self, locked: bool, amendable: bool) -> None:
        self.form.setEnabled(not locked)
        self.panel.set_locked(locked)
        focus = QApplication.focusWidget()
        if locked and self.isVisible() and (focus is None or not focus.isEnabled()
                                            or self.form.isAncestorOf(focus)):
            # the form is locked: the note preview keeps the keyboard (it can be read and
            # copied), not nothing (a GP's walk-through: after Ctrl+E no widget had the focus)
            self.panel.focus_preview()
        for action in (self.act_remaining, self.act_accept, self.act_confirm,
                       self.act_accept_confirm, self.act_finalise):
            action.setEnabled(not locked)
        self.act_amend.setEnabled(amendable)
        self.act_export.setText("&Export finalised PDF\u2026" if locked
                                else "&Finalise and export PDF\u2026")

    def refresh(self) -> None:
        self._refresh()

    def update_title(self) -> None:
        self._update_title()

    def focus_first_field(self) -> None:
        self.form.focus_first_unanswered()

    def export_file(self, draft: bool, ask: bool = True) -> None:
        self._export(draft, ask=ask)

    # -- the window's actions on the note store ----------------------------------------------
    def start_up(self) -> None:
        """Ask who is working (once), then open the store in the background; unfinished
        consultations are offered when it is open."""
        self.drafts.start_up()

    def offer_drafts(self, drafts: list[DraftInfo]) -> None:
        self.drafts.offer_drafts(drafts)

    def restore_draft(self, draft: DraftInfo) -> bool:
        return self.drafts.restore(draft)

    def finalise_note(self) -> NoteInfo | None:
        """Finalise and lock (Ctrl+Shift+F): the note stored, or None."""
        return self.finaliser.finalise()

    def amend_note(self) -> None:
        self.finaliser.amend()

    def open_note_for_amendment(self, note_id: str, version: int) -> bool:
        return self.finaliser.open_for_amendment(note_id, version)

    def export_pdf(self, ask: bool = False) -> None:
        """Ctrl+E: into the export folder set in Settings, without a dialog; Ctrl+Alt+E
        (Export as) or no folder set: asks where. On a record not yet complete it says
        what is missing and goes to it."""
        if self._not_complete():
            return
        self.finaliser.export_pdf(ask=ask)

    def export_path(self, caption: str, name: str, ask: bool) -> str | None:
        """Where an export goes: a new file in the settings' export folder, or asked."""
        folder = self.settings.export_folder.strip()
        if folder and not ask:
            where = Path(folder).expanduser()
            if where.is_dir():
                return str(_unused(where / name))
            self.statusBar().showMessage(f"The export folder {folder} is not there: choose "
                                         "where to save (and set it in Settings).", 8000)
        return dialogs.ask_save_path(self, caption, name, "PDF (*.pdf)")

    def accept_and_confirm_plan(self) -> None:
        """Ctrl+Return: accept the suggested plan and confirm it, in one chord; the status
        bar says in one line what the chord did (a GP found it said nothing)."""
        plan = self.record.plan
        had = {i.suggestion_id for i in plan.items}
        current = self._plan_current()
        netting = plan.safety_netting_given
        self.panel.accept_plan()
        self.panel.confirm_plan()
        plan = self.record.plan
        count = plural(len(plan.items), "item")
        new = sum(i.suggestion_id not in had for i in plan.items)
        done = []
        if new:
            done.append(f"Plan accepted ({count}, {new} new)" if new < len(plan.items)
                        else f"Plan accepted ({count})")
        if not current and self._plan_current():
            done.append("confirmed" if done else f"Plan confirmed ({count})")
        if not done:  # before a patient the plan is not shown; else it was already done
            self.statusBar().showMessage(
                CHOOSE_PATIENT_FIRST if not patient_chosen(self.record) else
                f"The plan ({count}) is already accepted and confirmed: nothing changed.",
                10000)
            return
        words = " and ".join(done)
        self._plan_asks = set()  # what the line asks for: it goes once they are answered
        if netting is Answer.NOT_ASKED and plan.safety_netting_given is Answer.YES:
            boxes = getattr(self.form.fields["plan.safety_netting_how"], "boxes", {})
            keys = ", ".join(f"{b.text()[:1]} {b.text()}" for b in boxes.values())
            words += "; safety-netting recorded as given: " + (
                ", ".join(boxes[m].text() for m in plan.safety_netting_how)
                if plan.safety_netting_how else f"how? ({keys})")
            if not plan.safety_netting_how:
                self._plan_asks.add("plan.safety_netting_how")
        if holds_ces_item(self.record.plan) and plan.ces_card_given is Answer.NOT_ASKED:
            # the chord chooses the plan; it never records the act (CSO 2026-12-07c, A3)
            words += "; written CES information: record whether it was given"
            self._plan_asks.add("plan.ces_card_given")
        self._plan_said = words + "."
        self.statusBar().showMessage(self._plan_said, 15000)

    def _plan_questions_answered(self) -> bool:
        """What Ctrl+Return's line asked for is recorded (how safety-netting was given,
        whether the written cauda equina information was)."""
        plan = self.record.plan
        return not (("plan.safety_netting_how" in self._plan_asks and not plan.safety_netting_how)
                    or ("plan.ces_card_given" in self._plan_asks
                    and plan.ces_card_given is Answer.NOT_ASKED))

    def _plan_current(self) -> bool:
        """The plan is confirmed against the answers as they are now."""
        from consult.rules.plan import is_stale

        plan = self.record.plan
        return plan.confirmed and (self.assessment is None
                                   or not is_stale(self.record, self.assessment))

    def _plan_changed(self) -> None:
        """Ticking the plan's safety-netting item records safety-netting as given (when not
        yet answered) and asks how; unticking it takes back only what it recorded. Ticking
        the CES-card item records nothing: it asks (`_ces_item_ticked`)."""
        plan = self.record.plan
        ticked = any(item.suggestion_id == SAFETY_NETTING_ITEM for item in plan.items)
        asking_how = False
        if ticked and plan.safety_netting_given is Answer.NOT_ASKED and not self.locked:
            self.form.set_answer("plan.safety_netting_given", Answer.YES)
            self._netting_from_plan = True
            if not plan.safety_netting_how:
                QTimer.singleShot(0, lambda: self.form.focus_field("plan.safety_netting_how"))
                asking_how = True
        elif not ticked and self._netting_from_plan \
                and plan.safety_netting_given is Answer.YES and not plan.safety_netting_how:
            self.form.set_answer("plan.safety_netting_given", Answer.NOT_ASKED)
            self._netting_from_plan = False
        self._ces_item_ticked(focus=not asking_how)
        self._changed("plan")

    def _ces_item_ticked(self, focus: bool) -> None:
        """Ticking the CES-card item answers nothing (CSO review 2026-12-07c, A3: choosing
        the plan is not handing over the card or leaflet): while 'Written cauda equina
        information given' is not asked, the status bar asks it and the focus goes to it
        (unless the safety-netting 'how' is asked first: it is the question before).
        Unticking leaves any answer as it is."""
        was, self._ces_in_plan = self._ces_in_plan, holds_ces_item(self.record.plan)
        if was or not self._ces_in_plan or self.locked \
                or self.record.plan.ces_card_given is not Answer.NOT_ASKED:
            return
        boxes = getattr(self.form.fields["plan.ces_info_how"], "boxes", {})
        self.statusBar().showMessage(
            f"{CES_ASKED}Y yes (then how: "
            f"{', '.join(b.text() for b in boxes.values())}), N no.", 15000)
        if focus:
            QTimer.singleShot(0, lambda: self.form.focus_field("plan.ces_card_given"))

    def show_shortcuts(self) -> None:
        from forms.dialogs import shortcuts

        shortcuts.show_shortcuts(self, self.actions(), self.form.section_shortcuts())

    def print_note(self) -> None:
        if self._not_complete():
            return
        self.finaliser.print_note()

    def _not_complete(self) -> bool:
        """Export or Print on a record not yet complete: the status bar says what is
        missing and the focus goes to the first To finish item (as F7 then Return);
        True when it was not complete. (Before, Ctrl+E did nothing a GP could see.)"""
        if self.locked or not self.problems or not self.to_finish.count():
            return False
        first = self.to_finish.item(0)
        words = first.text().replace("\n\u21b3 ", ": ").replace("\n", " ")
        reason = self.reason.text()
        self.statusBar().showMessage(
            reason if words in reason else f"{reason} First: {words}", 15000)
        self.to_finish.setCurrentRow(0)
        self._jump_to_problem(first)
        return True

    def show_notes(self) -> None:
        self.finaliser.show_notes()

    def _form_said(self, words: str) -> None:
        """A line from the form for the status bar; "" takes back the form's own line
        only, never another's (a group's answer, the plan's)."""
        if words:
            self._form_words = words
            self.statusBar().showMessage(words, 8000)
        elif self.statusBar().currentMessage() == self._form_words:
            self.statusBar().clearMessage()

    def _changed(self, path: str) -> None:
        said = self.statusBar().currentMessage()
        if path == "plan.ces_card_given" and said.startswith(CES_ASKED):
            self.statusBar().clearMessage()  # answered: the question's line goes
        elif path.startswith("plan.") and said and said == self._plan_said \
                and self._plan_asks and self._plan_questions_answered():
            self.statusBar().clearMessage()  # Ctrl+Return's "how? ..." is answered
        if path in FILLED_PATHS:  # after the patient list's own handler has marked the source
            QTimer.singleShot(0, self._prefill_from_list)
        self.dirty = True
        self._refresh()
        self._update_title()
        self.drafts.schedule()

    def _prefill_from_list(self) -> None:
        """Identifiers that came from the patient list leave the Tab chain (Shift+Tab or a
        click still reach them); typed or edited by hand, they stay in it."""
        source = self.record.patient.source
        if source and EDITED_BY_HAND not in source:
            self.form.add_prefilled([p for p in FILLED_PATHS
                                     if not _is_empty(value_at(self.record, p))])
            # the GP was on an identifier the list has just filled: on to the next question
            # the note needs, once the picker has given the focus back
            self._after_pick = True
            self._move_past_identifiers(QApplication.focusWidget())

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        self.form.focus_moved(new)
        if self._after_pick:
            self._move_past_identifiers(new)

    def _move_past_identifiers(self, focus: QWidget | None) -> None:
        if not getattr(self, "_after_pick", False) or focus is None \
                or not self.isAncestorOf(focus):
            return  # still in the picker: focusChanged calls again
        self._after_pick = False
        fields = [self.form.fields[p] for p in FILLED_PATHS]
        if any(f is focus or f.isAncestorOf(focus) for f in fields):
            # the first question the note still needs, from the top: the identity check
            # when it was answered before the patient was chosen (it is asked again)
            self.form.focus_next(None, required=True)

    def _load_core(self) -> None:
        """The rule set (cached for the process)."""
        from consult.rules.ruleset import load as load_rules

        self.rules = load_rules()

    def _refresh(self) -> None:
        from consult.rules.completeness import problems
        from consult.rules.engine import assess

        if self.rules is None:
            self._load_core()
        record, rules = self.record, self.rules
        assessment = assess(record, rules)
        found = problems(record, assessment=assessment)
        self.assessment, self.problems = assessment, found
        draft = bool(found)

        def note_text() -> str:
            # the note's code (about 35 ms to import) loads with the first preview, which
            # comes after the first paint
            from consult.note.compose import compose
            from consult.note.text import render_text

            return render_text(compose(record, assessment, draft=draft,
                                       app_version=consult.__version__, rules=rules))

        # the disposition, fired rows and plan now; the note's text once the answers pause
        self.panel.show_assessment(assessment, note_text)
        self.form.show_problems(found)
        self.banner.show_record(record)
        self._refresh_sections(found)
        before_patient = not patient_chosen(record) and not assessment.fired
        self._refresh_to_finish(found, before_patient)
        complete = not found
        items = f"{plural(len(found), 'item')} to finish"
        reason = "" if complete else (
            f"Export and Print are disabled until the record is complete: {items}.")
        if before_patient:
            reason = ("Start with the patient: choose them (Ctrl+K) or enter their details. "
                      "Export and Print are disabled until the record is complete.")
        if self.locked:
            self.reason.setText("Finalised and locked: Export and Print give the stored note; "
                                "Amend to change it.")
        else:
            self.reason.setText(reason or "Complete: the note can be finalised, exported and "
                                "printed.")
        finalise = "Finalise and lock note"
        self.act_finalise.setToolTip(f"{finalise} (Ctrl+Shift+F)" if complete or self.locked
                                     else f"{finalise}: {items} first (see To finish)")
        for action in (self.act_export, self.act_print):
            action.setEnabled(complete or self.locked)
            tip = action.text().replace("&", "").rstrip("\u2026")
            action.setToolTip(tip if complete or self.locked else f"{tip}: {reason}")
            action.setStatusTip(action.toolTip())
        # laid out now, so that the one paint after the answer shows every change in
        # its place (issue 14: no second frame); before the first paint there is no frame
        # to keep whole, and showing the window lays it out anyway
        if self.isVisible():
            from forms.frame import lay_out_now

            lay_out_now(self.panel.plan_list(), self.sections, self.to_finish)

    def _refresh_sections(self, found: list[Problem]) -> None:
        troubled = {section_of(p.field) for p in found}
        shown: dict[int, tuple] = getattr(self, "_sections_shown", {})
        self._sections_shown = shown
        for row, (spec, paths, read) in enumerate(_section_readers()):
            # a section none of whose answers (nor its completeness) changed keeps its
            # state: not worked out again on every answer (issue 14); its answers are read
            # in one call (attrgetter follows the dotted paths)
            values = read(self.record) if paths else ()
            values = tuple(tuple(v) if isinstance(v, list) else v
                           for v in (values if len(paths) > 1 else (values,)))
            if shown.get(row) == (values, spec.id in troubled):
                continue
            shown[row] = (values, spec.id in troubled)
            started = any(_non_default(self.record, p) for p in paths)
            if any(_is_red(self.record, p) for p in paths):
                state = "red_flag"
            elif not started:
                state = "not_started"
            elif spec.id in troubled or (spec.id == "startback" and not all(
                    _non_default(self.record, p) for p in paths)):
                state = "attention"
            else:
                state = "complete"
            mark, words = STATE_WORDS[state]
            item = self.sections.item(row)
            text = f"{mark}  {spec.title}"
            if item.text() != text:
                item.setText(text)
                item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{spec.title}: {words}")
                item.setToolTip(f"{spec.title}: {words}")
                item.setData(Qt.ItemDataRole.UserRole + 1, state)

    def _refresh_to_finish(self, found: list[Problem], before_patient: bool = False) -> None:
        entries: list[tuple[str, str, str]] = []   # (words, field, tooltip)
        if before_patient:  # what to do first, not forty items
            entries.append(("Choose the patient (Ctrl+K) or enter their details",
                            "patient.family_name", "patient.family_name"))
            found = []
        said = Counter(p.message for p in found)
        for p in found:
            text = p.message
            # the same words for two questions, or words naming an item for one of its
            # sub-questions (when it started): name the question itself
            sub_question = p.field.count(".") > 1 and not p.field.endswith(".answer")
            if said[text] > 1 or sub_question:
                owner, leaf = resolve(self.record, p.field)
                text += f"\n\u21b3 {type(owner).model_fields[leaf].title or leaf}"
            entries.append((text, p.field, text))
        if entries == getattr(self, "_to_finish_shown", None):
            return  # unchanged: not rebuilt and repainted on every answer (issue 14)
        self._to_finish_shown = entries
        self.to_finish.setUpdatesEnabled(False)
        self.to_finish.clear()
        for text, field, tip in entries:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, field)
            item.setToolTip(tip)
            self.to_finish.addItem(item)
        self.to_finish.setUpdatesEnabled(True)

    def section_state(self, section_id: str) -> str:
        row = [s.id for s in SECTIONS].index(section_id)
        return self.sections.item(row).data(Qt.ItemDataRole.UserRole + 1)

    def _jump_to_section(self, item: QListWidgetItem) -> None:
        self.form.scroll_to_section(item.data(Qt.ItemDataRole.UserRole))

    def _jump_to_problem(self, item: QListWidgetItem) -> None:
        path = item.data(Qt.ItemDataRole.UserRole)
        if path.startswith("plan.") and path not in self.form.fields:
            self.panel.focus_plan(confirm=path == "plan.confirmed")
            return
        self.form.focus_field(path)

    def _set_tab_order(self) -> None:
        """One chain through the whole window, in visual order, that comes round again."""
        self._tab_chain = [self.sections, self.to_finish, *self.form.tab_widgets(),
                           *self.panel.tab_widgets()]

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab and Shift+Tab follow the window's own chain (Qt's follows creation order)."""
        chain = getattr(self, "_tab_chain", None)
        current = QApplication.focusWidget()
        if not chain or current is None:
            return super().focusNextPrevChild(next)
        index = {id(w): i for i, w in enumerate(chain)}
        widget = current
        while widget is not None and id(widget) not in index:
            widget = widget.parentWidget()
        if widget is None:
            return super().focusNextPrevChild(next)
        start = index[id(widget)]
        step = 1 if next else -1
        for offset in range(1, len(chain) + 1):
            candidate = chain[(start + step * offset) % len(chain)]
            if next and candidate.property("prefilled"):
                continue  # filled from settings or the patient list: Shift+Tab reaches it
            if candidate.isVisible() and candidate.isEnabled() \
                    and candidate.focusPolicy() & Qt.FocusPolicy.TabFocus:
                reason = Qt.FocusReason.TabFocusReason if next else Qt.FocusReason.BacktabFocusReason
                candidate.setFocus(reason)
                return True
        return super().focusNextPrevChild(next)

    # -- files ---------------------------------------------------------------------
    def may_discard(self, quitting: bool = False) -> bool:
        """May the open consultation be left? Asks when it has unsaved changes. With the
        store, the plain answer (Enter) keeps its draft, offered when consult next starts;
        Discard deletes the draft too; Save writes a record file first."""
        if not self.dirty:
            return True
        question = "This consultation has unsaved changes. Save them first?"
        if self.store is not None and not self.locked:
            question = ("This consultation is not finalised. Its draft is kept in the store "
                        "and offered when consult next starts.")
            keep = "&Quit and keep the draft" if quitting else "&Keep the draft and go on"
            answer = dialogs.confirm_leave(self, question, keep)
            if answer == "keep":
                return True
        else:
            answer = dialogs.confirm_discard(self, question)
        if answer == "save":
            return self.save_record()
        if answer == "discard":
            self.drafts.discard()
            return True
        return False

    def open_record(self) -> None:
        if not self.may_discard():
            return
        path = dialogs.ask_open_path(self)
        if not path:
            return
        try:
            record = recordfile.load(path)
        except RecordFileError as exc:
            dialogs.show_error(self, "Cannot open the record", str(exc))
            return
        self.path = Path(path)
        self.show_consultation(record)

    def save_record(self) -> bool:
        if self.path is None:
            return self.save_record_as()
        return self._save_to(self.path)

    def save_record_as(self) -> bool:
        default = app_settings.export_file_name(self.settings, self.record)
        default = default.removesuffix(".pdf") + ".json"
        path = dialogs.ask_save_path(self, "Save consultation record", default,
                                     "Consultation records (*.json)")
        if not path:
            return False
        return self._save_to(Path(path))

    def _save_to(self, path: Path) -> bool:
        try:
            recordfile.save(self.record, path)
        except OSError as exc:
            dialogs.show_error(self, "Cannot save the record",
                               f"{path}: {exc.strerror or exc}. Nothing was changed on disk.")
            return False
        self.path = path
        self.dirty = False
        self._update_title()
        self.statusBar().showMessage(f"Saved {path.name}", 5000)
        return True

    def export_draft(self) -> None:
        self._export(draft=True)

    def _export(self, draft: bool, ask: bool = True) -> None:
        from consult.note import write_note_pdf  # reportlab loads on first export

        name = app_settings.export_file_name(self.settings, self.record)
        if draft:
            name = name.removesuffix(".pdf") + "_DRAFT.pdf"
        path = self.export_path("Export draft PDF note" if draft else
                                "Finalise and export PDF note", name, ask=ask)
        if not path:
            return
        try:
            write_note_pdf(self.record, path, draft=draft)
        except OSError as exc:
            dialogs.show_error(self, "Cannot export the note",
                               f"{path}: {exc.strerror or exc}. Nothing was written.")
            return
        self.statusBar().showMessage(f"Exported {path}", 10000)

    def advice_sheet(self) -> None:
        """The patient's advice sheet (Ctrl+Shift+H): preview, print, save, SMS, email."""
        from forms.dialogs.advice import open_advice  # reportlab loads on first use
        from forms.dialogs.exchange import output_audit

        audit = output_audit(self.store, self.who, self.finalised, self.note_id)
        open_advice(self, self.record, on_given=self._advice_given, audit=audit)

    def _advice_given(self, how: InfoMethod) -> None:
        if self.locked:  # a finalised note never changes
            self.statusBar().showMessage("The note is finalised: that the sheet was given is "
                                         "not added to it (amend the note to record it).", 8000)
            return
        from consult.advice.compose import record_given

        record_given(self.record, how)
        self._changed("plan.advice_sheet_how")

    def export_fhir(self) -> None:
        """File > Export FHIR: a finalised note's stored record and PDF, else the record."""
        from forms.dialogs.exchange import export_fhir, output_audit

        name = app_settings.export_file_name(self.settings, self.record).removesuffix(".pdf")
        done = export_fhir(self, self.record, default_name=f"{name}.fhir.json",
                           finalised=self.finalised, store=self.store,
                           audit=output_audit(self.store, self.who, self.finalised, self.note_id))
        if done:
            self.statusBar().showMessage(done, 8000)

    def copy_note(self) -> None:
        """The short record entry for the clinical system (issue 15 part 4: about 20
        lines, nothing that pastes badly); the full text twin is copy_full_note."""
        from consult.note.compose import compose
        from consult.note.entry import render_entry
        from consult.rules.completeness import problems
        from consult.rules.engine import assess

        if self.rules is None:
            self._load_core()
        assessment = assess(self.record, self.rules)  # as the record is now, never stale
        draft = bool(problems(self.record, assessment=assessment))
        info, finalisation = self.finalised, None
        if info is not None:  # a finalised note shown: the entry names its id and version
            from consult.note.versioning import Finalisation

            when = info.finalised_at
            if when.tzinfo is None:
                when = when.replace(tzinfo=dt.UTC)  # stored as UTC
            finalisation = Finalisation(info.note_id, info.version, when, info.author)
        note = compose(self.record, assessment, draft=draft, app_version=consult.__version__,
                       rules=self.rules, finalisation=finalisation)
        QGuiApplication.clipboard().setText(render_entry(note))
        self.statusBar().showMessage("Record entry copied as text", 3000)

    def copy_full_note(self) -> None:
        """The long text twin of the PDF note (the panel's preview)."""
        QGuiApplication.clipboard().setText(self.panel.preview_text())
        self.statusBar().showMessage("Full note copied as text", 3000)

    def _record_group_as_no(self) -> None:
        """Red-flag group: all denied (ConsultationForm.GROUP_DENIED_KEYS). The focus stays
        on its question, so the chord pressed again never reaches another group (CSO review
        2026-12-07, finding 1)."""
        group_id = self.form.focused_group()
        if group_id is None:
            self.statusBar().showMessage(
                "Put the focus on a question under a group's heading in Red flags (cauda "
                "equina, cancer, infection, fracture, not from the spine) first: one group "
                "at a time.", 8000)
            return
        self.form.record_focused_group_as_no()  # said by _group_answered

    def _group_answered(self, group_id: str, changed: list[str]) -> None:
        """Every group answer, by its button or the chord, says which group and names the
        questions it recorded (CSO review 2026-12-07b, findings 2 and 3)."""
        group = screening.GROUP_BY_ID[group_id]
        if not changed:
            self.statusBar().showMessage(
                f"{group.title}: every question already answered; nothing changed.", 8000)
            return
        names = "; ".join(screening.question(p) for p in changed)
        self.statusBar().showMessage(
            f"{group.title}: {plural(len(changed), 'question')} recorded as No, asked as a "
            f"group: {names}. Answers already given are unchanged.", 15000)

    # -- settings and about ------------------------------------------------------------
    def edit_settings(self) -> None:
        result = app_settings.edit_settings(self, self.settings)
        if result is None:
            return
        try:
            app_settings.save_settings(result)
        except OSError as exc:
            dialogs.show_error(self, "Cannot save the settings", str(exc))
            return
        old, self.settings = self.settings, result
        # the open record changes only by the GP's own edit: settings fill new consultations
        if _prefill(old) != _prefill(result):
            self.statusBar().showMessage("Settings saved: the practice and clinician fill the "
                                         "next new consultation (Ctrl+N); this one is "
                                         "unchanged.", 8000)
        if (old.user_name, old.database_url) != (result.user_name, result.database_url):
            self.drafts.reopen_store()

    def about_text(self) -> str:
        if self.rules is None:
            self._load_core()
        return (f"consult {consult.__version__}\n"
                f"Rule set {self.rules.version} ({self.rules.meta.reviewed})\n"
                f"Qt {qVersion()}, PySide6 {PySide6.__version__}, "
                f"Python {platform.python_version()}\n\n{INTENDED_PURPOSE}")

    def about(self) -> None:
        dialogs.show_about(self, self.about_text())

    # -- window --------------------------------------------------------------------------
    def start_after_first_paint(self) -> None:
        """Run start_up() once the window is on screen: nothing delays the first paint."""
        self._start_after_paint = True
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._start_after_paint:
            self._start_after_paint = False
            QTimer.singleShot(0, self.start_up)  # who is working, the store, drafts

    def _update_title(self) -> None:
        # no patient name in the title: task bars and shared screens show it
        star = " (unsaved changes)" if self.dirty else ""
        self.setWindowTitle(f"Consultation{star} \u2014 consult")

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.drafts.background.closed:
            event.accept()
            return
        if not self.may_discard(quitting=True) or not self.drafts.shut_down():
            event.ignore()
            return
        if self.notes_window is not None:
            self.notes_window.close()
        save_geometry(self, GEOMETRY_KEY)
        event.accept()


def show_ready(window: MainWindow) -> None:
    """Show the window with the first field focused, ready for typing; once it is on
    screen, ask who is working (first time), open the store and offer any drafts."""
    window.start_after_first_paint()
    window.show()
    QTimer.singleShot(0, window.form.focus_first_unanswered)
