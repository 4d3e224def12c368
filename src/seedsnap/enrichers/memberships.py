"""Memberships: every client and approved therapist in ≥ N communities; every community ≥ M members,
one of them an APPROVED therapist.

Upstream topped users up to 1 membership in "the first community in DB order" and never
enforced the community minimum (seeder.md §7 row 1, §11.7). Here both sides are topped up per
entity, with keyed choices, and a member joins after both the user and the community exist.
A client joins a community for an age range ("Young Adults (18-25)") only at that age.

Communities are not all the same size: each is topped up to its own target, the minimum plus
a keyed, skewed share of the population (``community_targets``): many small communities
near the minimum, a few large ones.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl

from seedsnap.arrays import rows_in
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
from seedsnap.random import name_key

READS = ("User", "Therapist", "Community", "Membership", "ModeratorCommunity")
WRITES = ("Membership",)
SALT_USER = name_key("enrich", "memberships", "user")
SALT_COMMUNITY = name_key("enrich", "memberships", "community")
SALT_HOST = name_key("enrich", "memberships", "host")
SALT_FILL = name_key("enrich", "memberships", "fill")

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
# The communities a therapist joins as a host at most, loosened in turn for a community
# still short of hosts.
HOST_LOADS = (2, 3, 1_000_000)


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


def _hosts(
    ctx: Context,
    frames: Frames,
    need: pl.DataFrame,
    therapists: pl.DataFrame,
    comm: pl.DataFrame,
    members: pl.DataFrame,
    purpose: str = "host-side",
) -> pl.DataFrame:
    """(communityId, userId): per community of ``need``, its ``need`` therapists of
    ``therapists`` (id) not among its ``members`` (``relationships.place``, the communities
    asking): those that fit it, where clients of their state still coming are members, and
    in fewer communities than ``HOST_LOADS`` bounds in turn."""
    if need.is_empty() or therapists.is_empty():
        return pl.DataFrame(schema={"communityId": pl.String, "userId": pl.String})
    areas = therapists.join(
        frames["Therapist"].select(pl.col("userId").alias("id"), "areasOfExpertise"),
        on="id",
        how="left",
        maintain_order="left",
    )["areasOfExpertise"]
    fit = therapist_fit(ctx, areas, comm["slug"])  # therapists x communities
    rows = rows_in(need["communityId"], comm["id"])  # the communities asking
    member_c = rows_in(members["communityId"], comm["id"])
    member_t = rows_in(members["userId"], therapists["id"])
    taken = np.zeros((therapists.height, comm.height), dtype=bool)
    taken[member_t[member_t >= 0], member_c[member_t >= 0]] = True
    client_ids = frames["User"].filter(pl.col("role") == "client")["id"]
    clients = members.filter(pl.col("userId").is_in(client_ids.implode()))
    coming = still_coming(ctx, frames["User"], clients["userId"])
    c_state = home_province(ctx, clients["userId"])
    local = local_clients(
        rows_in(clients["communityId"], comm["id"])[coming],
        c_state[coming],
        home_province(ctx, therapists["id"]),
        comm.height,
    )
    fit_c = np.where(taken, -1, fit).T[rows]  # a member already: never asked again
    load = np.bincount(member_t[member_t >= 0], minlength=therapists.height)
    want = need["need"].to_numpy().astype(np.int64)
    s = ctx.stream("Membership", purpose)
    ck, tk = text_keys(need["communityId"]), text_keys(therapists["id"])
    out_r, out_c = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.intp)]
    for most in HOST_LOADS:  # a tiny fixed loop: looser bounds for those still short
        r, c = place(s, ck, tk, fit_c, local.T[rows], want, np.maximum(most - load, 0))
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


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    users = eligible_users(frames)
    comm = frames["Community"].select(
        pl.col("id").alias("communityId"), pl.col("createdAt").alias("cAt")
    )
    existing = frames["Membership"].select("userId", "communityId")
    # A moderator's membership of a community they moderate is the moderator_assignments
    # enricher's to add: it joins them before the assignment. Those pairs count as taken.
    moderating = frames["ModeratorCommunity"].select(
        pl.col("moderatorId").alias("userId"), "communityId"
    )
    mins = ctx.config
    fits = age_fit(ctx, users, frames["Community"])
    need_user = deficit(
        users.select(pl.col("id").alias("userId"), "role"),
        "userId",
        count_by(existing, "userId"),
        pl.when(pl.col("role") == "client")
        .then(pl.lit(mins.minimum("client", "community_memberships")))
        .when(pl.col("role") == "therapist")
        .then(pl.lit(mins.minimum("therapist", "community_memberships")))
        .otherwise(0),
    )
    by_user = sample_pairs(
        ctx,
        "Membership",
        "user-side",
        need_user,
        "userId",
        comm["communityId"],
        "communityId",
        existing,
        where=fits,
    )
    after = pl.concat([existing, by_user.select(existing.columns)])
    # Every community has HOSTS APPROVED therapists among its members where its staff stay a
    # minority (``relationships.therapist_room``; one at least), who can host its group
    # sessions: those who fit it best (``therapist_fit``), the least busy first.
    c_frame = frames["Community"].select("id", "name", "slug").sort("id")
    room = therapist_room(ctx, frames, frames["ModeratorCommunity"], c_frame)
    therapists = users.filter(pl.col("role") == "therapist").select("id").sort("id")
    is_ther = pl.col("userId").is_in(therapists["id"].implode())
    need_host = deficit(
        c_frame.select(
            pl.col("id").alias("communityId"), pl.Series("want", np.minimum(HOSTS, room))
        ),
        "communityId",
        count_by(after.filter(is_ther), "communityId"),
        pl.col("want") if therapists.height else 0,
    )
    by_host = _hosts(ctx, frames, need_host, therapists, c_frame, after)
    after = pl.concat([after, by_host.select(after.columns)])
    # Clients to each community's target, and as many as keep its staff a minority
    # (``relationships.clients_for``): its therapists, its moderators to be (they join with
    # their assignments), and any other staff member.
    clients = users.filter(pl.col("role") == "client")["id"]
    is_client = pl.col("userId").is_in(clients.implode())
    mods = moderators_of(ctx, frames, frames["ModeratorCommunity"], c_frame["id"])
    other = after.filter(~is_client).join(moderating, on=["userId", "communityId"], how="anti")
    staff = (
        c_frame.select(pl.col("id").alias("communityId"))
        .join(count_by(other, "communityId"), on="communityId", how="left", maintain_order="left")
        .select(pl.col("len").fill_null(0).cast(pl.Int64))
        .to_series()
        .to_numpy()
        + mods
    )
    targets = community_targets(
        ctx, comm["communityId"], users.height, mins.minimum("community", "members")
    )
    want = (
        c_frame.select(pl.col("id").alias("communityId"))
        .with_columns(pl.Series("_staff", staff), pl.Series("_least", clients_for(staff)))
        .join(targets, on="communityId", how="left")
        .select(
            "communityId",
            pl.max_horizontal(pl.col("target") - pl.col("_staff"), "_least").alias("target"),
        )
    )
    need_comm = deficit(
        want, "communityId", count_by(after.filter(is_client), "communityId"), pl.col("target")
    )
    by_comm = sample_pairs(
        ctx,
        "Membership",
        "community-side",
        need_comm,
        "communityId",
        clients,
        "userId",
        pl.concat([after, moderating]).select("communityId", "userId"),
        where=fits,
    )
    # A community whose clients could not make its minimum (an age range few clients are
    # of) takes therapists to it, never beyond as many as its clients (``STAFF_AT_MOST``).
    after = pl.concat([after, by_comm.select(after.columns)])
    n_clients = count_by(after.filter(is_client), "communityId").rename({"len": "_c"})
    fill = (
        c_frame.select(pl.col("id").alias("communityId"), pl.Series("_s", staff))
        .join(n_clients, on="communityId", how="left", maintain_order="left")
        .select(
            "communityId",
            pl.min_horizontal(
                mins.minimum("community", "members") - pl.col("_s") - pl.col("_c").fill_null(0),
                pl.col("_c").fill_null(0) - pl.col("_s"),
            ).alias("need"),
        )
        .filter(pl.col("need") > 0)
    )
    by_fill = _hosts(ctx, frames, fill, therapists, c_frame, after, "fill-side")
    return {
        "Membership": pl.concat(
            [
                _rows(ctx, by_user, users, comm, SALT_USER),
                _rows(ctx, by_comm.select("userId", "communityId"), users, comm, SALT_COMMUNITY),
                _rows(ctx, by_host.select("userId", "communityId"), users, comm, SALT_HOST),
                _rows(ctx, by_fill, users, comm, SALT_FILL),
            ]
        )
    }
