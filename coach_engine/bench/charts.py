"""The growth chart: how each cost grows with size (turns, stored replies, reps).

Why from the JSON, not from live objects: the chart in docs/ must be
reproducible from the committed ``bench.json`` alone, so it reads the
``series`` entries that figures carry. matplotlib runs on the Agg backend (no
display on servers and in CI) and is imported only here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .core import CATALOG

__all__ = ["growth_chart"]

LEGEND = {
    "buyer_turn_offline": "buyer turn (p95 budget 20 ms)",
    "grade_transcript_10_turns": "grading the transcript so far (budget 300 ms)",
    "llm_prompt_tokens_per_buyer_turn": "prompt tokens (budget 2,000 at turn 10)",
    "index_query_100k": "team's best replies query (budget 50 ms)",
    "leaderboard_sqlite": "SQLite (budget 200 ms)",
    "leaderboard_postgres": "PostgreSQL",
}

# (panel title, y label, figure names plotted in that panel)
PANELS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Offline engine vs conversation length", "ms (median)",
     ("buyer_turn_offline", "grade_transcript_10_turns")),
    ("LLM buyer-turn prompt vs turn", "prompt tokens", ("llm_prompt_tokens_per_buyer_turn",)),
    ("Attempt index query vs stored replies", "ms (median)", ("index_query_100k",)),
    ("Weekly leaderboard vs reps", "ms (median)", ("leaderboard_sqlite", "leaderboard_postgres")),
)


def growth_chart(data: dict[str, Any], path: Path) -> Path | None:
    """Draw the panels that have data; None when no figure carries a series."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [(t, y, [n for n in names if isinstance(data.get(n), dict) and "series" in data[n]])
              for t, y, names in PANELS]
    panels = [p for p in panels if p[2]]
    if not panels:
        return None
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.6), squeeze=False)
    for ax, (title, ylabel, names) in zip(axes[0], panels, strict=True):
        for name in names:
            series = data[name]["series"]
            xs = [p[0] for p in series["points"]]
            ys = [p[1] for p in series["points"]]
            label = LEGEND.get(name, CATALOG[name].label if name in CATALOG else name)
            ax.plot(xs, ys, marker="o", label=label)
            ax.set_xlabel(series["x"])
            budget = data[name].get("budget")
            if budget is not None and name != "llm_calls_per_buyer_turn":
                ax.axhline(budget, color="grey", linestyle="--", linewidth=0.8)
        if title.startswith("Attempt") or title.startswith("Weekly"):
            from matplotlib.ticker import FuncFormatter, NullFormatter

            ax.set_xscale("log")
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}"))
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.set_xticks(sorted({p[0] for n in names for p in data[n]["series"]["points"]}))
        ax.set_title(title, fontsize=9)
        ax.set_ylabel(ylabel)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="upper left")
    machine = data.get("machine", {})
    fig.suptitle(f"Scrimmage bench ({machine.get('mode', '')}, {machine.get('cpu_count', '?')} CPUs, "
                 f"{machine.get('date', '')[:10]}); dashed: budget", fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
