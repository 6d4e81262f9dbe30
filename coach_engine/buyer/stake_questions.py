"""Whether a rep's question asks about what only the concern's stake tells.

The concern comes out in stages over good questions: the story, then what is at stake (issue 13;
``persona.concern_stages``). Which sentence is the story and which the stake follows the manager's order,
not what a rep will ask about, so a question can be about the stake before the story is out ("Is the
overtime a big cost?" where the story is who runs the rota and the stake is the overtime bill). A person
answers what they are asked: the director tells the stake with the story, or draws it out by that question
once the story is told, where a closed question would otherwise get a demand for a number.

A question is about the stake when it shares a content word with the stake that neither the story nor the
opening has said (words the buyer has already used ask about nothing new), and, with a sentence model, when
it is closer in meaning to a sentence of the stake than to any of the story and at least
``rules.yaml``'s ``similarity.stake_question`` close: one shared word ("month", "look") is not a topic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .. import text as T
from ..embeddings import is_semantic

if TYPE_CHECKING:
    from ..embeddings import Embedder

__all__ = ["StakeQuestions"]


_GENERIC = frozenset(T.stem(w) for w in (
    "again", "next", "after", "before", "him", "himself", "herself", "themselves", "said", "says", "thing",
    "things", "time", "times", "way", "lot", "still", "even", "also", "back", "out", "over", "much", "many",
    "more", "most", "very", "week", "weeks", "month", "months", "year", "years", "day", "days", "today",
    "now", "then", "isn't", "aren't", "wasn't", "don't", "doesn't", "didn't", "won't", "can't", "one", "two"))
"""Words that name no topic of their own ("we talk again in a few weeks" is not about a stake that says
"again"): a question sharing only these with the stake is not about it."""


class StakeQuestions:
    """The stake's own words and sentences for one drill, compared with each question of a rep turn."""

    def __init__(self, story: str, stake: str, said: str, embedder: Embedder | None, floor: float):
        """``said``: what the buyer has said before the concern (the opening), whose words ask nothing new."""
        own = T.content_words(stake) - T.content_words(story) - T.content_words(said) if stake else set()
        self.words = {w for w in own if w not in _GENERIC}
        self.embedder = embedder if is_semantic(embedder) else None
        self.floor = floor
        self._stake = T.sentences(stake)
        self._story = T.sentences(story)

    def about(self, text: str) -> bool:
        """Whether a question of ``text`` is about the stake (see the module's docstring)."""
        if not self.words:
            return False
        questions = [q for q in T.sentences(text) if T.is_question(q) and T.content_words(q) & self.words]
        if not questions or self.embedder is None:
            return bool(questions)
        vecs = self.embedder.embed([*questions, *self._stake, *self._story])
        n, m = len(questions), len(self._stake)
        asked = vecs[:n]
        to_stake = np.asarray(asked @ vecs[n:n + m].T).max(axis=1)
        to_story = np.asarray(asked @ vecs[n + m:].T).max(axis=1) if self._story else np.zeros(n)
        return bool(np.any((to_stake >= self.floor) & (to_stake > to_story)))
