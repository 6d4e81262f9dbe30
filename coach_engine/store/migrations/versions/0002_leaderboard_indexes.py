"""Leaderboard indexes: assignment progress and covering scans at 1,000 reps.

`scrimmage bench` measured the weekly leaderboard at issue 7's size (1,000 reps x
20 attempts a week x 12 weeks, with assignments) far over budget; on copies of
that database these three indexes cut the SQL time about threefold
(docs/PERFORMANCE.md §3).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_attempts_team_scenario_started",
        "attempts",
        ["team_id", "scenario_id", "started_at"],
        unique=False,
    )
    op.create_index(
        "ix_attempts_team_board",
        "attempts",
        ["team_id", "status", "completed_at", "user_id", "overall", "scenario_id"],
        unique=False,
    )
    op.create_index(
        "ix_skill_scores_cover",
        "skill_scores",
        ["attempt_id", "skill_id", "score", "reviewed_score", "name"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_skill_scores_cover", table_name="skill_scores")
    op.drop_index("ix_attempts_team_board", table_name="attempts")
    op.drop_index("ix_attempts_team_scenario_started", table_name="attempts")
