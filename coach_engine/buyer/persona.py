"""Scenario facts a buyer line may mention, in the buyer's own voice.

Managers write the hidden concern in the third person ("the board froze ...
and Dana is on the hook"); the buyer must say it in the first person. The
rewrite here is deliberately simple (names and pronouns), which is enough for
the scripted voice and gives the LLM voice a clean fact to work from.
"""

from __future__ import annotations

import re

from .. import text as T
from ..models import Scenario
from .casual import written_out
from .facts import company_facts, context_figures
from .her import object_her
from .names import bare_first, buyer_names
from .notes import ARROWS, STATE_WORDS, subjects_given, unbracketed, unreported
from .org_voice import named_org_as_we, org_to_we, our, said_aloud, to_the_rep
from .pronouns import (
    GENDERED,
    PEOPLE,
    PERSON,
    buyer_gender,
    mask_others,
    own_reflexive,
    present,
    unmask,
)
from .quotations import mask_quotes, unmask_quotes, unquoted
from .retelling import retold
from .second_person import addressed_to_buyer, you_to_i
from .sellers_side import sellers_we_as_you
from .singular_they import singular_they, they_to_i
from .staging import story_opening
from .state import BuyerState
from .substance import COUNT
from .telling import said_in_full, staged, told_part, unjoined
from .verbs import VERBS_S, conjugate_i

__all__ = ["an_account", "concern_stages", "concern_told", "first_person", "garbled", "key_number",
           "pronoun_left", "scenario_facts", "speaks_as_i", "step_in_first_person"]


_FIRST_PERSON_WORDS = frozenset({"i'm", "i've", "i'd", "i'll", "my", "me", "myself"})


def _in_buyers_voice(text: str, names: tuple[str, ...]) -> bool:
    """The concern is the buyer talking: first-person words, and the buyer never named in it. A concern
    that names the buyer ("Dee is sure ...") is the manager's account, whatever "me" the manager uses of
    themselves in it ("which Dee only told me over a drink")."""
    return _speaks_as_i(text) and not _names_the_buyer(text, names)


def _names_the_buyer(text: str, names: tuple[str, ...]) -> bool:
    """Whether ``text`` names the buyer by any of their names, as a whole word."""
    return any(T.has_phrase(text, n) for n in present(names, text))


def _speaks_as_i(text: str) -> bool:
    """A manager who wrote the concern as the buyer talking ("I got burned ..."); a quoted "I" does not count,
    nor a numeral after a name ("Title I money")."""
    before = ""
    for token in unquoted(text).split():
        word = token.strip(".,;:!?()")
        if word.lower() in _FIRST_PERSON_WORDS or (
                word == "I" and (not before or before[-1] in ".,;:!?" or before[:1].islower())):
            return True
        before = token
    return False

_GARBLED = (
    re.compile(r"\bme\b[^.;]*\bme\b"),
    re.compile(r"\bI's\b"),
    re.compile(r"\bI(?:'m)?\s+(?:\w+\s+)?(?:is|has|doesn't|wants|needs|assumes|does|worries|hasn't|isn't)\b"),
    re.compile(r"\bI(?:'m)?\s+(?:\w+\s+){0,3}(?:and|but)\s+(?:is|has|doesn't|wants|needs|assumes|does|hasn't|isn't)\b"),
    re.compile(r"\b(?:told|gave|asked|made|let|showed|sent)\s+my\s+(?:last|next|this|that|a|an|the)\b"),
)


def garbled(line: str, scenario: Scenario) -> bool:
    """A first-person rewrite that reads wrong: 'me ... me', "I's", 'I ... doesn't', the buyer's own name."""
    names = {scenario.buyer.name.strip(), bare_first(scenario)}
    if any(T.has_phrase(line, n) for n in present(names, line)):
        return True
    return any(p.search(line) for p in _GARBLED)


_IS_OR_HAS = "|".join(("been", "got", "not", "never", "still", "afraid", "sure", "[a-z]+[^e\\W]ed",
                       "[a-z]{3,}ly", *sorted(STATE_WORDS)))
"""After a name's 's, words that make it "is" or "has" ("Dale's scared", "Dale's been", "Lorraine's actually
fine", "Meg's nervous"), not "Dale's team"."""


def _name_s(m: re.Match[str]) -> str:
    after = m.group(1)
    if after is None:  # "Jasmine's real fear" -> "my real fear", "My" opening a sentence
        return "My" if m.string[:m.start()].rstrip()[-1:] in ("", ".", "!", "?") else "my"
    return "I've" if after in ("been", "got") else "I'm"


