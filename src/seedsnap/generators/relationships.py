"""Relationships: client–therapist pairs, community memberships, moderator assignments.

Fixes over upstream (seeder.md §6.1, §11.13): only APPROVED therapists are paired, a pair is
assigned after both users exist (and after the client's pre-assessment), each client's therapist
is a keyed draw (except that the first active clients in a keyed order cover every therapist
once), and members join after both the user and the community exist. Clients join here;
staff join later (the memberships and moderator_assignments enrichers), a few communities
each, those that fit them (``therapist_fit``, ``place``), and stay a minority.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from seedsnap.config import PAST_PAIR_DAYS, STAFF_AIM, STAFF_MOST, Config
from seedsnap.context import MS_PER_DAY, MS_PER_HOUR, Context, Frames, timestamps
from seedsnap.generators import vocab as v
from seedsnap.generators.clock import waking_between, waking_soon_after
from seedsnap.generators.common import between, ms, ms_of, natural_ids, rank_in_run, text_keys
from seedsnap.generators.communities import community_areas, community_keys
from seedsnap.generators.therapy import (
    INTAKE_PROCESSED_WITHIN,
    approved_therapists,
    assessment_rows,
    intake_ms,
)
from seedsnap.generators.users import (
    CONCERN_AREAS,
    full_years,
    home_offset_of,
    last_seen,
    seen_of,
    still_coming,
    verified,
)
from seedsnap.random import F64, I64, U64, Stream, child_keys

READS = ("User", "Client", "Therapist", "Moderator", "Community")
WRITES = ("ClientTherapist", "Membership", "ModeratorCommunity")


def user_keys(users: pl.DataFrame) -> np.ndarray:
    """Stable keys of users by id (fixture ids and uuids alike)."""
    return text_keys(users["id"])


# A pair is assigned at least this long before the anchor where both sides allow it: the
# weeks of past sessions a therapist's minimums ask for need a pair that old (meetings).
SETTLED_DAYS = 21
# Weeks to spare in a quiet client's active pair (``quiet_active_ms``).
QUIET_ACTIVE_WEEKS = 2


# A client's request of a therapist (the therapist's CLIENT_REQUEST_RECEIVED notice) is
# reviewed before the therapist accepts it and the pair begins (ClientTherapist.assignedAt):
# REVIEW_MIN at least after the client could first ask (it saw its recommendations, the
# therapist was approved, its previous pair began), a keyed delay up to REVIEW_MAX where the
# pair's time allows (check: client_therapist.reviewed_before_accepted). Before, a pair could
# begin a minute after the therapist's approval or as the client's assessment was processed,
# so the request came seconds before it was accepted.
REVIEW_MIN = MS_PER_HOUR
REVIEW_MAX = 3 * MS_PER_DAY


def review_draws(ctx: Context, client_ids: pl.Series, therapist_ids: pl.Series) -> F64:
    """Keyed uniforms of each pair (by client and therapist: the same pair draws the same
    whichever step makes it) for ``reviewed``."""
    keys = child_keys(text_keys(client_ids), text_keys(therapist_ids))
    return ctx.stream("ClientTherapist", "review").uniform(keys)


def reviewed(u: F64, base: I64, latest: I64) -> I64:
    """The earliest each pair can begin: ``base`` (when its client could first ask) and a
    review of its request, log-uniform by ``u`` from REVIEW_MIN to REVIEW_MAX, or to
    ``latest`` (the latest the pair may begin) where that comes sooner, but REVIEW_MIN at
    least. (Cut short at ``latest`` instead, reviews that could not run their course all
    ended there: pairs that began at the anchor to the millisecond.)"""
    most = np.clip(np.asarray(latest - base, dtype=np.float64), REVIEW_MIN, REVIEW_MAX)
    span = np.log(most / REVIEW_MIN)
    delay = REVIEW_MIN * np.exp(np.asarray(u, dtype=np.float64) * span)
    out: I64 = base + delay.astype(np.int64)
    return out


def quiet_active_ms(config: Config) -> int:
    """How long before its last visit a client who went quiet began with its therapist to be
    that therapist's current (active) client: time for the weekly sessions the minimums ask
    of the pair (its own, and its therapist's where it has no other client), and
    QUIET_ACTIVE_WEEKS to spare. Its sessions all lie before its last visit."""
    weeks = max(
        config.minimum("client", "meetings_if_has_therapist"),
        config.minimum("therapist", "meetings"),
    )
    return (QUIET_ACTIVE_WEEKS + weeks) * 7 * MS_PER_DAY


def pair_starts(ctx: Context, clients: pl.DataFrame) -> I64:
    """When each client (clientId, createdMs) can first pick a therapist: once its intake
    assessment was processed and it saw its recommendations (the app's order), and no later
    than the anchor (a client who took it at the last minute picks at the anchor)."""
    intake = intake_ms(ctx, clients["clientId"], clients["createdMs"].to_numpy())
    return np.minimum(intake + INTAKE_PROCESSED_WITHIN, ctx.anchor_ms)


def intake_needs(ctx: Context, clients: pl.DataFrame) -> I64:
    """Per client (clientId, createdMs), which concerns of ``users.CONCERN_AREAS`` (bit i:
    the i-th) the primaryConcerns of its intake assessment hold. The recommendations a client
    picks its therapist from come of that assessment, which is keyed by the client alone
    (``therapy.assessment_rows``): the pairs, made before the assessments, read it here."""
    if clients.is_empty():
        return np.zeros(0, dtype=np.int64)
    rows = assessment_rows(
        ctx, clients.select("clientId", "createdMs"), np.zeros(clients.height, dtype=np.int64)
    )
    concerns = (
        rows["aiEstimate"]
        .str.json_decode(pl.Struct({"primaryConcerns": pl.List(pl.String)}))
        .struct.field("primaryConcerns")
    )
    return _mask([concerns.list.contains(c).fill_null(False).to_numpy() for c in CONCERN_AREAS])


def treated(areas: pl.Series) -> I64:
    """Per therapist (its areasOfExpertise), which concerns of ``users.CONCERN_AREAS`` (bit
    i: the i-th) it treats: it lists one of their areas."""
    return _mask(
        [
            areas.list.eval(pl.element().is_in(list(a))).list.any().fill_null(False).to_numpy()
            for a in CONCERN_AREAS.values()
        ]
    )


def treated_by(frames: Frames, ids: pl.Series) -> I64:
    """``treated`` of each therapist of ``ids`` (by user id; none for an id not in
    ``frames["Therapist"]``)."""
    areas = ids.to_frame("userId").join(
        frames["Therapist"].select("userId", "areasOfExpertise"),
        on="userId",
        how="left",
        maintain_order="left",
    )["areasOfExpertise"]
    return treated(areas)


def _mask(bits: list[npt.NDArray[np.bool_]]) -> I64:
    out: I64 = np.zeros(len(bits[0]), dtype=np.int64)
    for i, b in enumerate(bits):
        out |= b.astype(np.int64) << i
    return out


def fits(need: I64, cover: I64) -> npt.NDArray[np.bool_]:
    """Whether a therapist treating ``cover`` (``treated``) treats a client needing ``need``
    (``intake_needs``): one of its concerns, or any therapist for a client with none of
    them (stress, insomnia and general wellbeing are every therapist's)."""
    out: npt.NDArray[np.bool_] = (need == 0) | ((need & cover) != 0)
    return out


def _overlap(need: I64, cover: I64) -> I64:
    return np.asarray(np.bitwise_count(need & cover), dtype=np.int64)


def pairs(ctx: Context, frames: Frames) -> pl.DataFrame:
    """One therapist, drawn among the APPROVED ones, for a share of the clients who saw their
    recommendations; 90 % of the pairs are active, the rest ended (the client stopped).

    A client picks its therapist while it still comes (``users.last_seen``). One who no
    longer comes (``users.still_coming``) stopped its therapy: its pair ended (by its last
    visit: ``therapy.pair_ends``), after PAST_PAIR_DAYS at least, in which it had its
    sessions; a client gone sooner after it could pick has no therapist. Where too few
    clients still come for every therapist to have a current one (light and medium have
    about one per therapist), one who went quiet after weeks of therapy (``quiet_active_ms``)
    is a therapist's current client: a pair nobody ended, whose sessions lie before the
    client's last visit.
    """
    clients = frames["Client"].select("userId", "createdAt", "hasSeenTherapistRecommendations")
    # Only clients who finished signing up (verified their email) look for a therapist.
    clients = clients.filter(pl.col("userId").is_in(verified(frames["User"]).implode()))
    clients = clients.sort("userId")
    therapists = approved_therapists(frames)
    if clients.is_empty() or therapists.is_empty():
        return ctx.empty("ClientTherapist")
    s = ctx.stream("ClientTherapist", "pair")
    ck = user_keys(clients.rename({"userId": "id"}))
    chosen = s.bernoulli(ck, ctx.config.volumes["client_therapist_ratio"], index=0)
    chosen &= clients["hasSeenTherapistRecommendations"].to_numpy()
    ck = ck[chosen]
    c = clients.filter(pl.Series(chosen))
    seen = seen_of(ctx, frames["User"], c["userId"])
    still = still_coming(ctx, frames["User"], c["userId"])
    ready = pair_starts(
        ctx, c.select(pl.col("userId").alias("clientId"), ms_of("createdAt").alias("createdMs"))
    )
    weeks = quiet_active_ms(ctx.config)
    need = intake_needs(
        ctx, c.select(pl.col("userId").alias("clientId"), ms_of("createdAt").alias("createdMs"))
    )
    cover = treated_by(frames, therapists["therapistId"])
    # A client picks among the therapists that treat the most of its intake's concerns
    # (every one for a client with none of them), uniformly (keyed).
    t_idx = np.zeros(len(ck), dtype=np.int64)
    u = ctx.stream("ClientTherapist", "pair-fit").uniform(ck)
    for m in np.unique(need):
        ov = _overlap(np.full(len(cover), m), cover)
        best = np.flatnonzero(ov == ov.max())
        rows = need == m
        t_idx[rows] = best[np.floor(u[rows] * len(best)).astype(np.int64)]
    drawn = s.bernoulli(ck, 0.9, index=3)
    active = drawn & still
    # A client has one active therapist at a time, so every APPROVED therapist gets an active
    # client here where there are enough of them (the enricher only has the clients left
    # without one): the first active clients in a keyed order take the therapists in a keyed
    # order, one each, then (where those are too few) quiet clients with weeks of therapy;
    # the others draw theirs.
    quiet = drawn & ~still & (ready + weeks <= seen)
    first = np.concatenate(
        [
            np.flatnonzero(m)[np.argsort(s.bits(ck[m], index=4), kind="stable")]
            for m in (active, quiet)
        ]
    )
    by_key = np.argsort(s.bits(text_keys(therapists["therapistId"]), index=5), kind="stable")
    k = min(len(first), therapists.height)
    # The i-th of those clients takes the i-th of those therapists where it treats the
    # client's concerns: both ordered (stably) by what they need and treat, anxiety alone
    # first, both or neither next, depression alone last (1 - bit 0 + bit 1 with the two
    # concerns), so that the pairs fit wherever the numbers allow. A client whose does not
    # keeps its draw; its therapist gets an active client from the enricher.
    one, other = first[:k], by_key[:k]
    one = one[np.argsort(1 - (need[one] & 1) + (need[one] >> 1 & 1), kind="stable")]
    other = other[np.argsort(1 - (cover[other] & 1) + (cover[other] >> 1 & 1), kind="stable")]
    ok = fits(need[one], cover[other])
    t_idx[one[ok]] = other[ok]
    t = therapists[t_idx]
    asked = np.maximum(ready, t["approvedMs"].to_numpy())  # meets one approved
    current = np.zeros(len(ck), dtype=bool)
    current[one[ok]] = True
    u_review = review_draws(ctx, c["userId"], t["therapistId"])
    active |= current & quiet & (reviewed(u_review, asked, seen - weeks) + weeks <= seen)
    settled = ctx.anchor_ms - SETTLED_DAYS * MS_PER_DAY
    # A client who stopped picked before its last visit: weeks before it for a current
    # client, PAST_PAIR_DAYS for one whose pair ended (it had its sessions), where it could.
    room = seen - np.where(active, weeks, PAST_PAIR_DAYS * MS_PER_DAY)
    # The therapist reviewed the client's request before the pair began (``reviewed``).
    lo = reviewed(u_review, asked, np.where(still, np.minimum(seen, ctx.anchor_ms), room))
    hi = np.maximum(lo, np.where(still, settled, room))
    # Picked by the client, in its waking hours (``clock``).
    assigned = waking_between(s, ck, lo, hi, home_offset_of(ctx, c["userId"]), index=2)
    # A pair that ended ran for a while and had its sessions (PAST_PAIR_DAYS): one made too
    # recently for that is still active (the client has only just picked its therapist).
    active |= still & (assigned > ctx.anchor_ms - PAST_PAIR_DAYS * MS_PER_DAY)
    came = lo <= np.where(still, seen, room)
    return pl.DataFrame(
        {
            "id": natural_ids(
                ctx, "ClientTherapist", {"clientId": ck, "therapistId": t["therapistId"]}
            ),
            "clientId": c["userId"],
            "therapistId": t["therapistId"],
            "status": np.where(active, "active", "inactive"),
            "assignedAt": timestamps(assigned, "assignedAt"),
        }
    ).filter(pl.Series(came))


# Users (or moderators) x communities scored at once: the memberships of a large scale are
# made in slices of users, so memory stays flat however many users and communities there are.
_CHUNK_CELLS = 1 << 22


def _row_chunks(n_rows: int, n_cols: int) -> list[slice]:
    """Consecutive slices of ``n_rows`` rows, each with at most ``_CHUNK_CELLS`` cells (at
    least one row)."""
    step = max(1, _CHUNK_CELLS // max(n_cols, 1))
    return [slice(a, min(a + step, n_rows)) for a in range(0, n_rows, step)]


def _first_by_score(score: npt.NDArray[np.uint64], k: int) -> npt.NDArray[np.intp]:
    """Per row, the columns of its ``k`` lowest scores in (score, column) order.

    The first ``k`` columns of a stable argsort of each row, found by a partition (linear)
    and a sort of those ``k`` only: each user joins a few of hundreds of communities.
    """
    if k >= score.shape[1]:
        return np.argsort(score, axis=1, kind="stable")
    if k <= 0:
        return np.zeros((score.shape[0], 0), dtype=np.intp)
    part = np.argpartition(score, k - 1, axis=1)[:, :k]
    # Ties at the k-th score would make the partition's choice arbitrary: take the lowest
    # columns among them, as the stable sort does (scores are 64-bit keyed draws, so this
    # is only a guard).
    kth = np.take_along_axis(score, part, axis=1).max(axis=1)
    tied = (score == kth[:, None]).sum(axis=1) > 1
    if tied.any():
        part[tied] = np.argsort(score[tied], axis=1, kind="stable")[:, :k]
    by = np.lexsort((part, np.take_along_axis(score, part, axis=1)), axis=1)
    return np.take_along_axis(part, by, axis=1)


def _keyed_picks(
    s: Stream,
    keys: U64,
    ckeys: U64,
    k: I64,
    first: tuple[npt.NDArray[np.bool_], npt.NDArray[np.intp]] | None = None,
    ages: tuple[I64, I64] | None = None,
) -> tuple[I64, npt.NDArray[np.intp]]:
    """(row, column) pairs: each row of ``keys`` takes its ``k[row]`` columns of ``ckeys``
    with the lowest keyed scores, in score order, rows in order.

    ``first`` (rows, columns): those rows take their best-scored column among those columns
    first. ``ages`` (per row, per column): a row never takes a column whose age is below its
    own, and takes fewer when fewer are left. The scores are made a slice of rows at a time
    (``_row_chunks``).
    """
    bounded = ages is not None and bool((ages[1] < NO_AGE_LIMIT).any())
    rows, cols = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.intp)]
    for part in _row_chunks(len(keys), len(ckeys)):
        n = part.stop - part.start
        score = s.bits(keys[part, None], ckeys[None, :])  # (n, len(ckeys)), broadcast
        if first is not None and len(first[1]):
            best = first[1][np.argmin(score[:, first[1]], axis=1)]
            chosen = np.flatnonzero(first[0][part])
            score[chosen, best[chosen]] = 0
        kp = k[part]
        if bounded and ages is not None:
            # Ineligible columns score last, and a row takes no more than it may join.
            over = ages[0][part][:, None] > ages[1][None, :]
            score[over] = np.iinfo(np.uint64).max
            kp = np.minimum(kp, (~over).sum(axis=1))
        order = _first_by_score(score, int(kp.max(initial=0)))
        take = np.arange(order.shape[1])[None, :] < kp[:, None]
        rows.append(part.start + np.repeat(np.arange(n), take.sum(axis=1)))
        cols.append(order[take])
    return np.concatenate(rows), np.concatenate(cols)


# A member joins at least this long before they were last seen.
JOINED_BEFORE_SEEN = 6 * 3_600_000
# Members join communities soon after they sign up (or the community opens), most within
# weeks: the mean wait, on the waking clock.
JOIN_MEAN = 14 * MS_PER_DAY


# An age range in a community's name ("Young Adults (18-25)", its circles too): its client
# members are that age. Staff (therapists who host, moderators) join whatever their age.
AGE_RANGE = r"\((\d+)-(\d+)\)"
NO_AGE_LIMIT = np.iinfo(np.int64).max


def max_member_age(names: pl.Series) -> I64:
    """Per community name, the oldest a client member may be (full years); NO_AGE_LIMIT
    unless the name gives an age range."""
    hi = names.str.extract(AGE_RANGE, 2).cast(pl.Int64).fill_null(NO_AGE_LIMIT)
    return np.asarray(hi.to_numpy(), dtype=np.int64)


def member_age(users: pl.DataFrame, anchor_ms: int) -> I64:
    """Per user (role, birthDate), the age ``max_member_age`` is compared with: a client's
    full years a day after the anchor (so also at any earlier joining, with a day to spare for
    a 29 February birthday, which SQL date arithmetic puts on the 28th), 0 for everyone else."""
    age = full_years(users["birthDate"], anchor_ms + MS_PER_DAY)
    return np.asarray(np.where(users["role"].to_numpy() == "client", age, 0), dtype=np.int64)


# Staff (therapists, moderators) are a minority of every community, one in config.STAFF_AIM
# (a third) of its members where its clients allow, give or take one (3 x staff <= members +
# 1: a community of five may have a moderator and a therapist), never more than one in
# config.STAFF_MOST (half): clients are its bulk. A staff member joins a few
# communities: a moderator those it moderates (its memberships come with its assignments),
# an APPROVED therapist one or two that fit its areas of expertise (``therapist_fit``),
# where clients of its state are members if it can (its in-person groups meet there:
# ``enrichers.group_sessions``), placed by the memberships enricher (``place``).

# Clients of its state a community holds that make it local to a therapist (a group of them
# could meet in person: group_sessions.MIN_PARTICIPANTS).
LOCAL_CLIENTS = 3


def clients_for(staff: npt.ArrayLike) -> I64:
    """The fewest client members that keep ``staff`` staff members one in STAFF_AIM (a third)
    of a community (3 x staff <= members + 1: clients >= 2 x staff - 1)."""
    out: I64 = np.maximum((STAFF_AIM - 1) * np.asarray(staff, dtype=np.int64) - 1, 0)
    return out


def specialty_mask(areas: pl.Series) -> I64:
    """Per list of areas (``vocab.SPECIALTIES``), a bit mask of those it holds (bit i: the
    i-th)."""
    return _mask([areas.list.contains(a).fill_null(False).to_numpy() for a in v.SPECIALTIES])


def _area_bits(lists: list[tuple[str, ...]]) -> I64:
    index = {a: i for i, a in enumerate(v.SPECIALTIES)}
    return np.asarray(
        [sum(1 << index[a] for a in areas) for areas in lists], dtype=np.int64
    )  # a tiny fixed table per community


def therapist_fit(ctx: Context, areas: pl.Series, slugs: pl.Series) -> I64:
    """(therapists x communities) how well each therapist (``areas``: its areasOfExpertise)
    fits each community (``slugs``): 2 where it lists one of the community's own areas, 1 a
    related one, 0 none (``communities.THEME_AREAS``)."""
    own, related = community_areas(ctx, slugs)
    t = specialty_mask(areas)[:, None]
    out: I64 = np.where(
        (t & _area_bits(own)[None, :]) != 0, 2, ((t & _area_bits(related)[None, :]) != 0) * 1
    ).astype(np.int64)
    return out


def moderators_of(ctx: Context, frames: Frames, assigned: pl.DataFrame, comm: pl.Series) -> I64:
    """Per community of ``comm`` (ids), the moderators that will be its members: those
    ``assigned`` (ModeratorCommunity rows), and one more where none of them still comes (the
    moderator_assignments enricher hands it over)."""
    a = assigned.select("moderatorId", "communityId").with_columns(
        pl.Series("coming", still_coming(ctx, frames["User"], assigned["moderatorId"]))
    )
    per = comm.to_frame("communityId").join(
        a.group_by("communityId").agg(pl.len().alias("n"), pl.col("coming").any()),
        on="communityId",
        how="left",
        maintain_order="left",
    )
    n = per["n"].fill_null(0).to_numpy().astype(np.int64)
    out: I64 = n + ~per["coming"].fill_null(False).to_numpy()
    return out


def may_join(ctx: Context, frames: Frames, comm: pl.DataFrame) -> I64:
    """Per community of ``comm`` (id, name), how many verified clients may join it (are no
    older than its age range allows: ``max_member_age``), by one search of their sorted ages."""
    users = frames["User"].filter(pl.col("role") == "client", pl.col("emailVerified"))
    age = np.sort(member_age(users.select("role", "birthDate"), ctx.anchor_ms))
    out: I64 = np.searchsorted(age, max_member_age(comm["name"]), side="right").astype(np.int64)
    return out


def therapist_room(ctx: Context, frames: Frames, assigned: pl.DataFrame, comm: pl.DataFrame) -> I64:
    """Per community of ``comm`` (id, name), how many therapists it may hold with its staff one
    in STAFF_AIM (``clients_for``) once every client who may join it has: one at least (its
    host) where those clients keep its staff one in STAFF_MOST (half) with it, none where they
    cannot (light x0.3: Anxiety Support's 3 moderators are as many as the build's 3 clients, and
    a host made 4 staff of 7)."""
    n = may_join(ctx, frames, comm)
    # 3 x staff <= clients + staff + 1: staff <= (clients + 1) / 2.
    mods = moderators_of(ctx, frames, assigned, comm["id"])
    aim = (n + 1) // (STAFF_AIM - 1) - mods
    most = n // (STAFF_MOST - 1) - mods  # STAFF_MOST x staff <= clients + staff
    out: I64 = np.maximum(aim, np.clip(most, 0, 1))
    return out


def local_clients(c_col: I64, c_state: I64, t_state: I64, n_c: int) -> I64:
    """(therapists x communities) how many clients still coming of each therapist's state
    (``t_state``) are members of each community, up to LOCAL_CLIENTS: client memberships
    (``c_col``, the community's column; ``c_state``, the client's state)."""
    n_p = len(v.PROVINCES)
    there = np.bincount(c_col * n_p + c_state, minlength=n_c * n_p).reshape(n_c, n_p)
    out: I64 = np.minimum(there[:, t_state].T, LOCAL_CLIENTS).astype(np.int64)
    return out


def _preferences(bits: U64, fit: I64, local: I64) -> npt.NDArray[np.intp]:
    """Per row, its columns best first: those that fit (``fit`` > 0) first, then by
    ``local``, by fit, by ``bits`` (``np.lexsort((bits, -fit, -local, fit <= 0), axis=1)``).

    One sort of a packed uint64 per row instead: the three small keys in the top bits, the
    top of ``bits`` below them; it is that order unless two columns of a row tie in the
    packed key (bits equal above the cut: never seen), where the lexsort decides."""
    near, best = local.max() - local, fit.max() - fit
    w_near, w_best = int(near.max()).bit_length(), int(best.max()).bit_length()
    width = 1 + w_near + w_best
    if width <= 16:
        small = (
            ((fit <= 0).astype(np.uint64) << np.uint64(w_near + w_best))
            | (near.astype(np.uint64) << np.uint64(w_best))
            | best.astype(np.uint64)
        )
        packed = (small << np.uint64(64 - width)) | (bits >> np.uint64(width))
        order: npt.NDArray[np.intp] = np.argsort(packed, axis=1)
        ranked = np.take_along_axis(packed, order, axis=1)
        if not (ranked[:, 1:] == ranked[:, :-1]).any():
            return order
    out: npt.NDArray[np.intp] = np.lexsort((bits, -fit, -local, fit <= 0), axis=1)
    return out


def place(
    s: Stream,
    tk: U64,
    ck: U64,
    fit: I64,
    local: I64,
    want: I64,
    room: I64,
    any_first: bool = True,
) -> tuple[I64, npt.NDArray[np.intp]]:
    """(row, column) pairs: each row (a therapist, keyed by ``tk``; or a community asking for
    therapists, the table transposed) takes up to ``want`` of the columns (``ck``) that fit
    it (``fit`` > 0; with ``any_first``, its best one even where none does; never one of a
    negative fit), best first: by ``local``, then by fit, then keyed; a column takes no
    more than its ``room``, of the rows that ask in a round the most local, then the
    best-fitting, then keyed.

    Rounds of one ask per therapist: a tiny fixed loop (it ends when each has its
    communities, has asked every one, or no column has room left), over whole arrays. Only
    the rows that want any are ranked (``_preferences``)."""
    n_t, n_c = fit.shape
    asking = np.flatnonzero(want > 0)
    if n_t == 0 or n_c == 0 or not len(asking) or not (room > 0).any():
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.intp)
    bits = s.bits(tk[:, None], ck[None, :])
    pref = _preferences(bits[asking], fit[asking], local[asking])
    at = np.zeros(n_t, dtype=np.int64)  # each asking row's row of ``pref``
    at[asking] = np.arange(len(asking))
    got = np.zeros(n_t, dtype=np.int64)
    ptr = np.zeros(n_t, dtype=np.int64)
    taken = np.zeros(n_c, dtype=np.int64)
    rows, cols = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.intp)]
    for _ in range(n_c):
        ask = np.flatnonzero((got < want) & (ptr < n_c))
        if not len(ask) or not (taken < room).any():
            break
        col = pref[at[ask], ptr[ask]]
        ptr[ask] += 1
        f = fit[ask, col]
        ok = (f > 0) | ((f == 0) & (got[ask] == 0) & any_first)  # (a negative fit: never)
        ask, col, f = ask[ok], col[ok], f[ok]
        by = np.lexsort((bits[ask, col], -f, -local[ask, col], col))
        ask, col = ask[by], col[by]
        yes = rank_in_run(col) < room[col] - taken[col]
        ask, col = ask[yes], col[yes]
        np.add.at(taken, col, 1)
        np.add.at(got, ask, 1)
        rows.append(ask)
        cols.append(col)
    return np.concatenate(rows), np.concatenate(cols)


