"""Build configuration: mode volumes, scale, seed, anchor time and minimum requirements.

Volumes and minimums are data (``MODES``, ``MINIMUMS``, ``MODE_MINIMUMS``), resolved in this
order, later wins: built-in defaults < the mode's overrides < ``seedsnap.toml`` < environment
(``SEEDSNAP_SEED``, ``SEEDSNAP_MODE``, ``SEEDSNAP_SCALE``, ``SEEDSNAP_ANCHOR``,
``SEEDSNAP_MIN_<ENTITY>_<REQUIREMENT>`` e.g. ``SEEDSNAP_MIN_CLIENT_POSTS=7``) < command-line
options. ``Config.sources`` records where every value came from (``seedsnap config``).
"""

from __future__ import annotations

import difflib
import math
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from seedsnap.errors import ConfigError

MODE_NAMES = ("light", "medium", "heavy")
DEFAULT_MODE = "medium"
DEFAULT_SEED = 20260222
# The fixed "now" of every build: the upstream snapshot date of the Mentara schema, noon UTC.
DEFAULT_ANCHOR = "2026-02-22T12:00:00Z"

# Upstream SEED_CONFIG (seeder.md §3.1). postsPerCommunity and membersPerCommunity are never
# read upstream; here the community minimums do that job.
MODES: dict[str, dict[str, float]] = {
    "light": {
        "clients": 8, "therapists": 4, "admins": 2, "moderators": 2,
        "illness_communities": 5, "general_communities": 2,
        "client_therapist_ratio": 0.5, "membership_rate": 0.7, "memberships_per_user": 2,
        "posts_per_user": 1, "comments_per_post": 2,
        "post_heart_rate": 0.3, "comment_heart_rate": 0.2,
        "meetings_per_relationship": 3, "worksheets_per_relationship": 2,
        "assessment_rate": 0.6, "session_notes_rate": 0.5, "review_rate": 0.4,
    },
    "medium": {
        "clients": 25, "therapists": 12, "admins": 4, "moderators": 4,
        "illness_communities": 10, "general_communities": 5,
        "client_therapist_ratio": 0.7, "membership_rate": 0.8, "memberships_per_user": 3,
        "posts_per_user": 2, "comments_per_post": 4,
        "post_heart_rate": 0.4, "comment_heart_rate": 0.3,
        "meetings_per_relationship": 6, "worksheets_per_relationship": 4,
        "assessment_rate": 0.8, "session_notes_rate": 0.7, "review_rate": 0.6,
    },
    "heavy": {
        "clients": 80, "therapists": 25, "admins": 6, "moderators": 8,
        "illness_communities": 15, "general_communities": 8,
        "client_therapist_ratio": 0.75, "membership_rate": 0.85, "memberships_per_user": 4,
        "posts_per_user": 3, "comments_per_post": 6,
        "post_heart_rate": 0.5, "comment_heart_rate": 0.4,
        "meetings_per_relationship": 10, "worksheets_per_relationship": 7,
        "assessment_rate": 0.85, "session_notes_rate": 0.8, "review_rate": 0.7,
    },
}  # fmt: skip

# The fixture communities (illness ones), and upstream's catalogue of general communities,
# which caps their number (scaled): seedsnap.generators.communities holds both catalogues.
FIXTURE_COMMUNITIES = 3
GENERAL_COMMUNITIES = 3

# Volumes multiplied by --scale (the population); rates and per-entity averages are not.
SCALED = ("clients", "therapists", "admins", "moderators", "illness_communities",
          "general_communities")  # fmt: skip

