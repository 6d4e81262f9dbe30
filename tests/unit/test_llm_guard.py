"""llm_guard: a deadline bounds a whole call (a hang, a drip), and the circuit breaker skips a dead model."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from coach_engine.fakes import FakeChatModel, server_error, timeout
from coach_engine.llm import LLMError, with_retries
from coach_engine.llm_guard import (
    CircuitBreaker,
    Deadline,
    DeadlineExceeded,
    breaker_for,
    reset_breakers,
    run_within,
    stream_within,
)
from coach_engine.settings import Settings


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_deadline_counts_down_to_zero() -> None:
    clock = Clock()
    d = Deadline(2.0, clock)
    assert d.remaining() == 2.0 and not d.expired
    clock.now += 1.5
    assert d.remaining() == pytest.approx(0.5)
    clock.now += 5
    assert d.remaining() == 0.0 and d.expired


def test_run_within_returns_raises_or_gives_up_at_the_deadline() -> None:
    assert run_within(lambda: 42, Deadline(1.0)) == 42
    with pytest.raises(KeyError):
        run_within(lambda: {}["x"], Deadline(1.0))
    release = threading.Event()
    t0 = time.perf_counter()
    with pytest.raises(DeadlineExceeded):
        run_within(lambda: release.wait(10), Deadline(0.2))
    assert time.perf_counter() - t0 < 1.0
    release.set()


def test_stream_within_stops_a_drip_at_the_deadline() -> None:
    closed = threading.Event()

    def drip() -> Iterator[str]:
        try:
            for i in range(100):
                time.sleep(0.05)
                yield f"w{i} "
        finally:
            closed.set()

    got: list[str] = []
    t0 = time.perf_counter()
    with pytest.raises(DeadlineExceeded):
        for piece in stream_within(drip, Deadline(0.4)):
            got.append(piece)
    assert time.perf_counter() - t0 < 1.0  # every read was quick; the deadline still held
    assert 2 <= len(got) < 20
    assert closed.wait(1.0), "the abandoned stream is closed by its worker"


def test_stream_within_passes_items_and_errors_through() -> None:
    assert list(stream_within(lambda: iter(["a", "b"]), Deadline(1.0))) == ["a", "b"]

    def broken() -> Iterator[str]:
        yield "a"
        raise ConnectionError("dropped")

    out: list[str] = []
    with pytest.raises(ConnectionError):
        for piece in stream_within(broken, Deadline(1.0)):
            out.append(piece)
    assert out == ["a"]


def test_breaker_opens_after_n_failures_then_lets_one_trial_through() -> None:
    clock = Clock()
    b = CircuitBreaker(failures=2, cooldown=30, clock=clock)
    assert b.allow() and b.state == "closed"
    assert b.record_failure() is False
    assert b.record_failure() is True  # the second failure in a row opens it
    assert b.state == "open" and not b.allow() and b.retry_in() == 30
    clock.now += 31
    assert b.state == "half_open"
    assert b.allow() is True  # the trial
    assert b.allow() is False  # only one
    assert b.state == "open"
    assert b.record_failure() is True  # the trial failed: open again, a fresh cool-down
    assert not b.allow() and b.retry_in() == 30
    clock.now += 31
    assert b.allow()
    b.record_success()
    assert b.state == "closed" and b.streak == 0 and b.allow()


def test_a_success_resets_the_streak() -> None:
    b = CircuitBreaker(failures=2, cooldown=30)
    b.record_failure()
    b.record_success()
    assert b.record_failure() is False and b.state == "closed"


def test_breakers_are_shared_per_purpose_endpoint_and_model() -> None:
    reset_breakers()
    s = Settings(openai_base_url="http://127.0.0.1:9/v1", llm_breaker_failures=4, llm_breaker_cooldown=5)
    voice = breaker_for(s, "voice")
    assert breaker_for(s, "voice") is voice and voice.failures == 4 and voice.cooldown == 5
    assert breaker_for(s, "judge") is not voice
    other = s.model_copy(update={"openai_base_url": "http://127.0.0.1:10/v1"})
    assert breaker_for(other, "voice") is not voice
    reset_breakers()
    assert breaker_for(s, "voice") is not voice


def test_with_retries_stops_at_the_deadline_not_after_every_try() -> None:
    fake = FakeChatModel(replies=[timeout()] * 5, delay=0.3)
    s = Settings(openai_base_url="http://x/v1", llm_max_retries=4)
    t0 = time.perf_counter()
    with pytest.raises(LLMError) as info:
        with_retries(lambda: fake.invoke("hi"), s, deadline=Deadline(0.5))
    assert time.perf_counter() - t0 < 1.2
    assert info.value.kind == "timeout" and fake.call_count <= 2


def test_with_retries_reports_to_the_breaker_and_is_refused_while_open() -> None:
    b = CircuitBreaker(failures=1, cooldown=60)
    fake = FakeChatModel(replies=[server_error()])
    s = Settings(openai_base_url="http://x/v1", llm_max_retries=0)
    with pytest.raises(LLMError):
        with_retries(lambda: fake.invoke("hi"), s, breaker=b)
    assert b.state == "open"
    with pytest.raises(LLMError) as info:
        with_retries(lambda: fake.invoke("hi"), s, breaker=b)
    assert info.value.kind == "unavailable" and "paused" in str(info.value)
    assert fake.call_count == 1  # the open breaker never called the model


def test_a_trial_that_never_reports_back_does_not_close_the_model_off_for_good() -> None:
    clock = Clock()
    b = CircuitBreaker(failures=1, cooldown=10, clock=clock)
    b.record_failure()
    clock.now += 11
    assert b.allow()  # the trial starts, and its caller goes away (an abandoned stream)
    clock.now += 5
    assert not b.allow()
    clock.now += 6
    assert b.allow()  # another trial
