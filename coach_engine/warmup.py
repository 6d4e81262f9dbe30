"""Warm-up matching: from a rep's notes about the next call to the bank drills worth a quick run, tailored.

"CFO at a logistics firm, says budget is frozen" should surface a budget or
price objection from a CFO in logistics. Meaning does part of the work (the
notes and each scenario's summary are embedded; through the attempt index's
scenario collection when one is given, in memory otherwise), and cheap,
explainable signals read from the notes (``call_notes``) do the rest: the
objection type they imply (their cues, and the facts: a named incumbent is an
incumbent objection), the buyer's role and the industry.

Two things make the suggestion honest:

* **A floor.** A match is *close* only when the notes name its objection, role
  or industry, or when it is close in meaning (``SIMILARITY_FLOOR``, and only
  with an embedder that captures meaning). Notes that match nothing ("asdf
  qwerty") get the single nearest drill, labelled as such, not three
  confident matches.
* **Reasons in words.** Each match says why ("Matches your notes: a price
  objection from a CFO in logistics; it mentions “freeze”"), and which buyer
  facts the notes set for it.

Each match's scenario is the bank scenario tailored to the notes
(``tailoring.tailor``): its buyer answers with the notes' figures, timing,
vendors and role for this attempt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .call_notes import CallNotes, plural, read_notes, singular, vocabulary
from .drills import related_objection
from .embeddings import Embedder, is_semantic
from .models import Scenario
from .scenarios import ScenarioBank
from .store.index import AttemptIndex
from .tailoring import FromNotes, tailor
from .text import has_phrase, is_function_word

__all__ = [
    "NO_CLOSE_MATCH",
    "SIMILARITY_FLOOR",
    "WarmupMatch",
    "Warmups",
    "find_warmups",
    "match_warmups",
    "objections_in",
]

SEMANTIC_WEIGHT = 1.0
OBJECTION_BONUS = 0.25
RELATED_SHARE = 0.5
"""Share of the bonus for an objection related to the notes' one (``drills.RELATED_OBJECTIONS``)."""
ROLE_BONUS = 0.15
INDUSTRY_BONUS = 0.1
SIMILARITY_FLOOR = 0.35
"""Cosine similarity at which meaning alone makes a match close. Measured with all-MiniLM-L6-v2 on the
bank: notes about nothing ("asdf qwerty", "the weather is nice today", "call tomorrow at 3") reach at
most 0.30 with any scenario; notes about a real call reach 0.35-0.70 with the right one."""
NO_CLOSE_MATCH = "No close match for these notes; here is the nearest drill."


@dataclass(frozen=True)
class WarmupMatch:
    scenario: Scenario
    """The bank scenario tailored to the notes (same id; its buyer answers with the notes' facts)."""
    score: float
    """Meaning plus the bonuses for a named objection, role and industry; ranks the matches."""
    why: str
    """The reason in words ("Matches your notes: a price objection ..."), shown above the drill."""
    close: bool = True
    from_notes: tuple[FromNotes, ...] = ()
    """The buyer facts the notes set for this drill."""

    @property
    def uses_notes(self) -> str:
        """"fleet size: 300 trucks · timing: until Q3" — what the notes set ("" when nothing)."""
        return " · ".join(f.describe() for f in self.from_notes)


@dataclass(frozen=True)
class Warmups:
    """The matches for one set of notes: the close ones, or the single nearest when none is close."""

    matches: list[WarmupMatch]
    notes: CallNotes

    @property
    def close(self) -> bool:
        return any(m.close for m in self.matches)

    @property
    def headline(self) -> str:
        """What to say above the matches ("" when they are close)."""
        return "" if self.close or not self.matches else NO_CLOSE_MATCH


def objections_in(notes: str) -> list[str]:
    """Objection types the notes point to, strongest first."""
    return list(read_notes(notes).objections)


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


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z][a-z-]+", text.lower()))


def _role_match(role: str, notes: CallNotes, note_words: set[str]) -> bool:
    """The notes name this buyer's role: the same title, or a distinctive word of it."""
    generic = {w.lower() for w in vocabulary().role_generic}
    mine = _words(role) - generic
    if notes.role is not None:
        theirs = _words(notes.role) - generic
        return notes.role.lower() == role.lower() or bool(mine & theirs)
    return bool(mine & note_words)


def _article(phrase: str) -> str:
    first = phrase.split()[0] if phrase.split() else ""
    if first.isupper() and len(first) <= 5:  # said letter by letter: "an HR lead", "a CFO"
        return "an" if first[0] in "AEFHILMNORSX" else "a"
    return "an" if first[:1].lower() in "aeiou" else "a"


