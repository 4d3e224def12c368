"""Posts: clients their share (at least N, ``users.targets``), APPROVED therapists ≥ M, communities ≥ K posts and recent activity.

Every top-up post is in a room of a community its author is a member of, dated after the
author joined (upstream's enricher posts had no room at all, seeder.md §11.6), every
community has a post within its recent-activity window, and none has posts by one member
alone (its other members could not reach their comment minimums).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from seedsnap.context import MS_PER_DAY, MS_PER_HOUR, Context, Frames
from seedsnap.enrichers.common import count_by, deficit
from seedsnap.generators.common import pick_rows_from_groups, text_keys
from seedsnap.generators.content import make_posts, posting_members
from seedsnap.generators.users import targets, with_seen
from seedsnap.random import expand, name_key

READS = ("User", "Therapist", "Membership", "Community", "RoomGroup", "Room", "Post", "Meeting")
WRITES = ("Post",)


def _by_users(
    ctx: Context, frames: Frames, members: pl.DataFrame, posts: pl.DataFrame
) -> pl.DataFrame:
    users = frames["User"].select(pl.col("id").alias("userId"), "role", "emailVerified")
    approved = frames["Therapist"].filter(pl.col("status") == "APPROVED")["userId"].implode()
    users = users.filter(
        ((pl.col("role") == "client") & pl.col("emailVerified"))
        | ((pl.col("role") == "therapist") & pl.col("userId").is_in(approved))
    ).join(members.select("userId").unique(), on="userId", how="semi")
    # A client posts its share (``users.targets``: the minimum at least, more the longer it
    # has been around and the keener it is); a therapist its minimum.
    share = targets(ctx, frames["User"], users["userId"], ctx.config.minimum("client", "posts"))
    users = users.with_columns(pl.Series("_share", share))
    minimum = (
        pl.when(pl.col("role") == "client")
        .then(pl.col("_share"))
        .otherwise(ctx.config.minimum("therapist", "posts"))
    )
    need = deficit(users, "userId", count_by(posts, "userId"), minimum)
    return _top_up(ctx, frames, members, need, "userId", "communityId", "user")


def _by_communities(
    ctx: Context,
    frames: Frames,
    members: pl.DataFrame,
    posts: pl.DataFrame,
) -> pl.DataFrame:
    room_comm = members.select("roomId", "communityId").unique()
    per_comm = count_by(posts.join(room_comm, on="roomId"), "communityId")
    communities = (
        frames["Community"]
        .select(pl.col("id").alias("communityId"))
        .join(room_comm, on="communityId", how="semi")
        .join(members.select("communityId").unique(), on="communityId", how="semi")
    )
    need = deficit(communities, "communityId", per_comm, ctx.config.minimum("community", "posts"))
    return _top_up(ctx, frames, members, need, "communityId", "userId", "community")


def _top_up(
    ctx: Context,
    frames: Frames,
    members: pl.DataFrame,
    need: pl.DataFrame,
    side: str,
    other: str,
    purpose: str,
) -> pl.DataFrame:
    """``need`` new posts per ``side`` entity, each with a keyed pick of ``other`` among the
    memberships (a user's community, or a community's author)."""
    salt = name_key("enrich", "posts", purpose)
    rows, _, keys = expand(text_keys(need[side]) ^ salt, need["need"].to_numpy())
    s = ctx.stream("Post", f"top-up-{purpose}")
    picked = need[side].gather(rows)
    authors = pick_rows_from_groups(s, keys, picked, members, side, other).with_columns(picked)
    return make_posts(ctx, frames, keys, authors, f"top-up-{purpose}")


def _recent(
    ctx: Context, frames: Frames, members: pl.DataFrame, posts: pl.DataFrame
) -> pl.DataFrame:
    """One post in the recent-activity window for each community without one."""
    days = ctx.config.minimum("community", "recent_activity_days")
    if days <= 0:
        return posts.clear()
    since = ctx.anchor_ms - days * MS_PER_DAY
    room_comm = members.select("roomId", "communityId").unique()
    recent = posts.filter(pl.col("createdAt").dt.epoch("ms") >= since).join(room_comm, on="roomId")
    stale = room_comm.join(recent.select("communityId").unique(), on="communityId", how="anti")
    stale = stale.sort("communityId")
    keys = text_keys(stale["communityId"]) ^ name_key("enrich", "posts", "recent")
    s = ctx.stream("Post", "recent")
    # By a member still coming in the window where the community has one.
    current = members.filter(pl.col("seen") > since + MS_PER_HOUR)
    authors = pick_rows_from_groups(s, keys, stale["communityId"], current, "communityId", "userId")
    if authors["userId"].null_count():
        anyone = pick_rows_from_groups(
            s, keys, stale["communityId"], members, "communityId", "userId"
        )
        authors = authors.select(pl.col(c).fill_null(anyone[c]) for c in authors.columns)
    authors = authors.with_columns(stale["communityId"])
    # The post falls inside the window (or after the author joined, if that is later).
    floor = np.maximum(authors["joinedAt"].dt.epoch("ms").to_numpy(), since)
    authors = authors.with_columns(pl.Series("joinedAt", floor).cast(pl.Datetime("ms")))
    return make_posts(ctx, frames, keys, authors, "recent")


def _second_voice(
    ctx: Context, frames: Frames, members: pl.DataFrame, posts: pl.DataFrame
) -> pl.DataFrame:
    """One post by another member for each community whose posts all have one author: its
    other members would have no post to comment on (their comment minimums)."""
    room_comm = members.select("roomId", "communityId").unique()
    lone = (
        posts.join(room_comm, on="roomId")
        .group_by("communityId")
        .agg(pl.col("userId").n_unique().alias("authors"), pl.col("userId").min().alias("author"))
        .filter(pl.col("authors") == 1)
        .join(members.group_by("communityId").len().filter(pl.col("len") > 1), on="communityId")
        .sort("communityId")
    )
    keys = text_keys(lone["communityId"]) ^ name_key("enrich", "posts", "second-voice")
    s = ctx.stream("Post", "second-voice")
    authors = pick_rows_from_groups(
        s, keys, lone["communityId"], members, "communityId", "userId", exclude=lone["author"]
    )
    return make_posts(ctx, frames, keys, authors, "second-voice")


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    members = with_seen(ctx, frames["User"], posting_members(frames))
    posts = frames["Post"]
    by_users = _by_users(ctx, frames, members, posts)
    posts = pl.concat([posts, ctx.frame("Post", by_users)])
    by_comm = _by_communities(ctx, frames, members, posts)
    posts = pl.concat([posts, ctx.frame("Post", by_comm)])
    recent = _recent(ctx, frames, members, posts)
    posts = pl.concat([posts, ctx.frame("Post", recent)])
    voices = _second_voice(ctx, frames, members, posts)
    added = [by_users, by_comm, recent, voices]
    return {"Post": pl.concat([f.select(by_users.columns) for f in added])}
