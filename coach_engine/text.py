"""One text toolkit: sentences, words, numbers, question form, negation, time and language.

Why one module: the turn reader, the buyer and the grader must cut a rep's
turn into the same sentences and see the same words, or they disagree about
what was said. Everything here is *structure* that is true of English whatever
the scenario (a question ends in "?", a number has units, "not" negates); it
never decides what a sentence means for the buyer. That judgement is learned
(``coach_engine.reading``). The few word lists that describe time phrases,
meeting-like activities and proposal forms live in ``structure.yaml``. Whether
a text is English at all (so that those structures describe it) is a packaged
language identifier's call (``in_other_language``).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import snowballstemmer

from .datafiles import StrictData, load_model_file

__all__ = [
    "MONEY",
    "NUMBER",
    "SENTENCE_RUNS",
    "Structure",
    "as_sentence",
    "content_words",
    "count_of",
    "first_word",
    "function_share",
    "has_negation",
    "has_phrase",
    "headed",
    "in_other_language",
    "is_function_word",
    "is_question",
    "language_identifier",
    "litotes",
    "phrase_pattern",
    "question_form",
    "said_pieces",
    "sentence_spans",
    "sentences",
    "speaker_label",
    "spelled_figure",
    "stem",
    "structure",
    "time_phrase",
    "whole_span",
    "words",
]

_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n+|;\s+|\s+[—–]\s+|\s+-\s+(?=[A-Za-z])")
_SENTENCE_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n+")
_ABBREV = re.compile(r"\b(e\.g|i\.e|dr|mr|mrs|ms|vs|etc|approx|st|jr|sr|inc|ltd|co)\.$", re.IGNORECASE)
_NO_ABBREV = re.compile(r"\bno\.$", re.IGNORECASE)
"""'No.' abbreviates 'number' only before a digit ('No. 5'); '... just say no. Where ...' ends a sentence."""
_INITIALISM = re.compile(r"(?:^|\s)(?:[A-Za-z]\.){2,4}$")
"""A dotted initialism closing a piece ("P.S.", "a.m.", "U.S."): no sentence is only that, and before a
lower-case word it is inside one ("at 9 a.m. tomorrow")."""
SENTENCE_RUNS = re.compile(r"[^.!?\n]+[.!?]*")
"""A rough sentence: a run up to its end marks. What delivery counts (sentences, questions) and what
the LLM reader's injection check scans; the reader's own sentences are ``sentence_spans``."""
_WORD = re.compile(r"[A-Za-z0-9$%][A-Za-z0-9$%'’]*")
NUMBER = re.compile(
    r"[$£€]\s?\d[\d,.]*\s*(k|m|million|thousand|bn)?|\b\d[\d,.]*\s*(%|percent|x\b|k\b)?|"
    r"\b(half|double|doubled|triple|tripled|twice|a\s+third|a\s+quarter)\b",
    re.IGNORECASE,
)
"""A figure: money, a percentage, a count, or a plain multiple ("half", "twice")."""
MONEY = re.compile(r"[$£€%]|\d\s*(?:percent|k\b)")
"""Money or a percentage: the kind of figure a buyer asks for when they want value in numbers."""
AMOUNT = re.compile(r"[$£€]\s?\d[\d,.]*\d?\s*(?:k|m|million|thousand)?\b|\b\d+(?:\.\d+)?\s*(?:%|percent\b)",
                    re.IGNORECASE)
"""An amount said with its unit ("$38k", "20%", "15 percent"): what a buyer repeats back of an offer."""
_NEGATION = re.compile(
    r"\b(not|no|never|nothing|none|nobody|without|neither|nor|rather\s+than|instead\s+of)\b|n['’]t\b",
    re.IGNORECASE)
_WH = re.compile(r"(?:^|[,:;—–]\s*|\b(?:ask|know|understand|curious|wonder\w*|sense\s+of|"
                 r"(?:can|could|would)\s+you\s+(?:tell\s+me|walk\s+me\s+through))\s+)\W*"
                 r"(?:(?:and|so|but|then|okay|ok|also|just|honestly)\W+)?"
                 r"(what|how|why|which|where|when|who|whose|tell\s+me|walk\s+me|help\s+me\s+understand)\b",
                 re.IGNORECASE)
"""A wh-question: the wh-word opens the sentence or a clause, or follows "can I ask", "curious", ..."""
_AUX = re.compile(
    r"^\W*(?:\w+\W+){0,2}?(is|are|am|do|does|did|can|could|would|will|should|have|has|had|was|were|shall|may)\b",
    re.IGNORECASE)
_STOP_WORDS = (
    "a an the and or but if so to of in on at by for with from into over about as is are was were be been "
    "being it its this that these those i you we they he she me my your our their his her them us do does "
    "did have has had can could would will should may might must not no yes just really very also than then "
    "there here what which who when where why how all any some more most other such only own same too let "
    "i'm you're we're it's that's i'd i'll don't can't won't get got make made"
)
_STOP = frozenset(_STOP_WORDS.split(" "))


def is_function_word(word: str) -> bool:
    return word in _STOP


def function_share(text: str) -> float:
    """The share of words that are function words (the, to, we, is ...): about 0.4-0.6 in speech, near 0
    in a string of keywords, where nothing joins one claim to the next."""
    w = words(text)
    return sum(x in _STOP for x in w) / len(w) if w else 0.0


OTHER_LANGUAGE = 0.9
"""How sure the language identifier must be that a text is not English before English word lists stop
describing it."""


@lru_cache(maxsize=1)
def language_identifier() -> Any:
    """py3langid's identifier, loaded once (0.6 s; ``TurnReader.warm`` loads it while a rep types)."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_DIR / MODEL_FILE, norm_probs=True)


