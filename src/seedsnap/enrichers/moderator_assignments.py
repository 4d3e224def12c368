"""Moderator assignments: every moderator ≥ N communities, every community ≥ M moderators.

Upstream only looked at the first 20 communities in DB order (seeder.md §7 row 6); here every
community is covered, by the moderators with the fewest assignments first.
"""

from __future__ import annotations

import polars as pl

from seedsnap.context import MS_PER_DAY, Context, Frames, timestamps
from seedsnap.enrichers.common import count_by, deficit, pair_top_up, take_best
from seedsnap.generators.common import text_keys
from seedsnap.random import name_key

READS = ("Moderator", "Community", "ModeratorCommunity")
WRITES = ("ModeratorCommunity",)
SALT = name_key("enrich", "moderator_assignments")


def _rows(ctx: Context, chosen: pl.DataFrame) -> pl.DataFrame:
    pair = {c: text_keys(chosen[c]) for c in ("moderatorId", "communityId")}
    lo = chosen["lo"].to_numpy()
    ids, at = pair_top_up(ctx, "ModeratorCommunity", pair, SALT, lo, ctx.anchor_ms - MS_PER_DAY)
    return pl.DataFrame(
        {
            "id": ids,
            "moderatorId": chosen["moderatorId"],
            "communityId": chosen["communityId"],
            "assignedAt": timestamps(at, "assignedAt"),
        }
    )


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    mods = frames["Moderator"].select(
        pl.col("userId").alias("moderatorId"), pl.col("createdAt").alias("mAt")
    )
    comm = frames["Community"].select(
        pl.col("id").alias("communityId"), pl.col("createdAt").alias("cAt")
    )
    existing = frames["ModeratorCommunity"].select("moderatorId", "communityId")
    if mods.is_empty() or comm.is_empty():
        return {}
    # Every (moderator, community) pair is a candidate: ids are hashed once per entity.
    mods = mods.with_columns(pl.Series("_mk", text_keys(mods["moderatorId"])))
    comm = comm.with_columns(pl.Series("_ck", text_keys(comm["communityId"])))
    candidates = (
        mods.join(comm, how="cross")
        .join(existing, on=["moderatorId", "communityId"], how="anti")
        .with_columns(
            (pl.max_horizontal("mAt", "cAt").dt.epoch("ms") + 60_000).alias("lo"),
            (pl.col("_mk") ^ (pl.col("_ck") * pl.lit(7, dtype=pl.UInt64))).alias("_k"),
        )
        .drop("_mk", "_ck")
    )
    need_m = deficit(
        mods,
        "moderatorId",
        count_by(existing, "moderatorId"),
        ctx.config.minimum("moderator", "communities_moderated"),
    )
    first = take_best(
        ctx, "ModeratorCommunity", "moderator-side", candidates, "moderatorId", need_m
    )
    after = pl.concat([existing, first.select("moderatorId", "communityId")])
    load = count_by(after, "moderatorId").rename({"len": "load"})
    need_c = deficit(
        comm,
        "communityId",
        count_by(after, "communityId"),
        ctx.config.minimum("community", "moderators"),
    )
    cand_c = (
        candidates.join(first, on=["moderatorId", "communityId"], how="anti")
        .join(load, on="moderatorId", how="left")
        .with_columns(pl.col("load").fill_null(0))
    )
    second = take_best(
        ctx, "ModeratorCommunity", "community-side", cand_c, "communityId", need_c, order=["load"]
    )
    return {"ModeratorCommunity": pl.concat([_rows(ctx, first), _rows(ctx, second)])}
