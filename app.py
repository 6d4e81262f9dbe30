"""Scrimmage's Streamlit entry point: page setup, who is signed in, and navigation — nothing else.

Each page lives in ``app_pages/`` and talks to the engine through
``app_pages/_engine.py``. Which pages a person sees is the engine's decision
(``coach_engine.identity.pages_for``): signed out there is only the sign-in
page; a rep gets the practice pages; a manager gets the team pages.
"""

from __future__ import annotations

import streamlit as st

from app_pages import _engine as engine
from app_pages._identity import current_member, sidebar_identity
from coach_engine.identity import pages_for

st.set_page_config(page_title="Scrimmage", page_icon="🏉", layout="wide")

PAGES = {
    "practice": st.Page("app_pages/practice.py", title="Practice", icon=":material/sports:"),
    "scorecard": st.Page("app_pages/scorecard.py", title="Scorecard", icon=":material/grading:"),
    "warmup": st.Page("app_pages/warmup.py", title="Warm-up", icon=":material/bolt:"),
    "clinic": st.Page("app_pages/clinic.py", title="Clinic", icon=":material/fitness_center:"),
    "progress": st.Page("app_pages/progress.py", title="My progress", icon=":material/trending_up:"),
    "team": st.Page("app_pages/team.py", title="Team", icon=":material/groups:"),
    "leaderboard": st.Page("app_pages/leaderboard.py", title="Leaderboard", icon=":material/leaderboard:"),
    "studio": st.Page("app_pages/studio.py", title="Scenario studio", icon=":material/edit_note:"),
}

if problem := engine.startup_problem():
    st.error(problem, icon="⚠️")
    st.stop()
engine.ensure_demo_team()
member = current_member()
if member is None:
    page = st.navigation([st.Page("app_pages/signin.py", title="Sign in", icon=":material/login:")])
else:
    keys = pages_for(member)
    page = st.navigation([PAGES[k] for k in keys])
    sidebar_identity(member, engine.mode_note())
page.run()
