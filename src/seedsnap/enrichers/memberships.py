"""Memberships: every client and approved therapist in ≥ N communities; every community ≥ M members,
one of them an APPROVED therapist where its clients allow, its staff a minority.

Upstream topped users up to 1 membership in "the first community in DB order" and never
enforced the community minimum (seeder.md §7 row 1, §11.7). Here both sides are topped up per
entity, with keyed choices, and a member joins after both the user and the community exist.
A client joins a community for an age range ("Young Adults (18-25)") only at that age.

Communities are not all the same size: each is topped up to its own target, the minimum plus
a keyed, skewed share of the population (``community_targets``): many small communities
near the minimum, a few large ones.

Clients are the bulk of every community; staff join a few (0.15.0's heavy x3 had staff in
34.5 % of the memberships, 4 communities with a staff majority, moderators in communities
they did not moderate, therapists in up to 9 communities whatever their expertise):

- the top-ups take clients only; a community takes as many as keep its staff one in
  config.STAFF_AIM (a third) of its members where its clients allow (``least_clients``),
  never fewer than keep them one in config.STAFF_MOST (half: as many clients as staff), the
  bound check holds it to (membership.staff_a_minority);
- an APPROVED therapist joins one or two communities that fit its areas of expertise
  (``relationships.therapist_fit``), where clients of its state who still come are members
  (its in-person groups meet there), each community taking no more than its room
  (``relationships.therapist_room``) and SPREAD times its share (``_therapists_join``);
- every community then has HOSTS therapist members where its room allows, one at least
  where its clients keep its staff one in STAFF_MOST with it (``therapist_room``), who
  can host its group sessions: those that fit it first, in at most MOST_COMMUNITIES each
  (``_hosts``; one that does not fit only for a community no fitting one has room for; one
  already in MOST_COMMUNITIES leaves a community that keeps another therapist for one with
  none, ``_moved_hosts``);
- moderators join only the communities they moderate (the moderator_assignments enricher);
- a community whose clients of its age range cannot make its minimum takes therapists that
  fit it, up to as many as its clients (staff one in STAFF_MOST at most); where none has
  room (a raised therapist minimum), one moves to it from a community with members to spare
  (``_fill``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from seedsnap.arrays import rows_in
from seedsnap.config import STAFF_MOST, Config
from seedsnap.context import MS_PER_DAY, Context, Frames, timestamps
from seedsnap.enrichers.common import count_by, deficit, pair_top_up, sample_pairs
from seedsnap.generators.common import text_keys
from seedsnap.generators.relationships import (
    JOIN_MEAN,
    JOINED_BEFORE_SEEN,
    clients_for,
    local_clients,
    max_member_age,
    member_age,
    moderators_of,
    place,
    therapist_fit,
    therapist_room,
)
from seedsnap.generators.users import home_offset_of, home_province, seen_of, still_coming
from seedsnap.random import I64, name_key

READS = ("User", "Therapist", "Community", "Membership", "ModeratorCommunity")
WRITES = ("Membership",)
SALT_USER = name_key("enrich", "memberships", "user")
SALT_COMMUNITY = name_key("enrich", "memberships", "community")
SALT_HOST = name_key("enrich", "memberships", "host")
SALT_FILL = name_key("enrich", "memberships", "fill")
SALT_SECOND = name_key("enrich", "memberships", "second-host")
SALT_THERAPIST = name_key("enrich", "memberships", "therapist")
SALT_MORE = name_key("enrich", "memberships", "minority")

# Members a community has beyond its minimum: on average EXTRA_PER_USER per eligible user
# spread over the communities, times a keyed log-normal weight of mean 1 and spread SIZE_SIGMA
# (heavy-tailed, as real community sizes are). A community never takes in more than
# MAX_SHARE of the eligible users through the top-up.
EXTRA_PER_USER = 1.5
SIZE_SIGMA = 1.2
MAX_SHARE = 0.8
# Therapist members a community has where its staff stay a minority: two can share its
# group sessions (one hosts, another is invited too).
HOSTS = 2
# The share of therapists who join two communities (the others one) where they fit.
TWO_COMMUNITIES = 0.5
# A community takes no more than SPREAD times its share of the therapists' places.
SPREAD = 3
# The share of the clients who may join a community it takes at most to keep its staff a
# third (``least_clients``).
LEAST_SHARE = 0.6
# The communities a therapist is a member of at most, or its community_memberships minimum
# where that is larger (``most_communities``; check's membership.therapist_in_a_few).
MOST_COMMUNITIES = 3
# The communities a therapist joins as a host at most, loosened in turn for a community
# still short of hosts (``_hosts``): two, then MOST_COMMUNITIES; a community that none of
# those can host takes one who does not fit it, then one in MOST_COMMUNITIES already who
# leaves a community that keeps another therapist (``_moved_hosts``).
HOST_LOADS = (2, MOST_COMMUNITIES)


def most_communities(config: Config) -> int:
    """The communities a therapist is a member of at most: MOST_COMMUNITIES, or its
    therapist.community_memberships minimum where ``--min`` raises it past that (each
    therapist joins that many: ``_therapists_join``; the host bound follows it)."""
    return communities_bound(config.minimum("therapist", "community_memberships"))


def communities_bound(minimum: int) -> int:
    """``most_communities`` given the therapist.community_memberships minimum (0 unset): the
    one bound both this enricher and check's membership.therapist_in_a_few hold."""
    return max(MOST_COMMUNITIES, minimum)


