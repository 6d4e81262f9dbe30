"""What the buyer takes from the rep beyond a turn's behaviour set: conduct over the call, readings of a turn.

Detectors say which behaviours a turn shows; a buyer also remembers how the rep
has behaved so far (pressed, argued, ran a competitor down, cut the price,
wasted their time) and hears what a turn really does (a "How's 3 pm?" asks
nothing about them; a cited customer or figure is worth picking up). The
director keeps a ``RepConduct`` per call and reads each turn with these helpers;
item matching and the choice of situation read the same record, so it lives
apart from all three.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..figures import rounds
from ..models import Scenario
from ..signals import NEGATIVE, Behaviour, Signal, SignalSet

__all__ = ["RepConduct", "checks_reading", "day_named", "day_of", "exploring", "first_quote", "offences",
           "offers_to_send", "proposed_step", "rep_words", "signs_off"]

B = Behaviour


@dataclass
class RepConduct:
    """What the rep has done so far in the call that the buyer holds on to."""

    pitched: bool = False
    argued: bool = False
    disparaged: bool = False
    offended: bool = False
    """The rep pressured, argued, disparaged, dismissed or gamed, and has not made up for it since
    (``DirectorRules.forgive_after``): the buyer may walk."""
    clean_turns: int = 0
    """Turns in a row, since the last offence, with no offence and no discount read."""
    discounted: bool = False
    last_offer: str = ""
    wasted: int = 0
    """Turns that talked at the buyer, pitched before hearing them or went off topic (wasted time)."""
    step_proposed: bool = False
    proposal: str = ""
    """The rep's last proposal (``proposed_step``), for a later question that only names its day again."""


_NOT_EXPLORING = re.compile(
    r"^\W*(and\s+|so\s+|but\s+|then\s+)?(what\s+if\s+(i|we)|how\s+about|could\s+we|can\s+we|shall\s+we|"
    r"would\s+you\s+(like|be\s+open|want)|how'?s\s+(\d|this|next|tomorrow|today|\w+day)|how\s+does\s+\d|"
    r"what\s+time|when\s+can\s+(we|i)|why\s+(not|wait|don'?t\s+we))\b",
    re.IGNORECASE,
)
"""Questions that propose or close rather than explore ("How about ...", "What if I took ...")."""
_NAME = re.compile(r"(?<![.!?]\s)(?<!-)\b[A-Z][a-z]+(?:-[A-Z][a-z]+)*(?:\s+(?:&\s+)?[A-Z][a-z]+){0,2}\b")
"""A name in mid-sentence ("... Hartley Freight saved ...", "Tri-County Harvest"): the customer a rep cites
as proof."""


def exploring(signals: SignalSet, helpful: set[Behaviour], situational: str = "",
              objection: frozenset[str] = frozenset()) -> set[Behaviour]:
    """The exploring behaviours of a turn, counting only questions that really ask about the buyer.

    A scheduling or closing question ("How's 3 pm?"), a concession put as a question ("What if I
    shaved 10% off?") or a check that an answer landed ("Does that help?") is not exploring,
    so it never draws the hidden concern out of a pushy or discounting rep. Nor does a general question the
    buyer's facts answer (``situational``): only one read as exploring the concern itself counts. A question
    for a figure ("How many services did you run last year?") is about the buyer's world, answered or not,
    unless it asks what the problem costs them (an impact question): a buyer does not tell what really
    worries them because a rep asked for their volumes. A question about the objection's own figure
    (``objection``: ``figures.figure_keys`` of the opening, as in "What are you comparing the 14% against?")
    asks what is behind the objection, not for a figure.
    """
    from .. import text as T
    from ..figures import figure_keys
    from .facts import asks_figure

    when = T.structure().time
    bad = {
        s.quote
        for s in signals.signals
        if s.behaviour in NEGATIVE
        or s.behaviour in (B.CONFIRM, B.NEXT_STEP, B.CHECK_OTHER_CONCERNS, B.LOGISTICS_QUESTION)
    }
    figures = {s.quote for s in signals.signals
               if asks_figure(s.quote) and not figure_keys(s.quote) & objection}
    bad |= figures - {s.quote for s in signals.signals if s.behaviour is B.IMPACT_QUESTION}
    out: set[Behaviour] = set()
    for s in signals.signals:
        if s.behaviour not in (B.EXPLORE_CONCERN, B.OPEN_QUESTION) or s.behaviour not in helpful:
            continue
        if s.quote in bad or _NOT_EXPLORING.search(s.quote):
            continue
        in_fact_question = situational and (s.quote in situational or situational in s.quote)
        if in_fact_question and s.behaviour is B.OPEN_QUESTION:
            continue  # a general question a fact answers; one read as exploring the concern still counts
        short = len(s.quote.split()) <= 6
        if when.search(s.quote) and short and len(T.content_words(when.sub(" ", s.quote))) < 3:
            # "How's 3 pm?", "Does Thursday at 3 work?": about the time itself. A longer question with a date
            # is read for what it asks, and so is a short one with more to it ("What happens if March goes
            # badly?")
            continue
        out.add(s.behaviour)
    return out


