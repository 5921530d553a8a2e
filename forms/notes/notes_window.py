"""The practice staff's window onto finalised notes: find them, see them exactly as they
print, print many at once (one print dialog, one job), export them, or ask for one to
be amended.

    window = NotesWindow(store, Who("Jo Reception"))
    window.amend_requested.connect(open_for_amending)     # (note_id, latest_version)

The list follows the store live: every POLL_MS the window asks for the store's change
mark (one small query) and refreshes when it moved, so a note finalised on another
workstation appears within seconds. A database that cannot be reached is reported in
a bar across the window, never a modal box, and polling carries on.

Every store call runs in the window's own Background thread (forms.background): the
poll asynchronously (its answer comes back as a callback), the rest waited for with
the window repainting (`background.call`). While a call is waited for, the poll skips
its turn and a refresh asked for meanwhile runs after it.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import (
    QModelIndex,
    QSettings,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QSplitter,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from consult.note.versioning import show_datetime
from consult.store import NoteInfo, Store, StoreError, Who
from consult.store.location import shown
from consult.store.urgency import Urgency, urgencies
from consult.words import plural
from forms.background import Background
from forms.bars import MessageBar
from forms.geometry import restore_geometry, save_geometry
from forms.notes import jobs as notesjobs
from forms.notes.filter_bar import NotesFilterBar
from forms.notes.notes_table import NotesList
from forms.notes.preview import NotePreview, describe
from forms.notes.table_model import COLUMNS, FINALISED, NOTE_ROLE

T = TypeVar("T")
POLL_MS = 2000
LIMIT = 1000     # rows listed at most; the status bar says when there are more
SETTINGS_KEY = "notesWindow"     # QSettings group: where the user left the window
PREFERRED_SIZE = QSize(1600, 950)   # on a screen that has room; otherwise the screen's size
MIN_PREVIEW_WIDTH = 520   # a page beside the list narrower than this is too small to read
LIST_SHARE_BELOW = 0.45   # of the height, with the preview below the list
# every note's urgency worked out in this process, by database and (note id, version): a
# note's answers never change, so the list opened again needs no second assessment
WORKED_OUT: dict[tuple[str, str, int], Urgency] = {}
URGENCY_BATCH = 40   # notes assessed per background job: a preview asked for waits for one batch


def ask_export_folder(parent: QWidget | None) -> str | None:
    """The folder to export into, or None if cancelled (tests replace this function)."""
    folder = QFileDialog.getExistingDirectory(parent, "Export notes to folder")
    return folder or None


class _Splitter(QSplitter):
    resized = Signal()   # after the splitter laid out its two sides at its new size

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resized.emit()


class NotesWindow(QMainWindow):
    amend_requested = Signal(str, int)   # note_id, the latest version

    def __init__(self, store: Store, who: Who, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notesWindow")
        self.setWindowTitle("Finalised notes \u2014 consult")
        self.store, self.who = store, who
        self._mark: int | None = None
        self._busy = False
        self.background = Background(self, name="consult-notes")
        self._calls = 0            # store calls being waited for
        self._polling = False      # a poll's answer is still to come
        self._refresh_again = False
        self._versions: list[NoteInfo] = []   # every version of the note on show, newest first
        self._more = False
        self._count = ""   # "12 notes" (the status bar adds how many are selected)
        self._asking: set[tuple[str, int]] = set()   # urgencies being worked out
        self._closed = threading.Event()   # set when the window closes: queued batches skip
        self._user_sized: bool | None = None   # the user moved the divider; None: not arranged
        self._quiet_split = False

        self.bar = MessageBar("notesBar", self)
        self.filters = NotesFilterBar(self)
        self.notes = NotesList(self)
        self.model, self.table = self.notes.model, self.notes.table
        self.preview = NotePreview(self)
        self.versions = QComboBox(self)
        self.versions.setObjectName("noteVersions")
        self.versions.setAccessibleName("Version")
        self.versions.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.heading = QLabel(self)
        self.heading.setObjectName("previewHeading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)

        version_label = QLabel("&Version", self)
        version_label.setBuddy(self.versions)
        preview_label = QLabel("Previe&w, exactly as it prints", self)
        preview_label.setBuddy(self.preview.view)
        version_row = QHBoxLayout()
        version_row.addWidget(preview_label)
        version_row.addStretch(1)
        version_row.addWidget(version_label)
        version_row.addWidget(self.versions)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(4, 4, 8, 4)
        right_layout.addLayout(version_row)
        right_layout.addWidget(self.heading)
        right_layout.addWidget(self.preview, 1)

        splitter = _Splitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.notes)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)   # a wider window gives the page more room
        splitter.setStretchFactor(1, 1)
        splitter.splitterMoved.connect(self._split_moved)
        splitter.resized.connect(self._arrange)
        splitter.setChildrenCollapsible(False)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.bar)
        layout.addWidget(self.filters)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.splitter = splitter

        self.count_label = QLabel(self)
        self.count_label.setObjectName("notesCount")
        self.where_label = QLabel(f"Working as {who.user} \u00b7 Database: {shown(store.engine.url)}",
                                  self)
        self.where_label.setObjectName("notesDatabase")
        self.statusBar().addWidget(self.count_label)
        self.statusBar().addPermanentWidget(self.where_label)

        self._make_actions()
        chain = [*self.filters.tab_widgets(), self.notes.sort_by, self.table, self.preview.view,
                 self.versions]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

        self.filters.changed.connect(self.refresh)
        self.notes.selection_changed.connect(self._selection_changed)
        self.table.activated.connect(self._open)
        self.versions.activated.connect(lambda _i: self._show_preview())
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(POLL_MS)
        self.poll_timer.timeout.connect(self.poll)
        restore_geometry(self, SETTINGS_KEY, PREFERRED_SIZE)
        self._arrange()
        self.refresh()
        self.poll_timer.start()
        self.filters.name.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- building ---------------------------------------------------------------------------
    def _action(self, text: str, slot, shortcut: QKeySequence | str | None, name: str,
                icon: QStyle.StandardPixmap | None = None) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        action.triggered.connect(lambda _=False: slot())
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        self.act_print = self._action("&Print\u2026", self.print_selected,
                                      QKeySequence.StandardKey.Print, "actPrintNotes",
                                      QStyle.StandardPixmap.SP_FileDialogDetailedView)
        self.act_export = self._action("&Export\u2026", self.export_selected, "Ctrl+E",
                                       "actExportNotes", QStyle.StandardPixmap.SP_DialogSaveButton)
        self.act_amend = self._action("&Amend\u2026", self.amend_selected, "Ctrl+Shift+M",
                                      "actAmendNote", QStyle.StandardPixmap.SP_FileDialogContentsView)
        self.act_refresh = self._action("&Refresh", self.refresh, QKeySequence.StandardKey.Refresh,
                                        "actRefreshNotes", QStyle.StandardPixmap.SP_BrowserReload)
        self.act_find = self._action("&Find a patient", self._focus_name,
                                     QKeySequence.StandardKey.Find, "actFindNote")
        self.act_close = self._action("&Close", self.close, QKeySequence.StandardKey.Close,
                                      "actCloseNotes")
        menu = self.menuBar().addMenu("&Notes")
        for action in (self.act_print, self.act_export, self.act_amend):
            menu.addAction(action)
        menu.addSeparator()
        for action in (self.act_find, self.act_refresh):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.act_close)
        toolbar = self.addToolBar("Notes")
        toolbar.setObjectName("notesToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.act_print, self.act_export, self.act_amend, self.act_refresh):
            toolbar.addAction(action)

    def _focus_name(self) -> None:
        self.filters.name.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filters.name.selectAll()

    # -- the list ------------------------------------------------------------------------------
    def _call(self, job: Callable[[], T]) -> T:
        """A store call in the background thread, waited for (its error raised here)."""
        self._calls += 1
        try:
            return self.background.call(job)
        finally:
            self._calls -= 1

    def refresh(self) -> None:
        """List the notes the filter matches, keeping the selection (by note)."""
        if self._calls:   # asked for while a store call is waited for: right after it
            self._refresh_again = True
            return
        store, note_filter = self.store, self.filters.note_filter(limit=LIMIT + 1)
        try:
            mark, found = self._call(lambda: (store.change_mark(), store.notes(note_filter)))
        except StoreError as exc:
            self._store_trouble(exc)
        else:
            self._store_fine()
            self._mark = mark
            self._more = len(found) > LIMIT
            self._show_notes(found[:LIMIT])
        if self._refresh_again and not self._calls:
            self._refresh_again = False
            self.refresh()

    def poll(self) -> None:
        """Refresh when the store changed since the last look (cheap: one small query, in
        the background; the answer comes back to _polled or _poll_failed)."""
        if self._busy or self._calls or self._polling or self.background.closed:
            return
        self._polling = True
        self.background.run(self.store.change_mark, success=self._polled,
                            failure=self._poll_failed)

    def _polled(self, mark: int) -> None:
        self._polling = False
        if mark != self._mark or self.bar.isVisible():
            self.refresh()

    def _poll_failed(self, exc: BaseException) -> None:
        self._polling = False
        self._store_trouble(exc)

    def _store_trouble(self, exc: StoreError) -> None:
        self.bar.show_message("warning", f"Cannot read the notes: {exc}. The list may be out of "
                              f"date; trying again every {POLL_MS // 1000} seconds.")

    def _store_fine(self) -> None:
        if self.bar.isVisible():
            self.bar.clear()

    def _show_notes(self, notes: list[NoteInfo]) -> None:
        self._count = plural(len(notes), "note")
        if self._more:
            self._count = f"Showing the newest {LIMIT} notes: narrow the filter to find older ones"
        self.notes.set_notes(notes)
        self._arrange()
        self._ask_urgencies()

    # -- urgency: worked out from each note's answers, in the background, once per note --------
    def _ask_urgencies(self) -> None:
        if self.background.closed:
            return
        where = str(self.store.engine.url)   # the password, if any, shown as ***
        remembered = {n.key: WORKED_OUT[(where, *n.key)] for n in self.model.notes()
                      if (where, *n.key) in WORKED_OUT and n.key not in self.model.known_urgencies()}
        if remembered:
            self.notes.set_urgencies(remembered)
        known = self.model.known_urgencies() | self._asking
        missing = [n.key for n in self.model.notes() if n.key not in known]
        store, closed = self.store, self._closed
        for start in range(0, len(missing), URGENCY_BATCH):
            batch = missing[start:start + URGENCY_BATCH]
            self._asking.update(batch)
            # a batch still queued when the window closes is skipped, not run on the store
            self.background.run(lambda batch=batch: {} if closed.is_set() else urgencies(store, batch),
                                success=lambda found, batch=batch: self._urgencies_found(batch, found),
                                failure=lambda exc, batch=batch: self._urgencies_failed(batch, exc),
                                errors=(StoreError,))

    def _urgencies_found(self, batch: list[tuple[str, int]],
                         found: dict[tuple[str, int], Urgency]) -> None:
        self._asking.difference_update(batch)
        where = str(self.store.engine.url)
        WORKED_OUT.update({(where, *key): urgency for key, urgency in found.items()})
        self.notes.set_urgencies(found)

    def _urgencies_failed(self, batch: list[tuple[str, int]], exc: BaseException) -> None:
        self._asking.difference_update(batch)   # asked again at the next refresh
        self._store_trouble(exc)

    def select_rows(self, rows: list[int]) -> None:
        """Select these rows (the first becomes current), as a user would with Ctrl+click."""
        self.notes.select_rows(rows)

    def selected_notes(self) -> list[NoteInfo]:
        """The selected notes, in list order (the order they print in)."""
        return self.notes.selected_notes()

    def targets(self) -> list[NoteInfo]:
        """What Print and Export act on: each selected note's latest version, or - with one
        note selected - the version chosen under Version (and on show)."""
        selected = self.selected_notes()
        if len(selected) == 1:
            chosen = self._chosen_version()
            if chosen is not None and chosen.note_id == selected[0].note_id:
                return [chosen]
        return selected

    # -- selection, versions and preview ----------------------------------------------------------
    def _selection_changed(self) -> None:
        selected = self.selected_notes()
        current = self.notes.current_note()
        if current is None:
            self._versions = []
            self.versions.clear()
        elif not self._versions or self._versions[0].note_id != current.note_id \
                or self._versions[0].version != current.latest_version:
            self._load_versions(current)
        if len(selected) > 1 and self.versions.currentIndex() > 0:
            self.versions.setCurrentIndex(0)   # several notes: the latest version of each
        self.versions.setEnabled(len(selected) == 1 and len(self._versions) > 1)
        self.count_label.setText(f"{self._count} \u00b7 {len(selected)} selected" if selected
                                 else self._count)
        self._update_actions()
        self._show_preview()

    def _load_versions(self, current: NoteInfo) -> None:
        # an earlier version the user chose stays chosen; otherwise show the (new) latest
        keep = self.versions.currentData() if self._versions and self.versions.currentIndex() > 0 \
            and self._versions[0].note_id == current.note_id else None
        try:
            store, note_id = self.store, current.note_id
            self._versions = self._call(lambda: store.versions(note_id))
        except StoreError as exc:
            self._store_trouble(exc)
            self._versions = [current]
        self.versions.clear()
        for info in self._versions:
            state = "latest" if not info.superseded else "SUPERSEDED"
            when = f"{show_datetime(info.finalised_at)} by {info.author}"
            self.versions.addItem(f"Version {info.version} ({state}) \u00b7 {when.split(' by ')[0]}",
                                  info.version)
            self.versions.setItemData(self.versions.count() - 1,
                                      f"Version {info.version}, finalised {when}"
                                      + (f"\nAmended: {info.amend_reason}" if info.amend_reason else ""),
                                      Qt.ItemDataRole.ToolTipRole)
        if keep is not None and keep != self._versions[0].version:
            index = self.versions.findData(keep)
            if index >= 0:
                self.versions.setCurrentIndex(index)

    def _chosen_version(self) -> NoteInfo | None:
        version = self.versions.currentData()
        for info in self._versions:
            if info.version == version:
                return info
        return None

    def choose_version(self, version: int) -> None:
        """Show this version of the selected note (as picking it under Version does)."""
        index = self.versions.findData(version)
        if index < 0:
            raise ValueError(f"version {version} is not listed")
        self.versions.setCurrentIndex(index)
        self._update_actions()
        self._show_preview()

    def _show_preview(self) -> None:
        selected = self.selected_notes()
        current = self.notes.current_note()
        if current is None:
            self.heading.setText("")
            self.preview.show_message("Select a note in the list to see it here exactly as it "
                                      "prints.")
            self._update_actions()
            return
        info = self._chosen_version() if len(selected) == 1 else None
        info = info or current
        self.heading.setText(describe(info, len(selected)))
        self.heading.setProperty("role", "error" if info.superseded else "")
        self.heading.style().unpolish(self.heading)
        self.heading.style().polish(self.heading)
        self._update_actions()
        key = (info.note_id, info.version, info.latest_version)
        if self.preview.shown == key:
            return
        try:
            store = self.store
            pdf = self._call(lambda: store.pdf(info.note_id, info.version))
        except StoreError as exc:   # NoteAltered included: its message says what to do
            self.preview.show_message(f"Note {info.short_id} version {info.version} cannot be "
                                      f"shown: {exc}", error=True)
            return
        self.preview.show_pdf(pdf, key)

    def _open(self, _index: QModelIndex) -> None:
        """Enter (or double-click) on the list: to the preview of that note."""
        self._show_preview()
        self.preview.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _update_actions(self) -> None:
        targets = self.targets()
        n = len(targets)
        self.act_print.setEnabled(n > 0 and not self._busy)
        self.act_export.setEnabled(n > 0 and not self._busy)
        self.act_amend.setEnabled(len(self.selected_notes()) == 1 and not self._busy)
        if n == 1 and targets[0].superseded:
            suffix = f" version {targets[0].version} (superseded)"
        elif n > 1:
            suffix = f" {n} notes"
        else:
            suffix = ""
        self.act_print.setText(f"&Print{suffix}\u2026")
        self.act_export.setText(f"&Export{suffix}\u2026")
        self.act_amend.setToolTip("Open the selected note for the GP to amend" if
                                  self.act_amend.isEnabled() else "Select one note to amend it")

    # -- printing, exporting, amending --------------------------------------------------------
    def print_selected(self) -> None:
        """One print dialog, one job for every selected note; then each is marked printed."""
        self._job(lambda targets: notesjobs.print_notes(self, self.store, self.who, targets,
                                                        self.background))

    def export_selected(self) -> None:
        """Each selected note's PDF, as it prints, into a folder (owner-only files)."""
        if not self.targets() or self._busy:
            return
        folder = ask_export_folder(self)
        if folder:
            self._job(lambda targets: notesjobs.export_notes(self, self.store, self.who, targets,
                                                             folder, self.background))

    def _job(self, run: Callable[[list[NoteInfo]], str]) -> None:
        targets = self.targets()
        if not targets or self._busy:
            return
        self._busy = True   # no polling, no second job while this one runs
        self._update_actions()
        try:
            said = run(targets)
        finally:
            self._busy = False
            self.refresh()
        if said:
            self.statusBar().showMessage(said, 15000)

    def amend_selected(self) -> None:
        selected = self.selected_notes()
        if len(selected) != 1:
            return
        self.amend_requested.emit(selected[0].note_id, selected[0].latest_version)

    # -- window -------------------------------------------------------------------------------
    def _splitter_key(self) -> str:
        return f"{SETTINGS_KEY}/splitter-{self.splitter.orientation().name}"

    def _table_width(self) -> int:
        """The width the list needs to show every column whole."""
        header, metrics = self.table.horizontalHeader(), self.table.fontMetrics()
        columns = sum(header.sectionSize(c) for c in range(self.model.columnCount())
                      if c != FINALISED)
        finalised = max((metrics.horizontalAdvance(self.model.index(r, FINALISED).data())
                         for r in range(self.model.rowCount())), default=0) + 12
        margins = self.notes.layout().contentsMargins()
        return (columns + max(finalised, header.minimumSectionSize())
                + 2 * self.table.frameWidth() + self.table.verticalScrollBar().sizeHint().width()
                + margins.left() + margins.right())

    def _arrange(self) -> None:
        """The preview beside the list when the list shows every column whole and the page
        still has MIN_PREVIEW_WIDTH; below the list on a narrower window (a 1366x768
        laptop, or 200% scaling on 1920x1080), so that no column is cut. Each arrangement
        remembers where the user put the divider; until the user moves it, the list is
        as wide as its columns need (or LIST_SHARE_BELOW of the height) and the page has
        the rest."""
        table = self._table_width()
        wide = self.width() - table - self.splitter.handleWidth() >= MIN_PREVIEW_WIDTH
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if orientation != self.splitter.orientation() or self._user_sized is None:
            if self._user_sized:   # keep the divider of the arrangement being left
                QSettings().setValue(self._splitter_key(), self.splitter.saveState())
            self.splitter.setOrientation(orientation)
            saved = QSettings().value(self._splitter_key())
            self._user_sized = bool(saved is not None and self.splitter.restoreState(saved))
            self.splitter.setOrientation(orientation)
        sizes = self.splitter.sizes()
        total = sum(sizes)
        if total <= 0:
            return
        if self._user_sized:
            return   # where the user put the divider
        first = table if wide else int(total * LIST_SHARE_BELOW)
        if first != sizes[0]:
            self._quiet_split = True
            self.splitter.setSizes([first, total - first])
            self._quiet_split = False

    def _split_moved(self, *_args: object) -> None:
        if not self._quiet_split:
            self._user_sized = True

    def closeEvent(self, event: QCloseEvent) -> None:
        self.poll_timer.stop()
        self._closed.set()
        save_geometry(self, SETTINGS_KEY)
        if self._user_sized:
            QSettings().setValue(self._splitter_key(), self.splitter.saveState())
        event.accept()


__all__ = ["COLUMNS", "NOTE_ROLE", "NotesWindow", "ask_export_folder"]
