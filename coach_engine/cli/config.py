"""`scrimmage config`: print the effective settings, secrets masked."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from .common import console, print_json, settings


def config(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Show the effective settings (environment, .env and defaults), with secrets masked."""
    data = settings().masked()
    if as_json:
        print_json(data)
        return
    table = Table(title="Scrimmage settings", show_lines=False)
    table.add_column("setting")
    table.add_column("value", overflow="fold")
    for key, value in data.items():
        table.add_row(key, "—" if value is None else str(value))
    console.print(table)
