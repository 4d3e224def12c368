"""Findings of a data audit of a heavy x3 build, checked on that build: moderators are
assigned only while they still come and every community keeps one who does; group-session
cancellations fit the session; in-person sessions are held by therapists of the venue's
state, for clients of that state; a community's circles are younger than it."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from seedsnap.config import resolve
from seedsnap.context import MS_PER_DAY, Context, Frames
from seedsnap.enrichers import group_sessions
from seedsnap.generators import communities
from seedsnap.generators.communities import CIRCLE_LATEST_DAYS, catalogue
from seedsnap.generators.relationships import ASSIGNED_BEFORE_SEEN, moderator_latest
from seedsnap.generators.social_text import GROUP_SESSIONS, GROUP_VENUES
from seedsnap.generators.users import last_seen, still_coming
from seedsnap.generators.vocab import CITY_PROVINCE, PROVINCES


@pytest.fixture(scope="module")
def ctx() -> Context:
    return Context(resolve(mode="heavy", scale=3, env={}))


def _none(frame: pl.DataFrame, what: str) -> None:
    assert frame.is_empty(), f"{what}:\n{frame.head(5)}"


def _seen(ctx: Context, f: Frames) -> pl.DataFrame:
    """id, seen (ms) and coming (``users.still_coming``) of every user."""
    users = f["User"]
    return users.select(
        "id",
        "isActive",
        "deactivatedAt",
        pl.Series("seen", last_seen(ctx, users)),
        pl.Series("coming", still_coming(ctx, users, users["id"])),
    )


def test_moderators_are_assigned_while_they_still_come(ctx: Context, heavy3: Frames) -> None:
    """No assignment after its moderator deactivated their account, nor later than
    ASSIGNED_BEFORE_SEEN before they were last seen (the audit found six assignments of a
    moderator who had left, one made ten days after deactivation)."""
    a = heavy3["ModeratorCommunity"].join(
        _seen(ctx, heavy3), left_on="moderatorId", right_on="id", how="left"
    )
    _none(a.filter(pl.col("assignedAt") > pl.col("deactivatedAt")), "assigned after deactivation")
    _none(
        a.filter(pl.col("assignedAt").dt.epoch("ms") > pl.col("seen") - ASSIGNED_BEFORE_SEEN),
        "assigned after the moderator was last seen",
    )
    # The audit's moderator is among those who left and had communities before.
    gone = a.filter(~pl.col("isActive"))
    assert gone.height > 0


def test_every_community_keeps_a_moderator_who_still_comes(ctx: Context, heavy3: Frames) -> None:
    """A community whose moderators left was handed over: the minimum of moderators counts
    those who still come, and a hand-over follows the departure where it could."""
    a = heavy3["ModeratorCommunity"].join(
        _seen(ctx, heavy3), left_on="moderatorId", right_on="id", how="left"
    )
    per = (
        heavy3["Community"]
        .select("id")
        .join(
            a.group_by("communityId").agg(
                pl.col("coming").sum().alias("coming"), (~pl.col("coming")).sum().alias("left")
            ),
            left_on="id",
            right_on="communityId",
            how="left",
        )
        .with_columns(pl.col("coming", "left").fill_null(0))
    )
    need = ctx.config.minimum("community", "moderators")
    _none(per.filter(pl.col("coming") < need), "a community without a moderator who still comes")
    # Some communities had a moderator leave: the case the hand-over exists for.
    assert per.filter(pl.col("left") > 0).height > 0


def test_a_hand_over_waits_only_for_a_departure(ctx: Context, heavy3: Frames) -> None:
    """Only a community a moderator left has its new moderator assigned after that
    departure (as late as the new moderator's ``moderator_latest`` where the departure was
    recent); the others' assignments are drawn over the whole time they could be made, so
    none sits at that bound (a bug once put them all there, the day before the anchor)."""
    a = heavy3["ModeratorCommunity"].join(
        _seen(ctx, heavy3), left_on="moderatorId", right_on="id", how="left"
    )
    left = a.filter(~pl.col("coming")).select("communityId").unique()
    a = a.with_columns(
        pl.Series("latest", moderator_latest(ctx, heavy3["User"], a["moderatorId"]))
    ).join(left, on="communityId", how="anti")
    assert a.height > 0
    _none(
        a.filter(pl.col("assignedAt").dt.epoch("ms") == pl.col("latest")),
        "an assignment at its moderator's latest where nobody left",
    )


def _registered(f: Frames) -> pl.DataFrame:
    """The group sessions with n, their registrations, and stay, those not CANCELLED."""
    p = (
        f["GroupSessionParticipants"]
        .group_by("sessionId")
        .agg(pl.len().alias("n"), (pl.col("attendanceStatus") != "CANCELLED").sum().alias("stay"))
    )
    return (
        f["GroupTherapySessions"]
        .join(p, left_on="id", right_on="sessionId", how="left")
        .with_columns(pl.col("n", "stay").fill_null(0))
    )


def test_cancellation_reasons_fit_the_session(heavy3: Frames) -> None:
    """No virtual session is cancelled for its venue (the audit found 9); too few
    registrations is the reason only below MIN_PARTICIPANTS registered, which every
    group-therapy session that takes place has, and more who did not cancel (the audit found
    13 'too few' with 2-6 registered beside sessions held with 3)."""
    s = _registered(heavy3)
    cancelled = s.filter(pl.col("status") == "CANCELLED")
    _none(
        cancelled.filter(
            (pl.col("cancellationReason") == group_sessions.VENUE_CLOSED)
            & (pl.col("sessionType") == "VIRTUAL")
        ),
        "a virtual session cancelled for its venue",
    )
    _none(
        cancelled.filter(
            (pl.col("cancellationReason") == group_sessions.LOW_ENROLMENT)
            & (pl.col("n") >= group_sessions.MIN_PARTICIPANTS)
        ),
        "too few registrations with enough registered",
    )
    on = s.filter(
        pl.col("status").is_in(["COMPLETED", "APPROVED"])
        & (pl.col("sessionFormat") == "group-therapy")
    )
    _none(on.filter(pl.col("stay") < group_sessions.MIN_PARTICIPANTS), "taking place short")
    # Each type's reasons are drawn: in-person sessions still lose their venue at times (few
    # are held in person, so the draw is looked at directly).
    by_type = {k: set(g["cancellationReason"]) for (k,), g in cancelled.group_by("sessionType")}
    assert by_type["VIRTUAL"] <= set(group_sessions.OTHER_REASONS["VIRTUAL"])
    u = np.linspace(0, 1, 9, endpoint=False)
    drawn = group_sessions._other_reason(np.full(len(u), "IN_PERSON"), u)
    assert set(drawn) == set(group_sessions.OTHER_REASONS["IN_PERSON"])


def test_too_few_registered_is_cancelled_below_the_threshold(ctx: Context) -> None:
    """``_low_enrolment`` counts every registration: a past group-therapy session with
    MIN_PARTICIPANTS - 1 is CANCELLED for LOW_ENROLMENT at the time it would have been,
    one with MIN_PARTICIPANTS is held, and a webinar is held with whoever comes."""
    m = group_sessions.MIN_PARTICIPANTS
    x = pl.DataFrame(
        {
            "sid": ["a", "b", "w"],
            "web": [False, False, True],
            "status": ["COMPLETED"] * 3,
            "created": [0, 0, 0],
            "updated": [9, 9, 9],
            "close": [8, 8, 8],
            "cancel_at": [-1, -1, -1],
            "cancel_if": [5, 5, 5],
            "reason": pl.Series([None, None, None], dtype=pl.String),
        }
    )
    regs = pl.DataFrame({"sid": ["a"] * (m - 1) + ["b"] * m + ["w"]})
    out = group_sessions._low_enrolment(ctx, x, regs)
    assert out["status"].to_list() == ["CANCELLED", "COMPLETED", "COMPLETED"]
    assert out["reason"].to_list() == [group_sessions.LOW_ENROLMENT, None, None]
    assert out["cancel_at"].to_list() == [5, -1, -1]


def test_in_person_invitees_live_in_the_venues_state(heavy3: Frames) -> None:
    """Therapists are licensed per state: every invitee of an in-person session lives in the
    state of its venue (the audit found an accepted therapist of another state in 39 of 96
    in-person sessions)."""
    venue_state = pl.DataFrame(
        [(address, PROVINCES[i]) for i, venues in enumerate(GROUP_VENUES) for _, address in venues],
        schema=["locationAddress", "venueState"],
        orient="row",
    )
    s = heavy3["GroupTherapySessions"].filter(pl.col("sessionType") == "IN_PERSON")
    assert s["locationAddress"].is_in(venue_state["locationAddress"].implode()).all()
    inv = (
        heavy3["GroupSessionTherapistInvitations"]
        .join(s.select(pl.col("id").alias("sessionId"), "locationAddress"), on="sessionId")
        .join(venue_state, on="locationAddress")
        .join(
            heavy3["Therapist"].select(pl.col("userId").alias("therapistId"), "province"),
            on="therapistId",
        )
    )
    assert inv.filter(pl.col("status") == "ACCEPTED").height > 0
    _none(inv.filter(pl.col("province") != pl.col("venueState")), "a therapist of another state")


def test_in_person_participants_live_in_the_venues_state(heavy3: Frames) -> None:
    """An in-person session takes its registrations from clients living in its venue's
    state (Client.city, a city of that state; the audit found 426 of 453 sign-ups by
    clients of another state); a session that no state could host in person meets online,
    under a virtual template of its theme."""
    venue_state = pl.DataFrame(
        [(address, PROVINCES[i]) for i, venues in enumerate(GROUP_VENUES) for _, address in venues],
        schema=["locationAddress", "venueState"],
        orient="row",
    )
    s = heavy3["GroupTherapySessions"].filter(pl.col("sessionType") == "IN_PERSON")
    home = {city: PROVINCES[i] for city, i in CITY_PROVINCE.items()}
    p = (
        heavy3["GroupSessionParticipants"]
        .join(s.select(pl.col("id").alias("sessionId"), "locationAddress"), on="sessionId")
        .join(venue_state, on="locationAddress")
        .join(heavy3["Client"].select("userId", "city"), on="userId")
        .with_columns(pl.col("city").replace_strict(home).alias("home"))
    )
    assert p.filter(pl.col("attendanceStatus") == "ATTENDED").height > 0
    _none(p.filter(pl.col("home") != pl.col("venueState")), "a client of another state")
    kind = {title: kind for rows in GROUP_SESSIONS.values() for title, _, _, kind in rows}
    group = heavy3["GroupTherapySessions"].filter(pl.col("sessionFormat") == "group-therapy")
    template = group["title"].replace_strict(kind)
    assert (template == group["sessionType"]).all()


def test_circles_are_younger_than_their_community(ctx: Context, heavy3: Frames) -> None:
    """A circle is created after the community it splits from and after the circle before
    it, no later than CIRCLE_LATEST_DAYS before the anchor (the audit found 13 of 35 circles
    older than their community); what is in a circle follows it."""
    cat = catalogue(ctx).select("slug", "base", "circle")
    c = heavy3["Community"].select("id", "slug", "createdAt").join(cat, on="slug")
    circles = c.filter(pl.col("circle") > 1)
    assert circles.height > 30
    prev = c.select(
        pl.col("base"), (pl.col("circle") + 1).alias("circle"), pl.col("createdAt").alias("prev")
    )
    chained = circles.join(prev, on=["base", "circle"], how="left")
    assert chained["prev"].null_count() == 0
    _none(
        chained.filter(pl.col("createdAt") <= pl.col("prev")), "a circle older than the one before"
    )
    latest = ctx.anchor_ms - CIRCLE_LATEST_DAYS * MS_PER_DAY
    _none(circles.filter(pl.col("createdAt").dt.epoch("ms") > latest), "a circle too young")
    joined = heavy3["Membership"].join(
        c.select(pl.col("id").alias("communityId"), pl.col("createdAt").alias("cAt")),
        on="communityId",
    )
    _none(joined.filter(pl.col("joinedAt") < pl.col("cAt")), "joined before the community")


def test_a_larger_scale_keeps_the_circles_times(ctx: Context) -> None:
    """Circles are timed per circle (a keyed share of the time left): a scale that adds
    circles leaves the times of the others as they were."""
    small = communities.generate(ctx, {})["Community"]
    big = communities.generate(Context(resolve(mode="heavy", scale=20, env={})), {})["Community"]
    both = small.select("slug", "createdAt").join(
        big.select("slug", pl.col("createdAt").alias("big")), on="slug"
    )
    assert both.height == small.height
    _none(both.filter(pl.col("createdAt") != pl.col("big")), "a circle retimed by the scale")


def test_no_group_session_on_a_us_holiday(heavy3: Frames) -> None:
    """Sessions sit on business days in SESSION_TZ, US federal holidays as observed excluded
    (the audit found sessions on Christmas and New Year's Day); the one under way at the
    anchor, on its day (a Sunday by default), is on no holiday either."""
    holidays = group_sessions.us_holidays(range(2025, 2027))
    assert {"2025-12-25", "2026-01-01", "2026-01-19", "2026-07-03"} <= set(holidays.astype(str))
    s = heavy3["GroupTherapySessions"]
    live = s.filter(pl.col("status") == "IN_PROGRESS")["scheduledAt"].dt.replace_time_zone("UTC")
    on_live = live.dt.convert_time_zone(group_sessions.SESSION_TZ).dt.date().to_numpy()
    assert not np.isin(on_live.astype("datetime64[D]"), holidays).any()
    day = (
        s.filter(pl.col("status") != "IN_PROGRESS")["scheduledAt"]
        .dt.replace_time_zone("UTC")
        .dt.convert_time_zone(group_sessions.SESSION_TZ)
        .dt.date()
    )
    on = day.to_numpy().astype("datetime64[D]")
    assert len(on) > 0 and not np.isin(on, holidays).any()
    assert np.is_busday(on).all()


def test_sessions_of_a_young_community_are_created_at_their_own_times(heavy3: Frames) -> None:
    """A session drawn before its community could host it was pinned to that instant: heavy
    x3 made 77 of its 558 at a shared one (11 at 08:39 UTC, a night hour, at --seed 2, which
    failed the waking-hours rule). Each is created at its own time now, after the community
    could host it and at least an hour before it starts."""
    x = heavy3["GroupTherapySessions"]
    assert x.height > 100
    _none(x.filter(pl.col("createdAt").is_duplicated()), "sessions sharing a createdAt")
    _none(
        x.filter(pl.col("createdAt") > pl.col("scheduledAt") - pl.duration(hours=1)),
        "sessions created within an hour of their start",
    )
