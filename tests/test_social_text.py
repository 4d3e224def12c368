"""Texts of ``social_text``: the venue of an in-person group session lies in the state of its
host; every filler of a message slot reads well in every line that uses the slot; a group
opener's "Good morning" is sent in its sender's morning."""

from __future__ import annotations

import itertools
import re

import polars as pl

from seedsnap.build import generate
from seedsnap.config import resolve
from seedsnap.context import MS_PER_HOUR, Context
from seedsnap.generators import social_text as t
from seedsnap.generators import vocab
from seedsnap.generators.users import home_offset_of


def test_every_state_has_venues_of_its_own() -> None:
    assert len(t.GROUP_VENUES) == len(vocab.PROVINCES)
    addresses = [a for state in t.GROUP_VENUES for _, a in state]
    assert all(state for state in t.GROUP_VENUES)
    assert len(set(addresses)) == len(addresses)


def test_in_person_sessions_meet_in_their_hosts_state() -> None:
    f = generate(resolve(mode="heavy", env={}, config_file=None))
    venues = pl.DataFrame(
        [
            {"province": p, "location": loc, "locationAddress": addr}
            for p, state in zip(vocab.PROVINCES, t.GROUP_VENUES, strict=True)
            for loc, addr in state
        ]
    )
    sessions = f["GroupTherapySessions"]
    virtual = sessions.filter(pl.col("sessionType") == "VIRTUAL")
    assert virtual["location"].is_null().all() and virtual["locationAddress"].is_null().all()
    in_person = sessions.filter(pl.col("sessionType") == "IN_PERSON")
    host = (
        f["GroupSessionTherapistInvitations"]
        .filter(pl.col("status") == "ACCEPTED")
        .sort("sessionId", "respondedAt", "therapistId")
        .unique("sessionId", keep="first")
        .join(
            f["Therapist"].select(pl.col("userId").alias("therapistId"), "province"),
            on="therapistId",
        )
        .select(pl.col("sessionId").alias("id"), "province")
    )
    hosted = in_person.join(host, on="id")
    # Every session held or to be held has its host (a cancelled one or one awaiting
    # approval may have none yet): not a share of all, which moved with their statuses.
    due = in_person.filter(pl.col("status").is_in(["APPROVED", "IN_PROGRESS", "COMPLETED"]))
    assert due.height > 0 and due.join(host, on="id", how="anti").is_empty()
    wrong = hosted.join(venues, on=["province", "location", "locationAddress"], how="anti")
    assert wrong.is_empty(), wrong.select("id", "province", "locationAddress").head()
    # Those without a host still meet at a known venue.
    known = in_person.join(venues, on=["location", "locationAddress"], how="anti")
    assert known.is_empty()
    assert in_person["locationAddress"].n_unique() > 1


# --- message lines with slots: every filler fits every line that uses its slot -------------

# The pools whose lines ``enrichers.messages`` fills from ``t.MESSAGE_SLOTS`` (``_fill_slots``).
SLOTTED_POOLS = (
    "OPEN_CLIENT_TO_THERAPIST",
    "OPEN_THERAPIST_TO_CLIENT",
    "OPEN_PEER",
    "OPEN_COLLEAGUE",
    "OPEN_GROUP",
    "OPEN_THERAPIST_TO_MEMBER",
    "OPEN_MEMBER_TO_THERAPIST",
    "MEMBER_TO_THERAPIST_LINES",
    "CLIENT_LINES",
    "THERAPIST_LINES",
    "PEER_LINES",
    "GROUP_LINES",
    "MODERATOR_GROUP_LINES",
    "THERAPIST_MEMBER_LINES",
    "COLLEAGUE_LINES",
    "SECOND_LINES",
    "STAFF_SECOND_LINES",
    "REPLY_LINES",
    "EVENT_LINES",
    "SESSION_THERAPIST_LINES",
    "SESSION_CLIENT_LINES",
    "SUPPORT_TURNS",
    "SUPPORT_CLOSING",
)
# What the enrichers put in the placeholders that are not slots.
NOT_SLOTS = {
    "name": "Sam",
    "title": "Thought Record",
    "day": "Thursday",
    "method": "card",
    "reason": "Insufficient funds",
}
# Each "{hello}" filler at any hour.
HELLOS = (*t.MESSAGE_SLOTS["hello"], *(h for band in t.HELLO_BY_HOUR for h in band))

