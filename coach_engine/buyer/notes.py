"""A hidden concern written as a manager's notes, said as sentences a person would speak.

Why a module of its own: managers write the secret the way they write any brief: bullet lines, an arrow
for "and so", "price = cover story", "My real problem: ...". A trainer's probe (22) heard a buyer say
"- DOL wage audit last yr ... -> paid about 38 grand" and "Price = cover story" aloud, and lead a story
with "What's really going on is that ..." after the voice's own "You want the real story?". Here the notes
become prose before the first-person rewrite and the staging read them: each bullet a sentence, an arrow a
dash, a framing opener left to the voice's own lead-in, and a note that only says what something *is* to
the manager ("price = cover story", no figure in it) an aside to the rep, which ``scenarios validate``
names. A note with a figure ("budget = $40k") is a fact, said as "budget is $40k".
"""

from __future__ import annotations

from .. import text as T
from .verbs import VERBS_S

__all__ = ["ARROWS", "STATE_WORDS", "analysis_notes", "as_prose", "equals_said", "subjects_given",
           "unbracketed", "uncommented", "unframed", "unhedged", "unlabelled", "unreported"]

_BULLETS = ("- ", "* ", "\u2022 ", "\u2013 ", "\u2014 ", "+ ")
ARROWS = _ARROWS = frozenset({"->", "-->", "=>", "\u2192", "\u21d2"})
_EQUALS = frozenset({"=", "=="})


def _unbulleted(line: str) -> str | None:
    """A note line without its bullet, or None when the line has none."""
    bare = line.strip()
    for mark in _BULLETS:
        if bare.startswith(mark):
            return bare[len(mark):].strip()
    head, dot, rest = bare.partition(". ")
    if dot and head.isdigit() and len(head) <= 2:  # "1. budget frozen"
        return rest.strip()
    return None


def as_prose(concern: str) -> str:
    """``concern`` with bullet lines said as sentences and arrows as dashes; prose is returned as it is.

    "- audit last yr -> paid ~$38k\\n- worried it happens again" -> "Audit last yr — paid ~$38k. Worried it
    happens again." (``telling.said_in_full`` says the shorthand in words later, on every line.)"""
    if "\n" not in concern.strip() and _unbulleted(concern) is not None:
        # notes folded onto one line (a YAML ">" block): each bullet stands after a sentence's end
        for end in ".!?":
            for mark in _BULLETS:
                concern = concern.replace(f"{end} {mark}", f"{end}\n{mark}")
    lines = [x for x in concern.splitlines() if x.strip()]
    bullets = [_unbulleted(x) for x in lines]
    if sum(b is not None for b in bullets) >= 2 or (lines and len(lines) == 1 and bullets[0] is not None):
        text = " ".join(T.as_sentence(b if b is not None else x) for b, x in zip(bullets, lines, strict=True))
    else:
        text = concern
    return " ".join("\u2014" if tok in _ARROWS else tok for tok in text.split())


def analysis_notes(concern: str) -> list[str]:
    """The sentences that only say what something is to the manager ("price = cover story"): an equals sign
    and no figure. A buyer does not talk in equations; the one with a figure is a fact and is said."""
    out = []
    for piece in T.sentences(concern):
        if set(piece.split()) & _EQUALS and not (T.NUMBER.search(piece) or T.spelled_figure(piece)):
            out.append(piece)
    return out


def equals_said(text: str) -> str:
    """"budget = $40k" said as "budget is $40k"."""
    return " ".join("is" if tok in _EQUALS else tok for tok in text.split())


_BRACKETED_WORDS = 8


def unbracketed(text: str) -> str:
    """Words in brackets said as a speaker says them, between commas: "we lose one client (a big tequila
    exporter)." -> "we lose one client, a big tequila exporter."; a list in brackets between dashes. Nobody
    says a bracket; a long bracket stays as written."""
    out, at = [], 0
    while (start := text.find(" (", at)) >= 0:
        end = text.find(")", start)
        inner = text[start + 2:end] if end > 0 else ""
        if not inner or "(" in inner or len(inner.split()) > _BRACKETED_WORDS:
            out.append(text[at:start + 2])
            at = start + 2
            continue
        after = text[end + 1:end + 2]
        mark = "," if "," not in inner else " \u2014"  # "three sites — Leeds, York and Hull — so"
        closes = after in (".", ",", ";", ":", "!", "?") or not after
        out.append(f"{text[at:start]}{mark} {inner}" + ("" if closes else mark))
        at = end + 1
    out.append(text[at:])
    return "".join(out)


_REAL = frozenset({"real", "really", "actual", "actually", "true", "truly"})
_FRAMES = frozenset({"problem", "issue", "concern", "worry", "fear", "reason", "story", "truth", "situation",
                     "thing", "deal", "on", "happening", "point"})
