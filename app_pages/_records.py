"""What the pages read and write in the team's store, acting as the signed-in member.

Every store call takes the acting user and enforces scope itself (a rep sees
their own attempts, a manager their team); these helpers only pass
``member.user`` along and shape results for the pages, so no page touches the
store's API directly. Statuses, points and trends are the engine's
(``assignments``, ``leaderboard``, ``memory``), never recomputed here.
"""

from __future__ import annotations

from typing import Any

from app_pages._engine import bank, index_or_none, log, scenario_for, settings, store
from coach_engine.drill_record import DrillRecord
from coach_engine.identity import Member
from coach_engine.models import Scenario, Scorecard, Transcript
from coach_engine.store.weeks import iso_week, shift_week

# --- attempts ---------------------------------------------------------------------------


def start_attempt(who: Member, scenario: Scenario, *, mode: str = "drill") -> int:
    s = settings()
    return store().start_attempt(who.user, scenario, mode=mode, voice=s.effective_voice,
                                 grader=s.effective_grader).id


SAVE_BUDGET_S: float | None = None
"""How long a turn write retries a locked or unavailable database (None: the store's own budget)."""


def drill_record(
    who: Member, scenario: Scenario, attempt_id: int | None, *, mode: str = "drill"
) -> DrillRecord:
    """The drill's record (``coach_engine.drill_record``): a new attempt, or the one being resumed. It is
    the session's ``on_turn``: every turn is written as it happens, and one the database won't take stays
    pending, in order, until the next turn or "Save now" (issue 14)."""
    if attempt_id is None:
        s = settings()
        return DrillRecord.start(store(), who.user, scenario, mode=mode, voice=s.effective_voice,
                                 grader=s.effective_grader, budget=SAVE_BUDGET_S)
    return DrillRecord.resume(store(), who.user, attempt_id, budget=SAVE_BUDGET_S)


def finish_attempt(who: Member, attempt_id: int | None, scorecard: Scorecard,
                   scenario: Scenario | None = None) -> Scorecard:
    """Complete a one-reply attempt (no record kept during it), index its reply, return the enriched card."""
    if attempt_id is None:
        return scorecard
    from coach_engine.memory import remember

    return remember(store(), index_or_none(), who.user, attempt_id, scorecard, scenario)


def record_single_reply(who: Member, scenario: Scenario, reply: str, card: Scorecard,
                        mode: str = "clinic") -> int:
    """Store a one-reply attempt (opening + reply + scorecard) so it counts in progress and trends."""
    attempt_id = start_attempt(who, scenario, mode=mode)
    store().record_turn(who.user, attempt_id, 0, "buyer", scenario.buyer.opening)
    store().record_turn(who.user, attempt_id, 1, "rep", reply)
    finish_attempt(who, attempt_id, card)
    return attempt_id


def unfinished_attempts(who: Member) -> list[Any]:
    return list(store().open_attempts(who.user))


def abandon_attempt(who: Member, attempt_id: int) -> None:
    store().abandon_attempt(who.user, attempt_id)


def stored_turns(who: Member, attempt_id: int) -> list[Any]:
    return list(store().transcript_turns(who.user, attempt_id))


def my_attempts(who: Member, *, objection: str | None = None, status: str | None = None) -> list[Any]:
    return list(store().list_attempts(who.user, objection=objection, status=status))


def attempt_detail(who: Member, attempt_id: int) -> dict[str, Any]:
    """Everything the review screens show about one attempt (``reviews.open_attempt``): the card as
    reviewed, the grader's, the reviews in words. The attempt's rep opening it marks its reviews read."""
    from coach_engine.reviews import open_attempt

    opened = open_attempt(store(), who.user, attempt_id)
    attempt = opened.attempt
    return {
        "attempt": attempt,
        "transcript": Transcript(scenario=attempt.scenario_id, turns=opened.turns),
        "scorecard": opened.card,
        "graded": opened.graded,
        "reviews": opened.reviews,
        "overridden_by": attempt.overridden_by,
        "graded_overall": attempt.graded_overall,
        "scenario": attempt_scenario(attempt),
    }


