"""What every generator and enricher receives: the config, keyed randomness, the schema, time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt
import polars as pl

from seedsnap.config import Config
from seedsnap.ids import cuid, uuid4
from seedsnap.random import Rng, Stream
from seedsnap.schema import MENTARA, Schema
from seedsnap.schema.frames import conform, empty_frame

Frames = dict[str, pl.DataFrame]
T = TypeVar("T")

MS_PER_MINUTE = 60_000
MS_PER_HOUR = 3_600_000
MS_PER_DAY = 86_400_000


@dataclass(frozen=True)
class Context:
    """Read-only inputs of a build. Pure functions of this and the frames make the data."""

    config: Config
    schema: Schema = MENTARA
    rng: Rng = field(init=False)
    # Values derived from a frame, kept per name with the frame they came from (``memo``).
    _memo: dict[str, tuple[object, Any]] = field(
        init=False, default_factory=dict, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "rng", Rng(self.config.seed))

    @property
    def anchor_ms(self) -> int:
        return self.config.anchor_ms

    def stream(self, table: str, purpose: str) -> Stream:
        return self.rng.stream(table, purpose)

    def memo(self, name: str, source: object, make: Callable[[], T]) -> T:
        """``make()``, a pure function of ``source``, computed once while ``source`` (the
        very object, as steps share a build's frames) is the last one asked for by ``name``."""
        hit = self._memo.get(name)
        if hit is not None and hit[0] is source:
            return cast(T, hit[1])
        value = make()
        self._memo[name] = (source, value)
        return value

    def ids(self, table: str, keys: npt.ArrayLike, name: str = "id") -> pl.Series:
        """Ids for ``table`` shaped as its Prisma default (uuid() or cuid()) makes them."""
        col = self.schema.table(table).column("id")
        if col.client_default == "cuid":
            return cuid(self.config.seed, table, keys, name)
        return uuid4(self.config.seed, table, keys, name)

    def frame(self, table: str, frame: pl.DataFrame) -> pl.DataFrame:
        """``frame`` conformed to the table (column order, dtypes, constant defaults)."""
        return conform(self.schema.table(table), frame)

    def empty(self, table: str) -> pl.DataFrame:
        return empty_frame(self.schema.table(table))


def timestamps(ms: npt.ArrayLike, name: str) -> pl.Series:
    """Epoch milliseconds (int64) as a timestamp(3) column."""
    return pl.Series(name, np.asarray(ms, dtype=np.int64)).cast(pl.Datetime("ms"))
