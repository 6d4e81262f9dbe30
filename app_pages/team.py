"""Team (managers): assign drills, see who has done what, spot weak skills, review attempts, export.

Four tabs, one job each. Statuses come from ``coach_engine.assignments``
(computed from attempts, never stored); a review writes the manager's score
next to the grader's, never over it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import _engine as engine
from app_pages import _records as records
from app_pages._scorecard_view import render_scorecard
from app_pages._ui import empty_state, friendly_error, objection_label, page_header, safe
from coach_engine.identity import Member

KEEP = 0
"""The review's "keep the grader's score" choice (scores are 1-5)."""
STATUS_CELL = {"passed": "✅ passed", "in_progress": "🟡 in progress", "not_started": "⬜ not started",
               "overdue": "🔴 overdue"}


def assign_tab(who: Member, reps: list) -> None:
    bank = engine.bank()
    with st.form("team_assign_form", clear_on_submit=False):
        st.markdown("**Assign a drill**")
        scenario_id = st.selectbox(
            "Scenario", bank.ids(), key="team_assign_scenario",
            format_func=lambda i: f"{bank.get(i).title} · {objection_label(bank.get(i).objection)} · "
                                  f"{bank.get(i).difficulty}")
        options = ["__team__", *[r.email for r in reps]]
        names = {r.email: r.name for r in reps}
        assignee = st.selectbox("Assign to", options, key="team_assign_to",
                                format_func=lambda o: "The whole team" if o == "__team__" else names[o])
        cols = st.columns(3)
        due = cols[0].date_input("Due", value=date.today() + timedelta(days=7), min_value=date.today(),
                                 key="team_assign_due")
        pass_mark = cols[1].number_input("Pass mark", 0, 100, 70, step=5, key="team_assign_mark")
        min_attempts = cols[2].number_input("Minimum attempts", 1, 10, 1, key="team_assign_min")
        submitted = st.form_submit_button("Assign", type="primary")
    if submitted:
        try:
            records.assign(who, scenario_id, due,
                          rep_email=None if assignee == "__team__" else assignee,
                          pass_mark=int(pass_mark), min_attempts=int(min_attempts))
        except Exception as exc:
            friendly_error("The assignment was not saved", exc, "Check the fields and assign again.")
        else:
            target = "the whole team" if assignee == "__team__" else names[assignee]
            title = safe(bank.get(scenario_id).title)
            st.session_state.team_flash = f"Assigned “{title}” to {safe(target)}, due {due:%a %d %b}."
            st.rerun()


def completion_tab(rows: list) -> None:
    if not rows:
        empty_state("No assignments yet — assign a drill in the first tab and progress shows up here.")
        return
    bank = engine.bank()

    def title(scenario_id: str) -> str:
        return bank.scenarios[scenario_id].title if scenario_id in bank else scenario_id

    data = pd.DataFrame([
        {
            "Rep": r.name,
            "Assignment": f"{title(r.assignment.scenario_id)} (due {r.assignment.due:%d %b})",
            "Status": STATUS_CELL.get(r.status, r.status),
            "Best": r.best,
        }
        for r in rows
    ])
    matrix = data.pivot_table(index="Rep", columns="Assignment", values="Status", aggfunc="first").fillna("—")
    st.dataframe(matrix, width="stretch")
    counts = data["Status"].value_counts()
    st.caption(" · ".join(f"{k}: {v}" for k, v in counts.items()))


def heatmap_tab(weeks: list) -> None:
    if not weeks:
        empty_state("No completed drills yet — the heatmap fills in as your reps practise.")
        return
    names = engine.skill_names()
    data = pd.DataFrame([{"Week": w.week, "Skill": names.get(w.skill_id, w.skill_id), "Score": w.average}
                         for w in weeks])
    chart = alt.Chart(data).mark_rect().encode(
        x=alt.X("Week:O", title="ISO week"),
        y=alt.Y("Skill:N", title=None),
        color=alt.Color("Score:Q", scale=alt.Scale(domain=[1, 5], scheme="redyellowgreen"),
                        title="Avg (1-5)"),
        tooltip=["Week", "Skill", alt.Tooltip("Score:Q", format=".1f")],
    ).properties(height=260)
    st.altair_chart(chart, width="stretch")
    st.caption("Team average per skill and week (a manager's review overrides the grader).")


