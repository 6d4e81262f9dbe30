"""Cold start: ``streamlit run app.py`` to the Practice page in headless Chromium, and sign-in to the
first buyer line.

Why a real browser: Streamlit sends an empty page and renders over a
websocket, so neither the HTTP response nor the load event says the rep can
see anything (DESIGN.md, Known traps). Each figure waits for Streamlit's
rendered elements, found by the ``st-key-<key>`` classes the pages' widget
keys produce: the bank picker's cards on Practice, the first
``stChatMessage`` of a call.

Each sample is a fresh ``streamlit run`` process on a free port, with its
data directory seeded beforehand by ``scrimmage seed-demo`` (as ``make run``
does), so the figure is the process's cold start, not the demo seeding.
Chromium is Debian's (``/usr/bin/chromium``), driven by Playwright's Python
API with the project's flags, and is launched before the clock starts (a
rep's browser is already open).

* ``cold_start_first_paint``: from launching ``streamlit run`` to the first
  page a person sees rendered: the sign-in form (issue 14: no address signs
  anyone in).
* ``sign_in_to_first_buyer_line``: in a new browser session on the same
  server, from clicking "Sign in" (a rep's email and the demo's password
  typed in) to the buyer's opening line shown, through the real clicks
  (Sign in → a scenario card → "Start the call"). The app
  starts loading the embedding model in the background once the first page
  has painted. The call does not wait for it: the opening is the scenario's
  own line, and the rep's first reply is read once the model is in (issue 13:
  the first buyer line within a second of "Start the call").
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from .core import BenchContext, Figure, MissingPart, describe_error

__all__ = ["run_coldstart"]

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PRACTICE_READY = "[class*='st-key-practice_pick_'] button"
SIGNIN_FORM = ".st-key-signin_email input"
BENCH_PASSWORD = "bench password 1"
"""The quick seed's password (the demo's is random: ``seed-demo`` writes it to the data dir)."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(data_dir: Path) -> dict[str, str]:
    dropped = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SCRIMMAGE_DATABASE_URL", "SCRIMMAGE_CHROMA_URL")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        SCRIMMAGE_DATA_DIR=str(data_dir),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
        SCRIMMAGE_SEED_DEMO="false",
    )
    return env


def _seed(data_dir: Path, ctx: BenchContext) -> tuple[str, str]:
    """Seed the demo team (``scrimmage seed-demo``, as ``make run`` does); return a rep's email and password.

    ``--quick`` adds just a manager and a rep through the store instead: the
    demo's six weeks of drills take a minute or more to seed.
    """
    from sqlalchemy import select

    from ..accounts import read_demo_signin
    from ..store import SYSTEM, AccountStore, Store
    from ..store.schema import UserRow

    t0 = time.perf_counter()
    data_dir.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{data_dir / 'scrimmage.db'}"
    if ctx.quick:
        store = Store.open(url)
        try:
            store.add_user(SYSTEM, "coach@bench.example", "Bench Coach", "manager", "Bench")
            store.add_user(SYSTEM, "rep@bench.example", "Bench Rep", "rep", "Bench")
            AccountStore(store).set_password(SYSTEM, "rep@bench.example", BENCH_PASSWORD)
        finally:
            store.close()
    else:
        scrimmage = Path(sys.executable).with_name("scrimmage")
        cmd = [str(scrimmage)] if scrimmage.exists() else [sys.executable, "-m", "coach_engine.cli"]
        proc = subprocess.run(
            [*cmd, "seed-demo"], cwd=REPO, env=_env(data_dir), capture_output=True, text=True, timeout=900
        )
        if proc.returncode != 0:
            tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            raise RuntimeError(f"`scrimmage seed-demo` failed: {tail}")
    ctx.log(f"    seeded the app's data in {time.perf_counter() - t0:.0f} s")
    store = Store.open(url)
    try:
        with store.session() as s:
            email = s.scalar(select(UserRow.email).where(UserRow.role == "rep").order_by(UserRow.name))
    finally:
        store.close()
    if not email:
        raise RuntimeError("seeding created no rep")
    hint = None if ctx.quick else read_demo_signin(data_dir)
    return str(email), hint.password if hint else BENCH_PASSWORD


