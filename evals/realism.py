"""Realism lint over buyer lines: the defects a rep notices that an outcome bar never sees.

Why: a buyer who pastes its secret, repeats its opening, says the same line
twice, stacks stock lead-ins ("Quickly: Cut to it: ..."), scolds the rep for
something they did not do, or ignores a concrete proposal breaks the drill as
surely as a crash (issue 13). Each check is structural, so it holds on any
scenario in anyone's wording:

* ``concern_pasted`` - 8 or more words in a row from the hidden concern;
* ``opening_repeated`` - 6 or more words in a row from the opening, after it;
* ``line_twice`` - the same line (case and punctuation aside) twice in a drill;
* ``sentence_twice`` - a sentence of five or more words said again in another line of the drill (a tail
  such as "I just want to get this right for everyone." twice reads as a script, even inside new lines);
* ``stock_prefix`` - a line that opens with a short lead-in ending in a colon;
* ``stacked_lead_ins`` - two such lead-ins in a row;
* ``false_premise`` - a rebuke about asking nothing after the rep asked a question
  anywhere earlier, or about giving no number right after a rep turn that put
  money or a percentage on it, or
  about not speaking to the buyer's problem right after a turn that tied its
  answer to the concern, or about a feature list right after a turn with none,
  or doubting a claim ("Says you.") right after a turn that claimed nothing, or saying the rep is not
  listening right after a turn that acknowledged or played back what the buyer said
  (each read so by the turn's stored reading);
* ``asked_again`` - a line that asks the rep for a next step right after a line that asked for one, with no
  step proposed in between (a person asks once, then takes in what the rep says);
* ``ignored_proposal`` - a rep turn that proposes a concrete step (read so by the
  turn's stored reading; for a transcript without readings, an activity and a
  time) answered with a line that neither takes it up nor declines it.

Bars are 0 for each. ``lint_drill`` reads one transcript; ``lint_summary`` adds
up many.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from coach_engine import text as T
from coach_engine.models import Scenario
from coach_engine.reading import TurnAnalysis

__all__ = ["CHECKS", "lint_drill", "lint_summary"]

CHECKS = ("concern_pasted", "opening_repeated", "line_twice", "sentence_twice", "stock_prefix",
          "stacked_lead_ins", "false_premise", "asked_again", "ignored_proposal")
SENTENCE_WORDS = 5
"""A sentence this long said twice in a drill is a repeat; "Okay." or "I see." is not."""
_LEAD_IN = re.compile(r"^\W*(?:[\w'’,.-]+\s+){0,4}[\w'’.-]+:\s+(?=\S)")
_ASKED_NOTHING = re.compile(
    r"\byou\s+(?:still\s+)?(?:haven'?t|didn'?t|never|have\s+not)\s+(?:even\s+|really\s+)?ask|\bany\s+questions?\b",
    re.IGNORECASE)
_NO_NUMBER = re.compile(
    r"\b(?:with|give\s+me|where'?s|what'?s)\s+(?:a|the|some)?\s*(?:number|numbers|figure)s?\b", re.IGNORECASE)
_UNTIED = re.compile(
    r"\b(?:doesn'?t|didn'?t|does\s+not|did\s+not|not\s+sure\s+it)\s+(?:really\s+)?(?:answer|address|touch)\w*"
    r"\s+(?:my|what\s+i)|\bhaven'?t\s+told\s+me\s+why|\b(?:nothing|anything)\s+about\s+my\s+"
    r"(?:problem|concern|worry|situation)|\bnone\s+of\s+it\s+address", re.IGNORECASE)
"""A rebuke that the rep's answer missed the buyer's problem."""
_UNHEARD = re.compile(r"\bnot\s+listening\b|\bskipped\s+(?:right\s+)?past\s+what\b|"
                      r"\b(?:haven'?t|didn'?t)\s+(?:really\s+)?heard\b|\byou'?ve\s+heard\s+what\s+i\b",
                      re.IGNORECASE)
"""A rebuke that the rep did not listen ("You're not listening.", "you skipped right past what I said")."""
_LISTED = re.compile(r"\bfeatures?\b|\bfeature\s+list\b", re.IGNORECASE)
"""A rebuke that the rep listed features."""
_DOUBTED = re.compile(
    r"\bsays\s+you\b|\bevery(?:one|body)\s+(?:claims|says)\b|\bthat'?s\s+a\s+projection\b|"
    r"\blove\s+the\s+confidence\b|\bconnect\s+it\s+to\s+what\b", re.IGNORECASE)
"""A line that doubts or takes up a claim the rep made ("Says you.", "That's a projection.")."""
_CLAIMS = ("state_value", "give_proof", "quantify_value", "tie_to_concern")
_TAKES_UP = re.compile(r"\b(?:yes|yeah|ok(?:ay)?|sure|fine|works|deal|let'?s|book|send|no|not|can'?t|won'?t|"
                       r"later|first|before|after|maybe|pass|enough|done)\b", re.IGNORECASE)


def _runs(words: Sequence[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def _shares_run(line: str, source: str, n: int) -> bool:
    return bool(_runs(T.words(line), n) & _runs(T.words(source), n))


def _lead_ins(line: str) -> int:
    count, rest = 0, line
    while (m := _LEAD_IN.match(rest)) and count < 3:
        count += 1
        rest = rest[m.end():]
    return count


_STEP_ASK = frozenset({"propose", "proposing", "suggest", "next", "step", "plan"})
"""Words of a buyer's question that asks the rep what they propose ("So what's the next step?")."""


