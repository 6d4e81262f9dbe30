"""DrillSession: one practice conversation, the single object the app, the CLI and the evals hold.

Per rep turn: check the input, record the rep turn (``on_turn`` fires at once,
so storage has it before anything can fail), detect behaviour signals (the
offline detectors, merged with an optional LLM classifier's), let the
``BuyerDirector`` move the state, and let the voice word the director's
situation. Code decides; the voice only talks. ``resume`` rebuilds the state
from stored turns by replaying the rep turns through the same detectors and
director, so a refresh or a crash never loses an attempt.

The learned reading of a rep turn (``TurnAnalysis``) is made once, here, and
kept with the turn (``Turn.reading``) for the grader, the feedback and the
app. The rep's words are written before they are read (reading can be slow
or fail, and nothing may be lost), so the reading reaches storage as an
update right after it is made: ``on_turn`` fires a second time for that rep
turn, same index and text, with ``TurnEvent.reading`` set, before the
director moves. Saving it is best effort: a reading can always be made again,
and ``resume`` reuses a stored one and makes (and sends) a missing one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from .buyer.director import BuyerDirector
from .buyer.scripted import ScriptedVoice
from .buyer.state import BuyerState, Situation
from .buyer.voice import BuyerVoice
from .errors import ScrimmageError
from .models import Outcome, Role, Scenario, Transcript, Turn
from .signals import Signal, SignalContext, SignalSet, detect_signals, stored_signals, warm_context

if TYPE_CHECKING:
    from .embeddings import Embedder

__all__ = ["MAX_REP_CHARS", "BuyerReply", "DrillInputError", "DrillSession", "TurnEvent", "attempt_seed",
           "in_background"]

log = logging.getLogger(__name__)

MAX_REP_CHARS = 2000
_PREPARE_LINE = "Thanks for taking the time."
"""What ``_prepare_detectors`` runs the detectors on (its signals are thrown away)."""


def attempt_seed(attempt_id: object) -> int:
    """The buyer's wording seed for one attempt: a retry of the same scenario hears other lines, a resumed
    attempt the same ones (issue 13). Tests and the CLI pass ``seed`` themselves for reproducible drills."""
    import zlib

    return zlib.crc32(f"attempt:{attempt_id}".encode()) % 1_000_003


def in_background(work: Callable[[], None], name: str) -> threading.Thread:
    """Run a drill's model work (``prepare``, ``warm_ahead``) while the rep reads and types.

    A failure is logged, not raised: the turn that needs the work does it again and reports what is wrong
    the way it always does. A short-lived process joins the thread before it exits (a model still running
    in a daemon thread at interpreter exit can abort the process)."""

    def run() -> None:
        try:
            work()
        except Exception as exc:  # a background warm-up: the next turn redoes it and reports it
            log.warning("%s did not finish: %s", name, exc)

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread


class DrillInputError(ScrimmageError, ValueError):
    """The rep's input cannot be used (empty, too long, or the drill has ended)."""


class Classifier(Protocol):
    def classify(self, text: str, ctx: SignalContext) -> list[Signal]: ...


@dataclass
class TurnEvent:
    """One turn as it happens (what ``on_turn`` receives).

    A rep turn's event comes again once the turn is read, with the same index, role and text and with
    ``reading`` set: an update of the turn already sent, which the store applies to the stored turn.
    """

    index: int
    role: Role
    text: str
    state: dict[str, Any]
    notice: str | None = None
    reading: dict[str, Any] | None = None
    """The rep turn's reading (``TurnAnalysis.to_dict``); None on every first event of a turn."""

    @property
    def update(self) -> bool:
        """Whether this event re-sends a turn already sent, now with its reading."""
        return self.reading is not None


@dataclass
class BuyerReply:
    """The buyer's answer to one rep turn."""

    turn: Turn
    state: BuyerState
    notice: str | None = None


