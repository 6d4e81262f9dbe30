"""The director resists keyword stuffing: bare lists of the right words meet nothing.

Holdout 2's stuffers listed the concern's own keywords and a bare next step
(lists in the style of "Misprints, approvals, Harbor Lithographics, $48k. Right?" or
"Demo, Friday at 11, half an hour, zero risk. OK?"), which the cue-count detector
cannot tell from substance. These tests
pin the director's screen (``coach_engine/buyer/substance.py``): fragment lists
show no behaviour, a turn of lists and stock lines is stuffing, a step must be
said in a sentence, and proof must name something specific.
"""

from __future__ import annotations

import pytest

from coach_engine.buyer import BuyerDirector, load_rules
from coach_engine.buyer.substance import fragment_list, fragment_spans, screen, specific
from coach_engine.models import Scenario
from coach_engine.scenarios import ScenarioBank
from coach_engine.signals import Behaviour, Signal, SignalSet, sentence_spans

B = Behaviour
RULES = load_rules().substance

STUFFED_LISTS = [
    "Two-way sync, no re-keying, missed appointments, $110k, Cedar Paws, payback, results.",
    "Plan: trial copy, IT manager, Wednesday, 30 minutes, no downside.",
    "Trial, 4 branches, three months, COO, phone call, fortnight, I'll brief him.",
    "Follow-up, live demo, Tuesday 2 p.m., 20 minutes, zero disruption, drivers untouched.",
    "Audit trail, approvals, return-to-play, Lakeshore State, clean audits, 5 hours saved weekly.",
    "Poor winter, flat fee, $9.6M, 8% lift, $770k, Bear Hollow, payback, ROI.",
    "Pilot, case study, ROI, next Tuesday?",
    "Here's the summary: fuel, board freeze, $90k, Hartley, ROI.",
    "Here's the value for you: sync, no-shows, $110k, Cedar Paws, ROI.",
]
REAL_SENTENCES = [
    "Redmesa Wind, 140 turbines, avoided 4 gearbox failures in 18 months, about $1.4M.",
    "St. Adrian Regional, 310 beds, cut agency spend from $9.2M to $6.5M in 12 months.",
    "Granite Notch, somewhat larger than you with 210,000 visits, grew revenue $1.4M that first winter.",
    "Here's the plan: a 30-minute call, Thursday at 2, you and your IT lead.",
    "Good question, Margaret, and I want to hear how you compared them before I defend our price.",
    "Thanks, Denise, that's good to hear, and I'm pleased your branch managers enjoyed the demo.",
    "Bluestem Carriers, 70 reefers, cut empty miles from 19% to 13% over a single season, roughly $340k.",
    "Could we do Thursday at 2:30, you, me and your IT lead, 30 minutes, sandbox?",
    "Here's what I'd suggest: a 30-minute call, Thursday at 2, you and your IT lead, and a sandbox copy.",
]


@pytest.mark.parametrize("sentence", STUFFED_LISTS)
def test_a_bare_list_of_keywords_is_a_fragment_list(sentence: str) -> None:
    assert fragment_list(sentence, RULES)


@pytest.mark.parametrize("sentence", REAL_SENTENCES)
def test_a_sentence_with_a_clause_is_not(sentence: str) -> None:
    assert not fragment_list(sentence, RULES)


def test_fragments_said_as_short_sentences_are_a_list_too() -> None:
    text = "Reprints. Proofs. Email sign-off. Harbor Lithographics. $48k. Make sense?"
    assert [text[a:b] for a, b in fragment_spans(text, RULES)] == [
        "Reprints.",
        "Proofs.",
        "Email sign-off.",
        "Harbor Lithographics.",
        "$48k.",
    ]
    assert fragment_spans("Got it. Makes sense. What changed this year?", RULES) == []


