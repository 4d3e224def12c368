"""Logins and deactivations: each user's ``lastLoginAt`` and, for an inactive account, when
and why it was deactivated, from what the user did (the ``ACTS``).

Nobody acts while logged out: the last login opens the session in which the user was last
seen (``users.last_seen``, drawn with the user: days, weeks or months before the anchor for a
dormant one), or that of their last act if later (``SESSION`` at most before it; the steps
draw what users do before they were last seen, but a few acts are not theirs to time). A
user who never acted nor came back to look around (a keyed 20 %) has never logged in. An
inactive account (``isActive`` false, drawn with the user) was deactivated by its owner in
their last session, when last seen or after their last act: they do nothing after
``deactivatedAt``. A repeat offender due to be suspended (``users.suspension_due``) is
suspended by an admin when the reports on one more of its posts or comments are upheld, at
or after its last act (``suspensions``): it does nothing after ``suspendedAt``.
Logging in, deactivating and suspending write the user's row, so ``updatedAt`` is not before
any of them.

A few accounts hold a security history since their last login (``security``): sign-in
attempts that failed (``failedLoginCount``, reset by a successful login), a lockout after
LOCKOUT_AFTER of them in a row (``lockoutUntil``, LOCKOUT after the last) and a password reset
requested in the last RESET_TOKEN_VALID (``resetToken``, expiring then): each writes the row
too.

Why derived here rather than drawn with the user and imposed on every enricher as a bound:
``lastLoginAt`` is a consequence of the activity (the app sets it at each login), the
activity is made by some twenty enrichers that each choose their actors, and a bound would
have each of them choose only users still logging in after the parent row. This step runs
after all of them (it reads what they write), and changes the User rows in place
(``UPDATES``); no step before it reads the columns it sets.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import polars as pl

from seedsnap.arrays import rows_in
from seedsnap.context import MS_PER_HOUR, MS_PER_MINUTE, Context, Frames, timestamps
from seedsnap.generators import content_text
from seedsnap.generators.clock import NIGHT_HOURS, rhythm_of, waking_at, waking_between
from seedsnap.generators.common import ms_of, pick_text, text_keys
from seedsnap.generators.content import offenders as offenders_of
from seedsnap.generators.users import (
    SESSION,
    home_offset_of,
    last_seen,
    seen_of,
    suspension_due,
)
from seedsnap.ids import hex_token
from seedsnap.random import I64, child_keys


class Act(NamedTuple):
    """Rows of ``table`` record that the user in ``user`` acted at ``at`` (when ``status``
    is set: only rows whose status is one of those).

    With ``via`` (a column of ``table`` and the table whose ``id`` it references), ``user``
    or ``at`` may name a column of that row as "Table.column": a meeting's notes are written
    by the meeting's therapist.
    """

    table: str
    user: str
    at: str
    status: tuple[str, ...] = ()
    via: tuple[str, str] | None = None
    via_status: tuple[str, ...] = ()  # only rows whose ``via`` row's status is one of those
    status_of: str = "status"  # the column of ``table`` that ``status`` reads


# Those in a group session under way at the anchor (IN_PROGRESS) joined it at its start, as
# the two of a 1:1 meeting under way do theirs (``in_session``): its host (the ACCEPTED
# invitee) and its participants who are REGISTERED (or ATTENDED, joined). The registered are
# in it, not only signed up: registration closed at its start, they were drawn among members
# up at home throughout and free of 1:1 meetings then (``group_sessions._under_way``), and a
# live session's view shows who is in the room; attendance is taken when it ends.
_GROUP = ("sessionId", "GroupTherapySessions")
GROUP_LIVE = (
    Act(
        "GroupSessionTherapistInvitations",
        "therapistId",
        "GroupTherapySessions.scheduledAt",
        ("ACCEPTED",),
        via=_GROUP,
        via_status=("IN_PROGRESS",),
    ),
    Act(
        "GroupSessionParticipants",
        "userId",
        "GroupTherapySessions.scheduledAt",
        ("REGISTERED", "ATTENDED"),
        via=_GROUP,
        via_status=("IN_PROGRESS",),
        status_of="attendanceStatus",
    ),
)

# What a user does while logged in, each at the time it records. Rows someone else (or the
# app) makes for a user are not its acts: a meeting booked with a therapist, an invitation
# sent to it, a worksheet falling OVERDUE.
ACTS: tuple[Act, ...] = (
    Act("Post", "userId", "createdAt"),
    Act("Comment", "userId", "createdAt"),
    Act("PostHeart", "userId", "createdAt"),
    Act("CommentHeart", "userId", "createdAt"),
    Act("Message", "senderId", "createdAt"),
    Act("Message", "senderId", "editedAt"),
    Act("MessageReaction", "userId", "createdAt"),
    Act("MessageReadReceipt", "userId", "readAt"),
    Act("ConversationParticipant", "userId", "lastReadAt"),
    Act("TypingIndicator", "userId", "lastTypingAt"),
    Act("Notification", "userId", "readAt"),
    Act("JournalEntry", "userId", "createdAt"),
    Act("Membership", "userId", "joinedAt"),
    Act("Report", "reporterId", "createdAt"),
    Act("UserBlock", "blockerId", "createdAt"),
    Act("ChatbotSession", "clientId", "lastActivity"),
    Act("PreAssessment", "clientId", "createdAt"),
    Act("ClientPreferences", "clientId", "createdAt"),
    Act("PaymentMethod", "userId", "createdAt"),
    Act("ClientTherapist", "clientId", "assignedAt"),  # picked from its recommendations
    Act("Meeting", "clientId", "createdAt"),  # booked
    Act("Meeting", "clientId", "endTime", ("COMPLETED",)),  # attended
    Act("Meeting", "therapistId", "endTime", ("COMPLETED",)),
    Act("Meeting", "clientId", "startTime", ("IN_PROGRESS",)),
    Act("Meeting", "therapistId", "startTime", ("IN_PROGRESS",)),
    Act("Meeting", "therapistId", "updatedAt", ("CONFIRMED",)),  # confirmed
    Act("MeetingNotes", "Meeting.therapistId", "createdAt", via=("meetingId", "Meeting")),
    Act("MeetingNotes", "Meeting.therapistId", "updatedAt", via=("meetingId", "Meeting")),
    Act("Review", "clientId", "createdAt"),
    Act("Worksheet", "therapistId", "createdAt"),  # assigned
    Act("Worksheet", "therapistId", "updatedAt", ("REVIEWED",)),  # gave feedback
    Act(
        "WorksheetSubmission", "Worksheet.clientId", "submittedAt", via=("worksheetId", "Worksheet")
    ),
    Act("TherapistAvailability", "therapistId", "createdAt"),
    Act("TherapistAvailability", "therapistId", "updatedAt"),  # edited the hours
    Act("GroupTherapySessions", "createdById", "createdAt"),
    Act("GroupSessionTherapistInvitations", "therapistId", "respondedAt"),
    Act(  # hosted the session it accepted
        "GroupSessionTherapistInvitations",
        "therapistId",
        "GroupTherapySessions.completedAt",
        ("ACCEPTED",),
        via=("sessionId", "GroupTherapySessions"),
    ),
    *GROUP_LIVE,  # joined the group session under way that it hosts or registered for
    Act("GroupSessionParticipants", "userId", "joinedAt"),  # registered
    Act("GroupSessionParticipants", "userId", "leftAt"),  # attended (leftAt: ATTENDED only)
    Act("Therapist", "processedByAdminId", "processingDate"),
    Act("User", "suspendedBy", "suspendedAt"),  # an admin suspended a repeat offender
)

# The tables ACTS reads, each once in ACTS order: an act's own table and those of its via
# (engagement reads them too, for its login days).
ACT_TABLES = tuple(dict.fromkeys(t for a in ACTS for t in (a.table, *(a.via or ())[1:])))

READS = ("User", "Admin", *ACT_TABLES)
WRITES = ("User",)
UPDATES = ("User",)

VISITS = 0.8  # users who also log in at a keyed time only to look around
# An account is deactivated within this long after its owner's last act or login.
DEACTIVATED_WITHIN = 30 * MS_PER_MINUTE
DEACTIVATION_REASONS = (
    "Taking a break from the platform",
    "No longer needs the service",
    "Privacy concerns",
    "Continuing therapy elsewhere",
    "Created a new account",
)
# A repeat offender due to be suspended (``users.suspension_due``: it stopped coming then)
# is suspended when the reports of one more of its posts or comments are upheld (REVIEWED) at
# or after its last act and login, its MIN_UPHELD-th upheld item at least: the app's
# "restrict_user" action on a report (AdminReportsService.handleReportAction) marks the
# report REVIEWED and sets suspendedAt, suspendedBy and suspensionReason at once. That action
# is an admin's (the reports endpoints refuse any other role): an admin with a user
# management permission (ADMIN_PERMISSION, either spelling) who still comes then, a keyed one.
# It leaves isActive as it is (deactivating is the "ban_user" action's): a suspended account
# is active and not deactivated. An offender with no such review by the anchor is not
# suspended (it just stopped coming).
MIN_UPHELD = 2
JOIN_EARLY = (2 * MS_PER_MINUTE, 10 * MS_PER_MINUTE)  # a session's login before it begins
ADMIN_PERMISSION = "user_management"
# The reason says what the offender did, by its kind (content_text.HOSTILE, SPAM); a keyed one.
SUSPENSION_REASONS = {
    content_text.HOSTILE: (
        "Repeated harassment of community members",
        "Hostile and abusive posts after earlier reports",
        "Repeated violations of the community guidelines on respectful conduct",
    ),
    content_text.SPAM: (
        "Repeated spam and unsolicited promotion",
        "Posting commercial promotion in support communities",
        "Repeated misleading and promotional posts",
    ),
}
# Account security (``security``). Mentara's lockout policy is not in schema.md nor
# seeder.md: LOCKOUT_AFTER failed sign-ins in a row lock an account for LOCKOUT (a common
# policy, chosen here), and a password reset link is valid RESET_TOKEN_VALID. Of the users
# who could (generated, active, verified, not suspended, logged in before and not in a
# session at the anchor): FAILED_SHARE failed to sign in (1 to LOCKOUT_AFTER - 1 times) since
# their last login, LOCKED_SHARE of those up at home at the anchor (not in NIGHT_HOURS) were
# locked out in its last LOCKOUT, RESET_SHARE of them asked for a reset in its last
# RESET_TOKEN_VALID. A build holds at least MIN_SECURITY of each where the draws left fewer
# (the top of a keyed ranking of those who could, for each its own): testers need every state
# in light and medium too. (check: user.failed_logins_since_last_login,
# user.lockout_follows_failed_logins, user.reset_token_expiry_after_request)
LOCKOUT_AFTER = 5
LOCKOUT = 30 * MS_PER_MINUTE
RESET_TOKEN_VALID = MS_PER_HOUR
FAILED_SHARE = 0.04
LOCKED_SHARE = 0.005
RESET_SHARE = 0.01
MIN_SECURITY = 1
SET = (
    "lastLoginAt",
    "deactivatedAt",
    "deactivatedBy",
    "deactivationReason",
    "suspendedAt",
    "suspendedBy",
    "suspensionReason",
    "failedLoginCount",
    "lockoutUntil",
    "resetToken",
    "resetTokenExpiry",
    "updatedAt",
)


def act_rows(frames: Frames, a: Act) -> pl.DataFrame:
    """The rows of ``a``: userId and at (a timestamp), NULLs included."""
    rows = frames[a.table]
    if a.status:
        rows = rows.filter(pl.col(a.status_of).cast(pl.String).is_in(a.status))
    if a.via is not None:
        column, ref = a.via
        wanted = [c.split(".", 1)[1] for c in (a.user, a.at) if c.startswith(ref + ".")]
        refs = frames[ref]
        if a.via_status:
            refs = refs.filter(pl.col("status").cast(pl.String).is_in(a.via_status))
        refs = refs.select(
            pl.col("id").alias(column), *(pl.col(c).alias(f"{ref}.{c}") for c in wanted)
        )
        rows = rows.join(refs, on=column, how="inner" if a.via_status else "left")
    return rows.select(pl.col(a.user).alias("userId"), pl.col(a.at).alias("at"))


def last_acts(frames: Frames, users: pl.Series) -> np.ndarray:
    """Each of ``users``' last act (epoch ms), -1 for a user who did nothing."""
    parts = []
    for a in ACTS:
        rows = act_rows(frames, a)
        parts.append(rows.select("userId", ms_of("at").alias("at")))
    last = (
        pl.concat(parts)
        .drop_nulls()
        .group_by("userId")
        .agg(pl.col("at").max())
        .join(users.to_frame("userId"), on="userId", how="right", maintain_order="right")
    )
    out: np.ndarray = last["at"].fill_null(-1).to_numpy()
    return out


