"""LLM mode through a real socket: the mode note says so and the buyer's reply streams via write_stream.

The fake OpenAI-compatible server (shipped in coach_engine.fakes) stands in for
OpenAI, so this runs offline like every other test.
"""

from __future__ import annotations

import pytest

from coach_engine.fakes.openai_server import OpenAICompatServer
from tests.app.conftest import REP, texts

LINE = "Fair question. Honestly the number just looks big next to what we budgeted."


@pytest.fixture
def llm_server(monkeypatch: pytest.MonkeyPatch):
    with OpenAICompatServer(default=LINE) as srv:
        monkeypatch.setenv("OPENAI_BASE_URL", srv.base_url)
        monkeypatch.setenv("SCRIMMAGE_VOICE", "llm")
        monkeypatch.setenv("SCRIMMAGE_GRADER", "offline")
        yield srv


def test_llm_voice_streams_the_buyer_reply(open_app, llm_server):
    at = open_app(REP)
    assert not at.exception
    assert "LLM mode" in texts(at)
    at.button(key="practice_pick_cfo-price-routing").click().run()
    at.button(key="practice_start").click().run()
    assert not at.exception
    at.chat_input(key="practice_reply").set_value("What's behind the number you set aside?").run()
    assert not at.exception
    assert [m.name for m in at.chat_message] == ["buyer", "rep", "buyer"]
    assert llm_server.chat_requests, "the voice never called the model"
    assert "Fair question" in at.chat_message[2].markdown[0].value


def test_a_failing_model_falls_back_with_a_notice_not_an_error(open_app, monkeypatch):
    from coach_engine.fakes.openai_server import HTTPError

    with OpenAICompatServer(default=HTTPError(500)) as srv:
        monkeypatch.setenv("OPENAI_BASE_URL", srv.base_url)
        monkeypatch.setenv("SCRIMMAGE_VOICE", "llm")
        monkeypatch.setenv("SCRIMMAGE_GRADER", "offline")
        monkeypatch.setenv("SCRIMMAGE_LLM_MAX_RETRIES", "0")
        at = open_app(REP)
        at.button(key="practice_pick_cfo-price-routing").click().run()
        at.button(key="practice_start").click().run()
        at.chat_input(key="practice_reply").set_value("What's behind the number you set aside?").run()
        assert not at.exception
        assert not at.error
        assert [m.name for m in at.chat_message] == ["buyer", "rep", "buyer"]
        assert at.toast, "the rep should be told the scripted voice stood in"
        assert any("offline voice" in c.value for c in at.caption), "the notice stays under the reply"
