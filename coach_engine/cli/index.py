"""`scrimmage index rebuild`: the reply index rebuilt from the database, which is the source of truth.

Chroma holds a derived copy (every graded rep reply, for "from your team" and
the warm-up), so when its folder is deleted, corrupted or missed writes while it
was unavailable, nothing is lost: this re-indexes every completed attempt of
every team from SQL. Writes are upserts keyed by attempt and turn, so running it
twice changes nothing (issue 14).
"""

from __future__ import annotations

import typer

from .common import console, fail

app = typer.Typer(help="The reply index (Chroma): rebuild it from the database.", no_args_is_help=True)


@app.command("rebuild")
def rebuild() -> None:
    """Re-index every completed attempt of every team from the database (idempotent)."""
    from ..embeddings import get_embedder
    from ..store import SYSTEM, Store, StoreError
    from ..store.index import AttemptIndex
    from .common import settings

    s = settings()
    try:
        store = Store.from_settings(s)
    except StoreError as exc:
        fail(str(exc))
    try:
        index = AttemptIndex.from_settings(s, get_embedder(s))
    except Exception as exc:
        fail(f"the reply index at {s.data_dir} could not be opened ({exc}); check SCRIMMAGE_DATA_DIR")
    teams = sorted({u.team for u in store.list_users(SYSTEM) if u.team})
    attempts = replies = 0
    for name in teams:
        timezone = store.get_team(SYSTEM, name).timezone
        items = []
        for attempt in store.team_attempts(SYSTEM, name, status="completed"):
            card = store.scorecard(SYSTEM, attempt.id)
            if card is not None:
                items.append((attempt, store.transcript_turns(SYSTEM, attempt.id), card))
        replies += index.add_attempts(items, timezone)
        attempts += len(items)
    console.print(f"Re-indexed {replies} replies from {attempts} completed attempts over {len(teams)} "
                  f"team(s).", highlight=False)


__all__ = ["app"]
