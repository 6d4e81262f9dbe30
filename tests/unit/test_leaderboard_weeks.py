"""ISO weeks in a team's time zone and the streak rule, by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from coach_engine.points import streak_length as _streak
from coach_engine.store.weeks import end_of_day_utc, iso_week, parse_week, shift_week, week_bounds


def test_week_of_an_instant_depends_on_the_zone() -> None:
    monday_0730_utc = datetime(2026, 11, 30, 7, 30, tzinfo=UTC)  # Sunday 23:30 in Los Angeles
    assert iso_week(monday_0730_utc, "UTC") == "2026-W49"
    assert iso_week(monday_0730_utc, "America/Los_Angeles") == "2026-W48"
    assert iso_week(datetime(2026, 11, 29, 23, 30, tzinfo=UTC), "Asia/Tokyo") == "2026-W49"


def test_bounds_follow_daylight_saving() -> None:
    # DST ends in Los Angeles on Sunday 1 Nov 2026: that week is 7 days and 1 hour long.
    start, end = week_bounds("2026-W44", "America/Los_Angeles")
    assert start == datetime(2026, 10, 26, 7, tzinfo=UTC)
    assert end == datetime(2026, 11, 2, 8, tzinfo=UTC)
    assert week_bounds("2026-W48", "Europe/Berlin") == (
        datetime(2026, 11, 22, 23, tzinfo=UTC),
        datetime(2026, 11, 29, 23, tzinfo=UTC),
    )


def test_year_boundaries_and_parsing() -> None:
    assert shift_week("2026-W01", -1) == "2025-W52"
    assert shift_week("2026-W53", 0) == "2026-W53"  # 2026 has 53 ISO weeks
    assert iso_week(datetime(2027, 1, 1, 12, tzinfo=UTC)) == "2026-W53"
    with pytest.raises(ValueError, match="like 2026-W48"):
        parse_week("2026-48")
    with pytest.raises(ValueError, match="no ISO week 53"):
        parse_week("2025-W53")


def test_due_date_ends_at_local_midnight() -> None:
    assert end_of_day_utc(date(2026, 11, 27), "America/Los_Angeles") == datetime(2026, 11, 28, 8, tzinfo=UTC)


@pytest.mark.parametrize(
    ("weeks", "expected"),
    [
        (set(), (0, False)),
        ({0}, (1, True)),
        ({0, 1, 2}, (3, True)),
        ({0, 1, 3}, (2, True)),
        ({1, 2}, (2, False)),  # carried from last week until this week reaches the minimum
        ({2, 3}, (0, False)),  # broken last week
    ],
)
def test_streak(weeks: set[int], expected: tuple[int, bool]) -> None:
    assert _streak(weeks) == expected
