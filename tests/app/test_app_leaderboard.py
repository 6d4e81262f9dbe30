"""Leaderboard page: empty week says what to do; after a drill the rep is ranked; CSV is offered."""

from __future__ import annotations

from coach_engine.embeddings import HashEmbedder
from coach_engine.grading import get_grader
from coach_engine.models import Transcript, Turn
from coach_engine.scenarios import ScenarioBank
from coach_engine.settings import Settings
from coach_engine.store import Store
from tests.app.conftest import MANAGER, REP, texts
from tests.conftest import BANK_DIR


def complete_drill(data_dir, email: str = REP, scenario_id: str = "cfo-price-routing") -> int:
    """A completed, graded attempt straight through the store (what Practice does)."""
    scenario = ScenarioBank.from_dirs([BANK_DIR]).get(scenario_id)
    reply = "That's fair. What's behind the number? Hartley Freight saved $210k in year one."
    transcript = Transcript(scenario=scenario.id, turns=[Turn(role="buyer", text=scenario.buyer.opening),
                                                          Turn(role="rep", text=reply)])
    card = get_grader(Settings(embedding_backend="hash"), HashEmbedder()).grade(scenario, transcript)
    store = Store.open(f"sqlite:///{data_dir / 'scrimmage.db'}")
    user = store.login(email)
    attempt = store.start_attempt(user, scenario)
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
