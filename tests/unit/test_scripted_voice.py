"""ScriptedVoice: deterministic per seed, varied across seeds, in character, facts filled in."""

from __future__ import annotations

import re

import pytest

from coach_engine.buyer import SITUATIONS, BuyerState, ScriptedVoice, Situation, scenario_facts
from coach_engine.buyer.scripted import load_lines
from coach_engine.models import Turn
from coach_engine.scenarios import ScenarioBank
from coach_engine.session import DrillSession

REP = [
    "That's fair. What's behind the number for you?",
    "ok",
    "You need to sign today.",
    "How about a pilot next Tuesday?",
    "Routewise has dashboards, alerts, reports, apps, analytics and integrations.",
]


def drill_lines(bank: ScenarioBank, hash_embedder, seed: int) -> list[str]:  # type: ignore[no-untyped-def]
    d = DrillSession(bank.get("cfo-price-routing"), embedder=hash_embedder, seed=seed, max_turns=10)
    d.start()
    out = []
    for line in REP:
        if d.finished:
            break
        out.append(d.rep_says(line).turn.text)
    return out


def test_same_seed_same_words(bank: ScenarioBank, hash_embedder) -> None:  # type: ignore[no-untyped-def]
    assert drill_lines(bank, hash_embedder, 7) == drill_lines(bank, hash_embedder, 7)


def test_different_seeds_read_differently(bank: ScenarioBank, hash_embedder) -> None:  # type: ignore[no-untyped-def]
    runs = [drill_lines(bank, hash_embedder, seed) for seed in range(4)]
    assert len({tuple(r) for r in runs}) >= 3


def test_every_situation_and_personality_has_a_filled_line(bank: ScenarioBank) -> None:
    lines = load_lines()
    voice = ScriptedVoice(3)
    for sid in SITUATIONS:
        if sid != "opening":
            assert sid in lines["situations"], sid
    for scenario in bank.scenarios.values():
        state = BuyerState(concern_revealed=True)
        facts = scenario_facts(scenario, state) | {"rep_step": "a pilot next Tuesday", "rep_quote": "x"}
        for sid in SITUATIONS:
            text = voice.speak(scenario, state, Situation(id=sid, facts=facts), [])
            assert text.strip(), (scenario.id, sid)
            assert "{" not in text and "}" not in text, text


def test_lines_differ_by_personality(bank: ScenarioBank) -> None:
    by_personality = {}
    for scenario in bank.scenarios.values():
        p = scenario.buyer.personality
        if p in by_personality:
            continue
        voice = ScriptedVoice(0)
        by_personality[p] = {
            voice.speak(scenario, BuyerState(), Situation(id="push_back_pressure",
                                                          facts=scenario_facts(scenario, BuyerState())),
                        [Turn(role="buyer", text="x")] * k)
            for k in range(8)
        }
    assert len(by_personality) == 4
    sets = list(by_personality.values())
    for i in range(len(sets)):
        for j in range(i + 1, len(sets)):
            assert sets[i] != sets[j]


def test_reveal_says_the_concern_in_the_first_person(bank: ScenarioBank) -> None:
    s = bank.get("3pl-trust-vendor-size")
    state = BuyerState(concern_revealed=True)
    sit = Situation(id="reveal_concern", facts=scenario_facts(s, state))
    text = ScriptedVoice(1).speak(s, state, sit, [])
    assert "I led the emergency replacement" in text
    assert "Olusegun" not in text


def test_concern_is_not_leaked_before_it_is_revealed(bank: ScenarioBank) -> None:
    s = bank.get("cfo-price-routing")
    facts = scenario_facts(s, BuyerState())
    assert "concern" not in facts
    for seed in range(5):
        text = ScriptedVoice(seed).speak(s, BuyerState(), Situation(id="probe_deflect", facts=facts), [])
        assert "froze" not in text


def test_agree_repeats_the_reps_next_step(bank: ScenarioBank) -> None:
    s = bank.get("cfo-price-routing")
    step = "How about a paid pilot on 20 trucks next Tuesday?"
    facts = scenario_facts(s, BuyerState()) | {"rep_step": step}
    text = ScriptedVoice(2).speak(s, BuyerState(), Situation(id="agree", facts=facts), [])
    assert "a paid pilot on 20 trucks next Tuesday" in text


@pytest.mark.parametrize("sid", ["opening", "want_numbers", "walk_away"])
def test_stream_gives_the_same_words(bank: ScenarioBank, sid: str) -> None:
    s = bank.get("hvac-not-interested-cold")
    voice = ScriptedVoice(5)
    sit = Situation(id=sid, facts=scenario_facts(s, BuyerState()))
    assert "".join(voice.stream(s, BuyerState(), sit, [])) == voice.speak(s, BuyerState(), sit, [])
    assert voice.last_notice is None


def test_opening_is_the_scenarios_line(bank: ScenarioBank) -> None:
    s = bank.get("3pl-trust-vendor-size")
    text = ScriptedVoice(0).speak(s, BuyerState(), Situation(id="opening"), [])
    assert text == re.sub(r"\s+", " ", s.buyer.opening).strip()
