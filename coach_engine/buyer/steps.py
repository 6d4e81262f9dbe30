"""The step a buyer agrees to, in the buyer's words, at the time the rep named.

Agreeing, a buyer restates the scenario's next step (already in their own voice, ``persona``) with the
rep's day spliced in as a whole time phrase, where the step's own time stands, or after the step's own
words when its only time is another event's ("... a pilot that goes live in May"); without a step in the
scenario, the rep's own proposal is named back in a few words. The rep's sentence is never pasted: "I'm
in for we run an analysis ..." is what pasting gave.
"""

from __future__ import annotations

import re

from .. import text as T
from .pronouns import PEOPLE
from .step_words import AS_NOUN, as_adjective
from .telling import said_in_full

__all__ = ["CALENDAR_NAMES", "a_different_step", "agreed_step", "named_day", "named_step",
           "proposed_activity", "step_times", "with_timing", "without_unsaid_purpose"]


def named_day(rep_step: str) -> str:
    """The day and time the rep proposed, as they said it ("this Thursday at 10am"), or "": what a buyer
    agrees to when the rep's step names no activity they could name back ("go through the numbers")."""
    times = step_times(rep_step or "")
    if not times:
        return ""
    a, b = T.time_phrase(rep_step, times)
    day = rep_step[a:b].strip(" ,.;?!")
    return day if T.first_word(day) in _WEEKDAYS | _MONTHS else day[:1].lower() + day[1:]


def proposed_activity(rep_step: str) -> str:
    """The activity the rep proposes, as a noun ("call", "install", "walkthrough"); "" when none is named."""
    times = step_times(rep_step or "")
    at = T.time_phrase(rep_step, times)[0] if times else -1
    found = _proposed(rep_step or "", T.structure().activity, at)
    activity = found.group(0).strip(" ,.;?!").lower() if found else ""
    return AS_NOUN.get(" ".join(activity.split()), activity)


ANOTHER_STEP_SHARE = 0.3
"""Below this share of the scenario step's content words in the rep's proposal, the rep proposed another
step, not the scenario's in other words."""


def a_different_step(rep_step: str, next_step: str, rep_turn: str = "") -> bool:
    """Whether the rep proposed another step than the scenario's ("we install it next Tuesday" where the
    scenario's step is a call to scope a pilot; "an hour at the desk with Rosa" where it is a call to set up
    a trial): an activity the scenario's step does not name, or none but a length, and little else of the
    scenario's step said in the proposal's turn (``rep_turn``). Then the buyer agrees to the rep's step, not
    the scenario's."""
    activity = proposed_activity(rep_step)
    ours = T.content_words(next_step)
    if not ours or not named_step(rep_step) or T.content_words(activity) & ours:
        return False
    return len(ours & T.content_words(f"{rep_turn} {rep_step}")) < ANOTHER_STEP_SHARE * len(ours)


_DETERMINERS = frozenset({"the", "a", "an", "my", "our", "your", "his", "her", "their", "this", "that"})


def without_unsaid_purpose(next_step: str, rep_said: str) -> str:
    """The scenario's step without what it is for when the rep said none of that in the drill (``rep_said``,
    all the rep's words so far): "A 30-minute call with the controller to scope a paid pilot", to a rep who
    proposed the call to look at fuel data, is "A 30-minute call with the controller"; the buyer agrees to
    the step proposed, not to a purpose the rep never put on the table. So with a last piece after a comma
    that brings nobody and of which the rep said under a third ("..., reference contact and trial data sent
    beforehand"): the buyer does not accept what was never offered."""
    heard = {T.stem(w) for w in T.words(rep_said)}
    pieces = next_step.split(", ")
    while len(pieces) > 1:
        offered = {T.stem(w) for w in T.words(pieces[-1]) if not T.is_function_word(w)}
        people = any(PEOPLE.fullmatch(t.strip(",.;:")) for t in pieces[-1].split() if not t.isupper())
        if _with_someone(pieces[-1]) or people or not offered or len(offered & heard) * 3 >= len(offered):
            break
        pieces.pop()
    next_step = ", ".join(pieces)
    said = T.words(next_step)
    at = next((i for i, w in enumerate(said) if w == "to" and 2 < i < len(said) - 1
               and not said[i + 1][0].isdigit() and said[i + 1] not in _DETERMINERS), -1)
    if at < 0:
        return next_step
    purpose = {T.stem(w) for w in said[at + 1:] if not T.is_function_word(w)}
    if not purpose or purpose & {T.stem(w) for w in T.words(rep_said)}:
        return next_step
    cut = next_step.lower().find(" to " + said[at + 1])
    return next_step[:cut].rstrip(" ,") if cut > 0 else next_step


