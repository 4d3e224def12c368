"""Keyed randomness: the same values in any process, independent streams, stable under growth.

The statistical checks use fixed seeds, so they are deterministic; their bounds sit about five
standard deviations from the expected value (n = 100 000), and the negative controls at the end
show that the same checks reject deliberately dependent pairs.
"""

from __future__ import annotations

import json
import os
import runpy
import subprocess
import sys
from pathlib import Path
from statistics import NormalDist

import numpy as np
import numpy.typing as npt
import pytest

from seedsnap import random as sr
from seedsnap.random import Rng, Stream, child_keys, expand, mix, name_key, root_key

N = 100_000
F64 = npt.NDArray[np.float64]
U64 = npt.NDArray[np.uint64]

# Draws of every public function, digested per function: run in-process and in subprocesses
# with other PYTHONHASHSEED and TZ values, the digests must agree.
DRAWS_SCRIPT = r"""
import hashlib, json
import numpy as np
from seedsnap import ids
from seedsnap.random import Rng, child_keys, expand, mix, name_key, root_key

def digests():
    def h(a):
        return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()[:16]
    keys = child_keys(root_key("client"), np.arange(5000))
    s = Rng(20260222).stream("User", "profile")
    rows, index, kids = expand(keys[:50], np.arange(50) % 7)
    out = {
        "name_key": h(np.array([name_key("a", 1, "b")])),
        "mix": h(mix(np.arange(1000, dtype=np.uint64))),
        "child_keys": h(keys),
        "expand": h(np.concatenate([rows, index, kids.view(np.int64)])),
        "bits": h(s.bits(keys, 3)),
        "uniform": h(s.uniform(keys)),
        "integers": h(s.integers(keys, -5, 17, index=1)),
        "bernoulli": h(s.bernoulli(keys, 0.3, index=2)),
        "choice": h(s.choice(keys, 4, p=[0.1, 0.2, 0.3, 0.4], index=3)),
        "normal": h(s.normal(keys, 4)),
        "permutation_rank": h(s.permutation_rank(keys)),
        "uuid4": h(np.array(ids.uuid4(20260222, "User", keys).to_list(), dtype="S36")),
        "cuid": h(np.array(ids.cuid(20260222, "GroupSession", keys).to_list(), dtype="S25")),
    }
    return out

if __name__ == "__main__":
    print(json.dumps(digests(), sort_keys=True))
"""


def test_values_are_identical_across_processes_hash_seeds_and_time_zones(tmp_path: Path) -> None:
    script = tmp_path / "draws.py"
    script.write_text(DRAWS_SCRIPT)
    here = runpy.run_path(str(script))["digests"]()
    for hash_seed, tz in (("0", "UTC"), ("4242", "Pacific/Kiritimati"), ("random", "Asia/Kolkata")):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "TZ": tz}
        proc = subprocess.run(
            [sys.executable, str(script)], env=env, capture_output=True, text=True, check=True
        )
        assert json.loads(proc.stdout) == here, (hash_seed, tz)


def test_golden_values_pin_the_formula() -> None:
    # Every snapshot depends on these values (unchanged since the foundation commit): a change
    # here must be deliberate and come with new golden snapshots.
    s = Rng(20260222).stream("User", "profile")
    keys = child_keys(root_key("client"), np.arange(3))
    assert [hex(int(x)) for x in keys] == [
        "0x70f44eb6dda9a17e",
        "0xba5949b826f3693f",
        "0x8024010dbdb3237a",
    ]
    assert [hex(int(x)) for x in s.bits(keys)] == [
        "0xe3d254747fdf18b6",
        "0x36b5f3a197d213c0",
        "0x2b89138bca5d0d99",
    ]


