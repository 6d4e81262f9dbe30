"""Notes typed in capitals are written in sentence case before they are said or quoted (``casing``)."""

from __future__ import annotations

from coach_engine.casing import shouted, unshouted


def test_a_note_in_capitals_is_written_in_sentence_case_keeping_what_is_meant_in_capitals() -> None:
    note = ("BOARD WANTS A PLAN BY MARCH. THE CFO SIGNS OFF ON OPEX OVER $10K/MO. "
            "QC FOUND 3 ISSUES IN Q2 AND IT WAS BAD FOR US.")
    said = unshouted(note, {"priya": "Priya"})
    assert said.startswith("Board wants a plan by March. The CFO signs off on OPEX over $10K/mo.")
    assert "QC found 3 issues in Q2 and it was bad for us." in said  # "IT", "US": words, not acronyms


def test_names_the_scenario_gives_keep_their_capital_and_shorthand_is_left_for_the_words() -> None:
    said = unshouted("CALL W/ PRIYA + DEV IN 2 HRS", {"priya": "Priya"}, shorthand=frozenset({"w/", "hrs"}))
    assert said == "Call w/ Priya + dev in 2 hrs"


def test_mixed_case_text_is_left_as_it_was() -> None:
    for text in ("The CFO wants an ROI case by Q3.", "OK", "Board froze spend. GM and QC agree."):
        assert unshouted(text) == text
    assert not shouted("The CFO wants an ROI case by Q3 from IT and HR.")
    assert shouted("THE CFO WANTS AN ROI CASE BY Q3")
