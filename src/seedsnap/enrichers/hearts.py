"""Hearts: clients ≥ N hearts given (post + comment hearts); every post ≥ M hearts, and
beyond that as many as it draws (``popular``: most a few, some many).

Upstream piled hearts on the earliest posts in DB order and never ensured a post had any
(seeder.md §7 row 8). Here hearts go to keyed picks among posts of the user's communities,
never on one's own post, never twice on the same post, after the post and the membership,
and before the user was last seen (``users.last_seen``): pairs the user was seen after first.

Nobody hearts a post or comment that reads as misconduct (hostility, spam, promotion:
``content_text.MISCONDUCT_REASONS``): it draws no hearts beyond the minimum, no client gives
one to reach its own minimum, and the per-post minimum does not apply to it (check exempts it
too). A heart there would be someone applauding an insult or an advert: in 0.9.0 such posts
drew as many hearts as supportive ones, therapists' and moderators' among them, and 72 from
the very members who reported them. Reports come after hearts (they are of what was said),
so what is misconduct is read from the text, as the reports enricher reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from seedsnap.arrays import in_sorted, rows_in, sort_by_text
from seedsnap.context import MS_PER_DAY, Context, Frames, timestamps
from seedsnap.enrichers.common import best_rows, count_by, deficit, pair_top_up
from seedsnap.generators import content_text
from seedsnap.generators.common import ms, text_keys
from seedsnap.generators.content import (
    FEED_WITHIN,
    REACTION_MEAN,
    attention,
    community_posts,
    posting_members,
)
from seedsnap.generators.users import home_offset_of, last_seen
from seedsnap.random import F64, I64, U64, name_key

READS = ("User", "Therapist", "Membership", "RoomGroup", "Room", "Post", "PostHeart", "Comment",
         "CommentHeart")  # fmt: skip
WRITES = ("PostHeart", "CommentHeart")
SALT = name_key("enrich", "hearts")
# Hearts a post draws from its community beyond the minimum: lognormal, median POPULAR_MEDIAN
# and spread POPULAR_SIGMA (most posts get a few, some many), at most POPULAR_CAP; a post
# younger than POPULAR_DAYS has drawn only its share so far; rounded by a keyed draw (``popular``).
# Comment hearts a build has at least, where its members could give them (light drew none).
MIN_COMMENT_HEARTS = 1
POPULAR_MEDIAN = 3.0
POPULAR_SIGMA = 0.9
POPULAR_CAP = 40
POPULAR_DAYS = 7
# A side entity's rows read and sorted for its best ones: those with draws under a cut that
# CUT_SPARE[0] times its need and CUT_EXTRA more of them fall under; where too few of those
# do, those under the next cut; at the last, all of them (``_best_rows``).
CUT_SPARE = (2, 8)
CUT_EXTRA = 4

# Ids are coded as integers once (a user: its row in User, ``_u``; an item: its row in the
# post or comment frame, ``_i``) so the (member x item) pairs are joined, filtered and ordered
# on integers, not on wide strings; ids are gathered back only for the chosen pairs.


def _rows(
    ctx: Context, table: str, item: str, chosen: pl.DataFrame, home: I64 | None = None
) -> pl.DataFrame:
    """``table`` rows (PostHeart or CommentHeart) for the chosen (userId, ``item``, lo, seen):
    after ``lo``, before the user was last seen where it is later.

    ``_uk`` and ``_ik`` are the text keys of the user's and the item's ids; ``home``, the
    users' ``home_offset_of`` where the caller has them.
    """
    pair = {"userId": chosen["_uk"].to_numpy(), item: chosen["_ik"].to_numpy()}
    lo = chosen["lo"].to_numpy()
    hi = np.minimum(ctx.anchor_ms, chosen["seen"].to_numpy())
    if home is None:
        home = home_offset_of(ctx, chosen["userId"])
    ids, at = pair_top_up(ctx, table, pair, SALT, lo, hi, mean_ms=REACTION_MEAN[table], home=home)
    return pl.DataFrame(
        {
            "id": ids,
            item: chosen[item],
            "userId": chosen["userId"],
            "createdAt": timestamps(at, "createdAt"),
        }
    )


@dataclass(frozen=True, eq=False)
class _Pairs:
    """Rows ``at`` of ``left`` beside rows ``other`` of ``right``: the frame of their columns
    side by side (``frame``), read a column at a time (``column``) without writing it. The
    pairs are a million rows and more (heavy x40: 1.7 million on the post side) of a few
    thousand items and members: gathering the sides' arrays per pair, as ``_take`` reads
    them, costs a fraction of writing every column of the frame and reading it back."""

    left: pl.DataFrame
    right: pl.DataFrame
    at: I64
    other: I64

    def column(
        self, name: str, null: int | None = None, rows: I64 | None = None
    ) -> npt.NDArray[Any]:
        """Column ``name`` per pair (those at ``rows`` where given) as numpy: a datetime as
        epoch ms, NULL as ``null``."""
        side, at = (self.left, self.at) if name in self.left.columns else (self.right, self.other)
        at = at if rows is None else at[rows]
        col = side[name]
        if col.dtype == pl.Datetime:
            return ms(col)[at]
        if null is not None:
            col = col.cast(pl.Int64).fill_null(null)
        return col.to_numpy()[at]

    def frame(self, rows: I64 | None = None) -> pl.DataFrame:
        """The pairs (those at ``rows`` where given) as one frame, ``left``'s columns first."""
        at, other = (self.at, self.other) if rows is None else (self.at[rows], self.other[rows])
        sides = [self.left[at], *([self.right[other]] if self.right.width else [])]
        return pl.concat(sides, how="horizontal")


