"""Coaching feedback: up to three strengths and three improvements, each tied to a turn.

Why built from the rubric and the scenario: generic advice ("ask more
questions") teaches nothing. Each improvement names what a failed check or an
anti-pattern asked for and gives a line to try that uses this scenario's own
facts — the buyer's name, the objection, a value point (a quantified one when
the check is about numbers), a proof point, the scenario's next step — so the
rep can say it on the next attempt. The line differs by which check failed.
Improvements follow LAER order: a first reply that explored is never told to
pitch value or confirm yet (``not_yet_due``); anti-patterns are always coached.
When an LLM judge is configured it writes the coaching (``llm_judge``) and
this module is the fallback; the delivery notes are always computed here
(see ``rubric_grader.delivery_notes``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..models import Improvement, Rubric, Scenario, Scorecard, Strength, Transcript

__all__ = ["MAX_ITEMS", "build_feedback", "not_yet_due", "try_instead"]

MAX_ITEMS = 3

_OBJECTION_PHRASE = {
    "price": "the price",
    "budget": "the budget",
    "timing": "the timing",
    "incumbent": "switching from what you have today",
    "competitor": "the other option you're looking at",
    "authority": "getting sign-off",
    "send_info": "wanting information first",
    "not_interested": "not seeing a need right now",
    "trust": "trusting a vendor you don't know yet",
    "need": "whether you need this at all",
}

_EXPLORE_QUESTION = {
    "price": "when you say it's more than you set aside, what are you comparing it against?",
    "budget": "how does budget get decided for something like this at {company}?",
    "timing": "what would need to be true for the timing to work?",
    "incumbent": "what's working well with what you have today, and what isn't?",
    "competitor": "what stood out to you about the other option?",
    "authority": "who else weighs in on this, and what will matter most to them?",
    "send_info": "so I send the right thing, what would you want it to answer?",
    "not_interested": "is it the timing, or is {area} already handled the way you want?",
    "trust": "what would you need to see to feel confident working with us?",
    "need": "how are you handling {area} today, and what does it cost you?",
}


def _first_name(full: str) -> str:
    return full.split()[0] if full.split() else full


def _lower_first(text: str) -> str:
    text = text.strip().rstrip(".")
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _company(s: Scenario) -> str:
    return re.sub(r"\s*\(.*?\)\s*$", "", s.buyer.company).strip() or s.buyer.company


def _value(s: Scenario, numeric: bool = False) -> str:
    points = s.product.value_points
    if numeric:
        for p in points:
            if re.search(r"\d", p):
                return p
    return points[0]


def _day_hint(step: str) -> str:
    has_day = re.search(r"\b(mon|tues|wednes|thurs|fri|satur|sun)day\b|\btomorrow\b|\bnext week\b|"
                        r"\d\s*(am|pm)\b", step, re.I)
    return "" if has_day else " I can send an invite for Tuesday at 10 — does that work?"


def _next_step(s: Scenario) -> str:
    return s.buyer.next_step or f"a 20-minute call to see how {s.product.name} would work at {_company(s)}"


def _facts(s: Scenario) -> dict[str, str]:
    return {
        "name": _first_name(s.buyer.name),
        "company": _company(s),
        "product": s.product.name,
        "objection": _OBJECTION_PHRASE.get(s.objection, "your concern"),
        "area": _lower_first(s.product.summary),
        "value": _lower_first(_value(s)),
        "number": _lower_first(_value(s, numeric=True)),
        "proof": s.product.proof_points[0].strip().rstrip(".") if s.product.proof_points else "",
        "step": _lower_first(" ".join(_next_step(s).split())),
    }


def _explore(s: Scenario, f: dict[str, str]) -> str:
    q = _EXPLORE_QUESTION.get(s.objection, "what's behind that?").format(**f)
    return f"Help me understand, {f['name']} — {q}"


def _proof_line(f: dict[str, str]) -> str:
    if f["proof"]:
        return f"{f['proof']}; I can put you in touch with them."
    return f"I can show you the numbers from a customer your size: {f['product']} {f['number']}."


_LINES: dict[str, Callable[[Scenario, dict[str, str]], str]] = {
    "acknowledge": lambda s, f: (f"That's a fair concern, {f['name']} — {f['objection']} matters, and I'd "
                                 f"rather understand it than talk past it. " + _explore(s, f)),
    "playback": lambda s, f: (f"So if I've got this right, {f['name']}, {f['objection']} is the sticking "
                              f"point for {f['company']} right now — is that the main thing?"),
    "explore": _explore,
    "other": lambda s, f: (f"Apart from {f['objection']}, is there anything else that would stop "
                           f"{f['company']} from moving forward?"),
    "value": lambda s, f: f"For {f['company']}, the short version is that {f['product']} {f['value']}.",
    "number": lambda s, f: (f"In numbers: {f['product']} {f['number']} — for {f['company']} that is "
                            f"real money."),
    "proof": lambda s, f: _proof_line(f),
    "tie": lambda s, f: (f"You raised {f['objection']}; that's exactly where {f['product']} earns its keep — "
                         f"it {f['number']}."),
    "confirm": lambda s, f: f"Does that address your concern about {f['objection']}, {f['name']}?",
    "step": lambda s, f: f"Would {f['step']} make sense as a next step?" + _day_hint(f["step"]),
    "no_dismiss": lambda s, f: (f"You're right to push on {f['objection']}, {f['name']}. " + _explore(s, f)),
    "concise": lambda s, f: f"Short version: {f['product']} {f['value']}. What matters most to you here?",
    "no_pressure": lambda s, f: (f"No pressure from my side — how about {f['step']}, and you decide from "
                                 f"there?"),
    "no_discount": lambda s, f: (f"Before we talk about price, let's make sure the value is there: "
                                 f"{f['product']} {f['number']}."),
    "respectful": lambda s, f: (f"What you're using today works for a lot of teams; where {f['product']} is "
                                f"different is that it {f['value']}."),
}

_CHECK_LINE = {
    "acknowledges-concern": "acknowledge", "plays-back": "playback", "plays-back-pain": "playback",
    "no-dismissing": "no_dismiss", "open-question": "explore", "explores-concern": "explore",
    "asks-open": "explore", "explores-pain": "explore", "asks-impact": "explore",
    "other-concerns": "other", "states-value": "value", "quantifies-value": "number", "quantifies": "number",
    "gives-proof": "proof", "ties-to-concern": "tie", "ties-value": "tie", "confirms": "confirm",
    "proposes-next-step": "step", "proposes-step": "step", "concise": "concise", "mostly-asks": "concise",
    "no-pressure": "no_pressure", "no-discount-first": "no_discount", "respectful": "respectful",
}
_ANTI_LINE = {
    "dismisses-objection": "no_dismiss", "dismisses": "no_dismiss", "argues": "no_dismiss",
    "discount-first": "no_discount", "feature-dump": "concise", "pitch-first": "concise",
    "disparages": "respectful", "pressure": "no_pressure", "passive": "explore", "off-topic": "explore",
}
_LAST_TURN_CHECKS = {"confirms", "proposes-next-step", "proposes-step", "other-concerns"}


def try_instead(scenario: Scenario, key: str) -> str:
    """A better line for a failed check id or anti-pattern id, from the scenario's facts."""
    line = _CHECK_LINE.get(key) or _ANTI_LINE.get(key) or "explore"
    return _LINES[line](scenario, _facts(scenario))


