"""`scrimmage drill`: practise one scenario in the terminal, interactively or from a script.

The same ``DrillSession`` the app holds runs here. Interactive mode prints the
buyer in colour (rich) and reads the rep's lines until the buyer agrees,
walks away, the turns run out, or the rep types ``/end``. With
``--rep-script`` each non-empty line is one rep turn; ``--json`` prints one
object (``scenario_id``, ``outcome``, ``ended`` in words, ``turns``, ``buyer_state``,
``scorecard``) for scripts and CI. Bad input never produces a traceback: the
session's ``DrillInputError`` becomes a one-line message.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .common import bank, console, err_console, fail, print_json, settings

if TYPE_CHECKING:
    from ..buyer.voice import BuyerVoice
    from ..models import Scenario
    from ..session import DrillSession
    from ..settings import Settings

_STAGE_STYLE = {"agreed": "bold green", "walked_away": "bold red", "open": "yellow"}


def _voice(kind: str, s: Settings, seed: int) -> BuyerVoice | None:
    if kind == "offline":
        return None
    try:
        from ..buyer.voices import get_voice
    except ImportError:
        fail("the LLM voice is not available in this build (coach_engine.buyer.voices is missing); "
             "use --voice offline")
    s.require_llm()
    voice: BuyerVoice = get_voice(s.model_copy(update={"voice": "llm"}), seed)
    return voice


def _read_script(path: Path) -> list[str]:
    if not path.is_file():
        fail(f"rep script not found: {path}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read rep script {path}: {exc}")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines:
        fail(f"rep script {path} has no non-empty lines")
    return lines


def _result(session: DrillSession, scenario: Scenario, s: Settings) -> dict[str, Any]:
    from ..embeddings import get_embedder
    from ..grading import get_grader

    card = get_grader(s, get_embedder(s)).grade(scenario, session.transcript, session.outcome)
    return {
        "scenario_id": scenario.id,
        "outcome": session.outcome,
        "ended": _ended(session),
        "turns": [t.model_dump() for t in session.transcript.turns],
        "buyer_state": session.state.model_dump(mode="json"),
        "scorecard": card.model_dump(mode="json"),
    }


def drill(
    scenario: Annotated[
        str, typer.Option("--scenario", "-s", help="A bank id or a path to a scenario YAML file.")
    ],
    rep_script: Annotated[
        Path | None, typer.Option("--rep-script", help="A text file: one rep turn per non-empty line.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as one JSON object.")] = False,
    seed: Annotated[int, typer.Option("--seed", help="Seed for the scripted buyer's wording.")] = 0,
    voice: Annotated[
        str, typer.Option("--voice", help="Buyer voice: offline (scripted) or llm.")
    ] = "offline",
    max_turns: Annotated[
        int | None,
        typer.Option("--max-turns", min=1, max=30, help="Rep turns allowed (default: the scenario's)."),
    ] = None,
    classify: Annotated[
        bool, typer.Option("--llm-classifier", help="With --voice llm, also let the LLM classify behaviours.")
    ] = False,
    save: Annotated[
        bool, typer.Option("--save", help="Store the attempt (turns as they happen, then the scorecard).")
    ] = False,
    user: Annotated[
        str | None, typer.Option("--user", help="With --save: the email of the rep practising.")
    ] = None,
) -> None:
    """Drill one scenario against the code-directed buyer (interactive, or scripted with --rep-script)."""
    from ..embeddings import get_embedder
    from ..scenarios import resolve_scenario
    from ..session import DrillInputError, DrillSession

    if voice not in ("offline", "llm"):
        fail(f"--voice must be 'offline' or 'llm', not {voice!r}")
    s = settings()
    path = Path(scenario)
    sc = resolve_scenario(scenario, None if path.suffix in (".yaml", ".yml") or path.exists() else bank(s))
    lines = _read_script(rep_script) if rep_script is not None else None
    if lines is None and as_json:
        fail("--json needs --rep-script (interactive drills print to the terminal)")
    classifier = None
    if classify and voice == "llm":
        from ..llm_classifier import get_classifier

        classifier = get_classifier(s.model_copy(update={"voice": "llm"}))
    saver = _Saver.open(s, sc, user, voice) if save else None
    if user and not save:
        fail("--user is only used with --save")
    session = DrillSession(sc, embedder=get_embedder(s), voice=_voice(voice, s, seed), seed=seed,
                           max_turns=max_turns, scenario_ref=scenario, classifier=classifier,
                           on_turn=saver.recorder if saver else None)
    opening = session.start()

    if lines is not None:
        if not as_json:
            _say_buyer(sc, opening.text, None)
        for line in lines:
            if session.finished:
                break
            try:
                reply = session.rep_says(line)
            except DrillInputError as exc:
                fail(str(exc))
            if not as_json:
                console.print(f"[bold cyan]You:[/] {line}", highlight=False)
                _say_buyer(sc, reply.turn.text, reply.notice)
        if as_json:
            result = _result(session, sc, s)
            if saver:
                result["attempt_id"] = saver.finish(session, sc, s, result["scorecard"])
            print_json(result)
        else:
            _summary(session)
            if saver:
                saver.finish(session, sc, s)
        return

    _interactive(session, sc, opening.text)
    if saver:
        saver.finish(session, sc, s)


class _Saver:
    """``--save --user EMAIL``: the drill's record (``drill_record``), written turn by turn, completed."""

    def __init__(self, record: Any):
        self.record = record

    def recorder(self, event: Any) -> None:
        """Write the turn; if the database stays unavailable through the retries, say so and drill on (the
        record keeps the turn and writes it before the next one; ``finish`` writes anything still pending)."""
        self.record(event)
        if self.record.error:
            err_console.print(f"[yellow]Not saved yet:[/] {self.record.error}", highlight=False)

    @classmethod
    def open(cls, s: Settings, sc: Scenario, user: str | None, voice: str) -> _Saver:
        from ..drill_record import DrillRecord
        from ..store import Store, StoreError

        if not user:
            fail("--save needs --user EMAIL (add one with `scrimmage users add`)")
        try:
            store = Store.from_settings(s)
            record = DrillRecord.start(store, store.login(user), sc, voice=voice, grader=s.effective_grader)
        except StoreError as exc:
            fail(str(exc))
        return cls(record)

    def finish(self, session: DrillSession, sc: Scenario, s: Settings,
               card_json: dict[str, Any] | None = None) -> int:
        from ..embeddings import get_embedder
        from ..grading import get_grader
        from ..models import Scorecard
        from ..store import StoreError
        from ..store.index import AttemptIndex

        record = self.record
        if not record.save_now():  # never score an attempt with turns missing
            left = len(record.pending_indexes())
            fail(f"{record.error}. {left} turn(s) of attempt {record.attempt_id} could not be saved; the "
                 "ones before them are stored. Check the database and run the drill again.")
        if card_json is not None:
            card = Scorecard.model_validate(card_json)
        else:
            card = get_grader(s, get_embedder(s)).grade(sc, session.transcript, session.outcome)
        try:
            index = AttemptIndex.from_settings(s, get_embedder(s))
        except Exception as exc:  # the attempt is stored either way; the index only adds examples
            err_console.print(f"[dim](attempt index unavailable: {exc})[/]", highlight=False)
            index = None
        try:
            card = record.finish(card, index, sc)
        except StoreError as exc:
            fail(str(exc))
        err_console.print(f"Saved attempt {record.attempt_id} for {record.rep.email}: "
                          f"overall {card.overall}, outcome {card.outcome}.", highlight=False)
        for ex in card.from_team:
            who = ex.name or ex.user
            line = f"  From your team — {who} ({ex.overall}, {ex.when}): “{ex.text}”"
            err_console.print(line, highlight=False)
        return int(record.attempt_id)


