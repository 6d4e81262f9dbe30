"""A per-user count of model calls, for the hourly limit (issue 14).

An OpenAI key costs money per call and a shared key has one rate limit, so
one rep scripting a thousand turns must not spend the team's budget or get
everyone a 429. The limit is per user per hour and must hold across every app
server sharing the database, so the calls are rows here, not a counter in one
process: ``llm_calls`` has one row per buyer turn or grading that used the
model, indexed by user and time, and rows older than a day are pruned when
new ones are written.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "llm_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_llm_calls_user_at", "llm_calls", ["user_id", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_llm_calls_user_at", table_name="llm_calls")
    op.drop_table("llm_calls")
