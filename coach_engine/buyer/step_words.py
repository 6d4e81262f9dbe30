"""How the buyer says a step's activity and length back: "the meeting", "the 30-minute call".

Why its own module: a rep proposes a step as a verb ("could we meet") or with its length first ("a
30-minute call"), and the buyer names it back as a person says it ("the meeting", "the 30-minute call"),
at the length the rep offered ("for 30 days": "a 30-day pilot"). Closed lists of English forms, apart from
how a step is found (``steps``).
"""

from __future__ import annotations

import re

__all__ = ["AS_NOUN", "as_adjective", "with_rep_lengths"]

AS_NOUN = {"meet": "meeting", "walk through": "walkthrough", "sit down": "sit-down", "kick off": "kickoff",
           "catch up": "catch-up", "catch-up": "catch-up"}
"""An activity said as a verb ("could we meet"), named back as the thing agreed to."""


def as_adjective(length: str) -> str:
    """A length said before its activity: "the fifteen-minute call", "the half-hour call", "the hour-long
    call", never "the fifteen minutes call"; a length without a one-word number ("a few minutes") is left
    out."""
    number, _, unit = length.rpartition(" ")
    unit = unit.rstrip("s")
    if number in ("a", "an"):
        return f"{unit}-long"
    if number.endswith((" an", " a")):
        return f"{number.rsplit(' ', 1)[0]}-{unit}"
    return f"{number}-{unit}" if " " not in number else ""


_LENGTH = re.compile(r"\b(\w+)[- ](day|week|month)s?\b", re.I)
"""A trial's or a pilot's length: "a 60-day pilot", "for 30 days", "two weeks" (a count before the unit)."""
_COUNTS = frozenset({"one", "two", "three", "four", "five", "six", "eight", "ten", "twelve"})


def with_rep_lengths(step: str, rep_turn: str) -> str:
    """The step with the length the rep put on it where they named one of the same unit ("a 60-day pilot",
    the rep's "one county, ten caregivers, for 30 days" -> "a 30-day pilot"): the buyer agrees to what was
    offered, not to the scenario's own number."""
    def counted(m: re.Match[str]) -> bool:
        return m.group(1).isdigit() or m.group(1).lower() in _COUNTS

    theirs: dict[str, set[str]] = {}
    for m in filter(counted, _LENGTH.finditer(rep_turn)):
        theirs.setdefault(m.group(2).lower(), set()).add(m.group(1).lower())

    def swap(m: re.Match[str]) -> str:
        said = theirs.get(m.group(2).lower(), set())
        if not counted(m) or len(said) != 1 or m.group(1).lower() in said:
            return m.group(0)
        return next(iter(said)) + m.group(0)[len(m.group(1)):]

    return _LENGTH.sub(swap, step)
