"""Moderator assignments: every moderator ≥ N communities, every community ≥ M moderators;
a moderator is a member of each community they moderate.

Upstream only looked at the first 20 communities in DB order (seeder.md §7 row 6); here every
community is covered, by the moderators with the fewest assignments first, preferring
communities the moderator already belongs to. A moderator of a community they had not joined
(a new assignment, or one of the base build's) gets a membership, joined after both the
moderator and the community existed and no later than the assignment.

A moderator is assigned only while they still come (``relationships.moderator_latest``: by
the time they were last seen, so never after deactivating their account). The minimum of
moderators per community counts those who still come at the anchor (``users.still_coming``):
a community whose moderators left is handed over to one who still comes, assigned after the
last of those who left was last seen where there is time for it.

Each moderator's ``assignedCommunities`` (JSON, upstream left it NULL) lists the ids of the
communities their ModeratorCommunity rows assign them, in id order, written at their latest
assignment (``updatedAt`` is not before it). This step makes the last assignments, so it
sets the column in place (``UPDATES``), and only where it changes: a re-run changes nothing.
"""

from __future__ import annotations

import polars as pl

from seedsnap.context import Context, Frames, timestamps
from seedsnap.enrichers.common import count_by, deficit, pair_top_up, take_best
from seedsnap.generators.common import between, json_list, ms_of, natural_ids, text_keys
from seedsnap.generators.relationships import moderator_latest
from seedsnap.generators.users import still_coming
from seedsnap.random import child_keys, name_key

READS = ("Moderator", "Community", "ModeratorCommunity", "Membership", "User")
WRITES = ("ModeratorCommunity", "Membership", "Moderator")
UPDATES = ("Moderator",)
# The Moderator columns this step sets: they follow from the assignments.
SET = ("assignedCommunities", "updatedAt")
SALT = name_key("enrich", "moderator_assignments")
SALT_MEMBER = name_key("enrich", "moderator_assignments", "membership")


def _rows(ctx: Context, chosen: pl.DataFrame) -> pl.DataFrame:
    pair = {c: text_keys(chosen[c]) for c in ("moderatorId", "communityId")}
    lo = chosen["lo"].to_numpy()
    ids, at = pair_top_up(ctx, "ModeratorCommunity", pair, SALT, lo, chosen["hi"].to_numpy())
    return pl.DataFrame(
        {
            "id": ids,
            "moderatorId": chosen["moderatorId"],
            "communityId": chosen["communityId"],
            "assignedAt": timestamps(at, "assignedAt"),
        }
    )


