"""How much of the story a first question draws out: its opening sentence, the rest to the next question.

Why a module of its own: a concern without ``concern_lines`` comes out as a story and a stake
(``persona.concern_stages``). A question sure enough to skip the hint drew the whole story at once, and
three trainers' probes in a row (28-30) heard a buyer hand a stranger everything on the first question.
Now such a question draws the story's opening (a sentence, or two when the first is short), and the next
good question the rest of it, before the stake: a person tells more as they are asked more. Holding the
story back from a sure question altogether lost strong reps' drills (session 35); this keeps the reveal where
it was and only shortens what is said.
"""

from __future__ import annotations

from .. import text as T

__all__ = ["story_opening"]

_SHORT = 10
"""A first sentence of fewer words than this is said with the next ("My partner is my sister.")."""
_HELD = 12
"""Fewer words than this are not held for a turn of their own ("Nobody else knows this.")."""


def story_opening(story: str) -> tuple[str, str]:
    """(what a first question draws, what is held for the next): the story's first sentence, or its first
    two when the first is short, and the rest; (story, "") when there is no rest worth a turn of its own."""
    pieces = T.sentences(story)
    take = 2 if len(pieces) > 2 and len(pieces[0].split()) < _SHORT else 1
    if len(pieces) <= take or sum(len(p.split()) for p in pieces[take:]) < _HELD:
        return story, ""
    return " ".join(pieces[:take]), " ".join(pieces[take:])
