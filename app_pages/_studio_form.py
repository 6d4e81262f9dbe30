"""Scenario studio: the form, and how it and the YAML stay one document.

The studio's YAML is the source of truth; the form is another way to edit
it. Every form widget stands for one field of the YAML (the tables below:
widget key -> section, field, label), so a form edit writes just that field
into the text (``studio.set_field``, the rest of the YAML kept) and a YAML edit
refills the form (``studio.form_values``). The tables also name a loader
message's field by its form label (``field_name``). These are widget
callbacks; what they cannot do they say with ``flash``, the studio's messages
shown after the rerun, which the page's own actions use too.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages._ui import objection_label
from coach_engine import studio
from coach_engine.errors import ScrimmageError
from coach_engine.models import DIFFICULTIES, OBJECTIONS, PERSONALITIES

# Form widget key -> (section, field) in the YAML, and its label.
TEXT_FIELDS = {"studio_f_id": (None, "id", "Id (lowercase-with-hyphens)"),
               "studio_f_title": (None, "title", "Title"),
               "studio_f_product_name": ("product", "name", "Product name"),
               "studio_f_product_summary": ("product", "summary", "Product summary"),
               "studio_f_buyer_name": ("buyer", "name", "Buyer name"),
               "studio_f_buyer_role": ("buyer", "role", "Buyer role"),
               "studio_f_buyer_company": ("buyer", "company", "Company"),
               "studio_f_next_step": ("buyer", "next_step", "Next step the buyer agrees to (optional)")}
AREA_FIELDS = {"studio_f_context": (None, "context", "Context (shown to the rep)"),
               "studio_f_opening": ("buyer", "opening", "Opening line (the objection)"),
               "studio_f_hidden": ("buyer", "hidden_concern", "Hidden concern (never shown to the rep)")}
LIST_FIELDS = {"studio_f_value_points": ("product", "value_points", "Value points (one per line)"),
               "studio_f_proof_points": ("product", "proof_points", "Proof points (one per line)"),
               "studio_f_concern_lines": ("buyer", "concern_lines",
                                          "How the buyer says it (optional, first person, one per line: "
                                          "hint, story, stake)"),
               "studio_f_resolution": ("buyer", "resolution", "Resolution: what must happen (one per line)")}
CHOICE_FIELDS = {"studio_f_objection": (None, "objection", "Objection", OBJECTIONS),
                 "studio_f_difficulty": (None, "difficulty", "Difficulty", DIFFICULTIES),
                 "studio_f_personality": ("buyer", "personality", "Personality", PERSONALITIES)}
FIELDS: dict[str, tuple[str | None, str, str]] = {
    **TEXT_FIELDS, **AREA_FIELDS, **LIST_FIELDS,
    **{k: (sec, name, label) for k, (sec, name, label, _) in CHOICE_FIELDS.items()},
    "studio_f_max_turns": (None, "max_turns", "Max rep turns"),
    "studio_f_tags": (None, "tags", "Tags (comma separated)"),
}
LABELS = {f"{sec}.{name}" if sec else name: label for sec, name, label in FIELDS.values()}


def flash(kind: str, message: str) -> None:
    """Say ``message`` (``st.<kind>``) where the page shows the studio's messages, after this run."""
    st.session_state.setdefault("studio_flash", []).append((kind, message))


def field_name(path: str) -> str:
    """``buyer.resolution[2]`` -> "`buyer.resolution[2]` (Resolution: what must happen …)"."""
    label = LABELS.get(path.split("[")[0])
    return f"`{path.replace('`', '') or '(file)'}`" + (f" ({label.split(' (')[0]})" if label else "")


# --- the form and the YAML, kept as one document (callbacks) --------------------------------------


