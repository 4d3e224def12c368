"""The faster paths of the content texts read and code the texts as the plain ones did; the
enrichers' faster picks pick as the plain sorts did."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from seedsnap.generators import content_text as ct


def _texts() -> list[str | None]:
    """Every opener with a rest (each reason's texts), without its space, inside a text, and
    friendly and empty texts and NULL."""
    out: list[str | None] = []
    for openers in ct.REPORTABLE_OPENERS.values():
        for o in openers:
            out += [f"{o} and then some.", o, f"Well, {o} and then", f"{o}  two spaces"]
    return [*out, "Hi all, hoping for some perspective.", "", None]


def test_reportable_reason_regex_reads_as_the_opener_chain(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frame = pl.DataFrame({"content": _texts()}, schema={"content": pl.String})
    assert ct._OPENERS_UNAMBIGUOUS  # the regex path is the one builds take
    fast = frame.select(ct.reportable_reason_expr("content"))["reason"]
    monkeypatch.setattr(ct, "_OPENERS_UNAMBIGUOUS", False)
    plain = frame.select(ct.reportable_reason_expr("content"))["reason"]
    assert fast.to_list() == plain.to_list()
    # Each opener with its space reads as its reason; without the space or later, not at all.
    rows = iter(fast.to_list())
    for reason, openers in ct.REPORTABLE_OPENERS.items():
        for _ in openers:
            assert [next(rows) for _ in range(4)] == [reason, None, None, reason]
    assert list(rows) == [None, None, None]


def test_voices_code_roles_as_before() -> None:
    roles = pl.Series(["client", "therapist", "moderator", "admin", None, "therapist"])
    assert ct.voices(roles).tolist() == [0, 1, 2, 0, 0, 1]
    enum = roles.cast(pl.Enum(["admin", "client", "moderator", "therapist"]))
    assert ct.voices(enum).tolist() == [0, 1, 2, 0, 0, 1]


def _meetings_clash(person, at, end, code, s, e):  # type: ignore[no-untyped-def]
    """``group_sessions._busy_then`` as a plain double loop."""
    return [
        any(c == p and si < en and a < ei for c, si, ei in zip(code, s, e, strict=True))
        for p, a, en in zip(person, at, end, strict=True)
    ]


def _overlap_drops(session, person, at, end):  # type: ignore[no-untyped-def]
    """``group_sessions._one_at_a_time`` as a plain double loop."""
    n = len(session)
    return [
        not any(
            person[j] == person[i] and session[j] < session[i] and at[j] < end[i] and at[i] < end[j]
            for j in range(n)
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("seed", range(6))
def test_group_session_clashes_read_as_the_plain_loops(seed: int) -> None:
    import numpy as np

    from seedsnap.enrichers import group_sessions as gs

    rng = np.random.default_rng(seed)
    # Few people and coarse times: many ties, nested and touching intervals, an empty one.
    n_people = 5
    at = rng.integers(0, 40, 60) * 10
    end = at + rng.integers(0, 5, 60) * 10
    person = rng.integers(0, n_people, 60)
    session = rng.permutation(60)[rng.integers(0, 60, 60)]  # repeated ranks too
    keep = gs._one_at_a_time(session, person, at, end)
    assert keep.tolist() == _overlap_drops(session, person, at, end)
    s = rng.integers(0, 40, 30) * 10
    e = s + rng.integers(-1, 6, 30) * 10
    code = rng.integers(-1, n_people + 2, 30)  # -1: nobody's; beyond: no candidate's
    busy = gs._busy_then(person, at, end, code, s, e)
    assert busy.tolist() == _meetings_clash(person, at, end, code, s, e)


@pytest.mark.parametrize("seed", range(6))
def test_group_session_members_around_count_as_the_pairs(seed: int) -> None:
    """``_around`` counts the (slot, member) pairs ``_coming_then`` makes, slot by slot."""
    from seedsnap.context import MS_PER_DAY
    from seedsnap.enrichers import group_sessions as gs

    rng = np.random.default_rng(seed)
    n = 80
    # Few communities and days: members joining and last seen on a slot's day, the day
    # before or after, a NULL last seen, communities of no slot and slots of no member.
    since = (rng.integers(0, 12, n) * MS_PER_DAY + rng.integers(0, MS_PER_DAY, n)).tolist()
    seen = [s + int(rng.integers(0, 6)) * MS_PER_DAY for s in since]
    seen[:5] = [None] * 5
    members = pl.DataFrame(
        {
            "communityId": rng.choice(["a", "b", "c", "d"], n).tolist(),
            "since": since,
            "seen": seen,
            "coming": (rng.random(n) < 0.3).tolist(),
        },
        schema={
            "communityId": pl.String,
            "since": pl.Int64,
            "seen": pl.Int64,
            "coming": pl.Boolean,
        },
    )
    grid = pl.DataFrame(
        {
            "communityId": rng.choice(["a", "b", "c", "e"], 40).tolist(),
            "day": rng.integers(-1, 16, 40).astype("datetime64[D]"),
        }
    ).with_columns(pl.col("day").cast(pl.Date))
    pairs = gs._coming_then(grid, members).group_by("_r").len()
    expected = np.zeros(grid.height, dtype=np.int64)
    expected[pairs["_r"].to_numpy()] = pairs["len"].to_numpy()
    assert gs._around(grid, members).tolist() == expected.tolist()
    assert expected.any()


@pytest.mark.parametrize("seed", range(4))
def test_group_session_candidates_pair_as_the_join(seed: int) -> None:
    """``_candidates`` pairs sessions and people as the join it replaces, "needSeen" or not."""
    from seedsnap.enrichers import group_sessions as gs

    rng = np.random.default_rng(seed)
    n, m = 30, 50
    x = pl.DataFrame(
        {
            "communityId": rng.choice(["a", "b", "c", "e"], n).tolist(),
            "close": rng.integers(0, 20, n),
            "created": rng.integers(0, 20, n),
        }
    )
    people = pl.DataFrame(
        {
            "communityId": rng.choice(["a", "b", "c", "d"], m).tolist(),
            "since": rng.integers(0, 20, m),
            "seen": rng.integers(0, 20, m),
            "coming": rng.random(m) < 0.5,
        }
    )
    need = pl.Series("needSeen", rng.integers(0, 20, n)).set(pl.Series(rng.random(n) < 0.4), None)
    for frame in (x, x.with_columns(need)):
        fast = sorted(zip(*gs._candidates(frame, people), strict=True))
        plain = sorted(zip(*gs._joined_candidates(frame, people), strict=True))
        assert fast == plain
        assert plain


@pytest.mark.parametrize("seed", range(4))
def test_group_session_hours_read_as_the_join(seed: int) -> None:
    """``in_hours`` finds what the join of every row with its therapist's windows finds:
    therapists with windows in two zones, a weekday out of range, starts around a change
    of daylight saving time, therapists with no window."""
    from seedsnap.context import MS_PER_MINUTE
    from seedsnap.enrichers import group_sessions as gs

    rng = np.random.default_rng(seed)
    zones = ["America/New_York", "America/Chicago", "America/Phoenix", "Europe/Berlin"]
    n_w = 60
    windows = pl.DataFrame(
        {
            "userId": rng.choice(["t1", "t2", "t3", "t4", "t5"], n_w).tolist(),
            "dow": rng.integers(0, 8, n_w),
            "s": rng.integers(0, 24, n_w) * 60,
            "e": rng.integers(0, 25, n_w) * 60,
            "tz": rng.choice(zones, n_w).tolist(),
        }
    )
    n = 400
    who = pl.Series(rng.choice(["t1", "t2", "t3", "t6"], n).tolist())
    start = 1_710_000_000_000  # March 2024, days before New York's clocks go forward
    at = start + rng.integers(0, 14 * 48, n) * 30 * MS_PER_MINUTE
    end = at + rng.integers(1, 5, n) * 30 * MS_PER_MINUTE
    fast = gs.in_hours(who, at, end, windows)
    assert fast.tolist() == gs._in_hours_joined(who, at, end, windows).tolist()
    assert fast.any()
    assert not fast.all()


@pytest.mark.parametrize("seed", range(6))
def test_hearts_best_rows_choose_as_best_rows(seed: int) -> None:
    import numpy as np

    from seedsnap.enrichers import common, hearts

    rng = np.random.default_rng(seed)
    n_entities, n = 40, 3000
    # Entities of a few rows to hundreds, needs beyond what some have, some rows late (all
    # of one entity's), draws that tie.
    entity = np.sort(rng.choice(n_entities, n, p=rng.dirichlet(np.full(n_entities, 0.3))))
    need = rng.integers(0, 12, n_entities)
    late = (rng.random(n) < 0.3).astype(np.int64)
    late[entity == 0] = 1
    score = rng.integers(0, 2**64, n, dtype=np.uint64)
    score[rng.random(n) < 0.05] = score[0]
    keys = rng.integers(0, 2**64, n, dtype=np.uint64)
    shuffle = rng.permutation(n)
    entity, late, score, keys = entity[shuffle], late[shuffle], score[shuffle], keys[shuffle]
    for ranks in ([late], []):
        expected = common.best_rows(entity, need, score, keys, ranks)
        code = ranks[0] if ranks else 0 * late
        got = hearts._best_rows(entity, need, score, keys, lambda at, c=code: (at, c[at]))
        assert got.tolist() == expected.tolist()
    # Rows ``fit`` leaves out (a fifth, some entities' every row) are as rows left out beforehand.
    taken = (rng.random(n) < 0.2) | (entity == 1)
    free = np.flatnonzero(~taken)
    for ranks in ([late], []):
        expected = free[common.best_rows(entity[free], need, score[free], keys[free],
                                         [r[free] for r in ranks])]  # fmt: skip
        code = late if ranks else 0 * late

        def fit(at: np.ndarray, c: np.ndarray = code) -> tuple[np.ndarray, np.ndarray]:
            free_at = at[~taken[at]]
            return free_at, c[free_at]

        got = hearts._best_rows(entity, need, score, keys, fit)
        assert got.tolist() == expected.tolist()


def test_first_options_take_what_a_full_sort_gives() -> None:
    """A user's options in its order by (later, shuffle, post), round again past the last,
    as the options it keeps all sorted give them: users wanting more than they have, none,
    or few of many; shuffles that tie, and ones at the top of the range."""
    from seedsnap.enrichers.comments import _first_options

    rng = np.random.default_rng(7)
    users, rows = 40, 20_000
    n = np.sort(rng.integers(0, users, rows))
    p = rng.permutation(rows).astype(np.int64)
    shuffle = rng.integers(0, 2**64, rows, dtype=np.uint64)
    shuffle[0:-1:7] = shuffle[1::7]  # ties
    shuffle[::11] = np.iinfo(np.uint64).max
    # 0: taken first; 1: passed over; 2: commented on already.
    later = np.where(rng.random(rows) < 0.2, 2, (rng.random(rows) < 0.2).astype(np.int64))
    keep = rng.random(rows) < 0.9
    count = np.bincount(n[keep], minlength=users)
    want = np.where(count > 0, rng.integers(0, 60, users), 0)
    want[:3] = count[:3] + 5  # more than they have
    order, first = _first_options(n, p, shuffle, later, keep, want)
    for u in range(users):
        mine = np.flatnonzero((n == u) & keep)
        ranked = mine[np.lexsort((p[mine], shuffle[mine], later[mine]))]
        turns = np.arange(want[u])
        assert (
            order[first[u] + turns % max(count[u], 1)] == ranked[turns % max(count[u], 1)]
        ).all()


def test_draw_without_replacement_as_one_lexsort() -> None:
    """The padded per-group sort picks as a lexsort of every group's items by (group,
    draw, item) did."""
    from seedsnap.enrichers.messages import _draw_without_replacement
    from seedsnap.random import Stream, expand

    rng = np.random.default_rng(3)
    size = rng.integers(1, 20, 300)
    size[:5] = 1
    keys = rng.integers(0, 2**63, 300).astype(np.uint64)
    group = np.sort(rng.integers(0, 300, 2_000))
    rank = rng.integers(0, 45, 2_000)
    s = Stream(1, "Message", "content")
    item, lap = _draw_without_replacement(s, keys, group, rank, size)
    g_rows, items, item_keys = expand(keys, size)
    shuffled = items[np.lexsort((items, s.bits(item_keys, 12), g_rows))]
    at = (np.cumsum(size) - size)[group] + rank % size[group]
    assert (item == shuffled[at]).all()
    assert (lap == rank // size[group]).all()


@pytest.mark.parametrize("seed", range(3))
def test_preferences_packed_sort_orders_as_the_lexsort(seed: int) -> None:
    """``_preferences``' packed argsort ranks as the lexsort it replaces; where two columns
    tie in the packed key (equal bits above the cut), the lexsort decides."""
    from seedsnap.generators.relationships import _preferences

    rng = np.random.default_rng(seed)
    rows, cols = 40, 25
    bits = rng.integers(0, 2**63, (rows, cols), dtype=np.uint64) * np.uint64(2)
    fit = rng.integers(-2, 5, (rows, cols))
    local = rng.integers(0, 4, (rows, cols))

    def plain(b: np.ndarray) -> list[list[int]]:
        return np.lexsort((b, -fit, -local, fit <= 0), axis=1).tolist()

    assert _preferences(bits, fit, local).tolist() == plain(bits)
    # Row 0's first two columns: one tie of all keys but bits' lowest bit, the later column
    # ranked first by it (the packed argsort, blind to that bit, would keep them as they are).
    tied = bits.copy()
    fit[0, :2], local[0, :2] = 3, 1
    tied[0, 0], tied[0, 1] = tied[0, 1] | np.uint64(1), tied[0, 1]
    got = _preferences(tied, fit, local)
    assert got.tolist() == plain(tied)
    assert got[0].tolist().index(1) < got[0].tolist().index(0)


def test_slot_rows_find_what_the_slot_by_slot_search_finds() -> None:
    """``_slot_rows`` (one pass) finds each slot's rows as one search per slot does, and
    gives way (None) to that search where a brace is no slot's."""
    from seedsnap.enrichers import messages
    from seedsnap.generators import social_text as t

    rng = np.random.default_rng(3)
    tokens = ["{" + s + "}" for s in t.MESSAGE_SLOTS] + ["{hello}"]
    texts = [
        " and ".join(rng.choice(tokens, rng.integers(0, 4)).tolist()) or "no slot"
        for _ in range(300)
    ]
    text = pl.Series(texts, dtype=pl.String)
    got = messages._slot_rows(text)
    assert got is not None
    for token in set(tokens):
        plain = np.flatnonzero(text.str.contains(token, literal=True).to_numpy())
        assert got.get(token, np.zeros(0, dtype=np.int64)).tolist() == plain.tolist(), token
    assert sum(len(v) for v in got.values()) > 300
    for stray in ("a {b", "a } b", "{most_days {x}"):
        assert messages._slot_rows(text.append(pl.Series([stray]))) is None


