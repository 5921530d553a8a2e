"""The store's tables (SQLAlchemy Core). Alembic migrations create and change them:
see consult/store/migrations/versions; a test checks the two agree.

Times are ISO-8601 UTC strings ("2026-11-26T09:12:33.123456Z"): they sort as time
does, read the same back from SQLite and PostgreSQL, and hash the same in the audit
trail. `notes` and `audit` are append-only: database triggers refuse UPDATE and DELETE
(and, on SQLite, an INSERT over an existing key: INSERT OR REPLACE).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

TIME = 32  # width of an ISO-8601 UTC time string

# The consultation being written: one row per open consultation, replaced on every
# autosave, deleted when the note is finalised or the GP discards it.
drafts = Table(
    "drafts", metadata,
    Column("draft_id", String(36), primary_key=True),
    Column("note_id", String(36), nullable=False),  # the consultation / note it becomes
    Column("base_version", Integer, nullable=True),  # set when the draft amends a note
    Column("amend_reason", Text, nullable=True),
    Column("user_name", String(200), nullable=False),
    Column("workstation", String(200), nullable=False),
    Column("patient_name", String(400), nullable=False),
    Column("nhs_number", String(10), nullable=True),
    Column("date_of_birth", Date, nullable=True),
    Column("record_json", Text, nullable=False),
    Column("saved_at", String(TIME), nullable=False),
    Index("ix_drafts_owner", "user_name", "workstation"),
)

# Finalised notes: one row per version, never changed once written.
notes = Table(
    "notes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("note_id", String(36), nullable=False),
    Column("version", Integer, nullable=False),
    Column("given_name", String(200), nullable=False),
    Column("family_name", String(200), nullable=False),
    Column("search_name", String(400), nullable=False),  # lower-case "given family"
    Column("nhs_number", String(10), nullable=True),
    Column("date_of_birth", Date, nullable=True),
    Column("consultation_date", Date, nullable=True),
    Column("finalised_at", String(TIME), nullable=False),
    Column("author", String(200), nullable=False),  # who finalised (the app's user)
    Column("workstation", String(200), nullable=False),
    Column("clinician", String(200), nullable=False),  # the clinician on the record
    Column("amend_reason", Text, nullable=True),
    Column("app_version", String(40), nullable=False),
    Column("ruleset_version", String(40), nullable=False),
    Column("record_json", Text, nullable=False),
    Column("pdf", LargeBinary, nullable=False),
    Column("pdf_sha256", String(64), nullable=False),
    Column("record_sha256", String(64), nullable=True),  # schema 0002; none before it
    UniqueConstraint("note_id", "version", name="uq_notes_note_version"),
    Index("ix_notes_finalised_at", "finalised_at"),
    Index("ix_notes_nhs_number", "nhs_number"),
    Index("ix_notes_consultation_date", "consultation_date"),
    Index("ix_notes_record_sha256", "record_sha256"),
)

# The audit trail: each entry's hash covers its fields and the previous entry's hash;
# once a practice key is set up, `mac` authenticates the entry (consult.store.keys).
audit = Table(
    "audit", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(TIME), nullable=False),
    Column("user_name", String(200), nullable=False),
    Column("workstation", String(200), nullable=False),
    Column("action", String(20), nullable=False),
    Column("note_id", String(36), nullable=True),
    Column("version", Integer, nullable=True),
    Column("detail", Text, nullable=False),  # canonical JSON object
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("mac", String(64), nullable=True),  # schema 0003: HMAC with the practice key
    Index("ix_audit_note", "note_id", "version", "action"),
)

# Patient lists imported from the clinical system (schema 0004): patient data, kept only
# for the practice's number of days (store_settings "patient_list_days"), then deleted.
patient_lists = Table(
    "patient_lists", metadata,
    Column("list_id", String(36), primary_key=True),
    Column("imported_at", String(TIME), nullable=False),
    Column("user_name", String(200), nullable=False),
    Column("workstation", String(200), nullable=False),
    Column("format", String(10), nullable=False),  # csv, fhir
    Column("system", String(60), nullable=False),  # "EMIS Web", "SystmOne", "FHIR patient list"...
    Column("entry_count", Integer, nullable=False),
    Index("ix_patient_lists_imported_at", "imported_at"),
)

patient_list_entries = Table(
    "patient_list_entries", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("list_id", String(36), ForeignKey("patient_lists.list_id", ondelete="CASCADE"),
           nullable=False),
    Column("line", Integer, nullable=False),  # CSV line or Bundle entry it came from
    Column("family_name", String(200), nullable=False),
    Column("given_name", String(200), nullable=False),
    Column("title", String(40), nullable=False),
    Column("date_of_birth", Date, nullable=False),
    Column("sex", String(20), nullable=True),
    Column("nhs_number", String(10), nullable=False),
    Column("appointment", String(40), nullable=False),
    Index("ix_patient_list_entries_list", "list_id"),
)

# Settings the whole practice shares, whichever workstation reads them (schema 0004).
store_settings = Table(
    "store_settings", metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
    Column("changed_at", String(TIME), nullable=False),
    Column("changed_by", String(200), nullable=False),
)

APPEND_ONLY = ("notes", "audit")
