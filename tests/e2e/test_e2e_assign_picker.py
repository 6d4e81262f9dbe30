"""A studio title edited while a manager has a drill picked on the Team page keeps the manager's pick.

The assign picker's options are scenario ids shown through their titles; a
title edited in the studio (here, by another manager's save) changes the label
of the option the manager has picked but not yet assigned. The pick must stay
on that scenario and "Assign" must assign it (the confirmation names the new
title). It did not: the browser holds a pick as its label, the old label was no
longer an option, and the submit silently assigned the bank's first scenario.
Labels now stay as first shown for the session.
"""

from __future__ import annotations

import pytest

from coach_engine.scenarios import ScenarioBank
from coach_engine.store import Store
from coach_engine.studio import scenario_yaml
from tests.app.conftest import MANAGER
from tests.e2e.conftest import REPO, open_as, settle
from tests.e2e.test_e2e_app import pick
from tests.e2e.test_e2e_signin import add_person

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SCENARIO = "picker-title-edit"


def test_an_edited_title_keeps_the_managers_pick(app_url, app_data, new_page) -> None:
    add_person(app_data, "pia@example.com", "Pia Picker")
    bank = ScenarioBank.from_dirs([REPO / "scenarios"])
    first = bank.get("cfo-price-routing").model_copy(update={"id": SCENARIO, "title": "Zebra pricing drill"})
    store = Store.open(f"sqlite:///{app_data / 'scrimmage.db'}")
    try:
        manager = store.login(MANAGER)
        store.save_scenario(manager, first, scenario_yaml(first))
    finally:
        store.close()

    page = new_page()
    open_as(page, app_url, MANAGER, "team")
    page.locator(".st-key-team_assign_scenario input").click()
    page.keyboard.type("Zebra pricing")
    page.get_by_role("option", name="Zebra pricing drill", exact=False).first.click()
    settle(page)
    assert "Zebra pricing drill" in page.locator(".st-key-team_assign_scenario input").input_value()

    edited = first.model_copy(update={"title": "Yak pricing drill"})
    store = Store.open(f"sqlite:///{app_data / 'scrimmage.db'}")
    try:
        store.save_scenario(store.login(MANAGER), edited, scenario_yaml(edited))
    finally:
        store.close()
    page.get_by_role("tab", name="Completion").click()  # the page reruns and reads the new title
    settle(page)
    page.get_by_role("tab", name="Assign").click()
    settle(page)
    shown = page.locator(".st-key-team_assign_scenario input").input_value()
    assert "Zebra pricing drill" in shown, shown  # the same pick, under the label it was picked by
    pick(page, "team_assign_to", "Pia Picker")  # its own rep: other tests count the team's assignments
    page.get_by_role("button", name="Assign", exact=True).click()
    page.get_by_text("Assigned “Yak pricing drill”").wait_for()
    store = Store.open(f"sqlite:///{app_data / 'scrimmage.db'}")
    try:
        made = store.assignments_for_team(store.login(MANAGER), "north")
    finally:
        store.close()
    assert [a.scenario_id for a in made if a.scenario_id == SCENARIO] == [SCENARIO]
    assert "3pl-trust-vendor-size" not in {a.scenario_id for a in made}  # not the bank's first drill instead
