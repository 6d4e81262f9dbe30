"""Assignments: made once, edited, cancelled and moved to a newer version, each with its history."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple, TypedDict, Unpack

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit
from .authored import current_version, has_version
from .base import StoreBase, _fits, _jsonable
from .records import (
    SYSTEM,
    Assignment,
    AssignmentEvent,
    NotFound,
    StoreError,
    User,
)
from .schema import (
    AssignmentEventRow,
    AssignmentRow,
    TeamRow,
    UserRow,
)


class _Terms(NamedTuple):
    """What makes two assignments of one scenario to one assignee the same."""

    due: date
    pass_mark: int
    min_attempts: int


class AssignTo(TypedDict, total=False):
    """The assignee and terms ``create_assignment`` and ``assignments.assign`` pass on to
    ``ensure_assignment`` (whose defaults they take)."""

    user: str | None
    team: str | None
    pass_mark: int
    min_attempts: int


class AssignmentStore(StoreBase):
    """Assignments (``Store`` puts this together with the other parts)."""

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
        self, actor: User, scenario_id: str, due: date, **to: Unpack[AssignTo]
    ) -> Assignment:
        """Assign a scenario to a user (email) or a team (name); never twice (``ensure_assignment``)."""
        return self.ensure_assignment(actor, scenario_id, due, **to)[0]

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

    def _open_assignment_to_change(
        self, s: Session, actor: User, assignment_id: int
    ) -> tuple[AssignmentRow, str, int | None]:
        """``_assignment_row`` of an open assignment, once the actor is known to manage its team."""
        row, assignee, team_id = self._assignment_row(s, assignment_id)
        self._require_team_manager(actor, team_id, f"change assignment {assignment_id}")
        if row.status != "open":
            raise StoreError(f"assignment {assignment_id} was cancelled; assign the scenario again")
        return row, assignee, team_id

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
            row, assignee, team_id = self._open_assignment_to_change(s, actor, assignment_id)
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

    def move_assignment(
        self, actor: User, assignment_id: int, version: int | None = None, note: str = ""
    ) -> Assignment:
        """Move an open assignment to another version of its studio scenario (the latest by default)."""
        with self.session() as s:
            actor = self._actor(s, actor)
            row, assignee, team_id = self._open_assignment_to_change(s, actor, assignment_id)
            latest = current_version(s, row.scenario_id)
            if latest is None:
                raise StoreError(f"'{row.scenario_id}' is a shipped scenario: it has no versions to move to")
            target = latest if version is None else version
            if not has_version(s, row.scenario_id, target):
                raise NotFound(f"studio scenario '{row.scenario_id}' has no version {target}")
            if row.scenario_version != target:
                changes = {"scenario_version": [row.scenario_version, target]}
                row.scenario_version = target
                self._log_assignment(s, actor, row, team_id, "edited", changes, note)
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
