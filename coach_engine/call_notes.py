"""Reading a rep's call notes: the buyer's figures, timing, vendors and role, and the objection they imply.

Why: a warm-up is worth doing only if it rehearses *this* call. Notes such as
"300 trucks, freeze until Q3, cheaper vendor" say what the real buyer will
answer when asked, so the warm-up's buyer must answer the same (``tailoring``
turns what is read here into the drill's ``buyer.facts``), and they say which
objection to expect ("already use Gong and are happy" is an incumbent). Reading
them is structure, not judgement — a number followed by its unit, an amount of
money, a time phrase, a capitalised name after "use"/"with"/"from", a job title
— so it is a few small extractors; the words they use are data in
``call_notes.yaml``, never special cases in code.

A note is cut into clauses (at commas, semicolons, full stops, "but"); each
fact keeps its clause, said back in the buyer's voice ("she says our price is
too high" -> "Your price is too high."), because that clause is what the buyer
would answer.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

from .datafiles import StrictData, load_package_model
from .models import OBJECTIONS, Objection

__all__ = [
    "CallNotes",
    "FactKind",
    "NoteFact",
    "Vocabulary",
    "buyer_voice",
    "plural",
    "read_notes",
    "singular",
    "vocabulary",
]

FactKind = Literal["quantity", "money", "timing", "incumbent", "competitor"]


class FactTopic(StrictData):
    topic: str
    """The topic a new fact of this kind gets."""
    replaces: list[str]
    """Scenario topics (any case) that already answer it: the note's answer replaces theirs."""


class Vocabulary(StrictData):
    """``call_notes.yaml``: the words the extractors look for (see the file for what each list is)."""

    version: int
    objection_cues: dict[Objection, list[str]]
    objection_phrases: dict[Objection, str]
    lead_in_openers: list[str]
    lead_in_reporters: list[str]
    lead_in_verbs: list[str]
    voice_swaps: dict[str, str]
    agreement: dict[str, str]
    unit_topics: dict[str, str]
    irregular_plurals: dict[str, str]
    not_units: list[str]
    money_kinds: dict[str, list[str]]
    time_words: list[str]
    time_links: list[str]
    vendor_links_strong: list[str]
    vendor_links_weak: list[str]
    incumbent_cues: list[str]
    competitor_cues: list[str]
    vendor_nouns: list[str]
    competitor_modifiers: list[str]
    incumbent_modifiers: list[str]
    not_names: list[str]
    role_titles: list[str]
    role_heads: list[str]
    role_tails: list[str]
    role_generic: list[str]
    mention_skip: list[str]
    fact_topics: dict[str, FactTopic]
    role_answer: str


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    return load_package_model("call_notes.yaml", Vocabulary)


@dataclass(frozen=True)
class NoteFact:
    """One thing the notes say about the buyer's world."""

    kind: FactKind
    said: str
    """The words of the notes that carry it: "300 trucks", "$48k", "until Q3", "Gong", "cheaper vendor"."""
    clause: str
    """The clause it came from, as the buyer would say it ("Freeze until Q3.")."""
    unit: str = ""
    """A count's unit, singular ("truck"); an amount's kind ("price", "budget", "spend", "competitor")."""
    number: str = ""
    """The figure as written ("300", "$48k")."""
    name: str = ""
    """A named vendor ("Gong"); empty for "a cheaper vendor"."""


@dataclass(frozen=True)
class CallNotes:
    """What a rep's notes say: the facts, the buyer's role, the objections they point to (strongest first)."""

    text: str
    facts: tuple[NoteFact, ...]
    role: str | None
    objections: tuple[str, ...]

    def of(self, kind: FactKind) -> list[NoteFact]:
        return [f for f in self.facts if f.kind == kind]


# --- small helpers ----------------------------------------------------------------------------


def _alt(words: list[str]) -> str:
    """A regex group of ``words`` (longest first), spaces matching any run of spaces."""
    parts = sorted({w.strip() for w in words if w.strip()}, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in parts) + ")"


def _has_any(text: str, words: list[str]) -> int:
    """How many of ``words`` occur in ``text`` as whole words (a word may be a phrase)."""
    return sum(1 for w in words if re.search(rf"(?<![\w$]){_alt([w])}(?!\w)", text, re.IGNORECASE))