_A_THING = frozenset({"a", "an", "one", "no", "some", "any"})


def _with_someone(piece: str) -> bool:
    """A piece that may bring people ("with me and the CNO", "with the federal programs director"); one that
    brings a thing ("with a one-page summary", "with no install commitment") is a purpose like any other."""
    said = [w.lower() for w in piece.split()]
    return any(w == "with" and (k + 1 == len(said) or said[k + 1] not in _A_THING)
               for k, w in enumerate(said))


def named_step(rep_step: str) -> str:
    """The rep's proposal named back in a few words ("the 20-minute call on Thursday", "the pilot next
    Monday") from its activity, its length and its day (``structure.yaml``); "" when it names no activity
    or length. The rep's sentence itself is never pasted."""
    st = T.structure()
    times = step_times(rep_step or "")
    day, at, day_end = "", -1, -1
    if times:
        a, b = T.time_phrase(rep_step, times)
        day, at, day_end = rep_step[a:b].strip(" ,.;?!"), a, b  # "next Monday at 10", not "next Monday"
    found = {name: _proposed(rep_step or "", getattr(st, name), at) for name in ("activity", "duration")}
    act, dur = found["activity"], found["duration"]
    said_at = act.start() if act else -1
    own = [m for m in times if said_at >= 0 and _piece(rep_step, m.start()) == _piece(rep_step, said_at)]
    if own and at >= 0 and _piece(rep_step, at) != _piece(rep_step, said_at):
        # "... starting Monday the 9th, and on Thursday the 26th we sit down for 30 minutes": the day the
        # activity is said with is its day, not the first the turn names
        a, b = T.time_phrase(rep_step, own)
        day, at, day_end = rep_step[a:b].strip(" ,.;?!"), a, b
        found = {name: _proposed(rep_step, getattr(st, name), at) for name in ("activity", "duration")}
        act, dur = found["activity"], found["duration"]
    if act and dur and dur.end() <= act.start() and "to" in T.words(rep_step[dur.end():act.start()]):
        found["activity"] = None  # "30 minutes ... to look at a 60-day trial": the trial is what it is for
    activity, length = (m.group(0).strip(" ,.;?!").lower() if m else "" for m in found.values())
    activity = AS_NOUN.get(" ".join(activity.split()), activity)  # "the meeting", never "the meet"
    length = said_in_full(length)  # "30 min": "30 minutes"
    if not activity and not length:
        return ""
    if activity and " " in length:
        length = as_adjective(length)
    alone = length if length.split()[:1] in (["a"], ["an"]) else f"those {length}"  # never "those an hour"
    what = f"the {length} {activity}" if activity and length else f"the {activity}" if activity else alone
    ends = [m.end() for m in found.values() if m]
    who = _with_whom(rep_step, max(ends), at)
    if not who and day_end > max(ends):  # "a call Thursday at 2 with you and your controller"
        who = _with_whom(rep_step, day_end, -1)
    what = f"{what} {who}" if who else what
    if not day:
        return what
    return f"{what} {_dated(day)}"  # "on Thursday at 2"; "next week" as it is


