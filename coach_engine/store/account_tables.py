"""Tables for who may sign in and what people did: link tokens, sessions, the audit trail, model use.

Kept apart from the practice data (``schema``) because they answer other
questions, asked by ``store.signin``, ``store.accounts``, ``store.audit`` and
``store.usage``; the user row itself, with its argon2 password hash, lockout
counters and ``disabled_at`` (disabled, never deleted), stays in ``schema``.

* Link tokens (``account_tokens``) and sessions (``auth_sessions``) are stored
  as SHA-256 digests only, so a copy of the database signs no one in.
* ``audit_events`` records every manager and admin action with the values
  before and after, written in the transaction of the change itself.
* ``llm_calls`` counts model use per user for the hourly limit, across every
  app server sharing the database.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .declarative import Base

__all__ = ["AccountTokenRow", "AuditEventRow", "AuthSessionRow", "LlmCallRow"]


class AccountTokenRow(Base):
    """A one-time link token (invite or password reset): only its SHA-256 is stored (``store.accounts``)."""

    __tablename__ = "account_tokens"
    __table_args__ = (CheckConstraint("purpose in ('invite', 'reset')", name="ck_account_tokens_purpose"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(254))
    """The issuer's email (the command line's is ``store.SYSTEM``'s)."""
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class AuthSessionRow(Base):
    """A signed-in session: the browser holds the token, the database its SHA-256 and its limits."""

    __tablename__ = "auth_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    via: Mapped[str] = mapped_column(String(16))
    """``password``, ``oidc``, ``local`` or ``test``."""
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class AuditEventRow(Base):
    """One manager or admin action: who, when, what, and the values before and after (``store.audit``)."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_at", "at"),
        Index("ix_audit_events_team_at", "team_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(Integer)
    """The acting user's id; None for the command line (``store.SYSTEM``). No foreign key: kept as written."""
    actor_email: Mapped[str] = mapped_column(String(254))
    actor_role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(48))
    target_type: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(254))
    team_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")


class LlmCallRow(Base):
    """One turn or grading that used the model on a user's behalf (``store.usage``): the hourly limit
    counts these, per user, across every app server sharing the database."""

    __tablename__ = "llm_calls"
    __table_args__ = (Index("ix_llm_calls_user_at", "user_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(16))
    """``voice`` or ``judge``."""
    at: Mapped[datetime]
