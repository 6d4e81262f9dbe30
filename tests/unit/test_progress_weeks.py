"""Skill averages per ISO week (heatmap and trend): team time zone, reviews win, completed only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from coach_engine.progress import SkillWeek, skill_weeks
from coach_engine.store import Attempt

_ids = iter(range(1, 10_000))


def attempt(when: datetime, skills: dict[str, int], status: str = "completed") -> Attempt:
    return Attempt(
        id=next(_ids), user_id=1, user_email="rob@x.test", user_name="Rob", team_id=1,
        scenario_id="cfo-price-routing", scenario_hash="h", objection="price", difficulty="medium",
        mode="drill", voice="scripted", grader="rubric", status=status, outcome="open", overall=60,
        started_at=when, completed_at=when if status == "completed" else None, skills=skills,
    )


MON = datetime(2026, 11, 23, 12, tzinfo=UTC)  # 2026-W48
SUNDAY_NIGHT_LA = datetime(2026, 11, 23, 5, tzinfo=UTC)  # Sunday 21:00 in Los Angeles: still W47 there


def test_averages_each_skill_per_week_oldest_first() -> None:
    rows = skill_weeks([
        attempt(MON, {"explore": 2, "value": 4}),
        attempt(MON, {"explore": 3}),
        attempt(datetime(2026, 11, 16, 9, tzinfo=UTC), {"explore": 1}),
    ])
    assert rows == [
        SkillWeek("2026-W47", "explore", 1.0, 1),
        SkillWeek("2026-W48", "explore", 2.5, 2),
        SkillWeek("2026-W48", "value", 4.0, 1),
    ]


def test_weeks_are_in_the_teams_time_zone() -> None:
    a = attempt(SUNDAY_NIGHT_LA, {"explore": 5})
    assert skill_weeks([a])[0].week == "2026-W48"
    assert skill_weeks([a], "America/Los_Angeles")[0].week == "2026-W47"


def test_unfinished_attempts_do_not_count_and_no_history_is_empty() -> None:
    assert skill_weeks([attempt(MON, {"explore": 1}, status="in_progress")]) == []
    assert skill_weeks([]) == []


def test_last_keeps_the_most_recent_weeks_with_scores() -> None:
    first = datetime(2026, 10, 5, tzinfo=UTC)  # 2026-W41
    history = [attempt(first + timedelta(weeks=i), {"explore": i % 5 + 1}) for i in range(6)]
    weeks = [r.week for r in skill_weeks(history, last=2)]
    assert weeks == ["2026-W45", "2026-W46"]  # six weeks from W41
    assert skill_weeks(history, last=0) == []
