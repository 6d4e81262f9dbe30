"""Sign in: pick one of the seeded team members (a stand-in until real accounts arrive)."""

from __future__ import annotations

import streamlit as st

from app_pages import _engine as engine
from app_pages._identity import sign_in
from app_pages._ui import empty_state, friendly_error, safe

st.title("🏉 Scrimmage")
st.markdown(
    "Practise objection handling against a simulated buyer before the real call, "
    "get a scorecard with evidence and coaching, and meet your team on the weekly leaderboard."
)
st.caption(engine.mode_note())

try:
    members = engine.directory().members()
except Exception as exc:
    friendly_error("The team list could not be loaded", exc, "Check SCRIMMAGE_DATA_DIR, then reload.")
    st.stop()
if not members:
    empty_state("No team members yet. Run `scrimmage seed-demo`, then reload this page.")
    st.stop()

st.subheader("Who's practising?")
reps = [m for m in members if not m.is_manager]
managers = [m for m in members if m.is_manager]
for title, group in (("Reps", reps), ("Managers", managers)):
    if not group:
        continue
    st.markdown(f"**{title}**")
    cols = st.columns(min(len(group), 4))
    for i, m in enumerate(group):
        with cols[i % len(cols)], st.container(border=True):
            st.markdown(f"**{safe(m.name)}**")
            st.caption(m.role.capitalize() + (f" · team {safe(m.team)}" if m.team else ""))
            if st.button("Sign in", key=f"signin_{m.id}", type="primary" if m.is_manager else "secondary"):
                sign_in(m)
                st.rerun()
