"""Warm-up page: notes -> matches with a reason in words -> a quick (4-reply) drill tailored to the notes."""

from __future__ import annotations

from tests.app.conftest import REP, texts

NOTES = "Calling the CFO of a logistics company; she says our price is way over budget."
TAILORING = "300 trucks, freeze until Q3, cheaper vendor"


def _plain(at) -> str:
    """The page's text without the Markdown escapes ``safe`` adds."""
    return texts(at).replace("\\", "")


def _warmup(open_app):
    at = open_app(REP)
    at.switch_page("app_pages/warmup.py").run()
    assert not at.exception
    return at


def _find(at, notes: str):
    at.text_area(key="warmup_notes").input(notes)
    next(b for b in at.button if b.label == "Find my warm-ups").click().run()
    assert not at.exception
    return [b for b in at.button if b.key and b.key.startswith("warmup_start_")]


def test_empty_notes_get_a_friendly_nudge(open_app):
    at = _warmup(open_app)
    assert "Paste a few lines" in texts(at)
    next(b for b in at.button if b.label == "Find my warm-ups").click().run()
    assert not at.exception
    assert "Write a line or two first" in texts(at)


def test_notes_give_three_matches_and_a_quick_drill(open_app):
    at = _warmup(open_app)
    starts = _find(at, NOTES)
    assert len(starts) == 3
    shown = _plain(at)
    # The why is written in words, not raw tags.
    assert "Matches your notes: a price objection from a CFO in logistics" in shown
    assert "logistics, cfo" not in shown
    starts[0].click().run()
    assert not at.exception
    assert at.session_state["practice_quick"] is True
    assert "Quick mode" in texts(at)
    at.switch_page("app_pages/practice.py")  # AppTest re-runs its own page; the browser stays on Practice
    at.button(key="practice_start").click().run()
    assert not at.exception
    assert "reply 1 of 4" in texts(at)


def test_notes_with_nothing_in_them_get_the_nearest_drill_said_plainly(open_app):
    at = _warmup(open_app)
    starts = _find(at, "asdf qwerty")
    assert len(starts) == 1
    shown = _plain(at)
    assert "No close match for these notes; here is the nearest drill." in shown
    assert "The nearest drill" in shown
    assert "Your best matches" not in shown


def test_already_using_a_vendor_gets_an_incumbent_drill(open_app):
    at = _warmup(open_app)
    starts = _find(at, "Already use Gong and are happy")
    assert starts
    starts[0].click().run()
    assert not at.exception
    tailored = at.session_state["practice_tailored"]
    assert tailored.objection == "incumbent"
    assert any("Gong" in answer for answer in tailored.buyer.facts.values())


def test_the_drill_buyer_answers_with_the_notes_and_the_attempt_says_so(open_app, tmp_path):
    from coach_engine.store import Store

    at = _warmup(open_app)
    starts = _find(at, TAILORING)
    assert len(starts) == 3
    shown = _plain(at)
    assert "From your notes, the buyer will say" in shown and "300 trucks" in shown
    starts[0].click().run()
    assert not at.exception
    tailored = at.session_state["practice_tailored"]
    facts = {k: v.lower() for k, v in tailored.buyer.facts.items()}
    assert any("300 trucks" in v for v in facts.values())
    assert any("freeze until q3" in v for v in facts.values())
    assert any("cheaper vendor" in v for v in facts.values())
    assert {f.topic for f in at.session_state["practice_from_notes"]} >= {"fleet size"}
    at.switch_page("app_pages/practice.py")
    assert "Tailored to your call notes" in texts(at)
    at.button(key="practice_start").click().run()
    assert not at.exception
    drill = at.session_state["practice_drill"]
    assert drill.scenario.buyer.facts == tailored.buyer.facts  # the drill runs the tailored buyer
    at.chat_input(key="practice_reply").set_value("Understood. What is your fleet size today?").run()
    assert not at.exception
    assert "300 trucks" in at.session_state["practice_drill"].transcript.turns[-1].text
    at.chat_input(key="practice_reply").set_value(
        "That helps. What is behind the timing, and who else weighs in on the decision?").run()
    if not at.session_state["practice_drill"].finished:
        at.button(key="practice_end").click().run()
    at.button(key="practice_grade").click().run()
    assert not at.exception
    store = Store.open(f"sqlite:///{tmp_path / 'data' / 'scrimmage.db'}")
    sam = store.login(REP)
    [attempt] = store.list_attempts(sam)
    assert attempt.mode == "warmup" and attempt.scenario_id == tailored.id
    card = store.scorecard(sam, attempt.id)
    assert card is not None
    assert any("tailored to your call notes" in n and "fleet size (300 trucks)" in n for n in card.notes)
    store.close()
