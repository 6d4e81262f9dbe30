"""Scenario studio (managers): write a scenario in a form or as YAML, validated live, tested, saved.

The YAML is the source of truth — it is what gets saved and exported, and it
is validated on every change by the same loader the bank uses, so the studio
shows exactly the messages ``scrimmage scenarios validate`` would print. The
form is a convenience that writes into the YAML (and can be filled from it).
"""

from __future__ import annotations

from typing import Any

import streamlit as st
import yaml

from app_pages import _engine as engine
from app_pages import _records as records
from app_pages._ui import friendly_error, page_header, safe
from coach_engine.datafiles import DataFileError, Problem
from coach_engine.models import DIFFICULTIES, OBJECTIONS, PERSONALITIES, Scenario
from coach_engine.scenarios import parse_scenario

TEMPLATE = """\
id: my-new-scenario
title: Short title the rep sees
objection: price
difficulty: medium
context: >
  What the rep knows before the call.
product:
  name: Product name
  summary: One line on what it does
  value_points:
    - A benefit with a number
  proof_points:
    - A customer result
buyer:
  name: Buyer Name
  role: Job title
  company: Company (size)
  personality: analytical
  opening: The first thing the buyer says — the objection.
  hidden_concern: >
    The real reason, revealed only when the rep explores.
  resolution:
    - What the rep must do before this buyer agrees
  next_step: What the buyer agrees to
max_turns: 8
tags: []
"""

LIST_FIELDS = {"studio_f_value_points": ("product", "value_points"),
               "studio_f_proof_points": ("product", "proof_points"),
               "studio_f_resolution": ("buyer", "resolution"),
               "studio_f_concern_lines": ("buyer", "concern_lines")}
TEXT_FIELDS = {"studio_f_id": (None, "id"), "studio_f_title": (None, "title"),
               "studio_f_context": (None, "context"), "studio_f_product_name": ("product", "name"),
               "studio_f_product_summary": ("product", "summary"), "studio_f_buyer_name": ("buyer", "name"),
               "studio_f_buyer_role": ("buyer", "role"), "studio_f_buyer_company": ("buyer", "company"),
               "studio_f_opening": ("buyer", "opening"), "studio_f_hidden": ("buyer", "hidden_concern"),
               "studio_f_next_step": ("buyer", "next_step")}
CHOICE_FIELDS = {"studio_f_objection": (None, "objection", OBJECTIONS),
                 "studio_f_difficulty": (None, "difficulty", DIFFICULTIES),
                 "studio_f_personality": ("buyer", "personality", PERSONALITIES)}


def validate_scenario(yaml_text: str) -> tuple[Scenario | None, list[Problem]]:
    """(scenario, []) when the YAML loads, else (None, the bank loader's problems: file, field, message)."""
    try:
        return parse_scenario(yaml_text, "studio"), []
    except DataFileError as exc:
        return None, list(exc.problems)


def scenario_yaml(scenario: Scenario) -> str:
    return yaml.safe_dump(scenario.model_dump(mode="json"), sort_keys=False, allow_unicode=True, width=100)


def _get(data: dict[str, Any], section: str | None, name: str) -> Any:
    holder = data.get(section, {}) if section else data
    return holder.get(name) if isinstance(holder, dict) else None


def fill_form_from_yaml() -> None:
    """Callback: copy whatever the YAML holds into the form widgets (unknown shapes are skipped)."""
    try:
        data = yaml.safe_load(st.session_state.get("studio_yaml", "")) or {}
    except yaml.YAMLError:
        st.session_state.studio_flash = "The YAML has a syntax error; fix it before filling the form."
        return
    if not isinstance(data, dict):
        return
    for key, (section, name) in TEXT_FIELDS.items():
        value = _get(data, section, name)
        st.session_state[key] = "" if value is None else str(value).strip()
    for key, (section, name) in LIST_FIELDS.items():
        value = _get(data, section, name) or []
        st.session_state[key] = "\n".join(str(v) for v in value) if isinstance(value, list) else str(value)
    for key, (section, name, options) in CHOICE_FIELDS.items():
        value = _get(data, section, name)
        if value in options:
            st.session_state[key] = value
    turns = data.get("max_turns", 8)
    st.session_state.studio_f_max_turns = int(turns) if isinstance(turns, int) and 1 <= turns <= 30 else 8
    tags = data.get("tags") or []
    st.session_state.studio_f_tags = ", ".join(str(t) for t in tags) if isinstance(tags, list) else ""


def write_yaml_from_form() -> None:
    """Callback: build the scenario mapping from the form and write it as YAML."""
    ss = st.session_state
    data: dict[str, Any] = {"product": {}, "buyer": {}}
    order = ["id", "title", "objection", "difficulty", "context", "product", "buyer", "max_turns", "tags"]
    for key, (section, name) in TEXT_FIELDS.items():
        value = str(ss.get(key, "")).strip()
        if name == "next_step" and not value:
            continue
        (data[section] if section else data)[name] = value
    for key, (section, name, _options) in CHOICE_FIELDS.items():
        (data[section] if section else data)[name] = ss.get(key)
    for key, (section, name) in LIST_FIELDS.items():
        data[section][name] = [line.strip() for line in str(ss.get(key, "")).splitlines() if line.strip()]
    data["max_turns"] = int(ss.get("studio_f_max_turns", 8))
    data["tags"] = [t.strip() for t in str(ss.get("studio_f_tags", "")).split(",") if t.strip()]
    product_order = ["name", "summary", "value_points", "proof_points"]
    buyer_order = ["name", "role", "company", "personality", "opening", "hidden_concern", "concern_lines",
                   "resolution", "next_step"]
    if not data["buyer"].get("concern_lines"):
        data["buyer"].pop("concern_lines", None)  # optional: left out when the author wrote none
    data["product"] = {k: data["product"][k] for k in product_order if k in data["product"]}
    data["buyer"] = {k: data["buyer"][k] for k in buyer_order if k in data["buyer"]}
    ss.studio_yaml = yaml.safe_dump({k: data[k] for k in order}, sort_keys=False, allow_unicode=True,
                                    width=100)


