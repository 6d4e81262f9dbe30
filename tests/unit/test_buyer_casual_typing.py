"""A manager who types the way they text still gets a buyer who talks like a person (issue 13, probe 25).

Lowercase names, "hes" and "r", a bullet typed into a YAML list entry, a "Her ..." note after a clause that
named someone in passing, a step whose last piece the rep never offered, the rep rounding the buyer's own
figure, a customer's street taken for the customer, and a rep offering to try again later: each made the
buyer read the notes aloud or answer something nobody said.
"""

from __future__ import annotations

from coach_engine.buyer import load_rules
from coach_engine.buyer.casual import written_out
from coach_engine.buyer.conduct import day_of, rep_words, signs_off
from coach_engine.buyer.line_polish import keeps_capital
from coach_engine.buyer.persona import concern_stages, step_in_first_person
from coach_engine.buyer.steps import without_unsaid_purpose
from coach_engine.buyer.telling import said_in_full
from coach_engine.figures import rounds
from coach_engine.models import Scenario
from coach_engine.scenarios import ScenarioBank
from coach_engine.signals import Behaviour, Signal, SignalSet

B = Behaviour


def _with(bank: ScenarioBank, name: str, concern: str, step: str = "", **product: list[str]) -> Scenario:
    base = bank.get("cfo-price-routing")
    buyer = base.buyer.model_copy(update={"name": name, "hidden_concern": concern, "concern_lines": [],
                                          "next_step": step or base.buyer.next_step})
    made = base.model_copy(update={"buyer": buyer})
    return made.model_copy(update={"product": made.product.model_copy(update=product)}) if product else made


TEXTED = ("marta really wants the new boiler, the gas bills r killing her w/ two teenagers n a drafty "
          "house. her brother Luis got stuck w/ a dodgy installer last winter. martas worried shes gonna "
          "look silly in front of luis if it goes wrong again")


def test_a_texted_concern_is_said_in_the_first_person_with_its_words_and_capitals(bank: ScenarioBank) -> None:
    sc = _with(bank, "Marta Silva", TEXTED)
    story, stake = concern_stages(sc)
    said = f"{story} {stake}"
    assert said.startswith("I really want the new boiler")
    assert "are killing me" in said and "teenagers and a drafty" in said
    assert "I'm worried I'm gonna look silly in front of Luis" in said
    assert not {"marta", "martas", "Marta", "shes", "r", "n", "luis"} & set(said.replace(",", " ").split())


def test_well_typed_text_comes_back_as_it_was(bank: ScenarioBank) -> None:
    sc = bank.get("cfo-price-routing")
    for text in (sc.buyer.hidden_concern, sc.context, "We can't do May; the Board meets in June."):
        assert written_out(text, sc) == text


def test_a_title_whose_words_are_common_nouns_keeps_them_lowercase_elsewhere(bank: ScenarioBank) -> None:
    sc = _with(bank, "Ines Okoro", "Ines runs the Head of Claims desk and the claims backlog worries her.")
    assert "the claims backlog" in written_out(sc.buyer.hidden_concern, sc)


def test_a_note_opening_on_the_buyer_goes_on_about_them_after_a_name_said_in_passing(
        bank: ScenarioBank) -> None:
    notes = ("- Wen took over the fleet budget when the planner who chose the tool, Omar, moved on in June\n"
             "- Half the depots never got trained\n"
             "- Her CFO wants 8% off every contract; this one is the easiest to drop\n")
    story, stake = concern_stages(_with(bank, "Wen Li", notes))
    said = f"{story} {stake}"
    assert "My CFO wants" in said and "Her CFO" not in said


def test_a_texted_step_is_the_buyers_own(bank: ScenarioBank) -> None:
    sc = _with(bank, "Marta Silva", TEXTED, step="home visit fri 5pm with marta and her husband")
    said = step_in_first_person(sc.buyer.next_step or "", sc)
    assert "with me and my husband" in said and "Friday" in said and "marta" not in said.lower()


