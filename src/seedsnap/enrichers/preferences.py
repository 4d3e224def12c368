"""ClientPreferences: one row per client, consistent with its assessment and its therapist.

Upstream never seeded this table (seeder.md §11.17). A client's preferences agree with what
the data says about it:
- treatmentApproaches: approaches suited to the primary concerns of its latest assessment
  (or general wellbeing without one); with an active therapist, those its therapist uses
  (or the therapist's main approach when none match);
- languagePreferences: English, plus its therapist's other language half of the time;
- genderPreference / agePreference: with a therapist, either "no preference" or the
  therapist's (gender from the first-name pool, age bracket from the birth date);
- budgetRange: the bracket holding the highest hourly rate of the therapists it had, active
  or not: a budget every one of them fitted (its therapist's own bracket but where a pair
  drawn before it charged more: past pairs are drawn within it, ``relationships``);
- sessionFrequency: from the median gap between its sessions (weekly up to 10 days,
  biweekly up to 21, else monthly); availabilityPreference: its two most frequent session
  times, as local weekday and part of day in the therapist's zone;
- sessionFormat "video" (every session is a video call); specialConsiderations mention a
  safety plan when its assessment flagged a risk.
Clients without a therapist or sessions get keyed choices from the same vocabularies.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from seedsnap.context import MS_PER_DAY, MS_PER_HOUR, Context, Frames, timestamps
from seedsnap.generators import therapy_text as tx
from seedsnap.generators import vocab as v
from seedsnap.generators.clock import waking_between
from seedsnap.generators.common import pick, text_keys
from seedsnap.generators.therapy import utc_to_local
from seedsnap.generators.users import home_offset_of

READS = (
    "Client",
    "User",
    "Therapist",
    "ClientTherapist",
    "PreAssessment",
    "Meeting",
    "ClientPreferences",
)
WRITES = ("ClientPreferences",)

_GENERIC_TIMES = ("Weekday mornings", "Weekday afternoons", "Weekday evenings", "Weekends")
_STR_LIST = pl.List(pl.String)


def _bracket(value: pl.Expr, table: tuple[tuple[int, int, str], ...]) -> pl.Expr:
    out = pl.lit(None, dtype=pl.String)
    for lo, hi, label in reversed(table):
        out = pl.when((value >= lo) & (value < hi)).then(pl.lit(label)).otherwise(out)
    return out


def _latest_assessment(frames: Frames) -> pl.DataFrame:
    return (
        frames["PreAssessment"]
        .sort("clientId", "createdAt", "id")
        .group_by("clientId")
        .agg(pl.col("aiEstimate").last())
        .select(
            "clientId",
            pl.col("aiEstimate").str.json_path_match("$.riskFlags[0]").is_not_null().alias("risk"),
            pl.col("aiEstimate")
            .str.json_decode(pl.Struct({"primaryConcerns": _STR_LIST}))
            .struct.field("primaryConcerns")
            .alias("concerns"),
        )
    )


def _therapist(frames: Frames) -> pl.DataFrame:
    """Each client's earliest active therapist with what preferences are compared to."""
    t = frames["Therapist"].select(
        pl.col("userId").alias("therapistId"),
        "timezone",
        "hourlyRate",
        pl.col("therapeuticApproachesUsedList").alias("tApproaches"),
        pl.col("languagesOffered").alias("tLanguages"),
    )
    u = frames["User"].select(pl.col("id").alias("therapistId"), "firstName", "birthDate")
    return (
        frames["ClientTherapist"]
        .filter(pl.col("status") == "active")
        .sort("clientId", "assignedAt", "therapistId")
        .unique("clientId", keep="first", maintain_order=True)
        .select("clientId", "therapistId")
        .join(t, on="therapistId", how="left")
        .join(u, on="therapistId", how="left")
    )


def _last_rate(frames: Frames) -> pl.DataFrame:
    """The highest hourlyRate (``lastRate``) among each paired client's therapists, active
    or not: a budget that held every therapist it picked."""
    rate = frames["Therapist"].select(pl.col("userId").alias("therapistId"), "hourlyRate")
    return (
        frames["ClientTherapist"]
        .select("clientId", "therapistId")
        .join(rate, on="therapistId", how="left")
        .group_by("clientId")
        .agg(pl.col("hourlyRate").max().alias("lastRate"))
    )


