"""The app's one doorway into coach_engine: cached resources and small helpers.

Pages never build engine objects themselves. Heavy things (settings, the
scenario bank, the embedder, the store, the grader) are built once per process
under ``st.cache_resource``; the rest are thin calls so a page reads like a
description of the UI. The engine parts landed one by one, so each optional
part is imported here and only here: a page asks ``available("store")`` and
shows a friendly note instead of breaking when a part is missing.
"""

from __future__ import annotations

import importlib
import logging
import threading
from typing import Any

import streamlit as st

from coach_engine.identity import Directory, Member, StoreDirectory
from coach_engine.models import Outcome, Scenario, Scorecard, Transcript
from coach_engine.scenarios import ScenarioBank
from coach_engine.settings import Settings, get_settings

log = logging.getLogger("scrimmage.app")

_PARTS = {
    "session": "coach_engine.session",
    "voices": "coach_engine.buyer.voices",
    "grading": "coach_engine.grading",
    "store": "coach_engine.store",
    "leaderboard": "coach_engine.leaderboard",
    "assignments": "coach_engine.assignments",
    "warmup": "coach_engine.warmup",
    "memory": "coach_engine.memory",
    "demo": "coach_engine.demo",
}


def part(name: str) -> Any | None:
    """The engine module for ``name``, or None while it is not there."""
    try:
        return importlib.import_module(_PARTS[name])
    except ImportError:
        return None


def available(name: str) -> bool:
    return part(name) is not None


# --- cached resources ---------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    return get_settings()


@st.cache_resource(show_spinner=False)
def _base_bank() -> ScenarioBank:
    return ScenarioBank.from_dirs(settings().scenario_dirs)


def bank() -> ScenarioBank:
    """The bank from the scenario folders plus scenarios managers saved in the studio."""
    base = _base_bank()
    the_store = store()
    if the_store is None:
        return base
    merged = ScenarioBank(scenarios=dict(base.scenarios), sources=dict(base.sources), problems=base.problems)
    from coach_engine.scenarios import parse_scenario
    from coach_engine.store import SYSTEM

    try:
        authored = the_store.authored_scenarios(SYSTEM)
    except Exception:  # the bank must work even when the authored list cannot be read
        log.exception("could not load authored scenarios")
        return merged
    for row in authored:
        try:
            merged.add(parse_scenario(row.yaml_text, f"studio:{row.scenario_id}"),
                       source=f"studio:{row.scenario_id}", replace=True)
        except Exception:
            log.exception("authored scenario %s does not load", row.scenario_id)
    return merged


@st.cache_resource(show_spinner="Loading the language model (first time only)…")
def embedder() -> Any:
    from coach_engine.embeddings import get_embedder

    emb = get_embedder(settings())
    emb.embed(["warm up"])  # load the model now, under the spinner, not in the middle of a drill
    return emb


@st.cache_resource(show_spinner="Opening the team database…")
def store() -> Any | None:
    """The team store, with the demo team seeded on first start when it is empty."""
    mod = part("store")
    if mod is None or not hasattr(mod, "Store"):
        return None
    s = settings()
    s.data_dir.mkdir(parents=True, exist_ok=True)
    return mod.Store.from_settings(s)


@st.cache_resource(show_spinner=False)
def _seed_lock() -> threading.Lock:
    return threading.Lock()


def ensure_demo_team() -> None:
    """On the very first start (empty database, ``seed_demo`` on) create the demo team, with progress."""
    s = settings()
    the_store = store()
    demo = part("demo")
    if not s.seed_demo or the_store is None or demo is None or the_store.count_users() > 0:
        return
    with _seed_lock():
        if the_store.count_users() > 0:  # another session seeded it while we waited
            return
        with st.status("Setting up the demo team — first start only, about a minute…", expanded=True) as box:
            try:
                try:
                    the_index = index()
                except Exception:
                    the_index = None
                summary = demo.seed_demo(the_store, bank=_base_bank(), settings=s, index=the_index,
                                         progress=box.write)
            except Exception as exc:
                log.exception("demo seeding failed")
                box.update(label="The demo team could not be created", state="error")
                st.error(f"The demo team could not be created ({str(exc).splitlines()[0][:200]}). "
                         "Run `scrimmage team seed-demo` in a terminal, then reload.")
                return
            box.update(label=getattr(summary, "describe", lambda: "Demo team ready")(), state="complete",
                       expanded=False)


