"""Team (managers): assign drills, see who has done what, spot weak skills, review attempts, export.

Five tabs, one job each. Statuses come from ``coach_engine.assignments``
(computed from attempts, never stored; only full drills with enough replies
count) and the completion grid is its ``completion_matrix``, so the counts under
it are its cells. Assigning the same thing twice returns the open assignment;
changes and cancellations are kept in the assignment's history. An assignment to a
studio scenario keeps the version it was made on; one behind the latest says so and
can be moved to it (``Store.move_assignment``). A review writes
the manager's score next to the grader's, never over it, and an override
re-scores the overall through the grader's arithmetic (``coach_engine.reviews``);
after "Save review" the manager stays on the review queue with a confirmation.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import _engine as engine
from app_pages import _records as records
from app_pages._scorecard_view import render_scorecard
from app_pages._ui import empty_state, friendly_error, kept_labels, objection_label, page_header, safe
from coach_engine.assignments import completion_matrix, describe_event, newer_version
from coach_engine.csv_export import to_csv
from coach_engine.identity import Member
from coach_engine.points import load_rules
from coach_engine.reviews import EXPORT_ID_COLUMNS, describe_overrides, export_rows, queue_label, review_queue
from coach_engine.store import Assignment, Attempt

TABS = ["Assign", "Completion", "Skill heatmap", "Review queue", "Export"]
REVIEW_TAB = TABS[3]
KEEP = 0  # the review's "keep the grader's score" choice (scores are 1-5); a comment, since Streamlit
# "magic" would print a bare string on the page
STATUS_CELL = {"passed": "✅ passed", "in_progress": "🟡 in progress", "not_started": "⬜ not started",
               "overdue": "🔴 overdue"}
NOT_ASSIGNED = "—"


def _title(scenario_id: str) -> str:
    bank = engine.bank()
    return bank.scenarios[scenario_id].title if scenario_id in bank else scenario_id


def _flash(kind: str, text: str, tab: str | None = None) -> None:
    """Show ``text`` after the rerun, on ``tab`` (default: the tab the manager is on)."""
    st.session_state.team_flash = (kind, text)
    if tab is not None:
        st.session_state.team_tab_next = tab
    st.rerun()


def what_counts() -> str:
    d = load_rules().drill
    return (f"Only full drills of the assigned scenario count — each with at least {d.min_replies} replies, "
            "started after it was assigned. Clinic replies and warm-ups don't.")


def assign_tab(who: Member, reps: list) -> None:
    bank = engine.bank()
    label = kept_labels("team_assign_scenario", lambda i: f"{bank.get(i).title} · "
                        f"{objection_label(bank.get(i).objection)} · {bank.get(i).difficulty}")
    with st.form("team_assign_form", clear_on_submit=False):
        st.markdown("**Assign a drill**")
        scenario_id = st.selectbox("Scenario", bank.ids(), key="team_assign_scenario", format_func=label)
        options = ["__team__", *[r.email for r in reps]]
        names = {r.email: r.name for r in reps}
        assignee = st.selectbox("Assign to", options, key="team_assign_to",
                                format_func=lambda o: "The whole team" if o == "__team__" else names[o])
        cols = st.columns(3)
        due = cols[0].date_input("Due", value=date.today() + timedelta(days=7), min_value=date.today(),
                                 key="team_assign_due")
        pass_mark = cols[1].number_input("Pass mark", 0, 100, 70, step=5, key="team_assign_mark")
        min_attempts = cols[2].number_input("Minimum drills", 1, 10, 1, key="team_assign_min")
        st.caption(what_counts())
        submitted = st.form_submit_button("Assign", type="primary")
    if submitted:
        try:
            made = records.assign(who, scenario_id, due,
                                  rep_email=None if assignee == "__team__" else assignee,
                                  pass_mark=int(pass_mark), min_attempts=int(min_attempts))
        except Exception as exc:
            friendly_error("The assignment was not saved", exc, "Check the fields and assign again.")
        else:
            target = "the whole team" if assignee == "__team__" else names[assignee]
            title = safe(bank.get(scenario_id).title)
            if made.created:
                _flash("success", f"Assigned “{title}” to {safe(target)}, due {due:%a %d %b}.")
            else:
                _flash("info", f"“{title}” is already assigned to {safe(target)}, due {due:%a %d %b}, "
                               "with the same pass mark and minimum — nothing new was created.")
    st.divider()
    manage_assignments(who, {r.email: r.name for r in reps})


def _assignment_label(a: Assignment, names: dict[str, str]) -> str:
    who = "the whole team" if a.user_id is None else names.get(a.assignee, a.assignee)
    return f"{_title(a.scenario_id)} · {who} · due {a.due:%a %d %b}"


def _pick_labels(open_ones: list[Assignment], names: dict[str, str]) -> dict[int, str]:
    """The assignment picker's labels: what never changes about an assignment (its scenario, who, when it
    was made; a due date moved by an edit would change the label and lose the pick), numbered where two
    would read alike (the browser sends a pick back as its label)."""
    base = {a.id: f"{_title(a.scenario_id)} · "
                  f"{'the whole team' if a.user_id is None else names.get(a.assignee, a.assignee)} · "
                  f"assigned {a.created_at:%d %b}" for a in open_ones}
    seen = list(base.values())
    return {i: label if seen.count(label) == 1 else f"{label} (#{i})" for i, label in base.items()}


def _latest_versions(who: Member) -> dict[str, int]:
    """Each studio scenario's latest version (shipped scenarios have none), for "behind" notes."""
    try:
        return {s.scenario_id: s.version for s in records.authored_scenarios(who)}
    except Exception:  # the notes are a help, not the page: without them assignments still list
        return {}


