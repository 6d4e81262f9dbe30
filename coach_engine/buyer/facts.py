"""What the buyer answers when asked: a rep's question matched to the scenario's ``facts:``.

A real buyer answers a plain question about their world ("How many trucks do you
run?") even while guarding the reason behind the objection; a buyer who never
answers feels like a wall. Scenarios may give ``buyer.facts`` (topic -> the
answer in the buyer's words). Code decides which fact a question asks for, by
meaning (the shared MiniLM, already loaded for the reading) and by the words
question and fact share, so the voices only word it. A question for a figure the
scenario does not give gets an honest "I don't have that number to hand" rather
than a figure made up on the spot.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..embeddings import is_semantic
from ..text import (
    NUMBER,
    as_sentence,
    content_words,
    is_question,
    question_form,
    sentences,
    spelled_figure,
    structure,
    words,
)
from .how_many import counts_what_is_asked
from .substance import COUNT

if TYPE_CHECKING:
    from ..embeddings import Embedder

__all__ = ["Answer", "FactBook", "asks_figure", "company_facts", "context_figures", "figure_said"]

_FIGURE_QUESTION = re.compile(
    r"\b(how\s+(many|much|long|often|big|large|far)|what\s+(percentage|share|proportion|number|amount|"
    r"figure|volume|size)|roughly\s+what|ballpark|what(?:'s|\s+is|\s+are|\s+was|\s+were)\s+(?:your|the)\s+"
    r"(?:[\w-]+\s+){0,2}(?:rate|number|percentage|share|cost|costs|spend|budget|volume|size|count|total|"
    r"margin|revenue|headcount))\b",
    re.IGNORECASE,
)
"""A question that asks for a figure: the kind a buyer should not answer with one invented on the spot."""


_ROUGHLY = frozenset({"roughly", "approximately", "ballpark", "per"})
"""A question with one of these asks for a figure however it is put ("Returns per week, roughly?")."""


def asks_figure(question: str) -> bool:
    """Whether a question asks for a figure ("How many services did you run last year?", "Calls per shift,
    roughly?")."""
    if _FIGURE_QUESTION.search(question):
        return True
    said = set(words(question))
    hints = _ROUGHLY & said
    if hints == {"per"} and "or" in said and not (NUMBER.search(question) or spelled_figure(question)):
        return False  # "Per kilo or per bag?" asks which measure, not how many
    return question.rstrip().endswith("?") and bool(hints)


_WHEN_VERBS = frozenset({"is", "'s", "does", "do", "will", "are", "would", "can", "could", "should"})


def asks_when(question: str) -> bool:
    """Whether a question asks for a date in the buyer's calendar ("When does the board next meet?", "When's
    the renewal?"), not "When you say late, how late?" (a "when" that opens a clause) nor "When did it
    start?" (a question about the story, which the story answers)."""
    said = words(question)
    at = next((k for k, w in enumerate(said) if w in _WH or w.startswith("when'")), -1)
    if at < 0 or not said[at].startswith("when"):
        return False
    after = [w for w in said[at + 1:at + 3] if not w.endswith("ly")][:1]  # "When exactly is ..."
    return said[at] != "when" or bool(set(after) & _WHEN_VERBS)


_NOW = frozenset({"today", "now", "current", "currently", "present", "presently", "moment", "existing",
                  "nowadays"})
"""Words that put a question or a fact's topic in the present ("What are you using today?", "current
tracking")."""
_WAY_NOUNS = frozenset({"setup", "system", "systems", "process", "approach", "way", "tool", "tools",
                        "solution", "platform", "routine", "place"})
_WAY_VERBS = frozenset({"use", "using", "do", "doing", "handle", "handling", "manage", "managing", "run",
                        "running", "work", "working", "deal", "dealing", "cover", "covering", "set"})
_FILLER = frozenset({"what", "how", "what's", "how's", "you", "your", "you're", "are", "is", "do", "does",
                     "in", "it", "that", "this", "the", "these", "those", "days", "at", "have", "got", "so",
                     "and", "right", "for", "of", "with", "on", "things"})


def asks_present_way(question: str) -> bool:
    """Whether a question asks how the buyer does things now and nothing more ("What are you using today?",
    "What's your current setup?"): the question a rep opens discovery with. "What now?" asks nothing about a
    way of working, "Is it working now?" asks yes or no, and "How do you schedule crews today?" names its own
    topic (which the facts' words answer)."""
    said = set(words(question))
    if not question.rstrip().endswith("?") or not said & {"what", "how", "what's", "how's"}:
        return False
    rest = said - _NOW
    way = _WAY_NOUNS | _WAY_VERBS
    return (rest != said or bool(rest & {"use", "using"})) and bool(rest & way) and rest <= way | _FILLER


_DECIDING = frozenset({"decide", "decides", "deciding", "decision", "decisions", "sign", "signs",
                       "signing", "approve", "approves", "approval", "call", "say", "involved", "weigh",
                       "weighs", "room", "board", "committee", "buy", "buys", "final", "owns", "owner",
                       "budget", "signature", "greenlight", "yes"})
"""Words of a question about who has a say in the decision ("Who else weighs in?", "Who makes the final
call?", "Who else gets a say in this?")."""
_HAS_A_SAY = frozenset({"would", "should", "will", "might", "needs", "need", "has", "have", "is", "'s",
                        "weighs", "signs", "wants", "want", "involved", "gets", "approves"})
"""Words after "who else" that ask who takes part in the decision."""


def asks_who_decides(question: str) -> bool:
    """Whether a question asks who has a say in the decision: its first question word is "who" and it
    speaks of deciding, or it asks "who else". "Who's your wholesaler?" asks for a name the facts' words
    find."""
    said = words(question)
    wh = next((w for w in said if w in _WH), "")
    # "..., and who else would want a look at it?", "who else is involved?": who has a say; "who else on the
    # team complains about it?" asks about someone else
    others = any(w == "who" and said[k + 1:k + 2] == ["else"] and set(said[k + 2:k + 6]) & _HAS_A_SAY
                 for k, w in enumerate(said))
    return others or (wh in _WHO and bool(set(said) & _DECIDING))


_AROUND = frozenset({"about", "around", "roughly", "nearly", "almost", "over", "under", "some", "maybe",
                     "close", "to", "up"})
_PHRASE_WORDS = 7
_CLAUSE_WORDS = frozenset({"because", "and", "but", "so", "which", "that", "when", "since", "if", "while",
                           "after"})
"""Words that open the next clause: a figure's phrase ends before them."""
_FIGURE_CUES = frozenset({("how", "many"), ("how", "much"), ("number", "of"), ("percentage", "of"),
                          ("share", "of")})


def figure_said(question: str, said: list[str]) -> str:
    """The figure the buyer has already given that a figure question asks for, as a short phrase ("about 15
    small online orders a week"), or "": asked "How many orders get turned away a week?" after telling how
    many, a person says it again rather than "I don't know the exact figure".

    The question's words are matched with the clause the figure stands in ("Overtime is up to about 18
    grand a month" for "what's the overtime costing you each month?"): after "how many" or "how much" one
    shared word names what is asked; with no such cue two must be shared, as one may be the rep's context
    ("What's a store like that doing in sales?" is not asking how many stores)."""
    said_q = words(question)
    cue = next((k + 2 for k in range(len(said_q) - 1) if (said_q[k], said_q[k + 1]) in _FIGURE_CUES), None)
    asked = content_words(" ".join(said_q[cue:])) if cue is not None else content_words(question)
    asked -= content_words(" ".join(_AROUND | _ROUGHLY))  # "roughly" says how exact, not what is counted
    floor = 1 if cue is not None else 2
    best, best_score = "", (0, 0)
    for clause in (c for text in said for c in sentences(text, clauses=True)):
        in_clause = len(asked & content_words(clause))
        tokens = clause.split()
        for i, tok in enumerate(tokens):
            if not NUMBER.match(tok.lstrip("$£€~(")):
                continue
            start = i
            while start and i - start < 2 and tokens[start - 1].lower() in _AROUND:  # "close to 40"
                start -= 1
            if start < i and tokens[start].lower() == "to":
                start += 1  # "crept to about 18 grand": "about 18 grand", but "close to 40" stays
            end = i + 1
            while end < len(tokens) and end - start < _PHRASE_WORDS and tokens[end - 1][-1:] not in ",;:." \
                    and (words(tokens[end]) or [""])[0] not in _CLAUSE_WORDS:
                end += 1
            phrase = " ".join(tokens[start:end]).rstrip(",;:.")
            score = (in_clause, len(asked & content_words(phrase)))
            if in_clause >= floor and score > best_score:
                best, best_score = phrase, score
    return best


def _given(question: str) -> set[str]:
    """Words the rep says with a figure of their own ("across the five clinics", "your 40 trucks"): known
    to them, so not what the question asks for."""
    tokens = question.split()
    out: set[str] = set()
    for i, tok in enumerate(tokens):
        if COUNT.fullmatch(tok.strip(",.;:?!")) or NUMBER.fullmatch(tok.strip(",.;:?!")):
            out |= content_words(" ".join(tokens[i + 1:i + 3]))
    return out


def _a_figure(value: str) -> bool:
    """A fact that leads with a figure and names nobody ("About $1.9 million written off last year."): the
    answer to "how much", never to "who signs off". One that names someone anywhere, by name or as the
    buyer ("Capital under 25,000 is mine. Above that it goes to the owners."), says who, too; "a review
    board" says no one."""
    said = sentences(value) or [value]
    names = any(w[:1].isupper() for x in said for w in x.split()[1:]) or bool(_MINE & set(words(value)))
    return bool(NUMBER.search(said[0])) and not names


_MINE = frozenset({"i", "me", "mine", "myself"})
"""The buyer naming themself: "... is mine", "it's down to me"."""
_MONEY_WORDS = frozenset({"cost", "costs", "costing", "price", "priced"})
"""A question with one of these asks what something costs: only a fact with a figure answers it. Not "pay"
or "spend": "How often do you end up paying for overnight freight?" asks how often."""


_WHO = frozenset({"who", "whom", "whose", "who's"})
_WH = _WHO | {"what", "what's", "how", "how's", "why", "when", "where", "which"}


def _fits(question: str, value: str) -> bool:
    """Whether the fact holds the kind of thing the question asks for: a person for "who", a figure for what
    something costs ("What do more complaints cost you?" is not answered by how the monitoring works)."""
    said = words(question)
    asked = set(said)
    wh = next((w for w in said if w in _WH), "")
    if wh in _WHO:  # the question's first wh-word: "what it involves and who is part of it" asks what, too
        return not _a_figure(value)
    if _leads_with_count(value) and (asked & _FEELS or not asked & _DESCRIBES) and not asks_figure(question):
        return False  # "How are your nurses coping?" asks how, which "About 140 nurses ..." does not say
    return not (asked & _MONEY_WORDS) or bool(NUMBER.search(value) or spelled_figure(value))


_DESCRIBES = frozenset({"look", "looks", "like", "break", "breaks", "split", "spread", "tell", "describe",
                        "which"})
"""A question that asks what something is like or made of ("How does that look, studio by studio?", "Tell me
about the team"): a count answers it, as it answers one for a figure, and no other ("What would it mean if
you lost more nurses?" is not answered by "About 140 nurses ...")."""


_FEELS = frozenset({"feel", "feels", "felt", "feeling", "react", "reacted", "cope", "coping", "take"})
"""How people feel or cope ("How do the teachers feel? What's that like?"): never answered by a count."""


def _leads_with_count(value: str) -> bool:
    """The fact opens on a count ("Nineteen, including ...", "About 140 nurses ..."): it says how many. An
    amount ("About £2 million a year") is the answer to what something is worth, however asked."""
    head = value.split()[:3]
    first = [w for w in words(" ".join(head)) if w not in _ABOUT][:1]
    money = any(c in "".join(head) for c in "$£€%")
    return bool(first) and not money and bool(NUMBER.fullmatch(first[0]) or spelled_figure(first[0]))


_ABOUT = frozenset({"about", "around", "some", "over", "nearly", "almost", "roughly", "approximately",
                    "right", "just"})


def _told(piece: str, told: str) -> bool:
    """A figure of ``piece`` that the scenario's ``facts:`` already give (``told``, their text joined)."""
    return any(n.group(0).strip() in told for n in NUMBER.finditer(piece))


def _without_figures(piece: str, dropped: frozenset[str]) -> str:
    """``piece`` without its figures and the words around one (``dropped``): the topic a figure fact is
    named by ("22 buses" -> "buses")."""
    kept = (w for w in piece.split() if not NUMBER.fullmatch(w.strip(".,;:"))
            and w.lower().strip(".,;:") not in dropped)
    return " ".join(kept).strip(" .,;:")


def company_facts(company: str, facts: dict[str, str]) -> dict[str, str]:
    """The figures the buyer's company line gives ("Haddad's Coaches (Tamworth, 22 buses, 19 school runs)"),
    each a fact named by its words ("buses": "22 buses."): an owner knows how many buses they run, whether
    or not ``facts:`` says so. Figures a fact already gives are left to it."""
    inside = company.partition("(")[2].rpartition(")")[0]
    told = " ".join(facts.values())
    out: dict[str, str] = {}
    for piece in (p.strip() for p in inside.replace("; ", ", ").split(", ")):  # "42,000" is one figure
        if not (NUMBER.search(piece) or spelled_figure(piece)) or _told(piece, told):
            continue
        topic = _without_figures(piece, _ABOUT)
        if topic:
            out[topic] = piece[:1].upper() + piece[1:] + "."
    return out


_COUNTS = frozenset({"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                     "twelve", "dozen", "half"})
_GENERAL = frozenset({"typically", "typical", "usually", "average", "generally", "industry", "benchmark"})
_CLAUSE_OPENERS = (", ", "; ", " with ", " where ", " who ", " which ", " and ")


def _counted(piece: str) -> bool:
    """A figure in digits or words ("6,000 miles", "three people", "thirty sites")."""
    return bool(NUMBER.search(piece) or spelled_figure(piece) or set(words(piece)) & _COUNTS)


def context_figures(context: str, facts: dict[str, str]) -> dict[str, str]:
    """The figures the scenario's brief gives ("Her security team is three people.", "... a cooperative with
    6,000 miles of line"), each a fact named by its other words, as the clause that holds it: the rep has
    read the brief, and the buyer knows their own team. Figures a fact already gives are left to it."""
    told = " ".join(facts.values())
    out: dict[str, str] = {}
    for sentence in sentences(context):
        pieces = [sentence]
        for opener in _CLAUSE_OPENERS:
            pieces = [x for p in pieces for x in p.split(opener)]
        for piece in pieces:
            if piece.count("(") != piece.count(")"):  # "(English courses, about 400 adult students)"
                piece = piece.replace("(", "").replace(")", "").strip()
            if not _counted(piece) or _told(piece, told) or len(piece.split()) < 2 or (
                    set(words(piece)) & _GENERAL):
                continue  # "Agencies this size typically run $15,000 a month": others', not the buyer's
            topic = _without_figures(piece, _ABOUT | _COUNTS)
            if content_words(topic):
                out[topic] = as_sentence(piece)
    return out


@dataclass(frozen=True)
class Answer:
    """The fact a rep's question asks for (``topic`` empty: a figure or a date the scenario does not give)."""

    topic: str
    """The fact's key in ``facts`` (or a figure's topic from the brief)."""
    text: str
    """The fact as written, which the voice says in the buyer's first person."""
    question: str
    by_meaning: bool = False
    """The question is close in meaning to the fact (not only sharing its words): plainly about it."""
    when: bool = False
    """With no topic: the question asks when ("When does the board next meet?"), which no fact says."""


_REFERS = frozenset({"it", "they", "them", "its", "their"})
"""Pronouns that point back at a thing the rep just named ("How does it work?")."""


class FactBook:
    """The buyer's facts, matched to questions by meaning and shared words."""

    def __init__(self, facts: dict[str, str], embedder: Embedder | None = None, *,
                 min_similarity: float = 0.5, min_overlap: float = 0.5, words_floor: float = 0.0,
                 figures: dict[str, str] | None = None):
        """``figures``: facts that are a figure and nothing else (``company_facts``), which answer only a
        question for a figure ("How many buses?", never "How do the drivers check the buses?")."""
        self.figures_only = frozenset(figures or {})
        self.facts = {**facts, **(figures or {})}
        self.embedder = embedder if is_semantic(embedder) else None
        self.min_similarity = min_similarity
        self.min_overlap = min_overlap
        self.words_floor = words_floor
        self._keys = list(self.facts)
        self._texts = [f"{k}: {v}" for k, v in self.facts.items()]
        self._words = [content_words(k) | content_words(v) for k, v in self.facts.items()]
        # a topic put as a question word ("who decides") is asked by a question with that word ("Who signs
        # off on it?"), whatever else the two share
        self._topic_words = [content_words(k) | (set(words(k)) & _WH) for k in self._keys]
        # a word several topics share ("contract value", "contract end") tells none of them apart: it
        # weighs less in how much of a topic a question names (inverse document frequency over the topics)
        shared = Counter(w for t in self._topic_words for w in t)
        n = len(self._keys)
        self._weight = {w: math.log((n + 1) / c) for w, c in shared.items()}
        self._vecs: np.ndarray | None = None
        self._key_vecs: np.ndarray | None = None
        if self.embedder is not None and self._texts:
            self._vecs = self.embedder.embed(self._texts)
            self._key_vecs = self.embedder.embed(self._keys)

    def answer(self, rep_text: str, already: set[str] | frozenset[str] = frozenset()) -> Answer | None:
        """The best-matching fact for a question in the rep's turn, or None when nothing is asked.

        ``already``: topics answered earlier in the drill (a person does not say the same thing twice).
        """
        said = sentences(rep_text)
        questions = [s for s in said if is_question(s)]
        if not questions:
            return None
        # "A spring survey every year is a lot. How does it work?": the thing "it" names is the sentence's
        # before, so its words say what the question asks about too
        named = {q: said[k - 1] for k, q in enumerate(said)
                 if k and q in questions and not is_question(said[k - 1]) and _REFERS & set(words(q))}
        before = {q: content_words(x) for q, x in named.items()}
        best: tuple[tuple[float, float], int, str, bool] | None = None
        if self._keys:
            sims = self._similarities(questions)
            for qi, q in enumerate(questions):
                # A named time says when, not what about: "... your signature this week?" does not ask
                # about the weekly usage.
                unclocked = structure().time.sub(" ", q)
                qwords = content_words(unclocked) | (set(words(unclocked)) & _WH) | before.get(q, set())
                # Words shared with a fact say what an open question asks for; a yes/no question ("So the
                # worry is a site sold twice, is that right?") checks the rep's own words and an either-or
                # ("a headache for the crew, or did it go further?") asks which, unless it means the fact.
                by_words = question_form(q) not in ("closed", "either_or")
                given = _given(q)
                for fi, key in enumerate(self._keys):
                    if key in already or not _fits(q, self.facts[key]) or (
                            key in self.figures_only and not asks_figure(q)) or \
                            not counts_what_is_asked(q, self.facts[key]):
                        continue
                    if self._topic_words[fi] and self._topic_words[fi] <= given:
                        continue  # "... across the five clinics?": what the rep counts is known, not asked
                    topic = self._topic_words[fi]
                    overlap = self._named_share(qwords, topic)
                    shared = len(qwords & self._words[fi])
                    score = max(float(sims[qi, fi]) if sims is not None else 0.0,
                                overlap if shared >= 1 else 0.0)
                    # not a shared stem only ("builds" is not "buildings"), unless the rep named the whole
                    # topic of two words or more ("a spring survey ... how does it work?")
                    near = sims is None or float(sims[qi, fi]) >= self.words_floor or (
                        len(topic) >= 2 and overlap == 1.0)
                    passes = (sims is not None and float(sims[qi, fi]) >= self.min_similarity) or (
                        by_words and overlap >= self.min_overlap and near)
                    # words that tie ("members" and "renewed" both named) are told apart by meaning
                    sim = float(sims[qi, fi]) if sims is not None else 0.0
                    if passes and (best is None or (score, sim) > best[0]):
                        best = ((score, sim), fi, q, sim >= self.min_similarity)
        if best is not None:
            key = self._keys[best[1]]
            return Answer(topic=key, text=self.facts[key], question=best[2], by_meaning=best[3])
        present = next((q for q in questions if asks_present_way(q)), None)
        way = self._present_way(already) if present is not None else None
        if present is not None and way is not None:
            return Answer(topic=way, text=self.facts[way], question=present)
        deciders = next((q for q in questions if asks_who_decides(q)), None)
        who = next((k for k in self._keys if k not in already and set(words(k)) & _WHO), None)
        if deciders is not None and who is not None:
            return Answer(topic=who, text=self.facts[who], question=deciders)
        figure = next((q for q in questions if asks_figure(q)), None)
        if figure is not None:
            return Answer(topic="", text="", question=figure)
        dated = next((q for q in questions if asks_when(q)), None)
        return Answer(topic="", text="", question=dated, when=True) if dated is not None else None

    def _named_share(self, asked: set[str], topic: set[str]) -> float:
        """How much of a topic the question names, each word weighed by how few topics share it."""
        whole = sum(self._weight[w] for w in topic)
        return sum(self._weight[w] for w in asked & topic) / whole if whole else 0.0

    def _present_way(self, already: set[str] | frozenset[str]) -> str | None:
        """The fact that tells how the buyer does things now: a topic put in the present ("current
        tracking", "scheduling today"), else one that names a way of working ("systems"), else None."""
        for marks in (_NOW, _WAY_NOUNS):
            key = next((k for k in self._keys if k not in already and k not in self.figures_only
                        and set(words(k)) & marks), None)
            if key is not None:
                return key
        return None

    def _similarities(self, questions: list[str]) -> np.ndarray | None:
        """Each question's likeness to each fact: to the topic and its answer together, or to the topic
        alone, whichever is closer (a long answer full of names can hide what it is about)."""
        if self.embedder is None or self._vecs is None or self._key_vecs is None:
            return None
        qv = self.embedder.embed(questions)
        return np.asarray(np.maximum(qv @ self._vecs.T, qv @ self._key_vecs.T))
