"""``AttemptIndex``: every graded rep reply in Chroma, for "the team's best answers" and search.

Why Chroma and how it is wired:

* One document per graded rep turn, with the metadata every query filters on
  (``replies.reply_metadata``). Queries filter first, then rank by meaning.
* The embedding function is ours and Chroma can rebuild it, and the client is
  injected, embedded or a server (``chroma``).
* Collections are per embedder (``...-local-all-minilm-l6-v2``), so switching
  embedding backends never mixes vectors of different models.

Scope: a rep may read their team's best replies (that is the point) and their
own history; only the team's manager or an admin searches all of a team's
replies freely.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from ..embeddings import Embedder, get_embedder
from ..models import OBJECTIONS, Scenario, Scorecard, Turn
from .chroma import ScrimmageEmbeddingFunction, chroma_client
from .records import Attempt, PermissionDenied, User
from .replies import ReplyHit, reply_hit, reply_metadata

if TYPE_CHECKING:
    from ..settings import Settings

__all__ = ["AttemptIndex", "ReplyHit", "ScenarioHit", "ScrimmageEmbeddingFunction", "chroma_client"]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(frozen=True)
class ScenarioHit:
    scenario_id: str
    distance: float


def _where(*clauses: dict[str, Any] | None) -> dict[str, Any]:
    parts = [c for c in clauses if c]
    return parts[0] if len(parts) == 1 else {"$and": parts}


class _ReplyRouter:
    """``add``/``upsert`` with Chroma's arguments; each row goes to the shard its metadata names."""

    def __init__(self, index: AttemptIndex):
        self.index = index

    def _route(
        self, method: str, ids: Sequence[str], metadatas: Sequence[dict[str, Any]], **columns: Any
    ) -> None:
        groups: dict[tuple[int, str], list[int]] = {}
        for i, md in enumerate(metadatas):
            groups.setdefault((int(md["team_id"]), str(md["objection"])), []).append(i)
        for (team_id, objection), rows in groups.items():
            picked = {k: [v[i] for i in rows] for k, v in columns.items() if v is not None}
            getattr(self.index.collection_for(team_id, objection), method)(
                ids=[ids[i] for i in rows], metadatas=[metadatas[i] for i in rows], **picked
            )

    def add(self, ids: Sequence[str], metadatas: Sequence[dict[str, Any]], **columns: Any) -> None:
        self._route("add", ids, metadatas, **columns)

    def upsert(self, ids: Sequence[str], metadatas: Sequence[dict[str, Any]], **columns: Any) -> None:
        self._route("upsert", ids, metadatas, **columns)

    def count(self) -> int:
        return self.index.count()