def test_scalars_and_arrays_agree_without_overflow_warnings() -> None:
    # pytest turns warnings into errors: wrapping uint64 scalar arithmetic would warn.
    s = Rng(3).stream("T", "p")
    assert s.bits(5, 3) == s.bits(np.array([5]), np.array([3]))[0]
    assert mix(np.uint64(2**64 - 1)) == mix(np.array([2**64 - 1], dtype=np.uint64))[0]
    assert child_keys(root_key("x"), 7) == child_keys(root_key("x"), np.arange(8))[7]
    assert s.normal(9, 2) == s.normal(np.array([9]), 2)[0]
    grid = s.bits(np.arange(4, dtype=np.uint64)[:, None], np.arange(3, dtype=np.uint64))
    assert grid.shape == (4, 3)
    assert grid[2, 1] == s.bits(2, 1)


def test_blocked_kernels_do_not_depend_on_the_block_size(monkeypatch: pytest.MonkeyPatch) -> None:
    keys = np.arange(1000, dtype=np.uint64)
    before = Rng(1).stream("T", "p").bits(keys, keys % 3), mix(keys)
    monkeypatch.setattr(sr, "_BLOCK", 7)
    after = Rng(1).stream("T", "p").bits(keys, keys % 3), mix(keys)
    assert np.array_equal(before[0], after[0])
    assert np.array_equal(before[1], after[1])


# -- statistics ---------------------------------------------------------------------------------


def _chi2_problem(counts: npt.NDArray[np.int64], expected: F64, what: str) -> list[str]:
    """Pearson chi-square against ``expected``; bound: dof +- 5 * sqrt(2 dof)."""
    stat = float(((counts - expected) ** 2 / expected).sum())
    dof = counts.size - 1
    ok = abs(stat - dof) < 5 * np.sqrt(2 * dof)
    return [] if ok else [f"{what}: chi2 {stat:.1f} with {dof} dof"]


def uniform_problems(u: F64, what: str = "u") -> list[str]:
    """Why ``u`` does not look like i.i.d. U[0, 1) draws (empty when it does)."""
    n = len(u)
    problems = []
    if not (u.min() >= 0.0 and u.max() < 1.0):
        problems.append(f"{what}: outside [0, 1)")
    if abs(u.mean() - 0.5) > 5 * np.sqrt(1 / 12 / n):
        problems.append(f"{what}: mean {u.mean():.5f}")
    # var of the sample variance of U[0,1) is (1/80 - 1/144) / n
    if abs(u.var() - 1 / 12) > 5 * np.sqrt((1 / 80 - 1 / 144) / n):
        problems.append(f"{what}: variance {u.var():.6f}")
    counts = np.bincount(np.minimum((u * 100).astype(np.int64), 99), minlength=100)
    return problems + _chi2_problem(counts, np.full(100, n / 100), f"{what} buckets")


def independence_problems(a: F64, b: F64) -> list[str]:
    """Why two uniform samples look dependent: correlation, then a 10x10 joint chi-square.

    The joint table catches dependence that has no linear correlation (see the tent control).
    """
    r = float(np.corrcoef(a, b)[0, 1])
    problems = [] if abs(r) < 0.02 else [f"correlation {r:.4f}"]
    cell = np.minimum((a * 10).astype(np.int64), 9) * 10 + np.minimum((b * 10).astype(np.int64), 9)
    counts = np.bincount(cell, minlength=100)
    return problems + _chi2_problem(counts, np.full(100, len(a) / 100), "joint 10x10")


def bit_problems(x: U64, y: U64) -> list[str]:
    """Why two bit streams look related: every bit of x ^ y should be 1 half the time."""
    z = x ^ y
    rates = np.array([((z >> np.uint64(b)) & np.uint64(1)).mean() for b in range(64)])
    bad = np.flatnonzero(np.abs(rates - 0.5) > 5 * 0.5 / np.sqrt(len(z)))
    return [f"bits {bad.tolist()} of x ^ y are biased"] if bad.size else []


KEYS = child_keys(root_key("client"), np.arange(N))
RAW = np.arange(N, dtype=np.uint64)


