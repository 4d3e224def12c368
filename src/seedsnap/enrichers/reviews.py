"""Reviews: clients who moved on reviewed their past therapists too; every APPROVED
therapist with completed sessions has at least N reviews.

Upstream gave one 4-5 star review to therapists with none (seeder.md §7 row 12). Here:
1. a pair that ended (the generator made its reviews before any pair had) is reviewed as
   the generator reviews the others, half as often (ENDED_REVIEW_SHARE of review_rate per
   pair): one of its COMPLETED meetings, before the pair ended, rated lower (the client
   moved on: ``review_rows``);
2. each APPROVED therapist still short of therapist.reviews_received gets reviews of its
   COMPLETED meetings that have none yet (a keyed choice), each by that meeting's client,
   after the meeting ended, with the generator's rating weights and texts (``review_rows``).
The meetings enricher makes sure such meetings exist.
"""

from __future__ import annotations

import polars as pl

from seedsnap.context import Context, Frames
from seedsnap.enrichers.common import count_by, deficit, take_best
from seedsnap.generators.common import text_keys
from seedsnap.generators.therapy import (
    ENDED_REVIEW_SHARE,
    approved_therapists,
    pair_ends,
    review_rows,
    reviews,
)

READS = ("Therapist", "ClientTherapist", "Meeting", "Review")
WRITES = ("Review",)


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    pairs = frames["ClientTherapist"]
    ends = pairs.select("clientId", "therapistId", pair_ends(ctx, pairs))
    reviewed = frames["Review"].select("meetingId").drop_nulls()
    done = (
        frames["Meeting"]
        .filter(pl.col("status") == "COMPLETED")
        .join(reviewed, left_on="id", right_on="meetingId", how="anti")
        .select("id", "clientId", "therapistId", "endTime", "status")
        .join(ends, on=["clientId", "therapistId"], how="left")
        .sort("id")
    )
    ended = done.filter(pl.col("endMs").is_not_null()).join(
        frames["Review"].select("clientId", "therapistId").unique(),
        on=["clientId", "therapistId"],
        how="anti",
    )
    past = reviews(ctx, ended, ENDED_REVIEW_SHARE) if ended.height else ctx.empty("Review")
    therapists = approved_therapists(frames).select("therapistId")
    need = deficit(
        therapists,
        "therapistId",
        count_by(
            pl.concat([frames["Review"].select("therapistId"), past.select("therapistId")]),
            "therapistId",
        ),
        ctx.config.minimum("therapist", "reviews_received"),
    )
    if need.is_empty():
        return {"Review": past}
    done = done.join(past.select("meetingId"), left_on="id", right_on="meetingId", how="anti")
    done = done.with_columns(pl.Series("_k", text_keys(done["id"])))
    chosen = take_best(ctx, "Review", "top-up", done, "therapistId", need)
    top_up = review_rows(ctx, chosen.drop("_k", "status").sort("id"), frames["Meeting"])
    return {"Review": pl.concat([past, top_up], how="vertical_relaxed")}
