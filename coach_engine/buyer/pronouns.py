"""Whose pronoun is it: the buyer's, or someone else's in the manager's prose.

Why a module of its own: a manager writes the hidden concern about the buyer ("Grace is caught between
them, and she ...") beside other people ("the CEO, Helen Marsh, used it at her previous hospice"), and the
buyer must say their own part as "I" and leave everyone else's pronouns alone. What decides it is which
name a pronoun follows (the nearest person acting is its antecedent), whether the buyer's gender can be
told at all, and whether the manager calls the buyer "they". ``persona.first_person`` does the rewriting;
these are its readings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .. import text as T
from .her import PREPOSITIONS, object_her

__all__ = ["GENDERED", "PEOPLE", "PERSON", "another_organisation", "buyer_gender", "mask_others",
           "own_reflexive", "present", "unmask"]

PEOPLE = re.compile(
    r"\b(?:[a-z]+(?:ers|ists|ees|ians|ants|ents)|people|staff|drivers|customers?|clients?|members|users|guests|"
    r"donors|families|children|kids|crews|techs|volunteers|reps|board|council|owner|vendors?|competitors?|"
    r"suppliers?|wholesalers?|distributors?|partners?|providers?|incumbents?|contractors?|consultants?|"
    r"carriers?|insurers?|banks?|regulators?|auditors?|funders?|investors?|parents|patients|students|"
    r"family|fathers?|mothers?|uncles?|aunts?|brothers?|sisters?|sons?|daughters?|cousins?|in-laws)\b",
    re.IGNORECASE)
"""Another party than the buyer's organisation (people, a vendor, a wholesaler): a "they" or "their" after it
may be theirs ("drivers ... they quit", "the wholesaler ... their tool"), so it is left alone."""


_OTHER_ORGS = frozenset({"company", "firm", "business", "organisation", "organization", "shop", "agency",
                         "studio", "outfit", "startup", "start-up", "corporation", "enterprise"})
_A = frozenset({"a", "an", "another"})


def another_organisation(text: str) -> bool:
    """Whether ``text`` brings in another organisation ("a little CRM company out of Omaha", "another firm"):
    a "they" after it may be that one ("... then they just went dark"), neither the buyer's nor the buyer."""
    said = T.words(text)
    return any(w in _A and _OTHER_ORGS & set(said[i + 1:i + 5]) for i, w in enumerate(said))


def present(names: Iterable[str], text: str) -> tuple[str, ...]:
    """The names in ``text``, by substring first: a pattern per title variant overflows ``re``'s cache."""
    return tuple(n for n in names if n and n in text)