# Minimum requirements (seeder.md §3.3 defaults, used unchanged by medium), entity -> name -> n.
# client.completed_assessments holds for a client who came long enough after its intake to
# re-take it that often: one re-takes it at most every two weeks (generators/therapy.py
# RETAKE_DAYS), so a recent sign-up has as many as fit, at least the intake (MINIMUM_SCOPES).
MINIMUMS: dict[str, dict[str, int]] = {
    "client": {
        "community_memberships": 1, "posts": 5, "comments": 10, "hearts": 3,
        "therapist_relationships": 0, "meetings_if_has_therapist": 3,
        "completed_assessments": 2, "worksheets_if_has_therapist": 4,
        "conversations": 2, "messages_per_conversation": 5,
    },
    "therapist": {
        "client_relationships": 2, "community_memberships": 1, "posts": 2, "comments": 5,
        "availability_days": 3, "meetings": 4, "worksheets_created": 3,
        "session_notes_written": 2, "reviews_received": 1,
    },
    "community": {"members": 8, "posts": 10, "moderators": 1, "recent_activity_days": 30},
    "moderator": {"communities_moderated": 1, "moderation_actions": 3},
    "post": {"comments": 2, "hearts": 1},
    "meeting": {"has_notes_if_completed": 1},
}  # fmt: skip

# getRequirementsForMode: defined upstream and ignored there; applied here.
MODE_MINIMUMS: dict[str, dict[str, dict[str, int]]] = {
    "light": {
        "client": {"posts": 2, "comments": 5, "meetings_if_has_therapist": 1},
        "therapist": {"client_relationships": 1, "meetings": 2},
        "community": {"members": 4, "posts": 5},
    },
    "medium": {},
    "heavy": {
        "client": {"posts": 10, "comments": 20, "meetings_if_has_therapist": 8},
        "therapist": {"client_relationships": 5, "meetings": 15, "worksheets_created": 8},
        "community": {"members": 20, "posts": 30},
    },
}

# A client has had at most this many therapists (its current one and those before). Clients here
# came within the last half year or so, and a therapy that ended ran weeks at least (a share of
# PAST_SHARE_DAYS of the client's time, three quarters of it at least): most clients stay with
# their first therapist, some change once, few twice; a fourth therapist in that time is
# already a client who kept looking, and more would be one who changed every few weeks.
MAX_THERAPISTS_PER_CLIENT = 4
# The client's time a pair that ended (and that the client's next pair followed) takes at
# least, days: it ran three quarters of it at least (three weekly sessions).
PAST_SHARE_DAYS = 28
# One more assessment per this many days from a client's intake to the anchor (the intake and
# one per generators/therapy.py RETAKE_ROOM_DAYS: tests keep the two equal).
ASSESSMENT_ROOM_DAYS = 15
# A session gives at most this many worksheets (generators/therapy.py), so the worksheet
# minimums hold for those who have held n / PER_SESSION sessions (MINIMUM_SCOPES).
PER_SESSION = 2
# Minimums held by fewer entities than their kind, as `seedsnap config` notes them beside
# their source (check's MINIMUM_NOTES says it in the rule; `build` says how many fell short).
# Every client minimum holds for clients who verified their email, every therapist one for
# APPROVED therapists (the README says so once); these hold for fewer still.
MINIMUM_SCOPES: dict[tuple[str, str], str] = {
    ("client", "completed_assessments"): (
        f"held by clients with the tenure for it: one per {ASSESSMENT_ROOM_DAYS} days since intake"
    ),
    ("client", "meetings_if_has_therapist"): "held by clients with an active therapist",
    ("client", "worksheets_if_has_therapist"): (
        f"held by clients in therapy who have held n / {PER_SESSION} sessions ({PER_SESSION} "
        "worksheets a session at most)"
    ),
    ("client", "messages_per_conversation"): "held by each conversation a client is in",
    ("therapist", "worksheets_created"): (
        f"held by therapists who have met an active client and held n / {PER_SESSION} sessions "
        f"({PER_SESSION} worksheets a session at most)"
    ),
    ("community", "moderators"): "counts moderators whose account is active",
    ("post", "hearts"): "held by posts that do not read as misconduct (they draw no hearts)",
    ("meeting", "has_notes_if_completed"): "held by COMPLETED meetings",
    ("therapist", "client_relationships"): (
        "held by therapists with the tenure for it: one more client per "
        f"{PAST_SHARE_DAYS} days since approval"
    ),
}