def eligible_users(frames: Frames) -> pl.DataFrame:
    """Clients, APPROVED therapists and moderators (admins never join) who verified their
    email (an unverified client has not finished signing up), with createdAt."""
    approved = frames["Therapist"].filter(pl.col("status") == "APPROVED")["userId"].implode()
    return (
        frames["User"]
        .filter(
            (
                pl.col("role").is_in(["client", "moderator"])
                | ((pl.col("role") == "therapist") & pl.col("id").is_in(approved))
            )
            & pl.col("emailVerified")
        )
        .select("id", "role", "createdAt", "isActive", "birthDate")
    )


def community_targets(
    ctx: Context, communities: pl.Series, eligible: int, minimum: int
) -> pl.DataFrame:
    """Per community (communityId, target): ``minimum`` plus its keyed share of
    ``eligible`` users, never above the larger of ``minimum`` and MAX_SHARE of them."""
    n = len(communities)
    if n == 0:
        return pl.DataFrame({"communityId": communities, "target": pl.Series([], dtype=pl.Int64)})
    z = ctx.stream("Membership", "size").normal(text_keys(communities), 0)
    weight = np.exp(SIZE_SIGMA * z - SIZE_SIGMA**2 / 2)
    extra = np.floor(weight * EXTRA_PER_USER * eligible / n).astype(np.int64)
    cap = max(minimum, int(MAX_SHARE * eligible))
    target = np.minimum(minimum + extra, cap)
    return pl.DataFrame({"communityId": communities, "target": target})


def _rows(
    ctx: Context, chosen: pl.DataFrame, users: pl.DataFrame, comm: pl.DataFrame, salt: np.uint64
) -> pl.DataFrame:
    """Membership rows for chosen (userId, communityId) pairs, joined after both existed."""
    chosen = chosen.join(
        users.select(pl.col("id").alias("userId"), pl.col("createdAt").alias("uAt")),
        on="userId",
        how="left",
        maintain_order="left",
    ).join(comm, on="communityId", how="left", maintain_order="left")
    lo = pl.max_horizontal("uAt", "cAt").dt.epoch("ms") + 60_000
    lo_ms = chosen.select(lo).to_series().to_numpy()
    pair = {c: text_keys(chosen[c]) for c in ("userId", "communityId")}
    seen = seen_of(ctx, users, chosen["userId"])
    latest = np.minimum(ctx.anchor_ms - MS_PER_DAY, seen - JOINED_BEFORE_SEEN)
    home = home_offset_of(ctx, chosen["userId"])
    ids, joined = pair_top_up(
        ctx, "Membership", pair, salt, lo_ms, latest, 1, mean_ms=JOIN_MEAN, home=home
    )
    return pl.DataFrame(
        {
            "id": ids,
            "joinedAt": timestamps(joined, "joinedAt"),
            "communityId": chosen["communityId"],
            "userId": chosen["userId"],
        }
    )


