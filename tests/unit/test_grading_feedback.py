"""Coaching: at most three strengths and improvements, tied to turns; lines to try are whole sentences."""

from __future__ import annotations

import pytest

from coach_engine.embeddings import CachedEmbedder
from coach_engine.grading import RubricGrader, delivery_notes, try_instead
from coach_engine.grading.feedback import coaching_lines
from coach_engine.models import Scenario, Scorecard, Transcript, Turn
from coach_engine.scenarios import ScenarioBank
from tests.unit.test_grading_checks import STRONG, stub_detector


@pytest.fixture
def grader(hash_embedder: CachedEmbedder) -> RubricGrader:
    return RubricGrader(hash_embedder, detector=stub_detector)


def test_try_instead_uses_the_scenarios_own_proof_figures_and_step(bank: ScenarioBank) -> None:
    cfo = bank.get("cfo-price-routing")
    assert try_instead(cfo, "gives-proof").rstrip(".") in " ".join(cfo.product.proof_points)
    assert any(c.isdigit() for c in try_instead(cfo, "quantifies-value"))
    step = cfo.buyer.next_step or ""
    assert step and step.split()[-1].rstrip(".") in try_instead(cfo, "proposes-next-step")


def test_lines_are_whole_sentences_with_nothing_pasted_in(bank: ScenarioBank) -> None:
    """Every trainer line is a complete sentence with no slot left in it, for every objection type."""
    for kind, by_type in coaching_lines().items():
        assert "any" in by_type, kind
        for lines in by_type.values():
            for line in lines:
                assert "{" not in line and "}" not in line, line
                assert line[0].isupper() and line.rstrip()[-1] in ".?!", line
    for sid in bank.ids():
        s = bank.get(sid)
        for key in ("acknowledges-concern", "explores-concern", "no-discount-first", "respectful",
                    "confirms"):
            line = try_instead(s, key)
            assert line and line[0].isupper() and line.rstrip()[-1] in ".?!"


def test_a_tie_is_coached_with_a_tie_and_proof_without_proof_points_with_a_reference(
        bank: ScenarioBank) -> None:
    """A missed tie is never coached with a feature line (that teaches the pitch the check misses); a scenario
    with no proof points of its own gets a reference offer for proof, not a question; a missed benefit is
    coached with one of the product's own."""
    cfo = bank.get("cfo-price-routing")
    tie = try_instead(cfo, "ties-to-concern")
    assert tie in coaching_lines()["tie"][cfo.objection]
    assert tie not in cfo.product.value_points
    bare = cfo.model_copy(update={"product": cfo.product.model_copy(update={"proof_points": []})})
    assert try_instead(bare, "gives-proof") in coaching_lines()["proof"]["any"]
    # a benefit to state is one the product has, never a trainer's stock claim
    assert try_instead(cfo, "states-value").rstrip(".") in [p.rstrip(".") for p in cfo.product.value_points]


def test_lines_differ_by_failed_check(bank: ScenarioBank) -> None:
    s = bank.get("cfo-price-routing")
    ids = ["acknowledges-concern", "plays-back", "explores-concern", "other-concerns", "states-value",
           "quantifies-value", "gives-proof", "confirms", "proposes-next-step",
           "concise", "no-pressure", "no-discount-first", "respectful"]
    lines = {try_instead(s, i) for i in ids}
    assert len(lines) >= len(ids) - 1  # open-question and explores-concern may share the explore line


def test_at_most_three_each_tied_to_rep_turns(grader: RubricGrader, bank: ScenarioBank) -> None:
    scenario = bank.get("cfo-price-routing")
    turns = [Turn(role="buyer", text="Too expensive."), Turn(role="rep", text=STRONG),
             Turn(role="buyer", text="Hmm."), Turn(role="rep", text="I can do a discount if you sign today.")]
    card = grader.grade(scenario, Transcript(scenario=scenario.id, turns=turns))
    assert 0 < len(card.strengths) <= 3 and 0 < len(card.improvements) <= 3
    rep_turns = {1, 3}
    for st in card.strengths:
        assert st.turn in rep_turns and st.quote in turns[st.turn].text
    for im in card.improvements:
        assert im.turn in rep_turns and im.try_instead
    discount = card.improvements[0]
    assert discount.turn == 3 and "discount" in discount.quote
    assert discount.try_instead in coaching_lines()["no_discount"][scenario.objection]


