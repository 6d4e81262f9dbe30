"""The rule-based reading of a rep turn (``SCRIMMAGE_READER=rules``), kept until the learned reader
(``coach_engine.reading``) meets every eval bar; issue 12 retires it with ``signal_rules.yaml``.

How detection works (issue 3): a rep turn is split into sentences/clauses with
their offsets, so every ``Signal.quote`` is an exact span of the text. Each
sentence is checked two ways, both driven by ``signal_rules.yaml``:

* lexical cue patterns (fast, precise, explainable), and
* embedding similarity to prototype phrasings, so a paraphrase that no pattern
  anticipated still counts.

All sentences of a turn plus the scenario-side texts go to the embedder in one
batch (a ``CachedEmbedder`` makes the scenario side free after the first
turn); prototype vectors are computed once per embedder. ``tie_to_concern`` is
purely semantic: a value-bearing sentence compared with the revealed hidden
concern, or else with the objection and the buyer's last line.

Gaming is a first-class case. Text aimed at the simulation or the grader is
``injection``; a turn that strings cue phrases together with little
scenario-specific content is ``keyword_stuffing``. In either case the helpful
signals of that turn are marked ``relevant=False`` so neither the director nor
the grader credits them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml

from .models import Scenario
from .signals import NEGATIVE, POSITIVE, Behaviour, Signal, SignalContext, SignalSet
from .text import sentence_spans, whole_span

if TYPE_CHECKING:
    from .embeddings import Embedder

__all__ = ["detect_signals", "load_signal_rules"]


# --- rules -------------------------------------------------------------------------

RULES_PATH = Path(__file__).resolve().parent / "signal_rules.yaml"
_FLAGS = re.IGNORECASE


@dataclass
class _BehaviourRule:
    behaviour: Behaviour
    patterns: list[re.Pattern[str]]
    prototypes: list[str]
    threshold: float
    question: bool


@dataclass
class _Rules:
    behaviours: dict[Behaviour, _BehaviourRule]
    semantic: dict[str, float]
    turn: dict[str, float]
    negative_words: re.Pattern[str]
    third_party: re.Pattern[str]
    feature_words: re.Pattern[str]
    jargon: re.Pattern[str]
    activity: re.Pattern[str]
    when: re.Pattern[str]
    propose: re.Pattern[str]
    low_risk: re.Pattern[str]
    raw: dict[str, Any]


@lru_cache(maxsize=4)
def load_signal_rules(path: str = str(RULES_PATH)) -> _Rules:
    """Parse and compile the cue file once per process."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    rules: dict[Behaviour, _BehaviourRule] = {}
    for name, spec in data["behaviours"].items():
        b = Behaviour(name)
        rules[b] = _BehaviourRule(
            behaviour=b,
            patterns=[re.compile(p, _FLAGS) for p in spec.get("patterns") or []],
            prototypes=list(spec.get("prototypes") or []),
            threshold=float(spec.get("threshold", 0.6)),
            question=bool(spec.get("question", False)),
        )
    beh = data["behaviours"]
    ns = data["next_step"]
    return _Rules(
        behaviours=rules,
        semantic={k: float(v) for k, v in data["semantic"].items()},
        turn={k: float(v) for k, v in data["turn"].items()},
        negative_words=re.compile(beh["disparage"]["negative_words"], _FLAGS),
        third_party=re.compile(beh["disparage"]["third_party"], _FLAGS),
        feature_words=re.compile(beh["monologue"]["feature_words"], _FLAGS),
        jargon=re.compile(data["jargon"], _FLAGS),
        activity=re.compile(ns["activity"], _FLAGS),
        when=re.compile(ns["when"], _FLAGS),
        propose=re.compile(ns["propose"], _FLAGS),
        low_risk=re.compile(ns["low_risk"], _FLAGS),
        raw=data,
    )


# --- sentences ---------------------------------------------------------------------

