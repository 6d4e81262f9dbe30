"""A concern written as a manager's notes is said as sentences, not read out (issue 13, probe 22).

Managers write bullets, arrows, "x = y" and "Your real problem: ..."; a prompt for another role-play tool
describes the character's temperament; a clipped brief says "30 min call next Thurs". None of it is speech.
"""

from __future__ import annotations

from coach_engine.buyer.notes import analysis_notes, as_prose, uncommented, unframed, unlabelled
from coach_engine.buyer.persona import concern_stages, first_person
from coach_engine.buyer.telling import asides_to_the_rep, said_in_full, told_part
from coach_engine.models import Scenario
from coach_engine.scenarios import ScenarioBank


def _with(bank: ScenarioBank, name: str, concern: str) -> Scenario:
    base = bank.get("cfo-price-routing")
    buyer = base.buyer.model_copy(update={"name": name, "hidden_concern": concern, "concern_lines": []})
    return base.model_copy(update={"buyer": buyer})


NOTES = ("- state inspection last yr over missed fridge logs -> fined ~$12k\n"
         "- scared it happens again, only his shift mgr knows\n"
         "- price = smokescreen. real question is does this keep him out of trouble\n")


def test_bullet_notes_are_said_as_sentences_and_arrows_as_a_pause() -> None:
    said = as_prose(NOTES)
    assert "- " not in said and "->" not in said
    assert said.startswith("State inspection last yr over missed fridge logs \u2014 fined ~$12k.")
    assert "Scared it happens again, only his shift mgr knows." in said
    assert as_prose("He is worried - a lot.\nStill.") == "He is worried - a lot. Still."  # prose as written


def test_a_note_that_only_says_what_something_is_to_the_manager_is_an_aside() -> None:
    said = as_prose(NOTES)
    assert analysis_notes(said) == ["Price = smokescreen."]
    assert "Price = smokescreen." in asides_to_the_rep(said)
    told = told_part(NOTES)
    assert "smokescreen" not in told and "=" not in told
    assert told_part("- budget = $40k\n- signed by March") == "Budget is $40k. Signed by March."


def test_bullet_notes_reach_the_buyer_in_the_first_person_and_in_words(bank: ScenarioBank) -> None:
    story, stake = concern_stages(_with(bank, "Marco Ruiz", NOTES))
    said = said_in_full(f"{story} {stake}")
    assert "my shift manager" in said and "last year" in said and "about" in said
    assert not {"-", "->", "=", "mgr", "his"} & set(said.split())


def test_a_framing_head_is_left_to_the_voices_own_lead_in() -> None:
    assert unframed("What's really going on is that she got burned last year.") == "She got burned last year."
    assert unframed("Your real problem: your team can't cover weekends.") == "Your team can't cover weekends."
    for kept in ("My real fear is a repeat of last spring.", "Real question is does this keep him safe.",
                 "The truth is hard to say."):
        assert unframed(kept) == kept


def test_a_prompts_character_sketch_is_not_said_but_a_feeling_about_something_is(bank: ScenarioBank) -> None:
    prompt = ("You are Dana Cole, head of IT at a lab. You are blunt, impatient and you distrust vendors. "
              "You are worried that your two analysts cannot cover weekends.")
    story, stake = concern_stages(_with(bank, "Dana Cole", prompt))
    said = f"{story} {stake}"
    assert "blunt" not in said and "distrust" not in said
    assert "I'm worried" in said or "I am worried" in said


def test_another_person_is_only_someone_with_a_name(bank: ScenarioBank) -> None:
    """A capitalised word after "the" is a thing ("the Instagram"), so the buyer's "her" after it is still
    the buyer's."""
    concern = ("She got burned by an app last year, and her son who runs the Facebook told her no more apps, "
               "so she is brushing everyone off.")
    said = first_person(concern, _with(bank, "Rosa Vidal", concern))
    assert "told me no more apps" in said and "I'm brushing" in said


def test_a_clipped_brief_is_said_in_words() -> None:
    assert said_in_full("a 30 min call next Thurs") == "a 30-minute call next Thursday"
    assert said_in_full("30 min max, 2 yrs ago") == "30 minutes max, 2 years ago"
    assert said_in_full("Tues. works") == "Tuesday works"


