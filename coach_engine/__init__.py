"""Scrimmage's engine: every decision the practice field makes, with no user interface in it.

Why a package of its own: the Streamlit pages (``app_pages/``), the CLI
(``coach_engine.cli``), the evals (``evals/``) and the tests all drive the same
engine, so a drill, a score or a leaderboard reads the same wherever it is
shown. The model talks, code decides: the buyer's state and every score are
computed here from the reading of the rep's words (``signals``, ``reading``),
never taken from a language model's say-so.

Where things live:

* ``settings`` — the one reader of the environment;
* ``text`` — sentences, words, numbers, question form (one toolkit);
* ``reading`` / ``signals`` — what a rep's turn does (the learned turn reader);
* ``buyer`` — the director (state, resolution) and the voices (scripted, LLM);
* ``grading`` — rubric checks with quoted evidence, scoring, calibration, coaching;
* ``session`` — one drill's lifecycle; ``store`` — SQLite/PostgreSQL (in parts: people, attempts,
  reviewing, assigning on one base of scope rules) and the Chroma index;
* ``memory``, ``progress``, ``leaderboard``, ``points``, ``assignments``, ``warmup``, ``drills`` —
  what history says to reps and managers;
* ``call_notes``, ``tailoring`` — what a rep's call notes say, and the warm-up buyer they make;
* ``accounts``, ``identity`` — how people sign in (local, password, OIDC) and who a session is;
  the rows, with scope and the audit trail, are in ``store.accounts`` and ``store.audit``;
* ``fakes`` — the network-edge fakes that ship with the package, for tests and evals.
"""

__version__ = "0.1.0"
