"""Scale-out in a real browser: two app servers sharing one PostgreSQL and one Chroma server, behind nginx.

Each server has its own data dir, so nothing on a server's disk is shared.
nginx (Debian's) proxies both, websocket upgrade included, as docs/DEPLOY.md
sets it up; instead of round-robin, which can't be aimed, the test picks the
server for each page load with a ``srv`` cookie that only nginx reads, as a
balancer without sticky sessions might send a reload anywhere. A reload that
lands on the other server must find the same person signed in, the same
unfinished drill, and the same store; nginx's log of upstreams shows which
server carried each websocket. The deploy page's own nginx block is checked
with ``nginx -t``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from coach_engine.store import Store
from tests.app.conftest import REP, seed_team
from tests.e2e.conftest import AppServer, _free_port, healthy, need_chromium, open_as, settle, stop_process
from tests.e2e.test_e2e_app import REPLIES, chat, end_and_grade
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


NGINX_CONF = """
{user}worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 256; }}
http {{
    log_format upstreams '$request_uri $upstream_addr $status';
    access_log {root}/access.log upstreams;
    client_body_temp_path {root}/body; proxy_temp_path {root}/proxy; fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi; scgi_temp_path {root}/scgi;
    map $cookie_srv $app {{ b 127.0.0.1:{b}; default 127.0.0.1:{a}; }}
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://$app;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_read_timeout 86400;
        }}
    }}
}}
"""


class Proxy:
    """nginx in front of ``servers``, round-robin, from a config in ``root``; ``streams()`` reads its log."""

    def __init__(self, root: Path, servers: list[str]):
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(nginx).exists():
            pytest.skip("nginx is not installed (apt-get install -y nginx)")
        self.root = root
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        a, b = (u.rsplit(":", 1)[1] for u in servers)
        self.upstreams = (f"127.0.0.1:{a}", f"127.0.0.1:{b}")
        conf = root / "nginx.conf"
        conf.write_text(NGINX_CONF.format(user="user root;\n" if os.geteuid() == 0 else "", root=root,
                                          a=a, b=b, port=self.port))
        self.proc = subprocess.Popen([nginx, "-p", str(root), "-c", str(conf), "-g", "daemon off;"],
                                     stdout=subprocess.DEVNULL, stderr=(root / "nginx.out").open("w"))
        if healthy(self.url, 30):
            return
        self.stop()
        said = (root / "nginx.out").read_text() + (root / "error.log").read_text()
        pytest.fail(f"nginx did not start: {said}")

    def streams(self) -> list[str]:
        """The server of each Streamlit websocket closed so far, in order (logged as each one ends)."""
        path = self.root / "access.log"
        lines = path.read_text().splitlines() if path.exists() else []
        return [line.split()[1] for line in lines if line.startswith("/_stcore/stream")]

    def stop(self) -> None:
        stop_process(self.proc)


@pytest.fixture(scope="module")
def proxy(servers: list[str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    p = Proxy(tmp_path_factory.mktemp("nginx"), servers)
    yield p
    p.stop()


def _heading(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("heading", name=name).wait_for()
    settle(page)


def _on(page, proxy: Proxy, server: str) -> None:  # type: ignore[no-untyped-def]
    """Send this browser's next page loads to server ``a`` or ``b`` (the cookie only nginx reads)."""
    page.context.add_cookies([{"name": "srv", "value": server, "url": proxy.url}])


def test_a_drill_started_on_one_server_is_resumed_finished_and_indexed_on_the_other(
    proxy: Proxy, shared: tuple[str, ChromaServer], new_page
) -> None:
    a, b = proxy.upstreams
    page = new_page()
    open_as(page, proxy.url, REP)  # (clears cookies: server a)
    page.locator(".st-key-practice_pick_cfo-price-routing button").click()
    page.locator(".st-key-practice_start button").wait_for()
    settle(page)
    page.locator(".st-key-practice_start button").click()
    page.wait_for_selector("[data-testid=stChatInputTextArea]")
    settle(page)
    chat(page, REPLIES[0])

    _on(page, proxy, "b")
    page.reload()  # the next load lands on the other server: same person, same drill
    _heading(page, "Practice")
    assert proxy.streams() == [a]  # the load that started the drill, closed by the reload, was on a
    assert "Sam Okafor" in page.inner_text("[data-testid=stSidebarContent]")
    page.get_by_text("Pick up where you left off").wait_for()
    page.locator("[class*=st-key-practice_resume_] button").first.click()
    page.wait_for_selector("[data-testid=stChatInputTextArea]")
    settle(page)
    assert REPLIES[0][:40] in page.inner_text("[data-testid=stMainBlockContainer]")
    chat(page, REPLIES[1])
    end_and_grade(page)

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

    page.locator(".st-key-identity_signout button").click()  # signed out on b: on a too
    page.get_by_text("You have signed out").wait_for()
    _on(page, proxy, "a")
    page.goto(f"{proxy.url}/progress")
    page.locator(".st-key-signin_email input").wait_for()
    assert page.locator(".st-key-identity_signout").count() == 0
    page.goto(f"{proxy.url}/practice")  # closes that load's websocket, so the log has it
    page.locator(".st-key-signin_email input").wait_for()
    assert proxy.streams() == [a, b, a]  # resumed, finished and signed out on b; signed out on a too


def test_the_deploy_pages_nginx_block_is_valid(tmp_path: Path) -> None:
    """docs/DEPLOY.md's nginx configuration, with addresses filled in, passes ``nginx -t``."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.skip("nginx is not installed (apt-get install -y nginx)")
    doc = (Path(__file__).resolve().parents[2] / "docs" / "DEPLOY.md").read_text()
    block = doc.split("```nginx", 1)[1].split("```", 1)[0]
    block = block.replace("listen 443 ssl;", f"listen 127.0.0.1:{_free_port()};")
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
                    f"http {{\naccess_log off;\n{block}\n}}\n")
    done = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
