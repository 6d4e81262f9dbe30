"""A data folder Scrimmage can't write in (issue 14): the CLI says what is wrong, names the path and says
what to do, instead of "unable to open database file" or a bare errno.

Read-only is made the real way: ``chmod 0555`` for a normal user. Root ignores modes, so as root the
folder is bind-mounted read-only in a private mount namespace (``unshare -m``) around the command; where
that isn't allowed the read-only cases are skipped. A file where the folder should be works for anyone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from coach_engine.store import SYSTEM, NotWritable, Store, check_writable_folder

EXE = Path(sys.executable).with_name("scrimmage")
CLI = [str(EXE)] if EXE.exists() else [sys.executable, "-c", "from coach_engine.cli import main; main()"]
ROOT = os.geteuid() == 0
ADVICE = "or point SCRIMMAGE_DATA_DIR at a writable folder"


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SCRIMMAGE_DATABASE_URL"}
    env.update(SCRIMMAGE_DATA_DIR=str(data_dir), SCRIMMAGE_EMBEDDING_BACKEND="hash", COLUMNS="300", **extra)
    return env


def _can_mount_read_only(tmp_path: Path) -> bool:
    probe = tmp_path / "probe"
    probe.mkdir()
    if shutil.which("unshare") is None:
        return False
    script = 'mount --bind -o ro "$1" "$1" && touch "$1/x"'
    done = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", str(probe)], capture_output=True,
                          text=True, timeout=30)
    return done.returncode != 0 and "Read-only" in done.stderr and not (probe / "x").exists()


@contextmanager
def _read_only(folder: Path, tmp_path: Path) -> Iterator[list[str]]:
    """Make ``folder`` read-only while the yielded command prefix runs (empty: nothing to prefix)."""
    if not ROOT:
        folder.chmod(0o555)
        try:
            yield []
        finally:
            folder.chmod(0o755)
        return
    if not _can_mount_read_only(tmp_path):
        pytest.skip("running as root, and no read-only bind mount is allowed here (unshare -m)")
    yield ["unshare", "-m", "sh", "-c", 'd="$1"; shift; mount --bind -o ro "$d" "$d" && exec "$@"', "sh",
           str(folder)]


def _run(prefix: list[str], env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*prefix, *CLI, *args], env=env, capture_output=True, text=True, timeout=300)


def _seeded(data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    store = Store.open(f"sqlite:///{data_dir / 'scrimmage.db'}")
    store.add_user(SYSTEM, "sam@example.com", "Sam Okafor", role="rep", team="north")
    store.close()


def _said(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "Unexpected error" not in done.stderr
    return " ".join(done.stderr.split())


@pytest.mark.parametrize("command", [["leaderboard", "--team", "north"], ["seed-demo"]])
def test_a_read_only_data_dir_is_named_with_what_to_do(tmp_path, command):
    data_dir = tmp_path / "ro-data"
    _seeded(data_dir)
    with _read_only(data_dir, tmp_path) as prefix:
        said = _said(_run(prefix, _env(data_dir), *command))
    assert f"The data folder {data_dir} is" in said
    assert ("read-only file system" in said) if ROOT else ("is read-only" in said)
    assert ADVICE in said
    assert "unable to open database file" not in said


def test_a_data_dir_that_cannot_be_created_names_the_read_only_parent(tmp_path):
    parent = tmp_path / "ro-parent"
    parent.mkdir()
    data_dir = parent / "data"
    with _read_only(parent, tmp_path) as prefix:
        said = _said(_run(prefix, _env(data_dir), "leaderboard", "--team", "north"))
    assert f"The data folder {data_dir} can't be created: {parent} is" in said
    assert ADVICE in said
    assert "Errno" not in said


def test_an_explicit_sqlite_url_in_a_read_only_folder_names_that_setting(tmp_path):
    folder = tmp_path / "ro-db"
    _seeded(folder)
    env = _env(tmp_path / "data", SCRIMMAGE_DATABASE_URL=f"sqlite:///{folder / 'scrimmage.db'}")
    with _read_only(folder, tmp_path) as prefix:
        said = _said(_run(prefix, env, "leaderboard", "--team", "north"))
    assert f"The database folder {folder} is" in said
    assert "point SCRIMMAGE_DATABASE_URL at a database in a writable folder" in said


def test_a_file_where_the_data_dir_should_be_is_named(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    for data_dir in (blocker, blocker / "data"):
        said = _said(_run([], _env(data_dir), "leaderboard", "--team", "north"))
        assert f"The data folder {data_dir} can't be used: {blocker} is a file, not a folder" in said
        assert ADVICE in said


@pytest.mark.skipif(ROOT, reason="root can write a 0444 file")
def test_a_read_only_database_file_is_named(tmp_path):
    data_dir = tmp_path / "data-ro-file"
    _seeded(data_dir)
    db = data_dir / "scrimmage.db"
    db.chmod(0o444)
    try:
        said = _said(_run([], _env(data_dir), "leaderboard", "--team", "north"))
    finally:
        db.chmod(0o644)
    assert f"The database {db} is read-only: make it writable" in said
    assert ADVICE in said


def test_check_writable_folder_creates_a_missing_folder_and_refuses_a_file(tmp_path):
    check_writable_folder(tmp_path / "a" / "b")
    assert (tmp_path / "a" / "b").is_dir()
    (tmp_path / "f").write_text("x")
    with pytest.raises(NotWritable, match="is a file, not a folder"):
        check_writable_folder(tmp_path / "f" / "sub")
