"""Scenario studio: checked as you type, never an overwrite, versions with diff and restore, archive,
drafts that survive leaving the page, assignments pinned to a version, objections in words."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import yaml

from coach_engine import studio
from coach_engine.models import Scenario
from coach_engine.scenarios import ScenarioBank
from coach_engine.store import Store
from tests.app.conftest import MANAGER, REP, texts
from tests.conftest import BANK_DIR

CFO = "cfo-price-routing"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """The app's own database (tests/app/conftest seeds it in tmp_path/data)."""
    s = Store.open(f"sqlite:///{tmp_path / 'data' / 'scrimmage.db'}")
    yield s
    s.close()


def own_yaml(sid: str = "north-cfo", title: str = "North's CFO drill", **changes: object) -> str:
    """A scenario of our own (no template placeholders left), as the studio writes YAML."""
    data = yaml.safe_load(studio.scenario_yaml(ScenarioBank.from_dirs([BANK_DIR]).get(CFO)))
    return studio.dump(data | {"id": sid, "title": title, **changes})


def create(store: Store, text: str) -> Scenario:
    scenario = Scenario.model_validate(yaml.safe_load(text))
    store.authored.create(store.login(MANAGER), scenario, text)
    return scenario


def _studio(open_app):
    at = open_app(MANAGER)
    at.switch_page("app_pages/studio.py").run()
    assert not at.exception
    return at


def _type_yaml(at, text: str):
    at.text_area(key="studio_yaml").input(text).run()
    assert not at.exception
    return at


def _errors(at) -> str:
    return "\n".join(e.value for e in at.error).replace("\\", "")  # messages are shown escaped (_ui.safe)


def test_the_blank_template_must_be_changed_before_it_saves(open_app, store):
    at = _studio(open_app)
    assert "Valid:" in texts(at)
    assert "placeholder" in "\n".join(w.value for w in at.warning)
    at.button(key="studio_save").click().run()
    assert not at.exception
    assert "blank template" in _errors(at) and "`title`" in _errors(at)
    assert store.authored.scenarios(store.login(MANAGER)) == []


def test_broken_yaml_shows_the_loaders_messages(open_app):
    at = _studio(open_app)
    broken = at.text_area(key="studio_yaml").value.replace("objection: price", "objection: pricing")
    broken = broken.replace("  hidden_concern: The real reason, revealed only when the rep explores.\n", "")
    _type_yaml(at, broken)
    errors = _errors(at)
    assert "`buyer.hidden_concern`" in errors and "required field is missing" in errors
    assert "must be one of" in errors
    assert not any(b.key == "studio_save" for b in at.button)


def test_the_form_is_checked_as_you_type(open_app):
    """No button press: a 20,000-character title in the form is refused at once, naming field and limit."""
    at = _studio(open_app)
    at.text_input(key="studio_f_title").input("x" * 20_000).run()
    assert not at.exception
    assert "x" * 200 in at.text_area(key="studio_yaml").value  # the form wrote into the YAML by itself
    errors = _errors(at)
    assert "`title` (Title)" in errors and "the limit is 120 characters" in errors
    assert not any(b.key == "studio_save" for b in at.button)


def test_saving_a_new_scenario_puts_it_in_the_bank(open_app, store):
    at = _type_yaml(_studio(open_app), own_yaml("studio-made-scenario", "A studio-made scenario"))
    assert at.button(key="studio_save").label == "Save as a new scenario"
    at.button(key="studio_save").click().run()
    assert not at.exception
    assert "as a new scenario" in texts(at)
    assert at.button(key="studio_save").label == "Save as version 2"  # now editing what was saved

    rep = open_app(REP)
    rep.text_input(key="practice_f_query").input("studio-made").run()
    assert any(b.key == "practice_pick_studio-made-scenario" for b in rep.button)


def test_a_new_scenario_with_a_shipped_id_is_refused_with_a_free_id(open_app, store):
    """Issue 15: this replaced the team's CFO drill and its live assignments. Now it is refused."""
    at = _type_yaml(_studio(open_app), own_yaml(CFO, "Our own CFO drill"))
    at.button(key="studio_save").click().run()
    assert not at.exception
    assert "is taken" in _errors(at) and "cfo-price-routing-2" in _errors(at)
    assert store.authored.scenarios(store.login(MANAGER)) == []

    at.button(key="studio_use_free_id").click().run()
    assert at.text_input(key="studio_f_id").value == "cfo-price-routing-2"
    at.button(key="studio_save").click().run()
    assert not at.exception
    ids = [a.scenario_id for a in store.authored.scenarios(store.login(MANAGER))]
    assert ids == ["cfo-price-routing-2"]
    rep = open_app(REP)
    rep.text_input(key="practice_f_query").input("cost-focused CFO").run()
    assert any(b.key == f"practice_pick_{CFO}" for b in rep.button)  # the shipped one, untouched


def test_copying_a_shipped_scenario_gets_its_own_id(open_app):
    at = _studio(open_app)
    at.selectbox(key="studio_source").set_value(f"copy:{CFO}").run()
    assert not at.exception
    assert at.text_input(key="studio_f_buyer_name").value == "Dana Whitfield"
    assert at.text_input(key="studio_f_id").value == "cfo-price-routing-2"
    assert "never changed by the studio" in texts(at)


