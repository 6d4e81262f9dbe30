"""A manager's "we" in the next step, which is the seller's, said by the buyer as "you".

Why a module of its own: managers write the step from their own side of the table ("Visit to the warehouse
with Edson and his purchase manager, with our promoters"; "1 press pilot, installed by us this week"). The
buyer agreeing to it said "with our promoters" and "installed by us" of the seller's people (a trainer's
probe). When the step names the buyer in the third person, its writer is the seller, so its "we", "us" and
"our" are the seller's: to the rep, "you" and "your". A step that names the rep ("where the rep walks us
through it") was written by someone else, and one that never names the buyer may be in the buyer's voice:
both are left as they are.
"""

from __future__ import annotations

from collections.abc import Sequence

from .pronouns import present

__all__ = ["sellers_we_as_you"]

_TO_YOU = {"we": "you", "us": "you", "our": "your", "ours": "yours", "ourselves": "yourselves",
           "we're": "you're", "we've": "you've", "we'll": "you'll", "we'd": "you'd"}
_EDGE = ",.;:!?)(\"'"


def sellers_we_as_you(step: str, names: Sequence[str]) -> str:
    """``step`` with the seller's "we"/"us"/"our" as "you"/"your" when it names the buyer (``names``) and
    not the rep; else as it was."""
    words = step.split(" ")
    lowered = [w.strip(_EDGE).lower() for w in words]
    if not present(names, step) or "rep" in lowered or "rep's" in lowered:
        return step
    out = []
    for word, low in zip(words, lowered, strict=True):
        said = _TO_YOU.get(low.replace("\u2019", "'"))
        if said is None:
            out.append(word)
            continue
        core = word.strip(_EDGE)
        at = word.find(core)
        said = said.capitalize() if core[:1].isupper() else said
        out.append(word[:at] + said + word[at + len(core):])
    return " ".join(out)
