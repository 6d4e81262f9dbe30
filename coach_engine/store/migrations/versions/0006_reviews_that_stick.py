"""Reviews that stick: an override re-scores the attempt, and the rep sees what is new.

Issue 15 found a manager's override shown as raw text while the overall, the
chart, the leaderboard and the CSV kept the grader's number, and reps finding a
review only by opening that one attempt. So this revision:

* keeps the grader's overall in ``attempts.graded_overall`` when an override
  re-scores an attempt (``attempts.overall`` then holds the reviewed overall,
  so the roll-ups, the leaderboard and the assignments follow it) and names the
  manager in ``attempts.reviewed_by``, with an index for the week's re-scored
  attempts (the leaderboard's "overridden by");
* adds ``reviews.seen_at``: when the rep first opened a review (None: new).

Attempts already reviewed with an override are re-scored here, with the
running code (``coach_engine.reviews.rescore``, the grader's arithmetic), and
the two roll-ups that hold overall scores (``week_reps``, ``week_scenarios``) are
recomputed for their buckets with the point rules of the running code, as
``store.rollup`` would. Tables are declared locally so this revision keeps
working whatever the models become.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from coach_engine.points import load_rules
from coach_engine.store.schema import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

attempts = sa.table(
    "attempts",
    sa.column("id", sa.Integer()),
    sa.column("team_id", sa.Integer()),
    sa.column("user_id", sa.Integer()),
    sa.column("week", sa.Integer()),
    sa.column("overall", sa.Integer()),
    sa.column("graded_overall", sa.Integer()),
    sa.column("reviewed_by", sa.Integer()),
)
skill_scores = sa.table(
    "skill_scores",
    sa.column("attempt_id", sa.Integer()),
    sa.column("skill_id", sa.String()),
    sa.column("reviewed_score", sa.Integer()),
)
scorecards = sa.table("scorecards", sa.column("attempt_id", sa.Integer()), sa.column("data", sa.JSON()))
reviews = sa.table(
    "reviews",
    sa.column("id", sa.Integer()),
    sa.column("attempt_id", sa.Integer()),
    sa.column("reviewer_id", sa.Integer()),
    sa.column("overrides", sa.JSON()),
    sa.column("created_at", UTCDateTime()),
)


def _counted(alias: str, modes: tuple[str, ...]) -> str:
    """SQL: an attempt of one of ``modes`` with enough replies for its mode (``store.rollup.counted``)."""
    rules = load_rules()
    parts = [f"({alias}.mode = '{m}' AND {alias}.replies >= {rules.mode(m).min_replies})" for m in modes]
    return "(" + " OR ".join(parts) + ")"


def _refresh_overall_rollups(buckets: set[tuple[int, int, int]]) -> None:
    """Recompute ``week_reps`` and ``week_scenarios`` for the (team, week, rep) buckets given."""
    done = "a.status = 'completed' AND a.team_id IS NOT NULL AND a.week IS NOT NULL"
    bind = op.get_bind()
    for team_id, week, user_id in sorted(buckets):
        key = {"t": team_id, "w": week, "u": user_id}
        where = "team_id = :t AND week = :w AND user_id = :u"
        for table in ("week_reps", "week_scenarios"):
            bind.execute(sa.text(f"DELETE FROM {table} WHERE {where}"), key)
        mine = f"{done} AND a.team_id = :t AND a.week = :w AND a.user_id = :u"
        bind.execute(
            sa.text(
                "INSERT INTO week_reps (team_id, week, user_id, drills, overall_sum) "
                "SELECT a.team_id, a.week, a.user_id, count(*), coalesce(sum(a.overall), 0) FROM attempts a "
                f"WHERE {mine} AND {_counted('a', ('drill',))} GROUP BY a.team_id, a.week, a.user_id"
            ),
            key,
        )
        bind.execute(
            sa.text(
                "INSERT INTO week_scenarios (team_id, week, user_id, mode, scenario_id, best) "
                "SELECT a.team_id, a.week, a.user_id, a.mode, a.scenario_id, max(a.overall) FROM attempts a "
                f"WHERE {mine} AND {_counted('a', ('drill', 'warmup', 'clinic'))} "
                "GROUP BY a.team_id, a.week, a.user_id, a.mode, a.scenario_id"
            ),
            key,
        )


def _rescore_reviewed() -> None:
    """Attempts with a manager's skill override: the overall those scores give, and who set them."""
    from coach_engine.grading.rescore import rescore
    from coach_engine.models import Scorecard

    bind = op.get_bind()
    overrides: dict[int, dict[str, int]] = {}
    for attempt_id, skill_id, score in bind.execute(
        sa.select(skill_scores.c.attempt_id, skill_scores.c.skill_id, skill_scores.c.reviewed_score).where(
            skill_scores.c.reviewed_score.is_not(None)
        )
    ):
        overrides.setdefault(int(attempt_id), {})[str(skill_id)] = int(score)
    buckets: set[tuple[int, int, int]] = set()
    for attempt_id, wanted in sorted(overrides.items()):
        row = bind.execute(
            sa.select(attempts.c.team_id, attempts.c.user_id, attempts.c.week, attempts.c.overall).where(
                attempts.c.id == attempt_id
            )
        ).first()
        data = bind.scalar(sa.select(scorecards.c.data).where(scorecards.c.attempt_id == attempt_id))
        if row is None or data is None or row.overall is None:
            continue
        try:
            new = rescore(Scorecard.model_validate(data), wanted).overall
        except (KeyError, ValueError):  # a card this code cannot read: its grader's number stands
            continue
        reviewer = next(
            (
                by
                for by, changed in bind.execute(
                    sa.select(reviews.c.reviewer_id, reviews.c.overrides)
                    .where(reviews.c.attempt_id == attempt_id)
                    .order_by(reviews.c.created_at.desc(), reviews.c.id.desc())
                )
                if changed
            ),
            None,
        )
        bind.execute(
            attempts.update()
            .where(attempts.c.id == attempt_id)
            .values(graded_overall=row.overall, overall=new, reviewed_by=reviewer)
        )
        if row.team_id is not None and row.week is not None:
            buckets.add((int(row.team_id), int(row.week), int(row.user_id)))
    _refresh_overall_rollups(buckets)


