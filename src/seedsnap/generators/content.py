"""Content: posts inside community rooms, comments with threaded replies, post and comment hearts.

Fixes over upstream (seeder.md §6.2, §11.6, §11.8): authors and commenters are members of the
post's community (therapists included), every post has a room, comments follow their post and
replies their parent, nothing is dated after the anchor, and nobody hearts their own content,
nor anything that reads as misconduct (``content_text.MISCONDUCT_REASONS``).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from seedsnap.arrays import in_sorted, rows_in, sort_positions
from seedsnap.context import MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, Context, Frames, timestamps
from seedsnap.generators import content_text
from seedsnap.generators.clock import drifting, waking_at, waking_between, waking_soon_after
from seedsnap.generators.common import (
    between,
    is_author,
    ms,
    ms_of,
    natural_ids,
    pick_rows_by_codes,
    pick_rows_from_groups,
    rank_in_run,
    text_keys,
)
from seedsnap.generators.users import (
    activity_drift,
    home_offset_of,
    seen_of,
    suspension_due,
    with_seen,
)
from seedsnap.random import F64, I64, U64, Stream, child_keys, expand

READS = ("User", "Therapist", "Membership", "RoomGroup", "Room", "Meeting")
WRITES = ("Post", "Comment", "PostHeart", "CommentHeart")
# Hearts come from a pool of up to this many members per community (upstream: 12 creators).
HEART_POOL = 12
MAX_COMMENTS_PER_POST = 5
REPLY_RATE = 0.35
# The draws (stream indices) of a commenter: the next is used where the one before was
# last seen before the post.
COMMENTER_DRAWS = (1, 6, 7)
# The draws of a reply's parent among the post's earlier comments: the first not by the
# replier is taken.
PARENT_DRAWS = (5, 8, 9)
# Mean time from an item (or the member's joining, if later) to a reaction to it: most
# comments and hearts come while a post is new (``soon_after``), not uniformly up to the anchor.
REACTION_MEAN = {
    "Comment": 2 * MS_PER_DAY,
    "PostHeart": MS_PER_DAY,
    "CommentHeart": 12 * MS_PER_HOUR,
}
# Those who react to an item were members when it was made, or joined within this long
# after (it was still on the feed): one who joined months later would react months late,
# which piled comments and hearts towards the anchor (communities fill up over time). Only
# where no such member is left does a minimum take a later joiner.
FRESH_WITHIN = 3 * MS_PER_DAY
# A post stays on its community's feed this long: a member who joins meanwhile still sees it
# and may heart it (after joining), so a post's audience is its community's members over its
# life on the feed, not only those there when it was made (with FRESH_WITHIN alone, and staff
# a minority of each community, most posts drew no heart but the minimum's one). Hearts on a
# comment, read with its post, come from the same audience. Comments stay with FRESH_WITHIN.
FEED_WITHIN = 14 * MS_PER_DAY


# Attention is limited: a member reads and reacts to so much a day, however busy its community
# is. As the platform grows (and newcomers make their first posts), a community holds more
# items a month: each draws that many fewer reactions from its members, so what a member
# does does not grow with the community's volume (``attention``). Volumes are counted per
# ATTENTION_WINDOW back from the anchor.
ATTENTION_WINDOW = 30 * MS_PER_DAY


def attention(anchor_ms: int, community: pl.Series, at: I64) -> F64:
    """Per item (of ``community``, made at epoch ms ``at``), the share of the reactions it
    draws in a quiet month that it draws in its own: 1 where its community's items of that
    ATTENTION_WINDOW are as many as the community's mean per window (from its first item's
    to the anchor's) or fewer, the mean over them where more."""
    window = (anchor_ms - np.asarray(at, dtype=np.int64)) // ATTENTION_WINDOW
    items = pl.DataFrame({"c": community, "w": window})
    per = items.group_by("c", "w").len("n")
    mean = per.group_by("c").agg((pl.col("n").sum() / (pl.col("w").max() + 1)).alias("mean"))
    share = (
        items.join(per, on=["c", "w"], how="left", maintain_order="left")
        .join(mean, on="c", how="left", maintain_order="left")
        .select((pl.col("mean") / pl.col("n")).clip(upper_bound=1.0).fill_null(1.0))
        .to_series()
        .to_numpy()
    )
    out: F64 = np.asarray(share, dtype=np.float64)
    return out


# Misconduct is the habit of a few repeat offenders (``content_text.OFFENDER_RATE``): a keyed
# OFFENDER_SHARE of the verified clients, and at least MIN_OFFENDERS of them (the top of a
# keyed ranking, so small builds still have something to report and block), each a troll
# (``content_text.HOSTILE``) or, SPAMMER_P of them, a spammer (``content_text.SPAM``); the
# ranked ones take turns, so a small build has one of each. Never a fixture account
# (developers log in as them) nor an unverified client (it has only just signed up).
OFFENDER_SHARE = 0.03
MIN_OFFENDERS = 2
SPAMMER_P = 0.5


def offenders(ctx: Context, users: pl.DataFrame, ids: pl.Series) -> I64:
    """The misconduct kind of each user of ``ids`` (``users``: id, role, emailVerified):
    ``content_text.HOSTILE`` or ``SPAM`` for an offender, -1 for anyone else.

    Steps ask it of the same User frame many times: its pool is drawn once per frame
    (``ctx.memo``, as ``users.last_seen``)."""
    pool, kinds = ctx.memo("offenders", users, lambda: _offender_pool(ctx, users))
    out: I64 = np.append(kinds, -1)[rows_in(ids, pool)]
    return out


