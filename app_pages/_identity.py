"""Sign-in state for the app: which seeded member this browser session acts as.

The member is kept in ``st.session_state["identity_member"]``; who may exist
and which pages they see is decided by ``coach_engine.identity``. A
``?as=<member id>`` query parameter signs in directly (demos and browser
tests); it is a stand-in for real accounts, like the rest of this module.
"""

from __future__ import annotations

import streamlit as st

from app_pages import _engine as engine
from app_pages._ui import safe
from coach_engine.identity import Member

KEY = "identity_member"


def current_member() -> Member | None:
    member = st.session_state.get(KEY)
    if member is None and (wanted := st.query_params.get("as")):
        try:
            member = engine.directory().get(str(wanted))
        except Exception:  # no store yet: fall back to the sign-in page
            member = None
        if member is not None:
            st.session_state[KEY] = member
    return member


def sign_in(member: Member) -> None:
    st.session_state[KEY] = member


def sign_out() -> None:
    """Forget the member and everything the pages kept for them."""
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.query_params.clear()


def sidebar_identity(member: Member, mode_note: str) -> None:
    with st.sidebar:
        team = f" · team {safe(member.team)}" if member.team else ""
        st.markdown(f"**{safe(member.name)}**  \n{member.role.capitalize()}{team}")
        if st.button("Switch user", key="identity_switch", icon=":material/logout:"):
            sign_out()
            st.rerun()
        st.caption(mode_note)
