"""``OpenAICompatServer``: a real HTTP server on 127.0.0.1 that speaks the OpenAI wire format.

Why: the fake chat model proves our code against LangChain's interface, but
only a real socket proves it against ``ChatOpenAI`` and the openai client:
request bodies (token limits, tools, ``stream``), SSE parsing, tool-call
deltas, HTTP errors, timeouts. It is also what ``scrimmage bench`` measures
the LLM path's cost against: every request body is recorded and ``usage`` is
counted with ``coach_engine.tokens`` (offline).

Standard library only (``ThreadingHTTPServer`` in a daemon thread), so it
starts in milliseconds. Endpoints:

* ``POST /v1/chat/completions``: non-streaming, and ``stream=true`` as SSE
  chunks (text deltas, tool-call deltas, a usage chunk when
  ``stream_options.include_usage`` is set, ``[DONE]``);
* ``POST /v1/embeddings``: deterministic hashed vectors (not semantic);
* ``GET /v1/models``.

Chat replies come from a queue (``enqueue``), then a ``responder(body)``
callable, then ``default``. An item is a ``str`` (text), a tool call
``{"name": ..., "args": {...}}`` (or ``{"tool_calls": [...]}`` for several),
an ``HTTPError(status)`` (429/500 ...), ``Delayed(seconds, item)`` to outlast
a client timeout, ``BadToolCall(name, raw_args)`` for arguments that are not
JSON, or a ``Reply`` for full control.

Misbehaving on purpose (issue 14's fault matrix, ``tests/integration/test_llm_faults.py``):
``Drip(item, interval)`` answers but sends each piece ``interval`` seconds
apart (SSE events when streaming, body bytes otherwise), so a per-read timeout
never fires; ``RawBody(body, status)`` sends exactly those bytes (invalid
JSON, a 200 without ``choices``, a 200 carrying an error object). A hang is
``Delayed(3600)``: the handler wakes when the server stops.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from ..tokens import count_chat_tokens, count_tokens

__all__ = [
    "BadToolCall",
    "Delayed",
    "Drip",
    "HTTPError",
    "OpenAICompatServer",
    "RawBody",
    "RecordedRequest",
    "Reply",
]


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
    """Answer with ``item``, but ``interval`` seconds between pieces: a slow stream that never stalls long
    enough for a per-read timeout (``body_chunk`` bytes at a time when not streaming)."""

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
class RecordedRequest:
    method: str
    path: str
    body: dict[str, Any]
    headers: dict[str, str]
    at: float


@dataclass
class _Counter:
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def next(self, prefix: str) -> str:
        return f"{prefix}-{next(self.ids)}"


def _normalise(item: Any) -> Any:
    if isinstance(item, str):
        return Reply(text=item)
    if isinstance(item, dict):
        if "tool_calls" in item:
            return Reply(text=item.get("content"), tool_calls=list(item["tool_calls"]))
        if "name" in item and "args" in item:
            return Reply(tool_calls=[item])
        raise ValueError(f"unknown reply dict: {sorted(item)}")
    return item


class OpenAICompatServer:
    """A local OpenAI-compatible server for tests and benchmarks (see the module docstring)."""

    def __init__(
        self,
        replies: list[Any] | None = None,
        *,
        responder: Callable[[dict[str, Any]], Any] | None = None,
        default: Any = "Okay.",
        delay: float = 0.0,
        model: str = "fake-local-model",
        chunk_pattern: str = r"\s*\S+",
    ):
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
        self._ids = _Counter()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -----------------------------------------------------------------------

    def start(self) -> OpenAICompatServer:
        server = self

        class Handler(_Handler):
            owner = server

        self._stop.clear()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02},
                                        name="openai-compat-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()  # wake handlers sleeping on a delay
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> OpenAICompatServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the server is not running; use it as a context manager or call start()")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    # --- scripting and inspection ------------------------------------------------------------

    def enqueue(self, *items: Any) -> OpenAICompatServer:
        with self._lock:
            self._queue.extend(items)
        return self

    @property
    def chat_requests(self) -> list[dict[str, Any]]:
        """Bodies of every ``/chat/completions`` request, in arrival order."""
        with self._lock:
            return [r.body for r in self.requests if r.path.endswith("/chat/completions")]

    def prompt_tokens(self) -> list[int]:
        """Approximate prompt tokens of every chat request (``coach_engine.tokens``)."""
        return [count_chat_tokens(b.get("messages", []), b.get("tools")) for b in self.chat_requests]

    def _record(self, method: str, path: str, body: dict[str, Any], headers: dict[str, str]) -> None:
        with self._lock:
            self.requests.append(RecordedRequest(method, path, body, headers, time.time()))

    def _next_reply(self, body: dict[str, Any]) -> Any:
        with self._lock:
            if self._queue:
                return self._queue.pop(0)
        if self.responder is not None:
            return self.responder(body)
        return self.default

    def _wait(self, seconds: float) -> bool:
        """Sleep, but wake up when the server stops; True if the server is stopping."""
        return self._stop.wait(seconds) if seconds > 0 else self._stop.is_set()


class _Handler(BaseHTTPRequestHandler):
    owner: OpenAICompatServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read requests, not logs
        return

    # --- plumbing --------------------------------------------------------------------------

    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            data = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            data = {"_raw": raw.decode("utf-8", "replace")}
        return data if isinstance(data, dict) else {"_body": data}

    def _send_json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            self.close_connection = True

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        kinds = {429: "rate_limit_exceeded", 401: "invalid_api_key", 404: "not_found"}
        kind = kinds.get(status, "server_error")
        self._send_json(status, {"error": {"message": message, "type": kind, "code": kind}}, headers)

    # --- routes ----------------------------------------------------------------------------

    def do_GET(self) -> None:
        self.owner._record("GET", self.path, {}, dict(self.headers))
        if self.path.rstrip("/").endswith("/models"):
            self._send_json(200, {"object": "list", "data": [
                {"id": self.owner.model, "object": "model", "created": 0, "owned_by": "scrimmage-fake"}]})
        else:
            self._error(404, f"no route for GET {self.path}")

    def do_POST(self) -> None:
        body = self._body()
        self.owner._record("POST", self.path, body, dict(self.headers))
        path = self.path.rstrip("/")
        if path.endswith("/chat/completions"):
            self._chat(body)
        elif path.endswith("/embeddings"):
            self._embeddings(body)
        else:
            self._error(404, f"no route for POST {self.path}")

    def _embeddings(self, body: dict[str, Any]) -> None:
        from ..embeddings import HashEmbedder

        inputs = body.get("input", [])
        texts = [inputs] if isinstance(inputs, str) else [str(t) for t in inputs]
        dim = int(body.get("dimensions") or 256)
        vectors: list[list[float]] = HashEmbedder(dim).embed(texts).tolist() if texts else []
        tokens = sum(count_tokens(t) for t in texts)
        self._send_json(200, {
            "object": "list",
            "data": [{"object": "embedding", "index": i, "embedding": [float(x) for x in v]}
                     for i, v in enumerate(vectors)],
            "model": body.get("model", self.owner.model),
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        })

    def _chat(self, body: dict[str, Any]) -> None:
        owner = self.owner
        item = owner._next_reply(body)
        if owner._wait(owner.delay):
            return
        while isinstance(item, Delayed):
            if owner._wait(item.seconds):
                return
            item = item.item
        interval, body_chunk = 0.0, 0
        if isinstance(item, Drip):
            interval, body_chunk, item = item.interval, item.body_chunk, item.item
        if isinstance(item, RawBody):
            self._raw(item)
            return
        if isinstance(item, HTTPError):
            headers = {"Retry-After": f"{item.retry_after:g}"} if item.retry_after is not None else None
            self._error(item.status, item.message, headers)
            return
        if isinstance(item, BadToolCall):
            reply = Reply(tool_calls=[{"name": item.name, "raw_args": item.raw_args}])
        else:
            reply = _normalise(item)
        if not isinstance(reply, Reply):
            self._error(500, f"the fake server cannot answer with {type(reply).__name__}")
            return
        calls: list[dict[str, Any]] = [
            {"id": owner._ids.next("call"), "type": "function",
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
        completion_id = owner._ids.next("chatcmpl")
        model = body.get("model") or owner.model
        if body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            self._stream(completion_id, model, reply.text or "", calls, finish,
                         usage if include_usage else None, interval)
            return
        message: dict[str, Any] = {"role": "assistant", "content": reply.text}
        if calls:
            message["tool_calls"] = calls
        payload = {
            "id": completion_id, "object": "chat.completion", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
            "usage": usage,
        }
        if interval > 0:
            self._drip_json(payload, interval, body_chunk)
        else:
            self._send_json(200, payload)

    def _raw(self, item: RawBody) -> None:
        data = item.body.encode("utf-8") if isinstance(item.body, str) else item.body
        try:
            self.send_response(item.status)
            self.send_header("Content-Type", item.content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _drip_json(self, payload: dict[str, Any], interval: float, size: int) -> None:
        """The whole reply, ``size`` bytes every ``interval`` seconds (the headers at once)."""
        data = json.dumps(payload).encode("utf-8")
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.flush()
            for start in range(0, len(data), max(1, size)):
                if self.owner._wait(interval):
                    self.close_connection = True
                    return
                self.wfile.write(data[start : start + size])
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _stream(self, completion_id: str, model: str, text: str, calls: list[dict[str, Any]],
                finish: str, usage: dict[str, int] | None, interval: float = 0.0) -> None:
        created = int(time.time())

        def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
            choice = {"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}
            return {"id": completion_id, "object": "chat.completion.chunk", "created": created,
                    "model": model, "choices": [choice]}

        events: list[dict[str, Any]] = [chunk({"role": "assistant", "content": ""})]
        events += [chunk({"content": piece}) for piece in self.owner._chunk.findall(text)]
        for i, call in enumerate(calls):
            fn = call["function"]
            events.append(chunk({"tool_calls": [{"index": i, "id": call["id"], "type": "function",
                                                 "function": {"name": fn["name"], "arguments": ""}}]}))
            args = fn["arguments"]
            for start in range(0, len(args), 16):
                piece = {"index": i, "function": {"arguments": args[start : start + 16]}}
                events.append(chunk({"tool_calls": [piece]}))
        events.append(chunk({}, finish))
        if usage is not None:
            events.append({"id": completion_id, "object": "chat.completion.chunk", "created": created,
                           "model": model, "choices": [], "usage": usage})
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            for n, event in enumerate(events):
                if n and interval > 0 and self.owner._wait(interval):
                    return
                self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
