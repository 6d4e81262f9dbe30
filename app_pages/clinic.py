"""Clinic: placeholder until its engine part lands."""

from __future__ import annotations

import streamlit as st

st.title("Clinic")
st.info("This page is on its way.")
