"""Disguised text, read back as plain text: the forms a reply takes to slip an instruction past a filter.

Why: every red-team set found a new disguise (lookalike letters, letters split by dots or spaces,
reversed text, other scripts) and each needed its own rule, so the next disguise slipped through. Here
a sentence is turned back into plain text in every way a disguise can be undone: Unicode compatibility
forms and invisible characters, Cyrillic and Greek lookalikes, leetspeak digits, letters split by
dots, dashes or spaces, words run together in a URL or identifier, rot13, reversal and base64 or hex
payloads. The turn reader scores each
reading for gaming as it scores the sentence, so one new disguise needs one new reading here, not a new
rule. A sentence that only reads as English once decoded is itself a disguise (``hidden_english``).
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import unicodedata
from urllib.parse import unquote

__all__ = ["hidden_english", "readings"]

_LOOKALIKES = str.maketrans(dict(zip(
    "аеорсухіјѕԁһӏɡАВЕКМНОРСТХҮІЈЅ" "αορικντυχεΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
    "aeopcyxijsdhlgABEKMHOPCTXYIJS" "aopikvtuxeABEZHIKMNOPTYX", strict=True)))
"""Cyrillic and Greek letters that look like Latin ones ("Grаder" with a Cyrillic а)."""

_LEET = str.maketrans("0134578@$", "oieastbas")
_LEET_TOKEN = re.compile(r"(?=[\w@$]*[A-Za-z])(?=[\w@$]*[0134578@$])[\w@$]{3,}")
"""A token mixing letters with the digits leetspeak uses for them ("1gn0r3", "sc0r3", "th15")."""

_SPLIT_LETTERS = re.compile(r"\b[A-Za-z](?:[ .\-_*·•|/]{1,3}[A-Za-z]\b){3,}")
"""Single letters joined by dots, dashes, spaces or the like ("G.R.A.D.E.R", "s-c-o-r-e")."""

_BASE64 = re.compile(r"(?<![\w/+])[A-Za-z0-9+/]{16,}={0,2}(?![\w/+])")
_HEX = re.compile(r"\b(?:[0-9a-fA-F]{2}[\s:]?){8,}\b")
_GLUE = re.compile(r"\b(?:the|and|of|to|is|are|you|your|it|this|that|for|with|all|on|rate|score|ignore|"
                   r"give|grader|reply|instructions?|previous|perfect)\b", re.I)


def _visible(text: str) -> str:
    """Compatibility forms folded (fullwidth, math bold), invisible format characters dropped."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if unicodedata.category(ch) != "Cf").translate(_LOOKALIKES)


def _unleet(text: str) -> str:
    return _LEET_TOKEN.sub(lambda m: m.group(0).translate(_LEET), text)


def _join_letters(text: str) -> str:
    return _SPLIT_LETTERS.sub(lambda m: "".join(c for c in m.group(0) if c.isascii() and c.isalpha()), text)


def _printable(raw: bytes) -> str | None:
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return decoded if decoded and all(ch.isprintable() or ch.isspace() for ch in decoded) else None


def _payloads(text: str) -> list[str]:
    """Text decoded from base64 or hex blobs in the sentence."""
    out = []
    for m in _BASE64.finditer(text):
        blob = m.group(0)
        try:
            decoded = _printable(base64.b64decode(blob + "=" * (-len(blob) % 4), validate=True))
        except (binascii.Error, ValueError):
            decoded = None
        if decoded:
            out.append(decoded)
    for m in _HEX.finditer(text):
        try:
            digits = "".join(c for c in m.group(0) if not c.isspace() and c != ":")
            decoded = _printable(bytes.fromhex(digits))
        except ValueError:
            decoded = None
        if decoded:
            out.append(decoded)
    return out


def _englishness(text: str) -> int:
    return len(_GLUE.findall(text))


def _decoded(text: str) -> list[str]:
    """rot13 and reversed readings that are English when the sentence itself is not."""
    plain = _englishness(text)
    out = []
    for candidate in (codecs.encode(text, "rot13"), text[::-1]):
        hits = _englishness(candidate)
        if hits >= 3 and hits > 2 * plain + 1:
            out.append(candidate)
    return out


def hidden_english(sentence: str) -> bool:
    """A sentence that reads as English only once rot13'd or reversed: nobody speaks that way to a buyer."""
    return bool(_decoded(sentence))


_URL_PART = re.compile(r"(?:https?://|www\.)\S+|\b\w+(?:[_=&+]\w+){2,}\b", re.I)
"""A URL, or an identifier joined by underscores or query signs ("reviewer_action=assign_overall_5")."""


def _spelled_out(text: str) -> str:
    """URLs and joined identifiers with their separators turned into spaces, percent-escapes decoded."""
    def spaced(m: re.Match[str]) -> str:
        return re.sub(r"[_=&+/?#.%-]+|%20", " ", unquote(m.group(0)))
    return _URL_PART.sub(spaced, text)


def readings(sentence: str) -> list[str]:
    """Every plain-text reading of a sentence that differs from it (empty for ordinary text)."""
    visible = _visible(sentence)
    joined = _join_letters(visible)
    out = [visible, joined, _unleet(joined), _spelled_out(visible), *_payloads(visible), *_decoded(joined)]
    return [r for r in dict.fromkeys(out) if r != sentence]
