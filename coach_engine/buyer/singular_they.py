"""The manager's singular "they" for the buyer, said as the buyer's "I".

Why its own module: a manager who calls the buyer "they" ("Quinn joined in May, and the first change they
pushed ...") writes a pronoun that is as often the plural of the people around the buyer ("the drivers ...
they"). Telling the two apart is one idea, apart from the gendered pronouns of ``pronouns``.
"""

from __future__ import annotations

from .. import text as T
from .pronouns import _GENDER_BASE, _PRONOUN, PEOPLE, PERSON, _next, another_organisation

__all__ = ["singular_they", "they_to_i"]

_THEY_I = {"they": "I", "they're": "I'm", "they've": "I've", "they'll": "I'll", "they'd": "I'd",
           "their": "my", "theirs": "mine", "themselves": "myself", "themself": "myself", "them": "me"}
_THIRD = _GENDER_BASE | {"they", "them", "their"}


def singular_they(s: str) -> bool:
    """The manager calls the buyer "they" ("Quinn joined in May, and the first change they pushed ..."):
    the first pronoun after the buyer (already "I"/"my" here) is a "they" form, with no people in the plural
    ("the drivers") and nobody else acting between to own it, and no "he" or "she" for the buyer."""
    me = _next(s, frozenset({"i", "my", "me"}))
    first = _next(s, _THIRD, me.end()) if me is not None else None
    if me is None or first is None or first.group(0).lower() not in _THEY_I:
        return False
    between = s[me.end():first.start()]
    plural = any(m.group(0).lower().endswith("s") for m in PEOPLE.finditer(between))
    return not (PERSON.search(between) or plural or another_organisation(between))


def they_to_i(s: str) -> str:
    """The buyer's "they" forms as "I" forms; a "them" after a plural noun nearer than the buyer ("unless
    the numbers are airtight and she can check them") stays the noun's."""
    out, last_me = [], 0

    def plural_between(a: int, b: int) -> bool:
        return any(len(w) > 3 and w.endswith("s") and not w.endswith("ss") for w in T.words(s[a:b]))

    for m in _PRONOUN.finditer(s):
        word = m.group(0)
        if word.lower() not in _THEY_I:
            continue
        mine = not (word.lower() == "them" and plural_between(last_me, m.start()))
        out.append((m, _THEY_I[word.lower()] if mine else word))
        if mine:
            last_me = m.end()
    for m, said in reversed(out):
        if m.group(0)[:1].isupper():  # "Their ..." -> "My ..." ("I" forms are capitalised already)
            said = said[:1].upper() + said[1:]
        rest = s[m.end():]
        verb = rest.split(maxsplit=1)[0] if rest.strip() else ""
        if said == "I" and verb in ("are", "were"):  # "they are" -> "I'm", "they were" -> "I was"
            said, rest = ("I'm" if verb == "are" else "I was"), rest.lstrip()[len(verb):]
        s = s[:m.start()] + said + rest
    for stop in ".!?":  # "Quinn's review" opening a sentence
        s = s.replace(f"{stop} my ", f"{stop} My ")
    return s
