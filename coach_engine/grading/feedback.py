"""Coaching feedback: up to three strengths and three improvements, each tied to a turn.

Why built from the rubric and the scenario: generic advice ("ask more
questions") teaches nothing. Each improvement names what a failed check or an
anti-pattern asked for and gives one complete line to try: the scenario's own
proof, figures and next step where the miss is about those, and otherwise a
sentence a trainer wrote for this kind of miss on this objection type
(``coaching_lines.yaml``). Nothing is pasted into a template: a line built by
filling slots with a scenario's phrases reads like a form letter, and reps copy
what they are shown. The line differs by which check failed.
Improvements follow LAER order: a first reply that explored is never told to
pitch value or confirm yet, and a drill that never explored is coached on
exploring, not praised for its pitch (``not_yet_due``); a drill that pitched
first and asked later is told it answered before it understood, and praised only
for the value it gave after asking; anti-patterns are always coached. A rep who
hedges and apologises all through (``hedging``) is told so last, when there is
room: what was said comes before how.
When an LLM judge is configured it writes the coaching (``llm_judge``) and
this module is the fallback; the delivery notes are always computed here
(see ``grading.delivery.delivery_notes``).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from .. import text as T
from ..datafiles import StrictData, load_model_file
from ..models import CheckResult, Evidence, Improvement, Rubric, Scenario, Scorecard, Strength, Transcript
from ..text import as_sentence
from .checks import ACK_BEHAVIOURS
from .hedging import hedging

__all__ = ["GENERIC_ACK", "MAX_ITEMS", "build_feedback", "line_kind", "not_yet_due", "try_instead"]

MAX_ITEMS = 3

COACHING_LINES_PATH = Path(__file__).resolve().parent / "coaching_lines.yaml"

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
    "hedging": "step",  # said plainly: the scenario's own step, asked without a hedge
    "heard": "heard",  # a minimal reply to what the buyer told the rep's own question (``_minimal_later``)
}
_DID_THE_REP = re.compile(r"^\s*did the rep\s+", re.IGNORECASE)
"""How a rubric question opens; the coaching line is what follows it, as an instruction."""
_LAST_TURN_CHECKS = {"confirms", "proposes-next-step", "proposes-step", "other-concerns"}


class _CoachingLinesFile(StrictData):
    """``coaching_lines.yaml``: kind -> objection type (or ``any``) -> lines."""

    version: int
    lines: dict[str, dict[str, list[str]]]


@lru_cache(maxsize=1)
def coaching_lines() -> dict[str, dict[str, list[str]]]:
    """The trainer-written lines (``coaching_lines.yaml``): kind -> objection type (or ``any``) -> lines."""
    return load_model_file(COACHING_LINES_PATH, _CoachingLinesFile).lines


def _pick(options: list[str], scenario: Scenario, key: str) -> str:
    return options[zlib.crc32(f"{scenario.id}/{key}".encode()) % len(options)]


def line_kind(key: str) -> str:
    """The kind of coaching line a failed check or anti-pattern id calls for ("explore", "proof", ...)."""
    return _CHECK_LINE.get(key) or _ANTI_LINE.get(key) or ("explore" if key else "")


def try_instead(scenario: Scenario, key: str, *, unrevealed: bool = False) -> str:
    """One complete line to say instead, for a failed check id or an anti-pattern id.

    Proof, value and figures come from the scenario as its author wrote them (a proof point, a value point,
    one with a number), whole, so a tip never claims what the product does not do; the next step is the
    scenario's own; every other line is a trainer's sentence for this objection type
    (``coaching_lines.yaml``), with nothing pasted into it. ``unrevealed``: the rep has not heard the hidden
    concern (a single reply), so the step is said without what only the concern names (``kept_back``)."""
    from ..buyer.casual import written_out

    kind = line_kind(key) or "explore"
    points = scenario.product
    if kind == "proof" and points.proof_points:
        return as_sentence(written_out(_pick(list(points.proof_points), scenario, key), scenario))
    if kind == "number":
        numeric = [p for p in points.value_points if any(c.isdigit() for c in p)]
        if numeric:
            return as_sentence(written_out(_pick(numeric, scenario, key), scenario))
        kind = "value"
    if kind == "value" and points.value_points:
        # never a claim it does not make; a point typed in capitals in sentence case, shorthand in words
        return as_sentence(written_out(_pick(list(points.value_points), scenario, key), scenario))
    if kind == "step" and scenario.buyer.next_step:
        step = kept_back(to_the_buyer(scenario), scenario) if unrevealed else to_the_buyer(scenario)
        return f"Would {step[0].lower() + step[1:]} work for you?"
    lines = coaching_lines().get(kind) or coaching_lines()["explore"]
    options = lines.get(scenario.objection) or lines.get("any") or next(iter(lines.values()))
    return _pick(options, scenario, key)


_TO_YOU = {"I": "you", "me": "you", "my": "your", "our": "your", "myself": "yourself", "mine": "yours",
           "ours": "yours", "I'm": "you're", "I've": "you've", "I'll": "you'll", "I'd": "you'd", "am": "are",
           # the seller's side, which the buyer calls "you" ("installed by you", "with your promoters")
           "you": "we", "your": "our", "yours": "ours", "you're": "we're", "you'll": "we'll"}
"""The buyer's own words for their step, as the rep says them to the buyer ("with me and my CFO")."""
_BY = frozenset({"by", "with", "for", "to", "from", "of", "and"})
"""Before these the seller's "you" is "us" ("installed by us"), elsewhere "we"."""


