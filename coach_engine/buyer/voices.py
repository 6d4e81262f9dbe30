"""Pick the buyer voice for a drill: the scripted voice offline, the LLM voice when one is configured.

One function so the app, the CLI and the evals choose the same way
(``settings.effective_voice``). Imports are lazy: the offline path never
imports langchain-openai, and the LLM path builds its client only here,
never at import time. Tests and benchmarks inject ``chat_model`` (a
``fakes.FakeChatModel`` or a ``ChatOpenAI`` given ``fakes.FakeOpenAI``'s ``http_client``).

A voice built here from settings shares the process-wide circuit breaker for
its endpoint and model (``llm_guard.breaker_for``), so a dead model found in one
drill is skipped by the next drill too; an injected model gets a breaker of its
own, so tests never trip each other's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from ..llm_quota import HourlyQuota
    from ..settings import Settings
    from .voice import BuyerVoice

__all__ = ["get_voice"]


def get_voice(settings: Settings, seed: int = 0, chat_model: BaseChatModel | None = None,
              quota: HourlyQuota | None = None) -> BuyerVoice:
    """The buyer voice these settings ask for.

    ``voice=llm`` without a key or base URL (and no injected model) raises
    ``ConfigError`` with how to fix it. ``quota`` is the rep's hourly limit on model turns
    (``llm_quota``; the app passes the signed-in rep's).
    """
    from .scripted import ScriptedVoice

    scripted = ScriptedVoice(seed)
    if settings.effective_voice != "llm":
        return scripted
    from .llm_voice import LLMVoice

    breaker = None
    if chat_model is None:
        from ..llm import make_chat_model
        from ..llm_guard import breaker_for

        chat_model = make_chat_model(settings, "voice")
        breaker = breaker_for(settings, "voice")
    return LLMVoice(chat_model, settings, seed=seed, fallback=scripted, breaker=breaker, quota=quota)
