"""The buyer speaks for their organisation and to the rep: "the district was burned" -> "we were burned",
"the food bank's spending" -> "our spending", "I prefer SlipSure" -> "I prefer yours".

Why its own module: a manager writes the concern about the company and the
product in the third person; a buyer says "we" for their own organisation and
"yours" for the rep's product. That is one idea, apart from turning the buyer's
own name and pronouns into "I" (``persona``), which calls it.
"""

from __future__ import annotations

import re

from .. import text as T
from ..models import Scenario
from .pronouns import PEOPLE, another_organisation
from .verbs import FIRST_PERSON

__all__ = ["org_to_we", "our", "said_aloud", "to_the_rep"]

_GENERIC_ORG = ("company", "firm", "business", "organisation", "organization", "shop", "practice", "agency",
                "studio", "store", "group")
_ORG_KINDS = frozenset({
    "bank", "resort", "district", "university", "college", "school", "hospital", "clinic", "hotel", "brewery",
    "pharmacy", "foundation", "institute", "center", "centre", "library", "museum", "union", "cooperative",
    "co-op", "dealership", "restaurant", "bakery", "farm", "winery", "academy", "charity", "trust",
    "authority",
})
"""The last word of a company's name that a manager uses alone for it ("the bank", "the district"); a name
ending in a commodity ("Kessler Cold Freight") is not shortened to it ("the freight was late")."""
_THEY = re.compile(r"\b(?:they're|they've|they'll|they'd|theirs|their|them|they)\b", re.IGNORECASE)
_WE = {"they": "we", "them": "us", "their": "our", "theirs": "ours", "they're": "we're", "they've": "we've",
       "they'll": "we'll", "they'd": "we'd"}
_ORG_VERB = {"is": "are", "was": "were", "has": "have", "does": "do", "doesn't": "don't", "hasn't": "haven't",
             "isn't": "aren't", "wasn't": "weren't"}


def _we(m: re.Match[str]) -> str:
    word = _WE[m.group(0).lower()]
    return word.capitalize() if m.group(0)[0].isupper() else word


def said_aloud(name: str) -> str:
    """A company or product name without the author's note in brackets ("Northline Logistics (85 trucks)",
    "GlycoPure fluids (Arctic Chem Supply)"): nobody says the brackets."""
    out, rest = [], name
    while (a := rest.find("(")) >= 0 and (b := rest.find(")", a)) >= 0:
        out.append(rest[:a])
        rest = rest[b + 1:]
    return " ".join(" ".join([*out, rest]).split()) or name


def _org_refs(scenario: Scenario, text: str = "") -> list[str]:
    """How a manager names the buyer's own organisation: its name, "the company", "the <kind>" (the last
    one or two words of its name: "the food bank", "the district"), "the <kind> firm" as ``text`` says it."""
    name = said_aloud(scenario.buyer.company)
    words = name.split()
    refs = [name] if name else []
    refs += [f"the {w}" for w in _GENERIC_ORG]
    kind = re.finditer(r"\b[A-Za-z]+\s+(?:company|firm|business)\b", text)
    refs += [f"the {m.group(0).lower()}" for m in kind]
    if len(words) >= 2:
        refs.append("the " + " ".join(words[-2:]).lower())
    if words and words[-1].lower() in _ORG_KINDS:
        refs.append("the " + words[-1].lower())
    if len(words) >= 2 and words[0][:1].isupper() and words[0].lower() != "the":
        refs.append(words[0])  # "Voss's load factors" for Voss Coach Tours
    return sorted(set(refs), key=len, reverse=True)


_QUANTIFIERS = frozenset({"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve",
                          "twenty", "dozen", "dozens", "several", "many", "few", "both", "these", "those"})
_TIME_UNITS = frozenset({"seconds", "minutes", "hours", "days", "nights", "weeks", "weekends", "months",
                         "quarters", "years", "seasons", "decades", "shifts", "times"})
_OF_WHOSE = frozenset({"of", "the", "my", "our", "his", "her", "their", "its", "your"})
"""Words between a count and what it counts ("two of his cranes")."""
_COLLECTIVE = frozenset({"people", "staff", "board", "council", "family", "children", "kids"})


