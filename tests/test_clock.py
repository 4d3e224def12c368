"""The waking clock: acts drawn on it keep to their span and fall in the hours people are up."""

from __future__ import annotations

import numpy as np
import polars as pl

from seedsnap.build import generate
from seedsnap.config import resolve
from seedsnap.context import MS_PER_DAY, MS_PER_HOUR, Context
from seedsnap.generators import clock
from seedsnap.generators import vocab as v
from seedsnap.generators.users import STANDARD_OFFSET_H, home_offset_of, home_province, zone_of
from seedsnap.random import Stream

N = 100_000
T0 = 1_771_761_600_000  # 2026-02-22T12:00:00Z
EASTERN = -5 * MS_PER_HOUR
KEYS = np.arange(N, dtype=np.uint64)


def local_hours(t: np.ndarray, offset: int) -> np.ndarray:
    return ((t + offset) % MS_PER_DAY) // MS_PER_HOUR


def test_the_clock_is_increasing_counts_a_day_as_a_day_and_inverts() -> None:
    t = np.arange(T0, T0 + 9 * MS_PER_DAY, 77_777, dtype=np.int64)
    w = clock.waking(t, EASTERN)
    assert np.all(np.diff(w) > 0)
    assert np.allclose(clock.waking(t + MS_PER_DAY, EASTERN) - w, MS_PER_DAY)
    assert np.abs(clock.from_waking(w, EASTERN) - t).max() <= 1
    # The curve: night hours are slow, the evening fast, and the mean hour is an hour.
    assert abs(clock.HOURLY.mean() - 1.0) < 1e-12
    assert clock.HOURLY[list(clock.NIGHT_HOURS)].max() < 0.5 < 1.5 < clock.HOURLY.max()


def test_waking_draws_stay_in_their_span_and_avoid_the_night() -> None:
    s = Stream(1, "T", "clock")
    lo = T0 - 60 * MS_PER_DAY + np.arange(N, dtype=np.int64) % 1000
    hi = T0 - np.arange(N, dtype=np.int64) % 7
    t = clock.waking_between(s, KEYS, lo, hi, EASTERN)
    assert np.all((t >= lo) & (t <= hi))
    night = np.isin(local_hours(t, EASTERN), clock.NIGHT_HOURS).mean()
    expected = clock.HOURLY[list(clock.NIGHT_HOURS)].sum() / 24  # 4.2 %, uniform is 20.8 %
    assert abs(night - expected) < 0.004
    # The same keys give the same times; a span of nothing collapses to its start.
    assert np.array_equal(t, clock.waking_between(s, KEYS, lo, hi, EASTERN))
    assert np.array_equal(clock.waking_between(s, KEYS, hi, lo, EASTERN), hi)


def test_a_reaction_to_a_night_post_mostly_waits_for_the_morning() -> None:
    s = Stream(2, "T", "clock")
    # Items posted at 2 a.m. Eastern; reactions with a mean of an hour, within two days.
    midnight_utc = T0 - T0 % MS_PER_DAY - 3 * MS_PER_DAY
    lo = np.full(N, midnight_utc + 2 * MS_PER_HOUR - EASTERN)
    assert set(local_hours(lo, EASTERN)) == {2}
    hi = lo + 2 * MS_PER_DAY
    waking_t = clock.waking_soon_after(s, KEYS, lo, hi, MS_PER_HOUR, EASTERN)
    assert np.all((waking_t >= lo) & (waking_t <= hi))
    plain = lo + np.floor(-MS_PER_HOUR * np.log1p(-s.uniform(KEYS))).astype(np.int64)
    within_the_night = float((waking_t - lo < 4 * MS_PER_HOUR).mean())
    assert within_the_night < 0.6 < float((plain - lo < 4 * MS_PER_HOUR).mean())
    assert np.median(waking_t - lo) > 2 * np.median(plain - lo)


