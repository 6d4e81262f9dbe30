"""Opening a store: a database already at head skips Alembic; an older or empty one is still migrated."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from coach_engine.store import SYSTEM, Store, make_engine
from coach_engine.store import engine as store_engine


def _version(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as c:
            return {r[0] for r in c.execute(text("SELECT version_num FROM alembic_version"))}
    finally:
        engine.dispose()


def _count_upgrades(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = store_engine.upgrade

    def counting(engine):  # type: ignore[no-untyped-def]
        calls.append(1)
        real(engine)

    monkeypatch.setattr(store_engine, "upgrade", counting)
    return calls


def test_head_is_read_from_the_migrations_package() -> None:
    heads = ScriptDirectory.from_config(store_engine.alembic_config()).get_heads()
    assert store_engine.head_revisions() == frozenset(heads)


def test_a_new_database_is_migrated_and_a_database_at_head_is_not(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    upgrades = _count_upgrades(monkeypatch)
    s1 = Store.open(db_url)
    s1.add_user(SYSTEM, "ann@x.test", "Ann", "rep", "Falcons")
    s1.close()
    assert upgrades == [1]
    assert _version(db_url) == set(store_engine.head_revisions() or ())

    s2 = Store.open(db_url)  # at head: one query, no Alembic
    assert upgrades == [1]
    assert s2.count_users() == 1
    s2.close()


def test_an_older_database_is_still_migrated(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(db_url)
    cfg = store_engine.alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0001")
    assert not store_engine.at_head(engine)
    engine.dispose()

    upgrades = _count_upgrades(monkeypatch)
    store = Store.open(db_url)
    assert upgrades == [1]
    assert _version(db_url) == set(store_engine.head_revisions() or ())
    with store.engine.connect() as c:
        assert "ix_attempts_team_scenario_started" in {i["name"] for i in inspect(c).get_indexes("attempts")}
    store.close()


def test_an_unknown_revision_goes_to_alembic(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A revision this code does not know is Alembic's to judge (it says what is wrong), never skipped."""
    Store.open(db_url).close()
    engine = make_engine(db_url)
    with engine.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
    assert not store_engine.at_head(engine)
    engine.dispose()
    with pytest.raises(Exception, match="ffff"):
        Store.open(db_url)


def _write_revision(folder: Path, name: str, revision: str, down: str | tuple[str, ...] | None) -> None:
    (folder / f"{name}.py").write_text(
        f'"""{name}."""\n\nfrom alembic import op\n\nrevision = {revision!r}\ndown_revision = {down!r}\n'
        "branch_labels = None\n\n\ndef upgrade() -> None:\n    op.execute('SELECT 1')\n"
    )


def _alembic_heads(versions: Path) -> frozenset[str]:
    """What Alembic itself says the heads of ``versions`` are (the reference the cheap reader must match)."""
    return frozenset(ScriptDirectory(str(versions.parent), version_locations=[str(versions)]).get_heads())


def test_head_follows_new_revision_files(tmp_path: Path) -> None:
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "__init__.py").write_text("")

    def heads() -> frozenset[str] | None:
        found = store_engine.head_revisions(versions)
        store_engine.head_revisions.cache_clear()
        assert found == _alembic_heads(versions)
        return found

    _write_revision(versions, "0001_a", "0001", None)
    _write_revision(versions, "0002_b", "0002", "0001")
    assert heads() == {"0002"}
    _write_revision(versions, "0003_c", "0003", "0002")  # a migration someone just added
    assert heads() == {"0003"}
    _write_revision(versions, "0004_d", "0004", "0002")  # two branches: two heads, as Alembic sees them
    assert heads() == {"0003", "0004"}
    _write_revision(versions, "0005_merge", "0005", ("0003", "0004"))
    assert heads() == {"0005"}
    _write_revision(versions, "_0006_e", "0006", "0005")  # Alembic skips only __init__.py and .# files
    (versions / ".#0007_lock.py").write_text("not python (")
    assert heads() == {"0006"}


def test_unreadable_revision_files_mean_always_migrate(tmp_path: Path) -> None:
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "0001_x.py").write_text("revision = make_id()\ndown_revision = None\n")
    assert store_engine.head_revisions(versions) is None
    store_engine.head_revisions.cache_clear()


def test_opening_a_database_at_head_does_not_import_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    Store.open(url).close()
    code = (
        "import sys\n"
        "from coach_engine.store import Store\n"
        f"Store.open({url!r}).close()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