def _offender_pool(ctx: Context, users: pl.DataFrame) -> tuple[pl.Series, I64]:
    """``offenders``' pool of ``users`` (the ids of its verified, generated clients, sorted)
    and the misconduct kind of each, -1 for one not drawn (read-only: memoised)."""
    pool = (
        users.filter(
            (pl.col("role") == "client")
            & pl.col("emailVerified")
            & ~pl.col("id").str.starts_with("dev_")
        )
        .select("id")
        .sort("id")
    )
    keys = text_keys(pool["id"])
    s = ctx.stream("User", "offender")
    chosen = drawn_offenders(ctx, pool["id"])
    kind = np.where(s.bernoulli(keys, SPAMMER_P, index=2), content_text.SPAM, content_text.HOSTILE)
    # Those to be suspended (``users.suspension_due``) offend: the ranked few begin with the
    # ones only MIN_SUSPENDED made so (a drawn offender is one already).
    due = suspension_due(ctx, users)[rows_in(pool["id"], users["id"])] >= 0
    first = due & ~chosen
    order = np.lexsort((s.bits(keys, 1), ~first))  # made-to-be-suspended first, then keyed
    top = order[:MIN_OFFENDERS]
    chosen[top] = True
    kind[top] = np.where(np.arange(len(top)) % 2 == 0, content_text.HOSTILE, content_text.SPAM)
    kinds: I64 = np.where(chosen, kind, -1)
    kinds.setflags(write=False)  # shared by every caller of the frame
    return pool["id"], kinds


def drawn_offenders(ctx: Context, ids: pl.Series) -> npt.NDArray[np.bool_]:
    """Whether each user of ``ids``, if a verified client of ``offenders``' pool, is among
    its keyed OFFENDER_SHARE (not its ranked MIN_OFFENDERS): a draw of the user alone, so
    ``users.last_seen`` can ask it of any frame of users."""
    return ctx.stream("User", "offender").bernoulli(text_keys(ids), OFFENDER_SHARE, index=0)


def posting_members(frames: Frames, rooms: pl.DataFrame | None = None) -> pl.DataFrame:
    """Members who may post: clients, APPROVED therapists, moderators; with their room.

    ``rooms`` is ``room_of_community(frames)`` if the caller has it.
    """
    users = frames["User"].select("id", "role")
    approved = frames["Therapist"].filter(pl.col("status") == "APPROVED")["userId"]
    eligible = users.filter(
        pl.col("role").is_in(["client", "moderator"])
        | ((pl.col("role") == "therapist") & pl.col("id").is_in(approved.implode()))
    )
    rooms = room_of_community(frames) if rooms is None else rooms
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


def treated(meetings: pl.DataFrame | None, ids: pl.Series, at: I64) -> npt.NDArray[np.bool_] | None:
    """Whether each user of ``ids`` had had a COMPLETED session, as its client, ended by
    ``at`` (ms): their first one's end, by a join. None (all treated) without ``meetings``."""
    if meetings is None:
        return None
    first = (
        meetings.filter(pl.col("status") == "COMPLETED")
        .group_by("clientId")
        .agg(pl.col("endTime").min().dt.epoch("ms").alias("first"))
    )
    since = (
        ids.to_frame("clientId")
        .join(first, on="clientId", how="left", maintain_order="left")
        .get_column("first")
        .to_numpy()
    )
    done: npt.NDArray[np.bool_] = np.nan_to_num(since, nan=np.inf) <= at
    return done


def roles_of(users: pl.DataFrame, ids: pl.Series) -> pl.Series:
    """The role of each user of ``ids`` (``users`` has id and role); NULL for none."""
    return (
        ids.to_frame("id")
        .join(users.select("id", "role"), on="id", how="left", maintain_order="left")
        .get_column("role")
    )


