"""Leaderboard page: empty week says what to do; after a drill the rep is ranked; CSV is offered;
a drill ended after one reply earns nothing; a rep without drills shows "—"; the rules panel
states every number of coach_engine/points.yaml."""

from __future__ import annotations

from coach_engine.embeddings import HashEmbedder
from coach_engine.grading import get_grader
from coach_engine.models import Transcript, Turn
from coach_engine.scenarios import ScenarioBank
from coach_engine.settings import Settings
from coach_engine.store import Store
from tests.app.conftest import MANAGER, REP, texts
from tests.conftest import BANK_DIR

REPLIES = ["That's fair. What's behind the number?",
           "In its first year Hartley Freight saved $210k. Could a paid pilot the board signs off on work?"]


def complete_drill(data_dir, email: str = REP, scenario_id: str = "cfo-price-routing", replies: int = 2,
                   mode: str = "drill") -> int:
    """A completed, graded attempt straight through the store (what Practice does): ``replies`` rep turns."""
    scenario = ScenarioBank.from_dirs([BANK_DIR]).get(scenario_id)
    turns = [Turn(role="buyer", text=scenario.buyer.opening)]
    for reply in (REPLIES * 3)[:replies]:
        turns += [Turn(role="rep", text=reply), Turn(role="buyer", text="Go on.")]
    transcript = Transcript(scenario=scenario.id, turns=turns)
    card = get_grader(Settings(embedding_backend="hash"), HashEmbedder()).grade(scenario, transcript)
    store = Store.open(f"sqlite:///{data_dir / 'scrimmage.db'}")
    user = store.login(email)
    attempt = store.start_attempt(user, scenario, mode=mode)
    for i, t in enumerate(transcript.turns):
        store.record_turn(user, attempt.id, i, t.role, t.text)
    store.complete_attempt(user, attempt.id, card)
    store.close()
    return attempt.id


def test_empty_week_says_what_to_do(open_app):
    at = open_app(REP)
    at.switch_page("app_pages/leaderboard.py").run()
    assert not at.exception
    assert "No drills yet this week" in texts(at)
    assert "How points work" in [e.label for e in at.expander]


def test_rep_is_ranked_after_a_drill(open_app, tmp_path):
    complete_drill(tmp_path / "data")
    at = open_app(MANAGER)
    at.switch_page("app_pages/leaderboard.py").run()
    assert not at.exception
    standings = at.dataframe[0].value
    assert standings.iloc[0]["Rep"] == "Sam Okafor"
    assert standings.iloc[0]["Drills"] == 1
    assert at.metric[0].value == "Sam Okafor"
    assert [d.key for d in at.download_button] == ["leaderboard_csv"]


def test_a_rep_without_drills_shows_a_dash_not_none(open_app, tmp_path):
    complete_drill(tmp_path / "data")
    at = open_app(MANAGER)
    at.switch_page("app_pages/leaderboard.py").run()
    standings = at.dataframe[0].value.set_index("Rep")
    assert standings.loc["Priya Nair", "Average"] == "—"
    assert standings.loc["Priya Nair", "Best skill"] == "—"
    assert "None" not in standings.to_string()
    assert standings.loc["Sam Okafor", "Average"] not in ("—", None)


def test_a_drill_ended_after_one_reply_earns_nothing(open_app, tmp_path):
    complete_drill(tmp_path / "data", replies=1)
    at = open_app(REP)
    at.switch_page("app_pages/leaderboard.py").run()
    assert not at.exception
    assert "No drills yet this week" in texts(at)
    sam = at.dataframe[0].value.set_index("Rep").loc["Sam Okafor"]
    assert (sam["Points"], sam["Drills"], sam["Streak (weeks)"]) == (0, 0, 0)


def test_the_rules_panel_states_every_number(open_app):
    from coach_engine.points import load_rules

    rules = load_rules()
    at = open_app(REP)
    at.switch_page("app_pages/leaderboard.py").run()
    panel = next(e for e in at.expander if e.label == "How points work")
    shown = " ".join(" ".join(str(m.value) for m in panel.markdown).split())  # line breaks as spaces
    for tier in rules.drill.tiers:
        assert f"| {tier.min_score}-" in shown and f"| {tier.points} |" in shown
    assert f"under {rules.drill.floor} earns nothing" in shown
    assert f"at least {rules.drill.min_replies} replies" in shown and "keeps no streak alive" in shown
    assert f"at most {rules.clinic.weekly_cap} a week" in shown
    assert f"at most {rules.warmup.weekly_cap} a week" in shown
    assert f"up to +{rules.improvement.max_bonus} per scenario" in shown
    assert f"+{rules.assignment_points} for each assignment" in shown


def test_an_override_shows_on_the_leaderboard_with_the_managers_name(open_app, tmp_path):
    attempt_id = complete_drill(tmp_path / "data")
    store = Store.open(f"sqlite:///{tmp_path / 'data' / 'scrimmage.db'}")
    manager = store.login(MANAGER)
    store.add_review(manager, attempt_id, {"confirm-advance": 5, "explore": 5}, "")
    reviewed = store.get_attempt(manager, attempt_id)
    assert reviewed.overall != reviewed.graded_overall
    at = open_app(REP)
    at.switch_page("app_pages/leaderboard.py").run()
    assert not at.exception
    sam = at.dataframe[0].value.set_index("Rep").loc["Sam Okafor"]
    assert sam["Review"] == "overridden by Maya Chen"
    assert float(sam["Average"]) == float(reviewed.overall)  # the reviewed overall, not the grader's
    assert at.dataframe[0].value.set_index("Rep").loc["Priya Nair", "Review"] == ""
