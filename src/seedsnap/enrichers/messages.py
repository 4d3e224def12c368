"""Messages: conversations, their participants and their messages (seeder.md §7 row 11).

Every client and every APPROVED therapist reaches ``client.conversations`` conversations that
hold at least ``client.messages_per_conversation`` messages. Fixes over upstream (§11.10):

- partners come from a keyed ranking of eligible users: the user's therapist (or clients)
  first, then community co-members, then the next users of a keyed cyclic order. The cyclic
  tier always holds enough users that are not already partners, so nobody stays short
  (upstream skipped a partner and never replaced it), and nothing hinges on DB order;
- an existing DIRECT conversation excludes its pair (no second DIRECT for a pair); only
  conversations that actually have participants and enough messages count;
- message times strictly increase within a conversation, after every participant joined and
  before the anchor; replies (``replyToId``) point to an earlier message of the conversation;
  ``lastMessageAt`` is the last message; ``lastReadAt`` is at or after the participant's own
  last message (messages after it are unread).

Some communities also get a GROUP "peer circle" with a moderator and a few client members.
Only new rows are returned: an existing conversation is never changed, so one that is short
of messages simply does not count (topping it up would leave its ``lastMessageAt`` stale).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import polars as pl

from seedsnap.context import MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, Context, Frames, timestamps
from seedsnap.generators import social_text as t
from seedsnap.generators.common import text_keys
from seedsnap.random import I64, U64, Stream, child_keys, expand

READS = (
    "User",
    "Client",
    "Therapist",
    "ClientTherapist",
    "Membership",
    "Community",
    "ModeratorCommunity",
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

KINDS = ("care", "peer", "colleague", "group")


def ms(col: pl.Series | pl.Expr) -> pl.Expr | pl.Series:
    """A datetime column as int64 epoch milliseconds."""
    return col.dt.epoch("ms")


def eligible_users(frames: Frames) -> pl.DataFrame:
    """Clients and APPROVED therapists: id, role, firstName, created (ms), key; sorted by id."""
    approved = frames["Therapist"].filter(pl.col("status") == "APPROVED")["userId"]
    ids = pl.concat([frames["Client"]["userId"], approved]).unique()
    users = frames["User"].filter(pl.col("id").is_in(ids.implode()))
    users = users.select("id", "role", "firstName", ms(pl.col("createdAt")).alias("created"))
    users = users.sort("id")
    return users.with_columns(pl.Series("key", text_keys(users["id"])))


def cyclic_neighbours(stream: Stream, users: pl.DataFrame, counts: pl.DataFrame) -> pl.DataFrame:
    """For each (id, n) in ``counts``: the next ``n`` users after it in a keyed cyclic order.

    The order is a keyed shuffle of ``users`` (id, key), so neighbours are distinct and never
    the user itself while ``n < len(users)``.
    """
    order = users.select("id", "key").with_columns(
        pl.Series("h", stream.bits(users["key"].to_numpy(), 0))
    )
    order = order.sort("h", "id").with_row_index("pos")
    n = order.height
    c = counts.join(order.select("id", "pos", "key"), on="id").sort("id")
    take = np.minimum(c["n"].to_numpy(), max(n - 1, 0))
    rows, idx, _ = expand(c["key"].to_numpy(), take)
    pos = (c["pos"].to_numpy()[rows].astype(np.int64) + 1 + idx) % max(n, 1)
    return pl.DataFrame(
        {"u": c["id"].gather(rows), "v": order["id"].gather(pos)},
        schema={"u": pl.String, "v": pl.String},
    )


def take_ranked(stream: Stream, cands: pl.DataFrame, need: pl.DataFrame) -> pl.DataFrame:
    """The first ``need`` candidates v per u, ranked by tier then a keyed draw per (u, v).

    ``cands`` has u, v, tier (lower first) and any payload; duplicates of (u, v) keep the
    lowest tier. ``need`` has u, need. The result is in (tier, draw) order.
    """
    cands = cands.join(need, on="u")
    if cands.is_empty():
        return cands.drop("need")
    pair = child_keys(text_keys(cands["u"]), text_keys(cands["v"]))
    # One sort, by (tier, draw) and by v only where those tie (two pairs of one u tie only
    # on a 64-bit collision of their keyed draws), none by u: the first row of a pair in
    # this order is its lowest tier.
    cands = cands.with_columns(pl.Series("_draw", stream.bits(pair, 0)))
    cands = cands.sort("tier", "_draw", "v", maintain_order=True)
    cands = cands.unique(["u", "v"], keep="first", maintain_order=True)
    return cands.filter(pl.int_range(pl.len()).over("u") < pl.col("need")).drop("_draw", "need")


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
    members = members.with_columns(pl.Series("_d", draw)).sort("conv_key", "_d", "id")
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


def _directs(
    ctx: Context, frames: Frames, users: pl.DataFrame, need: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """New DIRECT conversations so that every user in ``need`` (id, need) gets that many."""
    s = ctx.stream("Conversation", "partner")
    ids = users.select("id")
    rel = frames["ClientTherapist"].select(
        pl.col("clientId").alias("u"),
        pl.col("therapistId").alias("v"),
        ms(pl.col("assignedAt")).alias("met"),
    )
    rel = rel.join(ids, left_on="u", right_on="id").join(ids, left_on="v", right_on="id")
    tier0 = pl.concat([rel, rel.select(pl.col("v").alias("u"), pl.col("u").alias("v"), "met")])
    mem = (
        frames["Membership"]
        .select("communityId", pl.col("userId").alias("u"), ms(pl.col("joinedAt")).alias("j"))
        .join(ids, left_on="u", right_on="id")
    )
    # Only users who need partners look for co-members (keeps the self-join small).
    co = (
        mem.join(need.select("u"), on="u")
        .join(mem.rename({"u": "v", "j": "j2"}), on="communityId")
        .filter(pl.col("u") != pl.col("v"))
    )
    tier1 = co.group_by("u", "v").agg(pl.max_horizontal("j", "j2").min().alias("met"))
    excluded = _direct_partners(frames)
    n_excl = excluded.group_by("u").agg(pl.len().cast(pl.Int64).alias("x"))
    counts = need.rename({"u": "id"}).join(n_excl.rename({"u": "id"}), on="id", how="left")
    counts = counts.select("id", (pl.col("need") + pl.col("x").fill_null(0)).alias("n"))
    tier2 = cyclic_neighbours(s, users, counts).with_columns(pl.lit(0, dtype=pl.Int64).alias("met"))
    cands = pl.concat(
        [
            tier0.with_columns(pl.lit(0).alias("tier")),
            tier1.with_columns(pl.lit(1).alias("tier")),
            tier2.with_columns(pl.lit(2).alias("tier")),
        ],
        how="diagonal_relaxed",
    )
    cands = cands.join(excluded, on=["u", "v"], how="anti")
    picked = take_ranked(s, cands, need)
    # One conversation per unordered pair; the user who picked opens it.
    picked = (
        picked.with_columns(
            pl.min_horizontal("u", "v").alias("a"), pl.max_horizontal("u", "v").alias("b")
        )
        .sort("a", "b", "tier", "u")
        .unique(["a", "b"], keep="first", maintain_order=True)
    )
    info = users.select("id", "key", "role", "firstName", "created")
    picked = picked.join(info.rename(lambda c: f"u_{c}"), left_on="u", right_on="u_id")
    picked = picked.join(info.rename(lambda c: f"v_{c}"), left_on="v", right_on="v_id")
    ka = text_keys(picked["a"])
    kb = text_keys(picked["b"])
    picked = picked.with_columns(pl.Series("conv_key", child_keys(ka, kb)))
    both_therapists = (pl.col("u_role") == "therapist") & (pl.col("v_role") == "therapist")
    conv = picked.select(
        "conv_key",
        pl.lit("DIRECT").alias("type"),
        pl.when(pl.col("tier") == 0)
        .then(pl.lit("care"))
        .when(both_therapists)
        .then(pl.lit("colleague"))
        .otherwise(pl.lit("peer"))
        .alias("kind"),
        pl.lit(None, dtype=pl.String).alias("title"),
        pl.max_horizontal("met", "u_created", "v_created").alias("lo"),
    )
    cols = ["conv_key", "id", "key", "firstName", "speaker", "role", "order", "since"]
    first = picked.select(
        "conv_key",
        pl.col("u").alias("id"),
        pl.col("u_key").alias("key"),
        pl.col("u_firstName").alias("firstName"),
        pl.col("u_role").alias("speaker"),
        pl.lit("MEMBER").alias("role"),
        pl.lit(0, dtype=pl.Int64).alias("order"),
        pl.col("u_created").alias("since"),
    )
    second = picked.select(
        "conv_key",
        pl.col("v").alias("id"),
        pl.col("v_key").alias("key"),
        pl.col("v_firstName").alias("firstName"),
        pl.col("v_role").alias("speaker"),
        pl.lit("MEMBER").alias("role"),
        pl.lit(1, dtype=pl.Int64).alias("order"),
        pl.col("v_created").alias("since"),
    )
    return conv, pl.concat([first, second]).select(cols)


def _pool_pick(
    stream: Stream,
    keys: U64,
    pools: Sequence[Sequence[str]],
    which: npt.NDArray[np.int64],
    index: int,
) -> npt.NDArray[np.object_]:
    """One string per row from ``pools[which[row]]`` (keyed, uniform within the pool)."""
    flat = np.asarray([x for p in pools for x in p], dtype=object)
    sizes = np.asarray([len(p) for p in pools], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    u = stream.uniform(keys, index)
    out: npt.NDArray[np.object_] = flat[
        offsets[which] + np.floor(u * sizes[which]).astype(np.int64)
    ]
    return out


def _gaps(stream: Stream, keys: U64) -> I64:
    """Keyed gaps before each message: mostly minutes, sometimes hours, now and then days."""
    kind = stream.choice(keys, 3, p=[0.65, 0.25, 0.10], index=10)
    u = stream.uniform(keys, 11)
    lo = np.array([MS_PER_MINUTE // 2, MS_PER_HOUR, MS_PER_DAY], dtype=np.int64)[kind]
    hi = np.array([20 * MS_PER_MINUTE, 12 * MS_PER_HOUR, 4 * MS_PER_DAY], dtype=np.int64)[kind]
    out: I64 = lo + np.floor(u * (hi - lo)).astype(np.int64)
    return out


def build(ctx: Context, conv: pl.DataFrame, members: pl.DataFrame, min_messages: int) -> Frames:
    """Rows of new conversations.

    ``conv``: conv_key, type, kind, title, lo (earliest start, ms). ``members``: conv_key, id,
    key, firstName, speaker (client/therapist/moderator), role, order (0 opens), since.
    """
    if conv.is_empty():
        return {}
    anchor = ctx.anchor_ms
    s = ctx.stream("Conversation", "time")
    sm = ctx.stream("Message", "content")
    conv = conv.sort("conv_key")
    ck = conv["conv_key"].to_numpy()
    lo = conv["lo"].to_numpy().astype(np.int64)
    start_lo = np.maximum(lo, anchor - START_WITHIN_DAYS * MS_PER_DAY)
    start_hi = np.maximum(start_lo, anchor - 2 * MS_PER_DAY)
    created = start_lo + np.floor(s.uniform(ck, 0) * (start_hi - start_lo)).astype(np.int64)
    is_group = conv["type"].to_numpy() == "GROUP"
    extra = np.where(
        is_group,
        s.integers(ck, *EXTRA_MESSAGES["GROUP"], index=1),
        s.integers(ck, *EXTRA_MESSAGES["DIRECT"], index=1),
    )
    conv = conv.with_columns(
        pl.Series("created", created),
        pl.Series("n_msgs", max(min_messages, 1) + extra),
        pl.Series("id", ctx.ids("Conversation", ck)),
    )

    # Participants: everyone joins when the conversation starts; group members trickle in
    # over the first hours (never before they met the community, see ``lo``).
    members = members.join(
        conv.select("conv_key", "created", pl.col("id").alias("cid")), on="conv_key"
    )
    mkeys = child_keys(members["conv_key"].to_numpy(), members["key"].to_numpy())
    delay = np.where(
        members["order"].to_numpy() == 0,
        0,
        np.floor(s.uniform(mkeys, 2) * 6 * MS_PER_HOUR).astype(np.int64),
    )
    joined = members["created"].to_numpy() + np.where(
        np.isin(members["conv_key"].to_numpy(), ck[is_group]), delay, 0
    )
    joined = np.minimum(joined, anchor - MS_PER_HOUR)
    joined = np.maximum(joined, members["created"].to_numpy())
    members = members.with_columns(pl.Series("joined", joined), pl.Series("pkey", mkeys))
    ready = members.group_by("conv_key").agg(
        pl.col("joined").max().alias("ready"), pl.len().alias("n_parts")
    )
    conv = conv.join(ready, on="conv_key").sort("conv_key")

    # Messages: keyed gaps, squeezed into (ready, anchor) when they would overrun it.
    ck = conv["conv_key"].to_numpy()
    n_msgs = conv["n_msgs"].to_numpy()
    rows, j, msg_keys = expand(ck, n_msgs)
    gaps = _gaps(s, msg_keys)
    starts = np.cumsum(n_msgs) - n_msgs
    running = np.cumsum(gaps)
    before = running[starts] - gaps[starts]  # running total before each conversation
    cum = running - np.repeat(before, n_msgs)
    total = cum[starts + n_msgs - 1]
    ready_a = conv["ready"].to_numpy()
    window = np.maximum(anchor - ready_a - 2 * n_msgs - 1, 0)
    scale = np.minimum(1.0, window / np.maximum(total, 1))
    at = ready_a[rows] + 1 + np.floor(cum * scale[rows]).astype(np.int64) + j
    msgs = pl.DataFrame(
        {
            "conv_key": ck[rows],
            "j": j,
            "mkey": msg_keys,
            "at": at,
            "n_parts": conv["n_parts"].to_numpy()[rows],
            "type": conv["type"].gather(rows),
            "kind": conv["kind"].gather(rows),
            "cid": conv["id"].gather(rows),
        }
    )

    # Senders: DIRECT alternates most of the time; GROUP picks any participant.
    switch = np.where(j == 0, 0, sm.bernoulli(msg_keys, SWITCH_RATE, 0)).astype(np.int64)
    msgs = msgs.with_columns(pl.Series("sw", switch))
    msgs = msgs.with_columns(pl.col("sw").cum_sum().over("conv_key").alias("sw"))
    pick_any = np.floor(sm.uniform(msg_keys, 1) * msgs["n_parts"].to_numpy()).astype(np.int64)
    order = np.where(
        msgs["type"].to_numpy() == "GROUP", np.where(j == 0, 0, pick_any), msgs["sw"].to_numpy() % 2
    )
    msgs = msgs.with_columns(pl.Series("order", order))
    who = members.select("conv_key", "order", pl.col("id").alias("senderId"), "speaker")
    msgs = msgs.join(who, on=["conv_key", "order"])
    other = members.select(
        "conv_key", pl.col("order").alias("o_order"), pl.col("firstName").alias("other_name")
    )
    msgs = msgs.with_columns(
        pl.when(pl.col("type") == "GROUP").then(0).otherwise(1 - pl.col("order")).alias("o_order")
    ).join(other, on=["conv_key", "o_order"])
    msgs = msgs.sort("conv_key", "j")
    mk = msgs["mkey"].to_numpy()
    j = msgs["j"].to_numpy()

    # Replies to one of the three previous messages; they follow their parent by construction.
    reply = (j >= 2) & sm.bernoulli(mk, REPLY_RATE, 2)
    back = 1 + np.floor(sm.uniform(mk, 3) * np.minimum(j, 3)).astype(np.int64)
    msgs = msgs.with_columns(
        pl.Series("id", ctx.ids("Message", mk)),
        pl.Series("parent_j", np.where(reply, j - back, -1)),
    )
    parents = msgs.select(
        "conv_key", pl.col("j").alias("parent_j"), pl.col("id").alias("replyToId")
    )
    msgs = msgs.join(parents, on=["conv_key", "parent_j"], how="left").sort("conv_key", "j")
    reply = msgs["replyToId"].is_not_null().to_numpy()

    # Content: an opener, a line by speaker and conversation kind, or a reply line.
    kind = msgs["kind"].to_numpy()
    speaker = msgs["speaker"].to_numpy()
    opener_pool = np.select(
        [kind == "group", kind == "colleague", kind == "peer", speaker == "client"],
        [3, 2, 1, 0],
        default=4,
    )
    line_pool = np.select(
        [kind == "group", kind == "colleague", kind == "peer", speaker == "client"],
        [3, 2, 1, 0],
        default=4,
    )
    openers = (
        t.OPEN_CLIENT_TO_THERAPIST,
        t.OPEN_PEER,
        t.OPEN_COLLEAGUE,
        t.OPEN_GROUP,
        t.OPEN_THERAPIST_TO_CLIENT,
    )
    lines = (t.CLIENT_LINES, t.PEER_LINES, t.COLLEAGUE_LINES, t.GROUP_LINES, t.THERAPIST_LINES)
    first_part = np.where(
        j == 0,
        _pool_pick(sm, mk, openers, opener_pool, 4),
        np.where(
            reply,
            _pool_pick(sm, mk, (t.REPLY_LINES,), np.zeros(len(mk), np.int64), 5),
            _pool_pick(sm, mk, lines, line_pool, 6),
        ),
    )
    second = _pool_pick(sm, mk, (t.SECOND_LINES,), np.zeros(len(mk), np.int64), 7)
    content = np.char.add(first_part.astype(str), np.where(j == 0, "", second).astype(str))
    edited = sm.bernoulli(mk, EDIT_RATE, 8)
    at = msgs["at"].to_numpy()
    edit_at = at + np.floor(sm.uniform(mk, 9) * np.minimum(10 * MS_PER_MINUTE, anchor - at)).astype(
        np.int64
    )
    msgs = msgs.with_columns(
        pl.Series("content", content),
        pl.Series("isEdited", edited),
        timestamps(edit_at, "editedAt"),
        timestamps(at, "createdAt"),
        timestamps(np.where(edited, edit_at, at), "updatedAt"),
    )
    message = msgs.select(
        "id",
        pl.col("cid").alias("conversationId"),
        "senderId",
        pl.col("content").str.replace_all("{name}", pl.col("other_name"), literal=True),
        "replyToId",
        "isEdited",
        pl.when(pl.col("isEdited")).then(pl.col("editedAt")).otherwise(None).alias("editedAt"),
        "createdAt",
        "updatedAt",
    )

    # lastReadAt: at or after the participant's own last message; fully read most often.
    last = msgs.group_by("conv_key").agg(pl.col("at").max().alias("last_at"))
    own = msgs.group_by("conv_key", "senderId").agg(pl.col("j").max().alias("own_last"))
    members = (
        members.join(own.rename({"senderId": "id"}), on=["conv_key", "id"], how="left")
        .join(conv.select("conv_key", "n_msgs"), on="conv_key")
        .join(last, on="conv_key")
    )
    members = members.sort("conv_key", "order")
    pk = members["pkey"].to_numpy()
    own_last = np.maximum(members["own_last"].fill_null(0).to_numpy(), 0)
    n_m = members["n_msgs"].to_numpy()
    k = own_last + np.floor(s.uniform(pk, 3) * (n_m - own_last)).astype(np.int64)
    k = np.where(s.bernoulli(pk, FULLY_READ_RATE, 4), n_m - 1, k)
    members = members.with_columns(pl.Series("k", k), pl.Series("k1", k + 1))
    times = msgs.select("conv_key", "j", "at")
    members = members.join(times.rename({"j": "k", "at": "t_k"}), on=["conv_key", "k"]).join(
        times.rename({"j": "k1", "at": "t_k1"}), on=["conv_key", "k1"], how="left"
    )
    t_k = members["t_k"].to_numpy()
    t_next = members["t_k1"].fill_null(anchor + 1).to_numpy()
    u = s.uniform(members["pkey"].to_numpy(), 5)
    # Skewed towards soon after t_k: people read shortly after a message arrives.
    read_at = t_k + np.floor(u**3 * (t_next - 1 - t_k)).astype(np.int64)
    members = members.with_columns(
        ctx.ids("ConversationParticipant", pk).alias("pid"),
        timestamps(members["joined"].to_numpy(), "joinedAt"),
        timestamps(read_at, "lastReadAt"),
        pl.Series("isMuted", s.bernoulli(pk, 0.05, 6)),
    )
    participant = members.select(
        pl.col("pid").alias("id"),
        pl.col("cid").alias("conversationId"),
        pl.col("id").alias("userId"),
        "joinedAt",
        "lastReadAt",
        "role",
        "isMuted",
    )
    conv = conv.join(last, on="conv_key").with_columns(
        timestamps(conv.join(last, on="conv_key")["last_at"].to_numpy(), "lastMessageAt"),
    )
    conversation = conv.select(
        "id",
        "type",
        "title",
        "lastMessageAt",
        pl.col("created").cast(pl.Datetime("ms")).alias("createdAt"),
        pl.col("lastMessageAt").alias("updatedAt"),
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
        pl.concat([c for c in (groups, direct) if not c.is_empty()], how="vertical_relaxed")
        if not (groups.is_empty() and direct.is_empty())
        else pl.DataFrame()
    )
    members = (
        pl.concat([m for m in (g_members, d_members) if not m.is_empty()], how="vertical_relaxed")
        if not conv.is_empty()
        else pl.DataFrame()
    )
    return build(ctx, conv, members, min_msgs)
