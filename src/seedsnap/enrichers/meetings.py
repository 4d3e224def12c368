"""Meetings: every active pair and every APPROVED therapist reach their meeting minimums;
pairs that ended had theirs.

Upstream topped pairs up to 3 meetings at random times around "now", ignoring availability,
weekdays and overlaps, and back-filled notes for at most 50 completed meetings per run
(seeder.md §7 row 9, §11.5). Here the new meetings go through the generator's ``schedule``:
on the therapist's available slots in its own time zone, never on a US federal holiday of its
calendar (``clock.us_holidays``), never overlapping a meeting of the
therapist or of the client (existing ones included), with the status the anchor implies.

Nobody takes part in a session after they were last seen (``users.last_seen``): a past
meeting ends by the time both its client and its therapist were last seen, and only a client
who still comes (``users.still_coming``) has meetings booked ahead, booked by then.

Per active pair: at least client.meetings_if_has_therapist meetings. Per APPROVED therapist: at
least therapist.meetings (the rest of the deficit spread round robin over its active pairs whose
client still comes, or over its quiet ones if it has no other: they fit before the client left)
and at least max(therapist.session_notes_written, therapist.reviews_received) COMPLETED
meetings, so notes and reviews can reach their minimums; those are past sessions with whichever
of its active clients had time for them (fitted first, to the clients' existing meetings by
time), after the pair's first held session, its intake (the generator's series already held
those of its sessions that drew a call-off where the draws left the therapist short:
``therapy.held_for_minimums``). A therapist approved just before the anchor may have no
available slot left for them; check then reports its notes and reviews minimums. A pair that
ended (inactive) had its sessions: as many as its weeks held at its cadence
(``series_sessions``: weekly or fortnightly), the first held, between its pairing and its end
(``pair_ends``), none after; they are scheduled first and count towards the therapist's
minimums. An active pair the generator did not book (the relationships enricher made it) has its
series next (``_fresh``), as the generator books one: its sessions follow its age, and the
top-ups then only fill what the minimums still ask (before, such a pair had those top-ups alone:
0.16.0's light x20 active pairs of 12 weeks or more had 0.18 meetings a week, 29 in 161 weeks of
10 pairs, check's meeting.sessions_follow_pair_age; 0.17.0's 0.86, 138). A therapist with no
active pair (relationships found no client who could have begun with it in time: light --seed
11) held its minimums' sessions with its past clients: each of its pairs that ended had that
many, all COMPLETED, where the pair's span had room. A therapist whose active pairs' weeks
cannot hold its therapist.meetings (a young one, with the caseload of its tenure) held the rest
with its past clients too (``_spill``). Nothing is booked more than BOOK_AHEAD_WEEKS (config)
ahead: a pair has its sessions booked a keyed few weeks ahead (``booked_until``), further only
as far as its minimums need. A build with an upcoming meeting has one CONFIRMED
(``MIN_CONFIRMED``, ``_confirmed``): its therapist confirmed the booking before the anchor. The
notes enricher writes the notes of every COMPLETED meeting (and the payments enricher bills it).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from seedsnap.context import MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, Context, Frames
from seedsnap.enrichers.common import count_by, count_with_planned, deficit
from seedsnap.errors import ConfigError
from seedsnap.generators.clock import holiday_days, waking_between
from seedsnap.generators.common import text_keys
from seedsnap.generators.therapy import (
    HALF_HOUR,
    MIN_SESSION_GAP_DAYS,
    MIN_UPCOMING_CANCELLED,
    MIN_WAITING,
    SESSION_GAP_DAYS,
    accepted_meetings,
    active_pairs,
    approved_therapists,
    booked_until,
    client_up,
    ended_pairs,
    existing_meetings,
    held_minimum,
    least_upcoming,
    local_to_utc,
    meeting_requests,
    meeting_rows,
    schedule,
    series_sessions,
    slot_grid,
    spread,
    utc_to_local,
    weekly_grid,
)
from seedsnap.generators.users import home_offset_of, seen_of, still_coming
from seedsnap.random import child_keys

READS = (
    "User",
    "Therapist",
    "ClientTherapist",
    "TherapistAvailability",
    "Meeting",
)
WRITES = ("Meeting",)


def _needs(
    ctx: Context, frames: Frames, pairs: pl.DataFrame, existing: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Meetings to add: per active pair (regular), and per therapist (completed) over its pairs."""
    cfg = ctx.config
    per_pair = count_by(existing.drop_nulls("pairId"), "pairId")
    need_pair = deficit(
        pairs.select("pairId"),
        "pairId",
        per_pair,
        cfg.minimum("client", "meetings_if_has_therapist"),
    )
    pairs = pairs.join(need_pair.rename({"need": "forPair"}), on="pairId", how="left")
    pairs = pairs.with_columns(pl.col("forPair").fill_null(0))
    therapists = approved_therapists(frames).select("therapistId")
    after = count_with_planned(existing, pairs, "therapistId", "forPair")
    need_t = deficit(therapists, "therapistId", after, cfg.minimum("therapist", "meetings"))
    # Sessions held with current clients (an active pair): the worksheets minimum needs
    # them, as homework follows a session of an active pair; past clients' do not count.
    held_now = existing.filter((pl.col("status") == "COMPLETED") & pl.col("pairId").is_not_null())
    done = count_by(held_now, "therapistId")
    completed_min = held_minimum(cfg)
    need_c = deficit(therapists, "therapistId", done, completed_min)
    # A therapist without an active client met its minimums with its past clients (``_past``)
    # where their pairs' spans had room; one still short has nobody to meet.
    held_ever = count_by(existing.filter(pl.col("status") == "COMPLETED"), "therapistId")
    without = therapists.join(pairs, on="therapistId", how="anti")
    lonely = (
        pl.concat(
            [
                deficit(without, "therapistId", after, cfg.minimum("therapist", "meetings")),
                deficit(without, "therapistId", held_ever, completed_min),
            ]
        )
        .select("therapistId")
        .unique()
    )
    if lonely.height:
        # (light --seed 11 --min therapist.meetings=6: dev_therapist_1's one past pair lasted
        # six days.)
        raise ConfigError(
            f"APPROVED therapist {lonely['therapistId'].sort()[0]} has no active client to meet "
            "but needs meetings (its past clients' pairs had no room for them)",
            "build with another --seed or a larger --scale, or set therapist.meetings, "
            "session_notes_written and reviews_received to 0",
        )
    # Completed sessions are one request per therapist, met by whichever of its pairs has
    # room in the past; they come on top of the other top-ups.
    forced = pairs.join(need_c.rename({"need": "completed"}), on="therapistId", how="inner")
    # The rest of a therapist's meetings go to its clients who still come (they can book
    # ahead); only a therapist with none shares them over its quiet ones, before they left.
    still = pl.col("stillC")
    takers = pairs.filter(still | ~still.any().over("therapistId"))
    shares = takers.select("pairId", spread(takers, "therapistId", need_t).alias("forTherapist"))
    return (
        pairs.join(shares, on="pairId", how="left", maintain_order="left").with_columns(
            (pl.col("forPair") + pl.col("forTherapist").fill_null(0)).alias("regular")
        )
    ), forced