@st.cache_resource(show_spinner="Opening the reply index…")
def index() -> Any:
    """The Chroma index of graded replies and scenarios (team examples, warm-up matching)."""
    from coach_engine.store.index import AttemptIndex

    return AttemptIndex.from_settings(settings(), embedder())


@st.cache_resource(show_spinner=False)
def grader() -> Any | None:
    mod = part("grading")
    if mod is None:
        return None
    return mod.get_grader(settings(), embedder())


def voice(seed: int = 0) -> Any | None:
    mod = part("voices")
    if mod is None:
        return None
    return mod.get_voice(settings(), seed)


def directory() -> Directory:
    the_store = store()
    if the_store is None:
        raise RuntimeError("The team store is not installed yet")
    return StoreDirectory(the_store)


# --- small helpers the pages share ---------------------------------------------------


def mode_note() -> str:
    """One line saying which mode is on, shown on every page."""
    s = settings()
    if s.effective_voice == "llm" or s.effective_grader == "llm":
        where = s.openai_base_url or "OpenAI"
        return f"LLM mode: buyer voice {s.effective_voice}, grader {s.effective_grader} ({where})"
    return "Offline mode: scripted buyer and rubric grader — no key needed"


def streams_voice() -> bool:
    """Whether the buyer's replies should stream (the LLM voice) or appear at once (scripted)."""
    return settings().effective_voice == "llm"


def new_drill(scenario: Scenario, *, seed: int = 0, max_turns: int | None = None,
              on_turn: Any | None = None) -> Any:
    """A fresh DrillSession for ``scenario``; the page calls ``start()``."""
    mod = part("session")
    if mod is None:
        raise RuntimeError("The drill engine is not installed yet")
    return mod.DrillSession(scenario, embedder=embedder(), voice=voice(seed), seed=seed,
                            max_turns=max_turns, on_turn=on_turn)


def resume_drill(scenario: Scenario, turns: list[Any], *, seed: int = 0, max_turns: int | None = None,
                 on_turn: Any | None = None) -> Any:
    mod = part("session")
    if mod is None:
        raise RuntimeError("The drill engine is not installed yet")
    return mod.DrillSession.resume(scenario, turns, embedder=embedder(), voice=voice(seed), seed=seed,
                                   max_turns=max_turns, on_turn=on_turn)


def input_error_types() -> tuple[type[BaseException], ...]:
    mod = part("session")
    return (mod.DrillInputError,) if mod is not None and hasattr(mod, "DrillInputError") else (ValueError,)


def grade(scenario: Scenario, transcript: Transcript, outcome: Outcome | None = None) -> Scorecard:
    g = grader()
    if g is None:
        raise RuntimeError("The grader is not installed yet")
    return g.grade(scenario, transcript, outcome)


def grade_reply(scenario: Scenario, reply: str) -> Scorecard:
    g = grader()
    if g is None:
        raise RuntimeError("The grader is not installed yet")
    return g.grade_reply(scenario, reply)


# --- the result the Scorecard page shows (shared between pages, hence `shared_`) ------

RESULT_KEY = "shared_result"


def remember_result(scenario: Scenario, transcript: Transcript, scorecard: Scorecard,
                    attempt_id: Any | None = None, quick: bool = False) -> None:
    st.session_state[RESULT_KEY] = {
        "scenario": scenario,
        "transcript": transcript,
        "scorecard": scorecard,
        "attempt_id": attempt_id,
        "quick": quick,
    }


def last_result() -> dict[str, Any] | None:
    return st.session_state.get(RESULT_KEY)


def member() -> Member | None:
    """The signed-in member (set by app.py)."""
    return st.session_state.get("identity_member")


