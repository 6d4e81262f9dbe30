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
from .pronouns import PEOPLE, buyer_gender, mask_others, present, singular_they, they_to_i
from .state import BuyerState
from .telling import staged

__all__ = ["concern_stages", "concern_told", "first_person", "garbled", "key_number", "scenario_facts",
           "step_in_first_person"]

_REGULAR = ("works|looks|keeps|takes|makes|gets|comes|loses|uses|gives|trusts|likes|hates|loves|handles|"
            "manages|depends|spends|sells|buys")
"""Verbs of a concern whose "I" form only drops the "-s" (``_FIRST_PERSON`` holds the others)."""
_REGULAR_S = frozenset(_REGULAR.split("|"))
_VERBS_S = (
    "is|has|does|doesn't|wants|needs|worries|cares|suspects|knows|holds|thinks|believes|fears|dreads|"
    "can't|won't|would|will|was|led|runs|owns|signs|expects|hasn't|isn't|feels|doubts|leads|talked|"
    "phoned|personally|can|could|had|did|should|might|must|says|goes|tries|pays|sees|" + _REGULAR
)
_FIRST_PERSON = {
    "is": "am", "has": "have", "does": "do", "doesn't": "don't", "wants": "want", "needs": "need",
    "worries": "worry", "cares": "care", "suspects": "suspect", "knows": "know", "holds": "hold",
    "thinks": "think", "believes": "believe", "fears": "fear", "dreads": "dread", "hasn't": "haven't",
    "isn't": "am not", "feels": "feel", "doubts": "doubt", "leads": "lead", "runs": "run", "owns": "own",
    "signs": "sign", "expects": "expect", "launches": "launch", "assumes": "assume", "says": "say",
    "goes": "go", "tries": "try", "pays": "pay", "sees": "see",
}


def _first_person_verb(verb: str) -> str:
    """The verb as "I" says it: the irregular ones from the table, a regular "-s" dropped ("works")."""
    said = _FIRST_PERSON.get(verb.lower())
    if said is not None:
        return said
    return verb[:-1] if verb.lower() in _REGULAR_S else verb


def _conj(m: re.Match[str]) -> str:
    return f"{m.group(1)} {_first_person_verb(m.group(2))}"


_FIRST_PERSON_WORDS = frozenset({"i'm", "i've", "i'd", "i'll", "my", "me", "myself"})


def _speaks_as_i(text: str) -> bool:
    """A manager who wrote the concern as the buyer talking ("I got burned ..."); a quoted "I" does not count,
    nor a numeral after a name ("Title I money")."""
    unquoted = "".join(text.replace("“", '"').replace("”", '"').split('"')[::2])
    before = ""
    for token in unquoted.split():
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
    names = {scenario.buyer.name.strip(), _bare_first(scenario)}
    if any(re.search(rf"\b{re.escape(n)}\b", line) for n in present(names, line)):
        return True
    return any(p.search(line) for p in _GARBLED)


def _bare_first(scenario: Scenario) -> str:
    parts = [p for p in scenario.buyer.name.split() if not p.endswith(".") and p not in _TITLES]
    return parts[0] if parts else scenario.buyer.name.split()[0]


_TITLES = ("Dr.", "Dr", "Mr.", "Mr", "Mrs.", "Mrs", "Ms.", "Ms", "Miss", "Mx.", "Prof.", "Professor", "Revd",
           "Rev.", "Rev", "Fr.", "Pastor", "Rabbi")
"""Honorifics a manager puts before the buyer's surname ("Dr. Okafor", "Mr. Reyes"), named or not."""


def _names(scenario: Scenario) -> tuple[str, ...]:
    """Every way the scenario's prose names the buyer, longest first: the full name, without its title,
    a title with the surname ("Dr. Okafor" for "Dr. Nkechi Okafor", or for plain "Nkechi Okafor"), the
    first name. A bare surname is left out: it is as often a family firm's name ("Okafor Farms")."""
    full = " ".join(scenario.buyer.name.split())
    bare_parts = [p for p in full.split() if not p.endswith(".") and p not in _TITLES]
    bare = " ".join(bare_parts)
    titled = [f"{t} {bare_parts[-1]}" for t in _TITLES] if len(bare_parts) >= 2 else []
    return tuple(dict.fromkeys(n for n in (full, bare, *titled, _bare_first(scenario)) if n))


