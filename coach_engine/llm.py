"""Calling a chat model and surviving its failures: error kinds, retries, structured output.

This is the one door to an LLM: callers import ``make_chat_model`` from here
too (it is built in ``llm_client``, re-exported so a test that swaps
``llm.make_chat_model`` swaps every model the app builds). Why it looks like this:

* **We retry, not the client.** The client makes one try (``llm_client``), and
  ``with_retries`` wraps one call with exponential backoff over the failures
  worth retrying (timeouts, rate limits, dropped connections, 5xx, malformed
  replies, a 200 without ``choices`` or with an error object, a line that is
  off script). After the last try it raises ``LLMError`` whose ``kind`` and
  message say what went wrong, so callers can fall back (scripted voice,
  offline grader) and tell the user why.
* **Within one deadline, behind a breaker** (issue 14). Given a
  ``llm_guard.Deadline``, every try runs in a worker thread bounded by what is
  left of it and a backoff wait that would not fit ends the call at once; given
  a ``llm_guard.CircuitBreaker``, an open breaker refuses the call
  (``kind="unavailable"``) and the call's end is reported to it. ``RetryPlan``
  is that loop as an object, for callers that cannot hand over a callable (the
  streaming voice).
* **tenacity runs the loop; what it carries is ours.** ``with_retries`` hands
  tenacity our policy (``RetryPlan.retrying``): retry the error kinds worth
  retrying, back off (doubling, or the server's ``Retry-After``), stop after
  the last try or when the next wait would overrun the turn's deadline. Around
  it stays what no retry library knows: an open breaker or a spent hourly
  quota refuses the call before any try, the breaker hears how the call ended,
  and the final error is an ``LLMError`` whose kind and sentence the page
  shows. The streaming voice cannot hand over a callable (a reply whose first
  words were shown must never be retried), so it steps through the same policy
  one failure at a time (``RetryPlan.failed`` / ``give_up``).
* **Structured output by function calling.** Local servers reject
  ``response_format={"type": "json_schema"}`` (the default method), while
  ``method="function_calling"`` works everywhere. ``structured`` turns an
  unparseable or missing tool call into ``MalformedReplyError`` so it is
  retried like any other bad reply.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import tenacity
from pydantic import BaseModel, ValidationError
from tenacity.stop import stop_base

from .errors import ScrimmageError
from .llm_client import (
    JUDGE_MAX_TOKENS,
    VOICE_MAX_TOKENS,
    is_openai_host,
    make_chat_model,
    token_limit_kwargs,
)
from .llm_guard import DeadlineExceeded, run_within

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.runnables import Runnable

    from .llm_guard import CircuitBreaker, Deadline
    from .llm_quota import HourlyQuota
    from .settings import Settings

__all__ = [
    "JUDGE_MAX_TOKENS",
    "RETRYABLE",
    "VOICE_MAX_TOKENS",
    "ErrorKind",
    "LLMError",
    "MalformedReplyError",
    "OffScriptError",
    "RetryPlan",
    "backoff_delay",
    "classify_error",
    "describe_failure",
    "endpoint",
    "is_openai_host",
    "make_chat_model",
    "masked",
    "structured",
    "token_limit_kwargs",
    "with_retries",
]

T = TypeVar("T")
ErrorKind = Literal["timeout", "rate_limit", "connection", "server", "malformed", "off_script", "auth",
                    "request", "unavailable", "quota"]

RETRYABLE: frozenset[str] = frozenset({"timeout", "rate_limit", "connection", "server", "malformed",
                                       "off_script"})

_WHAT_WENT_WRONG: dict[str, str] = {
    "timeout": "timed out",
    "rate_limit": "was rate-limited (HTTP 429)",
    "connection": "could not be reached",
    "server": "failed with a server error",
    "malformed": "sent a reply that could not be read",
    "off_script": "went off script",
    "auth": "rejected the API key",
    "request": "rejected the request",
    "unavailable": "is paused after repeated failures",
    "quota": "is over your hourly limit of AI turns",
}


class MalformedReplyError(ScrimmageError, ValueError):
    """The model answered, but not in a shape we can use (bad JSON, no tool call, empty text)."""


class OffScriptError(MalformedReplyError):
    """The model answered with a line we must not show: out of character, or against code's decision."""


class LLMError(ScrimmageError, RuntimeError):
    """An LLM call failed for good (after retries, or at once when retrying cannot help)."""

    def __init__(self, message: str, *, kind: ErrorKind, attempts: int = 1):
        super().__init__(message)
        self.kind: ErrorKind = kind
        self.attempts = attempts

    @property
    def what_went_wrong(self) -> str:
        """A short phrase for user-facing notices: "timed out", "was rate-limited (HTTP 429)"."""
        return _WHAT_WENT_WRONG[self.kind]


