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

from seedsnap.context import MS_PER_DAY, Context, Frames, timestamps
from seedsnap.enrichers.common import count_by, deficit, pair_top_up, sample_pairs
from seedsnap.generators.common import text_keys
from seedsnap.generators.relationships import (
    JOIN_MEAN,
    JOINED_BEFORE_SEEN,
    max_member_age,
    member_age,
)
from seedsnap.generators.users import home_offset_of, seen_of
from seedsnap.random import name_key

READS = ("User", "Therapist", "Community", "Membership", "ModeratorCommunity")
WRITES = ("Membership",)
SALT_USER = name_key("enrich", "memberships", "user")
SALT_COMMUNITY = name_key("enrich", "memberships", "community")
SALT_HOST = name_key("enrich", "memberships", "host")

# Members a community has beyond its minimum: on average EXTRA_PER_USER per eligible user
# spread over the communities, times a keyed log-normal weight of mean 1 and spread SIZE_SIGMA
# (heavy-tailed, as real community sizes are). A community never takes in more than
# MAX_SHARE of the eligible users through the top-up.
EXTRA_PER_USER = 1.5
SIZE_SIGMA = 1.2
MAX_SHARE = 0.8


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
    targets = community_targets(
        ctx, comm["communityId"], users.height, mins.minimum("community", "members")
    )
    need_comm = deficit(targets, "communityId", count_by(after, "communityId"), pl.col("target"))
    by_comm = sample_pairs(
        ctx,
        "Membership",
        "community-side",
        need_comm,
        "communityId",
        users["id"],
        "userId",
        pl.concat([after, moderating]).select("communityId", "userId"),
        where=fits,
    )
    # Every community has an APPROVED therapist among its members, who can host its group
    # sessions (a community without one had none); its own stream, so nothing else moves.
    after = pl.concat([after, by_comm.select(after.columns)])
    therapists = users.filter(pl.col("role") == "therapist")["id"]
    hosts = after.filter(pl.col("userId").is_in(therapists.implode()))
    need_host = deficit(
        comm.select("communityId"),
        "communityId",
        count_by(hosts, "communityId"),
        1 if therapists.len() else 0,
    )
    by_host = sample_pairs(
        ctx, "Membership", "host-side", need_host, "communityId", therapists, "userId", after
    )
    return {
        "Membership": pl.concat(
            [
                _rows(ctx, by_user, users, comm, SALT_USER),
                _rows(ctx, by_comm.select("userId", "communityId"), users, comm, SALT_COMMUNITY),
                _rows(ctx, by_host.select("userId", "communityId"), users, comm, SALT_HOST),
            ]
        )
    }
