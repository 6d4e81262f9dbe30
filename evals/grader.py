"""Grader eval: how well the grader agrees with a sales trainer's labels.

Why these metrics: a scorecard is used to *rank* attempts (leaderboards,
"better than last week"), so rank agreement matters most — Spearman's rho
and pairwise ordering accuracy (over pairs whose labels are two or more
levels apart; a tie in the prediction counts as half right). Quadratic
weighted kappa and ±1 accuracy say how close the 1-5 levels are. Each is
computed per skill and for the overall.

The overall is 0-100; for kappa and ±1 it is mapped to a 1-5 level with
``OVERALL_LEVELS`` (documented bands: 0-19 -> 1, 20-39 -> 2, 40-59 -> 3,
60-79 -> 4, 80-100 -> 5). Spearman and pairwise use the raw 0-100.

Integrity bar: every injection or keyword-stuffing case must score strictly
below the lowest genuine reply labelled 3 (checked within replies and within
transcripts).

Data (``evals/data``): ``grader_replies.jsonl`` (``reply``) and
``grader_transcripts.jsonl`` (``turns``), each line with ``id``, ``scenario``,
``overall`` 1-5, ``skills`` {id: 1-5}, ``kind``, ``split`` (dev | test) and
``note``. Tune only on ``dev``; the bar is judged on ``test``.
"""

from __future__ import annotations

import itertools
import json
import math
import zlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from coach_engine.models import Scorecard, Transcript, Turn

DATA_DIR = Path(__file__).resolve().parent / "data"
def _registered() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    from .registry import eval_sets

    grader_sets = [e for e in eval_sets() if e.kind == "grader" and e.status != "sealed"]
    files = tuple(dict.fromkeys(e.path for e in grader_sets))
    splits = tuple(dict.fromkeys(e.split or e.id for e in grader_sets))
    sealed = tuple(e.path for e in eval_sets() if e.kind == "grader" and e.status == "sealed")
    return files, (*splits, "all"), sealed


FILES, SPLITS, SEALED_FILES = _registered()
"""Every grader set in ``evals/registry.yaml`` but the sealed one, and their splits. Each set's status there
says what it is for (dev tunes, test is asserted in CI, report is only reported, train fits the reader);
the sealed set loads only by name (``load_cases("sealed")``), never with ``all``."""

INTEGRITY_KINDS = frozenset({"injection", "stuffing", "keyword_stuffing"})
OVERALL_LEVELS: tuple[tuple[int, int], ...] = ((80, 5), (60, 4), (40, 3), (20, 2), (0, 1))
BAR = {"spearman": 0.8, "pairwise": 0.9}
PLURAL = {"reply": "replies", "transcript": "transcripts"}

__all__ = [
    "BAR",
    "OVERALL_LEVELS",
    "Case",
    "EvalResult",
    "Prediction",
    "load_cases",
    "metrics",
    "overall_level",
    "pairwise_accuracy",
    "quadratic_weighted_kappa",
    "run_case",
    "run_eval",
    "write_report",
]


@dataclass
class Case:
    id: str
    scenario: str
    overall: int
    skills: dict[str, int]
    kind: str
    split: str
    reply: str | None = None
    turns: list[dict[str, str]] | None = None
    outcome: str | None = None
    note: str = ""

    @property
    def mode(self) -> str:
        return "reply" if self.reply is not None else "transcript"


@dataclass
class Prediction:
    id: str
    mode: str
    kind: str
    label: int
    overall: int
    level: int
    skills_label: dict[str, int]
    skills_pred: dict[str, int]
    flags: list[str] = field(default_factory=list)


def overall_level(overall: int) -> int:
    for floor, level in OVERALL_LEVELS:
        if overall >= floor:
            return level
    return 1


def load_cases(split: str = "all", data_dir: Path = DATA_DIR) -> list[Case]:
    """Labelled cases of one split (one of ``SPLITS``), in file order."""
    cases: list[Case] = []
    for name in SEALED_FILES if split == "sealed" else FILES:
        path = data_dir / name
        if not path.exists():
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                case = Case(id=row["id"], scenario=row["scenario"], overall=int(row["overall"]),
                            skills={k: int(v) for k, v in row.get("skills", {}).items()},
                            kind=row.get("kind", ""), split=row.get("split", "dev"), reply=row.get("reply"),
                            turns=row.get("turns"), outcome=row.get("outcome"), note=row.get("note", ""))
            except (KeyError, ValueError, TypeError) as exc:
                raise ValueError(f"{path}:{n}: bad eval case ({exc})") from exc
            if split == "all" or case.split == split:
                cases.append(case)
    return cases


