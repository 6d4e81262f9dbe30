"""The offline voice retells a manager's concern in plainer words and keeps its facts (issue 13)."""

from __future__ import annotations

import pytest

from coach_engine import text as T
from coach_engine.buyer.persona import concern_stages
from coach_engine.buyer.retelling import RUN, longest_shared_run, retold
from coach_engine.scenarios import ScenarioBank

SOURCE = ("In 2020 the old payroll vendor went live three months late and cost the clinic about $52k, and "
          "the owner blamed Ana for picking it.")


def test_the_longest_shared_run_counts_words_in_a_row() -> None:
    assert longest_shared_run("the owner blamed me", "and the owner blamed Ana") == 3
    assert longest_shared_run("nothing alike here", SOURCE) == 0


def test_a_line_that_shares_no_run_comes_back_as_it_was() -> None:
    line = "I went live with payroll software once and it was late."
    assert retold(line, SOURCE) == line


def test_a_pasted_line_is_retold_with_its_facts_kept() -> None:
    line = ("In 2020 the old payroll vendor went live three months late and cost the clinic about $52k, and "
            "the owner blamed me for picking it.")
    said = retold(line, SOURCE)
    assert longest_shared_run(line, SOURCE) >= RUN > longest_shared_run(said, SOURCE)
    for fact in ("2020", "payroll", "three months", "52", "owner", "picking"):
        assert fact in said


def test_figures_and_plain_words_are_said_in_every_retold_line() -> None:
    assert retold("We were quoted $48k, in order to cover 12% more sites.", "unrelated") == (
        "We were quoted 48 grand, to cover 12 percent more sites.")
    # a currency's code or sign is written, never said: its name follows the amount
    assert retold("The refit ran to GBP 220,000.", "unrelated") == "The refit ran to 220 thousand pounds."
    assert retold("We paid €60k for it.", "unrelated") == "We paid 60 thousand euros for it."
    assert retold("Fees are CHF 950 a month.", "unrelated") == "Fees are 950 francs a month."


def test_a_word_is_varied_only_where_a_run_of_the_managers_words_needs_breaking() -> None:
    line = "Our largest site runs two shifts on weekends."
    assert retold(line, "Nothing in common with that.") == line
    said = retold(line, line)
    assert "biggest site" in said and longest_shared_run(said, line) < RUN


@pytest.mark.parametrize("line", [
    'The board said "no new spend until the audit closes and the auditors sign off".',
    "Sales fell over the summer because of the shortage in the warehouse and the trucks.",
])
def test_quoted_words_and_phrasal_verbs_are_left_alone(line: str) -> None:
    said = retold(line, line)
    assert ("no new spend until the audit closes and the auditors sign off" in said) == ('"' in line)
    assert "dropped over" not in said and "since of" not in said


def test_a_clause_after_and_becomes_a_sentence_of_its_own() -> None:
    source = "The project ran a full quarter over its plan, and my director mentions it at every review."
    said = retold(source, source)
    assert "plan. My director" in said
    assert "and my director" not in said


def test_a_concern_without_lines_is_told_in_plainer_words(bank: ScenarioBank) -> None:
    base = bank.get("cfo-price-routing")
    concern = ("Two years ago Lena's team purchased a routing add-on that went live late, and the drivers "
               "hated it. She is not going to champion another rollout the drivers reject.")
    buyer = base.buyer.model_copy(update={"concern_lines": [], "hidden_concern": concern})
    story, stake = concern_stages(base.model_copy(update={"buyer": buyer}))
    for piece in (story, stake):
        assert piece and longest_shared_run(piece, concern) < RUN, piece
    assert "bought" in story and "drivers" in story and T.words(stake)[0] == "i"
