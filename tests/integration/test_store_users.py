"""``Store.list_users``: a rep sees themself, a manager their team, an admin everyone — on real SQL."""

from __future__ import annotations

import pytest

from coach_engine.identity import StoreDirectory
from coach_engine.store import SYSTEM, NotFound, PermissionDenied, Store, User

from .conftest import Team


def emails(users: list[User]) -> list[str]:
    return [u.email for u in users]


def test_a_rep_sees_only_themself(store: Store, team: Team) -> None:
    assert emails(store.list_users(team.rep)) == [team.rep.email]
    assert emails(store.list_users(team.rep, team="Falcons")) == [team.rep.email]


def test_a_manager_sees_their_team_by_name(store: Store, team: Team) -> None:
    got = store.list_users(team.manager)
    assert emails(got) == ["mia@falcons.test", "ria@falcons.test", "rob@falcons.test"]  # Mia, Ria, Rob
    assert {u.team for u in got} == {"Falcons"}
    assert store.list_users(team.manager, team="Falcons") == got


def test_an_admin_sees_everyone_and_can_narrow_to_a_team(store: Store, team: Team) -> None:
    assert sorted(emails(store.list_users(team.admin))) == sorted(u.email for u in team.everyone())
    assert emails(store.list_users(SYSTEM)) == emails(store.list_users(team.admin))
    assert emails(store.list_users(team.admin, team="Owls")) == ["olga@owls.test", "oscar@owls.test"]


@pytest.mark.parametrize("who", ["rep", "rep2", "manager"])
def test_another_teams_list_is_denied(store: Store, team: Team, who: str) -> None:
    with pytest.raises(PermissionDenied, match="only their own team"):
        store.list_users(getattr(team, who), team="Owls")


def test_an_unknown_team_or_a_made_up_actor_gets_nowhere(store: Store, team: Team) -> None:
    with pytest.raises(NotFound):
        store.list_users(team.admin, team="Nobody")
    ghost = User(999, "ghost@falcons.test", "Ghost", "admin", team.manager.team_id, "Falcons")
    with pytest.raises(PermissionDenied):
        store.list_users(ghost)


def test_a_role_change_applies_at_once(store: Store, team: Team) -> None:
    """The actor is re-read: a stale 'manager' object of a rep gets the rep's scope."""
    stale = User(team.rep.id, team.rep.email, team.rep.name, "manager", team.rep.team_id, "Falcons")
    assert emails(store.list_users(stale)) == [team.rep.email]


def test_the_sign_in_directory_lists_every_member_through_the_store(store: Store, team: Team) -> None:
    directory = StoreDirectory(store)
    members = directory.members()
    assert sorted(m.id for m in members) == sorted(u.email for u in team.everyone())
    falcons = [m for m in members if m.team == "Falcons"]
    assert [m.name for m in falcons] == ["Mia Manager", "Ria Rep", "Rob Rep"]  # manager first, then by name
    assert all(m.user is not None and m.user.email == m.id for m in members)
    assert directory.get("rob@falcons.test") == next(m for m in members if m.id == "rob@falcons.test")
    assert directory.get("nobody@falcons.test") is None