# The columns of ``schedule``'s existing meetings.
cols_ex = ("pairId", "therapistId", "clientId", "timezone", "start", "end")


def _lonely(ctx: Context, frames: Frames) -> pl.Series:
    """The APPROVED therapists without an active pair (relationships' step 1 found no
    client who could have begun with them in time): their sessions were with past clients."""
    active = active_pairs(ctx, frames).select("therapistId")
    return approved_therapists(frames).join(active, on="therapistId", how="anti")["therapistId"]


def _lonely_need(ctx: Context) -> int:
    """The sessions a lonely therapist's minimums ask: therapist.meetings, all COMPLETED
    where its notes and reviews minimums ask them."""
    cfg = ctx.config
    return max(cfg.minimum("therapist", "meetings"), held_minimum(cfg))


def _past(
    ctx: Context, frames: Frames, grid: pl.DataFrame, existing: pl.DataFrame, first_req: int
) -> pl.DataFrame:
    """The sessions of the pairs that ended and have none: a weekly (or fortnightly) series
    from a day after the pairing until the pair ended (``series_sessions``: as many as its
    weeks hold; upstream drew randint(1, meetings_per_relationship) whatever its length), the
    first one held. Apart from the existing meetings of the same therapist and client; the
    active pairs' top-ups then keep apart from them."""
    ended = _unmet(frames, ended_pairs(ctx, frames))
    if ended.is_empty():
        return ctx.empty("Meeting")
    # A therapist with no active client (``lonely``) met its minimums with its past clients:
    # each of its pairs that ended held that many sessions where its span allows, all of
    # them COMPLETED (no other pair's draws change).
    lonely = ended["therapistId"].is_in(_lonely(ctx, frames).implode()).to_numpy()
    req = meeting_requests(ended, np.zeros(ended.height), lonely, first_req=first_req)
    req = req.with_columns(ended["endMs"].alias("until"))
    # As many as the pair's weeks held at its cadence, as an active pair's (its series).
    n = series_sessions(ctx, req)
    n = np.where(lonely, np.maximum(n, _lonely_need(ctx)), n)
    req = req.with_columns(pl.Series("need", n, dtype=pl.Int64))
    acc, _ = schedule(ctx, req, grid, existing)
    return accepted_meetings(ctx, req, acc, first_held=True) if acc.height else ctx.empty("Meeting")