"""The last word of a framing head ("my real problem", "what's really going on")."""
_ASKING = frozenset({"does", "do", "did", "is", "are", "was", "can", "could", "will", "would", "should",
                     "how", "what", "why", "whether", "who", "when"})
_HEAD_WORDS = 6
_SECRET_HEAD_WORDS = 12
_CLAUSE_OPENERS = frozenset({"that", "i", "we", "he", "she", "they", "you"})
"""What follows a framing "is" when a whole clause does ("... is that she ...", "... is she ...")."""


def unframed(sentence: str) -> str:
    """A sentence without a manager's framing head ("What's really going on is that she ...", "Your real
    problem: your team ..."), which the voice's own lead-in ("You want the real story?") already says; a
    head before a question ("Real question is does this ...") stays, or the question would lose its
    question. So with a head that says the buyer keeps it to themselves ("So the thing she hasn't told anyone
    outside the building is that ..."): telling it now is the reveal."""
    said = sentence.split()
    for k, word in enumerate(said[:_SECRET_HEAD_WORDS]):
        low = word.lower().rstrip(",")
        colon = low.endswith(":")
        if not (colon or low == "is") or k == 0:
            continue
        head = [w.lower().strip(",:") for w in said[:k + (1 if colon else 0)]]
        secret = bool(set(head) & _REPORTS) and T.has_negation(" ".join(head))
        if not secret and (k >= _HEAD_WORDS or not (set(head) & _REAL)
                           or (head[-1] if colon else said[k - 1].lower()) not in _FRAMES):
            return sentence
        rest = said[k + 1:]
        clause = colon or (bool(rest) and rest[0].lower() in _CLAUSE_OPENERS)
        if rest and rest[0].lower() == "that":
            rest = rest[1:]
        if not clause or not rest or rest[0].lower().strip(",") in _ASKING:
            return sentence  # "My real fear is a repeat": the head is what is said
        return T.as_sentence(" ".join(rest))
    return sentence


_REPORTS = frozenset({"mentioned", "said", "told", "admitted", "shared", "explained", "confided", "noted",
                      "hinted", "conceded", "confessed", "added", "stressed", "indicated", "let", "says",
                      "mentions", "admits", "explains", "notes"})
"""Verbs of a discovery note's frame ("She mentioned that ...", "told us ...", "let slip that ...")."""
_HEARERS = frozenset({"us", "me", "you"})
"""Who a note-taker's "told" is to: the rep or the note's writer ("she told us ..."); "told him" is the
story's."""
_CLAUSE_SUBJECTS = frozenset({"i", "i'm", "i've", "i'd", "i'll", "we", "we're", "we've", "we'd", "we'll",
                              "it", "it's", "there", "they", "they're", "if"})
"""Words that open a clause after "said" with no "that" ("I said I championed it"); a noun after it may be
what was said of ("I mentioned the budget twice"), so only a pronoun or "if" counts."""
_HEDGES = ("it seemed like", "it sounded like", "it seems like", "sounded like", "seemed like",
           "seems like", "it seemed", "it sounded", "apparently,", "apparently")
"""The note-taker's own hedge on what they heard ("Sounded like she ..."): the buyer just says it."""
_ASIDE_WORDS = 8
_DASHES = frozenset({"-", "\u2013", "\u2014"})


def unreported(sentence: str) -> str:
    """A sentence of the buyer's, in the first person, without a note-taker's frame around what the buyer
    told the rep: "I mentioned, briefly, that the last tool was cut." -> "The last tool was cut.", "I told
    us the tool was cut" -> "The tool was cut". The buyer is saying it now, not reporting that they said it.
    A frame to someone else in the story ("I told my CFO it would work", "I told him") is an event and
    stays. (The note-taker's hedge goes earlier: ``unhedged``.)"""
    said = sentence.split()
    if len(said) < 5 or said[0] != "I" or said[1].lower().strip(",") not in _REPORTS:
        return sentence
    verb = said[1].lower().strip(",")
    k = 2
    if verb == "let":
        if said[2].lower().strip(",") != "slip":
            return sentence
        k = 3
    elif verb == "told":
        if said[2].lower().strip(",") not in _HEARERS:
            return sentence  # "I told my CFO it would work": something that happened
        k = 3
    elif said[2].lower() == "to" and said[3].lower().strip(",") in _HEARERS:
        k = 4
    if said[k - 1].endswith(","):  # "I mentioned, briefly, about half an hour in, that ...": aside and all
        close = next((j for j in range(k + 1, min(len(said), k + _ASIDE_WORDS + 1))
                      if said[j].lower() == "that" and said[j - 1].endswith(",")), None)
        if close is None:
            return sentence
        k = close
    elif said[k] in _DASHES:  # "I mentioned — briefly, about half an hour in — that ..."
        close = next((j for j in range(k + 1, min(len(said), k + _ASIDE_WORDS + 2)) if said[j] in _DASHES),
                     None)
        if close is None:
            return sentence
        k = close + 1
    if k < len(said) and said[k].lower() == "that":
        k += 1
    elif verb != "told" and (k >= len(said) or said[k].lower().strip(",") not in _CLAUSE_SUBJECTS):
        return sentence  # "I said no", "I mentioned the budget": what was said is not a clause
    return _opened(said[k:]) if len(said) - k >= 3 else sentence


