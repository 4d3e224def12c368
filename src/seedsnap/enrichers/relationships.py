"""Client–therapist pairs: every APPROVED therapist ≥ N ACTIVE clients; fixture clients ≥ 1 therapist.

Upstream counted inactive pairs toward the minimum and always took the first clients in DB
order, so the fixtures ended up with many therapists (seeder.md §11.13). Here only active
pairs count, and the clients with the fewest therapists are chosen first (keyed tie-break).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from seedsnap.config import FIXTURES_PER_ROLE
from seedsnap.context import MS_PER_DAY, Context, Frames, timestamps
from seedsnap.enrichers.common import count_by, deficit, take_best
from seedsnap.generators.common import between, text_keys
from seedsnap.random import child_keys, name_key

READS = ("Client", "Therapist", "ClientTherapist")
WRITES = ("ClientTherapist",)
SALT = name_key("enrich", "relationships")


def _rows(ctx: Context, chosen: pl.DataFrame) -> pl.DataFrame:
    keys = child_keys(text_keys(chosen["clientId"]) ^ SALT, text_keys(chosen["therapistId"]))
    lo = chosen["lo"].to_numpy()
    s = ctx.stream("ClientTherapist", "top-up")
    at = between(s, keys, lo, np.maximum(lo, ctx.anchor_ms - 21 * MS_PER_DAY), index=0)
    return pl.DataFrame(
        {
            "id": ctx.ids("ClientTherapist", keys),
            "clientId": chosen["clientId"],
            "therapistId": chosen["therapistId"],
            "status": ["active"] * chosen.height,
            "assignedAt": timestamps(at, "assignedAt"),
        }
    )


def enrich(ctx: Context, frames: Frames) -> Frames:
    pairs = frames["ClientTherapist"]
    therapists = (
        frames["Therapist"]
        .filter(pl.col("status") == "APPROVED")
        .select(pl.col("userId").alias("therapistId"), pl.col("createdAt").alias("tAt"))
    )
    clients = frames["Client"].select(
        pl.col("userId").alias("clientId"), pl.col("createdAt").alias("cAt")
    )
    if therapists.is_empty() or clients.is_empty():
        return {}
    active = pairs.filter(pl.col("status") == "active")
    load = count_by(active, "clientId").rename({"len": "load"})
    candidates = (
        clients.join(therapists, how="cross")
        .join(pairs.select("clientId", "therapistId"), on=["clientId", "therapistId"], how="anti")
        .join(load, on="clientId", how="left")
        .with_columns(
            pl.col("load").fill_null(0),
            (pl.max_horizontal("cAt", "tAt").dt.epoch("ms") + 60_000).alias("lo"),
        )
    )
    need = deficit(
        therapists,
        "therapistId",
        count_by(active, "therapistId"),
        ctx.config.minimum("therapist", "client_relationships"),
    )
    candidates = candidates.with_columns(
        pl.Series(
            "_k",
            text_keys(candidates["clientId"])
            ^ (text_keys(candidates["therapistId"]) * np.uint64(3)),
        )
    )
    # Round robin over the clients in (load, keyed) order spreads the new pairs evenly; a slot
    # that lands on an existing pair is filled in a second, keyed pass.
    s = ctx.stream("ClientTherapist", "round-robin")
    order = (
        clients.join(load, on="clientId", how="left")
        .with_columns(pl.col("load").fill_null(0))
        .with_columns(pl.Series("_s", s.bits(text_keys(clients["clientId"]))))
        .sort("load", "_s")
        .with_row_index("_r")
        .select(pl.col("_r").cast(pl.Int64), "clientId")
    )
    slots = need.select(pl.col("therapistId").repeat_by("need").explode()).with_columns(
        (pl.int_range(pl.len(), dtype=pl.Int64) % order.height).alias("_r")
    )
    first = (
        slots.join(order, on="_r", how="left")
        .join(candidates, on=["clientId", "therapistId"], how="inner")
        .unique(["clientId", "therapistId"], keep="first", maintain_order=True)
        .select(candidates.columns)
    )
    need2 = deficit(
        need.select("therapistId", pl.col("need").alias("m")),
        "therapistId",
        count_by(first, "therapistId"),
        pl.col("m"),
    )
    second = take_best(
        ctx,
        "ClientTherapist",
        "therapist-side",
        candidates.join(first, on=["clientId", "therapistId"], how="anti"),
        "therapistId",
        need2,
        order=["load"],
    )
    added = _rows(ctx, pl.concat([first, second.select(first.columns)]))

    # Clients: the fixtures get at least one therapist, everyone at least the configured minimum.
    after = pl.concat(
        [active.select("clientId", "therapistId"), added.select("clientId", "therapistId")]
    )
    fixture_ids = [f"dev_client_{i + 1}" for i in range(FIXTURES_PER_ROLE)]
    floor = ctx.config.minimum("client", "therapist_relationships")
    minimum = pl.when(pl.col("clientId").is_in(fixture_ids)).then(max(1, floor)).otherwise(floor)
    need_c = deficit(clients.select("clientId"), "clientId", count_by(after, "clientId"), minimum)
    if need_c.is_empty():
        return {"ClientTherapist": added}
    tload = count_by(after, "therapistId").rename({"len": "tload"})
    cand_c = (
        candidates.join(
            added.select("clientId", "therapistId"), on=["clientId", "therapistId"], how="anti"
        )
        .join(tload, on="therapistId", how="left")
        .with_columns(pl.col("tload").fill_null(0))
    )
    chosen_c = take_best(
        ctx, "ClientTherapist", "client-side", cand_c, "clientId", need_c, order=["tload"]
    )
    return {"ClientTherapist": pl.concat([added, _rows(ctx, chosen_c)])}