def _unmet(frames: Frames, pairs: pl.DataFrame) -> pl.DataFrame:
    """The ``pairs`` (clientId, therapistId) with no Meeting yet, in their order."""
    return pairs.join(
        frames["Meeting"].select("clientId", "therapistId").unique(),
        on=["clientId", "therapistId"],
        how="anti",
        maintain_order="left",
    )


def _fresh(
    ctx: Context, frames: Frames, pairs: pl.DataFrame, grid: pl.DataFrame, existing: pl.DataFrame
) -> pl.DataFrame:
    """The series of the active pairs that have no meeting (the relationships enricher made
    them after the generator booked its pairs' series), as the generator books them: as
    many sessions as the pair's weeks hold at its cadence (``series_sessions``), booked a
    keyed few weeks ahead; apart from the ``existing`` meetings. Before, such a pair had only
    its minimums' top-ups (light x20: a pair of 22 weeks had 3 sessions in its first weeks)."""
    new = _unmet(frames, pairs)
    if new.is_empty():
        return ctx.empty("Meeting")
    req = meeting_requests(new, np.zeros(new.height), np.zeros(new.height, dtype=bool))
    req = req.with_columns(booked_until(ctx, req))
    req = req.with_columns(pl.Series("need", series_sessions(ctx, req), dtype=pl.Int64))
    acc, _ = schedule(ctx, req, grid, existing.select(cols_ex))
    if acc.is_empty():
        return ctx.empty("Meeting")
    # A therapist short of the sessions its notes and reviews minimums need (held with an
    # active client) held its first past ones of these: its pair's weeks are taken now, and
    # the top-up's completed sessions could find no room left (light x20: 5367adf6).
    cfg = ctx.config
    completed_min = held_minimum(cfg)
    held = existing.filter(
        (pl.col("status").cast(pl.String) == "COMPLETED") & pl.col("pairId").is_not_null()
    )
    short = (
        new.select("therapistId")
        .unique()
        .join(count_by(held, "therapistId"), on="therapistId", how="left")
        .select("therapistId", (completed_min - pl.col("len").fill_null(0)).alias("_short"))
    )
    joined = (
        acc.select("row", "mkey", "start", "end", "duration")
        .join(
            req.select("row", "pairId", "clientId", "therapistId", "assignedMs", "seenC", "seenT"),
            on="row",
            how="left",
        )
        .join(short, on="therapistId", how="left")
        .with_columns(pl.lit(None, dtype=pl.Int64).alias("firstBefore"))
    )
    past = pl.col("end") <= ctx.anchor_ms
    nth = pl.col("start").rank("ordinal").over("therapistId", past)
    joined = joined.with_columns((past & (nth <= pl.col("_short"))).alias("completed"))
    return meeting_rows(ctx, joined.drop("_short").sort("mkey"))


