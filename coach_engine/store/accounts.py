"""Accounts in the store: who manages whose account, and how, with scope and the audit trail.

The rules live in ``credentials`` (hashing, policy, tokens); this
module applies them to the rows, in one transaction each. ``AccountStore``
builds on ``signin.SignInStore``, the side that answers a browser before
anyone is known (redeeming links, signing in, sessions and lockout):

* **Who manages whom.** An admin manages every account and team. A manager
  invites reps to their own team and disables or re-enables them; nothing
  else (they don't change roles, issue resets, or touch another team). A rep
  changes their own password and ends their own sessions. ``SYSTEM`` (the
  command line) is an admin. Nobody disables or demotes themself.
* **Links.** ``invite`` and ``issue_reset`` return an ``IssuedLink`` whose token
  is shown once; the database keeps its SHA-256, the purpose, the issuer and
  an expiry. A new link of the same purpose replaces the older ones
  (``SignInStore.redeem`` uses one).
* **Own account.** A signed-in person changes their own password (every other
  session ends) and signs out everywhere.

Reached as ``AccountStore(store, policy)``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .credentials import (
    LOCAL_EMAIL,
    check_password,
    hash_password,
    new_token,
    token_digest,
    verify_password,
)
from .records import (
    SYSTEM,
    Account,
    IssuedLink,
    SignInFailed,
    StoreError,
    User,
)
from .schema import ROLES, AccountTokenRow, AuthSessionRow, TeamRow, UserRow
from .signin import SessionInfo, SignInStore

__all__ = ["AccountStore", "SessionInfo"]

Purpose = Literal["invite", "reset"]


class AccountStore(SignInStore):
    """Accounts, links and sessions over a ``Store`` (its sessions, clock and scope helpers).

    ``AccountStore(store, policy)``; signing in and sessions come from ``SignInStore``.
    """

    # --- helpers -------------------------------------------------------------------------

    def _may_manage(self, actor: User, target: UserRow, action: str) -> None:
        """Admins manage anyone; a manager the reps of their own team; nobody else anyone."""
        if actor.role == "admin":
            return
        if actor.role == "manager" and actor.team_id is not None:
            if target.team_id == actor.team_id and target.role == "rep":
                return
            why = "managers manage only the reps of their own team"
        else:
            why = "only managers and admins manage accounts"
        raise self.store._deny(actor, f"{action} {target.email}", why)

    def _live_link(self, s: Session, user_id: int, purpose: Purpose, now: datetime) -> AccountTokenRow | None:
        return s.scalar(
            select(AccountTokenRow).where(
                AccountTokenRow.user_id == user_id, AccountTokenRow.purpose == purpose,
                AccountTokenRow.used_at.is_(None), AccountTokenRow.expires_at > now,
            ).limit(1)
        )

    def _issue(self, s: Session, actor: User, row: UserRow, purpose: Purpose) -> IssuedLink:
        now = self.store.clock()
        s.execute(  # a new link replaces the older ones of its kind
            update(AccountTokenRow)
            .where(AccountTokenRow.user_id == row.id, AccountTokenRow.purpose == purpose,
                   AccountTokenRow.used_at.is_(None))
            .values(used_at=now)
        )
        token = new_token()
        ttl = self.policy.invite_ttl if purpose == "invite" else self.policy.reset_ttl
        s.add(AccountTokenRow(token_hash=token_digest(token), user_id=row.id, purpose=purpose,
                              created_by=actor.email, created_at=now, expires_at=now + ttl))
        self._audit(s, actor, f"user.{purpose}", row, None, {"link_expires_at": (now + ttl).isoformat()})
        return IssuedLink(token, purpose, self.store._user(s, row), now + ttl)

    def _account(self, s: Session, row: UserRow, now: datetime) -> Account:
        user = self.store._user(s, row)
        status: Literal["active", "invited", "no_password", "locked", "disabled"]
        if row.disabled_at is not None:
            status = "disabled"
        elif row.locked_until is not None and row.locked_until > now:
            status = "locked"
        elif row.password_hash or row.oidc_subject:
            status = "active"
        elif self._live_link(s, row.id, "invite", now) is not None:
            status = "invited"
        else:
            status = "no_password"
        with_ = "oidc" if row.oidc_subject else ("password" if row.password_hash else "")
        return Account(user, status, row.last_login_at, row.locked_until, with_)

    # --- reading -----------------------------------------------------------------------------

    def has_accounts(self) -> bool:
        """Whether any account exists besides local mode's one person (no scope: decides the mode)."""
        with self.store.session() as s:
            q = select(func.count()).select_from(UserRow).where(UserRow.email != LOCAL_EMAIL)
            return bool(s.scalar(q))

    def team_names(self) -> set[str]:
        """Every team's name (no scope: decides whether the demo's sign-in hint shows)."""
        with self.store.session() as s:
            return set(s.scalars(select(TeamRow.name)))

    def accounts(self, actor: User, team: str | None = None) -> list[Account]:
        """The accounts ``actor`` may see (``Store.list_users``' scope), with whether each can sign in."""
        users = self.store.list_users(actor, team)
        with self.store.session() as s:
            now = self.store.clock()
            rows = {r.id: r for r in s.scalars(select(UserRow).where(UserRow.id.in_([u.id for u in users])))}
            return [self._account(s, rows[u.id], now) for u in users if u.id in rows]

    # --- managing accounts (audited) -----------------------------------------------------------

    def invite(
        self, actor: User, email: str, name: str = "", role: str = "rep", team: str | None = None
    ) -> IssuedLink:
        """A one-time invite link for a new account (created here) or one that has no password yet.

        A manager invites reps to their own team (``team`` defaults to it); an admin anyone anywhere
        (a new team is created).
        """
        email = email.strip().lower()
        with self.store.session() as s:
            actor = self.store._actor(s, actor)
            exists = s.scalar(select(UserRow.id).where(UserRow.email == email)) is not None
        if not exists:
            if team is None and actor.role == "manager":
                team = actor.team
            self.store.add_user(actor, email, name or email.split("@", 1)[0], role, team)
        with self.store.session() as s:
            actor = self.store._actor(s, actor)
            row = self._row(s, email, lock=True)
            self._may_manage(actor, row, "invite")
            if row.disabled_at is not None:
                raise StoreError(f"{email} is disabled; enable the account before inviting them")
            if row.password_hash or row.oidc_subject:
                raise StoreError(f"{email} already has an account that signs in; send a reset link instead")
            return self._issue(s, actor, row, "invite")

    def issue_reset(self, actor: User, email: str) -> IssuedLink:
        """A one-time password-reset link (admins and the command line only)."""
        with self.store.session() as s:
            actor = self.store._actor(s, actor)
            row = self._row(s, email, lock=True)
            if actor.role != "admin":
                raise self.store._deny(actor, f"issue a reset link for {row.email}", "only admins issue them")
            if row.disabled_at is not None:
                raise StoreError(f"{row.email} is disabled; enable the account first")
            return self._issue(s, actor, row, "reset")

    def set_password(self, actor: User, email: str, password: str, note: str = "") -> None:
        """Set a password directly (admins and the command line: ``users add --set-password``, the demo)."""
        with self.store.session() as s:
            actor = self.store._actor(s, actor)
            row = self._row(s, email, lock=True)
            if actor.role != "admin":
                raise self.store._deny(actor, f"set the password of {row.email}", "only admins set passwords")
            check_password(password, row.email)
            now = self.store.clock()
            row.password_hash = hash_password(password)
            row.failed_logins, row.locked_until = 0, None
            self._revoke_sessions(s, row.id, now)
            self._audit(s, actor, "user.password_set", row, None, None, note)

    def change_password(self, actor: User, current: str, new: str, *, keep: str | None = None) -> None:
        """A signed-in person changes their own password (the current one first); every session of the
        account ends but ``keep`` (the session token of the page that asked)."""
        with self.store.session() as s:
            actor = self.store._actor(s, actor)
            if actor == SYSTEM:
                raise StoreError("the command line has no password; use `scrimmage users reset`")
            row = s.get(UserRow, actor.id)
            assert row is not None
            if not verify_password(row.password_hash, current):
                raise SignInFailed("your current password is not right")
            check_password(new, row.email)
            row.password_hash = hash_password(new)
            s.execute(
                update(AuthSessionRow)
                .where(AuthSessionRow.user_id == row.id, AuthSessionRow.revoked_at.is_(None),
                       AuthSessionRow.token_hash != token_digest(keep or ""))
                .values(revoked_at=self.store.clock())
            )
            self._audit(s, actor, "user.password_change", row, None, None)

    def set_disabled(self, actor: User, email: str, disabled: bool, note: str = "") -> Account:
        """Disable (no sign-in, every session ended, every store call refused) or re-enable an account."""
        with self.store.session() as s:
            actor = self.store._actor(s, actor)
            row = self._row(s, email, lock=True)
            verb = "disable" if disabled else "enable"
            self._may_manage(actor, row, verb)
            if row.id == actor.id:
                raise self.store._deny(actor, f"{verb} their own account", "ask another admin")
            now = self.store.clock()
            was = row.disabled_at is not None
            if was != disabled:
                row.disabled_at = now if disabled else None
                row.failed_logins, row.locked_until = 0, None
                if disabled:
                    self._revoke_sessions(s, row.id, now)
                self._audit(s, actor, f"user.{verb}", row, {"disabled": was}, {"disabled": disabled}, note)
            return self._account(s, row, now)

    def set_role(self, actor: User, email: str, role: str) -> Account:
        """Change an account's role (admins only; not their own)."""
        if role not in ROLES:
            raise StoreError(f"unknown role '{role}'; choose rep, manager or admin")
        with self.store.session() as s:
            actor = self.store._actor(s, actor)
            row = self._row(s, email, lock=True)
            if actor.role != "admin":
                raise self.store._deny(actor, f"change the role of {row.email}", "only admins change roles")
            if row.id == actor.id:
                raise self.store._deny(actor, "change their own role", "ask another admin")
            if row.role != role:
                self._audit(s, actor, "user.role", row, {"role": row.role}, {"role": role})
                row.role = role
            return self._account(s, row, self.store.clock())

    def set_team(self, actor: User, email: str, team: str | None) -> Account:
        """Move an account to another team, created if new (admins only); None: no team."""
        team_id = self.store.ensure_team(actor, team).id if team else None
        with self.store.session() as s:
            actor = self.store._actor(s, actor)
            row = self._row(s, email, lock=True)
            if actor.role != "admin":
                raise self.store._deny(actor, f"move {row.email} to another team", "only admins move people")
            if row.team_id != team_id:
                before = s.get(TeamRow, row.team_id) if row.team_id is not None else None
                self._audit(s, actor, "user.team", row, {"team": before.name if before else None},
                            {"team": team})
                row.team_id = team_id
                s.flush()
            return self._account(s, row, self.store.clock())

    def end_sessions(self, actor: User, email: str | None = None) -> int:
        """End every session of an account (default: the actor's own): "sign out everywhere"."""
        with self.store.session() as s:
            actor = self.store._actor(s, actor)
            row = s.get(UserRow, actor.id) if email is None else self._row(s, email)
            if row is None:
                raise StoreError("name an account")
            if row.id != actor.id:
                self._may_manage(actor, row, "sign out")
            ended = self._revoke_sessions(s, row.id, self.store.clock())
            if row.id != actor.id:
                self._audit(s, actor, "user.sign_out", row, None, {"sessions_ended": ended})
            return ended

