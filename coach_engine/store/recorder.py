"""``TurnRecorder``: a drill's turns saved as they happen, through a database that may blink.

A drill must not stop because a write failed for a moment (issue 14), and it
must not lose or repeat a turn either. Keeping the retrying, the waiting and
the turns not yet saved here leaves ``attempts`` one plain, idempotent write
per turn (``AttemptStore.record_turn``), which this module calls and retries
(tenacity runs the retries; the policy of how long is this module's).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Protocol

import tenacity
from sqlalchemy.exc import DBAPIError, IntegrityError

from .records import StoreError, User

__all__ = ["TURN_WRITE_BUDGET_S", "TurnEventLike", "TurnRecorder", "TurnWriter"]

TURN_WRITE_BUDGET_S = 8.0
"""How long a turn write keeps retrying a locked or briefly unavailable database before it says so."""


class TurnEventLike(Protocol):
    """What ``DrillSession`` passes to ``on_turn`` (``session.TurnEvent``); a rep turn's event may also
    carry ``reading`` (read with ``getattr``: events made by hand have none)."""

    index: int
    role: str
    text: str
    state: dict[str, Any]
    notice: str | None


class TurnWriter(Protocol):
    """What the recorder writes through: ``AttemptStore.record_turn`` (idempotent on attempt and index)."""

    def record_turn(self, actor: User, attempt_id: int, index: int, role: str, text: str,
                    state: dict[str, Any] | None, notice: str | None, reading: dict[str, Any] | None,
                    /) -> None: ...


@dataclass
class _PendingTurn:
    index: int
    role: str
    text: str
    state: dict[str, Any] | None
    notice: str | None
    reading: dict[str, Any] | None = None


class TurnRecorder:
    """Writes each ``TurnEvent`` as it happens; a failed write is retried, then kept pending.

    A locked or briefly unavailable database is retried for seconds, not
    milliseconds (issue 14): at least ``retries`` tries and until ``budget``
    seconds have passed, the wait doubling from ``backoff`` up to one second.
    Then it raises ``StoreError`` but keeps the turn (``pending``); the next
    event, or ``flush()``, writes the pending turns first, in order. Writes are
    idempotent, so nothing is duplicated. While turns are pending (the outage
    is known), a new event tries once, without the budget, so a database that
    is down costs the rep one wait per outage, not one per reply; ``flush()``,
    called to save on purpose (a "Save now" button, the end of a CLI drill),
    uses the full budget again.
    """

    def __init__(
        self, store: TurnWriter, attempt_id: int, actor: User, *, retries: int = 3, backoff: float = 0.05,
        budget: float = 0.0,
    ):
        self.store = store
        self.attempt_id = attempt_id
        self.actor = actor
        self.retries = max(1, retries)
        self.backoff = backoff
        self.budget = budget
        self.pending: list[_PendingTurn] = []

    def __call__(self, event: TurnEventLike) -> None:
        state = event.state
        if state is not None and hasattr(state, "model_dump"):
            state = state.model_dump(mode="json")
        reading = getattr(event, "reading", None)
        outage = bool(self.pending)
        self.pending.append(
            _PendingTurn(event.index, str(event.role), event.text, state, event.notice, reading)
        )
        self.flush(quick=outage)

    def flush(self, quick: bool = False) -> None:
        """Write the pending turns in order; ``quick``: one try each, no waiting."""
        while self.pending:
            self._write(self.pending[0], quick)
            self.pending.pop(0)

    def _write(self, t: _PendingTurn, quick: bool = False) -> None:
        retries, budget = (1, 0.0) if quick else (self.retries, self.budget)
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception(_blinked),
            wait=tenacity.wait_exponential(multiplier=self.backoff, max=1.0),
            stop=tenacity.stop_after_attempt(retries) & tenacity.stop_before_delay(budget),
            sleep=time.sleep,
            reraise=True,
        )
        try:
            retrying(self.store.record_turn,
                     self.actor, self.attempt_id, t.index, t.role, t.text, t.state, t.notice, t.reading)
        except (DBAPIError, OSError) as exc:
            if not _blinked(exc):
                raise
            tries = retrying.statistics.get("attempt_number", 1)
            raise StoreError(
                f"could not save turn {t.index} of attempt {self.attempt_id} after {tries} tries "
                f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}); the turn is kept "
                f"and will be saved with the next turn or on retry"
            ) from exc


def _blinked(exc: BaseException) -> bool:
    """A database that is locked or briefly away (worth another try), not a write it refuses for good."""
    return isinstance(exc, DBAPIError | OSError) and not isinstance(exc, IntegrityError)
