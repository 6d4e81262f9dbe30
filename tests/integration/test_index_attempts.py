"""The attempt index on embedded Chroma and on a real `chroma run` server, plus feedback from memory."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from coach_engine.embeddings import CachedEmbedder, HashEmbedder
from coach_engine.memory import enrich, index_attempt, remember
from coach_engine.models import Scorecard, SkillScore
from coach_engine.scenarios import ScenarioBank
from coach_engine.store import PermissionDenied, Store
from coach_engine.store.index import AttemptIndex, ScrimmageEmbeddingFunction
from coach_engine.warmup import match_warmups

from .conftest import Team

EMB = CachedEmbedder(HashEmbedder())


def card(sid: str, overall: int) -> Scorecard:
    return Scorecard(
        scenario_id=sid,
        rubric="objection-handling",
        grader="test",
        overall=overall,
        skills=[SkillScore(id="explore", name="Explore", score=max(1, overall // 20))],
    )


def drill(
    store: Store,
    index: AttemptIndex | None,
    user: Any,
    sid: str,
    bank: ScenarioBank,
    replies: list[str],
    overall: int,
    when: datetime,
) -> int:
    scenario = bank.get(sid)
    a = store.start_attempt(user, scenario, at=when)
    store.record_turn(user, a.id, 0, "buyer", scenario.buyer.opening)
    for i, text in enumerate(replies):
        store.record_turn(user, a.id, 2 * i + 1, "rep", text)
        store.record_turn(user, a.id, 2 * i + 2, "buyer", "Go on.")
    store.clock = lambda: when + timedelta(minutes=5)
    try:
        remember(store, index, user, a.id, card(sid, overall))
    finally:
        store.clock = lambda: datetime.now(UTC)
    return a.id


@pytest.fixture
def index(chroma_client: Any, index_prefix: str) -> AttemptIndex:
    return AttemptIndex(chroma_client, EMB, prefix=index_prefix)


@pytest.fixture
def history(store: Store, team: Team, index: AttemptIndex, bank: ScenarioBank) -> dict[str, int]:
    t = datetime(2026, 11, 10, 15, tzinfo=UTC)
    ids = {
        "ria_price_good": drill(
            store,
            index,
            team.rep2,
            "cfo-price-routing",
            bank,
            ["What makes the price feel high compared with what you budgeted?"],
            88,
            t,
        ),
        "ria_price_ok": drill(
            store,
            index,
            team.rep2,
            "dental-price-scheduling",
            bank,
            ["What makes the price feel high for your practice?"],
            70,
            t + timedelta(days=1),
        ),
        "ria_budget": drill(
            store,
            index,
            team.rep2,
            "restaurant-budget-inventory",
            bank,
            ["What makes the price feel high compared with the budget?"],
            95,
            t,
        ),
        "olga_price": drill(
            store,
            index,
            team.other_rep,
            "cfo-price-routing",
            bank,
            ["What makes the price feel high to you?"],
            99,
            t,
        ),
        "rob_old": drill(
            store,
            index,
            team.rep,
            "cfo-price-routing",
            bank,
            ["We can knock 20% off if you sign today."],
            30,
            t - timedelta(days=7),
        ),
        "rob_now": drill(
            store,
            index,
            team.rep,
            "cfo-price-routing",
            bank,
            ["What feels high about the price?", "We could discount it."],
            55,
            t + timedelta(days=2),
        ),
    }
    return ids


def test_team_best_and_memory(store: Store, team: Team, index: AttemptIndex, history: dict[str, int]) -> None:
    hits = index.team_best(
        team.rep,
        ["What feels high about the price?"],
        objection="price",
        exclude_attempt=history["rob_now"],
        min_overall=55,
    )
    # Same team, same objection, other reps, better scores, best first; not Olga (other team), not budget.
    assert [(h.user, h.overall) for h in hits] == [("ria@falcons.test", 88), ("ria@falcons.test", 70)]
    assert hits[0].week == "2026-W46" and hits[0].skills == {"explore": 4}

    card_ = enrich(store, index, team.rep, history["rob_now"])
    assert [(e.user, e.overall, e.when) for e in card_.from_team] == [
        ("ria@falcons.test", 88, "2026-11-10"),
        ("ria@falcons.test", 70, "2026-11-11"),
    ]
    assert card_.from_team[0].text.startswith("What makes the price feel high")
    assert [(p.week, p.average, p.attempts) for p in card_.trend] == [
        ("2026-W45", 30.0, 1),
        ("2026-W46", 55.0, 1),
    ]
    # The manager reviewing Rob's attempt sees the same examples; another team's rep may not look.
    assert enrich(store, index, team.manager, history["rob_now"]).from_team == card_.from_team
    with pytest.raises(PermissionDenied):
        enrich(store, index, team.other_rep, history["rob_now"])
    # First attempt ever on an objection: no trend.
    assert enrich(store, index, team.rep2, history["ria_budget"]).trend == []


def test_own_replies_and_manager_search(
    store: Store, team: Team, index: AttemptIndex, history: dict[str, int]
) -> None:
    mine = index.own_replies(team.rep, objection="price")
    assert [h.text for h in mine] == [
        "We could discount it.",
        "What feels high about the price?",
        "We can knock 20% off if you sign today.",
    ]
    found = index.search(team.manager, "discount 20% off if you sign", team_id=team.manager.team_id or 0, k=2)
    assert found[0].text == "We can knock 20% off if you sign today."
    low = index.search(team.manager, "discount", team_id=team.manager.team_id or 0, max_overall=40)
    assert {h.attempt_id for h in low} == {history["rob_old"]}
    only_ria = index.search(team.admin, "price", team_id=team.manager.team_id or 0, user="ria@falcons.test")
    assert {h.user for h in only_ria} == {"ria@falcons.test"}
    for who in (team.rep, team.other_manager):
        with pytest.raises(PermissionDenied, match="may not search"):
            index.search(who, "discount", team_id=team.manager.team_id or 0)


def test_index_is_idempotent(store: Store, team: Team, index: AttemptIndex, history: dict[str, int]) -> None:
    before = index.count()
    assert index_attempt(store, index, team.rep, history["rob_now"]) == 2
    assert index.count() == before


def test_new_process_reopens_with_our_embedding_function(tmp_path: Path) -> None:
    import chromadb

    path = tmp_path / "chroma"
    idx = AttemptIndex(chromadb.PersistentClient(path=str(path)), EMB, prefix="reopen")
    col = idx.collection_for(1, "price")
    col.add(ids=["a1-t1"], documents=["What makes the price feel high?"], metadatas=[{"user": "x@y.test"}])
    name = col.name
    child = textwrap.dedent(f"""
        import chromadb
        import coach_engine.store.index  # registers our embedding function
        col = chromadb.PersistentClient(path={str(path)!r}).get_collection({name!r})
        res = col.query(query_texts=["price feels high"], n_results=1)
        print(type(col._embedding_function).__name__ if hasattr(col, "_embedding_function") else "")
        print(res["ids"][0][0])
        print(col.configuration_json["embedding_function"]["name"])
    """)
    out = subprocess.run(
        [sys.executable, "-c", child],
        capture_output=True,
        text=True,
        timeout=120,
        env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.split()
    assert lines[-2:] == ["a1-t1", "scrimmage"]
    assert (
        ScrimmageEmbeddingFunction.build_from_config({"embedder": "hash:256", "dim": 256}).embedder.dim == 256
    )


def test_warmup_through_the_index(
    index: AttemptIndex, bank: ScenarioBank, embedder: Any, index_prefix: str
) -> None:
    # The real model: meaning matters here.
    real = AttemptIndex(index.client, embedder, prefix=f"{index_prefix}-real")
    matches = match_warmups("CFO at a logistics firm, says budget is frozen", bank, embedder, index=real)
    assert matches[0].scenario.id == "cfo-price-routing"
    assert "CFO" in matches[0].why and "logistics" in matches[0].why
    assert {m.scenario.objection for m in matches} & {"budget", "price"}
    again = match_warmups("CFO at a logistics firm, says budget is frozen", bank, embedder)  # in memory
    assert [m.scenario.id for m in again][:1] == ["cfo-price-routing"]
    with pytest.raises(ValueError, match="Describe the upcoming call"):
        match_warmups("  ", bank, embedder)
