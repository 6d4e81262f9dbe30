"""The learned reading of a rep's turn (issue 12): features, the shipped model, the reader, training.

``TurnReader.read`` gives one ``TurnAnalysis`` per rep turn; the buyer, the
grader and the feedback all act on it (through ``signals.detect_signals``).
The names below load on first use: importing the package (for the numpy-free
``artifact`` check the app runs before its first paint) costs nothing.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import LABELS, ReadingModelError, TaggerModel, load_model
    from .reader import Gaming, SentenceReading, TurnAnalysis, TurnReader, context_for

__all__ = [
    "LABELS",
    "Gaming",
    "ReadingModelError",
    "SentenceReading",
    "TaggerModel",
    "TurnAnalysis",
    "TurnReader",
    "context_for",
    "load_model",
]
_HOME = {"LABELS": "model", "ReadingModelError": "artifact", "TaggerModel": "model", "load_model": "model",
         "Gaming": "reader", "SentenceReading": "reader", "TurnAnalysis": "reader", "TurnReader": "reader",
         "context_for": "reader"}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(import_module(f".{_HOME[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
