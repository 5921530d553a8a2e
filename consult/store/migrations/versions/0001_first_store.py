"""The first store: drafts, finalised notes (append-only) and the audit trail
(append-only, hash-chained).

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TIME = 32
REFUSE = "finalised notes and the audit trail are append-only"


def upgrade() -> None:
    op.create_table(
        "drafts",
        sa.Column("draft_id", sa.String(36), primary_key=True),
        sa.Column("note_id", sa.String(36), nullable=False),
        sa.Column("base_version", sa.Integer, nullable=True),
        sa.Column("amend_reason", sa.Text, nullable=True),
        sa.Column("user_name", sa.String(200), nullable=False),
        sa.Column("workstation", sa.String(200), nullable=False),
        sa.Column("patient_name", sa.String(400), nullable=False),
        sa.Column("nhs_number", sa.String(10), nullable=True),
        sa.Column("date_of_birth", sa.Date, nullable=True),
        sa.Column("record_json", sa.Text, nullable=False),
        sa.Column("saved_at", sa.String(TIME), nullable=False),
    )
    op.create_index("ix_drafts_owner", "drafts", ["user_name", "workstation"])
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("note_id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("given_name", sa.String(200), nullable=False),
        sa.Column("family_name", sa.String(200), nullable=False),
        sa.Column("search_name", sa.String(400), nullable=False),
        sa.Column("nhs_number", sa.String(10), nullable=True),
        sa.Column("date_of_birth", sa.Date, nullable=True),
        sa.Column("consultation_date", sa.Date, nullable=True),
        sa.Column("finalised_at", sa.String(TIME), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("workstation", sa.String(200), nullable=False),
        sa.Column("clinician", sa.String(200), nullable=False),
        sa.Column("amend_reason", sa.Text, nullable=True),
        sa.Column("app_version", sa.String(40), nullable=False),
        sa.Column("ruleset_version", sa.String(40), nullable=False),
        sa.Column("record_json", sa.Text, nullable=False),
        sa.Column("pdf", sa.LargeBinary, nullable=False),
        sa.Column("pdf_sha256", sa.String(64), nullable=False),
        sa.UniqueConstraint("note_id", "version", name="uq_notes_note_version"),
    )
    op.create_index("ix_notes_finalised_at", "notes", ["finalised_at"])
    op.create_index("ix_notes_nhs_number", "notes", ["nhs_number"])
    op.create_index("ix_notes_consultation_date", "notes", ["consultation_date"])
    op.create_table(
        "audit",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", sa.String(TIME), nullable=False),
        sa.Column("user_name", sa.String(200), nullable=False),
        sa.Column("workstation", sa.String(200), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("note_id", sa.String(36), nullable=True),
        sa.Column("version", sa.Integer, nullable=True),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_note", "audit", ["note_id", "version", "action"])

    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION consult_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{REFUSE}'; END; $$ LANGUAGE plpgsql""")
        for table in ("notes", "audit"):
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION consult_append_only()")
    else:
        for table in ("notes", "audit"):
            for event in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in ("notes", "audit"):
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute("DROP FUNCTION consult_append_only()")
    op.drop_table("audit")
    op.drop_table("notes")
    op.drop_table("drafts")