class Suspensions(NamedTuple):
    """Who is suspended (``id``), when (``at``, epoch ms), by whom (``by``) and why."""

    id: pl.Series
    at: I64
    by: pl.Series
    reason: pl.Series


def suspensions(ctx: Context, frames: Frames, end: I64) -> Suspensions:
    """The suspensions of the repeat offenders among the users of ``frames["User"]`` (as the
    notes above MIN_UPHELD say): ``end`` is when each user (by row) last acted, logged in or
    was seen, whichever is latest."""
    user = frames["User"]
    due = suspension_due(ctx, user) >= 0
    offenders = pl.DataFrame({"id": user["id"].filter(due), "end": end[due]})
    # Each offender's upheld items (a post's or comment's reports are reviewed together: the
    # first review is the item's), numbered in the order of their review.
    upheld = (
        frames["Report"]
        .filter(pl.col("status").cast(pl.String) == "REVIEWED")
        .group_by(
            pl.col("reportedUserId").alias("id"),
            pl.coalesce("postId", "commentId").alias("item"),
        )
        .agg(ms_of("updatedAt").min().alias("at"))
        .sort("id", "at", "item")
        .with_columns(n=pl.int_range(1, pl.len() + 1).over("id"))
    )
    due_at = (
        upheld.join(offenders, on="id")
        .filter((pl.col("at") >= pl.col("end")) & (pl.col("n") >= MIN_UPHELD))
        .group_by("id")
        .agg(pl.col("at").min())
        .sort("id")
    )
    # By an admin who may manage users, had signed up and still came then (a keyed one).
    admins = (
        frames["Admin"]
        .filter(
            pl.col("permissions")
            .list.eval(pl.element().str.to_lowercase())
            .list.contains(ADMIN_PERMISSION)
        )
        .select(pl.col("userId").alias("by"))
        .join(user.select(pl.col("id").alias("by"), ms_of("createdAt").alias("since")), on="by")
        .sort("by")
    )
    admins = admins.with_columns(pl.Series("until", seen_of(ctx, user, admins["by"])))
    pairs = due_at.join(admins, how="cross").filter(
        (pl.col("since") <= pl.col("at")) & (pl.col("at") <= pl.col("until"))
    )
    s = ctx.stream("User", "suspendedBy")
    draw = s.bits(child_keys(text_keys(pairs["id"]), text_keys(pairs["by"])), 0)
    chosen = (
        pairs.with_columns(pl.Series("d", draw))
        .sort("id", "d", "by")
        .unique("id", keep="first", maintain_order=True)
    )
    keys = text_keys(chosen["id"])
    kind = offenders_of(ctx, user, chosen["id"])
    options = np.asarray([SUSPENSION_REASONS[k] for k in (content_text.HOSTILE, content_text.SPAM)])
    pick = ctx.stream("User", "suspensionReason").choice(keys, options.shape[1], index=0)
    reason = options[(kind == content_text.SPAM).astype(np.int64), pick]
    return Suspensions(
        chosen["id"],
        chosen["at"].to_numpy(),
        chosen["by"],
        pl.Series("suspensionReason", reason, dtype=pl.String),
    )


