"""Credentials inside the LLM server's URL never reach a page, a notice or a scorecard note (issue 14)."""

from __future__ import annotations

from coach_engine.llm import describe_failure, endpoint, masked
from coach_engine.settings import Settings


def test_userinfo_and_secret_query_values_are_masked() -> None:
    assert masked("https://bob:sk-live-123@proxy.example.com/v1") == "https://***@proxy.example.com/v1"
    assert masked("http://localhost:8000/v1?api_key=abc&team=7") == "http://localhost:8000/v1?api_key=***&team=7"
    assert masked("http://h/v1?x=1&access_token=zz#f") == "http://h/v1?x=1&access_token=***#f"
    assert masked("http://localhost:8000/v1") == "http://localhost:8000/v1"


def test_messages_name_the_server_without_its_secrets() -> None:
    s = Settings(openai_base_url="https://bob:sk-live-123@proxy.example.com/v1?key=k1")
    assert "sk-live-123" not in endpoint(s) and "k1" not in endpoint(s)
    error = ConnectionError("failed to reach https://bob:sk-live-123@proxy.example.com/v1/chat?key=k1")
    message = describe_failure("connection", error, s, 3)
    assert "proxy.example.com" in message and "sk-live-123" not in message and "k1" not in message
