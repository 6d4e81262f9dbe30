"""The root of Scrimmage's own exceptions.

``ScrimmageError`` is what the app and the CLI catch to show a clear message
instead of a traceback; a subsystem's error subclasses it (for now the turn
reader's ``ReadingModelError``; issue 16 moves the older classes under it).
"""

from __future__ import annotations

__all__ = ["ScrimmageError"]


class ScrimmageError(Exception):
    """Something the user can fix; the message says what and how."""
