"""Messages: conversations, their participants and their messages (seeder.md §7 row 11).

Every client and every APPROVED therapist reaches ``client.conversations`` conversations that
hold at least ``client.messages_per_conversation`` messages. Fixes over upstream (§11.10):

- partners come from a keyed ranking of eligible users: the user's therapist (or clients)
  first, then community co-members, then the next users of a keyed cyclic order; partners
  met before either was last seen come before all others. The cyclic tier always holds
  enough users that are not already partners, so nobody stays short (upstream skipped a
  partner and never replaced it), and nothing hinges on DB order;
- an existing DIRECT conversation excludes its pair (no second DIRECT for a pair); only
  conversations that actually have participants and enough messages count;
- message times strictly increase within a conversation, after every participant joined and
  before the first of them stopped coming (``users.last_seen``) and the anchor; replies
  (``replyToId``) point to an earlier message of the conversation;
  ``lastMessageAt`` is the last message; ``lastReadAt`` is at or after the participant's own
  last message (messages after it are unread);
- a client and their therapist speak of a worksheet or session only where it happened
  (``_event_lines``: as-of joins on the pair's Worksheet, WorksheetSubmission and Meeting
  rows); a session is named by its weekday in the reader's local time, and many care
  conversations open soon after the opener's news (``_open_after_news``);
- a client and a therapist talk while their pair goes on: a pair that ended talks until it
  stopped meeting (``_chat_ends``; heavy x3 from 0.14.0 had 538 messages in 73 of the 200
  chats of past pairs over 14 days after the pair's last session, 443 of them once the
  client had a new therapist), then some close with a short exchange of thanks and goodbye
  within days (``_closing``), nothing else;
- lines take slots ("{most_days}", "{person}" ...) that each message fills with keyed picks
  (``_fill_slots``, ``social_text.MESSAGE_SLOTS``): a line reads a few ways across the
  build, where a fixed one came back dozens of times (0.13.0, heavy x3: 34 times in 3,875).

Some communities also get a GROUP "peer circle" with a moderator and a few client members,
all still coming, who met the community ``ROOM`` before the first of them was last seen.
Only new rows are returned: an existing conversation is never changed, so one that is short
of messages simply does not count (topping it up would leave its ``lastMessageAt`` stale).

Beyond plain text (``_media``, ``_sessions``, ``_support``):

- a keyed few of the later messages of DIRECT conversations share a photo, a voice message or a
  video (MIN_MEDIA at least, where the draws left fewer, so light has each): one file, named as
  the sender's phone names it (local time), of a size in its kind's range, under the app's
  storage url, with a caption of its type;
- a group's SYSTEM lines tell who created it and who joined, at each member's joinedAt;
- a keyed share of COMPLETED video sessions get a SESSION chat of the pair, opened at the
  start ("Session started") and closed at the end ("Session ended"), its lines in between;
- a keyed share of clients whose payment FAILED ask about it in a SUPPORT chat, which an
  admin still coming then takes as its ADMIN and answers in turns, each soon after, before
  either stops coming.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import polars as pl

from seedsnap.arrays import in_sorted, rows_in
from seedsnap.context import MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, Context, Frames, timestamps
from seedsnap.enrichers.common import co_members, cyclic_neighbours, take_ranked
from seedsnap.generators import social_text as t
from seedsnap.generators.clock import (
    WORKDAY,
    from_waking,
    rhythm_of,
    waking,
    waking_at,
    waking_between,
    waking_soon_after,
)
from seedsnap.generators.common import rank_in_run, text_keys
from seedsnap.generators.therapy import pair_ends, utc_to_local
from seedsnap.generators.users import (
    DORMANT_AFTER,
    home_offset_of,
    home_zone_of,
    seen_of,
    with_seen,
    zone_of,
)
from seedsnap.random import I64, U64, Stream, child_keys, expand

READS = (
    "User",
    "Client",
    "Therapist",
    "ClientTherapist",
    "Membership",
    "Community",
    "ModeratorCommunity",
    "Meeting",
    "Worksheet",
    "WorksheetSubmission",
    "Payment",
    "PaymentMethod",
)
WRITES = ("Conversation", "ConversationParticipant", "Message")

# Index of a community's group conversation among its children (far from sibling indices).
GROUP_CHILD = 0x6752_4F55_5000
GROUP_RATE = 0.6  # share of communities with a peer-circle group chat
GROUP_SIZE = (3, 7)  # client members of a group chat, before the moderator
EXTRA_MESSAGES = {"DIRECT": (0, 7), "GROUP": (2, 10)}  # beyond the minimum, [lo, hi)
START_WITHIN_DAYS = 120  # conversations start at most this long before the anchor
REPLY_RATE = 0.12
EDIT_RATE = 0.05
SWITCH_RATE = 0.7  # chance the other participant speaks next in a DIRECT conversation
FULLY_READ_RATE = 0.65
# A conversation starts at least this long before it goes quiet (the first of its members
# is last seen): room for its messages.
ROOM = 2 * MS_PER_DAY

KINDS = ("care", "peer", "colleague", "group")

# Media messages: a keyed MEDIA_RATE of the later messages of DIRECT conversations share one
# file, a photo (a screenshot when its caption says so), a voice message or a video; stored
# under MEDIA_STORE/<conversation>/<message>/<name>, named as phones name them (the sender's
# local time, daylight saving time included).
MEDIA_RATE = 0.06
MIN_MEDIA = 3  # media messages a build has at least, where it can: one of each type
MEDIA_TYPES = ("IMAGE", "AUDIO", "VIDEO")
MEDIA_DEAL = np.array([0, 1, 2, 0, 1, 0, 2, 0, 1, 0], dtype=np.int64)  # into MEDIA_TYPES
MEDIA_STORE = "https://storage.mentara.app/messages/"
# Per file kind (photo, voice message, video, screenshot): name prefix, extension, size
# range in bytes [lo, hi).
MEDIA_FILES = (
    ("IMG_", "jpg", 150_000, 4_500_000),
    ("voice_message_", "m4a", 30_000, 1_800_000),
    ("VID_", "mp4", 1_500_000, 45_000_000),
    ("Screenshot_", "png", 80_000, 1_500_000),
)
# Index of a member's SYSTEM line among its children (far from sibling indices).
SYSTEM_CHILD = 0x5359_5354_454D

# Lines of a care pair about a session or worksheet (``t.EVENT_LINES``, in priority order)
# are written only where the event exists: the keyed chance that a message able to say it
# does, the first such message per event and conversation.
EVENT_RATE = {
    "worksheet_shared": 1.0,
    "worksheet_done": 1.0,
    "next_session": 0.5,
    "move_session": 0.15,
    "after_session": 0.6,
    "follow_up": 0.3,
    "worksheet_question": 0.3,
}
EVENTS = tuple(t.EVENT_LINES)
FRESH = MS_PER_DAY  # a worksheet shared or finished is news this long
AFTER_SESSION_WITHIN = 2 * MS_PER_DAY
FOLLOW_UP_WITHIN = 14 * MS_PER_DAY
WORKSHEET_QUESTION_WITHIN = 30 * MS_PER_DAY
NEXT_SESSION_DAYS = 13  # a session named by its weekday starts within this many local days
# Share of care conversations that open soon after the opener's own news, when there is
# some in their window: the therapist assigned a worksheet, the client submitted one.
NEWS_RATE = 0.7
NEWS_DELAY = 2 * MS_PER_HOUR  # mean delay, on the opener's waking clock
# A client and a therapist talk while their pair goes on: the chat of a pair that ended
# (``therapy.pair_ends``: the client's next pair began, or the client stopped) holds its
# therapy talk before the end, and by AFTER_LAST_SESSION after its last session
# (``_chat_ends``). A keyed CLOSING_RATE of them then close with an exchange of thanks and
# goodbye (``t.CLOSING_*``, the client opens it but for CLOSING_BY_THERAPIST):
# the opening line within CLOSING_WITHIN after the end, the answer soon after (mean
# CLOSING_REPLY_MEAN, within CLOSING_REPLY_WITHIN), both while both still come. Nothing else
# is said after the end (check: message.direct_chat_within_the_pair allows 14 days).
NO_END = np.iinfo(np.int64).max
AFTER_LAST_SESSION = 3 * MS_PER_DAY  # a pair that ended talks this long after its last session
CLOSING_RATE = 0.5
CLOSING_BY_THERAPIST = 0.3
CLOSING_WITHIN = 7 * MS_PER_DAY
CLOSING_REPLY_MEAN = 4 * MS_PER_HOUR
CLOSING_REPLY_WITHIN = 2 * MS_PER_DAY


def ms(col: pl.Series | pl.Expr) -> pl.Expr | pl.Series:
    """A datetime column as int64 epoch milliseconds."""
    return col.dt.epoch("ms")


def eligible_users(frames: Frames) -> pl.DataFrame:
    """Clients who verified their email and APPROVED therapists: id, role, firstName,
    created (ms), key; sorted by id."""
    therapists = frames["Therapist"].select("userId", "status")  # not its ~50 other columns
    approved = therapists.filter(pl.col("status") == "APPROVED")["userId"]
    ids = pl.concat([frames["Client"]["userId"], approved]).unique()
    users = frames["User"].filter(pl.col("id").is_in(ids.implode()) & pl.col("emailVerified"))
    users = users.select("id", "role", "firstName", ms(pl.col("createdAt")).alias("created"))
    users = users.sort("id")
    return users.with_columns(pl.Series("key", text_keys(users["id"])))


def _qualifying(frames: Frames, min_messages: int) -> pl.DataFrame:
    """(userId, conversationId) of existing participations in conversations with enough
    messages and at least two participants."""
    parts = frames["ConversationParticipant"].select("conversationId", "userId")
    sizes = parts.group_by("conversationId").agg(pl.len().alias("n_parts"))
    counts = frames["Message"].group_by("conversationId").agg(pl.len().alias("n_msgs"))
    ok = sizes.join(counts, on="conversationId").filter(
        (pl.col("n_parts") >= 2) & (pl.col("n_msgs") >= min_messages)
    )
    return parts.join(ok.select("conversationId"), on="conversationId")


def _direct_partners(frames: Frames) -> pl.DataFrame:
    """(u, v) both ways for every existing two-person DIRECT conversation, whatever its size."""
    conv = frames["Conversation"].filter(pl.col("type") == "DIRECT").select("id")
    parts = frames["ConversationParticipant"].join(conv, left_on="conversationId", right_on="id")
    two = (
        parts.group_by("conversationId")
        .agg(pl.col("userId").sort())
        .filter(pl.col("userId").list.len() == 2)
    )
    a = two.select(pl.col("userId").list.get(0).alias("u"), pl.col("userId").list.get(1).alias("v"))
    return pl.concat([a, a.select(pl.col("v").alias("u"), pl.col("u").alias("v"))]).unique()


def _gone(ctx: Context, frames: Frames, ids: pl.Series) -> npt.NDArray[np.bool_]:
    """Whether each user of ``ids`` stopped coming (last seen over DORMANT_AFTER ago)."""
    out: npt.NDArray[np.bool_] = seen_of(ctx, frames["User"], ids) < ctx.anchor_ms - DORMANT_AFTER
    return out


def _groups(ctx: Context, frames: Frames, users: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """New peer-circle GROUP conversations: (conversations, members)."""
    s = ctx.stream("Conversation", "group")
    comm = frames["Community"].select("id", "name", ms(pl.col("createdAt")).alias("c_created"))
    comm = comm.sort("id")
    comm = comm.with_columns(pl.Series("ckey", text_keys(comm["id"])))
    ck = comm["ckey"].to_numpy()
    comm = comm.with_columns(
        pl.Series("conv_key", child_keys(ck, GROUP_CHILD)),
        pl.Series("want", s.bernoulli(ck, GROUP_RATE, 0)),
        pl.Series("size", s.integers(ck, GROUP_SIZE[0], GROUP_SIZE[1], 1)),
    )
    comm = comm.with_columns(ctx.ids("Conversation", comm["conv_key"].to_numpy()).alias("conv_id"))
    existing = frames["Conversation"]["id"].implode()
    comm = comm.filter(pl.col("want") & ~pl.col("conv_id").is_in(existing))
    clients = users.filter(pl.col("role") == "client").select("id", "key", "firstName", "created")
    members = (
        frames["Membership"]
        .select("communityId", pl.col("userId").alias("id"), ms(pl.col("joinedAt")).alias("since"))
        .join(clients, on="id")
    )
    members = members.join(
        comm.select("id", "conv_key", "size"), left_on="communityId", right_on="id"
    )
    if members.is_empty():
        return pl.DataFrame(), pl.DataFrame()
    draw = s.bits(child_keys(members["conv_key"].to_numpy(), members["key"].to_numpy()), 2)
    # Only members still coming (``seen`` within DORMANT_AFTER): a circle talks while its
    # members do, and one who stopped coming weeks ago does not join it now.
    gone = _gone(ctx, frames, members["id"])
    members = members.with_columns(pl.Series("_d", draw)).filter(~pl.Series(gone))
    members = members.sort("conv_key", "_d", "id")
    # One member of a first name per circle: its lines ("Client joined the conversation")
    # and its members' replies name them by it (the fixture clients are all "Client").
    members = members.filter(pl.col("firstName").is_first_distinct().over("conv_key"))
    members = members.with_columns(pl.int_range(pl.len()).over("conv_key").alias("order"))
    members = members.filter(pl.col("order") < pl.col("size"))
    members = members.with_columns(
        (pl.col("order") + 1).alias("order"),
        pl.lit("client").alias("speaker"),
        pl.lit("MEMBER").alias("role"),
        pl.max_horizontal("since", "created").alias("since"),
    ).select("conv_key", "id", "key", "firstName", "speaker", "role", "order", "since")
    # The community's moderator (keyed pick) opens the circle as its MODERATOR.
    mods = (
        frames["ModeratorCommunity"]
        .select(
            "communityId",
            pl.col("moderatorId").alias("id"),
            ms(pl.col("assignedAt")).alias("since"),
        )
        .join(comm.select("id", "conv_key"), left_on="communityId", right_on="id")
    )
    mods = mods.join(
        frames["User"].select("id", "firstName", ms(pl.col("createdAt")).alias("created")),
        on="id",
    )
    mods = mods.with_columns(pl.Series("key", text_keys(mods["id"])))
    # A moderator who stopped coming does not open a circle now either.
    mods = mods.filter(pl.Series(~_gone(ctx, frames, mods["id"])))
    mdraw = s.bits(child_keys(mods["conv_key"].to_numpy(), mods["key"].to_numpy()), 3)
    mods = mods.with_columns(pl.Series("_d", mdraw)).sort("conv_key", "_d", "id")
    mods = mods.unique("conv_key", keep="first", maintain_order=True)
    mods = mods.select(
        "conv_key",
        "id",
        "key",
        "firstName",
        pl.lit("moderator").alias("speaker"),
        pl.lit("MODERATOR").alias("role"),
        pl.lit(0, dtype=pl.Int64).alias("order"),
        pl.max_horizontal("since", "created").alias("since"),
    )
    members = pl.concat([mods, members.with_columns(pl.col("order").cast(pl.Int64))])
    # The circle talks before the first of its members was last seen (``build``): one who met
    # the community later than ROOM before that sits it out.
    seen = pl.Series("_seen", seen_of(ctx, frames["User"], members["id"]))
    members = members.with_columns(seen).filter(
        pl.col("since") <= pl.col("_seen").min().over("conv_key") - ROOM
    )
    members = members.drop("_seen")
    # Without a moderator the first member opens the circle.
    members = members.sort("conv_key", "order").with_columns(
        pl.int_range(pl.len()).over("conv_key").alias("order")
    )
    sizes = members.group_by("conv_key").agg(
        pl.len().alias("n_parts"), pl.col("since").max().alias("lo")
    )
    conv = comm.join(sizes, on="conv_key").filter(pl.col("n_parts") >= 3)
    conv = conv.select(
        "conv_key",
        pl.lit("GROUP").alias("type"),
        pl.lit("group").alias("kind"),
        pl.format(t.GROUP_TITLE.replace("{community}", "{}"), pl.col("name")).alias("title"),
        pl.max_horizontal("lo", "c_created").alias("lo"),
    )
    members = members.join(conv.select("conv_key"), on="conv_key")
    return conv, members


def _chat_ends(ctx: Context, frames: Frames) -> I64:
    """Per ClientTherapist row: until when the pair talks in their chat (ms; NO_END for a
    pair that goes on). A pair that ended (``therapy.pair_ends``) talked until it stopped
    meeting: AFTER_LAST_SESSION after the end of its last session (held or not cancelled)
    before the end, if that comes first; until the end if it had none."""
    ct = frames["ClientTherapist"].select(
        "clientId", "therapistId", pair_ends(ctx, frames["ClientTherapist"], frames["User"])
    )
    meet = frames["Meeting"].filter(pl.col("status") != "CANCELLED")
    last = (
        ct.join(
            meet.select("clientId", "therapistId", ms(pl.col("endTime")).alias("_e")),
            on=["clientId", "therapistId"],
        )
        .filter(pl.col("_e") <= pl.col("endMs"))
        .group_by("clientId", "therapistId")
        .agg(pl.col("_e").max())
    )
    out = ct.join(last, on=["clientId", "therapistId"], how="left", maintain_order="left").select(
        pl.min_horizontal("endMs", pl.col("_e") + AFTER_LAST_SESSION).fill_null(NO_END)
    )
    return out.to_series().to_numpy().astype(np.int64)


def _directs(
    ctx: Context, frames: Frames, users: pl.DataFrame, need: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """New DIRECT conversations so that every user in ``need`` (u, need) gets that many.

    ``take_ranked`` over the partner tiers, on user rows (``users`` is sorted by id).
    """
    s = ctx.stream("Conversation", "partner")
    n = users.height
    ids = users["id"]
    ukey = users["key"].to_numpy()
    created = users["created"].to_numpy()
    want = np.zeros(n, dtype=np.int64)
    want[rows_in(need["u"], ids)] = need["need"].to_numpy()
    excl = _direct_partners(frames)
    ex_u = rows_in(excl["u"], ids)
    ex_v = rows_in(excl["v"], ids)
    # Every excluded partner counts for the cyclic tier's length, eligible or not.
    n_excl = np.bincount(ex_u[ex_u >= 0], minlength=n)
    ex_pair = np.unique((ex_u * n + ex_v)[(ex_u >= 0) & (ex_v >= 0)])

    def keep(u: I64, v: I64) -> npt.NDArray[np.bool_]:
        """Pairs of a user in need that are not excluded."""
        return (want[u] > 0) & ~np.isin(u * n + v, ex_pair)

    def supply(pair: I64) -> I64:
        """Distinct partners per user among (unique) pair codes."""
        return np.bincount(pair // n, minlength=n)

    # A pair can talk only if they met before either was last seen (``seen``): the tiers
    # count such pairs only, and rank the others last (below).
    seen = seen_of(ctx, frames["User"], ids)

    def span(u: I64, v: I64, met: I64) -> tuple[I64, I64]:
        """When u and v met (``met``, or when the later of them signed up) and until when
        they can talk (the first of them stopped coming, their pair ended): they can talk
        where the first is before the second. Once per candidate, for its tier's count and
        the ranking alike."""
        met_at: I64 = np.maximum(met, np.maximum(created[u], created[v]))
        until: I64 = np.minimum(np.minimum(seen[u], seen[v]), pair_end(u, v))
        return met_at, until

    # Tier 0: the user's therapist (or clients), both ways; a pair listed twice keeps its
    # first row (the client side first) in ``take_ranked``.
    ct = frames["ClientTherapist"]
    c = rows_in(ct["clientId"], ids)
    th = rows_in(ct["therapistId"], ids)
    assigned = ct["assignedAt"].dt.epoch("ms").to_numpy()
    # A pair that ended talks until its end, whatever tier picks it (``_chat_ends``).
    ends = _chat_ends(ctx, frames)
    ok = (c >= 0) & (th >= 0)
    c, th, assigned, ends = c[ok], th[ok], assigned[ok], ends[ok]
    u0 = np.concatenate([c, th])
    v0 = np.concatenate([th, c])
    met0 = np.concatenate([assigned, assigned]).astype(np.int64)
    end_codes = np.concatenate([c * n + th, th * n + c])
    by_code = np.argsort(end_codes, kind="stable")
    end_codes, end_at = end_codes[by_code], np.concatenate([ends, ends])[by_code]

    def pair_end(u: I64, v: I64) -> I64:
        """When the pair (u, v) ended (NO_END: it goes on, or it is no pair)."""
        code = u * n + v
        at = np.minimum(np.searchsorted(end_codes, code), max(len(end_codes) - 1, 0))
        hit = (end_codes[at] == code) if len(end_codes) else np.zeros(len(code), bool)
        out: I64 = np.where(hit, end_at[at] if len(end_at) else NO_END, NO_END)
        return out

    ok = keep(u0, v0)
    u0, v0, met0 = u0[ok], v0[ok], met0[ok]
    pair0 = np.unique(u0 * n + v0)
    met_at0, until0 = span(u0, v0, met0)
    left = want - supply(np.unique((u0 * n + v0)[met_at0 < until0]))

    # Tier 1: community co-members, only for users tier 0 leaves short, as the others never
    # reach this tier.
    u1, v1, met1 = co_members(ids, frames["Membership"], left > 0)
    ok = keep(u1, v1)
    u1, v1, met1 = u1[ok], v1[ok], met1[ok]
    pair1 = u1 * n + v1
    new1 = ~in_sorted(pair1, pair0)  # a pair of tier 0 keeps its tier
    met_at1, until1 = span(u1, v1, met1)
    left = left - supply(pair1[new1 & (met_at1 < until1)])

    # Tier 2: the next users of the keyed cyclic order, for users tiers 0 and 1 leave short;
    # one whom these leave short of partners it can talk with takes the whole cycle.
    short = np.flatnonzero((want > 0) & (left > 0))
    u2, v2 = cyclic_neighbours(s, ukey, short, want[short] + n_excl[short])
    ok = keep(u2, v2)
    u2, v2 = u2[ok], v2[ok]
    met_at2, until2 = span(u2, v2, np.zeros(len(u2), dtype=np.int64))
    found = np.bincount(u2[met_at2 < until2], minlength=n)
    still = short[found[short] < left[short]]
    if len(still):
        u3, v3 = cyclic_neighbours(s, ukey, still, np.full(len(still), n - 1))
        ok = keep(u3, v3)
        rest = ~np.isin(u2, still)
        u2, v2 = np.concatenate([u2[rest], u3[ok]]), np.concatenate([v2[rest], v3[ok]])
        met_at2, until2 = span(u2, v2, np.zeros(len(u2), dtype=np.int64))

    # All candidates, each pair at its lowest tier, ranked per user by (tier, keyed draw, v).
    u = np.concatenate([u0, u1, u2])
    v = np.concatenate([v0, v1, v2])
    tier = np.repeat(np.arange(3, dtype=np.int64), [len(u0), len(u1), len(u2)])
    met = np.concatenate([met0, met1, np.zeros(len(u2), np.int64)])
    # Partners met ROOM before either was last seen first, whatever their tier; then those
    # met later but before either was; then the others, with whom the conversation would
    # start after one of them stopped.
    met_at = np.concatenate([met_at0, met_at1, met_at2])
    until = np.concatenate([until0, until1, until2])
    late = (met_at + ROOM > until).astype(np.int64) + (met_at >= until)
    picked = take_ranked(s, ukey, u, v, tier + 3 * late, want)
    u, v, tier, met = u[picked], v[picked], tier[picked], met[picked]
    # One conversation per unordered pair; the user who picked it at the lowest tier opens it
    # (then the lower row, as ids order).
    a, b = np.minimum(u, v), np.maximum(u, v)
    by = np.lexsort((u, tier, b, a))
    a, b, u, v, tier, met = a[by], b[by], u[by], v[by], tier[by], met[by]
    one = np.r_[True, (a[1:] != a[:-1]) | (b[1:] != b[:-1])] if len(a) else np.ones(0, bool)
    a, b, u, v, tier, met = a[one], b[one], u[one], v[one], tier[one], met[one]

    def side(rows: I64, order: int) -> pl.DataFrame:
        """The members of one side of the pairs (the opener has order 0)."""
        return users[rows].select(
            pl.Series("conv_key", conv_key),
            "id",
            "key",
            "firstName",
            pl.col("role").alias("speaker"),
            pl.lit("MEMBER").alias("role"),
            pl.lit(order, dtype=pl.Int64).alias("order"),
            pl.col("created").alias("since"),
        )

    conv_key = child_keys(ukey[a], ukey[b])
    opener, partner = side(u, 0), side(v, 1)
    conv = pl.DataFrame(
        {
            "conv_key": conv_key,
            "tier": tier,
            "met": met,
            "u_created": opener["since"],
            "v_created": partner["since"],
            "both": (opener["speaker"] == "therapist") & (partner["speaker"] == "therapist"),
            "end": pair_end(u, v),
        }
    ).select(
        "conv_key",
        pl.lit("DIRECT").alias("type"),
        pl.when(pl.col("tier") == 0)
        .then(pl.lit("care"))
        .when(pl.col("both"))
        .then(pl.lit("colleague"))
        .otherwise(pl.lit("peer"))
        .alias("kind"),
        pl.lit(None, dtype=pl.String).alias("title"),
        pl.max_horizontal("met", "u_created", "v_created").alias("lo"),
        pl.when(pl.col("end") < NO_END).then("end").alias("pair_end"),
    )
    return conv, pl.concat([opener, partner])


def _attachment_lists(name: pl.Expr, size: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """attachmentUrls, attachmentNames, attachmentSizes of messages with ``id`` and
    ``conversationId`` columns: the one file ``name`` of ``size`` bytes, else empty lists."""
    url = pl.concat_str(
        pl.lit(MEDIA_STORE), pl.col("conversationId"), pl.lit("/"), pl.col("id"), pl.lit("/"), name
    )
    has = name.is_not_null()
    return (
        pl.when(has)
        .then(pl.concat_list(url))
        .otherwise(pl.lit([], pl.List(pl.String)))
        .alias("attachmentUrls"),
        pl.when(has)
        .then(pl.concat_list(name))
        .otherwise(pl.lit([], pl.List(pl.String)))
        .alias("attachmentNames"),
        pl.when(has)
        .then(pl.concat_list(size.cast(pl.Int32)))
        .otherwise(pl.lit([], pl.List(pl.Int32)))
        .alias("attachmentSizes"),
    )


def _media(
    sm: Stream,
    mk: U64,
    conv_key: U64,
    j: I64,
    ok: npt.NDArray[np.bool_],
    staff: I64,
    at: I64,
    zone: npt.NDArray[np.str_],
) -> pl.DataFrame:
    """(_r, messageType, caption, name, size) of the messages (of ``mk``, ``ok`` to share)
    that share a file: a keyed MEDIA_RATE of them. The caption comes from the pool of its
    type and speaker (``staff``: therapist or moderator), which a conversation takes in turn
    from a keyed offset (no caption twice in it); a photo whose caption says "screenshot" is
    a screenshot; the file is named by the sender's local time of ``at`` (``zone``: their
    home's IANA zone), its size drawn in its kind's range."""
    drawn = ok & sm.bernoulli(mk, MEDIA_RATE, 40)
    # MIN_MEDIA at least, where the draws left fewer (light drew one): the top of a keyed
    # ranking of the others that may share, so every type is there (MEDIA_DEAL).
    short = MIN_MEDIA - int(drawn.sum())
    if short > 0:
        rest = np.flatnonzero(ok & ~drawn)
        drawn[rest[np.argsort(sm.bits(mk[rest], 45), kind="stable")[:short]]] = True
    r = np.flatnonzero(drawn)
    k = mk[r]
    # Types dealt in a keyed order by MEDIA_DEAL (half photos, 30 % voice, 20 % video), so
    # even a small build has each type once it has three media messages.
    kind = np.empty(len(r), dtype=np.int64)
    kind[np.lexsort((r, sm.bits(k, 41)))] = MEDIA_DEAL[np.arange(len(r)) % len(MEDIA_DEAL)]
    pools = [t.MEDIA_CAPTIONS[m][w] for m in MEDIA_TYPES for w in (0, 1)]
    flat, off, n = _pool_flat(pools)
    pool = kind * 2 + staff[r]
    conv_row = np.unique(conv_key[r], return_inverse=True)[1].astype(np.int64)
    rank = _rank_within(conv_row * len(pools) + pool, j[r])
    start = sm.integers(child_keys(conv_key[r], pool), 0, n[pool], index=44)
    caption = off[pool] + (start + rank) % n[pool]
    shot = np.array(["screenshot" in c.lower() for c in flat], dtype=bool)  # a few dozen
    file = np.where((kind == 0) & shot[caption], 3, kind)
    lo = np.array([f[2] for f in MEDIA_FILES], dtype=np.int64)[file]
    hi = np.array([f[3] for f in MEDIA_FILES], dtype=np.int64)[file]
    size = sm.integers(k, lo, hi, index=43)
    local = utc_to_local(at[r], zone[r])
    stamp = pl.from_epoch(pl.Series(local), time_unit="ms").dt.strftime("%Y%m%d_%H%M%S")
    prefix = np.array([f[0] for f in MEDIA_FILES])[file]
    ext = np.array(["." + f[1] for f in MEDIA_FILES])[file]
    name = pl.select(
        pl.concat_str(pl.lit(pl.Series(prefix)), pl.lit(stamp), pl.lit(pl.Series(ext)))
    ).to_series()
    return pl.DataFrame(
        [
            pl.Series("_r", r),
            pl.Series("messageType", np.array(MEDIA_TYPES)[kind], dtype=pl.String),
            pl.Series("caption", flat, dtype=pl.String).gather(caption),
            name.alias("name"),
            pl.Series("size", size, dtype=pl.Int32),
        ]
    )


def _fill_slots(ctx: Context, keys: U64, text: pl.Series, hour: I64 | None = None) -> pl.Series:
    """``text`` (one per message key) with each slot of ``social_text.MESSAGE_SLOTS``
    ("{most_days}" ...) filled by a keyed pick of its fillers: a stream per slot, so a new
    slot moves no other's picks. With the sender's local ``hour`` of each message, "{hello}"
    is picked from the pool of its time of day (``social_text.HELLO_BY_HOUR``).

    The slots are filled in turn (a filler could hold a later slot), each on the few texts
    that hold it: a keyed pick is the same drawn for one row as for all. (The 52 slots read
    over every message took heavy x48 0.16 CPU-s.)
    """
    # Only the texts with a slot (a brace) are read per slot, and only those holding it
    # changed; ``at`` are their rows in ``text``.
    at = np.flatnonzero(text.str.contains("{", literal=True).fill_null(False).to_numpy())
    sub, sub_keys = text.gather(at), keys[at]
    hello: tuple[list[str], I64, I64, I64] | None = None
    if hour is not None:
        flat, off, size = _pool_flat(t.HELLO_BY_HOUR)
        band = np.searchsorted(np.asarray(t.HELLO_FROM_HOUR), hour[at], side="right") - 1
        hello = (flat, off, size, band)
    holding = _slot_rows(sub)
    for slot, fillers in t.MESSAGE_SLOTS.items():
        token = "{" + slot + "}"
        rows = (
            holding.get(token, np.zeros(0, dtype=np.int64))
            if holding is not None
            else np.flatnonzero(sub.str.contains(token, literal=True).fill_null(False).to_numpy())
        )
        if not len(rows):
            continue
        if slot == "hello" and hello is not None:
            flat, off, size, band = hello
            pick = ctx.stream("Message", "slot-hello").integers(
                sub_keys[rows], 0, size[band[rows]], 1
            )
            value = pl.Series(flat, dtype=pl.String).gather(off[band[rows]] + pick)
        else:
            stream = ctx.stream("Message", f"slot-{slot}")
            value = pl.Series(fillers, dtype=pl.String).gather(
                stream.integers(sub_keys[rows], 0, len(fillers), 0)
            )
        filled = (
            pl.DataFrame([sub.gather(rows).alias("_t"), value.alias("_v")])
            .select(pl.col("_t").str.replace(token, pl.col("_v"), literal=True))
            .to_series()
        )
        sub = sub.scatter(rows, filled)
    return text.clone().scatter(at, sub).alias(text.name) if len(at) else text


# Whether a filler holds a brace: a slot's text that holds none cannot make or hold a slot.
_FILLERS_PLAIN = not any(
    "{" in f or "}" in f
    for fillers in (*t.MESSAGE_SLOTS.values(), *t.HELLO_BY_HOUR)
    for f in fillers
)
_TOKEN = r"\{[^{}]*\}"


def _slot_rows(text: pl.Series) -> dict[str, I64] | None:
    """The rows of ``text`` that hold each slot ("{name}": ascending rows per slot), read in
    one pass; None where that would not be what ``_fill_slots`` finds slot by slot.

    Filling a slot replaces one slot with brace-free text: where every brace of the texts
    is a slot's, no filling makes or unmakes another slot, so the rows holding a slot when
    its turn comes are those that held it at first. (A stray brace, or a filler holding
    one, takes the slot-by-slot search; 52 scans of every text cost heavy x40 0.1 CPU-s.)
    """
    if not _FILLERS_PLAIN or not len(text):
        return None
    tokens = text.str.extract_all(_TOKEN)
    found = (
        pl.DataFrame({"row": pl.int_range(len(text), eager=True), "token": tokens})
        .explode("token")
        .drop_nulls("token")
    )
    braces = text.str.count_matches("{", literal=True).sum()
    if found.height != braces or text.str.count_matches("}", literal=True).sum() != braces:
        return None
    by_token = found.unique(maintain_order=True).group_by("token").agg("row")
    return {
        token: np.sort(rows.to_numpy()).astype(np.int64)
        for token, rows in zip(by_token["token"], by_token["row"], strict=True)
    }


def _pool_flat(pools: Sequence[Sequence[str]]) -> tuple[list[str], I64, I64]:
    """The strings of ``pools`` in one list, with each pool's offset and size in it."""
    flat = [x for p in pools for x in p]
    sizes = np.asarray([len(p) for p in pools], dtype=np.int64)
    return flat, np.cumsum(sizes) - sizes, sizes


