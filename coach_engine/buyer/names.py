"""Every way a scenario's prose names the buyer: name, titles, honorifics, initials, "the buyer".

Why its own module: the first-person rewrite (``persona``) turns the buyer's own name into "I", so it must
know the buyer however a manager writes them: "Dr. Okafor", "Dee" for 'Dolores "Dee" Whitaker', "Suresh
sir" in Indian English, "GK" in a clipped manager's notes, "the buyer" in a role-play prompt converted
from another tool. One idea (who the buyer is in the text), apart from what is done with it.
"""

from __future__ import annotations

from .. import text as T
from ..models import Scenario

__all__ = ["bare_first", "buyer_names"]


def bare_first(scenario: Scenario) -> str:
    """The buyer's first name without a title ("Nkechi" for "Dr. Nkechi Okafor")."""
    name = _nickname(" ".join(scenario.buyer.name.split()))[1]
    parts = [p for p in name.split() if not p.endswith(".") and p not in _TITLES]
    return parts[0] if parts else name.split()[0]


_TITLES = ("Dr.", "Dr", "Mr.", "Mr", "Mrs.", "Mrs", "Ms.", "Ms", "Miss", "Mx.", "Prof.", "Professor", "Revd",
           "Rev.", "Rev", "Fr.", "Pastor", "Rabbi")
"""Honorifics a manager puts before the buyer's surname ("Dr. Okafor", "Mr. Reyes"), named or not."""


def buyer_names(scenario: Scenario) -> tuple[str, ...]:
    """Every way the scenario's prose names the buyer, each before any shorter form inside it (the rewrite
    takes them in this order, so "Suresh sir" goes before "Suresh"): the full name, without its title, a
    title with the surname ("Dr. Okafor" for "Dr. Nkechi Okafor", or for plain "Nkechi Okafor"), the first
    name with an honorific after it, the first name, a nickname, the initials, "the buyer". A bare surname
    is left out: it is as often a family firm's name ("Okafor Farms")."""
    full = " ".join(scenario.buyer.name.split())
    called, plain = _nickname(full)
    bare_parts = [p for p in plain.split() if not p.endswith(".") and p not in _TITLES]
    bare = " ".join(bare_parts)
    titled = [f"{t} {bare_parts[-1]}" for t in _TITLES] if len(bare_parts) >= 2 else []
    first = bare_first(scenario)
    honoured = [f"{n} {h}" for n in (first, called) if n for h in _AFTER_NAME]
    return tuple(dict.fromkeys(n for n in (full, plain, bare, *titled, *honoured, first, called,
                                          *_initials(bare_parts, scenario), *_ROLE_NAMES) if n))


_AFTER_NAME = ("sir", "ji", "madam", "ma'am", "san", "sahib", "saab", "garu")
"""Honorifics said after a first name ("Suresh sir's MD", "Anjali madam", "Tanaka san"): the buyer still."""
_ROLE_NAMES = ("The buyer", "the buyer", "The prospect", "the prospect", "Prospect", "Sir", "Madam", "Ma'am")
"""How a role-play prompt converted from another tool names whoever plays the buyer ("The buyer is
skeptical about going to the board at all. Last year they championed ..."), and how an Indian-English
account that calls the buyer "Ramesh sir" goes on to call him ("Sir wants proof ...")."""


def _initials(parts: list[str], scenario: Scenario) -> list[str]:
    """The buyer's initials as a clipped manager writes them ("GK burned in 2023" for Gary Kowalczyk),
    unless the letters mean something else in the scenario's other text ("IT" in "GM - IT")."""
    letters = "".join(p[0] for p in parts if p[:1].isalpha())
    if len(parts) < 2 or len(letters) != len(parts) or not letters.isupper():
        return []
    b = scenario.buyer
    elsewhere = " ".join((b.role, b.company, b.opening, scenario.context, scenario.product.name,
                          scenario.product.summary, scenario.title))
    return [] if T.has_phrase(elsewhere, letters) else [letters]


def _nickname(full: str) -> tuple[str, str]:
    """The name a buyer goes by when the name gives one in quotes or brackets ('Dolores "Dee" Whitaker',
    "Robert (Bob) Lane"), and the name without it; ("", the name) when there is none."""
    for left, right in ('""', "“”", "''", "()"):
        a = full.find(left)
        b = full.find(right, a + 1) if a >= 0 else -1
        if a >= 0 and b > a + 1:
            return full[a + 1:b].strip(), " ".join((full[:a] + full[b + 1:]).split())
    return "", full
