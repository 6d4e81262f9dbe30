"""The shipped turn-reading model: a small network over sentence features, loaded with numpy alone.

Why this shape: the behaviours a trainer labels are read by one hidden layer
shared by every label (a logistic head over the raw features underfits: it
cannot tell granting a point from contesting it when both sit close in
meaning). The gaming labels keep logistic heads over the sentence alone
(stuffing over its form), since they learn also from replies labelled for
gaming alone; the model holds its networks as a list, each naming what it
reads and which feature columns.
The artifact is a few arrays (weights, biases, per-label thresholds, feature
scaling) plus a JSON manifest naming its labels, its encoder and the
fingerprint of the labelled data it was trained on. It is small (under a
megabyte: the network's wide layer is stored in half precision),
deterministic (``scrimmage train`` on the same data writes the same bytes),
loads in milliseconds and needs no scikit-learn or pickle at run time. A missing or corrupt artifact raises
``ReadingModelError``, whose message names the command that rebuilds it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .artifact import ARTIFACT_DIR, ReadingModelError, check_artifact, model_failure
from .features import rest_width
from .gaming import GAMING_FEATURES, GAMING_KINDS

__all__ = ["ARTIFACT_DIR", "FAMILIES", "LABELS", "Network", "ReadingModelError", "TaggerModel", "load_model"]

LABELS = (
    "acknowledge", "playback", "open_question", "closed_question", "logistics_question", "explore_concern",
    "impact_question", "check_other_concerns", "state_value", "quantify_value", "give_proof",
    "tie_to_concern", "confirm", "next_step", "discount", "pressure", "argue", "dismiss", "disparage",
    "feature_dump", "off_topic", "injection", "stuffing",
)
"""What a sentence can do, as trainers label it (evals/data/reading/GUIDE.md)."""
FAMILIES: dict[str, tuple[str, ...]] = {"combative": ("argue", "dismiss", "disparage")}
"""Labels that are one idea told apart second. Taking issue with the buyer (contradicting them, waving the
concern away, running down what they use) is read far more surely as one behaviour than as three, whose
borders trainers themselves draw differently; so a family head says whether it is there at all, and the
members' own heads say which it most is."""


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))), dtype=np.float32)


@dataclass(frozen=True)
class Network:
    """One hidden layer (ReLU) and a logistic output per name, over some of the scaled feature columns."""

    outputs: tuple[str, ...]
    hidden_weights: np.ndarray
    """(n_hidden, n_columns)"""
    hidden_bias: np.ndarray
    out_weights: np.ndarray
    """(n_outputs, n_hidden)"""
    out_bias: np.ndarray
    columns: np.ndarray | None = None
    """The feature columns it reads (None: all)."""

    def __call__(self, x: np.ndarray) -> np.ndarray:
        if self.columns is not None:
            x = x[:, self.columns]
        h = np.maximum(x @ self.hidden_weights.T + self.hidden_bias, 0.0)
        return _sigmoid(h @ self.out_weights.T + self.out_bias)