def _name_to_i(s: str, names: tuple[str, ...]) -> str:
    """Only the buyer's own name: 'Name's' -> 'my', 'Name <verb>' -> 'I <verb>', any other -> 'me'."""
    for name in present(names, s):
        # "Dale's team": "my team"; "Dale's scared", "Dale's been burned": "I'm", "I've"
        s = re.sub(rf"\b{re.escape(name)}'s\b(?=\s+({_IS_OR_HAS})\b)?", _name_s, s)
        s = re.sub(rf"\b{re.escape(name)}(?=\s+(?:[a-z]+ed|{VERBS_S}|launches|runs|assumes|negotiated)\b)",
                   "I", s)
        s = re.sub(rf"(^|[.;:,]\s+|\b(?i:and|so|but|where|that|while|which|if|when|because|unless)\s+)"
                   rf"{re.escape(name)}\b(?!\s+[a-z]+ing\b)", r"\1I", s)  # ", me presenting" stays
        s = T.phrase_pattern(name).sub("me", s)
    return s


_HER_BEFORE_A_WORD = re.compile(r"\bher(?=\s+\w)")
"""'her' before a word is the possessive ("her team" -> "my team"); the object was taken first."""


def _as_said_to(raw: str, names: tuple[str, ...]) -> str:
    """A concern written to the buyer as "you" (a role-play prompt) in the buyer's own "I"."""
    to_them = addressed_to_buyer(raw, names) and not _in_buyers_voice(raw, names)
    return you_to_i(raw, names) if to_them else raw


def first_person(text: str, scenario: Scenario, account: bool = False) -> str:
    """The hidden concern as the buyer would say it.

    Pronouns are turned into the first person only when they clearly refer to the buyer (the
    buyer's gender can be told from the text and no other name sits between), so "she worries
    he'll read it as her not trusting him" keeps "he"/"him" for the chef. If the rewrite still
    reads wrong (``garbled``), the buyer says the concern as written, with only their own name
    turned into "I"/"my"/"me" (the line it goes into already introduces it: "The real reason? ...").
    ``account``: written as the manager's account of the buyer, though what is left may no longer name them.
    """
    names = buyer_names(scenario)
    written, quotes = mask_quotes(" ".join(text.split()))  # someone's own words stay theirs
    raw = _as_said_to(written, names)
    # the buyer's own voice: every "he", "she", "they" is someone else
    if not account and _in_buyers_voice(raw, names):
        return unmask_quotes(named_org_as_we(raw, scenario), quotes)  # but "cost Brightline" is "cost us"
    return unmask_quotes(_in_first_person(raw, names, scenario), quotes)


def _in_first_person(raw: str, names: tuple[str, ...], scenario: Scenario) -> str:
    """``first_person`` of a concern not written in the buyer's voice, its quotations hidden."""
    s = _name_to_i(raw, names)
    gender = _buyers_gender(raw, names, scenario)
    kept: list[str] = []
    if gender is not None:
        s, kept = mask_others(s, names, gender)
        subj, poss, _obj, refl = (("he", "his", "him", "himself") if gender == "he"
                                 else ("she", "her", "her", "herself"))
        cap = poss.capitalize()
        s = T.phrase_pattern(cap).sub("My", s)
        s = T.phrase_pattern(f"{subj}'s", re.IGNORECASE).sub("I'm", s)  # "She's" too, before "She" -> "I"
        s = re.sub(rf"(^|[.;:]\s+|\band\s+|\bso\s+|\bbut\s+|,\s+)(?:{subj})\b", r"\1I", s)
        s = T.phrase_pattern(subj.capitalize()).sub("I", s)
        if gender == "she":
            s = T.phrase_pattern("her").sub(lambda m: "me" if object_her(m) else m.group(0), s)
            s = _HER_BEFORE_A_WORD.sub("my", s)
        else:
            # "his team" -> "my team"; "not his to make", "the call is his." -> "mine"
            s = re.sub(r"\bhis\b(?=(\s+to\b|[.,;!?]|$)?)",
                       lambda m: "my" if m.group(1) is None else "mine", s)
            # "I feel he owes him", "I doesn't want to knife him": the object of a clause the buyer is the
            # subject of is someone else
            s = re.sub(r"(\bI(?:\s+[a-z']+){1,5}?\s+)?\bhim\b",
                       lambda m: m.group(0) if m.group(1) else "me", s)
        s = T.phrase_pattern(refl).sub("myself", s)
        s = T.phrase_pattern(subj).sub("I", s)
        s = unmask(s, kept)
    elif singular_they(s):
        s = they_to_i(s)
    s = org_to_we(s, scenario)
    s = to_the_rep(s, scenario)
    s = own_reflexive(conjugate_i(s))
    s = re.sub(r"\bme\s+(personally\s+)?accountable", r"me \1accountable", s)
    s = s[0].upper() + s[1:] if s else s
    if garbled(s, scenario):
        safe = own_reflexive(conjugate_i(org_to_we(_name_to_i(raw, names), scenario)))
        safe = safe[0].upper() + safe[1:] if safe else safe
        return safe if not garbled(safe, scenario) else raw.replace(scenario.buyer.name, "I")
    return s