class DrillSession:
    """A drill against one scenario: ``start()``, then ``rep_says(text)`` until ``finished``."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        embedder: Embedder,
        voice: BuyerVoice | None = None,
        seed: int = 0,
        max_turns: int | None = None,
        on_turn: Callable[[TurnEvent], None] | None = None,
        classifier: Classifier | None = None,
        scenario_ref: str | None = None,
    ):
        self.scenario = scenario
        self.embedder = embedder
        self.voice: BuyerVoice = voice if voice is not None else ScriptedVoice(seed)
        self.seed = seed
        self.max_turns = max_turns or scenario.max_turns
        self.on_turn = on_turn
        self.classifier = classifier
        self.director = BuyerDirector(scenario, embedder=embedder, prepare=False)
        self.transcript = Transcript(scenario=scenario_ref or scenario.id)
        self.signals: list[SignalSet] = []
        """Signals of each rep turn, in order (the grader and the evals read them)."""
        self.last_reply: BuyerReply | None = None
        self._ended_early = False
        self._prepared = False
        self._prepare_lock = threading.Lock()

    # --- state ------------------------------------------------------------------------

    @property
    def state(self) -> BuyerState:
        return self.director.state

    @property
    def rep_turn_count(self) -> int:
        return sum(1 for t in self.transcript.turns if t.role == "rep")

    @property
    def finished(self) -> bool:
        return self.state.finished or self._ended_early or self.rep_turn_count >= self.max_turns

    @property
    def outcome(self) -> Outcome:
        if self.state.stage == "agreed":
            return "agreed"
        if self.state.stage == "walked_away":
            return "walked_away"
        return "open"

    # --- conversation -------------------------------------------------------------------

    def start(self, prepare: bool = True) -> Turn:
        """The buyer's opening line (fires ``on_turn``); it needs no model.

        ``prepare=False`` leaves the model work (``prepare``) to the caller — the app runs it in the
        background while the rep reads the opening, so the first line shows at once even while the
        embedding model is still loading after a restart. The first rep turn prepares if nobody has.
        """
        if self.transcript.turns:
            raise DrillInputError("This drill has already started.")
        situation = self.director.opening()
        text = self.voice.speak(self.scenario, self.state, situation, [])
        turn = self._record("buyer", text, self.voice.last_notice)
        if prepare:
            self.prepare()
        return turn

    def prepare(self) -> None:
        """Read the scenario with the model and warm the detectors, once (safe to call from a thread)."""
        with self._prepare_lock:
            if self._prepared:
                return
            self.director.prepare()
            self._prepare_detectors()
            self._prepared = True

    def warm_ahead(self) -> None:
        """Embed the buyer's last line now, for the reading of the rep's next turn (safe from a thread).

        Reading a rep turn compares it with the line it answers, which is new every turn; embedding that
        line is a third of a turn's time. The app and ``scrimmage drill`` run this in the background while
        the rep reads the line and types, so pressing Enter waits only for the rep's own sentences. Not
        calling it changes nothing but the wait."""
        if self.finished or not self.transcript.turns or self.transcript.turns[-1].role != "buyer":
            return
        self.prepare()
        ctx = SignalContext(self.scenario, list(self.transcript.turns), self.state.concern_revealed)
        warm_context(ctx, self.embedder)

    def rep_says(self, text: str) -> BuyerReply:
        """The rep speaks; returns the buyer's reply and the new state."""
        situation = self._rep_turn(text)
        history = list(self.transcript.turns)
        reply_text = self.voice.speak(self.scenario, self.state, situation, history)
        return self._buyer_turn(reply_text)

    def rep_says_stream(self, text: str) -> Iterator[str]:
        """Like ``rep_says`` but yields the buyer's words as they come; then read ``last_reply``."""
        situation = self._rep_turn(text)
        history = list(self.transcript.turns)
        chunks: list[str] = []
        for chunk in self.voice.stream(self.scenario, self.state, situation, history):
            chunks.append(chunk)
            yield chunk
        self._buyer_turn("".join(chunks).strip())

    def end(self) -> None:
        """The rep ends the drill early; the outcome stays as it is (usually ``open``)."""
        self._ended_early = True

    # --- internals ------------------------------------------------------------------------

    def _check(self, text: str) -> str:
        if self.finished:
            raise DrillInputError(f"This drill has already ended ({self.outcome}); start a new one.")
        if not self.transcript.turns:
            raise DrillInputError("Call start() first: the buyer opens the conversation.")
        if not isinstance(text, str) or not text.strip():
            raise DrillInputError("Say something: the reply is empty.")
        if len(text) > MAX_REP_CHARS:
            raise DrillInputError(
                f"That reply is {len(text):,} characters; keep it under {MAX_REP_CHARS:,} "
                "(a buyer won't sit through a speech)."
            )
        return text.strip()

    def _rep_turn(self, text: str) -> Situation:
        text = self._check(text)
        history = list(self.transcript.turns)
        self._record("rep", text)
        return self._decide(text, history, len(self.transcript.turns) - 1)

    def _prepare_detectors(self) -> None:
        """Run the detectors once on a neutral line, discarding the result.

        The detectors embed the scenario's own texts (opening, context, value and
        proof points, next step) with every rep turn, and once per process their
        cue prototypes. Both are cached, so doing it here, while the rep reads the
        buyer's opening, leaves the rep's first turn the cost of their own
        sentences only (docs/PERFORMANCE.md, buyer turn). Going through
        ``detect_signals`` itself keeps this in step with whatever it embeds.
        """
        ctx = SignalContext(self.scenario, list(self.transcript.turns), self.state.concern_revealed)
        detect_signals(_PREPARE_LINE, ctx, self.embedder)

    def _decide(self, text: str, history: list[Turn], index: int) -> Situation:
        self.prepare()
        ctx = SignalContext(self.scenario, history, self.state.concern_revealed)
        turn = self.transcript.turns[index]
        signals = stored_signals(turn.reading, text, self.embedder)
        if signals is None:
            signals = detect_signals(text, ctx, self.embedder)
            if signals.analysis is not None:
                self._keep_reading(index, turn, signals.analysis.to_dict())
        if self.classifier is not None:
            signals = _merge(signals, self.classifier.classify(text, ctx))
        self.signals.append(signals)
        return self.director.step(signals, index)

    def _keep_reading(self, index: int, turn: Turn, reading: dict[str, Any]) -> None:
        """Attach a fresh reading to its turn and send it to storage as an update of that turn."""
        turn.reading = reading
        if self.on_turn is None:
            return
        event = TurnEvent(index, "rep", turn.text, self.state.model_dump(mode="json"), None, reading)
        try:
            self.on_turn(event)
        except ScrimmageError as exc:  # e.g. the database is down: the recorder keeps it for the next turn
            log.warning("reading of turn %s not saved yet: %s", index, exc)

    def _buyer_turn(self, text: str) -> BuyerReply:
        notice = self.voice.last_notice
        turn = self._record("buyer", text, notice)
        reply = BuyerReply(turn=turn, state=self.state.model_copy(deep=True), notice=notice)
        self.last_reply = reply
        return reply

    def _record(self, role: Role, text: str, notice: str | None = None) -> Turn:
        turn = Turn(role=role, text=text)
        self.transcript.turns.append(turn)
        if self.on_turn is not None:
            self.on_turn(
                TurnEvent(
                    len(self.transcript.turns) - 1, role, text, self.state.model_dump(mode="json"), notice
                )
            )
        return turn

    # --- resume ---------------------------------------------------------------------------

    @classmethod
    def resume(cls, scenario: Scenario, turns: list[Turn], **kw: Any) -> DrillSession:
        """Rebuild a session from stored turns (buyer lines kept as they were said).

        A rep turn's stored reading is used as it is when it is still current
        (``signals.stored_signals``); otherwise the turn is read again and
        ``on_turn`` sends that reading as an update of the turn. If the last
        stored turn is the rep's (the buyer's answer was lost), the buyer
        answers it now and ``on_turn`` fires for that buyer turn; no other
        turn is sent again.
        """
        session = cls(scenario, **kw)
        if not turns:
            return session
        if turns[0].role != "buyer":
            raise DrillInputError("Stored turns must start with the buyer's opening.")
        session.transcript.turns.append(Turn(role="buyer", text=turns[0].text))
        pending: Situation | None = None
        for i, t in enumerate(turns[1:], start=1):
            if t.role == "rep":
                history = list(session.transcript.turns)
                session.transcript.turns.append(Turn(role="rep", text=t.text, reading=t.reading))
                pending = session._decide(t.text, history, i)
            else:
                session.transcript.turns.append(Turn(role="buyer", text=t.text))
                pending = None
        if pending is not None:
            reply = session.voice.speak(scenario, session.state, pending, list(session.transcript.turns))
            session._buyer_turn(reply)
        if not session.finished:
            session.prepare()
        return session


def _merge(offline: SignalSet, extra: list[Signal]) -> SignalSet:
    """Add classifier signals whose quotes really are in the text and that are not already there."""
    have = {(s.behaviour, s.start) for s in offline.signals}
    merged = list(offline.signals)
    gamed = any(s.behaviour.value in ("injection", "keyword_stuffing") for s in offline.signals)
    for s in extra:
        if offline.text[s.start : s.end] != s.quote:
            idx = offline.text.find(s.quote) if s.quote else -1
            if idx < 0:
                continue
            s = Signal(s.behaviour, s.quote, idx, idx + len(s.quote), s.confidence, s.relevant, s.source)
        if (s.behaviour, s.start) in have:
            continue
        if gamed and s.relevant and s.behaviour.value not in ("injection", "keyword_stuffing"):
            from .signals import POSITIVE

            if s.behaviour in POSITIVE:
                s = Signal(s.behaviour, s.quote, s.start, s.end, s.confidence, False, s.source)
        merged.append(s)
    merged.sort(key=lambda s: (s.start, s.behaviour.value))
    return SignalSet(text=offline.text, signals=merged)
