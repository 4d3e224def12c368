"""Journal: clients' private journal entries (a table upstream never seeds, §11.17).

Each client keeps a keyed number of entries (``ENTRIES``, drawn per client, so the target is
the same on every run and a re-run adds nothing), written after the account was created and
before the anchor, some edited later (``updatedAt`` after ``createdAt``). The text joins an
opener, a body and a closer from ``social_text`` (8 x 8 x 6 combinations); the opener "Had
my session today" only on a day (the client's, where they live) the client had a COMPLETED
session that ended before the entry (``SESSION_OPENER``), another opener otherwise; a body
that tells of a session (``SESSION_BODIES``) only once the client's first COMPLETED session
has ended, another body before.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from seedsnap.context import MS_PER_DAY, MS_PER_HOUR, Context, Frames, timestamps
from seedsnap.generators import social_text as t
from seedsnap.generators.clock import waking_at, waking_between
from seedsnap.generators.common import text_keys
from seedsnap.generators.users import home_offset_of, last_seen
from seedsnap.random import I64, child_keys, expand

READS = ("User", "Client", "Meeting")
WRITES = ("JournalEntry",)

ENTRIES = (1, 7)  # entries per client, [lo, hi)
EDIT_RATE = 0.2
SESSION_OPENER = t.JOURNAL_OPENERS.index("Had my session today.")
# Bodies that tell of a therapy session ("we talked about"): by their index in the pool.
SESSION_BODIES = (
    t.JOURNAL_BODIES.index(
        "We talked about boundaries and I realised how often I say yes without thinking."
    ),
)


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
    target = s.integers(ck, ENTRIES[0], ENTRIES[1], 0)
    existing = clients["have"].fill_null(0).to_numpy()
    need = np.maximum(target - existing, 0)
    if need.sum() == 0:
        return {}
    # New entries continue the client's numbering, so their keys never repeat older ones.
    rows, j, _ = expand(ck, need)
    keys = child_keys(ck[rows], existing[rows] + j)
    created = clients["created"].to_numpy()[rows] + MS_PER_HOUR
    end = np.maximum(clients["end"].to_numpy()[rows], created)
    # Journaling is a recent habit for most: entries lean towards the client's last weeks,
    # written in their waking hours (``clock``).
    home = home_offset_of(ctx, clients["id"].gather(rows))
    at = waking_at(created, end, 1.0 - s.uniform(keys, 1) ** 2, home)
    edited = s.bernoulli(keys, EDIT_RATE, 2)
    edit_at = waking_between(s, keys, at, np.minimum(end, at + 2 * MS_PER_DAY), home, index=3)
    code = [
        s.integers(keys, 0, len(pool), 4 + i)
        for i, pool in enumerate((t.JOURNAL_OPENERS, t.JOURNAL_BODIES, t.JOURNAL_CLOSERS))
    ]
    user = clients["id"].gather(rows)
    # Without a session that day, "Had my session today" gives way to one of the others.
    other = s.integers(keys, 0, len(t.JOURNAL_OPENERS) - 1, 8)
    other = other + (other >= SESSION_OPENER)
    no_session = (code[0] == SESSION_OPENER) & ~_session_today(ctx, frames["Meeting"], user, at)
    code[0] = np.where(no_session, other, code[0])
    # Before the client's first session, a body telling of one gives way to another.
    told = np.isin(code[1], SESSION_BODIES) & ~_after_first_session(frames["Meeting"], user, at)
    plain = np.setdiff1d(np.arange(len(t.JOURNAL_BODIES)), SESSION_BODIES)
    code[1] = np.where(told, plain[s.integers(keys, 0, len(plain), 9)], code[1])
    pick = [
        np.asarray(pool)[c]
        for c, pool in zip(
            code, (t.JOURNAL_OPENERS, t.JOURNAL_BODIES, t.JOURNAL_CLOSERS), strict=True
        )
    ]
    text = np.char.add(np.char.add(np.char.add(pick[0], " "), pick[1]), " ")
    content = np.char.rstrip(np.char.add(text, pick[2]))
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
