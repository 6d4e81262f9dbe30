"""Scorecard and Clinic pages: a scorecard with evidence and next steps; a clinic of five rounds."""

from __future__ import annotations

from coach_engine.embeddings import HashEmbedder
from coach_engine.grading import get_grader
from coach_engine.models import Transcript, Turn
from coach_engine.scenarios import ScenarioBank
from coach_engine.settings import Settings
from coach_engine.store import Store
from tests.app.conftest import REP, texts
from tests.conftest import BANK_DIR

REPLY = "I understand the worry. What's behind the number? In its first year Hartley Freight saved $210k."


def _result():
    scenario = ScenarioBank.from_dirs([BANK_DIR]).get("cfo-price-routing")
    transcript = Transcript(scenario=scenario.id, turns=[Turn(role="buyer", text=scenario.buyer.opening),
                                                          Turn(role="rep", text=REPLY)])
    card = get_grader(Settings(embedding_backend="hash"), HashEmbedder()).grade(scenario, transcript)
    return {"scenario": scenario, "transcript": transcript, "scorecard": card, "attempt_id": None,
            "quick": False}


def test_scorecard_empty_state_points_to_practice(open_app):
    at = open_app(REP)
    at.switch_page("app_pages/scorecard.py").run()
    assert not at.exception
    assert "No scorecard yet" in texts(at)


def test_scorecard_after_a_refresh_shows_the_latest_stored_drill(open_app, tmp_path):
    from tests.app.test_app_leaderboard import complete_drill

    complete_drill(tmp_path / "data")
    at = open_app(REP)
    at.switch_page("app_pages/scorecard.py").run()
    assert not at.exception
    assert "Your latest drill" in texts(at)
    assert at.metric[0].label == "Overall"


def test_scorecard_shows_overall_checks_and_coaching(open_app):
    at = open_app(REP)
    result = _result()
    at.session_state["shared_result"] = result
    at.switch_page("app_pages/scorecard.py").run()
    assert not at.exception
    assert at.metric[0].value == f"{result['scorecard'].overall}/100"
    shown = texts(at)
    assert "Strengths" in shown and "Improvements" in shown
    assert "green-background" in shown  # evidence highlighted in the transcript
    assert any(b.key == "scorecard_retry" for b in at.button)


def test_scorecard_retry_opens_the_same_brief(open_app):
    at = open_app(REP)
    at.session_state["shared_result"] = _result()
    at.switch_page("app_pages/scorecard.py").run()
    at.button(key="scorecard_retry").click().run()
    assert not at.exception
    assert at.session_state["practice_scenario_id"] == "cfo-price-routing"
    assert any(b.key == "practice_start" for b in at.button)


def test_clinic_runs_five_rounds_to_a_summary(open_app, tmp_path):
    at = open_app(REP)
    at.switch_page("app_pages/clinic.py").run()
    assert not at.exception
    at.selectbox(key="clinic_objection").set_value("price").run()
    at.button(key="clinic_start").click().run()
    assert not at.exception
    for i in range(5):
        at.chat_input(key=f"clinic_reply_{i}").set_value(REPLY).run()
        assert not at.exception, at.exception
        assert "Reply score" in [m.label for m in at.metric]
        at.button(key=f"clinic_next_{i}").click().run()
    assert "Clinic summary" in texts(at)
    assert at.metric[0].label == "Average"
    store = Store.open(f"sqlite:///{tmp_path / 'data' / 'scrimmage.db'}")
    sam = store.login(REP)
    assert [a.mode for a in store.list_attempts(sam)] == ["clinic"] * 5