def _asks_step(line: str) -> bool:
    return any(T.is_question(x) and _STEP_ASK & set(T.words(x)) for x in T.sentences(line))


def _read(rep: dict[str, Any]) -> bool:
    """Whether the rep turn carries its stored reading (an imported transcript may not)."""
    return isinstance(rep.get("reading"), dict)


def _reads(rep: dict[str, Any], label: str) -> bool:
    """Whether the rep turn's stored reading shows ``label`` (False for a transcript without readings)."""
    return _read(rep) and TurnAnalysis.from_dict(rep["reading"]).has(label)


def _proposes(rep: dict[str, Any], st: T.Structure) -> bool:
    """Whether a rep turn put a concrete step on the table: its stored reading's call when it has one (a
    question about last March's review names a month and an activity and proposes nothing), else an
    activity or a length with a named time."""
    reading = rep.get("reading")
    if isinstance(reading, dict):
        return TurnAnalysis.from_dict(reading).has("next_step")
    text = rep["text"]
    return bool(st.time.search(text) and (st.activity.search(text) or st.duration.search(text)))


def _norm(line: str) -> str:
    return " ".join(T.words(line))


def _long_sentences(line: str) -> set[str]:
    return {k for k in (_norm(x) for x in T.said_pieces(line)) if len(k.split()) >= SENTENCE_WORDS}


def lint_drill(scenario: Scenario, turns: Sequence[dict[str, Any]],
               ended: bool = False) -> dict[str, list[str]]:
    """Check name -> the buyer lines (after the opening) that fail it.

    ``ended``: the buyer closed the call with its last line (agreed, walked away or stalled), which answers
    a proposal as surely as taking it up."""
    found: dict[str, list[str]] = {c: [] for c in CHECKS}
    seen: Counter[str] = Counter()
    said: set[str] = set()
    st = T.structure()
    opening = scenario.buyer.opening
    for i, turn in enumerate(turns):
        if turn["role"] != "buyer" or i == 0:
            continue
        line = turn["text"]
        prev = turns[i - 1]["text"] if turns[i - 1]["role"] == "rep" else ""
        if _shares_run(line, scenario.buyer.hidden_concern, 8):
            found["concern_pasted"].append(line)
        if _shares_run(line, opening, 6):
            found["opening_repeated"].append(line)
        key = _norm(line)
        seen[key] += 1
        if key and seen[key] == 2:
            found["line_twice"].append(line)
        elif said & _long_sentences(line):
            found["sentence_twice"].append(line)
        said |= _long_sentences(line)
        lead = _lead_ins(line)
        if lead:
            found["stock_prefix"].append(line)
        if lead >= 2:
            found["stacked_lead_ins"].append(line)
        # "You haven't asked me anything" is false after a question anywhere earlier in the drill
        asked = any(t["role"] == "rep" and "?" in t["text"] for t in turns[:i])
        numbered = bool(T.MONEY.search(prev)) or (
            bool(T.NUMBER.search(prev)) and any(_reads(turns[i - 1], c) for c in _CLAIMS))
        tied = bool(prev) and _reads(turns[i - 1], "tie_to_concern")
        unlisted = bool(prev) and _read(turns[i - 1]) and not _reads(turns[i - 1], "feature_dump")
        unclaimed = bool(prev) and _read(turns[i - 1]) and not any(_reads(turns[i - 1], c) for c in _CLAIMS)
        heard = bool(prev) and any(_reads(turns[i - 1], c) for c in ("acknowledge", "playback"))
        if (_ASKED_NOTHING.search(line) and asked) or (_NO_NUMBER.search(line) and numbered) or (
                _UNTIED.search(line) and tied) or (_LISTED.search(line) and unlisted) or (
                _DOUBTED.search(line) and unclaimed) or (_UNHEARD.search(line) and heard):
            found["false_premise"].append(line)
        proposed = _proposes(turns[i - 1], st) if prev else False
        before = turns[i - 2] if i > 2 else {"role": "", "text": ""}  # the line before, never the opening
        if _asks_step(line) and not proposed and before["role"] == "buyer" and _asks_step(before["text"]):
            found["asked_again"].append(line)
        ends_call = ended and i == len(turns) - 1  # walking away or stalling answers a proposal too
        if proposed and not ends_call and not (
                _TAKES_UP.search(line) or st.time.search(line) or st.activity.search(line)):
            found["ignored_proposal"].append(line)
    return found


def lint_summary(drills: Iterable[tuple[Scenario, Sequence[dict[str, Any]], bool]]) -> dict[str, Any]:
    """Lines checked and, per check, how many failed (bar: 0) with a few examples.

    Each drill is (scenario, turns, whether the buyer ended the call)."""
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = {c: [] for c in CHECKS}
    lines = 0
    for scenario, turns, ended in drills:
        lines += sum(1 for i, t in enumerate(turns) if t["role"] == "buyer" and i > 0)
        for check, bad in lint_drill(scenario, turns, ended).items():
            counts[check] += len(bad)
            examples[check].extend(bad[: max(0, 3 - len(examples[check]))])
    return {"buyer_lines": lines, "counts": {c: counts[c] for c in CHECKS},
            "examples": {c: v for c, v in examples.items() if v}, "meets_bar": not any(counts.values())}