def _turns(case: Case) -> list[Turn]:
    out = []
    for t in case.turns or []:
        out.append(Turn(role=t["role"], text=t["text"]) if isinstance(t, dict) else Turn(**t))
    return out


def run_case(grader: Any, bank: Any, case: Case) -> tuple[Prediction, Scorecard]:
    """Grade one labelled case with any ``Grader``."""
    scenario = bank.get(case.scenario)
    if case.reply is not None:
        card: Scorecard = grader.grade_reply(scenario, case.reply)
    else:
        transcript = Transcript(scenario=case.scenario, turns=_turns(case))
        card = grader.grade(scenario, transcript, case.outcome)
    pred = Prediction(id=case.id, mode=case.mode, kind=case.kind, label=case.overall, overall=card.overall,
                      level=overall_level(card.overall), skills_label=dict(case.skills),
                      skills_pred={s.id: s.score for s in card.skills}, flags=list(card.flags))
    return pred, card


# --- metrics ---------------------------------------------------------------------------


def spearman(labels: Sequence[float], preds: Sequence[float]) -> float:
    from scipy.stats import spearmanr

    if len(labels) < 3 or len(set(labels)) < 2 or len(set(preds)) < 2:
        return float("nan")
    return float(spearmanr(labels, preds).statistic)


def quadratic_weighted_kappa(labels: Sequence[int], preds: Sequence[int], k: int = 5) -> float:
    """Cohen's kappa with quadratic weights over levels 1..k (scikit-learn's ``cohen_kappa_score``).

    NaN, quietly, where kappa is 0/0: no cases, or every label and prediction the same level.
    """
    if len(labels) != len(preds):
        raise ValueError(f"{len(labels)} labels but {len(preds)} predictions")
    levels = list(range(1, k + 1))
    if outside := sorted((set(labels) | set(preds)) - set(levels)):
        raise ValueError(f"levels {outside} are outside 1..{k}")
    if len(set(labels) | set(preds)) < 2:
        return math.nan
    from sklearn.metrics import cohen_kappa_score

    return float(cohen_kappa_score(labels, preds, weights="quadratic", labels=levels))


def within_one(labels: Sequence[int], preds: Sequence[int]) -> float:
    if not labels:
        return math.nan
    return sum(abs(a - b) <= 1 for a, b in zip(labels, preds, strict=True)) / len(labels)


def pairwise_accuracy(labels: Sequence[float], preds: Sequence[float], gap: int = 2) -> float:
    """Share of pairs with labels ``gap``+ levels apart that the prediction orders the same way."""
    right = total = 0.0
    for (la, pa), (lb, pb) in itertools.combinations(zip(labels, preds, strict=True), 2):
        if abs(la - lb) < gap:
            continue
        total += 1
        if pa == pb:
            right += 0.5
        elif (pa > pb) == (la > lb):
            right += 1
    return right / total if total else float("nan")


def metrics(labels: Sequence[int], preds_raw: Sequence[float], preds_level: Sequence[int]) -> dict[str, Any]:
    return {
        "n": len(labels),
        "spearman": spearman(labels, preds_raw),
        "qwk": quadratic_weighted_kappa(labels, preds_level),
        "within1": within_one(labels, preds_level),
        "pairwise": pairwise_accuracy(labels, preds_raw),
    }


@dataclass
class EvalResult:
    grader: str
    split: str
    predictions: list[Prediction]
    overall: dict[str, Any]
    skills: dict[str, dict[str, Any]]
    by_mode: dict[str, dict[str, Any]]
    integrity: dict[str, Any]

    @property
    def passed(self) -> bool:
        o = self.overall
        return bool(o["spearman"] >= BAR["spearman"] and o["pairwise"] >= BAR["pairwise"]
                    and self.integrity["passed"])

    def to_dict(self) -> dict[str, Any]:
        return {"grader": self.grader, "split": self.split, "passed": self.passed, "overall": self.overall,
                "skills": self.skills, "by_mode": self.by_mode, "integrity": self.integrity,
                "bar": BAR, "predictions": [asdict(p) for p in self.predictions]}


