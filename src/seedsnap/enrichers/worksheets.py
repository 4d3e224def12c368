"""Worksheets: randint(1, worksheets_per_relationship) per active pair that has met, then
clients in therapy and APPROVED therapists reach their minimums.

The worksheets are made here rather than with the generator's meetings: a therapist reviews a
submission by the pair's next held session (``worksheet_rows``), which may be one the meetings
enricher adds, so they wait for every meeting.

Upstream subtracted the client's existing worksheets twice (``missing = 4 - total``, then
``max(0, missing - pairCount)``), so the client top-up mostly added nothing; it also left
past-due worksheets ASSIGNED and never made submissions (seeder.md §7 row 10, §11.9). Here the
deficit is counted once per entity, over the active pairs that have held a session (a
worksheet is homework given at or after one; a pair that has not met yet gets none): a client
with such a pair gets client.worksheets_if_has_therapist minus what it has, shared round robin
over those pairs; then each APPROVED therapist gets therapist.worksheets_created minus what it
has (the client top-ups included), shared over its pairs that have met. Rows come from the
generator's ``worksheet_rows``: assigned after the pair's first session, a title the client
has not had yet (numbering continues the client's existing worksheets), OVERDUE when past due
and unsubmitted, submissions after assignment (a week-long diary after its week), feedback on
reviewed ones that fits the worksheet's title. Only here, once every submission of the pair is
known, does a reviewed one get a progress text (``tx.WORKSHEET_FEEDBACK_PROGRESS``, in
PROGRESS_SHARE of the cases where it may): where the pair had a submission at least
``tx.FEEDBACK_PROGRESS_AFTER_DAYS`` before it, never on a client's first.
"""

from __future__ import annotations

import polars as pl

from seedsnap.context import Context, Frames
from seedsnap.enrichers.common import count_by, count_with_planned, deficit
from seedsnap.generators import therapy_text as tx
from seedsnap.generators.common import text_keys
from seedsnap.generators.therapy import (
    active_pairs,
    held_pairs,
    spread,
    worksheet_rows,
    worksheets,
)
from seedsnap.random import expand, name_key

READS = ("User", "Therapist", "ClientTherapist", "Meeting", "Worksheet", "WorksheetSubmission")
WRITES = ("Worksheet", "WorksheetSubmission")
SALT = name_key("enrich", "worksheets")
PROGRESS_SHARE = 0.3  # of reviewed submissions that may say "progress", the share that does
# A build where a therapist could still have a worksheet to review has at least
# MIN_SUBMITTED worksheets SUBMITTED and not reviewed yet (``least_submitted``): testers need
# one in light and medium too.
MIN_SUBMITTED = 1


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
    (``tx.WORKSHEET_FEEDBACK_FOR``, keyed), which no other worksheet of the client has (its
    titles are distinct). The generic and progress texts are two each: heavy x3 gave 36 of
    80 clients the same sentence twice (check: worksheet.feedback_not_repeated)."""
    if subs.is_empty():
        return subs
    ws = pl.concat(
        [
            frames["Worksheet"].select("id", "clientId", "title"),
            sheets.select("id", "clientId", "title"),
        ]
    )
    old = frames["WorksheetSubmission"].select("id", "worksheetId", "submittedAt", "feedback")
    seen = (
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
        .filter(pl.col("_again") & (pl.col("_new") == 1))
        .select("id", "title")
    )
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
    anew = (
        seen.with_columns(pl.Series("_j", pick, dtype=pl.Int64))
        .with_columns(
            pl.col("_j")
            % pl.col("title").replace_strict(
                {t: len(v) for t, v in tx.WORKSHEET_FEEDBACK_FOR.items()}, return_dtype=pl.Int64
            )
        )
        .join(texts, on=["title", "_j"], how="left")
        .select("id", "_anew")
    )
    return (
        subs.join(anew, on="id", how="left", maintain_order="left")
        .with_columns(pl.coalesce("_anew", "feedback").alias("feedback"))
        .drop("_anew")
    )


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    active = active_pairs(ctx, frames)
    pairs = held_pairs(active, frames["Meeting"])
    if pairs.is_empty():
        return {}
    # The base: a pair's first worksheets, for pairs that have none yet (all of them in a
    # build: the generator makes none), so a second run adds nothing.
    fresh = active.join(
        frames["Worksheet"].select("clientId", "therapistId").unique(),
        on=["clientId", "therapistId"],
        how="anti",
        maintain_order="left",
    )
    base, base_subs = worksheets(ctx, frames, frames["Meeting"], fresh)
    ws = pl.concat([frames["Worksheet"], base], how="vertical_relaxed")
    cfg = ctx.config
    have = count_by(ws, "clientId")
    need_c = deficit(
        pairs.select("clientId").unique(),
        "clientId",
        have,
        cfg.minimum("client", "worksheets_if_has_therapist"),
    )
    pairs = pairs.with_columns(spread(pairs, "clientId", need_c).alias("forClient"))
    after = count_with_planned(ws, pairs, "therapistId", "forClient")
    need_t = deficit(
        pairs.select("therapistId").unique(),
        "therapistId",
        after,
        cfg.minimum("therapist", "worksheets_created"),
    )
    pairs = pairs.with_columns(
        (pl.col("forClient") + spread(pairs, "therapistId", need_t)).alias("n")
    )
    pairs = pairs.filter(pl.col("n") > 0)
    if pairs.is_empty():
        base, base_subs = least_submitted(ctx, frames, base, base_subs)
        base_subs = _with_progress(ctx, frames, base, base_subs)
        return {
            "Worksheet": base,
            "WorksheetSubmission": _distinct_feedback(ctx, frames, base, base_subs),
        }
    row, _, keys = expand(pairs["pkey"].to_numpy() ^ SALT, pairs["n"].to_numpy())
    # A client's new worksheets continue its numbering, so their titles are new to it.
    rows = (
        pairs[row]
        .join(have, on="clientId", how="left", maintain_order="left")
        .with_columns(
            (
                pl.col("len").fill_null(0) + pl.int_range(pl.len(), dtype=pl.Int64).over("clientId")
            ).alias("nth")
        )
        .drop("len")
    )
    sheets, submissions = worksheet_rows(ctx, rows, keys, frames["Meeting"])
    sheets = pl.concat([base, sheets])
    submissions = pl.concat([base_subs, submissions])
    sheets, submissions = least_submitted(ctx, frames, sheets, submissions)
    submissions = _with_progress(ctx, frames, sheets, submissions)
    return {
        "Worksheet": sheets,
        "WorksheetSubmission": _distinct_feedback(ctx, frames, sheets, submissions),
    }
