"""Quotations inside a manager's prose: someone's own words, kept as they were said.

Why a module of its own: the concern's quotations ("We're vets, Anita, not an app company.") must survive
the first-person rewrite untouched (``persona.first_person``), and no "I" or "me" inside one says whose
voice the prose is in (``persona``, ``telling``): each reader of the prose asks the same two questions, what
lies outside the quotations and how to hide and restore them.
"""

from __future__ import annotations

__all__ = ["mask_quotes", "unmask_quotes", "unquoted", "untagged"]

_QUOTE_MARKS = (('"', '"'), ("\u201c", "\u201d"))


def mask_quotes(s: str) -> tuple[str, list[str]]:
    """``s`` with every quotation hidden (restored by ``unmask_quotes``), and what they were: someone's
    own words ("We're vets, Anita, not an app company.") keep their names and pronouns when the concern is
    put in the buyer's first person. A quotation that ends a sentence leaves its full stop outside, so the
    sentence still ends there for whoever reads the pronouns after it. An unclosed mark hides nothing."""
    kept: list[str] = []
    for opening, closing in _QUOTE_MARKS:
        at = 0
        while (start := s.find(opening, at)) >= 0 and (end := s.find(closing, start + 1)) >= 0:
            kept.append(s[start:end + 1])
            mark = _quote_mark(len(kept) - 1, kept[-1])
            s = s[:start] + mark + s[end + 1:]
            at = start + len(mark)
    return s, kept


def _quote_mark(i: int, quote: str) -> str:
    end = quote[-2:-1] if quote[-2:-1] in (".", "!", "?") else ""
    return f"\ue002{i}\ue003{end}"


def unmask_quotes(s: str, kept: list[str]) -> str:
    """``s`` with the quotations ``mask_quotes`` hid put back."""
    for i, quote in enumerate(kept):
        s = s.replace(_quote_mark(i, quote), quote)
    return s


def unquoted(text: str) -> str:
    """``text`` without its quotations (straight or curly): what the writer says in their own voice."""
    return "".join(text.replace("\u201c", '"').replace("\u201d", '"').split('"')[::2])


_TAG_OPENERS = frozenset({"he", "she", "is", "as", "that's"})
"""How a speech tag about the buyer opens after their quoted words (', he says.', ', is how she'd put it.');
a tag naming someone ('..., Priya says.') is someone else's."""
_TAG_VERBS = frozenset({"says", "said", "say", "puts", "put", "tells", "told", "calls", "jokes", "likes"})
_TAG_WORDS = 12


def untagged(text: str) -> str:
    """The buyer's own quoted words without the manager's speech tag after them, said as the buyer says them:
    '"Fool me once," he says.' -> 'Fool me once.', and '"I work all hours," is how he'd put it to a friend.'
    -> 'I work all hours.' Read out with its tag, the buyer narrates themself ("'Fool me once,' I say.").
    A quotation without a tag, or with another speaker's ('"Not again," Priya says.'), is left as it is."""
    out, at = [], 0
    marks = text.replace("\u201c", '"').replace("\u201d", '"')  # found as one kind, cut from the text as is
    while (start := marks.find('"', at)) >= 0 and (end := marks.find('"', start + 1)) >= 0:
        inner = text[start + 1:end].strip()
        stop = min((k for k in (text.find(c, end + 1) for c in ".!?") if k >= 0), default=-1)
        tag = text[end + 1:stop].strip() if stop > 0 else ""
        said = [w.strip(",").lower() for w in tag.split()]
        tagged = (inner[-1:] in (",", "!", "?") and 0 < len(said) <= _TAG_WORDS and '"' not in tag
                  and said[0] in _TAG_OPENERS and any(w in _TAG_VERBS or w.endswith("'d") for w in said))
        if not tagged:
            out.append(text[at:end + 1])
            at = end + 1
            continue
        mark = inner[-1] if inner[-1] in "!?" else "."
        out.append(text[at:start] + inner.rstrip(",!?") + mark)
        at = stop + 1
    out.append(text[at:])
    return "".join(out)
