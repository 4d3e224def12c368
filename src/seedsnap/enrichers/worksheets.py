"""Worksheets: homework given at the sessions a pair held, active pairs and pairs that ended
alike, then clients in therapy and APPROVED therapists reach their minimums.

The worksheets are made here rather than with the generator's meetings: one is given at a
COMPLETED session, and a therapist reviews a submission by the pair's next held session
(``worksheet_rows``), either of which may be one the meetings enricher adds, so they wait for
every meeting.

Before, a pair was given randint(1, worksheets_per_relationship) worksheets plus about one per
three weeks of therapy, at any time between its first session and the anchor, and only active
pairs were: heavy x3 gave its 264 ended pairs (777 sessions held) none and its 93 active ones
793 (83 of the 86 that had any more than their sessions, 38 twice as many), 103 of them on a day
of a session of the pair and 310 on a day its therapist does not work. Here each session a pair
held (``homework_sessions``) has PER_SESSION slots, of which ``homework_counts`` fills its first
ones (at ``homework_rates``: the larger of the volumes' rate and the client minimum's over the
sessions a client in therapy holds, times the therapist's habit, and at most one round of
titles over all of the client's sessions); the worksheet of a slot is given as that
session ends or within GIVEN_WITHIN after (``worksheet_rows``), and a pair that ended keeps the
worksheets of its sessions, handed in by its end or left undone (OVERDUE). The top-ups fill free
slots, all first slots of an entity's sessions before any second one: a client who has held a
session with its active therapist gets client.worksheets_if_has_therapist minus what it has, on
the sessions of any of its pairs; then each APPROVED therapist who has held one with an active
client gets therapist.worksheets_created minus what it has (the client top-ups included), on any
of its sessions. A client or therapist so topped up is given, beyond its minimum, as many more
of its free slots (in the same order) as those after the ones the minimum takes draw at their
sessions' q (``more``): its sessions go on at its therapist's habit, so its count lands on the
minimum no more often than a drawn one would (light x20 had 59 of 75 therapists at exactly 4,
worksheet.therapist_counts_spread), and those extras stop at CAP. One who has held fewer than
half the minimum in sessions has two per session and no more (check's minimum rules count such a
client or therapist out: config MINIMUM_SCOPES). A client has at most CAP worksheets (each title
twice: the feedback texts of a title are two, worksheet.feedback_not_repeated); its titles
follow its worksheets in the order they were given (``worksheet_templates`` of nth: every title
once before any comes round again), and one whose title's earlier worksheet is still open then
(worksheet.no_open_duplicate) is not given. Only here, once every submission of the pair is
known, does a reviewed one get a progress text (``tx.WORKSHEET_FEEDBACK_PROGRESS``, in
PROGRESS_SHARE of the cases where it may): where the pair had a submission at least
``tx.FEEDBACK_PROGRESS_AFTER_DAYS`` before it, never on a client's first.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from seedsnap.config import PER_SESSION
from seedsnap.context import Context, Frames
from seedsnap.generators import therapy_text as tx
from seedsnap.generators.common import text_keys
from seedsnap.generators.therapy import (
    active_pairs,
    ended_pairs,
    homework_counts,
    homework_rates,
    homework_sessions,
    worksheet_rows,
)
from seedsnap.random import expand, name_key

READS = ("User", "Therapist", "ClientTherapist", "Meeting", "Worksheet", "WorksheetSubmission")
WRITES = ("Worksheet", "WorksheetSubmission")
SALT = name_key("enrich", "worksheets", "session")  # the key space of a session's slots
PROGRESS_SHARE = 0.3  # of reviewed submissions that may say "progress", the share that does
# A build where a therapist could still have a worksheet to review has at least
# MIN_SUBMITTED worksheets SUBMITTED and not reviewed yet (``least_submitted``): testers need
# one in light and medium too.
MIN_SUBMITTED = 1
# The most worksheets a client has: every title twice (a title has two feedback texts of its
# own, and no client reads one twice).
CAP = 2 * len(tx.WORKSHEETS)
_PAIR = ["clientId", "therapistId"]
_COLS = ("pairId", "clientId", "therapistId", "seenC", "seenT", "endMs", "active")


def _pairs(ctx: Context, frames: Frames) -> pl.DataFrame:
    """Every pair with an APPROVED therapist, active ones first: ``_COLS`` (endMs null while
    active), one row per client and therapist."""
    active = active_pairs(ctx, frames).with_columns(
        pl.lit(None, dtype=pl.Int64).alias("endMs"), pl.lit(True).alias("active")
    )
    ended = ended_pairs(ctx, frames).with_columns(
        pl.col("endMs").cast(pl.Int64), pl.lit(False).alias("active")
    )
    return pl.concat([active.select(_COLS), ended.select(_COLS)]).unique(
        _PAIR, keep="first", maintain_order=True
    )


def _ranked_take(slots: pl.DataFrame, group: str, need: pl.DataFrame) -> pl.DataFrame:
    """Per row of ``slots`` (free ones: group, slot, order, more), whether it is among the
    first ``need`` (group, need) of its group, first slots before second ones, then by order
    (``take``), or among as many after those as those later free slots of the group drew
    ``more`` (``extra``)."""
    return (
        slots.select(group, "slot", "order", "more")
        .with_row_index("_i")
        .sort(group, "slot", "order")
        .with_columns(pl.int_range(pl.len()).over(group).alias("_r"))
        .join(need.select(group, "need"), on=group, how="left")
        .with_columns(pl.col("need").fill_null(0))
        .with_columns(
            (pl.col("more") & (pl.col("_r") >= pl.col("need")) & (pl.col("need") > 0))
            .sum()
            .over(group)
            .alias("_more")
        )
        .sort("_i")
        .select(
            (pl.col("_r") < pl.col("need")).alias("take"),
            (
                (pl.col("_r") >= pl.col("need")) & (pl.col("_r") < pl.col("need") + pl.col("_more"))
            ).alias("extra"),
        )
    )


def _within_cap(slots: pl.DataFrame, extra: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """``extra`` (slots of ``slots`` a top-up gives beyond the minimum) less those that would
    give a client more than CAP worksheets (those ``taken`` and foreign ones included), the
    last in the order ``_ranked_take`` takes them."""
    idx = np.flatnonzero(extra)
    if idx.size == 0:
        return extra
    have = slots.group_by("clientId").agg(
        (pl.col("taken").sum().cast(pl.Int64) + pl.col("foreign").first()).alias("_have")
    )
    keep = (
        slots[idx]
        .select("clientId", "slot", "order")
        .with_row_index("_i")
        .sort("clientId", "slot", "order")
        .with_columns(pl.int_range(pl.len()).over("clientId").alias("_r"))
        .join(have, on="clientId", how="left")
        .sort("_i")
        .select(pl.col("_r") < CAP - pl.col("_have"))
        .to_series()
        .to_numpy()
    )
    out = np.zeros_like(extra)
    out[idx[keep]] = True
    return out


def _slots(ctx: Context, frames: Frames) -> pl.DataFrame:
    """A row per slot of every session (``homework_sessions`` over ``_pairs``): the
    session's columns plus slot, key, id, order (a keyed rank for the top-ups), drawn
    (``homework_counts`` fills it), there (its worksheet exists: a second run) and taken
    (given: drawn within the client's CAP, there, or filled by the top-ups)."""
    sessions = homework_sessions(ctx, _pairs(ctx, frames), frames["Meeting"])
    counts = homework_counts(ctx, sessions)
    skeys = text_keys(sessions["meetingId"]) ^ SALT
    row, slot, keys = expand(skeys, np.full(sessions.height, PER_SESSION))
    ids = ctx.ids("Worksheet", keys)
    slots = sessions[row].with_columns(
        pl.Series("slot", slot, dtype=pl.Int64),
        pl.Series("key", keys, dtype=pl.UInt64),
        ids.alias("id"),
        pl.Series("order", ctx.stream("Worksheet", "top-up").uniform(keys)),
        # Whether a slot a short client's or therapist's top-up may give beyond its minimum
        # (the module docstring): drawn as a session's slots are, at its therapist's q.
        pl.Series(
            "more",
            ctx.stream("Worksheet", "top-up-more").uniform(keys)
            < homework_rates(ctx, sessions)[row],
        ),
        pl.Series("drawn", slot < counts[row]),
        ids.is_in(frames["Worksheet"]["id"].implode()).alias("there"),
    )
    # Worksheets not of these slots (a loaded database's) come before them in a client's count.
    foreign = frames["Worksheet"].filter(~pl.col("id").is_in(ids.implode()))
    before = foreign.group_by("clientId").agg(pl.len().cast(pl.Int64).alias("foreign"))
    slots = slots.join(before, on="clientId", how="left", maintain_order="left").with_columns(
        pl.col("foreign").fill_null(0)
    )
    # A client's drawn ones beyond CAP (in the order given) are not given.
    kept = (
        pl.when(pl.col("drawn"))
        .then(pl.col("drawn").cum_sum().over("clientId", order_by=["atMs", "meetingId", "slot"]))
        .otherwise(0)
        + pl.col("foreign")
        <= CAP
    )
    slots = slots.with_columns(((pl.col("drawn") & kept) | pl.col("there")).alias("taken"))
    cfg = ctx.config
    # Clients who have held a session with their active therapist reach their minimum on free
    # slots of any of their sessions; then therapists who have held one with an active client.
    for entity, group, name in (
        ("client", "clientId", "worksheets_if_has_therapist"),
        ("therapist", "therapistId", "worksheets_created"),
    ):
        have = (
            slots.group_by(group)
            .agg(pl.col("taken").sum().cast(pl.Int64).alias("len"))
            .join(foreign.group_by(group).agg(pl.len().alias("_f")), on=group, how="left")
            .select(group, pl.col("len") + pl.col("_f").fill_null(0).cast(pl.Int64))
        )
        scope = slots.filter(pl.col("active")).select(group).unique()
        need = (
            scope.join(have, on=group, how="left")
            .with_columns((cfg.minimum(entity, name) - pl.col("len").fill_null(0)).alias("need"))
            .filter(pl.col("need") > 0)
        )
        # A client at its CAP (or two short of it) takes no therapist's top-up.
        full = slots.group_by("clientId").agg(
            ((pl.col("taken").sum() + pl.col("foreign").first()) >= CAP - PER_SESSION).alias(
                "_full"
            )
        )
        free = slots.join(full, on="clientId", how="left", maintain_order="left").select(
            ~pl.col("taken") & (pl.lit(group == "clientId") | ~pl.col("_full"))
        )[:, 0]
        take = np.zeros(slots.height, dtype=bool)
        if need.height and free.any():
            idx = np.flatnonzero(free.to_numpy())
            ranked = _ranked_take(slots[idx], group, need)
            take[idx[ranked["take"].to_numpy()]] = True
            extra = np.zeros(slots.height, dtype=bool)
            extra[idx[ranked["extra"].to_numpy()]] = True
            slots = slots.with_columns((pl.col("taken") | pl.Series(take)).alias("taken"))
            take = _within_cap(slots, extra)
        slots = slots.with_columns((pl.col("taken") | pl.Series(take)).alias("taken"))
    # A therapist check holds to its minimum (it met an active client and held half as many
    # sessions) that is still short has its clients taken up to CAP itself: a young therapist
    # with the caseload of its tenure may have one current client, near its CAP with the
    # therapists it had before (heavy x10 --seed 12: b5998564's one active client 4ba13482
    # had 17 of 18, so the therapist kept 7 of 8). Only such a therapist is given more here.
    minimum = cfg.minimum("therapist", "worksheets_created")
    have = slots.group_by("therapistId").agg(
        pl.col("taken").sum().cast(pl.Int64).alias("len"),
        pl.len().cast(pl.Int64).alias("_slots"),
        pl.col("active").any().alias("_active"),
    )
    have = have.join(
        foreign.group_by("therapistId").agg(pl.len().cast(pl.Int64).alias("_f")),
        on="therapistId",
        how="left",
    ).with_columns(pl.col("len") + pl.col("_f").fill_null(0))
    need = have.filter(
        pl.col("_active") & (pl.col("_slots") >= minimum) & (pl.col("len") < minimum)
    ).select("therapistId", (minimum - pl.col("len")).alias("need"))
    if need.height:
        free = slots.select(
            ~pl.col("taken") & pl.col("therapistId").is_in(need["therapistId"].implode())
        )[:, 0]
        idx = np.flatnonzero(free.to_numpy())
        ranked = _ranked_take(slots[idx], "therapistId", need)
        take = np.zeros(slots.height, dtype=bool)
        take[idx[ranked["take"].to_numpy()]] = True
        take = _within_cap(slots, take)
        slots = slots.with_columns((pl.col("taken") | pl.Series(take)).alias("taken"))
    return slots


def least_submitted(
    ctx: Context, frames: Frames, sheets: pl.DataFrame, subs: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``sheets`` (new worksheets) and ``subs`` (their submissions) with at least
    MIN_SUBMITTED worksheets (among these and the existing ones) still SUBMITTED, where the
    keyed draws left fewer: the latest submitted of the REVIEWED ones that could still wait
    for their review (no COMPLETED session of the pair since the submission, and the pair's
    next session, if any, after the anchor), then by id: a pure function of them. Such a
    one is as it was handed in: updated then, no feedback."""
    have = int((frames["Worksheet"]["status"].cast(pl.String) == "SUBMITTED").sum()) + int(
        (sheets["status"] == "SUBMITTED").sum()
    )
    short = MIN_SUBMITTED - have
    if short <= 0 or subs.is_empty():
        return sheets, subs
    pair = ["clientId", "therapistId"]
    done = sheets.filter(pl.col("status") == "REVIEWED").join(
        subs.select(pl.col("worksheetId").alias("id"), "submittedAt"), on="id"
    )
    since = (
        done.select("id", *pair, pl.col("submittedAt").dt.epoch("ms"))
        .join(
            frames["Meeting"].select(
                *pair, pl.col("status").cast(pl.String), pl.col("startTime").dt.epoch("ms")
            ),
            on=pair,
        )
        .filter(
            (pl.col("startTime") > pl.col("submittedAt"))
            & (
                (pl.col("status") == "COMPLETED")
                | ((pl.col("status") != "CANCELLED") & (pl.col("startTime") <= ctx.anchor_ms))
            )
        )
        .select("id")
    )
    top = (
        done.join(since, on="id", how="anti")
        .sort("submittedAt", "id", descending=[True, False])
        .head(short)
        .select("id", "submittedAt")
    )
    if top.is_empty():
        return sheets, subs
    sheets = (
        sheets.join(top, on="id", how="left", maintain_order="left")
        .with_columns(
            pl.when(pl.col("submittedAt").is_not_null())
            .then(pl.lit("SUBMITTED"))
            .otherwise(pl.col("status"))
            .alias("status"),
            pl.coalesce("submittedAt", "updatedAt").alias("updatedAt"),
        )
        .drop("submittedAt")
    )
    waits = pl.col("worksheetId").is_in(top["id"].implode())
    subs = subs.with_columns(
        pl.when(waits).then(None).otherwise(pl.col("feedback")).alias("feedback")
    )
    return sheets, subs


def _with_progress(
    ctx: Context, frames: Frames, sheets: pl.DataFrame, subs: pl.DataFrame
) -> pl.DataFrame:
    """``subs`` (new submissions of ``sheets``, the new worksheets) with a progress text as
    the feedback of PROGRESS_SHARE of the reviewed ones whose pair handed in a worksheet
    (among the existing and new ones) at least ``tx.FEEDBACK_PROGRESS_AFTER_DAYS`` earlier."""
    if subs.is_empty():
        return subs
    pair = ["clientId", "therapistId"]
    ws = pl.concat([frames["Worksheet"].select("id", *pair), sheets.select("id", *pair)])
    all_subs = pl.concat(
        [
            frames["WorksheetSubmission"].select("worksheetId", "submittedAt"),
            subs.select("worksheetId", "submittedAt"),
        ]
    ).join(ws, left_on="worksheetId", right_on="id")
    first = all_subs.group_by(pair).agg(pl.col("submittedAt").min().alias("_first"))
    gap = pl.duration(days=tx.FEEDBACK_PROGRESS_AFTER_DAYS)
    may = (
        subs.select("worksheetId", "submittedAt", "feedback")
        .join(ws, left_on="worksheetId", right_on="id", how="left", maintain_order="left")
        .join(first, on=pair, how="left", maintain_order="left")
        .select(
            pl.col("feedback").is_not_null() & (pl.col("_first") <= pl.col("submittedAt") - gap)
        )
        .to_series()
        .to_numpy()
    )
    keys = text_keys(subs["id"])
    s = ctx.stream("WorksheetSubmission", "progress")
    use = may & s.bernoulli(keys, PROGRESS_SHARE, 0)
    texts = pl.Series(tx.WORKSHEET_FEEDBACK_PROGRESS, dtype=pl.String)
    progress = texts.gather(s.choice(keys, len(texts), index=1))
    return subs.with_columns(
        pl.when(pl.lit(pl.Series(use)))
        .then(pl.lit(progress))
        .otherwise(pl.col("feedback"))
        .alias("feedback")
    )


def _distinct_feedback(
    ctx: Context, frames: Frames, sheets: pl.DataFrame, subs: pl.DataFrame
) -> pl.DataFrame:
    """``subs`` (new submissions of ``sheets``, the new worksheets) where no client reads the
    same feedback twice: a text a client already had (on an earlier submission, the existing
    ones first) is replaced by one of the texts about its worksheet's title
    (``tx.WORKSHEET_FEEDBACK_FOR``, keyed) that the client's other submissions do not keep:
    a title comes round again for a client at most once (``_again``), and each has two, so
    the two worksheets of one title take one each. The generic and progress texts are two
    each: heavy x3 gave 36 of 80 clients the same sentence twice (check:
    worksheet.feedback_not_repeated)."""
    if subs.is_empty():
        return subs
    ws = pl.concat(
        [
            frames["Worksheet"].select("id", "clientId", "title"),
            sheets.select("id", "clientId", "title"),
        ]
    )
    old = frames["WorksheetSubmission"].select("id", "worksheetId", "submittedAt", "feedback")
    every = (
        pl.concat(
            [
                old.with_columns(pl.lit(0).alias("_new")),
                subs.select(old.columns).with_columns(pl.lit(1).alias("_new")),
            ]
        )
        .join(ws, left_on="worksheetId", right_on="id", how="left")
        .filter(pl.col("feedback").is_not_null())
        .sort("_new", "submittedAt", "id")
        .with_columns((pl.int_range(pl.len()).over("clientId", "feedback") > 0).alias("_again"))
    )
    kept = every.filter(~(pl.col("_again") & (pl.col("_new") == 1))).select(
        "clientId", pl.col("feedback").alias("_anew")
    )
    seen = every.filter(pl.col("_again") & (pl.col("_new") == 1)).select("id", "clientId", "title")
    if seen.is_empty():
        return subs
    width = max(len(v) for v in tx.WORKSHEET_FEEDBACK_FOR.values())
    pick = ctx.stream("WorksheetSubmission", "feedback-anew").integers(
        text_keys(seen["id"]), 0, width
    )
    texts = pl.DataFrame(
        [(t, j, f) for t, pool in tx.WORKSHEET_FEEDBACK_FOR.items() for j, f in enumerate(pool)],
        schema={"title": pl.String, "_j": pl.Int64, "_anew": pl.String},
        orient="row",
    )
    group = ["clientId", "title"]
    # The title's texts the client's kept feedback leaves free, numbered _c of _m.
    free = (
        seen.select(group)
        .unique()
        .join(texts, on="title")
        .join(kept, on=["clientId", "_anew"], how="anti")
        .sort(*group, "_j")
        .with_columns(
            pl.int_range(pl.len()).over(group).alias("_c"), pl.len().over(group).alias("_m")
        )
    )
    # The r-th worksheet of a title that needs one takes the free text r after the first's
    # keyed pick: one each (a single one: its pick, as before titles came round again).
    anew = (
        seen.with_columns(pl.Series("_pick", pick, dtype=pl.Int64))
        .sort("id")
        .with_columns(
            pl.int_range(pl.len()).over(group).alias("_r"),
            pl.col("_pick").first().over(group).alias("_o"),
        )
        .join(free.select(*group, "_m").unique(), on=group, how="left")
        .with_columns(((pl.col("_o") + pl.col("_r")) % pl.col("_m")).alias("_c"))
        .join(free.select(*group, "_c", "_anew"), on=[*group, "_c"], how="left")
        .select("id", "_anew")
    )
    return (
        subs.join(anew, on="id", how="left", maintain_order="left")
        .with_columns(pl.coalesce("_anew", "feedback").alias("feedback"))
        .drop("_anew")
    )


def _open_again(sheets: pl.DataFrame, nth: pl.Series) -> pl.Series:
    """Per worksheet of ``sheets`` (numbered ``nth`` among its client's: a client's titles
    come round every ``len(tx.WORKSHEETS)``), whether its title's previous worksheet for
    the client is still open (not yet due) when it is given (worksheet.no_open_duplicate)."""
    n = len(tx.WORKSHEETS)
    w = sheets.select("clientId", "createdAt", "dueDate").with_columns(nth.alias("nth"))
    prev = w.select("clientId", (pl.col("nth") + n).alias("nth"), pl.col("dueDate").alias("_due"))
    return (
        w.join(prev, on=["clientId", "nth"], how="left", maintain_order="left")
        .select(pl.col("createdAt") < pl.col("_due").fill_null(pl.col("createdAt")))
        .to_series()
    )


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    slots = _slots(ctx, frames)
    given = slots.filter(pl.col("taken"))
    if given.is_empty():
        return {}
    # A client's worksheets are numbered in the order they are given, after any others.
    given = given.with_columns(
        (
            pl.col("foreign")
            + pl.int_range(pl.len(), dtype=pl.Int64).over(
                "clientId", order_by=["atMs", "meetingId", "slot"]
            )
        ).alias("nth")
    )
    keys = given["key"].to_numpy()
    sheets, subs = worksheet_rows(ctx, given, keys, frames["Meeting"])
    drop = _open_again(sheets, given["nth"]) | given["there"]
    gone = sheets.filter(drop)["id"].implode()
    sheets = sheets.filter(~drop)
    subs = subs.filter(~pl.col("worksheetId").is_in(gone))
    sheets, subs = least_submitted(ctx, frames, sheets, subs)
    subs = _with_progress(ctx, frames, sheets, subs)
    return {
        "Worksheet": sheets,
        "WorksheetSubmission": _distinct_feedback(ctx, frames, sheets, subs),
    }