def _take(
    ctx: Context,
    table: str,
    purpose: str,
    pairs: _Pairs,
    need: pl.Series,
    made: str,
    factor: int,
    hearted: pl.Series,
    n_users: int,
    repeated: bool,
    awake: bool = False,
) -> pl.DataFrame:
    """Per side entity (``_r``: its row in ``need``), its ``need`` pairs a user may heart.

    Not one's own (author ``_a``), not ``hearted`` already (pair codes), after the item was
    ``made`` and the user joined; first those the user was still seen after (``seen``) and
    had joined by FEED_WITHIN after the item, then the later joiners, the others only where
    too few are. ``repeated``: some pair may come twice (a repeated
    membership); it then counts once, its first row. best_rows chooses as take_best does:
    the side's row follows its id's order (the need frames are sorted by id), so ordering on
    ``_r`` is ordering on the side's id. Returns the chosen rows of ``pairs`` in that order,
    with lo. ``awake``: only pairs the user was still seen after and joined by FEED_WITHIN
    after the item (for hearts no minimum asks).
    """
    # On the columns as arrays: the pairs are a million rows and more (heavy x40: 1.7
    # million on the post side). Every pair is drawn; what else decides a pair is read of
    # the few _best_rows can choose only.
    keys = pairs.column("_uk") ^ (pairs.column("_ik") * np.uint64(factor))
    score = ctx.stream(table, purpose).bits(keys)
    once = None
    if repeated:
        once = pl.Series(_codes_at(pairs, n_users)).is_first_distinct().to_numpy()
    taken = np.sort(hearted.to_numpy().astype(np.int64))

    def fit(at: I64) -> tuple[I64, I64]:
        """The pairs at ``at`` a user may heart, and their lateness (0: on time)."""
        made_ms, joined = pairs.column(made, rows=at), pairs.column("joinedAt", rows=at)
        # A member who joined more than FEED_WITHIN after the item would heart it long after.
        stale = joined > made_ms + FEED_WITHIN
        late = (np.maximum(made_ms, joined) + 1000 >= pairs.column("seen", rows=at)) * 2 + stale
        # (A NULL author hearts none: its pairs are not allowed.)
        author, u = pairs.column("_a", null=-1, rows=at), pairs.column("_u", rows=at)
        ok = (author >= 0) & (author != u)
        if awake:
            ok &= late == 0
        if once is not None:
            ok &= once[at]
        ok[ok] = ~in_sorted(_codes_at(pairs, n_users, at[ok]), taken)
        return at[ok], late[ok].astype(np.int64)

    chosen = _best_rows(pairs.column("_r"), need.to_numpy(), score, keys, fit)
    lo = np.maximum(pairs.column(made, rows=chosen), pairs.column("joinedAt", rows=chosen)) + 1000
    return pairs.frame(chosen).with_columns(pl.Series("lo", lo))


