"""Practice: the call itself — start or resume it, talk to the buyer, keep every turn, then grade it.

The page only holds the running ``DrillSession`` (``practice_drill``) and calls
it. Every turn is persisted by the store's turn recorder as it happens, so a
refresh never loses an attempt: the picker offers to resume it. A turn the
database won't take (locked or down past the retries) is kept in the tab and
marked "not saved yet", with a notice and "Save now"; the next turn writes it
first, and sending the same reply again saves it rather than repeating it
(``coach_engine.drill_record``; writes are idempotent). A reply the buyer
never answered is answered on "Ask the buyer again" or on a resend of the same
text, never recorded twice. The drill engine is imported only once a call
starts (``_engine``), so the picker paints without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import streamlit as st

from app_pages import _engine as engine
from app_pages import _records as records
from app_pages._practice_brief import QUICK_TURNS, close_drill, render_brief, render_from_notes
from app_pages._ui import friendly_error, safe
from coach_engine.drill_record import DrillRecord
from coach_engine.models import Scenario, Transcript
from coach_engine.tailoring import with_notes_line
from coach_engine.text import count_of

if TYPE_CHECKING:
    from coach_engine.buyer import BuyerState
    from coach_engine.session import DrillSession

BUYER_AVATAR = "🧑‍💼"
REP_AVATAR = "🗣️"


def start_drill(scenario: Scenario, attempt_turns: list[Any] | None = None,
                attempt_id: Any | None = None) -> None:
    """Start (or resume) the call and keep the DrillSession in session state."""
    who = engine.member()
    assert who is not None
    quick = bool(st.session_state.get("practice_quick"))
    max_turns = QUICK_TURNS if quick else None
    try:
        recorder = records.drill_record(who, scenario, attempt_id, mode="warmup" if quick else "drill")
        attempt_id = recorder.attempt_id
        seed = engine.attempt_seed(attempt_id)
        if attempt_turns:
            drill = engine.resume_drill(scenario, attempt_turns, seed=seed, max_turns=max_turns,
                                        on_turn=recorder)
        else:
            drill = engine.new_drill(scenario, seed=seed, max_turns=max_turns, on_turn=recorder)
        if not drill.transcript.turns:
            # The opening is the scenario's own line: show it now and read the scenario with the model
            # in the background while the rep reads it (the first rep turn waits for it if needed).
            drill.start(prepare=False)
            engine.in_background(drill.prepare, "scrimmage-drill-prepare")
    except Exception as exc:
        friendly_error("The drill could not start", exc, "Pick the scenario again, or choose another one.")
        return
    st.session_state.practice_drill = drill
    st.session_state.practice_attempt = attempt_id
    st.session_state.practice_scenario_id = scenario.id
    st.rerun()


def _saver(drill: DrillSession) -> DrillRecord | None:
    """The drill's record in the store (None for a drill that records nothing)."""
    return drill.on_turn if isinstance(drill.on_turn, DrillRecord) else None


def save_now(drill: DrillSession, resent: bool = False) -> None:
    """Write the turns kept in this tab (idempotent: a turn already stored is not stored again)."""
    saver = _saver(drill)
    if saver is None:
        return
    with st.spinner("Saving your call…"):
        saved = saver.save_now()
    lead = "That reply is already in the call, so it was not sent twice. " if resent else ""
    if saved:
        st.session_state.practice_notice = f"{lead}Saved: every turn of this call is stored."
        st.rerun()
    st.error(f"{lead}Still not saved: the team database is not answering. Your turns are kept in this tab; "
             "press “Save now” again in a moment, and don't reload or close the tab until they're saved.",
             icon="⏳")


