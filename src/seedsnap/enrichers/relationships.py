"""Client–therapist pairs: every APPROVED therapist ≥ N clients; fixture clients ≥ 1 therapist.

A client has at most one active therapist at a time (the app's "my therapist"): a client who
changed therapists has earlier pairs, ``inactive``, that ended before the active one began
(no column records the end: a pair ends when the client's next pair begins). So
a therapist's clients (therapist.client_relationships) are its current and past clients: a
heavy build asks 5 per therapist, more pairs than there are clients.

Upstream counted inactive pairs toward the minimum and always took the first clients in DB
order, so the fixtures ended up with many active therapists (seeder.md §11.13). Here:
1. every APPROVED therapist gets an active client (one who came early enough for the weeks
   of past sessions its minimums ask for, where its approval allows), taken among the clients
   without an active therapist: the meetings, notes, worksheets and reviews of a therapist are
   with its active clients. Those are clients who still come (``users.still_coming``); where
   too few do (light and medium have about one such client per therapist), a client who went
   quiet after weeks of therapy (``relationships.quiet_active_ms``: room for the sessions the
   minimums ask of the pair), which nobody ended: its sessions all lie before its last visit;
2. fixture clients without an active therapist get one;
3. therapists (and clients) still short of their minimum get past clients (inactive pairs),
   assigned before anything the client already has began (or before the anchor for a client
   without a pair), one after another: a pair ends when the client's next one begins, and
   each takes a share of PAST_SHARE_DAYS or more of the client's time (it runs three weeks
   at least), so that it had its sessions (the meetings enricher holds them) before the
   client moved on; for a client who went quiet, PAST_PAIR_DAYS before its last visit (its
   last pair ended by then). A client has MAX_THERAPISTS_PER_CLIENT at most, and the past
   clients are spread: those with the most time per therapist first, one new pair a round
   each, so most clients keep one therapist and those who came long ago had a few. A
   therapist's caseload builds up, one more client per PAST_SHARE_DAYS since its approval
   up to the minimum: the clients' time does not give every new therapist the minimum
   without piling therapists on the clients who came long ago. Check holds a therapist to
   the minimum once approved (n - 1) x PAST_SHARE_DAYS before the anchor, as it holds
   clients' assessments to their tenure.
A client picks a therapist while it still comes: every pair begins by its last visit.
Only clients who have seen their therapist recommendations are paired (the app shows them
after the pre-assessment, and a client picks a therapist from them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from seedsnap.config import (
    FIXTURES_PER_ROLE,
    MAX_THERAPISTS_PER_CLIENT,
    PAST_PAIR_DAYS,
    PAST_SHARE_DAYS,
)
from seedsnap.context import MS_PER_DAY, Context, Frames, timestamps
from seedsnap.enrichers.common import count_by, deficit, pair_top_up, sample_pairs
from seedsnap.generators import therapy_text as tx
from seedsnap.generators.common import text_keys
from seedsnap.generators.relationships import (
    REVIEW_MIN,
    SETTLED_DAYS,
    intake_needs,
    pair_starts,
    quiet_active_ms,
    review_draws,
    reviewed,
    treated_by,
)
from seedsnap.generators.therapy import approved_therapists
from seedsnap.generators.users import home_offset_of, seen_of, still_coming, verified
from seedsnap.random import Stream, child_keys, name_key

READS = ("User", "Client", "Therapist", "ClientTherapist")
WRITES = ("ClientTherapist",)
SALT = name_key("enrich", "relationships")
# Rounds of pairing needy therapists with free clients: a round leaves a therapist unmatched
# only where the client it met was already its past client (rare), or could not have begun
# with it in time.
_ROUNDS = 4
# Rounds of past clients for therapists short of their minimum: the first spread them over
# the clients with the most time (``_spread``), the last _FILL_ROUNDS take any client with
# room left, in shares of the least that keeps a pair PAST_PAIR_DAYS long.
_SPREAD_ROUNDS = 12
_FILL_ROUNDS = 3
# A past pair's share of its client's time, at least (its last rounds aside).
_SHARE_MS = PAST_SHARE_DAYS * MS_PER_DAY


def _budget(rate: pl.Expr) -> pl.Expr:
    """The index of the bracket of ``therapy_text.BUDGET_RANGES`` holding ``rate``."""
    value = rate.cast(pl.Float64)
    return pl.sum_horizontal([(value >= lo).cast(pl.Int64) for lo, _, _ in tx.BUDGET_RANGES[1:]])


def _rows(
    ctx: Context, chosen: pl.DataFrame, status: str, latest: int | np.ndarray
) -> pl.DataFrame:
    """The new pairs' rows: assigned from ``lo``, by ``latest`` where ``lo`` allows, in the
    client's waking hours (it picks its therapist)."""
    pair = {c: text_keys(chosen[c]) for c in ("clientId", "therapistId")}
    home = home_offset_of(ctx, chosen["clientId"])
    lo = chosen["lo"].to_numpy()
    ids, at = pair_top_up(ctx, "ClientTherapist", pair, SALT, lo, latest, home=home)
    return pl.DataFrame(
        {
            "id": ids,
            "clientId": chosen["clientId"],
            "therapistId": chosen["therapistId"],
            "status": pl.repeat(status, chosen.height, dtype=pl.String, eager=True),
            "assignedAt": timestamps(at, "assignedAt"),
        }
    )


