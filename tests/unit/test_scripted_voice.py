"""ScriptedVoice: deterministic per seed, varied across seeds, in character, facts filled in."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from coach_engine.buyer import (
    SITUATIONS,
    BuyerState,
    ResolutionItem,
    ScriptedVoice,
    Situation,
    scenario_facts,
)
from coach_engine.buyer.scripted import load_lines
from coach_engine.models import Scenario, Turn
from coach_engine.scenarios import ScenarioBank
from coach_engine.session import DrillSession

REP = [
    "That's fair. What's behind the number for you?",
    "ok",
    "You need to sign today.",
    "How about a pilot next Tuesday?",
    "Routewise has dashboards, alerts, reports, apps, analytics and integrations.",
]


def drill_lines(bank: ScenarioBank, hash_embedder, seed: int) -> list[str]:  # type: ignore[no-untyped-def]
    d = DrillSession(bank.get("cfo-price-routing"), embedder=hash_embedder, seed=seed, max_turns=10)
    d.start()
    out = []
    for line in REP:
        if d.finished:
            break
        out.append(d.rep_says(line).turn.text)
    return out


def test_same_seed_same_words(bank: ScenarioBank, hash_embedder) -> None:  # type: ignore[no-untyped-def]
    assert drill_lines(bank, hash_embedder, 7) == drill_lines(bank, hash_embedder, 7)


def test_different_seeds_read_differently(bank: ScenarioBank, hash_embedder) -> None:  # type: ignore[no-untyped-def]
    runs = [drill_lines(bank, hash_embedder, seed) for seed in range(4)]
    assert len({tuple(r) for r in runs}) >= 3


def test_every_situation_and_personality_has_a_filled_line(bank: ScenarioBank) -> None:
    lines = load_lines()
    voice = ScriptedVoice(3)
    for sid in SITUATIONS:
        if sid != "opening":
            assert sid in lines["situations"], sid
    for scenario in bank.scenarios.values():
        state = BuyerState(concern_revealed=True)
        facts = scenario_facts(scenario, state) | {"rep_step": "a pilot next Tuesday", "rep_quote": "x"}
        for sid in SITUATIONS:
            text = voice.speak(scenario, state, Situation(id=sid, facts=facts), [])
            assert text.strip(), (scenario.id, sid)
            assert "{" not in text and "}" not in text, text


def test_lines_differ_by_personality(bank: ScenarioBank) -> None:
    by_personality = {}
    for scenario in bank.scenarios.values():
        p = scenario.buyer.personality
        if p in by_personality:
            continue
        voice = ScriptedVoice(0)
        by_personality[p] = {
            voice.speak(scenario, BuyerState(), Situation(id="push_back_pressure",
                                                          facts=scenario_facts(scenario, BuyerState())),
                        [Turn(role="buyer", text="x")] * k)
            for k in range(8)
        }
    assert len(by_personality) == 4
    sets = list(by_personality.values())
    for i in range(len(sets)):
        for j in range(i + 1, len(sets)):
            assert sets[i] != sets[j]


def test_reveal_says_the_concern_in_the_first_person(bank: ScenarioBank) -> None:
    """Without the scenario's own concern lines, the voice turns the hidden concern into the first person."""
    base = bank.get("3pl-trust-vendor-size")
    s = base.model_copy(update={"buyer": base.buyer.model_copy(update={"concern_lines": []})})
    state = BuyerState(concern_revealed=True)
    sit = Situation(id="reveal_concern", facts=scenario_facts(s, state))
    text = ScriptedVoice(1).speak(s, state, sit, [])
    assert "I led the emergency replacement" in text
    assert "Olusegun" not in text


def test_concern_is_not_leaked_before_it_is_revealed(bank: ScenarioBank) -> None:
    s = bank.get("cfo-price-routing")
    facts = scenario_facts(s, BuyerState())
    assert "concern" not in facts
    for seed in range(5):
        text = ScriptedVoice(seed).speak(s, BuyerState(), Situation(id="probe_deflect", facts=facts), [])
        assert "froze" not in text


def test_agree_names_the_reps_own_step_even_where_the_scenario_sets_one(bank: ScenarioBank) -> None:
    """Issue 13: the buyer agrees to the step the rep proposed. Another kind of step than the scenario's is
    named back as the rep's; the scenario's kind is said in its fuller words at the rep's day, but without a
    purpose the rep never said; a proposal with no activity is the scenario's step at the rep's day."""
    s = bank.get("cfo-price-routing")
    install = "So we run the numbers together and we install it next Tuesday"
    fuel = "Shall we pencil in a 30-minute call Thursday at 2 with you and your controller on fuel data?"
    for step, named in ((install, "the install next Tuesday"),
                        (fuel, "a 30-minute call with the controller, on Thursday at 2."),
                        ("Let's scope a paid pilot, next Tuesday then.",
                         "a 30-minute call with the controller next Tuesday to scope a paid pilot")):
        facts = scenario_facts(s, BuyerState()) | {"rep_step": step}
        for seed in range(6):
            text = ScriptedVoice(seed).speak(s, BuyerState(), Situation(id="agree", facts=facts), [])
            assert named in text, text
            assert "we run" not in text and "we install" not in text and "fuel" not in text


def test_a_visit_sharing_little_with_the_scenarios_step_is_agreed_as_the_reps(bank: ScenarioBank) -> None:
    """An hour-long visit is not agreed as the scenario's call to scope a pilot: the buyer would be
    saying yes to a step, a length and a purpose nobody offered."""
    s = bank.get("cfo-price-routing")
    facts = scenario_facts(s, BuyerState()) | {"rep_step": "Might I visit Wednesday afternoon for an hour "
                                                            "with your dispatch lead?"}
    text = ScriptedVoice(2).speak(s, BuyerState(), Situation(id="agree", facts=facts), [])
    assert "the hour-long visit with my dispatch lead on Wednesday afternoon" in text, text
    assert "pilot" not in text


def test_a_step_the_rep_left_untimed_takes_the_scenarios_timing(bank: ScenarioBank) -> None:
    s = _with_buyer(bank, next_step="A 30-minute review with the ops lead next week")
    facts = scenario_facts(s, BuyerState()) | {"rep_step": "Might we book a call with your ops lead?"}
    text = ScriptedVoice(1).speak(s, BuyerState(), Situation(id="agree", facts=facts), [])
    assert "the call with my ops lead next week" in text, text


@pytest.mark.parametrize(("proposal", "named"), [
    ("How about a 20-minute call with Ben on Thursday?", "the 20-minute call with Ben on Thursday"),
    ("How about a pilot on two of your trucks starting next Monday?", "the pilot next Monday"),
    ("Let me grab 30 minutes with you and Ben next week.", "those 30 minutes with me and Ben next week"),
    ("So we install it on two trucks next Tuesday", "the install next Tuesday"),
    ("Can I call you back Tuesday at 2 for fifteen minutes?", "the fifteen-minute call on Tuesday"),
    ("Could we have a call of half an hour on Monday?", "the half-hour call on Monday"),
    ("Could we do a 30-minute demo with your head chef next Friday at 9, before service?",
     "the 30-minute demo with my head chef next Friday at 9"),
])
def test_agree_without_a_scenario_step_names_the_reps_own_step(bank: ScenarioBank, proposal: str,
                                                                named: str) -> None:
    """A scenario that sets no next step: the buyer agrees to what the rep proposed, named in a few words
    (activity, length, day), never "what you just proposed" and never the rep's sentence pasted back."""
    s = _with_buyer(bank, next_step=None)
    facts = scenario_facts(s, BuyerState()) | {"rep_step": proposal}
    for seed in range(4):
        text = ScriptedVoice(seed).speak(s, BuyerState(), Situation(id="agree", facts=facts), [])
        assert named in text and "just proposed" not in text and proposal not in text, text


def test_agree_without_any_named_step_agrees_to_the_reps_day(bank: ScenarioBank) -> None:
    """A step with no activity the buyer can name back ("get going on it") is agreed to by its day: "Let's go
    with that: next Tuesday.", never "what you just proposed, next Tuesday" (a trainer read it as the step
    never being named)."""
    s = _with_buyer(bank, next_step=None)
    facts = scenario_facts(s, BuyerState()) | {"rep_step": "So shall we get going on it next Tuesday?"}
    for seed in range(4):
        text = ScriptedVoice(seed).speak(s, BuyerState(), Situation(id="agree", facts=facts), [])
        assert "next Tuesday" in text and "just proposed" not in text and "get going" not in text, text


def _all_scenarios(bank: ScenarioBank) -> list:  # type: ignore[type-arg]
    from pathlib import Path

    from coach_engine.scenarios import load_scenario

    holdout = Path(__file__).resolve().parents[2] / "evals" / "data" / "holdout_scenarios"
    return [*bank.scenarios.values(), *(load_scenario(p) for p in sorted(holdout.glob("*.yaml")))]


