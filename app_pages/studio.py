"""Scenario studio (managers): write a scenario in a form or as YAML, checked as you type, saved as versions.

The YAML is the source of truth: it is what gets saved and exported. The form
and the YAML are one document — a form edit writes its own field into the YAML
at once (``studio.set_field``) and a YAML edit refills the form — so every rerun
checks the same text with the bank's loader (``studio.check``): the messages,
length limits included, are the ones ``scrimmage scenarios validate`` prints.
The form's widgets and that two-way copy are ``_studio_form``'s; this page is
the editor around them: where the text starts from, saving, the checks, the
test drill and the history.

Nothing is lost or overwritten (issue 15; the rules are ``coach_engine.studio``'s):
a save is a new scenario or the next version of the one being edited, with
its history, diff, restore and archive below the editor. Streamlit can't stop
a browser leaving the page, so unsaved work is kept instead: on every change
the text goes to the store as this manager's draft, and coming back restores
it; "unsaved changes" shows while it differs from what was saved, and opening
another scenario asks first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from app_pages import _engine as engine
from app_pages import _records as records
from app_pages._studio_form import field_name, fill_form, flash, form_column
from app_pages._ui import friendly_error, kept_labels, objection_label, page_header, safe
from coach_engine import studio
from coach_engine.errors import ScrimmageError
from coach_engine.store import ScenarioIdTaken, StoreError

if TYPE_CHECKING:  # types only: the first paint does not load the drill engine
    from coach_engine.identity import Member
    from coach_engine.models import Scenario
    from coach_engine.session import DrillSession
    from coach_engine.store import AuthoredScenario

# --- where the text starts from, and the guard (callbacks) -----------------------------------------


def load(choice: str) -> None:
    me = engine.member()
    assert me is not None
    base = studio.start_from(choice, engine.bank(), records.authored_scenarios(me))
    ss = st.session_state
    ss.studio_yaml, ss.studio_base, ss.studio_loaded, ss.studio_source = base.text, base, choice, choice
    for key in ("studio_test", "studio_taken", "studio_pending"):
        ss.pop(key, None)
    fill_form()


def source_changed() -> None:
    """Opening something else with unsaved changes asks first (the choice waits in ``studio_pending``)."""
    ss = st.session_state
    if ss.studio_base.unsaved(ss.studio_yaml):
        ss.studio_pending = ss.studio_source
        ss.studio_source = ss.studio_loaded
        return
    load(ss.studio_source)


def discard_changes() -> None:
    me = engine.member()
    assert me is not None
    st.session_state.studio_yaml = st.session_state.studio_base.text
    fill_form()
    records.discard_studio_draft(me)
    st.session_state.studio_kept = None


def do_save() -> None:
    me = engine.member()
    assert me is not None
    ss = st.session_state
    base: studio.Base = ss.studio_base
    ss.pop("studio_taken", None)
    try:
        saved = records.studio_save(me, ss.studio_yaml, base_id=base.scenario_id, base_version=base.version)
    except ScenarioIdTaken as exc:
        ss.studio_taken = exc.suggestion
        flash("error", f"Not saved: {exc}.")
        return
    except (ScrimmageError, StoreError) as exc:
        flash("error", f"Not saved: {exc}.")
        return
    row = saved.scenario
    choice = f"edit:{row.scenario_id}"
    ss.studio_base = studio.Base(ss.studio_yaml, row.scenario_id, row.version)
    ss.studio_loaded = ss.studio_source = choice
    records.discard_studio_draft(me)
    ss.studio_kept = None
    flash("success", saved.describe())


def use_free_id(free_id: str) -> None:
    st.session_state.studio_yaml = studio.with_id(st.session_state.studio_yaml, free_id)
    st.session_state.pop("studio_taken", None)
    fill_form()


def do_restore(scenario_id: str, version: int) -> None:
    me = engine.member()
    assert me is not None
    ss = st.session_state
    if ss.studio_base.unsaved(ss.studio_yaml):
        flash("error", "Save or discard your unsaved changes before restoring a version.")
        return
    try:
        row = records.restore_version(me, scenario_id, version, ss.studio_base.version)
    except StoreError as exc:
        flash("error", f"Not restored: {exc}.")
        return
    ss.studio_yaml = row.yaml_text
    ss.studio_base = studio.Base(row.yaml_text, row.scenario_id, row.version)
    fill_form()
    flash("success", f"Restored version {version} as version {row.version}. Nothing was deleted.")


def do_archive(scenario_id: str, archived: bool) -> None:
    me = engine.member()
    assert me is not None
    try:
        records.set_archived(me, scenario_id, archived)
    except StoreError as exc:
        flash("error", f"{exc}.")
        return
    ss = st.session_state
    ss.studio_base = studio.start_from(f"edit:{scenario_id}", engine.bank(), records.authored_scenarios(me))
    flash("success", f"“{scenario_id}” is archived: gone from the pickers, its history and attempts kept."
          if archived else f"“{scenario_id}” is back in the bank.")


def do_move(assignment_id: int) -> None:
    me = engine.member()
    assert me is not None
    try:
        moved = records.move_assignment(me, assignment_id)
    except StoreError as exc:
        flash("error", f"{exc}.")
        return
    flash("success", f"The assignment now uses version {moved.scenario_version}.")


# --- rendering --------------------------------------------------------------------------------------


def show_check(result: studio.Check) -> None:
    """The loader's messages for the text as it is now, each naming its field."""
    if result.problems:
        lines = [f"- {field_name(p.field)}: {safe(p.message)}" for p in result.problems]
        st.error("**This scenario doesn't load yet:**\n\n" + "\n".join(lines), icon="🛑")
        return
    assert result.scenario is not None
    s = result.scenario
    st.success(f"Valid: “{safe(s.title)}” ({objection_label(s.objection)}, {s.difficulty})", icon="✅")
    for cut in result.cuts:
        st.warning(f"**A value was cut short:** {safe(cut)}.", icon="✂️")
    if result.placeholders:
        st.warning("Still the blank template's placeholder text — write your own before saving: "
                   + ", ".join(field_name(p) for p in result.placeholders), icon="✏️")
    if not s.buyer.concern_lines:
        story, stake = studio.concern_told(s)
        later = f"  \nThen, on the next good question: “{safe(stake)}”" if stake else ""
        st.info("No concern lines yet, so the offline buyer tells the hidden concern close to word for word. "
                f"A rep who earns it hears: “{safe(story)}”{later}  \nAdd three first-person lines in the "
                "buyer's voice (a hint, the story, the stake) to choose the words yourself.", icon="💬")
    for said in (studio.pronoun_warning(s), studio.aside_warning(s)):
        if said:
            st.warning(f"**Hidden concern:** {safe(said)}.", icon="🗣️")
    if opening := studio.opening_warning(s):
        st.warning(f"**Opening:** {safe(opening)}.", icon="🗣️")
    readings = studio.item_readings(s, engine.embedder())
    proof = studio.proof_warning(s, readings)
    if proof:
        st.warning(f"**Proof points:** {safe(proof)}.", icon="🧾")
    unsure = [r for r in readings if not r.confident]
    if unsure:
        st.warning("**Some resolution items are hard to read.** "
                   + " ".join(f"“{safe(r.text)}”: {safe(r.note())}." for r in unsure), icon="🤔")
    with st.expander(f"How the buyer reads your {len(readings)} resolution item(s)", expanded=bool(unsure)):
        for n, r in enumerate(readings, start=1):
            st.markdown(f"{n}. {safe(r.text)}  \n   → {safe(r.note())}")


