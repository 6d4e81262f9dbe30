"""Studio scenarios in the store: saved as versions, archived not deleted, drafts kept per manager.

Issue 15 found that a studio save with an existing id replaced the team's
scenario, and its live assignments, in place. Here nothing a manager saved is
ever rewritten:

* ``create`` makes a *new* scenario only: an id held by a shipped scenario
  (``reserved``, the bank's files: the store does not read them) or by any
  studio scenario, archived ones included, is refused with a free id to use
  (``ScenarioIdTaken``); the table's unique id catches two creates at once.
* ``save_version`` and ``restore`` add a version (``scenario_versions``); the
  edit names the version it started from, so a save over someone else's newer
  version is refused (``VersionConflict``), not merged or lost.
* ``archive`` hides a scenario from new drills and assignments; its versions,
  attempts and titles stay.
* An assignment records the version it was made on (``current_version``,
  called by ``Store.ensure_assignment``); ``Store.move_assignment`` moves it to
  another version, in its history like any edit.
* ``save_draft`` keeps one manager's unsaved work, so leaving the studio (or
  losing the browser tab) loses nothing.

Scope, as elsewhere: anyone signed in reads studio scenarios (they are part of
every bank); managers and admins write them, a manager only their own team's.
Every create, version, restore and archive is in the audit trail (``store.audit``).
Reached as ``store.authored`` (``AuthoredStore(store)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import Scenario
from . import audit
from .records import (
    SYSTEM,
    AuthoredScenario,
    NotFound,
    ScenarioDraft,
    ScenarioIdTaken,
    ScenarioVersion,
    StoreError,
    User,
    VersionConflict,
)
from .schema import AuthoredScenarioRow, ScenarioDraftRow, ScenarioVersionRow, UserRow

if TYPE_CHECKING:
    from .base import StoreBase

__all__ = ["AuthoredStore", "current_version", "has_version", "suggest_free_id"]

MAX_ID_CHARS = 80
MAX_YAML_CHARS = 60_000
"""The longest scenario text stored: every field at its own limit fits well inside it (a bank scenario is
3-6k characters); the studio refuses a longer paste before parsing it (``studio.check``)."""


def _check_size(yaml_text: str) -> None:
    if len(yaml_text) > MAX_YAML_CHARS:
        raise StoreError(f"the scenario text is {len(yaml_text):,} characters; "
                         f"the limit is {MAX_YAML_CHARS:,}")
"""``models.Slug``'s limit: a suggested id must load too."""


def suggest_free_id(wanted: str, taken: set[str] | Mapping[str, object]) -> str:
    """``wanted`` with the first free ``-2``, ``-3`` … suffix (an existing suffix is counted on from)."""
    head, dash, count = wanted.rpartition("-")
    numbered = bool(dash and head and count.isascii() and count.isdigit())
    stem, n = (head, int(count) + 1) if numbered else (wanted, 2)
    while True:
        tail = f"-{n}"
        candidate = stem[: MAX_ID_CHARS - len(tail)].rstrip("-") + tail
        if candidate not in taken:
            return candidate
        n += 1


def current_version(s: Session, scenario_id: str) -> int | None:
    """The latest version of a studio scenario, or None when ``scenario_id`` is not one (a shipped file)."""
    return s.scalar(select(AuthoredScenarioRow.version).where(AuthoredScenarioRow.scenario_id == scenario_id))


def has_version(s: Session, scenario_id: str, version: int) -> bool:
    """Whether the studio scenario was ever saved as ``version``."""
    found = s.scalar(select(func.count()).where(
        ScenarioVersionRow.scenario_id == scenario_id, ScenarioVersionRow.version == version))
    return bool(found)


