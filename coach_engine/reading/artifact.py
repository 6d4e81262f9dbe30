"""Where the shipped turn-reading model lives, and a check of it that needs no numpy.

Why a module of its own: the app checks the model before its first paint, so
a missing or corrupt artifact gets a message naming ``scrimmage train`` at
once; that check must not import numpy or the reader, which the first paint
does not need (``model`` loads the arrays later, on first use).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ..errors import ScrimmageError

__all__ = ["ARTIFACT_DIR", "ReadingModelError", "check_artifact", "model_failure"]

ARTIFACT_DIR = Path(__file__).resolve().parent / "artifacts"


class ReadingModelError(ScrimmageError):
    """The turn-reading model is missing or unreadable."""


def model_failure(path: Path, problem: str) -> ReadingModelError:
    return ReadingModelError(
        f"The turn-reading model at {path} {problem}. Rebuild it with `scrimmage train` "
        "(it trains from evals/data/reading in a few minutes, offline)."
    )


def check_artifact(directory: Path | None = None) -> tuple[dict[str, Any], bytes]:
    """The manifest and the weights' bytes, once both exist and agree (``weights_sha256``)."""
    d = directory or ARTIFACT_DIR
    npz, man = d / "tagger.npz", d / "tagger.json"
    if not npz.exists() or not man.exists():
        raise model_failure(d, "is missing")
    try:
        manifest = json.loads(man.read_text(encoding="utf-8"))
        raw = npz.read_bytes()
    except (OSError, ValueError) as exc:
        raise model_failure(d, f"is unreadable ({type(exc).__name__}: {exc})") from exc
    if not isinstance(manifest, dict) or hashlib.sha256(raw).hexdigest() != manifest.get("weights_sha256"):
        raise model_failure(d, "does not match its manifest (weights_sha256)")
    return manifest, raw
