"""The store's core: its engine and sessions, and the scope rules every store call goes through.

Scope lives in the engine, not in the pages: every method takes the acting
user first and raises ``PermissionDenied`` (saying who, what and why) when
they may not. The rules, in one place (the ``_require_*`` helpers below):

* a rep reads and writes only their own attempts;
* a manager reads their team's attempts and users, reviews those attempts and
  assigns scenarios to their team, changes and cancels those assignments (they
  do not write a rep's attempt);
* an admin may do everything;
* a disabled account may do nothing (``store.accounts``).

The acting user is re-read from the database on every call, so a role change
applies at once and a made-up ``User`` gets nowhere (only ``SYSTEM``, the
local administrator of the CLI, is not stored). Each part of the store
(``people``, ``attempts``, ``reviewing``, ``assigning``) is a class built on
``StoreBase``; ``store.Store`` puts them together.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from .engine import make_engine, migrate
from .records import (
    SYSTEM,
    NotFound,
    PermissionDenied,
    StoreError,
    User,
)
from .schema import (
    AttemptRow,
    TeamRow,
    UserRow,
)

if TYPE_CHECKING:
    from ..settings import Settings

Clock = Callable[[], datetime]


LIMITS = {"an email": 254, "a name": 200, "a team name": 120, "a review comment": 5000, "a note": 2000}
"""The longest text a person may store in each field, in characters (issue 14: a 20,000-character field is
refused with its length, not stored and then cut, or failed by PostgreSQL's column width)."""


def _fits(text: str, what: str) -> str:
    limit = LIMITS[what]
    if len(text) > limit:
        raise StoreError(f"{what} may be at most {limit:,} characters; this one has {len(text):,}")
    return text


def utcnow() -> datetime:
    return datetime.now(UTC)


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str)) if value is not None else None


def _check_timezone(tz: str) -> str:
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise StoreError(f"unknown time zone '{tz}'; use an IANA name such as Europe/Berlin") from None
    return tz


class StoreBase:
    """The relational store's core: the engine, sessions, and who may do what (every part builds on it)."""

    def __init__(self, engine: Engine, *, clock: Clock = utcnow, run_migrations: bool = True):
        self.engine = engine
        self.clock = clock
        if run_migrations:
            migrate(engine)
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def from_settings(cls, settings: Settings, **kw: Any) -> Self:
        setting = "SCRIMMAGE_DATABASE_URL" if settings.database_url else "SCRIMMAGE_DATA_DIR"
        return cls(make_engine(settings.effective_database_url, setting=setting), **kw)

    @classmethod
    def open(cls, url: str, **kw: Any) -> Self:
        return cls(make_engine(url), **kw)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions.begin() as s:
            yield s

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # --- identity and scope -------------------------------------------------------

    def _actor(self, s: Session, actor: User) -> User:
        if actor == SYSTEM:
            return SYSTEM
        row = s.get(UserRow, actor.id)
        if row is None or row.email != actor.email:
            raise PermissionDenied(f"{actor.email} is not a known user of this store")
        if row.disabled_at is not None:
            raise PermissionDenied(f"{actor.email} may not act: the account is disabled")
        return self._user(s, row)

    @staticmethod
    def _user(s: Session, row: UserRow) -> User:
        team = s.get(TeamRow, row.team_id) if row.team_id is not None else None
        return User(row.id, row.email, row.name, row.role, row.team_id, team.name if team else None)  # type: ignore[arg-type]

    @staticmethod
    def _deny(actor: User, action: str, why: str) -> PermissionDenied:
        return PermissionDenied(f"{actor.label} may not {action}: {why}")

    def _require_read_user(self, actor: User, target: UserRow, action: str) -> None:
        if actor.role == "admin" or actor.id == target.id:
            return
        if actor.role == "manager" and actor.team_id is not None and actor.team_id == target.team_id:
            return
        why = (
            "managers see only their own team"
            if actor.role == "manager"
            else "reps see only their own attempts"
        )
        raise self._deny(actor, f"{action} of {target.email}", why)

    def _require_write_attempt(self, actor: User, row: AttemptRow, action: str) -> None:
        if actor.role == "admin" or actor.id == row.user_id:
            return
        raise self._deny(actor, f"{action} attempt {row.id}", "only its rep (or an admin) writes an attempt")

    def _require_team_manager(self, actor: User, team_id: int | None, action: str) -> None:
        if actor.role == "admin":
            return
        if actor.role == "manager" and team_id is not None and actor.team_id == team_id:
            return
        why = (
            "only the team's manager (or an admin) may"
            if actor.role != "manager"
            else "managers act only on their own team"
        )
        raise self._deny(actor, action, why)

    def _attempt_row(self, s: Session, attempt_id: int) -> AttemptRow:
        row = s.get(AttemptRow, attempt_id)
        if row is None:
            raise NotFound(f"no attempt with id {attempt_id}")
        return row

    def _readable_attempt(self, s: Session, actor: User, attempt_id: int, action: str) -> AttemptRow:
        """The attempt, once ``actor`` may read its rep's attempts (``_require_read_user``)."""
        row = self._attempt_row(s, attempt_id)
        owner = s.get(UserRow, row.user_id)
        assert owner is not None
        self._require_read_user(actor, owner, action)
        return row

    def _writable_attempt(self, s: Session, actor: User, attempt_id: int, action: str) -> AttemptRow:
        """The attempt, once ``actor`` may write it (``_require_write_attempt``)."""
        row = self._attempt_row(s, attempt_id)
        self._require_write_attempt(actor, row, action)
        return row

    def _user_row(self, s: Session, email: str) -> UserRow:
        row = s.scalar(select(UserRow).where(UserRow.email == email.strip().lower()))
        if row is None:
            raise NotFound(f"no user with email '{email}'")
        return row

    def _team_row(self, s: Session, name: str) -> TeamRow:
        row = s.scalar(select(TeamRow).where(TeamRow.name == name))
        if row is None:
            raise NotFound(f"no team named '{name}'")
        return row

    def _system_creator(self, s: Session, team_id: int | None) -> int:
        """The CLI acts as SYSTEM; record the team's manager (or any admin) as the creator."""
        for role, where in (("manager", UserRow.team_id == team_id), ("admin", UserRow.role == "admin")):
            uid = s.scalar(select(UserRow.id).where(UserRow.role == role, where).order_by(UserRow.id))
            if uid is not None:
                return int(uid)
        raise StoreError("add a manager to the team (or an admin) before assigning from the command line")
