"""`scrimmage train`: rebuild the shipped turn-reading model from the labelled data in evals/data."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from .common import console, fail


def training_inputs() -> tuple[list[Path], list[tuple[str, str, str]], dict[str, object]]:
    """The registry's ``train`` sets: labelled sentence files, gaming-labelled replies (and the dev split's
    genuine replies, as sales talk that is not gaming: long feature lists and stories included), and
    the scenarios they are written on."""
    from evals.registry import DATA_DIR, sets_with

    from ..scenarios import ScenarioBank

    reading = [s.file for s in sets_with("reading", "train") if s.file.is_file()]
    gaming: list[tuple[str, str, str]] = []
    for s in sets_with("grader", "train", "dev"):
        if not s.file.is_file():
            continue
        for line in s.file.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if "reply" not in row or (s.split and row.get("split") != s.split):
                continue
            kind = row.get("kind", "")
            verdict = "injection" if kind == "injection" else "stuffing" if "stuffing" in kind else "genuine"
            if s.status == "dev" and verdict != "genuine":
                continue  # dev lends the detector genuine sales talk only; its gaming cases stay a measure
            gaming.append((row["scenario"], row["reply"], verdict))
    dirs = [Path(__file__).resolve().parents[2] / "scenarios", *sorted(DATA_DIR.glob("holdout*_scenarios"))]
    bank = ScenarioBank.from_dirs([d for d in dirs if d.is_dir()])
    return reading, gaming, {sid: bank.get(sid) for sid in bank.ids()}


TRAIN_RUNTIME = "torch"
"""The shipped models were fitted on sentence-transformers' vectors, so training keeps to them and rebuilds
the shipped artifacts byte for byte. ONNX Runtime, which reads at run time, gives the same vectors to 3e-7;
fitting on those moves a few weights in the fourth decimal, enough to change the artifact's bytes."""


def train_items(out: Path | None, folds: int) -> None:
    """The resolution-item reader: fit on the registry's `items` train sets, measure on its dev and test."""
    from evals.registry import sets_with

    from ..buyer.item_train import train_items as fit
    from ..buyer.items import ITEM_ARTIFACT
    from ..embeddings import CachedEmbedder, LocalEmbedder

    files = [s.file for s in sets_with("items", "train") if s.file.is_file()]
    if not files:
        fail("no labelled item files found (evals/registry.yaml, kind: items, status: train)")
    measured = {s.id: [s.file] for s in sets_with("items", "dev", "test")}
    result = fit(files, measured, CachedEmbedder(LocalEmbedder(runtime=TRAIN_RUNTIME)), out or ITEM_ARTIFACT,
                 folds=folds,
                 log=lambda m: console.print(m, highlight=False))
    console.print(f"Wrote {out or ITEM_ARTIFACT} ({result.samples} items).", highlight=False)


def train(
    out: Path | None = typer.Option(None, "--out", help="Write the model here (default: the shipped one)."),
    folds: int = typer.Option(5, "--folds", min=2, help="Cross-validation folds, grouped by scenario."),
    items: bool = typer.Option(False, "--items", help="Train only the resolution-item reader (seconds)."),
    seeds: str = typer.Option("", "--seeds", help="The networks' random starts, comma-separated (default: "
                              "the shipped 7,8,9); another set shows how much a figure hangs on them."),
) -> None:
    """Train the turn reader from evals/data (registry status `train`); prints per-label figures.

    `--items` trains the resolution-item reader instead (`buyer/items.py`)."""
    if items:
        train_items(out, folds)
        return
    from ..embeddings import CachedEmbedder, LocalEmbedder
    from ..reading.model import ARTIFACT_DIR
    from ..reading.train import NETWORK_SEEDS
    from ..reading.train import train as fit

    try:
        starts = tuple(int(x) for x in seeds.split(",")) if seeds.strip() else NETWORK_SEEDS
    except ValueError:
        fail(f"--seeds takes whole numbers separated by commas, e.g. 10,11,12 (got {seeds!r})")
    reading, gaming, scenarios = training_inputs()
    if not reading:
        fail("no labelled sentence files found (evals/registry.yaml, kind: reading, status: train)")
    encoder = CachedEmbedder(LocalEmbedder(runtime=TRAIN_RUNTIME))
    result = fit(reading, scenarios, encoder, out or ARTIFACT_DIR,
                 gaming_replies=gaming, folds=folds,  # type: ignore[arg-type]
                 log=lambda m: console.print(m, highlight=False), seeds=starts)
    console.print(f"Wrote {result.out_dir} ({result.samples} sentences, data {result.fingerprint}).")