def test_weak_reply_gets_specific_improvements(grader: RubricGrader, bank: ScenarioBank) -> None:
    scenario: Scenario = bank.get("dental-price-scheduling")
    card = grader.grade_reply(scenario, "Honestly it is worth every penny.")
    assert card.improvements
    lines = [i.try_instead for i in card.improvements]
    assert len(set(lines)) == len(lines)  # each miss its own line
    for line in lines:
        assert "{" not in line and line[0].isupper() and line.rstrip()[-1] in ".?!"


def test_delivery_notes() -> None:
    t = Transcript(scenario="x", turns=[
        Turn(role="buyer", text="Too expensive."),
        Turn(role="rep", text="Fair. What is behind it? How did you set the budget?"),
        Turn(role="buyer", text="Board."),
        Turn(role="rep", text="Got it. We cut fuel twelve percent. Hartley saved a lot. Does Tuesday work?"),
    ])
    d = delivery_notes(t)
    assert d.rep_turns == 2
    assert d.longest_turn == 3 and d.longest_words == 14
    assert d.avg_words == 12.5
    assert d.questions == 3 and d.statements == 4


def test_a_first_reply_that_explored_is_not_told_to_pitch_or_confirm(
        bank: ScenarioBank, embedder: CachedEmbedder) -> None:
    """LAER order: after a specific acknowledgement and a real question, value and confirming are not due."""
    scenario = bank.get("cfo-price-routing")
    reply = ("That's well over what you planned for routing, I get why it stings. "
             "What went into the number you set aside?")
    card = RubricGrader(embedder).grade_reply(scenario, reply)
    explored = next(s for s in card.skills if s.id == "explore")
    assert any(c.passed for c in explored.checks)
    coached = " ".join(i.text for i in card.improvements).lower()
    assert "benefit" not in coached and "number on the value" not in coached
    assert "addressed the concern" not in coached and "next step" not in coached


def test_a_generic_acknowledgement_is_coached_to_be_specific_and_quoted(embedder: CachedEmbedder,
                                                                         bank: ScenarioBank) -> None:
    """"Acknowledge the concern" would tell a rep who said a stock line to do what they did: the coaching
    names what is missing (this buyer's words) and quotes the line; a reply with no acknowledgement at all
    keeps the plain advice, and a specific one is not coached on it."""
    from coach_engine.grading.feedback import GENERIC_ACK

    grader = RubricGrader(embedder)
    scenario = bank.get("dental-price-scheduling")
    stock = grader.grade_reply(scenario, "I understand. What were you comparing the monthly price to?")
    assert [(i.text, i.quote) for i in stock.improvements if i.text == GENERIC_ACK] == [
        (GENERIC_ACK, "I understand.")]
    bare = grader.grade_reply(scenario, "What were you comparing the monthly price to?")
    assert GENERIC_ACK not in [i.text for i in bare.improvements]
    assert any("cknowledge" in i.text for i in bare.improvements)
    specific = grader.grade_reply(scenario, "Fair enough, $389 a month is a bigger number than you'd "
                                            "planned for. What were you comparing it to?")
    assert all("cknowledge" not in i.text for i in specific.improvements)


def _graded_drill(embedder: CachedEmbedder, scenario: Scenario, *said: str) -> Scorecard:
    """A drill graded offline: the buyer's opening, then rep and buyer lines in turn."""
    turns = [Turn(role="buyer", text=scenario.buyer.opening)]
    turns += [Turn(role="rep" if k % 2 == 0 else "buyer", text=t) for k, t in enumerate(said)]
    return RubricGrader(embedder).grade(scenario, Transcript(scenario=scenario.id, turns=turns))


def test_a_drill_that_never_explored_is_coached_to_explore_not_praised_for_its_pitch(
        bank: ScenarioBank, embedder: CachedEmbedder) -> None:
    """LAER order in a drill: a rep who pitched and never asked is neither praised for "a concrete benefit"
    nor told to "check the answer addressed the concern" they never heard; the coaching is the exploring."""
    scenario = bank.get("cfo-price-routing")
    card = _graded_drill(embedder, scenario,
                         "Our engine plans every truck overnight and cuts fuel by 12 percent.",
                         "Hm. That doesn't change the budget.",
                         "It also has live tracking, driver apps and automatic customer alerts.")
    explored = next(s for s in card.skills if s.id == "explore")
    assert not any(c.passed for c in explored.checks)
    praised = " ".join(s.text for s in card.strengths).lower()
    coached = " ".join(i.text for i in card.improvements).lower()
    assert "benefit" not in praised and "number on the value" not in praised
    assert "addressed the concern" not in coached and "next step" not in coached
    assert card.improvements