def test_a_home_is_keyed_by_user_and_a_therapist_lives_where_their_row_says() -> None:
    ctx = Context(resolve(mode="light", env={}, config_file=None))
    ids = pl.Series([f"u{i}" for i in range(2000)] + ["dev_therapist_2"])
    off = home_offset_of(ctx, ids)
    assert off[-1] == -5 * MS_PER_HOUR  # the second fixture therapist: New York
    assert set((off // MS_PER_HOUR).tolist()) == set(STANDARD_OFFSET_H.values())
    assert np.array_equal(off[5:9], home_offset_of(ctx, ids[5:9]))  # by id, not by position
    therapists = generate(ctx.config)["Therapist"]
    hours = therapists["timezone"].replace_strict(STANDARD_OFFSET_H, return_dtype=pl.Int64)
    assert np.array_equal(home_offset_of(ctx, therapists["userId"]), hours * MS_PER_HOUR)


def test_a_reader_zone_is_a_therapists_own_else_their_home() -> None:
    """``zone_of``: a generated therapist's stored zone is its home's; a stored zone wins
    over the home (an edited Therapist row); anyone not a therapist reads in their home's."""
    ctx = Context(resolve(mode="light", env={}, config_file=None))
    therapists = generate(ctx.config)["Therapist"].select("userId", "timezone")
    homes = np.asarray(v.PROVINCE_TZ)[home_province(ctx, therapists["userId"])]
    assert therapists["timezone"].to_list() == homes.tolist()
    assert zone_of(ctx, therapists, therapists["userId"]).to_list() == homes.tolist()
    moved = therapists.head(1).with_columns(pl.lit("Asia/Manila").alias("timezone"))
    ids = pl.Series([therapists["userId"][0], "u1", "u2"])
    got = zone_of(ctx, moved, ids)
    want = ["Asia/Manila", *np.asarray(v.PROVINCE_TZ)[home_province(ctx, ids[1:])].tolist()]
    assert got.name == "tz" and got.to_list() == want


def test_a_rhythm_per_row_keeps_the_clock_a_clock_and_workdays_avoid_the_night() -> None:
    """Rows of either rhythm in one call: each row's clock is increasing, counts a day as a
    day and inverts, as with one rhythm; the working day puts under 1 % of acts in the night
    hours, the peer rhythm about 4 %; therapists and admins keep the working day."""
    t = np.arange(T0, T0 + 9 * MS_PER_DAY, 77_777, dtype=np.int64)
    rhythm = np.arange(len(t)) % 2 * clock.WORKDAY
    w = clock.waking(t, EASTERN, rhythm)
    for r in (clock.PEER, clock.WORKDAY):
        mine = rhythm == r
        assert np.all(np.diff(w[mine]) > 0)
        assert np.array_equal(w[mine], clock.waking(t[mine], EASTERN, r))
    assert np.allclose(clock.waking(t + MS_PER_DAY, EASTERN, rhythm) - w, MS_PER_DAY)
    assert np.abs(clock.from_waking(w, EASTERN, rhythm) - t).max() <= 1
    s = Stream(3, "T", "clock")
    lo, hi = T0 - 60 * MS_PER_DAY, T0
    work = clock.waking_between(s, KEYS, lo, hi, EASTERN, rhythm=clock.WORKDAY)
    peer = clock.waking_between(s, KEYS, lo, hi, EASTERN)
    assert np.all((work >= lo) & (work <= hi))
    assert np.isin(local_hours(work, EASTERN), clock.NIGHT_HOURS).mean() < 0.01
    assert np.isin(local_hours(peer, EASTERN), clock.NIGHT_HOURS).mean() > 0.03
    # Office hours carry more of the working day than of the peer one.
    office = (local_hours(work, EASTERN) >= 9) & (local_hours(work, EASTERN) < 17)
    assert (
        office.mean()
        > 0.45
        > float(((local_hours(peer, EASTERN) >= 9) & (local_hours(peer, EASTERN) < 17)).mean())
    )
    roles = np.array(["client", "therapist", "moderator", "admin"])
    assert clock.rhythm_of(roles).tolist() == [clock.PEER, clock.WORKDAY, clock.PEER, clock.WORKDAY]