def attempt_scenario(attempt: Any) -> Scenario | None:
    """The scenario as the attempt ran it (the studio version it recorded), or None if it is gone."""
    try:
        return scenario_for(attempt.scenario_id, content_hash=attempt.scenario_hash)
    except KeyError:
        return None


def _with_memory(who: Member, attempt_id: int, card: Scorecard,
                 scenario: Scenario | None = None) -> Scorecard:
    """A stored scorecard with "from your team" and "your trend" as of now (the stored card is the grade
    alone, so the same card shows the same feedback from memory after a refresh as right after the drill)."""
    from coach_engine.memory import enrich

    try:
        return enrich(store(), index_or_none(), who.user, attempt_id, card, scenario)
    except Exception:
        log.exception("feedback from memory unavailable for attempt %s", attempt_id)
        return card


def latest_result(who: Member) -> dict[str, Any] | None:
    """The member's most recent graded attempt, shaped like ``_engine.last_result`` (after a refresh)."""
    try:
        done = my_attempts(who, status="completed")
    except Exception:
        log.exception("history unavailable")
        return None
    for attempt in done[:5]:
        detail = attempt_detail(who, attempt.id)
        if detail["scorecard"] is not None and detail["scenario"] is not None:
            return {"scenario": detail["scenario"], "transcript": detail["transcript"],
                    "scorecard": _with_memory(who, attempt.id, detail["scorecard"], detail["scenario"]),
                    "attempt_id": attempt.id,
                    "quick": attempt.mode == "warmup", "reviews": detail["reviews"],
                    "when": attempt.completed_at, "overridden_by": detail["overridden_by"],
                    "graded_overall": detail["graded_overall"]}
    return None


# --- assignments and reviews ------------------------------------------------------------


def assignments_for(who: Member) -> list[Any]:
    """This member's assignments with their status (``assignments.AssigneeStatus``)."""
    from coach_engine.assignments import my_assignments

    return list(my_assignments(store(), who.user)) if who.team else []


def assign(who: Member, scenario_id: str, due: Any, *, rep_email: str | None, pass_mark: int,
           min_attempts: int) -> Any:
    """Assign to one rep (by email) or, with ``rep_email=None``, to the manager's whole team.

    Returns ``assignments.Assigned``: ``created`` is False when the same open assignment existed."""
    from coach_engine.assignments import assign as engine_assign

    return engine_assign(store(), who.user, scenario_id, due, user=rep_email,
                         team=None if rep_email else who.team, pass_mark=pass_mark,
                         min_attempts=min_attempts, known_scenarios=bank().ids())


def assignment_matrix(who: Member) -> list[Any]:
    from coach_engine.assignments import assignment_status

    return list(assignment_status(store(), who.user, who.team)) if who.team else []


def open_assignments(who: Member) -> list[Any]:
    """The team's open assignments (``store.Assignment``), by due date."""
    return list(store().assignments_for_team(who.user, who.team)) if who.team else []


def update_assignment(who: Member, assignment_id: int, *, due: Any, pass_mark: int, min_attempts: int) -> Any:
    return store().update_assignment(who.user, assignment_id, due=due, pass_mark=pass_mark,
                                     min_attempts=min_attempts)


def cancel_assignment(who: Member, assignment_id: int) -> Any:
    return store().cancel_assignment(who.user, assignment_id)


def assignment_history(who: Member, assignment_id: int) -> list[Any]:
    """Who created, changed or cancelled it and when (``store.AssignmentEvent``), oldest first."""
    return list(store().assignment_history(who.user, assignment_id))


def team_members(who: Member) -> list[Any]:
    return list(store().team_members(who.user, who.team)) if who.team else []


def team_attempts(who: Member, status: str | None = "completed") -> list[Any]:
    return list(store().team_attempts(who.user, who.team, status=status)) if who.team else []


def add_review(who: Member, attempt_id: int, overrides: dict[str, int], comment: str) -> Any:
    """Save a review (comment, overrides or both); returns the attempt as re-scored (``store.Attempt``)."""
    store().add_review(who.user, attempt_id, overrides, comment)
    return store().get_attempt(who.user, attempt_id)


