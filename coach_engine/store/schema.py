"""SQLAlchemy tables: the team's memory in plain relational rows.

Why these shapes:

* ``attempts`` carries a copy of what the leaderboard and the trend filter on
  (team, objection, difficulty, overall, timestamps), so weekly queries touch
  one indexed table instead of joining scenario files that live on disk.
* Per-skill scores are rows (``skill_scores``), not a JSON blob, so "best
  skill" and "per-skill leaders" are plain SQL aggregates; a manager's review
  writes ``reviewed_score`` next to the grader's score, never over it.
* The whole scorecard is kept as JSON (``scorecards``) so nothing the grader
  said is lost, whatever the columns above summarise.
* Times are stored in UTC (``UTCDateTime``); week boundaries in a team's time
  zone are computed by the caller, so SQL compares plain instants on both
  SQLite and PostgreSQL.
* A warm-up attempt keeps the scenario it was played on
  (``attempts.played_scenario``, JSON): the bank's drill tailored to the rep's
  call notes, which no bank or studio version holds, so a resumed warm-up, its
  scorecard and its review run on the figures the rep rehearsed.
* A rep turn keeps the learned reading made when it was taken
  (``turns.reading``, JSON), so the grader and the app use what the buyer
  reacted to instead of reading the turn again (issue 12).
* A completed attempt stores how many replies the rep made (``attempts.replies``):
  a drill ended with fewer than the rules' minimum counts for nothing
  (``coach_engine/points.yaml``), and the roll-ups and assignments filter on it.
* Assignments are edited and cancelled, never deleted; ``assignment_events``
  keeps who changed what and when.
* Studio scenarios are versioned, never overwritten: ``authored_scenarios``
  holds the latest text of each id (and whether it is archived),
  ``scenario_versions`` every version, and an assignment records the version it
  was made on (``assignments.scenario_version``). ``scenario_drafts`` keeps a
  manager's unsaved studio work (``store.authored``).
* A manager's override re-scores the attempt through the grader's arithmetic
  (``coach_engine.reviews.rescore``): ``attempts.overall`` then holds the
  reviewed overall, so the leaderboard, roll-ups and assignments follow it,
  and ``attempts.graded_overall`` keeps the grader's number next to it, with
  ``attempts.reviewed_by`` naming the manager. Every review is kept
  (``reviews``), and ``reviews.seen_at`` says whether its rep has read it.
* A completed attempt also stores its local ISO week (``attempts.week``,
  ``year * 100 + week`` in its team's zone), which the weekly roll-ups
  (``rollup_tables``) are keyed on.
* Accounts (issue 14, ``store.accounts``): a user row carries its argon2
  password hash, lockout counters and ``disabled_at`` (disabled, never
  deleted); link tokens, sessions, the audit trail and model-use counts are
  in ``account_tables``.

Every table derives from ``declarative.Base``. This module gathers them all
(the roll-ups and account tables are imported here), so importing ``schema``
registers every table and each row class can be imported from it. The Alembic
migrations in ``migrations/versions`` create exactly these tables; a test
compares the two.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from .account_tables import AccountTokenRow, AuditEventRow, AuthSessionRow, LlmCallRow
from .declarative import Base, UTCDateTime
from .rollup_tables import WeekRepRow, WeekScenarioRow, WeekSkillRow

__all__ = [
    "ASSIGNMENT_ACTIONS",
    "ASSIGNMENT_STATUSES",
    "MODES",
    "ROLES",
    "STATUSES",
    "AccountTokenRow",
    "AssignmentEventRow",
    "AssignmentRow",
    "AttemptRow",
    "AuditEventRow",
    "AuthSessionRow",
    "AuthoredScenarioRow",
    "Base",
    "LlmCallRow",
    "ReviewRow",
    "ScenarioDraftRow",
    "ScenarioVersionRow",
    "ScorecardRow",
    "SkillScoreRow",
    "TeamRow",
    "TurnRow",
    "UTCDateTime",
    "UserRow",
    "WeekRepRow",
    "WeekScenarioRow",
    "WeekSkillRow",
]

ROLES = ("rep", "manager", "admin")
MODES = ("drill", "clinic", "warmup")
STATUSES = ("in_progress", "completed", "abandoned")
ASSIGNMENT_STATUSES = ("open", "cancelled")
ASSIGNMENT_ACTIONS = ("created", "edited", "cancelled")


class TeamRow(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[datetime]


class UserRow(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role in ('rep', 'manager', 'admin')", name="ck_users_role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    created_at: Mapped[datetime]
    password_hash: Mapped[str | None] = mapped_column(String(255))
    """argon2 hash (``credentials.hash_password``); None until an invite or reset link sets one."""
    disabled_at: Mapped[datetime | None]
    """Set when disabled: no sign-in, every session ended, every store call refused; kept, never deleted."""
    failed_logins: Mapped[int] = mapped_column(Integer, server_default="0")
    """Wrong passwords in a row since the last success or lock."""
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    oidc_subject: Mapped[str | None] = mapped_column(String(255))
    """``iss|sub`` of the OpenID Connect identity this account first signed in with."""


class AttemptRow(Base):
    __tablename__ = "attempts"
    __table_args__ = (
        CheckConstraint("status in ('in_progress', 'completed', 'abandoned')", name="ck_attempts_status"),
        CheckConstraint("mode in ('drill', 'clinic', 'warmup')", name="ck_attempts_mode"),
        Index("ix_attempts_team_status_completed", "team_id", "status", "completed_at"),
        Index("ix_attempts_user_status_started", "user_id", "status", "started_at"),
        Index("ix_attempts_user_scenario", "user_id", "scenario_id"),
        # Leaderboard at 1,000 reps (docs/PERFORMANCE.md §3): assignment progress and a
        # covering scan of the week's completed attempts.
        Index("ix_attempts_team_scenario_started", "team_id", "scenario_id", "started_at"),
        Index(
            "ix_attempts_team_board", "team_id", "status", "completed_at", "user_id", "overall", "scenario_id"
        ),
        # The roll-ups' refresh (one rep's week) and the leaderboard's check for unstamped rows.
        Index("ix_attempts_team_week", "team_id", "status", "week", "user_id", "overall"),
        # The leaderboard's "overridden by": the week's few attempts a manager re-scored.
        Index("ix_attempts_team_week_reviewed", "team_id", "week", "reviewed_by", "user_id"),
        # The scenario an attempt was played on, found by its content hash (``Store.played_scenario``):
        # only the few attempts that keep one (warm-ups) are indexed.
        Index(
            "ix_attempts_played",
            "scenario_id",
            "scenario_hash",
            sqlite_where=text("played_scenario IS NOT NULL"),
            postgresql_where=text("played_scenario IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    scenario_id: Mapped[str] = mapped_column(String(120))
    scenario_hash: Mapped[str] = mapped_column(String(32))
    objection: Mapped[str] = mapped_column(String(32))
    difficulty: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str] = mapped_column(String(16), default="drill")
    voice: Mapped[str] = mapped_column(String(64), default="")
    grader: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16), default="in_progress")
    outcome: Mapped[str | None] = mapped_column(String(16))
    overall: Mapped[int | None] = mapped_column(Integer)
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    week: Mapped[int | None] = mapped_column(Integer)
    """Local ISO week of ``completed_at`` in the team's zone (``weeks.local_week_number``), once completed."""
    replies: Mapped[int | None] = mapped_column(Integer)
    """Rep turns stored when the attempt completed: whether it counts (``points.PointRules.counts``)."""
    graded_overall: Mapped[int | None] = mapped_column(Integer)
    """The grader's overall, kept when a manager's override re-scored the attempt (``overall`` then holds
    the reviewed one); None while the grader's number stands."""
    reviewed_by: Mapped[int | None] = mapped_column(Integer)
    """The user id of the manager whose override set ``overall`` (``reviews.rescore``); None while the
    grader's stands. No foreign key: SQLite adds one only by rebuilding ``attempts`` (migration 0006)."""
    played_scenario: Mapped[dict[str, Any] | None] = mapped_column(JSON, deferred=True)
    """The scenario the attempt was played on (``Scenario.model_dump``) when it is not the bank's: a
    warm-up's copy tailored to the rep's notes (``tailoring.tailor``, migration 0010). None for every
    other attempt, whose scenario is the bank's (or the studio version ``scenario_hash`` names). Deferred:
    lists of attempts never load it."""


