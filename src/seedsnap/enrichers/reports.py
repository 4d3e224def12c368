"""Reports: members flag posts and comments of their community (seeder.md §7 row 17, §11.16).

What is reported is what reads as reportable: the keyed few posts and comments written in a
reportable voice (``content_text.REPORTABLE_RATE``; insults, spam, hostility, a member in
crisis, someone's personal details, promotion), each once, for the reason its text reads as
(``content_text.reportable_reason``), with a detail of that reason (upstream reported
arbitrary, friendly content with a random reason). A reportable item not yet reported is
reported (a top-up: one report per item). The reporter is a keyed client or therapist member
of the community who is not the author (so nobody reports their own content, upstream's
§11.16 self-reports), who had joined before reporting and still came then; an item nobody
could report stays unreported. ``reportedUserId`` is the author. Reports made in the last
days are mostly PENDING; older ones were REVIEWED or DISMISSED by then, at a review time
(``updatedAt``) after the report, and only where a moderator of the community was assigned
by then (the table has no reviewer column: the moderator is implied by the community).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from seedsnap.context import MS_PER_DAY, MS_PER_HOUR, Context, Frames, timestamps
from seedsnap.enrichers.common import packed_order
from seedsnap.generators import content_text
from seedsnap.generators import social_text as t
from seedsnap.generators.clock import waking_at
from seedsnap.generators.common import is_author, ms_of, text_keys
from seedsnap.generators.users import home_offset_of, seen_of
from seedsnap.random import I64, U64, child_keys

READS = ("Post", "Comment", "Room", "RoomGroup", "Membership", "ModeratorCommunity", "User")
WRITES = ("Report",)

REVIEW_DAYS = (0.1, 3.0)


def _communities(frames: Frames) -> tuple[pl.DataFrame, pl.Series]:
    """Rooms with their community's code (roomId, c); the communities by code (in id order)."""
    rooms = frames["Room"].select(pl.col("id").alias("roomId"), "roomGroupId")
    rooms = rooms.join(
        frames["RoomGroup"].select(pl.col("id").alias("roomGroupId"), "communityId"),
        on="roomGroupId",
    )
    names = rooms["communityId"].unique().sort()
    codes = names.to_frame().with_row_index("c")
    return rooms.join(codes, on="communityId").select("roomId", "c"), names


def _items(frames: Frames, rooms: pl.DataFrame) -> pl.DataFrame:
    """Reportable posts and comments: item, c (community code), author, created (ms), post,
    reason (what the text reads as)."""

    def items(table: str, parent: str) -> pl.DataFrame:
        rows = frames[table].select(
            pl.col("id").alias("item"),
            parent,
            pl.col("userId").alias("author"),
            ms_of("createdAt").alias("created"),
            content_text.reportable_reason(frames[table]["content"]),
        )
        return rows.drop_nulls("reason")

    posts = items("Post", "roomId").join(rooms, on="roomId").drop("roomId")
    post_c = frames["Post"].select(pl.col("id").alias("postId"), "roomId").join(rooms, on="roomId")
    comments = (
        items("Comment", "postId")
        .join(post_c.select("postId", "c"), on="postId", how="left")
        .drop("postId")
        .drop_nulls("c")
    )
    cols = ["item", "c", "author", "created", "reason"]
    return pl.concat(
        [
            posts.select(cols).with_columns(post=pl.lit(True)),
            comments.select(cols).with_columns(post=pl.lit(False)),
        ]
    ).rechunk()


