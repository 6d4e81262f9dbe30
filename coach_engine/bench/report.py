"""A markdown table of the figures, so docs/PERFORMANCE.md quotes a run rather than retyping it.

``write_outputs`` saves it as ``figures.md`` next to ``bench.json``; the
document includes it verbatim, with the machine line, for the full run.
"""

from __future__ import annotations

from typing import Any

from .core import CATALOG

__all__ = ["markdown_table"]


def _fmt(value: float) -> str:
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def markdown_table(data: dict[str, Any]) -> str:
    """Figures as a markdown table (figure, median, p95, unit, n, budget, notes) plus the machine line."""
    m = data.get("machine", {})
    lines = [
        f"Machine: {m.get('cpu_count')} × {m.get('cpu_model')}, {m.get('memory_gb')} GB, Python "
        f"{m.get('python')}, {m.get('platform')}; {m.get('mode')} run at {m.get('date')}, load average "
        f"(1/5/15 min) at the start {m.get('load_average_at_start')}, at the end {m.get('load_average')}; "
        f"the run took {m.get('bench_seconds')} s.",
    ]
    for run in m.get("runs") or []:
        lines.append(f"- {run['groups']}: {run['date']}, load average {run.get('load_average_at_start')} → "
                     f"{run.get('load_average')}, {run.get('bench_seconds')} s")
    lines += [
        "",
        "| figure | median | p95 | unit | n | budget | notes |",
        "|---|---:|---:|---|---:|---|---|",
    ]
    for name, spec in CATALOG.items():
        fig = data.get(name, {"error": "missing"})
        if "error" in fig:
            lines.append(f"| `{name}` | — | — | {spec.unit} | 0 | | {fig['error']} |")
            continue
        budget = ""
        if "budget" in fig:
            op = "≥" if spec.higher_is_better else "≤"
            budget = f"{spec.budget_on} {op} {_fmt(fig['budget'])}: **{'met' if fig['met'] else 'missed'}**"
        note = fig.get("note", "")
        if "size" in fig:
            note = f"size {fig['size']:,}; {note}" if note else f"size {fig['size']:,}"
        note = note.replace("|", "/")
        lines.append(f"| `{name}` | {_fmt(fig['median'])} | {_fmt(fig['p95'])} | {fig['unit']} | {fig['n']} "
                     f"| {budget} | {note} |")
    return "\n".join(lines) + "\n"
