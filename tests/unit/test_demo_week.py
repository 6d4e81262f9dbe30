"""The demo's leaderboard is alive whenever it is opened, Monday morning included."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from coach_engine.demo import _moments
from coach_engine.store.weeks import iso_week


def test_early_in_the_week_a_rep_has_an_early_warm_up_not_an_empty_week() -> None:
    tz = "America/Chicago"
    now = datetime(2026, 12, 7, 6, 40, tzinfo=UTC)  # 00:40 on a Monday in Chicago
    week = iso_week(now, tz)
    for seed in range(20):
        moments = _moments(random.Random(seed), week, tz, 3, now)
        assert len(moments) == 1 and all(m < now for m in moments)
        assert iso_week(moments[0], tz) == week
    # later in the week the drills are office hours already gone, as before
    wednesday = datetime(2026, 12, 9, 23, 0, tzinfo=UTC)
    moments = _moments(random.Random(1), week, tz, 4, wednesday)
    assert moments and all(m < wednesday for m in moments)
    assert _moments(random.Random(1), week, tz, 0, now) == []