def _match(
    therapists: pl.DataFrame,
    free: pl.DataFrame,
    existing: pl.DataFrame,
    fits: Callable[[pl.DataFrame], pl.DataFrame],
) -> pl.DataFrame:
    """One distinct free client per therapist (both in their order): (therapistId, clientId).

    A round pairs the i-th therapist with the i-th client; a pair that exists already, or
    that ``fits`` drops (it could not begin in time), is undone and both sides try again,
    the clients turned by one, in the next round. A therapist left over then takes a
    matched client whose therapist takes a free client instead (``_swap``).
    """
    out = pl.DataFrame(schema={"therapistId": pl.String, "clientId": pl.String})
    t = therapists.select("therapistId")
    c = free.select("clientId")
    for shift in range(_ROUNDS):
        n = min(t.height, c.height)
        if n == 0:
            break
        turned = pl.concat([c[shift % c.height :], c[: shift % c.height]])
        got = fits(
            pl.concat([t.head(n), turned.head(n)], how="horizontal").join(
                existing, on=["therapistId", "clientId"], how="anti", maintain_order="left"
            )
        )
        out = pl.concat([out, got])
        t = t.join(got, on="therapistId", how="anti", maintain_order="left")
        c = c.join(got, on="clientId", how="anti", maintain_order="left")
    for _ in range(_ROUNDS):
        if t.is_empty() or c.is_empty() or out.is_empty():
            break
        out, t, c = _swap(out, t, c, existing, fits)
    return out