class TurnRow(Base):
    __tablename__ = "turns"

    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), primary_key=True)
    idx: Mapped[int] = mapped_column(Integer, primary_key=True)
    role: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    notice: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    reading: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """A rep turn's reading (``reading.TurnAnalysis.to_dict``), written right after the turn; None for
    buyer turns, rules mode and turns imported without one."""


class SkillScoreRow(Base):
    __tablename__ = "skill_scores"
    __table_args__ = (
        Index("ix_skill_scores_skill", "skill_id"),
        # Covering index for the leaderboard's per-skill leaders (docs/PERFORMANCE.md §3).
        Index("ix_skill_scores_cover", "attempt_id", "skill_id", "score", "reviewed_score", "name"),
    )

    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), primary_key=True)
    skill_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    score: Mapped[int] = mapped_column(Integer)
    reviewed_score: Mapped[int | None] = mapped_column(Integer)


class ScorecardRow(Base):
    __tablename__ = "scorecards"

    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]


class AssignmentRow(Base):
    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint("(user_id IS NULL) <> (team_id IS NULL)", name="ck_assignments_one_assignee"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scenario_id: Mapped[str] = mapped_column(String(120))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    due: Mapped[date]
    pass_mark: Mapped[int] = mapped_column(Integer, default=70)
    min_attempts: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="open", server_default="open")
    """``open`` or ``cancelled``; a cancelled assignment is kept, with its history, but shown to no rep."""
    scenario_version: Mapped[int | None] = mapped_column(Integer)
    """The studio scenario's version it was made on (drills from it use that one until the manager moves
    it); None for a shipped scenario, which the studio never changes."""


