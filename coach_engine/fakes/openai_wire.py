"""``FakeOpenAI``: a scripted OpenAI-compatible backend, reached through ``httpx.MockTransport``.

Why: the fake chat model proves our code against LangChain's interface; this
proves it against ``ChatOpenAI`` and the openai client (request bodies, SSE
parsing, tool-call deltas, HTTP errors, timeouts) without a socket. Inject it
where the client is built::

    with FakeOpenAI(["Fine. Go on."]) as fake:
        model = make_chat_model(settings, "voice", http_client=fake.http_client())

``OpenAICompatServer`` (``openai_server.py``) puts the same replies on a real
socket, for the one test of the wire and for ``scrimmage bench``.

Endpoints: ``POST /chat/completions`` (plain, and ``stream=true`` as SSE with
text deltas, tool-call deltas, a usage chunk when asked, ``[DONE]``),
``POST /embeddings`` (hashed vectors, not semantic) and ``GET /models``.

Chat replies come from a queue (``enqueue``), then ``responder(body)``, then
``default``. An item is a ``str`` (text), a tool call ``{"name", "args"}`` (or
``{"tool_calls": [...]}``), a ``Reply``, or a fault: ``HTTPError(status)``,
``Delayed(seconds, item)`` (a hang is ``Delayed(3600)``: past the client's
read timeout it raises ``ReadTimeout``, as the wire would), ``Drip(item,
interval)`` (a slow answer that never stalls a read), ``RawBody(body,
status)`` (invalid JSON, no ``choices``, an error object), ``BadToolCall``
(arguments that are not JSON) and ``Unreachable()`` (connection refused).
Every request is recorded; ``usage`` is counted with ``coach_engine.tokens``.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx2

from ..tokens import count_chat_tokens, count_tokens

__all__ = ["BadToolCall", "Delayed", "Drip", "FakeOpenAI", "HTTPError", "RawBody", "RecordedRequest", "Reply",
           "Unreachable", "WireReply"]


@dataclass(frozen=True)
class Reply:
    """A full chat reply: text and/or tool calls (``[{"name", "args"}]``)."""

    text: str | None = None
    tool_calls: list[dict[str, Any]] | None = None
    finish_reason: str | None = None


@dataclass(frozen=True)
class HTTPError:
    """Answer with an HTTP error status (e.g. 429 rate limit, 500 server error)."""

    status: int = 500
    message: str = "simulated error"
    retry_after: float | None = None


@dataclass(frozen=True)
class Delayed:
    """Wait ``seconds`` before answering with ``item`` (use it to outlast a client timeout)."""

    seconds: float
    item: Any = "Sorry, I was distracted."


@dataclass(frozen=True)
class BadToolCall:
    """A tool call whose arguments are not valid JSON (a malformed reply)."""

    name: str
    raw_args: str = '{"behaviours": [{"id": '


@dataclass(frozen=True)
class Drip:
    """Answer with ``item``, ``interval`` seconds between pieces (SSE events, or ``body_chunk`` bytes)."""

    item: Any = "Well. Let me think about that for a moment, because it is not a small thing at all."
    interval: float = 0.5
    body_chunk: int = 16


@dataclass(frozen=True)
class RawBody:
    """Send exactly ``body`` (not necessarily JSON) with ``status``, streaming requests included."""

    body: str | bytes = "{not json"
    status: int = 200
    content_type: str = "application/json"


@dataclass(frozen=True)
class Unreachable:
    """Refuse the connection (the server is down)."""


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    body: dict[str, Any]
    headers: dict[str, str]
    at: float


@dataclass
class WireReply:
    """Wait ``wait`` s, send the status and headers, then ``parts`` (bytes, or a number: pause that long)."""

    status: int
    headers: dict[str, str]
    parts: Iterable[bytes | float]
    wait: float = 0.0
    refuse: bool = False


_INSTANCES = itertools.count(1)


def _json(status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> WireReply:
    return WireReply(status, {"Content-Type": "application/json", **(headers or {})},
                     [json.dumps(payload).encode("utf-8")])


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> WireReply:
    kind = {429: "rate_limit_exceeded", 401: "invalid_api_key", 404: "not_found"}.get(status, "server_error")
    return _json(status, {"error": {"message": message, "type": kind, "code": kind}}, headers)


def _normalise(item: Any) -> Any:
    if isinstance(item, str):
        return Reply(text=item)
    if isinstance(item, BadToolCall):
        return Reply(tool_calls=[{"name": item.name, "raw_args": item.raw_args}])
    if isinstance(item, dict):
        if "tool_calls" in item:
            return Reply(text=item.get("content"), tool_calls=list(item["tool_calls"]))
        if "name" in item and "args" in item:
            return Reply(tool_calls=[item])
        raise ValueError(f"unknown reply dict: {sorted(item)}")
    return item


class FakeOpenAI:
    """A scripted OpenAI-compatible backend (see the module docstring)."""

    def __init__(self, replies: list[Any] | None = None, *,
                 responder: Callable[[dict[str, Any]], Any] | None = None, default: Any = "Okay.",
                 delay: float = 0.0, model: str = "fake-local-model", chunk_pattern: str = r"\s*\S+"):
        self._queue: list[Any] = list(replies or [])
        self.responder = responder
        self.default = default
        self.delay = delay
        """Seconds to wait before every chat reply (on top of ``Delayed`` items)."""
        self.model = model
        self._chunk = re.compile(chunk_pattern)
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ids = itertools.count(1)
        self._host = f"fake-openai-{next(_INSTANCES)}.invalid"  # its own base URL, so its own shared breaker

    @property
    def base_url(self) -> str:
        return f"http://{self._host}/v1"

    def __enter__(self) -> FakeOpenAI:
        self._stop.clear()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Wake every request still waiting on a delay (they fail), as a stopping server would."""
        self._stop.set()

    # --- scripting and inspection ------------------------------------------------------------

    def enqueue(self, *items: Any) -> FakeOpenAI:
        with self._lock:
            self._queue.extend(items)
        return self

    @property
    def chat_requests(self) -> list[dict[str, Any]]:
        """Bodies of every ``/chat/completions`` request, in arrival order."""
        with self._lock:
            return [r.body for r in self.requests if r.path.rstrip("/").endswith("/chat/completions")]

    def prompt_tokens(self) -> list[int]:
        """Approximate prompt tokens of every chat request (``coach_engine.tokens``)."""
        return [count_chat_tokens(b.get("messages", []), b.get("tools")) for b in self.chat_requests]

    def _next_reply(self, body: dict[str, Any]) -> Any:
        with self._lock:
            if self._queue:
                return self._queue.pop(0)
        return self.responder(body) if self.responder is not None else self.default

    def _wait(self, seconds: float) -> bool:
        """Sleep, but wake up when closed; True if closing."""
        return self._stop.wait(seconds) if seconds > 0 else self._stop.is_set()

    # --- the in-process transport ------------------------------------------------------------

    def http_client(self) -> httpx2.Client:
        """An ``httpx2.Client`` (what the openai client uses) answered by this fake, for ``http_client=``."""
        return httpx2.Client(transport=httpx2.MockTransport(self._handle))

    def _handle(self, request: httpx2.Request) -> httpx2.Response:
        raw = request.content
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            body = {"_raw": raw.decode("utf-8", "replace")}
        body = body if isinstance(body, dict) else {"_body": body}
        reply = self.answer(request.method, request.url.path, body, dict(request.headers))
        read_timeout = (request.extensions.get("timeout") or {}).get("read")

        def pause(seconds: float) -> None:
            limit = seconds if read_timeout is None else min(seconds, read_timeout)
            if self._wait(limit):
                raise httpx2.ReadError("the fake OpenAI server was closed", request=request)
            if limit < seconds:
                raise httpx2.ReadTimeout("the fake OpenAI server outlasted the read timeout", request=request)

        if reply.refuse:
            raise httpx2.ConnectError("connection refused (Unreachable)", request=request)
        pause(reply.wait)

        def parts() -> Iterator[bytes]:
            for part in reply.parts:
                if isinstance(part, bytes):
                    yield part
                else:
                    pause(part)

        return httpx2.Response(reply.status, headers=reply.headers, stream=_Stream(parts()), request=request)

    # --- the replies -------------------------------------------------------------------------

    def answer(self, method: str, path: str, body: dict[str, Any], headers: dict[str, str]) -> WireReply:
        """Record one request and say what to send back."""
        with self._lock:
            self.requests.append(RecordedRequest(method, path, body, headers, time.time()))
        path = path.rstrip("/")
        if method == "GET" and path.endswith("/models"):
            return _json(200, {"object": "list", "data": [
                {"id": self.model, "object": "model", "created": 0, "owned_by": "scrimmage-fake"}]})
        if method == "POST" and path.endswith("/chat/completions"):
            return self._chat(body)
        if method == "POST" and path.endswith("/embeddings"):
            return self._embeddings(body)
        return _error(404, f"no route for {method} {path}")

    def _embeddings(self, body: dict[str, Any]) -> WireReply:
        from ..embeddings import HashEmbedder

        inputs = body.get("input", [])
        texts = [inputs] if isinstance(inputs, str) else [str(t) for t in inputs]
        vectors = HashEmbedder(int(body.get("dimensions") or 256)).embed(texts).tolist() if texts else []
        tokens = sum(count_tokens(t) for t in texts)
        return _json(200, {
            "object": "list",
            "data": [{"object": "embedding", "index": i, "embedding": [float(x) for x in v]}
                     for i, v in enumerate(vectors)],
            "model": body.get("model", self.model),
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        })

    def _chat(self, body: dict[str, Any]) -> WireReply:
        item, wait = self._next_reply(body), self.delay
        while isinstance(item, Delayed):
            wait, item = wait + item.seconds, item.item
        interval, body_chunk = 0.0, 0
        if isinstance(item, Drip):
            interval, body_chunk, item = item.interval, item.body_chunk, item.item
        reply = self._render(item, body, interval, body_chunk)
        reply.wait += wait
        return reply

    def _render(self, item: Any, body: dict[str, Any], interval: float, body_chunk: int) -> WireReply:
        if isinstance(item, Unreachable):
            return WireReply(0, {}, [], refuse=True)
        if isinstance(item, RawBody):
            data = item.body.encode("utf-8") if isinstance(item.body, str) else item.body
            return WireReply(item.status, {"Content-Type": item.content_type}, [data])
        if isinstance(item, HTTPError):
            retry = {"Retry-After": f"{item.retry_after:g}"} if item.retry_after is not None else None
            return _error(item.status, item.message, retry)
        reply = _normalise(item)
        if not isinstance(reply, Reply):
            return _error(500, f"the fake server cannot answer with {type(reply).__name__}")
        calls: list[dict[str, Any]] = [
            {"id": f"call-{next(self._ids)}", "type": "function",
             "function": {"name": c["name"],
                          "arguments": c["raw_args"] if "raw_args" in c else json.dumps(c.get("args", {}))}}
            for c in reply.tool_calls or []
        ]
        finish = reply.finish_reason or ("tool_calls" if calls else "stop")
        prompt = count_chat_tokens(body.get("messages", []), body.get("tools"))
        completion = count_tokens(reply.text or "") + sum(
            count_tokens(c["function"]["name"]) + count_tokens(c["function"]["arguments"]) for c in calls)
        usage = {"prompt_tokens": prompt, "completion_tokens": completion,
                 "total_tokens": prompt + completion}
        head = {"id": f"chatcmpl-{next(self._ids)}", "created": int(time.time()),
                "model": body.get("model") or self.model}
        if body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            events = self._events(head, reply.text or "", calls, finish, usage if include_usage else None)
            sse: list[bytes | float] = []
            for n, event in enumerate(events):
                if n and interval > 0:
                    sse.append(interval)
                sse.append(f"data: {json.dumps(event)}\n\n".encode())
            sse.append(b"data: [DONE]\n\n")
            return WireReply(200, {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}, sse)
        message: dict[str, Any] = {"role": "assistant", "content": reply.text}
        if calls:
            message["tool_calls"] = calls
        data = json.dumps({**head, "object": "chat.completion", "usage": usage, "choices": [
            {"index": 0, "message": message, "finish_reason": finish, "logprobs": None}]}).encode("utf-8")
        if interval <= 0:
            return WireReply(200, {"Content-Type": "application/json"}, [data])
        size = max(1, body_chunk)
        dripped: list[bytes | float] = []
        for start in range(0, len(data), size):
            dripped += [interval, data[start : start + size]]
        return WireReply(200, {"Content-Type": "application/json", "Content-Length": str(len(data))}, dripped)

    def _events(self, head: dict[str, Any], text: str, calls: list[dict[str, Any]], finish: str,
                usage: dict[str, int] | None) -> list[dict[str, Any]]:
        def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
            choice = {"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}
            return {**head, "object": "chat.completion.chunk", "choices": [choice]}

        events = [chunk({"role": "assistant", "content": ""})]
        events += [chunk({"content": piece}) for piece in self._chunk.findall(text)]
        for i, call in enumerate(calls):
            fn = call["function"]
            events.append(chunk({"tool_calls": [{"index": i, "id": call["id"], "type": "function",
                                                 "function": {"name": fn["name"], "arguments": ""}}]}))
            args = fn["arguments"]
            events += [chunk({"tool_calls": [{"index": i, "function": {"arguments": args[s : s + 16]}}]})
                       for s in range(0, len(args), 16)]
        events.append(chunk({}, finish))
        if usage is not None:
            events.append({**head, "object": "chat.completion.chunk", "choices": [], "usage": usage})
        return events


class _Stream(httpx2.SyncByteStream):
    """A response body that yields as the fake produces it (so drips and stalls reach the client)."""

    def __init__(self, parts: Iterator[bytes]):
        self._parts = parts

    def __iter__(self) -> Iterator[bytes]:
        return self._parts
