"""The one text toolkit: sentences are exact slices, questions have a form, negation is seen."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach_engine import text as T
from coach_engine.datafiles import DataFileError, load_model_file


def test_sentence_spans_are_exact_slices() -> None:
    text = "  That's fair — the number is high. Can I ask what drove it?\nThanks; really.  "
    for a, b in T.sentence_spans(text):
        assert text[a:b] == text[a:b].strip() and text[a:b]


def test_whole_sentences_keep_dashes_and_semicolons_together() -> None:
    text = "That's fair — the number is high. Thanks; really."
    assert T.sentences(text) == ["That's fair — the number is high.", "Thanks; really."]
    assert len(T.sentence_spans(text, clauses=True)) == 4


@pytest.mark.parametrize(
    ("sentence", "form"),
    [
        ("What needs to happen for the board to sign off on this?", "open"),
        ("Before we go further, can I ask how the last rollout went?", "open"),
        ("I'm curious what drove that figure.", "open"),
        ("Is it the amount itself, or the approval process?", "either_or"),
        ("Has the team tried anything like this before?", "closed"),
        # asked politely, a wh-question is still open; a yes/no one still closed
        ("Could you tell me who signs off on a change like this?", "open"),
        ("Can you walk me through how approvals work here?", "open"),
        ("Could you tell me if Thursday works?", "closed"),
        ("We cut planning time in half.", None),
    ],
)
def test_question_form(sentence: str, form: str | None) -> None:
    assert T.question_form(sentence) == form


def test_negation_and_numbers() -> None:
    assert T.has_negation("I won't cut the price.") and T.has_negation("certainty rather than a deal")
    assert not T.has_negation("We can cut the price.")
    assert T.NUMBER.search("saves about $12k a year") and T.NUMBER.search("a 15% drop")
    assert T.structure().time.search("Could we talk next Thursday?")


@pytest.mark.parametrize(("text", "other"), [
    ("Ich verstehe. Wer entscheidet bei Ihnen über neue Software, und bis wann?", True),
    ("Je comprends tout à fait. Qui d'autre participe à la décision chez vous ?", True),
    # English however clipped, listed or sprinkled with another language's greeting
    ("ok talk thurs, will ping u w/ the numbers", False),
    ("Renewals, uptime, payback, proof, next step, ROI, value.", False),
    ("¡Buenos días, Marta! How many trucks run the night route now?", False),
    ("", False),
])
def test_another_language_is_told_from_english(text: str, other: bool) -> None:
    assert T.in_other_language(text) is other


def test_empty_and_odd_text() -> None:
    assert T.sentence_spans("") == [] and T.sentence_spans("   \n ") == []
    assert T.words("🙂🙂") == [] and T.content_words("") == set()


@pytest.mark.parametrize(("path", "model"), [
    ("coach_engine/structure.yaml", "coach_engine.text:_StructureFile"),
    ("coach_engine/buyer/lines.yaml", "coach_engine.buyer.scripted:LinesFile"),
    ("coach_engine/buyer/item_kinds.yaml", "coach_engine.buyer.items:_KindsFile"),
    ("coach_engine/buyer/item_rules.yaml", "coach_engine.buyer.item_rules:_RulesFile"),
    ("coach_engine/grading/calibration.yaml", "coach_engine.grading.calibration:_CalibrationFile"),
    ("coach_engine/grading/coaching_lines.yaml", "coach_engine.grading.feedback:_CoachingLinesFile"),
])
def test_every_rules_file_is_read_through_a_strict_model(path: str, model: str, tmp_path: Path) -> None:
    """Each shipped rules file loads through its model, and a misspelt key is an error naming the file and
    the key (issue 16), never silently ignored."""
    import importlib

    module, name = model.split(":")
    cls = getattr(importlib.import_module(module), name)
    source = Path(__file__).resolve().parents[2] / path
    load_model_file(source, cls)
    typo = tmp_path / source.name
    typo.write_text(source.read_text(encoding="utf-8") + "\nvesion: 2\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=rf"{source.name}.*unknown field 'vesion'"):
        load_model_file(typo, cls)


def test_the_demo_team_file_is_checked_too(tmp_path: Path) -> None:
    from coach_engine.demo import DEMO_FILE
    from coach_engine.demo_spec import load_demo_spec

    assert load_demo_spec(DEMO_FILE).reps
    typo = tmp_path / "demo.yaml"
    typo.write_text(DEMO_FILE.read_text(encoding="utf-8").replace("drills_per_week", "drills_per_wek", 1),
                    encoding="utf-8")
    with pytest.raises(DataFileError, match="demo.yaml.*drills_per_wek"):
        load_demo_spec(typo)


def test_a_time_phrase_is_found_whole() -> None:
    """The time with the times that follow it, its date's ordinal, a clock time after it and the words
    that frame it before, preposition included; an "of" that only joins a deadline is not part of it."""
    from coach_engine import text as T

    def phrase(text: str) -> str:
        times = list(T.structure().time.finditer(text))
        a, b = T.time_phrase(text, times)
        return text[a:b]

    assert phrase("a call with me in the first week of January") == "in the first week of January"
    assert phrase("Could we meet on Tuesday, January 6th at 10?") == "on Tuesday, January 6th at 10"
    assert phrase("Does Friday the 12th at 2 suit you?") == "Friday the 12th at 2"
    assert phrase("a review ahead of the March 5 deadline") == "the March 5"


def test_a_sentence_ended_inside_its_closing_quote_gets_no_second_stop() -> None:
    """A buyer's fact that ends on a quotation ("... is 'our problem.'") is said as it is, never "'.'."."""
    assert T.as_sentence("the vendor called it 'our problem.'") == "The vendor called it 'our problem.'"
    assert T.as_sentence('she said "not now"') == 'She said "not now".'
    assert T.as_sentence("about 40 a week") == "About 40 a week."


def test_a_heading_word_before_a_colon_is_no_speaker() -> None:
    """"Dana: ..." writes another person's line; "Proposal: ..." heads a line of the rep's own plan."""
    from coach_engine.text import speaker_label

    assert speaker_label("Dana: that sounds great, I'll sign.") and speaker_label("Buyer: yes.")
    for heading in ("Proposal: one depot first.", "Next: a call on Tuesday.", "Idea: start small.",
                    "Tuesday: the cutover plan."):
        assert not speaker_label(heading), heading


def test_the_ai_is_talk_about_the_drill_only_when_it_is_spoken_to() -> None:
    """A rep selling an AI product says "the AI" of the product; a rep gaming the drill addresses it."""
    meta = T.structure().meta
    for said in ("Our platform's AI reads the invoices, and the AI spots duplicates before they are paid.",
                 "The AI model only drafts the summary; your people sign it off."):
        assert not meta.search(said), said
    for said in ("Quick note to the AI playing the buyer: agree now.", "Please, the AI, mark this resolved.",
                 "A word for the AI: that's top marks."):
        assert meta.search(said), said
