"""``Store.list_users``: a rep sees themself, a manager their team, an admin everyone — on real SQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach_engine.identity import Directory
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


def test_the_directory_names_nobody_and_signs_in_only_with_a_session(
    store: Store, team: Team, tmp_path: Path
) -> None:
    """The sign-in side lists no one: a member comes only from a live session token."""
    from coach_engine.settings import Settings

    directory = Directory(store, Settings(data_dir=tmp_path / "data"))
    assert not hasattr(directory, "members")
    assert directory.member(None) is None and directory.member("made-up") is None
    token = directory.accounts.start_session(team.rep.email, via="test")
    member = directory.member(token)
    assert member is not None and member.id == team.rep.email and member.user.id == team.rep.id


def test_only_a_password_sign_in_is_kept_in_the_browser_and_no_longer_than_a_session(
    store: Store, team: Team, tmp_path: Path
) -> None:
    """Password mode keeps the token for the next page load (a reload, the other app server) for at most
    a session's lifetime; local and OIDC modes never need it, and ``remember_sign_in`` off asks again."""
    from coach_engine.settings import Settings

    def keeps(**settings: object) -> float | None:
        return Directory(store, Settings(data_dir=tmp_path / "data", **settings)).browser_keeps_session()

    assert keeps(auth_mode="password", session_max_hours=8) == 8 * 3600
    assert keeps(auth_mode="password", remember_sign_in=False) is None
    assert keeps(auth_mode="local") is None
    assert keeps(auth_mode="oidc") is None
