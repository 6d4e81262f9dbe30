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
    assert (ARTIFACT_DIR / "tagger.npz").stat().st_size < 1_000_000
    assert model.families == FAMILIES
    assert model.family_weights is not None and model.family_weights.shape == (len(FAMILIES),
                                                                                model.weights.shape[1])


def test_shipped_model_was_trained_on_the_committed_labels() -> None:
    """Editing evals/data/reading without `scrimmage train` fails here, not silently in production."""
    reading, _, _ = training_inputs()
    manifest = json.loads((ARTIFACT_DIR / "tagger.json").read_text())
    assert manifest["training"]["fingerprint"] == _fingerprint(reading)
    assert manifest["training"]["sentences"] >= 3000


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


def test_one_network_reads_every_behaviour_but_gaming() -> None:
    """Behaviours share one hidden layer; injection and stuffing keep their heads (they learn also from
    replies labelled for gaming alone)."""
    model = load_model()
    (behaviours,) = model.networks
    assert set(behaviours.outputs) == (set(LABELS) - {"injection", "stuffing"}) | set(FAMILIES)
    assert behaviours.columns is None and behaviours.hidden_weights.shape[1] == model.weights.shape[1]


def test_a_network_that_does_not_match_its_labels_is_refused(tmp_path: Path) -> None:
    shutil.copytree(ARTIFACT_DIR, tmp_path / "m")
    man = tmp_path / "m" / "tagger.json"
    manifest = json.loads(man.read_text())
    manifest["networks"][0] = [*manifest["networks"][0][:-1], "sulk"]
    man.write_text(json.dumps(manifest))
    with pytest.raises(ReadingModelError, match=r"network.*scrimmage train"):
        load_model(tmp_path / "m")