def to_the_buyer(scenario: Scenario) -> str:
    """The scenario's next step as a rep proposes it to the buyer: "with you and your CFO", never "with
    Olusegun, his CFO" said to Olusegun. Made from the buyer's own first-person step (``persona``), whose
    "I"/"me"/"my" are all the buyer's; "am" follows only "I" there."""
    from ..buyer.persona import step_in_first_person

    said = step_in_first_person(scenario.buyer.next_step or "", scenario).split(" ")
    cores = [w.rstrip(",;:") for w in said]
    numeral = {k for k in range(2, len(said)) if said[k] == "I" and said[k - 1][:1].isupper()}  # "Title I"
    return " ".join(w if k in numeral else _said_to(c, cores[k - 1] if k else "") + w[len(c):]
                    for k, (c, w) in enumerate(zip(cores, said, strict=True)))


_CLAUSE_HEADS = (" with ", " to ", ", ")
"""Where a step's pieces start: the people ("with ..."), the purpose ("to ..."), an aside after a comma."""


def kept_back(step: str, scenario: Scenario) -> str:
    """The step without what only the hidden concern names (a person, a place): "with you and Vikram" is
    "with you", "... to look at running the two Ohio offices" goes; a rep who has not heard the concern is
    not handed it. Roles in capitals ("the CFO") and days are no secret."""
    b, p = scenario.buyer, scenario.product
    public = " ".join([scenario.title, scenario.context, b.opening, b.name, b.role, b.company, p.name,
                       p.summary, *p.value_points, *p.proof_points]).lower()
    told = {w.strip(".,;:!?'\u2019()") for w in " ".join([b.hidden_concern, *b.concern_lines]).split()}
    for _ in range(3):  # a step names at most a few such things
        secret = next((m for m in re.finditer(r"\S+", step) if (name := m.group(0).strip(".,;:!?'\u2019()"))
                       in told and name[:1].isupper() and not name.isupper() and name.lower() not in public
                       and not T.structure().time.fullmatch(name)), None)
        if secret is None:
            break
        start = max(step.rfind(" ", 0, secret.start()), 0)  # a name runs on: "Dr. Lindqvist", "Ines Vidal"
        run = re.match(r"(?:\s+[A-Z][\w.'\u2019-]*)+", step[start:])
        end = start + len((run.group(0) if run else step[start:secret.end()]).rstrip(".,;:!?'\u2019()"))
        at = max(step.rfind(head, 0, secret.start()) for head in _CLAUSE_HEADS)
        joined = step.rfind(" and ", max(at, 0), secret.start())
        if at >= 0 and step.startswith(" with ", at) and joined > at:  # "with you and Marco": "with you"
            step = step[:joined] + step[end:]
            continue
        ends = [i for i in (step.find(head, end) for head in _CLAUSE_HEADS) if i >= 0]
        step = step[:max(at, 0)] + step[min(ends, default=len(step)):] if at > 0 else step
        if at <= 0:
            break
    return step.strip(" ,")