def _counted_things(text: str) -> bool:
    """Whether ``text`` counts some things ("two excavators", "120 kegs", "those invoices"): a "they" after
    them is theirs ("... lost two excavators because nobody logged where they went"), not the organisation's.
    Spans of time ("two years ago they switched") and people are no such things."""
    said = T.words(text)
    for k, w in enumerate(said):
        if not (w in _QUANTIFIERS or w.replace(",", "").isdigit()):
            continue
        n = next((x for x in said[k + 1:k + 4] if x not in _OF_WHOSE), "")  # "two of my cranes"
        if len(n) > 3 and n.endswith("s") and not n.endswith(("ss", "us", "is")) and n not in _TIME_UNITS \
                and not PEOPLE.fullmatch(n):
            return True
    return False


def _one_other_party(text: str) -> bool:
    """Whether the only other ``text`` names is one single party ("a distributor", "the resort's insurer"),
    and it counts no things: then an object "them" is nobody there, so it is the organisation ("a distributor
    has hinted they'll drop them" -> "drop us")."""
    named = {m.group(0).lower() for m in PEOPLE.finditer(text)}
    return len(named) == 1 and not any(n.endswith("s") or n in _COLLECTIVE for n in named) \
        and not _counted_things(text)


def _them_us(text: str, before: str = "") -> str:
    """``text`` with each object "them" as "us" when a single other party, named before it in the same
    sentence (``before``: the sentence up to ``text``), is all there is to be it: a pronoun is no object of
    its own subject ("the insurer has warned them"), while "Done with them" after "Had a vendor." is it."""
    def said(m: re.Match[str]) -> str:
        us = m.group(0) == "them" and _one_other_party(f"{before} {text[:m.start()]}")
        return "us" if us else m.group(0)

    return _THEY.sub(said, text)


_PLURAL = {**FIRST_PERSON, **_ORG_VERB}
"""A verb as "we" says it ("expects" -> "expect", "is" -> "are")."""


def _verb_after_we(m: re.Match[str]) -> str:
    """The organisation's second verb, now that it is "we": a known verb, or any "-s" verb before "to"."""
    word = m.group(2)
    if word in _PLURAL:
        word = _PLURAL[word]
    elif m.group(3) and word.endswith("s") and not word.endswith("ss"):
        word = word[:-3] + "y" if word.endswith("ies") else word[:-2] if word.endswith(("shes", "ches")) \
            else word[:-1]
    return m.group(1) + word


def our(s: str, scenario: Scenario) -> str:
    """"the food bank's spending" -> "our spending" ("Our" opening the text)."""
    for ref in _org_refs(scenario, s):
        s = T.phrase_pattern(f"{ref}'s", re.IGNORECASE).sub(
            lambda m: "Our" if m.group(0)[0].isupper() and m.start() == 0 else "our", s)
    return s


def named_org_as_we(s: str, scenario: Scenario) -> str:
    """The buyer's organisation, named, said as "we"/"us"/"our" ("cost Brightline $4,800" -> "cost us
    $4,800", "the firm was burned" -> "we were burned"), even in a concern written in the buyer's voice."""
    s = our(s, scenario)
    for ref in _org_refs(scenario, s):
        r = re.escape(ref)
        # not "to the business manager" -> "to us manager": the organisation's role is a person
        s = re.sub(rf"\b(for|to|with|from|at|on|about|by|cost|costs|left|gave|give)\s+{r}\b"
                   r"(?!\s+[a-z]+(?:er|or|ist|ant|ent|ian)s?\b)", r"\1 us", s, flags=re.IGNORECASE)
        s = re.sub(rf"(^|[.;:]\s+)?\b{r}\s+({'|'.join(_ORG_VERB)}|[a-z]+ed)\b", _org_subject, s,
                   flags=re.IGNORECASE)
    return s


_OWNS = frozenset({"own", "owns", "owned", "run", "runs", "bought", "buy", "buys", "sold", "sell", "sells",
                   "acquired", "acquire", "acquires", "manage", "manages", "managed", "joined", "lead",
                   "leads"})
"""Verbs whose object the organisation is ("the family that owns the group is in talks"): the sentence's
subject is who owns it, so the organisation stays as named, never "the family that owns we're in talks"."""


