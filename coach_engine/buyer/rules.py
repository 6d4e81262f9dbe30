"""The director's rules as data: ``rules.yaml`` validated by an ``extra="forbid"`` model.

Thresholds and deltas per behaviour live in YAML so a coach can tune how hard
the buyer is without touching the state machine. (What each of a manager's
resolution items asks for is read by a trained model: ``items.py``.)
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field

from ..datafiles import StrictData, load_model_file

if TYPE_CHECKING:
    pass

RULES_PATH = Path(__file__).resolve().parent / "rules.yaml"

__all__ = ["RULES_PATH", "DirectorRules", "SubstanceRules", "load_rules"]


class _ByLevel(StrictData):
    difficulty: dict[str, int]
    personality: dict[str, int]


class _Patience(StrictData):
    personality: dict[str, int]
    difficulty: dict[str, int]
    cost: dict[str, int]


class _Start(StrictData):
    resistance: dict[str, int]
    trust: dict[str, int]


class _Similarity(StrictData):
    item_content: float
    next_step_fit: float
    names_concern: float
    told_about: float = 0.45
    """A rep's question this close to one sentence of the concern asks about what the buyer has told."""
    playback: float
    value_item: float = 0.4
    value_concern: float = 0.4
    fact_question: float = 0.5
    fact_words_floor: float = 0.2
    """A question that shares a fact's topic words still needs this much meaning in common with it."""
    stake_question: float = 0.25
    """A question this close to a sentence of the concern's stake (and closer than to its story) asks what
    only the stake tells (``stake_questions``)."""


class SubstanceRules(StrictData):
    """What counts as saying something rather than listing cue words (``substance.py``)."""

    list_min_items: int = 4
    list_item_words: int = 3
    list_max_item_words: int = 4
    list_share: float = 0.75
    stock_words: int = 6
    function_words: list[str] = Field(
        default_factory=lambda: [
            "a",
            "an",
            "the",
            "i",
            "i'm",
            "i'll",
            "i'd",
            "we",
            "we'll",
            "you",
            "your",
            "you're",
            "our",
            "us",
            "my",
            "me",
            "he",
            "she",
            "they",
            "his",
            "her",
            "their",
            "it",
            "its",
            "this",
            "that",
            "to",
            "of",
            "for",
            "with",
            "is",
            "are",
            "was",
            "were",
            "be",
            "will",
            "would",
            "can",
            "could",
        ]
    )


class DirectorRules(StrictData):
    version: int
    start: _Start
    agree_below: _ByLevel
    walk_at: _ByLevel
    walk_from_turn: int = 1
    wasted_turns_walk: int = 2
    """Turns of talking at the buyer or off topic after which the end of the call is a walk-away."""
    forgive_after: int = 0
    """Clean turns in a row (no offence and no discount read) after which an offence no longer makes the end
    of the call a walk-away (0: never forgiven)."""
    patience: _Patience
    reveal_after: dict[str, int]
    sure_exploring: float = 0.0
    """The exploring probability from which a first question can draw the story out (below it: a hint)."""
    stacked_questions: int = 3
    """Questions in one turn that make it a barrage: the buyer answers one and opens up to none of them."""
    resistance: dict[str, int]
    trust: dict[str, int]
    personality_weight: dict[str, dict[str, float]]
    mixed_turn_factor: float
    strong_negatives: list[str]
    similarity: _Similarity
    low_risk_item: str
    item_asks_day: list[str] = Field(default_factory=list)
    """Words of a step or involve item that ask for a day: the rep's step must name one to meet it."""
    roles: list[str] = Field(default_factory=list)
    """People a step may bring in, by role: an involve item is met by a step naming one (``item_match``)."""
    leave_takings: list[str] = Field(default_factory=list)
    """Words by which a rep takes their leave beyond ``structure.yaml``'s ``sign_off`` ("I'll leave you to
    it", "you know where to find me"): plain phrases, matched as whole words (``conduct.signs_off``)."""
    benefit_of_doubt: float = 0.0
    """A pressing, arguing, dismissive or disparaging sentence read below this probability is let pass: a
    person does not take offence at a phrase that only might push (the grader still notes it)."""
    substance: SubstanceRules = Field(default_factory=SubstanceRules)

    def agree_threshold(self, difficulty: str, personality: str) -> int:
        return self.agree_below.difficulty[difficulty] + self.agree_below.personality.get(personality, 0)

    def walk_threshold(self, difficulty: str, personality: str) -> int:
        return self.walk_at.difficulty[difficulty] + self.walk_at.personality.get(personality, 0)

    def start_patience(self, difficulty: str, personality: str) -> int:
        return self.patience.personality[personality] + self.patience.difficulty.get(difficulty, 0)

    def weight(self, personality: str, behaviour: str) -> float:
        return self.personality_weight.get(personality, {}).get(behaviour, 1.0)


@lru_cache(maxsize=8)
def load_rules(path: str = str(RULES_PATH)) -> DirectorRules:
    """Load (once per process) and validate the director's rules."""
    return load_model_file(Path(path), DirectorRules)
