"""Five reps drilling at the same time in five real browser sessions against one app server.

Every reply is sent to all five sessions before any answer is awaited, so the
server runs five scripts, five turn writes and then five gradings at once.
Afterwards the store must hold each reply once and in order, each attempt
graded, and the team's leaderboard must equal one recomputed from the attempts
(issue 14, part 6). How long it took is the bench's business, not this test's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coach_engine.leaderboard import compute_leaderboard
from coach_engine.store import SYSTEM, Store
from tests.e2e.conftest import open_as, settle
from tests.e2e.test_e2e_app import REPLIES
from tests.e2e.test_e2e_signin import add_person
from tests.integration.test_leaderboard_week_column import assert_rollups_exact, assert_same_as_scan

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PEOPLE = [(f"crowd{i}@example.com", f"Crowd Rep {i}") for i in range(5)]
SCENARIOS = ["cfo-price-routing", "3pl-trust-vendor-size", "contractor-incumbent-spreadsheets",
             "creditunion-competitor-fraud", "cfo-price-routing"]  # all on the bank's first page


def _messages(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.locator("[data-testid=stChatMessage]").count())


def test_five_browser_sessions_drill_at_once_and_nothing_is_lost(app_url, app_data: Path, new_page) -> None:
    pages = []
    for (email, name), scenario in zip(PEOPLE, SCENARIOS, strict=True):
        add_person(app_data, email, name)
        page = new_page()
        open_as(page, app_url, email)
        page.get_by_text("Browse the bank", exact=True).wait_for()
        page.locator(f".st-key-practice_pick_{scenario} button").click()
        page.locator(".st-key-practice_start button").wait_for()
        settle(page)
        pages.append(page)
    for page in pages:  # five calls start together
        page.locator(".st-key-practice_start button").click()
    for page in pages:
        page.wait_for_selector("[data-testid=stChatInputTextArea]")
        settle(page)

    sent: dict[str, list[str]] = {email: [] for email, _ in PEOPLE}
    for reply in REPLIES[:2]:  # two replies each: enough for every drill to count on the leaderboard
        live = [(p, e) for p, (e, _) in zip(pages, PEOPLE, strict=True)
                if p.locator("[data-testid=stChatInputTextArea]").count()]
        before = {e: _messages(p) for p, e in live}
        for page, email in live:  # all five send before any answer is awaited
            box = page.locator("[data-testid=stChatInputTextArea]")
            box.fill(reply)
            box.press("Enter")
            sent[email].append(reply)
        for page, email in live:
            page.wait_for_function(
                f"document.querySelectorAll('[data-testid=stChatMessage]').length >= {before[email] + 2}")
            settle(page)
    for page in pages:
        if page.locator(".st-key-practice_end button").is_enabled():
            page.locator(".st-key-practice_end button").click()
            settle(page)
    for page in pages:  # five gradings at once
        page.locator(".st-key-practice_grade button").click()
    for page in pages:
        page.get_by_text("Overall", exact=True).wait_for()

    store = Store.open(f"sqlite:///{app_data / 'scrimmage.db'}")
    try:
        for email, _name in PEOPLE:
            rep = store.login(email)
            (attempt,) = store.list_attempts(rep)
            stored = [t.text for t in store.turns(rep, attempt.id) if t.role == "rep"]
            assert stored == sent[email], email  # each reply once, in order
            assert attempt.status == "completed" and attempt.overall is not None
        assert_rollups_exact(store)
        board = compute_leaderboard(store, SYSTEM, "north")
        assert_same_as_scan(store, "north", [board.week])
        assert {r.user for r in board.rows if r.drills} >= {email for email, _ in PEOPLE}
    finally:
        store.close()