def _codes_at(pairs: _Pairs, n_users: int, rows: I64 | None = None) -> I64:
    """The (item, user) codes of the pairs (those at ``rows`` where given), as ``hearted``
    holds them."""
    i = pairs.column("_i", rows=rows).astype(np.int64)
    out: I64 = i * n_users + pairs.column("_u", rows=rows)
    return out


def _best_rows(
    entity: np.ndarray,
    need: np.ndarray,
    score: U64,
    keys: U64,
    fit: Callable[[I64], tuple[I64, I64]],
) -> I64:
    """``best_rows(entity, need, score, keys, [late])`` of the rows ``fit`` keeps (no rank
    where none is late), asking ``fit`` of the rows that can be chosen only: given rows, it
    returns those that may be chosen and their ``late`` code (0: on time).

    An entity's rows with a draw under a cut, set so that CUT_SPARE[0] times its need and
    CUT_EXTRA more of all its rows are expected under it, are asked first: where those kept
    and on time make its need, its best rows are among them (they come before its other
    kept rows in (late, score)); where they do not, those under the next cut are, and at
    the last all its rows. The cuts only bound the rows asked and sorted: the choice is the
    same whatever they are. The post side has some 38 pairs per post it needs one heart for
    (heavy x40: 1.7 million): what decides a pair, read of every one of them, and their sort
    were most of the step's time.
    """
    entity = entity.astype(np.intp, copy=False)
    size = np.maximum(np.bincount(entity, minlength=len(need)), 1)
    todo = need > 0  # (an entity needing none is never asked for its rows)
    taken: list[tuple[I64, I64]] = []
    for spare in (*CUT_SPARE, None):
        if spare is None:
            rows, late = fit(np.flatnonzero(todo[entity]))
            taken.append((rows, late))
            break
        q = (spare * need + CUT_EXTRA) / size
        # score < q * 2**64, as score <= its floor less one (all of them from q = 1/2 up).
        top = np.floor(np.minimum(q, 0.5) * 2.0**64).astype(np.uint64) - np.uint64(1)
        top[q >= 0.5] = np.iinfo(np.uint64).max
        rows, late = fit(np.flatnonzero(todo[entity] & (score <= top[entity])))
        on_time = late == 0
        enough = np.bincount(entity[rows[on_time]], minlength=len(need)) >= need
        on_time &= enough[entity[rows]]
        taken.append((rows[on_time], late[on_time]))
        todo &= ~enough
        if not todo.any():
            break
    rows, late = (np.concatenate(part) for part in zip(*taken, strict=True))
    # (In row order, as all the rows: rows equal on every key keep it.)
    order = np.argsort(rows, kind="stable")
    rows, late = rows[order], late[order]
    ranks = [late] if late.any() else []  # no code (nor its bit) where none is late
    out: I64 = rows[best_rows(entity[rows], need, score[rows], keys[rows], ranks)]
    return out


def _on_items(
    hearts: pl.DataFrame, item: str, items: pl.DataFrame, users: pl.DataFrame
) -> pl.DataFrame:
    """Existing ``hearts`` (``item``, userId) on ``items``: (_i, _pair = _i * len(users) + _u).

    ``_pair`` is NULL for a user outside User (no member: no candidate pair to exclude).
    """
    return (
        hearts.join(items.select(item, "_i"), on=item)
        .join(users, on="userId", how="left")
        .select("_i", (pl.col("_i").cast(pl.Int64) * users.height + pl.col("_u")).alias("_pair"))
    )


