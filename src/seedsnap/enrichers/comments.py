"""Comments: clients ≥ N, APPROVED therapists ≥ M comments; every post ≥ K comments.

Commenters are members of the post's community who joined before commenting, never the
post's author, and comments follow the post (most within days; ``REACTION_MEAN``) before the
commenter was last seen and the anchor (upstream dated them up to 30 days into the future and
ignored membership, seeder.md §11.8). Those who top up a post are members still coming after it.
Spam draws few comments: none from those topping up their own count who have other posts.
A keyed share of the posts with comments by at least two others (``AUTHOR_REPLY_RATE``) get
one reply of their author, to one of those comments, after it, while the author still came:
the author thanking them (or, on a post in crisis, telling them they reached out); posts that
read as hostile or spam get none.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from seedsnap.arrays import sort_by_text
from seedsnap.context import MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, Context, Frames, timestamps
from seedsnap.enrichers.common import count_by, deficit
from seedsnap.generators import content_text
from seedsnap.generators.clock import waking_soon_after
from seedsnap.generators.common import (
    ms,
    text_keys,
)
from seedsnap.generators.content import (
    REACTION_MEAN,
    REPLY_RATE,
    community_posts,
    content_kind,
    first_still_coming,
    pick_still_coming,
    posting_members,
    thread_repeats,
    with_texts,
)
from seedsnap.generators.users import home_offset_of, seen_of, with_seen
from seedsnap.random import child_keys, expand, name_key

READS = ("User", "Therapist", "Membership", "RoomGroup", "Room", "Post", "Comment", "Meeting")
WRITES = ("Comment",)

AUTHOR_REPLY_RATE = 0.3
# Authors answer sooner than others comment: the replies notify them.
AUTHOR_REPLY_MEAN = 8 * MS_PER_HOUR
AUTHOR_REPLY_WITHIN = 3 * MS_PER_DAY  # ... and at the latest this long after it


def _make(ctx: Context, keys: np.ndarray, pairs: pl.DataFrame, purpose: str) -> pl.DataFrame:
    """Comments (without their text, which follows their thread: ``with_texts``) from
    (postId, userId, lo ms, seen ms) rows, one per key ``_k``, before the commenter was
    last seen (or at ``lo`` if that is later)."""
    s = ctx.stream("Comment", purpose)
    lo = pairs["lo"].to_numpy()
    hi = np.minimum(ctx.anchor_ms, pairs["seen"].to_numpy())
    home = home_offset_of(ctx, pairs["userId"])
    at = waking_soon_after(s, keys, lo, hi, REACTION_MEAN["Comment"], home, index=0)
    return pl.DataFrame(
        {
            "id": ctx.ids("Comment", keys),
            "postId": pairs["postId"],
            "userId": pairs["userId"],
            "createdAt": timestamps(at, "createdAt"),
            "updatedAt": timestamps(at, "updatedAt"),
            "_k": keys,
        }
    )


def author_replies(
    ctx: Context, frames: Frames, comments: pl.DataFrame, posts: pl.DataFrame | None = None
) -> pl.DataFrame:
    """The authors' replies (id, postId, userId, parentId, createdAt, updatedAt, _k; no text)
    on the posts of ``frames`` given all their ``comments`` (id, postId, userId, createdAt,
    content): one, to a friendly comment, on a keyed AUTHOR_REPLY_RATE of the posts, friendly
    or in crisis, that have comments by at least two others and none by their author yet.
    ``posts`` (postId, author, _kind: ``content_kind``) are the posts of ``frames`` if the
    caller has them."""
    if posts is None:
        posts = frames["Post"].select(
            pl.col("id").alias("postId"), pl.col("userId").alias("author"), content_kind("content")
        )
    s = ctx.stream("Comment", "author-reply")
    open_posts = posts.filter(
        pl.col("author").is_not_null()
        & (pl.col("_kind").is_null() | (pl.col("_kind") == content_text.CRISIS))
    ).select("postId", "author")
    # The keyed AUTHOR_REPLY_RATE of the posts, drawn per post (a draw depends on the post's
    # key only): only the comments on those are read (in any order: the picks below sort
    # by post, draw and id).
    lucky = s.bernoulli(text_keys(open_posts["postId"]), AUTHOR_REPLY_RATE, index=0)
    c = comments.select("id", "postId", "userId", "createdAt", "content").join(
        open_posts.filter(pl.Series(lucky)), on="postId"
    )
    answered = c.filter(pl.col("userId") == pl.col("author"))["postId"].implode()
    others = c.filter((pl.col("userId") != pl.col("author")) & ~pl.col("postId").is_in(answered))
    # (The author answers a friendly comment: not one that reads as reportable.)
    cand = others.filter(pl.col("userId").n_unique().over("postId") >= 2).filter(
        content_text.reportable_reason_expr("content").is_null()
    )
    pk = text_keys(cand["postId"])
    seen = np.minimum(seen_of(ctx, frames["User"], cand["author"]), ctx.anchor_ms)
    # The author answers a comment made a minute or more before they were last seen.
    ok = ms(cand["createdAt"]) + MS_PER_MINUTE < seen
    draw = s.bits(child_keys(pk, text_keys(cand["id"])), 1)
    picked = (
        cand.with_columns(pl.Series("_d", draw), pl.Series("seen", seen))
        .filter(pl.Series(ok))
        .sort("postId", "_d", "id")
        .unique("postId", keep="first", maintain_order=True)
    )
    keys = text_keys(picked["postId"]) ^ name_key("enrich", "comments", "author-reply")
    lo = ms(picked["createdAt"]) + MS_PER_MINUTE
    # Within AUTHOR_REPLY_WITHIN of the comment: an answer weeks later would not read as one.
    hi = np.minimum(picked["seen"].to_numpy(), lo + AUTHOR_REPLY_WITHIN)
    home = home_offset_of(ctx, picked["author"])
    at = waking_soon_after(s, keys, lo, hi, AUTHOR_REPLY_MEAN, home, index=2)
    return pl.DataFrame(
        {
            "id": ctx.ids("Comment", keys),
            "postId": picked["postId"],
            "userId": picked["author"],
            "parentId": picked["id"],
            "createdAt": timestamps(at, "createdAt"),
            "updatedAt": timestamps(at, "updatedAt"),
            "_k": keys,
        }
    )


def commenters_in_need(ctx: Context, frames: Frames) -> pl.DataFrame:
    """Verified clients and APPROVED therapists below their comment minimum: (userId,
    need), by id."""
    users = frames["User"].select(pl.col("id").alias("userId"), "role", "emailVerified")
    approved = frames["Therapist"].filter(pl.col("status") == "APPROVED")["userId"].implode()
    users = users.filter(
        ((pl.col("role") == "client") & pl.col("emailVerified"))
        | ((pl.col("role") == "therapist") & pl.col("userId").is_in(approved))
    ).drop("emailVerified")
    minimum = (
        pl.when(pl.col("role") == "client")
        .then(ctx.config.minimum("client", "comments"))
        .otherwise(ctx.config.minimum("therapist", "comments"))
    )
    return deficit(users, "userId", count_by(frames["Comment"], "userId"), minimum)


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    members = with_seen(ctx, frames["User"], posting_members(frames))
    # In id order, so a post's row ``_p`` orders as its id: the picks below key the pools on
    # integer codes (not on wide id strings) and still pick as on the ids.
    posts = sort_by_text(community_posts(frames), "postId").with_row_index("_p")
    comments = frames["Comment"]

    # Users below their minimum comment on posts of their communities that are not their own.
    # A user's code ``_n`` is its row here (deficit sorts by id, so codes order as the ids).
    need = commenters_in_need(ctx, frames).with_row_index("_n")
    # An author in need has its code, any other a code no user has, a NULL author none.
    authors = posts.join(
        need.select(pl.col("userId").alias("author"), pl.col("_n").alias("_a")),
        on="author",
        how="left",
        maintain_order="left",
    ).with_columns(
        pl.when(pl.col("author").is_not_null()).then(pl.col("_a").fill_null(need.height))
    )
    # One query (the million joined rows are filtered and narrowed as they are made, not
    # copied whole at each step); the order of the options does not matter: they are
    # sorted by (user, done, shuffle, post) below.
    options = (
        members.lazy()
        .select("userId", "communityId", "joinedAt", "seen")
        .join(need.lazy().select("userId", "_n"), on="userId")
        .drop("userId")
        .join(authors.lazy().select("communityId", "_p", "_a", "pAt"), on="communityId")
        .filter(pl.col("_a") != pl.col("_n"))
        .select(
            "_n",
            "_p",
            (pl.max_horizontal("pAt", "joinedAt").dt.epoch("ms") + 60_000).alias("lo"),
            "seen",
        )
        .collect()
    )
    # Posts made before the user was last seen, but spam (members have little to say to
    # it); spam where those are all (rare); any post where none was (rarer), as before.
    # Each post's author and kind, read once (the texts below are given them too).
    kinds = frames["Post"].select(
        pl.col("id").alias("postId"), pl.col("userId").alias("author"), content_kind("content")
    )
    spam = (
        kinds.filter(pl.col("_kind") == content_text.SPAM)
        .join(posts.select("postId", "_p"), on="postId")["_p"]
        .implode()
    )
    before = options.filter(pl.col("lo") < pl.col("seen"))
    fits = before.filter(~pl.col("_p").is_in(spam))
    before = pl.concat([fits, before.join(fits.select("_n").unique(), on="_n", how="anti")])
    options = pl.concat([before, options.join(before.select("_n").unique(), on="_n", how="anti")])
    # A user's comments go to distinct posts while it has enough: its options in a keyed
    # shuffle, the posts it has commented on already last, taken in turn from the first.
    s = ctx.stream("Comment", "top-up-user")
    # A (user, post) option as one integer: user code * posts + post code.
    n_opt = options["_n"].to_numpy().astype(np.int64)
    p_opt = options["_p"].to_numpy().astype(np.int64)
    done = (
        comments.select("userId", "postId")
        .join(need.select("userId", "_n"), on="userId")
        .join(posts.select("postId", "_p"), on="postId")
    )
    done_pairs = done["_n"].cast(pl.Int64) * posts.height + done["_p"]
    # (A hashed lookup: a million binary searches in scattered order take far longer.)
    is_done = pl.Series(n_opt * posts.height + p_opt).is_in(done_pairs.implode()).to_numpy()
    user_keys, post_keys = text_keys(need["userId"]), text_keys(posts["postId"])
    shuffle = s.bits(child_keys(user_keys[n_opt], post_keys[p_opt]), 1)
    # The options' order by (user, done, shuffle, post), as positions (only the picked rows
    # are gathered): (user, done) in the high bits of one integer and the shuffle's high
    # bits below, with the whole shuffle and the post breaking ties, orders as those four
    # columns and sorts several times faster.
    group = (n_opt * 2 + is_done).astype(np.uint64)
    width = np.uint64(max(int(2 * need.height).bit_length(), 1))
    packed = (group << (np.uint64(64) - width)) | (shuffle >> width)
    order = (
        pl.DataFrame({"k": packed, "r": shuffle, "p": p_opt})
        .select(pl.arg_sort_by("k", "r", "p", multithreaded=False))
        .to_series()
        .to_numpy()
    )
    count = np.bincount(n_opt, minlength=need.height)
    has = count > 0
    rows, turn, keys = expand(
        user_keys ^ name_key("enrich", "comments", "user"),
        np.where(has, need["need"].to_numpy(), 0),
    )
    # ``rows`` are codes: a user's code is its row in ``need``.
    picked = options[order[(np.cumsum(count) - count)[rows] + turn % count[rows]]]
    by_users = _make(
        ctx,
        keys,
        picked.select(
            need["userId"].gather(rows), posts["postId"].gather(picked["_p"]), "lo", "seen"
        ),
        "top-up-user",
    )

    # Posts below their minimum get comments from other members of their community. Counted
    # per post code: posts are in id order, so the posts in need come as deficit sorts them.
    on_posts = comments.select("postId").join(posts.select("postId", "_p"), on="postId")["_p"]
    count = np.bincount(on_posts.to_numpy(), minlength=posts.height)
    count += np.bincount(picked["_p"].to_numpy(), minlength=posts.height)
    least = ctx.config.minimum("post", "comments")
    short = count < least
    p = posts.filter(pl.Series(short))
    need_p = p.select("postId", pl.Series("need", least - count[short]))
    rows, _, keys = expand(
        text_keys(need_p["postId"]) ^ name_key("enrich", "comments", "post"),
        need_p["need"].to_numpy(),
    )
    s = ctx.stream("Comment", "top-up-post")
    p_rows = p[rows]
    # Not someone who commented on the post already: made here or before.
    commented = pl.concat(
        [comments.select("postId", "userId"), by_users.select("postId", "userId")]
    )
    item = post_keys[p_rows["_p"].to_numpy()]
    taken = child_keys(text_keys(commented["postId"]), text_keys(commented["userId"]))
    commenter, found = pick_still_coming(
        s, keys, p_rows["communityId"], members, ms(p_rows["pAt"]), tuple(range(8)),
        exclude=p_rows["author"], item=item, taken=taken,
    )  # fmt: skip
    # The rows the draws missed take the exact pick (still coming, if anyone in the
    # community is), not a member who had stopped coming before the post.
    miss = np.flatnonzero(~found)
    if len(miss):
        # Nor someone the draws gave the post already.
        drawn = child_keys(item[found], text_keys(commenter["userId"].filter(pl.Series(found))))
        exact = first_still_coming(
            ctx.stream("Comment", "top-up-post-exact"), p_rows["communityId"].gather(miss),
            members, ms(p_rows["pAt"])[miss], p_rows["author"].gather(miss), item[miss],
            np.concatenate([taken, drawn]),
        )  # fmt: skip
        ok = exact["userId"].is_not_null()
        commenter = commenter.with_columns(
            commenter[c].clone().scatter(miss[ok.to_numpy()], exact[c].filter(ok))
            for c in commenter.columns
        )
    picked = p_rows.with_columns(commenter.select("userId", "joinedAt", "seen"))
    picked = picked.with_columns(
        (pl.max_horizontal("pAt", "joinedAt").dt.epoch("ms") + 60_000).alias("lo"),
        pl.Series("_k", keys),
    ).filter(pl.col("userId").is_not_null())
    by_posts = _make(ctx, picked["_k"].to_numpy(), picked, "top-up-post")
    new = pl.concat([by_users, by_posts]).with_columns(pl.lit(None, pl.String).alias("parentId"))
    new = thread_repeats(ctx, new, comments, frames["User"], REPLY_RATE)
    cols = ["id", "postId", "userId", "createdAt", "content"]
    every = pl.concat([comments.select(cols), new.select(cols[:-1])], how="diagonal")
    new = with_texts(ctx, new, every, kinds, frames["User"], frames["Meeting"])
    # The authors answer once every comment is there, with its text.
    every = pl.concat([comments.select(cols), new.select(cols)])
    replies = author_replies(ctx, frames, every, kinds)
    every = pl.concat([every, replies.select(cols[:-1])], how="diagonal")
    replies = with_texts(ctx, replies, every, kinds, frames["User"], frames["Meeting"])
    return {"Comment": pl.concat([new, replies])}