def test_the_steps_last_piece_the_rep_never_offered_is_not_agreed_to() -> None:
    step = ("a 30-minute review with the plant manager next week, sample audit report and two references "
            "sent ahead")
    asked = "Can your plant manager spare half an hour for a review next week?"
    offered = f"{asked} Beforehand I'll send the sample audit report."
    assert without_unsaid_purpose(step, asked) == "a 30-minute review with the plant manager next week"
    assert without_unsaid_purpose(step, offered) == step  # the rep offered the report: it stays
    people = "a call on Monday, with the head of finance"
    assert without_unsaid_purpose(people, "A call on Monday?") == people  # who comes is the buyer's to add
    thing = "a call on Monday, with a written remediation plan for the audit committee"
    assert without_unsaid_purpose(thing, "A call on Monday?") == "a call on Monday"  # "with" a thing, no one


def test_a_clipped_length_joined_to_its_figure_is_said_in_words() -> None:
    assert said_in_full("a 45-min site walk") == "a 45-minute site walk"
    assert said_in_full("a 2-hr workshop") == "a 2-hour workshop"


def test_a_bullet_typed_into_a_list_entry_is_not_part_of_it(bank: ScenarioBank) -> None:
    base = bank.get("cfo-price-routing")
    data = base.model_dump()
    data["product"]["value_points"] = ["- Cuts route planning from an hour to ten minutes"]
    data["buyer"]["resolution"] = ["* Rep asks what the last rollout cost the depots"]
    sc = Scenario.model_validate(data)
    assert sc.product.value_points == ["Cuts route planning from an hour to ten minutes"]
    assert sc.buyer.resolution_texts == ["Rep asks what the last rollout cost the depots"]


def test_the_buyers_own_figure_rounded_is_not_the_reps_promise(bank: ScenarioBank) -> None:
    assert rounds("$50k", "The contract runs about $50,400 a year.")
    assert not rounds("$9", "Turns take 9 days.")  # money is compared with money
    assert not rounds("$40k", "The contract runs about $50,400 a year.")
    sc = bank.get("cfo-price-routing")
    brief = sc.buyer.model_copy(update={"facts": {"contract": "About $72,300 a year, renewing in March."}})
    sc = sc.model_copy(update={"buyer": brief})
    text = "Two days back on every job is worth far more than the $72k line."
    signals = SignalSet(text=text, signals=[Signal(B.QUANTIFY_VALUE, text, 0, len(text), 0.9)])
    assert "rep_promise" not in rep_words(sc, signals, {B.QUANTIFY_VALUE})


def test_a_customer_is_named_with_its_article_and_never_by_its_street(bank: ScenarioBank) -> None:
    sc = bank.get("cfo-price-routing")
    for text, customer in (
            ("The Okonkwos up on Birch Lane switched last spring and halved their bill.", "the Okonkwos"),
            ("Ferris Dairy, out on Mill Road, cut spoilage by a third.", "Ferris Dairy")):
        signals = SignalSet(text=text, signals=[Signal(B.GIVE_PROOF, text, 0, len(text), 0.9)])
        assert rep_words(sc, signals, {B.GIVE_PROOF}).get("rep_customer") == customer, text


def test_a_question_naming_the_proposed_day_again_agrees_to_the_whole_proposal() -> None:
    proposal = "Twenty minutes Wednesday at 2 to walk through your numbers?"
    assert day_of("Anything that would stop Wednesday happening?", proposal) == proposal
    assert day_of("Or is Friday better?", proposal) == "Or is Friday better?"
    assert keeps_capital("Wednesday. Send the invite.", {})


def test_offering_to_try_again_later_is_taking_ones_leave() -> None:
    leave = load_rules().leave_takings
    for text in ("Shall I check back in May once the budget is set?",
                 "Perhaps we could pick this up again after the audit?",
                 "Maybe once the lease ends we can talk again?"):
        assert signs_off(SignalSet(text=text, signals=[]), set(), set(), leave), text


def test_clipped_notes_run_on_after_a_dash_get_the_buyer_as_subject(bank: ScenarioBank) -> None:
    notes = ("RK burned in 2019 - championed a scheduling app that the board later wrote off after it lost a "
             "week of rosters. Actually open to a trial if it costs nothing up front.")
    story, stake = concern_stages(_with(bank, "Rhea Kapoor", notes))
    said = f"{story} {stake}"
    assert "I got burned in 2019" in said and "I championed a scheduling app" in said
    assert "I'm actually open to a trial" in said



