"""Therapy: availability, meetings and notes, worksheets and submissions, assessments; the
building blocks of reviews (the reviews enricher writes them, over the final meetings).

Fixes over upstream (seeder.md §6.3 and §11):
- availability only for APPROVED therapists, in the therapist's own IANA time zone (§11.15);
- meetings lie on the therapist's available weekly slots in local wall time (converted to UTC
  per zone), never on a US federal holiday of the therapist's calendar, and never overlap for a therapist or for a client, by construction (``schedule``);
  their status agrees with the anchor and createdAt lies between the pairing and the start
  (§11.5, §11.8); every COMPLETED meeting has notes (§7.1), written by the notes enricher
  from ``notes_rows`` once the worksheets and assessments they speak of exist;
- worksheets are homework given at a session the pair held, ended pairs' too (upstream gave
  them to active pairs only, at any time); they use OVERDUE; they are due at the end of a day
  of the client's; a submission comes after assignment and before the due date (§11.9), and
  is reviewed by the pair's next held session, mostly (``worksheet_rows``: the worksheets
  enricher makes them, once every meeting exists);
- one assessment JSON shape whose scores are the sums of its answers and whose severity
  levels follow the standard cut-offs (§11.14); processedAt >= createdAt (§11.8);
- reviews come after the meeting ended and before the anchor (§11.8);
- nobody acts after they were last seen (``users.last_seen``): sessions are held, booked,
  noted, reviewed, assigned and submitted by then, by whoever does each, in their waking
  hours (``clock``: hours set, bookings, assignments, submissions, assessments, reviews).

The building blocks are shared with the enrichers (availability, assessments, meetings,
worksheets, reviews), so top-ups follow the same rules as the base data.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from seedsnap.arrays import (
    choose_eligible,
    dense_codes,
    distinct_inverse,
    hhmm_minutes,
    rows_in,
    series_from_arrow,
    sort_positions,
    text_from_bytes,
)
from seedsnap.config import BOOK_AHEAD_WEEKS, PAST_PAIR_DAYS, PER_SESSION, Config
from seedsnap.context import MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, Context, Frames, timestamps
from seedsnap.generators import therapy_text as tx
from seedsnap.generators.clock import (
    NIGHT_HOURS,
    WORKDAY,
    holiday_days,
    waking_between,
    waking_soon_after,
)
from seedsnap.generators.common import (
    JsonText,
    between,
    json_list,
    json_object,
    ms,
    pick,
    pick_text,
    rank_in_run,
    ranks,
    text_keys,
)
from seedsnap.generators.users import (
    MIN_ACTIVE_SPAN,
    home_offset_of,
    home_zone_of,
    seen_of,
    still_coming,
)
from seedsnap.ids import cuid
from seedsnap.random import I64, U64, Stream, child_keys, name_key

READS = ("User", "Client", "Therapist", "ClientTherapist")
WRITES = ("TherapistAvailability", "Meeting", "PreAssessment")

MS_PER_WEEK = 7 * MS_PER_DAY
WEEKDAYS = np.arange(1, 6)  # "1".."5" = Monday..Friday, as upstream and the app store them
# Some therapists also see clients on a weekend morning (clients who work weekdays book
# them, as on real platforms): WEEKEND_P of them on Saturday ("6"), from MORNING_FROM
# (start hour, [lo, hi)) until MORNING_UNTIL local time; any weekend day's hours are a
# morning (WEEKEND, "0" is Sunday). ``schedule``'s weeks run Monday to Sunday and hold one
# session of a pair each, so a Sunday session could fall the day before the next Monday's:
# its series take no Sunday slot (``weekly_grid``).
WEEKEND = np.array([6, 0])
WEEKEND_DRAWN = np.array([6])
WEEKEND_P = 0.3
MORNING_FROM = (7, 9)
MORNING_UNTIL = (11, 14)
# A build whose anchor falls on a weekend morning some therapist could work holds at least
# MIN_AT_ANCHOR therapists with hours over it (``availability``): testers need a session
# under way (IN_PROGRESS), and the default anchor is a Sunday at 07:00 in New York.
MIN_AT_ANCHOR = 1
# The child index of the key of a window given for a session under way at the anchor (the
# MIN_AT_ANCHOR ones, and the availability enricher's hosts of a group session then):
# ``anchor_window_keys``.
ANCHOR_WINDOW_CHILD = 0x484F_5354  # "HOST"
# Slots start every SLOT_STEP minutes from the start of an available window, and the longest
# session is shorter than the step, so two slots of one therapist never overlap.
SLOT_STEP = 120
# A meeting lasts the therapist's standard session ("sessionLength", e.g. 50 or 60 minutes)
# mostly, else it is a short check-in or an extended session: (short, standard, extended).
SHORT_SESSION, EXTENDED_SESSION = 30, 90
DURATION_P = (0.1, 0.8, 0.1)
DEFAULT_SESSION = 60  # when a therapist's sessionLength does not say
MAX_DURATION = EXTENDED_SESSION
# A share of sessions starts HALF_HOUR into its slot (at :30: windows start on the hour),
# where its window has room; it still ends by the next slot, as MAX_DURATION + HALF_HOUR
# <= SLOT_STEP. (Clinicians book on the half hour too; all on the hour looked machine-made.)
HALF_HOUR = 30
HALF_HOUR_P = 0.25
# Sessions of a pair lie SESSION_GAP_DAYS local dates apart or more (weekly therapy; Friday
# to Monday at the least): a week apart by the scheduler's pair key, and for the past
# sessions a therapist must have held, which that key does not hold, by day keys. Where a
# minimum cannot be met so, two sessions of a week lie MIN_SESSION_GAP_DAYS apart at least
# (twice-weekly therapy, Monday and Wednesday): a young pair with many sessions to fit.
SESSION_GAP_DAYS = 3
MIN_SESSION_GAP_DAYS = 2
# How many weeks ahead a pair has its sessions booked (its recurring slot in each of them):
# the next one or two mostly, a month or more now and then. A minimum that needs more
# sessions than fit stretches that, never past BOOK_AHEAD_WEEKS (config).
BOOKED_WEEKS = (1, 2, 3, 4, 6)
BOOKED_WEEKS_P = (0.2, 0.35, 0.25, 0.12, 0.08)
# Weeks of slack a stretched series keeps for slots its therapist or client already holds.
STRETCH_SLACK_WEEKS = 2
# Salts of the keys of enricher-made rows, so they never collide with generator keys.
ASSESSMENT_SALT = name_key("therapy", "assessment")
_NO_TIME = np.iinfo(np.int64).min
_PACKED_BITS = 63  # candidates sort on one int64 key when their order fields fit in it


# -- time -------------------------------------------------------------------------------------


def _convert(values: npt.ArrayLike, zones: npt.ArrayLike | pl.Series, to_utc: bool) -> I64:
    """Local wall time -> UTC (``to_utc``) or UTC -> local wall time, per row's IANA zone
    (NULL zone: ``_NO_TIME``). A local time that does not exist (a DST gap) becomes
    ``_NO_TIME``; an ambiguous one takes the earlier."""
    v = np.asarray(values, dtype=np.int64)
    out = np.full(len(v), _NO_TIME, dtype=np.int64)
    for zone, rows, distinct, back in _by_zone(v, zones):
        t = pl.Series(distinct).cast(pl.Datetime("ms"))
        if to_utc:
            t = t.dt.replace_time_zone(zone, ambiguous="earliest", non_existent="null")
            t = t.dt.convert_time_zone("UTC")
        else:
            t = t.dt.replace_time_zone("UTC").dt.convert_time_zone(zone)
        conv = t.dt.replace_time_zone(None).dt.epoch("ms").fill_null(_NO_TIME).to_numpy()
        out[rows] = conv.astype(np.int64)[back]
    return out


def _by_zone(values: I64, zones: npt.ArrayLike | pl.Series) -> Iterator[tuple[str, I64, I64, I64]]:
    """Per IANA zone of ``zones`` (by name; rows of a NULL zone in none): the zone, its rows,
    the distinct ``values`` of those rows (ascending) and each row's position among them.

    Polars converts one zone per column, so the rows are split by zone (an enum code per
    row, no string comparisons) and only the distinct times of each zone are converted
    (meeting slots repeat a few thousand wall times over many rows), then gathered back.
    """
    tz = zones if isinstance(zones, pl.Series) else pl.Series(np.asarray(zones, dtype=object))
    tz = _zone_codes(tz)
    assert isinstance(tz.dtype, pl.Enum)
    code = tz.to_physical().fill_null(-1).to_numpy()
    for k, zone in enumerate(tz.dtype.categories.to_list()):
        rows = np.flatnonzero(code == k)
        distinct, back = distinct_inverse(values[rows], MS_PER_MINUTE)
        yield zone, rows, distinct, back


def _zone_codes(zones: pl.Series) -> pl.Series:
    """Time zone names as an enum of the few present, so rows carry a code, not the text."""
    if isinstance(zones.dtype, pl.Enum):
        return zones
    names = zones.cast(pl.String)
    return names.cast(pl.Enum(names.unique().drop_nulls().sort()))


def local_to_utc(local_ms: npt.ArrayLike, zones: npt.ArrayLike) -> I64:
    return _convert(local_ms, zones, to_utc=True)


def utc_to_local(utc_ms: npt.ArrayLike, zones: npt.ArrayLike) -> I64:
    return _convert(utc_ms, zones, to_utc=False)


def utc_to_local_text(utc_ms: pl.Series, zones: pl.Series, fmt: str) -> pl.Series:
    """The times ``utc_ms`` (epoch ms; NULL stays NULL) written by ``fmt`` (polars'
    ``strftime``; "%Z" is the zone's abbreviation then: EST, EDT, ...) on the wall clock of
    each row's zone of ``zones`` (an IANA name; UTC when NULL).

    Each distinct time of a zone is written once and the texts gathered back by row: no
    Python string per row.
    """
    ms = utc_ms.fill_null(0).to_numpy().astype(np.int64, copy=False)
    pieces, row = [], np.empty(len(ms), dtype=np.int64)
    done = 0
    for zone, rows, distinct, back in _by_zone(ms, zones.cast(pl.String).fill_null("UTC")):
        row[rows] = done + back
        done += len(distinct)
        local = pl.Series(distinct).cast(pl.Datetime("ms", "UTC")).dt.convert_time_zone(zone)
        pieces.append(local.dt.strftime(fmt))
    text = pl.concat(pieces) if pieces else pl.Series([], dtype=pl.String)
    return pl.select(
        pl.when(pl.lit(utc_ms.is_not_null())).then(pl.lit(text.gather(row))).alias(utc_ms.name)
    ).to_series()


def _week(days: npt.ArrayLike) -> I64:
    """Monday-based week number of a day number (days since 1970-01-01, a Thursday)."""
    return (np.asarray(days, dtype=np.int64) + 3) // 7


def unless(values: npt.ArrayLike | pl.Series, null: npt.ArrayLike, name: str) -> pl.Series:
    """A String column of ``values`` (texts), NULL where ``null``."""
    if isinstance(values, pl.Series):
        if values.dtype != pl.String:  # a cast would spell booleans and floats its own way
            raise TypeError(f"unless takes a String series, not {values.dtype}")
        v = values.alias(name)
    else:
        v = pl.Series(name, np.asarray(values).astype(str), dtype=pl.String)
    return pl.select(
        pl.when(pl.lit(pl.Series(np.asarray(null, dtype=bool)))).then(None).otherwise(v).alias(name)
    ).to_series()


def list_column(
    values: npt.NDArray[Any], mask: npt.NDArray[np.bool_], name: str, dtype: pl.DataType
) -> pl.Series:
    """Row i = the values[i, j] where mask[i, j], in column order, as a list column."""
    counts = mask.sum(axis=1)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    inner = pa.array(values[mask], type=pa.string())
    return series_from_arrow(name, pa.ListArray.from_arrays(pa.array(offsets), inner)).cast(dtype)


# -- who takes part ---------------------------------------------------------------------------


def approved_therapists(frames: Frames) -> pl.DataFrame:
    """APPROVED therapists: therapistId, timezone, createdAt/processingDate as ms, by id."""
    t = frames["Therapist"].filter(pl.col("status") == "APPROVED")
    return t.select(
        pl.col("userId").alias("therapistId"),
        "timezone",
        pl.col("createdAt").dt.epoch("ms").alias("createdMs"),
        pl.max_horizontal("createdAt", pl.col("processingDate").fill_null(pl.col("createdAt")))
        .dt.epoch("ms")
        .alias("approvedMs"),
    ).sort("therapistId")


def session_minutes(frames: Frames) -> pl.DataFrame:
    """therapistId, sessionMinutes: the leading number of sessionLength ("50 minutes"), kept
    within the slots' bounds, DEFAULT_SESSION when it has none."""
    return frames["Therapist"].select(
        pl.col("userId").alias("therapistId"),
        pl.col("sessionLength")
        .str.extract(r"^\s*(\d+)", 1)
        .cast(pl.Int64, strict=False)
        .fill_null(DEFAULT_SESSION)
        .clip(SHORT_SESSION, MAX_DURATION)
        .alias("sessionMinutes"),
    )


def active_pairs(ctx: Context, frames: Frames) -> pl.DataFrame:
    """Active pairs with an APPROVED therapist: ids, assignedMs, timezone, sessionMinutes (the
    therapist's standard session length), pkey, seenC and seenT (when the client and the
    therapist were last seen: ``users.last_seen``), stillC (whether the client still comes:
    ``users.still_coming``); by pair id."""
    return _pairs(ctx, frames, active=True)


def _pairs(
    ctx: Context, frames: Frames, active: bool, ends: pl.Series | None = None
) -> pl.DataFrame:
    """The ``active`` (else the other) pairs with an APPROVED therapist, as ``active_pairs``
    says, plus ``ends`` (a column over all ClientTherapist rows) when given."""
    t = approved_therapists(frames).select("therapistId", "timezone")
    t = t.join(session_minutes(frames), on="therapistId", how="left")
    ct = frames["ClientTherapist"]
    extra = [] if ends is None else [ends.name]
    pairs = (
        (ct if ends is None else ct.with_columns(ends))
        .filter((pl.col("status") == "active") == active)
        .join(t, on="therapistId", how="inner")
        .select(
            pl.col("id").alias("pairId"),
            "clientId",
            "therapistId",
            "timezone",
            pl.col("assignedAt").dt.epoch("ms").alias("assignedMs"),
            "sessionMinutes",
            *extra,
        )
        .sort("pairId")
    )
    users = frames["User"]
    return pairs.with_columns(
        pl.Series("pkey", text_keys(pairs["pairId"]), dtype=pl.UInt64),
        pl.Series("seenC", seen_of(ctx, users, pairs["clientId"])),
        pl.Series("seenT", seen_of(ctx, users, pairs["therapistId"])),
        pl.Series("stillC", still_coming(ctx, users, pairs["clientId"])),
    )


# A client who stopped (its last pair ended, no active one) stopped within this many weeks.
STOPPED_WITHIN_WEEKS = 12


def pair_ends(ctx: Context, pairs: pl.DataFrame, users: pl.DataFrame) -> pl.Series:
    """endMs of each of ``pairs`` (ClientTherapist rows): when the pair ended.

    No column records it: a pair ends when the client's next pair (by assignedAt, then id)
    begins. A client's last pair runs on when active (NULL); when inactive the client stopped,
    PAST_PAIR_DAYS to STOPPED_WITHIN_WEEKS after it began (a keyed draw), before the anchor,
    and by the time the client was last seen (``users.last_seen`` over ``users``): its
    therapy stopped when it stopped coming, if not before.
    """
    at = pairs["assignedAt"].dt.epoch("ms")
    nxt = (
        pairs.select("id", "clientId", at.alias("_a"))
        .with_row_index("_r")
        .sort("clientId", "_a", "id")
        .with_columns(pl.col("_a").shift(-1).over("clientId").alias("_n"))
        .sort("_r")["_n"]
    )
    start = at.to_numpy()
    s = ctx.stream("ClientTherapist", "end")
    stopped = between(
        s,
        text_keys(pairs["id"]),
        start + PAST_PAIR_DAYS * MS_PER_DAY,
        start + STOPPED_WITHIN_WEEKS * MS_PER_WEEK,
    )
    seen = seen_of(ctx, users, pairs["clientId"])
    stopped = np.minimum(stopped, np.minimum(seen, ctx.anchor_ms - MS_PER_HOUR))
    stopped = np.maximum(stopped, start)
    return pl.DataFrame({"n": nxt, "s": stopped, "on": pairs["status"] == "active"}).select(
        pl.coalesce("n", pl.when(~pl.col("on")).then("s")).alias("endMs")
    )["endMs"]


def ended_pairs(ctx: Context, frames: Frames) -> pl.DataFrame:
    """Inactive pairs with an APPROVED therapist, as ``active_pairs`` plus endMs (``pair_ends``)."""
    ends = pair_ends(ctx, frames["ClientTherapist"], frames["User"])
    return _pairs(ctx, frames, active=False, ends=ends)


# -- availability -----------------------------------------------------------------------------


def availability_rows(
    ctx: Context,
    therapists: pl.DataFrame,
    days: I64,
    lo: I64,
    hi: I64,
    users: pl.DataFrame,
    from_hour: I64 | None = None,
    to_hour: I64 | None = None,
) -> pl.DataFrame:
    """One available window per (therapist, JS weekday), hours in the therapist's zone.

    ``therapists`` has therapistId and timezone, one row per window. The hours are keyed by
    (therapist, day), so the generator and the enricher agree on any day they both consider;
    a weekend day's are a morning. ``from_hour``: a start hour per row that replaces the
    drawn one (-1 keeps it; ``availability``'s MIN_AT_ANCHOR); ``to_hour``: an end hour per
    row that the drawn end is at least (-1 keeps it; the availability enricher's hosts of a
    group session under way).
    The therapist sets them up between ``lo`` and ``hi`` and edits them later, both by the
    time it was last seen (``users.last_seen`` over ``users``), in its working day (``clock``).
    """
    keys = child_keys(text_keys(therapists["therapistId"]), days)
    s = ctx.stream("TherapistAvailability", "hours")
    start = s.integers(keys, 8, 11, index=0)
    end = s.integers(keys, 16, 19, index=1)
    # A weekend day's hours are a morning (MORNING_FROM, MORNING_UNTIL), keyed alike.
    weekend = np.isin(days, WEEKEND)
    start = np.where(weekend, s.integers(keys, *MORNING_FROM, index=4), start)
    end = np.where(weekend, s.integers(keys, *MORNING_UNTIL, index=5), end)
    if from_hour is not None:  # the hours MIN_AT_ANCHOR sets (-1: the drawn ones)
        start = np.where(from_hour >= 0, from_hour, start)
    if to_hour is not None:  # ... and the end it must reach
        end = np.maximum(end, to_hour)
    until = np.minimum(ctx.anchor_ms, seen_of(ctx, users, therapists["therapistId"]))
    home = home_offset_of(ctx, therapists["therapistId"])
    created = waking_between(
        s, keys, lo, np.minimum(np.maximum(lo, hi), until), home, index=2, rhythm=WORKDAY
    )
    updated = waking_between(s, keys, created, until, home, index=3, rhythm=WORKDAY)
    # The texts are gathered from tables of the few hours, day numbers and day names
    # (converting numpy strings to polars costs Python work per row).
    hours = pl.Series([f"{h:02d}:00" for h in range(24)], dtype=pl.String)
    day_text = pl.Series([str(d) for d in range(len(tx.DAY_NAMES))], dtype=pl.String)
    note_text = pl.Series(
        [f"Available for {n} hours on {day}" for n in range(24) for day in tx.DAY_NAMES],
        dtype=pl.String,
    )
    return pl.DataFrame(
        {
            "id": ctx.ids("TherapistAvailability", keys),
            "therapistId": therapists["therapistId"],
            "dayOfWeek": day_text.gather(days),
            "startTime": hours.gather(start),
            "endTime": hours.gather(end),
            "timezone": therapists["timezone"],
            "isAvailable": np.ones(len(keys), dtype=bool),
            "notes": note_text.gather((end - start) * len(tx.DAY_NAMES) + days),
            "createdAt": timestamps(created, "createdAt"),
            "updatedAt": timestamps(updated, "updatedAt"),
        }
    )


def client_up(t_ms: npt.ArrayLike, home_ms: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """Whether a client whose home has UTC offset ``home_ms`` (``users.home_offset_of``) is up
    at ``t_ms`` (ms, broadcast), so can take part in a session: its local hour is not in
    ``clock.NIGHT_HOURS`` and is 6 a.m. or later."""
    hour = ((np.asarray(t_ms) + np.asarray(home_ms)) % MS_PER_DAY) // MS_PER_HOUR
    out: npt.NDArray[np.bool_] = ~np.isin(hour, NIGHT_HOURS) & (hour >= 6)
    return out


def _anchor_morning(ctx: Context, frames: Frames, t: pl.DataFrame) -> tuple[I64, I64, I64]:
    """For each therapist of ``t`` (``approved_therapists``): the anchor's local weekday and
    minute of day in its zone, and whether it could hold a session under way at the anchor
    on a weekend morning: the anchor falls in the first SHORT_SESSION minutes of an hour of
    MORNING_FROM on a weekend day there, the therapist still comes, and so does the client
    of one of its active pairs, who is up then at home (not in ``clock.NIGHT_HOURS``)."""
    a = ctx.anchor_ms
    local = utc_to_local(np.full(t.height, a, dtype=np.int64), t["timezone"].cast(pl.String))
    dow = (local // MS_PER_DAY + 4) % 7  # 1970-01-01 was a Thursday
    minute = (local % MS_PER_DAY) // MS_PER_MINUTE
    users = frames["User"]
    pairs = _pairs(ctx, frames, active=True).filter("stillC")
    awake = pairs.filter(pl.Series(client_up(a, home_offset_of(ctx, pairs["clientId"]))))
    could = (
        np.isin(dow, WEEKEND)
        & (minute >= MORNING_FROM[0] * 60)
        & (minute < MORNING_FROM[1] * 60)
        & (minute % 60 < SHORT_SESSION)
        & still_coming(ctx, users, t["therapistId"])
        & t["therapistId"].is_in(awake["therapistId"].implode()).to_numpy()
    )
    return dow, minute, could


def availability(ctx: Context, frames: Frames) -> pl.DataFrame:
    """3-5 distinct weekdays per APPROVED therapist (upstream's volume), set up when approved;
    WEEKEND_P of them also a weekend morning. A build where the anchor falls on a weekend
    morning some therapist could hold a session in (``_anchor_morning``) has MIN_AT_ANCHOR
    with hours over it: where the draws gave none, the top of a keyed ranking of those who
    could have their weekend morning that day, from the anchor's hour (the meetings enricher
    books a session under way at the anchor there: ``MIN_IN_PROGRESS``)."""
    t = approved_therapists(frames)
    if t.is_empty():
        return ctx.empty("TherapistAvailability")
    tk = text_keys(t["therapistId"])
    k = ctx.stream("TherapistAvailability", "day-count").integers(tk, 3, 6)
    order = ranks(ctx.stream("TherapistAvailability", "day-order"), tk, len(WEEKDAYS))
    take = np.arange(len(WEEKDAYS))[None, :] < k[:, None]
    row = np.repeat(np.arange(t.height), take.sum(axis=1))
    days = WEEKDAYS[order[take]]
    w = ctx.stream("TherapistAvailability", "weekend")
    on_weekend = w.bernoulli(tk, WEEKEND_P, index=0)
    w_day = WEEKEND_DRAWN[w.integers(tk, 0, len(WEEKEND_DRAWN), index=1)]
    from_hour = np.full(t.height, -1, dtype=np.int64)
    dow, minute, could = _anchor_morning(ctx, frames, t)
    if could.any():
        # (``availability_rows``' draw of a weekend morning's start)
        hours_s = ctx.stream("TherapistAvailability", "hours")
        start_h = hours_s.integers(child_keys(tk, w_day), *MORNING_FROM, index=4)
        have = could & on_weekend & (w_day == dow) & (start_h * 60 <= minute)
        have &= minute < start_h * 60 + SHORT_SESSION
        short = MIN_AT_ANCHOR - int(have.sum())
        if short > 0:
            idx = np.flatnonzero(could)
            top = idx[np.lexsort((tk[idx], w.bits(tk[idx], 2)))][:short]
            on_weekend[top] = True
            w_day[top] = dow[top]
            from_hour[top] = minute[top] // 60
    row = np.concatenate([row, np.flatnonzero(on_weekend)])
    days = np.concatenate([days, w_day[on_weekend]])
    hours = np.concatenate([np.full(len(days) - int(on_weekend.sum()), -1), from_hour[on_weekend]])
    sub = t[row]
    lo, hi = ms_col(sub, "createdMs"), ms_col(sub, "approvedMs")
    out = availability_rows(ctx, sub, days, lo, hi, frames["User"], hours.astype(np.int64))
    if not (hours >= 0).any():
        return out
    at = ctx.ids("TherapistAvailability", anchor_window_keys(sub["therapistId"], days))
    return out.with_columns(pl.when(pl.Series(hours >= 0)).then(at).otherwise("id").alias("id"))


def anchor_window_keys(therapists: pl.Series, days: I64) -> U64:
    """The key of a window each therapist of ``therapists`` is given on its weekday of
    ``days`` for a session under way at the anchor, keyed apart from the (therapist, day)
    windows drawn: given here (MIN_AT_ANCHOR) at one scale and by the availability enricher
    (a host of a group session under way) at another, one window has one id (a build at
    another scale may give it to another therapist: they follow the pairs and members)."""
    out: U64 = child_keys(child_keys(text_keys(therapists), days), ANCHOR_WINDOW_CHILD)
    return out


def ms_col(frame: pl.DataFrame, name: str) -> I64:
    return frame[name].to_numpy().astype(np.int64)


# -- scheduling -------------------------------------------------------------------------------


def slot_grid(avail: pl.DataFrame) -> pl.DataFrame:
    """Weekly slots of each therapist: (therapistId, timezone, dow, minute) in local time,
    and room: the minutes from the slot's start to the end of its window.

    One window per (therapist, weekday) is used (the earliest), so one therapist's slots
    of a day lie on one grid SLOT_STEP minutes apart and every slot fits MAX_DURATION.
    """
    a = (
        avail.filter(pl.col("isAvailable"))
        .select(
            "therapistId",
            "timezone",
            pl.col("dayOfWeek").cast(pl.Int64, strict=False).alias("dow"),
            hhmm_minutes(pl.col("startTime")).alias("s"),
            hhmm_minutes(pl.col("endTime")).alias("e"),
        )
        .drop_nulls()
        .filter(pl.col("dow").is_between(0, 6) & (pl.col("e") - pl.col("s") >= MAX_DURATION))
        .sort("therapistId", "dow", "s", "e")
        .unique(["therapistId", "dow"], keep="first", maintain_order=True)
    )
    n = (pl.col("e") - pl.col("s") - MAX_DURATION) // SLOT_STEP + 1
    return (
        a.with_columns(pl.int_ranges(0, n).alias("j"))
        .explode("j")
        .select(
            "therapistId",
            "timezone",
            "dow",
            (pl.col("s") + pl.col("j") * SLOT_STEP).alias("minute"),
            (pl.col("e") - pl.col("s") - pl.col("j") * SLOT_STEP).alias("room"),
        )
    )


def weekly_grid(grid: pl.DataFrame) -> pl.DataFrame:
    """The slots of ``slot_grid`` that ``schedule``'s weekly series take: none on a Sunday
    (the end of its Monday-based week, a day before the next one's Monday)."""
    return grid.filter(pl.col("dow") != 0)


def _ranges(starts: I64, counts: I64) -> tuple[I64, I64]:
    """(i, starts[i] + j) for every i and j < counts[i], in that order: a vectorised nested loop."""
    parent = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    skip = np.cumsum(counts) - counts
    return parent, np.arange(len(parent), dtype=np.int64) + np.repeat(starts - skip, counts)


# A pair meets weekly, or every other week (FORTNIGHTLY_P of them): its cadence.
FORTNIGHTLY_P = 0.3
# The most sessions a pair's series holds: a course of weekly therapy of eight months. A
# safeguard: no pair of the shipped modes is old enough (clients came within half a year).
MAX_PAIR_SESSIONS = 36


def _series(ctx: Context, pk: U64, lo: I64) -> tuple[I64, I64]:
    """(cadence in weeks, first week) of each pair's series of sessions, keyed by its pair
    (``pk``) from ``lo`` (its earliest start, ms): weekly or fortnightly (FORTNIGHTLY_P),
    from the week of ``lo`` or the next."""
    s = ctx.stream("Meeting", "plan")
    cadence = np.where(s.bernoulli(pk, FORTNIGHTLY_P, index=0), 2, 1).astype(np.int64)
    return cadence, _week(lo // MS_PER_DAY) + s.integers(pk, 0, 2, index=1)


def _on_cadence(cadence: I64, ws: I64, w_lo: I64, w_hi: I64) -> I64:
    """How many weeks w in [w_lo, w_hi] are on each series' cadence (w >= ws, (w - ws) % cadence
    == 0)."""
    first = ws + -(-np.maximum(w_lo - ws, 0) // cadence) * cadence
    out: I64 = np.maximum((w_hi - first) // cadence + 1, 0)
    return out


def series_sessions(ctx: Context, req: pl.DataFrame) -> I64:
    """The sessions of each request's series (``meeting_requests`` rows with ``until``: the
    latest end): one in every week on its cadence (``_series``) from its first week to the
    last week it can still meet in, at most MAX_PAIR_SESSIONS. A pair's sessions follow its
    age: one of three weeks has had about three, one of six months twenty (fortnightly half
    that); called off and missed ones among them (``meeting_rows``' PAST_STATUS draw).

    Can meet: its sessions end by ``until`` (booked ahead as far, or the pair ended) and,
    before the anchor, by the time both were last seen (seenC, seenT); ahead of it only a
    client who still comes (stillC) has any, as ``_candidates`` allows. A week counts when
    the day before the bound falls in it (the bound's week is nearly whole then)."""
    a = ctx.anchor_ms
    pk = req["pkey"].to_numpy()
    lo = req["lo"].to_numpy().astype(np.int64)
    cadence, ws = _series(ctx, pk, lo)
    until = req["until"].to_numpy().astype(np.int64)
    held_by = np.full(req.height, a, dtype=np.int64)
    ahead = np.ones(req.height, dtype=bool)
    if "seenC" in req.columns:
        held_by = np.minimum(held_by, np.minimum(req["seenC"].to_numpy(), req["seenT"].to_numpy()))
        ahead = req["stillC"].to_numpy().astype(bool)
    last_past = _week(np.minimum(held_by, until) // MS_PER_DAY - 1)
    past = _on_cadence(cadence, ws, ws, last_past)
    w_ahead = np.maximum(last_past + 1, _week(a // MS_PER_DAY))
    later = _on_cadence(cadence, ws, w_ahead, _week(until // MS_PER_DAY - 1))
    n = past + np.where(ahead & (until > a), later, 0)
    out: I64 = np.minimum(n, MAX_PAIR_SESSIONS)
    return out


def _candidates(ctx: Context, req: pl.DataFrame, grid: pl.DataFrame, hi_ms: int) -> pl.DataFrame:
    """Every slot a request could take: its therapist's weekly slots in every week of its window.

    A request wants a weekly (or fortnightly) series in one preferred slot (its "lane") from
    the week after the pairing; ``primary`` orders candidates by that wish: on-cadence weeks
    in order first, then the other weeks by distance; ``lane`` orders the slots of a week.

    The candidates come in no particular order: ``prio`` is a candidate's rank in priority
    order and ``_i`` the position of its request row in ``req``. Sorting the million wide rows
    was a large part of the cost, and the scheduler only needs a few columns in that order.
    """
    n_req = req.height
    pk = req["pkey"].to_numpy()
    lo = req["lo"].to_numpy().astype(np.int64)
    lo_days = lo // MS_PER_DAY
    cadence, ws = _series(ctx, pk, lo)
    # Weeks from the pairing (the local date can be a day before the UTC date of ``lo``) to
    # a few weeks past where the series would end if every week were free: the pair holds
    # one meeting a week, so ``span`` (meetings it will have) + 6 weeks always leave room.
    # A request may have to end earlier (``until``: a pair that ended then): its meetings
    # end by then, and its weeks stop there.
    no_end = np.full(n_req, np.iinfo(np.int64).max)
    ends_by = req["until"].to_numpy().astype(np.int64) if "until" in req.columns else no_end
    # Nobody takes part in a session after they were last seen (seenC, seenT: the client's
    # and the therapist's ``users.last_seen``): a past meeting ends by both. A client who
    # no longer comes (not stillC) has nothing booked ahead either: its meetings end by then.
    a = ctx.anchor_ms
    held_by = np.full(n_req, a, dtype=np.int64)
    ahead = np.ones(n_req, dtype=bool)
    if "seenC" in req.columns:
        seen_c = req["seenC"].to_numpy().astype(np.int64)
        held_by = np.minimum(held_by, np.minimum(seen_c, req["seenT"].to_numpy()))
        ahead = req["stillC"].to_numpy()
        ends_by = np.where(ahead, ends_by, np.minimum(ends_by, held_by))
    until = np.minimum(ends_by, hi_ms)
    last = np.minimum(_week(until // MS_PER_DAY + 1), ws + cadence * req["span"].to_numpy() + 6)
    w0 = _week(lo_days - 1)
    slots = req.select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("_i"), "pkey", "therapistId"
    ).join(grid, on="therapistId", how="inner")
    code = slots["dow"].to_numpy() * 1440 + slots["minute"].to_numpy()
    lane_bits = ctx.stream("Meeting", "lane").bits(slots["pkey"].to_numpy(), code)
    slots = (
        # The million candidates carry the zone as an enum code.
        slots.with_columns(pl.Series("_b", lane_bits), _zone_codes(slots["timezone"]))
        .sort("_i", "_b", "dow", "minute")
        .with_columns(pl.int_range(pl.len()).over("_i").alias("lane"))
    )
    # One candidate per (request row, week, slot of the row's therapist): the slots of a row
    # are contiguous (sorted by row), so index arithmetic replaces the joins.
    per_row = np.bincount(slots["_i"].to_numpy(), minlength=n_req)
    i, w = _ranges(w0, np.maximum(last, w0) + 1 - w0)
    pair, si = _ranges((np.cumsum(per_row) - per_row)[i], per_row[i])
    i, w = i[pair], w[pair]
    dow = slots["dow"].to_numpy().astype(np.int64)
    minute = slots["minute"].to_numpy().astype(np.int64)
    zone = slots["timezone"]
    start = _slot_starts(dow, minute, zone, si, w)
    ok = (start != _NO_TIME) & (start >= lo[i]) & (start <= until[i])
    i, w, si, start = i[ok], w[ok], si[ok], start[ok]
    local_days = 7 * w - 3 + (dow[si] + 6) % 7
    # Therapists take US federal holidays off (``clock.us_holidays``), in their own calendar.
    if len(local_days):
        off = np.isin(local_days, holiday_days(int(local_days.min()), int(local_days.max())))
        i, w, si, start, local_days = i[~off], w[~off], si[~off], start[~off], local_days[~off]
    minute = minute[si]
    mkey = child_keys(pk[i], local_days * 1440 + minute)
    kind = ctx.stream("Meeting", "duration").choice(mkey, 3, p=DURATION_P)
    standard = req["sessionMinutes"].to_numpy().astype(np.int64)[i]
    duration = np.select([kind == 0, kind == 2], [SHORT_SESSION, EXTENDED_SESSION], standard)
    # The slot (``minute``) stays the candidate's key; the session may start later in it.
    # (A grid without room: every slot fits MAX_DURATION, no more.)
    room = (
        slots["room"].to_numpy().astype(np.int64)[si]
        if "room" in slots.columns
        else np.full(len(si), MAX_DURATION, dtype=np.int64)
    )
    late = ctx.stream("Meeting", "half-hour").bernoulli(mkey, HALF_HOUR_P)
    late &= duration + HALF_HOUR <= room
    past_only = req["pastOnly"].to_numpy()

    def fits(start: I64) -> npt.NDArray[np.bool_]:
        # Nothing under way at the anchor: a meeting has ended (by the time both were last
        # seen) or not yet started (for a client who still comes).
        end = start + duration * MS_PER_MINUTE
        ok = ~((start <= a) & (end > a)) & (~past_only[i] | (end <= a)) & (end <= ends_by[i])
        ok &= np.where(end <= a, end <= held_by[i], ahead[i])
        out: npt.NDArray[np.bool_] = ok & (start <= until[i])
        return out

    # A session that would not fit HALF_HOUR later keeps to its slot's start.
    shift = np.where(late & fits(start + HALF_HOUR * MS_PER_MINUTE), HALF_HOUR, 0)
    start = start + shift * MS_PER_MINUTE
    end = start + duration * MS_PER_MINUTE
    ok = fits(start)
    i, w, si, start, end, shift = i[ok], w[ok], si[ok], start[ok], end[ok], shift[ok]
    local_days, minute, duration, mkey = local_days[ok], minute[ok], duration[ok], mkey[ok]
    dw = w - ws[i]
    cad = cadence[i]
    on = (dw >= 0) & (dw % cad == 0)
    # Priority order: primary, lane, then the request rows in a keyed random order (ties by
    # req, row), then time. The rows are ranked once (a few thousand), so the candidates sort
    # on one packed integer key.
    by_rank = (
        req.select(
            pl.int_range(pl.len(), dtype=pl.Int64).alias("_i"),
            "row",
            "req",
            pl.Series("_p", ctx.stream("Meeting", "priority").bits(pk)),
        )
        .sort("_p", "req", "row")["_i"]
        .to_numpy()
    )
    rank = np.empty(n_req, dtype=np.int64)
    rank[by_rank] = np.arange(n_req)
    fields = [
        np.where(on, dw // cad, 1000 + np.abs(dw)),  # primary
        slots["lane"].to_numpy().astype(np.int64)[si],
        rank[i],
        local_days - (local_days.min() if len(i) else 0),  # days from the earliest: >= 0
        minute,
    ]
    widths = [int(f.max(initial=0)).bit_length() for f in fields]
    if sum(widths) <= _PACKED_BITS and all(f.min(initial=0) >= 0 for f in fields):
        packed = np.zeros(len(i), dtype=np.int64)
        for f, width in zip(fields, widths, strict=True):
            packed = (packed << width) | f
        order = sort_positions(packed)  # the key is unique: (lane, row) is a slot, days a week
    else:  # not reached at any realistic size (tested): the same order, field by field
        order = np.lexsort(fields[::-1])
    prio = np.empty(len(i), dtype=np.int64)
    prio[order] = np.arange(len(i))
    return pl.DataFrame(
        {
            "prio": prio,
            "_i": i,
            "row": req["row"].to_numpy()[i],
            "req": req["req"].to_numpy()[i],
            "pastOnly": past_only[i],
            "w": w,
            "minute": minute,
            "timezone": zone.gather(si),
            "localDays": local_days,
            "start": start,
            "end": end,
            "duration": duration,
            "mkey": pl.Series(mkey, dtype=pl.UInt64),
            "offset": local_days * MS_PER_DAY + (minute + shift) * MS_PER_MINUTE - start,
            "shift": shift,
        }
    )


def _slot_starts(dow: I64, minute: I64, zone: pl.Series, slot: I64, week: I64) -> I64:
    """UTC start of each (slot index, week): the slot's local wall time in that week.

    The local time is the week's Monday plus the slot's time of week, so it is converted
    once per (zone, time of week, week) rather than per candidate (a million of them, from
    a few hundred distinct slot times and a few dozen weeks).
    """
    if not len(week):
        return np.zeros(0, dtype=np.int64)
    of_week = ((dow + 6) % 7) * 1440 + minute  # minutes from the local Monday
    kinds = pl.DataFrame({"z": zone, "m": of_week}).with_columns(
        pl.struct("z", "m").rank("dense").cast(pl.Int64).alias("k") - 1
    )
    kind = kinds["k"].to_numpy()
    n_kinds = int(kind.max(initial=-1)) + 1
    first = np.zeros(n_kinds, dtype=np.int64)
    first[kind] = np.arange(len(kind))  # any row of a kind will do: they convert alike
    w_lo = int(week.min())
    n_weeks = int(week.max()) - w_lo + 1
    weeks = np.arange(n_weeks, dtype=np.int64) + w_lo
    local = (7 * weeks[None, :] - 3) * MS_PER_DAY + of_week[first][:, None] * MS_PER_MINUTE
    table = local_to_utc(local.reshape(-1), zone.gather(np.repeat(first, n_weeks)))
    return table[kind[slot] * n_weeks + week - w_lo]


def _codes(*ids: pl.Series) -> pl.Series:
    """The distinct ids, sorted: an id's dense integer code is its row here (``rows_in``)."""
    return pl.concat([i.rename("id").cast(pl.String) for i in ids]).unique().sort()


def _held(keys: Sequence[I64], existing: Sequence[I64]) -> npt.NDArray[np.bool_]:
    """Where any of ``keys`` (columns over the candidates) is among its ``existing`` values."""
    frame = pl.DataFrame({f"k{n}": k for n, k in enumerate(keys)})
    return (
        frame.select(
            pl.any_horizontal(
                pl.col(f"k{n}").is_in(pl.Series(k).implode()) for n, k in enumerate(existing)
            )
        )
        .to_series()
        .to_numpy()
    )


def _greedy(req: I64, prio: I64, keys: Sequence[I64], need: I64) -> I64:
    """Positions of the accepted candidates, in ``prio`` order: greedy, in parallel rounds.

    Candidate j belongs to request ``req[j]`` (an index into ``need``), has a ``prio[j]`` of
    its own (no two candidates share one) and holds the values ``k[j]`` of ``keys``. A candidate is accepted in a round when it is first in ``prio``
    order on each key (therapist slot, client day, pair week) among the remaining
    candidates, and within its request's remaining need; then every candidate sharing a key
    with an accepted one goes. Each round accepts at least the first remaining candidate,
    and no two accepted candidates share a key. Requests look at their best few candidates
    first and widen the window only when those are taken.

    The candidates are held by request, then prio (so a rank within the request is a
    position in its run), as the columns of one integer matrix, compacted as they go. Key
    values become dense codes: "first on its key" and "key taken" are table look-ups.
    """
    need = need.astype(np.int64)  # a copy: the remaining need
    codes = [dense_codes(k) for k in keys]
    taken = [np.zeros(int(c.max(initial=-1)) + 1, dtype=bool) for c in codes]
    first = [np.empty(len(t), dtype=np.int64) for t in taken]
    order = sort_positions(req * (int(prio.max(initial=0)) + 1) + prio)  # prio is distinct
    # Rows: request, prio, then one code per key.
    pool = np.stack([req[order], prio[order], *(c[order] for c in codes)])
    if not (need > 0).all():
        pool = np.compress(need[pool[0]] > 0, pool, axis=1)
    accepted: list[I64] = []
    width = 1
    while pool.shape[1]:
        window = (3 * need[pool[0]] + 12) * width
        in_top = rank_in_run(pool[0]) < window
        whole = bool(in_top.all())
        top = np.compress(in_top, pool, axis=1)
        while top.shape[1]:
            ok = rank_in_run(top[0]) < need[top[0]]
            for low, code in zip(first, top[2:], strict=True):  # first in prio order on each key
                low[code] = top[1]  # some prio of each key's candidates (only these are read),
                np.minimum.at(low, code, top[1])  # then the least
                ok &= low[code] == top[1]
            acc = np.compress(ok, top, axis=1)
            accepted.append(acc[1])
            need -= np.bincount(acc[0], minlength=len(need))
            for k, code in enumerate(acc[2:]):
                taken[k][code] = True
            top = np.compress(_alive(top, need, taken), top, axis=1)
        if whole:
            break
        pool = np.compress(_alive(pool, need, taken), pool, axis=1)
        width *= 4
    got = np.sort(np.concatenate([np.zeros(0, dtype=np.int64), *accepted]))
    position = np.zeros(int(prio.max(initial=0)) + 1, dtype=np.int64)
    position[prio] = np.arange(len(prio))
    out: I64 = position[got]
    return out


def _alive(rows: I64, need: I64, taken: Sequence[npt.NDArray[np.bool_]]) -> npt.NDArray[np.bool_]:
    """Which of the greedy's ``rows`` remain: their request needs more, no key is taken."""
    out: npt.NDArray[np.bool_] = need[rows[0]] > 0
    for k, code in enumerate(rows[2:]):
        out &= ~taken[k][code]
    return out


def booked_until(ctx: Context, req: pl.DataFrame, stretch: bool = False) -> pl.Series:
    """The latest end of each request's meetings: its pair's sessions are booked a keyed
    BOOKED_WEEKS ahead of the anchor (the same for a pair in every step), and no further.

    With ``stretch`` the request must have its meetings (a minimum): when its series of
    ``span`` (else ``need``) weekly sessions from ``lo`` would not fit, it is booked as far
    ahead as it needs and some slack, at most BOOK_AHEAD_WEEKS. A request that already has
    an ``until`` keeps it when sooner (a pair that ended).
    """
    a = ctx.anchor_ms
    pk = req["pkey"].to_numpy()
    weeks = np.asarray(BOOKED_WEEKS, dtype=np.int64)[
        ctx.stream("Meeting", "booked-weeks").choice(pk, len(BOOKED_WEEKS), p=BOOKED_WEEKS_P)
    ]
    if stretch:
        span = req["span" if "span" in req.columns else "need"].to_numpy().astype(np.int64)
        past_weeks = np.maximum(a - req["lo"].to_numpy().astype(np.int64), 0) // MS_PER_WEEK
        weeks = np.maximum(weeks, span - past_weeks + STRETCH_SLACK_WEEKS)
    until = a + np.minimum(weeks, BOOK_AHEAD_WEEKS) * MS_PER_WEEK
    if "until" in req.columns:
        until = np.minimum(until, req["until"].to_numpy().astype(np.int64))
    return pl.Series("until", until, dtype=pl.Int64)


def schedule(
    ctx: Context,
    req: pl.DataFrame,
    grid: pl.DataFrame,
    existing: pl.DataFrame | None = None,
    exact: bool = False,
    relax: bool = False,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Place ``need`` meetings per request; returns (accepted candidates, unmet need per req).

    ``req``: row (Int64, unique), req (the request a row belongs to), pairId, pkey,
    clientId, therapistId, lo (earliest start, ms), need, pastOnly, and optionally span (the
    meetings the pair will have in all, ``need`` by default), until (latest end, ms), and
    seenC, seenT and stillC (when client and therapist were last seen: a past meeting ends
    by both; whether the client still comes: only then has it meetings ahead).
    ``existing``: meetings already placed (pairId, therapistId, clientId, timezone, start,
    end in ms), which new ones must not collide with.

    Three keys, each held by at most one meeting:
    - therapist: (therapist, local date, slot start) — a therapist's slots never overlap (a
      session may start HALF_HOUR into its slot, and still ends by the next);
    - pair: (pair, week) — one session a week per pair, as therapy is scheduled (past-only
      candidates, which it does not hold, take SESSION_GAP_DAYS day keys instead);
    - client: (client, bucket of local dates). With local start times in [a, b] and UTC
      offsets in [o_min, o_max], a meeting of local date D lies within
      D + [a - o_max, b - o_min] in UTC, a span of (b - a) + (o_max - o_min); with
      L = ceil(span / 1 day), meetings of local dates at least L days apart cannot overlap.
      So only every L-th date is used and a client has one meeting per bucket of L dates,
      which keeps a client's meetings with different therapists in different zones apart
      (L = 1 for any mix of US zones: one meeting per client and local date).
    With ``exact``, new meetings are kept apart from the client's existing ones by their
    times rather than by date buckets (among themselves the buckets still apply).
    With ``relax``, a request its one-a-week series leaves short takes more sessions in weeks
    its pair already meets in, MIN_SESSION_GAP_DAYS apart (for minimums that must be met).
    """
    if existing is None:
        existing = pl.DataFrame(
            schema={
                "pairId": pl.String,
                "therapistId": pl.String,
                "clientId": pl.String,
                "timezone": pl.String,
                "start": pl.Int64,
                "end": pl.Int64,
            }
        )
    # Nothing is booked further ahead than BOOK_AHEAD_WEEKS (a request's ``until``, from
    # ``booked_until``, usually stops it sooner).
    hi = ctx.anchor_ms + BOOK_AHEAD_WEEKS * MS_PER_WEEK
    if "span" not in req.columns:
        req = req.with_columns(pl.col("need").alias("span"))
    if "sessionMinutes" not in req.columns:
        req = req.with_columns(pl.lit(DEFAULT_SESSION, dtype=pl.Int64).alias("sessionMinutes"))
    cols = ["row", "req", "pkey", "therapistId", "lo", "pastOnly", "span", "sessionMinutes"]
    cols += [c for c in ("until", "seenC", "seenT", "stillC") if c in req.columns]
    cand = _candidates(ctx, req.select(cols), grid, hi)
    ex_start = existing["start"].to_numpy().astype(np.int64)
    ex_local = utc_to_local(ex_start, existing["timezone"])
    ex_days = ex_local // MS_PER_DAY
    ex_min = (ex_local % MS_PER_DAY) // MS_PER_MINUTE
    ex_len = (existing["end"].to_numpy().astype(np.int64) - ex_start) // MS_PER_MINUTE
    slot = cand["minute"].to_numpy()
    minute = slot + cand["shift"].to_numpy()
    tod = np.concatenate([minute, ex_min])
    tod_end = np.concatenate([minute + cand["duration"].to_numpy(), ex_min + ex_len])
    offsets = np.concatenate([cand["offset"].to_numpy(), ex_local - ex_start])
    bucket = 1
    if len(tod):
        span = (tod_end.max() - tod.min()) * MS_PER_MINUTE + offsets.max() - offsets.min()
        bucket = max(1, -(-int(span) // MS_PER_DAY))
    days = cand["localDays"].to_numpy()
    # The candidates are filtered by a mask: only the accepted ones are ever gathered.
    keep = days % bucket == 0 if bucket > 1 else np.ones(cand.height, dtype=bool)
    # Ids become dense integer codes on the requests and the existing meetings (a few
    # thousand rows each), and reach the candidates through their request row.
    t_codes = _codes(req["therapistId"], existing["therapistId"])
    c_codes = _codes(req["clientId"], existing["clientId"])
    p_codes = _codes(req["pairId"], existing["pairId"].drop_nulls())

    def code(ids: pl.Series, codes: pl.Series) -> I64:
        return rows_in(ids, codes)  # -1 for NULL

    at = cand["_i"].to_numpy()
    c = code(req["clientId"], c_codes)[at]
    # A client takes part in a session only when up at home (``client_up``, as for the one
    # under way at the anchor): a weekend morning an Eastern therapist opens at 7 a.m. is
    # 4 a.m. on the West Coast (heavy x3: 22 of 69 Saturday sessions began 05:00-06:59).
    keep &= client_up(cand["start"].to_numpy(), home_offset_of(ctx, req["clientId"])[at])
    tk = (code(req["therapistId"], t_codes)[at] << 36) + days * 1440 + slot
    ck = (c << 24) + days // bucket
    # Completed sessions a therapist must have had are not held to one a week: the past
    # weeks of a young pair may already be taken by sessions that did not take place.
    wk = np.where(
        cand["pastOnly"].to_numpy(),
        -1 - cand["prio"].to_numpy(),
        (code(req["pairId"], p_codes)[at] << 24) + cand["w"].to_numpy(),
    )
    # An existing meeting starts on its slot or HALF_HOUR into it, and slots lie on whole
    # hours (windows start on the hour: ``availability_rows``).
    ex_slot = ex_min - ex_min % 60
    ex_tk = (code(existing["therapistId"], t_codes) << 36) + ex_days * 1440 + ex_slot
    ex_c = code(existing["clientId"], c_codes) << 24
    # An existing meeting off the bucket grid touches the buckets on both sides of its date.
    ex_ck = np.concatenate(
        [ex_c + ex_days // bucket, (ex_c + ex_days // bucket + 1)[ex_days % bucket != 0]]
    )
    ex_p = code(existing["pairId"], p_codes)
    ex_wk = ((ex_p << 24) + _week(ex_days))[ex_p >= 0]
    if exact:
        # Against the existing meetings, compare the times themselves: a client's free hour
        # on a day it already meets someone is usable (for the few sessions that must fit).
        busy = existing.select(
            pl.Series("c", code(existing["clientId"], c_codes)),
            pl.col("start").alias("s"),
            pl.col("end").alias("e"),
        )
        clash = (
            cand.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("j"), "start", "end")
            .with_columns(pl.Series("c", c))
            .join(busy, on="c", how="inner")
            .filter((pl.col("start") < pl.col("e")) & (pl.col("s") < pl.col("end")))
        )
        keep[clash["j"].to_numpy()] = False
        ex_ck = ex_ck[:0]
    # Day keys keep a pair's sessions ``gap`` local dates apart where the week key does not:
    # key j is the pair's bucket of (local date + j) // gap, so two dates share a bucket in
    # some j exactly when they are fewer than ``gap`` apart.
    p = code(req["pairId"], p_codes)[at]
    prio = cand["prio"].to_numpy()

    def day_keys(gap: int) -> tuple[list[I64], list[I64]]:
        new = [np.where(p >= 0, (p << 24) + (days + j) // gap, -1 - prio) for j in range(gap)]
        old = [((ex_p << 24) + (ex_days + j) // gap)[ex_p >= 0] for j in range(gap)]
        return new, old

    apart, ex_apart = day_keys(MIN_SESSION_GAP_DAYS)
    keep &= ~_held([tk, ck, *apart], [ex_tk, ex_ck, *ex_apart])
    # A week the pair already has a session in, or a date fewer than SESSION_GAP_DAYS from
    # one, is taken only where nothing else does (a minimum to meet): such candidates come
    # after every other.
    near, ex_near = day_keys(SESSION_GAP_DAYS)
    late = _held([wk, *near], [ex_wk, *ex_near])
    prio = np.where(late, prio + int(prio.max(initial=0)) + 1, prio)
    # Past-only candidates, which the week key does not hold, hold SESSION_GAP_DAYS day keys
    # among themselves (only MIN_SESSION_GAP_DAYS ones from the existing meetings); any other
    # holds a key of its own there (below every day key's sentinel), so its picks do not
    # depend on whether the batch has past-only ones.
    past_only = cand["pastOnly"].to_numpy()
    own = np.arange(len(past_only), dtype=np.int64) - (1 << 62)
    keys = [tk, ck, wk, *(np.where(past_only, k, own) for k in near)]
    need = req.group_by("req").agg(pl.col("need").max()).sort("req")
    need_of = need["need"].to_numpy()
    # Requests as positions in ``need`` (sorted by req), through the request rows.
    req_at = np.searchsorted(need["req"].to_numpy(), req["req"].to_numpy())[at]
    kept = np.flatnonzero(keep)
    pick = kept[
        _greedy(
            req_at[kept],
            prio[kept],
            [k[kept] for k in keys],
            np.maximum(need_of, 0),
        )
    ]
    left = need_of - np.bincount(req_at[pick], minlength=need.height)
    # Past-only sessions a minimum needs that SESSION_GAP_DAYS among themselves left out
    # (a young pair's past: one held session blocks every other free date of its fortnight)
    # lie MIN_SESSION_GAP_DAYS from the ones placed instead, as from the existing ones; those
    # fewer than SESSION_GAP_DAYS from one come last here too.
    again = np.flatnonzero(keep & cand["pastOnly"].to_numpy() & (left[req_at] > 0))
    hard = [tk, ck, *apart]
    if len(again) and len(pick):
        again = again[~_held([k[again] for k in hard], [k[pick] for k in hard])]
    if len(again):
        near_pick = _held([k[again] for k in near], [k[pick] for k in near])
        prio2 = np.where(near_pick, prio[again] + int(prio.max(initial=0)) + 1, prio[again])
        more = again[_greedy(req_at[again], prio2, [k[again] for k in hard], np.maximum(left, 0))]
        pick = np.concatenate([pick, more])
        left -= np.bincount(req_at[more], minlength=need.height)
    # With ``relax``, a minimum the pair's one-a-week series cannot hold (its window too short
    # for its weeks, or its free slots taken by others) takes a second session in a week the
    # pair already meets in, MIN_SESSION_GAP_DAYS from the pair's others (the hard rule,
    # check's SESSION_GAP_HOURS), as past-only sessions do above: first where the week is
    # free and SESSION_GAP_DAYS away, then anywhere the hard keys allow. Only requests that
    # would stay short run it, so a build that meets its minimums is not changed.
    if relax and (left > 0).any():
        extra = np.flatnonzero(keep & (left[req_at] > 0))
        if len(extra) and len(pick):
            extra = extra[~_held([k[extra] for k in hard], [k[pick] for k in hard])]
        if len(extra):
            soft = [wk, *near]
            crowded = (
                _held([k[extra] for k in soft], [k[pick] for k in soft])
                if len(pick)
                else np.zeros(len(extra), dtype=bool)
            )
            prio3 = np.where(crowded, prio[extra] + int(prio.max(initial=0)) + 1, prio[extra])
            more = extra[
                _greedy(req_at[extra], prio3, [k[extra] for k in hard], np.maximum(left, 0))
            ]
            pick = np.concatenate([pick, more])
            left -= np.bincount(req_at[more], minlength=need.height)
    # The accepted candidates' zones go back to text (the candidates carried enum codes).
    acc = (
        cand[pick]
        .drop("_i")
        .with_columns(
            pl.col("timezone").cast(pl.String),
            pl.Series("tk", tk[pick]),
            pl.Series("ck", ck[pick]),
            pl.Series("wk", wk[pick]),
        )
    )
    unmet = need.with_columns(pl.Series("need", left)).filter(pl.col("need") > 0)
    return acc, unmet


# -- meetings ---------------------------------------------------------------------------------

PAST_STATUS = ("COMPLETED", "CANCELLED", "NO_SHOW")
PAST_P = (0.85, 0.10, 0.05)
# A session is booked (and so called off) at most BOOK_LEAD before it starts.
BOOK_LEAD = 21 * MS_PER_DAY
# WAITING is a status of a session in the week ahead (``meeting_rows`` draws it for those).
WAITING_WITHIN = 7 * MS_PER_DAY
# A build with an upcoming meeting holds at least MIN_UPCOMING_CANCELLED upcoming meetings
# CANCELLED (called off before the anchor) and, with one in the week ahead, MIN_WAITING
# WAITING (``_least_upcoming``): testers need them in light and medium too.
MIN_UPCOMING_CANCELLED = 1
MIN_WAITING = 1


def least_upcoming(meetings: pl.DataFrame, anchor: int) -> tuple[int, int]:
    """How many more upcoming CANCELLED and WAITING meetings a build holding ``meetings``
    (status, startTime) needs to reach MIN_UPCOMING_CANCELLED and MIN_WAITING."""
    st = meetings["status"].cast(pl.String)
    ahead = meetings["startTime"].dt.epoch("ms") > anchor
    cancelled = int(((st == "CANCELLED") & ahead).sum())
    waiting = int(((st == "WAITING") & ahead).sum())
    return MIN_UPCOMING_CANCELLED - cancelled, MIN_WAITING - waiting


def _least_upcoming(
    s: Stream,
    keys: U64,
    status: npt.NDArray[Any],
    ahead: npt.NDArray[np.bool_],
    start: I64,
    anchor: int,
    short: tuple[int, int],
) -> npt.NDArray[Any]:
    """``status`` with ``short`` (more upcoming CANCELLED, more WAITING) meetings among the
    upcoming ones (``ahead``), where the draws left fewer: CANCELLED the top of a keyed
    ranking of the upcoming ones not CANCELLED that could have been called off by the anchor
    (within BOOK_LEAD of their start); then WAITING the SCHEDULED or CONFIRMED one
    starting soonest (then by key), in the week ahead (WAITING_WITHIN) as the draw gives it
    only there. Both rankings are pure functions of the candidates' keys and starts."""
    status = status.copy()
    n_cancel = short[0] - int((ahead & (status == "CANCELLED")).sum())
    could = np.flatnonzero(ahead & (status != "CANCELLED") & (start - BOOK_LEAD <= anchor))
    if n_cancel > 0 and could.size:
        order = could[np.lexsort((keys[could], s.bits(keys[could], 7)))]
        status[order[:n_cancel]] = "CANCELLED"
    n_wait = short[1] - int((ahead & (status == "WAITING")).sum())
    soon = start - anchor <= WAITING_WITHIN
    could = np.flatnonzero(ahead & soon & np.isin(status, ("SCHEDULED", "CONFIRMED")))
    if n_wait > 0 and could.size:
        order = could[np.lexsort((keys[could], start[could]))]
        status[order[:n_wait]] = "WAITING"
    return status


def past_draw(ctx: Context, keys: U64) -> npt.NDArray[Any]:
    """The PAST_STATUS each meeting (by key) drew: what ``meeting_rows`` makes of a past one
    not forced COMPLETED (an upcoming one drawing CANCELLED may be called off)."""
    return pick(ctx.stream("Meeting", "fields"), keys, PAST_STATUS, index=0, p=PAST_P)


def meeting_rows(ctx: Context, acc: pl.DataFrame, short: tuple[int, int] = (0, 0)) -> pl.DataFrame:
    """Meeting rows of accepted candidates joined with their request.

    ``acc``: mkey, clientId, therapistId, assignedMs, start, end, duration, completed (forced
    COMPLETED), firstBefore (earliest existing meeting of the pair, or None), and optionally
    firstHeld (earliest existing COMPLETED one), seenC and seenT (when the client and the
    therapist were last seen: the client booked the meeting before that, the therapist
    confirmed a CONFIRMED one before that, in its working day; its updatedAt). The pair's
    intake meetings are ``intake_meetings``.
    ``short``: how many more upcoming CANCELLED and WAITING meetings the build needs
    (``least_upcoming`` of the existing ones): the top of ``_least_upcoming``'s rankings.

    An upcoming meeting is called off as often as a past one was (its PAST_STATUS draw), as a
    past one was: at a time uniform between its booking and its start, within BOOK_LEAD of
    the start. One called off by the anchor is CANCELLED already (updatedAt then, its
    APPOINTMENT_CANCELLED notices too; no reminder, notes or payment), the others are on.
    """
    keys = acc["mkey"].to_numpy()
    s = ctx.stream("Meeting", "fields")
    a = ctx.anchor_ms
    start = acc["start"].to_numpy()
    end = acc["end"].to_numpy()
    past = end <= a
    past_status = past_draw(ctx, keys)
    u = s.uniform(keys, 1)
    soon = start - a <= WAITING_WITHIN
    upcoming = np.where(
        soon,
        np.where(u < 0.6, "CONFIRMED", np.where(u < 0.95, "SCHEDULED", "WAITING")),
        np.where(u < 0.8, "SCHEDULED", "CONFIRMED"),
    )
    completed = acc["completed"].to_numpy()
    status = np.where(completed, "COMPLETED", np.where(past, past_status, upcoming))
    # One under way at the anchor (only the meetings enricher's MIN_IN_PROGRESS books one).
    under_way = ~past & ~completed & (start <= a)
    status = np.where(under_way, "IN_PROGRESS", status)
    assigned = acc["assignedMs"].to_numpy()
    hi = np.minimum(start - MS_PER_HOUR, a)
    if "seenC" in acc.columns:  # booking is the client's act
        hi = np.minimum(hi, acc["seenC"].to_numpy())
    # Booked up to 21 days before it starts, or for a meeting further ahead than that, in
    # the 21 days before the anchor (not all at the anchor itself).
    lo = np.minimum(np.maximum(assigned, np.minimum(start, a) - BOOK_LEAD), hi)
    # Booked by the client, in its waking hours (``clock``).
    created = waking_between(s, keys, lo, hi, home_offset_of(ctx, acc["clientId"]), index=2)
    ahead = ~past & ~completed & (start > a)
    # Called off within BOOK_LEAD of the start, as a past one was (booked by then).
    off_lo = np.maximum(created, start - BOOK_LEAD)
    called_off = between(s, keys, off_lo, start, index=6)
    status = np.where(ahead & (past_status == "CANCELLED") & (called_off <= a), "CANCELLED", status)
    if max(short) > 0:
        status = _least_upcoming(s, keys, status, ahead, start, a, short)
    # (One the minimum cancelled was called off by the anchor, the same draw scaled.)
    called_off = np.where(
        called_off <= a, called_off, between(s, keys, off_lo, np.minimum(start, a), index=6)
    )
    held = (status == "COMPLETED") | (status == "NO_SHOW")
    cancelled = status == "CANCELLED"
    upd_lo = np.where(held, end, created)
    upd_hi = np.where(
        held, np.minimum(end + MS_PER_DAY, a), np.where(cancelled, np.minimum(start, a), a)
    )
    updated = between(s, keys, upd_lo, np.maximum(upd_lo, upd_hi), index=3)
    updated = np.where(cancelled & ahead, called_off, updated)
    # Confirmed by its therapist, in their working day (not at any hour of the night), by an
    # hour before it starts and while they still came; one whose therapist was not seen
    # after the booking stays SCHEDULED.
    by = np.minimum(start - MS_PER_HOUR, a)
    if "seenT" in acc.columns:
        by = np.minimum(by, acc["seenT"].to_numpy())
    status = np.where((status == "CONFIRMED") & (by < created), "SCHEDULED", status)
    home_t = home_offset_of(ctx, acc["therapistId"])
    confirmed = waking_between(
        ctx.stream("Meeting", "confirmed-at"), keys, created, by, home_t, rhythm=WORKDAY
    )
    updated = np.where(status == "CONFIRMED", confirmed, updated)
    updated = np.where(under_way, start, updated)  # it began: the app set it IN_PROGRESS
    first_new = intake_meetings(acc, status, a)
    # How many of the pair's meetings at least come before this one: its new ones, and one
    # existing (the first) if any. Meetings added later only raise it.
    before = (
        acc.select(
            pl.col("start").rank("ordinal").over(["clientId", "therapistId"]).cast(pl.Int64)
            - 1
            + (pl.col("firstBefore") < pl.col("start")).fill_null(False).cast(pl.Int64)
        )
        .to_series()
        .to_numpy()
    )
    late = before >= tx.RELAPSE_FROM_SESSION - 1
    eligible = np.ones((len(keys), len(tx.SESSION_TITLES)), dtype=bool)
    eligible[:, tx.SESSION_TITLES.index(tx.RELAPSE_TITLE)] = late
    titles = pl.Series(tx.SESSION_TITLES, dtype=pl.String)
    drawn = titles.gather(choose_eligible(s.uniform(keys, 4), eligible))
    first = pl.lit(pl.Series(first_new))
    title = pl.select(
        pl.when(first).then(pl.lit(tx.FIRST_SESSION_TITLE)).otherwise(drawn)
    ).to_series()
    # A first session's description has no earlier session to continue from.
    description = pl.select(
        pl.when(first)
        .then(pl.lit(pick_text(s, keys, tx.FIRST_SESSION_DESCRIPTIONS, index=5)))
        .otherwise(pl.lit(pick_text(s, keys, tx.SESSION_DESCRIPTIONS, index=5)))
    ).to_series()
    url = cuid(ctx.config.seed, "Meeting.meetingUrl", keys)
    return pl.DataFrame(
        {
            "id": ctx.ids("Meeting", keys),
            "title": title,
            "description": description,
            "startTime": timestamps(start, "startTime"),
            "endTime": timestamps(end, "endTime"),
            "duration": acc["duration"],
            "status": status.astype(object),  # object strings convert to polars 3x faster
            "meetingType": pl.repeat("video", len(keys), eager=True),
            "meetingUrl": "https://meet.mentara.app/session/" + url,
            "clientId": acc["clientId"],
            "therapistId": acc["therapistId"],
            "createdAt": timestamps(created, "createdAt"),
            "updatedAt": timestamps(updated, "updatedAt"),
        }
    )


def intake_meetings(
    acc: pl.DataFrame, status: npt.NDArray[Any], anchor: int
) -> npt.NDArray[np.bool_]:
    """Which of the new meetings ``acc`` (clientId, therapistId, start, firstBefore and
    optionally firstHeld: the pair's earliest existing meeting and its earliest COMPLETED
    one, ms or NULL) of ``status`` are their pair's intake (``tx.FIRST_SESSION_TITLE``).

    The intake is the pair's first meeting that was held or is still ahead, and every one
    before it (a cancelled or missed first appointment is rebooked as one): so the pair's
    first held session is its initial consultation, as its notes say (``first_completed``).
    A pair with an existing held session, or whose earliest existing meeting is still ahead
    (the intake already booked, new ones come after it), has no new intake.
    """
    pair = ["clientId", "therapistId"]
    first_held = pl.col("firstHeld") if "firstHeld" in acc.columns else pl.lit(None, pl.Int64)
    met = pl.Series("_met", ~np.isin(status, ("CANCELLED", "NO_SHOW")))
    first_met = pl.when("_met").then("start").min().over(pair)
    before = pl.col("firstBefore")
    return (
        acc.with_columns(met)
        .select(
            (first_met.is_null() | (pl.col("start") <= first_met))
            & (first_held.is_null() | (pl.col("start") < first_held))
            & (before.is_null() | (pl.col("start") < before) | (before < anchor))
        )
        .to_series()
        .to_numpy()
    )


def first_completed(meetings: pl.DataFrame) -> pl.DataFrame:
    """id, first: whether each COMPLETED meeting (id, clientId, therapistId, startTime,
    status) is its pair's first held session (earliest start, then least id)."""
    done = meetings.filter(pl.col("status") == "COMPLETED").sort("startTime", "id")
    return done.select(
        "id",
        (pl.int_range(pl.len()).over("clientId", "therapistId") == 0).alias("first"),
    )


# (regular, intake) pools of the four parts of a note: opening, focus, client response, plan.
_NOTE_POOLS = (
    (tx.NOTE_OPENINGS, tx.FIRST_NOTE_OPENINGS),
    ((*tx.NOTE_FOCUS, tx.NOTE_FOCUS_DONE), tx.FIRST_NOTE_FOCUS),
    (tx.NOTE_RESPONSES, tx.FIRST_NOTE_RESPONSES),
    ((*tx.NOTE_PLANS, tx.NOTE_PLAN_NEXT), tx.FIRST_NOTE_PLANS),
)
# The parts whose "{title}" names a worksheet, and the context column that holds its title.
_TITLED = {1: "done", 3: "next"}
# The context columns of ``notes_rows``, with what each holds when the caller has none.
NOTE_CONTEXT: dict[str, Any] = {
    "flaggedEver": False,
    "flaggedBefore": False,
    **{f"{when}:{title}": False for when, title in tx.NOTE_NEEDS.values() if title},
    "done": None,
    "next": None,
    **{f"elevated:{scale}": False for scale in tx.ELEVATED},
}


def _eligible(frame: pl.DataFrame, options: Sequence[str]) -> npt.NDArray[np.bool_]:
    """Rows x ``options``: where each text may stand in a note with ``frame``'s context."""
    n = frame.height
    out = np.ones((n, len(options)), dtype=bool)
    for j, text in enumerate(options):  # a few fixed texts, not rows
        if text in tx.SAFETY_CLEAR:
            out[:, j] = ~frame["flaggedEver"].to_numpy()
        need = tx.NOTE_NEEDS.get(text)
        if need is not None:
            when, title = need
            col = f"{when}:{title}" if title else when
            has = frame[col]
            out[:, j] = (has if has.dtype == pl.Boolean else has.is_not_null()).to_numpy()
        for scale in tx.NOTE_SYMPTOMS.get(text, ()):
            out[:, j] &= frame[f"elevated:{scale}"].to_numpy()
    return out


def _elevated(meetings: pl.DataFrame, assessments: pl.DataFrame) -> pl.DataFrame:
    """id of ``meetings`` (id, clientId, startTime) with "elevated:<scale>" per scale of
    ``tx.ELEVATED``: whether the client's latest PreAssessment before the session and its
    latest one (by createdAt, then id) both rate that scale elevated; False without one
    before the session."""
    flags = [
        pl.col("severityLevels")
        .str.json_path_match(f"$.{scale}")
        .is_in(list(labels))
        .fill_null(False)
        .alias(f"elevated:{scale}")
        for scale, labels in tx.ELEVATED.items()
    ]
    cols = [f"elevated:{scale}" for scale in tx.ELEVATED]
    # One assessment per client and instant (the greater id), so "latest" is one row.
    a = (
        assessments.select("clientId", "createdAt", "id", *flags)
        .sort("clientId", "createdAt", "id")
        .unique(["clientId", "createdAt"], keep="last", maintain_order=True)
    )
    latest = a.unique("clientId", keep="last", maintain_order=True).drop("createdAt", "id")
    before = (
        meetings.select("id", "clientId", "startTime")
        .sort("startTime")
        .join_asof(
            a.drop("id").sort("createdAt"),
            left_on="startTime",
            right_on="createdAt",
            by="clientId",
            strategy="backward",
            allow_exact_matches=False,
            check_sortedness=False,
        )
        .join(latest, on="clientId", how="left", suffix="_latest")
    )
    return before.select(
        "id", *((pl.col(c) & pl.col(f"{c}_latest")).fill_null(False).alias(c) for c in cols)
    )


def note_context(
    meetings: pl.DataFrame,
    assessments: pl.DataFrame,
    worksheets: pl.DataFrame,
    submissions: pl.DataFrame,
) -> pl.DataFrame:
    """``meetings`` (id, clientId, therapistId, startTime) with ``NOTE_CONTEXT``'s columns:
    whether the client's PreAssessments flagged self-harm ideation ever (flaggedEver) or
    before the session (flaggedBefore), and the pair's worksheets ``tx.NOTE_NEEDS`` asks about
    ("before:<title>", "after:<title>", the titles "done" and "next"), and the scales the
    client's assessments show elevated ("elevated:<scale>", ``_elevated``)."""
    flags = assessments.filter(
        pl.col("aiEstimate").str.json_path_match("$.riskFlags[0]").is_not_null()
    ).select("clientId", pl.col("createdAt").alias("_flag"))
    first_flag = flags.group_by("clientId").agg(pl.col("_flag").min())
    m = meetings.select("id", "clientId", "therapistId", "startTime").join(
        first_flag, on="clientId", how="left", maintain_order="left"
    )
    m = m.with_columns(
        pl.col("_flag").is_not_null().alias("flaggedEver"),
        (pl.col("_flag") < pl.col("startTime")).fill_null(False).alias("flaggedBefore"),
    ).drop("_flag")
    pair = ["clientId", "therapistId"]
    ws = worksheets.select("id", *pair, "title", "createdAt").join(
        submissions.select(pl.col("worksheetId").alias("id"), "submittedAt"), on="id", how="left"
    )
    within = pl.duration(days=tx.NOTE_PLAN_WITHIN_DAYS)
    cand = m.select("id", *pair, "startTime").join(
        ws.rename({"id": "_w", "title": "_title", "createdAt": "_at"}), on=pair
    )
    before = pl.col("_at") < pl.col("startTime")
    after = (pl.col("_at") >= pl.col("startTime")) & (pl.col("_at") <= pl.col("startTime") + within)
    cols = []
    # A few fixed needs, each once, in NOTE_NEEDS' order (a set's would follow PYTHONHASHSEED).
    for when, title in dict.fromkeys(v for v in tx.NOTE_NEEDS.values() if v[1]):
        hit = cand.filter((pl.col("_title") == title) & (before if when == "before" else after))
        cols.append(pl.col("id").is_in(hit["id"].implode()).alias(f"{when}:{title}"))
    done = (
        cand.filter(pl.col("submittedAt") < pl.col("startTime"))
        .sort("submittedAt", "_w", descending=True)
        .unique("id", keep="first")
        .select("id", pl.col("_title").alias("done"))
    )
    nxt = (
        cand.filter(after)
        .sort("_at", "_w")
        .unique("id", keep="first")
        .select("id", pl.col("_title").alias("next"))
    )
    return (
        m.with_columns(cols)
        .join(done, on="id", how="left", maintain_order="left")
        .join(nxt, on="id", how="left", maintain_order="left")
        .join(_elevated(m, assessments), on="id", how="left", maintain_order="left")
    )


def notes_rows(ctx: Context, meetings: pl.DataFrame, users: pl.DataFrame) -> pl.DataFrame:
    """Session notes for ``meetings`` (id, therapistId, endTime, first, and ``NOTE_CONTEXT``'s
    columns from ``note_context``: each takes its default when missing), written after the
    session ended.

    ``first`` (from ``first_completed``) marks a pair's first held session: its notes come
    from the intake pools, which never refer to an earlier session. A text that names a
    worksheet (``tx.NOTE_NEEDS``) stands only where the pair's worksheets bear it out; a
    client whose assessment ever flagged self-harm ideation is never cleared of risk
    (``tx.SAFETY_CLEAR``), and a session after such an assessment has a risk paragraph
    (``tx.RISK_FIRST_NOTES`` at the first, else ``tx.RISK_NOTES``). The therapist writes and
    edits them by the time it was last seen (``users.last_seen`` over ``users``), which is
    after the session (it held it).
    """
    meetings = meetings.with_columns(
        pl.lit(v, dtype=pl.Boolean if isinstance(v, bool) else pl.String).alias(k)
        for k, v in NOTE_CONTEXT.items()
        if k not in meetings.columns
    )
    keys = text_keys(meetings["id"])
    s = ctx.stream("MeetingNotes", "fields")
    end = ms(meetings["endTime"])
    a = np.maximum(np.minimum(ctx.anchor_ms, seen_of(ctx, users, meetings["therapistId"])), end)
    lo = np.minimum(end + 10 * MS_PER_MINUTE, a)
    created = between(s, keys, lo, np.minimum(end + 2 * MS_PER_HOUR, a), index=0)
    updated = between(s, keys, created, np.minimum(created + 2 * MS_PER_DAY, a), index=1)
    first = meetings["first"].to_numpy()
    parts = []
    for i, (regular, intake) in enumerate(_NOTE_POOLS):  # four parts, not rows
        u = s.uniform(keys, 2 + i)
        texts = pl.Series([*regular, *intake], dtype=pl.String)
        pick_r = choose_eligible(u, _eligible(meetings, regular))
        pick_i = len(regular) + choose_eligible(u, _eligible(meetings, intake))
        part = texts.gather(np.where(first, pick_i, pick_r))
        if i in _TITLED:  # the worksheet a "done" / "next" text names
            part = pl.select(
                pl.lit(part).str.replace(
                    "{title}", pl.lit(meetings[_TITLED[i]]).fill_null(""), literal=True
                )
            ).to_series()
        parts.append(part)
    risk_texts = pl.Series([*tx.RISK_NOTES, *tx.RISK_FIRST_NOTES], dtype=pl.String)
    r = s.choice(keys, len(tx.RISK_NOTES), index=6)
    r_first = len(tx.RISK_NOTES) + s.choice(keys, len(tx.RISK_FIRST_NOTES), index=6)
    risk = risk_texts.gather(np.where(first, r_first, r))
    text = pl.select(
        pl.when(pl.lit(meetings["flaggedBefore"]))
        .then(pl.concat_str([*(pl.lit(p) for p in parts), pl.lit(risk)], separator=" "))
        .otherwise(pl.concat_str([pl.lit(p) for p in parts], separator=" "))
    ).to_series()
    return pl.DataFrame(
        {
            "id": ctx.ids("MeetingNotes", keys),
            "meetingId": meetings["id"],
            "notes": text,
            "createdAt": timestamps(created, "createdAt"),
            "updatedAt": timestamps(updated, "updatedAt"),
        }
    )


def spread(items: pl.DataFrame, group: str, need: pl.DataFrame, key: str = "pkey") -> pl.Series:
    """Per row of ``items``, its share of its group's ``need`` (group, need), round robin.

    Rows of a group take turns in the order of their keyed ``key``, so a deficit of 5 over 3
    pairs gives 2, 2, 1.
    """
    ranked = (
        items.select(group, key)
        .with_row_index("_i")
        .sort(group, key)
        .with_columns(
            pl.int_range(pl.len()).over(group).alias("_r"), pl.len().over(group).alias("_k")
        )
        .join(need.select(group, "need"), on=group, how="left")
        .with_columns(pl.col("need").fill_null(0))
        .select(
            "_i",
            (
                pl.col("need") // pl.col("_k")
                + (pl.col("_r") < pl.col("need") % pl.col("_k")).cast(pl.Int64)
            ).alias("share"),
        )
        .sort("_i")
    )
    return ranked["share"]


def existing_meetings(frames: Frames, pairs: pl.DataFrame) -> pl.DataFrame:
    """Meetings already placed, in ``schedule``'s shape (pairId NULL off the active pairs)."""
    tz = frames["Therapist"].select(pl.col("userId").alias("therapistId"), "timezone")
    return (
        frames["Meeting"]
        .join(
            pairs.select("pairId", "clientId", "therapistId"),
            on=["clientId", "therapistId"],
            how="left",
        )
        .join(tz, on="therapistId", how="left")
        .select(
            "id",
            "pairId",
            "therapistId",
            "clientId",
            "timezone",
            pl.col("startTime").dt.epoch("ms").alias("start"),
            pl.coalesce("endTime", pl.col("startTime") + pl.duration(minutes=pl.col("duration")))
            .dt.epoch("ms")
            .alias("end"),
            "status",
        )
        .sort("id")
    )


def meeting_requests(
    pairs: pl.DataFrame,
    need: npt.ArrayLike,
    past_only: npt.ArrayLike,
    first_req: int = 0,
    group: npt.ArrayLike | None = None,
) -> pl.DataFrame:
    """Scheduling requests for ``pairs`` (from ``active_pairs``), one per row.

    Rows with the same ``group`` form one request whose ``need`` (the same on each of its
    rows) may be met by any of its pairs; by default every row is its own request.
    """
    rows = pl.int_range(first_req, first_req + pairs.height, dtype=pl.Int64)
    return pairs.select(
        rows.alias("row"),
        rows.alias("req")
        if group is None
        else pl.lit(pl.Series("req", np.asarray(group), dtype=pl.Int64)),
        "pairId",
        "pkey",
        "clientId",
        "therapistId",
        "assignedMs",
        # Sessions start a day after the pairing; sessions a new therapist must already have
        # held may be on the day itself.
        (
            pl.col("assignedMs")
            + np.where(np.asarray(past_only, dtype=bool), 2 * MS_PER_HOUR, MS_PER_DAY)
        ).alias("lo"),
        pl.Series("need", np.asarray(need, dtype=np.int64)),
        pl.Series("pastOnly", np.asarray(past_only, dtype=bool)),
        "sessionMinutes",
        *(c for c in ("seenC", "seenT", "stillC") if c in pairs.columns),
    )


def accepted_meetings(
    ctx: Context,
    req: pl.DataFrame,
    acc: pl.DataFrame,
    first_before: pl.DataFrame | None = None,
    first_held: bool = False,
    short: tuple[int, int] = (0, 0),
    forced: pl.Series | None = None,
) -> pl.DataFrame:
    """Meeting rows for scheduled candidates; past-only requests are COMPLETED sessions, and
    with ``first_held`` so is each pair's first meeting (a pair that ended had sessions),
    and so are the candidates of ``forced`` (their mkey: ``held_for_minimums``).

    ``first_before``: pairId, firstBefore and optionally firstHeld (the pair's earliest
    existing meeting and earliest existing COMPLETED one, ms), as ``meeting_rows`` takes them;
    ``short``: the upcoming CANCELLED and WAITING meetings the build still needs (ditto).
    """
    joined = acc.select("row", "mkey", "start", "end", "duration").join(
        req.select(
            "row",
            "pairId",
            "clientId",
            "therapistId",
            "assignedMs",
            pl.col("pastOnly").alias("completed"),
            *(c for c in ("seenC", "seenT") if c in req.columns),
        ),
        on="row",
        how="left",
    )
    if first_before is None:
        joined = joined.with_columns(pl.lit(None, dtype=pl.Int64).alias("firstBefore"))
    else:
        held = [c for c in ("firstHeld",) if c in first_before.columns]
        joined = joined.join(
            first_before.select("pairId", "firstBefore", *held), on="pairId", how="left"
        )
    if first_held:
        first = pl.col("start") == pl.col("start").min().over("pairId")
        joined = joined.with_columns(pl.col("completed") | first)
    if forced is not None:
        joined = joined.with_columns(pl.col("completed") | pl.col("mkey").is_in(forced.implode()))
    return meeting_rows(ctx, joined.sort("mkey"), short)


def held_minimum(cfg: Config) -> int:
    """The COMPLETED sessions a therapist's notes and reviews minimums need: a note and a
    review are each of a session held."""
    return max(
        cfg.minimum("therapist", "session_notes_written"),
        cfg.minimum("therapist", "reviews_received"),
    )


def held_for_minimums(ctx: Context, req: pl.DataFrame, acc: pl.DataFrame) -> pl.Series:
    """mkey of the past sessions of ``acc`` (candidates of ``req``'s active pairs) that took
    place though they drew CANCELLED or NO_SHOW (``past_draw``): where the draws leave a
    therapist fewer COMPLETED sessions than its notes and reviews minimums need, its earliest
    such sessions, as many as it is short.

    The meetings enricher's top-up could only add its COMPLETED sessions after a pair's first
    held one (that one is its intake, titled so), and where that pair's weeks had no room left
    the therapist stayed short (0.16.0 light x3 --seed 13: dev_therapist_3's one client's first
    session was cancelled, its second held, last seen two days later; light x0.3 --seed 9: its
    client's first held, then a cancelled and a missed one on the days around the therapist's
    three; min:therapist.session_notes_written, 1 of 2). A session of the series that drew
    one is held here instead, so its pair's intake is still its first held (``meeting_rows``).
    Only the status draws count as done: ``acc`` holds no session forced COMPLETED
    (``pastOnly``), as the series of active pairs, its one caller, forces none.
    """
    need = held_minimum(ctx.config)
    past = acc.filter(pl.col("end") <= ctx.anchor_ms).join(
        req.select("row", "therapistId"), on="row", how="left"
    )
    done = pl.Series("done", past_draw(ctx, past["mkey"].to_numpy()) == "COMPLETED")
    short = need - pl.col("done").cast(pl.Int64).sum().over("therapistId")
    return (
        past.select("mkey", "start", "therapistId", done)
        .sort("start", "mkey")
        .filter(~pl.col("done") & (pl.int_range(pl.len()).over("therapistId", "done") < short))
        .get_column("mkey")
    )


def meetings(
    ctx: Context, frames: Frames, avail: pl.DataFrame, pairs: pl.DataFrame | None = None
) -> pl.DataFrame:
    """The sessions of each active pair's series so far and booked ahead (``series_sessions``:
    as many as its weeks since the pairing hold at its cadence; upstream drew
    randint(1, meetingsPerRelationship) whatever the pair's age). A therapist whose past ones
    drew too few COMPLETED for its notes and reviews minimums held the earliest others
    (``held_for_minimums``). Their notes come later: the notes enricher writes them once the
    worksheets and assessments they speak of exist.

    ``pairs``: ``active_pairs(ctx, frames)``, when the caller has it already.
    """
    pairs = active_pairs(ctx, frames) if pairs is None else pairs
    if pairs.is_empty():
        return ctx.empty("Meeting")
    req = meeting_requests(pairs, np.zeros(pairs.height), np.zeros(pairs.height, dtype=bool))
    # A series runs weekly (or fortnightly) from the pairing until as far ahead as the pair
    # has booked: a recent pair has had few sessions yet, one of months many.
    req = req.with_columns(booked_until(ctx, req))
    req = req.with_columns(pl.Series("need", series_sessions(ctx, req), dtype=pl.Int64))
    acc, _ = schedule(ctx, req, weekly_grid(slot_grid(avail)))
    short = (MIN_UPCOMING_CANCELLED, MIN_WAITING)  # the first meetings of the build
    # A therapist's minimums ask for sessions held: the series' own come first.
    forced = held_for_minimums(ctx, req, acc)
    return accepted_meetings(ctx, req, acc, short=short, forced=forced)


# -- worksheets -------------------------------------------------------------------------------


def _worksheet_table() -> dict[str, npt.NDArray[Any]]:
    titles, slugs, instructions = [], [], []
    for title, slug, desc, minutes, steps in tx.WORKSHEETS:
        numbered = "\n".join(f"{i + 1}. {step}" for i, step in enumerate(steps))
        titles.append(title)
        slugs.append(slug)
        instructions.append(f"{desc}\n\nEstimated time: {minutes} minutes.\n\n{numbered}")
    return {
        "title": np.array(titles),
        "slug": np.array(slugs),
        "instructions": np.array(instructions),
        "minMs": np.array([tx.WORKSHEET_MIN_DAYS.get(t, 0) * MS_PER_DAY for t in titles]),
    }


def _feedback_table() -> tuple[pl.Series, npt.NDArray[np.bool_]]:
    """The feedback texts (for any worksheet, then each title's in ``tx.WORKSHEETS`` order)
    and templates x texts: which of them fit each template."""
    titled = [tx.WORKSHEET_FEEDBACK_FOR[w[0]] for w in tx.WORKSHEETS]
    texts = [*tx.WORKSHEET_FEEDBACK, *(f for pool in titled for f in pool)]
    fits = np.zeros((len(titled), len(texts)), dtype=bool)
    fits[:, : len(tx.WORKSHEET_FEEDBACK)] = True
    at = len(tx.WORKSHEET_FEEDBACK)
    for i, pool in enumerate(titled):  # a few templates, not rows
        fits[i, at : at + len(pool)] = True
        at += len(pool)
    return pl.Series(texts, dtype=pl.String), fits


_WS = _worksheet_table()
_FEEDBACK, _FEEDBACK_FITS = _feedback_table()
# The per-template texts as String series: rows gather them (converting numpy strings to
# polars costs Python work per row).
_WS_TEXT = {
    "title": pl.Series(_WS["title"], dtype=pl.String),
    "instructions": pl.Series(_WS["instructions"], dtype=pl.String),
    "materialUrl": pl.Series(
        np.char.add(np.char.add("https://cdn.mentara.app/worksheets/", _WS["slug"]), ".pdf"),
        dtype=pl.String,
    ),
    "materialName": pl.Series(np.char.add(_WS["title"], ".pdf"), dtype=pl.String),
    "fileName": pl.Series(np.char.add(_WS["slug"], "-completed.pdf"), dtype=pl.String),
}
_WS_STATUS = pl.Series(["REVIEWED", "SUBMITTED", "OVERDUE", "ASSIGNED"], dtype=pl.String)
SUBMIT_RATE = 0.75  # worksheets handed in (by the due date or late)
LATE_RATE = 0.15  # of those past due, handed in after the due date ...
LATE_BY = 5 * MS_PER_DAY  # ... by up to this much
# A worksheet is due DUE_DAYS local days after it was given, at the end of that day (23:59)
# in the client's home zone: the app's due dates are days, not times of day.
DUE_DAYS = (7, 10, 14)
DUE_AT = 23 * MS_PER_HOUR + 59 * MS_PER_MINUTE
# A therapist reviews a submission before the pair's next held session, or in it (to go over
# it together); REVIEW_LATE_RATE of them only after that session, within REVIEW_LATE_BY
# (REVIEW_LATE_MEAN on average) and before the session after it: an assumed tail.
REVIEW_LATE_RATE = 0.1
REVIEW_LATE_BY = 4 * MS_PER_DAY
REVIEW_LATE_MEAN = 1.0 * MS_PER_DAY
# Without a next session (a pair with none after the submission yet), the review comes
# REVIEW_ALONE_MEAN after it on average (the therapist's working days), within REVIEW_ALONE_BY.
REVIEW_ALONE_MEAN = 3.0 * MS_PER_DAY
REVIEW_ALONE_BY = 14 * MS_PER_DAY
_NEVER = np.iinfo(np.int64).max


# Homework is given at a session: when a COMPLETED session of the pair ends, or within
# GIVEN_WITHIN after it (the therapist sends it as the session closes, or once the notes are
# written up), GIVEN_MEAN after it on average, on the therapist's working clock.
GIVEN_WITHIN = 3 * MS_PER_HOUR
GIVEN_MEAN = 30 * MS_PER_MINUTE
# A session gives at most PER_SESSION worksheets: each of its PER_SESSION slots is filled with
# probability q (the first filled first), so it gives q x PER_SESSION on average
# (``homework_rates``). q is the homework a session is given on average / PER_SESSION, times
# the therapist's habit (a keyed factor in HABIT: some set more homework than others). A
# session is given worksheets_per_relationship / meetings_per_relationship (the volumes'
# homework a session), and at least the client minimum (client.worksheets_if_has_therapist)
# over HELD_SESSIONS (``homework_rate``), and at least that minimum over the sessions its own
# client has held, four at least (``homework_rates``): a client in therapy is given its
# minimum at the sessions it holds, not by a top-up (light x20 had 59 of 75 therapists at
# exactly 4 when the rate was the volumes' 2 / 3 alone). Clients in therapy hold fewer than
# HELD_SESSIONS on average (default seed: light 4.6, light x20 4.7, medium 4.9, heavy x3 8.3
# sessions), so 4 / 6 alone still left those with few to the top-up: light x20 had 34 of 84
# clients in therapy and 29 of 75 APPROVED therapists at exactly 4 (heavy x3 24 of 93 clients,
# heavy x20 127); with the client's own floor 27 and 22 (heavy x3 20, heavy x20 111). Those
# left at 4 mostly held 3 sessions. The floor is over four sessions at least, one a session:
# over the client's own one or two it gave two at nearly every session, and piled clients
# out of therapy at 4 (heavy x20: 241 of 1218 clients given worksheets, against 195 of 1185
# with none; 193 of 1210 now). It was over the (1 + mpr) / 2 sessions of upstream's
# randint(1, mpr): light's 2 a session gave two worksheets at nearly every session.
# PER_SESSION is config's (its minimums' scope is said there).
HABIT = (0.4, 1.6)
HELD_SESSIONS = 6.0
FLOOR_SESSIONS = 4  # the client floor is over this many sessions at least (see above)


def homework_sessions(ctx: Context, pairs: pl.DataFrame, meetings: pl.DataFrame) -> pl.DataFrame:
    """The COMPLETED sessions of ``pairs`` (``active_pairs`` rows, or ``ended_pairs`` ones:
    endMs, null for an active pair) among ``meetings`` that ended before the anchor: the
    pair's columns plus meetingId and atMs (when the session ended), by atMs then meetingId."""
    held = meetings.filter(pl.col("status").cast(pl.String) == "COMPLETED").select(
        pl.col("id").alias("meetingId"),
        "clientId",
        "therapistId",
        pl.col("endTime").dt.epoch("ms").alias("atMs"),
    )
    return (
        pairs.join(held, on=["clientId", "therapistId"], how="inner")
        .filter(pl.col("atMs") < ctx.anchor_ms)
        .sort("atMs", "meetingId")
    )


def homework_rate(ctx: Context) -> float:
    """Worksheets a session is given on average at the mean habit (see PER_SESSION)."""
    vol = ctx.config.volumes
    mpr = max(float(vol["meetings_per_relationship"]), 1.0)
    least = ctx.config.minimum("client", "worksheets_if_has_therapist") / HELD_SESSIONS
    return max(float(vol["worksheets_per_relationship"]) / mpr, least)


def homework_rates(ctx: Context, sessions: pl.DataFrame) -> npt.NDArray[np.float64]:
    """q per slot of each of ``sessions`` (``homework_sessions``: therapistId, clientId):
    ``homework_rate``, or the client minimum over the sessions its client holds in
    ``sessions`` (four at least) where that is more, / PER_SESSION times the therapist's keyed habit (HABIT),
    at most 1, and at most what gives its client one round of titles (``len(tx.WORKSHEETS)``)
    over all of its sessions on average: a client has at most two rounds (the worksheets
    enricher's CAP), and one in therapy for months (heavy x20: 21 sessions with four
    therapists) reached them by its draws, leaving its current therapist no room for its
    minimum (its later sessions' homework came after CAP); the top-ups give the second round."""
    habit = ctx.stream("Worksheet", "habit").uniform(text_keys(sessions["therapistId"]))
    factor = HABIT[0] + (HABIT[1] - HABIT[0]) * habit
    held = sessions.select(pl.len().over("clientId")).to_series().to_numpy()
    least = ctx.config.minimum("client", "worksheets_if_has_therapist") / np.maximum(
        held, FLOOR_SESSIONS
    )
    q = np.clip(np.maximum(homework_rate(ctx), least) * factor / PER_SESSION, 0.0, 1.0)
    out: npt.NDArray[np.float64] = np.minimum(
        q, len(tx.WORKSHEETS) / (PER_SESSION * np.maximum(held, 1))
    )
    return out


def homework_counts(ctx: Context, sessions: pl.DataFrame) -> I64:
    """How many worksheets each of ``sessions`` (``homework_sessions``) gives by itself
    (0 to PER_SESSION: see ``homework_rates``), keyed by its meeting."""
    q = homework_rates(ctx, sessions)
    s = ctx.stream("Worksheet", "given")
    keys = text_keys(sessions["meetingId"])
    n = np.zeros(sessions.height, dtype=np.int64)
    for j in range(PER_SESSION):  # a fixed two draws over every session, not rows
        n += s.uniform(keys, j) < q
    return n


def next_sessions(pairs: pl.DataFrame, after: I64, meetings: pl.DataFrame) -> tuple[I64, I64, I64]:
    """Per row of ``pairs`` (clientId, therapistId), the pair's sessions among ``meetings``
    (clientId, therapistId, status, startTime, endTime) that start after ``after`` (ms): the
    end of the next held (COMPLETED) one, the start of the held one after that, and the start
    of the next one not CANCELLED (held, missed or still ahead); ``_NEVER`` where none."""
    pair = ["clientId", "therapistId"]
    m = meetings.select(
        *pair,
        "status",
        pl.col("startTime").dt.epoch("ms").alias("start"),
        pl.col("endTime").dt.epoch("ms").alias("end"),
    ).sort("start", *pair)
    held = m.filter(pl.col("status") == "COMPLETED").with_columns(
        pl.int_range(pl.len(), dtype=pl.Int64).over(pair).alias("nth")
    )
    not_cancelled = m.filter(pl.col("status") != "CANCELLED").select(*pair, "start")
    left = pairs.select(
        *pair,
        pl.Series("t", np.asarray(after, dtype=np.int64) + 1),  # strictly after
        pl.int_range(pl.len(), dtype=pl.Int64).alias("_i"),
    ).sort("t")

    def asof(right: pl.DataFrame) -> pl.DataFrame:
        return left.join_asof(
            right,
            left_on="t",
            right_on="start",
            by=pair,
            strategy="forward",
            check_sortedness=False,
        )

    first = asof(held.select(*pair, "start", "end", "nth"))
    second = first.join(
        held.select(*pair, (pl.col("nth") - 1).alias("nth"), pl.col("start").alias("start2")),
        on=[*pair, "nth"],
        how="left",
    )
    out = second.join(asof(not_cancelled).select("_i", pl.col("start").alias("p1")), on="_i").sort(
        "_i"
    )
    never = pl.lit(_NEVER, dtype=pl.Int64)
    held1, held2, planned = (
        out[c].fill_null(never).to_numpy().astype(np.int64) for c in ("end", "start2", "p1")
    )
    return held1, held2, planned


def worksheet_templates(ctx: Context, clients: pl.Series, nth: I64) -> I64:
    """The template of each client's ``nth`` worksheet (0 = its first, counted over all of its
    worksheets): a keyed permutation of the templates per client, so a client is not given
    a title again before it has had every other one."""
    n = len(tx.WORKSHEETS)
    if not len(clients):
        return np.zeros(0, dtype=np.int64)
    uniq, back = np.unique(text_keys(clients), return_inverse=True)
    perm = ranks(ctx.stream("Worksheet", "template"), uniq, n)
    return np.asarray(perm[back.reshape(-1), np.asarray(nth, dtype=np.int64) % n], dtype=np.int64)


def worksheet_rows(
    ctx: Context, pairs: pl.DataFrame, keys: U64, meetings: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Worksheets (one per row of ``pairs``: clientId, therapistId, atMs: when the session it
    is given at ended, nth: the worksheet's number among its client's; seenC, seenT: when
    client and therapist were last seen, ``users.last_seen``; endMs: when the pair ended,
    null while it is active) + submissions.

    Given at the session: GIVEN_WITHIN after it ended at most (GIVEN_MEAN on average, on the
    therapist's working clock), by the time the therapist was last seen and the anchor; due
    DUE_DAYS local days later at the end of the client's day (23:59 in its home zone); the
    template follows ``worksheet_templates``. Past due: submitted 75 % of the time where the
    client came after it was assigned (SUBMIT_RATE; LATE_RATE of them late, within LATE_BY of
    the due date), else OVERDUE. Not yet due: submitted in that share of the time it has had,
    else ASSIGNED. A submission comes after assignment, once the days its steps span have
    passed (``tx.WORKSHEET_MIN_DAYS``), by the due date (or late), by the time the client
    was last seen and, for a pair that ended, by its end (a client no longer hands in
    homework to a past therapist: one not handed in by then is left undone); its feedback
    fits any worksheet or its title (``tx.WORKSHEET_FEEDBACK_FOR``).
    The therapist reviews it (REVIEWED, with feedback) in its working day, before or at the
    pair's next held session among ``meetings`` (Meeting rows), a REVIEW_LATE_RATE tail
    after it but before the one after that (``next_sessions``); before the next session
    planned, where none was held since; by the time the therapist was last seen and the
    anchor, else the worksheet is still SUBMITTED.
    """
    s = ctx.stream("Worksheet", "fields")
    a = ctx.anchor_ms
    n = pairs.height
    seen_c = pairs["seenC"].to_numpy() if "seenC" in pairs.columns else np.full(n, a)
    seen_t = pairs["seenT"].to_numpy() if "seenT" in pairs.columns else np.full(n, a)
    ended = pairs["endMs"].fill_null(a).to_numpy() if "endMs" in pairs.columns else np.full(n, a)
    tpl = worksheet_templates(ctx, pairs["clientId"], pairs["nth"].to_numpy())
    at = pairs["atMs"].to_numpy()
    hi = np.maximum(at, np.minimum(np.minimum(at + GIVEN_WITHIN, ended), np.minimum(a, seen_t)))
    # Given by the therapist as the session closes or soon after, in its working hours
    # (``clock``); due at the end of a day of the client's, some days after assignment.
    home_t = home_offset_of(ctx, pairs["therapistId"])
    created = waking_soon_after(s, keys, at, hi, GIVEN_MEAN, home_t, index=1, rhythm=WORKDAY)
    zone_c = home_zone_of(ctx, pairs["clientId"])
    due_days = (
        utc_to_local(created, zone_c) // MS_PER_DAY
        + np.asarray(DUE_DAYS)[s.choice(keys, len(DUE_DAYS), index=2)]
    )
    due = local_to_utc(due_days * MS_PER_DAY + DUE_AT, zone_c)
    past_due = due < a
    # SUBMIT_RATE of worksheets are handed in in all; one not yet due already is in that
    # share of the time since it was given. LATE_RATE of those past due come in late, up to
    # LATE_BY after the due date, where the client came then (an OVERDUE one until then).
    # A worksheet whose steps span days (``tx.WORKSHEET_MIN_DAYS``) is handed in once they
    # have passed (``ready``); the share of one not yet due counts from then.
    ready = created + _WS["minMs"][tpl]
    elapsed = np.clip((a - ready) / np.maximum(due - ready, 1), 0.0, 1.0)
    late = past_due & s.bernoulli(keys, LATE_RATE, index=10)
    came = np.minimum(np.minimum(a, seen_c), ended)
    sub_lo = np.where(late, due + MS_PER_HOUR, np.maximum(created + MS_PER_HOUR, ready))
    sub_hi = np.where(late, np.minimum(due + LATE_BY, came), np.minimum(due, came))
    submitted = s.bernoulli(keys, SUBMIT_RATE * elapsed, index=3) & (sub_lo <= sub_hi)
    home_c = home_offset_of(ctx, pairs["clientId"])
    sub_at = waking_between(s, keys, sub_lo, sub_hi, home_c, index=5)
    # The review: by the next held session (or in it), a tail after it but before the one
    # after; else before the next session planned; else some working days on.
    held1, held2, planned = next_sessions(pairs, sub_at, meetings)
    late_review = s.bernoulli(keys, REVIEW_LATE_RATE, index=4) & (held1 != _NEVER)
    review_lo = np.where(late_review, held1, sub_at)
    review_by = np.where(
        held1 != _NEVER,
        np.where(late_review, np.minimum(held1 + REVIEW_LATE_BY, held2 - 1), held1),
        np.where(planned != _NEVER, planned, sub_at + REVIEW_ALONE_BY),
    )
    alone = (held1 == _NEVER) & (planned == _NEVER)
    review_at = np.where(
        late_review,
        waking_soon_after(
            s, keys, review_lo, review_by, REVIEW_LATE_MEAN, home_t, index=6, rhythm=WORKDAY
        ),
        np.where(
            alone,
            waking_soon_after(
                s, keys, sub_at, review_by, REVIEW_ALONE_MEAN, home_t, index=11, rhythm=WORKDAY
            ),
            waking_between(s, keys, sub_at, review_by, home_t, index=12, rhythm=WORKDAY),
        ),
    )
    review_hi = np.minimum(a, seen_t)
    reviewed = submitted & (review_at <= review_hi)
    status = np.where(reviewed, 0, np.where(submitted, 1, np.where(past_due, 2, 3)))  # _WS_STATUS
    updated = np.where(
        reviewed,
        review_at,
        np.where(submitted, sub_at, np.where(past_due, between(s, keys, due, a, index=7), created)),
    )
    ids = ctx.ids("Worksheet", keys)
    worksheets = pl.DataFrame(
        {
            "id": ids,
            "clientId": pairs["clientId"],
            "therapistId": pairs["therapistId"],
            "title": _WS_TEXT["title"].gather(tpl),
            "instructions": _WS_TEXT["instructions"].gather(tpl),
            "dueDate": timestamps(due, "dueDate"),
            "status": _WS_STATUS.gather(status),
            "materialUrls": single(_WS_TEXT["materialUrl"].gather(tpl), "materialUrls"),
            "materialNames": single(_WS_TEXT["materialName"].gather(tpl), "materialNames"),
            "createdAt": timestamps(created, "createdAt"),
            "updatedAt": timestamps(updated, "updatedAt"),
        }
    )
    sub_ids = ids.filter(pl.Series(submitted))
    sk = keys[submitted]
    file_name = _WS_TEXT["fileName"].gather(tpl[submitted])
    # Feedback for any worksheet or about this title's work (progress texts, which need the
    # pair's earlier submissions, are the worksheets enricher's).
    feedback = _FEEDBACK.gather(choose_eligible(s.uniform(sk, 13), _FEEDBACK_FITS[tpl[submitted]]))
    submissions = pl.DataFrame(
        {
            "id": ctx.ids("WorksheetSubmission", sk),
            "worksheetId": sub_ids,
            "fileUrls": single(
                "https://storage.mentara.app/submissions/" + sub_ids + "/" + file_name,
                "fileUrls",
            ),
            "fileNames": single(file_name, "fileNames"),
            "fileSizes": single(s.integers(sk, 50_000, 500_001, index=9), "fileSizes", pl.Int32()),
            "submittedAt": timestamps(sub_at[submitted], "submittedAt"),
            "feedback": unless(feedback, ~reviewed[submitted], "feedback"),
        }
    )
    return worksheets, submissions


# -- pre-assessments --------------------------------------------------------------------------

# Interventions per concern (rows follow tx.CONCERNS, then "general wellbeing").
_IV_TABLE = np.array(
    [tx.INTERVENTIONS[c] for c in (*tx.CONCERNS, "general wellbeing")], dtype=object
)


def _json_texts(options: npt.ArrayLike) -> npt.NDArray[Any]:
    """Each text option spelled as ``json_list`` spells a list item (polars' encoder)."""
    flat = np.asarray(options, dtype=object)
    one = pl.Series([[o] for o in flat.reshape(-1)], dtype=pl.List(pl.String))
    lists = pl.select(json_list(pl.lit(one)).expr).to_series().to_numpy()
    return np.array([t[1:-1] for t in lists], dtype=object).reshape(flat.shape)


@functools.cache
def _assessment_json() -> tuple[npt.NDArray[Any], npt.NDArray[Any], dict[str, pl.Series]]:
    """JSON spellings: concerns (tx.CONCERNS, then "general wellbeing"), ``_IV_TABLE``, and
    the one-item arrays of prior therapies, medication types and the risk flag."""
    concerns = _json_texts([*tx.CONCERNS, "general wellbeing"])
    one_item = {
        k: pl.Series(["[" + t + "]" for t in _json_texts(options)], dtype=pl.String)
        for k, options in (
            ("prior", tx.PRIOR_THERAPY),
            ("meds", tx.MEDICATION_TYPES),
            ("risk", ["self-harm ideation"]),
        )
    }
    return concerns, _json_texts(_IV_TABLE), one_item


def _json_digit_lists(values: I64, name: str) -> pl.Series:
    """JSON arrays of each row's one-digit integers, as ``json_list`` spells them: "[1, 0, 3]".

    Every row has the same length, so the text is one byte matrix: a template of brackets
    and separators with the digits written in, handed to polars without a row loop.
    """
    n, k = values.shape
    if not k or values.min(initial=0) < 0 or values.max(initial=0) > 9:
        raise ValueError("_json_digit_lists takes rows of one or more digits 0-9")
    template = np.frombuffer(("[" + ", ".join("0" * k) + "]").encode(), dtype=np.uint8)
    text = np.tile(template, (n, 1))
    text[:, 1::3] = values + ord("0")
    return text_from_bytes(text, name)


def _wrap(items: pl.Series) -> JsonText:
    """A list column of texts already spelled as JSON items, as a JSON array."""
    return JsonText(pl.concat_str([pl.lit("["), pl.lit(items).list.join(", "), pl.lit("]")]))


def single(
    values: npt.ArrayLike | pl.Series, name: str, dtype: pl.DataType | None = None
) -> pl.Series:
    """A list column with one element per row."""
    v = values if isinstance(values, pl.Series) else pl.Series(np.asarray(values))
    v = v.cast(dtype or pl.String())
    return v.to_frame("v").select(pl.concat_list("v").alias(name)).to_series()


def _band(scores: I64, bands: Sequence[tuple[int, str]]) -> tuple[I64, npt.NDArray[Any]]:
    """(band index, label) of each score by inclusive upper bounds."""
    idx = np.searchsorted(np.array([b for b, _ in bands]), scores, side="left")
    return idx, np.array([label for _, label in bands])[idx]


def _items(
    s: Any,
    keys: U64,
    level: npt.NDArray[np.float64],
    n: int,
    top: int,
    weights: npt.NDArray[np.float64] | None = None,
) -> I64:
    """``n`` Likert answers 0..top per key around ``level`` (0..1) with keyed noise."""
    w = np.ones(n) if weights is None else weights
    idx = np.arange(n, dtype=np.uint64)
    noise = s.normal(keys[:, None], idx[None, :])
    # Lower-weighted items are also less noisy.
    raw = level[:, None] * (top + 0.6) * w[None, :] - 0.3 + 0.75 * np.sqrt(w)[None, :] * noise
    return np.asarray(np.clip(np.rint(raw), 0, top), dtype=np.int64)


# PHQ-9 item 9 (thoughts of being better off dead or of self-harm) is endorsed (>= 1) with a
# probability that rises steeply with the other eight items' total (the PHQ-8): rare at
# minimal severity, about half the time at severe. A logistic curve through the published
# rates (Kroenke et al. 2001; Simon et al. 2013: ~2 % at PHQ-8 0-4, ~6 % at 5-9, ~15 % at
# 10-14, ~35 % at 15-19, ~55 % at 20+): centre ITEM9_MIDPOINT, width ITEM9_WIDTH points.
ITEM9_MIDPOINT = 19.0
ITEM9_WIDTH = 4.4
# Of the endorsements, the share answered 2 ("more than half the days") and 3 ("nearly every
# day") grows with the same probability: at most ITEM9_HIGHER x it, 3 at most ITEM9_TOP x it.
ITEM9_HIGHER, ITEM9_TOP = 0.4, 0.15


def item9_probability(phq8_total: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """P(PHQ-9 item 9 >= 1) given the total of items 1-8: the logistic curve centred on
    ``ITEM9_MIDPOINT``, ``ITEM9_WIDTH`` points wide."""
    t = np.asarray(phq8_total, dtype=np.float64)
    return np.asarray(1.0 / (1.0 + np.exp(-(t - ITEM9_MIDPOINT) / ITEM9_WIDTH)))


def _item9(s: Stream, keys: U64, phq8: I64) -> I64:
    """PHQ-9 item 9 (0..3) per key, endorsed as ``item9_probability`` of the PHQ-8 total says."""
    p = item9_probability(phq8.sum(1))
    u, v = s.uniform(keys, 0), s.uniform(keys, 1)
    value = 1 + (v < ITEM9_HIGHER * p) + (v < ITEM9_TOP * p)
    return np.where(u < p, value, 0).astype(np.int64)[:, None]


# The intake assessment is processed within this long of its submission (``assessment_rows``).
INTAKE_PROCESSED_WITHIN = 3 * MS_PER_MINUTE
# A client re-takes the assessment no sooner than RETAKE_DAYS after its previous one (PHQ-9
# and GAD-7 re-screening comes every two to four weeks): its k-th follow-up lies in the k-th
# slot of up to RETAKE_SLOT_DAYS after the intake, RETAKE_DAYS into it at the earliest. One
# more takes RETAKE_ROOM_DAYS (a day more, to find its waking hours in): a client whose
# intake is not that long before the anchor has fewer (``retakes_fit``).
RETAKE_DAYS = 14
RETAKE_SLOT_DAYS = 45
RETAKE_ROOM_DAYS = RETAKE_DAYS + 1


def retakes_fit(room_ms: npt.ArrayLike) -> I64:
    """How many assessments fit in ``room_ms`` from the intake (the intake and one per
    RETAKE_ROOM_DAYS): at least the intake."""
    room = np.maximum(np.asarray(room_ms, dtype=np.int64), 0)
    return np.asarray(1 + room // (RETAKE_ROOM_DAYS * MS_PER_DAY), dtype=np.int64)


def intake_ms(ctx: Context, clients: pl.Series, created_ms: I64) -> I64:
    """When each client (its id, its createdAt in ms) took its intake assessment: within
    ``MIN_ACTIVE_SPAN`` of signing up (so before it was last seen), in its waking hours
    (``clock``). Keyed by the client alone, so the generator, the enricher and the pairs
    (which come after it) agree on it."""
    s = ctx.stream("PreAssessment", "fields")
    hi = np.minimum(created_ms + MIN_ACTIVE_SPAN, ctx.anchor_ms)
    home = home_offset_of(ctx, clients)
    return waking_between(s, text_keys(clients), created_ms, hi, home, index=0)


# Share of clients who take their intake assessment through the chatbot (the rest fill in
# the checklist); the chatbot needs a while, so only an intake this long after sign-up can.
CHATBOT_INTAKE = 0.35
CHATBOT_INTAKE_AFTER = 45 * MS_PER_MINUTE


# Of the other clients whose intake leaves the chatbot room, a keyed HYBRID_INTAKE began it
# with the chatbot, answered the first items there (``hybrid_items``: HYBRID_ITEMS, a part
# only) and finished it on the checklist: a HYBRID assessment linked to that session.
HYBRID_INTAKE = 0.3
HYBRID_ITEMS = (3, 30)  # items answered in the chat, of the 33 of the four instruments
# A keyed CHECKIN_CHATBOT share of follow-up assessments were re-taken in a chatbot check-in
# (CHATBOT, linked to that later session), the others on the checklist.
CHECKIN_CHATBOT = 0.25
# The chatbot's read of an assessment's overall severity; a risk flag (PHQ-9 item 9
# endorsed) makes it elevated whatever the severity (the chatbot sessions and the
# assessments' conversationInsights).
RISK_LEVEL = {"minimal": "low", "mild": "low", "moderate": "moderate", "severe": "elevated"}


def hybrid_items(ctx: Context, client_keys: U64) -> I64:
    """How many items (in the chatbot's order) each client answered in the chat before it
    finished a HYBRID intake on the checklist: keyed by the client, so the assessment and its
    chatbot session agree."""
    out: I64 = ctx.stream("PreAssessment", "hybrid").integers(client_keys, *HYBRID_ITEMS, index=1)
    return out


def chatbot_session_keys(client_keys: U64, nth: npt.ArrayLike = 0) -> U64:
    """The key of each client's (``text_keys`` of its id) chatbot session for its ``nth``
    assessment (0: the intake session; later ones: a check-in the client re-took it in):
    the chatbot enricher makes the session, the assessment that comes of it links to it."""
    return child_keys(client_keys, nth)


def assessment_rows(ctx: Context, clients: pl.DataFrame, nth: I64) -> pl.DataFrame:
    """The ``nth`` assessment (0 = intake) of each row's client (clientId, createdMs and
    optionally seenMs: ``users.last_seen``, which follow-ups precede; total: how many the
    client has in all, at most ``retakes_fit`` of its room, else nth + 1).

    A client's latent levels are keyed by the client, so its assessments agree with each
    other; later ones reflect a keyed improvement (or decline) over time. Scores are the sums
    of the answers (PSS-10 with its reverse-scored items), severity levels follow the
    standard cut-offs and the AI estimate is derived from them.
    """
    a = ctx.anchor_ms
    ck = text_keys(clients["clientId"])
    keys = child_keys(ck ^ ASSESSMENT_SALT, nth)
    lat = ctx.stream("PreAssessment", "latent")
    g = lat.uniform(ck, 0)
    dep, anx = 0.55 * g + 0.45 * lat.uniform(ck, 1), 0.55 * g + 0.45 * lat.uniform(ck, 2)
    stress, sleep = 0.5 * g + 0.5 * lat.uniform(ck, 3), 0.4 * g + 0.6 * lat.uniform(ck, 4)
    improve = -0.1 + 0.5 * lat.uniform(ck, 5)
    s = ctx.stream("PreAssessment", "fields")
    c_at = clients["createdMs"].to_numpy()
    intake = intake_ms(ctx, clients["clientId"], c_at)
    # The nth follow-up lies in the nth of (total - 1) slots after the intake, each
    # RETAKE_SLOT_DAYS or the client's share of its time since the intake (before it was
    # last seen, ``seenMs`` when given) if less, and RETAKE_DAYS into its slot at the
    # earliest: every one RETAKE_DAYS after the one before (they were drawn apart, so a
    # later one could come first, and a new client's two could be a day apart). One who
    # stopped coming too soon for them came back to re-take it, within the time to the
    # anchor, as a minimum asks (``retakes_fit`` of that time: a slot is never under
    # RETAKE_ROOM_DAYS).
    until = clients["seenMs"].to_numpy() if "seenMs" in clients.columns else a
    total = clients["total"].to_numpy() if "total" in clients.columns else nth + 1
    steps = np.maximum(total - 1, 1)
    room = np.maximum(np.minimum(until, a) - intake, 0)
    short = room // steps < RETAKE_ROOM_DAYS * MS_PER_DAY
    room = np.where(short, np.maximum(a - intake, 0), room)
    slot = np.minimum(RETAKE_SLOT_DAYS * MS_PER_DAY, room // steps)
    lo = intake + np.maximum(nth - 1, 0) * slot + RETAKE_DAYS * MS_PER_DAY
    hi = intake + nth * slot
    home = home_offset_of(ctx, clients["clientId"])
    created = np.where(nth == 0, intake, waking_between(s, keys, lo, hi, home, index=1))
    chatbot = (
        (nth == 0)
        & (intake >= c_at + CHATBOT_INTAKE_AFTER)
        & ctx.stream("PreAssessment", "chatbot").bernoulli(ck, CHATBOT_INTAKE)
    ) | ((nth > 0) & ctx.stream("PreAssessment", "checkin").bernoulli(keys, CHECKIN_CHATBOT))
    # A client who did not take it with the chatbot but had the time may have begun with it.
    hybrid = (
        (nth == 0)
        & (intake >= c_at + CHATBOT_INTAKE_AFTER)
        & ~chatbot
        & ctx.stream("PreAssessment", "hybrid").bernoulli(ck, HYBRID_INTAKE, index=0)
    )
    session_ids = ctx.ids("ChatbotSession", chatbot_session_keys(ck, nth))
    processed = np.minimum(created + s.integers(keys, 5_000, INTAKE_PROCESSED_WITHIN, index=2), a)
    created = np.minimum(created, processed)
    frac = np.clip((created - c_at) / (120 * MS_PER_DAY), 0.0, 1.0)
    scale = np.clip(1.0 - improve * frac, 0.0, 1.2)

    phq8 = _items(
        ctx.stream("PreAssessment", "phq9"),
        keys,
        np.clip(dep * scale, 0, 1),
        8,
        3,
        np.array([1, 1, 1, 1.05, 0.9, 0.95, 0.9, 0.8]),
    )
    phq = np.concatenate([phq8, _item9(ctx.stream("PreAssessment", "item9"), keys, phq8)], 1)
    gad = _items(ctx.stream("PreAssessment", "gad7"), keys, np.clip(anx * scale, 0, 1), 7, 3)
    pss_v = _items(ctx.stream("PreAssessment", "pss10"), keys, np.clip(stress * scale, 0, 1), 10, 4)
    isi = _items(ctx.stream("PreAssessment", "isi"), keys, np.clip(sleep * scale, 0, 1), 7, 4)
    rev = np.zeros(10, dtype=bool)
    rev[list(tx.PSS10_REVERSED)] = True
    pss = np.where(rev[None, :], 4 - pss_v, pss_v)  # raw answers as the client gives them
    score = {"phq9": phq.sum(1), "gad7": gad.sum(1), "pss10": pss_v.sum(1), "isi": isi.sum(1)}
    bands = {
        "phq9": tx.PHQ9_BANDS,
        "gad7": tx.GAD7_BANDS,
        "pss10": tx.PSS10_BANDS,
        "isi": tx.ISI_BANDS,
    }
    level = {k: _band(score[k], bands[k]) for k in score}
    # One ordinal scale (minimal, mild, moderate, severe) for the overall level and concerns.
    ordinal = np.stack(
        [np.minimum(level["phq9"][0], 3), level["gad7"][0], level["pss10"][0], level["isi"][0]],
        axis=1,
    )  # columns follow tx.CONCERNS: depression, anxiety, stress, insomnia
    norm = np.stack(
        [score["phq9"] / 27, score["gad7"] / 21, score["pss10"] / 40, score["isi"] / 28], axis=1
    )
    order = np.argsort(-norm, axis=1, kind="stable")
    # Concerns and interventions are gathered as their JSON spellings (a few fixed texts),
    # so the lists become JSON by a join rather than by encoding every item of every row.
    concern_idx = np.concatenate([order, np.full((len(keys), 1), len(tx.CONCERNS))], 1)
    concern_json, iv_json, one_item = _assessment_json()
    strong = np.take_along_axis(ordinal >= 2, order, 1)
    mild_top = ~strong.any(1) & (np.take_along_axis(ordinal, order[:, :1], 1)[:, 0] >= 1)
    concern_mask = strong.copy()
    concern_mask[:, 0] |= mild_top
    general = np.asarray(~concern_mask.any(1))
    concern_mask = np.concatenate([concern_mask, general[:, None]], 1)
    concerns = list_column(
        concern_json[concern_idx], concern_mask, "primaryConcerns", pl.List(pl.String)
    )
    # Interventions: two per concern in concern order, de-duplicated, at most four (equal
    # JSON spellings are equal texts).
    iv = iv_json[concern_idx].reshape(len(keys), 2 * concern_idx.shape[1])
    iv_mask = np.repeat(concern_mask, 2, axis=1)
    for j in range(1, iv.shape[1]):
        dup = (iv[:, :j] == iv[:, j : j + 1]) & iv_mask[:, :j]
        iv_mask[:, j] &= ~dup.any(1)
    iv_mask &= np.cumsum(iv_mask, axis=1) <= 4
    interventions = list_column(iv, iv_mask, "recommendedInterventions", pl.List(pl.String))
    risk = phq[:, 8] >= 1
    overall = np.array(["minimal", "mild", "moderate", "severe"])[ordinal.max(1)]
    # What the chat covered: every instrument (CHATBOT), those whose items were all answered
    # before the checklist took over (HYBRID), none (CHECKLIST). Its insights say only what
    # those instruments show (a HYBRID chat never reaches ISI, and one left before PHQ-9's
    # ninth item covered none): its themes are the primary concerns of those instruments
    # (general wellbeing whenever it is the concern and an instrument was covered), its
    # primary concern the first of them (NULL if none), its risk level the highest severity
    # of those instruments, elevated with the risk flag (PHQ-9's ninth item: so only once
    # PHQ-9 is covered), NULL if it covered none (rule pre_assessment.insights_of_its_chat).
    # The chatbot asks PHQ-9, GAD-7, PSS-10, ISI (social_text.QUESTIONNAIRE_ORDER).
    sizes = np.array([phq.shape[1], gad.shape[1], pss.shape[1], isi.shape[1]])
    in_chat = np.where(chatbot, sizes.sum(), np.where(hybrid, hybrid_items(ctx, ck), 0))
    covered = in_chat[:, None] >= np.cumsum(sizes)[None, :]  # tx.CONCERNS order
    covered = np.concatenate([covered, covered[:, :1]], 1)  # general wellbeing: any covered
    themes = list_column(
        concern_json[concern_idx],
        concern_mask & np.take_along_axis(covered, concern_idx, 1),
        "themes",
        pl.List(pl.String),
    )
    levels = np.array([RISK_LEVEL[x] for x in ("minimal", "mild", "moderate", "severe")])
    seen = np.where(covered[:, :-1], ordinal, -1).max(1)  # -1: no instrument covered
    risk_level = np.where(risk & covered[:, 0], "elevated", levels[np.maximum(seen, 0)])

    def likely(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.round(1 / (1 + np.exp(-8 * (x - 0.45))), 2)

    prof = ctx.stream("PreAssessment", "profile")
    prior = prof.bernoulli(ck, 0.45, index=0)
    prior_types = prof.choice(ck, len(tx.PRIOR_THERAPY), index=1)
    meds = prof.bernoulli(ck, 0.1 + 0.45 * np.clip((dep + anx) / 2, 0, 1), index=2)
    med_type = prof.choice(ck, len(tx.MEDICATION_TYPES), index=3)
    none_str = pl.lit(None, dtype=pl.String)
    frame = pl.DataFrame(
        {
            "prior": prior,
            "priorType": one_item["prior"].gather(prior_types),
            "helpful": prof.bernoulli(ck, 0.6, index=4),
            "meds": meds,
            "medType": one_item["meds"].gather(med_type),
            "support": pick_text(prof, ck, tx.SUPPORT_LEVELS, index=5, p=(0.4, 0.4, 0.2)),
            "livesWith": pick_text(prof, ck, tx.LIVES_WITH, index=6),
            "risk": risk,
            "conf": np.round(0.62 + 0.33 * s.uniform(keys, 3), 2),
        }
    )
    answers = {"gad7": gad, "isi": isi, "phq9": phq, "pss10": pss}
    labels = {k: pl.Series([label for _, label in bands[k]]) for k in bands}
    out = frame.select(
        json_object(
            "answers", **{k: JsonText(pl.lit(_json_digit_lists(v, k))) for k, v in answers.items()}
        ),
        json_object("scores", **{k: pl.Series(v) for k, v in score.items()}),
        json_object("severityLevels", **{k: pl.lit(labels[k].gather(level[k][0])) for k in level}),
        json_object(
            "aiEstimate",
            conditionLikelihood={
                "anxiety": likely(norm[:, 1]),
                "depression": likely(norm[:, 0]),
                "insomnia": likely(norm[:, 3]),
                "stress": likely(norm[:, 2]),
            },
            confidence=pl.col("conf"),
            model=pl.lit(tx.AI_MODEL),
            overallSeverity=overall,
            primaryConcerns=_wrap(concerns),
            recommendedInterventions=_wrap(interventions),
            riskFlags=JsonText(
                pl.when(pl.col("risk")).then(pl.lit(one_item["risk"][0])).otherwise(pl.lit("[]"))
            ),
        ),
        json_object(
            "pastTherapyExperiences",
            hadPriorTherapy=pl.col("prior"),
            priorApproaches=JsonText(
                pl.when(pl.col("prior")).then(pl.col("priorType")).otherwise(pl.lit("[]"))
            ),
            wasHelpful=pl.when(pl.col("prior")).then(pl.col("helpful")).otherwise(None),
        ),
        json_object(
            "medicationHistory",
            currentlyTakingMedication=pl.col("meds"),
            medicationTypes=JsonText(
                pl.when(pl.col("meds")).then(pl.col("medType")).otherwise(pl.lit("[]"))
            ),
        ),
        json_object(
            "familySupportSystem", livesWith=pl.col("livesWith"), supportLevel=pl.col("support")
        ),
        json_object(
            "crisisSupportNeeds",
            resourceShared=pl.when(pl.col("risk"))
            .then(pl.lit("988 Suicide & Crisis Lifeline"))
            .otherwise(none_str),
            riskIndicators=pl.col("risk"),
            safetyPlanRecommended=pl.col("risk"),
        ),
    )
    return out.with_columns(
        ctx.ids("PreAssessment", keys),
        pl.Series("clientId", clients["clientId"]),
        timestamps(created, "createdAt"),
        timestamps(processed, "updatedAt"),
        pl.lit(True).alias("isProcessed"),
        timestamps(processed, "processedAt"),
        # The intake through the chatbot is stored when its session completes, linked to it;
        # one begun there and finished on the checklist links the session it left.
        pl.Series(
            "assessmentMethod",
            np.where(chatbot, "CHATBOT", np.where(hybrid, "HYBRID", "CHECKLIST")),
        ),
        unless(session_ids, ~(chatbot | hybrid), "chatbotSessionId"),
        pl.when(pl.lit(pl.Series(chatbot | hybrid)))
        .then(
            json_object(
                "conversationInsights",
                itemsAnsweredInChat=pl.lit(pl.Series(in_chat)),
                primaryConcern=JsonText(pl.lit(themes).list.first().fill_null("null")),
                riskLevel=pl.when(pl.lit(pl.Series(seen >= 0))).then(pl.lit(pl.Series(risk_level))),
                themes=_wrap(themes),
            )
        )
        .alias("conversationInsights"),
    )


def assessments(ctx: Context, frames: Frames) -> pl.DataFrame:
    """An intake assessment per client with probability assessmentCompletionRate."""
    clients = (
        frames["Client"]
        .select(
            pl.col("userId").alias("clientId"),
            pl.col("createdAt").dt.epoch("ms").alias("createdMs"),
        )
        .sort("clientId")
    )
    took = ctx.stream("PreAssessment", "took").bernoulli(
        text_keys(clients["clientId"]), ctx.config.volumes["assessment_rate"]
    )
    chosen = clients.filter(pl.Series(took))
    return assessment_rows(ctx, chosen, np.zeros(chosen.height, dtype=np.int64))


# -- reviews ----------------------------------------------------------------------------------


def _ratings(u: npt.NDArray[np.float64], weights: Sequence[int]) -> I64:
    """Stars 1..5 for uniforms ``u``, with ``weights`` (as ``Stream.choice`` draws them)."""
    cdf = np.cumsum(np.asarray(weights, dtype=np.float64))
    return np.searchsorted(cdf / cdf[-1], u, side="right").astype(np.int64) + 1


def review_rows(ctx: Context, meetings: pl.DataFrame, users: pl.DataFrame) -> pl.DataFrame:
    """A review of each of ``meetings`` (id, clientId, therapistId, endTime) by its client,
    written by the time the client was last seen (``users.last_seen`` over ``users``); its
    title and content NULL, for ``enrichers.reviews.with_texts`` to write (with the others
    made in the same run, against the existing ones).

    With ``endMs`` (when the meeting's pair ended, NULL while it goes on) the review of a
    pair that ended is written before it did, and rated with ENDED_RATING_WEIGHTS; a client
    who goes on meeting its therapist rates it with ACTIVE_RATING_WEIGHTS (no 1-2 stars).
    """
    keys = text_keys(meetings["id"])
    s = ctx.stream("Review", "fields")
    a = ctx.anchor_ms
    until = np.full(len(keys), a, dtype=np.int64)
    if "endMs" in meetings.columns:
        until = meetings["endMs"].fill_null(a).to_numpy().astype(np.int64).clip(max=a)
    ended = until < a
    until = np.minimum(until, seen_of(ctx, users, meetings["clientId"]))
    u = s.uniform(keys, 0)  # keyed by the review: its stars do not depend on other reviews
    rating = np.where(
        ended, _ratings(u, tx.ENDED_RATING_WEIGHTS), _ratings(u, tx.ACTIVE_RATING_WEIGHTS)
    )
    end = ms(meetings["endTime"])
    created = waking_between(
        s,
        keys,
        np.minimum(end + 30 * MS_PER_MINUTE, until),
        np.minimum(end + 7 * MS_PER_DAY, until),
        home_offset_of(ctx, meetings["clientId"]),  # in the client's waking hours (``clock``)
        index=1,
    )
    return pl.DataFrame(
        {
            "id": ctx.ids("Review", keys),
            "rating": rating,
            "title": pl.Series([None] * len(keys), dtype=pl.String),
            "content": pl.Series([None] * len(keys), dtype=pl.String),
            "isAnonymous": s.bernoulli(keys, 0.15, index=5),
            "clientId": meetings["clientId"],
            "therapistId": meetings["therapistId"],
            "meetingId": meetings["id"],
            # Every review is of a session that took place on the platform.
            "isVerified": np.ones(len(keys), dtype=bool),
            "createdAt": timestamps(created, "createdAt"),
            "updatedAt": timestamps(created, "updatedAt"),
        }
    )


def sessions_by(meetings: pl.DataFrame, all_meetings: pl.DataFrame, at: I64) -> I64:
    """Per row of ``meetings``, the COMPLETED meetings of its pair in ``all_meetings`` that
    ended by ``at`` (ms): a join on the pair, then a count per row."""
    done = all_meetings.filter(pl.col("status") == "COMPLETED").select(
        "clientId", "therapistId", pl.col("endTime").dt.epoch("ms").alias("_end")
    )
    rows = meetings.select("clientId", "therapistId").with_columns(
        pl.Series("_at", at), pl.int_range(pl.len()).alias("_row")
    )
    count = (
        rows.join(done, on=["clientId", "therapistId"])
        .filter(pl.col("_end") <= pl.col("_at"))
        .group_by("_row")
        .len()
    )
    out = np.zeros(meetings.height, dtype=np.int64)
    out[count["_row"].to_numpy()] = count["len"].to_numpy()
    return out


# Clients who moved on review their past therapist half as often as others review theirs.
ENDED_REVIEW_SHARE = 0.5


def reviews(
    ctx: Context, meetings: pl.DataFrame, users: pl.DataFrame, share: float = 1.0
) -> pl.DataFrame:
    """Per pair with a COMPLETED meeting in ``meetings``, at review_rate x ``share``, a review
    of one of those meetings (with its pair's ``endMs`` when given: see ``review_rows``)."""
    cols = ["id", "clientId", "therapistId", "endTime"]
    done = meetings.filter(pl.col("status") == "COMPLETED").select(
        cols + (["endMs"] if "endMs" in meetings.columns else [])
    )
    if done.is_empty():
        return ctx.empty("Review")
    s = ctx.stream("Review", "choose")
    done = done.with_columns(pl.Series("_b", s.bits(text_keys(done["id"]))))
    one = done.sort("clientId", "therapistId", "_b").unique(
        ["clientId", "therapistId"], keep="first", maintain_order=True
    )
    pair_key = text_keys(one["clientId"] + "|" + one["therapistId"])
    keep = s.bernoulli(pair_key, ctx.config.volumes["review_rate"] * share, index=1)
    return review_rows(ctx, one.filter(pl.Series(keep)).drop("_b"), users)


# -- the generator ----------------------------------------------------------------------------


def generate(ctx: Context, frames: Frames) -> Frames:
    avail = availability(ctx, frames)
    pairs = active_pairs(ctx, frames)
    # The worksheets come with the meetings enricher's sessions (the worksheets enricher): a
    # therapist reviews homework by the pair's next session, which may be one of those.
    return {
        "TherapistAvailability": avail,
        "Meeting": meetings(ctx, frames, avail, pairs),
        "PreAssessment": assessments(ctx, frames),
    }
