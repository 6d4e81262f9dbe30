"""The packaged model run by ONNX Runtime gives the vectors torch gives, and the export is safe to share.

The reading, the index and the calibration were all fitted on sentence-transformers' vectors; ONNX is only
allowed to be faster, not different. Real model, real export (into a temp folder), no fakes.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from coach_engine.embedding_onnx import BATCH, exported_graph, length_runs
from coach_engine.embeddings import LocalEmbedder, get_embedder, packaged_model_path
from coach_engine.settings import Settings

TEXTS = [
    "I hear you, that's a big jump from what you pay today.",
    "What would need to change before switching feels worth the trouble?",
    "ok",
    "",
    "🙂🙂🙂",
    "Entiendo. ¿Qué le preocupa más del cambio?",
    "We cut month-end close from nine days to four at a 40-person firm; " * 40,  # past the 256-token cut
]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("model-cache")


def test_onnx_vectors_are_torchs_vectors(cache: Path) -> None:
    onnx = LocalEmbedder(runtime="onnx", cache_dir=cache)
    torch = LocalEmbedder(runtime="torch")
    a, b = onnx.embed(TEXTS), torch.embed(TEXTS)
    assert onnx.backend == "onnx" and torch.backend == "torch"
    assert a.shape == b.shape == (len(TEXTS), 384) and a.dtype == np.float32
    assert np.abs(a - b).max() < 1e-5
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    # batched by length: the order of the rows is the order of the texts, whatever the batch
    single = np.stack([onnx.embed([t])[0] for t in TEXTS])
    assert np.abs(single - a).max() < 1e-5


def test_the_graph_is_exported_once_and_reused(cache: Path) -> None:
    first = exported_graph(packaged_model_path(), cache)
    stamp = first.stat().st_mtime_ns
    again = exported_graph(packaged_model_path(), cache)
    assert again == first and again.stat().st_mtime_ns == stamp
    assert not list(cache.glob("*.part")), "a finished export leaves no temporary file"


def test_auto_falls_back_to_torch_and_says_why(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    with caplog.at_level(logging.WARNING, logger="coach_engine.embeddings"):
        auto = LocalEmbedder(runtime="auto", cache_dir=blocked / "models")
        assert auto.embed(["still works"]).shape == (1, 384)
    assert auto.backend == "torch"
    assert "ONNX Runtime not used" in caplog.text and "running the model with torch" in caplog.text
    with pytest.raises(OSError):
        LocalEmbedder(runtime="onnx", cache_dir=blocked / "models").embed(["no fallback when asked for onnx"])


def test_settings_choose_the_runtime_and_the_cache(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path / "data", embedding_runtime="torch", model_cache_dir=tmp_path / "cache")
    inner = get_embedder(s).inner
    assert isinstance(inner, LocalEmbedder)
    assert inner.runtime == "torch" and inner.cache_dir == tmp_path / "cache"


def test_texts_of_close_lengths_share_a_run_and_a_greeting_runs_alone() -> None:
    # a 6-token greeting beside two 36-token proof sentences: padding it would cost more than its own run
    assert length_runs([36, 6, 35]) == [[1], [2, 0]]
    assert length_runs([12, 12, 13, 14]) == [[0, 1, 2, 3]]
    assert length_runs([]) == []
    runs = length_runs([20] * (BATCH + 1))
    assert [len(r) for r in runs] == [BATCH, 1]


def test_two_threads_give_the_same_bytes_as_one(cache: Path) -> None:
    """A second thread only splits the work (PERFORMANCE.md section 9): every vector the same, bit for bit,
    so the trained reading reads the same numbers on a one-core and a two-core box."""
    from coach_engine.embedding_onnx import OnnxSentenceModel

    folder = packaged_model_path()
    graph = exported_graph(folder, cache)
    one, two = OnnxSentenceModel(folder, graph, threads=1), OnnxSentenceModel(folder, graph, threads=2)
    assert np.array_equal(one.encode(TEXTS), two.encode(TEXTS))
