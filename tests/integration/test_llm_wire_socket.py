"""The one test of the real wire: ChatOpenAI over a socket to OpenAICompatServer, no injected ``http_client``.

Every other LLM test injects ``FakeOpenAI.http_client()`` (an in-process
transport); this file proves the path they skip: the openai client's own
connection pool, SSE in HTTP chunks, a timeout on a real read, a refused port.
"""

from __future__ import annotations

import time

import pytest
from langchain_core.messages import HumanMessage
from pydantic import BaseModel

from coach_engine.fakes.openai_server import Delayed, HTTPError, OpenAICompatServer
from coach_engine.llm import LLMError, make_chat_model, structured, with_retries
from coach_engine.settings import Settings


class Verdict(BaseModel):
    passed: bool
    quote: str


def test_chat_openai_over_a_real_socket() -> None:
    with OpenAICompatServer() as a, OpenAICompatServer() as b:
        assert a.base_url.startswith("http://127.0.0.1:") and a.port != b.port
        s = Settings(openai_base_url=a.base_url, llm_timeout=0.3, llm_max_retries=1)
        model = make_chat_model(s, "voice")
        a.enqueue("Fine. Go on.", "One two three four.", HTTPError(429, retry_after=0), "after the 429")
        assert model.invoke([HumanMessage("hi")]).content == "Fine. Go on."
        assert "".join(str(c.content) for c in model.stream("hi")) == "One two three four."
        assert with_retries(lambda: model.invoke("hi").content, s, sleep=lambda _: None) == "after the 429"
        a.enqueue({"name": "Verdict", "args": {"passed": True, "quote": "fair"}})
        assert structured(make_chat_model(s, "judge"), Verdict)("q") == Verdict(passed=True, quote="fair")
        assert a.chat_requests[0]["max_tokens"] == 220 and a.chat_requests[1]["stream"] is True
        a.enqueue(Delayed(5), Delayed(5))
        t0 = time.perf_counter()
        with pytest.raises(LLMError) as info:
            with_retries(lambda: model.invoke("hi"), s, sleep=lambda _: None)
        assert info.value.kind == "timeout" and time.perf_counter() - t0 < 5
        closed = b.base_url
    down = make_chat_model(Settings(openai_base_url=closed, llm_timeout=1.0), "voice")
    with pytest.raises(LLMError) as info:
        with_retries(lambda: down.invoke("hi"), Settings(openai_base_url=closed, llm_max_retries=0))
    assert info.value.kind == "connection"
