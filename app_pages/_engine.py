"""The app's doorway into coach_engine: who is signed in, start-up, drills, grading and page hand-offs.

Pages never build engine objects themselves; they call this module, so a page
reads like a description of the UI. The heavy things (settings, the scenario
bank, the embedder, the store, the reply index, the grader) are built once per
process in ``_resources.py`` and offered here under the same names, so a page
needs one doorway; everything else here is a thin call on top of them. What
pages read and write in the team's store lives next door in ``_records.py``.

The first page must paint fast (issue 7: 5 s from ``streamlit run``), so
imports that the first page does not need — the drill engine (numpy), torch,
Chroma, grading — stay inside functions, and ``warm_up_in_background`` loads
the embedding model and those imports in a daemon thread once a page has
rendered, so the first drill does not wait for them either.
"""

from __future__ import annotations

import copy
import importlib
import threading
import time
from typing import TYPE_CHECKING, Any

import streamlit as st

from app_pages._resources import (
    bank,
    embedder,
    folder_bank,
    grader,
    index,
    index_or_none,
    log,
    scenario_for,
    settings,
    skill_names,
    store,
)
from app_pages._ui import empty_state
from coach_engine.identity import Directory, Member
from coach_engine.models import Outcome, Scenario, Scorecard, Transcript
from coach_engine.settings import Settings
from coach_engine.store import StoreError

if TYPE_CHECKING:
    from coach_engine.session import DrillSession

__all__ = [  # with the cached resources from ``_resources``, for the pages
    "RESULT_KEY", "START_KEY", "WARM_UP_DELAY_S", "WARM_UP_IMPORTS",
    "DrillInputError",  # noqa: F822 (provided by __getattr__ below)
    "attempt_seed", "bank", "clinic_openings", "directory", "drill_embedder", "embedder", "ensure_demo_team",
    "grade",
    "grade_reply", "grader", "index", "index_or_none", "last_result", "log", "member", "member_on_a_team",
    "mode_note", "new_drill", "next_drill", "remember_result", "request_drill", "request_retry",
    "resume_drill", "scenario_for", "settings", "skill_names", "startup_problem", "store",
    "take_drill_request", "test_drill", "warm_up_in_background", "warmup_matches",
]


def __getattr__(name: str) -> Any:
    # ``engine.DrillInputError`` for the pages, without importing the drill engine at first paint
    # (an ``except`` clause only looks the name up when an exception reaches it).
    if name == "DrillInputError":
        from coach_engine.session import DrillInputError

        return DrillInputError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- who is signed in ---------------------------------------------------------------


def directory() -> Directory:
    """Sessions to members for the sign-in mode in force (``identity.Directory``)."""
    return Directory(store(), settings())


def member() -> Member | None:
    """The signed-in member (set by app.py through _identity)."""
    return st.session_state.get("identity_member")


def member_on_a_team(no_team: str) -> Member:
    """The signed-in member, for a page that needs their team: without one, ``no_team`` and the page stops."""
    who = member()
    assert who is not None
    if not who.team:
        empty_state(no_team)
        st.stop()
    return who


# --- start-up ------------------------------------------------------------------------


def startup_problem() -> str | None:
    """Why the app cannot start (settings or database unusable), with what to do; else None."""
    try:
        s = settings()
    except Exception as exc:
        return f"The settings are not valid ({str(exc).splitlines()[0][:200]}). Fix the SCRIMMAGE_ settings."
    try:
        store()
    except StoreError as exc:  # the store says what is wrong and what to do (e.g. an emptied database)
        return str(exc)
    except Exception as exc:
        return (
            f"The database at {s.masked()['database_url']} could not be opened "
            f"({str(exc).splitlines()[0][:200]}). Check SCRIMMAGE_DATABASE_URL / SCRIMMAGE_DATA_DIR."
        )
    from coach_engine.reading.artifact import ReadingModelError, check_artifact

    try:
        check_artifact()
    except ReadingModelError as exc:
        return str(exc)
    return None


@st.cache_resource(show_spinner=False)
def _seed_lock() -> threading.Lock:
    return threading.Lock()


def ensure_demo_team() -> None:
    """On the very first start (empty database, ``seed_demo`` on) create the demo team, with progress."""
    s = settings()
    the_store = store()
    if not s.seed_demo or the_store.count_users() > 0:
        return
    with _seed_lock():
        if the_store.count_users() > 0:  # another session seeded it while we waited
            return
        from coach_engine.demo import seed_demo

        with st.status("Setting up the demo team — first start only, about a minute…", expanded=True) as box:
            try:
                summary = seed_demo(
                    the_store, bank=folder_bank(), settings=s, index=index_or_none(), progress=box.write
                )
            except Exception as exc:
                log.exception("demo seeding failed")
                box.update(label="The demo team could not be created", state="error")
                st.error(
                    f"The demo team could not be created ({str(exc).splitlines()[0][:200]}). "
                    "Run `scrimmage seed-demo` in a terminal, then reload."
                )
                return
            box.update(label=summary.describe(), state="complete", expanded=False)
            if summary.signin is not None:  # on the console once; the sign-in page shows it in demo mode
                print(summary.signin.describe(), flush=True)


