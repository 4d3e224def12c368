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
has (the client top-ups included), shared over its pairs that have met. On top of those, a pair
is given more the longer it has been meeting (``_extras``: about one per EXTRA_WEEKS of
therapy, times its therapist's keyed habit), so a therapist's count follows its caseload and
their time in therapy rather than sitting at the minimum (heavy x3 had 62 of 69 at exactly 8).
The extras stop where a client has ``2 * len(tx.WORKSHEETS)``: once it has had every title, the
titles come round a second time (``_again``), each only once the client's earlier worksheet of
that title is due, so no title is open twice (heavy x3: up to 15 worksheets of the 9 titles for
a client, 83 client/title pairs twice). Rows come from the generator's ``worksheet_rows``:
assigned after the pair's first session, a title the client has not had yet, or in the second
round the one ``_again`` gives (numbering continues the client's existing worksheets), OVERDUE
when past due and unsubmitted, submissions after assignment (a week-long diary after its week),
feedback on reviewed ones that fits the worksheet's title. Only here, once every submission of
the pair is known, does a reviewed one get a progress text (``tx.WORKSHEET_FEEDBACK_PROGRESS``,
in PROGRESS_SHARE of the cases where it may): where the pair had a submission at least
``tx.FEEDBACK_PROGRESS_AFTER_DAYS`` before it, never on a client's first.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from seedsnap.context import MS_PER_DAY, MS_PER_HOUR, Context, Frames
from seedsnap.enrichers.common import count_by, count_with_planned, deficit
from seedsnap.generators import therapy_text as tx
from seedsnap.generators.common import text_keys
from seedsnap.generators.therapy import (
    active_pairs,
    held_pairs,
    spread,
    worksheet_rows,
    worksheet_templates,
    worksheets,
)
from seedsnap.random import U64, expand, name_key

READS = ("User", "Therapist", "ClientTherapist", "Meeting", "Worksheet", "WorksheetSubmission")
WRITES = ("Worksheet", "WorksheetSubmission")
SALT = name_key("enrich", "worksheets")
EXTRA = name_key("enrich", "worksheets", "extra")  # the key space of ``_extras``
PROGRESS_SHARE = 0.3  # of reviewed submissions that may say "progress", the share that does
# A build where a therapist could still have a worksheet to review has at least
# MIN_SUBMITTED worksheets SUBMITTED and not reviewed yet (``least_submitted``): testers need
# one in light and medium too.
MIN_SUBMITTED = 1


# A pair that has met is given about one worksheet more per EXTRA_WEEKS of therapy (from its
# first session to when client or therapist was last seen), times its therapist's habit, a
# keyed factor in HABIT (some therapists set more homework than others).
EXTRA_WEEKS = 3
HABIT = (0.4, 1.6)


def _extras(
    ctx: Context, pairs: pl.DataFrame, have: pl.DataFrame, existing: pl.Series
) -> tuple[pl.DataFrame, U64, npt.NDArray[np.bool_]]:
    """The worksheets a pair's therapy's length adds (rows for ``worksheet_rows``, their
    keys, and whether each is there already), per row of ``pairs`` (``held_pairs`` with n:
    the worksheets the top-ups give it; ``have``: clientId, len; ``existing``: the
    Worksheet ids there are). Drawn per pair and therapist, keyed by their number (EXTRA
    key space), continuing the client's others; no more than leave it two of each title
    (past ``len(tx.WORKSHEETS)`` its titles come round again: ``_again``). Those already
    there (a second run) count as such, so the others' numbering is the first run's."""
    most = 2 * len(tx.WORKSHEETS)
    row, k, keys = expand(pairs["pkey"].to_numpy() ^ EXTRA, np.full(pairs.height, most))
    there = ctx.ids("Worksheet", keys).is_in(existing.implode()).to_numpy()
    others = pairs.join(have, on="clientId", how="left", maintain_order="left").select(
        pl.col("len").fill_null(0) + pl.col("n")
    ).to_series().to_numpy() - np.bincount(row[there], minlength=pairs.height)
    until = pl.min_horizontal("seenC", "seenT", pl.lit(ctx.anchor_ms))
    weeks = (
        pairs.select((until - pl.col("firstMs")).clip(lower_bound=0) / (7 * MS_PER_DAY))
        .to_series()
        .to_numpy()
    )
    habit = ctx.stream("Worksheet", "habit").uniform(text_keys(pairs["therapistId"]))
    expected = (HABIT[0] + (HABIT[1] - HABIT[0]) * habit) * weeks / EXTRA_WEEKS
    pk = pairs["pkey"].to_numpy()
    drawn = np.floor(expected + ctx.stream("Worksheet", "extra").uniform(pk)).astype(np.int64)
    extra = np.clip(np.minimum(drawn, most - others), 0, None)
    take = k < extra[row]
    row, k = row[take], k[take]
    rows = pairs[row].drop("n").with_columns(pl.Series("nth", others[row] + k, dtype=pl.Int64))
    return rows, keys[take], there[take]


def _again(
    ctx: Context, rows: pl.DataFrame, keys: U64, before: pl.DataFrame, meetings: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The extra worksheets of ``rows`` (``worksheet_rows``' input, keyed ``keys``) past the
    client's first round of titles (nth from ``len(tx.WORKSHEETS)``): the k-th takes the
    title whose earlier worksheet (among ``before``: clientId, title, dueDate) was due k-th
    (its nth is that title's in the second round), assigned once that one is due, so it is
    not open (check worksheet.no_open_duplicate); one with no room for that before the pair
    was last seen is not given."""
    if rows.is_empty():
        return worksheet_rows(ctx, rows, keys, meetings)
    n = len(tx.WORKSHEETS)
    clients = rows.select("clientId").unique().sort("clientId")
    slots = clients.join(pl.DataFrame({"_pos": list(range(n))}), how="cross")
    tpl = worksheet_templates(ctx, slots["clientId"], slots["_pos"].to_numpy())
    titles = pl.Series("title", [w[0] for w in tx.WORKSHEETS], dtype=pl.String).gather(tpl)
    due = before.group_by("clientId", "title").agg(
        pl.col("dueDate").max().dt.epoch("ms").alias("_due")
    )
    order = (
        slots.with_columns(titles)
        .join(due, on=["clientId", "title"], how="left")
        .sort("clientId", "_due", "_pos", nulls_last=False)
        .with_columns(pl.int_range(pl.len(), dtype=pl.Int64).over("clientId").alias("_k"))
        .select("clientId", "_k", "_pos", "_due")
    )
    until = pl.min_horizontal("seenC", "seenT", pl.lit(ctx.anchor_ms - MS_PER_HOUR))
    rows = (
        rows.with_columns((pl.col("nth") - n).alias("_k"), pl.Series("_key", keys))
        .join(order, on=["clientId", "_k"], how="left", maintain_order="left")
        .with_columns(
            (n + pl.col("_pos")).alias("nth"),
            pl.max_horizontal("firstMs", "_due").alias("firstMs"),
        )
        .filter(pl.col("firstMs") < until)
    )
    keys = rows["_key"].to_numpy()
    return worksheet_rows(ctx, rows.drop("_k", "_key", "_pos", "_due"), keys, meetings)


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
    extras, extra_keys, there = _extras(ctx, pairs, have, frames["Worksheet"]["id"])
    pairs = pairs.filter(pl.col("n") > 0)
    if pairs.is_empty() and not len(extra_keys):
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
        .drop("len", "n")
    )
    # The extras follow, those past the client's first round of titles after the rest.
    again = extras["nth"].to_numpy() >= len(tx.WORKSHEETS)
    first, first_subs = worksheet_rows(
        ctx,
        pl.concat([rows, extras.filter(pl.Series(~again))], how="vertical_relaxed"),
        np.concatenate([keys, extra_keys[~again]]),
        frames["Meeting"],
    )
    later_ids = ctx.ids("Worksheet", extra_keys[again])
    before = pl.concat(
        [ws.filter(~pl.col("id").is_in(later_ids.implode())).select(first.columns), first]
    ).select("clientId", "title", "dueDate")
    later, later_subs = _again(
        ctx, extras.filter(pl.Series(again)), extra_keys[again], before, frames["Meeting"]
    )
    # A second run makes the extras of the first again: they are there already.
    known = ctx.ids("Worksheet", extra_keys[there]).implode()
    sheets = pl.concat([base, first, later]).filter(~pl.col("id").is_in(known))
    submissions = pl.concat([base_subs, first_subs, later_subs]).filter(
        ~pl.col("worksheetId").is_in(known)
    )
    sheets, submissions = least_submitted(ctx, frames, sheets, submissions)
    submissions = _with_progress(ctx, frames, sheets, submissions)
    return {
        "Worksheet": sheets,
        "WorksheetSubmission": _distinct_feedback(ctx, frames, sheets, submissions),
    }
