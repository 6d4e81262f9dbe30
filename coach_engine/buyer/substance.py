"""Does a rep turn say something, or only list the right words?

A keyword stuffer learns which words the buyer listens for and strings them
together: "Uptime, renewals, $90k, Brookfield, payback. Covered?" or
"Step: trial, ops lead, Monday, an hour. Good?". The words are the scenario's own, so a cue count
cannot tell them from substance; what gives them away is that nobody speaks in
bare fragments. The director screens every turn before it counts anything:

* a *fragment list* (a sentence of at least ``min_items`` comma-separated
  items, most of them a few words with no article or pronoun) shows no
  behaviour: its helpful signals are set aside;
* a next step must be said, not listed: when a turn holds a fragment list, its
  proposed step counts only if the rest of the turn names a time and an
  activity (who / what / when in a sentence);
* a *bare turn* (fragment lists plus nothing but short stock lines such as "Does
  that work?" or "I hear you.") is keyword stuffing: it meets nothing and costs
  the trust and resistance that stuffing costs.

Proof, likewise, must carry a specific (a named customer, a number or a
result) before it meets a proof item; see ``specific``.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..models import Scenario
from ..signals import POSITIVE, Behaviour, Signal, SignalSet, sentence_spans
from ..text import structure
from .rules import SubstanceRules

__all__ = ["COUNT", "bare_turn", "fragment_list", "fragment_spans", "screen", "specific"]

B = Behaviour
_SPLIT = re.compile(r"[,;:](?!\d)|\s[—–-]\s|\.\s+")
_WORD = re.compile(r"[A-Za-z0-9$%][\w$%'’.\-/]*")
_DURATION = re.compile(
    r"\b\d+[- ]?(minutes?|mins?|hours?|hrs?|days?|weeks?)\b|\b(half|an?)\s+hour\b", re.IGNORECASE
)
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*\b")
_NOT_NAMES = re.compile(
    r"^(I|I'm|I'd|I'll|I've|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|"
    r"March|April|May|June|July|August|September|October|November|December)$"
)


COUNT = re.compile(
    r"\d|\b(zero|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|"
    r"fifty|hundred|thousand|million|half|halved|third|quarter|double|doubled|twice|tripled|dozen)\b",
    re.IGNORECASE,
)
"""A count or a figure, in digits or in words ("five clinics", "a dozen sites", "cut in half")."""


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _items(sentence: str, rules: SubstanceRules) -> tuple[int, int, int]:
    """(items, bare items, words in the longest item) of a sentence split at commas, colons, dashes."""
    text = sentence.strip().rstrip(".!?")
    colon = next((i for i, c in enumerate(text) if c == ":" and not text[i + 1:i + 2].isdigit()), -1)
    parts = [text[:colon], text[colon + 1:]] if colon >= 0 else [text]
    if len(parts) == 2 and len([p for p in _SPLIT.split(parts[1]) if p.strip()]) >= rules.list_min_items:
        text = parts[1]  # a frame before the list ("Here's the value for you: sync, no-shows, ROI, ...")
    items = [p.strip() for p in _SPLIT.split(text) if p.strip()]
    function = {w.lower() for w in rules.function_words}
    bare = longest = 0
    for item in items:
        words = [w.lower().strip("'’.") for w in _words(item)]
        longest = max(longest, len(words))
        if 0 < len(words) <= rules.list_item_words and not function.intersection(words):
            bare += 1
    return len(items), bare, longest


def fragment_list(sentence: str, rules: SubstanceRules) -> bool:
    """A sentence that is a bare list of fragments ("Trial, two sites, 60 days, CFO, review").

    One clause among the items makes it a sentence ("Harlow Mills, 12 lines, cut changeover
    time by a third in a year, about $600k"): no item may be longer than ``list_max_item_words``.
    """
    n, bare, longest = _items(sentence, rules)
    return n >= rules.list_min_items and bare >= rules.list_share * n and longest <= rules.list_max_item_words


def fragment_spans(text: str, rules: SubstanceRules) -> list[tuple[int, int]]:
    """Sentences of ``text`` that are fragment lists, or part of a run of bare fragments said as
    sentences ("Sync. Double booking. No-shows. $110k." or "Pilot - Tuesday - 30 minutes - COO")."""
    spans = sentence_spans(text)
    out = [(a, b) for a, b in spans if fragment_list(text[a:b], rules)]
    run: list[tuple[int, int]] = []
    bare_items = 0

    def close() -> None:
        if bare_items >= rules.list_min_items and len(run) >= 3:
            out.extend(s for s in run if s not in out)

    for a, b in spans:
        sent = text[a:b]
        n, bare, _ = _items(sent, rules)
        if n and bare == n and not sent.rstrip().endswith("?"):
            run.append((a, b))
            bare_items += n
            continue
        close()
        run, bare_items = [], 0
    close()
    return sorted(out)


def bare_turn(signals: SignalSet, lists: list[tuple[int, int]], rules: SubstanceRules) -> bool:
    """Fragment lists and, besides them, only short stock lines that ask about nothing."""
    if not lists:
        return False
    open_q = [(s.start, s.end) for s in signals.signals if s.behaviour is B.OPEN_QUESTION]
    for a, b in sentence_spans(signals.text):
        if (a, b) in lists:
            continue
        sent = signals.text[a:b]
        if len(_words(sent)) > rules.stock_words or any(a <= s < b for s, _ in open_q):
            return False
    return True


def _concrete_step(text: str) -> bool:
    """The text (lists removed) names a time and an activity or a duration."""
    r = structure()
    return bool(r.time.search(text) and (r.activity.search(text) or _DURATION.search(text)))


def screen(signals: SignalSet, rules: SubstanceRules) -> SignalSet:
    """The signals the director may count: list fragments set aside, a bare turn marked as stuffing."""
    text = signals.text
    lists = fragment_spans(text, rules)
    if not lists:
        return signals

    def in_list(s: Signal) -> bool:
        return any(a <= s.start < b for a, b in lists)

    bare = bare_turn(signals, lists, rules)
    rest = " ".join(text[a:b] for a, b in sentence_spans(text) if (a, b) not in lists)
    step_said = _concrete_step(rest)
    out: list[Signal] = []
    for s in signals.signals:
        drop = s.behaviour in POSITIVE and (
            bare or in_list(s) or (s.behaviour is B.NEXT_STEP and not step_said)
        )
        out.append(replace(s, relevant=False) if drop and s.relevant else s)
    if bare and not any(s.behaviour is B.KEYWORD_STUFFING for s in out):
        start = len(text) - len(text.lstrip())
        end = len(text.rstrip())
        out.append(Signal(B.KEYWORD_STUFFING, text[start:end], start, end, 1.0, True, "director"))
    return SignalSet(text, out)


def specific(quote: str, scenario: Scenario) -> bool:
    """A proof sentence that names a customer, a number or a result, not "customers love it"."""
    if COUNT.search(quote):
        return True
    own = set(scenario.buyer.name.split()) | set(scenario.product.name.split())
    for m in _NAME.finditer(quote):
        first = m.group(0).split()[0].split("-")[0]
        if not _NOT_NAMES.match(first) and first not in own:
            return True
    return False
