"""What the People, Audit trail and My account pages read and write: accounts and the audit trail.

Like ``_records.py``, every call passes the signed-in member's ``User`` and
the engine decides what it may do (``store.accounts``: an admin manages
everyone, a manager the reps of their own team, a rep themself;
``store.audit``: admins only). Links are shown once, as full addresses built
from ``Settings.public_url``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app_pages._engine import settings, store
from coach_engine.identity import Member
from coach_engine.store import AccountStore, AuditLog
from coach_engine.store.credentials import AuthPolicy


def _accounts() -> AccountStore:
    return AccountStore(store(), AuthPolicy.from_settings(settings()))


def people(who: Member) -> list[Any]:
    """The accounts this member may see (``store.Account``), by name."""
    return list(_accounts().accounts(who.user))


def team_names(who: Member) -> list[str]:
    """Teams this member may invite into: every team for an admin, their own for a manager."""
    if who.is_admin:
        return sorted(_accounts().team_names())
    return [who.team] if who.team else []


def invite(who: Member, email: str, name: str, role: str, team: str | None) -> tuple[str, datetime]:
    """Invite someone: (the one-time link, when it expires)."""
    link = _accounts().invite(who.user, email, name, role, team)
    return link.url(settings().public_url), link.expires_at


def reset_link(who: Member, email: str) -> tuple[str, datetime]:
    link = _accounts().issue_reset(who.user, email)
    return link.url(settings().public_url), link.expires_at


def set_disabled(who: Member, email: str, disabled: bool) -> Any:
    return _accounts().set_disabled(who.user, email, disabled)


def set_role(who: Member, email: str, role: str) -> Any:
    return _accounts().set_role(who.user, email, role)


def set_team(who: Member, email: str, team: str | None) -> Any:
    return _accounts().set_team(who.user, email, team)


def change_password(who: Member, current: str, new: str, keep: str | None) -> None:
    """Change the member's own password; their other sessions end, ``keep`` (this one) stays."""
    _accounts().change_password(who.user, current, new, keep=keep)


def sign_out_everywhere(who: Member) -> int:
    return _accounts().end_sessions(who.user)


def audit_events(who: Member, *, action: str | None = None, since: datetime | None = None) -> list[Any]:
    """The audit trail, newest first (``store.AuditEvent``); admins only."""
    return list(AuditLog(store()).events(who.user, action=action, since=since, limit=5000))