def test_drill_panel(scenario: Scenario) -> None:
    """A throwaway drill against the scenario as written (nothing is saved)."""
    drill: DrillSession | None = st.session_state.get("studio_test")
    if drill is None or drill.scenario != scenario:
        if st.button("Start a test drill", key="studio_test_start"):
            try:
                st.session_state.studio_test = engine.test_drill(scenario)
            except Exception as exc:
                friendly_error("The test drill could not start", exc, "Check the scenario and try again.")
                return
            st.rerun()
        return
    for turn in drill.transcript.turns:
        st.markdown(f"**{'Buyer' if turn.role == 'buyer' else 'You'}:** {safe(turn.text)}")
    state = drill.state
    st.caption(f"Buyer state: resistance {state.resistance}, trust {state.trust}, stage {state.stage}, "
               f"concern revealed: {'yes' if state.concern_revealed else 'no'}")
    if drill.finished:
        st.info(f"Test drill over: {drill.outcome}.")
    else:
        with st.form("studio_test_form", clear_on_submit=True):
            reply = st.text_input("Your reply", key="studio_test_reply", max_chars=2000)
            if st.form_submit_button("Send") and reply.strip():
                try:
                    drill.rep_says(reply)
                except engine.DrillInputError as exc:
                    st.warning(safe(str(exc)))
                else:
                    st.rerun()
    if st.button("Reset the test drill", key="studio_test_reset"):
        st.session_state.pop("studio_test", None)
        st.rerun()


