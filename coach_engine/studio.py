"""The scenario studio's decisions: checks as you type, what a save may do, versions, the merged bank.

Issue 15 found the studio able to wreck live content: a new scenario with a
bank id replaced the team's CFO drill, the blank template saved as it was, a
20,000-character title saved, and nothing had a history. The page
(``app_pages/studio.py``) only renders; everything it decides is here, so the
CLI and tests get the same answers:

* ``check`` runs the bank's own loader on the text (so its messages are the
  ones ``scrimmage scenarios validate`` prints, length limits included: they
  live in ``models``) and lists the fields still holding the template's
  placeholder text, which a save refuses.
* ``save`` makes a new scenario or the next version of the one being edited,
  never an overwrite: a taken id — a shipped file's or a studio scenario's —
  is refused with a free one (``store.authored``).
* ``bank_with_authored`` lays studio scenarios over the shipped files: a
  shipped id always wins (a studio scenario saved with one before this fix is
  hidden and reported, never shown in place of the file), archived ones stay
  for look-ups but are not offered. ``load_bank`` does the same for the CLI.
* ``pinned_scenario`` finds the version an assignment or an attempt was made
  on, so a live assignment keeps its version until the manager moves it; an
  attempt that kept the scenario it was played on (a warm-up tailored to the
  rep's notes, ``Store.played_scenario``) gets that one.
* ``set_field`` / ``form_values`` keep the form and the YAML one document:
  a form edit changes only its own field in the YAML (fields the form does not
  show, such as ``rubric`` or ``facts``, are kept).
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

import yaml
from pydantic import BaseModel, StringConstraints

from .datafiles import DataFileError, Problem, parse_yaml_mapping
from .errors import ScrimmageError
from .models import Scenario
from .scenarios import STUDIO_SOURCE, ScenarioBank, parse_scenario
from .store.authored import MAX_YAML_CHARS, suggest_free_id

if TYPE_CHECKING:
    from .buyer.items import ItemReading
    from .embeddings import Embedder
    from .settings import Settings
    from .store import AuthoredScenario, Store, User

__all__ = [
    "NEW",
    "TEMPLATE",
    "Base",
    "Check",
    "Saved",
    "StudioError",
    "TemplateUnchanged",
    "bank_with_authored",
    "char_limit",
    "check",
    "diff",
    "form_values",
    "item_readings",
    "load_bank",
    "pinned_scenario",
    "same_content",
    "save",
    "set_field",
    "sources",
    "start_from",
    "suggest_free_id",
    "with_id",
]

log = logging.getLogger("scrimmage.studio")

TEMPLATE = """\
id: my-new-scenario
title: Short title the rep sees
objection: price
difficulty: medium
context: What the rep knows before the call.
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
  hidden_concern: The real reason, revealed only when the rep explores.
  resolution:
    - What the rep must do before this buyer agrees
  next_step: What the buyer agrees to
max_turns: 8
tags: []
"""

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


# --- checking -----------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """What the text is now: the scenario (None if it does not load), the problems, the placeholders."""

    scenario: Scenario | None
    problems: list[Problem] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)
    """Fields whose text is still the template's, e.g. ``title`` or ``buyer.opening``."""

    @property
    def saveable(self) -> bool:
        return self.scenario is not None and not self.placeholders


def _template() -> Scenario:
    return parse_scenario(TEMPLATE, "template")


def placeholder_fields(scenario: Scenario) -> list[str]:
    """The fields of ``scenario`` that still hold the blank template's placeholder text."""
    t = _template()
    out = ["id"] if scenario.id == t.id else []
    for path, ours, theirs in (
        ("title", scenario.title, t.title),
        ("context", scenario.context, t.context),
        ("product.name", scenario.product.name, t.product.name),
        ("product.summary", scenario.product.summary, t.product.summary),
        ("buyer.name", scenario.buyer.name, t.buyer.name),
        ("buyer.role", scenario.buyer.role, t.buyer.role),
        ("buyer.company", scenario.buyer.company, t.buyer.company),
        ("buyer.opening", scenario.buyer.opening, t.buyer.opening),
        ("buyer.hidden_concern", scenario.buyer.hidden_concern, t.buyer.hidden_concern),
        ("buyer.next_step", scenario.buyer.next_step, t.buyer.next_step),
    ):
        if ours == theirs:
            out.append(path)
    for path, items, template_items in (
        ("product.value_points", scenario.product.value_points, t.product.value_points),
        ("product.proof_points", scenario.product.proof_points, t.product.proof_points),
        ("buyer.resolution", scenario.buyer.resolution_texts, t.buyer.resolution_texts),
    ):
        if set(items) & set(template_items):
            out.append(path)
    return out


