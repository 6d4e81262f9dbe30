"""Whose pronoun is it: the buyer's, or someone else's in the manager's prose.

Why a module of its own: a manager writes the hidden concern about the buyer ("Grace is caught between
them, and she ...") beside other people ("the CEO, Helen Marsh, used it at her previous hospice"), and the
buyer must say their own part as "I" and leave everyone else's pronouns alone. What decides it is which
name a pronoun follows (the nearest person acting is its antecedent), whether the buyer's gender can be
told at all, and whether the manager calls the buyer "they". ``persona.first_person`` does the rewriting;
these are its readings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .. import text as T

__all__ = ["PEOPLE", "PERSON", "buyer_gender", "mask_others", "present", "singular_they", "they_to_i"]

PEOPLE = re.compile(
    r"\b(?:[a-z]+(?:ers|ists|ees|ians|ants|ents)|people|staff|drivers|customers?|clients?|members|users|guests|"
    r"donors|families|children|kids|crews|techs|volunteers|reps|board|council|owner|vendors?|competitors?|"
    r"suppliers?|wholesalers?|distributors?|partners?|providers?|incumbents?|contractors?|consultants?|"
    r"carriers?|insurers?|banks?|regulators?|auditors?|funders?|investors?|parents|patients|students|"
    r"family|fathers?|mothers?|uncles?|aunts?|brothers?|sisters?|sons?|daughters?|cousins?|in-laws)\b",
    re.IGNORECASE)
"""Another party than the buyer's organisation (people, a vendor, a wholesaler): a "they" or "their" after it
may be theirs ("drivers ... they quit", "the wholesaler ... their tool"), so it is left alone."""


def present(names: Iterable[str], text: str) -> tuple[str, ...]:
    """The names that occur in ``text``: a substring test first, so no pattern is built for a name that is
    not there (the buyer's many title variants would otherwise overflow the ``re`` module's cache)."""
    return tuple(n for n in names if n and n in text)


def buyer_gender(text: str, names: tuple[str, ...]) -> str | None:
    """'he' or 'she' when the concern's pronouns for the buyer can be told apart, else None.

    The buyer's pronoun is the first gendered one after the buyer's name (or at the very start
    when the concern opens about the buyer: "Her front desk ..."), with no other name between.
    """
    pron = re.compile(r"\b(he|she|his|her|him|himself|herself)\b", re.IGNORECASE)
    first = min((m for n in present(names, text) for m in [re.search(rf"\b{re.escape(n)}\b", text)] if m),
                key=lambda m: m.start(), default=None)
    name_at, name_end = (first.start(), first.end()) if first else (-1, 0)
    m = pron.search(text, name_end)
    if name_at >= 0 and m is None:
        m = pron.search(text)  # the pronoun comes before the name ("... is her boss; Janet won't ...")
        name_at = -1
    if m is None:
        return None
    before = text[:m.start()] if name_at < 0 else text[name_end:m.start()]
    # An appositive (", Dr. Lindqvist,") names no actor, unless a clause about them follows (", who ...").
    before = re.sub(r",\s+[^,;]*,(?!\s+who\b)", ",", before)
    own = "|".join(re.escape(n) for n in present(names, text))
    found = "he" if m.group(1).lower() in ("he", "his", "him", "himself") else "she"
    acted = PERSON.search(re.sub(rf"\b(?:{own})\b", "", before))
    if name_at >= 0 and m.group(1).lower() in ("he", "she") and (acted or _ROLE_ACTS.search(before)):
        # Another person or a role ("the COO") acts after the buyer is named, then "he"/"she" goes on as a
        # subject: the pronoun is likely theirs ("the COO pulled it, and he still brings it up"; "the owner,
        # Eleanor, who has said she will sell"). Pronouns of the other gender later on are then the buyer's;
        # else nobody can tell.
        other = "she" if found == "he" else "he"
        forms = ("she", "her", "herself") if other == "she" else ("he", "his", "him", "himself")
        later = re.search(rf"\b(?:{'|'.join(forms)})\b", text[m.end():], re.IGNORECASE)
        return other if later else None
    if acted:
        return None  # another person acts before the pronoun: it may be theirs
    others = re.sub(rf"\b(?:{own})\b", "", text[:m.start()])
    if m.group(1).lower() in ("his", "him", "her") and PERSON.search(others):
        return None  # "Anton sets it; Mira doubts his numbers": "his" may be the person named earlier
    return found


_ACTS = r"\s+(?:is|was|has|had|does|did|says|said|told|retires|runs|[a-z]+ed|[a-z]{3,}s)\b"
PERSON = re.compile(r"\b(?!(?:The|This|That|Last|In|Since|Two|Three|A|An)\b)[A-Z][a-z]{2,}(?:,\s+who)?"
                     + _ACTS)
"""A named person doing something ("Gary retires"): pronouns after it may be theirs, not the buyer's."""
_ROLE_ACTS = re.compile(r"\b[A-Z]{2,4}" + _ACTS)
"""A role by its initials doing something ("the COO pulled")."""

