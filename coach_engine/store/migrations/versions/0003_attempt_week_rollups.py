"""Stored local week on attempts and weekly roll-ups, so the leaderboard stops scanning 12 weeks.

At 1,000 reps the streak credit read ~160,000 attempts per leaderboard and
bucketed them into the team's local weeks with ~28 CASE branches each, and the
per-skill leaders joined ~100,000 skill scores (docs/PERFORMANCE.md §3). This
revision stores each completed attempt's ISO week in its team's zone
(``year * 100 + week``) and adds ``week_reps`` / ``week_skills``, one row per
(team, week, rep[, skill]), which ``store.rollup`` keeps exact on every write.

Existing rows are backfilled here: one UPDATE per team and local week (an index
range on completed_at), then the roll-ups by INSERT ... SELECT. The tables are
declared locally so this revision keeps working whatever the models become.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from coach_engine.store.schema import UTCDateTime
from coach_engine.store.weeks import iso_week, shift_week, week_bounds, week_number

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

teams = sa.table("teams", sa.column("id", sa.Integer()), sa.column("timezone", sa.String()))
attempts = sa.table(
    "attempts",
    sa.column("id", sa.Integer()),
    sa.column("team_id", sa.Integer()),
    sa.column("user_id", sa.Integer()),
    sa.column("status", sa.String()),
    sa.column("overall", sa.Integer()),
    sa.column("completed_at", UTCDateTime()),
    sa.column("week", sa.Integer()),
)


def upgrade() -> None:
    op.add_column("attempts", sa.Column("week", sa.Integer(), nullable=True))
    op.create_index(
        "ix_attempts_team_week", "attempts", ["team_id", "status", "week", "user_id", "overall"], unique=False
    )
    op.create_table(
        "week_reps",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("drills", sa.Integer(), nullable=False),
        sa.Column("overall_sum", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("team_id", "week", "user_id"),
    )
    op.create_index(
        "ix_week_reps_board",
        "week_reps",
        ["team_id", "week", "user_id", "drills", "overall_sum"],
        unique=False,
    )
    op.create_table(
        "week_skills",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("scored", sa.Integer(), nullable=False),
        sa.Column("score_sum", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("team_id", "week", "user_id", "skill_id"),
    )
    op.create_index(
        "ix_week_skills_board",
        "week_skills",
        ["team_id", "week", "user_id", "skill_id", "name", "scored", "score_sum"],
        unique=False,
    )
    _backfill(op.get_bind())


def _aware(value: datetime | str) -> datetime:
    if isinstance(value, str):  # SQLite returns aggregates of datetimes as text
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _backfill(conn: sa.Connection) -> None:
    a = attempts
    for team_id, tz in conn.execute(sa.select(teams.c.id, teams.c.timezone)).all():
        done = sa.and_(a.c.team_id == team_id, a.c.status == "completed")
        first, last = conn.execute(
            sa.select(sa.func.min(a.c.completed_at), sa.func.max(a.c.completed_at)).where(done)
        ).one()
        if first is None:
            continue
        first, last = _aware(first), _aware(last)
        label = iso_week(first, tz or "UTC")
        while True:
            start, end = week_bounds(label, tz or "UTC")
            if start > last:
                break
            conn.execute(
                sa.update(a)
                .where(done, a.c.completed_at >= start, a.c.completed_at < end)
                .values(week=week_number(label))
            )
            label = shift_week(label, 1)
    conn.execute(
        sa.text(
            "INSERT INTO week_reps (team_id, week, user_id, drills, overall_sum) "
            "SELECT team_id, week, user_id, count(*), coalesce(sum(overall), 0) FROM attempts "
            "WHERE status = 'completed' AND team_id IS NOT NULL AND week IS NOT NULL "
            "GROUP BY team_id, week, user_id"
        )
    )
    conn.execute(
        sa.text(
            "INSERT INTO week_skills (team_id, week, user_id, skill_id, name, scored, score_sum) "
            "SELECT a.team_id, a.week, a.user_id, k.skill_id, max(k.name), count(*), "
            "sum(coalesce(k.reviewed_score, k.score)) "
            "FROM attempts a JOIN skill_scores k ON k.attempt_id = a.id "
            "WHERE a.status = 'completed' AND a.team_id IS NOT NULL AND a.week IS NOT NULL "
            "GROUP BY a.team_id, a.week, a.user_id, k.skill_id"
        )
    )


def downgrade() -> None:
    op.drop_index("ix_week_skills_board", table_name="week_skills")
    op.drop_table("week_skills")
    op.drop_index("ix_week_reps_board", table_name="week_reps")
    op.drop_table("week_reps")
    op.drop_index("ix_attempts_team_week", table_name="attempts")
    with op.batch_alter_table("attempts") as batch:
        batch.drop_column("week")
