"""Group sessions: group therapy sessions and a webinar per community, with therapist
invitations and participants (seeder.md §7 row 16 and its session details, §11.3, §11.15).

Per community that has a moderator and at least one APPROVED therapist member, top up to
``WEBINARS`` webinar and a programme of group-therapy sessions (``programme``): a group per
``GROUP_SIZE`` of its client members still coming (none below ``MIN_PARTICIPANTS``), as many
as its therapist members who can host allow, each meeting at the community's keyed cadence
(weekly, fortnightly or monthly: ``cadence``) over the business days it could hold them on;
on days when at least ``MIN_PARTICIPANTS`` of them came (``_around``): so most past ones are
held. By construction:

- the creator (``createdById``) is a moderator of the community, assigned before creating it,
  who still came then: a session is created by the time its creator was last seen
  (``users.last_seen``; announced earlier where the community's moderators left before);
- invitees are APPROVED therapist members of the community (upstream invited PENDING ones),
  members before the invitation, who answer it by the time they were last seen: a past
  session's invitees came until it ended (the accepted ones held it), an upcoming one's
  still come;
- participants are client members, so never the creator nor an invitee, members before they
  register; at most ``maxParticipants`` of them; nobody registers for a session still
  PENDING_APPROVAL (the app opens registration once a session is approved);
- a group-therapy session takes place (COMPLETED) or stays open (APPROVED) only with at
  least ``MIN_PARTICIPANTS`` registrations: a past one with fewer was CANCELLED for too few
  registrations (those who had registered by then keep theirs, cancelled), an upcoming one
  with fewer is still PENDING_APPROVAL (and takes no registrations yet); one last seen
  before a held session ended did not attend it (NO_SHOW);
- nobody is invited to or registers for a session that overlaps one of their own 1:1
  meetings (not CANCELLED), whether as the therapist or as the client;
- an in-person session meets in one state (``_venue_states``), where at least
  ``MIN_PARTICIPANTS`` of the community's client members and an APPROVED therapist member
  live and come around its day: its venue is there, and its invitees and participants live
  there (``users.home_province``; virtual sessions are open to all). A template's in-person
  session that no state can host meets online, under a virtual template of its theme;
- sessions sit on distinct business days of the community, on the half hour from 10:00 to
  18:30 local time in one fixed zone (``SESSION_TZ``, not the host's as upstream's
  ``setHours``), inside the hours (TherapistAvailability, on its own wall clock) of a
  therapist member who can host it then (``_host_starts``); never on the anchor's local day,
  so a session is either over or upcoming, but for the one under way (below);
- a therapist hosts only in its own hours: invitees whose hours hold the session come first
  in the draw and only they accept it (one asked outside them declines);
- status agrees with time: past sessions are COMPLETED (``completedAt`` = end) or CANCELLED
  (``cancelledAt`` before the start), upcoming ones APPROVED or PENDING_APPROVAL, or CANCELLED
  where the draw that cancels a past one (as often, at the same point between creation and
  start) called it off by the anchor; completed and approved sessions have an ACCEPTED
  invitation; PENDING invitations exist only for upcoming sessions still PENDING_APPROVAL;
  attendance is ATTENDED/NO_SHOW/CANCELLED for completed sessions, CANCELLED for cancelled
  ones and REGISTERED/CANCELLED for upcoming ones;
- a build holds a session CANCELLED and one PENDING_APPROVAL, a group-therapy session in
  person, an invitation PENDING and a participant NO_SHOW and one CANCELLED, and a session
  called off as RESCHEDULED that someone had registered for (``_least_rescheduled``) wherever
  its sessions allow (the ``MIN_*``: the top
  of a keyed ranking of what could be, where the draws left none), so light has them too;
- and one session under way at the anchor (IN_PROGRESS, ``MIN_IN_PROGRESS``, ``_under_way``)
  where a community can hold one then: a session of its own, keyed apart from the others, from
  the half hour at or before the anchor (LIVE_FROM to LIVE_UNTIL in SESSION_TZ, no holiday: the
  default anchor's Sunday 07:00 too), hosted by a therapist member whose hours hold it
  (TherapistAvailability, within HOST_HOURS: the availability enricher sees to
  ``HOSTS_AT_ANCHOR`` therapists with hours over it), with MIN_PARTICIPANTS registrations (a
  webinar, one) of client members who still come and are up at home throughout
  (``therapy.client_up``), none in a 1:1 meeting then; hours read on the wall clock, daylight
  saving included (``_offset_at``), as its start is. Its participants are REGISTERED (attendance
  is taken when it ends) or CANCELLED; its host and the registered log in to join it at its
  start (``logins.GROUP_LIVE``). Group therapy comes first; light's members who still come and
  are up at the default anchor are its three fixture clients (``users.FIXTURE_CLIENT_HOME``),
  one of them in the 1:1 session under way then (``meetings.MIN_IN_PROGRESS``): a webinar there.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from seedsnap.arrays import (
    choose_eligible,
    distinct_inverse,
    hhmm_minutes,
    rows_in,
    search_sorted,
    text_order,
)
from seedsnap.context import MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, Context, Frames, timestamps
from seedsnap.enrichers.common import packed_order
from seedsnap.generators import social_text as t
from seedsnap.generators.clock import WORKDAY, us_holidays, waking_at, waking_between
from seedsnap.generators.common import ms_of, rank_in_run, ranks, text_keys
from seedsnap.generators.communities import catalogue
from seedsnap.generators.social_text import LOW_ENROLMENT, RESCHEDULED, THERAPIST_AWAY, VENUE_CLOSED
from seedsnap.generators.therapy import (
    client_up,
    local_to_utc,
    utc_to_local,
)
from seedsnap.generators.users import (
    home_offset_of,
    home_province,
    home_zone_of,
    still_coming,
    with_seen,
    zone_of,
)
from seedsnap.random import I64, child_keys

READS = (
    "Community",
    "Membership",
    "ModeratorCommunity",
    "Therapist",
    "TherapistAvailability",
    "User",
    "Meeting",
)
WRITES = ("GroupTherapySessions", "GroupSessionTherapistInvitations", "GroupSessionParticipants")

MIN_PARTICIPANTS = 3  # registrations a group-therapy session needs to take place
# A community runs a therapy group per GROUP_SIZE of its client members still coming (rounded
# up), as many as its therapist members who can host, at most MAX_GROUPS; each group meets
# every CADENCES weeks, keyed per community with CADENCE_P (weekly, fortnightly, monthly
# groups): ``programme``. Upstream topped every community up to 10 sessions, and heavy x3 had
# 46 of 54 communities at exactly 11 sessions (10 and a webinar).
GROUP_SIZE = 8
MAX_GROUPS = 3
CADENCES = (1, 2, 4)
CADENCE_P = (0.3, 0.45, 0.25)
CANCEL_FROM = 0.9  # a registration whose keyed draw is this or more, its client cancelled
# Why a session the draw cancels was cancelled, by its type: only an in-person session has a
# venue to close. Too few registrations (LOW_ENROLMENT) is never drawn: it is the reason of
# the sessions ``_low_enrolment`` cancels, those with fewer than MIN_PARTICIPANTS registered.
OTHER_REASONS = {
    "VIRTUAL": (THERAPIST_AWAY, RESCHEDULED),
    "IN_PERSON": (THERAPIST_AWAY, VENUE_CLOSED, RESCHEDULED),
}
SPARE_PICKS = 4  # people drawn beyond a session's size, for those busy in another session
WEBINARS = 1
SESSION_TZ = "America/New_York"  # the platform's scheduling zone for community sessions
PAST_BUSINESS_DAYS = 45  # sessions are spread over this many business days before the anchor
FUTURE_BUSINESS_DAYS = 22  # ... and this many after it
LEAD_DAYS = 3  # a past session was created at least this long before it took place
WEBINAR_CHILD = 0x5745_4249  # child index of a community's webinar
SLOT_CHILD = 1_000  # child index base of a community's group session on business-day slot k
# Candidate slots beyond the deficit, for the slots that find no host (their therapists are
# in 1:1 meetings then, or, a session created after they were last seen, none could accept)
# or too few participants.
SPARE_SLOTS = 10
COMPLETED_RATE = 0.85
APPROVED_RATE = 0.7
ATTENDANCE = ("ATTENDED", "NO_SHOW", "CANCELLED", "REGISTERED")
# A build holds at least one of each state testers exercise, where its sessions allow it
# (the top of a keyed ranking of what could be, where the draws left none): a session
# CANCELLED and one PENDING_APPROVAL (``_least_states``), an invitation PENDING
# (``_least_pending``), a participant NO_SHOW and one who CANCELLED (``_participants``).
MIN_CANCELLED = 1
MIN_PENDING_APPROVAL = 1
MIN_PENDING_INVITATIONS = 1
MIN_NO_SHOW = 1
MIN_SELF_CANCELLED = 1
# ... and a group-therapy session meeting in person (``_least_in_person``): in a small build
# the in-person templates and the states that can host them may leave none. A session marked
# so may still not take place (too few of its state's members registered): the next of the
# keyed ranking is tried, at most IN_PERSON_TRIES times.
MIN_IN_PERSON = 1
IN_PERSON_TRIES = 8
MIN_RESCHEDULED = 1  # a session called off as RESCHEDULED, with registrations (its notices)
# A build holds at least MIN_IN_PROGRESS sessions under way at the anchor (IN_PROGRESS) where
# a community can hold one then (``_under_way``): testers need the app's "live now" views,
# and the default anchor, a Sunday at 07:00 in New York, is no business day. It starts on
# the half hour at or before the anchor, from LIVE_FROM to LIVE_UNTIL local minutes in
# SESSION_TZ (a weekend morning's group, an evening's), hosted by a therapist whose local day
# holds it (HOST_HOURS: from 07:00, as its weekend mornings, until 21:00).
MIN_IN_PROGRESS = 1
LIVE_FROM, LIVE_UNTIL = 7 * 60, 20 * 60
HOST_HOURS = (7, 21)
# A session starts on the half hour from START_FROM to START_UNTIL (minutes in SESSION_TZ),
# in hours of a therapist member who can host it (``_host_starts``): upstream drew 10:00-18:30
# whoever hosted, and heavy x3 had 349 of 808 accepted hosts out of their hours.
START_FROM, START_UNTIL = 10 * 60, 18 * 60 + 30
LIVE_CHILD = 0x4C49_5645  # child index of a community's session under way ("LIVE")
# Candidates for it drawn on their own, at most: those that pass the counts of people up
# then (``_under_way``) mostly fit at the first, so the bound is rarely reached.
LIVE_TRIES = 8


def _anchor_day(ctx: Context) -> np.datetime64:
    """The anchor's calendar day in SESSION_TZ."""
    a = pl.Series([ctx.anchor_ms]).cast(pl.Datetime("ms")).dt.replace_time_zone("UTC")
    day = a.dt.convert_time_zone(SESSION_TZ).dt.date().to_numpy()[0]
    return np.datetime64(day, "D")


def _local_days(col: pl.Expr) -> pl.Expr:
    """A naive UTC timestamp column as its calendar day in SESSION_TZ."""
    return col.dt.replace_time_zone("UTC").dt.convert_time_zone(SESSION_TZ).dt.date()


