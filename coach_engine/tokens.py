"""Offline token counting: an approximation of OpenAI's cl100k/o200k counts that never downloads.

Why not tiktoken: ``tiktoken.get_encoding(...)`` (and LangChain's
``get_num_tokens``) fetch BPE files at run time and fail offline (DESIGN.md,
"Known traps"). We only need counts for budgets (issue 7: prompt tokens per
buyer turn) and for the ``usage`` block of the local test server, so an honest
approximation is enough.

How: text is split with the same *pre-tokenizer* shape OpenAI's encoders use
(contractions, a run of letters with its leading space, digits in groups of at
most three, a run of punctuation, whitespace), with Python's ``re`` standing in
for ``\\p{L}``/``\\p{N}``. Each piece is one token, except long letter runs,
which BPE splits: a word of n letters counts ``1 + (n - 1) // 8`` tokens
(common English words up to ~9 letters are single tokens). Chat messages add
OpenAI's documented framing: 3 tokens per message plus 3 to prime the reply.

Error: spot-checked against published cl100k counts of English sentences it
matches or is within one or two tokens; expect about ±15% on English prose and
chat prompts like ours. It undercounts text dense with rare words, code or
non-Latin scripts, which BPE splits more finely. Treat the figures as estimates
for budgets, never for billing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["count_chat_tokens", "count_tokens", "pieces"]

_PRETOKEN = re.compile(
    r"'(?:[sdmt]|ll|ve|re)"  # contractions
    r"| ?[^\W\d_]+"  # letters, with one leading space
    r"|\d{1,3}"  # digits in groups of up to three
    r"| ?(?:[^\s\w]|_)+[\r\n]*"  # punctuation run
    r"|\s*[\r\n]+"  # newlines
    r"|\s+(?!\S)|\s+",  # other whitespace
    re.IGNORECASE,
)

TOKENS_PER_MESSAGE = 3
"""OpenAI's framing cost per chat message (role and separators)."""
TOKENS_REPLY_PRIMING = 3
"""Every reply is primed with ``<|start|>assistant<|message|>``."""


def pieces(text: str) -> list[str]:
    """The pre-tokenizer's pieces of ``text`` (exposed for tests and for explaining a count)."""
    return _PRETOKEN.findall(text)


def count_tokens(text: str) -> int:
    """Approximate number of tokens in ``text`` (see the module docstring for the error)."""
    total = 0
    for piece in _PRETOKEN.findall(text):
        letters = piece.lstrip(" ")
        if letters.isalpha() and len(letters) > 9:
            total += 1 + (len(letters) - 1) // 8
        else:
            total += 1
    return total


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # multi-part content: count the text parts
        return "".join(
            part.get("text", "") if isinstance(part, Mapping) else str(part) for part in content
        )
    return "" if content is None else str(content)


def count_chat_tokens(
    messages: Iterable[Mapping[str, Any]], tools: Iterable[Mapping[str, Any]] | None = None
) -> int:
    """Approximate prompt tokens of an OpenAI chat request (``messages`` as wire-format dicts).

    Tool schemas are counted as their compact JSON; OpenAI renders them in a
    different but similarly sized form.
    """
    total = TOKENS_REPLY_PRIMING
    for message in messages:
        total += TOKENS_PER_MESSAGE
        total += count_tokens(str(message.get("role", "")))
        total += count_tokens(_content_text(message.get("content")))
        if message.get("name"):
            total += 1 + count_tokens(str(message["name"]))
        for call in message.get("tool_calls") or []:
            function = call.get("function", {}) if isinstance(call, Mapping) else {}
            total += count_tokens(str(function.get("name", ""))) + count_tokens(
                str(function.get("arguments", ""))
            )
    if tools:
        total += count_tokens(json.dumps(list(tools), separators=(",", ":")))
    return total
