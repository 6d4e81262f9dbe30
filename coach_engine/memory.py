"""Feedback from memory: "from your team" and "your trend" on a scorecard.

A grade says how this attempt went; memory says what better looked like on
*this team* and whether the rep is getting better at *this objection*. Both
come from stored history (the grader is never run again here):

* ``from_team``: up to three replies by teammates to the same objection type
  that scored higher than this attempt and are close in meaning to what this
  rep said (``AttemptIndex.team_best``), with who and when — each reply text
  once, since teammates (and scripted demo reps) often give the same line.
  A reply the grader marked with an anti-pattern in its own attempt ("Name
  your price and I'll get close to it." is discount-first) is never a
  model answer, however well the rest of that drill scored: the grader's
  stored reading decides (``Store.flagged_turns``), not a list of phrases;
* ``trend``: the rep's weekly average on this objection type (ISO weeks in the
  team's time zone), shown only when there is history beyond this attempt.

``remember`` is the one call after a drill ends: it completes the attempt,
indexes its graded rep turns and returns the enriched scorecard.

The index is a copy of what the database holds (``scrimmage index rebuild``
makes it again), so it never costs a rep a drill: if Chroma fails while a
drill is saved or its feedback is read, the attempt is stored and graded, the
scorecard says the team's answers are unavailable for now, and the rep's next
drill indexes the ones missed (``catch_up``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import TYPE_CHECKING

from .models import Scorecard, TeamExample, TrendPoint
from .store import Store, User
from .store.index import AttemptIndex, ReplyHit
from .store.weeks import iso_week, shift_week

if TYPE_CHECKING:
    from .models import Scenario

__all__ = ["INDEX_DOWN_NOTE", "catch_up", "enrich", "index_attempt", "remember", "team_examples", "trend"]

log = logging.getLogger(__name__)
INDEX_DOWN_NOTE = ("The team's answers are unavailable right now (the reply index did not answer); this "
                   "drill is saved and graded, and joins them once the index is back.")
CATCH_UP = 20
"""How many of the rep's latest completed attempts a saved drill checks are in the index."""

TREND_WEEKS = 6
_CANDIDATES_PER_EXAMPLE = 5
"""How many candidates to ask the index for per example shown, so duplicates can be dropped."""


def _team_timezone(store: Store, actor: User, team_id: int | None) -> str:
    return store.team_by_id(actor, team_id).timezone if team_id is not None else "UTC"


def index_attempt(store: Store, index: AttemptIndex, actor: User, attempt_id: int) -> int:
    """Index a completed attempt's rep turns; returns how many replies were stored."""
    attempt = store.get_attempt(actor, attempt_id)
    card = store.scorecard(actor, attempt_id)
    if card is None or attempt.status != "completed":
        return 0
    tz = _team_timezone(store, actor, attempt.team_id) if attempt.team_id is not None else "UTC"
    return index.add_attempt(attempt, store.transcript_turns(actor, attempt_id), card, tz)


def team_examples(
    store: Store, index: AttemptIndex, actor: User, attempt_id: int, k: int = 3
) -> list[TeamExample]:
    """Better-scoring teammate replies to the same objection, close to this attempt's replies.

    The query vectors are this attempt's own, as ``index_attempt`` stored them
    (``team_best`` reads them back through ``exclude_attempt``): the scorecard's
    "from your team" embeds nothing, whether right after the drill or later in
    another process.
    """
    attempt = store.get_attempt(actor, attempt_id)  # enforces read scope
    owner = store.login(attempt.user_email)
    texts = [t.text for t in store.transcript_turns(actor, attempt_id) if t.role == "rep"]
    hits = index.team_best(
        owner,
        texts,
        objection=attempt.objection,
        exclude_attempt=attempt.id,
        min_overall=attempt.overall or 0,
        k=k * _CANDIDATES_PER_EXAMPLE,
    )
    flagged = store.flagged_turns(actor, {h.attempt_id for h in hits}) if hits else {}
    # A reply the grader marked with an anti-pattern anywhere is not a model answer anywhere.
    seen = {_same_text(h.text) for h in hits if h.turn in flagged.get(h.attempt_id, set())}
    unique: list[ReplyHit] = []
    for h in hits:  # best first: the first hit of a text is its best-scoring one
        key = _same_text(h.text)
        if key not in seen:
            seen.add(key)
            unique.append(h)
    return [
        TeamExample(
            user=h.user,
            name=h.name,
            text=h.text,
            overall=h.overall,
            when=h.when.date().isoformat(),
            scenario_id=h.scenario_id,
        )
        for h in unique[:k]
    ]