def test_concern_and_step_read_cleanly_in_the_buyers_voice(bank: ScenarioBank) -> None:
    """No 'me ... me', no "I's", no 'I ... doesn't', never the buyer's own name, over every scenario."""
    from coach_engine.buyer.persona import garbled

    for s in _all_scenarios(bank):
        facts = scenario_facts(s, BuyerState(concern_revealed=True))
        for key in ("concern", "next_step"):
            assert not garbled(facts[key], s), (s.id, key, facts[key])
            assert not re.search(r"\bme\b[^.;]*\bme\b|\bI's\b|\bI(?:'m)? \w+ and (?:is|doesn't)\b",
                                 facts[key]), (s.id, facts[key])


def test_other_peoples_pronouns_stay_theirs(bank: ScenarioBank) -> None:
    from coach_engine.buyer.persona import first_person

    s = _with_buyer(bank, name="Lena Park")
    said = first_person("Her head baker Tomas runs the ovens and loves his routine; she fears he will take a "
                        "new tool as her doubting him, and she can't lose him.", s)
    assert said.startswith("My head baker Tomas")
    assert re.search(r"he will take a new tool as (me|my) doubting him", said) and "I can't lose him" in said
    said = first_person("Omar chairs the board and has told his team he won't back new spend; Lena "
                        "agrees but isn't sure.", s)
    assert "Lena" not in said and "his team he won't" in said


def test_the_buyers_possessive_opening_a_sentence_is_capitalised(bank: ScenarioBank) -> None:
    """ "... twice. Lena's worry is ..." -> "... twice. My worry is ...", and "my" inside a sentence."""
    from coach_engine.buyer.persona import first_person

    s = _with_buyer(bank, name="Lena Park")
    said = first_person("The kiln timer jammed twice in March. Lena's worry is a repeat, and Lena's crew "
                        "would carry it.", s)
    assert "March. My worry is a repeat, and my crew" in said


def test_the_object_of_another_persons_verb_is_the_buyer(bank: ScenarioBank) -> None:
    """ "Lena's aunt Odile runs the shop and warned her ..." : "her" cannot be Odile's own (that would be
    "herself"), so it is the buyer's, and so are the pronouns after it; after a preposition a pronoun may
    still be the other person's, and stays."""
    from coach_engine.buyer.persona import first_person

    s = _with_buyer(bank, name="Lena Park")
    said = first_person("Lena's aunt Odile Park runs the shop and warned her last week that rent will climb. "
                        "She cannot ask Odile for more time.", s)
    assert "warned me last week" in said and "I cannot ask Odile" in said, said
    s = _with_buyer(bank, name="Tariq Haddad")
    said = first_person("Tariq's partner Bruno signs the cheques and brings the ledger with him; he trusts "
                        "paper.", s)
    assert "with him" in said, said


def test_nobody_is_not_a_person_who_owns_the_buyers_pronouns(bank: ScenarioBank) -> None:
    """A concern that never names the buyer and says "Nobody ..." before "his" is still about the buyer:
    "Nobody" is no one else."""
    from coach_engine.buyer.persona import first_person

    s = _with_buyer(bank, name="Tariq Haddad")
    said = first_person("Two winters ago the boiler audit found forty faults. Nobody had budget to fix them, "
                        "and his plant manager still jokes about it. He refuses another audit that ends in a "
                        "list.", s)
    assert "my plant manager" in said and "I refuse another audit" in said, said


def test_he_after_the_buyer_as_its_sentences_subject_is_the_buyer(bank: ScenarioBank) -> None:
    """"Omar has not asked Karim because he fears ...": another man named in the story (even acting in an
    earlier sentence) does not take the "he" of a sentence the buyer opens as its subject."""
    from coach_engine.buyer.persona import first_person

    s = _with_buyer(bank, name="Omar Haddad")
    said = first_person("Omar's repair budget is gone. But Karim, the controller, said the capacity fund is "
                        "open. Omar has not asked Karim because he fears the numbers look thin.", s)
    assert "I have not asked Karim because I fear the numbers look thin" in said, said


@pytest.mark.parametrize("name", ["Dr. Imani Brooks", "Imani Brooks"])
def test_a_buyer_named_by_title_and_surname_speaks_as_i(bank: ScenarioBank, name: str) -> None:
    """Managers name the buyer "Dr. Brooks" or "Ms. Brooks" in the concern and the next step, whatever the
    name field says: the buyer still says "I" and "me", never their own name, and their later pronouns
    follow ("she" -> "I", "her" before "than" -> "me")."""
    from coach_engine.buyer.persona import first_person, step_in_first_person

    s = _with_buyer(bank, name=name)
    said = first_person("Last year Dr. Brooks approved a scheduling tool that her nurses hated, and she had "
                        "to roll it back. Cost matters less to her than losing her nurses' goodwill.", s)
    assert "Brooks" not in said and "I approved" in said and "my nurses hated" in said
    assert "I had to roll it back" in said and "less to me than losing my nurses'" in said
    assert step_in_first_person("A call with Ms. Brooks and her charge nurses next week", s) == \
        "a call with me and my charge nurses next week"


def test_the_buyer_as_the_subject_of_an_auxiliary_is_i(bank: ScenarioBank) -> None:
    """ "a press Hana had bought" is "a press I had bought", not "a press me had bought"."""
    from coach_engine.buyer.persona import first_person

    s = _with_buyer(bank, name="Hana Ito")
    said = first_person("Last spring a used press Hana had bought failed mid-run. She is wary of used kit.",
                        s)
    assert "a used press I had bought failed" in said and "I'm wary" in said


def test_a_role_that_acts_keeps_its_own_pronoun(bank: ScenarioBank) -> None:
    """A role named by initials acts, then "he" goes on as its subject: that "he" is the role's, and the
    buyer's own pronouns (the other gender, later) become "I"/"my" (issue 13: "I still brings it up")."""
    from coach_engine.buyer.persona import first_person

    s = _with_buyer(bank, name="Lena Park")
    said = first_person("Last spring Lena backed a kiosk trial that the CTO cancelled after a month, and he "
                        "mentions it at every review; she won't sponsor another trial unless she can "
                        "show him numbers.", s)
    assert "and he mentions it at every review" in said
    assert "I won't sponsor another trial unless I can show him numbers" in said
    said = first_person("Lena ran the pilot; the CEO holds him accountable.", s)  # no "she" later: unsure
    assert "I ran the pilot" in said


def test_the_buyer_speaks_for_their_own_organisation(bank: ScenarioBank) -> None:
    """A manager writes "the food bank's spending ... they are at 14.6%"; the buyer says "our" and "we"
    (issue 13: a CFO saying of her own company "cost them $60k"). Another party's "their" stays theirs."""
    from coach_engine.buyer.persona import first_person

    s = _with_buyer(bank, name="Lena Park", company="Riverbend Food Bank (4,000 donors)")
    said = first_person("A grant caps the food bank's admin costs at 12% and they are at 11.8%; Lena has "
                        "been told to add no overhead.", s)
    assert said.startswith("A grant caps our admin costs at 12% and we are at 11.8%; I")
    said = first_person("Their last software change cost them $60k, and Lena was blamed.", s)
    assert said == "Our last software change cost us $60k, and I was blamed."
    said = first_person("Last year the company switched tools and lost two volunteers.", s)
    assert said == "Last year we switched tools and lost two volunteers."
    said = first_person("The supplier contract pays a rebate for ordering through their portal.", s)
    assert "through their portal" in said  # the supplier's portal
    said = first_person("Drivers quit after the last app; they say it tracked them.", s)
    assert "they say it tracked them" in said


def test_a_they_of_counted_things_stays_theirs_and_a_single_partys_them_is_us(bank: ScenarioBank) -> None:
    """"They" after things the manager counts ("four forklifts ... where they were parked") is the things',
    not "we"; and when the only other party named is one ("a wholesaler"), the "them" it acts on is the
    buyer's organisation: "they'll cut us off", never "they'll cut them off" (issue 13). A fact's "half of
    them" is the counted orders'."""
    from coach_engine.buyer.persona import first_person

    s = _with_buyer(bank, name="Lena Park", company="Riverbend Food Bank")
    said = first_person("The food bank misplaced four forklifts last spring because nobody checked where "
                        "they were parked.", s)
    assert "where they were parked" in said and said.startswith("We misplaced")
    said = first_person("Two years ago they moved sites, and a wholesaler has warned they'll cut them off "
                        "over late invoices.", s)
    assert said.startswith("Two years ago we moved sites") and "they'll cut us off" in said
    said = first_person("Around 900 orders a month, half of them same-day.", s)
    assert said == "Around 900 orders a month, half of them same-day."
    said = first_person("Had a packaging supplier once. Done with them.", s)
    assert said.endswith("Done with them.")  # the supplier, named a sentence before


