"""How the buyer says a step's activity and length back: "the meeting", "the 30-minute call".

Why its own module: a rep proposes a step as a verb ("could we meet") or with its length first ("a
30-minute call"), and the buyer names it back as a person says it ("the meeting", "the 30-minute call").
Closed lists of English forms, apart from how a step is found (``steps``).
"""

from __future__ import annotations

__all__ = ["AS_NOUN", "as_adjective"]

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
