"""The eval registry: every set is where it says, and only dev and test sets are asserted in CI."""

from __future__ import annotations

from evals import grader
from evals.registry import eval_sets, sets_with


def test_every_registered_set_exists_and_has_an_author() -> None:
    for s in eval_sets():
        assert s.file.is_file(), s.id
        assert s.author and s.scenarios


def test_sealed_set_never_loads_with_all() -> None:
    sealed = {e.path for e in sets_with("grader", "sealed")}
    assert sealed and not sealed & set(grader.FILES)
    assert all(c.split != "sealed" for c in grader.load_cases("all"))


def test_reader_trains_only_on_train_sets() -> None:
    """Labelled sentences are training data, or a draft a trainer has yet to reconcile (never trained on)."""
    from coach_engine.cli.train import training_inputs

    reading = [s for s in eval_sets() if s.kind == "reading"]
    assert {s.status for s in reading} <= {"train", "draft"}
    assert set(training_inputs()[0]) == {s.file for s in reading if s.status == "train"}
