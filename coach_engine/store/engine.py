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
import errno
import os
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


DATA_DIR_SETTING = "SCRIMMAGE_DATA_DIR"
DATABASE_URL_SETTING = "SCRIMMAGE_DATABASE_URL"

_READ_ONLY_ERRNOS = (errno.EROFS, errno.EACCES, errno.EPERM)


def _advice(setting: str) -> str:
    if setting == DATABASE_URL_SETTING:
        return f"point {setting} at a database in a writable folder"
    return f"point {setting} at a writable folder"


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return path


def check_writable_folder(folder: Path, *, setting: str = DATA_DIR_SETTING) -> None:
    """Create ``folder`` if missing; refuse one Scrimmage can't write in (issue 14), naming the path.

    A read-only folder (or file system), or a file where the folder should be, would otherwise surface
    later as "unable to open database file" or a bare ``[Errno 30]``. ``setting`` is the setting that chose
    the folder, so the message says which one to change.
    """
    from .records import NotWritable

    folder = folder.expanduser()
    label = "The database folder" if setting == DATABASE_URL_SETTING else "The data folder"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = _nearest_existing(folder)
        raise NotWritable(
            f"{label} {folder} can't be used: {blocker} is a file, not a folder. Move that file "
            f"aside, or {_advice(setting)}."
        ) from None
    except OSError as exc:
        if exc.errno not in _READ_ONLY_ERRNOS:
            raise
        blocker = _nearest_existing(folder)
        raise NotWritable(
            f"{label} {folder} can't be created: {blocker} {_read_only(blocker)}; "
            f"{_make_writable(blocker)}, or {_advice(setting)}."
        ) from None
    if not folder.is_dir():
        raise NotWritable(f"{label} {folder} is not a folder. Move it aside, or {_advice(setting)}.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise NotWritable(
            f"{label} {folder} {_read_only(folder)}: {_make_writable(folder)}, or {_advice(setting)}."
        )


def _check_sqlite_writable(path: Path, setting: str) -> None:
    """The database file's folder must be writable (SQLite keeps its journal there), and so must the file."""
    from .records import NotWritable

    check_writable_folder(path.parent, setting=setting)
    if path.is_file() and not os.access(path, os.W_OK):
        raise NotWritable(
            f"The database {path} is read-only: make it writable (for example `chmod u+w {path}`), "
            f"or {_advice(setting)}."
        )


def _on_read_only_fs(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs (Windows): say "read-only" and suggest chmod
        return False


def _read_only(path: Path) -> str:
    return "is on a read-only file system" if _on_read_only_fs(path) else "is read-only"


def _make_writable(path: Path) -> str:
    if _on_read_only_fs(path):
        return f"mount {path} read-write"
    return f"make {path} writable (for example `chmod u+w {path}`)"


def make_engine(url: str, *, setting: str = DATABASE_URL_SETTING) -> Engine:
    """An engine for ``url``; a SQLite file's folder is created if missing.

    A SQLite file that is empty or not SQLite, or that can't be written (a read-only file or folder), is
    refused with a ``StoreError`` that names the path and says what to do; ``setting`` names the setting
    that chose the file (``SCRIMMAGE_DATA_DIR`` when the URL is the default one inside the data folder).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            _check_sqlite_file(Path(database).expanduser())
            _check_sqlite_writable(Path(database).expanduser(), setting)
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
