"""Practice: which drill the page has open, and the brief the rep reads before and during the call.

The page's three views (picker, brief, call) are chosen by session state; this
module owns the keys that say what is open (``practice_scenario_id`` and the
rest), so the picker, the brief and the call open and close a drill the same
way. The brief is shown before the call and again in the call's "Your brief",
so it is drawn here once; it never shows the hidden concern
(``Scenario.brief``).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages._ui import DIFFICULTY_BADGE, objection_label, safe
from coach_engine.models import Scenario

QUICK_TURNS = 4
"""The replies a quick drill (a warm-up before a call) allows."""


def open_brief(scenario_id: str, *, quick: bool = False, version: int | None = None,
               tailored: Scenario | None = None, from_notes: tuple[Any, ...] = ()) -> None:
    """Show the brief; ``version``: the studio version an assignment was made on (None: the latest);
    ``tailored``: the warm-up's copy of the scenario, set from the rep's notes (``from_notes``)."""
    st.session_state.practice_scenario_id = scenario_id
    st.session_state.practice_scenario_version = version
    st.session_state.practice_quick = quick
    st.session_state.practice_tailored = tailored
    st.session_state.practice_from_notes = tuple(from_notes) if tailored is not None else ()


def close_drill() -> None:
    for key in ("practice_drill", "practice_scenario_id", "practice_scenario_version", "practice_attempt",
                "practice_quick", "practice_tailored", "practice_from_notes"):
        st.session_state.pop(key, None)


def render_brief(scenario: Scenario) -> None:
    """What the rep knows before the call (Scenario.brief: no hidden concern, no resolution)."""
    brief: dict[str, Any] = scenario.brief()
    buyer = brief["buyer"]
    product = brief["product"]
    st.markdown(
        f"**Objection:** {objection_label(scenario.objection)} · "
        f"**Difficulty:** {DIFFICULTY_BADGE.get(scenario.difficulty, scenario.difficulty)} · "
        f"**Up to {brief['max_turns']} replies**"
    )
    st.markdown(f"**The situation.** {safe(brief['context'])}")
    left, right = st.columns(2)
    with left, st.container(border=True):
        st.markdown(f"**You're calling** {safe(buyer['name'])}")
        st.markdown(f"{safe(buyer['role'])}, {safe(buyer['company'])}")
        st.caption(f"Personality: {buyer['personality']}")
    with right, st.container(border=True):
        st.markdown(f"**You sell** {safe(product['name'])}")
        st.caption(safe(product["summary"]))
    st.markdown("**What you can lean on**")
    for point in product["value_points"]:
        st.markdown(f"- {safe(point)}")
    for point in product.get("proof_points", []):
        st.markdown(f"- 📎 {safe(point)}")


def render_from_notes() -> None:
    """Which buyer facts the rep's call notes set for this warm-up (nothing when it is not tailored)."""
    from_notes = st.session_state.get("practice_from_notes") or ()
    if from_notes:
        st.info("**Tailored to your call notes.** When asked, the buyer answers:  \n"
                + "  \n".join(f"• {safe(f.describe())}" for f in from_notes), icon="📝")
