"""Practice page when the team database won't take a turn (issue 14): the rep is told, nothing is lost,
and a resend of the same reply stores it once.

The store is the app's real SQLite file; its writes fail because another connection holds an exclusive
lock on it. The app's waits are shortened (a 50 ms busy timeout, a 0.2 s retry budget) so the test is
quick; the failure itself is SQLite's own "database is locked".
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from coach_engine.store import SYSTEM, Store
from tests.app.conftest import REP, texts

SCENARIO = "cfo-price-routing"
REPLY = "That's a fair concern. What's behind the number you set aside for routing software?"


@pytest.fixture(autouse=True)
def _short_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    from app_pages import _records
    from coach_engine.store import engine

    original = engine._sqlite_pragmas

    def pragmas(dbapi_connection: Any, record: Any) -> None:
        original(dbapi_connection, record)
        dbapi_connection.execute("PRAGMA busy_timeout=50")

    monkeypatch.setattr(engine, "_sqlite_pragmas", pragmas)
    monkeypatch.setattr(_records, "SAVE_BUDGET_S", 0.2)


def _db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "scrimmage.db"


class _Lock:
    """Another connection holding SQLite's write lock: every write of the app fails with "locked"."""

    def __init__(self, path: Path):
        self.conn = sqlite3.connect(path, timeout=0, isolation_level=None)

    def hold(self) -> None:
        self.conn.execute("BEGIN EXCLUSIVE")

    def release(self) -> None:
        self.conn.execute("ROLLBACK")


@pytest.fixture
def lock(tmp_path: Path) -> Iterator[_Lock]:
    held = _Lock(_db(tmp_path))
    yield held
    if held.conn.in_transaction:
        held.release()
    held.conn.close()


def _stored(tmp_path: Path, attempt_id: int) -> list[tuple[int, str, str]]:
    store = Store.open(f"sqlite:///{_db(tmp_path)}")
    try:
        return [(t.index, t.role, t.text) for t in store.turns(SYSTEM, attempt_id)]
    finally:
        store.close()


def _in_call(open_app: Any) -> Any:
    at = open_app(REP)
    at.button(key=f"practice_pick_{SCENARIO}").click().run()
    at.button(key="practice_start").click().run()
    assert not at.exception
    assert [m.name for m in at.chat_message] == ["buyer"]
    return at


def test_a_turn_that_cannot_be_saved_is_kept_shown_as_pending_and_resent_once(open_app, lock, tmp_path):
    at = _in_call(open_app)
    attempt_id = at.session_state["practice_attempt"]

    lock.hold()
    at.chat_input(key="practice_reply").set_value(REPLY).run()
    assert not at.exception
    # The drill goes on (the buyer answers), and the rep is told plainly that the turns are only in the tab.
    assert [m.name for m in at.chat_message] == ["buyer", "rep", "buyer"]
    shown = texts(at)
    assert "Not saved yet" in shown and "Don't reload or close this tab" in shown
    assert "database is locked" in shown
    assert "⏳ not saved yet" in shown
    assert at.button(key="practice_save_now")

    # The rep thinks it failed and sends the same reply again while the database is still locked.
    at.chat_input(key="practice_reply").set_value(REPLY).run()
    assert not at.exception
    assert [m.name for m in at.chat_message] == ["buyer", "rep", "buyer"]  # not in the call twice
    assert "not sent twice" in texts(at) and "Still not saved" in texts(at)

    # Once the database answers, the same resend stores it: once.
    lock.release()
    at.chat_input(key="practice_reply").set_value(REPLY).run()
    assert not at.exception
    assert [m.name for m in at.chat_message] == ["buyer", "rep", "buyer"]
    assert "Not saved yet" not in texts(at)
    stored = _stored(tmp_path, attempt_id)
    assert [(i, role) for i, role, _ in stored] == [(0, "buyer"), (1, "rep"), (2, "buyer")]
    assert stored[1][2] == REPLY


def test_the_next_reply_saves_the_pending_turns_first_in_order(open_app, lock, tmp_path):
    at = _in_call(open_app)
    attempt_id = at.session_state["practice_attempt"]

    lock.hold()
    at.chat_input(key="practice_reply").set_value(REPLY).run()
    assert "Not saved yet" in texts(at)
    at.button(key="practice_save_now").click().run()  # still locked: kept, and said so
    assert not at.exception
    assert "Still not saved" in texts(at)
    assert [m.name for m in at.chat_message] == ["buyer", "rep", "buyer"]

    lock.release()
    second = "Say the routing savings paid for it: who else has to approve it?"
    at.chat_input(key="practice_reply").set_value(second).run()
    assert not at.exception
    assert "Not saved yet" not in texts(at)
    stored = _stored(tmp_path, attempt_id)
    assert [(i, role) for i, role, _ in stored] == [(0, "buyer"), (1, "rep"), (2, "buyer"), (3, "rep"),
                                                    (4, "buyer")]
    assert [t for _, role, t in stored if role == "rep"] == [REPLY, second]


def test_save_now_clears_the_notice_once_the_database_is_back(open_app, lock, tmp_path):
    at = _in_call(open_app)
    attempt_id = at.session_state["practice_attempt"]
    lock.hold()
    at.chat_input(key="practice_reply").set_value(REPLY).run()
    lock.release()
    at.button(key="practice_save_now").click().run()
    assert not at.exception
    assert "Not saved yet" not in texts(at)
    assert [role for _, role, _ in _stored(tmp_path, attempt_id)] == ["buyer", "rep", "buyer"]


def _voice_fails_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The buyer's scripted voice raises on its next line only, as a model outage would."""
    from coach_engine.buyer.scripted import ScriptedVoice

    speak = ScriptedVoice.speak
    calls = {"n": 0}

    def fails_once(self: Any, *args: Any, **kw: Any) -> str:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("the buyer's voice broke")
        return speak(self, *args, **kw)

    monkeypatch.setattr(ScriptedVoice, "speak", fails_once)


def test_a_reply_the_buyer_did_not_answer_is_answered_on_resend_never_recorded_twice(
    open_app, tmp_path, monkeypatch
):
    at = _in_call(open_app)
    attempt_id = at.session_state["practice_attempt"]
    _voice_fails_once(monkeypatch)
    at.chat_input(key="practice_reply").set_value(REPLY).run()
    assert not at.exception
    assert "The buyer could not answer" in texts(at)
    assert [role for _, role, _ in _stored(tmp_path, attempt_id)] == ["buyer", "rep"]

    at.chat_input(key="practice_reply").set_value(REPLY).run()  # the same reply, sent again
    assert not at.exception
    assert [m.name for m in at.chat_message] == ["buyer", "rep", "buyer"]
    assert [role for _, role, _ in _stored(tmp_path, attempt_id)] == ["buyer", "rep", "buyer"]


def test_a_different_reply_waits_until_the_last_one_is_answered(open_app, tmp_path, monkeypatch):
    at = _in_call(open_app)
    attempt_id = at.session_state["practice_attempt"]
    _voice_fails_once(monkeypatch)
    at.chat_input(key="practice_reply").set_value(REPLY).run()
    at.chat_input(key="practice_reply").set_value("Something else entirely").run()
    assert not at.exception
    assert "Not sent" in texts(at) and "Something else entirely" in texts(at)
    assert "The buyer hasn't answered your last reply yet" in texts(at)
    at.button(key="practice_ask_again").click().run()
    assert not at.exception
    assert [m.name for m in at.chat_message] == ["buyer", "rep", "buyer"]
    assert [role for _, role, _ in _stored(tmp_path, attempt_id)] == ["buyer", "rep", "buyer"]
