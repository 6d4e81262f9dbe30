"""A rep's turn with more than one question in it: which to answer, and which are no question at all.

Why a module of its own: the buyer's facts (``facts``) answer one question with one fact; a person asked
"When does it renew, and who else would want a say?" answers both, while "Can I ask you something?" asks
for leave, not a fact, and "How does it look for the members who joined this year?" is one question,
however many facts it is close to (its "who" opens no question of its own).
"""

from __future__ import annotations

from ..text import question_form, words
from .facts import Answer, asks_who_decides

__all__ = ["also_asked", "asks_to_ask"]

_QUESTION_WORDS = frozenset({"what", "when", "who", "how", "where", "which", "why", "whose"})


def asks_to_ask(sentence: str) -> bool:
    """"Can I ask you something, though?": leave to ask, not a question of a barrage ("Can I ask what's
    behind it?" asks something: an open question, ``text.question_form``)."""
    said = words(sentence)
    return len(said) <= 7 and bool({"ask", "question"} & set(said)) and question_form(sentence) != "open"


def also_asked(found: Answer, more: Answer) -> bool:
    """Whether a second fact answers a second question of the turn: a real question (not leave to ask),
    plainly about that fact (close in meaning, or asking who has a say), and another question than the
    first one's, or one sentence that asks two things ("When's ..., and who ...?")."""
    if not more.topic or asks_to_ask(more.question) or not (more.by_meaning
                                                              or asks_who_decides(more.question)):
        return False
    said = found.question.lower().split()  # a question word opening a clause, not "members who joined"
    asks = sum(w.split("'")[0] in _QUESTION_WORDS and (k == 0 or said[k - 1] in ("and", "or")
                                                       or said[k - 1][-1] == ",") for k, w in enumerate(said))
    return more.question != found.question or asks >= 2
