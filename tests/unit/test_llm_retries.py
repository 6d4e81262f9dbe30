"""``with_retries``: tenacity runs the loop, our policy decides it (issue 16 swapped the hand-written loop).

Each test pins one rule a rep would feel: a bad reply is tried again after a doubling wait, a bug is never
retried or dressed up as a model failure, a failure that retrying cannot fix stops at once, and the final
error says how many tries were made.
"""

from __future__ import annotations

import pytest

from coach_engine.llm import LLMError, MalformedReplyError, with_retries
from coach_engine.llm_guard import CircuitBreaker
from coach_engine.settings import Settings


def _failing(errors: list[BaseException], then: str = "a line") -> tuple[list[int], object]:
    calls: list[int] = []

    def fn() -> str:
        calls.append(1)
        if errors:
            raise errors.pop(0)
        return then

    return calls, fn


def test_bad_replies_are_retried_after_doubling_waits_then_succeed() -> None:
    calls, fn = _failing([MalformedReplyError("not JSON"), MalformedReplyError("empty")])
    waits: list[float] = []
    retried: list[int] = []
    out = with_retries(fn, Settings(llm_max_retries=2), sleep=waits.append,  # type: ignore[arg-type]
                       on_retry=lambda n, exc: retried.append(n))
    assert out == "a line" and len(calls) == 3
    assert waits == [0.5, 1.0] and retried == [1, 2]


def test_after_the_last_retry_the_error_counts_every_try() -> None:
    calls, fn = _failing([MalformedReplyError(f"bad {i}") for i in range(5)])
    with pytest.raises(LLMError) as caught:
        with_retries(fn, Settings(llm_max_retries=2), sleep=lambda _: None)  # type: ignore[arg-type]
    assert len(calls) == 3
    assert caught.value.kind == "malformed" and caught.value.attempts == 3


def test_a_failure_retrying_cannot_fix_stops_at_once() -> None:
    calls, fn = _failing([LLMError("the key was refused", kind="auth")])
    with pytest.raises(LLMError) as caught:
        with_retries(fn, Settings(llm_max_retries=3), sleep=lambda _: pytest.fail("no wait"))  # type: ignore[arg-type]
    assert len(calls) == 1 and caught.value.kind == "auth"


def test_a_bug_propagates_unchanged_and_is_not_retried_but_the_breaker_hears_of_it() -> None:
    calls, fn = _failing([ZeroDivisionError("a bug, not the model")])
    breaker = CircuitBreaker(failures=1, cooldown=60)
    with pytest.raises(ZeroDivisionError):
        with_retries(fn, Settings(llm_max_retries=3), sleep=lambda _: None, breaker=breaker)  # type: ignore[arg-type]
    assert len(calls) == 1
    assert not breaker.allow()