def memberships(ctx: Context, frames: Frames) -> pl.DataFrame:
    """Clients join communities (keyed). Staff join later: therapists where they fit and
    clients of their state are (the memberships enricher: ``place``), moderators with their
    assignments (the moderator_assignments enricher)."""
    users = frames["User"].filter((pl.col("role") == "client") & pl.col("emailVerified"))
    users = users.select("id", "role", "createdAt", "isActive", "birthDate").sort("id")
    seen = last_seen(ctx, users)
    comm = frames["Community"].select("id", "slug", "name", "createdAt").sort("slug")
    s = ctx.stream("Membership", "join")
    uk = user_keys(users)
    vol = ctx.config.volumes
    joins = s.bernoulli(uk, vol["membership_rate"], index=0)
    k = np.floor(s.uniform(uk, 1) * vol["memberships_per_user"]).astype(np.int64) + 1
    k = np.where(joins, np.minimum(k, comm.height), 0)
    # A keyed order of the communities per user, keyed by community slug so that adding
    # communities does not reorder the existing ones relative to each other.
    ckeys = community_keys(comm["slug"])
    # Clients first pick a mental-health community 70 % of the time (upstream's bias).
    # General communities (and their derived circles) are not mental-health communities.
    mh = ~comm["slug"].str.contains("^(mindfulness-meditation|family-relationships|young-adults)")
    mh_first = s.bernoulli(uk, 0.7, index=2)
    mh_cols = np.flatnonzero(mh.to_numpy())
    ages = (member_age(users, ctx.anchor_ms), max_member_age(comm["name"]))
    u_row, c_col = _keyed_picks(s, uk, ckeys, k, first=(mh_first, mh_cols), ages=ages)
    lo = np.maximum(ms(users["createdAt"])[u_row], ms(comm["createdAt"])[c_col])
    mkeys = child_keys(uk[u_row], ckeys[c_col])
    # Joined while the user still came (``last_seen``), with time left to take part: most
    # in its first weeks (JOIN_MEAN), not evenly over its time (a user's communities, and
    # all it reads and reacts to in them, would pile up towards the anchor).
    hi = np.minimum(ctx.anchor_ms - MS_PER_DAY, seen[u_row] - JOINED_BEFORE_SEEN)
    home = home_offset_of(ctx, users["id"])[u_row]
    joined = waking_soon_after(s, mkeys, lo, hi, JOIN_MEAN, home, index=3)
    user_ids, community_ids = users["id"].gather(u_row), comm["id"].gather(c_col)
    return pl.DataFrame(
        {
            "id": natural_ids(
                ctx, "Membership", {"userId": uk[u_row], "communityId": community_ids}
            ),
            "joinedAt": timestamps(joined, "joinedAt"),
            "communityId": community_ids,
            "userId": user_ids,
        }
    )