def history_panel(me: Member, row: AuthoredScenario) -> None:
    """Versions, a diff against the latest, restore; archive; the assignments on older versions."""
    versions = records.scenario_versions(me, row.scenario_id)
    with st.expander(f"History: {len(versions)} version{'s' if len(versions) != 1 else ''}"):
        for v in versions:
            note = f" · {safe(v.note)}" if v.note else ""
            when = f"{v.created_at:%d %b %Y %H:%M} UTC"
            st.markdown(f"**Version {v.version}** · {when} · {safe(v.author)}{note}")
        older = [v for v in versions if v.version != row.version]
        if not older:
            st.caption("Each save adds a version here; any of them can be restored.")
        else:
            if st.session_state.get("studio_hist_pick") not in [v.version for v in older]:
                st.session_state.pop("studio_hist_pick", None)  # a choice left from another scenario
            pick = st.selectbox("Compare with the latest", [v.version for v in older], key="studio_hist_pick",
                                format_func=lambda n: f"version {n}")
            old = next(v for v in older if v.version == pick)
            st.code(studio.diff(old.yaml_text, row.yaml_text, f"version {pick}", f"version {row.version}")
                    or "(the same text)", language="diff")
            st.button(f"Restore version {pick}", key="studio_restore", on_click=do_restore,
                      args=(row.scenario_id, pick),
                      help="Makes it the latest again, as a new version; nothing is deleted.")
    live = [a for a in records.open_assignments(me) if a.scenario_id == row.scenario_id]
    for a in live:
        cols = st.columns([3, 1])
        on = a.scenario_version or row.version
        cols[0].caption(f"Assignment to {safe(a.assignee)}, due {a.due:%a %d %b}: drills use version {on}"
                        + ("" if on == row.version else f" (latest is {row.version})"))
        if on != row.version:
            cols[1].button(f"Move to version {row.version}", key=f"studio_move_{a.id}", on_click=do_move,
                           args=(a.id,))
    if row.archived:
        st.button("Unarchive", key="studio_unarchive", on_click=do_archive, args=(row.scenario_id, False))
    else:
        st.button("Archive this scenario", key="studio_archive", on_click=do_archive,
                  args=(row.scenario_id, True),
                  help="Gone from the pickers for new drills and assignments; its versions, attempts and "
                       "titles stay, and it can be unarchived." + (
                      f" {len(live)} open assignment(s) still use it." if live else ""))


# --- the page -------------------------------------------------------------------------------------

page_header("Scenario studio", "Write a scenario in the form or as YAML; it's checked as you go.")
me = engine.member()
assert me is not None
ss = st.session_state

if "studio_yaml" not in ss:  # first visit this session: bring back unsaved work, else the template
    draft = records.studio_draft(me)
    if draft is not None and not studio.same_content(draft.yaml_text, draft.base_text):
        ss.studio_yaml = draft.yaml_text
        ss.studio_base = studio.Base(draft.base_text, draft.base_id, draft.base_version)
        ss.studio_loaded = ss.studio_source = f"edit:{draft.base_id}" if draft.base_id else studio.NEW
        ss.studio_kept = draft.yaml_text
        fill_form()
        flash("info", f"Restored your unsaved work from {draft.updated_at:%a %d %b %H:%M} UTC.")
    else:
        load(studio.NEW)

