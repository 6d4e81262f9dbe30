"""My progress (reps): new reviews, every attempt, how each skill moves week to week, the streak.

Numbers come from the store (a manager's override re-scores the attempt, and
the page says who overrode it) and the streak from the leaderboard, so this
page agrees with what the team sees in the weekly review. Reviews the rep has
not opened yet lead the page (``reviews.new_reviews``); "Open" shows that
attempt's scorecard below, which marks them read.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import _engine as engine
from app_pages import _records as records
from app_pages._scorecard_view import render_scorecard
from app_pages._ui import empty_state, friendly_error, kept_labels, objection_label, page_header, safe
from coach_engine.identity import Member
from coach_engine.models import OBJECTIONS
from coach_engine.points import load_rules
from coach_engine.reviews import OUTCOMES

MODES = {"drill": "Drill", "warmup": "Warm-up", "clinic": "Clinic"}
STATUSES = {"completed": "Completed", "in_progress": "Unfinished", "abandoned": "Abandoned"}


def _title(scenario_id: str) -> str:
    bank = engine.bank()
    return bank.scenarios[scenario_id].title if scenario_id in bank else scenario_id


def _open(attempt_id: int) -> None:
    """Show this attempt under "Attempt detail": filters back to "Any" so it is listed."""
    for key in ("progress_f_objection", "progress_f_mode", "progress_f_status"):
        st.session_state[key] = "Any"
    st.session_state.progress_pick = attempt_id


def review_notices(who: Member) -> None:
    try:
        notices = records.my_reviews(who)
    except Exception:
        engine.log.exception("reviews unavailable")
        st.caption("Your reviews could not be loaded right now — reload the page to try again.")
        return
    unread = sum(n.new for n in notices)
    st.markdown(f"#### New reviews ({unread})" if unread else "#### Latest reviews")
    if not notices:
        st.caption("No manager review yet — your manager's comments and score changes will show up here.")
        return
    for n in notices:
        with st.container(border=True):
            left, right = st.columns([5, 1])
            badge = "🆕 " if n.new else ""
            left.markdown(f"{badge}**{safe(n.headline(_title))}** · {n.when:%a %d %b}")
            if n.line.changes:
                left.markdown("Scores changed: " + "; ".join(safe(c) for c in n.line.changes))
            if n.line.review.comment:
                left.markdown(f"> {safe(n.line.review.comment)}")
            right.button("Open", key=f"progress_open_review_{n.line.review.id}", on_click=_open,
                         args=(n.attempt.id,), type="primary" if n.new else "secondary")


page_header("My progress", "Your attempts, your skills over the weeks, and your manager's reviews.")
me = engine.member()
assert me is not None

try:
    everything = records.my_attempts(me)
except Exception as exc:
    friendly_error("Your history could not be loaded", exc, "Reload the page.")
    st.stop()
if not everything:
    empty_state("No drills yet — start a warm-up before your next call, or pick a drill on Practice.")
    if st.button("Go to Practice", type="primary", key="progress_go_practice"):
        st.switch_page("app_pages/practice.py")
    st.stop()

completed = [a for a in everything if a.status == "completed"]
standing = records.my_standing(me)
cols = st.columns(4)
rules = load_rules()
cols[0].metric("Streak", f"{standing.streak if standing else 0} wk",
               help=f"Weeks in a row with {rules.streak.min_drills}+ full drills of "
                    f"{rules.drill.min_replies}+ replies")
drills = standing.drills if standing else 0
cols[1].metric("This week", f"{drills} drill{'' if drills == 1 else 's'}")
cols[2].metric("Completed", len(completed))
scores = [a.overall for a in completed if a.overall is not None]
cols[3].metric("Average", f"{round(sum(scores) / len(scores))}/100" if scores else "—")

review_notices(me)

st.markdown("#### Skills over the weeks")
names = engine.skill_names()
try:
    skill_weeks = records.my_skill_weeks(me)
except Exception:
    engine.log.exception("skill trend unavailable")
    skill_weeks = []
    st.caption("Your skill trend could not be loaded right now — reload the page to try again.")
if len({w.week for w in skill_weeks}) < 2:
    st.caption("Practise in at least two different weeks to see your skill trend.")
if skill_weeks:
    data = pd.DataFrame([{"Week": w.week, "Skill": names.get(w.skill_id, w.skill_id), "Score": w.average,
                          "Review": w.reviewed_label} for w in skill_weeks])
    base = alt.Chart(data).encode(
        x=alt.X("Week:O", title="ISO week"),
        y=alt.Y("Score:Q", scale=alt.Scale(domain=[1, 5]), title="Avg (1-5)"),
        color=alt.Color("Skill:N", title=None),
        tooltip=["Week", "Skill", alt.Tooltip("Score:Q", format=".1f"), "Review"],
    )
    reviewed = base.transform_filter(alt.datum.Review != "").mark_point(shape="diamond", size=160,
                                                                        filled=False, strokeWidth=2)
    st.altair_chart((base.mark_line(point=True) + reviewed).properties(height=260), width="stretch")
    managers = sorted({m for w in skill_weeks for m in w.overridden_by})
    if managers:
        st.caption(f"◇ A diamond marks a week whose average includes a score overridden by "
                   f"{safe(', '.join(managers))}.")

st.markdown("#### Attempts")
f = st.columns(3)
objection = f[0].selectbox("Objection", ["Any", *OBJECTIONS], key="progress_f_objection",
                           format_func=lambda o: o if o == "Any" else objection_label(o))
mode = f[1].selectbox("Kind", ["Any", *MODES], key="progress_f_mode",
                      format_func=lambda m: MODES.get(m, m))
status = f[2].selectbox("Status", ["Any", *STATUSES], key="progress_f_status",
                        format_func=lambda s: STATUSES.get(s, s))
shown = [a for a in everything
         if (objection == "Any" or a.objection == objection)
         and (mode == "Any" or a.mode == mode)
         and (status == "Any" or a.status == status)]
if not shown:
    empty_state("No attempts match those filters — set one back to “Any”.")
else:
    table = pd.DataFrame([
        {"When": a.started_at.strftime("%Y-%m-%d %H:%M"), "Scenario": _title(a.scenario_id),
         "Objection": objection_label(a.objection), "Kind": MODES.get(a.mode, a.mode),
         "Status": STATUSES.get(a.status, a.status), "Outcome": OUTCOMES.get(a.outcome or "", ""),
         "Overall": a.overall,
         "Review": f"overridden by {a.overridden_by}" if a.overridden_by else ""}
        for a in shown
    ])
    st.dataframe(table, hide_index=True, width="stretch")

st.markdown("#### Attempt detail")
done = [a for a in shown if a.status == "completed"]
if not done:
    st.caption("Pick filters that include a completed attempt to open its scorecard and review.")
else:
    labels = {a.id: f"{a.started_at:%a %d %b %H:%M} · {_title(a.scenario_id)} · {a.overall}/100"
              for a in done}
    attempt_id = st.selectbox("Open an attempt", list(labels), key="progress_pick",
                              format_func=kept_labels("progress_pick", labels.__getitem__))
    if attempt_id is None:
        st.stop()
    try:
        detail = records.attempt_detail(me, attempt_id)
    except Exception as exc:
        friendly_error("That attempt could not be opened", exc, "Pick another one.")
        st.stop()
    if not detail["reviews"]:
        st.caption("No manager review on this attempt yet.")
    if detail["scorecard"] is not None:
        render_scorecard(detail["scenario"], detail["transcript"], detail["scorecard"], detail["reviews"],
                         show_team=False, overridden_by=detail["overridden_by"],
                         graded_overall=detail["graded_overall"])
