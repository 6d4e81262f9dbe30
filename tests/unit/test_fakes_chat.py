"""FakeChatModel: the queue, recording, tool calls, structured output, streaming and scripted failures."""

from __future__ import annotations

import openai
import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from pydantic import BaseModel

from coach_engine.fakes import (
    FakeChatModel,
    FakeQueueEmpty,
    malformed,
    midstream_failure,
    rate_limit,
    server_error,
    timeout,
)


class Claim(BaseModel):
    behaviour: str
    quote: str


def test_replies_in_order_and_records_messages() -> None:
    fake = FakeChatModel(replies=["one", "two"])
    assert fake.invoke([SystemMessage("sys"), HumanMessage("hi")]).content == "one"
    assert fake.invoke("again").content == "two"
    assert fake.call_count == 2
    assert [m.content for m in fake.calls[0]] == ["sys", "hi"]
    assert fake.last_prompt_text() == "again"
    assert fake.prompt_tokens[0] > 0


def test_empty_queue_raises_or_uses_default() -> None:
    with pytest.raises(FakeQueueEmpty):
        FakeChatModel().invoke("hi")
    assert FakeChatModel(default="fallback").invoke("hi").content == "fallback"


def test_enqueue_and_callable_replies() -> None:
    fake = FakeChatModel().enqueue(lambda messages, kwargs: f"you said {messages[-1].content}")
    assert fake.invoke("ping").content == "you said ping"


def test_tool_calls_and_bind_tools_records_the_schema() -> None:
    fake = FakeChatModel(replies=[{"name": "Claim", "args": {"behaviour": "acknowledge", "quote": "fair"}}])
    bound = fake.bind_tools([Claim])
    msg = bound.invoke("label")
    assert isinstance(msg, AIMessage)
    assert msg.tool_calls[0]["name"] == "Claim"
    assert msg.tool_calls[0]["args"] == {"behaviour": "acknowledge", "quote": "fair"}
    assert fake.call_kwargs[0]["tools"][0]["function"]["name"] == "Claim"


def test_with_structured_output_function_calling() -> None:
    fake = FakeChatModel(replies=[{"behaviour": "confirm", "quote": "does that help?"}])
    out = fake.with_structured_output(Claim, method="function_calling").invoke("label")
    assert out == Claim(behaviour="confirm", quote="does that help?")


def test_malformed_tool_call_is_an_invalid_tool_call() -> None:
    fake = FakeChatModel(replies=[malformed()])
    raw = fake.with_structured_output(Claim, method="function_calling", include_raw=True).invoke("x")
    assert raw["parsed"] is None  # type: ignore[index]
    assert raw["raw"].invalid_tool_calls  # type: ignore[index]
    text = FakeChatModel(replies=[malformed()]).invoke("x").content
    assert isinstance(text, str) and text.startswith("{")


@pytest.mark.parametrize(
    ("item", "error"),
    [(timeout(), openai.APITimeoutError), (rate_limit(), openai.RateLimitError),
     (server_error(503), openai.InternalServerError), (ValueError, ValueError)],
)
def test_scripted_failures_raise_the_real_errors(item: object, error: type[Exception]) -> None:
    fake = FakeChatModel(replies=[item, "recovered"])
    with pytest.raises(error):
        fake.invoke("hi")
    assert fake.invoke("hi").content == "recovered"


def test_streaming_word_by_word() -> None:
    fake = FakeChatModel(replies=["Well, that depends on the board."])
    pieces = [c.content for c in fake.stream("hi") if c.content]
    assert len(pieces) == 6
    assert "".join(pieces) == "Well, that depends on the board."  # type: ignore[arg-type]


def test_streaming_tool_calls_reassemble() -> None:
    fake = FakeChatModel(replies=[{"behaviour": "next_step", "quote": "Tuesday at 10"}])
    out = fake.with_structured_output(Claim, method="function_calling")
    assert list(out.stream("x"))[-1] == Claim(behaviour="next_step", quote="Tuesday at 10")


def test_midstream_failure_streams_then_raises() -> None:
    fake = FakeChatModel(replies=[midstream_failure("I was just about")])
    got: list[str] = []
    with pytest.raises(openai.APITimeoutError):
        for chunk in fake.stream("hi"):
            got.append(str(chunk.content))
    assert "".join(got) == "I was just about"
    with pytest.raises(openai.APITimeoutError):
        FakeChatModel(replies=[midstream_failure("x")]).invoke("hi")