# --- retries -------------------------------------------------------------------


def classify_error(exc: BaseException) -> ErrorKind | None:
    """What kind of LLM failure ``exc`` is, or None when it is not an LLM failure (a bug)."""
    import openai
    from langchain_core.exceptions import OutputParserException

    if isinstance(exc, LLMError):
        return exc.kind
    if isinstance(exc, OffScriptError):
        return "off_script"
    if isinstance(exc, openai.APITimeoutError | TimeoutError):
        return "timeout"
    if isinstance(exc, openai.APIConnectionError | ConnectionError):
        return "connection"
    if isinstance(exc, openai.RateLimitError):
        return "rate_limit"
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return "auth"
    if isinstance(exc, openai.APIStatusError):
        return "server" if exc.status_code >= 500 else "request"
    if isinstance(
        exc,
        MalformedReplyError
        | OutputParserException
        | ValidationError
        | json.JSONDecodeError
        | openai.APIResponseValidationError,
    ):
        return "malformed"
    if isinstance(exc, ValueError) and exc.args and isinstance(exc.args[0], dict):
        return "server"  # a 200 carrying an error object: langchain-openai raises ValueError(error)
    if isinstance(exc, ValueError | TypeError | KeyError | IndexError | AttributeError) and _from_client(exc):
        return "malformed"  # a 200 without choices, null choices, no chunks, not JSON at all
    return None


_CLIENT_PACKAGES = frozenset({"openai", "langchain_openai", "langchain_core", "httpx", "httpx2"})


def _from_client(exc: BaseException) -> bool:
    """Whether ``exc`` was raised inside the client libraries while reading a reply (not in our code).

    They report a reply of the wrong shape with plain ``TypeError``/``KeyError``/``IndexError``; where it
    was raised is what tells such a reply from a bug of ours.
    """
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    module = str(tb.tb_frame.f_globals.get("__name__", ""))
    return module.split(".", 1)[0] in _CLIENT_PACKAGES


def _retry_after(exc: BaseException) -> float | None:
    """Seconds the server asked us to wait (``Retry-After``), when it said so."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    try:
        value = headers.get("retry-after")
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def backoff_delay(attempt: int, exc: BaseException | None = None, *, base_delay: float = 0.5,
                  max_delay: float = 8.0) -> float:
    """Seconds to wait after failed try number ``attempt`` (1-based): doubling, or ``Retry-After``."""
    delay = base_delay * 2 ** (attempt - 1)
    if exc is not None and classify_error(exc) == "rate_limit":
        delay = max(delay, _retry_after(exc) or 0.0)
    return min(delay, max_delay)


_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@")
_URL_SECRET_PARAM = re.compile(
    r"(?i)([?&](?:[a-z0-9_-]*(?:key|token|secret|password|passwd|pwd|sig|signature|auth)[a-z0-9_-]*)=)[^&#\s]+")


def masked(text: str) -> str:
    """``text`` with credentials inside URLs hidden: the user:password part and secret-looking query
    values (issue 14: an ``OPENAI_BASE_URL`` with a key in it must not reach pages, notes or logs)."""
    return _URL_SECRET_PARAM.sub(r"\1***", _URL_USERINFO.sub(r"\1***@", text))


def endpoint(settings: Settings) -> str:
    """Where LLM calls go, for messages (credentials in the URL masked)."""
    return masked(settings.openai_base_url) if settings.openai_base_url else "the OpenAI API"


_FAILURE_SENTENCE: dict[str, str] = {
    "timeout": "The LLM call to {where} timed out (limit {limit:g}s) {tries}.",
    "rate_limit": "The LLM server at {where} kept rate-limiting us (HTTP 429) {tries}.",
    "connection": "Could not reach the LLM server at {where} {tries}: {detail}",
    "server": "The LLM server at {where} failed {tries}: {detail}",
    "malformed": "The model's reply could not be read {tries}: {detail}",
    "off_script": "The model's line could not be used {tries}: {detail}",
    "auth": "The LLM server at {where} rejected the API key; check OPENAI_API_KEY. ({detail})",
}
"""``describe_failure``'s sentence per kind; any other kind is a rejected request."""


