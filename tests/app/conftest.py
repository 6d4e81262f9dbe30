"""AppTest fixtures: a fresh app per test, the fast hashing embedder, and sign-in helpers.

``st.cache_resource`` lives for the whole process, so every test clears it:
otherwise the settings (and the data dir) of the first test would leak into
the next. The data dir itself comes from the autouse fixture in tests/conftest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


REP = "sam@example.com"
REP2 = "priya@example.com"
MANAGER = "maya@example.com"


def seed_team(data_dir: Path) -> None:
    """A small known team, so the app's own demo seeding (only when empty) stays out of the way."""
    from coach_engine.store import SYSTEM, Store

    data_dir.mkdir(parents=True, exist_ok=True)
    store = Store.open(f"sqlite:///{data_dir / 'scrimmage.db'}")
    store.add_user(SYSTEM, MANAGER, "Maya Chen", role="manager", team="north")
    store.add_user(SYSTEM, REP, "Sam Okafor", role="rep", team="north")
    store.add_user(SYSTEM, REP2, "Priya Nair", role="rep", team="north")
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


def _open(member_id: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if member_id is not None:
        at.query_params["as"] = member_id
    return at.run()


@pytest.fixture
def open_app() -> Callable[..., AppTest]:
    """open_app("sam") -> an AppTest signed in as that member, after its first run."""
    return _open


def texts(at: AppTest) -> str:
    """Everything visible as markdown, captions, headings and alerts, for loose assertions."""
    parts: list[str] = []
    for coll in (at.title, at.header, at.subheader, at.markdown, at.caption, at.info, at.success,
                 at.warning, at.error):
        parts.extend(str(e.value) for e in coll)
    return "\n".join(parts)
