"""Issue 12: the grader grades a turn on the reading stored with it, and reads only what it cannot trust.

A stored reading stands in for reading the turn again when it is a reading of that text by the current
model version; for another model version and for transcripts from a file, the turn is read as before. A
transcript without readings is written exactly as before.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from coach_engine.buyer.scripted import ScriptedVoice
from coach_engine.cli.grade import transcript_from_data
from coach_engine.demo import RESULTS_FILE
from coach_engine.grading.rubric_grader import RubricGrader
from coach_engine.models import Scenario, Scorecard, Transcript, Turn
from coach_engine.scenarios import ScenarioBank
from coach_engine.session import DrillSession

LINES = [
    "That's fair, Dana. Before I defend the number, what makes $48k feel high right now?",
    "So the board froze new software after the ERP rollout. What would they need to approve a pilot?",
    "With 60 trucks, Hartley Freight put $210k back in the budget in twelve months, mostly from fuel. Is "
    "Thursday good for a half hour with your controller to size up a paid pilot?",
]


@pytest.fixture
def cfo(bank: ScenarioBank) -> Scenario:
    return bank.get("cfo-price-routing")


@pytest.fixture
def drilled(cfo: Scenario, embedder: Any) -> Transcript:
    """A drill's transcript: every rep turn carries the reading the buyer acted on."""
    drill = DrillSession(cfo, embedder=embedder, voice=ScriptedVoice(0))
    drill.start()
    for line in LINES:
        drill.rep_says(line)
    assert all(t.reading is not None for t in drill.transcript.turns if t.role == "rep")
    return drill.transcript


def _without_readings(t: Transcript) -> Transcript:
    return t.model_copy(update={"turns": [Turn(role=x.role, text=x.text) for x in t.turns]})


def _edited(t: Transcript, edit: Any) -> Transcript:
    turns = []
    for x in t.turns:
        reading = copy.deepcopy(x.reading)
        if reading is not None:
            edit(reading)
        turns.append(Turn(role=x.role, text=x.text, reading=reading))
    return t.model_copy(update={"turns": turns})


def _no_labels(reading: dict[str, Any]) -> None:
    """Nothing read in the turn: no behaviour in any sentence, no gaming."""
    for s in reading["sentences"]:
        s["labels"] = []
    reading["gaming"] = None


def _checks(card: Scorecard, skill: str) -> list[bool]:
    return [c.passed for s in card.skills if s.id == skill for c in s.checks]


def test_the_grader_grades_on_the_stored_reading(drilled: Transcript, cfo: Scenario, embedder: Any) -> None:
    grader = RubricGrader(embedder)
    fresh = grader.grade(cfo, _without_readings(drilled))
    assert any(_checks(fresh, "explore"))
    # Nothing the rep did is in the edited readings, so nothing is credited: the turns were not read again.
    emptied = grader.grade(cfo, _edited(drilled, _no_labels))
    assert not any(_checks(emptied, "explore")) and not emptied.flags

    question = LINES[1].index("What would")

    def explored(reading: dict[str, Any]) -> None:
        _no_labels(reading)
        if reading["text"] == LINES[1]:
            sentence = next(s for s in reading["sentences"] if s["start"] <= question < s["end"])
            sentence["labels"] = ["open_question", "explore_concern"]

    # One label written into one stored reading is what the explore checks now find, quoted from that turn.
    card = grader.grade(cfo, _edited(drilled, explored))
    assert any(_checks(card, "explore"))
    evidence = {ev.quote for s in card.skills if s.id == "explore" for c in s.checks for ev in c.evidence}
    assert evidence == {LINES[1][question:]}


def test_a_reading_by_another_model_version_is_read_again(
    drilled: Transcript, cfo: Scenario, embedder: Any
) -> None:
    grader = RubricGrader(embedder)

    def other_model(reading: dict[str, Any]) -> None:
        _no_labels(reading)
        reading["model_version"] = "reader-0+older"

    stale = grader.grade(cfo, _edited(drilled, other_model))
    assert stale.model_dump() == grader.grade(cfo, _without_readings(drilled)).model_dump()
    assert any(_checks(stale, "explore"))


def test_gaming_in_a_stored_reading_voids_the_turn(drilled: Transcript, cfo: Scenario, embedder: Any) -> None:
    quote = "What would they need to approve a pilot?"
    start = LINES[1].index(quote)

    def injected(reading: dict[str, Any]) -> None:
        reading["gaming"] = None
        if reading["text"] == LINES[1]:
            reading["gaming"] = {"kind": "injection", "probability": 0.99, "start": start,
                                 "end": start + len(quote), "quote": quote}

    grader = RubricGrader(embedder)
    clean = grader.grade(cfo, _edited(drilled, lambda r: r.update(gaming=None)))
    card = grader.grade(cfo, _edited(drilled, injected))
    turn = next(i for i, t in enumerate(drilled.turns) if t.text == LINES[1])
    assert not clean.flags
    assert card.flags == [f'injection (turn {turn}): text addressed to the grader or simulation earns '
                          f'nothing: "{quote}"']
    assert card.overall < clean.overall


def test_a_transcript_from_a_file_is_read_again(drilled: Transcript) -> None:
    data = json.loads(_edited(drilled, _no_labels).model_dump_json())
    assert any("reading" in t for t in data["turns"])
    transcript, _ = transcript_from_data(data, "input")
    assert all(t.reading is None for t in transcript.turns)
    assert transcript == _without_readings(drilled)


def test_a_transcript_without_readings_dumps_as_before() -> None:
    t = Transcript(scenario="cfo-price-routing", turns=[Turn(role="buyer", text="Too expensive."),
                                                        Turn(role="rep", text="What feels high?")])
    expected = ('{"scenario":"cfo-price-routing","turns":[{"role":"buyer","text":"Too expensive."},'
                '{"role":"rep","text":"What feels high?"}]}')
    assert t.model_dump_json() == expected
    assert all("reading" not in turn for turn in t.model_dump()["turns"])
    assert all("reading" not in turn for turn in t.model_dump(mode="json")["turns"])
    with_one = Turn(role="rep", text="x", reading={"text": "x"})
    assert with_one.model_dump() == {"role": "rep", "text": "x", "reading": {"text": "x"}}


def test_the_demo_cache_round_trips_byte_for_byte() -> None:
    """Every shipped cached drill, read and written again as the demo writes it, is the same line."""
    lines = [ln for ln in RESULTS_FILE.read_text(encoding="utf-8").splitlines() if ln.strip()]
    assert lines
    for line in lines:
        row = json.loads(line)
        again = dict(row, transcript=Transcript.model_validate(row["transcript"]).model_dump(mode="json"))
        assert json.dumps(again, ensure_ascii=False) == line
