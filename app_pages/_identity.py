"""Sign-in state for the app: the browser session's token, and the member it stands for.

The page keeps only a session token (``st.session_state["identity_session"]``);
on every run ``coach_engine.identity.Directory`` turns it back into a member,
or into nothing once the session expired, was signed out, or its account was
disabled — then everything the pages kept is forgotten and the sign-in page
says why. In password mode the token also rides in a cookie (``_cookie``), so
a reload, a new tab or the other app server picks the session up again; the
engine re-checks it just the same, and signing out clears it. ``local`` mode
signs its one person in with no form; ``oidc`` mode reads Streamlit's
``st.user`` (the identity provider's claims). There is no
address that signs anyone in.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages import _cookie as cookie
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
SPENT_KEY = "identity_spent_cookie"
"""A cookie token this browser session already found ended: the page load's cookies stay as they were
sent until the next load, so it is not tried (and its "session ended" not said) again."""


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


def _forget(notice: str | None = None, spent: str | None = None) -> None:
    """Forget the member and everything the pages kept for them (``spent``: a token not to try again)."""
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if notice:
        st.session_state[NOTICE_KEY] = notice
    if spent:
        st.session_state[SPENT_KEY] = spent


def _cookie_token() -> str | None:
    """The session token the browser sent with this page load, unless this session already spent it."""
    sent = cookie.sent()
    return sent if sent and sent != st.session_state.get(SPENT_KEY) else None


def current_member() -> Member | None:
    """The signed-in member for this run, or None (the app then shows the sign-in page)."""
    directory = engine.directory()
    keeps = directory.browser_keeps_session() is not None
    token = st.session_state.get(KEY) or (_cookie_token() if keeps else None)
    if token:
        member = directory.member(token)
        if member is not None:
            st.session_state[KEY] = token
            st.session_state[MEMBER_KEY] = member
            return member
        _forget("Your session has ended. Please sign in again.", spent=cookie.sent())
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
    _forget("You have signed out.", spent=cookie.sent())
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


def keep_in_browser(member: Member | None) -> None:
    """Write this run's session token into the browser's cookie, or clear a cookie that no longer signs
    anyone in (after a sign-out, an ended session, or with ``remember_sign_in`` off)."""
    max_age = engine.directory().browser_keeps_session()
    token = st.session_state.get(KEY) if member is not None and max_age is not None else None
    # Signed out in password mode, clear it even when this page load sent none: it may have been
    # written by this very session, after the load.
    if token or max_age is not None or cookie.sent():
        cookie.write(token, max_age or 0)