def form_value(key: str) -> Any:
    raw = st.session_state.get(key)
    if key in LIST_FIELDS:
        return [line.strip() for line in str(raw or "").splitlines() if line.strip()]
    if key == "studio_f_tags":
        return [t.strip() for t in str(raw or "").split(",") if t.strip()]
    if key == "studio_f_max_turns":
        return int(raw or 8)
    return raw.strip() if isinstance(raw, str) else raw


def form_changed(key: str) -> None:
    """A form field changed: write that one field into the YAML (the rest of the YAML is kept)."""
    section, name, _ = FIELDS[key]
    try:
        st.session_state.studio_yaml = studio.set_field(st.session_state.studio_yaml, section, name,
                                                        form_value(key))
    except ScrimmageError as exc:
        flash("error", f"{exc}.")


def fill_form() -> None:
    """Copy what the YAML holds into the form (shapes the form can't show are left as they are)."""
    values = studio.form_values(st.session_state.get("studio_yaml", ""))
    if values is None:
        return
    ss = st.session_state
    for key, (section, name, _) in {**TEXT_FIELDS, **AREA_FIELDS}.items():
        value = values.get((section, name))
        ss[key] = "" if value is None else str(value).strip()
    for key, (section, name, _) in LIST_FIELDS.items():
        value = values.get((section, name)) or []
        ss[key] = "\n".join(str(v.get("text", v) if isinstance(v, dict) else v) for v in value) \
            if isinstance(value, list) else str(value)
    for key, (section, name, _, options) in CHOICE_FIELDS.items():
        if values.get((section, name)) in options:
            ss[key] = values[(section, name)]
    turns = values.get((None, "max_turns"), 8)
    ss.studio_f_max_turns = turns if isinstance(turns, int) and 1 <= turns <= 30 else 8
    tags = values.get((None, "tags")) or []
    ss.studio_f_tags = ", ".join(str(t) for t in tags) if isinstance(tags, list) else ""


# --- the form's widgets ----------------------------------------------------------------------------


def limit_help(section: str | None, name: str) -> str | None:
    limit = studio.char_limit(f"{section}.{name}" if section else name)
    per_line = " per line" if name in ("value_points", "proof_points", "concern_lines", "resolution") else ""
    return f"Up to {limit:,} characters{per_line}." if limit else None


def form_column() -> None:
    st.markdown("**Form** — every change goes straight into the YAML and is checked")

    def text(key: str, container: Any = st) -> None:
        section, name, label = FIELDS[key]
        container.text_input(label, key=key, on_change=form_changed, args=(key,),
                             help=limit_help(section, name))

    def area(key: str, height: int) -> None:
        section, name, label = FIELDS[key]
        st.text_area(label, key=key, height=height, on_change=form_changed, args=(key,),
                     help=limit_help(section, name))

    def choice(key: str, container: Any, fmt: Any = str) -> None:
        _, _, label, options = CHOICE_FIELDS[key]
        container.selectbox(label, options, key=key, on_change=form_changed, args=(key,), format_func=fmt)

    text("studio_f_id")
    text("studio_f_title")
    c = st.columns(2)
    choice("studio_f_objection", c[0], objection_label)
    choice("studio_f_difficulty", c[1])
    area("studio_f_context", 90)
    text("studio_f_product_name")
    text("studio_f_product_summary")
    area("studio_f_value_points", 90)
    area("studio_f_proof_points", 70)
    c = st.columns(2)
    text("studio_f_buyer_name", c[0])
    text("studio_f_buyer_role", c[1])
    c = st.columns(2)
    text("studio_f_buyer_company", c[0])
    choice("studio_f_personality", c[1])
    area("studio_f_opening", 70)
    area("studio_f_hidden", 70)
    area("studio_f_concern_lines", 90)
    area("studio_f_resolution", 90)
    text("studio_f_next_step")
    c = st.columns(2)
    c[0].number_input("Max rep turns", 1, 30, key="studio_f_max_turns", on_change=form_changed,
                      args=("studio_f_max_turns",))
    text("studio_f_tags", c[1])