def _swap(
    out: pl.DataFrame,
    t: pl.DataFrame,
    c: pl.DataFrame,
    existing: pl.DataFrame,
    fits: Callable[[pl.DataFrame], pl.DataFrame],
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """One round of swaps: a left-over therapist (of ``t``) takes the client of a matched
    pair (of ``out``) whose therapist takes a left-over client (of ``c``) instead, where
    both new pairs are new and ``fits`` keeps them; each therapist, pair and client in one
    swap at most, the first in their orders. Returns ``out``, ``t`` and ``c`` after it."""
    # The two new pairs of a swap are checked apart (left-over therapist x matched pair, and
    # matched pair x left-over client), then joined on the pair: never all three crossed.
    tt = t.select(pl.col("therapistId").alias("t"), pl.int_range(pl.len()).alias("_t"))
    mm = out.select(
        pl.col("therapistId").alias("t2"),
        pl.col("clientId").alias("c2"),
        pl.int_range(pl.len()).alias("_m"),
    )
    cc = c.select(pl.col("clientId").alias("c"), pl.int_range(pl.len()).alias("_c"))

    def allowed(pairs: pl.DataFrame, therapist: str, client: str) -> pl.DataFrame:
        new = pairs.with_columns(
            pl.col(therapist).alias("therapistId"), pl.col(client).alias("clientId")
        )
        new = new.join(existing, on=["therapistId", "clientId"], how="anti", maintain_order="left")
        return fits(new).drop("therapistId", "clientId")

    takes = allowed(tt.join(mm, how="cross"), "t", "c2")
    # Only the matched pairs a left-over therapist can take from may give: ``ok`` joins on
    # them (and ``fits`` keeps or drops each pair alone).
    mm = mm.join(takes.select("_m").unique(), on="_m", how="semi", maintain_order="left")
    gives = allowed(mm.join(cc, how="cross"), "t2", "c").select("_m", "c", "_c")
    ok = takes.join(gives, on="_m")
    ok = ok.sort("_t", "_m", "_c")
    for side in ("_t", "_m", "_c"):
        ok = ok.unique(side, keep="first", maintain_order=True)
    done = out.with_row_index("_m").join(ok.select("_m"), on="_m", how="anti").drop("_m")
    swapped = pl.concat(
        [
            ok.select(pl.col("t").alias("therapistId"), pl.col("c2").alias("clientId")),
            ok.select(pl.col("t2").alias("therapistId"), pl.col("c").alias("clientId")),
        ]
    )
    t = t.join(
        ok.select(pl.col("t").alias("therapistId")),
        on="therapistId",
        how="anti",
        maintain_order="left",
    )
    c = c.join(
        ok.select(pl.col("c").alias("clientId")), on="clientId", how="anti", maintain_order="left"
    )
    return pl.concat([done, swapped]), t, c


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    pairs = frames["ClientTherapist"]
    therapists = approved_therapists(frames).select("therapistId", "approvedMs")
    clients = _clients(ctx, frames)
    if therapists.is_empty() or clients.is_empty():
        return {}
    cover = therapists.select(
        "therapistId", pl.Series("_cover", treated_by(frames, therapists["therapistId"]))
    )
    sides = _Sides(ctx, _client_times(ctx, frames, clients), therapists, cover)
    active_rows = _active(sides, pairs)
    past_rows = _past(sides, frames, pairs, active_rows)
    return {"ClientTherapist": pl.concat([active_rows, past_rows])}


def _clients(ctx: Context, frames: Frames) -> pl.DataFrame:
    """The clients who may pick a therapist (verified, saw their recommendations), by id:
    clientId, createdMs, and where any, readyMs (when it can first pick, after its
    pre-assessment) and _need (the concerns of that assessment its therapist treats:
    ``relationships.fits``)."""
    clients = frames["Client"].filter(
        pl.col("hasSeenTherapistRecommendations")
        & pl.col("userId").is_in(verified(frames["User"]).implode())
    )
    clients = clients.select(
        pl.col("userId").alias("clientId"), pl.col("createdAt").dt.epoch("ms").alias("createdMs")
    ).sort("clientId")
    if clients.is_empty():
        return clients
    return clients.with_columns(
        pl.Series("readyMs", pair_starts(ctx, clients)),
        pl.Series("_need", intake_needs(ctx, clients)),
    )


def _client_times(ctx: Context, frames: Frames, clients: pl.DataFrame) -> pl.DataFrame:
    """``clients`` with whether each still comes (still), when it was last seen (seen), and
    the latest a new active pair of it begins (latestMs): by SETTLED_DAYS before the anchor
    where it can (by its last visit at the latest); for a quiet client, weeks enough before
    its last visit for the sessions the minimums ask of the pair (``quiet_active_ms``)."""
    users = frames["User"]
    by = ctx.anchor_ms - SETTLED_DAYS * MS_PER_DAY
    return clients.with_columns(
        pl.Series("seen", seen_of(ctx, users, clients["clientId"])),
        pl.Series("still", still_coming(ctx, users, clients["clientId"])),
    ).with_columns(
        pl.when("still")
        .then(pl.min_horizontal(pl.lit(by), "seen"))
        .otherwise(pl.col("seen") - quiet_active_ms(ctx.config))
        .alias("latestMs")
    )


# Whether a pair's therapist treats one of its client's concerns (_cover, _need), or its
# client has none of them (``relationships.fits``).
_TREATS = (pl.col("_need") == 0) | ((pl.col("_need") & pl.col("_cover")) != 0)


@dataclass(frozen=True)
class _Sides:
    """The two sides new pairs are made of: the clients who may pick (``_client_times``)
    and the APPROVED therapists (therapistId, approvedMs), with the concerns each treats
    (therapistId, _cover)."""

    ctx: Context
    clients: pl.DataFrame
    therapists: pl.DataFrame
    cover: pl.DataFrame

    def treats(self, new: pl.DataFrame) -> pl.DataFrame:
        """The pairs of ``new`` (clientId, therapistId) whose therapist treats one of its
        client's concerns, or whose client has none of them (``relationships.fits``)."""
        j = new.join(
            self.clients.select("clientId", "_need"),
            on="clientId",
            how="left",
            maintain_order="left",
        ).join(self.cover, on="therapistId", how="left", maintain_order="left")
        return j.filter(_TREATS).select(new.columns)

    def starts(self, new: pl.DataFrame, latest: pl.Expr | None = None) -> pl.DataFrame:
        """New pairs with ``lo``: once the therapist reviewed the client's request
        (``relationships.reviewed``), sent when the client could pick and the therapist was
        approved, and after the client's earlier pairs (``after``, ms, when given); the
        review ends by ``latest`` (the pair's latest beginning; by default the client's last
        visit, or ``latestMs`` for one who went quiet) where it can."""
        new = new.join(self.clients, on="clientId", how="left", maintain_order="left").join(
            self.therapists, on="therapistId", how="left", maintain_order="left"
        )
        after = pl.col("afterMs") if "afterMs" in new.columns else pl.lit(0)
        if latest is None:
            latest = pl.when("still").then("seen").otherwise("latestMs")
        base = new.select(pl.max_horizontal("readyMs", "approvedMs", after)).to_series()
        lo = reviewed(
            review_draws(self.ctx, new["clientId"], new["therapistId"]),
            base.to_numpy(),
            new.select(latest).to_series().to_numpy(),
        )
        return new.with_columns(pl.Series("lo", lo, dtype=pl.Int64))


def _active(sides: _Sides, pairs: pl.DataFrame) -> pl.DataFrame:
    """The new active pairs' rows: therapists without a current client get one (1), then
    fixture clients without an active therapist (2)."""
    ctx, therapists = sides.ctx, sides.therapists
    by = ctx.anchor_ms - SETTLED_DAYS * MS_PER_DAY
    existing = pairs.select("therapistId", "clientId")
    active = pairs.filter(pl.col("status") == "active")
    s = ctx.stream("ClientTherapist", "round-robin")
    needy = _needy(therapists, active, s, by)
    # A client without an active therapist whose pair ended picks its next one once that
    # pair had run its course (PAST_PAIR_DAYS: check's client_therapist.past_pair_ran).
    last = pairs.group_by("clientId").agg(
        pl.col("assignedAt").max().dt.epoch("ms").alias("afterMs")
    )
    last = last.with_columns(pl.col("afterMs") + PAST_PAIR_DAYS * MS_PER_DAY)
    free = _free(sides.clients, active, last, s, by)

    # What ``in_time`` reads, joined once per side: a batch of pairs then takes two joins.
    latest = pl.when("still").then("seen").otherwise("latestMs")
    client_side = sides.clients.join(last, on="clientId", how="left", maintain_order="left")
    client_side = client_side.select("clientId", "readyMs", "afterMs", "_need", latest.alias("_l"))
    therapist_side = therapists.join(
        sides.cover, on="therapistId", how="left", maintain_order="left"
    )

    def in_time(got: pl.DataFrame) -> pl.DataFrame:
        """Matched pairs that can begin by the client's latest (``starts``' lo) and whose
        therapist treats one of the client's concerns (``treats``)."""
        j = got.join(client_side, on="clientId", how="left", maintain_order="left").join(
            therapist_side, on="therapistId", how="left", maintain_order="left"
        )
        # A review takes REVIEW_MIN at least: a pair without that much time before its
        # latest is dropped before its review is drawn (keyed by the pair, so alone).
        base = pl.max_horizontal("readyMs", "approvedMs", "afterMs").alias("_b")
        j = j.with_columns(base).filter(_TREATS & (pl.col("_b") + REVIEW_MIN <= pl.col("_l")))
        lo = reviewed(
            review_draws(ctx, j["clientId"], j["therapistId"]),
            j["_b"].to_numpy(),
            j["_l"].to_numpy(),
        )
        return j.filter(pl.Series(lo <= j["_l"].to_numpy())).select(got.columns)

    matched = _match(needy, free, existing, in_time)
    # A therapist the rounds left over (the clients it met treated for what it does not
    # treat) takes a keyed free client it treats, one each.
    left = needy.join(matched, on="therapistId", how="anti")
    if not left.is_empty():
        extra = sample_pairs(
            ctx, "ClientTherapist", "therapist-fit",
            left.select("therapistId", pl.lit(1, dtype=pl.Int64).alias("need")), "therapistId",
            free.join(matched, on="clientId", how="anti")["clientId"], "clientId", existing,
            where=in_time,
        )  # fmt: skip
        extra = extra.unique("clientId", keep="first", maintain_order=True)
        matched = pl.concat([matched, extra.select(matched.columns)])

    # 2. Fixture clients still without an active therapist get one (keyed).
    fixture_ids = [f"dev_client_{i + 1}" for i in range(FIXTURES_PER_ROLE)]
    lone = free.filter(pl.col("clientId").is_in(fixture_ids)).join(
        matched, on="clientId", how="anti"
    )
    by_fixtures = sample_pairs(
        ctx,
        "ClientTherapist",
        "client-side",
        lone.select("clientId", pl.lit(1, dtype=pl.Int64).alias("need")),
        "clientId",
        therapists["therapistId"],
        "therapistId",
        existing.select("clientId", "therapistId"),
        where=sides.treats,
    )
    new_active = pl.concat(
        [matched.select("therapistId", "clientId"), by_fixtures.select(matched.columns)]
    )
    new_active = sides.starts(
        new_active.join(last, on="clientId", how="left", maintain_order="left")
    )
    new_active = new_active.sort("clientId", "therapistId")
    return _rows(ctx, new_active, "active", new_active["latestMs"].to_numpy())


def _needy(therapists: pl.DataFrame, active: pl.DataFrame, s: Stream, by: int) -> pl.DataFrame:
    """Therapists without an active client, or with only ones too recent for past sessions
    (where their approval leaves time for an earlier one), in the order they pick."""
    settled = active.filter(pl.col("assignedAt").dt.epoch("ms") <= by).select("therapistId")
    with_active = active.select("therapistId").unique()
    needy = pl.concat(
        [
            therapists.join(with_active, on="therapistId", how="anti").with_columns(
                pl.lit(False).alias("_has")
            ),
            therapists.join(with_active, on="therapistId", how="semi")
            .join(settled, on="therapistId", how="anti")
            .filter(pl.col("approvedMs") + REVIEW_MIN <= by)
            .with_columns(pl.lit(True).alias("_has")),
        ]
    )
    # Those without any active client come first (one with only a recent one has someone
    # to meet); then those that can still have a client from before SETTLED_DAYS take the
    # early clients.
    return needy.with_columns(
        (pl.col("approvedMs") + REVIEW_MIN <= by).alias("_early"),
        pl.Series("_s", s.bits(text_keys(needy["therapistId"]), 1)),
    ).sort(["_has", "_early", "_s", "therapistId"], descending=[False, True, False, False])


def _free(
    clients: pl.DataFrame, active: pl.DataFrame, last: pl.DataFrame, s: Stream, by: int
) -> pl.DataFrame:
    """The clients without an active therapist who can begin a pair in time, in the order
    they are met: those who still come first, the early ones first; then quiet ones with
    weeks of therapy before their last visit, for the early therapists still without one
    (a quiet one cannot be a recent therapist's); then the other clients who still come."""
    free = (
        clients.join(active.select("clientId"), on="clientId", how="anti")
        .join(last, on="clientId", how="left")
        .with_columns(
            (pl.max_horizontal("readyMs", pl.col("afterMs").fill_null(0)) + REVIEW_MIN).alias("_lo")
        )
        .with_columns(
            (pl.col("_lo") <= by).alias("_early"),
            pl.when("still")
            .then(pl.col("_lo") <= pl.col("seen"))
            .otherwise(pl.col("_lo") <= pl.col("latestMs"))
            .alias("_can"),
        )
        .filter("_can")
    )
    free = free.with_columns(
        pl.Series("_s", s.bits(text_keys(free["clientId"]), 2)),
        pl.when(pl.col("still") & pl.col("_early"))
        .then(0)
        .when(~pl.col("still"))
        .then(1)
        .otherwise(2)
        .alias("_group"),
    )
    return free.sort(["_group", "_s"])


def _past(
    sides: _Sides, frames: Frames, pairs: pl.DataFrame, active_rows: pl.DataFrame
) -> pl.DataFrame:
    """The past pairs' rows (3): pairs that ended before anything the client has began (its
    active pair, or the pair it stopped with), one after another in the time the client had
    before that, each a share of PAST_SHARE_DAYS at least: a pair that ended had its
    sessions. A client without any pair has them before the anchor and its last visit; one
    who went quiet, PAST_PAIR_DAYS before it (its last pair ended by then)."""
    ctx = sides.ctx
    after = pl.concat(
        [pairs.select("therapistId", "clientId"), active_rows.select("therapistId", "clientId")]
    )
    until = _until(ctx, sides.clients, pairs, active_rows, after)
    fits = _Fits(sides, until, *_budgets(frames, pairs, active_rows))
    past_t, after, until = _spread(sides, fits, until, after)
    past_t, after = _only_clients(sides, fits, until, past_t, after)
    past_c = _client_side(sides, fits, until, past_t, after)
    past = sides.starts(
        pl.concat([past_t, past_c.select(past_t.columns)]).join(
            until.drop("readyMs"), on="clientId", how="left", maintain_order="left"
        ),
        latest=pl.col("hi"),
    )
    past = _one_after_another(past)
    return _rows(ctx, past, "inactive", past["latest"].to_numpy())


def _until(
    ctx: Context,
    clients: pl.DataFrame,
    pairs: pl.DataFrame,
    active_rows: pl.DataFrame,
    after: pl.DataFrame,
) -> pl.DataFrame:
    """Per client, the time its past pairs fit in: from readyMs to hi (before anything it
    has began, the anchor or its last visit); held (the pairs it has, of ``after``) and
    room (``_room``: how many past pairs it may take)."""
    now_pairs = pl.concat(
        [pairs.select("clientId", "assignedAt"), active_rows.select("clientId", "assignedAt")]
    )
    until = clients.join(
        now_pairs.group_by("clientId").agg(pl.col("assignedAt").min().dt.epoch("ms").alias("hi")),
        on="clientId",
        how="left",
    ).select(
        "clientId",
        "readyMs",
        (
            pl.min_horizontal(
                pl.col("hi").fill_null(ctx.anchor_ms - MS_PER_DAY),
                pl.when("still")
                .then(pl.col("seen"))
                .otherwise(pl.col("seen") - PAST_PAIR_DAYS * MS_PER_DAY),
            )
            - REVIEW_MIN  # the next pair's request was reviewed after this one began
        ).alias("hi"),
    )
    return (
        until.join(count_by(after, "clientId"), on="clientId", how="left")
        .with_columns(pl.col("len").fill_null(0).alias("held"))
        .with_columns(_room(_SHARE_MS))
        .drop("len")
    )


def _room(share: int) -> pl.Expr:
    """How many past pairs a client may take: as many shares of ``share`` ms as fit before
    ``hi`` (each runs three quarters of its share at least, ``_one_after_another``), and no
    more than make MAX_THERAPISTS_PER_CLIENT therapists in all with the pairs it has
    (``held``)."""
    return (
        pl.min_horizontal(
            (pl.col("hi") - pl.col("readyMs")) // share,
            MAX_THERAPISTS_PER_CLIENT - pl.col("held"),
        )
        .clip(0)
        .alias("room")
    )


def _budgets(
    frames: Frames, pairs: pl.DataFrame, active_rows: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The budget bracket (``therapy_text.BUDGET_RANGES``) of each therapist's hourlyRate
    (therapistId, _tb), and of each paired client's active therapist's, else its last
    one's (clientId, _cb).

    The client's preferences state the latter (enrichers/preferences.py). Its past
    therapists charge within that budget (no higher bracket), from the same bracket where
    the first round finds them (a client picks within its budget). A client with no pair
    yet has its past ones only: its preferences state the bracket of the dearest of them.
    """
    rates = frames["Therapist"].select(
        pl.col("userId").alias("therapistId"), _budget(pl.col("hourlyRate")).alias("_tb")
    )
    budget = (
        pl.concat([pairs.select(active_rows.columns), active_rows])
        .sort("clientId", pl.col("status") == "active", "assignedAt", "therapistId")
        .group_by("clientId", maintain_order=True)
        .agg(pl.col("therapistId").last())
        .join(rates, on="therapistId", how="left")
        .select("clientId", pl.col("_tb").alias("_cb"))
    )
    return rates, budget


def _late_pick() -> pl.Expr:
    """Whether a candidate pair's therapist was approved after its client could pick: such
    a pair begins late in the client's time (past pairs are placed in the order they may
    begin, ``_one_after_another``), so a client has one at most, its last past pair, and
    the shares before it stay whole (three weeks at least)."""
    return pl.col("approvedMs") > pl.col("readyMs")


class _Fits:
    """Which candidate past pairs may be formed (``keep``): over the clients' time
    (``_until``) and budgets (``_budgets``), and the concerns the therapists treat."""

    def __init__(
        self, sides: _Sides, until: pl.DataFrame, rates: pl.DataFrame, budget: pl.DataFrame
    ) -> None:
        # What ``keep`` reads, joined once per side (one row per therapist, per client):
        # each candidate batch then takes two joins and one filter.
        self.therapists = sides.therapists.join(
            rates, on="therapistId", how="left", maintain_order="left"
        ).join(sides.cover, on="therapistId", how="left", maintain_order="left")
        self.clients = (
            until.select("clientId", "readyMs", "hi")
            .join(budget, on="clientId", how="left", maintain_order="left")
            .join(
                sides.clients.select("clientId", "_need"),
                on="clientId",
                how="left",
                maintain_order="left",
            )
        )

    def keep(
        self, span: int, in_budget: bool = False, late: pl.DataFrame | None = None
    ) -> Callable[[pl.DataFrame], pl.DataFrame]:
        """A filter of candidate pairs (therapistId, clientId) for ``sample_pairs``: those
        whose therapist was approved ``span`` ms before the pair had to end, treats the
        client's concerns (``_Sides.treats``) and charges within its client's budget (no
        higher bracket, where the client has one); with ``in_budget``, in that very
        bracket. A client of ``late`` (clientId) takes only therapists approved before it
        could pick (``_late_pick``)."""
        ok = (pl.col("approvedMs") + span <= pl.col("hi")) & (
            pl.col("_cb").is_null()
            | (pl.col("_tb") <= pl.col("_cb"))
            & ((pl.col("_cb") == pl.col("_tb")) | (not in_budget))
        )
        ok = ok & _TREATS
        if late is not None:
            ok = ok & (~_late_pick() | ~pl.col("clientId").is_in(late["clientId"].implode()))

        def keep(c: pl.DataFrame) -> pl.DataFrame:
            return (
                c.join(self.therapists, on="therapistId", how="left", maintain_order="left")
                .join(self.clients, on="clientId", how="left", maintain_order="left")
                .filter(ok)
                .select(c.columns)
            )

        return keep


def _spread(
    sides: _Sides, fits: _Fits, until: pl.DataFrame, after: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Past clients for therapists short of their minimum, in rounds: the first spread them
    over the clients with the most time, the last _FILL_ROUNDS take any client with room
    left, in shares of the least that keeps a pair PAST_PAIR_DAYS long (raised minimums).
    Returns the past pairs (therapistId, clientId), ``after`` with them, and ``until`` (its
    room as the last round left it)."""
    ctx, therapists = sides.ctx, sides.therapists
    tight_ms = -(-PAST_PAIR_DAYS * MS_PER_DAY * 4 // 3)
    # What a round reads is kept as arrays, one row per therapist (by id) and per client (by
    # id), and updated with each round's pairs: a round then costs its draws (sample_pairs)
    # and a few gathers, not a dozen joins and group-bys over the pairs so far.
    t_ids = therapists["therapistId"]
    approved = therapists["approvedMs"].to_numpy()
    # A therapist's caseload builds up: one more client per PAST_SHARE_DAYS since its
    # approval, up to the minimum (check holds it to the minimum once it had that long).
    minimum = np.minimum(
        ctx.config.minimum("therapist", "client_relationships"),
        1 + (ctx.anchor_ms - approved) // _SHARE_MS,
    )
    has = (
        therapists.join(
            count_by(after, "therapistId"), on="therapistId", how="left", maintain_order="left"
        )["len"]
        .fill_null(0)
        .to_numpy()
    )
    until = until.sort("clientId")
    c_ids = until["clientId"]
    ready, hi, held = (until[c].to_numpy() for c in ("readyMs", "hi", "held"))
    room = until["room"].to_numpy()
    taken = np.zeros(until.height, dtype=np.int64)  # past pairs taken in these rounds
    late = np.zeros(until.height, dtype=bool)  # took a therapist approved after it could pick
    got_all = [pl.DataFrame(schema={"therapistId": pl.String, "clientId": pl.String})]
    order = ctx.stream("ClientTherapist", "past-spread-order")
    for r in range(_SPREAD_ROUNDS):
        fill = r >= _SPREAD_ROUNDS - _FILL_ROUNDS
        if r == _SPREAD_ROUNDS - _FILL_ROUNDS:
            until = until.with_columns(_room(tight_ms))
            room = until["room"].to_numpy()
        need = minimum - has
        short = need > 0
        if not short.any():
            break
        need_t = pl.DataFrame({"therapistId": t_ids.filter(short), "need": need[short]})
        free = np.flatnonzero(room > taken)
        if len(free) == 0:
            continue
        if not fill:
            # Spread: the clients whose next pair would have the most of their time, a
            # pair's time weighed down by the square of the therapists the client would
            # then have had: a client with time to spare takes a second therapist before
            # one takes a third (most have one; those who came long ago had a few). As
            # many clients as therapists' places are wanted, one new pair each a round
            # (ties by id: the rows are in id order).
            weight = (held[free] + taken[free] + 1) ** 2
            most = (hi[free] - ready[free]) // weight
            free = free[np.argsort(-most, kind="stable")][: int(need[short].sum())]
        got = sample_pairs(
            ctx, "ClientTherapist", f"past-spread-{r}", need_t, "therapistId",
            c_ids.gather(free), "clientId", after,
            where=fits.keep(_SHARE_MS, r == 0, pl.DataFrame({"clientId": c_ids.filter(late)})),
        )  # fmt: skip
        # One new pair per client a round: its pick in a keyed order. In the fill rounds the
        # therapist approved last picks first: the clients with time after its approval
        # are the fewest (often one), and the others have the earlier ones besides
        # (medium seed 2's dev_therapist_2 lost its only candidate to one that had others).
        ci = c_ids.search_sorted(got["clientId"]).to_numpy()
        ti = t_ids.search_sorted(got["therapistId"]).to_numpy()
        keys = child_keys(text_keys(got["clientId"]), text_keys(got["therapistId"]))
        first = -approved[ti] if fill else np.zeros(len(ti), dtype=np.int64)
        pick = np.lexsort((order.bits(keys), first, ci))
        pick = pick[np.r_[True, ci[pick][1:] != ci[pick][:-1]]] if len(pick) else pick
        ci, ti = ci[pick], ti[pick]
        got = got.select("therapistId", "clientId")[pick]
        np.add.at(has, ti, 1)
        taken[ci] += 1  # one pair per client
        late[ci] |= approved[ti] > ready[ci]
        got_all.append(got)
        after = pl.concat([after, got.select(after.columns)])
    return pl.concat(got_all), after, until


def _only_clients(
    sides: _Sides, fits: _Fits, until: pl.DataFrame, past_t: pl.DataFrame, after: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A therapist still without any client (a small build's, whose clients have no time
    left) takes a past client with a day of room: one without a therapist where it can (the
    client's only pair), else one before the client's others (a short pair, which may have
    ended before a session: check's past_pair_ran lets a therapist's only pair be so). The
    minimum comes first. Returns ``past_t`` and ``after`` with those pairs."""
    for i, pool in enumerate(
        (
            until.filter(pl.col("held") == 0).join(past_t, on="clientId", how="anti"),
            until.filter(pl.col("held") < MAX_THERAPISTS_PER_CLIENT),
        )
    ):
        need_t = deficit(sides.therapists, "therapistId", count_by(after, "therapistId"), 1)
        pool = pool.filter(pl.col("readyMs") + MS_PER_DAY <= pl.col("hi"))
        short = sample_pairs(
            sides.ctx, "ClientTherapist", f"past-only-client-{i}", need_t, "therapistId",
            pool["clientId"], "clientId", after, where=fits.keep(MS_PER_DAY),
        ).unique("clientId", keep="first", maintain_order=True)  # fmt: skip
        past_t = pl.concat([past_t, short.select(past_t.columns)])
        after = pl.concat([after, short.select(after.columns)])
    return past_t, after


def _client_side(
    sides: _Sides, fits: _Fits, until: pl.DataFrame, past_t: pl.DataFrame, after: pl.DataFrame
) -> pl.DataFrame:
    """Past pairs (clientId, therapistId) of clients short of their minimum (none by
    default), within their room left, with therapists approved before they could pick
    (they may take several at once)."""
    left = until.join(count_by(past_t, "clientId"), on="clientId", how="left").select(
        "clientId", (pl.col("room") - pl.col("len").fill_null(0)).alias("left")
    )
    need_c = (
        deficit(
            sides.clients.select("clientId"),
            "clientId",
            count_by(after, "clientId"),
            sides.ctx.config.minimum("client", "therapist_relationships"),
        )
        .join(left, on="clientId")
        .select("clientId", pl.min_horizontal("need", "left").alias("need"))
        .filter(pl.col("need") > 0)
    )
    return sample_pairs(
        sides.ctx, "ClientTherapist", "past-client-side", need_c, "clientId",
        sides.therapists["therapistId"], "therapistId", after.select("clientId", "therapistId"),
        where=fits.keep(_SHARE_MS, late=sides.clients.select("clientId")),
    )  # fmt: skip


def _one_after_another(past: pl.DataFrame) -> pl.DataFrame:
    """``past`` (with lo and hi) placed: a client's past pairs in the order they may begin,
    each in its share of the client's time before ``hi``, assigned in the first quarter of
    it (lo to latest): each runs at least three quarters of a share, until the next begins."""
    share = (pl.col("hi") - pl.col("readyMs")) // pl.len().over("clientId")
    rank = pl.int_range(pl.len()).over("clientId")
    seg = pl.col("readyMs") + rank * share
    # Each begins REVIEW_MIN at least after the latest the one before may begin (its request
    # was reviewed after that one began): the i-th latest is the greatest, over the j-th
    # before it, of the j-th's own (max of lo and its quarter) plus (i - j) reviews.
    own = pl.max_horizontal("lo", seg + share // 4) - rank * REVIEW_MIN
    return (
        past.sort("clientId", "lo", "therapistId")
        .with_columns(pl.max_horizontal("lo", seg).alias("lo"), own.alias("_own"))
        .with_columns(
            (pl.col("_own").cum_max().over("clientId") + rank * REVIEW_MIN).alias("latest")
        )
        .with_columns(
            pl.max_horizontal("lo", pl.col("latest").shift(1).over("clientId") + REVIEW_MIN).alias(
                "lo"
            )
        )
        .drop("_own")
        .sort("clientId", "therapistId")
    )
