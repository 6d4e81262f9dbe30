"""The scenario studio's decisions: what a save may do, where the text starts from, form and YAML as one.

Issue 15 found the studio able to wreck live content: a new scenario with a
bank id replaced the team's CFO drill, the blank template saved as it was, a
20,000-character title saved, and nothing had a history. The page
(``app_pages/studio.py``) only renders; everything it decides is here, so the
CLI and tests get the same answers. This module is the studio's one name for
the page: it re-exports the checks (``studio_check``) and the merged bank
(``studio_bank``), and holds the decisions about one text being edited:

* ``check`` (``studio_check``) loads the text with the bank's own loader and
  lists the fields still holding the template's placeholder text, which a
  save refuses.
* ``save`` makes a new scenario or the next version of the one being edited,
  never an overwrite: a taken id — a shipped file's or a studio scenario's —
  is refused with a free one (``store.authored``).
* ``sources`` / ``start_from`` say what the text can start from (a new
  scenario, a studio one to edit, a copy of a shipped one under a free id).
* ``bank_with_authored``, ``load_bank`` and ``pinned_scenario``
  (``studio_bank``): the shipped files with studio scenarios laid over them (a
  shipped id always wins), and the version an assignment or attempt was made on.
* ``set_field`` / ``form_values`` keep the form and the YAML one document:
  a form edit changes only its own field in the YAML (fields the form does not
  show, such as ``rubric`` or ``facts``, are kept).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

from .datafiles import DataFileError, parse_yaml_mapping
from .errors import ScrimmageError
from .models import Scenario
from .scenarios import ScenarioBank
from .store.authored import MAX_YAML_CHARS, suggest_free_id
from .studio_bank import bank_with_authored, load_bank, pinned_scenario
from .studio_check import (
    TEMPLATE,
    Check,
    aside_warning,
    char_limit,
    check,
    comment_cuts,
    concern_told,
    item_readings,
    opening_warning,
    pronoun_warning,
    proof_warning,
)

if TYPE_CHECKING:
    from .store import AuthoredScenario, Store, User

__all__ = [
    "MAX_YAML_CHARS",
    "NEW",
    "TEMPLATE",
    "Base",
    "Check",
    "Saved",
    "StudioError",
    "TemplateUnchanged",
    "aside_warning",
    "bank_with_authored",
    "char_limit",
    "check",
    "comment_cuts",
    "concern_told",
    "diff",
    "dump",
    "form_values",
    "item_readings",
    "load_bank",
    "opening_warning",
    "pinned_scenario",
    "pronoun_warning",
    "proof_warning",
    "same_content",
    "save",
    "scenario_yaml",
    "set_field",
    "sources",
    "start_from",
    "suggest_free_id",
    "with_id",
]

ORDER = (
    "id", "title", "objection", "difficulty", "rubric", "context", "product", "buyer", "max_turns", "tags"
)
SECTION_ORDER = {
    "product": ("name", "summary", "value_points", "proof_points"),
    "buyer": ("name", "role", "company", "personality", "opening", "hidden_concern", "concern_lines",
              "resolution", "next_step", "facts"),
}
OPTIONAL_EMPTY = {("buyer", "next_step"), ("buyer", "concern_lines"), ("product", "proof_points")}
"""Optional fields a form leaves empty are left out of the YAML, not written as blanks."""


class StudioError(ScrimmageError):
    """A studio action was refused; the message says why and what to do."""


class TemplateUnchanged(StudioError):
    """A save of text that still holds the blank template's placeholders."""

    def __init__(self, fields: list[str]):
        self.fields = fields
        super().__init__(
            "this is still the blank template — write your own "
            + ", ".join(f"`{f}`" for f in fields)
            + " before saving (those fields still hold the template's placeholder text)"
        )


# --- the form and the YAML are one document -------------------------------------------


