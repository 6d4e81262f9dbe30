"""Token counting with OpenAI's own cl100k encoding, offline: the BPE file ships in the package.

Why: the buyer voice's prompt budget (issue 7: prompt tokens per buyer turn)
and the ``usage`` block of the local test server need token counts, and an
approximation was off by up to 15%. ``tiktoken`` counts exactly, but
``tiktoken.get_encoding("cl100k_base")`` (and LangChain's ``get_num_tokens``)
downloads the BPE file at run time, which fails offline (DESIGN.md, "Known
traps"). So the file ships here (``data/cl100k_base.tiktoken``) and is loaded
with the SHA-256 that tiktoken itself pins for it, so a damaged or swapped
file is refused, not used.

cl100k is the encoding of the GPT-4 and GPT-3.5 families; newer models use
o200k, whose counts for English prose are within a few percent of these.
Chat messages add OpenAI's documented framing: 3 tokens per message plus 3 to
prime the reply. The encoding is built once, on first use (about 0.3 s), never
at import.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import tiktoken

__all__ = ["count_chat_tokens", "count_tokens", "pieces"]

BPE_PATH = Path(__file__).resolve().parent / "data" / "cl100k_base.tiktoken"
BPE_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
"""The hash ``tiktoken_ext.openai_public.cl100k_base`` expects of this file."""
_PATTERN = (r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|"""
            r"""\s++$|\s*[\r\n]|\s+(?!\S)|\s""")
"""cl100k's pre-tokenizer, as ``tiktoken_ext.openai_public.cl100k_base`` defines it."""

TOKENS_PER_MESSAGE = 3
"""OpenAI's framing cost per chat message (role and separators)."""
TOKENS_REPLY_PRIMING = 3
"""Every reply is primed with ``<|start|>assistant<|message|>``."""


@lru_cache(maxsize=1)
def _encoding() -> tiktoken.Encoding:
    import tiktoken
    from tiktoken.load import check_hash, read_file
    from tiktoken_ext.openai_public import ENDOFPROMPT, ENDOFTEXT, FIM_MIDDLE, FIM_PREFIX, FIM_SUFFIX

    data = read_file(str(BPE_PATH))  # a local path: read directly, no cache copy, no network
    if not check_hash(data, BPE_SHA256):
        raise ValueError(f"{BPE_PATH} is not OpenAI's cl100k_base file (its SHA-256 does not match)")
    return tiktoken.Encoding(
        "cl100k_base", pat_str=_PATTERN, mergeable_ranks=_ranks(data),
        special_tokens={ENDOFTEXT: 100257, FIM_PREFIX: 100258, FIM_MIDDLE: 100259, FIM_SUFFIX: 100260,
                        ENDOFPROMPT: 100276})


def _ranks(data: bytes) -> dict[bytes, int]:
    """The file's "<base64 token> <rank>" lines (the format ``tiktoken.load.load_tiktoken_bpe`` reads; that
    function would also copy the file into a temp cache, which a read-only machine may refuse)."""
    import base64

    return {base64.b64decode(token): int(rank) for token, rank in (line.split() for line in data.splitlines()
                                                                      if line)}


def pieces(text: str) -> list[str]:
    """The tokens of ``text`` as text (for tests and for explaining a count)."""
    enc = _encoding()
    return [enc.decode([t]) for t in enc.encode(text, disallowed_special=())]


def count_tokens(text: str) -> int:
    """The number of cl100k tokens in ``text`` (special-token text counts as ordinary text)."""
    return len(_encoding().encode(text, disallowed_special=())) if text else 0


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
