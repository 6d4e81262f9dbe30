"""The first page paints without heavy imports; the warm-up loads them afterwards, in the background."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app_pages import _engine as engine
from coach_engine.scenarios import ScenarioBank
from coach_engine.settings import Settings

from .conftest import APP, REP, session_token

HEAVY = ("alembic", "torch", "sentence_transformers", "chromadb", "numpy", "pandas", "coach_engine.session")


def test_practice_paints_without_heavy_imports(tmp_path: Path) -> None:
    """Signed in, Practice renders with no Alembic (the database is at head), torch, Chroma or numpy."""
    token = session_token(tmp_path / "data", REP)  # the autouse fixture seeded the team there
    code = textwrap.dedent(
        f"""
        import sys
        from streamlit.testing.v1 import AppTest
        at = AppTest.from_file({APP!r}, default_timeout=60)
        at.session_state["identity_session"] = {token!r}
        at.run()
        assert not at.exception, at.exception
        assert any((b.key or "").startswith("practice_pick_") for b in at.button), "no scenario cards"
        print(" ".join(m for m in {HEAVY!r} if m in sys.modules))
        """
    )
    env = {**os.environ, "SCRIMMAGE_DATA_DIR": str(tmp_path / "data"), "SCRIMMAGE_EMBEDDING_BACKEND": "hash"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == ""


def test_no_warm_up_without_the_local_model() -> None:
    """The tests' hashing embedder has nothing to load (and an OpenAI one would spend calls): no thread."""
    assert engine.settings().embedding_backend == "hash"
    assert engine.warm_up_in_background() is None


def test_warm_up_prepares_a_drill(tmp_path: Path, bank: ScenarioBank) -> None:
    s = Settings(data_dir=tmp_path / "data", embedding_backend="hash")
    engine._warm_up(s, bank.get("cfo-price-routing"), delay=0)
    assert all(m in sys.modules for m in ("coach_engine.session", "coach_engine.grading", "chromadb"))


def test_a_failed_warm_up_is_logged_not_raised(
    tmp_path: Path, bank: ScenarioBank, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import coach_engine.embeddings

    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("no model here")

    monkeypatch.setattr(coach_engine.embeddings, "get_embedder", broken)
    with caplog.at_level(logging.ERROR, logger="scrimmage.app"):
        engine._warm_up(Settings(data_dir=tmp_path / "data"), bank.get("cfo-price-routing"), delay=0)
    assert "warming up failed" in caplog.text


@pytest.mark.slow
def test_warm_up_loads_the_local_model(tmp_path: Path, bank: ScenarioBank) -> None:
    from coach_engine.embeddings import get_embedder

    s = Settings(data_dir=tmp_path / "data", embedding_backend="local")
    engine._warm_up(s, bank.get("cfo-price-routing"), delay=0)
    assert get_embedder(s).inner.loaded  # type: ignore[attr-defined]


def test_a_new_drill_does_not_wait_for_the_warmed_model(
    bank: ScenarioBank, monkeypatch: pytest.MonkeyPatch
) -> None:
    """"Start the call" must not wait on ``embedder()``, the cached resource whose first call waits for the
    warm-up begun at the first paint (issue 13: the first buyer line within a second, even after a
    restart). The drill takes the process-wide embedder as it is, and its opening embeds nothing."""

    def waits(*_a: object, **_k: object) -> None:
        raise AssertionError("the drill waited for the warmed-up model")

    monkeypatch.setattr(engine, "embedder", waits)
    scenario = bank.get("cfo-price-routing")
    opening = engine.new_drill(scenario, seed=3).start(prepare=False)
    assert opening.role == "buyer" and opening.text == " ".join(scenario.buyer.opening.split())