def signals_on(text: str, *per_sentence: tuple[Behaviour, ...]) -> SignalSet:
    """Signals placed on the sentences of ``text`` as the detectors would (one tuple per sentence)."""
    spans = sentence_spans(text)
    assert len(spans) == len(per_sentence), [text[a:b] for a, b in spans]
    return SignalSet(
        text, [Signal(b, text[a:e], a, e) for (a, e), bs in zip(spans, per_sentence, strict=True) for b in bs]
    )


EXPLORE = signals_on(
    "That's fair. What's behind the number for you?", (B.ACKNOWLEDGE,), (B.EXPLORE_CONCERN, B.OPEN_QUESTION)
)
FOLLOW = signals_on(
    "So spending is frozen. What would it take for the board to approve something?",
    (B.SUMMARIZE,),
    (B.EXPLORE_CONCERN, B.OPEN_QUESTION),
)
VALUE_LIST = signals_on(
    "Board freeze, fuel, 12-18%, $90k, Hartley Freight, $210k, ROI. Does that address your concern?",
    (B.STATE_VALUE, B.QUANTIFY_VALUE, B.TIE_TO_CONCERN, B.GIVE_PROOF),
    (B.CONFIRM, B.CLOSED_QUESTION),
)
STEP_LIST = signals_on(
    "Plan: paid pilot, controller, Tuesday, half-hour call, minimal risk. Sound good?",
    (B.NEXT_STEP,),
    (B.NEXT_STEP, B.CONFIRM, B.CLOSED_QUESTION),
)
STUFFED = signals_on(
    "Board freeze, fuel, $90k, Hartley Freight, ROI. Pilot, controller, Tuesday, low risk. Does that work?",
    (B.STATE_VALUE, B.QUANTIFY_VALUE, B.TIE_TO_CONCERN, B.GIVE_PROOF),
    (B.NEXT_STEP,),
    (B.NEXT_STEP, B.CONFIRM, B.CLOSED_QUESTION),
)
VALUE = signals_on(
    "With spending frozen, the $90k you would save on fuel pays for it. "
    "Hartley Freight (60 trucks) saved $210k in year one.",
    (B.STATE_VALUE, B.QUANTIFY_VALUE, B.TIE_TO_CONCERN),
    (B.GIVE_PROOF, B.QUANTIFY_VALUE),
)
STEP = signals_on(
    "How about a paid pilot on 20 trucks, scoped with your controller next Tuesday?", (B.NEXT_STEP, B.CONFIRM)
)


@pytest.fixture
def cfo(bank: ScenarioBank) -> Scenario:
    return bank.get("cfo-price-routing")  # explore, tie_number, low-risk next step


def test_a_turn_of_keyword_lists_and_a_bare_step_meets_nothing_and_costs_trust(cfo: Scenario) -> None:
    d = BuyerDirector(cfo)
    d.step(EXPLORE, 1)
    assert d.state.concern_revealed
    before = d.state.model_copy(deep=True)
    sit = d.step(STUFFED, 3)
    assert sit.id == "push_back_stuffing"
    assert [i.met for i in d.state.resolution] == [True, False, False]
    assert d.state.trust < before.trust and d.state.resistance > before.resistance
    assert d.state.patience < before.patience


def test_keyword_lists_then_a_listed_step_never_win(cfo: Scenario) -> None:
    d = BuyerDirector(cfo)
    ids = [d.step(t, 1 + 2 * i).id for i, t in enumerate((EXPLORE, FOLLOW, VALUE_LIST, STEP_LIST))]
    assert ids[2:] == ["push_back_stuffing", "push_back_stuffing"]
    assert not d.state.resolution[1].met and not d.state.resolution[2].met
    assert d.state.stage != "agreed"


def test_the_same_content_said_in_sentences_wins(cfo: Scenario) -> None:
    d = BuyerDirector(cfo)
    ids = [d.step(t, 1 + 2 * i).id for i, t in enumerate((EXPLORE, FOLLOW, VALUE, STEP))]
    assert ids[-1] == "agree"


