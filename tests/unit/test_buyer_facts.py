"""The buyer's facts answer only the questions they fit (issue 13: a buyer who answers what was asked)."""

from __future__ import annotations

import pytest

from coach_engine.buyer import BuyerDirector, load_rules
from coach_engine.buyer.facts import FactBook, asks_figure, asks_who_decides, figure_said
from coach_engine.embeddings import CachedEmbedder
from coach_engine.scenarios import ScenarioBank
from coach_engine.signals import Behaviour, Signal, SignalSet

B = Behaviour

FACTS = {
    "write-offs": "About $1.9 million written off or returned last year.",
    "who decides": "Me for ops tools. The CFO if it's over $100k.",
    "wholesaler": "McKesson. Primary for all 23 stores.",
}


def test_a_who_question_is_never_answered_with_a_figure() -> None:
    """"Who signs off?" shares only "off" with "write-offs": a figure that names nobody is no answer."""
    book = FactBook(FACTS)
    found = book.answer("Who else has to sign off before we run a trial?")
    assert found is None or found.topic != "write-offs"
    assert book.answer("Who's your wholesaler?") is not None
    found = book.answer("How much did you write off last year?")
    assert found is not None and found.topic == "write-offs"


def test_a_question_that_asks_what_and_who_is_answered_by_what_it_asks_first() -> None:
    """"What does the review involve, and who's part of it?" asks what first: a fact with a figure answers
    it. A question that opens on who still wants a person."""
    book = FactBook({"review threshold": "Anything over $80,000 goes to a review board.", **FACTS})
    found = book.answer("Could you tell me what the review threshold involves, and who's part of it?")
    assert found is not None and found.topic == "review threshold"
    found = book.answer("Who sits on the review, and what threshold do they use?")
    assert found is None or found.topic != "review threshold"


def test_a_yes_no_check_is_not_answered_by_a_fact_it_shares_a_word_with() -> None:
    """"So the worry is that a store gets written off twice, is that right?" checks the rep's own reading;
    sharing "store" with a fact does not make it a question about that fact, nor does an either-or question
    ("... for the stores, or did it go further?"). An open question still is."""
    book = FactBook({"stores": "Twenty-three stores across two states.", **FACTS})
    found = book.answer("So the worry is that a store gets written off twice, is that right?")
    assert found is None or found.topic != "stores"
    found = book.answer("Which stores are we talking about?")
    assert found is not None and found.topic == "stores"
    found = book.answer("Was it just a headache for the stores, or did it go further than that?")
    assert found is None or found.topic != "stores"  # an either-or asks which, not how many stores


def test_a_named_time_in_a_question_is_not_its_topic() -> None:
    """"What would you want from me to get it signed this month?" says when, not what about: it does not
    ask for the monthly volume. A question about the volume still gets it."""
    book = FactBook({"monthly volume": "Roughly 900 pallets a month, more before Easter.", **FACTS})
    found = book.answer("What would you want from me to get it signed this month?")
    assert found is None or found.topic != "monthly volume"
    found = book.answer("What does your monthly volume look like?")
    assert found is not None and found.topic == "monthly volume"


def test_what_the_rep_counts_in_a_question_is_known_not_asked() -> None:
    """"How many orders get returned across your 23 stores?" gives the store count and asks for returns:
    the stores fact is no answer; asked outright, it is."""
    book = FactBook({"stores": "Twenty-three stores across two states.",
                     "returns": "About one order in twelve comes back, worse after holidays."})
    found = book.answer("Roughly how many orders come back across your 23 stores?")
    assert found is None or found.topic != "stores"
    found = book.answer("How many stores do you have?")
    assert found is not None and found.topic == "stores"


