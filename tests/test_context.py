"""Context.memo: a value derived from a frame is computed once per frame object."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from seedsnap.config import resolve
from seedsnap.context import Context
from seedsnap.generators.users import last_seen


def test_memo_computes_once_per_source_object_and_again_for_another() -> None:
    ctx = Context(resolve(mode="light", env={}, config_file=None))
    a, b = pl.DataFrame({"x": [1]}), pl.DataFrame({"x": [1]})  # equal, not the same object
    calls: list[int] = []

    def make(n: int) -> int:
        calls.append(n)
        return n

    assert ctx.memo("v", a, lambda: make(1)) == 1
    assert ctx.memo("v", a, lambda: make(2)) == 1  # the same frame: kept
    assert ctx.memo("v", b, lambda: make(3)) == 3  # another frame: computed
    assert ctx.memo("w", b, lambda: make(4)) == 4  # another name: its own
    assert calls == [1, 3, 4]


def test_last_seen_is_shared_read_only_and_equal_for_an_equal_frame() -> None:
    from seedsnap.build import generate

    cfg = resolve(mode="light", env={}, config_file=None)
    users = generate(cfg)["User"]
    ctx = Context(cfg)
    first = last_seen(ctx, users)
    assert last_seen(ctx, users) is first
    with pytest.raises(ValueError):
        first[0] = 0  # callers share it: nobody may change it in place
    assert np.array_equal(last_seen(Context(cfg), users.clone()), first)
