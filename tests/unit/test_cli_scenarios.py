"""`scrimmage scenarios` and `scrimmage config` from the outside: exit codes and output."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BANK_DIR, FIXTURES

BROKEN = FIXTURES / "scenarios" / "broken"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in a subprocess; the hash embedder unless told otherwise (reading items then uses the model's
    words-only twin, so these tests do not load MiniLM in every call)."""
    import os

    env = env if env is not None else {**os.environ, "SCRIMMAGE_EMBEDDING_BACKEND": "hash"}
    return subprocess.run(
        [sys.executable, "-c", "from coach_engine.cli import main; main()", *args],
        capture_output=True, text=True, timeout=120, env=env,
    )


def test_validate_bank_passes() -> None:
    r = run("scenarios", "validate", *sorted(str(p) for p in BANK_DIR.glob("*.yaml")))
    assert r.returncode == 0, r.stderr
    assert "valid" in r.stdout


@pytest.mark.parametrize("name", sorted(p.name for p in BROKEN.glob("*.yaml")))
def test_validate_broken_file_exits_1_with_file_and_problem(name: str) -> None:
    r = run("scenarios", "validate", str(BROKEN / name))
    assert r.returncode == 1
    assert str(BROKEN / name) in r.stderr
    assert "Traceback" not in r.stderr + r.stdout


def test_validate_prints_one_line_per_problem() -> None:
    r = run("scenarios", "validate", str(BROKEN))
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith(str(BROKEN))]
    assert len(lines) >= len(list(BROKEN.glob("*.yaml")))
    assert r.returncode == 1


def test_list_filters_and_json() -> None:
    r = run("scenarios", "list", "--objection", "price", "--json")
    assert r.returncode == 0, r.stderr
    items = json.loads(r.stdout)
    assert items and all(i["objection"] == "price" for i in items)
    assert all("hidden_concern" not in json.dumps(i) for i in items)
    r = run("scenarios", "list", "--difficulty", "impossible")
    assert r.returncode == 1 and "easy, medium, hard" in r.stderr


