"""Reviews: every review, written over the final meetings; every APPROVED therapist with
completed sessions has at least N reviews.

The reviews are made here rather than in the therapy generator because the meetings
enricher adds COMPLETED meetings between the generator's: a review's text is an early
impression only when its pair had completed at most EARLY_REVIEW_SESSIONS sessions by then,
counted over the final meetings. Upstream gave one 4-5 star review to therapists with none
(seeder.md §7 row 12). Here:
1. a pair that goes on (no end: ``pair_ends``) is reviewed at review_rate: one of its
   COMPLETED meetings, by its client, after the meeting ended (``reviews``, ``review_rows``);
2. a pair that ended is reviewed half as often (ENDED_REVIEW_SHARE of review_rate per
   pair): one of its COMPLETED meetings, before the pair ended, rated lower (the client
   moved on: ``review_rows``);
3. each APPROVED therapist still short of therapist.reviews_received gets reviews of its
   COMPLETED meetings that have none yet (a keyed choice), each by that meeting's client,
   after the meeting ended, with the same rating weights (``review_rows``).
The meetings enricher makes sure such meetings exist. Then the reviews made here get their
text (``with_texts``), composed together, reading the existing ones, so that none repeats
another of its therapist's, and fitted to what the pair had done by then: its sessions
(counted over the final meetings) and the worksheets it had been given (the worksheets
enricher runs first: this one reads Worksheet).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from seedsnap.context import Context, Frames
from seedsnap.enrichers.common import count_by, deficit, take_best
from seedsnap.errors import ConfigError
from seedsnap.generators import therapy_text as tx
from seedsnap.generators.common import ms, text_keys
from seedsnap.generators.therapy import (
    ENDED_REVIEW_SHARE,
    approved_therapists,
    pair_ends,
    review_rows,
    reviews,
    sessions_by,
    unless,
)
from seedsnap.random import I64, U64, Stream

READS = ("User", "Therapist", "ClientTherapist", "Meeting", "Worksheet", "Review")
WRITES = ("Review",)


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    pairs = frames["ClientTherapist"]
    meetings = frames["Meeting"]
    users = frames["User"]
    ends = pairs.select("clientId", "therapistId", pair_ends(ctx, pairs, users))
    reviewed = frames["Review"].select("meetingId").drop_nulls()
    done = (
        meetings.filter(pl.col("status") == "COMPLETED")
        .join(reviewed, left_on="id", right_on="meetingId", how="anti")
        .select("id", "clientId", "therapistId", "endTime", "status")
        .join(ends, on=["clientId", "therapistId"], how="left")
        .sort("id")
    )
    unreviewed_meetings = done
    unreviewed = done.join(
        frames["Review"].select("clientId", "therapistId").unique(),
        on=["clientId", "therapistId"],
        how="anti",
    )
    ongoing = unreviewed.filter(pl.col("endMs").is_null())
    ended = unreviewed.filter(pl.col("endMs").is_not_null())
    made = pl.concat(
        [
            reviews(ctx, ongoing, users),
            reviews(ctx, ended, users, ENDED_REVIEW_SHARE),
        ],
        how="vertical_relaxed",
    )
    therapists = approved_therapists(frames).select("therapistId")
    need = deficit(
        therapists,
        "therapistId",
        count_by(
            pl.concat([frames["Review"].select("therapistId"), made.select("therapistId")]),
            "therapistId",
        ),
        ctx.config.minimum("therapist", "reviews_received"),
    )
    if not need.is_empty():
        done = done.join(made.select("meetingId"), left_on="id", right_on="meetingId", how="anti")
        done = done.with_columns(pl.Series("_k", text_keys(done["id"])))
        chosen = take_best(ctx, "Review", "top-up", done, "therapistId", need)
        top_up = review_rows(ctx, chosen.drop("_k", "status").sort("id"), users)
        made = pl.concat([made, top_up], how="vertical_relaxed")
    made = least_low(ctx, frames, made, unreviewed_meetings, users)
    return {"Review": with_texts(ctx, made, frames)}


# A build where some pair that ended had a session has at least MIN_LOW_REVIEWS reviews of
# 1-2 stars (``least_low``): testers need one in light and medium too. Only a client who
# moved on rates so (``review_rows``); ranked first are the pairs that ended whose review
# this run already makes (its stars drawn again, 1 or 2), then the others (one of their
# sessions reviewed), each by a keyed draw of the pair.
MIN_LOW_REVIEWS = 1
LOW_STARS = tx.LOW_STARS  # at most this many stars: a low review


def least_low(
    ctx: Context, frames: Frames, made: pl.DataFrame, done: pl.DataFrame, users: pl.DataFrame
) -> pl.DataFrame:
    """``made`` (the reviews of this run, no texts yet) with at least MIN_LOW_REVIEWS of 1-2
    stars among them and the existing ones, where the keyed draws left fewer: the top of a
    ranking of the pairs that ended with a COMPLETED meeting of ``done`` (the unreviewed ones:
    id, clientId, therapistId, endTime, endMs), a pure function of those pairs."""
    have = int((frames["Review"]["rating"] <= LOW_STARS).sum()) + int(
        (made["rating"] <= LOW_STARS).sum()
    )
    short = MIN_LOW_REVIEWS - have
    ended = done.filter(pl.col("endMs").is_not_null())
    if short <= 0 or ended.is_empty():
        return made
    pair = ["clientId", "therapistId"]
    s = ctx.stream("Review", "least-low")
    reviewed = made.group_by(pair).agg(pl.col("meetingId").min().alias("_m"))
    top = ended.select(pair).unique().join(reviewed, on=pair, how="left")
    top = (
        top.with_columns(
            pl.Series("_d", s.bits(text_keys(top["clientId"] + "|" + top["therapistId"]), 0))
        )
        .sort(pl.col("_m").is_null(), "_d", *pair)
        .head(short)
    )
    # A pair not reviewed yet has one of its sessions reviewed, by a keyed draw.
    fresh = ended.join(top.filter(pl.col("_m").is_null()), on=pair, how="semi")
    fresh = (
        fresh.with_columns(pl.Series("_b", s.bits(text_keys(fresh["id"]), 1)))
        .sort(*pair, "_b", "id")
        .unique(pair, keep="first", maintain_order=True)
    )
    added = review_rows(ctx, fresh.select("id", *pair, "endTime", "endMs").sort("id"), users)
    made = pl.concat([made, added], how="vertical_relaxed")
    low = (
        made["meetingId"]
        .is_in(pl.concat([top["_m"].drop_nulls(), fresh["id"]]).implode())
        .to_numpy()
    )
    weights = np.asarray(tx.ENDED_RATING_WEIGHTS[:LOW_STARS], dtype=np.float64)
    stars = 1 + s.choice(
        text_keys(made["meetingId"]), LOW_STARS, p=weights / weights.sum(), index=2
    )
    return made.with_columns(
        pl.when(pl.lit(pl.Series(low)))
        .then(pl.lit(pl.Series(stars)))
        .otherwise("rating")
        .cast(made.schema["rating"])
        .alias("rating")
    )


# Of the reviews, the share whose middle tells of the pair's worksheets (where it had one
# by then) and of the therapist's approach; and the share with a second (generic) middle.
WORKSHEET_SHARE = 0.35
APPROACH_SHARE = 0.3
SECOND_MIDDLE_SHARE = 0.5
UNTITLED_SHARE = 0.3  # reviews without a title
# Rounds of redrawing a text that repeats another of its therapist's: the parts make
# thousands of texts per rating, so a round or two does.
MAX_DRAWS = 32
_DRAWS = 9  # uniforms per review and round


def with_texts(ctx: Context, rows: pl.DataFrame, frames: Frames) -> pl.DataFrame:
    """``rows`` (reviews without texts) with their content composed from ``therapy_text``'s
    parts, fitted to the rating and to what the pair had done by then (its completed
    sessions, its worksheets, the therapist's approaches), and a title for all but
    UNTITLED_SHARE of them; no therapist has two reviews with the same content or title
    (a repeated title is left out)."""
    if rows.is_empty():
        return rows
    keys = text_keys(rows["meetingId"])
    facts = rows.select(
        "therapistId",
        (pl.col("rating") - 1).alias("r"),
        pl.Series("sessions", sessions_by(rows, frames["Meeting"], ms(rows["createdAt"]))),
        pl.Series("worksheets", _worksheets_by(rows, frames["Worksheet"])),
        pl.Series("untitled", ctx.stream("Review", "fields").bernoulli(keys, UNTITLED_SHARE, 4)),
    ).join(
        frames["Therapist"].select(pl.col("userId").alias("therapistId"), "approaches"),
        on="therapistId",
        how="left",
        maintain_order="left",
    )
    s = ctx.stream("Review", "text")
    taken = frames["Review"].select("therapistId", "title", "content")
    attempt = np.zeros(rows.height, dtype=np.int64)
    for _ in range(MAX_DRAWS):
        out = rows.with_columns(_compose(s, keys, attempt, facts))
        again = _repeats(out, taken, "content")
        if not again.any():
            # A title its therapist already has is left out: titles are few, and optional.
            repeated = _repeats(out, taken, "title")
            return out.with_columns(unless(out["title"], repeated, "title"))
        attempt[again] += 1
    raise ConfigError(
        f"a therapist's review texts still repeat after {MAX_DRAWS} draws (more reviews per "
        "therapist than distinct texts)",
        "lower minimums.therapist.reviews_received",
    )


def _worksheets_by(rows: pl.DataFrame, worksheets: pl.DataFrame) -> I64:
    """Per review of ``rows``, the worksheets its pair had been given before it was written."""
    given = worksheets.select("clientId", "therapistId", pl.col("createdAt").alias("_given"))
    count = (
        rows.select("clientId", "therapistId", "createdAt")
        .with_columns(pl.int_range(pl.len()).alias("_row"))
        .join(given, on=["clientId", "therapistId"])
        .filter(pl.col("_given") < pl.col("createdAt"))
        .group_by("_row")
        .len()
    )
    out = np.zeros(rows.height, dtype=np.int64)
    out[count["_row"].to_numpy()] = count["len"].to_numpy()
    return out


def _flat(pools: Sequence[Sequence[str]]) -> tuple[npt.NDArray[Any], I64, I64]:
    """The texts of ``pools`` in one array, with each pool's start and size."""
    sizes = np.array([len(p) for p in pools], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    return np.array([t for p in pools for t in p], dtype=object), starts, sizes


def _pick(pools: Sequence[Sequence[Any]], pool: I64, u: npt.NDArray[np.float64]) -> I64:
    """Per row, the index in pool ``pool`` of ``pools`` that uniform ``u`` draws."""
    sizes = np.array([len(p) for p in pools], dtype=np.int64)[pool]
    return np.floor(u * sizes).astype(np.int64)


def _texts(pools: Sequence[Sequence[str]], pool: I64, u: npt.NDArray[np.float64]) -> pl.Series:
    """Per row, the text of pool ``pool`` of ``pools`` that uniform ``u`` draws."""
    texts, starts, _ = _flat(pools)
    return pl.Series(texts[starts[pool] + _pick(pools, pool, u)], dtype=pl.String)


def _sessions(n: I64) -> pl.Series:
    """``n`` sessions as a review spells them: "one session", "three sessions", "14 sessions"."""
    words = np.asarray(tx.COUNT_WORDS, dtype=object)[np.minimum(n, len(tx.COUNT_WORDS) - 1)]
    count = np.where(n < len(tx.COUNT_WORDS), words, n.astype(str).astype(object))
    return pl.Series(count + np.where(n == 1, " session", " sessions"), dtype=pl.String)


def _approach(facts: pl.DataFrame, u: npt.NDArray[np.float64]) -> pl.Series:
    """One of each review's therapist's approaches (``u`` draws which) as a review names it
    (``APPROACH_PHRASES``); empty where the therapist has none the phrases know."""
    listed = pl.col("approaches")
    at = (pl.lit(pl.Series(u)) * listed.list.len()).floor().cast(pl.Int64)
    phrase = listed.list.get(at, null_on_oob=True).replace_strict(
        tx.APPROACH_PHRASES, default=None, return_dtype=pl.String
    )
    return facts.select(phrase.fill_null("")).to_series()


def _compose(s: Stream, keys: U64, attempt: I64, facts: pl.DataFrame) -> list[pl.Series]:
    """The title and content of each review (``facts``: its rating index ``r``, its pair's
    sessions and worksheets by then, its therapist's approaches), drawn at ``attempt``:
    opening, a middle (of the worksheets, the approach or generic), perhaps a second
    (generic) middle, closing."""
    u = [s.uniform(keys, attempt * _DRAWS + j) for j in range(_DRAWS)]
    r = facts["r"].to_numpy().astype(np.int64)
    n = facts["sessions"].to_numpy().astype(np.int64)
    ws = facts["worksheets"].to_numpy().astype(np.int64)
    early = (n <= tx.EARLY_REVIEW_SESSIONS).astype(np.int64)
    register = r + len(tx.REVIEW_OPENINGS) * early
    tone = np.asarray(tx.REVIEW_TONE, dtype=np.int64)[r]
    opening = _texts(tx.REVIEW_OPENINGS + tx.EARLY_REVIEW_OPENINGS, register, u[0])
    opening = opening.str.replace("{sessions}", _sessions(n), literal=True)  # type: ignore[arg-type]
    approach = _approach(facts, u[1])
    by_approach = _texts(tx.REVIEW_APPROACH_MIDDLES, tone, u[2]).str.replace(
        "{approach}",
        approach,  # type: ignore[arg-type]
        literal=True,
    )
    ones, starts, _ = _flat([[one for one, _ in p] for p in tx.REVIEW_WORKSHEET_MIDDLES])
    many = _flat([[many for _, many in p] for p in tx.REVIEW_WORKSHEET_MIDDLES])[0]
    at = starts[tone] + _pick(tx.REVIEW_WORKSHEET_MIDDLES, tone, u[2])
    by_sheet = np.where(ws > 1, many[at], ones[at])
    pools = tx.REVIEW_MIDDLES + tx.EARLY_REVIEW_MIDDLES
    said = tone + len(tx.REVIEW_MIDDLES) * early  # the generic middles of its register
    generic, starts, sizes = _flat(pools)
    first = _pick(pools, said, u[2])
    # A second middle is a generic one other than the first's generic draw.
    second = (first + 1 + _pick([p[1:] for p in pools], said, u[3])) % sizes[said]
    kind = np.where(
        (ws > 0) & (u[4] < WORKSHEET_SHARE),
        2,
        np.where((approach != "").to_numpy() & (u[5] < APPROACH_SHARE), 1, 0),
    )
    middle = np.where(
        kind == 2,
        by_sheet,
        np.where(kind == 1, by_approach.to_numpy().astype(object), generic[starts[said] + first]),
    )
    more = np.where(u[6] < SECOND_MIDDLE_SHARE, " " + generic[starts[said] + second], "")
    closing = _texts(tx.REVIEW_CLOSINGS, r, u[7])
    content = opening + " " + pl.Series(middle + more, dtype=pl.String) + " " + closing
    title = _texts(tx.REVIEW_TITLES + tx.EARLY_REVIEW_TITLES, register, u[8])
    return [
        unless(title, facts["untitled"].to_numpy(), "title"),
        content.alias("content"),
    ]


def _repeats(out: pl.DataFrame, taken: pl.DataFrame, column: str) -> npt.NDArray[np.bool_]:
    """Per review of ``out``, whether its ``column`` (not NULL) repeats one of its
    therapist's in ``taken`` or in an earlier review of ``out`` (by createdAt, then id)."""
    both = pl.concat(
        [
            taken.select("therapistId", column, pl.lit(None, dtype=pl.Int64).alias("_row")),
            out.with_columns(pl.int_range(pl.len()).alias("_row"))
            .sort("createdAt", "id")
            .select("therapistId", column, "_row"),
        ]
    )
    again = both.filter(
        pl.col(column).is_not_null() & ~pl.struct("therapistId", column).is_first_distinct()
    )["_row"].drop_nulls()
    mask = np.zeros(out.height, dtype=bool)
    mask[again.to_numpy()] = True
    return mask