def test_editing_makes_a_version_with_a_diff_and_a_restore(open_app, store):
    create(store, own_yaml(title="North's CFO drill"))
    at = _studio(open_app)
    at.selectbox(key="studio_source").set_value("edit:north-cfo").run()
    at.text_input(key="studio_f_title").input("North's CFO drill, harder").run()
    assert "Unsaved changes" in texts(at)
    assert any("+title: North's CFO drill, harder" in c.value for c in at.code)  # your changes
    at.button(key="studio_save").click().run()
    assert not at.exception
    assert "Saved as version 2" in texts(at)
    assert "Unsaved changes" not in texts(at)

    diff = "\n".join(c.value for c in at.code)
    assert "-title: North's CFO drill\n" in diff and "+title: North's CFO drill, harder" in diff
    at.button(key="studio_restore").click().run()
    assert not at.exception
    assert "Restored version 1 as version 3" in texts(at)
    assert at.text_input(key="studio_f_title").value == "North's CFO drill"
    versions = store.authored.versions(store.login(MANAGER), "north-cfo")
    assert [(v.version, v.note) for v in versions] == [(3, "restored from version 1"), (2, ""), (1, "")]


def test_a_live_assignment_keeps_its_version_until_the_manager_moves_it(open_app, store):
    create(store, own_yaml(title="North's CFO drill"))
    manager = store.login(MANAGER)
    a = store.create_assignment(manager, "north-cfo", date(2030, 1, 1), team="north")
    assert a.scenario_version == 1
    v2 = own_yaml(title="North's CFO drill, harder")
    store.authored.save_version(manager, Scenario.model_validate(yaml.safe_load(v2)), v2, base_version=1)

    rep = open_app(REP)
    assert "North's CFO drill" in texts(rep) and "harder" not in texts(rep)
    rep.button(key=f"practice_assigned_{a.id}").click().run()
    assert not rep.exception
    assert rep.subheader[0].value == "North's CFO drill"  # the brief of version 1
    rep.button(key="practice_start").click().run()
    assert not rep.exception
    (attempt,) = store.open_attempts(manager, REP)
    assert attempt.scenario_hash == Scenario.model_validate(yaml.safe_load(own_yaml())).content_hash()

    at = _studio(open_app)
    at.selectbox(key="studio_source").set_value("edit:north-cfo").run()
    assert "drills use version 1 (latest is 2)" in texts(at)
    at.button(key=f"studio_move_{a.id}").click().run()
    assert not at.exception
    assert "now uses version 2" in texts(at)
    assert store.get_assignment(manager, a.id).scenario_version == 2


def test_archive_hides_a_scenario_from_pickers_and_keeps_old_titles(open_app, store):
    scenario = create(store, own_yaml(title="North's CFO drill"))
    rep_user = store.login(REP)
    attempt = store.start_attempt(rep_user, scenario)
    store.abandon_attempt(rep_user, attempt.id)

    at = _studio(open_app)
    at.selectbox(key="studio_source").set_value("edit:north-cfo").run()
    at.button(key="studio_archive").click().run()
    assert not at.exception
    assert "is archived" in texts(at)

    rep = open_app(REP)
    rep.text_input(key="practice_f_query").input("North").run()
    assert not any(b.key == "practice_pick_north-cfo" for b in rep.button)
    team = open_app(MANAGER)
    team.switch_page("app_pages/team.py").run()
    assert "north-cfo" not in team.selectbox(key="team_assign_scenario").options
    rep.switch_page("app_pages/progress.py").run()
    assert not rep.exception
    assert any("North's CFO drill" in df.value.to_string() for df in rep.dataframe)  # the title, not an id

    at.button(key="studio_unarchive").click().run()
    assert not at.exception
    rep = open_app(REP)
    rep.text_input(key="practice_f_query").input("North").run()
    assert any(b.key == "practice_pick_north-cfo" for b in rep.button)


def test_unsaved_work_survives_leaving_the_page(open_app, store):
    at = _studio(open_app)
    at.text_input(key="studio_f_title").input("Half-written title").run()
    assert "Unsaved changes" in texts(at)
    draft = store.authored.draft(store.login(MANAGER))
    assert draft is not None and "Half-written title" in draft.yaml_text

    at.text_input(key="studio_f_title").input("Short title the rep sees").run()  # typed back: nothing unsaved
    assert "Unsaved changes" not in texts(at) and store.authored.draft(store.login(MANAGER)) is None
    at.text_input(key="studio_f_title").input("Half-written title").run()

    again = _studio(open_app)  # a new browser session: the work comes back
    assert "Restored your unsaved work" in texts(again)
    assert again.text_input(key="studio_f_title").value == "Half-written title"
    again.button(key="studio_discard").click().run()
    assert not again.exception
    assert "Unsaved changes" not in texts(again)
    assert again.text_input(key="studio_f_title").value == "Short title the rep sees"
    assert store.authored.draft(store.login(MANAGER)) is None


