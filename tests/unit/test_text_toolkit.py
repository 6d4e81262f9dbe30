"""The one text toolkit: sentences are exact slices, questions have a form, negation is seen."""

from __future__ import annotations

import pytest

from coach_engine import text as T


def test_sentence_spans_are_exact_slices() -> None:
    text = "  That's fair — the number is high. Can I ask what drove it?\nThanks; really.  "
    for a, b in T.sentence_spans(text):
        assert text[a:b] == text[a:b].strip() and text[a:b]


def test_whole_sentences_keep_dashes_and_semicolons_together() -> None:
    text = "That's fair — the number is high. Thanks; really."
    assert T.sentences(text) == ["That's fair — the number is high.", "Thanks; really."]
    assert len(T.sentence_spans(text, clauses=True)) == 4


@pytest.mark.parametrize(
    ("sentence", "form"),
    [
        ("What would have to be true for the board to say yes?", "open"),
        ("Before we go further, can I ask how the last rollout went?", "open"),
        ("I'm curious what drove that figure.", "open"),
        ("Is it the amount itself, or the approval process?", "either_or"),
        ("Has the team tried anything like this before?", "closed"),
        ("We cut planning time in half.", None),
    ],
)
def test_question_form(sentence: str, form: str | None) -> None:
    assert T.question_form(sentence) == form


def test_negation_and_numbers() -> None:
    assert T.has_negation("I won't cut the price.") and T.has_negation("certainty rather than a deal")
    assert not T.has_negation("We can cut the price.")
    assert T.NUMBER.search("saves about $12k a year") and T.NUMBER.search("a 15% drop")
    assert T.structure().time.search("Could we talk next Thursday?")


def test_empty_and_odd_text() -> None:
    assert T.sentence_spans("") == [] and T.sentence_spans("   \n ") == []
    assert T.words("🙂🙂") == [] and T.content_words("") == set()
