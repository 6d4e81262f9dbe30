"""Sign-in and role gating: signed out there is only the sign-in form; reps, managers and admins get
their pages; sessions end; links set passwords; no address signs anyone in; local and OIDC modes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from streamlit.testing.v1 import AppTest

from coach_engine.accounts import DemoSignin, write_demo_signin
from coach_engine.settings import Settings
from coach_engine.store import SYSTEM, AccountStore, Store
from coach_engine.store.schema import AuthSessionRow
from tests.app.conftest import ADMIN, APP, MANAGER, PASSWORD, REP, REP2, texts


def db(tmp_path: Path) -> Store:
    return Store.open(f"sqlite:///{tmp_path / 'data' / 'scrimmage.db'}")


def fill_and_submit(at: AppTest, email: str, password: str) -> AppTest:
    at.text_input(key="signin_email").input(email)
    at.text_input(key="signin_password").input(password)
    return next(b for b in at.button if b.label == "Sign in").click().run()


def test_signed_out_shows_the_form_and_names_nobody(open_app):
    at = open_app()
    assert not at.exception
    assert at.text_input(key="signin_email") is not None
    shown = texts(at)
    for email in (REP, REP2, MANAGER, ADMIN):
        assert email not in shown
    for name in ("Sam Okafor", "Maya Chen", "Ada Admin"):
        assert name not in shown
    assert not any((b.key or "").startswith(f"signin_{REP}") for b in at.button)


def test_the_form_signs_in_and_opens_the_members_pages(open_app):
    at = fill_and_submit(open_app(), REP, PASSWORD)
    assert not at.exception
    assert at.session_state["identity_member"].id == REP
    assert at.title[0].value == "Practice"


@pytest.mark.parametrize("email", [REP, "nobody@example.com"])
def test_a_wrong_password_and_an_unknown_email_get_the_same_message(open_app, email):
    at = fill_and_submit(open_app(), email, "not the password")
    assert not at.exception
    assert "identity_member" not in at.session_state
    assert "don't match an account" in at.error[0].value


def test_repeated_failures_lock_the_account(open_app):
    at = open_app()
    for _ in range(5):
        at = fill_and_submit(at, REP2, "wrong password!")
    assert "locked" in at.error[0].value
    at = fill_and_submit(at, REP2, PASSWORD)  # even the right password waits for the lock
    assert "locked" in at.error[0].value
    assert "identity_member" not in at.session_state


def test_the_as_address_signs_nobody_in(open_app):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["as"] = MANAGER
    at.run()
    assert not at.exception
    assert "identity_member" not in at.session_state
    assert at.title[0].value == "🏉 Scrimmage"


def test_a_made_up_session_token_signs_nobody_in(open_app):
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["identity_session"] = "made-up-token"
    at.run()
    assert "identity_member" not in at.session_state
    assert "session has ended" in texts(at)


def test_sign_out_ends_the_session_for_good(open_app, tmp_path):
    at = open_app(REP)
    token = at.session_state["identity_session"]
    next(b for b in at.button if b.key == "identity_signout").click().run()
    assert not at.exception
    assert "identity_member" not in at.session_state
    assert "signed out" in texts(at)
    again = AppTest.from_file(APP, default_timeout=60)
    again.session_state["identity_session"] = token  # the old token no longer works
    again.run()
    assert "identity_member" not in again.session_state


def test_an_expired_session_asks_to_sign_in_again(open_app, tmp_path):
    at = open_app(REP)
    assert at.session_state["identity_member"].id == REP
    store = db(tmp_path)
    with store.session() as s:  # three idle hours pass (the default limit is two)
        s.execute(update(AuthSessionRow).values(last_seen_at=datetime.now(UTC) - timedelta(hours=3)))
    store.close()
    at.run()
    assert "identity_member" not in at.session_state
    assert "session has ended" in texts(at)


def test_disabling_an_account_ends_its_session_at_once(open_app, tmp_path):
    at = open_app(REP)
    assert at.session_state["identity_member"].id == REP
    store = db(tmp_path)
    AccountStore(store).set_disabled(SYSTEM, REP, True)
    store.close()
    at.run()
    assert "identity_member" not in at.session_state


def test_an_invite_link_sets_the_password_and_signs_in(open_app, tmp_path):
    store = db(tmp_path)
    link = AccountStore(store).invite(SYSTEM, "newbie@example.com", "New Bie", "rep", "north")
    store.close()
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["invite"] = link.token
    at.run()
    assert "New Bie" in texts(at)  # whose password the link sets
    at.text_input(key="signin_new_password").input("a brand new secret")
    at.text_input(key="signin_new_password2").input("a brand new secret")
    next(b for b in at.button if b.label == "Set password and sign in").click().run()
    assert not at.exception
    assert at.session_state["identity_member"].id == "newbie@example.com"
    assert at.title[0].value == "Practice"

    used = AppTest.from_file(APP, default_timeout=60)
    used.query_params["invite"] = link.token
    used.run()
    assert "already used" in used.error[0].value


def test_a_short_password_is_refused_with_the_reason(open_app, tmp_path):
    store = db(tmp_path)
    link = AccountStore(store).issue_reset(SYSTEM, REP)
    store.close()
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["reset"] = link.token
    at.run()
    at.text_input(key="signin_new_password").input("short")
    at.text_input(key="signin_new_password2").input("short")
    next(b for b in at.button if b.label == "Set password and sign in").click().run()
    assert "at least 10 characters" in at.error[0].value
    assert "identity_member" not in at.session_state


def test_demo_mode_shows_the_demo_password_only_while_the_demo_team_is_alone(open_app, tmp_path):
    write_demo_signin(tmp_path / "data", DemoSignin("north", "demo-pass-123", [
        {"email": MANAGER, "name": "Maya Chen", "role": "manager"}]))
    at = open_app()
    assert "demo-pass-123" in texts(at)
    store = db(tmp_path)
    store.ensure_team(SYSTEM, "south")  # a real team now: demo mode is over
    store.close()
    at = open_app()
    assert "demo-pass-123" not in texts(at)


def test_demo_mode_off_never_shows_it(open_app, tmp_path, monkeypatch):
    write_demo_signin(tmp_path / "data", DemoSignin("north", "demo-pass-123", []))
    monkeypatch.setenv("SCRIMMAGE_DEMO_MODE", "false")
    assert "demo-pass-123" not in texts(open_app())


def test_rep_cannot_open_team_studio_people_or_audit(open_app):
    at = open_app(REP)
    assert not at.exception
    for path in ("app_pages/team.py", "app_pages/studio.py", "app_pages/people.py", "app_pages/audit.py"):
        with pytest.raises(ValueError):
            at.switch_page(path)


def test_manager_gets_team_pages_but_not_the_audit_trail(open_app):
    at = open_app(MANAGER)
    assert not at.exception
    at.switch_page("app_pages/team.py").run()
    assert not at.exception
    assert "Team" in texts(at)
    with pytest.raises(ValueError):
        at.switch_page("app_pages/audit.py")


def test_mode_note_is_visible(open_app):
    at = open_app(REP)
    assert "Offline mode" in texts(at)


def test_an_unusable_database_is_a_message_not_a_traceback(open_app, monkeypatch):
    monkeypatch.setenv("SCRIMMAGE_DATABASE_URL", "sqlite:////proc/scrimmage-no/x.db")
    at = open_app()
    assert not at.exception
    assert "could not be opened" in at.error[0].value


# --- local mode -------------------------------------------------------------------------------


def test_local_mode_needs_no_sign_in_on_an_empty_database(tmp_path, monkeypatch):
    monkeypatch.setenv("SCRIMMAGE_DATA_DIR", str(tmp_path / "fresh"))
    monkeypatch.setenv("SCRIMMAGE_SEED_DEMO", "false")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.session_state["identity_member"].id == "you@scrimmage.local"
    assert at.title[0].value == "Practice"
    assert "Local mode" in texts(at)
    assert not any(b.key == "identity_signout" for b in at.button)


def test_with_accounts_auto_mode_is_password(open_app):
    assert Settings().auth_mode == "auto"
    at = open_app()
    assert "identity_member" not in at.session_state  # the seeded team has accounts: a form, not local


# --- OIDC mode (a fake st.user: AppTest.user is what st.user reads) -----------------------------


def oidc_app(monkeypatch, claims: dict) -> AppTest:
    monkeypatch.setenv("SCRIMMAGE_AUTH_MODE", "oidc")
    at = AppTest.from_file(APP, default_timeout=60)
    at.user = claims
    return at.run()


def claims(email: str, **kw: object) -> dict:
    now = datetime.now(UTC).timestamp()
    return {"is_logged_in": True, "email": email, "email_verified": True, "iss": "https://idp.test",
            "sub": f"sub-{email}", "name": "Someone", "iat": int(now), **kw}


def test_oidc_signed_out_offers_the_provider_and_no_password_form(monkeypatch):
    at = oidc_app(monkeypatch, {"is_logged_in": False})
    assert not at.exception
    assert any(b.key == "signin_oidc" for b in at.button)
    assert not any(t.key == "signin_password" for t in at.text_input)


def test_oidc_a_verified_known_email_is_signed_in(monkeypatch):
    at = oidc_app(monkeypatch, claims(MANAGER))
    assert not at.exception
    assert at.session_state["identity_member"].id == MANAGER
    assert at.title[0].value == "Team"


def test_oidc_an_unverified_email_is_refused(monkeypatch):
    at = oidc_app(monkeypatch, claims(MANAGER, email_verified=False))
    assert "identity_member" not in at.session_state
    assert "not verified" in texts(at)


def test_oidc_an_uninvited_email_is_refused(monkeypatch):
    at = oidc_app(monkeypatch, claims("stranger@example.com"))
    assert "identity_member" not in at.session_state
    assert "not been invited" in texts(at)


def test_oidc_a_stale_provider_sign_in_is_signed_out(monkeypatch):
    old = int((datetime.now(UTC) - timedelta(days=3)).timestamp())
    at = oidc_app(monkeypatch, claims(REP, iat=old))
    assert "identity_member" not in at.session_state
    assert "expired" in texts(at)