def with_texts(
    ctx: Context,
    new: pl.DataFrame,
    every: pl.DataFrame,
    post_authors: pl.DataFrame,
    users: pl.DataFrame | None,
    meetings: pl.DataFrame | None,
) -> pl.DataFrame:
    """The ``new`` comments (threaded, with their keys ``_k``) in Comment's columns, with
    their text in its writer's voice and context: on a peer's or staff's post
    (``post_authors``: postId, author, and content or its ``content_kind`` as ``_kind``), or
    answering a comment of ``every`` (id, userId, and content where known), or the post's
    author answering a comment; on a post or to a comment that reads as reportable, a
    response fitting what it is (``content_text.RESPONSE_KIND``)."""
    columns = ["id", "postId", "userId", "content", "parentId", "createdAt", "updatedAt"]
    keys = new["_k"].to_numpy()
    s = ctx.stream("Comment", "text")
    at = ms(new["createdAt"])
    if users is None:
        text = content_text.comments(s, keys, None, treated(meetings, new["userId"], at))
        return new.with_columns(text).select(columns)
    people = users.select(pl.col("id").alias("_uid"), pl.col("role").cast(pl.String), "firstName")
    # Only the comments answered are looked up, and the texts of the posts commented on
    # read (unless their kinds are given): the rows of ``every`` and ``post_authors`` are
    # mostly neither.
    parents = every.filter(pl.col("id").is_in(new["parentId"].drop_nulls().implode()))
    kinds = (
        post_authors.select("postId", pl.col("author").alias("_aid"), "_kind")
        if "_kind" in post_authors.columns
        else post_authors.filter(pl.col("postId").is_in(new["postId"].implode())).select(
            "postId", pl.col("author").alias("_aid"), content_kind("content")
        )
    )
    # (``every`` repeats an id only where an enricher is run again over its own output.)
    parent = (
        new.select("postId", "parentId", "userId")
        .join(parents.select(pl.col("id").alias("parentId"), pl.col("userId").alias("_uid"))
              .unique("parentId", keep="first", maintain_order=True),
              on="parentId", how="left", maintain_order="left")
        .join(people, on="_uid", how="left", maintain_order="left")
        .join(kinds, on="postId", how="left", maintain_order="left")
        .join(people.select("_uid", pl.col("role").alias("_arole")), left_on="_aid",
              right_on="_uid", how="left", maintain_order="left")
    )  # fmt: skip
    staff = ["therapist", "moderator"]
    # A reply to one's own comment goes on as the comment did: in the post's context.
    own = pl.col("parentId").is_null() | (pl.col("_uid") == pl.col("userId"))
    context = parent.select(
        pl.when(~own & (pl.col("userId") == pl.col("_aid")))
        .then(content_text.OWN_POST)
        .when(own)
        .then(pl.when(pl.col("_arole").is_in(staff)).then(content_text.STAFF))
        .when(pl.col("role").is_in(staff))
        .then(content_text.STAFF)
        .otherwise(content_text.REPLY)
        .fill_null(content_text.PEER)
    ).to_series()
    role = roles_of(users, new["userId"])
    done = treated(meetings, new["userId"], at)
    writer = new["userId"]
    where = context.to_numpy().astype(np.int64)
    name = parent.select(pl.when(~own).then("firstName").otherwise(pl.lit("")))["firstName"]
    kind = parent["_kind"].fill_null(-1).to_numpy().astype(np.int64)
    offender = offenders(ctx, users, new["userId"])
    text = content_text.comments(s, keys, role, done, writer, where, name, kind, offender=offender)
    # A reply to another's comment that reads as reportable responds to it as to such a
    # post (unless reportable itself): the parents' texts are known now, and a second pass
    # changes no text's reportability (so no parent's kind). Only the texts of the comments
    # answered by another are read.
    other = parent.select("parentId", _other=~own)
    answered = other.filter("_other")["parentId"].implode()
    known = (
        pl.concat(
            [
                new.select("id", text.alias("_text")),
                parents.select("id", pl.col("content").alias("_text"))
                if "content" in every.columns
                else pl.DataFrame(schema={"id": pl.String, "_text": pl.String}),
            ]
        )
        .filter(pl.col("id").is_in(answered))
        .unique("id", keep="first", maintain_order=True)
    )
    known = known.select(pl.col("id").alias("parentId"), content_kind("_text"))
    parent_kind = (
        other.join(known, on="parentId", how="left", maintain_order="left")
        .select(pl.when("_other").then("_kind"))
        .to_series()
        .fill_null(-1)
        .to_numpy()
        .astype(np.int64)
    )
    # Each text depends on its own row's arguments only: only the rows answering a
    # reportable comment can change, so only they are written again.
    again = np.flatnonzero(parent_kind >= 0)
    if len(again):
        redo = content_text.comments(
            s, keys[again], role.gather(again), None if done is None else done[again],
            writer.gather(again), where[again], name.gather(again), kind[again],
            parent_kind=parent_kind[again], offender=offender[again],
        )  # fmt: skip
        text = text.scatter(again, redo)
    return new.with_columns(text).select(columns)


def content_kind(content: str) -> pl.Expr:
    """The response kind (``content_text.RESPONSE_KIND``) of a post's ``content`` column as
    ``_kind``: NULL for a friendly post."""
    reasons = content_text.REPORTABLE_REASONS
    kinds = pl.Series([content_text.RESPONSE_KIND[r] for r in reasons], dtype=pl.Int64)
    return (
        content_text.reportable_reason_expr(content)
        .replace_strict(pl.Series(reasons), kinds, default=None)
        .alias("_kind")
    )


