"""Domain types shared by every part of the engine.

Everything a manager writes by hand (scenarios, rubrics) is validated by a
model with ``extra="forbid"`` so that a typo in a field name is an error, not
a silently ignored setting. Output types (transcripts, scorecards) are plain
pydantic models so the CLI, the app and the stores serialise them the same
way. The scenario format is public (DESIGN.md): new fields must be optional
with defaults so that existing files keep loading.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

Objection = Literal[
    "price",
    "budget",
    "timing",
    "incumbent",
    "competitor",
    "authority",
    "send_info",
    "not_interested",
    "trust",
    "need",
]
OBJECTIONS: tuple[str, ...] = Objection.__args__  # type: ignore[attr-defined]
Difficulty = Literal["easy", "medium", "hard"]
DIFFICULTIES: tuple[str, ...] = Difficulty.__args__  # type: ignore[attr-defined]
Personality = Literal["analytical", "driver", "amiable", "expressive"]
PERSONALITIES: tuple[str, ...] = Personality.__args__  # type: ignore[attr-defined]
Outcome = Literal["agreed", "walked_away", "open"]
Role = Literal["buyer", "rep"]

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

# Length limits for what managers write (issue 15: a 20,000-character title saved). Generous — about
# three times the longest field in the shipped bank — so they stop accidents and pastes, never prose;
# the studio and ``scrimmage scenarios validate`` both get them from these types.
NAME_CHARS, TITLE_CHARS, LINE_CHARS, TAG_CHARS = 80, 120, 300, 40
OPENING_CHARS, CONCERN_CHARS, CONTEXT_CHARS = 600, 1000, 1500
LIST_ITEMS, TAG_ITEMS = 10, 12
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_CHARS)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_CHARS)]
_BULLET_MARKS = ("- ", "* ", "\u2022 ", "\u2013 ", "+ ")


def _unbulleted(values: Any) -> Any:
    """List entries without the bullet their author typed into them ("- Cuts turn time ..."): YAML already
    makes each a list item, and a mark kept would be said aloud and quoted in coaching."""
    if not isinstance(values, list):
        return values
    out = []
    for value in values:
        bare = value.strip() if isinstance(value, str) else value
        mark = next((m for m in _BULLET_MARKS if isinstance(bare, str) and bare.startswith(m)), "")
        out.append(bare[len(mark):] if mark else value)
    return out


Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=LINE_CHARS)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TAG_CHARS)]
Opening = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=OPENING_CHARS)]
Concern = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=CONCERN_CHARS)]
Context = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=CONTEXT_CHARS)]

ItemKind = Literal[
    "acknowledge",
    "explore",
    "uncover",
    "tie_number",
    "tie",
    "proof",
    "respect_incumbent",
    "alternatives",
    "involve",
    "next_step",
    "confirm",
    "check_other",
]
"""What a resolution item asks of the rep (``buyer/items.py`` reads free text into one of these)."""
ITEM_KINDS: tuple[str, ...] = ItemKind.__args__  # type: ignore[attr-defined]


class _FileModel(BaseModel):
    """Base for models loaded from hand-written files: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Product(_FileModel):
    name: Name
    summary: Line
    value_points: Annotated[list[Line], Field(min_length=1, max_length=LIST_ITEMS)]
    proof_points: Annotated[list[Line], Field(max_length=LIST_ITEMS)] = Field(default_factory=list)

    _points_unbulleted = field_validator("value_points", "proof_points", mode="before")(_unbulleted)


class ResolutionSpec(_FileModel):
    """A resolution item with its kind said outright (``- text: ...`` / ``kind: proof``)."""

    text: Line
    kind: ItemKind | None = None


class Buyer(_FileModel):
    name: Name
    role: Title
    company: Title
    personality: Personality = "analytical"
    opening: Opening
    hidden_concern: Concern
    concern_lines: Annotated[list[Opening], Field(max_length=5)] = Field(default_factory=list)
    """Optional: the concern as this buyer would say it, in stages (a hint, the story, the stake), in the
    first person. Without them the buyer words the concern from ``hidden_concern``."""
    resolution: Annotated[list[Line | ResolutionSpec], Field(min_length=1, max_length=LIST_ITEMS)]
    """What resolves the objection, in the manager's words; an item may be ``{text, kind}`` to say
    which requirement it is rather than leave it to the reading (``ITEM_KINDS``)."""
    next_step: Line | None = None
    facts: Annotated[dict[Name, Opening], Field(max_length=30)] = Field(default_factory=dict)
    """Optional: what the buyer can be asked about, topic -> the answer in the buyer's own words
    ("fleet size": "We run 85 trucks out of two yards."). Asked about something not here, the buyer
    answers as a person would, without inventing a figure."""

    _items_unbulleted = field_validator("resolution", mode="before")(_unbulleted)

    @property
    def items(self) -> list[ResolutionSpec]:
        """Every resolution item as ``ResolutionSpec`` (plain strings have no explicit kind)."""
        return [r if isinstance(r, ResolutionSpec) else ResolutionSpec(text=r) for r in self.resolution]

    @property
    def resolution_texts(self) -> list[str]:
        return [r.text for r in self.items]


