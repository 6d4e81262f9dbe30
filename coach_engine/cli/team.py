"""Team commands: `users add`, `history`, `leaderboard`, `assign`, `seed-demo` (the other
`users` commands, for accounts, are in ``cli/users.py``).

The command line is the local administrator's tool, so it acts as
``store.SYSTEM`` (an admin); the same engine calls the app makes, with the
same checks. Store errors become one readable line and exit code 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from .common import bank, console, err_console, fail, print_json, settings

users_app = typer.Typer(help="Manage users and teams.", no_args_is_help=True)


@contextmanager
def _store_errors() -> Iterator[None]:
    from ..store import StoreError

    try:
        yield
    except StoreError as exc:
        fail(str(exc))


def _open_store():  # type: ignore[no-untyped-def]
    from ..store import Store, StoreError

    s = settings()
    try:
        return Store.from_settings(s)
    except StoreError as exc:  # says what is wrong and what to do (a read-only folder, an emptied file)
        fail(str(exc))
    except Exception as exc:  # a bad URL or an unreachable server: say which
        from ..settings import _mask_url

        fail(f"could not open the database at {_mask_url(s.effective_database_url)}: {exc}")


@users_app.command("add")
def users_add(
    email: Annotated[str, typer.Option(help="Email address (unique).", show_default=False)],
    name: Annotated[str, typer.Option(help="Display name.", show_default=False)],
    role: Annotated[str, typer.Option(help="rep, manager or admin.")] = "rep",
    team: Annotated[str | None, typer.Option(help="Team name (created if new).")] = None,
    timezone: Annotated[
        str | None, typer.Option(help="IANA time zone for a new team (e.g. Europe/Berlin).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    set_password: Annotated[
        bool, typer.Option("--set-password", help="Type their password now (asked twice, not shown).")
    ] = False,
) -> None:
    """Add a user; the team is created if it is new.

    They sign in once they have a password: `--set-password`, or a link from `users invite`.
    """
    from ..store import SYSTEM

    if role not in ("rep", "manager", "admin"):
        fail(f"unknown role '{role}'; choose rep, manager or admin")
    password = None
    if set_password:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    store = _open_store()
    with _store_errors():
        if password is not None:
            from ..store.credentials import check_password

            check_password(password, email)  # before the account exists: a refused password adds no one
        user = store.add_user(SYSTEM, email, name, role, team, timezone=timezone)
        if password is not None:
            from ..store import AccountStore

            AccountStore(store).set_password(SYSTEM, user.email, password)
    if as_json:
        print_json({"email": user.email, "name": user.name, "role": user.role, "team": user.team})
        return
    console.print(
        f"Added {user.name} <{user.email}> as {user.role}" + (f" on team {user.team}" if user.team else ""),
        highlight=False,
    )
    if password is None:
        console.print(f"No password yet: `scrimmage users invite {user.email}` prints a link to choose one.",
                      highlight=False)


def history(
    user: Annotated[str, typer.Option(help="The user's email.", show_default=False)],
    limit: Annotated[int | None, typer.Option(help="Show only the newest N attempts.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """A user's attempts, newest first."""
    from ..store import SYSTEM

    store = _open_store()
    with _store_errors():
        attempts = store.list_attempts(SYSTEM, user, limit=limit)
    if as_json:
        print_json([a.summary() for a in attempts])
        return
    if not attempts:
        console.print(f"No attempts yet for {user}.", highlight=False)
        return
    table = Table(title=f"Attempts by {attempts[0].user_name} <{attempts[0].user_email}>")
    for col in ("id", "started (UTC)", "scenario", "mode", "status", "outcome", "overall"):
        table.add_column(col, justify="right" if col in ("id", "overall") else "left")
    for a in attempts:
        table.add_row(
            str(a.id),
            f"{a.started_at:%Y-%m-%d %H:%M}",
            a.scenario_id,
            a.mode,
            a.status,
            a.outcome or "",
            "" if a.overall is None else str(a.overall),
        )
    console.print(table)


