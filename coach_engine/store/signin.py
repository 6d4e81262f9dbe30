"""Signing in and staying signed in: links redeemed, passwords and OpenID identities checked, sessions.

This is the side of ``AccountStore`` that answers a browser before anyone is
known (a link, a password, a provider identity, a session token); the side a
signed-in person uses to manage accounts (``accounts``) builds on it. The rules
themselves are in ``credentials`` (hashing, policy, tokens).

* **Links.** ``redeem`` uses an invite or reset link once: it sets the
  password, ends every session of the account and starts a new one.
* **Sign-in.** ``sign_in`` answers an unknown email, a missing password and a
  wrong one alike (same message, same argon2 work); wrong passwords in a row
  lock the account (``AccountLocked``) and the lock is audited. A disabled
  account is told so only after the right password.
* **Sessions.** ``session_user`` is the only way from a browser's token to a
  ``User``: it ends sessions that are revoked, idle too long, past their
  lifetime, or whose account is disabled.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from . import audit
from .credentials import (
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
from .records import (
    SYSTEM,
    AccountLocked,
    LinkInfo,
    LinkInvalid,
    NotFound,
    SignInFailed,
    StoreError,
    User,
)
from .schema import AccountTokenRow, AuthSessionRow, UserRow

if TYPE_CHECKING:
    from .store import Store

__all__ = ["SessionInfo", "SignInStore"]

WRONG = "that email and password don't match an account; check both, or ask your manager for a reset link"


@dataclass(frozen=True)
class SessionInfo:
    """A live session: its user and how it was started."""

    user: User
    via: str
    expires_at: datetime


def _minutes_left(until: datetime, now: datetime) -> int:
    return max(1, int((until - now).total_seconds() + 59) // 60)


class SignInStore:
    """Links, sign-in and sessions over a ``Store`` (its sessions, clock and scope helpers)."""

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
