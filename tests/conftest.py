"""Shared fixtures: every test runs with its data directory in tmp_path and no LLM configured.

The real embedding model is loaded once per session (``embedder``); unit tests
that do not need semantics use ``hash_embedder``.
"""

from __future__ import annotations

from collections.abc import Iterator
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
                "SCRIMMAGE_VOICE", "SCRIMMAGE_GRADER", "SCRIMMAGE_EMBEDDING_BACKEND", "SCRIMMAGE_READER"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SCRIMMAGE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from coach_engine import signals

    kind = list(signals._KIND)
    yield
    signals._KIND[:] = kind  # a test that pins the reader (use_reader) leaves the next one as it found it


@pytest.fixture
def rules_reader() -> None:
    """Read turns with the hand-written rules (``reader: rules``), for tests of that reader itself; the
    autouse fixture above puts the default back afterwards."""
    from coach_engine import signals

    signals.use_reader("rules")


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
