"""Team page (managers): assign a drill and the rep sees it; the same assignment is not made twice;
edit and cancel with history; the completion matrix's counts are its cells; review with override."""

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
    assert "keep the grader's score" not in shown  # no stray module text printed by Streamlit magic


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


def _assign(at, scenario_id: str, to: str, *, mark: int | None = None):
    at.selectbox(key="team_assign_scenario").set_value(scenario_id)
    at.selectbox(key="team_assign_to").set_value(to)
    if mark is not None:
        at.number_input(key="team_assign_mark").set_value(mark)
    next(b for b in at.button if b.label == "Assign").click().run()
    assert not at.exception
    return at


def _counts(at) -> dict[str, int]:
    """The completion tab's caption ("⬜ not started: 3 · ...") as {status: count}."""
    caption = next(c.value for c in at.caption if "not assigned to that rep" in c.value)
    out = {}
    for part in caption.split(" · ")[:-1]:
        label, n = part.rsplit(": ", 1)
        out[label] = int(n)
    return out


def _cells(at) -> dict[str, int]:
    grid = at.dataframe[0].value
    tally: dict[str, int] = {}
    for value in grid.to_numpy().ravel():
        if value != "—":
            tally[value] = tally.get(value, 0) + 1
    return tally


def test_assigning_the_same_drill_twice_makes_one_and_says_so(open_app, tmp_path):
    at = _team(open_app)
    _assign(at, "saas-budget-spend-freeze", "__team__")
    assert "Assigned" in texts(at)
    _assign(at, "saas-budget-spend-freeze", "__team__")
    assert "already assigned" in texts(at) and "nothing new was created" in texts(at)
    assert at.dataframe[0].value.shape == (2, 1)  # two reps, one assignment
    assert _counts(at) == _cells(at) == {"⬜ not started": 2}
    store = Store.open(f"sqlite:///{tmp_path / 'data' / 'scrimmage.db'}")
    assert len(store.assignments_for_team(store.login(MANAGER), "north")) == 1


def test_matrix_counts_agree_with_its_cells(open_app, tmp_path):
    at = _team(open_app)
    _assign(at, "saas-budget-spend-freeze", "__team__")
    _assign(at, "saas-budget-spend-freeze", "__team__", mark=80)  # same title and due: its own column
    _assign(at, "cfo-price-routing", REP)
    complete_drill(tmp_path / "data", scenario_id="cfo-price-routing")
    at.run()
    grid = at.dataframe[0].value
    assert grid.shape == (2, 3)
    assert sum(_counts(at).values()) == sum(_cells(at).values()) == 5  # 2 + 2 + 1 cells, no "—"
    assert _counts(at) == _cells(at)
    assert "🟡 in progress" in _cells(at) or "✅ passed" in _cells(at)  # Sam drilled the CFO scenario


def test_manager_edits_then_cancels_an_assignment_and_the_history_shows_it(open_app):
    at = _team(open_app)
    _assign(at, "saas-budget-spend-freeze", REP)
    assignment_id = int(at.selectbox(key="team_edit_pick").value)
    at.number_input(key=f"team_edit_mark_{assignment_id}").set_value(80)
    at.number_input(key=f"team_edit_min_{assignment_id}").set_value(2)
    next(b for b in at.button if b.label == "Save changes").click().run()
    assert not at.exception
    assert "Saved" in texts(at) and "pass mark 80" in texts(at)
    history = next(e for e in at.expander if e.label == "History")
    lines = " ".join(str(m.value) for m in history.markdown)
    assert "Maya Chen" in lines and "pass mark 70 → 80" in lines and "minimum drills 1 → 2" in lines

    rep = open_app(REP)
    assert "pass mark 80" in texts(rep) and "0 of 2 drills done" in texts(rep)
    assert "Clinic replies and warm-ups don" in texts(rep)

    cancel = next(b for b in at.button if b.label == "Cancel assignment")
    assert cancel.disabled  # only after the confirmation
    at.checkbox(key=f"team_cancel_sure_{assignment_id}").check().run()
    next(b for b in at.button if b.label == "Cancel assignment").click().run()
    assert not at.exception
    assert "Cancelled" in texts(at)
    assert "No assignments yet" in texts(at)  # the matrix no longer counts it
    assert "No open assignments to change" in texts(at)

    rep = open_app(REP)
    assert not any(b.key and b.key.startswith("practice_assigned_") for b in rep.button)
    assert "Nothing assigned right now" in texts(rep)