# No requirement of the Mentara model asks for thousands of rows per entity; a larger value
# is a typo (and would make more rows than any machine here holds).
MAX_MINIMUM = 1000
# Minimums that are a window of days, not a count of rows (check has a rule of their own).
WINDOW_MINIMUMS = frozenset({("community", "recent_activity_days")})
MAX_WINDOW_DAYS = 36_500


def mode_minimums(mode: str) -> dict[str, dict[str, int]]:
    """The minimum requirements ``mode`` applies before any override (a fresh copy)."""
    mins = {entity: dict(reqs) for entity, reqs in MINIMUMS.items()}
    for entity, reqs in MODE_MINIMUMS[mode].items():
        mins[entity].update(reqs)
    return mins


FIXTURES_PER_ROLE = 3
# Staff (therapists, moderators, admins) are a minority of every community. The memberships
# enricher aims at one member in STAFF_AIM (a third, give or take one: STAFF_AIM x staff <=
# members + 1) where its clients allow (relationships.clients_for, therapist_room); where
# they cannot (a small build's few clients, an age range few clients are of) it lets them
# be one in STAFF_MOST at most (half: no more staff than clients), and check holds every
# community to that bound (membership.staff_a_minority). The rule is not the aim: light
# has 5 of its 7 communities above a third (its few clients go round), medium 1 of 13.
STAFF_AIM = 3
STAFF_MOST = 2
# A client-therapist pair that ended ran at least this many days where the client's history
# left room for it, and had a session (the relationships and meetings code make it so, and
# check verifies it): a client's past therapist met it before it moved on.
PAST_PAIR_DAYS = 14
# Nothing is booked further ahead than this many weeks: a practice books a client's recurring
# session a few weeks ahead (generators/therapy.py draws how many per pair), and check verifies
# the bound. Nine: a client who picked its therapist days ago still has the weekly sessions
# heavy's minimums ask (8) booked, from the first free slot, which may be a week away.
BOOK_AHEAD_WEEKS = 9
# A client who has not verified its email signed up within UNVERIFIED_WITHIN_DAYS and holds
# the code of the last verification email, valid VERIFY_TOKEN_HOURS (as the app issues it):
# not expired yet (generators/users.py makes them so, check verifies it).
UNVERIFIED_WITHIN_DAYS = 3
VERIFY_TOKEN_HOURS = 24
ENV_PREFIX = "SEEDSNAP_"

# Bounds that refuse an absurd configuration up front, before it exhausts memory.
MAX_SCALE = 10_000
# A population volume, after --scale, may reach what the largest --scale gives heavy mode
# (800,000 clients, 250,000 therapists, …) and no more: a seedsnap.toml cannot go beyond
# what the command line could already ask for.
MAX_COUNTS: dict[str, float] = {k: MODES["heavy"][k] * MAX_SCALE for k in SCALED}
# Probabilities (bernoulli draws), in [0, 1].
RATES = tuple(k for k in MODES[DEFAULT_MODE] if k.endswith(("_rate", "_ratio")))
# Upstream volumes a seedsnap.toml may no longer set, with what decides their rows now. The
# modes keep meetings_per_relationship as upstream's figure: worksheets_per_relationship over
# it is the homework a session is given (therapy.homework_rate), but a pair's meetings follow
# its age (therapy.series_sessions), so a raised value would give no more meetings and less
# homework, silently.
RETIRED_VOLUMES = {
    "meetings_per_relationship": "a pair has a session in every week of its cadence (weekly, "
    "or fortnightly), from its pairing to its end or the anchor",
}
# Per-entity averages (posts per user, meetings per relationship, …) are not scaled; 100 is
# ten times the largest any mode uses (heavy: 10 meetings per relationship).
MAX_PER_ENTITY = 100


