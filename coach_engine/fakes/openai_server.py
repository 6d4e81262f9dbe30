"""``OpenAICompatServer``: ``FakeOpenAI`` on a real socket (127.0.0.1, a random port).

Why keep a socket at all: the in-process transport (``FakeOpenAI.http_client``)
covers every path above the wire, so the tests use it. One test
(``tests/integration/test_llm_wire_socket.py``) still proves the real wire path
(the openai client's own connection pool, chunked SSE, a refused port), and
``scrimmage bench`` points a ``Settings.openai_base_url`` at it. Standard
library only (``ThreadingHTTPServer`` in a daemon thread); it answers exactly
what ``FakeOpenAI.answer`` says, so the reply items are the same.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .openai_wire import BadToolCall, Delayed, Drip, FakeOpenAI, HTTPError, RawBody, RecordedRequest, Reply

__all__ = ["BadToolCall", "Delayed", "Drip", "HTTPError", "OpenAICompatServer", "RawBody", "RecordedRequest",
           "Reply"]


class OpenAICompatServer(FakeOpenAI):
    """``FakeOpenAI`` served over HTTP on 127.0.0.1 (use it as a context manager)."""

    _httpd: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

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

    def close(self) -> None:
        super().close()  # wake handlers sleeping on a delay
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    stop = close

    def __enter__(self) -> OpenAICompatServer:
        return self.start()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the server is not running; use it as a context manager or call start()")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"


class _Handler(BaseHTTPRequestHandler):
    owner: OpenAICompatServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read requests, not logs
        return

    def do_GET(self) -> None:
        self._serve({})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            body = {"_raw": raw.decode("utf-8", "replace")}
        self._serve(body if isinstance(body, dict) else {"_body": body})

    def _serve(self, body: dict[str, Any]) -> None:
        owner = self.owner
        reply = owner.answer(self.command, self.path, body, dict(self.headers))
        if reply.refuse or owner._wait(reply.wait):
            self.close_connection = True
            return
        parts = list(reply.parts)
        sized = "Content-Length" in reply.headers or all(isinstance(p, bytes) for p in parts)
        try:
            self.send_response(reply.status)
            for k, v in reply.headers.items():
                self.send_header(k, v)
            if sized and "Content-Length" not in reply.headers:
                self.send_header("Content-Length", str(sum(len(p) for p in parts if isinstance(p, bytes))))
            if not sized:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.flush()
            for part in parts:
                if not isinstance(part, bytes):
                    if owner._wait(part):
                        self.close_connection = True
                        return
                    continue
                self.wfile.write(part)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            self.close_connection = True
