"""Sign-in and role gating: signed out there is only sign-in; reps and managers get their pages."""

from __future__ import annotations

import pytest

from tests.app.conftest import MANAGER, REP, texts


def test_signed_out_shows_only_sign_in(open_app):
    at = open_app()
    assert not at.exception
    assert "Who's practising?" in texts(at)
    assert any(b.label == "Sign in" for b in at.button)


def test_sign_in_button_opens_the_members_pages(open_app):
    at = open_app()
    rep_button = next(b for b in at.button if b.key and b.key.startswith("signin_") and b.type != "primary")
    rep_button.click().run()
    assert not at.exception
    assert at.session_state["identity_member"].role == "rep"
    assert "Practice" in texts(at)


def test_rep_cannot_open_team_or_studio(open_app):
    at = open_app(REP)
    assert not at.exception
    for path in ("app_pages/team.py", "app_pages/studio.py"):
        with pytest.raises(ValueError):
            at.switch_page(path)


def test_manager_gets_team_pages(open_app):
    at = open_app(MANAGER)
    assert not at.exception
    at.switch_page("app_pages/team.py").run()
    assert not at.exception
    assert "Team" in texts(at)


def test_mode_note_is_visible(open_app):
    at = open_app(REP)
    assert "Offline mode" in texts(at)


def test_an_unusable_database_is_a_message_not_a_traceback(open_app, monkeypatch):
    monkeypatch.setenv("SCRIMMAGE_DATABASE_URL", "sqlite:////proc/scrimmage-no/x.db")
    at = open_app(REP)
    assert not at.exception
    assert "could not be opened" in at.error[0].value