def test_a_list_beside_a_real_question_is_set_aside_but_the_question_counts() -> None:
    text = "What would it take for the board to say yes? Fuel, $90k, Hartley Freight, ROI, pilot."
    s = screen(signals_on(text, (B.EXPLORE_CONCERN, B.OPEN_QUESTION), (B.STATE_VALUE, B.GIVE_PROOF)), RULES)
    assert {x.behaviour for x in s.signals if x.relevant} == {B.EXPLORE_CONCERN, B.OPEN_QUESTION}
    assert not s.has(B.KEYWORD_STUFFING)


def test_a_step_needs_a_time_and_an_activity_outside_the_list() -> None:
    listed = "Why not keep it simple? Follow-up, Thursday, 20 minutes, calendar. Does that work?"
    s = screen(signals_on(listed, (B.OPEN_QUESTION,), (B.NEXT_STEP,), (B.NEXT_STEP, B.CONFIRM)), RULES)
    assert not s.has(B.NEXT_STEP, relevant_only=True)
    said = (
        "Why not keep it simple? Fuel, $90k, Hartley Freight, ROI. "
        "Can we get your controller on a 20-minute call Thursday?"
    )
    s = screen(signals_on(said, (B.OPEN_QUESTION,), (B.STATE_VALUE,), (B.NEXT_STEP,)), RULES)
    assert s.has(B.NEXT_STEP, relevant_only=True)


def test_a_turn_without_lists_passes_the_screen_untouched() -> None:
    assert screen(VALUE, RULES) is VALUE


@pytest.mark.parametrize(
    ("quote", "ok"),
    [
        ("Hartley Freight (60 trucks) saved $210k in year one.", True),
        ("A fleet a lot like yours cut fuel 15% in a quarter.", True),
        ("Cedar Paws Veterinary uses it at four clinics and hasn't had one double booking.", True),
        ("Customers like you love it and see great results.", False),
        ("Lots of print shops like yours have had real success with Routewise.", False),
        ("Honestly, Dana, everyone who tries it sees the difference.", False),
        ("A regional carrier cut deadhead by a third in one season.", True),
        ("One of our customers loves it.", False),
    ],
)
def test_proof_must_name_a_customer_a_number_or_a_result(cfo: Scenario, quote: str, ok: bool) -> None:
    assert specific(quote, cfo) is ok


def test_vague_proof_does_not_meet_a_proof_item(bank: ScenarioBank) -> None:
    base = bank.get("cfo-price-routing").model_dump()
    base["buyer"]["resolution"] = [
        "The rep learns why the price feels high before defending it",
        "Points to a comparable fleet that cut fuel spend",
    ]
    s = Scenario.model_validate(base)
    d = BuyerDirector(s)
    d.step(EXPLORE, 1)
    d.step(signals_on("Fleets like yours love it and see great results.", (B.GIVE_PROOF, B.STATE_VALUE)), 3)
    assert not d.state.resolution[1].met
    d.step(signals_on("Hartley Freight, 60 trucks, saved $210k in year one.", (B.GIVE_PROOF,)), 5)
    assert d.state.resolution[1].met


@pytest.mark.slow
def test_a_good_guess_said_as_a_statement_draws_out_the_concern_a_keyword_list_does_not(
    cfo: Scenario,
    embedder,  # type: ignore[no-untyped-def]
) -> None:
    from coach_engine.session import DrillSession

    said = (
        "I'd guess this isn't only about the $48k. After a big software rollout goes badly, boards "
        "often freeze any new software spend for a while."
    )
    listed = "Failed ERP rollout, board freeze, new software spend, last year. Anything else?"
    outcomes = []
    for text in (said, listed):
        s = DrillSession(cfo, embedder=embedder, seed=0)
        s.start()
        s.rep_says(text)
        outcomes.append((s.state.concern_revealed, s.state.last_situation))
    assert outcomes == [(True, "reveal_concern"), (False, "push_back_stuffing")]
