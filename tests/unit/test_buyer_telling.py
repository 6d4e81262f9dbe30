"""A hidden concern given only as the manager's prose comes out in stages and in spoken words (issue 13)."""

from __future__ import annotations

from coach_engine.buyer import BuyerDirector, ScriptedVoice
from coach_engine.buyer.persona import concern_stages, scenario_facts
from coach_engine.buyer.scripted import load_lines
from coach_engine.buyer.state import BuyerState
from coach_engine.buyer.telling import spoken, staged
from coach_engine.embeddings import CachedEmbedder
from coach_engine.models import Scenario, Turn
from coach_engine.scenarios import ScenarioBank
from coach_engine.signals import Behaviour, Signal, SignalSet

B = Behaviour


def test_spoken_contracts_as_people_talk() -> None:
    assert spoken("I will not sign it. It is not the price.") == "I won't sign it. It isn't the price."
    assert spoken("We are short and there is no slack.") == "We're short and there's no slack."
    # A clause-final verb is never contracted ("that's how it's" is not English).
    assert spoken("That is how it is.") == "That's how it is."
    assert spoken("He cannot; she did not.") == "He can't; she didn't."


def test_a_pronoun_after_a_past_verb_is_its_object_and_keeps_is_whole() -> None:
    assert spoken("The partner who approved it is my cousin.") == "The partner who approved it is my cousin."
    assert spoken("Now it is late.") == "Now it's late."
    # after a preposition, too: "the lease on it is" is never "the lease on it's"
    assert spoken("The lease on it is up in May.") == "The lease on it is up in May."


def test_an_acronym_keeps_its_capitals_when_contracted() -> None:
    assert spoken("It is late, and IT is buried.") == "It's late, and IT's buried."


def test_the_last_piece_of_the_concern_is_the_stake() -> None:
    story, stake = staged("Our pilot failed last spring and I was blamed. I will not be blamed twice.")
    assert story == "Our pilot failed last spring and I was blamed."
    assert stake == "I won't be blamed twice."
    story, stake = staged("The board cut the budget in March; I have to show savings by June")
    assert (story, stake) == ("The board cut the budget in March.", "I have to show savings by June.")
    assert staged("One plain sentence about the budget") == ("One plain sentence about the budget.", "")
    assert staged("  🙂🙂 ") == ("🙂🙂", "")  # nothing to split: said as written, never an empty story
    # one sentence whose last clause is the buyer's own: the story, then that clause a turn later
    assert staged("The mayor blocked the last request because it had no usage figures, and I will not go "
                  "back without them.") == ("The mayor blocked the last request because it had no usage "
                                            "figures.", "I won't go back without them.")
    assert staged("Sales fell, and the mill closed.")[1] == ""  # no clause of the buyer's own: one piece


def test_the_stake_said_on_its_own_drops_the_word_that_joined_it() -> None:
    """Said a turn after the story, the stake does not open with the "But" that tied it to the sentence
    before it in the manager's prose."""
    assert staged("We stayed loyal for years. But last month a late delivery cost us a client.")[1] == \
        "Last month a late delivery cost us a client."
    assert staged("The vendor failed us. And so I have to show it will not happen again.")[1] == \
        "I have to show it won't happen again."
    assert staged("The vendor failed us. Butter prices also rose.")[1] == "Butter prices also rose."


def test_a_stake_comes_after_the_answer_and_nothing_follows_it(bank: ScenarioBank) -> None:
    """The answer to the rep's question first, then the stake, then nothing: no demand for a number in
    the same breath; a stake with a figure in it answers a figure question, so no "I don't have that
    number" beside it."""
    from coach_engine.buyer.state import Situation

    scenario = _without_lines(bank)
    state = BuyerState(concern_revealed=True, stake_told=True)
    facts = scenario_facts(scenario, state)
    stake = "It would cost me $40k if it slipped."
    for seed in range(8):
        line = ScriptedVoice(seed).speak(scenario, state, Situation(id="want_numbers", facts={
            **facts, "stake": stake, "answer": "About 85 trucks."}), [])
        assert line.index("About 85 trucks.") < line.index(stake) and line.endswith(stake), line
        line = ScriptedVoice(seed).speak(scenario, state, Situation(id="want_numbers", facts={
            **facts, "stake": stake, "no_figure": "yes"}), [])
        assert line.endswith(stake) and "number" not in line and "figure" not in line, line


