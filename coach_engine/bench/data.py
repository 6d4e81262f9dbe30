"""Synthetic but realistic data for the benchmarks, built from the scenario bank.

Why build rather than ship fixtures: the figures must track the bank and the
engine as they change, and the stores must be measured at a large org's size
(100k stored replies, 1,000 reps × 12 weeks) that no fixture file should
hold. Everything is deterministic for a seed.

* ``rep_reply`` writes one rep reply to a scenario in one of several styles
  (strong LAER moves, value with numbers, proof, next step, discount-first,
  pressure, passive ...), filling templates with the scenario's own facts
  (buyer name, objection, value and proof points, next step), so texts read
  like what reps type and differ from one another.
* ``ten_turn_script`` strings replies into a 10-turn drill that explores before
  it pitches, with a few weaker turns, and proposes the next step last, so
  most drills run all ten turns (the buyer agrees, if at all, at turn 10).
* ``synthetic_transcript`` alternates the buyer's opening/lines with rep turns
  when the live engine is not available to produce buyer lines.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from ..models import Scenario, Transcript, Turn

__all__ = [
    "STYLES",
    "rep_reply",
    "reply_pool",
    "synthetic_transcript",
    "ten_turn_script",
]

_ACK = [
    "That's a fair point, {first}, and I'd rather understand it than argue with it.",
    "I hear you, {first}. {objection_short} is a real concern and you're right to raise it.",
    "Makes sense, {first}; plenty of {role}s I talk to say the same thing.",
    "Understood. If I were in your seat at {company_short} I'd be asking the same.",
    "Thanks for being straight with me about that, {first}.",
]
_EXPLORE = [
    "Can you tell me a bit more about what's behind that?",
    "What would have to be true for this to make sense for {company_short}?",
    "When you say that, is it the number itself, or how decisions like this get made right now?",
    "How did you arrive at that, and who else weighs in on it?",
    "What happened the last time you looked at something like this?",
    "What's the cost to you if nothing changes over the next two quarters?",
]
_VALUE = [
    "{product} {value_lower}, which is where most of the return shows up.",
    "The reason teams like yours move is simple: it {value_lower}.",
    "For a company your size, {value_lower} tends to matter more than the sticker price.",
    "What you'd see in practice: {product} {value_lower}.",
]
_PROOF = [
    "For example, {proof}.",
    "One customer close to your situation: {proof}.",
    "I can put you in touch with them directly — {proof}.",
]
_NEXT = [
    "Would it make sense to set up {next_lower} next week?",
    "Here's what I'd suggest: {next_lower}, say Tuesday at 10. Does that work?",
    "Could we pencil in {next_lower} before the end of the month?",
]
_CONFIRM = [
    "Does that address what you were worried about?",
    "Is that the kind of answer you needed, or am I missing something?",
    "Other than that, is there anything else that would stop us moving forward?",
]
_DISCOUNT = [
    "I can probably knock 20% off if you sign this week.",
    "What if I threw in the first three months free?",
]
_PRESSURE = [
    "Honestly, this pricing won't be around after Friday, so you'd want to decide soon.",
    "Everyone else in your space has already moved; you don't want to be the last one.",
]
_PASSIVE = ["Okay.", "Sure, I get it.", "Right, fair enough.", "Hmm, okay then."]

STYLES: tuple[str, ...] = ("ack_explore", "explore", "value", "proof", "value_proof", "next_step",
                           "confirm", "discount", "pressure", "passive", "full")
"""Reply styles, roughly from the first move of a good rep to the habits a rubric penalises."""


def _facts(s: Scenario, rng: random.Random) -> dict[str, str]:
    value = rng.choice(s.product.value_points)
    proof = rng.choice(s.product.proof_points) if s.product.proof_points else value
    next_step = s.buyer.next_step or f"a short call with your team to walk through {s.product.name}"
    return {
        "first": s.buyer.name.split()[0],
        "role": s.buyer.role,
        "company_short": s.buyer.company.split(" (")[0],
        "objection_short": s.buyer.opening.split(".")[0][:80].rstrip(",;:"),
        "product": s.product.name,
        "value_lower": value[0].lower() + value[1:],
        "proof": proof[0].lower() + proof[1:] if not proof[:2].isupper() else proof,
        "next_lower": next_step[0].lower() + next_step[1:],
    }


def rep_reply(scenario: Scenario, style: str, rng: random.Random) -> str:
    """One rep reply to ``scenario`` in ``style`` (one of ``STYLES``), using the scenario's facts."""
    f = _facts(scenario, rng)

    def pick(bank: Sequence[str]) -> str:
        return rng.choice(bank).format(**f)

    parts: list[str]
    if style == "ack_explore":
        parts = [pick(_ACK), pick(_EXPLORE)]
    elif style == "explore":
        parts = [pick(_EXPLORE), pick(_EXPLORE)]
    elif style == "value":
        parts = [pick(_VALUE)]
    elif style == "proof":
        parts = [pick(_PROOF)]
    elif style == "value_proof":
        parts = [pick(_ACK), pick(_VALUE), pick(_PROOF)]
    elif style == "next_step":
        parts = [pick(_NEXT)]
    elif style == "confirm":
        parts = [pick(_CONFIRM)]
    elif style == "discount":
        parts = [pick(_DISCOUNT)]
    elif style == "pressure":
        parts = [pick(_PRESSURE)]
    elif style == "passive":
        parts = [pick(_PASSIVE)]
    elif style == "full":
        parts = [pick(_ACK), pick(_VALUE), pick(_PROOF), pick(_NEXT)]
    else:
        raise ValueError(f"unknown style {style!r}")
    # Drop duplicated sentences that two picks can produce.
    seen: list[str] = []
    for p in parts:
        if p not in seen:
            seen.append(p)
    return " ".join(seen)