def test_fill_slots_fill_as_the_slot_by_slot_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """``_fill_slots`` fills the same with ``_slot_rows`` as slot by slot, a stray brace
    (the fallback) and NULL among the texts."""
    from seedsnap.config import resolve
    from seedsnap.context import Context
    from seedsnap.enrichers import messages
    from seedsnap.generators import social_text as t

    ctx = Context(resolve(mode="light", env={}, config_file=None))
    rng = np.random.default_rng(4)
    tokens = ["{" + s + "}" for s in t.MESSAGE_SLOTS]
    texts = [" ".join(rng.choice(tokens, 2, replace=False).tolist()) for _ in range(200)]
    keys = rng.integers(0, 2**63, 203, dtype=np.uint64)
    hour = rng.integers(0, 24, 203)
    for extra in (["plain", None, "{hello} there"], ["stray { brace", None, "{hello}"]):
        text = pl.Series([*texts, *extra], dtype=pl.String)
        fast = messages._fill_slots(ctx, keys, text, hour)
        with monkeypatch.context() as m:
            m.setattr(messages, "_slot_rows", lambda _text: None)
            plain = messages._fill_slots(ctx, keys, text, hour)
        assert fast.to_list() == plain.to_list()
        assert (messages._slot_rows(text) is None) == ("{" in extra[0])
        assert fast.str.contains("{", literal=True).sum() == ("{" in extra[0])