def _without_lines(bank: ScenarioBank) -> Scenario:
    base = bank.get("cfo-price-routing")
    buyer = base.buyer.model_copy(update={"concern_lines": [], "hidden_concern": (
        "Last year Dana's team spent eight months on a system that never went live, and the board noticed. "
        "She is not going to bring them another project that stalls.")})
    return base.model_copy(update={"buyer": buyer})


def test_without_concern_lines_the_story_comes_first_and_the_stake_later(bank: ScenarioBank) -> None:
    scenario = _without_lines(bank)
    story, stake = concern_stages(scenario)
    assert story.startswith("Last year my team spent eight months") and "board" in story
    # retold as a person says it (``retelling``): "..., and the board noticed." -> "... Our board noticed."
    assert story.endswith("never went live. Our board noticed.")
    assert stake == "I won't bring them another project that stalls."
    assert scenario_facts(scenario, BuyerState(concern_revealed=True))["concern"] == story
    both = scenario_facts(scenario, BuyerState(concern_revealed=True, stake_told=True))["concern"]
    assert both == f"{story} {stake}"


def test_a_drill_without_concern_lines_tells_the_stake_on_the_next_good_question(bank: ScenarioBank) -> None:
    scenario = _without_lines(bank)
    story, stake = concern_stages(scenario)
    d = BuyerDirector(scenario)
    voice = ScriptedVoice(seed=5)
    history: list[Turn] = []
    lines = []
    for i, text in enumerate(["What's behind that number for you?", "What happened with that project?",
                              "What would it take for the board to say yes this time?"]):
        asks = (B.EXPLORE_CONCERN, B.OPEN_QUESTION)
        signals = SignalSet(text, [Signal(b, text, 0, len(text)) for b in asks])
        line = voice.speak(scenario, d.state, d.step(signals, 1 + 2 * i), history)
        history += [Turn(role="rep", text=text), Turn(role="buyer", text=line)]
        lines.append(line)
    told = next(i for i, line in enumerate(lines) if story in line)
    assert stake not in lines[told]
    assert stake in lines[told + 1] and d.state.stake_told


def test_a_plain_question_that_draws_the_concern_out_is_answered_first(bank: ScenarioBank) -> None:
    """Asked a fact on the turn the concern comes out, the buyer says the fact, then the concern: the
    question is not left to be answered a turn late."""
    scenario = bank.get("cfo-price-routing")
    d = BuyerDirector(scenario)
    d.prepare()
    text = "Before anything else, how do your dispatchers plan the routes today?"
    situation = d.step(SignalSet(text, [Signal(B.EXPLORE_CONCERN, text, 0, len(text)),
                                        Signal(B.OPEN_QUESTION, text, 0, len(text))]), 1)
    assert situation.id == "reveal_concern"
    assert situation.facts.get("answer") == scenario.buyer.facts["current routing"]
    line = ScriptedVoice(1).speak(scenario, d.state, situation, [Turn(role="rep", text=text)])
    answer, story = scenario.buyer.facts["current routing"], concern_stages(scenario)[0]
    assert answer in line and line.index(answer) < line.index(story.split(",")[0]), line


def test_a_question_for_a_figure_is_answered_and_keeps_the_concern_back(bank: ScenarioBank) -> None:
    """A rep who asks for volumes and counts gets them (or an honest "I don't have that number"), but a
    buyer does not tell what really worries them because they were asked their fleet size, even when the
    question is read as exploring; asking what the problem costs them still does."""
    scenario = bank.get("cfo-price-routing")
    asks = (B.EXPLORE_CONCERN, B.OPEN_QUESTION)
    for text in ("Before anything else, what's your fleet size today?",
                 "How many of your drivers were on the road last December?"):
        d = BuyerDirector(scenario)
        d.prepare()
        situation = d.step(SignalSet(text, [Signal(b, text, 0, len(text)) for b in asks]), 1)
        assert situation.id != "reveal_concern" and not d.state.concern_revealed, text
        assert situation.facts.get("answer") or situation.facts.get("no_figure"), text
    text = "How much is the current way of routing costing you each year?"
    d = BuyerDirector(scenario)
    d.prepare()
    d.step(SignalSet(text, [Signal(b, text, 0, len(text)) for b in (*asks, B.IMPACT_QUESTION)]), 1)
    assert d.state.concern_revealed