def test_a_contracted_pronoun_opening_a_sentence_becomes_i_am(bank: ScenarioBank) -> None:
    """"She's" at the start of a sentence is the buyer too: "I'm", never "I's" (issue 13)."""
    from coach_engine.buyer.persona import first_person

    s = _with_buyer(bank, name="Lena Park")
    said = first_person("Lena ran the last rollout herself. She's still the one the owners blame for it.", s)
    assert said == "I ran the last rollout myself. I'm still the one the owners blame for it."


def test_after_a_proposed_step_the_buyer_says_what_is_missing(bank: ScenarioBank) -> None:
    s = bank.get("cfo-price-routing")
    state = BuyerState(concern_revealed=True)
    state.resolution = [ResolutionItem(text="The rep ties value to fuel savings with a number",
                                       kind="tie_number")]
    facts = scenario_facts(s, state) | {"step_proposed": "yes"}
    for seed in range(6):
        text = ScriptedVoice(seed).speak(s, state, Situation(id="acknowledge_progress", facts=facts), [])
        assert "propose" not in text.lower() and "number" in text.lower(), text


def test_a_step_missing_its_people_is_not_said_to_be_missing_everything(bank: ScenarioBank) -> None:
    """A proposed step that has not yet met an item asking for someone else: the buyer asks for the right
    people, and never says the step needs to be smaller or clear about who is in the room (the rep may
    have named who, in words the reading did not take for the buyer's people)."""
    s = bank.get("cfo-price-routing")
    state = BuyerState(concern_revealed=True)
    involve = ResolutionItem(text="Brings the controller into the next conversation", kind="involve")
    state.resolution = [involve]
    facts = scenario_facts(s, state) | {"step_proposed": "yes"}
    for seed in range(6):
        text = ScriptedVoice(seed).speak(s, state, Situation(id="acknowledge_progress", facts=facts), [])
        asks = "people" in text or "our controller" in text  # the role the item names, once it names one
        assert asks and "smaller" not in text and "who is in the room" not in text, text


def test_after_a_figure_the_buyer_never_asks_for_a_number(bank: ScenarioBank) -> None:
    """A rep who just put a figure on the value ("from 50 minutes to about 15"), money or not, is never
    asked "with a number"; tied to the concern, what the buyer asks next is what it is worth."""
    s = bank.get("cfo-price-routing")
    state = BuyerState(concern_revealed=True)
    state.resolution = [ResolutionItem(text="The rep ties value to fuel savings with a number",
                                       kind="tie_number")]
    figure = "Since late routes are the worry, planning drops from 50 minutes to about 15 a depot."
    said = [Turn(role="buyer", text=s.buyer.opening), Turn(role="rep", text=figure)]
    for seed in range(6):
        for behaviours in (["state_value"], ["state_value", "tie_to_concern"]):
            situation = Situation(id="want_numbers", facts=scenario_facts(s, state), behaviours=behaviours)
            text = ScriptedVoice(seed).speak(s, state, situation, said)
            assert "a number" not in text and "in numbers" not in text, text
            if "tie_to_concern" in behaviours:
                assert "worth" in text or "come to" in text, text


@pytest.mark.parametrize("personality", ["analytical", "driver", "amiable", "expressive"])
def test_a_step_without_a_day_is_declined_without_talk_of_dates(bank: ScenarioBank, personality: str) -> None:
    """A step the reading heard but that names no day ("I'd keep the day book where it is, and we start
    small") is turned down without "calendar", "date" or "booking": the rep named none."""
    s = bank.get("cfo-price-routing")
    s = s.model_copy(update={"buyer": s.buyer.model_copy(update={"personality": personality})})
    step = "I'd keep your routing sheets exactly as they are and start small with one depot."
    said = [Turn(role="buyer", text=s.buyer.opening), Turn(role="rep", text=step)]
    for seed in range(6):
        facts = scenario_facts(s, BuyerState())
        situation = Situation(id="want_numbers", facts=facts, behaviours=["next_step"])
        text = ScriptedVoice(seed).speak(s, BuyerState(), situation, said).lower()
        assert not any(w in text for w in ("calendar", "date", "book", "schedul")), text


def test_a_step_is_declined_only_when_the_reading_heard_one(bank: ScenarioBank) -> None:
    """A question about a past event names a month and an activity and proposes nothing: no "not so fast on
    the calendar" unless the shared reading heard a next step."""
    s = bank.get("cfo-price-routing")
    declines = load_lines()["decline_step"]
    said_no = [*declines.get(s.buyer.personality, []), *declines.get("any", [])]
    question = [Turn(role="buyer", text=s.buyer.opening),
                Turn(role="rep", text="How did the fleet review in March go for your dispatchers?")]
    for seed in range(6):
        asked = Situation(id="want_numbers", facts=scenario_facts(s, BuyerState()),
                          behaviours=["explore_concern", "open_question"])
        proposed = asked.model_copy(update={"behaviours": ["closed_question", "next_step"]})
        assert not any(x in ScriptedVoice(seed).speak(s, BuyerState(), asked, question) for x in said_no)
        assert any(x in ScriptedVoice(seed).speak(s, BuyerState(), proposed, question) for x in said_no)


@pytest.mark.parametrize("sid", ["opening", "want_numbers", "walk_away"])
def test_stream_gives_the_same_words(bank: ScenarioBank, sid: str) -> None:
    s = bank.get("hvac-not-interested-cold")
    voice = ScriptedVoice(5)
    sit = Situation(id=sid, facts=scenario_facts(s, BuyerState()))
    assert "".join(voice.stream(s, BuyerState(), sit, [])) == voice.speak(s, BuyerState(), sit, [])
    assert voice.last_notice is None


def test_opening_is_the_scenarios_line(bank: ScenarioBank) -> None:
    s = bank.get("3pl-trust-vendor-size")
    text = ScriptedVoice(0).speak(s, BuyerState(), Situation(id="opening"), [])
    assert text == re.sub(r"\s+", " ", s.buyer.opening).strip()


def test_a_scenarios_own_concern_lines_come_out_in_stages(bank) -> None:  # type: ignore[no-untyped-def]
    """With concern_lines the buyer hints with the first, tells the story with the second and keeps the stake
    (the third) for the next good question; nothing is pasted (issue 13)."""
    from coach_engine.buyer.persona import scenario_facts
    from coach_engine.buyer.state import BuyerState

    base = bank.get("cfo-price-routing")
    buyer = base.buyer.model_copy(update={"concern_lines": [
        "Timing on our side is awkward, and it isn't about you.",
        "We spent a year and a lot of money on a system that never went live.",
        "If I bring the board another one that stalls, that's on me."]})
    scenario = base.model_copy(update={"buyer": buyer})
    hidden = BuyerState(concern_revealed=False)
    shown = BuyerState(concern_revealed=True)
    assert scenario_facts(scenario, hidden)["concern_hint"].startswith("Timing on our side")
    assert "concern" not in scenario_facts(scenario, hidden)
    story = "We spent a year and a lot of money on a system that never went live."
    assert scenario_facts(scenario, shown)["concern"] == story
    told = scenario_facts(scenario, BuyerState(concern_revealed=True, stake_told=True))["concern"]
    assert told.startswith("We spent a year") and told.endswith("that's on me.")
    assert base.content_hash() == base.model_copy(update={"buyer": base.buyer}).content_hash()


PITCH_REBUKE = re.compile(r"\bpitch\b|\bbrochure\b|question I didn't ask|skipped right past", re.IGNORECASE)


@pytest.mark.parametrize("personality", ["analytical", "driver", "amiable", "expressive"])
def test_a_restated_objection_after_no_pitch_rebukes_no_pitch(bank: ScenarioBank, personality: str) -> None:
    """The director marks a restatement after a turn that pitched nothing (``plain``): the buyer then never
    says "I've heard the pitch" or "that's a lovely brochure" (issue 13: rebukes rest on what the rep did)."""
    s = _with_buyer(bank, personality=personality)
    facts = {**scenario_facts(s, BuyerState()), "plain": "yes"}
    for seed in range(12):
        text = ScriptedVoice(seed).speak(s, BuyerState(), Situation(id="restate_objection", facts=facts), [])
        assert text and not PITCH_REBUKE.search(text), (personality, seed, text)


def test_a_line_differing_only_in_case_is_not_said_again(bank: ScenarioBank) -> None:
    """The same words with a capital after a colon are the same line to a rep (and to the realism lint)."""
    s = bank.get("cfo-price-routing")
    facts = scenario_facts(s, BuyerState())
    sit = Situation(id="restate_objection", facts=facts)
    for seed in range(12):
        voice = ScriptedVoice(seed)
        first = voice.speak(s, BuyerState(), sit, [])
        history = [Turn(role="buyer", text=first.upper()), Turn(role="rep", text="Okay.")]
        again = voice.speak(s, BuyerState(), sit, history)
        assert re.sub(r"\W+", " ", again.lower()) != re.sub(r"\W+", " ", first.lower()), (seed, first)