class _Dumper(yaml.SafeDumper):
    """YAML the way a person writes it: list items indented under their key, multi-line text as a block."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" not in value.rstrip("\n"):  # one line (a folded ``>`` block ends in a newline the loader strips)
        return dumper.represent_scalar("tag:yaml.org,2002:str", value.rstrip("\n"))
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")


_Dumper.add_representer(str, _str)


def dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def scenario_yaml(scenario: Scenario) -> str:
    """A scenario as studio YAML (empty optional fields left out)."""
    data = scenario.model_dump(mode="json", exclude_none=True)
    for section, name in OPTIONAL_EMPTY:
        if not data[section].get(name):
            data[section].pop(name, None)
    if not data["buyer"].get("facts"):
        data["buyer"].pop("facts", None)
    return dump(data)


def _ordered(data: dict[str, Any]) -> dict[str, Any]:
    out = {k: data[k] for k in ORDER if k in data}
    out.update({k: v for k, v in data.items() if k not in out})
    for section, keys in SECTION_ORDER.items():
        part = out.get(section)
        if isinstance(part, dict):
            ordered = {k: part[k] for k in keys if k in part}
            ordered.update({k: v for k, v in part.items() if k not in ordered})
            out[section] = ordered
    return out


def set_field(yaml_text: str, section: str | None, name: str, value: Any) -> str:
    """The YAML with one field set (an empty optional field removed); every other field is kept.

    Raises ``StudioError`` when the YAML does not parse: a form edit never overwrites text it can't read.
    """
    try:
        data = parse_yaml_mapping(yaml_text, "studio")
    except DataFileError as exc:
        raise StudioError(
            f"the YAML has a problem ({exc.problems[0]}); fix it before editing in the form"
        ) from None
    holder: dict[str, Any] = data
    if section:
        if not isinstance(data.get(section), dict):
            data[section] = {}
        holder = data[section]
    if (section, name) in OPTIONAL_EMPTY and value in ("", [], None):
        holder.pop(name, None)
    else:
        holder[name] = _keep_specs(holder.get(name), value)
    return dump(_ordered(data))


def _keep_specs(old: Any, new: Any) -> Any:
    """Lines from the form keep the ``{text, kind}`` item they came from (the form shows only the text)."""
    if not (isinstance(old, list) and isinstance(new, list)):
        return new
    specs = {i["text"]: i for i in old if isinstance(i, dict) and isinstance(i.get("text"), str)}
    return [specs.get(line, line) if isinstance(line, str) else line for line in new]


def form_values(yaml_text: str) -> dict[tuple[str | None, str], Any] | None:
    """(section, field) -> value for every top-level and product/buyer field; None if it doesn't parse."""
    try:
        data = parse_yaml_mapping(yaml_text, "studio")
    except DataFileError:
        return None
    out: dict[tuple[str | None, str], Any] = {(None, k): v for k, v in data.items() if k not in SECTION_ORDER}
    for section in SECTION_ORDER:
        part = data.get(section)
        if isinstance(part, dict):
            out.update({(section, k): v for k, v in part.items()})
    return out


def with_id(yaml_text: str, new_id: str) -> str:
    """The text with its top-level ``id`` line set to ``new_id`` (nothing else touched)."""
    line = f"id: {new_id}"
    changed, n = re.subn(r"(?m)^id:[^\n]*$", line, yaml_text, count=1)
    return changed if n else f"{line}\n{yaml_text}"


def same_content(a: str, b: str) -> bool:
    """Whether two texts say the same thing (layout aside): what "unsaved changes" compares."""
    if a.strip() == b.strip():
        return True
    try:
        return bool(yaml.safe_load(a) == yaml.safe_load(b))
    except yaml.YAMLError:
        return False


def diff(old: str, new: str, old_label: str, new_label: str) -> str:
    """A unified diff of two YAML texts ("" when they are the same)."""
    def lines(text: str) -> list[str]:
        return (text if text.endswith("\n") else text + "\n").splitlines(keepends=True)

    return "".join(difflib.unified_diff(lines(old), lines(new), fromfile=old_label, tofile=new_label))


# --- where the text starts from -------------------------------------------------------------------

NEW = "new"


@dataclass(frozen=True)
class Base:
    """What the studio's text started from; "unsaved changes" means a difference from ``text``."""

    text: str
    scenario_id: str | None = None
    """The studio scenario being edited (a save adds a version to it), or None for a new scenario."""
    version: int | None = None
    note: str = ""
    """What the author should know about it (a copy of a shipped scenario, an archived one, …)."""

    def unsaved(self, text: str) -> bool:
        return not same_content(text, self.text)


