"""The heatmap and trend read through the store's scope, in the team's time zone, with reviews applied."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from coach_engine.models import Scorecard, SkillScore
from coach_engine.progress import SkillWeek, rep_skill_weeks, team_skill_weeks
from coach_engine.scenarios import ScenarioBank
from coach_engine.store import PermissionDenied, Store, User

from .conftest import Team

SUNDAY_NIGHT_LA = datetime(2026, 11, 23, 5, tzinfo=UTC)  # W47 in Los Angeles (the Falcons' zone), W48 in UTC
TUESDAY = datetime(2026, 11, 24, 17, tzinfo=UTC)


def drill(store: Store, bank: ScenarioBank, rep: User, when: datetime, explore: int) -> int:
    scenario = bank.get("cfo-price-routing")
    a = store.start_attempt(rep, scenario, at=when)
    card = Scorecard(scenario_id=scenario.id, rubric="objection-handling", grader="test",
                     overall=20 * explore, skills=[SkillScore(id="explore", name="Explore", score=explore)])
    store.record_turn(rep, a.id, 0, "buyer", scenario.buyer.opening)
    store.complete_attempt(rep, a.id, card, at=when)
    return a.id


@pytest.fixture
def history(store: Store, team: Team, bank: ScenarioBank) -> dict[str, int]:
    return {
        "rob_sun": drill(store, bank, team.rep, SUNDAY_NIGHT_LA, 2),
        "rob_tue": drill(store, bank, team.rep, TUESDAY, 4),
        "ria_tue": drill(store, bank, team.rep2, TUESDAY, 5),
        "olga_tue": drill(store, bank, team.other_rep, TUESDAY, 1),
    }


def test_team_heatmap_averages_the_team_per_week_in_its_time_zone(
    store: Store, team: Team, history: dict[str, int]
) -> None:
    rows = team_skill_weeks(store, team.manager, "Falcons")  # Olga (Owls) is not in it
    assert rows == [SkillWeek("2026-W47", "explore", 2.0, 1), SkillWeek("2026-W48", "explore", 4.5, 2)]


def test_a_review_overrides_the_grader_in_the_heatmap(
    store: Store, team: Team, history: dict[str, int]
) -> None:
    store.add_review(team.manager, history["ria_tue"], {"explore": 1}, "not yet")
    averages = {r.week: r.average for r in team_skill_weeks(store, team.manager, "Falcons")}
    assert averages == {"2026-W47": 2.0, "2026-W48": 2.5}  # (4 + 1) / 2: Ria's 5 reviewed down to 1


def test_a_reps_trend_is_their_own(store: Store, team: Team, history: dict[str, int]) -> None:
    mine = rep_skill_weeks(store, team.rep)
    assert sum(r.scores for r in mine) == 2
    assert rep_skill_weeks(store, team.manager, team.rep.email) == mine  # the manager sees the same numbers


@pytest.mark.parametrize("who", ["rep", "rep2", "other_manager"])
def test_scope_is_the_stores(store: Store, team: Team, history: dict[str, int], who: str) -> None:
    actor = getattr(team, who)
    with pytest.raises(PermissionDenied):
        team_skill_weeks(store, actor, "Falcons")
    if who != "rep":
        with pytest.raises(PermissionDenied):
            rep_skill_weeks(store, actor, team.rep.email)
