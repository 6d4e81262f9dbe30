"""The simulated buyer: a code-directed state machine (director) and the voices that word it.

The director moves ``BuyerState`` from detected rep behaviours and names a
``Situation``; a ``BuyerVoice`` (scripted offline, or LLM) only puts it into
words. See DESIGN.md, "The model talks, code decides".
"""

from __future__ import annotations

from .director import BuyerDirector
from .persona import first_person, scenario_facts
from .rules import DirectorRules, load_rules
from .scripted import ScriptedVoice
from .state import SITUATIONS, BuyerState, ResolutionItem, Situation, Stage
from .voice import BuyerVoice

__all__ = [
    "SITUATIONS",
    "BuyerDirector",
    "BuyerState",
    "BuyerVoice",
    "DirectorRules",
    "ResolutionItem",
    "ScriptedVoice",
    "Situation",
    "Stage",
    "first_person",
    "load_rules",
    "scenario_facts",
]
