"""How a verb agrees once the buyer says "I" or speaks for their organisation as "we".

Why its own module: the buyer's first-person rewrite (``persona``) and the
organisation's "we" (``org_voice``) both turn a manager's third-person verb
("worries", "is", "expects") into the form the buyer says, and must agree on it.
These are closed lists of English verb forms, and the one pass that makes a sentence's
verbs agree with its "I" (``conjugate_i``), not judgement about a rep.
"""

from __future__ import annotations

import re

from .. import text as T

__all__ = ["FIRST_PERSON", "REGULAR", "VERBS_S", "conjugate_i", "first_person_verb"]

REGULAR = ("works|looks|keeps|takes|makes|gets|comes|loses|uses|gives|trusts|likes|hates|loves|handles|"
           "manages|depends|spends|sells|buys")
"""Verbs of a concern whose "I" form only drops the "-s" (``FIRST_PERSON`` holds the others)."""
REGULAR_S = frozenset(REGULAR.split("|"))
VERBS_S = (
    "is|has|does|doesn't|wants|needs|worries|cares|suspects|knows|holds|thinks|believes|fears|dreads|"
    "can't|won't|would|will|was|led|runs|owns|signs|expects|hasn't|isn't|feels|doubts|leads|talked|"
    "phoned|personally|can|could|had|did|should|might|must|says|goes|tries|pays|sees|" + REGULAR
)
FIRST_PERSON = {
    "is": "am", "has": "have", "does": "do", "doesn't": "don't", "wants": "want", "needs": "need",
    "worries": "worry", "cares": "care", "suspects": "suspect", "knows": "know", "holds": "hold",
    "thinks": "think", "believes": "believe", "fears": "fear", "dreads": "dread", "hasn't": "haven't",
    "isn't": "am not", "feels": "feel", "doubts": "doubt", "leads": "lead", "runs": "run", "owns": "own",
    "signs": "sign", "expects": "expect", "launches": "launch", "assumes": "assume", "says": "say",
    "goes": "go", "tries": "try", "pays": "pay", "sees": "see",
}


def first_person_verb(verb: str) -> str:
    """The verb as "I" says it: the irregular ones from the table, a regular "-s" dropped ("works")."""
    said = FIRST_PERSON.get(verb.lower())
    if said is not None:
        return said
    return verb[:-1] if verb.lower() in REGULAR_S else verb


def _conj(m: re.Match[str]) -> str:
    return f"{m.group(1)} {first_person_verb(m.group(2))}"


_ADVERBS = r"(?:\s+(?:really|now|also|still|just|already|never|even|[a-z]{3,}ly)){0,2}"
"""Up to two adverbs between "I" and its verb ("I also quietly know")."""

_NUMERAL_I = re.compile(r"(?<=[a-z,] )([A-Z][a-z]+) I\b")
"""A capitalised word mid-sentence before "I" makes it a numeral ("Title I funds"), never the speaker."""

_WRITTEN_VERB = re.compile(rf"\b(I{_ADVERBS})\s+(?:((?:[A-Za-z]+-)+[a-z]*[^s\W]|[A-Z]{{2,}})['\u2019]?s"
                           rf"|([a-z]{{2,}})['\u2019]s)\b")
"""A verb written with a hyphen, in capitals or with an apostrophe ("re-checks", "X-rays", "OK's",
"cc's"): "I" says it without its "-s" like any other."""


def conjugate_i(s: str) -> str:
    """The sentence with every verb of its "I" agreeing ("I worries" -> "I worry", "I OK's" -> "I OK")."""
    s = _NUMERAL_I.sub("\\1 \u2160", s)  # set aside while verbs agree with the speaker's "I"
    s = re.sub(rf"\b(I{_ADVERBS})\s+({VERBS_S}|launches|fears|assumes)\b", _conj, s)
    # A second verb of the same subject: "I am embarrassed and doesn't want" -> "... and don't want".
    for _ in range(2):
        s = re.sub(rf"(\bI\b[^.;,]*?,?\s+(?:and|but)\s+)({VERBS_S}|assumes)\b",
                   lambda m: m.group(1) + first_person_verb(m.group(2)), s)
    s = re.sub(r"\bI\s+([a-z]+(?:ise|ize|sh|ch|x|ss|zz))e?s\b", r"I \1", s)  # "I rise", "I push", "I fix"
    s = re.sub(rf"\b(I{_ADVERBS})\s+"
               r"(?!(?:perhaps|always|was|has|is|does|as|thus|its|this|plus|yes|bus|gas)\b)([a-z]{2,}[^s\W]s)\b",
               lambda m: f"{m.group(1)} {m.group(2)[:-1]}", s)
    s = _WRITTEN_VERB.sub(lambda m: f"{m.group(1)} {m.group(2) or m.group(3)}", s)
    s = T.phrase_pattern("I am").sub("I'm", s)
    return _have_been(s).replace("\u2160", "I")


_HAVE_PARTICIPLES = frozenset({"been", "had", "got", "gotten", "become", "spent", "taken", "seen"})
"""After "he's"/"she's" these make it "has" ("he's been running"): "I've", never "I'm been"."""


_BETWEEN = frozenset({"only", "already", "just", "also", "never", "ever", "since", "still", "not"})


def _have_been(s: str) -> str:
    """"I'm been running" -> "I've been running": the "'s" the rewrite read as "is" was "has"."""
    said = s.split(" ")
    for k, w in enumerate(said[:-1]):
        after = [x.strip(",.;:!?") for x in said[k + 1:k + 3]]
        if after[0] in _BETWEEN or after[0].endswith("ly"):  # "I'm only been", "I'm already had"
            after = after[1:]
        if w == "I'm" and after and after[0] in _HAVE_PARTICIPLES:
            said[k] = "I've"
    return " ".join(said)
