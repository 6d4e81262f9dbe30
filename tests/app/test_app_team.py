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