def _org_subject(m: re.Match[str]) -> str:
    """The organisation as the subject of its verb, said "we": "the firm was burned" -> "we were burned"."""
    before = m.string[:m.start()].split()[-1:]
    if m.group(1) is None and before and before[0].lower() in _OWNS:
        return m.group(0)
    we = "we" if m.start() and m.group(1) is None else "We"
    return f"{m.group(1) or ''}{we} {_ORG_VERB.get(m.group(2).lower(), m.group(2))}"


def org_to_we(s: str, scenario: Scenario) -> str:
    """The buyer speaks for their organisation: "the food bank's spending" -> "our spending", "the firm
    was burned" -> "we were burned", "for the district" -> "for us", and "they"/"their"/"them" in a sentence
    that names no other group of people -> "we"/"our"/"us"."""
    s = named_org_as_we(s, scenario)
    out = []
    seen = ""
    for piece in re.split(r"(?<=[.;])\s+", s):
        first = _THEY.search(piece)
        before = seen + " " + (piece[:first.start()] if first is not None else "")
        seen += " " + piece
        if (first is not None and not PEOPLE.search(before) and not _counted_things(piece[:first.start()])
                and not another_organisation(before)):
            stop = PEOPLE.search(piece, first.end())
            end = stop.start() if stop else len(piece)

            piece = piece[:first.start()] + _THEY.sub(_we, piece[first.start():end]) + _them_us(piece[end:])
        elif first is not None:
            piece = piece[:first.start()] + _them_us(piece[first.start():], piece[:first.start()])
        out.append(piece)
    s = " ".join(out)
    # Once the organisation is "we", so are its second verb and its "its": "we are in talks and expects to
    # close" -> "and expect to close", "we missed its plan" -> "we missed our plan".
    s = re.sub(r"(\b[Ww]e\b[^.;,]*?\band\s+)([a-z']+)\b(?=(\s+to\b)?)", _verb_after_we, s)
    s = re.sub(r"(\b[Ww]e\s+[a-z]+\s+)its\b", r"\1our", s)
    return " ".join(_here(piece) for piece in T.sentences(s)) if " there " in s else s


_STAYED = frozenset({"been", "worked", "working", "started", "stayed"})
_HOW_LONG = frozenset({"since", "for", "over", "nearly", "almost", "about", "all"})


def _here(sentence: str) -> str:
    """The buyer's own workplace is "here" in their mouth: "Davie has been there thirty-one years" -> "...
    been here thirty-one years", unless the sentence names another place ("... at Diageo, and has been
    there since 2010")."""
    tokens = sentence.split()
    said = [T.words(t)[0] if T.words(t) else "" for t in tokens]
    elsewhere = any(w in ("at", "in") and k + 1 < len(tokens) and tokens[k + 1][:1].isupper()
                    for k, w in enumerate(said))
    for k in range(1, len(tokens) - 1):
        after = said[k + 1]
        a_while = after in _HOW_LONG or after[:1].isdigit() or after.endswith(("teen", "ty")) or "-" in after
        if said[k] == "there" and said[k - 1] in _STAYED and not elsewhere and a_while:
            tokens[k] = tokens[k].replace("there", "here")
    return " ".join(tokens)


_DETERMINERS = frozenset({"the", "a", "an", "our", "their", "this", "that", "any"})


def to_the_rep(s: str, scenario: Scenario) -> str:
    """The rep's own product said to the rep: "I prefer SlipSure" -> "I prefer yours", "SlipSure's price" ->
    "your price"; "the SlipSure pilot" (a determiner, or a noun after it) is left as it is."""
    name = said_aloud(scenario.product.name)
    if not name or name not in s:
        return s

    def said(m: re.Match[str]) -> str:
        before = s[:m.start()].split()[-1:]
        after = (T.words(s[m.end():]) or [""])[0]
        if before and before[0].lower() in _DETERMINERS:
            return m.group(0)  # "the Routewise pilot", "our Routewise trial"
        if m.group(1):
            return "your"
        named = after and not T.is_function_word(after) and not after.endswith(("s", "ed"))
        return m.group(0) if named else "yours"

    return re.sub(rf"\b{re.escape(name)}('s)?\b", said, s)
