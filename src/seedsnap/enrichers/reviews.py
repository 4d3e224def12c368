"""Reviews: every review, written over the final meetings; every APPROVED therapist with
completed sessions has at least N reviews.

The reviews are made here rather than in the therapy generator because the meetings
enricher adds COMPLETED meetings between the generator's: a review's text is an early
impression only when its pair had completed at most EARLY_REVIEW_SESSIONS sessions by then,
counted over the final meetings. Upstream gave one 4-5 star review to therapists with none
(seeder.md §7 row 12). Here:
1. a pair that goes on (no end: ``pair_ends``) is reviewed at review_rate: one of its
   COMPLETED meetings, by its client, after the meeting ended (``reviews``, ``review_rows``);
2. a pair that ended is reviewed half as often (ENDED_REVIEW_SHARE of review_rate per
   pair): one of its COMPLETED meetings, before the pair ended, rated lower (the client
   moved on: ``review_rows``);
3. each APPROVED therapist still short of therapist.reviews_received gets reviews of its
   COMPLETED meetings that have none yet (a keyed choice), each by that meeting's client,
   after the meeting ended, with the same rating weights and texts (``review_rows``).
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

READS = ("User", "Therapist", "ClientTherapist", "Meeting", "Review")
WRITES = ("Review",)


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    pairs = frames["ClientTherapist"]
    meetings = frames["Meeting"]
    users = frames["User"]
    ends = pairs.select("clientId", "therapistId", pair_ends(ctx, pairs, users))
    reviewed = frames["Review"].select("meetingId").drop_nulls()
    done = (
        meetings.filter(pl.col("status") == "COMPLETED")
        .join(reviewed, left_on="id", right_on="meetingId", how="anti")
        .select("id", "clientId", "therapistId", "endTime", "status")
        .join(ends, on=["clientId", "therapistId"], how="left")
        .sort("id")
    )
    unreviewed = done.join(
        frames["Review"].select("clientId", "therapistId").unique(),
        on=["clientId", "therapistId"],
        how="anti",
    )
    ongoing = unreviewed.filter(pl.col("endMs").is_null())
    ended = unreviewed.filter(pl.col("endMs").is_not_null())
    made = pl.concat(
        [
            reviews(ctx, ongoing, meetings, users),
            reviews(ctx, ended, meetings, users, ENDED_REVIEW_SHARE),
        ],
        how="vertical_relaxed",
    )
    therapists = approved_therapists(frames).select("therapistId")
    need = deficit(
        therapists,
        "therapistId",
        count_by(
            pl.concat([frames["Review"].select("therapistId"), made.select("therapistId")]),
            "therapistId",
        ),
        ctx.config.minimum("therapist", "reviews_received"),
    )
    if need.is_empty():
        return {"Review": made}
    done = done.join(made.select("meetingId"), left_on="id", right_on="meetingId", how="anti")
    done = done.with_columns(pl.Series("_k", text_keys(done["id"])))
    chosen = take_best(ctx, "Review", "top-up", done, "therapistId", need)
    top_up = review_rows(ctx, chosen.drop("_k", "status").sort("id"), meetings, users)
    return {"Review": pl.concat([made, top_up], how="vertical_relaxed")}
