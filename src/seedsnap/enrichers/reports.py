"""Reports: members flag posts and comments of their community (seeder.md §7 row 17, §11.16).

What is reported is what reads as reportable: the keyed few posts and comments written in a
reportable voice (a member in crisis, ``content_text.CRISIS_RATE``, or the misconduct of a few
repeat offenders, ``content.offenders``: insults, spam, hostility, someone's personal details,
promotion), for the reason its text reads as
(``content_text.reportable_reason``), with a detail of that reason (upstream reported
arbitrary, friendly content with a random reason). A reportable item not yet reported is
reported (a top-up) by a keyed few distinct members: a comment by one (``COMMENT_EXTRA`` of
them by two), a post by one to four, more the more members commented on it (``reporters``);
an item in crisis only for a keyed ``CRISIS_REPORTED`` of them (members answer the others).
A reporter is a client or therapist member of the community who is not the author (so nobody
reports their own content, upstream's §11.16 self-reports), who had joined before reporting
and still came then; an item nobody could report stays unreported. ``reportedUserId`` is the
author. An item's reports are reviewed together, a keyed delay after its first one
(``REVIEW_DAYS`` by reason, skewed: most within a day or two, a few most of a week; a
member in crisis within hours), by the community's moderator or
the platform's admins (the table has no reviewer column): REVIEWED (acted on) or, for a keyed
``DISMISS_RATE`` of the reason's items, DISMISSED; never a crisis. A report made after its
item's review is closed the same way soon after. Only what was not reviewed by the anchor,
the recent reports, is PENDING; ``updatedAt`` is the review time. A build whose reports
are all reviewed has one PENDING all the same (``MIN_PENDING``, ``_pending``): a late report
of a member who came in the hours before the anchor, not closed yet.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from seedsnap.context import MS_PER_DAY, MS_PER_HOUR, Context, Frames, timestamps
from seedsnap.enrichers.common import packed_order
from seedsnap.generators import content_text
from seedsnap.generators import social_text as t
from seedsnap.generators.clock import waking, waking_at, waking_between
from seedsnap.generators.common import is_author, ms_of, rank_in_run, text_keys
from seedsnap.generators.users import home_offset_of, seen_of
from seedsnap.random import F64, I64, U64, child_keys

B = npt.NDArray[np.bool_]

READS = ("Post", "Comment", "Room", "RoomGroup", "Membership", "User")
WRITES = ("Report",)

CRISIS = "Self-harm or crisis concern"
# The share of the items in crisis that members report: most answer one with support (a
# peer-support queue is mostly spam, hostility and promotion; in 0.14.0 every crisis item
# was reported, by one member more than another item: 84 of heavy x3's 185 reports).
CRISIS_REPORTED = 0.3
# Days from an item's first report to its review, by reason (others: DEFAULT_REVIEW_DAYS):
# lo + (hi - lo) * u**REVIEW_SKEW for a keyed uniform u, so most are reviewed within a day
# or two and a few wait most of a week (a weekend's backlog): recent reports are more often
# PENDING (0.14.0 reviewed all within 3 days, uniformly: 4 of 185 PENDING on heavy x3).
DEFAULT_REVIEW_DAYS = (0.1, 6.0)
REVIEW_SKEW = 2.0
REVIEW_DAYS = {
    CRISIS: (10 / (24 * 60), 3 / 24),
    "Spam or misleading information": (0.05, 4.0),
    "Off-topic promotion": (0.05, 4.0),
}
# A report made after its item was reviewed is closed this soon after it.
LATE_CLOSE_DAYS = (5 / (24 * 60), 0.5)
# The share of a reason's reviewed items whose reports are dismissed; a crisis never is.
DISMISS_RATE = {
    "Inappropriate content": 0.3,
    "Spam or misleading information": 0.08,
    "Harassment or bullying": 0.2,
    CRISIS: 0.0,
    "Sharing personal information": 0.1,
    "Off-topic promotion": 0.1,
}
MAX_REPORTERS = 4
COMMENT_EXTRA = 0.15


def reporters(stream_u: F64, is_post: npt.NDArray[np.bool_], commenters: I64) -> I64:
    """How many members report an item: a comment one (COMMENT_EXTRA of them two); a post
    1 to 1 + commenters // 2 (keyed uniform ``stream_u``), at most MAX_REPORTERS."""
    cap = np.minimum(1 + commenters // 2, MAX_REPORTERS)
    post = 1 + np.floor(stream_u * cap).astype(np.int64)
    comment = 1 + (stream_u < COMMENT_EXTRA)
    out: I64 = np.minimum(np.where(is_post, post, comment), MAX_REPORTERS)
    return out


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
    # Per item, its first ``reporters`` pairs by (p, reporterId): distinct members (the first
    # is the one a single report had).
    order = (
        pl.DataFrame({"pi": pi, "p": p, "r": reporter.gather(pm)})
        .with_row_index()
        .sort("pi", "p", "r")["index"]
        .to_numpy()
    )
    pi, pm, pk = pi[order], pm[order], pk[order]
    # Commenters counted on the reportable posts only (a few of all the posts).
    post_ids = items.select(pl.col("item").gather(at).alias("postId"))
    commented = (
        frames["Comment"]
        .filter(pl.col("postId").is_in(post_ids["postId"].implode()))
        .group_by("postId")
        .agg(pl.col("userId").n_unique().alias("n"))
    )
    n_commenters = (
        post_ids.join(commented, on="postId", how="left", maintain_order="left")["n"]
        .fill_null(0)
        .to_numpy()
    )
    # Members answer a post in crisis with support; a keyed CRISIS_REPORTED of those items
    # are reported (flagged for the moderators' attention), the others by nobody. The one
    # with the lowest draw is reported in any build without one (light's few reports keep one
    # of a member in crisis, reviewed: REVIEWED is otherwise rare there).
    crisis = (items["reason"].gather(at) == CRISIS).to_numpy()
    u_crisis = s.uniform(ik, 3)
    flagged = ~crisis | (u_crisis < CRISIS_REPORTED)
    if crisis.any() and not (existing["reason"] == CRISIS).any():
        flagged[np.flatnonzero(crisis)[np.argmin(u_crisis[crisis])]] = True
    want = reporters(s.uniform(ik, 2), is_post[at], n_commenters) * flagged
    keep = rank_in_run(pi) < want[pi]
    # The members who could have reported an item but did not: a late one (``_pending``).
    others = (at[pi[~keep]], pm[~keep], pk[~keep])
    pi, pm, pk = pi[keep], pm[keep], pk[keep]
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
    # An item's reports are reviewed together, a delay (by reason) after its first one; one
    # made after that is closed soon after it is made.
    item_i = np.cumsum(np.diff(pi, prepend=-1) != 0) - 1
    starts = np.flatnonzero(np.diff(pi, prepend=-1) != 0)
    first = np.minimum.reduceat(created, starts)[item_i]
    reason = pairs["reason"]
    ikey = ik[pi]  # each pair's item's key
    days = np.asarray([REVIEW_DAYS.get(r, DEFAULT_REVIEW_DAYS) for r in t.REPORT_REASONS])
    reason_i = reason.cast(pl.Enum(t.REPORT_REASONS)).to_physical().cast(pl.Int64).to_numpy()
    lo_d, hi_d = days[reason_i, 0], days[reason_i, 1]
    item_review = first + np.floor(
        (lo_d + sr.uniform(ikey, 5) ** REVIEW_SKEW * (hi_d - lo_d)) * MS_PER_DAY
    ).astype(np.int64)
    late = np.floor(
        (LATE_CLOSE_DAYS[0] + sr.uniform(pk, 1) * (LATE_CLOSE_DAYS[1] - LATE_CLOSE_DAYS[0]))
        * MS_PER_DAY
    ).astype(np.int64)
    review_at = np.where(item_review > created, item_review, created + late)
    pairs = pairs.with_columns(pl.Series("created", created))
    reviewed = review_at <= anchor
    dismiss = np.asarray([DISMISS_RATE[r] for r in t.REPORT_REASONS])[reason_i]
    status = np.where(
        reviewed,
        np.where(sr.uniform(ikey, 6) < dismiss, "DISMISSED", "REVIEWED"),
        "PENDING",
    )
    # The reason is what the text reads as; the detail one of that reason's.
    content = _content(reason_i, sr.choice(pk, DETAILS_PER_REASON, index=4))
    is_post = pairs["kind"].to_numpy() == "post"
    report = pairs.select(
        ctx.ids("Report", pk).alias("id"),
        "reason",
        content,
        pl.Series("status", status),
        pl.when(pl.Series(is_post)).then(pl.col("item")).alias("postId"),
        pl.when(pl.Series(~is_post)).then(pl.col("item")).alias("commentId"),
        pl.col("author").alias("reportedUserId"),
        "reporterId",
        timestamps(created, "createdAt"),
        timestamps(np.where(reviewed, review_at, created), "updatedAt"),
    )
    open_ = _pending(ctx, report, items, others, (reporter, m_joined, m_end))
    return {
        "Report": pl.concat([report, open_], how="vertical_relaxed") if open_.height else report
    }


# The details a report may give, DETAILS_PER_REASON of each reason in REPORT_REASONS' order.
_DETAILS = np.asarray([d for r in t.REPORT_REASONS for d in t.REPORTS[r]], dtype=object)
DETAILS_PER_REASON = len(t.REPORTS[t.REPORT_REASONS[0]])
assert all(len(t.REPORTS[r]) == DETAILS_PER_REASON for r in t.REPORT_REASONS)


def _content(reason_i: I64, pick: I64) -> pl.Series:
    """Each report's content: detail ``pick`` of its reason (``reason_i``, its index in
    REPORT_REASONS); NULL for the empty detail (a report with no words)."""
    details = _DETAILS[reason_i * DETAILS_PER_REASON + pick]
    return pl.Series("content", np.asarray(details, dtype=str)).replace("", None)


# A build with a reportable item holds at least MIN_PENDING reports still PENDING (testers
# need the moderation queue in light too, whose few reports are all reviewed long before the
# anchor): a report made after its item's review is closed soon after (LATE_CLOSE_DAYS), so
# one a member made in the last LATE_CLOSE_DAYS[1] before the anchor may still be open.
MIN_PENDING = 1
PENDING_WITHIN = int(LATE_CLOSE_DAYS[1] * MS_PER_DAY)
PENDING_AWAKE = 30 * 60_000  # waking time the member had in that window, at least


def _pending(
    ctx: Context,
    report: pl.DataFrame,
    items: pl.DataFrame,
    others: tuple[I64, I64, U64],
    members: tuple[pl.Series, I64, I64],
) -> pl.DataFrame:
    """Up to MIN_PENDING less those there are of reports PENDING (``report``): the top of a
    keyed ranking of the (item, member) pairs ``others`` (rows of ``items``, rows of
    ``members``: reporterId, joined, end; pair keys) of members who could report an item
    and did not, where the member still came in the last PENDING_WITHIN before the anchor:
    awake (``clock``) some PENDING_AWAKE of it, after the item and its joining, before its
    ``end``. Its report is made then, on its waking clock, and awaits review."""
    a = ctx.anchor_ms
    short = MIN_PENDING - int((report["status"] == "PENDING").sum())
    rows, m_row, pk = others
    if short <= 0 or not len(pk):
        return report.clear()
    reporter, joined, end = members
    home = home_offset_of(ctx, reporter.gather(m_row))
    lo = np.maximum(
        np.maximum(items["created"].to_numpy()[rows], joined[m_row]), a - PENDING_WITHIN
    )
    hi = end[m_row]
    ok = (hi > lo) & (waking(hi, home) - waking(lo, home) >= PENDING_AWAKE)
    if not ok.any():
        return report.clear()
    sp = ctx.stream("Report", "pending")
    c = pl.DataFrame({"r": np.flatnonzero(ok), "d": sp.bits(pk[ok], 0), "pk": pk[ok]})
    r = c.sort("d", "pk").head(short)["r"].to_numpy()
    keys = pk[r]
    made = waking_between(sp, keys, lo[r], hi[r], home[r], index=1)
    m_row, rows = m_row[r], rows[r]
    reason = items["reason"].gather(rows)
    reason_i = reason.cast(pl.Enum(t.REPORT_REASONS)).to_physical().cast(pl.Int64).to_numpy()
    content = _content(reason_i, sp.choice(keys, DETAILS_PER_REASON, index=2))
    post = items["post"].gather(rows)
    item = items["item"].gather(rows)
    return (
        pl.DataFrame(
            {
                "id": ctx.ids("Report", keys),
                "reason": reason,
                "content": content,
                "status": ["PENDING"] * len(keys),
                "postId": pl.select(pl.when(post).then(item)).to_series(),
                "commentId": pl.select(pl.when(~post).then(item)).to_series(),
                "reportedUserId": items["author"].gather(rows),
                "reporterId": reporter.gather(m_row),
            }
        )
        .with_columns(timestamps(made, "createdAt"), timestamps(made, "updatedAt"))
        .select(report.columns)
    )