def _behind_note(a: Assignment, newer: int) -> str:
    return f"on v{a.scenario_version}; v{newer} is the latest"


def move_version(who: Member, a: Assignment, newer: int, label: str) -> None:
    """The picked assignment is on an older version of its studio scenario: say so, offer the move."""
    st.warning(f"Behind: {_behind_note(a, newer)} version of this scenario.", icon="🕰️")
    st.caption(f"Moving it changes what reps drill next: their next drill for this assignment uses "
               f"version {newer}. Drills already done still count toward it; the due date, pass mark "
               "and minimum stay as they are. A drill a rep has already started finishes on its version.")
    if st.button(f"Move to v{newer}", key=f"team_move_{a.id}"):
        try:
            moved = records.move_assignment(who, a.id)
        except Exception as exc:
            friendly_error("The assignment was not moved", exc, "Reload the page and try again.")
        else:
            _flash("success", f"Moved {safe(label)} to version {moved.scenario_version}: reps' next drill "
                              "for it uses that version; drills already done still count.")


def manage_assignments(who: Member, names: dict[str, str]) -> None:
    st.markdown("**Change or cancel an assignment**")
    try:
        open_ones = records.open_assignments(who)
    except Exception as exc:
        friendly_error("The assignments could not be loaded", exc, "Reload the page.")
        return
    if not open_ones:
        st.caption("No open assignments to change.")
        return
    latest = _latest_versions(who)
    behind = [(a, newer) for a in open_ones if (newer := newer_version(a, latest)) is not None]
    if behind:  # not in the picker's labels: a label that changes on a move would reset the pick
        st.caption("Behind the latest version of their scenario (pick one to move it): " + "; ".join(
            f"{safe(_assignment_label(a, names))} — {_behind_note(a, newer)}" for a, newer in behind))
    by_id = {a.id: a for a in open_ones}
    labels = _pick_labels(open_ones, names)
    picked = st.selectbox("Assignment", list(by_id), key="team_edit_pick",
                          format_func=kept_labels("team_edit_pick", lambda i: labels[i]))
    if picked is None:
        return
    a = by_id[picked]
    if (newer := newer_version(a, latest)) is not None:
        move_version(who, a, newer, _assignment_label(a, names))
    with st.form(f"team_edit_form_{a.id}"):
        cols = st.columns(3)
        due = cols[0].date_input("Due", value=a.due, min_value=min(a.due, date.today()),
                                 key=f"team_edit_due_{a.id}")
        mark = cols[1].number_input("Pass mark", 0, 100, a.pass_mark, step=5, key=f"team_edit_mark_{a.id}")
        least = cols[2].number_input("Minimum drills", 1, 10, a.min_attempts, key=f"team_edit_min_{a.id}")
        save = st.form_submit_button("Save changes")
    if save:
        try:
            records.update_assignment(who, a.id, due=due, pass_mark=int(mark), min_attempts=int(least))
        except Exception as exc:
            friendly_error("The change was not saved", exc, "Check the fields and save again.")
        else:
            drills = f"{int(least)} drill{'s' if int(least) != 1 else ''}"
            _flash("success", f"Saved: {safe(_title(a.scenario_id))} is now due {due:%a %d %b}, "
                              f"pass mark {int(mark)}, at least {drills}.")
    sure = st.checkbox("Yes, cancel it: reps stop seeing it and it earns no points",
                       key=f"team_cancel_sure_{a.id}")
    if st.button("Cancel assignment", key=f"team_cancel_{a.id}", disabled=not sure):
        try:
            records.cancel_assignment(who, a.id)
        except Exception as exc:
            friendly_error("The assignment was not cancelled", exc, "Reload the page and try again.")
        else:
            _flash("success", f"Cancelled {safe(_assignment_label(a, names))}. Its history is kept.")
    with st.expander("History"):
        try:
            events = records.assignment_history(who, a.id)
        except Exception as exc:
            friendly_error("The history could not be loaded", exc, "Reload the page.")
            return
        lines = [f"- {e.at:%a %d %b %Y %H:%M} UTC · {safe(e.actor_name)} · {safe(describe_event(e))}"
                 for e in events]
        st.markdown("\n".join(lines) or "No history yet.")


