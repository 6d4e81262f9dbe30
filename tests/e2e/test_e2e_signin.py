"""Sign-in in headless Chromium against `streamlit run`: the form, a wrong password, a lockout, signing
out, a reload or a new tab that keeps the sign-in until the session ends, and an invite link that sets a
password — and no address that signs anyone in.

The people these tests sign in as are added for them (``add_person``), so a lockout or a new password
here changes nothing for the other browser tests sharing the server.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coach_engine.store import SYSTEM, AccountStore, Store
from tests.app.conftest import MANAGER, PASSWORD
from tests.e2e.conftest import settle, shot

COOKIE = "scrimmage_session"

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def add_person(data: Path, email: str, name: str, role: str = "rep") -> None:
    from sqlalchemy import update

    from coach_engine.store.schema import UserRow
    from tests.app.conftest import _password_hash

    store = Store.open(f"sqlite:///{data / 'scrimmage.db'}")
    try:
        store.add_user(SYSTEM, email, name, role=role, team="north")
        with store.session() as s:
            s.execute(update(UserRow).where(UserRow.email == email).values(password_hash=_password_hash()))
    finally:
        store.close()


def signed_in(page, url: str, email: str, heading: str = "Practice") -> None:  # type: ignore[no-untyped-def]
    """Open ``url``, sign ``email`` in through the form, and wait for the page's ``heading``."""
    page.goto(url)
    page.locator(".st-key-signin_email input").wait_for()
    settle(page)
    submit(page, email, PASSWORD)
    page.get_by_role("heading", name=heading).wait_for()
    settle(page)