def test_a_question_about_what_the_rep_just_named_is_about_that() -> None:
    """"Your quarterly stock count sounds thorough. How does it go?": "it" is the stock count the sentence
    before named, so the question asks about it; the same question alone asks about nothing in particular,
    and "What's behind that?" points at the buyer's words, not at a fact."""
    book = FactBook({"stock count": "Two of us count every shelf over a weekend each quarter.", **FACTS})
    found = book.answer("Your quarterly stock count sounds thorough. How does it go, and what does it miss?")
    assert found is not None and found.topic == "stock count"
    assert book.answer("How does it go, and what does it miss?") is None
    found = book.answer("A stock count is a lot of work. What's behind that?")
    assert found is None or found.topic != "stock count"


def test_figure_questions_are_told_apart_from_other_questions() -> None:
    assert asks_figure("How many stores are we talking about?")
    assert asks_figure("Roughly what share of calls is routine?")
    assert not asks_figure("What would a repeat mean for you personally?")
    assert not asks_figure("Who else weighs in on this?")
    assert asks_figure("Missed pickups per week, roughly?")  # a terse rep's figure question has no verb
    assert not asks_figure("We'd bill per site.")
    # which measure, not how many: alternatives offered with no figure in them
    assert not asks_figure("Against what: per pallet or per route?")
    assert asks_figure("Per shift, ten or twenty?") and asks_figure("Per shift, 10 or 20?")


def test_a_proposal_put_as_a_question_is_not_answered_with_a_fact(bank: ScenarioBank) -> None:
    """"Could I come by Tuesday at 10 with the dispatch plan?" asks for a yes, not for how routes are
    planned; a fact the same turn asks for is still answered."""
    scenario = bank.get("cfo-price-routing")
    d = BuyerDirector(scenario)
    d.prepare()
    text = "Could we review how your dispatchers plan the routes with you on Tuesday at 10?"
    situation = d.step(SignalSet(text, [Signal(B.NEXT_STEP, text, 0, len(text))]), 1)
    assert "answer" not in situation.facts
    d = BuyerDirector(scenario)
    d.prepare()
    ask = "How do your dispatchers plan the routes today?"
    text = f"{ask} Could we review it with you on Tuesday at 10?"
    step = text[len(ask) + 1:]
    situation = d.step(SignalSet(text, [Signal(B.OPEN_QUESTION, ask, 0, len(ask)),
                                        Signal(B.NEXT_STEP, step, len(ask) + 1, len(text))]), 1)
    assert situation.facts.get("answer") == scenario.buyer.facts["current routing"]


def test_a_figure_the_buyer_already_gave_is_given_again() -> None:
    """Asked for a figure the facts do not hold, a buyer who has already said it says it again, briefly,
    rather than "I don't know the exact figure"; a figure about something else is not it."""
    from coach_engine.buyer.facts import figure_said

    told = ["Dev has been turning down about 20 rush jobs a month because the old press is booked solid, "
            "and the bank wants 1,200 more in sales."]
    assert figure_said("How many rush jobs a month do you turn down?", told) == "about 20 rush jobs a month"
    assert figure_said("How many staff do you have on the floor?", told) == ""


@pytest.mark.slow
def test_a_shared_stem_alone_is_not_a_question_about_the_fact(embedder) -> None:  # type: ignore[no-untyped-def]
    """"... feel this builds on his plan" shares a stem with "buildings" and nothing else: it does not ask
    how many buildings there are. A question about the buildings still gets the answer."""
    book = FactBook({"buildings": "Eighteen halls and a stadium, mostly on one steam loop.",
                     "approval": "I sign up to $20,000; the provost above that."}, embedder,
                    min_similarity=0.5, words_floor=load_rules().similarity.fact_words_floor)
    found = book.answer("What would make the provost feel this builds on her own plan?")
    assert found is None or found.topic != "buildings"
    found = book.answer("Which buildings worry you most?")
    assert found is not None and found.topic == "buildings"


def test_when_two_facts_share_the_questions_words_the_one_it_means_answers(embedder: CachedEmbedder) -> None:
    """A question naming two facts' topics ("trucks" and "fuel") is answered by the one it asks about, by
    meaning, not by which fact the manager wrote first."""
    book = FactBook({"trucks": "About 80 trucks, most of them on regional runs.",
                     "fuel": "Fuel runs about $40k a month across the fleet."}, embedder,
                    min_similarity=0.5, words_floor=0.3)
    found = book.answer("Roughly what do your trucks spend on fuel each month?")
    assert found is not None and found.topic == "fuel"