def in_session(frames: Frames, users: pl.Series) -> I64:
    """When each user (by row) joined a session still under way at the anchor (its start: a
    1:1 meeting's, ``meetings.MIN_IN_PROGRESS``, or a group session's it hosts or registered
    for, GROUP_LIVE), else -1: in it then, whenever ``users.last_seen`` put their last visit
    before."""
    m = frames["Meeting"].filter(pl.col("status").cast(pl.String) == "IN_PROGRESS")
    at = ms_of("startTime").alias("at")
    group = [
        act_rows(frames, a).select(pl.col("userId").alias("id"), ms_of("at").alias("at"))
        for a in GROUP_LIVE
    ]
    on = (
        pl.concat(
            [m.select(pl.col(who).alias("id"), at) for who in ("clientId", "therapistId")] + group
        )
        .group_by("id")
        .agg(pl.col("at").max())
    )
    joined = users.to_frame("id").join(on, on="id", how="left", maintain_order="left")["at"]
    out: I64 = joined.fill_null(-1).to_numpy()
    return out


class Logins(NamedTuple):
    """Each user's (by row of ``frames["User"]``) last login, last act (epoch ms, -1 for
    none) and the suspensions (``suspensions``)."""

    login: I64
    last: I64
    susp: Suspensions


def login_times(ctx: Context, frames: Frames) -> Logins:
    """When each user last logged in, as ``enrich`` sets ``lastLoginAt`` (``frames`` holds
    the tables of READS): other steps may ask it before this one runs."""
    user = frames["User"]
    keys = text_keys(user["id"])
    created = user["createdAt"].dt.epoch("ms").to_numpy()
    inactive = ~user["isActive"].to_numpy()
    last = last_acts(frames, user["id"])
    seen = last_seen(ctx, user)
    s = ctx.stream("User", "lastLoginAt")
    # Deactivating takes a login: every inactive account logged in at least once.
    visits = s.bernoulli(keys, VISITS, 0) | inactive
    # A sign-in alert (``notifications._fallbacks``) tells of a sign-in: its user logged in.
    alerts = frames["Notification"].filter(pl.col("type").cast(pl.String) == "SECURITY_ALERT")
    visits |= user["id"].is_in(alerts["userId"].implode()).to_numpy()
    # The session the user was last seen in began up to SESSION before, not before sign-up;
    # that of the last act likewise (an act of someone else's making can follow ``seen``).
    # Mostly short, and begun in the user's waking hours (``clock``, in the rhythm of its
    # role): a session is counted back on the waking clock, so one that ends early in the
    # morning rarely began at night.
    home, rhythm = home_offset_of(ctx, user["id"]), rhythm_of(user["role"].cast(pl.String))

    def began(end: I64, index: int) -> I64:
        back = 1 - s.uniform(keys, index) ** 2
        out: I64 = np.maximum(waking_at(end - SESSION, end, back, home, rhythm), created)
        return out

    def logged_in(last: I64) -> I64:
        visit = np.where(visits | (last >= 0), began(seen, 1), -1)
        out: I64 = np.maximum(visit, np.where(last >= 0, began(last, 2), -1))
        return out

    login = logged_in(last)
    susp = suspensions(ctx, frames, np.maximum(np.maximum(login, last), seen))
    # Suspending is the admin's act: its last login is not long before it.
    acted = (
        pl.DataFrame({"id": susp.by, "at": susp.at})
        .group_by("id")
        .agg(pl.col("at").max())
        .join(user.select("id"), on="id", how="right", maintain_order="right")["at"]
        .fill_null(-1)
        .to_numpy()
    )
    last = np.maximum(last, acted)
    login = logged_in(last)
    # Those in a session under way at the anchor (a 1:1 meeting's two, a group session's host
    # and registered: ``in_session``) logged in to join it, minutes before it began (counted
    # back on the waking clock, the session's hour could begin at 05:00).
    joined = in_session(frames, user["id"])
    early = s.integers(keys, JOIN_EARLY[0], JOIN_EARLY[1], index=3)
    login = np.where(joined >= 0, np.maximum(joined - early, created), login)
    return Logins(login, last, susp)