def buyer_gender(text: str, names: tuple[str, ...]) -> str | None:
    """'he' or 'she' when the concern's pronouns for the buyer can be told apart, else None.

    The buyer's pronoun is the first gendered one after the buyer's name (or at the very start
    when the concern opens about the buyer: "Her front desk ..."), with no other name between.
    """
    first = min((m for n in present(names, text) for m in [T.phrase_pattern(n).search(text)] if m),
                key=lambda m: m.start(), default=None)
    name_at, name_end = (first.start(), first.end()) if first else (-1, 0)
    m = _next(text, _GENDER_BASE, name_end)
    while m is not None and name_at >= 0 and _object_of_the_named(text, name_end, m):
        m = _next(text, _GENDER_BASE, m.end())  # "Bronwyn had to stand him down": never Bronwyn
    if name_at >= 0 and m is None:
        m = _next(text, _GENDER_BASE)  # the pronoun before the name ("... is her boss; Janet won't ...")
        name_at = -1
    if m is None:
        return None
    word = _base(m)
    found = "he" if word in GENDERED["he"] else "she"
    if word in ("he", "she") and _subject_of_its_sentence(text, m, names):
        return found  # "Tom has not asked Daniel because he isn't sure": the sentence's own subject
    if _topic_goes_on(text, m, names):
        return found  # "Priya inherited it when the manager who bought it, Dan, quit. Her VP asked her ..."
    said = [x for n in present(names, text) for x in T.phrase_pattern(n).finditer(text)]
    last = max((x.end() for x in said if x.end() <= m.start()), default=-1)  # the buyer's mention before it
    if last >= 0 and _appositive_name(text[last:m.start()], people_only=True) >= 0:
        # "Ray's lead planner, Doreen Walsh, built it without anyone asking her": the person named between
        # is the nearer antecedent; the buyer's own pronouns come after the buyer is named again
        again = min((x.start() for x in said if x.start() > m.start() and _opens_clause(text, x.start())),
                    default=-1)
        if again >= 0:
            return buyer_gender(text[again:], names)
        return _other_if_buyers(text, found, m.end(), names)
    told = _told_of_before(text[:name_at]) if name_at > 0 else None
    if told == found and word in ("he", "she"):
        # The concern opened on someone else, and this gender's pronouns went on about them ("Rosa, his
        # groomer, keeps the book. She's 63 ..., and Dale's scared she'll think he's replacing her"): the
        # buyer is the other gender if the concern uses it, else nobody can tell.
        return _other_if_buyers(text, found, m.end(), names)
    before = text[:m.start()] if name_at < 0 else text[name_end:m.start()]
    # An appositive (", Dr. Lindqvist,") names no actor, unless a clause about them follows (", who ...").
    if word in ("he", "she"):  # ... nor, before a subject pronoun, one that renames a clause's acting subject
        before = re.sub(rf",\s+([^,;]*),(?=\s+(?:{_VERBS})\b)", r" \1", before)  # "my chief, Ana, was burned"
    before = re.sub(r",\s+[^,;]*,(?!\s+who\b)", ",", before)
    acted = _someone(_unnamed(before, names, text), text)
    if word in ("he", "she") and _buyer_acts_last(text, m, names):
        return found  # "... Patrick has been pushing for it while Ray has been resisting because he ..."
    if name_at >= 0 and word in ("he", "she") and (acted or _ROLE_ACTS.search(before)):
        # Another person or a role ("the COO") acts after the buyer is named, then "he"/"she" goes on as a
        # subject: the pronoun is likely theirs ("the COO pulled it, and he still brings it up"; "the owner,
        # Eleanor, who has said she will sell"). Pronouns of the other gender later on are then the buyer's;
        # else nobody can tell.
        return _other_if_buyers(text, found, m.end(), names)
    if acted and _direct_object(m) and len({p.group(0).split()[0] for p in PERSON.finditer(
            _unnamed(text[:m.start()], names, text)) if _a_person(p, text)}) == 1:
        return found  # "Maureen's brother Declan owns the shop and told her": the object of his verb, not his
    if acted:
        return None  # another person acts before the pronoun: it may be theirs
    others = _unnamed(text[:m.start()], names, text)
    if (word in ("his", "him", "her") and _someone(others, text)) or _named_in_passing(others, name_at):
        return None  # "Anton sets it; Mira doubts his numbers": "his" may be the person named earlier
    return found


def _named_in_passing(part: str, name_at: int) -> bool:
    """Someone named after "by" or a role ("by co-founder Tom", "Bookkeeper Lena"), not as an owner ("Lena's
    team" is often the buyer's), with the buyer named nowhere; "by May" is a date."""
    said, when = [".", *part.split()], T.structure().time  # a role opening a sentence has its capital
    return name_at < 0 and any(
        len(n := w.strip(".,;:!?")) >= 3 and n.istitle() and n.lower() not in _NOBODY
        and not when.search(f"{p} {n}") and (p == "by" or (p.replace("-", "").isalpha() and (
            p.islower() or b[-1:] in ".!?-") and not T.is_function_word(p.lower())))
        for b, p, w in zip(said, said[1:], said[2:], strict=False))


_NOBODY = frozenset({"nobody", "everybody", "everyone", "someone", "somebody", "anyone", "anybody", "nothing",
                     "everything", "something", "anything", "none"})
_SAID_OF_PEOPLE = ("is", "was", "has", "had", "says", "said", "told")
_ADVERB = ("ally", "tly", "sly", "ely")
"""Endings of a sentence adverb ("Actually Ramesh is not worried", "Honestly"), never of a name of seven
letters or more ("Beverly", "Kimberly" end otherwise)."""
_ABSTRACT = ("tion", "sion", "ment", "ness", "ship", "ism")
"""Endings of abstract nouns, which name no person ("Adoption was low", "Retention has slipped"); on words of
eight letters or more, so a name such as "Clement" stays a person."""


