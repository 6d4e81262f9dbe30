"""Weekly best score per scenario, so the leaderboard's scenario points read a roll-up too.

After 0003 the largest remaining leaderboard query at 1,000 reps was "best
score per scenario this week": a covering-index scan of ~17,000 of the week's
attempts grouped twice (and, on PostgreSQL, heap visits until vacuum). This
table holds one row per (team, week, rep, scenario) with the best overall score,
kept exact by ``store.rollup`` like ``week_reps``; existing rows are backfilled
from the weeks 0003 stored.

Revision ID: 0004
Revises: 0003
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
        "week_scenarios",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.String(length=120), nullable=False),
        sa.Column("best", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("team_id", "week", "user_id", "scenario_id"),
    )
    op.create_index(
        "ix_week_scenarios_board",
        "week_scenarios",
        ["team_id", "week", "user_id", "scenario_id", "best"],
        unique=False,
    )
    op.execute(
        "INSERT INTO week_scenarios (team_id, week, user_id, scenario_id, best) "
        "SELECT team_id, week, user_id, scenario_id, max(overall) FROM attempts "
        "WHERE status = 'completed' AND team_id IS NOT NULL AND week IS NOT NULL "
        "GROUP BY team_id, week, user_id, scenario_id"
    )


def downgrade() -> None:
    op.drop_index("ix_week_scenarios_board", table_name="week_scenarios")
    op.drop_table("week_scenarios")