def test_a_figure_the_buyer_has_told_is_said_again_when_asked(bank: ScenarioBank) -> None:
    """Once the story is out ("... about 30 late loads a month ..."), a question for that figure gets it
    again ("Like I said, about 30 late loads a month."), not "I don't have the exact figure"."""
    base = bank.get("cfo-price-routing")
    scenario = base.model_copy(update={"buyer": base.buyer.model_copy(update={
        "hidden_concern": "Dana's drivers miss about 30 late loads a month because routes are planned on "
                          "paper, and her biggest customer has noticed.", "concern_lines": [], "facts": {}})})
    d = BuyerDirector(scenario)
    d.prepare()
    d.state.concern_revealed = True
    text = "How many late loads a month are we talking about?"
    situation = d.step(SignalSet(text, [Signal(B.OPEN_QUESTION, text, 0, len(text))]), 2)
    # the figure as the buyer told it (retold: "about 30" said as "around 30")
    assert situation.facts.get("answer") == "Like I said, around 30 late loads a month."
    assert not situation.facts.get("no_figure")


def test_a_long_concern_is_told_in_halves() -> None:
    """Four pieces or more: the first half is the story, the rest waits for the next good question."""
    story, stake = staged("The audit found gaps. Two files lacked a sign-off. The review is in March. "
                          "I will be the one answering for it.")
    assert story == "The audit found gaps. Two files lacked a sign-off."
    assert stake == "The review is in March. I'll be the one answering for it."


def test_a_stake_said_first_takes_no_stock_lead_in(bank: ScenarioBank) -> None:
    """The stake's own intro ("And here's what it means for me.") opens the line: no "Listen," before it."""
    from coach_engine.buyer.scripted import load_lines
    from coach_engine.buyer.state import Situation

    scenario = _without_lines(bank)
    state = BuyerState(concern_revealed=True, stake_told=True)
    facts = scenario_facts(scenario, state)
    leads = {x for xs in load_lines()["lead"].values() for x in xs if x}
    for seed in range(12):
        line = ScriptedVoice(seed).speak(scenario, state, Situation(id="want_numbers", facts={
            **facts, "stake": "It would cost me my job."}), [])
        assert not any(line.startswith(lead) for lead in leads), line


def test_the_authors_hint_leads_into_the_story_unless_it_was_said(bank: ScenarioBank) -> None:
    """A scenario's three concern lines: a good first question draws the story at once, and the author's
    hint opens it instead of a stock lead-in, so the manager's first stage is heard; after a hint turn the
    story comes without it (never the same line twice)."""
    from coach_engine.buyer.state import Situation

    scenario = bank.get("cfo-price-routing")
    hint, story = scenario.buyer.concern_lines[0], scenario.buyer.concern_lines[1]
    state = BuyerState(concern_revealed=True)
    facts = scenario_facts(scenario, state)
    for seed in range(6):
        told = ScriptedVoice(seed).speak(scenario, state, Situation(id="reveal_concern", facts=facts), [])
        low = told.lower()  # a lead-in may lower the hint's first letter ("To be clear, the $48k ...")
        assert hint.lower() in low and low.index(hint.lower()) < low.index(story.lower()), told
        after_hint = ScriptedVoice(seed).speak(scenario, state, Situation(id="reveal_concern", facts=facts),
                                               [Turn(role="buyer", text=hint)])
        assert story in after_hint and hint not in after_hint, after_hint