def _sessions(frames: Frames) -> pl.DataFrame:
    """Per client: median days between sessions and its two most frequent session times."""
    tz = frames["Therapist"].select(pl.col("userId").alias("therapistId"), "timezone")
    m = (
        frames["Meeting"]
        .filter(pl.col("status") != "CANCELLED")
        .join(tz, on="therapistId", how="left")
        .sort("clientId", "startTime", "id")
    )
    local = utc_to_local(m["startTime"].dt.epoch("ms").to_numpy(), m["timezone"])
    hour = (local % MS_PER_DAY) // MS_PER_HOUR
    day = np.asarray(tx.DAY_NAMES)[(local // MS_PER_DAY + 4) % 7]
    part = np.select([hour < 12, hour < 17], ["mornings", "afternoons"], "evenings")
    m = m.with_columns(pl.Series("slot", np.char.add(np.char.add(day, " "), part)))
    gaps = (
        m.with_columns(
            (pl.col("startTime").diff().over("clientId").dt.total_hours() / 24).alias("gap")
        )
        .group_by("clientId")
        .agg(pl.col("gap").drop_nulls().median().alias("gap"))
    )
    slots = (
        m.group_by("clientId", "slot")
        .len()
        .sort("clientId", pl.col("len"), "slot", descending=[False, True, False])
        .group_by("clientId", maintain_order=True)
        .agg(pl.col("slot").head(2).alias("times"))
    )
    return gaps.join(slots, on="clientId", how="full", coalesce=True)


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    # Set while onboarding, which a client who has not verified its email has not finished.
    verified = frames["User"].filter(pl.col("emailVerified")).select(pl.col("id").alias("clientId"))
    clients = (
        frames["Client"]
        .select(pl.col("userId").alias("clientId"), "city", "createdAt")
        .join(verified, on="clientId", how="semi")
        .join(frames["ClientPreferences"].select("clientId"), on="clientId", how="anti")
        .sort("clientId")
    )
    if clients.is_empty():
        return {}
    j = (
        clients.join(_latest_assessment(frames), on="clientId", how="left")
        .join(_therapist(frames), on="clientId", how="left")
        .join(_sessions(frames), on="clientId", how="left")
        .join(_last_rate(frames), on="clientId", how="left")
    )
    keys = text_keys(j["clientId"])
    s = ctx.stream("ClientPreferences", "fields")
    a = ctx.anchor_ms
    concerns = pl.col("concerns").fill_null(pl.lit(["general wellbeing"], dtype=_STR_LIST))
    mapping = pl.DataFrame(
        {
            "concern": [c for c, approaches in tx.APPROACHES_FOR.items() for _ in approaches],
            "approach": [x for approaches in tx.APPROACHES_FOR.values() for x in approaches],
        }
    )
    suited = (
        j.select("clientId", concerns.alias("concern"))
        .explode("concern")
        .join(mapping, on="concern", how="left", maintain_order="left")
        .drop_nulls("approach")
        .unique(["clientId", "approach"], keep="first", maintain_order=True)
        .group_by("clientId", maintain_order=True)
        .agg(pl.col("approach").alias("suited"))
    )
    j = j.join(suited, on="clientId", how="left")
    age = ((a - pl.col("birthDate").dt.epoch("ms")) / (365.25 * MS_PER_DAY)).floor()
    gender = (
        pl.when(pl.col("firstName").is_in(list(v.FIRST_NAMES_FEMALE)))
        .then(pl.lit("female"))
        .when(pl.col("firstName").is_in(list(v.FIRST_NAMES_MALE)))
        .then(pl.lit("male"))
        .otherwise(pl.lit("no preference"))
    )
    has_t = pl.col("therapistId").is_not_null()
    other_lang = pl.col("tLanguages").list.set_difference(pl.lit(["English"], dtype=_STR_LIST))
    matched = pl.col("suited").list.set_intersection(pl.col("tApproaches"))
    frequency = (
        pl.when(pl.col("gap") <= 10)
        .then(pl.lit("weekly"))
        .when(pl.col("gap") <= 21)
        .then(pl.lit("biweekly"))
        .when(pl.col("gap").is_not_null())
        .then(pl.lit("monthly"))
    )
    c_at = j["createdAt"].dt.epoch("ms").to_numpy()
    # Set and edited by the client, in its waking hours (``clock``).
    home = home_offset_of(ctx, j["clientId"])
    created = waking_between(s, keys, c_at, np.minimum(c_at + 2 * MS_PER_DAY, a), home, index=0)
    updated = waking_between(s, keys, created, a, home, index=1)
    drawn = pl.DataFrame(
        {
            "_gender": pick(
                s, keys, tx.GENDER_PREFERENCES, index=2, p=(0.6, 0.28, 0.1, 0.02)
            ).astype(str),
            "_statesGender": s.bernoulli(keys, 0.5, index=3),
            "_statesAge": s.bernoulli(keys, 0.4, index=4),
            "_age": pick(
                s, keys, ("no preference", *(r[2] for r in tx.AGE_RANGES)), index=5
            ).astype(str),
            "_lang": pick(s, keys, v.EXTRA_LANGUAGES, index=6).astype(str),
            "_addLang": s.bernoulli(keys, 0.5, index=7),
            "_addLangAlone": s.bernoulli(keys, 0.15, index=8),
            "_freq": pick(s, keys, tx.SESSION_FREQUENCIES, index=9, p=(0.6, 0.3, 0.1)).astype(str),
            "_budget": pick(s, keys, [r[2] for r in tx.BUDGET_RANGES], index=10).astype(str),
            "_near": s.bernoulli(keys, 0.2, index=11),
            "_time": pick(s, keys, _GENERIC_TIMES, index=12).astype(str),
            "_consider": pick(s, keys, tx.CONSIDERATIONS, index=13).astype(str),
            "_says": s.bernoulli(keys, 0.4, index=14),
        }
    )
    j = pl.concat([j, drawn], how="horizontal")
    out = j.select(
        ctx.ids("ClientPreferences", keys),
        "clientId",
        pl.when(has_t & pl.col("_statesGender"))
        .then(gender)
        .when(has_t)
        .then(pl.lit("no preference"))
        .otherwise(pl.col("_gender"))
        .alias("genderPreference"),
        pl.when(has_t & pl.col("_statesAge") & pl.col("birthDate").is_not_null())
        .then(_bracket(age, tx.AGE_RANGES))
        .when(has_t)
        .then(pl.lit("no preference"))
        .otherwise(pl.col("_age"))
        .alias("agePreference"),
        pl.when(has_t & pl.col("_addLang") & (other_lang.list.len() > 0))
        .then(pl.concat_list(pl.lit("English"), other_lang.list.first()))
        .when(~has_t & pl.col("_addLangAlone"))
        .then(pl.concat_list(pl.lit("English"), pl.col("_lang")))
        .otherwise(pl.lit(["English"], dtype=_STR_LIST))
        .alias("languagePreferences"),
        pl.when(has_t & (matched.list.len() > 0))
        .then(matched)
        .when(has_t)
        .then(pl.col("tApproaches").list.head(1))
        .otherwise(pl.col("suited").list.head(2))
        .alias("treatmentApproaches"),
        pl.lit("video").alias("sessionFormat"),
        pl.coalesce(frequency, pl.col("_freq")).alias("sessionFrequency"),
        pl.when(pl.col("lastRate").is_not_null())
        .then(_bracket(pl.col("lastRate").cast(pl.Float64), tx.BUDGET_RANGES))
        .otherwise(pl.col("_budget"))
        .alias("budgetRange"),
        pl.when(pl.col("_near"))
        .then(pl.format("Near {}", "city"))
        .otherwise(pl.lit("Online"))
        .alias("locationPreference"),
        pl.coalesce("times", pl.concat_list("_time")).alias("availabilityPreference"),
        pl.when(pl.col("risk").fill_null(False))
        .then(pl.lit(tx.CONSIDERATIONS_RISK))
        .when(pl.col("_says"))
        .then(pl.col("_consider"))
        .alias("specialConsiderations"),
        timestamps(created, "createdAt"),
        timestamps(updated, "updatedAt"),
    )
    return {"ClientPreferences": out}
