"""``Store``: every read and write of the team's memory, with scope enforced here.

Scope lives in the engine, not in the pages: every method takes the acting
user first and raises ``PermissionDenied`` (saying who, what and why) when
they may not. The rules, in one place (``_may_*`` below):

* a rep reads and writes only their own attempts;
* a manager reads their team's attempts and users, reviews those attempts and
  assigns scenarios to their team, changes and cancels those assignments (they
  do not write a rep's attempt);
* an admin may do everything;
* a disabled account may do nothing (``store.accounts``).

Every manager and admin change (teams, users, reviews, assignments) writes its
audit line in the same transaction (``store.audit``).

The acting user is re-read from the database on every call, so a role change
applies at once and a made-up ``User`` gets nowhere (only ``SYSTEM``, the
local administrator of the CLI, is not stored).

Turns are written one by one as the drill runs (``turn_recorder``); writing a
turn is idempotent on (attempt, index), so a retry after a failure never
duplicates one. A rep turn's reading follows its turn as a second write of the
same turn (the session reads the words only after they are safe), which sets
``turns.reading`` on the stored row.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Engine, Select, delete, func, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ..models import Scenario, Scorecard, Turn
from . import audit, rollup
from .authored import AuthoredStore, current_version
from .engine import make_engine, migrate
from .records import (
    SYSTEM,
    Assignment,
    AssignmentEvent,
    Attempt,
    AuthoredScenario,
    NotFound,
    PermissionDenied,
    Review,
    StoredTurn,
    StoreError,
    Team,
    User,
)
from .schema import (
    MODES,
    ROLES,
    AssignmentEventRow,
    AssignmentRow,
    AttemptRow,
    ReviewRow,
    ScorecardRow,
    SkillScoreRow,
    TeamRow,
    TurnRow,
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


TURN_WRITE_BUDGET_S = 8.0
"""How long a turn write keeps retrying a locked or briefly unavailable database before it says so."""


def utcnow() -> datetime:
    return datetime.now(UTC)


class _Terms(NamedTuple):
    """What makes two assignments of one scenario to one assignee the same."""

    due: date
    pass_mark: int
    min_attempts: int


class TurnEventLike(Protocol):
    """What ``DrillSession`` passes to ``on_turn`` (``session.TurnEvent``); a rep turn's event may also
    carry ``reading`` (read with ``getattr``: events made by hand have none)."""

    index: int
    role: str
    text: str
    state: dict[str, Any]
    notice: str | None


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str)) if value is not None else None


def _check_timezone(tz: str) -> str:
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise StoreError(f"unknown time zone '{tz}'; use an IANA name such as Europe/Berlin") from None
    return tz


class Store:
    """The relational store. Build with ``Store(engine)`` or ``Store.from_settings(settings)``."""

    def __init__(self, engine: Engine, *, clock: Clock = utcnow, run_migrations: bool = True):
        self.engine = engine
        self.clock = clock
        if run_migrations:
            migrate(engine)
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def from_settings(cls, settings: Settings, **kw: Any) -> Store:
        setting = "SCRIMMAGE_DATABASE_URL" if settings.database_url else "SCRIMMAGE_DATA_DIR"
        return cls(make_engine(settings.effective_database_url, setting=setting), **kw)

    @classmethod
    def open(cls, url: str, **kw: Any) -> Store:
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

    @property
    def authored(self) -> AuthoredStore:
        """Studio scenarios: versions, archive, drafts (``store.authored``)."""
        return AuthoredStore(self)

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

    # --- attempts -------------------------------------------------------------------

    def start_attempt(
        self,
        actor: User,
        scenario: Scenario,
        *,
        user: User | None = None,
        mode: str = "drill",
        voice: str = "",
        grader: str = "",
        at: datetime | None = None,
        keep_scenario: bool | None = None,
    ) -> Attempt:
        """Open an attempt for ``user`` (default: the actor) in status in_progress.

        ``keep_scenario``: store ``scenario`` itself with the attempt (``attempts.played_scenario``), so a
        resume, the scorecard and a review run on it (``played_scenario`` below, through
        ``studio.pinned_scenario``). None: only for a warm-up, whose
        scenario is the bank's drill tailored to the rep's call notes (``tailoring.tailor``) and is held
        nowhere else; every other attempt runs the bank's scenario (or the studio version its hash names).
        """
        if mode not in MODES:
            raise StoreError(f"unknown mode '{mode}'; choose drill, clinic or warmup")
        keep = mode == "warmup" if keep_scenario is None else keep_scenario
        with self.session() as s:
            actor = self._actor(s, actor)
            owner = actor if user is None else self._user(s, self._user_row(s, user.email))
            if owner == SYSTEM:
                raise StoreError("attempts belong to a stored user; pass user=...")
            if actor.role != "admin" and actor.id != owner.id:
                raise self._deny(
                    actor, f"start an attempt for {owner.email}", "reps practise only for themselves"
                )
            now = at or self.clock()
            row = AttemptRow(
                user_id=owner.id,
                team_id=owner.team_id,
                scenario_id=scenario.id,
                scenario_hash=scenario.content_hash(),
                objection=scenario.objection,
                difficulty=scenario.difficulty,
                mode=mode,
                voice=voice,
                grader=grader,
                status="in_progress",
                started_at=now,
                updated_at=now,
            )
            if keep:  # left unset otherwise: SQL NULL (a JSON column given None would store 'null')
                row.played_scenario = scenario.model_dump(mode="json")
            s.add(row)
            s.flush()
            return self._attempt(s, row)

    def _attempt(self, s: Session, row: AttemptRow, skills: dict[str, int] | None = None) -> Attempt:
        user = s.get(UserRow, row.user_id)
        assert user is not None
        reviewed: list[str] = []
        if skills is None:
            skills = {}
            for sid, score, rev in s.execute(
                select(SkillScoreRow.skill_id, SkillScoreRow.score, SkillScoreRow.reviewed_score)
                .where(SkillScoreRow.attempt_id == row.id)
                .order_by(SkillScoreRow.skill_id)
            ):
                skills[sid] = rev if rev is not None else score
                if rev is not None:
                    reviewed.append(sid)
        reviewer = s.get(UserRow, row.reviewed_by) if row.reviewed_by is not None else None
        overridden_by = None if row.reviewed_by is None else (reviewer.name if reviewer else "a manager")
        return Attempt(
            id=row.id,
            user_id=row.user_id,
            user_email=user.email,
            user_name=user.name,
            team_id=row.team_id,
            scenario_id=row.scenario_id,
            scenario_hash=row.scenario_hash,
            objection=row.objection,
            difficulty=row.difficulty,
            mode=row.mode,
            voice=row.voice,
            grader=row.grader,
            status=row.status,
            outcome=row.outcome,
            overall=row.overall,
            started_at=row.started_at,
            completed_at=row.completed_at,
            skills=skills,
            replies=row.replies,
            graded_overall=row.graded_overall,
            overridden_by=overridden_by,
            reviewed_skills=tuple(reviewed),
        )

    def get_attempt(self, actor: User, attempt_id: int) -> Attempt:
        with self.session() as s:
            actor = self._actor(s, actor)
            row = self._attempt_row(s, attempt_id)
            owner = s.get(UserRow, row.user_id)
            assert owner is not None
            self._require_read_user(actor, owner, f"read attempt {attempt_id}")
            return self._attempt(s, row)

    def played_scenario(self, actor: User, scenario_id: str, content_hash: str) -> Scenario | None:
        """The scenario an attempt kept when it was created (a warm-up tailored to the rep's notes) whose
        content hash is ``content_hash``; None when no attempt of ``scenario_id`` kept one with that hash.

        Looked up by content: the hash is the scenario's text (``Scenario.content_hash``), so every attempt
        that kept it kept the same scenario, and the answer says nothing about whose attempt it was. A kept
        scenario the models no longer accept is None too (the caller then runs the bank's)."""
        with self.session() as s:
            self._actor(s, actor)
            data = s.scalar(
                select(AttemptRow.played_scenario)
                .where(
                    AttemptRow.scenario_id == scenario_id,
                    AttemptRow.scenario_hash == content_hash,
                    AttemptRow.played_scenario.is_not(None),
                )
                .limit(1)
            )
        if data is None:
            return None
        try:
            return Scenario.model_validate(data)
        except ValueError:  # pydantic's ValidationError: a scenario the rules have since outgrown
            return None

    def record_turn(
        self,
        actor: User,
        attempt_id: int,
        index: int,
        role: str,
        text: str,
        state: dict[str, Any] | None = None,
        notice: str | None = None,
        reading: dict[str, Any] | None = None,
    ) -> None:
        """Store one turn; idempotent on (attempt, index) so a retry never duplicates it.

        Given a ``reading`` for a turn already stored with the same role and text, the stored turn takes it
        (that is how a rep turn's reading follows the turn)."""
        if role not in ("buyer", "rep"):
            raise StoreError(f"unknown turn role '{role}'")
        with self.session() as s:
            actor = self._actor(s, actor)
            row = self._attempt_row(s, attempt_id)
            self._require_write_attempt(actor, row, "add a turn to")
            if row.status != "in_progress":
                raise StoreError(f"attempt {attempt_id} is {row.status}; turns can no longer be added")
            existing = s.get(TurnRow, (attempt_id, index))
            if existing is not None:
                if existing.role == role and existing.text == text:
                    if reading is not None:
                        existing.reading = _jsonable(reading)
                    return
                raise StoreError(f"turn {index} of attempt {attempt_id} is already stored with other text")
            now = self.clock()
            s.add(
                TurnRow(
                    attempt_id=attempt_id,
                    idx=index,
                    role=role,
                    text=text,
                    state=_jsonable(state),
                    notice=notice,
                    created_at=now,
                    reading=_jsonable(reading),
                )
            )
            row.updated_at = now

    def turn_recorder(
        self, attempt_id: int, actor: User, *, retries: int = 3, backoff: float = 0.05,
        budget: float = TURN_WRITE_BUDGET_S,
    ) -> TurnRecorder:
        """The ``on_turn`` callback for ``DrillSession``: writes each turn as it happens."""
        return TurnRecorder(self, attempt_id, actor, retries=retries, backoff=backoff, budget=budget)

    def turns(self, actor: User, attempt_id: int) -> list[StoredTurn]:
        with self.session() as s:
            actor = self._actor(s, actor)
            row = self._attempt_row(s, attempt_id)
            owner = s.get(UserRow, row.user_id)
            assert owner is not None
            self._require_read_user(actor, owner, f"read the turns of attempt {attempt_id}")
            rows = s.scalars(select(TurnRow).where(TurnRow.attempt_id == attempt_id).order_by(TurnRow.idx))
            return [StoredTurn(r.idx, r.role, r.text, r.state, r.notice, r.created_at, r.reading)
                    for r in rows]

    def transcript_turns(self, actor: User, attempt_id: int) -> list[Turn]:
        """The stored turns as ``models.Turn``, readings included (what ``DrillSession.resume`` takes)."""
        return [Turn(role=t.role, text=t.text, reading=t.reading) for t in self.turns(actor, attempt_id)]

    def complete_attempt(
        self, actor: User, attempt_id: int, scorecard: Scorecard, *, at: datetime | None = None
    ) -> Attempt:
        """Close an attempt with its scorecard (stored whole) and per-skill scores."""
        with self.session() as s:
            actor = self._actor(s, actor)
            row = self._attempt_row(s, attempt_id)
            self._require_write_attempt(actor, row, "complete")
            if row.status == "abandoned":
                raise StoreError(f"attempt {attempt_id} was abandoned; start a new one")
            tz = rollup.lock_bucket(s, row.team_id, row.user_id)
            old_week = row.week
            now = at or self.clock()
            s.execute(delete(SkillScoreRow).where(SkillScoreRow.attempt_id == attempt_id))
            s.execute(delete(ScorecardRow).where(ScorecardRow.attempt_id == attempt_id))
            s.flush()
            for sk in scorecard.skills:
                s.add(SkillScoreRow(attempt_id=attempt_id, skill_id=sk.id, name=sk.name, score=sk.score))
            s.add(ScorecardRow(attempt_id=attempt_id, data=scorecard.model_dump(mode="json"), created_at=now))
            row.status = "completed"
            row.outcome = scorecard.outcome
            row.overall = scorecard.overall
            row.graded_overall = row.reviewed_by = None  # a new grade: no manager's score stands on it
            row.grader = row.grader or scorecard.grader
            row.completed_at = now
            row.updated_at = now
            row.replies = rollup.rep_replies(s, attempt_id)
            rollup.stamp(row, tz)
            rollup.refresh(s, row.team_id, {old_week, row.week}, row.user_id)
            return self._attempt(s, row, {sk.id: sk.score for sk in scorecard.skills})

    def import_attempt(
        self,
        actor: User,
        user: User,
        scenario: Scenario,
        turns: Sequence[Turn],
        scorecard: Scorecard,
        *,
        started_at: datetime,
        completed_at: datetime,
        mode: str = "drill",
        voice: str = "",
        grader: str = "",
    ) -> Attempt:
        """Write a whole completed attempt in one transaction (demo seeding, imports); admins only."""
        if mode not in MODES:
            raise StoreError(f"unknown mode '{mode}'; choose drill, clinic or warmup")
        with self.session() as s:
            actor = self._actor(s, actor)
            if actor.role != "admin":
                raise self._deny(
                    actor, f"import an attempt for {user.email}", "only an admin imports attempts"
                )
            owner = self._user_row(s, user.email)
            tz = rollup.lock_bucket(s, owner.team_id, owner.id)
            row = AttemptRow(
                user_id=owner.id,
                team_id=owner.team_id,
                scenario_id=scenario.id,
                scenario_hash=scenario.content_hash(),
                objection=scenario.objection,
                difficulty=scenario.difficulty,
                mode=mode,
                voice=voice,
                grader=grader or scorecard.grader,
                status="completed",
                outcome=scorecard.outcome,
                overall=scorecard.overall,
                started_at=started_at,
                updated_at=completed_at,
                completed_at=completed_at,
                replies=sum(1 for t in turns if t.role == "rep"),
            )
            s.add(row)
            s.flush()
            s.add_all(
                [
                    TurnRow(
                        attempt_id=row.id,
                        idx=i,
                        role=t.role,
                        text=t.text,
                        state=None,
                        notice=None,
                        created_at=started_at,
                        reading=_jsonable(t.reading),
                    )
                    for i, t in enumerate(turns)
                ]
            )
            s.add_all(
                [
                    SkillScoreRow(attempt_id=row.id, skill_id=sk.id, name=sk.name, score=sk.score)
                    for sk in scorecard.skills
                ]
            )
            s.add(
                ScorecardRow(
                    attempt_id=row.id, data=scorecard.model_dump(mode="json"), created_at=completed_at
                )
            )
            rollup.stamp(row, tz)
            rollup.refresh(s, row.team_id, {row.week}, row.user_id)
            return self._attempt(s, row, {sk.id: sk.score for sk in scorecard.skills})

    def abandon_attempt(self, actor: User, attempt_id: int) -> Attempt:
        with self.session() as s:
            actor = self._actor(s, actor)
            row = self._attempt_row(s, attempt_id)
            self._require_write_attempt(actor, row, "abandon")
            if row.status == "completed":
                raise StoreError(f"attempt {attempt_id} is already completed")
            row.status = "abandoned"
            row.updated_at = self.clock()
            return self._attempt(s, row)

    def scorecard(self, actor: User, attempt_id: int) -> Scorecard | None:
        with self.session() as s:
            actor = self._actor(s, actor)
            row = self._attempt_row(s, attempt_id)
            owner = s.get(UserRow, row.user_id)
            assert owner is not None
            self._require_read_user(actor, owner, f"read the scorecard of attempt {attempt_id}")
            sc = s.get(ScorecardRow, attempt_id)
            return Scorecard.model_validate(sc.data) if sc else None

    def _attempts_query(self, where: Sequence[Any], limit: int | None) -> Select[AttemptRow]:
        q = select(AttemptRow).where(*where).order_by(AttemptRow.started_at.desc(), AttemptRow.id.desc())
        return q.limit(limit) if limit else q

    def list_attempts(
        self,
        actor: User,
        user_email: str | None = None,
        *,
        status: str | None = None,
        objection: str | None = None,
        limit: int | None = None,
    ) -> list[Attempt]:
        """A user's attempts (default: the actor's), newest first."""
        with self.session() as s:
            actor = self._actor(s, actor)
            if user_email is None:
                if actor == SYSTEM:
                    raise StoreError("name a user")
                target = s.get(UserRow, actor.id)
            else:
                target = self._user_row(s, user_email)
            assert target is not None
            self._require_read_user(actor, target, "list the attempts")
            where: list[Any] = [AttemptRow.user_id == target.id]
            if status:
                where.append(AttemptRow.status == status)
            if objection:
                where.append(AttemptRow.objection == objection)
            rows = s.scalars(self._attempts_query(where, limit)).all()
            return [self._attempt(s, r) for r in rows]

    def team_attempts(
        self,
        actor: User,
        team: str,
        *,
        since: datetime | None = None,
        status: str | None = "completed",
        limit: int | None = None,
    ) -> list[Attempt]:
        """A team's attempts for its manager (or an admin), newest first."""
        with self.session() as s:
            actor = self._actor(s, actor)
            t = self._team_row(s, team)
            self._require_team_manager(actor, t.id, f"list the attempts of team '{team}'")
            where: list[Any] = [AttemptRow.team_id == t.id]
            if status:
                where.append(AttemptRow.status == status)
            if since:
                where.append(AttemptRow.started_at >= since)
            rows = s.scalars(self._attempts_query(where, limit)).all()
            return [self._attempt(s, r) for r in rows]

    def open_attempts(self, actor: User, user_email: str | None = None) -> list[Attempt]:
        """In-progress attempts that can be resumed or abandoned."""
        return self.list_attempts(actor, user_email, status="in_progress")

    # --- reviews ------------------------------------------------------------------

    def add_review(
        self, actor: User, attempt_id: int, overrides: dict[str, int] | None = None, comment: str = ""
    ) -> Review:
        """A manager's comment, per-skill score overrides (1-5), or both, on a completed attempt.

        Every review is kept, in order. An override is written next to the grader's skill score (a later
        one wins) and re-scores the attempt through the grader's arithmetic (``reviews.rescore``):
        ``overall`` becomes the reviewed overall, the grader's is kept in ``graded_overall``, and
        ``reviewed_by`` names the manager, so every roll-up, board and export reads one number.
        """
        from ..reviews import rescore

        overrides = {str(k): int(v) for k, v in (overrides or {}).items()}
        comment = _fits(comment.strip(), "a review comment")
        if not overrides and not comment:
            raise StoreError("a review needs a comment or a changed score")
        for skill, score in overrides.items():
            if not 1 <= score <= 5:
                raise StoreError(f"override for '{skill}' must be 1-5, got {score}")
        with self.session() as s:
            actor = self._actor(s, actor)
            row = self._attempt_row(s, attempt_id)
            self._require_team_manager(actor, row.team_id, f"review attempt {attempt_id}")
            rollup.lock_bucket(s, row.team_id, row.user_id)
            if row.status != "completed":
                raise StoreError(
                    f"attempt {attempt_id} is {row.status}; only completed attempts are reviewed"
                )
            skills = {
                k.skill_id: k
                for k in s.scalars(select(SkillScoreRow).where(SkillScoreRow.attempt_id == attempt_id))
            }
            unknown = sorted(set(overrides) - set(skills))
            if unknown:
                raise StoreError(
                    f"attempt {attempt_id} has no skill(s) {', '.join(unknown)}; "
                    f"known: {', '.join(sorted(skills))}"
                )
            reviewer_id = actor.id if actor != SYSTEM else self._system_creator(s, row.team_id)
            before = {"overall": row.overall, "skills": {k: skills[k].reviewed_score or skills[k].score
                                                         for k in sorted(overrides)}}
            if overrides:
                for skill, score in overrides.items():
                    skills[skill].reviewed_score = score
                stored = s.get(ScorecardRow, attempt_id)
                if stored is not None:
                    effective = {k: r.reviewed_score for k, r in skills.items() if r.reviewed_score}
                    try:
                        reviewed = rescore(Scorecard.model_validate(stored.data), effective)
                    except ValueError as exc:
                        raise StoreError(f"attempt {attempt_id} could not be re-scored: {exc}") from None
                    if row.graded_overall is None:
                        row.graded_overall = row.overall
                    row.overall = reviewed.overall
                    row.reviewed_by = reviewer_id
                # this week's skill averages, score sums and bests
                rollup.refresh(s, row.team_id, {row.week}, row.user_id)
            rev = ReviewRow(
                attempt_id=attempt_id,
                reviewer_id=reviewer_id,
                overrides=overrides,
                comment=comment,
                created_at=self.clock(),
            )
            s.add(rev)
            s.flush()
            audit.record(s, actor, "review.add", target_type="attempt", target=attempt_id, at=self.clock(),
                         team_id=row.team_id, before=before,
                         after={"overall": row.overall, "skills": overrides, "comment": comment})
            by = s.get(UserRow, reviewer_id)
            return Review(
                rev.id, attempt_id, by.email if by else actor.email, overrides, comment, rev.created_at,
                reviewer_name=by.name if by else actor.name,
            )

    def reviews(self, actor: User, attempt_id: int) -> list[Review]:
        with self.session() as s:
            actor = self._actor(s, actor)
            row = self._attempt_row(s, attempt_id)
            owner = s.get(UserRow, row.user_id)
            assert owner is not None
            self._require_read_user(actor, owner, f"read the reviews of attempt {attempt_id}")
            return self._reviews(s, [ReviewRow.attempt_id == attempt_id], newest_first=False)

    @staticmethod
    def _reviews(s: Session, where: Sequence[Any], *, newest_first: bool) -> list[Review]:
        q = (
            select(ReviewRow, UserRow.email, UserRow.name)
            .join(UserRow, UserRow.id == ReviewRow.reviewer_id)
            .where(*where)
        )
        order = (ReviewRow.created_at.desc(), ReviewRow.id.desc()) if newest_first else (
            ReviewRow.created_at, ReviewRow.id)
        return [
            Review(r.id, r.attempt_id, email, dict(r.overrides), r.comment, r.created_at, name, r.seen_at)
            for r, email, name in s.execute(q.order_by(*order))
        ]

    def review_counts(self, actor: User, team: str) -> dict[int, int]:
        """Attempt id -> how many reviews it has, over a team's attempts (its manager or an admin)."""
        with self.session() as s:
            actor = self._actor(s, actor)
            t = self._team_row(s, team)
            self._require_team_manager(actor, t.id, f"list the reviews of team '{team}'")
            q = (
                select(ReviewRow.attempt_id, func.count())
                .join(AttemptRow, AttemptRow.id == ReviewRow.attempt_id)
                .where(AttemptRow.team_id == t.id)
                .group_by(ReviewRow.attempt_id)
            )
            return {int(aid): int(n) for aid, n in s.execute(q)}

    def rep_reviews(self, actor: User, user_email: str | None = None) -> list[Review]:
        """Every review of a rep's attempts (default: the actor's), newest first."""
        with self.session() as s:
            actor = self._actor(s, actor)
            target = s.get(UserRow, actor.id) if user_email is None else self._user_row(s, user_email)
            if target is None:
                raise StoreError("name a user")
            self._require_read_user(actor, target, "list the reviews")
            mine = select(AttemptRow.id).where(AttemptRow.user_id == target.id)
            return self._reviews(s, [ReviewRow.attempt_id.in_(mine)], newest_first=True)

    def mark_reviews_seen(self, actor: User, attempt_id: int) -> int:
        """The attempt's rep has read its reviews: stamp the unread ones; returns how many (rep only)."""
        with self.session() as s:
            actor = self._actor(s, actor)
            row = self._attempt_row(s, attempt_id)
            if actor.id != row.user_id:
                action = f"mark the reviews of attempt {attempt_id} read"
                raise self._deny(actor, action, "only its rep reads them")
            unread = s.scalars(
                select(ReviewRow).where(ReviewRow.attempt_id == attempt_id, ReviewRow.seen_at.is_(None))
            ).all()
            now = self.clock()
            for r in unread:
                r.seen_at = now
            return len(unread)

    def flagged_turns(self, actor: User, attempt_ids: Collection[int]) -> dict[int, set[int]]:
        """Per attempt, the turns its grader marked with an anti-pattern (``Scorecard.flagged_turns``).

        Any member of the attempts' team may ask: it gives turn numbers, not scores, and keeps flawed
        replies out of the team's model answers (``memory.team_examples``).
        """
        ids = sorted({int(i) for i in attempt_ids})
        if not ids:
            return {}
        with self.session() as s:
            actor = self._actor(s, actor)
            q = (
                select(AttemptRow.id, AttemptRow.team_id, ScorecardRow.data)
                .join(ScorecardRow, ScorecardRow.attempt_id == AttemptRow.id)
                .where(AttemptRow.id.in_(ids))
            )
            out: dict[int, set[int]] = {}
            for aid, team_id, data in s.execute(q):
                if actor.role != "admin" and (team_id is None or team_id != actor.team_id):
                    raise self._deny(actor, f"read attempt {aid}", "users see only their own team's")
                out[int(aid)] = Scorecard.model_validate(data).flagged_turns()
            return out

    # --- assignments ----------------------------------------------------------------

    @staticmethod
    def _check_terms(pass_mark: int, min_attempts: int) -> None:
        if not 0 <= pass_mark <= 100:
            raise StoreError(f"pass mark must be 0-100, got {pass_mark}")
        if min_attempts < 1:
            raise StoreError(f"minimum attempts must be at least 1, got {min_attempts}")

    @staticmethod
    def _identical_open(
        s: Session,
        scenario_id: str,
        user_id: int | None,
        team_id: int | None,
        terms: _Terms,
        other_than: int | None = None,
    ) -> AssignmentRow | None:
        """An open assignment with exactly these terms, if there is one."""
        q = select(AssignmentRow).where(
            AssignmentRow.status == "open",
            AssignmentRow.scenario_id == scenario_id,
            AssignmentRow.user_id.is_(None) if user_id is None else AssignmentRow.user_id == user_id,
            AssignmentRow.team_id.is_(None) if team_id is None else AssignmentRow.team_id == team_id,
            AssignmentRow.due == terms.due,
            AssignmentRow.pass_mark == terms.pass_mark,
            AssignmentRow.min_attempts == terms.min_attempts,
        )
        if other_than is not None:
            q = q.where(AssignmentRow.id != other_than)
        return s.scalar(q.order_by(AssignmentRow.id).limit(1))

    def _log_assignment(
        self,
        s: Session,
        actor: User,
        row: AssignmentRow,
        team_id: int | None,
        action: str,
        changes: dict[str, list[Any]],
        note: str = "",
    ) -> None:
        note = _fits(note.strip(), "a note")
        actor_id = actor.id if actor != SYSTEM else self._system_creator(s, team_id)
        verb = {"created": "create", "edited": "edit", "cancelled": "cancel"}.get(action, action)
        audit.record(s, actor, f"assignment.{verb}", target_type="assignment", target=row.id, at=self.clock(),
                     team_id=team_id, before={k: v[0] for k, v in changes.items()},
                     after={k: v[1] for k, v in changes.items()}, note=note)
        s.add(
            AssignmentEventRow(
                assignment_id=row.id,
                actor_id=actor_id,
                action=action,
                changes=_jsonable(changes),
                note=note,
                created_at=self.clock(),
            )
        )

    def ensure_assignment(
        self,
        actor: User,
        scenario_id: str,
        due: date,
        *,
        user: str | None = None,
        team: str | None = None,
        pass_mark: int = 70,
        min_attempts: int = 1,
    ) -> tuple[Assignment, bool]:
        """Assign a scenario to one user (by email) or a whole team (by name): (assignment, created).

        An identical open assignment — same assignee, scenario, due date, pass mark and minimum
        attempts — is returned instead of a second one (``created`` is False). Writers are serialised
        on the team row, so two clicks at once still make one.
        """
        if (user is None) == (team is None):
            raise StoreError("assign to either a user or a team")
        self._check_terms(pass_mark, min_attempts)
        with self.session() as s:
            actor = self._actor(s, actor)
            if user is not None:
                target = self._user_row(s, user)
                team_id, assignee = target.team_id, target.email
                user_id, assigned_team = target.id, None
            else:
                t = self._team_row(s, team or "")
                team_id, assignee = t.id, t.name
                user_id, assigned_team = None, t.id
            self._require_team_manager(actor, team_id, f"assign '{scenario_id}' to {assignee}")
            if team_id is not None:
                s.execute(select(TeamRow.id).where(TeamRow.id == team_id).with_for_update())
            terms = _Terms(due, pass_mark, min_attempts)
            existing = self._identical_open(s, scenario_id, user_id, assigned_team, terms)
            if existing is not None:
                return self._assignment(existing, assignee), False
            row = AssignmentRow(
                scenario_id=scenario_id, user_id=user_id, team_id=assigned_team, **terms._asdict()
            )
            row.created_by = actor.id if actor != SYSTEM else self._system_creator(s, team_id)
            row.created_at = self.clock()
            row.status = "open"
            row.scenario_version = current_version(s, scenario_id)  # drills from it keep this version
            s.add(row)
            s.flush()
            made = {"scenario_id": scenario_id, "assignee": assignee, **terms._asdict()}
            if row.scenario_version is not None:
                made["scenario_version"] = row.scenario_version
            self._log_assignment(s, actor, row, team_id, "created", {k: [None, v] for k, v in made.items()})
            return self._assignment(row, assignee), True

    def create_assignment(
        self,
        actor: User,
        scenario_id: str,
        due: date,
        *,
        user: str | None = None,
        team: str | None = None,
        pass_mark: int = 70,
        min_attempts: int = 1,
    ) -> Assignment:
        """Assign a scenario to a user (email) or a team (name); never twice (``ensure_assignment``)."""
        return self.ensure_assignment(
            actor, scenario_id, due, user=user, team=team, pass_mark=pass_mark, min_attempts=min_attempts
        )[0]

    def _assignment_row(self, s: Session, assignment_id: int) -> tuple[AssignmentRow, str, int | None]:
        """The row, its assignee label (email or team name) and the team it belongs to."""
        row = s.get(AssignmentRow, assignment_id)
        if row is None:
            raise NotFound(f"no assignment with id {assignment_id}")
        if row.user_id is not None:
            owner = s.get(UserRow, row.user_id)
            assert owner is not None
            return row, owner.email, owner.team_id
        t = s.get(TeamRow, row.team_id)
        assert t is not None
        return row, t.name, t.id

    def get_assignment(self, actor: User, assignment_id: int) -> Assignment:
        """One assignment (cancelled or not); its team's members may read it, a rep only their own."""
        with self.session() as s:
            actor = self._actor(s, actor)
            row, assignee, team_id = self._assignment_row(s, assignment_id)
            mine = row.user_id is None or row.user_id == actor.id
            if actor.role != "admin" and not (actor.team_id == team_id and (actor.role != "rep" or mine)):
                raise self._deny(actor, f"read assignment {assignment_id}", "users see only their own team's")
            return self._assignment(row, assignee)

    def update_assignment(
        self,
        actor: User,
        assignment_id: int,
        *,
        due: date | None = None,
        pass_mark: int | None = None,
        min_attempts: int | None = None,
        note: str = "",
    ) -> Assignment:
        """Change an open assignment's due date, pass mark or minimum attempts (its team's manager).

        The change is kept in its history; giving the values it already has changes and logs nothing.
        A change that would make it identical to another open assignment is refused.
        """
        with self.session() as s:
            actor = self._actor(s, actor)
            row, assignee, team_id = self._assignment_row(s, assignment_id)
            self._require_team_manager(actor, team_id, f"change assignment {assignment_id}")
            if row.status != "open":
                raise StoreError(f"assignment {assignment_id} was cancelled; assign the scenario again")
            old = _Terms(row.due, row.pass_mark, row.min_attempts)
            new = _Terms(
                old.due if due is None else due,
                old.pass_mark if pass_mark is None else int(pass_mark),
                old.min_attempts if min_attempts is None else int(min_attempts),
            )
            self._check_terms(new.pass_mark, new.min_attempts)
            was = old._asdict()
            changes = {k: [was[k], v] for k, v in new._asdict().items() if was[k] != v}
            if not changes:
                return self._assignment(row, assignee)
            clash = self._identical_open(s, row.scenario_id, row.user_id, row.team_id, new, other_than=row.id)
            if clash is not None:
                raise StoreError(
                    f"an identical open assignment already exists (made {clash.created_at:%d %b %Y}); "
                    "cancel this one instead"
                )
            row.due, row.pass_mark, row.min_attempts = new
            self._log_assignment(s, actor, row, team_id, "edited", changes, note)
            return self._assignment(row, assignee)

    def cancel_assignment(self, actor: User, assignment_id: int, note: str = "") -> Assignment:
        """Cancel an open assignment (its team's manager): reps stop seeing it and it earns nothing; kept."""
        with self.session() as s:
            actor = self._actor(s, actor)
            row, assignee, team_id = self._assignment_row(s, assignment_id)
            self._require_team_manager(actor, team_id, f"cancel assignment {assignment_id}")
            if row.status == "cancelled":
                raise StoreError(f"assignment {assignment_id} is already cancelled")
            row.status = "cancelled"
            self._log_assignment(s, actor, row, team_id, "cancelled", {"status": ["open", "cancelled"]}, note)
            return self._assignment(row, assignee)

    def assignment_history(self, actor: User, assignment_id: int) -> list[AssignmentEvent]:
        """Who created, changed and cancelled an assignment, and when, oldest first (its team's manager)."""
        with self.session() as s:
            actor = self._actor(s, actor)
            _, _, team_id = self._assignment_row(s, assignment_id)
            self._require_team_manager(actor, team_id, f"read the history of assignment {assignment_id}")
            q = (
                select(AssignmentEventRow, UserRow.email, UserRow.name)
                .join(UserRow, UserRow.id == AssignmentEventRow.actor_id)
                .where(AssignmentEventRow.assignment_id == assignment_id)
                .order_by(AssignmentEventRow.created_at, AssignmentEventRow.id)
            )
            return [
                AssignmentEvent(
                    e.id, e.assignment_id, e.action, email, name, dict(e.changes), e.note, e.created_at
                )
                for e, email, name in s.execute(q)
            ]

    def _system_creator(self, s: Session, team_id: int | None) -> int:
        """The CLI acts as SYSTEM; record the team's manager (or any admin) as the creator."""
        for role, where in (("manager", UserRow.team_id == team_id), ("admin", UserRow.role == "admin")):
            uid = s.scalar(select(UserRow.id).where(UserRow.role == role, where).order_by(UserRow.id))
            if uid is not None:
                return int(uid)
        raise StoreError("add a manager to the team (or an admin) before assigning from the command line")

    @staticmethod
    def _assignment(row: AssignmentRow, assignee: str) -> Assignment:
        return Assignment(
            row.id,
            row.scenario_id,
            row.due,
            row.pass_mark,
            row.min_attempts,
            row.user_id,
            row.team_id,
            row.created_by,
            row.created_at,
            assignee,
            row.status,
            row.scenario_version,
        )

    def assignments_for_team(
        self, actor: User, team: str, *, include_cancelled: bool = False
    ) -> list[Assignment]:
        """A team's open assignments (to the team or one of its members), by due date; members may read them.

        ``include_cancelled`` adds the cancelled ones (the manager's history view).
        """
        with self.session() as s:
            actor = self._actor(s, actor)
            t = self._team_row(s, team)
            if actor.role != "admin" and actor.team_id != t.id:
                raise self._deny(
                    actor, f"read the assignments of team '{team}'", "users see only their own team"
                )
            q = (
                select(AssignmentRow, UserRow.email)
                .outerjoin(UserRow, UserRow.id == AssignmentRow.user_id)
                .where((AssignmentRow.team_id == t.id) | (UserRow.team_id == t.id))
                .order_by(AssignmentRow.due, AssignmentRow.id)
            )
            if not include_cancelled:
                q = q.where(AssignmentRow.status == "open")
            out = []
            for row, email in s.execute(q):
                if actor.role == "rep" and row.user_id is not None and row.user_id != actor.id:
                    continue  # a rep sees the team's assignments and their own, not a teammate's
                out.append(self._assignment(row, email or t.name))
            return out

    # --- authored scenarios ---------------------------------------------------------

    def save_scenario(self, actor: User, scenario: Scenario, yaml_text: str) -> AuthoredScenario:
        """A new studio scenario, or the next version of one (never a rewrite): ``store.authored``."""
        return self.authored.save(actor, scenario, yaml_text)

    def authored_scenarios(self, actor: User) -> list[AuthoredScenario]:
        """Every studio scenario, archived ones too (they join everyone's bank)."""
        return self.authored.scenarios(actor)


@dataclass
class _PendingTurn:
    index: int
    role: str
    text: str
    state: dict[str, Any] | None
    notice: str | None
    reading: dict[str, Any] | None = None


class TurnRecorder:
    """Writes each ``TurnEvent`` as it happens; a failed write is retried, then kept pending.

    A locked or briefly unavailable database is retried for seconds, not
    milliseconds (issue 14): at least ``retries`` tries and until ``budget``
    seconds have passed, the wait doubling from ``backoff`` up to one second.
    Then it raises ``StoreError`` but keeps the turn (``pending``); the next
    event, or ``flush()``, writes the pending turns first, in order. Writes are
    idempotent, so nothing is duplicated. While turns are pending (the outage
    is known), a new event tries once, without the budget, so a database that
    is down costs the rep one wait per outage, not one per reply; ``flush()``,
    called to save on purpose (a "Save now" button, the end of a CLI drill),
    uses the full budget again.
    """

    def __init__(
        self, store: Store, attempt_id: int, actor: User, *, retries: int = 3, backoff: float = 0.05,
        budget: float = 0.0,
    ):
        self.store = store
        self.attempt_id = attempt_id
        self.actor = actor
        self.retries = max(1, retries)
        self.backoff = backoff
        self.budget = budget
        self.pending: list[_PendingTurn] = []

    def __call__(self, event: TurnEventLike) -> None:
        state = event.state
        if state is not None and hasattr(state, "model_dump"):
            state = state.model_dump(mode="json")
        reading = getattr(event, "reading", None)
        outage = bool(self.pending)
        self.pending.append(
            _PendingTurn(event.index, str(event.role), event.text, state, event.notice, reading)
        )
        self.flush(quick=outage)

    def flush(self, quick: bool = False) -> None:
        """Write the pending turns in order; ``quick``: one try each, no waiting."""
        while self.pending:
            self._write(self.pending[0], quick)
            self.pending.pop(0)

    def _write(self, t: _PendingTurn, quick: bool = False) -> None:
        last: Exception | None = None
        retries, budget = (1, 0.0) if quick else (self.retries, self.budget)
        deadline = time.monotonic() + budget
        tries = 0
        while True:
            try:
                self.store.record_turn(
                    self.actor, self.attempt_id, t.index, t.role, t.text, t.state, t.notice, t.reading
                )
                return
            except IntegrityError:
                raise
            except (DBAPIError, OSError) as exc:
                last = exc
                tries += 1
                wait = min(1.0, self.backoff * (2 ** (tries - 1)))
                if tries >= retries and time.monotonic() + wait > deadline:
                    break
                time.sleep(wait)
        raise StoreError(
            f"could not save turn {t.index} of attempt {self.attempt_id} after {tries} tries "
            f"({type(last).__name__}: {str(last).splitlines()[0] if last else ''}); the turn is kept and "
            f"will be saved with the next turn or on retry"
        ) from last
