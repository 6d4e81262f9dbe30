"""Sign in: email and password, a link's new password, or the identity provider — by the mode in force.

Nobody is listed here: the page names no user, and says the same thing for an
unknown email as for a wrong password. While demo mode is on (the demo team is
the only team) it shows the demo accounts and their password.
"""

from __future__ import annotations

import streamlit as st

from app_pages import _engine as engine
from app_pages._identity import NOTICE_KEY, set_password_with_link, sign_in_with_password
from app_pages._ui import friendly_error, new_password_twice, safe
from coach_engine.store import AuthError

st.title("🏉 Scrimmage")
st.markdown(
    "Practise objection handling against a simulated buyer before the real call, "
    "get a scorecard with evidence and coaching, and meet your team on the weekly leaderboard."
)
st.caption(engine.mode_note())

try:
    directory = engine.directory()
    mode = directory.mode
except Exception as exc:
    friendly_error("The accounts could not be read", exc, "Check SCRIMMAGE_DATA_DIR, then reload.")
    st.stop()

if notice := st.session_state.pop(NOTICE_KEY, None):
    st.info(notice, icon="ℹ️")


def provider_sign_in() -> None:
    st.subheader("Sign in")
    st.markdown("Sign in with your company account. Only people your manager invited can enter.")
    provider = engine.settings().oidc_provider
    if st.button("Sign in with your company account", key="signin_oidc", type="primary",
                 icon=":material/login:"):
        if provider:
            st.login(provider)
        else:
            st.login()
    if st.user.get("is_logged_in") and st.button("Use another account", key="signin_oidc_out"):
        st.logout()


def link_form(link: str) -> None:
    try:
        info = directory.link_info(link)
    except AuthError as exc:
        st.error(f"{str(exc)[:1].upper()}{str(exc)[1:]}.", icon="⚠️")
        if st.button("Go to sign-in", key="signin_link_back"):
            st.query_params.clear()
            st.rerun()
        return
    title = "Welcome — choose a password" if info.purpose == "invite" else "Choose a new password"
    st.subheader(title)
    st.markdown(f"For **{safe(info.name)}** ({safe(info.email)}). This link works once, until "
                f"{info.expires_at:%d %b %Y %H:%M} UTC.")
    with st.form("signin_link_form"):
        password, again = new_password_twice("signin_new_password", "The same password again",
                                             "signin_new_password2")
        submitted = st.form_submit_button("Set password and sign in", type="primary")
    if submitted:
        if password != again:
            st.error("The two passwords differ; type the same one twice.", icon="⚠️")
        elif problem := set_password_with_link(link, password):
            st.error(problem, icon="⚠️")
        else:
            st.rerun()


def password_form() -> None:
    st.subheader("Sign in")
    with st.form("signin_form"):
        email = st.text_input("Email", key="signin_email", autocomplete="username")
        password = st.text_input("Password", type="password", key="signin_password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        if problem := sign_in_with_password(email, password):
            st.error(problem, icon="⚠️")
        else:
            st.rerun()
    st.caption("New here or forgot your password? Ask your manager or an admin for a link "
               "(admins: `scrimmage users invite` / `scrimmage users reset`).")
    if hint := directory.demo_signin():
        accounts = "  \n".join(f"{safe(a['email'])} — {safe(a['role'])}" for a in hint.accounts)
        st.info(f"**Demo mode.** Sign in as any of the {safe(hint.team)} demo accounts with the password "
                f"`{hint.password}`:  \n{accounts}", icon="🏉")


if mode == "oidc":
    provider_sign_in()
elif link := (st.query_params.get("invite") or st.query_params.get("reset")):
    link_form(str(link))
else:
    password_form()
