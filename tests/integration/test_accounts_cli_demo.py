"""`scrimmage users …` and the demo's accounts, end to end on real SQLite.

`users add/invite/reset/disable/enable/list` manage accounts from the terminal
(a link is printed once, as a full address); `seed-demo` gives the demo
accounts one random password, prints it once, and the sign-in page shows it
only while demo mode is on.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coach_engine.accounts import DEMO_FILE, demo_signin, read_demo_signin
from coach_engine.cli import app
from coach_engine.demo import seed_demo
from coach_engine.scenarios import ScenarioBank
from coach_engine.settings import Settings
from coach_engine.store import SYSTEM, AccountStore, AuditLog, Store

runner = CliRunner()


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), input=input)
    return result.exit_code, result.output


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("SCRIMMAGE_EMBEDDING_BACKEND", "hash")
    monkeypatch.setenv("SCRIMMAGE_PUBLIC_URL", "https://scrimmage.example")
    return Settings()


def test_users_commands_manage_accounts(settings: Settings) -> None:
    code, out = run("users", "add", "--email", "ada@hq.test", "--name", "Ada", "--role", "admin",
                    "--set-password", input="an admin secret\nan admin secret\n")
    assert code == 0, out
    assert "an admin secret" not in out
    store = Store.from_settings(settings)
    AccountStore(store).sign_in("ada@hq.test", "an admin secret")

    code, out = run("users", "invite", "rob@falcons.test", "--name", "Rob Rep", "--team", "Falcons")
    assert code == 0, out
    assert "https://scrimmage.example/?invite=" in out and "works once" in out
    token = out.split("?invite=")[1].split()[0]
    AccountStore(store).redeem(token, "rob's own secret")

    code, out = run("users", "reset", "rob@falcons.test", "--json")
    assert code == 0, out
    assert json.loads(out)["url"].startswith("https://scrimmage.example/?reset=")

    code, out = run("users", "disable", "rob@falcons.test")
    assert code == 0 and "Disabled Rob Rep" in out
    code, out = run("users", "list", "--json")
    status = {row["email"]: row["status"] for row in json.loads(out)}
    assert status == {"ada@hq.test": "active", "rob@falcons.test": "disabled"}
    code, out = run("users", "enable", "rob@falcons.test")
    assert code == 0 and "Enabled" in out
    code, out = run("users", "list")
    assert code == 0 and "rob@falcons.test" in out and "active" in out

    actions = [e.action for e in AuditLog(store).events(SYSTEM)]
    assert {"user.add", "user.invite", "user.reset", "user.disable", "user.enable"} <= set(actions)
    store.close()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("users", "reset", "nobody@x.test"), "no user with email"),
        (("users", "disable", "nobody@x.test"), "no user with email"),
        (("users", "add", "--email", "w@x.test", "--name", "W", "--set-password"), "at least 10"),
    ],
)
def test_users_errors_are_one_line(settings: Settings, args: tuple[str, ...], needle: str) -> None:
    code, out = run(*args, input="short\nshort\n")
    assert code == 1 and needle in out and "Traceback" not in out
    if "--set-password" in args:  # a refused password adds no one
        assert run("users", "list", "--json")[1].strip() == "[]"


def test_seed_demo_gives_the_demo_accounts_a_password_shown_once(
    settings: Settings, bank: ScenarioBank
) -> None:
    code, out = run("seed-demo", "--weeks", "1")
    assert code == 0, out
    hint = read_demo_signin(settings.data_dir)
    assert hint is not None and hint.password.startswith("demo-")
    assert out.count(hint.password) == 1 and "Demo sign-in:" in out
    assert stat.S_IMODE((settings.data_dir / DEMO_FILE).stat().st_mode) == 0o600

    store = Store.from_settings(settings)
    accounts = AccountStore(store)
    for account in hint.accounts:
        assert accounts.session_user(accounts.sign_in(account["email"], hint.password)) is not None
    assert demo_signin(settings, store) == hint  # demo mode: the demo team is the only team
    assert demo_signin(Settings(demo_mode=False), store) is None
    store.ensure_team(SYSTEM, "Real Team")
    assert demo_signin(settings, store) is None  # a real team: demo mode is over
    store.close()


def test_each_seeding_gets_its_own_password(tmp_path: Path, bank: ScenarioBank) -> None:
    passwords = set()
    for i in range(2):
        s = Settings(data_dir=tmp_path / f"d{i}", embedding_backend="hash")
        store = Store.from_settings(s)
        summary = seed_demo(store, bank=bank, settings=s, weeks=1)
        assert summary.signin is not None
        passwords.add(summary.signin.password)
        store.close()
    assert len(passwords) == 2


def test_a_demo_seeded_before_accounts_gets_its_sign_in(settings: Settings, bank: ScenarioBank) -> None:
    from sqlalchemy import update

    from coach_engine.store.schema import UserRow

    store = Store.from_settings(settings)
    seed_demo(store, bank=bank, settings=settings, weeks=1)
    with store.session() as s:  # as an old demo database looks after migration 0008
        s.execute(update(UserRow).values(password_hash=None))
    (settings.data_dir / DEMO_FILE).unlink()
    store.close()
    code, out = run("seed-demo")
    assert code == 0 and "already has users" in out and "Demo sign-in:" in out
    hint = read_demo_signin(settings.data_dir)
    assert hint is not None and hint.password in out
    code, out = run("seed-demo")  # printed once: the accounts have a password now
    assert "Demo sign-in:" not in out
