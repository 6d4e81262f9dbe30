"""The scenario bank: load, validate, list and look up scenarios.

Scenarios are YAML files written by managers (format in DESIGN.md). Loading a
folder collects *every* problem across every file (not just the first) so
`scrimmage scenarios validate` can print them all at once, and ids must be
unique across the bank: a duplicate names both files. Scenarios saved in the
app's studio join the bank on top of the files (``studio.bank_with_authored``);
an archived one stays in the bank, so old attempts keep their title, but is no
longer offered (``ids``, ``list``).
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .datafiles import DataFileError, Problem, load_model_file, load_model_text
from .models import Scenario

__all__ = [
    "ScenarioBank",
    "load_scenario",
    "load_scenarios",
    "parse_scenario",
    "resolve_scenario",
    "scenario_files",
]

YAML_SUFFIXES = (".yaml", ".yml")
STUDIO_SOURCE = "studio:"
"""How a scenario saved in the app's studio names its source (``studio:<id>``)."""


def load_scenario(path: str | Path) -> Scenario:
    """Load one scenario file; raises DataFileError naming file, field and problem."""
    return load_model_file(Path(path), Scenario)


def parse_scenario(text: str, source: str = "<scenario>") -> Scenario:
    """Validate scenario YAML text (the app's scenario studio uses this)."""
    return load_model_text(text, Scenario, source)


def scenario_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders into their YAML files (sorted); keep files as given."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(sorted(f for f in p.iterdir() if f.suffix in YAML_SUFFIXES and f.is_file()))
        else:
            out.append(p)
    return out


def load_scenarios(paths: Iterable[str | Path]) -> tuple[list[tuple[Path, Scenario]], list[Problem]]:
    """Load every file, collecting scenarios and problems (duplicate ids included)."""
    loaded: list[tuple[Path, Scenario]] = []
    problems: list[Problem] = []
    seen: dict[str, Path] = {}
    for path in scenario_files(paths):
        try:
            scenario = load_scenario(path)
        except DataFileError as exc:
            problems.extend(exc.problems)
            continue
        if scenario.id in seen:
            problems.append(
                Problem(
                    str(path),
                    "id",
                    f"duplicate id '{scenario.id}': also used by {seen[scenario.id]}",
                )
            )
            continue
        seen[scenario.id] = path
        loaded.append((path, scenario))
    return loaded, problems


@dataclass
class ScenarioBank:
    """An in-memory, validated set of scenarios keyed by id."""

    scenarios: dict[str, Scenario] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    """Files that failed to load (the rest of the bank still works)."""
    archived: set[str] = field(default_factory=set)
    """Studio scenarios taken out of use: still looked up (old attempts keep their title), never offered
    for a new drill or assignment (``ids`` and ``list`` leave them out)."""

    @classmethod
    def from_dirs(cls, dirs: Sequence[str | Path], strict: bool = False) -> ScenarioBank:
        loaded, problems = load_scenarios(dirs)
        if strict and problems:
            raise DataFileError(problems)
        bank = cls(problems=problems)
        for path, scenario in loaded:
            bank.scenarios[scenario.id] = scenario
            bank.sources[scenario.id] = str(path)
        return bank

    def add(self, scenario: Scenario, source: str, replace: bool = False, archived: bool = False) -> None:
        """Add a scenario (e.g. one authored in the app); ids stay unique."""
        if scenario.id in self.scenarios and not replace:
            raise DataFileError(
                [
                    Problem(
                        source,
                        "id",
                        f"duplicate id '{scenario.id}': also used by {self.sources[scenario.id]}",
                    )
                ]
            )
        self.scenarios[scenario.id] = scenario
        self.sources[scenario.id] = source
        if archived:
            self.archived.add(scenario.id)
        else:
            self.archived.discard(scenario.id)

    def is_shipped(self, scenario_id: str) -> bool:
        """Whether ``scenario_id`` comes from the bank's files (the studio never changes those)."""
        return scenario_id in self.sources and not self.sources[scenario_id].startswith(STUDIO_SOURCE)

    def shipped(self) -> dict[str, str]:
        """Id -> file of every scenario from the bank's folders."""
        return {i: src for i, src in self.sources.items() if self.is_shipped(i)}

    def __len__(self) -> int:
        return len(self.scenarios)

    def __contains__(self, scenario_id: object) -> bool:
        return scenario_id in self.scenarios

    def ids(self) -> builtins.list[str]:
        """The ids on offer for new drills and assignments (archived ones left out), sorted."""
        return sorted(i for i in self.scenarios if i not in self.archived)

    def all_ids(self) -> builtins.list[str]:
        """Every id, archived ones too."""
        return sorted(self.scenarios)

    def get(self, scenario_id: str) -> Scenario:
        try:
            return self.scenarios[scenario_id]
        except KeyError:
            close = [i for i in self.ids() if scenario_id in i or i in scenario_id][:3]
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            raise KeyError(
                f"No scenario with id '{scenario_id}' in the bank ({len(self)} scenarios).{hint}"
            ) from None

    def list(
        self,
        objection: str | None = None,
        difficulty: str | None = None,
        personality: str | None = None,
        tag: str | None = None,
        query: str | None = None,
    ) -> builtins.list[Scenario]:
        """Scenarios matching every given filter, sorted by id. `query` matches words in the text."""
        out = []
        words = [w for w in (query or "").lower().split() if w]
        for sid in self.ids():
            s = self.scenarios[sid]
            if objection and s.objection != objection:
                continue
            if difficulty and s.difficulty != difficulty:
                continue
            if personality and s.buyer.personality != personality:
                continue
            if tag and tag.lower() not in [t.lower() for t in s.tags]:
                continue
            if words:
                hay = " ".join(
                    [s.id, s.title, s.context, s.product.name, s.product.summary, s.buyer.role,
                     s.buyer.company, s.objection, " ".join(s.tags)]
                ).lower()
                if not all(w in hay for w in words):
                    continue
            out.append(s)
        return out

    def tags(self) -> builtins.list[str]:
        return sorted({t for s in self.scenarios.values() for t in s.tags})


def resolve_scenario(ref: str, bank: ScenarioBank | None) -> Scenario:
    """A bank id or a path to a YAML file (which need not be in the bank)."""
    path = Path(ref)
    if path.suffix in YAML_SUFFIXES or path.exists():
        return load_scenario(path)
    if bank is None:
        raise KeyError(f"'{ref}' is not a file and no scenario bank is loaded")
    return bank.get(ref)
