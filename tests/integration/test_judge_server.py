"""The LLM judge end to end: ChatOpenAI -> FakeOpenAI (as ``http_client``), function calling, fallback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from coach_engine.embeddings import CachedEmbedder
from coach_engine.fakes import BadToolCall, FakeOpenAI, HTTPError
from coach_engine.grading import LLMJudge, RubricGrader, get_grader
from coach_engine.llm import make_chat_model
from coach_engine.models import Scenario
from coach_engine.scenarios import ScenarioBank
from coach_engine.settings import Settings
from tests.unit.test_grading_checks import stub_detector
from tests.unit.test_grading_llm_judge import REPLY, verdict


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def scenario(bank: ScenarioBank) -> Scenario:
    return bank.get("cfo-price-routing")


def judge_for(server: FakeOpenAI, embedder: CachedEmbedder, **kw: object) -> LLMJudge:
    base: dict[str, object] = {"openai_base_url": server.base_url, "embedding_backend": "hash",
                               "llm_timeout": 3.0, "llm_max_retries": 1, "judge_model": "local-judge"}
    s = Settings(**(base | kw))
    grader = get_grader(s, embedder, chat_model=make_chat_model(s, "judge", http_client=server.http_client()))
    assert isinstance(grader, LLMJudge)
    grader.fallback = RubricGrader(embedder, detector=stub_detector)  # independent of detector tuning
    grader._sleep = lambda _: None
    return grader


def test_judge_over_http_uses_function_calling_and_verifies_quotes(
    server: FakeOpenAI, hash_embedder: CachedEmbedder, scenario: Scenario
) -> None:
    server.enqueue({"name": "JudgeVerdict", "args": verdict({
        "acknowledges-concern": "That's fair, Dana.",
        "open-question": "What's behind the budget number?",
        "explores-concern": "What's behind the budget number?",
        "quantifies-value": "cuts fuel 18%",  # not in the reply: must fail
    })})
    card = judge_for(server, hash_embedder).grade_reply(scenario, REPLY)
    assert card.grader == "llm:local-judge"
    assert len(server.chat_requests) == 1
    body = server.chat_requests[0]
    assert body["model"] == "local-judge"
    assert body["tools"][0]["function"]["name"] == "JudgeVerdict"
    assert "response_format" not in body  # local servers reject json_schema; function calling works
    assert body.get("max_tokens") and "max_completion_tokens" not in body
    assert "<transcript>" in body["messages"][-1]["content"]
    explore = card.skill("explore")
    assert explore.score == 5 and all(c.evidence[0].quote in REPLY for c in explore.checks)
    assert not next(c for c in card.skill("respond-value").checks if c.id == "quantifies-value").passed


def test_rate_limits_then_offline_fallback_over_http(
    server: FakeOpenAI, hash_embedder: CachedEmbedder, scenario: Scenario
) -> None:
    server.enqueue(HTTPError(429, "slow down", retry_after=0), HTTPError(429, "slow down", retry_after=0))
    card = judge_for(server, hash_embedder).grade_reply(scenario, REPLY)
    assert len(server.chat_requests) == 2
    assert card.grader == "offline"
    assert any("graded offline" in n and "429" in n for n in card.notes)


def test_bad_tool_arguments_are_retried_over_http(
    server: FakeOpenAI, hash_embedder: CachedEmbedder, scenario: Scenario
) -> None:
    good = verdict({"open-question": "What's behind the budget number?"})
    server.enqueue(BadToolCall("JudgeVerdict", '{"checks": [ {"check": '),
                   {"name": "JudgeVerdict", "args": good})
    card = judge_for(server, hash_embedder).grade_reply(scenario, REPLY)
    assert len(server.chat_requests) == 2
    assert card.grader == "llm:local-judge"
    assert next(c for c in card.skill("explore").checks if c.id == "open-question").passed