def unhedged(sentence: str) -> str:
    """A note's sentence without the note-taker's hedge on what they heard: "Sounded like she doesn't want
    ..." -> "She doesn't want ..." (then said in the first person like any other)."""
    low = sentence.lower()
    for hedge in _HEDGES:
        if low.startswith(hedge + " ") and len(sentence.split()) > len(hedge.split()) + 2:
            return _opened(sentence.split()[len(hedge.split()):])
    return sentence


def _opened(words: list[str]) -> str:
    """Words that now open a sentence, with its first letter a capital."""
    text = " ".join(words)
    return text[:1].upper() + text[1:]


_NOTE_VERBS = frozenset(VERBS_S.split("|")) | frozenset({
    "got", "lost", "paid", "sent", "bought", "built", "kept", "put", "sold", "went", "took", "made", "gave",
    "ran", "came", "told", "said", "saw", "felt"})
"""A note's sentence that opens on one of these has left out its subject: the buyer ("Wants proof.")."""
_MODALS = frozenset({"can", "could", "will", "would", "should", "might", "must", "did", "does"})
_NOTE_ADVERBS = frozenset({"still", "already", "really", "quietly", "privately", "secretly", "never", "also",
                           "now", "openly", "clearly", "genuinely", "actually", "honestly"})
_SUBJECTS = frozenset({"he", "she", "they", "i", "we", "it", "you"})
_PEOPLE_SUBJECTS = frozenset({"he", "she", "they", "i", "we"})
_PHRASE_OPENERS = frozenset({"in", "on", "at", "after", "before", "since", "during", "last", "back", "until"})
"""An adverb then one of these opens a phrase of time or place, and the sentence's subject may follow it."""
_OBJECTS = frozenset({"the", "a", "an", "her", "his", "their", "our", "its", "them", "off", "for", "up",
                      "out", "back", "through"})
"""After a past tense, the words of an act done to something ("Signed the deal", "Pushed for it")."""
_STATE_AFTER = frozenset({"about", "of", "with", "at", "that", "over", "by"})
"""After a participle, the words of a state ("Worried about the board", "Burned by the last vendor")."""


STATE_WORDS = _FEELINGS = frozenset({
    "worried", "scared", "concerned", "convinced", "frustrated", "embarrassed", "annoyed", "tired",
    "stressed", "stretched", "exhausted", "terrified", "disappointed", "determined", "committed", "surprised",
    "confused", "overwhelmed", "swamped", "worn", "fed", "stuck", "afraid", "nervous", "anxious", "sure",
    "unsure", "angry", "upset", "wary", "keen"})
"""Words of a state a note says of the buyer ("Worried the board will say no"): "is", never a past act."""


def _acted(word: str, after: str) -> bool:
    """``word`` is a past tense with its object or particle after it: an act, not a state."""
    return len(word) > 4 and word.endswith("ed") and word not in _FEELINGS and after in _OBJECTS