def test_a_question_about_cost_is_answered_only_by_a_fact_with_a_figure() -> None:
    """"What does a late load cost you?" shares "loads" with how loading works today, but asks for money:
    only a fact holding a figure answers it, else the question is left to the concern."""
    book = FactBook({"loads today": "Loads are checked by hand at the dock, one clipboard per shift."})
    found = book.answer("What does a late load cost you, roughly?")
    assert found is None or found.topic != "loads today"
    book = FactBook({"late loads": "A late load costs us about $2,000 in penalties."})
    found = book.answer("What does a late load cost you, roughly?")
    assert found is not None and found.topic == "late loads"
    book = FactBook({"rush freight": "We pay for overnight freight maybe three or four times a month."})
    found = book.answer("How often do you end up paying for rush freight?")  # how often, not how much
    assert found is not None and found.topic == "rush freight"


def test_a_who_question_finds_the_fact_whose_topic_asks_who(embedder) -> None:  # type: ignore[no-untyped-def]
    """"Who signs off on this?" is answered by the fact filed as "who decides", even when the answer is all
    names and thresholds the question shares no word with; a question about someone else is not."""
    book = FactBook({"who decides": "Anything over forty grand goes to Dana Pike, our finance director.",
                     "fleet": "About 120 vans across two depots."}, embedder, min_similarity=0.5,
                    words_floor=0.3)
    found = book.answer("Who signs off on something like this?")
    assert found is not None and found.topic == "who decides"
    assert book.answer("Who else on the team complains about the vans?") is None


def test_the_company_line_gives_the_buyer_figures_they_know() -> None:
    """An owner knows how big their business is: the company line's figures are a fact, unless a fact of the
    scenario already gives them; a line with none gives nothing."""
    from coach_engine.buyer.facts import company_facts

    assert company_facts("Lark Bakeries (Leeds, 4 shops, 12,000 loaves a week)", {}) == {
        "shops": "4 shops.", "loaves a week": "12,000 loaves a week."}
    assert company_facts("Lark Bakeries (4 shops)", {"shops": "Four shops, all in Leeds: 4 shops."}) == {}
    assert company_facts("Lark Bakeries", {}) == {}
    book = FactBook({}, figures=company_facts("Lark Bakeries (Leeds, 4 shops, 12,000 loaves a week)", {}))
    found = book.answer("How many shops are you running?")
    assert found is not None and found.text == "4 shops."
    assert book.answer("How do the shops take orders?") is None  # a figure answers only a figure question


def test_a_who_fact_that_leads_with_a_limit_still_says_who(embedder: CachedEmbedder) -> None:
    """"Spend under 30,000 is mine; over that it goes to the trustees." names who signs, though it opens on
    a figure: it answers "who", while a fact that is only a figure never does."""
    book = FactBook({"who decides": "Spend under 30,000 is mine. Over that it goes to the trustees.",
                     "fleet": "About 120 vans across two depots."}, embedder, min_similarity=0.5,
                    words_floor=0.3)
    found = book.answer("Who signs off on something like this, you or the trustees?")
    assert found is not None and found.topic == "who decides"


def test_a_question_for_a_date_no_fact_gives_is_checked_not_made_up(bank: ScenarioBank) -> None:
    """"When does the committee next sit?" with no date in the scenario: the buyer says they'd have to check,
    once a drill, and never names a day."""
    book = FactBook(FACTS)
    found = book.answer("When does the committee next sit?")
    assert found is not None and found.when and not found.topic
    from coach_engine.buyer import ScriptedVoice
    from coach_engine.models import Turn

    s = bank.get("cfo-price-routing")
    d = BuyerDirector(s, load_rules(), None)
    text = "When does your finance committee next sit?"
    turn = SignalSet(text=text, signals=[Signal(B.OPEN_QUESTION, text, 0, len(text), 0.9)])
    situation = d.step(turn, 1)
    assert situation.facts.get("no_figure") == "date", situation
    line = ScriptedVoice().speak(s, d.state, situation, [Turn(role="rep", text=text)])
    assert any(w in line.lower() for w in ("check", "look", "date", "offhand")), line
    again = d.step(SignalSet(text=text, signals=[Signal(B.OPEN_QUESTION, text, 0, len(text), 0.9)]), 3)
    assert not again.facts.get("no_figure")