def check(yaml_text: str) -> Check:
    """Validate the text with the bank's loader (source ``studio``) and find template placeholders."""
    if len(yaml_text) > MAX_YAML_CHARS:
        return Check(None, [Problem("studio", "", f"the scenario is {len(yaml_text):,} characters; the limit "
                                                  f"is {MAX_YAML_CHARS:,}. Shorten the longest fields")])
    try:
        scenario = parse_scenario(yaml_text, "studio")
    except DataFileError as exc:
        return Check(None, list(exc.problems))
    return Check(scenario, [], placeholder_fields(scenario))


def item_readings(scenario: Scenario, embedder: Embedder | None) -> list[ItemReading]:
    """How the buyer will read each resolution item (issue 13: authors see it, nothing is filed silently).

    The same reading the drill uses (``buyer.items``); an unsure one tells the author to set ``kind:``.
    """
    from .buyer.items import scenario_items

    return scenario_items(scenario, embedder)


def char_limit(path: str) -> int | None:
    """The longest text ``path`` (``title``, ``buyer.opening``, ``product.value_points``: per item) takes."""
    model: Any = Scenario
    parts = path.split(".")
    for i, part in enumerate(parts):
        fields = model.model_fields if isinstance(model, type) and issubclass(model, BaseModel) else {}
        info = fields.get(part)
        if info is None:
            return None
        if i < len(parts) - 1:
            model = info.annotation
            continue
        return _max_chars([*info.metadata, info.annotation])
    return None


def _max_chars(things: Iterable[Any]) -> int | None:
    for thing in things:
        if isinstance(thing, StringConstraints) and thing.max_length:
            return int(thing.max_length)
        if isinstance(thing, type) and issubclass(thing, BaseModel):
            continue
        found = _max_chars(get_args(thing))
        if found:
            return found
    return None


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


# --- the bank: shipped files plus studio scenarios ---------------------------------------------


def bank_with_authored(base: ScenarioBank, authored: Iterable[AuthoredScenario]) -> ScenarioBank:
    """``base`` (the files) plus the studio scenarios; a shipped id is never replaced."""
    merged = ScenarioBank(
        scenarios=dict(base.scenarios),
        sources=dict(base.sources),
        problems=list(base.problems),
        archived=set(base.archived),
    )
    for row in authored:
        source = f"{STUDIO_SOURCE}{row.scenario_id}"
        if base.is_shipped(row.scenario_id):
            merged.problems.append(
                Problem(
                    source,
                    "id",
                    f"has the id of the shipped scenario in {base.sources[row.scenario_id]}, which wins; "
                    "open it in the studio and save it under a new id",
                )
            )
            continue
        try:
            scenario = parse_scenario(row.yaml_text, source)
        except DataFileError as exc:
            merged.problems.extend(exc.problems)
            continue
        merged.add(scenario, source=source, replace=True, archived=row.archived)
    return merged


def load_bank(settings: Settings, store: Store | None = None) -> ScenarioBank:
    """The bank the app shows: the folders plus the studio scenarios in the team's database.

    Without a ``store`` one is opened only if the database exists (the CLI on a fresh machine gets
    the folders, and creates no database); an unreadable database leaves the folders' bank.
    """
    base = ScenarioBank.from_dirs(settings.scenario_dirs)
    opened = None
    if store is None:
        url = settings.effective_database_url
        if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
            return base
        from .store import Store as StoreClass

        try:
            store = opened = StoreClass.from_settings(settings)
        except Exception:
            log.exception("the team database could not be opened; studio scenarios left out")
            return base
    try:
        from .store import SYSTEM

        return bank_with_authored(base, store.authored.scenarios(SYSTEM))
    except Exception:
        log.exception("studio scenarios could not be read; the bank has the shipped ones only")
        return base
    finally:
        if opened is not None:
            opened.close()


def pinned_scenario(
    bank: ScenarioBank,
    store: Store,
    actor: User,
    scenario_id: str,
    *,
    version: int | None = None,
    content_hash: str | None = None,
) -> Scenario:
    """The scenario as an assignment (``version``) or an attempt (``content_hash``) knows it.

    An attempt that kept the scenario it was played on (a warm-up tailored to the rep's notes, which no
    bank or studio version holds) gets that scenario, found by its hash. Otherwise a shipped scenario has
    one text (the studio never changes it), so it is always the bank's; so is a studio scenario asked for
    without a version, or whose version can no longer be read.
    """
    current = bank.get(scenario_id)
    if version is None and content_hash is not None and current.content_hash() != content_hash:
        played = store.played_scenario(actor, scenario_id, content_hash)
        if played is not None:
            return played
    if bank.is_shipped(scenario_id) or (version is None and content_hash is None):
        return current
    if version is None and current.content_hash() == content_hash:
        return current
    from .store import NotFound

    try:
        found = store.authored.version(actor, scenario_id, version, content_hash=content_hash)
    except NotFound:
        return current
    try:
        return parse_scenario(found.yaml_text, f"{STUDIO_SOURCE}{scenario_id}@{found.version}")
    except DataFileError:  # an old version the rules have since outgrown: the current one still runs
        log.warning("version %s of %s no longer loads; using the latest", found.version, scenario_id)
        return current