def test_a_sharpened_before_never_opens_a_clause(bank: ScenarioBank) -> None:
    """"right before" varies a run of the manager's words before a thing, never before "anyone noticed",
    where it would say the opposite."""
    concern = ("Her team of two cannot cover nights. Last spring a hacked account in finance was sending "
               "invoices out for three days over a holiday weekend before anyone noticed. She is worried it "
               "lands on her.")
    story, _stake = concern_stages(_with(bank, "Ann Lee", concern))
    assert "weekend before anyone noticed" in story


def test_validate_names_a_note_that_only_says_what_something_means(bank: ScenarioBank) -> None:
    from coach_engine.studio_check import aside_warning

    warning = aside_warning(_with(bank, "Marco Ruiz", NOTES))
    assert warning is not None and warning.startswith("'Price = smokescreen.' is your note")


def test_a_clipped_day_in_the_next_step_is_the_day_the_reps_time_replaces(bank: ScenarioBank) -> None:
    from coach_engine.buyer.persona import step_in_first_person
    from coach_engine.buyer.steps import agreed_step

    scenario = _with(bank, "Marco Ruiz", NOTES)
    step = step_in_first_person("Free check of his last two pay runs, over a 45 min call next Thurs",
                                scenario)
    agreed = agreed_step(step, "Could we go through it on a call next Thursday at 10?")
    assert agreed.endswith("over a 45-minute call next Thursday at 10"), agreed


def test_words_in_brackets_are_said_between_commas() -> None:
    told = told_part("Last spring they lost their top customer (a regional dairy) over it. He minds.")
    assert "(" not in told
    assert "customer, a regional dairy, over it" in told


def test_notes_folded_onto_one_line_are_still_bullets() -> None:
    """A YAML ">" block joins a manager's bullet lines into one: each bullet still stands after a sentence's
    end, and a dash inside a bullet stays a dash."""
    from coach_engine.buyer.notes import as_prose

    folded = "- Vendor left mid-rollout in spring. - Two sites went back to paper - the other held on."
    said = as_prose(folded)
    assert "- Two" not in said and "Vendor left mid-rollout in spring. Two sites went back to paper" in said


def test_a_note_takers_frame_is_not_said() -> None:
    """The buyer tells it now: "I mentioned that ..." or "I told us ..." (what a call summary becomes in the
    first person) is said without the frame, an aside about when it was said included; a frame to someone in
    the story is an event, and what was said of a thing is not a clause."""
    from coach_engine.buyer.notes import unhedged, unreported

    assert unreported("I mentioned, almost in passing, that the pilot stalled in March.") == \
        "The pilot stalled in March."
    assert unreported("I mentioned \u2014 late in the call \u2014 that the pilot stalled.") == \
        "The pilot stalled."
    assert unreported("I told us the pilot stalled in March.") == "The pilot stalled in March."
    assert unreported("I said I pushed for the pilot myself.") == "I pushed for the pilot myself."
    assert unreported("I told my director it would pay off.") == "I told my director it would pay off."
    assert unreported("I told him the pilot had stalled.") == "I told him the pilot had stalled."
    assert unreported("I mentioned the renewal date twice.") == "I mentioned the renewal date twice."
    assert unhedged("Sounded like she is nervous about the renewal.") == "She is nervous about the renewal."
    assert unhedged("Apparently the board meets in May.") == "The board meets in May."


def test_a_call_summary_concern_is_told_as_the_buyer(bank: ScenarioBank) -> None:
    """A concern pasted from a call summary ("Prospect mentioned (briefly) that ...", folded bullets,
    "Sounded like ...") comes out as the buyer's own sentences."""
    from coach_engine.buyer.persona import concern_stages

    base = bank.get("cfo-price-routing")
    concern = ("- Prospect mentioned (around the 20 min mark) that the last routing tool was dropped after "
               "six months. - Drivers ignored it - dispatch kept the paper sheets. - Prospect was the one "
               "who signed off on it.")
    s = base.model_copy(update={"buyer": base.buyer.model_copy(update={"hidden_concern": concern,
                                                                       "concern_lines": []})})
    told = " ".join(concern_stages(s))
    assert "mentioned" not in told and "Prospect" not in told and "- " not in told
    assert "The last routing tool was dropped" in told and "I was the one who signed off on it" in told


