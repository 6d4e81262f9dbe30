"""LLM path cost: chat calls and prompt tokens per buyer turn and per grading, offline.

Why the real client over a fake transport: what costs money and latency is
what our code *sends*, so the drill runs with the real ``ChatOpenAI`` client
whose ``http_client`` is ``fakes.FakeOpenAI`` (no socket), which records every
request body.
Calls are counted per buyer turn (requests that arrive during one
``rep_says``) and prompt tokens are counted with ``coach_engine.tokens``
(offline; no tokenizer download). The fake's replies are canned: a buyer
line of typical length for the voice, and for structured output a minimal
valid tool call built from the request's own JSON schema (for the judge, a
"no" for every check the prompt lists). So the figures measure our prompts,
not a model's answers; a real model's longer buyer lines would grow the
history a little faster (the voice windows it).
"""

from __future__ import annotations

import re
import statistics
from typing import Any

from ..models import Scenario
from .core import BenchContext, Figure, describe_error, require
from .data import synthetic_transcript, ten_turn_script

__all__ = ["minimal_instance", "run_llm"]

BUYER_LINE = ("I follow you, but I still need to understand how this would work for us in practice, "
              "and what it would cost us if the rollout went badly.")
TURNS = 10


def minimal_instance(schema: dict[str, Any], defs: dict[str, Any] | None = None) -> Any:
    """The smallest value that validates against a JSON schema (enough for pydantic models)."""
    defs = defs if defs is not None else schema.get("$defs", {})
    if "$ref" in schema:
        return minimal_instance(defs[schema["$ref"].split("/")[-1]], defs)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [o for o in schema[key] if o.get("type") != "null"] or schema[key]
            return minimal_instance(options[0], defs)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type", "object")
    if kind == "object":
        props = schema.get("properties", {})
        return {k: minimal_instance(props[k], defs) for k in schema.get("required", []) if k in props}
    if kind == "array":
        return [minimal_instance(schema.get("items", {}), defs) for _ in range(schema.get("minItems", 0))]
    if kind == "string":
        return "x" * int(schema.get("minLength", 0))
    if kind in ("integer", "number"):
        return schema.get("minimum", 0)
    if kind == "boolean":
        return False
    return None


_CHECK_LINE = re.compile(r"^\s*(?:-\s*)?([a-z0-9-]+/[a-z0-9-]+):", re.M)


def responder(body: dict[str, Any]) -> Any:
    """Canned replies: a buyer line, or a minimal tool call matching the requested function."""
    tools = body.get("tools") or []
    if not tools:
        return BUYER_LINE
    fn = tools[0]["function"]
    args = minimal_instance(fn.get("parameters", {}))
    if fn["name"] == "JudgeVerdict":
        prompt = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
        ids = [m for m in _CHECK_LINE.findall(prompt) if not m.startswith("integrity/")]
        args["checks"] = [{"check": i, "passed": False, "turn": None, "quote": ""} for i in ids]
    return {"name": fn["name"], "args": args}


def _settings(ctx: BenchContext, base_url: str) -> Any:
    from ..settings import Settings

    return Settings(data_dir=ctx.workdir / "llm-data", openai_base_url=base_url, openai_api_key="bench",
                    voice="llm", grader="llm", llm_timeout=30)


def _drill_scenarios(ctx: BenchContext) -> list[Scenario]:
    """Scenarios whose offline drill lasted all 10 turns (the LLM voice follows the same director)."""
    bank = ctx.cache["bank"]
    lasted = [s for s, t, _o in ctx.cache.get("drill_transcripts", [])
              if sum(1 for x in t.turns if x.role == "rep") >= TURNS]
    scenarios = lasted or [bank.get(i) for i in bank.ids()]
    seen: dict[str, Scenario] = {}
    for s in scenarios:
        seen.setdefault(s.id, s)
    return list(seen.values())[: 1 if ctx.quick else 6]


