"""How many hand-written patterns decide judgement in the engine (issue 12's budget: 200 patterns, 1,500
alternation branches in coach_engine).

Counts every regular expression literal handed to ``re`` in the engine's Python and every string in its
YAML that reads as a regular expression, and the alternation branches in each. Run:
``python -m evals.pattern_budget [coach_engine]``.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

RE_FUNCS = {"compile", "search", "match", "fullmatch", "sub", "subn", "finditer", "findall", "split"}
REGEXY = re.compile(r"\\b|\(\?|\\s|\|")


def branches(pattern: str) -> int:
    return pattern.replace("\\|", "").count("|") + 1


def _strings(x: Any) -> Iterator[str]:
    if isinstance(x, dict):
        for v in x.values():
            yield from _strings(v)
    elif isinstance(x, list):
        for v in x:
            yield from _strings(v)
    elif isinstance(x, str):
        yield x


def count(root: Path) -> dict[str, tuple[int, int]]:
    """file -> (patterns, branches)."""
    per: dict[str, list[int]] = {}
    for f in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            func = node.func if isinstance(node, ast.Call) else None
            if (isinstance(node, ast.Call) and isinstance(func, ast.Attribute) and func.attr in RE_FUNCS
                    and isinstance(func.value, ast.Name) and func.value.id == "re" and node.args):
                arg = node.args[0]
                text = arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else (
                    ast.unparse(arg) if isinstance(arg, ast.JoinedStr | ast.BinOp) else None)
                if text is not None:
                    row = per.setdefault(str(f), [0, 0])
                    row[0] += 1
                    row[1] += branches(text)
    for f in sorted(root.rglob("*.yaml")):
        for text in _strings(yaml.safe_load(f.read_text(encoding="utf-8"))):
            if REGEXY.search(text):
                row = per.setdefault(str(f), [0, 0])
                row[0] += 1
                row[1] += branches(text)
    return {k: (v[0], v[1]) for k, v in per.items()}


def main(argv: list[str]) -> None:
    per = count(Path(argv[0] if argv else "coach_engine"))
    for name, (p, b) in sorted(per.items(), key=lambda kv: -kv[1][1]):
        print(f"{p:5d} {b:6d}  {name}")
    print(f"total: {sum(p for p, _ in per.values())} patterns, {sum(b for _, b in per.values())} branches "
          "(budget: 200 and 1,500)")


if __name__ == "__main__":
    main(sys.argv[1:])