class AssignmentEventRow(Base):
    """An assignment's history: who created, changed or cancelled it, when, and what changed."""

    __tablename__ = "assignment_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(16))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    """Field -> [old, new] (dates as ISO text); for ``created``, field -> [None, value]."""
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]


class ReviewRow(Base):
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    overrides: Mapped[dict[str, Any]] = mapped_column(JSON)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    seen_at: Mapped[datetime | None]
    """When the attempt's rep first opened it (None: still new to them, shown on My progress)."""


class AuthoredScenarioRow(Base):
    __tablename__ = "authored_scenarios"
    __table_args__ = (UniqueConstraint("scenario_id", name="uq_authored_scenarios_scenario_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scenario_id: Mapped[str] = mapped_column(String(120))
    yaml_text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(32))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    """The latest version's number (``scenario_versions``); ``yaml_text`` is that version's text."""
    archived_at: Mapped[datetime | None]
    """Set when archived: out of the pickers for new drills and assignments, never deleted."""


class ScenarioVersionRow(Base):
    """Every saved version of an authored scenario; a save or a restore adds one, none is rewritten."""

    __tablename__ = "scenario_versions"
    __table_args__ = (
        UniqueConstraint("scenario_id", "version", name="uq_scenario_versions_scenario_version"),
        Index("ix_scenario_versions_hash", "scenario_id", "content_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scenario_id: Mapped[str] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer)
    yaml_text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(32))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    """Why it was made, when not a plain edit: "restored from version 2"."""
    created_at: Mapped[datetime]


class ScenarioDraftRow(Base):
    """A manager's unsaved studio work, one per manager, so leaving the page never loses it."""

    __tablename__ = "scenario_drafts"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    yaml_text: Mapped[str] = mapped_column(Text)
    base_text: Mapped[str] = mapped_column(Text)
    """What the draft started from (the template, a copy or a saved version): "unsaved" is a difference."""
    base_id: Mapped[str | None] = mapped_column(String(120))
    """The authored scenario being edited, or None for a new one."""
    base_version: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime]
