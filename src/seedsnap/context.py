"""What every generator and enricher receives: the config, keyed randomness, the schema, time."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import polars as pl

from seedsnap.config import Config
from seedsnap.ids import cuid, uuid4
from seedsnap.random import Rng, Stream
from seedsnap.schema import MENTARA, Schema
from seedsnap.schema.frames import conform, empty_frame

Frames = dict[str, pl.DataFrame]

MS_PER_MINUTE = 60_000
MS_PER_HOUR = 3_600_000
MS_PER_DAY = 86_400_000


@dataclass(frozen=True)
class Context:
    """Read-only inputs of a build. Pure functions of this and the frames make the data."""

    config: Config
    schema: Schema = MENTARA
    rng: Rng = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rng", Rng(self.config.seed))

    @property
    def anchor_ms(self) -> int:
        return self.config.anchor_ms

    def stream(self, table: str, purpose: str) -> Stream:
        return self.rng.stream(table, purpose)

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
