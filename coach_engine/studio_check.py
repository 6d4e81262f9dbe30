"""The studio's checks as you type: does the text load, what still holds the template, how long a field is.

Why it is its own module: the checks are pure reads of one text (no store, no
form), and the page runs them on every keystroke, so they must give the same
answers as the bank and the CLI. ``check`` runs the bank's own loader on the
text (so its messages are the ones ``scrimmage scenarios validate`` prints,
length limits included: they live in ``models``) and lists the fields still
holding the blank template's placeholder text, which a save refuses (issue 15:
the template once saved as it was). ``char_limit`` reads those same limits off
the model for the form, and ``item_readings`` shows how the buyer will read
each resolution item. ``studio`` re-exports all of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, get_args

from pydantic import BaseModel, StringConstraints

from .datafiles import DataFileError, Problem
from .models import Scenario
from .scenarios import parse_scenario
from .store.authored import MAX_YAML_CHARS

if TYPE_CHECKING:
    from .buyer.items import ItemReading
    from .embeddings import Embedder

__all__ = [
    "TEMPLATE",
    "Check",
    "aside_warning",
    "char_limit",
    "check",
    "comment_cuts",
    "concern_told",
    "item_readings",
    "opening_warning",
    "placeholder_fields",
    "pronoun_warning",
    "proof_warning",
]

TEMPLATE = """\
id: my-new-scenario
title: Short title the rep sees
objection: price
difficulty: medium
context: What the rep knows before the call.
product:
  name: Product name
  summary: One line on what it does
  value_points:
    - A benefit with a number
  proof_points:
    - A customer result
buyer:
  name: Buyer Name
  role: Job title
  company: Company (size)
  personality: analytical
  opening: The first thing the buyer says — the objection.
  hidden_concern: The real reason, revealed only when the rep explores.
  resolution:
    - What the rep must do before this buyer agrees
  next_step: What the buyer agrees to
max_turns: 8
tags: []
"""


@dataclass(frozen=True)
class Check:
    """What the text is now: the scenario (None if it does not load), the problems, the placeholders."""

    scenario: Scenario | None
    problems: list[Problem] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)
    """Fields whose text is still the template's, e.g. ``title`` or ``buyer.opening``."""
    cuts: list[str] = field(default_factory=list)
    """Values YAML's comment rule cut short (``comment_cuts``), each with what to do about it."""

    @property
    def saveable(self) -> bool:
        return self.scenario is not None and not self.placeholders


def _template() -> Scenario:
    return parse_scenario(TEMPLATE, "template")


def placeholder_fields(scenario: Scenario) -> list[str]:
    """The fields of ``scenario`` that still hold the blank template's placeholder text."""
    t = _template()
    out = ["id"] if scenario.id == t.id else []
    for path, ours, theirs in (
        ("title", scenario.title, t.title),
        ("context", scenario.context, t.context),
        ("product.name", scenario.product.name, t.product.name),
        ("product.summary", scenario.product.summary, t.product.summary),
        ("buyer.name", scenario.buyer.name, t.buyer.name),
        ("buyer.role", scenario.buyer.role, t.buyer.role),
        ("buyer.company", scenario.buyer.company, t.buyer.company),
        ("buyer.opening", scenario.buyer.opening, t.buyer.opening),
        ("buyer.hidden_concern", scenario.buyer.hidden_concern, t.buyer.hidden_concern),
        ("buyer.next_step", scenario.buyer.next_step, t.buyer.next_step),
    ):
        if ours == theirs:
            out.append(path)
    for path, items, template_items in (
        ("product.value_points", scenario.product.value_points, t.product.value_points),
        ("product.proof_points", scenario.product.proof_points, t.product.proof_points),
        ("buyer.resolution", scenario.buyer.resolution_texts, t.buyer.resolution_texts),
    ):
        if set(items) & set(template_items):
            out.append(path)
    return out


