"""Whether a line from the chat model may be shown as the buyer's: cleaned, then checked against the director.

Code decides what the buyer does; a model that agrees when the director did
not say so, refuses when it did, speaks as itself ("As an AI language model
...") or answers with data instead of a spoken line has gone off script, and
the voice must retry or fall back rather than show it. These checks are plain
text rules, kept apart from ``llm_voice.py`` so the voice's whole reply, each
streamed sentence and the tests all apply exactly the same ones.
"""

from __future__ import annotations

import re

from ..llm import MalformedReplyError, OffScriptError
from ..models import Scenario
from .state import Situation

__all__ = ["agrees", "breaks_character", "check_line", "clean_line", "off_script"]

_PREFIX = re.compile(r"^\s*(?:\*\*)?[A-Z][\w .'-]{0,40}?(?:\*\*)?\s*:\s+")
_AGREES = re.compile(
    r"\b(?:it'?s a deal|you(?:'ve| have) got a deal|where do i sign"
    r"|send (?:me |over )?the (?:contract|paperwork)"
    r"|let'?s (?:do it|do this|move forward|go ahead|set it up|book it)|count (?:me|us) in"
    r"|(?:i'?m|we'?re) in[.!]|(?:i'?ll|we'?ll) sign\b)",
    re.IGNORECASE,
)
_HEDGED = re.compile(r"(?:\b(?:not|no|never|if|before|until|unless|once|when)\b|n't\b)[^.?!]*$",
                     re.IGNORECASE)
"""A hedge before the phrase ("not until the board signs off, let's move forward") is not agreeing."""


def agrees(line: str) -> bool:
    """Whether a line says an unhedged yes to a deal or next step (only the director may decide that)."""
    return any(not _HEDGED.search(line[max(0, m.start() - 40) : m.start()]) for m in _AGREES.finditer(line))


_QUOTES = "\"'“”‘’"


def clean_line(text: str, scenario: Scenario) -> str:
    """Strip what models add around a line: a name prefix ("Dana: "), wrapping quotes, whitespace."""
    line = text.strip()
    names = {scenario.buyer.name, scenario.buyer.name.split()[0], "Buyer", scenario.buyer.role}
    match = _PREFIX.match(line)
    if match and match.group(0).strip(" *:") in names:
        line = line[match.end():]
    if len(line) >= 2 and line[0] in _QUOTES and line[-1] in _QUOTES:
        line = line[1:-1].strip()
    return line


_OUT_OF_CHARACTER = re.compile(
    r"\b(?:as|i'?m|i am) (?:just |only )?an? (?:ai|artificial intelligence|(?:large )?language model|llm"
    r"|(?:ai|virtual) assistant|chatbot)\b|\bi(?:'m| am) (?:an? )?ai\b"
    r"|\bi (?:can(?:no|')t|am unable to|won't) (?:role-?play|pretend|stay in character)"
    r"|\b(?:openai|chatgpt|(?:this|the) role-?play|director note|stage direction|rep_line)\b",
    re.IGNORECASE,
)
"""The model speaking as itself ("As an AI language model ...") or about the set-up, never as the buyer."""
_REFUSES = re.compile(
    r"\b(?:not|never) (?:ready|prepared|willing|interested|convinced|sold|comfortable) (?:to|with|yet|on)\b"
    r"|\b(?:can(?:no|')t|won'?t|couldn'?t|wouldn'?t) (?:agree|commit|sign|approve|move forward|go ahead)\b"
    r"|\b(?:no deal|not a chance|we'?ll pass|i'?ll pass|the answer is no)\b|^\W*no[.,!]",
    re.IGNORECASE,
)
"""A line that turns the rep down: wrong when the director decided the buyer agrees."""


def breaks_character(line: str) -> bool:
    """Whether the line is the model talking as a model, not as the buyer."""
    return _OUT_OF_CHARACTER.search(line) is not None


def off_script(line: str, situation: Situation) -> str | None:
    """Why ``line`` must not be shown as the buyer's in ``situation`` (None when it may)."""
    if breaks_character(line):
        return "the line steps out of the buyer's role"
    if situation.id != "agree" and agrees(line):
        return f"the line agrees although the director chose {situation.id!r}"
    if situation.id == "agree" and _REFUSES.search(line):
        return "the line refuses although the director chose 'agree'"
    return None


def check_line(line: str, situation: Situation) -> str:
    """Raise ``MalformedReplyError`` (``OffScriptError`` for a line off script) for a line we must not show;
    return it otherwise."""
    if not line.strip():
        raise MalformedReplyError("the model returned an empty line")
    if line.lstrip()[:1] in "{[":
        raise MalformedReplyError("the model returned data instead of a spoken line")
    why = off_script(line, situation)
    if why is not None:
        raise OffScriptError(why)
    return line
