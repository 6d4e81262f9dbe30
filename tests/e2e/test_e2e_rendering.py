"""What people type is shown as text, never run or rendered, in a real browser (issue 14, part 4).

A rep's name, a studio scenario's fields, a rep's replies (also inside the
scorecard's highlighted evidence) and a manager's review comment carry script
tags, event-handler HTML, Markdown links with ``javascript:`` targets, remote
images, colour directives and LaTeX. Every page that shows them is opened as
the rep and as the manager, and each must show the characters as typed: no
script runs (``window.__pwned`` stays unset, no dialog opens), no element is
made from them (no ``<img>``, ``<iframe>`` or ``javascript:`` link), and the
browser fetches nothing they name.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coach_engine.models import CheckResult, Evidence, Improvement, Scorecard, SkillScore, Strength
from coach_engine.scenarios import ScenarioBank
from coach_engine.store import Store
from coach_engine.studio import scenario_yaml
from tests.app.conftest import MANAGER
from tests.e2e.conftest import open_as, settle
from tests.e2e.test_e2e_signin import add_person

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TRAP = "127.0.0.1:9"  # nothing listens there: any request to it came from rendered user text
REP = "eve@example.com"
NAME = f'Eve <img src=x onerror="window.__pwned=1"> [me](javascript:window.__pwned=2) ![i](http://{TRAP}/n.png)'
TITLE = "Pricing <script>window.__pwned=3</script> **drill** :red[alarm] $x^2$"
TURN = (f"Fair point <b>bold</b> <script>window.__pwned=4</script> — what's behind it? "
        f"[click](javascript:window.__pwned=5) ![img](http://{TRAP}/t.png) "
        '<iframe src="javascript:1"></iframe>')
QUOTE = "what's behind it? [click](javascript:window.__pwned=5)"
COMMENT = f"Good <img src=x onerror=\"window.__pwned=6\"> ask ![c](http://{TRAP}/c.png) [docs](javascript:0)"
SCENARIO = "hostile-text-drill"


def _seed(data: Path) -> None:
    add_person(data, REP, NAME)
    bank = ScenarioBank.from_dirs([Path(__file__).resolve().parents[2] / "scenarios"])
    base = bank.get("cfo-price-routing")
    buyer = base.buyer.model_copy(update={"name": "Dana <u>Underline</u>",
                                          "company": f"Acme ![logo](http://{TRAP}/co.png)"})
    context = f"Context with [a link](javascript:window.__pwned=7) {TURN}"
    scenario = base.model_copy(update={"id": SCENARIO, "title": TITLE, "buyer": buyer, "context": context})
    store = Store.open(f"sqlite:///{data / 'scrimmage.db'}")
    try:
        manager = store.login(MANAGER)
        store.save_scenario(manager, scenario, scenario_yaml(scenario))
        rep = store.login(REP)
        attempt = store.start_attempt(rep, scenario)
        store.record_turn(rep, attempt.id, 0, "buyer", scenario.buyer.opening)
        store.record_turn(rep, attempt.id, 1, "rep", TURN)
        evidence = [Evidence(turn=1, quote=QUOTE)]
        card = Scorecard(
            scenario_id=SCENARIO, rubric="objection-handling", grader="test", overall=64,
            skills=[SkillScore(id="explore", name="Explore", score=3,
                               checks=[CheckResult(id="open-question", question="Asks an open question",
                                                   passed=True, evidence=evidence)])],
            strengths=[Strength(turn=1, text="You asked before answering.", quote=QUOTE)],
            improvements=[Improvement(turn=1, text="Tie it to their number.", quote=QUOTE,
                                      try_instead="What would a 60-day pilot need to show?")],
        )
        store.complete_attempt(rep, attempt.id, card)
        store.add_review(manager, attempt.id, {"explore": 4}, COMMENT)
    finally:
        store.close()


def _inert(page, shown: list[str]) -> None:  # type: ignore[no-untyped-def]
    """The page shows ``shown`` as text, made no element from user text, ran nothing and fetched nothing."""
    settle(page)
    text = page.inner_text("body")
    for piece in shown:
        assert piece in text, f"{piece!r} is not shown as typed on {page.url}"
    assert page.evaluate("window.__pwned") is None, f"user text ran as script on {page.url}"
    found = page.evaluate("""() => ({
        img: document.querySelectorAll('img[src="x"], img[src*="127.0.0.1:9"]').length,
        links: document.querySelectorAll('a[href^="javascript"]').length,
        frames: [...document.querySelectorAll('iframe')]
            .filter(f => (f.src || '').startsWith('javascript')).length,
        scripts: [...document.querySelectorAll('script')]
            .filter(s => s.textContent.includes('__pwned')).length,
        underline: document.querySelectorAll(
            '[data-testid=stMainBlockContainer] u, [data-testid=stSidebar] u').length,
    })""")
    assert found == {"img": 0, "links": 0, "frames": 0, "scripts": 0, "underline": 0}, (page.url, found)


def test_what_people_type_is_shown_as_text_on_every_page(app_url, app_data, new_page) -> None:
    _seed(app_data)
    page = new_page()
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if TRAP in r.url else None)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    open_as(page, app_url, REP, "scorecard")
    page.get_by_text("Overall", exact=True).wait_for()
    page.get_by_text("Transcript with evidence highlighted").click()
    _inert(page, ["Eve <img src=x", "<script>window.__pwned=3</script> **drill** :red[alarm] $x^2$",
                  "[click](javascript:window.__pwned=5)",
                  "onerror=\"window.__pwned=6\""])
    for path in ("progress", "leaderboard"):
        page.goto(f"{app_url}/{path}")
        page.wait_for_selector("[data-testid=stMainBlockContainer] h1")
        _inert(page, ["Eve <img src=x"])
    page.goto(f"{app_url}/practice")
    page.get_by_text("Browse the bank", exact=True).wait_for()
    settle(page)
    page.locator(".st-key-practice_f_query input").fill("Pricing")
    page.locator(".st-key-practice_f_query input").press("Enter")
    settle(page)
    page.locator(f".st-key-practice_pick_{SCENARIO} button").click()
    page.locator(".st-key-practice_start button").wait_for()
    _inert(page, ["<script>window.__pwned=3</script>", "Dana <u>Underline</u>", "[a link](javascript:"])

    open_as(page, app_url, MANAGER, "team")
    page.get_by_role("tab", name="Review queue").click()
    settle(page)
    page.locator(".st-key-team_review_open label").click()  # hers has a review already: show all
    settle(page)
    page.locator(".st-key-team_review_pick input").click()
    page.keyboard.type("Pricing")
    page.get_by_role("option").first.click()
    settle(page)
    page.get_by_text("Transcript with evidence highlighted").click()
    _inert(page, ["onerror=\"window.__pwned=6\"", "[click](javascript:window.__pwned=5)", "<b>bold</b>"])
    page.goto(f"{app_url}/leaderboard")  # the table draws on a canvas: nothing of hers to find as text
    page.wait_for_selector("[data-testid=stMainBlockContainer] h1")
    _inert(page, [])

    assert fetched == [] and dialogs == []
