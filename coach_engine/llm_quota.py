"""A per-user hourly limit on model calls, so one rep cannot spend the team's key (issue 14).

Why a limit at all: an OpenAI key costs money per call and a shared key has
one rate limit, so a rep who scripts a thousand turns, or a bot signed in as
one, would spend the team's budget and get everyone 429s. Why per user and
per rolling hour: practice comes in bursts before calls, and a rep who has
used the hour's turns gets them back gradually, not at midnight.

Why counted in the database (``store.usage``), not in memory: the limit must
hold across every app server sharing the database and across restarts.

What the rep sees: a turn over the limit is refused *before* any request,
like an open circuit breaker (``llm.RetryPlan.refusal``): the offline voice
answers, or the offline grader scores, at once, with a notice that says so and
when model turns come back. Nothing is lost and the drill carries on.

``HourlyQuota`` needs only a ``CallLedger`` (the store's ``LlmUsage``, or any
object with the two methods), so it is tested with the real store.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from .errors import ScrimmageError

__all__ = ["WINDOW", "CallLedger", "HourlyQuota"]

log = logging.getLogger(__name__)

WINDOW = timedelta(hours=1)


class CallLedger(Protocol):
    """Where model calls are counted (``store.usage.LlmUsage``)."""

    def calls_since(self, user_id: int, since: datetime) -> list[datetime]:
        """The times of the user's calls at or after ``since``, oldest first."""
        ...

    def record_call(self, user_id: int, purpose: str, at: datetime) -> None: ...


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class HourlyQuota:
    """At most ``limit`` model calls per user in any rolling hour (``limit`` 0: no limit)."""

    ledger: CallLedger
    user_id: int
    limit: int
    purpose: str = "voice"
    """``voice`` or ``judge``: recorded with each call (both count towards the same limit)."""
    clock: Callable[[], datetime] = field(default=_now)

    def wait(self) -> float | None:
        """None while a call is allowed; otherwise the seconds until the oldest call in the hour expires."""
        if self.limit <= 0:
            return None
        now = self.clock()
        try:
            calls = self.ledger.calls_since(self.user_id, now - WINDOW)
        except ScrimmageError as exc:  # the database is down: the turn is more important than the count
            log.warning("model calls not counted (allowed): %s", exc)
            return None
        if len(calls) < self.limit:
            return None
        oldest = calls[len(calls) - self.limit]
        return max((oldest + WINDOW - now).total_seconds(), 1.0)

    def record(self) -> None:
        """Count one call (a buyer turn or a grading that goes to the model)."""
        if self.limit <= 0:
            return
        try:
            self.ledger.record_call(self.user_id, self.purpose, self.clock())
        except ScrimmageError as exc:
            log.warning("model call not recorded: %s", exc)

    def refusal_message(self, seconds: float) -> str:
        minutes = max(1, round(seconds / 60))
        return (f"You have used this hour's {self.limit} AI turns (the team's limit per person); "
                f"AI turns come back in about {minutes} min")
