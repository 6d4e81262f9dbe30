"""A hidden concern written to the buyer, as role-play prompts are: "You are Dana, the practice manager.
You are worried that your receptionists ...". The buyer says it as "I am worried that my receptionists".

Why a module of its own: managers who write prompts for chat role-play address the character as "you", and
a concern read out as written puts "You are me, the practice manager. You are worried ..." in the buyer's
mouth (a trainer's probe: every reveal of such a scenario). The persona rewrite (``persona.first_person``)
handles the third person; this turns the second person into the first, word by word, so that the rewrite
then reads it as written in the buyer's own voice. The sentence that only tells the character who they are
("You are Dana, the practice manager.") or what they are like ("You are skeptical and busy.") is dropped:
nobody says that to a caller.
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import text as T

__all__ = ["addressed_to_buyer", "you_to_i"]

_OPENERS = frozenset({"you", "your"})
"""How a sentence of a prompt to the character opens ("You are ...", "Your team ...")."""
_WHOLE = {"you're": "I'm", "you've": "I've", "you'll": "I'll", "you'd": "I'd", "your": "my", "yours": "mine",
          "yourself": "myself"}
_BE = {"are": "am", "were": "was", "aren't": "am not", "weren't": "wasn't"}
_SUBJECT_NEXT = frozenset({
    "have", "had", "do", "don't", "did", "didn't", "can", "can't", "cannot", "could", "couldn't", "will",
    "won't", "would", "wouldn't", "should", "shouldn't", "must", "might", "may", "feel", "felt", "want",
    "wanted", "know", "knew", "think", "thought", "need", "needed", "believe", "worry", "fear", "hope",
    "like",
    "love", "hate", "see", "saw", "say", "said", "told", "got", "get", "never", "always", "also", "still",
    "just", "really", "already", "quietly", "privately", "suspect", "expect", "trust", "doubt", "remember",
    "promised", "owe", "care", "prefer", "wish", "worked", "run", "ran", "own", "manage", "lead", "report",
    "answer",
})
"""Words after "you" that make it the subject ("you feel", "you don't", "you signed"): it is then "I"; any
other "you" is an object ("asked you", "with you") and becomes "me"."""
_OBJECT_NEXT = frozenset({"last", "next", "every", "yesterday", "today", "again", "back", "up", "out", "off",
                          "directly", "personally", "now", "anything", "something", "everything", "nothing",
                          "once", "twice", "much", "well", "both", "first"})
"""Words after an object "you" that are not verbs ("asked you last week", "paid you back")."""
_CAUSATIVE = frozenset({"make", "makes", "made", "let", "lets", "help", "helps", "helped", "see", "saw",
                        "watch", "watched", "hear", "heard"})
"""Verbs whose object "you" a bare verb follows ("makes you feel"): still "me"."""
_IDENTITY = frozenset({"are", "play", "'re"})


def addressed_to_buyer(text: str, names: Sequence[str]) -> bool:
    """The concern speaks to the buyer as "you": one of its sentences opens with "You" or "Your", and the
    buyer's name stands nowhere but in the sentence that says who they are (a concern that says "Dana is
    worried ... You'll want to ask her" speaks of Dana, to the rep)."""
    sentences = T.sentences(text)
    if not any(T.first_word(s) in _OPENERS for s in sentences):
        return False
    rest = " ".join(s for s in sentences if not _is_identity(s, names))
    return not any(n in rest for n in names if n)


def _is_identity(sentence: str, names: Sequence[str]) -> bool:
    """ "You are Dana, the practice manager." / "You're Ray." / "You play Sam": who the character is."""
    said = sentence.split()
    if len(said) < 3 or said[0].lower() not in ("you", "you're"):
        return False
    rest = said[1:] if said[0].lower() == "you're" else said[2:] if said[1].lower() in _IDENTITY else []
    named = " ".join(rest).strip(".,;:")
    return bool(rest) and any(named.startswith(n) for n in names if n)


_COMPLEMENTS = frozenset({"that", "because", "since", "if", "when", "whether", "to", "about", "of", "by",
                          "with", "from", "for", "at", "in", "on", "over", "under", "after", "before",
                          "until"})


_COUNTS = frozenset({"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                     "twelve", "half", "several", "dozen"})


def _is_character(sentence: str) -> bool:
    """ "You are skeptical, busy and you don't trust vendors easily." / "You're blunt.": the character's
    temperament, which the scenario's ``personality`` plays and nobody says of themselves to a caller. A
    feeling about something ("You are worried that ...", "You're under pressure from the board") is the
    concern, and a figure makes it a fact ("You are three weeks behind")."""
    said = [w.lower().strip(".,;:!?") for w in sentence.split()]
    if said[:2] == ["you", "are"]:
        pred = said[2:]
    elif said[:1] == ["you're"]:
        pred = said[1:]
    else:
        return False
    first = next((k for k, w in enumerate(pred) if w in ("you", "your")), len(pred))
    clause = [w for w in pred[:first] if w and w != "and"]
    counted = any(w[:1].isdigit() or w in _COUNTS for w in clause) or T.spelled_figure(" ".join(clause))
    return bool(clause) and not set(clause) & _COMPLEMENTS and not counted


def _swap(word: str, nxt: str, before: str) -> tuple[str, bool]:
    """One word in the first person, and whether the next word was taken with it ("you are" -> "I am").

    A bare "you" is the subject ("I") when a verb follows it (a word of ``_SUBJECT_NEXT``, a past tense, or
    any content word that is not a time or an adverb), unless a verb like "make" governs it; else it is an
    object ("me")."""
    core = word.rstrip(".,;:!?)\"'")
    tail = word[len(core):]
    low = core.lower().replace("’", "'")
    cap = core[:1].isupper()
    if low in _WHOLE:
        said = _WHOLE[low]
        return (said[:1].upper() + said[1:] if cap or said.startswith("I") else said) + tail, False
    if low != "you":
        return word, False
    following = nxt.rstrip(".,;:!?)\"'").lower().replace("’", "'")
    if not tail and following in _BE:
        return f"I {_BE[following]}" + nxt[len(nxt.rstrip('.,;:!?)"')):], True
    subject = not tail and before.lower() not in _CAUSATIVE and (
        following in _SUBJECT_NEXT or (following.endswith("ed") and len(following) > 3) or (
            following not in _OBJECT_NEXT and bool(following) and not T.is_function_word(following)))
    if subject or (cap and not before):
        return "I" + tail, False
    return ("Me" if cap else "me") + tail, False


def you_to_i(text: str, names: Sequence[str]) -> str:
    """``text`` said by the buyer: "you" as "I" or "me", "your" as "my", the identity sentence left out."""
    out: list[str] = []
    for sentence in T.sentences(text):
        if _is_identity(sentence, names) or _is_character(sentence):
            continue
        words = sentence.split()
        said: list[str] = []
        i = 0
        while i < len(words):
            nxt, before = words[i + 1] if i + 1 < len(words) else "", words[i - 1] if i else ""
            word, took = _swap(words[i], nxt, before)
            said.append(word)
            i += 2 if took else 1
        out.append(" ".join(said))
    return " ".join(out)
