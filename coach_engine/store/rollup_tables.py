"""The weekly roll-ups: derived tables that let the leaderboard read a few thousand rows.

A completed attempt stores its local ISO week (``attempts.week``, ``year *
100 + week`` in its team's zone), and these small roll-ups per (team, week,
rep) — ``week_reps`` (counted drills, sum of overall scores),
``week_scenarios`` (best score per mode and scenario) and ``week_skills``
(per-skill score sums over counted drills, a manager's review included) — let
the weekly leaderboard read a few thousand rows instead of scanning months of
attempts and skill scores (docs/PERFORMANCE.md §3). They are derived data,
kept by ``store.rollup`` in the same transaction as the rows they summarise,
and declared apart from the rows they are derived from (``schema``).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .declarative import Base

__all__ = ["WeekRepRow", "WeekScenarioRow", "WeekSkillRow"]


class WeekRepRow(Base):
    """Per team, week and rep: counted drills and the sum of their overall scores (``store.rollup``)."""

    __tablename__ = "week_reps"
    __table_args__ = (Index("ix_week_reps_board", "team_id", "week", "user_id", "drills", "overall_sum"),)

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    week: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    drills: Mapped[int] = mapped_column(Integer)
    overall_sum: Mapped[int] = mapped_column(Integer)


class WeekScenarioRow(Base):
    """Per team, week, rep, mode and scenario: the best overall score of the counted attempts (points)."""

    __tablename__ = "week_scenarios"
    __table_args__ = (
        Index("ix_week_scenarios_board", "team_id", "week", "user_id", "mode", "scenario_id", "best"),
        # The improvement bonus: a rep's best on a scenario in the weeks before.
        Index("ix_week_scenarios_history", "team_id", "user_id", "mode", "scenario_id", "week", "best"),
    )

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    week: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    mode: Mapped[str] = mapped_column(String(16), primary_key=True)
    scenario_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    best: Mapped[int | None] = mapped_column(Integer)


class WeekSkillRow(Base):
    """Per team, week, rep and skill, over counted drills: scores and their sum (a review's wins)."""

    __tablename__ = "week_skills"
    __table_args__ = (
        Index(
            "ix_week_skills_board", "team_id", "week", "user_id", "skill_id", "name", "scored", "score_sum"
        ),
    )

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    week: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    skill_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    scored: Mapped[int] = mapped_column(Integer)
    score_sum: Mapped[int] = mapped_column(Integer)