def _buyers_gender(text: str, names: tuple[str, ...], scenario: Scenario) -> str | None:
    """The buyer's gender as the scenario's context tells it when it names the buyer ("Marisol runs the DC
    ... she called back"; or the only gender its pronouns use), else ``buyer_gender`` of the concern, which
    may lend its first "his" to someone else ("a temp ... clipped a racking upright on his second day")."""
    found = buyer_gender(text, names)
    context = " ".join(scenario.context.split())
    if not present(names, context):
        return found
    said = set(T.words(context))
    one = [g for g, forms in GENDERED.items() if said & forms]
    return buyer_gender(context, names) or (one[0] if len(one) == 1 else None) or found



def pronoun_left(scenario: Scenario) -> str | None:
    """A "he"/"she" the first-person rewrite left in the hidden concern when it could not tell whose it is
    (no gender can be told for the buyer, and the concern is not written as the buyer talking): it may be
    the buyer, who would then speak of themselves in the third person. ``scenarios validate`` and the Studio
    name it, so the author writes the concern as "I ..." or adds ``concern_lines``."""
    b = scenario.buyer
    names = buyer_names(scenario)
    raw = _as_said_to(_told(scenario), names)
    if b.concern_lines or _in_buyers_voice(raw, names) or _buyers_gender(raw, names, scenario) is not None:
        return None
    told = T.words(first_person(raw, scenario))
    return next((w for w in told if w in ("he", "she", "his", "him", "her")), None)


def speaks_as_i(scenario: Scenario) -> bool:
    """Whether the manager wrote the concern as the buyer talking ("I got burned ..."): told as written."""
    return _in_buyers_voice(" ".join(scenario.buyer.hidden_concern.split()), buyer_names(scenario))


def step_in_first_person(step: str, scenario: Scenario) -> str:
    """The scenario's next step as the buyer says it ("with Sofia and her VP" -> "with me and my VP")."""
    names = buyer_names(scenario)
    # "next Thurs" is a day a rep's time can replace; "the AP lead (Marcus)" is said "the AP lead, Marcus,"
    # "Thurs -> scope the pilot": an arrow in a clipped step is "to"
    step = " ".join("to" if w in ARROWS else w for w in written_out(step, scenario).split())
    s = sellers_we_as_you(unbracketed(said_in_full(" ".join(step.split()))).rstrip("."), names)
    for name in present(names, s):
        s = re.sub(rf"\b{re.escape(name)}\s+and\s+(?:his|her)\b", "me and my", s)
        s = T.phrase_pattern(f"{name}'s").sub("my", s)
        s = re.sub(rf"\b{re.escape(name)}\s+signs\s+(?:himself|herself)\b", "I sign myself", s)
    s = _name_to_i(s, names)  # "where Hannah presents" -> "where I present" (conjugated below)
    s = our(s, scenario)  # "Voss's own figures" -> "our own figures"
    # the step's own pronouns, else the concern's: "a call with him and the programme lead" is the buyer's
    # call when the concern says "he" of the buyer
    # a step naming the buyer takes the concern's gender first: its own first pronoun may be someone else's
    # ("w/ Marcus, Priya (before she leaves) and Renee")
    gender = (_buyers_gender(_written_concern(scenario), names, scenario)
              or buyer_gender(" ".join(step.split()), names)) if present(names, step) \
        else _concern_gender(step, scenario, names)
    if gender == "he":
        s = T.phrase_pattern("his").sub("my", s)
        s = T.phrase_pattern("him").sub("me", s)
        s = T.phrase_pattern("he can").sub("I can", s)  # the step's white space is already one space
    elif gender == "she":
        s = T.phrase_pattern("her").sub(lambda m: "me" if object_her(m) else m.group(0), s)
        s = _HER_BEFORE_A_WORD.sub("my", s)
        s = re.sub(r"\bshe\s+(?=\w)", "I ", s)
    s = conjugate_i(s)
    s = _their_to_our(s)
    # "where I and Sal run" -> "where Sal and I run": a person names the other first
    words = s.split(" ")
    for k in range(len(words) - 2):
        if words[k] == "I" and words[k + 1] == "and" and words[k + 2][:1].isupper():
            end = k + 3 if k + 3 < len(words) and words[k + 3][:1].isupper() else k + 2  # "Sal Benedetto"
            name = " ".join(words[k + 2:end + 1])
            core = name.rstrip(",.;:!?")
            words[k:end + 1] = [core, "and", "I" + name[len(core):]]  # "I and Sal." -> "Sal and I."
    for k in range(len(words) - 2, 0, -1):  # "me + controller" said "me and my controller"
        role = words[k + 1].rstrip(",.;:!?")
        if words[k - 1] == "me" and words[k] == "and" and role.isalpha() and role.islower() \
                and not T.is_function_word(role) and not role.endswith("s") and not COUNT.search(role):
            words.insert(k + 1, "my")
    s = _to_you(" ".join(words))
    return s[:1].lower() + s[1:] if s and not (len(s) > 1 and all("A" <= c <= "Z" for c in s[:2])) else s


