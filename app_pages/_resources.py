"""The heavy engine objects the app builds once per process: settings, the bank, the store, the model.

Each is made under ``st.cache_resource`` the first time a page asks, so every
browser session shares one embedder, one database pool and one reply index;
``bank()`` and ``scenario_for()`` add the studio's saved scenarios to the
cached scenario folders on every call, so a save shows at once. They live
apart from ``_engine.py``'s thin calls (drills, grading, hand-offs) because
those build on these, and ``_engine`` offers them to the pages under the same
names. Imports the first page does not need (the embedder, Chroma, grading)
stay inside the functions (issue 7: the first page paints fast).
"""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from coach_engine.models import Scenario
from coach_engine.scenarios import ScenarioBank
from coach_engine.settings import Settings, get_settings
from coach_engine.store import SYSTEM, Store, check_writable_folder
from coach_engine.studio import bank_with_authored, pinned_scenario

log = logging.getLogger("scrimmage.app")


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    return get_settings()


@st.cache_resource(show_spinner=False)
def folder_bank() -> ScenarioBank:
    """The scenarios in the scenario folders alone (the demo team and the warm-up start from these)."""
    return ScenarioBank.from_dirs(settings().scenario_dirs)


def bank() -> ScenarioBank:
    """The bank from the scenario folders plus the scenarios managers saved in the studio
    (``studio.bank_with_authored``: a shipped id always wins; archived ones are looked up, not offered)."""
    base = folder_bank()
    try:
        authored = store().authored.scenarios(SYSTEM)
    except Exception:  # the bank must work even when the authored list cannot be read
        log.exception("could not load authored scenarios")
        authored = []
    return bank_with_authored(base, authored)


def scenario_for(
    scenario_id: str, *, version: int | None = None, content_hash: str | None = None
) -> Scenario:
    """The scenario as an assignment (``version``) or an attempt (``content_hash``) knows it, else the
    latest (``studio.pinned_scenario``); KeyError when the bank has no such id."""
    the_bank = bank()
    try:
        return pinned_scenario(
            the_bank, store(), SYSTEM, scenario_id, version=version, content_hash=content_hash
        )
    except KeyError:
        raise
    except Exception:  # a version that can't be read: the latest still runs
        log.exception("version of %s unavailable", scenario_id)
        return the_bank.get(scenario_id)


@st.cache_resource(show_spinner="Loading the language model (first time only)…")
def embedder() -> Any:
    from coach_engine.embeddings import get_embedder

    emb = get_embedder(settings())
    emb.embed(["warm up"])  # load the model now, under the spinner, not in the middle of a drill
    return emb


@st.cache_resource(show_spinner="Opening the team database…")
def store() -> Store:
    s = settings()
    if s.database_url:  # the data folder still holds the reply index and the demo's sign-in
        try:
            s.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError:
            check_writable_folder(s.data_dir)  # says what is wrong with it, naming the path
            raise
    # With the default SQLite file, opening it checks its folder (read-only, a file in the way: NotWritable).
    return Store.from_settings(s)


@st.cache_resource(show_spinner="Opening the reply index…")
def index() -> Any:
    """The Chroma index of graded replies and scenarios (team examples, warm-up matching)."""
    from coach_engine.store.index import AttemptIndex

    return AttemptIndex.from_settings(settings(), embedder())


def index_or_none() -> Any | None:
    """The reply index, or None when Chroma is unavailable (memory and warm-ups then work without it)."""
    try:
        return index()
    except Exception:
        log.exception("attempt index unavailable")
        return None


@st.cache_resource(show_spinner=False)
def grader() -> Any:
    from coach_engine.grading import get_grader

    return get_grader(settings(), embedder())


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
