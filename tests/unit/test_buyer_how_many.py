"""A "how many" question about some of a thing is not answered by a fact that counts all of it (probe 24).

"How many students move up to the next level?" asked of a buyer whose brief says "about 400 adult students"
got "About 400 adult students)." — a figure for another question, with the brief's bracket on it.
"""

from __future__ import annotations

import pytest

from coach_engine.buyer.facts import FactBook, context_figures
from coach_engine.buyer.how_many import counts_what_is_asked

FLEET = "We run about 85 trucks out of two yards."


@pytest.mark.parametrize(("question", "answers"), [
    ("How many trucks do you run?", True),
    ("Roughly how many trucks across both yards?", True),
    ("How many trucks are in the fleet today?", True),
    ("How many trucks break down in a typical month?", False),
    ("How many trucks sit idle over the winter?", False),
    ("What does the fleet cost you to insure?", True),  # no "how many": not this test's question
])
def test_a_count_of_all_answers_only_a_question_about_all(question: str, answers: bool) -> None:
    assert counts_what_is_asked(question, FLEET) is answers


def test_a_figure_in_the_briefs_brackets_is_said_without_them() -> None:
    found = context_figures("Call with the owner of a bakery chain (three shops, about 40 staff).", {})
    assert found and all("(" not in v and ")" not in v for v in found.values()), found


def test_the_buyer_does_not_count_all_when_asked_about_some() -> None:
    book = FactBook({"trucks": FLEET})
    assert book.answer("How many trucks do you run today?").topic == "trucks"  # type: ignore[union-attr]
    said = book.answer("How many trucks break down in a typical month?")
    assert said is not None and said.topic == "", said
