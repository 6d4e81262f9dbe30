"""The form a gaming verdict needs: keyword stuffing is cue phrases strung together, never whole speech."""

from __future__ import annotations

from coach_engine.reading.gaming import SentenceSigns, strung_together, turn_features


def signs(words: int, function_share: float, commas: int = 0, stuffing: float = 0.99) -> SentenceSigns:
    probs = {"stuffing": stuffing, "injection": 0.01, "acknowledge": 0.9, "give_proof": 0.9}
    return SentenceSigns(words=words, probs=probs, meta=0.0, markup=0.0, speaker=0.0, aside=0.0,
                         function_share=function_share, commas=commas)


def test_whole_spoken_sentences_are_never_strung_together() -> None:
    """However sure the sentence heads are, a turn of sentences with the words that join speech is speech."""
    row = turn_features([signs(4, 0.5), signs(18, 0.45, commas=1), signs(14, 0.5, commas=1)], 0.4)
    assert not strung_together(row)


def test_keywords_lists_and_telegraphese_are() -> None:
    keywords = turn_features([signs(5, 0.5), signs(9, 0.0, commas=6)], 0.3)
    listed = turn_features([signs(12, 0.35, commas=5)], 0.3)
    terse = turn_features([signs(6, 0.2), signs(6, 0.25)], 0.3)
    assert all(strung_together(r) for r in (keywords, listed, terse))


def test_the_form_is_read_from_the_words_alone() -> None:
    """Training asks this of a reply a trainer called stuffing before its sentences teach the stuffing
    heads: a fluent template reply is weak on content, not strung together."""
    from coach_engine.reading.gaming import strung_text

    assert strung_text(["Value, ROI, proof, pilot, next step, low risk, timeline, budget, stakeholders."])
    assert not strung_text(["Thanks for laying that out so plainly today.",
                            "Which goals matter most to your team over the coming year?",
                            "Our clients keep telling us they would pick us again tomorrow."])


def test_as_said_a_list_is_items_not_commas() -> None:
    """Casual speech puts a comma every few words ("Okay, what if I took a chunk off, would that work?"):
    two of its three pieces are clauses, so reading a turn does not take it for a list; a list of short
    items still is one, and keywords or telegraphese need no commas."""
    from coach_engine.reading.gaming import listed_items, strung_as_said

    casual = ["Okay, what if I took a chunk off, would that work?"]
    items = ["Uptime, renewals, $90k, Brookfield, payback, covered?"]
    assert not listed_items(casual) and listed_items(items)
    comma_row = turn_features([signs(11, 0.5, commas=2)], 0.3)
    assert strung_together(comma_row) and not strung_as_said(comma_row, casual)
    assert strung_as_said(comma_row, items)
    terse = turn_features([signs(6, 0.2), signs(6, 0.25)], 0.3)
    assert strung_as_said(terse, ["Pilot two sites now", "Board sees numbers Friday"])


def test_a_list_is_many_short_pieces_and_terse_speech_is_few() -> None:
    """What a stuffer does that a clipped honest rep does not is list: the turn head sees how many pieces a
    turn is cut into and how few words each holds, apart from how few function words join them."""
    from coach_engine.reading.gaming import GAMING_FEATURES

    at = {name: i for i, name in enumerate(GAMING_FEATURES)}
    listed = turn_features([signs(3, 0.3), signs(24, 0.05, commas=13)], 0.3)
    clipped = turn_features([signs(2, 0.0), signs(3, 0.3, commas=1)], 0.3)
    spoken = turn_features([signs(16, 0.5, commas=1), signs(12, 0.5)], 0.3)
    assert listed[at["pieces"]] > 3 * clipped[at["pieces"]]
    assert listed[at["words_per_piece"]] < spoken[at["words_per_piece"]]
    assert clipped[at["words_per_piece"]] < spoken[at["words_per_piece"]]
