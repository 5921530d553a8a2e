"""The audit trail can be authenticated with the practice key (`audit.mac`, an
HMAC-SHA-256 of the entry's hash; entries written before stay as they were and the
first authenticated entry seals them), and SQLite refuses INSERT OR REPLACE /
REPLACE INTO over a stored note or audit entry: REPLACE deletes the old row without
firing the delete triggers, so a BEFORE INSERT trigger refuses an existing key.
(PostgreSQL has no REPLACE, and INSERT ... ON CONFLICT DO UPDATE meets the UPDATE
trigger.)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

REFUSE = "finalised notes and the audit trail are append-only"
NO_REPLACE = {
    "notes": ("CREATE TRIGGER notes_no_replace BEFORE INSERT ON notes WHEN EXISTS (SELECT 1 FROM "
              "notes WHERE id = NEW.id OR (note_id = NEW.note_id AND version = NEW.version)) "
              f"BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END"),
    "audit": ("CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit WHEN EXISTS (SELECT 1 FROM "
              f"audit WHERE seq = NEW.seq) BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END"),
}


def upgrade() -> None:
    # a plain ADD COLUMN: a batch copy of the table would drop its append-only triggers
    op.add_column("audit", sa.Column("mac", sa.String(64), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        for sql in NO_REPLACE.values():
            op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in NO_REPLACE:
            op.execute(f"DROP TRIGGER {table}_no_replace")
    op.drop_column("audit", "mac")
