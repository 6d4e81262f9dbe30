"""How a scorecard looks, shared by the Scorecard page, My progress and the Team review queue.

A scorecard only says what the grader can prove: every passed check carries a
quote, so the transcript is shown with those quotes highlighted (green for
what worked, red for anti-patterns). All text goes through ``_ui.safe``.

Turns are named as a rep counts them: "Reply 2" is the rep's second reply
(``Transcript.reply_numbers``); the buyer's lines are not numbered. A card a
manager re-scored shows the reviewed overall and says who overrode it, with
the grader's number next to it; reviews read in words (``reviews.ReviewLine``).
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd
import streamlit as st

from app_pages._ui import safe
from coach_engine.grading.scoring import NOT_YET_DUE
from coach_engine.models import Scenario, Scorecard, Transcript
from coach_engine.reviews import ReviewLine

OUTCOME_LINE = {
    "agreed": "🤝 Buyer agreed to a next step",
    "walked_away": "🚪 Buyer walked away",
    "open": "⏸️ No decision yet",
}


def skill_chart(card: Scorecard) -> alt.Chart:
    """Per-skill scores (1-5) as horizontal bars, coloured from red to green; a skill not yet due in a first
    reply has no bar (it is not part of the score)."""
    due = card.due_skills
    data = pd.DataFrame([{"Skill": s.name, "Score": s.score} for s in due])
    base = alt.Chart(data).encode(
        y=alt.Y("Skill:N", sort=None, title=None, axis=alt.Axis(labelLimit=180)),
        x=alt.X("Score:Q", scale=alt.Scale(domain=[0, 5]), title="Score (1-5)", axis=alt.Axis(tickCount=5)),
    )
    bars = base.mark_bar(cornerRadiusEnd=4).encode(
        color=alt.Color("Score:Q", scale=alt.Scale(domain=[1, 3, 5], range=["#d9534f", "#f0ad4e", "#1f7a4d"]),
                        legend=None),
        tooltip=["Skill", "Score"],
    )
    labels = base.mark_text(align="left", dx=4).encode(text="Score:Q")
    return (bars + labels).properties(height=max(120, 38 * len(due)))


def _evidence_by_turn(card: Scorecard) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    good: dict[int, list[str]] = {}
    bad: dict[int, list[str]] = {}
    for skill in card.skills:
        for check in skill.checks:
            if check.passed:
                for ev in check.evidence:
                    good.setdefault(ev.turn, []).append(ev.quote)
        for hit in skill.anti_patterns:
            for ev in hit.evidence:
                bad.setdefault(ev.turn, []).append(ev.quote)
    return good, bad


def _marked(text: str, good: Sequence[str], bad: Sequence[str]) -> str:
    """Safe Markdown with green spans for evidence and red spans for anti-patterns."""
    spans: list[tuple[int, int, str]] = []
    for quotes, colour in ((bad, "red"), (good, "green")):
        for quote in {q for q in quotes if q and q.strip()}:
            start = text.find(quote)
            while start != -1:
                end = start + len(quote)
                if not any(s < end and start < e for s, e, _ in spans):
                    spans.append((start, end, colour))
                start = text.find(quote, end)
    out, pos = [], 0
    for s, e, colour in sorted(spans):
        out.append(safe(text[pos:s]))
        out.append(f":{colour}-background[{safe(text[s:e])}]")
        pos = e
    out.append(safe(text[pos:]))
    return "".join(out)


def _reply(numbers: dict[int, int], turn: int) -> str:
    """"Reply 2" for the rep's second reply; "" for a turn that is not a rep reply."""
    return f"Reply {numbers[turn]}" if turn in numbers else ""


def render_transcript(transcript: Transcript, card: Scorecard | None, buyer_name: str = "Buyer") -> None:
    good, bad = _evidence_by_turn(card) if card is not None else ({}, {})
    numbers = transcript.reply_numbers()
    if not transcript.turns:
        st.caption("No turns were recorded.")
    for i, turn in enumerate(transcript.turns):
        if turn.role == "rep":
            body = _marked(turn.text, good.get(i, []), bad.get(i, []))
            st.markdown(f"**You** · {_reply(numbers, i)}  \n{body}")
        else:
            st.markdown(f"**{safe(buyer_name)}**  \n{safe(turn.text)}")


def _quote_line(numbers: dict[int, int], turn: int, quote: str) -> str:
    where = _reply(numbers, turn)
    return f"> {where}: “{safe(quote)}”" if where else f"> “{safe(quote)}”"


def render_checks(card: Scorecard, numbers: dict[int, int] | None = None) -> None:
    numbers = numbers or {}
    for skill in card.skills:
        passed = sum(c.passed for c in skill.checks)
        score = f"{skill.score}/5" if skill.due else "not yet due"
        with st.expander(f"{skill.name} — {score} · {passed} of {len(skill.checks)} checks passed"):
            if not skill.due:
                st.caption(NOT_YET_DUE)
            elif skill.level:
                st.caption(safe(skill.level))
            for check in skill.checks:
                mark = "✅" if check.passed else "❌"
                st.markdown(f"{mark} {safe(check.question or check.id)}")
                for ev in check.evidence:
                    st.markdown(_quote_line(numbers, ev.turn, ev.quote))
                if check.note:
                    st.caption(safe(check.note))
            for hit in skill.anti_patterns:
                st.markdown(f"⚠️ {safe(hit.description)}")
                for ev in hit.evidence:
                    st.markdown(_quote_line(numbers, ev.turn, ev.quote))


