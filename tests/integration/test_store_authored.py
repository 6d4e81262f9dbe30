"""A studio that can't destroy (issue 15), in the store, on real SQLite and PostgreSQL.

* a new scenario never takes an id in use — a shipped file's or a studio scenario's, archived or not —
  and the refusal carries a free id;
* an edit is a new version; a stale edit is refused; a restore is a new version too;
* archive and unarchive, with the team's scope;
* an assignment records the version it was made on, and moves only when the manager moves it;
* a manager's unsaved draft is kept, per manager;
* 0007 makes existing studio scenarios their own version 1 and pins their assignments to it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import insert, select, text

from coach_engine.assignments import describe_event
from coach_engine.models import Scenario
from coach_engine.scenarios import ScenarioBank
from coach_engine.store import (
    NotFound,
    PermissionDenied,
    ScenarioIdTaken,
    Store,
    StoreError,
    VersionConflict,
)
from coach_engine.store.authored import suggest_free_id
from coach_engine.store.engine import alembic_config, make_engine
from coach_engine.store.schema import AssignmentRow, AuthoredScenarioRow, TeamRow, UserRow
from coach_engine.studio import scenario_yaml

from .conftest import Team

CFO = "cfo-price-routing"


def studio_scenario(bank: ScenarioBank, sid: str = "north-cfo-drill", title: str = "Our CFO drill"
                    ) -> Scenario:
    data = bank.get(CFO).model_dump(mode="json")
    return Scenario.model_validate(data | {"id": sid, "title": title})


def save_new(store: Store, team: Team, scenario: Scenario) -> None:
    store.authored.create(team.manager, scenario, scenario_yaml(scenario), reserved={CFO: "the CFO file"})


def test_a_scenario_text_over_the_size_limit_is_not_stored(
    store: Store, team: Team, bank: ScenarioBank
) -> None:
    from coach_engine.store.authored import MAX_YAML_CHARS

    mine = studio_scenario(bank)
    padded = scenario_yaml(mine) + "# " + "x" * MAX_YAML_CHARS + "\n"
    with pytest.raises(StoreError, match=f"the limit is {MAX_YAML_CHARS:,}"):
        store.authored.create(team.manager, mine, padded)
    save_new(store, team, mine)
    with pytest.raises(StoreError, match="characters"):
        store.authored.save_version(team.manager, mine, padded, base_version=1)
    assert store.authored.get(team.manager, mine.id).version == 1


def test_a_new_scenario_never_takes_an_id_in_use(store: Store, team: Team, bank: ScenarioBank) -> None:
    shipped = {i: "a shipped file" for i in bank.shipped()}
    clash = studio_scenario(bank, CFO, "Short title the rep sees")
    with pytest.raises(ScenarioIdTaken, match="taken") as info:
        store.authored.create(team.manager, clash, scenario_yaml(clash), reserved=shipped)
    assert info.value.suggestion == "cfo-price-routing-2"
    assert store.authored.scenarios(team.manager) == []

    mine = studio_scenario(bank)
    save_new(store, team, mine)
    store.authored.archive(team.manager, mine.id)
    again = studio_scenario(bank, mine.id, "Someone else's drill")
    with pytest.raises(ScenarioIdTaken) as info:  # archived ids stay taken: old attempts keep pointing at it
        store.authored.create(team.other_manager, again, scenario_yaml(again), reserved=shipped)
    assert info.value.suggestion == "north-cfo-drill-2"
    (only,) = store.authored.scenarios(team.rep)
    assert (only.version, only.archived, "Our CFO drill" in only.yaml_text) == (1, True, True)


def test_suggested_ids_are_free_and_valid() -> None:
    assert suggest_free_id("cfo", {"cfo", "cfo-2"}) == "cfo-3"
    assert suggest_free_id("cfo-2", {"cfo-2"}) == "cfo-3"
    long = "x" * 80
    free = suggest_free_id(long, {long})
    assert len(free) <= 80 and free.endswith("-2")


def test_edits_are_versions_and_a_stale_edit_is_refused(store: Store, team: Team, bank: ScenarioBank) -> None:
    v1 = studio_scenario(bank)
    save_new(store, team, v1)
    v2 = studio_scenario(bank, title="Our CFO drill, harder")
    row, added = store.authored.save_version(team.manager, v2, scenario_yaml(v2), base_version=1)
    assert (row.version, added) == (2, True)
    same, added = store.authored.save_version(team.manager, v2, scenario_yaml(v2), base_version=2)
    assert (same.version, added) == (2, False)  # nothing new to keep
    with pytest.raises(VersionConflict, match="version 2"):
        store.authored.save_version(team.manager, v1, scenario_yaml(v1), base_version=1)
    with pytest.raises(PermissionDenied, match="another team"):
        store.authored.save_version(team.other_manager, v1, scenario_yaml(v1), base_version=2)
    with pytest.raises(PermissionDenied, match="only managers"):
        store.authored.save_version(team.rep, v1, scenario_yaml(v1), base_version=2)

    restored = store.authored.restore(team.manager, v1.id, 1, base_version=2)
    assert restored.version == 3 and restored.content_hash == v1.content_hash()
    history = store.authored.versions(team.rep, v1.id)
    assert [(v.version, v.note) for v in history] == [(3, "restored from version 1"), (2, ""), (1, "")]
    assert store.authored.version(team.rep, v1.id, content_hash=v2.content_hash()).version == 2
    with pytest.raises(NotFound):
        store.authored.version(team.rep, v1.id, 9)


def test_archive_and_unarchive_keep_everything(store: Store, team: Team, bank: ScenarioBank) -> None:
    s = studio_scenario(bank)
    save_new(store, team, s)
    with pytest.raises(PermissionDenied):
        store.authored.archive(team.other_manager, s.id)
    assert store.authored.archive(team.manager, s.id).archived
    with pytest.raises(StoreError, match="already archived"):
        store.authored.archive(team.manager, s.id)
    assert not store.authored.unarchive(team.admin, s.id).archived
    assert len(store.authored.versions(team.manager, s.id)) == 1


def test_an_assignment_keeps_its_version_until_moved(store: Store, team: Team, bank: ScenarioBank) -> None:
    s = studio_scenario(bank)
    save_new(store, team, s)
    a = store.create_assignment(team.manager, s.id, date(2030, 1, 1), team="Falcons")
    shipped = store.create_assignment(team.manager, CFO, date(2030, 1, 1), team="Falcons")
    assert (a.scenario_version, shipped.scenario_version) == (1, None)
    v2 = studio_scenario(bank, title="Our CFO drill, harder")
    store.authored.save_version(team.manager, v2, scenario_yaml(v2), base_version=1)
    assert store.get_assignment(team.rep, a.id).scenario_version == 1  # a save never moves it

    with pytest.raises(PermissionDenied):
        store.move_assignment(team.other_manager, a.id)
    with pytest.raises(StoreError, match="shipped"):
        store.move_assignment(team.manager, shipped.id)
    moved = store.move_assignment(team.manager, a.id)
    assert moved.scenario_version == 2
    assert store.get_assignment(team.rep, a.id).scenario_version == 2
    history = store.assignment_history(team.manager, a.id)
    assert describe_event(history[0]).endswith("scenario version 1)")
    assert describe_event(history[-1]) == "changed scenario version 1 → 2"


def test_drafts_are_kept_per_manager(store: Store, team: Team) -> None:
    assert store.authored.draft(team.manager) is None
    store.authored.save_draft(team.manager, "id: mine\n", base_text="id: base\n", base_id=None)
    store.authored.save_draft(team.manager, "id: two\n", base_text="id: base\n", base_id="x", base_version=3)
    draft = store.authored.draft(team.manager)
    assert draft is not None
    assert (draft.yaml_text, draft.base_id, draft.base_version) == ("id: two\n", "x", 3)
    assert store.authored.draft(team.other_manager) is None
    with pytest.raises(PermissionDenied):
        store.authored.save_draft(team.rep, "id: r\n", base_text="")
    store.authored.discard_draft(team.manager)
    assert store.authored.draft(team.manager) is None


def test_upgrade_to_0007_makes_each_studio_scenario_its_version_1(db_url: str, bank: ScenarioBank) -> None:
    engine = make_engine(db_url)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0006")
    made = datetime(2026, 11, 20, 9, tzinfo=UTC)
    s = studio_scenario(bank)
    with engine.begin() as conn:
        team_id = conn.execute(
            insert(TeamRow).values(name="Falcons", timezone="UTC", created_at=made).returning(TeamRow.id)
        ).scalar_one()
        mgr = conn.execute(
            insert(UserRow)
            .values(email="mia@f.test", name="Mia", role="manager", team_id=team_id, created_at=made)
            .returning(UserRow.id)
        ).scalar_one()
        conn.execute(
            text(
                "INSERT INTO authored_scenarios (scenario_id, yaml_text, content_hash, author_id, team_id, "
                "created_at, updated_at) VALUES (:sid, :y, :h, :a, :t, :c, :c)"
            ),
            {"sid": s.id, "y": scenario_yaml(s), "h": s.content_hash(), "a": mgr, "t": team_id,
             "c": made.replace(tzinfo=None)},
        )
        for sid in (s.id, CFO):
            conn.execute(
                text(
                    "INSERT INTO assignments (scenario_id, team_id, due, pass_mark, min_attempts, "
                    "created_by, created_at, status) VALUES (:sid, :t, :d, 70, 1, :m, :c, 'open')"
                ),
                {"sid": sid, "t": team_id, "d": date(2026, 11, 27), "m": mgr, "c": made.replace(tzinfo=None)},
            )
    engine.dispose()

    store = Store.open(db_url)
    try:
        manager = store.login("mia@f.test")
        (row,) = store.authored.scenarios(manager)
        assert (row.version, row.archived) == (1, False)
        (v1,) = store.authored.versions(manager, s.id)
        assert v1.content_hash == s.content_hash() and v1.author == "mia@f.test"
        with store.session() as sess:
            q = select(AssignmentRow.scenario_id, AssignmentRow.scenario_version)
            pinned = dict(sess.execute(q).all())
            assert sess.scalar(select(AuthoredScenarioRow.version)) == 1
        assert pinned == {s.id: 1, CFO: None}
    finally:
        store.close()


def test_the_cli_sees_studio_scenarios_too(tmp_path: Path, bank: ScenarioBank) -> None:
    """Issue 16: the studio's scenarios joined the bank only in the app; ``scrimmage`` now merges them too."""
    data_dir = tmp_path / "cli-data"
    store = Store.open(f"sqlite:///{data_dir / 'scrimmage.db'}")
    team = Team(store)
    s = studio_scenario(bank)
    save_new(store, team, s)
    store.close()
    env = dict(os.environ, SCRIMMAGE_DATA_DIR=str(data_dir))
    r = subprocess.run(
        [sys.executable, "-c", "from coach_engine.cli import main; main()",
         "scenarios", "show", s.id, "--json"],
        capture_output=True, text=True, timeout=120, env=env,
    )
    assert r.returncode == 0, r.stderr
    assert '"title": "Our CFO drill"' in r.stdout