def test_a_clinic_reply_does_not_pass_a_drill_assignment(open_app, tmp_path):
    at = _team(open_app)
    _assign(at, "cfo-price-routing", REP, mark=0)  # any score would pass, if it counted
    complete_drill(tmp_path / "data", replies=1, mode="clinic")
    complete_drill(tmp_path / "data", replies=1)  # a drill ended after one reply
    rep = open_app(REP)
    assert "0 of 1 drill done" in texts(rep)  # still assigned, nothing counted
    at.run()
    assert _cells(at) == {"🟡 in progress": 1}  # a drill was started, none qualified
    complete_drill(tmp_path / "data")
    at.run()
    assert _cells(at) == {"✅ passed": 1}
    rep = open_app(REP)
    assert not any(b.key and b.key.startswith("practice_assigned_") for b in rep.button)


def _save_review(at, attempt_id: int, *, comment: str = "", overrides: dict[str, int] | None = None):
    for skill_id, score in (overrides or {}).items():
        at.selectbox(key=f"team_override_{attempt_id}_{skill_id}").set_value(score)
    if comment:
        at.text_area(key=f"team_comment_{attempt_id}").input(comment)
    next(b for b in at.button if b.label == "Save review").click().run()
    assert not at.exception
    return at


def test_a_comment_then_an_override_are_both_kept_and_the_manager_stays_on_the_queue(open_app, tmp_path):
    first = complete_drill(tmp_path / "data", scenario_id="saas-budget-spend-freeze")
    second = complete_drill(tmp_path / "data")
    at = _team(open_app)
    at.session_state["team_tab"] = "Review queue"
    at.run()
    pick = at.selectbox(key="team_review_pick")
    assert pick.value == second  # newest first
    assert "Price pushback from a cost-focused CFO" in pick.options[0]  # a title, not "cfo-price-routing"
    assert "cfo-price-routing" not in " ".join(pick.options)

    _save_review(at, second, comment="Lovely opening question")
    assert at.session_state["team_tab"] == "Review queue"  # not back on Assign
    assert "Review saved for Sam Okafor" in texts(at)
    assert at.selectbox(key="team_review_pick").value == first  # on to the next one in the queue

    at.toggle(key="team_review_open").set_value(False).run()
    at.selectbox(key="team_review_pick").set_value(second).run()
    _save_review(at, second, overrides={"confirm-advance": 5})
    shown = texts(at)
    assert "overridden by Maya Chen" in shown and "Confirm and advance" in shown and "→ 5/5" in shown
    assert at.session_state["team_tab"] == "Review queue"

    store = Store.open(f"sqlite:///{tmp_path / 'data' / 'scrimmage.db'}")
    rep = store.login(REP)
    assert [(r.overrides, r.comment) for r in store.reviews(rep, second)] == [
        ({}, "Lovely opening question"), ({"confirm-advance": 5}, "")]
    attempt = store.get_attempt(rep, second)
    assert attempt.overridden_by == "Maya Chen" and attempt.graded_overall is not None
    assert attempt.skills["confirm-advance"] == 5
    assert f"{attempt.overall}/100" in [m.value for m in at.metric]  # the card shows the reviewed overall
    assert "✍️ Overridden by Maya Chen" in texts(at)