def _written_concern(scenario: Scenario) -> str:  # the concern on one line, its shorthand written out
    return written_out(" ".join(scenario.buyer.hidden_concern.split()), scenario)


def _concern_gender(step: str, scenario: Scenario, names: tuple[str, ...]) -> str | None:
    """The buyer's gender (the concern's, else the step's own pronoun) for a step that never names the buyer
    but says "him"/"her" of them ("a call on Thursday with him and the programme lead"): only when nobody
    else is named before the step's first such pronoun ("a call with the owner and his team" is theirs)."""
    gender = _buyers_gender(_written_concern(scenario), names, scenario) or buyer_gender(step, names)
    if gender is None:
        return None
    pronouns = ("he", "his", "him") if gender == "he" else ("she", "her")
    said = T.words(step)
    first = next((k for k, w in enumerate(said) if w in pronouns), None)
    if first is None:
        return None
    before = " ".join(step.split()[:first])
    return None if PEOPLE.search(before) or PERSON.search(before) or present(names, before) else gender


def _to_you(step: str) -> str:
    """The rep named in a manager's step, said to the rep: "with the rep presenting" -> "with you
    presenting", "the sales rep's engineer" -> "your engineer"."""
    words = step.split(" ")
    k = 0
    while k < len(words) - 1:
        n = 2 if words[k + 1].lower() == "sales" and k + 2 < len(words) else 1
        rep, mark = _split_mark(words[k + n])
        if words[k].lower() == "the" and rep.lower() in ("rep", "rep's", "rep’s"):
            words[k:k + n + 1] = [("you" if rep.lower() == "rep" else "your") + mark]
            if words[k] == "you" and k + 1 < len(words):
                words[k + 1] = _you_verb(words[k + 1])  # "where the rep walks us" -> "where you walk us"
        k += 1
    return " ".join(words)


_YOU_FORMS = {"is": "are", "was": "were", "has": "have", "does": "do", "doesn't": "don't", "isn't": "aren't",
              "wasn't": "weren't", "hasn't": "haven't"}


def _you_verb(word: str) -> str:
    """A third-person verb after "you" as it agrees ("walks" -> "walk", "is" -> "are")."""
    verb, mark = _split_mark(word)
    low = verb.lower()
    if low in _YOU_FORMS:
        return _YOU_FORMS[low] + mark
    if low.endswith(("shes", "ches", "xes", "sses")):
        return verb[:-2] + mark
    if T.is_function_word(low) or not low.isalpha() or not low.endswith("s") or low.endswith(("ss", "us")):
        return word  # "the rep this time", "the rep plus ..."
    return verb[:-1] + mark


def _split_mark(word: str) -> tuple[str, str]:
    core = word.rstrip(",.;:!?")
    return core, word[len(core):]


def _their_to_our(step: str) -> str:
    """"a test copy of their data" in a step is the buyer's side: "our data". Not when the nearest group of
    people before it is someone else's ("two technicians ... on their own phones"); "my partner" is ours."""
    out, last, at = [], 0, 0
    for word in step.split():
        at = step.index(word, at)
        if word.rstrip(",.;") == "their":
            groups = list(PEOPLE.finditer(step, 0, at))
            before = step[:groups[-1].start()].split()[-1:] if groups else []
            if not groups or [w.lower() for w in before] in (["my"], ["our"]):
                out.append(step[last:at] + "our")
                last = at + len("their")
        at += len(word)
    return "".join(out) + step[last:]