class Security(NamedTuple):
    """Each user's (by row) failed sign-ins since its last login, and when it failed last,
    was locked out and asked for a password reset (epoch ms, -1 for none)."""

    failed: I64
    failed_at: I64
    locked_at: I64
    requested: I64


def _at_least(chosen: np.ndarray, could: np.ndarray, rank: np.ndarray, ids: pl.Series) -> None:
    """Sets ``chosen`` (in place) on the first of those who ``could`` by ``rank`` (then id)
    until MIN_SECURITY of them are."""
    short = MIN_SECURITY - int((chosen & could).sum())
    if short <= 0:
        return
    rows = np.flatnonzero(could & ~chosen)
    order = pl.DataFrame({"row": rows, "d": rank[rows], "id": ids.gather(rows)}).sort("d", "id")
    chosen[order["row"].head(short).to_numpy()] = True


def security(ctx: Context, user: pl.DataFrame, login: I64, end: I64, suspended: I64) -> Security:
    """The security history of the users of ``user`` (as the notes above LOCKOUT_AFTER say):
    ``login`` is each one's last login, ``end`` when it last logged in, acted or was seen,
    whichever is latest, ``suspended`` its suspension (-1 for none)."""
    anchor = ctx.anchor_ms
    ids = user["id"]
    keys = text_keys(ids)
    s = ctx.stream("User", "security")
    home, rhythm = home_offset_of(ctx, ids), rhythm_of(user["role"].cast(pl.String))
    could = (
        ~ids.str.starts_with("dev_").to_numpy()  # the accounts developers sign in with
        & user["isActive"].to_numpy()
        & user["emailVerified"].to_numpy()
        & (suspended < 0)
        & (login >= 0)
        & (end < anchor - MS_PER_MINUTE)
    )
    up = could & ~np.isin((anchor + home) // MS_PER_HOUR % 24, NIGHT_HOURS)
    u = s.uniform(keys, 0)
    locked = up & (u < LOCKED_SHARE)
    _at_least(locked, up, s.bits(keys, 1), ids)
    failed = could & ~locked & (u >= LOCKED_SHARE) & (u < LOCKED_SHARE + FAILED_SHARE)
    _at_least(failed, could & ~locked, s.bits(keys, 2), ids)
    reset = up & s.bernoulli(keys, RESET_SHARE, index=3)
    _at_least(reset, up & ~locked, s.bits(keys, 4), ids)
    after = end + 1
    count = np.where(
        locked, LOCKOUT_AFTER, np.where(failed, s.integers(keys, 1, LOCKOUT_AFTER, 5), 0)
    )
    failed_at = waking_between(s, keys, after, anchor, home, index=6, rhythm=rhythm)
    locked_at = waking_between(
        s, keys, np.maximum(after, anchor - LOCKOUT + 1), anchor, home, index=7, rhythm=rhythm
    )
    requested = waking_between(
        s, keys, np.maximum(after, anchor - RESET_TOKEN_VALID + 1), anchor, home, 8, rhythm
    )
    return Security(
        count.astype(np.int64),
        np.where(failed, failed_at, np.where(locked, locked_at, -1)),
        np.where(locked, locked_at, -1),
        np.where(reset, requested, -1),
    )


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The User rows whose login, deactivation or updatedAt change (only those, so a re-run
    changes nothing)."""
    anchor = ctx.anchor_ms
    user = frames["User"]
    keys = text_keys(user["id"])
    inactive = ~user["isActive"].to_numpy()
    login, last, susp = login_times(ctx, frames)
    seen = last_seen(ctx, user)
    row = rows_in(susp.id, user["id"])
    suspended_at = np.full(user.height, -1, dtype=np.int64)
    suspended_at[row] = susp.at
    d = ctx.stream("User", "deactivatedAt")
    # Deactivated in the last session, when last seen (or after the last act, if later).
    end = np.maximum(np.maximum(login, last), seen)
    within = np.minimum(DEACTIVATED_WITHIN, np.maximum(anchor - end, 0))
    gone = np.where(inactive, end + np.floor(d.uniform(keys, 0) * within).astype(np.int64), -1)
    reason = pick_text(d, keys, DEACTIVATION_REASONS, index=1, name="deactivationReason")
    updated = np.maximum(user["updatedAt"].dt.epoch("ms").to_numpy(), np.maximum(login, gone))
    updated = np.maximum(updated, suspended_at)
    # One in a session under way at the anchor (``in_session``) is signed in.
    signed_in = np.where(in_session(frames, user["id"]) >= 0, anchor, end)
    sec = security(ctx, user, login, signed_in, suspended_at)
    updated = np.maximum(updated, np.maximum(sec.failed_at, sec.requested))
    token = hex_token(ctx.config.seed, "User", "resetToken", keys, "resetToken")
    by = pl.Series("suspendedBy", [None] * user.height, dtype=pl.String).scatter(row, susp.by)
    why = pl.Series("suspensionReason", [None] * user.height, dtype=pl.String).scatter(
        row, susp.reason
    )
    new = pl.DataFrame(
        {
            "id": user["id"],
            "lastLoginAt": timestamps(login, "lastLoginAt"),
            "deactivatedAt": timestamps(gone, "deactivatedAt"),
            "deactivatedBy": user["id"],
            "deactivationReason": reason,
            "suspendedAt": timestamps(suspended_at, "suspendedAt"),
            "suspendedBy": by,
            "suspensionReason": why,
            "failedLoginCount": pl.Series(sec.failed, dtype=pl.Int32),
            "lockoutUntil": timestamps(sec.locked_at + LOCKOUT, "lockoutUntil"),
            "resetToken": token,
            "resetTokenExpiry": timestamps(sec.requested + RESET_TOKEN_VALID, "resetTokenExpiry"),
            "updatedAt": timestamps(updated, "updatedAt"),
        }
    ).with_columns(
        pl.when(pl.Series(sec.locked_at >= 0)).then(pl.col("lockoutUntil")).alias("lockoutUntil"),
        *(
            pl.when(pl.Series(sec.requested >= 0)).then(pl.col(c)).alias(c)
            for c in ("resetToken", "resetTokenExpiry")
        ),
        pl.when(pl.Series(login >= 0)).then(pl.col("lastLoginAt")).alias("lastLoginAt"),
        pl.when(pl.Series(suspended_at >= 0)).then(pl.col("suspendedAt")).alias("suspendedAt"),
        *(
            pl.when(pl.Series(inactive)).then(pl.col(c)).alias(c)
            for c in ("deactivatedAt", "deactivatedBy", "deactivationReason")
        ),
    )
    changed = np.zeros(user.height, dtype=bool)
    for c in SET:
        changed |= ~new[c].eq_missing(user[c].cast(new.schema[c])).to_numpy()
    return {"User": new.filter(pl.Series(changed))}
