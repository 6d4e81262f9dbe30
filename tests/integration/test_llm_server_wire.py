"""FakeOpenAI speaks the OpenAI wire format to the openai client and to ChatOpenAI, as their ``http_client``.

No socket: the one real-socket test is ``test_llm_wire_socket.py``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import openai
import pytest
from langchain_core.messages import HumanMessage
from pydantic import BaseModel

from coach_engine.fakes import BadToolCall, Delayed, FakeOpenAI, HTTPError, Reply, Unreachable
from coach_engine.llm import LLMError, make_chat_model, structured, with_retries
from coach_engine.settings import Settings


class Verdict(BaseModel):
    passed: bool
    quote: str


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


def client(server: FakeOpenAI, timeout: float = 5.0) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url, api_key="x", timeout=timeout, max_retries=0,
                         http_client=server.http_client())


def test_each_fake_has_its_own_base_url() -> None:
    a, b = FakeOpenAI(), FakeOpenAI()
    assert a.base_url.endswith("/v1") and a.base_url != b.base_url  # so shared circuit breakers never mix


def test_models_and_embeddings(server: FakeOpenAI) -> None:
    c = client(server)
    assert [m.id for m in c.models.list()] == ["fake-local-model"]
    resp = c.embeddings.create(model="e", input=["a rep line", "another"], dimensions=64)
    assert len(resp.data) == 2 and len(resp.data[0].embedding) == 64
    again = c.embeddings.create(model="e", input="a rep line", dimensions=64)
    assert again.data[0].embedding == resp.data[0].embedding  # deterministic
    assert resp.usage.prompt_tokens > 0


def test_chat_reply_with_usage_and_recorded_request(server: FakeOpenAI) -> None:
    server.enqueue("Fine. Go on.")
    resp = client(server).chat.completions.create(
        model="m", messages=[{"role": "user", "content": "Hello world"}], max_tokens=50)
    assert resp.choices[0].message.content == "Fine. Go on."
    assert resp.choices[0].finish_reason == "stop"
    assert resp.usage is not None and resp.usage.prompt_tokens == 3 + 3 + 1 + 2
    assert server.chat_requests[0]["max_tokens"] == 50


def test_streaming_sse_with_usage(server: FakeOpenAI) -> None:
    server.enqueue("One two three four.")
    stream = client(server).chat.completions.create(
        model="m", messages=[{"role": "user", "content": "hi"}], stream=True,
        stream_options={"include_usage": True})
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "One two three four."
    assert sum(1 for c in chunks if c.choices and c.choices[0].delta.content) == 4
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == 5


def test_tool_calls_non_streaming_and_streaming_through_chat_openai(server: FakeOpenAI) -> None:
    s = Settings(openai_base_url=server.base_url)
    model = make_chat_model(s, "judge", http_client=server.http_client())
    server.enqueue({"name": "Verdict", "args": {"passed": True, "quote": "fair point"}})
    assert structured(model, Verdict)([HumanMessage("judge")]) == Verdict(passed=True, quote="fair point")
    body = server.chat_requests[-1]
    assert body["tools"][0]["function"]["name"] == "Verdict"
    assert body["tool_choice"] in ("required", "any") or body["tool_choice"]["type"] == "function"
    assert "response_format" not in body  # function calling, not json_schema
    assert body["max_tokens"] == 1200  # sent through extra_body: what llama.cpp reads
    assert "max_completion_tokens" not in body

    args = {"passed": False, "quote": "a longer quote here"}
    server.enqueue(Reply(tool_calls=[{"name": "Verdict", "args": args}]))
    merged = None
    for chunk in model.bind_tools([Verdict]).stream("judge"):
        merged = chunk if merged is None else merged + chunk
    assert merged is not None
    assert merged.tool_calls[0]["args"] == args  # type: ignore[attr-defined]


def test_errors_retry_and_timeouts(server: FakeOpenAI) -> None:
    s = Settings(openai_base_url=server.base_url, llm_timeout=0.3, llm_max_retries=1)
    model = make_chat_model(s, "voice", http_client=server.http_client())
    waits: list[float] = []
    server.enqueue(HTTPError(429, retry_after=0.01), "after the 429")
    assert with_retries(lambda: model.invoke("hi").content, s, sleep=waits.append) == "after the 429"
    assert waits == [0.5]
    server.enqueue(HTTPError(500), HTTPError(503))
    with pytest.raises(LLMError) as info:
        with_retries(lambda: model.invoke("hi"), s, sleep=lambda _: None)
    assert info.value.kind == "server"
    t0 = time.perf_counter()
    server.enqueue(Delayed(5), Delayed(5))
    with pytest.raises(LLMError) as info:
        with_retries(lambda: model.invoke("hi"), s, sleep=lambda _: None)
    assert info.value.kind == "timeout" and time.perf_counter() - t0 < 5  # never waited for the 5 s reply
    server.enqueue(BadToolCall("Verdict"), BadToolCall("Verdict"))
    with pytest.raises(LLMError) as info:
        with_retries(lambda: structured(model, Verdict)("q"), s, sleep=lambda _: None)
    assert info.value.kind == "malformed"
    server.enqueue(Unreachable())
    with pytest.raises(LLMError) as info:
        with_retries(lambda: model.invoke("hi"), s.model_copy(update={"llm_max_retries": 0}))
    assert info.value.kind == "connection"


def test_responder_and_default(server: FakeOpenAI) -> None:
    server.responder = lambda body: f"echo: {body['messages'][-1]['content']}"
    c = client(server)
    out = c.chat.completions.create(model="m", messages=[{"role": "user", "content": "ping"}])
    assert out.choices[0].message.content == "echo: ping"
    server.responder = None
    out = c.chat.completions.create(model="m", messages=[{"role": "user", "content": "ping"}])
    assert out.choices[0].message.content == "Okay."


def test_unknown_route_is_404(server: FakeOpenAI) -> None:
    with pytest.raises(openai.NotFoundError):
        client(server).completions.create(model="m", prompt="x")
