"""The bench's percentile is numpy's linear interpolation, and a figure's p95 is what the JSON reports."""

from __future__ import annotations

import subprocess
import sys

import pytest

from coach_engine.bench.core import CATALOG, Figure, percentile


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([5.0], 95, 5.0),
        ([10.0, 20.0], 50, 15.0),
        ([3.0, 1.0, 2.0], 0, 1.0),  # unsorted input
        ([3.0, 1.0, 2.0], 100, 3.0),
        ([1.0, 2.0, 3.0, 4.0], 95, 3.85),  # pos 2.85: between 3 and 4
        (list(range(1, 101)), 95, 95.05),
    ],
)
def test_percentile_interpolates_linearly(values: list[float], q: float, expected: float) -> None:
    assert percentile(values, q) == pytest.approx(expected, rel=1e-12)
    assert type(percentile(values, q)) is float


def test_percentile_of_nothing_says_so() -> None:
    with pytest.raises(ValueError, match="no samples"):
        percentile([], 95)


def test_figure_reports_the_p95() -> None:
    name = next(iter(CATALOG))
    got = Figure(name, samples=[1.0, 2.0, 3.0, 4.0]).to_json()
    assert got["p95"] == 3.85 and got["median"] == 2.5 and got["n"] == 4


def test_the_cli_does_not_import_numpy_for_the_catalog() -> None:
    """Every ``scrimmage`` command imports bench.core (for ``CATALOG``); numpy loads only for a percentile."""
    code = "import sys, coach_engine.bench.core\nprint('numpy' in sys.modules)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