def _a_person(p: re.Match[str], text: str, *, sure: bool = False) -> bool:
    """Whether a ``PERSON`` match may be a person: never "Nobody had time". ``sure``: nor a sentence's first
    word never written inside one ("Overtime keeps growing"), unless it is said to be, have or say
    something ("Meg has been turning orders away")."""
    name, *_, verb = p.group(0).split()
    if name.lower() in _NOBODY or (len(name) >= 8 and name.lower().endswith(_ABSTRACT)) or (
            len(name) >= 7 and name.lower().endswith(_ADVERB)):
        return False
    if PEOPLE.fullmatch(name.rstrip(",")) and not _mid_sentence(text, name.rstrip(",")):
        return False  # "Contractors want the site clear by May": a sentence opening on a group, not a name
    return not sure or _mid_sentence(text, name.rstrip(",")) or verb in _SAID_OF_PEOPLE


def _someone(part: str, text: str, *, sure: bool = False) -> re.Match[str] | None:
    """The first person ``part`` names acting (``_a_person``), if any."""
    return next((p for p in PERSON.finditer(part) if _a_person(p, text, sure=sure)), None)


def _buyer_acts_last(text: str, m: re.Match[str], names: tuple[str, ...]) -> bool:
    """In the pronoun's own sentence, the last person acting before it is the buyer, named and with a verb
    ("... while Ray has been resisting it because he believes ..."): a subject pronoun goes on about the
    nearest one who acted. Someone only named as an object ("Tom told Daniel he ...") acts nowhere."""
    opening = max(text.rfind(stop, 0, m.start()) for stop in ".;!?") + 1
    acting = [p for p in PERSON.finditer(text, opening, m.start()) if _a_person(p, text)]
    return bool(acting) and any(acting[-1].group(0).startswith(n) for n in present(names, text)) and \
        not _ROLE_ACTS.search(text, acting[-1].end(), m.start())


def _topic_goes_on(text: str, m: re.Match[str], names: tuple[str, ...]) -> bool:
    """The pronoun opens a sentence, the notes opened on the buyer as a sentence's subject, no sentence since
    opened on anyone else and the sentence just before names nobody: it goes on about the one the notes are
    about, whoever a clause named in passing earlier (a manager's bullets are about the buyer, one line after
    another)."""
    opening = max(text.rfind(stop, 0, m.start()) for stop in ".;!?") + 1
    starts = [0, *(k + 2 for k in range(len(text)) if text[k] in ".;!?" and text[k + 1:k + 2] == " ")]
    if text[opening:m.start()].strip():
        return False
    buyer = [k for k in starts if k < m.start() and any(text.startswith(n, k) for n in present(names, text))]
    before = max((k for k in starts if k < opening - 1), default=0)
    named = [w for w in _unnamed(text[before:opening], names, text).split()[1:] if w[:1].isupper()]
    if not buyer or buyer[0] != 0 or named:
        return False  # "..., Joy Tan, was blamed. She has told him ...": the one just named may go on
    return not any(_someone(_unnamed(text[k:k + 40], names, text), text, sure=True) and
                   not any(text.startswith(n, k) for n in present(names, text))
                   for k in starts if 0 < k < m.start() and PERSON.match(text, k))


def _subject_of_its_sentence(text: str, m: re.Match[str], names: tuple[str, ...]) -> bool:
    """The buyer is named as the subject of the pronoun's own sentence, before it ("But Tom has not asked
    Daniel because he ..."), and nobody else acts between the two."""
    opening = max(text.rfind(stop, 0, m.start()) for stop in ".;!?") + 1
    for name in present(names, text):
        at = T.phrase_pattern(name).search(text, opening, m.start())
        if at is None or len(text[opening:at.start()].split()) > 2 or not all(
                T.is_function_word(w) for w in T.words(text[opening:at.start()])):
            continue
        between = text[at.end():m.start()]
        if not _someone(_unnamed(between, names, text), text) and not _ROLE_ACTS.search(between):
            return True
    return False


def _unnamed(part: str, names: tuple[str, ...], text: str) -> str:
    """``part`` with the buyer's names that ``text`` uses taken out: what is left names other people."""
    own = "|".join(re.escape(n) for n in present(names, text))
    return re.sub(rf"\b(?:{own})\b", "", part) if own else part


