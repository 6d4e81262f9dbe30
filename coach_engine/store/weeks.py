"""ISO weeks in a team's time zone, as UTC instants the database can compare.

A team in Los Angeles that drills on Sunday evening has practised in *that*
week, even though it is already Monday in UTC. So week boundaries are computed
here with ``zoneinfo`` (local Monday 00:00, daylight saving included) and SQL
only compares instants: the same query works on SQLite and PostgreSQL.

A completed attempt also stores its local week as an integer, ``year * 100 +
week`` (``week_number``: ``2026-W48`` is 202648), so the leaderboard groups
by week without converting instants at query time. The numbers sort like the
weeks, so a run of consecutive weeks is one ``BETWEEN``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def iso_week(moment: datetime, tz: str = "UTC") -> str:
    """The ISO week label (``2026-W48``) of an aware instant, seen in time zone ``tz``."""
    local = moment.astimezone(ZoneInfo(tz))
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


def week_number(label: str) -> int:
    """``2026-W48`` -> 202648 (what ``attempts.week`` stores)."""
    year, week = parse_week(label)
    return year * 100 + week


def week_label(number: int) -> str:
    """202648 -> ``2026-W48``."""
    return f"{number // 100}-W{number % 100:02d}"


def local_week_number(moment: datetime, tz: str = "UTC") -> int:
    """The stored week of an instant: its ISO week in ``tz`` as ``year * 100 + week``."""
    year, week, _ = moment.astimezone(ZoneInfo(tz)).isocalendar()
    return year * 100 + week


def parse_week(label: str) -> tuple[int, int]:
    m = _WEEK.match(label.strip())
    if not m:
        raise ValueError(f"'{label}' is not an ISO week; write it like 2026-W48")
    year, week = int(m.group(1)), int(m.group(2))
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(f"{year} has no ISO week {week}") from None
    return year, week


def week_monday(label: str) -> date:
    year, week = parse_week(label)
    return date.fromisocalendar(year, week, 1)


def week_of_date(d: date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"


def shift_week(label: str, weeks: int) -> str:
    return week_of_date(week_monday(label) + timedelta(weeks=weeks))


def local_midnight_utc(d: date, tz: str) -> datetime:
    """Local 00:00 of ``d`` in ``tz`` as a UTC instant."""
    return datetime.combine(d, time(0), tzinfo=ZoneInfo(tz)).astimezone(UTC)


def week_bounds(label: str, tz: str = "UTC") -> tuple[datetime, datetime]:
    """[start, end) of the ISO week in ``tz``, as UTC instants."""
    monday = week_monday(label)
    return local_midnight_utc(monday, tz), local_midnight_utc(monday + timedelta(days=7), tz)


def end_of_day_utc(d: date, tz: str = "UTC") -> datetime:
    """The first instant after local day ``d`` (a due date is "by the end of that day")."""
    return local_midnight_utc(d + timedelta(days=1), tz)