def check(yaml_text: str) -> Check:
    """Validate the text with the bank's loader (source ``studio``) and find template placeholders."""
    if len(yaml_text) > MAX_YAML_CHARS:
        return Check(None, [Problem("studio", "", f"the scenario is {len(yaml_text):,} characters; the limit "
                                                  f"is {MAX_YAML_CHARS:,}. Shorten the longest fields")])
    try:
        scenario = parse_scenario(yaml_text, "studio")
    except DataFileError as exc:
        return Check(None, list(exc.problems))
    return Check(scenario, [], placeholder_fields(scenario), comment_cuts(yaml_text))


def item_readings(scenario: Scenario, embedder: Embedder | None) -> list[ItemReading]:
    """How the buyer will read each resolution item (issue 13: authors see it, nothing is filed silently).

    The same reading the drill uses (``buyer.items``); an unsure one tells the author to set ``kind:``.
    """
    from .buyer.items import scenario_items

    return scenario_items(scenario, embedder)


def comment_cuts(yaml_text: str) -> list[str]:
    """Values cut short by YAML's comment rule, as what to do about it: in an unquoted value, " #" starts a
    comment, so a manager's shorthand ("referral #s tied to her situation") loses everything from the "#"
    and nothing else says so. A comment the author meant ("driver  # or analytical") has a space after its
    "#"; shorthand has a word or a figure right after it."""
    import yaml

    try:
        root = yaml.compose(yaml_text)
    except yaml.YAMLError:
        return []  # the loader names what is broken
    lines = yaml_text.splitlines()
    out: list[str] = []

    def walk(node: yaml.Node | None, path: str) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, f"{path}.{key.value}" if path else str(key.value))
        elif isinstance(node, yaml.SequenceNode):
            for n, item in enumerate(node.value):
                walk(item, f"{path}[{n}]")
        elif isinstance(node, yaml.ScalarNode) and node.style is None and node.end_mark.line < len(lines):
            rest = lines[node.end_mark.line][node.end_mark.column:]
            dropped = rest.strip()
            if rest[:1].isspace() and dropped.startswith("#") and dropped[1:2] and not dropped[1].isspace():
                out.append(f"{path}: '{dropped}' was read as a YAML comment and left out, so the value is "
                           f"'{node.value}'; put the whole value in quotes to keep it")

    walk(root, "")
    return out


def concern_told(scenario: Scenario) -> tuple[str, str]:
    """What the offline buyer says of the hidden concern when the author wrote no ``concern_lines``: the
    story on the question that earns it, then the stake on the next (``buyer.telling``). Shown so the author
    sees the words a rep will hear, first-person rewrite and all, and can write their own."""
    from .buyer.persona import concern_stages

    return concern_stages(scenario)


def pronoun_warning(scenario: Scenario) -> str | None:
    """A "he"/"she" the buyer may say of themselves (``buyer.persona.pronoun_left``), as what to do about it;
    shown by ``scenarios validate`` and the Studio alike."""
    from .buyer.persona import pronoun_left

    word = pronoun_left(scenario)
    if word is None:
        return None
    return (f"can't tell whether '{word}' means the buyer or someone else the concern names, so the offline "
            f"buyer keeps '{word}' as written and may speak of themselves in the third person; write the "
            "concern as the buyer talking ('I ...'), use the buyer's name where you mean them, or add "
            "concern_lines")


_SPOKEN_OF = frozenset({"said", "says", "asked", "asks", "mentioned", "mentions", "wants", "thinks", "feels",
                        "told", "tells", "explained", "opens", "opened", "is", "was", "has", "had", "will",
                        "would", "needs", "worries", "believes", "complained", "pushed", "pushes"})
"""Words after the buyer's name that speak of them ("Prospect said ..."), not to the rep."""


