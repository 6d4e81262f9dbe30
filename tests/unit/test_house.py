"""The house's size rule (issue 16): no engine or page module over 450 lines, so each room holds one idea
and a change lands in one small place."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LIMIT = 450


@pytest.mark.parametrize("folder", ["coach_engine", "app_pages"])
def test_no_module_is_over_the_line_limit(folder: str) -> None:
    sizes = {str(f.relative_to(REPO)): len(f.read_text(encoding="utf-8").splitlines())
             for f in (REPO / folder).rglob("*.py")}
    assert sizes, folder
    assert {f: n for f, n in sizes.items() if n > LIMIT} == {}
