"""Sign-in state for the app: the browser session's token, and the member it stands for.

The page keeps only a session token (``st.session_state["identity_session"]``);
on every run ``coach_engine.identity.Directory`` turns it back into a member,
or into nothing once the session expired, was signed out, or its account was
disabled — then everything the pages kept is forgotten and the sign-in page
says why. ``local`` mode signs its one person in with no form; ``oidc`` mode
reads Streamlit's ``st.user`` (the identity provider's claims). There is no
address that signs anyone in.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages import _engine as engine
from app_pages._ui import safe
from coach_engine.identity import Member
from coach_engine.store import AuthError, StaleSignIn

KEY = "identity_session"
"""The session token (``store.accounts``): the only sign-in state a browser session holds."""
MEMBER_KEY = "identity_member"
"""The member behind it, refreshed every run (``_engine.member()`` reads it)."""
NOTICE_KEY = "identity_notice"
"""Why the sign-in page is showing: a session that ended, a provider identity that may not enter."""


def oidc_claims() -> dict[str, Any]:
    """The identity provider's claims for this browser (``st.user``), empty when there are none."""
    try:
        return dict(st.user.to_dict())
    except Exception:
        return {}


def _remember(token: str) -> Member | None:
    member = engine.directory().member(token)
    if member is not None:
        st.session_state[KEY] = token
        st.session_state[MEMBER_KEY] = member
    return member


def _forget(notice: str | None = None) -> None:
    """Forget the member and everything the pages kept for them."""
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if notice:
        st.session_state[NOTICE_KEY] = notice


def current_member() -> Member | None:
    """The signed-in member for this run, or None (the app then shows the sign-in page)."""
    directory = engine.directory()
    token = st.session_state.get(KEY)
    if token:
        member = directory.member(token)
        if member is not None:
            st.session_state[MEMBER_KEY] = member
            return member
        _forget("Your session has ended. Please sign in again.")
    mode = directory.mode
    if mode == "local":
        return _remember(directory.sign_in_local())
    if mode == "oidc":
        claims = oidc_claims()
        if claims.get("is_logged_in"):
            try:
                return _remember(directory.sign_in_oidc(claims))
            except StaleSignIn as exc:
                st.session_state[NOTICE_KEY] = _sentence(str(exc))
                st.logout()
            except AuthError as exc:
                st.session_state[NOTICE_KEY] = _sentence(str(exc))
    return None


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def sign_in_with_password(email: str, password: str) -> str | None:
    """Sign in from the form; returns the problem to show, or None when signed in."""
    try:
        _remember(engine.directory().sign_in(email, password))
    except AuthError as exc:
        return _sentence(str(exc))
    return None


def set_password_with_link(link: str, password: str) -> str | None:
    """Use an invite or reset link; returns the problem to show, or None when signed in."""
    try:
        token = engine.directory().redeem(link, password)
    except AuthError as exc:
        return _sentence(str(exc))
    st.query_params.clear()  # the link is used: take it out of the address bar
    _remember(token)
    return None


def sign_out() -> None:
    """End the session (the token stops working at once) and forget everything; OIDC: the provider's too."""
    directory = engine.directory()
    directory.sign_out(st.session_state.get(KEY))
    oidc = directory.mode == "oidc" and bool(oidc_claims().get("is_logged_in"))
    _forget("You have signed out.")
    st.query_params.clear()
    if oidc:
        st.logout()


def sidebar_identity(member: Member, mode_note: str) -> None:
    with st.sidebar:
        team = f" · team {safe(member.team)}" if member.team else ""
        st.markdown(f"**{safe(member.name)}**  \n{member.role.capitalize()}{team}")
        if engine.directory().mode == "local":
            st.caption("Local mode: one person on this computer, no sign-in.")
        elif st.button("Sign out", key="identity_signout", icon=":material/logout:"):
            sign_out()
            st.rerun()
        st.caption(mode_note)
