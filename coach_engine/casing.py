"""Notes typed in capitals, written in sentence case before anyone says or quotes them.

Why a module of its own: some managers type whole notes in capitals ("MIKE HAS NO BANDWIDTH AND IS SCARED
TO START A PROJECT THAT FAILS"). Everything downstream reads written English: the first-person rewrite
finds the buyer by the capitalised name and the capitalised "He", and a coaching tip quotes a proof point
whole. Said as typed, a buyer shouted his own name in the third person and a tip read "INSTALL = CLAMP-ON
SENSORS" (a trainer's probe). A text whose letters are nearly all capitals is lowered word by word here,
keeping what is meant in capitals: an acronym (``casing.yaml``), a word with a digit ("Q3", "3PL"), a word
of two letters and no vowel ("GM", "QC"), a day or a month, and the names the caller gives (as the
scenario writes them elsewhere, "Tonya"); then each sentence opens with a capital. Shorthand the buyer
says in words ("HRS", "W/") is lowered, so the casual-typing table then says it in full. Text in mixed
case comes back as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from .datafiles import StrictData, load_model_file
from .text import is_function_word

__all__ = ["shouted", "unshouted"]

CASING_PATH = Path(__file__).resolve().parent / "casing.yaml"
SHOUTED_SHARE = 0.8
"""The share of a text's letters in capitals from which it was typed in capitals (a mixed-case note with a
few acronyms stays well below: "The CFO wants an ROI case by Q3" is 0.45)."""
_EDGE = "\"'()[],.;:!?~*"
_VOWELS = frozenset("aeiouy")


class _CasingFile(StrictData):
    version: int
    acronyms: list[str]
    calendar: list[str]
    """Days and months, said with their capital ("May" is left out: it is as often the verb)."""


@lru_cache(maxsize=1)
def _casing() -> tuple[frozenset[str], dict[str, str]]:
    data = load_model_file(CASING_PATH, _CasingFile)
    acronyms = frozenset(w.upper() for w in data.acronyms if not is_function_word(w.lower()))
    return acronyms, {w.lower(): w for w in data.calendar}


def shouted(text: str) -> bool:
    """Typed in capitals: at least three words of letters, and nearly every letter a capital."""
    letters = [c for c in text if c.isalpha()]
    words = sum(1 for w in text.split() if sum(c.isalpha() for c in w) >= 2)
    return words >= 3 and sum(c.isupper() for c in letters) >= SHOUTED_SHARE * len(letters)


def _kept(core: str, lowered: Mapping[str, str]) -> str | None:
    """How a word typed in capitals is written, when it is not simply lowered."""
    if "/" in core:  # "$2.1M/YR": each side on its own
        sides = [_kept(side, lowered) if side else "" for side in core.split("/")]
        if all(k is None for k in sides):
            return None
        pieces = zip(core.split("/"), sides, strict=True)
        return "/".join(side.lower() if k is None else k for side, k in pieces)
    base, apostrophe, rest = core.partition("'")
    acronyms, calendar = _casing()
    if base.lower() in lowered or base.lower() in calendar:
        return {**calendar, **lowered}[base.lower()] + apostrophe + rest.lower()
    letters = [c for c in base.lower() if c.isalpha()]
    two = len(letters) == 2 and not _VOWELS & set(letters)  # "GM", "QC"
    if base.upper() in acronyms or any(c.isdigit() for c in base) or two:
        return base + apostrophe + rest.lower()
    return None


def unshouted(text: str, names: Mapping[str, str] | None = None,
              shorthand: frozenset[str] = frozenset()) -> str:
    """``text`` in sentence case when it was typed in capitals (see the module's docstring), else as it was.
    ``names``: lower case -> as written ("tonya" -> "Tonya"); ``shorthand``: words said in full later, in
    lower case, so they are lowered even when they look like an acronym ("hrs")."""
    if not shouted(text):
        return text
    table = {k.lower(): v for k, v in (names or {}).items()}
    out: list[str] = []
    opens = True
    for token in text.split(" "):
        core = token.strip(_EDGE)
        if not core or not any(c.isalpha() for c in core):
            out.append(token)
            opens = token.rstrip().endswith((".", "!", "?", ":")) or (opens and not core)  # "1 press pilot"
            continue
        a = token.find(core)
        kept = None if core.lower() in shorthand else _kept(core, table)
        word = kept if kept is not None else core.lower()
        if opens and kept is None:
            word = word[:1].upper() + word[1:]
        out.append(token[:a] + word + token[a + len(core):])
        opens = token.rstrip(_EDGE[:3] + ")]").endswith((".", "!", "?")) or token.endswith(":")
    return " ".join(out)
