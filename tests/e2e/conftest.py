"""Browser fixtures: `streamlit run app.py` on 127.0.0.1 with its own data dir, and headless Chromium.

Debian's chromium is driven by Playwright (never `playwright install`). The
DOM is empty until Streamlit's websocket renders, so helpers wait for rendered
elements (and for the "running" widget to go away), never for the load event.
Screenshots of every page, at desktop and phone width, go to
``test-artifacts/screenshots`` (printed at the start of the run).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.app.conftest import PASSWORD, seed_team

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def app_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The running app's data dir (its SQLite store is ``scrimmage.db``): tests open the store to compare."""
    return tmp_path_factory.mktemp("e2e") / "data"


def healthy(url: str, seconds: float) -> bool:
    """Whether ``url``'s Streamlit health check answers ``ok`` within ``seconds`` (direct or proxied)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return True
        except OSError:
            time.sleep(0.3)
    return False


class AppServer:
    """``streamlit run app.py`` on a free 127.0.0.1 port with the given settings; its log sits in ``root``."""

    def __init__(self, root: Path, settings: dict[str, str], name: str = "streamlit"):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = root / f"{name}.log"
        env = {k: v for k, v in os.environ.items()
               if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SCRIMMAGE_EMBEDDING_BACKEND")}
        env.update(HF_HUB_OFFLINE="1", SCRIMMAGE_SEED_DEMO="false", **settings)
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=REPO, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )
        if not healthy(self.url, 60):
            self.stop()
            pytest.fail(f"streamlit did not start; see {self.log_path}")

    def stop(self) -> None:
        stop_process(self.proc)
        self._log.close()


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    """Terminate a server the tests started; kill it if it has not gone within 10 s."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def need_chromium() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install -y chromium)")


@pytest.fixture(scope="session")
def app_url(app_data: Path) -> Iterator[str]:
    """A running app with a seeded team; its log is kept next to the data dir."""
    need_chromium()
    seed_team(app_data)
    server = AppServer(app_data.parent, {"SCRIMMAGE_DATA_DIR": str(app_data)})
    SHOTS.mkdir(parents=True, exist_ok=True)
    print(f"\n[e2e] app at {server.url}; log {server.log_path}; screenshots in {SHOTS}")
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def new_page(browser):  # type: ignore[no-untyped-def]
    """new_page(viewport=DESKTOP) -> a page in a fresh context (a fresh Streamlit session)."""
    contexts = []

    def make(viewport: dict[str, int] = DESKTOP):  # type: ignore[no-untyped-def]
        ctx = browser.new_context(viewport=viewport)
        ctx.set_default_timeout(180_000)  # the machine may be busy; the model loads once
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in contexts:
        ctx.close()


def settle(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until Streamlit has rendered and finished running the script (and any rerun it asked for)."""
    page.wait_for_selector("[data-testid=stApp][data-test-connection-state=CONNECTED]", timeout=180_000)
    for _ in range(2):  # a page may st.rerun() once right after a run
        page.wait_for_timeout(400)
        page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=180_000)
    page.wait_for_selector("[data-testid=stStatusWidget]", state="detached", timeout=180_000)


def shot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    """A whole-page screenshot: Streamlit scrolls inside its own container, so grow the viewport first."""
    settle(page)
    path = SHOTS / f"{name}.png"
    size = page.viewport_size
    height = page.evaluate(
        "Math.max(...[...document.querySelectorAll('[data-testid=stMainBlockContainer], "
        "[data-testid=stSidebarContent]')].map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], int(height) + 160)})
    page.wait_for_timeout(500)
    page.screenshot(path=str(path))
    page.set_viewport_size(size)
    return path


def open_as(page, base: str, who: str, path: str = "") -> None:  # type: ignore[no-untyped-def]
    """Open ``path`` signed in as ``who`` through the sign-in form (password mode: the seeded team's
    password is ``PASSWORD``). The browser forgets any earlier sign-in first (the session cookie would
    otherwise carry the last person across the page load)."""
    page.context.clear_cookies()
    page.goto(f"{base}/{path}")  # no address signs anyone in: the form does
    page.wait_for_selector("[data-testid=stMainBlockContainer] h1")
    settle(page)
    email = page.locator(".st-key-signin_email input")
    if email.count():
        email.fill(who)
        page.locator(".st-key-signin_password input").fill(PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.locator(".st-key-signin_email").wait_for(state="detached")
        page.wait_for_selector("[data-testid=stMainBlockContainer] h1")
        settle(page)


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    """Say where the screenshots are, even when output is captured."""
    if SHOTS.is_dir() and any(SHOTS.glob("*.png")):
        terminalreporter.write_line(f"[e2e] screenshots: {SHOTS}")