def test_scorecard_after_a_refresh_keeps_from_your_team(open_app, tmp_path):
    """The stored card is the grade alone; the page adds what memory knows, as right after the drill."""
    from coach_engine.embeddings import get_embedder
    from coach_engine.memory import remember
    from coach_engine.store.index import AttemptIndex
    from tests.app.conftest import REP2

    settings = Settings(data_dir=tmp_path / "data", embedding_backend="hash")
    scenario = ScenarioBank.from_dirs([BANK_DIR]).get("cfo-price-routing")
    grader = get_grader(settings, HashEmbedder())
    store = Store.open(settings.effective_database_url)
    index = AttemptIndex.from_settings(settings, get_embedder(settings))
    replies = {REP2: "That's fair, $48k is a lot more than you planned for routing. What figure did you have "
                     "in mind, and where did it come from? In its first year Hartley Freight saved $210k. "
                     "Can I get half an hour Tuesday with your controller?",
               REP: "OK. It is a good product."}
    for email, reply in replies.items():
        user = store.login(email)
        transcript = Transcript(scenario=scenario.id, turns=[Turn(role="buyer", text=scenario.buyer.opening),
                                                              Turn(role="rep", text=reply)])
        attempt = store.start_attempt(user, scenario)
        for i, t in enumerate(transcript.turns):
            store.record_turn(user, attempt.id, i, t.role, t.text)
        remember(store, index, user, attempt.id, grader.grade(scenario, transcript))
    store.close()

    at = open_app(REP)
    at.switch_page("app_pages/scorecard.py").run()
    assert not at.exception
    assert "Your latest drill" in texts(at)
    assert "and where did it come from" in texts(at)  # Priya's better reply, under "From your team"


def _with(result, **update):
    return {**result, "scorecard": result["scorecard"].model_copy(update=update)}


def test_after_a_walk_away_the_scorecard_offers_try_again_not_a_harder_one(open_app):
    at = open_app(REP)
    at.session_state["shared_result"] = _with(_result(), overall=0, outcome="walked_away")
    at.switch_page("app_pages/scorecard.py").run()
    assert not at.exception
    retry = at.button(key="scorecard_retry")
    assert retry.label == "🔁 Try again" and retry.proto.type == "primary"
    assert not any(b.key == "scorecard_harder" for b in at.button)
    assert "Try a harder one" not in " ".join(b.label for b in at.button)
    assert "Pass this one (70+" in texts(at)


def test_after_a_pass_the_scorecard_offers_a_harder_one(open_app):
    at = open_app(REP)
    at.session_state["shared_result"] = _with(_result(), overall=85, outcome="agreed")
    at.switch_page("app_pages/scorecard.py").run()
    harder = at.button(key="scorecard_harder")
    assert harder.label == "⬆️ Try a harder one" and not harder.disabled
    assert at.button(key="scorecard_retry").label == "🔁 Retry this scenario"
    harder.click().run()
    assert at.session_state["practice_scenario_id"] != "cfo-price-routing"


def test_turns_are_numbered_by_rep_reply(open_app):
    at = open_app(REP)
    at.session_state["shared_result"] = _result()
    at.switch_page("app_pages/scorecard.py").run()
    shown = texts(at)
    assert "**You** · Reply 1" in shown
    assert "turn 0" not in shown and "turn 1" not in shown  # the buyer's opening is not a turn of yours
    assert "Reply 1: “" in shown  # evidence quotes say which reply


def test_each_clinic_opening_shows_what_its_reply_is_coached_on(open_app):
    """The card coaches a benefit, a figure and a customer result: the round shows them first (issue 15)."""
    at = open_app(REP)
    at.switch_page("app_pages/clinic.py").run()
    at.selectbox(key="clinic_objection").set_value("price").run()
    at.button(key="clinic_start").click().run()
    assert not at.exception
    scenario = ScenarioBank.from_dirs([BANK_DIR]).get(at.session_state["clinic_rounds"][0])
    plain = texts(at).replace("\\", "").replace("**", "")
    assert f"You sell {scenario.product.name}" in plain
    assert all(p in plain for p in scenario.product.value_points)
    assert all(p in plain for p in scenario.product.proof_points)
    assert " ".join(scenario.context.split()) in " ".join(plain.split())
    assert scenario.buyer.hidden_concern.strip() not in plain
    at.chat_input(key="clinic_reply_0").set_value("OK. It is a good product.").run()
    assert not at.exception
    plain = texts(at).replace("\\", "").replace("**", "")
    assert "Next time:" in plain and all(p in plain for p in scenario.product.value_points)


def test_a_clinic_reply_that_explores_shows_value_and_advance_as_not_yet_due(open_app):
    """A first reply that asks the right question is judged as a first reply: the skills that come later
    are shown as not yet due, not scored."""
    at = open_app(REP)
    at.switch_page("app_pages/clinic.py").run()
    at.selectbox(key="clinic_objection").set_value("price").run()
    at.button(key="clinic_start").click().run()
    explored = "That's a fair worry. What's behind the number for you?"
    at.chat_input(key="clinic_reply_0").set_value(explored).run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Respond with value: not yet due" in shown
    assert "Confirm and advance: not yet due" in shown
