"""A warm-up scenario tailored to the rep's call notes: the bank's buyer, answering with the notes' facts.

Why: the warm-up's buyer should be the buyer the rep is about to call. When the
notes say "300 trucks, freeze until Q3, cheaper vendor", a drill whose buyer
answers "85 trucks" rehearses the wrong call. So ``tailor`` makes a copy of the
scenario (``model_copy``; the bank is never touched) whose ``buyer.facts`` —
what the buyer answers when asked (``buyer/facts.py``) — say what the notes say,
and records which facts came from the notes so the practice page, the scorecard
and the stored attempt can say so.

What may change, from safest to least safe:

* ``buyer.facts``: a fact the notes speak to is replaced (the scenario's own
  topic when it has one — ``call_notes.yaml`` ``fact_topics`` — else a new
  topic); a figure inside a fact is swapped in place when it is the only one.
* the scenario's own figure for the same thing, wherever it is written
  (company line, context, opening, concern): "85 trucks" becomes "300 trucks"
  only when the very same figure with the same unit is the buyer's (it is in
  the company line or the fact it answers); "$48k" only when it is the one
  amount of the opening (the price under objection). Product and proof points
  are the seller's and never change.
* a competitor's name, when the scenario names one in a fact topic and in the
  opening or context, and the notes name another.
* the buyer's role, when that is unambiguous: the new title is not someone
  else's in the scenario (a concern that says "the CFO holds him accountable"
  keeps its buyer) and the old one is only ever written as the title.

The copy is validated like a file (``Scenario.model_validate``); if it would not
be, the text swaps are dropped, and at worst the bank scenario runs unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from .call_notes import CallNotes, NoteFact, plural, vocabulary
from .models import NAME_CHARS, OPENING_CHARS, Scenario, Scorecard
from .text import has_phrase, phrase_pattern

__all__ = ["FromNotes", "Tailored", "facts_from_notes", "notes_line", "tailor", "with_notes_line"]

_MONEY = re.compile(r"[$£€]\s?\d[\d,]*(?:\.\d+)?(?:\s*(?:k|m|mm|bn|million|thousand|billion)\b)?",
                    re.IGNORECASE)
"""An amount of money as written ("$48k", "$2.1 million"): a percentage is not a price."""
MAX_FACTS = 30
"""``Buyer.facts`` holds at most this many (models.Buyer)."""


@dataclass(frozen=True)
class FromNotes:
    """One buyer fact the rep's notes set for this attempt."""

    topic: str
    answer: str
    """What the buyer now answers when asked about ``topic``."""
    said: str
    """The words of the notes it came from ("300 trucks")."""
    replaced: str | None = None
    """The bank scenario's answer it replaced; None when the notes added the topic."""

    def describe(self, width: int = 80) -> str:
        """"fleet size: 300 trucks" — the topic and what the buyer now says, shortened to ``width``."""
        answer = self.answer.rstrip(".")
        if len(answer) > width:
            answer = answer[: width - 1].rsplit(" ", 1)[0] + "…"
        return f"{self.topic}: {answer}"


@dataclass(frozen=True)
class Tailored:
    scenario: Scenario
    from_notes: tuple[FromNotes, ...] = ()
    changed: tuple[str, ...] = field(default=())
    """Fields the rep reads that now reflect the notes ("buyer.company", "context", "buyer.role" ...)."""

    def summary(self) -> str:
        """"fleet size: 300 trucks · timing: Freeze until Q3 · other vendors: Cheaper vendor" ("": none)."""
        return " · ".join(f.describe() for f in self.from_notes)


def notes_line(from_notes: tuple[FromNotes, ...] | list[FromNotes]) -> str:
    """The scorecard's note saying which facts came from the rep's notes ("" when none did)."""
    if not from_notes:
        return ""
    return "Warm-up tailored to your call notes — the buyer's " + "; ".join(
        f"{f.topic} ({f.said})" for f in from_notes) + "."


def with_notes_line(card: Scorecard, from_notes: tuple[FromNotes, ...] | list[FromNotes]) -> Scorecard:
    """``card`` with ``notes_line`` among its notes, so the stored attempt says which facts were the rep's."""
    line = notes_line(from_notes)
    if not line or line in card.notes:
        return card
    return card.model_copy(update={"notes": [*card.notes, line]})