def test_a_barrage_of_questions_gets_one_answered_and_draws_nothing_out(bank: ScenarioBank) -> None:
    """Four questions in one turn, every one of them about the objection, are an interrogation: the buyer
    says so, answers at most one, and keeps the concern back however often the rep does it. The same
    questions one at a time draw the story out."""
    scenario = bank.get("cfo-price-routing")
    barrage = ("Why does the price feel high? What did you budget? Who else weighs in? What would make it "
               "feel worth it?")
    d = BuyerDirector(scenario)
    d.prepare()
    voice = ScriptedVoice(seed=3)
    history: list[Turn] = []
    for i in range(3):
        asks = (B.EXPLORE_CONCERN, B.OPEN_QUESTION)
        situation = d.step(SignalSet(barrage, [Signal(b, barrage, 0, len(barrage)) for b in asks]), 1 + 2 * i)
        line = voice.speak(scenario, d.state, situation, history)
        history += [Turn(role="rep", text=barrage), Turn(role="buyer", text=line)]
        assert situation.facts.get("stacked") == "yes" and not d.state.concern_revealed
    said = " ".join(t.text for t in history if t.role == "buyer").lower()
    assert "at once" in said or "one at a time" in said or "one question" in said, said
    one = "Why does the price feel high right now?"
    d = BuyerDirector(scenario)
    d.step(SignalSet(one, [Signal(b, one, 0, len(one)) for b in (B.EXPLORE_CONCERN, B.OPEN_QUESTION)]), 1)
    assert d.state.concern_revealed


def test_a_real_question_after_the_story_is_not_met_with_a_request_for_a_step(bank: ScenarioBank) -> None:
    """Once the buyer has told the story, a question they have nothing more to tell on ("What would make
    your board feel this builds on the last plan?") gets an honest "not sure" before what they still want,
    never only "What would you propose?"; a proposal gets no such remark."""
    from coach_engine.buyer.scripted import load_lines
    from coach_engine.buyer.state import Situation

    scenario = _without_lines(bank)
    state = BuyerState(concern_revealed=True, stake_told=True)
    facts = scenario_facts(scenario, state)
    unsure = load_lines()["unsure"][scenario.buyer.personality]
    asked = [Turn(role="rep", text="What would make the board feel this builds on the last plan?")]
    for seed in range(4):
        line = ScriptedVoice(seed).speak(scenario, state, Situation(
            id="want_next_step", facts=facts, behaviours=["explore_concern", "open_question"]), asked)
        assert any(line.startswith(x) for x in unsure), line
    offered = [Turn(role="rep", text="Could we take 20 minutes on Monday at 9 with your controller?")]
    line = ScriptedVoice(0).speak(scenario, state, Situation(
        id="want_next_step", facts=facts, behaviours=["next_step", "closed_question"]), offered)
    assert not any(line.startswith(x) for x in unsure), line


def test_a_buyer_turning_a_step_down_adds_no_personality_tail(bank: ScenarioBank) -> None:
    """"Hold on, not so fast with the calendar! ... Honestly, I want this to work!" says two opposite things:
    a line that declines the rep's step ends without a tail."""
    from coach_engine.buyer.scripted import load_lines
    from coach_engine.buyer.state import Situation

    base = bank.get("cfo-price-routing")
    for personality in ("analytical", "driver", "amiable", "expressive"):
        buyer = base.buyer.model_copy(update={"personality": personality})
        scenario = base.model_copy(update={"buyer": buyer})
        tails = [x for x in load_lines()["tail"][personality] if x]
        state = BuyerState(concern_revealed=True)
        facts = scenario_facts(scenario, state)
        offered = [Turn(role="rep", text="Could we book Tuesday at 7 with your controller?")]
        for seed in range(12):
            line = ScriptedVoice(seed).speak(scenario, state, Situation(
                id="want_numbers", facts=facts, behaviours=["next_step"]), offered)
            assert not any(line.endswith(t) for t in tails), line


