"""Offline stand-ins for LLM backends, shipped in the package so tests, evals and benchmarks run offline.

``FakeChatModel`` is a LangChain chat model answering from a queue;
``OpenAICompatServer`` is a real HTTP server speaking the OpenAI wire format
on 127.0.0.1, for exercising ``ChatOpenAI`` end to end without a network.
"""

from .chat import (
    FakeChatModel,
    FakeQueueEmpty,
    connection_error,
    malformed,
    midstream_failure,
    rate_limit,
    server_error,
    timeout,
)

__all__ = [
    "FakeChatModel",
    "FakeQueueEmpty",
    "connection_error",
    "malformed",
    "midstream_failure",
    "rate_limit",
    "server_error",
    "timeout",
]
