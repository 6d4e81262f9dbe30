"""The account rules the database applies and needs no database for: passwords, tokens, the policy.

``store.accounts`` and ``store.signin`` apply them to the rows; ``coach_engine.accounts``
(the modes, the provider's claims, the demo's sign-in hint) hands them on to the app and the
CLI. They sit inside the store package so the store never imports a module above it: hashing
and digests are what the database keeps of a password or a token.

* **Passwords.** argon2id (argon2-cffi's defaults, rehashed when they change); an unknown
  account costs a verify's time too. ``check_password`` says why a password is refused.
* **Tokens.** Links and sessions are 256 random bits; only their SHA-256 is stored.
* **Policy.** ``AuthPolicy``: how long sessions, links and lockouts last.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argon2 import PasswordHasher

    from ..settings import Settings

__all__ = [
    "LOCAL_EMAIL",
    "LOCAL_NAME",
    "LOCAL_TEAM",
    "MAX_PASSWORD",
    "MIN_PASSWORD",
    "AuthPolicy",
    "OidcIdentity",
    "check_password",
    "hash_password",
    "needs_rehash",
    "new_token",
    "token_digest",
    "verify_password",
]

LOCAL_EMAIL = "you@scrimmage.local"
LOCAL_NAME = "You"
LOCAL_TEAM = "Just me"
"""The one person of ``local`` mode: a rep on a team of their own."""

MIN_PASSWORD = 10
MAX_PASSWORD = 256


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
    from .records import WeakPassword

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


# --- tokens ------------------------------------------------------------------------------------


def new_token() -> str:
    """A link or session token (256 random bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What the database keeps of a token: its SHA-256 (a copy of the database signs no one in)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class OidcIdentity:
    """What Scrimmage takes from a provider's identity token (``st.user``)."""

    email: str
    subject: str
    """``iss|sub``: the provider's stable id for this person."""
    name: str = ""