def _said_to(word: str, before: str) -> str:
    if word == "you" and before.lower() in _BY:
        return "us"
    return _TO_YOU.get(word, word)


def _imperative(question: str) -> str:
    """'Did the rep ask an open question?' -> 'Ask an open question.'"""
    body = _DID_THE_REP.sub("", question).rstrip(" ?")
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
    body = _DID_THE_REP.sub("", question).rstrip(" ?")
    return f"Done well: {body}."


def not_yet_due(rubric: Rubric, card: Scorecard) -> set[str]:
    """Skills not to coach or praise yet (LAER: listen, explore, *then* respond and advance): in a first reply
    that explored, the later skills; in a drill that never explored, the same skills, so the coaching is the
    exploring. Telling a rep who asked the right question to pitch or confirm, praising a pitch made before
    the objection was understood ("You answered with a concrete benefit") or telling a rep who never heard
    the concern to "check the answer addressed the concern" all teach answering an objection first."""
    from .scoring import REPLY_DEFERRED

    if rubric.id not in REPLY_DEFERRED:
        return set()
    explore_id, deferred, _ = REPLY_DEFERRED[rubric.id]
    explored = any(c.passed for sk in card.skills if sk.id == explore_id for c in sk.checks)
    if card.mode == "reply":
        return set(deferred) if explored else set()
    return set() if explored else set(deferred)


PITCHED_EARLY = "You answered before you knew what was behind the objection: ask first, then give the value."
"""The coaching for a drill that pitched value before its first exploring question (and explored later)."""


def _asked_first(rubric: Rubric, card: Scorecard) -> tuple[int, set[str]]:
    """In a drill that explored: the turn of its first exploring question, and the skills that come after
    exploring (LAER), whose evidence before that turn was said before the objection was understood; else
    (-1, no skills)."""
    from .scoring import REPLY_DEFERRED

    if card.mode == "reply" or rubric.id not in REPLY_DEFERRED:
        return -1, set()
    explore_id, deferred, _ = REPLY_DEFERRED[rubric.id]
    turns = [e.turn for sk in card.skills if sk.id == explore_id for c in sk.checks if c.passed
             for e in c.evidence]
    return (min(turns), set(deferred)) if turns else (-1, set())


def _pitched_before(card: Scorecard, early: set[str], asked: int) -> Evidence | None:
    """The first value claimed before the first exploring question, in a drill that explored later."""
    found = [e for c in _pitches(card, early) for e in c.evidence if e.turn < asked]
    return min(found, key=lambda e: e.turn) if found else None


_PITCH_LINES = frozenset({"value", "number", "proof", "tie"})
"""The checks whose evidence is a pitch: value, a number on it, proof, a tie (not a step or a check)."""


def _pitches(card: Scorecard, skills: set[str] | None = None) -> list[CheckResult]:
    """The passed checks whose evidence is a pitch (``_PITCH_LINES``), of ``skills`` only when given."""
    return [c for sk in card.skills if skills is None or sk.id in skills for c in sk.checks
            if c.passed and _CHECK_LINE.get(c.id) in _PITCH_LINES]


_MINIMAL = frozenset({"passive"})
"""Anti-patterns of a minimal reply ("Okay.", "Sure."): what they cost depends on where the call was."""
MINIMAL_AFTER_ASKING = ("You asked what was behind it, then let the answer pass with a minimal reply: say "
                        "back what you heard and ask what they would need.")