def completion_tab(rows: list) -> None:
    if not rows:
        empty_state("No assignments yet — assign a drill in the first tab and progress shows up here.")
        return
    grid = completion_matrix(rows, _title)
    data = pd.DataFrame(
        [[STATUS_CELL[grid.cells[(rep, col)]] if (rep, col) in grid.cells else NOT_ASSIGNED
          for col in grid.columns] for rep in grid.reps],
        index=pd.Index(grid.reps, name="Rep"), columns=grid.columns,
    )
    st.dataframe(data, width="stretch")
    st.caption(" · ".join(f"{STATUS_CELL[k]}: {v}" for k, v in grid.counts().items())
               + f" · {NOT_ASSIGNED} not assigned to that rep")
    st.caption(what_counts())


def heatmap_tab(weeks: list) -> None:
    if not weeks:
        empty_state("No completed drills yet — the heatmap fills in as your reps practise.")
        return
    names = engine.skill_names()
    data = pd.DataFrame([{"Week": w.week, "Skill": names.get(w.skill_id, w.skill_id), "Score": w.average}
                         for w in weeks])
    chart = alt.Chart(data).mark_rect().encode(
        x=alt.X("Week:O", title="ISO week"),
        y=alt.Y("Skill:N", title=None),
        color=alt.Color("Score:Q", scale=alt.Scale(domain=[1, 5], scheme="redyellowgreen"),
                        title="Avg (1-5)"),
        tooltip=["Week", "Skill", alt.Tooltip("Score:Q", format=".1f")],
    ).properties(height=260)
    st.altair_chart(chart, width="stretch")
    st.caption("Team average per skill and week (a manager's review overrides the grader).")


def override_label(graded: int | None) -> Callable[[int], str]:
    """The choice's label: "keep 3", or "keep: not yet due" for a skill a first reply had not reached."""
    kept = f"keep {graded}" if graded is not None else "keep: not yet due"
    return lambda v: kept if v == KEEP else str(v)


