"""Manager reviews that stick: an override re-scores the attempt with the grader's own arithmetic.

A review is a comment, per-skill score overrides (1-5), or both, and the store
keeps every one. What an override *means* is decided here, once, for the store,
the pages and the CLI:

* ``rescore(card, overrides)`` (``grading.rescore``, below the store, handed on
  here): the grader's card with the manager's skill scores, and the overall
  those scores give through the grader's code —
  ``grading.scoring.overall_from_skills``, the drill's outcome adjustment
  (``rubric_grader.outcome_adjustment``), the integrity caps and the calibration
  map (``grading.calibration``). Which cap and which map made the card's own
  overall is read off the card by reproducing that overall from its own skill
  scores (``how_made``), so cards stored before this module re-score the same
  way, and with no override ``rescore`` gives back the grader's number exactly.
  The store calls it when it saves a review: ``attempts.overall`` — what the
  leaderboard, the roll-ups, the assignments and the CSV read — becomes the
  reviewed overall, and the grader's stays in ``attempts.graded_overall``.
* ``describe_overrides``: an override in words ("Confirm and advance 3/5 → 4/5").
* ``review_queue``: the manager's queue. The attempt being reviewed stays in it
  while its form is open, even once it has a review. Streamlit handles a form's
  submission only when the form is drawn again, so dropping a just-commented
  attempt from an "only unreviewed" queue silently lost the override saved on
  it next (issue 15): the store had kept both reviews it was given.
* ``open_attempt`` and ``new_reviews``: an attempt with its reviewed card, for
  both sides of a review, and the reviews a rep has not opened yet (opening the
  attempt marks them read).
* ``export_rows``: the team's attempts for the CSV, with names and titles, and
  the overall and the skills both after overrides, so a row agrees with itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from .grading.rescore import Making, how_made, rescore
from .models import Scorecard, Turn

if TYPE_CHECKING:
    from .store import Attempt, Review, Store, User

__all__ = [
    "EXPORT_ID_COLUMNS",
    "Making",
    "ReviewLine",
    "ReviewNotice",
    "ReviewedAttempt",
    "describe_overrides",
    "export_rows",
    "how_made",
    "new_reviews",
    "open_attempt",
    "queue_label",
    "rescore",
    "review_lines",
    "review_queue",
    "reviewed_card",
    "skill_names",
]

QUEUE_SIZE = 50
"""How many of the team's most recent attempts the review queue offers."""


@lru_cache(maxsize=1)
def skill_names() -> dict[str, str]:
    """Skill id -> display name across the packaged rubrics."""
    from .rubrics import get_rubric, rubric_ids

    names: dict[str, str] = {}
    for rid in rubric_ids():
        names.update({s.id: s.name for s in get_rubric(rid).skills})
    return names


def _skill_name(skill_id: str, card: Scorecard | None) -> str:
    if card is not None:
        for s in card.skills:
            if s.id == skill_id:
                return s.name
    return skill_names().get(skill_id) or skill_id.replace("-", " ").capitalize()


def describe_overrides(overrides: Mapping[str, int], graded: Scorecard | None) -> list[str]:
    """Each override in words, against the grader's score: "Confirm and advance 3/5 → 4/5"."""
    scores = {s.id: s.score for s in graded.skills} if graded is not None else {}
    lines = []
    for skill_id, score in overrides.items():
        name = _skill_name(skill_id, graded)
        was = scores.get(skill_id)
        lines.append(f"{name} {was}/5 → {score}/5" if was is not None else f"{name} → {score}/5")
    return lines


# --- the manager's queue ------------------------------------------------------------------


def review_queue(
    attempts: Sequence[Attempt],
    reviewed: Mapping[int, int],
    *,
    only_new: bool,
    keep: int | None = None,
    size: int = QUEUE_SIZE,
) -> list[Attempt]:
    """The team's ``size`` most recent attempts, or those without a review — but always ``keep``.

    ``reviewed``: attempt id -> how many reviews it has. ``keep`` is the attempt whose review form is
    open: it stays until the manager moves on, so a second save on it is never lost.
    """
    recent = list(attempts[:size])
    return [a for a in recent if not only_new or not reviewed.get(a.id) or a.id == keep]


def queue_label(attempt: Attempt, title: str, reviews: int = 0) -> str:
    """One line of the queue: rep, scenario title, score, when, and whether it was reviewed."""
    when = f"{attempt.completed_at:%a %d %b %H:%M}" if attempt.completed_at else "unfinished"
    parts = [attempt.user_name, title, f"{attempt.overall}/100", when]
    if attempt.overridden_by:
        parts.append(f"overridden by {attempt.overridden_by}")
    elif reviews:
        parts.append("reviewed")
    return " · ".join(parts)


# --- one attempt, both sides of the review ---------------------------------------------------


@dataclass(frozen=True)
class ReviewLine:
    """A stored review as the pages show it."""

    review: Review
    changes: list[str]
    """The overrides in words (``describe_overrides``)."""

    @property
    def new(self) -> bool:
        """Not opened by the rep yet (as it was before this read)."""
        return self.review.seen_at is None

    @property
    def by(self) -> str:
        return self.review.reviewer_name or self.review.reviewer