def sources(bank: ScenarioBank, authored: Iterable[AuthoredScenario]) -> dict[str, str]:
    """What the studio can start from: value -> label. ``edit:<id>`` a studio scenario (a save adds a
    version), ``copy:<id>`` a shipped one (the studio never changes those: a save makes a new scenario)."""
    out = {NEW: "A new scenario (blank template)"}
    for row in authored:
        title = _title(row, bank)
        if bank.is_shipped(row.scenario_id):
            out[f"edit:{row.scenario_id}"] = f"Hidden — its id clashes with a shipped scenario: {title}"
        else:
            kind = "Archived" if row.archived else "Edit"
            out[f"edit:{row.scenario_id}"] = f"{kind}: {title} (version {row.version})"
    for sid in sorted(bank.shipped()):
        out[f"copy:{sid}"] = f"Copy a shipped scenario: {bank.get(sid).title}"
    return out


def _title(row: AuthoredScenario, bank: ScenarioBank) -> str:
    if row.scenario_id in bank and not bank.is_shipped(row.scenario_id):
        return bank.get(row.scenario_id).title
    data = form_values(row.yaml_text) or {}
    return str(data.get((None, "title")) or row.scenario_id)


def start_from(choice: str, bank: ScenarioBank, authored: Iterable[AuthoredScenario]) -> Base:
    """The text and base for a ``sources`` value (an unknown one starts a new scenario)."""
    kind, _, sid = choice.partition(":")
    rows = {r.scenario_id: r for r in authored}
    if kind == "edit" and sid in rows:
        row = rows[sid]
        note = ""
        if bank.is_shipped(sid):
            note = (f"“{sid}” has the id of a shipped scenario, so the bank shows the shipped one and "
                    "hides this. Give it a new id and save it as a new scenario.")
        elif row.archived:
            note = "This scenario is archived: reps can't start it and it can't be assigned until unarchived."
        return Base(row.yaml_text, sid, row.version, note)
    if kind == "copy" and sid in bank:
        taken = set(bank.scenarios) | set(rows)
        text = with_id(scenario_yaml(bank.get(sid)), suggest_free_id(sid, taken))
        note = ("Shipped scenarios are never changed by the studio: this copy has its own id and saves as a "
                "new scenario.")
        return Base(text, None, None, note)
    return Base(TEMPLATE)


# --- saving ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Saved:
    scenario: AuthoredScenario
    created: bool
    """A new scenario (version 1) rather than a new version of the one edited."""
    changed: bool = True
    """False when the text said what the latest version already says (nothing was added)."""

    def describe(self) -> str:
        if self.created:
            return f"Saved “{self.scenario.scenario_id}” as a new scenario. It is in the bank for your team."
        if not self.changed:
            return f"Nothing to save: this is what version {self.scenario.version} already says."
        return f"Saved as version {self.scenario.version} of “{self.scenario.scenario_id}”."


def save(
    store: Store,
    actor: User,
    bank: ScenarioBank,
    yaml_text: str,
    *,
    base_id: str | None = None,
    base_version: int | None = None,
) -> Saved:
    """Save studio text: the next version of ``base_id`` when it keeps that id, else a new scenario.

    Refused (``StudioError``) while the text does not load or still holds template placeholders; a new
    scenario with a taken id is refused by the store with a free id (``ScenarioIdTaken``); a version
    saved over a newer one is refused (``VersionConflict``). Nothing is ever overwritten.
    """
    result = check(yaml_text)
    if result.scenario is None:
        raise StudioError(f"the scenario doesn't load yet ({result.problems[0]}); fix it and save again")
    if result.placeholders:
        raise TemplateUnchanged(result.placeholders)
    scenario = result.scenario
    if base_id is not None and scenario.id == base_id:
        saved, changed = store.authored.save_version(actor, scenario, yaml_text, base_version=base_version)
        return Saved(saved, created=False, changed=changed)
    shipped = {i: f"“{bank.get(i).title}”" for i in bank.shipped()}
    return Saved(store.authored.create(actor, scenario, yaml_text, reserved=shipped), created=True)
