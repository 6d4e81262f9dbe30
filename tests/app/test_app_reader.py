"""A missing turn-reader model stops the app with the command that rebuilds it."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach_engine.reading import artifact
from tests.app.conftest import REP, texts


def test_missing_reading_model_says_scrimmage_train(open_app, monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    monkeypatch.setattr(artifact, "ARTIFACT_DIR", tmp_path / "no-model")
    at = open_app(REP)
    assert not at.exception
    assert "scrimmage train" in texts(at)
