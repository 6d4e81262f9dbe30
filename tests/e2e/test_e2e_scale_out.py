"""Scale-out in a real browser: two app servers sharing one PostgreSQL and one Chroma server.

Each server has its own data dir, so nothing on a server's disk is shared: a
reload that lands on the other server (as it may behind a reverse proxy with
no sticky sessions) must find the same person signed in, the same unfinished
drill, and the same store. Both servers answer on 127.0.0.1, one origin for
the browser's cookies, as one address behind a proxy would be. The proxy
itself is not part of the test (docs/DEPLOY.md has a configuration).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest

from coach_engine.store import Store
from tests.app.conftest import REP, seed_team
from tests.e2e.conftest import AppServer, need_chromium, open_as, settle
from tests.e2e.test_e2e_app import REPLIES, chat
from tests.integration.conftest import VENV_BIN, ChromaServer, Postgres

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.postgres, pytest.mark.chroma_server]


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, ChromaServer]]:
    """A PostgreSQL database with the seeded team, and a Chroma server."""
    need_chromium()
    pg = Postgres()
    if not (pg.initdb and pg.pg_ctl):
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) not found in /usr/local/bin or on PATH")
    if not (VENV_BIN / "chroma").exists():
        pytest.skip("the `chroma` command is not installed next to this Python")
    chroma = ChromaServer()
    try:
        pg.start()
        chroma.start()
        url = pg.new_database()
        seed_team(tmp_path_factory.mktemp("seed"), url)
        yield url, chroma
    except (subprocess.CalledProcessError, RuntimeError) as exc:
        pytest.fail(f"could not start the shared backends: {exc}")
    finally:
        chroma.stop()
        pg.stop()


@pytest.fixture(scope="module")
def servers(
    shared: tuple[str, ChromaServer], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[str]]:
    url, chroma = shared
    started = []
    try:
        for name in ("a", "b"):
            data = tmp_path_factory.mktemp(f"server-{name}")
            started.append(AppServer(data, {
                "SCRIMMAGE_DATA_DIR": str(data / "data"),
                "SCRIMMAGE_DATABASE_URL": url,
                "SCRIMMAGE_CHROMA_URL": f"http://127.0.0.1:{chroma.port}",
            }, name=f"streamlit-{name}"))
        yield [s.url for s in started]
    finally:
        for s in started:
            s.stop()


def _heading(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("heading", name=name).wait_for()
    settle(page)


def test_a_drill_started_on_one_server_is_resumed_finished_and_indexed_on_the_other(
    servers: list[str], shared: tuple[str, ChromaServer], new_page
) -> None:
    a, b = servers
    page = new_page()
    open_as(page, a, REP)
    page.locator(".st-key-practice_pick_cfo-price-routing button").click()
    page.locator(".st-key-practice_start button").wait_for()
    settle(page)
    page.locator(".st-key-practice_start button").click()
    page.wait_for_selector("[data-testid=stChatInputTextArea]")
    settle(page)
    chat(page, REPLIES[0])

    page.goto(f"{b}/practice")  # the next load lands on the other server: same person, same drill
    _heading(page, "Practice")
    assert "Sam Okafor" in page.inner_text("[data-testid=stSidebarContent]")
    page.get_by_text("Pick up where you left off").wait_for()
    page.locator("[class*=st-key-practice_resume_] button").first.click()
    page.wait_for_selector("[data-testid=stChatInputTextArea]")
    settle(page)
    assert REPLIES[0][:40] in page.inner_text("[data-testid=stMainBlockContainer]")
    chat(page, REPLIES[1])
    if page.locator(".st-key-practice_end button").is_enabled():
        page.locator(".st-key-practice_end button").click()
        settle(page)
    page.locator(".st-key-practice_grade button").click()
    page.get_by_text("Overall", exact=True).wait_for(timeout=180_000)
    settle(page)

    url, chroma = shared
    store = Store.open(url)
    try:
        rep = store.login(REP)
        attempts = store.list_attempts(rep)
        assert len(attempts) == 1
        turns = store.turns(rep, attempts[0].id)
        rep_turns = [t.text for t in turns if t.role == "rep"]
        assert rep_turns == [REPLIES[0], REPLIES[1]]  # nothing lost, nothing twice across the servers
        assert attempts[0].overall is not None
    finally:
        store.close()
    import chromadb

    client = chromadb.HttpClient(host="127.0.0.1", port=chroma.port)
    indexed = sum(c.count() for c in client.list_collections() if not c.name.endswith("-scenarios"))
    assert indexed == 2  # both replies, in the shared index

    page.locator(".st-key-identity_signout button").click()  # signing out on B ends it on A too
    page.get_by_text("You have signed out").wait_for()
    page.goto(f"{a}/progress")
    page.locator(".st-key-signin_email input").wait_for()
    assert page.locator(".st-key-identity_signout").count() == 0
