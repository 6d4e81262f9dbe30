"""The team's memory: attempts in SQL (``Store``) and rep replies in Chroma (``AttemptIndex``).

``Store`` enforces who may read and write what; ``AttemptIndex`` finds
similar replies. Both take their client (SQLAlchemy engine, Chroma client) as
an argument, with an embedded default built from ``Settings``.
"""

from __future__ import annotations

from .accounts import AccountStore
from .audit import AuditLog
from .engine import check_writable_folder, make_engine, migrate
from .records import (
    SYSTEM,
    Account,
    AccountLocked,
    Assignment,
    AssignmentEvent,
    Attempt,
    AuditEvent,
    AuthError,
    AuthoredScenario,
    IssuedLink,
    LinkInfo,
    LinkInvalid,
    NotFound,
    NotWritable,
    PermissionDenied,
    Review,
    ScenarioDraft,
    ScenarioIdTaken,
    ScenarioVersion,
    SignInFailed,
    StaleSignIn,
    StoredTurn,
    StoreError,
    Team,
    User,
    VersionConflict,
    WeakPassword,
)
from .store import Store, TurnRecorder
from .usage import LlmUsage

__all__ = [
    "SYSTEM",
    "Account",
    "AccountLocked",
    "AccountStore",
    "Assignment",
    "AssignmentEvent",
    "Attempt",
    "AuditEvent",
    "AuditLog",
    "AuthError",
    "AuthoredScenario",
    "IssuedLink",
    "LinkInfo",
    "LinkInvalid",
    "LlmUsage",
    "NotFound",
    "NotWritable",
    "PermissionDenied",
    "Review",
    "ScenarioDraft",
    "ScenarioIdTaken",
    "ScenarioVersion",
    "SignInFailed",
    "StaleSignIn",
    "Store",
    "StoreError",
    "StoredTurn",
    "Team",
    "TurnRecorder",
    "User",
    "VersionConflict",
    "WeakPassword",
    "check_writable_folder",
    "make_engine",
    "migrate",
]