def test_a_passive_drill_is_not_told_to_look_for_other_concerns_before_the_first(
        bank: ScenarioBank, embedder: CachedEmbedder) -> None:
    """LAER order within a skill: a rep who only nodded along is coached on the minimal replies (whose line
    is an exploring question); "check whether anything else stands in the way" waits until they have asked
    about the first concern."""
    scenario = bank.get("cfo-price-routing")
    card = _graded_drill(embedder, scenario, "Yeah, fair enough.", "So where does that leave us?",
                         "Sure, no worries, I get it.", "Okay then.",
                         "Right, I'll leave a brochure with your assistant.")
    explored = next(s for s in card.skills if s.id == "explore")
    assert not any(c.passed for c in explored.checks)
    coached = " ".join(i.text for i in card.improvements).lower()
    assert card.improvements and "anything else stands in the way" not in coached


def test_a_rep_who_pitched_before_asking_is_told_so_and_praised_only_for_the_later_answer(
        bank: ScenarioBank, embedder: CachedEmbedder) -> None:
    """LAER order over a drill: value claimed before the first exploring question is coached as answering
    before understanding (quoted), and the praise for value quotes what came after asking, if anything."""
    from coach_engine.grading.feedback import PITCHED_EARLY

    scenario = bank.get("cfo-price-routing")
    pitch = "Routewise plans every truck overnight and cuts fuel spend by 12 percent a quarter."
    card = _graded_drill(embedder, scenario, pitch, "That doesn't change the budget.",
                         "Fair, I got ahead of myself. What's behind the number you set aside?",
                         "The board capped every new system at last year's spend.",
                         "Then the fuel it saves is what pays for it: about $4,000 a month on your fleet, "
                         "inside last year's spend.")
    early = [i for i in card.improvements if i.text == PITCHED_EARLY]
    assert early and early[0].turn == 1 and early[0].quote in pitch
    assert all(s.turn != 1 for s in card.strengths if "benefit" in s.text or "number" in s.text)


def test_a_minimal_reply_is_coached_by_where_the_call_was(bank: ScenarioBank,
                                                          embedder: CachedEmbedder) -> None:
    """"Okay." to the buyer's answer to the rep's own question is not "instead of asking what is behind it":
    the rep asked, so the lesson is to take the answer up; "Sure." once value was given leaves the close to
    the buyer, so the lesson is the next step, with the scenario's own step to try."""
    from coach_engine.grading.feedback import MINIMAL_AFTER_ASKING, MINIMAL_AT_THE_CLOSE

    scenario = bank.get("cfo-price-routing")
    asked = "I get it, Dana, that's a big line item. What's making it hard to fit in this year?"
    told = "The board stopped all new software buying after our last rollout went badly."
    heard = _graded_drill(embedder, scenario, asked, told, "Okay.", "Is that all?", "Right.")
    passive = [i for i in heard.improvements if i.key == "passive"]
    assert passive and passive[0].text == MINIMAL_AFTER_ASKING and passive[0].quote == "Okay."
    assert passive[0].try_instead in coaching_lines()["heard"]["any"]

    valued = _graded_drill(embedder, scenario, asked, told,
                           "That's fair. Hartley Freight, with a fleet of 60, cut $210k of cost in year one, "
                           "which is how a small pilot pays for itself before the board sees a bill.",
                           "Interesting. So what would you suggest we do?", "Sure.", "That's it?")
    passive = [i for i in valued.improvements if i.key == "passive"]
    assert passive and passive[0].text == MINIMAL_AT_THE_CLOSE and passive[0].quote == "Sure."
    assert "controller" in passive[0].try_instead
    assert not any(i.key == "proposes-next-step" for i in valued.improvements)  # coached once


def test_the_step_to_try_is_said_to_the_buyer_not_about_them(bank: ScenarioBank) -> None:
    """A rep proposing the step speaks to the buyer: "with you and your adviser", never the buyer's own name
    or "his"/"her" for them; a numeral after a name ("Title I") is no pronoun."""
    for scenario_id in ("clinic-trust-ai-notes", "3pl-trust-vendor-size", "plant-authority-corporate"):
        scenario = bank.get(scenario_id)
        line = try_instead(scenario, "proposes-next-step")
        first = scenario.buyer.name.split()[0]
        assert first not in line and " you" in line and " me " not in line and " my " not in line, line
    assert "Title I funds" in try_instead(bank.get("school-budget-tutoring"), "proposes-next-step")