_TRANSITION = re.compile(r"\s*(?:anyway|regardless|either\s+way|be\s+that\s+as\s+it\s+may)\b", re.I)
_WORD = re.compile(r"[A-Za-z0-9$%']+")
_OPEN_START = re.compile(
    r"^\W*(and\s+|so\s+|but\s+|then\s+|okay,?\s+|ok,?\s+|also,?\s+|and\s+so\s+)?"
    r"(what|what's|whats|how(?!\s+about)|how's|why|which|where|when|who|whose|tell\s+me|walk\s+me|help\s+me|describe|"
    r"explain|talk\s+me|share|i'?m\s+curious|i'?d\s+love\s+to\s+(hear|understand|know)|"
    r"(could|can|would)\s+you\s+(tell|walk|share|explain|help|describe|talk|say\s+more|give\s+me))",
    re.IGNORECASE,
)
_OPEN_CLAUSE = re.compile(r"[,;:]\s*(and\s+|so\s+|but\s+)?((what|how|why|which|where|who)\b(?!\s+about\b)|"
                          r"(can|could|may)\s+i\s+ask\s+(what|how|why|who|where|which|about|whether|if)\b)",
                          re.IGNORECASE)
_CLOSED_START = re.compile(
    r"^\W*(and\s+|so\s+|but\s+|then\s+|okay,?\s+|ok,?\s+|also,?\s+)?"
    r"(is|are|am|do|does|did|can|could|would|will|should|have|has|had|was|were|shall|may|isn'?t|aren'?t|"
    r"don'?t|doesn'?t|didn'?t|won'?t|wouldn'?t|couldn'?t|haven'?t|hasn'?t)\b",
    re.IGNORECASE,
)
_QUESTIONISH = re.compile(
    r"^\W*(tell\s+me|walk\s+me\s+through|help\s+me\s+understand|i'?m\s+curious|i'?d\s+love\s+to\s+(hear|understand)|"
    r"(and\s+|so\s+|but\s+)?(can|could|may)\s+i\s+ask\s+(what|how|why|who|where|which|about|whether|if))",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"(\$\s?\d[\d,.]*\s*(k|m|million|thousand|bn)?|\b\d[\d,.]*\s*(%|percent|x\b|k\b|hours?|hrs?|minutes?|days?|weeks?|"
    r"months?|years?|points?|trucks?|seats?|stores?|sites?|clients?|members?|rooms?|times)|\b\d[\d,.]*\b|"
    r"\b(half|double|doubled|triple|tripled|twice|three\s+times|one[- ]third|a\s+third|a\s+quarter)\b)",
    re.IGNORECASE,
)
_PAST = re.compile(r"\b(last|ago|yesterday|previous|previously|used\s+to|had|was|were|did)\b", re.IGNORECASE)
_DURATION = re.compile(r"\b(\d+|a\s+few|a\s+couple\s+of|an?|half\s+an?|one|two|ten|fifteen|twenty|thirty|"
                       r"forty[- ]five|sixty|ninety)[- ](minutes?|mins?|hours?|hrs?)\b", re.IGNORECASE)
"""A meeting length ("30 minutes", "an hour"): with a time and a proposal, that is a concrete step."""
_CLAIM = re.compile(
    r"^\W*(and\s+|so\s+|but\s+)?(they|he|she|their|its|customers?|clients?)\b|"
    r"\b(cut|saved|reduced|went\s+from|went\s+live|caught|lifted|dropped|grew|halved|doubled|improved|"
    r"recovered|avoided|added|delivered|achieved)\b(?!\s+(it|this|that)\b)",
    re.IGNORECASE,
)
"""A reported result ("Kessler cut downtime in four weeks"): time phrases in it are not a proposal."""
_STOP = frozenset(
    (  # noqa: SIM905
        "a an the and or but if so to of in on at by for with from into over about as is are was were be "
        "been being it its this that these those i you we they he she me my your our their his her them "
        "us do does did have has had can could would will should may might must not no yes just really "
        "very also than then there here what which who whom whose when where why how all any some more "
        "most other such only own same too let lets let's i'm you're we're it's that's i'd i'll you'll "
        "we'll don't can't won't get got make made "
    ).split()
)


