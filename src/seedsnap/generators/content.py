"""Content: posts inside community rooms, comments with threaded replies, post and comment hearts.

Fixes over upstream (seeder.md §6.2, §11.6, §11.8): authors and commenters are members of the
post's community (therapists included), every post has a room, comments follow their post and
replies their parent, nothing is dated after the anchor, and nobody hearts their own content.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from seedsnap.context import Context, Frames, timestamps
from seedsnap.generators import content_text
from seedsnap.generators.common import between, ms, pick_rows_from_groups, spread_times, text_keys
from seedsnap.random import child_keys, expand

READS = ("User", "Therapist", "Membership", "RoomGroup", "Room")
WRITES = ("Post", "Comment", "PostHeart", "CommentHeart")
# Hearts come from a pool of up to this many members per community (upstream: 12 creators).
HEART_POOL = 12
MAX_COMMENTS_PER_POST = 5
REPLY_RATE = 0.35


def posting_members(frames: Frames) -> pl.DataFrame:
    """Members who may post: clients, APPROVED therapists, moderators; with their room."""
    users = frames["User"].select("id", "role")
    approved = frames["Therapist"].filter(pl.col("status") == "APPROVED")["userId"]
    eligible = users.filter(
        pl.col("role").is_in(["client", "moderator"])
        | ((pl.col("role") == "therapist") & pl.col("id").is_in(approved.implode()))
    )
    rooms = room_of_community(frames)
    return (
        frames["Membership"]
        .join(eligible.select(pl.col("id").alias("userId")), on="userId", how="semi")
        .join(rooms, on="communityId", how="inner")
        .select("communityId", "roomId", "userId", "joinedAt")
    )


def room_of_community(frames: Frames) -> pl.DataFrame:
    """The first room (by group order, room order, id) of each community."""
    return (
        frames["Room"]
        .join(
            frames["RoomGroup"].select(
                pl.col("id").alias("roomGroupId"), "communityId", pl.col("order").alias("gorder")
            ),
            on="roomGroupId",
        )
        .sort("communityId", "gorder", "order", "id")
        .group_by("communityId", maintain_order=True)
        .first()
        .select("communityId", pl.col("id").alias("roomId"))
    )


def make_posts(
    ctx: Context, frames: Frames, author_keys: np.ndarray, authors: pl.DataFrame, purpose: str
) -> pl.DataFrame:
    """Posts by ``authors`` (userId, roomId, joinedAt), one per key, after the author joined."""
    s = ctx.stream("Post", purpose)
    keys = author_keys
    title, content = content_text.posts(ctx.stream("Post", "text"), keys)
    created = between(s, keys, ms(authors["joinedAt"]) + 60_000, ctx.anchor_ms - 60_000, index=1)
    edited = s.bernoulli(keys, 0.2, index=2)
    updated = np.where(edited, between(s, keys, created, ctx.anchor_ms, index=3), created)
    return pl.DataFrame(
        {
            "id": ctx.ids("Post", keys),
            "title": title,
            "content": content,
            "createdAt": timestamps(created, "createdAt"),
            "updatedAt": timestamps(updated, "u"),
            "userId": authors["userId"],
            "roomId": authors["roomId"],
        }
    )


def base_posts(ctx: Context, frames: Frames) -> pl.DataFrame:
    members = posting_members(frames)
    rooms = room_of_community(frames).sort("roomId")
    vol = ctx.config.volumes
    creators = members["userId"].n_unique()
    per_room = int(np.floor(vol["posts_per_user"] * creators / max(rooms.height, 1)))
    room_keys = text_keys(rooms["roomId"])
    rows, _, keys = expand(room_keys, np.full(rooms.height, per_room))
    s = ctx.stream("Post", "base")
    room_ids = rooms["communityId"].gather(rows)
    # The picked membership row carries the author's room and join time.
    authors = pick_rows_from_groups(s, keys, room_ids, members, "communityId", "userId", index=0)
    authors = authors.with_columns(room_ids, pl.Series("_k", keys))
    authors = authors.filter(pl.col("userId").is_not_null())
    return make_posts(ctx, frames, authors["_k"].to_numpy(), authors, "base")


def base_comments(ctx: Context, frames: Frames, posts: pl.DataFrame) -> pl.DataFrame:
    members = posting_members(frames)
    posts = posts.sort("id")
    pk = text_keys(posts["id"])
    s = ctx.stream("Comment", "base")
    n = np.minimum(
        s.integers(pk, 1, int(ctx.config.volumes["comments_per_post"]) + 2, index=0),
        MAX_COMMENTS_PER_POST,
    )
    rows, idx, keys = expand(pk, n)
    post_room = posts["roomId"].gather(rows)
    community = pl.DataFrame({"roomId": post_room}).join(
        members.select("roomId", "communityId").unique(),
        on="roomId",
        how="left",
        maintain_order="left",
    )["communityId"]
    author = posts["userId"].gather(rows)
    picked = pick_rows_from_groups(
        s,
        keys,
        community,
        members.select("communityId", "userId", "joinedAt"),
        "communityId",
        "userId",
        index=1,
        exclude=author,
    )
    commenter = picked["userId"]
    # Comments of a post are increasing in time from the post to the anchor, so a reply
    # (to any earlier comment of the same post) always follows its parent.
    post_ms = ms(posts["createdAt"])[rows]
    created = spread_times(s, keys, rows, post_ms, ctx.anchor_ms, index=2)
    # Not before the commenter joined; then made increasing again within the post (a running
    # maximum plus the comment's index in ms), so replies still follow their parents.
    joined = picked["joinedAt"]
    floor = joined.dt.epoch("ms").fill_null(0).to_numpy() + 60_000
    created = (
        pl.DataFrame({"g": rows, "t": np.maximum(created, floor)})
        .select(pl.col("t").cum_max().over("g"))["t"]
        .to_numpy()
        + idx
    )
    is_reply = (idx > 0) & s.bernoulli(keys, REPLY_RATE, index=4)
    parent_idx = np.floor(s.uniform(keys, 5) * np.maximum(idx, 1)).astype(np.int64)
    parent_keys = child_keys(pk[rows], parent_idx)
    parent = pl.select(
        pl.when(pl.lit(pl.Series(is_reply)))
        .then(pl.lit(ctx.ids("Comment", parent_keys)))
        .otherwise(None)
    ).to_series()
    df = pl.DataFrame(
        {
            "id": ctx.ids("Comment", keys),
            "postId": posts["id"].gather(rows),
            "userId": commenter,
            "content": content_text.comments(ctx.stream("Comment", "text"), keys),
            "parentId": parent,
            "createdAt": timestamps(created, "createdAt"),
            "updatedAt": timestamps(created, "updatedAt"),
            "_ok": commenter.is_not_null(),
        }
    )
    # A comment whose commenter could not be drawn (author alone in the community) is dropped
    # with its replies; replies to a dropped parent are re-attached at the top level.
    kept = df.filter(pl.col("_ok"))
    return kept.with_columns(
        pl.when(pl.col("parentId").is_in(kept["id"].implode()))
        .then(pl.col("parentId"))
        .otherwise(None)
        .alias("parentId")
    ).drop("_ok")


def heart_pool(ctx: Context, frames: Frames) -> pl.DataFrame:
    """Up to HEART_POOL members per community (keyed choice): communityId, userId, joinedAt."""
    members = posting_members(frames).sort("communityId", "userId")
    s = ctx.stream("PostHeart", "pool")
    score = s.bits(text_keys(members["communityId"]) ^ text_keys(members["userId"]))
    return (
        members.with_columns(pl.Series("_s", score))
        .sort("communityId", "_s")
        .group_by("communityId", maintain_order=True)
        .head(HEART_POOL)
        .drop("_s")
    )


def hearts(
    ctx: Context, items: pl.DataFrame, pool: pl.DataFrame, table: str, item_col: str, rate: float
) -> pl.DataFrame:
    """Each pool member of the item's community (not its author) hearts it with ``rate``."""
    # Keys are hashed once per item and per member, not once per (item, member) pair.
    items = items.with_columns(pl.Series("_ik", text_keys(items["itemId"])))
    pool = pool.rename({"userId": "hearter"})
    pool = pool.with_columns(pl.Series("_hk", text_keys(pool["hearter"])))
    pairs = items.join(pool, on="communityId", how="inner")
    pairs = pairs.filter(pl.col("hearter") != pl.col("author"))
    keys = pairs["_ik"].to_numpy() ^ pairs["_hk"].to_numpy()
    s = ctx.stream(table, "base")
    chosen = s.bernoulli(keys, rate, index=0)
    pairs, keys = pairs.filter(pl.Series(chosen)), keys[chosen]
    lo = np.maximum(ms(pairs["createdAt"]), ms(pairs["joinedAt"]))
    at = between(s, keys, lo + 1000, ctx.anchor_ms, index=1)
    return pl.DataFrame(
        {
            "id": ctx.ids(table, keys),
            item_col: pairs["itemId"],
            "userId": pairs["hearter"],
            "createdAt": timestamps(at, "createdAt"),
        }
    )


