"""Deadlines and circuit breakers around LLM calls: a misbehaving model costs the rep seconds, a few times.

Why these two, and why not the HTTP client's timeout:

* **One deadline per turn, not a timeout per read.** The client's timeout
  restarts with every byte, so a server that drips a token every few seconds
  never times out, and three tries of a 20 s timeout cost a minute. A
  ``Deadline`` is a wall-clock budget for a whole turn, every try and backoff
  wait included. Each try runs in a daemon worker thread (``run_within``,
  ``stream_within``) and the caller stops waiting when the budget is spent,
  whatever the socket does; the abandoned worker ends at the client's own
  timeout or when the stream is next read, and its result is thrown away.
* **A circuit breaker per model and purpose.** After ``failures`` failed calls
  in a row the breaker opens: for ``cooldown`` seconds callers skip the model
  and use the offline voice or grader at once, with a notice, instead of
  paying the deadline again on every turn. Then one call is let through
  (half-open): a success closes the breaker, a failure opens it again.
  ``breaker_for`` keeps one per (purpose, endpoint, model) for the whole
  process, so every drill and every session of the app shares what was learned.

Nothing here knows about LangChain or our error kinds (``llm.RetryPlan`` joins
them up), so it is plain threads and clocks, and easy to test.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Generator, Iterable
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from .errors import ScrimmageError

if TYPE_CHECKING:
    from .settings import Settings

__all__ = [
    "CircuitBreaker",
    "Deadline",
    "DeadlineExceeded",
    "breaker_for",
    "reset_breakers",
    "run_within",
    "stream_within",
]

T = TypeVar("T")
Clock = Callable[[], float]
BreakerState = Literal["closed", "open", "half_open"]


class DeadlineExceeded(ScrimmageError, TimeoutError):
    """The turn's deadline passed before the model finished (a ``TimeoutError``: retried like one)."""

    def __init__(self, seconds: float):
        super().__init__(f"no complete reply within the {seconds:g}s deadline")
        self.seconds = seconds


class Deadline:
    """A wall-clock budget that starts when it is made."""

    def __init__(self, seconds: float, clock: Clock = time.monotonic):
        self.seconds = seconds
        self._clock = clock
        self._end = clock() + seconds

    def remaining(self) -> float:
        """Seconds left, never below 0."""
        return max(0.0, self._end - self._clock())

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0.0


def run_within(fn: Callable[[], T], deadline: Deadline) -> T:
    """``fn()`` in a worker thread; its result or exception, or ``DeadlineExceeded`` when time runs out."""
    box: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=work, name="llm-call", daemon=True).start()
    if not done.wait(deadline.remaining()):
        raise DeadlineExceeded(deadline.seconds)
    if "error" in box:
        raise box["error"]
    value: T = box["value"]
    return value


_ITEM, _DONE, _ERROR = "item", "done", "error"


def stream_within(open_stream: Callable[[], Iterable[T]], deadline: Deadline) -> Generator[T, None, None]:
    """The items of ``open_stream()``, read in a worker thread; ``DeadlineExceeded`` once time runs out.

    Closing this generator (or the deadline passing) tells the worker to stop at its next item.
    """
    items: queue.Queue[tuple[str, Any]] = queue.Queue()
    stop = threading.Event()

    def work() -> None:
        try:
            source = iter(open_stream())
            try:
                for item in source:
                    items.put((_ITEM, item))
                    if stop.is_set():
                        break
            finally:
                close = getattr(source, "close", None)
                if callable(close):
                    close()
            items.put((_DONE, None))
        except BaseException as exc:  # handed to the reader
            items.put((_ERROR, exc))

    threading.Thread(target=work, name="llm-stream", daemon=True).start()
    try:
        while True:
            try:
                kind, value = items.get(timeout=deadline.remaining())
            except queue.Empty:
                raise DeadlineExceeded(deadline.seconds) from None
            if kind == _DONE:
                return
            if kind == _ERROR:
                raise value
            if deadline.expired:
                raise DeadlineExceeded(deadline.seconds)
            yield value
    finally:
        stop.set()


class CircuitBreaker:
    """Closed; open after ``failures`` failed calls in a row; half-open after ``cooldown`` s: one trial."""

    def __init__(self, failures: int = 3, cooldown: float = 120.0, clock: Clock = time.monotonic):
        self.failures = failures
        self.cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._streak = 0
        self._opened_at: float | None = None
        self._trial = False

    @classmethod
    def from_settings(cls, settings: Settings) -> CircuitBreaker:
        return cls(settings.llm_breaker_failures, settings.llm_breaker_cooldown)

    @property
    def state(self) -> BreakerState:
        with self._lock:
            return self._state()

    def _state(self) -> BreakerState:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at < self.cooldown:
            return "open"
        return "half_open"

    @property
    def streak(self) -> int:
        """Failed calls in a row (what opens the breaker)."""
        return self._streak

    def retry_in(self) -> float:
        """Seconds until the model is tried again (0 when it may be called now)."""
        with self._lock:
            if self._opened_at is None:
                return 0.0
            return max(0.0, self.cooldown - (self._clock() - self._opened_at))

    def allow(self) -> bool:
        """May a call go to the model now? In half-open state only one caller gets True (the trial)."""
        with self._lock:
            state = self._state()
            if state == "half_open":
                # The trial restarts the cool-down: others keep skipping the model meanwhile, and a trial
                # that never reports back (a stream the rep abandoned) lets another one through later.
                self._trial = True
                self._opened_at = self._clock()
                return True
            return state == "closed"

    def record_success(self) -> None:
        with self._lock:
            self._streak = 0
            self._opened_at = None
            self._trial = False

    def record_failure(self) -> bool:
        """Count a failed call; True when this failure opened (or re-opened) the breaker."""
        with self._lock:
            self._streak += 1
            reopen = self._trial or (self._opened_at is None and self._streak >= self.failures)
            self._trial = False
            if reopen:
                self._opened_at = self._clock()
            return reopen


_BREAKERS: dict[tuple[str, str, str], CircuitBreaker] = {}
_BREAKERS_LOCK = threading.Lock()


def breaker_for(settings: Settings, purpose: str) -> CircuitBreaker:
    """The process-wide breaker for ``purpose`` ("voice", "judge", ...) at the configured endpoint/model."""
    model = settings.chat_model if purpose == "voice" else settings.judge_model
    key = (purpose, settings.openai_base_url or "openai", model)
    with _BREAKERS_LOCK:
        if key not in _BREAKERS:
            _BREAKERS[key] = CircuitBreaker.from_settings(settings)
        return _BREAKERS[key]


def reset_breakers() -> None:
    """Forget every shared breaker (tests; a settings change in a long-lived process)."""
    with _BREAKERS_LOCK:
        _BREAKERS.clear()