def in_other_language(text: str) -> bool:
    """Whether a text is surely written in another language than English (py3langid's model, which ships
    in its package). Why: ``function_share`` counts *English* function words, so a reply in Spanish has
    none and looks like keywords strung together; the form says nothing about a language it cannot read."""
    language, p = language_identifier().classify(text)
    return bool(language != "en" and p >= OTHER_LANGUAGE)


def sentence_spans(text: str, clauses: bool = True) -> list[tuple[int, int]]:
    """(start, end) of each sentence, whitespace trimmed: ``text[start:end]`` is exact. With ``clauses``
    a semicolon or a spaced dash also ends a piece (how a run-on is measured); the turn reader reads
    whole sentences, as trainers label them."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in (_BOUNDARY if clauses else _SENTENCE_BOUNDARY).finditer(text):
        piece = text[start:m.start()]
        nxt = text[m.end():m.end() + 1]
        initialism = _INITIALISM.search(piece)
        if _ABBREV.search(piece) or (_NO_ABBREV.search(piece) and nxt.isdigit()) or \
                (piece[-2:-1].isdigit() and piece[-1:] == "." and nxt.isdigit()) or \
                (initialism is not None and (nxt.islower() or not piece[:initialism.start()].strip())):
            continue
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s and any(c.isalnum() or c == "_" for c in text[s:e]):
            out.append((s, e))
    return out


def whole_span(text: str) -> tuple[int, int]:
    """(start, end) of the text without its surrounding white space."""
    s, e = 0, len(text)
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def sentences(text: str, clauses: bool = False) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text, clauses)]


_TENS = frozenset({"ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
                   "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
                   "ninety"})
_ONES = frozenset({"a", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"})
_MAGNITUDES = frozenset({"hundred", "thousand", "million", "billion", "grand"})


def spelled_figure(text: str) -> bool:
    """A figure said in words ("three hundred bucks a month", "thirty-six hundred a year", "fifteen percent"):
    the way people talk, which ``NUMBER`` (digits) does not see. A lone "one" or "two" is no figure."""
    said = [p for w in words(text) for p in w.split("-")]
    after = [*said[1:], ""][:len(said)]
    return any(w in _TENS or (w in _ONES and nxt in _MAGNITUDES) for w, nxt in zip(said, after, strict=True))


def said_pieces(text: str) -> list[str]:
    """Sentences, split again at semicolons, spaced dashes and colons: the pieces a listener hears as said,
    so a restatement after a colon ("... where I started: I don't know you yet.") is one of them."""
    return [c for x in sentences(text, clauses=True) for c in x.split(": ")]


def first_word(text: str) -> str:
    """The word the text opens with, lower case ("" when it opens with a mark): "Before" of "Before the
    review"."""
    t = text.strip()
    end = next((i for i, c in enumerate(t) if not (c.isalnum() or c == "_")), len(t))
    return t[:end].lower()


