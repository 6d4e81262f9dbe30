"""The learned reading of a rep's turn (issue 12): features, the shipped model, the reader, training.

``TurnReader.read`` gives one ``TurnAnalysis`` per rep turn; the buyer, the
grader and the feedback all act on it (through ``signals.detect_signals``).
"""

from __future__ import annotations

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