_TEN_TURN_PLAN: tuple[str, ...] = ("ack_explore", "passive", "explore", "value", "ack_explore", "proof",
                                   "confirm", "value_proof", "confirm", "next_step")
"""The drill's moves: the next step comes last, so a buyer who is won over agrees at turn 10."""


def ten_turn_script(scenario: Scenario, seed: int) -> list[str]:
    """Ten rep turns that explore before pitching, with weaker turns mixed in (a realistic drill)."""
    rng = random.Random(f"{scenario.id}:{seed}")
    return [rep_reply(scenario, style, rng) for style in _TEN_TURN_PLAN]


def reply_pool(scenarios: Sequence[Scenario], n: int, seed: int = 0) -> list[tuple[Scenario, str, str]]:
    """``n`` (scenario, style, reply) triples cycling through the bank; texts vary with the seed."""
    rng = random.Random(seed)
    weights = [3, 2, 2, 1, 3, 1, 1, 1, 1, 1, 3]
    out = []
    for i in range(n):
        s = scenarios[i % len(scenarios)]
        style = rng.choices(STYLES, weights)[0]
        out.append((s, style, rep_reply(s, style, rng)))
    return out


_BUYER_FILLERS = [
    "Go on.",
    "I'm not sure that changes much for us.",
    "We've heard promises like that before.",
    "Okay, that's more useful. What would it take on our side?",
    "Maybe. I'd need to see it in writing.",
]


def synthetic_transcript(scenario: Scenario, rep_turns: Sequence[str], seed: int = 0) -> Transcript:
    """Buyer opening, then rep/buyer alternating (buyer lines from a small filler bank)."""
    rng = random.Random(f"{scenario.id}:{seed}:buyer")
    turns = [Turn(role="buyer", text=scenario.buyer.opening)]
    for i, text in enumerate(rep_turns):
        turns.append(Turn(role="rep", text=text))
        if i < len(rep_turns) - 1:
            turns.append(Turn(role="buyer", text=rng.choice(_BUYER_FILLERS)))
    return Transcript(scenario=scenario.id, turns=turns)
