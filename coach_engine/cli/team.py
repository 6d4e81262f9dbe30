"""Team commands (users, history, leaderboard, assign, seed-demo): placeholder until issue 5."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the team commands to the main app."""
