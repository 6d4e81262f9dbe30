"""How a verb agrees once the buyer says "I" or speaks for their organisation as "we".

Why its own module: the buyer's first-person rewrite (``persona``) and the
organisation's "we" (``org_voice``) both turn a manager's third-person verb
("worries", "is", "expects") into the form the buyer says, and must agree on it.
These are closed lists of English verb forms, not judgement about a rep.
"""

from __future__ import annotations

__all__ = ["FIRST_PERSON", "REGULAR", "VERBS_S", "first_person_verb"]

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
