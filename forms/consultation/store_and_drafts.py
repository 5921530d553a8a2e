"""The consultation window's note store and drafts: who is working, the store opened in
the background, the open consultation written as a draft about a second after each
change, and the unfinished consultations offered (whose each is first) at the next start.

    ask_who_is_working(parent, settings) -> AppSettings
                                  asks once, saves the name in the settings
    StoreAndDrafts(window, parent)
                                  the controller the main window owns; `window` is
                                  what it needs of the window (DraftsWindow), `parent`
                                  the widget its dialogs belong to

Every store call runs in the controller's Background thread (forms.background); the
record is snapshot here, in the GUI thread. Nothing is loaded before the GP chooses
Restore (hazard H4); a crash loses at most about DRAFT_DELAY_MS of typing (H5).
"""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import Future
from functools import partial
from typing import TYPE_CHECKING, Protocol

from pydantic import ValidationError
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QWidget

from consult.record import file as recordfile
from consult.record.file import RecordFileError
from consult.store.model import DraftInfo, NoteInfo, Who
from forms import dialogs
from forms.background import Background
from forms.bars import MessageBar
from forms.dialogs import restore_drafts as draft_dialogs
from forms.dialogs import settings as app_settings

if TYPE_CHECKING:
    from consult.record.model import Record
    from consult.store import Store

#: After the first change, the draft is written this long later (then again after the
#: next change): a crash loses at most about this much typing, and the database sees
#: one write a second at most.
DRAFT_DELAY_MS = 1000


def ask_who_is_working(parent: QWidget | None,
                       settings: app_settings.AppSettings) -> app_settings.AppSettings:
    """Ask who is working (prefilled with the clinician) and save it: the settings with
    the name, or `settings` unchanged when the question was cancelled or the name unusable."""
    name = dialogs.ask_user_name(parent, settings.clinician_name)
    if not name:
        return settings
    try:
        chosen = app_settings.AppSettings.model_validate(
            {**settings.model_dump(), "user_name": name})
    except ValidationError:
        dialogs.show_error(parent, "Who is working?", "That name is too long (200 characters "
                           "at most). Set it in Edit > Settings.")
        return settings
    try:
        app_settings.save_settings(chosen)
    except OSError as exc:
        dialogs.show_error(parent, "Cannot save the settings", str(exc))
    return chosen


def _store_error(error: BaseException | None) -> bool:
    """Is `error` the store's own (a StoreError)? Without loading the store to ask."""
    from forms.background import store_errors

    return isinstance(error, store_errors())


class DraftsWindow(Protocol):
    """What the store and drafts controller needs of the consultation window."""

    settings: app_settings.AppSettings
    note_id: str
    draft_id: str
    dirty: bool
    store_bar: MessageBar
    note_bar: MessageBar
    draft_status: QLabel
    who_status: QLabel

    @property
    def record(self) -> Record: ...
    @property
    def locked(self) -> bool: ...
    @property
    def amending(self) -> NoteInfo | None: ...
    @property
    def amend_reason(self) -> str: ...
    def store_changed(self, opened: bool | None) -> None:
        """The store opened (True), could not be (False) or is being reopened (None)."""
    def draft_saved(self, written: bool) -> None: ...
    def may_discard(self) -> bool: ...
    def close_notes_window(self) -> None: ...
    def show_restored(self, record: Record, info: DraftInfo, amending: NoteInfo | None) -> None:
        """Show a restored draft as the open consultation."""


