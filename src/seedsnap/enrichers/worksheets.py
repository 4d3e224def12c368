"""Worksheets: randint(1, worksheets_per_relationship) per active pair that has met, then
clients in therapy and APPROVED therapists reach their minimums.

The worksheets are made here rather than with the generator's meetings: a therapist reviews a
submission by the pair's next held session (``worksheet_rows``), which may be one the meetings
enricher adds, so they wait for every meeting.

Upstream subtracted the client's existing worksheets twice (``missing = 4 - total``, then
``max(0, missing - pairCount)``), so the client top-up mostly added nothing; it also left
past-due worksheets ASSIGNED and never made submissions (seeder.md §7 row 10, §11.9). Here the
deficit is counted once per entity, over the active pairs that have held a session (a
worksheet is homework given at or after one; a pair that has not met yet gets none): a client
with such a pair gets client.worksheets_if_has_therapist minus what it has, shared round robin
over those pairs; then each APPROVED therapist gets therapist.worksheets_created minus what it
has (the client top-ups included), shared over its pairs that have met. Rows come from the
generator's ``worksheet_rows``: assigned after the pair's first session, a title the client
has not had yet (numbering continues the client's existing worksheets), OVERDUE when past due
and unsubmitted, submissions after assignment, feedback on reviewed ones.
"""

from __future__ import annotations

import polars as pl

from seedsnap.context import Context, Frames
from seedsnap.enrichers.common import count_by, count_with_planned, deficit
from seedsnap.generators.therapy import (
    active_pairs,
    held_pairs,
    spread,
    worksheet_rows,
    worksheets,
)
from seedsnap.random import expand, name_key

READS = ("User", "Therapist", "ClientTherapist", "Meeting", "Worksheet")
WRITES = ("Worksheet", "WorksheetSubmission")
SALT = name_key("enrich", "worksheets")


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    active = active_pairs(ctx, frames)
    pairs = held_pairs(active, frames["Meeting"])
    if pairs.is_empty():
        return {}
    # The base: a pair's first worksheets, for pairs that have none yet (all of them in a
    # build: the generator makes none), so a second run adds nothing.
    fresh = active.join(
        frames["Worksheet"].select("clientId", "therapistId").unique(),
        on=["clientId", "therapistId"],
        how="anti",
        maintain_order="left",
    )
    base, base_subs = worksheets(ctx, frames, frames["Meeting"], fresh)
    ws = pl.concat([frames["Worksheet"], base], how="vertical_relaxed")
    cfg = ctx.config
    have = count_by(ws, "clientId")
    need_c = deficit(
        pairs.select("clientId").unique(),
        "clientId",
        have,
        cfg.minimum("client", "worksheets_if_has_therapist"),
    )
    pairs = pairs.with_columns(spread(pairs, "clientId", need_c).alias("forClient"))
    after = count_with_planned(ws, pairs, "therapistId", "forClient")
    need_t = deficit(
        pairs.select("therapistId").unique(),
        "therapistId",
        after,
        cfg.minimum("therapist", "worksheets_created"),
    )
    pairs = pairs.with_columns(
        (pl.col("forClient") + spread(pairs, "therapistId", need_t)).alias("n")
    )
    pairs = pairs.filter(pl.col("n") > 0)
    if pairs.is_empty():
        return {"Worksheet": base, "WorksheetSubmission": base_subs}
    row, _, keys = expand(pairs["pkey"].to_numpy() ^ SALT, pairs["n"].to_numpy())
    # A client's new worksheets continue its numbering, so their titles are new to it.
    rows = (
        pairs[row]
        .join(have, on="clientId", how="left", maintain_order="left")
        .with_columns(
            (
                pl.col("len").fill_null(0) + pl.int_range(pl.len(), dtype=pl.Int64).over("clientId")
            ).alias("nth")
        )
        .drop("len")
    )
    sheets, submissions = worksheet_rows(ctx, rows, keys, frames["Meeting"])
    return {
        "Worksheet": pl.concat([base, sheets]),
        "WorksheetSubmission": pl.concat([base_subs, submissions]),
    }