def _cue_hits(text: str, cue: str) -> bool:
    """An objection cue starts a word ("compar" matches "comparing"); "$" matches anywhere."""
    if cue == "$":
        return "$" in text
    return re.search(rf"(?<![a-z]){_alt([cue])}", text, re.IGNORECASE) is not None


def singular(word: str) -> str:
    w = word.lower()
    back = {v: k for k, v in vocabulary().irregular_plurals.items()}
    if w in back:
        return back[w]
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("ches", "shes", "xes", "sses", "zes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        return w[:-1]
    return w


def plural(word: str) -> str:
    w = word.lower()
    irregular = vocabulary().irregular_plurals
    if w in irregular:
        return irregular[w]
    if len(w) > 1 and w.endswith("y") and w[-2] not in "aeiou":
        return w[:-1] + "ies"
    if w.endswith(("ch", "sh", "x", "s", "z")):
        return w + "es"
    return w + "s"


_CLAUSE = re.compile(
    r"[.;!?\n]+(?:\s+|$)|(?<!\d),\s*|,(?!\d)\s*|\s+but\s+|\s+[-—–]\s+|\s*\(\s*|\s*\)\s*", re.IGNORECASE
)


def clauses(notes: str) -> list[str]:
    """The notes cut at commas, semicolons, full stops, "but" and dashes."""
    text = notes.replace("’", "'")
    return [c.strip(" \t:") for c in _CLAUSE.split(text) if c and c.strip(" \t:")]


# --- the buyer's voice ------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _voice_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    v = vocabulary()
    opener = re.compile(rf"^(?:{_alt(v.lead_in_openers)})\b[\s,:-]*", re.IGNORECASE)
    reporter = re.compile(
        rf"^(?:(?i:(?:the\s+)?{_alt([*v.lead_in_reporters, *v.role_titles])})|[A-Z][a-z]+)\s+"
        rf"(?i:{_alt(v.lead_in_verbs)})\b\s*(?:(?i:that)\s+)?"
    )
    swap = re.compile(rf"(?<![\w']){_alt(list(v.voice_swaps))}(?![\w'])", re.IGNORECASE)
    agree = re.compile(rf"(?<![\w']){_alt(list(v.agreement))}(?![\w'])")
    return opener, reporter, swap, agree


def strip_lead_in(clause: str) -> str:
    """"Last time she said the budget is frozen" -> "the budget is frozen"."""
    opener, reporter, _, _ = _voice_patterns()
    text = clause.strip()
    while True:
        shorter = reporter.sub("", opener.sub("", text, count=1), count=1).strip()
        if shorter == text or not shorter:
            return text
        text = shorter


def buyer_voice(clause: str) -> str:
    """A clause of the rep's notes as the buyer would say it: first person, the rep's side as "you"."""
    _, _, swap, agree = _voice_patterns()
    v = vocabulary()
    swaps = {k.lower(): val for k, val in v.voice_swaps.items()}

    def one(m: re.Match[str]) -> str:
        word = m.group(0)
        new = swaps.get(word.lower().replace("’", "'"), word)
        if new == "I" or new.startswith("I'"):
            return new
        return new[:1].upper() + new[1:] if word[:1].isupper() else new

    text = swap.sub(one, strip_lead_in(clause))
    text = agree.sub(lambda m: v.agreement[m.group(0)], text)
    text = " ".join(text.split()).rstrip(" ,;:-")
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


# --- extractors -------------------------------------------------------------------------------

_COUNT = re.compile(
    r"(?<![\w$£€.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?!\s*(?:%|percent|[km]\b))(\s+|-)([A-Za-z]+)"
    r"(?:\s+([A-Za-z]+))?"
)
_MONEY = re.compile(
    r"[$£€]\s?\d[\d,]*(?:\.\d+)?(?:\s*(?:k|m|mm|bn|million|thousand|billion)\b)?"
    r"(?:\s*(?:a|an|per|/)\s*(?:year|yr|month|mo|seat|user|head|annum)\b)?",
    re.IGNORECASE,
)
_MONTHS = ["january", "february", "march", "april", "june", "july", "august", "september", "october",
           "november", "december"]


def _quantities(clause: str) -> list[NoteFact]:
    v = vocabulary()
    skip = {w.lower() for w in v.not_units}
    out: list[NoteFact] = []
    for m in _COUNT.finditer(clause):
        number, sep, w1, w2 = m.group(1), m.group(2), m.group(3).lower(), (m.group(4) or "").lower()
        if "," not in number and number.isdigit() and 1900 <= int(number) <= 2100:
            continue  # a year
        if w1 in skip:
            continue
        words: list[str]
        if singular(w1) in v.unit_topics or sep == "-":
            words = [w1]
        elif w2 and singular(w2) in v.unit_topics:
            words = [w1, w2]
        elif w1.endswith("s") and len(w1) > 3:
            words = [w1]
        elif w2 and w2 not in skip and w2.endswith("s") and len(w2) > 3:
            words = [w1, w2]
        else:
            continue
        unit = singular(words[-1])
        many = number not in ("1", "1.0")
        said = " ".join([number, *words[:-1], plural(unit) if many else unit])
        out.append(NoteFact("quantity", said, buyer_voice(clause), unit=unit, number=number))
    return out


def _money(clause: str) -> list[NoteFact]:
    v = vocabulary()
    kind = next((k for k, cues in v.money_kinds.items() if _has_any(clause, cues)), "price")
    return [NoteFact("money", m.group(0).strip(), buyer_voice(clause), unit=kind, number=m.group(0).strip())
            for m in _MONEY.finditer(clause)]


@lru_cache(maxsize=1)
def _time_pattern() -> re.Pattern[str]:
    v = vocabulary()
    words = _alt([*v.time_words, *_MONTHS])
    return re.compile(
        rf"(?:\b(?:{_alt(v.time_links)})\s+(?:the\s+)?)?\b(?:{words})\b(?:\s+\d{{4}})?"
        r"|\b(?:in|within|after|for)\s+(?:\d+|a|an|one|two|three|four|five|six|a\s+few|a\s+couple\s+of)\s+"
        r"(?:weeks?|months?|quarters?|years?)\b"
        r"|\b(?:in|by|until|till|after|before)\s+20\d\d\b",
        re.IGNORECASE,
    )


def _timing(clause: str) -> list[NoteFact]:
    m = _time_pattern().search(clause)
    return [NoteFact("timing", m.group(0).strip(), buyer_voice(clause))] if m else []


@lru_cache(maxsize=1)
def _vendor_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    v = vocabulary()
    name = r"([A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,2})"
    strong = re.compile(rf"(?i:\b(?:{_alt(v.vendor_links_strong)})\s+(?:the\s+)?){name}")
    weak = re.compile(rf"(?i:\b(?:{_alt(v.vendor_links_weak)})\s+(?:the\s+)?){name}")
    mods = _alt([*v.competitor_modifiers, *v.incumbent_modifiers])
    unnamed = re.compile(rf"\b(?:(?:{mods})\s+)+(?:{_alt(v.vendor_nouns)})\b|\bcompetitors?\b", re.IGNORECASE)
    return strong, weak, unnamed


def _vendor_kind(clause: str) -> FactKind | None:
    v = vocabulary()
    inc, comp = _has_any(clause, v.incumbent_cues), _has_any(clause, v.competitor_cues)
    if not inc and not comp:
        return None
    return "competitor" if comp > inc else "incumbent"


def _clean_name(raw: str) -> str:
    v = vocabulary()
    never = {n.lower() for n in [*v.not_names, *v.role_titles, *v.role_heads]}
    tokens = raw.rstrip(".'-").split()
    while tokens and tokens[-1].lower() in never:
        tokens.pop()
    if not tokens or tokens[0].lower() in never:
        return ""
    return " ".join(tokens)


def _vendors(clause: str) -> list[NoteFact]:
    strong, weak, unnamed = _vendor_patterns()
    kind = _vendor_kind(clause)
    v = vocabulary()
    for pattern, needs_cue in ((strong, False), (weak, True)):
        for m in pattern.finditer(clause):
            name = _clean_name(m.group(1))
            if not name or (needs_cue and kind is None):
                continue
            return [NoteFact(kind or "incumbent", name, buyer_voice(clause), name=name)]
    found = unnamed.search(clause)
    if found is None:
        return []
    said = found.group(0)
    first = said.split()[0].lower()
    own: FactKind = "incumbent" if first in {w.lower() for w in v.incumbent_modifiers} else "competitor"
    return [NoteFact(own, said, buyer_voice(clause))]


@lru_cache(maxsize=1)
def _role_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    v = vocabulary()
    titles = re.compile(rf"\b{_alt(v.role_titles)}\b", re.IGNORECASE)
    area = r"([A-Za-z&]+(?:\s+[A-Z][a-z]+)?)"  # a second word only when capitalised: "VP of Store Operations"
    heads = re.compile(rf"\b(?i:{_alt(v.role_heads)})\s+(?:(?i:of)\s+)?{area}")
    tails = re.compile(rf"\b([A-Za-z]+)\s+{_alt(v.role_tails)}\b", re.IGNORECASE)
    return titles, heads, tails


def _role_case(role: str) -> str:
    """"vp of operations" -> "VP of Operations"; a title the vocabulary spells keeps its spelling."""
    v = vocabulary()
    spelled = {t.lower(): t for t in [*v.role_titles, *v.role_heads]}
    if role.lower() in spelled and spelled[role.lower()].isupper():
        return spelled[role.lower()]
    out = []
    for i, w in enumerate(role.split()):
        low = w.lower()
        if low in spelled and spelled[low].isupper():
            out.append(spelled[low])
        elif low in {"of", "for", "and", "the"} and i > 0:
            out.append(low)
        elif w.isupper() and len(w) <= 4:
            out.append(w)
        else:
            out.append(w[:1].upper() + w[1:].lower())
    return " ".join(out)


def find_role(notes: str) -> str | None:
    """The buyer's job title in the notes (the first one named), in title case."""
    v = vocabulary()
    generic = {w.lower() for w in v.role_generic} | {w.lower() for w in v.not_units}
    titles, heads, tails = _role_patterns()
    found: list[tuple[int, str]] = []
    if m := titles.search(notes):
        found.append((m.start(), m.group(0)))
    for m in heads.finditer(notes):
        words = m.group(1).split()
        if words[0].lower() not in generic:
            found.append((m.start(), m.group(0)))
            break
    for m in tails.finditer(notes):
        if m.group(1).lower() not in generic and len(m.group(1)) > 2:
            found.append((m.start(), m.group(0)))
            break
    if not found:
        return None
    return _role_case(" ".join(min(found)[1].split()))


# --- the whole read ---------------------------------------------------------------------------


def objections_from(notes: str, facts: tuple[NoteFact, ...] = ()) -> tuple[str, ...]:
    """Objection types the notes point to, strongest first: their cues, plus what the facts imply."""
    v = vocabulary()
    hits: Counter[str] = Counter()
    for objection, cues in v.objection_cues.items():
        hits[objection] += sum(_cue_hits(notes, c) for c in cues)
    for f in facts:
        if f.kind in ("incumbent", "competitor"):
            hits[f.kind] += 2
        elif f.kind == "timing":
            hits["timing"] += 1
        elif f.kind == "money" and f.unit in ("budget", "price"):
            hits[f.unit] += 1
    ranked = sorted(hits.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(o for o, n in ranked if n > 0 and o in OBJECTIONS)


def read_notes(notes: str) -> CallNotes:
    """Everything the extractors find in ``notes`` (in the order the notes say it)."""
    facts: list[NoteFact] = []
    for clause in clauses(notes):
        vendors = _vendors(clause)
        money = _money(clause)
        if any(f.kind == "competitor" for f in vendors):  # "quote from Acme at $39k": the competitor's price
            money = [replace(f, unit="competitor") for f in money]
        facts += vendors + money + _quantities(clause) + _timing(clause)
    found = tuple(facts)
    return CallNotes(text=notes, facts=found, role=find_role(notes), objections=objections_from(notes, found))
