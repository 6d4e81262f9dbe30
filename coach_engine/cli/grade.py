"""`scrimmage grade`: score a transcript, one reply, or a batch of them, from the shell.

Why a batch mode: the evals, the bench and a manager scoring a folder of calls
all want many scorecards, and loading the embedding model takes seconds, so
``--batch`` grades a JSONL file in one process with the model loaded once.
Every output line is one scorecard JSON in input order; a bad input line gets
an ``{"line": n, "error": ...}`` line instead and the rest are still graded.
Without ``--json`` the scorecard is printed for a person (rich).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, cast

import typer
from pydantic import ValidationError
from rich.table import Table

from ..datafiles import DataFileError
from ..grading.scoring import NOT_YET_DUE
from ..models import Outcome, Scorecard, Transcript
from ..scenarios import ScenarioBank, resolve_scenario
from ..settings import Settings
from .common import bank as load_bank
from .common import console, fail, print_json
from .common import settings as load_settings

__all__ = ["grade", "load_transcript", "render_scorecard"]

OUTCOMES = ("agreed", "walked_away", "open")


def _validation_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(x) for x in err["loc"]) or "(top level)"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


def transcript_from_data(data: Any, where: str) -> tuple[Transcript, Outcome | None]:
    """A transcript (and optional drill outcome) from parsed JSON; ValueError says what is wrong."""
    if not isinstance(data, dict):
        raise ValueError(f"{where}: expected a JSON object with 'scenario' and 'turns'")
    data = dict(data)
    outcome = data.pop("outcome", None)
    data.pop("scorecard", None)
    if outcome is not None and outcome not in OUTCOMES:
        raise ValueError(f"{where}: outcome must be one of {', '.join(OUTCOMES)}, got {outcome!r}")
    if "turns" not in data:
        raise ValueError(f"{where}: missing 'turns' (a list of {{'role': 'buyer'|'rep', 'text': ...}})")
    try:
        transcript = Transcript.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"{where}: {_validation_message(exc)}") from None
    if not transcript.rep_turns():
        raise ValueError(f"{where}: the transcript has no rep turns to grade")
    # A transcript from a file is read afresh: a reading in it (``drill --json`` prints them) is not one
    # this process made, and the grader must not take a hand-edited one on trust.
    turns = [t.model_copy(update={"reading": None}) for t in transcript.turns]
    return transcript.model_copy(update={"turns": turns}), cast("Outcome | None", outcome)


def load_transcript(path: Path) -> tuple[Transcript, Outcome | None]:
    """Read a transcript file (DESIGN.md format); a clear ValueError for a missing or bad file."""
    if not path.is_file():
        raise ValueError(f"transcript file not found: {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a UTF-8 text file") from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise ValueError(f"{path}: not valid JSON ({where}: {exc.msg})") from None
    return transcript_from_data(data, str(path))


def _grader(s: Settings, choice: str | None) -> Any:
    from ..embeddings import get_embedder
    from ..grading import get_grader

    if choice is not None:
        s = s.model_copy(update={"grader": choice})
    return get_grader(s, get_embedder(s))


def _bar(score: int) -> str:
    return "█" * score + "░" * (5 - score)


def render_scorecard(card: Scorecard, numbers: Mapping[int, int] | None = None) -> None:
    """A readable scorecard: skills with bars, checks with quotes, coaching. ``numbers``: transcript turn ->
    the rep's reply number (``Transcript.reply_numbers``), so a quote is placed as the rep counts their
    replies ("reply 3"), not by the transcript's index, which counts the buyer's lines too."""

    def at(turn: int | None) -> str:
        if turn is None:
            return "no reply"
        return f"reply {numbers.get(turn, turn)}" if numbers is not None else f"turn {turn}"

    colour = "green" if card.overall >= 70 else "yellow" if card.overall >= 40 else "red"
    mode = "single reply" if card.mode == "reply" else f"transcript, outcome: {card.outcome}"
    console.print(f"[bold]{card.scenario_id}[/] · {mode} · rubric {card.rubric} · grader {card.grader}",
                  highlight=False)
    console.print(f"Overall: [bold {colour}]{card.overall}/100[/]")
    for flag in card.flags:
        console.print(f"[bold red]⚠ {flag}[/]", highlight=False)
    table = Table(show_header=True, header_style="bold", expand=False)
    table.add_column("Skill")
    table.add_column("Score")
    table.add_column("Checks")
    for skill in card.skills:
        lines = []
        for c in skill.checks:
            mark = "[green]✓[/]" if c.passed else "[red]✗[/]"
            quote = f' [dim]{at(c.evidence[0].turn)}: "{c.evidence[0].quote}"[/]' if c.evidence else ""
            lines.append(f"{mark} {c.question}{quote}")
        for hit in skill.anti_patterns:
            q = f' [dim]{at(hit.evidence[0].turn)}: "{hit.evidence[0].quote}"[/]' if hit.evidence else ""
            lines.append(f"[red]− {hit.description}[/]{q}")
        shown = f"{_bar(skill.score)} {skill.score}/5" if skill.due else "[dim]not yet due[/]"
        table.add_row(f"{skill.name}\n[dim]{skill.level if skill.due else NOT_YET_DUE}[/]", shown,
                      "\n".join(lines))
    console.print(table)
    if card.strengths:
        console.print("[bold green]Strengths[/]")
        for st in card.strengths:
            q = f' — "{st.quote}"' if st.quote else ""
            console.print(f"  • {at(st.turn)}: {st.text}{q}", highlight=False)
    if card.improvements:
        console.print("[bold yellow]Improvements[/]")
        for im in card.improvements:
            q = f' (you said: "{im.quote}")' if im.quote else ""
            console.print(f"  • {at(im.turn)}: {im.text}{q}", highlight=False)
            console.print(f"    [bold]Try instead:[/] {im.try_instead}", highlight=False)
    d = card.delivery
    console.print(f"[bold]Delivery[/]: {d.rep_turns} rep turn(s), {d.avg_words:g} words on average, longest "
                  f"{d.longest_words} words ({at(d.longest_turn)}); {d.questions} question(s), "
                  f"{d.statements} statement(s)", highlight=False)
    for note in card.notes:
        console.print(f"[dim]note: {note}[/]", highlight=False)


def _line_text(raw: bytes) -> str:
    """One batch line as text, or ValueError saying which byte is not UTF-8 (the other lines still grade)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}); "
                         "save the file as UTF-8") from None