def _short_posts(
    posts: pl.DataFrame,
    post_cols: pl.DataFrame,
    member_cols: pl.DataFrame,
    count: np.ndarray,
    want: int | np.ndarray,
) -> tuple[pl.DataFrame, _Pairs]:
    """The posts (rows of ``posts``) with fewer hearts (``count``) than ``want``: (_r, postId,
    _i, need) sorted by postId (deficit's order), and their (_r, post, member) pairs."""
    want = np.broadcast_to(np.asarray(want, dtype=np.int64), count.shape)
    short = np.flatnonzero(count < want)
    need = sort_by_text(
        pl.DataFrame(
            {
                "postId": posts["postId"].gather(short),
                "_i": pl.Series(short, dtype=pl.UInt32),
                "need": want[short] - count[short].astype(np.int64),
            }
        ),
        "postId",
    ).with_row_index("_r")
    on_posts = post_cols.drop("_i")[need["_i"].to_numpy()]
    return need, _in_communities(
        pl.concat([need.select("_r", "_i"), on_posts], how="horizontal"), member_cols
    )


def _in_communities(rows: pl.DataFrame, others: pl.DataFrame) -> _Pairs:
    """Each of ``rows`` beside each of ``others`` of its community (``_c``: a code, -1 for
    none), without ``_c``: their inner join on it, in another order (by row, then other),
    which no pick depends on (``_take`` orders by its draws). Index arithmetic, not a join:
    the post side's pairs are 1.7 million at heavy x40, and the join most of the step."""
    code, other_code = rows["_c"].to_numpy(), others["_c"].to_numpy()
    has = np.flatnonzero(other_code >= 0)
    block = has[np.argsort(other_code[has], kind="stable")]
    groups = max(int(code.max(initial=-1)), int(other_code.max(initial=-1))) + 1
    size = np.bincount(other_code[has], minlength=max(groups, 1))
    c = np.maximum(code, 0)
    span = np.where(code >= 0, size[c], 0)
    at = np.repeat(np.arange(len(code), dtype=np.int64), span)
    start = np.cumsum(size) - size
    other = block[np.repeat(start[c] - (np.cumsum(span) - span), span) + np.arange(len(at))]
    return _Pairs(rows.drop("_c"), others.drop("_c"), at, other)


def _pair_codes(chosen: pl.DataFrame, n_users: int) -> pl.Series:
    """The (item, user) pair codes of ``chosen`` rows (_i, _u), as ``hearted`` holds them."""
    return chosen.select(pl.col("_i").cast(pl.Int64) * n_users + pl.col("_u")).to_series()


def misconduct(posts: pl.DataFrame, ids: pl.Series) -> np.ndarray:
    """Whether each post of ``ids`` (among ``posts``: id, content) reads as misconduct."""
    flag = posts.select(
        pl.col("id").alias("postId"), content_text.misconduct_expr("content").alias("_bad")
    )
    out: np.ndarray = (
        ids.to_frame("postId")
        .join(flag, on="postId", how="left", maintain_order="left")["_bad"]
        .fill_null(False)
        .to_numpy()
    )
    return out


