"""What the turn reader sees of one sentence: its meaning, its shape and its fit to the scenario.

Three parts, concatenated into one row per sentence:

* the sentence's MiniLM embedding (meaning, paraphrase-robust);
* hashed word unigrams and bigrams (what MiniLM blurs: negation and who does
  what — "rather than a discount" vs "a discount");
* hashed shape n-grams: the sentence with its content words blanked, which
  is how keywords strung together differ from speech whatever the keywords;
* the embedding again, but only for a sentence that negates ("I can't match
  30%"): a linear head over meaning alone reads a refusal of a concession as
  the concession, since both sit close together in MiniLM; this copy lets it
  learn how a negation turns each meaning (the issue's "negation and scope");
* a handful of general structural and context features: question form,
  numbers, a named time, negation, who the subject is, length, talk about
  the drill rather than in it (grader, rubric, simulation), markup characters,
  a list-like shape (commas per word), a speaker label (or a run of lines
  headed "Value: ...", "Next: ...") or an aside in brackets (writing the
  other side's lines), and how close
  the sentence sits to the buyer's last line, the product's value and proof
  points and the hidden concern once revealed.

No feature names a scenario, a product or a phrase: everything specific is
learned from labelled data (``scrimmage train``) and shipped as weights.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .. import text as T

__all__ = ["HASH_DIM", "STRUCT_NAMES", "SentenceContext", "context_texts", "featurise", "rest_width"]

HASH_DIM = 2048 + 512
WORD_DIM = 2048
"""The hashed part: word uni- and bigrams (WORD_DIM), then shape n-grams (the rest)."""
STRUCT_NAMES = (
    "ends_q", "open", "closed", "either_or", "number", "money_pct", "time", "activity", "propose",
    "negation", "we_i_start", "you", "words", "first", "last", "n_sent", "echo", "sim_buyer",
    "sim_value", "sim_proof", "sim_concern", "sim_topic", "revealed", "name", "meta", "markup", "list_shape",
    "speaker", "aside", "function_share",
)
MARKUP = frozenset("<>{}[]=*#|\\^~_")
"""Characters of code, markup and config, which a person talking to a buyer does not type."""


@dataclass
class SentenceContext:
    """What the reader knows besides the sentence (texts, embedded once per scenario)."""

    buyer_line: str
    value_points: Sequence[str] = ()
    proof_points: Sequence[str] = ()
    topic: Sequence[str] = ()
    concern: str | None = None
    """The hidden concern, only once the buyer has put it on the table."""
    extra: dict[str, float] = field(default_factory=dict)


def _hashed(sentence: str) -> dict[int, float]:
    toks = T.words(sentence)
    grams = toks + [f"{a} {b}" for a, b in itertools.pairwise(toks)]
    out: dict[int, float] = {}
    for g in grams:
        h = zlib.crc32(g.encode("utf-8"))
        idx = h % WORD_DIM
        out[idx] = out.get(idx, 0.0) + (1.0 if (h >> 31) & 1 else -1.0)
    return out


_TOKEN = re.compile(r"[$£€]?\d[\d,.]*[%kKmMbB]?|[A-Za-z][\w'’-]*|[,;:!?()]")


def _shape(sentence: str) -> list[str]:
    """The sentence's form with its content blanked: function words stay, a number is <n>, a name <C>,
    any other word <w>, and the punctuation that joins them stays. "Hartley $210k, payback, proof" and
    "Acme 40%, uptime, references" share a shape; "we could look at it" keeps its words."""
    out = []
    for i, tok in enumerate(_TOKEN.findall(sentence)):
        low = tok.lower()
        if tok[0] in "$£€" or tok[0].isdigit():
            out.append("<n>")
        elif not tok[0].isalpha() or T.is_function_word(low):
            out.append(low)
        else:
            out.append("<C>" if tok[0].isupper() and i else "<w>")
    return out


def _max_sim(vecs: np.ndarray, refs: np.ndarray) -> np.ndarray:
    if refs.shape[0] == 0:
        return np.zeros(vecs.shape[0], dtype=np.float32)
    return np.asarray((vecs @ refs.T).max(axis=1), dtype=np.float32)


def _context_groups(ctx: SentenceContext) -> list[list[str]]:
    return [[ctx.buyer_line], list(ctx.value_points), list(ctx.proof_points),
            [ctx.concern] if ctx.concern else [], list(ctx.topic)]


def context_texts(ctx: SentenceContext) -> list[str]:
    """Every text besides the rep's own sentences that ``featurise`` embeds: known before the rep speaks."""
    return [t for g in _context_groups(ctx) for t in g]


