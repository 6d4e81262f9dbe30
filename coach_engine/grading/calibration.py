"""The overall on the trainers' scale: raw rubric scores mapped to the level bands trainers use.

Why: the rubric's arithmetic ranks replies well but compresses them: a first
reply a trainer puts at 80-100 (a specific acknowledgement and one real
question) came out at 55-79, and reps who did everything right felt cheated.
So the raw overall (0-100 from the skill scores) goes through a monotone map
fitted with isotonic regression on the dev split's trainer levels (level 1 ->
0-20, 2 -> 20-40, ... 5 -> 80-100; the target is each band's middle), one map
per mode (a single reply, a whole transcript). The map is blended with the identity
(``IDENTITY_SHARE``) so it is strictly increasing: calibration never reorders
two attempts, it only puts them on the scale trainers use. Integrity caps are
applied after it, so gamed turns stay at the bottom.

The maps are data (``calibration.yaml``), refitted by ``scrimmage eval grader
--calibrate`` and published in the eval report.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..datafiles import StrictData, load_model_file

__all__ = ["CALIBRATION_PATH", "IDENTITY_SHARE", "calibrate", "fit_map", "knots"]

CALIBRATION_PATH = Path(__file__).resolve().parent / "calibration.yaml"
IDENTITY_SHARE = 0.15
GRID = tuple(range(0, 101, 5))


class _CalibrationFile(StrictData):
    """``calibration.yaml`` as ``scrimmage eval grader --calibrate`` writes it."""

    cases: dict[str, int]
    fitted_on: str
    grid: list[int]
    maps: dict[str, list[float]]
    """A mode -> the calibrated overall at each ``grid`` point."""


@lru_cache(maxsize=1)
def _maps() -> dict[str, list[float]]:
    if not CALIBRATION_PATH.exists():
        return {}
    return load_model_file(CALIBRATION_PATH, _CalibrationFile).maps


def knots(key: str) -> list[float] | None:
    """The map for ``key``: a mode (``reply``, ``transcript``); an older ``<reading>/<mode>``, its mode."""
    values = _maps().get(key.rsplit("/", 1)[-1])
    return values if values and len(values) == len(GRID) else None


def calibrate(raw: float, key: str) -> float:
    """``raw`` (0-100) on the trainers' scale for ``key`` (the mode); unchanged without a map."""
    values = knots(key)
    if values is None:
        return raw
    return float(np.interp(raw, GRID, values))


def fit_map(raw: Sequence[float], levels: Sequence[int]) -> list[float]:
    """Isotonic fit of band middles on raw scores, blended with the identity, sampled on ``GRID``."""
    from sklearn.isotonic import IsotonicRegression

    target = [(lvl - 1) * 20 + 10 for lvl in levels]
    iso = IsotonicRegression(y_min=0, y_max=100, increasing=True, out_of_bounds="clip")
    iso.fit(np.asarray(raw, dtype=float), np.asarray(target, dtype=float))
    fitted = iso.predict(np.asarray(GRID, dtype=float))
    blended = (1 - IDENTITY_SHARE) * fitted + IDENTITY_SHARE * np.asarray(GRID, dtype=float)
    blended[0], blended[-1] = 0.0, 100.0  # nothing done stays 0, everything done stays 100
    return [round(float(v), 2) for v in blended]
