"""How a chosen buyer line is put on the page: one space between words, capitals after a colon, a fact said
as a sentence, and what counts as saying a sentence again.

Why a module of its own: ``ScriptedVoice`` decides *which* words the buyer says (the situation's line, a
lead-in, an answer, a tail); these are the small rules of written English that every such line passes
through, whichever parts it was built from, and that the realism lint's "sentence again" check counts the
same way (``REPEAT_WORDS``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .. import text as T
from .steps import CALENDAR_NAMES

__all__ = ["REPEAT_WORDS", "hedged_once", "keeps_capital", "long_sentences", "lowered_after_colons", "plain",
           "spoken_sentence", "tidy", "word_chunks"]


def word_chunks(text: str) -> Iterator[str]:
    """Each word with the white space after it, as a model streams tokens (leading space dropped)."""
    i, n = 0, len(text)
    while i < n and text[i].isspace():
        i += 1
    while i < n:
        j = i
        while j < n and not text[j].isspace():
            j += 1
        while j < n and text[j].isspace():
            j += 1
        yield text[i:j]
        i = j


def tidy(text: str) -> str:
    """One space between words and none before a mark: the parts of a line joined as one; a name that ends
    in "s" takes a bare apostrophe ("Sahyadri Forgings' figures", never "Forgings's")."""
    t = " ".join(_possessive(w) for w in text.split())
    for mark in ".,!?":
        t = t.replace(" " + mark, mark)
    for joined in ("And", "and", "But", "but"):  # "I need one more thing: and there's more": a new sentence
        t = t.replace(f": {joined} ", f". {joined.capitalize()} ")
    return t[:-1] + "." if t.endswith(":") else t  # a colon with nothing after it (an empty want) ends it


def _possessive(word: str) -> str:
    return word[:-1] if word[:1].isupper() and word.endswith("s's") and not word.endswith("ss's") else word


REPEAT_WORDS = 5
"""A sentence this long is said once a drill ("I just want to get this right for everyone."); "Okay." is not
a repeat (evals/realism.py, sentence_twice)."""


def long_sentences(text: str) -> set[str]:
    """The line's sentences and clauses of ``REPEAT_WORDS`` words or more: a restatement after a colon ("...
    where I started: I don't know you yet.") is said again as surely as one standing alone."""
    return {k for k in (plain(x) for x in T.said_pieces(text)) if len(k.split()) >= REPEAT_WORDS}


def plain(text: str) -> str:
    """Words only, lower case: two lines that differ in case or punctuation are the same line to a rep."""
    return " ".join(T.words(text))


_COLON_CAP = re.compile(r": ([A-Z][a-z]*(?:'[a-z]+)?)\b")
"""A word after a colon inside a line ("Here's the truth: Nearly all ..."): lowered unless a name or "I"."""


def lowered_after_colons(text: str, facts: dict[str, str]) -> str:
    """A capital after a colon inside a line lowered, unless the word is a name or "I"."""
    return _COLON_CAP.sub(lambda m: ": " + (m.group(1) if keeps_capital(m.group(1), facts)
                                            else m.group(1).lower()), text)


def keeps_capital(core: str, facts: dict[str, str]) -> bool:
    """The first word is "I" or a name (the buyer's, the product's, a company's, or one the scenario's words
    capitalise mid-sentence)."""
    first = core[:next((i for i, c in enumerate(core) if c.isspace() or c in ",.!?:;'"), len(core))]
    if first in ("I", "OK") or (len(first) > 1 and first.isupper()):  # "A twin-band headrig" is lowered
        return True
    if first[:1].isupper() and first.lower() in CALENDAR_NAMES:  # "We'll go with that: Thursday."
        return True
    names = " ".join(facts.get(k, "") for k in ("buyer_name", "first_name", "product", "company"))
    if bool(first) and T.has_phrase(names, first):
        return True
    # A name the scenario writes capitalised inside a sentence ("... to our director, Linda, who ...").
    said = " | ".join([core, *facts.values()])  # never one text's last word beside the next one's first
    return first[:1].isupper() and any(
        len(before := said[:m.start()].rstrip()) < m.start() and before[-1:] in _MID_SENTENCE
        for m in T.phrase_pattern(first).finditer(said))


_MID_SENTENCE = frozenset("abcdefghijklmnopqrstuvwxyz,;:")
"""What stands before a word inside a sentence: a lower-case word or a comma, semicolon or colon."""


def spoken_sentence(text: str) -> str:
    """A fact as a spoken sentence ("Three sites: ..." said, not read out as a stock lead-in)."""
    words = text.split()
    # a label of up to four words closing with a colon is said with a comma ("Three sites, ...")
    label = max((i for i, w in enumerate(words[:4]) if len(w) > 1 and w.endswith(":") and i + 1 < len(words)),
                default=None)
    if label is not None:
        words[label] = words[label][:-1] + ","
    return T.as_sentence(" ".join(words))


_HEDGES = frozenset({"honestly", "frankly", "truthfully", "yet"})
"""Words a speaker puts in once to say they are being straight with you, or that they are not there yet;
twice in one breath ("I've told you most of it, honestly. I'd feel better ..., honestly."; "I'm not ready to
put a date on it yet. That doesn't move me yet.") they read as a script's parts joined."""


def hedged_once(text: str) -> str:
    """The line with each hedge word kept only where it is first said: a later one goes with the comma that
    set it off ("..., honestly." is "...."; "Honestly, I ..." is "I ...")."""
    seen: set[str] = set()
    out: list[str] = []
    capital = False  # a hedge that opened a sentence went: the next word opens it
    for word in text.split(" "):
        bare = word.strip(",.!?").lower()
        if bare in _HEDGES and bare in seen:
            ending = word[len(word.rstrip(",.!?")):]
            if ending.startswith(","):
                capital = not out or out[-1][-1:] in ".!?"
            elif out:  # "..., honestly." or "... honestly!": its mark goes to the word before
                out[-1] = out[-1].rstrip(",") + ending
            continue
        seen.add(bare)
        out.append(word[:1].upper() + word[1:] if capital else word)
        capital = False
    return " ".join(out)
