"""Comments: clients ≥ N, APPROVED therapists ≥ M comments; every post ≥ K comments.

Commenters are members of the post's community who joined before commenting, never the
post's author, and comments fall between the post and the anchor (upstream dated them up to
30 days into the future and ignored membership, seeder.md §11.8).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from seedsnap.context import Context, Frames, timestamps
from seedsnap.enrichers.common import count_by, deficit
from seedsnap.generators import content_text
from seedsnap.generators.common import between, pick_rows_from_groups, text_keys
from seedsnap.generators.content import community_posts, posting_members
from seedsnap.random import expand, name_key

READS = ("User", "Therapist", "Membership", "RoomGroup", "Room", "Post", "Comment")
WRITES = ("Comment",)


def _make(ctx: Context, keys: np.ndarray, pairs: pl.DataFrame, purpose: str) -> pl.DataFrame:
    """Comments from (postId, userId, lo ms) rows, one per key."""
    s = ctx.stream("Comment", purpose)
    lo = pairs["lo"].to_numpy()
    at = between(s, keys, lo, np.maximum(lo, ctx.anchor_ms), index=0)
    return pl.DataFrame(
        {
            "id": ctx.ids("Comment", keys),
            "postId": pairs["postId"],
            "userId": pairs["userId"],
            "content": content_text.comments(ctx.stream("Comment", "text"), keys),
            "createdAt": timestamps(at, "createdAt"),
            "updatedAt": timestamps(at, "updatedAt"),
        }
    )


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    members = posting_members(frames)
    posts = community_posts(frames)
    comments = frames["Comment"]

    # Users below their minimum comment on posts of their communities that are not their own.
    users = frames["User"].select(pl.col("id").alias("userId"), "role")
    approved = frames["Therapist"].filter(pl.col("status") == "APPROVED")["userId"].implode()
    users = users.filter(
        (pl.col("role") == "client")
        | ((pl.col("role") == "therapist") & pl.col("userId").is_in(approved))
    )
    minimum = (
        pl.when(pl.col("role") == "client")
        .then(ctx.config.minimum("client", "comments"))
        .otherwise(ctx.config.minimum("therapist", "comments"))
    )
    need = deficit(users, "userId", count_by(comments, "userId"), minimum)
    options = (
        members.select("userId", "communityId", "joinedAt")
        .join(need, on="userId", how="semi")
        .join(posts, on="communityId")
        .filter(pl.col("author") != pl.col("userId"))
        .with_columns((pl.max_horizontal("pAt", "joinedAt").dt.epoch("ms") + 60_000).alias("lo"))
        .select("userId", "postId", "lo")
    )
    need = need.join(options.select("userId").unique(), on="userId", how="semi")
    rows, _, keys = expand(
        text_keys(need["userId"]) ^ name_key("enrich", "comments", "user"), need["need"].to_numpy()
    )
    s = ctx.stream("Comment", "top-up-user")
    user = need["userId"].gather(rows)
    # The picked option row carries its lo (no join back on the two ids).
    picked = pick_rows_from_groups(s, keys, user, options, "userId", "postId").with_columns(user)
    by_users = _make(ctx, keys, picked, "top-up-user")

    # Posts below their minimum get comments from other members of their community.
    after = pl.concat([comments.select("postId"), by_users.select("postId")])
    need_p = deficit(
        posts.select("postId"),
        "postId",
        count_by(after, "postId"),
        ctx.config.minimum("post", "comments"),
    )
    rows, _, keys = expand(
        text_keys(need_p["postId"]) ^ name_key("enrich", "comments", "post"),
        need_p["need"].to_numpy(),
    )
    s = ctx.stream("Comment", "top-up-post")
    p = posts.join(need_p, on="postId", how="semi").sort("postId")
    p_rows = p[rows]
    commenter = pick_rows_from_groups(
        s,
        keys,
        p_rows["communityId"],
        members.select("communityId", "userId", "joinedAt"),
        "communityId",
        "userId",
        exclude=p_rows["author"],
    )
    picked = p_rows.with_columns(commenter.select("userId", "joinedAt"))
    picked = picked.with_columns(
        (pl.max_horizontal("pAt", "joinedAt").dt.epoch("ms") + 60_000).alias("lo"),
        pl.Series("_k", keys),
    ).filter(pl.col("userId").is_not_null())
    by_posts = _make(ctx, picked["_k"].to_numpy(), picked, "top-up-post")
    return {"Comment": pl.concat([by_users, by_posts])}
