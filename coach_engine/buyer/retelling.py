"""How the buyer retells a concern in their own words, not the manager's: the offline paraphrase.

Issue 13: without ``concern_lines`` the voice "paraphrases the hidden concern in correct first person. It
never pastes it in." ``persona.first_person`` fixes the person and ``telling`` the stages and the spoken
contractions; what is left of the manager's prose can still run eight words in a row, which a rep hears as
a script read out. A person retelling a story keeps its facts (the figures, the names, what happened) and
says them in plainer words: "went live" is "launched", "$45k" is "45 grand", "two years ago" is "two
years back", "I do not want to" is "I'd rather not".

That is all this module does, and only where it is needed: a line is compared with the manager's text, and
inside each run of ``RUN`` shared words the plain-word swap that best breaks the run is made
(``retelling.yaml``; each swap means the same in nearly any sentence), until no run is left or no swap
helps. The facts stay word for word, so the buyer never invents one; the LLM voice paraphrases freely.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from .. import text as T
from ..datafiles import load_package_model

__all__ = ["RUN", "longest_shared_run", "retold"]

RUN = 8
"""Words in a row shared with the manager's text that make a line sound pasted (the lint's measure)."""


class Retelling(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int
    plain: dict[str, str]
    """Written words (one to four, lower case) -> the plain words a person says, in every retold line."""
    swaps: dict[str, str]
    """Words said another way, only where a run of the manager's words needs breaking."""
    not_before: dict[str, list[str]]
    """A swap skipped before one of these words ("fell over" stays)."""
    before_figure: dict[str, str]
    """Swaps made only before a number ("about 120" -> "around 120")."""
    not_after: dict[str, list[str]]
    """A sharpened word left alone after one of these ("looking after")."""
    sharpened: dict[str, str]
    """A joining word with the word a speaker leans on, mid-sentence ("after" -> "right after")."""
    subjects: list[str]
    """Words that open a clause's subject after ", and" ("the", "my", "we")."""
    pronoun_subjects: list[str]
    """Subject pronouns that open a clause after "and" even with no comma ("and I led ...")."""
    indefinite_subjects: list[str]
    """Pronouns that open a clause after a joining word as surely as "I" does ("before anyone noticed")."""
    ours: list[str]
    """The buyer's own organisation and people: "the board" is "our board" in the buyer's mouth."""
    that_dropped_after: list[str]
    """Verbs after which a speaker drops "that" ("I knew that the date" -> "I knew the date")."""
    currencies: dict[str, str]
    """A currency's code or sign as it is said after the amount ("GBP 140,000", "€85k" -> "... euros")."""


@lru_cache(maxsize=1)
def _table() -> Retelling:
    return load_package_model("buyer/retelling.yaml", Retelling)


def longest_shared_run(line: str, source: str) -> int:
    """The most words in a row ``line`` shares with ``source`` (the longest common run of words)."""
    a, b = T.words(line), T.words(source)
    best = 0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0] * (len(b) + 1)
        for j, y in enumerate(b, 1):
            if x == y:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


def _core(token: str) -> tuple[str, str, str]:
    """A token as (leading marks, the word, trailing marks): '"Fell,' -> ('"', 'Fell', ',')."""
    start = next((i for i, c in enumerate(token) if c.isalnum() or c == "$"), len(token))
    end = len(token)
    while end > start and not (token[end - 1].isalnum() or token[end - 1] in "%'"):
        end -= 1
    return token[:start], token[start:end], token[end:]


def _figure(word: str) -> str | None:
    """A written figure as it is said: "$45k" -> "45 grand", "$19,000" -> "19 grand", "27%" -> "27 percent",
    "$3.8M" -> "3.8 million"."""
    if word.endswith("%") and word[:-1].replace(".", "", 1).isdigit():
        return f"{word[:-1]} percent"
    if not word.startswith("$"):
        return None
    amount = word[1:]
    if amount[-1:] in ("k", "K") and amount[:-1].replace(".", "", 1).isdigit():
        return f"{amount[:-1]} grand"
    if amount[-1:] in ("m", "M") and amount[:-1].replace(".", "", 1).isdigit():
        return f"{amount[:-1]} million"
    head, sep, tail = amount.partition(",")
    if sep and tail == "000" and head.isdigit():
        return f"{head} grand"
    return None


def _amount(word: str) -> str | None:
    """A written amount as it is said before a currency's name: "140,000" -> "140 thousand", "3.8M" -> "3.8
    million", "950" as it is; None when ``word`` is no amount."""
    if word[-1:] in ("k", "K", "m", "M") and word[:-1].replace(".", "", 1).isdigit():
        return f"{word[:-1]} {'thousand' if word[-1] in 'kK' else 'million'}"
    head, sep, tail = word.partition(",")
    if sep and tail == "000" and head.isdigit():
        return f"{head} thousand"
    return word if word.replace(",", "").replace(".", "", 1).isdigit() else None