def opening_warning(scenario: Scenario) -> str | None:
    """An opening that speaks of the buyer ("Prospect said the price was double ...", "Dana opens by ..."):
    the opening is the buyer's first words to the rep and is said as written, so the buyer would speak of
    themselves by name; shown by ``scenarios validate`` and the Studio alike."""
    from . import text as T
    from .buyer.names import buyer_names
    from .buyer.pronouns import present

    opening = " ".join(scenario.buyer.opening.split())
    said = T.words(opening)
    # "Prospect said ...", "Dana wants ...": spoken of; "Hi, it's Dana from Hartle" is the buyer's own
    named = [n for n in present(buyer_names(scenario), opening) if n[:1].isupper()
             and any(said[k + 1:k + 2] and said[k + 1] in _SPOKEN_OF
                     for k in range(len(said)) if said[k:k + len(n.split())] == T.words(n))]
    if not named:
        return None
    return (f"the opening names the buyer ('{named[0]}'), but it is the buyer's first words to the rep and "
            "is said as written; write it as the buyer would say it ('The price is double what we had in "
            "mind. Is there any flexibility?')")


def aside_warning(scenario: Scenario) -> str | None:
    """Sentences of the hidden concern that speak to the rep or the coach ("Coach's note:", "Reps who find
    this out should ..."): the buyer leaves them out (``buyer.telling.told_part``), and the author is told."""
    from . import text as T
    from .buyer.notes import analysis_notes, as_prose
    from .buyer.persona import an_account
    from .buyer.telling import asides_to_the_rep, unknown_to_them

    told = " ".join(as_prose(scenario.buyer.hidden_concern).split())
    asides = asides_to_the_rep(told, an_account(scenario))
    if not asides:
        return None
    unknown = next((a for a in asides if unknown_to_them(T.words(a))), None)
    if unknown is not None:
        return (f"'{unknown}' is what you know and the buyer does not, so the buyer never says it (saying "
                "it would hand the rep the answer); let the rep find it: put it in resolution or in the "
                "product's value points")
    if asides[0] in analysis_notes(told):
        return (f"'{asides[0]}' is your note on what something means (an equals sign and no figure), so "
                "the buyer never says it; write what the buyer would say of it in their own words, or leave "
                "it out")
    return (f"'{asides[0]}' speaks to the rep, the coach or whoever plays the buyer, or as you, not as the "
            "buyer's story, so the buyer never says it (the buyer keeps the concern back until good "
            "questions draw it out, in stages); put what the rep should do in resolution, and keep the "
            "concern to what the buyer knows")


def proof_warning(scenario: Scenario, readings: Sequence[ItemReading]) -> str | None:
    """A resolution item asking for proof in a scenario that names no proof points: a rep's reference is
    read as proof mostly by what it shares with the listed ones (``reading`` learned from scenarios that all
    list them), so such an item is hard to meet; shown by ``scenarios validate`` and the Studio alike."""
    asks = [r.text for r in readings if r.kind == "proof" or "proof" in r.also]
    if scenario.product.proof_points or not asks:
        return None
    return (f"'{asks[0]}' asks for proof, but product.proof_points is empty: the buyer credits a reference "
            "mostly by the customers and results listed there, so add one or two (a customer like this "
            "buyer, and what they got)")


def char_limit(path: str) -> int | None:
    """The longest text ``path`` (``title``, ``buyer.opening``, ``product.value_points``: per item) takes."""
    model: Any = Scenario
    parts = path.split(".")
    for i, part in enumerate(parts):
        fields = model.model_fields if isinstance(model, type) and issubclass(model, BaseModel) else {}
        info = fields.get(part)
        if info is None:
            return None
        if i < len(parts) - 1:
            model = info.annotation
            continue
        return _max_chars([*info.metadata, info.annotation])
    return None


def _max_chars(things: Iterable[Any]) -> int | None:
    for thing in things:
        if isinstance(thing, StringConstraints) and thing.max_length:
            return int(thing.max_length)
        if isinstance(thing, type) and issubclass(thing, BaseModel):
            continue
        found = _max_chars(get_args(thing))
        if found:
            return found
    return None
