"""A drill's record in the store, first turn to scorecard: the one lifecycle every front end uses.

The practice page, ``scrimmage drill --save`` and the load bench each run a
``DrillSession`` whose turns must reach the database as they happen and whose
scorecard must complete the attempt. That sequence lives here, once:

1. ``DrillRecord.start`` opens the attempt (``store.start_attempt``);
2. the record *is* the session's ``on_turn``: each turn is written as it
   happens by ``store.TurnRecorder``. A write that still fails after the
   recorder's retries does not stop the drill: the turn stays ``pending``, in
   order, is written before the next one or by ``save_now``, and ``error``
   says why. Writes are idempotent, so nothing is stored twice;
3. ``finish`` writes whatever is pending (a turn that can't be written stops
   it with ``StoreError``: an attempt is never scored with turns missing),
   then completes the attempt, indexes its replies and returns the scorecard
   with "from your team" and the trend (``memory.remember``).

Grading is the caller's (the page shows a status while it runs; the CLI may
take a scorecard it already has), so this module only needs the store.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from .store import StoreError

if TYPE_CHECKING:
    from .models import Scenario, Scorecard
    from .store import Store, TurnRecorder, User
    from .store.index import AttemptIndex

__all__ = ["DrillRecord"]

log = logging.getLogger("scrimmage.drill")


class DrillRecord:
    """One attempt being written turn by turn; pass it to ``DrillSession(on_turn=...)``."""

    def __init__(self, store: Store, rep: User, attempt_id: int, recorder: TurnRecorder):
        self.store, self.rep, self.attempt_id, self.recorder = store, rep, attempt_id, recorder
        self.error: str | None = None
        """Why the pending turns are not saved yet (the last failure), for the rep to be told."""

    @classmethod
    def start(cls, store: Store, rep: User, scenario: Scenario, *, mode: str = "drill",
              voice: str = "offline", grader: str = "offline", budget: float | None = None) -> DrillRecord:
        """A new attempt of ``scenario`` by ``rep``; ``budget``: seconds a turn write keeps retrying."""
        attempt = store.start_attempt(rep, scenario, mode=mode, voice=voice, grader=grader)
        return cls.resume(store, rep, attempt.id, budget=budget)

    @classmethod
    def resume(cls, store: Store, rep: User, attempt_id: int, *, budget: float | None = None) -> DrillRecord:
        """Go on writing an attempt already started (a resumed drill's next turns)."""
        recorder = store.turn_recorder(attempt_id, rep)
        if budget is not None:
            recorder.budget = budget
        return cls(store, rep, attempt_id, recorder)

    @property
    def pending(self) -> list[Any]:
        return list(self.recorder.pending)

    def pending_indexes(self) -> set[int]:
        return {t.index for t in self.recorder.pending}

    def __call__(self, event: Any) -> None:
        """The session's ``on_turn``: write the turn now, or keep it pending and say why."""
        try:
            self.recorder(event)  # while turns are pending, the recorder tries once (store.TurnRecorder)
        except StoreError as exc:
            self.error = str(exc)
            log.warning("turn not saved yet: %s", exc)
        else:
            self.error = None

    def save_now(self) -> bool:
        """Write the pending turns (with the full retry budget); True when nothing is left pending."""
        try:
            self.recorder.flush()
        except StoreError as exc:
            self.error = str(exc)
            return False
        self.error = None
        return True

    def finish(self, scorecard: Scorecard, index: AttemptIndex | None,
               scenario: Scenario | None = None) -> Scorecard:
        """Write what is pending, complete the attempt with ``scorecard``, index it; the enriched card.

        Raises ``StoreError`` (naming how many turns are missing) when a pending turn can't be written.
        """
        from .memory import remember

        if not self.save_now():
            left = len(self.pending_indexes())  # a rep turn's reading is a second write of the same turn
            raise StoreError(f"{self.error}. {left} turn(s) of attempt {self.attempt_id} could not be saved; "
                             "the ones before them are stored")
        return remember(self.store, index, self.rep, self.attempt_id, scorecard, scenario)
