"""`scrimmage eval ...`: the buyer and grader evals (placeholders until their issues land)."""

from __future__ import annotations

import typer

from .common import fail

app = typer.Typer(help="Run the evals: buyer behaviour and grader agreement.", no_args_is_help=True)


@app.command("buyer")
def buyer() -> None:
    """Not available yet."""
    fail("'scrimmage eval buyer' is not available yet")


@app.command("grader")
def grader() -> None:
    """Not available yet."""
    fail("'scrimmage eval grader' is not available yet")
