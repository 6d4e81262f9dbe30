"""Warm-up from call notes: reading them, tailoring the buyer's facts, matching with a floor and a why."""

from __future__ import annotations

import pytest

from coach_engine.call_notes import buyer_voice, read_notes, vocabulary
from coach_engine.models import Scenario, Scorecard
from coach_engine.scenarios import ScenarioBank
from coach_engine.tailoring import notes_line, tailor, with_notes_line
from coach_engine.warmup import NO_CLOSE_MATCH, find_warmups, match_warmups, objections_in

TAILORING = "300 trucks, freeze until Q3, cheaper vendor"
RICH = ("Calling the VP Finance. Last time she said the budget is frozen until Q3 and our $60k quote is way "
        "over what they set aside; 1,200 employees and 300 delivery trucks; quote from Acme at $39k a year; "
        "they already use Gong and are happy.")


def _kinds(notes: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in read_notes(notes).facts:
        out.setdefault(f.kind, []).append(f.said)
    return out


# --- reading the notes --------------------------------------------------------------------------


def test_the_vocabulary_is_data_and_loads():
    v = vocabulary()
    assert v.objection_cues["incumbent"] and v.unit_topics["truck"] == "fleet size"


def test_counts_with_their_units():
    assert _kinds("300 trucks, 12 delivery vans")["quantity"] == ["300 trucks", "12 delivery vans"]
    assert _kinds("a 60-truck logistics firm")["quantity"] == ["60 trucks"]
    assert _kinds("They have 1,200 employees")["quantity"] == ["1,200 employees"]
    # Time, percentages and years are not counts of things.
    assert "quantity" not in _kinds("in 6 weeks, 30% cheaper, since 2019 and")


def test_money_is_read_with_its_kind():
    notes = read_notes("Budget is $20k. Our quote was $48k a year. They spend $2.1 million on fuel.")
    money = {f.said: f.unit for f in notes.of("money")}
    assert money == {"$20k": "budget", "$48k a year": "price", "$2.1 million": "spend"}
    [acme] = read_notes("quote from Acme at $39k a year").of("money")
    assert acme.unit == "competitor"  # the competitor's figure, not ours


def test_time_phrases():
    assert _kinds("freeze until Q3")["timing"] == ["until Q3"]
    assert _kinds("Decision in 6 weeks")["timing"] == ["in 6 weeks"]
    assert _kinds("contract renews in March")["timing"] == ["in March"]
    assert "timing" not in _kinds("300 trucks")


def test_named_and_unnamed_vendors():
    assert _kinds("Already use Gong and are happy")["incumbent"] == ["Gong"]
    assert _kinds("quote from Pulsegrid, 30% cheaper")["competitor"] == ["Pulsegrid"]
    assert _kinds("cheaper vendor")["competitor"] == ["cheaper vendor"]
    assert _kinds("happy with their current provider")["incumbent"] == ["current provider"]
    # A capitalised name after a weak link ("with") is a vendor only when the clause says so.
    assert _kinds("meeting with Bob on Monday") == {}


def test_roles():
    assert read_notes("Calling the CFO of a logistics firm").role == "CFO"
    assert read_notes("the vp of operations wants a pilot").role == "VP of Operations"
    assert read_notes("practice manager, 4 dentists").role == "Practice Manager"
    assert read_notes("asdf qwerty").role is None


def test_clauses_are_said_back_in_the_buyer_voice():
    assert buyer_voice("Last time she said the budget is frozen until Q3 and our price is way over what "
                       "they set aside") == ("The budget is frozen until Q3 and your price is way over what "
                                             "we set aside.")
    assert buyer_voice("owner says they are happy with their current provider") == (
        "We are happy with our current provider.")
    assert buyer_voice("she is worried about cost") == "I am worried about cost."


def test_objections_the_notes_imply():
    assert objections_in("Already use Gong and are happy")[0] == "incumbent"
    assert objections_in("quote from Acme, looking at them closely")[0] == "competitor"
    assert objections_in("asdf qwerty") == []


# --- tailoring a scenario -----------------------------------------------------------------------


def _revalidated(s: Scenario) -> Scenario:
    return Scenario.model_validate(s.model_dump())


def test_the_notes_set_the_buyer_facts_and_the_company_line(bank: ScenarioBank):
    base = bank.get("cfo-price-routing")
    t = tailor(base, read_notes(TAILORING))
    facts = t.scenario.buyer.facts
    assert facts["fleet size"] == "300 trucks."
    assert facts["timing"] == "Freeze until Q3."
    assert facts["other vendors"] == "Cheaper vendor."
    assert t.scenario.buyer.company == "Northline Logistics (300 trucks)"
    assert t.changed == ("buyer.company",)
    assert {f.topic for f in t.from_notes} == {"fleet size", "timing", "other vendors"}
    fleet = next(f for f in t.from_notes if f.topic == "fleet size")
    assert fleet.replaced == base.buyer.facts["fleet size"] and fleet.said == "300 trucks"
    # A copy: same id, the bank untouched, the seller's proof points never rewritten.
    assert t.scenario.id == base.id and bank.get(base.id).buyer.company == "Northline Logistics (85 trucks)"
    assert t.scenario.product == base.product
    assert _revalidated(t.scenario) == t.scenario


def test_a_price_in_the_notes_replaces_the_opening_price(bank: ScenarioBank):
    t = tailor(bank.get("cfo-price-routing"), read_notes("Our quote was $60k a year."))
    assert t.scenario.buyer.opening.startswith("At $60k a year")
    assert all("$48k" not in line for line in t.scenario.buyer.concern_lines)
    assert "buyer.opening" in t.changed
    # The rep's "our" is the buyer's "your".
    assert t.scenario.buyer.facts["price"] == "Your quote was $60k a year."


def test_a_figure_the_scenario_already_has_changes_nothing(bank: ScenarioBank):
    base = bank.get("cfo-price-routing")
    t = tailor(base, read_notes("85 trucks"))
    assert t.scenario == base and t.from_notes == ()


def test_a_named_competitor_replaces_the_scenarios_own(bank: ScenarioBank):
    base = bank.get("saas-competitor-cheaper-quote")
    t = tailor(base, read_notes("quote from Acme at $39k a year, 30% cheaper"))
    s = t.scenario
    assert "Pulsegrid" not in s.buyer.opening + s.context + s.buyer.hidden_concern + " ".join(s.buyer.facts)
    assert s.buyer.opening.startswith("Acme is 30% cheaper")  # a percentage is not a price
    assert s.buyer.facts["Acme quote"] == "About $39k a year."
    assert [f.topic for f in t.from_notes] == ["Acme quote"]


def test_the_role_changes_only_where_that_is_unambiguous(bank: ScenarioBank):
    vp = tailor(bank.get("saas-competitor-cheaper-quote"), read_notes("VP of Operations"))
    assert vp.scenario.buyer.role == "VP of Operations"
    assert vp.scenario.buyer.facts["role"] == "I'm the VP of Operations."
    assert vp.scenario.context.startswith("Final stage with the VP of Operations at")  # the title as written
    assert {"buyer.role", "context"} <= set(vp.changed)
    # "Above that it goes to the CEO": the CEO is someone else here, so the buyer stays the CFO.
    cfo = tailor(bank.get("cfo-price-routing"), read_notes("CEO, wants a pilot"))
    assert cfo.scenario.buyer.role == "CFO" and "role" not in cfo.scenario.buyer.facts


@pytest.mark.parametrize("notes", [TAILORING, RICH, "use Gong", "VP Finance", "x" * 1990 + " until Q3"])
def test_every_bank_scenario_tailored_still_validates(bank: ScenarioBank, notes: str):
    read = read_notes(notes)
    for base in bank.list():
        t = tailor(base, read)
        assert t.scenario.id == base.id
        assert _revalidated(t.scenario) == t.scenario
        assert all(f.topic in t.scenario.buyer.facts for f in t.from_notes)
        assert t.scenario.product == base.product


def test_the_scorecard_says_which_facts_came_from_the_notes(bank: ScenarioBank):
    t = tailor(bank.get("cfo-price-routing"), read_notes(TAILORING))
    line = notes_line(t.from_notes)
    assert line.startswith("Warm-up tailored to your call notes") and "fleet size (300 trucks)" in line
    card = Scorecard(scenario_id="cfo-price-routing", rubric="r", grader="g", overall=50, skills=[])
    assert with_notes_line(card, t.from_notes).notes == [line]
    assert with_notes_line(card, ()).notes == []


# --- matching -----------------------------------------------------------------------------------


def test_incumbent_notes_get_incumbent_drills(bank: ScenarioBank, hash_embedder):
    matches = match_warmups("Already use Gong and are happy", bank, hash_embedder)
    assert matches and all(m.scenario.objection == "incumbent" for m in matches)
    assert all(m.close for m in matches)
    assert matches[0].why.startswith("Matches your notes: an incumbent objection")
    assert any("Gong" in f.answer for f in matches[0].from_notes)


def test_notes_about_nothing_get_the_nearest_only(bank: ScenarioBank, hash_embedder):
    found = find_warmups("asdf qwerty", bank, hash_embedder)
    assert len(found.matches) == 1 and not found.close
    assert found.headline == NO_CLOSE_MATCH
    assert found.matches[0].why.startswith("No close match")


def test_the_why_is_in_words(bank: ScenarioBank, hash_embedder):
    notes = "Calling the CFO of a logistics company; she says our price is way over budget."
    [top, *_] = match_warmups(notes, bank, hash_embedder)
    assert top.scenario.id == "cfo-price-routing"
    assert top.why == "Matches your notes: a price objection from a CFO in logistics."


def test_meaning_has_a_floor_with_the_real_model(bank: ScenarioBank, embedder):
    for junk in ("asdf qwerty", "the weather is nice today", "call tomorrow at 3"):
        found = find_warmups(junk, bank, embedder)
        assert not found.close and len(found.matches) == 1, junk
    found = find_warmups(TAILORING, bank, embedder)
    assert found.close
    top = found.matches[0]
    assert top.scenario.id == "cfo-price-routing"
    assert top.scenario.buyer.facts["fleet size"] == "300 trucks."


def test_a_swap_that_would_not_validate_falls_back_to_the_facts(bank: ScenarioBank):
    from coach_engine.models import CONTEXT_CHARS

    base = bank.get("cfo-price-routing")
    full = "y" * (CONTEXT_CHARS - len(" We run 85 trucks.")) + " We run 85 trucks."
    base = Scenario.model_validate({**base.model_dump(), "context": full})
    t = tailor(base, read_notes("3,000,000 trucks"))  # the context would pass its length limit
    assert t.scenario.context == full and t.scenario.buyer.company == base.buyer.company
    assert t.scenario.buyer.facts["fleet size"] == "3,000,000 trucks."
    assert t.changed == ()
