"""Reports: members flag posts and comments of their community (seeder.md §7 row 17, §11.16).

Per community, a realistic number: ``ceil(POST_RATE * posts + COMMENT_RATE * comments)``
reports, topped up (not a global "fewer than 3" threshold that adds 3 more on partial states).
Reported items are a keyed sample of the community's posts and comments not yet reported; the
reporter is a keyed client or therapist member of the community who is not the author (so
nobody reports their own content, upstream's §11.16 self-reports) and who had joined before
reporting; ``reportedUserId`` is the author. Reports made in the last days are mostly PENDING;
older ones were REVIEWED or DISMISSED by then, at a review time (``updatedAt``) after the
report, and only where a moderator of the community was assigned by then (the table has no
reviewer column: the moderator is implied by the community).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from seedsnap.context import MS_PER_DAY, MS_PER_HOUR, Context, Frames, timestamps
from seedsnap.generators import social_text as t
from seedsnap.generators.common import ms_of, text_keys
from seedsnap.random import child_keys

READS = ("Post", "Comment", "Room", "RoomGroup", "Membership", "ModeratorCommunity", "User")
WRITES = ("Report",)

POST_RATE = 0.06
COMMENT_RATE = 0.015
REVIEW_DAYS = (0.1, 3.0)
SLACK = 4  # a moderator reviews a report this long after it came in


def _items(frames: Frames) -> pl.DataFrame:
    """Reportable posts and comments: item, kind, communityId, author, created (ms)."""
    rooms = frames["Room"].join(frames["RoomGroup"], left_on="roomGroupId", right_on="id")
    post_comm = frames["Post"].join(
        rooms.select(pl.col("id").alias("roomId"), "communityId"), on="roomId"
    )
    posts = post_comm.select(
        pl.col("id").alias("item"),
        pl.lit("post").alias("kind"),
        "communityId",
        pl.col("userId").alias("author"),
        ms_of("createdAt").alias("created"),
    )
    comments = frames["Comment"].join(
        post_comm.select(pl.col("id").alias("postId"), "communityId"), on="postId"
    )
    comments = comments.select(
        pl.col("id").alias("item"),
        pl.lit("comment").alias("kind"),
        "communityId",
        pl.col("userId").alias("author"),
        ms_of("createdAt").alias("created"),
    )
    return pl.concat([posts, comments])


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    anchor = ctx.anchor_ms
    items = _items(frames)
    if items.is_empty():
        return {}
    existing = frames["Report"]
    reported = pl.concat(
        [existing.select(pl.col("postId").alias("item")),
         existing.select(pl.col("commentId").alias("item"))]
    ).drop_nulls()  # fmt: skip
    have = (
        items.join(reported.unique(), on="item")
        .group_by("communityId")
        .agg(pl.len().cast(pl.Int64).alias("have"))
    )
    target = items.group_by("communityId").agg(
        (pl.col("kind") == "post").sum().alias("posts"),
        (pl.col("kind") == "comment").sum().alias("comments"),
    )
    target = (
        target.join(have, on="communityId", how="left")
        .with_columns(
            (
                (POST_RATE * pl.col("posts") + COMMENT_RATE * pl.col("comments"))
                .ceil()
                .cast(pl.Int64)
                - pl.col("have").fill_null(0)
            ).alias("need")
        )
        .filter(pl.col("need") > 0)
    )
    s = ctx.stream("Report", "pick")
    cand = items.join(reported, on="item", how="anti").join(
        target.select("communityId", "need"), on="communityId"
    )
    ik = text_keys(cand["item"])
    cand = cand.with_columns(pl.Series("ikey", ik), pl.Series("_d", s.bits(ik, 0)))
    # A keyed shortlist per community (twice the need, plus slack for items nobody else can
    # report), so the reporter join stays proportional to the reports made.
    cand = cand.sort("communityId", "_d", "item").with_columns(
        pl.int_range(pl.len()).over("communityId").alias("r")
    )
    cand = cand.filter(pl.col("r") < 2 * pl.col("need") + SLACK).drop("r")

    # Reporter: a client or therapist member of the community, not the author, joined before
    # now; the report follows both the item and the reporter's joining.
    people = frames["User"].filter(pl.col("role").is_in(["client", "therapist"])).select("id")
    members = (
        frames["Membership"]
        .join(people, left_on="userId", right_on="id")
        .select(
            "communityId", pl.col("userId").alias("reporterId"), ms_of("joinedAt").alias("joined")
        )
    )
    pairs = cand.join(members, on="communityId").filter(
        (pl.col("reporterId") != pl.col("author"))
        & (pl.max_horizontal("created", "joined") < anchor - MS_PER_HOUR)
    )
    pk = child_keys(pairs["ikey"].to_numpy(), text_keys(pairs["reporterId"]))
    pairs = pairs.with_columns(pl.Series("pkey", pk))
    pairs = pairs.with_columns(pl.Series("_p", s.bits(pk, 1)))
    pairs = pairs.sort("item", "_p", "reporterId").unique("item", keep="first", maintain_order=True)
    # Then the first reportable items of the shortlist, up to the community's need.
    pairs = pairs.sort("communityId", "_d", "item").with_columns(
        pl.int_range(pl.len()).over("communityId").alias("r")
    )
    pairs = pairs.filter(pl.col("r") < pl.col("need")).drop("r", "_d", "_p", "need")
    if pairs.is_empty():
        return {}
    sr = ctx.stream("Report", "report")
    pk = pairs["pkey"].to_numpy()
    lo = np.maximum(pairs["created"].to_numpy(), pairs["joined"].to_numpy())
    # Most reports come soon after the content appears.
    span = np.minimum(anchor - lo, 10 * MS_PER_DAY)
    created = lo + np.floor(sr.uniform(pk, 0) ** 2 * span).astype(np.int64)
    review_at = created + np.floor(
        (REVIEW_DAYS[0] + sr.uniform(pk, 1) * (REVIEW_DAYS[1] - REVIEW_DAYS[0])) * MS_PER_DAY
    ).astype(np.int64)
    first_mod = (
        frames["ModeratorCommunity"]
        .group_by("communityId")
        .agg(ms_of("assignedAt").min().alias("mod_since"))
    )
    pairs = pairs.with_columns(pl.Series("created", created), pl.Series("review_at", review_at))
    pairs = pairs.join(first_mod, on="communityId", how="left")
    reviewed = (
        (pairs["review_at"] <= anchor)
        & pairs["mod_since"].is_not_null()
        & (pairs["mod_since"] <= pairs["review_at"])
    ).to_numpy()
    # Most reviewed reports lead to action; about a third are dismissed.
    status = np.where(
        reviewed, np.where(sr.bernoulli(pk, 0.35, 2), "DISMISSED", "REVIEWED"), "PENDING"
    )
    reason_i = sr.choice(pk, len(t.REPORT_REASONS), p=[0.25, 0.25, 0.2, 0.1, 0.1, 0.1], index=3)
    detail_i = sr.choice(pk, 3, index=4)
    details = np.asarray([d for r in t.REPORT_REASONS for d in t.REPORTS[r]], dtype=object)[
        reason_i * 3 + detail_i
    ]
    is_post = pairs["kind"].to_numpy() == "post"
    report = pairs.select(
        ctx.ids("Report", pk).alias("id"),
        pl.Series("reason", np.asarray(t.REPORT_REASONS)[reason_i]),
        pl.Series("content", np.asarray(details, dtype=str)).replace("", None),
        pl.Series("status", status),
        pl.when(pl.Series(is_post)).then(pl.col("item")).alias("postId"),
        pl.when(pl.Series(~is_post)).then(pl.col("item")).alias("commentId"),
        pl.col("author").alias("reportedUserId"),
        "reporterId",
        timestamps(created, "createdAt"),
        timestamps(np.where(reviewed, review_at, created), "updatedAt"),
    )
    return {"Report": report}
