"""get_voice: scripted offline by default; the LLM voice (scripted fallback) when configured."""

from __future__ import annotations

import pytest

from coach_engine.buyer import BuyerState, BuyerVoice, Situation
from coach_engine.buyer.llm_voice import LLMVoice
from coach_engine.buyer.scripted import ScriptedVoice
from coach_engine.buyer.voices import get_voice
from coach_engine.fakes import FakeChatModel, timeout
from coach_engine.models import Turn
from coach_engine.scenarios import ScenarioBank
from coach_engine.settings import ConfigError, Settings


def test_offline_default_is_scripted(settings: Settings) -> None:
    voice = get_voice(settings, seed=3)
    assert isinstance(voice, ScriptedVoice) and voice.seed == 3
    assert isinstance(voice, BuyerVoice)
    assert voice.can_stream is False  # the page shows a scripted line whole


def test_llm_when_configured_with_an_injected_model() -> None:
    s = Settings(openai_base_url="http://127.0.0.1:9/v1")
    fake = FakeChatModel(default="Hm.")
    voice = get_voice(s, seed=1, chat_model=fake)
    assert isinstance(voice, LLMVoice) and voice.chat_model is fake
    assert isinstance(voice, BuyerVoice)
    assert voice.can_stream is True  # the voice itself says its words come in pieces


def test_llm_voice_builds_chat_openai_from_settings() -> None:
    s = Settings(openai_base_url="http://127.0.0.1:9/v1", chat_model="local-model")
    voice = get_voice(s)
    assert isinstance(voice, LLMVoice)
    assert voice.chat_model.model_name == "local-model"  # type: ignore[attr-defined]


def test_voice_llm_without_configuration_says_how_to_fix_it(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="OPENAI_BASE_URL"):
        get_voice(settings.model_copy(update={"voice": "llm"}))


def test_offline_setting_wins_over_a_configured_llm() -> None:
    s = Settings(openai_base_url="http://127.0.0.1:9/v1", voice="offline")
    assert isinstance(get_voice(s), ScriptedVoice)


def test_fallback_is_the_real_scripted_voice_for_the_same_seed(bank: ScenarioBank) -> None:
    scenario = bank.get("cfo-price-routing")
    s = Settings(openai_base_url="http://127.0.0.1:9/v1", llm_max_retries=0)
    voice = get_voice(s, seed=7, chat_model=FakeChatModel(replies=[timeout()]))
    history = [Turn(role="buyer", text=scenario.buyer.opening), Turn(role="rep", text="Why so high?")]
    situation = Situation(id="restate_objection", direction="Restate your objection.")
    line = voice.speak(scenario, BuyerState(), situation, history)
    assert line == ScriptedVoice(7).speak(scenario, BuyerState(), situation, history)
    assert voice.last_notice == "The AI buyer voice timed out; this line came from the offline voice."