def subjects_given(text: str, name: str) -> str:
    """A manager's notes with the buyer put back as the subject the shorthand left out, so the first-person
    rewrite can say them: "Still angry about it but hasn't said so. Wants proof." -> "Dana is still angry
    about it but hasn't said so. Dana wants proof." A sentence that opens on a verb a person does (or an
    adverb before one, or a participle of a state) is about the buyer; a question or a sentence with its
    own subject is left as it is."""
    out = text
    # an arrow's consequence too, and a note run on after a spaced dash ("burned in 2021 - sponsored ...")
    pieces = [q for s in T.sentences(text) for p in s.split(" \u2014 ") for q in p.split(" - ")]
    for piece in pieces:
        words = piece.split()
        if len(words) > 2 and words[0].endswith(":") and (words[0][:-1].isdigit() or words[0][:1].isupper()):
            piece = " ".join(words[1:])  # "2023: bought cheap sensors": a date or label, then the note
            words = words[1:]
        if len(words) < 2 or piece.rstrip().endswith("?"):
            continue
        head = words[0].lower().strip(",")
        rest = [w.lower().strip(",.;") for w in words[1:]]
        lowered = piece[:1].lower() + piece[1:]
        if head in _MODALS and (rest[0].endswith(("ed", "s")) or not words[1][:1].islower()):
            continue  # "Will signed off", "Will's team": a name
        if head in _NOTE_VERBS and rest[0] == "by":
            continue  # "Built by co-founder Tom.": done to a thing as often as to the buyer, said as written
        if head in _NOTE_VERBS or (_acted(head, rest[0]) and rest[0] not in _STATE_AFTER):
            given = f"{name} {lowered}"  # "Wants proof.", "Signed the last deal."
        elif head in _NOTE_ADVERBS:  # "Never signed off on it." / "Still angry", "Already stretched thin"
            if words[1][:1].isupper() or rest[0] in _SUBJECTS or (
                    rest[0] in _PHRASE_OPENERS and _PEOPLE_SUBJECTS & set(rest[1:5])):
                continue  # "Actually Vikram sir is not bothered", "Honestly she ...", "Also in 2021 she sold"
            acts = rest[0] in _NOTE_VERBS or (len(rest) > 1 and _acted(rest[0], rest[1])) or (
                rest[0].endswith("s") and not rest[0].endswith(("ss", "us")))  # "blames", not "nervous"
            given = f"{name} {lowered}" if acts else f"{name} is {lowered}"
        elif head in _FEELINGS or (len(head) > 4 and head.endswith("ed") and (
                rest[0] in _STATE_AFTER or rest[0] in _CLAUSE_SUBJECTS)):
            given = f"{name} {'was' if rest[0] == 'by' else 'is'} {lowered}"  # "Burned by", "Scared it ..."
        elif len(head) > 4 and head.endswith("ed") and rest[0][:1] in "~$£€0123456789":
            given = f"{name} was {lowered}"  # "Fined ~$12k."
        else:
            continue
        out = out.replace(piece, given, 1)
    return out


_COMMENTS = ("fair enough", "understandably", "understandably so", "rightly", "rightly so", "quite rightly",
             "and rightly so", "to be fair", "naturally", "not unreasonably", "unsurprisingly",
             "reasonably enough", "which is fair", "which is understandable")
"""A manager's own comment on the buyer, set off inside a sentence ("Price is the issue, fair enough, but
..."): the manager's judgement, which the buyer does not say of themselves."""


def uncommented(sentence: str) -> str:
    """``sentence`` without a manager's comment set off by commas (or closing it): "She says price is the
    issue, fair enough, but the real problem is ..." -> "She says price is the issue, but the real problem
    is ..."; "She's worried about the rollout, understandably." -> "She's worried about the rollout."."""
    out = sentence
    for comment in _COMMENTS:
        low = out.lower()
        for tail in (",", "."):
            at = low.find(f", {comment}{tail}")
            if at > 0:
                out = out[:at] + tail + out[at + len(comment) + 3:]
                low = out.lower()
    return out


_HEADINGS = frozenset({"persona", "character", "background", "backstory", "motivation", "hidden motivation",
                       "secret", "context", "personality", "role", "objection", "hidden concern", "concern",
                       "situation", "goal", "goals", "instructions", "notes", "the secret", "real concern"})
"""Section headings of a prompt written for another role-play tool, in the case a person writes them."""
_LABEL_WORDS = 4


def _heading(words: list[str]) -> bool:
    """``words`` (the last ending in a colon) are a section's heading: in capitals ("HIDDEN MOTIVATION:",
    one word of four letters or more, so "CFO: wants proof" keeps its subject) or a heading's own words."""
    bare = [w.rstrip(":") for w in words]
    if all(w.isalpha() and w.isupper() for w in bare) and (len(bare) > 1 or len(bare[0]) >= 4):
        return True
    return " ".join(bare).lower() in _HEADINGS


def unlabelled(text: str) -> str:
    """``text`` without the section headings of a converted role-play prompt ("PERSONA: You are Dana ...
    HIDDEN MOTIVATION: The two clinics ..."): a heading opens a line or follows a sentence's end. Read out,
    the buyer says "PERSONA: You are me"; without it the prompt's sentences are read as any other."""
    lines = []
    for line in text.splitlines():
        words = line.split()
        kept: list[str] = []
        i = 0
        while i < len(words):
            opens = not kept or kept[-1].endswith((".", "!", "?"))
            end = next((j for j in range(i, min(len(words), i + _LABEL_WORDS)) if words[j].endswith(":")),
                       None)
            if opens and end is not None and end + 1 < len(words) and _heading(words[i:end + 1]):
                i = end + 1
                continue
            kept.append(words[i])
            i += 1
        lines.append(" ".join(kept))
    return "\n".join(lines)