def test_no_sentence_of_five_words_is_said_twice_in_a_drill(bank: ScenarioBank) -> None:
    """A restatement already said ("The price is more than I planned for.") or a tail ("I just want to get
    this right for everyone.") is not said again inside a new line (evals/realism.py, sentence_twice)."""
    from coach_engine.buyer.line_polish import long_sentences as _long_sentences

    s = bank.get("cfo-price-routing")
    facts = scenario_facts(s, BuyerState())
    for sid in ("restate_objection", "restate_plain", "restate_heard"):
        _no_sentence_twice(s, Situation(id=sid, facts=facts), _long_sentences)


def _no_sentence_twice(s: Scenario, sit: Situation, _long_sentences: Callable[[str], set[str]]) -> None:
    for seed in range(12):
        voice = ScriptedVoice(seed)
        history: list[Turn] = []
        for _ in range(4):
            line = voice.speak(s, BuyerState(), sit, history)
            said = _long_sentences(" ".join(t.text for t in history if t.role == "buyer"))
            assert not _long_sentences(line) & said, (seed, line)
            history += [Turn(role="buyer", text=line), Turn(role="rep", text="Okay.")]


@pytest.mark.parametrize("personality", ["analytical", "driver", "amiable", "expressive"])
def test_an_agreed_step_said_as_a_verb_reads_as_english(bank: ScenarioBank, personality: str) -> None:
    """Managers write next steps as verbs too ("Walk two sites together next week"): no agree line puts one
    after "do" or "in for", which only a noun phrase ("a 30-minute call") fits; an "early next week" the
    rep made a day reads as that day, not "next Tuesday week"."""
    from coach_engine.buyer.steps import agreed_step as _agreed_step

    s = _with_buyer(bank, personality=personality,
                    next_step="Walk two sites together early next week and fit trial sensors")
    step = _agreed_step("walk two sites together early next week and fit trial sensors", "next Tuesday at 8?")
    assert step == "walk two sites together next Tuesday at 8 and fit trial sensors"
    facts = {**scenario_facts(s, BuyerState()), "rep_step": "Could we walk two sites next Tuesday at 8?"}
    for seed in range(12):
        line = ScriptedVoice(seed).speak(s, BuyerState(), Situation(id="agree", facts=facts), [])
        assert "walk two sites" in line and not re.search(r"\b(?:do|in for) walk", line), line


@pytest.mark.parametrize(("step", "proposal", "agreed"), [
    ("a 30-minute call with me and my CFO in the first week of March",
     "Could we hold 30 minutes with you both on Wednesday, March 4th at 9?",
     "a 30-minute call with me and my CFO on Wednesday, March 4th at 9"),
    ("a site walk in the second half of June", "How about a walk-through in the last week of June?",
     "a site walk in the last week of June"),
    ("a pilot review next week", "Does Friday the 12th at 2 suit you?",
     "a pilot review on Friday the 12th at 2"),
    ("a visit to the yard on Saturday morning to run a test ticket",
     "Give me 15 minutes at the yard Saturday at 8.",
     "a visit to the yard on Saturday at 8 to run a test ticket"),
    ("a 45-minute call with me and my VP to plan a one-store pilot that goes live in January",
     "45 minutes with you both, Tuesday the 29th at 10?",
     "a 45-minute call with me and my VP on Tuesday the 29th at 10 to plan a one-store pilot that goes "
     "live in January"),
    ("a 30-minute session with my scheduler to load one week", "Next Tuesday at 10 a.m.?",
     "a 30-minute session with my scheduler next Tuesday at 10 a.m. to load one week"),
    ("what you just proposed", "Try it in one shop for a month. I can be there Monday at 8 to start it.",
     "what you just proposed, on Monday at 8"),
    ("a short demo with the team", "Can we do it the week of the 20th?",
     "a short demo with the team, the week of the 20th"),
    ("a trial fitting and a full install in the second week of May",
     "I'll do the fitting next Monday, and the full install in the second week of May as you said.",
     "a trial fitting and a full install in the second week of May"),
    ("a review call", "Let's meet this Friday at 4, ahead of the June 2 budget close.",
     "a review call, this Friday at 4"),
    # of two times, the one said of this step's action, placed with that action
    ("run one kiln batch through Firetrack alongside the paper log, compare the two with my shift lead, then "
     "decide", "I'll call your supplier this week, and we begin the kiln batch on Tuesday the 4th.",
     "run one kiln batch through Firetrack alongside the paper log on Tuesday the 4th, compare the two with "
     "my shift lead, then decide"),
    ("a review of the kiln log with me and Ines on a call the following Friday",
     "Could we start Friday the 9th at 2?",
     "a review of the kiln log with me and Ines on a call on Friday the 9th at 2"),
    ("a kiln trial in the second week of March", "Could we do the start of April?",
     "a kiln trial at the start of April"),
    ("a one-day audit of the kiln line, done by our crew on a Thursday",
     "Could our crew come in on Thursday at 6am?",
     "a one-day audit of the kiln line, done by our crew on Thursday at 6am"),
    # a day written before its month goes with it; a time the rep says again for another part of the step
    # keeps that part, and the rep's own day still replaces the step's
    ("a planning call in the first week of March to set up a two-site start in April",
     "Can we hold a planning call on Friday 6 March at 9am, aiming at the two-site start in April?",
     "a planning call on Friday 6 March at 9am to set up a two-site start in April"),
    # the rep's day said after a "before ..." clause is still the rep's, and the step's own "before" stays
    ("a 20-minute call with me and the ops lead before the budget review on the 20th",
     "Could the three of us talk before the budget review, say Monday the 16th at 11?",
     "a 20-minute call with me and the ops lead on Monday the 16th at 11, before the budget review on the "
     "20th"),
    # a placeholder day ("on a set date", "on a weekday morning") gives way to the rep's named day
    ("a pilot on one zone, planned in a meeting on a set date", "Can we sit down Wednesday the 20th at 9am?",
     "a pilot on one zone, planned in a meeting on Wednesday the 20th at 9am"),
    ("a dock walk on a weekday morning in August", "Tuesday August 12th at 8am, before it gets busy?",
     "a dock walk on Tuesday August 12th at 8am"),
    ("a call with the CFO at an agreed time", "Could we talk at 3pm?", "a call with the CFO at 3pm"),
    # "one site at a time" and "for a day" are no placeholder days
    ("a pilot, one site at a time, starting next month", "Could we start Tuesday the 3rd?",
     "a pilot, one site at a time, starting on Tuesday the 3rd"),
    ("a ride-along for a day in March", "Could I ride along Tuesday the 3rd?",
     "a ride-along for a day on Tuesday the 3rd"),
    # "on the 12 busiest trucks" counts trucks: no date to replace
    ("a half-day install on the 12 busiest trucks next Saturday morning",
     "Our crew can come next Saturday at 7am and fit your 12 busiest trucks.",
     "a half-day install on the 12 busiest trucks next Saturday at 7am"),
    # the rep keeps the step's day and names another for a second part of the proposal: both are agreed
    ("a two-week trial on the night line starting next Monday, with a review call at the end",
     "Let's start the trial next Monday, and then sit down with Dana on Friday the 28th to go over it.",
     "a two-week trial on the night line starting next Monday, with a review call at the end, and the "
     "sit-down with Dana on Friday the 28th"),
    # a time that bounds a wait is not when the step happens; the step keeps its own
    ("a site walk in the first week of March", "If we hold off until May, the crews are booked.",
     "a site walk in the first week of March"),
])
def test_the_reps_time_replaces_the_steps_whole_time_phrase(step: str, proposal: str, agreed: str) -> None:
    """The rep's time is spliced in as a whole phrase for the step's whole phrase: a weekday never lands
    inside "the first week of <month>", and the date and clock time the rep gave are kept. A rep who keeps
    the step's own time for one part of it changes nothing; a deadline's date ("ahead of the June 2 ...")
    is not the meeting's time, nor is a time inside a clause of its own ("a pilot that goes live in May"):
    the rep's time then goes with the step's own words."""
    from coach_engine.buyer.steps import agreed_step as _agreed_step

    assert _agreed_step(step, proposal) == agreed


