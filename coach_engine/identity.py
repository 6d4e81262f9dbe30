"""Who is using the app: members behind session tokens, whatever the sign-in mode.

The pages see two things: ``Member`` (a signed-in person, carrying the store's
``User`` that every store call takes, so no page builds one) and
``Directory`` (how a browser session becomes a member). The auth modes plug
in here (``accounts``): ``local`` signs its one person in with no form,
``password`` checks the form against the accounts in the database, ``oidc``
checks the identity provider's claims. Each way ends in the same kind of
server-side session token (``store.accounts``), which the page keeps and
hands back on every run; the directory turns it back into a member, or into
nothing once it has expired, been signed out, or its account was disabled.

There is no other way in: no name to click, no ``?as=`` address. Tests that
need a signed-in page mint a session token with ``AccountStore.start_session``,
which only code holding the database can call.

A member's role decides which pages they get (``pages_for``), so gating is an
engine decision and the app only renders it; what each store call may do is
still checked by the store. No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from .accounts import AuthMode, DemoSignin, demo_signin, oidc_identity, resolve_mode
from .store.accounts import AccountStore
from .store.credentials import AuthPolicy
from .store.records import LinkInfo, SignInFailed

if TYPE_CHECKING:
    from .settings import Settings
    from .store import Store

Role = Literal["rep", "manager", "admin"]

REP_PAGES: tuple[str, ...] = (
    "practice", "scorecard", "warmup", "clinic", "progress", "leaderboard", "account",
)
MANAGER_PAGES: tuple[str, ...] = (
    "team", "leaderboard", "studio", "practice", "scorecard", "people", "account",
)
ADMIN_PAGES: tuple[str, ...] = (*MANAGER_PAGES[:-1], "audit", "account")
TEAMLESS_ADMIN_PAGES: tuple[str, ...] = ("people", "audit", "studio", "account")
"""An admin with no team of their own manages people and reads the trail; the team pages need a team."""


@dataclass(frozen=True)
class Member:
    """A signed-in person: what the pages need to know about them."""

    id: str
    """Stable handle (the store user's email)."""
    name: str
    role: Role
    team: str = ""
    """The team's name; empty for an admin with no team (they see ``TEAMLESS_ADMIN_PAGES``)."""
    user: Any = field(default=None, compare=False, repr=False)
    """The store's acting identity (``store.User``), passed to every store call."""

    @property
    def is_manager(self) -> bool:
        """Managers and admins (an admin gets the manager's pages too)."""
        return self.role in ("manager", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else self.id


def pages_for(member: Member) -> tuple[str, ...]:
    """The page keys this member may open, in menu order (the first is their home page)."""
    if member.is_admin:
        return ADMIN_PAGES if member.team else TEAMLESS_ADMIN_PAGES
    return MANAGER_PAGES if member.is_manager else REP_PAGES


def can_open(member: Member, page: str) -> bool:
    return page in pages_for(member)


def as_member(user: Any) -> Member:
    """A store ``User`` as a Member."""
    role: Role = user.role if user.role in ("rep", "manager", "admin") else "rep"
    return Member(
        id=str(user.email), name=str(user.name or user.email), role=role, team=str(user.team or ""), user=user
    )


class Directory:
    """Browser sessions to members, for the mode in force (``accounts.resolve_mode``).

    Every sign-in returns a session token for the page to keep; ``member(token)`` turns it back into
    a member on each run. A sign-in of another mode than the one in force is refused.
    """

    def __init__(self, store: Store, settings: Settings, *, clock: Any = None):
        self.store = store
        self.settings = settings
        self.accounts = AccountStore(store, AuthPolicy.from_settings(settings))
        self._clock = clock or (lambda: datetime.now(UTC))

    @property
    def mode(self) -> AuthMode:
        return resolve_mode(self.settings, self.store)

    def _require(self, mode: AuthMode, what: str) -> None:
        if self.mode != mode:
            raise SignInFailed(f"{what} is not how this app signs people in ({self.mode} mode)")

    def member(self, token: str | None) -> Member | None:
        """The member behind a session token, or None when it is unknown, ended or expired."""
        user = self.accounts.session_user(token)
        return None if user is None else as_member(user)

    def sign_in(self, email: str, password: str) -> str:
        self._require("password", "signing in with a password")
        return self.accounts.sign_in(email, password)

    def sign_in_oidc(self, claims: Mapping[str, Any]) -> str:
        """A session for the identity provider's claims (``st.user``): a verified, invited email."""
        self._require("oidc", "signing in with an identity provider")
        identity = oidc_identity(claims, now=self._clock(), max_age=self.accounts.policy.session_max)
        return self.accounts.oidc_sign_in(identity)

    def sign_in_local(self) -> str:
        self._require("local", "signing in without a password")
        return self.accounts.local_sign_in()

    def link_info(self, token: str) -> LinkInfo:
        self._require("password", "a password link")
        return self.accounts.link_info(token)

    def redeem(self, token: str, password: str) -> str:
        """Set a password with an invite or reset link; returns a session token (signed in)."""
        self._require("password", "a password link")
        return self.accounts.redeem(token, password)

    def browser_keeps_session(self) -> float | None:
        """Seconds a browser may keep its session token for the next page load (the session's lifetime),
        or None when it must not: only password mode needs it (local mode signs in by itself, OIDC has
        the provider's cookie), and only with ``remember_sign_in`` on."""
        if self.mode != "password" or not self.settings.remember_sign_in:
            return None
        return self.accounts.policy.session_max.total_seconds()

    def sign_out(self, token: str | None) -> None:
        self.accounts.end_session(token)

    def demo_signin(self) -> DemoSignin | None:
        """The demo's accounts and password, while demo mode is on (password mode only)."""
        return demo_signin(self.settings, self.store) if self.mode == "password" else None