def rep_words(scenario: Scenario, signals: SignalSet, helpful: set[Behaviour]) -> dict[str, str]:
    """What the rep said that a buyer would pick up on: the figure they put on value, the customer they
    named as proof (issue 13: lines refer to the rep's own words)."""
    out: dict[str, str] = {}
    if B.QUANTIFY_VALUE in helpful:
        # The rep's own figure, not a customer's result from the proof points ("Alder cut $85k"): a buyer
        # holds the rep to a promise, and asks the customer about theirs (``rep_customer``)
        # (nor a figure the buyer gave: "$2,400 a month" is their price)
        b = scenario.buyer
        results = " ".join([*scenario.product.proof_points, b.opening, b.hidden_concern, scenario.context,
                            *b.facts.values(), *b.concern_lines])
        said = [_figures(s.quote) for s in signals.get(B.QUANTIFY_VALUE)]
        amounts = [a for figures in said for a in figures if a not in results and not rounds(a, results)]
        proof = {s.quote for s in signals.get(B.GIVE_PROOF)}
        claimed = [_figures(s.quote) for s in signals.get(B.QUANTIFY_VALUE) if s.quote not in proof]
        # The product's own figure where the rep cites one ("$4,000 to $8,000 a month ..., and the lease is
        # $2,150": the gain, not the cost beside it)
        points = " ".join(scenario.product.value_points)
        if amounts:
            out["rep_figure"] = next((a for a in amounts if a in points), amounts[-1])
            # held to it only where it was the one figure the rep claimed: "$4,400 a month, so the $3,500 gap
            # ..." promises the first; the gap is the rep's arithmetic, and a sentence of proof ("they went
            # from 84 to 71 percent") is another customer's result, not a promise
            if any(f == [out["rep_figure"]] for f in claimed):
                out["rep_promise"] = out["rep_figure"]
    if B.GIVE_PROOF in helpful:
        known = {*scenario.buyer.name.split(), scenario.product.name, *scenario.buyer.company.split(),
                 *_buyers_own_names(scenario)}
        for sig in signals.get(B.GIVE_PROOF):
            # A name is the buyer's own by its first word, not by a word any two names share: "Riverbend
            # Animal Hospital" is a customer beside the buyer's "Maple Street Veterinary Hospital".
            quote = _lowered_opener(sig.quote)
            names = [m for m in _NAME.finditer(quote)
                     if _a_customer(m) and m.group(0).split()[0] not in known]
            if names:
                name, before = names[0].group(0), quote[:names[0].start()].split()[-1:]
                # "the Nguyens on Banksia St", "the Wexford Inn": a family or a place of business, with its
                # article ("If the Nguyens really ..."); "the Okafor family farm" is named "Okafor"
                whole = " " in name or name.endswith("s")
                out["rep_customer"] = ("the " if before == ["the"] and whole else "") + name
                break
    return out


