"""Scenario facts a buyer line may mention, in the buyer's own voice.

Managers write the hidden concern in the third person ("the board froze ...
and Dana is on the hook"); the buyer must say it in the first person. The
rewrite here is deliberately simple (names and pronouns), which is enough for
the scripted voice and gives the LLM voice a clean fact to work from.
"""

from __future__ import annotations

import re

from ..models import Scenario
from .state import BuyerState

__all__ = ["first_person", "key_number", "scenario_facts"]

_VERBS_S = (
    "is|has|does|doesn't|wants|needs|worries|cares|suspects|knows|holds|thinks|believes|fears|dreads|"
    "can't|won't|would|will|was|led|runs|owns|signs|expects|hasn't|isn't|feels|doubts|leads|talked|"
    "phoned|personally|can|could"
)
_FIRST_PERSON = {
    "is": "am", "has": "have", "does": "do", "doesn't": "don't", "wants": "want", "needs": "need",
    "worries": "worry", "cares": "care", "suspects": "suspect", "knows": "know", "holds": "hold",
    "thinks": "think", "believes": "believe", "fears": "fear", "dreads": "dread", "hasn't": "haven't",
    "isn't": "am not", "feels": "feel", "doubts": "doubt", "leads": "lead", "runs": "run", "owns": "own",
    "signs": "sign", "expects": "expect", "launches": "launch",
}


def _conj(m: re.Match[str]) -> str:
    verb = m.group(2)
    return f"{m.group(1)} {_FIRST_PERSON.get(verb.lower(), verb)}"


def first_person(text: str, scenario: Scenario) -> str:
    """The hidden concern as the buyer would say it."""
    full = scenario.buyer.name.strip()
    first = full.split()[0]
    s = " ".join(text.split())
    for name in (full, first):
        s = re.sub(rf"\b{re.escape(name)}'s\b", "my", s)
        s = re.sub(rf"(^|[.;:,]\s+|\band\s+|\bso\s+|\bbut\s+|\bwhere\s+|\bthat\s+|\bwhile\s+)"
                   rf"{re.escape(name)}\b", r"\1I", s)
        s = re.sub(rf"\b{re.escape(name)}(?=\s+(?:[a-z]+ed|{_VERBS_S}|launches|runs)\b)", "I", s)
        s = re.sub(rf"\b{re.escape(name)}\b", "me", s)
    s = re.sub(r"(^|[.;:]\s+|\band\s+|\bso\s+|\bbut\s+|,\s+)(?:he|she)\b", r"\1I", s)
    s = re.sub(r"\b(?:His|Her)\b", "My", s)
    s = re.sub(r"\b(?:He|She)\b", "I", s)
    s = re.sub(r"\bher(?=\s+(?:until|to|not|a|an|the|that|personally|in|on|at|for|with|from|of|and|or|but|"
               r"into|about|over)\b)", "me", s)
    s = re.sub(r"\b(?:his|her)(?=\s+[a-z0-9])", "my", s)
    s = re.sub(r"\b(?:him|her)\b", "me", s)
    s = re.sub(r"\b(?:himself|herself)\b", "myself", s)
    s = re.sub(r"\bhe\b|\bshe\b", "I", s)
    s = re.sub(r"\b(?:their|the company's|the firm's)\b", "our", s)
    s = re.sub(rf"\b(I(?:\s+really|\s+now|\s+also)?)\s+({_VERBS_S}|launches|fears)\b", _conj, s)
    s = re.sub(r"\bI am\b", "I'm", s)
    s = re.sub(r"\bme\s+(personally\s+)?accountable", r"me \1accountable", s)
    return s[0].upper() + s[1:] if s else s


_NUM = re.compile(
    r"(\$\s?\d[\d,.]*\s*(?:k|m|million)?|\d[\d,.]*\s*(?:-\s*\d[\d,.]*)?\s*%|\d[\d,.]*\s*(?:x|times))",
    re.IGNORECASE,
)


def key_number(scenario: Scenario) -> str:
    """The first figure in the value points (what a numbers-minded buyer wants to hear about)."""
    for v in scenario.product.value_points:
        m = _NUM.search(v)
        if m:
            return m.group(0).strip()
    return ""


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split()).rstrip(".")
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text and not text[:2].isupper() else text


def scenario_facts(scenario: Scenario, state: BuyerState) -> dict[str, str]:
    """Facts any buyer line may use; the concern appears only once it is revealed."""
    b = scenario.buyer
    company = re.sub(r"\s*\(.*?\)\s*", " ", b.company).strip()
    facts = {
        "buyer_name": b.name,
        "first_name": b.name.split()[0],
        "role": b.role,
        "company": company,
        "product": scenario.product.name,
        "objection": " ".join(b.opening.split()),
        "objection_short": _short(b.opening, 80),
        "value_point": _lower_first(_short(scenario.product.value_points[0])),
        "number": key_number(scenario) or "a real number",
        "next_step": _lower_first(" ".join((b.next_step or "a next step we both write down").split())),
    }
    if state.concern_revealed:
        concern = first_person(b.hidden_concern, scenario)
        facts["concern"] = concern
        facts["concern_short"] = _short(concern.split(";")[0], 110)
    return facts