def age_fit(
    ctx: Context, users: pl.DataFrame, communities: pl.DataFrame
) -> Callable[[pl.DataFrame], pl.DataFrame]:
    """A ``sample_pairs`` filter of (userId, communityId) candidates: a client joins an
    age-bound community only at its age (``max_member_age``)."""
    age = pl.DataFrame({"userId": users["id"], "_age": member_age(users, ctx.anchor_ms)})
    limit = pl.DataFrame(
        {"communityId": communities["id"], "_max": max_member_age(communities["name"])}
    )

    def keep(c: pl.DataFrame) -> pl.DataFrame:
        return (
            c.join(age, on="userId", how="left", maintain_order="left")
            .join(limit, on="communityId", how="left", maintain_order="left")
            .filter(pl.col("_age").fill_null(0) <= pl.col("_max").fill_null(pl.col("_age")))
            .drop("_age", "_max")
        )

    return keep


@dataclass(frozen=True)
class _Pool:
    """What the therapist placements share: the APPROVED ``therapists`` (id, sorted), the
    communities ``comm`` (id, name, slug; sorted by id) and how well each therapist fits each
    (``therapist_fit``), worked out once for the three placements that ask."""

    therapists: pl.DataFrame
    comm: pl.DataFrame
    fit: I64

    @classmethod
    def of(
        cls, ctx: Context, frames: Frames, therapists: pl.DataFrame, comm: pl.DataFrame
    ) -> _Pool:
        areas = therapists.join(
            frames["Therapist"].select(pl.col("userId").alias("id"), "areasOfExpertise"),
            on="id",
            how="left",
            maintain_order="left",
        )["areasOfExpertise"]
        return cls(therapists, comm, therapist_fit(ctx, areas, comm["slug"]))


def _fit_local(
    ctx: Context, frames: Frames, pool: _Pool, members: pl.DataFrame
) -> tuple[I64, I64, I64]:
    """(therapists x communities) of ``pool``: their fit (``therapist_fit``; -1 where the
    therapist is a member already), how many clients of the therapist's state still coming
    are members (``local_clients``), and per therapist how many communities it is a member
    of (by ``members``: communityId, userId)."""
    therapists, comm = pool.therapists, pool.comm
    fit = pool.fit.copy()
    member_c = rows_in(members["communityId"], comm["id"])
    member_t = rows_in(members["userId"], therapists["id"])
    mine = member_t >= 0
    fit[member_t[mine], member_c[mine]] = -1
    client_ids = frames["User"].filter(pl.col("role") == "client")["id"]
    clients = members.filter(pl.col("userId").is_in(client_ids.implode()))
    coming = still_coming(ctx, frames["User"], clients["userId"])
    local = local_clients(
        rows_in(clients["communityId"], comm["id"])[coming],
        home_province(ctx, clients["userId"])[coming],
        home_province(ctx, therapists["id"]),
        comm.height,
    )
    load = np.bincount(member_t[mine], minlength=therapists.height).astype(np.int64)
    return fit, local, load


