"""People, Audit trail and My account: managers invite and disable their reps, admins do the rest and read
the trail, everyone manages their own password and sessions — each decided by the engine."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from coach_engine.store import SYSTEM, AccountStore, AuditLog, Store
from tests.app.conftest import ADMIN, APP, MANAGER, PASSWORD, REP, REP2, texts


def db(tmp_path: Path) -> Store:
    return Store.open(f"sqlite:///{tmp_path / 'data' / 'scrimmage.db'}")


def people(open_app, who: str) -> AppTest:
    at = open_app(who)
    at.switch_page("app_pages/people.py").run()
    assert not at.exception
    return at


def table(at: AppTest) -> list[dict]:
    return at.dataframe[0].value.to_dict("records")


def button(at: AppTest, key: str):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.key == key)


def test_a_manager_sees_their_team_and_invites_a_rep(open_app, tmp_path):
    at = people(open_app, MANAGER)
    emails = {row["Email"] for row in table(at)}
    assert {REP, REP2, MANAGER} <= emails
    assert at.selectbox(key="people_invite_role").options == ["rep"]  # managers invite reps only
    at.text_input(key="people_invite_email").input("newrep@example.com")
    at.text_input(key="people_invite_name").input("New Rep")
    next(b for b in at.button if b.label == "Invite").click().run()
    assert not at.exception
    link = at.code[0].value
    assert link.startswith("http://localhost:8501/?invite=")
    store = db(tmp_path)
    info = AccountStore(store).link_info(link.split("=", 1)[1])
    assert (info.email, info.purpose) == ("newrep@example.com", "invite")
    assert [e.actor for e in AuditLog(store).events(SYSTEM, action="user.invite")] == [MANAGER]
    store.close()
    assert any(row["Email"] == "newrep@example.com" and "invited" in row["Status"] for row in table(at))


def test_a_manager_disables_a_rep_whose_session_ends(open_app, tmp_path):
    rep = open_app(REP)
    at = people(open_app, MANAGER)
    at.selectbox(key="people_pick").set_value(REP).run()
    button(at, "people_disable").click().run()
    assert not at.exception
    assert "Disabled" in texts(at)
    assert any(row["Email"] == REP and "disabled" in row["Status"] for row in table(at))
    rep.run()
    assert "identity_member" not in rep.session_state


def test_a_managers_refused_action_is_a_message(open_app, tmp_path):
    at = people(open_app, MANAGER)
    at.selectbox(key="people_pick").set_value(ADMIN).run()
    button(at, "people_disable").click().run()
    assert not at.exception
    assert "didn't work" in at.error[0].value and "own team" in at.error[0].value
    assert not any(b.key == "people_reset" for b in at.button)  # resets are an admin's


def test_an_admin_issues_a_reset_link_and_changes_a_role(open_app, tmp_path):
    at = people(open_app, ADMIN)
    at.selectbox(key="people_pick").set_value(REP2).run()
    button(at, "people_reset").click().run()
    assert at.code[0].value.startswith("http://localhost:8501/?reset=")
    at.selectbox(key="people_pick").set_value(REP2).run()
    at.selectbox(key="people_role").set_value("manager")
    next(b for b in at.button if b.label == "Save role and team").click().run()
    assert not at.exception
    assert any(row["Email"] == REP2 and row["Role"] == "manager" for row in table(at))


def test_the_admin_reads_and_exports_the_audit_trail(open_app, tmp_path):
    store = db(tmp_path)
    store.add_user(SYSTEM, "evil@example.com", "=cmd|' /C calc'!A0", "rep", "north")
    AccountStore(store).set_disabled(store.login(MANAGER), REP2, True)
    store.close()
    at = open_app(ADMIN)
    at.switch_page("app_pages/audit.py").run()
    assert not at.exception
    rows = at.dataframe[0].value.to_dict("records")
    assert rows[0]["Action"] == "user.disable" and rows[0]["Who"] == MANAGER
    assert '"disabled": false' in rows[0]["Before"] and '"disabled": true' in rows[0]["After"]
    # The CSV it offers is the engine's neutralised export (covered cell by cell in test_store_audit).
    assert at.get("download_button")
    at.selectbox(key="audit_kind").set_value("review").run()
    assert "Nothing recorded" in texts(at)


def test_a_rep_changes_their_password(open_app, tmp_path):
    at = open_app(REP)
    at.switch_page("app_pages/account.py").run()
    at.text_input(key="account_current").input("not it")
    at.text_input(key="account_new").input("a newer long secret")
    at.text_input(key="account_again").input("a newer long secret")
    next(b for b in at.button if b.label == "Change password").click().run()
    assert "current password is not right" in at.error[0].value
    at.text_input(key="account_current").input(PASSWORD)
    at.text_input(key="account_new").input("a newer long secret")
    at.text_input(key="account_again").input("a newer long secret")
    next(b for b in at.button if b.label == "Change password").click().run()
    assert not at.exception
    assert "password is changed" in texts(at)
    store = db(tmp_path)
    AccountStore(store).sign_in(REP, "a newer long secret")
    store.close()


def test_sign_out_everywhere_ends_every_session(open_app, tmp_path):
    other = open_app(REP)  # the same rep on another device
    at = open_app(REP)
    at.switch_page("app_pages/account.py").run()
    button(at, "account_signout_all").click().run()
    assert not at.exception
    assert "identity_member" not in at.session_state
    other.run()
    assert "identity_member" not in other.session_state


def test_the_account_page_in_local_mode(tmp_path, monkeypatch):
    monkeypatch.setenv("SCRIMMAGE_DATA_DIR", str(tmp_path / "fresh"))
    monkeypatch.setenv("SCRIMMAGE_SEED_DEMO", "false")
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/account.py").run()
    assert not at.exception
    assert "Local mode" in texts(at)