def _other_if_buyers(text: str, found: str, pos: int, names: tuple[str, ...]) -> str | None:
    """The other gender than ``found`` when its next pronoun after ``pos`` is the buyer's: not when another
    person acts earlier in that sentence ("Meg has been turning orders away, and she and Walt have argued":
    "she" is Meg's)."""
    other = "she" if found == "he" else "he"
    m = _next(text, GENDERED[other], pos)
    if m is None:
        return None
    opening = max(text.rfind(stop, 0, m.start()) for stop in ".;!?") + 1
    return None if _someone(_unnamed(text[opening:m.start()], names, text), text, sure=True) else other


def _told_of_before(before: str) -> str | None:
    """The gender of the pronouns that go on about another person named acting before the buyer is named
    ("Rosa, his groomer, keeps the book. She's 63 ..."), if any, and if the concern used it for nobody
    before that person."""
    other = next((m for m in _OTHER_SUBJECT.finditer(before) if not T.is_function_word(m.group(1).lower())
                  and not T.structure().time.fullmatch(m.group(1))), None)  # "His reports show" names nobody
    if other is None:
        return None
    went_on = _next(before, frozenset({"he", "she"}), other.end())
    if went_on is None:
        return None
    gender = _base(went_on)
    # A pronoun of that gender before the other person is named is the buyer's ("His own yield reports
    # show ..., but Walt ... has said he'll retire"): then this gender is the buyer's as well.
    return None if _next(before[:other.start()], GENDERED[gender]) else gender


_VERBS = r"is|was|has|had|does|did|says|said|told|retires|runs|[a-z]+ed|[a-z]{3,}s"
_ACTS = rf"\s+(?:{_VERBS})\b"
_IRREGULAR_PAST = "drove|went|took|made|gave|ran|came|got|lost|paid|sent|bought|built|kept|put|sold"
"""Past tenses a manager writes of someone else's act ("Dale drove out himself"); not in ``_ACTS``, where
"Linda got burned" or "Meridian lost a customer" would make the buyer's gender harder to tell."""
PERSON = re.compile(r"\b(?!(?:The|This|That|Last|In|Since|Two|Three|A|An)\b)[A-Z][a-z]{2,}(?:,\s+who)?"
                     r"(?:\s+(?:now|still|also|then|just|already|never|[a-z]+ly))?" + _ACTS)
"""A named person doing something ("Gary retires", "Karen now signs"): pronouns after it may be theirs, not
the buyer's."""
_ROLE_ACTS = re.compile(r"\b[A-Z]{2,4}" + _ACTS)
"""A role by its initials doing something ("the COO pulled")."""

_OTHER_SUBJECT = re.compile(r"\b([A-Z][a-z]+)(?:\s+[A-Z][a-z]+)?(?:,\s+[^,;.]{1,90},|,)?(?:\s+[a-z]+ly)?"
                            rf"\s+(?:{_VERBS}|{_IRREGULAR_PAST})\b")
"""Someone named as a clause's subject, perhaps after an appositive ("Walt, head sawyer for 31 years, has
said ...") or with an adverb before the verb ("Dr. Okafor, publicly defended ..." reads as acting)."""
GENDERED = {"he": frozenset({"he", "his", "him", "himself"}), "she": frozenset({"she", "her", "herself"})}
_GENDER_BASE = GENDERED["he"] | GENDERED["she"]
_PRONOUN = re.compile(r"\b(?:he|she|his|him|her|himself|herself|they|them|their|theirs|themselves|themself|"
                      r"I|my|me)(?:'(?:s|ll|d|re|ve))?\b", re.IGNORECASE)
"""Every pronoun these readings weigh, with its contraction ("he'll", "they're"): one pattern for all."""


def _direct_object(m: re.Match[str]) -> bool:
    """ "him" or an object "her" right after a verb ("Declan told her"): never the verb's own subject, who
    would be "himself"/"herself". After a preposition it may be ("Walt took his wife with him")."""
    if not (_base(m) == "him" or (_base(m) == "her" and object_her(m))):
        return False
    before = m.string[:m.start()].split()[-1:]
    return bool(before) and before[0].isalpha() and before[0].islower() and before[0] not in PREPOSITIONS


_CLAUSE_WORDS = frozenset({"who", "whom", "which", "that", "because", "when", "while", "after", "before",
                           "since", "if", "until", "unless", "though", "although", "so"})
"""Words that start a clause inside a sentence, with a subject of its own ("Ana said that Kev told her")."""


