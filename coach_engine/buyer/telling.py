"""How the buyer tells a hidden concern the author gave only as prose: in stages, as spoken words.

A scenario's ``concern_lines`` are the author's own hint, story and stake. Most managers write only the
third-person ``hidden_concern``; ``persona.first_person`` turns it into the buyer's voice. Told whole,
that is a paragraph recited on the first good question (issue 13: "the secret comes out at once"). Here
it comes out as a person tells it: the story on the question that earns it, the last piece (most often
what is at stake now) on the next one, and in spoken register ("did not" -> "didn't").

What is still the manager's wording is said in plainer words by ``retelling.py`` (figures aloud, "our
board", short sentences, a word varied where eight of the manager's would run on); a real paraphrase needs
a language model, which the offline voice does not have: the LLM voice paraphrases (``voice_prompt.py``),
and ``scenarios validate`` asks authors for ``concern_lines`` where the words matter.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, ConfigDict

from .. import text as T
from ..datafiles import load_package_model
from .her import PREPOSITIONS
from .notes import (
    analysis_notes,
    as_prose,
    equals_said,
    unbracketed,
    uncommented,
    unframed,
    unhedged,
    unlabelled,
)
from .pronouns import PEOPLE, PERSON
from .quotations import unquoted, untagged

__all__ = ["asides_to_the_rep", "casual_words", "names_people", "said_in_full", "spoken", "staged",
           "tells_past", "told_part", "unjoined", "unknown_to_them"]


class Spoken(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int
    contract: dict[str, str]
    """Word pairs contracted only before another word ("it is hard" -> "it's hard", "how it is" kept)."""
    negations: dict[str, str]
    """Negations contracted anywhere ("did not" -> "didn't")."""
    shorthand: dict[str, str]
    """A clipped manager's written tokens said in words ("w/o" -> "without", "~" -> "about")."""
    per: dict[str, str]
    """A unit after a slash ("starts/yr" -> "starts a year")."""
    after_figure: dict[str, str]
    """Units clipped after a number ("30 min" -> "30 minutes")."""
    unit_then: list[str]
    """Words after such a unit that are not what it measures ("30 min max", "2 yrs ago")."""
    casual: dict[str, str]
    """Casually typed words said as the words they stand for ("dont" -> "don't", "r" -> "are")."""
    candour: list[str]
    """Phrases that only say the buyer is being candid ("since you asked"): such a sentence is not told."""


@lru_cache(maxsize=1)
def _spoken() -> Spoken:
    return load_package_model("buyer/telling.yaml", Spoken)


def casual_words() -> dict[str, str]:
    """``telling.yaml``'s casual typing table (``casual.written_out``)."""
    return _spoken().casual


def shorthand_words() -> frozenset[str]:
    """Every word the buyer says in full (the clipped manager's and the casual typist's), in lower case."""
    table = _spoken()
    return frozenset(k.rstrip(".") for k in (*table.shorthand, *table.casual))


def _cased(said: str, like: str) -> str:
    """``said`` in the case of the word it replaces: capitalised, or an acronym kept ("IT is" -> "IT's")."""
    if len(like) > 1 and like.isupper() and said.lower().startswith(like.lower()):
        return like + said[len(like):]
    return said[:1].upper() + said[1:] if like[:1].isupper() else said


def _split(word: str) -> tuple[str, str]:
    """A word and the punctuation after it ("not;" -> "not", ";")."""
    core = word.rstrip(".,;:!?\"')")
    return core, word[len(core):]


def spoken(text: str) -> str:
    """``text`` with the contractions a person uses when they say it."""
    table = _spoken()
    words = text.split()
    out: list[str] = []
    i = 0
    while i < len(words):
        one, end = _split(words[i])
        if one.lower() in table.negations:
            out.append(_cased(table.negations[one.lower()], one) + end)
            i += 1
            continue
        if not end and i + 1 < len(words):
            two, tail = _split(words[i + 1])
            pair = f"{one} {two}".lower()
            said = table.negations.get(pair)
            # "how it is." keeps its verb whole, and so does "the CNO who signed it is my boss": after a
            # word ending in -ed the pronoun is most often that verb's object, not the subject of "is";
            # "it" after a preposition always is ("the loan for it is still paid"; "of who is" contracts)
            before = _split(words[i - 1])[0].lower() if i > 0 else ""
            after_verb = before.endswith("ed") or (before in PREPOSITIONS and one.lower() == "it")
            if not said and not tail and i + 2 < len(words) and not after_verb:
                nxt = f"{two} {_split(words[i + 2])[0]}".lower()
                if nxt not in table.negations:  # "I will not" -> "I won't", never "I'll not"
                    said = table.contract.get(pair)
            if said:
                out.append(_cased(said, one) + tail)
                i += 2
                continue
        out.append(words[i])
        i += 1
    return " ".join(out)


