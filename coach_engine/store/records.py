"""What the store hands out: frozen snapshots, never live ORM rows.

Callers (pages, CLI, leaderboard) get plain dataclasses so nothing they hold
can lazily hit the database or be written back by accident. ``User`` doubles
as the *acting user* every store method takes. The exception tree:

    StoreError            a write or read failed (message says what and what was kept)
    ├── PermissionDenied  the acting user may not do this (message says who, what and why)
    └── NotFound          no such user / team / attempt / assignment
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

RoleName = Literal["rep", "manager", "admin"]


class StoreError(RuntimeError):
    """A store operation failed; the message says what happened and what was kept."""


class PermissionDenied(StoreError):
    """The acting user is not allowed to read or write this."""


class NotFound(StoreError, KeyError):
    """No such record."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "not found"


@dataclass(frozen=True)
class Team:
    id: int
    name: str
    timezone: str


@dataclass(frozen=True)
class User:
    """A user, and the acting identity passed to every store call."""

    id: int
    email: str
    name: str
    role: RoleName
    team_id: int | None = None
    team: str | None = None

    @property
    def label(self) -> str:
        return f"{self.email} ({self.role})"


SYSTEM = User(id=0, email="system@scrimmage.local", name="Scrimmage", role="admin")
"""The local administrator the CLI and the demo seeder act as (not stored)."""


@dataclass(frozen=True)
class Attempt:
    id: int
    user_id: int
    user_email: str
    user_name: str
    team_id: int | None
    scenario_id: str
    scenario_hash: str
    objection: str
    difficulty: str
    mode: str
    voice: str
    grader: str
    status: str
    outcome: str | None
    overall: int | None
    started_at: datetime
    completed_at: datetime | None
    skills: dict[str, int] = field(default_factory=dict)
    """Effective per-skill scores (a manager's review wins over the grader)."""
    replies: int | None = None
    """Rep replies stored when it completed (None until then)."""

    def summary(self) -> dict[str, object]:
        """The `history --json` shape."""
        return {
            "id": self.id,
            "scenario_id": self.scenario_id,
            "outcome": self.outcome,
            "overall": self.overall,
            "started_at": self.started_at.isoformat(),
            "status": self.status,
        }


@dataclass(frozen=True)
class StoredTurn:
    index: int
    role: str
    text: str
    state: dict[str, object] | None
    notice: str | None
    created_at: datetime


@dataclass(frozen=True)
class Review:
    id: int
    attempt_id: int
    reviewer: str
    overrides: dict[str, int]
    comment: str
    created_at: datetime


@dataclass(frozen=True)
class Assignment:
    id: int
    scenario_id: str
    due: date
    pass_mark: int
    min_attempts: int
    user_id: int | None
    team_id: int | None
    created_by: int
    created_at: datetime
    assignee: str
    """The assignee user's email, or the team's name."""
    status: str = "open"
    """``open`` or ``cancelled``."""


@dataclass(frozen=True)
class AssignmentEvent:
    """One line of an assignment's history."""

    id: int
    assignment_id: int
    action: str
    """``created``, ``edited`` or ``cancelled``."""
    actor: str
    """The acting user's email."""
    actor_name: str
    changes: dict[str, list[object]]
    """Field -> [old, new] (dates as ISO text); a creation lists [None, value]."""
    note: str
    at: datetime


@dataclass(frozen=True)
class AuthoredScenario:
    scenario_id: str
    yaml_text: str
    content_hash: str
    author: str
    updated_at: datetime