def _therapists_join(
    ctx: Context,
    frames: Frames,
    pool: _Pool,
    members: pl.DataFrame,
    room: I64,
) -> pl.DataFrame:
    """(communityId, userId): each APPROVED therapist of the ``pool`` joins one or two of
    its communities (TWO_COMMUNITIES of them two, and the minimum at least), those that fit
    it where clients of its state are (``relationships.place``), each community no more
    than its ``room`` less the therapists among its ``members``."""
    therapists, comm = pool.therapists, pool.comm
    if therapists.is_empty() or comm.is_empty():
        return pl.DataFrame(schema={"communityId": pl.String, "userId": pl.String})
    fit, local, load = _fit_local(ctx, frames, pool, members)
    tk, ck = text_keys(therapists["id"]), text_keys(comm["id"])
    s = ctx.stream("Membership", "therapist")
    want = 1 + s.bernoulli(tk, TWO_COMMUNITIES, index=0).astype(np.int64)
    want = np.maximum(want, ctx.config.minimum("therapist", "community_memberships")) - load
    held = np.bincount(rows_in(members["communityId"], comm["id"])[
        rows_in(members["userId"], therapists["id"]) >= 0], minlength=comm.height)  # fmt: skip
    # Spread over the communities: none takes more than SPREAD times its share of them.
    share = -(-int(np.maximum(want, 0).sum() + held.sum()) // max(comm.height, 1))
    room = np.minimum(room, max(HOSTS, SPREAD * share))
    r, c = place(s, tk, ck, fit, local, np.maximum(want, 0), np.maximum(room - held, 0))
    r, c = r[fit[r, c] >= 0], c[fit[r, c] >= 0]
    order = np.lexsort((c, r))
    return pl.DataFrame(
        {
            "communityId": comm["id"].gather(c[order]),
            "userId": therapists["id"].gather(r[order]),
        }
    )


def _hosts(
    ctx: Context,
    frames: Frames,
    need: pl.DataFrame,
    pool: _Pool,
    members: pl.DataFrame,
    purpose: str = "host-side",
) -> pl.DataFrame:
    """(communityId, userId): per community of ``need``, its ``need`` therapists of the
    ``pool`` not among its ``members`` (``relationships.place``, the communities
    asking): those that fit it, where clients of their state still coming are members, and
    in fewer communities than HOST_LOADS bound in turn (its last ``most_communities``)."""
    therapists, comm = pool.therapists, pool.comm
    if need.is_empty() or therapists.is_empty():
        return pl.DataFrame(schema={"communityId": pl.String, "userId": pl.String})
    fit, local, load = _fit_local(ctx, frames, pool, members)
    rows = rows_in(need["communityId"], comm["id"])  # the communities asking
    fit_c = fit.T[rows]
    want = need["need"].to_numpy().astype(np.int64)
    s = ctx.stream("Membership", purpose)
    ck, tk = text_keys(need["communityId"]), text_keys(therapists["id"])
    out_r, out_c = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.intp)]
    most = most_communities(ctx.config)
    # A tiny fixed loop: looser bounds for those still short, therapists who fit first; a
    # host that does not (none that does has room) only for a community with none.
    passes = [(bound, False) for bound in (*HOST_LOADS[:-1], most)]
    if purpose == "host-side":
        passes += [(most, True)]
    for bound, any_first in passes:
        room = np.maximum(bound - load, 0)
        r, c = place(s, ck, tk, fit_c, local.T[rows], want, room, any_first)
        r, c = r[fit_c[r, c] >= 0], c[fit_c[r, c] >= 0]
        fit_c[r, c] = -1
        np.add.at(want, r, -1)
        np.add.at(load, c, 1)
        out_r.append(r)
        out_c.append(c)
    r, c = np.concatenate(out_r), np.concatenate(out_c)
    order = np.lexsort((c, r))
    return pl.DataFrame(
        {
            "communityId": need["communityId"].gather(r[order]),
            "userId": therapists["id"].gather(c[order]),
        }
    )