class AuthoredStore:
    """Studio scenarios, their versions and drafts, with the store's scope rules."""

    def __init__(self, store: StoreBase):
        self.store = store

    # --- helpers -------------------------------------------------------------------

    def _writer(self, s: Session, actor: User, what: str) -> tuple[User, int]:
        """The acting manager or admin and the user id to record as author (the CLI's SYSTEM: a real one)."""
        actor = self.store._actor(s, actor)
        if actor.role not in ("manager", "admin"):
            raise self.store._deny(actor, what, "only managers and admins author scenarios")
        author_id = actor.id if actor != SYSTEM else self.store._system_creator(s, None)
        return actor, author_id

    def _row(self, s: Session, scenario_id: str, *, lock: bool = False) -> AuthoredScenarioRow:
        q = select(AuthoredScenarioRow).where(AuthoredScenarioRow.scenario_id == scenario_id)
        row = s.scalar(q.with_for_update() if lock else q)
        if row is None:
            raise NotFound(f"no studio scenario with id '{scenario_id}'")
        return row

    def _own(self, actor: User, row: AuthoredScenarioRow, what: str) -> None:
        if actor.role != "admin" and row.team_id != actor.team_id:
            why = "it belongs to another team"
            raise self.store._deny(actor, f"{what} scenario '{row.scenario_id}'", why)

    @staticmethod
    def _email(s: Session, user_id: int) -> str:
        return s.scalar(select(UserRow.email).where(UserRow.id == user_id)) or "?"

    def _snapshot(self, s: Session, row: AuthoredScenarioRow) -> AuthoredScenario:
        return AuthoredScenario(
            row.scenario_id,
            row.yaml_text,
            row.content_hash,
            self._email(s, row.author_id),
            row.updated_at,
            row.version,
            row.archived_at is not None,
            row.team_id,
        )

    def _add_version(
        self, s: Session, row: AuthoredScenarioRow, text: str, content_hash: str, author_id: int, note: str
    ) -> None:
        now = self.store.clock()
        row.version = (row.version or 0) + 1
        row.yaml_text, row.content_hash, row.updated_at = text, content_hash, now
        s.add(
            ScenarioVersionRow(
                scenario_id=row.scenario_id,
                version=row.version,
                yaml_text=text,
                content_hash=content_hash,
                author_id=author_id,
                note=note,
                created_at=now,
            )
        )

    def _audit(
        self, s: Session, actor: User, verb: str, row: AuthoredScenarioRow, before: dict[str, object] | None,
        note: str = "",
    ) -> None:
        """The audit line of a studio change: the version and content hash before and after."""
        audit.record(s, actor, f"scenario.{verb}", target_type="scenario", target=row.scenario_id,
                     at=self.store.clock(), team_id=row.team_id, before=before, after=self._state(row),
                     note=note)

    @staticmethod
    def _state(row: AuthoredScenarioRow) -> dict[str, object]:
        return {"version": row.version, "content_hash": row.content_hash,
                "archived": row.archived_at is not None}

    @staticmethod
    def _version(v: ScenarioVersionRow, email: str) -> ScenarioVersion:
        return ScenarioVersion(
            v.scenario_id, v.version, v.yaml_text, v.content_hash, email, v.note, v.created_at
        )

    # --- reading ---------------------------------------------------------------------

    def scenarios(self, actor: User) -> list[AuthoredScenario]:
        """Every studio scenario, archived ones too (they join everyone's bank; pickers leave them out)."""
        with self.store.session() as s:
            self.store._actor(s, actor)
            rows = s.scalars(select(AuthoredScenarioRow).order_by(AuthoredScenarioRow.scenario_id)).all()
            return [self._snapshot(s, r) for r in rows]

    def get(self, actor: User, scenario_id: str) -> AuthoredScenario:
        with self.store.session() as s:
            self.store._actor(s, actor)
            return self._snapshot(s, self._row(s, scenario_id))

    def versions(self, actor: User, scenario_id: str) -> list[ScenarioVersion]:
        """Every version of a studio scenario, newest first."""
        with self.store.session() as s:
            self.store._actor(s, actor)
            self._row(s, scenario_id)
            q = (
                select(ScenarioVersionRow, UserRow.email)
                .join(UserRow, UserRow.id == ScenarioVersionRow.author_id)
                .where(ScenarioVersionRow.scenario_id == scenario_id)
                .order_by(ScenarioVersionRow.version.desc())
            )
            return [self._version(v, email) for v, email in s.execute(q)]

    def version(
        self, actor: User, scenario_id: str, version: int | None = None, *, content_hash: str | None = None
    ) -> ScenarioVersion:
        """One version, by number or by the content hash an attempt recorded (the latest one with it)."""
        with self.store.session() as s:
            self.store._actor(s, actor)
            q = (
                select(ScenarioVersionRow, UserRow.email)
                .join(UserRow, UserRow.id == ScenarioVersionRow.author_id)
                .where(ScenarioVersionRow.scenario_id == scenario_id)
            )
            if version is not None:
                q = q.where(ScenarioVersionRow.version == version)
            if content_hash is not None:
                q = q.where(ScenarioVersionRow.content_hash == content_hash)
            found = s.execute(q.order_by(ScenarioVersionRow.version.desc()).limit(1)).first()
            if found is None:
                which = f"version {version}" if version is not None else f"a version with hash {content_hash}"
                raise NotFound(f"studio scenario '{scenario_id}' has no {which}")
            return self._version(found[0], found[1])

    # --- writing ---------------------------------------------------------------------

    def create(
        self, actor: User, scenario: Scenario, yaml_text: str, *, reserved: Mapping[str, str] | None = None
    ) -> AuthoredScenario:
        """Save a new studio scenario as its version 1; a taken id is refused with a free one.

        ``reserved`` maps the ids of shipped scenarios to what holds them (a file); the store cannot
        read the bank's folders, so the caller passes them (``studio.save``).
        """
        reserved = reserved or {}
        _check_size(yaml_text)
        with self.store.session() as s:
            actor, author_id = self._writer(s, actor, f"save scenario '{scenario.id}'")
            studio_ids = set(s.scalars(select(AuthoredScenarioRow.scenario_id)))
            taken = studio_ids | set(reserved)
            if scenario.id in taken:
                holder = (
                    f"by the shipped scenario {reserved[scenario.id]}"
                    if scenario.id in reserved
                    else "by a studio scenario"
                )
                raise ScenarioIdTaken(scenario.id, holder, suggest_free_id(scenario.id, taken))
            now = self.store.clock()
            row = AuthoredScenarioRow(
                scenario_id=scenario.id,
                author_id=author_id,
                team_id=actor.team_id,
                created_at=now,
                version=0,
            )
            s.add(row)
            self._add_version(s, row, yaml_text, scenario.content_hash(), author_id, "")
            try:
                s.flush()
            except IntegrityError:  # created by someone else a moment ago
                free = suggest_free_id(scenario.id, taken)
                raise ScenarioIdTaken(scenario.id, "by a studio scenario saved a moment ago", free) from None
            self._audit(s, actor, "create", row, None)
            return self._snapshot(s, row)

    def save_version(
        self, actor: User, scenario: Scenario, yaml_text: str, *, base_version: int | None
    ) -> tuple[AuthoredScenario, bool]:
        """Save an edit of a studio scenario as its next version: (scenario now, whether a version was added).

        ``base_version`` is the version the edit started from; if someone saved a newer one since, the
        save is refused (``VersionConflict``). Text with the same content as the latest adds nothing.
        """
        _check_size(yaml_text)
        with self.store.session() as s:
            actor, author_id = self._writer(s, actor, f"save scenario '{scenario.id}'")
            row = self._row(s, scenario.id, lock=True)
            self._own(actor, row, "change")
            if base_version is not None and base_version != row.version:
                raise VersionConflict(scenario.id, base_version, row.version, self._latest_author(s, row))
            if scenario.content_hash() == row.content_hash and yaml_text == row.yaml_text:
                return self._snapshot(s, row), False
            before = self._state(row)
            self._add_version(s, row, yaml_text, scenario.content_hash(), author_id, "")
            s.flush()
            self._audit(s, actor, "edit", row, before)
            return self._snapshot(s, row), True

    def _latest_author(self, s: Session, row: AuthoredScenarioRow) -> str:
        q = (
            select(UserRow.email)
            .join(ScenarioVersionRow, ScenarioVersionRow.author_id == UserRow.id)
            .where(
                ScenarioVersionRow.scenario_id == row.scenario_id, ScenarioVersionRow.version == row.version
            )
        )
        return s.scalar(q) or "someone"

    def save(self, actor: User, scenario: Scenario, yaml_text: str) -> AuthoredScenario:
        """A new studio scenario, or the next version of one the actor's team owns (never a rewrite)."""
        with self.store.session() as s:
            exists = s.scalar(
                select(func.count()).where(AuthoredScenarioRow.scenario_id == scenario.id)
            )
        if not exists:
            return self.create(actor, scenario, yaml_text)
        return self.save_version(actor, scenario, yaml_text, base_version=None)[0]

    def restore(
        self, actor: User, scenario_id: str, version: int, *, base_version: int | None = None
    ) -> AuthoredScenario:
        """Make an old version the latest again, as a new version ("restored from version N")."""
        with self.store.session() as s:
            actor, author_id = self._writer(s, actor, f"restore scenario '{scenario_id}'")
            row = self._row(s, scenario_id, lock=True)
            self._own(actor, row, "restore")
            if base_version is not None and base_version != row.version:
                raise VersionConflict(scenario_id, base_version, row.version, self._latest_author(s, row))
            old = s.scalar(
                select(ScenarioVersionRow).where(
                    ScenarioVersionRow.scenario_id == scenario_id, ScenarioVersionRow.version == version
                )
            )
            if old is None:
                raise NotFound(f"studio scenario '{scenario_id}' has no version {version}")
            if version == row.version:
                raise StoreError(f"version {version} of '{scenario_id}' is already the latest")
            note = f"restored from version {version}"
            before = self._state(row)
            self._add_version(s, row, old.yaml_text, old.content_hash, author_id, note)
            s.flush()
            self._audit(s, actor, "restore", row, before, note)
            return self._snapshot(s, row)

    def _set_archived(self, actor: User, scenario_id: str, archived: bool) -> AuthoredScenario:
        verb = "archive" if archived else "unarchive"
        with self.store.session() as s:
            actor, _ = self._writer(s, actor, f"{verb} scenario '{scenario_id}'")
            row = self._row(s, scenario_id, lock=True)
            self._own(actor, row, verb)
            if (row.archived_at is not None) == archived:
                raise StoreError(f"'{scenario_id}' is already {'archived' if archived else 'in use'}")
            before = self._state(row)
            row.archived_at = self.store.clock() if archived else None
            s.flush()
            self._audit(s, actor, verb, row, before)
            return self._snapshot(s, row)

    def archive(self, actor: User, scenario_id: str) -> AuthoredScenario:
        """Take a studio scenario out of the pickers for new drills and assignments (kept, with history)."""
        return self._set_archived(actor, scenario_id, True)

    def unarchive(self, actor: User, scenario_id: str) -> AuthoredScenario:
        return self._set_archived(actor, scenario_id, False)

    # --- drafts -----------------------------------------------------------------------

    def draft(self, actor: User) -> ScenarioDraft | None:
        """The acting manager's unsaved studio work, if any."""
        with self.store.session() as s:
            actor = self.store._actor(s, actor)
            row = s.get(ScenarioDraftRow, actor.id)
            if row is None:
                return None
            return ScenarioDraft(row.yaml_text, row.base_text, row.base_id, row.base_version, row.updated_at)

    def save_draft(
        self,
        actor: User,
        yaml_text: str,
        *,
        base_text: str,
        base_id: str | None = None,
        base_version: int | None = None,
    ) -> ScenarioDraft:
        """Keep (or replace) the acting manager's one draft."""
        with self.store.session() as s:
            actor, _ = self._writer(s, actor, "keep a studio draft")
            if actor == SYSTEM:
                raise StoreError("drafts belong to a signed-in manager, not the command line")
            row = s.get(ScenarioDraftRow, actor.id)
            if row is None:
                row = ScenarioDraftRow(user_id=actor.id)
                s.add(row)
            row.yaml_text, row.base_text = yaml_text, base_text
            row.base_id, row.base_version, row.updated_at = base_id, base_version, self.store.clock()
            s.flush()
            return ScenarioDraft(yaml_text, base_text, base_id, base_version, row.updated_at)

    def discard_draft(self, actor: User) -> None:
        with self.store.session() as s:
            actor = self.store._actor(s, actor)
            row = s.get(ScenarioDraftRow, actor.id)
            if row is not None:
                s.delete(row)
