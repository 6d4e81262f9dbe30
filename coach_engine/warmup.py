"""Warm-up matching: from a rep's notes about the next call to the bank scenarios worth a quick drill.

"CFO at a logistics firm, says budget is frozen" should surface a budget or
price objection from a CFO in logistics. Meaning does most of the work (the
notes and each scenario's summary are embedded; through the attempt index's
scenario collection when one is given, in memory otherwise), and three cheap,
explainable signals adjust it: the objection type the notes point to, the
buyer's role and the industry. Each match comes with one line saying why, so
the rep can trust (or skip) the suggestion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .embeddings import Embedder
from .models import Scenario
from .scenarios import ScenarioBank
from .store.index import AttemptIndex

__all__ = ["OBJECTION_CUES", "WarmupMatch", "match_warmups", "objections_in"]

OBJECTION_CUES: dict[str, tuple[str, ...]] = {
    "price": ("price", "expensive", "cost", "pricey", "too much", "cheaper", "discount", "$"),
    "budget": ("budget", "frozen", "freeze", "no money", "funds", "spend", "cutbacks", "cuts"),
    "timing": (
        "timing",
        "next quarter",
        "next year",
        "not now",
        "later",
        "busy",
        "bad time",
        "q1",
        "q2",
        "q3",
        "q4",
    ),
    "incumbent": (
        "incumbent",
        "current vendor",
        "already use",
        "already have",
        "existing",
        "contract",
        "spreadsheet",
        "in-house",
        "renewal",
    ),
    "competitor": (
        "competitor",
        "compar",
        "other vendor",
        "alternative",
        "shopping around",
        "quote from",
        "cheaper option",
    ),
    "authority": (
        "sign off",
        "sign-off",
        "approval",
        "approve",
        "board",
        "committee",
        "boss",
        "decision maker",
        "vp",
        "legal",
    ),
    "send_info": ("send info", "send me", "email me", "brochure", "deck", "information"),
    "not_interested": ("not interested", "no interest", "hung up", "cold", "gatekeeper", "brush off"),
    "trust": ("trust", "never heard", "small vendor", "startup", "risk", "burned", "references", "security"),
    "need": (
        "don't need",
        "no need",
        "fine as is",
        "works fine",
        "no problem",
        "not a priority",
        "happy with",
    ),
}

SEMANTIC_WEIGHT = 1.0
OBJECTION_BONUS = 0.25
ROLE_BONUS = 0.15
INDUSTRY_BONUS = 0.1


@dataclass(frozen=True)
class WarmupMatch:
    scenario: Scenario
    score: float
    why: str


def _has(text: str, cue: str) -> bool:
    if cue == "$":
        return "$" in text
    return re.search(rf"(?<![a-z]){re.escape(cue)}", text) is not None


def objections_in(notes: str) -> list[str]:
    """Objection types the notes point to, strongest first."""
    text = notes.lower()
    hits = {o: sum(_has(text, c) for c in cues) for o, cues in OBJECTION_CUES.items()}
    return [o for o, n in sorted(hits.items(), key=lambda kv: (-kv[1], kv[0])) if n > 0]


def _role_words(role: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", role.lower()) if len(w) > 1 and w not in {"of", "and", "the"}}


def _semantic(
    notes: str, scenarios: list[Scenario], embedder: Embedder, index: AttemptIndex | None
) -> dict[str, float]:
    if index is not None:
        index.index_scenarios(scenarios)
        hits = index.search_scenarios(notes, k=len(scenarios), ids=[s.id for s in scenarios])
        return {h.scenario_id: 1.0 - h.distance for h in hits}
    docs = [AttemptIndex.scenario_document(s) for s in scenarios]
    vectors = embedder.embed([notes, *docs])
    sims = vectors[1:] @ vectors[0]
    return {s.id: float(v) for s, v in zip(scenarios, np.asarray(sims), strict=True)}


def match_warmups(
    notes: str, bank: ScenarioBank, embedder: Embedder, *, index: AttemptIndex | None = None, k: int = 3
) -> list[WarmupMatch]:
    """The ``k`` scenarios that best rehearse the call described in ``notes``, each with a reason."""
    notes = notes.strip()
    if not notes:
        raise ValueError("Describe the upcoming call first (who, what they said, the industry).")
    scenarios = bank.list()
    if not scenarios:
        return []
    text = notes.lower()
    wanted = objections_in(notes)
    semantic = _semantic(notes, scenarios, embedder, index)
    ranked: list[WarmupMatch] = []
    for s in scenarios:
        reasons: list[str] = []
        score = SEMANTIC_WEIGHT * semantic.get(s.id, 0.0)
        if s.objection in wanted:
            score += OBJECTION_BONUS * (1.0 if wanted[0] == s.objection else 0.6)
            reasons.append(f"{s.objection.replace('_', ' ')} objection")
        role = _role_words(s.buyer.role) & set(re.findall(r"[a-z]+", text))
        if role:
            score += ROLE_BONUS
            reasons.append(f"buyer is a {s.buyer.role}")
        industries = [t for t in s.tags if _has(text, t.lower())]
        if industries:
            score += INDUSTRY_BONUS * min(2, len(industries))
            reasons.append(f"{', '.join(industries)}")
        if not reasons:
            reasons.append("closest in meaning to your notes")
        reason = "; ".join(reasons)
        why = f"{reason[:1].upper()}{reason[1:]} — {s.buyer.role} at {s.buyer.company}: “{s.buyer.opening}”"
        ranked.append(WarmupMatch(s, round(score, 4), why))
    ranked.sort(key=lambda m: (-m.score, m.scenario.id))
    return ranked[:k]
