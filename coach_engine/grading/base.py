"""The ``Grader`` interface and the factory that picks one from settings.

Why a protocol with two methods: the app, the CLI, the drill and the evals
only ever need "score this transcript" and "score this one reply"; whether the
checks are decided offline from signals or by an LLM judge is a setting
(``SCRIMMAGE_GRADER``: auto | offline | llm), never a code path in callers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ..models import Outcome, Scenario, Scorecard, Transcript

if TYPE_CHECKING:
    from ..embeddings import Embedder
    from ..llm_quota import HourlyQuota
    from ..settings import Settings

__all__ = ["Grader", "get_grader"]


@runtime_checkable
class Grader(Protocol):
    name: str

    def grade(self, scenario: Scenario, transcript: Transcript, outcome: Outcome | None = None
              ) -> Scorecard:
        """Score a whole drill; ``outcome`` (agreed / walked_away / open) counts for multi-turn drills."""
        ...

    def grade_reply(self, scenario: Scenario, reply: str) -> Scorecard:
        """Score one rep reply to the scenario's opening (only checks a first reply can show)."""
        ...


def get_grader(settings: Settings, embedder: Embedder, chat_model: Any | None = None,
               quota: HourlyQuota | None = None) -> Grader:
    """The offline grader, or the LLM judge (with the offline grader as its fallback).

    ``chat_model`` is injected by tests (``fakes.FakeChatModel``); otherwise the
    judge model is built from settings when the effective grader is ``llm``.
    """
    from .rubric_grader import RubricGrader

    offline = RubricGrader(embedder)
    if settings.grader == "offline" or (chat_model is None and settings.effective_grader != "llm"):
        return offline
    breaker = None
    if chat_model is None:
        settings.require_llm()
        from ..llm import make_chat_model
        from ..llm_guard import breaker_for

        chat_model = make_chat_model(settings, "judge")
        breaker = breaker_for(settings, "judge")  # shared: a dead judge is skipped by every grading
    from .llm_judge import LLMJudge

    return LLMJudge(chat_model, settings, fallback=offline, breaker=breaker, quota=quota)