def test_once_a_step_is_on_the_table_the_buyer_never_asks_what_the_rep_proposes(bank: ScenarioBank) -> None:
    """The rep proposed a call last turn and now asks "Does that feel like a comfortable way forward?": the
    buyer says what is still missing, not "What would you propose as a next step?"."""
    from coach_engine.buyer.scripted import load_lines
    from coach_engine.buyer.state import Situation

    scenario = _without_lines(bank)
    state = BuyerState(concern_revealed=True, stake_told=True)
    facts = {**scenario_facts(scenario, state), "step_on_table": "yes"}
    asking = load_lines()["situations"]["want_next_step"]
    asks = [x for k in (scenario.buyer.personality, "any") for x in asking.get(k, [])]
    history = [Turn(role="rep", text="Can I get half an hour with your controller on Tuesday at 2?"),
               Turn(role="buyer", text="I'm not there yet."),
               Turn(role="rep", text="Does that feel like a comfortable way forward for you?")]
    for seed in range(8):
        line = ScriptedVoice(seed).speak(scenario, state, Situation(
            id="want_next_step", facts=facts, behaviours=["closed_question", "confirm"]), history)
        assert not any(a.split("{")[0][:25] in line for a in asks), line
        assert "propose" not in line.lower(), line


def test_asides_to_the_rep_are_never_told() -> None:
    """A coach's label and advice for reps in a manager's concern are not the buyer's story: the buyer
    leaves them out; "the last rep who called me" is part of it."""
    from coach_engine.buyer.telling import asides_to_the_rep, told_part

    concern = ("Coach's note: Ines runs the kiln line and got burned last year. Reps who hear this should "
               "offer her a small trial first.")
    advice = "Reps who hear this should offer her a small trial first."
    assert asides_to_the_rep(concern) == ["Coach's note:", advice]
    assert told_part(concern) == "Ines runs the kiln line and got burned last year."
    story = "The last rep who called me oversold it badly, and I got burned."
    assert asides_to_the_rep(story) == [] and told_part(story) == story
    ours = "Our last rep has left, and she needs a new contact before renewal."
    assert asides_to_the_rep(ours) == []


def test_an_authors_stake_said_a_turn_later_drops_its_joining_word(bank: ScenarioBank) -> None:
    """The author's third concern line is said after a lead-in ("Can I tell you what weighs on me?"), so a
    "But" that joined it to the story in the file is not said."""
    s = bank.get("cfo-price-routing")
    buyer = s.buyer.model_copy(update={"concern_lines": [
        "It isn't really the price.", "Our last rollout went badly.", "But if this one slips, it's on me."]})
    story, stake = concern_stages(s.model_copy(update={"buyer": buyer}))
    assert (story, stake) == ("Our last rollout went badly.", "If this one slips, it's on me.")


def test_a_concern_written_to_the_buyer_as_you_is_said_as_i(bank: ScenarioBank) -> None:
    """A role-play prompt ("You are Ana, the head of stores. You are worried that your ...") is the buyer's
    own story once "you" is "I": the line that only says who the character is, and the direction to whoever
    plays them, are never said; someone else's "her" stays hers."""
    from coach_engine.buyer.persona import first_person, pronoun_left
    from coach_engine.buyer.telling import told_part

    base = bank.get("cfo-price-routing")
    concern = ("You are Ana Ruiz, the head of stores. You are worried that your night picker, Joan, will "
               "think you brought the scanners in to watch her; she asked you about it on Friday. You don't "
               "want to lose her. Only reveal this if the rep asks what is really holding you back.")
    ana = base.model_copy(update={"buyer": base.buyer.model_copy(update={"name": "Ana Ruiz",
                                                                         "hidden_concern": concern})})
    said = first_person(told_part(concern), ana)
    assert said.startswith("I am worried that my night picker, Joan, will think I brought"), said
    assert "asked me about it on Friday" in said and "watch her" in said and "I don't want" in said, said
    assert "You" not in said and "rep" not in said and "Ana" not in said, said
    assert pronoun_left(ana) is None


def test_a_he_after_the_buyer_last_acted_is_the_buyer(bank: ScenarioBank) -> None:
    """Another man acts first, then the buyer acts, then "he": the pronoun goes on about the nearest one who
    acted, the buyer, in a concern that gives the buyer's gender nowhere else."""
    from coach_engine.buyer.persona import first_person

    base = bank.get("cfo-price-routing")
    concern = ("Omar's partner Lewis wants to move the shop online this year while Omar keeps putting it off "
               "because he thinks regulars come in for the chat.")
    omar = base.model_copy(update={"buyer": base.buyer.model_copy(update={"name": "Omar Haddad",
                                                                          "hidden_concern": concern})})
    said = first_person(concern, omar)
    assert "while I keep putting it off because I think regulars" in said, said
    assert said.startswith("My partner Lewis wants"), said


