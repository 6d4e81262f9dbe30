"""``scrimmage bench``: measured figures for every hot path, against the budgets of issue 7.

One module per group of figures (``engine_figures``, ``llm_cost``,
``embedding_figures``, ``leaderboard_figures``, ``index_figures``,
``coldstart``), synthetic-data builders in ``data``, ``runner`` to run them
and assemble the JSON, and ``charts``/``report`` for what goes in docs/.
Nothing in the app or the engine imports this package: the suite measures
them from outside, through their public calls.
"""

from __future__ import annotations

from .core import CATALOG, Figure, FigureSpec
from .runner import GROUPS, BenchRun, run_bench, to_json, write_outputs

__all__ = ["CATALOG", "GROUPS", "BenchRun", "Figure", "FigureSpec", "run_bench", "to_json", "write_outputs"]
