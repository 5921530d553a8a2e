"""The store: drafts that survive a crash, finalised notes that never change,
amendments as new versions, and the audit trail.

    store = Store.open()                         # SQLite in the user's data folder
    store = Store.open("postgresql+psycopg://consult@dbhost/consult")
    store.save_draft(draft_id, note_id, record, who)
    info = store.finalise(record, who, note_id=note_id, draft_id=draft_id)
    info2 = store.amend(note_id, 1, record, "reason", who)   # AmendConflict if beaten
    store.notes(NoteFilter(name="taylor"));  store.pdf(note_id, version)
    store.mark_printed([key, ...], who);  store.export([key, ...], folder, who)
    store.mark_output(note_id, version, who, "fhir_exported", file=name, sha256=digest)
    store.verify_audit()

Audit entries are authenticated with the practice key when there is one (consult.store.keys;
`key_file`, else CONSULT_AUDIT_KEY_FILE, else the default key file).

Every public call gives StoreError (one line, no password) when the database cannot
be reached or read, never a driver traceback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import hashlib
import socket
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Connection,
    Engine,
    String,
    and_,
    column,
    exists,
    false,
    func,
    inspect,
    select,
    table,
    type_coerce,
)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

import consult
from consult import atomic
from consult.note import note_pdf, versioning
from consult.note.compose import banner
from consult.note.versioning import Finalisation, Superseded
from consult.record.file import dumps, loads
from consult.record.model import Record
from consult.rules.ruleset import load as load_rules
from consult.store import audit as trail
from consult.store import keys, location, search
from consult.store.engine import WRITE, lock_for_writing, make_engine
from consult.store.model import (
    DraftInfo,
    NoteFilter,
    NoteInfo,
    Patient,
    Who,
    from_text,
    now_utc,
    record_digest,
    to_text,
)
from consult.store.schema import audit, drafts, notes
from consult.words import NAME_NOT_KNOWN, name_line, short_note_id

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The newest migration in MIGRATIONS (a test checks it against Alembic's own head). A
# database already there opens without loading Alembic (about 15 MB and 400 ms).
HEAD_REVISION = "0004"
VERSION_TABLE = "alembic_version"   # Alembic's default, as migrations/env.py leaves it


class StoreError(Exception):
    """The store cannot do what was asked (message: one line, fit for a user)."""


class AmendConflict(StoreError):
    """Someone else amended the note first; the caller's amendment was not stored."""

    def __init__(self, latest: NoteInfo, base_version: int) -> None:
        self.latest = latest
        super().__init__(
            f"{latest.author} amended this note first (version {latest.version}, finalised "
            f"{_shown_time(latest)}) while you were amending version {base_version}. "
            "Your amendment has not been saved as a note; it is kept as your draft.")


class AlreadyFinalised(StoreError):
    pass


class NoteAltered(StoreError):
    """A stored PDF no longer matches the SHA-256 recorded when it was finalised."""


def _shown_time(info: NoteInfo) -> str:
    return versioning.show_datetime(info.finalised_at)


def _alembic_config(conn: Connection) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


