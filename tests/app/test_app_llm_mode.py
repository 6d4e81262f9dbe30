"""LLM mode: the mode note says so and the buyer's reply streams via write_stream.

``FakeOpenAI`` (shipped in coach_engine.fakes) stands in for OpenAI: the app
builds its ChatOpenAI from the environment as usual, and ``use_fake`` hands that
client the fake's in-process transport, so this runs offline and without a socket.
"""

from __future__ import annotations

import functools

import pytest

from coach_engine import llm
from coach_engine.fakes import FakeOpenAI, HTTPError
from tests.app.conftest import REP, texts

LINE = "Fair question. Honestly the number just looks big next to what we budgeted."


def use_fake(monkeypatch: pytest.MonkeyPatch, fake: FakeOpenAI) -> None:
    """Point the app's LLM settings at ``fake`` and give every chat model it builds the fake's http_client."""
    monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
    monkeypatch.setenv("SCRIMMAGE_VOICE", "llm")
    monkeypatch.setenv("SCRIMMAGE_GRADER", "offline")
    monkeypatch.setattr(llm, "make_chat_model", functools.partial(llm.make_chat_model,
                                                                  http_client=fake.http_client()))


@pytest.fixture
def llm_server(monkeypatch: pytest.MonkeyPatch):
    with FakeOpenAI(default=LINE) as fake:
        use_fake(monkeypatch, fake)
        yield fake


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
    with FakeOpenAI(default=HTTPError(500)) as fake:
        use_fake(monkeypatch, fake)
        monkeypatch.setenv("SCRIMMAGE_LLM_MAX_RETRIES", "0")
        at = open_app(REP)
        at.button(key="practice_pick_cfo-price-routing").click().run()
        at.button(key="practice_start").click().run()
        at.chat_input(key="practice_reply").set_value("What's behind the number you set aside?").run()
        assert not at.exception
        assert not at.error
        assert [m.name for m in at.chat_message] == ["buyer", "rep", "buyer"]
        assert fake.chat_requests, "the voice never called the model"
        assert at.toast, "the rep should be told the scripted voice stood in"
        assert any("offline voice" in c.value for c in at.caption), "the notice stays under the reply"
