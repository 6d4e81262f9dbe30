"""Accounts on real SQL (SQLite and PostgreSQL): passwords, lockout, links, sessions, OIDC, local mode."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from coach_engine.accounts import oidc_identity
from coach_engine.store import (
    SYSTEM,
    AccountLocked,
    AccountStore,
    LinkInvalid,
    PermissionDenied,
    SignInFailed,
    StaleSignIn,
    Store,
    StoreError,
    WeakPassword,
)
from coach_engine.store.credentials import LOCAL_EMAIL, AuthPolicy, OidcIdentity, check_password

from .conftest import Team

PW = "correct horse battery"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@pytest.fixture
def clock(store: Store) -> Clock:
    c = Clock()
    store.clock = c
    return c


@pytest.fixture
def accounts(store: Store, team: Team, clock: Clock) -> AccountStore:
    acc = AccountStore(store, AuthPolicy())
    for user in team.everyone():
        acc.set_password(SYSTEM, user.email, PW)
    return acc


# --- passwords and lockout ------------------------------------------------------------------------


def test_the_right_password_starts_a_session(accounts: AccountStore, team: Team) -> None:
    token = accounts.sign_in("ROB@falcons.test ", PW)  # emails are matched as typed, case and spaces aside
    user = accounts.session_user(token)
    assert user is not None and user.id == team.rep.id
    seen = {a.user.email: a for a in accounts.accounts(team.manager)}
    assert seen[team.rep.email].last_login_at == T0 and seen[team.rep.email].status == "active"
    assert seen[team.rep2.email].last_login_at is None


@pytest.mark.parametrize("email", ["rob@falcons.test", "nobody@falcons.test"])
def test_a_wrong_password_and_an_unknown_email_answer_alike(accounts: AccountStore, email: str) -> None:
    with pytest.raises(SignInFailed) as exc:
        accounts.sign_in(email, "not it at all")
    assert str(exc.value).startswith("that email and password don't match")


def test_an_account_without_a_password_cannot_sign_in(store: Store, accounts: AccountStore) -> None:
    store.add_user(SYSTEM, "new@falcons.test", "New", "rep", "Falcons")
    for attempt in ("", "anything at all"):
        with pytest.raises(SignInFailed, match="don't match"):
            accounts.sign_in("new@falcons.test", attempt)


def test_repeated_failures_lock_the_account_for_a_while(accounts: AccountStore, clock: Clock) -> None:
    for _ in range(4):
        with pytest.raises(SignInFailed):
            accounts.sign_in("rob@falcons.test", "wrong password")
    with pytest.raises(AccountLocked, match="locked for 15 more minutes"):
        accounts.sign_in("rob@falcons.test", "wrong password")
    with pytest.raises(AccountLocked):  # the right password waits too
        accounts.sign_in("rob@falcons.test", PW)
    clock.advance(minutes=16)
    assert accounts.session_user(accounts.sign_in("rob@falcons.test", PW)) is not None


def test_a_success_resets_the_count(accounts: AccountStore) -> None:
    for _ in range(4):
        with pytest.raises(SignInFailed):
            accounts.sign_in("rob@falcons.test", "wrong password")
    accounts.sign_in("rob@falcons.test", PW)
    for _ in range(4):
        with pytest.raises(SignInFailed):
            accounts.sign_in("rob@falcons.test", "wrong password")
    accounts.sign_in("rob@falcons.test", PW)  # still not locked: 4 + 4 is not "5 in a row"


def test_a_disabled_account_hears_so_only_with_the_right_password(accounts: AccountStore, team: Team) -> None:
    accounts.set_disabled(team.manager, team.rep.email, True)
    with pytest.raises(SignInFailed, match="don't match"):
        accounts.sign_in(team.rep.email, "wrong password")
    with pytest.raises(SignInFailed, match="disabled"):
        accounts.sign_in(team.rep.email, PW)


def test_the_password_policy() -> None:
    for bad, why in [("short", "at least 10"), ("x" * 300, "at most"), ("aaaaaaaaaaaa", "different"),
                     ("          ", "only spaces"), ("rob@falcons.test", "email")]:
        with pytest.raises(WeakPassword, match=why):
            check_password(bad, "rob@falcons.test")
    check_password(PW, "rob@falcons.test")


def test_passwords_and_tokens_are_stored_as_hashes_only(store: Store, accounts: AccountStore) -> None:
    token = accounts.sign_in("rob@falcons.test", PW)
    link = accounts.issue_reset(SYSTEM, "ria@falcons.test")
    with store.engine.connect() as c:
        dump = " ".join(
            str(row)
            for table in ("users", "auth_sessions", "account_tokens", "audit_events")
            for row in c.execute(text(f"SELECT * FROM {table}"))
        )
    assert PW not in dump and token not in dump and link.token not in dump
    assert "$argon2id$" in dump


def test_change_password_needs_the_current_one_and_ends_other_sessions(
    accounts: AccountStore, team: Team
) -> None:
    here, elsewhere = accounts.sign_in(team.rep.email, PW), accounts.sign_in(team.rep.email, PW)
    with pytest.raises(SignInFailed, match="current password"):
        accounts.change_password(team.rep, "not it", "a new long secret", keep=here)
    accounts.change_password(team.rep, PW, "a new long secret", keep=here)
    assert accounts.session_user(here) is not None and accounts.session_user(elsewhere) is None
    accounts.sign_in(team.rep.email, "a new long secret")


# --- sessions -------------------------------------------------------------------------------------


def test_a_session_ends_when_idle_and_after_its_lifetime(accounts: AccountStore, clock: Clock) -> None:
    idle = accounts.sign_in("rob@falcons.test", PW)
    clock.advance(hours=2, seconds=1)
    assert accounts.session_user(idle) is None
    busy = accounts.sign_in("rob@falcons.test", PW)
    for _ in range(13):  # used every hour, still ends 12 hours after sign-in
        clock.advance(hours=1)
        alive = accounts.session_user(busy) is not None
    assert not alive


def test_sign_out_disable_and_reset_end_sessions(accounts: AccountStore, team: Team) -> None:
    a = accounts.sign_in(team.rep.email, PW)
    accounts.end_session(a)
    assert accounts.session_user(a) is None

    b = accounts.sign_in(team.rep.email, PW)
    accounts.set_disabled(team.admin, team.rep.email, True)
    assert accounts.session_user(b) is None
    accounts.set_disabled(team.admin, team.rep.email, False)
    assert accounts.session_user(b) is None  # enabling again does not revive an ended session

    c = accounts.sign_in(team.rep.email, PW)
    link = accounts.issue_reset(team.admin, team.rep.email)
    fresh = accounts.redeem(link.token, "another long secret")
    assert accounts.session_user(c) is None
    assert accounts.session_user(fresh) is not None


def test_sign_out_everywhere(accounts: AccountStore, team: Team) -> None:
    tokens = [accounts.sign_in(team.rep.email, PW) for _ in range(3)]
    assert accounts.end_sessions(team.rep) == 3
    assert all(accounts.session_user(t) is None for t in tokens)


def test_a_disabled_account_may_not_act_in_the_store(
    accounts: AccountStore, team: Team, store: Store
) -> None:
    accounts.set_disabled(team.admin, team.manager.email, True)
    with pytest.raises(PermissionDenied, match="disabled"):
        store.team_members(team.manager, "Falcons")


# --- links ------------------------------------------------------------------------------------------


def test_a_manager_invites_a_rep_who_sets_a_password_once(accounts: AccountStore, team: Team) -> None:
    link = accounts.invite(team.manager, "newrep@falcons.test", "New Rep")
    assert link.user.team == "Falcons" and link.user.role == "rep"
    assert link.url("https://scrimmage.example/") == f"https://scrimmage.example/?invite={link.token}"
    info = accounts.link_info(link.token)
    assert (info.purpose, info.email) == ("invite", "newrep@falcons.test")
    status = {a.user.email: a.status for a in accounts.accounts(team.manager)}
    assert status["newrep@falcons.test"] == "invited"
    token = accounts.redeem(link.token, "my very own secret")
    assert accounts.session_user(token) is not None
    with pytest.raises(LinkInvalid, match="already used"):
        accounts.redeem(link.token, "someone else's secret")
    accounts.sign_in("newrep@falcons.test", "my very own secret")


def test_links_expire_and_a_new_one_replaces_the_old(
    accounts: AccountStore, team: Team, clock: Clock
) -> None:
    first = accounts.invite(team.manager, "late@falcons.test", "Late")
    second = accounts.invite(team.manager, "late@falcons.test")
    with pytest.raises(LinkInvalid, match="already used"):
        accounts.link_info(first.token)
    clock.advance(hours=73)
    with pytest.raises(LinkInvalid, match="expired"):
        accounts.redeem(second.token, "my very own secret")
    with pytest.raises(LinkInvalid, match="not valid"):
        accounts.link_info("made-up")


def test_a_weak_password_leaves_the_link_usable(accounts: AccountStore, team: Team) -> None:
    link = accounts.issue_reset(SYSTEM, team.rep.email)
    with pytest.raises(WeakPassword):
        accounts.redeem(link.token, "short")
    accounts.redeem(link.token, "long enough secret")


@pytest.mark.parametrize(
    ("who", "call", "why"),
    [
        ("manager", lambda a, t: a.invite(t.manager, "boss@falcons.test", "B", "manager"), "only an admin"),
        ("manager", lambda a, t: a.invite(t.manager, "x@owls.test", "X", "rep", "Owls"), "only an admin"),
        ("manager", lambda a, t: a.invite(t.manager, t.other_rep.email), "own team"),
        ("rep", lambda a, t: a.invite(t.rep, "pal@falcons.test", "Pal"), "only an admin"),
        ("manager", lambda a, t: a.issue_reset(t.manager, t.rep.email), "only admins"),
        ("manager", lambda a, t: a.set_disabled(t.manager, t.other_rep.email, True), "own team"),
        ("manager", lambda a, t: a.set_disabled(t.manager, t.admin.email, True), "own team"),
        ("rep", lambda a, t: a.set_disabled(t.rep, t.rep2.email, True), "only managers and admins"),
        ("manager", lambda a, t: a.set_role(t.manager, t.rep.email, "manager"), "only admins"),
        ("admin", lambda a, t: a.set_role(t.admin, t.admin.email, "rep"), "their own role"),
        ("admin", lambda a, t: a.set_disabled(t.admin, t.admin.email, True), "their own account"),
        ("manager", lambda a, t: a.set_team(t.manager, t.rep.email, "Owls"), "only admins"),
        ("rep", lambda a, t: a.end_sessions(t.rep, t.rep2.email), "only managers and admins"),
        ("manager", lambda a, t: a.set_password(t.manager, t.rep.email, "a long new secret"), "only admins"),
    ],
)
def test_account_changes_out_of_scope_are_refused(
    accounts: AccountStore, team: Team, who: str, call: Callable[..., object], why: str
) -> None:
    with pytest.raises(PermissionDenied, match=why):
        call(accounts, team)


def test_an_account_that_signs_in_gets_a_reset_not_an_invite(accounts: AccountStore, team: Team) -> None:
    with pytest.raises(StoreError, match="reset link"):
        accounts.invite(team.manager, team.rep.email)


def test_admins_change_roles_and_teams(accounts: AccountStore, team: Team, store: Store) -> None:
    assert accounts.set_role(team.admin, team.rep.email, "manager").user.role == "manager"
    moved = accounts.set_team(team.admin, team.rep2.email, "Herons")
    assert moved.user.team == "Herons"
    assert store.get_user(team.admin, team.rep2.email).team == "Herons"


# --- OIDC ---------------------------------------------------------------------------------------------


def ident(email: str, sub: str = "1") -> OidcIdentity:
    return OidcIdentity(email=email, subject=f"https://idp.test|{sub}")


def test_oidc_lets_in_known_emails_and_links_them(accounts: AccountStore, team: Team) -> None:
    token = accounts.oidc_sign_in(ident(team.rep.email))
    assert accounts.session_user(token) is not None
    accounts.oidc_sign_in(ident(team.rep.email))  # the same identity again
    with pytest.raises(SignInFailed, match="another sign-in identity"):
        accounts.oidc_sign_in(ident(team.rep.email, sub="2"))
    with pytest.raises(SignInFailed, match="not been invited"):
        accounts.oidc_sign_in(ident("stranger@falcons.test"))


def test_oidc_first_sign_in_needs_a_live_invite(accounts: AccountStore, team: Team, clock: Clock) -> None:
    accounts.invite(team.manager, "fresh@falcons.test", "Fresh")
    accounts.invite(team.manager, "stale@falcons.test", "Stale")
    clock.advance(hours=1)
    accounts.oidc_sign_in(ident("fresh@falcons.test"))
    clock.advance(hours=80)
    with pytest.raises(SignInFailed, match="invitation has expired"):
        accounts.oidc_sign_in(ident("stale@falcons.test"))
    accounts.oidc_sign_in(ident("fresh@falcons.test"))  # linked already: the invite's age no longer matters


def test_oidc_a_disabled_account_stays_out(accounts: AccountStore, team: Team) -> None:
    accounts.set_disabled(team.manager, team.rep.email, True)
    with pytest.raises(SignInFailed, match="disabled"):
        accounts.oidc_sign_in(ident(team.rep.email))


def test_oidc_claims_are_checked() -> None:
    now = T0
    good = {"is_logged_in": True, "email": "A@x.test", "email_verified": "true", "iss": "i", "sub": "s",
            "iat": int(now.timestamp())}
    got = oidc_identity(good, now=now, max_age=timedelta(hours=12))
    assert (got.email, got.subject) == ("a@x.test", "i|s")
    for change, why in [({"email_verified": False}, "not verified"), ({"email": None}, "email address"),
                        ({"is_logged_in": False}, "not signed in")]:
        with pytest.raises(SignInFailed, match=why):
            oidc_identity({**good, **change}, now=now, max_age=timedelta(hours=12))
    with pytest.raises(StaleSignIn):
        oidc_identity(good, now=now + timedelta(hours=13), max_age=timedelta(hours=12))


# --- local mode ----------------------------------------------------------------------------------------


def test_local_mode_has_one_person_who_is_no_account(store: Store) -> None:
    accounts = AccountStore(store)
    assert not accounts.has_accounts()
    token = accounts.local_sign_in()
    user = accounts.session_user(token)
    assert user is not None and user.email == LOCAL_EMAIL and user.role == "rep"
    assert accounts.session_user(accounts.local_sign_in()).id == user.id  # type: ignore[union-attr]
    assert not accounts.has_accounts()  # the local person does not switch the app to password mode
    store.add_user(SYSTEM, "first@team.test", "First", "admin")
    assert accounts.has_accounts()


# --- migration 0008 ------------------------------------------------------------------------------------


def test_0008_keeps_existing_users_who_then_need_a_link(db_url: str) -> None:
    from alembic import command
    from sqlalchemy import insert

    from coach_engine.store.engine import alembic_config, make_engine
    from coach_engine.store.schema import TeamRow

    engine = make_engine(db_url)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0007")
    with engine.begin() as conn:
        team_id = conn.execute(
            insert(TeamRow).values(name="Falcons", timezone="UTC", created_at=T0).returning(TeamRow.id)
        ).scalar_one()
        conn.execute(text("INSERT INTO users (email, name, role, team_id, created_at) "
                          "VALUES ('old@f.test', 'Old Timer', 'rep', :t, :c)"),
                     {"t": team_id, "c": T0.replace(tzinfo=None)})
    engine.dispose()

    store = Store.open(db_url)  # migrates to head
    accounts = AccountStore(store)
    assert accounts.has_accounts()
    (old,) = accounts.accounts(SYSTEM)
    assert old.status == "no_password"
    with pytest.raises(SignInFailed):
        accounts.sign_in("old@f.test", "")
    accounts.redeem(accounts.issue_reset(SYSTEM, "old@f.test").token, "a fresh long secret")
    store.close()

    engine = make_engine(db_url)  # and back down, and up again
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007")
        command.upgrade(cfg, "head")
    engine.dispose()