@pytest.mark.parametrize("seed", range(3))
def test_hearts_in_communities_pair_as_the_join(seed: int) -> None:
    """``_in_communities`` pairs the rows as their inner join on the community (-1: none,
    as a NULL community, joins nothing)."""
    from seedsnap.enrichers import hearts

    rng = np.random.default_rng(seed)
    rows = pl.DataFrame({"_r": np.arange(80), "_c": rng.integers(-1, 6, 80)})
    others = pl.DataFrame({"_u": np.arange(120) * 10, "_c": rng.integers(-1, 7, 120)})
    got = hearts._in_communities(rows, others).frame()
    none = pl.col("_c").replace(-1, None)
    plain = rows.with_columns(none).join(others.with_columns(none), on="_c").drop("_c")
    assert got.columns == ["_r", "_u"]
    assert got.height > 100
    assert sorted(got.rows()) == sorted(plain.rows())
    assert got["_r"].is_sorted()


def test_local_when_writes_each_time_as_its_zone_does() -> None:
    """``notifications._local_when`` writes each row's time as converting that one row in
    its zone does (NULL zone: UTC; NULL time: NULL), repeated times and zones among them."""
    from seedsnap.context import MS_PER_MINUTE
    from seedsnap.enrichers import notifications as nt

    rng = np.random.default_rng(6)
    zones = ["America/Toronto", "America/Regina", "America/St_Johns", "Europe/Berlin", None]
    n = 300
    tz = pl.Series(rng.choice(np.array(zones, dtype=object), n).tolist(), dtype=pl.String)
    when = pl.Series(1_704_067_200_000 + rng.integers(0, 3 * 366 * 24, n) * 20 * MS_PER_MINUTE)
    when = when.scatter([3, 50], None)
    got = nt._local_when(when, tz).to_list()
    for w, z, g in zip(when.to_list(), tz.to_list(), got, strict=True):
        one = pl.Series([w], dtype=pl.Int64).cast(pl.Datetime("ms", "UTC"))
        want = one.dt.convert_time_zone(z or "UTC").dt.strftime(f"{nt.WHEN_FORMAT} %Z")[0]
        assert g == want, (w, z)
    assert {"EST", "EDT", "CST", "NST", "NDT", "CET", "UTC"} <= {
        g.rsplit(" ", 1)[1] for g in got if g
    }