def _at(numbers: dict[int, int], turn: int) -> str:
    where = _reply(numbers, turn)
    return f" ({where.lower()})" if where else ""


def render_coaching(card: Scorecard, numbers: dict[int, int] | None = None) -> None:
    numbers = numbers or {}
    left, right = st.columns(2)
    with left:
        st.markdown("#### 💪 Strengths")
        if not card.strengths:
            st.caption("Nothing stood out yet — the improvements on the right are the fastest wins.")
        for s in card.strengths:
            quote = f"  \n> “{safe(s.quote)}”" if s.quote else ""
            st.markdown(f"- {safe(s.text)}{_at(numbers, s.turn)}{quote}")
    with right:
        st.markdown("#### 🎯 Improvements")
        if not card.improvements:
            st.caption("No improvements flagged. Try a harder scenario.")
        for imp in card.improvements:
            with st.container(border=True):
                st.markdown(f"{safe(imp.text)}{_at(numbers, imp.turn)}")
                if imp.quote:
                    st.caption(f"You said: “{safe(imp.quote)}”")
                st.markdown(f"**Try instead:** _{safe(imp.try_instead)}_")
                if imp.try_from:
                    st.caption(f"From {safe(imp.try_from)}")


def render_team_and_trend(card: Scorecard) -> None:
    left, right = st.columns(2)
    with left:
        st.markdown("#### 👥 From your team")
        if not card.from_team:
            st.caption("No teammate has a stronger reply to this objection yet — yours could be the example.")
        for ex in card.from_team[:3]:  # the engine gives each reply text once (memory.team_examples)
            with st.container(border=True):
                st.markdown(f"“{safe(ex.text)}”")
                st.caption(f"{safe(ex.name or ex.user)} · scored {ex.overall} · {safe(ex.when)}")
    with right:
        st.markdown("#### 📈 Your trend")
        if len(card.trend) < 2:
            st.caption("Drill again over the coming weeks to see your trend here.")
        else:
            data = pd.DataFrame(
                [{"Week": p.week, "Average": p.average, "Drills": p.attempts} for p in card.trend]
            )
            chart = alt.Chart(data).mark_line(point=True).encode(
                x=alt.X("Week:N", sort=None), y=alt.Y("Average:Q", scale=alt.Scale(domain=[0, 100])),
                tooltip=["Week", "Average", "Drills"],
            ).properties(height=200)
            st.altair_chart(chart, width="stretch")


def render_reviews(reviews: Sequence[ReviewLine]) -> None:
    """Every review, oldest first, in words: who, when, the scores changed ("3/5 → 4/5"), the comment."""
    for line in reviews:
        r = line.review
        with st.container(border=True):
            new = " · 🆕 new" if line.new else ""
            st.markdown(f"**Manager review** by {safe(line.by)} · {r.created_at:%d %b %Y}{new}")
            if line.changes:
                st.markdown("Scores changed: " + "; ".join(safe(c) for c in line.changes))
            if r.comment:
                st.markdown(f"> {safe(r.comment)}")


def render_scorecard(scenario: Scenario | None, transcript: Transcript | None, card: Scorecard,
                     reviews: Sequence[ReviewLine] = (), show_team: bool = True, *,
                     overridden_by: str | None = None, graded_overall: int | None = None) -> None:
    """The whole scorecard: headline, skills chart, checks, coaching, team/trend and transcript.

    ``card`` is the card as reviewed (``reviews.reviewed_card``); ``overridden_by`` names the manager
    whose override set its overall, ``graded_overall`` is the grader's."""
    numbers = transcript.reply_numbers() if transcript is not None else {}
    top = st.columns([1, 2])
    top[0].metric("Overall", f"{card.overall}/100")
    if overridden_by:
        was = f" — the grader gave {graded_overall}/100" if graded_overall is not None else ""
        top[0].caption(f"✍️ Overridden by {safe(overridden_by)}{was}")
    with top[1]:
        st.markdown(f"**{OUTCOME_LINE.get(card.outcome, card.outcome)}**")
        st.caption(f"Graded by {safe(card.grader)} · rubric {safe(card.rubric)}")
        for note in card.notes:
            st.caption(f"ℹ️ {safe(note)}")
    for flag in card.flags:
        st.warning(safe(flag), icon="🚩")
    render_reviews(reviews)
    st.altair_chart(skill_chart(card), width="stretch")
    render_coaching(card, numbers)
    st.markdown("#### Checks")
    render_checks(card, numbers)
    if show_team:
        render_team_and_trend(card)
    if transcript is not None:
        with st.expander("Transcript with evidence highlighted", expanded=False):
            st.caption("Green: evidence for a passed check. Red: an anti-pattern.")
            render_transcript(transcript, card, scenario.buyer.name if scenario else "Buyer")
