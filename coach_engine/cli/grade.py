"""`scrimmage grade`: placeholder until its issue lands."""

from __future__ import annotations

from .common import fail


def grade() -> None:
    """Not available yet."""
    fail("'scrimmage grade' is not available yet")
