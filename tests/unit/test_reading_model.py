"""The shipped turn-reading model: loads, matches the committed data, fails with a message that helps."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from coach_engine.cli.train import training_inputs
from coach_engine.embeddings import CachedEmbedder
from coach_engine.reading.features import SentenceContext, featurise, rest_width
from coach_engine.reading.model import ARTIFACT_DIR, FAMILIES, LABELS, ReadingModelError, load_model
from coach_engine.reading.train import _fingerprint


def test_shipped_model_loads_with_every_label() -> None:
    model = load_model()
    assert model.labels == LABELS
    assert model.weights.shape[0] == len(LABELS) == len(model.thresholds)
    assert model.encoder.startswith("local:")
    # Small beside the 90 MB encoder it reads: a network per seed (``train.NETWORK_SEEDS``), 0.8 MB each.
    assert (ARTIFACT_DIR / "tagger.npz").stat().st_size < 3_000_000
    assert model.families == FAMILIES
    assert model.family_weights is not None and model.family_weights.shape == (len(FAMILIES),
                                                                                model.weights.shape[1])


def test_shipped_model_was_trained_on_the_committed_labels() -> None:
    """Editing evals/data/reading without `scrimmage train` fails here, not silently in production."""
    reading, _, _ = training_inputs()
    manifest = json.loads((ARTIFACT_DIR / "tagger.json").read_text())
    assert manifest["training"]["fingerprint"] == _fingerprint(reading)
    assert manifest["training"]["sentences"] >= 3000


def test_networks_that_read_the_same_labels_are_averaged() -> None:
    """The reader averages one network per training seed (``train.NETWORK_SEEDS``), so what a rep's words
    read as does not hang on one random start."""
    from dataclasses import replace

    import numpy as np

    from coach_engine.reading.train import NETWORK_SEEDS

    model = load_model()
    assert len(model.networks) == len(NETWORK_SEEDS)
    assert len(set(model.network_outputs)) == len(model.network_outputs)
    rng = np.random.default_rng(3)
    dim = int(model.manifest["features"]["embedding"])  # type: ignore[index]
    emb, rest = rng.normal(size=(2, dim)), rng.normal(size=(2, rest_width(dim)))
    one, other = model.networks[0], model.networks[1]
    labels, _ = replace(model, networks=(one, other)).probabilities(emb, rest)
    x = (np.concatenate([emb, rest], axis=1).astype(np.float32) - model.mean) / model.scale
    name = one.outputs[0]
    expected = (one(x)[:, 0] + other(x)[:, 0]) / 2
    assert np.allclose(labels[:, model.labels.index(name)], expected, atol=1e-6)


def test_missing_model_names_the_command_that_builds_it(tmp_path: Path) -> None:
    with pytest.raises(ReadingModelError, match="scrimmage train"):
        load_model(tmp_path / "nowhere")


def test_corrupt_model_is_refused_with_the_same_advice(tmp_path: Path) -> None:
    shutil.copytree(ARTIFACT_DIR, tmp_path / "m")
    npz = tmp_path / "m" / "tagger.npz"
    npz.write_bytes(npz.read_bytes()[:-40] + b"x" * 40)
    with pytest.raises(ReadingModelError, match=r"does not match its manifest.*scrimmage train"):
        load_model(tmp_path / "m")
    (tmp_path / "m" / "tagger.json").write_text("{not json")
    with pytest.raises(ReadingModelError, match="unreadable"):
        load_model(tmp_path / "m")


def test_family_heads_that_do_not_match_the_labels_are_refused(tmp_path: Path) -> None:
    shutil.copytree(ARTIFACT_DIR, tmp_path / "m")
    man = tmp_path / "m" / "tagger.json"
    manifest = json.loads(man.read_text())
    manifest["families"] = {"combative": ["argue", "sulk"]}
    man.write_text(json.dumps(manifest))
    with pytest.raises(ReadingModelError, match=r"family heads.*scrimmage train"):
        load_model(tmp_path / "m")


def test_a_model_of_another_feature_layout_is_refused(tmp_path: Path) -> None:
    shutil.copytree(ARTIFACT_DIR, tmp_path / "m")
    man = tmp_path / "m" / "tagger.json"
    manifest = json.loads(man.read_text())
    manifest["features"]["embedding"] = 100
    man.write_text(json.dumps(manifest))
    with pytest.raises(ReadingModelError, match=r"another feature layout.*scrimmage train"):
        load_model(tmp_path / "m")


def test_a_negating_sentence_carries_its_meaning_a_second_time(hash_embedder: CachedEmbedder) -> None:
    """Negation and scope: the last block is the embedding of a sentence that negates, zero otherwise,
    so a head can learn how "won't" turns an offer into a refusal."""
    sents = ["We will match the lower quote.", "We won't match the lower quote."]
    emb, rest = featurise(sents, SentenceContext(buyer_line="They are cheaper."), hash_embedder)
    dim = emb.shape[1]
    assert rest.shape == (2, rest_width(dim))
    assert not rest[0, -dim:].any()
    assert rest[1, -dim:] == pytest.approx(emb[1])


def test_the_networks_read_every_behaviour_but_gaming() -> None:
    """Behaviours share one hidden layer per seed; injection and stuffing keep their heads (they learn also
    from replies labelled for gaming alone)."""
    model = load_model()
    for behaviours in model.networks:
        assert set(behaviours.outputs) == (set(LABELS) - {"injection", "stuffing"}) | set(FAMILIES)
        assert behaviours.columns is None and behaviours.hidden_weights.shape[1] == model.weights.shape[1]


def test_only_the_stuffing_head_reads_a_lists_form() -> None:
    """The list-shape features (pieces, words a piece) are the stuffing head's: the injection head, which once
    read an email signature block as injection through them, gives them no weight."""
    from coach_engine.reading.gaming import GAMING_FEATURES, GAMING_KINDS, STUFFING_FORM

    model = load_model()
    form = [GAMING_FEATURES.index(f) for f in STUFFING_FORM]
    injection, stuffing = (model.gaming_weights[GAMING_KINDS.index(k)] for k in ("injection", "stuffing"))
    assert not injection[form].any()
    assert stuffing[form].any()


def test_a_network_that_does_not_match_its_labels_is_refused(tmp_path: Path) -> None:
    shutil.copytree(ARTIFACT_DIR, tmp_path / "m")
    man = tmp_path / "m" / "tagger.json"
    manifest = json.loads(man.read_text())
    manifest["networks"][0] = [*manifest["networks"][0][:-1], "sulk"]
    man.write_text(json.dumps(manifest))
    with pytest.raises(ReadingModelError, match=r"network.*scrimmage train"):
        load_model(tmp_path / "m")
