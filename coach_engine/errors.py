"""The root of Scrimmage's own exceptions, and the whole tree in one place.

``ScrimmageError`` is what the app and the CLI catch to show a clear message
instead of a traceback, so every exception the engine raises on purpose
subclasses it. Where callers also catch a builtin (``except ValueError``,
``except KeyError``, a retry on ``TimeoutError``), the class keeps that
builtin as a second base. Each class lives with the code that raises it:

    ScrimmageError
    ├── DataFileError (ValueError)        datafiles: problems in hand-written YAML/JSONL, by file and field
    ├── ConfigError (RuntimeError)        settings: a setting is missing or unusable; says how to fix it
    ├── LLMError (RuntimeError)           llm: a model call failed for good (after retries)
    ├── MalformedReplyError (ValueError)  llm: the model answered in a shape we cannot use
    │   └── OffScriptError                llm: ... or with a line we must not show
    ├── DeadlineExceeded (TimeoutError)   llm_guard: no complete reply within the turn's deadline
    ├── ReadingModelError                 reading.model: the turn-reading model is missing or unreadable
    ├── ItemModelError                    buyer.items: the item-reading model is missing or unreadable
    ├── StudioError                       studio: a studio action was refused
    │   └── TemplateUnchanged             studio: a save that still holds the template's placeholders
    ├── StoreError (RuntimeError)         store.records: a read or write failed (its subtree is drawn there:
    │   ├── PermissionDenied                  PermissionDenied, NotFound (also KeyError), ScenarioIdTaken,
    │   ├── NotFound (KeyError)               VersionConflict, AuthError and its kinds)
    │   └── ...
    ├── DemoAlreadySeeded (RuntimeError)  demo: seeding would mix demo data into real data
    ├── CLIError                          cli.common: an expected CLI failure with a message
    └── MissingPart (RuntimeError)        bench.core: a benchmarked part is not in the codebase yet

Deliberately outside: ``fakes.chat.FakeQueueEmpty`` (an ``AssertionError``)
means a test queued too few replies; it must fail the test, never turn into
a friendly message. Not in the tree yet: ``session.DrillInputError``
(``ValueError``), whose module the practice-service work of issue 16 is
rewriting. ``tests/unit/test_errors_tree.py`` walks the package and fails on
any other exception class outside the tree.
"""

from __future__ import annotations

__all__ = ["ScrimmageError"]


class ScrimmageError(Exception):
    """Something the user can fix; the message says what and how."""