def _communities(
    ctx: Context, frames: Frames, members: pl.DataFrame, therapists: pl.DataFrame
) -> pl.DataFrame:
    """Communities able to host sessions, with theme, key, the earliest possible time and
    how many of their client ``members`` (``_client_members``) still come; ``therapists``:
    the therapist members (``_therapist_comers``)."""
    comm = frames["Community"].select("id", "slug", "name", ms_of("createdAt").alias("c_created"))
    themes = catalogue(ctx).select("slug", "theme")
    comm = comm.join(themes, on="slug", how="left").with_columns(
        pl.col("theme").fill_null("general").replace(t.THEME_ALIASES)
    )
    known = list(t.GROUP_SESSIONS)
    comm = comm.with_columns(
        pl.when(pl.col("theme").is_in(known))
        .then(pl.col("theme"))
        .otherwise(pl.lit("general"))
        .alias("theme")
    )
    mods = (
        frames["ModeratorCommunity"]
        .group_by("communityId")
        .agg(ms_of("assignedAt").min().alias("first_mod"))
    )
    ther = therapists.group_by("communityId").agg(
        pl.col("since").min().alias("first_ther"),
        pl.col("coming").sum().cast(pl.Int64).alias("hosts"),
    )
    n_clients = members.group_by("communityId").agg(pl.col("coming").sum().cast(pl.Int64))
    comm = (
        comm.join(mods, left_on="id", right_on="communityId")
        .join(ther, left_on="id", right_on="communityId")
        .join(n_clients, left_on="id", right_on="communityId", how="left")
        .with_columns(pl.col("coming").fill_null(0))
    )
    comm = comm.with_columns(pl.max_horizontal("c_created", "first_mod", "first_ther").alias("lo"))
    comm = comm.sort("id")
    return comm.with_columns(pl.Series("ckey", text_keys(comm["id"])))


def _client_members(ctx: Context, frames: Frames) -> pl.DataFrame:
    """communityId, userId, since, seen and coming (``_comers``) of the client members."""
    clients = frames["User"].filter(pl.col("role") == "client").select(pl.col("id").alias("userId"))
    members = (
        frames["Membership"]
        .join(clients, on="userId")
        .select("communityId", "userId", ms_of("joinedAt").alias("since"))
    )
    return _comers(ctx, frames, members)


def _comers(ctx: Context, frames: Frames, people: pl.DataFrame) -> pl.DataFrame:
    """``people`` with ``seen`` (``users.last_seen``, ms) and ``coming`` (``still_coming``)."""
    users = frames["User"]
    return with_seen(ctx, users, people).with_columns(
        pl.Series("coming", still_coming(ctx, users, people["userId"]))
    )


def cadence(ctx: Context, ckey: npt.ArrayLike) -> I64:
    """Per community (``ckey``, its key), the weeks between the meetings of each of its
    groups: CADENCES drawn with CADENCE_P, keyed."""
    pick = ctx.stream("GroupTherapySessions", "cadence").uniform(ckey)
    out: I64 = np.asarray(CADENCES, dtype=np.int64)[
        np.searchsorted(np.cumsum(CADENCE_P), pick, side="right")
    ]
    return out


