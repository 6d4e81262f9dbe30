"""Attempts and their turns: started, written turn by turn as the drill runs, completed, listed.

Turns are written one by one as the drill runs (``turn_recorder``, which
retries and keeps what it could not save: ``recorder.TurnRecorder``); writing a
turn is idempotent on (attempt, index), so a retry after a failure never
duplicates one. A rep turn's reading follows its turn as a second write of the
same turn (the session reads the words only after they are safe), which sets
``turns.reading`` on the stored row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session

from ..models import Scenario, Scorecard, Turn
from . import rollup
from .base import StoreBase, _jsonable
from .recorder import TURN_WRITE_BUDGET_S, TurnRecorder
from .records import (
    SYSTEM,
    Attempt,
    StoredTurn,
    StoreError,
    User,
)
from .schema import (
    MODES,
    AttemptRow,
    ScorecardRow,
    SkillScoreRow,
    TurnRow,
    UserRow,
)


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise StoreError(f"unknown mode '{mode}'; choose drill, clinic or warmup")


def _new_attempt_row(
    owner_id: int, team_id: int | None, scenario: Scenario, mode: str, voice: str, grader: str, **rest: Any
) -> AttemptRow:
    """A new attempt of ``scenario``, with the scenario's columns the board and the trend filter on."""
    return AttemptRow(
        user_id=owner_id,
        team_id=team_id,
        scenario_id=scenario.id,
        scenario_hash=scenario.content_hash(),
        objection=scenario.objection,
        difficulty=scenario.difficulty,
        mode=mode,
        voice=voice,
        grader=grader,
        **rest,
    )


def _add_scorecard(s: Session, attempt_id: int, scorecard: Scorecard, at: datetime) -> None:
    """The scorecard's rows: one score per skill and the whole scorecard as JSON."""
    for sk in scorecard.due_skills:  # a skill not yet due in a first reply is no figure for the rep
        s.add(SkillScoreRow(attempt_id=attempt_id, skill_id=sk.id, name=sk.name, score=sk.score))
    s.add(ScorecardRow(attempt_id=attempt_id, data=scorecard.model_dump(mode="json"), created_at=at))


class AttemptStore(StoreBase):
    """Attempts and turns (``Store`` puts this together with the other parts)."""

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
        _check_mode(mode)
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
            row = _new_attempt_row(
                owner.id, owner.team_id, scenario, mode, voice, grader,
                status="in_progress", started_at=now, updated_at=now,
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
            row = self._readable_attempt(s, actor, attempt_id, f"read attempt {attempt_id}")
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
            row = self._writable_attempt(s, actor, attempt_id, "add a turn to")
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
            self._readable_attempt(s, actor, attempt_id, f"read the turns of attempt {attempt_id}")
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
            row = self._writable_attempt(s, actor, attempt_id, "complete")
            if row.status == "abandoned":
                raise StoreError(f"attempt {attempt_id} was abandoned; start a new one")
            tz = rollup.lock_bucket(s, row.team_id, row.user_id)
            old_week = row.week
            now = at or self.clock()
            s.execute(delete(SkillScoreRow).where(SkillScoreRow.attempt_id == attempt_id))
            s.execute(delete(ScorecardRow).where(ScorecardRow.attempt_id == attempt_id))
            s.flush()
            _add_scorecard(s, attempt_id, scorecard, now)
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
            return self._attempt(s, row, {sk.id: sk.score for sk in scorecard.due_skills})

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
        _check_mode(mode)
        with self.session() as s:
            actor = self._actor(s, actor)
            if actor.role != "admin":
                raise self._deny(
                    actor, f"import an attempt for {user.email}", "only an admin imports attempts"
                )
            owner = self._user_row(s, user.email)
            tz = rollup.lock_bucket(s, owner.team_id, owner.id)
            row = _new_attempt_row(
                owner.id, owner.team_id, scenario, mode, voice, grader or scorecard.grader,
                status="completed", outcome=scorecard.outcome, overall=scorecard.overall,
                started_at=started_at, updated_at=completed_at, completed_at=completed_at,
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
            _add_scorecard(s, row.id, scorecard, completed_at)
            rollup.stamp(row, tz)
            rollup.refresh(s, row.team_id, {row.week}, row.user_id)
            return self._attempt(s, row, {sk.id: sk.score for sk in scorecard.due_skills})

    def abandon_attempt(self, actor: User, attempt_id: int) -> Attempt:
        with self.session() as s:
            actor = self._actor(s, actor)
            row = self._writable_attempt(s, actor, attempt_id, "abandon")
            if row.status == "completed":
                raise StoreError(f"attempt {attempt_id} is already completed")
            row.status = "abandoned"
            row.updated_at = self.clock()
            return self._attempt(s, row)

    def scorecard(self, actor: User, attempt_id: int) -> Scorecard | None:
        with self.session() as s:
            actor = self._actor(s, actor)
            self._readable_attempt(s, actor, attempt_id, f"read the scorecard of attempt {attempt_id}")
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

