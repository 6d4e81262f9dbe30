"""DrillSession: the contract the app, the CLI, the store and the evals rely on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from coach_engine.buyer import BuyerState, ScriptedVoice, Situation
from coach_engine.models import Scenario, Turn
from coach_engine.scenarios import ScenarioBank
from coach_engine.session import MAX_REP_CHARS, DrillInputError, DrillSession, TurnEvent
from coach_engine.signals import Behaviour, Signal, SignalContext

LINES = [
    "That's fair. What's behind the number for you?",
    "So what would it take for the board to approve something?",
    "ok",
    "How about a paid pilot on 20 trucks next Tuesday?",
]


@pytest.fixture
def cfo(bank: ScenarioBank) -> Scenario:
    return bank.get("cfo-price-routing")


class NoticeVoice:
    """A voice that says one thing and reports a notice (like the LLM voice falling back)."""

    name = "notice"
    can_stream = False

    def __init__(self) -> None:
        self.last_notice: str | None = None
        self.seen: list[str] = []

    def speak(self, scenario: Scenario, state: BuyerState, situation: Situation, history: list[Turn]) -> str:
        self.seen.append(situation.id)
        self.last_notice = None if situation.id == "opening" else "fell back to the scripted voice"
        return f"[{situation.id}]"

    def stream(self, scenario: Scenario, state: BuyerState, situation: Situation,
               history: list[Turn]) -> Iterator[str]:
        text = self.speak(scenario, state, situation, history)
        yield text[:3]
        yield text[3:]


def test_on_turn_fires_rep_first_then_buyer(cfo: Scenario, hash_embedder) -> None:  # type: ignore[no-untyped-def]
    events: list[TurnEvent] = []
    d = DrillSession(cfo, embedder=hash_embedder, on_turn=events.append)
    opening = d.start()
    assert opening.role == "buyer" and [e.index for e in events] == [0]
    reply = d.rep_says(LINES[0])
    first = [e for e in events if not e.update]
    assert [(e.index, e.role) for e in first] == [(0, "buyer"), (1, "rep"), (2, "buyer")]
    assert first[1].text == LINES[0] and first[1].state["turns"] == 0  # before the buyer computed
    assert first[2].state["turns"] == 1 and first[2].text == reply.turn.text
    # The learned reading of the rep turn, if there is one, follows the turn and comes before the buyer's.
    order = [(e.index, e.update) for e in events]
    assert all(order.index((i, False)) < order.index((i, True)) < order.index((i + 1, False))
               for i, up in order if up)
    assert reply.state.turns == 1 and d.transcript.turns[-1] == reply.turn


@pytest.mark.parametrize(("text", "message"), [
    ("", "empty"),
    ("   \n\t ", "empty"),
    ("x" * (MAX_REP_CHARS + 1), "2,000"),
])
def test_bad_input_is_a_clear_error(cfo: Scenario, hash_embedder, text: str, message: str) -> None:  # type: ignore[no-untyped-def]
    d = DrillSession(cfo, embedder=hash_embedder)
    d.start()
    with pytest.raises(DrillInputError, match=message):
        d.rep_says(text)
    assert len(d.transcript.turns) == 1


def test_rep_cannot_speak_before_start_or_after_the_end(cfo: Scenario, hash_embedder) -> None:  # type: ignore[no-untyped-def]
    d = DrillSession(cfo, embedder=hash_embedder)
    with pytest.raises(DrillInputError, match="start"):
        d.rep_says("hello")
    d.start()
    d.end()
    assert d.finished and d.outcome == "open"
    with pytest.raises(DrillInputError, match="already ended"):
        d.rep_says("one more thing")


def test_max_turns_quick_mode(cfo: Scenario, hash_embedder) -> None:  # type: ignore[no-untyped-def]
    d = DrillSession(cfo, embedder=hash_embedder, max_turns=4)
    d.start()
    for _ in range(4):
        d.rep_says("How are your routes planned today?")
    assert d.finished and d.rep_turn_count == 4
    with pytest.raises(DrillInputError):
        d.rep_says("and another")


def test_default_voice_is_scripted_and_seeded(cfo: Scenario, hash_embedder) -> None:  # type: ignore[no-untyped-def]
    d = DrillSession(cfo, embedder=hash_embedder, seed=11)
    assert isinstance(d.voice, ScriptedVoice) and d.voice.seed == 11
    assert d.max_turns == cfo.max_turns


def test_voice_notice_reaches_reply_and_event(cfo: Scenario, hash_embedder) -> None:  # type: ignore[no-untyped-def]
    events: list[TurnEvent] = []
    voice = NoticeVoice()
    d = DrillSession(cfo, embedder=hash_embedder, voice=voice, on_turn=events.append)
    d.start()
    reply = d.rep_says(LINES[0])
    assert reply.notice == "fell back to the scripted voice"
    assert events[-1].notice == reply.notice and events[0].notice is None


def test_stream_yields_chunks_then_records_the_turn(cfo: Scenario, hash_embedder) -> None:  # type: ignore[no-untyped-def]
    events: list[TurnEvent] = []
    d = DrillSession(cfo, embedder=hash_embedder, on_turn=events.append)
    d.start()
    chunks = list(d.rep_says_stream(LINES[0]))
    assert len(chunks) > 1
    assert d.last_reply is not None and d.last_reply.turn.text == "".join(chunks).strip()
    assert [e.role for e in events if not e.update] == ["buyer", "rep", "buyer"]


class InjectionClassifier:
    def classify(self, text: str, ctx: SignalContext) -> list[Signal]:
        return [Signal(Behaviour.INJECTION, text[:10], 0, 10, source="llm"),
                Signal(Behaviour.NEXT_STEP, "not in the text", 0, 5, source="llm")]


def test_classifier_signals_are_merged_and_verified(cfo: Scenario, hash_embedder) -> None:  # type: ignore[no-untyped-def]
    plain = DrillSession(cfo, embedder=hash_embedder)
    plain.start()
    plain.rep_says(LINES[0])
    with_llm = DrillSession(cfo, embedder=hash_embedder, classifier=InjectionClassifier())
    with_llm.start()
    with_llm.rep_says(LINES[0])
    merged = with_llm.signals[-1]
    assert merged.has(Behaviour.INJECTION)
    assert not any(s.quote == "not in the text" for s in merged.signals)
    assert with_llm.state.resistance > plain.state.resistance


def test_resume_rebuilds_the_same_state(cfo: Scenario, hash_embedder) -> None:  # type: ignore[no-untyped-def]
    d = DrillSession(cfo, embedder=hash_embedder, seed=4)
    d.start()
    for line in LINES[:3]:
        d.rep_says(line)
    again = DrillSession.resume(cfo, list(d.transcript.turns), embedder=hash_embedder, seed=4)
    assert again.state == d.state
    assert again.transcript.turns == d.transcript.turns
    nxt = again.rep_says(LINES[3])
    assert nxt.state.turns == 4


def test_resume_answers_a_rep_turn_whose_reply_was_lost(cfo: Scenario, hash_embedder) -> None:  # type: ignore[no-untyped-def]
    events: list[TurnEvent] = []
    turns = [Turn(role="buyer", text=cfo.buyer.opening), Turn(role="rep", text=LINES[0])]
    d = DrillSession.resume(cfo, turns, embedder=hash_embedder, on_turn=events.append)
    assert [t.role for t in d.transcript.turns] == ["buyer", "rep", "buyer"]
    assert [(e.index, e.role) for e in events if not e.update] == [(2, "buyer")]


def test_resume_rejects_turns_not_starting_with_the_buyer(cfo: Scenario, hash_embedder) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DrillInputError):
        DrillSession.resume(cfo, [Turn(role="rep", text="hi")], embedder=hash_embedder)


def test_start_twice_is_an_error(cfo: Scenario, hash_embedder) -> None:  # type: ignore[no-untyped-def]
    d = DrillSession(cfo, embedder=hash_embedder)
    d.start()
    with pytest.raises(DrillInputError):
        d.start()


@pytest.mark.slow
def test_a_rep_turn_costs_one_embedding_call(cfo: Scenario, embedder) -> None:  # type: ignore[no-untyped-def]
    """The offline buyer stays cheap: the detectors' batch is the only model call of a turn."""
    from coach_engine.embeddings import CachedEmbedder

    class Counting:
        name, dim, semantic = embedder.inner.name, embedder.inner.dim, embedder.semantic

        def __init__(self) -> None:
            self.calls = 0

        def embed(self, texts):  # type: ignore[no-untyped-def]
            self.calls += 1
            return embedder.inner.embed(texts)

    inner = Counting()
    d = DrillSession(cfo, embedder=CachedEmbedder(inner))  # type: ignore[arg-type]
    d.start()
    d.rep_says("That's fair. What's behind the number for you?")  # also builds the prototypes, once
    for line in ["So the board froze spend. Routewise cuts fuel 12-18%, about $90k a year for 85 trucks.",
                 "A pilot stays inside the freeze, and Hartley Freight saved $210k over its first year.",
                 "Can we set up half an hour Tuesday, you, me and your controller, to plan a paid pilot?"]:
        before = inner.calls
        d.rep_says(line)
        assert inner.calls - before <= 1, line


def test_a_retry_hears_other_words_and_a_resume_the_same(bank, embedder) -> None:  # type: ignore[no-untyped-def]
    """Seeds come from the attempt: two attempts differ, the same attempt is reproducible (issue 13)."""
    from coach_engine.session import DrillSession, attempt_seed

    scenario = bank.get("cfo-price-routing")
    lines = ["Okay.", "Sure, send me something.", "Fine.", "Right."]

    def buyer_lines(attempt: int) -> list[str]:
        d = DrillSession(scenario, embedder=embedder, seed=attempt_seed(attempt))
        d.start()
        return [d.rep_says(x).turn.text for x in lines if not d.finished]

    assert attempt_seed(7) == attempt_seed(7) and attempt_seed(7) != attempt_seed(8)
    assert buyer_lines(7) == buyer_lines(7)
    assert any(buyer_lines(a) != buyer_lines(7) for a in (8, 9, 10))