def _pairs() -> dict[str, tuple[Stream, Stream, U64, U64, int, int]]:
    """Named pairs of draws that must be independent: (stream, stream, keys, keys, idx, idx)."""
    a = Rng(1).stream("User", "a")
    kids_a = child_keys(root_key("community"), np.arange(N))
    kids_b = child_keys(child_keys(root_key("community"), 1), np.arange(N))
    return {
        "purposes": (a, Rng(1).stream("User", "b"), KEYS, KEYS, 0, 0),
        "tables": (a, Rng(1).stream("Post", "a"), KEYS, KEYS, 0, 0),
        "adjacent seeds": (a, Rng(2).stream("User", "a"), KEYS, KEYS, 0, 0),
        "indices": (a, a, KEYS, KEYS, 0, 1),
        "neighbouring child keys": (a, a, KEYS[:-1], KEYS[1:], 0, 0),
        "sequential raw keys": (a, a, RAW[:-1], RAW[1:], 0, 0),
        "raw key vs index": (a, a, RAW[1:], RAW[:-1], 0, 1),
        "children of two parents": (a, a, kids_a, kids_b, 0, 0),
    }


@pytest.mark.parametrize("name", list(_pairs()))
def test_streams_are_independent(name: str) -> None:
    s1, s2, k1, k2, i1, i2 = _pairs()[name]
    b1, b2 = s1.bits(k1, i1), s2.bits(k2, i2)
    u1, u2 = s1.uniform(k1, i1), s2.uniform(k2, i2)
    problems = uniform_problems(u1, "first") + uniform_problems(u2, "second")
    problems += independence_problems(u1, u2) + bit_problems(b1, b2)
    assert problems == []


def test_normal_has_mean_0_variance_1_and_gaussian_buckets() -> None:
    x = Rng(5).stream("Meeting", "duration").normal(KEYS)
    assert abs(x.mean()) < 5 / np.sqrt(N)
    assert abs(x.var() - 1) < 5 * np.sqrt(2 / N)
    edges = [NormalDist().inv_cdf(q / 20) for q in range(1, 20)]
    counts = np.bincount(np.searchsorted(edges, x), minlength=20)
    assert _chi2_problem(counts, np.full(20, N / 20), "normal buckets") == []
    # Box-Muller's two halves must not leak into each other or into the next index.
    assert abs(np.corrcoef(x, Rng(5).stream("Meeting", "duration").normal(KEYS, 1))[0, 1]) < 0.02


def test_bernoulli_rate_scalar_and_per_row() -> None:
    s = Rng(5).stream("Post", "flagged")
    for p in (0.03, 0.3, 0.9):
        rate = s.bernoulli(KEYS, p).mean()
        assert abs(rate - p) < 5 * np.sqrt(p * (1 - p) / N), (p, rate)
    assert not s.bernoulli(KEYS, 0.0).any()
    assert s.bernoulli(KEYS, 1.0).all()
    p = np.where(np.arange(N) % 2 == 0, 0.2, 0.7)
    hits = s.bernoulli(KEYS, p)
    assert abs(hits[::2].mean() - 0.2) < 5 * np.sqrt(0.16 / (N / 2))
    assert abs(hits[1::2].mean() - 0.7) < 5 * np.sqrt(0.21 / (N / 2))


def test_integers_stay_in_range_and_are_uniform() -> None:
    s = Rng(5).stream("User", "age")
    x = s.integers(KEYS, -3, 10)
    assert x.min() == -3 and x.max() == 9
    assert _chi2_problem(np.bincount(x + 3), np.full(13, N / 13), "integers") == []
    low = np.arange(N) % 50 - 25
    high = low + 1 + np.arange(N) % 7
    y = s.integers(KEYS, low, high, index=1)
    assert ((y >= low) & (y < high)).all()
    assert (y == high - 1).any() and (y[high - low > 1] == low[high - low > 1]).any()
    wide = s.integers(KEYS, 0, 2**53, index=2)
    assert wide.min() >= 0 and wide.max() < 2**53
    assert (s.integers(KEYS, 7, 8) == 7).all()