def _moved_hosts(
    ctx: Context,
    frames: Frames,
    short: pl.Series,
    pool: _Pool,
    members: pl.DataFrame,
    movable: pl.DataFrame,
    spare: I64 | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(left, joined), both (communityId, userId): each community of ``short`` (no therapist
    of the ``pool`` among its ``members`` had room to host it; a community as many times as
    it is short) takes one who leaves a community it joined by ``movable``
    (``_therapists_join``) that keeps another therapist member: those that fit it best
    first, then keyed. Its MOST_COMMUNITIES stay the bound (0.16.0 let a tiny build's
    therapist join a 4th: light seed 10). With ``spare`` (per community, the members it may
    lose), only one that fits it leaves, a community with members to spare."""
    therapists, comm = pool.therapists, pool.comm
    none = pl.DataFrame(schema={"communityId": pl.String, "userId": pl.String})
    if short.is_empty() or movable.is_empty():
        return none, none
    fit, _, _ = _fit_local(ctx, frames, pool, members)
    m_t = rows_in(movable["userId"], therapists["id"])
    m_c = rows_in(movable["communityId"], comm["id"])
    member_t = rows_in(members["userId"], therapists["id"])
    held = np.bincount(rows_in(members["communityId"], comm["id"])[member_t >= 0],
                       minlength=comm.height)  # fmt: skip
    tk, ck = text_keys(therapists["id"]), text_keys(comm["id"])
    bits = ctx.stream("Membership", "host-move").bits(tk[m_t] ^ ck[m_c])
    gone = np.zeros(movable.height, dtype=bool)
    left, joined = [], []
    more = spare is not None
    spare = np.zeros(comm.height, np.int64) if spare is None else spare.copy()
    # A tiny loop over the communities still short (none in a build of any size).
    for k in rows_in(short, comm["id"]):
        f = fit[m_t, k]
        ok = (f > 0) & (spare[m_c] > 0) if more else f >= 0
        ok &= ~gone & (held[m_c] >= 2)
        if not ok.any():
            continue
        pick = np.flatnonzero(ok)[np.lexsort((bits[ok], -f[ok]))[0]]
        gone[pick] = True
        spare[m_c[pick]] -= 1
        held[m_c[pick]] -= 1
        held[k] += 1
        fit[m_t[pick], k] = -1
        left.append(pick)
        joined.append((k, m_t[pick]))
    if not left:
        return none, none
    jc, jt = np.array(joined, dtype=np.int64).T
    return movable[np.array(left)].select("communityId", "userId"), pl.DataFrame(
        {"communityId": comm["id"].gather(jc), "userId": therapists["id"].gather(jt)}
    )


def clients_who_may_join(ctx: Context, frames: Frames, comm: pl.DataFrame) -> I64:
    """Per community of ``comm`` (id, name), how many verified clients may join it (its age
    range: ``max_member_age``)."""
    users = frames["User"].filter(pl.col("role") == "client", pl.col("emailVerified"))
    age = member_age(users.select("role", "birthDate"), ctx.anchor_ms)
    out = (age[:, None] <= max_member_age(comm["name"])[None, :]).sum(axis=0)
    return np.asarray(out, dtype=np.int64)


# The columns of the (userId, communityId) pairs the top-ups choose.
PAIR = ["userId", "communityId"]


@dataclass(frozen=True)
class _Counts:
    """Per community of ``comm`` (id, name, slug; sorted by id), what its client top-ups go
    by: the verified ``clients`` who may join (ids), the ``moderating`` pairs (userId,
    communityId; the moderator_assignments enricher's to add), its moderators to be
    (``mods``), how many clients may join it by age (``may``) and the age filter ``fits``."""

    ctx: Context
    comm: pl.DataFrame
    clients: pl.Series
    moderating: pl.DataFrame
    mods: I64
    may: I64
    fits: Callable[[pl.DataFrame], pl.DataFrame]

    @property
    def is_client(self) -> pl.Expr:
        return pl.col("userId").is_in(self.clients.implode())

    def least_clients(self, staff: I64) -> I64:
        """The client members a community with ``staff`` needs: as many as keep those one
        in STAFF_AIM (``clients_for``) but no more than LEAST_SHARE of the clients who may
        join it, and never fewer than keep them one in STAFF_MOST (a small build's few
        clients go round)."""
        most = (STAFF_MOST - 1) * staff
        out = np.maximum(most, np.minimum(clients_for(staff), np.floor(LEAST_SHARE * self.may)))
        return np.asarray(out, dtype=np.int64)

    def per_community(self, frame: pl.DataFrame) -> I64:
        """How many rows of ``frame`` (communityId) each community has."""
        out: I64 = (
            self.comm.select(pl.col("id").alias("communityId"))
            .join(count_by(frame, "communityId"), on="communityId", how="left")
            .select(pl.col("len").fill_null(0).cast(pl.Int64))
            .to_series()
            .to_numpy()
        )
        return out

    def staff_of(self, members: pl.DataFrame) -> I64:
        """Per community, its staff: its moderators to be (they join with their assignments)
        and its other ``members`` who are no clients."""
        other = members.filter(~self.is_client).join(
            self.moderating, on=["userId", "communityId"], how="anti"
        )
        return self.per_community(other) + self.mods

    def clients_to(self, purpose: str, members: pl.DataFrame, least: I64) -> pl.DataFrame:
        """Clients who join each community with fewer client ``members`` than ``least``."""
        need = deficit(
            self.comm.select(pl.col("id").alias("communityId"), pl.Series("want", least)),
            "communityId",
            count_by(members.filter(self.is_client), "communityId"),
            pl.col("want"),
        )
        return sample_pairs(
            self.ctx,
            "Membership",
            purpose,
            need,
            "communityId",
            self.clients,
            "userId",
            pl.concat([members, self.moderating]).select("communityId", "userId"),
            where=self.fits,
        ).select(PAIR)


def _users_top_up(
    ctx: Context,
    users: pl.DataFrame,
    communities: pl.Series,
    existing: pl.DataFrame,
    fits: Callable[[pl.DataFrame], pl.DataFrame],
) -> pl.DataFrame:
    """(userId, communityId): each client of ``users`` short of its community_memberships
    minimum (by ``existing``) joins communities of ``communities`` its age ``fits``."""
    need_user = deficit(
        users.select(pl.col("id").alias("userId"), "role"),
        "userId",
        count_by(existing, "userId"),
        # Therapists join where they fit (``_therapists_join``), moderators where they
        # moderate (the moderator_assignments enricher).
        pl.when(pl.col("role") == "client")
        .then(pl.lit(ctx.config.minimum("client", "community_memberships")))
        .otherwise(0),
    )
    return sample_pairs(
        ctx,
        "Membership",
        "user-side",
        need_user,
        "userId",
        communities,
        "communityId",
        existing,
        where=fits,
    )


def _with(members: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """``members`` and ``pairs`` (userId, communityId) after them."""
    return pl.concat([members, pairs.select(members.columns)])


def _host_passes(
    ctx: Context,
    frames: Frames,
    pool: _Pool,
    hosts: I64,
    after: pl.DataFrame,
    by_ther: pl.DataFrame,
) -> tuple[pl.DataFrame, pl.DataFrame, list[pl.DataFrame]]:
    """(after, by_ther, by_host): a host for every community of the ``pool`` however busy its
    therapists are, a second one (``hosts``) from those in fewer than MOST_COMMUNITIES; a
    community none could host takes one at the bound who moves to it from a community of
    ``by_ther`` that keeps another therapist (``_moved_hosts``). ``after``: the members so
    far (userId, communityId), with those added; ``by_host``: each pass's pairs."""
    is_ther = pl.col("userId").is_in(pool.therapists["id"].implode())
    by_host = []
    for purpose, want in (
        ("host-side", np.minimum(hosts, 1)),
        ("second-host", hosts),
    ):  # a tiny fixed loop: two passes
        need_host = deficit(
            pool.comm.select(pl.col("id").alias("communityId"), pl.Series("want", want)),
            "communityId",
            count_by(after.filter(is_ther), "communityId"),
            pl.col("want"),
        )
        got = _hosts(ctx, frames, need_host, pool, after, purpose)
        after = _with(after, got)
        if purpose == "host-side":
            short = need_host.join(
                count_by(got, "communityId"), on="communityId", how="left"
            ).filter(pl.col("len").fill_null(0) < pl.col("need"))["communityId"]
            left, moved = _moved_hosts(ctx, frames, short, pool, after, by_ther)
            if left.height:
                by_ther = by_ther.join(left, on=["communityId", "userId"], how="anti")
                after = _with(after.join(left, on=["communityId", "userId"], how="anti"), moved)
                got = pl.concat([got, moved.select(got.columns)])
        by_host.append(got)
    return after, by_ther, by_host


def _fill(
    ctx: Context,
    frames: Frames,
    pool: _Pool,
    counts: _Counts,
    after: pl.DataFrame,
    staff: I64,
    by_ther: pl.DataFrame,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(by_fill, by_ther): a community whose clients among ``after`` could not make its
    minimum (an age range few clients are of) takes therapists to it, never beyond one in
    STAFF_MOST of its members (``staff``: its staff before); where those with room come
    short, therapists at the bound move to it from a community of ``by_ther`` with members
    to spare (``_moved_hosts``; ``by_ther`` returned without them). Only a raised therapist
    minimum leaves none with room (medium --min therapist.community_memberships=4: Young
    Adults (18-25), 4 clients of its age, had 6 members of 8)."""
    minimum = ctx.config.minimum("community", "members")
    n_clients = counts.per_community(after.filter(counts.is_client))
    fill = pool.comm.select(
        pl.col("id").alias("communityId"),
        pl.Series(
            "need",
            np.minimum(minimum - staff - n_clients, n_clients // (STAFF_MOST - 1) - staff),
        ),
    ).filter(pl.col("need") > 0)
    got = _hosts(ctx, frames, fill, pool, after, "fill-side")
    still = fill.join(count_by(got, "communityId"), on="communityId", how="left").select(
        "communityId", (pl.col("need") - pl.col("len").fill_null(0)).alias("short")
    )
    if (still["short"] > 0).any():
        members = _with(after, got)
        spare = counts.per_community(members) - minimum
        short = still.filter(pl.col("short") > 0).select(
            pl.col("communityId").repeat_by("short").explode()
        )["communityId"]
        left, moved = _moved_hosts(ctx, frames, short, pool, members, by_ther, spare)
        if left.height:
            by_ther = by_ther.join(left, on=["communityId", "userId"], how="anti")
            got = pl.concat([got, moved.select(got.columns)])
    return got, by_ther


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    users = eligible_users(frames)
    comm = frames["Community"].select(
        pl.col("id").alias("communityId"), pl.col("createdAt").alias("cAt")
    )
    existing = frames["Membership"].select(PAIR)
    fits = age_fit(ctx, users, frames["Community"])
    by_user = _users_top_up(ctx, users, comm["communityId"], existing, fits)
    after = _with(existing, by_user)
    c_frame = frames["Community"].select("id", "name", "slug").sort("id")
    counts = _Counts(
        ctx,
        c_frame,
        users.filter(pl.col("role") == "client")["id"],
        # A moderator's membership of a community they moderate is the moderator_assignments
        # enricher's to add: it joins them before the assignment. Those pairs count as taken.
        frames["ModeratorCommunity"].select(pl.col("moderatorId").alias("userId"), "communityId"),
        moderators_of(ctx, frames, frames["ModeratorCommunity"], c_frame["id"]),
        # Clients who may join each community (its age range).
        clients_who_may_join(ctx, frames, c_frame),
        fits,
    )
    room = therapist_room(ctx, frames, frames["ModeratorCommunity"], c_frame)
    therapists = users.filter(pl.col("role") == "therapist").select("id").sort("id")
    pool = _Pool.of(ctx, frames, therapists, c_frame)
    is_ther = pl.col("userId").is_in(therapists["id"].implode())
    hosts = np.minimum(HOSTS, room) if therapists.height else np.zeros(c_frame.height, np.int64)
    minimum = ctx.config.minimum("community", "members")

    # Clients to each community's target (``community_targets``) less its staff to be (its
    # moderators, its hosts), and as many as keep those a minority (``clients_for``).
    staff = counts.staff_of(after) + np.maximum(
        hosts - counts.per_community(after.filter(is_ther)), 0
    )
    targets = community_targets(ctx, c_frame["id"], users.height, minimum)["target"].to_numpy()
    by_comm = counts.clients_to(
        "community-side", after, np.maximum(targets - staff, counts.least_clients(staff))
    )
    after = pl.concat([after, by_comm])
    # APPROVED therapists join one or two communities that fit them, where clients of their
    # state are (``_therapists_join``); then every community has ``hosts`` of them where its
    # staff stay a minority (``relationships.therapist_room``; one at least), who can host
    # its group sessions.
    by_ther = _therapists_join(ctx, frames, pool, after, room)
    after, by_ther, by_host = _host_passes(ctx, frames, pool, hosts, _with(after, by_ther), by_ther)
    # Clients for a community whose therapists came to more than it had room for, and for
    # one whose hosts came short of the staff its clients were counted for (its minimum:
    # clients first).
    staff = counts.staff_of(after)
    by_more = counts.clients_to(
        "minority-side", after, np.maximum(counts.least_clients(staff), minimum - staff)
    )
    after = pl.concat([after, by_more])
    by_fill, by_ther = _fill(ctx, frames, pool, counts, after, staff, by_ther)
    return {
        "Membership": pl.concat(
            [
                _rows(ctx, by_user, users, comm, SALT_USER),
                _rows(ctx, by_comm, users, comm, SALT_COMMUNITY),
                _rows(ctx, by_ther, users, comm, SALT_THERAPIST),
                _rows(ctx, by_host[0], users, comm, SALT_HOST),
                _rows(ctx, by_host[1], users, comm, SALT_SECOND),
                _rows(ctx, by_more, users, comm, SALT_MORE),
                _rows(ctx, by_fill, users, comm, SALT_FILL),
            ]
        )
    }