def make_posts(
    ctx: Context,
    frames: Frames,
    author_keys: np.ndarray,
    authors: pl.DataFrame,
    purpose: str,
    members: pl.DataFrame | None = None,
    reach: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Posts by ``authors`` (userId, roomId, joinedAt, seen), one per key, after the author
    joined and before they were last seen, in the author's voice, drawn with the author's
    drift (``users.activity_drift``).

    With ``reach`` (``comment_reach``: roomId, until), a post drawn later than its room's
    ``until`` is drawn again as far along from the author's joining to ``until``: made
    later, it would find too few members still coming to take its comment minimum.

    With ``members`` (the posting memberships: userId, roomId, joinedAt), a post is drawn
    over its author's whole time in communities (from its first joining), not over the
    given room's: in the given room if the author was in it by then, else in one of the
    rooms it was in (``_rehome``). A post drawn over the given room's time alone piles up
    towards the anchor for a user who joined communities one after another (each later
    one's posts crowd into a shorter span)."""
    s = ctx.stream("Post", purpose)
    keys = author_keys
    seen = authors["seen"].fill_null(ctx.anchor_ms).to_numpy()
    hi = np.minimum(ctx.anchor_ms - 60_000, seen)
    home = home_offset_of(ctx, authors["userId"])
    along = drifting(s.uniform(keys, 1), activity_drift(ctx, authors["userId"]))
    if members is None:
        created = waking_at(ms(authors["joinedAt"]) + 60_000, hi, along, home)
    else:
        authors, created = _rehome(s, keys, authors, members, hi, along, home)
    if reach is not None:
        at = rows_in(authors["roomId"], reach["roomId"])
        cap = created.copy()  # (a room without a row keeps its time)
        cap[at >= 0] = reach["until"].to_numpy()[at[at >= 0]]
        lo = ms(authors["joinedAt"]) + 60_000
        late = (created > cap) & (lo < cap)
        created = np.where(late, waking_at(lo, cap, along, home), created)
    role = roles_of(frames["User"], authors["userId"])
    done = treated(frames["Meeting"], authors["userId"], created)
    title, content = content_text.posts(
        ctx.stream("Post", "text"),
        keys,
        role,
        done,
        authors["userId"],
        offenders(ctx, frames["User"], authors["userId"]),
    )
    edited = s.bernoulli(keys, 0.2, index=2)
    updated = np.where(edited, waking_between(s, keys, created, hi, home, index=3), created)
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


# A post leaves its commenters this long at least (``comment_reach``).
REACH_MARGIN = MS_PER_HOUR


def comment_reach(ctx: Context, members: pl.DataFrame) -> pl.DataFrame:
    """(roomId, until): the latest a post in each room (``members``: the posting memberships
    with ``seen``, one room per community) can be made with the post comment minimum's
    members other than its author still coming REACH_MARGIN after it, whoever the author
    (the minimum + 1 latest ``seen``). Those who top up a post's comments are members still
    coming after it (enrichers/comments.py): a post later than that would take them from
    members who had stopped coming, after they were last seen. Rooms with too few members
    have no row."""
    k = ctx.config.minimum("post", "comments")
    if k <= 0:
        return pl.DataFrame(schema={"roomId": pl.String, "until": pl.Int64})
    return (
        members.group_by("roomId")
        .agg(pl.col("seen").top_k(k + 1).min().alias("until"), pl.len())
        .filter(pl.col("len") > k)
        .select("roomId", (pl.col("until").cast(pl.Int64) - REACH_MARGIN).alias("until"))
    )


def _rehome(
    s: Stream,
    keys: U64,
    authors: pl.DataFrame,
    members: pl.DataFrame,
    hi: I64,
    along: F64,
    home: I64,
) -> tuple[pl.DataFrame, I64]:
    """``make_posts``' times over each author's time in communities (``along`` it, from a
    minute after its first joining to ``hi``) and the ``authors`` rows with the room each
    post is in: the given one if the author had joined it a minute before, else a keyed
    one of the rooms it had joined by then."""
    if authors.is_empty():
        return authors, np.zeros(0, dtype=np.int64)
    m = members.select("userId", "roomId", ms_of("joinedAt").alias("_j")).sort(
        "userId", "_j", "roomId"
    )
    users = m["userId"].unique(maintain_order=True)
    code = rows_in(m["userId"], users)
    size = np.bincount(code, minlength=len(users))
    start = np.cumsum(size) - size
    row = rows_in(authors["userId"], users)
    joined = m["_j"].to_numpy()
    lo = joined[start[row]] + 60_000
    created = waking_at(lo, hi, along, home)
    # The memberships of the author joined a minute before the post: a prefix of its block
    # (by joining); (user, time) as one integer, a user's times in a block of their own.
    t0 = int(min(joined.min(), created.min())) - 60_000
    span = int(max(joined.max(), created.max())) - t0 + 1
    by = np.searchsorted(code * span + (joined - t0), row * span + (created - 60_000 - t0), "right")
    count = np.maximum(by - start[row], 1)
    pick = start[row] + np.floor(s.uniform(keys, 4) * count).astype(np.int64)
    keep = ms(authors["joinedAt"]) + 60_000 <= created
    moved = pl.Series(~keep)
    rehomed = authors.with_columns(
        pl.when(moved).then(m["roomId"].gather(pick)).otherwise(pl.col("roomId")).alias("roomId"),
        pl.when(moved)
        .then(pl.Series(joined[pick]).cast(pl.Datetime("ms")))
        .otherwise(pl.col("joinedAt").cast(pl.Datetime("ms")))
        .alias("joinedAt"),
    )
    return rehomed, created


def base_posts(
    ctx: Context, frames: Frames, members: pl.DataFrame, rooms: pl.DataFrame
) -> pl.DataFrame:
    rooms = rooms.sort("roomId")
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
    keys = authors["_k"].to_numpy()
    return make_posts(ctx, frames, keys, authors, "base", members, comment_reach(ctx, members))


def pick_still_coming(
    stream: Stream,
    keys: U64,
    community: pl.Series,
    members: pl.DataFrame,
    after: I64,
    draws: tuple[int, ...],
    exclude: pl.Series | None = None,
    item: U64 | None = None,
    taken: U64 | None = None,
) -> tuple[pl.DataFrame, npt.NDArray[np.bool_]]:
    """For each row, a member of its ``community`` (``members``: communityId, userId,
    joinedAt, seen) still coming a minute after ``after`` and after joining, a member by
    FRESH_WITHIN after ``after``, and whether one was found.

    Each of ``draws`` (stream indices) is one keyed pick (``pick_rows_from_groups``); a row
    takes the first that fits, or keeps the first pick (which may be NULL) if none does.
    With ``item`` (a key per row, e.g. its post's), a pick fits only if no earlier row of
    that item took the member and ``child_keys(item, member)`` is not in ``taken``.
    """
    pool = members.select("communityId", "userId", "joinedAt", "seen")
    # The pool coded once for every draw (``pick_rows_from_groups`` would code it on each):
    # a community as its row among the distinct ones (-1: NULL, or no member's), a member
    # by its rank in id order (NULL first, as 0).
    distinct = pool["communityId"].drop_nulls().unique()
    groups, row_group = rows_in(pool["communityId"], distinct), rows_in(community, distinct)
    values = pool["userId"].rank("dense").fill_null(0).to_numpy()
    # A draw picks pool rows (``_m``); what it reads of them (join time, last seen, key) is
    # read here once, with a last slot for no pick (-1), and the rows' columns gathered once
    # at the end: not text hashed and columns gathered on each draw.
    by_row = pool.select("userId").with_row_index("_m")
    m_joined = np.append(pool["joinedAt"].dt.epoch("ms").fill_null(0).to_numpy(), 0)
    m_seen = np.append(pool["seen"].fill_null(-1).to_numpy(), -1)
    m_key = text_keys(pl.concat([pool["userId"].fill_null(""), pl.Series([""])]))
    # Each draw picks for the rows still without a fitting member (a draw depends on the
    # row's key only; with ``item``, the first row of an item in row order wins a member);
    # ``at`` is each row's pick among all the draws' picks.
    picks: list[I64] = []
    at = np.arange(len(keys), dtype=np.int64)
    found = np.zeros(len(keys), dtype=bool)
    todo = at.copy()
    held = np.sort(np.asarray(taken if taken is not None else [], dtype=np.uint64))
    added = np.zeros(0, dtype=np.uint64)  # the pairs taken by earlier draws
    for n, index in enumerate(draws):
        if not len(todo):
            break
        pick = pick_rows_by_codes(
            stream,
            keys[todo],
            row_group[todo],
            by_row,
            groups,
            values,
            index=index,
            exclude=None if exclude is None else exclude.gather(todo),
            value="userId",
            label="(communityId, userId)",
        )
        m = pick["_m"].cast(pl.Int64).fill_null(-1).to_numpy()
        joined = m_joined[m]
        lo = np.maximum(after[todo], joined)
        fits = m_seen[m] > lo + 60_000
        fits &= joined <= after[todo] + FRESH_WITHIN  # a member when it was made
        if item is not None:
            pair = child_keys(item[todo], m_key[m])
            fits &= ~in_sorted(pair, held) & ~in_sorted(pair, added)
            # Of the rows that would take one (item, member), the first only.
            # (First occurrences by a hash, as np.unique's return_index finds them by a sort.)
            hits = np.flatnonzero(fits)
            first = pl.Series(pair[hits]).is_first_distinct().to_numpy()
            fits[:] = False
            fits[hits[first]] = True
            new = np.sort(pair[fits])
            added = np.insert(added, np.searchsorted(added, new), new)  # (merged: in order)
        use = fits if n else np.ones(len(todo), dtype=bool)
        at[todo[use]] = sum(len(p) for p in picks) + np.flatnonzero(use)
        picks.append(m)
        found[todo[fits]] = True
        todo = todo[~fits]
    if not picks:
        return pool.clear(len(keys)), found
    m = np.concatenate(picks)[at]
    picked = pl.concat([pool, pool.clear(1)])[np.where(m >= 0, m, pool.height)]
    return picked, found


def first_still_coming(
    stream: Stream,
    community: pl.Series,
    members: pl.DataFrame,
    after: I64,
    exclude: pl.Series,
    item: U64,
    taken: U64,
) -> pl.DataFrame:
    """For each row, a member of its ``community`` still coming a minute after ``after``
    and after joining, not ``exclude``: the rows of one ``item`` take its such members in
    turn, in a keyed order with those whose ``child_keys(item, member)`` is in ``taken``
    last, and among each, those who joined more than FRESH_WITHIN after ``after`` after the
    others (NULLs where there is none). The exact pick for the few rows ``pick_still_coming``'s
    draws miss: it joins each with its community's members."""
    cols = ["communityId", "userId", "joinedAt", "seen"]
    rows = pl.DataFrame(
        {"_row": np.arange(len(item)), "communityId": community, "_after": after, "_ex": exclude}
    )
    cand = rows.join(members.select(cols), on="communityId").filter(
        (pl.col("seen") > pl.max_horizontal("_after", pl.col("joinedAt").dt.epoch("ms")) + 60_000)
        & pl.col("userId").ne_missing(pl.col("_ex"))
    )
    row = cand["_row"].to_numpy()
    pair = child_keys(item[row], text_keys(cand["userId"]))
    had = in_sorted(pair, np.sort(np.asarray(taken, dtype=np.uint64)))
    cand = cand.with_columns(
        pl.Series("_had", had),
        pl.Series("_d", stream.bits(pair, 0)),
        (pl.col("joinedAt").dt.epoch("ms") > pl.col("_after") + FRESH_WITHIN).alias("_late"),
    )
    # Members when it was made (FRESH_WITHIN) before those who joined later, after those
    # who have not commented on it yet.
    by = _first_order(cand)
    # The k-th row of an item (in row order) takes its k-th member, round again if need be.
    order = np.argsort(item, kind="stable")
    turn = np.empty(len(item), dtype=np.int64)
    turn[order] = rank_in_run(item[order])
    if not cand.height:
        return members.select(cols).clear(len(item))
    count = np.bincount(cand["_row"].to_numpy(), minlength=len(item))
    at = np.minimum((np.cumsum(count) - count) + turn % np.maximum(count, 1), cand.height - 1)
    found = pl.lit(pl.Series(count > 0))
    picked: pl.DataFrame = cand.select(cols)[by[at]]
    return picked.select(pl.when(found).then(pl.col(c)).alias(c) for c in cols)


def _first_order(cand: pl.DataFrame) -> I64:
    """Positions putting ``first_still_coming``'s candidates in their order by (_row, _had,
    _late, _d, userId): one lexsort of the integer columns (only the rows picked are
    gathered, not every candidate's columns sorted with the text), the frame's sort where
    two rows tie on them (one member's pair twice: not in a build) or a column has NULLs."""
    names = ("_d", "_late", "_had", "_row")
    if not any(cand[c].null_count() for c in names):
        columns = [cand[c].to_numpy() for c in names]
        order = np.lexsort(columns)
        tie = np.ones(max(len(order) - 1, 0), dtype=bool)
        for column in columns:
            ordered = column[order]
            tie &= ordered[1:] == ordered[:-1]
        if not tie.any():
            return order.astype(np.int64)
    by_sort = cand.with_row_index("_o").sort("_row", "_had", "_late", "_d", "userId")
    out: I64 = by_sort["_o"].to_numpy().astype(np.int64)
    return out


def base_comments(
    ctx: Context,
    posts: pl.DataFrame,
    members: pl.DataFrame,
    rooms: pl.DataFrame,
    users: pl.DataFrame | None = None,
    meetings: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Comments on ``posts`` by other members, in the commenter's voice (their role in
    ``users``, id and role; clients' when not given; with ``meetings``, a client's before
    their first completed session never mention their therapist)."""
    posts = posts.sort("id")
    pk = text_keys(posts["id"])
    s = ctx.stream("Comment", "base")
    n = np.minimum(
        s.integers(pk, 1, int(ctx.config.volumes["comments_per_post"]) + 2, index=0),
        MAX_COMMENTS_PER_POST,
    )
    # Spam draws few comments: its minimum.
    spam = posts.select(content_kind("content") == content_text.SPAM)
    n = np.where(
        spam.to_series().fill_null(False).to_numpy(),
        np.minimum(n, ctx.config.minimum("post", "comments")),
        n,
    )
    rows, idx, keys = expand(pk, n)
    post_room = posts["roomId"].gather(rows)
    # Posts are in their community's room (``rooms``), as their authors' memberships.
    community = pl.DataFrame({"roomId": post_room}).join(
        rooms.select("roomId", "communityId"),
        on="roomId",
        how="left",
        maintain_order="left",
    )["communityId"]
    author = posts["userId"].gather(rows)
    post_ms = ms(posts["createdAt"])[rows]
    picked, taken = pick_still_coming(
        s, keys, community, members, post_ms, COMMENTER_DRAWS, exclude=author, item=pk[rows]
    )
    picked = picked.with_columns(pl.when(pl.lit(pl.Series(taken))).then(pl.col("userId")))
    commenter = picked["userId"]
    # After the post and the commenter's joining, before they were last seen: most soon
    # after the post, as the top-up's comments (``REACTION_MEAN``).
    joined = picked["joinedAt"].dt.epoch("ms").fill_null(0).to_numpy()
    lo = np.maximum(post_ms, joined + 60_000)
    hi = np.minimum(ctx.anchor_ms, picked["seen"].fill_null(0).to_numpy())
    home = home_offset_of(ctx, commenter.fill_null(""))
    created = waking_soon_after(s, keys, lo, hi, REACTION_MEAN["Comment"], home, index=2)
    # A reply answers a comment of the same post made before it. In (post, time) order,
    # with the comments dropped (no commenter) last, a comment's rank is how many kept
    # comments of its post came before it.
    is_reply = (idx > 0) & s.bernoulli(keys, REPLY_RATE, index=4)
    by_time = np.lexsort((idx, np.where(taken, created, np.iinfo(np.int64).max), rows))
    earlier = np.empty(len(rows), dtype=np.int64)
    earlier[by_time] = rank_in_run(rows[by_time])
    is_reply &= earlier > 0
    # The parent is someone else's comment: of PARENT_DRAWS picks among the earlier ones,
    # the first by another; a reply with none stays a top-level comment.
    first = (np.cumsum(n) - n)[rows]
    user_keys = text_keys(commenter.fill_null(""))
    parent_row = np.zeros(len(rows), dtype=np.int64)
    found = np.zeros(len(rows), dtype=bool)
    for index in PARENT_DRAWS:
        rank = np.floor(s.uniform(keys, index) * np.maximum(earlier, 1)).astype(np.int64)
        row = by_time[first + rank]
        other = user_keys[row] != user_keys
        parent_row = np.where(~found & other, row, parent_row)
        found |= other
    is_reply &= found
    ok = commenter.is_not_null().to_numpy()
    ids = ctx.ids("Comment", keys)
    # A comment whose commenter could not be drawn (author alone in the community, or no
    # member still coming after the post) is dropped; replies only answer kept comments.
    parent = pl.select(
        pl.when(pl.lit(pl.Series(is_reply & ok & ok[parent_row])))
        .then(pl.lit(ids.gather(parent_row)))
        .otherwise(None)
    ).to_series()
    df = pl.DataFrame(
        {
            "id": ids,
            "postId": posts["id"].gather(rows),
            "userId": commenter,
            "parentId": parent.alias("parentId"),
            "createdAt": timestamps(created, "createdAt"),
            "updatedAt": timestamps(created, "updatedAt"),
            "_k": keys,
        }
    )
    df = thread_repeats(ctx, df if ok.all() else df.filter(pl.Series(ok)), df.clear(), users)
    authors = posts.select(
        pl.col("id").alias("postId"), pl.col("userId").alias("author"), "content"
    )
    return with_texts(ctx, df, df, authors, users, meetings)


def thread_repeats(
    ctx: Context,
    new: pl.DataFrame,
    existing: pl.DataFrame,
    users: pl.DataFrame | None = None,
    reply_rate: float = 0.0,
) -> pl.DataFrame:
    """``new`` comments (id, postId, userId, parentId, createdAt, updatedAt, …) with each
    user's second and later top-level comment on a post, counting those of ``existing``
    first, turned into a reply: people comment on a post once and go on in its threads.

    The reply answers another's comment where there is one, made by then or (moving the
    reply after it) while the user still came (``users``' last seen), else its own. Of the
    other new top-level comments, ``reply_rate`` answer another's comment made by then, if
    there is one. No comment is dropped, so every count stays as it was.
    """
    cols = ["id", "postId", "userId", "parentId", "createdAt"]
    every = pl.concat(
        [
            existing.select(cols).with_columns(pl.lit(False).alias("_new")),
            new.select(cols).with_columns(pl.lit(True).alias("_new")),
        ]
    )
    top = every.filter(pl.col("parentId").is_null())
    s = ctx.stream("Comment", "thread")
    top = top.with_columns(pl.Series("_repeat", _repeat_flags(top))).filter(pl.col("_new"))
    chance = s.bernoulli(text_keys(top["id"]), reply_rate, index=2)
    repeats = top.filter(pl.col("_repeat") | pl.Series(chance)).select(
        "id", "postId", "userId", "createdAt", "_repeat"
    )
    if repeats.is_empty():
        return new
    # Every repeat has its user's first top-level comment on the post among the candidates
    # (the other comments, chosen replies too: they answer only one made before them).
    cand = every.join(repeats.filter("_repeat").select("id"), on="id", how="anti").select(
        "postId",
        pl.col("id").alias("pid"),
        pl.col("userId").alias("pUser"),
        pl.col("createdAt").alias("pAt"),
    )
    # A chosen reply answers another's comment made before it (by id at one time: no cycles).
    before = (pl.col("pAt") < pl.col("createdAt")) | (
        (pl.col("pAt") == pl.col("createdAt")) & (pl.col("pid") < pl.col("id"))
    )
    pairs = repeats.join(cand, on="postId").filter(
        pl.col("_repeat") | (pl.col("pUser") != pl.col("userId")) & before
    )
    draw = s.bits(child_keys(text_keys(pairs["id"]), text_keys(pairs["pid"])), 0)
    anchor = ctx.anchor_ms
    seen = (
        np.minimum(seen_of(ctx, users, pairs["userId"]), anchor)
        if users is not None
        else np.full(pairs.height, anchor, dtype=np.int64)
    )
    # What a repeat answers, in this order: another's comment made by then (a keyed pick);
    # the first another made later while the user still came, if nobody answered the
    # repeat (it moves after that comment); its own first comment; failing all, the post's
    # first comment (moving after it).
    answered = every["parentId"].drop_nulls().implode()
    own = pl.col("pUser") == pl.col("userId")
    then = pl.col("pAt") <= pl.col("createdAt")
    p_ms = pl.col("pAt").dt.epoch("ms")
    movable = ~pl.col("id").is_in(answered) & (p_ms + MS_PER_MINUTE < pl.col("seen"))
    tier = pl.when(~own & then).then(0).when(~own & movable).then(1).when(then).then(2).otherwise(3)
    pairs = pairs.with_columns(pl.Series("_d", draw), pl.Series("seen", seen)).with_columns(
        tier.alias("_tier"), pl.when(then).then(0).otherwise(p_ms).alias("_t")
    )
    chosen = pairs.sort("id", "_tier", "_t", "_d", "pid").unique(
        "id", keep="first", maintain_order=True
    )
    picked = chosen.filter(then)
    late = chosen.filter(~then)
    if late.height:
        keys = text_keys(late["id"])
        lo = ms(late["pAt"])
        hi = np.minimum(lo + MS_PER_HOUR, anchor)
        hi = np.where(late["_tier"].to_numpy() == 1, np.minimum(hi, late["seen"].to_numpy()), hi)
        at = between(s, keys, lo, hi, index=1)
        late = late.with_columns(timestamps(at, "createdAt"))
    answer = pl.concat(
        [picked.select("id", "pid", "createdAt"), late.select("id", "pid", "createdAt")]
    )
    out = new.join(answer, on="id", how="left", maintain_order="left", suffix="_r")
    replied = pl.col("pid").is_not_null()
    return out.with_columns(
        pl.when(replied).then(pl.col("pid")).otherwise(pl.col("parentId")).alias("parentId"),
        pl.when(replied)
        .then(pl.col("createdAt_r"))
        .otherwise(pl.col("createdAt"))
        .alias("createdAt"),
        pl.when(replied)
        .then(pl.col("createdAt_r"))
        .otherwise(pl.col("updatedAt"))
        .alias("updatedAt"),
    ).select(new.columns)


def _repeat_flags(top: pl.DataFrame) -> npt.NDArray[np.bool_]:
    """Whether each top-level comment of ``top`` (postId, userId, _new, createdAt, id) is a
    repeat: any but the first of its (post, user) (NULLs alike), the existing ones first
    (they stay), then the new ones by time and id.

    The rows are grouped by a key of the pair, not sorted by the pair's text (most of the
    cost of a sort of every comment); only the few pairs with two comments or more are
    sorted. Two pairs sharing a key (never seen) take that sort of every comment instead.
    """
    order_cols = ["postId", "userId", "_new", "createdAt", "id"]
    pair = child_keys(text_keys(top["postId"]), text_keys(top["userId"]))
    by_pair = sort_positions(pair)
    sorted_pair = pair[by_pair]
    # Positions (in key order) whose next row has the same key: its pair's, unless two
    # pairs share the key, which the text says.
    tie = np.flatnonzero(sorted_pair[1:] == sorted_pair[:-1])
    if len(tie):
        a = top.select("postId", "userId")[by_pair[tie]]
        b = top.select("postId", "userId")[by_pair[tie + 1]]
        same = a["postId"].eq_missing(b["postId"]) & a["userId"].eq_missing(b["userId"])
        if not same.all():  # two pairs with one key: order them all by their text
            ranked = top.select(order_cols).with_row_index("_row").sort(order_cols)
            run = (
                (pl.int_range(pl.len()) > 0)
                & pl.col("postId").eq_missing(pl.col("postId").shift(1))
                & pl.col("userId").eq_missing(pl.col("userId").shift(1))
            )
            flags = ranked.select("_row", run.alias("_repeat"))
            out = np.zeros(top.height, dtype=bool)
            out[flags["_row"].to_numpy()] = flags["_repeat"].to_numpy()
            return out
    # The rows of the pairs with more than one comment, each pair's in (_new, createdAt, id)
    # order: all but its first are repeats.
    many = np.zeros(top.height, dtype=bool)
    many[tie] = True
    many[tie + 1] = True
    rows = by_pair[many]
    ranked = (
        top.select(order_cols[2:])[rows]
        .with_columns(pl.Series("_pair", sorted_pair[many]), pl.Series("_row", rows))
        .sort("_pair", *order_cols[2:])
    )
    out = np.zeros(top.height, dtype=bool)
    out[ranked["_row"].to_numpy()] = rank_in_run(ranked["_pair"].to_numpy()) > 0
    return out


def heart_pool(ctx: Context, members: pl.DataFrame) -> pl.DataFrame:
    """Up to HEART_POOL members per community (keyed choice): the columns of ``members``
    (communityId, userId, joinedAt, seen)."""
    members = members.sort("communityId", "userId")
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
    """Each pool member of the item's community (not its author) who was a member when it
    was made or joined while it was on the feed (FEED_WITHIN) hearts it with ``rate``, less
    in a busy month (``attention``)."""
    # Keys are hashed once per item and per member, not once per (item, member) pair; the
    # join pairs row numbers only. The rows come out in the pairs' order, fixed here as by
    # item, then by pool member (polars' default order depended on which side was larger;
    # the snapshot sorts by id, so only this frame's row order ever differed).
    item_key = text_keys(items["itemId"])
    hearter = pool["userId"]
    hearter_key = text_keys(hearter)
    pairs = items.select("communityId").with_row_index("i")
    pairs = pairs.join(
        pool.select("communityId").with_row_index("j"),
        on="communityId",
        maintain_order="left_right",
    )
    i = pairs["i"].to_numpy().astype(np.int64)
    j = pairs["j"].to_numpy().astype(np.int64)
    # Not the author (nor a NULL one).
    drop = is_author(items["author"], i, hearter, j, hearter_key)
    i, j = i[~drop], j[~drop]
    keys = item_key[i] ^ hearter_key[j]
    s = ctx.stream(table, "base")
    lo = np.maximum(ms(items["createdAt"])[i], ms(pool["joinedAt"])[j]) + 1000
    # Only members still coming after the item (and their joining) see it.
    seen = pool["seen"].to_numpy()[j]
    fresh = ms(pool["joinedAt"])[j] <= ms(items["createdAt"])[i] + FEED_WITHIN
    share = attention(ctx.anchor_ms, items["communityId"], ms(items["createdAt"]))[i]
    chosen = s.bernoulli(keys, rate * share, index=0) & (seen > lo) & fresh
    i, j, keys, lo, seen = i[chosen], j[chosen], keys[chosen], lo[chosen], seen[chosen]
    hi = np.minimum(ctx.anchor_ms, seen)
    home = home_offset_of(ctx, hearter)[j]
    at = waking_soon_after(s, keys, lo, hi, REACTION_MEAN[table], home, index=1)
    return pl.DataFrame(
        {
            "id": natural_ids(ctx, table, {item_col: item_key[i], "userId": hearter_key[j]}),
            item_col: items["itemId"].gather(i),
            "userId": hearter.gather(j),
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
    posts = posts.select("id", "roomId", "userId", "createdAt")
    return posts.join(room_communities(frames), on="roomId").select(
        pl.col("id").alias("itemId"), "communityId", pl.col("userId").alias("author"), "createdAt"
    )


def comment_items(posts: pl.DataFrame, comments: pl.DataFrame, rooms: pl.DataFrame) -> pl.DataFrame:
    posts = posts.select(pl.col("id").alias("postId"), "roomId")
    post_comm = posts.join(rooms, on="roomId").select("postId", "communityId")
    comments = comments.select("id", "postId", "userId", "createdAt")
    return comments.join(post_comm, on="postId").select(
        pl.col("id").alias("itemId"), "communityId", pl.col("userId").alias("author"), "createdAt"
    )


def generate(ctx: Context, frames: Frames) -> Frames:
    rooms = room_of_community(frames)
    members = with_seen(ctx, frames["User"], posting_members(frames, rooms))
    posts = base_posts(ctx, frames, members, rooms)
    comments = base_comments(ctx, posts, members, rooms, frames["User"], frames["Meeting"])
    pool = heart_pool(ctx, members)
    vol = ctx.config.volumes
    # Nobody hearts misconduct (hostility, spam, promotion): only the other items draw hearts.
    decent = ~content_text.misconduct_expr("content")
    post_hearts = hearts(
        ctx,
        post_items(frames, posts.filter(decent)),
        pool,
        "PostHeart",
        "postId",
        vol["post_heart_rate"],
    )
    comment_hearts = hearts(
        ctx,
        comment_items(posts, comments.filter(decent), rooms),
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
