"""make_chat_model, with_retries, structured and offline token counts: no network, no real OpenAI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage
from pydantic import BaseModel

from coach_engine.fakes import FakeChatModel, connection_error, malformed, rate_limit, server_error, timeout
from coach_engine.llm import (
    LLMError,
    MalformedReplyError,
    classify_error,
    is_openai_host,
    make_chat_model,
    structured,
    token_limit_kwargs,
    with_retries,
)
from coach_engine.settings import ConfigError, Settings
from coach_engine.tokens import count_chat_tokens, count_tokens, pieces


def test_importing_the_llm_modules_builds_no_client() -> None:
    code = (
        "import sys, coach_engine.llm, coach_engine.buyer.voices, coach_engine.buyer.llm_voice, "
        "coach_engine.llm_classifier, coach_engine.tokens\n"
        "print('langchain_openai' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_make_chat_model_needs_a_key_or_base_url(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        make_chat_model(settings, "voice")


def test_local_server_gets_max_tokens_and_a_placeholder_key() -> None:
    s = Settings(openai_base_url="http://127.0.0.1:9/v1", llm_timeout=3.5, chat_model="local-voice")
    model = make_chat_model(s, "voice")
    assert model.openai_api_base == "http://127.0.0.1:9/v1"  # type: ignore[attr-defined]
    assert model.request_timeout == 3.5  # type: ignore[attr-defined]
    assert model.max_retries == 0  # type: ignore[attr-defined]
    payload = model._get_request_payload([HumanMessage("hi")])  # type: ignore[attr-defined]
    assert payload["model"] == "local-voice"
    assert payload["extra_body"] == {"max_tokens": 220}
    assert "max_completion_tokens" not in payload and "max_tokens" not in payload
    assert model.openai_api_key.get_secret_value() == "not-needed"  # type: ignore[attr-defined]


def test_openai_gets_max_completion_tokens_only() -> None:
    s = Settings(openai_api_key="sk-test-123456", judge_model="gpt-4o-mini")
    model = make_chat_model(s, "judge")
    payload = model._get_request_payload([HumanMessage("hi")])  # type: ignore[attr-defined]
    assert payload["max_completion_tokens"] == 1200
    assert "max_tokens" not in payload and "extra_body" not in payload
    assert payload["temperature"] == 0.0


@pytest.mark.parametrize(
    ("url", "openai"),
    [(None, True), ("https://api.openai.com/v1", True), ("https://x.openai.azure.com/openai", True),
     ("http://127.0.0.1:8080/v1", False), ("http://localhost:11434/v1", False)],
)
def test_which_hosts_are_openai(url: str | None, openai: bool) -> None:
    assert is_openai_host(url) is openai
    assert ("max_tokens" in token_limit_kwargs(url, 10)) is openai


def _flaky(*items: object) -> FakeChatModel:
    return FakeChatModel(replies=list(items))


def test_with_retries_backs_off_then_succeeds() -> None:
    fake = _flaky(timeout(), rate_limit(), server_error(), "fine")
    waits: list[float] = []
    s = Settings(openai_base_url="http://x/v1", llm_max_retries=3)
    assert with_retries(lambda: fake.invoke("hi").content, s, sleep=waits.append) == "fine"
    assert waits == [0.5, 1.0, 2.0]
    assert fake.call_count == 4


def test_with_retries_honours_retry_after_capped() -> None:
    fake = _flaky(rate_limit(retry_after=3), rate_limit(retry_after=60), "ok")
    waits: list[float] = []
    s = Settings(openai_base_url="http://x/v1", llm_max_retries=2)
    with_retries(lambda: fake.invoke("hi"), s, sleep=waits.append)
    assert waits == [3.0, 8.0]


@pytest.mark.parametrize(
    ("make", "kind", "words"),
    [(timeout, "timeout", "timed out"), (rate_limit, "rate_limit", "429"),
     (connection_error, "connection", "Could not reach"), (server_error, "server", "failed")],
)
def test_with_retries_gives_up_with_a_clear_llm_error(make: object, kind: str, words: str) -> None:
    fake = FakeChatModel(replies=[make() for _ in range(3)])  # type: ignore[operator]
    s = Settings(openai_base_url="http://127.0.0.1:1/v1", llm_max_retries=2)
    with pytest.raises(LLMError) as info:
        with_retries(lambda: fake.invoke("hi"), s, sleep=lambda _: None)
    assert info.value.kind == kind and info.value.attempts == 3
    assert words in str(info.value) and "3 tries" in str(info.value)
    assert fake.call_count == 3


def test_bugs_are_not_retried_or_wrapped() -> None:
    calls = []

    def boom() -> None:
        calls.append(1)
        raise KeyError("bug")

    with pytest.raises(KeyError):
        with_retries(boom, Settings(openai_base_url="http://x/v1"), sleep=lambda _: None)
    assert calls == [1]


class Verdict(BaseModel):
    passed: bool
    quote: str


def test_structured_uses_function_calling_and_parses() -> None:
    fake = FakeChatModel(replies=[{"passed": True, "quote": "fair point"}])
    out = structured(fake, Verdict)([HumanMessage("judge this")])
    assert out == Verdict(passed=True, quote="fair point")
    tools = fake.call_kwargs[0]["tools"]
    assert tools[0]["function"]["name"] == "Verdict"
    assert fake.call_kwargs[0]["tool_choice"] == "any"


@pytest.mark.parametrize("reply", [malformed(), "just text, no tool call", {"passed": "maybe?", "quote": 3}])
def test_structured_turns_bad_replies_into_malformed(reply: object) -> None:
    fake = FakeChatModel(replies=[reply])
    with pytest.raises(MalformedReplyError):
        structured(fake, Verdict)([HumanMessage("judge this")])
    assert classify_error(MalformedReplyError("x")) == "malformed"


def test_structured_malformed_is_retried_then_reported() -> None:
    fake = FakeChatModel(replies=[malformed(), {"passed": False, "quote": "x"}])
    call = structured(fake, Verdict)
    s = Settings(openai_base_url="http://x/v1")
    assert with_retries(lambda: call("q"), s, sleep=lambda _: None).passed is False
    fake.enqueue(malformed(), malformed(), malformed())
    with pytest.raises(LLMError, match="could not be read") as info:
        with_retries(lambda: call("q"), s, sleep=lambda _: None)
    assert info.value.what_went_wrong == "sent a reply that could not be read"


def test_token_counts_are_offline_and_exact_cl100k_counts() -> None:
    # Published cl100k counts: "Hello world" = 2, the pangram = 10; the file ships, nothing is fetched.
    assert count_tokens("Hello world") == 2
    assert count_tokens("The quick brown fox jumps over the lazy dog.") == 10
    assert pieces("$48,000 a year") == ["$", "48", ",", "000", " a", " year"]
    assert count_tokens("") == 0
    assert count_tokens("antidisestablishmentarianism") == 6
    msgs = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hello world"}]
    assert count_chat_tokens(msgs) == 3 + (3 + 1 + 3) + (3 + 1 + 2)


def test_a_damaged_bpe_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from coach_engine import tokens

    bad = tmp_path / "cl100k_base.tiktoken"
    bad.write_bytes(tokens.BPE_PATH.read_bytes()[:-40])
    monkeypatch.setattr(tokens, "BPE_PATH", bad)
    tokens._encoding.cache_clear()
    try:
        with pytest.raises(ValueError, match="SHA-256"):
            tokens.count_tokens("Hello world")
    finally:
        tokens._encoding.cache_clear()
