"""People (managers and admins): who can sign in, invites, and what an admin changes about an account.

A manager sees their team, invites reps to it and disables or re-enables
them; an admin sees everyone, invites anyone to any team (a new team is
created), issues password-reset links, changes roles and moves people between
teams. The engine decides each of these (``store.accounts``) and writes each to
the audit trail; this page only renders. A link is shown once, right after it
is made: only a digest of it is stored.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import _engine as engine
from app_pages import _people as people_api
from app_pages._ui import empty_state, friendly_error, kept_labels, page_header, safe
from coach_engine.identity import Member
from coach_engine.store import StoreError

STATUS = {
    "active": "✅ active",
    "invited": "✉️ invited",
    "no_password": "⚪ no password yet",
    "locked": "🔒 locked",
    "disabled": "⛔ disabled",
}
ROLES = ["rep", "manager", "admin"]

who = engine.member()
assert who is not None
me: Member = who
page_header("People", "Who can sign in, invites, and account changes — every change is in the audit trail")
oidc = engine.directory().mode == "oidc"


def flash(kind: str, text: str, link: str | None = None) -> None:
    st.session_state.people_flash = (kind, text, link)
    st.rerun()


def act(what: str, call: object) -> None:
    """Run one change; a refusal or a bad value is a message, never a traceback."""
    try:
        done = call() if callable(call) else None
    except StoreError as exc:
        st.error(f"{what} didn't work: {safe(str(exc))}.", icon="⚠️")
        return
    if isinstance(done, tuple):
        url, expires = done
        flash("link", f"{what}. Send this link to them; it works once, until {expires:%d %b %Y %H:%M} UTC, "
                      "and is shown only now.", url)
    else:
        flash("ok", f"{what}.")


try:
    accounts = people_api.people(me)
except Exception as exc:
    friendly_error("The people list could not be loaded", exc, "Reload the page.")
    st.stop()

if shown := st.session_state.pop("people_flash", None):
    kind, text, link = shown
    st.success(text, icon="✅")
    if link:
        st.code(link, language=None)

if accounts:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Name": a.user.name,
                    "Email": a.user.email,
                    "Role": a.user.role,
                    "Team": a.user.team or "",
                    "Status": STATUS.get(a.status, a.status),
                    "Last sign-in (UTC)": f"{a.last_login_at:%Y-%m-%d %H:%M}" if a.last_login_at else "",
                }
                for a in accounts
            ]
        ),
        hide_index=True,
        width="stretch",
    )
else:
    empty_state("Nobody here yet: invite your first rep below.")

st.subheader("Invite someone")
teams = people_api.team_names(me)
with st.form("people_invite_form", clear_on_submit=True):
    cols = st.columns(2)
    email = cols[0].text_input("Email", key="people_invite_email")
    name = cols[1].text_input("Name", key="people_invite_name")
    cols = st.columns(2)
    role = cols[0].selectbox("Role", ROLES if me.is_admin else ["rep"], key="people_invite_role")
    if me.is_admin:
        default_team = me.team or (teams[0] if teams else "")
        team = cols[1].text_input("Team (a new name creates the team)", value=default_team,
                                  key="people_invite_team")
    else:
        cols[1].caption(f"Team: {safe(me.team)} (managers invite reps to their own team)")
        team = me.team
    if oidc:
        st.caption("They sign in with their company account; the invite lets their first sign-in through.")
    submitted = st.form_submit_button("Invite", type="primary")
if submitted:
    act(f"Invited {email.strip()}", lambda: people_api.invite(me, email, name, role, team.strip() or None))

others = [a for a in accounts if a.user.email != me.id]
if others:
    st.subheader("Change an account")
    labels = {a.user.email: f"{a.user.name} · {a.user.email} · {STATUS.get(a.status, a.status)}"
              for a in others}
    chosen = st.selectbox("Account", list(labels), key="people_pick",  # a status change keeps the pick
                          format_func=kept_labels("people_pick", labels.__getitem__))
    account = next(a for a in others if a.user.email == chosen)
    buttons = st.columns(3)
    if account.status == "disabled":
        if buttons[0].button("Enable", key="people_enable", icon=":material/person_check:"):
            act(f"Enabled {chosen}", lambda: people_api.set_disabled(me, chosen, False))
    elif buttons[0].button("Disable", key="people_disable", icon=":material/person_off:",
                        help="No sign-in, every session ended; the account and its history are kept."):
        act(f"Disabled {chosen}", lambda: people_api.set_disabled(me, chosen, True))
    if me.is_admin and not oidc and account.status != "disabled":
        if account.status in ("invited", "no_password"):
            if buttons[1].button("New invite link", key="people_reinvite", icon=":material/mail:"):
                act(f"Made a new invite link for {chosen}",
                    lambda: people_api.invite(me, chosen, "", "rep", None))
        elif buttons[1].button("Password reset link", key="people_reset", icon=":material/key:"):
            act(f"Made a reset link for {chosen}", lambda: people_api.reset_link(me, chosen))
    if me.is_admin:
        with st.form("people_admin_form"):
            cols = st.columns(2)
            new_role = cols[0].selectbox("Role", ROLES, index=ROLES.index(account.user.role),
                                         key="people_role")
            new_team = cols[1].text_input("Team", value=account.user.team or "", key="people_team")
            saved = st.form_submit_button("Save role and team")
        if saved:
            def change() -> None:
                people_api.set_role(me, chosen, new_role)
                people_api.set_team(me, chosen, new_team.strip() or None)

            act(f"Saved {chosen}", change)
