"""A manager's narration around the hidden concern is never said by the buyer (issue 13, probe 30).

Managers tell the secret as a story: "She has a secret she won't tell a stranger", "What he doesn't know is
that ...", a quotation tagged "he says". The buyer says the secret, not the story about it; and the
first-person rewrite gets the English of such prose right ("she's only been" -> "I've only been").
"""

from __future__ import annotations

from coach_engine.buyer.facts import FactBook
from coach_engine.buyer.persona import concern_stages, first_person, step_in_first_person
from coach_engine.buyer.quotations import untagged
from coach_engine.buyer.retelling import retold
from coach_engine.buyer.telling import asides_to_the_rep, told_part
from coach_engine.models import Scenario
from coach_engine.scenarios import ScenarioBank


def _as(bank: ScenarioBank, name: str, concern: str, step: str = "") -> Scenario:
    base = bank.get("cfo-price-routing")
    buyer = base.buyer.model_copy(update={"name": name, "hidden_concern": concern, "concern_lines": [],
                                          **({"next_step": step} if step else {})})
    return base.model_copy(update={"buyer": buyer})


def test_a_note_that_the_buyer_keeps_a_secret_is_never_said() -> None:
    """Announcing a secret and then telling it is the author's framing, said aloud; a story of what someone
    did not tell (to someone in it) stays."""
    concern = ("Omar has a secret he won't share with a vendor on the phone. His bakery lost two wholesale "
               "accounts in March.")
    assert asides_to_the_rep(concern) == ["Omar has a secret he won't share with a vendor on the phone."]
    assert told_part(concern) == "His bakery lost two wholesale accounts in March."
    heads = "So here's the part Noor won't just volunteer. Her clinic failed its audit."
    assert told_part(heads) == "Her clinic failed its audit."
    story = "He never told the board the real cost of the overrun."
    assert asides_to_the_rep(story) == []


def test_what_the_buyer_does_not_know_is_never_said() -> None:
    """The author knows a way out the buyer has not seen: saying it hands the rep the answer, in a sentence
    no one says of themself ("What I don't know is that I could ..."). The buyer's own doubt is theirs."""
    unaware = ("Noor is stuck with the old lab system. What she doesn't know is that her grant covers a "
               "switch this year.")
    assert told_part(unaware) == "Noor is stuck with the old lab system."
    assert told_part("Ken doesn't realise the lease lets him leave early. He is worried.") == "He is worried."
    doubt = "What she doesn't know is whether the grant renews in May."
    assert asides_to_the_rep(doubt) == []
    assert asides_to_the_rep("He doesn't know if the board will meet before June.") == []


def test_the_buyers_quoted_words_lose_their_speech_tag() -> None:
    said = untagged('It stung. "Never again," he says. Then he hung up.')
    assert said == "It stung. Never again. Then he hung up."
    tagged = '"I am on the road every night," is how she\'d put it over a coffee. She paid for it.'
    assert untagged(tagged) == "I am on the road every night. She paid for it."
    others = '"Not one more tool," Priya says. Her CFO said "no" too.'
    assert untagged(others) == others


def test_a_storys_quoted_words_are_said_as_the_buyers_own(bank: ScenarioBank) -> None:
    """A concern that named the buyer only in the note on telling is still the manager's account: "he" is
    the buyer, and the quotation, tag gone, is said as it was."""
    concern = ("Omar has a secret he won't tell a stranger. He's been baking the night shift himself since "
               'May. "I can\'t keep doing nights," is how he\'d say it to his brother.')
    told = " ".join(concern_stages(_as(bank, "Omar Haddad", concern)))
    assert "secret" not in told and "brother" not in told, told
    assert "I've been baking the night shift myself" in told, told
    assert "I can't keep doing nights." in told, told


def test_the_first_person_rewrite_says_have_and_object_her_right(bank: ScenarioBank) -> None:
    concern = ("She's only been practice manager for a year, and the manager before her left after a billing "
               "mess. Also in 2022 she signed a software deal the partners regretted.")
    said = first_person(told_part(concern), _as(bank, "Noor Aziz", concern))
    assert said.startswith("I've only been practice manager for a year"), said
    assert "the manager before me left" in said, said
    assert "Also in 2022 I signed" in said and "I'm also" not in said, said


def test_places_joined_by_and_are_not_people(bank: ScenarioBank) -> None:
    """ "the Leeds and Hull Road depots himself": the second place of a pair is no one the "himself" could
    be; it is the buyer's, who runs them."""
    concern = "Two of his drivers quit, and he's been covering the Leeds and Hull Road depots himself."
    said = first_person(told_part(concern), _as(bank, "Omar Haddad", concern))
    assert "I've been covering the Leeds and Hull Road depots myself" in said, said


def test_an_organisation_that_is_owned_stays_named(bank: ScenarioBank) -> None:
    concern = "She worries because the family that owns the group is in talks to sell two of the hotels."
    said = first_person(told_part(concern), _as(bank, "Noor Aziz", concern))
    assert "we're in talks" not in said and "owns the group" in said, said


def test_a_linking_word_between_commas_is_dropped_not_swapped() -> None:
    line = "I would, however, be able to move faster with one site."
    assert retold(line, "") == "I would be able to move faster with one site."


def test_a_step_naming_the_buyer_keeps_a_colleagues_she(bank: ScenarioBank) -> None:
    """The buyer's gender comes from the concern: Priya's "she" in the step is hers, never "I"."""
    concern = "Marcus built the helpdesk himself and he is worried about the cutover."
    step = "A call next Tuesday with Marcus, Priya (before she leaves) and Renee"
    sc = _as(bank, "Marcus Delgado", concern, step)
    said = step_in_first_person(sc.buyer.next_step, sc)
    assert "before she leaves" in said and "before I leave" not in said, said


def test_a_count_is_no_answer_to_how_people_feel() -> None:
    book = FactBook({"teachers": "Right around 200 teachers."})
    found = book.answer("How do the teachers feel when their classes get split?")
    assert found is None or found.topic != "teachers"


def test_validate_names_the_note_on_telling_and_what_the_buyer_does_not_know(bank: ScenarioBank) -> None:
    from coach_engine.studio_check import aside_warning

    secret = "Omar has a secret he won't share with a vendor. His bakery lost two wholesale accounts."
    warning = aside_warning(_as(bank, "Omar Haddad", secret))
    assert warning is not None and warning.startswith("'Omar has a secret"), warning
    unaware = "Noor is stuck. What she doesn't know is that her grant covers a switch this year."
    warning = aside_warning(_as(bank, "Noor Aziz", unaware))
    assert warning is not None and "what you know and the buyer does not" in warning, warning


def test_a_stake_said_after_its_lead_in_drops_a_second_joiner() -> None:
    """The stake comes a turn later after a lead-in ("And here's what it means for me."): a joiner of its own
    would stack on it ("... for me. The other thing is that ...")."""
    from coach_engine.buyer.telling import unjoined

    assert unjoined("The other thing is that the van broke down in May.") == "The van broke down in May."
    assert unjoined("On top of that, the grant ends in June.") == "The grant ends in June."
    assert unjoined("Also, my partner wants out.") == "My partner wants out."