_OTHER_SUBJECT = re.compile(r"\b([A-Z][a-z]+)(?:\s+[A-Z][a-z]+)?(?:,\s+[^,;.]{1,90},|,)?" + _ACTS)
"""Someone named as a clause's subject, perhaps after an appositive ("Walt, head sawyer for 31 years, has
said ...")."""
_GENDERED = {"he": ("he", "he'll", "he'd", "he's", "his", "him", "himself"),
             "she": ("she", "she'll", "she'd", "she's", "her", "herself")}


def mask_others(s: str, names: tuple[str, ...], gender: str) -> tuple[str, list[str]]:
    """``s`` with the pronouns of the buyer's gender that belong to someone else hidden (restored after the
    rewrite), and what they were. Someone else named as the subject of a clause whose own first pronoun
    after them is of the buyer's gender ("Walt ... has said he'll retire"; "the CEO, Helen Marsh, used it at
    her previous hospice") owns that gender's pronouns to the clause's end: the nearest name is the
    antecedent. A name only ever written at the start of a sentence is not a person ("Overtime has
    crept"), nor is a month or a day."""
    mine = set(" ".join(names).split()) | {"I"}
    plain = re.sub(r"\b(Dr|Mr|Mrs|Ms|Mx|Prof|Rev|Fr)\.", r"\1 ", s)  # "Dr. Nair" ends no clause
    forms = "|".join(re.escape(f) for f in _GENDERED[gender])
    other = "he" if gender == "she" else "she"
    kept: list[str] = []

    def hide(m: re.Match[str]) -> str:
        kept.append(m.group(0))
        return f"\ue000{len(kept) - 1}\ue001"

    out, last = [], 0
    for clause in re.finditer(r"[^.;]+", plain):
        for m in _OTHER_SUBJECT.finditer(clause.group(0)):
            name = m.group(1)
            if name in mine or T.structure().time.fullmatch(name) or not re.search(
                    rf"[a-z,]\s+{name}\b", plain):  # "Dr  Nair" too, its full stop gone
                continue
            start = clause.start() + m.start(1)
            rest = s[start:clause.end()]
            first = re.search(rf"\b(?:{forms}|{'|'.join(_GENDERED[other])})\b", rest)
            if first is None or first.group(0).lower() not in _GENDERED[gender]:
                continue
            out.append(s[last:start])
            out.append(re.sub(rf"\b(?:{forms})\b", hide, rest))
            last = clause.end()
            break
    out.append(s[last:])
    return "".join(out), kept


_THEY_I = {"they": "I", "they're": "I'm", "they've": "I've", "they'll": "I'll", "they'd": "I'd",
           "their": "my", "theirs": "mine", "themselves": "myself", "themself": "myself", "them": "me"}
_THEY_FORMS = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, _THEY_I), key=len, reverse=True)) + r")\b",
                         re.IGNORECASE)
_GROUPS = re.compile(r"\b(?:team|staff|crew|group|committee|company|firm|business|department|office)s?\b",
                     re.IGNORECASE)


def singular_they(s: str) -> bool:
    """The manager calls the buyer "they" ("Quinn joined in May, and the first change they pushed ..."):
    the first pronoun after the buyer (already "I"/"my" here) is a "they" form, with no people in the plural
    ("the drivers") and nobody else acting between to own it, and no "he" or "she" for the buyer."""
    me = re.search(r"\b(?:I|my|me)\b", s)
    if me is None:
        return False
    first = re.search(r"\b(?:he|she|his|him|her|they|them|their|they're|they've|they'll|they'd)\b",
                      s[me.end():], re.IGNORECASE)
    if first is None or not _THEY_FORMS.fullmatch(first.group(0)):
        return False
    between = s[me.end():me.end() + first.start()]
    plural = any(m.group(0).lower().endswith("s") for m in PEOPLE.finditer(between))
    return not (PERSON.search(between) or plural)


def they_to_i(s: str) -> str:
    """The buyer's "they" forms as "I" forms; a "them" after a plural noun nearer than the buyer ("unless
    the numbers are airtight and she can check them") stays the noun's."""
    out, last_me = [], 0

    def plural_between(a: int, b: int) -> bool:
        return any(len(w) > 3 and w.endswith("s") and not w.endswith("ss") for w in T.words(s[a:b]))

    for m in _THEY_FORMS.finditer(s):
        word = m.group(0)
        mine = not (word.lower() == "them" and plural_between(last_me, m.start()))
        out.append((m, _THEY_I[word.lower()] if mine else word))
        if mine:
            last_me = m.end()
    for m, said in reversed(out):
        if m.group(0)[:1].isupper():  # "Their ..." -> "My ..." ("I" forms are capitalised already)
            said = said[:1].upper() + said[1:]
        s = s[:m.start()] + said + s[m.end():]
    s = re.sub(r"\bI\s+(are|were)\b", lambda m: {"are": "I'm", "were": "I was"}[m.group(1)], s)
    return re.sub(r"(?<=[.!?]\s)my\b", "My", s)  # "Quinn's review" opening a sentence