MINIMAL_AT_THE_CLOSE = ("You let the call stall with a minimal reply when it was ready to move: propose the "
                        "next step yourself (who, what, when).")


def _minimal_later(card: Scorecard, early: set[str], turn: int) -> tuple[str, str]:
    """A minimal reply after the rep had asked what is behind the objection is not "instead of asking": after
    value was given it left the close to the buyer (the lesson is the next step); before, it let the answer
    to the rep's own question pass (the lesson is to take it up). Its coaching text and try-instead key."""
    valued = any(e.turn < turn for c in _pitches(card, early) for e in c.evidence)
    return (MINIMAL_AT_THE_CLOSE, "proposes-next-step") if valued else (MINIMAL_AFTER_ASKING, "heard")


NEVER_ASKED = ("You took the objection as final without asking a single question: before you agree to wait "
               "or to send something, ask what is behind it.")


_PUSHING = frozenset({"no_discount", "concise", "no_pressure", "no_dismiss", "respectful"})
"""The lines of anti-patterns that push an answer (a discount, a feature list, pressure, an argument, a
knock at the competition): a rep who did that fought the objection rather than accepting it."""


def _took_it_as_final(card: Scorecard) -> bool:
    """A drill that ended without a yes, without one question that explored, without a pitch or a
    discount: they accepted the brush-off ("Sounds like your team has it handled. I can send some
    information."), which a trainer names as such rather than as a missing open question. A question that
    only asks leave ("Shall I drop you a line in May?") or agreement ("..., okay?") explores nothing."""
    pushed = any(_ANTI_LINE.get(h.id) in _PUSHING for sk in card.skills for h in sk.anti_patterns)
    explored = any(c.passed and _CHECK_LINE.get(c.id) in ("explore", "other") for sk in card.skills
                   for c in sk.checks)
    return card.mode != "reply" and card.delivery.rep_turns > 0 and not explored \
        and card.outcome != "agreed" and not _pitches(card) and not pushed


ACK_NAMES = frozenset(b.value for b in ACK_BEHAVIOURS)
"""The behaviours an acknowledging check asks for, as rubrics name them."""
GENERIC_ACK = ("Make the acknowledgement about this buyer: say back what they told you (their number, "
               "their worry), not a line that fits any objection.")
"""The coaching for an acknowledgement that was there but generic: "acknowledge the concern" would tell a rep
who just said "That's a fair worry." to do what they did."""


