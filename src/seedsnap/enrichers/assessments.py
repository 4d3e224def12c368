"""Assessments: every client has at least N completed pre-assessments; one who has seen its
therapist recommendations at least its intake (the app recommends from it); one who signed up
long ago has re-taken it more often (one per FOLLOW_UP_DAYS of tenure, up to MAX_BY_TENURE).
A client re-takes it no sooner than ``therapy.RETAKE_DAYS`` after the one before: one whose
intake is too recent for N of them (``therapy.retakes_fit`` of its time to the anchor) has as
many as fit, at least the intake (check's min:client.completed_assessments holds only the
others to N). One who stopped coming before there was room came back to re-take it, as the
hearts of one who stopped come after (``therapy.assessment_rows``).

Upstream's enricher added identical mock rows in a second JSON shape, never processed
(seeder.md §7 row 4, §11.14). Here a client's k-th assessment comes from the generator's
``assessment_rows``: the same shape, answers around the client's own keyed levels (so a
client's assessments agree with each other and drift with a keyed improvement over time),
scores that are the sums of the answers and severity levels by the standard cut-offs.
"""

from __future__ import annotations

import polars as pl

from seedsnap.context import MS_PER_DAY, Context, Frames
from seedsnap.enrichers.common import count_by, deficit
from seedsnap.generators.common import text_keys
from seedsnap.generators.therapy import assessment_rows, intake_ms, retakes_fit
from seedsnap.generators.users import verified, with_seen
from seedsnap.random import expand

READS = ("User", "Client", "PreAssessment")
WRITES = ("PreAssessment",)

# A client takes the assessment again about every FOLLOW_UP_DAYS: one more per such stretch
# since it signed up, up to MAX_BY_TENURE (the minimum still applies).
FOLLOW_UP_DAYS = 45
MAX_BY_TENURE = 4


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    clients = frames["Client"].select(
        pl.col("userId").alias("clientId"),
        pl.col("createdAt").dt.epoch("ms").alias("createdMs"),
        "hasSeenTherapistRecommendations",
        pl.col("userId").is_in(verified(frames["User"]).implode()).alias("verified"),
    )
    # Re-taken while the client still comes (``users.last_seen``): tenure counts to then.
    clients = with_seen(ctx, frames["User"], clients, user="clientId").rename({"seen": "seenMs"})
    have = count_by(frames["PreAssessment"], "clientId")
    # A client saw therapist recommendations after its intake assessment: it has one. A
    # client re-takes it every FOLLOW_UP_DAYS or so: longer-standing clients have more.
    least = ctx.config.minimum("client", "completed_assessments")
    tenure = (pl.col("seenMs") - pl.col("createdMs")) // (FOLLOW_UP_DAYS * MS_PER_DAY)
    minimum = pl.max_horizontal(
        pl.lit(least),
        pl.col("hasSeenTherapistRecommendations").cast(pl.Int64),
        (1 + tenure).clip(1, MAX_BY_TENURE),
    )
    # No more than fit the client's time from its intake to the anchor, spaced RETAKE_DAYS
    # apart: a recent sign-up has fewer.
    intake = intake_ms(ctx, clients["clientId"], clients["createdMs"].to_numpy())
    clients = clients.with_columns(pl.Series("fits", retakes_fit(ctx.anchor_ms - intake)))
    minimum = pl.min_horizontal(minimum, pl.col("fits"))
    # A client who has not verified its email has just signed up: with the intake that
    # registration stores, and no other (the client minimums are of verified clients).
    minimum = pl.when(pl.col("verified")).then(minimum).otherwise(1)
    need = deficit(clients, "clientId", have, minimum)
    if need.is_empty():
        return {}
    need = need.join(have, on="clientId", how="left").with_columns(
        pl.col("len").fill_null(0), (pl.col("len").fill_null(0) + pl.col("need")).alias("total")
    )
    row, index, _ = expand(text_keys(need["clientId"]), need["need"].to_numpy())
    # The k-th assessment of a client continues its own numbering (0 is the intake).
    nth = need["len"].to_numpy()[row] + index
    who = (
        need[row]
        .select("clientId", "total")
        .join(
            clients.drop("hasSeenTherapistRecommendations", "verified", "fits"),
            on="clientId",
            how="left",
            maintain_order="left",
        )
    )
    return {"PreAssessment": assessment_rows(ctx, who, nth)}
