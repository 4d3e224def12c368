"""User blocks among clients (seeder.md §7 row 18).

A keyed ``BLOCK_RATE`` share of clients (and at least ``MIN_BLOCKERS`` of them, the top of a
keyed ranking, so small builds still have blocks) block one other client they have met:
preferably someone from a shared community, else someone they share a conversation with;
a client who has met no other client blocks nobody (nobody blocks a stranger). Never
oneself, one row per (blocker, blocked) by construction, and created after both users
existed, after they met in the community and after the last message of any conversation
they share, and before the blocker was last seen, in its waking hours. A blocker who
already blocks someone is satisfied, so a re-run adds nothing; upstream used a global
"fewer than 2" threshold over the first four clients.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from seedsnap.arrays import in_sorted, rows_in
from seedsnap.context import Context, Frames, timestamps
from seedsnap.enrichers.common import co_members, take_ranked
from seedsnap.generators import social_text as t
from seedsnap.generators.clock import waking_between
from seedsnap.generators.common import ms_of, text_keys
from seedsnap.generators.users import home_offset_of, seen_of
from seedsnap.random import child_keys

READS = ("User", "Client", "Membership", "ConversationParticipant", "Message", "Post", "Comment")
WRITES = ("UserBlock",)

BLOCK_RATE = 0.12
MIN_BLOCKERS = 2
# The reasons that need no history between the two (``t.BLOCK_REASONS`` but "Unwanted
# messages" and "Repeated negative comments on my posts"), and how often a block that has
# such a history gives it as the reason (``_reasons``).
GENERAL_REASONS = tuple(r for i, r in enumerate(t.BLOCK_REASONS) if i not in (0, 2))
HISTORY_REASON_P = 0.7


def _last_exchange(frames: Frames) -> pl.DataFrame:
    """(u, v, talked): the last message in a conversation both u and v take part in."""
    last = (
        frames["Message"].group_by("conversationId").agg(ms_of("createdAt").max().alias("talked"))
    )
    parts = frames["ConversationParticipant"].select("conversationId", "userId")
    both = parts.join(parts.rename({"userId": "v"}), on="conversationId").filter(
        pl.col("userId") != pl.col("v")
    )
    return (
        both.join(last, on="conversationId")
        .group_by(pl.col("userId").alias("u"), "v")
        .agg(pl.col("talked").max() + 1)
    )


def _last_comment(frames: Frames) -> pl.DataFrame:
    """(u, v, commented): the last comment v wrote on a post of u's (v != u)."""
    authors = frames["Post"].select(pl.col("id").alias("postId"), pl.col("userId").alias("u"))
    return (
        frames["Comment"]
        .select("postId", pl.col("userId").alias("v"), ms_of("createdAt").alias("commented"))
        .join(authors, on="postId")
        .filter(pl.col("u") != pl.col("v"))
        .group_by("u", "v")
        .agg(pl.col("commented").max() + 1)
    )