_NUM = re.compile(
    r"(\$\s?\d[\d,.]*\s*(?:k|m|million)?|\d[\d,.]*\s*(?:-\s*\d[\d,.]*)?\s*%|\d[\d,.]*\s*(?:x|times))",
    re.IGNORECASE,
)


def key_number(scenario: Scenario) -> str:
    """The first figure in the value points (what a numbers-minded buyer wants to hear about)."""
    for v in scenario.product.value_points:
        m = _NUM.search(v)
        if m:
            return m.group(0).strip()
    return ""


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split()).rstrip(".")
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text and not text[:2].isupper() else text


def _gist(scenario: Scenario) -> str:
    """The objection restated in a few words (issue 13: the opening is never repeated, and a long one is
    never cut off mid-phrase): the line bank's phrase for the objection type."""
    from .scripted import load_lines

    return str(load_lines().get("gist", {}).get(scenario.objection, "I'm still not convinced"))


def scenario_facts(scenario: Scenario, state: BuyerState) -> dict[str, str]:
    """Facts any buyer line may use; the concern appears only once it is revealed."""
    b = scenario.buyer
    company = said_aloud(b.company)
    facts = {
        "buyer_name": b.name,
        "first_name": b.name.split()[0],
        "role": b.role,
        "company": company,
        "product": said_aloud(scenario.product.name),
        "objection": " ".join(b.opening.split()),
        "objection_short": _gist(scenario),
        "value_point": _lower_first(_short(scenario.product.value_points[0])),
        "number": key_number(scenario) or "a real number",
        "next_step": (step_in_first_person(b.next_step, scenario) if b.next_step
                      else "what you just proposed"),
    }
    lines = list(b.concern_lines)
    if lines:
        facts["concern_hint"] = lines[0]
    if state.concern_revealed:
        facts["concern"] = concern_told(scenario, state)
        facts["concern_short"] = _short(concern_stages(scenario)[0].split(";")[0], 110)
    return facts


def known_figures(scenario: Scenario) -> dict[str, str]:
    """The figures the buyer knows without ``facts:`` saying them: their company line's ("22 buses") and
    the brief's ("Her security team is three people." said as "My security team is three people.")."""
    given = context_figures(scenario.context, scenario.buyer.facts)
    brief = {k: first_person(v, scenario) for k, v in given.items()}
    return {**brief, **company_facts(scenario.buyer.company, scenario.buyer.facts)}


def concern_told(scenario: Scenario, state: BuyerState) -> str:
    """What the buyer has said of the concern: the story (its opening while the rest is held), the stake."""
    story, stake = concern_stages(scenario)
    story = story_opening(story)[0] if state.story_held else story
    return f"{story} {stake}" if stake and state.stake_told else story


def an_account(scenario: Scenario) -> bool:
    """The concern is the manager's account of the buyer (it names them), so any "I" or "me" in it is the
    manager's own."""
    return _names_the_buyer(" ".join(scenario.buyer.hidden_concern.split()), buyer_names(scenario))


def _told(scenario: Scenario) -> str:
    """The concern as the buyer may tell it (``told_part``), a note's left-out subject given back."""
    told = told_part(written_out(scenario.buyer.hidden_concern, scenario), an_account(scenario))
    if _in_buyers_voice(told, buyer_names(scenario)):
        return told
    return subjects_given(told, bare_first(scenario))


def concern_stages(scenario: Scenario) -> tuple[str, str]:
    """The story the buyer tells when the concern comes out, and the stake kept for the next good question.

    A scenario's own ``concern_lines`` are a hint, the story and the stake (issue 13: the concern comes out
    in stages); with fewer lines everything after the hint comes out at once and the stake is empty; with
    only the manager's third-person text, its last sentence is the stake (``telling.staged``).
    """
    lines = list(scenario.buyer.concern_lines)
    if len(lines) >= 3:  # the stake is said a turn later, after a lead-in: never with its joining "But"
        return lines[1], " ".join([unjoined(lines[2]), *lines[3:]])
    if lines:
        return lines[-1], ""
    concern = scenario.buyer.hidden_concern
    told = first_person(_told(scenario), scenario, an_account(scenario))
    story, stake = staged(" ".join(unreported(s) for s in T.sentences(told)))  # never "I mentioned that ..."
    story, stake = retold(story, concern), retold(stake, concern)  # in the buyer's plainer words
    # one long sentence the retelling said as several ("..., and her daughter told her ...") is staged again
    return (story, stake) if stake else staged(story)
