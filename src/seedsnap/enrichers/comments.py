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
import numpy.typing as npt
import polars as pl

from seedsnap.arrays import rows_in, sort_by_text
from seedsnap.context import MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, Context, Frames, timestamps
from seedsnap.enrichers.common import count_by, deficit
from seedsnap.generators import content_text
from seedsnap.generators.clock import waking_soon_after
from seedsnap.generators.common import (
    ms,
    text_keys,
)
from seedsnap.generators.content import (
    FRESH_WITHIN,
    REACTION_MEAN,
    REPLY_RATE,
    attention,
    community_posts,
    content_kind,
    first_still_coming,
    pick_still_coming,
    posting_members,
    thread_repeats,
    with_texts,
)
from seedsnap.generators.users import home_offset_of, seen_of, with_seen
from seedsnap.random import I64, U64, child_keys, expand, name_key

READS = ("User", "Therapist", "Membership", "RoomGroup", "Room", "Post", "Comment", "Meeting")
WRITES = ("Comment",)

AUTHOR_REPLY_RATE = 0.3
# Authors answer sooner than others comment: the replies notify them.
AUTHOR_REPLY_MEAN = 8 * MS_PER_HOUR
AUTHOR_REPLY_WITHIN = 3 * MS_PER_DAY  # ... and at the latest this long after it
LATER = 3  # the orders in which a user takes the posts it may comment on (``_first_options``)


def _make(
    ctx: Context, keys: np.ndarray, pairs: pl.DataFrame, purpose: str, home: I64 | None = None
) -> pl.DataFrame:
    """Comments (without their text, which follows their thread: ``with_texts``) from
    (postId, userId, lo ms, seen ms) rows, one per key ``_k``, before the commenter was
    last seen (or at ``lo`` if that is later). ``home``: the commenters' ``home_offset_of``
    where the caller has them."""
    s = ctx.stream("Comment", purpose)
    lo = pairs["lo"].to_numpy()
    hi = np.minimum(ctx.anchor_ms, pairs["seen"].to_numpy())
    if home is None:
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


