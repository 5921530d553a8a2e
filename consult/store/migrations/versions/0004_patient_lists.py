"""Patient lists imported from the clinical system (issue 13): `patient_lists` (one row
per import: when, who, which system, how many) and `patient_list_entries` (the
patients: name, title, date of birth, sex, NHS number, appointment time), removed after
the practice's number of days; and `store_settings`, settings the whole practice shares
(the number of days). New tables only: the append-only tables are not touched.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "patient_lists",
        sa.Column("list_id", sa.String(36), primary_key=True),
        sa.Column("imported_at", sa.String(32), nullable=False),
        sa.Column("user_name", sa.String(200), nullable=False),
        sa.Column("workstation", sa.String(200), nullable=False),
        sa.Column("format", sa.String(10), nullable=False),
        sa.Column("system", sa.String(60), nullable=False),
        sa.Column("entry_count", sa.Integer, nullable=False),
    )
    op.create_index("ix_patient_lists_imported_at", "patient_lists", ["imported_at"])
    op.create_table(
        "patient_list_entries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("list_id", sa.String(36),
                  sa.ForeignKey("patient_lists.list_id", ondelete="CASCADE"), nullable=False),
        sa.Column("line", sa.Integer, nullable=False),
        sa.Column("family_name", sa.String(200), nullable=False),
        sa.Column("given_name", sa.String(200), nullable=False),
        sa.Column("title", sa.String(40), nullable=False),
        sa.Column("date_of_birth", sa.Date, nullable=False),
        sa.Column("sex", sa.String(20), nullable=True),
        sa.Column("nhs_number", sa.String(10), nullable=False),
        sa.Column("appointment", sa.String(40), nullable=False),
    )
    op.create_index("ix_patient_list_entries_list", "patient_list_entries", ["list_id"])
    op.create_table(
        "store_settings",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("changed_at", sa.String(32), nullable=False),
        sa.Column("changed_by", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("store_settings")
    op.drop_index("ix_patient_list_entries_list", "patient_list_entries")
    op.drop_table("patient_list_entries")
    op.drop_index("ix_patient_lists_imported_at", "patient_lists")
    op.drop_table("patient_lists")
