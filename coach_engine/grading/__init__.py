"""Grading: rubric scores with quoted evidence, offline or by an LLM judge, plus coaching.

``get_grader(settings, embedder)`` picks the grader; both implement
``Grader.grade`` / ``Grader.grade_reply`` and share one scoring module, so a
number means the same thing whichever decided the checks.
"""

from __future__ import annotations

from .base import Grader, get_grader
from .delivery import delivery_notes
from .feedback import build_feedback, try_instead
from .llm_judge import JudgeVerdict, LLMJudge, verify_quote
from .rubric_grader import RubricGrader, reply_transcript
from .scoring import OUTCOME_ADJUSTMENT, SHARE_TO_SCORE, score_from_share

__all__ = [
    "OUTCOME_ADJUSTMENT",
    "SHARE_TO_SCORE",
    "Grader",
    "JudgeVerdict",
    "LLMJudge",
    "RubricGrader",
    "build_feedback",
    "delivery_notes",
    "get_grader",
    "reply_transcript",
    "score_from_share",
    "try_instead",
    "verify_quote",
]