def buyer_turn_cost(ctx: BenchContext) -> dict[str, Figure]:
    session_mod = require("coach_engine.session", "DrillSession", why="issue 3")
    voices = require("coach_engine.buyer.voices", "get_voice", why="issue 3")
    from ..fakes import FakeOpenAI
    from ..llm import make_chat_model
    from ..tokens import count_chat_tokens

    calls: list[float] = []
    tokens: list[float] = []
    at_ten: list[float] = []
    by_turn: dict[int, list[float]] = {}
    opening_calls = 0
    drills = 0
    with FakeOpenAI(responder=responder) as server:
        settings = _settings(ctx, server.base_url)
        for seed, scenario in enumerate(_drill_scenarios(ctx), start=1):
            model = make_chat_model(settings, "voice", http_client=server.http_client())
            voice = voices.get_voice(settings, seed, chat_model=model)
            session = session_mod.DrillSession(scenario, embedder=ctx.cache["embedder"], voice=voice,
                                               seed=seed, max_turns=TURNS)
            before = len(server.chat_requests)
            session.start()
            opening_calls += len(server.chat_requests) - before
            drills += 1
            for turn, line in enumerate(ten_turn_script(scenario, seed), start=1):
                if session.finished:
                    break
                before = len(server.chat_requests)
                session.rep_says(line)
                sent = server.chat_requests[before:]
                calls.append(float(len(sent)))
                n_tokens = float(sum(count_chat_tokens(b.get("messages", []), b.get("tools")) for b in sent))
                tokens.append(n_tokens)
                by_turn.setdefault(turn, []).append(n_tokens)
                if turn == TURNS:
                    at_ten.append(n_tokens)
    series = [(float(t), statistics.median(v)) for t, v in sorted(by_turn.items())]
    f_calls = Figure("llm_calls_per_buyer_turn", calls, size=drills,
                     note=f"{drills} drills; opening lines: {opening_calls} calls in all")
    f_tokens = Figure("llm_prompt_tokens_per_buyer_turn", tokens, size=drills, series=series, series_x="turn")
    f_ten = Figure("llm_prompt_tokens_turn_10", at_ten, size=drills)
    if not at_ten:
        f_ten.error = "no drill reached turn 10 (every drill ended earlier)"
    f_tokens.note = "counted offline, cl100k (coach_engine.tokens, exact); canned buyer lines"
    return {f.name: f for f in (f_calls, f_tokens, f_ten)}


def grading_cost(ctx: BenchContext) -> dict[str, Figure]:
    grading = require("coach_engine.grading", "get_grader", why="issue 4")
    from ..fakes import FakeOpenAI
    from ..llm import make_chat_model
    from ..tokens import count_chat_tokens

    calls: list[float] = []
    tokens: list[float] = []
    fell_back = 0
    with FakeOpenAI(responder=responder) as server:
        settings = _settings(ctx, server.base_url)
        grader = grading.get_grader(settings, ctx.cache["embedder"],
                                    chat_model=make_chat_model(settings, "judge",
                                                               http_client=server.http_client()))
        for seed, scenario in enumerate(_drill_scenarios(ctx), start=1):
            transcript = synthetic_transcript(scenario, ten_turn_script(scenario, seed), seed)
            before = len(server.chat_requests)
            card = grader.grade(scenario, transcript)
            sent = server.chat_requests[before:]
            calls.append(float(len(sent)))
            tokens.append(float(sum(count_chat_tokens(b.get("messages", []), b.get("tools")) for b in sent)))
            fell_back += any("graded offline" in n for n in card.notes)
    note = f"10-turn transcripts, judge_samples={settings.judge_samples}"
    if fell_back:
        note += f"; {fell_back} fell back to the offline grader"
    return {"llm_calls_per_grading": Figure("llm_calls_per_grading", calls, size=TURNS, note=note),
            "llm_prompt_tokens_per_grading": Figure("llm_prompt_tokens_per_grading", tokens, size=TURNS,
                                                    note=note)}


def run_llm(ctx: BenchContext) -> dict[str, Figure]:
    out: dict[str, Figure] = {}
    for names, fn in ((("llm_calls_per_buyer_turn", "llm_prompt_tokens_per_buyer_turn",
                        "llm_prompt_tokens_turn_10"), buyer_turn_cost),
                      (("llm_calls_per_grading", "llm_prompt_tokens_per_grading"), grading_cost)):
        try:
            out.update(fn(ctx))
        except Exception as exc:
            msg = describe_error(exc)
            out.update({n: Figure(n, error=msg) for n in names})
    return out
