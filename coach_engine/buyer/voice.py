"""The one interface every buyer voice implements.

A voice only words what the director decided: it never changes the state.
``last_notice`` lets a voice report something the rep should know about the
turn it just spoke (the LLM voice uses it when it fell back to the scripted
voice); the session copies it into ``BuyerReply.notice`` / ``TurnEvent.notice``.
``can_stream`` is the voice's own word on whether its words arrive in pieces
worth showing as they come: a front end asks the voice, not the settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from ..models import Scenario, Turn
from .state import BuyerState, Situation


@runtime_checkable
class BuyerVoice(Protocol):
    name: str
    last_notice: str | None
    can_stream: bool

    def speak(self, scenario: Scenario, state: BuyerState, situation: Situation, history: list[Turn]) -> str:
        """The buyer's whole line for this turn."""
        ...

    def stream(
        self, scenario: Scenario, state: BuyerState, situation: Situation, history: list[Turn]
    ) -> Iterator[str]:
        """The same line in chunks, as they are produced."""
        ...