def _sign_in(page: Any, email: str, password: str) -> None:
    page.locator(SIGNIN_FORM).fill(email)
    page.locator(".st-key-signin_password input").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def _launch(port: int, data_dir: Path, log_path: Path) -> subprocess.Popen[bytes]:
    streamlit = Path(sys.executable).with_name("streamlit")
    cmd = [str(streamlit)] if streamlit.exists() else [sys.executable, "-m", "streamlit"]
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [
                *cmd,
                "run",
                "app.py",
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=REPO,
            env=_env(data_dir),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def _wait_health(port: int, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode} before serving")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"streamlit did not answer /_stcore/health within {timeout:.0f} s")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc), 0.0 where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _one_launch(
    browser: Any, data_dir: Path, login: tuple[str, str], ctx: BenchContext, log_path: Path
) -> tuple[float, float, dict[str, float]]:
    port = _free_port()
    parts: dict[str, float] = {}
    t0 = time.perf_counter()
    proc = _launch(port, data_dir, log_path)
    try:
        _wait_health(port, proc, timeout=90)
        parts["server_ready"] = time.perf_counter() - t0
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"http://127.0.0.1:{port}/", wait_until="commit")
        page.wait_for_selector(SIGNIN_FORM, timeout=90_000)
        first_paint = time.perf_counter() - t0
        parts["server_cpu"] = _cpu_seconds(proc.pid)
        page.close()
        # The same page again on the warm server: what the browser and the websocket render cost alone.
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        t_warm = time.perf_counter()
        page.goto(f"http://127.0.0.1:{port}/", wait_until="commit")
        page.wait_for_selector(SIGNIN_FORM, timeout=90_000)
        parts["warm_paint"] = time.perf_counter() - t_warm
        page.close()
        # Sign-in to first buyer line, in a fresh session on the now-running server.
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{port}/", wait_until="commit")
        page.wait_for_selector(SIGNIN_FORM, timeout=90_000)
        t1 = time.perf_counter()
        _sign_in(page, *login)
        page.wait_for_selector(PRACTICE_READY, timeout=90_000)
        parts["signin_to_practice"] = time.perf_counter() - t1
        page.locator(PRACTICE_READY).first.click()
        page.wait_for_selector(".st-key-practice_start button", timeout=60_000)
        t2 = time.perf_counter()
        page.locator(".st-key-practice_start button").click()
        page.wait_for_selector("[data-testid='stChatMessage']", timeout=120_000)
        parts["start_to_first_line"] = time.perf_counter() - t2
        to_first_line = time.perf_counter() - t1
        context.close()
        return first_paint, to_first_line, parts
    finally:
        _stop(proc)


def run_coldstart(ctx: BenchContext) -> dict[str, Figure]:
    if not (REPO / "app.py").exists():
        raise MissingPart("not there yet: app.py (issue 6)")
    if not Path(CHROMIUM).exists():
        raise MissingPart(f"skipped: no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise MissingPart(f"skipped: the playwright Python package is not installed ({exc})") from exc
    data_dir = ctx.workdir / "app-data"
    login = _seed(data_dir, ctx)
    log_path = ctx.workdir / "streamlit.log"
    launches = 1 if ctx.quick else 3
    paints: list[float] = []
    lines: list[float] = []
    parts: list[dict[str, float]] = []
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for _ in range(launches):
                try:
                    paint, line, p = _one_launch(browser, data_dir, login, ctx, log_path)
                except Exception as exc:
                    errors.append(describe_error(exc))
                    continue
                paints.append(paint)
                lines.append(line)
                parts.append(p)
        finally:
            browser.close()
    if not paints:
        tail = log_path.read_text(errors="replace").strip().splitlines()[-3:] if log_path.exists() else []
        msg = errors[0] if errors else "no launch succeeded"
        if tail:
            msg += f" (streamlit log: {' | '.join(tail)[:300]})"
        return {
            "cold_start_first_paint": Figure("cold_start_first_paint", error=msg),
            "sign_in_to_first_buyer_line": Figure("sign_in_to_first_buyer_line", error=msg),
        }

    def med(key: str) -> float:
        vals = sorted(p[key] for p in parts)
        return vals[len(vals) // 2]

    failed = f"; {len(errors)} launch(es) failed: {errors[0]}" if errors else ""
    seeded = "QUICK: a manager and one rep" if ctx.quick else "the demo team (scrimmage seed-demo)"
    return {
        "cold_start_first_paint": Figure(
            "cold_start_first_paint",
            paints,
            note=f"server answering health checks after {med('server_ready'):.1f} s, streamlit's CPU time "
            f"at first paint {med('server_cpu'):.1f} s, the same page again on the warm server "
            f"{med('warm_paint'):.1f} s (medians); the sign-in form, the first page anyone sees; "
            f"{seeded} seeded beforehand{failed}",
        ),
        "sign_in_to_first_buyer_line": Figure(
            "sign_in_to_first_buyer_line",
            lines,
            note=f"Sign in → Practice {med('signin_to_practice'):.1f} s; Start the call → first buyer line "
            f"{med('start_to_first_line'):.1f} s (the opening needs no model: the call starts without "
            f"waiting for the embedding model, which keeps loading in the background){failed}",
        ),
    }
