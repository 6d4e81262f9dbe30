"""`scrimmage scenarios ...`: validate, list and show scenario files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..models import DIFFICULTIES, ITEM_KINDS, OBJECTIONS, Scenario
from ..scenarios import load_scenarios, resolve_scenario
from .common import bank, console, err_console, fail, print_json

app = typer.Typer(help="Validate, list and show scenarios.", no_args_is_help=True)


@app.command("validate")
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Scenario files or folders.", show_default=False)],
) -> None:
    """Check scenario files; print one line per problem (file: field: problem) and exit 1 if any."""
    loaded, problems = load_scenarios(paths)
    for p in problems:
        err_console.print(str(p), highlight=False, markup=False, soft_wrap=True)
    unsure = _unsure_items(loaded)
    for line in unsure:
        err_console.print(line, highlight=False, markup=False, soft_wrap=True)
    if any(".resolution[" in line for line in unsure):
        err_console.print(f"(kind: one of {', '.join(ITEM_KINDS)})", highlight=False, markup=False,
                          soft_wrap=True)
    if problems:
        err_console.print(f"{len(problems)} problem(s); {len(loaded)} valid scenario(s).")
        raise typer.Exit(1)
    note = f" {len(unsure)} note(s) above to look at." if unsure else ""
    console.print(f"{len(loaded)} scenario(s) valid.{note}")


CONCERN_LINES_NOTE = ("not given, so the offline buyer tells the hidden concern in your words, {how}, "
                      "{parts} and with no hint first; for a hint stage and the buyer's own words, add three "
                      "first-person lines: a hint, the story, the stake")


def concern_lines_note(scenario: Scenario) -> str:
    """The note on a missing ``concern_lines``: how the buyer will tell the concern instead."""
    from ..buyer.persona import concern_stages, speaks_as_i
    from ..buyer.staging import story_opening

    how = ("as written (it already speaks as the buyer)" if speaks_as_i(scenario)
           else "turned into the first person")
    story, stake = concern_stages(scenario)
    parts = ("in two parts (the last on a later good question)" if stake
             else "all at once (it is one sentence with no clause of the buyer's own to keep for later)")
    if stake and story_opening(story)[1]:
        parts = "in parts (the story's opening, the rest of it to the next good question, then the last part)"
    return CONCERN_LINES_NOTE.format(how=how, parts=parts)


def _unsure_items(loaded: list[tuple[Path, Scenario]]) -> list[str]:
    """Notes that do not stop a file loading: items whose kind the model is unsure of (nothing is filed
    silently, ``buyer/items.py``), a missing ``concern_lines``, a he/she the first-person rewrite cannot
    place, and a proof item with no proof points to read references against."""
    from ..buyer.items import scenario_items
    from ..embeddings import get_embedder
    from ..studio_check import aside_warning, comment_cuts, opening_warning, pronoun_warning, proof_warning
    from .common import settings

    if not loaded:
        return []
    embedder = get_embedder(settings())
    out = []
    for path, scenario in loaded:
        out += [f"{path}: {cut}" for cut in comment_cuts(path.read_text(encoding="utf-8"))]
        if not scenario.buyer.concern_lines:
            out.append(f"{path}: buyer.concern_lines: {concern_lines_note(scenario)}")
        for said in (pronoun_warning(scenario), aside_warning(scenario)):
            if said:
                out.append(f"{path}: buyer.hidden_concern: {said}")
        if opening := opening_warning(scenario):
            out.append(f"{path}: buyer.opening: {opening}")
        readings = scenario_items(scenario, embedder)
        proof = proof_warning(scenario, readings)
        if proof:
            out.append(f"{path}: product.proof_points: {proof}")
        for n, reading in enumerate(readings):
            if not reading.confident:
                out.append(f"{path}: buyer.resolution[{n}]: '{reading.text}' {reading.note()}")
    return out


@app.command("list")
def list_(
    objection: Annotated[
        str | None, typer.Option(help=f"Only this objection type: {', '.join(OBJECTIONS)}.")
    ] = None,
    difficulty: Annotated[str | None, typer.Option(help="easy, medium or hard.")] = None,
    tag: Annotated[str | None, typer.Option(help="Only scenarios with this tag (e.g. an industry).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the scenario bank, optionally filtered."""
    if objection and objection not in OBJECTIONS:
        fail(f"unknown objection '{objection}'; choose one of {', '.join(OBJECTIONS)}")
    if difficulty and difficulty not in DIFFICULTIES:
        fail(f"unknown difficulty '{difficulty}'; choose one of {', '.join(DIFFICULTIES)}")
    b = bank()
    for p in b.problems:
        err_console.print(f"skipped: {p}", highlight=False, markup=False)
    items = b.list(objection=objection, difficulty=difficulty, tag=tag)
    if as_json:
        print_json([s.brief() | {"title": s.title} for s in items])
        return
    table = Table(title=f"Scenario bank ({len(items)} of {len(b)})")
    for col in ("id", "objection", "difficulty", "buyer", "title"):
        table.add_column(col, overflow="fold")
    for s in items:
        table.add_row(s.id, s.objection, s.difficulty, f"{s.buyer.role}, {s.buyer.company}", s.title)
    console.print(table)


@app.command("show")
def show(
    scenario: Annotated[str, typer.Argument(help="A bank id or a path to a scenario file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole scenario as JSON.")] = False,
) -> None:
    """Show one scenario (the rep's brief, plus the hidden concern and resolution for coaches)."""
    s = resolve_scenario(scenario, bank())
    if as_json:
        print_json(s)
        return
    console.print(f"[bold]{s.title}[/]  ({s.id})", highlight=False)
    console.print(f"objection: {s.objection} · difficulty: {s.difficulty} · rubric: {s.rubric} · "
                  f"max turns: {s.max_turns}", highlight=False)
    console.print(f"\n[bold]Context[/]\n{s.context}", highlight=False)
    console.print(f"\n[bold]Product[/]: {s.product.name} — {s.product.summary}", highlight=False)
    for v in s.product.value_points:
        console.print(f"  • {v}", highlight=False)
    for v in s.product.proof_points:
        console.print(f"  ✓ {v}", highlight=False)
    b = s.buyer
    console.print(f"\n[bold]Buyer[/]: {b.name}, {b.role} at {b.company} ({b.personality})", highlight=False)
    console.print(f"Opening: “{b.opening}”", highlight=False)
    console.print(f"\n[bold]Coach's notes[/] (not shown to the rep)\nHidden concern: {b.hidden_concern}",
                  highlight=False)
    from ..buyer.items import scenario_items
    from ..embeddings import get_embedder
    from .common import settings

    console.print("What resolves it (and how each item is read):", highlight=False)
    for reading in scenario_items(s, get_embedder(settings())):
        console.print(f"  - {reading.text}\n      {reading.note()}", highlight=False)
    if b.next_step:
        console.print(f"Next step: {b.next_step}", highlight=False)


__all__ = ["app", "resolve_scenario"]