def _user_options(
    members: pl.DataFrame,
    need: pl.DataFrame,
    posts: pl.DataFrame,
    kinds: pl.DataFrame,
    comments: pl.DataFrame,
) -> tuple[I64, I64, I64, I64, npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """The posts each user of ``need`` (by its code ``_n``, its row) may comment on, by
    user: per option its user code, post code (``_p``, the post's row in ``posts``), ``lo``
    (a minute after the later of the post and the user's joining, ms), the user's ``seen``,
    whether it commented on the post already (``comments``) and whether the user keeps it.

    The options are every post of the user's communities (``members``) with an author, as
    a join of the two would give them; a user keeps those not its own made before it was
    last seen that are not spam (members have little to say to it), else the spam among
    them (rare), else any (rarer). Index arithmetic on the posts grouped by community, not
    a join of a million rows: a user's options are its memberships' blocks of posts.
    """
    communities = posts["communityId"].unique()
    c_post = rows_in(posts["communityId"], communities)
    # Posts with an author, grouped by community (within it, in post order).
    authored = np.flatnonzero(posts["author"].is_not_null().to_numpy())
    block = authored[np.argsort(c_post[authored], kind="stable")]
    size = np.bincount(c_post[authored], minlength=len(communities))
    block_at = np.cumsum(size) - size
    in_block = np.zeros(posts.height, dtype=np.int64)
    in_block[block] = np.arange(len(block)) - block_at[c_post[block]]
    # The memberships of the users in need, in communities with posts, by user.
    n_member = rows_in(members["userId"], need["userId"])
    c_member = rows_in(members["communityId"], communities)
    m = np.flatnonzero((n_member >= 0) & (c_member >= 0))
    m = m[np.argsort(n_member[m], kind="stable")]
    n_m, c_m = n_member[m], c_member[m]
    # One option per (membership, post of its community's block).
    span = size[c_m]
    m_at = np.cumsum(span) - span
    r = np.repeat(np.arange(len(m), dtype=np.int64), span)
    opt_p = block[np.repeat(block_at[c_m] - m_at, span) + np.arange(len(r), dtype=np.int64)]
    opt_n = n_m[r]
    # Posts commented on already: at their membership's block, the post's place in it.
    done = comments.select("userId", "postId").join(posts.select("postId", "_p"), on="postId")
    n_done = rows_in(done["userId"], need["userId"])
    p_done = done["_p"].to_numpy().astype(np.int64)[n_done >= 0]
    n_done = n_done[n_done >= 0]
    m_code = n_m * len(communities) + c_m  # distinct: one membership per user and community
    by_code = np.argsort(m_code)
    d_code = n_done * len(communities) + c_post[p_done]
    at = np.minimum(np.searchsorted(m_code[by_code], d_code), max(len(m) - 1, 0))
    hit = (m_code[by_code[at]] == d_code) if len(m) else np.zeros(0, dtype=bool)
    is_done = np.zeros(len(r), dtype=bool)
    is_done[m_at[by_code[at[hit]]] + in_block[p_done[hit]]] = True
    joined = members["joinedAt"].dt.epoch("ms").to_numpy().astype(np.int64)[m]
    seen = members["seen"].to_numpy().astype(np.int64)[m][r]
    p_at = posts["pAt"].dt.epoch("ms").to_numpy().astype(np.int64)
    lo = np.maximum(p_at[opt_p], joined[r]) + 60_000
    # (The posts looked up among the few spam posts, not those among every post.)
    spam_ids = kinds.filter(pl.col("_kind") == content_text.SPAM)["postId"]
    spam = posts["postId"].is_in(spam_ids.implode()).to_numpy()
    # Tier 0: before and not spam; 1: spam before; 2: after the user was last seen; 3: on
    # one's own post (never). A user keeps the options of its lowest tier but 3.
    tier = np.where(lo < seen, spam[opt_p], 2).astype(np.int8)
    tier[rows_in(posts["author"], need["userId"])[opt_p] == opt_n] = 3
    # (The options of a user are consecutive: its lowest tier is one reduction.)
    users = np.bincount(opt_n, minlength=need.height)
    best = np.full(need.height, 3, dtype=np.int8)
    best[users > 0] = np.minimum.reduceat(tier, (np.cumsum(users) - users)[users > 0])
    keep = (tier == best[opt_n]) & (tier < 3)
    return opt_n, opt_p, lo, seen, is_done, keep


def _first_options(
    n: I64,
    p: I64,
    shuffle: U64,
    later: I64,
    keep: npt.NDArray[np.bool_],
    want: I64,
) -> tuple[I64, I64]:
    """The options (rows of ``n``, ``p``, ``shuffle``, ``later``) each user takes of those it
    keeps, in its order by (later, shuffle, post): positions ``order`` of the options, a
    user's at ``first[user]`` on; each user's first ``want`` (all of them where it wants
    more). ``later`` is 0 for an option taken first, 1 or 2 (``LATER``) for one taken after.

    Only the options that can be among a user's first ``want`` are sorted: those of
    ``later`` 0 below a shuffle threshold, where enough are (their first ``want`` are the
    user's: the others come after them); a user with too few takes all it keeps.
    """
    users = len(want)
    fresh = keep & (later == 0)
    # The share of a user's fresh options expected to hold twice its wants and some.
    share = (2 * want + 16) / np.maximum(np.bincount(n[fresh], minlength=users), 1)
    cut = share < 0.5
    limit = np.where(cut, np.floor(share * 2.0**64), 0).astype(np.uint64)
    sel = fresh & (~cut[n] | (shuffle < limit[n]))
    full = np.bincount(n[sel], minlength=users) < want
    sel |= keep & full[n]
    rows = np.flatnonzero(sel)
    # (user, later) in the high bits of one integer and the shuffle's high bits below, with
    # the whole shuffle and the post breaking ties, orders as those four columns and sorts
    # several times faster.
    n_s, shuffle_s = n[rows], shuffle[rows]
    group = (n_s * LATER + later[rows]).astype(np.uint64)
    width = np.uint64(max(int(LATER * users).bit_length(), 1))
    packed = (group << (np.uint64(64) - width)) | (shuffle_s >> width)
    order = (
        pl.DataFrame({"k": packed, "r": shuffle_s, "p": p[rows]})
        .select(pl.arg_sort_by("k", "r", "p", multithreaded=False))
        .to_series()
        .to_numpy()
    )
    count = np.bincount(n_s, minlength=users)
    return rows[order], np.cumsum(count) - count


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    members = with_seen(ctx, frames["User"], posting_members(frames))
    # In id order, so a post's row ``_p`` orders as its id: the picks below key the pools on
    # integer codes (not on wide id strings) and still pick as on the ids.
    # (Of the posts, only the columns read: a join carries every column of its sides, and
    # the posts' texts are most of the frame.)
    narrow = {**frames, "Post": frames["Post"].select("id", "userId", "roomId", "createdAt")}
    posts = sort_by_text(community_posts(narrow), "postId").with_row_index("_p")
    comments = frames["Comment"]

    # Users below their minimum comment on posts of their communities that are not their own.
    # A user's code ``_n`` is its row here (deficit sorts by id, so codes order as the ids).
    need = commenters_in_need(ctx, frames).with_row_index("_n")
    # Each post's author and kind, read once (the texts below are given them too).
    kinds = frames["Post"].select(
        pl.col("id").alias("postId"), pl.col("userId").alias("author"), content_kind("content")
    )
    n_opt, p_opt, lo_opt, seen_opt, is_done, keep = _user_options(
        members, need, posts, kinds, comments
    )
    # A user's comments go to distinct posts while it has enough: its options in a keyed
    # shuffle, the posts it has commented on already last, taken in turn from the first.
    s = ctx.stream("Comment", "top-up-user")
    user_keys, post_keys = text_keys(need["userId"]), text_keys(posts["postId"])
    pair_keys = child_keys(user_keys[n_opt], post_keys[p_opt])
    shuffle = s.bits(pair_keys, 1)
    # Taken after the others: a post made more than FRESH_WITHIN before the user joined (it
    # would comment on it only when it came, long after), and one of a busy month of its
    # community by its odds of drawing fewer reactions then (``content.attention``); last,
    # those it commented on already.
    p_at = ms(posts["pAt"])
    share = attention(ctx.anchor_ms, posts["communityId"], p_at)
    passed = lo_opt - 60_000 > p_at[p_opt] + FRESH_WITHIN
    # (Drawn only where it decides: ``later`` is read of the options a user keeps, and one
    # done or passed over already is later anyway.)
    undecided = np.flatnonzero(keep & ~is_done & ~passed)
    passed[undecided] = s.uniform(pair_keys[undecided], 2) >= share[p_opt[undecided]]
    later = np.where(is_done, 2, passed.astype(np.int64))
    count = np.bincount(n_opt[keep], minlength=need.height)
    has = count > 0
    want = np.where(has, need["need"].to_numpy(), 0)
    rows, turn, keys = expand(user_keys ^ name_key("enrich", "comments", "user"), want)
    # ``rows`` are codes: a user's code is its row in ``need``. A user takes the first
    # options of its order by (done, shuffle, post), round again past the last.
    order, first = _first_options(n_opt, p_opt, shuffle, later, keep, want)
    pick = order[first[rows] + turn % count[rows]]
    p_picked = p_opt[pick]
    by_users = _make(
        ctx,
        keys,
        pl.DataFrame(
            [
                need["userId"].gather(rows),
                posts["postId"].gather(p_picked),
                pl.Series("lo", lo_opt[pick]),
                pl.Series("seen", seen_opt[pick]),
            ]
        ),
        "top-up-user",
        home_offset_of(ctx, need["userId"])[rows],  # each user's once
    )

    # Posts below their minimum get comments from other members of their community. Counted
    # per post code: posts are in id order, so the posts in need come as deficit sorts them.
    on_posts = comments.select("postId").join(posts.select("postId", "_p"), on="postId")["_p"]
    count = np.bincount(on_posts.to_numpy(), minlength=posts.height)
    count += np.bincount(p_picked, minlength=posts.height)
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