_IS_OR_HAS = "been|got|not|never|still|afraid|sure|[a-z]+[^e\\W]ed"
"""After a name's 's, words that make it "is" or "has" ("Dale's scared", "Dale's been"), not "Dale's team"."""


def _name_s(m: re.Match[str]) -> str:
    after = m.group(1)
    return "my" if after is None else "I've" if after in ("been", "got") else "I'm"


def _name_to_i(s: str, names: tuple[str, ...]) -> str:
    """Only the buyer's own name: 'Name's' -> 'my', 'Name <verb>' -> 'I <verb>', any other -> 'me'."""
    for name in present(names, s):
        # "Dale's team": "my team"; "Dale's scared", "Dale's been burned": "I'm", "I've"
        s = re.sub(rf"\b{re.escape(name)}'s\b(?=\s+({_IS_OR_HAS})\b)?", _name_s, s)
        s = re.sub(rf"\b{re.escape(name)}(?=\s+(?:[a-z]+ed|{_VERBS_S}|launches|runs|assumes|negotiated)\b)",
                   "I", s)
        s = re.sub(rf"(^|[.;:,]\s+|\band\s+|\bso\s+|\bbut\s+|\bwhere\s+|\bthat\s+|\bwhile\s+|\bwhich\s+)"
                   rf"{re.escape(name)}\b(?!\s+[a-z]+ing\b)", r"\1I", s)  # ", me presenting" stays
        s = re.sub(rf"\b{re.escape(name)}\b", "me", s)
    return s


_ADVERBS = r"(?:\s+(?:really|now|also|still|just|already|never|even|[a-z]{3,}ly)){0,2}"
"""Up to two adverbs between "I" and its verb ("I also quietly know")."""


def _conjugate(s: str) -> str:
    s = re.sub(rf"\b(I{_ADVERBS})\s+({_VERBS_S}|launches|fears|assumes)\b", _conj, s)
    # A second verb of the same subject: "I am embarrassed and doesn't want" -> "... and don't want".
    for _ in range(2):
        s = re.sub(rf"(\bI\b[^.;,]*?,?\s+(?:and|but)\s+)({_VERBS_S}|assumes)\b",
                   lambda m: m.group(1) + _first_person_verb(m.group(2)), s)
    s = re.sub(r"\bI\s+([a-z]+(?:ise|ize|sh|ch|x|ss|zz))e?s\b", r"I \1", s)  # "I rise", "I push", "I fix"
    s = re.sub(rf"\b(I{_ADVERBS})\s+"
               r"(?!(?:perhaps|always|was|has|is|does|as|thus|its|this|plus|yes|bus|gas)\b)([a-z]{2,}[^s\W]s)\b",
               lambda m: f"{m.group(1)} {m.group(2)[:-1]}", s)
    s = re.sub(r"\bI am\b", "I'm", s)
    return s


_GENERIC_ORG = ("company", "firm", "business", "organisation", "organization", "shop", "practice", "agency",
                "studio", "store", "group")
_ORG_KINDS = frozenset({
    "bank", "resort", "district", "university", "college", "school", "hospital", "clinic", "hotel", "brewery",
    "pharmacy", "foundation", "institute", "center", "centre", "library", "museum", "union", "cooperative",
    "co-op", "dealership", "restaurant", "bakery", "farm", "winery", "academy", "charity", "trust",
    "authority",
})
"""The last word of a company's name that a manager uses alone for it ("the bank", "the district"); a name
ending in a commodity ("Kessler Cold Freight") is not shortened to it ("the freight was late")."""
_THEY = re.compile(r"\b(?:they're|they've|they'll|they'd|theirs|their|them|they)\b", re.IGNORECASE)
_WE = {"they": "we", "them": "us", "their": "our", "theirs": "ours", "they're": "we're", "they've": "we've",
       "they'll": "we'll", "they'd": "we'd"}
