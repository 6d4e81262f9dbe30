"""RubricGrader mechanics with a scripted detector: checks, scope, relevance, evidence, determinism."""

from __future__ import annotations

import re

import pytest

from coach_engine.embeddings import CachedEmbedder
from coach_engine.grading import RubricGrader
from coach_engine.grading.rubric_grader import AnalysedTurn, evaluate_check
from coach_engine.models import RubricCheck, Scenario, Transcript, Turn
from coach_engine.scenarios import ScenarioBank
from coach_engine.signals import Behaviour, Signal, SignalContext, SignalSet

CUES: dict[Behaviour, str] = {
    Behaviour.ACKNOWLEDGE: r"that's fair[^.?!]*|i hear you[^.?!]*",
    Behaviour.OPEN_QUESTION: r"\b(?:what|how|why)\b[^?]*\?",
    Behaviour.EXPLORE_CONCERN: r"what's behind[^?]*\?",
    Behaviour.STATE_VALUE: r"\bcuts\b[^.]*",
    Behaviour.QUANTIFY_VALUE: r"\d+(?:-\d+)?%",
    Behaviour.GIVE_PROOF: r"hartley freight[^.]*",
    Behaviour.CONFIRM: r"does that (?:address|help)[^?]*\?",
    Behaviour.NEXT_STEP: r"\b(?:tuesday|thursday) at \d+",
    Behaviour.CHECK_OTHER_CONCERNS: r"anything else[^?]*\?",
    Behaviour.DISCOUNT: r"\bdiscount\b[^.]*",
    Behaviour.PRESSURE: r"only until friday[^.]*",
    Behaviour.PASSIVE: r"^\s*(?:ok|sure)\W*$",
}
IRRELEVANT = "by the way"


def stub_detector(text: str, ctx: SignalContext, embedder: object) -> SignalSet:
    """Regex cues; a sentence containing 'by the way' yields irrelevant signals."""
    out = []
    for b, pat in CUES.items():
        for m in re.finditer(pat, text, re.I):
            sentence_start = max(text.rfind(".", 0, m.start()), text.rfind("?", 0, m.start()))
            relevant = IRRELEVANT not in text[sentence_start + 1 : m.end()].lower()
            out.append(Signal(b, m.group(0), m.start(), m.end(), relevant=relevant))
    return SignalSet(text=text, signals=sorted(out, key=lambda s: (s.start, s.behaviour.value)))


@pytest.fixture
def scenario(bank: ScenarioBank) -> Scenario:
    return bank.get("cfo-price-routing")


@pytest.fixture
def grader(hash_embedder: CachedEmbedder) -> RubricGrader:
    return RubricGrader(hash_embedder, detector=stub_detector)


STRONG = ("That's fair, Dana. What's behind the budget number? Routewise cuts fuel spend 12-18% a quarter; "
          "Hartley Freight saved $210k. Does that address it?")


def transcript(*reps: str, opening: str = "Too expensive.") -> Transcript:
    turns = [Turn(role="buyer", text=opening)]
    for r in reps:
        turns += [Turn(role="rep", text=r), Turn(role="buyer", text="Go on.")]
    return Transcript(scenario="cfo-price-routing", turns=turns[:-1])


def analysed(index: int, text: str) -> AnalysedTurn:
    return AnalysedTurn(index=index, text=text, signals=stub_detector(text, None, None).signals)  # type: ignore[arg-type]


def test_passed_checks_quote_the_exact_text_of_the_turn(grader: RubricGrader, scenario: Scenario) -> None:
    card = grader.grade_reply(scenario, STRONG)
    assert card.mode == "reply"
    passed = [c for s in card.skills for c in s.checks if c.passed]
    assert passed
    for check in passed:
        measured = check.note.startswith("measured:")
        assert bool(check.evidence) != measured, check.id  # a quote, or for delivery a measure
        for ev in check.evidence:
            assert ev.turn == 1
            assert ev.quote in STRONG


def test_delivery_shows_its_measure_not_a_quote(grader: RubricGrader, scenario: Scenario) -> None:
    """A calm, concise delivery is in what was not said: the card shows the replies' length and questions."""
    reps = ["I hear you on the number.", "What is behind the budget line you set?",
            "Could we look at one depot first, next Tuesday?"]
    card = grader.grade(scenario, transcript(*reps))
    delivery = next(s for s in card.skills if s.id == "delivery")
    passed = [c for c in delivery.checks if c.passed]
    assert passed
    for check in passed:
        assert check.evidence == []
        assert "3 replies" in check.note and "questions asked" in check.note and "(reply " in check.note


def test_reply_mode_scores_only_first_reply_checks(grader: RubricGrader, scenario: Scenario) -> None:
    card = grader.grade_reply(scenario, STRONG)
    ids = {c.id for s in card.skills for c in s.checks}
    assert "other-concerns" not in ids  # "anything else?" belongs after an answer
    assert "confirms" in ids and "proposes-next-step" in ids  # a first reply can already propose a step