def popular(ctx: Context, post_ids: pl.Series, made: np.ndarray, share: F64) -> I64:
    """Hearts each post of ``post_ids`` (made at epoch ms ``made``) draws in all: a keyed
    lognormal around POPULAR_MEDIAN (spread POPULAR_SIGMA), at most POPULAR_CAP, a post of
    the last POPULAR_DAYS only its share of them by its age, and one of a busy month its
    ``share`` (``content.attention``). Rounded by a keyed draw, not down: flooring took a
    heart from nearly every post, and with the minimum's one heart most posts stayed at it."""
    keys = text_keys(post_ids)
    z = ctx.stream("PostHeart", "popularity").normal(keys)
    days = (ctx.anchor_ms - np.asarray(made, dtype=np.int64)) / MS_PER_DAY
    grown = np.clip(days / POPULAR_DAYS, 0.0, 1.0)
    mean = POPULAR_MEDIAN * np.exp(POPULAR_SIGMA * z) * grown * share
    want = np.floor(mean + ctx.stream("PostHeart", "popularity-rounding").uniform(keys))
    out: I64 = np.minimum(want, POPULAR_CAP).astype(np.int64)
    return out


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    users = frames["User"].select(pl.col("id").alias("userId")).with_row_index("_u")
    n_users = users.height
    authors = users.select(pl.col("userId").alias("author"), pl.col("_u").alias("_a"))
    # An author outside User is no member (a code no member has); a NULL author hearts none.
    author_code = (
        pl.when(pl.col("author").is_not_null()).then(pl.col("_a").fill_null(n_users)).alias("_a")
    )
    # posting_members keeps users of User only: every member has a code.
    members = (
        posting_members(frames)
        .select("userId", "communityId", "joinedAt")
        .join(users, on="userId", maintain_order="left")
    )
    seen = last_seen(ctx, frames["User"])  # by row of User: by ``_u``
    # A community as a code (its row among the members' communities; -1: none of theirs):
    # the pairs below are the members and items of one code (``_in_communities``).
    communities = members["communityId"].drop_nulls().unique()
    members = members.with_columns(
        pl.Series("_uk", text_keys(members["userId"])),
        pl.Series("seen", seen[members["_u"].to_numpy()]),
        pl.Series("_c", rows_in(members["communityId"], communities)),
    )
    member_cols = members.select("_c", "_u", "joinedAt", "_uk", "seen")
    # An item is in one community, so a (user, item) pair comes twice only from a repeated
    # membership: checked here once, on the far smaller frame, for every _take.
    repeated = bool(members.select("_u", "communityId").is_duplicated().any())
    posts = (
        community_posts(
            {**frames, "Post": frames["Post"].select("id", "userId", "roomId", "createdAt")}
        )
        .with_row_index("_i")
        .join(authors, on="author", how="left", maintain_order="left")
        .with_columns(author_code)
    )
    posts = posts.with_columns(
        pl.Series("_ik", text_keys(posts["postId"])),
        pl.Series("_c", rows_in(posts["communityId"], communities)),
    )
    post_cols = posts.select("_c", "_i", "_a", "pAt", "_ik")
    # Misconduct draws no hearts (the module docstring): by row of ``posts`` (``_i``).
    bad = misconduct(frames["Post"], posts["postId"])
    decent_cols = post_cols.filter(pl.Series(~bad))  # (post_cols is in ``_i`` order)
    existing = frames["PostHeart"].select("postId", "userId")
    given = pl.concat([existing.select("userId"), frames["CommentHeart"].select("userId")])
    clients = (
        frames["User"]
        .filter((pl.col("role") == "client") & pl.col("emailVerified"))
        .select(pl.col("id").alias("userId"))
    )
    need_u = deficit(
        clients, "userId", count_by(given, "userId"), ctx.config.minimum("client", "hearts")
    )
    on_posts = _on_items(existing, "postId", posts, users)
    hearted = on_posts["_pair"].drop_nulls()

    def by_user(need: pl.DataFrame, items: pl.DataFrame) -> _Pairs:
        """Pairs of the users in ``need`` (``_r``: row in it) with the items of their communities."""
        code = rows_in(members["userId"], need["userId"])
        of_need = np.flatnonzero(code >= 0)
        rows = member_cols[of_need].with_columns(pl.Series("_r", code[of_need], dtype=pl.UInt32))
        return _in_communities(rows, items)

    by_users = _take(
        ctx, "PostHeart", "user-side", by_user(need_u, decent_cols), need_u["need"], "pAt", 11,
        hearted, n_users, repeated,
    )  # fmt: skip

    # Hearts per post (deficit's count): existing ones on posts, plus the user-side picks.
    min_p = ctx.config.minimum("post", "hearts")
    count = np.bincount(on_posts["_i"].to_numpy(), minlength=posts.height)
    count += np.bincount(by_users["_i"].to_numpy(), minlength=posts.height)
    need_p, pairs_p = _short_posts(posts, post_cols, member_cols, count, np.where(bad, 0, min_p))
    by_users_pairs = _pair_codes(by_users, n_users)
    by_posts = _take(
        ctx, "PostHeart", "post-side", pairs_p, need_p["need"], "pAt", 11,
        pl.concat([hearted, by_users_pairs]), n_users, repeated,
    )  # fmt: skip

    # Beyond the minimum, a post draws hearts by how it lands (``popular``): most a few,
    # some many. Those hearts come from members still seen after it, as no minimum forces.
    taken_pairs = pl.concat([hearted, by_users_pairs, _pair_codes(by_posts, n_users)])
    count += np.bincount(by_posts["_i"].to_numpy(), minlength=posts.height)
    made = posts["pAt"].dt.epoch("ms").to_numpy()
    # ... fewer in a busy month of its community (``content.attention``).
    share = attention(ctx.anchor_ms, posts["communityId"], made)
    want = np.where(bad, 0, popular(ctx, posts["postId"], made, share))
    need_x, pairs_x = _short_posts(posts, post_cols, member_cols, count, want)
    by_liking = _take(
        ctx, "PostHeart", "popular", pairs_x, need_x["need"], "pAt", 11, taken_pairs, n_users,
        repeated, awake=True,
    )  # fmt: skip

    # A client whose communities hold too few posts by others to heart makes up the rest
    # with comment hearts (the minimum counts both), on others' comments it has not hearted.
    # Its need is what the user side left (deficit's order kept).
    taken = np.bincount(by_users["_r"].to_numpy(), minlength=need_u.height)
    need_c = need_u.with_columns(need_u["need"] - taken).filter(pl.col("need") > 0)
    chosen_c = pl.DataFrame(
        schema={"userId": pl.String, "commentId": pl.String, "lo": pl.Int64}
        | {"_uk": pl.UInt64, "_ik": pl.UInt64, "seen": pl.Int64}
    )

    def on_comments(need: pl.DataFrame, purpose: str) -> pl.DataFrame:
        """Hearts of the clients of ``need`` (userId, need) on others' comments in their
        communities that they have not hearted (the comments are coded only when asked)."""
        comments = (
            frames["Comment"]
            .filter(~content_text.misconduct_expr("content"))
            .join(posts.select("postId", "_c"), on="postId")
            .select(
                pl.col("id").alias("commentId"),
                pl.col("userId").alias("author"),
                "_c",
                pl.col("createdAt").alias("cAt"),
            )
            .with_row_index("_i")
            .join(authors, on="author", how="left", maintain_order="left")
            .with_columns(author_code)
        )
        comments = comments.with_columns(pl.Series("_ik", text_keys(comments["commentId"])))
        hearted_c = _on_items(
            frames["CommentHeart"].select("commentId", "userId"), "commentId", comments, users
        )
        by_comments = _take(
            ctx, "CommentHeart", purpose,
            by_user(need, comments.select("_c", "_i", "_a", "cAt", "_ik")),
            need["need"], "cAt", 13, hearted_c["_pair"].drop_nulls(), n_users, repeated,
        )  # fmt: skip
        return by_comments.with_columns(
            need["userId"].gather(by_comments["_r"]),
            comments["commentId"].gather(by_comments["_i"]),
        ).select(*chosen_c.columns, "_r")

    if need_c.height:
        chosen_c = on_comments(need_c, "user-side").drop("_r")
    # MIN_COMMENT_HEARTS at least where the draws left fewer (light drew none): one heart
    # each from the first clients of a keyed order who can give one.
    short = MIN_COMMENT_HEARTS - frames["CommentHeart"].height - chosen_c.height
    if short > 0:
        order = clients.with_columns(
            pl.Series("_o", ctx.stream("CommentHeart", "least").bits(text_keys(clients["userId"])))
        ).sort("_o", "userId")
        extra = on_comments(
            order.select("userId", pl.lit(1, dtype=pl.Int64).alias("need")), "least"
        )
        chosen_c = pl.concat([chosen_c, extra.sort("_r").head(short).drop("_r")])

    # Each user's home once, by ``_u`` (the hearts on posts are many more than the users).
    home = home_offset_of(ctx, users["userId"])

    def post_rows(chosen: pl.DataFrame) -> pl.DataFrame:
        ids = pl.select(users["userId"].gather(chosen["_u"]), posts["postId"].gather(chosen["_i"]))
        at_home = home[chosen["_u"].to_numpy()]
        return _rows(ctx, "PostHeart", "postId", chosen.with_columns(ids), at_home)

    return {
        "PostHeart": pl.concat([post_rows(by_users), post_rows(by_posts), post_rows(by_liking)]),
        "CommentHeart": _rows(ctx, "CommentHeart", "commentId", chosen_c),
    }
