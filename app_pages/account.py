"""My account: who I am signed in as, my password, and signing out of every device.

Changing the password asks for the current one and ends the account's other
sessions (``store.accounts``); "sign out everywhere" ends every session of the
account, this one included.
"""

from __future__ import annotations

import streamlit as st

from app_pages import _engine as engine
from app_pages import _people as people_api
from app_pages._identity import KEY as SESSION_KEY
from app_pages._identity import sign_out
from app_pages._ui import new_password_twice, page_header, safe
from coach_engine.store import StoreError

me = engine.member()
assert me is not None
mode = engine.directory().mode
page_header("My account")
team = f" · team {safe(me.team)}" if me.team else ""
st.markdown(f"**{safe(me.name)}** · {safe(me.id)}  \n{me.role.capitalize()}{team}")

if mode == "local":
    st.info("Local mode: one person on this computer, no sign-in. Set SCRIMMAGE_AUTH_MODE=password and "
            "invite people to share Scrimmage with a team.", icon="💻")
    st.stop()

if done := st.session_state.pop("account_flash", None):
    st.success(done, icon="✅")

if mode == "password":
    st.subheader("Change your password")
    with st.form("account_password_form", clear_on_submit=True):
        current = st.text_input("Current password", type="password", key="account_current")
        new, again = new_password_twice("account_new", "The new password again", "account_again")
        submitted = st.form_submit_button("Change password", type="primary")
    if submitted:
        if new != again:
            st.error("The two new passwords differ; type the same one twice.", icon="⚠️")
        else:
            try:
                people_api.change_password(me, current, new, st.session_state.get(SESSION_KEY))
            except StoreError as exc:
                st.error(f"{str(exc)[:1].upper()}{safe(str(exc)[1:])}.", icon="⚠️")
            else:
                st.session_state.account_flash = "Your password is changed."
                st.rerun()

st.subheader("Sessions")
st.caption("Signed in on a shared or lost device? End every session of your account, this one included.")
if st.button("Sign out everywhere", key="account_signout_all", icon=":material/logout:"):
    people_api.sign_out_everywhere(me)
    sign_out()
    st.rerun()