def test_a_long_answer_that_spoke_to_the_concern_is_called_long_not_off_point(bank: ScenarioBank) -> None:
    """Cutting in on a long turn that tied its answer to the concern, the buyer asks for the short version;
    it never says the rep listed features or missed the problem. Restating the objection after such a turn,
    it keeps its position without "that doesn't touch what I said"."""
    s = bank.get("cfo-price-routing")
    facts = scenario_facts(s, BuyerState())
    long_lines = {*load_lines()["situations"]["impatient_long"].get(s.buyer.personality, []),
                  *load_lines()["situations"]["impatient_long"]["any"]}
    for seed in range(12):
        said = ScriptedVoice(seed).speak(s, BuyerState(), Situation(
            id="impatient_monologue", facts={**facts, "only_long": "yes"}), [])
        assert any(line.lower() in said.lower() for line in long_lines), said
        assert not re.search(r"feature|problem|concern|matters to me", said, re.I), said
        said = ScriptedVoice(seed).speak(s, BuyerState(), Situation(
            id="restate_objection", facts=facts, behaviours=["state_value", "tie_to_concern"]), [])
        assert not re.search(r"pitch|touch what I said|heard what I'm worried", said, re.I), said


def test_what_the_buyer_still_wants_is_worded_afresh(bank: ScenarioBank) -> None:
    """A wanted thing with several wordings (``wants``: proof) is not asked for in the same words twice."""
    from coach_engine.buyer.scripted import load_lines
    from coach_engine.buyer.state import ResolutionItem

    s = bank.get("cfo-price-routing")
    asks = load_lines()["wants"]["proof"][s.buyer.personality]  # worded by personality
    state = BuyerState(resolution=[ResolutionItem(text="Cites a comparable customer", kind="proof")])
    sit = Situation(id="acknowledge_progress", facts=scenario_facts(s, state))
    for seed in range(6):
        voice = ScriptedVoice(seed)
        first = voice.speak(s, state, sit, [])
        history = [Turn(role="buyer", text=first), Turn(role="rep", text="Okay.")]
        second = voice.speak(s, state, sit, history)
        said = [[a for a in asks if a in line] for line in (first, second)]
        assert said[0] and said[1] and said[0] != said[1], (seed, first, second)


def test_a_name_leading_a_line_keeps_its_capital(bank: ScenarioBank) -> None:
    """After a lead-in ("Well,") a line's first word is lowered unless it is a name: one the scenario writes
    capitalised inside a sentence is one."""
    from coach_engine.buyer.line_polish import keeps_capital as _keeps_capital

    facts = {"objection": "It goes to our director, Linda, and she hates vendors."}
    assert _keeps_capital("Linda signs off on every vendor.", facts)
    assert not _keeps_capital("Our director signs off.", facts)


def test_pronouns_for_other_people_and_the_organisations_verbs(bank: ScenarioBank) -> None:
    """Issue 13's first person reaches only the buyer and their organisation: a "his" after another named
    person stays theirs, family members are other people, and the organisation's second verb and its "its"
    follow it into "we"."""
    from coach_engine.buyer.persona import first_person

    s = _with_buyer(bank, name="Mira Holt", company="Holt Orchards (40 staff)")
    said = first_person("Anton runs the packing line and sets the budget; Mira questions his numbers but "
                        "won't overrule him in public.", s)
    assert said == ("Anton runs the packing line and sets the budget; I question his numbers but won't "
                    "overrule him in public.")
    said = first_person("Her aunt and cousin own the orchard; Mira must convince them, and they decide in "
                        "spring.", s)
    assert "convince them, and they decide" in said
    said = first_person("The company missed its export target and hopes to recover it by June.", s)
    assert said == "We missed our export target and hope to recover it by June."


def test_a_line_that_opens_with_its_own_acknowledgement_gets_no_lead_in(bank: ScenarioBank) -> None:
    """ "To be clear, noted." and "Look, sure..." are two openings stacked; a line that opens with its own
    "Noted." or "Sure" is said without the personality's lead-in."""
    s = _with_buyer(bank, personality="analytical")
    facts = {**scenario_facts(s, BuyerState()), "plain": "yes"}
    lines = [ScriptedVoice(seed).speak(s, BuyerState(), Situation(id="restate_objection", facts=facts), [])
             for seed in range(40)]
    assert any(line.lower().startswith("noted") for line in lines)
    assert not any(re.match(r"^(?:let me be precise\.|okay\.|hm\.|look,|to be clear,)\s+noted", line, re.I)
                   for line in lines)


def test_the_spare_lines_never_say_the_rep_repeated_themself() -> None:
    """When a situation's lines are used up the buyer says where it stands; the rep who used them up may
    have said something new, so "I've heard that already" would rest on something they did not do."""
    fresh = load_lines()["fresh"]
    for personality, lines in fresh.items():
        assert len(lines) >= 3, personality
        for line in lines:
            assert not re.search(r"already|again|same|circl|round and round|been here|new\b", line, re.I)


def test_a_buyer_who_says_speaks_in_the_first_person(bank: ScenarioBank) -> None:
    from coach_engine.buyer.persona import first_person

    s = _with_buyer(bank, name="Asha Rao")
    said = first_person('Asha says "later" only because she assumes IT is busy, and she tries to wait.', s)
    assert said.startswith('I say "later" only because I assume') and "I try to wait" in said, said


def test_a_short_verb_and_a_verb_after_a_comma_take_the_first_person(bank: ScenarioBank) -> None:
    """ "Ray feels he owes Hal, and doesn't want ..." is "I feel I owe Hal, and don't want ..."; a verb after
    a comma whose subject is someone else keeps its own ending."""
    from coach_engine.buyer.persona import first_person

    s = _with_buyer(bank, name="Ray Soto")
    said = first_person("Ray feels he owes his old vendor, and doesn't want to be the one who ends it.", s)
    assert "I feel I owe my old vendor, and don't want to be" in said, said
    said = first_person("Ray backed it, but the CFO hates it and doesn't want more.", s)
    assert "the CFO hates it and doesn't want more" in said, said


def test_a_concern_written_in_the_buyers_own_voice_is_said_as_written(bank: ScenarioBank) -> None:
    """Some managers write the concern as the buyer talking. Its "they" is then another party's (a rival
    vendor), never the buyer's own firm, and its "she" someone else's; a numeral after a name ("Phase I")
    is not the buyer speaking."""
    from coach_engine.buyer.persona import first_person

    s = _with_buyer(bank, name="Lena Park")
    own = "The other vendor is cheaper but they only send a report. My crew lost a week, and she blamed me."
    assert first_person(own, s) == own
    said = first_person("The Phase I grant ends in June and Lena has no backup plan for it.", s)
    assert "I have no backup plan" in said


def test_the_buyers_pronouns_are_told_from_everyone_elses(bank: ScenarioBank) -> None:
    """The object of the buyer's own verb is someone else ("Nadia had to let him go" is never Nadia); the
    pronouns of a story that opens on another named person are theirs until the buyer comes in; a clause
    opening on "He" is no one new; a nickname in the name is the buyer."""
    from coach_engine.buyer.persona import concern_stages, first_person

    s = _with_buyer(bank, name="Nadia Price")
    said = first_person("Last winter a new hire, Omar Haddad, slipped on the dock before a forklift "
                        "driver caught him. Nadia had to let him go, which still bothers her. Her crew blame "
                        "her.", s)
    assert "driver caught him" in said and "I had to let him go, which still bothers me" in said, said
    assert "My crew blame me" in said, said
    s = _with_buyer(bank, name="Tomas Berg")
    said = first_person("Tomas's boss, Irene Walsh, picked the vendor. In 2022 Tomas pushed a scanner "
                        "project that ran late, and Irene brought it up at his review. He privately thinks "
                        "the vendor costs them a day a week, but he won't tell Irene.", s)
    assert "I privately think" in said and "I won't tell Irene" in said, said
    s = _with_buyer(bank, name="Colm Reilly")
    said = first_person("Colm's head baker, Aoife Byrne, wrote the recipes without anyone thanking her. "
                        "Colm talked her out of leaving, and he fears she will go if a new system sidelines "
                        "her.", s)
    assert "I talked her out of leaving, and I fear she will go" in said, said
    s = _with_buyer(bank, name='Margaret "Peg" Olsen')
    s = s.model_copy(update={"buyer": s.buyer.model_copy(update={"concern_lines": [], "hidden_concern": (
        "I only heard this from Peg over coffee. In 2021 Peg's last supplier missed the spring order, and "
        "she lost two wholesale accounts over it.")})})
    story = " ".join(concern_stages(s))
    assert "I lost two wholesale accounts" in story and "over coffee" not in story and "Peg" not in story


