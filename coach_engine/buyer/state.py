"""The buyer's state and what the buyer does on a turn: plain data shared by director and voices.

``BuyerState`` is moved only by ``BuyerDirector`` (code decides); voices read it
to pick a tone. ``Situation`` is the director's instruction to a voice: an id
naming what the buyer does this turn plus the facts the line may mention, so
the scripted and the LLM voice say the same thing in different words.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

Stage = Literal["opening", "exploring", "resolving", "agreed", "walked_away", "stalled"]
"""``stalled``: the buyer ended the call without a commitment (takes the offer away, "let's talk next
quarter"); the drill is over and its outcome is ``open``."""

SITUATIONS: tuple[str, ...] = (
    "opening",
    "probe_deflect",
    "hint_concern",
    "reveal_concern",
    "restate_objection",
    "answer_question",
    "grant_time",
    "want_numbers",
    "want_proof",
    "want_next_step",
    "next_step_vague",
    "acknowledge_progress",
    "push_back_pressure",
    "push_back_argue",
    "push_back_disparage",
    "push_back_discount",
    "push_back_dismiss",
    "confused_injection",
    "push_back_stuffing",
    "impatient_passive",
    "impatient_monologue",
    "off_topic",
    "agree",
    "walk_away",
    "stall_offer",
    "stall_polite",
    "stall_send",
)
"""Every situation id a director may emit (voices must handle each)."""


class ResolutionItem(BaseModel):
    """One of the scenario's resolution conditions and whether (and when) the rep met it."""

    text: str
    kind: str = "general"
    """Requirement kind the item maps to (explore, uncover, acknowledge, value, proof, next_step ...)."""
    sure: bool = True
    """The kind was said in the YAML or read with confidence."""
    also: list[str] = Field(default_factory=list)
    """For an unsure item, the other kinds it may be asking for: meeting any of them meets it."""
    met: bool = False
    turn: int | None = None
    """Index of the rep turn (in the transcript) that met it, or that broke a rule."""
    forbids: str = ""
    """A rule ("doesn't discount"): the behaviour that breaks it. Met from the start, unmet for good once a
    turn shows the behaviour (``buyer.item_rules``)."""


class BuyerState(BaseModel):
    """Where the buyer stands; serialised into every TurnEvent."""

    resistance: Annotated[int, Field(ge=0, le=100)] = 60
    trust: Annotated[int, Field(ge=0, le=100)] = 30
    patience: int = 6
    """Turns the buyer will still give a rep who makes no progress."""
    concern_revealed: bool = False
    revealed_turn: int | None = None
    explore_turns: int = 0
    """Good exploring turns so far (harder buyers need more before revealing)."""
    stake_told: bool = False
    """The last stage of the concern (the stake, a scenario's third ``concern_lines``) has been said."""
    story_held: bool = False
    """Only the story's opening has been said (``staging``): the next good question draws the rest."""
    resolution: list[ResolutionItem] = Field(default_factory=list)
    stage: Stage = "opening"
    turns: int = 0
    """Rep turns processed."""
    last_situation: str = "opening"
    asked_step: bool = False
    """The buyer's last line asked the rep for a next step (``situation_choice.asks_for_step``): the next
    one reacts to what the rep says instead of asking again, unless the rep proposes one."""

    @property
    def finished(self) -> bool:
        return self.stage in ("agreed", "walked_away", "stalled")

    def unmet(self) -> list[ResolutionItem]:
        return [r for r in self.resolution if not r.met]


class Situation(BaseModel):
    """What the buyer does this turn (``id`` in ``SITUATIONS``) and the facts a line may use."""

    id: str
    facts: dict[str, str] = Field(default_factory=dict)
    behaviours: list[str] = Field(default_factory=list)
    """The rep behaviours that led here (for voices and debugging)."""
    direction: str = ""
    """A one-line stage direction in plain English (the LLM voice passes it to the model)."""