@dataclass(frozen=True)
class ReviewedAttempt:
    attempt: Attempt
    turns: list[Turn]
    card: Scorecard | None
    """What both sides see: the grader's card with the manager's skill scores and their overall."""
    graded: Scorecard | None
    """The grader's card as stored."""
    reviews: list[ReviewLine]

    @property
    def overridden_by(self) -> str | None:
        return self.attempt.overridden_by


def reviewed_card(attempt: Attempt, graded: Scorecard | None) -> Scorecard | None:
    """The grader's card with the manager's skill scores, as the store scored it (``attempt.overall``)."""
    if graded is None or not attempt.reviewed_skills:
        return graded
    overrides = {k: attempt.skills[k] for k in attempt.reviewed_skills if k in attempt.skills}
    try:
        card = rescore(graded, overrides)
    except ValueError:  # a stored score the card does not have: the grader's card as it is
        return graded
    if attempt.overall is not None and attempt.overall != card.overall:  # re-scored by older code
        card = card.model_copy(update={"overall": attempt.overall})
    return card


def review_lines(reviews: Sequence[Review], graded: Scorecard | None) -> list[ReviewLine]:
    return [ReviewLine(r, describe_overrides(r.overrides, graded)) for r in reviews]


def open_attempt(store: Store, actor: User, attempt_id: int) -> ReviewedAttempt:
    """One attempt with its reviewed card and reviews; its rep opening it marks the reviews read."""
    attempt = store.get_attempt(actor, attempt_id)
    graded = store.scorecard(actor, attempt_id)
    lines = review_lines(store.reviews(actor, attempt_id), graded)
    if actor.id == attempt.user_id and any(line.new for line in lines):
        store.mark_reviews_seen(actor, attempt_id)
    return ReviewedAttempt(
        attempt=attempt,
        turns=store.transcript_turns(actor, attempt_id),
        card=reviewed_card(attempt, graded),
        graded=graded,
        reviews=lines,
    )


# --- what the rep has not read yet -----------------------------------------------------------


@dataclass(frozen=True)
class ReviewNotice:
    """A review of one of the rep's attempts, for My progress."""

    line: ReviewLine
    attempt: Attempt

    @property
    def new(self) -> bool:
        return self.line.new

    @property
    def when(self) -> datetime:
        return self.line.review.created_at

    def headline(self, title: Callable[[str], str]) -> str:
        """"Maya Chen reviewed “Price pushback …” (Tue 01 Dec): overall 49 → 62"."""
        a = self.attempt
        done = f"{a.completed_at:%a %d %b}" if a.completed_at else f"{a.started_at:%a %d %b}"
        text = f"{self.line.by} reviewed “{title(a.scenario_id)}” ({done})"
        if self.line.review.overrides and a.graded_overall is not None and a.overall is not None:
            text += f": overall {a.graded_overall} → {a.overall}"
        return text


def new_reviews(store: Store, actor: User, *, limit: int = 5) -> list[ReviewNotice]:
    """The rep's latest reviews, newest first: every unread one, topped up to ``limit`` with read ones."""
    every = store.rep_reviews(actor)
    unread = [r for r in every if r.seen_at is None]
    read = [r for r in every if r.seen_at is not None][: max(0, limit - len(unread))]
    shown = sorted(unread + read, key=lambda r: (r.created_at, r.id), reverse=True)
    attempts: dict[int, Attempt] = {}
    cards: dict[int, Scorecard | None] = {}
    out = []
    for r in shown:
        if r.attempt_id not in attempts:
            attempts[r.attempt_id] = store.get_attempt(actor, r.attempt_id)
            cards[r.attempt_id] = store.scorecard(actor, r.attempt_id)
        line = ReviewLine(r, describe_overrides(r.overrides, cards[r.attempt_id]))
        out.append(ReviewNotice(line, attempts[r.attempt_id]))
    return out


# --- the team's export ------------------------------------------------------------------------

EXPORT_ID_COLUMNS = ("Attempt", "Email", "Scenario id")
"""Columns the CSV keeps for joins and the on-screen table leaves out (people read names, not ids)."""
KINDS = {"drill": "Drill", "warmup": "Warm-up", "clinic": "Clinic"}
OUTCOMES = {"agreed": "Agreed", "walked_away": "Walked away", "open": "No decision"}


def export_rows(attempts: Sequence[Attempt], title: Callable[[str], str]) -> list[dict[str, object]]:
    """The team's attempts as the export shows them, one row each, agreeing with itself.

    The overall and the skill columns are both after the manager's overrides (the overall is what
    ``rescore`` made of those skills), with the grader's overall and the manager's name next to them.
    """
    from .objections import objection_label

    names = skill_names()
    rows: list[dict[str, object]] = []
    for a in attempts:
        row: dict[str, object] = {
            "Attempt": a.id,
            "Rep": a.user_name,
            "Email": a.user_email,
            "Scenario": title(a.scenario_id),
            "Scenario id": a.scenario_id,
            "Objection": objection_label(a.objection),
            "Difficulty": a.difficulty,
            "Kind": KINDS.get(a.mode, a.mode),
            "Outcome": OUTCOMES.get(a.outcome or "", a.outcome or ""),
            "Overall": a.overall,
            "Grader's overall": a.graded_overall if a.graded_overall is not None else a.overall,
            "Overridden by": a.overridden_by or "",
            "Completed (UTC)": f"{a.completed_at:%Y-%m-%d %H:%M}" if a.completed_at else "",
        }
        row.update({names.get(k, k): v for k, v in a.skills.items()})
        rows.append(row)
    return rows
