"""Typing indicators: who is typing in the most recent conversations (a table upstream never
seeds, §11.17).

A handful of rows: the ``max(MIN_ROWS, ceil(RATE * conversations))`` most recently active
conversations (by ``lastMessageAt``) that have a participant who did not send the last
message and has read it; that participant (a keyed pick) last typed after both the last
message and their ``lastReadAt``, and before they were last seen (in their waking hours).
About half of those seen at the anchor are typing right now (``isTyping``, within
``LIVE_MS`` of it), the others stopped a while ago. Nobody types in a conversation with
someone they blocked or who blocked them (the block came after their last message, and
nothing passes between the two after it). Unique per
(conversation, user); existing pairs are skipped, so a re-run adds nothing.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from seedsnap.context import MS_PER_HOUR, Context, Frames, timestamps
from seedsnap.enrichers.common import block_pairs
from seedsnap.generators.clock import waking_between
from seedsnap.generators.common import text_keys
from seedsnap.generators.users import home_offset_of, seen_of
from seedsnap.random import child_keys

READS = ("User", "Conversation", "ConversationParticipant", "Message", "UserBlock")
WRITES = ("TypingIndicator",)

MIN_ROWS = 3
RATE = 0.05
LIVE_MS = 8_000  # an indicator is "typing" if refreshed this recently
LIVE_SHARE = 0.5


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    anchor = ctx.anchor_ms
    last = (
        frames["Message"]
        .select("conversationId", "senderId", pl.col("createdAt").dt.epoch("ms").alias("at"))
        .sort("conversationId", "at", "senderId")
        .unique("conversationId", keep="last", maintain_order=True)
    )
    parts = frames["ConversationParticipant"].select(
        "conversationId", "userId", pl.col("lastReadAt").dt.epoch("ms").alias("read")
    )
    cand = parts.join(last, on="conversationId").filter(
        (pl.col("userId") != pl.col("senderId")) & (pl.col("read") >= pl.col("at"))
    )
    barred = (
        parts.select("conversationId", pl.col("userId").alias("other"))
        .join(block_pairs(frames, "other"), on="other")
        .select("conversationId", "userId")
        .unique()
    )
    cand = cand.join(barred, on=["conversationId", "userId"], how="anti")
    if cand.is_empty():
        return {}
    n = max(MIN_ROWS, math.ceil(RATE * frames["Conversation"].height))
    pk = child_keys(text_keys(cand["conversationId"]), text_keys(cand["userId"]))
    s = ctx.stream("TypingIndicator", "typing")
    cand = cand.with_columns(pl.Series("pkey", pk), pl.Series("_d", s.bits(pk, 0)))
    one = cand.sort("conversationId", "_d").unique("conversationId", keep="first",
                                                   maintain_order=True)  # fmt: skip
    recent = one.sort(["at", "conversationId"], descending=[True, False]).head(n)
    # The pick ignores existing indicators, so a re-run picks the same pairs and skips them.
    recent = recent.join(
        frames["TypingIndicator"].select("conversationId", "userId"),
        on=["conversationId", "userId"],
        how="anti",
    )
    rk = recent["pkey"].to_numpy()
    lo = recent.select(pl.max_horizontal("at", "read")).to_series().to_numpy()
    # Typing is the user's act: before they were last seen (``users.last_seen``), so only
    # one seen at the anchor types now; in their waking hours.
    seen = seen_of(ctx, frames["User"], recent["userId"])
    live = s.bernoulli(rk, LIVE_SHARE, 1) & (anchor - lo > LIVE_MS) & (seen >= anchor - LIVE_MS)
    live_at = np.minimum(anchor - np.floor(s.uniform(rk, 2) * LIVE_MS).astype(np.int64), seen)
    stopped_hi = np.minimum(np.minimum(anchor - LIVE_MS - 1, lo + 6 * MS_PER_HOUR), seen)
    home = home_offset_of(ctx, recent["userId"])
    stopped_at = waking_between(s, rk, lo, np.maximum(lo, stopped_hi), home, index=3)
    at = np.where(live, live_at, stopped_at)
    typing = recent.select(
        ctx.ids("TypingIndicator", rk).alias("id"),
        "conversationId",
        "userId",
        pl.Series("isTyping", anchor - at <= LIVE_MS),
        timestamps(at, "lastTypingAt"),
    )
    return {"TypingIndicator": typing}
