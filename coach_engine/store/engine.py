"""Engines and migrations: one SQLAlchemy engine per URL, migrated to head on open.

SQLite (the zero-setup default) runs in WAL mode with foreign keys on and a
busy timeout, so the app, the CLI and a drill in another process can share the
file. PostgreSQL is reached through ``SCRIMMAGE_DATABASE_URL``
(``postgresql+psycopg://...``). Migrations run programmatically with Alembic
on every open: there is no alembic.ini and nothing to remember to run.

Opening a database that is already at head is the common case (every app
start, every CLI call), and importing Alembic costs about a second on a busy
box (docs/PERFORMANCE.md §4). So ``migrate`` first compares the database's
``alembic_version`` rows with the head revisions of the migrations package —
read from the version files' ``revision``/``down_revision`` lines without
importing them, so a new migration is picked up with no list to update — and
imports Alembic only when they differ (or cannot be read).

Why not Alembic's ``ScriptDirectory.from_config(cfg).get_heads()`` for that
check (issue 16 asked): it imports about 50 Alembic modules and executes every
version file, ~95 ms against ~6 ms for reading the files' text (fresh process,
quiet 2-core box, 8 migrations), and the app's first paint is promised to load
no Alembic at all (``tests/app/test_app_first_paint.py``). So ``ScriptDirectory``
stays the reference instead: ``tests/integration/test_store_migrate_at_head.py``
checks that both find the same heads, for the shipped migrations and for
branches and merges. Where they could still differ, the reader fails safe:
a version file it cannot read means "not at head", and Alembic decides.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


_SQLITE_MAGIC = b"SQLite format 3\x00"


def _check_sqlite_file(path: Path) -> None:
    """Refuse a database file that exists but is empty or not SQLite (issue 14).

    SQLite would treat a 0-byte file as a new database: the migrations would build empty tables and the
    app would seed the demo team over what was lost. Say so instead, and say how to restore.
    """
    if not path.is_file():
        return
    with path.open("rb") as fh:
        head = fh.read(len(_SQLITE_MAGIC))
    if head == _SQLITE_MAGIC:
        return
    what = "is empty (0 bytes)" if not head else "is not a SQLite database"
    from .records import StoreError

    raise StoreError(
        f"The database {path} {what}: it may have been truncated or overwritten, so Scrimmage will not "
        "start a new one over it. Restore it from your backup, or move it aside (for example "
        f"`mv {path} {path}.broken`) to start fresh."
    )


def make_engine(url: str) -> Engine:
    """An engine for ``url``; a SQLite file's folder is created if missing."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            _check_sqlite_file(Path(database).expanduser())
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _revision_ids(value: Any) -> set[str]:
    if value is None:
        return set()
    if isinstance(value, str):
        return {value}
    if isinstance(value, (tuple, list)) and all(isinstance(v, str) for v in value):
        return set(value)
    raise ValueError(f"unexpected revision value {value!r}")


def _read_revision(path: Path) -> tuple[str, set[str]]:
    """A version file's ``revision`` and ``down_revision`` (literals read from its source, not imported)."""
    found: dict[str, Any] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                    found[target.id] = ast.literal_eval(node.value) if node.value is not None else None
    revision = found.get("revision")
    if not isinstance(revision, str) or "down_revision" not in found:
        raise ValueError(f"{path.name} does not name its revision and down_revision")
    return revision, _revision_ids(found["down_revision"])


@lru_cache(maxsize=8)
def head_revisions(versions: Path = MIGRATIONS / "versions") -> frozenset[str] | None:
    """The head revision ids of the migrations package, or None if the version files cannot be read.

    Alembic's own rule: a head is a revision no other revision names as its down revision.
    """
    try:
        revisions: set[str] = set()
        downs: set[str] = set()
        for path in versions.glob("*.py"):
            if path.name == "__init__.py" or path.name.startswith(".#"):  # Alembic's own file rule
                continue
            revision, down = _read_revision(path)
            revisions.add(revision)
            downs |= down
    except (OSError, SyntaxError, ValueError):
        return None
    heads = frozenset(revisions - downs)
    return heads or None


def current_revisions(engine: Engine) -> frozenset[str] | None:
    """The revisions recorded in the database's ``alembic_version`` (None when there is no such table)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
        return frozenset(str(r[0]) for r in rows)


def at_head(engine: Engine) -> bool:
    """Whether the database is already at the migrations' head (cheap: no Alembic import)."""
    heads = head_revisions()
    if heads is None:
        return False
    try:
        return current_revisions(engine) == heads
    except Exception:  # unreadable: let Alembic look (and say what is wrong)
        return False


def migrate(engine: Engine) -> None:
    """Apply every pending migration (idempotent); a database already at head costs one query."""
    if at_head(engine):
        return
    upgrade(engine)


def upgrade(engine: Engine) -> None:
    """Run Alembic's ``upgrade head`` on ``engine`` (imports Alembic)."""
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
