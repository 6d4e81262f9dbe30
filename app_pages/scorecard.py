"""Scorecard: how the last drill went, with evidence for every point, coaching and what to do next."""

from __future__ import annotations

import streamlit as st

from app_pages import _engine as engine
from app_pages import _records as records
from app_pages._scorecard_view import render_scorecard
from app_pages._ui import empty_state, page_header, safe

page_header("Scorecard", "Every point on this card is backed by a quote from your drill.")
result = engine.last_result()
me = engine.member()
if result is None and me is not None:
    result = records.latest_result(me)
    if result is not None and result.get("when") is not None:
        st.caption(f"Your latest drill, {result['when']:%a %d %b %H:%M} UTC — every drill is on My progress.")

if result is None:
    empty_state("No scorecard yet — finish a drill on Practice (or a warm-up) and it shows up here.")
    if st.button("Go to Practice", type="primary", key="scorecard_go_practice"):
        st.switch_page("app_pages/practice.py")
    st.stop()

scenario = result["scenario"]
card = result["scorecard"]
st.subheader(safe(scenario.title))
if result.get("quick"):
    st.caption("⚡ Quick mode (warm-up): up to 4 replies.")

# A harder one only after a pass (coach_engine.drills.next_drill); after a fail, "Try again" leads.
step = engine.next_drill(scenario, card)
cols = st.columns(2)
retry_label = "🔁 Retry this scenario" if step.passed else "🔁 Try again"
if cols[0].button(retry_label, key="scorecard_retry", width="stretch",
                  type="secondary" if step.passed else "primary"):
    engine.request_retry(scenario, quick=bool(result.get("quick")))
    st.switch_page("app_pages/practice.py")
if step.passed:
    if cols[1].button("⬆️ Try a harder one" if step.harder else "You're on the hardest level",
                      key="scorecard_harder", width="stretch", disabled=step.harder is None, type="primary"):
        assert step.harder is not None
        engine.request_drill(step.harder.id)
        st.switch_page("app_pages/practice.py")
    if step.harder is not None:
        cols[1].caption(f"Next up: {safe(step.harder.title)} ({step.harder.difficulty})")
else:
    cols[1].caption(f"Pass this one ({step.pass_mark}+ without the buyer walking away) "
                    "and a harder scenario opens up.")

render_scorecard(scenario, result["transcript"], card, result.get("reviews", ()),
                 overridden_by=result.get("overridden_by"), graded_overall=result.get("graded_overall"))
