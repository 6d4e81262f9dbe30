"""Small rendering helpers shared by the pages: safe text, the mode note, friendly errors.

Everything a person typed (a rep's reply, a manager's comment, a scenario
field) goes through ``safe`` before it reaches ``st.markdown``: Streamlit never
renders HTML unless asked, but Markdown, colour directives, emoji shortcodes
and LaTeX would still reshape the text, so every punctuation character that
Markdown treats specially is backslash-escaped. ``highlighted`` builds the
same safe Markdown with evidence quotes marked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from coach_engine.objections import objection_label as objection_words
from coach_engine.store.credentials import MIN_PASSWORD

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&])")

DIFFICULTY_BADGE: dict[str, str] = {"easy": "🟢 easy", "medium": "🟠 medium", "hard": "🔴 hard"}


def safe(text: str) -> str:
    """Markdown that shows ``text`` literally (line breaks kept)."""
    escaped = _MD_SPECIAL.sub(r"\\\1", text or "")
    return escaped.replace("\r\n", "\n").replace("\n", "  \n")


def highlighted(text: str, quotes: Iterable[str], colour: str = "orange") -> str:
    """Safe Markdown of ``text`` with every occurrence of each quote on a coloured background."""
    spans: list[tuple[int, int]] = []
    for quote in {q for q in quotes if q and q.strip()}:
        start = text.find(quote)
        while start != -1:
            spans.append((start, start + len(quote)))
            start = text.find(quote, start + len(quote))
    if not spans:
        return safe(text)
    spans.sort()
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    out: list[str] = []
    pos = 0
    for s, e in merged:
        out.append(safe(text[pos:s]))
        out.append(f":{colour}-background[{safe(text[s:e])}]")
        pos = e
    out.append(safe(text[pos:]))
    return "".join(out)


def kept_labels(widget_key: str, make: Callable[[Any], str]) -> Callable[[Any], str]:
    """A selectbox ``format_func`` whose label for each option stays as first shown in this session.

    The browser holds a pick as its label and sends the label back on the next run. When an option's label
    changes meanwhile (a title edited in the studio, by anyone), the old label matches no option and
    Streamlit falls back to the first one; inside a form, silently, so "Assign" assigned another drill. A
    label kept for the session keeps the pick; a reload shows the new wording.
    """

    def label(option: Any) -> str:
        if get_script_run_ctx() is None:  # outside a run (AppTest reading its widgets): the last label shown
            return _SHOWN.get((widget_key, option)) or make(option)
        labels: dict[Any, str] = st.session_state.setdefault(f"{widget_key}__labels", {})
        if option not in labels:
            labels[option] = make(option)
        _SHOWN[(widget_key, option)] = labels[option]
        return labels[option]

    return label


_SHOWN: dict[tuple[str, Any], str] = {}
"""The label each option was last shown with, for callers outside a script run (only AppTest reads a
widget's labels that way); never read during a run."""


def objection_label(objection: str) -> str:
    """The objection in words (``coach_engine/objections.yaml``: data, so a team can reword it)."""
    return objection_words(objection)


def friendly_error(what: str, exc: BaseException | None = None, todo: str = "Try again in a moment.") -> None:
    """One calm message instead of a traceback: what failed, why (short) and what to do."""
    detail = f" ({safe(str(exc).splitlines()[0][:200])})" if exc is not None and str(exc) else ""
    st.error(f"{what}{detail}. {todo}", icon="⚠️")


def empty_state(message: str, icon: str = "💡") -> None:
    st.info(message, icon=icon)


def page_header(title: str, subtitle: str = "") -> None:
    st.title(title)
    if subtitle:
        st.caption(subtitle)


def new_password_twice(key: str, again_label: str, again_key: str) -> tuple[str, str]:
    """A password form's "New password" box (saying the minimum length) and the box that repeats it; the
    caller compares the two."""
    password = st.text_input("New password", type="password", key=key,
                             help=f"At least {MIN_PASSWORD} characters.")
    again = st.text_input(again_label, type="password", key=again_key)
    return password, again