def test_a_note_that_leaves_out_its_subject_is_said_by_the_buyer(bank: ScenarioBank) -> None:
    notes = ("Championed the last scheduling tool and it flopped. Still sore about it but hasn't told the "
             "owners. Worried the owners will say no again. Needs proof it sticks.")
    story, stake = concern_stages(_with(bank, "Rhea Castillo", notes))
    said = f"{story} {stake}"
    assert said.startswith("I ") and "the last scheduling tool" in said, said
    assert "I'm still sore about it but haven't told" in said, said
    assert "I'm worried" in said and "I need proof it sticks" in said, said


def test_a_note_with_its_own_subject_or_a_question_keeps_it(bank: ScenarioBank) -> None:
    notes = "Will signed the old contract. Rhea never liked it. Does anyone track the rework?"
    story, stake = concern_stages(_with(bank, "Rhea Castillo", notes))
    said = f"{story} {stake}"
    assert "Will signed the old contract" in said and "I never liked it" in said, said
    assert "Does anyone track the rework?" in said, said


def test_a_managers_comment_on_the_buyer_is_not_said_by_the_buyer() -> None:
    assert uncommented("She blames the rollout, fair enough, but it was the training.") == (
        "She blames the rollout, but it was the training.")
    assert uncommented("He is wary of consultants, understandably.") == "He is wary of consultants."
    assert uncommented("Fair enough is what he says to every vendor.") == (
        "Fair enough is what he says to every vendor.")  # not set off: the words are the story's own


def test_a_converted_role_play_prompt_is_told_without_its_headings(bank: ScenarioBank) -> None:
    prompt = ("CHARACTER: You are Rhea Castillo, head of operations. You are brisk and sceptical. "
              "WHAT YOU HIDE: The last scheduling tool you chose was dropped after a month, and the owners "
              "still tease you about it.")
    story, stake = concern_stages(_with(bank, "Rhea Castillo", prompt))
    said = f"{story} {stake}"
    assert ":" not in said and "CHARACTER" not in said and "brisk" not in said, said
    assert "The last scheduling tool I chose was dropped after a month" in said, said


def test_a_short_capital_word_before_a_colon_is_a_note_not_a_heading() -> None:
    assert unlabelled("CFO: wants payback inside a year.") == "CFO: wants payback inside a year."
    said = unlabelled("Background: two sites.\nSECRET: the owner is selling.")
    assert said == "two sites.\nthe owner is selling."


def test_a_notes_date_and_its_arrow_keep_the_buyer_speaking_and_the_thought_whole(bank: ScenarioBank) -> None:
    notes = ("- 2022: bought a cheap rota app -> crews ignored it within a month\n"
             "- payroll ran two days late in March, overtime doubled\n"
             "- owner asked for the sign-in records -> had nothing to show\n"
             "- Rhea pushed the app herself. Won't back another dud.")
    story, stake = concern_stages(_with(bank, "Rhea Castillo", notes))
    assert story.startswith("2022: I bought a cheap rota app"), story
    assert "sign-in records. I had nothing to show" in story, (story, stake)  # not cut off at the arrow
    assert stake.startswith("I pushed the app myself"), stake


def test_a_numeral_after_a_name_is_no_speaker(bank: ScenarioBank) -> None:
    """"Title I funds", "Phase I results": a capitalised word mid-sentence before "I" makes it a numeral, so
    the verb after it is not made to agree with the buyer ("Title I fund")."""
    from coach_engine.buyer.persona import step_in_first_person

    scenario = _with(bank, "Marco Ruiz", NOTES)
    step = step_in_first_person("A call with Marco to see if Phase I results and Title I funds cover it",
                                scenario)
    assert "Phase I results" in step and "Title I funds" in step and "with me" in step, step


def test_verbs_written_with_a_hyphen_capitals_or_an_apostrophe_agree_with_i(bank: ScenarioBank) -> None:
    """A manager's "Marco OK's", "re-checks", "X-rays", "cc's" is said "I OK", "I re-check" ..., never
    "I OK's"; "was" and a doubled "ss" stay as they are."""
    scenario = _with(bank, "Marco Ruiz", NOTES)
    notes = ("Marco OK's any spend over $4k. Marco re-checks each invoice and Marco X-rays the quotes. "
             "Marco cc's payroll. Marco re-assess it yearly. Marco was stung once.")
    said = first_person(notes, scenario)
    for good in ("I OK any spend", "I re-check each", "I X-ray the", "I cc payroll", "I re-assess it",
                 "I was stung"):
        assert good in said, said