def _reasons(
    ctx: Context, pk: np.ndarray, talked: np.ndarray, commented: np.ndarray
) -> list[str | None]:
    """Why each block was made, fitting what passed between the two: "Unwanted messages"
    only where the blocked had talked with the blocker, "Repeated negative comments on my
    posts" only where they had commented on the blocker's posts; otherwise a reason that
    needs no history, or none given."""
    sb = ctx.stream("UserBlock", "time")
    general = np.asarray(GENERAL_REASONS, dtype=object)[
        sb.choice(pk, len(GENERAL_REASONS), index=1)
    ]
    by_history = sb.bernoulli(pk, HISTORY_REASON_P, index=2)
    out = np.where(by_history & talked, t.BLOCK_REASONS[0], general)
    out = np.where(by_history & commented & ~talked, t.BLOCK_REASONS[2], out)
    return list(out)


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    clients = (
        frames["User"]
        .filter(pl.col("emailVerified"))  # an unverified client has only just signed up
        .join(frames["Client"].select(pl.col("userId").alias("id")), on="id")
        .select("id", ms_of("createdAt").alias("created"))
        .sort("id")
    )
    if clients.height < 2:
        return {}
    ids = clients["id"]
    ck = text_keys(ids)
    created = clients["created"].to_numpy()
    # A block is the blocker's act: made before it was last seen (``users.last_seen``), so
    # only of someone it met by then.
    seen = seen_of(ctx, frames["User"], ids)
    # Conversation partners among the clients (rows of ``clients``), and when they last talked.
    # What the two said to each other: the last message of a conversation they share, or the
    # last comment of one on the other's posts (either way round, as the block can go either
    # way): a block comes after all of it.
    comments = _last_comment(frames)
    talks = (
        _last_exchange(frames)
        .join(comments, on=["u", "v"], how="full", coalesce=True)
        .join(
            comments.rename({"u": "v", "v": "u", "commented": "answered"}),
            on=["u", "v"],
            how="full",
            coalesce=True,
        )
        .select(
            "u",
            "v",
            pl.col("talked").is_not_null().alias("did_talk"),
            pl.col("commented").is_not_null().alias("did_comment"),
            pl.max_horizontal("talked", "commented", "answered").alias("talked"),
        )
    )
    tu, tv = rows_in(talks["u"], ids), rows_in(talks["v"], ids)
    both = (tu >= 0) & (tv >= 0)
    tu, tv = tu[both], tv[both]
    talked = talks["talked"].to_numpy()[both]
    timely = np.maximum(talked, created[tv]) <= seen[tu]
    # Pairs whose last exchange came after the blocker was last seen cannot be blocked by it.
    n = len(ids)
    too_late = np.sort(tu[~timely] * n + tv[~timely])
    tu, tv = tu[timely], tv[timely]
    # Community co-members, met when the later of the two joined.
    u0, v0, met0 = co_members(ids, frames["Membership"], np.ones(len(ids), dtype=bool))
    timely = np.maximum(met0, created[v0]) <= seen[u0]
    timely &= ~in_sorted(u0 * n + v0, too_late)
    u0, v0, met0 = u0[timely], v0[timely], met0[timely]
    # Clients who have met another client in time: a community with another client, or a talk.
    met_someone = np.zeros(len(ids), dtype=bool)
    met_someone[u0] = True
    met_someone[tu] = True
    s = ctx.stream("UserBlock", "blocker")
    draw = s.bits(ck, 0)
    ranked = np.argsort(draw, kind="stable")
    top = ranked[met_someone[ranked]][:MIN_BLOCKERS]
    chosen = s.bernoulli(ck, BLOCK_RATE, 1) & met_someone
    chosen[top] = True
    # A blocker who already blocks someone is satisfied; so no candidate pair below exists
    # already, and none needs excluding.
    chosen &= ~ids.is_in(frames["UserBlock"]["blockerId"].implode()).to_numpy()
    if not chosen.any():
        return {}
    want = chosen.astype(np.int64)  # one block each
    # Candidates as client rows (``clients`` is sorted by id): community co-members first,
    # then conversation partners.
    mine = chosen[u0]
    u0, v0, met0 = u0[mine], v0[mine], met0[mine]
    mine = chosen[tu]
    u1, v1 = tu[mine], tv[mine]
    u = np.concatenate([u0, u1])
    v = np.concatenate([v0, v1])
    tier = np.repeat(np.arange(2, dtype=np.int64), [len(u0), len(u1)])
    met = np.concatenate([met0, np.zeros(len(u1), np.int64)])
    best = take_ranked(ctx.stream("UserBlock", "blocked"), ck, u, v, tier, want)
    u, v = u[best], v[best]
    picked = pl.DataFrame(
        [
            ids.gather(u).alias("u"),
            ids.gather(v).alias("v"),
            pl.Series("met", met[best]),
            clients["created"].gather(u).alias("cu"),
            clients["created"].gather(v).alias("cv"),
        ]
    )
    # A block comes after the last message the two exchanged: nothing is said across it.
    picked = picked.join(talks, on=["u", "v"], how="left").sort("u")
    pk = child_keys(text_keys(picked["u"]), text_keys(picked["v"]))
    lo = np.maximum(
        picked.select(pl.max_horizontal("cu", "cv", "met", "talked")).to_series().to_numpy(),
        0,
    )
    # Everything lo is made of lies before the blocker was last seen, so the window is never
    # empty; blocked in the blocker's waking hours.
    sb = ctx.stream("UserBlock", "time")
    by = picked["u"]
    at = waking_between(sb, pk, lo, seen_of(ctx, frames["User"], by), home_offset_of(ctx, by))
    reasons = _reasons(
        ctx,
        pk,
        picked["did_talk"].fill_null(False).to_numpy(),
        picked["did_comment"].fill_null(False).to_numpy(),
    )
    block = picked.select(
        ctx.ids("UserBlock", pk).alias("id"),
        pl.col("u").alias("blockerId"),
        pl.col("v").alias("blockedId"),
        pl.Series("reason", reasons, dtype=pl.String),
        timestamps(at, "createdAt"),
    )
    return {"UserBlock": block}