def with_timing(named: str, rep_step: str, next_step: str) -> str:
    """The rep's step named back (``named_step``), with the scenario step's own time when the rep named none
    ("the call with my controller" + "... next week" -> "the call with my controller next week")."""
    if step_times(rep_step or "") or not next_step:
        return named
    own = [m for m in T.structure().time.finditer(next_step) if T.first_word(m.group(0)) not in ("before",)]
    if not own:
        return named
    a, b = T.time_phrase(next_step, own)
    return f"{named} {_dated(next_step[a:b].strip(' ,.;?!'))}"


_YOURS = {"your": "my", "yours": "mine", "you": "me", "yourself": "myself"}


def _with_whom(rep_step: str, after: int, day_at: int) -> str:
    """Who the step brings in, said right after its activity ("with your IT lead" -> "with my IT lead"), in
    the buyer's words; "" when the rep names no one there. The people are often the point of the step."""
    rest = rep_step[after:day_at if day_at > after else len(rep_step)]
    rest = re.split(r"[,;:.?!]|\s(?:to|so)\s", rest)[0].strip()  # up to what the step is for
    said = rest.split()
    if len(said) < 2 or said[0].lower() != "with" or len(said) > 7:
        return ""
    calendar = _WEEKDAYS | _MONTHS
    named = any(w[:1].isupper() and w.lower().removesuffix("'s").removesuffix("\u2019s") not in calendar
                for w in said[1:])  # a name, not "October's"
    if not named and not any(w.lower() in _YOURS for w in said):
        return ""  # "with this October's forms", "with the data": no one the buyer knows
    return " ".join(_YOURS.get(w.lower(), w) for w in said)


_ANOTHER_EVENT = frozenset({"once", "after", "until", "till", "when", "before", "while", "since", "because",
                            "if", "to"})
"""A piece opening with one of these speaks of another event or of what the step is for ("once the review's
behind you", "to confirm the install date")."""


def _proposed(rep_step: str, pattern: re.Pattern[str], day_at: int) -> re.Match[str] | None:
    """The activity (or length) the rep proposes: in the piece that names the day if one does, never one
    denied ("we sign nothing until ...") or one of another event ("once the bank review is done")."""
    dated = _piece(rep_step, day_at) if day_at >= 0 else None
    found = [m for m in pattern.finditer(rep_step) if not _negated(rep_step, m.start())
             and rep_step[m.end():m.end() + 1] != ":"  # "Proposal: 30 min Thursday": a heading
             and (_opening(_piece(rep_step, m.start())) not in _ANOTHER_EVENT
                  or _piece(rep_step, m.start()) == dated)]
    same = [m for m in found if _piece(rep_step, m.start()) == dated]
    return next(iter(same or found), None)


def _opening(piece: str) -> str:
    """The piece's first word past a joining one ("and once the review's done" -> "once")."""
    return next((w for w in T.words(piece) if w not in ("and", "so", "but", "then", "just")), "")


def _piece(text: str, at: int) -> str:
    """The piece of the sentence around ``at``, between commas (or other marks)."""
    start = max(text.rfind(mark, 0, at) for mark in ",;:.?!") + 1
    ends = [i for i in (text.find(mark, at) for mark in ",;:.?!") if i >= 0]
    return text[start:min(ends, default=len(text))]


def _negated(text: str, at: int) -> bool:
    """The phrase at ``at`` is denied where it stands ("so nobody needs a training session")."""
    return T.has_negation(_piece(text, at))


def _finer_time(step: str, kept: list[str], phrases: list[str]) -> str:
    """The step with the hour the rep put on a day it already names: "a walkthrough next Tuesday" and the
    rep's "Would Tuesday at 2pm work?" agree to "a walkthrough next Tuesday at 2pm"."""
    low = step.lower()
    for said in phrases:
        words = said.split()
        day = next((w for w in words if w in _WEEKDAYS), "")
        if not day or said in low:
            continue
        rest = " ".join(words[words.index(day) + 1:])
        for p in kept:
            if day in p.split() and rest and rest not in p:
                end = low.index(p) + len(p)
                return f"{step[:end]} {rest}{step[end:]}"
    return step


