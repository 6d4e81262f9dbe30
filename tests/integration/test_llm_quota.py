"""The per-user hourly limit on model calls (issue 14), counted in the real store.

Over the limit, a buyer turn is answered by the offline voice and a grading by the offline grader, at once
and with a notice that says when AI turns come back; the model is not called. The count is per user, rolls
over the hour, survives a new store on the same database (another app server), and a database fault never
costs the rep the turn.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coach_engine.buyer import BuyerState, Situation
from coach_engine.buyer.llm_voice import LLMVoice
from coach_engine.buyer.scripted import ScriptedVoice
from coach_engine.embeddings import CachedEmbedder
from coach_engine.fakes import FakeChatModel
from coach_engine.grading import LLMJudge, RubricGrader
from coach_engine.llm_quota import HourlyQuota
from coach_engine.models import Scenario, Turn
from coach_engine.scenarios import ScenarioBank
from coach_engine.settings import Settings
from coach_engine.store import SYSTEM, LlmUsage, Store, StoreError, User


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def reps(store: Store) -> tuple[User, User]:
    return (store.add_user(SYSTEM, "ana@example.com", "Ana", team="North"),
            store.add_user(SYSTEM, "ben@example.com", "Ben", team="North"))


@pytest.fixture
def llm() -> Settings:
    return Settings(openai_base_url="http://127.0.0.1:9/v1", llm_max_retries=0, embedding_backend="hash")


def test_the_limit_counts_per_user_and_rolls_over_the_hour(store: Store, reps: tuple[User, User],
                                                           db_url: str) -> None:
    ana, ben = reps
    clock = Clock()
    quota = HourlyQuota(LlmUsage(store), ana.id, limit=2, clock=clock)
    for _ in range(2):
        assert quota.wait() is None
        quota.record()
        clock.now += timedelta(minutes=10)
    wait = quota.wait()
    assert wait is not None and 35 * 60 <= wait <= 45 * 60  # the first call frees up at 10:00
    assert "2 AI turns" in quota.refusal_message(wait) and "40 min" in quota.refusal_message(wait)
    # Another person has their own count; another app server on the same database sees Ana's.
    assert HourlyQuota(LlmUsage(store), ben.id, limit=2, clock=clock).wait() is None
    other = Store.open(db_url)
    try:
        assert HourlyQuota(LlmUsage(other), ana.id, limit=2, clock=clock).wait() is not None
    finally:
        other.close()
    clock.now = datetime(2026, 3, 2, 10, 0, 1, tzinfo=UTC)
    assert quota.wait() is None  # the 9:00 call is over an hour old
    assert HourlyQuota(LlmUsage(store), ana.id, limit=0, clock=clock).wait() is None  # 0: no limit


def test_old_calls_are_pruned_when_new_ones_are_written(store: Store, reps: tuple[User, User]) -> None:
    ana, _ = reps
    usage = LlmUsage(store)
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    usage.record_call(ana.id, "voice", start)
    usage.record_call(ana.id, "voice", start + timedelta(days=2))
    assert usage.calls_since(ana.id, start - timedelta(days=1)) == [start + timedelta(days=2)]


class BrokenLedger:
    def calls_since(self, user_id: int, since: datetime) -> list[datetime]:
        raise StoreError("database is locked")

    def record_call(self, user_id: int, purpose: str, at: datetime) -> None:
        raise StoreError("database is locked")


def test_a_database_fault_lets_the_call_through() -> None:
    quota = HourlyQuota(BrokenLedger(), 1, limit=1)
    assert quota.wait() is None
    quota.record()  # logged, not raised


@pytest.fixture
def scenario(bank: ScenarioBank) -> Scenario:
    return bank.get("cfo-price-routing")


def test_over_the_limit_the_offline_voice_answers_without_calling_the_model(
        store: Store, reps: tuple[User, User], llm: Settings, scenario: Scenario) -> None:
    ana, _ = reps
    fake = FakeChatModel(default="Fine, go on. What would that look like for us?")
    quota = HourlyQuota(LlmUsage(store), ana.id, limit=2, purpose="voice")
    voice = LLMVoice(fake, llm, fallback=ScriptedVoice(0), quota=quota)
    history = [Turn(role="buyer", text=scenario.buyer.opening), Turn(role="rep", text="What's behind it?")]
    situation = Situation(id="probe_deflect", facts={})
    for _ in range(2):
        voice.speak(scenario, BuyerState(), situation, history)
        assert voice.last_notice is None
    line = voice.speak(scenario, BuyerState(), situation, history)
    assert fake.call_count == 2  # the third turn never reached the model
    assert line.strip() and line != "Fine, go on. What would that look like for us?"
    assert voice.last_notice is not None
    assert "hour's 2 AI turns" in voice.last_notice and "offline voice" in voice.last_notice
    streamed = "".join(voice.stream(scenario, BuyerState(), situation, history))
    assert streamed.strip() and fake.call_count == 2 and "AI turns come back" in (voice.last_notice or "")


def test_over_the_limit_the_offline_grader_scores_with_a_note(
        store: Store, reps: tuple[User, User], llm: Settings, scenario: Scenario,
        hash_embedder: CachedEmbedder) -> None:
    ana, _ = reps
    usage = LlmUsage(store)
    usage.record_call(ana.id, "voice", datetime.now(UTC))
    fake = FakeChatModel(default="{}")
    judge = LLMJudge(fake, llm, fallback=RubricGrader(hash_embedder),
                     quota=HourlyQuota(usage, ana.id, limit=1, purpose="judge"))
    card = judge.grade_reply(scenario, "That's fair. What's behind the number for you?")
    assert fake.call_count == 0
    assert card.grader == "offline"
    assert any("AI turns" in n and "graded offline" in n for n in card.notes), card.notes
