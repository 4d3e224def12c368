"""User blocks among clients (seeder.md §7 row 18).

A keyed ``BLOCK_RATE`` share of clients (and at least ``MIN_BLOCKERS`` of them, the top of a
keyed ranking, so small builds still have blocks), ``VICTIM_BLOCK_P`` of those who had a hostile
comment on their posts and ``UNWANTED_BLOCK_P`` of those left with unwanted messages
(``_unwanted``: in a direct conversation the other wrote more and the last, unanswered) block
one other client they have met: first someone who attacked them on their posts, then someone
whose messages they did not answer, then someone from a shared community, else someone they
share a conversation with; a client who has met no other client blocks nobody (nobody blocks a
stranger). Never oneself, one row per (blocker, blocked) by construction, and created after both
users existed, after they met, and after anything passed between them either way (a message in a
conversation of both, a comment or a heart on the other's post, a reply to or a heart on the
other's comment: nothing does across a block) and after the last group session both registered
for ended (neither CANCELLED: two who share one the blocker was not seen to the end of, an
upcoming one above all, are not blocked, as a client who blocked someone would not sign up for a
small group with them; the sessions are made before the blocks), ``BLOCK_PAUSE_MS`` at least
after all that, before the blocker was last seen, in its waking hours. The reason fits what the
blocked did first (``_reasons``); one for unwanted messages comes minutes to days after the last
of them (``UNWANTED_AFTER_MS``). Nothing is read, reacted to or typed between the two after a
block either (``message_interactions``, ``typing``). A blocker who already blocks someone is
satisfied, so a re-run adds nothing; upstream used a global "fewer than 2" threshold over the
first four clients and drew reasons regardless.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from seedsnap.arrays import in_sorted, rows_in
from seedsnap.context import MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, Context, Frames, timestamps
from seedsnap.enrichers.common import co_members, take_ranked
from seedsnap.generators import content_text as ct
from seedsnap.generators import social_text as t
from seedsnap.generators.clock import waking_between, waking_soon_after
from seedsnap.generators.common import ms_of, text_keys
from seedsnap.generators.users import home_offset_of, seen_of
from seedsnap.random import child_keys

READS = ("User", "Client", "Membership", "Conversation", "ConversationParticipant", "Message",
         "Post", "Comment", "PostHeart", "CommentHeart", "GroupTherapySessions",
         "GroupSessionParticipants")  # fmt: skip
WRITES = ("UserBlock",)

BLOCK_RATE = 0.12
MIN_BLOCKERS = 2
# Why a client blocks another (``t.BLOCK_REASONS``), by what the other did first: a hostile
# comment on its posts, spam or a promotion anywhere, a message to it; else a reason that
# needs no history, or none. HISTORY_REASON_P of the blocks with such a history give it.
NEGATIVE, SPAM, MESSAGES = t.BLOCK_REASONS[2], t.BLOCK_REASONS[3], t.BLOCK_REASONS[0]
GENERAL_REASONS = (t.BLOCK_REASONS[1], None)
HISTORY_REASON_P = 0.7
# A block comes at least BLOCK_PAUSE_MS after anything passed between the two (no block in
# the same breath as one's own warm message). One for unwanted messages comes
# UNWANTED_AFTER_MS after an unanswered message of the blocked in their direct conversation
# (minutes to days, UNWANTED_MEAN_MS on average, on the blocker's waking clock), who wrote
# more of it than the blocker and the last of it (``_unwanted``).
BLOCK_PAUSE_MS = 5 * MS_PER_MINUTE
UNWANTED_AFTER_MS = (10 * MS_PER_MINUTE, 3 * MS_PER_DAY)
UNWANTED_MEAN_MS = 12 * MS_PER_HOUR
# A client who had a hostile comment on its posts (``content_text.HOSTILE_REASONS``) blocks
# its writer with VICTIM_BLOCK_P (beside the BLOCK_RATE share of clients who block someone).
VICTIM_BLOCK_P = 0.5
# A client left with unwanted messages (``_unwanted``) blocks their writer with
# UNWANTED_BLOCK_P (beside the others).
UNWANTED_BLOCK_P = 0.5


def _codes(frame: pl.DataFrame, column: str, ids: pl.Series, alias: str) -> pl.DataFrame:
    """``frame`` with ``column`` as its row in ``ids`` (as ``alias``, replacing it), only the
    rows whose value is among ``ids``."""
    code = pl.Series(alias, rows_in(frame[column], ids))
    return frame.drop(column).with_columns(code).filter(pl.col(alias) >= 0)


def _both(frame: pl.DataFrame, on: str, ids: pl.Series) -> pl.DataFrame:
    """(``on``, u, v) for each two users u != v of ``ids`` (their rows) who are both in one
    ``on`` of ``frame`` (its rows: ``on``, userId), either way round."""
    parts = _codes(frame.select(on, "userId"), "userId", ids, "u")
    return parts.join(parts.rename({"u": "v"}), on=on).filter(pl.col("u") != pl.col("v"))


def _last_exchange(frames: Frames, ids: pl.Series) -> pl.DataFrame:
    """(k, talked) for u and v of ``ids`` (k = u * len(ids) + v, their rows): the last
    message in a conversation both u and v take part in."""
    n = len(ids)
    msgs = frames["Message"].select("conversationId", "senderId", ms_of("createdAt").alias("at"))
    last = msgs.group_by("conversationId").agg(pl.col("at").max().alias("talked"))
    both = _both(frames["ConversationParticipant"], "conversationId", ids)
    return (
        both.join(last, on="conversationId")
        .group_by(k=pl.col("u") * n + pl.col("v"))
        .agg(pl.col("talked").max())
    )


def _unwanted(frames: Frames, ids: pl.Series) -> pl.DataFrame:
    """(k, unwanted) for u and v of ``ids`` (k = u * len(ids) + v, their rows) whose direct
    conversations v wrote more of than u, and the last of: when v last wrote there."""
    n = len(ids)
    direct = frames["Conversation"].filter(pl.col("type").cast(pl.String) == "DIRECT")
    direct = direct.select(pl.col("id").alias("conversationId"))
    msgs = (
        frames["Message"]
        .filter(pl.col("messageType").cast(pl.String) != "SYSTEM")
        .join(direct, on="conversationId", how="semi")
        .select("conversationId", "senderId", ms_of("createdAt").alias("at"))
    )
    msgs = _codes(msgs, "senderId", ids, "w")
    both = _both(
        frames["ConversationParticipant"].join(direct, on="conversationId", how="semi"),
        "conversationId",
        ids,
    )
    by_v, by_u = pl.col("w") == pl.col("v"), pl.col("w") == pl.col("u")
    per = both.join(msgs, on="conversationId").group_by(k=pl.col("u") * n + pl.col("v"))
    return (
        per.agg(
            by_v.sum().alias("n_v"),
            by_u.sum().alias("n_u"),
            pl.col("at").filter(by_v).max().alias("unwanted"),
            pl.col("at").max().alias("last"),
        )
        .filter((pl.col("n_v") > pl.col("n_u")) & (pl.col("unwanted") == pl.col("last")))
        .select("k", "unwanted")
    )


def _on_posts(frames: Frames, ids: pl.Series) -> pl.DataFrame:
    """(u, v, at, hostile) for u and v of ``ids`` (their rows): each comment v wrote on a
    post of u's, each heart v gave one, and each reply or heart v gave a comment of u's
    (v != u); hostile: a comment on u's post reads as an attack (``ct.HOSTILE_REASONS``, read
    only on these comments)."""

    def by(frame: pl.DataFrame, who: str) -> pl.DataFrame:
        return _codes(frame, "userId", ids, who)

    at = ms_of("createdAt").alias("at")
    authors = by(frames["Post"].select(pl.col("id").alias("postId"), "userId"), "u")
    comments = by(frames["Comment"].select("postId", "userId", at, "content"), "v")
    hearts = by(frames["PostHeart"].select("postId", "userId", at), "v")
    # A reply v wrote to a comment of u's, or a heart v gave one, on anyone's post: they
    # passed between the two too (heavy x3 had a blocker reply to the blocked's comment).
    said = by(frames["Comment"].select(pl.col("id").alias("commentId"), "userId"), "u")
    replies = by(
        frames["Comment"]
        .filter(pl.col("parentId").is_not_null())
        .select(pl.col("parentId").alias("commentId"), "userId", at),
        "v",
    )
    comment_hearts = by(frames["CommentHeart"].select("commentId", "userId", at), "v")
    hostile = ct.reportable_reason_expr("content").is_in(ct.HOSTILE_REASONS).fill_null(False)
    return pl.concat(
        [
            comments.join(authors, on="postId").select("u", "v", "at", hostile.alias("hostile")),
            hearts.join(authors, on="postId").select("u", "v", "at", hostile=pl.lit(False)),
            *(
                x.join(said, on="commentId").select("u", "v", "at", hostile=pl.lit(False))
                for x in (replies, comment_hearts)
            ),
        ]
    ).filter(pl.col("u") != pl.col("v"))


def _history(frames: Frames, ids: pl.Series) -> pl.DataFrame:
    """(k, talked, hostile) for u and v of ``ids`` (k = u * len(ids) + v, their rows): when
    anything last passed between u and v, either way (a message in a conversation of both, a
    comment or heart on the other's post), plus 1 ms; the first hostile comment v wrote on
    u's posts. Users are coded as their rows first, and
    only pairs of ``ids`` kept: each pair's values come from its own rows only."""
    n = len(ids)
    on = _on_posts(frames, ids)
    given = on.group_by("u", "v").agg(
        pl.col("at").max().alias("given"),
        pl.col("at").filter(pl.col("hostile")).min().alias("hostile"),
    )
    # What u gave v is what v took from u: the same rows, the pair turned round.
    taken = given.select(k=pl.col("v") * n + pl.col("u"), taken="given")
    given = given.select(k=pl.col("u") * n + pl.col("v"), given="given", hostile="hostile")
    return (
        _last_exchange(frames, ids)
        .join(given, on="k", how="full", coalesce=True)
        .join(taken, on="k", how="full", coalesce=True)
        .select(
            "k",
            (pl.max_horizontal("talked", "given", "taken") + 1).alias("talked"),
            "hostile",
        )
    )


def _together(frames: Frames, ids: pl.Series) -> pl.DataFrame:
    """(k, together) for u and v of ``ids`` (k = u * len(ids) + v, their rows): when the
    last group session both registered for, neither CANCELLED, ended, plus 1 ms."""
    n = len(ids)
    ends = frames["GroupTherapySessions"].select(
        pl.col("id").alias("sessionId"),
        (ms_of("scheduledAt") + pl.col("duration").cast(pl.Int64) * MS_PER_MINUTE).alias("end"),
    )
    regs = frames["GroupSessionParticipants"].filter(
        pl.col("attendanceStatus").cast(pl.String) != "CANCELLED"
    )
    return (
        _both(regs, "sessionId", ids)
        .join(ends, on="sessionId")
        .group_by(k=pl.col("u") * n + pl.col("v"))
        .agg((pl.col("end").max() + 1).alias("together"))
    )


def _spam_at(frames: Frames, ids: pl.Series) -> np.ndarray:
    """When each of ``ids`` first wrote a post or comment that reads as spam (``ct.SPAM_REASONS``);
    -1 where never. Only the texts of ``ids`` are read."""
    reason = ct.reportable_reason_expr("content")
    who = ids.implode()
    texts = pl.concat(
        [
            frames[t]
            .filter(pl.col("userId").is_in(who))
            .select("userId", "content", ms_of("createdAt").alias("at"))
            for t in ("Post", "Comment")
        ]
    )
    first = (
        texts.filter(reason.is_in(ct.SPAM_REASONS).fill_null(False))
        .group_by("userId")
        .agg(pl.col("at").min())
    )
    out: np.ndarray = (
        ids.to_frame("userId")
        .join(first, on="userId", how="left", maintain_order="left")["at"]
        .fill_null(-1)
        .to_numpy()
    )
    return out


def _reasons(
    ctx: Context, pk: np.ndarray, picked: pl.DataFrame, lo: np.ndarray, wrote: np.ndarray
) -> np.ndarray:
    """Why each block (``picked``: hostile, spam: when the blocked did each first, NULL or -1
    where never) was made: by the first history that holds before ``lo``, the earliest the
    block can be (``wrote``: unwanted messages the block can follow, ``_unwanted``),
    HISTORY_REASON_P of the time; else a general reason."""
    sb = ctx.stream("UserBlock", "reason")
    general = np.asarray(GENERAL_REASONS, dtype=object)[
        sb.choice(pk, len(GENERAL_REASONS), index=0)
    ]
    by_history = sb.bernoulli(pk, HISTORY_REASON_P, index=1)
    hostile = picked["hostile"].fill_null(lo + 1).to_numpy() <= lo
    spam = (picked["spam"].to_numpy() >= 0) & (picked["spam"].to_numpy() <= lo)
    out = np.select(
        [by_history & hostile, by_history & spam, by_history & wrote],
        [NEGATIVE, SPAM, MESSAGES],
        general,
    )
    return out


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    clients = (
        frames["User"]
        .filter(pl.col("emailVerified"))  # an unverified client has only just signed up
        .join(frames["Client"].select(pl.col("userId").alias("id")), on="id")
        .select("id", ms_of("createdAt").alias("created"))
        .sort("id")
    )
    if clients.height < 2:
        return {}
    ids = clients["id"]
    ck = text_keys(ids)
    created = clients["created"].to_numpy()
    # A block is the blocker's act: made before it was last seen (``users.last_seen``), so
    # only of someone it met by then.
    seen = seen_of(ctx, frames["User"], ids)
    # What passed between two clients (rows of ``clients``), either way: a block comes after
    # all of it (``_history``), so nothing is said across it.
    n = len(ids)
    talks = _history(frames, ids)
    pair = talks["k"].to_numpy()
    tu, tv = pair // n, pair % n
    talked = talks["talked"].to_numpy()
    # Two registered for a group session that ends after the blocker was last seen (an
    # upcoming one above all) are kept together: no block between them (``_together``).
    shared = _together(frames, ids)
    sk = shared["k"].to_numpy()
    apart = np.sort(sk[shared["together"].to_numpy() + BLOCK_PAUSE_MS > seen[sk // n]])
    timely = (np.maximum(talked, created[tv]) + BLOCK_PAUSE_MS <= seen[tu]) & ~in_sorted(
        pair, apart
    )
    # Pairs whose last exchange came after the blocker was last seen cannot be blocked by it.
    too_late = np.union1d(pair[~timely], apart)
    hostile = talks["hostile"].to_numpy()[timely]
    unwanted = _unwanted(frames, ids)
    # v wrote to u, unanswered (``_unwanted``)
    messaged = in_sorted(pair[timely], np.sort(unwanted["k"].to_numpy()))
    tu, tv = tu[timely], tv[timely]
    # Those who wrote a hostile comment on the client's posts (when they first did).
    has = ~np.isnan(hostile.astype(np.float64))
    uh, vh, met_h = tu[has], tv[has], hostile[has].astype(np.int64)
    # Community co-members, met when the later of the two joined.
    u0, v0, met0 = co_members(ids, frames["Membership"], np.ones(len(ids), dtype=bool))
    timely = np.maximum(met0, created[v0]) + BLOCK_PAUSE_MS <= seen[u0]
    timely &= ~in_sorted(u0 * n + v0, too_late)
    u0, v0, met0 = u0[timely], v0[timely], met0[timely]
    # Clients who have met another client in time: a community with another client, or a talk.
    met_someone = np.zeros(len(ids), dtype=bool)
    met_someone[u0] = True
    met_someone[tu] = True
    s = ctx.stream("UserBlock", "blocker")
    draw = s.bits(ck, 0)
    ranked = np.argsort(draw, kind="stable")
    top = ranked[met_someone[ranked]][:MIN_BLOCKERS]
    chosen = s.bernoulli(ck, BLOCK_RATE, 1) & met_someone
    chosen[top] = True
    victim = np.zeros(len(ids), dtype=bool)
    victim[uh] = True
    chosen |= victim & s.bernoulli(ck, VICTIM_BLOCK_P, 2)
    pestered = np.zeros(len(ids), dtype=bool)
    pestered[tu[messaged]] = True
    chosen |= pestered & s.bernoulli(ck, UNWANTED_BLOCK_P, 3)
    # A blocker who already blocks someone is satisfied; so no candidate pair below exists
    # already, and none needs excluding.
    chosen &= ~ids.is_in(frames["UserBlock"]["blockerId"].implode()).to_numpy()
    if not chosen.any():
        return {}
    want = chosen.astype(np.int64)  # one block each
    # Candidates as client rows (``clients`` is sorted by id): who attacked the client on its
    # posts first, then who wrote to it in a conversation (unwanted messages are what people
    # block for most after attacks), then community co-members, then the other partners.
    mine = chosen[uh]
    uh, vh, met_h = uh[mine], vh[mine], met_h[mine]
    mine = chosen[u0]
    u0, v0, met0 = u0[mine], v0[mine], met0[mine]
    mine = chosen[tu]
    u1, v1 = tu[mine], tv[mine]
    u = np.concatenate([uh, u0, u1])
    v = np.concatenate([vh, v0, v1])
    tier = np.concatenate(
        [
            np.zeros(len(uh), np.int64),
            np.full(len(u0), 2, np.int64),
            np.where(messaged[mine], 1, 3),
        ]
    )
    met = np.concatenate([met_h, met0, np.zeros(len(u1), np.int64)])
    best = take_ranked(ctx.stream("UserBlock", "blocked"), ck, u, v, tier, want)
    u, v = u[best], v[best]
    picked = pl.DataFrame(
        [
            ids.gather(u).alias("u"),
            ids.gather(v).alias("v"),
            pl.Series("met", met[best]),
            clients["created"].gather(u).alias("cu"),
            clients["created"].gather(v).alias("cv"),
            pl.Series("k", u * n + v),
        ]
    )
    # A block comes after what passed between the two (``talked``) and after the last group
    # session they shared (``together``).
    picked = (
        picked.join(talks, on="k", how="left")
        .join(shared, on="k", how="left")
        .join(unwanted, on="k", how="left")
        .sort("u")
    )
    picked = picked.with_columns(pl.Series("spam", _spam_at(frames, picked["v"])))
    pk = child_keys(text_keys(picked["u"]), text_keys(picked["v"]))
    lo = BLOCK_PAUSE_MS + np.maximum(
        picked.select(pl.max_horizontal("cu", "cv", "met", "talked", "together"))
        .to_series()
        .to_numpy(),
        0,
    )
    # Everything lo is made of lies a pause before the blocker was last seen, so the window
    # is never empty; blocked in the blocker's waking hours. Unwanted messages are blocked
    # minutes to days after the last of them, if that window is open.
    sb = ctx.stream("UserBlock", "time")
    by = picked["u"]
    hi = seen_of(ctx, frames["User"], by)
    home = home_offset_of(ctx, by)
    last = picked["unwanted"].fill_null(-(2**62)).to_numpy()
    m_lo = np.maximum(lo, last + UNWANTED_AFTER_MS[0])
    m_hi = np.minimum(hi, last + UNWANTED_AFTER_MS[1])
    reasons = _reasons(ctx, pk, picked, lo, m_lo <= m_hi)
    at = np.where(
        reasons == MESSAGES,
        waking_soon_after(sb, pk, m_lo, m_hi, UNWANTED_MEAN_MS, home, index=1),
        waking_between(sb, pk, lo, hi, home),
    )
    block = picked.select(
        ctx.ids("UserBlock", pk).alias("id"),
        pl.col("u").alias("blockerId"),
        pl.col("v").alias("blockedId"),
        pl.Series("reason", list(reasons), dtype=pl.String),
        timestamps(at, "createdAt"),
    )
    return {"UserBlock": block}