def facts_from_notes(bank: Scenario, played: Scenario) -> tuple[FromNotes, ...]:
    """The buyer facts a tailored copy (``played``, as an attempt kept it) answers differently from
    ``bank``: what a resumed warm-up shows and its scorecard notes, the notes' own words being gone
    (``said`` is then the answer, shortened)."""
    out: list[FromNotes] = []
    for topic, answer in played.buyer.facts.items():
        was = bank.buyer.facts.get(topic)
        if answer != was:
            said = answer.rstrip(".")
            said = said if len(said) <= 60 else said[:59].rsplit(" ", 1)[0] + "…"
            out.append(FromNotes(topic, answer, said, was))
    return tuple(out)


# --- the scenario's texts, as one editable bundle ---------------------------------------------------

_TEXT_FIELDS = (
    "title", "context", "buyer.company", "buyer.opening", "buyer.hidden_concern", "buyer.next_step"
)
_SHOWN = ("title", "context", "buyer.company", "buyer.role", "buyer.opening")
"""What the rep reads (the brief and the opening line)."""


class _Draft:
    """The scenario's texts and facts while they are being tailored."""

    def __init__(self, scenario: Scenario):
        b = scenario.buyer
        self.scenario = scenario
        self.texts: dict[str, str] = {
            "title": scenario.title, "context": scenario.context, "buyer.company": b.company,
            "buyer.opening": b.opening, "buyer.hidden_concern": b.hidden_concern,
            "buyer.next_step": b.next_step or "", "buyer.role": b.role,
        }
        self.concern_lines = list(b.concern_lines)
        self.resolution: list[Any] = [r.model_dump() if not isinstance(r, str) else r for r in b.resolution]
        self.facts: dict[str, str] = dict(b.facts)
        self.records: dict[str, FromNotes] = {}
        self.vendor_topics: list[str] = []
        """Topics about the competitor the notes named (after a rename): where its figures go."""

    def everywhere(self, fn: Callable[[str], str], *, topics: bool = False) -> None:
        """Apply a text swap to every buyer-side text, the context and the facts (not the product)."""
        for k in _TEXT_FIELDS:
            self.texts[k] = fn(self.texts[k])
        self.concern_lines = [fn(x) for x in self.concern_lines]
        self.resolution = [fn(r) if isinstance(r, str) else {**r, "text": fn(r["text"])}
                           for r in self.resolution]
        self.facts = {(fn(k) if topics else k): fn(v) for k, v in self.facts.items()}

    def topic_for(self, names: list[str]) -> str | None:
        """The scenario's own topic among ``names`` (any case), if it has one."""
        wanted = {n.lower() for n in names}
        return next((t for t in self.facts if t.lower() in wanted), None)

    def set_fact(
        self, topic: str, answer: str, said: str, original: str | None, renamed: bool = False
    ) -> None:
        """Make ``topic`` answer ``answer``, recording it as set from the notes unless nothing changed."""
        answer, topic = answer[:OPENING_CHARS].strip(), topic[:NAME_CHARS].strip()
        if not answer or not topic or (topic not in self.facts and len(self.facts) >= MAX_FACTS):
            return
        self.facts[topic] = answer
        if answer == original and not renamed:
            return
        first = self.records.get(topic)
        self.records[topic] = FromNotes(topic, answer, said if first is None else f"{first.said}; {said}",
                                        original if first is None else first.replaced)

    def build(self, with_texts: bool = True) -> Scenario:
        s = self.scenario
        data = s.model_dump()
        data["buyer"]["facts"] = self.facts
        if with_texts:
            data["title"], data["context"] = self.texts["title"], self.texts["context"]
            for k in ("company", "opening", "hidden_concern", "role"):
                data["buyer"][k] = self.texts[f"buyer.{k}"]
            data["buyer"]["next_step"] = self.texts["buyer.next_step"] or None
            data["buyer"]["concern_lines"] = self.concern_lines
            data["buyer"]["resolution"] = self.resolution
        return Scenario.model_validate(data)