def test_a_question_about_how_things_are_done_now_gets_the_present_way() -> None:
    """The opener of discovery names no topic of its own; the fact put in the present answers it, and a
    question that names its topic, asks yes or no, or asks nothing about a way of working does not."""
    book = FactBook({"kitchen staff": "Forty cooks over three sites.",
                     "ordering today": "Each chef phones the suppliers from a list on the wall.", **FACTS})
    for asked in ("What are you using today?", "How are you handling it right now?",
                  "What's your current setup?", "What tools do you use these days?"):
        found = book.answer(asked)
        assert found is not None and found.topic == "ordering today", asked
    assert book.answer("What are you using today?", already={"ordering today"}) is None
    for other in ("What now?", "Is it working now?", "What's your day like?"):
        found = book.answer(other)
        assert found is None or found.topic != "ordering today", other
    found = FactBook({"systems": "A spreadsheet and a shared inbox.", **FACTS}).answer("What do you use now?")
    assert found is not None and found.topic == "systems"
    assert FactBook(FACTS).answer("What are you using today?") is None


def test_a_question_about_who_has_a_say_gets_the_fact_that_says_who(embedder: CachedEmbedder) -> None:
    """"Who else weighs in?" shares no word with "who decides", yet asks exactly that; a who-question about
    something else keeps its own answer, and a question that names no decision gets none of it."""
    book = FactBook(FACTS, embedder, min_similarity=0.5, words_floor=0.3)
    for asked in ("Who else weighs in?", "Who else gets a say in this?",
                  "Who makes the final call on this?"):
        found = book.answer(asked)
        assert found is not None and found.topic == "who decides", asked
    found = book.answer("Who's your wholesaler?")
    assert found is not None and found.topic == "wholesaler"
    assert book.answer("Who else weighs in?", already={"who decides"}) is None
    found = book.answer("Who else on the team uses it?")
    assert found is None or found.topic != "who decides"


def test_a_word_several_topics_share_does_not_pick_one_of_them() -> None:
    """"contract" names both "contract value" and "contract end": a question about how the contract is
    reviewed asks for neither, while one that names the other word still gets its fact."""
    book = FactBook({"contract value": "About £2 million a year.",
                     "contract end": "It runs out next March.", **FACTS})
    assert book.answer("How do you review the contract's performance?") is None
    found = book.answer("When does the contract end?")
    assert found is not None and found.topic == "contract end"
    found = book.answer("What's the contract value?")
    assert found is not None and found.topic == "contract value"


def test_the_briefs_figures_answer_a_question_for_them(bank: ScenarioBank) -> None:
    """The rep reads the brief, and the buyer knows their own team: "How big is the security team?" gets the
    brief's figure in the buyer's voice, not "I don't have that number to hand"; a benchmark about others
    in the brief is not the buyer's figure."""
    from coach_engine.buyer.persona import known_figures

    base = bank.get("cfo-price-routing")
    scenario = base.model_copy(update={
        "context": "Second call with the head of security at a lab. Her security team is four people. "
                   "Labs this size typically lose $30k a year to incidents.",
        "buyer": base.buyer.model_copy(update={"name": "Ada Moss", "facts": {}})})
    figures = known_figures(scenario)
    assert "My security team is four people." in figures.values()
    assert not any("typically" in v for v in figures.values())
    found = FactBook({}, figures=figures).answer("How big is the security team?")
    assert found is not None and found.text == "My security team is four people."