WARM_UP_DELAY_S = 1.0
"""How long the warm-up waits after the page that started it, so the browser paints that page first."""
WARM_UP_IMPORTS = ("coach_engine.grading", "coach_engine.store.index", "pandas", "altair")
"""What the scorecard after the first drill imports: grading, Chroma, the charts."""


@st.cache_resource(show_spinner=False)
def warm_up_in_background() -> threading.Thread | None:
    """Once per process, after a page has rendered: load what the first drill needs, in a daemon thread.

    With the local model that is torch and the weights (seconds), the detectors'
    cue prototypes, and the imports of the drill engine and of the scorecard
    that follows it (grading, Chroma, the charts).
    The thread calls the engine only, never Streamlit (Streamlit's APIs belong to
    the script thread); ``embedder()`` later finds the same process-wide model
    (``embeddings.get_embedder``), waiting under its spinner if loading is still
    under way. Other backends need no warming (hash) or would spend API calls
    on every server start (OpenAI), so they start nothing.
    """
    s = settings()
    if s.embedding_backend != "local":
        return None
    scenarios = folder_bank().scenarios
    scenario = scenarios[min(scenarios)] if scenarios else None
    thread = threading.Thread(target=_warm_up, args=(s, scenario), name="scrimmage-warm-up", daemon=True)
    thread.start()
    return thread


def _warm_up(s: Settings, scenario: Scenario | None, delay: float = WARM_UP_DELAY_S) -> None:
    time.sleep(delay)
    try:
        from coach_engine.buyer.scripted import ScriptedVoice
        from coach_engine.embeddings import get_embedder
        from coach_engine.session import DrillSession

        emb = get_embedder(s)
        emb.embed(["warm up"])
        if scenario is not None:  # a scripted opening (no LLM call, nothing stored) prepares the detectors
            DrillSession(scenario, embedder=emb, voice=ScriptedVoice(0)).start()
        for module in WARM_UP_IMPORTS:
            importlib.import_module(module)
    except Exception:
        log.exception("warming up failed; the first drill loads the model instead")


# --- mode, drills and grading ---------------------------------------------------------


def mode_note() -> str:
    """One line saying which mode is on, shown on every page."""
    s = settings()
    if s.effective_voice == "llm" or s.effective_grader == "llm":
        from coach_engine.llm import endpoint

        where = endpoint(s)
        return f"LLM mode: buyer voice {s.effective_voice}, grader {s.effective_grader} ({where})"
    return "Offline mode: scripted buyer and rubric grader — no key needed"


def _quota(purpose: str) -> Any | None:
    """The signed-in person's hourly limit on model calls (``llm_quota``), or None (offline, no limit, or
    nobody signed in)."""
    from coach_engine.llm_quota import HourlyQuota
    from coach_engine.store import LlmUsage

    s, who = settings(), member()
    user = who.user if who is not None else None
    if s.llm_calls_per_hour <= 0 or user is None:
        return None
    return HourlyQuota(LlmUsage(store()), user.id, s.llm_calls_per_hour, purpose=purpose)


def _voice(seed: int) -> Any:
    from coach_engine.buyer.voices import get_voice

    if settings().effective_voice != "llm":
        return get_voice(settings(), seed)
    return get_voice(settings(), seed, quota=_quota("voice"))


def in_background(work: Any, name: str) -> None:
    """A drill's model work run while the rep reads and types (``coach_engine.session.in_background``)."""
    from coach_engine.session import in_background as run

    run(work, name)  # a server: the daemon thread ends with its work, or with the process


def attempt_seed(attempt_id: Any) -> int:
    from coach_engine.session import attempt_seed as seed_for

    return seed_for(attempt_id)


def drill_embedder() -> Any:
    """The process-wide embedder, without waiting for its model (issue 13: the first buyer line within a
    second of "Start the call", even right after a restart). The opening is the scenario's own words and
    needs no model; the drill's background ``prepare`` (or the rep's first turn) loads it. ``embedder()``
    would wait under its spinner for the warm-up that began at the first paint."""
    from coach_engine.embeddings import get_embedder

    return get_embedder(settings())