def test_same_input_same_scorecard_byte_for_byte(grader: RubricGrader, scenario: Scenario) -> None:
    t = transcript(STRONG, "Could we book Tuesday at 10 with your controller? Anything else in the way?")
    first = grader.grade(scenario, t, "agreed").model_dump_json()
    fresh = RubricGrader(grader.embedder, detector=stub_detector)
    again = fresh.grade(scenario, t, "agreed").model_dump_json()
    assert first == again


def test_empty_or_minimal_replies_never_ace_delivery(grader: RubricGrader, scenario: Scenario) -> None:
    for reply in ("ok", "sure", "   "):
        card = grader.grade_reply(scenario, reply)
        assert card.skill("delivery").score == 1
        assert card.overall == 0
        assert not any(c.passed for c in card.skill("delivery").checks)


def test_none_of_check_fails_with_the_offending_quote(grader: RubricGrader, scenario: Scenario) -> None:
    reply = "I hear you. What's behind that? I can give you a discount of 20% today."
    card = grader.grade_reply(scenario, reply)
    check = next(c for c in card.skill("delivery").checks if c.id == "no-discount-first")
    assert not check.passed
    assert check.evidence and check.evidence[0].quote.startswith("discount")
    hit = next(h for h in card.skill("respond-value").anti_patterns if h.id == "discount-first")
    assert hit.evidence[0].quote in reply


def test_a_passed_manner_check_never_quotes_a_slip_or_a_turn_with_no_move() -> None:
    """No dismissing or arguing is not proved by a sentence that put the price down or pushed: the quote is a
    move no slip overlaps, or there is none."""
    check = RubricCheck(id="calm", question="q?", none_of=["dismiss", "argue"])
    mixed = evaluate_check(check, [analysed(1, "There's a discount on it for you this week and more."),
                                   analysed(2, "That's fair, the cost is real. What's behind it for you?")])
    assert mixed.passed and mixed.evidence[0].turn == 2 and mixed.evidence[0].quote.startswith("That's fair")
    slips_only = evaluate_check(check, [analysed(1, "There's a discount on it for you this week and more.")])
    assert slips_only.passed and slips_only.evidence == []


def test_irrelevant_signals_do_not_pass_relevant_checks(grader: RubricGrader, scenario: Scenario) -> None:
    relevant = grader.grade_reply(scenario, "What's behind the number for you?")
    off = grader.grade_reply(scenario, "By the way, what's behind the weather today?")
    assert relevant.skill("explore").score > off.skill("explore").score


def test_any_of_scope_before_value_counts_only_acknowledgement_before_the_pitch() -> None:
    check = RubricCheck(id="ack", question="q?", any_of=["acknowledge"], scope="before_value")
    before = evaluate_check(check, [analysed(1, "That's fair. Routewise cuts fuel 12%.")])
    after = evaluate_check(check, [analysed(1, "Routewise cuts fuel 12%. That's fair, though.")])
    assert before.passed and before.evidence[0].quote == "That's fair"
    assert not after.passed


def test_scope_first_and_last() -> None:
    turns = [analysed(1, "Hmm."), analysed(3, "Also hmm."), analysed(5, "Does that address it?")]
    first = RubricCheck(id="c1", question="q?", any_of=["confirm"], scope="first")
    last = RubricCheck(id="c2", question="q?", any_of=["confirm"], scope="last")
    assert not evaluate_check(first, turns).passed
    result = evaluate_check(last, turns)
    assert result.passed and result.evidence[0].turn == 5


def test_all_of_needs_every_behaviour() -> None:
    check = RubricCheck(id="both", question="q?", all_of=["acknowledge", "confirm"])
    assert not evaluate_check(check, [analysed(1, "That's fair.")]).passed
    ok = evaluate_check(check, [analysed(1, "That's fair."), analysed(3, "Does that help?")])
    assert ok.passed and {e.turn for e in ok.evidence} == {1, 3}


def test_outcome_counts_for_multi_turn_transcripts_only(grader: RubricGrader, scenario: Scenario) -> None:
    t = transcript(STRONG, "Could we book Tuesday at 10 with your controller?")
    agreed = grader.grade(scenario, t, "agreed")
    walked = grader.grade(scenario, t, "walked_away")
    open_ = grader.grade(scenario, t)
    assert agreed.outcome == "agreed" and open_.outcome == "open"
    assert walked.overall < open_.overall < agreed.overall
    assert agreed.overall - open_.overall <= 5 and open_.overall - walked.overall <= 10


def test_multi_turn_next_step_passes_with_evidence_from_its_turn(grader: RubricGrader,
                                                                  scenario: Scenario) -> None:
    t = transcript(STRONG, "Could we book Tuesday at 10 with your controller? Anything else in the way?")
    card = grader.grade(scenario, t)
    step = next(c for c in card.skill("confirm-advance").checks if c.id == "proposes-next-step")
    assert step.passed and step.evidence[0].turn == 3
    assert step.evidence[0].quote in t.turns[3].text
    assert card.skill("confirm-advance").score == 5
    assert card.skill("confirm-advance").level.startswith("Confirms, and proposes")


def test_better_reply_scores_higher(grader: RubricGrader, scenario: Scenario) -> None:
    weak = grader.grade_reply(scenario, "Routewise is a great product and worth the money, honestly.")
    strong = grader.grade_reply(scenario, STRONG)
    assert strong.overall > weak.overall
