"""The demo team file (``demo_scripts.yaml``) as a checked model.

Why a model: the demo seeds the first start of ``make run``; a misspelt key in its file (``drills_per_wek``)
must stop with a message naming the file and the key, not seed a team with a silent default.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator

from .datafiles import StrictData, load_model_file

__all__ = ["DemoAssignment", "DemoRep", "DemoSpec", "load_demo_spec"]


class DemoPerson(StrictData):
    email: str
    name: str


class DemoTeam(StrictData):
    name: str
    timezone: str = "UTC"


class DemoRep(DemoPerson):
    habit: str
    """The weaker script a rep falls back to: passive, feature_dumper, discount_first or pushy."""
    start: float
    gain: float
    """Skill at the first week, and its rise per week (0 = all habit, 1 = all strong)."""
    drills_per_week: int


class DemoAssignment(StrictData):
    scenario: str
    due_days_ago: int | None = None
    due_days_ahead: int | None = None
    pass_mark: int = 70
    min_attempts: int = 1
    made_days_before_due: int = 7

    @model_validator(mode="after")
    def _one_due(self) -> DemoAssignment:
        if (self.due_days_ago is None) == (self.due_days_ahead is None):
            raise ValueError("give exactly one of due_days_ago and due_days_ahead")
        return self

    @property
    def due_in_days(self) -> int:
        """Days from the seeding to the due date (negative: already past)."""
        return self.due_days_ahead if self.due_days_ahead is not None else -(self.due_days_ago or 0)


class DemoReview(StrictData):
    rep: str
    comment: str


class DemoSpec(StrictData):
    team: DemoTeam
    manager: DemoPerson
    scenarios: list[str]
    levels: int = 4
    reps: list[DemoRep]
    assignments: list[DemoAssignment] = Field(default_factory=list)
    reviews: list[DemoReview] = Field(default_factory=list)


def load_demo_spec(path: Path) -> DemoSpec:
    return load_model_file(path, DemoSpec)
