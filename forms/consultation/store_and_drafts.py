"""The consultation window's drafts: who is working, the note store opened in the
background, the open consultation written as a draft about a second after each change,
and the unfinished consultations offered (whose each is first) at the next start.

    ask_who_is_working(parent, settings) -> AppSettings
                                  asks once, saves the name in the settings
    class MainWindow(Drafting, ..., QMainWindow)
                                  the window calls _init_drafting() in __init__

Every database call the GP could wait for runs in the window's StoreWorker thread; the
record is snapshot here, in the GUI thread. Nothing is loaded before the GP chooses
Restore (hazard H4); a crash loses at most about DRAFT_DELAY_MS of typing (H5).

The host window provides: `settings`, `record`, `path`, `dirty`, `locked`, `note_id`,
`draft_id`, `amending`, `_amend_reason`, `notes_window`, the bars `store_bar` and
`note_bar`, the labels `draft_status` and `who_status`, the signals `storeOpened` and
`draftSaved`, and `_show_consultation`, `_may_discard`, `_apply_lock`, `_amending_text`.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import Future

from pydantic import ValidationError
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from consult.note.versioning import show_datetime
from consult.record import file as recordfile
from consult.record.file import RecordFileError
from consult.store import DraftInfo, Store, StoreError, Who
from forms import dialogs
from forms.background import StoreWorker
from forms.dialogs import restore_drafts as draft_dialogs
from forms.dialogs import settings as app_settings

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


class Drafting:
    """Who is working, the store and the draft of the open consultation (a mixin of
    MainWindow)."""

    def _init_drafting(self) -> None:
        # the store: drafts, finalised notes; None until opened (or when it cannot be)
        self.store: Store | None = None
        self.who: Who | None = None
        self.store_problem = "the note store has not been opened yet"
        self._draft_written = False  # a draft of this consultation may be in the store
        self._worker = StoreWorker(self)
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self._save_draft_now)

    # -- who is working and the store ---------------------------------------------------------
    def start_up(self) -> None:
        """Ask who is working (once), then open the store in the background; unfinished
        consultations are offered when it is open."""
        if not self.settings.user_name:
            self._ask_user_name()
        self._open_store(offer_drafts=True)

    def _ask_user_name(self) -> None:
        self.settings = ask_who_is_working(self, self.settings)

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

    # -- the draft -------------------------------------------------------------------------
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