# (pattern, why): no rendered line matches one.
BAD = (
    (r"[{}]", "an unfilled placeholder"),
    (r"  ", "a doubled space"),
    (r" [,.;:!?]", "a space before punctuation"),
    (r"(?i)\b(\w+) \1\b", "a doubled word ('in in')"),
    (r"\ba [aeio]\w", "'a' before a vowel"),
    (r"\ba (8\d*|11|18)\b", "'a' before a number read with a vowel"),
    (r"\ban [b-df-hj-np-tv-z]\w", "'an' before a consonant"),
    (r"\b(is|has|was) (these|those)\b", "a singular verb before a plural subject"),
    (r"\b(these|those)\b[\w ]* (is|has|was)\b", "a plural subject of a singular verb"),
    (r"\bwhen (the|a|an|my|your) \w+[.?!]", "'when' before a noun phrase, not a clause"),
    (
        r"\bfind\b[^.?!]*\bwhen\b[^.?!]*\b(\w{3,}ed|got|was|were|went|came|felt)\b",
        "a past-tense clause after a present 'find ... when'",
    ),
    (
        r"\bbringing\b(?!(?: \w[\w'-]*){1,5} up\b)|\bbringing [^.]*\b(how|what|why|whether)\b",
        "'bringing X up' with more than a short noun phrase in it",
    ),
    (r"\b(is|are|'re)\b[^.?!,]*\bthe last week\b", "'the last week' after a present verb"),
    (r"\bthis stretch\b", "'this stretch' reads oddly"),
    (r"\bfor you with\b[^.?!]*\bI\b", "a first person in another's hard thing"),
)


def _strings(x: object) -> list[str]:
    """The strings in ``x``, however nested."""
    if isinstance(x, str):
        return [x]
    if isinstance(x, dict):
        x = list(x.values())
    return [s for v in x for s in _strings(v)] if isinstance(x, (tuple, list)) else []


def _lines(pool: str) -> list[str]:
    """The lines of the pool named ``pool`` (an event's, without its speaker)."""
    if pool == "EVENT_LINES":
        return [line for _, *lines in t.EVENT_LINES.values() for line in lines]
    return _strings(getattr(t, pool))


def _renders(line: str) -> list[str]:
    """``line`` with every combination of the fillers of its slots."""
    names = list(dict.fromkeys(re.findall(r"\{(\w+)\}", line)))
    unknown = [n for n in names if n not in t.MESSAGE_SLOTS and n not in NOT_SLOTS]
    assert not unknown, f"{line!r}: placeholders {unknown} are neither slots nor NOT_SLOTS"
    pools = [
        HELLOS if n == "hello" else t.MESSAGE_SLOTS.get(n, (NOT_SLOTS.get(n, ""),)) for n in names
    ]
    out = []
    for combo in itertools.product(*pools):
        text = line
        for n, filler in zip(names, combo, strict=True):
            text = text.replace("{" + n + "}", filler)
        out.append(text)
    return out


def _all_rendered() -> list[tuple[str, str]]:
    return [
        (pool, text)
        for pool in SLOTTED_POOLS
        for line in _lines(pool)
        if line.strip()
        for text in _renders(line.strip())
    ]


def test_every_slot_is_used_and_every_slotted_pool_listed() -> None:
    used = {
        n for pool in SLOTTED_POOLS for line in _lines(pool)
        for n in re.findall(r"\{(\w+)\}", line)
    }  # fmt: skip
    assert set(t.MESSAGE_SLOTS) <= used, set(t.MESSAGE_SLOTS) - used
    for name in dir(t):
        pool = getattr(t, name)
        if name.isupper() and name not in SLOTTED_POOLS and isinstance(pool, (tuple, dict)):
            if name in ("MESSAGE_SLOTS", "HELLO_BY_HOUR", "NOTIFICATIONS", "GROUP_SESSIONS"):
                continue
            slots = {n for s in _strings(pool) for n in re.findall(r"\{(\w+)\}", s)}
            assert not slots & (set(t.MESSAGE_SLOTS) - {"resource"}), (name, slots)