def _no_lone_surrogates(value: Any) -> None:
    """JSON may escape half of a UTF-16 pair (``\\ud800``): no text holds that, and nothing can print it."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError(f"holds a lone surrogate escape (\\u{ord(value[exc.start]):04x}), which is half "
                             "of a character; remove it") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _no_lone_surrogates(key)
            _no_lone_surrogates(item)
    elif isinstance(value, list):
        for item in value:
            _no_lone_surrogates(item)


def _grade_line(raw: str, grader: Any, bank: ScenarioBank) -> Scorecard:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    _no_lone_surrogates(data)
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    ref = data.get("scenario")
    if not isinstance(ref, str) or not ref.strip():
        raise ValueError("missing 'scenario' (a bank id or a path to a scenario YAML file)")
    has_reply, has_turns = "reply" in data, "turns" in data
    if has_reply == has_turns:
        raise ValueError("needs exactly one of 'reply' (text) or 'turns' (a list of turns)")
    try:
        scenario = resolve_scenario(ref, bank)
    except (KeyError, DataFileError) as exc:
        raise ValueError(str(exc.args[0] if isinstance(exc, KeyError) and exc.args else exc)) from None
    if has_reply:
        reply = data["reply"]
        if not isinstance(reply, str) or not reply.strip():
            raise ValueError("'reply' must be non-empty text")
        return cast(Scorecard, grader.grade_reply(scenario, reply))
    transcript, outcome = transcript_from_data(data, "input")
    return cast(Scorecard, grader.grade(scenario, transcript, outcome))


def _run_batch(path: Path, as_json: bool, grader_choice: str | None) -> None:
    if not path.is_file():
        fail(f"batch file not found: {path}")
    s = load_settings()
    bank = load_bank(s)
    grader = _grader(s, grader_choice)
    errors = 0
    summary: list[tuple[int, str, str]] = []
    with path.open("rb") as fh:  # bytes, decoded line by line: one bad line never stops the batch
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                card = _grade_line(_line_text(line), grader, bank)
            except ValueError as exc:
                errors += 1
                msg = str(exc).replace("input: ", "")
                if as_json:
                    sys.stdout.write(json.dumps({"line": n, "error": msg}, ensure_ascii=False) + "\n")
                summary.append((n, "error", msg))
                continue
            if as_json:
                sys.stdout.write(card.model_dump_json() + "\n")
            summary.append((n, card.scenario_id, f"{card.overall}/100 ({card.mode})"))
            sys.stdout.flush()
    if not as_json:
        table = Table("line", "scenario", "result")
        for n, sid, res in summary:
            table.add_row(str(n), sid, f"[red]{res}[/]" if sid == "error" else res)
        console.print(table)
    if errors:
        raise typer.Exit(1)


def grade(
    scenario: str | None = typer.Option(None, "--scenario", "-s", help="Scenario id or path to a YAML file."),
    transcript: Path | None = typer.Option(None, "--transcript", "-t", help="Transcript JSON file."),
    reply: str | None = typer.Option(None, "--reply", "-r", help="One rep reply to the opening objection."),
    batch: Path | None = typer.Option(None, "--batch", help="JSONL: one {scenario, reply|turns} per line."),
    as_json: bool = typer.Option(False, "--json", help="Print the scorecard as JSON."),
    grader: str | None = typer.Option(None, "--grader", help="offline or llm (default: settings)."),
) -> None:
    """Score a drill transcript, a single reply, or a batch of them against the scenario's rubric."""
    if grader is not None and grader not in ("offline", "llm"):
        fail(f"--grader must be 'offline' or 'llm', not {grader!r}")
    choice = cast("Literal['offline', 'llm'] | None", grader)
    if batch is not None:
        if transcript is not None or reply is not None:
            fail("--batch cannot be combined with --transcript or --reply")
        _run_batch(batch, as_json, choice)
        return
    if (transcript is None) == (reply is None):
        fail("give exactly one of --transcript FILE or --reply TEXT (or --batch FILE.jsonl)")
    s = load_settings()
    bank = load_bank(s)
    outcome: Outcome | None = None
    if transcript is not None:
        try:
            tr, outcome = load_transcript(transcript)
        except ValueError as exc:
            fail(str(exc))
        ref = scenario or tr.scenario
    else:
        if not reply or not reply.strip():
            fail("--reply needs some text")
        if scenario is None:
            fail("--reply needs --scenario ID_OR_PATH")
        ref = scenario
    sc = resolve_scenario(ref, bank)
    g = _grader(s, choice)
    card = g.grade(sc, tr, outcome) if transcript is not None else g.grade_reply(sc, cast(str, reply))
    if as_json:
        print_json(card)
    else:
        render_scorecard(card, tr.reply_numbers() if transcript is not None else {0: 1, 1: 1})
