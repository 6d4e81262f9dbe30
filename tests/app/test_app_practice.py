"""Practice page: browse and filter the bank, read the brief (never the hidden concern), run a drill."""

from __future__ import annotations

from coach_engine.scenarios import ScenarioBank
from tests.app.conftest import REP, texts
from tests.conftest import BANK_DIR


def _pick(at, scenario_id: str):
    at.button(key=f"practice_pick_{scenario_id}").click().run()
    assert not at.exception
    return at


def test_picker_lists_the_bank_and_filters(open_app):
    at = open_app(REP)
    assert not at.exception
    bank = ScenarioBank.from_dirs([BANK_DIR])
    assert f"{len(bank)} drills" in texts(at)
    at.selectbox(key="practice_f_objection").set_value("price").run()
    assert f"{len(bank.list(objection='price'))} drills" in texts(at)
    at.text_input(key="practice_f_query").input("no-such-word-anywhere").run()
    assert "No drill matches" in texts(at)


def test_brief_shows_context_but_never_the_hidden_concern(open_app):
    at = open_app(REP)
    scenario = ScenarioBank.from_dirs([BANK_DIR]).get("cfo-price-routing")
    _pick(at, scenario.id)
    shown = texts(at)
    assert "Dana Whitfield" in shown
    assert "Start the call" in [b.label for b in at.button]
    for secret in (scenario.buyer.hidden_concern, *scenario.buyer.resolution):
        assert secret[:40] not in shown.replace("\\", "")


def test_a_drill_runs_turn_by_turn_and_ends_on_the_scorecard(open_app):
    at = open_app(REP)
    _pick(at, "cfo-price-routing")
    at.button(key="practice_start").click().run()
    assert not at.exception
    assert len(at.chat_message) == 1  # the buyer's opening
    reply = "That's a fair concern. What's behind the number you set aside for routing software?"
    at.chat_input(key="practice_reply").set_value(reply).run()
    assert not at.exception
    assert [m.name for m in at.chat_message] == ["buyer", "rep", "buyer"]
    at.button(key="practice_end").click().run()
    assert not at.exception
    at.button(key="practice_grade").click().run()
    assert not at.exception
    card = at.session_state["shared_result"]["scorecard"]
    assert 0 < card.overall <= 100  # a real question about the objection earns something
    assert {s.id for s in card.skills} >= {"listen-acknowledge", "explore"}
    explore = next(s for s in card.skills if s.id == "explore")
    quotes = [e.quote for c in explore.checks if c.passed for e in c.evidence]
    assert quotes and all(q in reply for q in quotes)  # the evidence is the rep's own words


def test_rep_text_is_never_rendered_as_markup(open_app):
    at = open_app(REP)
    _pick(at, "cfo-price-routing")
    at.button(key="practice_start").click().run()
    at.chat_input(key="practice_reply").set_value("<b>bold</b> **star** [link](http://x)").run()
    assert not at.exception
    rep = next(m for m in at.chat_message if m.name == "rep")
    body = rep.markdown[0].value
    assert "<b>" not in body.replace("\\<b\\>", "") and "\\*\\*star\\*\\*" in body


def test_an_unfinished_drill_survives_a_refresh_and_resumes(open_app):
    at = open_app(REP)
    _pick(at, "cfo-price-routing")
    at.button(key="practice_start").click().run()
    at.chat_input(key="practice_reply").set_value("What's behind the budget you set aside?").run()
    assert len(at.chat_message) == 3

    fresh = open_app(REP)  # a new browser session: session state is gone, the store is not
    assert "Pick up where you left off" in texts(fresh)
    next(b for b in fresh.button if b.key and b.key.startswith("practice_resume_")).click().run()
    assert not fresh.exception
    assert [m.name for m in fresh.chat_message] == ["buyer", "rep", "buyer"]


def test_an_unfinished_drill_can_be_discarded(open_app):
    at = open_app(REP)
    _pick(at, "cfo-price-routing")
    at.button(key="practice_start").click().run()
    fresh = open_app(REP)
    next(b for b in fresh.button if b.key and b.key.startswith("practice_discard_")).click().run()
    assert not fresh.exception
    assert "Pick up where you left off" not in texts(fresh)


def test_buyer_gauge_is_off_by_default_and_on_by_setting(open_app, monkeypatch):
    at = open_app(REP)
    _pick(at, "cfo-price-routing")
    at.button(key="practice_start").click().run()
    assert not at.get("progress")
    monkeypatch.setenv("SCRIMMAGE_SHOW_BUYER_GAUGE", "true")
    import streamlit as st

    st.cache_resource.clear()
    on = open_app(REP)
    _pick(on, "cfo-price-routing")
    on.button(key="practice_start").click().run()
    assert "Buyer temperature" in on.get("progress")[0].proto.text


def test_long_lists_show_a_page_then_all(open_app):
    at = open_app(REP)
    picks = [b for b in at.button if b.key and b.key.startswith("practice_pick_")]
    assert len(picks) == 8
    at.button(key="practice_more").click().run()
    bank = ScenarioBank.from_dirs([BANK_DIR])
    assert len([b for b in at.button if b.key and b.key.startswith("practice_pick_")]) == len(bank)


def test_ending_before_saying_anything_still_gives_a_scorecard(open_app):
    at = open_app(REP)
    _pick(at, "cfo-price-routing")
    at.button(key="practice_start").click().run()
    at.button(key="practice_end").click().run()
    at.button(key="practice_grade").click().run()
    assert not at.exception
    assert at.session_state["shared_result"]["scorecard"].overall <= 20


def test_a_discount_only_drill_ends_with_the_offer_pocketed_not_a_walk_away(open_app):
    """Issue 13: a rep who only cuts the price is not walked out on; the buyer takes the offer and stalls."""
    at = open_app(REP)
    _pick(at, "cfo-price-routing")
    at.button(key="practice_start").click().run()
    for reply in ("I can knock $10k off, so you'd be at $38k a year.",
                  "I could also waive onboarding and give you two months free.",
                  "I might get $32k past my manager. What number works for you?",
                  "Fine, I'll take another 10% off on top of that."):
        if any(b.key == "practice_grade" for b in at.button):
            break
        at.chat_input(key="practice_reply").set_value(reply).run()
        assert not at.exception
    shown = texts(at)
    assert "without a commitment" in shown and "walked away" not in shown
    assert any(b.key == "practice_grade" for b in at.button)
