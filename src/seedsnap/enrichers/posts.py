"""Posts: clients' shares, therapists' and communities' minimums, recent activity.

Clients post their share (at least N, ``users.targets``), APPROVED therapists ≥ M, and
communities hold ≥ K posts. Every top-up post is in a room of a community its author is a
member of, dated after the author joined (upstream's enricher posts had no room at all,
seeder.md §11.6), every community has a post within its recent-activity window, none has
posts by one member alone (its other members could not reach their comment minimums), and
every client had posts by others to comment on while it came (``_audience``). Each is made
while the post comment minimum of its other members still come after it
(``content.comment_reach``): a later one's comments fell to members who had stopped coming,
dated after they were last seen (and logged them in again, days later).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from seedsnap.arrays import rows_in
from seedsnap.context import MS_PER_DAY, MS_PER_HOUR, Context, Frames
from seedsnap.enrichers.common import count_by, deficit
from seedsnap.generators.common import ms_of, pick_rows_from_groups, text_keys
from seedsnap.generators.content import (
    FRESH_WITHIN,
    comment_reach,
    make_posts,
    posting_members,
)
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
    # A user's posts are spread over its time in communities, in those it was in then.
    return _top_up(ctx, frames, members, need, "userId", "communityId", "user", members)


def _by_communities(
    ctx: Context,
    frames: Frames,
    members: pl.DataFrame,
    posts: pl.DataFrame,
) -> pl.DataFrame:
    room_comm = members.select("roomId", "communityId").unique()
    per_comm = count_by(posts.select("roomId").join(room_comm, on="roomId"), "communityId")
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
    rehome: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """``need`` new posts per ``side`` entity, each with a keyed pick of ``other`` among the
    memberships (a user's community, or a community's author); ``rehome``: ``make_posts``'
    ``members``."""
    salt = name_key("enrich", "posts", purpose)
    rows, _, keys = expand(text_keys(need[side]) ^ salt, need["need"].to_numpy())
    s = ctx.stream("Post", f"top-up-{purpose}")
    picked = need[side].gather(rows)
    authors = pick_rows_from_groups(s, keys, picked, members, side, other).with_columns(picked)
    return make_posts(
        ctx, frames, keys, authors, f"top-up-{purpose}", rehome, comment_reach(ctx, members)
    )


def _recent(
    ctx: Context, frames: Frames, members: pl.DataFrame, posts: pl.DataFrame
) -> pl.DataFrame:
    """One post in the recent-activity window for each community without one."""
    days = ctx.config.minimum("community", "recent_activity_days")
    if days <= 0:
        return posts.clear()
    since = ctx.anchor_ms - days * MS_PER_DAY
    room_comm = members.select("roomId", "communityId").unique()
    recent = posts.filter(pl.col("createdAt").dt.epoch("ms") >= since).select("roomId")
    recent = recent.join(room_comm, on="roomId")
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
    return make_posts(ctx, frames, keys, authors, "recent", reach=comment_reach(ctx, members))


def _second_voice(
    ctx: Context, frames: Frames, members: pl.DataFrame, posts: pl.DataFrame
) -> pl.DataFrame:
    """One post by another member for each community whose posts all have one author: its
    other members would have no post to comment on (their comment minimums)."""
    room_comm = members.select("roomId", "communityId").unique()
    lone = (
        posts.select("roomId", "userId")
        .join(room_comm, on="roomId")
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
    return make_posts(ctx, frames, keys, authors, "second-voice", reach=comment_reach(ctx, members))


# Posts a client could comment on while it came: a client whose comment minimum needs them
# and whose communities hold fewer than AUDIENCE posts by others between FRESH_WITHIN before
# its joining (still fresh when it came: the comments enricher takes them first) and its
# last visit gets the rest from co-members who came in that time (``_audience``); without
# them its minimum forced comments after it was last seen. One post per comment the minimum
# needs (up to AUDIENCE_MAX): with activity spread over a client's time, one who came for a
# short while had too few posts to comment on and repeated itself on them. (0.16.0 counted
# and made them from its joining only: a client who came for hours had up to AUDIENCE_MAX
# posts by others made in those hours, heavy x3 8 in 6 hours in a community of 0.7 a day,
# 37 of its 63 audience posts in the last 30 days.)
AUDIENCE_PER_POST = 1  # a client's comments per post, at most, that the minimum needs
AUDIENCE_MAX = 7


def _reachable(mine: pl.DataFrame, made: pl.DataFrame) -> pl.DataFrame:
    """(client, len: Int64) for every client of ``mine`` (communityId, client, cJoin, cSeen):
    the posts of ``made`` (communityId, author, pAt) in a community of the client's by
    another author, strictly between the client's ``cJoin`` and ``cSeen``, counted once per
    membership row.

    What a join of the two on the community, filtered, would count, without its rows (a
    client's every membership times its community's every post): per membership, a search
    in the posts ordered by (community, time) for those in its window, less the client's own.
    """
    made = made.filter(pl.col("author").is_not_null())
    window = (pl.col("pAt") > pl.col("cJoin")) & (pl.col("pAt") < pl.col("cSeen"))
    own = (
        mine.join(made, left_on=["communityId", "client"], right_on=["communityId", "author"])
        .filter(window)
        .group_by("client")
        .len()
    )
    comms = mine["communityId"].unique()
    c_made = rows_in(made["communityId"], comms)
    p_at = made["pAt"].to_numpy()[c_made >= 0]
    c_made = c_made[c_made >= 0]
    c_mine = rows_in(mine["communityId"], comms)
    join, seen = mine["cJoin"].to_numpy(), mine["cSeen"].to_numpy()
    times = [t for t in (p_at, join, seen) if len(t)]
    t0 = min(int(t.min()) for t in times) if times else 0
    span = max(int(t.max()) for t in times) - t0 + 1 if times else 1
    # (community, time) as one integer: a community's times in a block of its own.
    at = np.sort(c_made * span + (p_at - t0))
    lo = np.searchsorted(at, c_mine * span + (join - t0), side="right")
    hi = np.searchsorted(at, c_mine * span + (seen - t0), side="left")
    return (
        mine.select("client", pl.Series("n", np.maximum(hi - lo, 0), dtype=pl.Int64))
        .group_by("client")
        .agg(pl.col("n").sum())
        .join(own, on="client", how="left")
        .select("client", (pl.col("n") - pl.col("len").fill_null(0).cast(pl.Int64)).alias("len"))
    )


def _audience(
    ctx: Context, frames: Frames, members: pl.DataFrame, posts: pl.DataFrame
) -> pl.DataFrame:
    """Posts by co-members for each verified client whose communities hold too few posts by
    others made while it came or fresh when it joined (``AUDIENCE_PER_POST``): in a
    community of both, between the later of the co-member's joining and FRESH_WITHIN before
    the client's, and the earlier of their last visits."""
    minimum = ctx.config.minimum("client", "comments")
    need_n = min(-(-minimum // AUDIENCE_PER_POST), AUDIENCE_MAX)
    if need_n <= 0:
        return posts.clear()
    clients = frames["User"].filter((pl.col("role") == "client") & pl.col("emailVerified"))
    mine = members.join(clients.select(pl.col("id").alias("userId")), on="userId", how="semi")
    mine = mine.select(
        "communityId",
        pl.col("userId").alias("client"),
        (ms_of("joinedAt") - FRESH_WITHIN).alias("cJoin"),  # from when a post is fresh
        pl.col("seen").alias("cSeen"),
    )
    room_comm = members.select("roomId", "communityId").unique()
    made = (
        posts.select("roomId", "userId", "createdAt")
        .join(room_comm, on="roomId")
        .select("communityId", pl.col("userId").alias("author"), ms_of("createdAt").alias("pAt"))
    )
    short = (
        _reachable(mine, made)
        .with_columns((need_n - pl.col("len")).alias("need"))
        .filter(pl.col("need") > 0)
        .sort("client")
    )
    if short.is_empty():
        return posts.clear()
    # Co-members who came while the client did, in a community of both.
    cand = (
        mine.join(short.select("client"), on="client", how="semi")
        .join(
            members.select(
                "communityId", "roomId", "userId", ms_of("joinedAt").alias("mJoin"), "seen"
            ),
            on="communityId",
        )
        .filter(pl.col("userId") != pl.col("client"))
        .with_columns(
            (pl.max_horizontal("cJoin", "mJoin") + MS_PER_HOUR).alias("lo"),
            (pl.min_horizontal("cSeen", "seen") - MS_PER_HOUR).alias("hi"),
        )
        .filter(pl.col("lo") < pl.col("hi"))
        .with_columns((pl.col("communityId") + "|" + pl.col("userId")).alias("cand"))
    )
    short = short.join(cand.select("client").unique(), on="client", how="semi")
    salt = name_key("enrich", "posts", "audience")
    rows, _, keys = expand(text_keys(short["client"]) ^ salt, short["need"].to_numpy())
    s = ctx.stream("Post", "audience")
    picked = pick_rows_from_groups(s, keys, short["client"].gather(rows), cand, "client", "cand")
    authors = picked.select(
        "userId",
        "roomId",
        pl.col("lo").cast(pl.Datetime("ms")).alias("joinedAt"),
        pl.col("hi").alias("seen"),
    )
    return make_posts(ctx, frames, keys, authors, "audience", reach=comment_reach(ctx, members))


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
    posts = pl.concat([posts, ctx.frame("Post", voices)])
    audience = _audience(ctx, frames, members, posts)
    added = [by_users, by_comm, recent, voices, audience]
    return {"Post": pl.concat([f.select(by_users.columns) for f in added])}
