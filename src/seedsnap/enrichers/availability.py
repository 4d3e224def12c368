"""Availability: every APPROVED therapist has at least N distinct available days.

Upstream's enricher added UTC windows beside the generator's Asia/Manila ones and skipped
nothing but PENDING therapists (seeder.md §7 row 3, §11.15). Here the new days are in the
therapist's own time zone, like the base rows, with the same keyed hours the generator would
give that (therapist, day); the days are the therapist's keyed choice among the days it does
not cover yet, weekdays first, then Saturday and Sunday.

A build whose anchor falls when a group session can be under way (``group_sessions``'
``_live_start``) holds HOSTS_AT_ANCHOR therapists who could host one then (``_hosts_at_anchor``):
the group session under way must lie in its host's hours, and the therapist with hours over
the default anchor (a Sunday morning: ``therapy.MIN_AT_ANCHOR``) holds the 1:1 session under
way then.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from seedsnap.context import MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, Context, Frames
from seedsnap.enrichers.common import deficit
from seedsnap.errors import ConfigError
from seedsnap.generators.common import ms_of, text_keys
from seedsnap.generators.social_text import GROUP_SESSIONS, WEBINARS
from seedsnap.generators.therapy import (
    anchor_window_keys,
    approved_therapists,
    availability_rows,
    client_up,
    utc_to_local,
)
from seedsnap.generators.users import home_zone_of, still_coming

READS = (
    "User",
    "Therapist",
    "TherapistAvailability",
    "Membership",
    "ModeratorCommunity",
)
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
        return _with_hosts(ctx, frames, ctx.empty("TherapistAvailability"))
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
    return _with_hosts(ctx, frames, out)


# Therapists with hours over a group session under way at the anchor, where one can be (the
# anchor's half hour, ``group_sessions._live_start``): one to host it and one for the 1:1
# session under way (``meetings.MIN_IN_PROGRESS``), who is busy then. Their window holds the
# longest template's session from that start (HOST_SPAN: ``_hosts_at_anchor``'s span).
HOSTS_AT_ANCHOR = 2


def _with_hosts(ctx: Context, frames: Frames, added: pl.DataFrame) -> Frames:
    """``added`` and the rows ``_hosts_at_anchor`` adds, as this enricher's output."""
    more = _hosts_at_anchor(ctx, frames, added)
    out = pl.concat([added, more]) if more.height else added
    return {"TherapistAvailability": out} if out.height else {}


def _hosts_at_anchor(ctx: Context, frames: Frames, added: pl.DataFrame) -> pl.DataFrame:
    """HOSTS_AT_ANCHOR less those there are of the therapists who could host a group session
    under way at the anchor, each with hours over it: where the draws left fewer, the top of a
    keyed ranking of those who could have them get a window of the anchor's local day from
    its hour (``availability_rows``' keyed end, a weekend day's a morning, or later where
    the longest session from the start ends later: HOST_SPAN), those with no window that day
    yet first, then those of a community where MIN_PARTICIPANTS clients are up. Could: an
    APPROVED therapist member still coming, that session within HOST_HOURS of its day, of a
    community with a moderator and a client member still coming who is up at home then
    (``therapy.client_up``)."""
    from seedsnap.enrichers import group_sessions as gs

    live = gs._live_start(ctx)
    if live is None:
        return ctx.empty("TherapistAvailability")
    start = live[0]
    span = _host_span()
    end = start + span * MS_PER_MINUTE
    t = approved_therapists(frames)
    tm = _could_host(ctx, frames, t, start)
    if tm.is_empty():
        return ctx.empty("TherapistAvailability")
    rows = pl.concat([frames["TherapistAvailability"], added])
    n = len(tm)
    covered = gs.in_hours(
        tm["userId"], np.full(n, start), np.full(n, end), gs.hours({"TherapistAvailability": rows})
    )
    short = HOSTS_AT_ANCHOR - int(covered.sum())
    if short <= 0:
        return ctx.empty("TherapistAvailability")
    c = tm.filter(pl.Series(~covered)).join(t.rename({"therapistId": "userId"}), on="userId")
    c = _on_their_day(c, start, span, rows)
    if c.is_empty():
        return ctx.empty("TherapistAvailability")
    windows = _host_windows(ctx, frames, c)
    fits = gs.in_hours(
        windows["therapistId"],
        np.full(c.height, start),
        np.full(c.height, end),
        gs.hours({"TherapistAvailability": windows}),
    )
    # A window keyed as one there already (therapy's MIN_AT_ANCHOR window of that therapist
    # and day, ``anchor_window_keys``) would repeat its id: that therapist is not taken.
    fits &= ~windows["id"].is_in(rows["id"].implode()).to_numpy()
    return windows[_ranked(ctx, c, fits, short)]


def _host_span() -> int:
    """HOST_SPAN: the longest session of any group or webinar template, in minutes."""
    return max(
        max(r[2] for rows in GROUP_SESSIONS.values() for r in rows),
        max(r[2] for rows in WEBINARS.values() for r in rows),
    )