def _imperative(question: str) -> str:
    """'Did the rep ask an open question?' -> 'Ask an open question.'"""
    body = re.sub(r"^\s*did the rep\s+", "", question, flags=re.I).rstrip(" ?")
    return body[:1].upper() + body[1:] + "."


_PRAISE = {
    "acknowledges-concern": "You acknowledged the buyer's concern before answering it.",
    "plays-back": "You played back what the buyer said, so they know they were heard.",
    "plays-back-pain": "You played back the buyer's problem in their words.",
    "no-dismissing": "You took the objection seriously instead of brushing it aside.",
    "open-question": "You asked an open question that gets the buyer talking.",
    "asks-open": "You asked an open question that gets the buyer talking.",
    "explores-concern": "You dug into what is behind the objection before defending the offer.",
    "explores-pain": "You asked about the problem behind the buyer's position.",
    "asks-impact": "You asked what the problem costs the buyer.",
    "other-concerns": "You checked whether anything else stands in the way.",
    "states-value": "You answered with a concrete benefit.",
    "quantifies-value": "You put a number on the value.",
    "quantifies": "You put a number on the value.",
    "gives-proof": "You backed your claim with a customer result.",
    "ties-to-concern": "You tied the value to the concern the buyer actually raised.",
    "ties-value": "You tied the product to the problem the buyer described.",
    "confirms": "You checked that your answer landed.",
    "proposes-next-step": "You proposed a concrete next step.",
    "proposes-step": "You proposed a concrete next step.",
}