def test_opening_another_scenario_with_unsaved_changes_asks_first(open_app):
    at = _studio(open_app)
    at.text_input(key="studio_f_title").input("Mine, not saved").run()
    at.selectbox(key="studio_source").set_value(f"copy:{CFO}").run()
    assert not at.exception
    assert "You have unsaved changes" in texts(at)
    assert at.text_input(key="studio_f_title").value == "Mine, not saved"
    at.button(key="studio_keep_editing").click().run()
    assert "You have unsaved changes" not in texts(at)
    at.selectbox(key="studio_source").set_value(f"copy:{CFO}").run()
    at.button(key="studio_confirm_switch").click().run()
    assert at.text_input(key="studio_f_buyer_name").value == "Dana Whitfield"


def test_objections_read_in_words(open_app):
    at = _studio(open_app)
    box = at.selectbox(key="studio_f_objection")
    assert box.value == "price"
    assert "Valid: “Short title the rep sees” (Price too high, medium)" in texts(at)


def test_test_drill_runs_without_saving(open_app):
    at = _studio(open_app)
    at.button(key="studio_test_start").click().run()
    assert not at.exception
    at.text_input(key="studio_test_reply").input("What's behind that concern?")
    next(b for b in at.button if b.label == "Send").click().run()
    assert not at.exception
    assert "Buyer state:" in texts(at)


def test_concern_lines_go_through_the_form_and_stay_out_when_empty(open_app):
    at = _studio(open_app)
    assert "concern_lines" not in at.text_area(key="studio_yaml").value  # optional: not written when empty
    lines = "Something happened last year.\nWe lost a client over it."
    at.text_area(key="studio_f_concern_lines").input(lines).run()
    yaml_text = at.text_area(key="studio_yaml").value
    assert "concern_lines:" in yaml_text and "- We lost a client over it." in yaml_text
    assert "Valid:" in texts(at)
    at.text_area(key="studio_f_concern_lines").input("").run()
    assert "concern_lines" not in at.text_area(key="studio_yaml").value


def test_without_concern_lines_authors_see_what_the_buyer_will_say(open_app):
    """Issue 13: the words a rep will hear, in the buyer's first person and in stages, are on the page while
    the author has written no concern lines of their own."""
    data = yaml.safe_load(own_yaml())
    data["buyer"].pop("concern_lines", None)
    data["buyer"]["hidden_concern"] = ("Last spring Dana's team lost a month to a tool that never worked. "
                                       "She will not be blamed for a second one.")
    at = _type_yaml(_studio(open_app), studio.dump(data))
    info = "\n".join(i.value for i in at.info).replace("\\", "")
    assert "Last spring my team lost a month to a tool that never worked." in info
    assert "Then, on the next good question:" in info and "I won't be blamed for a second one." in info


def test_authors_are_told_of_a_pronoun_the_buyer_may_say_of_themselves(open_app):
    """A "he" nobody can place stays as written; the page says so and what to write instead, as validate."""
    data = yaml.safe_load(own_yaml())
    data["buyer"].pop("concern_lines", None)
    data["buyer"]["hidden_concern"] = "Ravi runs the yard, and he says the crews can't spare a week."
    at = _type_yaml(_studio(open_app), studio.dump(data))
    warnings = "\n".join(w.value for w in at.warning).replace("\\", "")
    assert "can't tell whether 'he' means the buyer" in warnings and "concern_lines" in warnings


def test_authors_are_told_a_proof_item_needs_proof_points(open_app):
    """A proof item with no proof points to read references against: the page says what to add."""
    data = yaml.safe_load(own_yaml())
    data["product"].pop("proof_points", None)
    data["buyer"]["resolution"] = [{"text": "Backs the claim with another depot's result", "kind": "proof"}]
    at = _type_yaml(_studio(open_app), studio.dump(data))
    warnings = "\n".join(w.value for w in at.warning).replace("\\", "")
    assert "asks for proof, but product.proof_points is empty" in warnings


def test_authors_see_how_each_resolution_item_is_read(open_app, monkeypatch):
    """Issue 13: the buyer's reading of every item is on the page, and an unsure one says to set kind:. Read
    with the packaged sentence model, as authors' items are (the words-only fallback is the degraded mode)."""
    monkeypatch.setenv("SCRIMMAGE_EMBEDDING_BACKEND", "local")
    data = yaml.safe_load(own_yaml())
    data["buyer"]["resolution"] = ["Finds out how many depots they run today", "Blue sky synergy alignment",
                                   {"text": "Anything at all", "kind": "proof"}]
    at = _type_yaml(_studio(open_app), studio.dump(data))
    assert any(e.label == "How the buyer reads your 3 resolution item(s)" for e in at.expander)
    shown = "\n".join(m.value for m in at.markdown).replace("\\", "")
    assert "read as 'uncover'" in shown and "as its kind: says" in shown
    warnings = "\n".join(w.value for w in at.warning).replace("\\", "")
    assert "set kind: to be sure" in warnings and "Blue sky synergy alignment" in warnings
