"""Users: the 12 fixture accounts, generated users per role, and their role rows.

Users of a role are keyed by their index within the role (``child_keys(root_key(role), i)``);
indices 0..2 are the fixtures with their fixed ids and emails, so growing the population only
appends users. Generated emails are numbered by that index too, so they never collide
(upstream restarted at 1 and crashed on a bigger mode, seeder.md §11.21).
"""

from __future__ import annotations

import base64
import hashlib
import re
from concurrent.futures import ThreadPoolExecutor

import bcrypt
import numpy as np
import numpy.typing as npt
import polars as pl

from seedsnap.arrays import choose_eligible, rows_in
from seedsnap.config import FIXTURES_PER_ROLE, UNVERIFIED_WITHIN_DAYS, VERIFY_TOKEN_HOURS
from seedsnap.context import MS_PER_DAY, MS_PER_HOUR, Context, Frames, timestamps
from seedsnap.generators import vocab as v
from seedsnap.generators.clock import WORKDAY, from_waking, rhythm_of, waking, waking_between
from seedsnap.generators.common import (
    json_list,
    json_object,
    pick,
    pick_many,
    pick_text,
    soon_after,
    text_keys,
)
from seedsnap.ids import hex_token
from seedsnap.random import I64, U64, Stream, child_keys, root_key

READS: tuple[str, ...] = ()
WRITES = ("User", "Client", "Therapist", "Admin", "Moderator")

ROLES = ("client", "therapist", "admin", "moderator")
ROLE_VOLUME = {
    "client": "clients",
    "therapist": "therapists",
    "admin": "admins",
    "moderator": "moderators",
}
# The one known development password (README); hashed once per build, salt from the seed.
DEV_PASSWORD = "MentaraDev#2026"
BCRYPT_COST = 10
# Days before the anchor within which users of each role were created (upstream's windows).
CREATED_WITHIN = {"client": 180, "therapist": 365, "admin": 730, "moderator": 365}
# ... and at least this long ago: a therapist's application is processed before it can
# practise, so an approved therapist needs weeks of history for past sessions and reviews.
CREATED_AT_LEAST = {"client": 1, "therapist": 45, "admin": 1, "moderator": 1}
# An application is processed within this many days of its submission: every APPROVED
# therapist has practised on the platform for weeks (CREATED_AT_LEAST - this) by the anchor.
PROCESSED_WITHIN = 21
# The fixture accounts, which developers log in with, joined 30 to 90 days before the anchor
# (a therapist's, as any therapist's, at least CREATED_AT_LEAST ago): weeks of history to
# show, a therapist with past sessions among them.
FIXTURE_CREATED_WITHIN = 90
FIXTURE_CREATED_AT_LEAST = 30
# ... except the fixture admins, who run the platform: they process the therapist
# applications (theirs is the therapist_approval permission), so they exist before the first
# therapist applied (CREATED_WITHIN days ago). Each application goes to one of them by a
# keyed draw, PROCESSING_P of them to each (the fixture therapists' to dev_admin_1): the
# same admins at every scale, so a therapist's row does not change as the population grows.
FIXTURE_ADMINS_CREATED = (CREATED_WITHIN["admin"], CREATED_WITHIN["therapist"] + 1)
PROCESSING_ADMINS = ("dev_admin_1", "dev_admin_2", "dev_admin_3")
APPROVAL_PERMISSION = "therapist_approval"
PROCESSING_P = (0.5, 0.3, 0.2)
# An application not approved (``_approved``: a tenth) was turned down (REJECTED) with a keyed
# REJECTED_SHARE, by the admin and in the working hours an approval would have been (the
# app's rejection sets the status, processingDate and processedByAdminId, as approval
# does, and the applicant gets a THERAPIST_REJECTED notice then): the others still await
# processing (PENDING, submitted within PROCESSED_WITHIN days). A rejected applicant cannot
# practise: no clients, sessions, availability, communities, posts or conversations; it has
# its account, its application and the notices of it.
# The first MIN_PENDING applications drawn not approved still wait, whatever their draw: a
# build with one shows a pending application (medium's one); being the first therapists',
# they are the same at every scale (a bigger population keeps its people). No minimum of
# rejected ones: turning down one drawn approved (light's or medium's few) changes who
# practises, and so every client's pick among the therapists that fit it; at heavy x48 that
# reshuffle left a pair with no free slot for its minimum meetings. Heavy builds reject some.
REJECTED_SHARE = 0.6
MIN_PENDING = 1
# Beside the drawn population, every build has TURNED_DOWN applicants it turned down
# (REJECTED whatever their draw) and AWAITING ones whose application still waits (PENDING),
# so light and medium, whose few drawn therapists are approved but for medium's pending one,
# show a rejection and a pending application too. Keyed apart from the therapists
# (``applicant_keys``), named from the end of the name shuffle and with emails of their own,
# they are the same at every scale and move no one else's draw or id: an applicant not
# approved takes no part in anything (no community, pair or conversation; a pending one
# joined communities once, which moved the memberships, posts, comments, hearts, messages and
# notifications of others: heavy x3, 15 tables).
TURNED_DOWN = 1
AWAITING = 1
# A therapist's standard session, in minutes: the "50-minute hour" or a full hour. Meetings
# mostly last this long (generators/therapy.py) and are billed pro rata of hourlyRate.
SESSION_MINUTES = (50, 60)
SESSION_MINUTES_P = (0.45, 0.55)

# A therapist's hourlyRate (dollars): a base per provider type (vocab.PROVIDER_TYPES order:
# psychologist, clinical social worker, marriage and family therapist, counselor, psychiatric
# nurse practitioner; assumed from published US private-pay fees), plus RATE_PER_YEAR per year
# of experience and a keyed spread of up to RATE_SPREAD either way, rounded to RATE_STEP and
# kept in RATE_RANGE. (Upstream drew 120-200 regardless of either.)
RATE_BASE = (165, 120, 125, 115, 185)
RATE_PER_YEAR = 3.5
RATE_SPREAD = 20
RATE_STEP = 5
RATE_RANGE = (60, 300)
# A keyed SLIDING_SCALE_SHARE of therapists keep part of their caseload affordable and list a
# sliding-scale fee: SLIDING_SCALE of the rate above (so a counsellor or social worker early in
# practice charges $70-$90, a senior psychiatric nurse practitioner still $150 or more). Without
# them no rate fell under $100 and a client's "under $100" budget fitted nobody.
SLIDING_SCALE_SHARE = 0.2
SLIDING_SCALE = 0.65

# Ages (years, at the anchor) users are drawn between. A therapist practises from 24 at the
# earliest and has practised a year or more: at least 26 (365-day years) is 25 full years.
AGES = {"client": (18, 65), "therapist": (26, 60)}
# Clients' ages are not spread evenly: people in therapy online are mostly in their late
# twenties to early forties. Bands of years [lo, hi) and their shares (an assumed mix, in
# line with published teletherapy user surveys); an age is uniform within its band.
CLIENT_AGE_BANDS = ((18, 25), (25, 35), (35, 45), (45, 55), (55, 65))
CLIENT_AGE_P = (0.20, 0.35, 0.25, 0.13, 0.07)
PRACTICE_FROM_AGE = 24
# Mentara is for adults: everyone was ADULT_AT or older when signing up. Ages are drawn in days
# of 365, so an age's lower bound gets LEAP_DAYS more (the leap days 18 years can hold).
ADULT_AT = 18
LEAP_DAYS = 5

