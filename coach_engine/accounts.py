"""Accounts: how people sign in, in one of three modes, and the rules that keep each one safe.

Issue 14 found that "signing in" meant clicking a name on a list of everyone.
Settings now choose a mode (``Settings.auth_mode``, resolved by ``resolve_mode``):

* ``local`` — one person on their own laptop: no sign-in, the app acts as a
  single local rep (``LOCAL_EMAIL``). The default (``auto``) only while the
  database holds no account, so ``make run`` with the demo off just works; it
  must never be exposed on a network.
* ``password`` — accounts in the database. Passwords are hashed with argon2id
  (argon2-cffi's defaults, rehashed when they change); nobody chooses one for
  someone else: a manager or an admin *invites* with a one-time link that
  expires, and a forgotten password is *reset* by the same kind of link, from
  the CLI or by an admin. Links and sessions are random tokens of which only a
  SHA-256 digest is stored. Wrong passwords in a row lock the account for a
  while; sessions end when idle, after a fixed lifetime, on sign-out, when the
  password changes and when the account is disabled.
* ``oidc`` — Streamlit's ``st.login`` with the OpenID Connect provider in
  ``.streamlit/secrets.toml``. The provider proves who it is; Scrimmage lets
  in only a *verified* email it already has an account for (invited, or added
  by an admin), links that account to the provider identity on first sign-in,
  and asks the provider again once a session's lifetime has passed
  (``oidc_identity``): Streamlit's identity cookie lasts 30 days otherwise.

This module holds the rules that need no database (hashing, the password
policy, tokens, the claims check, the demo's sign-in hint); ``store.accounts``
applies them to the rows, with the store's scope rules and the audit trail.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from argon2 import PasswordHasher

    from .settings import Settings
    from .store import Store

__all__ = [
    "LOCAL_EMAIL",
    "AuthMode",
    "AuthPolicy",
    "DemoSignin",
    "OidcIdentity",
    "check_password",
    "demo_signin",
    "hash_password",
    "new_token",
    "oidc_identity",
    "resolve_mode",
    "token_digest",
    "verify_password",
]

AuthMode = Literal["local", "password", "oidc"]

LOCAL_EMAIL = "you@scrimmage.local"
LOCAL_NAME = "You"
LOCAL_TEAM = "Just me"
"""The one person of ``local`` mode: a rep on a team of their own."""

MIN_PASSWORD = 10
MAX_PASSWORD = 256
DEMO_FILE = "demo-signin.json"


@dataclass(frozen=True)
class AuthPolicy:
    """The limits of sign-in, links and sessions (``Settings``: ``session_*``, ``*_ttl_hours``,
    ``lockout_*``)."""

    session_idle: timedelta = timedelta(hours=2)
    session_max: timedelta = timedelta(hours=12)
    invite_ttl: timedelta = timedelta(hours=72)
    reset_ttl: timedelta = timedelta(hours=24)
    lockout_failures: int = 5
    lockout: timedelta = timedelta(minutes=15)
    touch_every: timedelta = timedelta(seconds=60)
    """How often a busy session's "last seen" is written (not on every page run)."""

    @classmethod
    def from_settings(cls, settings: Settings) -> AuthPolicy:
        return cls(
            session_idle=timedelta(minutes=settings.session_idle_minutes),
            session_max=timedelta(hours=settings.session_max_hours),
            invite_ttl=timedelta(hours=settings.invite_ttl_hours),
            reset_ttl=timedelta(hours=settings.reset_ttl_hours),
            lockout_failures=settings.lockout_failures,
            lockout=timedelta(minutes=settings.lockout_minutes),
        )