def _lowered_opener(quote: str) -> str:
    """The quote with an opening function word lowered ("At Riverbend Animal Hospital, ..."), so the name
    after it is read whole rather than cut off behind the capital of "At"."""
    from ..text import first_word, is_function_word

    return quote[:1].lower() + quote[1:] if is_function_word(first_word(quote)) else quote


def _buyers_own_names(scenario: Scenario) -> set[str]:
    """Capitalised words of the buyer's side of the scenario (context, opening, concern, facts): their
    supplier, their competitor, their colleagues. Named in a rep's proof sentence ("... they kept Harbor for
    dry goods"), such a name is never the customer the rep cites."""
    b = scenario.buyer
    texts = [scenario.context, b.opening, b.hidden_concern, *b.facts.keys(), *b.facts.values()]
    return {m.group(0).split()[0] for t in texts for m in _NAME.finditer(t)}


def _figures(quote: str) -> list[str]:
    """The amounts a rep said, a range whole ("$30-60k", "40-60%", never "$30" or "60%" of it), without the
    sentence's punctuation."""
    from ..text import AMOUNT

    out = []
    for m in AMOUNT.finditer(quote):
        a, b = m.start(), m.end()
        while a > 1 and quote[a - 1] in "-–" and quote[a - 2].isdigit():  # "40-" before "60%"
            a -= 2
            while a > 0 and (quote[a - 1].isdigit() or quote[a - 1] in "$£€.,"):
                a -= 1
        if b < len(quote) - 1 and quote[b] in "-–" and quote[b + 1].isdigit():  # "$30" before "-60k"
            b = quote.find(" ", b) if " " in quote[b:] else len(quote)
        before = quote[:a].split()
        if len(before) >= 2 and before[-1] in ("to", "or") and before[-2].strip("$£€").replace(
                ",", "").replace(".", "").isdigit():  # "10 to 15 percent", never "15 percent" of it
            a = quote.rfind(before[-2], 0, a)
        out.append(quote[a:b].strip(" ,.;"))
    # a change said as "from $61k to $38k" is one figure: its two ends, never the old one alone
    for i in range(len(out) - 1, 0, -1):
        if f"{out[i - 1]} to {out[i]}" in quote:
            out[i - 1:i + 1] = [f"{out[i - 1]} to {out[i]}"]
    return out


def _a_customer(m: re.Match[str]) -> bool:
    """A capitalised name mid-sentence, or one of two words or more opening it ("Kaveri Fabrics, here in
    Tiruppur, ..." names the customer, not the place); never a time ("Last March"), "The ..." or a place
    said after "on" or "in"."""
    from ..text import is_function_word, structure

    name = m.group(0)
    opens = m.start() == 0
    if m.string[:m.start()].split()[-1:] in (["on"], ["in"], ["near"], ["along"], ["off"]):
        return False  # "on Banksia St", "in Otley": where the customer is, not who
    return (not opens or (" " in name and not is_function_word(name.split()[0].lower()))) and not (
        structure().time.search(name))


def first_quote(signals: SignalSet, b: Behaviour) -> str:
    """The rep's words behind the first signal of ``b`` in the turn ("" when it has none)."""
    found: list[Signal] = signals.get(b)
    return found[0].quote if found else ""


def day_named(signals: SignalSet) -> str:
    """The turn's last question that names a day ("So next Tuesday for the install?"): once a step is on the
    table, that asks to fix its day, however the sentence is read. A statement's time is not it (a customer's
    result "in the first year")."""
    from .. import text as T
    from .steps import step_times

    asked = [x for x in T.sentences(signals.text) if x.rstrip().endswith("?")]
    return next((x for x in reversed(asked) if step_times(x)), "")


def day_of(asked: str, proposal: str) -> str:
    """The step a question naming a day agrees to: the proposal already made when it names that day too
    ("15 minutes Thursday at 10?" ... "anything that'd stop Thursday happening?" is Thursday at 10), else
    the question itself."""
    from .steps import step_times

    days = {m.group(0).lower() for m in step_times(asked)}
    return proposal if proposal and days and all(d in proposal.lower() for d in days) else asked


