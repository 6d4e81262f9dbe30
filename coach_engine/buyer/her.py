"""Whether a "her" is the object ("told her", "the woman before her left") or the possessive ("her team").

Why a module of its own: "her" is the one English pronoun whose object and possessive are written alike, and
every first-person rewrite of a concern or a step (``persona``) must tell them apart before it says "me" or
"my". The words around it decide, from closed lists of English function words.
"""

from __future__ import annotations

import re

from .. import text as T

__all__ = ["PREPOSITIONS", "object_her"]

_AFTER_OBJECT_HER = frozenset({
    "until", "to", "not", "a", "an", "the", "that", "personally", "in", "on", "at", "for", "with", "from",
    "of", "and", "or", "but", "into", "about", "over", "last", "next", "this", "than", "as", "because", "if",
    "when", "again", "too", "now", "back", "up", "out", "off", "far", "much", "more", "less", "so", "enough",
    "before", "after", "once", "while", "during", "by", "via", "first", "yet", "either", "no", "nothing",
    "something", "anything", "everything", "what", "how", "why", "where", "whether", "twice", "directly"})
"""Words after which "her" is the object ("told her in May", "more than her"), not a possessive."""
PREPOSITIONS = frozenset({
    "to", "with", "for", "from", "at", "on", "about", "by", "of", "in", "into", "than", "like", "without",
    "against", "toward", "towards", "behind", "beside", "around", "near"})


_GOVERNS = PREPOSITIONS | {"before", "after", "since", "until"}
"""Words whose object a "her" after them is."""
_PAST_ALONE = frozenset({"left", "quit", "retired", "resigned", "went", "came", "was", "had", "did", "joined",
                         "moved", "arrived", "started", "took", "got"})
"""Verbs that follow a subject, not a possessive: "the woman before her left" ("her" is the object of
"before", and the woman left)."""


def object_her(m: re.Match[str]) -> bool:
    """Whether a matched "her" is the object: before a mark, at the end, before a word no noun follows, or
    after a preposition and before the next clause's verb ("the woman before her left")."""
    rest = m.string[m.end():]
    if not rest or rest[0] in ".,;" or (rest[0].isspace() and T.first_word(rest) in _AFTER_OBJECT_HER):
        return True
    before = m.string[:m.start()].split()[-1:]
    return bool(before) and before[0].lower() in _GOVERNS and T.first_word(rest) in _PAST_ALONE
