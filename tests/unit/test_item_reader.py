"""Resolution items are read by a trained model, and an author always learns how each was read.

The wordings here are written for this test (none is in the labelled data): a
manager's item in their own words must land on the requirement it states, an
explicit ``kind:`` always wins, an unsure reading says so, and a missing model
names the command that rebuilds it. The figures on the labelled dev and blind
sets are printed by ``scrimmage train --items`` and asserted in the eval tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coach_engine.buyer.items import ItemModelError, describe_kind, load_item_model, read_item, read_items
from coach_engine.models import ITEM_KINDS
from coach_engine.scenarios import parse_scenario

FRESH = [
    ("Mentions a company of similar size that got the result", "proof"),
    ("Shows the saving in dollars for this fleet", "tie_number"),
    ("Agrees a small paid trial with a start date", "next_step"),
    ("Doesn't trash the system they use today", "respect_incumbent"),
    ("Offers a phased start rather than dropping the price", "alternatives"),
    ("Suggests getting the finance director on the follow-up call", "involve"),
    ("Asks if anything else is holding the decision back", "check_other"),
    ("Checks the answer actually settled the worry", "confirm"),
    ("Finds out how many sites they run today", "uncover"),
    ("Gets the buyer talking about what is really behind the hesitation before pitching", "explore"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("text", "kind"), FRESH)
def test_fresh_wordings_are_read_as_the_requirement_they_state(embedder, text: str, kind: str) -> None:  # type: ignore[no-untyped-def]
    reading = read_item(text, embedder)
    assert reading.kind == kind and reading.confident, reading


def test_without_a_semantic_encoder_the_words_model_still_reads_plain_items() -> None:
    readings = read_items([t for t, _ in FRESH])  # no embedder: the words-only twin
    right = sum(r.kind == k for r, (_, k) in zip(readings, FRESH, strict=True))
    assert right >= 8


def test_every_kind_reads_in_words_and_the_model_knows_every_kind() -> None:
    model = load_item_model()
    assert model.kinds == ITEM_KINDS
    for kind in ITEM_KINDS:
        assert describe_kind(kind) != kind and describe_kind(kind).startswith("the rep")


def test_an_explicit_kind_wins_and_is_reported_as_said() -> None:
    reading = read_items(["Something only this manager would write"], kinds=["proof"])[0]
    assert reading.kind == "proof" and reading.explicit and "kind: says" in reading.note()


def test_an_unsure_reading_tells_the_author_to_set_kind() -> None:
    reading = read_items(["Blue sky, moving forward, synergy"])[0]
    if reading.confident:  # the words model may be sure of nothing here; force the case through the note
        reading = type(reading)(reading.text, reading.kind, 0.2, confident=False)
    assert "set kind: to be sure" in reading.note() and reading.kind in reading.note()


def test_an_unsure_note_says_in_words_which_turn_meets_the_item() -> None:
    """A confident-looking figure ("76%") called unsure, or "its words alone read as 'check_other'", puzzles
    an author: the note says in plain words what a turn must do to meet the item until kind: is set."""
    reading = read_items(["Blue sky, moving forward, synergy"])[0]
    doubted = type(reading)(reading.text, "tie", 0.76, confident=False, also=("alternatives",))
    note = doubted.note()
    assert "76%" not in note and "words alone" not in note and "set kind: to be sure" in note
    assert f"a turn where {describe_kind('tie')}, or where {describe_kind('alternatives')} meets it" in note


def test_an_unsure_item_that_asks_for_an_answer_is_never_met_by_a_question() -> None:
    """An unsure item that most likely asks for an answer (an offer, a tie, a step) takes no hearing or asking
    kind it might also mean: an opening question does not meet "Offers a phased start"."""
    from coach_engine.buyer.items import _HEARING

    for reading in read_items(["Offers a phased start, dated", "Ties the savings to their cash flow",
                               "Gets the owner on a call", "Digs into the backstory"]):
        if reading.kind not in _HEARING:
            assert not set(reading.also) & _HEARING, reading


def test_a_missing_model_names_the_command_that_rebuilds_it(tmp_path: Path) -> None:
    with pytest.raises(ItemModelError, match="scrimmage train --items"):
        load_item_model(str(tmp_path / "items.npz"))


def test_scenario_items_may_say_their_kind_in_the_yaml(bank) -> None:  # type: ignore[no-untyped-def]
    import yaml

    data = yaml.safe_load(Path(bank.sources["cfo-price-routing"]).read_text(encoding="utf-8"))
    data["buyer"]["resolution"][0] = {"text": data["buyer"]["resolution"][0], "kind": "uncover"}
    scenario = parse_scenario(yaml.safe_dump(data))
    from coach_engine.buyer.items import scenario_items

    first = scenario_items(scenario)[0]
    assert first.kind == "uncover" and first.explicit
    with pytest.raises(Exception, match="kind"):
        data["buyer"]["resolution"][0]["kind"] = "vibes"
        parse_scenario(yaml.safe_dump(data))


def test_a_phrase_that_asks_for_nothing_is_not_read_with_confidence(embedder) -> None:  # type: ignore[no-untyped-def]
    """The meaning model's nearest guess for management jargon can clear its floor; the words-only model
    points elsewhere, so the reading is unsure and the author is told to set kind:. A real item stays sure."""
    junk, real = read_items(["Blue sky synergy alignment", "Books a 30-minute call with the CFO for Tuesday"],
                            embedder)
    assert not junk.confident and "set kind: to be sure" in junk.note()
    assert real.confident and real.kind == "next_step"


def test_an_unsure_reading_names_every_kind_it_may_be_asking_for(embedder) -> None:  # type: ignore[no-untyped-def]
    """An unsure item keeps the kinds the model gives real weight, likeliest first, and the author is told
    which turns meet it until kind: is set; a sure reading, or an explicit kind, keeps only its own."""
    from coach_engine.buyer.items import ALSO_SHARE

    texts = ["Blue sky synergy alignment", "Books a 30-minute call with the CFO for Tuesday"]
    junk, real = read_items(texts, embedder)
    probs = load_item_model().probabilities(texts, embedder)[0]
    weight = dict(zip(load_item_model().kinds, probs, strict=True))
    assert junk.kind not in junk.also and all(weight[k] >= ALSO_SHARE for k in junk.also)
    assert [weight[k] for k in junk.also] == sorted((weight[k] for k in junk.also), reverse=True)
    assert all(f"'{k}'" in junk.note() for k in junk.also)
    assert real.also == () and read_items(texts[:1], kinds=["proof"])[0].also == ()


def test_an_item_in_shorthand_is_read_as_said_in_words_and_kept_as_written(bank, embedder) -> None:  # type: ignore[no-untyped-def]
    """"get a 2nd mtg w/ a date + who from their end" is surely a next step once "mtg", "w/" and "+" are
    read as words; the author still sees the item as typed."""
    from coach_engine.buyer.items import scenario_items
    from coach_engine.models import ResolutionSpec

    base = bank.get("cfo-price-routing")
    typed = "get a 2nd mtg w/ a date + who from their end"
    buyer = base.buyer.model_copy(update={"resolution": [ResolutionSpec(text=typed)]})
    (reading,) = scenario_items(base.model_copy(update={"buyer": buyer}), embedder)
    assert reading.text == typed and reading.kind == "next_step", reading
    assert reading.confidence > read_item(typed, embedder).confidence + 0.2, reading  # surer in words
