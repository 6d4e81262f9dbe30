"""Accounts in the store: passwords, links, sessions and lockout, with scope and the audit trail.

The rules live in ``coach_engine.accounts`` (hashing, policy, tokens); this
module applies them to the rows, in one transaction each:

* **Who manages whom.** An admin manages every account and team. A manager
  invites reps to their own team and disables or re-enables them; nothing
  else (they don't change roles, issue resets, or touch another team). A rep
  changes their own password and ends their own sessions. ``SYSTEM`` (the
  command line) is an admin. Nobody disables or demotes themself.
* **Links.** ``invite`` and ``issue_reset`` return an ``IssuedLink`` whose token
  is shown once; the database keeps its SHA-256, the purpose, the issuer and
  an expiry. A new link of the same purpose replaces the older ones.
  ``redeem`` sets the password once, ends every session of the account and
  starts a new one.
* **Sign-in.** ``sign_in`` answers an unknown email, a missing password and a
  wrong one alike (same message, same argon2 work); wrong passwords in a row
  lock the account (``AccountLocked``) and the lock is audited. A disabled
  account is told so only after the right password.
* **Sessions.** ``session_user`` is the only way from a browser's token to a
  ``User``: it ends sessions that are revoked, idle too long, past their
  lifetime, or whose account is disabled.

Reached as ``AccountStore(store, policy)``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..accounts import (
    LOCAL_EMAIL,
    LOCAL_NAME,
    LOCAL_TEAM,
    AuthPolicy,
    OidcIdentity,
    check_password,
    hash_password,
    needs_rehash,
    new_token,
    token_digest,
    verify_password,
)
from . import audit
from .records import (
    SYSTEM,
    Account,
    AccountLocked,
    IssuedLink,
    LinkInfo,
    LinkInvalid,
    NotFound,
    SignInFailed,
    StoreError,
    User,
)
from .schema import ROLES, AccountTokenRow, AuthSessionRow, TeamRow, UserRow

if TYPE_CHECKING:
    from .store import Store

__all__ = ["AccountStore", "SessionInfo"]

WRONG = "that email and password don't match an account; check both, or ask your manager for a reset link"
Purpose = Literal["invite", "reset"]


@dataclass(frozen=True)
class SessionInfo:
    """A live session: its user and how it was started."""

    user: User
    via: str
    expires_at: datetime


def _minutes_left(until: datetime, now: datetime) -> int:
    return max(1, int((until - now).total_seconds() + 59) // 60)


class AccountStore:
    """Accounts, links and sessions over a ``Store`` (its sessions, clock and scope helpers)."""

    def __init__(self, store: Store, policy: AuthPolicy | None = None):
        self.store = store
        self.policy = policy or AuthPolicy()

    # --- helpers -------------------------------------------------------------------------

    def _row(self, s: Session, email: str, *, lock: bool = False) -> UserRow:
        q = select(UserRow).where(UserRow.email == email.strip().lower())
        row = s.scalar(q.with_for_update() if lock else q)
        if row is None:
            raise NotFound(f"no user with email '{email}'")
        return row

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

    def _audit(
        self, s: Session, actor: User, action: str, row: UserRow, before: dict[str, object] | None,
        after: dict[str, object] | None, note: str = "",
    ) -> None:
        audit.record(s, actor, action, target_type="user", target=row.email, at=self.store.clock(),
                     team_id=row.team_id, before=before, after=after, note=note)

    def _revoke_sessions(self, s: Session, user_id: int, now: datetime) -> int:
        result = s.execute(
            update(AuthSessionRow)
            .where(AuthSessionRow.user_id == user_id, AuthSessionRow.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def _new_session(self, s: Session, user_id: int, via: str, now: datetime) -> str:
        token = new_token()
        s.add(
            AuthSessionRow(
                token_hash=token_digest(token), user_id=user_id, via=via, created_at=now, last_seen_at=now,
                expires_at=now + self.policy.session_max,
            )
        )
        return token

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

    # --- links ------------------------------------------------------------------------------------

    def _link(self, s: Session, token: str, now: datetime, *, lock: bool = False) -> AccountTokenRow:
        q = select(AccountTokenRow).where(AccountTokenRow.token_hash == token_digest(token.strip()))
        link = s.scalar(q.with_for_update() if lock else q)
        if link is None:
            raise LinkInvalid("this link is not valid; ask for a new one")
        if link.used_at is not None:
            raise LinkInvalid("this link was already used (or replaced by a newer one); ask for a new one")
        if link.expires_at <= now:
            raise LinkInvalid("this link has expired; ask for a new one")
        return link

    def link_info(self, token: str) -> LinkInfo:
        """Whose password a valid link sets (raises ``LinkInvalid``)."""
        with self.store.session() as s:
            now = self.store.clock()
            link = self._link(s, token, now)
            row = s.get(UserRow, link.user_id)
            if row is None or row.disabled_at is not None:
                raise LinkInvalid("this account is disabled; ask your manager")
            return LinkInfo(link.purpose, row.email, row.name, link.expires_at)  # type: ignore[arg-type]

    def redeem(self, token: str, password: str) -> str:
        """Use a link once: set the password and end the account's sessions; returns a new session token."""
        with self.store.session() as s:
            now = self.store.clock()
            link = self._link(s, token, now, lock=True)
            row = s.get(UserRow, link.user_id)
            if row is None or row.disabled_at is not None:
                raise LinkInvalid("this account is disabled; ask your manager")
            check_password(password, row.email)
            link.used_at = now
            row.password_hash = hash_password(password)
            row.failed_logins, row.locked_until, row.last_login_at = 0, None, now
            self._revoke_sessions(s, row.id, now)
            me = self.store._user(s, row)
            self._audit(s, me, "user.password_set", row, None, None, f"by {link.purpose} link")
            return self._new_session(s, row.id, "password", now)

    # --- signing in ------------------------------------------------------------------------------

    def sign_in(self, email: str, password: str) -> str:
        """Check a password; returns a session token. Raises ``SignInFailed`` or ``AccountLocked``."""
        problem: Exception | None = None
        token = ""
        with self.store.session() as s:
            now = self.store.clock()
            row = s.scalar(select(UserRow).where(UserRow.email == email.strip().lower()).with_for_update())
            if row is None or not row.password_hash:
                verify_password(None, password)  # the same work as a wrong password
                raise SignInFailed(WRONG)
            if row.locked_until is not None and row.locked_until > now:
                raise AccountLocked(row.locked_until, _minutes_left(row.locked_until, now))
            if not verify_password(row.password_hash, password):
                row.failed_logins = (row.failed_logins or 0) + 1
                problem = SignInFailed(WRONG)
                if row.failed_logins >= self.policy.lockout_failures:
                    row.locked_until = now + self.policy.lockout
                    audit.record(s, SYSTEM, "user.lock", target_type="user", target=row.email, at=now,
                                 team_id=row.team_id, after={"locked_until": row.locked_until.isoformat()},
                                 note=f"after {row.failed_logins} wrong passwords in a row")
                    row.failed_logins = 0
                    problem = AccountLocked(row.locked_until, _minutes_left(row.locked_until, now))
            elif row.disabled_at is not None:
                problem = SignInFailed("this account is disabled; ask your manager or an admin")
            else:
                if needs_rehash(row.password_hash):
                    row.password_hash = hash_password(password)
                row.failed_logins, row.locked_until, row.last_login_at = 0, None, now
                token = self._new_session(s, row.id, "password", now)
        if problem is not None:  # raised after the commit, so the failure count and the lock are kept
            raise problem
        return token

    def oidc_sign_in(self, identity: OidcIdentity) -> str:
        """Sign in a provider-verified identity (``accounts.oidc_identity``); returns a session token.

        Only an email with an account gets in: one an admin added, or one with a live invite. The first
        sign-in links the account to the provider identity (``iss|sub``); another identity with the same
        email is refused afterwards.
        """
        with self.store.session() as s:
            now = self.store.clock()
            row = s.scalar(select(UserRow).where(UserRow.email == identity.email).with_for_update())
            if row is None:
                raise SignInFailed(f"{identity.email} has not been invited to Scrimmage; ask your manager")
            if row.disabled_at is not None:
                raise SignInFailed("this account is disabled; ask your manager or an admin")
            if row.oidc_subject is not None and row.oidc_subject != identity.subject:
                raise SignInFailed(
                    f"{identity.email} is linked to another sign-in identity; ask an admin to check it"
                )
            if row.oidc_subject is None:
                invites = s.scalars(
                    select(AccountTokenRow).where(
                        AccountTokenRow.user_id == row.id, AccountTokenRow.purpose == "invite"
                    )
                ).all()
                live = [t for t in invites if t.used_at is None and t.expires_at > now]
                if invites and not live and row.last_login_at is None:
                    raise SignInFailed("your invitation has expired; ask your manager for a new one")
                for t in live:
                    t.used_at = now
                row.oidc_subject = identity.subject
                me = self.store._user(s, row)
                self._audit(s, me, "user.oidc_link", row, None, {"subject": identity.subject})
            row.last_login_at = now
            return self._new_session(s, row.id, "oidc", now)

    def local_sign_in(self) -> str:
        """Local mode's one person (``LOCAL_EMAIL``, created on first use): a session with no sign-in."""
        try:
            self.store.login(LOCAL_EMAIL)
        except NotFound:
            with contextlib.suppress(StoreError):  # another session created it a moment ago
                self.store.add_user(SYSTEM, LOCAL_EMAIL, LOCAL_NAME, "rep", LOCAL_TEAM)
        return self.start_session(LOCAL_EMAIL, via="local")

    def start_session(self, email: str, *, via: str) -> str:
        """A session for an account without a credential check: local mode, and tests that sign in
        directly (only code holding the database can call it; no address or setting reaches it)."""
        with self.store.session() as s:
            row = self._row(s, email)
            if row.disabled_at is not None:
                raise SignInFailed("this account is disabled")
            return self._new_session(s, row.id, via, self.store.clock())

    # --- sessions ------------------------------------------------------------------------------------

    def session(self, token: str | None) -> SessionInfo | None:
        """The live session behind a browser's token, or None (unknown, signed out, idle, too old,
        or its account disabled). Notes the use at most once a minute."""
        if not token:
            return None
        with self.store.session() as s:
            now = self.store.clock()
            row = s.get(AuthSessionRow, token_digest(token))
            if row is None or row.revoked_at is not None or now >= row.expires_at:
                return None
            if now - row.last_seen_at >= self.policy.session_idle:
                row.revoked_at = now
                return None
            user = s.get(UserRow, row.user_id)
            if user is None or user.disabled_at is not None:
                return None
            if now - row.last_seen_at >= self.policy.touch_every:
                row.last_seen_at = now
            return SessionInfo(self.store._user(s, user), row.via, row.expires_at)

    def session_user(self, token: str | None) -> User | None:
        info = self.session(token)
        return None if info is None else info.user

    def end_session(self, token: str | None) -> None:
        """Sign out: the token stops working at once."""
        if not token:
            return
        with self.store.session() as s:
            row = s.get(AuthSessionRow, token_digest(token))
            if row is not None and row.revoked_at is None:
                row.revoked_at = self.store.clock()