def answer_again(drill: DrillSession) -> None:
    """The buyer answers the rep's last reply, which is in the call once (issue 14: a resend after a failure
    never records it twice): the drill is rebuilt from its turns, as a resume does, and answers it."""
    try:
        with st.spinner("Asking the buyer again…"):
            again = engine.resume_drill(drill.scenario, list(drill.transcript.turns),
                                        seed=engine.attempt_seed(st.session_state.get("practice_attempt")),
                                        max_turns=drill.max_turns, on_turn=drill.on_turn)
    except Exception as exc:
        friendly_error("The buyer could not answer", exc,
                       "Your reply is kept in this call; press “Ask the buyer again” in a moment.")
        return
    st.session_state.practice_drill = again
    if again.last_reply is not None and again.last_reply.notice:
        st.session_state.practice_notice = again.last_reply.notice
    st.rerun()


def render_unsaved(drill: DrillSession) -> None:
    """While turns are kept in this tab only: say so plainly, and offer to save them now."""
    saver = _saver(drill)
    if saver is None or not saver.pending:
        return
    n = len(saver.pending_indexes())
    st.warning(f"**Not saved yet.** {count_of(n, 'turn', 'turns')} of this call couldn't be written to the "
               "team database. They're kept in this tab and saved with your next reply, or now with "
               "“Save now”. Don't reload or close this tab until they're saved.", icon="⏳")
    if saver.error:
        st.caption(f"Why: {safe(saver.error.splitlines()[0][:300])}")
    if st.button("Save now", key="practice_save_now"):
        save_now(drill)


def finish_and_grade(scenario: Scenario, drill: DrillSession) -> None:
    """Score the drill with progress shown, save it, and open the Scorecard page."""
    who = engine.member()
    assert who is not None
    saver = _saver(drill)
    if saver is not None and saver.pending and not saver.save_now():
        st.error("Your call isn't fully saved yet, so it can't be scored: the team database is not "
                 "answering. Your turns are kept in this tab; press “See my scorecard” again in a moment.",
                 icon="⏳")
        return
    with st.status("Scoring your drill…", expanded=True) as status:
        st.write("Checking each reply against the rubric")
        try:
            transcript: Transcript = drill.transcript
            scorecard = engine.grade(scenario, transcript, drill.outcome)
            scorecard = with_notes_line(scorecard, st.session_state.get("practice_from_notes") or ())
            st.write("Saving your attempt")
            saver = _saver(drill)
            scorecard = (saver.finish(scorecard, engine.index_or_none(), scenario) if saver is not None
                         else records.finish_attempt(who, st.session_state.get("practice_attempt"), scorecard,
                                                     scenario))
        except Exception as exc:
            status.update(label="Scoring failed", state="error")
            friendly_error("Your drill was saved but could not be scored", exc,
                           "Press “See my scorecard” again; if it keeps failing, tell your manager.")
            return
        status.update(label="Scored", state="complete")
    engine.remember_result(scenario, transcript, scorecard, st.session_state.get("practice_attempt"),
                           quick=bool(st.session_state.get("practice_quick")))
    close_drill()
    st.switch_page("app_pages/scorecard.py")


def render_turn(role: str, text: str, unsaved: bool = False) -> None:
    if role == "buyer":
        with st.chat_message("buyer", avatar=BUYER_AVATAR):
            st.markdown(safe(text))
            if unsaved:
                st.caption("⏳ not saved yet")
    else:
        with st.chat_message("rep", avatar=REP_AVATAR):
            st.markdown(safe(text))
            if unsaved:
                st.caption("⏳ not saved yet")


def render_gauge(state: BuyerState) -> None:
    """The buyer's temperature: warmer as resistance falls and trust grows (off by default)."""
    warmth = max(0, min(100, round((100 - state.resistance + state.trust) / 2)))
    icon = "🧊" if warmth < 35 else ("🌤️" if warmth < 65 else "🔥")
    st.progress(warmth / 100, text=f"{icon} Buyer temperature: {warmth}/100")