def upgrade() -> None:
    # Plain columns (no foreign key on ``reviewed_by``): SQLite adds a constraint only by rebuilding the
    # table, and rebuilding ``attempts`` with foreign keys on would cascade into its turns and scores.
    op.add_column("attempts", sa.Column("graded_overall", sa.Integer(), nullable=True))
    op.add_column("attempts", sa.Column("reviewed_by", sa.Integer(), nullable=True))
    op.create_index(
        "ix_attempts_team_week_reviewed",
        "attempts",
        ["team_id", "week", "reviewed_by", "user_id"],
        unique=False,
    )
    op.add_column("reviews", sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True))
    _rescore_reviewed()


def downgrade() -> None:
    bind = op.get_bind()
    buckets = {
        (int(t), int(w), int(u))
        for t, w, u in bind.execute(
            sa.select(attempts.c.team_id, attempts.c.week, attempts.c.user_id).where(
                attempts.c.graded_overall.is_not(None),
                attempts.c.team_id.is_not(None),
                attempts.c.week.is_not(None),
            )
        )
    }
    bind.execute(
        attempts.update()
        .where(attempts.c.graded_overall.is_not(None))
        .values(overall=attempts.c.graded_overall)
    )
    _refresh_overall_rollups(buckets)
    # ``ALTER TABLE ... DROP COLUMN`` (SQLite 3.35+), never a rebuild of ``attempts`` (see ``upgrade``).
    op.drop_column("reviews", "seen_at")
    op.drop_index("ix_attempts_team_week_reviewed", table_name="attempts")
    op.drop_column("attempts", "reviewed_by")
    op.drop_column("attempts", "graded_overall")