def proposed_step(signals: SignalSet) -> str:
    """The rep's proposal: the first sentence read as a next step, with the time the rep gave for it later in
    the turn when that sentence names none ("Fifteen minutes with Earl, then thirty with you. Does Tuesday
    at 7:30 work?"); a deadline is no such time ("... meet before December 15. Can we put Tuesday the 9th
    at 10am on the calendar?")."""
    from .. import text as T
    from .steps import step_times

    quote = first_quote(signals, B.NEXT_STEP)
    if not quote or step_times(quote):
        return quote
    after = signals.text[signals.text.find(quote) + len(quote):]
    told = {s.quote for s in signals.get(B.GIVE_PROOF)}  # a customer's story has its own dates
    timed = next((x for x in T.sentences(after) if step_times(x) and x not in told), "")
    return f"{quote} {timed}".strip()


def offences(signals: SignalSet, present: set[Behaviour]) -> set[Behaviour]:
    """The turn's offences a buyer may walk away over, less the deadline of a price offer.

    "Sign before October and the first three months are free" presses, but what a buyer hears is an offer
    with a date on it: they pocket it and stall, as they do with any early discount (issue 13), rather than
    hang up. Pressure counts as an offence only where some sentence presses without offering anything.
    """
    out = set(present)
    if B.PRESSURE in out:
        offers = {s.quote for s in signals.signals if s.behaviour is B.DISCOUNT}
        pushes = {s.quote for s in signals.signals if s.behaviour is B.PRESSURE}
        if offers and pushes <= offers:
            out.discard(B.PRESSURE)
    return out


def signs_off(signals: SignalSet, helpful: set[Behaviour], negatives: set[Behaviour],
              leave_takings: Sequence[str] = ()) -> bool:
    """The rep closes the call and asks or offers nothing ("Alright, I'll follow up next quarter then."), or
    only offers to send something (``offers_to_send``): a buyer says goodbye rather than restate the objection
    to someone who is leaving. A question counts only when it is itself the leave-taking ("Maybe I'll check
    back in after summer?"). ``leave_takings``: more ways of leaving, as plain phrases (``rules.yaml``)."""
    from .. import text as T

    pattern = T.structure().sign_off

    def leaves(text: str) -> bool:
        return bool(pattern.search(text)) or any(T.has_phrase(text, p, re.IGNORECASE) for p in leave_takings)

    questions = [s for s in T.sentences(signals.text) if "?" in s]
    leaving = leaves(signals.text) or (not questions and offers_to_send(signals.text))
    return (helpful <= {B.ACKNOWLEDGE, B.SUMMARIZE, B.CLOSED_QUESTION} and negatives <= {B.PASSIVE}
            and leaving and all(leaves(q) for q in questions))


_WILL = frozenset({"i'll", "we'll", "i'm", "i", "we", "me", "let"})
_SENDING = frozenset({"send", "email", "e-mail", "forward", "mail", "drop", "shoot", "pop"})


def offers_to_send(text: str) -> bool:
    """The rep offers to send something ("I'll email you a brochure tonight.", "Let me send over the deck."):
    with nothing asked, the rep taking the brush-off and leaving."""
    from .. import text as T

    said = T.words(text)
    return any(w in _SENDING and set(said[max(0, k - 3):k]) & _WILL for k, w in enumerate(said))


def checks_reading(signals: SignalSet, helpful: set[Behaviour], negatives: set[Behaviour]) -> bool:
    """The rep ends by checking what they said back ("..., is that fair?", "Have I got that right?"): a short
    yes/no question about "that" after statements, in a turn that proposes, pushes and offers nothing (so
    "Does that work for you?" after a proposal, or "Deal?" after a discount, is not one)."""
    from .. import text as T

    sents = T.sentences(signals.text)
    if len(sents) < 2 or negatives - {B.PASSIVE} or B.NEXT_STEP in helpful:
        return False
    last = sents[-1]
    said = T.words(last)
    return (T.is_question(last) and T.question_form(last) == "closed" and len(said) <= 7
            and bool({"that", "it", "this"} & set(said)) and any(not T.is_question(x) for x in sents[:-1]))
