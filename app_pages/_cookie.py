"""The browser's sign-in cookie, so a reload (or the other app server) keeps a person signed in.

Streamlit starts a new session on every page load, and its own session state
dies with the websocket. The session token (``store.accounts``: random, stored
only as a digest, ended by idle time, lifetime, sign-out or disabling) is
therefore also kept in a cookie, which the browser sends with the next page
load's websocket; ``st.context.cookies`` reads it there. Any app server that
shares the database accepts it, so two servers behind one proxy need no
sticky sessions for signing in.

Streamlit has no Python call that sets a cookie, so a tiny components-v2
element (inline JavaScript, no iframe, no build step) writes or clears it:
``SameSite=Strict`` (never sent by another site's page), ``Secure`` when the
page is served over HTTPS, and a ``Max-Age`` no longer than a session's
lifetime. Script can read it (a cookie set from the page can't be
``HttpOnly``), which is why nothing a user typed is ever rendered as HTML
(SECURITY.md). The cookie's value is re-checked by the engine on every run, so
a copied, ended or expired token signs in nobody.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

NAME = "scrimmage_session"
"""The cookie's name: one per browser for this app's address."""

_JS = """
export default function (component) {
  const { data } = component;
  if (!data || !data.name) { return; }
  const secure = window.location.protocol === "https:" ? "; Secure" : "";
  const value = data.value ? encodeURIComponent(data.value) : "";
  const age = data.value ? Math.max(0, Math.floor(data.max_age)) : 0;
  document.cookie = `${data.name}=${value}; Max-Age=${age}; Path=/; SameSite=Strict${secure}`;
}
"""

_writer: Any = None


def _component() -> Any:
    global _writer
    if _writer is None:
        _writer = st.components.v2.component("scrimmage_session_cookie", js=_JS)
    return _writer


def sent() -> str | None:
    """The token this browser sent when the page loaded (fixed for the websocket's life), if any."""
    try:
        value = st.context.cookies.get(NAME)
    except Exception:  # no browser behind this run (bare mode)
        return None
    return value if isinstance(value, str) and value else None  # AppTest's stand-in cookies aren't text


def write(token: str | None, max_age_seconds: float) -> None:
    """Keep ``token`` in the browser for ``max_age_seconds``; ``None`` clears the cookie."""
    data = {"name": NAME, "value": token or "", "max_age": int(max_age_seconds)}
    _component()(key="identity_cookie", data=data, width="content", height="content")
