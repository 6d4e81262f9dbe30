"""The audit trail: every manager and admin action, with who, when, what, and before/after.

Why it is written here, inside the store, and not by the pages: an action and
its audit line go in *one transaction* (``record`` takes the open session), so
there is no change without its line and no line for a change that rolled back,
whether it came from the app, the command line or a script. The store methods
that change what a manager or an admin owns call ``record``: reviews and
overrides, assignments (created, edited, cancelled, moved), studio scenarios
(created, new version, restored, archived), users and teams (added, invited,
reset, disabled, role changed), and sign-in lockouts.

Values are kept as JSON, small and readable: scores, terms, a scenario's
version and content hash (its text is in ``scenario_versions``), never a
password or a link token. The acting user's email and role are copied in, so
the line still says who it was after the account changes.

Only admins read it (``AuditLog.events``); ``export_csv`` writes it as CSV
with formula cells neutralised (``csv_export``).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .records import SYSTEM, AuditEvent, User
from .schema import AuditEventRow, TeamRow

if TYPE_CHECKING:
    from .base import StoreBase

__all__ = ["AUDIT_COLUMNS", "AuditLog", "audit_rows", "export_csv", "record"]


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str)) if value is not None else None


def record(
    s: Session,
    actor: User,
    action: str,
    *,
    target_type: str,
    target: object,
    at: datetime,
    team_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> None:
    """Add one audit line in the caller's transaction (it commits or rolls back with the change)."""
    s.add(
        AuditEventRow(
            at=at,
            actor_id=None if actor == SYSTEM else actor.id,
            actor_email=actor.email,
            actor_role=actor.role,
            action=action,
            target_type=target_type,
            target=str(target)[:254],
            team_id=team_id,
            before=_plain(before),
            after=_plain(after),
            note=note,
        )
    )


class AuditLog:
    """Reading the trail (admins only). Reached as ``AuditLog(store)``."""

    def __init__(self, store: StoreBase):
        self.store = store

    def events(
        self,
        actor: User,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        action: str | None = None,
        team: str | None = None,
        limit: int | None = 1000,
    ) -> list[AuditEvent]:
        """Newest first. ``action`` matches a whole action or its prefix (``user.`` or ``user``)."""
        with self.store.session() as s:
            actor = self.store._actor(s, actor)
            if actor.role != "admin":
                raise self.store._deny(actor, "read the audit trail", "only admins read it")
            q = select(AuditEventRow, TeamRow.name).outerjoin(TeamRow, TeamRow.id == AuditEventRow.team_id)
            if since is not None:
                q = q.where(AuditEventRow.at >= since)
            if until is not None:
                q = q.where(AuditEventRow.at < until)
            if action:
                stem = action.rstrip(".")
                q = q.where((AuditEventRow.action == stem) | AuditEventRow.action.startswith(f"{stem}."))
            if team is not None:
                q = q.where(AuditEventRow.team_id == self.store._team_row(s, team).id)
            q = q.order_by(AuditEventRow.at.desc(), AuditEventRow.id.desc())
            if limit:
                q = q.limit(limit)
            return [
                AuditEvent(
                    e.id, e.at, e.actor_email, e.actor_role, e.action, e.target_type, e.target, team_name,
                    e.before, e.after, e.note,
                )
                for e, team_name in s.execute(q)
            ]


AUDIT_COLUMNS = ("When (UTC)", "Who", "Role", "Action", "Target", "Team", "Before", "After", "Note")


def _json(value: dict[str, object] | None) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def audit_rows(events: list[AuditEvent]) -> list[dict[str, object]]:
    """The trail as the app's table and the CSV show it, one row per event."""
    return [
        {
            "When (UTC)": f"{e.at:%Y-%m-%d %H:%M:%S}",
            "Who": e.actor,
            "Role": e.actor_role,
            "Action": e.action,
            "Target": f"{e.target_type} {e.target}",
            "Team": e.team or "",
            "Before": _json(e.before),
            "After": _json(e.after),
            "Note": e.note,
        }
        for e in events
    ]


def export_csv(events: list[AuditEvent]) -> str:
    """The trail as CSV text; a cell a spreadsheet would run as a formula is neutralised."""
    from ..csv_export import to_csv

    return to_csv(audit_rows(events), AUDIT_COLUMNS)
