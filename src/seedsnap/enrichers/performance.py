"""TherapistPerformance: one row per APPROVED therapist, computed from the data, not drawn.

Upstream never seeded this table (seeder.md §11.17). Every figure is derived from the rows
the build made, as the app's analytics would compute them at the anchor:
- noShowRate, cancellationRate: NO_SHOW / CANCELLED shares of the therapist's past meetings;
- averageSessionDuration: mean duration (minutes) of its COMPLETED meetings;
- clientRetentionRate: of the clients who paid for at least one session (COMPLETED payment),
  the share who paid for two or more;
- clientProgressRate: of its active clients with two or more assessments, the share whose
  latest PHQ-9 + GAD-7 total is below their first;
- workloadCapacity: active clients per weekly session slot of its availability;
- availabilityUtilization: meetings not cancelled in the four weeks before the anchor per
  slot available in those four weeks;
- averageResponseTime: mean minutes between a message from someone else and the therapist's
  next message in the same conversation; NULL without such replies.
Rates are 0.0 when there is nothing to compute them from.
"""

from __future__ import annotations

import polars as pl

from seedsnap.context import Context, Frames, timestamps
from seedsnap.enrichers.common import rate
from seedsnap.generators.common import between, text_keys
from seedsnap.generators.therapy import approved_therapists, slot_grid

READS = (
    "Therapist",
    "ClientTherapist",
    "TherapistAvailability",
    "Meeting",
    "Payment",
    "PreAssessment",
    "Message",
    "TherapistPerformance",
)
WRITES = ("TherapistPerformance",)


def _progress(frames: Frames) -> pl.DataFrame:
    """Per therapist: active clients with 2+ assessments, and how many of them improved."""
    scores = (
        frames["PreAssessment"]
        .select(
            "clientId",
            "createdAt",
            "id",
            (
                pl.col("scores").str.json_path_match("$.phq9").cast(pl.Int64, strict=False)
                + pl.col("scores").str.json_path_match("$.gad7").cast(pl.Int64, strict=False)
            ).alias("total"),
        )
        .drop_nulls("total")
        .sort("clientId", "createdAt", "id")
    )
    per_client = scores.group_by("clientId").agg(
        pl.len().alias("n"),
        pl.col("total").first().alias("first"),
        pl.col("total").last().alias("last"),
    )
    active = (
        frames["ClientTherapist"]
        .filter(pl.col("status") == "active")
        .select("clientId", "therapistId")
    )
    return (
        active.join(per_client.filter(pl.col("n") >= 2), on="clientId", how="inner")
        .group_by("therapistId")
        .agg(pl.len().alias("assessed"), (pl.col("last") < pl.col("first")).sum().alias("improved"))
    )


def _response_times(frames: Frames, therapists: pl.Series) -> pl.DataFrame:
    """Per therapist: mean minutes from another participant's message to its next message."""
    msgs = frames["Message"].select("conversationId", "senderId", "createdAt", "id")
    if msgs.is_empty():
        return pl.DataFrame(schema={"therapistId": pl.String, "averageResponseTime": pl.Int32})
    msgs = msgs.sort("conversationId", "createdAt", "id").with_columns(
        pl.col("senderId").shift(1).over("conversationId").alias("prevSender"),
        pl.col("createdAt").shift(1).over("conversationId").alias("prevAt"),
    )
    replies = msgs.filter(
        pl.col("senderId").is_in(therapists.implode())
        & pl.col("prevSender").is_not_null()
        & (pl.col("prevSender") != pl.col("senderId"))
    )
    return replies.group_by(pl.col("senderId").alias("therapistId")).agg(
        (
            (pl.col("createdAt") - pl.col("prevAt"))
            .dt.total_minutes()
            .mean()
            .round(0)
            .cast(pl.Int32)
        ).alias("averageResponseTime")
    )


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    t = approved_therapists(frames).join(
        frames["TherapistPerformance"].select("therapistId"), on="therapistId", how="anti"
    )
    if t.is_empty():
        return {}
    a = ctx.anchor_ms
    anchor = pl.lit(a).cast(pl.Datetime("ms"))
    m = frames["Meeting"].with_columns(
        pl.coalesce("endTime", pl.col("startTime") + pl.duration(minutes=pl.col("duration"))).alias(
            "end"
        )
    )
    past = (
        m.filter(pl.col("end") <= anchor)
        .group_by("therapistId")
        .agg(
            pl.len().alias("past"),
            (pl.col("status") == "NO_SHOW").sum().alias("noShow"),
            (pl.col("status") == "CANCELLED").sum().alias("cancelled"),
            pl.col("duration")
            .filter(pl.col("status") == "COMPLETED")
            .mean()
            .alias("averageSessionDuration"),
        )
    )
    recent = (
        m.filter(
            (pl.col("startTime") >= anchor - pl.duration(days=28))
            & (pl.col("end") <= anchor)
            & (pl.col("status") != "CANCELLED")
        )
        .group_by("therapistId")
        .len("recent")
    )
    paid = (
        frames["Payment"]
        .filter(pl.col("status") == "COMPLETED")
        .group_by("therapistId", "clientId")
        .len("sessions")
        .group_by("therapistId")
        .agg(pl.len().alias("payers"), (pl.col("sessions") >= 2).sum().alias("returning"))
    )
    slots = slot_grid(frames["TherapistAvailability"]).group_by("therapistId").len("slots")
    clients = (
        frames["ClientTherapist"]
        .filter(pl.col("status") == "active")
        .group_by("therapistId")
        .len("clients")
    )
    joined = t.select("therapistId", "approvedMs")
    for part in (
        past,
        recent,
        paid,
        slots,
        clients,
        _progress(frames),
        _response_times(frames, t["therapistId"]),
    ):
        joined = joined.join(part, on="therapistId", how="left")
    keys = text_keys(joined["therapistId"])
    created = between(
        ctx.stream("TherapistPerformance", "fields"), keys, joined["approvedMs"].to_numpy(), a
    )
    out = joined.select(
        ctx.ids("TherapistPerformance", keys),
        "therapistId",
        "averageResponseTime",
        rate("returning", "payers").alias("clientRetentionRate"),
        rate("noShow", "past").alias("noShowRate"),
        rate("cancelled", "past").alias("cancellationRate"),
        pl.col("averageSessionDuration").fill_null(0.0).round(2),
        rate("improved", "assessed").alias("clientProgressRate"),
        rate("clients", "slots").alias("workloadCapacity"),
        (
            pl.when(pl.col("slots") > 0)
            .then(pl.col("recent").fill_null(0) / (4 * pl.col("slots")))
            .otherwise(0.0)
            .fill_null(0.0)
            .round(4)
        ).alias("availabilityUtilization"),
        anchor.alias("lastCalculatedAt"),
        timestamps(created, "createdAt"),
        anchor.alias("updatedAt"),
    )
    return {"TherapistPerformance": out}
