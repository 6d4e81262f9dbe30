"""The bank the app shows: the shipped files with the studio's scenarios laid over them, and pinned versions.

Why it is its own module: merging the team's studio scenarios into the bank
and finding the version an assignment or attempt was made on are about what
reps can play, not about editing, and the CLI (``load_bank``) and the app's
engine need them without the studio's form. The rules (issue 15):

* ``bank_with_authored`` lays studio scenarios over the shipped files: a
  shipped id always wins (a studio scenario saved with one before the fix is
  hidden and reported, never shown in place of the file), archived ones stay
  for look-ups but are not offered. ``load_bank`` does the same for the CLI.
* ``pinned_scenario`` finds the version an assignment or an attempt was made
  on, so a live assignment keeps its version until the manager moves it; an
  attempt that kept the scenario it was played on (a warm-up tailored to the
  rep's notes, ``Store.played_scenario``) gets that one.

``studio`` re-exports these names.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .datafiles import DataFileError, Problem
from .models import Scenario
from .scenarios import STUDIO_SOURCE, ScenarioBank, parse_scenario

if TYPE_CHECKING:
    from .settings import Settings
    from .store import AuthoredScenario, Store, User

__all__ = ["bank_with_authored", "load_bank", "pinned_scenario"]

log = logging.getLogger("scrimmage.studio")


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