def test_every_filler_fits_every_line_of_its_slots() -> None:
    rendered = _all_rendered()
    assert len(rendered) > 500
    bad = [
        f"{pool}: {why}: {text!r}"
        for pool, text in rendered
        for pattern, why in BAD
        if re.search(pattern, text)
    ]
    # A line starts with a capital (or a quote) and ends a sentence (a second line starts
    # with its space).
    bad += [
        f"{pool}: no capital at the start: {text!r}"
        for pool, text in rendered
        if not re.match(r"""["'A-Z0-9]""", text.strip()[0])
    ]
    bad += [
        f"{pool}: no terminal punctuation: {text!r}"
        for pool, text in rendered
        if not re.search(r"""[.!?]["')]?$""", text)
    ]
    assert not bad, "\n".join(bad[:40]) + f"\n({len(bad)} in all)"


def test_time_of_day_greetings_only_in_their_hours() -> None:
    timed = {"Good morning": (5, 12), "Morning": (5, 12), "Good afternoon": (12, 17)}
    timed |= {"Good evening": (17, 24), "Evening": (17, 24)}
    words = re.compile(r"(?i)morning|afternoon|evening|night")
    assert not [h for h in t.MESSAGE_SLOTS["hello"] if words.search(h)]
    starts = (*t.HELLO_FROM_HOUR, 24)
    assert starts[0] == 0 and list(starts) == sorted(starts)
    assert len(t.HELLO_BY_HOUR) == len(t.HELLO_FROM_HOUR)
    for band, pool in enumerate(t.HELLO_BY_HOUR):
        for hello in pool:
            if words.search(hello):
                lo, hi = timed[hello]
                assert lo <= starts[band] and starts[band + 1] <= hi, (hello, starts[band])


def test_group_openers_greet_by_the_senders_local_hour() -> None:
    cfg = resolve(mode="heavy", scale=3, env={}, config_file=None)
    msgs = generate(cfg)["Message"]
    pattern = r"^(Good morning|Morning|Good afternoon|Good evening|Evening)\b"
    said = msgs.filter(pl.col("content").str.contains(pattern))
    hour = (
        (
            said["createdAt"].dt.epoch("ms").to_numpy()
            + home_offset_of(Context(cfg), said["senderId"])
        )
        // MS_PER_HOUR
        % 24
    )
    greeting = said["content"].str.extract(pattern, 1).to_list()
    fits = {"Good morning": (5, 12), "Morning": (5, 12), "Good afternoon": (12, 17)}
    fits |= {"Good evening": (17, 24), "Evening": (17, 24)}
    assert greeting  # three at heavy x3
    wrong = [
        (g, h) for g, h in zip(greeting, hour, strict=True) if not fits[g][0] <= h < fits[g][1]
    ]
    assert not wrong


def test_journal_openers_and_closers_in_their_hours() -> None:
    cfg = resolve(mode="heavy", scale=3, env={}, config_file=None)
    j = generate(cfg)["JournalEntry"]
    local = j["createdAt"].dt.epoch("ms").to_numpy() + home_offset_of(Context(cfg), j["userId"])
    day_hour = (local // MS_PER_HOUR - t.JOURNAL_DAY_START) % 24 + t.JOURNAL_DAY_START
    checked = 0
    for text, h in zip(j["content"], day_hour, strict=True):
        for opener, since in t.JOURNAL_OPENER_FROM.items():
            if re.match(re.escape(opener).replace(r"\{day\}", r"\w+") + " ", text):
                checked += 1
                assert h >= since, (text, h)
        for closer, until in t.JOURNAL_CLOSER_UNTIL.items():
            if text.endswith(" " + closer):
                checked += 1
                assert h < until, (text, h)
    assert checked > 100
