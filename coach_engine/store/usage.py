"""The count of model calls per user, for the hourly limit (``llm_quota``).

Why rows in the database: the limit must hold across every app server that
shares it and across restarts. One row per buyer turn or grading that went to
the model; a user's rows older than a day are pruned whenever a new one is
written, so the table stays the size of a day's use.

A database fault here never costs a rep a turn: it is raised as a
``StoreError``, which the quota logs and lets the call through.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError

from .records import StoreError
from .schema import LlmCallRow

if TYPE_CHECKING:
    from .store import Store

__all__ = ["KEEP", "LlmUsage"]

KEEP = timedelta(days=1)
"""How long a call row is kept (the limit looks back an hour)."""


class LlmUsage:
    """The ``CallLedger`` over the store's ``llm_calls`` rows. Reached as ``LlmUsage(store)``."""

    def __init__(self, store: Store):
        self.store = store

    def calls_since(self, user_id: int, since: datetime) -> list[datetime]:
        try:
            with self.store.session() as s:
                q = (select(LlmCallRow.at).where(LlmCallRow.user_id == user_id, LlmCallRow.at >= since)
                     .order_by(LlmCallRow.at))
                return list(s.scalars(q))
        except SQLAlchemyError as exc:
            raise StoreError(f"model calls could not be counted: {str(exc).splitlines()[0][:200]}") from exc

    def record_call(self, user_id: int, purpose: str, at: datetime) -> None:
        try:
            with self.store.session() as s:
                s.execute(delete(LlmCallRow).where(LlmCallRow.user_id == user_id, LlmCallRow.at < at - KEEP))
                s.add(LlmCallRow(user_id=user_id, purpose=purpose, at=at))
        except SQLAlchemyError as exc:
            raise StoreError(f"a model call could not be recorded: {str(exc).splitlines()[0][:200]}") from exc
