"""An attempt keeps the scenario it was played on.

Issue 15 made the warm-up tailor a bank drill to the rep's call notes
(``tailoring.tailor``): the buyer answers "300 trucks", "frozen until Q3" and
names the rep's competitor. That copy lived only in the browser session, and
the attempt recorded just the drill's id and the tailored copy's content hash,
which no bank scenario or studio version has. So a warm-up resumed after a
refresh or a crash, its scorecard and a manager's review all ran on the bank
version: other figures, another competitor, a buyer who never said what the
rep rehearsed against. So this revision adds ``attempts.played_scenario``: the
scenario as played (``Scenario.model_dump``, JSON), written when the attempt
is created, and a small partial index to find it again by the content hash
the attempt already records.

It is nullable and stays empty for every attempt whose scenario is the bank's
(drills, clinic replies) and for attempts stored before this revision: those
are rebuilt from the bank (or the studio version their hash names), as before.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("attempts", sa.Column("played_scenario", sa.JSON(), nullable=True))
    op.create_index(
        "ix_attempts_played",
        "attempts",
        ["scenario_id", "scenario_hash"],
        unique=False,
        sqlite_where=sa.text("played_scenario IS NOT NULL"),
        postgresql_where=sa.text("played_scenario IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_attempts_played", table_name="attempts")
    # Plain ALTER TABLE DROP COLUMN (SQLite >= 3.35 too), never a batch copy of ``attempts``.
    op.drop_column("attempts", "played_scenario")