class AttemptIndex:
    """Rep replies (and the scenario bank, for warm-ups) in Chroma.

    Replies are sharded into one collection per (team, objection type): the
    hot query ("the team's best replies to this objection") is then a plain
    nearest-neighbour search with no metadata filter. Chroma's metadata
    pre-filter costs ~200 ms at 100k replies even on equality, against ~10 ms
    unfiltered (measured), and issue 7 allows 50 ms. The remaining conditions
    (other reps, not this attempt, better score) are applied to a pool of
    nearest replies in Python.
    """

    def __init__(self, client: Any, embedder: Embedder, *, prefix: str = "scrimmage"):
        self.client = client
        self.embedder = embedder
        self.ef = ScrimmageEmbeddingFunction(embedder)
        self.base = f"{prefix}-{_slug(embedder.name)}"[:400]
        self._shards: dict[tuple[int, str], Any] = {}
        self.scenarios = client.get_or_create_collection(f"{self.base}-scenarios", embedding_function=self.ef)

    @classmethod
    def from_settings(
        cls, settings: Settings, embedder: Embedder | None = None, client: Any | None = None
    ) -> AttemptIndex:
        return cls(
            client if client is not None else chroma_client(settings), embedder or get_embedder(settings)
        )

    def collection_for(self, team_id: int, objection: str) -> Any:
        """The replies collection of one team and objection type (created on first use)."""
        key = (int(team_id), objection)
        if key not in self._shards:
            name = f"{self.base}-t{int(team_id)}-{_slug(objection)}"
            self._shards[key] = self.client.get_or_create_collection(name, embedding_function=self.ef)
        return self._shards[key]

    @property
    def replies(self) -> _ReplyRouter:
        """Raw rows in, routed to their (team, objection) collection by metadata (bulk loads, benchmarks)."""
        return _ReplyRouter(self)

    def _team_shards(self, team_id: int, objection: str | None = None) -> list[Any]:
        return [self.collection_for(team_id, o) for o in ([objection] if objection else OBJECTIONS)]

    # --- writing ----------------------------------------------------------------------

    def add_attempt(
        self, attempt: Attempt, turns: Sequence[Turn], scorecard: Scorecard, timezone: str = "UTC"
    ) -> int:
        """Index every rep turn of a graded attempt; returns how many were stored (idempotent)."""
        return self.add_attempts([(attempt, turns, scorecard)], timezone)

    def add_attempts(
        self, items: Iterable[tuple[Attempt, Sequence[Turn], Scorecard]], timezone: str = "UTC"
    ) -> int:
        """Index many graded attempts in one batch per collection."""
        batches: dict[tuple[int, str], tuple[list[str], list[str], list[dict[str, Any]]]] = {}
        for attempt, turns, scorecard in items:
            if attempt.team_id is None:
                continue
            base = reply_metadata(attempt, scorecard, timezone)
            ids, docs, metas = batches.setdefault((attempt.team_id, attempt.objection), ([], [], []))
            for i, t in enumerate(turns):
                if t.role != "rep" or not t.text.strip():
                    continue
                ids.append(f"a{attempt.id}-t{i}")
                docs.append(t.text)
                metas.append(base | {"turn": i})
        total = 0
        for (team_id, objection), (ids, docs, metas) in batches.items():
            col = self.collection_for(team_id, objection)
            for start in range(0, len(ids), 1000):
                end = start + 1000
                # Embedded here, once, by our embedder (what Chroma would call through ``self.ef``).
                col.upsert(
                    ids=ids[start:end],
                    documents=docs[start:end],
                    metadatas=metas[start:end],
                    embeddings=self.embedder.embed(docs[start:end]),
                )
            total += len(ids)
        return total

    def indexed_attempts(self, team_id: int, objection: str, attempt_ids: Sequence[int]) -> set[int]:
        """Which of ``attempt_ids`` (of one team and objection type) have replies in the index."""
        if not attempt_ids:
            return set()
        got = self.collection_for(team_id, objection).get(
            where={"attempt": {"$in": [int(a) for a in attempt_ids]}}, include=["metadatas"])
        return {int(m["attempt"]) for m in (got.get("metadatas") or []) if m and "attempt" in m}

    def remove_attempt(self, attempt: Attempt) -> None:
        if attempt.team_id is not None:
            self.collection_for(attempt.team_id, attempt.objection).delete(where={"attempt": attempt.id})

    # --- reading ----------------------------------------------------------------------

    def _query(
        self,
        collections: Sequence[Any],
        texts: Sequence[str],
        where: dict[str, Any] | None,
        n: int,
        embeddings: np.ndarray | None = None,
    ) -> list[ReplyHit]:
        """Nearest replies to ``texts`` in ``collections``; the texts are embedded once for all of them.

        No ``count()`` first: Chroma returns fewer than ``n`` (or none) from a small
        or empty collection, and a count is one more call per shard.
        """
        keep = [i for i, t in enumerate(texts) if t.strip()]
        if not keep:
            return []
        if embeddings is None:
            vectors = self.embedder.embed([texts[i] for i in keep])
        else:
            if len(embeddings) != len(texts):
                raise ValueError(f"{len(embeddings)} query embeddings for {len(texts)} texts")
            vectors = np.asarray(embeddings, dtype=np.float32)[keep]
        seen: dict[str, ReplyHit] = {}
        for col in collections:
            res = col.query(
                query_embeddings=vectors,
                n_results=n,
                where=where,
                include=["documents", "metadatas", "distances"],
            )
            for ids, docs, metas, dists in zip(
                res["ids"],
                res["documents"] or [],
                res["metadatas"] or [],
                res["distances"] or [],
                strict=True,
            ):
                for id_, doc, md, dist in zip(ids, docs, metas, dists, strict=True):
                    hit = reply_hit(id_, doc, dist, cast(dict[str, Any], md))
                    if id_ not in seen or hit.distance < seen[id_].distance:
                        seen[id_] = hit
        return sorted(seen.values(), key=lambda h: (h.distance, h.id))

    def team_best(
        self,
        actor: User,
        texts: Sequence[str],
        *,
        objection: str,
        exclude_attempt: int | None = None,
        min_overall: int = 0,
        k: int = 3,
        pool: int = 40,
        query_embeddings: np.ndarray | None = None,
    ) -> list[ReplyHit]:
        """Better-scoring teammates' replies to the same objection, close to what the rep said.

        Of the ``pool`` nearest replies in the team's collection for this objection,
        those by other reps, from other attempts and scored above ``min_overall``
        are ranked by score, then closeness; one per attempt.

        The query vectors are ``query_embeddings`` when given (one row per text);
        otherwise the replies of ``exclude_attempt`` already stored in this collection
        lend theirs (the scorecard asks right after indexing the attempt, so nothing
        is embedded twice, even in a new process), and only the other texts are embedded.
        """
        if actor.team_id is None:
            return []
        col = self.collection_for(actor.team_id, objection)
        if query_embeddings is None and exclude_attempt is not None:
            query_embeddings = self._stored_or_embedded(col, exclude_attempt, texts)
        hits = self._query([col], texts, None, pool, query_embeddings)
        best: dict[int, ReplyHit] = {}
        for h in hits:
            if h.user == actor.email or h.attempt_id == exclude_attempt or h.overall <= min_overall:
                continue
            if h.attempt_id not in best:
                best[h.attempt_id] = h
        return sorted(best.values(), key=lambda h: (-h.overall, h.distance, h.id))[:k]

    def _stored_or_embedded(self, col: Any, attempt_id: int, texts: Sequence[str]) -> np.ndarray | None:
        """Vectors for ``texts``: this attempt's stored reply vectors where a text matches, else embedded."""
        got = col.get(where={"attempt": int(attempt_id)}, include=["documents", "embeddings"])
        stored: dict[str, np.ndarray] = {}
        vectors = got.get("embeddings")
        if vectors is not None:
            for doc, vec in zip(got.get("documents") or [], vectors, strict=True):
                stored[str(doc)] = np.asarray(vec, dtype=np.float32)
        if not stored:
            return None
        missing = [t for t in dict.fromkeys(texts) if t.strip() and t not in stored]
        if missing:
            stored.update(zip(missing, self.embedder.embed(missing), strict=True))
        blank = np.zeros(self.embedder.dim, dtype=np.float32)  # empty texts: dropped by ``_query``
        return np.stack([stored.get(t, blank) for t in texts])

    def own_replies(
        self, actor: User, *, objection: str | None = None, texts: Sequence[str] = (), k: int = 10
    ) -> list[ReplyHit]:
        """The acting rep's own past replies (to one objection type), nearest first or newest first."""
        if actor.team_id is None:
            return []
        shards = self._team_shards(actor.team_id, objection)
        where = {"user": actor.email}
        if texts:
            return self._query(shards, texts, where, k)
        hits: list[ReplyHit] = []
        for col in shards:
            got = col.get(where=where, include=["documents", "metadatas"])
            hits.extend(
                reply_hit(i, d, 0.0, cast(dict[str, Any], m))
                for i, d, m in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True)
            )
        return sorted(hits, key=lambda h: (h.when, h.id), reverse=True)[:k]

    def search(
        self,
        actor: User,
        query: str,
        *,
        team_id: int,
        user: str | None = None,
        objection: str | None = None,
        scenario: str | None = None,
        week: str | None = None,
        max_overall: int | None = None,
        min_overall: int | None = None,
        k: int = 10,
    ) -> list[ReplyHit]:
        """A manager's free-text search over the team's replies ("who discounted early?"), with filters."""
        if actor.role != "admin" and not (actor.role == "manager" and actor.team_id == team_id):
            raise PermissionDenied(
                f"{actor.label} may not search team {team_id}'s replies: only the team's "
                "manager (or an admin) may"
            )
        clauses = [
            c
            for c in (
                {"user": user.lower()} if user else None,
                {"scenario": scenario} if scenario else None,
                {"week": week} if week else None,
                {"overall": {"$lte": max_overall}} if max_overall is not None else None,
                {"overall": {"$gte": min_overall}} if min_overall is not None else None,
            )
            if c
        ]
        where = _where(*clauses) if clauses else None
        return self._query(self._team_shards(team_id, objection), [query], where, k)[:k]

    def count(self, team_id: int | None = None) -> int:
        """Stored replies (in one team, or in every collection of this index)."""
        if team_id is not None:
            return sum(int(c.count()) for c in self._team_shards(team_id))
        prefix = f"{self.base}-t"
        total = 0
        for col in self.client.list_collections():
            name = col if isinstance(col, str) else col.name
            if name.startswith(prefix):
                total += int(self.client.get_collection(name, embedding_function=self.ef).count())
        return total

    # --- scenarios (warm-ups) ---------------------------------------------------------------

    @staticmethod
    def scenario_document(s: Scenario) -> str:
        objection = s.objection.replace("_", " ")
        return (
            f"{objection} objection. {s.buyer.role} at {s.buyer.company}. {s.title}. {s.context} "
            f"{s.buyer.opening} Industry: {', '.join(s.tags)}."
        )

    def index_scenarios(self, scenarios: Iterable[Scenario]) -> int:
        """Add or refresh scenarios whose content changed; returns how many were (re)embedded."""
        items = {s.id: s for s in scenarios}
        if not items:
            return 0
        got = self.scenarios.get(ids=list(items), include=["metadatas"])
        known = {i: (m or {}).get("hash") for i, m in zip(got["ids"], got["metadatas"] or [], strict=True)}
        todo = [s for sid, s in items.items() if known.get(sid) != s.content_hash()]
        if todo:
            self.scenarios.upsert(
                ids=[s.id for s in todo],
                documents=[self.scenario_document(s) for s in todo],
                metadatas=[
                    {"hash": s.content_hash(), "objection": s.objection, "difficulty": s.difficulty}
                    for s in todo
                ],
            )
        return len(todo)

    def search_scenarios(self, text: str, k: int = 5, ids: Sequence[str] | None = None) -> list[ScenarioHit]:
        n = min(k, int(self.scenarios.count()))
        if n == 0 or not text.strip():
            return []
        res = self.scenarios.query(
            query_texts=[text], n_results=n, include=["distances"], ids=list(ids) if ids else None
        )
        return [
            ScenarioHit(i, float(d))
            for i, d in zip(res["ids"][0], (res["distances"] or [[]])[0], strict=True)
        ]
