"""The overall on the trainers' scale: a strictly increasing map per mode, fitted on dev."""

from __future__ import annotations

import itertools

import pytest

from coach_engine.grading.calibration import GRID, calibrate, fit_map, knots


@pytest.mark.parametrize("key", ["reply", "transcript", "learned/reply"])
def test_each_map_is_strictly_increasing_from_0_to_100(key: str) -> None:
    values = knots(key)
    assert values is not None and len(values) == len(GRID)
    assert values[0] == 0 and values[-1] == 100
    assert all(a < b for a, b in itertools.pairwise(values))


def test_calibration_never_reorders_two_attempts() -> None:
    raw = list(range(0, 101))
    out = [calibrate(x, "reply") for x in raw]
    assert out == sorted(out) and len(set(out)) == len(out)
    assert calibrate(42.0, "no-such-map") == 42.0


def test_fit_puts_levels_in_their_bands() -> None:
    raw = [5, 10, 25, 30, 45, 50, 62, 68, 80, 90]
    levels = [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    values = fit_map(raw, levels)
    assert values[GRID.index(90)] >= 80  # a level-5 raw score lands in the top band
    assert values[GRID.index(10)] <= 20