def new_drill(
    scenario: Scenario, *, seed: int = 0, max_turns: int | None = None, on_turn: Any | None = None
) -> DrillSession:
    """A fresh DrillSession for ``scenario``; the page calls ``start()``."""
    from coach_engine.session import DrillSession

    return DrillSession(
        scenario, embedder=drill_embedder(), voice=_voice(seed), seed=seed, max_turns=max_turns,
        on_turn=on_turn,
    )


def resume_drill(
    scenario: Scenario,
    turns: list[Any],
    *,
    seed: int = 0,
    max_turns: int | None = None,
    on_turn: Any | None = None,
) -> DrillSession:
    """Rebuild a drill from its stored turns (the store kept every one as it happened)."""
    from coach_engine.session import DrillSession

    return DrillSession.resume(
        scenario,
        turns,
        embedder=drill_embedder(),
        voice=_voice(seed),
        seed=seed,
        max_turns=max_turns,
        on_turn=on_turn,
    )


def test_drill(scenario: Scenario) -> DrillSession:
    """A drill against an unsaved scenario (the studio's test): nothing is recorded."""
    drill = new_drill(scenario)
    drill.start()
    return drill


def _grader_for_member() -> Any:
    """The shared grader; with the LLM judge, a copy that counts against the signed-in person's limit."""
    shared = grader()
    if settings().effective_grader != "llm":
        return shared
    from coach_engine.grading.llm_judge import LLMJudge

    quota = _quota("judge")
    if quota is None or not isinstance(shared, LLMJudge):
        return shared
    mine = copy.copy(shared)
    mine.quota = quota
    return mine


def grade(scenario: Scenario, transcript: Transcript, outcome: Outcome | None = None) -> Scorecard:
    return _grader_for_member().grade(scenario, transcript, outcome)


def grade_reply(scenario: Scenario, reply: str) -> Scorecard:
    return _grader_for_member().grade_reply(scenario, reply)


# --- hand-offs between pages (hence the `shared_` keys) --------------------------------

RESULT_KEY = "shared_result"
START_KEY = "shared_start"


def remember_result(
    scenario: Scenario,
    transcript: Transcript,
    scorecard: Scorecard,
    attempt_id: Any | None = None,
    quick: bool = False,
) -> None:
    """What the Scorecard page shows next."""
    st.session_state[RESULT_KEY] = {
        "scenario": scenario,
        "transcript": transcript,
        "scorecard": scorecard,
        "attempt_id": attempt_id,
        "quick": quick,
    }


def last_result() -> dict[str, Any] | None:
    return st.session_state.get(RESULT_KEY)


def request_drill(
    scenario_id: str, *, quick: bool = False, tailored: Scenario | None = None, from_notes: Any = ()
) -> None:
    """Ask the Practice page to open this scenario's brief (the caller then switches page).

    ``tailored``: the scenario as the warm-up tailored it to the rep's notes (``tailoring.tailor``), with
    ``from_notes`` saying which buyer facts the notes set."""
    st.session_state[START_KEY] = {"scenario_id": scenario_id, "quick": quick, "tailored": tailored,
                                   "from_notes": tuple(from_notes)}


def request_retry(scenario: Scenario, *, quick: bool = False) -> None:
    """Ask for the drill that was just played again: a warm-up tailored to call notes replays its
    tailored copy (with the facts the notes set), not the bank's version."""
    from coach_engine.tailoring import facts_from_notes

    b = bank()
    base = b.get(scenario.id) if scenario.id in b else None
    if quick and base is not None and base != scenario:
        request_drill(scenario.id, quick=True, tailored=scenario, from_notes=facts_from_notes(base, scenario))
    else:
        request_drill(scenario.id, quick=quick)


def take_drill_request() -> dict[str, Any] | None:
    return st.session_state.pop(START_KEY, None)


# --- which drill next (the engine decides: coach_engine.drills) --------------------------


def next_drill(scenario: Scenario, card: Scorecard) -> Any:
    """What the scorecard offers next (``drills.NextDrill``): a harder one only after a pass."""
    from coach_engine.drills import next_drill as choose

    return choose(bank(), scenario, card)


def clinic_openings(objection: str, n: int, seed: int) -> list[Scenario]:
    """``n`` clinic openings on ``objection`` (topped up from its kin), the same for the same seed."""
    from coach_engine.drills import clinic_openings as choose

    return choose(bank(), objection, n, seed=seed)


def warmup_matches(notes: str, k: int = 3) -> Any:
    """Up to ``k`` drills that rehearse the call in ``notes``, tailored to them (``warmup.Warmups``: the close
    matches, or the nearest one with a headline saying so)."""
    from coach_engine.warmup import find_warmups

    return find_warmups(notes, bank(), embedder(), index=index_or_none(), k=k)