def load_source() -> None:
    """Callback: start from the template or an existing scenario."""
    choice = st.session_state.get("studio_source", "__new__")
    if choice == "__new__":
        st.session_state.studio_yaml = TEMPLATE
    else:
        st.session_state.studio_yaml = scenario_yaml(engine.bank().get(choice))
    st.session_state.pop("studio_test", None)
    fill_form_from_yaml()


def form_column() -> None:
    st.markdown("**Form**")
    st.text_input("Id (lowercase-with-hyphens)", key="studio_f_id")
    st.text_input("Title", key="studio_f_title")
    c = st.columns(2)
    c[0].selectbox("Objection", OBJECTIONS, key="studio_f_objection")
    c[1].selectbox("Difficulty", DIFFICULTIES, key="studio_f_difficulty")
    st.text_area("Context (shown to the rep)", key="studio_f_context", height=90)
    st.text_input("Product name", key="studio_f_product_name")
    st.text_input("Product summary", key="studio_f_product_summary")
    st.text_area("Value points (one per line)", key="studio_f_value_points", height=90)
    st.text_area("Proof points (one per line)", key="studio_f_proof_points", height=70)
    c = st.columns(2)
    c[0].text_input("Buyer name", key="studio_f_buyer_name")
    c[1].text_input("Buyer role", key="studio_f_buyer_role")
    c = st.columns(2)
    c[0].text_input("Company", key="studio_f_buyer_company")
    c[1].selectbox("Personality", PERSONALITIES, key="studio_f_personality")
    st.text_area("Opening line (the objection)", key="studio_f_opening", height=70)
    st.text_area("Hidden concern (never shown to the rep)", key="studio_f_hidden", height=70)
    st.text_area("How the buyer says it (optional, first person, one per line: hint, story, stake)",
                 key="studio_f_concern_lines", height=90)
    st.text_area("Resolution: what must happen (one per line)", key="studio_f_resolution", height=90)
    st.text_input("Next step the buyer agrees to (optional)", key="studio_f_next_step")
    c = st.columns(2)
    c[0].number_input("Max rep turns", 1, 30, key="studio_f_max_turns")
    c[1].text_input("Tags (comma separated)", key="studio_f_tags")
    st.button("Write the form into the YAML →", key="studio_to_yaml", on_click=write_yaml_from_form,
              width="stretch")


def test_drill_panel(scenario: Any) -> None:
    """A throwaway drill against the scenario as written (nothing is saved)."""
    drill = st.session_state.get("studio_test")
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
            text = st.text_input("Your reply", key="studio_test_reply", max_chars=2000)
            if st.form_submit_button("Send") and text.strip():
                try:
                    drill.rep_says(text)
                except engine.DrillInputError as exc:
                    st.warning(safe(str(exc)))
                else:
                    st.rerun()
    if st.button("Reset the test drill", key="studio_test_reset"):
        st.session_state.pop("studio_test", None)
        st.rerun()


page_header("Scenario studio", "Write a scenario in the form or as YAML; it's checked as you go.")
me = engine.member()
assert me is not None
bank = engine.bank()

if "studio_yaml" not in st.session_state:
    st.session_state.studio_yaml = TEMPLATE
    fill_form_from_yaml()
if flash := st.session_state.pop("studio_flash", None):
    st.warning(flash)

st.selectbox("Start from", ["__new__", *bank.ids()], key="studio_source", on_change=load_source,
             format_func=lambda i: "A blank template" if i == "__new__" else f"Edit: {bank.get(i).title}")

left, right = st.columns(2)
with left:
    form_column()
with right:
    st.markdown("**YAML**")
    st.button("← Fill the form from the YAML", key="studio_to_form", on_click=fill_form_from_yaml,
              width="stretch")
    text = st.text_area("Scenario YAML", key="studio_yaml", height=620, label_visibility="collapsed")
    scenario, problems = validate_scenario(text)
    if problems:
        lines = [f"- `{p.field.replace('`', '') or '(file)'}`: {safe(p.message)}" for p in problems]
        st.error("**This scenario doesn't load yet:**\n\n" + "\n".join(lines), icon="🛑")
    else:
        assert scenario is not None
        st.success(f"Valid: “{safe(scenario.title)}” ({scenario.objection}, {scenario.difficulty})",
                   icon="✅")

if scenario is not None:
    if scenario.id in bank and not bank.sources.get(scenario.id, "").startswith("studio:"):
        st.caption(f"ℹ️ “{scenario.id}” is a bank file; saving keeps your version in the team's bank instead.")
    cols = st.columns(2)
    if cols[0].button("Save to the bank", type="primary", key="studio_save", width="stretch"):
        try:
            records.save_scenario(me, scenario, text)
        except Exception as exc:
            friendly_error("The scenario was not saved", exc, "Fix the problem above and save again.")
        else:
            st.success(f"Saved. “{safe(scenario.title)}” is now in the bank for your team to practise.")
    cols[1].download_button("Export YAML", text.encode("utf-8"), file_name=f"{scenario.id}.yaml",
                            mime="application/x-yaml", key="studio_export", width="stretch",
                            icon=":material/download:")
    with st.expander("Test drill (nothing is saved)"):
        test_drill_panel(scenario)
