"""The team's memory: attempts in SQL (``Store``) and rep replies in Chroma (``AttemptIndex``).

``Store`` enforces who may read and write what; ``AttemptIndex`` finds
similar replies. Both take their client (SQLAlchemy engine, Chroma client) as
an argument, with an embedded default built from ``Settings``.
"""

from __future__ import annotations

from .engine import make_engine, migrate
from .records import (
    SYSTEM,
    Assignment,
    AssignmentEvent,
    Attempt,
    AuthoredScenario,
    NotFound,
    PermissionDenied,
    Review,
    ScenarioDraft,
    ScenarioIdTaken,
    ScenarioVersion,
    StoredTurn,
    StoreError,
    Team,
    User,
    VersionConflict,
)
from .store import Store, TurnRecorder

__all__ = [
    "SYSTEM",
    "Assignment",
    "AssignmentEvent",
    "Attempt",
    "AuthoredScenario",
    "NotFound",
    "PermissionDenied",
    "Review",
    "ScenarioDraft",
    "ScenarioIdTaken",
    "ScenarioVersion",
    "Store",
    "StoreError",
    "StoredTurn",
    "Team",
    "TurnRecorder",
    "User",
    "VersionConflict",
    "make_engine",
    "migrate",
]