def test_a_second_save_on_an_attempt_reviewed_meanwhile_is_not_lost(open_app, tmp_path):
    """The queue hides reviewed attempts, but never the one whose form is open: its submission counts."""
    attempt_id = complete_drill(tmp_path / "data")
    complete_drill(tmp_path / "data", scenario_id="saas-budget-spend-freeze")
    at = _team(open_app)
    at.selectbox(key="team_review_pick").set_value(attempt_id).run()
    store = Store.open(f"sqlite:///{tmp_path / 'data' / 'scrimmage.db'}")
    store.add_review(store.login(MANAGER), attempt_id, {}, "a comment saved a moment ago")
    _save_review(at, attempt_id, overrides={"explore": 5})
    assert [r.overrides for r in store.reviews(store.login(REP), attempt_id)] == [{}, {"explore": 5}]


def test_the_export_agrees_with_itself_after_an_override(open_app, tmp_path):
    from coach_engine.reviews import rescore

    attempt_id = complete_drill(tmp_path / "data")
    store = Store.open(f"sqlite:///{tmp_path / 'data' / 'scrimmage.db'}")
    manager = store.login(MANAGER)
    store.add_review(manager, attempt_id, {"confirm-advance": 5}, "")
    card = store.scorecard(manager, attempt_id)
    at = _team(open_app)
    export = next(d.value for d in at.dataframe if "Overridden by" in d.value.columns)
    assert not {"Attempt", "Email", "Scenario id"} & set(export.columns)  # names, not ids, on screen
    row = export.iloc[0]
    assert (row["Rep"], row["Scenario"], row["Overridden by"]) == (
        "Sam Okafor", "Price pushback from a cost-focused CFO", "Maya Chen")
    assert row["Confirm and advance"] == 5
    assert row["Overall"] == store.get_attempt(manager, attempt_id).overall
    assert row["Overall"] == rescore(card, {"confirm-advance": 5}).overall
    assert row["Grader's overall"] == card.overall


def test_an_assignment_behind_its_scenario_says_so_and_the_manager_moves_it(open_app, tmp_path):
    """Issue 15, part 4: a live assignment keeps its version until the manager moves it, here."""
    from datetime import date

    import yaml

    from coach_engine.models import Scenario
    from tests.app.test_app_studio import create, own_yaml

    store = Store.open(f"sqlite:///{tmp_path / 'data' / 'scrimmage.db'}")
    manager = store.login(MANAGER)
    create(store, own_yaml(title="North's CFO drill"))
    a = store.create_assignment(manager, "north-cfo", date(2030, 1, 1), team="north")
    at = _team(open_app)
    assert "Behind" not in texts(at) and f"team_move_{a.id}" not in [b.key for b in at.button]

    v2 = own_yaml(title="North's CFO drill, harder")
    store.authored.save_version(manager, Scenario.model_validate(yaml.safe_load(v2)), v2, base_version=1)
    at = _team(open_app)  # a fresh page: AppTest can't rerun a picker whose label (the title) just changed
    shown = texts(at)
    assert "Behind: on v1; v2 is the latest" in shown
    assert "Behind the latest version of their scenario" in shown
    assert "harder · the whole team · due Tue 01 Jan — on v1; v2 is the latest" in shown
    assert "their next drill for this assignment uses version 2" in shown
    assert "Drills already done still count" in shown

    at.button(key=f"team_move_{a.id}").click().run()
    assert not at.exception
    shown = texts(at)
    assert "to version 2" in shown and "still count" in shown  # the confirmation
    assert "Behind" not in shown and f"team_move_{a.id}" not in [b.key for b in at.button]
    assert store.get_assignment(manager, a.id).scenario_version == 2
    history = next(e for e in at.expander if e.label == "History")
    assert "scenario version 1 → 2" in " ".join(str(m.value) for m in history.markdown)

    rep = open_app(REP)  # the rep's assigned drill is now version 2
    rep.button(key=f"practice_assigned_{a.id}").click().run()
    assert not rep.exception
    assert rep.subheader[0].value == "North's CFO drill, harder"
    store.close()