class Scenario(_FileModel):
    """One practice scenario: a buyer, their objection and what resolves it."""

    scalars_as_text: ClassVar[bool] = True
    """Read from YAML with every plain scalar as written (``datafiles._TextScalarLoader``): a manager's
    ``tags: [911]`` or ``start: 9:30`` is text."""

    id: Slug
    title: Title
    objection: Objection
    difficulty: Difficulty = "medium"
    rubric: Slug = "objection-handling"
    context: Context
    product: Product
    buyer: Buyer
    max_turns: Annotated[int, Field(ge=1, le=30)] = 8
    tags: Annotated[list[Tag], Field(max_length=TAG_ITEMS)] = Field(default_factory=list)

    def content_hash(self) -> str:
        """A short hash of the scenario's content: attempts record which version they ran."""
        data = self.model_dump(mode="json")
        for optional in ("concern_lines", "facts"):
            if not data["buyer"].get(optional):
                data["buyer"].pop(optional, None)  # an optional field left out keeps the old hash
        canonical = json.dumps(data, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]

    def brief(self) -> dict[str, object]:
        """What the rep may see before the call: never the hidden concern or resolution."""
        return {
            "id": self.id,
            "title": self.title,
            "objection": self.objection,
            "difficulty": self.difficulty,
            "context": self.context,
            "product": self.product.model_dump(),
            "buyer": {
                "name": self.buyer.name,
                "role": self.buyer.role,
                "company": self.buyer.company,
                "personality": self.buyer.personality,
            },
            "max_turns": self.max_turns,
            "tags": list(self.tags),
        }


# --- Rubrics -----------------------------------------------------------------


class RubricCheck(_FileModel):
    """A binary, observable check ("Did the rep ...?") and the behaviours that satisfy it."""

    id: Slug
    question: Text
    any_of: list[str] = Field(default_factory=list)
    """Behaviour ids (see signals.Behaviour); any one detected in a relevant rep turn passes."""
    all_of: list[str] = Field(default_factory=list)
    """Behaviour ids that must all be detected (in any rep turns) for the check to pass."""
    none_of: list[str] = Field(default_factory=list)
    """Behaviour ids that must not appear anywhere; only checked once the rep has engaged
    (a substantive reply), so an empty transcript never passes a "did not ..." check."""
    relevant: bool = False
    """When true only behaviours judged relevant to what the buyer raised count."""
    first_reply: bool = True
    """Whether a single reply to the opening objection can show this (clinic mode)."""
    scope: Literal["any", "first", "last", "before_value"] = "any"
    """Which rep turns may satisfy it: any, the first, the last two, or those before the first value claim."""
    evidence: Literal["quote", "measure"] = "quote"
    """What a passed "did not ..." check shows: the rep's words that carry the skill (``quote``), or, where
    the skill is in what was *not* said (no pressure, no monologue), the replies' measure: length,
    questions asked and the longest reply (``measure``)."""
    slip_cap: int | None = Field(default=None, ge=1, le=5)
    """For a "did not ..." check: the most a slip on it alone can cap the skill at (a long reply is "a
    slip", not "pushy"); unset, the usual caps apply (see ``grading.scoring``)."""


class AntiPattern(_FileModel):
    id: Slug
    behaviour: str
    description: Text
    penalty: Annotated[float, Field(ge=0, le=4)] = 1.0
    """Skill points (on the 1-5 scale) taken off per occurrence, capped at the skill's floor."""


class RubricSkill(_FileModel):
    id: Slug
    name: Text
    description: Text
    weight: Annotated[float, Field(gt=0)]
    checks: Annotated[list[RubricCheck], Field(min_length=1)]
    anti_patterns: list[AntiPattern] = Field(default_factory=list)
    levels: dict[Literal[1, 2, 3, 4, 5], Text]
    """Level anchors: what a 1..5 looks like for this skill."""


class Rubric(_FileModel):
    id: Slug
    version: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+(\.\d+)?$")]
    name: Text
    description: Text
    skills: Annotated[list[RubricSkill], Field(min_length=1)]

    @property
    def versioned_id(self) -> str:
        return f"{self.id}@{self.version}"