def test_show_json_and_unknown_id() -> None:
    r = run("scenarios", "show", "cfo-price-routing", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["id"] == "cfo-price-routing"
    r = run("scenarios", "show", "no-such-scenario")
    assert r.returncode == 1 and "No scenario with id 'no-such-scenario'" in r.stderr
    assert "Traceback" not in r.stderr


def test_show_a_file_outside_the_bank() -> None:
    r = run("scenarios", "show", str(FIXTURES / "scenarios" / "minimal.yaml"))
    assert r.returncode == 0, r.stderr
    assert "Sam Ortiz" in r.stdout


def test_config_masks_the_key() -> None:
    import os

    env = dict(os.environ, OPENAI_API_KEY="sk-abcdefghijklmnop")
    r = run("config", "--json", env=env)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert "abcdefghijklmnop" not in r.stdout
    assert data["effective_voice"] == "llm"


def test_help_reads_well() -> None:
    r = run("--help")
    assert r.returncode == 0
    for cmd in ("scenarios", "config", "drill", "grade"):
        assert cmd in r.stdout


def test_usage_errors_are_plain_not_unexpected() -> None:
    r = run("scenarios", "list", "--no-such-flag")
    assert r.returncode == 2
    assert "No such option" in r.stderr
    assert "Unexpected error" not in r.stderr and "Traceback" not in r.stderr


def test_validate_refuses_an_overlong_field_as_the_studio_does(tmp_path: Path) -> None:
    """Issue 15: a 20,000-character title saved. The limit is in the model, so the CLI and studio agree."""
    text = (BANK_DIR / "cfo-price-routing.yaml").read_text(encoding="utf-8")
    long_title = "title: " + "x" * 20_000
    path = tmp_path / "long.yaml"
    path.write_text("\n".join(long_title if ln.startswith("title:") else ln for ln in text.splitlines()))
    r = run("scenarios", "validate", str(path))
    assert r.returncode == 1
    assert "title: is 20,000 characters long; the limit is 120 characters" in r.stderr.replace("\n", "")


def test_validate_notes_a_missing_concern_lines_without_failing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Issue 13: without concern_lines the offline buyer keeps the hidden concern's wording; say so."""
    import yaml

    from tests.conftest import BANK_DIR

    data = yaml.safe_load((BANK_DIR / "cfo-price-routing.yaml").read_text(encoding="utf-8"))
    data["buyer"].pop("concern_lines", None)
    path = tmp_path / "no-lines.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    done = run("scenarios", "validate", str(path))
    assert done.returncode == 0, done.stderr
    assert "buyer.concern_lines: not given" in done.stderr and "a hint, the story, the stake" in done.stderr


def test_validate_names_a_pronoun_it_cannot_place(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A "he" that may be the buyer's own is named, with what to write, and the list of kinds is printed
    once, not on every unsure item."""
    def edit(data: dict[str, Any]) -> None:
        data["buyer"].pop("concern_lines", None)
        data["buyer"]["hidden_concern"] = "Ravi runs the yard, and he says the crews can't spare a week."
        data["buyer"]["resolution"] = ["install schedule options", "The rep asks about the yard"]

    done = _validate_edited(tmp_path, "pronoun.yaml", edit)
    assert done.returncode == 0, done.stderr
    err = done.stderr.replace("\n", " ")
    assert "buyer.hidden_concern: can't tell whether 'he' means the buyer" in err
    assert err.count("respect_incumbent") <= 1


def test_validate_says_a_proof_item_needs_proof_points(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A proof item in a scenario with no proof points is hard to meet: say so, and what to add."""
    def edit(data: dict[str, Any]) -> None:
        data["product"].pop("proof_points", None)
        item = {"text": "Backs the claim with another fleet's result", "kind": "proof"}
        data["buyer"]["resolution"] = [item]

    def listed(data: dict[str, Any]) -> None:
        edit(data)
        data["product"]["proof_points"] = ["Harbor Freight cut fuel 14% in a quarter"]

    done = _validate_edited(tmp_path, "no-proof.yaml", edit)
    assert done.returncode == 0, done.stderr
    err = done.stderr.replace("\n", " ")
    assert "product.proof_points: 'Backs the claim with another fleet's result' asks for proof" in err
    assert "product.proof_points:" not in _validate_edited(tmp_path, "no-proof.yaml", listed).stderr


def test_validate_names_an_aside_to_the_rep_in_the_concern(tmp_path) -> None:  # type: ignore[no-untyped-def]
    def edit(data: dict[str, Any]) -> None:
        data["buyer"]["hidden_concern"] = ("The board froze software spend after the ERP rollout. Reps who "
                                           "learn this should offer a paid pilot.")

    err = _validate_edited(tmp_path, "aside.yaml", edit).stderr.replace("\n", " ")
    assert "buyer.hidden_concern: 'Reps who learn this should offer a paid pilot.' speaks to the rep" in err


def _validate_with_item(tmp_path: Path, raw_line: str) -> tuple[int, str]:
    """``scenarios validate`` on the bank's CFO scenario with ``raw_line`` written as its first resolution
    item, as a manager would type it: (exit code, stderr on one line)."""
    from tests.conftest import BANK_DIR

    lines = (BANK_DIR / "cfo-price-routing.yaml").read_text(encoding="utf-8").splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.strip() == "resolution:")
    lines.insert(at + 1, f"    - {raw_line}")
    path = tmp_path / "edited.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = run("scenarios", "validate", str(path))
    return done.returncode, done.stderr.replace("\n", " ")


def test_validate_explains_an_item_yaml_read_as_a_comment(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """"- # of missed pickups" is a YAML comment, so the item is empty: the message says why."""
    code, err = _validate_with_item(tmp_path, "# of missed pickups a week")
    assert code == 1
    assert "must be text (got nothing); a line whose text starts with # is a YAML comment" in err


def test_validate_explains_an_item_with_a_colon_read_as_a_field(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """An unquoted item with ": " in it is a YAML mapping: the message names the colon and the fix, not an
    unknown field and a missing text."""
    code, err = _validate_with_item(tmp_path, "Keeps it civil about the current tool re: the routing sheets")
    assert code == 1
    assert "buyer.resolution[0]: reads as a field 'Keeps it civil about the current tool re'" in err
    assert "Put the whole text in quotes" in err
    assert "unknown field" not in err and "required field is missing" not in err


def _validate_edited(tmp_path: Path, name: str, edit: Callable[[dict[str, Any]], None]) -> Any:
    """``scenarios validate`` on the bank's CFO scenario as ``edit`` changes it, written to ``name``."""
    import yaml

    from tests.conftest import BANK_DIR

    data = yaml.safe_load((BANK_DIR / "cfo-price-routing.yaml").read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return run("scenarios", "validate", str(path))


def test_the_concern_lines_note_says_a_long_story_comes_out_in_parts(bank: Any) -> None:
    """A story with a rest worth a turn of its own is told in parts (``buyer/staging.py``); say so."""
    from coach_engine.cli.scenarios import concern_lines_note

    base = bank.get("cfo-price-routing")
    concern = ("Last year Dana's team spent eight months on a routing system that never went live. The "
               "board wrote off the whole project and asked her in the meeting why nobody had caught it "
               "sooner. She will not bring them another project that stalls.")
    buyer = base.buyer.model_copy(update={"concern_lines": [], "hidden_concern": concern})
    note = concern_lines_note(base.model_copy(update={"buyer": buyer}))
    assert "the story's opening, the rest of it to the next good question, then the last part" in note