def _by_community(c: I64, d: U64, item: pl.Series, n_comm: int) -> I64:
    """Positions ordering rows by (community code, d, item)."""

    def exact() -> I64:
        frame = pl.DataFrame({"c": c, "d": d, "item": item}).with_row_index()
        return frame.sort("c", "d", "item")["index"].to_numpy()

    return packed_order([(c, n_comm)], d, exact)


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    anchor = ctx.anchor_ms
    rooms, names = _communities(frames)
    items = _items(frames, rooms)
    if items.is_empty():
        return {}
    n_comm = len(names)
    existing = frames["Report"]
    reported = pl.concat(
        [existing.select(pl.col("postId").alias("item")),
         existing.select(pl.col("commentId").alias("item"))]
    ).drop_nulls()  # fmt: skip
    # The reportable items not reported yet, by (community code, keyed draw, item).
    items = items.filter(~pl.col("item").is_in(reported["item"].implode()))
    if items.is_empty():
        return {}
    s = ctx.stream("Report", "pick")
    c = items["c"].to_numpy().astype(np.int64)
    is_post = items["post"].to_numpy()
    ik = text_keys(items["item"])
    at = _by_community(c, s.bits(ik, 0), items["item"], n_comm)
    ik, cc = ik[at], c[at]
    author = items["author"].gather(at)
    created = items["created"].to_numpy()[at]

    # Reporter: a client or therapist member of the community, not the author, joined before
    # now; the report follows both the item and the reporter's joining.
    people = frames["User"].filter(pl.col("role").is_in(["client", "therapist"])).select("id")
    members = (
        frames["Membership"]
        .join(people, left_on="userId", right_on="id")
        .join(names.to_frame().with_row_index("c"), on="communityId")
        .select("c", pl.col("userId").alias("reporterId"), ms_of("joinedAt").alias("joined"))
        .sort("c")
    )
    reporter = members["reporterId"]
    m_c = members["c"].to_numpy().astype(np.int64)
    m_key = text_keys(reporter)
    m_joined = members["joined"].to_numpy()
    # Members report while they still come (``seen``).
    m_end = np.minimum(seen_of(ctx, frames["User"], reporter), anchor - MS_PER_HOUR)
    # Pairs of an item and each member of its community, by item (integer rows).
    m_count = np.bincount(m_c, minlength=n_comm)
    m_start = np.cumsum(m_count) - m_count
    reps = m_count[cc]
    pi = np.repeat(np.arange(len(at)), reps)
    pm = np.repeat(m_start[cc] - (np.cumsum(reps) - reps), reps) + np.arange(len(pi))
    # Not the author (nor a NULL one).
    ok = ~is_author(author, pi, reporter, pm, m_key) & (
        np.maximum(created[pi], m_joined[pm]) < m_end[pm]
    )
    pi, pm = pi[ok], pm[ok]
    if not len(pi):
        return {}
    pk = child_keys(ik[pi], m_key[pm])
    p = s.bits(pk, 1)
    # Per item, the pair of least (p, reporterId): the least p, and reporters compared only
    # where two p tie.
    first = np.flatnonzero(np.diff(pi, prepend=-1) != 0)
    seg = np.cumsum(np.diff(pi, prepend=-1) != 0) - 1
    low = np.flatnonzero(p == np.minimum.reduceat(p, first)[seg])
    if len(low) > len(first):
        low = (
            pl.DataFrame({"seg": seg[low], "r": reporter.gather(pm[low]), "row": low})
            .sort("seg", "r")
            .unique("seg", keep="first", maintain_order=True)["row"]
            .to_numpy()
        )
    pi, pm, pk = pi[low], pm[low], pk[low]
    at = at[pi]
    pairs = pl.DataFrame(
        {
            "item": items["item"].gather(at),
            "kind": np.where(is_post[at], "post", "comment"),
            "reason": items["reason"].gather(at),
            "communityId": names.gather(cc[pi]),
            "author": author.gather(pi),
            "created": created[pi],
            "reporterId": reporter.gather(pm),
            "joined": m_joined[pm],
            "end": m_end[pm],
            "pkey": pk,
        }
    )
    if pairs.is_empty():
        return {}
    sr = ctx.stream("Report", "report")
    pk = pairs["pkey"].to_numpy()
    lo = np.maximum(pairs["created"].to_numpy(), pairs["joined"].to_numpy())
    # Most reports come soon after the content appears.
    span = np.clip(pairs["end"].to_numpy() - lo, 0, 10 * MS_PER_DAY)
    home = home_offset_of(ctx, pairs["reporterId"])  # reported in the reporter's waking hours
    created = waking_at(lo, lo + span, sr.uniform(pk, 0) ** 2, home)
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
    # The reason is what the text reads as; the detail one of that reason's.
    reason_i = (
        pairs["reason"].cast(pl.Enum(t.REPORT_REASONS)).to_physical().cast(pl.Int64).to_numpy()
    )
    detail_i = sr.choice(pk, 3, index=4)
    details = np.asarray([d for r in t.REPORT_REASONS for d in t.REPORTS[r]], dtype=object)[
        reason_i * 3 + detail_i
    ]
    is_post = pairs["kind"].to_numpy() == "post"
    report = pairs.select(
        ctx.ids("Report", pk).alias("id"),
        "reason",
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
