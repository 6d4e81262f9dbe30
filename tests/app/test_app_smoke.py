"""Every page a role can open renders without an exception, signed in as that role."""

from __future__ import annotations

import pytest

from coach_engine.identity import ADMIN_PAGES, MANAGER_PAGES, REP_PAGES
from tests.app.conftest import ADMIN, MANAGER, REP

PATHS = {"practice": "practice", "scorecard": "scorecard", "warmup": "warmup", "clinic": "clinic",
         "progress": "progress", "team": "team", "leaderboard": "leaderboard", "studio": "studio",
         "people": "people", "audit": "audit", "account": "account"}


@pytest.mark.parametrize(("who", "pages"), [(REP, REP_PAGES), (MANAGER, MANAGER_PAGES), (ADMIN, ADMIN_PAGES)])
def test_every_page_renders(open_app, who, pages):
    at = open_app(who)
    for page in pages:
        at.switch_page(f"app_pages/{PATHS[page]}.py").run()
        assert not at.exception, f"{page} raised for {who}: {at.exception}"
        assert at.title, f"{page} has no title"


def test_an_emptied_database_is_not_seeded_over(open_app, tmp_path):  # type: ignore[no-untyped-def]
    """Issue 14: a 0-byte database file stops the app with what happened and how to restore, instead of the
    demo team quietly replacing what was lost."""
    (tmp_path / "data" / "scrimmage.db").write_bytes(b"")
    at = open_app()
    assert not at.exception
    shown = "\n".join(e.value for e in at.error)
    assert "is empty (0 bytes)" in shown and "Restore it from your backup" in shown
    assert (tmp_path / "data" / "scrimmage.db").stat().st_size == 0  # nothing was written over it
