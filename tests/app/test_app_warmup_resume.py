"""A warm-up resumed after a refresh runs on the scenario tailored to the notes, and so do its scorecard
and its manager's review (issue 15 leftover: they used to run on the bank's version)."""

from __future__ import annotations

from coach_engine.identity import Member
from tests.app.conftest import MANAGER, REP, texts

TAILORING = "300 trucks, freeze until Q3, cheaper vendor"
FLEET = "Understood. What is your fleet size today?"


def _member(store, email: str) -> Member:
    user = store.login(email)
    return Member(id=user.email, name=user.name, role=user.role, team="north", user=user)


def test_a_resumed_warmup_its_scorecard_and_its_review_use_the_tailored_scenario(open_app, tmp_path):
    from app_pages import _records as records
    from coach_engine.store import Store

    at = open_app(REP)
    at.switch_page("app_pages/warmup.py").run()
    at.text_area(key="warmup_notes").input(TAILORING)
    next(b for b in at.button if b.label == "Find my warm-ups").click().run()
    next(b for b in at.button if b.key and b.key.startswith("warmup_start_")).click().run()
    assert not at.exception
    tailored = at.session_state["practice_tailored"]
    at.switch_page("app_pages/practice.py")
    at.button(key="practice_start").click().run()
    at.chat_input(key="practice_reply").set_value("Fair question. What's behind the number for you?").run()
    assert not at.exception

    # A refresh: a new browser session, where only the stored attempt remembers the warm-up.
    again = open_app(REP)
    again.switch_page("app_pages/practice.py").run()
    [resume] = [b for b in again.button if b.key and b.key.startswith("practice_resume_")]
    resume.click().run()
    assert not again.exception
    drill = again.session_state["practice_drill"]
    assert drill.scenario == tailored  # not the bank's 85 trucks
    assert again.session_state["practice_quick"] is True and "reply 2 of 4" in texts(again)
    assert "fleet size" in {f.topic for f in again.session_state["practice_from_notes"]}
    assert "Tailored to your call notes" in texts(again)
    again.chat_input(key="practice_reply").set_value(FLEET).run()
    assert "300 trucks" in again.session_state["practice_drill"].transcript.turns[-1].text
    if not again.session_state["practice_drill"].finished:
        again.button(key="practice_end").click().run()
    again.button(key="practice_grade").click().run()
    assert not again.exception

    # "Try again" from the warm-up's scorecard replays the tailored copy, not the bank's version.
    again.switch_page("app_pages/scorecard.py").run()
    again.session_state["practice_tailored"] = None  # only the retry may set them again
    again.session_state["practice_from_notes"] = ()
    again.button(key="scorecard_retry").click().run()
    assert not again.exception
    assert again.session_state["practice_tailored"] == tailored
    assert "fleet size" in {f.topic for f in again.session_state["practice_from_notes"]}

    store = Store.open(f"sqlite:///{tmp_path / 'data' / 'scrimmage.db'}")
    try:
        rep, manager = _member(store, REP), _member(store, MANAGER)
        [attempt] = store.list_attempts(rep.user)
        assert attempt.status == "completed" and attempt.mode == "warmup"
        card = store.scorecard(rep.user, attempt.id)
        assert card is not None and any("tailored to your call notes" in n for n in card.notes)
        # The scorecard after a refresh and the manager's review rebuild the tailored scenario.
        latest = records.latest_result(rep)
        assert latest is not None and latest["scenario"] == tailored
        assert records.attempt_detail(manager, attempt.id)["scenario"] == tailored
    finally:
        store.close()


def test_a_resumed_bank_drill_is_unchanged(open_app, tmp_path):
    from coach_engine.store import Store

    at = open_app(REP)
    at.switch_page("app_pages/practice.py").run()
    next(b for b in at.button if b.key == "practice_pick_cfo-price-routing").click().run()
    at.button(key="practice_start").click().run()
    at.chat_input(key="practice_reply").set_value("Fair question. What's behind the number for you?").run()
    bank_scenario = at.session_state["practice_drill"].scenario

    again = open_app(REP)
    again.switch_page("app_pages/practice.py").run()
    [resume] = [b for b in again.button if b.key and b.key.startswith("practice_resume_")]
    resume.click().run()
    assert not again.exception
    assert again.session_state["practice_drill"].scenario == bank_scenario
    assert again.session_state["practice_quick"] is False
    assert "Tailored to your call notes" not in texts(again)
    store = Store.open(f"sqlite:///{tmp_path / 'data' / 'scrimmage.db'}")
    try:
        with store.engine.connect() as c:
            from sqlalchemy import text

            assert c.execute(text("SELECT played_scenario FROM attempts")).scalars().all() == [None]
    finally:
        store.close()