def build_feedback(scenario: Scenario, rubric: Rubric, transcript: Transcript, card: Scorecard,
                   generic_acks: Mapping[int, str] | None = None) -> tuple[list[Strength], list[Improvement]]:
    """Strengths from passed checks (with their quotes), improvements from hits and failed checks.
    ``generic_acks``: turn -> an acknowledgement there that fits any objection (``listening``); a failed
    acknowledging check on that turn is coached as making it specific, and quotes it."""
    reps = [i for i, t in enumerate(transcript.turns) if t.role == "rep"]
    single = card.mode == "reply"  # one reply: the rep has not heard the hidden concern
    first_rep = reps[0] if reps else 0
    last_rep = reps[-1] if reps else 0
    weight = {s.id: s.weight for s in rubric.skills}
    order = {s.id: k for k, s in enumerate(rubric.skills)}
    none_of = {(s.id, c.id) for s in rubric.skills for c in s.checks if c.none_of and not c.any_of}

    strengths: list[Strength] = []
    later = not_yet_due(rubric, card)
    # a drill that never explored is not praised for its pitch (a first reply's later skills, when shown,
    # still are); one that explored late is praised only for what it said after asking
    used: set[str] = set(later) if card.mode != "reply" else set()
    asked, early = _asked_first(rubric, card)
    ranked = sorted(card.skills, key=lambda s: (-s.score, -weight[s.id], order[s.id]))
    for skill in ranked:
        for check in skill.checks:
            if len(strengths) == MAX_ITEMS or skill.id in used:
                break
            after = [e for e in check.evidence if skill.id not in early or e.turn >= asked]
            if check.passed and after and (skill.id, check.id) not in none_of:
                ev = after[0]
                strengths.append(Strength(turn=ev.turn, text=_praise(check.id, check.question),
                                          quote=ev.quote))
                used.add(skill.id)

    improvements: list[Improvement] = []
    used = set()
    lines_used: set[str | None] = set()
    hits = sorted(((h, skill) for skill in card.skills for h in skill.anti_patterns),
                  key=lambda p: (p[0].evidence[0].turn if p[0].evidence else 0, order[p[1].id]))
    for hit, skill in hits:
        if len(improvements) == MAX_ITEMS or hit.id in used:
            continue
        hit_ev = hit.evidence[0] if hit.evidence else None
        text, line_key = hit.description, hit.id
        if hit.id in _MINIMAL and hit_ev is not None and 0 <= asked < hit_ev.turn:
            text, line_key = _minimal_later(card, early, hit_ev.turn)
        improvements.append(Improvement(turn=hit_ev.turn if hit_ev else first_rep, text=text,
                                        try_instead=try_instead(scenario, line_key, unrevealed=single),
                                        quote=hit_ev.quote if hit_ev else "", key=hit.id))
        used.add(hit.id)
        used.add(skill.id)
        lines_used.add(line_kind(line_key))
    pitch = _pitched_before(card, early, asked)
    if pitch is not None and len(improvements) < MAX_ITEMS:  # LAER: the answer came before the question
        improvements.append(Improvement(turn=pitch.turn, text=PITCHED_EARLY, quote=pitch.quote,
                                        try_instead=try_instead(scenario, "explores-concern"),
                                        key="pitched-early"))
        lines_used.add("explore")
    failing = sorted(card.skills, key=lambda s: (s.score, -weight[s.id], order[s.id]))
    acknowledging = {c.id for s in rubric.skills for c in s.checks if set(c.any_of) & ACK_NAMES}
    answered = bool(_pitches(card))
    for skill in failing:
        if len(improvements) == MAX_ITEMS:
            break
        if skill.id in used or skill.id in later:
            continue
        # the step first: a call with no step ends open whatever was confirmed; and no "check the answer
        # addressed the concern" when no answer was given
        for check in sorted(skill.checks, key=lambda c: _CHECK_LINE.get(c.id) != "step"):
            line = _CHECK_LINE.get(check.id, "explore")
            if check.passed or (line == "confirm" and not answered):
                continue
            if line in lines_used:
                break  # its first miss is coached already: a later check of the skill waits (LAER order)
            turn = last_rep if check.id in _LAST_TURN_CHECKS else first_rep
            quote = check.evidence[0].quote if check.evidence else ""
            if check.evidence:
                turn = check.evidence[0].turn
            text = _imperative(check.question)
            if check.id in acknowledging and generic_acks and turn in generic_acks:
                text, quote = GENERIC_ACK, generic_acks[turn]
            elif line == "explore" and _took_it_as_final(card) and reps:
                turn = last_rep  # the lesson is where the rep gave in: quoted, not "ask an open question"
                text, quote = NEVER_ASKED, (T.sentences(transcript.turns[last_rep].text) or [""])[-1]
            improvements.append(Improvement(turn=turn, text=text,
                                            try_instead=try_instead(scenario, check.id, unrevealed=single),
                                            quote=quote, key=check.id))
            used.add(skill.id)
            lines_used.add(line)
            break
    unsure = hedging([(i, transcript.turns[i].text) for i in reps])
    if len(improvements) < MAX_ITEMS and unsure.coached:  # last: what was said comes before how
        improvements.append(Improvement(turn=unsure.turn, text=unsure.note(), quote=unsure.sentence,
                                        try_instead=try_instead(scenario, "hedging", unrevealed=single),
                                        key="hedging"))
    return strengths, improvements
