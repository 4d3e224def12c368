"""Availability: every APPROVED therapist has at least N distinct available days.

Upstream's enricher added UTC windows beside the generator's Asia/Manila ones and skipped
nothing but PENDING therapists (seeder.md §7 row 3, §11.15). Here the new days are in the
therapist's own time zone, like the base rows, with the same keyed hours the generator would
give that (therapist, day); the days are the therapist's keyed choice among the days it does
not cover yet, weekdays first, then Saturday and Sunday.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from seedsnap.context import Context, Frames
from seedsnap.enrichers.common import deficit
from seedsnap.errors import ConfigError
from seedsnap.generators.common import text_keys
from seedsnap.generators.therapy import approved_therapists, availability_rows

READS = ("User", "Therapist", "TherapistAvailability")
WRITES = ("TherapistAvailability",)

# JS getDay() numbers, Monday..Friday then Saturday and Sunday.
_DAYS = pl.DataFrame({"day": [1, 2, 3, 4, 5, 6, 0], "weekend": [0, 0, 0, 0, 0, 1, 1]})


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    n = ctx.config.minimum("therapist", "availability_days")
    if n > len(_DAYS):
        raise ConfigError(
            f"minimums.therapist.availability_days is {n}, but a week has 7 days",
            "set it to 7 or less",
        )
    therapists = approved_therapists(frames)
    rows = frames["TherapistAvailability"].select(
        "therapistId", pl.col("dayOfWeek").cast(pl.Int64, strict=False).alias("day"), "isAvailable"
    )
    have = (
        rows.filter(pl.col("isAvailable"))
        .group_by("therapistId")
        .agg(pl.col("day").n_unique().cast(pl.Int64).alias("len"))
    )
    need = deficit(therapists, "therapistId", have, n)
    if need.is_empty():
        return {}
    # Any row already on a day (available or not) keeps that day out: the unique key is
    # (therapist, day, start, end) and the keyed hours of a day are fixed.
    cand = need.join(_DAYS, how="cross").join(
        rows.select("therapistId", "day").drop_nulls(), on=["therapistId", "day"], how="anti"
    )
    bits = ctx.stream("TherapistAvailability", "top-up-order").bits(
        text_keys(cand["therapistId"]), cand["day"].to_numpy()
    )
    chosen = (
        cand.with_columns(pl.Series("_b", bits))
        .sort("therapistId", "weekend", "_b")
        .filter(pl.int_range(pl.len()).over("therapistId") < pl.col("need"))
        .join(therapists, on="therapistId", how="left")
        .sort("therapistId", "day")
    )
    lo = chosen["approvedMs"].to_numpy().astype(np.int64)
    out = availability_rows(
        ctx,
        chosen,
        chosen["day"].to_numpy().astype(np.int64),
        lo,
        np.full(len(lo), ctx.anchor_ms, dtype=np.int64),
        frames["User"],
    )
    return {"TherapistAvailability": out}