# --- what each kind of note does --------------------------------------------------------------------


def _figure(unit: str) -> re.Pattern[str]:
    """A count of ``unit`` as a scenario writes it: "85 trucks", "85-truck", "1,100 units"."""
    forms = sorted({unit, plural(unit)}, key=len, reverse=True)
    return re.compile(rf"(?<![\w$£€.,])(\d[\d,]*(?:\.\d+)?)(\s+|-)({'|'.join(map(re.escape, forms))})\b",
                      re.IGNORECASE)


def _loose_figures(unit: str, text: str) -> int:
    """How many counts of ``unit`` ``text`` gives, with a word allowed between ("62 box trucks")."""
    forms = "|".join(map(re.escape, sorted({unit, plural(unit)}, key=len, reverse=True)))
    return len(re.findall(rf"\b\d[\d,]*(?:\s+[A-Za-z-]+)?\s+(?:{forms})\b", text, re.IGNORECASE))


def _quantity(d: _Draft, note: NoteFact) -> None:
    v = vocabulary()
    pattern = _figure(note.unit)
    mapped = v.unit_topics.get(note.unit)
    holders = [t for t, text in d.facts.items() if pattern.search(text)]
    target = next((t for t in holders if mapped and t.lower() == mapped.lower()), None)
    target = target or next(iter(holders), None) or d.topic_for([x for x in (mapped, plural(note.unit)) if x])
    original = d.facts.get(target) if target else None
    where = d.texts["buyer.company"] if pattern.search(d.texts["buyer.company"]) else (original or "")
    old = pattern.search(where)
    if old and old.group(1).replace(",", "") == note.number.replace(",", ""):
        return  # the scenario already says what the notes say
    if old:
        old_number = old.group(1)
        many = note.number not in ("1", "1.0")

        def swap(text: str) -> str:
            def one(m: re.Match[str]) -> str:
                if m.group(1) != old_number:
                    return m.group(0)
                word = m.group(3) if m.group(2) == "-" else (plural(note.unit) if many else note.unit)
                return f"{note.number}{m.group(2)}{word}"

            return pattern.sub(one, text)

        d.everywhere(swap)
    topic = target or mapped or plural(note.unit)
    now = d.facts.get(topic, "")
    answer = now if now and now != original and _loose_figures(note.unit, now) == 1 else f"{note.said}."
    d.set_fact(topic, answer[:1].upper() + answer[1:], note.said, original)


def _money(d: _Draft, note: NoteFact) -> None:
    v = vocabulary()
    kind = v.fact_topics[note.unit if note.unit in v.fact_topics else "price"]
    amount = _MONEY.search(note.said)
    new = amount.group(0).strip() if amount else note.said
    if note.unit == "competitor":  # the competitor's figure: its own topic when the scenario has one
        target = next(iter(d.vendor_topics), None) or d.topic_for(kind.replaces)
    else:
        target = d.topic_for(kind.replaces)
    original = d.records[target].replaced if target in d.records else d.facts.get(target) if target else None
    if note.unit == "price":
        in_opening = {m.group(0).strip() for m in _MONEY.finditer(d.texts["buyer.opening"])}
        if len(in_opening) == 1 and (old := in_opening.pop()) != new:
            pat = re.compile(rf"(?<![\w$£€]){re.escape(old)}(?![\w])")
            d.everywhere(lambda text: pat.sub(new, text))
    if target is not None and len(_MONEY.findall(d.facts[target])) == 1:
        answer = _MONEY.sub(new, d.facts[target], count=1)
    else:
        answer = note.clause
    d.set_fact(target or kind.topic, answer, note.said, original)


def _timing(d: _Draft, note: NoteFact) -> None:
    kind = vocabulary().fact_topics["timing"]
    target = d.topic_for(kind.replaces)
    d.set_fact(target or kind.topic, note.clause, note.said, d.facts.get(target) if target else None)


def _named_vendor(d: _Draft) -> str | None:
    """The competitor the scenario names: a capitalised word of a fact topic, also in the opening/context."""
    s = d.scenario
    own = {w.lower() for w in re.findall(r"[A-Za-z]+", f"{s.product.name} {s.buyer.name} {s.buyer.company}")}
    seen = f"{d.texts['buyer.opening']} {d.texts['context']}"
    for topic in d.facts:
        for word in re.findall(r"\b[A-Z][a-z]+[A-Za-z]*\b", topic):
            if word.lower() not in own and has_phrase(seen, word):
                return word
    return None


