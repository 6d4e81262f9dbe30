"""Warm-up page: notes -> three matches with a reason -> a quick (4-reply) drill on Practice."""

from __future__ import annotations

from tests.app.conftest import REP, texts

NOTES = "Calling the CFO of a logistics company; she says our price is way over budget."


def _warmup(open_app):
    at = open_app(REP)
    at.switch_page("app_pages/warmup.py").run()
    assert not at.exception
    return at


def test_empty_notes_get_a_friendly_nudge(open_app):
    at = _warmup(open_app)
    assert "Paste a few lines" in texts(at)
    next(b for b in at.button if b.label == "Find my warm-ups").click().run()
    assert not at.exception
    assert "Write a line or two first" in texts(at)


def test_notes_give_three_matches_and_a_quick_drill(open_app):
    at = _warmup(open_app)
    at.text_area(key="warmup_notes").input(NOTES)
    next(b for b in at.button if b.label == "Find my warm-ups").click().run()
    assert not at.exception
    starts = [b for b in at.button if b.key and b.key.startswith("warmup_start_")]
    assert len(starts) == 3
    assert "Why:" in texts(at)
    starts[0].click().run()
    assert not at.exception
    assert at.session_state["practice_quick"] is True
    assert "Quick mode" in texts(at)
    at.switch_page("app_pages/practice.py")  # AppTest re-runs its own page; the browser stays on Practice
    at.button(key="practice_start").click().run()
    assert not at.exception
    assert "reply 1 of 4" in texts(at)