def _existing_with(frames: Frames, pairs: pl.DataFrame, *added: pl.DataFrame) -> pl.DataFrame:
    """``existing_meetings`` of ``pairs`` over the frames' meetings and the ``added`` ones."""
    meetings = pl.concat([frames["Meeting"], *added], how="diagonal_relaxed")
    return existing_meetings({"Meeting": meetings, "Therapist": frames["Therapist"]}, pairs)


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    pairs = active_pairs(ctx, frames)
    existing = existing_meetings(frames, pairs)
    if pairs.is_empty():
        therapists = approved_therapists(frames)
        if therapists.height and ctx.config.minimum("therapist", "meetings") > 0:
            _needs(ctx, frames, pairs, existing)  # raises: nobody to meet
        return {}
    every_slot = slot_grid(frames["TherapistAvailability"])
    grid = weekly_grid(every_slot)
    # First the sessions of the pairs that ended: a therapist's past clients count towards
    # its minimums, so its current ones need not make up for them with sessions booked
    # months ahead.
    ended = _past(ctx, frames, grid, existing, 0)
    # Then the series of the active pairs the generator did not see (the relationships
    # enricher made them), apart from those.
    if ended.height:
        existing = _existing_with(frames, pairs, ended)
    fresh = _fresh(ctx, frames, pairs, grid, existing)
    ended = pl.concat([ended, fresh], how="vertical_relaxed")
    if fresh.height:
        existing = _existing_with(frames, pairs, ended)
    # Then the session under way at the anchor, if the build needs one: the top-ups keep
    # apart from it as from every existing meeting.
    every = pl.concat([frames["Meeting"], ended], how="diagonal_relaxed")
    pair = ["clientId", "therapistId"]
    first_of = _firsts(every, pair, pl.col("startTime").dt.epoch("ms"))
    under_way = _under_way(ctx, frames, pairs, every_slot, existing, first_of)
    if ended.height or under_way.height:
        existing = _existing_with(frames, pairs, ended, under_way)
    needs, forced = _needs(ctx, frames, pairs, existing)
    regular = needs.filter(pl.col("regular") > 0)
    forced = forced.sort("therapistId", "pairId")
    group = forced.select(pl.col("therapistId").rank("dense").cast(pl.Int64) - 1)["therapistId"]
    first = _firsts(existing.drop_nulls("pairId"), ["pairId"], pl.col("start"))
    # The pair's series spans its existing meetings too (see schedule's candidate window).
    held = count_by(existing.drop_nulls("pairId"), "pairId")

    def spanned(req: pl.DataFrame) -> pl.DataFrame:
        # New meetings come after the pair's first existing one: that one is its initial
        # consultation, and its notes (written as the first session's) must stay true; so
        # after its first held session too (the first may have been cancelled).
        after = pl.coalesce("firstHeld", "firstBefore") + 1
        return (
            req.join(held, on="pairId", how="left", maintain_order="left")
            .join(first, on="pairId", how="left", maintain_order="left")
            .with_columns(
                (pl.col("need") + pl.col("len").fill_null(0)).alias("span"),
                pl.max_horizontal("lo", after).alias("lo"),
            )
            .drop("len", "firstBefore", "firstHeld")
        )

    # First the completed sessions young therapists must already have held: few, in a short
    # past window, so they are fitted to the clients' existing meetings by time (exact).
    req_c = spanned(
        meeting_requests(
            forced, forced["completed"], np.ones(forced.height, dtype=bool), group=group
        )
    )
    # A therapist approved a day or two before the anchor may have no available slot left
    # between its first client and the anchor: those sessions cannot have happened, and
    # `check` reports the therapist's notes/reviews minimums (an APPROVED therapist should
    # have joined well before the anchor; see the users generator).
    acc_c, _ = schedule(ctx, req_c, grid, existing, exact=True)
    placed = acc_c.join(req_c.select("row", "pairId", "clientId", "therapistId"), on="row").join(
        pairs.select("pairId", "timezone"), on="pairId"
    )
    existing = pl.concat([existing.select(cols_ex), placed.select(cols_ex)])
    req_r = spanned(
        meeting_requests(
            regular,
            regular["regular"],
            np.zeros(regular.height, dtype=bool),
            first_req=req_c.height,
        )
    )
    # The minimums must be met: a pair's booking stretches as far as they need.
    req_r = req_r.with_columns(booked_until(ctx, req_r, stretch=True))
    # Where one a week cannot hold them, twice a week (``relax``) before giving up.
    acc_r, unmet = schedule(ctx, req_r, grid, existing, relax=True)
    placed_r = acc_r.join(req_r.select("row", "pairId", "clientId", "therapistId"), on="row").join(
        pairs.select("pairId", "timezone"), on="pairId"
    )
    existing = pl.concat([existing, placed_r.select(cols_ex)])
    # A therapist whose current pairs cannot hold its minimum held the rest with its past
    # clients (``_spill``; only where the above leaves one short, so other builds keep theirs).
    req_s: pl.DataFrame | None = None
    acc_s: pl.DataFrame | None = None
    if unmet.height:
        req_s, acc_s, unmet = _spill(
            ctx, frames, grid, existing, regular, req_r, acc_r, unmet, first_of,
            first_req=req_c.height + req_r.height + pairs.height,
        )  # fmt: skip
        placed_s = acc_s.join(req_s.select("row", "pairId", "clientId", "therapistId"), on="row")
        existing = pl.concat([existing, placed_s.select(cols_ex)])
        existing = existing.with_columns(
            pl.when(pl.col("pairId").is_in(pairs["pairId"].implode())).then("pairId")
        )
    if unmet.height:
        short = unmet.join(
            pl.concat([r.select("req", "pairId") for r in (req_r, req_s) if r is not None])
            .group_by("req")
            .agg(pl.col("pairId").min()),
            on="req",
        )
        raise ConfigError(
            f"no free available slot for {int(short['need'].sum())} more meeting(s) "
            f"(pair {short.sort('pairId')['pairId'][0]} among others)",
            "lower minimums.client.meetings_if_has_therapist or minimums.therapist.meetings",
        )
    # An active pair is in ongoing therapy: it has its next session booked. Pairs whose
    # series all lies in the past get one upcoming session (from an hour after the anchor).
    booked = existing.filter(pl.col("start") >= ctx.anchor_ms).select("pairId").unique()
    # (Only a client who still comes books ahead.)
    idle = pairs.join(booked, on="pairId", how="anti").filter("stillC")
    idle = idle.sort("pairId")
    req_u = spanned(
        meeting_requests(
            idle,
            np.ones(idle.height, dtype=np.int64),
            np.zeros(idle.height, dtype=bool),
            first_req=req_c.height + req_r.height,
        ).with_columns(pl.lit(ctx.anchor_ms + MS_PER_HOUR).alias("lo"))
    )
    req_u = req_u.with_columns(booked_until(ctx, req_u))
    # A pair whose therapist has no free slot in the horizon simply has none booked yet.
    acc_u, _ = schedule(ctx, req_u, grid, existing) if idle.height else (acc_r.clear(), None)
    req = pl.concat([r.drop("until", strict=False) for r in (req_c, req_r, req_u)])
    acc = pl.concat([acc_c, acc_r.select(acc_c.columns), acc_u.select(acc_c.columns)])
    if req_s is not None and acc_s is not None and acc_s.height:
        req = pl.concat([req, req_s.select(req.columns)])
        acc = pl.concat([acc, acc_s.select(acc_c.columns)])
        ended_first = (
            req_s.select("pairId", "clientId", "therapistId")
            .unique()
            .join(first_of, on=["clientId", "therapistId"], how="inner")
            .select(first.columns)
        )
        first = pl.concat([first, ended_first.cast(first.schema)])
    # A build with an upcoming meeting has a cancelled one and, with one in the week ahead,
    # a WAITING one: among the new ones where the existing hold none (MIN_UPCOMING_CANCELLED).
    least = least_upcoming(frames["Meeting"], ctx.anchor_ms)
    new = (
        accepted_meetings(ctx, req, acc, first, short=least) if acc.height else ctx.empty("Meeting")
    )
    new = pl.concat([new, ended, under_way], how="vertical_relaxed")
    return {"Meeting": _confirmed(ctx, frames, new)}