def agreed_step(next_step: str, rep_step: str) -> str:
    """The scenario's next step (already in the buyer's voice), at the time the rep named if they did.

    The rep's time phrase replaces the step's own ("in the first week of January" -> "on Tuesday, January
    6th at 10"); a vague one ("before the release") changes nothing. The rep's sentence itself is never
    pasted.
    """
    when = T.structure().time
    step = " ".join(next_step.split()).rstrip(" ?.!") or "the next step"
    rep_step = " ".join((rep_step or "").split())
    every = step_times(rep_step)
    if not every:
        return step
    # "a call with Ellen this week, and we start the freezer run on Monday the 9th": the time of the piece
    # that speaks of this step (the most words in common with it), not the first one named
    ours = T.content_words(step)
    phrases = [rep_step[x:y].strip(" ,.;?!").lower()
               for x, y in (T.time_phrase(rep_step, [m]) for m in every)]
    # a time the rep says again is kept, not new: the step's day is among the others
    new = [m for m, p in zip(every, phrases, strict=True) if p not in step.lower()] or every
    best = max(new, key=lambda m: len(T.content_words(_piece(rep_step, m.start())) & ours))
    parts = step.split("; ")
    if len(parts) > 1:
        # a step of parts ("submit to the committee with a model; 30 minutes with me and the analyst"): the
        # day goes to the part the rep's words name, else to the one that is a meeting
        theirs = T.content_words(_piece(rep_step, best.start()))
        st = T.structure()
        def named_part(i: int) -> tuple[int, bool, int]:
            meeting = bool(st.duration.search(parts[i]) or st.activity.search(parts[i]))
            return len(T.content_words(parts[i]) & theirs), meeting, -i

        k = max(range(len(parts)), key=named_part)
        parts[k] = agreed_step(parts[k], rep_step)
        return "; ".join(parts)
    said = [m for m in every if m.start() >= best.start()]
    a, b = T.time_phrase(rep_step, said)
    day = rep_step[a:b].strip(" ,.;?!")
    if day.lower().endswith(("a.m", "p.m")):
        day += "."  # "10 a.m." keeps its last stop
    if day and day.split()[0].lower() not in _WEEKDAYS | _MONTHS:
        day = day[:1].lower() + day[1:]  # "Next Tuesday" opened the rep's sentence
    if day.lower() in step.lower():
        return step  # the rep kept the step's own time: nothing to change
    vague = _vague_day(step)
    if vague is not None and not when.search(step):
        # the step's only day is a placeholder ("on a set date", "at an agreed time"): the rep's goes there
        put = _dated(day)
        if T.first_word(put) not in _PREPOSITIONS:
            put = f"{step[vague[0]:].split(' ')[0]} {put}"  # "at an agreed time" -> "at 3pm"
        return f"{step[:vague[0]]}{put}{step[vague[1]:]}"
    if vague is not None and (T.first_word(day) in _WEEKDAYS | _MONTHS or T.first_word(_dated(day)) == "on"):
        step = _without_vague_day(step)  # "on a weekday morning in August" -> "in August", then the day
    kept = [p for p in phrases if p in step.lower()]
    main = _main_clause_end(step)
    # The step's own time, not another event's inside a clause of its own ("... that goes live in May"),
    # nor one the rep said again for another part ("... to plan a start in February").
    own = [m for m in when.finditer(step)
           if T.first_word(m.group(0)) not in ("before", "today", "tonight", "this")
           and not _in_a_clause_of_its_own(step, m.start())
           and (step[:m.start()].split() or [""])[-1].lower() not in ("before", "until", "till")
           and not _names_an_event(step, m)  # "the Saturday family market" is a place, not the step's day
           and not any(m.group(0).lower() in p for p in kept)]
    if kept and not own and (finer := _finer_time(step, kept, phrases)) != step:
        return finer  # "next Tuesday", and then "Tuesday at 2pm": the step's day, at the rep's hour
    if kept and not own:
        # the rep kept the step's own time (for one part of it, at least); a day the rep named for another
        # part of their proposal ("... and sit down with Frank on Friday the 28th") is agreed to as well
        also = next((named_step(_piece(rep_step, m.start())) for m in every
                     if m.group(0).lower() not in step.lower() and not any(
                         m.group(0).lower() in p for p in kept)), "")
        return f"{step}, and {also}" if also and when.search(also) else step
    if own:  # with the times joined to it ("next Tuesday or Wednesday", of which the rep kept one)
        a, b = T.time_phrase(step, [m for m in when.finditer(step) if m.start() >= own[0].start()])
        return f"{step[:a]}{_dated(day)}{step[b:]}".rstrip(" ,")
    ahead = next((m for m in when.finditer(step) if m.group(0).lower().startswith("before ")), None)
    if ahead and ahead.start() <= main:  # "a call before the review" -> "a call on Tuesday, before the ..."
        return f"{step[:ahead.start()].rstrip(' ,')} {_dated(day)}, {step[ahead.start():]}"
    if main < len(step):  # the step's own time (if any) is another event's: "a pilot that goes live in May"
        return f"{step[:main]} {_dated(day)}{step[main:]}"
    # A step of several actions ("migrate one freezer ..., reconcile ... by month end, then decide"): the day
    # goes with the action the rep's words name ("we start the freezer run on Monday the 9th").
    theirs = T.content_words(_piece(rep_step, best.start()))
    ends = [i for i, c in enumerate(step) if c == "," and step[i + 1:i + 2] == " "]  # not "1,700"
    if ends:
        pieces = [(a, b) for a, b in zip([0, *[e + 1 for e in ends]], [*ends, len(step)], strict=True)]
        fit = max(pieces, key=lambda p: len(T.content_words(step[p[0]:p[1]]) & theirs))
        if fit[1] < len(step) and T.content_words(step[fit[0]:fit[1]]) & theirs:
            return f"{step[:fit[1]]} {_dated(day)}{step[fit[1]:]}"
    return f"{step}, {_dated(day)}"