def describe_failure(kind: ErrorKind, exc: BaseException, settings: Settings, attempts: int) -> str:
    """One readable sentence: what failed, where, and after how many tries."""
    where = endpoint(settings)
    tries = f"after {attempts} {'try' if attempts == 1 else 'tries'}"
    detail = masked(str(exc).strip().splitlines()[0][:200]) if str(exc).strip() else type(exc).__name__
    if kind == "timeout" and isinstance(exc, DeadlineExceeded):
        return f"The LLM call to {where} did not finish within its {exc.seconds:g}s deadline {tries}."
    sentence = _FAILURE_SENTENCE.get(kind, "The LLM server at {where} rejected the request: {detail}")
    return sentence.format(where=where, tries=tries, detail=detail, limit=settings.llm_timeout)


def _worth_retrying(exc: BaseException) -> bool:
    return classify_error(exc) in RETRYABLE


def _overruns(deadline: Deadline | None, wait: float) -> bool:
    """Whether a backoff wait of ``wait`` seconds would not fit in what is left of ``deadline``."""
    return deadline is not None and deadline.remaining() <= wait


class _WaitOverruns(stop_base):
    """Stop when the coming backoff wait would not fit in what is left of the deadline."""

    def __init__(self, deadline: Deadline | None):
        self.deadline = deadline

    def __call__(self, retry_state: tenacity.RetryCallState) -> bool:
        return _overruns(self.deadline, retry_state.upcoming_sleep or 0.0)


class RetryPlan:
    """One call's tries: the first, then up to ``llm_max_retries`` more with backoff, all within
    ``deadline`` (when given), and the breaker (when given) told how the call ended.

    Use: ``refusal()`` first (an open breaker refuses the call), then after each failed try
    ``failed(exc)``: None means the backoff wait is done and the caller tries again; an ``LLMError``
    means stop. ``succeeded()`` after a good try.
    """

    def __init__(self, settings: Settings, *, deadline: Deadline | None = None,
                 breaker: CircuitBreaker | None = None, sleep: Callable[[float], None] = time.sleep,
                 base_delay: float = 0.5, max_delay: float = 8.0,
                 on_retry: Callable[[int, BaseException], None] | None = None,
                 quota: HourlyQuota | None = None):
        self.settings = settings
        self.deadline = deadline
        self.breaker = breaker
        self.quota = quota
        self.tries = 0
        """Tries that have ended so far."""
        self.opened = False
        """Whether this call's failure opened the breaker (callers say so in their notice)."""
        self._sleep = sleep
        self._base_delay = base_delay
        self._max_delay = max_delay
        self._on_retry = on_retry

    def refusal(self) -> LLMError | None:
        """``LLMError(kind="quota")`` when the user has used the hour's model calls (``llm_quota``),
        ``LLMError(kind="unavailable")`` when the breaker is open (the model is skipped), else None; a call
        let through counts against the user's quota."""
        if self.quota is not None:
            wait = self.quota.wait()
            if wait is not None:
                return LLMError(self.quota.refusal_message(wait), kind="quota", attempts=0)
        if self.breaker is not None and not self.breaker.allow():
            where = endpoint(self.settings)
            wait = self.breaker.retry_in()
            return LLMError(f"The model at {where} is paused after {self.breaker.streak} failed calls in a "
                            f"row; it is tried again in {wait:.0f}s.", kind="unavailable", attempts=0)
        if self.quota is not None:
            self.quota.record()
        return None

    def failed(self, exc: BaseException) -> LLMError | None:
        """Count a failed try; wait and return None to try again, or return the ``LLMError`` that ends it."""
        self.tries += 1
        kind = classify_error(exc)
        last = self.tries > self.settings.llm_max_retries
        delay = backoff_delay(self.tries, exc, base_delay=self._base_delay, max_delay=self._max_delay)
        if kind not in RETRYABLE or last or _overruns(self.deadline, delay):
            return self._give_up(exc, kind)
        if self._on_retry is not None:
            self._on_retry(self.tries, exc)
        self._sleep(delay)
        return None

    def retrying(self) -> tenacity.Retrying:
        """This plan as tenacity's loop, for a caller that hands over a callable (``with_retries``): the same
        kinds retried, the same backoff, the same stops (the last try, or a wait that would overrun the
        deadline), ``on_retry`` told before each wait. It re-raises the last failure, for ``_give_up``."""

        def wait(rs: tenacity.RetryCallState) -> float:
            exc = rs.outcome.exception() if rs.outcome is not None else None
            return backoff_delay(rs.attempt_number, exc, base_delay=self._base_delay,
                                 max_delay=self._max_delay)

        def before_sleep(rs: tenacity.RetryCallState) -> None:
            if self._on_retry is not None and rs.outcome is not None:
                self._on_retry(rs.attempt_number, rs.outcome.exception() or Exception("retry"))

        return tenacity.Retrying(
            retry=tenacity.retry_if_exception(_worth_retrying),
            wait=wait,
            stop=tenacity.stop_after_attempt(self.settings.llm_max_retries + 1)
            | _WaitOverruns(self.deadline),
            before_sleep=before_sleep,
            sleep=self._sleep,
            reraise=True,
        )

    def stopped(self, exc: BaseException, tries: int) -> LLMError:
        """The ``LLMError`` for a call tenacity stopped after ``tries`` tries (``retrying``)."""
        self.tries = tries
        return self._give_up(exc, classify_error(exc))

    def give_up(self, exc: BaseException) -> LLMError:
        """Count a failed try that must not be retried (words of it were already shown)."""
        self.tries += 1
        return self._give_up(exc, classify_error(exc))

    def succeeded(self) -> None:
        if self.breaker is not None:
            self.breaker.record_success()

    def _give_up(self, exc: BaseException, kind: ErrorKind | None) -> LLMError:
        if self.breaker is not None:
            self.opened = self.breaker.record_failure()
        if isinstance(exc, LLMError):
            return exc
        kind = kind or "server"
        message = describe_failure(kind, exc, self.settings, self.tries)
        return LLMError(message, kind=kind, attempts=self.tries)

    def run(self, fn: Callable[[], T]) -> T:
        """One try of ``fn``: in a worker thread bounded by the deadline when there is one."""
        return fn() if self.deadline is None else run_within(fn, self.deadline)


