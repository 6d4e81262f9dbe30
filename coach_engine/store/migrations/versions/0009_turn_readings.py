"""A rep turn keeps its reading.

Issue 12 found every rep turn read twice or more: once by the session while
the buyer answered, again by the grader, again on every resume, and the two
readings could disagree (the grader judged what the buyer never reacted to).
The learned reading of a turn (``reading.TurnAnalysis``) is now made once,
when the turn is taken, and stored with it, so the grader, the feedback and
the app use the reading the buyer acted on. So this revision adds
``turns.reading``: the reading as JSON, written right after its turn.

It is nullable and stays empty for buyer turns, for turns read by the rule
detector, and for turns stored before this revision: those are read again
when they are graded, as before.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("turns", sa.Column("reading", sa.JSON(), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE DROP COLUMN (SQLite >= 3.35 too), never a batch copy of ``turns``.
    op.drop_column("turns", "reading")