def _praise(check_id: str, question: str) -> str:
    if check_id in _PRAISE:
        return _PRAISE[check_id]
    body = re.sub(r"^\s*did the rep\s+", "", question, flags=re.I).rstrip(" ?")
    return f"Done well: {body}."


def not_yet_due(rubric: Rubric, card: Scorecard) -> set[str]:
    """Skills a first reply that explored must not be coached on yet (LAER: listen, explore, *then* respond
    and advance). Telling a rep who asked the right question to pitch or confirm teaches them to answer an
    objection before understanding it."""
    from .scoring import REPLY_DEFERRED

    if card.mode != "reply" or rubric.id not in REPLY_DEFERRED:
        return set()
    explore_id, deferred, _ = REPLY_DEFERRED[rubric.id]
    explored = any(c.passed for sk in card.skills if sk.id == explore_id for c in sk.checks)
    return set(deferred) if explored else set()


def build_feedback(scenario: Scenario, rubric: Rubric, transcript: Transcript, card: Scorecard
                   ) -> tuple[list[Strength], list[Improvement]]:
    """Strengths from passed checks (with their quotes), improvements from hits and failed checks."""
    reps = [i for i, t in enumerate(transcript.turns) if t.role == "rep"]
    first_rep = reps[0] if reps else 0
    last_rep = reps[-1] if reps else 0
    weight = {s.id: s.weight for s in rubric.skills}
    order = {s.id: k for k, s in enumerate(rubric.skills)}
    none_of = {(s.id, c.id) for s in rubric.skills for c in s.checks if c.none_of and not c.any_of}

    strengths: list[Strength] = []
    used: set[str] = set()
    ranked = sorted(card.skills, key=lambda s: (-s.score, -weight[s.id], order[s.id]))
    for skill in ranked:
        for check in skill.checks:
            if len(strengths) == MAX_ITEMS or skill.id in used:
                break
            if check.passed and check.evidence and (skill.id, check.id) not in none_of:
                ev = check.evidence[0]
                strengths.append(Strength(turn=ev.turn, text=_praise(check.id, check.question),
                                          quote=ev.quote))
                used.add(skill.id)

    improvements: list[Improvement] = []
    used = set()
    hits = sorted(((h, skill) for skill in card.skills for h in skill.anti_patterns),
                  key=lambda p: (p[0].evidence[0].turn if p[0].evidence else 0, order[p[1].id]))
    for hit, skill in hits:
        if len(improvements) == MAX_ITEMS or hit.id in used:
            continue
        hit_ev = hit.evidence[0] if hit.evidence else None
        improvements.append(Improvement(turn=hit_ev.turn if hit_ev else first_rep, text=hit.description,
                                        try_instead=try_instead(scenario, hit.id),
                                        quote=hit_ev.quote if hit_ev else ""))
        used.add(hit.id)
        used.add(skill.id)
    lines_used = {_ANTI_LINE.get(h) for h in used}
    later = not_yet_due(rubric, card)
    failing = sorted(card.skills, key=lambda s: (s.score, -weight[s.id], order[s.id]))
    for skill in failing:
        if len(improvements) == MAX_ITEMS:
            break
        if skill.id in used or skill.id in later:
            continue
        for check in skill.checks:
            line = _CHECK_LINE.get(check.id, "explore")
            if check.passed or line in lines_used:
                continue
            turn = last_rep if check.id in _LAST_TURN_CHECKS else first_rep
            quote = check.evidence[0].quote if check.evidence else ""
            if check.evidence:
                turn = check.evidence[0].turn
            improvements.append(Improvement(turn=turn, text=_imperative(check.question),
                                            try_instead=try_instead(scenario, check.id), quote=quote))
            used.add(skill.id)
            lines_used.add(line)
            break
    return strengths, improvements