_ORG_VERB = {"is": "are", "was": "were", "has": "have", "does": "do", "doesn't": "don't", "hasn't": "haven't",
             "isn't": "aren't", "wasn't": "weren't"}


def _we(m: re.Match[str]) -> str:
    word = _WE[m.group(0).lower()]
    return word.capitalize() if m.group(0)[0].isupper() else word


def said_aloud(name: str) -> str:
    """A company or product name without the author's note in brackets ("Northline Logistics (85 trucks)",
    "GlycoPure fluids (Arctic Chem Supply)"): nobody says the brackets."""
    return re.sub(r"\s*\(.*?\)\s*", " ", name).strip() or name


def _org_refs(scenario: Scenario, text: str = "") -> list[str]:
    """How a manager names the buyer's own organisation: its name, "the company", "the <kind>" (the last
    one or two words of its name: "the food bank", "the district"), "the <kind> firm" as ``text`` says it."""
    name = said_aloud(scenario.buyer.company)
    words = name.split()
    refs = [name] if name else []
    refs += [f"the {w}" for w in _GENERIC_ORG]
    kind = re.finditer(r"\b[A-Za-z]+\s+(?:company|firm|business)\b", text)
    refs += [f"the {m.group(0).lower()}" for m in kind]
    if len(words) >= 2:
        refs.append("the " + " ".join(words[-2:]).lower())
    if words and words[-1].lower() in _ORG_KINDS:
        refs.append("the " + words[-1].lower())
    if len(words) >= 2 and words[0][:1].isupper() and words[0].lower() != "the":
        refs.append(words[0])  # "Voss's load factors" for Voss Coach Tours
    return sorted(set(refs), key=len, reverse=True)


_PLURAL = {**_FIRST_PERSON, **_ORG_VERB}
"""A verb as "we" says it ("expects" -> "expect", "is" -> "are")."""


def _verb_after_we(m: re.Match[str]) -> str:
    """The organisation's second verb, now that it is "we": a known verb, or any "-s" verb before "to"."""
    word = m.group(2)
    if word in _PLURAL:
        word = _PLURAL[word]
    elif m.group(3) and word.endswith("s") and not word.endswith("ss"):
        word = word[:-3] + "y" if word.endswith("ies") else word[:-2] if word.endswith(("shes", "ches")) \
            else word[:-1]
    return m.group(1) + word


def _our(s: str, scenario: Scenario) -> str:
    """"the food bank's spending" -> "our spending" ("Our" opening the text)."""
    for ref in _org_refs(scenario, s):
        s = re.sub(rf"\b{re.escape(ref)}'s\b", lambda m: "Our" if m.group(0)[0].isupper() and m.start() == 0
                   else "our", s, flags=re.IGNORECASE)
    return s


def _org_to_we(s: str, scenario: Scenario) -> str:
    """The buyer speaks for their organisation: "the food bank's spending" -> "our spending", "the firm
    was burned" -> "we were burned", "for the district" -> "for us", and "they"/"their"/"them" in a sentence
    that names no other group of people -> "we"/"our"/"us"."""
    s = _our(s, scenario)
    for ref in _org_refs(scenario, s):
        r = re.escape(ref)
        # not "to the business manager" -> "to us manager": the organisation's role is a person
        s = re.sub(rf"\b(for|to|with|from|at|on|about|by|cost|costs|left|gave|give)\s+{r}\b"
                   r"(?!\s+[a-z]+(?:er|or|ist|ant|ent|ian)s?\b)", r"\1 us", s, flags=re.IGNORECASE)
        s = re.sub(rf"(^|[.;:]\s+)?\b{r}\s+({'|'.join(_ORG_VERB)}|[a-z]+ed)\b",
                   lambda m: f"{m.group(1) or ''}{'we' if m.start() and m.group(1) is None else 'We'} "
                             f"{_ORG_VERB.get(m.group(2).lower(), m.group(2))}", s, flags=re.IGNORECASE)
    out = []
    seen = ""
    for piece in re.split(r"(?<=[.;])\s+", s):
        first = _THEY.search(piece)
        before = seen + " " + (piece[:first.start()] if first is not None else "")
        seen += " " + piece
        if first is not None and not PEOPLE.search(before):
            stop = PEOPLE.search(piece, first.end())
            end = stop.start() if stop else len(piece)

            piece = piece[:first.start()] + _THEY.sub(_we, piece[first.start():end]) + piece[end:]
        out.append(piece)
    s = " ".join(out)
    # Once the organisation is "we", so are its second verb and its "its": "we are in talks and expects to
    # close" -> "and expect to close", "we missed its plan" -> "we missed our plan".
    s = re.sub(r"(\b[Ww]e\b[^.;,]*?\band\s+)([a-z']+)\b(?=(\s+to\b)?)", _verb_after_we, s)
    return re.sub(r"(\b[Ww]e\s+[a-z]+\s+)its\b", r"\1our", s)


