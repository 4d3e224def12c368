"""Client–therapist pairs: every APPROVED therapist ≥ N ACTIVE clients; fixture clients ≥ 1 therapist.

Upstream counted inactive pairs toward the minimum and always took the first clients in DB
order, so the fixtures ended up with many therapists (seeder.md §11.13). Here only active
pairs count, and the clients with the fewest therapists are chosen first (keyed tie-break).
"""

from __future__ import annotations

import polars as pl

from seedsnap.config import FIXTURES_PER_ROLE
from seedsnap.context import MS_PER_DAY, Context, Frames, timestamps
from seedsnap.enrichers.common import count_by, deficit, pair_top_up, sample_pairs
from seedsnap.generators.common import text_keys
from seedsnap.generators.relationships import SETTLED_DAYS
from seedsnap.generators.therapy import approved_therapists
from seedsnap.random import name_key

READS = ("Client", "Therapist", "ClientTherapist")
WRITES = ("ClientTherapist",)
SALT = name_key("enrich", "relationships")


def _rows(ctx: Context, chosen: pl.DataFrame, settled_by: int) -> pl.DataFrame:
    """The new pairs' rows: assigned from ``lo``, by ``settled_by`` where ``lo`` allows."""
    pair = {c: text_keys(chosen[c]) for c in ("clientId", "therapistId")}
    lo = chosen["lo"].to_numpy()
    ids, at = pair_top_up(ctx, "ClientTherapist", pair, SALT, lo, settled_by)
    return pl.DataFrame(
        {
            "id": ids,
            "clientId": chosen["clientId"],
            "therapistId": chosen["therapistId"],
            "status": ["active"] * chosen.height,
            "assignedAt": timestamps(at, "assignedAt"),
        }
    )


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    pairs = frames["ClientTherapist"]
    therapists = approved_therapists(frames).select("therapistId", "approvedMs")
    clients = frames["Client"].select(
        pl.col("userId").alias("clientId"), pl.col("createdAt").dt.epoch("ms").alias("createdMs")
    )
    if therapists.is_empty() or clients.is_empty():
        return {}

    def starts(new: pl.DataFrame) -> pl.DataFrame:
        """New pairs with ``lo``: a minute after both sides joined (the therapist approved)."""
        return (
            new.join(clients, on="clientId", how="left", maintain_order="left")
            .join(therapists, on="therapistId", how="left", maintain_order="left")
            .with_columns((pl.max_horizontal("createdMs", "approvedMs") + 60_000).alias("lo"))
        )

    active = pairs.filter(pl.col("status") == "active")
    load = count_by(active, "clientId").rename({"len": "load"})
    need = deficit(
        therapists,
        "therapistId",
        count_by(active, "therapistId"),
        ctx.config.minimum("therapist", "client_relationships"),
    )
    # Round robin over the clients in (load, keyed) order spreads the new pairs evenly; slots
    # that land on an existing pair are filled by keyed draws (no clients x therapists join).
    s = ctx.stream("ClientTherapist", "round-robin")
    order = (
        clients.join(load, on="clientId", how="left", maintain_order="left")
        .with_columns(pl.col("load").fill_null(0))
        .with_columns(pl.Series("_s", s.bits(text_keys(clients["clientId"]))))
        .sort("load", "_s")
        .with_row_index("_r")
        .select(pl.col("_r").cast(pl.Int64), "clientId")
    )
    slots = need.select(pl.col("therapistId").repeat_by("need").explode()).with_columns(
        (pl.int_range(pl.len(), dtype=pl.Int64) % order.height).alias("_r")
    )
    existing = pairs.select("therapistId", "clientId")
    first = (
        slots.join(order, on="_r", how="left")
        .join(existing, on=["clientId", "therapistId"], how="anti")
        .unique(["clientId", "therapistId"], keep="first", maintain_order=True)
        .select("therapistId", "clientId")
    )
    need2 = deficit(
        need.select("therapistId", pl.col("need").alias("m")),
        "therapistId",
        count_by(first, "therapistId"),
        pl.col("m"),
    )
    second = sample_pairs(
        ctx,
        "ClientTherapist",
        "therapist-side",
        need2,
        "therapistId",
        clients["clientId"],
        "clientId",
        pl.concat([existing, first]),
    )
    added = pl.concat([first, second.select(first.columns)])

    # A therapist all of whose clients came in the last SETTLED_DAYS has had no time for the
    # past sessions its minimums ask for: it gets a client who came earlier too. A new pair
    # is assigned from a minute after both joined (``_rows``).
    by = ctx.anchor_ms - SETTLED_DAYS * MS_PER_DAY  # as the pairs made here are (_rows)
    settled = pl.concat(
        [
            active.filter(pl.col("assignedAt").dt.epoch("ms") <= by).select("therapistId"),
            starts(added).filter(pl.col("lo") <= by).select("therapistId"),
        ]
    )
    unsettled = (
        pl.concat([active.select("therapistId"), added.select("therapistId")])
        .unique()
        .join(therapists, on="therapistId", how="semi")
        .join(settled, on="therapistId", how="anti")
        .sort("therapistId")
        .with_columns(pl.lit(1).alias("need"))
    )
    earlier = clients.filter(pl.col("createdMs") + 60_000 <= by)["clientId"]
    for_past = sample_pairs(
        ctx, "ClientTherapist", "settled", unsettled, "therapistId", earlier, "clientId",
        pl.concat([existing, added]),
    )  # fmt: skip
    added = pl.concat([added, for_past.select(added.columns)])

    # Clients: the fixtures get at least one therapist, everyone at least the configured minimum.
    after = pl.concat([active.select("therapistId", "clientId"), added])
    fixture_ids = [f"dev_client_{i + 1}" for i in range(FIXTURES_PER_ROLE)]
    floor = ctx.config.minimum("client", "therapist_relationships")
    minimum = pl.when(pl.col("clientId").is_in(fixture_ids)).then(max(1, floor)).otherwise(floor)
    need_c = deficit(clients.select("clientId"), "clientId", count_by(after, "clientId"), minimum)
    by_clients = sample_pairs(
        ctx,
        "ClientTherapist",
        "client-side",
        need_c,
        "clientId",
        therapists["therapistId"],
        "therapistId",
        pl.concat([existing, added]).select("clientId", "therapistId"),
    )
    chosen = pl.concat([added, by_clients.select(added.columns)])
    return {"ClientTherapist": _rows(ctx, starts(chosen), by)}