_META_TARGET = re.compile(
    r"\b(instructions?|instructed|prompts?|simulat\w*|grader|grading|graded|scor\w*|rate|rating|evaluat\w*|"
    r"ai|assistant|model|bot|chatbot|llm|system|role|roleplay|character|persona|rules?|rubric|script|"
    r"marks?|out\s+of|\d\s*/\s*\d|transcript|drill|outcome|resistance|programming|told|convinced|"
    r"the\s+buyer|this\s+conversation|say\s+yes|respond|reply|output)\b",
    re.IGNORECASE,
)
"""Words that show text is aimed at the simulation, the grader or the model, not at the buyer."""


def _words(s: str) -> list[str]:
    return _WORD.findall(s.lower())


_PROBE = re.compile(
    r"^\W*([^;?!]{0,100}[,:—–]\s*)?(and\s+|so\s+|but\s+|okay,?\s+|also,?\s+)?"
    r"(is|are|has|have|had|did|does|do|was|were)\s+"
    r"(?!i\b|we\b|us\b|our\b|my\b|there\s+(any|a)\s+(chance|way)|(that|this|it)\s+(ok|okay|fine|alright|all\s+right|"
    r"good|work|sound|help|make\s+sense)\b)", re.IGNORECASE)
_US = re.compile(r"\b(we|us|our|i|me|my)\b", re.IGNORECASE)
_ALTERNATIVE = re.compile(r"\bor\b[^?]*\?\s*$", re.IGNORECASE)
"""An either/or question ("is it time and bandwidth, or the commitment?"): the buyer chooses and explains,
so it opens the concern up like an open question (unless it offers times: "Wednesday or Thursday?")."""


def _probes_situation(sentence: str) -> bool:
    """A closed question about the buyer's situation explores it (added by the grader, issue 4):
    "Has that number moved this year?", "Is hiring part of what's eating your time?", also after a
    short lead-in ("Separate question: is anyone asking you to ...?") -- not a
    proposal ("Would it help if I...", "Can we talk Thursday?") and not about us."""
    m = _PROBE.search(sentence)
    if not m:
        return False
    lead = sentence[:m.start(3)]
    if len(lead.split()) > 3:  # after a lead-in ("Quick question before I do: is there ...?"), the question
        return not _US.search(" ".join(sentence[m.start(3):].split()[:4]))
    return not _US.search(" ".join(sentence.split()[:4]))


def _continued_questions(text: str, spans: list[tuple[int, int]], questions: list[bool]) -> list[bool]:
    """A clause cut off by a dash belongs to the question it runs into (added by the grader, issue 4):
    "Can I ask what's behind the freeze — is it a general hold?" is one question, split in two."""
    out = list(questions)
    for k in range(len(spans) - 2, -1, -1):
        gap = text[spans[k][1]:spans[k + 1][0]]
        if out[k + 1] and not out[k] and _DASH_GAP.fullmatch(gap):
            out[k] = True
    return out


_DASH_GAP = re.compile(r"\s*[—–-]\s*")
_TALK = re.compile(r"\b(talk|chat|speak|meet|connect|call|catch\s+up|compare\s+notes)\b", re.IGNORECASE)


def _is_question(sentence: str) -> bool:
    return sentence.rstrip().endswith("?") or bool(_QUESTIONISH.match(sentence))


# --- prototypes ----------------------------------------------------------------------

_PROTO_CACHE: dict[str, tuple[list[Behaviour], np.ndarray]] = {}


def _prototype_matrix(embedder: Embedder, rules: _Rules) -> tuple[list[Behaviour], np.ndarray]:
    key = f"{embedder.name}:{embedder.dim}:{id(rules)}"
    if key not in _PROTO_CACHE:
        owners: list[Behaviour] = []
        texts: list[str] = []
        for b, rule in rules.behaviours.items():
            for p in rule.prototypes:
                owners.append(b)
                texts.append(p)
        _PROTO_CACHE[key] = (owners, embedder.embed(texts))
    return _PROTO_CACHE[key]