def review_tab(who: Member, attempts: list) -> None:
    if not attempts:
        empty_state("Nothing to review yet — completed drills from your team land here.")
        return
    counts = records.review_counts(who)
    only_open = st.toggle("Only attempts without a review", value=True, key="team_review_open")
    done = st.session_state.pop("team_review_done", None)
    if done is not None and only_open and st.session_state.get("team_review_pick") == done:
        del st.session_state["team_review_pick"]  # saved: move on to the next attempt in the queue
    # The attempt whose form is open stays in the queue (reviews.review_queue), so a second save is kept.
    queue = review_queue(attempts, counts, only_new=only_open, keep=st.session_state.get("team_review_pick"))
    if not queue:
        empty_state("All caught up — every recent attempt has a review.", icon="✅")
        return
    labels = {a.id: queue_label(a, _title(a.scenario_id), counts.get(a.id, 0)) for a in queue}
    attempt_id = st.selectbox("Attempt", list(labels), format_func=lambda i: labels[i],
                              key="team_review_pick")
    if attempt_id is None:
        return
    try:
        detail = records.attempt_detail(who, attempt_id)
    except Exception as exc:
        friendly_error("That attempt could not be opened", exc, "Pick another one.")
        return
    card = detail["scorecard"]
    if card is None:
        st.info("This attempt has no scorecard.")
        return
    with st.form(f"team_review_form_{attempt_id}"):
        st.markdown("**Your review** — a comment, a changed score where you disagree, or both. "
                    "A changed score re-scores the overall the way the grader does.")
        overrides: dict[str, int] = {}
        cols = st.columns(min(4, len(card.skills)))
        for i, skill in enumerate(card.skills):
            choice = cols[i % len(cols)].selectbox(
                skill.name, [KEEP, 1, 2, 3, 4, 5], key=f"team_override_{attempt_id}_{skill.id}",
                format_func=override_label(skill.score if skill.due else None))
            if choice:
                overrides[skill.id] = choice
        comment = st.text_area("Comment for the rep", key=f"team_comment_{attempt_id}", max_chars=2000)
        if st.form_submit_button("Save review", type="primary"):
            if not overrides and not comment.strip():
                st.warning("Add a comment or change a score before saving.")
            else:
                before = detail["attempt"]
                try:
                    after = records.add_review(who, attempt_id, overrides, comment.strip())
                except Exception as exc:
                    friendly_error("The review was not saved", exc, "Try again.")
                else:
                    _review_saved(who, before, after, describe_overrides(overrides, detail["graded"]))
    render_scorecard(detail["scenario"], detail["transcript"], card, detail["reviews"], show_team=False,
                     overridden_by=detail["overridden_by"], graded_overall=detail["graded_overall"])


def _review_saved(who: Member, before: Attempt, after: Attempt, changes: list[str]) -> None:
    """Stay on the review queue, say what was saved, and move on to the next attempt."""
    what = f"Review saved for {safe(after.user_name)} on “{safe(_title(after.scenario_id))}”"
    if changes:
        what += (f" — {safe('; '.join(changes))}; overall {before.overall} → {after.overall}/100, "
                 f"overridden by {safe(who.name)}")
    st.session_state.team_review_done = after.id
    _flash("success", what + ". The rep sees it on My progress.", tab=REVIEW_TAB)


def export_tab(attempts: list) -> None:
    if not attempts:
        empty_state("Nothing to export yet.")
        return
    rows = export_rows(attempts, _title)
    data = pd.DataFrame(rows)
    st.caption("Overall and skills after managers' overrides; “Grader's overall” is the grader's number.")
    st.dataframe(data.drop(columns=list(EXPORT_ID_COLUMNS)), hide_index=True, width="stretch")
    st.download_button("Download attempts CSV", to_csv(rows).encode("utf-8"),  # formula cells neutralised
                       file_name="team-attempts.csv", mime="text/csv", key="team_csv",
                       icon=":material/download:")


page_header("Team", "Assign drills, follow completion, spot weak skills and review attempts.")
me = engine.member_on_a_team("You don't manage a team yet. Ask an admin to add you to one.")
try:
    members = records.team_members(me)
    team_attempts = records.team_attempts(me)
    skill_weeks = records.team_skill_weeks(me)
    matrix_rows = records.assignment_matrix(me)
except Exception as exc:
    friendly_error("The team data could not be loaded", exc, "Reload the page.")
    st.stop()
team_reps = [m for m in members if m.role == "rep"]
st.caption(f"Team {safe(me.team)} · {len(team_reps)} reps · {len(team_attempts)} completed attempts")

if flash := st.session_state.pop("team_flash", None):
    kind, text = flash
    if kind == "info":
        st.info(text, icon="ℹ️")
    else:
        st.success(text, icon="✅")
if (next_tab := st.session_state.pop("team_tab_next", None)) is not None:
    st.session_state.team_tab = next_tab
# Keyed tabs keep the manager where they were across reruns (a saved review stays on the review queue).
tabs = st.tabs(TABS, key="team_tab", on_change="rerun")
with tabs[0]:
    assign_tab(me, team_reps)
with tabs[1]:
    completion_tab(matrix_rows)
with tabs[2]:
    heatmap_tab(skill_weeks)
with tabs[3]:
    review_tab(me, team_attempts)
with tabs[4]:
    export_tab(team_attempts)