# --- handing a drill to the Practice page from elsewhere (warm-up, scorecard) ---------

START_KEY = "shared_start"


def request_drill(scenario_id: str, *, quick: bool = False, assignment_id: Any | None = None) -> None:
    """Ask the Practice page to open this scenario's brief (the caller then switches page)."""
    st.session_state[START_KEY] = {"scenario_id": scenario_id, "quick": quick, "assignment_id": assignment_id}


def take_drill_request() -> dict[str, Any] | None:
    return st.session_state.pop(START_KEY, None)


# --- the store, through the few calls the pages need ----------------------------------


def assignments_for(who: Member) -> list[Any]:
    """This rep's assignments with their status (``assignments.AssigneeStatus``), soonest due first."""
    the_store = store()
    mod = part("assignments")
    if the_store is None or mod is None or not who.team:
        return []
    return list(mod.my_assignments(the_store, who.user))


def unfinished_attempts(who: Member) -> list[Any]:
    the_store = store()
    if the_store is None:
        return []
    return list(the_store.open_attempts(who.user))


def abandon_attempt(who: Member, attempt_id: Any) -> None:
    the_store = store()
    if the_store is not None:
        the_store.abandon_attempt(who.user, attempt_id)


def stored_turns(who: Member, attempt_id: Any) -> list[Any]:
    the_store = store()
    if the_store is None:
        return []
    return list(the_store.transcript_turns(who.user, attempt_id))


def start_attempt(who: Member, scenario: Scenario, *, mode: str = "drill") -> Any | None:
    the_store = store()
    if the_store is None:
        return None
    s = settings()
    attempt = the_store.start_attempt(who.user, scenario, mode=mode, voice=s.effective_voice,
                                      grader=s.effective_grader)
    return attempt.id


def turn_recorder(who: Member, attempt_id: Any | None) -> Any | None:
    the_store = store()
    if the_store is None or attempt_id is None:
        return None
    return the_store.turn_recorder(attempt_id, who.user)


def finish_attempt(who: Member, attempt_id: Any | None, scorecard: Scorecard) -> Scorecard:
    """Complete the attempt, index its replies and return the card with "from your team" and trend."""
    the_store = store()
    if the_store is None or attempt_id is None:
        return scorecard
    mem = part("memory")
    if mem is None:
        the_store.complete_attempt(who.user, attempt_id, scorecard)
        return scorecard
    try:
        the_index = index()
    except Exception:  # the drill is kept even when the reply index is unavailable
        log.exception("attempt index unavailable")
        the_index = None
    return mem.remember(the_store, the_index, who.user, attempt_id, scorecard)


def harder_scenario(scenario: Scenario) -> Scenario | None:
    """The next step up: same objection at a higher difficulty, else any scenario one level up."""
    order = {"easy": 0, "medium": 1, "hard": 2}
    level = order[scenario.difficulty]
    candidates = [s for s in bank().list() if order[s.difficulty] > level and s.id != scenario.id]
    same = [s for s in candidates if s.objection == scenario.objection]
    pool = same or [s for s in candidates if order[s.difficulty] == level + 1]
    return min(pool, key=lambda s: (order[s.difficulty], s.id)) if pool else None


RELATED_OBJECTIONS = {
    "price": "budget", "budget": "price", "incumbent": "competitor", "competitor": "incumbent",
    "send_info": "not_interested", "not_interested": "send_info", "trust": "need", "need": "trust",
    "timing": "authority", "authority": "timing",
}


def clinic_openings(objection: str, n: int = 5) -> list[Scenario]:
    """``n`` openings for a clinic: this objection first (easy to hard), topped up from its closest kin."""
    order = {"easy": 0, "medium": 1, "hard": 2}
    the_bank = bank()
    chosen = sorted(the_bank.list(objection=objection), key=lambda s: (order[s.difficulty], s.id))
    if len(chosen) < n and objection in RELATED_OBJECTIONS:
        kin = sorted(the_bank.list(objection=RELATED_OBJECTIONS[objection]),
                     key=lambda s: (order[s.difficulty], s.id))
        chosen += kin[: n - len(chosen)]
    return chosen[:n]


