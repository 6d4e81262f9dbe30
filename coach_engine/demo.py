"""The demo team: a manager and eight reps with six weeks of history made by the real engine.

Numbers on the leaderboard, trends and "from your team" examples must come
from drills that actually ran, not from random scores, so every page is alive
on first start and tells the truth about the engine. Each demo drill runs a rep
script (``demo_scripts.yaml`` + ``evals/data/buyer_scripts.jsonl``) through
``DrillSession`` with the scripted buyer voice and is graded by the offline
grader. Reps mix their habit (feature dumping, discounting ...) with strong
lines, and their skill rises week by week, so trends are real trends.

Speed: the engine is deterministic, so equal transcripts give equal results.
A drill is identified by (scenario content hash, rep lines, grader, engine
fingerprint — a hash of the signal, buyer and grading code and data, so any
engine change invalidates the cache instead of serving stale scores) and its
result is cached in ``demo_results.jsonl`` (shipped, rewritten by
``--refresh``; drills it does not cover run the engine and are cached in the
data directory, never in the package).
Timestamps are spread over the past weeks in the team's time zone (weekdays,
office hours, never in the future).

The demo accounts share one random password, new for each database: the
summary carries it (``seed-demo`` prints it once) and it is kept in the data
dir for the sign-in page, which shows it only while demo mode is on
(``accounts.demo_signin``).
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .accounts import DemoSignin, new_demo_password, write_demo_signin
from .demo_spec import DemoRep, load_demo_spec
from .errors import ScrimmageError
from .models import Scenario, Scorecard, Transcript
from .scenarios import ScenarioBank
from .settings import Settings, get_settings
from .store import SYSTEM, Store, User
from .store.weeks import iso_week, shift_week, week_bounds

__all__ = ["DEMO_FILE", "DemoAlreadySeeded", "DemoSummary", "seed_demo"]

DEMO_FILE = Path(__file__).with_name("demo_scripts.yaml")
RESULTS_FILE = Path(__file__).with_name("demo_results.jsonl")
SCRIPTS_FILE = Path(__file__).resolve().parents[1] / "evals" / "data" / "buyer_scripts.jsonl"


class DemoAlreadySeeded(ScrimmageError, RuntimeError):
    """The database already has users; seeding again would mix demo data into real data."""


_ENGINE_PARTS = ("signals.py", "text.py", "structure.yaml",
                 "reading",
                 "session.py", "buyer", "grading", "rubrics")


@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """A hash of the code and data that decide a drill's outcome and score."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for part in _ENGINE_PARTS:
        path = root / part
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for f in files:
            if f.is_file() and f.suffix in {".py", ".yaml"}:
                digest.update(f.relative_to(root).as_posix().encode())
                digest.update(f.read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class DemoSummary:
    team: str
    users: int
    attempts: int
    engine_runs: int
    cached: int
    indexed: int
    seconds: float
    weeks: list[str] = field(default_factory=list)
    signin: DemoSignin | None = None
    """The demo accounts and their password (``seed-demo`` prints it once; the sign-in page shows it
    while demo mode is on)."""

    def describe(self) -> str:
        return (
            f"Seeded team {self.team}: {self.users} users, {self.attempts} attempts over "
            f"{len(self.weeks)} weeks ({self.weeks[0]} to {self.weeks[-1]}); {self.engine_runs} drills run, "
            f"{self.cached} from cache; {self.indexed} replies indexed; {self.seconds:.1f} s."
        )


@dataclass
class _Result:
    transcript: Transcript
    scorecard: Scorecard


def _load_scripts(path: Path) -> dict[tuple[str, str], list[str]]:
    scripts: dict[tuple[str, str], list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            scripts.setdefault((row["scenario"], row["style"]), list(row["turns"]))
    return scripts


def _mix(strong: list[str], habit: list[str], level: int, levels: int) -> list[str]:
    """The first k strong lines, then the habit's lines from there on (k grows with level)."""
    if level >= levels - 1:
        return list(strong)
    k = round(len(strong) * level / (levels - 1))
    return [*strong[:k], *habit[k:]] if len(habit) > k else [*strong[:k], *habit[-1:]]


class _Runner:
    """Runs (or recalls) one drill through the real engine."""

    def __init__(self, settings: Settings, shipped: Path, refresh: bool):
        self.settings = settings
        self.shipped = shipped
        self.local = settings.data_dir / "demo_results.jsonl"
        self.cache: dict[str, _Result] = {}
        self.new: dict[str, _Result] = {}
        self.runs = self.hits = 0
        self.refresh = refresh
        self._engine: tuple[Any, Any] | None = None
        for path in () if refresh else (shipped, self.local):
            if not path.exists():
                continue
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    self.cache[row["key"]] = _Result(
                        Transcript.model_validate(row["transcript"]),
                        Scorecard.model_validate(row["scorecard"]),
                    )

    def engine(self) -> tuple[Any, Any]:
        if self._engine is None:
            from .embeddings import get_embedder
            from .grading import get_grader

            embedder = get_embedder(self.settings)
            offline = self.settings.model_copy(update={"grader": "offline"})
            self._engine = (embedder, get_grader(offline, embedder))
        return self._engine

    def key(self, scenario: Scenario, lines: list[str]) -> str:
        raw = json.dumps([scenario.content_hash(), lines, "offline", self.settings.embedding_backend,
                          engine_fingerprint()])
        return hashlib.sha256(raw.encode()).hexdigest()[:24]

    def run(self, scenario: Scenario, lines: list[str]) -> _Result:
        key = self.key(scenario, lines)
        if key in self.cache:
            self.hits += 1
            return self.cache[key]
        from .buyer.scripted import ScriptedVoice
        from .session import DrillSession

        embedder, grader = self.engine()
        drill = DrillSession(scenario, embedder=embedder, voice=ScriptedVoice(0), seed=0)
        drill.start()
        for line in lines:
            if drill.finished:
                break
            drill.rep_says(line)
        card = grader.grade(scenario, drill.transcript, drill.outcome)
        result = _Result(drill.transcript, card)
        self.cache[key] = self.new[key] = result
        self.runs += 1
        return result

    def save(self) -> None:
        if not self.new:
            return
        # A refresh rewrites the shipped file (a developer's act); otherwise new results go to the
        # data directory, never into the installed package.
        target, mode = (self.shipped, "w") if self.refresh else (self.local, "a")
        self.refresh = False
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open(mode, encoding="utf-8") as fh:
            for key, r in self.new.items():
                fh.write(
                    json.dumps(
                        {
                            "key": key,
                            "transcript": r.transcript.model_dump(mode="json"),
                            "scorecard": r.scorecard.model_dump(mode="json"),
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
        self.new.clear()


def _moments(rng: random.Random, week: str, tz: str, n: int, now: datetime) -> list[datetime]:
    """``n`` weekday office-hour instants in ``week`` (team time), none in the future, sorted.

    Early in the week, when none of a rep's instants has come yet, one is an early warm-up in the hours
    already gone: a team opening the demo on a Monday morning saw a week with nobody on its leaderboard."""
    start, _ = week_bounds(week, tz)
    monday = start.astimezone(ZoneInfo(tz)).date()
    out = []
    for _ in range(n):
        day = monday + timedelta(days=rng.randrange(5))
        local = datetime.combine(day, time(rng.randrange(8, 17), rng.randrange(60)), tzinfo=ZoneInfo(tz))
        moment = local.astimezone(now.tzinfo)
        if moment < now - timedelta(minutes=30):
            out.append(moment)
    begun = start.astimezone(now.tzinfo)
    if n and not out and begun < now < begun + timedelta(days=7):
        done_by = max(now - timedelta(minutes=20), begun + (now - begun) / 2)  # finished before now if it can
        out.append(begun + (done_by - begun) * _peek(rng))
    return sorted(out)


def _peek(rng: random.Random) -> float:
    """A number in [0, 1) read off the generator's state without drawing from it: every other drill of the
    plan stays the one the results cache holds."""
    return random.Random(sum(rng.getstate()[1][:8])).random()


def seed_demo(
    store: Store,
    *,
    bank: ScenarioBank | None = None,
    settings: Settings | None = None,
    index: Any | None = None,
    weeks: int = 6,
    force: bool = False,
    refresh: bool = False,
    demo_file: Path = DEMO_FILE,
    results_file: Path = RESULTS_FILE,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Create the demo team and its history. Refuses when users exist unless ``force``."""
    import time as _time

    t0 = _time.perf_counter()
    say = progress or (lambda _msg: None)
    if store.count_users() and not force:
        raise DemoAlreadySeeded(
            "The database already has users; not seeding the demo (use --force to add it)."
        )
    settings = settings or get_settings()
    bank = bank or ScenarioBank.from_dirs(settings.scenario_dirs)
    spec = load_demo_spec(demo_file)
    scripts = _load_scripts(SCRIPTS_FILE)
    scenarios = [bank.get(sid) for sid in spec.scenarios if sid in bank]
    if not scenarios:
        raise KeyError("none of the demo scenarios is in the bank")
    levels = spec.levels
    team, tz = spec.team.name, spec.team.timezone
    rng = random.Random(20261126)
    now = store.clock()

    manager = store.add_user(
        SYSTEM, spec.manager.email, spec.manager.name, "manager", team, timezone=tz
    )
    reps: list[tuple[User, DemoRep]] = [
        (store.add_user(SYSTEM, r.email, r.name, "rep", team), r) for r in spec.reps
    ]
    signin = _demo_accounts(store, settings, team, [manager, *(u for u, _ in reps)])
    this_week = iso_week(now, tz)
    week_labels = [shift_week(this_week, -(weeks - 1 - i)) for i in range(weeks)]

    # Assignments are made before the drills they count.
    real_clock = store.clock
    for a in spec.assignments:
        due = (now + timedelta(days=a.due_in_days)).astimezone(ZoneInfo(tz)).date()
        made = datetime.combine(due - timedelta(days=a.made_days_before_due), time(8), tzinfo=ZoneInfo(tz))
        store.clock = _fixed(made)
        store.create_assignment(
            manager, a.scenario, due, team=team, pass_mark=a.pass_mark, min_attempts=a.min_attempts
        )
    store.clock = real_clock

    runner = _Runner(settings, results_file, refresh)
    plan: list[tuple[datetime, User, Scenario, list[str]]] = []
    assigned = [a.scenario for a in spec.assignments]
    for user, r in reps:
        for w, week in enumerate(week_labels):
            skill = min(1.0, r.start + r.gain * w)
            n = max(0, r.drills_per_week + rng.choice((-1, 0, 0, 1)))
            for moment in _moments(rng, week, tz, n, now):
                pool = scenarios + [bank.get(s) for s in assigned if s in bank]
                scenario = rng.choice(pool)
                level = max(0, min(levels - 1, round((skill + rng.uniform(-0.12, 0.12)) * (levels - 1))))
                strong = scripts.get((scenario.id, "strong"))
                habit = scripts.get((scenario.id, r.habit)) or scripts.get((scenario.id, "passive"))
                if not strong or not habit:
                    continue
                plan.append((moment, user, scenario, _mix(strong, habit, level, levels)))
    plan.sort(key=lambda p: (p[0], p[1].email))
    say(f"Seeding {team}: {len(reps)} reps, {len(plan)} drills over {weeks} weeks …")

    attempts: list[tuple[int, User]] = []
    to_index: list[tuple[Any, Any, Scorecard]] = []
    try:
        for i, (moment, user, scenario, lines) in enumerate(plan):
            result = runner.run(scenario, lines)
            done_at = moment + timedelta(minutes=2 + len(result.transcript.turns))
            attempt = store.import_attempt(
                SYSTEM,
                user,
                scenario,
                result.transcript.turns,
                result.scorecard,
                started_at=moment,
                completed_at=done_at,
                voice="offline",
                grader="offline",
            )
            attempts.append((attempt.id, user))
            to_index.append((attempt, result.transcript.turns, result.scorecard))
            if (i + 1) % 25 == 0:
                say(f"  {i + 1}/{len(plan)} drills ({runner.runs} run, {runner.hits} cached)")
    finally:
        runner.save()

    # The manager reviews the latest attempt of a couple of reps.
    for rv in spec.reviews:
        mine = [aid for aid, u in attempts if u.email == rv.rep]
        if mine:
            card = store.scorecard(manager, mine[-1])
            if card and card.skills:
                low = min(card.due_skills or card.skills, key=lambda s: s.score)
                store.add_review(manager, mine[-1], {low.id: min(5, low.score + 1)}, rv.comment)

    indexed = 0
    if index is None:
        try:
            from .store.index import AttemptIndex

            index = AttemptIndex.from_settings(settings, runner.engine()[0] if runner.runs else None)
        except Exception as exc:  # the SQL history is the demo; the index only adds examples
            say(f"Attempt index unavailable ({exc}); the demo works without team examples.")
    if index is not None:
        indexed = index.add_attempts(to_index, tz)

    return DemoSummary(
        team=team,
        users=1 + len(reps),
        attempts=len(attempts),
        engine_runs=runner.runs,
        cached=runner.hits,
        indexed=indexed,
        seconds=_time.perf_counter() - t0,
        weeks=week_labels,
        signin=signin,
    )


def demo_signin_for_old_demo(
    store: Store, settings: Settings, demo_file: Path = DEMO_FILE
) -> DemoSignin | None:
    """A demo seeded before accounts existed (its team alone, no account with a password): give its
    accounts a password now, so ``make run`` still opens it. None when there is nothing to do."""
    from .store.accounts import AccountStore

    team = load_demo_spec(demo_file).team.name
    accounts = AccountStore(store)
    if accounts.team_names() != {team}:
        return None
    found = accounts.accounts(SYSTEM, team)
    if not found or any(a.signs_in_with for a in found):
        return None
    users = sorted((a.user for a in found), key=lambda u: (u.role != "manager", u.name))
    return _demo_accounts(store, settings, team, users)


def _demo_accounts(store: Store, settings: Settings, team: str, users: list[User]) -> DemoSignin:
    """Give every demo account one new random password, kept for the sign-in page's demo hint."""
    from .store.accounts import AccountStore

    password = new_demo_password()
    accounts = AccountStore(store)
    for user in users:
        accounts.set_password(SYSTEM, user.email, password, note="demo account")
    hint = DemoSignin(team, password, [{"email": u.email, "name": u.name, "role": u.role} for u in users])
    write_demo_signin(settings.data_dir, hint)
    return hint


def _fixed(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment
