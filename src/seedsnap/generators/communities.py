"""Communities: the 3 fixture communities, the catalogue, derived ones at scale; rooms.

Selection as upstream (seeder.md §5): fixtures, then the first ``illness - 3`` illness
communities of the catalogue whose slug is not a fixture slug, then the first ``general``
general ones. At ``--scale`` beyond the catalogue, further communities are derived from the
catalogue entries ("<name> — Circle 2", slug "<slug>-2", ...). Each community is keyed by
its slug, so it keeps its id and rows when the population grows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from seedsnap.context import MS_PER_DAY, Context, Frames, timestamps
from seedsnap.generators.common import between, past, text_keys
from seedsnap.random import I64, U64, Stream

READS: tuple[str, ...] = ()
WRITES = ("Community", "RoomGroup", "Room")

# (name, slug, description, theme) — theme keys group sessions and texts elsewhere.
FIXTURES = (
    (
        "ADHD Support",
        "adhd-support",
        "A place to swap strategies for focus, routines and the good days and hard days of ADHD.",
        "adhd",
    ),
    (
        "Anxiety Support",
        "anxiety-support",
        "Talk through worry, panic and the what-ifs with people who understand.",
        "anxiety",
    ),
    (
        "Depression Support",
        "depression-support",
        "Gentle company for low days, and room to celebrate the small wins.",
        "depression",
    ),
)
ILLNESS = (
    (
        "Stress Support Community",
        "stress-support",
        "Share what is weighing on you and learn practical ways to decompress.",
        "stress",
    ),
    (
        "Anxiety Warriors",
        "anxiety-warriors",
        "For everyone facing anxiety head-on: coping tools, check-ins and encouragement.",
        "anxiety",
    ),
    (
        "Depression Support Network",
        "depression-support",
        "Peer support for living with depression.",
        "depression",
    ),
    (
        "Substance Recovery Support",
        "substance-recovery-support",
        "A judgement-free circle for recovery from substance use, one day at a time.",
        "recovery",
    ),
    (
        "Sleep & Insomnia Support",
        "insomnia-support",
        "Restless nights? Compare notes on sleep hygiene, routines and what helps you rest.",
        "sleep",
    ),
    (
        "Panic Disorder Support",
        "panic-disorder-support",
        "Understanding panic attacks together and building a toolkit for the next one.",
        "panic",
    ),
    (
        "Bipolar Support Circle",
        "bipolar-support",
        "Support for navigating highs, lows and everything in between.",
        "mood",
    ),
    (
        "OCD Support Community",
        "ocd-support",
        "Talk about intrusive thoughts, compulsions and exposure work without stigma.",
        "ocd",
    ),
    (
        "PTSD Support Network",
        "ptsd-support",
        "A safe space for trauma survivors to share at their own pace.",
        "trauma",
    ),
    (
        "Social Anxiety Support",
        "social-anxiety-support",
        "Practice connection in a low-pressure space and share small social victories.",
        "social-anxiety",
    ),
    (
        "Phobia Support Group",
        "phobia-support",
        "Facing fears step by step, with people cheering you on.",
        "phobia",
    ),
    (
        "Burnout Recovery",
        "burnout-recovery",
        "For the exhausted and overextended: rest, boundaries and recovering your energy.",
        "stress",
    ),
    (
        "Eating Disorder Recovery",
        "eating-disorder-recovery",
        "Recovery-focused support around food, body image and self-compassion.",
        "eating",
    ),
    ("ADHD Support Community", "adhd-support", "Peer support for ADHD.", "adhd"),
    (
        "Alcohol Recovery Support",
        "alcohol-recovery-support",
        "Support for cutting back or quitting drinking, wherever you are in the journey.",
        "recovery",
    ),
)
GENERAL = (
    (
        "Mindfulness & Meditation",
        "mindfulness-meditation",
        "Breathing exercises, meditation tips and moments of calm to share.",
        "general",
    ),
    (
        "Family & Relationships",
        "family-relationships",
        "Talk through family dynamics, relationships and setting healthy boundaries.",
        "general",
    ),
    (
        "Young Adults (18-25)",
        "young-adults",
        "Navigating school, work, identity and independence with peers your age.",
        "general",
    ),
)
FIXTURE_SLUGS = {f[1] for f in FIXTURES}

# The areas of expertise (``vocab.SPECIALTIES``) of the therapists who fit a community, by its
# theme (a general community's by its slug): (its own areas, related ones). A therapist joins
# communities that fit what it treats (``relationships.therapist_fit``): its own areas first.
# Stress, sleep and mindfulness are every therapist's: their related areas are the concerns
# each therapist treats one of (``users.CONCERN_AREAS``, ``users._expertise``).
_EVERY = ("Anxiety", "Social Anxiety", "Panic Disorder", "OCD", "Depression", "Bipolar Disorder",
          "Grief and Loss")  # fmt: skip
THEME_AREAS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "adhd": (("ADHD",), ("Child and Adolescent",)),
    "anxiety": (("Anxiety",), ("Social Anxiety", "Panic Disorder", "OCD")),
    "depression": (("Depression",), ("Grief and Loss", "Bipolar Disorder")),
    "stress": ((), _EVERY),
    "recovery": (("Substance Use",), ()),
    "sleep": ((), _EVERY),
    "panic": (("Panic Disorder",), ("Anxiety",)),
    "mood": (("Bipolar Disorder",), ("Depression",)),
    "ocd": (("OCD",), ("Anxiety",)),
    "trauma": (("PTSD/Trauma",), ()),
    "social-anxiety": (("Social Anxiety",), ("Anxiety",)),
    "phobia": ((), ("Anxiety", "Panic Disorder")),
    "eating": (("Eating Disorders",), ()),
    "mindfulness-meditation": ((), _EVERY),
    "family-relationships": (("Family Therapy", "Couples Therapy"), ()),
    "young-adults": (("Child and Adolescent",), ("Anxiety", "Depression")),
}


# What a derived circle adds to its community's description (by circle number, cycling):
# a second "Anxiety Warriors" is a smaller group of the same kind, and says so.
CIRCLE_NOTES = (
    "A smaller circle of the same community, for members who like to get to know each other.",
    "Another circle of this community, kept small so every voice is heard.",
    "A newer circle of this community, meeting the same needs in a smaller group.",
    "One more circle of this community: same purpose, new faces.",
)


def _derive(catalogue: list[tuple[str, str, str, str]], n: int) -> list[tuple[Any, ...]]:
    """``n`` entries: the catalogue, then derived circles cycling over it (2, 3, ...); each
    with the slug of the community it is a circle of (its own for a catalogue entry) and its
    circle number (1 for a catalogue entry)."""
    out: list[tuple[Any, ...]] = [(*e, e[1], 1) for e in catalogue[:n]]
    k = 2
    while len(out) < n:
        note = CIRCLE_NOTES[(k - 2) % len(CIRCLE_NOTES)]
        for name, slug, desc, theme in catalogue[: n - len(out)]:
            out.append((f"{name} — Circle {k}", f"{slug}-{k}", f"{desc} {note}", theme, slug, k))
        k += 1
    return out


def catalogue(ctx: Context) -> pl.DataFrame:
    """The communities of this build: name, slug, description, theme, base (the slug of the
    community a circle splits from, its own for the others), circle (its number, 1 for a
    community of the catalogue), kind, imageUrl."""
    illness = [e for e in ILLNESS if e[1] not in FIXTURE_SLUGS]
    # The fixtures are illness communities; upstream caps general communities at its
    # catalogue (3), and scaled, the cap scales too (Config.count).
    n_illness = ctx.config.count("illness_communities") - len(FIXTURES)
    n_general = ctx.config.count("general_communities")
    rows = (
        [(*f, f[1], 1, "fixture") for f in FIXTURES]
        + [(*e, "illness") for e in _derive(illness, n_illness)]
        + [(*e, "general") for e in _derive(list(GENERAL), n_general)]
    )
    columns = ["name", "slug", "description", "theme", "base", "circle", "kind"]
    df = pl.DataFrame(rows, schema=columns, orient="row")
    # The fixtures' images ship with the app (upstream's paths). Upstream's other entries
    # named Unsplash photos; a made-up Unsplash path is a broken image, so the others take a
    # stable photo from Lorem Picsum, which serves one per seed (the slug), 400 px wide.
    image = (
        pl.when(pl.col("kind") == "fixture")
        .then(pl.format("/images/communities/{}.jpg", pl.col("slug")))
        .otherwise(pl.format("https://picsum.photos/seed/mentara-{}/400/300", pl.col("slug")))
    )
    return df.with_columns(image.alias("imageUrl"))


def community_areas(
    ctx: Context, slugs: pl.Series
) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """Per community of ``slugs``, the areas of expertise that fit it (``THEME_AREAS``): its
    own, and related ones; a general community's by the slug of the community it is a circle
    of; one not in the catalogue (a snapshot's own) is every therapist's, as stress is."""
    cat = catalogue(ctx).select("slug", "theme", "base")
    rows = slugs.to_frame("slug").join(cat, on="slug", how="left", maintain_order="left")
    key = pl.when(pl.col("theme") == "general").then("base").otherwise("theme")
    found = rows.select(key.fill_null("stress")).to_series().to_list()
    # A tiny fixed table per community (tens to hundreds of rows), not a per-user loop.
    return [THEME_AREAS[k][0] for k in found], [THEME_AREAS[k][1] for k in found]


def community_keys(slugs: pl.Series) -> np.ndarray:
    """Communities are keyed by slug (stable across scales)."""
    return text_keys(slugs)


# A circle splits from its community once that has grown: it is created after the community
# and after the circle before it, each taking a keyed share (CIRCLE_SHARE) of the time left
# until CIRCLE_LATEST_DAYS before the anchor, so circles are never younger than that (the
# age the communities' draw starts from, before its ``within``).
CIRCLE_LATEST_DAYS = 200
CIRCLE_SHARE = (0.1, 0.4)


def _circles_after(s: Stream, keys: U64, cat: pl.DataFrame, drawn: I64, latest: int) -> I64:
    """``drawn`` creation times (ms) of the communities of ``cat`` (slug, base, circle), with
    each circle's replaced: ``latest`` less the time between its base community and
    ``latest`` times the product, over the circles up to it, of 1 - its keyed share
    (CIRCLE_SHARE). Circle by circle, later and before ``latest``; keyed per circle, so a
    scale that adds circles leaves the others' times as they were."""
    lo, hi = CIRCLE_SHARE
    share = lo + (hi - lo) * s.uniform(keys, 2)
    c = cat.select("slug", "base", "circle").with_columns(
        pl.Series("created", drawn),
        pl.when(pl.col("circle") > 1).then(1 - pl.Series(share)).otherwise(1.0).alias("left"),
    )
    base = c.filter(pl.col("circle") == 1).select(
        pl.col("slug").alias("base"), pl.col("created").alias("base_at")
    )
    c = c.join(base, on="base", how="left", maintain_order="left").with_columns(
        pl.col("left").cum_prod().over("base", order_by="circle").alias("left")
    )
    room = np.maximum(latest - c["base_at"].to_numpy(), 0)
    circle = c["circle"].to_numpy() > 1
    at = latest - np.floor(room * c["left"].to_numpy()).astype(np.int64)
    out: I64 = np.where(circle, at, drawn)
    return out


def generate(ctx: Context, frames: Frames) -> Frames:
    cat = catalogue(ctx)
    keys = community_keys(cat["slug"])
    s = ctx.stream("Community", "time")
    within = np.where(cat["kind"].to_numpy() == "general", 120, 180)
    # Communities predate their members: 200-380 days old (members join within 120 days).
    drawn = past(s, keys, ctx.anchor_ms, 380, 200, index=0) - within
    created = _circles_after(s, keys, cat, drawn, ctx.anchor_ms - CIRCLE_LATEST_DAYS * MS_PER_DAY)
    updated = between(s, keys, created, ctx.anchor_ms - MS_PER_DAY, index=1)
    ids = ctx.ids("Community", keys)
    community = cat.select("name", "slug", "description", "imageUrl").with_columns(
        ids, timestamps(created, "createdAt"), timestamps(updated, "updatedAt")
    )
    group_ids = ctx.ids("RoomGroup", keys)
    room_ids = ctx.ids("Room", keys)
    n = len(keys)
    groups = pl.DataFrame(
        {"id": group_ids, "name": ["General"] * n, "order": [1] * n, "communityId": ids}
    )
    rooms = pl.DataFrame(
        {
            "id": room_ids,
            "name": ["General Discussion"] * n,
            "order": [1] * n,
            "postingRole": ["member"] * n,
            "roomGroupId": group_ids,
        }
    )
    return {"Community": community, "RoomGroup": groups, "Room": rooms}
