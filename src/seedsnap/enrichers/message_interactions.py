"""Message interactions: read receipts and reactions (seeder.md §7 row 13, §11.11).

Over every message, not the first 50: a participant other than the sender who had joined
by the time of the message gets a read receipt exactly when the message is at or before the
participant's ``lastReadAt``. ``readAt`` lies between the message and the earliest of that
``lastReadAt``, the reader's next own message in the conversation (one replies after reading)
and the anchor. A keyed share of read messages also gets a reaction from that reader, after
reading and within the same bound. Between two users one of whom blocked the other, nothing
is read or reacted to after the block: the bound is the block at the latest (every message
between them came before it, ``user_blocks``). SYSTEM lines (someone joined, a session started or
ended) get neither, and do not count as the reader's own messages. At most one receipt and
one reaction per (message, user), so both unique keys hold by construction; pairs that
already have one are skipped, which makes a re-run add nothing (upstream re-selected them
and hit the unique key every run).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from seedsnap.context import Context, Frames, timestamps
from seedsnap.enrichers.common import block_pairs
from seedsnap.generators import social_text as t
from seedsnap.generators.clock import waking_at, waking_between
from seedsnap.generators.common import text_keys
from seedsnap.generators.users import home_offset_of
from seedsnap.random import child_keys

READS = ("ConversationParticipant", "Message", "UserBlock")
WRITES = ("MessageReaction", "MessageReadReceipt")

REACTION_RATE = 0.12
# Emoji weights: hearts and thumbs-up dominate, as in most chat apps.
EMOJI_WEIGHTS = (0.32, 0.28, 0.12, 0.12, 0.08, 0.08)


def read_pairs(ctx: Context, frames: Frames) -> pl.DataFrame:
    """(message, reader) pairs that are read: message, reader, times and the upper bound."""
    # A SYSTEM line (someone joined, a session started) is nobody's to read or react to.
    msgs = (
        frames["Message"]
        .filter(pl.col("messageType") != "SYSTEM")
        .select(
            pl.col("id").alias("messageId"),
            "conversationId",
            "senderId",
            pl.col("createdAt").dt.epoch("ms").alias("at"),
        )
    )
    parts = frames["ConversationParticipant"].select(
        "conversationId",
        pl.col("userId"),
        pl.col("joinedAt").dt.epoch("ms").alias("joined"),
        pl.col("lastReadAt").dt.epoch("ms").alias("read_upto"),
    )
    pairs = msgs.join(parts, on="conversationId").filter(
        (pl.col("userId") != pl.col("senderId"))
        & (pl.col("joined") <= pl.col("at"))
        & pl.col("read_upto").is_not_null()
        & (pl.col("at") <= pl.col("read_upto"))
    )
    # The reader's next own message after this one: they had read it by then.
    own = msgs.select(
        "conversationId",
        pl.col("senderId").alias("userId"),
        pl.col("at").alias("next_own"),
    ).sort("next_own")
    pairs = pairs.sort("at").join_asof(
        own,
        left_on="at",
        right_on="next_own",
        by=["conversationId", "userId"],
        strategy="forward",
        allow_exact_matches=False,
        # Both sides are sorted by time just above; polars cannot verify it per group.
        check_sortedness=False,
    )
    # A block between the reader and the sender, either way, ends what one reads of the other.
    blocks = (
        block_pairs(frames, "senderId").group_by("userId", "senderId").agg(pl.col("blocked").min())
    )
    return (
        pairs.join(blocks, on=["userId", "senderId"], how="left")
        .with_columns(
            pl.min_horizontal(
                "read_upto",
                pl.col("next_own").fill_null(ctx.anchor_ms),
                pl.lit(ctx.anchor_ms),
                "blocked",
            ).alias("upper")
        )
        .drop("blocked")
        .sort("messageId", "userId")
    )


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    pairs = read_pairs(ctx, frames)
    if pairs.is_empty():
        return {}
    keys = child_keys(text_keys(pairs["messageId"]), text_keys(pairs["userId"]))
    s = ctx.stream("MessageReadReceipt", "read")
    at = pairs["at"].to_numpy()
    upper = np.maximum(pairs["upper"].to_numpy(), at)
    # Skewed early: most messages are read within a short while of arriving.
    # On the reader's waking clock: what arrives at night is read in the morning.
    read_at = waking_at(at, upper, s.uniform(keys, 0) ** 3, home_offset_of(ctx, pairs["userId"]))
    pairs = pairs.with_columns(
        pl.Series("pkey", keys), pl.Series("read_at", read_at), pl.Series("upper", upper)
    )
    receipts = pairs.join(
        frames["MessageReadReceipt"].select("messageId", "userId"),
        on=["messageId", "userId"],
        how="anti",
    )
    receipt = receipts.select(
        ctx.ids("MessageReadReceipt", receipts["pkey"].to_numpy()).alias("id"),
        "messageId",
        "userId",
        timestamps(receipts["read_at"].to_numpy(), "readAt"),
    )

    sr = ctx.stream("MessageReaction", "react")
    reacts = pairs.filter(pl.Series(sr.bernoulli(keys, REACTION_RATE, 0)))
    reacts = reacts.join(
        frames["MessageReaction"].select("messageId", "userId").unique(),
        on=["messageId", "userId"],
        how="anti",
    )
    rk = reacts["pkey"].to_numpy()
    emoji = np.asarray(t.REACTION_EMOJIS, dtype=object)[
        sr.choice(rk, len(t.REACTION_EMOJIS), p=EMOJI_WEIGHTS, index=1)
    ]
    r_at = reacts["read_at"].to_numpy()
    r_up = reacts["upper"].to_numpy()
    react_at = waking_between(sr, rk, r_at, r_up, home_offset_of(ctx, reacts["userId"]), index=2)
    reaction = reacts.select(
        ctx.ids("MessageReaction", rk).alias("id"),
        "messageId",
        "userId",
        pl.Series("emoji", emoji.astype(str)),
        timestamps(react_at, "createdAt"),
    )
    return {"MessageReadReceipt": receipt, "MessageReaction": reaction}
