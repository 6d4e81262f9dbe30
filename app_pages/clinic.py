"""Clinic: rapid fire on one objection — five openings, one reply each, an instant score, a summary.

A skill clinic is short reps on one move, so each round is a single reply
scored with ``grade_reply`` (only the checks a first reply can show). Those
checks ask for a benefit, a number and a customer result, so each opening
comes with its brief (``drills.clinic_brief``: the situation, the product, its
value and proof points) — the clinic never coaches a rep to state what it never
showed them. Each round is saved as a clinic attempt so it counts towards progress.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import _engine as engine
from app_pages import _records as records
from app_pages._ui import empty_state, friendly_error, objection_label, page_header, safe
from coach_engine.drills import CLINIC_ROUNDS, ClinicBrief, clinic_brief
from coach_engine.models import OBJECTIONS


def reset() -> None:
    for key in ("clinic_rounds", "clinic_index", "clinic_results"):
        st.session_state.pop(key, None)


def setup_view() -> None:
    st.markdown("Pick an objection. You'll get five openings in a row; answer each in one reply.")
    objection = st.selectbox("Objection", OBJECTIONS, key="clinic_objection", format_func=objection_label)
    if st.button("Start the clinic", type="primary", key="clinic_start"):
        # A new seed per clinic in this session, so "Run another clinic" serves other openings.
        seed = st.session_state.get("clinic_runs", 0)
        rounds = engine.clinic_openings(objection, CLINIC_ROUNDS, seed)
        if not rounds:
            empty_state("The bank has no scenario for this objection yet — pick another one, "
                        "or ask your manager to add one in the Scenario studio.")
            return
        st.session_state.clinic_runs = seed + 1
        st.session_state.clinic_rounds = [s.id for s in rounds]
        st.session_state.clinic_index = 0
        st.session_state.clinic_results = []
        st.rerun()


def render_brief(brief: ClinicBrief) -> None:
    """The situation and what the rep sells: what their one reply is scored and coached on."""
    with st.container(border=True):
        st.markdown(f"**The situation.** {safe(brief.situation)}")
        st.markdown(f"**You sell** {safe(brief.product)} — {safe(brief.summary)}")
        st.markdown("**What you can lean on**  \n" + "  \n".join(
            [*(f"• {safe(p)}" for p in brief.value_points), *(f"📎 {safe(p)}" for p in brief.proof_points)]))


def round_view(rounds: list[str], index: int, results: list[dict]) -> None:
    bank = engine.bank()
    scenario = bank.get(rounds[index])
    st.progress(index / len(rounds), text=f"Opening {index + 1} of {len(rounds)}")
    brief = clinic_brief(scenario)
    st.caption(f"{safe(brief.buyer)} · {objection_label(scenario.objection)} · {scenario.difficulty}")
    render_brief(brief)
    with st.chat_message("buyer", avatar="🧑‍💼"):
        st.markdown(safe(scenario.buyer.opening))
    done = len(results) > index
    if not done:
        reply = st.chat_input("Your one reply…", key=f"clinic_reply_{index}", max_chars=2000)
        if reply:
            if not reply.strip():
                st.warning("Type a reply first.")
                return
            with st.spinner("Scoring your reply…"):
                try:
                    card = engine.grade_reply(scenario, reply)
                except Exception as exc:
                    friendly_error("Your reply could not be scored", exc, "Send it again.")
                    return
                who = engine.member()
                try:
                    if who is not None:
                        records.record_single_reply(who, scenario, reply, card)
                except Exception:
                    st.toast("Scored, but not saved to your history this time.")
            results.append({"scenario_id": scenario.id, "reply": reply, "card": card})
            st.rerun()
        return
    result = results[index]
    card = result["card"]
    with st.chat_message("rep", avatar="🗣️"):
        st.markdown(safe(result["reply"]))
    with st.container(border=True):
        cols = st.columns([1, 3])
        cols[0].metric("Reply score", f"{card.overall}/100")
        with cols[1]:
            for skill in card.skills:
                if not skill.due:
                    st.markdown(f"⚪ {safe(skill.name)}: not yet due")
                    continue
                st.markdown(f"{'🟢' if skill.score >= 4 else '🟠' if skill.score == 3 else '🔴'} "
                            f"{safe(skill.name)}: {skill.score}/5")
        if card.improvements:
            imp = card.improvements[0]
            st.markdown(f"**Next time:** {safe(imp.text)}  \n**Try instead:** _{safe(imp.try_instead)}_")
        elif card.strengths:
            st.markdown(f"**Strong:** {safe(card.strengths[0].text)}")
    last = index + 1 >= len(rounds)
    if st.button("See the summary" if last else "Next opening →", type="primary", key=f"clinic_next_{index}"):
        st.session_state.clinic_index = index + 1
        st.rerun()


def summary_view(results: list[dict]) -> None:
    bank = engine.bank()
    scores = [r["card"].overall for r in results]
    st.subheader("Clinic summary")
    cols = st.columns(3)
    cols[0].metric("Average", f"{round(sum(scores) / len(scores))}/100")
    cols[1].metric("Best", f"{max(scores)}/100")
    cols[2].metric("Replies", len(scores))
    rows = []
    for i, r in enumerate(results, start=1):
        for skill in r["card"].due_skills:
            rows.append({"Opening": i, "Skill": skill.name, "Score": skill.score})
    skills = pd.DataFrame(rows)
    if not skills.empty:
        avg = skills.groupby("Skill", as_index=False)["Score"].mean()
        chart = alt.Chart(avg).mark_bar().encode(
            x=alt.X("Score:Q", scale=alt.Scale(domain=[0, 5]), title="Average score (1-5)"),
            y=alt.Y("Skill:N", sort="-x", title=None),
            tooltip=["Skill", alt.Tooltip("Score:Q", format=".1f")],
        ).properties(height=40 * len(avg))
        st.altair_chart(chart, width="stretch")
        weakest = avg.sort_values("Score").iloc[0]["Skill"]
        st.info(f"Focus next: **{safe(str(weakest))}** — your lowest skill across this clinic.", icon="🎯")
    table = pd.DataFrame([
        {"#": i, "Buyer": bank.get(r["scenario_id"]).buyer.name if r["scenario_id"] in bank else "",
         "Score": r["card"].overall, "Your reply": r["reply"]}
        for i, r in enumerate(results, start=1)
    ])
    st.dataframe(table, hide_index=True, width="stretch")
    if st.button("Run another clinic", type="primary", key="clinic_again"):
        reset()
        st.rerun()


page_header("Clinic", "Rapid fire: five openings of one objection, one reply each, scored instantly.")
st.caption(engine.mode_note())
rounds = st.session_state.get("clinic_rounds")
if not rounds:
    setup_view()
else:
    idx = st.session_state.get("clinic_index", 0)
    res = st.session_state.setdefault("clinic_results", [])
    if idx >= len(rounds):
        summary_view(res)
    else:
        round_view(rounds, idx, res)
        if st.button("Stop the clinic", key="clinic_stop"):
            reset()
            st.rerun()