_LEADING = "(\"'"
_TRAILING = ".,;:!?)\"'"


def said_in_full(text: str) -> str:
    """``text`` with a clipped manager's shorthand in words: "Won't risk tier again w/o hard savings #s" ->
    "... without hard savings numbers", "~90K PIV starts/yr" -> "about 90K PIV starts a year", "30 min w/
    me" -> "30 minutes with me", "a 30 min call" or "a 30-min call" -> "a 30-minute call", "34%+" -> "over
    34%", "unit #8" -> "unit 8". Nobody says a slash, a tilde, a plus or a hash aloud."""
    table = _spoken()
    out: list[str] = []
    tokens = text.split()
    for at, token in enumerate(tokens):
        core = token.lstrip(_LEADING)
        lead = token[:len(token) - len(core)]
        bare = core.rstrip(_TRAILING)
        tail = core[len(bare):]
        said = table.shorthand.get(bare.lower() + ".") if tail[:1] == "." else None
        if said is not None:
            tail = tail[1:]  # "vs." said "versus", its period the abbreviation's
        else:
            said = table.shorthand.get(bare.lower())
            later = tokens[at + 1] if at + 1 < len(tokens) else ""
            if said is not None and tail[:1] == "." and later[:1].islower():
                tail = tail[1:]  # "Thurs. works": the abbreviation's period, not the sentence's
        if said is None and bare[:1] == "~" and len(bare) > 1:
            said = f"about {bare[1:]}"
        if said is None and len(bare) > 1 and bare.endswith("+") and bare[:1].isdigit():
            said = f"over {bare[:-1]}"  # "34%+" is "over 34%", "50+ stores" "over 50 stores"
        elif said is None and len(bare) > 1 and bare.endswith("+") and out and out[-1][-1:].isdigit():
            out[-1], said = f"over {out[-1]}", bare[:-1]  # "34 percent+" is "over 34 percent"
        if said is None and bare[:1] == "#" and bare[1:].isdigit():
            noun = bool(out) and out[-1].isalpha() and not T.is_function_word(out[-1].lower())
            said = bare[1:] if noun else f"number {bare[1:]}"  # "unit #8" is "unit 8", "#1" "number 1"
        if said is None and "/" in bare[1:]:
            head, _, unit = bare.rpartition("/")
            if head and not head.isdigit() and unit.lower() in table.per:
                said = f"{head} {table.per[unit.lower()]}"
        head, dash, unit = bare.partition("-")
        if said is None and dash and head.isdigit() and unit.lower() in table.after_figure:
            said = f"{head}-{table.after_figure[unit.lower()].removesuffix('s')}"  # "a 45-min call"
        if said is None and out and bare.lower() in table.after_figure and out[-1][-1:].isdigit():
            said = table.after_figure[bare.lower()]
            said = said.removesuffix("s") if out[-1] in ("1", "one") else said  # "1 hr" is "1 hour"
            nxt = tokens[at + 1] if at + 1 < len(tokens) and not tail else ""
            if nxt.isalpha() and nxt.islower() and nxt not in table.unit_then:
                out[-1], said = f"{out[-1]}-{said.removesuffix('s')}", ""  # "a 30-minute call"
        starts = not lead and (not out or out[-1][-1:] in ".!?") and not bare[:1].isalpha()
        if said is not None and (bare[:1].isupper() or starts):
            said = said[:1].upper() + said[1:]  # "~90K starts a year." opening a line: "About 90K ..."
        if said == "":
            continue
        out.append(f"{lead}{said}{tail}" if said is not None else token)
    return " ".join(out)


def staged(told: str) -> tuple[str, str]:
    """(story, stake): the concern's pieces but the last, and the last one (a sentence, or the clause after
    a semicolon or a dash), which a manager most often writes as what the buyer fears now. One sentence is
    cut where the buyer's own clause joins it (``_own_clauses``); one piece is all story; a short first
    piece ("My partner is my sister.") is a story too, as a person drops it. A concern of four pieces or
    more is told in halves: nobody recites a paragraph in one breath."""
    pieces = [T.as_sentence(spoken(_quote_closed(p))) for p in T.sentences(told, clauses=True)]
    if len(pieces) == 1:
        pieces = _own_clauses(pieces[0])
    if len(pieces) < 2:
        return " ".join(pieces) or told.strip(), ""  # no words to split (emoji, symbols): as written
    cut = len(pieces) - 1 if len(pieces) < 4 else _half(told, len(pieces))  # a long story is told in halves
    return " ".join(pieces[:cut]), " ".join([unjoined(pieces[cut]), *pieces[cut + 1:]])


