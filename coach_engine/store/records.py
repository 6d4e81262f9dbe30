"""What the store hands out: frozen snapshots, never live ORM rows.

Callers (pages, CLI, leaderboard) get plain dataclasses so nothing they hold
can lazily hit the database or be written back by accident. ``User`` doubles
as the *acting user* every store method takes. The exception tree:

    StoreError            a write or read failed (message says what and what was kept)
    ├── NotWritable       the data folder or the database file is read-only or not a folder (names the path)
    ├── PermissionDenied  the acting user may not do this (message says who, what and why)
    ├── NotFound          no such user / team / attempt / assignment / scenario version
    ├── ScenarioIdTaken   a new studio scenario asked for an id in use (carries a free one)
    ├── VersionConflict   a studio edit started from a version someone has since replaced
    └── AuthError         signing in or a link failed; the message is safe to show (``store.accounts``)
        ├── SignInFailed  wrong email or password, or an account that may not sign in
        │   └── StaleSignIn   a provider's (OIDC) sign-in older than a session may last: sign in again
        ├── AccountLocked too many wrong passwords in a row: locked until ``until``
        ├── LinkInvalid   an invite or reset link that is unknown, used or expired
        └── WeakPassword  a new password the policy refuses (``credentials.check_password``)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from ..errors import ScrimmageError

RoleName = Literal["rep", "manager", "admin"]


class StoreError(ScrimmageError, RuntimeError):
    """A store operation failed; the message says what happened and what was kept."""


class NotWritable(StoreError):
    """The data folder or the SQLite file can't be written (read-only, or a file where a folder should be);
    the message names the path and says what to do (``store.engine.check_writable_folder``)."""


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


class AuthError(StoreError):
    """Signing in, a session or a link failed; the message says what to do and reveals no secret."""


class SignInFailed(AuthError):
    """Wrong email or password, an uninvited identity, or an account that may not sign in."""


class StaleSignIn(SignInFailed):
    """An identity provider's sign-in (OIDC) issued longer ago than a session may last."""


class AccountLocked(AuthError):
    """Too many wrong passwords in a row; the account is locked until ``until``."""

    def __init__(self, until: datetime, minutes: int):
        self.until = until
        super().__init__(
            f"too many wrong passwords: this account is locked for {minutes} more minute"
            f"{'s' if minutes != 1 else ''}; try again then, or ask an admin for a reset link"
        )


class LinkInvalid(AuthError):
    """An invite or reset link that is unknown, already used, or expired."""


class WeakPassword(AuthError):
    """A new password the policy refuses (the message says why)."""


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
    reading: dict[str, Any] | None = None
    """A rep turn's reading as stored (``models.Turn.reading``)."""


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
    """The overall score (0-100) one of the qualifying drills must reach (``assignments``)."""
    min_attempts: int
    """How many qualifying full drills the assignee must complete, passed or not."""
    user_id: int | None
    team_id: int | None
    """Exactly one of ``user_id`` and ``team_id`` is set: the assignment is one rep's or a whole team's."""
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


@dataclass(frozen=True)
class Account:
    """A user as the People page and ``scrimmage users list`` show them: who, and whether they sign in."""

    user: User
    status: Literal["active", "invited", "no_password", "locked", "disabled"]
    """``invited``: a live invite link, no password yet; ``no_password``: neither (send a reset link)."""
    last_login_at: datetime | None = None
    locked_until: datetime | None = None
    signs_in_with: str = ""
    """``password``, ``oidc`` (linked to a provider identity) or "" (never signed in)."""


@dataclass(frozen=True)
class IssuedLink:
    """A one-time invite or reset link, shown once to whoever issued it (the store keeps a digest)."""

    token: str
    purpose: Literal["invite", "reset"]
    user: User
    expires_at: datetime

    def url(self, public_url: str) -> str:
        """The link to send: the app's address with the token (``Settings.public_url``)."""
        return f"{public_url.rstrip('/')}/?{self.purpose}={self.token}"


@dataclass(frozen=True)
class LinkInfo:
    """What a valid link is for, so the page can say whose password it sets (nothing secret)."""

    purpose: Literal["invite", "reset"]
    email: str
    name: str
    expires_at: datetime


@dataclass(frozen=True)
class AuditEvent:
    """One manager or admin action (``store.audit``): who, when, what, and the values before and after."""

    id: int
    at: datetime
    actor: str
    """The acting user's email (the command line's is ``SYSTEM``'s)."""
    actor_role: str
    action: str
    """``<thing>.<verb>``: ``review.add``, ``assignment.edit``, ``scenario.restore``, ``user.disable`` …"""
    target_type: str
    target: str
    team: str | None
    before: dict[str, object] | None
    after: dict[str, object] | None
    note: str = ""