def _gaps(stream: Stream, keys: U64) -> I64:
    """Keyed gaps before each message: mostly minutes, sometimes hours, now and then days."""
    kind = stream.choice(keys, 3, p=[0.65, 0.25, 0.10], index=10)
    u = stream.uniform(keys, 11)
    lo = np.array([MS_PER_MINUTE // 2, MS_PER_HOUR, MS_PER_DAY], dtype=np.int64)[kind]
    hi = np.array([20 * MS_PER_MINUTE, 12 * MS_PER_HOUR, 4 * MS_PER_DAY], dtype=np.int64)[kind]
    out: I64 = lo + np.floor(u * (hi - lo)).astype(np.int64)
    return out


def _draw_without_replacement(
    stream: Stream, group_key: U64, group: I64, rank: I64, size: I64
) -> tuple[I64, I64]:
    """For the ``rank``-th pick of ``group`` (0, 1, ... per group): which of the group's
    ``size`` items, and the lap (``rank // size``: how often the whole pool went by).

    Each group walks its own keyed shuffle of its items, so picks repeat only once every item
    was taken. ``group_key``, ``size`` are per group; ``group``, ``rank`` per pick.
    """
    g_rows, item, item_keys = expand(group_key, size)
    # Each group's draws in a row of its own, padded with the largest draw (after any item
    # in a stable sort: padding comes last in its row), so one sort of short rows orders
    # every group's items by (draw, item) at once.
    draws = np.full((len(size), int(size.max(initial=0))), np.iinfo(np.uint64).max, np.uint64)
    draws[g_rows, item] = stream.bits(item_keys, 12)
    shuffled = np.argsort(draws, axis=1, kind="stable")  # each group's items in its order
    s = size[group]
    return shuffled[group, rank % s], rank // s


def _rank_within(code: I64, j: I64) -> I64:
    """0, 1, ... over the rows of each ``code``, in the order of ``j``."""
    order = np.lexsort((j, code))
    rank = np.empty(len(code), dtype=np.int64)
    rank[order] = rank_in_run(code[order])
    return rank


def _content(
    sm: Stream,
    mk: U64,
    conv_key: U64,
    j: I64,
    reply: npt.NDArray[np.bool_],
    kind: pl.Series,
    speaker: pl.Series,
    partner: pl.Series,
) -> tuple[pl.Series, pl.Series]:
    """An opener, a line by speaker and conversation kind, or a reply line; then a second
    line except on openers. Indices into one pool of all lines, gathered by polars (making
    a String column from numpy strings costs Python work per row). Therapists and
    moderators speak as professionals and hosts, whatever the kind of conversation; a
    member writing to a therapist who is not theirs (a peer conversation whose ``partner``
    is a therapist) asks about the therapist's post or group session.

    Nobody in a conversation says the same thing twice: a conversation draws the lines of
    each pool without replacement (its own keyed shuffle of the pool, ``conv_key``), replies
    and short ones alike. Should a long conversation run through a pool, the next round of
    it takes second lines the earlier rounds of each line did not have.

    Returns the first and the second part of each text ("" after an opener).
    """
    which = (
        pl.select(
            pl.when((kind == "group") & (speaker == "moderator"))
            .then(5)
            .when(kind == "group")
            .then(3)
            .when(kind == "colleague")
            .then(2)
            .when((kind == "peer") & (speaker == "therapist"))
            .then(6)
            .when((kind == "peer") & (partner == "therapist"))
            .then(7)
            .when(kind == "peer")
            .then(1)
            .when(speaker == "client")
            .then(0)
            .otherwise(4)
        )
        .to_series()
        .to_numpy()
        .astype(np.int64)
    )
    staff = speaker.is_in(["therapist", "moderator"]).to_numpy().astype(np.int64)
    openers = (
        t.OPEN_CLIENT_TO_THERAPIST,
        t.OPEN_PEER,
        t.OPEN_COLLEAGUE,
        t.OPEN_GROUP,
        t.OPEN_THERAPIST_TO_CLIENT,
        t.OPEN_GROUP,
        t.OPEN_THERAPIST_TO_MEMBER,
        t.OPEN_MEMBER_TO_THERAPIST,
    )
    lines = (
        t.CLIENT_LINES,
        t.PEER_LINES,
        t.COLLEAGUE_LINES,
        t.GROUP_LINES,
        t.THERAPIST_LINES,
        t.MODERATOR_GROUP_LINES,
        t.THERAPIST_MEMBER_LINES,
        t.MEMBER_TO_THERAPIST_LINES,
    )
    seconds = (t.SECOND_LINES, t.STAFF_SECOND_LINES)
    # The second lines that add something, per speaker kind: a pool's later rounds take them.
    filled = tuple(tuple(x for x in p if x) for p in seconds)
    flat, off, size = _pool_flat([*openers, t.REPLY_LINES, *lines, *seconds, ("",), *filled])
    # Pool numbers in ``flat``, in the order above (an opener's or a line's pool adds
    # ``which`` to its first, a second line's ``staff``).
    reply_pool = len(openers)
    lines_pool = reply_pool + 1
    second_pool = lines_pool + len(lines)
    empty_pool = second_pool + len(seconds)
    filled_pool = empty_pool + 1
    pool = np.where(j == 0, which, np.where(reply, reply_pool, which + lines_pool))
    # Per (conversation, pool): the rank of each message among those drawing from it.
    n_pools = len(off)
    conv_row = np.unique(conv_key, return_inverse=True)[1].astype(np.int64)
    codes, group = np.unique(conv_row * n_pools + pool, return_inverse=True)
    group = group.astype(np.int64)
    rank = _rank_within(group, j)
    g_pool = codes % n_pools
    g_key = child_keys(conv_key[_first_rows(group, len(codes))], g_pool)
    item, lap = _draw_without_replacement(sm, g_key, group, rank, size[g_pool])
    first = off[pool] + item
    # Second lines: keyed per message on a pool's first round; on a later round the line's
    # first-round second moved on by the round (so a line never comes twice with one ending).
    later = j != 0
    p2 = second_pool + staff
    second = np.full(len(mk), off[empty_pool])  # "" after an opener
    u = sm.uniform(mk[later], 7)
    second[later] = off[p2[later]] + np.floor(u * size[p2[later]]).astype(np.int64)
    again = np.flatnonzero(lap > 0)
    if len(again):
        # The first-round message of the same line: same group, rank - lap * size.
        by_rank = np.lexsort((rank, group))
        g_start = np.searchsorted(group[by_rank], group[again])
        first_round = by_rank[g_start + rank[again] % size[g_pool[group[again]]]]
        n_filled = size[filled_pool + staff[again]]
        was = second[first_round] - off[second_pool + staff[first_round]]
        n_empty = size[second_pool + staff[first_round]] - size[filled_pool + staff[first_round]]
        # Its index among the filled ones (the empties come first); -1 for an empty one,
        # whose later rounds then start at the first filled one.
        base = np.where(was >= n_empty, was - n_empty, -1)
        second[again] = off[filled_pool + staff[again]] + (base + lap[again]) % n_filled
    pool_s = pl.Series(flat, dtype=pl.String)
    return pool_s.gather(first), pool_s.gather(second)


def pair_events(frames: Frames) -> Frames:
    """What happened between clients and their therapists, for ``_event_lines``: per source
    (therapistId, clientId, e_at ms, inst: the row's id, title), sorted by e_at; and under
    "therapists" their zones (userId, timezone), by which a reader reads a weekday."""
    ws = frames["Worksheet"]
    meet = frames["Meeting"]
    pair = ("therapistId", "clientId")
    sub = frames["WorksheetSubmission"].join(
        ws.select(pl.col("id").alias("worksheetId"), *pair, "title"), on="worksheetId"
    )
    no_title = pl.lit(None, dtype=pl.String).alias("title")
    out = {
        "worksheet": ws.select(*pair, ms(pl.col("createdAt")).alias("e_at"), "id", "title"),
        "submission": sub.select(*pair, ms(pl.col("submittedAt")).alias("e_at"), "id", "title"),
        # sessions still planned or held, by their start; those held, by their end
        "ahead": meet.filter(pl.col("status") != "CANCELLED").select(
            *pair, ms(pl.col("startTime")).alias("e_at"), "id", no_title
        ),
        "done": meet.filter(pl.col("status") == "COMPLETED").select(
            *pair, ms(pl.col("endTime")).alias("e_at"), "id", no_title
        ),
    }
    return {
        **{
            k: v.rename({"id": "inst"}).drop_nulls("e_at").sort("e_at", "inst")
            for k, v in out.items()
        },
        "therapists": frames["Therapist"].select("userId", "timezone"),
    }


# Per event of ``t.EVENT_LINES``: its source in ``pair_events``, whether the message follows
# the event (else precedes it), and how far apart they may be (ms; None: the session's
# weekday decides, ``_weekday``).
_EVENT_SOURCE: dict[str, tuple[str, bool, int | None]] = {
    "worksheet_shared": ("worksheet", True, FRESH),
    "worksheet_done": ("submission", True, FRESH),
    "next_session": ("ahead", False, None),
    "move_session": ("ahead", False, None),
    "after_session": ("done", True, AFTER_SESSION_WITHIN),
    "follow_up": ("done", True, FOLLOW_UP_WITHIN),
    "worksheet_question": ("worksheet", True, WORKSHEET_QUESTION_WITHIN),
}


def _local_day(at: pl.Series, tz: pl.Series) -> I64:
    """The local date (days since 1970-01-01, a Thursday) of ``at`` (epoch ms) in the zone
    ``tz`` (an IANA name), daylight saving included."""
    return utc_to_local(at.to_numpy(), tz) // MS_PER_DAY


def _weekday(at: pl.Series, e_at: pl.Series, tz: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Whether a session at ``e_at`` can be named by its weekday in a message at ``at`` (ms,
    both read in the reader's zone ``tz``), and the name: "Thursday" within the coming six
    days, "Thursday next week" in the next calendar week, within NEXT_SESSION_DAYS."""
    # (Both times in one conversion: it goes zone by zone.)
    days = _local_day(pl.concat([at, e_at]), pl.concat([tz, tz]))
    day_m, day_e = days[: len(at)], days[len(at) :]
    ahead = day_e - day_m
    next_week = ((day_e + 3) // 7 - (day_m + 3) // 7) == 1  # weeks from Monday
    ok = ((ahead >= 1) & (ahead <= 6)) | ((ahead >= 7) & (ahead <= NEXT_SESSION_DAYS) & next_week)
    name = np.char.add(
        np.asarray(t.WEEKDAYS, dtype=str)[(day_e + 3) % 7], np.where(ahead >= 7, " next week", "")
    )
    return pl.Series(ok), pl.Series(name, dtype=pl.String)


def _event_lines(sm: Stream, msgs: pl.DataFrame, events: Frames) -> pl.DataFrame:
    """(_r, text): the event line (``t.EVENT_LINES``) said instead of the drawn line by those
    of ``msgs`` that say one.

    ``msgs``: _r, conv_key, j, at, mk, speaker, therapistId, clientId, tz (the reader's
    zone) of the messages of client-therapist pairs that are not replies. What happened
    around each message is looked up with as-of joins on the pair: the latest worksheet,
    submission and held session before it, the next planned session after it. A message
    able to say several events says the first of them not yet said in its conversation; an
    event (and a text) is said once per conversation, by the first message that draws it.
    """
    if msgs.is_empty():
        return pl.DataFrame(schema={"_r": pl.Int64, "text": pl.String})
    msgs = msgs.sort("at", "_r")
    found: dict[tuple[str, bool], pl.DataFrame] = {}
    cands = []
    for ev, (source, after, within) in _EVENT_SOURCE.items():
        if (source, after) not in found:
            found[source, after] = msgs.join_asof(
                events[source],
                left_on="at",
                right_on="e_at",
                by=["therapistId", "clientId"],
                strategy="backward" if after else "forward",
                allow_exact_matches=False,
                check_sortedness=False,  # both sorted by time above
            ).filter(pl.col("e_at").is_not_null())
        if within is None and "_ok" not in found[source, after].columns:
            # The sessions' weekdays, read once for the messages of either speaker.
            x = found[source, after]
            ok, day = _weekday(x["at"], x["e_at"], x["tz"])
            found[source, after] = x.with_columns(day.alias("day"), ok.alias("_ok"))
        x = found[source, after].filter(pl.col("speaker") == t.EVENT_LINES[ev][0])
        if within is None:
            x = x.filter("_ok")
        else:
            gap = pl.col("at") - pl.col("e_at")
            x = x.filter(gap <= within).with_columns(pl.lit(None, dtype=pl.String).alias("day"))
        draw = sm.bernoulli(x["mk"].to_numpy(), EVENT_RATE[ev], 30 + EVENTS.index(ev))
        cands.append(
            x.filter(pl.Series(draw)).select(
                "_r", "conv_key", "j", "inst", "title", "day", pl.lit(EVENTS.index(ev)).alias("ev")
            )
        )
    c = pl.concat(cands)
    lines = pl.DataFrame(
        {
            "ev": list(range(len(EVENTS))),
            "opener": [t.EVENT_LINES[e][1] for e in EVENTS],
            "line": [t.EVENT_LINES[e][2] for e in EVENTS],
        },
        schema_overrides={"ev": c.schema["ev"]},
    )
    c = c.join(lines, on="ev").select(
        "_r",
        "conv_key",
        "j",
        "ev",
        "inst",
        pl.when(pl.col("j") == 0)
        .then(pl.col("opener"))
        .otherwise(pl.col("line"))
        .str.replace_all("{title}", pl.col("title").fill_null(""), literal=True)
        .str.replace_all("{day}", pl.col("day").fill_null(""), literal=True)
        .alias("text"),
    )
    # Each message says its first event; then the event (and the text) goes to the first
    # message of the conversation saying it. A message left without one says its next
    # event not yet said in its conversation, round by round (the first round as before):
    # its first may be one an earlier message said, which left it nothing to say; a
    # therapist's talk of the last session (after_session) came after the next session's
    # reminder, and medium had none once its pairs changed (ec50b8c).
    key = ["conv_key", "ev", "inst"]
    said = [c.clear()]
    while c.height:
        pick = c.sort("_r", "ev").unique("_r", keep="first", maintain_order=True)
        pick = pick.filter(pl.col("j") == pl.col("j").min().over(key))
        pick = pick.filter(pl.col("j") == pl.col("j").min().over("conv_key", "text"))
        said.append(pick)
        c = (
            c.join(pick.select("_r"), on="_r", how="anti")
            .join(pick.select(key), on=key, how="anti")
            .join(pick.select("conv_key", "text"), on=["conv_key", "text"], how="anti")
        )
    return pl.concat(said).select("_r", "text").sort("_r")


def _open_after_news(
    s: Stream,
    kind: pl.Series,
    opener: pl.DataFrame,
    partner: pl.Series,
    created: I64,
    lo: I64,
    hi: I64,
    clock: tuple[I64, I64],
    events: Frames,
) -> I64:
    """``created`` (per conversation), but a keyed NEWS_RATE of care conversations open soon
    after the opener's latest news of the pair before ``created``, where it lies in the
    window [``lo``, ``hi``]: after the therapist assigned a worksheet, the client submitted
    one (the opener then tells of it, ``_event_lines``). Still in the window. ``partner``:
    each conversation's second member's id (``_partners``); one without keeps ``created``.
    ``clock``: the opener's home offset and rhythm, per conversation."""
    ck = opener["conv_key"].to_numpy()
    care = (kind == "care").to_numpy() & s.bernoulli(ck, NEWS_RATE, 20)
    rows = np.flatnonzero(care & partner.is_not_null().to_numpy())
    if not len(rows):
        return created
    by_therapist = pl.col("speaker") == "therapist"
    convs = pl.DataFrame(
        [
            pl.Series("_i", rows),
            pl.Series("t", created[rows]),
            opener["speaker"].gather(rows),
            opener["id"].gather(rows).alias("_o"),
            partner.gather(rows).alias("_p"),
        ]
    ).select(
        "_i",
        "t",
        "speaker",
        pl.when(by_therapist).then("_o").otherwise("_p").alias("therapistId"),
        pl.when(by_therapist).then("_p").otherwise("_o").alias("clientId"),
    )
    pair = ["therapistId", "clientId", "speaker"]
    news = pl.concat(
        [
            events["worksheet"].select(*pair[:2], pl.lit("therapist").alias("speaker"), "e_at"),
            events["submission"].select(*pair[:2], pl.lit("client").alias("speaker"), "e_at"),
        ]
    ).sort("e_at")
    x = (
        convs.sort("t", "_i")
        .join_asof(
            news,
            left_on="t",
            right_on="e_at",
            by=pair,
            strategy="backward",
            allow_exact_matches=False,  # so e_at < created <= hi
            check_sortedness=False,  # both sorted by time
        )
        .filter(pl.col("e_at").is_not_null())
        .sort("_i")
    )
    i = x["_i"].to_numpy()
    e_at = x["e_at"].to_numpy()
    ok = e_at >= lo[i]
    i, e_at = i[ok], e_at[ok]
    out = created.copy()
    # Within the hour the news stays fresh (the opener's first message may follow later).
    until = np.minimum(e_at + FRESH - MS_PER_HOUR, hi[i])
    home, rhythm = clock
    out[i] = waking_soon_after(
        s, ck[i], e_at + 1, until, NEWS_DELAY, home[i], index=21, rhythm=rhythm[i]
    )
    return out


def _partners(ids: pl.Series, m_first: I64, n_parts: I64) -> pl.Series:
    """Each conversation's second member (``ids``: members sorted by conversation and order,
    a conversation's first at ``m_first``, ``n_parts`` of them); NULL for a conversation of
    one member, whose next row is another conversation's."""
    second = np.minimum(m_first + 1, len(ids) - 1)
    return pl.select(
        pl.when(pl.lit(pl.Series(n_parts >= 2))).then(pl.lit(ids.gather(second))).alias("id")
    ).to_series()


def _closing(
    ctx: Context,
    conv: pl.DataFrame,
    members: pl.DataFrame,
    m_first: I64,
    m_home: I64,
    rhythms: I64,
    n_msgs: I64,
    at: I64,
    p_end: I64,
    end: I64,
) -> tuple[I64, I64, I64] | None:
    """The closing exchange of the care chats of pairs that ended (a keyed CLOSING_RATE of
    those with room for it): their last two messages, moved after the pair's end ``p_end``
    (per conversation): (message rows, sender member rows, times), the opening lines first.

    The opener (the client, or the therapist at CLOSING_BY_THERAPIST) writes within
    CLOSING_WITHIN after the end, the other answers soon after; both before ``end`` (the
    first of them stopped coming, the anchor), on their waking clocks. ``at``: the times
    laid out so far, the therapy talk before ``p_end``."""
    s = ctx.stream("Conversation", "closing")
    ck = conv["conv_key"].to_numpy()
    starts = np.cumsum(n_msgs) - n_msgs
    care = (conv["kind"] == "care").to_numpy() & (p_end < NO_END) & (n_msgs >= 3)
    care &= s.bernoulli(ck, CLOSING_RATE, 0)
    last_talk = at[np.where(care, starts + n_msgs - 3, 0)]
    lo = np.maximum(np.where(care, p_end, 0), last_talk) + 1
    hi = np.minimum(np.where(care, p_end, 0) + CLOSING_WITHIN, end - 2 * MS_PER_HOUR)
    c = np.flatnonzero(care & (hi >= lo + MS_PER_HOUR))
    if not len(c):
        return None
    first = m_first[c]
    client = first + (members["speaker"].gather(first) == "therapist").to_numpy()
    therapist = 2 * first + 1 - client
    by_therapist = s.bernoulli(ck[c], CLOSING_BY_THERAPIST, 1)
    opener = np.where(by_therapist, therapist, client)
    answer = np.where(by_therapist, client, therapist)
    said = waking_between(s, ck[c], lo[c], hi[c], m_home[opener], index=2, rhythm=rhythms[opener])
    answered = waking_soon_after(
        s,
        ck[c],
        said + 1,
        np.minimum(said + CLOSING_REPLY_WITHIN, end[c] - 1),
        CLOSING_REPLY_MEAN,
        m_home[answer],
        index=3,
        rhythm=rhythms[answer],
    )
    last = starts[c] + n_msgs[c] - 1
    return (
        np.concatenate([last - 1, last]),
        np.concatenate([opener, answer]),
        np.concatenate([said, answered]),
    )


def _closing_lines(
    ctx: Context, keys: U64, answer: npt.NDArray[np.bool_], speaker: pl.Series
) -> pl.Series:
    """The lines of a closing exchange (``_closing``): an opening line or an answer
    (``answer``) by the speaker's role, a keyed pick of its pool."""
    pools = (
        t.CLOSING_CLIENT,
        t.CLOSING_THERAPIST,
        t.CLOSING_CLIENT_ANSWER,
        t.CLOSING_THERAPIST_ANSWER,
    )
    flat, off, size = _pool_flat(pools)
    pool = (speaker == "therapist").to_numpy().astype(np.int64) + 2 * answer.astype(np.int64)
    u = ctx.stream("Message", "closing").uniform(keys, 0)
    pick = off[pool] + np.floor(u * size[pool]).astype(np.int64)
    return pl.Series(flat, dtype=pl.String).gather(pick)


def _first_rows(group: I64, n_groups: int) -> I64:
    """For each of ``n_groups`` groups, one row of ``group`` holding it (the first)."""
    rows = np.full(n_groups, -1, dtype=np.int64)
    rows[group[::-1]] = np.arange(len(group) - 1, -1, -1)
    return rows


def build(
    ctx: Context,
    conv: pl.DataFrame,
    members: pl.DataFrame,
    min_messages: int,
    events: Frames | None = None,
) -> Frames:
    """Rows of new conversations.

    ``conv``: conv_key, type, kind, title, lo (earliest start, ms), optionally pair_end (ms;
    a past pair's chat talks until then, ``_chat_ends``, then may close, ``_closing``).
    ``members``: conv_key, id, key, firstName, speaker (client/therapist/moderator), role, order
    (0 opens, then 1, 2, ... per conversation), since, seen (``users.last_seen``). ``events``:
    ``pair_events``, what happened between clients and therapists (without it, nobody mentions
    any of it).

    Members are kept sorted by (conversation, order) and messages by (conversation, j), so a
    member or message is found at its conversation's first row plus its order or j: no joins.
    """
    if conv.is_empty():
        return {}
    anchor = ctx.anchor_ms
    s = ctx.stream("Conversation", "time")
    sm = ctx.stream("Message", "content")
    conv = conv.sort("conv_key")
    members = members.sort("conv_key", "order")
    # Conversations without members (and members of none) drop out, as an inner join would.
    at_conv = np.searchsorted(conv["conv_key"].to_numpy(), members["conv_key"].to_numpy())
    at_conv = np.minimum(at_conv, conv.height - 1)
    known = conv["conv_key"].to_numpy()[at_conv] == members["conv_key"].to_numpy()
    n_parts = np.bincount(at_conv[known], minlength=conv.height)
    if not known.all() or not n_parts.all():
        members = members.filter(pl.Series(known))
        conv = conv.filter(pl.Series(n_parts > 0))
        return build(ctx, conv, members, min_messages, events)
    ck = conv["conv_key"].to_numpy()
    lo = conv["lo"].to_numpy().astype(np.int64)
    m_first = np.cumsum(n_parts) - n_parts  # a conversation's first member row
    # A conversation goes quiet when the first of its participants stops coming (``seen``):
    # everything in it, before the anchor, is before ``end``.
    seen = members["seen"].to_numpy()
    end = np.minimum(np.minimum.reduceat(seen, m_first), anchor)
    # A client and a therapist talk while their pair goes on (``pair_end``); a closing
    # exchange may follow its end (below).
    if "pair_end" in conv.columns:
        p_end = conv["pair_end"].fill_null(NO_END).to_numpy().astype(np.int64)
    else:
        p_end = np.full(conv.height, NO_END, dtype=np.int64)
    talk_end = np.minimum(end, p_end)
    start_lo = np.maximum(lo, talk_end - START_WITHIN_DAYS * MS_PER_DAY)
    start_hi = np.maximum(start_lo, talk_end - ROOM)
    # A conversation starts in the waking hours of whoever opened it (its first member), and
    # its messages pause over the night of its first therapist, in a therapist's working day
    # (a care or colleague conversation), else over its opener's (``clock``).
    rhythms = rhythm_of(members["speaker"])  # the speaker is the member's User.role
    m_home = home_offset_of(ctx, members["id"])  # per member row, gathered where needed
    home = m_home[m_first]
    rhythm = rhythms[m_first]
    created = waking_between(s, ck, start_lo, start_hi, home, index=0, rhythm=rhythm)
    if events is not None:
        opener = members.gather(m_first)
        partner = _partners(members["id"], m_first, n_parts)
        created = _open_after_news(
            s, conv["kind"], opener, partner, created, start_lo, start_hi, (home, rhythm), events
        )
    rows_m = np.arange(members.height)
    first_t = np.minimum.reduceat(np.where(rhythms == WORKDAY, rows_m, members.height), m_first)
    paced_by = np.where(first_t < members.height, first_t, m_first)
    pace_home = m_home[paced_by]
    pace = rhythms[paced_by]
    is_group = conv["type"].to_numpy() == "GROUP"
    extra = np.where(
        is_group,
        s.integers(ck, *EXTRA_MESSAGES["GROUP"], index=1),
        s.integers(ck, *EXTRA_MESSAGES["DIRECT"], index=1),
    )
    n_msgs = max(min_messages, 1) + extra
    cid = ctx.ids("Conversation", ck)

    # Participants: everyone joins when the conversation starts; group members trickle in
    # over the first hours (never before they met the community, see ``lo``).
    m_conv = at_conv
    mkeys = child_keys(ck[m_conv], members["key"].to_numpy())
    m_order = members["order"].to_numpy()
    delay = np.where(
        m_order == 0,
        0,
        np.floor(s.uniform(mkeys, 2) * 6 * MS_PER_HOUR).astype(np.int64),
    )
    joined = created[m_conv] + np.where(is_group[m_conv], delay, 0)
    joined = np.minimum(joined, anchor - MS_PER_HOUR)
    joined = np.maximum(joined, created[m_conv])
    # A group member's SYSTEM line is sent when it joins: no two at one time (``order``).
    joined = joined + np.where(is_group[m_conv], m_order, 0)
    ready_a = np.maximum.reduceat(joined, m_first)

    # Messages: keyed gaps, squeezed into (ready, end) when they would overrun it.
    rows, j, msg_keys = expand(ck, n_msgs)
    gaps = _gaps(s, msg_keys)
    starts = np.cumsum(n_msgs) - n_msgs
    running = np.cumsum(gaps)
    before = running[starts] - gaps[starts]  # running total before each conversation
    cum = running - np.repeat(before, n_msgs)
    total = cum[starts + n_msgs - 1]
    # The gaps are waking time: laid out on the pacing member's clock, ending by end - 2n - 1.
    w_ready = waking(ready_a, pace_home, pace)
    window = np.maximum(waking(talk_end - 2 * n_msgs - 1, pace_home, pace) - w_ready, 0.0)
    scale = np.minimum(1.0, window / np.maximum(total, 1))
    laid = from_waking(w_ready[rows] + np.floor(cum * scale[rows]), pace_home[rows], pace[rows])
    at = np.maximum(laid, ready_a[rows]) + 1 + j

    # Senders: DIRECT alternates most of the time; GROUP picks any participant.
    switch = np.where(j == 0, 0, sm.bernoulli(msg_keys, SWITCH_RATE, 0)).astype(np.int64)
    run = np.cumsum(switch)
    sw = run - np.repeat(run[starts] - switch[starts], n_msgs)  # switches so far, per conv
    pick_any = np.floor(sm.uniform(msg_keys, 1) * n_parts[rows]).astype(np.int64)
    group_msg = is_group[rows]
    order = np.where(group_msg, np.where(j == 0, 0, pick_any), sw % 2)
    sender = m_first[rows] + order
    other = m_first[rows] + np.where(group_msg, 0, 1 - order)
    mk = msg_keys
    closing = _closing(ctx, conv, members, m_first, m_home, rhythms, n_msgs, at, p_end, end)
    if closing is not None:
        c_rows, c_sender, c_at = closing
        at[c_rows] = c_at
        sender[c_rows] = c_sender
        other[c_rows] = np.where(c_sender == m_first[rows[c_rows]], 1, 0) + m_first[rows[c_rows]]
    is_closing = np.zeros(len(mk), dtype=bool)
    if closing is not None:
        is_closing[closing[0]] = True

    # Replies to one of the three previous messages; they follow their parent by construction.
    reply = (j >= 2) & sm.bernoulli(mk, REPLY_RATE, 2) & ~is_closing
    back = 1 + np.floor(sm.uniform(mk, 3) * np.minimum(j, 3)).astype(np.int64)
    msg_id = ctx.ids("Message", mk)
    here = np.arange(len(mk))
    reply_to = msg_id.gather(np.where(reply, here - back, here))

    kind = conv["kind"].gather(rows)
    speaker = members["speaker"].gather(sender)
    first, second = _content(
        sm, mk, ck[rows], j, reply, kind, speaker, members["speaker"].gather(other)
    )
    if events is not None:
        # A care pair's talk of a session or worksheet: only where it happened.
        care = np.flatnonzero((kind == "care").to_numpy() & ~reply & ~is_closing)
        s_id = members["id"].gather(sender[care])
        o_id = members["id"].gather(other[care])
        care_msgs = pl.DataFrame(
            [
                pl.Series("_r", care),
                pl.Series("conv_key", ck[rows[care]]),
                pl.Series("j", j[care]),
                pl.Series("at", at[care]),
                pl.Series("mk", mk[care]),
                speaker.gather(care).alias("speaker"),
                s_id.alias("_s"),
                o_id.alias("_o"),
                zone_of(ctx, events["therapists"], o_id),  # the reader's
            ]
        )
        by_therapist = pl.col("speaker") == "therapist"
        care_msgs = care_msgs.with_columns(
            pl.when(by_therapist).then("_s").otherwise("_o").alias("therapistId"),
            pl.when(by_therapist).then("_o").otherwise("_s").alias("clientId"),
        ).drop("_s", "_o")
        said = _event_lines(sm, care_msgs, events)
        first = first.scatter(said["_r"], said["text"])
    else:
        said = pl.DataFrame(schema={"_r": pl.Int64, "text": pl.String})
    if closing is not None:
        # The closing exchange says thanks and goodbye, nothing of the therapy.
        c_rows = closing[0]
        first = first.scatter(
            c_rows,
            _closing_lines(
                ctx, mk[c_rows], j[c_rows] == n_msgs[rows[c_rows]] - 1, speaker.gather(c_rows)
            ),
        )
        second = second.scatter(c_rows, pl.repeat("", len(c_rows), dtype=pl.String, eager=True))
    local_hour = (at + m_home[sender]) // MS_PER_HOUR % 24  # the sender's ("{hello}")
    content = _fill_slots(ctx, mk, pl.select(pl.concat_str(first, second)).to_series(), local_hour)
    # A keyed few of the later messages of DIRECT conversations share a photo, a voice
    # message or a video (not one telling of an event: that one says it in words).
    # (A closing line shares nothing.)
    can_share = (j > 0) & (conv["type"].to_numpy()[rows] == "DIRECT") & ~is_closing
    can_share[said["_r"].to_numpy()] = False
    staff_sender = speaker.is_in(["therapist", "moderator"]).to_numpy().astype(np.int64)
    m_zone = home_zone_of(ctx, members["id"]).to_numpy()
    media = _media(sm, mk, ck[rows], j, can_share, staff_sender, at, m_zone[sender])
    content = content.scatter(media["_r"], media["caption"])
    m_type = pl.Series("messageType", np.full(len(mk), "TEXT", dtype=object), dtype=pl.String)
    m_type = m_type.scatter(media["_r"], media["messageType"])
    m_name = pl.repeat(None, len(mk), dtype=pl.String, eager=True).alias("_name")
    m_name = m_name.scatter(media["_r"], media["name"])
    m_size = pl.repeat(None, len(mk), dtype=pl.Int32, eager=True).alias("_size")
    m_size = m_size.scatter(media["_r"], media["size"])
    edited = sm.bernoulli(mk, EDIT_RATE, 8)
    edit_at = at + np.floor(
        sm.uniform(mk, 9) * np.clip(end[rows] - at, 0, 10 * MS_PER_MINUTE)
    ).astype(np.int64)
    message = pl.DataFrame(
        [
            msg_id,
            cid.gather(rows).alias("conversationId"),
            members["id"].gather(sender).alias("senderId"),
            content.alias("content"),
            m_type,
            m_name,
            m_size,
            members["firstName"].gather(other).alias("other_name"),
            reply_to.alias("replyToId"),
            pl.Series("reply", reply),
            pl.Series("isEdited", edited),
            timestamps(edit_at, "editedAt"),
            timestamps(at, "createdAt"),
            timestamps(np.where(edited, edit_at, at), "updatedAt"),
        ]
    ).select(
        "id",
        "conversationId",
        "senderId",
        pl.col("content").str.replace_all("{name}", pl.col("other_name"), literal=True),
        "messageType",
        *_attachment_lists(pl.col("_name"), pl.col("_size")),
        pl.when(pl.col("reply")).then(pl.col("replyToId")).alias("replyToId"),
        "isEdited",
        pl.when(pl.col("isEdited")).then(pl.col("editedAt")).otherwise(None).alias("editedAt"),
        "createdAt",
        "updatedAt",
    )
    # A group's SYSTEM lines: its opener created it, each other member joined it (at joinedAt).
    g = np.flatnonzero(is_group[m_conv])
    if len(g):
        line = np.where(m_order[g] == 0, t.SYSTEM_CREATED, t.SYSTEM_JOINED)
        sys_at = timestamps(joined[g], "createdAt")
        system = pl.DataFrame(
            [
                ctx.ids("Message", child_keys(mkeys[g], SYSTEM_CHILD)),
                cid.gather(m_conv[g]).alias("conversationId"),
                members["id"].gather(g).alias("senderId"),
                pl.Series("content", line, dtype=pl.String),
                members["firstName"].gather(g).alias("_first"),
            ]
        ).select(
            "id",
            "conversationId",
            "senderId",
            pl.col("content").str.replace_all("{name}", pl.col("_first"), literal=True),
            pl.lit("SYSTEM").alias("messageType"),
            *_attachment_lists(pl.lit(None, dtype=pl.String), pl.lit(None, dtype=pl.Int32)),
            pl.lit(None, dtype=pl.String).alias("replyToId"),
            pl.lit(False).alias("isEdited"),
            pl.lit(None, dtype=message.schema["editedAt"]).alias("editedAt"),
            sys_at,
            sys_at.alias("updatedAt"),
        )
        message = pl.concat([message, system], how="vertical_relaxed")

    # lastReadAt: at or after the participant's own last message; fully read most often.
    last_at = at[starts + n_msgs - 1]  # times increase within a conversation
    # Own messages are counted per user: a user listed twice in a conversation (never, bar
    # odd input) has the last message of either row.
    # (Equal member keys, a function of conversation and user key, flag such a user.)
    user = np.arange(len(m_conv))
    sorted_keys = np.sort(mkeys)
    if np.any(sorted_keys[1:] == sorted_keys[:-1]):
        user = (
            members.with_row_index("_r")
            .select(pl.col("_r").min().over("conv_key", "id"))
            .to_series()
            .to_numpy()
            .astype(np.int64)
        )
    own_last = np.zeros(len(m_conv), dtype=np.int64)
    np.maximum.at(own_last, user[sender], j)
    own_last = own_last[user]
    pk = mkeys
    n_m = n_msgs[m_conv]
    k = own_last + np.floor(s.uniform(pk, 3) * (n_m - own_last)).astype(np.int64)
    k = np.where(s.bernoulli(pk, FULLY_READ_RATE, 4), n_m - 1, k)
    t_k = at[starts[m_conv] + k]
    t_next = np.where(k + 1 < n_m, at[np.minimum(starts[m_conv] + k + 1, len(at) - 1)], anchor + 1)
    t_next = np.minimum(t_next, np.minimum(seen, anchor) + 1)  # read while still coming
    # Skewed towards soon after t_k: people read shortly after a message arrives, on their
    # waking clock (what arrives at night is read in the morning).
    read_at = waking_at(t_k, t_next - 1, s.uniform(pk, 5) ** 3, m_home, rhythms)
    # Listed by (conversation, message read up to, order) when the batch has no more
    # participants than messages in all, else by (conversation, order): the orders the
    # joins of an earlier version gave these rows, kept so later steps see them as before
    # (the snapshot sorts by id). Every column is drawn from the participant's own key.
    by = np.lexsort((k, m_conv)) if len(m_conv) <= len(mk) else np.arange(len(m_conv))
    participant = pl.DataFrame(
        [
            ctx.ids("ConversationParticipant", pk[by]),
            cid.gather(m_conv[by]).alias("conversationId"),
            members["id"].gather(by).alias("userId"),
            timestamps(joined[by], "joinedAt"),
            timestamps(read_at[by], "lastReadAt"),
            members["role"].gather(by),
            pl.Series("isMuted", s.bernoulli(pk[by], 0.05, 6)),
        ]
    )
    last_message = timestamps(last_at, "lastMessageAt")
    conversation = pl.DataFrame(
        [
            cid,
            conv["type"],
            conv["title"],
            last_message,
            timestamps(created, "createdAt"),
            last_message.alias("updatedAt"),
        ]
    )
    return {
        "Conversation": conversation,
        "ConversationParticipant": participant,
        "Message": message,
    }


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    min_convs = ctx.config.minimum("client", "conversations")
    min_msgs = ctx.config.minimum("client", "messages_per_conversation")
    users = eligible_users(frames)
    if users.height < 2:
        return {}
    groups, g_members = _groups(ctx, frames, users)
    have = _qualifying(frames, min_msgs).select("userId", "conversationId")
    if not groups.is_empty():
        # New groups hold at least the minimum of messages: they count already.
        have = pl.concat(
            [
                have,
                g_members.select(
                    pl.col("id").alias("userId"),
                    pl.col("conv_key").cast(pl.String).alias("conversationId"),
                ),
            ]
        )
    count = have.group_by("userId").agg(pl.col("conversationId").n_unique().alias("n"))
    need = (
        users.select("id")
        .join(count, left_on="id", right_on="userId", how="left")
        .select(
            pl.col("id").alias("u"),
            (min_convs - pl.col("n").cast(pl.Int64).fill_null(0)).alias("need"),
        )
        .filter(pl.col("need") > 0)
    )
    direct, d_members = _directs(ctx, frames, users, need)
    conv = (
        pl.concat([c for c in (groups, direct) if not c.is_empty()], how="diagonal_relaxed")
        if not (groups.is_empty() and direct.is_empty())
        else pl.DataFrame()
    )
    members = (
        pl.concat([m for m in (g_members, d_members) if not m.is_empty()], how="vertical_relaxed")
        if not conv.is_empty()
        else pl.DataFrame()
    )
    if not members.is_empty():
        members = with_seen(ctx, frames["User"], members, user="id")
    out = [
        build(ctx, conv, members, min_msgs, pair_events(frames)),
        _sessions(ctx, frames, users),
        _support(ctx, frames, users),
    ]
    return {
        table: pl.concat([o[table] for o in out if table in o], how="diagonal_relaxed")
        for table in WRITES
        if any(table in o for o in out)
    }


# SESSION conversations: the chat beside a keyed SESSION_RATE of held video sessions.
SESSION_RATE = 0.05
MIN_SESSION_CHATS = 1  # light's few video sessions drew none
SESSION_CHILD = 0x5345_5353_494F
SESSION_CHAT = (3, 6)  # chat lines between the SYSTEM lines, [lo, hi)
SESSION_JOIN_WITHIN = 5 * MS_PER_MINUTE  # the client joins the chat this soon after the start
# SUPPORT conversations: a keyed SUPPORT_RATE of clients whose payment failed ask an admin
# about it (their first such payment), soon after; the admin answers in its working day.
SUPPORT_RATE = 0.6
SUPPORT_CHILD = 0x5355_5050_4F52
SUPPORT_OPEN_MEAN = 3 * MS_PER_HOUR
SUPPORT_REPLY_MEAN = (2 * MS_PER_HOUR, 30 * MS_PER_MINUTE)  # the admin's, the client's
SUPPORT_LAST_RATE = 0.5  # the admin has the last word (a sixth message)
SUPPORT_WITHIN = 3 * MS_PER_DAY  # each answer comes within this
READ_WITHIN = 30 * MS_PER_MINUTE  # the other reads a support chat's last message this soon


def _chat_rows(
    ctx: Context,
    conv: pl.DataFrame,
    parts: pl.DataFrame,
    msgs: pl.DataFrame,
) -> Frames:
    """Rows of conversations laid out in full. ``conv``: conv_key, type, title, created;
    ``parts``: conv_key, key (the user's), userId, joined, read (ms), role; ``msgs``:
    conv_key, mk, senderId, content, messageType, at (ms), strictly increasing per
    conversation. lastMessageAt is the last message's time."""
    cid = ctx.ids("Conversation", conv["conv_key"].to_numpy())
    conv = conv.with_columns(cid.alias("id"))
    last = msgs.group_by("conv_key").agg(pl.col("at").max().alias("last"))
    conv = conv.join(last, on="conv_key", maintain_order="left")
    ids = conv.select("conv_key", pl.col("id").alias("conversationId"))
    s = ctx.stream("Conversation", "chat")
    pk = child_keys(parts["conv_key"].to_numpy(), parts["key"].to_numpy())
    parts = parts.with_columns(pl.Series("_pk", pk)).join(ids, on="conv_key", maintain_order="left")
    participant = parts.select(
        ctx.ids("ConversationParticipant", parts["_pk"].to_numpy()).alias("id"),
        "conversationId",
        "userId",
        timestamps(parts["joined"].to_numpy(), "joinedAt"),
        timestamps(parts["read"].to_numpy(), "lastReadAt"),
        "role",
        pl.Series("isMuted", s.bernoulli(parts["_pk"].to_numpy(), 0.05, 0)),
    )
    msgs = msgs.join(ids, on="conv_key")
    at = timestamps(msgs["at"].to_numpy(), "createdAt")
    message = msgs.select(
        ctx.ids("Message", msgs["mk"].to_numpy()).alias("id"),
        "conversationId",
        "senderId",
        "content",
        "messageType",
    ).with_columns(
        *_attachment_lists(pl.lit(None, dtype=pl.String), pl.lit(None, dtype=pl.Int32)),
        pl.lit(None, dtype=pl.String).alias("replyToId"),
        pl.lit(False).alias("isEdited"),
        pl.lit(None, dtype=at.dtype).alias("editedAt"),
        at,
        at.alias("updatedAt"),
    )
    last_at = timestamps(conv["last"].to_numpy(), "lastMessageAt")
    conversation = pl.DataFrame(
        [
            conv["id"],
            conv["type"],
            conv["title"],
            last_at,
            timestamps(conv["created"].to_numpy(), "createdAt"),
            last_at.alias("updatedAt"),
        ]
    )
    return {
        "Conversation": conversation,
        "ConversationParticipant": participant,
        "Message": message,
    }


def _sessions(ctx: Context, frames: Frames, users: pl.DataFrame) -> Frames:
    """SESSION conversations: the chat of a keyed SESSION_RATE of COMPLETED video sessions.
    The therapist opens it at the start ("Session started", a SYSTEM line), the client
    joins within SESSION_JOIN_WITHIN, a few chat lines fall in the session, one each in
    equal slots, and "Session ended" closes it at the end; both read it all by then."""
    s = ctx.stream("Conversation", "session")
    meet = frames["Meeting"].filter(
        (pl.col("status") == "COMPLETED")
        & (pl.col("meetingType") == "video")
        & pl.col("endTime").is_not_null()
    )
    known = users["id"].implode()
    meet = meet.filter(pl.col("clientId").is_in(known) & pl.col("therapistId").is_in(known))
    meet = meet.select(
        "id",
        "clientId",
        "therapistId",
        ms(pl.col("startTime")).alias("t0"),
        ms(pl.col("endTime")).alias("t1"),
    ).sort("id")
    u = s.uniform(text_keys(meet["id"]), 0)
    meet = meet.with_columns(pl.Series("_u", u)).filter(
        (pl.col("t1") - pl.col("t0") > 4 * SESSION_JOIN_WITHIN) & (pl.col("t1") <= ctx.anchor_ms)
    )
    # MIN_SESSION_CHATS at least, where the draws left fewer: those whose draw came nearest.
    have = int((frames["Conversation"]["type"].cast(pl.String) == "SESSION").sum())
    drawn = meet.filter(pl.col("_u") < SESSION_RATE)
    short = MIN_SESSION_CHATS - have - drawn.height
    if short > 0:
        drawn = meet.sort("_u", "id").head(drawn.height + short)
    meet = drawn.drop("_u").sort("id")
    ck = child_keys(text_keys(meet["id"]), SESSION_CHILD)
    new = ~ctx.ids("Conversation", ck).is_in(frames["Conversation"]["id"].implode())
    meet, ck = meet.filter(new), ck[new.to_numpy()]  # a top-up: a chat made before stays
    if meet.is_empty():
        return {}
    t0 = meet["t0"].to_numpy()
    t1 = meet["t1"].to_numpy()
    c_join = t0 + 1 + s.integers(ck, 0, SESSION_JOIN_WITHIN, index=1)
    n_chat = s.integers(ck, *SESSION_CHAT, index=2)
    n = n_chat + 2
    rows, j, mk = expand(ck, n)
    # Chat line i (1..n_chat) in the i-th of n_chat equal slots of (client joined, end).
    width = (t1[rows] - c_join[rows]) // n_chat[rows]
    slot = c_join[rows] + (j - 1) * width
    inside = slot + 1 + np.floor(s.uniform(mk, 3) * (width - 2)).astype(np.int64)
    last = j == n[rows] - 1
    at = np.where(j == 0, t0[rows], np.where(last, t1[rows], inside))
    system = (j == 0) | last
    by_therapist = system | s.bernoulli(mk, 0.5, 4)
    # Each speaker takes its pool in turn from a keyed offset: no line twice in a session.
    th_pool, cl_pool = t.SESSION_THERAPIST_LINES, t.SESSION_CLIENT_LINES
    spk = by_therapist.astype(np.int64)
    turn = _rank_within(rows * 2 + spk, j)  # 0, 1, ... per speaker, SYSTEM lines included
    off = s.integers(child_keys(ck[rows], spk), 0, len(th_pool), index=5)
    flat = pl.Series([*cl_pool, *th_pool, t.SYSTEM_SESSION_STARTED, t.SYSTEM_SESSION_ENDED])
    chat_idx = np.where(
        spk == 1, len(cl_pool) + (off + turn) % len(th_pool), (off + turn) % len(cl_pool)
    )
    base = len(cl_pool) + len(th_pool)
    idx = np.where(j == 0, base, np.where(last, base + 1, chat_idx))
    sender = np.where(
        by_therapist, meet["therapistId"].to_numpy()[rows], meet["clientId"].to_numpy()[rows]
    )
    msgs = pl.DataFrame(
        [
            pl.Series("conv_key", ck[rows]),
            pl.Series("mk", mk),
            pl.Series("senderId", sender, dtype=pl.String),
            _fill_slots(ctx, mk, flat.gather(idx)).alias("content"),
            pl.Series("messageType", np.where(system, "SYSTEM", "TEXT"), dtype=pl.String),
            pl.Series("at", at),
        ]
    )
    conv = pl.DataFrame(
        [
            pl.Series("conv_key", ck),
            pl.Series("type", ["SESSION"] * len(ck), dtype=pl.String),
            pl.Series("title", [t.SESSION_TITLE] * len(ck), dtype=pl.String),
            pl.Series("created", t0),
        ]
    )
    two = np.concatenate
    parts = pl.DataFrame(
        [
            pl.Series("conv_key", two([ck, ck])),
            pl.concat([meet["therapistId"], meet["clientId"]]).alias("userId"),
            pl.Series("joined", two([t0, c_join])),
            pl.Series("read", two([t1, t1])),
            pl.Series("role", ["MEMBER"] * (2 * len(ck)), dtype=pl.String),
        ]
    )
    parts = parts.with_columns(pl.Series("key", text_keys(parts["userId"])))
    return _chat_rows(ctx, conv, parts, msgs)


def _with_retry(frames: Frames, pay: pl.DataFrame) -> pl.DataFrame:
    """``pay`` (id, meetingId, p_created, ...) with its retry: the first later payment of its
    meeting, when it was made (``r_at``), settled (``r_done``) and whether it went through
    (``r_ok``); NULL where none was made."""
    later = (
        pay.select("id", "meetingId", "p_created")
        .join(
            frames["Payment"].select(
                pl.col("id").alias("r_id"),
                "meetingId",
                ms(pl.col("createdAt")).alias("r_at"),
                ms(pl.coalesce("processedAt", "failedAt", "createdAt")).alias("r_done"),
                (pl.col("status").cast(pl.String) == "COMPLETED").alias("r_ok"),
            ),
            on="meetingId",
        )
        .filter((pl.col("r_at") > pl.col("p_created")) & (pl.col("r_id") != pl.col("id")))
        .sort("id", "r_at", "r_id")
        .unique("id", keep="first", maintain_order=True)
        .select("id", "r_at", "r_done", "r_ok")
    )
    return pay.join(later, on="id", how="left")


def _support(ctx: Context, frames: Frames, users: pl.DataFrame) -> Frames:
    """SUPPORT conversations: a keyed SUPPORT_RATE of clients whose payment FAILED ask about
    their first such payment soon after it failed, before its retry (a payment whose retry
    came within a minute has no chat); an admin still coming then (a keyed pick) takes the
    chat as its ADMIN and answers in turns (``t.SUPPORT_TURNS``), each answer soon after, on
    the writer's waking clock; dropped unless all of it comes before either stops coming and
    the anchor, or unless the admin has answered the client's question before the retry. The
    client's lines name the payment's method (``t.SUPPORT_METHOD``); the client closes after
    trying again if the retry came within SUPPORT_WITHIN of the admin's answer, and says what it
    came to (``t.SUPPORT_CLOSING``: it went through, it failed again, or none yet), the admin's
    last word following suit."""
    s = ctx.stream("Conversation", "support")
    anchor = ctx.anchor_ms
    pay = frames["Payment"].filter(
        (pl.col("status") == "FAILED") & pl.col("failedAt").is_not_null()
    )
    pay = pay.select(
        "id",
        "clientId",
        "failureReason",
        "meetingId",
        "paymentMethodId",
        ms(pl.col("createdAt")).alias("p_created"),
        ms(pl.col("failedAt")).alias("failed"),
    ).join(users.select(pl.col("id").alias("clientId"), "firstName"), on="clientId")
    pay = pay.sort("failed", "id").unique("clientId", keep="first", maintain_order=True)
    pay = _with_retry(frames, pay).sort("id")
    pay = pay.filter(pl.Series(s.bernoulli(text_keys(pay["id"]), SUPPORT_RATE, 0)))
    made = ctx.ids("Conversation", child_keys(text_keys(pay["id"]), SUPPORT_CHILD))
    pay = pay.filter(~made.is_in(frames["Conversation"]["id"].implode()))  # a top-up
    admins = frames["User"].filter(
        (pl.col("role") == "admin") & pl.col("emailVerified") & pl.col("isActive")
    )
    admins = admins.select(
        pl.col("id").alias("adminId"), ms(pl.col("createdAt")).alias("a_created")
    ).sort("adminId")
    if pay.is_empty() or admins.is_empty():
        return {}
    admins = admins.with_columns(
        pl.Series("a_seen", seen_of(ctx, frames["User"], admins["adminId"]))
    )
    ck = child_keys(text_keys(pay["id"]), SUPPORT_CHILD)
    c_home = home_offset_of(ctx, pay["clientId"])
    failed = pay["failed"].to_numpy()
    # Opened before the retry (a client who paid again has nothing to ask about).
    retry = pay["r_at"].fill_null(np.iinfo(np.int64).max).to_numpy()
    opened = waking_soon_after(
        s,
        ck,
        failed + MS_PER_MINUTE,
        np.minimum(failed + SUPPORT_WITHIN, retry - MS_PER_MINUTE),
        SUPPORT_OPEN_MEAN,
        c_home,
        index=1,
    )
    pay = pay.with_columns(pl.Series("conv_key", ck), pl.Series("opened", opened))
    pay = pay.filter(pl.Series(opened < retry))
    # The admin: a keyed pick among those signed up by then and seen a while after.
    cand = pay.select("conv_key", "opened").join(admins, how="cross")
    cand = cand.filter(
        (pl.col("a_created") < pl.col("opened"))
        & (pl.col("a_seen") > pl.col("opened") + 2 * SUPPORT_WITHIN)
    )
    draw = s.bits(child_keys(cand["conv_key"].to_numpy(), text_keys(cand["adminId"])), 2)
    cand = cand.with_columns(pl.Series("_d", draw)).sort("conv_key", "_d", "adminId")
    cand = cand.unique("conv_key", keep="first", maintain_order=True)
    pay = pay.join(cand.select("conv_key", "adminId"), on="conv_key").sort("conv_key")
    if pay.is_empty():
        return {}
    ck = pay["conv_key"].to_numpy()
    opened = pay["opened"].to_numpy()
    c_home = home_offset_of(ctx, pay["clientId"])
    a_home = home_offset_of(ctx, pay["adminId"])
    admin_rhythm = rhythm_of(np.full(len(ck), "admin"))
    client_rhythm = rhythm_of(np.full(len(ck), "client"))
    turns = len(t.SUPPORT_TURNS) + 2  # and the two closing turns
    n = turns - 1 + s.bernoulli(ck, SUPPORT_LAST_RATE, 3).astype(np.int64)
    times = np.zeros((len(ck), turns), dtype=np.int64)
    times[:, 0] = opened + 1  # the client opens the chat (joins), then writes
    r_at = pay["r_at"].fill_null(np.iinfo(np.int64).max).to_numpy()
    r_done = pay["r_done"].fill_null(np.iinfo(np.int64).max).to_numpy()
    for turn in range(1, turns):  # six fixed turns, each vectorised
        admin = turn % 2 == 1
        prev = times[:, turn - 1]
        hi = prev + SUPPORT_WITHIN
        if turn < len(t.SUPPORT_TURNS):  # asked and answered before the retry
            hi = np.minimum(hi, r_at - MS_PER_MINUTE)
        if turn == len(t.SUPPORT_TURNS):  # the client closes after trying again, if it did
            prev = np.where((r_done > prev) & (r_done - prev <= SUPPORT_WITHIN), r_done, prev)
            hi = prev + SUPPORT_WITHIN
        times[:, turn] = waking_soon_after(
            s,
            ck,
            prev + MS_PER_MINUTE,
            hi,
            SUPPORT_REPLY_MEAN[0 if admin else 1],
            a_home if admin else c_home,
            index=10 + turn,
            rhythm=admin_rhythm if admin else client_rhythm,
        )
    last = times[np.arange(len(ck)), n - 1]
    c_seen = seen_of(ctx, frames["User"], pay["clientId"])
    a_seen = seen_of(ctx, frames["User"], pay["adminId"])
    bound = np.minimum(np.minimum(c_seen, a_seen), anchor)
    keep = (last + READ_WITHIN < bound) & (times[:, len(t.SUPPORT_TURNS) - 1] < r_at)
    if not keep.any():
        return {}
    pay, ck, times, n = pay.filter(pl.Series(keep)), ck[keep], times[keep], n[keep]
    bound = bound[keep]
    rows, j, mk = expand(ck, n)
    # Each turn's line: a keyed pick of its pool; the closing pools by what the retry had
    # come to when the client closed.
    closing = times[:, len(t.SUPPORT_TURNS)]
    outcome = np.where(
        r_done[keep] > closing,
        t.SUPPORT_NOT_YET,
        np.where(pay["r_ok"].fill_null(False).to_numpy(), t.SUPPORT_WORKED, t.SUPPORT_FAILED_AGAIN),
    )
    pools = [*t.SUPPORT_TURNS, *(p for c in t.SUPPORT_CLOSING for p in c)]
    flat, off, sizes = _pool_flat(pools)
    pool = np.where(
        j < len(t.SUPPORT_TURNS),
        j,
        len(t.SUPPORT_TURNS) + 2 * outcome[rows] + j - len(t.SUPPORT_TURNS),
    )
    pick = s.integers(mk, 0, sizes[pool], index=20)
    answer = np.flatnonzero(j == 3)  # answers the question just before it (its row - 1)
    pick[answer] = pick[answer - 1]
    line = off[pool] + pick
    method = (
        pay.select(pl.col("paymentMethodId").alias("id"))
        .join(
            frames["PaymentMethod"].select("id", "type"), on="id", how="left", maintain_order="left"
        )["type"]
        .cast(pl.String)
        .replace_strict(t.SUPPORT_METHOD, default="")
    )
    admin_turn = j % 2 == 1
    sender = np.where(admin_turn, pay["adminId"].to_numpy()[rows], pay["clientId"].to_numpy()[rows])
    msgs = pl.DataFrame(
        [
            pl.Series("conv_key", ck[rows]),
            pl.Series("mk", mk),
            pl.Series("senderId", sender, dtype=pl.String),
            _fill_slots(ctx, mk, pl.Series("content", flat, dtype=pl.String).gather(line)),
            pay["firstName"].gather(rows).alias("_name"),
            pay["failureReason"].gather(rows).fill_null("declined").alias("_reason"),
            (method + " ").str.strip_chars_start().gather(rows).alias("_method"),
            pl.Series("at", times[rows, j]),
        ]
    ).select(
        "conv_key",
        "mk",
        "senderId",
        pl.col("content")
        .str.replace_all("{name}", pl.col("_name"), literal=True)
        .str.replace_all("{reason}", pl.col("_reason"), literal=True)
        .str.replace_all("{method} ", pl.col("_method"), literal=True),
        pl.lit("TEXT").alias("messageType"),
        "at",
    )
    last = times[np.arange(len(ck)), n - 1]
    # Both read the last message: its sender then, the other soon after.
    reader_is_admin = (n - 1) % 2 == 0  # the client wrote the last one
    lag = np.floor(s.uniform(ck, 21) * np.minimum(READ_WITHIN, bound - last)).astype(np.int64)
    c_read = np.where(reader_is_admin, last, last + lag)
    a_read = np.where(reader_is_admin, last + lag, last)
    conv = pl.DataFrame(
        [
            pl.Series("conv_key", ck),
            pl.Series("type", ["SUPPORT"] * len(ck), dtype=pl.String),
            pl.Series("title", [t.SUPPORT_TITLE] * len(ck), dtype=pl.String),
            pl.Series("created", times[:, 0] - 1),
        ]
    )
    parts = pl.DataFrame(
        [
            pl.Series("conv_key", np.concatenate([ck, ck])),
            pl.concat([pay["clientId"], pay["adminId"]]).alias("userId"),
            pl.Series("joined", np.concatenate([times[:, 0] - 1, times[:, 0] - 1])),
            pl.Series("read", np.concatenate([c_read, a_read])),
            pl.Series("role", ["MEMBER"] * len(ck) + ["ADMIN"] * len(ck), dtype=pl.String),
        ]
    )
    parts = parts.with_columns(pl.Series("key", text_keys(parts["userId"])))
    return _chat_rows(ctx, conv, parts, msgs)
