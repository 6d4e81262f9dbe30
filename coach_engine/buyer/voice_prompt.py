"""What the chat model is told for one buyer line: the versioned prompt and the messages built from it.

The model talks, code decides (DESIGN.md): by the time a line is asked for,
``BuyerDirector`` has moved the state and chosen a ``Situation``. So the
prompt carries the persona (from the scenario), the director's note for this
turn (situation id, direction, facts) and a mood word derived from the state —
and the scenario's hidden concern only once the state says it is on the table;
facts that would tempt the model to pitch, agree or tell too much go only to
the situations that need them. The rep's text goes in between ``<rep_line>``
tags as data, with any tags of its own defused.

Cost (issue 7): the history is windowed — the last ``window`` turns plus a
one-line summary — older turns in the window are clipped, and the oldest are
dropped until the prompt fits ``prompt_budget`` tokens (counted offline with
``coach_engine.tokens``). Kept apart from ``llm_voice.py`` so the prompt can be
read, tested and costed without the retry and fallback machinery.

Prompt template: ``prompts/buyer_voice.yaml`` (``PROMPT.versioned_id``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from ..datafiles import load_model_text
from ..models import Scenario, Turn
from ..prompt_file import PromptFile, without_rep_tags
from ..tokens import count_chat_tokens
from .state import BuyerState, Situation

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage

__all__ = ["PROMPT", "VoicePrompt", "build_messages", "load_voice_prompt", "prompt_tokens", "system_prompt"]


class VoicePrompt(PromptFile):
    """The buyer-voice prompt template (YAML, versioned)."""

    concern_hidden: str
    concern_revealed: str
    turn: str
    opening_turn: str
    summary: str
    personalities: dict[str, str]
    directions: dict[str, str]


@lru_cache(maxsize=4)
def load_voice_prompt(name: str = "buyer_voice.yaml") -> VoicePrompt:
    """Load and validate a prompt template shipped in ``coach_engine/buyer/prompts``."""
    text = resources.files(__package__).joinpath("prompts", name).read_text(encoding="utf-8")
    return load_model_text(text, VoicePrompt, f"coach_engine/buyer/prompts/{name}")


PROMPT = load_voice_prompt()

_DIRECTOR = re.compile(r"DIRECTOR", re.IGNORECASE)


def _as_data(text: str) -> str:
    """The rep's words, unable to close the delimiter or forge a director note."""
    return _DIRECTOR.sub("director", without_rep_tags(text)).strip()


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
        unknown = "no_date" if situation.facts["no_figure"] == "date" else "no_figure"
        direction = f"{prompt.directions.get(unknown, '')} {direction}".strip()
    if situation.facts.get("stake"):  # the stake, or the rest of a story only begun (``staging``)
        told = "story_rest" if situation.facts.get("stake_lead") == "none" else "stake"
        direction = f"{prompt.directions.get(told, '')} {direction}".strip()
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

