"""The calendar of therapy: no 1:1 meeting on a US federal holiday of the therapist's calendar;
worksheets due at the end of the client's day and reviewed by the pair's next held session
(generators/clock.py ``us_holidays``, generators/therapy.py ``worksheet_rows``), on a heavy x3
build."""

from __future__ import annotations

import numpy as np
import polars as pl

from seedsnap.config import resolve
from seedsnap.context import Context, Frames
from seedsnap.generators.clock import holiday_days, us_holidays
from seedsnap.generators.users import home_zone_of

PAIR = ["clientId", "therapistId"]


def _local(at: pl.Series, tz: pl.Series) -> pl.Series:
    """Naive UTC datetimes ``at`` as naive local datetimes in the zones ``tz`` (row by row)."""
    frame = pl.DataFrame({"at": at, "tz": tz}).with_row_index("_i")
    parts = [
        part.select(
            "_i",
            pl.col("at")
            .dt.replace_time_zone("UTC")
            .dt.convert_time_zone(zone)
            .dt.replace_time_zone(None)
            .alias("local"),
        )
        for (zone,), part in frame.partition_by("tz", as_dict=True).items()
    ]
    return pl.concat(parts).sort("_i")["local"]


def test_us_holidays_are_kept_as_observed() -> None:
    days = set(us_holidays(range(2025, 2029)).astype(str))
    # Thanksgiving (4th Thursday), Christmas, New Year's Day, Memorial Day (last Monday of May)
    assert {"2025-11-27", "2025-12-25", "2026-01-01", "2026-05-25"} <= days
    # On a Saturday, kept on the Friday before: 4 July 2026, Christmas 2027 (and New Year 2028).
    assert {"2026-07-03", "2027-12-24", "2027-12-31"} <= days
    assert not {"2026-07-04", "2027-12-25", "2025-12-24", "2025-12-26"} & days
    lo, hi = np.array(["2025-12-01", "2026-01-31"], dtype="datetime64[D]").astype(np.int64)
    got = holiday_days(int(lo), int(hi)).astype("datetime64[D]").astype(str).tolist()
    assert got == ["2025-12-25", "2026-01-01", "2026-01-19"]
    # New Year's Day 2028 is a Saturday: kept on Friday 31 December 2027.
    lo, hi = np.array(["2027-12-30", "2027-12-31"], dtype="datetime64[D]").astype(np.int64)
    assert holiday_days(int(lo), int(hi)).astype("datetime64[D]").astype(str).tolist() == [
        "2027-12-31"
    ]


def test_no_meeting_on_a_holiday_of_the_therapists_calendar(heavy3: Frames) -> None:
    """Not on Christmas, New Year's Day or Thanksgiving (16, 15 and 11 before), while the
    weekdays around them are worked as usual."""
    tz = heavy3["Therapist"].select(pl.col("userId").alias("therapistId"), "timezone")
    m = heavy3["Meeting"].join(tz, on="therapistId")
    day = _local(m["startTime"], m["timezone"]).dt.date().cast(pl.String)
    holidays = us_holidays(range(2024, 2028)).astype(str)
    assert not day.is_in(pl.Series(holidays).implode()).any()
    around = ["2025-11-25", "2025-11-26", "2025-12-23", "2025-12-24", "2025-12-26", "2026-01-02"]
    assert day.is_in(pl.Series(around).implode()).sum() >= 20


def _worksheets(f: Frames) -> pl.DataFrame:
    return f["Worksheet"].join(
        f["WorksheetSubmission"].select(pl.col("worksheetId").alias("id"), "submittedAt"),
        on="id",
        how="left",
    )


def test_a_worksheet_is_due_at_the_end_of_the_clients_day(heavy3: Frames) -> None:
    ctx = Context(resolve(mode="heavy", scale=3, env={}, config_file=None))
    w = heavy3["Worksheet"]
    local = _local(w["dueDate"], home_zone_of(ctx, w["clientId"]))
    assert w.height > 300
    assert ((local.dt.hour() == 23) & (local.dt.minute() == 59) & (local.dt.second() == 0)).all()
    # A whole number of the client's days after it was given.
    given = _local(w["createdAt"], home_zone_of(ctx, w["clientId"])).dt.date()
    assert (local.dt.date() - given).dt.total_days().is_in([7, 10, 14]).all()
    notices = heavy3["Notification"].filter(pl.col("type") == "WORKSHEET_DUE")["message"]
    assert notices.len() > 0 and notices.str.contains(", 11:59 PM ", literal=True).all()


def _held_since(f: Frames, w: pl.DataFrame, until: str | None) -> pl.Series:
    """Per worksheet of ``w``, the COMPLETED sessions of its pair that started after its
    submission (and, with ``until``, by that column)."""
    held = f["Meeting"].filter(pl.col("status") == "COMPLETED").select(*PAIR, "startTime")
    hit = pl.col("startTime") > pl.col("submittedAt")
    if until is not None:
        hit &= pl.col("startTime") <= pl.col(until)
    n = (
        w.select("id", *PAIR, "submittedAt", *([until] if until else []))
        .join(held, on=PAIR, how="left")
        .group_by("id")
        .agg(hit.fill_null(False).sum().alias("n"))
    )
    return w.select("id").join(n, on="id", how="left", maintain_order="left")["n"]


def test_a_submission_is_reviewed_by_the_pairs_next_held_session(heavy3: Frames) -> None:
    """Before 70 of 162 SUBMITTED worksheets had waited through two sessions or more (up to
    8) and the median review took a week: now the therapist reviews by the next session,
    a tail just after it, never after the second."""
    w = _worksheets(heavy3)
    reviewed = w.filter(pl.col("status") == "REVIEWED")
    assert reviewed.height > 200
    assert (reviewed["updatedAt"] >= reviewed["submittedAt"]).all()
    n = _held_since(heavy3, reviewed, "updatedAt")
    assert n.max() == 1 and 0 < (n == 1).mean() < 0.2  # type: ignore[operator]
    waiting = w.filter(pl.col("status") == "SUBMITTED")
    assert waiting.height > 0 and _held_since(heavy3, waiting, None).max() <= 1  # type: ignore[operator]
    days = (reviewed["updatedAt"] - reviewed["submittedAt"]).dt.total_hours() / 24
    assert days.median() < 3  # type: ignore[operator]


def test_reviews_fall_in_the_therapists_working_day(heavy3: Frames) -> None:
    tz = heavy3["Therapist"].select(pl.col("userId").alias("therapistId"), "timezone")
    r = heavy3["Worksheet"].filter(pl.col("status") == "REVIEWED").join(tz, on="therapistId")
    hour = _local(r["updatedAt"], r["timezone"]).dt.hour()
    assert (hour < 6).mean() < 0.05  # type: ignore[operator]
    assert ((hour >= 8) & (hour < 18)).mean() > 0.6  # type: ignore[operator]