def leaderboard(
    team: Annotated[str, typer.Option(help="Team name.", show_default=False)],
    week: Annotated[str | None, typer.Option(help="ISO week like 2026-W48; default: this week.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    rules: Annotated[bool, typer.Option("--rules", help="Also print how points work.")] = False,
) -> None:
    """The team's weekly leaderboard (ISO week in the team's time zone)."""
    from ..leaderboard import RULES, compute_leaderboard
    from ..store import SYSTEM
    from ..store.weeks import parse_week

    if week:
        try:
            parse_week(week)
        except ValueError as exc:
            fail(str(exc))
    store = _open_store()
    with _store_errors():
        board = compute_leaderboard(store, SYSTEM, team, week)
    if as_json:
        print_json(board.to_json())
        return
    table = Table(title=f"{board.team} — {board.week} ({board.timezone})")
    for col in ("rank", "name", "points", "drills", "average", "streak", "best skill"):
        table.add_column(col, justify="left" if col in ("name", "best skill") else "right")
    for r in board.rows:
        table.add_row(
            str(r.rank),
            r.name,
            str(r.points),
            str(r.drills),
            r.average_label,
            str(r.streak),
            r.best_skill or "",
        )
    console.print(table)
    if board.most_improved:
        mi = board.most_improved
        console.print(
            f"Most improved: {mi.name} ({mi.trailing_average:.1f} → {mi.average:.1f}, {mi.delta:+.1f})",
            highlight=False,
        )
    for leader in board.skill_leaders:
        console.print(f"{leader.skill}: {leader.name} ({leader.average:.1f})", highlight=False)
    if rules:
        console.print(RULES, highlight=False, markup=False)


def assign(
    scenario: Annotated[str, typer.Option(help="A bank scenario id.", show_default=False)],
    due: Annotated[
        str, typer.Option(help="Due date, YYYY-MM-DD (end of that day, team time).", show_default=False)
    ],
    user: Annotated[str | None, typer.Option(help="Assign to one user (email).")] = None,
    team: Annotated[str | None, typer.Option(help="Assign to every rep of a team.")] = None,
    pass_mark: Annotated[int, typer.Option(help="Overall score (0-100) that passes.")] = 70,
    min_attempts: Annotated[
        int, typer.Option(help="Full drills (clinics and warm-ups don't count) needed to pass.")
    ] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Assign a scenario as a full drill to a user or a whole team (never the same one twice)."""
    from ..assignments import assign as make_assignment
    from ..store import SYSTEM

    if (user is None) == (team is None):
        fail("give exactly one of --user EMAIL or --team NAME")
    try:
        due_date = date.fromisoformat(due)
    except ValueError:
        fail(f"'{due}' is not a date; write it as YYYY-MM-DD")
    b = bank()
    if scenario not in b:
        b.get(scenario)  # raises KeyError with close matches
    if scenario in b.archived:
        fail(f"'{scenario}' is archived; unarchive it in the Scenario studio before assigning it")
    store = _open_store()
    with _store_errors():
        made = make_assignment(
            store,
            SYSTEM,
            scenario,
            due_date,
            user=user,
            team=team,
            pass_mark=pass_mark,
            min_attempts=min_attempts,
        )
    a = made.assignment
    if as_json:
        print_json(
            {
                "id": a.id,
                "scenario_id": a.scenario_id,
                "assignee": a.assignee,
                "due": a.due.isoformat(),
                "pass_mark": a.pass_mark,
                "min_attempts": a.min_attempts,
                "created": made.created,
            }
        )
        return
    terms = f"{a.scenario_id} to {a.assignee}, due {a.due:%a %d %b %Y}, pass mark {a.pass_mark}" + (
        f", at least {a.min_attempts} full drills" if a.min_attempts > 1 else ""
    )
    if made.created:
        console.print(f"Assigned {terms}", highlight=False)
    else:
        console.print(f"Already assigned: {terms} (nothing new was created)", highlight=False)


def seed_demo(
    force: Annotated[
        bool, typer.Option("--force", help="Seed even if the database already has users.")
    ] = False,
    weeks: Annotated[int, typer.Option(help="Weeks of history.")] = 6,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Re-run every drill; rewrite the shipped cache.")
    ] = False,
) -> None:
    """Create the demo team (a manager and eight reps) with weeks of history from real drills."""
    from ..demo import DemoAlreadySeeded
    from ..demo import seed_demo as run_seed
    from ..store import check_writable_folder

    s = settings()
    with _store_errors():  # the demo writes its sign-in and cached results there, whatever the database
        check_writable_folder(s.data_dir)
    store = _open_store()
    try:
        with _store_errors():
            summary = run_seed(
                store,
                bank=bank(s),
                settings=s,
                weeks=weeks,
                force=force,
                refresh=refresh,
                progress=lambda msg: err_console.print(msg, highlight=False),
            )
    except DemoAlreadySeeded as exc:
        console.print(str(exc), highlight=False)
        from ..demo import demo_signin_for_old_demo

        hint = demo_signin_for_old_demo(store, s)  # a demo seeded before accounts: give it its sign-in
        if hint is not None:
            console.print(hint.describe(), highlight=False, markup=False, soft_wrap=True)
        return
    console.print(summary.describe(), highlight=False)
    if summary.signin is not None:  # printed this once; the sign-in page shows it while demo mode is on
        console.print(summary.signin.describe(), highlight=False, markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add the team commands to the main app."""
    app.add_typer(users_app, name="users")
    app.command("history")(history)
    app.command("leaderboard")(leaderboard)
    app.command("assign")(assign)
    app.command("seed-demo")(seed_demo)
