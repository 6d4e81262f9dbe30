"""How the buyer says a step's activity and length back: "the meeting", "the 30-minute call".

Why its own module: a rep proposes a step as a verb ("could we meet") or with its length first ("a
30-minute call"), and the buyer names it back as a person says it ("the meeting", "the 30-minute call"),
at the length the rep offered ("for 30 days": "a 30-day pilot"). Closed lists of English forms, apart from
how a step is found (``steps``).
"""

from __future__ import annotations

import re

from .. import text as T

__all__ = ["AS_NOUN", "BRIEF_WORDS", "as_adjective", "in_brief", "with_rep_lengths"]

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


BRIEF_WORDS = 16
"""Past this many words, an agreed step is said by its what, when and who: nobody saying yes reads back the
whole agenda ("a 10-minute call Friday at 7:30, to look at last week's overtime and check whether ...")."""
_PURPOSE_CUTS = ("; ", ", to ", ", so ", ", where ")
"""Where a step's agenda starts after its head; ", then" is not one: "..., then a call with me" is a second
step agreed to."""
_HEAD_WORDS = 4
_PURPOSE_WORDS = 4


def in_brief(step: str) -> str:
    """A long step (over ``BRIEF_WORDS``) cut before its agenda: at a second part ("; we run ..."), a purpose
    after a comma (", to look at ..."), else a purpose ("... with me and Denise to pull last year's
    invoices"); a time said only in what is cut (the rep's day) goes with the head. A short step, or one
    with no head of a few words before its agenda, is said whole."""
    if len(step.split()) <= BRIEF_WORDS:
        return step
    head = step
    for cut in _PURPOSE_CUTS:
        at = head.find(cut)
        if at > 0 and len(head[:at].split()) >= _HEAD_WORDS:
            head = head[:at]
    said = head.split()
    # a purpose of a verb and what it acts on ("to pull last year's invoices"), never a place ("to
    # corporate"); never when who comes after it either ("a site visit to shadow a check with me and QA")
    to = next((k for k, w in enumerate(said) if w == "to" and _HEAD_WORDS <= k <= len(said) - _PURPOSE_WORDS
               and said[k + 1][:1].islower() and not T.is_function_word(said[k + 1])), None)
    if len(said) > BRIEF_WORDS and to is not None and " with " not in " ".join(said[to:]):
        head = " ".join(said[:to])
    head = head.rstrip(" ,;")
    if head == step:
        return step
    when = T.structure().time
    left = step[len(head):]
    times = list(when.finditer(left))
    if times and not when.search(head):
        a, b = T.time_phrase(left, times)
        head = f"{head} {left[a:b].strip(' ,.;')}"
    return head[:-1] if head.endswith((".m.", ".M.")) else head  # "at 10 a.m" ends on the line's own stop
