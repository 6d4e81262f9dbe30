"""My progress: empty state, attempts table with filters, the manager's review on the detail, and new
reviews leading the page, in words, until the rep opens them."""

from __future__ import annotations

from coach_engine.store import Store
from tests.app.conftest import REP, texts
from tests.app.test_app_leaderboard import complete_drill


def _progress(open_app):
    at = open_app(REP)
    at.switch_page("app_pages/progress.py").run()
    assert not at.exception
    return at


def test_no_attempts_says_what_to_do(open_app):
    at = _progress(open_app)
    assert "No drills yet" in texts(at)


def test_attempts_table_filters_and_review_shows(open_app, tmp_path):
    attempt_id = complete_drill(tmp_path / "data")
    store = Store.open(f"sqlite:///{tmp_path / 'data' / 'scrimmage.db'}")
    manager = store.login("maya@example.com")
    store.add_review(manager, attempt_id, {"explore": 5}, "Lovely first question")
    store.close()

    at = _progress(open_app)
    # a title, not an id
    assert at.dataframe[0].value.iloc[0]["Scenario"] == "Price pushback from a cost-focused CFO"
    assert at.metric[2].value == "1"
    assert "Lovely first question" in texts(at)
    at.selectbox(key="progress_f_objection").set_value("timing").run()
    assert "No attempts match" in texts(at)


def test_new_reviews_lead_the_page_in_words_until_opened(open_app, tmp_path):
    complete_drill(tmp_path / "data", scenario_id="saas-budget-spend-freeze")
    reviewed = complete_drill(tmp_path / "data")
    complete_drill(tmp_path / "data", scenario_id="saas-budget-spend-freeze")  # the newest: opened by default
    store = Store.open(f"sqlite:///{tmp_path / 'data' / 'scrimmage.db'}")
    manager, sam = store.login("maya@example.com"), store.login(REP)
    graded = store.scorecard(manager, reviewed)
    was = graded.skill("confirm-advance").score
    store.add_review(manager, reviewed, {"confirm-advance": 5}, "Ask for the next step every time")
    attempt = store.get_attempt(sam, reviewed)

    at = _progress(open_app)
    shown = texts(at)
    assert "New reviews (1)" in shown
    assert "Maya Chen reviewed “Price pushback from a cost\\-focused CFO”" in shown  # Markdown-escaped
    assert f"overall {graded.overall} → {attempt.overall}" in shown
    assert f"Confirm and advance {was}/5 → 5/5" in shown  # in words, not "confirm-advance → 5"
    assert "confirm-advance" not in shown
    table = at.dataframe[0].value.set_index("Scenario")
    assert table.loc["Price pushback from a cost-focused CFO", "Review"] == "overridden by Maya Chen"
    assert table.loc["Price pushback from a cost-focused CFO", "Overall"] == attempt.overall
    assert "overridden by Maya Chen" in shown  # the skill chart's note

    assert [r.seen_at for r in store.reviews(sam, reviewed)] == [None]  # not opened yet
    at.button(key=f"progress_open_review_{store.reviews(sam, reviewed)[0].id}").click().run()
    assert not at.exception
    assert at.session_state["progress_pick"] == reviewed
    assert "✍️ Overridden by Maya Chen" in texts(at)
    assert store.reviews(sam, reviewed)[0].seen_at is not None
    at.run()
    assert "Latest reviews" in texts(at) and "New reviews" not in texts(at)