def call_view(scenario: Scenario, drill: DrillSession) -> None:
    quick = bool(st.session_state.get("practice_quick"))
    st.subheader(scenario.title)
    rep_turns = len(drill.transcript.rep_turns())
    limit = QUICK_TURNS if quick else scenario.max_turns
    top = st.columns([3, 1])
    top[0].caption(
        f"{'⚡ Quick mode · ' if quick else ''}{safe(scenario.buyer.name)}, {safe(scenario.buyer.role)} · "
        f"reply {min(rep_turns + 1, limit)} of {limit}"
    )
    end_clicked = top[1].button("End drill", key="practice_end", type="secondary", width="stretch",
                                disabled=drill.finished)
    with st.expander("Your brief"):
        render_from_notes()
        render_brief(scenario)
    if engine.settings().show_buyer_gauge:
        render_gauge(drill.state)

    saver = _saver(drill)
    unsaved = saver.pending_indexes() if saver is not None else set()
    turns = drill.transcript.turns
    for i, turn in enumerate(turns):
        render_turn(turn.role, turn.text, unsaved=i in unsaved)
    last = drill.last_reply
    if last is not None and last.notice:  # e.g. the offline voice stood in for the AI buyer
        st.caption(f"⚠️ {safe(last.notice)}")
    render_unsaved(drill)
    # The buyer never answered the rep's last reply (the answer failed): it is in the call, once.
    unanswered = turns[-1] if turns and turns[-1].role == "rep" and not drill.finished else None
    if unanswered is not None:
        st.info("The buyer hasn't answered your last reply yet.", icon="⏳")
        if st.button("Ask the buyer again", key="practice_ask_again", type="primary"):
            answer_again(drill)
            return

    if end_clicked and not drill.finished:
        drill.end()
        st.rerun()

    if drill.finished:
        outcome = drill.outcome
        if outcome == "agreed":
            st.success("🤝 The buyer agreed to a next step. Nicely done.")
        elif outcome == "walked_away":
            st.warning("🚪 The buyer walked away. The scorecard shows what to try next time.")
        elif drill.state.stage == "stalled":
            st.info("⏸️ The buyer ended the call without a commitment — polite, but no next step. "
                    "The scorecard shows what would have moved them.")
        else:
            st.info("The drill is over. See how you did.")
        if st.button("See my scorecard", type="primary", key="practice_grade"):
            finish_and_grade(scenario, drill)
        return

    text = st.chat_input(f"Your reply to {scenario.buyer.name.split()[0]}…", key="practice_reply",
                         max_chars=2000)
    if not text:
        return
    if unanswered is not None:  # one reply at a time: the earlier one is answered first, never sent twice
        if text.strip() == unanswered.text:
            answer_again(drill)
        else:
            st.warning("Not sent: the buyer hasn't answered your last reply yet. Press “Ask the buyer again” "
                       f"first, then send this one. You wrote: “{safe(text[:500])}”", icon="✋")
        return
    last_rep = next((i for i in range(len(turns) - 1, -1, -1) if turns[i].role == "rep"), None)
    if last_rep is not None and last_rep in unsaved and text.strip() == turns[last_rep].text:
        save_now(drill, resent=True)  # the unsaved reply sent again: save it, never record it twice
        return
    render_turn("rep", text)
    with st.chat_message("buyer", avatar=BUYER_AVATAR):
        try:
            # The wait is bounded by llm_turn_deadline (then the offline voice answers); show it is running.
            with st.spinner(f"{safe(scenario.buyer.name.split()[0])} is thinking…", show_time=True):
                if drill.voice.can_stream:
                    st.write_stream(drill.rep_says_stream(text))
                    reply = drill.last_reply
                else:
                    reply = drill.rep_says(text)
                    st.markdown(safe(reply.turn.text))
        except engine.DrillInputError as exc:
            st.warning(f"{safe(str(exc))}", icon="✋")
            return
        except Exception as exc:
            friendly_error("The buyer could not answer", exc,
                           "Your reply is kept in this call; press “Ask the buyer again”.")
            if st.button("Ask the buyer again", key="practice_ask_again", type="primary"):
                answer_again(drill)
            return
    if reply is not None and getattr(reply, "notice", None):
        st.session_state.practice_notice = reply.notice
    engine.in_background(drill.warm_ahead, "scrimmage-warm-ahead")  # while the rep reads the line and types
    st.rerun()
