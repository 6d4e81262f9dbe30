"""The fields every versioned prompt file has, so each model caller's template is read the same way.

The judge, the behaviour classifier and the buyer voice each ship a YAML
prompt; a scorecard, a turn or a bench figure names the one it used by
``versioned_id`` (``id@version``), so a changed prompt is never mistaken for
the one that was measured. A typo'd key must fail loudly rather than be
ignored, and a loaded prompt is shared (cached) so it must not change. Each
caller's template adds its own parts (``user``, ``turn``, ``behaviours`` ...)
on top of these.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

__all__ = ["PromptFile", "without_rep_tags"]

_REP_TAG = re.compile(r"<\s*/?\s*rep_line\s*>", re.IGNORECASE)


def without_rep_tags(text: str) -> str:
    """The rep's words unable to open or close the ``<rep_line>`` fence every prompt puts them in."""
    return _REP_TAG.sub("[tag removed]", text)


class PromptFile(BaseModel):
    """A versioned prompt template read from YAML: unknown keys refused, frozen once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    version: str
    description: str = ""
    system: str

    @property
    def versioned_id(self) -> str:
        return f"{self.id}@{self.version}"