def review_counts(who: Member) -> dict[int, int]:
    """Attempt id -> how many reviews it has, over the manager's team."""
    return dict(store().review_counts(who.user, who.team)) if who.team else {}


def my_reviews(who: Member) -> list[Any]:
    """The rep's latest reviews, unread first (``reviews.ReviewNotice``)."""
    from coach_engine.reviews import new_reviews

    return list(new_reviews(store(), who.user))


# --- the scenario studio (coach_engine.studio decides; store.authored keeps) --------------------


def studio_save(who: Member, yaml_text: str, *, base_id: str | None, base_version: int | None) -> Any:
    """A new scenario or the next version of ``base_id`` (``studio.Saved``); never an overwrite."""
    from coach_engine.studio import save

    return save(store(), who.user, bank(), yaml_text, base_id=base_id, base_version=base_version)


def authored_scenarios(who: Member) -> list[Any]:
    """Every studio scenario (``store.AuthoredScenario``), archived ones too."""
    return list(store().authored.scenarios(who.user))


def scenario_versions(who: Member, scenario_id: str) -> list[Any]:
    """A studio scenario's versions (``store.ScenarioVersion``), newest first."""
    return list(store().authored.versions(who.user, scenario_id))


def restore_version(who: Member, scenario_id: str, version: int, base_version: int | None) -> Any:
    return store().authored.restore(who.user, scenario_id, version, base_version=base_version)


def set_archived(who: Member, scenario_id: str, archived: bool) -> Any:
    authored = store().authored
    return (authored.archive if archived else authored.unarchive)(who.user, scenario_id)


def move_assignment(who: Member, assignment_id: int) -> Any:
    """Move an open assignment to the latest version of its studio scenario."""
    return store().move_assignment(who.user, assignment_id)


def studio_draft(who: Member) -> Any | None:
    """This manager's unsaved studio work (``store.ScenarioDraft``), if any."""
    return store().authored.draft(who.user)


def keep_studio_draft(who: Member, yaml_text: str, *, base_text: str, base_id: str | None,
                      base_version: int | None) -> None:
    store().authored.save_draft(who.user, yaml_text, base_text=base_text, base_id=base_id,
                                base_version=base_version)


def discard_studio_draft(who: Member) -> None:
    store().authored.discard_draft(who.user)


# --- skill averages per week (coach_engine.progress) ---------------------------------------


def team_skill_weeks(who: Member) -> list[Any]:
    """The team heatmap's cells (``progress.SkillWeek``), in the team's time zone."""
    from coach_engine.progress import team_skill_weeks as weekly

    return list(weekly(store(), who.user, who.team)) if who.team else []


def my_skill_weeks(who: Member) -> list[Any]:
    """This member's skill trend (``progress.SkillWeek``), in their team's time zone."""
    from coach_engine.progress import rep_skill_weeks

    return list(rep_skill_weeks(store(), who.user))


# --- weeks and the leaderboard ------------------------------------------------------------


def recent_weeks(who: Member, n: int = 8) -> list[str]:
    """This ISO week (in the team's time zone) and the ``n - 1`` before it, newest first."""
    the_store = store()
    tz = "UTC"
    if who.team:
        try:
            tz = the_store.get_team(who.user, who.team).timezone
        except Exception:
            log.exception("team time zone unavailable; using UTC")
    this = iso_week(the_store.clock(), tz)
    return [shift_week(this, -i) for i in range(n)]


def leaderboard(who: Member, week: str | None = None) -> Any | None:
    from coach_engine.leaderboard import compute_leaderboard

    return compute_leaderboard(store(), who.user, who.team, week) if who.team else None


def my_standing(who: Member) -> Any | None:
    """This week's leaderboard row for ``who`` (points, drills, streak), if any."""
    try:
        board = leaderboard(who)
    except Exception:
        log.exception("leaderboard unavailable")
        return None
    if board is None:
        return None
    return next((r for r in board.rows if r.user == who.id), None)