def test_a_passive_note_keeps_its_fragment_and_its_pronoun_for_the_one_named(bank: ScenarioBank) -> None:
    """"Made by founder Ines. Swapping it out feels like disloyalty to him.": the note's left-out subject is
    the thing made, not the buyer ("Marco made by ..."), and "him" is the founder's, not "me"."""
    story, stake = concern_stages(_with(bank, "Marco Ruiz", "Made by founder Ines. Swapping it out "
                                        "feels like disloyalty to him."))
    assert story == "Made by founder Ines.", story
    assert stake.endswith("disloyalty to him."), stake


def test_a_head_saying_the_buyer_keeps_it_quiet_is_not_said() -> None:
    """"So the thing Pia hasn't mentioned to anyone at head office is that ...": telling it is the reveal, so
    the head goes; a head that says nothing of keeping quiet stays."""
    from coach_engine.buyer.notes import unframed

    said = unframed("So the thing Pia hasn't mentioned to anyone at head office is that the pilot failed.")
    assert said == "The pilot failed.", said
    kept = "The thing she raised at head office is the fine."
    assert unframed(kept) == kept


def test_the_context_tells_the_buyers_gender_when_the_concern_cannot(bank: ScenarioBank) -> None:
    """"The owner, Rolf, blamed her ...": someone acts before the concern's first "her", so the concern alone
    cannot tell whose it is; the context, written about the buyer ("Ines runs ..., she asked"), can."""
    base = _with(bank, "Ines Ferreira", "Last spring Ines backed a rota app. The owner, Rolf, blamed her in "
                 "front of the managers. She fears a second flop would finish her.")
    scenario = base.model_copy(update={"context": "Ines runs three care homes; she asked for this call."})
    said = first_person(scenario.buyer.hidden_concern, scenario)
    assert "Rolf, blamed me" in said and "I fear a second flop would finish me" in said, said


def test_a_she_after_someone_named_by_their_role_is_theirs(bank: ScenarioBank) -> None:
    """Notes that name the buyer only at the end ("... Marco is scared ...") after "bookkeeper Lena" and a
    "she": the "she" is the bookkeeper's, so the buyer never says "I keep it all in my head"."""
    notes = ("- bookkeeper Lena leaving in May after 15 yrs\n- she keeps it all in her head\n"
             "- Marco is scared of losing how things are done")
    story, stake = concern_stages(_with(bank, "Marco Ruiz", notes))
    told = f"{story} {stake}"
    assert "She keeps it all in her head" in told and "I'm scared" in told, told


def test_a_context_that_says_only_he_tells_the_buyers_gender(bank: ScenarioBank) -> None:
    """"Mr. Marco Ruiz ... Demo was done with his site lead": no sentence there ties "his" to the buyer by
    itself, but a context about the buyer that says only "he" and "his" does."""
    base = _with(bank, "Marco Ruiz", "Marco's daughter Ana is building an app of her own. Marco does not "
                 "want to hurt her by buying outside, but he is not sure her app will ever ship.")
    context = "Second meeting with Mr. Marco Ruiz. Demo was done with his site lead, and he liked it."
    said = first_person(base.buyer.hidden_concern, base.model_copy(update={"context": context}))
    assert "I'm not sure her app will ever ship" in said, said


def test_a_concern_in_the_buyers_voice_says_their_company_as_us(bank: ScenarioBank) -> None:
    """A role-play prompt's "You know the last audit cost Brightline $9,000": told by the buyer, "cost us"."""
    base = bank.get("cfo-price-routing")
    buyer = base.buyer.model_copy(update={"company": "Brightline Dental Group", "concern_lines": [],
                                          "hidden_concern": "I know the last audit cost Brightline $9,000."})
    said = first_person(buyer.hidden_concern, base.model_copy(update={"buyer": buyer}))
    assert "cost us $9,000" in said, said
