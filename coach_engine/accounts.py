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

This module holds the modes, the provider's claims check and the demo's
sign-in hint. The rules the database applies (hashing, the password policy,
tokens, ``AuthPolicy``) are ``store.credentials``, inside the store so the store
never imports upward; ``store.accounts`` applies them to the rows, with the
store's scope rules and the audit trail.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .store.credentials import OidcIdentity

if TYPE_CHECKING:
    from .settings import Settings
    from .store import Store

__all__ = [
    "AuthMode",
    "DemoSignin",
    "demo_signin",
    "oidc_identity",
    "resolve_mode",
]

AuthMode = Literal["local", "password", "oidc"]

DEMO_FILE = "demo-signin.json"


def new_demo_password() -> str:
    """The demo accounts' password: random per database, printed once by ``seed-demo``."""
    return f"demo-{secrets.token_urlsafe(9)}"


# --- modes -------------------------------------------------------------------------------------


def resolve_mode(settings: Settings, store: Store) -> AuthMode:
    """The mode in force: the setting, or for ``auto`` ``local`` while the database has no account."""
    if settings.auth_mode != "auto":
        return settings.auth_mode
    from .store.accounts import AccountStore

    return "password" if AccountStore(store).has_accounts() else "local"


# --- OpenID Connect ------------------------------------------------------------------------------


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
