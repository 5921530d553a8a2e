"""The main window: banner, sections, live assessment panel, To finish list and actions."""

from __future__ import annotations

import datetime as dt
import platform
import uuid
from concurrent.futures import Future
from pathlib import Path

import PySide6
from pydantic import ValidationError
from PySide6.QtCore import QSize, Qt, QTimer, Signal, qVersion
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QPaintEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStyle,
    QVBoxLayout,
    QWidget,
)

import consult
from consult import atomic, recordfile
from consult.answers import Answer, Trauma
from consult.completeness import Problem, problems
from consult.note import IncompleteRecord
from consult.note.compose import compose
from consult.note.text import render_text
from consult.note.versioning import show_datetime
from consult.record import Record
from consult.recordfile import RecordFileError
from consult.rules.assessment import Assessment
from consult.rules.engine import assess
from consult.ruleset import load as load_rules
from consult.store import AmendConflict, DraftInfo, NoteInfo, Store, StoreError, Who
from forms import dialogs, printing
from forms import drafts as draft_dialogs
from forms import settings as app_settings
from forms.banner import PatientBanner, banner_text
from forms.bars import MessageBar
from forms.form import ConsultationForm, resolve
from forms.panel import AssessmentPanel
from forms.sections import SECTIONS, section_of
from forms.storeworker import StoreWorker

#: After the first change, the draft is written this long later (then again after the
#: next change): a crash loses at most about this much typing, and the database sees
#: one write a second at most.
DRAFT_DELAY_MS = 1000

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


def _non_default(record: Record, path: str) -> bool:
    owner, leaf = resolve(record, path)
    value = getattr(owner, leaf)
    default = type(owner).model_fields[leaf].get_default(call_default_factory=True)
    return value != default


def _is_red(record: Record, path: str) -> bool:
    owner, leaf = resolve(record, path)
    value = getattr(owner, leaf)
    if path == "triggers.trauma":
        return value is Trauma.MAJOR
    red = path.startswith("red_flags.") or path in (
        "legs.weakness", "triggers.severe_pain_after_trauma", "history.thoracic_pain")
    return red and value is Answer.YES