def featurise(sentences: Sequence[str], ctx: SentenceContext, embed: object) -> tuple[np.ndarray, np.ndarray]:
    """(embeddings, rest): the sentences' MiniLM rows and their hashed + structural rows."""
    from ..embeddings import Embedder

    assert isinstance(embed, Embedder)
    st = T.structure()
    groups = _context_groups(ctx)
    flat = list(sentences) + [t for g in groups for t in g]
    vecs = embed.embed(flat)
    sent = vecs[: len(sentences)]
    refs, k = [], len(sentences)
    for g in groups:
        refs.append(vecs[k:k + len(g)])
        k += len(g)
    sims = [_max_sim(sent, r) for r in refs]
    buyer_words = T.content_words(ctx.buyer_line)
    n = len(sentences)
    # "Value: ... Next: ...": a run of labelled lines is a checklist; one "Plan: ..." is a line of a plan
    labels = [(T.speaker_label(x), T.headed(x)) for x in sentences]
    checklist = sum(spoken or headed for spoken, headed in labels) >= 2
    struct = np.zeros((n, len(STRUCT_NAMES)), dtype=np.float32)
    hashed = np.zeros((n, HASH_DIM), dtype=np.float32)
    for i, s in enumerate(sentences):
        form = T.question_form(s)
        w = T.words(s)
        mine = T.content_words(s)
        low = s.lower()
        struct[i] = [
            s.rstrip().endswith("?"), form == "open", form == "closed", form == "either_or",
            bool(T.NUMBER.search(s)), any(c in s for c in "$£€%") or "percent" in low,
            bool(st.time.search(s)), bool(st.activity.search(s)), bool(st.propose.search(s)),
            T.has_negation(s), bool(w) and w[0] in ("i", "we", "i'm", "we're", "i'll", "we'll", "i'd"),
            any(x in ("you", "your", "you're", "yours") for x in w), min(len(w), 60) / 30.0,
            i == 0, i == n - 1, min(n, 6) / 6.0,
            len(mine & buyer_words) / max(len(mine), 1),
            sims[0][i], sims[1][i], sims[2][i], sims[3][i], sims[4][i], ctx.concern is not None,
            any(tok[:1].isupper() for tok in s.split()[1:] if tok[:1].isalpha()),
            min(len(st.meta.findall(s)), 3) / 3.0, min(sum(c in MARKUP for c in s), 6) / 6.0,
            min(s.count(",") / max(len(w), 1) * 4, 1.0),
            labels[i][0] or (checklist and labels[i][1]), bool(st.aside.search(s)), T.function_share(s),
        ]
        for idx, v in _hashed(s).items():
            hashed[i, idx] = v
        norm = float(np.linalg.norm(hashed[i, :WORD_DIM]))
        if norm:
            hashed[i, :WORD_DIM] /= norm
        shape = _shape(s)
        grams = [" ".join(shape[j:j + n]) for n in (1, 2, 3) for j in range(len(shape) - n + 1)]
        for gram in grams:
            h = zlib.crc32(gram.encode("utf-8"))
            hashed[i, WORD_DIM + h % (HASH_DIM - WORD_DIM)] += 1.0 if (h >> 31) & 1 else -1.0
        norm = float(np.linalg.norm(hashed[i, WORD_DIM:]))
        if norm:
            hashed[i, WORD_DIM:] /= norm
    negated = sent * struct[:, STRUCT_NAMES.index("negation"), None]
    return sent, np.concatenate([hashed, struct, negated], axis=1).astype(np.float32)


def rest_width(emb_dim: int) -> int:
    """Columns of ``featurise``'s second array for an encoder of ``emb_dim``: hashed, structural, and the
    negated copy of the embedding, in that order."""
    return HASH_DIM + len(STRUCT_NAMES) + emb_dim