@dataclass(frozen=True)
class Config:
    """A resolved build configuration; ``sources`` maps each setting to where it came from."""

    mode: str = DEFAULT_MODE
    seed: int = DEFAULT_SEED
    scale: float = 1.0
    anchor: datetime = datetime(2026, 2, 22, 12, 0, tzinfo=UTC)
    volumes: Mapping[str, float] = field(default_factory=dict)
    minimums: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def anchor_ms(self) -> int:
        """The anchor as milliseconds since the Unix epoch (UTC)."""
        delta = self.anchor - datetime(1970, 1, 1, tzinfo=UTC)
        return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000

    def count(self, volume: str) -> int:
        """How many rows the build makes for a scaled count (``SCALED``): users of a role
        (``"clients"``…) and illness communities never fewer than their 3 fixtures, general
        communities at most upstream's catalogue of 3 times the scale."""
        n = round(self.volumes[volume])
        if volume == "general_communities":
            return min(n, round(GENERAL_COMMUNITIES * self.scale))
        return max(FIXTURE_COMMUNITIES if volume == "illness_communities" else FIXTURES_PER_ROLE, n)

    def minimum(self, entity: str, name: str) -> int:
        return int(self.minimums[entity][name])

    def describe(self) -> list[tuple[str, str, str]]:
        """(setting, value, source) for every setting, as `seedsnap config` prints them."""
        flat = self.to_dict()
        rows = [
            (k, str(flat[k]), self.sources.get(k, "")) for k in ("mode", "seed", "scale", "anchor")
        ]
        rows += [(f"volumes.{k}", *self._volume_shown(k)) for k in sorted(self.volumes)]
        rows += [
            (f"minimums.{e}.{n}", str(v), self._minimum_source(e, n))
            for e, reqs in sorted(self.minimums.items())
            for n, v in sorted(reqs.items())
        ]
        return rows

    def _minimum_source(self, entity: str, name: str) -> str:
        """A minimum's source, and, for one held by fewer entities, by which (MINIMUM_SCOPES)."""
        source = self.sources.get(f"minimums.{entity}.{name}", "")
        scope = MINIMUM_SCOPES.get((entity, name))
        return f"{source}; {scope}" if scope else source

    def _volume_shown(self, key: str) -> tuple[str, str]:
        """A volume and its source as `seedsnap config` prints them: a count is shown as
        the whole number the build makes, its scaled value beside the source."""
        value, source = self.volumes[key], self.sources.get(f"volumes.{key}", "")
        if key not in SCALED:
            return f"{value:g}", source
        used = self.count(key)
        if used == value:
            return str(used), source
        if used == round(value):
            why = "rounded"
        elif used > round(value):
            why = "raised to its 3 fixtures"
        else:
            why = f"at most upstream's {GENERAL_COMMUNITIES} x scale"
        return str(used), f"{source} = {value:g}, {why}"

    def overrides(self) -> list[tuple[str, int | float | str, str]]:
        """(key, value as given, origin) of every setting neither a default nor its mode's:
        what a seedsnap.toml, a SEEDSNAP_ variable or an option set (origin ``file PATH``,
        ``env NAME`` or ``option``). A count of ``SCALED`` is given before the scale (a
        toml's ``clients = 30`` at --scale 1.5 is 30, not the 45 built). A configuration
        that records no sources (one read back from a manifest) names the volumes and
        minimums its mode, at its scale, does not give, with origin ``""``."""
        out: list[tuple[str, int | float | str, str]] = []

        def origin(key: str, differs: bool) -> str | None:
            if not self.sources:
                return "" if differs else None
            src = self.sources.get(key, "").split(" x scale ")[0]
            return src if src.partition(" ")[0] in ("file", "env", "option") else None

        if self.sources:  # no baseline for these in a manifest: its config line names them
            flat = self.to_dict()
            for key in ("mode", "seed", "scale", "anchor"):
                if (src := origin(key, False)) is not None:
                    out.append((key, flat[key], src))
        base = MODES.get(self.mode, {})
        for key, value in sorted(self.volumes.items()):
            given: int | float = float(value) / self.scale if key in SCALED else float(value)
            if key in SCALED and math.isclose(given, round(given), rel_tol=1e-9):
                given = round(given)  # a count is a whole number before the scale
            mode_value = base.get(key)
            # A key no mode has (a manifest of another version) is not told apart.
            differs = mode_value is not None and not math.isclose(given, mode_value, rel_tol=1e-9)
            if (src := origin(f"volumes.{key}", differs)) is not None:
                out.append((f"volumes.{key}", given, src))
        base_mins = mode_minimums(self.mode) if self.mode in MODE_NAMES else {}
        for entity, reqs in sorted(self.minimums.items()):
            for name, n in sorted(reqs.items()):
                known = base_mins.get(entity, {})
                differs = name in known and known[name] != n
                if (src := origin(f"minimums.{entity}.{name}", differs)) is not None:
                    out.append((f"minimums.{entity}.{name}", n, src))
        return out

    def to_dict(self) -> dict[str, Any]:
        """The canonical JSON form recorded in a snapshot's manifest."""
        return {
            "mode": self.mode,
            "seed": self.seed,
            "scale": self.scale,
            "anchor": self.anchor.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "volumes": dict(sorted(self.volumes.items())),
            "minimums": {k: dict(sorted(v.items())) for k, v in sorted(self.minimums.items())},
        }