@pytest.mark.parametrize(
    ("low", "high", "message"),
    [(5, 5, "low < high"), (5, 4, "low < high"), (0, 2**53 + 1, "2\\*\\*53")],
)
def test_integers_reject_empty_or_too_wide_ranges(low: int, high: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Rng(1).stream("T", "p").integers(KEYS[:10], low, high)


def test_choice_uniform_and_weighted() -> None:
    s = Rng(9).stream("Client", "concern")
    c = s.choice(KEYS, 6)
    assert c.min() == 0 and c.max() == 5
    assert _chi2_problem(np.bincount(c), np.full(6, N / 6), "choice") == []
    w = np.array([0.0, 5.0, 1.0, 0.0, 4.0, 0.0])  # zero weights first, inside and last
    c = s.choice(KEYS, 6, p=w, index=1)
    freq = np.bincount(c, minlength=6) / N
    p = w / w.sum()
    assert (freq[p == 0] == 0).all()
    assert (np.abs(freq - p) <= 5 * np.sqrt(p * (1 - p) / N)).all(), freq
    # Unnormalised integer weights are normalised here.
    assert np.array_equal(
        s.choice(KEYS, 3, p=[1, 1, 2], index=2), s.choice(KEYS, 3, [0.25, 0.25, 0.5], 2)
    )


class _LargestUniform(Stream):
    """A stream whose every uniform is the largest value uniform() can return, 1 - 2**-53."""

    def uniform(self, keys: npt.ArrayLike, index: npt.ArrayLike = 0) -> F64:
        return np.full(np.shape(keys), 1.0 - 2.0**-53)


def test_choice_never_picks_a_zero_weight_tail_even_for_the_largest_uniform() -> None:
    # cumsum of these normalised weights rounds to 1 - 2**-52, below the largest u: that u
    # used to fall through to the last index, whose weight is zero.
    w = np.array([0.1] * 7 + [0.0])
    assert np.cumsum(w / w.sum())[-1] < 1.0 - 2.0**-53
    assert (_LargestUniform(1, "T", "w").choice(KEYS[:5], 8, p=w) == 6).all()
    assert (_LargestUniform(1, "T", "w").choice(KEYS[:5], 3) == 2).all()
    assert (_LargestUniform(1, "T", "w").integers(KEYS[:5], 0, 2**53) == 2**53 - 1).all()
    assert not _LargestUniform(1, "T", "w").bernoulli(KEYS[:5], 1.0 - 2.0**-53).any()


@pytest.mark.parametrize(
    ("n", "p", "message"),
    [
        (0, None, "n >= 1"),
        (3, [1, 2], "shape"),
        (2, [1, -1], ">= 0"),
        (2, [0, 0], "not all zero"),
        (2, [1, float("nan")], "finite"),
    ],
)
def test_choice_rejects_bad_weights(n: int, p: list[float] | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Rng(1).stream("T", "p").choice(KEYS[:10], n, p)


def test_permutation_rank_gives_uniform_positions() -> None:
    # 20 000 groups of 5 candidates: where candidate 0 lands must be uniform over 5 places.
    s = Rng(2).stream("Community", "order")
    groups = KEYS[:20_000]
    cand = child_keys(groups[:, None], np.arange(5))
    order = np.argsort(s.permutation_rank(cand), axis=1)
    position_of_first = np.argmax(order == 0, axis=1)
    counts = np.bincount(position_of_first, minlength=5)
    assert _chi2_problem(counts, np.full(5, 20_000 / 5), "positions") == []


# -- negative controls: the checks above do fail on dependent pairs -----------------------------


def test_checks_reject_a_linearly_correlated_pair() -> None:
    s = Rng(1).stream("T", "p")
    a, noise = s.uniform(KEYS, 0), s.uniform(KEYS, 1)
    b = (a + 0.3 * noise) % 1.0  # still uniform, but tied to a
    assert uniform_problems(b) == []
    assert any(p.startswith("correlation") for p in independence_problems(a, b))


def test_checks_reject_an_uncorrelated_but_dependent_pair() -> None:
    a = Rng(1).stream("T", "p").uniform(KEYS)
    b = np.abs(2 * a - 1)  # the tent map: uniform, zero correlation with a, fully dependent
    problems = independence_problems(a, b)
    assert not any(p.startswith("correlation") for p in problems)
    assert any(p.startswith("joint") for p in problems)


def test_checks_reject_streams_keyed_without_the_outer_mix() -> None:
    # A cheaper design, bits = mix(key) ^ stream_key, makes two streams differ by a constant.
    inner = mix(KEYS)
    x, y = inner ^ name_key("stream", 1, "T", "a"), inner ^ name_key("stream", 1, "T", "b")
    assert bit_problems(x, y) != []
    assert bit_problems(Stream(1, "T", "a").bits(KEYS), Stream(1, "T", "b").bits(KEYS)) == []


def test_checks_reject_skewed_uniforms() -> None:
    u = Rng(1).stream("T", "p").uniform(KEYS)
    assert uniform_problems(u) == []
    assert uniform_problems(u**1.05) != []
    assert uniform_problems(np.floor(u * 64) / 64 + 0.001) != []


# -- growth -------------------------------------------------------------------------------------


def test_more_entities_leave_existing_keys_and_values_unchanged() -> None:
    s = Rng(7).stream("User", "profile")
    small = child_keys(root_key("client"), np.arange(1000))
    large = child_keys(root_key("client"), np.arange(2000))
    assert np.array_equal(small, large[:1000])
    for draw in (s.bits, s.uniform, s.normal, s.permutation_rank):
        assert np.array_equal(draw(small), draw(large)[:1000])
    assert np.array_equal(s.integers(small, 0, 9), s.integers(large, 0, 9)[:1000])
    assert np.array_equal(s.choice(small, 3, [1, 2, 3]), s.choice(large, 3, [1, 2, 3])[:1000])
    assert len(np.unique(large)) == 2000


def test_expand_with_larger_counts_keeps_existing_children() -> None:
    parents = child_keys(root_key("client"), np.arange(500))
    counts = np.arange(500) % 4
    more = counts + np.arange(500) % 3  # every parent keeps at least its old children
    rows, index, kids = expand(parents[:300], counts[:300])
    rows2, index2, kids2 = expand(parents, more)
    assert np.array_equal(np.bincount(rows2, minlength=500), more)
    starts2 = np.cumsum(more) - more
    at = starts2[rows] + index  # where (parent row, child index) sits in the larger expansion
    assert np.array_equal(rows2[at], rows) and np.array_equal(index2[at], index)
    assert np.array_equal(kids2[at], kids)
    assert len(np.unique(kids2)) == len(kids2)
    assert np.array_equal(kids, child_keys(parents[rows], index))


def test_expand_rejects_mismatched_or_negative_counts() -> None:
    parents = child_keys(root_key("client"), np.arange(3))
    with pytest.raises(ValueError, match="one count per parent"):
        expand(parents, [1, 2])
    with pytest.raises(ValueError, match=">= 0"):
        expand(parents, [1, -1, 2])
    rows, index, kids = expand(parents, [0, 0, 0])
    assert len(rows) == len(index) == len(kids) == 0


def test_text_keys_are_pinned_and_do_not_depend_on_the_batch() -> None:
    import polars as pl

    from seedsnap.generators.common import text_keys

    values = ["", "a", "dev_client_1", "0ca9ee8d-b370-445c-85c3-c8b3fa000000", "é✓ x" * 5]
    pinned = [1927618558350093866, 18165548639280739813, 4130647584080575646,
              11239161002031183313, 16698752723475086316]  # fmt: skip
    assert text_keys(pl.Series(values)).tolist() == pinned
    # Alone, sliced out of a longer chunked column, or among values of other lengths.
    rng = np.random.default_rng(2)
    noise = ["".join(rng.choice(list("ab-é0"), int(rng.integers(0, 30)))) for _ in range(200)]
    mixed = pl.concat([pl.Series(noise[:100]), pl.Series(values), pl.Series(noise[100:])])
    assert mixed.n_chunks() > 1
    assert text_keys(mixed.slice(100, len(values))).tolist() == pinned
    assert text_keys(mixed).tolist()[100:105] == pinned
    assert [int(text_keys(pl.Series([v]))[0]) for v in values] == pinned
