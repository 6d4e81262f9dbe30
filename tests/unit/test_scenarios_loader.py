"""The scenario loader turns every kind of broken file into one readable line."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach_engine.datafiles import DataFileError
from coach_engine.scenarios import (
    ScenarioBank,
    load_scenario,
    load_scenarios,
    parse_scenario,
    resolve_scenario,
)
from tests.conftest import FIXTURES

SC = FIXTURES / "scenarios"
BROKEN = SC / "broken"


def _problems(path: Path) -> list[str]:
    with pytest.raises(DataFileError) as info:
        load_scenario(path)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(
    ("name", "field", "words"),
    [
        ("yaml_syntax.yaml", "line 7, column 11", "YAML syntax error"),
        ("duplicate_key.yaml", "line 3", "duplicate key 'title'"),
        ("missing_field.yaml", "buyer.hidden_concern", "required field is missing"),
        ("wrong_enum.yaml", "objection", "must be one of price, budget, timing"),
        ("unknown_field.yaml", "buyer.mood", "unknown field 'mood'"),
        ("empty_resolution.yaml", "buyer.resolution", "needs at least 1 item"),
        ("empty_value_points.yaml", "product.value_points", "needs at least 1 item"),
        ("empty_file.yaml", "", "file is empty"),
        ("top_level_list.yaml", "", "top level must be a mapping"),
        ("top_level_text.yaml", "", "top level must be a mapping"),
        ("wrong_type.yaml", "max_turns", "must be a whole number (got 'eight')"),
        ("bad_slug.yaml", "id", "is not a valid slug"),
    ],
)
def test_each_error_class_names_file_field_and_problem(name: str, field: str, words: str) -> None:
    problems = _problems(BROKEN / name)
    assert problems, "expected at least one problem"
    first = problems[0]
    assert first.startswith(str(BROKEN / name) + ":")
    if field:
        assert f": {field}" in first
    assert words in first
    assert "Traceback" not in first


def test_wrong_enum_lists_allowed_values_and_what_was_given() -> None:
    (line,) = _problems(BROKEN / "wrong_enum.yaml")
    for allowed in ("price", "need", "send_info", "not_interested"):
        assert allowed in line
    assert "'cost'" in line


def test_unknown_field_lists_the_allowed_ones() -> None:
    (line,) = _problems(BROKEN / "unknown_field.yaml")
    assert "hidden_concern" in line and "personality" in line


def test_missing_reports_every_missing_field() -> None:
    problems = _problems(BROKEN / "missing_field.yaml")
    assert any("buyer.hidden_concern" in p for p in problems)
    assert any("buyer.resolution" in p for p in problems)


def test_duplicate_ids_name_both_files() -> None:
    loaded, problems = load_scenarios([SC / "dup"])
    assert len(loaded) == 1
    (p,) = problems
    assert "duplicate id 'minimal-timing'" in str(p)
    assert "a.yaml" in str(p) and "b.yaml" in str(p)


def test_folder_load_collects_all_problems_and_keeps_going() -> None:
    loaded, problems = load_scenarios([BROKEN, SC / "minimal.yaml"])
    assert [s.id for _, s in loaded] == ["minimal-timing"]
    files = {p.file for p in problems}
    assert len(files) == len(list(BROKEN.glob("*.yaml")))


def test_missing_file_is_a_problem_not_a_traceback() -> None:
    problems = _problems(SC / "nope.yaml")
    assert "file not found" in problems[0]


def test_design_md_example_loads_unchanged() -> None:
    s = load_scenario(SC / "design_example.yaml")
    assert s.id == "cfo-price-routing"
    assert s.buyer.personality == "analytical"
    assert len(s.buyer.resolution) == 3
    assert s.max_turns == 8


def test_defaults_apply_to_a_minimal_file() -> None:
    s = load_scenario(SC / "minimal.yaml")
    assert s.difficulty == "medium"
    assert s.rubric == "objection-handling"
    assert s.buyer.personality == "analytical"
    assert s.max_turns == 8
    assert s.product.proof_points == []
    assert s.buyer.next_step is None
    assert s.tags == []


def test_plain_numbers_times_dates_and_yes_are_the_words_a_manager_wrote() -> None:
    """YAML 1.1 reads ``911`` as a number, ``9:30`` as 570 (base 60), a date as a date and ``yes`` as True; a
    scenario's text fields take them as written, and ``max_turns: 6`` is still a number."""
    text = (SC / "minimal.yaml").read_text() + (
        "  facts:\n    shift start: 9:30\n    last audit: 2024-03-01\n    on call: yes\n    desks: 14\n"
        "    rate: 1.50\ntags: [911, dispatch]\nmax_turns: 6\n")
    s = parse_scenario(text)
    assert s.buyer.facts == {"shift start": "9:30", "last audit": "2024-03-01", "on call": "yes",
                             "desks": "14", "rate": "1.50"}
    assert s.tags == ["911", "dispatch"] and s.max_turns == 6
    with pytest.raises(DataFileError, match="max_turns"):
        parse_scenario(text.replace("max_turns: 6", "max_turns: six"))


def test_brief_never_leaks_the_hidden_concern() -> None:
    s = load_scenario(SC / "design_example.yaml")
    text = repr(s.brief())
    assert "board froze" not in text
    assert "resolution" not in text


def test_content_hash_changes_with_content() -> None:
    a = load_scenario(SC / "minimal.yaml")
    b = parse_scenario((SC / "minimal.yaml").read_text().replace("6 hours", "7 hours"))
    assert a.content_hash() != b.content_hash()
    assert a.content_hash() == load_scenario(SC / "minimal.yaml").content_hash()


def test_parse_text_uses_the_given_source_name() -> None:
    with pytest.raises(DataFileError) as info:
        parse_scenario("id: x\n", source="studio")
    assert str(info.value.problems[0]).startswith("studio: ")


def test_bank_get_list_and_resolve() -> None:
    bank = ScenarioBank.from_dirs([SC / "minimal.yaml", SC / "design_example.yaml"])
    assert bank.ids() == ["cfo-price-routing", "minimal-timing"]
    assert bank.get("minimal-timing").objection == "timing"
    assert [s.id for s in bank.list(objection="price")] == ["cfo-price-routing"]
    assert [s.id for s in bank.list(query="fleets routing")] == ["cfo-price-routing"]
    assert [s.id for s in bank.list(tag="logistics")] == ["cfo-price-routing"]
    with pytest.raises(KeyError, match="No scenario with id 'cfo-price'.*Did you mean: cfo-price-routing"):
        bank.get("cfo-price")
    assert resolve_scenario(str(SC / "minimal.yaml"), None).id == "minimal-timing"
    assert resolve_scenario("cfo-price-routing", bank).id == "cfo-price-routing"


def test_bank_strict_raises_with_every_problem() -> None:
    with pytest.raises(DataFileError) as info:
        ScenarioBank.from_dirs([BROKEN], strict=True)
    assert len(info.value.problems) >= len(list(BROKEN.glob("*.yaml")))
