"""AppTest fixtures: a fresh app per test, the fast hashing embedder, and sign-in helpers.

``st.cache_resource`` lives for the whole process, so every test clears it:
otherwise the settings (and the data dir) of the first test would leak into
the next. The data dir itself comes from the autouse fixture in tests/conftest.

Signing in: the seeded team has passwords (``PASSWORD``), so the app is in
password mode. ``open_app(email)`` signs in the way a test may and a browser
cannot: it mints a session in the test's database (``AccountStore.start_session``)
and hands the token to the app's session state before the first run. No
address or setting signs anyone in.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


REP = "sam@example.com"
REP2 = "priya@example.com"
MANAGER = "maya@example.com"
ADMIN = "ada@example.com"
PASSWORD = "correct horse battery"


def _db(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'scrimmage.db'}"


def seed_team(data_dir: Path, url: str | None = None) -> None:
    """A small known team with passwords, so the app's own demo seeding (only when empty) stays out of
    the way and the app is in password mode (``url``: another database than the data dir's SQLite)."""
    from sqlalchemy import update

    from coach_engine.store import SYSTEM, Store
    from coach_engine.store.schema import UserRow

    data_dir.mkdir(parents=True, exist_ok=True)
    store = Store.open(url or _db(data_dir))
    store.add_user(SYSTEM, MANAGER, "Maya Chen", role="manager", team="north")
    store.add_user(SYSTEM, REP, "Sam Okafor", role="rep", team="north")
    store.add_user(SYSTEM, REP2, "Priya Nair", role="rep", team="north")
    store.add_user(SYSTEM, ADMIN, "Ada Admin", role="admin", team="north")
    with store.session() as s:  # one argon2 hash for all (0.1 s each): ``set_password`` is tested elsewhere
        s.execute(update(UserRow).values(password_hash=_password_hash()))
    store.close()


@functools.lru_cache(maxsize=1)
def _password_hash() -> str:
    from coach_engine.store.credentials import hash_password

    return hash_password(PASSWORD)


def session_token(data_dir: Path, email: str) -> str:
    """A signed-in session for ``email``, minted in the database as only a test (holding it) can."""
    from coach_engine.store import AccountStore, Store

    store = Store.open(_db(data_dir))
    try:
        return AccountStore(store).start_session(email, via="test")
    finally:
        store.close()


@pytest.fixture(autouse=True)
def _fast_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setenv("SCRIMMAGE_EMBEDDING_BACKEND", "hash")
    seed_team(tmp_path / "data")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


def signed_in(at: AppTest, email: str, data_dir: Path | None = None) -> AppTest:
    """``at`` with a fresh session for ``email`` in its session state (before its first run)."""
    from coach_engine.settings import Settings

    at.session_state["identity_session"] = session_token(data_dir or Settings().data_dir, email)
    return at


def _open(member_id: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if member_id is not None:
        signed_in(at, member_id)
    return at.run()


@pytest.fixture
def open_app() -> Callable[..., AppTest]:
    """open_app(REP) -> an AppTest signed in as that member, after its first run."""
    return _open


def texts(at: AppTest) -> str:
    """Everything visible as markdown, captions, headings and alerts, for loose assertions."""
    parts: list[str] = []
    for coll in (at.title, at.header, at.subheader, at.markdown, at.caption, at.info, at.success,
                 at.warning, at.error):
        parts.extend(str(e.value) for e in coll)
    return "\n".join(parts)