@pytest.mark.parametrize("sid", ["want_proof", "want_numbers"])
def test_after_a_turn_of_questions_the_buyer_doubts_no_claim(bank: ScenarioBank, sid: str) -> None:
    """"Says you", "That's a projection" or "Connect it to what I just told you" answer a claim; a rep who
    only asked questions made none, so the buyer asks for proof or a figure plainly (issue 13: rebukes
    resting on what the rep did not do)."""
    from coach_engine.buyer.state import BuyerState, Situation

    situations = load_lines()["situations"]
    plain = {y for ys in situations[f"{sid}_plain"].values() for y in ys}
    claim_lines = {x for xs in situations[sid].values() for x in xs if x not in plain}
    s = bank.get("cfo-price-routing")
    state = BuyerState(concern_revealed=True)
    facts = {"product": s.product.name}
    heard = []
    for seed in range(12):
        asked = Situation(id=sid, facts=facts, behaviours=["open_question"])
        line = ScriptedVoice(seed).speak(s, state, asked, [])
        assert not any(c.format(**facts) in line for c in claim_lines), line
        heard.append(line)
    assert any(p.format(**facts) in line for line in heard for p in plain)  # said from the plain bank
    said = {ScriptedVoice(seed).speak(s, state, Situation(id=sid, facts=facts, behaviours=["give_proof"]), [])
            for seed in range(12)}
    assert any(any(c.format(**facts) in line for c in claim_lines) for line in said)


def test_a_buyer_whose_title_has_no_full_stop_still_speaks_as_i(bank: ScenarioBank) -> None:
    """"Revd Helen Marsh": the first name is Helen, not the title."""
    from coach_engine.buyer.persona import first_person

    s = _with_buyer(bank, name="Revd Helen Marsh")
    said = first_person("Helen thinks the council will see it as a luxury, and she would rather wait.", s)
    assert said.startswith("I think") and "I would rather wait" in said


@pytest.mark.parametrize(("name", "concern", "said"), [
    # Someone else acts before the pronoun and it is theirs: the buyer takes the other gender's.
    ("Wade Tillman", "Wade runs the farm for the owner, Eleanor, who has said she will sell if this season "
     "loses money. Last spring he started the fans late, and she has not asked his opinion since.",
     ["she will sell", "I started the fans late", "she has not asked my opinion since"]),
    ("Tom Russo", "Ana is Tom's sister. Overtime keeps growing and she's worn out, but he's afraid software "
     "will look like he's replacing her.",
     ["Ana is my sister.", "she's worn out", "I'm afraid software will look like I'm replacing her"]),
    # ... unless another person acts in the very sentence of that pronoun: it is theirs, and nobody can tell
    ("Carl Dunne", "Carl's foreman, Ray Soto, runs the night shift and he trusts him. Bea has been turning "
     "rush jobs away, and she and Carl have argued about it. Carl also quietly knows margins fell.",
     ["she and I have argued", "I also quietly know"]),
    # another person acting with an adverb before the verb ("Priya still reviews") owns the "she" after it
    ("Omar Haddad", "Last spring Omar pushed a forecasting tool that Priya Nair, the finance director, "
     "dropped after a quarter. Priya still reviews every purchase over $5,000, and at the budget meeting she "
     "mentioned the tool again. Omar won't go back to her without proof.",
     ["I pushed a forecasting tool", "she mentioned the tool again", "I won't go back to her"]),
    # a person named beside an acting role ("my head nurse, Joy Tan, was ...") owns the "she" that follows
    ("Omar Haddad", "Omar's head nurse, Joy Tan, was blamed in 2022 when a rota app lost a month of shifts. "
     "She has told Omar that nothing new goes live without her sign-off.",
     ["She has told me that nothing new goes live without her sign-off"]),
    # a reflexive is its own clause's subject's; the object of the buyer's own clause is someone else
    ("Ivo Marsh", "In the 2019 flood the old supplier's owner, Pete Lang, drove out himself at night to fix "
     "Ivo's chiller, and Ivo feels he owes him.",
     ["Pete Lang, drove out himself at night to fix my chiller", "I feel I owe him"]),
    # The nearest name is the antecedent: someone else of the buyer's gender, named as a clause's subject,
    # keeps that clause's pronouns; the buyer's own clauses still say "I"; a month is nobody's antecedent.
    ("Gunnar Lindqvist", "His reports show recovery slipping, but Walt, head sawyer for 31 years, has said "
     "he'll quit if a computer tells him how to saw. Gunnar can't lose Walt, so he'd rather wait.",
     ["My reports", "he'll quit if a computer tells him how to saw",
      "I can't lose Walt, so I'd rather wait"]),
    ("Grace Adeyemi", "Grace's CEO, Dr. Helen Marsh, used it at her previous hospice and told the board she "
     "likes it. Grace is caught in the middle, and the plan is due in May, and she has no time.",
     ["My CEO", "at her previous hospice", "she likes it", "I'm caught in the middle", "I have no time"]),
    # A concern that opens on someone else keeps their pronouns; one that opens on the buyer does not.
    ("Tom Reyes", "Marta, his bookkeeper for nine years, runs the office. She's 58 and hates new systems, "
     "and Tom's worried she'll think he's pushing her out.",
     ["Marta, my bookkeeper", "She's 58", "and I'm worried she'll think I'm pushing her out."]),
    ("Tom Reyes", "His own figures show the slip, but Walt, foreman for 20 years, has said he'll quit if "
     "pushed. Tom can't lose Walt, so he'd rather say nothing.",
     ["My own figures", "he'll quit", "I'd rather say nothing"]),
    # A possessive that introduces another named person is the buyer's, though another subject is nearer.
    ("Lena Brandt", "Her boss, Tom Hale, told the board they would build it in-house, and her deputy Ana "
     "Ruiz has run the build since. Lena doesn't want to go around Ana.",
     ["My boss, Tom Hale, told the board", "my deputy Ana Ruiz"]),
    # English verbs and possessives: "push", a second regular verb, "I'm"/"I've" for a name's 's, "mine".
    ("Hannah Cole", "Hannah's team is drowning. If she pushes it and it goes badly, she loses the team's "
     "trust.",
     ["If I push it and it goes badly"]),
    ("Lena Brandt", "Lena works nights and trusts the crew, and if it fails, she loses face and looks "
     "foolish.",
     ["I work nights and trust the crew, and if it fails, I lose face and look foolish."]),
    ("Nell Garza", "Nell's worried the crew will balk, and Nell's been burned; Nell's team is small.",
     ["I'm worried the crew will balk, and I've been burned; my team is small."]),
    ("Joost Verhoeven", "Joost feels the decision is not his to make, and his son runs the floor.",
     ["not mine to make", "my son runs the floor"]),
])
def test_whose_pronoun_it_is(bank: ScenarioBank, name: str, concern: str, said: list[str]) -> None:
    from coach_engine.buyer.persona import first_person

    told = first_person(concern, _with_buyer(bank, name=name))
    assert all(part in told for part in said), told


def test_after_a_lead_in_only_names_and_acronyms_keep_their_capital() -> None:
    """"To be clear, a twin-band headrig ..." (a one-letter word is no acronym); "IT" and a name stay."""
    from coach_engine.buyer.line_polish import keeps_capital as _keeps_capital

    facts = {"buyer_name": "Gunnar Lindqvist", "answer": "About 140 machines.", "context": "costing"}
    assert not _keeps_capital("A twin-band headrig from 1998.", facts)
    assert not _keeps_capital("About 140 machines.", facts)  # two texts side by side are no mid-sentence
    assert _keeps_capital("IT runs it.", facts) and _keeps_capital("Gunnar here.", facts)


def test_a_buyer_the_manager_calls_they_speaks_as_i(bank: ScenarioBank) -> None:
    """Singular "they" for the buyer becomes "I"; another person's "she" stays theirs, and a "them" with
    a plural noun nearer than the buyer ("the figures ... check them") stays the noun's."""
    from coach_engine.buyer.persona import first_person

    s = _with_buyer(bank, name="Quinn Halloran")
    said = first_person("Quinn joined in spring, and the first change they pushed went badly; Dana overruled "
                        "them at the staff meeting. Quinn's review is soon, and they won't bring her another "
                        "plan unless the figures are solid and she can check them herself.", s)
    assert "the first change I pushed" in said and "Dana overruled me" in said
    assert "My review is soon, and I won't bring her another plan" in said and "check them herself" in said


def test_the_agreed_step_says_our_for_the_buyers_own_firm(bank: ScenarioBank) -> None:
    """Managers shorten the firm to its first word ("Voss's own load factors" for Voss Coach Tours) or call
    it "the practice"; the buyer agreeing says "our". "which Quinn takes" is "which I take"."""
    from coach_engine.buyer.persona import step_in_first_person

    s = _with_buyer(bank, name="Quinn Halloran", company="Voss Coach Tours (14 coaches)")
    said = step_in_first_person("A call with Quinn to go through a case built on Voss's own load factors, "
                                "which Quinn takes to the owner", s)
    assert said == ("a call with me to go through a case built on our own load factors, which I take to "
                    "the owner")