def _say_buyer(sc: Scenario, text: str, notice: str | None) -> None:
    if notice:
        err_console.print(f"[dim]({notice})[/]", highlight=False)
    console.print(f"[bold magenta]{sc.buyer.name}:[/] {text}", highlight=False)


def _ended(session: DrillSession) -> str:
    """How the drill ended, in words: a stall scores as ``open``, but the buyer ended it, not the clock."""
    if session.state.stage == "stalled":
        return "open: the buyer ended the call without a commitment"
    return session.outcome


def _summary(session: DrillSession) -> None:
    st = session.state
    style = _STAGE_STYLE.get(session.outcome, "")
    said = _ended(session)
    console.print(f"\n[{style}]Outcome: {said}[/] after {session.rep_turn_count} rep turn(s).",
                  highlight=False)
    for item in st.resolution:
        mark = "[green]✓[/]" if item.met else "[red]✗[/]"
        console.print(f"  {mark} {item.text}", highlight=False)


def _interactive(session: DrillSession, sc: Scenario, opening: str) -> None:
    from ..session import DrillInputError, in_background

    b = sc.buyer
    console.rule(f"[bold]{sc.title}[/]")
    console.print(f"[dim]{sc.context.strip()}[/]", highlight=False)
    console.print(f"You are selling [bold]{sc.product.name}[/] to {b.name}, {b.role} at {b.company}. "
                  f"Up to {session.max_turns} turns. Type /end to stop.\n", highlight=False)
    _say_buyer(sc, opening, None)
    while not session.finished:
        warming = in_background(session.warm_ahead, "scrimmage-warm-ahead")  # while the rep reads and types
        try:
            text = console.input("[bold cyan]You:[/] ")
        except EOFError:
            break
        finally:
            warming.join()  # done by now unless the input came from a pipe
        if text.strip() in ("/end", "/quit", "/exit"):
            session.end()
            break
        try:
            console.print(f"[bold magenta]{b.name}:[/] ", end="", highlight=False)
            for chunk in session.rep_says_stream(text):
                console.print(chunk, end="", highlight=False, markup=False)
            console.print()
            reply = session.last_reply
            if reply is not None and reply.notice:
                err_console.print(f"[dim]({reply.notice})[/]", highlight=False)
        except DrillInputError as exc:
            console.print()
            err_console.print(f"[yellow]{exc}[/]", highlight=False)
    _summary(session)