def programme(coming: pl.Expr, hosts: pl.Expr, weeks: pl.Expr, days: pl.Expr) -> pl.Expr:
    """Group-therapy sessions a community holds over ``days`` business days it could hold
    them on: a group per GROUP_SIZE of its client members still coming (``coming``; none
    below MIN_PARTICIPANTS), no more groups than therapist members who can host (``hosts``)
    nor MAX_GROUPS, each meeting every ``weeks`` weeks (``cadence``); one a day at most."""
    groups = pl.min_horizontal((coming + GROUP_SIZE - 1) // GROUP_SIZE, hosts, pl.lit(MAX_GROUPS))
    meets = (days + 5 * weeks - 1) // (5 * weeks)  # each group's meetings, rounded up
    n = pl.min_horizontal(groups * meets, days).clip(0)
    return pl.when(coming >= MIN_PARTICIPANTS).then(n).otherwise(0)


def _therapist_comers(ctx: Context, frames: Frames) -> pl.DataFrame:
    """communityId, userId, since, seen and coming (``_comers``) of the APPROVED therapist
    members."""
    return _comers(ctx, frames, _therapist_members(frames))


def _therapist_members(frames: Frames) -> pl.DataFrame:
    approved = frames["Therapist"].filter(pl.col("status") == "APPROVED").select("userId")
    return (
        frames["Membership"]
        .join(approved, on="userId")
        .select("communityId", "userId", ms_of("joinedAt").alias("since"))
    )


def _slots(ctx: Context, frames: Frames, comm: pl.DataFrame, members: pl.DataFrame) -> pl.DataFrame:
    """New sessions per community: community, slot k (business days from the anchor), format."""
    fmt = pl.col("sessionFormat").fill_null("group-therapy")
    existing = frames["GroupTherapySessions"].select(
        "communityId",
        (fmt == "webinar").alias("web"),
        _local_days(pl.col("scheduledAt")).alias("day"),
    )
    have = existing.group_by("communityId").agg(
        (~pl.col("web")).sum().cast(pl.Int64).alias("n_group"),
        pl.col("web").sum().cast(pl.Int64).alias("n_web"),
    )
    anchor_day = _anchor_day(ctx)
    offsets = np.r_[-PAST_BUSINESS_DAYS:0, 1 : FUTURE_BUSINESS_DAYS + 1].astype(np.int64)
    # Business days: no weekend, no US federal holiday (``us_holidays``).
    year = 1970 + int(anchor_day.astype("datetime64[Y]").astype(np.int64))  # years since 1970
    days = np.busday_offset(
        anchor_day, offsets, roll="forward", holidays=us_holidays(range(year - 1, year + 2))
    )
    # A past slot must leave LEAD_DAYS after the community could first host a session.
    lo_day = (
        comm.select(_local_days(pl.col("lo").cast(pl.Datetime("ms"))))
        .to_series()
        .to_numpy()
        .astype("datetime64[D]")
    )
    first_ok = lo_day + LEAD_DAYS + 1
    ok = days[None, :] >= first_ok[:, None]
    # Its programme (``programme``) over the days it could hold sessions on: a community
    # founded weeks ago has held fewer.
    comm = comm.with_columns(
        pl.Series("weeks", cadence(ctx, comm["ckey"].to_numpy())),
        pl.Series("days", ok.sum(axis=1).astype(np.int64)),
    ).join(have, left_on="id", right_on="communityId", how="left", maintain_order="left")
    comm = comm.with_columns(
        (
            programme(pl.col("coming"), pl.col("hosts"), pl.col("weeks"), pl.col("days"))
            - pl.col("n_group").fill_null(0)
        )
        .clip(0)
        .alias("d_group"),
        (WEBINARS - pl.col("n_web").fill_null(0)).clip(0).alias("d_web"),
    )
    wanted = ((comm["d_group"] > 0) | (comm["d_web"] > 0)).to_numpy()
    comm, ok = comm.filter(pl.Series(wanted)), ok[wanted]
    if comm.is_empty():
        return pl.DataFrame()
    perm = ranks(ctx.stream("GroupTherapySessions", "slot"), comm["ckey"].to_numpy(), len(days))
    n, m = perm.shape
    # Each community's days in priority order (``perm``), communities in id order (``comm``
    # is sorted by id, and the join above keeps its order): the grid comes in (communityId,
    # priority) order without a sort.
    ci = np.repeat(np.arange(n), m)
    day_i = perm.reshape(-1)
    keep = ok[ci, day_i]
    ci, day_i = ci[keep], day_i[keep]
    grid = pl.DataFrame(
        [
            comm["id"].gather(ci).alias("communityId"),
            pl.Series("day", days[day_i]).cast(pl.Date),
            pl.Series("_i", np.arange(len(ci))),
        ]
    )
    if existing.height:
        grid = grid.join(existing, on=["communityId", "day"], how="anti", maintain_order="left")
        ci, day_i = ci[grid["_i"].to_numpy()], day_i[grid["_i"].to_numpy()]
    d_group = comm["d_group"].to_numpy()[ci]
    d_web = comm["d_web"].to_numpy()[ci]
    k = offsets[day_i]
    # SPARE_SLOTS more than needed: a slot nobody can host gives way to the next (``_hosted``).
    can_group = (_around(grid, members) >= MIN_PARTICIPANTS) & (d_group > 0)
    # Groups meet at their cadence, not on days drawn anywhere in the window: the days a
    # community's group comes on are cut into as many spans, in time order, as it holds
    # sessions, and its first choices take a day of each span (the keyed order within it),
    # the next choices a second one, and so on (``_paced``): past and upcoming sessions
    # come as the days do.
    idx = np.flatnonzero(can_group)
    comes = np.zeros_like(ok)
    comes[ci[idx], day_i[idx]] = True
    idx = idx[_paced(ci[idx], day_i[idx], comes, comm["d_group"].to_numpy())]
    r = np.zeros(len(ci), dtype=np.int64)
    r[idx] = rank_in_run(ci[idx])  # rank in the community's group slots
    group = can_group & (r < d_group + SPARE_SLOTS)
    # The webinar takes the first remaining slot, upcoming ones first.
    rest = np.flatnonzero(~group & (d_web > 0))
    rest = rest[np.argsort(ci[rest] * 2 + (k[rest] < 0), kind="stable")]
    rest_rank = rank_in_run(ci[rest])
    rest = rest[rest_rank < d_web[rest] + SPARE_SLOTS]
    g_rows = np.flatnonzero(group)
    rows = np.concatenate([g_rows, rest])
    web = np.arange(len(rows)) >= len(g_rows)
    return grid.select(
        pl.col("communityId", "day").gather(rows),
        pl.Series("k", k[rows]),
        pl.Series("web", web),
        # Preference within the community's group sessions or webinars, and how many to keep.
        pl.Series("pref", np.concatenate([r[g_rows], rank_in_run(ci[rest])])),
        pl.Series("need", np.where(web, d_web[rows], d_group[rows])),
    ).select("communityId", "k", "day", "web", "pref", "need")


def _paced(ci: I64, day_i: I64, ok: npt.NDArray[np.bool_], n: I64) -> I64:
    """The order of the (community ``ci``, day ``day_i``) choices, given by community and
    keyed priority, that paces each community's ``n`` sessions over its ``ok`` days (a row
    per community, a column per day, in time order; the choices are among them): its days
    cut into ``n`` spans of consecutive ones, the first choice of each span comes before the
    second of any, and so on."""
    pos = (np.cumsum(ok, axis=1) - 1)[ci, day_i]  # the day's place among its community's
    days = ok.sum(axis=1)[ci]
    span = pos * np.maximum(n[ci], 1) // np.maximum(days, 1)
    at = np.arange(len(ci))
    by_span = np.lexsort((at, span, ci))  # stable: the keyed order within each span
    rank = np.empty(len(ci), dtype=np.int64)
    rank[by_span] = rank_in_run(ci[by_span] * (int(span.max(initial=0)) + 1) + span[by_span])
    out: I64 = np.lexsort((at, rank, ci))
    return out


def _around(grid: pl.DataFrame, members: pl.DataFrame) -> I64:
    """Per slot of ``grid`` (communityId, day), its community's client ``members`` coming then:
    members the day before, seen after the day or still coming (``_coming_then``, counted).
    Moderators schedule group therapy where and when a group comes.

    Counted, not paired: in days, a member comes on day D when since + 1 <= D, less one who
    no longer comes whose max(since + 1, seen) <= D (seen by D, a member before it), so each
    count is two counts of a community's sorted days up to D (one search each on a packed
    (community, day) key), not a join of every slot with every member of its community."""
    out: I64 = np.zeros(grid.height, dtype=np.int64)
    ids = grid["communityId"].unique()
    came = _local_days(pl.col("since").cast(pl.Datetime("ms"))).cast(pl.Int64) + 1
    seen = _local_days(pl.col("seen").cast(pl.Datetime("ms"))).cast(pl.Int64)
    m = members.select(
        pl.Series("c", rows_in(members["communityId"], ids)),
        came.alias("came"),
        # A NULL "seen" is never after the day (max_horizontal skips it): such a member
        # comes only while still coming, as a NULL "coming" passes as "seen after" alone.
        pl.max_horizontal(came, seen).alias("gone"),
        pl.col("coming").fill_null(False),
    ).filter((pl.col("c") >= 0) & pl.col("came").is_not_null())
    if grid.is_empty() or m.is_empty():
        return out
    day = grid["day"].cast(pl.Int64).to_numpy()
    c = rows_in(grid["communityId"], ids)
    left = m.filter(~pl.col("coming"))
    lo = int(min(day.min(), m["came"].min()))
    width = int(max(day.max(), m["gone"].max())) - lo + 1

    def upto(code: pl.Series, value: pl.Series) -> I64:  # per slot, how many are <= its day
        key = np.sort(code.to_numpy() * width + (value.to_numpy() - lo))
        end: I64 = np.searchsorted(key, c * width + (day - lo), side="right")
        return end - np.searchsorted(key, c * width, side="left")

    out = upto(m["c"], m["came"]) - upto(left["c"], left["gone"])
    return out


def _coming_then(grid: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    """The (slot, person) pairs of ``grid`` (communityId, day; a slot is its row number,
    "_r") and its community's ``people`` (communityId, since, seen, coming, and any other
    columns, kept) coming then: members the day before, seen after the day or still coming."""
    people = people.with_columns(
        _local_days(pl.col("since").cast(pl.Datetime("ms"))).alias("since_day"),
        _local_days(pl.col("seen").cast(pl.Datetime("ms"))).alias("seen_day"),
    )
    return (
        grid.select("communityId", "day", pl.int_range(pl.len()).alias("_r"))
        .join(people, on="communityId")
        .filter(
            (pl.col("since_day") < pl.col("day"))
            & ((pl.col("seen_day") > pl.col("day")) | pl.col("coming"))
        )
    )


def _venue_states(
    ctx: Context, x: pl.DataFrame, members: pl.DataFrame, therapists: pl.DataFrame
) -> I64:
    """Per session of ``x`` (communityId, day, key), the state (an index into
    ``vocab.PROVINCES``) where it can meet in person, -1 where none can.

    A venue is in one state, its host's (therapists are licensed per state), and takes its
    registrations from the community's client ``members`` who live there: a state can host
    the session when at least MIN_PARTICIPANTS of its client members and an APPROVED
    therapist member of it come around the day (``_coming_then``). Among those states, a
    keyed pick weighted by the clients coming: groups meet where their members are.
    ``therapists``: the therapist members (``_therapist_comers``)."""
    cols = ("communityId", "userId", "since", "seen", "coming")
    people = pl.concat(
        [
            members.select(*cols, pl.lit(1, dtype=pl.Int64).alias("client")),
            therapists.select(*cols, pl.lit(0, dtype=pl.Int64).alias("client")),
        ]
    )
    people = people.with_columns(pl.Series("state", home_province(ctx, people["userId"])))
    there = (
        _coming_then(x.select("communityId", "day"), people)
        .group_by("_r", "state")
        .agg(pl.col("client").sum().alias("n"), (1 - pl.col("client")).sum().alias("hosts"))
        .filter((pl.col("n") >= MIN_PARTICIPANTS) & (pl.col("hosts") > 0))
        .sort("_r", "state")
    )
    u = ctx.stream("GroupTherapySessions", "venue-state").uniform(x["key"].to_numpy())
    picked = (
        there.with_columns(
            pl.Series("u", u[there["_r"].to_numpy()]),
            pl.col("n").cum_sum().over("_r").alias("upto"),
            pl.col("n").sum().over("_r").alias("all"),
        )
        .filter(pl.col("upto") > pl.col("u") * pl.col("all"))
        .unique("_r", keep="first", maintain_order=True)
    )
    out: I64 = np.full(x.height, -1, dtype=np.int64)
    out[picked["_r"].to_numpy()] = picked["state"].to_numpy()
    return out


def _sessions(
    ctx: Context,
    frames: Frames,
    comm: pl.DataFrame,
    slots: pl.DataFrame,
    members: pl.DataFrame,
    therapists: pl.DataFrame,
) -> pl.DataFrame:
    """The candidate sessions of ``slots``: template, time, creator, status and, for one in
    person, the state of its venue ("venue", ``_venue_states``; -1 for a virtual one). A
    template's in-person session that no state of the community can host that day meets
    online: a VIRTUAL template of the theme, drawn alike."""
    anchor = ctx.anchor_ms
    s = ctx.stream("GroupTherapySessions", "session")
    x = slots.join(comm.select("id", "ckey", "theme", "lo"), left_on="communityId", right_on="id")
    x = x.sort("communityId", "web", "k")
    ck = x["ckey"].to_numpy()
    web = x["web"].to_numpy()
    k = x["k"].to_numpy()
    # A community's webinar candidates are its first, second … choice of slot.
    pref = x["pref"].to_numpy()
    keys = np.where(
        web,
        child_keys(ck, WEBINAR_CHILD + pref),
        child_keys(ck, SLOT_CHILD + PAST_BUSINESS_DAYS + k),
    )
    if "child" in x.columns:  # a session of its own (``_under_way``): its child index
        keys = child_keys(ck, x["child"].to_numpy())
    # Templates of the community's theme: webinars first, then group sessions, one row each.
    w_rows = [(th, *row) for th, rows in t.WEBINARS.items() for row in rows]
    g_rows = [(th, *row) for th, rows in t.GROUP_SESSIONS.items() for row in rows]
    # Themes as codes ordered as their text (``_theme_pick`` sorts and searches them).
    names = {th for th, *_ in w_rows + g_rows} | set(x["theme"].unique()) | {"general"}
    code = {name: i for i, name in enumerate(sorted(names))}
    theme = x["theme"].replace_strict(code, return_dtype=pl.Int64).to_numpy()
    g_theme = np.asarray([code[th] for th, *_ in g_rows])
    g_type = np.asarray([row[4] for row in g_rows])
    u = s.uniform(keys, 0)
    g_idx = _theme_pick(g_theme, theme, u)
    if "ip" in x.columns:  # to meet in person where it can (``_least_in_person``)
        ip_rows = np.flatnonzero(g_type == "IN_PERSON")
        want = x["ip"].fill_null(False).to_numpy() & ~web & np.isin(theme, g_theme[ip_rows])
        # (a theme of no in-person template is never wanted: any that has one stands in)
        of = np.where(want, theme, g_theme[ip_rows[0]])
        g_idx = np.where(want, ip_rows[_theme_pick(g_theme[ip_rows], of, u)], g_idx)
    in_person = ~web & (g_type[g_idx] == "IN_PERSON")
    venue = np.full(len(keys), -1, dtype=np.int64)
    ip = np.flatnonzero(in_person)
    venue[ip] = _venue_states(
        ctx, x[ip].select("communityId", "day", pl.Series("key", keys[ip])), members, therapists
    )
    online = np.flatnonzero(g_type == "VIRTUAL")
    g_online = online[_theme_pick(g_theme[online], theme, u)]
    g_idx = np.where(in_person & (venue < 0), g_online, g_idx)
    w_theme = np.asarray([code[th] for th, *_ in w_rows])
    w_themes = np.where(np.isin(theme, w_theme), theme, code["general"])
    w_idx = _theme_pick(w_theme, w_themes, u)
    # Each session's template row (texts gathered by polars, not built per row in numpy).
    pick = np.where(web, w_idx, len(w_rows) + g_idx)
    template = pl.DataFrame(
        {
            "title": [row[1] for row in w_rows + g_rows],
            "description": [row[2] for row in w_rows + g_rows],
            "sessionType": ["VIRTUAL" for _ in w_rows] + [row[4] for row in g_rows],
        },
        schema={"title": pl.String, "description": pl.String, "sessionType": pl.String},
    )[pick]
    duration = np.asarray([row[3] for row in w_rows + g_rows], dtype=np.int64)[pick]
    stype = template["sessionType"]
    # Local start: on the half hour from START_FROM to START_UNTIL in a window of a therapist
    # member's who can host it then (``_host_starts``); where none works that day, as
    # before: group sessions 10:00-18:30, webinars at noon or 18:00 (none of their invitees
    # works then, so nobody hosts it: ``_hosted`` takes the next slot).
    half_hours = s.integers(keys, 20, 38, 1)
    minutes = np.where(web, np.where(s.bernoulli(keys, 0.5, 2), 12 * 60, 18 * 60), half_hours * 30)
    if "minutes" not in x.columns:
        slot = x.select("communityId", "day")
        minutes = _host_starts(ctx, frames, slot, therapists, keys, duration, minutes)
    if "minutes" in x.columns:  # a start of its own (``_under_way``)
        minutes = x["minutes"].to_numpy()
    x = x.with_columns(
        pl.Series("key", keys),
        template["title"],
        template["description"],
        pl.Series("duration", duration),
        stype,
        pl.Series("venue", venue),
        pl.Series("minutes", minutes),
    ).with_columns(
        (pl.col("day").cast(pl.Datetime("ms")) + pl.duration(minutes=pl.col("minutes")))
        .dt.replace_time_zone(SESSION_TZ, ambiguous="earliest")
        .dt.convert_time_zone("UTC")
        .dt.replace_time_zone(None)
        .dt.epoch("ms")
        .alias("at")
    )
    at = x["at"].to_numpy()
    end = at + duration * MS_PER_MINUTE
    past = end <= anchor
    lo = x["lo"].to_numpy()
    # Created LEAD_DAYS to 25 days ahead, never before the community could host it.
    lead = s.integers(keys, LEAD_DAYS * 24, 25 * 24, 3) * MS_PER_HOUR
    # Sessions far ahead were announced recently, not "in the future": 2 to 14 days ago, so
    # registering has had days (of waking hours) to happen, not the anchor's small hours.
    recent = anchor - s.integers(keys, 2 * 24, 14 * 24, 10) * MS_PER_HOUR
    created = np.where(at - lead > anchor, recent, at - lead)
    # One drawn before the community could host it (``lo``) is created since then, at a
    # keyed time up to its lead (LEAD_DAYS where there is room): pinned to ``lo`` itself,
    # a young community's sessions shared one instant, at any hour (heavy x3 --seed 2 had
    # 11 made at 08:39 UTC, 3:39 a.m. in New York, failing the waking-hours rule).
    # Its creator draws that time on its waking clock (``_creators``), between ``lo`` and
    # ``upto``: drawn uniform over every hour, 12 of heavy x3's 558 were made at 08-11 UTC.
    last = np.minimum(anchor, at - MS_PER_HOUR)
    early = created < lo
    upto = created
    if early.any():
        by_lead = np.minimum(anchor, at - LEAD_DAYS * MS_PER_DAY)
        room = np.maximum(np.where(by_lead >= lo, by_lead, last) - lo, 0)
        since = lo + np.floor(s.uniform(keys, 11) * room).astype(np.int64)
        created = np.where(early, since, created)  # where nobody could create it
        upto = np.where(early, lo + room, upto)
    created = np.clip(created, lo, last)
    upto = np.clip(upto, lo, last)
    ids = ctx.ids("GroupTherapySessions", keys).alias("sid")
    by = _creators(
        ctx,
        frames,
        pl.DataFrame([ids, x["key"], x["communityId"], x["lo"]]).with_columns(
            pl.Series("created", upto), pl.Series("early", early)
        ),
    )
    by = ids.to_frame().join(by, on="sid", how="left", maintain_order="left")
    created = by["created"].fill_null(pl.Series(created)).to_numpy()
    takes_place = s.bernoulli(keys, COMPLETED_RATE, 4)
    completed = past & takes_place
    cancel_at = created + np.floor((0.3 + 0.65 * s.uniform(keys, 6)) * (at - created)).astype(
        np.int64
    )
    # An upcoming session is called off as often as a past one was, at the same point between
    # its creation and its start: one called off by the anchor is CANCELLED already.
    cancelled = ~takes_place & (past | (cancel_at <= anchor))
    approved = ~past & ~cancelled & s.bernoulli(keys, APPROVED_RATE, 5)
    status = pl.Series(
        "status", ["COMPLETED", "CANCELLED", "APPROVED", "PENDING_APPROVAL"], dtype=pl.String
    ).gather(np.select([completed, cancelled, approved], [0, 1, 2], 3))
    approve_at = created + np.floor(s.uniform(keys, 7) * (np.minimum(anchor, at) - created)).astype(
        np.int64
    )
    updated = np.select([completed, cancelled, approved], [end, cancel_at, approve_at], created)
    # Registrations and invitations close at the start, at cancellation, or now.
    close = np.minimum(np.where(cancelled, cancel_at, at), anchor)
    cap = np.where(web, 50, s.integers(keys, 8, 16, 8))
    reason = _other_reason(stype, s.uniform(keys, 9))
    x = x.with_columns(
        ids,
        by["createdById"],
        pl.Series("created", created),
        status,
        pl.Series("end", end),
        pl.Series("close", close),
        pl.Series("updated", updated),
        pl.Series("cancel_at", np.where(cancelled, cancel_at, -1)),
        pl.Series("cancel_if", cancel_at),  # when it was (or would have been) cancelled
        reason.set(pl.Series(~cancelled), None),
        pl.Series("maxParticipants", cap),
    )
    return x.drop_nulls("createdById")  # a session nobody could create is not made


def _host_starts(
    ctx: Context,
    frames: Frames,
    slots: pl.DataFrame,
    therapists: pl.DataFrame,
    keys: I64,
    duration: I64,
    fallback: I64,
) -> I64:
    """Per slot of ``slots`` (communityId, day: SESSION_TZ's), a start (local minutes in
    SESSION_TZ) on the half hour from START_FROM to START_UNTIL at which a therapist member
    coming around the day (``_coming_then``) can host a session of ``duration`` minutes: a
    window of its (``hours``, on its own wall clock that day, daylight saving included)
    holds it. Uniform over every such (therapist, start), keyed by ``keys``: a start that
    more of them can host comes more often. ``fallback`` where nobody can. ``therapists``:
    the therapist members (``_therapist_comers``)."""
    out: I64 = np.asarray(fallback, dtype=np.int64).copy()
    windows = hours(frames)
    if slots.is_empty() or windows.is_empty():
        return out
    c = _coming_then(slots, therapists).select("_r", "userId", "day").join(windows, on="userId")
    # Only a window on the slot's weekday can hold a start: the others are dropped before
    # their bounds are converted (six in seven of the pairs; the order of the rest is kept).
    day = c["day"].cast(pl.Int64).to_numpy()  # days since 1970-01-01, a Thursday
    on_day = c["dow"].to_numpy() == (day + 4) % 7
    c, day = c.filter(pl.Series(on_day)), day[on_day]
    if c.is_empty():
        return out
    r = c["_r"].to_numpy()
    tz = c["tz"]
    # The window's bounds that day on its wall clock, as instants, then on SESSION_TZ's.
    ny = pl.Series([SESSION_TZ] * c.height, dtype=pl.String)
    base = day * MS_PER_DAY

    def on_ny(minute: I64) -> I64:
        t = local_to_utc(base + minute * MS_PER_MINUTE, tz)
        out_min: I64 = (utc_to_local(t, ny) - base) // MS_PER_MINUTE
        return out_min

    s0, e0 = on_ny(c["s"].to_numpy()), on_ny(c["e"].to_numpy())
    lo = np.maximum((s0 + 29) // 30 * 30, START_FROM)
    hi = np.minimum((e0 - duration[r]) // 30 * 30, START_UNTIL)
    n = np.where(hi >= lo, (hi - lo) // 30 + 1, 0)
    keep = n > 0
    if not keep.any():
        return out
    r, lo, n = r[keep], lo[keep], n[keep]
    # (therapist, window) rows of a slot in a fixed order: by slot, therapist, window start.
    order = np.lexsort(
        (lo, rows_in(c["userId"].filter(pl.Series(keep)), windows["userId"].unique().sort()), r)
    )
    r, lo, n = r[order], lo[order], n[order]
    total = np.bincount(r, weights=n, minlength=slots.height).astype(np.int64)
    u = ctx.stream("GroupTherapySessions", "host-start").uniform(keys)
    pick = np.floor(u * total).astype(np.int64)  # the pick-th (therapist, start) of the slot
    upto = np.cumsum(n)
    before = upto - n
    first = np.searchsorted(r, np.arange(slots.height))  # each slot's first row
    offset = before - before[np.minimum(first, len(r) - 1)][r]
    hit = (pick[r] >= offset) & (pick[r] < offset + n)
    out[r[hit]] = lo[hit] + (pick[r[hit]] - offset[hit]) * 30
    return out


def _other_reason(stype: pl.Series | npt.NDArray[np.str_], u: npt.NDArray[np.float64]) -> pl.Series:
    """Per session of type ``stype``, one of its OTHER_REASONS ("reason"), uniform by ``u``
    in [0, 1)."""
    kinds = list(OTHER_REASONS)  # a tiny fixed table: every type's reasons in one row
    options = pl.Series("reason", [r for k in kinds for r in OTHER_REASONS[k]], dtype=pl.String)
    of_kind = np.repeat(np.arange(len(kinds)), [len(OTHER_REASONS[k]) for k in kinds])
    codes = {k: i for i, k in enumerate(kinds)}
    kind = pl.Series(stype).replace_strict(codes, return_dtype=pl.Int64).to_numpy()
    return options.gather(choose_eligible(u, kind[:, None] == of_kind))


def _theme_pick(pool_theme: np.ndarray, theme: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Index into a template list whose entries carry a theme: uniform among ``theme``'s."""
    order = np.argsort(pool_theme, kind="stable")
    sorted_theme = pool_theme[order]
    start = np.searchsorted(sorted_theme, theme, side="left")
    stop = np.searchsorted(sorted_theme, theme, side="right")
    pos = start + np.floor(u * (stop - start)).astype(np.int64)
    out: np.ndarray = order[pos]
    return out


def _creators(ctx: Context, frames: Frames, x: pl.DataFrame) -> pl.DataFrame:
    """Per session of ``x`` (sid, key, communityId, lo, created: when it would be created,
    early: drawn before ``lo``), a keyed moderator of the community and when it created it:
    by then, and by the time the moderator was last seen, after it was assigned and the
    community could host, in the moderator's waking hours of the day before (``clock``; an
    early one's, at any time since ``lo``). Moderators still coming at that
    time come first; a session whose moderators had all left is announced before the last of
    them did. Sessions nobody could create are left out."""
    mods = frames["ModeratorCommunity"].select(
        "communityId", "moderatorId", ms_of("assignedAt").alias("since")
    )
    mods = with_seen(ctx, frames["User"], mods, user="moderatorId")
    c = (
        x.select("sid", "key", "communityId", "lo", "created", "early")
        .join(mods, on="communityId")
        .with_columns(
            pl.min_horizontal("created", "seen").alias("at"),
            (pl.col("seen") < pl.col("created")).alias("_left"),
        )
        .filter((pl.col("since") <= pl.col("at")) & (pl.col("lo") <= pl.col("at")))
    )
    draw = ctx.stream("GroupTherapySessions", "creator").bits(
        child_keys(c["key"].to_numpy(), text_keys(c["moderatorId"])), 0
    )
    c = c.with_columns(pl.Series("_d", draw)).sort("sid", "_left", "_d", "moderatorId")
    c = c.unique("sid", keep="first", maintain_order=True)
    # Earlier than ``at`` only: every bound below it still holds, and the lead grows.
    at = c["at"].to_numpy()
    day_before = np.where(c["early"].to_numpy(), np.iinfo(np.int64).min, at - MS_PER_DAY)
    lo = np.maximum(np.maximum(c["lo"].to_numpy(), c["since"].to_numpy()), day_before)
    home = home_offset_of(ctx, c["moderatorId"])
    s = ctx.stream("GroupTherapySessions", "created")
    created = waking_between(s, c["key"].to_numpy(), lo, at, home)
    return c.select(
        "sid", pl.col("moderatorId").alias("createdById"), pl.Series("created", created)
    )


def _busy(frames: Frames, role: str) -> pl.DataFrame:
    """userId, s, e (ms): the 1:1 meetings (not CANCELLED) of each client or therapist."""
    return (
        frames["Meeting"]
        .filter(pl.col("status") != "CANCELLED")
        .select(
            pl.col(f"{role}Id").alias("userId"),
            ms_of("startTime").alias("s"),
            ms_of("endTime").alias("e"),
        )
    )


def hours(frames: Frames) -> pl.DataFrame:
    """userId, dow (JS weekday), s, e (local minutes), tz: each therapist's available windows
    (TherapistAvailability, ``isAvailable``), on its own wall clock (the window's zone)."""
    return (
        frames["TherapistAvailability"]
        .filter(pl.col("isAvailable"))
        .select(
            pl.col("therapistId").alias("userId"),
            pl.col("dayOfWeek").cast(pl.Int64, strict=False).alias("dow"),
            hhmm_minutes(pl.col("startTime")).alias("s"),
            hhmm_minutes(pl.col("endTime")).alias("e"),
            pl.col("timezone").cast(pl.String).alias("tz"),
        )
        .drop_nulls()
    )


def in_hours(who: pl.Series, at: I64, end: I64, windows: pl.DataFrame) -> npt.NDArray[np.bool_]:
    """Whether each therapist ``who`` can host from ``at`` to ``end`` (ms): one of its
    ``windows`` (``hours``) holds it, read on the window's wall clock as the check reads a
    1:1 meeting's: its local weekday, its local start at or after the window's start, and
    the start plus its length by the window's end.

    Each row's start is read on the wall clock of each zone of its therapist's windows
    (mostly one), and met only with the windows of that zone and local weekday, as row
    numbers: not every row with every window of its therapist (heavy x40's invitations had
    66,002 rows, 279,315 such pairs). The clock readings come from converting every
    distinct start in every zone that any of the therapists uses (one conversion per zone;
    heavy x10: 1,122 starts x 5 zones, of which 3,254 pairs occur; converting only those
    was no faster)."""
    out = np.zeros(len(who), dtype=bool)
    if not len(who) or windows.is_empty():
        return out
    if windows.select("userId", "dow", "s", "e", "tz").null_count().sum_horizontal().item():
        return _in_hours_joined(who, at, end, windows)
    ids, zones = windows["userId"].unique(), windows["tz"].unique().sort()
    nz = len(zones)
    # The (therapist, zone) groups of the windows, and each window's group.
    groups, group = np.unique(
        rows_in(windows["userId"], ids) * nz + rows_in(windows["tz"], zones), return_inverse=True
    )
    mine = rows_in(who, ids)
    rows = np.flatnonzero(mine >= 0)
    # Each row with each group of its therapist: its start on that zone's wall clock.
    pos, g = _paired(mine[rows], groups // nz, len(ids))
    starts, back = distinct_inverse(at[rows], MS_PER_MINUTE)
    used = np.unique(groups[g] % nz)
    slot = np.full(nz, -1, dtype=np.int64)
    slot[used] = np.arange(len(used))
    local_of = utc_to_local(np.tile(starts, len(used)), zones.gather(np.repeat(used, len(starts))))
    local = local_of[slot[groups[g] % nz] * len(starts) + back[pos]]
    dow = (local // MS_PER_DAY + 4) % 7  # 1970-01-01 was a Thursday
    # ... met with the group's windows of that weekday (one of another is never met).
    w_dow = windows["dow"].to_numpy()
    key = np.where((w_dow >= 0) & (w_dow < 7), group.reshape(-1) * 7 + w_dow, len(groups) * 7)
    j, w = _paired(g * 7 + dow, key, len(groups) * 7 + 1)
    i = rows[pos[j]]
    minute = (local[j] % MS_PER_DAY) // MS_PER_MINUTE
    length = (end[i] - at[i]) // MS_PER_MINUTE
    ok = (minute >= windows["s"].to_numpy()[w]) & (minute + length <= windows["e"].to_numpy()[w])
    out[i[ok]] = True
    return out


def _paired(code: I64, of: I64, n: int) -> tuple[I64, I64]:
    """Each position of ``code`` with every row whose ``of`` is that code (codes below
    ``n``), as (position, row) pairs: an inner join of two code columns, by row numbers."""
    order = np.argsort(of, kind="stable")
    count = np.bincount(of, minlength=n)
    k = count[code]
    at = np.repeat(np.arange(len(code)), k)
    nth = np.arange(len(at)) - np.repeat(np.cumsum(k) - k, k)  # the row's place in its run
    return at, order[np.repeat((np.cumsum(count) - count)[code], k) + nth]


def _in_hours_joined(
    who: pl.Series, at: I64, end: I64, windows: pl.DataFrame
) -> npt.NDArray[np.bool_]:
    """``in_hours`` as a join of each row with every window of its therapist (NULLs allowed)."""
    out = np.zeros(len(who), dtype=bool)
    pairs = pl.DataFrame({"userId": who, "_i": np.arange(len(who), dtype=np.int64)}).join(
        windows, on="userId"
    )
    if pairs.is_empty():
        return out
    i = pairs["_i"].to_numpy()
    local = utc_to_local(at[i], pairs["tz"])
    minute = (local % MS_PER_DAY) // MS_PER_MINUTE
    dow = (local // MS_PER_DAY + 4) % 7  # 1970-01-01 was a Thursday
    length = (end[i] - at[i]) // MS_PER_MINUTE
    ok = (
        (dow == pairs["dow"].to_numpy())
        & (minute >= pairs["s"].to_numpy())
        & (minute + length <= pairs["e"].to_numpy())
    )
    out[i[ok]] = True
    return out


def _pick_people(
    ctx: Context,
    x: pl.DataFrame,
    people: pl.DataFrame,
    purpose: str,
    lo: int,
    hi: pl.Series,
    busy: pl.DataFrame,
    state: I64 | None = None,
    windows: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Per session, a keyed sample of ``people`` (communityId, userId, since, seen, coming:
    ``_comers``) who were members before the session closed, came then (seen after it
    closed or still coming since its creation; or seen at ``x``'s "needSeen" or later, still
    coming where it is null, when ``x`` has it), and are free at its time (no ``busy``
    interval of theirs: userId, s, e, overlaps [at, end)); sizes drawn in [lo, hi) and capped
    by who is available.

    With ``state`` (per row of ``people``, where they live), the people of a session of ``x``
    with a "venue" (a state; -1 for none) live in that state. With ``windows`` (``hours``),
    those who work its whole time (``in_hours``; "can") come first in each session's draw:
    a moderator invites the therapists whose hours hold it, then others, who decline.

    Rows come by (sid, keyed draw, userId). Sessions and people are joined as row numbers
    and ranked on one packed uint64 (sid rank, draw prefix); the chosen rows alone are
    gathered (sorting every candidate pair on strings was most of this step's time).
    """
    st = ctx.stream("GroupTherapySessions", purpose)
    xk = x["key"].to_numpy()
    n = st.integers(xk, lo, np.maximum(hi.to_numpy(), lo + 1), 0)
    xi, pi = _candidates(x, people)
    if state is not None:  # a session with a venue: its state's people only
        venue = x["venue"].to_numpy()[xi]
        there = (venue < 0) | (state[pi] == venue)
        xi, pi = xi[there], pi[there]
    # A person as a number: ``people`` holds one row per community they are a member of.
    persons = people["userId"].unique().sort()  # (a dense rank's codes)
    user_rank = rows_in(people["userId"], persons)
    # A person busy at the session's time is no candidate: the (session, person) pairs that
    # clash (``_busy_then``) are dropped. Dropping candidates leaves the others' keyed draws
    # as they were.
    busy = busy.drop_nulls(["s", "e"])  # an interval with a NULL bound overlaps none
    if busy.height and len(xi):
        clash = _busy_then(
            user_rank[pi],
            x["at"].to_numpy()[xi],
            x["end"].to_numpy()[xi],
            # user_rank's codes: the rows of the distinct people in order, -1 for others
            rows_in(busy["userId"], persons),
            busy["s"].to_numpy(),
            busy["e"].to_numpy(),
        )
        xi, pi = xi[~clash], pi[~clash]
    pk = child_keys(xk[xi], text_keys(people["userId"])[pi])
    draw = st.bits(pk, 1)
    sid_rank = np.empty(x.height, dtype=np.int64)
    by_sid = text_order(x["sid"])  # the ids are distinct: any sort gives their one order
    sid_rank[x["sid"].arg_sort().to_numpy() if by_sid is None else by_sid] = np.arange(x.height)
    r = sid_rank[xi]
    # With ``windows``, those who work its whole time (``in_hours``) come first.
    can = np.ones(len(xi), dtype=bool)
    if windows is not None and len(xi):
        can = in_hours(
            people["userId"].gather(pi), x["at"].to_numpy()[xi], x["end"].to_numpy()[xi], windows
        )
    off = (~can).astype(np.int64)

    def exact() -> I64:  # ties of the draw broken by userId
        return np.lexsort((user_rank[pi], draw, off, r))

    order = packed_order([(r, x.height), (off, 2)], draw, exact)
    # SPARE_PICKS more than the size: who is picked for an overlapping session that comes
    # first is dropped, and the next in the draw takes their place.
    picked = order[rank_in_run(r[order]) < n[xi[order]] + SPARE_PICKS]
    px = xi[picked]
    free = picked[
        _one_at_a_time(
            r[picked], user_rank[pi[picked]], x["at"].to_numpy()[px], x["end"].to_numpy()[px]
        )
    ]
    chosen = free[rank_in_run(r[free]) < n[xi[free]]]
    rank = rank_in_run(r[chosen])
    out = x.select(pl.col("sid", "key", "communityId", "close", "created").gather(xi[chosen]))
    return out.hstack(
        people.select(pl.col("userId", "since", "seen").gather(pi[chosen])).with_columns(
            pl.Series("pkey", pk[chosen]), pl.Series("rank", rank), pl.Series("can", can[chosen])
        )
    )


def _candidates(x: pl.DataFrame, people: pl.DataFrame) -> tuple[I64, I64]:
    """The (session, person) pairs ``_pick_people`` draws from, as row numbers of ``x`` and
    of ``people``, in no particular order (the draw orders them): the session's community's
    people who were members before it closed and came then (seen after it closed or still
    coming since its creation; or seen at ``x``'s "needSeen" or later, still coming where
    that is null, when ``x`` has it).

    Paired by row number, not joined: each session takes the run of its community's people
    (their rows sorted by community), and the conditions read the pairs' gathered columns.
    """
    cols = ["communityId", "close", "created"]
    if (
        x.select(cols).null_count().sum_horizontal().item()
        or people.select("communityId", "since", "seen", "coming")
        .null_count()
        .sum_horizontal()
        .item()
    ):
        return _joined_candidates(x, people)  # NULLs as polars reads them: the plain join
    ids = people["communityId"].unique()
    of = rows_in(people["communityId"], ids)
    by_community = np.argsort(of, kind="stable")
    count = np.bincount(of, minlength=len(ids))
    first = np.cumsum(count) - count
    mine = rows_in(x["communityId"], ids)
    rows = np.flatnonzero(mine >= 0)
    k = count[mine[rows]]
    xi = np.repeat(rows, k)
    nth = np.arange(len(xi)) - np.repeat(np.cumsum(k) - k, k)  # the pair's place in its run
    pi = by_community[np.repeat(first[mine[rows]], k) + nth]
    since, seen = people["since"].to_numpy()[pi], people["seen"].to_numpy()[pi]
    close, created = x["close"].to_numpy()[xi], x["created"].to_numpy()[xi]
    coming = people["coming"].to_numpy()[pi] & (seen > created)
    if "needSeen" in x.columns:
        need = x["needSeen"]
        no_need = need.is_null().to_numpy()[xi]
        came = np.where(no_need, coming, seen >= need.fill_null(0).to_numpy()[xi])
    else:
        came = (seen > close) | coming
    ok = (since <= close) & came
    return xi[ok], pi[ok]


def _joined_candidates(x: pl.DataFrame, people: pl.DataFrame) -> tuple[I64, I64]:
    """``_candidates`` as a join of ``x`` and ``people`` on the community (NULLs allowed)."""
    seen = pl.col("seen")
    coming = pl.col("coming") & (seen > pl.col("created"))
    if "needSeen" in x.columns:
        came = (
            pl.when(pl.col("needSeen").is_null()).then(coming).otherwise(seen >= pl.col("needSeen"))
        )
    else:
        came = (seen > pl.col("close")) | coming
    c = (
        x.select(
            "communityId",
            "close",
            "created",
            *(["needSeen"] if "needSeen" in x.columns else []),
            pl.int_range(pl.len(), dtype=pl.Int64).alias("_x"),
        )
        .join(
            people.select(
                "communityId",
                "since",
                "seen",
                "coming",
                pl.int_range(pl.len(), dtype=pl.Int64).alias("_p"),
            ),
            on="communityId",
        )
        .filter((pl.col("since") <= pl.col("close")) & came)
    )
    return c["_x"].to_numpy(), c["_p"].to_numpy()


def _busy_then(person: I64, at: I64, end: I64, code: I64, s: I64, e: I64) -> npt.NDArray[np.bool_]:
    """Whether each ``person`` (a code, from 0) has a busy interval [``s``, ``e``) of its
    own (``code``; -1 for nobody's) that overlaps [``at``, ``end``): s < end and at < e.

    A person's intervals sorted by start, with the running latest end: those starting
    before ``end`` are a prefix of them (found by one search on a packed (person, start)
    key), and one of them overlaps when the prefix's latest end is after ``at``. Neither a
    join of the (session, person) pairs with the meetings nor strings per pair.
    """
    out = np.zeros(len(person), dtype=bool)
    mine = code >= 0
    if not mine.any() or len(person) == 0:
        return out
    code, s, e = code[mine], s[mine], e[mine]
    s0, e0 = int(s.min()), int(e.min())
    width = int(s.max()) - s0 + 2  # a start, or one past the latest, in [0, width)
    e_width = int(e.max()) - e0 + 1
    n = max(int(code.max()), int(person.max())) + 1
    if n * max(width, e_width) >= 2**63:
        raise ValueError("_busy_then: the packed (person, time) keys need more than 63 bits")
    key = code * width + (s - s0)
    order = np.argsort(key)  # ties: the same start, either first
    code, key, e = code[order], key[order], e[order]
    # The latest end so far, per person: each person's ends packed above the earlier ones'.
    latest = np.maximum.accumulate(code * e_width + (e - e0)) - code * e_width + e0
    first = np.searchsorted(key, np.arange(n) * width)[person]
    upto = search_sorted(key, person * width + (np.clip(end, s0, s0 + width - 1) - s0))
    some = upto > first
    out[some] = latest[upto[some] - 1] > at[some]
    return out


def _one_at_a_time(session: I64, person: I64, at: I64, end: I64) -> npt.NDArray[np.bool_]:
    """Which picks to keep so that nobody is in two sessions at once: a pick is dropped when
    its person has a pick of an overlapping session that comes first (by ``session`` rank).

    Picked independently per session, a person could be registered (or invited) in two
    communities at one time. Dropping against every earlier overlapping pick, kept or not,
    may drop a pick that a chain of overlaps made free again; never one that clashes.
    """
    keep = np.ones(len(session), dtype=bool)
    # A person's picks by start: those that start after one pick and before it ends are the
    # next ones, so each pick is paired with the d-th next while any such is left (a few
    # rounds: a person's picks overlap a handful at most), never with all of its person's.
    if len(session) == 0:
        return keep
    a0 = int(at.min())
    width = int(at.max()) - a0 + 1
    if (int(person.max()) + 1) * width >= 2**63:
        raise ValueError("_one_at_a_time: the packed (person, start) keys need more than 63 bits")
    # Ties (one person's picks with one start) in either order: each pair is met once.
    order = np.argsort(person.astype(np.int64) * width + (at - a0))
    p, a, e, r = person[order], at[order], end[order], session[order]
    i = np.arange(len(order))
    d = 1
    while True:
        i = i[i + d < len(order)]
        j = i + d
        near = (p[j] == p[i]) & (a[j] < e[i])
        i, j = i[near], j[near]
        if not len(i):
            return keep
        clash = a[i] < e[j]  # (and a[j] < e[i]: they overlap)
        keep[order[i[clash & (r[j] < r[i])]]] = False
        keep[order[j[clash & (r[i] < r[j])]]] = False
        d += 1


def _invitations(
    ctx: Context, frames: Frames, x: pl.DataFrame, therapists: pl.DataFrame | None = None
) -> pl.DataFrame:
    """The therapists invited to each session of ``x``, among ``therapists`` (``_comers`` of
    the APPROVED therapist members, unless given), and their answers."""
    hi = pl.Series(np.where(x["web"].to_numpy(), 3, 4))
    # Invitees answer by the time they were last seen: those of a session held came until it
    # ended (the ones who accept hold it), of one cancelled until then, of an upcoming one or
    # one under way still come (and came after its creation: a null "needSeen").
    need = x.select(
        pl.when(pl.col("status") == "COMPLETED")
        .then(pl.col("end"))
        .when((pl.col("close") < ctx.anchor_ms) & (pl.col("status") != "IN_PROGRESS"))
        .then(pl.col("close"))
        .alias("needSeen")
    )
    if therapists is None:
        therapists = _therapist_comers(ctx, frames)
    # Therapists are licensed per state: an in-person session's invitees live in the state
    # of its venue (``social_text.group_venue``).
    inv = _pick_people(
        ctx,
        x.hstack(need),
        therapists,
        "invite",
        1,
        hi,
        _busy(frames, "therapist"),
        state=home_province(ctx, therapists["userId"]),
        windows=hours(frames),
    )
    inv = inv.join(x.select("sid", "status", "at", "createdById"), on="sid")
    s = ctx.stream("GroupSessionTherapistInvitations", "status")
    pk = inv["pkey"].to_numpy()
    lo = np.maximum(inv["created"].to_numpy(), inv["since"].to_numpy())
    close = np.maximum(np.minimum(inv["close"].to_numpy(), inv["seen"].to_numpy()), lo)
    # Sent by the session's creator and answered by the invitee (a therapist, in its working
    # day), each in its waking hours.
    home_by, home_to = home_offset_of(ctx, inv["createdById"]), home_offset_of(ctx, inv["userId"])
    invited = waking_at(lo, lo + (close - lo) // 2, s.uniform(pk, 0), home_by)
    st = inv["status"].to_numpy()
    rank = inv["rank"].to_numpy()
    u = s.uniform(pk, 1)
    upcoming_pending = st == "PENDING_APPROVAL"
    # Only a therapist whose hours hold the session (``in_hours``: "can", drawn first)
    # accepts it; one asked outside them declines.
    can = inv["can"].to_numpy()
    status = np.where(
        upcoming_pending,
        np.select([u < 0.55, (u < 0.9) & can], ["PENDING", "ACCEPTED"], "DECLINED"),
        # The first invitee of a held or approved session accepted; others mostly did.
        np.where(can & ((rank == 0) & (st != "CANCELLED") | (u < 0.7)), "ACCEPTED", "DECLINED"),
    )
    responded = waking_at(invited, close, s.uniform(pk, 2), home_to, WORKDAY)
    answered = status != "PENDING"
    message = np.asarray(t.INVITATION_MESSAGES, dtype=object)[
        s.choice(pk, len(t.INVITATION_MESSAGES), index=3)
    ]
    return inv.select(
        ctx.ids("GroupSessionTherapistInvitations", pk).alias("id"),
        pl.col("sid").alias("sessionId"),
        pl.col("userId").alias("therapistId"),
        pl.Series("status", status),
        timestamps(invited, "invitedAt"),
        timestamps(np.where(answered, responded, -1), "respondedAt"),
        pl.Series("message", message.tolist(), dtype=pl.String),
        timestamps(invited, "createdAt"),
        timestamps(np.where(answered, responded, invited), "updatedAt"),
    ).with_columns(
        pl.when(pl.col("status") == "PENDING")
        .then(None)
        .otherwise(pl.col("respondedAt"))
        .alias("respondedAt")
    )


def _registrations(
    ctx: Context, frames: Frames, x: pl.DataFrame, members: pl.DataFrame
) -> pl.DataFrame:
    """Who of the client ``members`` registers for each session of ``x`` open for
    registration (``_pick_people``)."""
    # Registration opens when a session is approved: none for one PENDING_APPROVAL.
    x = x.filter(pl.col("status") != "PENDING_APPROVAL")
    web = x["web"].to_numpy()
    hi = pl.Series(np.minimum(np.where(web, 21, 9), x["maxParticipants"].to_numpy() + 1))
    lo = MIN_PARTICIPANTS
    busy = _busy(frames, "client")
    # An in-person session takes its registrations from those who live in its venue's state.
    state = home_province(ctx, members["userId"])
    return _pick_people(ctx, x, members, "register", lo, hi, busy, state=state)


def _low_enrolment(ctx: Context, x: pl.DataFrame, regs: pl.DataFrame) -> pl.DataFrame:
    """``x`` with each group-therapy session that too few registered for (fewer than
    MIN_PARTICIPANTS, when the community's clients were not free or not members yet) not
    taking place: a past one was CANCELLED for it before its start, an upcoming one is
    still PENDING_APPROVAL. Webinars take place with whoever comes.

    Every registration counts, so a session cancelled for too few has fewer registrations
    than any that takes place; in one that takes place, clients cancel only while
    MIN_PARTICIPANTS stay (``_participants``)."""
    of = rows_in(regs["sid"], x["sid"])  # each registration's session, as a row of x
    n = np.bincount(of[of >= 0], minlength=x.height)
    low = pl.lit(pl.Series(n < MIN_PARTICIPANTS)) & ~pl.col("web")
    held = low & (pl.col("status") == "COMPLETED")
    opened = low & (pl.col("status") == "APPROVED")
    return x.with_columns(
        low.alias("_low"), *_called_off(held, opened, pl.lit(LOW_ENROLMENT), ctx.anchor_ms)
    )


def _called_off(off: pl.Expr, wait: pl.Expr, reason: pl.Expr, anchor: int) -> list[pl.Expr]:
    """The columns of sessions called off (``off``: CANCELLED at ``cancel_if``, for
    ``reason``; registration closes then, by the anchor) or held back for approval (``wait``:
    PENDING_APPROVAL, unchanged since created); other sessions keep theirs."""
    return [
        pl.when(off)
        .then(pl.lit("CANCELLED"))
        .when(wait)
        .then(pl.lit("PENDING_APPROVAL"))
        .otherwise(pl.col("status"))
        .alias("status"),
        pl.when(off).then(pl.col("cancel_if")).otherwise(pl.col("cancel_at")).alias("cancel_at"),
        pl.when(off).then(reason).otherwise(pl.col("reason")).alias("reason"),
        pl.when(off)
        .then(pl.col("cancel_if"))
        .when(wait)
        .then(pl.col("created"))
        .otherwise(pl.col("updated"))
        .alias("updated"),
        pl.when(off)
        .then(pl.min_horizontal("cancel_if", pl.lit(anchor)))
        .otherwise(pl.col("close"))
        .alias("close"),
    ]


def _participants(
    ctx: Context, x: pl.DataFrame, regs: pl.DataFrame, have: tuple[int, int] = (0, 0)
) -> pl.DataFrame:
    """The participants of the sessions of ``x`` from their ``regs``: those made while
    registration was open (a session cancelled closed it), with attendance by status;
    ``have``: how many NO_SHOW and CANCELLED participants the build holds already."""
    p = regs.drop("close").join(
        x.filter(pl.col("status") != "PENDING_APPROVAL").select(
            "sid",
            "status",
            "at",
            "end",
            "cancel_at",
            "close",
            "web",
            pl.int_range(pl.len(), dtype=pl.Int64).alias("_x"),  # the session as a number
        ),
        on="sid",
    )
    p = p.filter(pl.col("since") <= pl.col("close"))
    session = p["_x"].to_numpy()
    s = ctx.stream("GroupSessionParticipants", "attend")
    pk = p["pkey"].to_numpy()
    u = s.uniform(pk, 1)
    # A client whose draw is CANCEL_FROM or more cancels, but in a group-therapy session that
    # takes place only as long as MIN_PARTICIPANTS stay (those with the highest draws
    # cancel): the others' draws are mapped into [0, CANCEL_FROM), uniform there too. One
    # held with fewer than MIN_PARTICIPANTS registered cannot keep them whoever stays, so its
    # spare is its size, as for one not held: no rank reaches it and its cancellations stand.
    size = np.bincount(session, minlength=x.height)[session].astype(np.int64)
    held = p.select(
        pl.col("status").is_in(["COMPLETED", "APPROVED", "IN_PROGRESS"]) & ~pl.col("web")
    ).to_series()
    spare = np.where(held.to_numpy() & (size >= MIN_PARTICIPANTS), size - MIN_PARTICIPANTS, size)
    # Each one's place in its session by draw, highest first (ties by row: an ordinal rank).
    by_draw = np.lexsort((np.arange(len(u)), -u, session))
    quit_rank = np.empty(len(u), dtype=np.uint32)
    quit_rank[by_draw] = rank_in_run(session[by_draw])
    kept = (u >= CANCEL_FROM) & (quit_rank >= spare)
    u = np.where(kept, (u - CANCEL_FROM) / (1 - CANCEL_FROM) * CANCEL_FROM, u)
    lo = np.maximum(p["created"].to_numpy(), p["since"].to_numpy())
    close = np.minimum(p["close"].to_numpy(), p["seen"].to_numpy())
    # Registered by the client, in its waking hours (``clock``).
    joined = waking_at(lo, close, s.uniform(pk, 0), home_offset_of(ctx, p["userId"]))
    st = p["status"].to_numpy()
    # Codes into ATTENDANCE, gathered as text by polars (no numpy strings per row).
    attended, no_show, cancelled, registered = range(len(ATTENDANCE))
    attendance = np.select(
        [st == "COMPLETED", st == "CANCELLED"],
        [np.select([u < 0.78, u < CANCEL_FROM], [attended, no_show], cancelled), cancelled],
        np.where(u < CANCEL_FROM, registered, cancelled),
    )
    end = p["end"].to_numpy()
    at = p["at"].to_numpy()
    left = end - np.floor(s.uniform(pk, 2) * 10 * MS_PER_MINUTE).astype(np.int64)
    # Attending is the client's act: one last seen before leaving did not come.
    attendance = np.where(
        (attendance == attended) & (p["seen"].to_numpy() < left), no_show, attendance
    )
    # MIN_NO_SHOW and MIN_SELF_CANCELLED, where the draws left fewer (``have``: the
    # existing rows'): the top of a keyed ranking of who could have. A no-show, of those
    # who attended a held session; a cancellation, of those registered for an upcoming
    # one that keeps MIN_PARTICIPANTS who did not cancel (a webinar, any number).
    order = s.bits(pk, 8)
    short = MIN_NO_SHOW - have[0] - int((attendance == no_show).sum())
    could = np.flatnonzero(attendance == attended)
    if short > 0 and could.size:
        attendance[could[np.lexsort((pk[could], order[could]))][:short]] = no_show
    # A place a client cancelled itself: not one of a session called off (all of whose
    # participants are CANCELLED).
    short = (
        MIN_SELF_CANCELLED - have[1] - int(((attendance == cancelled) & (st != "CANCELLED")).sum())
    )
    # Signed counts: one already below MIN_PARTICIPANTS has no room (none to spare).
    on = np.bincount(session, weights=attendance != cancelled, minlength=x.height)[session]
    room = np.where(p["web"].to_numpy(), 1, on.astype(np.int64) - MIN_PARTICIPANTS)
    could = np.flatnonzero((attendance == registered) & (room > 0))
    if short > 0 and could.size:
        ranked = could[np.lexsort((pk[could], order[could]))]
        # One per session at most, so each keeps its MIN_PARTICIPANTS.
        first = np.unique(p["sid"].to_numpy()[ranked], return_index=True)[1]
        attendance[ranked[np.sort(first)][:short]] = cancelled
    # Self-cancellations happen between registering and the start (or now).
    self_cancel = joined + np.floor(
        s.uniform(pk, 3) * (np.minimum(at, ctx.anchor_ms) - joined)
    ).astype(np.int64)
    updated = np.select(
        [
            attendance == attended,
            attendance == no_show,
            st == "CANCELLED",
            attendance == cancelled,
        ],
        [left, end, np.maximum(p["cancel_at"].to_numpy(), joined), self_cancel],
        joined,
    )
    return p.select(
        ctx.ids("GroupSessionParticipants", pk).alias("id"),
        pl.col("sid").alias("sessionId"),
        "userId",
        timestamps(joined, "joinedAt"),
        pl.Series("attendanceStatus", ATTENDANCE, dtype=pl.String).gather(attendance),
        timestamps(np.where(attendance == attended, left, -1), "leftAt"),
        timestamps(joined, "createdAt"),
        timestamps(updated, "updatedAt"),
    ).with_columns(
        pl.when(pl.col("attendanceStatus") == "ATTENDED")
        .then(pl.col("leftAt"))
        .otherwise(None)
        .alias("leftAt")
    )


def _hosted(x: pl.DataFrame, invitations: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The sessions kept, and their invitations: per community and format, the first
    ``need`` candidate slots (by ``pref``) that can take place, those too few registered
    for (``_low``) only where the others do not make ``need``.

    An approved or held session has a therapist who accepted; a slot whose therapists were
    all in 1:1 meetings at its time (none invited) cannot be one, and the next slot is taken.
    Invitations and registrations are keyed per session, so the kept ones do not change.
    """
    hosted = invitations.filter(pl.col("status") == "ACCEPTED")["sessionId"].unique()
    ok = ~pl.col("status").is_in(["APPROVED", "COMPLETED"]) | pl.col("sid").is_in(hosted.implode())
    kept = (
        x.filter(ok)
        .sort("communityId", "web", "_low", "pref")
        .filter(pl.int_range(pl.len()).over("communityId", "web") < pl.col("need"))
        .sort("communityId", "web", "k")
    )
    invitations = invitations.filter(pl.col("sessionId").is_in(kept["sid"].implode()))
    return kept, invitations


def _kept(
    ctx: Context, frames: Frames, x: pl.DataFrame, members: pl.DataFrame, therapists: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The sessions of the candidates ``x`` that are kept, their invitations (of
    ``therapists``), and the registrations (of ``members``) of every candidate."""
    regs = _registrations(ctx, frames, x, members)
    x = _low_enrolment(ctx, x, regs)
    if "_forced" in x.columns:  # kept as before: it was called off, whoever registered
        x = x.with_columns(pl.col("_low") & ~pl.col("_forced")).drop("_forced")
    x, invitations = _hosted(x, _invitations(ctx, frames, x, therapists))
    return x, invitations, regs


def _count(frame: pl.DataFrame, column: str, value: str) -> int:
    """How many rows of ``frame`` have ``value`` in ``column`` (an enum or text)."""
    return int((frame[column].cast(pl.String) == value).sum())


def _least_states(
    ctx: Context, frames: Frames, x: pl.DataFrame, kept: pl.DataFrame, invitations: pl.DataFrame
) -> pl.DataFrame | None:
    """The candidates ``x`` with MIN_CANCELLED sessions CANCELLED and MIN_PENDING_APPROVAL
    still PENDING_APPROVAL, where the draws left fewer (among the existing sessions and the
    ``kept`` ones; of those, one with ``invitations``); None where they need none. Those are
    the top of a keyed ranking of the kept sessions that could have been, webinars first:
    called off (a held or approved one whose cancellation draw, ``cancel_if``, fell by the
    anchor: its takes-place draw forced), or still awaiting approval (an approved upcoming
    webinar). They stay kept so (``_hosted``; one called off is kept whoever registered
    before), and no other candidate changes."""
    old = frames["GroupTherapySessions"]
    n_cancel = (
        MIN_CANCELLED - _count(old, "status", "CANCELLED") - _count(kept, "status", "CANCELLED")
    )
    # One awaiting approval with no co-host invited (none was free) shows no invitation
    # unanswered (``_least_pending``): it does not count.
    invited = kept.filter(pl.col("sid").is_in(invitations["sessionId"].implode()))
    n_pending = (
        MIN_PENDING_APPROVAL
        - _count(old, "status", "PENDING_APPROVAL")
        - _count(invited, "status", "PENDING_APPROVAL")
    )
    if n_cancel <= 0 and n_pending <= 0:
        return None
    a = ctx.anchor_ms
    on = kept.filter(pl.col("status").is_in(["APPROVED", "COMPLETED"]))
    on = on.with_columns(
        pl.Series("_b", ctx.stream("GroupTherapySessions", "least").bits(on["key"].to_numpy()))
    ).sort(~pl.col("web"), "_b", "sid")
    off = on.filter(pl.col("cancel_if") <= a).head(max(n_cancel, 0))["sid"]
    wait = on.filter(
        pl.col("web") & (pl.col("status") == "APPROVED") & ~pl.col("sid").is_in(off.implode())
    ).head(max(n_pending, 0))["sid"]
    if off.is_empty() and wait.is_empty():
        return None
    s = ctx.stream("GroupTherapySessions", "session")
    reason = _other_reason(x["sessionType"], s.uniform(x["key"].to_numpy(), 9))
    is_off = pl.col("sid").is_in(off.implode())
    is_wait = pl.col("sid").is_in(wait.implode())
    return x.with_columns(*_called_off(is_off, is_wait, pl.lit(reason), a), is_off.alias("_forced"))


def _least_in_person(
    ctx: Context,
    frames: Frames,
    slots: pl.DataFrame,
    x: pl.DataFrame,
    members: pl.DataFrame,
    therapists: pl.DataFrame,
) -> list[pl.DataFrame]:
    """Ways to hold MIN_IN_PERSON group-therapy sessions in person where the draws left
    fewer among the existing sessions and the candidates ``x`` a community would keep first
    (``pref`` below its ``need``): ``slots`` with an "ip" column marking the sessions to meet
    in person, in the order to try them (none where they need none or none could). Could: a
    first choice of a community whose theme has an in-person template, to take place (held
    or approved: one still awaiting approval gives way to those open for registration,
    ``_hosted``), on a day a state can host it (``_venue_states``); the keyed ranking of
    those, taken the short number at a time, at most IN_PERSON_TRIES times. The marked slot
    takes an in-person template of its theme (``_sessions``); nothing else changes."""
    old = frames["GroupTherapySessions"]
    first = x.filter(~pl.col("web") & (pl.col("pref") < pl.col("need")))
    short = MIN_IN_PERSON - _count(old, "sessionType", "IN_PERSON")
    short -= _count(first, "sessionType", "IN_PERSON")
    if short <= 0 or first.is_empty():
        return []
    themes = {th for th, rows in t.GROUP_SESSIONS.items() if any(r[3] == "IN_PERSON" for r in rows)}
    could = first.filter(
        pl.col("theme").is_in(sorted(themes)) & pl.col("status").is_in(["APPROVED", "COMPLETED"])
    )
    if could.is_empty():
        return []
    could = could.filter(
        pl.Series(
            _venue_states(ctx, could.select("communityId", "day", "key"), members, therapists) >= 0
        )
    )
    bits = ctx.stream("GroupTherapySessions", "least-in-person").bits(could["key"].to_numpy())
    ranked = could.with_columns(pl.Series("_b", bits)).sort("_b", "sid")
    return [
        slots.join(
            ranked.slice(i, short).select("communityId", "k", "web", pl.lit(True).alias("ip")),
            on=["communityId", "k", "web"],
            how="left",
            maintain_order="left",
        )
        for i in range(0, min(ranked.height, short * IN_PERSON_TRIES), short)
    ]


def _least_pending(
    ctx: Context, frames: Frames, x: pl.DataFrame, invitations: pl.DataFrame
) -> pl.DataFrame:
    """``invitations`` with MIN_PENDING_INVITATIONS PENDING, where the draws left fewer: the
    top of a keyed ranking of the answered invitations to a kept session still
    PENDING_APPROVAL (the only ones an invitee may not have answered yet)."""
    have = _count(frames["GroupSessionTherapistInvitations"], "status", "PENDING")
    short = MIN_PENDING_INVITATIONS - have - _count(invitations, "status", "PENDING")
    waiting = x.filter(pl.col("status") == "PENDING_APPROVAL")["sid"]
    could = invitations.filter(
        pl.col("sessionId").is_in(waiting.implode()) & (pl.col("status") != "PENDING")
    )
    if short <= 0 or could.is_empty():
        return invitations
    bits = ctx.stream("GroupSessionTherapistInvitations", "least").bits(text_keys(could["id"]))
    top = could.with_columns(pl.Series("_b", bits)).sort("_b", "id").head(short)["id"]
    pick = pl.col("id").is_in(top.implode())
    return invitations.with_columns(
        pl.when(pick).then(pl.lit("PENDING")).otherwise(pl.col("status")).alias("status"),
        pl.when(pick).then(None).otherwise(pl.col("respondedAt")).alias("respondedAt"),
        pl.when(pick).then(pl.col("invitedAt")).otherwise(pl.col("updatedAt")).alias("updatedAt"),
    )


def _least_rescheduled(
    ctx: Context, frames: Frames, x: pl.DataFrame, regs: pl.DataFrame
) -> pl.DataFrame:
    """``x`` with MIN_RESCHEDULED sessions called off as RESCHEDULED that someone had
    registered for (their APPOINTMENT_RESCHEDULED notices), where the draws left fewer: the
    top of a keyed ranking of those called off for another drawn reason (not LOW_ENROLMENT,
    which follows from the registrations)."""
    old = frames["GroupTherapySessions"]
    have = old.filter(
        (pl.col("status") == "CANCELLED") & (pl.col("cancellationReason") == RESCHEDULED)
    ).height
    registered = pl.col("sid").is_in(regs["sid"].implode())
    off = x.filter((pl.col("status") == "CANCELLED") & registered)  # (one look-up of regs)
    short = MIN_RESCHEDULED - have - off.filter(pl.col("reason") == RESCHEDULED).height
    could = off.filter(~pl.col("reason").is_in([RESCHEDULED, LOW_ENROLMENT]))
    if short <= 0 or could.is_empty():
        return x
    draw = ctx.stream("GroupTherapySessions", "least-rescheduled").bits(could["key"].to_numpy())
    pick = could["sid"].gather(np.lexsort((could["sid"].to_numpy(), draw))[:short])
    moved = pl.col("sid").is_in(pick.implode())
    return x.with_columns(
        pl.when(moved).then(pl.lit(RESCHEDULED)).otherwise(pl.col("reason")).alias("reason")
    )


def _live_start(ctx: Context) -> tuple[int, int] | None:
    """The start of a session under way at the anchor, as epoch ms and as local minutes of
    the anchor's day: the anchor's local time in SESSION_TZ on the half hour at or before
    it, where that is within LIVE_FROM..LIVE_UNTIL and the day is no US federal holiday;
    None where none can be under way then."""
    a = pl.Series([ctx.anchor_ms]).cast(pl.Datetime("ms")).dt.replace_time_zone("UTC")
    at = a.dt.convert_time_zone(SESSION_TZ)
    minute = int(at.dt.hour()[0]) * 60 + int(at.dt.minute()[0])
    minute -= minute % 30
    day = _anchor_day(ctx)
    year = 1970 + int(day.astype("datetime64[Y]").astype(np.int64))
    if not LIVE_FROM <= minute <= LIVE_UNTIL or day in us_holidays(range(year, year + 1)):
        return None
    local = int(day.astype(np.int64)) * MS_PER_DAY + minute * MS_PER_MINUTE
    start = (
        pl.Series([local])
        .cast(pl.Datetime("ms"))
        .dt.replace_time_zone(SESSION_TZ, ambiguous="earliest")
        .dt.epoch("ms")
    )
    return int(start[0]), minute


def _offset_at(t_ms: npt.ArrayLike, zones: pl.Series) -> I64:
    """The UTC offset (ms) of each zone of ``zones`` at ``t_ms`` (broadcast), daylight saving
    included: a session's start is New York's wall time, so the hours around it are read on
    the wall clocks of the day too (``users.home_offset_of`` is standard time, for the waking
    clock's curve, where an hour's shift is within its breadth; a bound of hours is not)."""
    t = np.broadcast_to(np.asarray(t_ms, dtype=np.int64), (len(zones),))
    out: I64 = utc_to_local(t, zones) - t
    return out


def _host_up(t0: I64, t1: I64, zones: pl.Series) -> npt.NDArray[np.bool_]:
    """Whether a therapist in the zone ``zones`` (IANA) works from ``t0`` to ``t1`` (ms): its
    local day's HOST_HOURS hold both (a weekend morning's from 07:00, as its 1:1 hours), on
    its wall clock then (``_offset_at``)."""
    h0 = ((t0 + _offset_at(t0, zones)) % MS_PER_DAY) / MS_PER_HOUR
    h1 = ((t1 + _offset_at(t1, zones)) % MS_PER_DAY) / MS_PER_HOUR
    out: npt.NDArray[np.bool_] = (h0 >= HOST_HOURS[0]) & (h1 <= HOST_HOURS[1]) & (h1 > h0)
    return out


def _under_way(
    ctx: Context,
    frames: Frames,
    comm: pl.DataFrame,
    members: pl.DataFrame,
    therapists: pl.DataFrame,
    kept: pl.DataFrame,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame] | None:
    """MIN_IN_PROGRESS less those there are of sessions under way at the anchor (IN_PROGRESS),
    with their invitations and registrations; None where the build needs none or none can
    be. A community's session of its own (child LIVE_CHILD, LIVE_CHILD + 1 for a webinar),
    drawn as the others (``_sessions``: template, creator, lead) but started at
    ``_live_start``: the top of a keyed ranking of those that could, group therapy before
    webinars. Could: an accepted invitee, a therapist member whose working day holds it
    (``_host_up``), and MIN_PARTICIPANTS registrations (a webinar, one) of client members
    still coming who are up at home from its start to its end (``therapy.client_up``, on
    their wall clock: ``_offset_at``), none of them in a 1:1 meeting then. Each candidate
    is judged by its own end, so who could join one does not hang on another community's
    template. Registration closed at its start; the registered are REGISTERED (attendance
    is taken when it ends) or CANCELLED, as for an upcoming one. Keyed apart: no other
    session, invitation or registration changes."""
    a = ctx.anchor_ms
    old = frames["GroupTherapySessions"]
    on = (
        (old["status"].cast(pl.String) == "IN_PROGRESS")
        & (old["scheduledAt"].dt.epoch("ms") <= a)
        & (
            old["scheduledAt"].dt.epoch("ms")
            + old["duration"].cast(pl.Int64).fill_null(0) * MS_PER_MINUTE
            > a
        )
    )
    short = MIN_IN_PROGRESS - int(on.sum()) - _count(kept, "status", "IN_PROGRESS")
    live = _live_start(ctx)
    if short <= 0 or live is None or comm.is_empty():
        return None
    start, minute = live
    day = pl.Series(np.array([_anchor_day(ctx)], dtype="datetime64[D]")).cast(pl.Date)[0]
    slots = pl.concat(
        [
            comm.select(
                pl.col("id").alias("communityId"),
                pl.lit(0, pl.Int64).alias("k"),
                pl.lit(day).alias("day"),
                pl.lit(web).alias("web"),
                pl.lit(0, pl.Int64).alias("pref"),
                pl.lit(1, pl.Int64).alias("need"),
                pl.lit(LIVE_CHILD + int(web), pl.Int64).alias("child"),
                pl.lit(minute, pl.Int64).alias("minutes"),
            )
            for web in (False, True)
        ]
    )
    x = _sessions(ctx, frames, comm, slots, members, therapists)
    if x.is_empty():
        return None
    x = x.filter(pl.col("end") > a).with_columns(
        pl.lit("IN_PROGRESS").alias("status"),
        pl.lit(-1, pl.Int64).alias("cancel_at"),
        pl.col("at").alias("cancel_if"),
        pl.lit(None, pl.String).alias("reason"),
        pl.col("at").alias("updated"),  # it went live at its start
        pl.min_horizontal("at", pl.lit(a)).alias("close"),
    )
    # Who could join each candidate, by its own end: client members still coming who are up
    # at home at its start and its last minute, therapist members who work its whole span.
    up = members.filter(pl.col("coming"))
    up = up.filter(pl.Series(client_up(start, _offset_at(start, home_zone_of(ctx, up["userId"])))))
    own = frames["Therapist"].select("userId", "timezone")
    hosts = therapists.filter(pl.col("coming"))
    hosts = hosts.with_columns(zone_of(ctx, own, hosts["userId"]).alias("tz"))
    ends = x.select("sid", "communityId", "end")
    awake = up.join(ends, on="communityId", maintain_order="left_right")
    last = awake["end"].to_numpy() - 1
    awake = awake.filter(
        pl.Series(client_up(last, _offset_at(last, home_zone_of(ctx, awake["userId"]))))
    )
    free = hosts.join(ends, on="communityId", maintain_order="left_right")
    t0, t1 = np.full(free.height, start), free["end"].to_numpy()
    free = free.filter(
        pl.Series(_host_up(t0, t1, free["tz"]) & in_hours(free["userId"], t0, t1, hours(frames)))
    ).drop("tz")
    if awake.is_empty() or free.is_empty():
        return None

    # Those with enough such people, in the ranking's order, each drawn on its own (drawn
    # together, the candidates at one time would take each other's people:
    # ``_one_at_a_time``) until MIN_IN_PROGRESS less those there are are found, trying at
    # most LIVE_TRIES of them (the first mostly fits: its people are free but for 1:1
    # meetings then, and few are in one at a session's hour).
    need = pl.when(pl.col("web")).then(1).otherwise(MIN_PARTICIPANTS)
    n_awake = awake.group_by("sid").len("n_awake")
    n_hosts = free.group_by("sid").len("n_hosts")
    x = (
        x.join(n_awake, on="sid", how="left")
        .join(n_hosts, on="sid", how="left")
        .filter((pl.col("n_awake").fill_null(0) >= need) & (pl.col("n_hosts").fill_null(0) > 0))
        .drop("n_awake", "n_hosts")
    )
    bits = ctx.stream("GroupTherapySessions", "live").bits(x["key"].to_numpy())
    x = x.with_columns(pl.Series("_b", bits)).sort("web", "_b", "sid").drop("_b")
    found: list[tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]] = []
    for i in range(min(x.height, LIVE_TRIES)):
        one = x.slice(i, 1)
        sid = one["sid"].implode()
        regs = _registrations(
            ctx, frames, one, awake.filter(pl.col("sid").is_in(sid)).drop("sid", "end")
        )
        inv = _invitations(
            ctx, frames, one, free.filter(pl.col("sid").is_in(sid)).drop("sid", "end")
        )
        n = regs.height
        if n >= (1 if one["web"][0] else MIN_PARTICIPANTS) and (inv["status"] == "ACCEPTED").any():
            found.append((one, inv, regs))
            if len(found) >= short:
                break
    if not found:
        return None
    return (
        pl.concat([f[0] for f in found]),
        pl.concat([f[1] for f in found]),
        pl.concat([f[2] for f in found]),
    )


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    members = _client_members(ctx, frames)  # once: communities, slots and registrations
    therapists = _therapist_comers(ctx, frames)  # once too: communities, sessions, invitations
    comm = _communities(ctx, frames, members, therapists)
    if comm.is_empty():
        return {}
    slots = _slots(ctx, frames, comm, members)
    if slots.is_empty():
        return {}
    candidates = _sessions(ctx, frames, comm, slots, members, therapists)
    kept = None
    need = MIN_IN_PERSON - _count(frames["GroupTherapySessions"], "sessionType", "IN_PERSON")
    for in_person in _least_in_person(ctx, frames, slots, candidates, members, therapists):
        # Keyed per session: only the marked ones change; the first try that takes place
        # stays (none may: then no session changes).
        tried = _sessions(ctx, frames, comm, in_person, members, therapists)
        kept = _kept(ctx, frames, tried, members, therapists)
        if _count(kept[0], "sessionType", "IN_PERSON") >= need:
            candidates = tried
            break
        kept = None
    x, invitations, regs = kept or _kept(ctx, frames, candidates, members, therapists)
    forced = _least_states(ctx, frames, candidates, x, invitations)
    if forced is not None:  # invitations and registrations are keyed per session
        x, invitations, regs = _kept(ctx, frames, forced, members, therapists)
    live = _under_way(ctx, frames, comm, members, therapists, x)
    if live is not None:  # keyed apart: the other sessions are as they were
        x = pl.concat([x, live[0]], how="diagonal_relaxed")
        invitations = pl.concat([invitations, live[1]])
        regs = pl.concat([regs, live[2]], how="diagonal_relaxed")
    invitations = _least_pending(ctx, frames, x, invitations)
    x = _least_rescheduled(ctx, frames, x, regs)
    old = frames["GroupSessionParticipants"]
    # Cancelled by the participant: of a session not itself CANCELLED.
    held = old.join(
        frames["GroupTherapySessions"].select(pl.col("id").alias("sessionId"), "status"),
        on="sessionId",
        how="left",
    ).filter(pl.col("status").cast(pl.String).fill_null("") != "CANCELLED")
    have = (
        _count(old, "attendanceStatus", "NO_SHOW"),
        _count(held, "attendanceStatus", "CANCELLED"),
    )
    web = x["web"].to_numpy()
    session = x.select(
        pl.col("sid").alias("id"),
        "title",
        "description",
        "communityId",
        "createdById",
        "sessionType",
        pl.Series("sessionFormat", np.where(web, "webinar", "group-therapy")),
        pl.col("at").cast(pl.Datetime("ms")).alias("scheduledAt"),
        pl.col("duration").cast(pl.Int32),
        pl.col("maxParticipants").cast(pl.Int32),
        pl.when(pl.col("sessionType") == "VIRTUAL")
        .then(
            pl.format(
                "https://meet.mentara.dev/{}-{}",
                pl.when(pl.Series(web)).then(pl.lit("webinar")).otherwise(pl.lit("group")),
                "sid",
            )
        )
        .alias("virtualLink"),
        pl.when(pl.col("sessionType") == "IN_PERSON")
        .then(t.group_venue(ctx, x, invitations, 0))
        .alias("location"),
        pl.when(pl.col("sessionType") == "IN_PERSON")
        .then(t.group_venue(ctx, x, invitations, 1))
        .alias("locationAddress"),
        "status",
        pl.when(pl.col("status") == "CANCELLED")
        .then(pl.col("cancel_at").cast(pl.Datetime("ms")))
        .alias("cancelledAt"),
        pl.col("reason").alias("cancellationReason"),
        pl.when(pl.col("status") == "COMPLETED")
        .then(pl.col("end").cast(pl.Datetime("ms")))
        .alias("completedAt"),
        pl.col("created").cast(pl.Datetime("ms")).alias("createdAt"),
        pl.col("updated").cast(pl.Datetime("ms")).alias("updatedAt"),
    )
    return {
        "GroupTherapySessions": session,
        "GroupSessionTherapistInvitations": invitations,
        "GroupSessionParticipants": _participants(ctx, x, regs, have),
    }
