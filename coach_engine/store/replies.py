"""One rep reply as the attempt index stores it: the metadata written with it and the hit read back.

The metadata is the index's contract with itself: every query filters on these
keys (user, team, scenario, objection, difficulty, turn, attempt, overall and
per-skill scores, ISO week in the team's time zone), so what ``reply_metadata``
writes and what ``reply_hit`` reads are kept side by side, apart from the
index's sharding and querying (``index``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..models import Scorecard
from .records import Attempt
from .weeks import iso_week

__all__ = ["ReplyHit", "reply_hit", "reply_metadata"]


@dataclass(frozen=True)
class ReplyHit:
    """One stored rep reply returned by a query."""

    id: str
    text: str
    distance: float
    user: str
    name: str
    team_id: int
    scenario_id: str
    objection: str
    difficulty: str
    turn: int
    attempt_id: int
    overall: int
    week: str
    when: datetime
    skills: dict[str, int]


def reply_hit(id_: str, doc: str, dist: float, md: dict[str, Any]) -> ReplyHit:
    """A stored reply read back from Chroma (``reply_metadata`` wrote its metadata)."""
    skills = {k.removeprefix("skill:"): int(v) for k, v in md.items() if k.startswith("skill:")}
    return ReplyHit(
        id=id_,
        text=doc,
        distance=float(dist),
        user=str(md["user"]),
        name=str(md.get("name", "")),
        team_id=int(md["team_id"]),
        scenario_id=str(md["scenario"]),
        objection=str(md["objection"]),
        difficulty=str(md["difficulty"]),
        turn=int(md["turn"]),
        attempt_id=int(md["attempt"]),
        overall=int(md["overall"]),
        week=str(md["week"]),
        when=datetime.fromisoformat(str(md["when"])),
        skills=skills,
    )


def reply_metadata(attempt: Attempt, scorecard: Scorecard, timezone: str) -> dict[str, Any]:
    """What every reply of a graded attempt is stored with (each adds its ``turn``)."""
    when = attempt.completed_at or attempt.started_at
    base: dict[str, Any] = {
        "user": attempt.user_email,
        "name": attempt.user_name,
        "team_id": attempt.team_id,
        "scenario": attempt.scenario_id,
        "objection": attempt.objection,
        "difficulty": attempt.difficulty,
        "attempt": attempt.id,
        "overall": int(scorecard.overall),
        "week": iso_week(when, timezone),
        "when": when.isoformat(),
        "ts": int(when.timestamp()),
        "mode": attempt.mode,
    }
    for sk in scorecard.skills:
        if sk.due or sk.id in attempt.skills:
            base[f"skill:{sk.id}"] = int(attempt.skills.get(sk.id, sk.score))
    return base