@dataclass(frozen=True)
class TaggerModel:
    labels: tuple[str, ...]
    weights: np.ndarray
    """(n_labels, n_features) over [embedding | hashed + structural]."""
    bias: np.ndarray
    thresholds: np.ndarray
    """Per label: the probability from which the label is read as present (chosen by grouped CV)."""
    mean: np.ndarray
    scale: np.ndarray
    manifest: dict[str, object]
    gaming_weights: np.ndarray
    """(2, n_gaming_features): the turn-level gaming heads, in ``GAMING_KINDS`` order (``reading.gaming``)."""
    gaming_bias: np.ndarray
    gaming_thresholds: np.ndarray
    gaming_mean: np.ndarray
    gaming_scale: np.ndarray
    family_weights: np.ndarray | None = None
    """(n_families, n_features): one head per ``families`` entry, over the same features as ``weights``."""
    family_bias: np.ndarray | None = None
    family_thresholds: np.ndarray | None = None
    networks: tuple[Network, ...] = ()
    """Small networks that read some labels and families in place of their logistic heads."""

    @property
    def families(self) -> dict[str, tuple[str, ...]]:
        """The family heads this artifact has, by name, with their member labels."""
        fam = self.manifest.get("families")
        return {str(k): tuple(v) for k, v in fam.items()} if isinstance(fam, dict) else {}

    @property
    def network_outputs(self) -> tuple[str, ...]:
        """The labels and families the networks read (the rest keep their logistic heads)."""
        return tuple(dict.fromkeys(n for net in self.networks for n in net.outputs))

    @property
    def version(self) -> str:
        return str(self.manifest.get("version", "?"))

    @property
    def encoder(self) -> str:
        return str(self.manifest.get("encoder", ""))

    def probabilities(self, emb: np.ndarray, rest: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(n_sentences, n_labels) label probabilities and (n_sentences, n_families) family probabilities,
        in ``families`` order; the features are scaled and each network run once for both."""
        x = (np.concatenate([emb, rest], axis=1).astype(np.float32) - self.mean) / self.scale
        labels = _sigmoid(x @ self.weights.T + self.bias)
        fw = self.family_weights
        has_families = fw is not None and len(fw) > 0
        families = (_sigmoid(x @ fw.T + self.family_bias) if fw is not None and has_families
                    else np.zeros((x.shape[0], 0), dtype=np.float32))
        names = list(self.families) if has_families else []
        # Networks that read the same name are averaged (``train.NETWORK_SEEDS``); a name a network reads
        # replaces its logistic head.
        read: dict[str, list[np.ndarray]] = {}
        for net in self.networks:
            out = net(x)
            for j, name in enumerate(net.outputs):
                read.setdefault(name, []).append(out[:, j])
        for name, columns in read.items():
            value = np.mean(columns, axis=0)
            if name in self.labels:
                labels[:, self.labels.index(name)] = value
            elif name in names:
                families[:, names.index(name)] = value
        return labels, families

    def gaming_probabilities(self, row: np.ndarray) -> np.ndarray:
        """(2,) the probability that a turn is an injection, and that it is stuffing (``GAMING_KINDS``)."""
        x = (row.astype(np.float32) - self.gaming_mean) / self.gaming_scale
        return _sigmoid(self.gaming_weights @ x + self.gaming_bias)


OPTIONAL_ARRAYS = ("family_weights", "family_bias", "family_thresholds")
NETWORK_ARRAYS = ("hidden_weights", "hidden_bias", "out_weights", "out_bias")
"""Network ``i``'s arrays are stored as ``net{i}_<name>`` (and ``net{i}_columns`` when it reads some)."""


def load_model(directory: Path | None = None) -> TaggerModel:
    """The model in ``directory`` (default: the shipped one), checked against its manifest."""
    return _load(str(directory or ARTIFACT_DIR))


@lru_cache(maxsize=4)
def _load(directory: str) -> TaggerModel:
    d = Path(directory)
    manifest, raw = check_artifact(d)
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as arrays:
            model = TaggerModel(
                labels=tuple(manifest["labels"]),
                weights=arrays["weights"], bias=arrays["bias"], thresholds=arrays["thresholds"],
                mean=arrays["mean"], scale=arrays["scale"], manifest=manifest,
                gaming_weights=arrays["gaming_weights"], gaming_bias=arrays["gaming_bias"],
                gaming_thresholds=arrays["gaming_thresholds"], gaming_mean=arrays["gaming_mean"],
                gaming_scale=arrays["gaming_scale"],
                **{k: arrays[k] for k in OPTIONAL_ARRAYS if k in arrays.files},
                networks=_networks(manifest, arrays),
            )
    except (OSError, ValueError, KeyError) as exc:
        raise model_failure(d, f"is unreadable ({type(exc).__name__}: {exc})") from exc
    if model.weights.shape[0] != len(model.labels) or model.weights.shape[1] != model.mean.shape[0]:
        raise model_failure(d, "has arrays of the wrong shape")
    if model.gaming_weights.shape != (len(GAMING_KINDS), len(GAMING_FEATURES)):
        raise model_failure(d, "has arrays of the wrong shape")
    emb = int(manifest.get("features", {}).get("embedding", 0))
    if model.weights.shape[1] != emb + rest_width(emb):
        raise model_failure(d, "was trained on another feature layout than this version reads")
    fw = model.family_weights
    if fw is not None and (fw.shape != (len(model.families), model.weights.shape[1])
                           or any(m not in model.labels for ms in model.families.values() for m in ms)):
        raise model_failure(d, "has family heads that do not match its labels")
    for net in model.networks:
        width = len(net.columns) if net.columns is not None else model.weights.shape[1]
        if (net.hidden_weights.shape[1] != width
                or net.out_weights.shape != (len(net.outputs), len(net.hidden_bias))
                or any(n not in model.labels and n not in model.families for n in net.outputs)
                or (net.columns is not None and net.columns.max(initial=0) >= model.weights.shape[1])):
            raise model_failure(d, "has a network that does not match its labels or features")
    return model


def _networks(manifest: dict[str, object], arrays: Any) -> tuple[Network, ...]:
    """The manifest's ``networks`` (a list of output-name lists) with their arrays."""
    nets = manifest.get("networks")
    out = []
    for i, names in enumerate(nets if isinstance(nets, list) else []):
        got = {k: arrays[f"net{i}_{k}"].astype(np.float32) for k in NETWORK_ARRAYS}
        cols = arrays[f"net{i}_columns"] if f"net{i}_columns" in arrays.files else None
        out.append(Network(tuple(str(n) for n in names), columns=cols, **got))
    return tuple(out)
