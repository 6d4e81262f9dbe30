"""The LLM voice and classifier through ChatOpenAI with FakeOpenAI as ``http_client``, and a whole drill."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from coach_engine.buyer import BuyerState, Situation
from coach_engine.buyer.llm_voice import LLMVoice
from coach_engine.buyer.scripted import ScriptedVoice
from coach_engine.buyer.voices import get_voice
from coach_engine.embeddings import CachedEmbedder
from coach_engine.fakes import BadToolCall, Delayed, FakeOpenAI, HTTPError, Unreachable
from coach_engine.llm import make_chat_model
from coach_engine.llm_classifier import LLMBehaviourClassifier
from coach_engine.models import Scenario, Turn
from coach_engine.scenarios import ScenarioBank
from coach_engine.session import DrillSession
from coach_engine.settings import Settings
from coach_engine.signals import Behaviour, SignalContext

PROBE = Situation(id="probe_deflect", direction="Answer briefly but keep the real reason to yourself.")


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def scenario(bank: ScenarioBank) -> Scenario:
    return bank.get("cfo-price-routing")


def settings_for(server: FakeOpenAI, **kw: object) -> Settings:
    base: dict[str, object] = {"openai_base_url": server.base_url, "embedding_backend": "hash",
                               "llm_timeout": 2.0, "llm_max_retries": 1}
    return Settings(**(base | kw))


def history(scenario: Scenario) -> list[Turn]:
    return [Turn(role="buyer", text=scenario.buyer.opening),
            Turn(role="rep", text="What's behind the number?")]


def llm_voice(s: Settings, server: FakeOpenAI, seed: int = 0) -> LLMVoice:
    voice = get_voice(s, seed=seed, chat_model=make_chat_model(s, "voice", http_client=server.http_client()))
    assert isinstance(voice, LLMVoice)
    return voice


def voice_for(s: Settings, server: FakeOpenAI, seed: int = 0) -> LLMVoice:
    voice = llm_voice(s, server, seed)
    voice._sleep = lambda _: None  # no real backoff waits in tests
    return voice


def test_speak_over_http_sends_a_small_prompt_with_local_token_limits(
    server: FakeOpenAI, scenario: Scenario
) -> None:
    server.enqueue("We set that number in January and I'm not moving it lightly.")
    s = settings_for(server, chat_model="local-voice")
    voice = llm_voice(s, server)
    line = voice.speak(scenario, BuyerState(), PROBE, history(scenario))
    assert line == "We set that number in January and I'm not moving it lightly."
    assert voice.last_notice is None
    (body,) = server.chat_requests
    assert body["model"] == "local-voice" and body["max_tokens"] == 220
    assert "max_completion_tokens" not in body and not body.get("stream")
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert scenario.buyer.hidden_concern.strip() not in str(body["messages"])


def test_stream_over_http_yields_server_chunks(server: FakeOpenAI, scenario: Scenario) -> None:
    text = "Look, I hear you. But the board will still ask me where the money comes from, and fast."
    server.enqueue(text)
    voice = llm_voice(settings_for(server), server)
    pieces = list(voice.stream(scenario, BuyerState(), PROBE, history(scenario)))
    assert "".join(pieces) == text and len(pieces) > 5
    assert server.chat_requests[0]["stream"] is True


def test_429_then_success_is_retried(server: FakeOpenAI, scenario: Scenario) -> None:
    server.enqueue(HTTPError(429, "slow down", retry_after=0), "All right, go on.")
    voice = voice_for(settings_for(server), server)
    assert voice.speak(scenario, BuyerState(), PROBE, history(scenario)) == "All right, go on."
    assert voice.last_notice is None
    assert len(server.chat_requests) == 2


def test_stream_429_then_success(server: FakeOpenAI, scenario: Scenario) -> None:
    server.enqueue(HTTPError(429), "Fine, keep going then, I am listening.")
    voice = voice_for(settings_for(server), server)
    out = "".join(voice.stream(scenario, BuyerState(), PROBE, history(scenario)))
    assert out == "Fine, keep going then, I am listening." and len(server.chat_requests) == 2


@pytest.mark.parametrize("streaming", [False, True])
def test_delay_beyond_timeout_falls_back_to_the_scripted_voice(
    server: FakeOpenAI, scenario: Scenario, streaming: bool
) -> None:
    server.enqueue(Delayed(5, "too late"), Delayed(5, "too late"))
    s = settings_for(server, llm_timeout=0.3, llm_max_retries=1)
    voice = voice_for(s, server, seed=4)
    t0 = time.perf_counter()
    if streaming:
        line = "".join(voice.stream(scenario, BuyerState(), PROBE, history(scenario)))
    else:
        line = voice.speak(scenario, BuyerState(), PROBE, history(scenario))
    assert time.perf_counter() - t0 < 5  # gave up before the 5 s reply: the timeout was honoured
    assert line == ScriptedVoice(4).speak(scenario, BuyerState(), PROBE, history(scenario))
    assert voice.last_notice == "The AI buyer voice timed out; this line came from the offline voice."
    assert len(server.chat_requests) == 2


def test_server_down_still_gives_a_line(server: FakeOpenAI, scenario: Scenario) -> None:
    server.default = Unreachable()
    voice = llm_voice(settings_for(server, llm_max_retries=0), server)
    line = voice.speak(scenario, BuyerState(), PROBE, history(scenario))
    assert line and voice.last_notice == (
        "The AI buyer voice could not be reached; this line came from the offline voice.")


def test_classifier_tool_calls_over_http(server: FakeOpenAI, scenario: Scenario) -> None:
    text = "That's fair. What's driving the budget cap this year?"
    server.enqueue({"name": "RepBehaviours", "args": {"behaviours": [
        {"behaviour": "acknowledge", "quote": "That's fair."},
        {"behaviour": "explore_concern", "quote": "What's driving the budget cap this year?"},
        {"behaviour": "give_proof", "quote": "Hartley Freight saved $210k"},
    ]}})
    s = settings_for(server)
    model = make_chat_model(s, "judge", http_client=server.http_client())
    clf = LLMBehaviourClassifier(model, s, sleep=lambda _: None)
    ctx = SignalContext(scenario=scenario, history=[Turn(role="buyer", text=scenario.buyer.opening)])
    got = clf.classify(text, ctx)
    assert [x.behaviour for x in got] == [Behaviour.ACKNOWLEDGE, Behaviour.EXPLORE_CONCERN]
    body = server.chat_requests[-1]
    assert body["tools"][0]["function"]["name"] == "RepBehaviours" and "response_format" not in body
    server.enqueue(BadToolCall("RepBehaviours"), BadToolCall("RepBehaviours"))
    assert clf.classify(text, ctx) == [] and clf.last_error is not None


REP_LINES = [
    "I hear you, that's a real number. Before I defend it, what made it feel high?",
    "What happened with the last software purchase that makes the board cautious?",
    "So the board wants proof before it commits again. What would they need to see?",
    "Hartley Freight runs 60 trucks and took $210k off its costs in a year, most of it fuel.",
    "For you that's fuel spend down 12-18% in the first quarter. Does that help?",
    "What if we started with a paid pilot on 20 trucks the board can stop any time?",
    "Apart from the board, what else could get in the way of a pilot?",
    "Can I get half an hour with your controller on Thursday to plan it out?",
    "Should anyone else join that call?",
    "Great, I'll send a short agenda after this call.",
]


def test_a_drill_in_llm_mode_costs_one_call_per_turn_and_fits_the_budget(
    server: FakeOpenAI, scenario: Scenario, hash_embedder: CachedEmbedder
) -> None:
    server.responder = lambda body: "Hmm. Go on, but I'm still not convinced about this."
    s = settings_for(server)
    session = DrillSession(scenario.model_copy(update={"max_turns": 12}), embedder=hash_embedder,
                           voice=llm_voice(s, server))
    session.start()
    turns = 0
    for line in REP_LINES:
        if session.finished:
            break
        reply = session.rep_says(line)
        turns += 1
        assert reply.turn.text and reply.notice is None
    assert len(server.chat_requests) == turns  # the opening costs no call; one call per buyer turn
    tokens = server.prompt_tokens()
    assert max(tokens) <= 2000, tokens
    assert all(len(b["messages"]) <= 8 for b in server.chat_requests)