@pytest.mark.parametrize("step", [1, 60_000])
def test_distinct_inverse_is_np_unique(step: int) -> None:
    """``distinct_inverse``' table over a dense grid gives what ``np.unique`` gives, as do
    values off the grid or spread too thinly (the sort), and no values."""
    from seedsnap.arrays import distinct_inverse

    rng = np.random.default_rng(step)
    dense = 1_700_000_000_000 + rng.integers(0, 500, 2000) * step
    for values in (dense, dense + (np.arange(2000) == 7), dense * 50_000, dense[:0]):
        distinct, back = distinct_inverse(values, step)
        want, want_back = np.unique(values, return_inverse=True)
        assert distinct.tolist() == want.tolist()
        assert back.tolist() == want_back.tolist()


@pytest.mark.parametrize("dtype", [np.int64, np.uint64, np.int32, np.uint8])
def test_stable_positions_is_the_stable_argsort(dtype: type) -> None:
    """``stable_positions`` (one sort of the values packed above their positions) orders as
    numpy's stable argsort: many ties, a range too wide to pack (the argsort itself), one
    value, none, and values at both ends of the type."""
    from seedsnap.arrays import stable_positions

    rng = np.random.default_rng(7)
    info = np.iinfo(dtype)
    wide = rng.integers(info.min, info.max, 500, dtype=dtype, endpoint=True)
    ties = rng.integers(0, 5, 3000).astype(dtype)
    ends = np.array([info.max, info.min, 0, info.max, info.min], dtype=dtype)
    for values in (wide, ties, ends, ties[:1], ties[:0], ties + np.arange(3000, dtype=dtype)):
        want = np.argsort(values, kind="stable")
        assert stable_positions(values).tolist() == want.tolist()