def step_times(rep_step: str) -> list[re.Match[str]]:
    """The times the rep named for the step: not "before the release" or "early" (another event's time, or
    none), but the day said after one ("before the board meets, say Tuesday the 9th": Tuesday); never a
    time said as another noun's ("this December's letters")."""
    when, out, pos = T.structure().time, [], 0
    while m := when.search(rep_step, pos):
        pos = m.end()
        if T.first_word(m.group(0)) not in ("before", "first", "early", "today", "tonight"):
            out.append(m)
        elif "," in m.group(0):  # the vague phrase ends at its clause; a time may follow the comma
            pos = m.start() + m.group(0).index(",") + 1
    # a time that names something else ("this December's letters", "next week's report", "the January
    # committee") is no day for it
    return [m for m in out
            if m.group(0).strip(" ,.;?!") and rep_step[m.end():m.end() + 2] not in ("'s", "\u2019s")
            and (rep_step[:m.start()].split() or [""])[-1].lower() not in _UNTIL
            and not _names_an_event(rep_step, m)]


_UNTIL = frozenset({"until", "till", "til", "since", "before"})
"""A time said after one of these bounds a wait or a deadline ("if we hold off until May", "meet before
December 15"); the step is not then."""


def _names_an_event(text: str, m: re.Match[str]) -> bool:
    """A bare month or weekday after "the" names an event ("submit to the January committee", "the Monday
    huddle"), not a day for the step ("the 14th" is one)."""
    said = m.group(0).strip(" ,.;?!").lower()
    return said in _WEEKDAYS | _MONTHS and (text[:m.start()].split() or [""])[-1].lower() == "the"


def _in_a_clause_of_its_own(step: str, at: int) -> bool:
    """Whether the words before ``at``, back to the last comma, open a clause ("... that goes live")."""
    part = step[step.rfind(",", 0, at) + 1:at]
    return _main_clause_end(part) < len(part)


