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
* ``clinic_openings``: ``n`` openings of one objection type, topped up from the
  related type when the bank has fewer than ``n``. The pick is random (a clinic
  should not always serve the same openings) but deterministic for a seed, and
  served easy to hard, the asked-for objection first.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from .models import DIFFICULTIES, Scenario
from .scenarios import ScenarioBank

__all__ = ["CLINIC_ROUNDS", "RELATED_OBJECTIONS", "clinic_openings", "harder_scenario", "related_objection"]

CLINIC_ROUNDS = 5

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
