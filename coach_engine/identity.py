"""Who is using the app, behind one small interface, until real accounts arrive.

For now "signing in" means picking one of the seeded users in the store; a
later issue replaces ``StoreDirectory`` with real accounts without touching
the pages, which only see ``Member`` and ``Directory``. A member carries the
store's ``User`` (the acting identity every store call takes), so the pages
never build one. A member's role decides which pages they get (``pages_for``),
so gating is an engine decision and the app only renders it. No Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Role = Literal["rep", "manager"]

REP_PAGES: tuple[str, ...] = ("practice", "scorecard", "warmup", "clinic", "progress", "leaderboard")
MANAGER_PAGES: tuple[str, ...] = ("team", "leaderboard", "studio", "practice", "scorecard")


@dataclass(frozen=True)
class Member:
    """A signed-in person: what the pages need to know about them."""

    id: str
    """Stable handle (the store user's email)."""
    name: str
    role: Role
    team: str = ""
    user: Any = field(default=None, compare=False, repr=False)
    """The store's acting identity (``store.User``), passed to every store call."""

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else self.id


class Directory(Protocol):
    """Where members come from: the seeded users now, real accounts later."""

    def members(self) -> list[Member]: ...

    def get(self, member_id: str) -> Member | None: ...


def pages_for(member: Member) -> tuple[str, ...]:
    """The page keys this member may open, in menu order."""
    return MANAGER_PAGES if member.is_manager else REP_PAGES


def can_open(member: Member, page: str) -> bool:
    return page in pages_for(member)


def as_member(user: Any) -> Member:
    """A store ``User`` as a Member (admins get the manager's pages)."""
    return Member(
        id=str(user.email),
        name=str(user.name or user.email),
        role="manager" if user.role in ("manager", "admin") else "rep",
        team=str(user.team or ""),
        user=user,
    )


class StoreDirectory:
    """Every user the sign-in may pick, read through ``Store.list_users`` (its scope rules apply).

    Until real accounts arrive the sign-in page acts as ``actor`` (by default
    the store's local administrator, ``SYSTEM``), so it lists everyone; signing
    in is ``store.login(email)``.
    """

    def __init__(self, store: Any, actor: Any = None):
        from .store.records import SYSTEM

        self.store = store
        self.actor = SYSTEM if actor is None else actor

    def members(self) -> list[Member]:
        found = [as_member(u) for u in self.store.list_users(self.actor)]
        return sorted(found, key=lambda m: (m.team, m.role != "manager", m.name))

    def get(self, member_id: str) -> Member | None:
        from .store.records import NotFound

        try:
            return as_member(self.store.login(member_id))
        except NotFound:
            return None
