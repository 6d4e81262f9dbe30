"""One reading of a rep's turn, shared by the buyer, the grader, the feedback and the app.

``TurnReader.read`` cuts the turn into sentences (``coach_engine.text``), embeds
them once with the packaged MiniLM, and lets the shipped model
(``reading.model``) give every sentence a probability for each behaviour a
trainer labels. What is read as present is a probability over the label's
threshold. On top of that sit a few facts that are structure, not judgement:
a value is *quantified* only in a sentence that holds a figure; a turn is
*passive* when it is short, asks nothing and does nothing helpful; a *monologue* is long
(``settle``, ``TurnReader.read``).

Gaming is read the same way: each sentence, and each plain-text reading of a
disguised sentence (``disguise``), gets an injection and a stuffing
probability; the turn's verdict quotes the sentence that shows it.

The result, ``TurnAnalysis``, is plain data (``to_dict``/``from_dict``) so the
session stores it with the turn and nobody reads the turn twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import text as T
from .features import HASH_DIM, STRUCT_NAMES, SentenceContext, context_texts, featurise
from .gaming import (
    GAMING_KINDS,
    KEYWORD_SHARE,
    LIKELY_STUFFING,
    SIGN_COLUMNS,
    SentenceSigns,
    strung_as_said,
    turn_features,
)
from .model import TaggerModel, load_model

if TYPE_CHECKING:
    from ..embeddings import Embedder
    from ..models import Scenario, Turn

__all__ = ["Gaming", "SentenceReading", "TurnAnalysis", "TurnReader", "a_list", "context_for", "settle"]

HELPFUL = frozenset({
    "acknowledge", "playback", "open_question", "explore_concern", "impact_question", "check_other_concerns",
    "state_value", "quantify_value", "give_proof", "tie_to_concern", "confirm", "next_step",
})
PASSIVE_MAX_WORDS = 8
MONOLOGUE_WORDS = 125
RUN_ON_WORDS = 50
MIN_STUFFED_WORDS = 8
"""Stuffing strings several cue phrases together; a turn shorter than this cannot."""


@dataclass
class SentenceReading:
    text: str
    start: int
    end: int
    probs: dict[str, float]
    labels: list[str]
    """The behaviours read as present (probability over the label's threshold)."""
    question: str | None = None
    negated: bool = False


@dataclass
class Gaming:
    kind: str
    """``injection`` or ``stuffing``."""
    probability: float
    start: int
    end: int
    quote: str


@dataclass
class TurnAnalysis:
    text: str
    sentences: list[SentenceReading] = field(default_factory=list)
    relevance: float = 0.0
    """How close the turn sits to what the buyer raised (max cosine of a sentence to the buyer's line)."""
    gaming: Gaming | None = None
    strung: float = 0.0
    """The stuffing head's probability for a turn of the strung-together form (0 for speech), kept below the
    verdict too (``listed``)."""
    words: int = 0
    passive: bool = False
    monologue: bool = False
    model_version: str = ""

    @property
    def listed(self) -> bool:
        """Probably stuffing though short of the verdict (``gaming.LIKELY_STUFFING``)."""
        return self.gaming is None and self.strung >= LIKELY_STUFFING

    def has(self, label: str) -> bool:
        return any(label in s.labels for s in self.sentences)

    def labelled(self, label: str) -> list[SentenceReading]:
        return [s for s in self.sentences if label in s.labels]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TurnAnalysis:
        sents = [SentenceReading(**s) for s in data.get("sentences", [])]
        gaming = Gaming(**data["gaming"]) if data.get("gaming") else None
        rest = {k: v for k, v in data.items() if k not in ("sentences", "gaming")}
        return cls(sentences=sents, gaming=gaming, **rest)


def context_for(scenario: Scenario, history: Sequence[Turn], concern_revealed: bool) -> SentenceContext:
    last = next((t.text for t in reversed(history) if t.role == "buyer"), scenario.buyer.opening)
    return SentenceContext(
        buyer_line=last,
        value_points=list(scenario.product.value_points),
        proof_points=list(scenario.product.proof_points),
        topic=[scenario.context, scenario.product.summary, scenario.title, scenario.buyer.opening],
        concern=scenario.buyer.hidden_concern if concern_revealed else None,
    )


_LIST_MARKS = (",", "+", ";", "/")
KEYWORD_RUN = 0.25
KEYWORD_RUN_WORDS = 5
"""Below this share of function words, or with this many words in a row and no function word between, a
sentence is a run of keywords ("we do dispatch invoicing payments routing texts"): a list without a mark
between its items."""


def a_list(sentences: list[SentenceReading]) -> bool:
    """Whether the turn's claims list things (the guide's feature dump "lists features or specs"): three
    items or more across its value sentences, counted by their marks and "and"s, or a run of keywords.
    All 268 labelled turns with a dump pass; "It tracks dust and vibration live." does not."""
    said = [s.text for s in sentences if {"feature_dump", "state_value"} & set(s.labels)]
    items = sum(1 + sum(t.count(m) for m in _LIST_MARKS) + T.words(t).count("and") + len(T.sentences(t)) - 1
                for t in said)
    return items >= 3 or any(T.function_share(t) < KEYWORD_RUN or _keyword_run(t) >= KEYWORD_RUN_WORDS
                             for t in said)


def _keyword_run(text: str) -> int:
    """The longest run of words in ``text`` with no function word between them."""
    best = run = 0
    for w in T.words(text):
        run = 0 if T.is_function_word(w) else run + 1
        best = max(best, run)
    return best


def _asks_about_something(s: SentenceReading) -> bool:
    """A question with two content words or more ("Trucks per week, roughly?"), or one that asks what, how
    or why ("What's the more?", "How so?"), not a bare "Okay?"."""
    return s.question is not None and (len(T.content_words(s.text)) > 1 or s.question == "open")


class TurnReader:
    """Reads rep turns with one shipped model and one sentence encoder (both built once per process)."""

    def __init__(self, encoder: Embedder, model: TaggerModel | None = None):
        self.encoder = encoder
        self.model = model or load_model()

    def warm(self, ctx: SentenceContext) -> None:
        """Embed what reading a turn in ``ctx`` needs besides the turn's own sentences (the buyer's last
        line, the scenario's texts), so that a call made while the rep types leaves ``read`` only theirs.
        The language identifier a strung-together turn asks (``text.in_other_language``) loads here too."""
        self.encoder.embed(context_texts(ctx))
        T.language_identifier()

    def read(self, text: str, ctx: SentenceContext) -> TurnAnalysis:
        spans = T.sentence_spans(text, clauses=False)
        n_words = len(T.words(text))
        out = TurnAnalysis(text=text, words=n_words, model_version=self.model.version)
        if not spans:
            out.passive = True
            return out
        sents = [text[a:b] for a, b in spans]
        disguised = self._disguise_readings(sents)
        emb, rest = featurise(sents + [d for _, d in disguised], ctx, self.encoder)
        probs, fam_probs = self.model.probabilities(emb, rest)
        families = list(self.model.families.items())
        fam_thr = self.model.family_thresholds if self.model.family_thresholds is not None else np.zeros(0)
        labels = self.model.labels
        thr = self.model.thresholds
        li = {name: k for k, name in enumerate(labels)}
        buyer_sim = rest[: len(sents), HASH_DIM + STRUCT_NAMES.index("sim_buyer")]
        for i, ((a, b), s) in enumerate(zip(spans, sents, strict=True)):
            p = probs[i]
            present = [labels[k] for k in range(len(labels)) if p[k] >= thr[k]]
            for f, (_, members) in enumerate(families):
                # The family is surely there though no member is: the likeliest member says which.
                if fam_probs[i, f] >= fam_thr[f] and not set(members) & set(present):
                    present.append(max(members, key=lambda m: p[li[m]]))
            named = {name: float(p[k]) for name, k in li.items()}
            present = untangled(settle(s, present), named)
            out.sentences.append(SentenceReading(
                text=s, start=a, end=b, probs={name: round(v, 3) for name, v in named.items()},
                labels=present, question=T.question_form(s), negated=T.has_negation(s)))
        if out.has("feature_dump") and not a_list(out.sentences):
            for sr in out.sentences:  # one feature said plainly is no dump, however pitchy
                sr.labels = [x for x in sr.labels if x != "feature_dump"]
        out.relevance = round(float(np.max(buyer_sim)), 3) if len(buyer_sim) else 0.0
        # Disguised readings add to their sentence's gaming signs.
        cols = [HASH_DIM + STRUCT_NAMES.index(name) for name in SIGN_COLUMNS]
        marks = rest[:, cols].astype(float)
        for j, (i, _) in enumerate(disguised):
            row = len(sents) + j
            marks[i] = np.maximum(marks[i], marks[row])
            for g in GAMING_KINDS:
                q = float(probs[row][li[g]])
                sr = out.sentences[i]
                if q > sr.probs[g]:
                    sr.probs[g] = round(q, 3)
        signs = [SentenceSigns.of(len(T.words(s.text)), s.probs, marks[i], commas=s.text.count(","),
                                  question=s.question is not None)
                 for i, s in enumerate(out.sentences)]
        out.gaming = self._gaming(out, turn_features(signs, out.relevance))
        helpful = any(set(s.labels) & HELPFUL for s in out.sentences)
        neutral = HELPFUL | {"closed_question", "logistics_question"}
        flagged = any(set(s.labels) - neutral for s in out.sentences)
        # "Burned before?" engages, and so does any question about something ("Trucks per week, roughly?")
        # the heads left unlabelled; a bare "Okay?" does not
        asked = any("closed_question" in s.labels or _asks_about_something(s) for s in out.sentences)
        out.passive = not helpful and not asked and not flagged and n_words <= PASSIVE_MAX_WORDS
        # A run-on is measured on clauses, as the rules did: a long sentence a rep breaks with semicolons or
        # dashes is paced speech, not one breathless 50-word sentence.
        longest = max(len(T.words(text[a:b])) for a, b in T.sentence_spans(text, clauses=True))
        out.monologue = n_words > MONOLOGUE_WORDS or longest > RUN_ON_WORDS or out.has("feature_dump")
        return out

    def _disguise_readings(self, sents: list[str]) -> list[tuple[int, str]]:
        from .disguise import readings

        extra: list[tuple[int, str]] = []
        for i, s in enumerate(sents):
            for r in readings(s):
                if r.strip() and r != s:
                    extra.append((i, r))
        return extra[:12]

    def _gaming(self, a: TurnAnalysis, row: np.ndarray) -> Gaming | None:
        """The turn heads' verdict (``reading.gaming``): injection quotes its most suspicious sentence,
        stuffing the whole turn. The sentences' gaming labels follow."""
        p_inj, p_stuff = (float(v) for v in self.model.gaming_probabilities(row))
        t_inj, t_stuff = (float(v) for v in self.model.gaming_thresholds)
        for s in a.sentences:
            s.labels = [x for x in s.labels if x not in GAMING_KINDS]
        if p_inj >= t_inj:
            s = max(a.sentences, key=lambda x: x.probs["injection"])
            s.labels.append("injection")
            return Gaming("injection", round(p_inj, 3), s.start, s.end, s.text)
        if a.words < MIN_STUFFED_WORDS or not strung_as_said(row, [s.text for s in a.sentences]):
            return None  # "ok" is passive; whole spoken sentences are speech, not cue phrases strung together
        a.strung = round(p_stuff, 3)
        if p_stuff < t_stuff:
            return None
        for s in a.sentences:
            if s.probs["stuffing"] >= 0.5:
                s.labels.append("stuffing")
        start, end = a.sentences[0].start, a.sentences[-1].end
        return Gaming("stuffing", round(p_stuff, 3), start, end, a.text[start:end])


_CONDITIONS = frozenset({"if", "unless", "once", "when"})
"""Words that open a condition: a time inside one is when something else would happen."""


_TAKES_NOTHING_IN = ("disparage", "dismiss")
_PRESENT = frozenset({"today", "now"})
"""Time words that, in a question about the buyer, say how things are, not when to act."""
_AN_ACTION = frozenset({"i", "i'll", "i'd", "we'll", "let's", "let", "when", "can", "could", "will"})
"""Words of an action asked for or proposed ("I'll call them today", "let's start now", "When can you
start today?"), not of how things are."""
_CLOSING = frozenset({"sign", "signatur", "contract", "commit", "decid", "decis", "deal", "purchas", "buy",
                      "start"})
"""Stems of the deal itself: a question about it "today" asks for it now."""


def asks_how_things_are(sentence: str) -> bool:
    """An open question about the buyer's world whose only time is the present ("How do you handle routing
    today?", "What are you paying now?"): it asks how things are, with no deadline, no action asked for or
    offered, no part of the deal and no "why not" in it."""
    if T.question_form(sentence) != "open":
        return False
    said = T.words(sentence)
    if _AN_ACTION & set(said) or ("why" in said and ({"not", "don't", "wait"} & set(said))):
        return False
    if _CLOSING & {T.stem(w) for w in said}:
        return False  # "What stops you signing it today?": the deal itself, asked for now
    st = T.structure()
    times = [m.group(0).lower() for pattern in (st.time, st.urgency) for m in pattern.finditer(sentence)]
    return bool(times) and set(times) <= _PRESENT


def untangled(present: list[str], probs: dict[str, float]) -> list[str]:
    """The labels, with an acknowledgement and a put-down or brush-off never both: the surer one stays.

    Trainers never give one sentence both (none of the 765 labelled disparaging sentences and none of the
    767 dismissive ones is also labelled acknowledge): running something down takes nothing in, however
    warm its opening ("Honestly, their kit is a toy"), and a sentence that says it won't knock the
    incumbent is respect, not a put-down. Both over their thresholds is the heads' doubt between the two,
    and their probabilities settle it. A put-down, brush-off or contradiction read surer than the
    acknowledgement, even short of its own flag, takes the credit away too (probe 24: "Honestly, X isn't a
    real system ...", after the buyer named X, read argue 0.75 and acknowledge 0.46, and the scorecard
    praised it as hearing the buyer): the guide's "I understand, but ..." that argues acknowledges nothing."""
    rough = [x for x in _TAKES_NOTHING_IN if x in present]
    if "acknowledge" not in present:
        return present
    if not rough:
        # a put-down or a contradiction read surer than the acknowledgement, though short of its own flag,
        # takes nothing in either: no credit for hearing the buyer ("Honestly, X isn't a real system ...")
        doubt = max(probs.get(x, 0.0) for x in (*_TAKES_NOTHING_IN, "argue"))
        return [x for x in present if x != "acknowledge"] if doubt > probs["acknowledge"] else present
    if max(probs[x] for x in rough) >= probs["acknowledge"]:
        return [x for x in present if x != "acknowledge"]
    return [x for x in present if x not in rough]


def settle(sentence: str, present: list[str]) -> list[str]:
    """The labels over threshold, less those the sentence's own structure rules out.

    These are facts of definition, not judgement: a value is quantified only where a figure stands, and
    always where a claim says how a figure changes ("from 45 minutes to 10"; 201 of 202 labelled claims); a
    sentence that hands the timing to the buyer and names no time of its own does not push (none of the
    labelled sentences that do is labelled pressure), nor does a step offered without urgency ("I could come
    by the depot Thursday at 8"; 288 of 292 such labelled sentences are not pressure); the guide's feature
    dump ties to nothing, so a spoken sentence of proof or a tie is not one (a string of keywords that names
    a customer still is); a statement whose every time sits in its opening condition ("If you renew in
    June, you're locked in") proposes nothing (none of the ten labelled such sentences is a next step; seven
    are pressure); an open question about the buyer's world whose only time is the present ("What are you
    paying now?", ``asks_how_things_are``) names no deadline (none of the 169 labelled such questions that
    ask for no action, name no part of the deal and have no "why not" is pressure); a concession said by
    denying its opposite ("$389 is not small", ``text.litotes``) grants the buyer's point, so it neither
    argues nor dismisses (none of the 33 labelled ones does); a leave-taking ("Have a great weekend!",
    ``structure.sign_off``) is no small talk (none of the 198 labelled ones is off-topic).

    Not here: letting a surer on-topic reading overrule ``off_topic``. Tried in session 16, it credited a
    small-talk question the explore head was over-sure of, and a scenario-holdout small-talk reply rose from
    level 1 to 4; the buyer instead lets a doubtful off-topic reading pass (``buyer.director``)."""
    out = list(present)
    if "quantify_value" in out and not (T.NUMBER.search(sentence) or T.spelled_figure(sentence)):
        out.remove("quantify_value")
    st = T.structure()
    if "quantify_value" not in out and {"state_value", "tie_to_concern", "give_proof"} & set(out) \
            and st.change.search(sentence):
        out.append("quantify_value")  # a claim saying how a figure changes quantifies it
    if "pressure" in out and st.permissive.search(sentence) and not st.time.search(sentence):
        out.remove("pressure")  # "whenever you're ready": the buyer keeps the timing, so nothing pushes
    elif "pressure" in out and st.offer.search(sentence) and not st.urgency.search(sentence):
        out.remove("pressure")  # an offer ("... if that suits you") is the buyer's to take or leave
    elif "pressure" in out and asks_how_things_are(sentence):
        out.remove("pressure")  # "How do you plan routes today?": the present, asked about, is no deadline
    if "next_step" in out and T.first_word(sentence) in _CONDITIONS and not sentence.rstrip().endswith("?"):
        comma = sentence.find(",")
        times = [m.start() for m in st.time.finditer(sentence)]
        if comma > 0 and times and max(times) < comma and not st.propose.search(sentence, comma):
            out.remove("next_step")  # "If we hold off till May, ...": the condition's time, no step's
    if {"argue", "dismiss"} & set(out) and T.litotes(sentence):
        out = [x for x in out if x not in ("argue", "dismiss")]  # "$389 is not small": granted, not argued
    if "off_topic" in out and st.sign_off.search(sentence) and not sentence.rstrip().endswith("?"):
        out.remove("off_topic")  # "Have a good weekend!": taking leave is courtesy, not a change of subject
    if ("feature_dump" in out and {"give_proof", "tie_to_concern"} & set(out)
            and T.function_share(sentence) >= KEYWORD_SHARE):
        out.remove("feature_dump")
    return out
