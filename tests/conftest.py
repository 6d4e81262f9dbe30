"""Shared fixtures: every test runs with its data directory in tmp_path and no LLM configured.

The real embedding model is loaded once per session (``embedder``); unit tests
that do not need semantics use ``hash_embedder``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from pathlib import Path

import pytest

from coach_engine.embeddings import CachedEmbedder, HashEmbedder, LocalEmbedder
from coach_engine.scenarios import ScenarioBank
from coach_engine.settings import Settings

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BANK_DIR = REPO / "scenarios"


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point the data dir at tmp_path and make sure no real LLM is configured."""
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SCRIMMAGE_DATABASE_URL", "SCRIMMAGE_CHROMA_URL",
                "SCRIMMAGE_VOICE", "SCRIMMAGE_GRADER", "SCRIMMAGE_EMBEDDING_BACKEND"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SCRIMMAGE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    # Circuit breakers are shared per endpoint for the process's life; a fake server on a reused port must
    # not inherit a breaker an earlier test's failing fake opened (the likely cause of a flaky LLM-mode test).
    from coach_engine.llm_guard import reset_breakers

    reset_breakers()
    yield


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Offline settings with the fast hashing embedder (not semantic)."""
    return Settings(data_dir=tmp_path / "data", embedding_backend="hash")


@pytest.fixture(scope="session")
def bank() -> ScenarioBank:
    return ScenarioBank.from_dirs([BANK_DIR], strict=True)


@pytest.fixture(scope="session")
def embedder() -> CachedEmbedder:
    """The real offline model (all-MiniLM-L6-v2 from the packaged weights), loaded once."""
    return CachedEmbedder(LocalEmbedder())


@pytest.fixture(scope="session")
def hash_embedder() -> CachedEmbedder:
    return CachedEmbedder(HashEmbedder())


@pytest.fixture(scope="session")
def gaming_of(embedder: CachedEmbedder, bank: ScenarioBank):  # type: ignore[no-untyped-def]
    """The reader's gaming verdict on a first reply to a bank scenario's opening (None: not gaming)."""
    from coach_engine.reading.reader import Gaming, context_for
    from coach_engine.signals import reader_for

    reader = reader_for(embedder)

    def verdict(text: str, scenario_id: str = "cfo-price-routing") -> Gaming | None:
        return reader.read(text, context_for(bank.get(scenario_id), [], False)).gaming

    return verdict


@pytest.fixture
def reader_misses(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Mark this test a strict xfail when its case is one the turn reader still misreads (listed in the
    README's known limits): it keeps running, and a fix shows up as an unexpected pass."""

    def mark(item: str, misses: Collection[str]) -> None:
        if item in misses:
            request.node.add_marker(pytest.mark.xfail(
                strict=True, reason="the turn reader misreads this (README known limits)"))

    return mark
