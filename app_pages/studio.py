"""Studio: placeholder until its engine part lands."""

from __future__ import annotations

import streamlit as st

st.title("Studio")
st.info("This page is on its way.")
