"""Each finalised note keeps the SHA-256 of its record (a record finalised twice is
refused); PostgreSQL refuses TRUNCATE of notes and the audit trail as it refuses
UPDATE and DELETE.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN: a batch copy of the table would drop its append-only triggers
    op.add_column("notes", sa.Column("record_sha256", sa.String(64), nullable=True))
    op.create_index("ix_notes_record_sha256", "notes", ["record_sha256"])
    if op.get_bind().dialect.name == "postgresql":
        for table in ("notes", "audit"):
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION consult_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in ("notes", "audit"):
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
    op.drop_index("ix_notes_record_sha256", "notes")
    op.drop_column("notes", "record_sha256")