def _spill(
    ctx: Context,
    frames: Frames,
    grid: pl.DataFrame,
    existing: pl.DataFrame,
    regular: pl.DataFrame,
    req: pl.DataFrame,
    acc: pl.DataFrame,
    unmet: pl.DataFrame,
    first_of: pl.DataFrame,
    first_req: int,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The therapist minimum its current pairs could not hold (``unmet`` of the regular
    requests ``req``, accepted ``acc``), held with its past clients: (requests, accepted
    candidates, what is still unmet, by req).

    A therapist approved a few weeks before the anchor has a caseload of its tenure
    (relationships: one client per PAST_SHARE_DAYS), often one current client and one past
    one, and therapist.meetings falls on the current pair: its weeks from its first session
    to the client's last visit and BOOK_AHEAD_WEEKS ahead hold fewer (heavy x3 --seed 2:
    9664af3c, approved 48 days before the anchor, needed 11 on its pair, whose weeks held 10).
    A pair's own minimum (client.meetings_if_has_therapist) stays on it; the rest of its
    shortfall is one request per therapist over its pairs that ended, after their first
    session and before they ended, as ``_past`` places theirs.
    """
    got = count_by(acc, "req")
    short = (
        unmet.join(req.select("req", "pairId", "therapistId").unique("req"), on="req")
        .join(regular.select("pairId", "forPair", "regular"), on="pairId")
        .join(got, on="req", how="left")
        .with_columns((pl.col("forPair") - pl.col("len").fill_null(0)).clip(0).alias("own"))
    )
    # What the pair itself must still have stays unmet (a raise); the therapist's rest moves.
    own = short.filter(pl.col("own") > 0).select("req", pl.col("own").alias("need"))
    moved = (
        short.group_by("therapistId")
        .agg((pl.col("need") - pl.col("own")).sum())
        .filter(pl.col("need") > 0)
        .sort("therapistId")
    )
    ended = ended_pairs(ctx, frames).join(moved, on="therapistId", how="inner")
    ended = ended.sort("therapistId", "pairId")
    group = ended.select(pl.col("therapistId").rank("dense").cast(pl.Int64) - 1)["therapistId"]
    # A past pair's meetings lie on its own weeks: its existing ones carry its id here.
    ids = ended.select("pairId", "clientId", "therapistId")
    ex = existing.join(ids, on=["clientId", "therapistId"], how="left", suffix="_e").select(
        pl.coalesce("pairId", "pairId_e").alias("pairId"), *cols_ex[1:]
    )
    held = count_by(ex.drop_nulls("pairId"), "pairId")
    after = pl.coalesce("firstHeld", "firstBefore") + 1
    req_s = (
        meeting_requests(
            ended,
            ended["need"].to_numpy(),
            np.zeros(ended.height, dtype=bool),
            first_req=first_req,
            group=(group + first_req).to_numpy(),
        )
        .join(first_of, on=["clientId", "therapistId"], how="left", maintain_order="left")
        .join(held, on="pairId", how="left", maintain_order="left")
        .with_columns(
            pl.max_horizontal("lo", after).alias("lo"),
            (pl.col("need") + pl.col("len").fill_null(0)).alias("span"),
        )
        .drop("len", "firstBefore", "firstHeld")
        .with_columns(ended["endMs"].alias("until"))
    )
    missing = moved.select("therapistId", "need").join(ids, on="therapistId", how="anti")
    acc_s, left = (
        schedule(ctx, req_s, grid, ex, relax=True) if req_s.height else (acc.clear(), own.clear())
    )
    # A therapist with no past pair keeps its shortfall on its first short request.
    lone = (
        short.join(missing.select("therapistId"), on="therapistId")
        .sort("req")
        .group_by("therapistId", maintain_order=True)
        .agg(pl.col("req").first(), (pl.col("need") - pl.col("own")).sum())
        .select("req", "need")
    )
    still = (
        pl.concat([own, lone, left.select("req", "need")])
        .group_by("req")
        .agg(pl.col("need").sum())
        .sort("req")
    )
    return req_s, acc_s, still


def _firsts(meetings: pl.DataFrame, by: list[str], start: pl.Expr) -> pl.DataFrame:
    """``by``, firstBefore, firstHeld: the earliest ``start`` (ms) of each pair's ``meetings``
    and of its held ones: COMPLETED, or IN_PROGRESS (a session under way is being held: new
    ones of its pair come after it)."""
    held = pl.col("status").cast(pl.String).is_in(["COMPLETED", "IN_PROGRESS"])
    return meetings.group_by(by).agg(
        start.min().alias("firstBefore"), start.filter(held).min().alias("firstHeld")
    )


# A build holds at least MIN_IN_PROGRESS sessions under way at the anchor (IN_PROGRESS),
# where a therapist has hours over it (``therapy.MIN_AT_ANCHOR`` sees to one on the default
# anchor, a Sunday morning): testers need the app's live-session screens.
MIN_IN_PROGRESS = 1


def _under_way(
    ctx: Context,
    frames: Frames,
    pairs: pl.DataFrame,
    grid: pl.DataFrame,
    existing: pl.DataFrame,
    first: pl.DataFrame,
) -> pl.DataFrame:
    """Up to MIN_IN_PROGRESS less those there are of sessions under way at the anchor: the
    top of a keyed ranking of the (pair, slot) that could hold one. Could: an active pair in
    ongoing therapy (it had a session before: ``first``, ``_firsts`` of every meeting; its
    intake if none was held) whose client and therapist still come, the
    client up at home then (``therapy.client_up``); a slot of the therapist's on the
    anchor's local day (not a US holiday), at its start or HALF_HOUR in, that the pair's
    standard session spans the anchor from, free for both (``existing``, whatever their
    status) and SESSION_GAP_DAYS from the pair's other sessions, else (ranked after those)
    MIN_SESSION_GAP_DAYS local dates from them."""
    a = ctx.anchor_ms
    m = frames["Meeting"]
    have = int(
        (
            (m["status"].cast(pl.String) == "IN_PROGRESS")
            & (m["startTime"].dt.epoch("ms") <= a)
            & (m["endTime"].dt.epoch("ms") > a)
        ).sum()
    )
    short = MIN_IN_PROGRESS - have
    users = frames["User"]
    p = pairs.join(first, on=["clientId", "therapistId"], how="inner").filter(
        pl.col("firstBefore") < a
    )
    if short <= 0 or p.is_empty():
        return ctx.empty("Meeting")
    # A pair that has held no session yet would hold its first one now, and sessions of its
    # come after its first held one (``enrich``'s ``spanned``): if its therapist is still
    # short of the completed sessions its notes and reviews minimums need, those could no
    # longer go to this pair's past (light --seed 21: its one client's first session was
    # cancelled, the session under way left it none, min:therapist.session_notes_written).
    held_now = existing.filter(
        (pl.col("status").cast(pl.String) == "COMPLETED") & pl.col("pairId").is_not_null()
    )
    completed_min = held_minimum(ctx.config)
    short_c = (
        p.select("therapistId")
        .unique()
        .join(count_by(held_now, "therapistId"), on="therapistId", how="left")
        .filter(pl.col("len").fill_null(0) < completed_min)
    )
    p = p.filter(
        pl.col("firstHeld").is_not_null()
        | ~pl.col("therapistId").is_in(short_c["therapistId"].implode())
    )
    if p.is_empty():
        return ctx.empty("Meeting")
    p = p.filter(
        pl.col("stillC")
        & pl.Series(still_coming(ctx, users, p["therapistId"]))
        & pl.Series(client_up(a, home_offset_of(ctx, p["clientId"])))
    )
    c = p.join(grid.drop("timezone"), on="therapistId", how="inner")
    if c.is_empty():
        return ctx.empty("Meeting")
    c = pl.concat([c.with_columns(pl.lit(sh, pl.Int64).alias("shift")) for sh in (0, HALF_HOUR)])
    local_a = utc_to_local(np.full(c.height, a, dtype=np.int64), c["timezone"].cast(pl.String))
    day = local_a // MS_PER_DAY
    dow = (day + 4) % 7  # 1970-01-01 was a Thursday
    minute = c["minute"].to_numpy() + c["shift"].to_numpy()
    start = local_to_utc(day * MS_PER_DAY + minute * MS_PER_MINUTE, c["timezone"].cast(pl.String))
    dur = c["sessionMinutes"].to_numpy()
    end = start + dur * MS_PER_MINUTE
    ok = (c["dow"].to_numpy() == dow) & (c["shift"].to_numpy() + dur <= c["room"].to_numpy())
    ok &= (start <= a) & (end > a) & (start >= c["assignedMs"].to_numpy() + MS_PER_DAY)
    ok &= ~np.isin(day, holiday_days(int(day.min()), int(day.max())))
    c = c.with_columns(
        pl.Series("start", start),
        pl.Series("end", end),
        pl.Series("duration", dur),
        pl.Series("day", day),
        pl.Series("mkey", child_keys(c["pkey"].to_numpy(), day * 1440 + minute), dtype=pl.UInt64),
    ).filter(pl.Series(ok))
    ex = existing.select(
        "pairId", "therapistId", "clientId", pl.col("start").alias("s"), pl.col("end").alias("e")
    )
    gap = SESSION_GAP_DAYS * MS_PER_DAY
    busy = pl.concat(
        [
            c.join(ex.drop("clientId", "pairId"), on="therapistId").filter(
                (pl.col("s") < pl.col("end")) & (pl.col("start") < pl.col("e"))
            ),
            c.join(ex.drop("therapistId", "pairId"), on="clientId").filter(
                (pl.col("s") < pl.col("end")) & (pl.col("start") < pl.col("e"))
            ),
        ],
        how="diagonal_relaxed",
    ).select("mkey")
    c = c.join(busy, on="mkey", how="anti")
    # The pair's other sessions: SESSION_GAP_DAYS away (weekly therapy) where it can, else
    # MIN_SESSION_GAP_DAYS local dates away in the therapist's zone (a twice-weekly week, as
    # ``schedule`` places sessions a minimum needs; check: SESSION_GAP_HOURS). A pair that
    # meets on Fridays can hold one under way on the default anchor's Sunday morning.
    near = c.join(ex.drop("therapistId", "clientId").drop_nulls("pairId"), on="pairId").filter(
        (pl.col("s") < pl.col("end") + gap) & (pl.col("start") < pl.col("e") + gap)
    )
    o_day = utc_to_local(near["s"].to_numpy(), near["timezone"].cast(pl.String)) // MS_PER_DAY
    near = near.with_columns(
        (pl.Series(np.abs(o_day - near["day"].to_numpy())) < MIN_SESSION_GAP_DAYS).alias("_hard")
    )
    c = c.join(near.filter("_hard").select("mkey"), on="mkey", how="anti").with_columns(
        pl.col("mkey").is_in(near["mkey"].implode()).alias("_near")
    )
    if c.is_empty():
        return ctx.empty("Meeting")
    bits = ctx.stream("Meeting", "in-progress").bits(c["mkey"].to_numpy())
    top = c.with_columns(pl.Series("_b", bits)).sort("_near", "_b", "mkey").head(short)
    acc = top.select(
        "mkey",
        "clientId",
        "therapistId",
        "assignedMs",
        "start",
        "end",
        "duration",
        pl.lit(False).alias("completed"),
        "firstBefore",
        "firstHeld",
        "seenC",
    )
    return meeting_rows(ctx, acc)


# A build with an upcoming meeting holds at least MIN_CONFIRMED CONFIRMED ones (its therapist
# confirmed the booking): testers need the app's confirmed-session screens in light too,
# whose few upcoming sessions the draws may leave SCHEDULED, WAITING or CANCELLED.
MIN_CONFIRMED = 1
# The upcoming states a build keeps at least this many of when one becomes CONFIRMED.
_KEEP = {"SCHEDULED": 1, "CANCELLED": MIN_UPCOMING_CANCELLED, "WAITING": MIN_WAITING}


def _confirmed(ctx: Context, frames: Frames, new: pl.DataFrame) -> pl.DataFrame:
    """``new`` with up to MIN_CONFIRMED less those there are of upcoming meetings CONFIRMED:
    the top of a keyed ranking (SCHEDULED ones first, then by a draw of the meeting) of the
    new upcoming ones SCHEDULED, CANCELLED or WAITING beyond what ``_KEEP`` keeps of that
    state, that
    could be on: apart from the other meetings (not CANCELLED) of its therapist and client,
    and SESSION_GAP_DAYS from the pair's. Its therapist confirmed it (updatedAt) on its
    waking clock between its booking and the anchor (an hour before it starts at the
    latest), while still coming; the notifications enricher tells the client then."""
    a = ctx.anchor_ms
    every = pl.concat(
        [
            frames["Meeting"].select("id", "status", "startTime"),
            new.select("id", "status", "startTime"),
        ]
    )
    st = every["status"].cast(pl.String)
    ahead = every["startTime"].dt.epoch("ms") > a
    short = MIN_CONFIRMED - int(((st == "CONFIRMED") & ahead).sum())
    if short <= 0 or new.is_empty():
        return new
    spare = {k: int(((st == k) & ahead).sum()) - n for k, n in _KEEP.items()}
    cols = ["id", "clientId", "therapistId", "startTime", "endTime", "createdAt"]
    c = new.filter(
        (pl.col("startTime").dt.epoch("ms") > a)
        & pl.col("status").cast(pl.String).is_in([k for k, n in spare.items() if n > 0])
    ).select(*cols, pl.col("status").cast(pl.String))
    if c.is_empty():
        return new
    on = pl.concat([frames["Meeting"].select(*cols, "status"), new.select(*cols, "status")]).filter(
        pl.col("status").cast(pl.String) != "CANCELLED"
    )
    o = on.select(
        pl.col("id").alias("o"), "clientId", "therapistId",
        pl.col("startTime").alias("s"), pl.col("endTime").alias("e"),
    )  # fmt: skip
    gap = pl.duration(days=MIN_SESSION_GAP_DAYS)
    busy = pl.concat(
        [
            c.join(o.drop("clientId"), on="therapistId").filter(
                (pl.col("s") < pl.col("endTime")) & (pl.col("startTime") < pl.col("e"))
            ),
            c.join(o.drop("therapistId"), on="clientId").filter(
                (pl.col("s") < pl.col("endTime")) & (pl.col("startTime") < pl.col("e"))
            ),
            c.join(o, on=["clientId", "therapistId"]).filter(
                (pl.col("s") < pl.col("startTime") + gap)
                & (pl.col("startTime") < pl.col("s") + gap)
            ),
        ],
        how="diagonal_relaxed",
    ).filter(pl.col("o") != pl.col("id"))  # (a SCHEDULED one is among them itself)
    c = c.join(busy.select("id"), on="id", how="anti")
    if c.is_empty():
        return new
    keys = text_keys(c["id"])
    s = ctx.stream("Meeting", "confirmed")
    c = (
        c.with_columns(
            pl.Series("_b", s.bits(keys, 0)),
            (pl.col("status") != "SCHEDULED").alias("_later"),
        )
        .sort("_later", "_b", "id")
        .filter(pl.int_range(pl.len()).over("status") < pl.col("status").replace_strict(spare))
        .head(short)
    )
    keys = text_keys(c["id"])
    lo = c["createdAt"].dt.epoch("ms").to_numpy()
    hi = np.minimum(c["startTime"].dt.epoch("ms").to_numpy() - MS_PER_HOUR, a)
    hi = np.minimum(hi, seen_of(ctx, frames["User"], c["therapistId"]))
    ok = hi > lo
    c = c.filter(pl.Series(ok))
    if c.is_empty():
        return new
    at = waking_between(s, keys[ok], lo[ok], hi[ok], home_offset_of(ctx, c["therapistId"]), index=1)
    done = c.select("id", pl.Series("_at", at).cast(pl.Datetime("ms")))
    return (
        new.join(done, on="id", how="left", maintain_order="left")
        .with_columns(
            pl.when(pl.col("_at").is_not_null())
            .then(pl.lit("CONFIRMED"))
            .otherwise(pl.col("status").cast(pl.String))
            .cast(new.schema["status"])
            .alias("status"),
            pl.coalesce("_at", "updatedAt").alias("updatedAt"),
        )
        .drop("_at")
    )