def words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


_STEMMERS = threading.local()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball (Porter 2) English stem, so "expected" and "expecting" or "budgets" and "budgeted" count
    as one word when a rep's words are compared with the buyer's (the reader's echo feature and the grader's
    play-back check must agree on what counts as the same word). A Snowball stemmer object is not safe to
    share between threads (Streamlit runs sessions in threads), so each thread keeps its own."""
    stemmer = getattr(_STEMMERS, "english", None)
    if stemmer is None:
        stemmer = _STEMMERS.english = snowballstemmer.stemmer("english")
    return str(stemmer.stemWord(word))


def content_words(text: str) -> set[str]:
    """Stemmed words that carry meaning (and every number): what an echo of the buyer shares."""
    return {stem(w) for w in words(text) if (w not in _STOP and len(w) > 2) or any(c.isdigit() for c in w)}


def is_question(sentence: str) -> bool:
    return sentence.rstrip().endswith("?") or question_form(sentence) == "open"


def question_form(sentence: str) -> str | None:
    """``open`` (wh- or "tell me"), ``either_or``, ``closed`` (auxiliary first), or None."""
    s = sentence.strip()
    asks = s.endswith("?")
    if _WH.search(s) and (asks or not s.endswith(".") or "curious" in s.lower() or "tell me" in s.lower()):
        return "open"
    if asks and "or" in words(s):
        return "either_or"
    if asks or (_AUX.match(s) and not s.endswith(".")):
        return "closed"
    return None


def has_negation(sentence: str) -> bool:
    return bool(_NEGATION.search(sentence))


_PLAYED_DOWN = frozenset({"small", "nothing", "trivial", "minor", "little", "cheap", "easy", "unreasonable",
                          "crazy", "wrong", "silly", "uncommon", "unusual", "nuts", "negligible", "petty",
                          "insignificant"})
"""What a concession denies ("not small", "no small thing", "you're not wrong"): saying the buyer's point is
not small affirms that it is big."""
_DENIAL_FILLERS = frozenset({"a", "an", "that", "so", "exactly", "really", "at", "all"})
_CONTRAST = frozenset({"but", "however", "though", "although", "yet"})


def litotes(sentence: str) -> bool:
    """A concession said by denying its opposite ("$389 is not small", "That's no small jump", "You're not
    wrong"), with no "but" turning it round after: the buyer's point granted, never a contradiction of it.
    Of the 33 labelled sentences that say one, 31 are acknowledgements and none argues or dismisses."""
    said = words(sentence)
    for i, w in enumerate(said):
        if w in ("not", "no", "never") or w.endswith("n't"):
            rest = [x for x in said[i + 1:i + 4] if x not in _DENIAL_FILLERS][:1]
            if rest and rest[0] in _PLAYED_DOWN:
                return not _CONTRAST & set(said[i:])
    return False


@dataclass(frozen=True)
class Structure:
    time: re.Pattern[str]
    """A named time: a weekday, "next week", "at 9am", a date."""
    activity: re.Pattern[str]
    """A meeting-like activity: call, pilot, review, walkthrough ..."""
    propose: re.Pattern[str]
    """How a proposal is put: "let's", "could we", "I'll set up" ..."""
    low_risk: re.Pattern[str]
    """What makes a step low-risk: pilot, trial, no commitment, one site ..."""
    duration: re.Pattern[str]
    """A step's length: "a 20-minute call", "half an hour", "two weeks"."""
    permissive: re.Pattern[str]
    """Timing handed to the buyer: "whenever you're ready", "no rush", "in your own time"."""
    offer: re.Pattern[str]
    """A step put as an offer, the buyer's to take: "I can be there", "if that suits you"."""
    urgency: re.Pattern[str]
    """What makes a time a push: a signature, a deadline, "today", "only", "before the quarter ends"."""
    change: re.Pattern[str]
    """A figure of change: "from about 40 minutes down to 12", "from 31% to 18%"."""
    sign_off: re.Pattern[str]
    """Leave-taking: "thanks for your time", "talk soon", "I'll follow up then"."""
    meta: re.Pattern[str]
    """Talk about the drill, not in it: grader, rubric, the simulation, staying in character ..."""
    speaker: re.Pattern[str]
    """A speaker label, as in a script ("Buyer: ..."), which writes the other side's lines."""
    aside: re.Pattern[str]
    """Words in brackets with no figure in them: a stage direction, not "(12 sites)"."""
    heading_words: frozenset[str] = frozenset()
    """Words that head a line of a plan or a summary ("Proposal: ..."): no speaker (``speaker_label``)."""


STRUCTURE_PATH = Path(__file__).resolve().parent / "structure.yaml"


class _StructureFile(StrictData):
    """``structure.yaml``: one pattern a named cue set."""

    version: int
    time: str
    activity: str
    propose: str
    low_risk: str
    permissive: str
    offer: str
    urgency: str
    change: str
    sign_off: str
    meta: str
    speaker: str
    aside: str
    heading_words: list[str]


@lru_cache(maxsize=1)
def structure() -> Structure:
    data = load_model_file(STRUCTURE_PATH, _StructureFile)
    flags = re.IGNORECASE
    return Structure(
        time=re.compile(data.time, flags),
        activity=re.compile(data.activity, flags),
        propose=re.compile(data.propose, flags),
        low_risk=re.compile(data.low_risk, flags),
        duration=re.compile(r"\b(\d+|a\s+few|a\s+couple\s+of|an?|half\s+an?|one|two|ten|fifteen|twenty|thirty|"
                            r"forty[- ]five|sixty|ninety)[- ](minutes?|mins?|hours?|hrs?)\b", flags),
        permissive=re.compile(data.permissive, flags),
        offer=re.compile(data.offer, flags),
        urgency=re.compile(data.urgency, flags),
        change=re.compile(data.change, flags),
        sign_off=re.compile(data.sign_off, flags),
        meta=re.compile(data.meta, flags),
        speaker=re.compile(data.speaker),
        aside=re.compile(data.aside),
        heading_words=frozenset(w.lower() for w in data.heading_words),
    )


def speaker_label(text: str) -> bool:
    """A speaker label as a script writes one ("Buyer: ...", "Dana: ..."), not a day, a month or a heading
    word heading a line of a plan ("Tuesday: we send the plan", "Proposal: one site first")."""
    st = structure()
    return any(not st.time.fullmatch(m.group(2)) and m.group(2).lower() not in st.heading_words
               for m in st.speaker.finditer(text))


def headed(text: str) -> bool:
    """A line headed by a heading word and a colon ("Proposal: ...", "Value: ..."): one is a line of a plan;
    several in one reply are a checklist written at the drill (``reading.features``)."""
    st = structure()
    return any(m.group(2).lower() in st.heading_words for m in st.speaker.finditer(text))


_TIME_FRAME = frozenset({"the", "a", "an", "first", "second", "third", "fourth", "last", "early", "late",
                         "mid", "end", "middle", "beginning", "start", "week", "half", "quarter", "of",
                         "next", "following", "coming"})
"""Words that frame a named time ("in the first week of January", "on a Tuesday"): part of the time phrase,
not the step."""
_FRAME_NOUNS = frozenset({"start", "end", "beginning", "middle", "half", "quarter", "week"})
_TIME_PREPOSITIONS = frozenset({"in", "on", "by", "during", "within", "over", "around", "for", "until"})


_PART_OF_DAY = frozenset({"morning", "afternoon", "evening", "night", "lunchtime"})


def time_phrase(text: str, times: list[re.Match[str]]) -> tuple[int, int]:
    """Where the whole time phrase around ``times`` (matches of ``structure().time``) stands in ``text``: the
    first time with those that follow it ("Tuesday, January 6th"), a clock time after them ("at 10"), and
    the words that frame it before ("in the first week of"). Spliced whole, a rep's "Tuesday" never lands in
    a manager's "the first week of January" as "the first week of Tuesday" (``buyer.scripted``)."""
    start, end = times[0].start(), times[0].end()
    for m in times[1:]:
        between = text[end:m.start()].replace(",", " ").lower().split()
        if any(w not in _TIME_FRAME | {"at", "on", "or"} and not _day_number(w) for w in between):
            break
        end = m.end()
    if text[end:end + 2].lower() in ("st", "nd", "rd", "th") and not text[end + 2:end + 3].isalpha():
        end += 2  # "January 6th"
    after = text[end:].split()
    while len(after) >= 2 and after[0].lower() == "the" and after[1][:1].isdigit():  # "Thursday the 14th"
        end = text.index(after[1], end) + len(after[1].rstrip(" ,.;?!"))
        after = after[2:]
    if after and after[0].lower().rstrip(" ,.;?!") in _PART_OF_DAY:
        end = text.index(after[0], end) + len(after[0].rstrip(" ,.;?!"))  # "Saturday morning"
        after = after[1:]
    if len(after) >= 2 and after[0].lower() == "at" and after[1][:1].isdigit():
        end = text.index(after[1], end) + len(after[1].rstrip(" ,.;?!"))  # "at 10", "at 8:30"
    before = text[:start].split()
    if before and _day_number(before[-1].lower()):
        start = text.rindex(before.pop(), 0, start)  # "13 January": the day goes with its month
    frame = len(before)
    while frame and before[frame - 1].lower() in _TIME_FRAME:
        frame -= 1
    while frame < len(before) and before[frame].lower() == "of":  # "ahead of the 5th": no frame
        frame += 1
    if frame < len(before) and before[frame].lower() in _FRAME_NOUNS and "of" not in \
            (w.lower() for w in before[frame:]):
        frame += 1  # "could we start Monday": "start" frames a time only as "the start of"
    before = before[:frame]
    if before and before[-1].lower() in _TIME_PREPOSITIONS:
        before.pop()
    words = text[:start].split()
    if len(before) < len(words):
        start = text.rindex(words[len(before)], 0, start)
    return start, end


def _day_number(word: str) -> bool:
    """A day of the month said on its own ("13", "13th"), as in "Tuesday 13 January"."""
    digits = word.removesuffix("st").removesuffix("nd").removesuffix("rd").removesuffix("th")
    return digits.isdigit() and 1 <= int(digits) <= 31


def as_sentence(text: str) -> str:
    """Text said as one sentence: whitespace collapsed, a trailing ``;`` or ``,`` dropped, the first letter
    up and a full stop when it has no end mark, inside a closing quote or not (a scenario's point or a buyer's
    fact, spoken whole)."""
    t = " ".join(text.split()).rstrip(" ;,")
    if not t:
        return t
    t = t[0].upper() + t[1:]
    return t if t.rstrip("\"'”’)")[-1:] in (".", "!", "?") else t + "."  # "... handle themselves.'" is ended


@lru_cache(maxsize=4096)
def phrase_pattern(phrase: str, flags: int = 0) -> re.Pattern[str]:
    """A name or phrase matched as whole words ("Sal" in "Sal's" and "Sal, who", never in "Salt"): the one
    place a literal is turned into a pattern, so a word found by one module is found by all."""
    return re.compile(rf"\b{re.escape(phrase)}\b", flags)


def has_phrase(text: str, phrase: str, flags: int = 0) -> bool:
    return phrase_pattern(phrase, flags).search(text) is not None


def count_of(n: int, one: str, many: str) -> str:
    """"1 reply", "2 replies": a count with its noun agreeing."""
    return f"{n} {one if n == 1 else many}"