def _object_of_the_named(text: str, name_end: int, m: re.Match[str]) -> bool:
    """A "him" or object "her" right after a verb in the clause the buyer, just named, is the subject of
    ("Bronwyn had to stand him down"): someone else, since the buyer would be "herself". Not when the name
    is a possessive ("Dale's brother told him": Dale may be "him") or a new clause starts between ("Ana said
    that Kev told her")."""
    between = text[name_end:m.start()]
    if not _direct_object(m) or between.startswith(("'", "’")) or any(c in between for c in ",;:.!?"):
        return False
    return not _CLAUSE_WORDS & set(T.words(between))


def _base(m: re.Match[str]) -> str:
    """The pronoun without its contraction, lowered ("He'll" -> "he")."""
    return m.group(0).lower().split("'")[0]


def _next(text: str, forms: frozenset[str], pos: int = 0) -> re.Match[str] | None:
    """The first pronoun at or after ``pos`` that is one of ``forms``."""
    return next((m for m in _PRONOUN.finditer(text, pos) if _base(m) in forms), None)


def unmask(s: str, kept: list[str]) -> str:
    """``s`` with the pronouns ``mask_others`` hid put back."""
    for i, word in enumerate(kept):
        s = s.replace(f"\ue000{i}\ue001", word)
    return s


_TITLE_STOPS = ("Dr.", "Mr.", "Mrs.", "Ms.", "Mx.", "Prof.", "Rev.", "Fr.")


_DETERMINERS = frozenset({"the", "a", "an", "our", "their", "my", "his", "her", "its", "your"})
"""Words before a capitalised word that make it a thing or a relation, not a person's name: nobody writes
"the Maria". Not "that", which opens a clause before a name as often ("she said that Maria told her")."""


def mask_others(s: str, names: tuple[str, ...], gender: str) -> tuple[str, list[str]]:
    """``s`` with the pronouns of the buyer's gender that belong to someone else hidden (restored after the
    rewrite), and what they were. Someone else named as the subject of a clause whose own first pronoun
    after them is of the buyer's gender ("Walt ... has said he'll retire"; "the CEO, Helen Marsh, used it at
    her previous hospice") owns that gender's pronouns to the clause's end: the nearest name is the
    antecedent. A name only ever written at the start of a sentence is not a person ("Overtime has
    crept"), nor is a month or a day."""
    mine = set(" ".join(names).split()) | {"I"}
    forms = GENDERED[gender]
    kept: list[str] = []

    def hide(m: re.Match[str]) -> str:
        if _base(m) not in forms or _introduces_someone(m):
            return m.group(0)
        kept.append(m.group(0))
        return f"\ue000{len(kept) - 1}\ue001"

    def someone_else(m: re.Match[str]) -> bool:
        name = m.group(1)  # "He privately thinks", "My boss agreed": a pronoun or determiner, not a name
        before = s[:m.start(1)].split()[-3:]  # "her daughter who does the Instagram told her": a thing
        # so is the second of a pair a determiner opens ("the Dublin and Grove City stores")
        paired = len(before) == 3 and before[-1].lower() in ("and", "or") and before[-2][:1].isupper()
        thing = [before[0].lower()] if paired else [w.lower() for w in before[-1:]]
        return not (name in mine or T.is_function_word(name.lower()) or T.structure().time.fullmatch(name)
                    or not _mid_sentence(s, name) or (bool(thing) and thing[0] in _DETERMINERS))

    out, last = [], 0
    # Before the buyer is first spoken of, the gender's pronouns are the person already named ("a Year 2 girl,
    # Ruby, fell asleep ... before a mechanic found her. ... I had to ..."): the story opens on them.
    me = next((m for m in _PRONOUN.finditer(s) if _base(m) in ("i", "my", "me")), None)
    if me is not None:
        acting = next((m.start(1) for m in _OTHER_SUBJECT.finditer(s, 0, me.start()) if someone_else(m)), -1)
        named = _appositive_name(s[:me.start()], people_only=True)
        opener = min((at for at in (acting, named) if at >= 0), default=-1)
        if opener >= 0:
            out += [s[:opener], _PRONOUN.sub(hide, s[opener:me.start()])]
            last = me.start()
    for a, b in T.sentence_spans(s):  # clauses: a semicolon ends one too, "Dr." does not
        if b <= last:
            continue
        for m in _OTHER_SUBJECT.finditer(s, max(a, last), b):
            if not someone_else(m):
                continue
            first = _next(s[:b], _GENDER_BASE, m.start(1))
            if first is None or _base(first) not in forms or _direct_object(first):
                continue
            # to the clause's end, or to where the buyer speaks as "I" again ("..., and I feel he owes him")
            said = s[m.start(1):b].split(" ")
            again = next((k for k, w in enumerate(said) if w.split("'")[0].strip(",;:.!?()\"") == "I"), None)
            end = m.start(1) + len(" ".join(said[:again])) + 1 if again else b
            out.append(s[last:m.start(1)])
            out.append(_PRONOUN.sub(hide, s[m.start(1):end]))
            last = end
            break
    out.append(s[last:])
    return "".join(out), kept


