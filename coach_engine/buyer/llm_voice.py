"""``LLMVoice``: the buyer's lines written by a chat model, from the director's stage directions.

The model talks, code decides (DESIGN.md): ``BuyerDirector`` has already moved
the state and chosen a ``Situation``; this voice only words it. What the model
is told (persona, director's note, windowed history, the rep's text as data
between ``<rep_line>`` tags) is built in ``voice_prompt.py``; whether its line
may be shown is checked in ``line_check.py``. This module is the voice around
them: one chat call per buyer turn (issue 7; the opening line is the scenario's
own words, no call), and what happens when the call goes wrong.

Never a lost turn, never a long wait (issue 14): failures worth retrying
(timeout, 429, 5xx, dropped connection, empty or unreadable reply, a line that
steps out of character, or one that contradicts the director: agreeing when
it did not say so, refusing when it did) are retried with backoff, all within
one deadline per turn (``settings.llm_turn_deadline``, a slow stream
included); after that the turn comes from the scripted voice, the line it
would have said in this situation, and ``last_notice`` says why. A circuit
breaker (``llm_guard``, shared by every drill of the process when
``voices.get_voice`` builds the voice) skips the model for a cool-down after
repeated failed turns. A stream is checked on its first sentence, held back
until complete; what follows is shown as it arrives and checked as it grows.
A stream that breaks (or goes off script) after some words were shown is
finished by the scripted voice, not restarted.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from typing import TYPE_CHECKING, Any

from ..llm import (
    LLMError,
    MalformedReplyError,
    OffScriptError,
    RetryPlan,
    classify_error,
    describe_failure,
)
from ..llm_guard import CircuitBreaker, Deadline, stream_within
from ..models import Scenario, Turn
from .line_check import check_line, clean_line, off_script
from .state import BuyerState, Situation
from .voice_prompt import PROMPT, VoicePrompt, build_messages, prompt_tokens

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

    from ..llm_quota import HourlyQuota
    from ..settings import Settings
    from .voice import BuyerVoice

__all__ = ["LLMVoice"]

log = logging.getLogger(__name__)

_SENTENCE_END = re.compile(r"[.?!…](?:\s|$)")
"""Where the first sentence of a stream ends: it is held back and checked before anything is shown."""


# --- the voice -----------------------------------------------------------------------------


class LLMVoice:
    """A ``BuyerVoice`` backed by a LangChain chat model, with the scripted voice as its fallback."""

    name = "llm"
    can_stream = True

    def __init__(
        self,
        chat_model: BaseChatModel,
        settings: Settings,
        *,
        seed: int = 0,
        fallback: BuyerVoice | None = None,
        prompt: VoicePrompt = PROMPT,
        window: int = 6,
        prompt_budget: int = 1800,
        sleep: Callable[[float], None] = time.sleep,
        breaker: CircuitBreaker | None = None,
        quota: HourlyQuota | None = None,
    ):
        self.chat_model = chat_model
        self.quota = quota
        """The signed-in rep's hourly limit on model turns (``llm_quota``); None: no limit."""
        self.breaker = breaker if breaker is not None else CircuitBreaker.from_settings(settings)
        """Skips the model after repeated failed turns (``voices.get_voice`` passes the process-wide one)."""
        self.settings = settings
        self.seed = seed
        self.prompt = prompt
        self.window = window
        self.prompt_budget = prompt_budget
        self._sleep = sleep
        self._fallback = fallback
        self.last_notice: str | None = None
        self.last_error: LLMError | None = None
        self.last_prompt_tokens: int = 0
        self.fallbacks = 0
        """Turns (or turn endings) the scripted voice had to speak."""

    @property
    def prompt_id(self) -> str:
        return self.prompt.versioned_id

    # --- BuyerVoice ---------------------------------------------------------------------------

    def speak(self, scenario: Scenario, state: BuyerState, situation: Situation, history: list[Turn]) -> str:
        self.last_notice = None
        self.last_error = None
        if situation.id == "opening":
            return " ".join(scenario.buyer.opening.split())
        plan = self._plan()
        refused = plan.refusal()
        if refused is not None:
            return self._fall_back(scenario, state, situation, history, refused, 0)
        messages = self._messages(scenario, state, situation, history)
        while True:
            try:
                reply = plan.run(lambda: self.chat_model.invoke(messages))
                text = reply.content if isinstance(reply.content, str) else _join(reply.content)
                line = check_line(clean_line(text, scenario), situation)
            except Exception as exc:
                error = self._failed(plan, exc)
                if error is None:
                    continue
                return self._fall_back(scenario, state, situation, history, error, plan.tries, plan.opened)
            plan.succeeded()
            return line

    def stream(
        self, scenario: Scenario, state: BuyerState, situation: Situation, history: list[Turn]
    ) -> Iterator[str]:
        self.last_notice = None
        self.last_error = None
        if situation.id == "opening":
            yield " ".join(scenario.buyer.opening.split())
            return
        plan = self._plan()
        refused = plan.refusal()
        if refused is not None:
            yield self._fall_back(scenario, state, situation, history, refused, 0)
            return
        messages = self._messages(scenario, state, situation, history)
        deadline = plan.deadline
        assert deadline is not None  # _plan always sets one
        while True:
            shown: list[str] = []
            try:
                for piece in self._stream_once(messages, scenario, situation, deadline):
                    shown.append(piece)
                    yield piece
                if not "".join(shown).strip():
                    raise MalformedReplyError("the model returned an empty line")
            except Exception as exc:
                if shown:  # words are on screen: finish the line rather than start over
                    error = plan.give_up(exc)
                    yield from self._finish_broken(scenario, state, situation, history, error, plan.tries,
                                                   plan.opened)
                    return
                failure = self._failed(plan, exc)
                if failure is None:
                    continue
                yield self._fall_back(scenario, state, situation, history, failure, plan.tries, plan.opened)
                return
            plan.succeeded()
            return

    # --- internals -------------------------------------------------------------------------------

    def _messages(self, scenario: Scenario, state: BuyerState, situation: Situation,
                  history: list[Turn]) -> list[BaseMessage]:
        messages = build_messages(scenario, state, situation, history, prompt=self.prompt,
                                  window=self.window, prompt_budget=self.prompt_budget)
        self.last_prompt_tokens = prompt_tokens(messages)
        return messages

    def _stream_once(self, messages: list[BaseMessage], scenario: Scenario, situation: Situation,
                     deadline: Deadline) -> Iterator[str]:
        """Stream one reply within ``deadline``. The first sentence is held back and checked (name prefix,
        JSON, out of character, against the director) so a bad reply can still be retried before the rep
        sees anything; the rest is checked as it grows, and a piece that takes it off script is not shown."""
        head = ""
        started = False
        with closing(stream_within(lambda: self.chat_model.stream(messages), deadline)) as chunks:
            for chunk in chunks:
                piece = chunk.content if isinstance(chunk.content, str) else _join(chunk.content)
                if not piece:
                    continue
                if started:
                    head += piece
                    why = off_script(head, situation)
                    if why is not None:
                        raise OffScriptError(why)
                    yield piece
                    continue
                head += piece
                if len(head) >= 160 or _SENTENCE_END.search(head.lstrip()[12:]):
                    started = True
                    yield check_line(clean_line(head, scenario), situation).lstrip()
        if not started and head.strip():
            yield check_line(clean_line(head, scenario), situation)

    def _plan(self) -> RetryPlan:
        """This turn's tries: backoff within ``llm_turn_deadline``, behind the breaker."""
        return RetryPlan(self.settings, deadline=Deadline(self.settings.llm_turn_deadline),
                         breaker=self.breaker, sleep=self._sleep, quota=self.quota)

    @staticmethod
    def _failed(plan: RetryPlan, exc: BaseException) -> LLMError | None:
        error = plan.failed(exc)
        if error is not None and classify_error(exc) is None:
            log.exception("LLM voice failed unexpectedly", exc_info=exc)
        return error

    def _error(self, exc: BaseException, attempt: int) -> LLMError:
        if isinstance(exc, LLMError):
            return exc
        kind = classify_error(exc) or "server"
        return LLMError(describe_failure(kind, exc, self.settings, attempt), kind=kind, attempts=attempt)

    def _fallback_voice(self) -> BuyerVoice | None:
        if self._fallback is None:
            try:
                from .scripted import ScriptedVoice  # written alongside; imported only when needed
            except ImportError:  # pragma: no cover - only before the scripted voice exists
                return None
            self._fallback = ScriptedVoice(self.seed)
        return self._fallback

    def _scripted_line(self, scenario: Scenario, state: BuyerState, situation: Situation,
                       history: list[Turn]) -> str:
        voice = self._fallback_voice()
        if voice is not None:
            try:
                return voice.speak(scenario, state, situation, history)
            except Exception:  # the last line of defence must not fail the turn
                log.exception("scripted fallback voice failed")
        return _last_resort(scenario, situation)

    def _fall_back(self, scenario: Scenario, state: BuyerState, situation: Situation,
                   history: list[Turn], exc: BaseException, attempt: int, opened: bool = False) -> str:
        error = self._error(exc, attempt)
        self.last_error = error
        self.fallbacks += 1
        log.warning("LLM buyer voice fell back to the scripted voice: %s", error)
        self.last_notice = (
            f"{error}; this line came from the offline voice." if error.kind == "quota" else
            f"The AI buyer voice {error.what_went_wrong}; this line came from the offline voice."
            + self._paused(opened)
        )
        return self._scripted_line(scenario, state, situation, history)

    def _finish_broken(self, scenario: Scenario, state: BuyerState, situation: Situation,
                       history: list[Turn], exc: BaseException, attempt: int,
                       opened: bool = False) -> Iterator[str]:
        error = self._error(exc, attempt)
        self.last_error = error
        self.fallbacks += 1
        log.warning("LLM buyer voice broke off mid-line: %s", error)
        self.last_notice = (
            f"The AI buyer voice {error.what_went_wrong} mid-line; the rest came from the offline voice."
            + self._paused(opened)
        )
        yield " … " + self._scripted_line(scenario, state, situation, history)

    def _paused(self, opened: bool) -> str:
        if not opened:
            return ""
        return (f" After {self.breaker.failures} failed turns in a row it is paused for "
                f"{self.breaker.cooldown:g} s; the offline voice carries on meanwhile.")


def _join(content: Any) -> str:
    if isinstance(content, list):
        return "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    return str(content or "")


def _last_resort(scenario: Scenario, situation: Situation) -> str:
    """Used only if even the scripted voice is unavailable: never leave the rep without a line."""
    if situation.id == "agree":
        step = scenario.buyer.next_step or "a next step"
        return f"All right. Let's set up {step}."
    if situation.id == "walk_away":
        return "I don't think this is going anywhere. Let's leave it here."
    if situation.id in ("stall_offer", "stall_polite", "stall_send"):
        return "Let me think about it and I'll get back to you."
    return f"I hear you, but I'm not convinced yet. {scenario.buyer.opening}"