def _half(told: str, n: int) -> int:
    """Where a long story of ``n`` pieces is cut in two: at the middle, moved to the nearest sentence's end
    so a clause after a dash stays with what it follows ("asked for temp logs — had nothing" is one
    thought, not a story and a stake)."""
    starts, k = [], 0
    for sentence in T.sentences(told):
        starts.append(k)
        k += max(1, len(T.sentences(sentence, clauses=True)))
    middle = (n + 1) // 2
    inside = [i for i in starts if 0 < i < n]
    return min(inside, key=lambda i: (abs(i - middle), -i)) if k == n and inside else middle


def _quote_closed(piece: str) -> str:
    """A sentence that ends inside a quotation with its closing mark, which splitting the text into
    sentences leaves behind ('... said, "We're vets, not an app company.' -> '... company."')."""
    if piece.count('"') % 2:
        return piece + '"'
    return piece + "\u201d" if piece.count("\u201c") > piece.count("\u201d") else piece


_JOINED = frozenset({"and", "but", "so", "yet"})
_SPEAKER = frozenset({"i", "i'm", "i've", "i'd", "i'll", "we", "we're", "we've", "we'd", "we'll"})


def _own_clauses(sentence: str) -> list[str]:
    """One sentence as the story and the buyer's own stake in it, where a clause of the buyer's joins the
    story ("..., and I don't want to walk in empty-handed again"): said a turn later, on its own, as a
    person adds what it means to them. A sentence with no such clause stays whole."""
    at = 0
    while (at := sentence.find(", ", at) + 2) > 1:
        said = sentence[at:].split()[:2]
        if len(said) == 2 and said[0].lower() in _JOINED and said[1].lower().rstrip(",") in _SPEAKER:
            return [T.as_sentence(sentence[:at - 2]), sentence[at:]]
    return [sentence]


_JOINERS = ("the other thing is that ", "the other thing is ", "on top of that, ", "on top of that ",
            "but then ", "and so ", "also, ", "plus, ", "but ", "and ", "yet ", "so ")
"""Words that join a sentence to the one before, longest first: after the stake's own lead-in ("And here's
what it means for me.") a second joiner would stack ("... for me. The other thing is that ...")."""


def unjoined(piece: str) -> str:
    """The stake said on its own, a turn after the story: without the "But"/"And" that joined it to the
    sentence before ("But two weeks ago ..." -> "Two weeks ago ..."), as a sentence."""
    low = piece.lower()
    for joiner in _JOINERS:
        if low.startswith(joiner) and len(piece) > len(joiner):
            return T.as_sentence(piece[len(joiner):])
    return T.as_sentence(piece)


_PAST = frozenset({"ago", "last", "previous", "previously", "once", "former", "earlier"})


def tells_past(concern: str) -> bool:
    """Whether the concern tells of something that happened ("two years ago", "last spring", "in 2022"): a
    hint may then say "there's history here"; otherwise that would be a backstory made up on the spot."""
    words = T.words(concern)
    return any(w in _PAST for w in words) or any(len(w) == 4 and w.isdigit() and w[:2] in ("19", "20")
                                                 for w in words)


def names_people(concern: str) -> bool:
    """Whether the concern involves other people (a named person acting, a boss, a board, the staff): a hint
    may then call it "the people side" or "political"."""
    return bool(PEOPLE.search(concern) or PERSON.search(concern))


_LABELS = frozenset({"note", "notes", "context", "background", "tip", "fyi", "hint", "coaching", "trainer"})
"""A label's last word ("Coach's note:", "Background:") that tells the reader, not the buyer, what follows."""
_THE_REP = frozenset({"rep", "reps", "rep's", "salesperson", "seller", "sellers"})
_ADVICE = frozenset({"should", "must", "need", "needs", "ought"})
_SOMEONES = frozenset({"our", "my", "his", "her", "their", "last", "previous", "former", "old", "new",
                       "other"})
"""Words that make a rep someone in the buyer's story ("our last rep has left"), not reps in general."""


_STAGE = frozenset({"don't", "never", "only", "wait", "avoid", "reveal", "mention", "share", "hold", "keep"})
"""How a stage direction to whoever plays the buyer opens ("Don't bring this up unless ...", "Only reveal
...")."""
_TELLING = frozenset({"reveal", "reveals", "mention", "bring", "share", "admit", "tell", "give", "disclose",
                      "volunteer", "raise"})