def _currency(tokens: list[str], i: int) -> Swap | None:
    """A foreign amount said aloud: "GBP 140,000" -> "140 thousand pounds", "€85k" -> "85 thousand euros"
    (a code or sign is written, never said)."""
    names = _table().currencies
    lead, word, tail = _core(tokens[i])
    if lead[-1:] in names and not tail[:1].isalnum():
        said = _amount(word)
        return Swap(i, 1, f"{lead[:-1]}{said} {names[lead[-1]]}{tail}", True) if said else None
    if word in names and not tail and i + 1 < len(tokens):
        lead2, amount, tail2 = _core(tokens[i + 1])
        said = _amount(amount) if not lead2 else None
        return Swap(i, 2, f"{lead}{said} {names[word]}{tail2}", True) if said else None
    return None


def _said_like(said: str, like: str) -> str:
    """``said`` capitalised when the word it replaces was (a sentence's first word)."""
    return said[:1].upper() + said[1:] if like[:1].isupper() else said


def _is_figure(token: str) -> bool:
    word = _core(token)[1]
    return word[:1].isdigit() or (word[:1] == "$" and word[1:2].isdigit())


def _leaning(tokens: list[str], i: int) -> str | None:
    """Token ``i``, a joining word, said the way a speaker says it ("after" -> "right after", "knew that the"
    -> "knew the"; "" for a word dropped), or None: only mid-sentence, never after a word it belongs to."""
    table = _table()
    lead, word, tail = _core(tokens[i])
    key = word.lower()
    if i == 0 or i + 1 >= len(tokens) or lead or tail:
        return None
    before = _core(tokens[i - 1])
    clause = _core(tokens[i + 1])[1].lower() in [*table.pronoun_subjects, *table.indefinite_subjects, "you",
                                                 "it"]
    belongs = before[1].lower() in table.not_after.get(key, [])
    if key in table.sharpened and not (before[2] or clause or belongs):
        return table.sharpened[key]
    if key == "that" and not before[2] and before[1].lower() in table.that_dropped_after:
        return ""
    return None


def _ours(tokens: list[str], i: int) -> str | None:
    """Token ``i``, "the" before the buyer's own organisation or people, said as "our" ("the board"), unless a
    clause narrows them down."""
    lead, word, tail = _core(tokens[i])
    if word.lower() != "the" or tail or i + 1 >= len(tokens):
        return None
    if _core(tokens[i + 1])[1].lower() not in _table().ours:
        return None
    after = _core(tokens[i + 2])[1].lower() if i + 2 < len(tokens) and not _core(tokens[i + 1])[2] else ""
    if after in [*_table().pronoun_subjects, "that", "who", "which", "whose", "you"]:
        return None  # "the managers I have left" is some of them, not "our managers"
    return lead + _said_like("our", word)


def _split_at(tokens: list[str], i: int) -> str | None:
    """Tokens ``i-1 .. i+1`` said as two sentences where token ``i``, "and", joins two clauses (a comma
    and a subject after it, or a subject pronoun after it): "..., and my GM made me cancel it" -> "... My GM
    made me cancel it". People telling a story say it in short sentences; "and the CEO" after no comma may
    be one subject of two people, and stays."""
    if not 0 < i < len(tokens) - 1 or _core(tokens[i])[1].lower() != "and":
        return None
    lead, word, tail = _core(tokens[i + 1])
    before = tokens[i - 1]
    subject = word.lower()
    comma = before.endswith(",") and subject in _table().subjects
    if lead or _core(tokens[i])[2] or not (comma or subject in _table().pronoun_subjects):
        return None
    return f"{before.rstrip(',')}. {word[:1].upper()}{word[1:]}{tail}"


class Swap(NamedTuple):
    """A change to a line's tokens."""

    at: int
    """The first token it replaces."""
    k: int
    """How many tokens it replaces."""
    said: str
    always: bool
    """The plain register, said in every retold line (else only a way to vary words where a run needs
    breaking)."""
    ends_before: bool = False
    """It ends a sentence at "and" ("logs, and my" -> "logs. My"): the words either side of it may have been
    changed already, and keep their change."""


_ASIDE_LINKS = frozenset({"however", "therefore", "though", "nonetheless", "nevertheless"})
"""Linking words set off by commas inside a clause ("would, however, be"): a speaker drops them."""