def test_a_managers_aside_in_the_buyers_name_is_said_as_the_buyer(bank: ScenarioBank) -> None:
    """"<name>'s actually fine" is "is", not a possessive; a reflexive in the buyer's own sentence is theirs;
    a quotation that closed a left-out aside leaves no lone quote mark behind; "ppl" is a word."""
    concern = ("Inez's actually fine with the cost herself, and so are her ppl. The real worry is the "
               "trustees. "
               'Inez told me last week, "I won\'t go back to them empty-handed." What she needs is a '
               "number the trustees can repeat.")
    story, stake = concern_stages(_with(bank, "Inez Moreno", concern))
    said = f"{story} {stake}"
    assert said.startswith("I'm actually fine with the cost myself, and"), said
    assert "people" in said and ' " ' not in f" {said} " and said.count('"') % 2 == 0, said


def test_an_arrow_in_a_clipped_step_is_said_as_to(bank: ScenarioBank) -> None:
    sc = _with(bank, "Rosa Lind", "Rosa worries about the spring rush.",
               step="20 min w/ Rosa + sales dir Weds -> plan a one-store trial")
    said = step_in_first_person(sc.buyer.next_step or "", sc)
    assert said == "20 minutes with me and sales director Wednesday to plan a one-store trial", said


def test_an_involve_item_naming_a_role_is_asked_for_by_that_role() -> None:
    """"Suggests bringing the treasurer in" is asked for as "our treasurer", not "the others who decide"."""
    from coach_engine.buyer.item_match import role_named

    roles = frozenset(load_rules().roles)
    assert role_named("Suggests bringing the treasurer into a short call", roles) == "our treasurer"
    assert role_named("Loops in their IT lead before the pilot", roles) == "our IT lead"
    assert role_named("Brings Curtis in on it", roles) == ""


SHOUTED = ("NEW PRESS LINE FOR A TIER 1 CUSTOMER RUNNING 8% SCRAP. AUDIT IN APRIL. RAJ HAS NO TIME AND HE IS "
           "WORRIED HIS GM WILL SEE IT AS HIS FAILURE.")


def test_a_concern_typed_in_capitals_is_said_in_sentence_case_in_the_first_person(bank: ScenarioBank) -> None:
    """Probe 27: a buyer read his manager's capitals aloud and spoke of himself by name ("RAJ HAS NO
    TIME")."""
    sc = _with(bank, "Raj Patel", SHOUTED, step="PILOT ON ONE PRESS W/ RAJ AND HIS GM IN 2 WKS")
    said = " ".join(concern_stages(sc))
    assert "I have no time and I'm" in said and "my GM will see it as my failure." in said, said
    assert "Audit in April." in said and "Raj" not in said and "SCRAP" not in said
    step = step_in_first_person(sc.buyer.next_step or "", sc)
    assert step == "pilot on one press with me and my GM in 2 weeks"


def test_a_fact_typed_in_capitals_or_naming_the_buyer_is_said_as_theirs(bank: ScenarioBank) -> None:
    from coach_engine.buyer.director import BuyerDirector

    sc = _with(bank, "Raj Patel", SHOUTED)
    sc = sc.model_copy(update={"buyer": sc.buyer.model_copy(update={"facts": {
        "sign-off": "RAJ APPROVES UP TO $5K A MONTH. ABOVE THAT IT GOES TO THE GM."}})})
    director = BuyerDirector(sc, None)
    director.prepare()
    assert director.factbook.facts["sign-off"] == "I approve up to $5K a month. Above that it goes to the GM."


def test_the_sellers_we_in_a_step_is_you_to_the_buyer_and_ours_in_the_reps_tip(bank: ScenarioBank) -> None:
    """Probe 27: a manager wrote the step from the seller's side ("with our promoters", "installed by us");
    the buyer agreeing said them as the buyer's own. The rep's tip keeps them the seller's."""
    from coach_engine.grading.feedback import try_instead

    sc = _with(bank, "Edson Rocha", TEXTED,
               step="Warehouse visit next week with Edson and his buyer, installed by us, with our promoters")
    said = step_in_first_person(sc.buyer.next_step or "", sc)
    assert said.endswith("visit next week with me and my buyer, installed by you, with your promoters"), said
    tip = try_instead(sc, "proposes-next-step")
    assert "with you and your buyer, installed by us, with our promoters" in tip, tip
    rep_named = _with(bank, "Edson Rocha", TEXTED, step="A call where the rep walks us through the numbers")
    assert "where you walk us through" in step_in_first_person(rep_named.buyer.next_step or "", rep_named)
