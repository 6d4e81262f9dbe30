"""Warm-up: minutes before a call, paste what you know and rehearse the closest drill in quick mode.

Matching is the engine's (``coach_engine.warmup.match_warmups``: meaning plus
objection, role and industry cues, each match with a reason); this page only
collects the notes, shows the three matches and hands one to Practice in
quick mode (at most four replies).
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
        matches: list[Any] | None
        with st.status("Matching your notes to the drill bank…", expanded=False) as status:
            try:
                matches = engine.warmup_matches(notes)
            except ValueError as exc:
                status.update(label="Need a bit more to go on", state="error")
                st.warning(safe(str(exc)))
                matches = None
            except Exception as exc:
                status.update(label="Matching failed", state="error")
                friendly_error("Your notes could not be matched", exc, "Try again, or pick one on Practice.")
                matches = None
            else:
                status.update(label=f"Found {len(matches)} warm-ups", state="complete")
        if matches is not None:
            st.session_state.warmup_results = [(m.scenario.id, m.why) for m in matches]

results = st.session_state.get("warmup_results")
if results is None:
    empty_state("Paste a few lines about the call above — you'll get the three best-matched drills, "
                "each a four-reply quick run.")
elif not results:
    empty_state("No drill matches those notes yet. Try naming the objection (price, timing, "
                "incumbent…) or browse the bank on Practice.")
else:
    bank = engine.bank()
    st.markdown("#### Your best matches")
    for rank, (scenario_id, why) in enumerate(results, start=1):
        if scenario_id not in bank:
            continue
        s = bank.get(scenario_id)
        with st.container(border=True):
            st.markdown(f"**{rank}. {safe(s.title)}**")
            st.caption(f"{objection_label(s.objection)} · {DIFFICULTY_BADGE.get(s.difficulty, '')} · "
                       f"{safe(s.buyer.role)}, {safe(s.buyer.company)}")
            st.markdown(f"_Why:_ {safe(why)}")
            if st.button("⚡ Warm up (4 replies)", key=f"warmup_start_{scenario_id}",
                         type="primary" if rank == 1 else "secondary"):
                engine.request_drill(scenario_id, quick=True)
                st.switch_page("app_pages/practice.py")
