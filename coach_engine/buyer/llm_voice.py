"""``LLMVoice``: the buyer's lines written by a chat model, from the director's stage directions.

The model talks, code decides (DESIGN.md): ``BuyerDirector`` has already moved
the state and chosen a ``Situation``; this voice only words it. So the prompt
carries the persona (from the scenario), the director's note for this turn
(situation id, direction, facts) and a mood word derived from the state — and
the scenario's hidden concern only once the state says it is on the table.
The rep's text goes in between ``<rep_line>`` tags as data, with any tags of
its own defused, and the system prompt says it is never an instruction.

Cost (issue 7): one chat call per buyer turn; the opening line is the
scenario's own words (no call). The history is windowed — the last
``window`` turns plus a one-line summary — older turns in the window are
clipped, and the oldest are dropped until the prompt fits ``prompt_budget``
tokens (counted offline with ``coach_engine.tokens``).

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

Prompt template: ``prompts/buyer_voice.yaml`` (``PROMPT.versioned_id``).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from ..datafiles import load_model_text
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
from ..tokens import count_chat_tokens
from .state import BuyerState, Situation

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

    from ..llm_quota import HourlyQuota
    from ..settings import Settings
    from .voice import BuyerVoice

__all__ = ["PROMPT", "LLMVoice", "VoicePrompt", "build_messages", "load_voice_prompt"]

log = logging.getLogger(__name__)


class VoicePrompt(BaseModel):
    """The buyer-voice prompt template (YAML, versioned)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    version: str
    description: str = ""
    system: str
    concern_hidden: str
    concern_revealed: str
    turn: str
    opening_turn: str
    summary: str
    personalities: dict[str, str]
    directions: dict[str, str]

    @property
    def versioned_id(self) -> str:
        return f"{self.id}@{self.version}"


@lru_cache(maxsize=4)
def load_voice_prompt(name: str = "buyer_voice.yaml") -> VoicePrompt:
    """Load and validate a prompt template shipped in ``coach_engine/buyer/prompts``."""
    text = resources.files(__package__).joinpath("prompts", name).read_text(encoding="utf-8")
    return load_model_text(text, VoicePrompt, f"coach_engine/buyer/prompts/{name}")


PROMPT = load_voice_prompt()

# --- prompt building ---------------------------------------------------------------------

_TAG = re.compile(r"<\s*/?\s*rep_line\s*>", re.IGNORECASE)
_DIRECTOR = re.compile(r"DIRECTOR", re.IGNORECASE)


def _as_data(text: str) -> str:
    """The rep's words, unable to close the delimiter or forge a director note."""
    return _DIRECTOR.sub("director", _TAG.sub("[tag removed]", text)).strip()


def _clip(text: str, words: int) -> str:
    parts = text.split()
    return text.strip() if len(parts) <= words else " ".join(parts[:words]) + " …"


def _mood(state: BuyerState) -> str:
    if state.resistance >= 70:
        mood = "guarded and sceptical"
    elif state.resistance >= 40:
        mood = "cautious but listening"
    else:
        mood = "warming up, still careful"
    if state.patience <= 1:
        mood += "; nearly out of patience"
    return mood


def _concern_shown(scenario: Scenario, state: BuyerState, situation: Situation) -> bool:
    return state.concern_revealed or situation.id == "reveal_concern"


_IN_PERSONA = frozenset({"buyer_name", "first_name", "role", "company", "product", "objection",
                         "objection_short", "concern", "concern_short"})
"""Facts the system prompt already carries (the concern there only once revealed)."""
_ONLY_FOR: dict[str, frozenset[str]] = {
    "next_step": frozenset({"agree"}),
    "rep_step": frozenset({"agree", "next_step_vague"}),
    "value_point": frozenset({"want_numbers", "want_proof", "acknowledge_progress"}),
    "number": frozenset({"want_numbers", "acknowledge_progress"}),
    "concern_hint": frozenset({"hint_concern"}),
}
"""Facts that would tempt the model to pitch, agree or tell too much: given only to the situations that need
them (the concern's hint, when the scenario writes one, only when the director says to hint)."""


def _facts(scenario: Scenario, situation: Situation, concern_shown: bool) -> str:
    hidden = scenario.buyer.hidden_concern.strip()
    lines = []
    for key, value in situation.facts.items():
        if key in _IN_PERSONA or not value.strip():
            continue
        if key in _ONLY_FOR and situation.id not in _ONLY_FOR[key]:
            continue
        if not concern_shown and (key == "wants" or (hidden and (hidden in value or value in hidden))):
            continue  # the concern (and what resolves it) stays hidden until the state says otherwise
        lines.append(f"\n- {key.replace('_', ' ')}: {_as_data(value)}")
    return "".join(lines)


