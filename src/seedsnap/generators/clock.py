"""The waking clock: times of what people do, drawn with the day's rhythm of where they live.

Uniform draws over a span put a post at 3 a.m. as often as at 9 p.m. People act while they are
awake, most in the evening. The waking clock counts time weighted by how active a local hour
is (``HOURLY``, mean 1, so a whole day counts as a day): a draw spread evenly on that clock and
mapped back lands in the hours people are up, and stays inside its span, because the mapping is
increasing. Reactions drawn ``soon_after`` an item on it wait out the night.

The hour is the actor's local one: ``offset_ms`` is the user's UTC offset (their home time zone's
standard time; the hour's shift under daylight saving is left out, within the curve's breadth).
The curve is the actor's rhythm: a member's evenings (``PEER``) or a professional's working day
(``WORKDAY``, for therapists and admins: ``rhythm_of``); each function takes ``rhythm`` (one, or
one per row), ``PEER`` unless told.

The calendar: nobody works on a US federal holiday as observed (``us_holidays``): neither
group sessions nor therapists' 1:1 meetings are held on one, in the local calendar.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from seedsnap.context import MS_PER_DAY, MS_PER_HOUR
from seedsnap.random import F64, I64, Stream

# How active each local hour (0-23) is, relative to the mean: an assumed curve, low from 1 to
# 5 a.m., climbing through the morning, highest from 8 to 10 p.m. (the after-work hours in
# which peer-support apps are used most).
_CURVE = np.array(
    [
        *(0.50, 0.28, 0.16, 0.10, 0.09, 0.14, 0.32, 0.58, 0.78, 0.86, 0.90, 0.94),  # 0-11 h
        *(1.00, 0.96, 0.92, 0.92, 0.96, 1.02, 1.10, 1.20, 1.32, 1.38, 1.22, 0.86),  # 12-23 h
    ]
)
HOURLY: F64 = _CURVE * (24 / _CURVE.sum())
# A professional's day (therapists, admins): an assumed curve, busiest in office hours (9 a.m.
# to 5 p.m.), tailing off through the evening (messages after dinner, notes written up), next
# to nothing from midnight to 6 a.m.
_WORKDAY = np.array(
    [
        *(0.04, 0.02, 0.01, 0.01, 0.01, 0.03, 0.12, 0.45, 0.90, 1.20, 1.25, 1.25),  # 0-11 h
        *(1.05, 1.15, 1.25, 1.25, 1.20, 1.05, 0.85, 0.70, 0.55, 0.40, 0.22, 0.10),  # 12-23 h
    ]
)
PEER, WORKDAY = 0, 1  # the rhythms, rows of _HOURLY
_HOURLY: F64 = np.stack([HOURLY, _WORKDAY * (24 / _WORKDAY.sum())])
# Waking-clock ms at the start of each local hour, per rhythm; the last entry is a whole day.
_STARTS: F64 = np.concatenate(
    [np.zeros((len(_HOURLY), 1)), np.cumsum(_HOURLY * MS_PER_HOUR, axis=1)], axis=1
)
# The starts of every rhythm on one axis, so one searchsorted finds the hour whatever the
# row's rhythm: a rhythm's starts span one day (0 to MS_PER_DAY), and each rhythm's are put
# _RHYTHM_STRIDE on from the last's, a day clear of them. A rhythm's run on the axis is
# _STARTS.shape[1] long (its hours and the day's end).
_RHYTHM_STRIDE = 2.0 * MS_PER_DAY
_FLAT: F64 = (_STARTS + np.arange(len(_HOURLY))[:, None] * _RHYTHM_STRIDE).ravel()
NIGHT_HOURS = (1, 2, 3, 4, 5)  # local hours in which few are up


def rhythm_of(role: npt.ArrayLike) -> I64:
    """The rhythm of each user whose ``User.role`` is ``role`` (that column's values, under
    whatever name: ``messages``' members carry it as ``speaker``, their ``role`` being the
    participant's): ``WORKDAY`` for therapists and admins, who act for the platform in their
    working day, else ``PEER``."""
    out: I64 = np.isin(np.asarray(role), ("therapist", "admin")).astype(np.int64) * WORKDAY
    return out


def waking(t_ms: npt.ArrayLike, offset_ms: npt.ArrayLike, rhythm: npt.ArrayLike = PEER) -> F64:
    """Epoch ms ``t_ms`` on the waking clock of people at UTC ``offset_ms`` with ``rhythm``
    (broadcast)."""
    local = np.asarray(t_ms, dtype=np.int64) + np.asarray(offset_ms, dtype=np.int64)
    day, into = np.divmod(local, MS_PER_DAY)
    hour = into // MS_PER_HOUR
    r = np.asarray(rhythm, dtype=np.int64)
    start, rate = _STARTS[r, hour], _HOURLY[r, hour]
    out: F64 = day * float(MS_PER_DAY) + start + (into - hour * MS_PER_HOUR) * rate
    return out


def from_waking(w: npt.ArrayLike, offset_ms: npt.ArrayLike, rhythm: npt.ArrayLike = PEER) -> I64:
    """The epoch ms whose waking-clock time is ``w`` (the inverse of ``waking``, floored)."""
    w_a = np.asarray(w, dtype=np.float64)
    day = np.floor(w_a / MS_PER_DAY)
    into = w_a - day * MS_PER_DAY
    r = np.asarray(rhythm, dtype=np.int64)
    at = np.searchsorted(_FLAT, into + r * _RHYTHM_STRIDE, side="right") - r * _STARTS.shape[1]
    hour = np.clip(at - 1, 0, 23)
    start, rate = _STARTS[r, hour], _HOURLY[r, hour]
    local = day * MS_PER_DAY + hour * MS_PER_HOUR + (into - start) / rate
    out: I64 = np.floor(local).astype(np.int64) - np.asarray(offset_ms, dtype=np.int64)
    return out


def _inside(t: I64, lo: npt.ArrayLike, hi: npt.ArrayLike) -> I64:
    """``t`` kept in [lo, hi] against float rounding (``hi < lo`` collapses to ``lo``)."""
    lo_a = np.asarray(lo, dtype=np.int64)
    out: I64 = np.clip(t, lo_a, np.maximum(np.asarray(hi, dtype=np.int64), lo_a))
    return out


def waking_at(
    lo: npt.ArrayLike,
    hi: npt.ArrayLike,
    fraction: npt.ArrayLike,
    offset_ms: npt.ArrayLike,
    rhythm: npt.ArrayLike = PEER,
) -> I64:
    """The times ``fraction`` (0-1) of the way from ``lo`` to ``hi`` (ms, broadcast) on the
    waking clock of UTC ``offset_ms`` with ``rhythm``. ``hi < lo`` collapses to ``lo``."""
    w_lo, w_hi = waking(lo, offset_ms, rhythm), waking(hi, offset_ms, rhythm)
    w = w_lo + np.asarray(fraction, dtype=np.float64) * np.maximum(w_hi - w_lo, 0.0)
    return _inside(from_waking(w, offset_ms, rhythm), lo, hi)


def drifting(u: npt.ArrayLike, drift: npt.ArrayLike) -> F64:
    """Fractions (0-1) of a span for uniforms ``u``, with density growing as exp(``drift``
    x) along it: ``drift`` 0 keeps ``u``, a positive one puts more near the end (``e**drift``
    times as dense there as at the start), a negative one near the start (broadcast)."""
    u_a, b = np.asarray(u, dtype=np.float64), np.asarray(drift, dtype=np.float64)
    flat = np.abs(b) < 1e-9
    safe = np.where(flat, 1.0, b)
    out: F64 = np.where(flat, u_a, np.log1p(u_a * np.expm1(safe)) / safe)
    return np.clip(out, 0.0, 1.0)


def waking_between(
    stream: Stream,
    keys: npt.ArrayLike,
    lo: npt.ArrayLike,
    hi: npt.ArrayLike,
    offset_ms: npt.ArrayLike,
    index: npt.ArrayLike = 0,
    rhythm: npt.ArrayLike = PEER,
) -> I64:
    """Times in [lo, hi] (ms, broadcast), uniform on the waking clock of UTC ``offset_ms``
    with ``rhythm``: ``common.between`` for an act of a person. ``hi < lo`` collapses to
    ``lo``."""
    return waking_at(lo, hi, stream.uniform(keys, index), offset_ms, rhythm)


def waking_soon_after(
    stream: Stream,
    keys: npt.ArrayLike,
    lo: npt.ArrayLike,
    hi: npt.ArrayLike,
    mean_ms: float | F64,
    offset_ms: npt.ArrayLike,
    index: npt.ArrayLike = 0,
    rhythm: npt.ArrayLike = PEER,
) -> I64:
    """Times in [lo, hi] that follow ``lo`` as a person's reactions do (``common.soon_after``),
    with the delay counted on their waking clock (``rhythm``): what comes at night mostly
    waits for the morning. ``hi < lo`` collapses to ``lo``."""
    w_lo, w_hi = waking(lo, offset_ms, rhythm), waking(hi, offset_ms, rhythm)
    span = np.maximum(w_hi - w_lo, 0.0)
    inside = -np.expm1(-span / mean_ms)
    after = -mean_ms * np.log1p(-stream.uniform(keys, index) * inside)
    return _inside(from_waking(w_lo + np.minimum(after, span), offset_ms, rhythm), lo, hi)


# -- the calendar: days nobody works ---------------------------------------------------------

# US federal holidays on the n-th (from 0) weekday from a month's first day: Martin Luther
# King Jr. Day, Washington's Birthday, Memorial Day (the last Monday of May: the one before
# June's first), Labor Day, Columbus Day, Thanksgiving.
_NTH_WEEKDAY_HOLIDAYS = (
    ("01", 2, "Mon"),
    ("02", 2, "Mon"),
    ("06", -1, "Mon"),
    ("09", 0, "Mon"),
    ("10", 1, "Mon"),
    ("11", 3, "Thu"),
)


def us_holidays(years: range) -> npt.NDArray[np.datetime64]:
    """The US federal holidays of ``years`` as observed (one on a Saturday is kept on the
    Friday before, one on a Sunday on the Monday after): no group session and no 1:1 meeting
    is held on them."""
    out = []
    for y in years:  # a few years: the sessions' window
        fixed = np.array([f"{y}-01-01", f"{y}-06-19", f"{y}-07-04", f"{y}-11-11", f"{y}-12-25"])
        fixed = fixed.astype("datetime64[D]")
        weekday = (fixed.astype(np.int64) - 4) % 7  # 1970-01-01 was a Thursday (3): Monday 0
        out.append(fixed + np.select([weekday == 5, weekday == 6], [-1, 1], 0))
        # (month, n, weekday): the n-th (from 0) such weekday from the month's first day.
        out.append(
            np.array(
                [
                    np.busday_offset(f"{y}-{m}", n, roll="forward", weekmask=d)
                    for m, n, d in _NTH_WEEKDAY_HOLIDAYS
                ],
                dtype="datetime64[D]",
            )
        )
    return np.sort(np.concatenate(out)) if out else np.zeros(0, dtype="datetime64[D]")


def holiday_days(lo_day: int, hi_day: int) -> I64:
    """The US federal holidays as observed (``us_holidays``) from day ``lo_day`` to ``hi_day``
    (days since 1970-01-01, local calendar), as day numbers, sorted."""
    years = np.array([lo_day, hi_day], dtype="datetime64[D]").astype("datetime64[Y]")
    first, last = (int(y) + 1970 for y in years.astype(np.int64))
    # (The next year's New Year's Day, on a Saturday, is kept on 31 December of this one.)
    days = us_holidays(range(first, last + 2)).astype(np.int64)
    out: I64 = days[(days >= lo_day) & (days <= hi_day)]
    return out
