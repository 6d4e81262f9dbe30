"""Audit trail (admins): every manager and admin action, who, when, what and before/after; CSV export.

The lines are written by the engine in the same transaction as the change
(``store.audit``), so this page only filters and shows them. The CSV goes
through ``csv_export``: a cell a spreadsheet would run as a formula is
neutralised with a leading apostrophe.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pandas as pd
import streamlit as st

from app_pages import _engine as engine
from app_pages import _people as people_api
from app_pages._ui import empty_state, friendly_error, page_header
from coach_engine.store.audit import audit_rows, export_csv

KINDS = {"": "Everything", "review": "Reviews and overrides", "assignment": "Assignments",
         "scenario": "Studio scenarios", "user": "Accounts", "team": "Teams"}

me = engine.member()
assert me is not None
page_header("Audit trail", "Every manager and admin action: who, when, what, and the values before and after")

cols = st.columns(2)
kind = cols[0].selectbox("Show", list(KINDS), format_func=KINDS.__getitem__, key="audit_kind")
month_ago = datetime.now(UTC).date() - timedelta(days=30)
since_day = cols[1].date_input("Since", value=month_ago, key="audit_since")
since = datetime.combine(since_day, time(0), tzinfo=UTC)

try:
    events = people_api.audit_events(me, action=kind or None, since=since)
except Exception as exc:
    friendly_error("The audit trail could not be loaded", exc, "Reload the page.")
    st.stop()

if not events:
    empty_state("Nothing recorded in this period.")
    st.stop()
st.caption(f"{len(events)} event{'s' if len(events) != 1 else ''}, newest first (times in UTC).")
st.dataframe(pd.DataFrame(audit_rows(events)), hide_index=True, width="stretch")
st.download_button("Download CSV", export_csv(events).encode("utf-8"), file_name="audit-trail.csv",
                   mime="text/csv", key="audit_csv", icon=":material/download:")