def with_retries(
    fn: Callable[[], T],
    settings: Settings,
    *,
    sleep: Callable[[float], None] = time.sleep,
    base_delay: float = 0.5,
    max_delay: float = 8.0,
    on_retry: Callable[[int, BaseException], None] | None = None,
    deadline: Deadline | None = None,
    breaker: CircuitBreaker | None = None,
    quota: HourlyQuota | None = None,
) -> T:
    """Call ``fn``; retry LLM failures worth retrying with exponential backoff.

    ``settings.llm_max_retries`` retries follow the first try, waiting
    ``base_delay * 2**n`` seconds (or the server's ``Retry-After``), capped at
    ``max_delay``. Auth and bad-request errors raise ``LLMError`` at once;
    exceptions that are not LLM failures propagate unchanged. With a
    ``deadline`` no try outlives it and no wait overruns it (``RetryPlan``);
    with a ``breaker`` an open circuit raises ``LLMError(kind="unavailable")``
    without calling ``fn``. tenacity runs the loop (``RetryPlan.retrying``).
    """
    plan = RetryPlan(settings, deadline=deadline, breaker=breaker, sleep=sleep, base_delay=base_delay,
                     max_delay=max_delay, on_retry=on_retry, quota=quota)
    refused = plan.refusal()
    if refused is not None:
        raise refused
    retrying = plan.retrying()
    try:
        result = retrying(plan.run, fn)
    except Exception as exc:
        error = plan.stopped(exc, int(retrying.statistics.get("attempt_number", 1)))
        if classify_error(exc) is None:
            raise
        raise error from exc
    plan.succeeded()
    return result


# --- structured output -----------------------------------------------------------

S = TypeVar("S", bound=BaseModel)


def structured(chat_model: BaseChatModel, schema: type[S]) -> Callable[[Any], S]:
    """A callable ``(messages) -> schema instance`` using function calling.

    A reply without the tool call, with unparseable arguments or failing
    validation raises ``MalformedReplyError`` (which ``with_retries`` retries).
    """
    runnable: Runnable[Any, Any] = chat_model.with_structured_output(
        schema, method="function_calling", include_raw=True
    )

    def call(messages: Any) -> S:
        out = runnable.invoke(messages)
        error = out.get("parsing_error")
        parsed = out.get("parsed")
        if error is not None:
            raise MalformedReplyError(f"{schema.__name__}: {error}") from error
        if parsed is None:
            raw = out.get("raw")
            invalid = getattr(raw, "invalid_tool_calls", None)
            if invalid:
                raise MalformedReplyError(
                    f"{schema.__name__}: the tool call's arguments were not valid JSON"
                )
            raise MalformedReplyError(f"the model did not call the {schema.__name__} function")
        if not isinstance(parsed, schema):
            raise MalformedReplyError(f"expected {schema.__name__}, got {type(parsed).__name__}")
        return parsed

    return call
