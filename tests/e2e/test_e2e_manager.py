"""A manager's week in headless Chromium, checked against the store: assign → review with an override →
leaderboard → studio edit and restore.

Every number the browser shows on the way (the drill's overall, the override's before and after, the
completion counts, the leaderboard row, the studio's versions) is compared with the store itself, opened
directly on the running app's database (``app_data``). The manager and rep are added for this test only,
so other browser tests sharing the server change nothing it counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from coach_engine.assignments import assignment_status, completion_matrix
from coach_engine.leaderboard import compute_leaderboard
from coach_engine.reviews import queue_label
from coach_engine.store import SYSTEM, Store
from tests.e2e.conftest import open_as, settle, shot
from tests.e2e.test_e2e_app import pick, run_drill

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

BOSS, BOSS_NAME = "jo.rivera@example.com", "Jo Rivera"
REP, REP_NAME = "lee.park@example.com", "Lee Park"
TEAM = "north"
SCENARIO, TITLE = "cfo-price-routing", "Price pushback from a cost-focused CFO"
WIDE = {"width": 2400, "height": 1000}  # the standings grid renders only the columns in view


@contextmanager
def opened(data: Path) -> Iterator[Store]:
    store = Store.open(f"sqlite:///{data / 'scrimmage.db'}")
    try:
        yield store
    finally:
        store.close()


def add_people(data: Path) -> None:
    """This test's own manager and rep, with the seeded team's password (``seed_team`` does the same)."""
    from sqlalchemy import update

    from coach_engine.store.schema import UserRow
    from tests.app.conftest import _password_hash

    with opened(data) as store:
        store.add_user(SYSTEM, BOSS, BOSS_NAME, role="manager", team=TEAM)
        store.add_user(SYSTEM, REP, REP_NAME, role="rep", team=TEAM)
        with store.session() as s:
            s.execute(update(UserRow).where(UserRow.email.in_([BOSS, REP]))
                      .values(password_hash=_password_hash()))


def main_text(page) -> str:  # type: ignore[no-untyped-def]
    return page.inner_text("[data-testid=stMainBlockContainer]")


def metric(page, label: str) -> str:  # type: ignore[no-untyped-def]
    box = page.locator("[data-testid=stMetric]", has_text=label).first
    return box.locator("[data-testid=stMetricValue]").inner_text().strip()


def grid(page) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    """The first data grid on the page as rows of header -> cell text (its accessible table)."""
    frame = page.locator("[data-testid=stDataFrame]").first
    rows = frame.locator("[role=row]").all()
    header = [c.strip() for c in rows[0].locator("[role=columnheader]").all_inner_texts()]
    cells = [[c.strip() for c in r.locator("[role=gridcell]").all_inner_texts()] for r in rows[1:]]
    return [dict(zip(header, row, strict=False)) for row in cells]


def test_manager_assigns_reviews_ranks_and_restores_and_the_numbers_agree(app_url, app_data, new_page):
    add_people(app_data)

    # 1. Assign: the confirmation and the completion grid say what the store holds.
    manager = new_page(WIDE)
    open_as(manager, app_url, BOSS)
    manager.get_by_text("Assign a drill", exact=True).wait_for()
    pick(manager, "team_assign_scenario", TITLE)
    pick(manager, "team_assign_to", REP_NAME)
    manager.get_by_role("button", name="Assign", exact=True).click()
    due = date.today() + timedelta(days=7)
    manager.get_by_text(f"Assigned “{TITLE}” to {REP_NAME}, due {due:%a %d %b}").wait_for()
    with opened(app_data) as store:
        boss = store.login(BOSS)
        [assigned] = [a for a in store.assignments_for_team(boss, TEAM) if a.assignee == REP]
    assert (assigned.scenario_id, assigned.due, assigned.pass_mark, assigned.min_attempts) == (
        SCENARIO, due, 70, 1)

    # 2. The rep drills it; the scorecard's overall is the stored one.
    rep = new_page()
    run_drill(rep, app_url, REP, SCENARIO)
    shown_overall = int(metric(rep, "Overall").split("/")[0])
    with opened(app_data) as store:
        lee = store.login(REP)
        [attempt] = store.list_attempts(lee, status="completed")
        card = store.scorecard(lee, attempt.id)
    assert card is not None and attempt.overall == shown_overall == card.overall

    # 3. Completion: the grid's counts are the engine's, from the store.
    open_as(manager, app_url, BOSS, "team")
    manager.get_by_role("tab", name="Completion").click()
    settle(manager)
    with opened(app_data) as store:
        rows = assignment_status(store, store.login(BOSS), TEAM)
    counts = completion_matrix(rows, lambda sid: sid).counts()
    completion = main_text(manager)
    for status, n in counts.items():
        label = {"passed": "passed", "in_progress": "in progress", "not_started": "not started",
                 "overdue": "overdue"}[status]
        assert re.search(rf"{label}: {n}\b", completion), (status, n, completion)
    mine = next(r for r in rows if r.user == REP and r.assignment.id == assigned.id)  # other tests assign too
    assert mine.status == ("passed" if attempt.overall >= 70 and attempt.outcome != "walked_away"
                           else "in_progress")

    # 4. Review with an override: the page's before/after are the store's, and it stays on the queue.
    manager.get_by_role("tab", name="Review queue").click()
    settle(manager)
    pick(manager, "team_review_pick", queue_label(attempt, TITLE))
    weakest = min(card.skills, key=lambda s: (s.score, s.id))
    assert weakest.score < 5
    pick(manager, f"team_override_{attempt.id}_{weakest.id}", "5")
    manager.locator(f".st-key-team_comment_{attempt.id} textarea").fill("Strong close; scored up.")
    manager.get_by_role("button", name="Save review").click()
    manager.get_by_text(f"Review saved for {REP_NAME}").wait_for()
    settle(manager)
    saved = re.search(r"overall (\d+) → (\d+)/100, overridden by ([^.]+)\.", main_text(manager))
    assert saved is not None
    with opened(app_data) as store:
        boss = store.login(BOSS)
        after = store.get_attempt(boss, attempt.id)
        reviews = store.reviews(boss, attempt.id)
    assert (int(saved.group(1)), int(saved.group(2)), saved.group(3)) == (
        attempt.overall, after.overall, BOSS_NAME)
    assert after.graded_overall == attempt.overall and after.overridden_by == BOSS_NAME
    assert after.skills[weakest.id] == 5 and after.overall > attempt.overall
    assert len(reviews) == 1
    assert manager.get_by_role("tab", name="Review queue").get_attribute("aria-selected") == "true"
    shot(manager, "manager-review-saved")

    # 5. Leaderboard: the rep's row and the week's drill count are the engine's, from the store.
    open_as(manager, app_url, BOSS, "leaderboard")
    manager.get_by_text("Standings", exact=True).wait_for()
    settle(manager)
    with opened(app_data) as store:
        board = compute_leaderboard(store, store.login(BOSS), TEAM, None)
    expected = next(r for r in board.rows if r.user == REP)
    row = next(r for r in grid(manager) if r.get("Rep") == REP_NAME)
    assert int(row["Points"]) == expected.points and int(row["Drills"]) == expected.drills == 1
    assert int(row["Rank"]) == expected.rank
    assert float(row["Average"]) == pytest.approx(expected.average, abs=0.05)
    assert expected.average == after.overall  # the reviewed score, not the grader's
    assert row["Review"] == expected.reviewed_label == f"overridden by {BOSS_NAME}"
    assert int(metric(manager, "Drills this week")) == sum(r.drills for r in board.rows)
    shot(manager, "manager-leaderboard")

    # 6. Studio: a copy saved, edited into version 2, version 1 restored as version 3.
    open_as(manager, app_url, BOSS, "studio")
    editor = manager.get_by_label("Scenario YAML")
    editor.wait_for()
    pick(manager, "studio_source", f"Copy a shipped scenario: {TITLE}")
    if manager.locator(".st-key-studio_confirm_switch button").count():
        manager.locator(".st-key-studio_confirm_switch button").click()
        settle(manager)
    copy = yaml.safe_load(editor.input_value())
    assert copy["title"] == TITLE and copy["id"] != SCENARIO
    new_id = copy["id"]
    manager.locator(".st-key-studio_save button").click()
    manager.get_by_text(f"Saved “{new_id}” as a new scenario").wait_for()
    settle(manager)
    edited = re.sub(r"(?m)^title: .*$", "title: Edited in the browser", editor.input_value())
    editor.fill(edited)
    editor.press("Control+Enter")
    settle(manager)
    manager.get_by_role("button", name="Save as version 2").click()
    manager.get_by_text(f"Saved as version 2 of “{new_id}”").wait_for()
    settle(manager)
    with opened(app_data) as store:
        boss = store.login(BOSS)
        assert store.authored.get(boss, new_id).version == 2
        assert yaml.safe_load(store.authored.get(boss, new_id).yaml_text)["title"] == "Edited in the browser"
    manager.get_by_text("History: 2 versions").click()
    settle(manager)
    manager.get_by_role("button", name="Restore version 1").click()
    # Wait on the studio's own state (its history), not the one-run flash message, which a busy machine's
    # extra rerun can replace before the browser looks (a full suite run beside evals once timed out here).
    try:
        manager.get_by_text("History: 3 versions").wait_for(timeout=60_000)
    except Exception as exc:  # playwright's TimeoutError; playwright is imported only where it is installed
        if type(exc).__name__ != "TimeoutError":
            raise
        # On a loaded 2-core box a click that lands while the page re-renders can be dropped by the browser
        # (a CI run beside model training once waited 180 s on nothing). Only if the store shows it never
        # arrived is it clicked again: a restore that ran and failed to show still fails below.
        with opened(app_data) as store:
            version = store.authored.get(store.login(BOSS), new_id).version
        assert version == 2, f"restored (version {version}) but the page never showed it"
        settle(manager)
        manager.get_by_role("button", name="Restore version 1").click()
        manager.get_by_text("History: 3 versions").wait_for()
    settle(manager)
    with opened(app_data) as store:
        boss = store.login(BOSS)
        latest = store.authored.get(boss, new_id)
        versions = store.authored.versions(boss, new_id)
    assert latest.version == 3 and sorted(v.version for v in versions) == [1, 2, 3]
    assert yaml.safe_load(latest.yaml_text)["title"] == TITLE
    assert yaml.safe_load(editor.input_value())["title"] == TITLE
    assert f"History: {len(versions)} versions" in main_text(manager)
    shot(manager, "manager-studio-restored")