@pytest.mark.parametrize("seed", range(6))
def test_take_ranked_takes_as_without_its_cut(seed: int) -> None:
    """``take_ranked`` picks as it did before it dropped each user's tiers past the first
    that holds its want: users wanting none, more than they have, pairs repeated at several
    tiers (the lowest counts), tiers that hold a want exactly."""
    from seedsnap.arrays import stable_positions
    from seedsnap.enrichers.common import best_rows, take_ranked
    from seedsnap.random import I64, Stream, child_keys

    rng = np.random.default_rng(seed)
    n, m, tiers = 60, 4000, 5
    keys = rng.integers(0, 2**64, n, dtype=np.uint64)
    want = rng.integers(0, 8, n)
    want[:5] = 0
    want[5:10] = 200  # more than anyone has
    u, v = rng.integers(0, n, m), rng.integers(0, n, m)
    u, v = u[u != v], v[u != v]
    tier = rng.choice(tiers, len(u), p=[0.05, 0.1, 0.2, 0.3, 0.35])
    stream = Stream(seed, "T", "p")

    def plain() -> I64:  # take_ranked without the cut
        at = np.flatnonzero(want[u] > 0)
        code = (u[at] * n + v[at]) * tiers + tier[at]
        by_code = stable_positions(code)
        pair = code[by_code] // tiers
        at = at[by_code[np.r_[True, pair[1:] != pair[:-1]]]]
        uu, vv, tt = u[at], v[at], tier[at]
        draw = stream.bits(child_keys(keys[uu], keys[vv]), 0)
        return at[best_rows(uu, want, draw, vv, [tt])]

    got = take_ranked(stream, keys, u, v, tier, want)
    assert got.tolist() == plain().tolist()
    assert len(got) > 0


@pytest.mark.parametrize("side", ["left", "right"])
def test_search_sorted_is_np_searchsorted(side: str) -> None:
    """``search_sorted`` (the values searched in ascending order) finds each value's place
    as ``np.searchsorted`` does: values that repeat, equal some of the sorted ones, fall
    before and past them all; an empty side either way."""
    from seedsnap.arrays import search_sorted

    rng = np.random.default_rng(11)
    sorted_ = np.sort(rng.integers(0, 1000, 300))
    values = np.concatenate([rng.integers(-50, 1050, 2000), sorted_[::7], [-1, 10**6]])
    for a, v in ((sorted_, values), (sorted_[:0], values), (sorted_, values[:0])):
        want = np.searchsorted(a, v, side=side)
        assert search_sorted(a, v, side).tolist() == want.tolist()
