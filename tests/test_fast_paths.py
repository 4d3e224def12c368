"""The fast special-case code paths against the general code they replaced.

Recent commits swapped general helpers for faster special cases that claim the same results:
``take_best`` and the hearts enricher's ``_take`` on ``best_rows`` (a polars sort of the
candidates), ``pick_rows_from_groups`` on integer codes (a string sort, group_by and join
before; the comments enricher's user side calls its ``pick_rows_by_codes``),
``arrays.text_order``, with which ``snapshot.sort_rows`` sorts id keys
(``frame.sort("id")``), the snapshot writer's hash from Arrow buffers
(``content_hash``), the scheduler's numpy ``_greedy`` (a sequential greedy with widening
windows), the messages enricher's partner helpers on user rows (``take_ranked``,
``cyclic_neighbours``, ``co_members``: they replaced the id-frame helpers user_blocks used and
the copies in ``_directs``) and the helpers these paths share (``packed_order``,
``rank_in_run``, ``is_author``, ``sort_positions``, ``dense_codes``), with ``arrays.rows_in``,
the one look-up of values among ids that replaced three copies (``user_rows``, the
notifications enricher's ``_user_rows`` and the scheduler's code join), and the comments'
repeats found by a key of (post, user) (``content._repeat_flags``). Each test drives the
rare branches (ties, duplicates, NULL slots holding bytes, several chunks, key conflicts) on
small inputs and compares with the general code, copied here as it was before the change
where it is gone from the source.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
import pytest
from polars.testing import assert_frame_equal

from seedsnap import snapshot
from seedsnap.arrays import (
    dense_codes,
    in_sorted,
    rows_in,
    sort_by_text,
    sort_positions,
    text_order,
)
from seedsnap.build import generate
from seedsnap.config import Config, resolve
from seedsnap.context import Context, Frames
from seedsnap.enrichers import comments, common, hearts
from seedsnap.enrichers.common import (
    co_members,
    cyclic_neighbours,
    packed_order,
    take_best,
    take_ranked,
)
from seedsnap.generators import content, content_text
from seedsnap.generators.common import (
    is_author,
    ms_of,
    pick_rows_by_codes,
    pick_rows_from_groups,
    rank_in_run,
    text_keys,
)
from seedsnap.generators.content import community_posts, content_kind, posting_members
from seedsnap.generators.therapy import RETAKE_ROOM_DAYS, _greedy
from seedsnap.generators.users import with_seen
from seedsnap.random import U64, Stream, child_keys, expand
from seedsnap.schema import MENTARA


@pytest.fixture(scope="module")
def light() -> tuple[Config, Frames]:
    cfg = resolve(mode="light", env={}, config_file=None)
    return cfg, generate(cfg)


# --- T1: take_best (on best_rows) and hearts._take against the old take_best ---------------


def _pairs_of(frame: pl.DataFrame) -> hearts._Pairs:
    """The rows of ``frame`` as hearts' pairs (of ``frame`` and no columns)."""
    rows = np.arange(frame.height, dtype=np.int64)
    return hearts._Pairs(frame, pl.DataFrame(), rows, rows)


def _old_take_best(
    ctx: Context,
    table: str,
    purpose: str,
    candidates: pl.DataFrame,
    side: str,
    need: pl.DataFrame,
    order: list[str] | None = None,
) -> pl.DataFrame:
    """enrichers.common.take_best as it was at cd3fe25: a polars sort of the candidates."""
    s = ctx.stream(table, purpose)
    return (
        candidates.with_columns(pl.Series("_s", s.bits(candidates["_k"].to_numpy())))
        .join(need, on=side, how="inner")
        .sort([side, *(order or []), "_s", "_k"])  # _k: a pair's own key, if scores tie
        .filter(pl.int_range(pl.len()).over(side) < pl.col("need"))
        .drop("_s", "need")
    )


class _IdentityStream:
    """A stream whose ``bits`` is the identity: a bijection, equal high bits on small keys."""

    def bits(self, keys: npt.ArrayLike, index: npt.ArrayLike = 0) -> U64:
        return np.array(keys, dtype=np.uint64)


class _CoarseStream:
    """A stream whose ``bits`` drops a key's low 2 bits: distinct keys share a score."""

    def bits(self, keys: npt.ArrayLike, index: npt.ArrayLike = 0) -> U64:
        return np.array(keys, dtype=np.uint64) >> np.uint64(2) << np.uint64(2)


def _order_column(r: random.Random, kind: str, n: int) -> pl.Series:
    """``n`` values of one ``order`` column: few distinct ones (ties), some NULL."""
    if kind == "int":
        return pl.Series([r.choice([None, -3, 0, 1, 2, 2**40]) for _ in range(n)], dtype=pl.Int64)
    if kind == "text":
        return pl.Series([r.choice([None, "", "a", "ab", "b", "é"]) for _ in range(n)])
    if kind == "float":  # NaN sorts above every number; -0.0 ties with 0.0
        pool = [None, float("nan"), -0.0, 0.0, -1.5, 2.25, float("inf")]
        return pl.Series([r.choice(pool) for _ in range(n)], dtype=pl.Float64)
    return pl.Series([r.choice([None, True, False]) for _ in range(n)], dtype=pl.Boolean)


def _take_best_case(
    r: random.Random, n_orders: int, small_keys: bool
) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
    """Random (candidates, need, order) for take_best.

    Side ids are random text (some NULL, some without a need row, some needed with no
    candidate); need holds a NULL side, NULL and non-positive needs; ``order`` columns of
    every kind; some rows repeat whole (ties on every sort column: the old sort left their
    order open), other rows have distinct keys, small (a few bits) or not.
    """
    n = r.randint(1, 60)  # keys distinct but for the repeated rows
    ids = [f"s{r.getrandbits(24):06x}" for _ in range(r.randint(1, 8))]
    side = pl.Series([r.choice([*ids, None]) for _ in range(n)], dtype=pl.String)
    keys = r.sample(range(256), n) if small_keys else [r.getrandbits(64) for _ in range(n)]
    kinds = [r.choice(["int", "text", "float", "bool"]) for _ in range(n_orders)]
    order = [f"o{j}" for j in range(n_orders)]
    candidates = pl.DataFrame(
        {"x": pl.Series(range(n), dtype=pl.Int64), "side": side}
        | {o: _order_column(r, kind, n) for o, kind in zip(order, kinds, strict=True)}
        | {"_k": pl.Series(keys, dtype=pl.UInt64)}
    )
    candidates = pl.concat(
        [
            candidates,
            candidates.sample(
                r.choice([0, 0, 0, 1, 3]), seed=r.randrange(99), with_replacement=True
            ),
        ]
    )
    candidates = candidates.sample(fraction=1.0, shuffle=True, seed=r.randrange(99))
    in_need = r.sample([*ids, "s-none"], r.randint(0, len(ids) + 1))
    need = pl.DataFrame(
        {
            "side": pl.Series([*in_need, None], dtype=pl.String),
            "need": pl.Series(
                [r.choice([None, -1, 0, 1, 2, 3, 5, 40]) for _ in range(len(in_need) + 1)],
                dtype=pl.Int64,
            ),
        }
    ).sample(fraction=1.0, shuffle=True, seed=r.randrange(99))
    return candidates, need, order