def _memberships(
    ctx: Context, assigned: pl.DataFrame, mods: pl.DataFrame, comm: pl.DataFrame
) -> pl.DataFrame:
    """A membership for each assignment (moderatorId, communityId, assignedAt) whose moderator
    is not a member: joined between both existing and the assignment."""
    rows = (
        assigned.join(mods, on="moderatorId", how="left", maintain_order="left")
        .join(
            comm.select("communityId", "cAt"), on="communityId", how="left", maintain_order="left"
        )
        .sort("moderatorId", "communityId")
    )
    user_k, comm_k = text_keys(rows["moderatorId"]), text_keys(rows["communityId"])
    lo = rows.select(pl.max_horizontal("mAt", "cAt").dt.epoch("ms")).to_series().to_numpy()
    hi = rows.select(ms_of("assignedAt")).to_series().to_numpy()
    # Between the two, keyed by the pair on a stream of its own (no other draw moves).
    at = between(
        ctx.stream("Membership", "moderator"), child_keys(user_k ^ SALT_MEMBER, comm_k), lo, hi
    )
    return pl.DataFrame(
        {
            # The pair's natural id: the same pair has the same id whichever step makes it.
            "id": natural_ids(
                ctx, "Membership", {"userId": user_k, "communityId": rows["communityId"]}
            ),
            "joinedAt": timestamps(at, "joinedAt"),
            "communityId": rows["communityId"],
            "userId": rows["moderatorId"],
        }
    )


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    users = frames["User"]
    mods = frames["Moderator"].select(
        pl.col("userId").alias("moderatorId"), pl.col("createdAt").alias("mAt")
    )
    # The latest each can be assigned, and whether they still come (count for a community).
    mods = mods.with_columns(
        pl.Series("hi", moderator_latest(ctx, users, mods["moderatorId"])),
        pl.Series("coming", still_coming(ctx, users, mods["moderatorId"])),
    )
    comm = frames["Community"].select(
        pl.col("id").alias("communityId"), pl.col("createdAt").alias("cAt")
    )
    existing = frames["ModeratorCommunity"].select("moderatorId", "communityId")
    if mods.is_empty() or comm.is_empty():
        return {}
    members = frames["Membership"].select(
        pl.col("userId").alias("moderatorId"), "communityId", pl.lit(0).alias("_nm"), "joinedAt"
    )
    # Every (moderator, community) pair is a candidate: ids are hashed once per entity.
    # Communities the moderator belongs to come first (``_nm`` 0), then the others.
    mods_k = mods.with_columns(pl.Series("_mk", text_keys(mods["moderatorId"])))
    comm_k = comm.with_columns(pl.Series("_ck", text_keys(comm["communityId"])))
    candidates = (
        mods_k.join(comm_k, how="cross")
        .join(existing, on=["moderatorId", "communityId"], how="anti")
        .join(members, on=["moderatorId", "communityId"], how="left", maintain_order="left")
        .with_columns(
            pl.col("_nm").fill_null(1),
            # After both existed, and after the moderator joined (a member's community).
            (pl.max_horizontal("mAt", "cAt", "joinedAt").dt.epoch("ms") + 60_000).alias("lo"),
            (pl.col("_mk") ^ (pl.col("_ck") * pl.lit(7, dtype=pl.UInt64))).alias("_k"),
        )
        .drop("_mk", "_ck", "joinedAt")
        # Only while the moderator still comes.
        .filter(pl.col("lo") <= pl.col("hi"))
    )
    need_m = deficit(
        mods,
        "moderatorId",
        count_by(existing, "moderatorId"),
        ctx.config.minimum("moderator", "communities_moderated"),
    )
    first = take_best(
        ctx,
        "ModeratorCommunity",
        "moderator-side",
        candidates,
        "moderatorId",
        need_m,
        order=["_nm"],
    )
    after = pl.concat([existing, first.select("moderatorId", "communityId")]).join(
        mods.select("moderatorId", "coming", "hi"), on="moderatorId", how="left"
    )
    load = count_by(after, "moderatorId").rename({"len": "load"})
    # Only moderators who still come count; a community short of them is handed over to one
    # who does, after the last who left was last seen (ASSIGNED_BEFORE_SEEN before their
    # ``hi``) where the new moderator's own bound leaves time for it.
    need_c = deficit(
        comm,
        "communityId",
        count_by(after.filter(pl.col("coming")), "communityId"),
        ctx.config.minimum("community", "moderators"),
    )
    left = (
        after.filter(~pl.col("coming"))
        .group_by("communityId")
        .agg(pl.col("hi").max().alias("_gone"))
        .with_columns(pl.col("_gone").cast(pl.Int64))
    )
    cand_c = (
        candidates.filter(pl.col("coming"))
        .join(first, on=["moderatorId", "communityId"], how="anti")
        .join(load, on="moderatorId", how="left")
        .join(left, on="communityId", how="left")
        .with_columns(
            pl.col("load").fill_null(0),
            # A community nobody left keeps its ``lo`` (min_horizontal would skip the NULL).
            pl.when(pl.col("_gone").is_null())
            .then(pl.col("lo"))
            .otherwise(pl.max_horizontal("lo", pl.min_horizontal("_gone", "hi")))
            .alias("lo"),
        )
        .drop("_gone")
    )
    second = take_best(
        ctx,
        "ModeratorCommunity",
        "community-side",
        cand_c,
        "communityId",
        need_c,
        order=["_nm", "load"],
    )
    added = pl.concat([_rows(ctx, first), _rows(ctx, second)])
    # Every assignment, old and new, whose moderator has not joined the community.
    assigned = pl.concat([frames["ModeratorCommunity"].select(added.columns), added]).join(
        members, on=["moderatorId", "communityId"], how="anti"
    )
    return {
        "ModeratorCommunity": added,
        "Membership": _memberships(
            ctx, assigned.select("moderatorId", "communityId", "assignedAt"), mods, comm
        ),
        "Moderator": _assigned_communities(
            frames["Moderator"],
            pl.concat([frames["ModeratorCommunity"].select(added.columns), added]),
        ),
    }


def _assigned_communities(moderators: pl.DataFrame, assignments: pl.DataFrame) -> pl.DataFrame:
    """The Moderator rows whose ``SET`` columns change: ``assignedCommunities`` the JSON array
    of the ids of their communities (in id order) and ``updatedAt`` not before the last
    assignment. A moderator with no assignment keeps NULL."""
    per = assignments.group_by("moderatorId").agg(
        pl.col("communityId").sort().alias("ids"), pl.col("assignedAt").max().alias("last")
    )
    per = per.select(
        "moderatorId", json_list(pl.col("ids")).expr.alias("assignedCommunities"), "last"
    )
    new = moderators.select("userId", *SET).join(
        per, left_on="userId", right_on="moderatorId", how="inner", suffix="_new"
    )
    new = new.select(
        "userId",
        pl.col("assignedCommunities_new").alias("assignedCommunities"),
        pl.max_horizontal("updatedAt", "last").alias("updatedAt"),
        pl.col("assignedCommunities").alias("_old_a"),
        pl.col("updatedAt").alias("_old_u"),
    )
    changed = ~pl.col("assignedCommunities").eq_missing(pl.col("_old_a")) | (
        pl.col("updatedAt") != pl.col("_old_u")
    )
    return new.filter(changed).select("userId", *SET).sort("userId")