# --- passwords -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id with argon2-cffi's current recommended parameters


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; a missing or unreadable hash matches nothing (after the same work)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    if not password_hash:
        _burn(password)
        return False
    try:
        return bool(_hasher().verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return bool(_hasher().check_needs_rehash(password_hash))


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def _burn(password: str) -> None:
    """Spend a verify's time on no account, so an unknown email answers as slowly as a wrong password."""
    from argon2.exceptions import VerificationError

    with contextlib.suppress(VerificationError):
        _hasher().verify(_dummy_hash(), password)


def check_password(password: str, email: str = "") -> None:
    """Raise ``WeakPassword`` (saying why) unless ``password`` may be used."""
    from .store.records import WeakPassword

    if len(password) < MIN_PASSWORD:
        raise WeakPassword(f"a password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise WeakPassword(f"a password may have at most {MAX_PASSWORD} characters")
    if not password.strip():
        raise WeakPassword("a password can't be only spaces")
    local = email.split("@", 1)[0].lower()
    if email and (password.lower() == email.lower() or (len(local) >= 4 and local in password.lower())):
        raise WeakPassword("a password can't contain your email address")
    if len(set(password)) < 4:
        raise WeakPassword("a password needs more than a few different characters")


def new_demo_password() -> str:
    """The demo accounts' password: random per database, printed once by ``seed-demo``."""
    return f"demo-{secrets.token_urlsafe(9)}"


# --- tokens ------------------------------------------------------------------------------------


def new_token() -> str:
    """A link or session token (256 random bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What the database keeps of a token: its SHA-256 (a copy of the database signs no one in)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


# --- modes -------------------------------------------------------------------------------------


def resolve_mode(settings: Settings, store: Store) -> AuthMode:
    """The mode in force: the setting, or for ``auto`` ``local`` while the database has no account."""
    if settings.auth_mode != "auto":
        return settings.auth_mode
    from .store.accounts import AccountStore

    return "password" if AccountStore(store).has_accounts() else "local"


# --- OpenID Connect ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OidcIdentity:
    """What Scrimmage takes from a provider's identity token (``st.user``)."""

    email: str
    subject: str
    """``iss|sub``: the provider's stable id for this person."""
    name: str = ""


def _claim_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def oidc_identity(claims: Mapping[str, Any], *, now: datetime, max_age: timedelta) -> OidcIdentity:
    """Check a provider's claims: signed in, a *verified* email, and issued recently enough.

    Raises ``SignInFailed`` (no email, an unverified one) or ``StaleSignIn`` (issued more than
    ``max_age`` ago: Streamlit keeps its identity cookie for 30 days and does not check the token's
    times, so the page signs the person out of the provider and asks again).
    """
    from .store.records import SignInFailed, StaleSignIn

    if not _claim_true(claims.get("is_logged_in")):
        raise SignInFailed("not signed in with the identity provider")
    email = str(claims.get("email") or "").strip().lower()
    if "@" not in email:
        raise SignInFailed("the identity provider did not share an email address; Scrimmage needs one")
    if not _claim_true(claims.get("email_verified")):
        raise SignInFailed(
            f"the identity provider has not verified {email}; verify it there, then sign in again"
        )
    issued = claims.get("iat")
    fresh = not isinstance(issued, int | float) or isinstance(issued, bool) or (
        now - datetime.fromtimestamp(float(issued), UTC) <= max_age
    )
    if not fresh:
        raise StaleSignIn("your sign-in has expired; sign in with your provider again")
    subject = f"{claims.get('iss') or ''}|{claims.get('sub') or email}"
    return OidcIdentity(email=email, subject=subject[:255], name=str(claims.get("name") or "").strip())


# --- the demo's sign-in hint ----------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSignin:
    """The demo accounts and their password, shown on the sign-in page while demo mode is on."""

    team: str
    password: str
    accounts: list[dict[str, str]] = field(default_factory=list)
    """``{"email", "name", "role"}`` for each demo account, the manager first."""

    def describe(self) -> str:
        """The console line ``seed-demo`` prints once."""
        who = ", ".join(f"{a['email']} ({a['role']})" for a in self.accounts[:3])
        more = f" and {len(self.accounts) - 3} more" if len(self.accounts) > 3 else ""
        return f"Demo sign-in: {who}{more} — password {self.password}"


def write_demo_signin(data_dir: Path, hint: DemoSignin) -> Path:
    """Keep the hint for the sign-in page, readable by this user only."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / DEMO_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(asdict(hint), f)
    return path


def read_demo_signin(data_dir: Path) -> DemoSignin | None:
    try:
        data = json.loads((data_dir / DEMO_FILE).read_text(encoding="utf-8"))
        return DemoSignin(str(data["team"]), str(data["password"]), list(data.get("accounts", [])))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def demo_signin(settings: Settings, store: Store) -> DemoSignin | None:
    """The hint to show, or None: only in demo mode, in password mode, while the demo team is the only one."""
    if not settings.demo_mode:
        return None
    hint = read_demo_signin(settings.data_dir)
    if hint is None:
        return None
    from .store.accounts import AccountStore

    return hint if AccountStore(store).team_names() == {hint.team} else None