# When each user was last seen (``last_seen``): what they do themselves (posts, comments,
# hearts, messages sent, notifications read, sessions held ...) is drawn before it, so last
# logins spread over days, weeks and months instead of piling up just before the anchor. A
# share of each role still uses the app (last seen a truncated exponential time, at most
# DORMANT_AFTER, before the anchor); the others are dormant: they used it for a while after
# signing up and stopped at least DORMANT_AFTER before the anchor. Staff keep coming back;
# clients churn. Every therapist still comes: an APPROVED one practises (its minimums ask
# for a current client, sessions and availability up to the anchor, which a therapist who
# left would not have) and its account is active (``_users``); a PENDING one awaits the
# outcome of its recent application. An inactive account stopped when it was deactivated.
STILL_ACTIVE = {"client": 0.55, "therapist": 1.0, "admin": 0.9, "moderator": 0.85}
CLIENT_RECENT_MEAN = 1.5 * MS_PER_DAY
STAFF_RECENT_MEAN = 0.75 * MS_PER_DAY
DORMANT_AFTER = 7 * MS_PER_DAY
# Every user is around at least this long after signing up (or until the anchor, if sooner):
# room for the posts, comments and hearts the minimums ask of them.
MIN_ACTIVE_SPAN = 2 * MS_PER_DAY
# A user's last login is at most this long before its last act, which is by ``last_seen``
# (one session: enrichers/logins.py sets the login, notifications.py a sign-in alert by it).
SESSION = 2 * MS_PER_HOUR

# Repeat offenders (``content.offenders``) who keep at it are suspended: a keyed
# SUSPENDED_SHARE of those drawn to offend (not the ranked few a small build is given) stop
# being seen a keyed time SUSPEND_AFTER (uniform, in their waking hours) after signing up,
# weeks of misconduct and of reports on it; the suspension itself comes with the review of a
# report of theirs at or after their last act (enrichers/logins.py), so they do nothing after
# it by construction. Only where that leaves them stopped DORMANT_AFTER before the anchor
# (nothing was booked ahead for them, ``last_seen``), and never a deactivated account; the
# others keep going. An unverified client signed up days ago: never one of them.
SUSPENDED_SHARE = 0.75
SUSPEND_AFTER = (28 * MS_PER_DAY, 84 * MS_PER_DAY)
# A build where any client could be one has at least MIN_SUSPENDED of them (the top of a
# keyed ranking of those who could, made offenders first of ``content.offenders``' ranked
# few): testers need a suspended account in the light and medium snapshots too.
MIN_SUSPENDED = 1
# The first DEACTIVATED_AMONG generated clients (light's all) include at least
# MIN_DEACTIVATED who closed their account (``_least_deactivated``): where the keyed draws
# left fewer of them, the top of a keyed ranking of those who could (verified), those who
# stopped coming anyway (``last_seen``'s draw) first, so the account closed is one whose
# owner had left, and never one the offenders and suspensions would pick first if another
# could. Testers need one in light and medium too; being the first clients', it is the same
# at every scale (a bigger population keeps its people).
MIN_DEACTIVATED = 1
DEACTIVATED_AMONG = 5

# Clients who have not verified their email signed up in the last UNVERIFIED_WITHIN, at
# least UNVERIFIED_AT_LEAST ago: the app sends a code valid for VERIFY_TOKEN_VALID when a
# client registers (or asks again) and asks for it next, and a client who has not entered it
# has not finished signing up. Such a client has its sign-up intake (the pre-assessment
# registration stores, its chatbot session) and nothing else: no community, therapist,
# conversation, post or preferences; the steps choose verified users only (``verified``),
# and the client minimums apply to them. They are the sign-ups of those days at the clients'
# steady rate (UNVERIFIED_WITHIN_DAYS of CREATED_WITHIN's), UNVERIFIED_PENDING of whom have
# not entered their code yet: upstream's 10 % put a month's sign-ups into those days (heavy
# x3: 34 clients in the last 3 days beside about one a day before; check:
# user.sign_ups_steady). At least MIN_UNVERIFIED among the first UNVERIFIED_AMONG generated
# clients (keyed; light's all), so that light and medium have one too.
UNVERIFIED_PENDING = 0.6
UNVERIFIED_SHARE = UNVERIFIED_WITHIN_DAYS / CREATED_WITHIN["client"] * UNVERIFIED_PENDING
MIN_UNVERIFIED = 1
UNVERIFIED_AMONG = 5
UNVERIFIED_WITHIN = UNVERIFIED_WITHIN_DAYS * MS_PER_DAY
UNVERIFIED_AT_LEAST = 2 * MS_PER_HOUR
VERIFY_TOKEN_VALID = VERIFY_TOKEN_HOURS * MS_PER_HOUR

_STD_B64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_BCRYPT_B64 = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def last_seen(ctx: Context, users: pl.DataFrame) -> I64:
    """When each user of ``users`` (id, role, createdAt, isActive) was last seen (epoch ms):
    a keyed pure function of the seed, the user and those columns, never after the anchor.

    The fixtures, the accounts developers log in with, are still active. Steps ask it of
    the same User frame many times: it is computed once per frame (read-only).
    """
    return ctx.memo("last_seen", users, lambda: _last_seen(ctx, users))


