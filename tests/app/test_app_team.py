"""Team page (managers): assign a drill and the rep sees it; completion matrix; review with override."""

from __future__ import annotations

from coach_engine.store import Store
from tests.app.conftest import MANAGER, REP, texts
from tests.app.test_app_leaderboard import complete_drill


def _team(open_app):
    at = open_app(MANAGER)
    at.switch_page("app_pages/team.py").run()
    assert not at.exception
    return at


def test_team_page_renders_empty_states(open_app):
    at = _team(open_app)
    shown = texts(at)
    assert "No assignments yet" in shown
    assert "Nothing to review yet" in shown


def test_manager_assigns_and_rep_sees_it_on_practice(open_app):
    at = _team(open_app)
    at.selectbox(key="team_assign_scenario").set_value("saas-budget-spend-freeze")
    at.selectbox(key="team_assign_to").set_value(REP)
    at.button[0].click().run()  # the form's Assign button
    assert not at.exception
    assert "Assigned" in texts(at)
    assert "not started" in at.dataframe[0].value.to_string()

    rep = open_app(REP)
    assert not rep.exception
    assert any(b.key and b.key.startswith("practice_assigned_") for b in rep.button)
    assert "pass mark 70" in texts(rep)


def test_review_overrides_a_skill_and_the_rep_can_read_it(open_app, tmp_path):
    attempt_id = complete_drill(tmp_path / "data")
    at = _team(open_app)
    assert "Sam Okafor" in at.selectbox(key="team_review_pick").options[0]
    skill_boxes = [s for s in at.selectbox if s.key and s.key.startswith(f"team_override_{attempt_id}_")]
    skill_boxes[0].set_value(5)
    at.text_area(key=f"team_comment_{attempt_id}").input("Great opening question <script>")
    next(b for b in at.button if b.label == "Save review").click().run()
    assert not at.exception
    assert "Review saved" in texts(at)
    store = Store.open(f"sqlite:///{tmp_path / 'data' / 'scrimmage.db'}")
    reviews = store.reviews(store.login(REP), attempt_id)
    assert reviews and reviews[0].comment == "Great opening question <script>"
    assert "team_csv" in [d.key for d in at.download_button]


def test_rep_cannot_see_the_team_page(open_app):
    import pytest

    at = open_app(REP)
    with pytest.raises(ValueError):
        at.switch_page("app_pages/team.py")
