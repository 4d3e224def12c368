"""Hearts: clients ≥ N hearts given (post + comment hearts); every post ≥ M hearts.

Upstream piled hearts on the earliest posts in DB order and never ensured a post had any
(seeder.md §7 row 8). Here hearts go to keyed picks among posts of the user's communities,
never on one's own post, never twice on the same post, after the post and the membership.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from seedsnap.context import Context, Frames, timestamps
from seedsnap.enrichers.common import count_by, deficit, take_best
from seedsnap.generators.common import between, text_keys
from seedsnap.generators.content import community_posts, posting_members
from seedsnap.random import child_keys, name_key

READS = ("User", "Therapist", "Membership", "RoomGroup", "Room", "Post", "PostHeart", "Comment",
         "CommentHeart")  # fmt: skip
WRITES = ("PostHeart", "CommentHeart")
SALT = name_key("enrich", "hearts")


def _rows(ctx: Context, table: str, item: str, chosen: pl.DataFrame) -> pl.DataFrame:
    """``table`` rows (PostHeart or CommentHeart) for the chosen (userId, ``item``, lo)."""
    keys = child_keys(text_keys(chosen["userId"]) ^ SALT, text_keys(chosen[item]))
    lo = chosen["lo"].to_numpy()
    at = between(ctx.stream(table, "top-up"), keys, lo, np.maximum(lo, ctx.anchor_ms))
    return pl.DataFrame(
        {
            "id": ctx.ids(table, keys),
            item: chosen[item],
            "userId": chosen["userId"],
            "createdAt": timestamps(at, "createdAt"),
        }
    )


def _candidates(
    pairs: pl.DataFrame, item: str, made: str, key: str, factor: int, hearted: pl.DataFrame
) -> pl.DataFrame:
    """(userId, ``item``, lo, _k) of the (member, item) ``pairs`` a user may heart.

    Not one's own (``author``), not hearted already, after the item was ``made`` and the user
    joined. Only the pairs of entities in need are formed, so cost follows the deficit; the
    key ``_k`` folds the user's and the item's hashes (``_uk``, ``key``), computed once per
    entity. In no particular order: take_best orders them by (side, keyed score, key).
    """
    return (
        pairs.filter(pl.col("author") != pl.col("userId"))
        .join(hearted, on=[item, "userId"], how="anti")
        .with_columns(
            (pl.max_horizontal(made, "joinedAt").dt.epoch("ms") + 1000).alias("lo"),
            (pl.col("_uk") ^ (pl.col(key) * pl.lit(factor, dtype=pl.UInt64))).alias("_k"),
        )
        .select("userId", item, "lo", "_k")
        .unique(["userId", item], keep="first")
    )


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    members = posting_members(frames)
    posts = community_posts(frames)
    existing = frames["PostHeart"].select("postId", "userId")
    given = pl.concat([existing.select("userId"), frames["CommentHeart"].select("userId")])
    clients = frames["User"].filter(pl.col("role") == "client").select(pl.col("id").alias("userId"))
    need_u = deficit(
        clients, "userId", count_by(given, "userId"), ctx.config.minimum("client", "hearts")
    )

    def candidates(pairs: pl.DataFrame) -> pl.DataFrame:
        return _candidates(pairs, "postId", "pAt", "_pk", 11, existing)

    member_cols = members.select("userId", "communityId", "joinedAt")
    member_cols = member_cols.with_columns(pl.Series("_uk", text_keys(member_cols["userId"])))
    posts = posts.with_columns(pl.Series("_pk", text_keys(posts["postId"])))
    cand_u = candidates(
        member_cols.join(need_u, on="userId", how="semi").join(posts, on="communityId")
    )
    by_users = take_best(ctx, "PostHeart", "user-side", cand_u, "userId", need_u)
    after = pl.concat([existing, by_users.select("postId", "userId")])
    need_p = deficit(
        posts.select("postId"),
        "postId",
        count_by(after, "postId"),
        ctx.config.minimum("post", "hearts"),
    )
    cand_p = candidates(
        posts.join(need_p, on="postId", how="semi").join(member_cols, on="communityId")
    ).join(by_users, on=["userId", "postId"], how="anti")
    by_posts = take_best(ctx, "PostHeart", "post-side", cand_p, "postId", need_p)

    # A client whose communities hold too few posts by others to heart makes up the rest
    # with comment hearts (the minimum counts both), on others' comments it has not hearted.
    given = pl.concat([given, by_users.select("userId")])
    need_c = deficit(
        clients, "userId", count_by(given, "userId"), ctx.config.minimum("client", "hearts")
    )
    comments = (
        frames["Comment"]
        .join(posts.select("postId", "communityId"), on="postId")
        .select(
            pl.col("id").alias("commentId"),
            pl.col("userId").alias("author"),
            "communityId",
            pl.col("createdAt").alias("cAt"),
        )
    )
    comments = comments.with_columns(pl.Series("_ck", text_keys(comments["commentId"])))
    cand_c = _candidates(
        member_cols.join(need_c, on="userId", how="semi").join(comments, on="communityId"),
        "commentId",
        "cAt",
        "_ck",
        13,
        frames["CommentHeart"].select("commentId", "userId"),
    )
    by_comments = take_best(ctx, "CommentHeart", "user-side", cand_c, "userId", need_c)
    post_hearts = [_rows(ctx, "PostHeart", "postId", c) for c in (by_users, by_posts)]
    return {
        "PostHeart": pl.concat(post_hearts),
        "CommentHeart": _rows(ctx, "CommentHeart", "commentId", by_comments),
    }
