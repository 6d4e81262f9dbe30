"""Rubric loading: versioned YAML files, validated like scenarios.

Rubrics are data (the ``*.yaml`` files beside this module) so a coach can tune
questions, weights and anchors without touching the grader. Every check names
the behaviours (``signals.Behaviour``) that can satisfy it; loading verifies
those names so a typo fails at load time, not silently at grading time.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..datafiles import DataFileError, Problem, load_model_file
from ..models import Rubric
from ..signals import Behaviour

RUBRIC_DIR = Path(__file__).resolve().parent

__all__ = ["RUBRIC_DIR", "get_rubric", "load_rubric", "rubric_ids"]


def load_rubric(path: str | Path) -> Rubric:
    """Load and check one rubric file."""
    rubric = load_model_file(Path(path), Rubric)
    known = {b.value for b in Behaviour}
    problems: list[Problem] = []
    for si, skill in enumerate(rubric.skills):
        for ci, check in enumerate(skill.checks):
            for key in ("any_of", "all_of", "none_of"):
                for name in getattr(check, key):
                    if name not in known:
                        problems.append(
                            Problem(str(path), f"skills[{si}].checks[{ci}].{key}",
                                    f"unknown behaviour '{name}' (known: {', '.join(sorted(known))})")
                        )
            if not (check.any_of or check.all_of or check.none_of):
                problems.append(Problem(str(path), f"skills[{si}].checks[{ci}]",
                                        "needs any_of, all_of or none_of"))
        for ai, ap in enumerate(skill.anti_patterns):
            if ap.behaviour not in known:
                problems.append(Problem(str(path), f"skills[{si}].anti_patterns[{ai}].behaviour",
                                        f"unknown behaviour '{ap.behaviour}'"))
        if sorted(skill.levels) != [1, 2, 3, 4, 5]:
            problems.append(Problem(str(path), f"skills[{si}].levels", "needs anchors for 1, 2, 3, 4 and 5"))
    if problems:
        raise DataFileError(problems)
    return rubric


def rubric_ids() -> list[str]:
    return sorted(p.stem for p in RUBRIC_DIR.glob("*.yaml"))


@lru_cache(maxsize=16)
def get_rubric(rubric_id: str) -> Rubric:
    """The packaged rubric with this id; a clear error lists the ones that exist."""
    path = RUBRIC_DIR / f"{rubric_id}.yaml"
    if not path.exists():
        raise DataFileError([Problem("rubric", rubric_id,
                                     f"no such rubric (available: {', '.join(rubric_ids())})")])
    return load_rubric(path)
