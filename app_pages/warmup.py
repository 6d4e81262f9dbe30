"""Warm-up: minutes before a call, paste what you know and rehearse the closest drill in quick mode.

Matching and tailoring are the engine's (``coach_engine.warmup.find_warmups``:
meaning plus the objection, role and industry the notes name, a floor under
which a match is not called close, a reason in words; each match's buyer
answers with the notes' figures, timing, vendors and role). This page only
collects the notes, shows the matches (or the nearest one, said plainly) and
hands the tailored scenario to Practice in quick mode (at most four replies).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages import _engine as engine
from app_pages._ui import DIFFICULTY_BADGE, empty_state, friendly_error, objection_label, page_header, safe

page_header("Warm-up", "Got a call coming up? Paste your notes and rehearse the closest objection.")
st.caption(engine.mode_note())

with st.form("warmup_form"):
    notes = st.text_area(
        "Notes about your next call", key="warmup_notes", height=120, max_chars=2000,
        placeholder="e.g. Calling the CFO of a 60-truck logistics firm. Last time she said the budget "
                    "is frozen until Q3 and our price is way over what they set aside.",
    )
    submitted = st.form_submit_button("Find my warm-ups", type="primary")

if submitted:
    if not notes.strip():
        st.warning("Write a line or two first: who you're calling, what they said, the industry.", icon="✍️")
    else:
        found: Any | None
        with st.status("Matching your notes to the drill bank…", expanded=False) as status:
            try:
                found = engine.warmup_matches(notes)
            except ValueError as exc:
                status.update(label="Need a bit more to go on", state="error")
                st.warning(safe(str(exc)))
                found = None
            except Exception as exc:
                status.update(label="Matching failed", state="error")
                friendly_error("Your notes could not be matched", exc, "Try again, or pick one on Practice.")
                found = None
            else:
                label = (f"Found {len(found.matches)} warm-up{'s' if len(found.matches) != 1 else ''}"
                         if found.close else "No close match")
                status.update(label=label, state="complete")
        if found is not None:
            st.session_state.warmup_results = {"headline": found.headline, "matches": found.matches}

results = st.session_state.get("warmup_results")
if results is None:
    empty_state("Paste a few lines about the call above — you'll get up to three matched drills, "
                "each a four-reply quick run whose buyer answers with the figures in your notes.")
elif not results["matches"]:
    empty_state("The drill bank is empty — ask your manager to add scenarios in the studio.")
else:
    if results["headline"]:
        st.info(f"{safe(results['headline'])} Name the objection (price, timing, the vendor they use…), "
                "the buyer's role or the industry for a closer one.", icon="🔎")
    st.markdown("#### Your best matches" if not results["headline"] else "#### The nearest drill")
    for rank, match in enumerate(results["matches"], start=1):
        s = match.scenario
        with st.container(border=True):
            st.markdown(f"**{rank}. {safe(s.title)}**")
            st.caption(f"{objection_label(s.objection)} · {DIFFICULTY_BADGE.get(s.difficulty, '')} · "
                       f"{safe(s.buyer.role)}, {safe(s.buyer.company)}")
            st.markdown(f"_Why:_ {safe(match.why)}")
            if match.from_notes:
                st.markdown("_From your notes, the buyer will say:_  \n"
                            + "  \n".join(f"• {safe(f.describe())}" for f in match.from_notes))
            st.caption(f"Opens with: “{safe(s.buyer.opening)}”")
            if st.button("⚡ Warm up (4 replies)", key=f"warmup_start_{s.id}",
                         type="primary" if rank == 1 else "secondary"):
                engine.request_drill(s.id, quick=True, tailored=s, from_notes=match.from_notes)
                st.switch_page("app_pages/practice.py")
