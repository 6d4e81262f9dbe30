"""Practice: pick a drill (assigned, unfinished or from the bank), read the brief, talk to the buyer.

Three views on one page, chosen by session state: the picker, the brief
(``practice_scenario_id``) and the call (``practice_drill``, a DrillSession the
page only holds and calls). This page is the picker and the routing between
the views; which drill is open and its brief are ``_practice_brief``'s, the
call — saving every turn as it happens, answering again, grading — is
``_practice_call``'s. The brief never shows the hidden concern
(``Scenario.brief``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from app_pages import _engine as engine
from app_pages import _records as records
from app_pages._practice_brief import QUICK_TURNS, close_drill, open_brief, render_brief, render_from_notes
from app_pages._practice_call import call_view, start_drill
from app_pages._ui import (
    DIFFICULTY_BADGE,
    empty_state,
    friendly_error,
    objection_label,
    page_header,
    safe,
)
from coach_engine.models import DIFFICULTIES, OBJECTIONS, Scenario
from coach_engine.points import load_rules
from coach_engine.scenarios import ScenarioBank
from coach_engine.tailoring import facts_from_notes
from coach_engine.text import count_of

if TYPE_CHECKING:
    from coach_engine.session import DrillSession

PAGE_SIZE = 8


def brief_view(scenario: Scenario) -> None:
    quick = bool(st.session_state.get("practice_quick"))
    if st.button("← All drills", key="practice_back"):
        close_drill()
        st.rerun()
    st.subheader(scenario.title)
    if quick:
        st.caption(f"⚡ Quick mode: up to {QUICK_TURNS} replies — a warm-up before your call.")
    render_from_notes()
    render_brief(scenario)
    st.divider()
    if st.button("Start the call", type="primary", key="practice_start", width="stretch"):
        start_drill(scenario)


def scenario_card(scenario: Scenario, key: str, label: str = "Read the brief",
                  note: str = "", version: int | None = None) -> None:
    with st.container(border=True):
        st.markdown(f"**{safe(scenario.title)}**")
        st.caption(
            f"{objection_label(scenario.objection)} · {DIFFICULTY_BADGE.get(scenario.difficulty, '')} · "
            f"{safe(scenario.buyer.role)}, {safe(scenario.buyer.company)}" + (f" · {note}" if note else "")
        )
        if st.button(label, key=key):
            open_brief(scenario.id, version=version)
            st.rerun()


def assigned_section(bank: ScenarioBank) -> None:
    who = engine.member()
    assert who is not None
    assignments = [a for a in records.assignments_for(who) if a.status != "passed"]
    st.markdown("#### Assigned to you")
    if not assignments:
        empty_state("Nothing assigned right now — pick any drill below, "
                    "or start a warm-up before your next call.")
        return
    st.caption(f"Only full drills count toward an assignment: at least {load_rules().drill.min_replies} "
               "replies each, started after it was assigned. Clinic replies and warm-ups don't.")
    for row in assignments:
        a = row.assignment
        if a.scenario_id not in bank:
            continue
        status = {"overdue": "⏰ overdue", "in_progress": "in progress", "not_started": "not started"}
        done = f"{row.attempts} of {a.min_attempts} drill{'s' if a.min_attempts != 1 else ''} done"
        best = f" · best {row.best}" if row.best is not None else ""
        note = (f"due {a.due:%a %d %b} · pass mark {a.pass_mark} · {done}{best} · "
                f"{status.get(row.status, row.status)}")
        scenario_card(engine.scenario_for(a.scenario_id, version=a.scenario_version),
                      key=f"practice_assigned_{a.id}", label="Start assigned drill", note=note,
                      version=a.scenario_version)


def unfinished_section(bank: ScenarioBank) -> None:
    who = engine.member()
    assert who is not None
    open_attempts = [a for a in records.unfinished_attempts(who) if a.scenario_id in bank]
    if not open_attempts:
        return
    st.markdown("#### Pick up where you left off")
    for a in open_attempts[:3]:
        # The scenario it began on: the studio version, or the warm-up's copy tailored to the rep's notes
        # that the attempt kept (``Store.played_scenario``), never the bank's figures in its place.
        scenario = engine.scenario_for(a.scenario_id, content_hash=a.scenario_hash)
        turns = records.stored_turns(who, a.id)
        with st.container(border=True):
            st.markdown(f"**{safe(scenario.title)}**")
            st.caption(f"Started {a.started_at:%a %d %b, %H:%M} UTC · "
                       f"{count_of(sum(1 for t in turns if t.role == 'rep'), 'reply', 'replies')} so far")
            left, right = st.columns(2)
            if left.button("Resume", key=f"practice_resume_{a.id}", type="primary", width="stretch"):
                st.session_state.practice_quick = a.mode == "warmup"
                st.session_state.practice_from_notes = (
                    facts_from_notes(bank.get(a.scenario_id), scenario) if a.mode == "warmup" else ())
                start_drill(scenario, attempt_turns=turns, attempt_id=a.id)
            if right.button("Discard", key=f"practice_discard_{a.id}", width="stretch"):
                try:
                    records.abandon_attempt(who, a.id)
                except Exception as exc:
                    friendly_error("That drill could not be discarded", exc, "Reload the page and try again.")
                else:
                    st.rerun()


def bank_section(bank: ScenarioBank) -> None:
    st.markdown("#### Browse the bank")
    cols = st.columns([1, 1, 1, 2])
    objection = cols[0].selectbox("Objection", ["Any", *OBJECTIONS], key="practice_f_objection",
                                  format_func=lambda o: o if o == "Any" else objection_label(o))
    difficulty = cols[1].selectbox("Difficulty", ["Any", *DIFFICULTIES], key="practice_f_difficulty")
    industry = cols[2].selectbox("Industry", ["Any", *bank.tags()], key="practice_f_industry")
    query = cols[3].text_input("Search", key="practice_f_query", placeholder="e.g. CFO, logistics, freeze")
    found = bank.list(
        objection=None if objection == "Any" else objection,
        difficulty=None if difficulty == "Any" else difficulty,
        tag=None if industry == "Any" else industry,
        query=query or None,
    )
    if not found:
        empty_state("No drill matches those filters — clear the search or set a filter back to “Any”.")
        return
    st.caption(f"{len(found)} drill{'s' if len(found) != 1 else ''}")
    show_all = st.session_state.get("practice_show_all", False)
    for scenario in found if show_all else found[:PAGE_SIZE]:
        scenario_card(scenario, key=f"practice_pick_{scenario.id}")
    if not show_all and len(found) > PAGE_SIZE and st.button(f"Show all {len(found)} drills",
                                                             key="practice_more"):
        st.session_state.practice_show_all = True
        st.rerun()


def picker_view() -> None:
    bank = engine.bank()
    unfinished_section(bank)
    assigned_section(bank)
    bank_section(bank)


# --- the page -----------------------------------------------------------------------

page_header("Practice", "Drill an objection against a simulated buyer, then get your scorecard.")
st.caption(engine.mode_note())

request = engine.take_drill_request()
if request is not None:
    close_drill()
    open_brief(request["scenario_id"], quick=request.get("quick", False), tailored=request.get("tailored"),
               from_notes=request.get("from_notes", ()))

if notice := st.session_state.pop("practice_notice", None):
    st.toast(notice)

current_bank = engine.bank()
drill: DrillSession | None = st.session_state.get("practice_drill")
scenario_id = st.session_state.get("practice_scenario_id")

if scenario_id is not None and scenario_id not in current_bank:
    friendly_error(f"The scenario “{safe(scenario_id)}” is no longer in the bank", None,
                   "Pick another drill below.")
    close_drill()
    picker_view()
elif drill is not None and scenario_id is not None:
    call_view(drill.scenario, drill)  # the version the drill started on, even if a newer one was saved since
elif scenario_id is not None:
    tailored = st.session_state.get("practice_tailored")
    if tailored is not None and tailored.id == scenario_id:
        brief_view(tailored)  # the warm-up's copy: its buyer answers with the rep's notes
    else:
        version = st.session_state.get("practice_scenario_version")
        brief_view(engine.scenario_for(scenario_id, version=version))
else:
    picker_view()