def _vendor(d: _Draft, note: NoteFact) -> None:
    kind = vocabulary().fact_topics[note.kind]
    if note.kind == "competitor" and note.name and (old := _named_vendor(d)) and old != note.name:
        before = {t: v for t, v in d.facts.items() if old in t}
        pat = phrase_pattern(old)
        d.everywhere(lambda text: pat.sub(note.name, text), topics=True)
        for topic, was in before.items():
            renamed = pat.sub(note.name, topic)
            d.vendor_topics.append(renamed)
            d.set_fact(renamed, d.facts[renamed], note.said, was, renamed=renamed != topic)
        return
    target = d.topic_for(kind.replaces)
    d.set_fact(target or kind.topic, note.clause, note.said, d.facts.get(target) if target else None)


def _role_pattern(role: str, *, any_case: bool) -> re.Pattern[str]:
    """A role as texts name it ("VP Customer Success" is also "the VP of Customer Success")."""
    words = [re.escape(w) for w in role.split() if w.lower() != "of"] or [re.escape(role)]
    phrase = r"\s+(?:of\s+)?".join(words)
    return re.compile(rf"\b{phrase}\b", re.IGNORECASE if any_case else 0)


def _role(d: _Draft, role: str) -> None:
    """The buyer takes the notes' role when that is unambiguous: no text names the new title (it would be
    someone else: "the CFO holds him accountable"), and every mention of the old one is the title as
    written ("the VP of Operations", not "the owner, Mr. Halloran"); those mentions follow. Otherwise
    the role stays, and no fact contradicts it."""
    v = vocabulary()
    old = d.texts["buyer.role"]
    elsewhere = " ".join([*(d.texts[k] for k in _TEXT_FIELDS), *d.concern_lines, *d.facts.values(),
                          *(r if isinstance(r, str) else r["text"] for r in d.resolution)])
    exact, loose = _role_pattern(old, any_case=False), _role_pattern(old, any_case=True)
    if (old.lower() == role.lower() or _role_pattern(role, any_case=True).search(elsewhere)
            or len(loose.findall(elsewhere)) != len(exact.findall(elsewhere))):
        return
    d.everywhere(lambda text: exact.sub(role, text))
    d.texts["buyer.role"] = role
    kind = v.fact_topics["role"]
    target = d.topic_for(kind.replaces)
    original = d.facts.get(target) if target else None
    d.set_fact(target or kind.topic, v.role_answer.format(role=role), role, original)


_ORDER = ("competitor", "incumbent", "quantity", "money", "timing")
_APPLY: dict[str, Callable[[_Draft, NoteFact], None]] = {
    "quantity": _quantity, "money": _money, "timing": _timing, "incumbent": _vendor, "competitor": _vendor,
}


def tailor(scenario: Scenario, notes: CallNotes) -> Tailored:
    """``scenario`` with its buyer's facts (and, where safe, what the rep reads) set from ``notes``."""
    if not notes.facts and not notes.role:
        return Tailored(scenario)
    d = _Draft(scenario)
    done: set[tuple[str, str]] = set()
    for note in sorted(notes.facts, key=lambda n: _ORDER.index(n.kind)):  # vendors first: names, then figures
        if (note.kind, note.said.lower()) in done:
            continue
        done.add((note.kind, note.said.lower()))
        _APPLY[note.kind](d, note)
    if notes.role:
        _role(d, notes.role)
    records = tuple(d.records.values())
    try:
        built = d.build()
    except ValidationError:
        try:
            built = d.build(with_texts=False)
        except ValidationError:
            return Tailored(scenario)
    changed = tuple(k for k in _SHOWN if _read(built, k) != _read(scenario, k))
    return Tailored(built, records, changed)


def _read(scenario: Scenario, path: str) -> str:
    obj: Any = scenario
    for part in path.split("."):
        obj = getattr(obj, part)
    return str(obj)

