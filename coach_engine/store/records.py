"""What the store hands out: frozen snapshots, never live ORM rows.

Callers (pages, CLI, leaderboard) get plain dataclasses so nothing they hold
can lazily hit the database or be written back by accident. ``User`` doubles
as the *acting user* every store method takes. The exception tree:

    StoreError            a write or read failed (message says what and what was kept)
    ├── PermissionDenied  the acting user may not do this (message says who, what and why)
    ├── NotFound          no such user / team / attempt / assignment / scenario version
    ├── ScenarioIdTaken   a new studio scenario asked for an id in use (carries a free one)
    └── VersionConflict   a studio edit started from a version someone has since replaced
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


class ScenarioIdTaken(StoreError):
    """A new scenario wants an id that a shipped or studio scenario already has; ``suggestion`` is free."""

    def __init__(self, scenario_id: str, holder: str, suggestion: str):
        self.scenario_id, self.holder, self.suggestion = scenario_id, holder, suggestion
        super().__init__(
            f"the id '{scenario_id}' is taken ({holder}); saving never replaces a scenario — "
            f"pick another id, e.g. '{suggestion}' (free)"
        )


class VersionConflict(StoreError):
    """An edit of version ``base`` was saved after someone else saved version ``latest``."""

    def __init__(self, scenario_id: str, base: int | None, latest: int, by: str):
        self.scenario_id, self.base, self.latest = scenario_id, base, latest
        super().__init__(
            f"'{scenario_id}' is at version {latest} (saved by {by}) but your edit started from "
            f"version {base}; nothing was overwritten — open version {latest} and make your change there"
        )


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
    graded_overall: int | None = None
    """The grader's overall once a manager's override re-scored it (``overall`` is then the reviewed one)."""
    overridden_by: str | None = None
    """The name of the manager whose override set ``overall``; None while the grader's number stands."""
    reviewed_skills: tuple[str, ...] = ()
    """Skill ids whose score in ``skills`` is a manager's, not the grader's."""

    @property
    def overridden(self) -> bool:
        return self.overridden_by is not None

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
    """One manager review: comment only, skill overrides (1-5), or both; every one is kept."""

    id: int
    attempt_id: int
    reviewer: str
    """The reviewer's email."""
    overrides: dict[str, int]
    comment: str
    created_at: datetime
    reviewer_name: str = ""
    seen_at: datetime | None = None
    """When the attempt's rep first opened it; None: new to them."""


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
    scenario_version: int | None = None
    """The studio scenario's version it was made on; None for a shipped scenario."""


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
    """A studio scenario as it is now: its latest version's text (``store.authored``)."""

    scenario_id: str
    yaml_text: str
    content_hash: str
    author: str
    """Who first wrote it (each version names its own author: ``ScenarioVersion``)."""
    updated_at: datetime
    version: int = 1
    archived: bool = False
    team_id: int | None = None


@dataclass(frozen=True)
class ScenarioVersion:
    """One saved version of a studio scenario; versions are added, never rewritten."""

    scenario_id: str
    version: int
    yaml_text: str
    content_hash: str
    author: str
    note: str
    """Why it was made, when not a plain edit ("restored from version 2")."""
    created_at: datetime


@dataclass(frozen=True)
class ScenarioDraft:
    """A manager's unsaved studio work (one per manager)."""

    yaml_text: str
    base_text: str
    """What it started from: "unsaved" means ``yaml_text`` differs from it."""
    base_id: str | None
    """The studio scenario being edited, or None for a new one."""
    base_version: int | None
    updated_at: datetime
