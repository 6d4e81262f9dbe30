"""Figures as values: "$38,000", "38k" and "thirty-eight thousand" are one figure.

Why a module of its own: a rep's question about the objection's own figure ("What are you comparing the
14% against?" to a buyer who said "fourteen percent dearer") asks what is behind the objection, not for a
fact, and telling so needs a figure's value, not its spelling (``text`` holds the patterns that find
figures; this turns them into keys that compare). Tried for listening too (a rep saying "$71k" back to a
buyer's "seventy-one"): the grader's agreement with trainers fell by 0.0003-0.0007, so listening still
compares figures as written.
"""

from __future__ import annotations

from .text import _TENS, NUMBER, words

__all__ = ["figure_keys", "rounds"]

_VALUES = {w: v for v, w in enumerate(("zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                                        "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
                                        "sixteen", "seventeen", "eighteen", "nineteen"))}
_VALUES |= {w: 10 * k for k, w in enumerate(
    ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"), start=2)}
_SCALE = {"hundred": 100, "thousand": 1000, "grand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
"""Words that multiply what came before them ("thirty-eight thousand")."""
_MULTIPLIERS = {**_SCALE, "k": 1000, "m": 1_000_000, "bn": 1_000_000_000}
"""The same after digits ("$71k", "$2.1 million"): the units ``text.NUMBER`` takes with a figure."""


def _keys(value: float) -> set[str]:
    """A figure's keys: its value ("=38000"), and, when it has two significant digits or more, those digits
    ("#38"), which a buyer who drops the "thousand" ("you're at seventy-one") still says. One digit alone
    ("2", "20", "2,000") is too common to stand for a figure."""
    exact = f"{value:.6g}"
    digits = "".join(c for c in f"{value:.6f}" if c.isdigit()).strip("0")
    return {f"={exact}", *([f"#{digits}"] if len(digits) >= 2 else [])}


def _value(said: str) -> float | None:
    """The value of a figure written in digits ("$71k" -> 71000, "1,100" -> 1100, "1.5%" -> 1.5)."""
    low = said.lower().replace(",", "")
    start = next((i for i, c in enumerate(low) if c.isdigit()), None)
    if start is None:
        return None
    end = start
    while end < len(low) and (low[end].isdigit() or (low[end] == "." and low[end + 1:end + 2].isdigit())):
        end += 1
    unit = low[end:].strip().split()[:1]
    return float(low[start:end]) * _MULTIPLIERS.get(unit[0] if unit else "", 1.0)


def figure_keys(text: str) -> set[str]:
    """The figures a text says, as keys (``_keys``) that match whether written in digits or spoken
    ("seventy-one", "eleven hundred"): a rep who says "$71k" back to a buyer who said "seventy-one" says
    their number. A lone "one" or "two" is no figure (as in ``spelled_figure``)."""
    keys: set[str] = set()
    for m in NUMBER.finditer(text):
        value = _value(m.group(0))
        keys |= _keys(value) if value is not None else set()
    total = current = 0
    figure = False
    for w in [p for x in words(text) for p in x.split("-")] + [""]:
        if w in _VALUES:
            current += _VALUES[w]
            figure = figure or w in _TENS
        elif w in _SCALE and current:
            if _SCALE[w] == 100:
                current *= 100
            else:
                total, current = total + current * _SCALE[w], 0
            figure = True
        else:
            if figure:
                keys |= _keys(float(total + current))
            total = current = 0
            figure = False
    return keys


def rounds(said: str, text: str, share: float = 0.02) -> bool:
    """Whether the figure ``said`` (in digits) is one of ``text``'s figures rounded: "$50k" of "$50,400",
    within ``share`` of it, money against money. A rep who calls the buyer's $50,400 contract "the $50k
    line" names the buyer's figure, not one of their own."""
    value = _value(said)
    if value is None or value <= 0:
        return False
    money = said.strip()[:1] in "$£€"
    found = (_value(m.group(0)) for m in NUMBER.finditer(text) if (m.group(0)[:1] in "$£€") == money)
    return any(v is not None and abs(v - value) <= share * max(v, value) for v in found)
