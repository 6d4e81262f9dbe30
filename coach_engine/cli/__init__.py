"""The `scrimmage` command: one small module per command group.

Each module defines its commands on its own ``typer.Typer`` (or a function)
and is registered here; all of them go through the same engine the app uses.
``main`` turns the engine's expected errors (bad files, unknown ids, missing
configuration, bad input) into one readable line and exit code 1 — never a
traceback.
"""

from __future__ import annotations

import sys

import typer

from . import bench, config, drill, evals, grade, index, scenarios, team, train, users

app = typer.Typer(
    name="scrimmage",
    help="Scrimmage: a practice field for sales reps. Drill objections, get scored, track the team.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="rich",
)
app.add_typer(scenarios.app, name="scenarios")
app.command("config")(config.config)
app.command("drill")(drill.drill)
app.command("grade")(grade.grade)
app.add_typer(evals.app, name="eval")
app.add_typer(index.app, name="index")
team.register(app)
users.register()  # invite, reset, disable, enable, list: on the `users` group of team.py
app.command("bench")(bench.bench)
app.command("train")(train.train)


def main() -> None:
    """Console-script entry point."""
    from .common import run_app

    sys.exit(run_app(app))


__all__ = ["app", "main"]