# A moderator is assigned at least this long before they were last seen: they still came
# then, and saw the assignment (its COMMUNITY_JOINED notification) in a later visit.
ASSIGNED_BEFORE_SEEN = JOINED_BEFORE_SEEN


def moderator_latest(ctx: Context, users: pl.DataFrame, ids: pl.Series) -> I64:
    """The latest each moderator of ``ids`` can be assigned a community (epoch ms): a day
    before the anchor, and ASSIGNED_BEFORE_SEEN before they were last seen
    (``users.last_seen``): a moderator who stopped coming, or deactivated their account
    (which happens in their last visit), is assigned nothing after."""
    out: I64 = np.minimum(
        ctx.anchor_ms - MS_PER_DAY, seen_of(ctx, users, ids) - ASSIGNED_BEFORE_SEEN
    )
    return out


def moderator_assignments(
    ctx: Context, frames: Frames, members: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Each moderator assigned to 2-4 communities (fewer where a community's clients leave no
    room for a therapist: ``leave_room``), after joining any of them it is a member of,
    while they still came (``moderator_latest``): never a community created after that.

    ``members`` (userId, communityId, joinedAt) are the memberships of this build; the
    moderator_assignments enricher adds one for each assignment made without.
    """
    mods = frames["Moderator"].select("userId", "createdAt").sort("userId")
    comm = frames["Community"].select("id", "slug", "createdAt").sort("slug")
    if mods.is_empty() or comm.is_empty():
        return ctx.empty("ModeratorCommunity")
    s = ctx.stream("ModeratorCommunity", "assign")
    mk = user_keys(mods.rename({"userId": "id"}))
    k = np.minimum(s.integers(mk, 2, 5, index=0), comm.height)
    latest = moderator_latest(ctx, frames["User"], mods["userId"])
    c_at = ms(comm["createdAt"])
    # Communities in a keyed order per moderator, scored by (moderator, community) keys so
    # neither the frame's row order nor new communities reorder the existing ones. A
    # community created after the moderator's ``latest`` is out of reach: as ``ages`` (a row
    # takes no column whose bound is below its own), both negated.
    ckeys = community_keys(comm["slug"])
    m_row, c_col = _keyed_picks(s, mk, ckeys, k, ages=(-latest, -c_at))
    keys = child_keys(mk[m_row], ckeys[c_col])
    lo = np.maximum(ms(mods["createdAt"])[m_row], c_at[c_col])
    moderator_ids, community_ids = mods["userId"].gather(m_row), comm["id"].gather(c_col)
    if members is not None:
        # A moderator who is a member of the community was assigned once they had joined.
        joined = (
            pl.DataFrame({"userId": moderator_ids, "communityId": community_ids})
            .join(members, on=["userId", "communityId"], how="left", maintain_order="left")
            .select(ms_of("joinedAt").fill_null(0))
            .to_series()
            .to_numpy()
        )
        lo = np.maximum(lo, joined)
    hi = latest[m_row]
    assigned = between(s, keys, lo, np.maximum(lo, hi), index=1)
    # A pair with no time left (a moderator who left right after signing up or joining) is
    # not made: the enricher gives the community and the moderator others.
    out = pl.DataFrame(
        {
            "id": natural_ids(
                ctx, "ModeratorCommunity", {"moderatorId": mk[m_row], "communityId": community_ids}
            ),
            "moderatorId": moderator_ids,
            "communityId": community_ids,
            "assignedAt": timestamps(assigned, "assignedAt"),
        }
    ).filter(pl.Series(lo <= hi))
    return leave_room(ctx, frames, out)


def leave_room(ctx: Context, frames: Frames, assigned: pl.DataFrame) -> pl.DataFrame:
    """``assigned`` (ModeratorCommunity rows) less those that would leave a community no room
    for a therapist with its staff one in STAFF_MOST (``therapist_room``): a community keeps
    as many moderators as its clients who may join it less one (one at least), those with the
    fewest assignments first, then keyed (by id), and a moderator keeps one assignment at
    least. Only a tiny build has a community so crowded (light x0.5 --seed 3: 3 clients, and
    3 moderators in each of 3 of its 4 communities left room for one of its 3 APPROVED
    therapists, the other two joined none: min:therapist.community_memberships)."""
    comm = frames["Community"].select("id", "name")
    n = may_join(ctx, frames, comm)
    cap = pl.DataFrame(
        {"communityId": comm["id"], "_cap": np.maximum(n // (STAFF_MOST - 1) - 1, 1)}
    )
    a = (
        assigned.with_row_index("_i")
        .join(cap, on="communityId", how="left", maintain_order="left")
        .with_columns(pl.len().over("moderatorId").alias("_load"))
        .sort("communityId", "_load", "id")
        .with_columns(pl.int_range(pl.len()).over("communityId").alias("_rank"))
    )
    keep = pl.col("_rank") < pl.col("_cap").fill_null(pl.len())
    # A moderator none of whose assignments is kept keeps its first (the least crowded).
    first = pl.col("_rank") == pl.col("_rank").min().over("moderatorId")
    return (
        a.filter(keep | (first & ~keep.any().over("moderatorId")))
        .sort("_i")
        .drop("_i", "_cap", "_load", "_rank")
    )


def generate(ctx: Context, frames: Frames) -> Frames:
    # Moderators join with their assignments (the moderator_assignments enricher).
    assigned = moderator_assignments(ctx, frames)
    return {
        "ClientTherapist": pairs(ctx, frames),
        "Membership": memberships(ctx, frames),
        "ModeratorCommunity": assigned,
    }