def _last_seen(ctx: Context, users: pl.DataFrame) -> I64:
    anchor = ctx.anchor_ms
    keys = text_keys(users["id"])
    s = ctx.stream("User", "last-seen")
    role = users["role"].cast(pl.String).to_numpy()
    created = np.minimum(np.asarray(users["createdAt"].dt.epoch("ms").to_numpy()), anchor)
    age = anchor - created
    first = created + np.minimum(age, MIN_ACTIVE_SPAN)  # the earliest a user stops
    share = np.select([role == r for r in STILL_ACTIVE], list(STILL_ACTIVE.values()), 0.5)
    fixture = users["id"].str.starts_with("dev_").to_numpy()
    inactive = ~users["isActive"].to_numpy()
    still = (fixture | s.bernoulli(keys, share, index=0)) & ~inactive
    mean = np.where(role == "client", CLIENT_RECENT_MEAN, STAFF_RECENT_MEAN)
    # Still coming means seen within DORMANT_AFTER: the two kinds do not overlap. Counted
    # back from the anchor on the user's waking clock (``clock``, in the rhythm of its role):
    # people are last seen in the hours they are up.
    home, rhythm = home_offset_of(ctx, users["id"]), rhythm_of(role)
    w_anchor = waking(anchor, home, rhythm)
    since = np.maximum(first, anchor - DORMANT_AFTER)
    w_since = waking(since, home, rhythm)
    back = soon_after(s, keys, 0, (w_anchor - w_since).astype(np.int64), mean, index=1)
    recent = np.clip(from_waking(w_anchor - back, home, rhythm), since, anchor)
    # A dormant user stopped between ``first`` and DORMANT_AFTER before the anchor (a young
    # one at ``first``); a deactivated one at any time before the anchor.
    stop_by = np.where(inactive, anchor - MS_PER_DAY // 24, anchor - DORMANT_AFTER)
    dormant = waking_between(
        s, keys, first, np.maximum(stop_by, first), home, index=2, rhythm=rhythm
    )
    out: I64 = np.where(still, recent, dormant)
    due = suspension_due(ctx, users)  # an offender to be suspended stops coming by then
    out = np.where(due >= 0, np.minimum(out, due), out)
    out.setflags(write=False)  # shared by every caller of the frame (``last_seen``)
    return out


def suspension_due(ctx: Context, users: pl.DataFrame) -> I64:
    """When each user of ``users`` (id, role, createdAt, isActive), a repeat offender to be
    suspended (SUSPENDED_SHARE), stops coming (epoch ms): a keyed pure function of the seed,
    the user and those columns; -1 for everyone else."""
    from seedsnap.generators.content import drawn_offenders  # content reads users

    keys = text_keys(users["id"])
    role = users["role"].cast(pl.String).to_numpy()
    created = np.asarray(users["createdAt"].dt.epoch("ms").to_numpy())
    s = ctx.stream("User", "suspension")
    at, order = _suspension_draws(ctx, keys, created, home_offset_of(ctx, users["id"]))
    could = (
        (role == "client")
        & ~users["id"].str.starts_with("dev_").to_numpy()
        & users["isActive"].to_numpy()
        & (at < ctx.anchor_ms - DORMANT_AFTER)
    )
    due = could & drawn_offenders(ctx, users["id"]) & s.bernoulli(keys, SUSPENDED_SHARE, index=1)
    short = MIN_SUSPENDED - int(due.sum())
    if short > 0:  # the ranking is of those who could: any frame holding them all agrees
        rank = pl.DataFrame(
            {"row": np.flatnonzero(could), "id": users["id"].filter(could), "d": order[could]}
        )
        due[rank.sort("d", "id")["row"].head(short).to_numpy()] = True
    out: I64 = np.where(due, at, -1)
    return out


def _suspension_draws(ctx: Context, keys: U64, created: I64, home: I64) -> tuple[I64, U64]:
    """For clients of ``keys`` (signed up at ``created``, at UTC offset ``home``): when each
    would stop coming to be suspended (SUSPEND_AFTER into its account, in its waking hours)
    and its place in MIN_SUSPENDED's ranking (lowest first): ``suspension_due``'s draws,
    which ``_least_deactivated`` spares."""
    s = ctx.stream("User", "suspension")
    lo, hi = created + SUSPEND_AFTER[0], created + SUSPEND_AFTER[1]
    return waking_between(s, keys, lo, hi, home, index=0), s.bits(keys, 2)


def verified(users: pl.DataFrame) -> pl.Series:
    """Ids of the users of ``users`` (id, emailVerified) who verified their email: the only
    ones who take part in anything (an unverified client is a sign-up not yet finished)."""
    return users.filter(pl.col("emailVerified"))["id"]


def seen_of(ctx: Context, users: pl.DataFrame, ids: pl.Series) -> I64:
    """``last_seen`` of each user of ``ids`` (the anchor for an id not among ``users``)."""
    row = rows_in(ids, users["id"])
    seen = np.append(last_seen(ctx, users), ctx.anchor_ms)
    out: I64 = seen[row]  # row -1 takes the appended anchor
    return out


# Standard-time UTC offsets (hours) of the zones of ``vocab.PROVINCE_TZ``.
STANDARD_OFFSET_H = {
    "America/New_York": -5,
    "America/Detroit": -5,
    "America/Chicago": -6,
    "America/Phoenix": -7,
    "America/Los_Angeles": -8,
}


# The fixture clients live in one state, dev_therapist_3's (Texas, on Central time): three
# clients of one state let even light hold a group session in person (its participants live
# in its venue's state, ``group_sessions.MIN_PARTICIPANTS`` of them), and at the default
# anchor (Sunday 06:00 there, 07:00 in New York where therapists keep weekend mornings) they
# are up (``therapy.client_up``) for a session under way: light's drawn homes had one
# client up then, whom the group session under way and the 1:1 one under way both needed.
FIXTURE_CLIENT_HOME = v.PROVINCES.index("Texas")


def home_province(ctx: Context, ids: pl.Series) -> I64:
    """Where each user of ``ids`` lives, as an index into ``vocab.PROVINCES``: a keyed draw
    weighted by the provinces' populations, but the fixture therapists' are the first
    provinces, as upstream's fixture overrides, and the fixture clients' FIXTURE_CLIENT_HOME.
    A therapist's ``province`` and ``timezone`` say it; a client's home is stored nowhere,
    but it times their acts too (``home_offset_of``)."""
    keys = text_keys(ids)
    out: I64 = ctx.stream("User", "home").choice(
        keys, len(v.PROVINCES), p=v.PROVINCE_POPULATION, index=0
    )
    # The fixtures are looked up among the ids whose keys are theirs only (equal text has
    # equal keys): a replace over every id cost as much as the draw.
    fixtures = {f"dev_therapist_{i + 1}": i for i in range(FIXTURES_PER_ROLE)}
    fixtures |= {f"dev_client_{i + 1}": FIXTURE_CLIENT_HOME for i in range(FIXTURES_PER_ROLE)}
    hit = np.flatnonzero(np.isin(keys, text_keys(pl.Series(list(fixtures)))))
    if len(hit):
        fixed = ids.gather(hit).replace_strict(fixtures, default=-1, return_dtype=pl.Int64)
        f = fixed.to_numpy()
        out[hit] = np.where(f >= 0, f, out[hit])
    return out


def home_offset_of(ctx: Context, ids: pl.Series) -> I64:
    """The UTC offset (ms, standard time) of the home of each user of ``ids``: it puts
    their acts in their waking hours (``clock``)."""
    hours = np.array([STANDARD_OFFSET_H[z] for z in v.PROVINCE_TZ], dtype=np.int64)
    out: I64 = hours[home_province(ctx, ids)] * (MS_PER_DAY // 24)
    return out


def home_zone_of(ctx: Context, ids: pl.Series) -> pl.Series:
    """The IANA zone of the home of each user of ``ids`` (``home_province``)."""
    return pl.Series("tz", np.asarray(v.PROVINCE_TZ)[home_province(ctx, ids)], dtype=pl.String)


def zone_of(ctx: Context, therapists: pl.DataFrame, ids: pl.Series) -> pl.Series:
    """The IANA zone each user of ``ids`` reads times in: a therapist's own ``timezone``
    (``therapists``: userId, timezone), else their home's (``home_province``); the two agree
    for a generated therapist, whose ``timezone`` is its home's."""
    home = home_zone_of(ctx, ids)
    row = rows_in(ids, therapists["userId"])
    own = therapists["timezone"].cast(pl.String).append(pl.Series([None], dtype=pl.String))
    return own.gather(np.where(row < 0, therapists.height, row)).fill_null(home).alias("tz")


# How much people take part is heavy-tailed and grows with their time on the platform: a
# per-user minimum (posts, hearts) is a floor, not what everyone does. A client's share is
# the minimum plus APPETITE_EXTRA of it per APPETITE_MONTHS between sign-up and last seen,
# times a keyed appetite (lognormal, median 1, APPETITE_SIGMA), at most APPETITE_CAP times
# the minimum (``targets``).
APPETITE_SIGMA = 0.8
APPETITE_MONTHS = 3.0
APPETITE_EXTRA = 0.6
APPETITE_CAP = 4


def appetite(ctx: Context, users: pl.DataFrame, ids: pl.Series) -> npt.NDArray[np.float64]:
    """How much each user of ``ids`` takes part, relative to a client who has been around
    APPETITE_MONTHS: its keyed appetite (the same in every step) times its active months
    (sign-up to last seen, in ``users``: id, role, createdAt, isActive) over APPETITE_MONTHS."""
    row = rows_in(ids, users["id"])
    created = users["createdAt"].dt.epoch("ms").to_numpy()[row]
    months = (seen_of(ctx, users, ids) - created) / (30 * MS_PER_DAY)
    keen = np.exp(APPETITE_SIGMA * ctx.stream("User", "appetite").normal(text_keys(ids)))
    out: npt.NDArray[np.float64] = keen * np.maximum(months, 0.0) / APPETITE_MONTHS
    return out


# What a user does is spread over its time on the platform, not piled at its end: each user's
# acts (its posts) are drawn over the whole span, with a keyed drift (``activity_drift``):
# the log of how much more active it is at the span's end than at its start, normal with
# spread ACTIVITY_DRIFT (at most ACTIVITY_DRIFT_MAX either way), so some fade, some pick up
# and most stay near even (``clock.drifting``).
ACTIVITY_DRIFT = 1.2
ACTIVITY_DRIFT_MAX = 3.0


def activity_drift(ctx: Context, ids: pl.Series) -> npt.NDArray[np.float64]:
    """The activity drift (``ACTIVITY_DRIFT``) of each user of ``ids``: a keyed draw of the
    user alone, the same in every step."""
    z = ctx.stream("User", "activity-drift").normal(text_keys(ids))
    out: npt.NDArray[np.float64] = np.clip(
        ACTIVITY_DRIFT * z, -ACTIVITY_DRIFT_MAX, ACTIVITY_DRIFT_MAX
    )
    return out


def targets(ctx: Context, users: pl.DataFrame, ids: pl.Series, minimum: int) -> I64:
    """What each user of ``ids`` does of something with a per-user ``minimum``: the minimum
    and APPETITE_EXTRA of it per unit of ``appetite``, at most APPETITE_CAP x minimum."""
    extra = np.rint(minimum * APPETITE_EXTRA * appetite(ctx, users, ids)).astype(np.int64)
    out: I64 = np.minimum(minimum + extra, APPETITE_CAP * minimum)
    return out


def still_coming(ctx: Context, users: pl.DataFrame, ids: pl.Series) -> npt.NDArray[np.bool_]:
    """Whether each user of ``ids`` still comes: last seen within DORMANT_AFTER of the anchor
    and its account active (a deactivated one stopped; an id not among ``users`` comes)."""
    row = rows_in(ids, users["id"])
    active = np.append(users["isActive"].to_numpy(), True)[row]
    out: npt.NDArray[np.bool_] = (
        seen_of(ctx, users, ids) >= ctx.anchor_ms - DORMANT_AFTER
    ) & active
    return out


def with_seen(
    ctx: Context, users: pl.DataFrame, frame: pl.DataFrame, user: str = "userId"
) -> pl.DataFrame:
    """``frame`` with ``seen``: the ``last_seen`` (epoch ms) of the user in its ``user`` column."""
    return frame.with_columns(pl.Series("seen", seen_of(ctx, users, frame[user])))


def password_hash(seed: int) -> str:
    """bcrypt(DEV_PASSWORD) with a salt derived from the seed: identical for identical builds."""
    raw = hashlib.blake2b(f"bcrypt-salt\x1f{seed}".encode(), digest_size=16).digest()
    salt22 = base64.b64encode(raw)[:22].translate(bytes.maketrans(_STD_B64, _BCRYPT_B64))
    salt = b"$2b$%02d$" % BCRYPT_COST + salt22
    return str(bcrypt.hashpw(DEV_PASSWORD.encode(), salt).decode())


def user_keys(role: str, count: int) -> np.ndarray:
    return child_keys(root_key(role), np.arange(count))


def applicant_keys() -> np.ndarray:
    """The keys of the TURNED_DOWN applicants then the AWAITING ones, apart from every
    therapist's ``user_keys``."""
    return child_keys(root_key("therapist-applicant"), np.arange(TURNED_DOWN + AWAITING))


def _names(ctx: Context, role: str, idx: I64) -> tuple[np.ndarray, np.ndarray]:
    """First and last names of the users of ``role`` numbered ``idx`` (their index within the
    role): the full names of the vocabulary (every first name with every last name) in a
    keyed shuffle of the role, the ``idx``-th, so no two users of a role share a full name
    until the role has more users than there are names (3,000: beyond, the shuffle starts
    over, and at such a size a namesake is what a real directory has too). A user's name
    depends on its index alone: a bigger population only appends names."""
    firsts = np.asarray(v.FIRST_NAMES_MALE + v.FIRST_NAMES_FEMALE + v.FIRST_NAMES_NEUTRAL)
    lasts = np.asarray(v.LAST_NAMES)
    combos = np.arange(len(firsts) * len(lasts), dtype=np.uint64)
    shuffled = np.argsort(ctx.stream("User", f"names-{role}").permutation_rank(combos))
    name = shuffled[idx % len(combos)]
    return firsts[name // len(lasts)], lasts[name % len(lasts)]


# SECOND_BIO_SHARE of the clients add a second sentence to their bio: one of the bios for
# any adult age (``vocab.CLIENT_BIOS``) other than their first. One sentence of 14 each made
# a tester's community look copied (heavy x3: 37 of 240 clients with the same bio; check:
# user.client_bios_varied).
SECOND_BIO_SHARE = 0.7


def _client_bios(s: Stream, keys: np.ndarray, age: I64, second: Stream | None = None) -> np.ndarray:
    """A bio of ``vocab.CLIENT_BIOS`` for each client (``keys``), uniform among those that
    fit its ``age`` (full years; the ones for any adult age fit everyone); with ``second``
    (its own stream), SECOND_BIO_SHARE of them followed by one of the bios for any adult
    age but the first."""
    lo, hi = (np.asarray([b[i] for b in v.CLIENT_BIOS], dtype=np.int64) for i in (1, 2))
    fits = (age[:, None] >= lo) & (age[:, None] <= hi)
    # A client drawn in its band's first few days is 17 full years old (18 * 365 days fall
    # short of 18 years by the leap days) and fits no bio: it has the first, as it always had.
    fits[:, 0] |= ~fits.any(axis=1)
    nth = choose_eligible(s.uniform(keys, 9), fits)
    texts = np.asarray([b[0] for b in v.CLIENT_BIOS], dtype=object)
    out: np.ndarray = texts[nth]
    if second is None or not len(keys):
        return out
    general = (lo <= ADULT_AT) & (hi >= max(a[1] for a in CLIENT_AGE_BANDS))
    may = general[None, :] & (np.arange(len(texts))[None, :] != nth[:, None])
    then = choose_eligible(second.uniform(keys, 0), may)
    two = second.bernoulli(keys, SECOND_BIO_SHARE, index=1)
    out = np.where(two, out + " " + texts[then], out)
    return out


def _users(ctx: Context, role: str, count: int) -> pl.DataFrame:
    """``count`` users of ``role``, their password still NULL (``generate`` sets it)."""
    s = ctx.stream("User", role)
    keys = user_keys(role, count)
    drawn = count
    if role == "therapist":  # and the applicants (TURNED_DOWN, AWAITING)
        keys = np.concatenate([keys, applicant_keys()])
        count += TURNED_DOWN + AWAITING
    idx = np.arange(count)
    fixture = idx < FIXTURES_PER_ROLE
    n = idx + 1
    gen_ids = ctx.ids("User", keys).to_numpy()
    ids = np.where(fixture, np.char.add(f"dev_{role}_", n.astype(str)), gen_ids)
    emails = np.where(
        fixture,
        np.char.add(np.char.add(role, n.astype(str)), "@mentaratest.dev"),
        np.char.add(
            np.char.add(f"generated.{role}.", (n - FIXTURES_PER_ROLE).astype(str)),
            "@mentaradev.local",
        ),
    )
    applicant = idx >= drawn
    emails = np.where(
        applicant,
        np.char.add(
            np.char.add(f"applicant.{role}.", (idx - drawn + 1).astype(str)), "@mentaradev.local"
        ),
        emails,
    )
    # An applicant's name is from the end of the role's shuffle (-1, -2, ...).
    first, last = _names(ctx, role, np.where(applicant, drawn - idx - 1, idx))
    fixture_first = {
        "client": "Client",
        "therapist": "Dr. Therapist",
        "admin": "Admin",
        "moderator": "Moderator",
    }[role]
    first = np.where(fixture, fixture_first, first)
    last = np.where(fixture, n.astype(str), last)

    within, at_least = (
        FIXTURE_ADMINS_CREATED
        if role == "admin"
        else (FIXTURE_CREATED_WITHIN, max(FIXTURE_CREATED_AT_LEAST, CREATED_AT_LEAST[role]))
    )
    # Sign-ups and profile edits happen in the user's waking hours (``clock``).
    home = home_offset_of(ctx, pl.Series(ids))
    anchor = ctx.anchor_ms

    def signed_up(most: float, least: float) -> I64:
        """Sign-up times between ``most`` and ``least`` days before the anchor."""
        lo, hi = anchor - round(most * MS_PER_DAY), anchor - round(least * MS_PER_DAY)
        return waking_between(s, keys, lo, hi, home, index=4)

    created = np.where(
        fixture,
        signed_up(within, at_least),
        signed_up(CREATED_WITHIN[role], CREATED_AT_LEAST[role]),
    )
    if role == "therapist":
        # A PENDING application (the therapist signs up by applying) awaits processing,
        # which takes at most PROCESSED_WITHIN days: it was submitted within them.
        recent = signed_up(PROCESSED_WITHIN, 0)
        status = application_status(ctx, keys, fixture)
        created = np.where(status == "PENDING", recent, created)
    a = anchor
    verified = fixture | (role != "client") | saw_recommendations(ctx, keys, fixture)
    # An unverified client is a recent sign-up, holding the code of the last email the app
    # sent it: at sign-up, or when it asked again in the last day (it is still valid).
    recently = waking_between(
        s, keys, a - UNVERIFIED_WITHIN, a - UNVERIFIED_AT_LEAST, home, index=20
    )
    created = np.where(verified, created, recently)
    resent = waking_between(s, keys, a - VERIFY_TOKEN_VALID + MS_PER_HOUR, a, home, index=21)
    sent = np.where(created > a - VERIFY_TOKEN_VALID, created, np.maximum(resent, created))
    updated = waking_between(s, keys, created, a, home, index=5)
    updated = np.where(verified, updated, np.maximum(updated, sent))  # the code is stored
    if role == "client":
        ages = np.asarray(CLIENT_AGE_BANDS, dtype=np.int64)[
            ctx.stream("User", "age-band").choice(keys, len(CLIENT_AGE_P), p=CLIENT_AGE_P)
        ]
    else:
        ages = np.tile(np.asarray(AGES.get(role, (25, 60)), dtype=np.int64), (count, 1))
    # At least ADULT_AT at sign-up, and at least the band's lower bound at the anchor.
    since_sign_up = (a - created) // MS_PER_DAY + 1
    youngest = np.maximum(ages[:, 0] * 365, since_sign_up + ADULT_AT * 365) + LEAP_DAYS
    oldest = ages[:, 1] * 365
    age_days = s.integers(keys, np.minimum(youngest, oldest - 1), oldest, index=6)
    birth = (a - age_days * MS_PER_DAY) // MS_PER_DAY * MS_PER_DAY
    # Closing an account takes using it first: an unverified sign-up has not.
    active = fixture | ~verified | s.bernoulli(keys, 0.95, index=7)
    if role == "therapist":  # an APPROVED therapist practises: its account is active
        active |= status == "APPROVED"
    if role == "client":
        early = idx < FIXTURES_PER_ROLE + DEACTIVATED_AMONG
        active = _least_deactivated(
            ctx, pl.Series(ids), early & ~fixture & verified, active, created, home
        )
    token = hex_token(ctx.config.seed, "User", "emailVerifyToken", keys, "emailVerifyToken")
    if role == "client":
        age_now = full_years(timestamps(birth, "b"), a)
        bio = _client_bios(s, keys, age_now, ctx.stream("User", "bio-second"))
    elif role == "therapist":
        # The specialty a bio names is one of the therapist's areas of expertise (``_expertise``).
        areas = _expertise(ctx, keys, fixture)
        nth = s.integers(keys, 0, areas.list.len().to_numpy(), index=9)
        named = areas.list.get(pl.Series(nth), null_on_oob=False).replace_strict(IN_A_SENTENCE)
        before, after = v.THERAPIST_BIO.split("{specialty}")
        # ... and goes on with a sentence on how it works (its own stream).
        more = pl.Series(v.THERAPIST_BIO_MORE, dtype=pl.String).gather(
            ctx.stream("User", "bio-therapist").integers(keys, 0, len(v.THERAPIST_BIO_MORE), 0)
        )
        bio = (before + named + after + " " + more).to_numpy().astype(object)
    else:
        # A keyed first and second sentence of the role's (its own stream).
        sb = ctx.stream("User", "bio-staff")
        first_s, second_s = (pl.Series(p, dtype=pl.String) for p in v.STAFF_BIOS[role])
        bio = (
            (
                first_s.gather(sb.integers(keys, 0, len(first_s), 0))
                + " "
                + second_s.gather(sb.integers(keys, 0, len(second_s), 1))
            )
            .to_numpy()
            .astype(object)
        )
    bio = np.where(fixture, v.FIXTURE_BIOS[role], bio)
    # DiceBear seeded by the user's id, not by "first-last" as the app does: a name can be
    # shared (the fixtures' "client-" was, by all three), an id cannot, so no two users of
    # the directory or a thread show the same face.
    avatar_seed = pl.Series(ids, dtype=pl.String)
    return pl.DataFrame(
        {
            "id": ids,
            "email": emails,
            "firstName": first,
            "lastName": last,
            "birthDate": timestamps(birth, "birthDate"),
            "role": np.full(count, role),
            "createdAt": timestamps(created, "createdAt"),
            "updatedAt": timestamps(updated, "updatedAt"),
            "password": pl.Series([None] * count, dtype=pl.String),
            "emailVerified": verified,
            "emailVerifyToken": token,
            "emailVerifyTokenExp": timestamps(sent + VERIFY_TOKEN_VALID, "emailVerifyTokenExp"),
            "isActive": active,
            "avatarUrl": "https://api.dicebear.com/7.x/avataaars/svg?seed=" + avatar_seed,
            "bio": bio.astype(str),
            # lastLoginAt and deactivatedAt follow from what the user does: the logins
            # enricher sets them once everything is made.
        }
    ).with_columns(
        # Verifying clears the code (as the app does).
        *(
            pl.when(pl.col("emailVerified")).then(None).otherwise(pl.col(c)).alias(c)
            for c in ("emailVerifyToken", "emailVerifyTokenExp")
        ),
        # One who has not verified its email has done nothing but sign up: no bio written
        # yet (its profile incomplete, as the profile reminder it was sent says).
        pl.when(pl.col("emailVerified")).then(pl.col("bio")).alias("bio"),
        pl.Series("_key", keys),
    )


def _least_deactivated(
    ctx: Context,
    ids: pl.Series,
    could: npt.NDArray[np.bool_],
    active: npt.NDArray[np.bool_],
    created: I64,
    home: I64,
) -> npt.NDArray[np.bool_]:
    """``active`` (of the clients ``ids``, signed up at ``created``, living at UTC offset
    ``home``) with at least MIN_DEACTIVATED of those who ``could`` close their account
    inactive: where the keyed draws left fewer, the top of a ranking of those who could.
    Last come those drawn to offend (``content.drawn_offenders``) and the one of them
    MIN_SUSPENDED would suspend first (``suspension_due``'s ranking), so that the offenders
    and suspensions stay as they were; first those who stopped coming anyway (``last_seen``'s
    draw); then a keyed draw of their own: a pure function of the candidates, so any frame
    holding them agrees."""
    from seedsnap.generators.content import drawn_offenders  # content reads users

    short = MIN_DEACTIVATED - int((could & ~active).sum())
    if short <= 0:
        return active
    rows = np.flatnonzero(could)
    cand = ids.gather(rows)
    keys = text_keys(cand)
    still = ctx.stream("User", "last-seen").bernoulli(keys, STILL_ACTIVE["client"], index=0)
    # As ``suspension_due`` ranks the clients it could suspend.
    at, bits = _suspension_draws(ctx, keys, created[rows], home[rows])
    suspendable = at < ctx.anchor_ms - DORMANT_AFTER
    first = suspendable & (bits == (bits[suspendable].min() if suspendable.any() else 0))
    rank = pl.DataFrame(
        {
            "row": rows,
            "spared": drawn_offenders(ctx, cand) | first,
            "still": still,
            "d": ctx.stream("User", "least-deactivated").bits(keys),
            "id": cand,
        }
    ).sort("spared", "still", "d", "id")
    out = active.copy()
    out[rank["row"].head(short).to_numpy()] = False
    return out


# Clients who looked at the therapist recommendations their pre-assessment led to: only they
# pick a therapist (the relationships generator and enricher pair no one else).
SAW_RECOMMENDATIONS = 1 - UNVERIFIED_SHARE


def saw_recommendations(ctx: Context, keys: np.ndarray, fixture: np.ndarray) -> np.ndarray:
    """Whether each client (its ``_key``) looked at its therapist recommendations: the app
    shows them once a client finished signing up, so the others are the clients whose email
    is not verified (``UNVERIFIED_SHARE``). The fixtures did, and every client does when the
    minimums ask a therapist of each."""
    everyone = ctx.config.minimum("client", "therapist_relationships") > 0
    u = ctx.stream("Client", "profile").uniform(keys, 0)
    saw = u < SAW_RECOMMENDATIONS
    # MIN_UNVERIFIED among a few clients of fixed rows (the same at every scale) where the
    # draws left fewer: those whose draw came nearest to leaving them unverified (the ones a
    # larger UNVERIFIED_SHARE, as upstream's 10 %, leaves so: light keeps its client).
    idx = np.arange(len(keys))
    among = np.flatnonzero(~fixture & (idx < FIXTURES_PER_ROLE + UNVERIFIED_AMONG))
    short = MIN_UNVERIFIED - int((~saw[among]).sum())
    if short > 0 and not everyone:
        could = among[saw[among]]
        rank = np.argsort(-u[could], kind="stable")
        saw = saw.copy()
        saw[could[rank[:short]]] = False
    out: np.ndarray = everyone | fixture | saw
    return out


def home_city(ctx: Context, ids: pl.Series, keys: np.ndarray) -> pl.Series:
    """The city each user of ``ids`` (``_key``: ``keys``) lives in: one of the cities of its
    home (``home_province``, ``vocab.PROVINCE_CITIES``), a keyed pick. The state of the city
    is the one whose time zone the user's acts follow, so an address or a "Near <city>"
    agrees with the hours the user keeps."""
    cities = [city for state in v.PROVINCE_CITIES for city, _ in state]
    n = np.asarray([len(state) for state in v.PROVINCE_CITIES], dtype=np.int64)
    province = home_province(ctx, ids)
    pick = ctx.stream("Client", "profile").integers(keys, 0, n[province], index=1)
    return pl.Series("city", cities, dtype=pl.String).gather((np.cumsum(n) - n)[province] + pick)


def _clients(ctx: Context, users: pl.DataFrame) -> pl.DataFrame:
    keys = users["_key"].to_numpy()
    fixture = np.arange(len(keys)) < FIXTURES_PER_ROLE
    return pl.DataFrame(
        {
            "userId": users["id"],
            "hasSeenTherapistRecommendations": saw_recommendations(ctx, keys, fixture),
            "birthdate": users["birthDate"],
            "city": home_city(ctx, users["id"], keys),
            "country": np.full(len(keys), "United States"),
            "createdAt": users["createdAt"],
            "updatedAt": users["updatedAt"],
        }
    )


def full_years(birth: pl.Series, anchor_ms: int) -> np.ndarray:
    """Full calendar years from each birth date to the anchor (a birthday not yet reached
    this year does not count; 29 February counts from 1 March)."""
    anchor = pl.Series([anchor_ms]).cast(pl.Datetime("ms"))
    a_year, a_day = anchor.dt.year()[0], anchor.dt.month()[0] * 100 + anchor.dt.day()[0]
    b = pl.DataFrame({"b": birth}).select(
        pl.col("b").dt.year().alias("y"),
        (pl.col("b").dt.month().cast(pl.Int32) * 100 + pl.col("b").dt.day()).alias("d"),
    )
    before = (b["d"] > a_day).cast(pl.Int64).to_numpy()
    return np.asarray(a_year - b["y"].cast(pl.Int64).to_numpy() - before, dtype=np.int64)


def _approved(ctx: Context, keys: np.ndarray, fixture: np.ndarray) -> np.ndarray:
    """Whether each therapist's application was drawn approved (the fixtures' always is);
    ``application_status`` says which of the others were turned down."""
    return np.asarray(fixture | ctx.stream("Therapist", "profile").bernoulli(keys, 0.9, index=3))


def application_status(ctx: Context, keys: np.ndarray, fixture: np.ndarray) -> np.ndarray:
    """Each therapist's application status (``_key``: ``keys``, in index order; APPROVED,
    REJECTED or PENDING): APPROVED as drawn (``_approved``), else REJECTED with
    REJECTED_SHARE (its own stream, so no other draw moved), else PENDING; but the first
    MIN_PENDING drawn not approved PENDING. The fixtures' is always APPROVED. A pure
    function of the keys and of the therapists' order: every step, and every scale, agrees."""
    approved = _approved(ctx, keys, fixture)
    rejected = ~approved & ctx.stream("Therapist", "rejected").bernoulli(
        keys, REJECTED_SHARE, index=0
    )
    # The first applications drawn not approved still wait.
    rejected[np.flatnonzero(~approved)[:MIN_PENDING]] = False
    out: np.ndarray = np.select([rejected, approved], ["REJECTED", "APPROVED"], "PENDING")
    # The applicants turned down, or still waiting, whatever their draw.
    applicants = applicant_keys()
    out[np.isin(keys, applicants[:TURNED_DOWN])] = "REJECTED"
    out[np.isin(keys, applicants[TURNED_DOWN:])] = "PENDING"
    return out


# The areas of expertise (``vocab.SPECIALTIES``) in which a therapist treats each concern of a
# pre-assessment's primaryConcerns (``therapy_text.CONCERNS``): written once, for the areas a
# therapist is drawn (``_expertise``), the pairs (``relationships``) and check. Stress,
# insomnia and general wellbeing are part of any therapist's general practice: no area.
CONCERN_AREAS = {
    "anxiety": ("Anxiety", "Social Anxiety", "Panic Disorder", "OCD"),
    "depression": ("Depression", "Bipolar Disorder", "Grief and Loss"),
}


# Each of ``vocab.SPECIALTIES`` as a bio's sentence names it: its words in lower case, but
# acronyms (PTSD, OCD, ADHD) as they are.
IN_A_SENTENCE = {
    sp: re.sub(r"[A-Za-z]+", lambda w: w[0] if w[0].isupper() else w[0].lower(), sp)
    for sp in v.SPECIALTIES
}


def _expertise(ctx: Context, keys: np.ndarray, fixture: np.ndarray) -> pl.Series:
    """The areas of expertise (``Therapist.areasOfExpertise``) of each therapist (``_key``:
    ``keys``): 2 to 5 keyed ``vocab.SPECIALTIES``, at least one of which treats anxiety or
    depression (``CONCERN_AREAS``); the fixtures' are Anxiety and Depression. Its bio
    (``_users``) names one of them."""
    s = ctx.stream("Therapist", "profile")
    n_spec = s.integers(keys, 2, 6, index=4)
    specialties = pick_many(s, keys, v.SPECIALTIES, n_spec, "areasOfExpertise")
    # Nearly every therapist of a general platform sees anxious or low clients, whatever its
    # speciality: a draw with no area for either (about one in nine) has its first area
    # replaced by Anxiety or Depression (keyed), so every therapist can take most clients.
    core = [a for areas in CONCERN_AREAS.values() for a in areas]
    general = pick_text(ctx.stream("Therapist", "expertise-core"), keys, [v.SPECIALTIES[0],
                        v.SPECIALTIES[1]])  # fmt: skip
    specialties = pl.select(
        pl.when(pl.lit(specialties).list.set_intersection(pl.lit(core)).list.len() > 0)
        .then(pl.lit(specialties))
        .otherwise(pl.concat_list(pl.lit(general), pl.lit(specialties).list.slice(1)))
    ).to_series()
    fixture_spec = pl.Series([["Anxiety", "Depression"]])  # one row, broadcast
    return (
        pl.select(pl.when(pl.lit(pl.Series(fixture))).then(fixture_spec).otherwise(specialties))
        .to_series()
        .alias("areasOfExpertise")
    )


def _therapists(ctx: Context, users: pl.DataFrame) -> pl.DataFrame:
    s = ctx.stream("Therapist", "profile")
    keys = users["_key"].to_numpy()
    count = len(keys)
    fixture = np.arange(count) < FIXTURES_PER_ROLE
    lic = s.choice(keys, len(v.LICENSE_TYPES), index=0)
    # Fixtures: psychologist / social worker / MFT, as upstream's fixture overrides.
    lic = np.where(fixture, np.arange(count) % 3, lic)
    province = home_province(ctx, users["id"])
    years = np.where(
        fixture,
        np.array([8, 10, 6, 0])[np.minimum(np.arange(count), 3)],
        s.integers(keys, 2, 21, index=2),
    )
    # Nobody practises before PRACTICE_FROM_AGE: at most the full years since then.
    years = np.minimum(years, full_years(users["birthDate"], ctx.anchor_ms) - PRACTICE_FROM_AGE)
    status = application_status(ctx, keys, fixture)
    approved = status == "APPROVED"
    processed_any = status != "PENDING"  # approved or turned down
    specialties = _expertise(ctx, keys, fixture)
    approaches = pick_many(s, keys, v.APPROACHES, s.integers(keys, 2, 5, index=5), "approaches")
    fixture_appr = pl.Series([[v.APPROACHES[0], v.APPROACHES[8]]])
    approaches = pl.select(
        pl.when(pl.lit(pl.Series(fixture))).then(fixture_appr).otherwise(approaches)
    ).to_series()
    # Its own stream, so adding it shifted no other column.
    session = np.asarray(SESSION_MINUTES)[
        ctx.stream("Therapist", "session-length").choice(keys, 2, p=SESSION_MINUTES_P)
    ]
    extra_lang = s.bernoulli(keys, 0.3, index=6) & ~fixture
    languages = pl.select(
        pl.when(pl.lit(pl.Series(extra_lang)))
        .then(
            pl.concat_list(
                pl.lit("English"),
                pl.lit(pick_text(s, keys, v.EXTRA_LANGUAGES, index=7)),
            )
        )
        .otherwise(pl.concat_list(pl.lit("English")))
    ).to_series()
    accepts_insurance = s.bernoulli(keys, 0.6, index=8)
    # What a session is charged follows credentials and experience: a base per provider
    # type, RATE_PER_YEAR more per year of practice and a keyed spread, in whole RATE_STEPs,
    # times SLIDING_SCALE for a sliding-scale fee (the fixtures keep upstream's 100.00).
    base = np.asarray(RATE_BASE, dtype=np.float64)[lic] + RATE_PER_YEAR * years
    spread = s.integers(keys, -RATE_SPREAD, RATE_SPREAD + 1, index=9)
    sliding = on_sliding_scale(ctx, users["id"]) & ~fixture
    fee = (base + spread) * np.where(sliding, SLIDING_SCALE, 1.0)
    rate = np.clip(np.round(fee / RATE_STEP) * RATE_STEP, *RATE_RANGE)
    rate = np.where(fixture, 100, rate).astype(np.int64)
    created = users["createdAt"].dt.epoch("ms").to_numpy()
    start_practice = _practice_start(ctx, keys, users["birthDate"], years)
    tz = np.asarray(v.PROVINCE_TZ)[province]
    prefix = np.asarray(v.LICENSE_PREFIX)[lic]
    license_no = np.char.add(
        prefix.astype(str), s.integers(keys, 10000, 100000, index=10).astype(str)
    )
    by = ctx.stream("Therapist", "processed-by").choice(keys, len(PROCESSING_P), p=PROCESSING_P)
    processed_by = pl.Series(np.asarray(PROCESSING_ADMINS)[np.where(fixture, 0, by)])
    # Processed by that admin in its working day (``clock``).
    processed = waking_between(
        s,
        keys,
        created,
        created + PROCESSED_WITHIN * MS_PER_DAY,
        home_offset_of(ctx, processed_by),
        index=11,
        rhythm=WORKDAY,
    )
    processing = np.where(processed_any, processed, created)  # a PENDING one: its submission
    df = pl.DataFrame(
        {
            "userId": users["id"],
            # +1-<area>-555-01NN: a fixture's NN is its number, as upstream's +1-555-010n.
            "mobile": np.char.add(
                np.char.add("+1-", np.asarray(v.PROVINCE_AREA_CODE)[province]),
                np.char.add(
                    "-555-01",
                    np.char.zfill(
                        np.where(
                            fixture, np.arange(count) + 1, s.integers(keys, 0, 100, index=12)
                        ).astype(str),
                        2,
                    ),
                ),
            ),
            "province": np.asarray(v.PROVINCES)[province],
            "timezone": tz,
            "status": status,
            "submissionDate": users["createdAt"],
            "processingDate": timestamps(processing, "processingDate"),
            "providerType": np.asarray(v.PROVIDER_TYPES)[lic],
            "professionalLicenseType": np.asarray(v.LICENSE_TYPES)[lic],
            "isPRCLicensed": np.full(count, "Yes"),
            "prcLicenseNumber": license_no,
            "expirationDateOfLicense": timestamps(
                ctx.anchor_ms + s.integers(keys, 180, 3 * 365, index=13) * MS_PER_DAY, "x"
            ),
            "practiceStartDate": timestamps(start_practice, "practiceStartDate"),
            "licenseVerified": approved,
            "licenseVerifiedAt": timestamps(np.where(approved, processed, 0), "licenseVerifiedAt"),
            "yearsOfExperience": years,
            "acceptsInsurance": accepts_insurance,
            "areasOfExpertise": specialties,
            "assessmentTools": pick_many(
                s, keys, v.ASSESSMENT_TOOLS, s.integers(keys, 1, 4, index=14), "assessmentTools"
            ),
            "specialCertifications": pick_many(
                s, keys, v.CERTIFICATIONS, s.integers(keys, 0, 3, index=15), "c"
            ),
            "therapeuticApproachesUsedList": approaches,
            "languagesOffered": languages,
            "providedOnlineTherapyBefore": fixture | s.bernoulli(keys, 0.7, index=16),
            "comfortableUsingVideoConferencing": fixture | s.bernoulli(keys, 0.9, index=17),
            "preferredSessionLength": pl.Series(session, dtype=pl.Int32)
            .to_frame("m")
            .select(pl.concat_list("m"))
            .to_series(),
            "privateConfidentialSpace": np.full(count, "Yes"),
            "compliesWithDataPrivacyAct": np.ones(count, dtype=bool),
            "professionalLiabilityInsurance": np.full(
                count, "Yes, covered by a professional policy"
            ),
            "complaintsOrDisciplinaryActions": np.full(count, "None"),
            "willingToAbideByPlatformGuidelines": np.ones(count, dtype=bool),
            "expertise": specialties.list.head(3),
            "approaches": approaches.list.head(2),
            "languages": languages,  # the same list: upstream drew it twice and contradicted itself
            "illnessSpecializations": specialties.list.head(2),
            "acceptTypes": _accept_types(specialties),
            "sessionLength": pl.Series(session).cast(pl.String) + " minutes",
            "hourlyRate": pl.Series(rate).cast(pl.Decimal(10, 2)),
            "createdAt": users["createdAt"],
            # Processing the application updates the row: not last updated before that.
            "updatedAt": timestamps(
                np.maximum(users["updatedAt"].dt.epoch("ms").to_numpy(), processing), "updatedAt"
            ),
        }
    ).with_columns(
        pl.when(pl.col("acceptsInsurance"))
        .then(pl.lit(pl.Series([list(v.INSURERS)])))
        .otherwise(pl.lit(pl.Series([[]], dtype=pl.List(pl.String))))
        .alias("acceptedInsuranceTypes"),
        pl.when(pl.col("licenseVerified"))
        .then(pl.col("licenseVerifiedAt"))
        .otherwise(None)
        .alias("licenseVerifiedAt"),
        pl.when(pl.col("licenseVerified"))
        .then(pl.lit(processed_by))
        .otherwise(None)
        .alias("licenseVerifiedBy"),
        pl.when(pl.col("status") != "PENDING")  # processed: approved or turned down
        .then(pl.lit(processed_by))
        .otherwise(None)
        .alias("processedByAdminId"),
        *_credentials(ctx, keys, lic, start_practice),
        _success_rates(ctx, keys, specialties),
    )
    return df.with_columns(_certificate_urls(df))


def on_sliding_scale(ctx: Context, ids: pl.Series) -> npt.NDArray[np.bool_]:
    """Whether each therapist of ``ids`` lists a sliding-scale fee (SLIDING_SCALE_SHARE,
    keyed by its id; the fixtures keep their 100.00 whatever this says)."""
    s = ctx.stream("Therapist", "sliding-scale")
    return np.asarray(s.bernoulli(text_keys(ids), SLIDING_SCALE_SHARE), dtype=np.bool_)


def _practice_start(ctx: Context, keys: np.ndarray, birth: pl.Series, years: I64) -> I64:
    """When each therapist (``_key``: ``keys``) began practising (epoch ms, a midnight): a
    keyed day of the year that makes ``years`` its full years of practice at the anchor
    (yearsOfExperience), never before it was PRACTICE_FROM_AGE (``birth``)."""
    day = pl.lit(ctx.anchor_ms).cast(pl.Datetime("ms")).dt.truncate("1d")
    yrs = pl.Series("y", years)
    bounds = pl.DataFrame({"y": yrs, "b": birth}).select(
        day.dt.offset_by(pl.format("-{}y", "y")).dt.epoch("ms").alias("hi"),
        pl.max_horizontal(
            day.dt.offset_by(pl.format("-{}y", pl.col("y") + 1)) + pl.duration(days=1),
            pl.col("b").dt.truncate("1d").dt.offset_by(f"{PRACTICE_FROM_AGE}y"),
        )
        .dt.epoch("ms")
        .alias("lo"),
    )
    hi, lo = bounds["hi"].to_numpy(), bounds["lo"].to_numpy()
    lo = np.minimum(lo, hi)
    n_days = (hi - lo) // MS_PER_DAY + 1
    out: I64 = lo + ctx.stream("Therapist", "practice-start").integers(keys, 0, n_days) * MS_PER_DAY
    return out


def _success_rates(ctx: Context, keys: np.ndarray, areas: pl.Series) -> pl.Expr:
    """``treatmentSuccessRates``: a keyed rate (0.60-0.90) for each of the therapist's own
    areas of expertise (``areas``), keyed by the area, as a JSON object in stored form."""
    ex = areas.to_frame("a").with_row_index("r").explode("a")
    row = ex["r"].to_numpy().astype(np.int64)
    nth = ex["a"].replace_strict({a: i for i, a in enumerate(v.SPECIALTIES)}).to_numpy()
    rate = np.round(
        0.6 + 0.3 * ctx.stream("Therapist", "success-rates").uniform(child_keys(keys[row], nth)),
        2,
    )
    per = (
        ex.with_columns(
            pl.Series("v", rate),
            pl.col("a").str.len_bytes().alias("_n"),
        )
        .sort("r", "_n", "a")  # jsonb's key order: shorter first, then bytewise
        .group_by("r", maintain_order=True)
        .agg(pl.format('"{}": {}', "a", pl.col("v").cast(pl.String)).str.join(", "))
    )
    return pl.lit("{" + per["a"] + "}").alias("treatmentSuccessRates")


def _accept_types(specialties: pl.Series) -> pl.Series:
    """Whom each therapist takes (``vocab.ACCEPT_TYPES``): individuals, and couples or
    families when its areas of expertise (``specialties``) hold what that takes
    (``vocab.ACCEPT_NEEDS``), so the directory's filters and profiles agree."""
    individual, *others = v.ACCEPT_TYPES
    kinds = [pl.lit(individual)] + [
        pl.when(pl.col("a").list.contains(v.ACCEPT_NEEDS[k])).then(pl.lit(k)) for k in others
    ]
    return (
        specialties.to_frame("a")
        .select(pl.concat_list(kinds).list.drop_nulls().alias("acceptTypes"))
        .to_series()
    )


# Where the app keeps what a therapist uploads with its application (Supabase Storage's
# object path on the development host of generated emails): <base>/<userId>/<file>. The
# files do not exist; the paths have the shape the app stores.
DOCUMENT_STORE = "https://storage.mentaradev.local/storage/v1/object/therapist-documents"


def _credentials(
    ctx: Context, keys: np.ndarray, lic: I64, start_practice: I64
) -> tuple[pl.Expr, ...]:
    """What a therapist submits with its application, as expressions over its Therapist row
    (userId, prcLicenseNumber, professionalLicenseType, province, specialCertifications):
    its licence and documents (names and storage URLs, ``DOCUMENT_STORE``), a certificate
    per special certification, its education (the degree its licence needs, from a keyed
    university, the year before it started practising) and ``certifications`` (licence and
    certifications as JSON). Every application carries them: a verified one was checked."""
    s = ctx.stream("Therapist", "credentials")
    year = timestamps(start_practice, "y").dt.year().to_numpy() - 1
    education = np.char.add(
        np.char.add(np.asarray(v.DEGREES)[lic], ", "),
        np.char.add(np.char.add(pick(s, keys, v.UNIVERSITIES, index=0).astype(str), ", "),
                    year.astype(str)),
    )  # fmt: skip
    folder = pl.format("{}/{}/", pl.lit(DOCUMENT_STORE), pl.col("userId"))
    license_name = pl.format("license-{}.pdf", pl.col("prcLicenseNumber").str.to_lowercase())
    certs = pl.col("specialCertifications")
    slug = pl.element().str.to_lowercase().str.replace_all(r"[^a-z0-9]+", "-") + ".pdf"
    return (
        pl.concat_list(license_name).alias("licenseNames"),
        pl.concat_list(folder + license_name).alias("licenseUrls"),
        pl.lit(pl.Series([list(v.APPLICATION_DOCUMENTS)])).first().alias("documentNames"),
        pl.concat_list([folder + pl.lit(name) for name in v.APPLICATION_DOCUMENTS]).alias(
            "documentUrls"
        ),
        certs.list.eval(slug).alias("certificateNames"),
        pl.lit(pl.Series(education.astype(str))).alias("educationBackground"),
        json_object(
            "certifications",
            license={
                "type": pl.col("professionalLicenseType"),
                "number": pl.col("prcLicenseNumber"),
                "state": pl.col("province"),
            },
            special=json_list(certs),
        ),
    )


def _certificate_urls(therapists: pl.DataFrame) -> pl.Series:
    """The storage URL (``DOCUMENT_STORE``) of each file of each therapist's
    certificateNames, in its folder (``therapists``: userId, certificateNames)."""
    r = pl.int_range(pl.len(), dtype=pl.UInt32).alias("r")
    per = (
        therapists.select(r, "userId", pl.col("certificateNames").alias("f"))
        .explode("f")
        .drop_nulls("f")
        .group_by("r")  # keeps each therapist's files in their order
        .agg(pl.format("{}/{}/{}", pl.lit(DOCUMENT_STORE), "userId", "f").alias("u"))
    )
    # A therapist without certificates has no row in ``per``: an empty list.
    return (
        therapists.select(r)
        .join(per, on="r", how="left", maintain_order="left")["u"]
        .fill_null(pl.lit([], dtype=pl.List(pl.String)))
        .alias("certificateUrls")
    )


def _admins(ctx: Context, users: pl.DataFrame) -> pl.DataFrame:
    count = users.height
    fixture = np.arange(count) < FIXTURES_PER_ROLE
    perms = pl.select(
        pl.when(pl.lit(pl.Series(fixture)))
        .then(pl.lit(pl.Series([["user_management", APPROVAL_PERMISSION, "system_admin"]])))
        .otherwise(pl.lit(pl.Series([["USER_MANAGEMENT", "SUPPORT_TICKETS"]])))
    ).to_series()
    return pl.DataFrame(
        {
            "userId": users["id"],
            "permissions": perms,
            "adminLevel": np.full(count, "admin"),
            "createdAt": users["createdAt"],
            "updatedAt": users["updatedAt"],
        }
    )


def _moderators(ctx: Context, users: pl.DataFrame) -> pl.DataFrame:
    count = users.height
    fixture = np.arange(count) < FIXTURES_PER_ROLE
    perms = pl.select(
        pl.when(pl.lit(pl.Series(fixture)))
        .then(pl.lit(pl.Series([["content_moderation", "community_management"]])))
        .otherwise(pl.lit(pl.Series([["MODERATE_POSTS", "MODERATE_COMMENTS"]])))
    ).to_series()
    return pl.DataFrame(
        {
            "userId": users["id"],
            "permissions": perms,
            "createdAt": users["createdAt"],
            "updatedAt": users["updatedAt"],
        }
    )


def generate(ctx: Context, frames: Frames) -> Frames:
    """The users of every role and their role rows."""
    # bcrypt releases the GIL: the build's one hash (about 60 ms, first on the critical
    # path) runs beside the rest of this step.
    with ThreadPoolExecutor(max_workers=1) as hashing:
        pw = hashing.submit(password_hash, ctx.config.seed)
        by_role = {r: _users(ctx, r, ctx.config.count(ROLE_VOLUME[r])) for r in ROLES}
        out: Frames = {
            "Client": _clients(ctx, by_role["client"]),
            "Therapist": _therapists(ctx, by_role["therapist"]),
            "Admin": _admins(ctx, by_role["admin"]),
            "Moderator": _moderators(ctx, by_role["moderator"]),
        }
        users = pl.concat([u.drop("_key") for u in by_role.values()])
        out["User"] = users.with_columns(pl.lit(pw.result(), dtype=pl.String).alias("password"))
    return out