def _semantic(embedder: Embedder) -> bool:
    """Hashing embeddings are not semantic: similarity-only judgements are skipped with them."""
    from .embeddings import is_semantic

    return is_semantic(embedder)


def _scenario_texts(ctx: SignalContext) -> dict[str, list[str]]:
    s = ctx.scenario
    concern = [s.buyer.hidden_concern] if ctx.concern_revealed else []
    last = ctx.last_buyer_line()
    objection = list(dict.fromkeys([s.buyer.opening, last]))
    return {
        "concern": concern,
        "objection": objection,
        "value": list(s.product.value_points),
        "proof": list(s.product.proof_points),
        "topic": [s.context, s.product.summary, s.title, *s.product.value_points, s.buyer.opening, last,
                  *([s.buyer.next_step] if s.buyer.next_step else [])],
    }


def _competitor_names(scenario: Scenario) -> re.Pattern[str] | None:
    own = set(_words(" ".join([scenario.product.name, scenario.buyer.name, scenario.buyer.company])))
    text = " ".join([scenario.context, scenario.buyer.opening, scenario.buyer.hidden_concern, scenario.title])
    names = {
        m.group(0)
        for m in re.finditer(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+[A-Z]?[a-z]*\b", text)
        if m.group(0).lower() not in own and m.group(0).lower() not in _STOP and len(m.group(0)) > 3
    }
    if not names:
        return None
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(names)) + r")\b")


# --- detection -----------------------------------------------------------------------