def record_single_reply(who: Member, scenario: Scenario, reply: str, card: Scorecard,
                        mode: str = "clinic") -> Any | None:
    """Store a one-reply attempt (opening + reply + scorecard) so it counts in progress and trends."""
    the_store = store()
    if the_store is None:
        return None
    attempt_id = start_attempt(who, scenario, mode=mode)
    the_store.record_turn(who.user, attempt_id, 0, "buyer", scenario.buyer.opening)
    the_store.record_turn(who.user, attempt_id, 1, "rep", reply)
    finish_attempt(who, attempt_id, card)
    return attempt_id


# --- weeks and the leaderboard -------------------------------------------------------


def recent_weeks(who: Member, n: int = 8) -> list[str]:
    """This ISO week (in the team's time zone) and the ``n - 1`` before it, newest first."""
    from coach_engine.store.weeks import iso_week, shift_week

    the_store = store()
    tz = "UTC"
    if the_store is not None and who.team:
        try:
            tz = the_store.get_team(who.user, who.team).timezone
        except Exception:
            tz = "UTC"
    now = the_store.clock() if the_store is not None else None
    from datetime import UTC, datetime

    this = iso_week(now or datetime.now(UTC), tz)
    return [shift_week(this, -i) for i in range(n)]


def leaderboard(who: Member, week: str | None = None) -> Any | None:
    mod = part("leaderboard")
    the_store = store()
    if mod is None or the_store is None or not who.team:
        return None
    return mod.compute_leaderboard(the_store, who.user, who.team, week)


# --- the manager's team view ---------------------------------------------------------


def team_members(who: Member) -> list[Any]:
    the_store = store()
    if the_store is None or not who.team:
        return []
    return list(the_store.team_members(who.user, who.team))


def assign(who: Member, scenario_id: str, due: Any, *, rep_email: str | None, pass_mark: int,
           min_attempts: int) -> Any:
    mod = part("assignments")
    the_store = store()
    if mod is None or the_store is None:
        raise RuntimeError("Assignments are not available yet")
    return mod.assign(the_store, who.user, scenario_id, due, user=rep_email,
                      team=None if rep_email else who.team, pass_mark=pass_mark,
                      min_attempts=min_attempts, known_scenarios=bank().ids())


def assignment_matrix(who: Member) -> list[Any]:
    mod = part("assignments")
    the_store = store()
    if mod is None or the_store is None or not who.team:
        return []
    return list(mod.assignment_status(the_store, who.user, who.team))


def team_attempts(who: Member, status: str | None = "completed") -> list[Any]:
    the_store = store()
    if the_store is None or not who.team:
        return []
    return list(the_store.team_attempts(who.user, who.team, status=status))


def week_label(moment: Any, tz: str = "UTC") -> str:
    from coach_engine.store.weeks import iso_week

    return iso_week(moment, tz)


def attempt_detail(who: Member, attempt_id: int) -> dict[str, Any]:
    """Everything the review screens show about one attempt."""
    the_store = store()
    assert the_store is not None
    attempt = the_store.get_attempt(who.user, attempt_id)
    turns = the_store.transcript_turns(who.user, attempt_id)
    return {
        "attempt": attempt,
        "transcript": Transcript(scenario=attempt.scenario_id, turns=turns),
        "scorecard": the_store.scorecard(who.user, attempt_id),
        "reviews": the_store.reviews(who.user, attempt_id),
        "scenario": bank().scenarios.get(attempt.scenario_id),
    }


def add_review(who: Member, attempt_id: int, overrides: dict[str, int], comment: str) -> Any:
    the_store = store()
    assert the_store is not None
    return the_store.add_review(who.user, attempt_id, overrides, comment)


def reviewed_ids(who: Member, attempt_ids: list[int]) -> set[int]:
    the_store = store()
    if the_store is None:
        return set()
    return {a for a in attempt_ids if the_store.reviews(who.user, a)}