"""What a stage direction is about: when to tell the secret."""


def _stage_direction(said: list[str]) -> bool:
    """An instruction to the player about telling: "Don't bring this up unless the rep asks", "Only reveal
    it if ...", "Do not volunteer this", or a role-play prompt's "They will only reveal this if the rep asks
    ..." (telling, and the rep of the drill, not a rep in the buyer's story)."""
    opens = said[:2] == ["do", "not"] or (bool(said) and said[0] in _STAGE)
    return bool(set(said) & _TELLING) and (opens or _the_drills_rep(said))


def _the_drills_rep(said: list[str]) -> bool:
    """Whether ``said`` names the rep of the drill ("if the rep asks"), not one in the buyer's story ("our
    last rep")."""
    reps = [k for k, w in enumerate(said) if w in _THE_REP]
    return bool(reps) and not any(k and said[k - 1] in _SOMEONES for k in reps)


_HOLDS = frozenset({"not", "never", "won't", "wouldn't", "doesn't", "don't", "isn't", "only", "rarely",
                    "hardly"})
_SAYS = frozenset({"say", "says", "tell", "tells", "admit", "admits", "mention", "mentions", "reveal",
                   "reveals", "share", "shares", "volunteer", "volunteers", "disclose", "discloses", "let"})
_SAID_WHAT = frozenset({"so", "this", "it", "that", "on", "right", "at", "up", "upfront", "straight",
                        "unless", "until", "if", "openly", "directly"})
"""After a telling verb, what makes it about the telling itself ("won't say so right off", "won't admit
it", "won't let on"), not a story of what someone said ("never told the board the cost")."""
_CLAUSE_JOINS = (", but ", ", and ", "; ")


def _withheld(clause: str) -> bool:
    """A manager's note on how the buyer tells it: a person first ("she", "Bev"), held back ("won't", "only")
    and a telling verb about the telling itself ("She won't say so right off")."""
    said = T.words(clause)
    verb = next((k for k, w in enumerate(said) if w in _SAYS), -1)
    if len(said) > 9 or verb < 1 or not set(said[:verb]) & _HOLDS:
        return False
    subject = said[0] in _SUBJECTS or (clause.lstrip()[:1].isupper() and not T.is_function_word(said[0]))
    return subject and (verb + 1 == len(said) or said[verb + 1] in _SAID_WHAT)


_SUBJECTS = frozenset({"he", "she", "they"})
_ANYONE = frozenset({
    "a", "an", "the", "to", "anyone", "anybody", "stranger", "strangers", "vendor", "vendors", "salesperson",
    "salespeople", "seller", "sellers", "people", "you", "on", "over", "phone", "just", "first", "easily",
    "freely", "readily", "lightly", "outright", "unprompted", "right", "away", "off", "it", "this", "so",
    "up", "upfront", "cold", "caller", "with"})
"""After a telling verb in a note on telling, who it is kept from: anyone ("a stranger on the phone")."""
_SECRET = frozenset({"secret", "secrets"})
_NOTE_WORDS = 16


def _keeps_back(said: list[str]) -> bool:
    """A whole sentence that only says the buyer keeps something back ("Ray has a secret he won't tell a
    stranger on the phone.", "So here's the thing Gloria won't just volunteer."): held back, a telling verb,
    and after it nobody in particular and nothing told. Said aloud, the buyer announces a secret and then
    tells it; "He never told the board the cost" is a story and stays."""
    verb = next((k for k, w in enumerate(said) if w in _SAYS), -1)
    if verb < 1 or len(said) > _NOTE_WORDS or not set(said[:verb]) & (_HOLDS | _SECRET):
        return False
    return all(w in _ANYONE for w in said[verb + 1:])


_KNOWS = frozenset({"know", "knows", "realise", "realises", "realize", "realizes"})
_NOT = frozenset({"doesn't", "don't", "didn't", "isn't", "hasn't", "not", "never"})
_ASKS = frozenset({"whether", "if", "how", "who", "when", "why", "what", "where", "which"})


def unknown_to_them(said: list[str]) -> bool:
    """What the author knows and the buyer does not ("What she doesn't know is that she could pay for it
    from the sub line.", "He doesn't realise that ..."): the buyer cannot say it, and saying "what I don't
    know is that I could ..." hands the rep the answer. Their own doubt ("what she doesn't know is whether
    the board will fund it", "I don't know if ...") is theirs to say."""
    k = next((i for i, w in enumerate(said) if w in _KNOWS), -1)
    if k < 1 or not set(said[max(0, k - 3):k]) & _NOT or set(said[:k]) & {"i", "we"}:
        return False
    rest = [w for w in said[k + 1:] if w != "yet"]
    if said[0] == "what":
        return len(rest) > 1 and rest[0] in ("is", "was") and rest[1] not in _ASKS
    return bool(rest) and (rest[0] == "that" or said[k].startswith("reali"))