def _spy_packed_order(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts best_rows's orderings: by the packed sort, by its tie fallback, by lexsort alone."""
    calls: Counter[str] = Counter()
    real = common.packed_order

    def spy(codes: Any, low: U64, exact: Any) -> npt.NDArray[np.int64]:
        calls["packed"] += 1

        def counted() -> Any:
            calls["fallback"] += 1
            return exact()

        return real(codes, low, counted)

    monkeypatch.setattr(common, "packed_order", spy)
    return calls


@pytest.mark.parametrize("stream", ["keyed", "identity", "coarse"])
def test_take_best_matches_old_take_best(stream: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Random cases, 0-3 order columns: the chosen rows and their order, as the old sort's.

    "identity" and "coarse" streams tie scores in their top bits (the packed fallback) or
    outright (the key decides); "keyed" is the real stream.
    """
    ctx = Context(resolve(mode="light", env={}, config_file=None))
    fake = {"identity": _IdentityStream(), "coarse": _CoarseStream()}.get(stream)
    if fake is not None:
        monkeypatch.setattr(Context, "stream", lambda self, table, purpose: fake)
    calls = _spy_packed_order(monkeypatch)
    r = random.Random(f"take_best-{stream}")
    chosen = repeats = 0
    for case in range(300):
        cand, need, order = _take_best_case(r, case % 4, small_keys=fake is not None)
        want = _old_take_best(ctx, "T", "p", cand, "side", need, order or None)
        got = take_best(ctx, "T", "p", cand, "side", need, order or None)
        assert_frame_equal(got, want)
        chosen += got.height
        needed = cand.join(need.drop_nulls("side"), on="side", how="semi")
        repeats += needed.is_duplicated().any()
    assert chosen > 1000
    assert calls["packed"] > 200  # the cases with a candidate of a needy entity
    # Real draws tie (in their top bits) only for a repeated row; small keys in most cases.
    assert calls["fallback"] == repeats if fake is None else calls["fallback"] > repeats + 50
    assert repeats > 40


def test_take_best_codes_wider_than_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Order codes that leave the score under 8 bits: the lexsort alone, the same choice."""
    ctx = Context(resolve(mode="light", env={}, config_file=None))
    calls = _spy_packed_order(monkeypatch)
    r = random.Random(11)
    n = 300
    # 10 columns of 9 codes (8 values and NULL: 4 bits each), 2 of a few hundred (9 bits
    # each) and the side (2 bits): 60 bits.
    order = [f"w{j}" for j in range(12)]
    for _ in range(5):
        cand = pl.DataFrame(
            {"x": range(n), "side": [r.choice("abc") for _ in range(n)]}
            | {o: [r.choice([None, *range(8)]) for _ in range(n)] for o in order[:10]}
            | {o: [r.randrange(1000) for _ in range(n)] for o in order[10:]}
            | {"_k": pl.Series([r.getrandbits(64) for _ in range(n)], dtype=pl.UInt64)}
        )
        need = pl.DataFrame({"side": ["c", "a", "b"], "need": [50, 70, 10]})
        want = _old_take_best(ctx, "T", "p", cand, "side", need, order)
        assert want.height == 130
        assert_frame_equal(take_best(ctx, "T", "p", cand, "side", need, order), want)
    assert calls["packed"] == 0
    # Without the last 2 columns (42 bits), one packed sort.
    assert_frame_equal(
        take_best(ctx, "T", "p", cand, "side", need, order[:10]),
        _old_take_best(ctx, "T", "p", cand, "side", need, order[:10]),
    )
    assert calls["packed"] == 1


def test_take_best_on_empty_inputs() -> None:
    """No candidates, no need, or no candidate of a needy entity: no rows, the same schema."""
    ctx = Context(resolve(mode="light", env={}, config_file=None))
    cand = pl.DataFrame(
        {
            "x": [1, 2],
            "side": ["a", "b"],
            "o": [2.0, None],
            "_k": pl.Series([5, 9], dtype=pl.UInt64),
        }
    )
    need = pl.DataFrame({"side": ["b", "a"], "need": [1, 3]})
    cases = [
        (cand.clear(), need),
        (cand, need.clear()),
        (cand, pl.DataFrame({"side": ["c"], "need": [2]})),
        (cand, need.with_columns(pl.lit(0).alias("need"))),
    ]
    for c, n in cases:
        for order in (None, ["o"]):
            got = take_best(ctx, "T", "p", c, "side", n, order)
            assert got.is_empty()
            assert_frame_equal(got, _old_take_best(ctx, "T", "p", c, "side", n, order))
    assert take_best(ctx, "T", "p", cand, "side", need, ["o"])["x"].to_list() == [1, 2]


def test_take_best_keeps_the_order_of_full_ties(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows equal on (side, order, key) come in their given order (the old sort left it open)."""
    ctx = Context(resolve(mode="light", env={}, config_file=None))
    cand = pl.DataFrame(
        {
            "x": [4, 0, 3, 1, 2],
            "side": ["a", "a", "a", "b", "a"],
            "_k": pl.Series([7, 9, 7, 7, 7], dtype=pl.UInt64),
        }
    )
    need = pl.DataFrame({"side": ["a", "b"], "need": [3, 1]})
    monkeypatch.setattr(Context, "stream", lambda self, table, purpose: _IdentityStream())
    assert take_best(ctx, "T", "p", cand, "side", need)["x"].to_list() == [4, 3, 2, 1]


def _old_candidates(
    pairs: pl.DataFrame, item: str, made: str, key: str, factor: int, hearted: pl.DataFrame
) -> pl.DataFrame:
    """hearts._candidates as it was before 403ceb0 (the input of take_best)."""
    return (
        pairs.filter(pl.col("author") != pl.col("userId"))
        .join(hearted, on=[item, "userId"], how="anti")
        .with_columns(
            (pl.max_horizontal(made, "joinedAt").dt.epoch("ms") + 1000).alias("lo"),
            (pl.col("_uk") ^ (pl.col(key) * pl.lit(factor, dtype=pl.UInt64))).alias("_k"),
        )
        .select("userId", item, "lo", "_k")
        .unique(["userId", item], keep="first")
    )


class _HeartsCase(NamedTuple):
    """One (member x post) input in both encodings: codes for _take, ids for take_best."""

    users: list[str]
    posts: list[str]
    pairs: pl.DataFrame  # _take's: _r, _u, _i, _a, _uk, _ik, pAt, joinedAt
    need: pl.DataFrame  # side id, need (sorted by id: a row is an _r)
    old_pairs: pl.DataFrame  # the same rows with ids: userId, postId, author, _uk, _pk, ...
    hearted: pl.DataFrame  # existing hearts: postId, userId, _code (_i * users + _u)


def _hearts_case(r: random.Random, side: str, small_keys: bool, repeated: bool) -> _HeartsCase:
    """A random case for the user side (``side`` "userId") or the post side ("postId").

    Ids are random text, so their order is not the order of their codes; if ``repeated``,
    some pairs come twice (a repeated membership, another joinedAt); some are hearted
    already, some posts are the user's own.
    """
    n_users, n_posts = 9, 8
    users = [f"u{r.getrandbits(40):010x}" for _ in range(n_users)]
    posts = [f"p{r.getrandbits(40):010x}" for _ in range(n_posts)]
    t0 = datetime(2025, 1, 1)
    # An author is a user, someone outside User (code n_users) or NULL (hearts nobody).
    author = [r.choice([*range(n_users), n_users, n_users, None]) for _ in range(n_posts)]
    made = [t0 + timedelta(hours=r.randrange(2000)) for _ in range(n_posts)]
    if small_keys:  # with factor 1, _k = _uk ^ _ik: the side entity's code above the other's
        uk = np.arange(n_users, dtype=np.uint64) << np.uint64(4 if side == "userId" else 0)
        ik = np.arange(n_posts, dtype=np.uint64) << np.uint64(0 if side == "userId" else 4)
    else:  # as enrich keys them
        uk, ik = text_keys(pl.Series(users)), text_keys(pl.Series(posts))
    ids, others = (users, range(n_posts)) if side == "userId" else (posts, range(n_users))
    in_need = sorted(r.sample(range(len(ids)), r.randint(3, 6)), key=lambda e: ids[e])
    need = pl.DataFrame(
        {side: [ids[e] for e in in_need], "need": [r.randint(1, 5) for _ in in_need]}
    )
    # (_r, user, post, joinedAt): every member joined within content.FRESH_WITHIN (3 days)
    # of t0, so by then after every post (take_best had no preference for such members).
    rows: list[tuple[int, int, int, datetime]] = []
    for row, e in enumerate(in_need):
        for o in r.sample(list(others), r.randint(4, len(others))):
            u, i = (e, o) if side == "userId" else (o, e)
            rows.append((row, u, i, t0 + timedelta(hours=r.randrange(72))))
    if repeated:  # the same pair twice, joined at another time
        rows += [
            (*rows[k][:3], t0 + timedelta(hours=r.randrange(72)))
            for k in r.sample(range(len(rows)), 3)
        ]
    r.shuffle(rows)
    hearted = r.sample([(u, i) for u in range(n_users) for i in range(n_posts)], 10)
    u_col = np.array([row[1] for row in rows], dtype=np.int64)
    i_col = np.array([row[2] for row in rows], dtype=np.int64)
    pairs = pl.DataFrame(
        {
            "_r": pl.Series([row[0] for row in rows], dtype=pl.UInt32),
            "_u": pl.Series(u_col, dtype=pl.UInt32),
            "_i": pl.Series(i_col, dtype=pl.UInt32),
            "_a": pl.Series([author[i] for i in i_col], dtype=pl.UInt32),
            "_uk": pl.Series(uk[u_col], dtype=pl.UInt64),
            "_ik": pl.Series(ik[i_col], dtype=pl.UInt64),
            "pAt": pl.Series([made[i] for i in i_col], dtype=pl.Datetime("ms")),
            "joinedAt": pl.Series([row[3] for row in rows], dtype=pl.Datetime("ms")),
            # Every user still seen after every post: take_best had no such preference.
            "seen": pl.Series([2**62] * len(rows), dtype=pl.Int64),
        }
    )
    name = [*users, "outsider"]
    author_ids = pl.Series([None if a is None else name[a] for a in author], dtype=pl.String)
    old_pairs = pl.DataFrame(
        {
            "userId": [users[u] for u in u_col],
            "postId": [posts[i] for i in i_col],
            "author": author_ids.gather(i_col),
        }
    ).with_columns(pairs.select("_uk", pl.col("_ik").alias("_pk"), "pAt", "joinedAt"))
    hearted_frame = pl.DataFrame(
        {
            "postId": [posts[i] for _, i in hearted],
            "userId": [users[u] for u, _ in hearted],
            "_code": pl.Series([i * n_users + u for u, i in hearted], dtype=pl.Int64),
        }
    )
    return _HeartsCase(users, posts, pairs, need, old_pairs, hearted_frame)


def _compare_take(
    ctx: Context, r: random.Random, side: str, small_keys: bool, repeated: bool = True
) -> int:
    """Asserts _take chooses what the old take_best chooses on one random case; returns how
    many candidates tie with another on the packed sort key (side row, score prefix)."""
    case = _hearts_case(r, side, small_keys, repeated)
    assert case.pairs.select("_r", "_u", "_i").is_duplicated().any() == repeated
    purpose = "user-side" if side == "userId" else "post-side"
    hearted = case.hearted.select("postId", "userId")
    factor = 1 if small_keys else 11  # enrich's factor for posts is 11
    cand = _old_candidates(case.old_pairs, "postId", "pAt", "_pk", factor, hearted)
    want = _old_take_best(ctx, "PostHeart", purpose, cand, side, case.need)
    got = hearts._take(
        ctx, "PostHeart", purpose, _pairs_of(case.pairs), case.need["need"], "pAt", factor,
        case.hearted["_code"], len(case.users), repeated,
    )  # fmt: skip
    assert want.height > 0
    chosen = [
        (case.users[u], case.posts[i], lo) for u, i, lo in got.select("_u", "_i", "lo").iter_rows()
    ]
    assert chosen == want.select("userId", "postId", "lo").rows()
    assert got["_r"].to_list() == [case.need[side].to_list().index(x) for x in want[side].to_list()]
    # Ties of the packed key among distinct pairs (the score is a bijection of _k).
    shift = max(case.need.height - 1, 1).bit_length()
    score = ctx.stream("PostHeart", purpose).bits(cand["_k"].to_numpy())
    prefix = cand.select(side).with_columns(pl.Series("_p", score >> np.uint64(shift)))
    return int(prefix.is_duplicated().sum())


def test_hearts_take_matches_take_best(light: tuple[Config, Frames]) -> None:
    ctx = Context(light[0])
    r = random.Random(20260101)
    for side in ("userId", "postId"):
        for repeated in (True, False) * 4:
            assert _compare_take(ctx, r, side, small_keys=False, repeated=repeated) == 0


def test_hearts_take_tie_fallback(
    light: tuple[Config, Frames], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scores that tie in their top bits within a side take the exact lexsort fallback."""
    ctx = Context(light[0])
    monkeypatch.setattr(Context, "stream", lambda self, table, purpose: _IdentityStream())
    calls = _spy_packed_order(monkeypatch)
    r = random.Random(7)
    ties = [_compare_take(ctx, r, side, small_keys=True) for side in ("userId", "postId") * 6]
    assert all(t > 0 for t in ties)  # the packed key tied in every case: the fallback ran
    assert calls["fallback"] == calls["packed"] == 12


def test_hearts_count_a_repeated_membership_once(light: tuple[Config, Frames]) -> None:
    """Every membership twice (later joinedAt): no pair hearted twice; enrich sees the repeats."""
    frames = dict(light[1])
    for table in ("PostHeart", "CommentHeart"):  # as before any heart: every client needs some
        frames[table] = frames[table].clear()
    m = frames["Membership"]
    frames["Membership"] = pl.concat([m, m.with_columns(pl.col("joinedAt") + timedelta(days=1))])
    seen: list[bool] = []
    take = hearts._take

    def spy(*args: Any, **kwargs: Any) -> pl.DataFrame:
        seen.append(args[-1])  # repeated, the last positional argument
        return take(*args, **kwargs)

    ctx = Context(light[0])
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(hearts, "_take", spy)
        made = hearts.enrich(ctx, frames)
    assert seen and all(seen)
    for table, item in (("PostHeart", "postId"), ("CommentHeart", "commentId")):
        rows = pl.concat([frames[table].select(item, "userId"), made[table].select(item, "userId")])
        assert not rows.is_duplicated().any()
    assert made["PostHeart"].height > 0


# --- T2: arrays.text_order (snapshot.sort_rows's key sort, sort_by_text) against frame.sort ---


def _ids(r: random.Random, width: int, prefixes: Sequence[str], n: int) -> list[str]:
    """``n`` distinct ids of ``width`` characters, each starting with one of ``prefixes``."""
    out: set[str] = set()
    while len(out) < n:
        p = r.choice(prefixes)
        out.add((p + "".join(r.choice("-012") for _ in range(width)))[:width])
    ids = sorted(out)
    r.shuffle(ids)
    return ids


@pytest.mark.parametrize("width", [8, 12, 16, 25, 36])
def test_text_order_fixed_width(width: int) -> None:
    r = random.Random(width)
    # Ids sharing their first 8 and first 16 bytes: runs that tie on the first word (and
    # the second), resolved by the lexsort of the tied rows.
    prefixes = ["", "abcdefgh", "abcdefgh", "abcdefghijklmnop", "clzz0000clzz0000"]
    ids = _ids(r, width, prefixes, 120)
    frame = pl.DataFrame({"id": ids, "n": range(len(ids))})
    ties = pl.Series([i[:8] for i in ids]).is_duplicated().sum()
    assert ties > 10 or width <= 8
    assert_frame_equal(sort_by_text(frame, "id"), frame.sort("id"))


def test_text_order_other_shapes() -> None:
    r = random.Random(3)
    variable = [*_ids(r, 36, ["", "abcdefgh"], 30), *_ids(r, 25, ["abcdefgh"], 30), "", "a"]
    r.shuffle(variable)
    with_null = [*_ids(r, 36, ["", "abcdefgh"], 30), None]
    r.shuffle(with_null)
    for ids in (variable, with_null, [], ["", ""]):
        frame = pl.DataFrame({"id": pl.Series(ids, dtype=pl.String), "n": range(len(ids))})
        assert text_order(frame["id"]) is None
        assert_frame_equal(sort_by_text(frame, "id"), frame.sort("id"))


def test_text_order_null_slots_holding_bytes() -> None:
    """NULL ids set by ``pl.when`` on shuffled rows: their Arrow slots keep the id's bytes,
    so every slot has the same width and only the NULL check sends them to polars' sort."""
    r = random.Random(5)
    frame = pl.DataFrame({"id": _ids(r, 25, ["", "cm00000000"], 60), "n": range(60)})
    frame = frame.sample(fraction=1.0, shuffle=True, seed=5)
    frame = frame.with_columns(
        pl.when(pl.col("n") % 7 == 3).then(None).otherwise(pl.col("id")).alias("id")
    )
    arr = frame["id"].to_arrow().cast(pa.large_string())
    offsets = np.frombuffer(arr.buffers()[1], dtype="<i8")[arr.offset : arr.offset + len(arr) + 1]
    assert arr.null_count > 0 and set(np.diff(offsets).tolist()) == {25}  # the precondition
    assert text_order(frame["id"]) is None
    assert_frame_equal(sort_by_text(frame, "id"), frame.sort("id"))


def test_text_order_chunks_and_slices() -> None:
    r = random.Random(11)
    ids = _ids(r, 25, ["", "cm00000000", "cm00000000abcdef"], 90)
    frame = pl.DataFrame({"id": ids, "n": range(90)})
    two = pl.concat([frame[:40], frame[40:]], rechunk=False)
    assert two.n_chunks() == 2
    for part in (two, two.slice(7, 70), two.slice(41, 30), frame.slice(13, 50)):
        assert_frame_equal(sort_by_text(part, "id"), part.sort("id"))


# --- T3: pick_rows_from_groups and the comments enricher against their code before ---------


def _old_pick_rows_from_groups(
    stream: Stream,
    keys: npt.ArrayLike,
    row_groups: pl.Series,
    pool: pl.DataFrame,
    group: str,
    value: str,
    index: npt.ArrayLike = 0,
    exclude: pl.Series | None = None,
) -> pl.DataFrame:
    """``pick_rows_from_groups`` as it was at cd3fe25: a string sort of the pool by (group,
    value), group sizes by group_by, the rows' groups found by a join."""
    if not isinstance(row_groups, pl.Series) or row_groups.dtype != pool.schema[group]:
        arr = np.asarray(row_groups)
        row_groups = (
            pl.Series(group, arr).cast(pool.schema[group])
            if len(arr)
            else pl.Series(group, [], dtype=pool.schema[group])
        )
    p = pool.sort(group, value)
    vals = p[value]
    twice = (p[group] == p[group].shift(1)) & (vals == vals.shift(1))
    if twice.any():
        raise ValueError(f"pick_rows_from_groups: ({group}, {value}) repeats in the pool")
    sizes = p.group_by(group, maintain_order=True).len()
    sizes = sizes.with_columns((pl.col("len").cum_sum() - pl.col("len")).alias("start"))
    probe = pl.DataFrame({group: row_groups}).join(
        sizes, on=group, how="left", maintain_order="left"
    )
    size = probe["len"].fill_null(0).to_numpy().astype(np.int64)
    start = probe["start"].fill_null(0).to_numpy().astype(np.int64)
    if not len(vals):
        return pl.DataFrame(schema=p.schema).clear(len(size))
    j = np.floor(stream.uniform(keys, index) * size).astype(np.int64)
    ok = size > 0
    at = np.where(ok, start + j, 0)
    if exclude is not None:
        clash = ok & (vals.gather(at) == exclude).fill_null(False).to_numpy()
        j2 = np.where(size > 0, (j + 1) % np.maximum(size, 1), 0)
        at = np.where(clash, np.where(ok, start + j2, 0), at)
        ok = ok & ~(clash & (size < 2))
    chosen = pl.lit(pl.Series(ok))
    return p[at].select(pl.when(chosen).then(pl.col(c)).alias(c) for c in p.columns)


def _user_options(ctx: Context, frames: Frames) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Who needs comments (userId, need) and, written plainly, the posts each may comment on
    (userId, postId): of their communities, not theirs, made before they were last seen
    where any was, and of those not spam where any is not."""
    members = with_seen(ctx, frames["User"], posting_members(frames))
    posts = community_posts(frames)
    need = comments.commenters_in_need(ctx, frames)
    options = (
        members.select("userId", "communityId", "joinedAt", "seen")
        .join(need, on="userId", how="semi")
        .join(posts, on="communityId")
        .filter(pl.col("author") != pl.col("userId"))
        .with_columns((pl.max_horizontal("pAt", "joinedAt").dt.epoch("ms") + 60_000).alias("lo"))
    )
    before = options.filter(pl.col("lo") < pl.col("seen"))
    spam = frames["Post"].filter(content_kind("content") == content_text.SPAM)["id"]
    fits = before.filter(~pl.col("postId").is_in(spam.implode()))
    before = pl.concat([fits, before.join(fits.select("userId").unique(), on="userId", how="anti")])
    options = pl.concat(
        [before, options.join(before.select("userId").unique(), on="userId", how="anti")]
    )
    return need.join(options, on="userId", how="semi"), options.select("userId", "postId")


def _shuffled(frame: pl.DataFrame, seed: int, fraction: float = 1.0) -> pl.DataFrame:
    return frame.sample(fraction=fraction, shuffle=True, seed=seed)


def _altered(frames: Frames, case: int) -> Frames:
    """Light frames with fewer comments, tables shuffled (so is the option pool), and more."""
    f = dict(frames)
    f["Comment"] = _shuffled(f["Comment"], case, (0.5, 0.2, 0.0, 0.35)[case])
    # Each membership gets a twin in another community (unless the user is there already):
    # a user's options then span communities, and the joins give them out of post id order.
    m = f["Membership"]
    communities = m["communityId"].unique().sort().to_list()
    other = m.select(
        (pl.col("id") + "-2").alias("id"),
        pl.col("communityId").replace_strict(
            communities, [*communities[case + 1 :], *communities[: case + 1]]
        ),
        "userId",
        "joinedAt",
    )
    m = pl.concat([m, other.join(m, on=["communityId", "userId"], how="anti")], how="diagonal")
    f["Membership"] = _shuffled(m.unique(["communityId", "userId"], keep="first"), case + 10)
    f["Post"] = _shuffled(f["Post"], case + 20)
    if case == 1:  # some posts by someone outside User
        f["Post"] = f["Post"].with_columns(
            pl.when(pl.int_range(pl.len()) % 3 == 0)
            .then(pl.lit("not-a-user"))
            .otherwise(pl.col("userId"))
            .alias("userId")
        )
    if case == 2:  # a few users gone (memberships and posts still name them)
        f["User"] = _shuffled(f["User"], 5, 0.7)
    if case == 3:  # a therapist's status changes: the therapist minimum applies or not
        f["Therapist"] = f["Therapist"].with_columns(
            pl.when(pl.int_range(pl.len()) % 2 == 0)
            .then(pl.lit("APPROVED"))
            .otherwise(pl.col("status"))
            .alias("status")
        )
    return f


@pytest.mark.parametrize("case", [0, 1, 2, 3])
def test_a_user_in_need_comments_on_distinct_posts_fresh_ones_first(
    light: tuple[Config, Frames], case: int
) -> None:
    """The user side of comments.enrich (its first rows) gives each user its ``need``
    comments on its options in turn: a post twice only once every option has one, and the
    posts it commented on already only once the others are taken."""
    ctx = Context(light[0])
    frames = _altered(light[1], case)
    need, options = _user_options(ctx, frames)
    n_user = int(need["need"].sum())
    assert n_user > 5  # the user-side pick is exercised
    got = comments.enrich(ctx, frames)["Comment"].head(n_user).select("userId", "postId")
    assert sorted(got["userId"].to_list()) == sorted(
        u for u, k in zip(need["userId"], need["need"], strict=True) for _ in range(k)
    )
    assert got.join(options, on=["userId", "postId"], how="anti").is_empty()
    had = frames["Comment"].select("userId", "postId").unique()
    fresh = options.join(had, on=["userId", "postId"], how="anti").group_by("userId").len()
    n_opt = options.group_by("userId").len()
    per_post = got.group_by("userId", "postId").len()
    for user, k in zip(need["userId"], need["need"], strict=True):
        mine = per_post.filter(pl.col("userId") == user)["len"]
        opts = int(n_opt.filter(pl.col("userId") == user)["len"][0])
        assert mine.max() == -(-k // opts)  # in turn: ceil(need / options) at most
        assert mine.len() == min(k, opts)
        f = fresh.filter(pl.col("userId") == user)["len"]
        if k <= (int(f[0]) if f.len() else 0):
            mine_posts = got.filter(pl.col("userId") == user)
            assert mine_posts.join(had, on=["userId", "postId"], how="semi").is_empty()


class _PickCase(NamedTuple):
    pool: pl.DataFrame
    rows: Any  # the rows' groups: a Series, or a list (cast to the pool's group dtype)
    exclude: pl.Series | None


def _text(r: random.Random, n: int, width: int | None) -> list[str]:
    """Distinct ids, many sharing their first 8 bytes: 25 bytes wide, or 1 to 19 if None."""
    out: set[str] = set()
    while len(out) < n:
        w = width or r.randint(1, 19)
        prefix = "cm000000"[: w - 2] if r.random() < 0.7 else ""
        out.add(prefix + "".join(r.choices("ab01", k=w - len(prefix))))
    return sorted(out)


def _pick_case(r: random.Random, kind: str) -> _PickCase:
    """A shuffled pool of groups of sizes 1 to 6 (several of size 1 and 2), rows naming its
    groups, groups it lacks and NULL, excluded values hitting most picks."""
    n_groups = r.randint(1, 12)
    if kind == "int":
        names: list[Any] = r.sample(range(-50, 50), n_groups + 3)
        values: list[Any] = r.sample(range(-(2**40), 2**40), 40)
    else:
        names = _text(r, n_groups + 3, 25 if kind == "fixed" else None)
        values = _text(r, 40, 25 if kind == "fixed" else None)
    present, absent = names[:n_groups], names[n_groups:]
    pool_rows = []
    for g in present:
        for v in r.sample(values, r.choice([1, 1, 2, 2, 3, 6])):
            pool_rows.append((g, v))
    if kind == "nulls":  # NULL groups (never picked) and a NULL value (first in its group)
        pool_rows += [(None, values[0]), (None, values[0]), (None, None)]
        pool_rows.append((present[0], None))
    dtype = pl.Int64 if kind == "int" else pl.String
    pool = pl.DataFrame(
        {
            "g": [g for g, _ in pool_rows],
            "v": [v for _, v in pool_rows],
            "extra": range(len(pool_rows)),
        },
        schema={"g": dtype, "v": dtype, "extra": pl.Int64},
    ).sample(fraction=1.0, shuffle=True, seed=r.randint(0, 1000))
    n = r.randint(0, 80)
    rows = r.choices([*present, *present, *absent, None], k=n)
    members = {g: [v for h, v in pool_rows if h == g] for g in present}
    exclude = [
        r.choice([*members.get(g, []), values[-1], None]) if g is not None else None for g in rows
    ]
    series = pl.Series("group", rows, dtype=dtype)
    return _PickCase(
        pool,
        rows if None not in rows and r.random() < 0.2 else series,
        pl.Series("not", exclude, dtype=dtype) if r.random() < 0.8 else None,
    )


@pytest.mark.parametrize("kind", ["fixed", "varying", "nulls", "int"])
def test_pick_rows_from_groups_matches_old(kind: str) -> None:
    """The coded pick picks the rows the string sort, group_by and join picked."""
    r = random.Random(kind)
    s = Stream(3, "T", "pick")
    clashes = size_one = size_two = absent = 0
    for case in range(150):
        c = _pick_case(r, kind)
        rows = pl.Series("g", c.rows, dtype=c.pool.schema["g"])
        keys = np.array([r.getrandbits(64) for _ in range(len(rows))], dtype=np.uint64)
        index = case % 3
        if case % 5 == 4:  # the pool in several chunks
            k = c.pool.height // 2
            pool = pl.concat([c.pool[:k], c.pool[k:]], rechunk=False)
        elif case % 5 == 2:  # the pool in value order (coded by its runs)
            pool = c.pool.sort("v", "extra")
        else:
            pool = c.pool
        want = _old_pick_rows_from_groups(s, keys, c.rows, pool, "g", "v", index, c.exclude)
        got = pick_rows_from_groups(s, keys, c.rows, pool, "g", "v", index, c.exclude)
        assert_frame_equal(got, want)
        # Count the branches the cases reach: excluded picks moved on, in groups of 1 and 2.
        if c.exclude is not None:
            size = (
                rows.to_frame("g")
                .join(pool.group_by("g").len(), on="g", how="left", maintain_order="left")["len"]
                .fill_null(0)
            )
            j = np.floor(s.uniform(keys, index) * size.to_numpy()).astype(np.int64)
            first = pl.DataFrame({"g": rows, "j": j}).join(
                pool.sort("g", "v").with_columns(pl.int_range(pl.len()).over("g").alias("j")),
                on=["g", "j"],
                how="left",
                maintain_order="left",
            )["v"]
            hit = (first == c.exclude).fill_null(False).to_numpy()
            clashes += int(hit.sum())
            size_one += int((hit & (size.to_numpy() == 1)).sum())
            size_two += int((hit & (size.to_numpy() == 2)).sum())
        absent += int(rows.is_not_null().sum() - rows.is_in(pool["g"].implode()).sum())
    assert clashes > 300 and size_one > 100 and size_two > 100 and absent > 500
    # Empty pools and no rows.
    c = _pick_case(r, kind)
    keys = np.arange(len(c.rows), dtype=np.uint64)
    for pool in (c.pool.clear(), c.pool):
        for k in (keys, keys[:0]):
            rows_k = c.rows[: len(k)]
            ex = None if c.exclude is None else c.exclude[: len(k)]
            want = _old_pick_rows_from_groups(s, k, rows_k, pool, "g", "v", 0, ex)
            assert_frame_equal(pick_rows_from_groups(s, k, rows_k, pool, "g", "v", 0, ex), want)


def test_pick_rows_from_groups_refuses_repeats() -> None:
    """A repeated (group, value) is refused as before; so now is a repeated (group, NULL),
    whose other columns the old string sort left to the pool's row order."""
    pool = pl.DataFrame({"g": ["a", "a", "b", None, None], "v": ["x", "y", "x", "x", "x"]})
    s = Stream(3, "T", "pick")
    keys = np.arange(3, dtype=np.uint64)
    rows = pl.Series(["a", "b", None])
    # Repeats in the NULL group are no repeat: those rows are never picked.
    assert_frame_equal(
        pick_rows_from_groups(s, keys, rows, pool, "g", "v"),
        _old_pick_rows_from_groups(s, keys, rows, pool, "g", "v"),
    )
    for twice in (pool.head(1), pool[2]):
        for pick in (pick_rows_from_groups, _old_pick_rows_from_groups):
            for repeated in (pl.concat([pool, twice]), pl.concat([pool, twice]).sort("v")):
                with pytest.raises(ValueError, match=r"\(g, v\) repeats"):
                    pick(s, keys, rows, repeated, "g", "v")
    with_null = pl.concat([pool, pl.DataFrame({"g": ["a", "a"], "v": [None, None]})])
    for repeated in (with_null, with_null.sort("v")):
        with pytest.raises(ValueError, match=r"\(g, v\) repeats"):
            pick_rows_from_groups(s, keys, rows, repeated, "g", "v")
    # Codes that would not pack into one uint64 are refused, not mixed up.
    two = pool.head(2)
    for groups, values in (([0, 2**32], [0, 1]), ([0, 1], [2**32, 1]), ([0, 1], [-1, 1])):
        with pytest.raises(ValueError, match=r"\(g, v\) codes are not in"):
            pick_rows_by_codes(s, keys, [0, 1, 1], two, groups, values, label="(g, v)")
    # Excluded values are compared with the pool's value column, which must be named.
    with pytest.raises(ValueError, match="exclude needs value"):
        pick_rows_by_codes(s, keys, [0, 1, 1], two, [0, 0], [0, 1], exclude=pl.Series(["x"] * 3))


# --- T4: the snapshot writer's hash from Arrow buffers -------------------------------------


def _noisy(name: str, frame: pl.DataFrame, copies: int, seed: int) -> pl.DataFrame:
    """``copies`` of ``frame`` (table ``name``) with new keys, unsorted, nullable columns
    NULLed at random with ``pl.when(mask).then(None)``, TEXT[] with NULL elements."""
    table = MENTARA.table(name)
    (pk,) = table.primary_key
    big = pl.concat([frame.with_columns(pl.col(pk) + f"-{k:02d}") for k in range(copies)])
    # Shuffled before the NULLs are set: the writer's key sort then gathers NULL slots that
    # still hold their bytes (shuffling after the masking gathers them to empty slots).
    big = big.sample(fraction=1.0, shuffle=True, seed=seed)
    rng = np.random.default_rng(seed)
    n = big.height

    def mask() -> pl.Series:
        return pl.Series(rng.random(n) < 0.35)

    kinds = {"TEXT", "JSONB", "TEXT[]", "INTEGER", "TIMESTAMP(3)"}
    cols = [c for c in table.columns if c.nullable and c.type in kinds]
    fill: list[pl.Expr] = []
    for c in cols:
        col = pl.col(c.name)
        if c.type == "JSONB":  # values to NULL out, whatever the light build holds
            col = col.fill_null(pl.format('{{"name": "cert {}", "year": 2020}}', pl.int_range(n)))
        elif c.type == "TEXT[]":
            col = col.fill_null(pl.lit(["Anxiety", "Depression", "Grief"])).list.eval(
                pl.when(pl.element().str.len_bytes() % 2 == 0).then(None).otherwise(pl.element())
            )
        elif c.type == "TEXT":
            col = col.fill_null(pl.format("text {}", pl.int_range(n)))
        fill.append(col.alias(c.name))
    big = big.with_columns(fill)
    big = big.with_columns(
        pl.when(mask()).then(None).otherwise(pl.col(c.name)).alias(c.name) for c in cols
    )
    return big


def _null_slots_with_bytes(arr: Any) -> int:
    """NULL slots of an Arrow string array whose offsets still span bytes."""
    arr = arr.cast(pa.large_string())
    offsets = np.frombuffer(arr.buffers()[1], dtype="<i8")[arr.offset : arr.offset + len(arr) + 1]
    valid = np.asarray(arr.is_valid())
    return int((np.diff(offsets)[~valid] > 0).sum())


def test_writer_hash_from_arrow_buffers(light: tuple[Config, Frames], tmp_path: Path) -> None:
    cfg, frames = light
    sources = {
        "Therapist": _noisy("Therapist", frames["Therapist"], 18, 1),
        "ChatbotSession": _noisy("ChatbotSession", frames["ChatbotSession"], 8, 2),
        "PaymentMethod": _noisy("PaymentMethod", frames["PaymentMethod"], 5, 3),
    }

    def sliced(f: pl.DataFrame) -> pl.DataFrame:
        return f.slice(3, f.height - 7)

    def chunked(f: pl.DataFrame) -> pl.DataFrame:
        k = f.height // 3
        out = pl.concat([f[:k], f[k : 2 * k], f[2 * k :]], rechunk=False)
        assert out.n_chunks() == 3
        return out

    for shape in (sliced, chunked):
        out = tmp_path / shape.__name__
        written = {name: shape(f) for name, f in sources.items()}
        # Precondition (fe9541b): after the key sort polars exports NULL string slots that
        # still hold bytes, in flat TEXT/JSONB columns and among TEXT[] elements.
        flat = elements = 0
        for name, f in written.items():
            table = MENTARA.table(name)
            data = snapshot._prepare(table, f).to_arrow()
            for c in table.columns:
                column = data.column(c.name).combine_chunks()
                if c.type in ("TEXT", "JSONB"):
                    flat += _null_slots_with_bytes(column)
                elif c.type == "TEXT[]":
                    elements += _null_slots_with_bytes(column.flatten())
                elif c.type in ("INTEGER", "TIMESTAMP(3)") and c.nullable:
                    assert column.null_count > 0, (name, c.name)
        assert flat > 0 and elements > 0
        written["Report"] = frames["Report"].head(0)  # 0 rows, added explicitly
        with snapshot.Writer(out, cfg) as w:
            for name, f in written.items():
                w.add(name, f)
        assert w.manifest is not None
        for name, f in written.items():
            entry = w.manifest["tables"][name]
            assert entry["rows"] == f.height
            assert entry["content_hash"] == snapshot.content_hash(MENTARA.table(name), f), name
        snapshot.verify(out)  # every file read back against its content hash
        snap = snapshot.read(out, verify=True)
        for name, f in written.items():
            want = snapshot._prepare(MENTARA.table(name), f)
            assert_frame_equal(snap.frame(name), want)


# --- T5: therapy._greedy against a sequential greedy with the same windows ----------------


def _reference_greedy(
    req: Sequence[int], prio: Sequence[int], keys: Sequence[Sequence[int]], need: Sequence[int]
) -> list[int]:
    """Positions of the accepted candidates, in prio order, one candidate at a time.

    Rounds as ``_greedy`` describes them: a request looks at its first ``(3 * need + 12) *
    width`` remaining candidates (need as left at the round's start), those are decided
    greedily in prio order (accepted when the request still needs one and no key is taken),
    then the rest of the pool is looked at with a window 4 times wider; a round that saw the
    whole pool is the last.
    """
    left = list(need)
    taken: list[set[int]] = [set() for _ in keys]

    def free(j: int) -> bool:
        return left[req[j]] > 0 and all(k[j] not in t for k, t in zip(keys, taken, strict=True))

    pool = [j for j in sorted(range(len(req)), key=lambda j: prio[j]) if free(j)]
    accepted: list[int] = []
    width = 1
    while pool:
        seen: Counter[int] = Counter()
        top: list[int] = []
        for j in pool:
            if seen[req[j]] < (3 * left[req[j]] + 12) * width:
                top.append(j)
            seen[req[j]] += 1
        for j in top:
            if free(j):
                accepted.append(j)
                left[req[j]] -= 1
                for k, t in zip(keys, taken, strict=True):
                    t.add(k[j])
        if len(top) == len(pool):
            break
        pool = [j for j in pool if free(j)]
        width *= 4
    return sorted(accepted, key=lambda j: prio[j])


def _plain_greedy(
    req: Sequence[int], prio: Sequence[int], keys: Sequence[Sequence[int]], need: Sequence[int]
) -> list[int]:
    """The greedy without windows (to show the cases exercise the windows)."""
    left = list(need)
    taken: list[set[int]] = [set() for _ in keys]
    out = []
    for j in sorted(range(len(req)), key=lambda j: prio[j]):
        if left[req[j]] > 0 and all(k[j] not in t for k, t in zip(keys, taken, strict=True)):
            out.append(j)
            left[req[j]] -= 1
            for k, t in zip(keys, taken, strict=True):
                t.add(k[j])
    return out


Case = tuple[list[int], list[int], list[list[int]], list[int]]


def _greedy_case(r: random.Random) -> Case:
    """Random candidates: a few requests, small keys (many conflicts), needs <= 0 too."""
    n = r.randrange(60)
    n_req = r.randint(1, 5)
    req = [r.randrange(n_req) for _ in range(n)]
    prio = r.sample(range(3, 400), n)  # unique, not 0..n-1, not in position order
    spans = [r.randint(1, 25) for _ in range(3)]
    keys = [[r.randrange(-3, s) for _ in range(n)] for s in spans]
    need = [r.choice([-2, -1, 0, 0, 1, 1, 2, 3, 5, 9]) for _ in range(n_req)]
    return req, prio, keys, need


def _as_case(r: random.Random, events: list[tuple[int, list[int]]], need: list[int]) -> Case:
    """``events`` (request, keys) in prio order as a case: random positions, sparse prios."""
    n = len(events)
    prio = sorted(r.sample(range(5 * n + 1), n))
    position = list(range(n))
    r.shuffle(position)
    req, pr, keys = [0] * n, [0] * n, [[0] * n for _ in range(3)]
    for e, (q, k) in enumerate(events):
        req[position[e]], pr[position[e]] = q, prio[e]
        for c in range(3):
            keys[c][position[e]] = k[c]
    return req, pr, keys, need


def _window_case(r: random.Random) -> Case:
    """A case the first window decides (plus random noise that may undo that).

    Request 0 (need 1 or 2) has about as many candidates as its first window holds, each
    blocked on key 0 by a candidate of request 1 just before it; then ``x``, free. A
    candidate ``y`` of request 1 after ``x`` in prio order shares key 1 with ``x``: a plain
    greedy takes ``x`` and drops ``y``; when ``x`` is outside the window, ``y`` goes first.
    """
    fresh = iter(range(1000, 10_000))
    need_0 = r.choice([1, 1, 2])
    events: list[tuple[int, list[int]]] = []  # (request, keys) in prio order
    for _ in range(3 * need_0 + 12 + r.choice([-2, -1, 0, 0, 1])):
        shared = next(fresh)
        events.append((1, [shared, next(fresh), next(fresh)]))
        events.append((0, [shared, next(fresh), next(fresh)]))
    x_key = next(fresh)
    events.append((0, [next(fresh), x_key, next(fresh)]))  # x
    events.append((1, [next(fresh), x_key, next(fresh)]))  # y
    for _ in range(r.randint(0, 3)):  # more of request 0, after x
        events.append((0, [next(fresh), next(fresh), next(fresh)]))
    for _ in range(r.randint(0, 5)):  # noise: request 2, small keys anywhere in the order
        events.insert(r.randrange(len(events) + 1), (2, [r.randrange(-2, 40) for _ in range(3)]))
    return _as_case(r, events, [need_0, r.randint(20, 40), r.randint(-1, 3)])


def _deep_case(r: random.Random) -> Case:
    """A case the second, 4 times wider, window decides (about 67 candidates).

    One candidate of request 1 blocks (key 0) the first window of request 0 (need 1: 15)
    and of request 2 (need 2: 18), so both go on to a second round; there request 2's next
    candidate blocks request 0's next 30 or so, then come ``x`` (request 0) and ``y``
    (request 2) sharing key 1: ``x`` is taken if request 0's second window (60) reaches it.
    """
    fresh = iter(range(1000, 10_000))
    k1, k2, x_key = next(fresh), next(fresh), next(fresh)
    blocked = [(0, [k1, next(fresh), next(fresh)]) for _ in range(15)]
    blocked += [(2, [k1, next(fresh), next(fresh)]) for _ in range(18 + r.choice([-1, 0, 0]))]
    r.shuffle(blocked)
    events = [(1, [k1, next(fresh), next(fresh)]), *blocked, (2, [k2, next(fresh), next(fresh)])]
    events += [(0, [k2, next(fresh), next(fresh)]) for _ in range(r.randint(28, 34))]
    events += [(0, [next(fresh), x_key, next(fresh)]), (2, [next(fresh), x_key, next(fresh)])]
    return _as_case(r, events, [1, r.randint(1, 3), 2])


def test_greedy_matches_sequential_reference() -> None:
    """Random and constructed inputs (keys shared on purpose, needs <= 0, sparse unique
    prios): ``_greedy`` accepts what the sequential reference accepts, in prio order."""
    r = random.Random(0xFA57)
    windowed = 0
    for t in range(1500):
        make = (_window_case, _deep_case, _greedy_case, _greedy_case)[t % 4]
        req, prio, keys, need = make(r)
        got = _greedy(
            np.array(req, dtype=np.int64),
            np.array(prio, dtype=np.int64),
            [np.array(k, dtype=np.int64) for k in keys],
            np.array(need, dtype=np.int64),
        )
        # Invariants: no key value shared by two accepted candidates, at most need each.
        chosen = got.tolist()
        for k in keys:
            assert len({k[j] for j in chosen}) == len(chosen)
        per_req = Counter(req[j] for j in chosen)
        assert all(per_req[q] <= max(need[q], 0) for q in range(len(need)))
        want = _reference_greedy(req, prio, keys, need)
        assert chosen == want, (req, prio, keys, need)
        windowed += want != _plain_greedy(req, prio, keys, need)
    assert windowed > 100  # many cases depend on the windows (a plain greedy differs)


# --- T6: the shared helpers of the fast paths ----------------------------------------------


def test_packed_order_matches_lexsort() -> None:
    """Without ties, one packed sort orders as the lexsort of (codes..., low) would."""
    rng = np.random.default_rng(6)
    for n_rows, n_u in ((0, 1), (1, 1), (500, 1), (500, 37), (2000, 1000)):
        u = rng.integers(0, n_u, n_rows)
        tier = rng.integers(0, 3, n_rows)
        low = rng.integers(0, 2**64 - 1, n_rows, dtype=np.uint64, endpoint=True)

        def exact() -> npt.NDArray[np.int64]:
            raise AssertionError("no packed key ties here")

        got = packed_order([(u, n_u), (tier, 3)], low, exact)
        assert got.dtype == np.int64
        assert got.tolist() == np.lexsort((low, tier, u)).tolist()


def test_packed_order_tie_fallback() -> None:
    """Lows equal in their top bits under equal codes tie when packed: ``exact()`` decides."""
    c = np.array([1, 0, 1, 0, 2])
    # Rows 0 and 2 share code 1 and differ only in the low bits the packing drops.
    low = np.array([2**63 + 1, 5, 2**63, 2**62, 0], dtype=np.uint64)
    calls = []

    def exact() -> npt.NDArray[np.int64]:
        calls.append(1)
        return np.lexsort((low, c))

    got = packed_order([(c, 3)], low, exact)
    assert calls == [1]
    assert got.tolist() == [1, 3, 2, 0, 4]
    # Without the tie (rows 0 and 2 apart in their top bits) the packed sort alone is used.
    low[2] = 2**61
    got = packed_order([(c, 3)], low, lambda: pytest.fail("no tie"))
    assert got.tolist() == [1, 3, 2, 0, 4]


def test_rank_in_run() -> None:
    """Each row's position in its run of equal consecutive values (runs need not be sorted)."""
    assert rank_in_run(np.zeros(0, dtype=np.int64)).tolist() == []
    values = np.array([3, 3, 1, 1, 1, 3, 7, 2, 2])
    assert rank_in_run(values).tolist() == [0, 1, 0, 1, 2, 0, 0, 0, 1]
    rng = np.random.default_rng(2)
    sorted_values = np.sort(rng.integers(0, 50, 1000))
    want = np.arange(1000) - np.searchsorted(sorted_values, sorted_values, side="left")
    assert rank_in_run(sorted_values).tolist() == want.tolist()


@pytest.mark.parametrize("dtype", [np.int64, np.uint64, np.int32])
def test_sort_positions_is_argsort_on_distinct_values(dtype: type) -> None:
    """Distinct values: the one ascending order, whatever the sort (uint64 above 2**63 too)."""
    assert sort_positions(np.zeros(0, dtype=dtype)).tolist() == []
    rng = np.random.default_rng(3)
    low, high = (2**62, 2**64 - 1) if dtype is np.uint64 else (-(2**30), 2**30)
    values = np.unique(rng.integers(low, high, 5000, dtype=dtype))
    rng.shuffle(values)
    got = sort_positions(values)
    assert got.dtype == np.int64 and got.flags.writeable
    assert got.tolist() == np.argsort(values).tolist()
    # Ties may come in any order, but the values come out sorted.
    repeated = rng.integers(0, 10, 1000).astype(dtype)
    assert np.sort(repeated).tolist() == repeated[sort_positions(repeated)].tolist()


def test_in_sorted_is_isin() -> None:
    """Membership in an ascending array, as ``np.isin`` (uint64 above 2**63, empty sides),
    by a search of each value (few values) or a hash of both sides (many)."""
    rng = np.random.default_rng(4)
    pool = np.sort(rng.integers(2**62, 2**64 - 1, 300, dtype=np.uint64))
    values = np.concatenate([pool[::3], rng.integers(2**62, 2**64 - 1, 300, dtype=np.uint64)])
    assert in_sorted(values, pool).tolist() == np.isin(values, pool).tolist()
    assert in_sorted(values[:50], pool).sum() == 50
    assert not in_sorted(values, pool[:0]).any()
    assert in_sorted(values[:0], pool).tolist() == []


def _sorted_repeats(top: pl.DataFrame) -> list[bool]:
    """thread_repeats' repeats as it found them before ``content._repeat_flags``: every
    top-level comment sorted by (post, user, new, time, id), each row of the same pair as the
    row before it a repeat."""
    same = (
        (pl.int_range(pl.len()) > 0)
        & pl.col("postId").eq_missing(pl.col("postId").shift(1))
        & pl.col("userId").eq_missing(pl.col("userId").shift(1))
    )
    ranked = (
        top.with_row_index("_row")
        .sort("postId", "userId", "_new", "createdAt", "id")
        .with_columns(same.alias("_repeat"))
        .sort("_row")
    )
    return ranked["_repeat"].to_list()


def test_repeat_flags_match_the_sort(monkeypatch: pytest.MonkeyPatch) -> None:
    """Repeats found by a key of (post, user) are the sort's: NULLs and "" apart, ties in
    time broken by id, the existing comments first; pairs sharing a key (forced here) take
    the sort of every comment."""
    r = random.Random(11)
    t0 = datetime(2025, 1, 1)
    schema = {"postId": pl.String, "userId": pl.String, "_new": pl.Boolean}
    for case in range(120):
        n = r.randint(0, 40)
        top = pl.DataFrame(
            {
                "postId": [r.choice(["p1", "p2", "p33", None, ""]) for _ in range(n)],
                "userId": [r.choice(["u1", "u22", None, ""]) for _ in range(n)],
                "_new": [r.random() < 0.6 for _ in range(n)],
                "createdAt": [t0 + timedelta(minutes=r.randrange(4)) for _ in range(n)],
                "id": [f"c{r.randrange(10**6)}" for _ in range(n)],
            },
            schema={**schema, "createdAt": pl.Datetime("ms"), "id": pl.String},
        )
        want = _sorted_repeats(top)
        assert content._repeat_flags(top).tolist() == want, case
        with monkeypatch.context() as m:  # every pair one key: the fallback
            m.setattr(content, "child_keys", lambda a, b: np.zeros(len(a), dtype=np.uint64))
            assert content._repeat_flags(top).tolist() == want, case


def test_dense_codes_are_unique_inverse() -> None:
    """Each value's rank among the distinct values, as np.unique's inverse."""
    assert dense_codes(np.zeros(0, dtype=np.int64)).tolist() == []
    rng = np.random.default_rng(4)
    values = rng.integers(-(2**62), 2**62, 300)[rng.integers(0, 300, 5000)]
    assert dense_codes(values).tolist() == np.unique(values, return_inverse=True)[1].tolist()
    assert dense_codes(np.array([5, -1, 5, 9])).tolist() == [1, 0, 1, 2]
    with pytest.raises(ValueError, match="1-d"):
        dense_codes(np.zeros((2, 2), dtype=np.int64))


def _old_user_rows(ids: pl.Series, values: pl.Series) -> list[int]:
    """enrichers.common.user_rows as it was: -1 for a value (or NULL) not among ``ids``."""
    rows = pl.int_range(len(ids), dtype=pl.Int64, eager=True)
    out = values.replace_strict(ids, rows, default=-1, return_dtype=pl.Int64)
    return list(np.asarray(out.to_numpy(), dtype=np.int64).tolist())


def _old_notification_rows(ids: pl.Series, values: pl.Series) -> list[int | None]:
    """The notifications enricher's ``_user_rows`` as it was: NULL where not found."""
    rows = pl.Series(np.arange(len(ids), dtype=np.int64))
    return values.replace_strict(ids, rows, default=None, return_dtype=pl.Int64).to_list()


def _old_schedule_codes(ids: pl.Series, values: pl.Series) -> list[int]:
    """The scheduler's ``code`` as it was, on a code table of ``ids`` (a left join)."""
    codes = pl.DataFrame({"id": ids.cast(pl.String), "code": np.arange(len(ids), dtype=np.int64)})
    out = (
        values.cast(pl.String)
        .to_frame("id")
        .join(codes, on="id", how="left", maintain_order="left")["code"]
    )
    return list(out.fill_null(-1).to_numpy().astype(np.int64).tolist())


def test_rows_in_matches_the_lookups_it_replaced() -> None:
    """Each value's row among the ids, -1 for a miss or a NULL."""
    ids = pl.Series(["b", "a", "c"])
    values = pl.Series(["a", None, "z", "c", "a", "b", "a"])  # repeats, a NULL, a miss
    got = rows_in(values, ids)
    assert got.dtype == np.int64
    assert got.tolist() == [1, -1, -1, 2, 1, 0, 1]
    assert got.tolist() == _old_user_rows(ids, values) == _old_schedule_codes(ids, values)
    assert _old_notification_rows(ids, values) == [1, None, None, 2, 1, 0, 1]
    # Empty inputs; all NULL values, of no type (an empty frame's column) or of text.
    empty = pl.Series([], dtype=pl.String)
    assert rows_in(empty, ids).tolist() == []
    assert rows_in(values, empty).tolist() == [-1] * len(values)
    assert rows_in(empty, empty).tolist() == []
    assert rows_in(pl.Series([None, None]), ids).tolist() == [-1, -1]
    assert rows_in(pl.Series([None], dtype=pl.String), ids).tolist() == [-1]
    # A NULL among the ids keeps its row and matches nothing, as the scheduler's join did.
    with_null = pl.Series([None, "a", "c"])
    assert rows_in(values, with_null).tolist() == [1, -1, -1, 2, 1, -1, 1]
    assert rows_in(values, with_null).tolist() == _old_schedule_codes(with_null, values)
    # Integer ids, and values cast to the ids' type.
    assert rows_in(pl.Series([5, None, 7, 5, 6]), pl.Series([7, 5])).tolist() == [1, -1, 0, 1, -1]
    # Many values among shuffled ids, 1 in 10 not among them and some NULL.
    rng = np.random.default_rng(5)
    pool = [f"c{i:024x}" for i in rng.integers(0, 2**62, 2200)]
    ids = pl.Series(pool[:2000]).sample(fraction=1.0, shuffle=True, seed=1)
    values = pl.Series(pool).gather(rng.integers(0, len(pool), 50_000))
    values = values.scatter(rng.integers(0, len(values), 500), None)
    got = rows_in(values, ids)
    assert got.tolist() == _old_user_rows(ids, values) == _old_schedule_codes(ids, values)
    assert got.tolist() == [-1 if r is None else r for r in _old_notification_rows(ids, values)]
    # Repeated ids are refused, whether or not a value meets the repeat.
    for repeated in (["a", "b", "a"], [None, "b", None]):
        with pytest.raises(ValueError, match="distinct"):
            rows_in(pl.Series(["a"]), pl.Series(repeated))


def test_is_author_compares_text_where_keys_tie() -> None:
    """Equal text is the author; a key collision with other text is not; a NULL author is
    everyone's."""
    author = pl.Series(["a", "b", None, "c"], dtype=pl.String)
    user = pl.Series(["a", "x", "b", "c"], dtype=pl.String)
    user_keys = text_keys(user)
    user_keys[1] = text_keys(["b"])[0]  # "x" collides with "b": compared as text
    ai, ui = (g.reshape(-1).astype(np.int64) for g in np.meshgrid(range(4), range(4)))
    got = is_author(author, ai, user, ui, user_keys)
    a_text, u_text = author.to_list(), user.to_list()
    want = [a_text[a] is None or a_text[a] == u_text[u] for a, u in zip(ai, ui, strict=True)]
    assert got.tolist() == want
    assert not got[1 * 4 + 1]  # author "b", user "x": keys equal, text not
    assert got.sum() == 4 + 3  # the NULL author's 4 rows; a, b and c on their own text


@pytest.mark.parametrize("shape", [(0, 3), (1, 1), (5, 10), (40, 9)])
def test_digit_lists_are_spelled_as_json_list_spells_them(shape: tuple[int, int]) -> None:
    from seedsnap.generators.common import json_list
    from seedsnap.generators.therapy import _json_digit_lists

    digits = np.random.default_rng(sum(shape)).integers(0, 10, size=shape)
    expected = pl.DataFrame({"v": digits.tolist()}, schema={"v": pl.List(pl.Int64)}).select(
        json_list(pl.col("v"))
    )
    got = _json_digit_lists(digits, "v")
    assert got.to_list() == expected.to_series().to_list()
    with pytest.raises(ValueError, match="digits 0-9"):
        _json_digit_lists(np.full((2, 2), 10), "v")


def test_a_build_without_generated_assessments_still_builds(tmp_path: Path) -> None:
    """assessment_rate = 0: the generator makes none (an empty frame used to crash it) and
    the enricher tops every client up to its minimum (one who has not verified its email, a
    sign-up not yet finished, has its intake only)."""
    config_file = tmp_path / "seedsnap.toml"
    config_file.write_text("[volumes]\nassessment_rate = 0\n")
    config = resolve(mode="light", env={}, config_file=config_file)
    frames = generate(config)
    per_client = (
        frames["PreAssessment"]
        .group_by("clientId")
        .len()
        .join(frames["User"], left_on="clientId", right_on="id")
    )
    assert per_client.height == frames["Client"].height
    # Verified clients whose intake was long enough before the anchor to re-take it (one
    # per RETAKE_ROOM_DAYS) have the minimum; the others as many as fit, at least one.
    least = config.minimum("client", "completed_assessments")
    first = frames["PreAssessment"].group_by("clientId").agg(pl.col("createdAt").min())
    came = (
        per_client.join(first, on="clientId")
        .with_columns(
            (
                pl.col("createdAt") + pl.duration(days=RETAKE_ROOM_DAYS * (least - 1))
                <= config.anchor.replace(tzinfo=None)
            ).alias("came")
        )
        .filter(pl.col("emailVerified"))
    )
    assert came.filter("came").height > 0 and came["len"].min() >= 1
    assert came.filter("came")["len"].min() >= least > 0
    assert (per_client.filter(~pl.col("emailVerified"))["len"] == 1).all()


def test_packed_order_refuses_codes_wider_than_a_key() -> None:
    codes = [(np.zeros(3, dtype=np.int64), 1 << 40), (np.zeros(3, dtype=np.int64), 1 << 30)]
    with pytest.raises(ValueError, match="need 70 bits"):
        packed_order(codes, np.zeros(3, dtype=np.uint64), lambda: np.arange(3))


# --- T7: the partner helpers on user rows against the id-frame helpers they replaced --------


def _old_cyclic_neighbours(
    stream: Stream, users: pl.DataFrame, counts: pl.DataFrame
) -> pl.DataFrame:
    """messages.cyclic_neighbours as it was before the helpers moved to user rows."""
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


def _old_take_ranked(stream: Stream, cands: pl.DataFrame, need: pl.DataFrame) -> pl.DataFrame:
    """messages.take_ranked as it was before the helpers moved to user rows."""
    cands = cands.join(need, on="u")
    if cands.is_empty():
        return cands.drop("need")
    pair = child_keys(text_keys(cands["u"]), text_keys(cands["v"]))
    cands = cands.with_columns(pl.Series("_draw", stream.bits(pair, 0)))
    cands = cands.sort("tier", "_draw", "v", maintain_order=True)
    cands = cands.unique(["u", "v"], keep="first", maintain_order=True)
    return cands.filter(pl.int_range(pl.len()).over("u") < pl.col("need")).drop("_draw", "need")


def _old_co_members(ids: pl.Series, memberships: pl.DataFrame, who: pl.Series) -> pl.DataFrame:
    """The community co-members of user_blocks as they were before co_members (``who``: u)."""
    mem = memberships.select(
        "communityId", pl.col("userId").alias("u"), ms_of("joinedAt").alias("j")
    ).join(ids.to_frame("id"), left_on="u", right_on="id")
    return (
        mem.join(who.to_frame("u"), on="u")
        .join(mem.rename({"u": "v", "j": "j2"}), on="communityId")
        .filter(pl.col("u") != pl.col("v"))
        .group_by("u", "v")
        .agg(pl.max_horizontal("j", "j2").min().alias("met"))
    )


class _TwoBitStream(Stream):
    """A stream keeping only the top two bits of its draws: most draws tie."""

    def bits(self, keys: npt.ArrayLike, index: npt.ArrayLike = 0) -> U64:
        return super().bits(keys, index) >> np.uint64(62) << np.uint64(62)


def _streams() -> list[Stream]:
    return [Stream(3, "Conversation", "partner"), _TwoBitStream(3, "Conversation", "partner")]


def _users(r: random.Random, n: int) -> pl.DataFrame:
    """``n`` users (id, key) sorted by id; ids of varying width, so text and number orders
    differ."""
    ids = sorted({f"u{r.randrange(10 ** r.randint(1, 4))}" for _ in range(3 * n)})[:n]
    return pl.DataFrame({"id": ids}).with_columns(pl.Series("key", text_keys(pl.Series(ids))))


def test_cyclic_neighbours_matches_the_id_frame_version() -> None:
    """Counts up to and past the number of users, zero counts, ids absent from the users (the
    old version dropped them; callers pass only user rows), and draws that tie."""
    r = random.Random(71)
    past_all = ties = 0
    for case in range(120):
        users = _users(r, r.randint(1, 9))
        ids = users["id"].to_list()
        asked = [*r.sample(ids, r.randint(0, len(ids))), f"x{case}", "absent"]
        counts = pl.DataFrame({"id": asked, "n": [r.randint(0, len(ids) + 2) for _ in asked]})
        for stream in _streams():
            want = _old_cyclic_neighbours(stream, users, counts)
            known = counts.join(users.with_row_index("row"), on="id").sort("id")
            rows = known["row"].to_numpy().astype(np.int64)
            u, v = cyclic_neighbours(stream, users["key"].to_numpy(), rows, known["n"].to_numpy())
            got = pl.DataFrame({"u": users["id"].gather(u), "v": users["id"].gather(v)})
            assert_frame_equal(got, want)
            past_all += int((known["n"] >= len(ids)).sum())
            ties += int(pl.Series(stream.bits(users["key"].to_numpy(), 0)).is_duplicated().any())
    assert past_all > 50 and ties > 50


def test_take_ranked_matches_the_id_frame_version() -> None:
    """Pairs listed twice at different tiers and at one tier (the payload of the first row
    counts), users asking for more than their candidates or for none, candidates of users
    not in need, self pairs, and draws that tie (then v decides, as ids order)."""
    r = random.Random(72)
    dup_tiers = short = ties = 0
    for _ in range(150):
        users = _users(r, r.randint(1, 8))
        n = users.height
        rows = [(r.randrange(n), r.randrange(n), r.randrange(3)) for _ in range(r.randint(0, 30))]
        rows += [(u, v, r.randrange(3)) for u, v, _ in r.sample(rows, min(len(rows), 4))]
        r.shuffle(rows)
        u = np.array([x[0] for x in rows], dtype=np.int64)
        v = np.array([x[1] for x in rows], dtype=np.int64)
        tier = np.array([x[2] for x in rows], dtype=np.int64)
        tag = np.arange(len(rows), dtype=np.int64)  # which row a pick comes from
        want_n = np.array([r.choice([0, 0, 1, 2, 5]) for _ in range(n)], dtype=np.int64)
        ids = users["id"]
        cands = pl.DataFrame(
            {"u": ids.gather(u), "v": ids.gather(v), "tier": tier, "tag": tag},
            schema={"u": pl.String, "v": pl.String, "tier": pl.Int64, "tag": pl.Int64},
        )
        asked = np.flatnonzero(want_n)
        need = pl.DataFrame({"u": ids.gather(asked), "need": want_n[asked]})
        for stream in _streams():
            # The old result runs by (tier, draw); within a user that is the rank order.
            want = _old_take_ranked(stream, cands, need).sort("u", maintain_order=True)
            at = take_ranked(stream, users["key"].to_numpy(), u, v, tier, want_n)
            assert_frame_equal(cands[at], want)
        by_pair = cands.group_by("u", "v").agg(pl.col("tier").n_unique().alias("t"))
        dup_tiers += int((by_pair["t"] > 1).sum())
        supply = cands.unique(["u", "v"]).group_by("u").len()
        short += int(
            need.join(supply, on="u", how="left")["len"].fill_null(0).lt(need["need"]).sum()
        )
        pair = child_keys(text_keys(cands["u"]), text_keys(cands["v"]))
        drawn = cands.with_columns(pl.Series("d", _streams()[1].bits(pair, 0)))
        ties += int(drawn.unique(["u", "v"]).select("u", "tier", "d").is_duplicated().sum())
    assert dup_tiers > 50 and short > 50 and ties > 50


def test_co_members_match_the_id_frame_version() -> None:
    """Users in several shared communities (the earliest meeting counts), a membership listed
    twice, members who are not users, one-member communities."""
    r = random.Random(73)
    t0 = datetime(2025, 1, 1)
    several = 0
    for _ in range(100):
        users = _users(r, r.randint(1, 9))
        ids = users["id"]
        people = [*ids.to_list(), "outsider", "zz-gone"]
        rows = [
            (f"c{r.randrange(4)}", r.choice(people), t0 + timedelta(hours=r.randrange(500)))
            for _ in range(r.randint(0, 25))
        ]
        rows += r.sample(rows, min(len(rows), 2))  # a membership listed twice
        memberships = pl.DataFrame(
            {
                "communityId": [x[0] for x in rows],
                "userId": [x[1] for x in rows],
                "joinedAt": pl.Series([x[2] for x in rows], dtype=pl.Datetime("ms")),
            },
            schema={"communityId": pl.String, "userId": pl.String, "joinedAt": pl.Datetime("ms")},
        )
        who = np.array([r.random() < 0.6 for _ in range(users.height)])
        want = _old_co_members(ids, memberships, ids.filter(pl.Series(who))).sort("u", "v")
        u, v, met = co_members(ids, memberships, who)
        got = pl.DataFrame({"u": ids.gather(u), "v": ids.gather(v), "met": met})
        assert_frame_equal(got, want, check_dtypes=False)
        shared = memberships.unique(["communityId", "userId"]).join(
            memberships.unique(["communityId", "userId"]), on="communityId"
        )
        several += int(shared.group_by("userId", "userId_right").len()["len"].gt(1).sum())
    assert several > 50


# --- memberships and moderator assignments scored in slices of users -------------------------


@pytest.mark.parametrize("rows", [1, 2, 5])
def test_memberships_made_in_slices_are_the_same(
    light: tuple[Config, Frames], monkeypatch: pytest.MonkeyPatch, rows: int
) -> None:
    """The users x communities scores are made a slice of users at a time (memory stays flat
    at any scale): any slice size gives the rows of one slice of everyone."""
    from seedsnap.generators import relationships

    cfg, frames = light
    ctx = Context(cfg)
    whole = relationships.memberships(ctx, frames), relationships.moderator_assignments(ctx, frames)
    n_comm = frames["Community"].height
    cells = rows * n_comm + n_comm // 2  # not a whole number of rows: slices of ``rows``
    monkeypatch.setattr(relationships, "_CHUNK_CELLS", cells)
    parts = relationships._row_chunks(frames["User"].height, n_comm)
    assert len(parts) > 1 and {p.stop - p.start for p in parts[:-1]} == {rows}
    sliced = (
        relationships.memberships(ctx, frames),
        relationships.moderator_assignments(ctx, frames),
    )
    assert whole[0].height > 0 and whole[1].height > 0
    assert_frame_equal(sliced[0], whole[0])
    assert_frame_equal(sliced[1], whole[1])
    # The slices cover every row once, in order, each within the cells it may use.
    for n_rows, n_cols in ((10, 3), (7, 1000), (0, 5), (5, 0)):
        parts = relationships._row_chunks(n_rows, n_cols)
        assert [r for p in parts for r in range(p.start, p.stop)] == list(range(n_rows))
        assert all(p.stop - p.start <= max(1, cells // max(n_cols, 1)) for p in parts)
