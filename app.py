"""Scrimmage's Streamlit entry point: page setup, who is signed in, and navigation — nothing else.

Each page lives in ``app_pages/`` and talks to the engine through
``app_pages/_engine.py``. Which pages a person sees is the engine's decision
(``coach_engine.identity.pages_for``): signed out there is only the sign-in
page; a rep gets the practice pages; a manager gets the team pages and People;
an admin also gets the audit trail. Who is signed in is a session token checked
by the engine on every run (``_identity.current_member``); no address signs
anyone in.

Every page has one stable address, its key (``/practice``, ``/team``,
``/leaderboard`` …), so bookmarks work. Streamlit serves its default page only
at ``/``, so no real page is the default: ``/`` is a hidden page that forwards
to the member's home page (the first of ``pages_for``). Signed out, every
address shows the sign-in; signing in reruns the same address, which then
opens that page (or, for a page the role may not see, the home page).
"""

from __future__ import annotations

import streamlit as st

from app_pages import _engine as engine
from app_pages._identity import current_member, keep_in_browser, sidebar_identity
from coach_engine.identity import pages_for

st.set_page_config(page_title="Scrimmage", page_icon="🏉", layout="wide")

PAGES = {
    "practice": st.Page(
        "app_pages/practice.py", title="Practice", icon=":material/sports:", url_path="practice"
    ),
    "scorecard": st.Page(
        "app_pages/scorecard.py", title="Scorecard", icon=":material/grading:", url_path="scorecard"
    ),
    "warmup": st.Page("app_pages/warmup.py", title="Warm-up", icon=":material/bolt:", url_path="warmup"),
    "clinic": st.Page(
        "app_pages/clinic.py", title="Clinic", icon=":material/fitness_center:", url_path="clinic"
    ),
    "progress": st.Page(
        "app_pages/progress.py", title="My progress", icon=":material/trending_up:", url_path="progress"
    ),
    "team": st.Page("app_pages/team.py", title="Team", icon=":material/groups:", url_path="team"),
    "leaderboard": st.Page(
        "app_pages/leaderboard.py", title="Leaderboard", icon=":material/leaderboard:", url_path="leaderboard"
    ),
    "studio": st.Page(
        "app_pages/studio.py", title="Scenario studio", icon=":material/edit_note:", url_path="studio"
    ),
    "people": st.Page(
        "app_pages/people.py", title="People", icon=":material/manage_accounts:", url_path="people"
    ),
    "audit": st.Page("app_pages/audit.py", title="Audit trail", icon=":material/history:", url_path="audit"),
    "account": st.Page(
        "app_pages/account.py", title="My account", icon=":material/account_circle:", url_path="account"
    ),
}
SIGN_IN = "app_pages/signin.py"

if problem := engine.startup_problem():
    st.error(problem, icon="⚠️")
    st.stop()
engine.ensure_demo_team()
member = current_member()
if member is None:
    page = st.navigation(
        [
            st.Page(SIGN_IN, title="Sign in", icon=":material/login:", default=True),
            *[st.Page(SIGN_IN, title="Sign in", url_path=key, visibility="hidden") for key in PAGES],
        ]
    )
else:
    home = PAGES[pages_for(member)[0]]
    page = st.navigation(
        [
            *[PAGES[k] for k in pages_for(member)],
            st.Page(
                lambda: st.switch_page(home),
                title=home.title,
                url_path="home",
                default=True,
                visibility="hidden",
            ),
        ]
    )
    sidebar_identity(member, engine.mode_note())
keep_in_browser(member)  # a reload or the other app server finds the same session (password mode)
page.run()
engine.warm_up_in_background()  # after a page has rendered: the model loads while the rep reads it