class Store:
    def __init__(self, engine: Engine, *, clock: Callable[[], Any] = now_utc,
                 key: keys.PracticeKey | None = None,
                 key_path: Path | None = None) -> None:
        self.engine = engine
        self.clock = clock
        self.key = key  # the practice key that authenticates audit entries, if set up
        self.key_path = key_path or (key.path if key else keys.default_path())
        # the schema revision open() found, before it migrated (None: a new database)
        self.revision_when_opened: str | None = None

    # -- opening ---------------------------------------------------------------------

    @classmethod
    def open(cls, url: str | None = None, *, configured: str | None = None,
             migrate: bool = True, create: bool = True,
             clock: Callable[[], Any] = now_utc, key_file: str | Path | None = None) -> Store:
        """Open the store at `url`, or CONSULT_DATABASE_URL, or the configured URL, or
        the default SQLite file, and (migrate=True) bring its schema up to date.

        create=False refuses an SQLite file that does not exist, and migrate=False a
        schema that is not the latest: what a check or a listing wants, so that a
        mistyped path never reads as an empty store and a backup is never changed.

        The practice key is read from `key_file`, else CONSULT_AUDIT_KEY_FILE, else the
        default key file; no file there means no key (entries are chained, not
        authenticated)."""
        try:
            parsed = location.parse(location.resolve(url, configured))
        except location.StoreLocationError as exc:
            raise StoreError(str(exc)) from None
        key_path, _ = keys.resolve(key_file)
        try:
            key = keys.load(key_path)
        except keys.PracticeKeyError as exc:
            raise StoreError(str(exc)) from None
        where = location.shown(parsed)
        try:
            engine = make_engine(parsed, create=create)
        except location.StoreLocationError as exc:
            raise StoreError(f"cannot open the database: {exc}") from None
        except (SQLAlchemyError, OSError, ImportError) as exc:
            raise StoreError(f"cannot open the database {where}: {_reason(exc)}") from None
        store = cls(engine, clock=clock, key=key, key_path=key_path)
        try:
            with store._errors(f"cannot open the database {where}"):
                found = store._revision_at_head()
                if found is not None:   # up to date: nothing for Alembic to do
                    store.revision_when_opened = found
                    return store
                found, head = store.schema_revision(), store.head_revision()
                store.revision_when_opened = found
                if found is not None and found not in store.known_revisions():
                    raise StoreError(
                        f"the database {where} has schema {found}, made by a newer version of "
                        f"consult (this one knows up to {head}): update consult on this workstation")
                if migrate:
                    store.migrate()
                elif found != head:
                    raise StoreError(f"the database {where} has schema {found or 'none'}, not "
                                     f"{head}: run `main.py db upgrade` first")
        except StoreError:
            engine.dispose()
            raise
        return store

    @property
    def shown_url(self) -> str:
        return location.shown(self.engine.url)

    def migrate(self) -> None:
        """Bring the schema up to date, under the write lock: two workstations starting
        at once never migrate together."""
        with self.engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
            lock_for_writing(conn)
            from alembic import command

            command.upgrade(_alembic_config(conn), "head")

    def schema_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def _revision_at_head(self) -> str | None:
        """HEAD_REVISION when the database's one recorded revision is that, read with
        plain SQL; None otherwise (no schema, an older or newer one: Alembic decides)."""
        with self.engine.connect() as conn:
            if not inspect(conn).has_table(VERSION_TABLE):
                return None
            found = conn.execute(select(column("version_num"))
                                 .select_from(table(VERSION_TABLE))).scalars().all()
        return HEAD_REVISION if found == [HEAD_REVISION] else None

    @staticmethod
    def _scripts() -> ScriptDirectory:
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        return ScriptDirectory.from_config(cfg)

    @classmethod
    def head_revision(cls) -> str | None:
        return cls._scripts().get_current_head()

    @classmethod
    def known_revisions(cls) -> set[str]:
        return {script.revision for script in cls._scripts().walk_revisions()}

    def close(self) -> None:
        self.engine.dispose()

    # -- plumbing ----------------------------------------------------------------------

    @contextlib.contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        try:
            yield
        except StoreError:
            raise
        except (SQLAlchemyError, OSError) as exc:
            raise StoreError(f"{doing}: {_reason(exc)}") from None

    @contextlib.contextmanager
    def _writing(self, doing: str) -> Iterator[Connection]:
        with self._errors(doing), \
                self.engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
            lock_for_writing(conn)
            yield conn

    @contextlib.contextmanager
    def _reading(self, doing: str) -> Iterator[Connection]:
        with self._errors(doing), self.engine.connect() as conn:
            yield conn

    def _now(self) -> str:
        return to_text(self.clock())

    def _audit(self, conn: Connection, who: Who, action: str, note_id: str | None = None,
               version: int | None = None, **detail: Any) -> None:
        try:
            trail.append(conn, at=self._now(), user=who.user, workstation=who.workstation,
                         action=action, note_id=note_id, version=version, detail=detail,
                         key=self.key)
        except trail.AuditKeyError as exc:
            raise StoreError(str(exc)) from None

    # -- drafts -------------------------------------------------------------------------

    def save_draft(self, draft_id: str, note_id: str, record: Record | str, who: Who, *,
                   base_version: int | None = None, amend_reason: str | None = None) -> None:
        """Store (or replace) the open consultation. The first save of a new consultation
        is audited as "created". `record` may be the record's JSON already made."""
        record_json = record if isinstance(record, str) else dumps(record)
        parsed = loads(record_json) if isinstance(record, str) else record
        p = parsed.patient
        values = {"note_id": note_id, "base_version": base_version, "amend_reason": amend_reason,
                  "user_name": who.user, "workstation": who.workstation,
                  "patient_name": banner(parsed).name, "nhs_number": p.nhs_number,
                  "date_of_birth": p.date_of_birth, "record_json": record_json,
                  "saved_at": self._now()}
        with self._writing("cannot save the draft") as conn:
            found = conn.execute(select(drafts.c.draft_id).where(drafts.c.draft_id == draft_id)).first()
            if found:
                conn.execute(drafts.update().where(drafts.c.draft_id == draft_id).values(**values))
                return
            conn.execute(drafts.insert().values(draft_id=draft_id, **values))
            if base_version is None and not conn.execute(
                    select(audit.c.seq).where(audit.c.note_id == note_id).limit(1)).first():
                self._audit(conn, who, "created", note_id)

    def drafts(self, who: Who) -> list[DraftInfo]:
        """Unfinished consultations this user left on this workstation, newest first."""
        with self._reading("cannot read the drafts") as conn:
            rows = conn.execute(select(drafts).where(
                drafts.c.user_name == who.user, drafts.c.workstation == who.workstation)
                .order_by(drafts.c.saved_at.desc())).mappings().all()
        return [_draft_info(r) for r in rows]

    def load_draft(self, draft_id: str) -> tuple[DraftInfo, Record]:
        with self._reading("cannot read the draft") as conn:
            row = conn.execute(select(drafts).where(drafts.c.draft_id == draft_id)).mappings().first()
        if row is None:
            raise StoreError("that draft is no longer in the store")
        return _draft_info(row), loads(row["record_json"], origin="stored draft")

    def discard_draft(self, draft_id: str, who: Who) -> None:
        with self._writing("cannot discard the draft") as conn:
            row = conn.execute(select(drafts.c.note_id, drafts.c.base_version)
                               .where(drafts.c.draft_id == draft_id)).first()
            if row is None:
                return
            conn.execute(drafts.delete().where(drafts.c.draft_id == draft_id))
            self._audit(conn, who, "discarded", row.note_id, row.base_version)

    # -- finalising and amending -------------------------------------------------------------

    def finalise(self, record: Record, who: Who, *, note_id: str | None = None,
                 draft_id: str | None = None) -> NoteInfo:
        """Lock the record as version 1 of a note. IncompleteRecord while it has problems."""
        note_id = note_id or str(uuid.uuid4())
        moment = self.clock()
        pdf = note_pdf(record, finalisation=Finalisation(note_id, 1, moment, who.user))
        with self._writing("cannot finalise the note") as conn:
            if conn.execute(select(notes.c.id).where(notes.c.note_id == note_id).limit(1)).first():
                raise AlreadyFinalised("this consultation has already been finalised; "
                                       "amend it to change it")
            same = record_digest(dumps(record))
            twin = conn.execute(select(notes.c.note_id, notes.c.version, notes.c.finalised_at)
                                .where(notes.c.record_sha256 == same).limit(1)).first()
            if twin:
                raise AlreadyFinalised(
                    f"this record was already finalised as note {short_note_id(twin.note_id)} "
                    f"version {twin.version} ({versioning.show_datetime(from_text(twin.finalised_at))}); "
                    "amend that note to change it")
            try:
                self._insert_note(conn, record, who, note_id, 1, moment, pdf, None, draft_id)
            except _VersionTaken:
                raise AlreadyFinalised("this consultation has just been finalised elsewhere; "
                                       "amend it to change it") from None
        return self.note(note_id, 1)

    def amend(self, note_id: str, base_version: int, record: Record, reason: str, who: Who, *,
              draft_id: str | None = None) -> NoteInfo:
        """Store version base_version + 1 with its reason. AmendConflict when someone
        else stored that version first: nothing of theirs or the caller's is lost."""
        reason = reason.strip()
        if not reason:
            raise StoreError("give the reason for the amendment")
        base = self.note(note_id, base_version)
        if base.superseded:
            raise AmendConflict(self.note(note_id), base_version)
        moment = self.clock()
        supersedes = Superseded(base.version, base.finalised_at, base.author, reason)
        pdf = note_pdf(record, finalisation=Finalisation(note_id, base_version + 1, moment, who.user,
                                                         supersedes=supersedes))
        try:
            with self._writing("cannot store the amendment") as conn:
                latest = conn.execute(select(func.max(notes.c.version))
                                      .where(notes.c.note_id == note_id)).scalar()
                if latest != base_version:
                    raise _VersionTaken
                self._insert_note(conn, record, who, note_id, base_version + 1, moment, pdf,
                                  reason, draft_id)
        except _VersionTaken:
            raise AmendConflict(self.note(note_id), base_version) from None
        return self.note(note_id, base_version + 1)

    def _insert_note(self, conn: Connection, record: Record, who: Who, note_id: str, version: int,
                     moment: Any, pdf: bytes, reason: str | None, draft_id: str | None) -> None:
        p, c = record.patient, record.consultation
        sha = hashlib.sha256(pdf).hexdigest()
        record_json = dumps(record)
        row = dict(
            note_id=note_id, version=version, given_name=p.given_name, family_name=p.family_name,
            search_name=search.search_name(p.given_name, p.family_name), nhs_number=p.nhs_number,
            date_of_birth=p.date_of_birth, consultation_date=c.date,
            finalised_at=to_text(moment), author=who.user, workstation=who.workstation,
            clinician=c.clinician_name, amend_reason=reason, app_version=consult.__version__,
            ruleset_version=load_rules().meta.version, record_json=record_json, pdf=pdf,
            pdf_sha256=sha, record_sha256=record_digest(record_json))
        try:
            row["id"] = conn.execute(notes.insert().values(**row)).inserted_primary_key[0]
        except IntegrityError:
            raise _VersionTaken from None
        self._audit(conn, who, "finalised" if version == 1 else "amended", note_id, version,
                    pdf_sha256=sha, record_sha256=row["record_sha256"],
                    row_sha256=trail.row_digest(row), columns=trail.column_digests(row),
                    **({"reason": reason} if reason else {}))
        if draft_id:
            conn.execute(drafts.delete().where(drafts.c.draft_id == draft_id))

    # -- reading notes ------------------------------------------------------------------------

    def _select(self) -> Any:
        newer = notes.alias()
        latest = (select(func.max(newer.c.version)).where(newer.c.note_id == notes.c.note_id)
                  .scalar_subquery())
        printed = exists().where(and_(audit.c.note_id == notes.c.note_id,
                                      audit.c.version == notes.c.version,
                                      audit.c.action == "printed"))
        # dates read as the database holds them: one malformed value names its note and
        # column (_note_info) instead of failing the whole list
        columns = [type_coerce(c, String).label(c.name) if c.name in _DATE_COLUMNS else c
                   for c in notes.c if c.name not in ("pdf", "record_json")]
        return select(*columns, latest.label("latest_version"), printed.label("printed")), latest, printed

    def notes(self, where: NoteFilter | None = None, *, all_versions: bool = False) -> NotesFound:
        """Finalised notes, newest first: the latest version of each unless all_versions.
        Rows that cannot be read (a malformed value) are left out and named, without
        any patient detail, in the result's `unreadable`."""
        where = where or NoteFilter()
        query, latest, printed = self._select()
        if not all_versions:
            query = query.where(notes.c.version == latest)
        if where.date_from:
            query = query.where(notes.c.consultation_date >= where.date_from)
        if where.date_to:
            query = query.where(notes.c.consultation_date <= where.date_to)
        for word in search.words(where.name):
            query = query.where(notes.c.search_name.contains(word, autoescape=True))
        digits = "".join(ch for ch in where.nhs_number if ch.isdigit())
        if where.nhs_number.strip() and not digits:
            query = query.where(false())  # "foo" is no NHS number: nothing matches
        if digits:
            query = query.where(notes.c.nhs_number == digits if len(digits) == 10
                                else notes.c.nhs_number.startswith(digits, autoescape=True))
        if where.printed is not None:
            query = query.where(printed if where.printed else ~printed)
        query = query.order_by(notes.c.finalised_at.desc(), notes.c.id.desc())
        if where.limit:
            query = query.limit(where.limit)
        found = NotesFound()
        with self._reading("cannot list the notes") as conn:
            for row in conn.execute(query).mappings():
                try:
                    found.append(_note_info(row))
                except Unreadable as exc:
                    found.unreadable.append(str(exc))
        return found

    def note(self, note_id: str, version: int | None = None) -> NoteInfo:
        """One version of a note (the latest if version is None)."""
        query, latest, _ = self._select()
        query = query.where(notes.c.note_id == note_id,
                            notes.c.version == (version if version is not None else latest))
        with self._reading("cannot read the note") as conn:
            row = conn.execute(query).mappings().first()
        if row is None:
            raise StoreError(f"note {short_note_id(note_id)}"
                             f"{f' version {version}' if version else ''} is not in the store")
        try:
            return _note_info(row)
        except Unreadable as exc:
            raise NoteAltered(f"{exc}: do not use it; tell the practice's safety officer") from None

    def versions(self, note_id: str) -> list[NoteInfo]:
        """Every version of a note, newest first."""
        query, _, _ = self._select()
        query = query.where(notes.c.note_id == note_id).order_by(notes.c.version.desc())
        with self._reading("cannot read the note") as conn:
            rows = conn.execute(query).mappings().all()
        try:
            return [_note_info(r) for r in rows]
        except Unreadable as exc:
            raise NoteAltered(f"{exc}: do not use it; tell the practice's safety officer") from None

    def record(self, note_id: str, version: int) -> Record:
        with self._reading("cannot read the note") as conn:
            text = conn.execute(select(notes.c.record_json).where(
                notes.c.note_id == note_id, notes.c.version == version)).scalar()
        if text is None:
            raise StoreError(f"note {short_note_id(note_id)} version {version} is not in the store")
        return loads(text, origin="stored note")

    def stored_pdf(self, note_id: str, version: int) -> bytes:
        """The PDF exactly as finalised, checked against its SHA-256."""
        with self._reading("cannot read the note") as conn:
            row = conn.execute(select(type_coerce(notes.c.pdf, String).label("pdf"),
                                      notes.c.pdf_sha256).where(
                notes.c.note_id == note_id, notes.c.version == version)).first()
        if row is None:
            raise StoreError(f"note {short_note_id(note_id)} version {version} is not in the store")
        if not isinstance(row.pdf, bytes | bytearray | memoryview) \
                or hashlib.sha256(bytes(row.pdf)).hexdigest() != row.pdf_sha256:
            raise NoteAltered(f"note {short_note_id(note_id)} version {version} was altered after "
                              "it was finalised: do not use it; tell the practice's safety officer")
        return bytes(row.pdf)

    def pdf(self, note_id: str, version: int) -> bytes:
        """The note as it is viewed and printed: a superseded version carries a mark on
        every page naming the version that replaced it."""
        data = self.stored_pdf(note_id, version)
        info = self.note(note_id, version)
        if not info.superseded:
            return data
        from consult.note.stamp import stamp_superseded

        return stamp_superseded(data, superseded_text(info, self.note(note_id, version + 1)))

    def change_mark(self) -> int:
        """A number that grows whenever a note is finalised, amended, printed or exported:
        a notes list polls it to refresh only when something changed."""
        with self._reading("cannot read the store") as conn:
            return conn.execute(select(func.coalesce(func.max(audit.c.seq), 0))).scalar() or 0

    # -- printing, exporting, auditing ------------------------------------------------------------

    def mark_printed(self, keys: Sequence[tuple[str, int]], who: Who, *, printer: str = "") -> None:
        with self._writing("cannot record the printing") as conn:
            for note_id, version in keys:
                self._audit(conn, who, "printed", note_id, version, printer=printer)

    def mark_exported(self, note_id: str, version: int | None, who: Who, *, file_name: str) -> None:
        with self._writing("cannot record the export") as conn:
            self._audit(conn, who, "exported", note_id, version, file=file_name)

    def mark_advice_emailed(self, note_id: str | None, who: Who, *, to: str,
                            pdf_sha256: str) -> None:
        """The patient's advice sheet was emailed: the address and the PDF's SHA-256."""
        self.mark_output(note_id, None, who, "advice_emailed", to=to, pdf_sha256=pdf_sha256)

    def mark_output(self, note_id: str | None, version: int | None, who: Who | None,
                    action: str, **detail: str) -> None:
        """The patient's data left the app (call it once the output succeeded): one
        entry of `action` with exactly the detail consult.store.audit.OUTPUTS lists for
        it. A `file` is kept as its base name, never its folders (as `exported`); a
        SHA-256 must be 64 hex digits. `version` None: the consultation being written,
        not a finalised version. `who` None: the login name on this workstation."""
        wanted = trail.OUTPUTS.get(action)
        if wanted is None:
            raise ValueError(f"{action!r} is not an output the audit trail records")
        if sorted(detail) != sorted(wanted):
            raise ValueError(f"{action} records {', '.join(wanted)}, not {', '.join(detail)}")
        if isinstance(detail.get("file"), str):
            detail["file"] = PurePath(detail["file"]).name
        for name, value in detail.items():
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{action}: {name} is empty")
            if name.endswith("sha256") and not trail.is_sha256(value):
                raise ValueError(f"{action}: {name} is not a SHA-256 (64 hex digits)")
        who = who or Who(_login_name(), socket.gethostname())
        with self._writing(f"cannot record {action} in the audit trail") as conn:
            self._audit(conn, who, action, note_id, version, **detail)

    def export(self, keys: Sequence[tuple[str, int]], folder: str | Path, who: Who,
               name: Callable[[NoteInfo], str] | None = None) -> list[Path]:
        """Write each note's PDF (as printed) into `folder`, owner-only and atomically;
        record each export. Files of the same name get " (2)", " (3)"..."""
        folder = Path(folder)
        if not folder.is_dir():
            raise StoreError(f"{folder} is not a folder")
        written: list[Path] = []
        taken: set[str] = set()
        for note_id, version in keys:
            info = self.note(note_id, version)
            stem = (name or default_file_stem)(info)
            candidate, n = f"{stem}.pdf", 1
            while candidate in taken or (folder / candidate).exists():
                n += 1
                candidate = f"{stem} ({n}).pdf"
            taken.add(candidate)
            try:
                path = atomic.write_bytes(folder / candidate, self.pdf(note_id, version))
            except OSError as exc:
                raise StoreError(f"cannot write {folder / candidate}: {exc.strerror or exc}") from None
            self.mark_exported(note_id, version, who, file_name=candidate)
            written.append(path)
        return written

    def verify_audit(self, checkpoint: tuple[int, str] | None = None) -> trail.Report:
        """Check the trail and every stored note; with the practice key, every entry's
        authentication too (report.key_id is None when it was not checked)."""
        with self._reading("cannot read the audit trail") as conn:
            return trail.verify(conn, checkpoint, key=self.key)

    def seal(self, who: Who | None = None) -> tuple[int, bool]:
        """Authenticate the trail with the practice key: unless an entry is authenticated
        already, append a "sealed" entry with the key, which seals every entry before it.
        Returns (the first authenticated entry, whether this call wrote it)."""
        if self.key is None:
            raise StoreError(f"no practice key at {self.key_path}: run `main.py db key init` first")
        who = who or Who(_login_name(), socket.gethostname())
        with self._writing("cannot seal the audit trail") as conn:
            first = trail.sealed_from(conn)
            if first is not None:
                last = conn.execute(select(audit.c.hash, audit.c.mac)
                                    .order_by(audit.c.seq.desc()).limit(1)).first()
                if last is not None and not self.key.verifies(last.hash, last.mac):
                    raise StoreError(
                        f"the newest audit entry is not authenticated by the practice key at "
                        f"{self.key.path} (key id {self.key.key_id}): this is another key, or the "
                        "trail was tampered with; run `main.py audit verify`")
                return first, False
            self._audit(conn, who, "sealed", key_id=self.key.key_id)
            return trail.sealed_from(conn) or 0, True