authored = {a.scenario_id: a for a in records.authored_scenarios(me)}
options = studio.sources(engine.bank(), authored.values())
if ss.studio_source not in options:
    options[ss.studio_source] = ss.studio_source
st.selectbox("Start from", list(options), key="studio_source", on_change=source_changed,  # a renamed
             format_func=kept_labels("studio_source", lambda v: options.get(v, v)))  # scenario keeps its pick

base: studio.Base = ss.studio_base
unsaved = base.unsaved(ss.studio_yaml)
if pending := ss.get("studio_pending"):
    st.warning(f"You have unsaved changes. Open “{safe(options.get(pending, pending))}” and discard them?",
               icon="⚠️")
    confirm = st.columns(2)
    confirm[0].button("Discard my changes and open it", key="studio_confirm_switch", on_click=load,
                      args=(pending,))
    confirm[1].button("Keep editing", key="studio_keep_editing",
                      on_click=lambda: ss.pop("studio_pending", None))
if base.note:
    st.info(base.note, icon="ℹ️")
if unsaved:
    marker = st.columns([4, 1])
    marker[0].warning("● Unsaved changes — kept as your draft, so leaving the page loses nothing; save "
                      "them to put them in the bank.", icon="📝")
    marker[1].button("Discard changes", key="studio_discard", on_click=discard_changes, width="stretch")

left, right = st.columns(2)
with left:
    form_column()
with right:
    st.markdown("**YAML** — edits refill the form")
    st.text_area("Scenario YAML", key="studio_yaml", height=620, label_visibility="collapsed",
                 max_chars=studio.MAX_YAML_CHARS,
                 on_change=fill_form)
    result = studio.check(ss.studio_yaml)
    show_check(result)

if unsaved and ss.get("studio_kept") != ss.studio_yaml:  # the guard: unsaved work lives in the store too
    try:
        records.keep_studio_draft(me, ss.studio_yaml, base_text=base.text, base_id=base.scenario_id,
                                  base_version=base.version)
        ss.studio_kept = ss.studio_yaml
    except Exception as exc:
        friendly_error("Your draft could not be kept", exc, "Save or export your work before leaving.")
elif not unsaved and ss.get("studio_kept") is not None:  # back to what was saved: no draft to restore
    records.discard_studio_draft(me)
    ss.studio_kept = None
if unsaved:
    with st.expander("What you changed (not saved yet)"):
        st.code(studio.diff(base.text, ss.studio_yaml, "saved" if base.scenario_id else "start", "yours"),
                language="diff")

if result.scenario is not None:
    scenario = result.scenario
    editing = base.scenario_id is not None and scenario.id == base.scenario_id
    if base.scenario_id is not None and not editing:
        st.caption(f"You changed the id: this saves a new scenario, and “{safe(base.scenario_id)}” stays as "
                   "it is.")
    label = f"Save as version {(base.version or 0) + 1}" if editing else "Save as a new scenario"
    cols = st.columns(2)
    cols[0].button(label, type="primary", key="studio_save", on_click=do_save, width="stretch")
    cols[1].download_button("Export YAML", ss.studio_yaml.encode("utf-8"), file_name=f"{scenario.id}.yaml",
                            mime="application/x-yaml", key="studio_export", width="stretch",
                            icon=":material/download:")
for kind, message in ss.pop("studio_flash", []):
    getattr(st, kind)(safe(message))
if free := ss.get("studio_taken"):
    st.button(f"Use the free id “{free}”", key="studio_use_free_id", on_click=use_free_id, args=(free,))
if result.scenario is not None:
    with st.expander("Test drill (nothing is saved)"):
        test_drill_panel(result.scenario)
if base.scenario_id in authored:
    history_panel(me, authored[base.scenario_id])