def _main_clause_end(step: str) -> int:
    """Where the step's own clause ends: before "to plan ...", "that goes live ...", "so that ..."; a "to"
    before a noun phrase ("a visit to the yard") is part of it."""
    tokens, at = [], 0
    for word in step.split():
        at = step.index(word, at)
        tokens.append((at, word.lower()))
        at += len(word)
    for i in range(1, len(tokens) - 1):
        start, word = tokens[i]
        if word in ("that", "which", "so", "where", "while") or (
                word == "to" and not T.is_function_word(tokens[i + 1][1])):
            return start - 1
    return len(step)


_WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})
_MONTHS = frozenset({"january", "february", "march", "april", "may", "june", "july", "august", "september",
                     "october", "november", "december"})
CALENDAR_NAMES = _WEEKDAYS | (_MONTHS - {"may"})
"""Days and months, whose capital a line keeps wherever they stand ("may" is as often the verb)."""


_PART_OF = {"start": "at", "beginning": "at", "end": "at", "middle": "in"}


_PREPOSITIONS = frozenset({"on", "in", "at", "by", "for", "during", "within", "over", "around", "next",
                           "this"})
"""Words a time phrase may open with that place it after a noun ("a call on Tuesday", "a call next week")."""
_VAGUE_DAY = frozenset({"date", "day", "time", "weekday", "morning", "afternoon", "evening", "slot"})
_ANY_DAY = frozenset({"date", "day", "time", "slot"})
"""Placeholders only with a word that says so ("a set date"): "at a time" alone is "one at a time"."""
_VAGUE_WORDS = frozenset({"set", "fixed", "agreed", "specific", "chosen", "given", "convenient", "mutually",
                          "weekday", "week"})


def _vague_day(step: str) -> tuple[int, int] | None:
    """Where the step says only that there will be a day ("on a set date", "on a weekday morning", "at an
    agreed time"): the span from its preposition to its noun, or None."""
    tokens = step.split(" ")
    starts = [sum(len(t) + 1 for t in tokens[:k]) for k in range(len(tokens))]
    for k in range(len(tokens) - 2):
        if tokens[k].lower() not in ("on", "at") or tokens[k + 1].lower() not in ("a", "an", "one"):
            continue  # never "for a day" (how long)
        j = k + 2
        while j < len(tokens) and tokens[j].lower().rstrip(",.") in _VAGUE_WORDS and \
                tokens[j].lower().rstrip(",.") not in _VAGUE_DAY:
            j += 1
        end = j
        while end < len(tokens) and tokens[end].lower().rstrip(",.") in _VAGUE_DAY:
            end += 1
        if end > j and (j > k + 2 or tokens[j].lower().rstrip(",.") not in _ANY_DAY):
            # "at an agreed time", "on a weekday", but never "one site at a time"
            last = tokens[end - 1]
            return starts[k], starts[end - 1] + len(last.rstrip(",."))
    return None


def _without_vague_day(step: str) -> str:
    """The step without a placeholder day, which a named day replaces ("a walk on a weekday morning in
    August" -> "a walk in August"): never "on a weekday morning on Tuesday"."""
    vague = _vague_day(step)
    if vague is None:
        return step
    return " ".join(f"{step[:vague[0]]}{step[vague[1]:]}".split()).replace(" ,", ",")


def _dated(day: str) -> str:
    """A day as it stands after a noun: "a visit on Saturday at 8", never "a visit Saturday at 8" or, from
    the rep's "I'll come in Monday at 8", "in Monday at 8"."""
    said = day.split()
    if len(said) > 1 and said[0].lower() in ("in", "on", "for") and said[1].lower().rstrip(",") in _WEEKDAYS:
        day = " ".join(said[1:])
    elif len(said) > 2 and said[0].lower() == "in" and said[1].lower() in ("next", "this", "last"):
        day = " ".join(said[1:])  # "get a call in next week": the rep's "in" goes with "get", not the day
    first = day.split()[0].lower().rstrip(",") if day.split() else ""
    if first in _WEEKDAYS:
        return f"on {day}"
    if first == "the" and len(said) > 2 and said[2].lower() == "of" and said[1].lower() in _PART_OF:
        return f"{_PART_OF[said[1].lower()]} {day}"  # "at the start of February", "in the middle of May"
    return day
