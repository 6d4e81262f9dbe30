"""Reviews that stick, on real SQLite and PostgreSQL (issue 15, part 3).

* every review is kept: a comment, then an override on the same attempt, then another override;
* an override re-scores the attempt through the grader's arithmetic (``reviews.rescore``), and the
  stored overall, the scorecard both sides open, the leaderboard (average and "overridden by"), the
  skill chart's weeks and the CSV rows all carry that one number;
* the rep's new reviews stay new until the rep opens the attempt (a manager opening it does not count);
* teammates may ask which replies the grader flagged (for "from your team"), other teams may not;
* migration 0006 re-scores attempts reviewed before it, and its downgrade gives the grader's back.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import select

from coach_engine.embeddings import CachedEmbedder, HashEmbedder
from coach_engine.grading import Grader, get_grader
from coach_engine.leaderboard import compute_leaderboard
from coach_engine.models import Scenario, Scorecard, Transcript, Turn
from coach_engine.progress import rep_skill_weeks
from coach_engine.reviews import export_rows, new_reviews, open_attempt, rescore, skill_names
from coach_engine.scenarios import ScenarioBank
from coach_engine.settings import Settings
from coach_engine.store import PermissionDenied, Store, StoreError, User
from coach_engine.store.engine import alembic_config, make_engine
from coach_engine.store.schema import WeekRepRow

from .conftest import Team

WEEK = "2026-W48"  # Mon 23 Nov - Sun 29 Nov 2026 in Los Angeles (the Falcons' zone)
WHEN = datetime(2026, 11, 25, 18, tzinfo=UTC)
REPLIES = ["That's fair. What's behind the number?",
           "In its first year Hartley Freight saved $210k. Could a paid pilot the board signs off on work?"]


@pytest.fixture(scope="module")
def grader() -> Grader:
    return get_grader(Settings(embedding_backend="hash"), CachedEmbedder(HashEmbedder()))


def graded_drill(store: Store, user: User, scenario: Scenario, grader: Grader,
                 replies: list[str] = REPLIES) -> tuple[int, Scorecard]:
    turns = [Turn(role="buyer", text=scenario.buyer.opening)]
    for reply in replies:
        turns += [Turn(role="rep", text=reply), Turn(role="buyer", text="Go on.")]
    attempt = store.start_attempt(user, scenario, at=WHEN)
    for i, t in enumerate(turns):
        store.record_turn(user, attempt.id, i, t.role, t.text)
    card = grader.grade(scenario, Transcript(scenario=scenario.id, turns=turns), "open")
    store.complete_attempt(user, attempt.id, card, at=WHEN + timedelta(minutes=5))
    return attempt.id, card


def test_every_review_is_kept_and_an_override_rescores_everywhere(
    store: Store, team: Team, bank: ScenarioBank, grader: Grader
) -> None:
    store.clock = lambda: WHEN + timedelta(hours=1)
    scenario = bank.get("cfo-price-routing")
    aid, card = graded_drill(store, team.rep, scenario, grader)
    was = {s.id: s.score for s in card.skills}

    with pytest.raises(StoreError, match="comment or a changed score"):
        store.add_review(team.manager, aid, {}, "   ")
    store.add_review(team.manager, aid, {}, "Good first question")
    a = store.get_attempt(team.rep, aid)
    assert (a.overall, a.graded_overall, a.overridden_by) == (card.overall, None, None)

    store.add_review(team.manager, aid, {"confirm-advance": 5}, "")  # after a comment-only review
    a = store.get_attempt(team.rep, aid)
    expected = rescore(card, {"confirm-advance": 5}).overall
    assert expected != card.overall
    assert (a.overall, a.graded_overall, a.overridden_by) == (expected, card.overall, "Mia Manager")
    assert a.skills["confirm-advance"] == 5 and a.reviewed_skills == ("confirm-advance",)

    store.add_review(team.manager, aid, {"explore": 5}, "and the question was better than I said")
    a = store.get_attempt(team.manager, aid)
    assert a.overall == rescore(card, {"confirm-advance": 5, "explore": 5}).overall
    assert a.graded_overall == card.overall  # the grader's number, not the first review's
    reviews = store.reviews(team.rep, aid)
    assert [(r.overrides, r.comment, r.reviewer_name) for r in reviews] == [
        ({}, "Good first question", "Mia Manager"),
        ({"confirm-advance": 5}, "", "Mia Manager"),
        ({"explore": 5}, "and the question was better than I said", "Mia Manager"),
    ]
    assert store.scorecard(team.rep, aid) == card  # the grader's card is never written over

    # Both sides open the same reviewed card, with the overrides in words.
    opened = open_attempt(store, team.rep, aid)
    assert opened.card is not None and opened.card.overall == a.overall
    assert opened.card.skill("confirm-advance").score == 5 and opened.graded == card
    assert opened.reviews[1].changes == [f"Confirm and advance {was['confirm-advance']}/5 → 5/5"]

    # The leaderboard averages the reviewed overall and says who overrode it.
    board = compute_leaderboard(store, team.manager, "Falcons", WEEK)
    rob = next(r for r in board.rows if r.name == "Rob Rep")
    assert (rob.drills, rob.average, rob.overridden_by) == (1, float(a.overall), ("Mia Manager",))
    assert rob.reviewed_label == "overridden by Mia Manager"

    # The skill chart's week says the manager's score is in it.
    weeks = {w.skill_id: w for w in rep_skill_weeks(store, team.rep)}
    assert weeks["confirm-advance"].average == 5
    assert weeks["confirm-advance"].overridden_by == ("Mia Manager",)
    assert weeks["delivery"].overridden_by == ()

    # The CSV agrees with itself: its overall is what the grader's code makes of its skill columns.
    row = export_rows(store.team_attempts(team.manager, "Falcons"), lambda sid: bank.get(sid).title)[0]
    names = skill_names()
    from_row = {sid: row[name] for sid, name in names.items() if name in row}
    assert row["Overall"] == a.overall == rescore(card, from_row).overall
    assert (row["Grader's overall"], row["Overridden by"]) == (card.overall, "Mia Manager")
    assert row["Scenario"] == scenario.title and row["Confirm and advance"] == 5


def test_the_rep_sees_new_reviews_until_they_open_the_attempt(
    store: Store, team: Team, bank: ScenarioBank, grader: Grader
) -> None:
    aid, card = graded_drill(store, team.rep, bank.get("cfo-price-routing"), grader)
    assert new_reviews(store, team.rep) == []
    store.add_review(team.manager, aid, {"confirm-advance": 4}, "Ask for the next step")
    notices = new_reviews(store, team.rep)
    assert [n.new for n in notices] == [True]
    overall = store.get_attempt(team.rep, aid).overall
    title = bank.get("cfo-price-routing").title
    assert notices[0].headline(lambda sid: bank.get(sid).title).startswith(f"Mia Manager reviewed “{title}”")
    assert notices[0].headline(lambda sid: sid).endswith(f"overall {card.overall} → {overall}")

    open_attempt(store, team.manager, aid)  # the manager looking again is not the rep reading it
    assert [n.new for n in new_reviews(store, team.rep)] == [True]
    opened = open_attempt(store, team.rep, aid)
    assert [line.new for line in opened.reviews] == [True]  # shown as new this once ...
    assert [n.new for n in new_reviews(store, team.rep)] == [False]  # ... then read, still listed

    with pytest.raises(PermissionDenied):
        store.mark_reviews_seen(team.rep2, aid)
    with pytest.raises(PermissionDenied):
        store.rep_reviews(team.rep2, team.rep.email)
    with pytest.raises(PermissionDenied):
        store.review_counts(team.rep, "Falcons")
    assert store.review_counts(team.manager, "Falcons") == {aid: 1}
    assert [r.attempt_id for r in store.rep_reviews(team.manager, team.rep.email)] == [aid]


def test_teammates_may_ask_which_replies_the_grader_flagged(
    store: Store, team: Team, bank: ScenarioBank, grader: Grader
) -> None:
    discount = "Name the price you need and I'll get as close to it as I can."
    aid, card = graded_drill(store, team.rep, bank.get("cfo-price-routing"), grader, [REPLIES[0], discount])
    assert store.flagged_turns(team.rep2, [aid]) == {aid: {3}} == {aid: card.flagged_turns()}
    with pytest.raises(PermissionDenied):
        store.flagged_turns(team.other_rep, [aid])


def test_migration_0006_rescores_reviewed_attempts(
    db_url: str, store: Store, team: Team, bank: ScenarioBank, grader: Grader
) -> None:
    aid, card = graded_drill(store, team.rep, bank.get("cfo-price-routing"), grader)
    store.add_review(team.manager, aid, {"confirm-advance": 5, "explore": 5}, "")
    reviewed = store.get_attempt(team.rep, aid).overall
    assert reviewed != card.overall
    store.close()

    engine = make_engine(db_url)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0005")
    with engine.connect() as conn:
        assert conn.execute(select(WeekRepRow.overall_sum)).scalar_one() == card.overall
    engine.dispose()

    again = Store.open(db_url)  # 0006 again: the stored override re-scores the attempt
    a = again.get_attempt(team.rep, aid)
    assert (a.overall, a.graded_overall, a.overridden_by) == (reviewed, card.overall, "Mia Manager")
    with again.session() as s:
        assert s.execute(select(WeekRepRow.overall_sum)).scalar_one() == reviewed
    again.close()



def test_a_skill_not_yet_due_is_no_skill_figure(store: Store, team: Team, bank: ScenarioBank,
                                                embedder: CachedEmbedder) -> None:
    """A one-reply drill that explored leaves respond and advance out of its overall, and out of the rep's
    skill figures (chart, CSV); once a manager scores one, it counts there too."""
    store.clock = lambda: WHEN + timedelta(hours=1)
    scenario = bank.get("cfo-price-routing")
    card = get_grader(Settings(), embedder).grade_reply(scenario, REPLIES[0])
    waiting = sorted(s.id for s in card.skills if not s.due)
    assert waiting == ["confirm-advance", "respond-value"]
    attempt = store.start_attempt(team.rep, scenario, at=WHEN, mode="clinic")
    store.record_turn(team.rep, attempt.id, 0, "buyer", scenario.buyer.opening)
    store.record_turn(team.rep, attempt.id, 1, "rep", REPLIES[0])
    store.complete_attempt(team.rep, attempt.id, card, at=WHEN + timedelta(minutes=1))
    a = store.get_attempt(team.rep, attempt.id)
    assert a.skills and set(waiting).isdisjoint(a.skills)
    store.add_review(team.manager, attempt.id, {waiting[0]: 4}, "")
    assert store.get_attempt(team.rep, attempt.id).skills[waiting[0]] == 4
