"""How the attempt index talks to Chroma: which client, and an embedding function Chroma can rebuild.

Kept apart from ``index`` (what is stored and how it is queried) because this
is wiring that must hold for any process that opens the collections:

* The embedding function is ours (``ScrimmageEmbeddingFunction``) and is
  registered with Chroma when this module is imported, so the collection's
  stored configuration names it and a new process (or ``get_collection``
  without an embedding function) rebuilds it instead of reaching for Chroma's
  default ONNX model, which downloads at run time and fails offline.
* The client is injected: an embedded ``PersistentClient`` in the data
  directory by default, an ``HttpClient`` when ``SCRIMMAGE_CHROMA_URL`` is set
  (``chroma_client``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from ..embeddings import CachedEmbedder, Embedder, HashEmbedder, get_embedder, process_embedder

if TYPE_CHECKING:
    from ..settings import Settings

__all__ = ["ScrimmageEmbeddingFunction", "chroma_client", "embedder_from_name"]


@register_embedding_function
class ScrimmageEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma adapter over our ``Embedder``; its config names the embedder so it can be rebuilt."""

    def __init__(self, embedder: Embedder):
        self.embedder = embedder

    @staticmethod
    def name() -> str:
        return "scrimmage"

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.embedder.embed(list(input)))

    def get_config(self) -> dict[str, Any]:
        return {"embedder": self.embedder.name, "dim": int(self.embedder.dim)}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ScrimmageEmbeddingFunction:
        return ScrimmageEmbeddingFunction(embedder_from_name(str(config["embedder"]), int(config["dim"])))

    def default_space(self) -> Any:
        return "cosine"

    def supported_spaces(self) -> list[Any]:
        return ["cosine"]


def embedder_from_name(name: str, dim: int) -> Embedder:
    """Rebuild an embedder from its ``name`` (``hash:256``, ``local:...``, ``openai:MODEL``).

    The process's own embedder of that name is reused when there is one: Chroma
    calls this for every collection it opens, and building ``Settings`` each time
    costs milliseconds per shard.
    """
    from ..settings import Settings

    existing = process_embedder(name, dim)
    if existing is not None:
        return existing
    backend, _, model = name.partition(":")
    if backend == "hash":
        return CachedEmbedder(HashEmbedder(int(model or dim)))
    if backend == "openai":
        return get_embedder(Settings(embedding_backend="openai", openai_embedding_model=model))
    settings = Settings(embedding_backend="local")
    return get_embedder(settings)


def chroma_client(settings: Settings) -> Any:
    """The Chroma client the settings ask for: a server when ``chroma_url`` is set, else embedded."""
    import chromadb

    if settings.chroma_url:
        from urllib.parse import urlparse

        url = urlparse(settings.chroma_url)
        return chromadb.HttpClient(
            host=url.hostname or "127.0.0.1",
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
        )
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path))
