"""Account commands: `users invite`, `users reset`, `users disable`, `users enable`, `users list`.

They join `users add` (``cli/team.py``) on the same ``users`` group. The
command line is the local administrator (``store.SYSTEM``), so it may do what
an admin may; every change lands in the audit trail as the command line's. A
link is printed once, as a full address (``Settings.public_url``): the
database keeps only its digest.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from .common import console, print_json, settings
from .team import _open_store, _store_errors, users_app

STATUS = {"active": "active", "invited": "invited", "no_password": "no password yet", "locked": "locked",
          "disabled": "disabled"}


def _accounts():  # type: ignore[no-untyped-def]
    from ..store import AccountStore
    from ..store.credentials import AuthPolicy

    return AccountStore(_open_store(), AuthPolicy.from_settings(settings()))


def _print_link(link, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    url = link.url(settings().public_url)
    if as_json:
        print_json({"email": link.user.email, "purpose": link.purpose, "url": url,
                    "expires_at": link.expires_at.isoformat()})
        return
    what = "Invite" if link.purpose == "invite" else "Password reset"
    console.print(f"{what} link for {link.user.name} <{link.user.email}> (works once, until "
                  f"{link.expires_at:%Y-%m-%d %H:%M} UTC; shown only now):", highlight=False)
    console.print(url, highlight=False, markup=False, soft_wrap=True)


@users_app.command("invite")
def users_invite(
    email: Annotated[str, typer.Argument(help="Their email address.", show_default=False)],
    name: Annotated[str, typer.Option(help="Display name (for a new account).")] = "",
    role: Annotated[str, typer.Option(help="rep, manager or admin (for a new account).")] = "rep",
    team: Annotated[str | None, typer.Option(help="Team name (created if new).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Invite someone: a one-time link to choose their password (the account is created if new)."""
    from ..store import SYSTEM

    with _store_errors():
        link = _accounts().invite(SYSTEM, email, name, role, team)
    _print_link(link, as_json)


@users_app.command("reset")
def users_reset(
    email: Annotated[str, typer.Argument(help="The account's email.", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """A one-time link that sets a new password (for someone who forgot theirs)."""
    from ..store import SYSTEM

    with _store_errors():
        link = _accounts().issue_reset(SYSTEM, email)
    _print_link(link, as_json)


def _set_disabled(email: str, disabled: bool) -> None:
    from ..store import SYSTEM

    with _store_errors():
        account = _accounts().set_disabled(SYSTEM, email, disabled)
    verb = "Disabled" if disabled else "Enabled"
    console.print(f"{verb} {account.user.name} <{account.user.email}>"
                  + (": every session ended; the account and its history are kept." if disabled else "."),
                  highlight=False)


@users_app.command("disable")
def users_disable(
    email: Annotated[str, typer.Argument(help="The account's email.", show_default=False)],
) -> None:
    """Disable an account: no sign-in, every session ended, nothing deleted."""
    _set_disabled(email, True)


@users_app.command("enable")
def users_enable(
    email: Annotated[str, typer.Argument(help="The account's email.", show_default=False)],
) -> None:
    """Enable a disabled account again."""
    _set_disabled(email, False)


@users_app.command("list")
def users_list(
    team: Annotated[str | None, typer.Option(help="Only this team.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every account, with its role, team and whether it can sign in."""
    from ..store import SYSTEM

    with _store_errors():
        accounts = _accounts().accounts(SYSTEM, team)
    if as_json:
        print_json([
            {"email": a.user.email, "name": a.user.name, "role": a.user.role, "team": a.user.team,
             "status": a.status, "last_login_at": a.last_login_at.isoformat() if a.last_login_at else None}
            for a in accounts
        ])
        return
    if not accounts:
        console.print("No accounts yet: `scrimmage users invite EMAIL --role admin` makes the first.",
                      highlight=False)
        return
    table = Table(title="Accounts")
    for col in ("email", "name", "role", "team", "status", "last sign-in (UTC)"):
        table.add_column(col)
    for a in accounts:
        last = f"{a.last_login_at:%Y-%m-%d %H:%M}" if a.last_login_at else ""
        table.add_row(a.user.email, a.user.name, a.user.role, a.user.team or "", STATUS[a.status], last)
    console.print(table)


def register() -> None:
    """Nothing to do: importing this module adds its commands to ``team.users_app``."""