def shown(value: int | float | str) -> str:
    """A setting's value as a line shows it: a float without a trailing .0 (30, 0.5)."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def parse_min_options(items: Sequence[str]) -> dict[str, int]:
    """``["client.posts=7", ...]`` (the --min options) as ``{"client.posts": 7}``."""
    parsed: dict[str, int] = {}
    for item in items:
        key, sep, value = item.partition("=")
        try:
            # isdigit() alone let through what int() refuses ("²", "①"): a traceback.
            number = int(value) if sep and value.strip().lstrip("-").isdigit() else None
        except ValueError:
            number = None
        if number is None:
            raise ConfigError(f"bad --min {item!r}", "write --min entity.requirement=N")
        parsed[key.strip()] = number
    return parsed


# The anchors a build is sound for. Before 1980 its timelines run into the Unix epoch (an
# anchor in 1970 or 1900 made rows that failed its own check); after 2099 a meeting can fall
# outside its therapist's hours as time-zone rules are projected, and at year 9999 a build made
# year-10000 times that PostgreSQL refused on load. Both ends are inclusive.
ANCHOR_RANGE = (datetime(1980, 1, 1, tzinfo=UTC), datetime(2099, 12, 31, 23, 59, 59, tzinfo=UTC))


def parse_anchor(text: str) -> datetime:
    """An ISO-8601 time; naive times are UTC. Stored to whole seconds."""
    try:
        t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(
            f"bad anchor time {text!r}", "give an ISO-8601 time such as 2026-02-22T12:00:00Z"
        ) from None
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.astimezone(UTC).replace(microsecond=0)


def _setting(src: str, key: str, option: str) -> str:
    """What the user sets, named after where the value came from: the variable, file or option."""
    if src.startswith("env "):
        return src.removeprefix("env ")
    if src.startswith("file "):
        return f"{key} of {src.removeprefix('file ')}"
    return option


def _count(value: float) -> str:
    """A count as the error shows it: grouped by thousands (800,000), in exponent form past
    a quadrillion, where the 300 digits of ``clients = 1e300`` filled the line."""
    return f"{value:,.0f}" if value < 1e15 else f"{value:.3g}"


def _number(
    text: str, what: str, kind: type[int] | type[float], src: str, setting: str
) -> int | float:
    """``text`` as ``kind``; otherwise a ConfigError naming ``what`` and its source ``src``."""
    a = "a whole number" if kind is int else "a number"
    try:
        value = kind(text)
    except (TypeError, ValueError):
        value = math.nan
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(f"{what} must be {a}, got {text!r} ({src})", f"set {setting} to {a}")
    return value


def _volume(key: str, raw: Any, src: str, scale: float) -> float:
    """A [volumes] value of seedsnap.toml, checked against its kind: count, rate or average."""
    what = f"volumes.{key}"
    setting = f"{key} in [volumes] of {src.removeprefix('file ')}"
    value = float(_number(str(raw), what, float, src, setting))
    if value < 0:
        raise ConfigError(
            f"{what} must be >= 0, got {value:g} ({src})", f"set {setting} to 0 or more"
        )
    if key in SCALED:
        if not value.is_integer():
            raise ConfigError(
                f"{what} is a count and must be a whole number, got {value:g} ({src})",
                f"set {setting} to a whole number",
            )
        if value * scale > MAX_COUNTS[key]:
            scaled = f" x scale {scale:g} = {_count(value * scale)}" if scale != 1 else ""
            raise ConfigError(
                f"{what} = {_count(value)}{scaled} is more than the {MAX_COUNTS[key]:,.0f} "
                f"{key.replace('_', ' ')} seedsnap builds at most ({src})",
                f"lower {setting} or the scale (the limit is heavy mode at scale {MAX_SCALE})",
            )
    elif key in RATES:
        if value > 1:
            raise ConfigError(
                f"{what} is a rate and must be between 0 and 1, got {value:g} ({src})",
                f"set {setting} to a fraction such as 0.5",
            )
    elif value > MAX_PER_ENTITY:
        raise ConfigError(
            f"{what} is an average per entity and must be at most {MAX_PER_ENTITY}, "
            f"got {value:g} ({src})",
            f"set {setting} to {MAX_PER_ENTITY} or less",
        )
    return value


# The environment's settings besides SEEDSNAP_MIN_<ENTITY>_<NAME> (SEEDSNAP_DB: load, diff).
MIN_ENV = re.compile(r"^SEEDSNAP_MIN_([A-Z]+)_([A-Z_]+)$")
ENV_SETTINGS = tuple(ENV_PREFIX + n for n in ("MODE", "SEED", "SCALE", "ANCHOR", "DB"))


def refuse_misspelt(env: Mapping[str, str]) -> None:
    """A SEEDSNAP_ variable that is no setting but nearly spells one is a typo, which would
    otherwise be ignored silently (other SEEDSNAP_ names are left alone: they may be a
    script's own, as the tests' SEEDSNAP_TEST_PG)."""
    for name in sorted(env):
        if not name.startswith(ENV_PREFIX) or name in ENV_SETTINGS:
            continue
        if name.startswith(ENV_PREFIX + "MIN_"):
            if not MIN_ENV.match(name):  # a matching name is checked by the minimums
                raise ConfigError(
                    f"environment variable {name} names no minimum requirement",
                    "spell it SEEDSNAP_MIN_<ENTITY>_<REQUIREMENT>, e.g. SEEDSNAP_MIN_CLIENT_POSTS",
                )
            continue
        close = difflib.get_close_matches(name, ENV_SETTINGS, n=1, cutoff=0.85)
        if close:
            raise ConfigError(
                f"environment variable {name} is not a seedsnap setting",
                f"rename it {close[0]}, or unset it",
            )


def _min_fix(key: str, src: str, mins: Mapping[str, Mapping[str, int]]) -> str:
    """How to name a minimum that ``key`` misspells, in the spelling of where it came from:
    the closest known one if there is one (``client.post``: client.posts), else the form.
    A known entity's name is matched against that entity's requirements alone, and an
    unknown entity against the entities (then its name against the one found): compared
    whole, ``client.zzz`` came close to ``client.posts`` by its prefix alone."""
    entity, _, name = key.partition(".")
    close: list[str] = []
    if entity in mins:
        names = difflib.get_close_matches(name, list(mins[entity]), n=1, cutoff=0.6)
        close = [f"{entity}.{names[0]}"] if names else []
    else:
        entities = difflib.get_close_matches(entity, list(mins), n=1, cutoff=0.6)
        if entities:
            reqs = list(mins[entities[0]])
            names = [name] if name in reqs else difflib.get_close_matches(name, reqs, n=1)
            close = [f"{entities[0]}.{names[0]}"] if names else []
    if src.startswith("env "):
        if close:
            return f"rename it {ENV_PREFIX}MIN_{close[0].replace('.', '_').upper()}, or unset it"
        return (
            "spell it SEEDSNAP_MIN_<ENTITY>_<REQUIREMENT>, e.g. SEEDSNAP_MIN_CLIENT_POSTS; "
            "`seedsnap config` lists the minimums"
        )
    elif src.startswith("file "):
        if close:
            entity, _, name = close[0].partition(".")
            return f"did you mean {name} in [minimums.{entity}]? `seedsnap config` lists them"
        form = "[minimums.<entity>] <requirement> = N, e.g. posts in [minimums.client]"
    else:
        if close:
            return f"did you mean --min {close[0]}=N? `seedsnap config` lists them"
        form = "--min entity.requirement=N, e.g. --min client.posts=7"
    return f"write {form}; `seedsnap config` lists the minimums"


def resolve(
    mode: str | None = None,
    seed: int | None = None,
    scale: float | None = None,
    anchor: str | None = None,
    minimums: Mapping[str, int] | None = None,
    config_file: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    *,
    default_file: bool = True,
) -> Config:
    """Resolve defaults < mode < seedsnap.toml < environment < the arguments given here.

    ``minimums`` takes ``"client.posts": 7`` style keys. ``config_file`` defaults to
    ``./seedsnap.toml`` when it exists (unless ``default_file`` is False).
    """
    env = os.environ if env is None else env
    sources: dict[str, str] = {}
    file_doc: dict[str, Any] = {}
    path = Path(config_file) if config_file else Path("seedsnap.toml")
    if config_file or (default_file and path.exists()):
        fix = "check the --config path" if config_file else "remove it, or give --config FILE"
        try:
            file_doc = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file {path} not found", fix) from None
        except IsADirectoryError:
            raise ConfigError(
                f"config file {path} is a directory, not a TOML file",
                "give --config the path of a seedsnap.toml" if config_file else fix,
            ) from None
        except UnicodeDecodeError:
            raise ConfigError(
                f"config file {path} is not UTF-8 text", "save it as UTF-8 TOML"
            ) from None
        except OSError as e:
            raise ConfigError(
                f"cannot read config file {path}: {e.strerror or type(e).__name__}", fix
            ) from None
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"{path}: invalid TOML ({e})", "fix the file's syntax") from None
    unknown = set(file_doc) - {"build", "minimums", "volumes"}
    if unknown:
        raise ConfigError(
            f"{path}: unknown section(s) {', '.join(sorted(unknown))}",
            "use [build], [volumes] and [minimums]",
        )
    for section in ("build", "volumes", "minimums"):
        if not isinstance(file_doc.get(section, {}), dict):
            raise ConfigError(
                f"{path}: {section} must be a table", f"write it as a [{section}] section"
            )
    build_doc = file_doc.get("build", {})
    unknown = set(build_doc) - {"mode", "seed", "scale", "anchor"}
    if unknown:
        raise ConfigError(
            f"{path}: unknown [build] key(s) {', '.join(sorted(unknown))}",
            "use mode, seed, scale and anchor",
        )

    def pick(name: str, arg: Any, default: Any) -> Any:
        envname = ENV_PREFIX + name.upper()
        if arg is not None:
            sources[name] = "option"
            return arg
        if envname in env:
            sources[name] = f"env {envname}"
            return env[envname]
        if name in build_doc:
            sources[name] = f"file {path}"
            return build_doc[name]
        sources[name] = "default"
        return default

    def where(name: str) -> tuple[str, str]:
        """(source, what to set) of a [build] setting, for an error message; an option is
        named as typed (--anchor), not "option" as ``sources`` records it."""
        src = sources[name]
        option = f"--{name}"
        return (option if src == "option" else src), _setting(src, f"{name} in [build]", option)

    mode_v = str(pick("mode", mode, DEFAULT_MODE))
    if mode_v not in MODE_NAMES:
        src, setting = where("mode")
        raise ConfigError(
            f"unknown mode {mode_v!r} ({src})", f"set {setting} to one of {', '.join(MODE_NAMES)}"
        )
    seed_raw = str(pick("seed", seed, DEFAULT_SEED))
    seed_v = int(_number(seed_raw, "seed", int, *where("seed")))
    if not 0 <= seed_v < 2**63:
        src, setting = where("seed")
        raise ConfigError(
            f"seed {seed_v} out of range ({src})", f"set {setting} between 0 and 2**63-1"
        )
    scale_raw = str(pick("scale", scale, 1.0))
    scale_v = float(_number(scale_raw, "scale", float, *where("scale")))
    if not 0 < scale_v <= MAX_SCALE:
        src, setting = where("scale")
        raise ConfigError(
            f"scale {scale_v:g} out of range ({src})",
            f"set {setting} above 0 and at most {MAX_SCALE}",
        )
    anchor_raw = str(pick("anchor", anchor, DEFAULT_ANCHOR))
    try:
        anchor_v = parse_anchor(anchor_raw)
    except ConfigError as e:
        src, setting = where("anchor")
        raise ConfigError(
            f"{e.message} ({src})", f"set {setting} to {e.fix.removeprefix('give ')}"
        ) from None
    if not ANCHOR_RANGE[0] <= anchor_v <= ANCHOR_RANGE[1]:
        src, setting = where("anchor")
        first, last = (t.strftime("%Y-%m-%dT%H:%M:%SZ") for t in ANCHOR_RANGE)
        raise ConfigError(
            f"anchor {anchor_v.strftime('%Y-%m-%dT%H:%M:%SZ')} is outside the years a build "
            f"is made for ({src})",
            f"set {setting} between {first} and {last}",
        )

    retired = set(file_doc.get("volumes", {})) & set(RETIRED_VOLUMES)
    if retired:
        key = min(retired)
        raise ConfigError(
            f"{path}: volume {key} no longer sets anything a build makes: {RETIRED_VOLUMES[key]}",
            f"remove {key} from [volumes] of {path}",
        )
    volumes: dict[str, float] = {}
    for key, value in MODES[mode_v].items():
        src = f"mode {mode_v}"
        if key in file_doc.get("volumes", {}):
            src = f"file {path}"
            value = _volume(key, file_doc["volumes"][key], src, scale_v)
        volumes[key] = value * scale_v if key in SCALED else value
        sources[f"volumes.{key}"] = src + (
            f" x scale {scale_v:g}" if key in SCALED and scale_v != 1 else ""
        )
    unknown_vol = set(file_doc.get("volumes", {})) - set(volumes)
    if unknown_vol:
        raise ConfigError(
            f"{path}: unknown volume(s) {', '.join(sorted(unknown_vol))}",
            f"known volumes: {', '.join(sorted(volumes))}",
        )

    mins = mode_minimums(mode_v)
    for ent, reqs in mins.items():
        for n in reqs:
            own = n in MODE_MINIMUMS[mode_v].get(ent, {})
            sources[f"minimums.{ent}.{n}"] = f"mode {mode_v}" if own else "default"

    def set_min(key: str, value: Any, src: str) -> None:
        entity, _, name = key.partition(".")
        # An option is named as typed in errors (--min client.posts), as [build] settings are.
        shown = f"--min {key}" if src == "option" else src
        if entity not in mins or name not in mins[entity]:
            raise ConfigError(f"unknown minimum {key!r} ({shown})", _min_fix(key, src, mins))
        setting = _setting(src, f"{name} in [minimums.{entity}]", f"--min {key}")
        n = int(_number(str(value), f"minimum {key}", int, shown, setting))
        most = MAX_WINDOW_DAYS if (entity, name) in WINDOW_MINIMUMS else MAX_MINIMUM
        if not 0 <= n <= most:
            raise ConfigError(
                f"minimum {key} must be between 0 and {most}, got {n} ({shown})",
                f"set {setting} to a number in that range",
            )
        mins[entity][name] = n
        sources[f"minimums.{key}"] = src

    for entity, table in file_doc.get("minimums", {}).items():
        if not isinstance(table, dict):
            raise ConfigError(
                f"{path}: [minimums] entry {entity!r} is not a table",
                "write [minimums.client] posts = 7",
            )
        for name, value in table.items():
            set_min(f"{entity}.{name}", value, f"file {path}")
    for envname in sorted(env):
        m = MIN_ENV.match(envname)
        if m:
            set_min(f"{m[1].lower()}.{m[2].lower()}", env[envname], f"env {envname}")
    for key, value in (minimums or {}).items():
        set_min(key, value, "option")
    refuse_misspelt(env)

    return Config(mode_v, seed_v, scale_v, anchor_v, volumes, mins, sources)