def _could_host(ctx: Context, frames: Frames, t: pl.DataFrame, start: int) -> pl.DataFrame:
    """(userId, group), by userId, of the APPROVED therapists (``t``) still coming who were
    members at ``start`` of a community with a moderator and a client member then still
    coming and up at home (``therapy.client_up``); group: of one where MIN_PARTICIPANTS such
    clients are."""
    from seedsnap.enrichers import group_sessions as gs

    users = frames["User"]
    members = frames["Membership"].select("communityId", "userId", ms_of("joinedAt").alias("since"))
    members = members.filter(pl.col("since") < start)
    moderated = frames["ModeratorCommunity"]["communityId"].unique()
    members = members.filter(pl.col("communityId").is_in(moderated.implode()))
    clients = users.filter(pl.col("role") == "client")["id"]
    cm = members.filter(pl.col("userId").is_in(clients.implode()))
    cm = cm.filter(
        pl.Series(still_coming(ctx, users, cm["userId"]))
        & pl.Series(client_up(start, gs._offset_at(start, home_zone_of(ctx, cm["userId"]))))
    )
    up = cm.group_by("communityId").len("up")
    tm = (
        members.join(t.select(pl.col("therapistId").alias("userId")), on="userId")
        .join(up, on="communityId")
        .group_by("userId")
        .agg((pl.col("up") >= gs.MIN_PARTICIPANTS).any().alias("group"))
        .sort("userId")
    )
    return tm.filter(pl.Series(still_coming(ctx, users, tm["userId"])))


def _on_their_day(c: pl.DataFrame, start: int, span: int, rows: pl.DataFrame) -> pl.DataFrame:
    """``c`` (therapists with their timezone) with day (JS weekday), hour and until: the
    local weekday and hour of ``start`` and the hour a window must reach (the end of a
    ``span``-minute session on its wall clock, rounded up), only those within HOST_HOURS; and
    works: it has a window that day among ``rows`` already."""
    from seedsnap.enrichers import group_sessions as gs

    local = utc_to_local(np.full(c.height, start), c["timezone"].cast(pl.String))
    dow = (local // MS_PER_DAY + 4) % 7  # 1970-01-01 was a Thursday
    hour = (local % MS_PER_DAY) // MS_PER_HOUR
    # The hour its window must reach: the session's end on its wall clock, rounded up.
    until = -(-((local % MS_PER_DAY) // MS_PER_MINUTE + span) // 60)
    c = c.with_columns(pl.Series("day", dow), pl.Series("hour", hour), pl.Series("until", until))
    c = c.filter((pl.col("hour") >= gs.HOST_HOURS[0]) & (pl.col("until") <= gs.HOST_HOURS[1]))
    # One with no window that day yet first; one with a window then takes another (its
    # evening, where the anchor falls after its day's hours).
    that_day = rows.select(
        pl.col("therapistId").alias("userId"),
        pl.col("dayOfWeek").cast(pl.Int64, strict=False).alias("day"),
    ).unique()
    return c.join(
        that_day.with_columns(pl.lit(True).alias("works")), on=["userId", "day"], how="left"
    ).with_columns(pl.col("works").fill_null(False))


def _host_windows(ctx: Context, frames: Frames, c: pl.DataFrame) -> pl.DataFrame:
    """The window each of ``c`` (``_on_their_day``) would get: ``availability_rows`` of its
    day from its hour to its until, keyed apart (``therapy.anchor_window_keys``)."""
    rows = availability_rows(
        ctx,
        c.rename({"userId": "therapistId"}),
        c["day"].to_numpy().astype(np.int64),
        c["approvedMs"].to_numpy().astype(np.int64),
        np.full(c.height, ctx.anchor_ms, dtype=np.int64),
        frames["User"],
        c["hour"].to_numpy().astype(np.int64),
        c["until"].to_numpy().astype(np.int64),
    )
    # Keyed apart from the (therapist, day) rows the generator draws (one may be there), as
    # therapy's MIN_AT_ANCHOR windows are (``_hosts_at_anchor`` takes no id twice).
    keys = anchor_window_keys(c["userId"], c["day"].to_numpy())
    return rows.with_columns(ctx.ids("TherapistAvailability", keys).alias("id"))


def _ranked(
    ctx: Context, c: pl.DataFrame, fits: npt.NDArray[np.bool_], short: int
) -> npt.NDArray[np.int64]:
    """The rows of ``c`` whose window ``fits`` to take, ``short`` at most, by userId: those
    with no window that day first (works), then those of a community where enough clients
    are up (group), then a keyed ranking."""
    bits = ctx.stream("TherapistAvailability", "group-host").bits(text_keys(c["userId"]))
    top = (
        c.select(
            "userId", "group", "works", pl.Series("_b", bits), pl.Series("_i", np.arange(c.height))
        )
        .filter(pl.Series(fits))
        .sort("works", ~pl.col("group"), "_b", "userId")
        .head(short)
        .sort("userId")
    )
    out: npt.NDArray[np.int64] = top["_i"].to_numpy()
    return out


def host_window_ids(ctx: Context, therapists: pl.Series) -> pl.Series:
    """The ids a host's window (``_hosts_at_anchor``), or a window of ``therapy``'s
    MIN_AT_ANCHOR (``therapy.anchor_window_keys``), of each of ``therapists`` would take on
    any weekday: those windows follow the communities' members and the pairs (as meetings
    follow the pairs), so a build at another scale may give them to other therapists."""
    days = np.tile(np.arange(7, dtype=np.int64), len(therapists))
    return ctx.ids(
        "TherapistAvailability",
        anchor_window_keys(therapists.gather(np.repeat(np.arange(len(therapists)), 7)), days),
    )