# --- the scenario studio -------------------------------------------------------------


def validate_scenario(yaml_text: str, source: str = "studio") -> tuple[Scenario | None, list[Any]]:
    """(scenario, []) when the YAML loads, else (None, the loader's problems: file / field / message)."""
    from coach_engine.datafiles import DataFileError
    from coach_engine.scenarios import parse_scenario

    try:
        return parse_scenario(yaml_text, source), []
    except DataFileError as exc:
        return None, list(exc.problems)


def scenario_yaml(scenario: Scenario) -> str:
    import yaml

    return yaml.safe_dump(scenario.model_dump(mode="json", exclude_defaults=False), sort_keys=False,
                          allow_unicode=True, width=100)


def save_scenario(who: Member, scenario: Scenario, yaml_text: str) -> Any:
    the_store = store()
    if the_store is None:
        raise RuntimeError("The team store is not available")
    return the_store.save_scenario(who.user, scenario, yaml_text)


def test_drill(scenario: Scenario) -> Any:
    """A drill against an unsaved scenario: nothing is recorded."""
    drill = new_drill(scenario)
    drill.start()
    return drill


def warmup_matches(notes: str, k: int = 3) -> list[Any]:
    """The ``k`` drills that best rehearse the call in ``notes`` (``warmup.WarmupMatch``: scenario, why)."""
    mod = part("warmup")
    if mod is None:
        raise RuntimeError("Warm-up matching is not available yet")
    try:
        the_index = index()
    except Exception:
        log.exception("attempt index unavailable; matching in memory")
        the_index = None
    return list(mod.match_warmups(notes, bank(), embedder(), index=the_index, k=k))


def my_attempts(who: Member, *, objection: str | None = None, status: str | None = None) -> list[Any]:
    the_store = store()
    if the_store is None:
        return []
    return list(the_store.list_attempts(who.user, objection=objection, status=status))


def my_standing(who: Member) -> Any | None:
    """This week's leaderboard row for ``who`` (points, drills, streak), if any."""
    try:
        board = leaderboard(who)
    except Exception:
        log.exception("leaderboard unavailable")
        return None
    if board is None:
        return None
    return next((r for r in board.rows if r.user == who.id), None)


@st.cache_resource(show_spinner=False)
def skill_names() -> dict[str, str]:
    """Skill id -> display name across the packaged rubrics (stored scores carry only ids)."""
    from coach_engine.rubrics import get_rubric, rubric_ids

    names: dict[str, str] = {}
    for rid in rubric_ids():
        try:
            names.update({s.id: s.name for s in get_rubric(rid).skills})
        except Exception:
            log.exception("rubric %s does not load", rid)
    return names


def latest_result(who: Member) -> dict[str, Any] | None:
    """The member's most recent graded attempt, shaped like ``last_result`` (after a refresh)."""
    try:
        done = my_attempts(who, status="completed")
    except Exception:
        log.exception("history unavailable")
        return None
    for attempt in done[:5]:
        detail = attempt_detail(who, attempt.id)
        if detail["scorecard"] is not None and detail["scenario"] is not None:
            return {"scenario": detail["scenario"], "transcript": detail["transcript"],
                    "scorecard": detail["scorecard"], "attempt_id": attempt.id,
                    "quick": attempt.mode == "warmup", "reviews": detail["reviews"],
                    "when": attempt.completed_at}
    return None


def startup_problem() -> str | None:
    """Why the app cannot start (settings or database unusable), as a sentence with what to do; else None."""
    try:
        s = settings()
    except Exception as exc:
        return f"The settings are not valid ({str(exc).splitlines()[0][:200]}). Fix the SCRIMMAGE_ settings."
    try:
        store()
    except Exception as exc:
        return (f"The database at {s.masked()['database_url']} could not be opened "
                f"({str(exc).splitlines()[0][:200]}). Check SCRIMMAGE_DATABASE_URL / SCRIMMAGE_DATA_DIR.")
    return None