class StoreAndDrafts(QObject):
    """Who is working, the store and the draft of the open consultation."""

    def __init__(self, window: DraftsWindow, parent: QWidget) -> None:
        super().__init__(parent)
        self.window = window
        self.parent_widget = parent
        # the store: drafts, finalised notes; None until opened (or when it cannot be)
        self.store: Store | None = None
        self.who: Who | None = None
        self.store_problem = "the note store has not been opened yet"
        self.draft_written = False  # a draft of this consultation may be in the store
        self.background = Background(self)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DRAFT_DELAY_MS)
        self.timer.timeout.connect(self.save_now)
        self._change_before_store: float | None = None  # the first change typed before it opened

    # -- who is working and the store ---------------------------------------------------------
    def start_up(self) -> None:
        """Ask who is working (once), then open the store in the background; unfinished
        consultations are offered when it is open."""
        if not self.window.settings.user_name:
            self.window.settings = ask_who_is_working(self.parent_widget, self.window.settings)
        self.open_store(offer_drafts=True)

    def open_store(self, *, offer_drafts: bool) -> None:
        self.show_who()
        if not self.window.settings.user_name:
            self._store_unavailable("who is working has not been set (Edit > Settings)")
            return
        who = Who(self.window.settings.user_name)
        configured = self.window.settings.database_url or None

        def job() -> tuple[Store, list[DraftInfo]]:
            # SQLAlchemy and Alembic load here, in the worker thread, after the first paint
            from consult.store import Store

            store = Store.open(configured=configured)
            try:
                return store, store.drafts(who)
            except BaseException:
                store.close()
                raise

        self.background.run(job, success=lambda opened: self._store_opened(opened, who,
                                                                            offer_drafts),
                            failure=self._store_failed)

    def _store_failed(self, error: BaseException) -> None:
        self._store_unavailable(str(error))
        self.window.store_changed(False)

    def _store_opened(self, opened: tuple[Store, list[DraftInfo]], who: Who,
                      offer_drafts: bool) -> None:
        store, drafts = opened
        self.store, self.who, self.store_problem = store, who, ""
        self.window.store_bar.clear()
        self.show_who()
        self.window.store_changed(True)
        if self.window.dirty and not self.window.locked:  # typed while the store was opening:
            # the draft is written when it would have been had the store been open
            waited = 0 if self._change_before_store is None else \
                int((time.monotonic() - self._change_before_store) * 1000)
            self.timer.start(max(0, DRAFT_DELAY_MS - waited))
        self._change_before_store = None
        drafts = [d for d in drafts if d.draft_id != self.window.draft_id]
        if offer_drafts and drafts:
            self.offer_drafts(drafts)

    def _store_unavailable(self, reason: str) -> None:
        self.store, self.store_problem = None, reason
        self.window.store_bar.show_message(
            "warning", f"Drafts are not being saved: {reason}. Files still work: Save record "
            "(Ctrl+S) keeps a copy of the consultation.")
        self.window.store_changed(None)

    def show_who(self) -> None:
        name = self.window.settings.user_name
        self.window.who_status.setText(f"Working as {name}" if name else "Who is working: not set")

    def reopen_store(self) -> None:
        """Who is working or the database changed: flush, close, open again."""
        w = self.window
        untouched = not (w.dirty or self.draft_written or w.locked or w.amending)
        self.flush()
        self.background.drain()
        w.close_notes_window()
        if self.store is not None:
            self.store.close()
        self.store, self.who = None, None
        self.store_problem = "the note store is being opened"
        w.store_changed(None)
        self.open_store(offer_drafts=untouched)

    def shut_down(self) -> bool:
        """Write the last draft, wait for the worker and stop it; False when the last
        draft could not be written and the GP chose not to close."""
        pending = self.flush()
        self.background.drain()
        failed = pending is not None and _store_error(pending.exception())
        if failed and not dialogs.confirm(
                self.parent_widget, "The draft was not saved",
                f"The last changes could not be saved as a draft: {pending.exception()}.\n\n"
                "Close anyway? Save the record to a file (Ctrl+S) first to keep them.",
                "Close without saving", default_action=False):
            return False
        self.background.shutdown()
        if self.store is not None:
            self.store.close()
        return True

    # -- the draft -------------------------------------------------------------------------
    def schedule(self) -> None:
        """A change: write the draft in about a second, unless a write is already due."""
        if self.window.locked or self.background.closed:
            return
        if self.store is None:  # still opening: written as soon as it opens (_store_opened)
            if self._change_before_store is None:
                self._change_before_store = time.monotonic()
            return
        if not self.timer.isActive():
            self.timer.start()

    def flush(self) -> Future | None:
        """Queue the draft write now if one is due (never waits for it)."""
        if not self.timer.isActive():
            return None
        self.timer.stop()
        return self.save_now()

    def keep_now(self) -> Future | None:
        """Write the draft at once when there is anything to keep (the crash handler)."""
        self.timer.stop()
        if not (self.window.dirty or self.draft_written):
            return None
        return self.save_now()

    def save_now(self) -> Future | None:
        """Snapshot the record here, in the GUI thread; write it in the worker thread."""
        self.timer.setInterval(DRAFT_DELAY_MS)  # after a catch-up write once the store opened
        store, who, w = self.store, self.who, self.window
        if store is None or who is None or w.locked or self.background.closed:
            return None
        text = recordfile.dumps(w.record)
        draft_id, note_id = w.draft_id, w.note_id
        base = w.amending.version if w.amending is not None else None
        reason = w.amend_reason or None
        self.draft_written = True
        return self.background.run(
            lambda: store.save_draft(draft_id, note_id, text, who, base_version=base,
                                     amend_reason=reason),
            success=self._draft_done, failure=self._draft_failed).future

    def _draft_done(self, _result: object) -> None:
        self.window.draft_status.setText(f"Draft saved {dt.datetime.now():%H:%M:%S}")
        if self.window.store_bar.kind() == "warning" and self.store is not None:
            self.window.store_bar.clear()
        self.window.draft_saved(True)

    def _draft_failed(self, error: BaseException) -> None:
        self.window.draft_status.setText("Draft NOT saved")
        self.window.store_bar.show_message(
            "warning", f"Drafts are not being saved: {error}. Tried again at your next "
            "change; Save record (Ctrl+S) keeps a copy in a file.")
        self.window.draft_saved(False)

    def discard(self) -> None:
        """The GP discarded the open consultation: its draft goes too (after any write
        already queued, so nothing brings it back)."""
        self.timer.stop()
        store, who = self.store, self.who
        if store is None or who is None or not self.draft_written or self.background.closed:
            return
        draft_id = self.window.draft_id
        self.draft_written = False
        self.background.run(lambda: store.discard_draft(draft_id, who),
                            failure=self._discard_failed)

    def _discard_failed(self, error: BaseException) -> None:
        self.window.store_bar.show_message(
            "warning", f"The discarded consultation's draft could not be deleted: {error}. "
            "It will be offered at next start.")

    def offer_drafts(self, drafts: list[DraftInfo]) -> None:
        """Show each unfinished consultation's patient and time; restore, discard or leave
        them for later. Nothing is loaded before the GP chooses Restore."""
        from consult.note.versioning import show_datetime  # consult.note loads after the paint

        parent = self.parent_widget
        while drafts and self.store is not None and self.who is not None:
            choice, draft = draft_dialogs.choose_draft(parent, drafts)
            if draft is None or choice not in ("restore", "discard"):
                return
            if choice == "restore":
                self.restore(draft)
                return
            if not dialogs.confirm(
                    parent, "Discard the draft",
                    f"Discard the unfinished consultation of\n\n{draft.patient.line()}\n"
                    f"saved {show_datetime(draft.saved_at)}?\n\nIt cannot be recovered.",
                    "Discard draft", default_action=False):
                continue
            failed: list[BaseException] = []
            self.background.run(partial(self.store.discard_draft, draft.draft_id, self.who),
                                failure=failed.append).wait()
            if failed:
                dialogs.show_error(parent, "Cannot discard the draft", str(failed[0]))
                return
            drafts = [d for d in drafts if d.draft_id != draft.draft_id]

    def restore(self, draft: DraftInfo) -> bool:
        store = self.store
        if store is None or not self.window.may_discard():
            return False

        def job() -> tuple[DraftInfo, Record, NoteInfo | None]:
            info, record = store.load_draft(draft.draft_id)
            amending = store.note(info.note_id, info.base_version) \
                if info.base_version is not None else None
            return info, record, amending

        from consult.store import StoreError  # loaded with the store it came from

        failed: list[BaseException] = []
        op = self.background.run(job, failure=failed.append,
                                 errors=(StoreError, RecordFileError)).wait()
        if failed:
            dialogs.show_error(self.parent_widget, "Cannot restore the draft", str(failed[0]))
            return False
        info, record, amending = op.result()
        self.window.show_restored(record, info, amending)
        return True
