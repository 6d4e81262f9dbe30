"""Rubrics are versioned data whose checks name real behaviours."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach_engine.datafiles import DataFileError
from coach_engine.rubrics import get_rubric, load_rubric, rubric_ids


def test_packaged_rubrics_load() -> None:
    assert {"objection-handling", "discovery"} <= set(rubric_ids())
    oh = get_rubric("objection-handling")
    assert oh.versioned_id == "objection-handling@1.5"
    names = {s.id for s in oh.skills}
    assert {"delivery", "listen-acknowledge", "respond-value", "explore", "confirm-advance"} == names
    for skill in oh.skills:
        assert sorted(skill.levels) == [1, 2, 3, 4, 5]
        for check in skill.checks:
            assert check.question.startswith("Did the rep")
    disc = get_rubric("discovery")
    assert {"open-questions", "pain", "impact", "next-step"} == {s.id for s in disc.skills}


def test_unknown_behaviour_in_a_rubric_is_named(tmp_path: Path) -> None:
    text = (Path(__file__).resolve().parents[2] / "coach_engine/rubrics/discovery.yaml").read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("any_of: [open_question]", "any_of: [open_questoin]", 1))
    with pytest.raises(DataFileError, match="unknown behaviour 'open_questoin'"):
        load_rubric(bad)


def test_missing_rubric_lists_available() -> None:
    with pytest.raises(DataFileError, match="available: .*objection-handling"):
        get_rubric("nope")
