"""``FakeChatModel``: a scripted LangChain chat model that replies from a queue and records what it got.

Why ship it in the package: tests, evals, benchmarks and offline demos all
need an LLM that answers deterministically and can be told to fail. It is a
real ``BaseChatModel``, so everything built on LangChain (``invoke``,
``stream``, ``bind_tools``, ``with_structured_output(method="function_calling")``)
runs through the same code paths as with ``ChatOpenAI``.

Queue items (``FakeChatModel(replies=[...])`` or ``.enqueue(...)``):

* ``str``: a text reply (streamed word by word);
* ``{"name": ..., "args": {...}}``: a tool call; any other ``dict`` is the
  arguments of a call to the first bound tool (what ``with_structured_output``
  binds);
* an ``AIMessage``: returned as is;
* an exception instance or class: raised (see ``timeout()``, ``rate_limit()``,
  ``server_error()``, ``connection_error()`` for the real openai errors);
* ``malformed()``: unreadable output — a tool call whose arguments are not
  JSON when tools are bound, otherwise half a JSON object as text;
* ``midstream_failure(text, exc)``: streams ``text`` then raises ``exc``;
* a callable ``(messages, kwargs) -> item``: computes the reply.

With the queue empty it replies ``default`` or raises ``FakeQueueEmpty``.
Every call's messages, keyword arguments (bound tools included) and an
prompt-token count (coach_engine.tokens) are recorded.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, convert_to_openai_messages
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import Field, PrivateAttr

from ..tokens import count_chat_tokens, count_tokens

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

_FAKE_URL = "http://fake.invalid/v1/chat/completions"
_ids = itertools.count(1)


class FakeQueueEmpty(AssertionError):
    """The fake was called more often than replies were queued (and no default was set)."""


@dataclass(frozen=True)
class _Malformed:
    pass


@dataclass(frozen=True)
class _MidstreamFailure:
    text: str
    exc: BaseException


def malformed() -> _Malformed:
    """A queue item producing an unreadable reply."""
    return _Malformed()


def midstream_failure(text: str, exc: BaseException | None = None) -> _MidstreamFailure:
    """A queue item that streams ``text`` and then fails (default: a timeout)."""
    return _MidstreamFailure(text, exc if exc is not None else timeout())


def _request() -> Any:
    import httpx2  # the HTTP library the openai client is built on

    return httpx2.Request("POST", _FAKE_URL)


def _response(status: int, headers: dict[str, str] | None = None) -> Any:
    import httpx2

    return httpx2.Response(status, headers=headers or {}, request=_request())


def timeout() -> Exception:
    """The exception the openai client raises when a request times out."""
    import openai

    return openai.APITimeoutError(request=_request())


def rate_limit(retry_after: float | None = None) -> Exception:
    """HTTP 429 as the openai client raises it."""
    import openai

    headers = {"retry-after": str(retry_after)} if retry_after is not None else None
    return openai.RateLimitError("Rate limit reached", response=_response(429, headers), body=None)


def server_error(status: int = 500) -> Exception:
    """HTTP 5xx as the openai client raises it."""
    import openai

    return openai.InternalServerError("Server error", response=_response(status), body=None)


def connection_error() -> Exception:
    import openai

    return openai.APIConnectionError(request=_request())


class FakeChatModel(BaseChatModel):
    """A chat model that answers from a queue and records every call (see the module docstring)."""

    replies: list[Any] = Field(default_factory=list)
    default: str | None = None
    """Reply used when the queue is empty; None raises ``FakeQueueEmpty``."""
    delay: float = 0.0
    """Seconds to sleep before each reply (to exercise timeouts in callers)."""
    model_name: str = "fake-chat"

    calls: list[list[BaseMessage]] = Field(default_factory=list)
    """The messages of every call, in order."""
    call_kwargs: list[dict[str, Any]] = Field(default_factory=list)
    """Keyword arguments of every call (``tools``, ``tool_choice`` when bound)."""
    prompt_tokens: list[int] = Field(default_factory=list)
    """Approximate prompt tokens of every call (``coach_engine.tokens``)."""

    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    # --- test helpers -------------------------------------------------------------

    def enqueue(self, *items: Any) -> FakeChatModel:
        with self._lock:
            self.replies.extend(items)
        return self

    @property
    def call_count(self) -> int:
        return len(self.calls)

    @property
    def last_messages(self) -> list[BaseMessage]:
        return self.calls[-1] if self.calls else []

    def last_prompt_text(self) -> str:
        """All message contents of the last call joined (handy for ``in`` assertions)."""
        return "\n".join(str(m.content) for m in self.last_messages)

    # --- LangChain interface ---------------------------------------------------------

    @property
    def _llm_type(self) -> str:
        return "fake-chat"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": self.model_name}

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        formatted = [convert_to_openai_tool(t) for t in tools]
        if tool_choice is not None:
            kwargs["tool_choice"] = tool_choice
        return self.bind(tools=formatted, **kwargs)

    def _next(self, messages: list[BaseMessage], kwargs: dict[str, Any]) -> Any:
        recorded = {k: v for k, v in kwargs.items() if k != "ls_structured_output_format"}
        wire = convert_to_openai_messages(messages)
        with self._lock:
            self.calls.append(list(messages))
            self.call_kwargs.append(recorded)
            self.prompt_tokens.append(count_chat_tokens(wire, recorded.get("tools")))
            if self.replies:
                item = self.replies.pop(0)
            elif self.default is not None:
                item = self.default
            else:
                raise FakeQueueEmpty(f"FakeChatModel called {len(self.calls)} times; queue is empty")
        if self.delay:
            time.sleep(self.delay)
        if callable(item) and not isinstance(item, type):
            item = item(messages, recorded)
        if isinstance(item, type) and issubclass(item, BaseException):
            raise item()
        if isinstance(item, BaseException):
            raise item
        return item

    def _message(self, item: Any, kwargs: dict[str, Any], prompt_tokens: int) -> AIMessage:
        tools = kwargs.get("tools") or []
        msg_id = f"fake-{next(_ids)}"
        if isinstance(item, AIMessage):
            return item
        if isinstance(item, _Malformed):
            if tools:
                name = tools[0]["function"]["name"]
                return AIMessage(
                    content="",
                    id=msg_id,
                    invalid_tool_calls=[
                        {"name": name, "args": '{"behaviours": [{"id": ', "id": f"call_{msg_id}",
                         "error": "Unterminated JSON", "type": "invalid_tool_call"}
                    ],
                )
            item = '{"reply": "Well, I'
        if isinstance(item, dict):
            if "name" in item and "args" in item:
                name, args = item["name"], item["args"]
            else:
                if not tools:
                    raise ValueError("a dict reply needs {'name', 'args'} when no tool is bound")
                name, args = tools[0]["function"]["name"], item
            return AIMessage(
                content="",
                id=msg_id,
                tool_calls=[{"name": name, "args": args, "id": f"call_{msg_id}", "type": "tool_call"}],
                usage_metadata=_usage(prompt_tokens, count_tokens(str(args))),
            )
        text = str(item)
        return AIMessage(content=text, id=msg_id, usage_metadata=_usage(prompt_tokens, count_tokens(text)))

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        item = self._next(messages, kwargs)
        if isinstance(item, _MidstreamFailure):
            raise item.exc
        message = self._message(item, kwargs, self.prompt_tokens[-1])
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        item = self._next(messages, kwargs)
        failure: BaseException | None = None
        if isinstance(item, _MidstreamFailure):
            failure = item.exc
            item = item.text
        message = self._message(item, kwargs, self.prompt_tokens[-1])
        text = message.content if isinstance(message.content, str) else ""
        for token in re.findall(r"\s*\S+", text) or ([text] if text else []):
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=token, id=message.id))
            if run_manager:
                run_manager.on_llm_new_token(token, chunk=chunk)
            yield chunk
        if failure is not None:
            raise failure
        if message.tool_calls or message.invalid_tool_calls:
            calls = [
                {"name": tc["name"], "args": _json(tc["args"]), "id": tc["id"], "index": i}
                for i, tc in enumerate([*message.tool_calls, *message.invalid_tool_calls])
            ]
            yield ChatGenerationChunk(
                message=AIMessageChunk(content="", id=message.id, tool_call_chunks=calls)
            )
        if message.usage_metadata:
            yield ChatGenerationChunk(
                message=AIMessageChunk(content="", id=message.id, usage_metadata=message.usage_metadata)
            )


def _json(args: Any) -> str:
    import json

    return args if isinstance(args, str) else json.dumps(args)


def _usage(prompt: int, completion: int) -> Any:
    return {"input_tokens": prompt, "output_tokens": completion, "total_tokens": prompt + completion}