def detect_signals(text: str, ctx: SignalContext, embedder: Embedder) -> SignalSet:
    """Every behaviour shown in one rep turn, each with the exact sentence that shows it."""
    rules = load_signal_rules()
    out = SignalSet(text=text)
    spans = sentence_spans(text)
    if not spans:
        return out
    sentences = [text[s:e] for s, e in spans]
    words_total = len(_words(text))
    semantic = _semantic(embedder)

    # One batch for the turn: sentences + scenario-side texts (cached by CachedEmbedder).
    groups = _scenario_texts(ctx)
    flat: list[str] = list(sentences)
    offsets: dict[str, tuple[int, int]] = {}
    for name, items in groups.items():
        offsets[name] = (len(flat), len(flat) + len(items))
        flat.extend(items)
    vectors = embedder.embed(flat)
    sent_vecs = vectors[: len(sentences)]

    def group_sim(name: str) -> np.ndarray:
        a, b = offsets[name]
        if b == a:
            return np.zeros(len(sentences), dtype=np.float32)
        return np.asarray((sent_vecs @ vectors[a:b].T).max(axis=1))

    owners, proto = _prototype_matrix(embedder, rules)
    proto_sims = sent_vecs @ proto.T if len(owners) else np.zeros((len(sentences), 0))

    found: dict[tuple[Behaviour, int], Signal] = {}

    def add(b: Behaviour, i: int, conf: float = 1.0, source: str = "rules", relevant: bool = True) -> None:
        key = (b, i)
        if key in found and found[key].confidence >= conf:
            return
        s, e = spans[i]
        found[key] = Signal(b, text[s:e], s, e, round(float(conf), 3), relevant, source)

    questions = _continued_questions(text, spans, [_is_question(s) for s in sentences])
    competitor = _competitor_names(ctx.scenario)
    cue_hits = 0
    cue_words = 0

    for i, sent in enumerate(sentences):
        q = questions[i]
        # Lexical cues per behaviour.
        for b, rule in rules.behaviours.items():
            if rule.question and not q:
                continue
            for pat in rule.patterns:
                m = pat.search(sent)
                if m:
                    add(b, i)
                    if b in POSITIVE:
                        cue_hits += 1
                        cue_words += min(len(_words(m.group(0))), 4)
                    break
        # Semantic: nearest prototypes.
        if semantic and len(owners):
            best: dict[Behaviour, float] = {}
            for j, b in enumerate(owners):
                v = float(proto_sims[i, j])
                if v > best.get(b, -1.0):
                    best[b] = v
            for b, v in best.items():
                rule = rules.behaviours[b]
                if rule.question and not q:
                    continue
                if v >= rule.threshold:
                    if b is Behaviour.INJECTION and not _META_TARGET.search(sent):
                        continue  # an imperative to the buyer ("You sign it.") is not aimed at the simulation
                    if b is Behaviour.PRESSURE and q and _TALK.search(sent) and rules.propose.search(sent):
                        continue  # asking for a conversation ("Can we talk before Friday?") is not a push
                    add(b, i, v, "embeddings")
        # Questions: open / closed.
        if q:
            if _OPEN_START.match(sent) or _QUESTIONISH.match(sent) or _OPEN_CLAUSE.search(sent):
                add(Behaviour.OPEN_QUESTION, i)
            elif _ALTERNATIVE.search(sent) and _probes_situation(sent) and not rules.when.search(sent) \
                    and not rules.propose.search(sent):
                add(Behaviour.OPEN_QUESTION, i)
                add(Behaviour.EXPLORE_CONCERN, i)
            elif _CLOSED_START.match(sent) or sent.rstrip().endswith("?"):
                add(Behaviour.CLOSED_QUESTION, i)
                if _probes_situation(sent) and not rules.when.search(sent) and \
                        not any(k[1] == i and k[0] in NEGATIVE for k in found):
                    add(Behaviour.EXPLORE_CONCERN, i)
        # Disparaging: a negative word about a third party.
        if rules.negative_words.search(sent) and (
            rules.third_party.search(sent) or (competitor is not None and competitor.search(sent))
        ) and not rules.behaviours[Behaviour.ACKNOWLEDGE].patterns[7].search(sent):
            add(Behaviour.DISPARAGE, i)
        # Jargon counts toward stuffing only.
        for m in rules.jargon.finditer(sent):
            cue_hits += 1
            cue_words += min(len(_words(m.group(0))), 4)

    # Explore by topic: an open question about what the buyer just raised.
    if semantic:
        obj_sim = group_sim("objection")
        for i, q in enumerate(questions):
            on_topic = obj_sim[i] >= rules.semantic["explore_by_topic"]
            if q and (Behaviour.OPEN_QUESTION, i) in found and on_topic:
                add(Behaviour.EXPLORE_CONCERN, i, float(obj_sim[i]), "embeddings")
        # Playback: a statement that restates what the buyer just said.
        for i, q in enumerate(questions):
            if not q and obj_sim[i] >= rules.semantic["playback"]:
                add(Behaviour.SUMMARIZE, i, float(obj_sim[i]), "embeddings")

    # Value: semantic match to the product's value points; proof to its proof points.
    if semantic:
        val_sim = group_sim("value")
        proof_sim = group_sim("proof")
        for i in range(len(sentences)):
            if not questions[i] and val_sim[i] >= rules.semantic["value_point"]:
                add(Behaviour.STATE_VALUE, i, float(val_sim[i]), "embeddings")
            if not questions[i] and proof_sim[i] >= rules.semantic["proof_point"]:
                add(Behaviour.GIVE_PROOF, i, float(proof_sim[i]), "embeddings")

    # Quantified value: a number in a value-bearing sentence (not just a date in a next step).
    value_idx = [
        i for i in range(len(sentences))
        if (Behaviour.STATE_VALUE, i) in found or (Behaviour.GIVE_PROOF, i) in found
    ]
    for i in value_idx:
        if _NUMBER.search(sentences[i]):
            add(Behaviour.QUANTIFY_VALUE, i)

    # Tie to concern: value-bearing sentences close to the revealed concern (or the objection).
    if semantic:
        target = "concern" if ctx.concern_revealed else "objection"
        tie_sim = group_sim(target)
        if ctx.concern_revealed:
            tie_sim = np.maximum(tie_sim, group_sim("objection") - 0.05)
        for i in range(len(sentences)):
            benefit = rules.behaviours[Behaviour.STATE_VALUE].patterns[0]
            bearing = i in value_idx or benefit.search(sentences[i])
            if bearing and not questions[i] and tie_sim[i] >= rules.semantic["tie_to_concern"]:
                add(Behaviour.TIE_TO_CONCERN, i, float(tie_sim[i]), "embeddings")

    # Next step: a proposal of an activity with a time, looked at over the whole turn. Reps split a
    # step over short sentences ("Let's book 30 minutes in November. You and your father. Tuesday the
    # 11th?"), so the time, the activity (or a duration) and the proposal may sit in neighbouring
    # sentences. A sentence that reports a result ("they cut review time in three months") or sells
    # value is not the rep proposing a time, whatever time phrase it holds.
    def proposes(i: int) -> bool:
        return bool(questions[i] or rules.propose.search(sentences[i]))

    def claim(i: int) -> bool:
        sent = sentences[i]
        if rules.propose.search(sent) or (questions[i] and not _CLAIM.search(sent)):
            return False
        return bool(_PAST.search(sent) or _CLAIM.search(sent) or (Behaviour.GIVE_PROOF, i) in found
                    or (Behaviour.STATE_VALUE, i) in found)

    def step_part(i: int) -> bool:
        return bool(rules.activity.search(sentences[i]) or _DURATION.search(sentences[i]))

    for i, sent in enumerate(sentences):
        if not rules.when.search(sent) or claim(i):
            continue
        lo, hi = max(0, i - 2), min(len(sentences), i + 3)
        window = [j for j in range(lo, hi) if j == i or not claim(j)]
        if (step_part(i) and proposes(i)) or (
                any(step_part(j) for j in window) and any(proposes(j) for j in window)):
            add(Behaviour.NEXT_STEP, i)

    # Off topic: small talk cues, or (semantic) a sentence unlike everything in the scenario.
    anything = any(k[0] is not Behaviour.OFF_TOPIC for k in found)
    if semantic and not anything:
        topic_sim = group_sim("topic")
        for i, sent in enumerate(sentences):
            if len(_words(sent)) >= 5 and topic_sim[i] < rules.semantic["off_topic_max"]:
                add(Behaviour.OFF_TOPIC, i, 1.0 - float(topic_sim[i]), "embeddings")

    # "Either way, here's what I can offer" after the rep's own question moves past that question, not
    # past the buyer's concern: only a transition that follows a statement can dismiss it.
    for i in range(1, len(sentences)):
        if (Behaviour.DISMISS, i) in found and questions[i - 1] and _TRANSITION.match(sentences[i]):
            del found[(Behaviour.DISMISS, i)]

    signals = list(found.values())
    whole = whole_span(text)
    kinds = {s.behaviour for s in signals}
    helpful = kinds & {Behaviour.OPEN_QUESTION, Behaviour.CLOSED_QUESTION, Behaviour.STATE_VALUE,
                       Behaviour.GIVE_PROOF, Behaviour.NEXT_STEP, Behaviour.EXPLORE_CONCERN}

    # Passive: a minimal reply, or a polite exit that asks nothing and offers nothing.
    passive_cue = Behaviour.PASSIVE in kinds
    other_negative = kinds & NEGATIVE - {Behaviour.PASSIVE}
    short = words_total <= rules.turn["passive_max_words"]
    if not helpful and not other_negative and (short or passive_cue):
        signals = [s for s in signals if s.behaviour is not Behaviour.PASSIVE]
        signals.append(Signal(Behaviour.PASSIVE, text[whole[0]:whole[1]], whole[0], whole[1]))
    elif passive_cue:
        signals = [s for s in signals if s.behaviour is not Behaviour.PASSIVE]

    # Monologue / feature dump.
    feature_sents = sum(
        1 for i, s in enumerate(sentences)
        if not questions[i] and (rules.feature_words.search(s) or (Behaviour.STATE_VALUE, i) in found)
    )
    feature_terms = len(rules.feature_words.findall(text))
    run_on = max((len(_words(sent)) for sent in sentences), default=0) > rules.turn["run_on_words"]
    if words_total > rules.turn["monologue_words"] or run_on or (
        not any(questions)
        and (feature_sents >= rules.turn["feature_dump_sentences"] or feature_terms >= 6)
    ):
        signals.append(Signal(Behaviour.MONOLOGUE, text[whole[0]:whole[1]], whole[0], whole[1]))

    # Keyword stuffing: many cues, little scenario-specific content.
    substance = _substance(text, ctx, rules)
    t = rules.turn
    share = cue_words / max(words_total, 1)
    dense = cue_hits >= t["stuffing_min_cues"] and share >= t["stuffing_cue_share"]
    listy = _bare_list(sentences, rules) >= t["stuffing_list_items"]
    stuffed = (dense or listy) and substance < t["stuffing_veto_substance"]
    if stuffed:
        signals.append(Signal(Behaviour.KEYWORD_STUFFING, text[whole[0]:whole[1]], whole[0], whole[1],
                              round(min(1.0, max(share, 0.5)), 3)))

    # Gaming: helpful signals of a stuffed or injected turn do not count.
    if stuffed or any(s.behaviour is Behaviour.INJECTION for s in signals):
        signals = _not_relevant(signals, lambda s: True)

    # Off topic by its own words ("unrelated, but ... are you guys growing?"): whatever else that
    # sentence shows is not a response to the buyer, so it is not relevant.
    off = [(s.start, s.end) for s in signals if s.behaviour is Behaviour.OFF_TOPIC and s.source == "rules"]
    if off:
        signals = _not_relevant(signals, lambda s: any(a <= s.start < b for a, b in off))

    signals.sort(key=lambda s: (s.start, s.behaviour.value))
    out.signals = signals
    return out


