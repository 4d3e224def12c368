"""ClientEngagement: one row per client, computed from what the client did, not drawn.

Upstream never seeded this table (seeder.md §11.17) and its schema says no more than the
columns (engagementTrend defaults to 'stable'; the three values below are the app's). Activity
events are the client's posts, comments, hearts, messages sent, journal entries, worksheet
submissions and attended (COMPLETED) sessions; at the anchor:
- loginFrequency: the days of the last LOGIN_WINDOW (local days of the client's home, today
  included) on which the client was logged in: a day with any of its acts
  (``logins.ACTS``) or its last login (``User.lastLoginAt``, set by the logins step before
  this one from ``logins.login_times``), so a client seen in the window logged in on at least
  one of its days;
- platformUsageScore: events per 30 days of membership over the last 90 days (or since
  sign-up), on a log scale: 100 * ln(1 + rate) / ln(1 + USAGE_FULL), at most 100 (5 events
  a month scores 29, 30 a month 56, 100 a month 76, USAGE_FULL or more 100);
- journalEntryCount: the client's journal entries;
- worksheetCompletionRate: submitted or reviewed worksheets / worksheets assigned;
- meetingAttendanceRate: COMPLETED / (COMPLETED + NO_SHOW) past sessions;
- averageSessionRating: mean rating of the client's reviews (NULL without reviews);
- engagementTrend: events per day of membership in the last 30 days vs the 30 before:
  "increasing" above TREND_BAND[1] times, "decreasing" below TREND_BAND[0] times, else
  "stable"; also "stable" for a client a member fewer than TREND_MIN_DAYS of the 30 before
  (nothing to compare with: a recent sign-up is not "increasing" for having signed up).
"""

from __future__ import annotations

import math

import polars as pl

from seedsnap.context import MS_PER_DAY, Context, Frames, timestamps
from seedsnap.enrichers import logins
from seedsnap.enrichers.common import rate
from seedsnap.generators.clock import waking_between
from seedsnap.generators.common import ms_of, text_keys
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
    # Login days: the client's acts and last login (User.lastLoginAt, which logins sets).
    *logins.ACT_TABLES,
)
WRITES = ("ClientEngagement",)

LOGIN_WINDOW = 30  # days
USAGE_FULL = 450  # events per 30 days (15 a day) that score 100
TREND_BAND = (0.8, 1.25)
TREND_MIN_DAYS = 7
TRENDS = ("increasing", "stable", "decreasing")


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


def _login_days(ctx: Context, frames: Frames, clients: pl.Series) -> pl.DataFrame:
    """(clientId, loginFrequency): the local days of the last LOGIN_WINDOW with an act of the
    client's or its last login, today (the anchor's) included."""
    # The last login is User.lastLoginAt (NULL: never logged in): this step reads User, which
    # the logins step sets, so it runs after that one, and the column holds what
    # ``logins.login_times`` gives (derived again here, it cost a fifth of this step).
    user = frames["User"].lazy()
    parts = [user.select(pl.col("id").alias("userId"), ms_of("lastLoginAt").alias("at"))]
    for a in logins.ACTS:
        parts.append(logins.act_rows(frames, a).lazy().select("userId", ms_of("at").alias("at")))
    # An act more than LOGIN_WINDOW + 1 days before the anchor is on a local day out of the
    # window whatever the home's offset: only the acts of those days are joined (to the
    # clients' homes: the acts of clients only) and grouped, in one lazy query, so the
    # filters run on each part, not on a copy of 1.1M acts.
    since = ctx.anchor_ms - (LOGIN_WINDOW + 1) * MS_PER_DAY
    home = pl.DataFrame(
        {"userId": clients, "home": home_offset_of(ctx, clients)},
        schema={"userId": pl.String, "home": pl.Int64},
    )
    day = (pl.col("at") + pl.col("home")).floordiv(MS_PER_DAY)
    today = (pl.lit(ctx.anchor_ms) + pl.col("home")).floordiv(MS_PER_DAY)
    return (
        pl.concat(parts)
        .drop_nulls()
        .filter(pl.col("at").is_between(since, ctx.anchor_ms))
        .join(home.lazy(), on="userId")
        .filter(today - day < LOGIN_WINDOW)
        .group_by(pl.col("userId").alias("clientId"))
        .agg(day.n_unique().cast(pl.Int32).alias("loginFrequency"))
        .collect()
    )


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
    # Only the events of the last 90 days count (a client with none has NULLs, as one
    # without events, and both count 0).
    ev = (
        _events(frames)
        .filter((pl.col("at") <= anchor) & (days_ago < 90))
        .group_by(pl.col("userId").alias("clientId"))
        .agg(
            (days_ago < 90).sum().alias("e90"),
            (days_ago < 30).sum().alias("e30"),
            ((days_ago >= 30) & (days_ago < 60)).sum().alias("e60"),
        )
    )
    days = _login_days(ctx, frames, clients["clientId"])
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
    for part in (ev, days, journal, ws, m, rating):
        j = j.join(part, on="clientId", how="left")
    keys = text_keys(j["clientId"])
    c_at = j["createdAt"].dt.epoch("ms").to_numpy()
    # The row is opened on a visit of the client's: in its waking hours (``clock``).
    home = home_offset_of(ctx, j["clientId"])
    created = waking_between(ctx.stream("ClientEngagement", "fields"), keys, c_at, a, home)
    e30, e60 = pl.col("e30").fill_null(0), pl.col("e60").fill_null(0)
    # Days of membership (signed up so long before the anchor) in each window.
    member = (anchor - pl.col("createdAt").cast(pl.Datetime("ms"))).dt.total_milliseconds() / (
        MS_PER_DAY
    )
    in30 = member.clip(0, 30).clip(lower_bound=1)
    in60 = (member - 30).clip(0, 30)
    in90 = member.clip(0, 90).clip(lower_bound=1)
    usage = pl.col("e90").fill_null(0).cast(pl.Float64) * 30 / in90
    r30, r60 = e30 / in30, e60 / pl.when(in60 > 0).then(in60).otherwise(1)
    out = j.select(
        ctx.ids("ClientEngagement", keys),
        "clientId",
        pl.col("loginFrequency").fill_null(0),
        (100 * usage.log1p() / math.log1p(USAGE_FULL))
        .clip(upper_bound=100)
        .round(1)
        .alias("platformUsageScore"),
        pl.col("journalEntryCount").fill_null(0),
        rate("submitted", "assigned").alias("worksheetCompletionRate"),
        rate("attended", "due").alias("meetingAttendanceRate"),
        "averageSessionRating",
        pl.when(in60 < TREND_MIN_DAYS)
        .then(pl.lit(TRENDS[1]))
        .when(r30 > TREND_BAND[1] * r60)
        .then(pl.lit(TRENDS[0]))
        .when(r30 < TREND_BAND[0] * r60)
        .then(pl.lit(TRENDS[2]))
        .otherwise(pl.lit(TRENDS[1]))
        .alias("engagementTrend"),
        anchor.alias("lastCalculatedAt"),
        timestamps(created, "createdAt"),
        anchor.alias("updatedAt"),
    )
    return {"ClientEngagement": out}
