"""Offline stand-ins for LLM backends, shipped in the package so tests, evals and benchmarks run offline.

``FakeChatModel`` is a LangChain chat model answering from a queue;
``FakeOpenAI`` speaks the OpenAI wire format through an ``httpx2.MockTransport``
injected as ``http_client=``, for exercising ``ChatOpenAI`` end to end without
a network; ``openai_server.OpenAICompatServer`` serves the same replies on a
real socket (one wire test, ``scrimmage bench``).
"""

from . import chat
from .chat import *  # noqa: F403  (the names in ``chat.__all__``, re-exported below)
from .openai_wire import BadToolCall, Delayed, Drip, FakeOpenAI, HTTPError, RawBody, Reply, Unreachable

__all__ = ["BadToolCall", "Delayed", "Drip", "FakeOpenAI", "HTTPError", "RawBody", "Reply", "Unreachable"]
__all__ += chat.__all__  # the chat fakes' own list, so the two cannot drift apart
