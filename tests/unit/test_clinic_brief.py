"""The clinic shows what it coaches on: the brief of each opening holds every benefit, figure and proof a
one-reply card can ask for or offer as a line to try (issue 15: it coached a benefit it never showed)."""

from __future__ import annotations

import re

import pytest

from coach_engine.drills import clinic_brief
from coach_engine.embeddings import HashEmbedder
from coach_engine.grading import get_grader
from coach_engine.grading.feedback import try_instead
from coach_engine.scenarios import ScenarioBank
from coach_engine.settings import Settings

REPLIES = [
    "OK. It is a good product.",
    "I understand. What's behind that?",
    "We can give you a discount if you sign today.",
    "That's fair. Our customers see great results; let's book a call Tuesday.",
]


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip(".").lower()


def test_the_brief_shows_the_product_value_proof_and_situation_but_never_the_concern(bank: ScenarioBank):
    for s in bank.list():
        brief = clinic_brief(s)
        assert brief.product == s.product.name and brief.summary == s.product.summary
        assert brief.value_points == tuple(s.product.value_points) and brief.value_points
        assert brief.proof_points == tuple(s.product.proof_points)
        assert brief.situation == s.context and s.buyer.role in brief.buyer
        shown = " ".join(brief.lines())
        assert s.buyer.hidden_concern.strip() not in shown
        assert not any(r in shown for r in s.buyer.resolution_texts)


@pytest.mark.parametrize("reply", REPLIES)
def test_a_clinic_card_asks_only_for_what_the_brief_shows(bank: ScenarioBank, reply: str):
    grader = get_grader(Settings(embedding_backend="hash"), HashEmbedder())
    for s in bank.list():
        brief = clinic_brief(s)
        shown = {_plain(line) for line in brief.lines()}
        card = grader.grade_reply(s, reply)
        failed = {c.id for sk in card.skills for c in sk.checks if not c.passed}
        if "states-value" in failed:
            assert brief.value_points, s.id
        if "quantifies-value" in failed:
            assert any(re.search(r"\d", p) for p in brief.value_points), s.id
        if "gives-proof" in failed:
            assert brief.proof_points, s.id
        product_lines = {_plain(p) for p in (*s.product.value_points, *s.product.proof_points)}
        for imp in card.improvements:
            if _plain(imp.try_instead) in product_lines:  # a line built from the scenario's own material
                assert _plain(imp.try_instead) in shown, (s.id, imp.try_instead)


def test_the_lines_to_try_for_proof_and_figures_quote_the_brief(bank: ScenarioBank):
    """The tip is the brief's own point, said in words ("6+ months" is "over 6 months")."""
    from coach_engine.buyer.casual import written_out

    for s in bank.list():
        shown = {_plain(written_out(line, s)) for line in clinic_brief(s).lines()}
        for check in ("gives-proof", "quantifies-value"):
            assert _plain(try_instead(s, check)) in shown, (s.id, check)
