"""What the rep did that a buyer's line may rest on: a question asked, a figure given, a price of their own.

Why a module of its own: a rebuke whose premise is false ("you haven't asked me a single thing" after
questions, "with a number" right after one, "what was the original number based on?" when the rep quoted
none) is a defect like a crash (issue 13); the scripted voice asks these before choosing a line, and each
check is one idea a test can hold.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .. import text as T

__all__ = ["CLAIMS_NO_QUESTION", "DEMANDS_FIGURE", "asks_about_them", "credits_asking", "premises",
           "quoted_a_price", "rests_on_a_price"]

CLAIMS_NO_QUESTION = re.compile(
    r"\byou\s+(?:still\s+)?(?:haven'?t|didn'?t|never|have\s+not)\s+(?:even\s+|really\s+)?ask|"
    r"\bany\s+questions?\b", re.I)
DEMANDS_FIGURE = re.compile(
    r"\b(?:a|the|some|real|hard|in)\s+(?:one\s+)?(?:number|figure)s?\b|\bnumbers,\s+please\b", re.I)


_FIRST_PRICE = frozenset({"original", "padded", "real price", "first price"})
"""What a line says of a price the rep must have quoted before ("the original number", "padded")."""


def rests_on_a_price(line: str) -> bool:
    low = line.lower()
    return any(T.has_phrase(low, p) if " " in p else p in T.words(low) for p in _FIRST_PRICE)


def quoted_a_price(rep: str, before: Iterable[str]) -> bool:
    """Whether the rep has a price of their own to cut: one named ``before`` (the scenario's proposal, their
    earlier turns), or one they take something off now ("30% off the hardware"); "we can undercut Castlegate
    by 15%" quotes none."""
    if "off" in T.words(rep) and T.AMOUNT.search(rep):
        return True
    return any(T.AMOUNT.search(text) for text in before)


def premises(rep: str, claimed: bool) -> tuple[bool, bool]:
    """(asked a question, gave a figure) in the rep's turn: money or a percentage, or any number in a turn
    that claims value ("from 45 minutes to 10 a shop"); a buyer never then asks "with a number"."""
    figure = bool(T.NUMBER.search(rep) or T.spelled_figure(rep))
    return "?" in rep, bool(T.MONEY.search(rep) or (claimed and figure))


_ASKING = frozenset({"ask", "asked", "asking"})
"""Words of a line that credits the rep's question (with "you")."""


def credits_asking(line: str) -> bool:
    """A line that thanks the rep for a question ("Since you're asking, ...", "You asked properly"): false
    after a turn that asked nothing, such as a statement that happened to name the concern."""
    said = set(T.words(line))
    return bool(said & _ASKING) and bool(said & {"you", "you're"})


def asks_about_them(rep: str) -> bool:
    """A turn that asks an open question about the buyer's world ("Where are you with the migration?"), and
    no yes/no request or tag ("Could we grab fifteen minutes on Friday?", "We're the smarter pick, yes?")."""
    asked = [x for x in T.sentences(rep) if T.is_question(x)]
    return bool(asked) and all(T.question_form(x) == "open" and {"you", "your", "you're"} & set(T.words(x))
                               for x in asked)