def override_label(graded: int) -> Callable[[int], str]:
    return lambda v: f"keep {graded}" if v == KEEP else str(v)


def review_tab(who: Member, attempts: list) -> None:
    if not attempts:
        empty_state("Nothing to review yet — completed drills from your team land here.")
        return
    reviewed = records.reviewed_ids(who, [a.id for a in attempts[:50]])
    only_open = st.toggle("Only attempts without a review", value=True, key="team_review_open")
    queue = [a for a in attempts[:50] if not (only_open and a.id in reviewed)]
    if not queue:
        empty_state("All caught up — every recent attempt has a review.", icon="✅")
        return
    labels = {a.id: f"{a.user_name} · {a.scenario_id} · {a.overall}/100 · {a.completed_at:%a %d %b %H:%M}"
              for a in queue}
    attempt_id = st.selectbox("Attempt", list(labels), format_func=lambda i: labels[i],
                              key="team_review_pick")
    if attempt_id is None:
        return
    try:
        detail = records.attempt_detail(who, attempt_id)
    except Exception as exc:
        friendly_error("That attempt could not be opened", exc, "Pick another one.")
        return
    card = detail["scorecard"]
    if card is None:
        st.info("This attempt has no scorecard.")
        return
    with st.form(f"team_review_form_{attempt_id}"):
        st.markdown("**Your review** — override a skill score only where you disagree.")
        overrides: dict[str, int] = {}
        cols = st.columns(min(4, len(card.skills)))
        for i, skill in enumerate(card.skills):
            choice = cols[i % len(cols)].selectbox(
                skill.name, [KEEP, 1, 2, 3, 4, 5], key=f"team_override_{attempt_id}_{skill.id}",
                format_func=override_label(skill.score))
            if choice:
                overrides[skill.id] = choice
        comment = st.text_area("Comment for the rep", key=f"team_comment_{attempt_id}", max_chars=2000)
        if st.form_submit_button("Save review", type="primary"):
            if not overrides and not comment.strip():
                st.warning("Add a comment or change a score before saving.")
            else:
                try:
                    records.add_review(who, attempt_id, overrides, comment.strip())
                except Exception as exc:
                    friendly_error("The review was not saved", exc, "Try again.")
                else:
                    st.success("Review saved — the rep sees it on their progress page.")
    render_scorecard(detail["scenario"], detail["transcript"], card, detail["reviews"], show_team=False)


def export_tab(attempts: list) -> None:
    if not attempts:
        empty_state("Nothing to export yet.")
        return
    data = pd.DataFrame([
        {"attempt": a.id, "rep": a.user_name, "email": a.user_email, "scenario": a.scenario_id,
         "objection": a.objection, "difficulty": a.difficulty, "mode": a.mode, "outcome": a.outcome,
         "overall": a.overall, "completed_at": a.completed_at.isoformat() if a.completed_at else "",
         **{f"skill_{k}": v for k, v in a.skills.items()}}
        for a in attempts
    ])
    st.dataframe(data, hide_index=True, width="stretch")
    st.download_button("Download attempts CSV", data.to_csv(index=False).encode("utf-8"),
                       file_name="team-attempts.csv", mime="text/csv", key="team_csv",
                       icon=":material/download:")


page_header("Team", "Assign drills, follow completion, spot weak skills and review attempts.")
me = engine.member()
assert me is not None
if not me.team:
    empty_state("You don't manage a team yet. Ask an admin to add you to one.")
    st.stop()
try:
    members = records.team_members(me)
    team_attempts = records.team_attempts(me)
    skill_weeks = records.team_skill_weeks(me)
    matrix_rows = records.assignment_matrix(me)
except Exception as exc:
    friendly_error("The team data could not be loaded", exc, "Reload the page.")
    st.stop()
team_reps = [m for m in members if m.role == "rep"]
st.caption(f"Team {safe(me.team)} · {len(team_reps)} reps · {len(team_attempts)} completed attempts")

if flash := st.session_state.pop("team_flash", None):
    st.success(flash, icon="✅")
tabs = st.tabs(["Assign", "Completion", "Skill heatmap", "Review queue", "Export"])
with tabs[0]:
    assign_tab(me, team_reps)
with tabs[1]:
    completion_tab(matrix_rows)
with tabs[2]:
    heatmap_tab(skill_weeks)
with tabs[3]:
    review_tab(me, team_attempts)
with tabs[4]:
    export_tab(team_attempts)
