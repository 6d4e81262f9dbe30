"""The studio's decisions without a database: limits, the template, the form/YAML document, diffs,
the merged bank and objection labels (issue 15, part 4)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import yaml

from coach_engine import studio
from coach_engine.datafiles import DataFileError
from coach_engine.models import OBJECTIONS
from coach_engine.objections import objection_label, objection_texts
from coach_engine.scenarios import ScenarioBank, parse_scenario
from coach_engine.store import AuthoredScenario

CFO = "cfo-price-routing"


def authored(sid: str, yaml_text: str, *, archived: bool = False) -> AuthoredScenario:
    return AuthoredScenario(sid, yaml_text, "h", "mia@x.test", datetime(2026, 1, 1, tzinfo=UTC), 1, archived)


def own(bank: ScenarioBank, **changes: object) -> str:
    """The CFO scenario as studio YAML with some top-level fields changed."""
    data = yaml.safe_load(studio.scenario_yaml(bank.get(CFO)))
    return studio.dump(data | changes)


def test_a_20000_character_title_is_refused_naming_field_and_limit(bank: ScenarioBank) -> None:
    with pytest.raises(DataFileError) as info:
        parse_scenario(own(bank, title="x" * 20_000), "studio")
    (problem,) = info.value.problems
    assert problem.field == "title"
    assert problem.message == "is 20,000 characters long; the limit is 120 characters"


@pytest.mark.parametrize(
    ("path", "limit"),
    [("title", 120), ("context", 1500), ("product.value_points", 300), ("buyer.opening", 600),
     ("buyer.hidden_concern", 1000), ("buyer.resolution", 300), ("buyer.next_step", 300), ("tags", 40),
     ("id", 80)],
)
def test_every_field_has_a_length_limit(path: str, limit: int) -> None:
    assert studio.char_limit(path) == limit


def test_lists_have_a_limit_too(bank: ScenarioBank) -> None:
    check = studio.check(own(bank, tags=[f"t{i}" for i in range(13)]))
    assert [(p.field, p.message) for p in check.problems] == [("tags", "has 13 items; the limit is 12")]


def test_the_shipped_bank_fits_the_limits(bank: ScenarioBank) -> None:
    assert len(bank) >= 30  # the session bank loads strictly: every shipped file passes the limits


def test_a_pasted_text_over_the_size_limit_is_refused_before_it_is_parsed(bank: ScenarioBank) -> None:
    text = studio.scenario_yaml(bank.get("cfo-price-routing"))
    assert len(text) < studio.MAX_YAML_CHARS // 5  # a real scenario is far inside the limit
    huge = text + "# " + "x" * studio.MAX_YAML_CHARS + "\n"
    result = studio.check(huge)
    assert result.scenario is None
    assert [str(p) for p in result.problems] == [
        f"studio: the scenario is {len(huge):,} characters; the limit is {studio.MAX_YAML_CHARS:,}. "
        "Shorten the longest fields"]


def test_the_template_is_valid_but_every_placeholder_is_named() -> None:
    check = studio.check(studio.TEMPLATE)
    assert check.scenario is not None and not check.saveable
    assert {"id", "title", "buyer.opening", "product.value_points"} <= set(check.placeholders)
    with pytest.raises(studio.TemplateUnchanged, match="blank template.*`title`"):
        studio.save(None, None, ScenarioBank(), studio.TEMPLATE)  # type: ignore[arg-type]


def test_a_value_cut_short_by_a_yaml_comment_is_named(bank: ScenarioBank) -> None:
    """A manager's shorthand "#s" in an unquoted item starts a YAML comment: the Studio and `scenarios
    validate` say which value lost what, and that quotes keep it. A comment meant as one ("# ...") is not."""
    text = yaml.safe_dump(bank.get("cfo-price-routing").model_dump(mode="json", exclude_none=True),
                          sort_keys=False)
    items = text.index("  resolution:\n") + len("  resolution:\n")
    shorthand = text[:items] + "  - Puts $ on it, ref #s from her own depots\n" + text[items:]
    check = studio.check(shorthand)
    assert check.scenario is not None
    assert check.cuts == ["buyer.resolution[0]: '#s from her own depots' was read as a YAML comment and "
                          "left out, so the value is 'Puts $ on it, ref'; put the whole value in quotes to "
                          "keep it"]
    assert studio.check(text.replace("difficulty: medium", "difficulty: medium  # or hard")).cuts == []


def test_a_form_edit_changes_its_field_only(bank: ScenarioBank) -> None:
    text = own(bank, rubric="discovery")
    data = yaml.safe_load(text)
    data["buyer"]["facts"] = {"fleet": "We run 85 trucks."}
    text = studio.dump(data)
    text = studio.set_field(text, None, "title", "A new title")
    text = studio.set_field(text, "buyer", "next_step", "")
    out = yaml.safe_load(text)
    assert out["title"] == "A new title" and "next_step" not in out["buyer"]
    assert out["rubric"] == "discovery" and out["buyer"]["facts"] == {"fleet": "We run 85 trucks."}
    assert list(out)[:3] == ["id", "title", "objection"]
    with pytest.raises(studio.StudioError, match="fix it before editing in the form"):
        studio.set_field("id: [broken", None, "title", "x")


def test_with_id_touches_the_id_line_only() -> None:
    text = studio.with_id(studio.TEMPLATE, "my-own")
    assert text.splitlines()[0] == "id: my-own"
    assert text.splitlines()[1:] == studio.TEMPLATE.splitlines()[1:]


def test_diff_and_unsaved() -> None:
    changed = studio.set_field(studio.TEMPLATE, None, "title", "Mine")
    d = studio.diff(studio.TEMPLATE, changed, "start", "yours")
    assert "-title: Short title the rep sees" in d and "+title: Mine" in d
    assert studio.diff(studio.TEMPLATE, studio.TEMPLATE, "a", "b") == ""
    base = studio.Base(studio.TEMPLATE)
    assert base.unsaved(changed) and not base.unsaved(studio.TEMPLATE.replace("context:", "context:  "))


def test_a_shipped_id_always_wins_and_archived_ones_are_not_offered(bank: ScenarioBank) -> None:
    clash = own(bank, title="Short title the rep sees")
    mine = own(bank, id="north-cfo", title="North's CFO")
    old = own(bank, id="old-cfo", title="The old CFO drill")
    merged = studio.bank_with_authored(
        bank, [authored(CFO, clash), authored("north-cfo", mine), authored("old-cfo", old, archived=True)]
    )
    assert merged.get(CFO).title == bank.get(CFO).title
    assert any(p.file == f"studio:{CFO}" for p in merged.problems)
    assert "north-cfo" in merged.ids() and "old-cfo" not in merged.ids()
    assert all(s.id != "old-cfo" for s in merged.list(objection="price"))
    assert merged.get("old-cfo").title == "The old CFO drill"  # old attempts still find their title
    assert len(bank) == len(merged) - 2  # the shipped bank itself is left as it was


def test_sources_offer_edits_of_studio_scenarios_and_copies_of_shipped_ones(bank: ScenarioBank) -> None:
    rows = [authored("north-cfo", own(bank, id="north-cfo", title="North's CFO"))]
    merged = studio.bank_with_authored(bank, rows)
    options = studio.sources(merged, rows)
    assert options["edit:north-cfo"] == "Edit: North's CFO (version 1)"
    assert f"edit:{CFO}" not in options and f"copy:{CFO}" in options
    copy = studio.start_from(f"copy:{CFO}", merged, rows)
    assert copy.scenario_id is None and yaml.safe_load(copy.text)["id"] == "cfo-price-routing-2"
    edit = studio.start_from("edit:north-cfo", merged, rows)
    assert (edit.scenario_id, edit.version) == ("north-cfo", 1)


def test_every_objection_reads_in_words() -> None:
    texts = objection_texts()
    assert set(texts) == set(OBJECTIONS)
    assert objection_label("price") == "Price too high"
    assert objection_label("send_info") == "Just send me some info"
    assert all(objection_label(o) != o for o in OBJECTIONS)


def test_form_lines_keep_the_kind_an_item_was_given(bank: ScenarioBank) -> None:
    data = yaml.safe_load(own(bank))
    first = data["buyer"]["resolution"][0]
    data["buyer"]["resolution"][0] = {"text": first, "kind": "explore"}
    text = studio.set_field(studio.dump(data), "buyer", "resolution", [first, "The rep books a pilot"])
    assert yaml.safe_load(text)["buyer"]["resolution"] == [{"text": first, "kind": "explore"},
                                                          "The rep books a pilot"]
