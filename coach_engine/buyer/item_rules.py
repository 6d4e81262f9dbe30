"""Resolution items that forbid something ("The rep doesn't discount the price"): rules kept unless broken.

Why: managers write some items as what the rep must not do. Read as a kind of move ("alternatives to a
price cut", "respect for the incumbent"), such an item is met only by doing something, so a rep who simply
never discounted saw "✗ The rep doesn't discount the price" and could not win the drill (a trainer's
probe). An item whose head is a negation ("doesn't", "never", "avoids", ``item_rules.yaml``) followed by a
word naming a behaviour of the shared reading (any form of it: words are compared by their stems, so
"glossing over" is "gloss over") is read as a rule: it stands met from the start and is broken,
for good, by a turn that shows the behaviour. A negation later in the item ("proposes a step without
pressure") leaves the item a move to make.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..datafiles import StrictData, load_model_file
from ..text import stem, words

__all__ = ["breaking", "forbidden"]

RULES_PATH = Path(__file__).resolve().parent / "item_rules.yaml"
HEAD_WORDS = 3
"""The negation must stand among an item's first words once "The rep" is set aside: it rules the item."""


class _RulesFile(StrictData):
    version: int
    negations: list[str]
    forbids: dict[str, list[str]]
    doing: dict[str, str]


@lru_cache(maxsize=1)
def _rules() -> _RulesFile:
    return load_model_file(RULES_PATH, _RulesFile)


def _at(said: list[str], phrase: str) -> int:
    """Where a phrase of one or more words starts in ``said``, or -1."""
    parts = phrase.lower().split()
    return next((i for i in range(len(said) - len(parts) + 1) if said[i:i + len(parts)] == parts), -1)


def forbidden(item: str) -> str:
    """The behaviour an item forbids ("discount" for "The rep doesn't discount the price"), or ""."""
    said = words(item)
    if said[:2] in (["the", "rep"], ["a", "rep"]):
        said = said[2:]
    elif said[:1] in (["rep"], ["reps"]):
        said = said[1:]
    rules = _rules()
    heads = [(at, n) for n in rules.negations if 0 <= (at := _at(said, n)) < HEAD_WORDS]
    if not heads:
        return ""
    start = min(at + len(n.split()) for at, n in heads)
    rest = [stem(w) for w in said[start:]]
    found = [(at, -len(c.split()), b) for b, cues in rules.forbids.items() for c in cues
             if (at := _at(rest, " ".join(stem(w) for w in c.lower().split()))) >= 0]
    return min(found)[2] if found else ""  # the first cue; of two there, the longer ("knock the price")


def breaking(behaviour: str) -> str:
    """What breaking a rule is, in an author's words ("offers a discount or other price concession")."""
    return _rules().doing.get(behaviour, behaviour.replace("_", " "))