_DETERMINERS = frozenset({"the", "a", "an", "our", "their", "this", "that", "any"})


def _to_the_rep(s: str, scenario: Scenario) -> str:
    """The rep's own product said to the rep: "I prefer SlipSure" -> "I prefer yours", "SlipSure's price" ->
    "your price"; "the SlipSure pilot" (a determiner, or a noun after it) is left as it is."""
    name = said_aloud(scenario.product.name)
    if not name or name not in s:
        return s

    def said(m: re.Match[str]) -> str:
        before = s[:m.start()].split()[-1:]
        after = (T.words(s[m.end():]) or [""])[0]
        if before and before[0].lower() in _DETERMINERS:
            return m.group(0)  # "the Routewise pilot", "our Routewise trial"
        if m.group(1):
            return "your"
        named = after and not T.is_function_word(after) and not after.endswith(("s", "ed"))
        return m.group(0) if named else "yours"

    return re.sub(rf"\b{re.escape(name)}('s)?\b", said, s)


def first_person(text: str, scenario: Scenario) -> str:
    """The hidden concern as the buyer would say it.

    Pronouns are turned into the first person only when they clearly refer to the buyer (the
    buyer's gender can be told from the text and no other name sits between), so "she worries
    he'll read it as her not trusting him" keeps "he"/"him" for the chef. If the rewrite still
    reads wrong (``garbled``), the buyer says the concern as written, with only their own name
    turned into "I"/"my"/"me" (the line it goes into already introduces it: "The real reason? ...").
    """
    names = _names(scenario)
    raw = " ".join(text.split())
    if _speaks_as_i(raw):
        return raw  # written in the buyer's own voice: every "he", "she" and "they" in it is someone else
    s = _name_to_i(raw, names)
    gender = buyer_gender(raw, names)
    kept: list[str] = []
    if gender is not None:
        s, kept = mask_others(s, names, gender)
        subj, poss, _obj, refl = (("he", "his", "him", "himself") if gender == "he"
                                 else ("she", "her", "her", "herself"))
        cap = poss.capitalize()
        s = re.sub(rf"\b{cap}\b", "My", s)
        s = re.sub(rf"\b{subj}'s\b", "I'm", s, flags=re.IGNORECASE)  # "She's" too, before "She" -> "I"
        s = re.sub(rf"(^|[.;:]\s+|\band\s+|\bso\s+|\bbut\s+|,\s+)(?:{subj})\b", r"\1I", s)
        s = re.sub(rf"\b{subj.capitalize()}\b", "I", s)
        s = re.sub(rf"\b{subj}'s\b", "I'm", s)
        if gender == "she":
            s = re.sub(r"\bher(?=\s+(?:until|to|not|a|an|the|that|personally|in|on|at|for|with|from|of|and|"
                       r"or|"
                       r"but|into|about|over|last|next|this|than|as|because|if|when|again|too|now|back|up|out|"
                       r"off|far|much|more|less|so|enough)\b|[.,;]|$)", "me", s)
            s = re.sub(r"\bher(?=\s+\w)", "my", s)
        else:
            # "his team" -> "my team"; "not his to make", "the call is his." -> "mine"
            s = re.sub(r"\bhis\b(?=(\s+to\b|[.,;!?]|$)?)",
                       lambda m: "my" if m.group(1) is None else "mine", s)
            # "I feel he owes him": the object of a clause the buyer is the subject of is someone else
            s = re.sub(r"(\bI(?:\s+[a-z']+){1,3}?\s+)?\bhim\b",
                       lambda m: m.group(0) if m.group(1) else "me", s)
        s = re.sub(rf"\b{refl}\b", "myself", s)
        s = re.sub(rf"\b{subj}\b", "I", s)
        s = re.sub(r"\ue000(\d+)\ue001", lambda m: kept[int(m.group(1))], s)
    elif singular_they(s):
        s = they_to_i(s)
    s = _org_to_we(s, scenario)
    s = _to_the_rep(s, scenario)
    s = _conjugate(s)
    s = re.sub(r"\bme\s+(personally\s+)?accountable", r"me \1accountable", s)
    s = s[0].upper() + s[1:] if s else s
    if garbled(s, scenario):
        safe = _conjugate(_org_to_we(_name_to_i(raw, names), scenario))
        safe = safe[0].upper() + safe[1:] if safe else safe
        return safe if not garbled(safe, scenario) else raw.replace(scenario.buyer.name, "I")
    return s


