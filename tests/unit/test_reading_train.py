"""`scrimmage train`: the same labelled data gives the same bytes (other seeds, other bytes), and bad labels
are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach_engine.cli.train import training_inputs
from coach_engine.embeddings import CachedEmbedder
from coach_engine.reading.model import load_model
from coach_engine.reading.train import train


@pytest.fixture(scope="module")
def small_data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    reading, _, scenarios = training_inputs()
    lines = reading[0].read_text(encoding="utf-8").splitlines()[:90]
    path = tmp_path_factory.mktemp("data") / "small.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, scenarios


def test_training_is_deterministic(small_data: tuple[Path, dict[str, object]], tmp_path: Path,
                                   embedder: CachedEmbedder) -> None:
    path, scenarios = small_data
    quiet = lambda _m: None  # noqa: E731
    train([path], scenarios, embedder, tmp_path / "a", folds=2, log=quiet)
    train([path], scenarios, embedder, tmp_path / "b", folds=2, log=quiet)
    for name in ("tagger.npz", "tagger.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    model = load_model(tmp_path / "a")
    assert model.manifest["training"]["sentences"] > 100  # type: ignore[index]
    # `scrimmage train --seeds`: other random starts give another model, to judge a labelled set by more
    # than one training, and the manifest names the starts it was fitted from
    train([path], scenarios, embedder, tmp_path / "c", folds=2, log=quiet, seeds=(10,))
    assert (tmp_path / "a" / "tagger.npz").read_bytes() != (tmp_path / "c" / "tagger.npz").read_bytes()
    other = load_model(tmp_path / "c")
    assert other.manifest["network"]["seeds"] == [10] and len(other.networks) == 1  # type: ignore[index]


def test_an_unknown_label_names_file_line_and_label(small_data: tuple[Path, dict[str, object]],
                                                    tmp_path: Path, embedder: CachedEmbedder) -> None:
    _, scenarios = small_data
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "scenario": "cfo-price-routing", "buyer_line": "Too much.", '
                   '"sentences": [{"text": "Hm.", "labels": ["vibes"]}]}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.jsonl:1: .*vibes"):
        train([bad], scenarios, embedder, tmp_path / "out", folds=2, log=lambda _m: None)


def test_without_gaming_examples_the_turn_head_never_fires(small_data: tuple[Path, dict[str, object]],
                                                           tmp_path: Path, embedder: CachedEmbedder) -> None:
    path, scenarios = small_data
    honest = [x for x in path.read_text(encoding="utf-8").splitlines()
              if '"injection"' not in x and '"stuffing"' not in x]
    data = tmp_path / "honest.jsonl"
    data.write_text("\n".join(honest) + "\n", encoding="utf-8")
    train([data], scenarios, embedder, tmp_path / "m", folds=2, log=lambda _m: None)
    model = load_model(tmp_path / "m")
    assert float(model.gaming_thresholds[0]) > 1.0


def test_a_threshold_on_a_flat_curve_is_its_middle_not_a_noisy_arg_max() -> None:
    """Every threshold from 0.30 to 0.60 separates these perfectly; the arg max would be the first (0.30)
    or wherever noise puts a hair more F1, the chosen one is the middle of the stretch."""
    import numpy as np

    from coach_engine.reading.train_thresholds import choose_threshold

    oof = np.array([0.1, 0.2, 0.25, 0.28, 0.65, 0.7, 0.9, 0.95])
    y = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    best, stats = choose_threshold(oof, y, False, np.random.default_rng(0))
    assert 0.4 <= best <= 0.5
    assert stats["f1"][0] == 1.0


def test_a_peaked_curve_keeps_its_peak() -> None:
    import numpy as np

    from coach_engine.reading.train_thresholds import choose_threshold

    rng = np.random.default_rng(1)
    y = np.r_[np.ones(200), np.zeros(200)].astype(int)
    oof = np.r_[rng.normal(0.7, 0.05, 200), rng.normal(0.5, 0.05, 200)].clip(0, 1)
    best, _ = choose_threshold(oof, y, False, np.random.default_rng(0))
    assert 0.55 <= best <= 0.65


def test_a_verdict_threshold_bounds_the_share_of_honest_turns_it_zeroes() -> None:
    """The gaming heads' rule: the lowest threshold at which at most the given share of honest turns reads
    as gaming. Adding gaming examples does not move it, where a precision target would."""
    import numpy as np

    from coach_engine.reading.train_thresholds import NEVER, choose_threshold, rate_threshold

    honest = np.linspace(0.0, 0.96, 1000)  # about 1% of them at 0.95 or more
    few = np.r_[np.full(60, 0.97), honest]
    many = np.r_[np.full(300, 0.97), honest]
    y_few = np.r_[np.ones(60), np.zeros(1000)].astype(int)
    y_many = np.r_[np.ones(300), np.zeros(1000)].astype(int)
    rng = np.random.default_rng(0)
    t_few, _ = rate_threshold(few, y_few, 0.01, rng)
    t_many, stats = rate_threshold(many, y_many, 0.01, rng)
    assert t_few == t_many and 0.94 <= t_few <= 0.97
    assert stats["recall"][0] == 1.0
    p_few, _ = choose_threshold(few, y_few, True, rng, 0.8, strict=True)
    p_many, _ = choose_threshold(many, y_many, True, rng, 0.8, strict=True)
    assert p_many < p_few  # a precision target falls as gaming examples are added
    assert rate_threshold(honest, np.zeros(1000, dtype=int), 0.01, rng)[0] == NEVER
