"""`scrimmage drill`: placeholder until its issue lands."""

from __future__ import annotations

from .common import fail


def drill() -> None:
    """Not available yet."""
    fail("'scrimmage drill' is not available yet")