def step_in_first_person(step: str, scenario: Scenario) -> str:
    """The scenario's next step as the buyer says it ("with Sofia and her VP" -> "with me and my VP")."""
    names = _names(scenario)
    s = " ".join(step.split()).rstrip(".")
    for name in present(names, s):
        s = re.sub(rf"\b{re.escape(name)}\s+and\s+(?:his|her)\b", "me and my", s)
        s = re.sub(rf"\b{re.escape(name)}'s\b", "my", s)
        s = re.sub(rf"\b{re.escape(name)}\s+signs\s+(?:himself|herself)\b", "I sign myself", s)
    s = _name_to_i(s, names)  # "where Hannah presents" -> "where I present" (conjugated below)
    s = _our(s, scenario)  # "Voss's own figures" -> "our own figures"
    gender = buyer_gender(" ".join(step.split()), names)
    if gender == "he":
        s = re.sub(r"\bhis\b", "my", s)
        s = re.sub(r"\bhe\s+can\b", "I can", s)
    elif gender == "she":
        s = re.sub(r"\bher(?=\s+\w)", "my", s)
        s = re.sub(r"\bshe\s+(?=\w)", "I ", s)
    s = _conjugate(s)
    s = _their_to_our(s)
    # "where I and Sal run" -> "where Sal and I run": a person names the other first
    words = s.split(" ")
    for k in range(len(words) - 2):
        if words[k] == "I" and words[k + 1] == "and" and words[k + 2][:1].isupper():
            end = k + 3 if k + 3 < len(words) and words[k + 3][:1].isupper() else k + 2  # "Sal Benedetto"
            name = " ".join(words[k + 2:end + 1])
            core = name.rstrip(",.;:!?")
            words[k:end + 1] = [core, "and", "I" + name[len(core):]]  # "I and Sal." -> "Sal and I."
    s = " ".join(words)
    return s[:1].lower() + s[1:] if s and not re.match(r"[A-Z]{2}", s) else s


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


def concern_told(scenario: Scenario, state: BuyerState) -> str:
    """What the buyer has said of the concern so far: the story, and the stake once it has been drawn out."""
    story, stake = concern_stages(scenario)
    return f"{story} {stake}" if stake and state.stake_told else story


def concern_stages(scenario: Scenario) -> tuple[str, str]:
    """The story the buyer tells when the concern comes out, and the stake kept for the next good question.

    A scenario's own ``concern_lines`` are a hint, the story and the stake (issue 13: the concern comes out
    in stages); with fewer lines everything after the hint comes out at once and the stake is empty; with
    only the manager's third-person text, its last sentence is the stake (``telling.staged``).
    """
    lines = list(scenario.buyer.concern_lines)
    if len(lines) >= 3:
        return lines[1], " ".join(lines[2:])
    if lines:
        return lines[-1], ""
    return staged(first_person(scenario.buyer.hidden_concern, scenario))