def _swaps_at(tokens: list[str], i: int) -> list[Swap]:
    """Every change that can be made at token ``i``."""
    table = _table()
    out: list[Swap] = []
    lead, first, _ = _core(tokens[i])
    figure = _figure(first)
    if figure:
        out.append(Swap(i, 1, tokens[i].replace(first, figure, 1), True))
    foreign = _currency(tokens, i)
    if foreign is not None:
        out.append(foreign)
    leaning = _leaning(tokens, i)
    if leaning is not None:
        out.append(Swap(i, 1, leaning, leaning == ""))
    ours = _ours(tokens, i)
    if ours is not None:
        out.append(Swap(i, 1, ours, True))
    if i and first.lower() in _ASIDE_LINKS and tokens[i].endswith(",") and tokens[i - 1].endswith(","):
        # "I would, however, be able to": said without it, never "I would, but, be able to"
        out.append(Swap(i - 1, 2, tokens[i - 1][:-1], True))
    split = _split_at(tokens, i)
    if split is not None:
        out.append(Swap(i - 1, 3, split, True, ends_before=True))
    for k in range(1, 5):
        if i + k > len(tokens):
            break
        cores = [_core(t) for t in tokens[i:i + k]]
        if any(c[2] for c in cores[:-1]) or any(c[0] for c in cores[1:]):
            break  # a phrase never spans a comma or a quote
        key = " ".join(c[1].lower().replace("’", "'") for c in cores)
        nxt = _core(tokens[i + k])[1].lower() if i + k < len(tokens) else ""
        for words, always in ((table.plain, True), (table.swaps, False)):
            said = words.get(key)
            if said and nxt not in table.not_before.get(key, []):
                out.append(Swap(i, k, lead + _said_like(said, first) + cores[-1][2], always))
        said = table.before_figure.get(key)
        if said and i + k < len(tokens) and _is_figure(tokens[i + k]):
            out.append(Swap(i, k, lead + _said_like(said, first) + cores[-1][2], False))
    return out


_OPEN = ('"', "“")
_CLOSE = ('"', "”")


def _quoted(tokens: list[str]) -> set[int]:
    """The tokens inside a quotation: someone's exact words ("told 'no new tools until it's live'") stay."""
    out: set[int] = set()
    inside = False
    for i, token in enumerate(tokens):
        opens = token.startswith(_OPEN)
        if inside or opens:
            out.add(i)
        stripped = token.rstrip(".,;:!?)")
        if opens and not (len(stripped) > 1 and stripped.endswith(_CLOSE)):
            inside = True
        elif inside and stripped.endswith(_CLOSE):
            inside = False
    return out


def _made(tokens: list[str], fixed: set[int], swap: Swap) -> tuple[list[str], set[int]]:
    """``tokens`` with ``swap`` made, and the changed tokens' new places (each is changed at most once)."""
    at, k = swap.at, swap.k
    kept = {j if j < at else j + 1 - k for j in fixed if not at <= j < at + k}
    return [*tokens[:at], swap.said, *tokens[at + k:]], kept | {at}  # "" (a dropped "that") is joined away


def _open(tokens: list[str], fixed: set[int]) -> list[Swap]:
    """The changes that touch no changed token and no quoted one."""
    quoted = _quoted(tokens)
    shut = fixed | quoted
    return [swap for i in range(len(tokens)) if i not in shut for swap in _swaps_at(tokens, i)
            if not shut & ({swap.at + 1} if swap.ends_before else set(range(swap.at, swap.at + swap.k)))]


@lru_cache(maxsize=1024)
def retold(line: str, source: str) -> str:
    """``line`` (told from ``source``, the manager's prose) as a person says it.

    First the plain register, everywhere: plain words, figures said aloud, "our board", short sentences.
    Then, while a run of ``RUN`` of the manager's words is left, the varied word that leaves the shortest
    longest run (greedy, each word changed at most once), until none is left or no change helps."""
    tokens = line.split()
    fixed: set[int] = set()
    while plain := [swap for swap in _open(tokens, fixed) if swap.always]:
        # words first, then sentences ended; the first in the line, a phrase whole
        tokens, fixed = _made(tokens, fixed, max(plain, key=lambda s: (not s.ends_before, -s.at, s.k)))
    best = longest_shared_run(" ".join(tokens), source)
    while best >= RUN:
        choice: tuple[int, list[str], set[int]] | None = None
        for swap in _open(tokens, fixed):
            trial, kept = _made(tokens, fixed, swap)
            run = longest_shared_run(" ".join(trial), source)
            if run < best and (choice is None or run < choice[0]):
                choice = (run, trial, kept)
        if choice is None:
            break
        best, tokens, fixed = choice
    return " ".join(t for t in tokens if t)
