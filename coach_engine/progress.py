"""Skill averages per ISO week: the team's skill heatmap and a rep's skill trend.

Both charts answer "is this skill getting better week by week?", so the
numbers must agree with the leaderboard and the scorecards: weeks are ISO weeks
in the *team's* time zone (a Sunday-evening drill in Los Angeles belongs to
that week, not to the next one in UTC), only completed attempts count, and a
manager's review overrides the grader's skill score — and says so: each
average names the managers whose override is in it (``overridden_by``), so a
chart can mark a point that is not the grader's alone. The averages are plain
Python over the store's scoped reads (``team_attempts`` for a manager,
``list_attempts`` for a rep), so scope is enforced by the store and a page
only charts what comes back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .store import Attempt, Store, User
from .store.weeks import iso_week

__all__ = ["SkillWeek", "rep_skill_weeks", "skill_weeks", "team_skill_weeks"]


@dataclass(frozen=True)
class SkillWeek:
    """One skill's average score (1-5) over one ISO week."""

    week: str
    skill_id: str
    average: float
    scores: int
    """How many skill scores the average is over."""
    overridden_by: tuple[str, ...] = ()
    """Managers whose override is one of those scores, by name."""

    @property
    def reviewed_label(self) -> str:
        return f"overridden by {', '.join(self.overridden_by)}" if self.overridden_by else ""


def skill_weeks(attempts: Iterable[Attempt], tz: str = "UTC", last: int | None = None) -> list[SkillWeek]:
    """Average each skill per ISO week (in ``tz``) over completed attempts, oldest week first.

    ``last`` keeps only the most recent weeks that have any scores.
    """
    scores: dict[tuple[str, str], list[int]] = defaultdict(list)
    reviewers: dict[tuple[str, str], set[str]] = defaultdict(set)
    for a in attempts:
        if a.status != "completed":
            continue
        week = iso_week(a.completed_at or a.started_at, tz)
        for skill_id, score in a.skills.items():
            scores[(week, skill_id)].append(score)
            if skill_id in a.reviewed_skills:
                reviewers[(week, skill_id)].add(a.overridden_by or "a manager")
    weeks = sorted({w for w, _ in scores})
    if last is not None:
        weeks = weeks[-last:] if last > 0 else []
    keep = set(weeks)
    return [
        SkillWeek(week=w, skill_id=k, average=round(sum(v) / len(v), 2), scores=len(v),
                  overridden_by=tuple(sorted(reviewers.get((w, k), ()))))
        for (w, k), v in sorted(scores.items())
        if w in keep
    ]


def team_skill_weeks(store: Store, actor: User, team: str, last: int | None = None) -> list[SkillWeek]:
    """The team heatmap: every rep's completed attempts, per skill and week (managers and admins)."""
    tz = store.get_team(actor, team).timezone
    return skill_weeks(store.team_attempts(actor, team, status="completed"), tz, last)


def rep_skill_weeks(
    store: Store, actor: User, user_email: str | None = None, last: int | None = None
) -> list[SkillWeek]:
    """A rep's skill trend (default: the actor's own), in their team's time zone."""
    attempts = store.list_attempts(actor, user_email, status="completed")
    target = store.get_user(actor, user_email) if user_email is not None else store.refresh(actor)
    tz = store.team_by_id(actor, target.team_id).timezone if target.team_id is not None else "UTC"
    return skill_weeks(attempts, tz, last)
