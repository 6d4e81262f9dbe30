"""When a rep turn meets one of the scenario's resolution items, and when it names the hidden concern.

The buyer agrees only once every item is met, so this is where a rep earns the
close: each item kind (explore, uncover, tie a number, proof, next step,
involve someone, ...) asks for its behaviour in the turn, a clean turn (no
pressure, arguing, dismissing or running down) and, for most, the concern out
on the table. Where the behaviour alone is too easy to fake, the turn must also
be *about* the item: its quotes are compared by meaning (the shared embedder;
the sentences are cached from the detectors, so this costs no model call) with
the item, the hidden concern or the scenario's next step. The director owns the
state; this only answers yes or no for one item and one turn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .. import text as T
from ..embeddings import is_semantic
from ..models import Scenario
from ..signals import POSITIVE, Behaviour, SignalSet
from .conduct import RepConduct
from .pronouns import PEOPLE
from .rules import DirectorRules
from .state import BuyerState, ResolutionItem
from .substance import fragment_spans, specific

if TYPE_CHECKING:
    from ..embeddings import Embedder

__all__ = ["ItemMatcher", "item_content", "narrowed", "person_named", "role_named"]

B = Behaviour
_BACK = frozenset({"that", "it", "then", "this", "there"})
"""Words a question points back with: without content of its own, it asks about what was just said."""
_ONE = frozenset({"one", "single"})
_NOT_A_SCOPE = frozenset({"thing", "things", "question", "second", "sec", "moment", "minute"})
"""Words after "one" that do not narrow what is tried ("one thing", "one second")."""
_NOT_BEFORE_A_NAME = frozenset({"of", "the", "a", "an", "from"})
"""Words before a capitalised word that make it a department or a firm ("VP of Operations", "from Acme")."""


def person_named(item: str, scenario: Scenario) -> str:
    """The one person an item names by a single first name ("Bring Curtis into it somehow", "Gets Shane, the
    head driver, in on it"), not the buyer, their firm or the product; "" when it names no one that way (a
    title such as "the Continuing Airworthiness Manager" is not a name to call someone by)."""
    named = " ".join((scenario.buyer.name, scenario.buyer.company, scenario.product.name))
    own = {w.strip("\"'()“”") for w in named.split()}
    tokens = item.split()
    for i, raw in enumerate(tokens[1:], 1):
        word = raw.strip(",.;:!?()\"'")
        before = tokens[i - 1]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        capital = word[:1].isupper() and word[1:].islower() and word.isalpha()
        titled = (i > 1 and before[:1].isupper()) or nxt[:1].isupper()  # "Continuing Airworthiness Manager"
        if capital and not titled and before.lower() not in _NOT_BEFORE_A_NAME and word not in own \
                and not T.is_function_word(word.lower()) and not T.structure().time.fullmatch(word):
            return word
    return ""



_OWNERS = frozenset({"the", "their", "her", "his", "its"})


def role_named(item: str, roles: frozenset[str] | set[str]) -> str:
    """The role an item brings in, as the buyer calls them ("Suggests bringing the treasurer into a short
    call" -> "our treasurer", "loops in their IT lead" -> "our IT lead"); "" when it names none that way."""
    tokens = [t.strip(",.;:!?()\"'") for t in item.split()]
    for k, word in enumerate(tokens):
        if word.lower() not in roles or k == 0:
            continue
        if tokens[k - 1].lower() in _OWNERS:
            return f"our {word}"
        before = tokens[k - 1]
        if k > 1 and tokens[k - 2].lower() in _OWNERS and (before.isupper() or not T.is_function_word(
                before.lower())):  # "their IT lead": an acronym, never the pronoun "it"
            return f"our {before} {word}"
    return ""


def narrowed(text: str) -> bool:
    """Whether a proposal narrows what is tried to a part of the buyer's world: "one route", "a single
    depot", "office-only alerts", "only the night shift". A smaller scope is what makes a step low-risk
    for any business, whatever its nouns are called, so this is read from the form, not from a list of
    places."""
    said = T.words(text)
    for i, w in enumerate(said[:-1]):
        after = said[i + 1]
        if w in _ONE and after not in _NOT_A_SCOPE and not T.is_function_word(after):
            return True
        owned = after in ("the", "our", "your")  # "only the night shift"
        if w == "only" and ((i > 0 and not T.is_function_word(said[i - 1])) or owned):
            return True
    return len(said) > 1 and said[-1] == "only" and not T.is_function_word(said[-2])


@dataclass(frozen=True)
class _Turn:
    """One rep turn as the matcher weighs it: its signals, what the director made of them, the call so far."""

    signals: SignalSet
    helpful: set[Behaviour]
    negatives: set[Behaviour]
    revealed_now: bool
    explored: bool
    state: BuyerState
    conduct: RepConduct


_ORDER = frozenset({"before", "first", "prior", "until", "ahead", "instead", "rather"})
"""Words that make an item about exploring ask for it before the rep pitches or defends."""


class ItemMatcher:
    """Decides, for one scenario, whether a turn meets an item or puts the hidden concern into words."""

    def __init__(self, scenario: Scenario, rules: DirectorRules, embedder: Embedder | None):
        self.scenario = scenario
        self.rules = rules
        self.embedder = embedder
        self._low_risk_item = re.compile(rules.low_risk_item, re.IGNORECASE)
        self._asks_day = frozenset(rules.item_asks_day)

    def meets(
        self,
        item: ResolutionItem,
        signals: SignalSet,
        helpful: set[Behaviour],
        negatives: set[Behaviour],
        revealed_now: bool,
        explored: bool,
        *,
        state: BuyerState,
        conduct: RepConduct,
    ) -> bool:
        turn = _Turn(signals, helpful, negatives, revealed_now, explored, state, conduct)
        return any(self._meets_kind(kind, item, turn) for kind in (item.kind, *item.also))

    def _meets_kind(self, kind: str, item: ResolutionItem, turn: _Turn) -> bool:
        """Whether the turn does what one kind of item asks (an unsure item asks for any of its kinds)."""
        signals, helpful, negatives, st, conduct = turn.signals, turn.helpful, turn.negatives, turn.state, \
            turn.conduct
        revealed_now, explored = turn.revealed_now, turn.explored
        clean = not (negatives & {B.ARGUE, B.DISMISS, B.PRESSURE, B.DISPARAGE})
        if kind == "explore":
            # "asks what is behind it before defending" wants the order; "finds out what's really going on"
            # is met by finding out, after a misstep too. A rep who pitched value first and then asked until
            # the concern came out has understood it after all (probe 24: a buyer who told a rushed rep
            # everything still held the early pitch against them for the rest of the drill); the
            # scorecard, not the buyer, keeps the order. A discount or an argument stays on the table.
            ordered = bool(_ORDER & set(T.words(item.text)))
            recovered = (st.concern_revealed or revealed_now) and not (conduct.discounted or conduct.argued)
            return explored and not (ordered and conduct.pitched and not recovered) and clean
        if kind == "uncover":
            asked = bool(helpful & {B.EXPLORE_CONCERN, B.OPEN_QUESTION, B.IMPACT_QUESTION})
            follow_up = (
                st.concern_revealed
                and not revealed_now
                and bool(helpful & {B.CLOSED_QUESTION, B.CHECK_OTHER_CONCERNS, B.SUMMARIZE})
            )
            if not (asked or follow_up) or not clean:
                return False
            earlier = st.concern_revealed or st.explore_turns >= 2
            return earlier or self._close(signals, item.text, questions_only=True)
        if kind == "acknowledge":
            bad = {B.ARGUE, B.DISMISS}
            if "discount" in item.text.lower():
                bad.add(B.DISCOUNT)
            acknowledged = bool(helpful & {B.ACKNOWLEDGE, B.SUMMARIZE})
            return acknowledged and not (negatives & bad) and not conduct.argued
        if kind in ("tie_number", "tie"):
            if not st.concern_revealed or not clean or B.DISCOUNT in negatives:
                return False
            if (
                kind == "tie_number"
                and B.QUANTIFY_VALUE in helpful
                and self._quantified_fits(signals, item.text)
            ):
                return True
            tied = B.TIE_TO_CONCERN in helpful or (
                bool(helpful & {B.STATE_VALUE, B.GIVE_PROOF}) and self._close(signals, item.text)
            )
            if kind == "tie_number":
                return tied and B.QUANTIFY_VALUE in helpful
            return tied
        if kind == "proof":
            said = any(s.relevant and specific(s.quote, self.scenario) for s in signals.get(B.GIVE_PROOF))
            return said and clean and (st.concern_revealed or st.explore_turns > 0)
        if kind in ("next_step", "involve"):
            if B.NEXT_STEP not in helpful or not st.concern_revealed or not clean or B.DISCOUNT in negatives:
                return False
            if self.asks_day(item.text) and not T.structure().time.search(signals.text):
                return False  # "... with a date and time": a step without a day does not meet it yet
            if kind == "involve":
                return self._involves(item.text, signals.text)
            if self._low_risk_item.search(item.text):
                low = T.structure().low_risk.search(signals.text) or narrowed(signals.text)
                return bool(low) or self._fits_next_step(signals.text)
            return True
        if kind == "respect_incumbent":
            # Engaging with what the buyer has without running it down, over the whole call so far; a question
            # counts when it is a real one (not one of a barrage), and a price cut is no respect for anything.
            engaged = bool(helpful & {B.ACKNOWLEDGE, B.SUMMARIZE, B.TIE_TO_CONCERN}) or (
                explored and B.EXPLORE_CONCERN in helpful)
            return engaged and clean and not conduct.disparaged and not conduct.discounted
        if kind == "alternatives":
            # Something other than a price cut: a step, a scope or value worked out, with no discount so far.
            offered = bool(helpful & {B.NEXT_STEP, B.QUANTIFY_VALUE, B.TIE_TO_CONCERN})
            heard = st.concern_revealed or st.explore_turns > 0
            return offered and clean and not conduct.discounted and heard
        if kind == "confirm":
            return B.CONFIRM in helpful and clean
        if kind == "check_other":
            return B.CHECK_OTHER_CONCERNS in helpful and clean
        return bool(helpful) and clean and self._close(signals, item.text)

    def asks_day(self, item: str) -> bool:
        """The item asks for the step's day ("... with a date and time", "on a set day")."""
        said = f" {' '.join(T.words(item))} "
        return any(f" {ask} " in said for ask in self._asks_day)

    def names_concern(self, signals: SignalSet) -> bool:
        """The rep put the hidden concern into words themselves (a good guess or a playback)."""
        return self.concern_similarity(signals) >= self.rules.similarity.names_concern

    def concern_similarity(self, signals: SignalSet) -> float:
        """How close in meaning the turn's closest sentence is to the hidden concern (0 without a sentence
        model). Sentences, not keyword lists: "Sync, double booking, surgery slots" names nothing."""
        if self.embedder is None or not is_semantic(self.embedder):
            return 0.0
        from ..signals import sentence_spans

        lists = fragment_spans(signals.text, self.rules.substance)
        sents = [signals.text[a:b] for a, b in sentence_spans(signals.text) if (a, b) not in lists]
        return self._nearest([self.scenario.buyer.hidden_concern], sents)

    def asks_about_told(self, signals: SignalSet) -> bool:
        """A question of the turn asks about a piece of the concern itself ("What happened with that contract
        in 2021?"): one sentence of the concern, or of the lines the buyer tells it in, against one question,
        where a short question and a whole paragraph would never look alike. A question with no content of
        its own that points back ("What happened then?", "How did that go?") asks about what was just said."""
        questions = [s for s in T.sentences(signals.text) if T.is_question(s)]
        if any(_BACK & set(T.words(q)) and len(T.content_words(q)) <= 2 for q in questions):
            return True
        return self._nearest(self.told_sentences(), questions) >= self.rules.similarity.told_about

    def told_sentences(self) -> list[str]:
        """The concern as the buyer may tell it, sentence by sentence: the manager's words and the buyer's own
        lines (``concern_lines``)."""
        buyer = self.scenario.buyer
        lines = [t for line in buyer.concern_lines for t in T.sentences(line)]
        return [*T.sentences(buyer.hidden_concern), *lines]

    def _close(self, signals: SignalSet, target: str, questions_only: bool = False) -> bool:
        quotes = [
            s.quote
            for s in signals.signals
            if s.relevant
            and s.behaviour in POSITIVE
            and (not questions_only or s.quote.rstrip().endswith("?"))
        ]
        return self._nearest([target], list(dict.fromkeys(quotes))) >= self.rules.similarity.item_content

    def _nearest(self, targets: list[str], texts: list[str]) -> float:
        """The highest cosine between one of ``texts`` and one of ``targets``; 0 without a sentence model or
        without text on either side (no similarity bar is ever 0)."""
        if self.embedder is None or not is_semantic(self.embedder) or not targets or not texts:
            return 0.0
        vecs = self.embedder.embed([*targets, *texts])
        return float(np.max(vecs[len(targets):] @ vecs[:len(targets)].T))

    def _quantified_fits(self, signals: SignalSet, item: str) -> bool:
        """A sentence that puts a number on value and is about what the item (or the concern) names.

        Items are worded by managers ("quantifies what the guarantee is worth"), so a figure close to
        the item's own words meets it as well as one tied to the hidden concern. The sentences were
        embedded by the detectors already (cached), so this costs no model call.
        """
        if self.embedder is None or not is_semantic(self.embedder):
            return False
        quotes = list(dict.fromkeys(s.quote for s in signals.get(B.QUANTIFY_VALUE) if s.relevant))
        if not quotes:
            return False
        sim = self.rules.similarity
        vecs = self.embedder.embed([item, item_content(item), self.scenario.buyer.hidden_concern, *quotes])
        to_item = max(float(np.max(vecs[3:] @ vecs[0])), float(np.max(vecs[3:] @ vecs[1])))
        return to_item >= sim.value_item or float(np.max(vecs[3:] @ vecs[2])) >= sim.value_concern

    def _fits_next_step(self, text: str) -> bool:
        """A sentence of the turn resembles the scenario's next step (sentences are already cached)."""
        step = self.scenario.buyer.next_step
        if not step or not text or self.embedder is None:
            return False
        from ..signals import sentence_spans

        sents = [text[a:b] for a, b in sentence_spans(text)]
        if not sents:
            return False
        vecs = self.embedder.embed([step, *sents])
        return float(np.max(vecs[1:] @ vecs[0])) >= self.rules.similarity.next_step_fit

    def _involves(self, item: str, text: str) -> bool:
        """The rep names the person or role the item asks to involve: the words after "involve", "invite"
        or "bring in", or anyone the item and the scenario's next step name ("the board", "Priya and Leon",
        "board chair Gerrit Vos"), by name or by the role the scenario gives them ("your senior stylists"
        for Priya and Leon, her "two top stylists" in the concern)."""
        m = re.search(
            r"\b(?:(?:involv|includ|invit)\w*|bring\w*\s+in|loop\w*\s+in)\s+(?:the\s+)?(.+?)(?:\s+in\b|$)",
            item,
            re.IGNORECASE,
        )
        said = set(T.words(text))
        if m:
            words = {w for w in T.words(m.group(1)) if len(w) > 1} - {"the", "of", "and", "next", "call"}
            if words and len(words & said) >= max(1, len(words) // 2):
                return True
        parties = self._third_parties(item)
        if not parties and not m:
            # "offers to help build the case": the item names no one, so anyone the buyer's world names
            # (the board, its chair) is who the rep brings in
            parties = self._people_told()
        return bool(parties & said)

    def _people_told(self) -> set[str]:
        """Who the scenario's buyer side names besides the buyer: role words, and names said mid-sentence
        (a sentence's first word is capitalised whatever it is)."""
        b = self.scenario.buyer
        own = set(T.words(" ".join((b.name, b.role, b.company, self.scenario.product.name))))
        found: set[str] = set()
        for sentence in T.sentences(f"{b.hidden_concern} {b.opening} {self.scenario.context}"):
            for k, raw in enumerate(sentence.split()):
                w = (T.words(raw) or [""])[0]
                if w in self.rules.roles or (k and raw[:1].isupper() and not T.is_function_word(w)):
                    found.add(w)
        return found - own - {""}

    def _third_parties(self, item: str) -> set[str]:
        """Who besides the buyer the item and the next step name (lowercased): role words, names, and who the
        scenario says a name is, a few words before it ("the chair, Gerrit Vos" -> chair)."""
        sc = self.scenario
        named = " ".join((sc.buyer.name, sc.buyer.company, sc.product.name)).split()
        own = set(T.words(" ".join(w for w in named if w[:1].isupper())))  # not "(4 salons, 38 stylists)"
        roles = set(self.rules.roles)
        asked = f"{item} {sc.buyer.next_step or ''}"
        words = T.words(asked)
        names = {w for w in T.words(" ".join(raw for raw in asked.split()[1:] if raw[:1].isupper()))
                 if not T.is_function_word(w) and not T.structure().time.search(w)} - own

        def role(w: str) -> bool:
            return w in roles or (len(w) > 5 and w.endswith(("man", "person")))  # "pressman", "chairperson"

        found = {w for w in words if role(w)} | names | _met_with(sc.buyer.next_step or "")
        told = T.words(f"{sc.buyer.hidden_concern} {asked}")
        for i, w in enumerate(told):
            if w in names:  # who a name is: "two top stylists, Priya", "pressman of 22 years, Sal"
                who = next((x for x in reversed(told[max(0, i - 5):i]) if role(x) or PEOPLE.fullmatch(x)), "")
                found.update([who] if who else [])
        # ... or said after it, between commas: "Daniel, the CFO, said ..."
        raw = f"{sc.buyer.hidden_concern} {asked}".split()
        for i, token in enumerate(raw):
            if token.endswith(",") and (T.words(token) or [""])[0] in names:
                after = []
                for nxt in raw[i + 1:i + 5]:
                    after.append(nxt)
                    if nxt.endswith((",", ".", ";")):
                        break
                found.update(x for x in T.words(" ".join(after)) if role(x))
        return found - own


def _met_with(step: str) -> set[str]:
    """Who a step meets "with": the last word of each group after it ("a call with the bursar to look at
    ..." -> bursar; "with our underwriting and security team" -> underwriting, team)."""
    tokens = T.words(step)
    if "with" not in tokens:
        return set()
    found: set[str] = set()
    group: list[str] = []
    for w in [*tokens[tokens.index("with") + 1:], "."]:
        if w == "and" or (T.is_function_word(w) and group) or w == ".":
            found.update(group[-1:])
            group = []
            if w != "and":
                break
        elif not T.is_function_word(w):
            group.append(w)
    return found


def item_content(item: str) -> str:
    """What a value item is about, without the manager's framing ("The rep gives him a number that
    matters to a rental yard, like utilisation" -> "a rental yard, utilisation")."""
    t = re.sub(r"\((?:e\.g\.|for example|like)?\s*|\)", " ", item)
    t = re.sub(r"^\W*(the\s+)?rep\s+\w+\s+((him|her|them|the\s+buyer)\s+)?", "", t, flags=re.IGNORECASE)
    t = re.sub(
        r"\b(with|gives?|puts?|using)\s+(a|the)\s+(number|figure)s?\b|\b(a|the)\s+(number|figure)\s+"
        r"that\s+matters\s+to\b|\bwith\s+numbers\b|\bin\s+(dollars|numbers)\b|\b(e\.g\.|like|such\s+as)\b",
        " ",
        t,
        flags=re.IGNORECASE,
    )
    return " ".join(t.split()) or item