def test_anything_else_draws_the_stake_out_and_then_is_answered_no(bank: ScenarioBank) -> None:
    """"Is there anything else holding you back?" after the story draws out what is still untold (the stake);
    asked again once all of it is out, the buyer says so first ("No, that's it.") instead of ignoring it."""
    scenario = _without_lines(bank)
    stake = concern_stages(scenario)[1]
    d = BuyerDirector(scenario)
    voice = ScriptedVoice(seed=5)
    history: list[Turn] = []

    def say(text: str, *behaviours: Behaviour) -> str:
        signals = SignalSet(text, [Signal(b, text, 0, len(text)) for b in behaviours])
        line = voice.speak(scenario, d.state, d.step(signals, 1 + len(history)), history)
        history.extend([Turn(role="rep", text=text), Turn(role="buyer", text=line)])
        return line

    while not d.state.concern_revealed:
        say("What's behind that number for you?", B.EXPLORE_CONCERN, B.OPEN_QUESTION)
    assert stake in say("Is there anything else holding you back?", B.CLOSED_QUESTION, B.CHECK_OTHER_CONCERNS)
    said = say("Anything else I should know?", B.CLOSED_QUESTION, B.CHECK_OTHER_CONCERNS)
    told = load_lines()["nothing_else"][scenario.buyer.personality]
    assert any(said.startswith(x) for x in told), said


def test_the_concern_said_back_and_checked_is_told(bank: ScenarioBank, embedder: CachedEmbedder) -> None:
    """A rep who says the hidden concern back and asks whether they have it right has found it: the buyer
    says yes and tells it, even when the sentence was read as something else (a claim, not a playback)."""
    scenario = _without_lines(bank)
    guess = f"So {scenario.buyer.hidden_concern.rstrip('.')}. Did I get that right?"
    signals = SignalSet(guess, [Signal(B.GIVE_PROOF, guess, 0, len(guess)),
                                Signal(B.CLOSED_QUESTION, guess, 0, len(guess))])
    d = BuyerDirector(scenario, embedder=embedder)
    situation = d.step(signals, 1)
    assert d.state.concern_revealed and situation.facts.get("check") == "yes", situation


def test_someones_quoted_words_keep_their_names_and_their_closing_mark(bank: ScenarioBank) -> None:
    """A quotation is someone's own words: the buyer's name said to them inside it is not turned into "I",
    and a quotation that ends a sentence keeps its closing mark when the concern is told in pieces."""
    base = bank.get("cfo-price-routing")
    concern = ('Last spring the owner, Walt Berg, told Dana in front of the team, "Dana, we are a trucking '
               'company, not a software shop." She has not raised a tool since, and she will not bring one '
               "to him without a number he cannot argue with.")
    buyer = base.buyer.model_copy(update={"concern_lines": [], "hidden_concern": concern})
    story, stake = concern_stages(base.model_copy(update={"buyer": buyer}))
    told = f"{story} {stake}"
    assert '"Dana, we\'re a trucking company, not a software shop."' in told, told
    assert told.count('"') == 2 and "I haven't raised a tool since" in told, told


def test_a_concern_written_as_the_buyers_quoted_monologue_is_told_without_its_marks(
        bank: ScenarioBank) -> None:
    """Probe 27: a manager wrote the secret as one long quotation in the buyer's voice; the buyer said the
    marks and its "I'll be level with you" on top of the voice's own "Straight answer?"."""
    base = bank.get("cfo-price-routing")
    monologue = ('"I\'ll level with you, since you asked. Our last rollout ran four months late and I took '
                 'the heat for it. I back my team because if I don\'t, it was my call that failed."')
    buyer = base.buyer.model_copy(update={"hidden_concern": monologue, "concern_lines": []})
    said = " ".join(concern_stages(base.model_copy(update={"buyer": buyer})))
    assert said.startswith("Our last rollout ran four months late"), said
    assert '"' not in said and "level with you" not in said
    assert "because if I don't" in said  # never "since if"