def _withheld_clause(sentence: str) -> str:
    """A sentence's leading clause that is a note on telling ("She won't say so right off, but ..."),
    with the word that joins it to the rest; "" when there is none."""
    for join in _CLAUSE_JOINS:
        head, sep, rest = sentence.partition(join)
        if sep and rest and _withheld(head):
            return head + join.rstrip()
    return ""


_AUTHOR = frozenset({"i", "i'm", "i've", "i'd", "i'll", "me", "my", "myself"})


def asides_to_the_rep(concern: str, account: bool = False) -> list[str]:
    """The concern's sentences that speak to whoever plays or coaches the call, not of the buyer's world:
    a label ("Coach's note:"), advice for reps ("Reps who find this out should help her ...") and stage
    directions to the player ("Don't bring this up unless the rep asks"), and a leading clause that notes how
    the buyer tells it ("She won't say so right off, but ..."). In a manager's ``account`` of the
    buyer (it names them), a sentence where the manager says "I" or "me" outside a quotation ("which she only
    told me over a drink") is the manager's too. A buyer never says them; ``scenarios validate`` names
    them. So are a manager's notes on what something is to them ("price = cover story",
    ``notes.analysis_notes``)."""
    out = analysis_notes(concern)
    head, sep, _rest = concern.partition(": ")
    label = T.words(head) if sep and len(head.split()) <= 3 else []
    if label and label[-1] in _LABELS:
        out.append(head + ":")
    for piece in T.sentences(concern):
        said = T.words(piece)
        advice = set(said) & _ADVICE and _the_drills_rep(said)
        noted = (_keeps_back(said) and not T.NUMBER.search(piece)) or unknown_to_them(said)
        if advice or noted or _stage_direction(said) or (account and _AUTHOR & set(T.words(unquoted(piece)))):
            out.append(piece)
        elif clause := _withheld_clause(piece):
            out.append(clause)
    return out


_LONE_MARKS = frozenset({'"', "\u201c", "\u201d", "'", "\u2018", "\u2019"})


_OPEN_QUOTES, _CLOSE_QUOTES = frozenset('"\u201c'), frozenset('"\u201d')


def _monologue(concern: str) -> str:
    """A concern written wholly as the buyer's quoted words, without the marks around it (nobody says
    them), and without a sentence that only says they are being candid ("I'll be straight with you, since
    you asked."): the voice's reveal says that already (``telling.yaml``, ``candour``)."""
    text = concern.strip()
    inner = text[1:-1]
    if len(text) < 3 or text[0] not in _OPEN_QUOTES or text[-1] not in _CLOSE_QUOTES or (
            (_OPEN_QUOTES | _CLOSE_QUOTES) & set(inner)):
        return concern
    frames = [T.words(p) for p in _spoken().candour]
    kept = []
    for piece in T.sentences(inner):
        said = T.words(piece)
        framed = [False] * len(said)
        for frame in frames:
            for k in range(len(said) - len(frame) + 1):
                if said[k:k + len(frame)] == frame:
                    framed[k:k + len(frame)] = [True] * len(frame)
        if not all(f or T.is_function_word(w) for f, w in zip(framed, said, strict=True)):
            kept.append(piece)
    return " ".join(kept) or inner


def told_part(concern: str, account: bool = False) -> str:
    """The concern as the buyer may tell it: notes said as sentences (``notes``), without the asides to the
    rep (``asides_to_the_rep``) or a manager's framing head ("What's really going on is that ..."); a
    concern written as the buyer's quoted monologue is told without its marks (``_monologue``)."""
    text = " ".join(as_prose(unlabelled(_monologue(concern))).split())
    for aside in asides_to_the_rep(text, account):
        text = text.replace(aside, " ", 1)
    # a quotation closing an aside is left behind as a lone mark (a sentence ends before its closing quote);
    # the buyer's own quoted words lose the tag that says whose they are (after the asides are read, so they
    # are not taken for an author's "I")
    told = unbracketed(untagged(" ".join(w for w in text.split() if w not in _LONE_MARKS)))
    for piece in T.sentences(told):
        said = unframed(unhedged(uncommented(equals_said(piece))))
        if said != piece:
            told = told.replace(piece, said, 1)
    return told or " ".join(concern.split())
