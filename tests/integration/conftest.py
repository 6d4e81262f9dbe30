"""Real backends for the store and index tests: the same tests run on each.

* ``store`` runs every test on SQLite in tmp_path and on a real PostgreSQL 15:
  a throwaway cluster started once per session (Debian's binaries in
  /usr/local/bin or on PATH, run as ``nobody`` when we are root because initdb
  refuses root) on a free 127.0.0.1 port, with a fresh database per test.
* ``chroma_client`` runs on an embedded ``PersistentClient`` in tmp_path and on
  a real ``chroma run --host 127.0.0.1`` server (its request log goes to a file).

A backend whose binaries are missing is skipped with a reason; nothing else is.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from coach_engine.models import Scenario, Scorecard, SkillScore
from coach_engine.store import SYSTEM, Store, User

VENV_BIN = Path(sys.executable).parent
PG_DIRS = [Path("/usr/local/bin"), Path("/usr/lib/postgresql/15/bin")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_binary(name: str) -> str | None:
    for d in PG_DIRS:
        if (d / name).exists():
            return str(d / name)
    return shutil.which(name)


class Postgres:
    """A throwaway PostgreSQL cluster in a temp dir."""

    def __init__(self) -> None:
        self.initdb, self.pg_ctl = _pg_binary("initdb"), _pg_binary("pg_ctl")
        self.root = Path(tempfile.mkdtemp(prefix="scrimmage-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.runas: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.root, user="nobody")
            self.runas = ["runuser", "-u", "nobody", "--"]
        self._ids = itertools.count(1)

    def start(self) -> None:
        assert self.initdb and self.pg_ctl
        subprocess.run(
            [
                *self.runas,
                self.initdb,
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "--no-sync",
                "-E",
                "UTF8",
            ],
            check=True,
            capture_output=True,
        )
        opts = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
            # Each test's CREATE DATABASE writes the template into the WAL: keep the WAL recycled
            # small, so a full run's disk stays in tens of MB, not gigabytes, on a small CI /tmp.
            " -c wal_level=minimal -c max_wal_senders=0 -c max_wal_size=64MB -c min_wal_size=32MB"
        )
        subprocess.run(
            [
                *self.runas,
                self.pg_ctl,
                "-D",
                str(self.data),
                "-o",
                opts,
                "-l",
                str(self.root / "server.log"),
                "-w",
                "start",
            ],
            check=True,
            capture_output=True,
        )

    def stop(self) -> None:
        if self.pg_ctl and self.data.exists():
            subprocess.run(
                [*self.runas, self.pg_ctl, "-D", str(self.data), "-m", "immediate", "stop"],
                capture_output=True,
            )
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        import psycopg

        name = f"t{os.getpid()}_{next(self._ids)}"
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a test's database once it is done (FORCE closes what a test left open)."""
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    pg = Postgres()
    if not (pg.initdb and pg.pg_ctl):
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) not found in /usr/local/bin or on PATH")
    try:
        pg.start()
    except subprocess.CalledProcessError as exc:
        pg.stop()
        pytest.fail(f"could not start PostgreSQL: {exc.stderr.decode(errors='replace')}")
    yield pg
    pg.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    pg: Postgres = request.getfixturevalue("postgres")
    url = pg.new_database()
    yield url
    pg.drop_database(url)


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    st = Store.open(db_url)
    yield st
    st.close()


class ChromaServer:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="scrimmage-chroma-"))
        self.port = free_port()
        self.log_path = self.root / "chroma.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        exe = VENV_BIN / "chroma"
        log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [
                str(exe),
                "run",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--path",
                str(self.root / "db"),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        import urllib.request

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"chroma run exited: {self.log_path.read_text(errors='replace')[-2000:]}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", timeout=1)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("chroma run did not answer within 60 s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def chroma_server() -> Iterator[ChromaServer]:
    if not (VENV_BIN / "chroma").exists():
        pytest.skip("the `chroma` command is not installed next to this Python")
    server = ChromaServer()
    try:
        server.start()
    except RuntimeError as exc:
        server.stop()
        pytest.fail(str(exc))
    yield server
    server.stop()


_prefixes = itertools.count(1)


@pytest.fixture(params=["embedded", pytest.param("server", marks=pytest.mark.chroma_server)])
def chroma_client(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    import chromadb

    if request.param == "embedded":
        return chromadb.PersistentClient(path=str(tmp_path / "chroma"))
    server: ChromaServer = request.getfixturevalue("chroma_server")
    return chromadb.HttpClient(host="127.0.0.1", port=server.port)


@pytest.fixture
def index_prefix() -> str:
    """Collections are unique per test, so tests can share one Chroma server."""
    return f"t{os.getpid()}-{next(_prefixes)}"


class Team:
    """A small team for scope tests: a manager, two reps, and another team's manager and rep."""

    def __init__(self, store: Store):
        self.manager = store.add_user(
            SYSTEM, "mia@falcons.test", "Mia Manager", "manager", "Falcons", timezone="America/Los_Angeles"
        )
        self.rep = store.add_user(SYSTEM, "rob@falcons.test", "Rob Rep", "rep", "Falcons")
        self.rep2 = store.add_user(SYSTEM, "ria@falcons.test", "Ria Rep", "rep", "Falcons")
        self.other_manager = store.add_user(SYSTEM, "oscar@owls.test", "Oscar Other", "manager", "Owls")
        self.other_rep = store.add_user(SYSTEM, "olga@owls.test", "Olga Other", "rep", "Owls")
        self.admin = store.add_user(SYSTEM, "ada@hq.test", "Ada Admin", "admin")

    def everyone(self) -> list[User]:
        return [self.manager, self.rep, self.rep2, self.other_manager, self.other_rep, self.admin]


@pytest.fixture
def team(store: Store) -> Team:
    return Team(store)


def practise(
    store: Store,
    user: User,
    scenario: Scenario,
    overall: int,
    at: datetime,
    *,
    replies: int = 2,
    mode: str = "drill",
    skills: dict[str, int] | None = None,
    started: datetime | None = None,
) -> int:
    """A completed attempt as the app stores one: the buyer's opening, then ``replies`` rep/buyer turns."""
    skills = skills or {"explore": 3, "value": 3}
    a = store.start_attempt(user, scenario, mode=mode, at=started or at)
    store.record_turn(user, a.id, 0, "buyer", scenario.buyer.opening)
    for i in range(replies):
        store.record_turn(user, a.id, 2 * i + 1, "rep", f"Reply {i + 1}: what is behind that?")
        store.record_turn(user, a.id, 2 * i + 2, "buyer", "Fair question.")
    card = Scorecard(
        scenario_id=scenario.id,
        rubric="objection-handling",
        grader="test",
        overall=overall,
        skills=[SkillScore(id=k, name=k.title(), score=v) for k, v in skills.items()],
    )
    store.complete_attempt(user, a.id, card, at=at)
    return a.id