def integrity_bar(preds: Sequence[Prediction]) -> dict[str, Any]:
    """Every injection/stuffing case below the lowest genuine level-3 case of the same mode."""
    out: dict[str, Any] = {"passed": True, "modes": {}}
    for mode in ("reply", "transcript"):
        bad = [p for p in preds if p.mode == mode and p.kind in INTEGRITY_KINDS]
        genuine3 = [p.overall for p in preds if p.mode == mode and p.kind not in INTEGRITY_KINDS
                    and p.label == 3]
        if not bad:
            continue
        floor = min(genuine3) if genuine3 else None
        worst = max(p.overall for p in bad)
        ok = floor is None or worst < floor
        out["modes"][mode] = {"cases": len(bad), "max_integrity_score": worst, "min_genuine_level3": floor,
                              "passed": ok, "offenders": [p.id for p in bad if floor is not None
                                                          and p.overall >= floor]}
        out["passed"] = out["passed"] and ok
    return out


def bootstrap_intervals(labels: Sequence[float], preds: Sequence[float], draws: int = 400,
                        seed: int = 11) -> dict[str, list[float]]:
    """95% bootstrap intervals (cases resampled) for Spearman and pairwise accuracy."""
    import numpy as np

    n = len(labels)
    if n < 5:
        return {}
    from scipy.stats import spearmanr

    rng = np.random.default_rng(seed)
    lab, pre = np.asarray(labels, dtype=float), np.asarray(preds, dtype=float)
    rho, pair = [], []
    for _ in range(draws):
        idx = rng.integers(0, n, n)
        a, b = lab[idx], pre[idx]
        if len(set(a)) > 1 and len(set(b)) > 1:
            rho.append(float(spearmanr(a, b).statistic))
        far = np.abs(a[:, None] - a[None, :]) >= 2  # the pairs pairwise_accuracy counts (each twice here)
        agree = np.sign(b[:, None] - b[None, :]) * np.sign(a[:, None] - a[None, :])
        if far.any():
            pair.append(float(((agree[far] > 0) + 0.5 * (agree[far] == 0)).mean()))
    out = {}
    for name, vals in (("spearman_ci", rho), ("pairwise_ci", pair)):
        if vals:
            lo, hi = np.percentile(vals, [2.5, 97.5])
            out[name] = [round(float(lo), 3), round(float(hi), 3)]
    return out


def summarise(grader_name: str, split: str, preds: list[Prediction]) -> EvalResult:
    overall = metrics([p.label for p in preds], [p.overall for p in preds], [p.level for p in preds])
    overall.update(bootstrap_intervals([p.label for p in preds], [p.overall for p in preds]))
    skill_ids = sorted({k for p in preds for k in p.skills_label})
    skills = {}
    for sid in skill_ids:
        rows = [(p.skills_label[sid], p.skills_pred[sid]) for p in preds
                if sid in p.skills_label and sid in p.skills_pred]
        skills[sid] = metrics([a for a, _ in rows], [b for _, b in rows], [b for _, b in rows])
    by_mode = {}
    for mode in ("reply", "transcript"):
        sub = [p for p in preds if p.mode == mode]
        if sub:
            by_mode[mode] = metrics([p.label for p in sub], [p.overall for p in sub], [p.level for p in sub])
    return EvalResult(grader=grader_name, split=split, predictions=preds, overall=overall, skills=skills,
                      by_mode=by_mode, integrity=integrity_bar(preds))


def run_eval(grader: Any, bank: Any, split: str = "test", cases: list[Case] | None = None) -> EvalResult:
    cases = load_cases(split) if cases is None else cases
    preds = [run_case(grader, bank, c)[0] for c in cases]
    return summarise(getattr(grader, "name", "grader"), split, preds)


# --- report --------------------------------------------------------------------------------


def _fmt(x: Any) -> str:
    if isinstance(x, float):
        return "n/a" if math.isnan(x) else f"{x:.3f}"
    return str(x)


def metric_rows(result: EvalResult) -> list[list[str]]:
    rows = [["overall", *(_fmt(result.overall[k]) for k in ("n", "spearman", "qwk", "within1", "pairwise"))]]
    for mode, m in result.by_mode.items():
        keys = ("n", "spearman", "qwk", "within1", "pairwise")
        rows.append([f"overall ({PLURAL[mode]})", *(_fmt(m[k]) for k in keys)])
    for sid, m in result.skills.items():
        rows.append([sid, *(_fmt(m[k]) for k in ("n", "spearman", "qwk", "within1", "pairwise"))])
    return rows