class NotesFound(list):
    """Notes as listed, and `unreadable`: one line per stored row that could not be
    read, naming its note, version and column (never a patient detail)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.unreadable: list[str] = []


class Unreadable(Exception):
    """A stored note row holds a value its column cannot hold (message: which)."""


_DATE_COLUMNS = ("date_of_birth", "consultation_date")


def _login_name() -> str:
    try:
        return getpass.getuser() or "practice manager"
    except (OSError, KeyError, ImportError):
        return "practice manager"


class _VersionTaken(Exception):
    """Another writer stored this version first (seen by the check or the unique key)."""


def superseded_text(older: NoteInfo, newer: NoteInfo) -> str:
    """The words stamped on every page of `older`, which `newer` replaced."""
    return versioning.superseded_text(Finalisation(
        newer.note_id, newer.version, newer.finalised_at, newer.author,
        supersedes=Superseded(older.version, older.finalised_at, older.author,
                              newer.amend_reason or "not given")))


def default_file_stem(info: NoteInfo) -> str:
    date = info.consultation_date.isoformat() if info.consultation_date else "undated"
    safe = "".join(ch if ch.isalnum() else "-" for ch in info.patient.name).strip("-") or "patient"
    return f"{date} {safe} note {info.short_id} v{info.version}"


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return text[:300]


def _draft_info(row: Any) -> DraftInfo:
    return DraftInfo(
        draft_id=row["draft_id"], note_id=row["note_id"], base_version=row["base_version"],
        amend_reason=row["amend_reason"], user=row["user_name"], workstation=row["workstation"],
        patient=Patient(row["patient_name"], row["nhs_number"], row["date_of_birth"]),
        saved_at=from_text(row["saved_at"]))


def _date(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    return dt.date.fromisoformat(value)  # ValueError, TypeError: not a date


def _note_info(row: Any) -> NoteInfo:
    """A listed note from its row as stored; Unreadable names the first column that
    cannot hold what it holds (checked with the audit trail's own rules)."""
    full = {c: row.get(c) for c in trail.NOTE_COLUMNS}
    full.update(pdf=b"", record_json="", id=row["id"])
    bad = trail.malformed_columns(full)
    if bad:
        column, what = bad[0]
        raise Unreadable(f"{trail.note_name(full)} cannot be read: column {column} {what}")
    name = name_line(row["family_name"], row["given_name"]) or NAME_NOT_KNOWN
    return NoteInfo(
        id=row["id"], note_id=row["note_id"], version=row["version"],
        latest_version=row["latest_version"],
        patient=Patient(name, row["nhs_number"], _date(row["date_of_birth"])),
        consultation_date=_date(row["consultation_date"]), finalised_at=from_text(row["finalised_at"]),
        author=row["author"], clinician=row["clinician"], amend_reason=row["amend_reason"],
        app_version=row["app_version"], ruleset_version=row["ruleset_version"],
        pdf_sha256=row["pdf_sha256"], printed=bool(row["printed"]))