# --- Transcripts and scorecards ---------------------------------------------------


class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role
    text: str
    reading: dict[str, Any] | None = Field(default=None, exclude_if=lambda v: v is None)
    """A rep turn's reading as plain data (``reading.TurnAnalysis.to_dict``), made once when the turn was
    taken and stored with it. Left out of every dump when None, so a transcript without readings is
    written exactly as the public format (DESIGN.md) says."""


class Transcript(BaseModel):
    """A conversation: `scenario` is a bank id or a file path (DESIGN.md)."""

    model_config = ConfigDict(extra="forbid")

    scenario: str
    turns: list[Turn] = Field(default_factory=list)

    def rep_turns(self) -> list[tuple[int, Turn]]:
        return [(i, t) for i, t in enumerate(self.turns) if t.role == "rep"]

    def reply_numbers(self) -> dict[int, int]:
        """Turn index -> the rep's reply number (1, 2, ...): what a rep calls "my second reply"."""
        return {i: n for n, (i, _) in enumerate(self.rep_turns(), start=1)}


class Evidence(BaseModel):
    turn: int
    """Index into the transcript's turns (0-based)."""
    quote: str


class CheckResult(BaseModel):
    id: str
    question: str = ""
    passed: bool
    evidence: list[Evidence] = Field(default_factory=list)
    note: str = ""


class AntiPatternHit(BaseModel):
    id: str
    skill: str
    description: str
    evidence: list[Evidence] = Field(default_factory=list)


class SkillScore(BaseModel):
    id: str
    name: str
    score: Annotated[int, Field(ge=1, le=5)]
    checks: list[CheckResult] = Field(default_factory=list)
    anti_patterns: list[AntiPatternHit] = Field(default_factory=list)
    level: str = ""
    """The rubric's anchor text for the awarded score."""
    due: bool = True
    """False for a skill not yet due: a first reply that explored has not reached respond or advance (LAER),
    so the skill is shown as not yet due and left out of the overall and of the rep's skill figures."""


class Strength(BaseModel):
    turn: int
    text: str
    quote: str = ""


class Improvement(BaseModel):
    turn: int
    """The turn it is about: an index into the transcript's turns (0-based), as in ``Evidence``."""
    text: str
    """What to change, in one sentence."""
    try_instead: str
    """A reply that would have done it, in words the rep can say."""
    quote: str = ""
    key: str = ""
    """The failed check or anti-pattern id the improvement is about (empty from an LLM judge's coaching)."""
    try_from: str = ""
    """Whose words ``try_instead`` are when a teammate's better reply on this drill supplied them."""


class Delivery(BaseModel):
    rep_turns: int = 0
    avg_words: float = 0.0
    longest_words: int = 0
    longest_turn: int | None = None
    questions: int = 0
    statements: int = 0


class TeamExample(BaseModel):
    """A better-scoring teammate reply to the same objection (from the attempt index)."""

    user: str
    name: str = ""
    text: str
    overall: int
    when: str
    scenario_id: str = ""


class TrendPoint(BaseModel):
    week: str
    average: float
    attempts: int


class Scorecard(BaseModel):
    """The result of grading: every point traceable to a quote in the transcript."""

    scenario_id: str
    rubric: str
    grader: str
    mode: Literal["transcript", "reply"] = "transcript"
    overall: Annotated[int, Field(ge=0, le=100)]
    skills: list[SkillScore]
    strengths: list[Strength] = Field(default_factory=list)
    improvements: list[Improvement] = Field(default_factory=list)
    outcome: Outcome = "open"
    flags: list[str] = Field(default_factory=list)
    """Integrity notes, e.g. text addressed to the grader or keyword stuffing, with quotes."""
    delivery: Delivery = Field(default_factory=Delivery)
    notes: list[str] = Field(default_factory=list)
    """Operational notes, e.g. "LLM judge timed out; graded offline"."""
    from_team: list[TeamExample] = Field(default_factory=list)
    trend: list[TrendPoint] = Field(default_factory=list)

    @property
    def due_skills(self) -> list[SkillScore]:
        """The skills the overall and the rep's skill figures count (``SkillScore.due``)."""
        return [s for s in self.skills if s.due]

    def skill(self, skill_id: str) -> SkillScore:
        for s in self.skills:
            if s.id == skill_id:
                return s
        raise KeyError(skill_id)

    def flagged_turns(self) -> set[int]:
        """The transcript turns the grader marked with an anti-pattern (discounting first, pressure ...)."""
        return {ev.turn for s in self.skills for hit in s.anti_patterns for ev in hit.evidence}