def room_communities(frames: Frames) -> pl.DataFrame:
    """The community of every room: roomId, communityId."""
    return (
        frames["Room"]
        .join(
            frames["RoomGroup"].select(pl.col("id").alias("roomGroupId"), "communityId"),
            on="roomGroupId",
        )
        .select(pl.col("id").alias("roomId"), "communityId")
    )


def community_posts(frames: Frames) -> pl.DataFrame:
    """Every post with its community: postId, author, communityId, pAt (createdAt)."""
    return (
        frames["Post"]
        .join(room_communities(frames), on="roomId")
        .select(
            pl.col("id").alias("postId"),
            pl.col("userId").alias("author"),
            "communityId",
            pl.col("createdAt").alias("pAt"),
        )
    )


def post_items(frames: Frames, posts: pl.DataFrame) -> pl.DataFrame:
    return posts.join(room_communities(frames), on="roomId").select(
        pl.col("id").alias("itemId"), "communityId", pl.col("userId").alias("author"), "createdAt"
    )


def comment_items(frames: Frames, posts: pl.DataFrame, comments: pl.DataFrame) -> pl.DataFrame:
    rooms = room_of_community(frames)
    post_comm = posts.join(rooms, on="roomId").select(pl.col("id").alias("postId"), "communityId")
    return comments.join(post_comm, on="postId").select(
        pl.col("id").alias("itemId"), "communityId", pl.col("userId").alias("author"), "createdAt"
    )


def generate(ctx: Context, frames: Frames) -> Frames:
    posts = base_posts(ctx, frames)
    comments = base_comments(ctx, frames, posts)
    pool = heart_pool(ctx, frames)
    vol = ctx.config.volumes
    post_hearts = hearts(
        ctx, post_items(frames, posts), pool, "PostHeart", "postId", vol["post_heart_rate"]
    )
    comment_hearts = hearts(
        ctx,
        comment_items(frames, posts, comments),
        pool,
        "CommentHeart",
        "commentId",
        vol["comment_heart_rate"],
    )
    return {
        "Post": posts,
        "Comment": comments,
        "PostHeart": post_hearts,
        "CommentHeart": comment_hearts,
    }
