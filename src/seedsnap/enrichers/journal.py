"""Journal: clients' private journal entries (a table upstream never seeds, §11.17).

How much a client writes is its journalling habit, drawn per client (so the target is the
same on every run and a re-run adds nothing): a keyed NEVER_SHARE never keep a journal, the
others write at a keyed rate (``RATE``: from about once a month to twice a week) over the
time they came, from the account's creation to their last visit (``users.last_seen``: none
after a deactivation), so a client of half a year has written several times one of a week
(0.16.0 gave every client 1 to 6 entries whatever its tenure: one who joined the week before
had as many as one of six months). A fixture client writes at least one. Entries are written
after the account was created and before the anchor, some edited later (``updatedAt`` after
``createdAt``). The text joins an
opener, a body, an optional reflection and a closer from ``social_text`` (``_text``): the
opener "Had my session today" only on a day (the client's, where they live) the client had
a COMPLETED session that ended before the entry (``SESSION_OPENER``), another opener
otherwise; a body that tells of a session (``JOURNAL_SESSION_BODIES``) only once the
client's first COMPLETED session has ended. A client's entries take their bodies from a
keyed walk of each pool, so no client writes the same entry twice (0.13.0: heavy x3 had 820
entries with 313 texts, one shared by 8 clients).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import polars as pl

from seedsnap.context import MS_PER_DAY, MS_PER_HOUR, Context, Frames, timestamps
from seedsnap.generators import social_text as t
from seedsnap.generators.clock import drifting, waking_at, waking_between
from seedsnap.generators.common import text_keys
from seedsnap.generators.users import activity_drift, home_offset_of, last_seen
from seedsnap.random import I64, U64, Stream, child_keys, expand

READS = ("User", "Client", "Meeting")
WRITES = ("JournalEntry",)

# The share of the clients who never keep a journal; the others write RATE entries a day,
# log-uniform between about once a month and twice a week, over their time, at most
# MAX_ENTRIES (a client's bodies never repeat: ``_walk`` of JOURNAL_BODIES).
NEVER_SHARE = 0.45
RATE = (1 / 30, 2 / 7)
MAX_ENTRIES = len(t.JOURNAL_BODIES)
EDIT_RATE = 0.2
SESSION_OPENER = t.JOURNAL_OPENERS.index("Had my session today.")
# Share of the entries after the client's first session that tell of a session.
SESSION_BODY_RATE = 0.2
MOOD = (3, 9)  # "{mood}/10", [lo, hi)


def _after_first_session(
    meetings: pl.DataFrame, users: pl.Series, at: I64
) -> npt.NDArray[np.bool_]:
    """Whether each entry (its user and time ``at``, ms) comes after the end of that user's
    first COMPLETED session."""
    first = (
        meetings.filter(pl.col("status") == "COMPLETED")
        .group_by(pl.col("clientId").alias("userId"))
        .agg(pl.col("endTime").min().dt.epoch("ms").alias("first"))
    )
    entries = pl.DataFrame({"userId": users, "at": at})
    return (
        entries.join(first, on="userId", how="left", maintain_order="left")
        .select((pl.col("first") <= pl.col("at")).fill_null(False))
        .to_series()
        .to_numpy()
    )


def _session_today(
    ctx: Context, meetings: pl.DataFrame, users: pl.Series, at: I64
) -> npt.NDArray[np.bool_]:
    """Whether each entry (its user and time ``at``, ms) follows the end of a COMPLETED
    session of that user's the same day where the user lives (a join on user and day)."""
    done = meetings.filter(pl.col("status") == "COMPLETED").select(
        pl.col("clientId").alias("userId"),
        pl.col("startTime").dt.epoch("ms").alias("start"),
        pl.col("endTime").dt.epoch("ms").alias("end"),
    )
    done = done.with_columns(
        ((pl.col("start") + home_offset_of(ctx, done["userId"])) // MS_PER_DAY).alias("day")
    ).drop("start")
    local = (at + home_offset_of(ctx, users)) // MS_PER_DAY
    entries = pl.DataFrame({"userId": users, "day": local, "at": at, "_row": np.arange(len(at))})
    hit = (
        entries.join(done, on=["userId", "day"])
        .filter(pl.col("end") <= pl.col("at"))
        .get_column("_row")
        .unique()
        .to_numpy()
    )
    out = np.zeros(len(at), dtype=bool)
    out[hit] = True
    return out


def _hours(pool: tuple[str, ...], since: dict[str, int], until: dict[str, int]) -> I64:
    """Per line of ``pool``: the hours of the journal day (from ``t.JOURNAL_DAY_START``) it is
    written in, [from, until), as (from, until) rows."""
    start = t.JOURNAL_DAY_START
    out: I64 = np.array(
        [[since.get(x, start) - start, (until.get(x, start) - start - 1) % 24 + 1] for x in pool],
        dtype=np.int64,
    )
    return out


OPENER_HOURS = _hours(t.JOURNAL_OPENERS, t.JOURNAL_OPENER_FROM, {})
CLOSER_HOURS = _hours(t.JOURNAL_CLOSERS, {}, t.JOURNAL_CLOSER_UNTIL)


def _in_its_hours(
    s: Stream, keys: U64, line: I64, day_hour: I64, hours: I64, index: int, never: int = -1
) -> I64:
    """``line`` (an index into a pool whose lines are written in ``hours`` of the journal
    day) where ``day_hour`` is in them, else a keyed pick (``index``) of the pool's lines
    written at any hour but ``never``."""
    anytime = np.flatnonzero((hours[:, 0] == 0) & (hours[:, 1] == 24))
    anytime = anytime[anytime != never]
    fits = (hours[line, 0] <= day_hour) & (day_hour < hours[line, 1])
    out: I64 = np.where(fits, line, anytime[s.integers(keys, 0, len(anytime), index)])
    return out


def _walk(start: I64, n: I64, size: int) -> I64:
    """The ``n``-th step of a walk of ``size`` items from ``start`` by a stride prime to
    ``size``: distinct for the first ``size`` steps."""
    stride = next(k for k in range(size // 2, 0, -1) if math.gcd(k, size) == 1)
    out: I64 = (start + n * stride) % size
    return out


def _text(
    ctx: Context,
    meetings: pl.DataFrame,
    user: pl.Series,
    keys: U64,
    client_keys: U64,
    n: I64,
    at: I64,
    home: I64,
) -> pl.Series:
    """The text of each entry (of ``user`` at ``at`` ms, its key, its client's key and its
    number ``n`` among the client's entries; ``home``: the client's offset from UTC).

    The body walks a keyed order of its pool per client (``_walk``), so a client's entries
    never share one; the other parts are drawn per entry (their own stream purpose).
    """
    s = ctx.stream("JournalEntry", "text")
    opener = s.integers(keys, 0, len(t.JOURNAL_OPENERS), 0)
    # Without a session that day, "Had my session today" gives way to one of the others.
    other = s.integers(keys, 0, len(t.JOURNAL_OPENERS) - 1, 1)
    other = other + (other >= SESSION_OPENER)
    no_session = (opener == SESSION_OPENER) & ~_session_today(ctx, meetings, user, at)
    opener = np.where(no_session, other, opener)
    # A body telling of a session only after the client's first one.
    told = s.bernoulli(keys, SESSION_BODY_RATE, 2) & _after_first_session(meetings, user, at)
    plain = _walk(s.integers(client_keys, 0, len(t.JOURNAL_BODIES), 3), n, len(t.JOURNAL_BODIES))
    n_told = len(t.JOURNAL_SESSION_BODIES)
    session = _walk(s.integers(client_keys, 0, n_told, 4), n, n_told)
    bodies = pl.Series([*t.JOURNAL_BODIES, *t.JOURNAL_SESSION_BODIES], dtype=pl.String)
    body = np.where(told, len(t.JOURNAL_BODIES) + session, plain)
    reflection = s.integers(keys, 0, len(t.JOURNAL_REFLECTIONS), 5)
    closer = s.integers(keys, 0, len(t.JOURNAL_CLOSERS), 6)
    # An opener looking back on the day, or a closer of "tonight", only in its hours of the
    # client's day; else a keyed one of those said at any hour.
    day_hour = ((at + home) // MS_PER_HOUR - t.JOURNAL_DAY_START) % 24
    opener = _in_its_hours(s, keys, opener, day_hour, OPENER_HOURS, 9, SESSION_OPENER)
    closer = _in_its_hours(s, keys, closer, day_hour, CLOSER_HOURS, 10)
    grateful = s.integers(keys, 0, len(t.JOURNAL_GRATEFUL), 7)
    mood = s.integers(keys, MOOD[0], MOOD[1], 8)
    day = ((at + home) // MS_PER_DAY + 3) % 7  # 1970-01-01 was a Thursday
    parts = pl.DataFrame(
        [
            pl.Series(t.JOURNAL_OPENERS, dtype=pl.String).gather(opener).alias("o"),
            bodies.gather(body).alias("b"),
            pl.Series(t.JOURNAL_REFLECTIONS, dtype=pl.String).gather(reflection).alias("r"),
            pl.Series(t.JOURNAL_CLOSERS, dtype=pl.String).gather(closer).alias("c"),
            pl.Series(t.JOURNAL_GRATEFUL, dtype=pl.String).gather(grateful).alias("g"),
            pl.Series(t.WEEKDAYS, dtype=pl.String).gather(day).alias("d"),
            pl.Series("m", mood).cast(pl.String),
        ]
    )
    # Empty parts leave no double space: the non-empty ones joined by one.
    joined = (
        pl.concat_list([pl.when(pl.col(c) != "").then(pl.col(c)) for c in ("o", "b", "r", "c")])
        .list.drop_nulls()
        .list.join(" ")
    )
    return parts.select(
        joined.str.replace("{day}", pl.col("d"), literal=True)
        .str.replace("{grateful}", pl.col("g"), literal=True)
        .str.replace("{mood}", pl.col("m"), literal=True)
        .alias("content")
    ).to_series()


def _habit(ctx: Context, clients: pl.DataFrame, ck: U64) -> I64:
    """How many entries each client of ``clients`` (id, created, end: ms) writes: none for a
    keyed NEVER_SHARE of them (never a fixture account, which developers log in as), else
    its keyed rate (``RATE``, log-uniform) times the days from ``created`` to ``end``, rounded
    by a keyed uniform (so the expectation is exact), at most MAX_ENTRIES; a fixture at
    least one."""
    h = ctx.stream("JournalEntry", "habit")
    fixture = clients["id"].str.starts_with("dev_").to_numpy()
    never = (h.uniform(ck, 0) < NEVER_SHARE) & ~fixture
    lo, hi = np.log(RATE[0]), np.log(RATE[1])
    rate = np.exp(lo + h.uniform(ck, 1) * (hi - lo))
    days = np.maximum(clients["end"].to_numpy() - clients["created"].to_numpy(), 0) / MS_PER_DAY
    n = np.minimum(np.floor(rate * days + h.uniform(ck, 2)).astype(np.int64), MAX_ENTRIES)
    out: I64 = np.where(never, 0, np.where(fixture, np.maximum(n, 1), n))
    return out


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    anchor = ctx.anchor_ms
    clients = (
        frames["User"]
        .filter(pl.col("emailVerified"))  # an unverified client has only just signed up
        .join(frames["Client"].select(pl.col("userId").alias("id")), on="id")
        .sort("id")
    )
    clients = clients.select(
        "id",
        pl.col("createdAt").dt.epoch("ms").alias("created"),
        # Entries are written while the client still comes.
        pl.Series("end", np.minimum(last_seen(ctx, clients), anchor)),
    )
    have = frames["JournalEntry"].group_by("userId").agg(pl.len().cast(pl.Int64).alias("have"))
    clients = clients.join(have, left_on="id", right_on="userId", how="left")
    ck = text_keys(clients["id"])
    s = ctx.stream("JournalEntry", "entry")
    target = _habit(ctx, clients, ck)
    existing = clients["have"].fill_null(0).to_numpy()
    need = np.maximum(target - existing, 0)
    if need.sum() == 0:
        return {}
    # New entries continue the client's numbering, so their keys never repeat older ones.
    rows, j, _ = expand(ck, need)
    keys = child_keys(ck[rows], existing[rows] + j)
    created = clients["created"].to_numpy()[rows] + MS_PER_HOUR
    end = np.maximum(clients["end"].to_numpy()[rows], created)
    # Entries are spread over the client's time with its drift (``users.activity_drift``,
    # as its posts: one that fades writes less, one that picks up more; in 0.15.0 every
    # client's leant towards its last weeks, and its engagement with them), written in its
    # waking hours (``clock``).
    user = clients["id"].gather(rows)
    home = home_offset_of(ctx, user)
    at = waking_at(created, end, drifting(s.uniform(keys, 1), activity_drift(ctx, user)), home)
    edited = s.bernoulli(keys, EDIT_RATE, 2)
    edit_at = waking_between(s, keys, at, np.minimum(end, at + 2 * MS_PER_DAY), home, index=3)
    content = _text(ctx, frames["Meeting"], user, keys, ck[rows], existing[rows] + j, at, home)
    entry = pl.DataFrame(
        {
            "id": ctx.ids("JournalEntry", keys),
            "userId": user,
            "content": content,
            "createdAt": timestamps(at, "createdAt"),
            "updatedAt": timestamps(np.where(edited, edit_at, at), "updatedAt"),
        }
    )
    return {"JournalEntry": entry}
