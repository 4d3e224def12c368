"""Reviews: every APPROVED therapist with completed sessions has at least N reviews.

Upstream gave one 4-5 star review to therapists with none (seeder.md §7 row 12). Here each
APPROVED therapist short of therapist.reviews_received gets reviews of its COMPLETED meetings
that have none yet (a keyed choice), each by that meeting's client, after the meeting ended,
with the generator's rating weights and texts (``review_rows``). The meetings enricher makes
sure such meetings exist.
"""

from __future__ import annotations

import polars as pl

from seedsnap.context import Context, Frames
from seedsnap.enrichers.common import count_by, deficit, take_best
from seedsnap.generators.common import text_keys
from seedsnap.generators.therapy import approved_therapists, review_rows

READS = ("Therapist", "Meeting", "Review")
WRITES = ("Review",)


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    therapists = approved_therapists(frames).select("therapistId")
    need = deficit(
        therapists,
        "therapistId",
        count_by(frames["Review"], "therapistId"),
        ctx.config.minimum("therapist", "reviews_received"),
    )
    if need.is_empty():
        return {}
    reviewed = frames["Review"].select("meetingId").drop_nulls()
    done = (
        frames["Meeting"]
        .filter(pl.col("status") == "COMPLETED")
        .join(reviewed, left_on="id", right_on="meetingId", how="anti")
        .select("id", "clientId", "therapistId", "endTime")
    )
    done = done.with_columns(pl.Series("_k", text_keys(done["id"])))
    chosen = take_best(ctx, "Review", "top-up", done, "therapistId", need)
    return {"Review": review_rows(ctx, chosen.drop("_k").sort("id"), frames["Meeting"])}
