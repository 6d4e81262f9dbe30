"""Which scenario to drill next: "try a harder one" after a scorecard, and the five openings of a clinic.

Both are coaching decisions, so they live here and not in the pages. They
share one idea of what is *close* to an objection: each objection type has one
related type a rep can practise the same move on (``RELATED_OBJECTIONS``:
price and budget are both about money, incumbent and competitor both about an
alternative, send_info and not_interested both brush-offs, trust and need both
doubt the fit, timing and authority both defer the decision).

* ``harder_scenario``: one step up the difficulty ladder on the same objection,
  else the related objection at that step; further steps up only when a step is
  empty. Never the scenario just drilled; ``None`` at the top of the ladder.
* ``next_drill``: what the scorecard offers next. A harder scenario only after a
  pass (``PASS_MARK`` or more, and the buyer did not walk away); after a fail,
  the same scenario again — a 0/100 walk-away is no reason to raise the bar.
* ``clinic_openings``: ``n`` openings of one objection type, topped up from the
  related type when the bank has fewer than ``n``. The pick is random (a clinic
  should not always serve the same openings) but deterministic for a seed, and
  served easy to hard, the asked-for objection first.
* ``clinic_brief``: what the rep must see to answer one opening in one reply.
  A clinic reply is graded and coached on stating a benefit, a number and a
  customer result (``first_reply`` checks), so the rep is shown the product,
  its value and proof points and the situation the opening comes from —
  issue 15 found the clinic coaching reps to state a benefit it never showed.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

from .models import DIFFICULTIES, Scenario, Scorecard
from .scenarios import ScenarioBank

__all__ = [
    "CLINIC_ROUNDS",
    "PASS_MARK",
    "RELATED_OBJECTIONS",
    "ClinicBrief",
    "NextDrill",
    "clinic_brief",
    "clinic_openings",
    "harder_scenario",
    "next_drill",
    "passed",
    "related_objection",
]

CLINIC_ROUNDS = 5
PASS_MARK = 70
"""A drill at or above this overall passes (the assignments' default pass mark)."""

RELATED_OBJECTIONS: dict[str, str] = {
    "price": "budget", "budget": "price",
    "incumbent": "competitor", "competitor": "incumbent",
    "send_info": "not_interested", "not_interested": "send_info",
    "trust": "need", "need": "trust",
    "timing": "authority", "authority": "timing",
}

_LEVEL = {d: i for i, d in enumerate(DIFFICULTIES)}


def related_objection(objection: str) -> str | None:
    """The objection type closest to ``objection`` (the same move, a different buyer line)."""
    return RELATED_OBJECTIONS.get(objection)


def _easy_to_hard(scenarios: Iterable[Scenario]) -> list[Scenario]:
    return sorted(scenarios, key=lambda s: (_LEVEL[s.difficulty], s.id))


def harder_scenario(bank: ScenarioBank, scenario: Scenario) -> Scenario | None:
    """The next step up from ``scenario``: same objection first, then the related one; None at the top."""
    kinds: list[str] = [scenario.objection]
    if (kin := related_objection(scenario.objection)) is not None:
        kinds.append(kin)
    for level in DIFFICULTIES[_LEVEL[scenario.difficulty] + 1:]:
        for kind in kinds:
            found = [s for s in bank.list(objection=kind, difficulty=level) if s.id != scenario.id]
            if found:
                return found[0]  # bank.list is sorted by id: the same choice every time
    return None


def passed(card: Scorecard, pass_mark: int = PASS_MARK) -> bool:
    """A pass: the overall reached the mark and the buyer did not walk away."""
    return card.overall >= pass_mark and card.outcome != "walked_away"


@dataclass(frozen=True)
class NextDrill:
    """What the scorecard offers next."""

    passed: bool
    harder: Scenario | None
    """The next step up, offered only after a pass (None after a fail, or at the top of the ladder)."""
    pass_mark: int = PASS_MARK

    @property
    def at_top(self) -> bool:
        """Passed, and there is nothing harder to offer."""
        return self.passed and self.harder is None


def next_drill(
    bank: ScenarioBank, scenario: Scenario, card: Scorecard, pass_mark: int = PASS_MARK
) -> NextDrill:
    """After a pass, one step up (``harder_scenario``); after a fail, nothing harder: try this one again."""
    ok = passed(card, pass_mark)
    return NextDrill(passed=ok, harder=harder_scenario(bank, scenario) if ok else None, pass_mark=pass_mark)


def clinic_openings(
    bank: ScenarioBank, objection: str, n: int = CLINIC_ROUNDS, seed: int = 0
) -> list[Scenario]:
    """``n`` openings for a clinic on ``objection`` (fewer only when both it and its kin run out)."""
    rng = random.Random(f"{objection}:{seed}")

    def pick(kind: str, k: int) -> list[Scenario]:
        pool = bank.list(objection=kind)
        return _easy_to_hard(rng.sample(pool, k) if len(pool) > k else pool)

    chosen = pick(objection, n)
    kin = related_objection(objection)
    if len(chosen) < n and kin is not None:
        chosen += pick(kin, n - len(chosen))
    return chosen


@dataclass(frozen=True)
class ClinicBrief:
    """Everything a one-reply clinic round grades and coaches against, as the rep reads it."""

    buyer: str
    """"Dana Whitfield, CFO at Northline Logistics (85 trucks)"."""
    situation: str
    """The scenario's context: where the call stands when the buyer says the opening."""
    product: str
    summary: str
    value_points: tuple[str, ...]
    """What a "state a concrete benefit" or "put a number on it" reply can lean on."""
    proof_points: tuple[str, ...]
    """Customer results a "back it with proof" reply can cite."""

    def lines(self) -> list[str]:
        """Every piece of the brief as plain text (what the page shows, what a coaching line may quote)."""
        return [self.buyer, self.situation, self.product, self.summary,
                *self.value_points, *self.proof_points]


def clinic_brief(scenario: Scenario) -> ClinicBrief:
    """What the rep sees before answering ``scenario``'s opening in a clinic (never the hidden concern)."""
    b = scenario.buyer
    return ClinicBrief(
        buyer=f"{b.name}, {b.role} at {b.company}",
        situation=scenario.context,
        product=scenario.product.name,
        summary=scenario.product.summary,
        value_points=tuple(scenario.product.value_points),
        proof_points=tuple(scenario.product.proof_points),
    )