def test_the_agreed_step_says_our_for_the_buyers_side_and_their_for_other_people(bank: ScenarioBank) -> None:
    """"against a test copy of their data" is the buyer's data; "two drivers ... on their own tablets"
    are the drivers' own, and "my partner" is on the buyer's side."""
    from coach_engine.buyer.persona import step_in_first_person

    s = _with_buyer(bank, name="Quinn Halloran", company="Voss Coach Tours (14 coaches)")
    assert step_in_first_person("A call with Quinn to run the sync on a copy of their data", s) == \
        "a call with me to run the sync on a copy of our data"
    assert step_in_first_person("A session with Quinn and two drivers on their own tablets", s) == \
        "a session with me and two drivers on their own tablets"
    assert step_in_first_person("A call with Quinn and her partner about their busiest routes", s) == \
        "a call with me and my partner about our busiest routes"


def test_a_word_after_a_colon_is_lowered_unless_it_is_a_name() -> None:
    from coach_engine.buyer.line_polish import lowered_after_colons as _lowered_after_colons

    facts = {"buyer_name": "Dee Harlan", "first_name": "Dee"}
    for said, meant in [("Here's the truth: Nearly all of it comes in spring.",
                         "Here's the truth: nearly all of it comes in spring."),
                        ("Straight answer: Dee does the books.", "Straight answer: Dee does the books."),
                        ("Fine: I'll say it.", "Fine: I'll say it.")]:
        assert _lowered_after_colons(said, facts) == meant


def test_no_stock_tail_claims_a_past_the_scenario_may_not_have() -> None:
    """A tail is said in any scenario, so it never asserts a backstory ("I've been burned before!")."""
    tails = [t for ts in load_lines()["tail"].values() for t in ts]
    assert not [t for t in tails if re.search(r"\b(?:burned|burnt|last time|before)\b", t, re.I)]


def test_a_hint_claims_no_past_and_no_people_the_concern_does_not_have(bank: ScenarioBank) -> None:
    """"There's history here" only when the concern tells of something that happened; "the people side"
    only when it involves other people. Else the buyer would make up a backstory on the spot."""
    from coach_engine.buyer.state import BuyerState, Situation
    from coach_engine.buyer.telling import names_people, tells_past

    situations = load_lines()["situations"]
    claims = {x for kind in ("hint_history", "hint_people") for xs in situations[kind].values() for x in xs}
    plain = "Nearly all our money comes in spring, and a monthly bill through winter scares me."
    storied = "Two years ago a vendor double-charged sixty families, and the board still brings it up."
    assert not tells_past(plain) and not names_people(plain) and tells_past(storied) and names_people(storied)
    said: dict[str, set[str]] = {}
    for concern in (plain, storied):
        for personality in ("analytical", "amiable", "expressive"):
            s = _with_buyer(bank, hidden_concern=concern, personality=personality)
            facts = {"product": s.product.name, "company": s.buyer.company}
            said.setdefault(concern, set()).update(
                ScriptedVoice(seed).speak(s, BuyerState(), Situation(id="hint_concern", facts=facts), [])
                for seed in range(16))
    product = bank.get("cfo-price-routing").product.name
    claimed = {c.format(product=product) for c in claims}
    assert not [line for line in said[plain] if any(c in line for c in claimed)]
    assert any(any(c in line for c in claimed) for line in said[storied])


def test_the_reps_own_product_is_said_to_the_rep(bank: ScenarioBank) -> None:
    """A manager writes the concern about the rep's product by name; the buyer says it to the rep: "I prefer
    yours", "your price", and "the Routewise pilot" as it is."""
    from coach_engine.buyer.persona import first_person

    s = _with_buyer(bank, name="Tom Russo", hidden_concern=(
        "Tom prefers Routewise but will not overrule his dispatcher, and Routewise's price is above the "
        "budget. The Routewise pilot last year went well."))
    told = first_person(s.buyer.hidden_concern, s)
    assert "I prefer yours but" in told and "your price" in told and "The Routewise pilot" in told, told


def test_names_are_said_without_the_authors_brackets(bank: ScenarioBank) -> None:
    """A product or company written with a note in brackets ("Fieldline Sprayers (via Agri Supply Co)") is
    said without it: nobody reads the brackets aloud."""
    from coach_engine.buyer.state import BuyerState

    base = bank.get("cfo-price-routing")
    s = base.model_copy(update={
        "product": base.product.model_copy(update={"name": "Fieldline Sprayers (via Agri Supply Co)"}),
        "buyer": base.buyer.model_copy(update={"company": "Hollis Farms (3 sites, 40 staff)"})})
    facts = scenario_facts(s, BuyerState())
    assert facts["product"] == "Fieldline Sprayers" and facts["company"] == "Hollis Farms"


def test_a_personalitys_tail_closes_only_a_line_that_presses_for_substance(bank: ScenarioBank) -> None:
    """"Numbers, please." after a hint, or "Keep it short." after a rebuke of a short turn, contradicts the
    line it ends; a tail ends a line that asks for more ("So what does it mean for us?")."""
    from coach_engine.buyer.state import BuyerState, Situation

    tails = {t for xs in load_lines()["tail"].values() for t in xs if t}
    for personality in ("analytical", "driver"):
        s = _with_buyer(bank, personality=personality)
        facts = {"product": s.product.name, "company": s.buyer.company}
        for sid in ("hint_concern", "probe_deflect", "push_back_stuffing"):
            for seed in range(24):
                line = ScriptedVoice(seed).speak(s, BuyerState(), Situation(id=sid, facts=facts), [])
                assert not any(line.endswith(t) for t in tails), (sid, line)
        pressed = {ScriptedVoice(seed).speak(s, BuyerState(), Situation(id=sid, facts=facts,
                                                                        behaviours=["state_value"]), [])
                   for sid in ("want_numbers", "want_proof") for seed in range(24)}
        assert any(line.endswith(t) for line in pressed for t in tails)


def test_numbers_please_follows_only_a_claim_without_a_figure_and_never_a_demand(bank: ScenarioBank) -> None:
    """The tail that asks for a figure asks what a claim lacked: not after sympathy (no claim), and not after
    a line that has just asked for a number itself ("With a number. Numbers, please.")."""
    from coach_engine.buyer.state import BuyerState, Situation

    s = _with_buyer(bank, personality="analytical")
    facts = {"product": s.product.name, "company": s.buyer.company}
    for behaviours in (["acknowledge"], []):
        for seed in range(24):
            line = ScriptedVoice(seed).speak(s, BuyerState(), Situation(id="restate_objection", facts=facts,
                                                                        behaviours=behaviours), [])
            assert not line.endswith("Numbers, please."), line
    for seed in range(24):
        line = ScriptedVoice(seed).speak(s, BuyerState(), Situation(id="want_numbers", facts=facts,
                                                                    behaviours=["state_value"]), [])
        assert line.count("number") + line.count("Number") + line.count("figure") <= 1 or \
            not line.endswith("Numbers, please."), line


def test_you_havent_asked_is_never_said_after_a_question_or_once_the_concern_is_out(
        bank: ScenarioBank) -> None:
    """The buyer wanting the concern explored says "there's more to it" once the rep has asked anything
    this drill, or once the buyer has told it: "you still haven't asked me" would then be false."""
    from coach_engine.buyer.state import BuyerState, ResolutionItem, Situation

    s = bank.get("cfo-price-routing")
    never = load_lines()["wants"]["explore"]
    history = [Turn(role="buyer", text=s.buyer.opening), Turn(role="rep", text="What's behind the number?"),
               Turn(role="buyer", text="It's the budget."), Turn(role="rep", text="We cut fuel by a fifth.")]
    item = ResolutionItem(text="asks why", kind="explore")
    for state in (BuyerState(resolution=[item]), BuyerState(concern_revealed=True, resolution=[item])):
        for seed in range(8):
            line = ScriptedVoice(seed).speak(s, state, Situation(id="acknowledge_progress", facts={}),
                                             history if not state.concern_revealed else history[-1:])
            assert never not in line, line


def _with_buyer(bank: ScenarioBank, **buyer: str | None) -> Scenario:
    """A bank scenario with other buyer fields (another name, as the concern texts the tests pass say it;
    no next step)."""
    base = bank.get("cfo-price-routing").model_dump()
    base["buyer"] = {**base["buyer"], **buyer}
    return Scenario.model_validate(base)


@pytest.mark.parametrize("personality", ["analytical", "driver", "amiable", "expressive"])
def test_an_answer_to_a_plain_question_comes_without_a_stock_lead_in(bank: ScenarioBank,
                                                                     personality: str) -> None:
    """Asked how many trucks they run, a buyer says how many; "That's kind of you." or "Look," before it
    answers nothing that was said."""
    from coach_engine.buyer.scripted import load_lines

    s = _with_buyer(bank, personality=personality)
    leads = [x for x in load_lines()["lead"][personality] if x]
    situation = Situation(id="probe_deflect", facts={"answer": "Eighty-five trucks.", "first_name": "Dana"})
    for seed in range(20):
        line = ScriptedVoice(seed).speak(s, BuyerState(), situation,
                                         [Turn(role="rep", text="How many trucks do you run?")])
        assert not any(line.startswith(x) for x in leads), line