def submit(page, email: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.locator(".st-key-signin_email input").fill(email)
    page.locator(".st-key-signin_password input").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    settle(page)


def test_the_sign_in_page_names_nobody_and_as_signs_in_nobody(app_url, new_page):
    page = new_page()
    page.goto(f"{app_url}/team?as={MANAGER}")
    page.locator(".st-key-signin_email input").wait_for()
    settle(page)
    shot(page, "signin-as-ignored")
    whole = page.inner_text("body")
    assert MANAGER not in whole and "Maya Chen" not in whole and "Sam Okafor" not in whole
    assert page.locator(".st-key-identity_signout").count() == 0


def test_wrong_password_then_right_one_then_sign_out(app_url, app_data, new_page):
    add_person(app_data, "wes@example.com", "Wes Tern")
    page = new_page()
    page.goto(f"{app_url}/progress")
    page.locator(".st-key-signin_email input").wait_for()
    settle(page)
    submit(page, "wes@example.com", "not the password")
    page.get_by_text("don't match an account").wait_for()
    assert page.locator(".st-key-signin_email input").count() == 1
    submit(page, "wes@example.com", PASSWORD)
    page.locator(".st-key-signin_email").wait_for(state="detached")
    page.get_by_role("heading", name="My progress").wait_for()  # the address asked for, now signed in
    settle(page)
    assert "Wes Tern" in page.inner_text("[data-testid=stSidebarContent]")
    page.locator(".st-key-identity_signout button").click()
    page.get_by_text("You have signed out").wait_for()
    settle(page)
    assert page.locator(".st-key-signin_email input").count() == 1
    page.reload()  # a reload is a new session: still signed out
    page.locator(".st-key-signin_email input").wait_for()


def _session_cookie(page) -> dict | None:  # type: ignore[no-untyped-def]
    return next((c for c in page.context.cookies() if c["name"] == COOKIE), None)


def test_a_reload_and_a_new_tab_keep_the_sign_in_until_the_session_ends(app_url, app_data, new_page):
    add_person(app_data, "rae@example.com", "Rae Reload")
    page = new_page()
    signed_in(page, f"{app_url}/progress", "rae@example.com", "My progress")
    cookie = _session_cookie(page)
    assert cookie is not None and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert "rae" not in cookie["value"] and PASSWORD not in cookie["value"]  # an opaque token, nothing else

    page.reload()  # a new Streamlit session: the cookie signs the same person back in, on the same page
    page.get_by_role("heading", name="My progress").wait_for()
    settle(page)
    assert "Rae Reload" in page.inner_text("[data-testid=stSidebarContent]")
    tab = page.context.new_page()
    tab.goto(f"{app_url}/practice")
    tab.get_by_role("heading", name="Practice").wait_for()
    assert "Rae Reload" in tab.inner_text("[data-testid=stSidebarContent]")

    stolen = cookie["value"]
    store = Store.open(f"sqlite:///{app_data / 'scrimmage.db'}")
    try:  # an admin ends her sessions elsewhere (or they expire): the cookie signs nobody in
        AccountStore(store).end_sessions(SYSTEM, "rae@example.com")
    finally:
        store.close()
    page.reload()
    page.locator(".st-key-signin_email input").wait_for()
    page.get_by_text("Your session has ended").wait_for()
    settle(page)
    assert _session_cookie(page) is None  # cleared, so the next load is a plain sign-in page
    page.reload()
    page.locator(".st-key-signin_email input").wait_for()
    settle(page)
    assert page.get_by_text("Your session has ended").count() == 0

    elsewhere = new_page()  # the old token copied into another browser signs in nobody either
    elsewhere.context.add_cookies([{"name": COOKIE, "value": stolen, "url": app_url}])
    elsewhere.goto(f"{app_url}/progress")
    elsewhere.locator(".st-key-signin_email input").wait_for()
    assert elsewhere.locator(".st-key-identity_signout").count() == 0


def test_signing_out_forgets_the_browser(app_url, app_data, new_page):
    add_person(app_data, "otto@example.com", "Otto Out")
    page = new_page()
    signed_in(page, app_url, "otto@example.com")
    page.reload()  # this load sends the cookie; signing out must clear it even so
    page.get_by_role("heading", name="Practice").wait_for()
    settle(page)
    page.locator(".st-key-identity_signout button").click()
    page.get_by_text("You have signed out").wait_for()
    settle(page)
    assert _session_cookie(page) is None
    page.reload()
    page.locator(".st-key-signin_email input").wait_for()
    settle(page)
    assert page.get_by_text("Your session has ended").count() == 0


def test_repeated_failures_lock_the_account(app_url, app_data, new_page):
    add_person(app_data, "lou@example.com", "Lou Locke")
    page = new_page()
    page.goto(app_url)
    page.locator(".st-key-signin_email input").wait_for()
    settle(page)
    for _ in range(5):
        submit(page, "lou@example.com", "wrong guess again")
    page.get_by_text("locked for 15 more minutes").wait_for()
    submit(page, "lou@example.com", PASSWORD)
    page.get_by_text("locked", exact=False).first.wait_for()
    assert page.locator(".st-key-signin_email input").count() == 1
    shot(page, "signin-locked")


def test_an_invite_link_sets_a_password_and_signs_in(app_url, app_data, new_page):
    store = Store.open(f"sqlite:///{app_data / 'scrimmage.db'}")
    try:
        manager = store.login(MANAGER)
        link = AccountStore(store).invite(manager, "ivy@example.com", "Ivy Vite")
    finally:
        store.close()
    page = new_page()
    page.goto(link.url(app_url))
    page.get_by_text("Welcome — choose a password").wait_for()
    settle(page)
    shot(page, "signin-invite")
    page.locator(".st-key-signin_new_password input").fill("ivy's own long secret")
    page.locator(".st-key-signin_new_password2 input").fill("ivy's own long secret")
    page.get_by_role("button", name="Set password and sign in").click()
    page.get_by_role("heading", name="Practice").wait_for()
    settle(page)
    assert "invite=" not in page.url  # the used link is out of the address bar
    assert "Ivy Vite" in page.inner_text("[data-testid=stSidebarContent]")

    again = new_page()  # the link works once
    again.goto(link.url(app_url))
    again.get_by_text("already used").wait_for()


def test_the_new_password_signs_in(app_url, app_data, new_page):
    add_person(app_data, "nia@example.com", "Nia Newpass")
    store = Store.open(f"sqlite:///{app_data / 'scrimmage.db'}")
    try:
        link = AccountStore(store).issue_reset(SYSTEM, "nia@example.com")
    finally:
        store.close()
    page = new_page()
    page.goto(link.url(app_url))
    page.get_by_text("Choose a new password").wait_for()
    settle(page)
    page.locator(".st-key-signin_new_password input").fill("a fresh long secret")
    page.locator(".st-key-signin_new_password2 input").fill("a fresh long secret")
    page.get_by_role("button", name="Set password and sign in").click()
    page.get_by_role("heading", name="Practice").wait_for()
    other = new_page()
    other.goto(app_url)
    other.locator(".st-key-signin_email input").wait_for()
    settle(other)
    submit(other, "nia@example.com", PASSWORD)  # the old password no longer works
    other.get_by_text("don't match an account").wait_for()
    submit(other, "nia@example.com", "a fresh long secret")
    other.get_by_role("heading", name="Practice").wait_for()


def test_an_admin_sees_people_and_the_audit_trail(app_url, new_page):
    from tests.app.conftest import ADMIN
    from tests.e2e.conftest import open_as

    page = new_page()
    open_as(page, app_url, ADMIN, "people")
    page.get_by_text("Invite someone", exact=True).wait_for()
    shot(page, "people")
    open_as(page, app_url, ADMIN, "audit")
    page.locator("[data-testid=stDataFrame]").first.wait_for()
    shot(page, "audit")
    assert page.locator("[data-testid=stException]").count() == 0