def test_a_point_typed_in_capitals_is_suggested_in_sentence_case(bank: ScenarioBank) -> None:
    """A manager who types the product's points in capitals: the tip a rep is shown is in sentence case."""
    cfo = bank.get("cfo-price-routing")
    points = {"proof_points": ["ARDEN HAULAGE (40 TRUCKS) SAVED $90K IN YEAR ONE"],
              "value_points": ["CUTS FUEL SPEND 12% IN THE FIRST QUARTER"]}
    product = cfo.product.model_copy(update=points)
    shouting = cfo.model_copy(update={"product": product})
    assert try_instead(shouting, "gives-proof") == "Arden haulage (40 trucks) saved $90K in year one."
    assert try_instead(shouting, "quantifies-value") == "Cuts fuel spend 12% in the first quarter."


def test_a_rep_who_never_asked_is_told_they_took_the_objection_as_final(bank: ScenarioBank,
                                                                          embedder: CachedEmbedder) -> None:
    """Probe 27: reps who agreed with the brush-off and offered to send something were told only "Ask an
    open question"; a trainer names the lesson where they gave in, and quotes it."""
    from coach_engine.grading.feedback import NEVER_ASKED

    scenario = bank.get("cfo-price-routing")
    gave_in = "I'll pop our brochure in the post so it's there once things calm down."
    card = _graded_drill(embedder, scenario, "Fair enough, sounds like the board has it covered for now.",
                         "It does.", f"No worries at all. {gave_in}", "Fine.")
    final = [i for i in card.improvements if i.text == NEVER_ASKED]
    assert final and final[0].quote == gave_in and final[0].turn == 3
    asked = _graded_drill(embedder, scenario, "Fair enough. How does the board usually decide?", "Slowly.",
                          f"No worries at all. {gave_in}", "Fine.")
    assert not any(i.text == NEVER_ASKED for i in asked.improvements)  # one question: not "took it as final"


def test_a_rep_who_only_asked_leave_took_the_objection_as_final(bank: ScenarioBank,
                                                                embedder: CachedEmbedder) -> None:
    """Probe 28: "Shall I drop you a line in ... then?" and "..., okay?" are questions that explore nothing:
    the rep still took the brush-off as final."""
    from coach_engine.grading.feedback import NEVER_ASKED

    scenario = bank.get("cfo-price-routing")
    asked_leave = "Totally fine. Shall I give you a ring after the board's met, then?"
    card = _graded_drill(embedder, scenario, asked_leave, "If you like.",
                         "Great, just shout if anything changes at your end, okay?", "Will do.")
    assert any(i.text == NEVER_ASKED for i in card.improvements), card.improvements


def test_a_rep_who_pushed_without_asking_never_took_it_as_final(bank: ScenarioBank,
                                                                embedder: CachedEmbedder) -> None:
    """A closer who pressed for a signature asked nothing that explored, and gave in to nothing either."""
    from coach_engine.grading.feedback import NEVER_ASKED

    scenario = bank.get("cfo-price-routing")
    card = _graded_drill(embedder, scenario, "Look, you need to sign by Friday or the price goes up 20%.",
                         "No.", "Then sign today and I'll throw in onboarding, deal?", "Goodbye.")
    assert not any(i.text == NEVER_ASKED for i in card.improvements), card.improvements


def test_a_single_reply_is_never_handed_the_hidden_concern_in_its_step_tip(bank: ScenarioBank,
                                                                           embedder: CachedEmbedder) -> None:
    """Probes 28-29: a first reply's step tip named the person the buyer keeps back ("with you and your chef
    Marco"); one reply has not heard the concern, so the tip says "with you". A drill keeps the name."""
    scenario = bank.get("restaurant-budget-inventory")
    assert "Marco" in scenario.buyer.hidden_concern and "Marco" in try_instead(scenario, "proposes-next-step")
    card = RubricGrader(embedder).grade_reply(scenario, "Sure, I can send you our brochure to look over.")
    tips = [i.try_instead for i in card.improvements]
    assert any("walkthrough" in t for t in tips) and not any("Marco" in t for t in tips), tips
    step = try_instead(scenario, "proposes-next-step", unrevealed=True)
    assert "with you at" in step and "trial" in step, step
