"""How the rep delivered, measured rather than quoted: reply lengths, the longest monologue, questions asked.

Why a module of its own: the card's delivery notes (shown whichever grader decided the checks), the
measure an avoided slip rests on (the absence of a monologue is in no one sentence) and the grader's
"too short to judge" rule all count words and sentences, and must count them the same way; this is the
one place that says what a word and a sentence are for those counts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from ..models import Delivery, Transcript
from ..text import SENTENCE_RUNS as SENTENCES

__all__ = ["SENTENCES", "WORDS", "delivery_measure", "delivery_notes", "word_count"]

WORDS = re.compile(r"[A-Za-z0-9$%'’-]+")


def word_count(text: str) -> int:
    return len(WORDS.findall(text))


def delivery_notes(transcript: Transcript) -> Delivery:
    """Reply lengths, the longest monologue, questions asked vs statements made."""
    reps = transcript.rep_turns()
    if not reps:
        return Delivery()
    counts = [(word_count(t.text), i) for i, t in reps]
    longest_words, longest_turn = max(counts, key=lambda c: (c[0], -c[1]))
    questions = statements = 0
    for _, t in reps:
        for sentence in SENTENCES.findall(t.text):
            if not WORDS.search(sentence):
                continue
            if sentence.rstrip().endswith("?"):
                questions += 1
            else:
                statements += 1
    return Delivery(rep_turns=len(reps), avg_words=round(sum(c for c, _ in counts) / len(reps), 1),
                    longest_words=longest_words, longest_turn=longest_turn, questions=questions,
                    statements=statements)


class _Said(Protocol):
    """A rep turn as delivery sees it: only its words (``checks.AnalysedTurn`` is one)."""

    @property
    def text(self) -> str: ...


def delivery_measure(turns: Sequence[_Said]) -> str:
    """What an avoided slip rests on, as a measure rather than a quote: the absence of pressure or a
    monologue is not in any one sentence, so the card shows the replies' length and questions instead."""
    words = [word_count(t.text) for t in turns]
    questions = sum(s.rstrip().endswith("?") for t in turns for s in SENTENCES.findall(t.text))
    longest = max(range(len(words)), key=lambda i: words[i])
    asked = f"{questions} question{'s' if questions != 1 else ''} asked"
    if len(turns) == 1:
        return f"measured: 1 reply of {words[0]} words, {asked}"
    avg = round(sum(words) / len(words))
    return (f"measured: {len(turns)} replies, {avg} words on average, the longest {words[longest]} words "
            f"(reply {longest + 1}), {asked}")