def _not_relevant(signals: list[Signal], where: Callable[[Signal], bool]) -> list[Signal]:
    """The helpful signals ``where`` picks, marked not relevant: neither buyer nor grader credits them."""
    return [replace(s, relevant=False) if s.behaviour in POSITIVE and where(s) else s for s in signals]


def _bare_list(sentences: list[str], rules: _Rules) -> int:
    """The longest run of short comma-separated items (with >= 2 jargon items) in any sentence."""
    best = 0
    for sent in sentences:
        items = [p.strip() for p in re.split(r",|\band\b|\bor\b", sent.rstrip(".!?")) if p.strip()]
        short = [p for p in items if len(_words(p)) <= 3]
        jargon = sum(1 for p in short if rules.jargon.search(p) or _META.search(p))
        if len(short) >= 0.75 * len(items) and jargon >= 2:
            best = max(best, len(short))
    return best


_META = re.compile(
    r"\b(value|proof|next\s+step|low\s+risk|date|review|pilot|concern|number|percent|savings?|reference|"
    r"urgency|budget|timeline|decision\s+maker|acknowledg\w*|explore|confirm|benefits?|trial|results?|"
    r"empathy|trust|numbers|data)\b",
    re.IGNORECASE,
)


def _substance(text: str, ctx: SignalContext, rules: _Rules) -> int:
    """Scenario-specific content words (and numbers) outside cue phrases."""
    stripped = text
    for rule in rules.behaviours.values():
        for pat in rule.patterns:
            stripped = pat.sub(" ", stripped)
    stripped = rules.jargon.sub(" ", stripped)
    s = ctx.scenario
    vocab_text = " ".join(
        [s.context, s.product.name, s.product.summary, *s.product.value_points, *s.product.proof_points,
         s.buyer.name, s.buyer.role, s.buyer.company, s.buyer.opening, ctx.last_buyer_line(),
         *(t.text for t in ctx.history if t.role == "buyer"),
         *( [s.buyer.hidden_concern] if ctx.concern_revealed else [])]
    )
    vocab = {w for w in _words(vocab_text) if w not in _STOP and len(w) > 3}
    words = [w for w in _words(stripped) if w not in _STOP]
    content = sum(1 for w in words if w in vocab or any(c.isdigit() for c in w))
    return content


def signals_for(texts: Sequence[str], ctx: SignalContext, embedder: Embedder) -> list[SignalSet]:
    """Convenience for evals and tests: detect over several turns with the same context."""
    return [detect_signals(t, ctx, embedder) for t in texts]
