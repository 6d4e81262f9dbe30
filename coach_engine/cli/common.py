"""Helpers shared by the CLI modules: settings, the bank, and friendly failures."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import typer
from pydantic import BaseModel
from rich.console import Console

from ..datafiles import DataFileError
from ..errors import ScrimmageError
from ..scenarios import ScenarioBank
from ..settings import ConfigError, Settings, get_settings

console = Console()
err_console = Console(stderr=True)


class CLIError(ScrimmageError):
    """An expected failure with a message for the user."""


def fail(message: str, code: int = 1) -> NoReturn:
    err_console.print(f"[bold red]Error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def settings() -> Settings:
    try:
        return get_settings()
    except Exception as exc:  # pydantic ValidationError from a bad env var
        fail(f"invalid configuration: {exc}")


def bank(s: Settings | None = None) -> ScenarioBank:
    """The scenario folders plus the studio scenarios saved in the team's database, as the app sees them."""
    from ..studio import load_bank

    return load_bank(s or settings())


def shipped_bank(s: Settings | None = None) -> ScenarioBank:
    """The scenario folders alone: what the evals run on, whatever a team saved in its studio."""
    return ScenarioBank.from_dirs((s or settings()).scenario_dirs)


def print_json(data: Any) -> None:
    if isinstance(data, BaseModel):
        data = data.model_dump(mode="json")
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def run_app(app: typer.Typer) -> int:
    """Run the Typer app, mapping expected engine errors to one line and exit 1."""
    try:
        result = app(standalone_mode=False)
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except (DataFileError, ConfigError, CLIError, ValueError, ScrimmageError) as exc:
        err_console.print(f"[bold red]Error:[/] {exc}", highlight=False, soft_wrap=True)
        return 1
    except KeyError as exc:
        err_console.print(f"[bold red]Error:[/] {exc.args[0] if exc.args else exc}", highlight=False)
        return 1
    except KeyboardInterrupt:
        err_console.print("Interrupted.")
        return 130
    except Exception as exc:  # click usage errors and anything unexpected
        # Typer ships its own copy of click (typer._click), so match by shape, not by class.
        show = getattr(exc, "show", None)
        if callable(show) and isinstance(getattr(exc, "exit_code", None), int):
            show()
            return int(exc.exit_code)  # type: ignore[attr-defined]
        if type(exc).__name__ == "Abort":
            err_console.print("Aborted.")
            return 1
        err_console.print(f"[bold red]Unexpected error:[/] {type(exc).__name__}: {exc}")
        return 2
    # In non-standalone mode click returns the exit code of a typer.Exit instead of raising it.
    return result if isinstance(result, int) else 0