def test_a_sentence_opening_on_a_group_leaves_the_pronoun_to_the_buyer(bank: ScenarioBank) -> None:
    """ "Surveyors want the lots staked by May, and he ..." : a plural group opens the sentence, so the "he"
    after it can only be the buyer, who says "I", not "he", of himself."""
    from coach_engine.buyer.persona import first_person, pronoun_left

    concern = "Surveyors want the lots staked by May, and he can't see how to free his crews during the rush."
    s = _no_lines(_with_buyer(bank, name="Abel Stone", hidden_concern=concern))
    said = first_person(s.buyer.hidden_concern, s)
    assert "and I can't see how to free my crews" in said, said
    assert pronoun_left(s) is None


def test_a_pronoun_nobody_can_place_is_named_for_the_author(bank: ScenarioBank) -> None:
    """When another person acts before the "he", it may be theirs or the buyer's: the rewrite keeps it, and
    validate and the Studio say so, with what to write instead."""
    from coach_engine.buyer.persona import pronoun_left
    from coach_engine.studio_check import pronoun_warning

    concern = "Ravi runs the yard, and he says the crews can't spare a week before the thaw."
    s = _no_lines(_with_buyer(bank, name="Abel Stone", hidden_concern=concern))
    assert pronoun_left(s) == "he"
    note = pronoun_warning(s)
    assert note is not None and "'he'" in note and "concern_lines" in note and "('I ...')" in note
    spoken = _no_lines(_with_buyer(bank, name="Abel Stone",
                                   hidden_concern="Ravi runs the yard, and I can't spare him a week."))
    assert pronoun_left(spoken) is None


def _no_lines(s: Scenario) -> Scenario:
    """``s`` without its ``concern_lines``: the hidden concern is told from the manager's text."""
    return s.model_copy(update={"buyer": s.buyer.model_copy(update={"concern_lines": []})})


def test_the_agreed_step_says_you_for_the_rep(bank: ScenarioBank) -> None:
    """A manager's step names "the rep"; the buyer agreeing says it to the rep: "with you presenting"."""
    from coach_engine.buyer.persona import step_in_first_person

    s = _with_buyer(bank, name="Quinn Halloran", company="Voss Coach Tours (14 coaches)")
    assert step_in_first_person("A call with Quinn and the owner, with the rep presenting", s) == \
        "a call with me and the owner, with you presenting"
    said = step_in_first_person("A demo the sales rep runs, then a review where the rep is in the room", s)
    assert said == "a demo you run, then a review where you are in the room"
    assert step_in_first_person("A visit from the rep's engineer", s) == "a visit from your engineer"
    assert step_in_first_person("A review of the report with Quinn", s) == "a review of the report with me"


def test_an_acknowledgement_alone_is_thanked_before_the_objection_again(bank: ScenarioBank) -> None:
    """A rep who only felt with the buyer ("I'm sorry that happened") pitched nothing: the buyer thanks them
    and says where they stand, never "that still leaves me where I started" as if nothing was said."""
    s = bank.get("cfo-price-routing")
    facts = {**scenario_facts(s, BuyerState()), "plain": "yes"}
    heard = load_lines()["situations"]["restate_heard"]
    openings = {t.split(".")[0].lower() for v in heard.values() for t in v}
    for seed in range(8):
        for heard_it in ("acknowledge", "summarize"):  # said back what they told is heard too
            sit = Situation(id="restate_objection", facts=dict(facts), behaviours=[heard_it])
            said = ScriptedVoice(seed).speak(s, BuyerState(), sit, [])
            assert any(x in said.lower() for x in openings), said


def test_a_rep_who_felt_with_the_buyer_then_pitched_is_never_told_they_are_not_listening(
        bank: ScenarioBank) -> None:
    """Felt with the buyer, then pitched before asking: the buyer says the pitch does not settle it, never
    "you're not listening" or "you skipped right past what I said" (evals/realism.py, false_premise)."""
    from evals.realism import _UNHEARD

    s = bank.get("cfo-price-routing")
    facts = scenario_facts(s, BuyerState())
    for seed in range(8):
        sit = Situation(id="restate_objection", facts=dict(facts), behaviours=["acknowledge", "state_value"])
        said = ScriptedVoice(seed).speak(s, BuyerState(), sit, [])
        assert not _UNHEARD.search(said), said
        assert "pitch" in said.lower() or "answer" in said.lower(), said  # the pitch is what is turned down


def test_a_step_that_says_him_or_her_of_the_buyer_is_said_as_me(bank: ScenarioBank) -> None:
    """The step never names the buyer, but its "him"/"her" is the buyer the concern says "he"/"she" of:
    "with me and the programme lead", "reviewed with me before Paul sees it"; not when someone else is
    named first ("with the owner and his team")."""
    from coach_engine.buyer.persona import step_in_first_person

    worry = "A child went missing two seasons ago, and he is quietly worried about the next renewal."
    he = _no_lines(_with_buyer(bank, name="Abel Stone", hidden_concern=worry))
    assert step_in_first_person("A video call on Thursday with him and the programme lead", he) == \
        "a video call on Thursday with me and the programme lead"
    theirs = "a call with the owner and his team"
    assert step_in_first_person(theirs, he) == theirs
    she = _no_lines(_with_buyer(bank, name="Rita Vance", hidden_concern="Two years ago she pushed a charting "
                                "system the nurses hated, and she won't champion another."))
    assert step_in_first_person("A two-week trial, reviewed with her before Paul sees it", she) == \
        "a two-week trial, reviewed with me before Paul sees it"


def test_a_thank_you_lead_in_answers_being_heard_not_a_question(bank: ScenarioBank) -> None:
    """"I appreciate that." or "That's kind of you." before a line thanks the rep for taking the buyer in;
    after a plain question or a pitch it is praise for nothing, so it is left off."""
    s = bank.get("dental-price-scheduling")  # amiable: the personality whose lead-ins thank
    facts = scenario_facts(s, BuyerState())
    asked = [Turn(role="rep", text="How do you confirm appointments at the moment?")]
    for seed in range(40):
        sit = Situation(id="probe_deflect", facts=dict(facts), behaviours=["open_question"])
        text = ScriptedVoice(seed).speak(s, BuyerState(), sit, asked)
        assert not text.startswith(("I appreciate that.", "That's kind of you.")), (seed, text)


def test_the_buyer_asks_for_the_person_the_involve_item_names(bank: ScenarioBank) -> None:
    """An item that names whom to bring in ("Gets Marta in on it somehow") is asked for by name, never as
    "the others who decide" (said by an owner who decides, it is false); an item that names a role keeps the
    general line, and a department or firm is no one to ask for."""
    from coach_engine.buyer.item_match import person_named
    from coach_engine.buyer.state import ResolutionItem

    s = bank.get("dental-price-scheduling")
    assert person_named("Gets Marta, the lab lead, in on it somehow", s) == "Marta"
    assert person_named("Offers to bring the VP of Operations into the next call", s) == ""
    assert person_named("Brings in the Continuing Airworthiness Manager", s) == ""
    assert person_named("Rosa gets the dentists on board", s) == ""  # the buyer is never someone to bring in
    state = BuyerState(resolution=[ResolutionItem(text="Gets Marta, the lab lead, in on it somehow",
                                                  kind="involve", sure=True)])
    facts = scenario_facts(s, state)
    for seed in range(6):
        text = ScriptedVoice(seed).speak(s, state, Situation(id="acknowledge_step", facts=dict(facts)), [])
        assert "Marta" in text and "others who decide" not in text, text


def test_an_opening_that_names_the_buyer_is_flagged(bank: ScenarioBank) -> None:
    """An opening pasted from a call summary ("Prospect said the price was ...") is said as written, so
    validate and the Studio tell the author; a buyer's own opening is not flagged."""
    from coach_engine.studio_check import opening_warning

    s = bank.get("cfo-price-routing")
    assert opening_warning(s) is None
    summary = s.model_copy(update={"buyer": s.buyer.model_copy(update={
        "opening": "Prospect said the quote was well over budget and asked for a discount."})})
    note = opening_warning(summary)
    assert note is not None and "'Prospect'" in note
    named = s.model_copy(update={"buyer": s.buyer.model_copy(update={
        "opening": f"{s.buyer.name.split()[0]} says the quote is over budget."})})
    assert opening_warning(named) is not None


def test_a_buyer_who_introduces_themselves_in_the_opening_is_not_flagged(bank: ScenarioBank) -> None:
    from coach_engine.studio_check import opening_warning

    s = bank.get("cfo-price-routing")
    hello = s.model_copy(update={"buyer": s.buyer.model_copy(update={
        "opening": f"Hi, it's {s.buyer.name.split()[0]} from the depot. The quote is over budget."})})
    assert opening_warning(hello) is None
