"""My progress: empty state, attempts table with filters, and the manager's review on the detail."""

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
    assert at.dataframe[0].value.iloc[0]["Scenario"] == "cfo-price-routing"
    assert at.metric[2].value == "1"
    assert "Lovely first question" in texts(at)
    at.selectbox(key="progress_f_objection").set_value("timing").run()
    assert "No attempts match" in texts(at)
