"""Scenario studio: live validation with the loader's messages, form <-> YAML, save, test drill."""

from __future__ import annotations

from tests.app.conftest import MANAGER, REP, texts


def _studio(open_app):
    at = open_app(MANAGER)
    at.switch_page("app_pages/studio.py").run()
    assert not at.exception
    return at


def test_template_is_valid_and_exportable(open_app):
    at = _studio(open_app)
    assert "Valid:" in texts(at)
    assert any(b.key == "studio_save" for b in at.button)


def test_broken_yaml_shows_the_loaders_messages(open_app):
    at = _studio(open_app)
    broken = at.text_area(key="studio_yaml").value.replace("objection: price", "objection: pricing")
    concern = "  hidden_concern: >\n    The real reason, revealed only when the rep explores.\n"
    broken = broken.replace(concern, "")
    at.text_area(key="studio_yaml").input(broken).run()
    assert not at.exception
    errors = "\n".join(e.value for e in at.error)
    assert "`buyer.hidden_concern`" in errors and "required field is missing" in errors
    assert "must be one of" in errors
    assert not any(b.key == "studio_save" for b in at.button)


def test_form_writes_yaml_and_saving_puts_it_in_the_bank(open_app):
    at = _studio(open_app)
    at.text_input(key="studio_f_id").input("studio-made-scenario")
    at.text_input(key="studio_f_title").input("A studio-made scenario")
    at.button(key="studio_to_yaml").click().run()
    assert "id: studio-made-scenario" in at.text_area(key="studio_yaml").value
    at.button(key="studio_save").click().run()
    assert not at.exception
    assert "Saved." in texts(at)

    rep = open_app(REP)
    rep.text_input(key="practice_f_query").input("studio-made").run()
    assert any(b.key == "practice_pick_studio-made-scenario" for b in rep.button)


def test_editing_a_bank_scenario_fills_the_form(open_app):
    at = _studio(open_app)
    at.selectbox(key="studio_source").set_value("cfo-price-routing").run()
    assert not at.exception
    assert at.text_input(key="studio_f_buyer_name").value == "Dana Whitfield"
    assert "Valid:" in texts(at)


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
    at.button(key="studio_to_yaml").click().run()
    assert "concern_lines" not in at.text_area(key="studio_yaml").value  # optional: not written when empty
    lines = "Something happened last year.\nWe lost a client over it."
    at.text_area(key="studio_f_concern_lines").input(lines)
    at.button(key="studio_to_yaml").click().run()
    yaml_text = at.text_area(key="studio_yaml").value
    assert "concern_lines:" in yaml_text and "- We lost a client over it." in yaml_text
    assert "Valid:" in texts(at)
