"""Memberships: every client and approved therapist in ≥ N communities; every community ≥ M members.

Upstream topped users up to 1 membership in "the first community in DB order" and never
enforced the community minimum (seeder.md §7 row 1, §11.7). Here both sides are topped up per
entity, with keyed choices, and a member joins after both the user and the community exist.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from seedsnap.context import MS_PER_DAY, Context, Frames, timestamps
from seedsnap.generators.common import between, text_keys
from seedsnap.random import child_keys, name_key

READS = ("User", "Therapist", "Community", "Membership")
WRITES = ("Membership",)
SALT_USER = name_key("enrich", "memberships", "user")
SALT_COMMUNITY = name_key("enrich", "memberships", "community")


def eligible_users(frames: Frames) -> pl.DataFrame:
    """Clients, APPROVED therapists and moderators (admins never join), with createdAt."""
    approved = frames["Therapist"].filter(pl.col("status") == "APPROVED")["userId"].implode()
    return (
        frames["User"]
        .filter(
            pl.col("role").is_in(["client", "moderator"])
            | ((pl.col("role") == "therapist") & pl.col("id").is_in(approved))
        )
        .select("id", "role", "createdAt")
    )


def top_up(
    ctx: Context, candidates: pl.DataFrame, deficit: pl.DataFrame, side: str, salt: np.uint64
) -> pl.DataFrame:
    """Pick ``need`` candidate pairs per ``side`` entity by keyed score; new Membership rows.

    ``candidates``: userId, communityId, lo (earliest join, ms) — pairs not yet members.
    ``deficit``: side column + need.
    """
    s = ctx.stream("Membership", f"top-up-{side}")
    pair = text_keys(candidates["userId"]) ^ mix_key(candidates["communityId"], salt)
    chosen = (
        candidates.with_columns(pl.Series("_s", s.bits(pair)))
        .join(deficit, on=side, how="inner")
        .sort(side, "_s")
        .filter(pl.int_range(pl.len()).over(side) < pl.col("need"))
    )
    keys = child_keys(text_keys(chosen["userId"]) ^ salt, text_keys(chosen["communityId"]))
    lo = chosen["lo"].to_numpy()
    joined = between(s, keys, lo, np.maximum(lo, ctx.anchor_ms - MS_PER_DAY), index=1)
    return pl.DataFrame(
        {
            "id": ctx.ids("Membership", keys),
            "joinedAt": timestamps(joined, "joinedAt"),
            "communityId": chosen["communityId"],
            "userId": chosen["userId"],
        }
    )


def mix_key(values: pl.Series, salt: np.uint64) -> np.ndarray:
    return text_keys(values) * np.uint64(0x9E3779B97F4A7C15) ^ salt


def enrich(ctx: Context, frames: Frames) -> Frames:
    users = eligible_users(frames)
    comm = frames["Community"].select(
        pl.col("id").alias("communityId"), pl.col("createdAt").alias("cAt")
    )
    existing = frames["Membership"].select("userId", "communityId")
    candidates = (
        users.select(pl.col("id").alias("userId"), "role", pl.col("createdAt").alias("uAt"))
        .join(comm, how="cross")
        .join(existing, on=["userId", "communityId"], how="anti")
        .with_columns((pl.max_horizontal("uAt", "cAt").dt.epoch("ms") + 60_000).alias("lo"))
    )
    mins = ctx.config
    need_user = (
        users.select(pl.col("id").alias("userId"), "role")
        .join(existing.group_by("userId").len(), on="userId", how="left")
        .with_columns(
            (
                pl.when(pl.col("role") == "client")
                .then(pl.lit(mins.minimum("client", "community_memberships")))
                .when(pl.col("role") == "therapist")
                .then(pl.lit(mins.minimum("therapist", "community_memberships")))
                .otherwise(0)
                - pl.col("len").fill_null(0).cast(pl.Int64)
            ).alias("need")
        )
        .filter(pl.col("need") > 0)
        .select("userId", "need")
    )
    added_user = top_up(ctx, candidates, need_user, "userId", SALT_USER)
    after = pl.concat([existing, added_user.select("userId", "communityId")])
    need_comm = (
        comm.join(after.group_by("communityId").len(), on="communityId", how="left")
        .with_columns(
            (
                mins.minimum("community", "members") - pl.col("len").fill_null(0).cast(pl.Int64)
            ).alias("need")
        )
        .filter(pl.col("need") > 0)
        .select("communityId", "need")
    )
    cand2 = candidates.join(
        added_user.select("userId", "communityId"), on=["userId", "communityId"], how="anti"
    )
    added_comm = top_up(ctx, cand2, need_comm, "communityId", SALT_COMMUNITY)
    return {"Membership": pl.concat([added_user, added_comm])}
