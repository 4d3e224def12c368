"""ClientEngagement: one row per client, computed from what the client did, not drawn.

Upstream never seeded this table (seeder.md §11.17). Activity events are the client's posts,
comments, hearts, messages sent, journal entries, worksheet submissions and attended
(COMPLETED) sessions; at the anchor:
- loginFrequency: distinct days with activity in the last 30 days (a login a day at least);
- platformUsageScore: 100 * (1 - exp(-events in the last 90 days / 20)), 0..100;
- journalEntryCount: the client's journal entries;
- worksheetCompletionRate: submitted or reviewed worksheets / worksheets assigned;
- meetingAttendanceRate: COMPLETED / (COMPLETED + NO_SHOW) past sessions;
- averageSessionRating: mean rating of the client's reviews (NULL without reviews);
- engagementTrend: events in the last 30 days vs the 30 before: "increasing" above 1.25x,
  "decreasing" below 0.75x, else "stable".
"""

from __future__ import annotations

import polars as pl

from seedsnap.context import Context, Frames, timestamps
from seedsnap.enrichers.common import rate
from seedsnap.generators.clock import waking_between
from seedsnap.generators.common import text_keys
from seedsnap.generators.users import home_offset_of

READS = (
    "Client",
    "Post",
    "Comment",
    "PostHeart",
    "CommentHeart",
    "Message",
    "JournalEntry",
    "Worksheet",
    "WorksheetSubmission",
    "Meeting",
    "Review",
    "ClientEngagement",
)
WRITES = ("ClientEngagement",)


def _events(frames: Frames) -> pl.DataFrame:
    """(userId, at) of every activity event."""
    sub = frames["WorksheetSubmission"].join(
        frames["Worksheet"].select(pl.col("id").alias("worksheetId"), "clientId"),
        on="worksheetId",
        how="inner",
    )
    parts = [
        frames["Post"].select("userId", pl.col("createdAt").alias("at")),
        frames["Comment"].select("userId", pl.col("createdAt").alias("at")),
        frames["PostHeart"].select("userId", pl.col("createdAt").alias("at")),
        frames["CommentHeart"].select("userId", pl.col("createdAt").alias("at")),
        frames["Message"].select(
            pl.col("senderId").alias("userId"), pl.col("createdAt").alias("at")
        ),
        frames["JournalEntry"].select("userId", pl.col("createdAt").alias("at")),
        sub.select(pl.col("clientId").alias("userId"), pl.col("submittedAt").alias("at")),
        frames["Meeting"]
        .filter(pl.col("status") == "COMPLETED")
        .select(pl.col("clientId").alias("userId"), pl.col("startTime").alias("at")),
    ]
    return pl.concat([p.with_columns(pl.col("at").cast(pl.Datetime("ms"))) for p in parts])


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    clients = (
        frames["Client"]
        .select(pl.col("userId").alias("clientId"), "createdAt")
        .join(frames["ClientEngagement"].select("clientId"), on="clientId", how="anti")
        .sort("clientId")
    )
    if clients.is_empty():
        return {}
    a = ctx.anchor_ms
    anchor = pl.lit(a).cast(pl.Datetime("ms"))
    days_ago = (anchor - pl.col("at")).dt.total_days()
    ev = (
        _events(frames)
        .filter(pl.col("at") <= anchor)
        .group_by(pl.col("userId").alias("clientId"))
        .agg(
            pl.col("at").filter(days_ago < 30).dt.date().n_unique().alias("loginFrequency"),
            (days_ago < 90).sum().alias("e90"),
            (days_ago < 30).sum().alias("e30"),
            ((days_ago >= 30) & (days_ago < 60)).sum().alias("e60"),
        )
    )
    journal = (
        frames["JournalEntry"].group_by(pl.col("userId").alias("clientId")).len("journalEntryCount")
    )
    ws = (
        frames["Worksheet"]
        .group_by("clientId")
        .agg(
            pl.len().alias("assigned"),
            pl.col("status").is_in(["SUBMITTED", "REVIEWED"]).sum().alias("submitted"),
        )
    )
    m = (
        frames["Meeting"]
        .group_by("clientId")
        .agg(
            (pl.col("status") == "COMPLETED").sum().alias("attended"),
            pl.col("status").is_in(["COMPLETED", "NO_SHOW"]).sum().alias("due"),
        )
    )
    rating = (
        frames["Review"]
        .group_by("clientId")
        .agg(pl.col("rating").mean().round(2).alias("averageSessionRating"))
    )
    j = clients
    for part in (ev, journal, ws, m, rating):
        j = j.join(part, on="clientId", how="left")
    keys = text_keys(j["clientId"])
    c_at = j["createdAt"].dt.epoch("ms").to_numpy()
    # The row is opened on a visit of the client's: in its waking hours (``clock``).
    home = home_offset_of(ctx, j["clientId"])
    created = waking_between(ctx.stream("ClientEngagement", "fields"), keys, c_at, a, home)
    e30, e60 = pl.col("e30").fill_null(0), pl.col("e60").fill_null(0)
    out = j.select(
        ctx.ids("ClientEngagement", keys),
        "clientId",
        pl.col("loginFrequency").fill_null(0),
        (100 * (1 - (pl.col("e90").fill_null(0).cast(pl.Float64) / -20).exp()))
        .round(1)
        .alias("platformUsageScore"),
        pl.col("journalEntryCount").fill_null(0),
        rate("submitted", "assigned").alias("worksheetCompletionRate"),
        rate("attended", "due").alias("meetingAttendanceRate"),
        "averageSessionRating",
        pl.when(e30 > 1.25 * e60)
        .then(pl.lit("increasing"))
        .when(e30 < 0.75 * e60)
        .then(pl.lit("decreasing"))
        .otherwise(pl.lit("stable"))
        .alias("engagementTrend"),
        anchor.alias("lastCalculatedAt"),
        timestamps(created, "createdAt"),
        anchor.alias("updatedAt"),
    )
    return {"ClientEngagement": out}