def _mentions(notes: str, scenario: Scenario, explained: set[str]) -> list[str]:
    """Words of the notes the drill also uses (what the rep will recognise), at most three."""
    skip = {w.lower() for w in vocabulary().mention_skip} | explained
    text = f"{scenario.title} {scenario.context} {scenario.buyer.company} {scenario.buyer.opening}".lower()
    found: list[str] = []
    for word in re.findall(r"[A-Za-z][A-Za-z-]{3,}", notes):
        low = word.lower()
        if low in skip or is_function_word(low) or low in found:
            continue
        forms = {low, singular(low), plural(singular(low))}
        if any(has_phrase(text, f) for f in forms):
            found.append(low)
        if len(found) == 3:
            break
    return found


def _why(objection: str | None, kin: str | None, role: str | None, industries: list[str],
         mentions: list[str]) -> str:
    """``kin``: the objection of the notes that ``objection`` is related to (price for budget ...), if any."""
    phrases: dict[str, str] = {str(k): v for k, v in vocabulary().objection_phrases.items()}
    head = phrases.get(objection, "") if objection else ""
    if head and kin:
        head = f"{head} (close to the {kin.replace('_', ' ')} one in your notes)"
    if role:
        head = f"{head} from {_article(role)} {role}" if head else f"{_article(role)} {role}"
    if industries:
        head = f"{head or 'a buyer'} in {' and '.join(industries)}"
    said = ", ".join(f"“{m}”" for m in mentions)
    if not head:
        return f"Close in meaning to your notes{f'; it mentions {said}' if said else ''}."
    return f"Matches your notes: {head}{f'; it mentions {said}' if said else ''}."


def _rank(notes: CallNotes, scenarios: list[Scenario], semantic: dict[str, float], meaning: bool
          ) -> list[WarmupMatch]:
    wanted = list(notes.objections)
    note_words = _words(notes.text)
    ranked: list[WarmupMatch] = []
    for s in scenarios:
        sim = semantic.get(s.id, 0.0)
        score = SEMANTIC_WEIGHT * sim
        objection = s.objection if s.objection in wanted else None
        kin = None if objection else next((o for o in wanted if related_objection(o) == s.objection), None)
        if objection:
            score += OBJECTION_BONUS * (1.0 if wanted[0] == objection else 0.6)
        elif kin:
            score += OBJECTION_BONUS * RELATED_SHARE * (1.0 if wanted[0] == kin else 0.6)
        role = s.buyer.role if _role_match(s.buyer.role, notes, note_words) else None
        if role:
            score += ROLE_BONUS
        role_words = _words(s.buyer.role)
        industries = [t for t in s.tags
                      if t.lower() not in role_words and t.lower() != s.objection
                      and re.search(rf"(?<![\w-]){re.escape(t.lower())}(?![\w-])", notes.text.lower())]
        if industries:
            score += INDUSTRY_BONUS * min(2, len(industries))
        close = bool(objection or kin or role or industries) or (meaning and sim >= SIMILARITY_FLOOR)
        explained = role_words | {t.lower() for t in s.tags}
        why = _why(objection or (s.objection if kin else None), kin, role, industries,
                   _mentions(notes.text, s, explained))
        ranked.append(WarmupMatch(s, round(score, 4), why, close))
    ranked.sort(key=lambda m: (-m.score, m.scenario.id))
    return ranked


def find_warmups(
    notes: str, bank: ScenarioBank, embedder: Embedder, *, index: AttemptIndex | None = None, k: int = 3
) -> Warmups:
    """Up to ``k`` close drills for the call in ``notes`` (or the one nearest), each tailored to the notes."""
    notes = notes.strip()
    if not notes:
        raise ValueError("Describe the upcoming call first (who, what they said, the industry).")
    read = read_notes(notes)
    scenarios = bank.list()
    if not scenarios:
        return Warmups([], read)
    ranked = _rank(read, scenarios, _semantic(notes, scenarios, embedder, index), is_semantic(embedder))
    close = [m for m in ranked if m.close][:k]
    if not close:
        nearest = ranked[0]
        chosen = [WarmupMatch(nearest.scenario, nearest.score,
                              "No close match — the nearest in meaning to your notes.", close=False)]
    else:
        chosen = close
    tailored: list[WarmupMatch] = []
    for m in chosen:
        t = tailor(m.scenario, read)
        tailored.append(WarmupMatch(t.scenario, m.score, m.why, m.close, t.from_notes))
    return Warmups(tailored, read)


def match_warmups(
    notes: str, bank: ScenarioBank, embedder: Embedder, *, index: AttemptIndex | None = None, k: int = 3
) -> list[WarmupMatch]:
    """The drills ``find_warmups`` offers (close ones, or the nearest one), each with a reason."""
    return find_warmups(notes, bank, embedder, index=index, k=k).matches