def system_prompt(scenario: Scenario, state: BuyerState, situation: Situation,
                  prompt: VoicePrompt = PROMPT) -> str:
    buyer = scenario.buyer
    spoken = situation.facts.get("concern") or buyer.hidden_concern  # first person when the director gives it
    concern = (
        prompt.concern_revealed.format(hidden_concern=" ".join(spoken.split()))
        if _concern_shown(scenario, state, situation)
        else prompt.concern_hidden
    )
    return prompt.system.format(
        name=buyer.name,
        role=buyer.role,
        company=buyer.company,
        product=scenario.product.name,
        summary=scenario.product.summary,
        personality=buyer.personality,
        style=prompt.personalities.get(buyer.personality, ""),
        opening=buyer.opening,
        concern=concern,
    )


def build_messages(
    scenario: Scenario,
    state: BuyerState,
    situation: Situation,
    history: list[Turn],
    *,
    prompt: VoicePrompt = PROMPT,
    window: int = 6,
    clip_words: int = 80,
    prompt_budget: int = 1800,
) -> list[BaseMessage]:
    """The chat messages for one buyer line (system, windowed history, the rep's line + director note)."""
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    shown = _concern_shown(scenario, state, situation)
    system_text = system_prompt(scenario, state, situation, prompt)
    turns = list(history)
    current: Turn | None = turns.pop() if turns and turns[-1].role == "rep" else None
    direction = situation.direction.strip() or prompt.directions.get(situation.id, "")
    # The same facts and stages as the scripted voice (issue 13): code chose the answer, the model words it.
    if situation.facts.get("answer"):
        direction = f"{prompt.directions.get('answer_first', '')} {direction}".strip()
    elif situation.facts.get("no_figure"):
        direction = f"{prompt.directions.get('no_figure', '')} {direction}".strip()
    if current is None:
        last = HumanMessage(prompt.opening_turn.format(opening=scenario.buyer.opening))
    else:
        last = HumanMessage(
            prompt.turn.format(
                rep_line=_as_data(current.text),
                situation=situation.id,
                direction=direction,
                facts=_facts(scenario, situation, shown),
                mood=_mood(state),
            )
        )

    def render(keep: int) -> list[BaseMessage]:
        # The window starts at a rep turn: strict chat templates want user/assistant alternation.
        start = len(turns) - keep
        while start < len(turns) and turns[start].role != "rep":
            start += 1
        earlier, recent = turns[:start], turns[start:]
        content = system_text
        if any(t.role == "rep" for t in earlier):  # the opening alone is already in the persona
            reps = sum(1 for t in turns if t.role == "rep") + (1 if current else 0)
            content += "\n" + prompt.summary.format(count=len(earlier), rep_count=reps)
        messages: list[BaseMessage] = [SystemMessage(content)]
        for t in recent:
            if t.role == "buyer":
                messages.append(AIMessage(_clip(t.text, clip_words)))
            else:
                data = _as_data(_clip(t.text, clip_words))
                messages.append(HumanMessage(f"<rep_line>\n{data}\n</rep_line>"))
        messages.append(last)
        return messages

    keep = min(window, len(turns))
    messages = render(keep)
    while keep > 0 and prompt_tokens(messages) > prompt_budget:
        keep -= 1
        messages = render(keep)
    return messages


def prompt_tokens(messages: list[BaseMessage]) -> int:
    """Approximate prompt tokens of ``messages`` as the server will see them (offline count)."""
    from langchain_core.messages import convert_to_openai_messages

    return count_chat_tokens(convert_to_openai_messages(messages))


# --- checking a reply -----------------------------------------------------------------------

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
_SENTENCE_END = re.compile(r"[.?!…](?:\s|$)")


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


# --- the voice -----------------------------------------------------------------------------


class LLMVoice:
    """A ``BuyerVoice`` backed by a LangChain chat model, with the scripted voice as its fallback."""

    name = "llm"
    supports_streaming = True

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
    if situation.id in ("stall_offer", "stall_polite"):
        return "Let me think about it and I'll get back to you."
    return f"I hear you, but I'm not convinced yet. {scenario.buyer.opening}"
