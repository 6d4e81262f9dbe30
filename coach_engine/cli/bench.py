"""`scrimmage bench`: placeholder until its issue lands."""

from __future__ import annotations

from .common import fail


def bench() -> None:
    """Not available yet."""
    fail("'scrimmage bench' is not available yet")
