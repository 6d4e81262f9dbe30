"""Teams and users: who is in the store, on which team, and the scope a team name gives an actor."""

from __future__ import annotations

from sqlalchemy import func, select

from . import audit, rollup
from .base import StoreBase, _check_timezone, _fits
from .records import (
    NotFound,
    StoreError,
    Team,
    User,
)
from .schema import (
    ROLES,
    TeamRow,
    UserRow,
)


class PeopleStore(StoreBase):
    """Teams and users (``Store`` puts this together with the other parts)."""

    # --- teams and users ------------------------------------------------------------

    def ensure_team(self, actor: User, name: str, timezone: str | None = None) -> Team:
        """The team called ``name``, created (admin only) if new; a given time zone is applied."""
        name = _fits(name.strip(), "a team name")
        if not name:
            raise StoreError("a team needs a name")
        with self.session() as s:
            actor = self._actor(s, actor)
            row = s.scalar(select(TeamRow).where(TeamRow.name == name))
            if row is None:
                if actor.role != "admin":
                    raise self._deny(actor, f"create team '{name}'", "only an admin creates teams")
                row = TeamRow(name=name, timezone=_check_timezone(timezone or "UTC"), created_at=self.clock())
                s.add(row)
                s.flush()
                audit.record(s, actor, "team.create", target_type="team", target=name, at=self.clock(),
                             team_id=row.id, after={"timezone": row.timezone})
            elif timezone and timezone != row.timezone:
                self._require_team_manager(actor, row.id, f"change the time zone of team '{name}'")
                audit.record(s, actor, "team.timezone", target_type="team", target=name, at=self.clock(),
                             team_id=row.id, before={"timezone": row.timezone}, after={"timezone": timezone})
                row.timezone = _check_timezone(timezone)
                rollup.restamp_team(s, row.id, row.timezone)  # stored weeks follow the new zone
            return Team(row.id, row.name, row.timezone)

    def get_team(self, actor: User, name: str) -> Team:
        with self.session() as s:
            actor = self._actor(s, actor)
            row = self._team_row(s, name)
            if actor.role != "admin" and actor.team_id != row.id:
                raise self._deny(actor, f"read team '{name}'", "users see only their own team")
            return Team(row.id, row.name, row.timezone)

    def team_by_id(self, actor: User, team_id: int) -> Team:
        with self.session() as s:
            actor = self._actor(s, actor)
            row = s.get(TeamRow, team_id)
            if row is None:
                raise NotFound(f"no team with id {team_id}")
            if actor.role != "admin" and actor.team_id != row.id:
                raise self._deny(actor, f"read team '{row.name}'", "users see only their own team")
            return Team(row.id, row.name, row.timezone)

    def add_user(
        self,
        actor: User,
        email: str,
        name: str,
        role: str = "rep",
        team: str | None = None,
        timezone: str | None = None,
    ) -> User:
        """Create a user (admin; a manager may add reps to their own team). The team is created if new."""
        email = _fits(email.strip().lower(), "an email")
        name = _fits(name.strip(), "a name")
        if "@" not in email or len(email) < 3:
            raise StoreError(f"'{email}' is not an email address")
        if role not in ROLES:
            raise StoreError(f"unknown role '{role}'; choose rep, manager or admin")
        if not name.strip():
            raise StoreError("a user needs a name")
        team_id = self.ensure_team(actor, team, timezone).id if team else None
        with self.session() as s:
            actor = self._actor(s, actor)
            manager_adds_rep = actor.role == "manager" and role == "rep" and team_id == actor.team_id
            if actor.role != "admin" and not (manager_adds_rep and team_id is not None):
                raise self._deny(
                    actor,
                    f"add user {email}",
                    "only an admin, or a manager adding a rep to their own team, adds users",
                )
            if s.scalar(select(UserRow.id).where(UserRow.email == email)) is not None:
                raise StoreError(f"a user with email {email} already exists")
            row = UserRow(email=email, name=name.strip(), role=role, team_id=team_id, created_at=self.clock())
            s.add(row)
            s.flush()
            made = self._user(s, row)
            audit.record(s, actor, "user.add", target_type="user", target=email, at=self.clock(),
                         team_id=team_id, after={"name": made.name, "role": role, "team": made.team})
            return made

    def get_user(self, actor: User, email: str) -> User:
        with self.session() as s:
            actor = self._actor(s, actor)
            row = self._user_row(s, email)
            self._require_read_user(actor, row, "read the profile")
            return self._user(s, row)

    def login(self, email: str) -> User:
        """The user with this email, as an acting identity (the app's sign-in picks one)."""
        with self.session() as s:
            return self._user(s, self._user_row(s, email))

    def team_members(self, actor: User, team: str) -> list[User]:
        """Everyone in a team (its members and admins may list it)."""
        with self.session() as s:
            actor = self._actor(s, actor)
            t = self._team_row(s, team)
            if actor.role != "admin" and actor.team_id != t.id:
                raise self._deny(actor, f"list team '{team}'", "users see only their own team")
            rows = s.scalars(
                select(UserRow).where(UserRow.team_id == t.id).order_by(UserRow.name, UserRow.email)
            )
            return [User(r.id, r.email, r.name, r.role, r.team_id, t.name) for r in rows]  # type: ignore[arg-type]

    def list_users(self, actor: User, team: str | None = None) -> list[User]:
        """The users ``actor`` may see, by name: a rep themself, a manager their team, an admin everyone.

        ``team`` narrows the list to one team; naming a team outside the actor's scope is denied.
        """
        with self.session() as s:
            actor = self._actor(s, actor)
            q = select(UserRow).order_by(UserRow.name, UserRow.email)
            if team is not None:
                t = self._team_row(s, team)
                if actor.role != "admin" and actor.team_id != t.id:
                    raise self._deny(
                        actor, f"list the users of team '{team}'", "users see only their own team"
                    )
                q = q.where(UserRow.team_id == t.id)
            if actor.role == "rep":
                q = q.where(UserRow.id == actor.id)
            elif actor.role == "manager":
                if actor.team_id is None:
                    q = q.where(UserRow.id == actor.id)
                else:
                    q = q.where(UserRow.team_id == actor.team_id)
            return [self._user(s, row) for row in s.scalars(q)]

    def team_scope(self, actor: User, team: str, *, manage: bool = False) -> tuple[Team, User]:
        """Check that ``actor`` may read (or, with ``manage``, manage) ``team``; returns both, fresh.

        For engine modules that query the store's tables directly (leaderboard, assignments, memory).
        """
        with self.session() as s:
            actor = self._actor(s, actor)
            row = self._team_row(s, team)
            if manage:
                self._require_team_manager(actor, row.id, f"manage team '{team}'")
            elif actor.role != "admin" and actor.team_id != row.id:
                raise self._deny(actor, f"read team '{team}'", "users see only their own team")
            return Team(row.id, row.name, row.timezone), actor

    def refresh(self, actor: User) -> User:
        """The acting user as stored now (raises PermissionDenied for an unknown user)."""
        with self.session() as s:
            return self._actor(s, actor)

    def count_users(self) -> int:
        """How many users exist (no scope: used to decide whether to seed the demo)."""
        with self.session() as s:
            return int(s.scalar(select(func.count()).select_from(UserRow)) or 0)
