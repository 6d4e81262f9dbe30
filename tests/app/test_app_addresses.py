"""Every page has a stable address: /practice, /team, /leaderboard … open for the roles that may see them.

Streamlit serves its default page only at ``/``; the home pages used to be the
default, so a bookmarked ``/practice`` (rep) or ``/team`` (manager) said "Page
not found". AppTest has no URL bar, so ``open_at`` does what the browser does
when it opens an address: it asks for the page by name (``RerunData.page_name``)
and records whether Streamlit sent its "Page not found" message.
"""

from __future__ import annotations

import functools

import pytest
import streamlit.commands.navigation as navigation
import streamlit.testing.v1.local_script_runner as local_runner
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
from streamlit.testing.v1 import AppTest

from tests.app.conftest import ADMIN, APP, MANAGER, PASSWORD, REP, signed_in

TITLES = {"practice": "Practice", "scorecard": "Scorecard", "warmup": "Warm-up", "clinic": "Clinic",
          "progress": "My progress", "team": "Team", "leaderboard": "Leaderboard",
          "studio": "Scenario studio", "people": "People", "audit": "Audit trail", "account": "My account"}


def open_at(monkeypatch: pytest.MonkeyPatch, path: str, member_id: str | None = None) -> tuple[AppTest, list]:
    """Open the app at ``/<path>`` (signed in, with a session minted for ``member_id`` when given)."""
    not_found: list[str] = []
    monkeypatch.setattr(local_runner, "RerunData", functools.partial(RerunData, page_name=path))
    monkeypatch.setattr(navigation, "send_page_not_found", lambda ctx: not_found.append(path))
    at = AppTest.from_file(APP, default_timeout=60)
    if member_id is not None:
        signed_in(at, member_id)
    return at.run(), not_found


def title(at: AppTest) -> str:
    return at.title[0].value if at.title else ""


@pytest.mark.parametrize(("who", "path"), [
    *[(REP, p) for p in ("practice", "scorecard", "warmup", "clinic", "progress", "leaderboard", "account")],
    *[(MANAGER, p) for p in ("team", "leaderboard", "studio", "practice", "scorecard", "people", "account")],
    *[(ADMIN, p) for p in ("people", "audit")],
])
def test_each_page_opens_at_its_address_for_a_role_that_may_see_it(monkeypatch, who, path):
    at, not_found = open_at(monkeypatch, path, who)
    assert not at.exception
    assert not_found == []
    assert title(at) == TITLES[path]


@pytest.mark.parametrize(("who", "home"), [(REP, "Practice"), (MANAGER, "Team")])
def test_the_root_opens_the_roles_home_page(monkeypatch, who, home):
    at, not_found = open_at(monkeypatch, "", who)
    assert not at.exception and not_found == []
    assert title(at) == home


@pytest.mark.parametrize(("who", "path", "home"), [
    (REP, "team", "Practice"), (REP, "people", "Practice"), (REP, "audit", "Practice"),
    (MANAGER, "audit", "Team"),
])
def test_a_page_the_role_may_not_see_is_not_found_and_the_home_page_shows(monkeypatch, who, path, home):
    at, not_found = open_at(monkeypatch, path, who)
    assert not_found == [path]
    assert title(at) == home


def test_a_bookmark_opened_signed_out_signs_in_then_opens_that_page(monkeypatch):
    at, not_found = open_at(monkeypatch, "leaderboard")
    assert not at.exception and not_found == []
    assert title(at) == "🏉 Scrimmage"  # the sign-in page, at the bookmarked address
    at.text_input(key="signin_email").input(MANAGER)
    at.text_input(key="signin_password").input(PASSWORD)
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert not at.exception
    assert title(at) == "Leaderboard"
