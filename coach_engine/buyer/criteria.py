"""A question about what it would take ("What would your treasurer want to see?"), answered with the want.

Why a module of its own: once the buyer has told their story, a rep who asks what would convince them, or
what someone who decides cares about, is asking the best question left. A buyer who answers "I've told you
most of it" ignores it (probe 30: four of five trainers' discovery reps were met that way). The answer is
the buyer's still-unmet want, said as a criterion, not as a demand (``lines.yaml``, ``criteria``, by item
kind); which questions ask it is read from closed lists of English words.
"""

from __future__ import annotations

from itertools import pairwise

from .. import text as T

__all__ = ["asks_what_it_takes"]

_PERSUADED = frozenset({"convince", "convinced", "convinces", "comfortable", "persuade", "persuaded",
                        "reassure", "reassured", "care", "cares", "matters", "sway", "win"})
"""Words of a question about what persuades someone ("What would make them comfortable?")."""
_WANTING = frozenset({"want", "wants", "need", "needs", "like", "expect", "expects"})
_ASKING = frozenset({"what", "what's", "how", "which"})


def asks_what_it_takes(text: str) -> bool:
    """Whether a question in ``text`` asks what it would take to say yes, for the buyer or someone who
    decides: "What does she most want to see from you?", "What would it take?", "What would have convinced
    them?", "What does he look for in a deal like this?". "What would you want them working on instead?"
    asks something else."""
    for question in (s for s in T.sentences(text) if T.is_question(s)):
        said = T.words(question)
        if not set(said) & _ASKING:
            continue
        pairs = list(pairwise(said))
        to_see = any(a in _WANTING and b == "to" and c == "see" for (a, b), (_, c) in pairwise(pairs))
        if set(said) & _PERSUADED or ("it", "take") in pairs or ("look", "for") in pairs or to_see:
            return True
    return False
