"""A manager's casually typed notes, written out before the buyer says them in the first person.

Why a module of its own: managers type the secret the way they text ("shane actually wants solar, bills r
killing him ... shanes scared hes gonna look like a mug in front of gary"). Every later step reads
written English: the first-person rewrite finds the buyer by the capitalised name and "he's" by its
apostrophe, so a lowercase name stayed "Shane" and "hes" stayed "hes" in the buyer's own mouth (probe
25). Here, before anything else reads it, a note gets the apostrophes, the words and the capitals its
author left out: "dont" is "don't", a lone "r" or "n" is "are" or "and" (``telling.yaml``, ``casual``), the
buyer's name and any name the scenario writes with a capital elsewhere gets its capital ("gary" ->
"Gary"), and a name run into its "s" ("shanes") is the possessive or "is" it stands for ("Shane's"); "burned
in 2021", the shorthand for being hurt, is "got burned in 2021". A note typed in capitals is first written
in sentence case (``casing``).
Well-typed prose comes back as it was.
"""

from __future__ import annotations

from .. import text as T
from ..casing import shouted, unshouted
from ..models import Scenario
from .telling import casual_words, said_in_full, shorthand_words

__all__ = ["written_out"]

_EDGE = "\"'(),.;:!?"


def _lone_names(scenario: Scenario) -> dict[str, str]:
    """Capitalised words the scenario writes mid-sentence on their own ("neighbour Gary got", "the
    Nguyens on"), lowercased -> as written: the names a casual note may write in lowercase. A capital next
    to another capital is a title or a firm ("Value Analysis Committee"), whose words are also common
    nouns ("Head of Claims" too), so it is left out; so is an acronym."""
    b = scenario.buyer
    texts = (b.hidden_concern, b.opening, b.next_step or "", b.company, b.role, scenario.context,
             *scenario.product.proof_points, *scenario.product.value_points, *b.resolution_texts)
    found: dict[str, str] = {}
    lines = [line.strip().lstrip("-*+\u2022\u2013\u2014 ") for text in texts for line in text.splitlines()]
    for line in lines:  # a bullet opens a sentence, whatever its end: "... in April\n- Nobody trained"
        for sentence in T.sentences(line):
            words = [w.strip(_EDGE) for w in sentence.split()]
            for i, w in enumerate(words):
                if i == 0 or not (w[:1].isupper() and w[1:].isalpha() and w[1:].islower()):
                    continue
                beside = [x for x in (words[i - 1], words[i + 1] if i + 1 < len(words) else "") if x]
                of = i > 1 and T.is_function_word(words[i - 1].lower()) and words[i - 2][:1].isupper()
                if not (of or any(x[:1].isupper() for x in beside) or T.is_function_word(w.lower())):
                    found[w.lower()] = w
    for w in scenario.buyer.name.split():  # the name itself, never "Sir" or "the buyer" (``buyer_names``)
        if w[:1].isupper() and w[1:].isalpha() and w[1:].islower() and not T.is_function_word(w.lower()):
            found[w.lower()] = w
    return found


def _named_anywhere(scenario: Scenario) -> dict[str, str]:
    """For a note typed in capitals, which tells nothing by its case: the words the scenario's other texts
    only ever write with a capital ("Tonya likes it."), never in lower case, and no small word."""
    b = scenario.buyer
    texts = [t for t in (b.hidden_concern, b.opening, b.next_step or "", b.company, scenario.context,
                         *scenario.product.proof_points, *scenario.product.value_points, *b.resolution_texts,
                         *b.facts.values()) if not shouted(t)]
    said = [w.strip(_EDGE) for t in texts for w in t.split()]
    lower = {w for w in said if w.islower()}
    return {w.lower(): w for w in said if w[:1].isupper() and w[1:].isalpha() and w[1:].islower()
            and w.lower() not in lower and not T.is_function_word(w.lower())}


def written_out(text: str, scenario: Scenario) -> str:
    """``text`` with what casual typing left out put back (see the module's docstring)."""
    table = casual_words()
    names = _lone_names(scenario)
    if shouted(text):  # typed in capitals: in sentence case first (``casing``)
        text = unshouted(text, {**_named_anywhere(scenario), **names}, shorthand_words())

    def said(token: str) -> str:
        core = token.strip(_EDGE)
        if not core.islower():
            return token
        a = token.find(core)
        lead, tail, key = token[:a], token[a + len(core):], core
        if key in table:
            core = table[key]
        elif key in names:
            core = names[key]
        elif key.endswith("s") and key[:-1] in names:
            core = f"{names[key[:-1]]}'s"  # "shanes scared" -> "Shane's scared"
        elif key.endswith("s'") and key[:-2] in names:
            core = f"{names[key[:-2]]}s'"  # "the nguyens' bills"
        return f"{lead}{core}{tail}"

    # word by word, the note's own line breaks and bullets kept for ``notes.as_prose``; then its shorthand in
    # words, so "killing her w/ two kids" is read as "her with", an object
    lines = (_got_burned(" ".join(said(w) if w.strip() else w for w in line.split(" ")))
             for line in text.split("\n"))
    return "\n".join(said_in_full(line) if line.strip() else line for line in lines)


_HURT = frozenset({"burned", "burnt", "stung"})
_WHEN_HURT = frozenset({"in", "by", "on", "last", "twice", "badly", "before", "again", "once"})
_ALREADY_PASSIVE = frozenset({"got", "get", "gets", "was", "were", "been", "being", "is", "are", "be"})


def _got_burned(line: str) -> str:
    """"GO burned in 2021", a manager's shorthand for being hurt, said as a person says it: "got burned in
    2021" (a buyer saying "I burned in 2021" has set something on fire)."""
    words = line.split(" ")
    for k in range(1, len(words) - 1):
        before, word, after = words[k - 1].lower(), words[k].lower(), words[k + 1].lower().strip(",.;:")
        if word in _HURT and after in _WHEN_HURT and before not in _ALREADY_PASSIVE and before.isalpha():
            words[k] = f"got {words[k]}"
    return " ".join(words)
