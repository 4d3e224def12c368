"""Rooms: every room group has at least one room (seeder.md §7 row 14).

A real top-up: a group without rooms gets a "General Discussion" room; a satisfied group gets
nothing. The communities generator already gives each group its room, so on a fresh build
this adds nothing; it matters for partial inputs. No extra rooms (e.g. "Introductions") are
added, because posts are spread over the existing rooms by the content enrichers.
"""

from __future__ import annotations

import polars as pl

from seedsnap.context import Context, Frames
from seedsnap.generators.common import text_keys
from seedsnap.random import child_keys

READS = ("RoomGroup",)
WRITES = ("Room",)

ROOM_NAME = "General Discussion"


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    groups = frames["RoomGroup"].select("id").sort("id")
    empty = groups.join(frames["Room"], left_on="id", right_on="roomGroupId", how="anti")
    if empty.is_empty():
        return {}
    # Keyed by the group's id (child 0), a different key space from the generator's rooms.
    keys = child_keys(text_keys(empty["id"]), 0)
    room = empty.select(
        ctx.ids("Room", keys).alias("id"),
        pl.lit(ROOM_NAME).alias("name"),
        pl.lit(1, dtype=pl.Int32).alias("order"),
        pl.lit("member").alias("postingRole"),
        pl.col("id").alias("roomGroupId"),
    )
    return {"Room": room}
