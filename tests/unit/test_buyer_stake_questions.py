"""A question about what only the concern's stake tells is answered by it (issue 13: a buyer who answers
what was asked). The concern still comes out in stages to questions about its story."""

from __future__ import annotations

from coach_engine.buyer.persona import concern_stages
from coach_engine.buyer.stake_questions import StakeQuestions
from coach_engine.embeddings import CachedEmbedder
from coach_engine.scenarios import ScenarioBank
from coach_engine.session import DrillSession

STORY = "We moved the warehouse to a new system last spring and the first month was chaos."
STAKE = "If the pickers walk out again during peak, the owner will take the decision away from me."
OPENING = "We're fine with our system, thanks."


def test_words_only_a_question_needs_a_word_only_the_stake_has_said() -> None:
    """Without a sentence model, a shared content word the story and opening have not used is the sign."""
    asks = StakeQuestions(STORY, STAKE, OPENING, None, 0.25)
    assert asks.about("How are the pickers holding up these days?")
    assert not asks.about("What happened with the new system?")  # the story's words and the opening's
    assert not asks.about("The pickers sound like a great crew.")  # no question
    assert not StakeQuestions(STORY, "", OPENING, None, 0.25).about("How are the pickers holding up?")
    again = StakeQuestions(STORY, "I can't go through that again next year.", OPENING, None, 0.25)
    assert not again.about("Shall we talk again next month?")  # words that name no topic of their own


def test_with_meaning_one_shared_word_is_not_enough(embedder: CachedEmbedder) -> None:
    """A question that only happens to share a word with the stake is closer to the story, or to neither."""
    asks = StakeQuestions(STORY, STAKE, OPENING, embedder, 0.25)
    assert asks.about("Who makes the call if the pickers push back during peak?")
    assert not asks.about("How did the first month on the new system go for the warehouse, peak aside?")


def test_a_reveal_asked_about_the_stake_tells_it_with_the_story(bank: ScenarioBank,
                                                                embedder: CachedEmbedder) -> None:
    """Asked how the crew would take to training, the buyer whose stake is about training says so with the
    story; asked what keeps them busy, the story comes out and the stake waits for the next good question."""
    scenario = bank.get("hvac-not-interested-cold")
    story, stake = concern_stages(scenario)
    assert story and stake

    asked_stake = DrillSession(scenario, embedder=embedder, seed=0)
    asked_stake.start()
    reply = asked_stake.rep_says("Fair enough, I'll be quick. How would your crew take to training on "
                                 "something new right now?")
    assert asked_stake.state.concern_revealed and asked_stake.state.stake_told
    assert stake.rstrip(".") in reply.turn.text

    asked_story = DrillSession(scenario, embedder=embedder, seed=0)
    asked_story.start()
    asked_story.rep_says("Fair enough, I'll be quick. What's got you so stretched this season?")
    assert asked_story.state.concern_revealed and not asked_story.state.stake_told