class MainWindow(QMainWindow):
    #: the store opened (True) or could not be opened (False); for tests and the notes list
    storeOpened = Signal(bool)
    #: a draft save finished: True when written, False when it failed
    draftSaved = Signal(bool)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self._fit_to_screen()
        self.settings = app_settings.load_settings()
        self.rules = load_rules()
        self.path: Path | None = None
        self.dirty = False
        self.assessment: Assessment | None = None
        self.problems: list[Problem] = []

        # the store: drafts, finalised notes; None until opened (or when it cannot be)
        self.store: Store | None = None
        self.who: Who | None = None
        self.store_problem = "the note store has not been opened yet"
        self.note_id = str(uuid.uuid4())
        self.draft_id = str(uuid.uuid4())
        self.finalised: NoteInfo | None = None  # the finalised version shown, locked
        self.amending: NoteInfo | None = None  # the version being amended
        self._amend_reason = ""
        self._draft_written = False  # a draft of this consultation may be in the store
        self._start_after_paint = False
        self.notes_window: QWidget | None = None
        self._worker = StoreWorker(self)
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self._save_draft_now)

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

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.form)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 2)
        splitter.setSizes([260, 680, 460])
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

        self._make_actions()
        self.form.changed.connect(self._changed)
        self.form.built.connect(self._set_tab_order)
        self.panel.planChanged.connect(lambda: self._changed("plan"))
        self.sections.itemActivated.connect(self._jump_to_section)
        self.sections.itemClicked.connect(self._jump_to_section)
        self.to_finish.itemActivated.connect(self._jump_to_problem)
        self.to_finish.itemClicked.connect(self._jump_to_problem)
        self.new_consultation(ask=False)

    def _fit_to_screen(self) -> None:
        size = QSize(1400, 900)
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            free = screen.availableGeometry().size()
            size = size.boundedTo(QSize(int(free.width() * 0.96), int(free.height() * 0.92)))
        self.resize(size)

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
        self.act_draft = self._action("Export &draft PDF\u2026", self.export_draft,
                                      "Ctrl+Shift+E", "actDraft")
        self.act_print = self._action("&Print note\u2026", self.print_note,
                                      QKeySequence.StandardKey.Print, "actPrint")
        self.act_copy = self._action("&Copy note as text", self.copy_note,
                                     "Ctrl+Shift+C", "actCopy")
        self.act_quit = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit, "actQuit")
        self.act_settings = self._action("Se&ttings\u2026", self.edit_settings, "Ctrl+,",
                                         "actSettings")
        self.act_about = self._action("&About consult", self.about, None, "actAbout")
        self.act_sections = self._action("Go to &sections", self.sections.setFocus, "F6",
                                         "actSections")
        self.act_finish = self._action("Go to &To finish", self.to_finish.setFocus, "F7",
                                       "actFinish")
        self.act_accept = self._action("&Accept suggested plan", lambda: self._panel_button(
            "acceptPlan"), "Ctrl+Shift+A", "actAccept")
        self.act_confirm = self._action("Con&firm plan", lambda: self._panel_button(
            "confirmPlan"), "Ctrl+Shift+P", "actConfirm")
        self.act_remaining = self._action("Record remaining red flags as &No",
                                          self.form.record_remaining_as_no, "Ctrl+Shift+N",
                                          "actRemainingNo")
        style = self.style()
        self.act_new.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_FileIcon))
        self.act_open.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_DialogOpenButton))
        self.act_save.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_DialogSaveButton))

        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        for action in (self.act_new, self.act_open, self.act_save, self.act_save_as):
            file_menu.addAction(action)
        file_menu.addSeparator()
        for action in (self.act_finalise, self.act_amend):
            file_menu.addAction(action)
        file_menu.addSeparator()
        for action in (self.act_export, self.act_draft, self.act_print, self.act_copy):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.act_notes)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        edit_menu = menu.addMenu("&Edit")
        edit_menu.addAction(self.act_settings)
        plan_menu = menu.addMenu("&Plan")
        for action in (self.act_remaining, self.act_accept, self.act_confirm):
            plan_menu.addAction(action)
        go_menu = menu.addMenu("&Go")
        go_menu.addAction(self.act_sections)
        go_menu.addAction(self.act_finish)
        help_menu = menu.addMenu("&Help")
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
        if ask and not self._may_discard():
            return
        record = Record()
        s = self.settings
        record.practice.name, record.practice.address = s.practice_name, s.practice_address
        record.consultation.clinician_name = s.clinician_name
        record.consultation.gmc_number = s.gmc_number
        now = dt.datetime.now()
        record.consultation.date = now.date()
        record.consultation.time = dt.time(now.hour, now.minute)
        self.path = None
        self._show_consultation(record)

    def _show_consultation(self, record: Record, *, note_id: str | None = None,
                           draft_id: str | None = None, finalised: NoteInfo | None = None,
                           amending: NoteInfo | None = None) -> None:
        """Put a record in the form as the consultation now open: its own note and draft
        ids (new ones unless given), locked when `finalised`, amending `amending`."""
        self._flush_draft()  # the consultation being left keeps its last edits
        self.note_id = note_id or str(uuid.uuid4())
        self.draft_id = draft_id or str(uuid.uuid4())
        self._draft_written = draft_id is not None
        self.finalised, self.amending, self._amend_reason = finalised, amending, ""
        self.note_bar.clear()
        self.draft_status.clear()
        self.form.load(record)
        self.panel.set_record(record)
        self._apply_lock()
        self._refresh()
        self.dirty = False
        self._update_title()
        self.form.verticalScrollBar().setValue(0)
        if finalised is None:
            self.form.first_field().focus_target().setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def record(self) -> Record:
        return self.form.record

    @property
    def locked(self) -> bool:
        """A finalised note is shown: nothing in it can change until Amend."""
        return self.finalised is not None

    def _changed(self, _path: str) -> None:
        self.dirty = True
        self._refresh()
        self._update_title()
        self._schedule_draft()

    def _refresh(self) -> None:
        record = self.record
        assessment = assess(record, self.rules)
        found = problems(record, assessment=assessment)
        self.assessment, self.problems = assessment, found
        note = compose(record, assessment, draft=bool(found), app_version=consult.__version__,
                       rules=self.rules)
        self.panel.show_assessment(assessment, render_text(note))
        self.form.show_problems(found)
        self.banner.show_record(record)
        self._refresh_sections(found)
        self._refresh_to_finish(found)
        complete = not found
        items = f"{len(found)} item{'s' if len(found) != 1 else ''} to finish"
        reason = "" if complete else (
            f"Export and Print are disabled until the record is complete: {items}.")
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

    def _refresh_sections(self, found: list[Problem]) -> None:
        troubled = {section_of(p.field) for p in found}
        for row, spec in enumerate(SECTIONS):
            paths = [e for e in spec.entries if isinstance(e, str)]
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

    def _refresh_to_finish(self, found: list[Problem]) -> None:
        self.to_finish.setUpdatesEnabled(False)
        self.to_finish.clear()
        for p in found:
            item = QListWidgetItem(p.message)
            item.setData(Qt.ItemDataRole.UserRole, p.field)
            item.setToolTip(p.field)
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
            for name in ("confirmPlan" if path == "plan.confirmed" else "acceptPlan",
                         "planList"):
                target = self.panel.findChild(QWidget, name)
                if target is not None and target.isEnabled():
                    target.setFocus(Qt.FocusReason.OtherFocusReason)
                    return
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
            if candidate.isVisible() and candidate.isEnabled() \
                    and candidate.focusPolicy() & Qt.FocusPolicy.TabFocus:
                reason = Qt.FocusReason.TabFocusReason if next else Qt.FocusReason.BacktabFocusReason
                candidate.setFocus(reason)
                return True
        return super().focusNextPrevChild(next)

    def _panel_button(self, name: str) -> None:
        button = self.panel.findChild(QPushButton, name)
        if button is not None and button.isEnabled():
            button.click()

    # -- files ---------------------------------------------------------------------
    def _may_discard(self) -> bool:
        """May the open consultation be left? Asks when it has unsaved changes; Discard
        deletes its draft too, otherwise the draft stays and is offered at next start."""
        if not self.dirty:
            return True
        question = "This consultation has unsaved changes. Save them first?"
        if self.store is not None and not self.locked:
            question = ("This consultation is not finalised. Save the record to a file first?\n\n"
                        "Discard deletes it and its draft. Otherwise its draft is kept and "
                        "offered when consult next starts.")
        answer = dialogs.confirm_discard(self, question)
        if answer == "save":
            return self.save_record()
        if answer == "discard":
            self._discard_draft()
            return True
        return False

    def open_record(self) -> None:
        if not self._may_discard():
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
        self._show_consultation(record)

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

    def export_pdf(self) -> None:
        """Export the final note. With the store, the note is finalised first (asking) and
        the stored PDF is what is written; without it, as before: a file only."""
        if self.locked:
            self._export_stored()
            return
        if self.problems:
            dialogs.show_info(self, "Not complete yet", self.reason.text())
            return
        if self.store is not None:
            if self.finalise_note() is not None:
                self._export_stored()
            return
        self._export(draft=False)

    def _export_stored(self) -> None:
        info, store, who = self.finalised, self.store, self.who
        if info is None:
            return
        if store is None or who is None:
            dialogs.show_error(self, "Cannot export the note", f"The note store is not "
                               f"available: {self.store_problem}. Nothing was written.")
            return
        name = app_settings.export_file_name(self.settings, self.record)
        name = name.removesuffix(".pdf") + f"_v{info.version}.pdf"
        path = dialogs.ask_save_path(self, f"Export note {info.short_id} version {info.version}",
                                     name, "PDF (*.pdf)")
        if not path:
            return
        try:
            data = store.pdf(info.note_id, info.version)
        except StoreError as exc:
            dialogs.show_error(self, "Cannot export the note", f"{exc}. Nothing was written.")
            return
        try:
            atomic.write_bytes(path, data)
        except OSError as exc:
            dialogs.show_error(self, "Cannot export the note",
                               f"{path}: {exc.strerror or exc}. Nothing was written.")
            return
        try:
            store.mark_exported(info.note_id, info.version, who, file_name=Path(path).name)
        except StoreError as exc:
            dialogs.show_error(self, "The export was not recorded",
                               f"{Path(path).name} was written, but the audit trail could not "
                               f"record it: {exc}.")
        self.statusBar().showMessage(f"Exported {Path(path).name}", 5000)

    def export_draft(self) -> None:
        self._export(draft=True)

    def _export(self, draft: bool) -> None:
        from consult.note import write_note_pdf  # reportlab loads on first export

        name = app_settings.export_file_name(self.settings, self.record)
        if draft:
            name = name.removesuffix(".pdf") + "_DRAFT.pdf"
        path = dialogs.ask_save_path(self, "Export draft PDF note" if draft else
                                     "Finalise and export PDF note", name, "PDF (*.pdf)")
        if not path:
            return
        try:
            write_note_pdf(self.record, path, draft=draft)
        except OSError as exc:
            dialogs.show_error(self, "Cannot export the note",
                               f"{path}: {exc.strerror or exc}. Nothing was written.")
            return
        self.statusBar().showMessage(f"Exported {Path(path).name}", 5000)

    def print_note(self) -> None:
        """Print the final note: with the store, the stored PDF of the finalised version
        (finalising first, asking) and the printing is recorded; without it, as before."""
        if not self.locked and self.problems:
            dialogs.show_info(self, "Not complete yet", self.reason.text())
            return
        if not self.locked and self.store is not None and self.finalise_note() is None:
            return
        info, store = self.finalised, self.store
        if info is not None and store is None:
            dialogs.show_error(self, "Cannot print the note", f"The note store is not "
                               f"available: {self.store_problem}.")
            return
        if info is not None and store is not None:
            try:
                pdf = store.pdf(info.note_id, info.version)
            except StoreError as exc:
                dialogs.show_error(self, "Cannot print the note", str(exc))
                return
        else:
            from consult.note import note_pdf

            pdf = note_pdf(self.record)
        printer = printing.ask_printer(self)
        if printer is None:
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            pages = printing.print_pdf(pdf, printer)
        except printing.PrintError as exc:
            QGuiApplication.restoreOverrideCursor()
            dialogs.show_error(self, "Cannot print the note", str(exc))
            return
        QGuiApplication.restoreOverrideCursor()
        if info is not None and store is not None and self.who is not None:
            try:
                store.mark_printed([info.key], self.who,
                                   printer=printer.printerName() or printer.outputFileName())
            except StoreError as exc:
                dialogs.show_error(self, "The printing was not recorded",
                                   f"The note was printed, but the audit trail could not "
                                   f"record it: {exc}.")
        self.statusBar().showMessage(f"Sent {pages} page{'s' if pages != 1 else ''} to the "
                                     "printer", 5000)

    def copy_note(self) -> None:
        QGuiApplication.clipboard().setText(self.panel.preview_text())
        self.statusBar().showMessage("Note copied as text", 3000)

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
        if not self.locked:  # a finalised note never changes
            record = self.record
            record.practice.name = result.practice_name
            record.practice.address = result.practice_address
            if not record.consultation.clinician_name:
                record.consultation.clinician_name = result.clinician_name
                record.consultation.gmc_number = result.gmc_number
                self.form.load(record)
            if self.dirty:
                self._changed("practice")
            else:  # nothing typed yet: no draft for the settings alone
                self._refresh()
        if (old.user_name, old.database_url) != (result.user_name, result.database_url):
            self._reopen_store()

    def about_text(self) -> str:
        return (f"consult {consult.__version__}\n"
                f"Rule set {self.rules.version} ({self.rules.meta.reviewed})\n"
                f"Qt {qVersion()}, PySide6 {PySide6.__version__}, "
                f"Python {platform.python_version()}\n\n{INTENDED_PURPOSE}")

    def about(self) -> None:
        dialogs.show_about(self, self.about_text())

    # -- start-up and the store ------------------------------------------------------------
    def start_after_first_paint(self) -> None:
        """Run start_up() once the window is on screen: nothing delays the first paint."""
        self._start_after_paint = True
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._start_after_paint:
            self._start_after_paint = False
            QTimer.singleShot(0, self.start_up)

    def start_up(self) -> None:
        """Ask who is working (once), then open the store in the background; unfinished
        consultations are offered when it is open."""
        if not self.settings.user_name:
            self._ask_user_name()
        self._open_store(offer_drafts=True)

    def _ask_user_name(self) -> None:
        name = dialogs.ask_user_name(self, self.settings.clinician_name)
        if not name:
            return
        try:
            chosen = app_settings.AppSettings.model_validate(
                {**self.settings.model_dump(), "user_name": name})
        except ValidationError:
            dialogs.show_error(self, "Who is working?", "That name is too long (200 characters "
                               "at most). Set it in Edit > Settings.")
            return
        self.settings = chosen
        try:
            app_settings.save_settings(chosen)
        except OSError as exc:
            dialogs.show_error(self, "Cannot save the settings", str(exc))

    def _open_store(self, *, offer_drafts: bool) -> None:
        self._show_who()
        if not self.settings.user_name:
            self._store_unavailable("who is working has not been set (Edit > Settings)")
            return
        who = Who(self.settings.user_name)
        configured = self.settings.database_url or None

        def job() -> tuple[Store, list[DraftInfo]]:
            store = Store.open(configured=configured)
            try:
                return store, store.drafts(who)
            except BaseException:
                store.close()
                raise

        self._worker.submit(job, lambda f: self._store_opened(f, who, offer_drafts))

    def _store_opened(self, future: Future, who: Who, offer_drafts: bool) -> None:
        error = future.exception()
        if error is not None:
            if not isinstance(error, StoreError):
                raise error
            self._store_unavailable(str(error))
            self.storeOpened.emit(False)
            return
        store, drafts = future.result()
        self.store, self.who, self.store_problem = store, who, ""
        self.store_bar.clear()
        self._show_who()
        self._apply_lock()
        self.storeOpened.emit(True)
        if self.dirty and not self.locked:  # typed while the store was opening
            self._schedule_draft()
        drafts = [d for d in drafts if d.draft_id != self.draft_id]
        if offer_drafts and drafts:
            self.offer_drafts(drafts)

    def _store_unavailable(self, reason: str) -> None:
        self.store, self.store_problem = None, reason
        self.store_bar.show_message(
            "warning", f"Drafts are not being saved: {reason}. Files still work: Save record "
            "(Ctrl+S) keeps a copy of the consultation.")
        self._apply_lock()

    def _show_who(self) -> None:
        name = self.settings.user_name
        self.who_status.setText(f"Working as {name}" if name else "Who is working: not set")

    def _reopen_store(self) -> None:
        """Who is working or the database changed: flush, close, open again."""
        untouched = not (self.dirty or self._draft_written or self.locked or self.amending)
        self._flush_draft()
        self._worker.drain()
        if self.notes_window is not None:
            self.notes_window.close()
            self.notes_window = None
        if self.store is not None:
            self.store.close()
        self.store, self.who = None, None
        self.store_problem = "the note store is being opened"
        self._apply_lock()
        self._open_store(offer_drafts=untouched)

    def _shut_down_store(self) -> bool:
        """Write the last draft, wait for the worker and stop it; False when the last
        draft could not be written and the GP chose not to close."""
        pending = self._flush_draft()
        self._worker.drain()
        if pending is not None and isinstance(pending.exception(), StoreError) and not \
                dialogs.confirm(self, "The draft was not saved",
                                f"The last changes could not be saved as a draft: "
                                f"{pending.exception()}.\n\nClose anyway? Save the record to "
                                "a file (Ctrl+S) first to keep them.", "Close without saving",
                                default_action=False):
            return False
        self._worker.shutdown()
        if self.store is not None:
            self.store.close()
        return True

    # -- drafts ----------------------------------------------------------------------------
    def _schedule_draft(self) -> None:
        """A change: write the draft in about a second, unless a write is already due."""
        if self.store is None or self.locked or self._worker.closed:
            return
        if not self._draft_timer.isActive():
            self._draft_timer.start()

    def _flush_draft(self) -> Future | None:
        """Queue the draft write now if one is due (never waits for it)."""
        if not self._draft_timer.isActive():
            return None
        self._draft_timer.stop()
        return self._save_draft_now()

    def _save_draft_now(self) -> Future | None:
        """Snapshot the record here, in the GUI thread; write it in the worker thread."""
        store, who = self.store, self.who
        if store is None or who is None or self.locked or self._worker.closed:
            return None
        text = recordfile.dumps(self.record)
        draft_id, note_id = self.draft_id, self.note_id
        base = self.amending.version if self.amending is not None else None
        reason = self._amend_reason or None
        self._draft_written = True
        return self._worker.submit(
            lambda: store.save_draft(draft_id, note_id, text, who, base_version=base,
                                     amend_reason=reason),
            self._draft_done)

    def _draft_done(self, future: Future) -> None:
        error = future.exception()
        if error is None:
            self.draft_status.setText(f"Draft saved {dt.datetime.now():%H:%M:%S}")
            if self.store_bar.kind() == "warning" and self.store is not None:
                self.store_bar.clear()
            self.draftSaved.emit(True)
            return
        if not isinstance(error, StoreError):
            raise error
        self.draft_status.setText("Draft NOT saved")
        self.store_bar.show_message(
            "warning", f"Drafts are not being saved: {error}. Tried again at your next "
            "change; Save record (Ctrl+S) keeps a copy in a file.")
        self.draftSaved.emit(False)

    def _discard_draft(self) -> None:
        """The GP discarded the open consultation: its draft goes too (after any write
        already queued, so nothing brings it back)."""
        self._draft_timer.stop()
        store, who = self.store, self.who
        if store is None or who is None or not self._draft_written or self._worker.closed:
            return
        draft_id = self.draft_id
        self._draft_written = False
        self._worker.submit(lambda: store.discard_draft(draft_id, who), self._discard_done)

    def _discard_done(self, future: Future) -> None:
        error = future.exception()
        if error is None:
            return
        if not isinstance(error, StoreError):
            raise error
        self.store_bar.show_message("warning", f"The discarded consultation's draft could not "
                                    f"be deleted: {error}. It will be offered at next start.")

    def offer_drafts(self, drafts: list[DraftInfo]) -> None:
        """Show each unfinished consultation's patient and time; restore, discard or leave
        them for later. Nothing is loaded before the GP chooses Restore."""
        while drafts and self.store is not None and self.who is not None:
            choice, draft = draft_dialogs.choose_draft(self, drafts)
            if draft is None or choice not in ("restore", "discard"):
                return
            if choice == "restore":
                self.restore_draft(draft)
                return
            if not dialogs.confirm(
                    self, "Discard the draft",
                    f"Discard the unfinished consultation of\n\n{draft.patient.line()}\n"
                    f"saved {show_datetime(draft.saved_at)}?\n\nIt cannot be recovered.",
                    "Discard draft", default_action=False):
                continue
            try:
                self.store.discard_draft(draft.draft_id, self.who)
            except StoreError as exc:
                dialogs.show_error(self, "Cannot discard the draft", str(exc))
                return
            drafts = [d for d in drafts if d.draft_id != draft.draft_id]

    def restore_draft(self, draft: DraftInfo) -> bool:
        store = self.store
        if store is None or not self._may_discard():
            return False
        try:
            info, record = store.load_draft(draft.draft_id)
            amending = store.note(info.note_id, info.base_version) \
                if info.base_version is not None else None
        except (StoreError, RecordFileError) as exc:
            dialogs.show_error(self, "Cannot restore the draft", str(exc))
            return False
        self.path = None
        self._show_consultation(record, note_id=info.note_id, draft_id=info.draft_id,
                                amending=amending)
        self._amend_reason = info.amend_reason or ""
        restored = (f"Restored the unfinished consultation of {info.patient.line()}, saved "
                    f"{show_datetime(info.saved_at)}. Check this is the patient you are "
                    "speaking to.")
        if amending is not None:
            restored += " " + self._amending_text(amending)
        self.note_bar.show_message("amending" if amending else "info", restored)
        return True

    # -- finalising and amending -------------------------------------------------------------
    def _finalised_text(self, info: NoteInfo) -> str:
        text = (f"Finalised: note {info.short_id}, version {info.version}, "
                f"{show_datetime(info.finalised_at)} by {info.author}.")
        if info.superseded:
            return (f"{text} Superseded by version {info.latest_version}: this version is "
                    "locked and cannot be amended.")
        return f"{text} Locked: use Amend to change it."

    @staticmethod
    def _amending_text(info: NoteInfo) -> str:
        return (f"Amending note {info.short_id} version {info.version}: finalise to store "
                f"version {info.version + 1}.")

    def _apply_lock(self) -> None:
        """The form, the plan and the actions as the note's state allows; the note bar."""
        locked = self.locked
        self.form.setEnabled(not locked)
        self.panel.set_locked(locked)
        for action in (self.act_remaining, self.act_accept, self.act_confirm, self.act_finalise):
            action.setEnabled(not locked)
        amendable = locked and self.store is not None and self.finalised is not None \
            and not self.finalised.superseded
        self.act_amend.setEnabled(amendable)
        self.act_export.setText("&Export finalised PDF\u2026" if locked
                                else "&Finalise and export PDF\u2026")
        if self.finalised is not None:
            self.note_bar.show_message("locked", self._finalised_text(self.finalised))
        elif self.amending is not None and self.note_bar.kind() != "warning":
            self.note_bar.show_message("amending", self._amending_text(self.amending))

    def _point_at_to_finish(self) -> None:
        self.to_finish.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.to_finish.count():
            self.to_finish.setCurrentRow(0)

    def finalise_note(self) -> NoteInfo | None:
        """Store the complete record as a locked note (or, amending, as the next version);
        the note stored, or None when nothing was stored."""
        if self.locked:
            dialogs.show_info(self, "Already finalised", self.note_bar.text())
            return None
        store, who = self.store, self.who
        if store is None or who is None:
            dialogs.show_error(self, "Cannot finalise the note",
                               f"The note store is not available: {self.store_problem}. "
                               "Nothing was stored. Save the record to a file (Ctrl+S) to keep it.")
            return None
        if self.problems:
            dialogs.show_info(self, "Not complete yet",
                              f"{self.reason.text()}\n\nThe To finish list (F7) shows what is "
                              "left. Nothing has been stored.")
            self._point_at_to_finish()
            return None
        name, born, age, number = banner_text(self.record)
        banner = "\n".join(x for x in (name, ", ".join(y for y in (born, age) if y), number) if x)
        base = self.amending
        if base is not None:
            reason = dialogs.ask_amend_reason(
                self, f"{banner}\n\nAmending note {base.short_id} version {base.version}. "
                f"Version {base.version + 1} will say on every page that it supersedes "
                f"version {base.version}, with this reason.", self._amend_reason)
            if not reason:
                return None
            self._amend_reason = reason
        elif not dialogs.confirm(
                self, "Finalise and lock note",
                f"Finalise the note for\n\n{banner}\n\nIt is stored as version 1 and locked; "
                "a later change is made as an amendment (a new version).", "Finalise and lock"):
            return None
        # no draft write may come after the note is stored (it would bring the draft back)
        self._flush_draft()
        self._worker.drain()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            if base is not None:
                info = store.amend(self.note_id, base.version, self.record, self._amend_reason,
                                   who, draft_id=self.draft_id)
            else:
                info = store.finalise(self.record, who, note_id=self.note_id,
                                      draft_id=self.draft_id)
        except AmendConflict as exc:
            QGuiApplication.restoreOverrideCursor()
            self._save_draft_now()  # the GP's amendment, with its reason, stays as the draft
            self.note_bar.show_message("warning", f"{exc} Your changes are still in the form.")
            dialogs.show_error(self, "Someone else amended this note first", str(exc))
            return None
        except IncompleteRecord as exc:
            QGuiApplication.restoreOverrideCursor()
            dialogs.show_info(self, "Not complete yet", str(exc))
            return None
        except StoreError as exc:
            QGuiApplication.restoreOverrideCursor()
            dialogs.show_error(self, "Cannot finalise the note",
                               f"{exc}. Nothing was stored; the draft is kept.")
            return None
        QGuiApplication.restoreOverrideCursor()
        self.finalised, self.amending, self._amend_reason = info, None, ""
        self.draft_id, self._draft_written = str(uuid.uuid4()), False
        self.dirty = False
        self.draft_status.setText(f"Finalised version {info.version}")
        self._apply_lock()
        self._refresh()
        self._update_title()
        self.statusBar().showMessage(f"Finalised note {info.short_id} version {info.version}",
                                     5000)
        return info

    def amend_note(self) -> None:
        """Unlock the finalised note shown; finalising then stores the next version."""
        info = self.finalised
        if info is None or self.store is None:
            return
        if info.superseded:
            dialogs.show_info(self, "Cannot amend this version", self._finalised_text(info))
            return
        self.finalised, self.amending, self._amend_reason = None, info, ""
        self.draft_id, self._draft_written = str(uuid.uuid4()), False
        self.draft_status.setText(f"Amending version {info.version}")
        self.note_bar.clear()
        self._apply_lock()
        self._refresh()
        self.form.first_field().focus_target().setFocus(Qt.FocusReason.OtherFocusReason)

    def open_note_for_amendment(self, note_id: str, version: int) -> bool:
        """Show a stored version locked, ready for Amend (the staff's notes list calls this)."""
        store = self.store
        if store is None:
            dialogs.show_error(self, "Cannot open the note",
                               f"The note store is not available: {self.store_problem}.")
            return False
        if not self._may_discard():
            return False
        try:
            record = store.record(note_id, version)
            info = store.note(note_id, version)
        except (StoreError, RecordFileError) as exc:
            dialogs.show_error(self, "Cannot open the note", str(exc))
            return False
        self.path = None
        self._show_consultation(record, note_id=note_id, finalised=info)
        self._draft_written = False
        bring_to_front(self)
        return True

    def show_notes(self) -> None:
        """The staff's list of finalised notes (a window of its own)."""
        store, who = self.store, self.who
        if store is None or who is None:
            dialogs.show_info(self, "Finalised notes",
                              f"The note store is not available: {self.store_problem}.")
            return
        if self.notes_window is not None and not self.notes_window.isVisible():
            self.notes_window.deleteLater()  # closed earlier: a fresh list, polling again
            self.notes_window = None
        if self.notes_window is None:
            try:
                from forms.notesview import NotesWindow
            except ImportError as exc:
                dialogs.show_error(self, "Finalised notes", f"The notes list is not available: "
                                   f"{exc}.")
                return
            window = NotesWindow(store, who)
            window.amend_requested.connect(self.open_note_for_amendment)
            self.notes_window = window
        bring_to_front(self.notes_window)

    # -- window --------------------------------------------------------------------------
    def _update_title(self) -> None:
        # no patient name in the title: task bars and shared screens show it
        star = " (unsaved changes)" if self.dirty else ""
        self.setWindowTitle(f"Consultation{star} \u2014 consult")

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._worker.closed:
            event.accept()
            return
        if not self._may_discard() or not self._shut_down_store():
            event.ignore()
            return
        if self.notes_window is not None:
            self.notes_window.close()
        event.accept()


def bring_to_front(window: QWidget) -> None:
    """Show a top-level window above the others (no-op where the platform has no
    window stacking, such as the offscreen platform of the tests, which warns)."""
    if window.isMinimized():
        window.showNormal()
    window.show()
    if QGuiApplication.platformName() not in ("offscreen", "minimal"):
        window.raise_()
        window.activateWindow()


def show_ready(window: MainWindow) -> None:
    """Show the window with the first field focused, ready for typing; once it is on
    screen, ask who is working (first time), open the store and offer any drafts."""
    window.start_after_first_paint()
    window.show()
    QTimer.singleShot(0, lambda: window.form.first_field().focus_target().setFocus())