def write_chart(result: EvalResult, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 4.5), dpi=110)
    colours = {"reply": "#1f77b4", "transcript": "#2ca02c"}
    for mode in ("reply", "transcript"):
        sub = [p for p in result.predictions if p.mode == mode and p.kind not in INTEGRITY_KINDS]
        if sub:
            jitter = [((zlib.crc32(p.id.encode()) % 21) - 10) / 60 for p in sub]
            ax.scatter([p.label + j for p, j in zip(sub, jitter, strict=True)], [p.overall for p in sub],
                       s=18, alpha=0.7, c=colours[mode], label=PLURAL[mode])
    bad = [p for p in result.predictions if p.kind in INTEGRITY_KINDS]
    if bad:
        ax.scatter([p.label for p in bad], [p.overall for p in bad], marker="x", c="#d62728", s=30,
                   label="injection / stuffing")
    for floor, _ in OVERALL_LEVELS[:-1]:
        ax.axhline(floor, color="#cccccc", lw=0.8, zorder=0)
    ax.set_xlabel("trainer label (1-5)")
    ax.set_ylabel("predicted overall (0-100)")
    ax.set_xticks([1, 2, 3, 4, 5])
    ax.set_ylim(-3, 103)
    ax.set_title(f"Grader {result.grader} vs labels ({result.split} split)")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def write_report(result: EvalResult, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    chart = write_chart(result, out_dir / "grader_eval.png")
    lines = [
        f"# Grader eval — {result.grader}, {result.split} split",
        "",
        f"Bar: Spearman ≥ {BAR['spearman']}, pairwise ≥ {BAR['pairwise']}, every injection/stuffing case "
        f"below the lowest genuine level-3 case. **{'PASSED' if result.passed else 'NOT MET'}**.",
        "",
        "| scope | n | Spearman | QWK | ±1 acc | pairwise |",
        "|---|---|---|---|---|---|",
        *("| " + " | ".join(r) + " |" for r in metric_rows(result)),
        "",
        "Overall 0-100 maps to 1-5 for QWK and ±1 as 0-19 → 1, 20-39 → 2, 40-59 → 3, 60-79 → 4, 80+ → 5; "
        "Spearman and pairwise use the raw 0-100. Pairwise counts pairs two or more label levels apart "
        "(a predicted tie is half right).",
        "",
        "## Integrity bar",
        "",
    ]
    for mode, m in result.integrity["modes"].items():
        lines.append(f"- {PLURAL[mode]}: {m['cases']} injection/stuffing cases, highest score "
                     f"{m['max_integrity_score']}; lowest genuine level-3 {m['min_genuine_level3']} → "
                     f"{'met' if m['passed'] else 'NOT met: ' + ', '.join(m['offenders'])}")
    lines += ["", f"![predicted vs label]({chart.name})", "", "## Largest disagreements", "",
              "| id | kind | label | predicted | level |", "|---|---|---|---|---|"]
    worst = sorted(result.predictions, key=lambda p: (-abs(p.level - p.label), p.id))[:15]
    lines += [f"| {p.id} | {p.kind} | {p.label} | {p.overall} | {p.level} |" for p in worst]
    path = out_dir / "grader_eval.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out_dir / "grader_eval.json").write_text(json.dumps(result.to_dict(), indent=1, default=str) + "\n",
                                              encoding="utf-8")
    return path


def fit_calibration(bank: Any, embedder: Any) -> dict[str, Any]:
    """Fit ``grading/calibration.yaml`` from the dev split's raw overalls (``--calibrate``), per mode."""
    from coach_engine.grading import RubricGrader
    from coach_engine.grading.calibration import GRID, fit_map
    from coach_engine.grading.rubric_grader import outcome_adjustment

    maps: dict[str, list[float]] = {}
    counts: dict[str, int] = {}
    grader = RubricGrader(embedder, calibrated=False)
    by_mode: dict[str, tuple[list[float], list[int]]] = {}
    for case in load_cases("dev"):
        pred, card = run_case(grader, bank, case)
        raw, lv = by_mode.setdefault(case.mode, ([], []))
        raw.append(pred.overall - outcome_adjustment(card))
        lv.append(case.overall)
    for mode, (raw, lv) in sorted(by_mode.items()):
        maps[mode] = fit_map(raw, lv)
        counts[mode] = len(raw)
    return {"fitted_on": "dev", "cases": counts, "grid": list(GRID), "maps": maps}
