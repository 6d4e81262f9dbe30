"""Leaderboard: the team's week — standings, most improved, per-skill leaders and the rules.

The arithmetic and the rules text both come from ``coach_engine.leaderboard``
(numbers in ``coach_engine/points.yaml``), so what the page explains is exactly
what it computes. A rep with no counted drill shows "—" as their average. A
rep whose score this week a manager's review changed says "overridden by …"
(the numbers already are the reviewed ones: ``coach_engine.reviews``).
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from app_pages import _engine as engine
from app_pages import _records as records
from app_pages._ui import empty_state, friendly_error, page_header, safe

page_header("Leaderboard", "The weekly review: who practised, who improved, who leads each skill.")
who = engine.member_on_a_team(
    "You're not on a team yet, so there's no leaderboard. Ask your manager to add you."
)

weeks = records.recent_weeks(who)
week = st.selectbox("Week", weeks, index=0, key="leaderboard_week",
                    format_func=lambda w: f"{w} (this week)" if w == weeks[0] else w)
try:
    board = records.leaderboard(who, week)
except Exception as exc:
    friendly_error("The leaderboard could not be computed", exc, "Pick another week or reload the page.")
    st.stop()
if board is None:
    friendly_error("The leaderboard is not available", None, "Reload the page in a minute.")
    st.stop()

trailing_weeks = board.point_rules.trailing_weeks
last_day = board.end - timedelta(days=1)
st.caption(f"Team {safe(board.team)} · {board.start:%a %d %b} – {last_day:%a %d %b} ({safe(board.timezone)})")
ranked = [r for r in board.rows if r.drills > 0 or r.points > 0]
if not ranked:
    empty_state("No drills yet this week — start a warm-up or a drill on Practice and you'll top the board.")
else:
    leader = ranked[0]
    cols = st.columns(3)
    cols[0].metric("🏆 Leader", leader.name, f"{leader.points} pts", delta_color="off", delta_arrow="off")
    cols[1].metric("Drills this week", sum(r.drills for r in board.rows),
                   help=f"Full drills with at least {board.point_rules.drill.min_replies} replies")
    if board.most_improved is not None:
        mi = board.most_improved
        cols[2].metric("📈 Most improved", mi.name, f"{mi.delta:+.0f} vs the {trailing_weeks} weeks before")
    else:
        cols[2].metric("📈 Most improved", "—")
        cols[2].caption(f"Needs drills this week and in the {trailing_weeks} weeks before.")

table = pd.DataFrame([
    {
        "Rank": r.rank, "Rep": r.name, "Points": r.points, "Drills": r.drills,
        "Average": r.average_label, "Streak (weeks)": r.streak,
        "Best skill": r.best_skill or "—", "Drill pts": r.drill_points,
        "Improvement pts": r.improvement_points, "Clinic & warm-up pts": r.practice_points,
        "Assignment pts": r.assignment_points, "Streak pts": r.streak_points, "Review": r.reviewed_label,
        "Email": r.user,
    }
    for r in board.rows
])
if not table.empty:
    st.markdown("#### Standings")
    st.dataframe(
        table.drop(columns=["Email"]), hide_index=True, width="stretch",
        column_config={"Points": st.column_config.ProgressColumn(
            "Points", min_value=0, max_value=max(1, int(table["Points"].max())), format="%d")},
    )
    # The file keeps numbers as numbers: an empty average, not "—".
    csv = table.copy()
    csv["Average"] = [r.average for r in board.rows]
    csv["Best skill"] = [r.best_skill or "" for r in board.rows]
    st.download_button("Download CSV", csv.to_csv(index=False).encode("utf-8"),
                       file_name=f"leaderboard-{board.team}-{board.week}.csv", mime="text/csv",
                       key="leaderboard_csv", icon=":material/download:")

st.markdown("#### Skill leaders")
if not board.skill_leaders:
    st.caption("Skill leaders appear once someone completes a drill this week.")
else:
    leaders = [{"Skill": s.skill, "Leader": s.name, "Average (1-5)": round(s.average, 1)}
               for s in board.skill_leaders]
    st.dataframe(pd.DataFrame(leaders), hide_index=True, width="stretch")

with st.expander("How points work"):
    st.markdown(board.rules)