def test_two_questions_get_two_answers_and_one_question_one(bank: ScenarioBank,
                                                            embedder: CachedEmbedder) -> None:
    """"When does the contract renew, and who else would want a say?" asks two things a fact each answers:
    a person answers both. One question ("How does it look for the members who joined this year?") gets
    one fact, however many it is close to."""
    base = bank.get("cfo-price-routing")
    facts = {"renewal": "It renews at the end of March.",
             "who decides": "Me and my operations manager, Colm. He signs off on anything over $20k.",
             "members by depot": "About 40 drivers at the north depot and 25 at the south.",
             "new drivers": "We hire roughly six new drivers a quarter."}
    scenario = base.model_copy(update={"buyer": base.buyer.model_copy(update={"facts": facts})})
    d = BuyerDirector(scenario, embedder=embedder)
    d.prepare()
    text = "Fair enough. When does the contract renew, and who else would want a say in it?"
    situation = d.step(SignalSet(text, [Signal(B.OPEN_QUESTION, text, 13, len(text))]), 1)
    answer = situation.facts.get("answer", "")
    assert "March" in answer and "Colm" in answer
    one = BuyerDirector(scenario, embedder=embedder)
    one.prepare()
    text = "How does that look for the drivers who joined this year, depot by depot?"
    situation = one.step(SignalSet(text, [Signal(B.OPEN_QUESTION, text, 0, len(text))]), 1)
    answer = situation.facts.get("answer", "")
    assert not ("north depot" in answer and "quarter" in answer)


def test_who_else_asks_who_has_a_say() -> None:
    assert asks_who_decides("When does it renew, and who else would want eyes on the numbers?")
    assert not asks_who_decides("Who's your wholesaler?")


def test_a_figure_is_said_again_only_for_what_is_asked() -> None:
    """After "how many" one shared word names what is asked; without such a cue one shared word may be the
    rep's own context ("What's one of those sites doing in sales?" does not ask how many sites)."""
    from coach_engine.buyer.facts import figure_said

    told = ["I run 4 sites. Food cost is over 34 percent at two of them."]
    assert figure_said("What's one of those sites doing in sales a year?", told) == ""
    assert figure_said("How many sites do you run?", told) == "4 sites"
    told = ["Overtime is up to about 18 grand a month and my scheduler is exhausted."]
    assert figure_said("What's the overtime costing you each month?", told) == "about 18 grand a month"


def test_a_how_question_is_not_answered_with_a_headcount() -> None:
    """Probe 28: "how might it affect your crew?" and "how are your techs holding up?" ask how, not how many:
    a fact that opens on a count answers "How many ...?" only."""
    book = FactBook({"crew": "Twenty-three, counting the two dispatchers.",
                     "technicians": "About 60 techs across four depots."})
    for question in ("What's changing upstairs, and how might it affect your crew?",
                     "How are your technicians holding up with all this?"):
        found = book.answer(question)
        assert found is None or found.topic not in ("crew", "technicians"), (question, found)
    found = book.answer("How many technicians do you have?")
    assert found is not None and found.topic == "technicians"


def test_a_question_about_how_people_feel_is_not_answered_with_a_headcount() -> None:
    """Probe 30: "what's that like" describes, but asked with how the staff feel about it, it never takes
    a count of the staff."""
    book = FactBook({"nurses": "About 140 nurses over three wards."})
    found = book.answer("When shifts get doubled up, how do the nurses feel? What's that like on the ward?")
    assert found is None or found.topic != "nurses", found


def test_roughly_is_not_what_a_figure_question_counts() -> None:
    """Probe 30: "how many of the backlog would be hosted cases, roughly?" shared only "roughly" with a told
    figure of another thing ("roughly 40,000 customers"), and the buyer said that figure again."""
    told = ["We had to write to roughly 40,000 customers after it happened."]
    assert figure_said("How many of the open reviews would be hosted cases, roughly?", told) == ""
    said = figure_said("How many customers did you have to write to, roughly?", told)
    assert said == "roughly 40,000 customers"
