"""Whether a fact's figure counts what a "how many" question asks about.

Why a module of its own: a question can count all of a thing ("How many students do you have?") or only
those that do something ("How many students move up to the next level?"). A fact that counts them all
("About 400 adult students.") answers the first; said to the second it answers a question nobody asked
(probe 24). The test is structural: after "how many <thing>", a word that says what the counted ones do
and that the fact does not say makes the question about some of them.
"""

from __future__ import annotations

from ..text import is_function_word, words

__all__ = ["counts_what_is_asked"]

_HOW = frozenset({"many", "much"})
_THING_WORDS = 3
"""How far after "how many" the counted thing is looked for ("how many adult English students")."""
_WHOLE = frozenset({
    "do", "does", "did", "are", "is", "were", "was", "have", "has", "had", "would", "will", "can", "could",
    "across", "per", "each", "every", "altogether", "total", "overall", "roughly", "today", "now",
    "currently", "right", "there", "you", "we", "they"})
"""Words after the counted thing that still ask for all of it ("... do you have", "... across both sites")."""


def counts_what_is_asked(question: str, fact: str) -> bool:
    """False when ``question`` counts only some of a thing ``fact`` counts in full; True otherwise (and for
    any question that is not "how many/much <thing>")."""
    said = words(question)
    known = set(words(fact))
    for i in range(1, len(said)):
        if said[i] not in _HOW or said[i - 1] != "how":
            continue
        for k in range(i + 1, min(len(said), i + 1 + _THING_WORDS)):
            if said[k] in known and k + 1 < len(said):
                after = said[k + 1]
                return after in _WHOLE or after in known or is_function_word(after)
    return True