_CLAUSE_OPENERS = frozenset({"and", "but", "so", "then", "when", "while", "because", "since", "although"})
"""Words after which a name is the next clause's subject ("..., and Ray talked her round"); "and" is here but
not in ``_CLAUSE_WORDS``: "Bronwyn called and told him" keeps Bronwyn the subject of both verbs."""


def _opens_clause(text: str, at: int) -> bool:
    """Whether a name at ``at`` opens a clause (its subject: "... shifts. Ray talked her round"), not a verb's
    object ("She has told Omar ...")."""
    before = text[:at].rstrip()
    last = T.words(before)[-1:]
    return not before or before[-1] in ".!?;:," or (bool(last) and last[0] in _CLAUSE_OPENERS)


_TITLE_WORDS = frozenset({"manager", "director", "officer", "lead", "head", "chief", "president", "owner",
                          "founder", "partner", "principal", "controller", "planner", "coordinator",
                          "supervisor", "administrator", "superintendent", "chair", "secretary", "treasurer",
                          "buyer"})
"""Words of a job title set off by commas ("Rosa Delgado, Practice Manager, ..."): a role, not a name."""


def _appositive_name(text: str, people_only: bool = False) -> int:
    """Where the first name set off by commas stands ("a Year 2 girl, Ruby Tanner, fell asleep"): one to
    three capitalised words, none a function word or a time (nor, ``people_only``, a job title), between two
    commas; -1 if there is none."""
    at = 0
    pieces = text.split(",")
    for k, piece in enumerate(pieces):
        said = piece.split()
        if 0 < k < len(pieces) - 1 and 1 <= len(said) <= 3 and all(
                w[:1].isupper() and w[1:].islower() and not T.is_function_word(w.lower())
                and not T.structure().time.fullmatch(w)
                and not (people_only and w.lower() in _TITLE_WORDS) for w in said):
            return at + len(piece) - len(piece.lstrip())
        at += len(piece) + 1
    return -1


def _introduces_someone(m: re.Match[str]) -> bool:
    """A possessive that introduces another named person ("her peer Priya Raman", "his foreman, Walt"): a
    relation the concern draws from its own protagonist, the buyer, not from the person named before it."""
    if _base(m) not in ("his", "her"):
        return False
    after = m.string[m.end():].split()[:4]
    return bool(after) and after[0][:1].islower() and any(w[:1].isupper() and w != "I" for w in after[1:])


def _mid_sentence(text: str, name: str) -> bool:
    """Whether ``name`` is ever written inside a sentence (after a lowercase word, a comma or a title): a
    person's name, not a sentence's first word ("Overtime has crept")."""
    at = text.find(name)
    while at > 0:
        before = text[:at].rstrip()
        if before[-1:].islower() or before.endswith((",", *_TITLE_STOPS)):
            return True
        at = text.find(name, at + 1)
    return False


def own_reflexive(s: str) -> str:
    """"herself"/"himself" in a sentence the buyer opens as "I", with nobody named before it, as "myself"
    ("I'm actually fine with the fee herself", when the concern gave no gender to rewrite by)."""
    words = s.split(" ")
    mine = False  # in a sentence opened by "I", nobody else named yet
    for k, w in enumerate(words):
        starts = k == 0 or words[k - 1][-1:] in (".", "!", "?")
        bare = w.rstrip(",;:!?.")
        if starts:
            mine = bare in ("I", "I'm", "I've", "I'd", "I'll")
        elif w[:1].isupper() and bare != "I":
            mine = False  # someone else named first: theirs
        elif mine and bare in ("herself", "himself"):
            words[k] = "myself" + w[len(bare):]
    return " ".join(words)
