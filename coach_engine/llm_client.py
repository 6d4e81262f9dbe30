"""Building the chat model: one ``ChatOpenAI`` that OpenAI and local servers both accept.

Why it is its own module: how a client is configured (which model, which
timeout, how the reply length is capped) is a different question from what to
do when a call fails (``llm``: error kinds, retries, structured output), and it
changes for different reasons (a new kind of server, not a new failure).
``llm`` re-exports ``make_chat_model``, and callers import it from there, so a
test that swaps ``llm.make_chat_model`` swaps every model the app builds.

* **Built on demand, never at import.** ``make_chat_model`` creates a
  langchain-openai ``ChatOpenAI`` from ``Settings`` when a caller asks; tests
  inject ``fakes.FakeChatModel`` instead. A local OpenAI-compatible server
  (llama.cpp, vLLM, Ollama) needs no key, so ``settings.api_key_value()``
  supplies a placeholder.
* **We retry, not the client.** ``max_retries=0`` on the client; ``llm``'s
  ``with_retries`` and ``RetryPlan`` own the loop, and the client's timeout
  never outlives the turn's deadline by much.
* **Token limits both kinds of server honour.** ``ChatOpenAI(max_tokens=...)``
  sends ``max_completion_tokens``, which llama.cpp ignores, and OpenAI rejects
  a request that sets both ``max_tokens`` and ``max_completion_tokens``. So
  OpenAI (and Azure) get ``max_completion_tokens``; any other base URL gets
  ``max_tokens`` through ``extra_body``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlparse

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from .settings import Settings

__all__ = [
    "JUDGE_MAX_TOKENS",
    "VOICE_MAX_TOKENS",
    "Purpose",
    "is_openai_host",
    "make_chat_model",
    "token_limit_kwargs",
]

Purpose = Literal["voice", "judge"]

VOICE_MAX_TOKENS = 220
"""A buyer line is one to four sentences; this also caps the cost of a runaway reply."""
JUDGE_MAX_TOKENS = 1200
"""Room for one structured verdict per rubric check with quotes."""


def is_openai_host(base_url: str | None) -> bool:
    """True for OpenAI itself (no base URL) and Azure OpenAI, which want ``max_completion_tokens``."""
    if not base_url:
        return True
    host = (urlparse(base_url).hostname or "").lower()
    return host == "api.openai.com" or host.endswith(".openai.azure.com")


def token_limit_kwargs(base_url: str | None, limit: int) -> dict[str, Any]:
    """ChatOpenAI keyword arguments that cap the reply length on OpenAI and on compatible servers."""
    if is_openai_host(base_url):
        return {"max_tokens": limit}  # ChatOpenAI sends it as max_completion_tokens
    return {"extra_body": {"max_tokens": limit}}  # llama.cpp & co. read max_tokens only


def make_chat_model(
    settings: Settings,
    purpose: Purpose,
    *,
    max_tokens: int | None = None,
    temperature: float | None = None,
    streaming: bool = False,
    http_client: Any | None = None,
) -> BaseChatModel:
    """A ``ChatOpenAI`` for the buyer voice or the judge, configured from ``settings``.

    ``http_client`` (an ``httpx2.Client``) replaces the network; tests pass ``FakeOpenAI.http_client()``.

    Raises ``ConfigError`` (with how to fix it) when no key or base URL is set.
    """
    settings.require_llm()
    from langchain_openai import ChatOpenAI  # heavy import: only when an LLM is really used
    from pydantic import SecretStr

    if purpose == "voice":
        model = settings.chat_model
        limit = max_tokens or VOICE_MAX_TOKENS
        temp = 0.8 if temperature is None else temperature
    else:
        model = settings.judge_model
        limit = max_tokens or JUDGE_MAX_TOKENS
        temp = 0.0 if temperature is None else temperature
    deadline = settings.llm_turn_deadline if purpose == "voice" else settings.llm_grade_deadline
    kwargs: dict[str, Any] = {
        "model": model,
        "api_key": SecretStr(settings.api_key_value()),
        "base_url": settings.openai_base_url,
        "timeout": min(settings.llm_timeout, deadline),  # an abandoned try never outlives its turn by much
        "max_retries": 0,
        "http_client": http_client,
        "temperature": temp,
        **token_limit_kwargs(settings.openai_base_url, limit),
    }
    if streaming:  # never pass streaming=False: LangChain then refuses to stream even in .stream()
        kwargs["streaming"] = True
    return ChatOpenAI(**kwargs)