def _same_text(text: str) -> str:
    """Replies that differ only in case, spacing or end punctuation are the same reply."""
    return " ".join(text.casefold().split()).rstrip(".!?… ")


def trend(store: Store, actor: User, attempt_id: int, weeks: int = TREND_WEEKS) -> list[TrendPoint]:
    """The rep's weekly average on this attempt's objection type, oldest first (empty without history)."""
    attempt = store.get_attempt(actor, attempt_id)
    history = store.list_attempts(actor, attempt.user_email, status="completed", objection=attempt.objection)
    if not any(a.id != attempt.id for a in history):
        return []
    tz = _team_timezone(store, actor, attempt.team_id)
    when = attempt.completed_at or attempt.started_at
    last = iso_week(when, tz)
    wanted = {shift_week(last, -i) for i in range(weeks)}
    scores: dict[str, list[int]] = defaultdict(list)
    for a in history:
        w = iso_week(a.completed_at or a.started_at, tz)
        if w in wanted and a.overall is not None and (a.completed_at or a.started_at) <= when:
            scores[w].append(a.overall)
    return [
        TrendPoint(week=w, average=round(sum(v) / len(v), 1), attempts=len(v))
        for w, v in sorted(scores.items())
    ]


def enrich(
    store: Store,
    index: AttemptIndex | None,
    actor: User,
    attempt_id: int,
    scorecard: Scorecard | None = None,
    scenario: Scenario | None = None,
) -> Scorecard:
    """The scorecard with ``from_team`` and ``trend`` filled from history (when there is any).

    Given the ``scenario``, a miss whose move a better teammate reply on this drill shows gets that
    teammate's sentence as its "try instead" (``grading.team_lines``)."""
    card = scorecard or store.scorecard(actor, attempt_id)
    if card is None:
        raise KeyError(f"attempt {attempt_id} has no scorecard yet")
    try:
        examples = team_examples(store, index, actor, attempt_id) if index is not None else []
    except Exception:  # the index did not answer: the card without the team's answers, and saying so
        log.exception("reply index unavailable for the feedback of attempt %s", attempt_id)
        return _without_index(store, actor, attempt_id, card)
    card = card.model_copy(update={"from_team": examples, "trend": trend(store, actor, attempt_id)})
    if scenario is not None and examples and index is not None:
        from .grading.team_lines import from_team_answers

        card = from_team_answers(card, scenario, examples, index.embedder)
    return card


def catch_up(store: Store, index: AttemptIndex, actor: User, limit: int = CATCH_UP) -> int:
    """Index the actor's latest completed attempts that the index lacks (saved while it was down);
    returns how many replies were added. One lookup per team and objection type."""
    recent = [a for a in store.list_attempts(actor, status="completed", limit=limit) if a.team_id is not None]
    groups: dict[tuple[int, str], list[int]] = defaultdict(list)
    for a in recent:
        groups[(int(a.team_id), a.objection)].append(a.id)  # type: ignore[arg-type]
    present: set[int] = set()
    for (team_id, objection), ids in groups.items():
        present |= index.indexed_attempts(team_id, objection, ids)
    added = 0
    for a in recent:
        if a.id in present:
            continue
        card = store.scorecard(actor, a.id)
        turns = store.transcript_turns(actor, a.id)
        if card is not None and any(t.role == "rep" and t.text.strip() for t in turns):
            added += index.add_attempt(a, turns, card, _team_timezone(store, actor, a.team_id))
    return added


def remember(
    store: Store, index: AttemptIndex | None, actor: User, attempt_id: int, scorecard: Scorecard,
    scenario: Scenario | None = None,
) -> Scorecard:
    """Complete the attempt with its scorecard, index its replies (and any of the rep's recent ones the
    index missed), and return the enriched card. The attempt is stored whatever the index does."""
    store.complete_attempt(actor, attempt_id, scorecard)
    if index is not None:
        try:
            index_attempt(store, index, actor, attempt_id)
            catch_up(store, index, actor)
        except Exception:  # the index is a copy of the database: it may fail, the drill may not
            log.exception("reply index unavailable while saving attempt %s", attempt_id)
            return _without_index(store, actor, attempt_id, scorecard)
    return enrich(store, index, actor, attempt_id, scorecard, scenario)


def _without_index(store: Store, actor: User, attempt_id: int, scorecard: Scorecard) -> Scorecard:
    notes = [*scorecard.notes, INDEX_DOWN_NOTE] if INDEX_DOWN_NOTE not in scorecard.notes else scorecard.notes
    return scorecard.model_copy(update={"notes": notes, "trend": trend(store, actor, attempt_id)})
