"""Every exception class the engine defines is a ScrimmageError, so the app and the CLI can catch one base."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import coach_engine
from coach_engine.errors import ScrimmageError

OUTSIDE = {
    "coach_engine.fakes.chat.FakeQueueEmpty":
        "an AssertionError: a test queued too few replies, and that must fail the test, not become a message",
}
"""Deliberately not ScrimmageErrors (each also named in ``coach_engine/errors.py``'s docstring)."""

PENDING: dict[str, str] = {}
"""Not in the tree yet, each with the reason; drop an entry once its class derives from ScrimmageError."""

Found = dict[str, type[BaseException]]


def _engine_exceptions() -> Found:
    found: Found = {}
    for info in pkgutil.walk_packages(coach_engine.__path__, "coach_engine."):
        if ".migrations" in info.name:  # Alembic's env.py and version files run only under Alembic
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and issubclass(obj, BaseException) and obj.__module__ == module.__name__:
                found[f"{module.__name__}.{name}"] = obj
    return found


@pytest.fixture(scope="module")
def engine_exceptions() -> Found:
    return _engine_exceptions()


def test_every_engine_exception_is_a_scrimmage_error(engine_exceptions: Found) -> None:
    outside = sorted(
        f"{name} ({', '.join(b.__name__ for b in cls.__bases__)})"
        for name, cls in engine_exceptions.items()
        if not issubclass(cls, ScrimmageError) and name not in OUTSIDE and name not in PENDING
    )
    assert not outside, (
        "exception classes outside the ScrimmageError tree (derive from ScrimmageError; keep a builtin base "
        f"callers catch as a second base, e.g. class X(ScrimmageError, ValueError)): {outside}"
    )


def test_the_walk_finds_the_tree(engine_exceptions: Found) -> None:
    """The walk really reaches subpackages (a walk that found nothing would pass the test above)."""
    for name in ("coach_engine.errors.ScrimmageError", "coach_engine.store.records.NotFound",
                 "coach_engine.llm_guard.DeadlineExceeded", *OUTSIDE):
        assert name in engine_exceptions, name


def test_exceptions_outside_the_tree_are_still_defined(engine_exceptions: Found) -> None:
    """A renamed or removed class must leave these lists too: they never excuse a class that isn't there."""
    assert set(OUTSIDE) <= set(engine_exceptions)
    assert {n for n in PENDING if n not in engine_exceptions} == set()


@pytest.mark.parametrize(
    ("name", "builtin"),
    [
        ("coach_engine.datafiles.DataFileError", ValueError),
        ("coach_engine.llm.MalformedReplyError", ValueError),
        ("coach_engine.llm.LLMError", RuntimeError),
        ("coach_engine.llm_guard.DeadlineExceeded", TimeoutError),
        ("coach_engine.settings.ConfigError", RuntimeError),
        ("coach_engine.store.records.StoreError", RuntimeError),
        ("coach_engine.store.records.NotFound", KeyError),
    ],
)
def test_builtin_bases_callers_catch_are_kept(
    engine_exceptions: Found, name: str, builtin: type[BaseException]
) -> None:
    assert issubclass(engine_exceptions[name], ScrimmageError)
    assert issubclass(engine_exceptions[name], builtin)
