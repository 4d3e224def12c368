"""Logins and deactivations: each user's ``lastLoginAt`` and, for an inactive account, when
and why it was deactivated, from what the user did (the ``ACTS``).

Nobody acts while logged out: the last login opens the session in which the user was last
seen (``users.last_seen``, drawn with the user: days, weeks or months before the anchor for a
dormant one), or that of their last act if later (``SESSION`` at most before it; the steps
draw what users do before they were last seen, but a few acts are not theirs to time). A
user who never acted nor came back to look around (a keyed 20 %) has never logged in. An
inactive account (``isActive`` false, drawn with the user) was deactivated by its owner in
their last session, when last seen or after their last act: they do nothing after
``deactivatedAt``.
Logging in and deactivating write the user's row, so ``updatedAt`` is not before either.

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

from seedsnap.context import MS_PER_HOUR, MS_PER_MINUTE, Context, Frames, timestamps
from seedsnap.generators.clock import rhythm_of, waking_at
from seedsnap.generators.common import ms_of, pick_text, text_keys
from seedsnap.generators.users import home_offset_of, last_seen
from seedsnap.random import I64


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
    Act("GroupSessionParticipants", "userId", "joinedAt"),  # registered
    Act("GroupSessionParticipants", "userId", "leftAt"),  # attended (leftAt: ATTENDED only)
    Act("Therapist", "processedByAdminId", "processingDate"),
)

READS = ("User", *dict.fromkeys(t for a in ACTS for t in (a.table, *(a.via or ())[1:])))
WRITES = ("User",)
UPDATES = ("User",)

# The last login is at most this long before the user's last act (one session).
SESSION = 2 * MS_PER_HOUR
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
SET = ("lastLoginAt", "deactivatedAt", "deactivatedBy", "deactivationReason", "updatedAt")


def act_rows(frames: Frames, a: Act) -> pl.DataFrame:
    """The rows of ``a``: userId and at (a timestamp), NULLs included."""
    rows = frames[a.table]
    if a.status:
        rows = rows.filter(pl.col("status").cast(pl.String).is_in(a.status))
    if a.via is not None:
        column, ref = a.via
        wanted = [c.split(".", 1)[1] for c in (a.user, a.at) if c.startswith(ref + ".")]
        refs = frames[ref].select(
            pl.col("id").alias(column), *(pl.col(c).alias(f"{ref}.{c}") for c in wanted)
        )
        rows = rows.join(refs, on=column, how="left")
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


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The User rows whose login, deactivation or updatedAt change (only those, so a re-run
    changes nothing)."""
    anchor = ctx.anchor_ms
    user = frames["User"]
    keys = text_keys(user["id"])
    created = user["createdAt"].dt.epoch("ms").to_numpy()
    inactive = ~user["isActive"].to_numpy()
    last = last_acts(frames, user["id"])
    seen = last_seen(ctx, user)
    s = ctx.stream("User", "lastLoginAt")
    # Deactivating takes a login: every inactive account logged in at least once.
    visits = s.bernoulli(keys, VISITS, 0) | inactive
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

    visit = np.where(visits | (last >= 0), began(seen, 1), -1)
    opened = began(last, 2)
    login = np.maximum(visit, np.where(last >= 0, opened, -1))
    d = ctx.stream("User", "deactivatedAt")
    # Deactivated in the last session, when last seen (or after the last act, if later).
    end = np.maximum(np.maximum(login, last), seen)
    within = np.minimum(DEACTIVATED_WITHIN, np.maximum(anchor - end, 0))
    gone = np.where(inactive, end + np.floor(d.uniform(keys, 0) * within).astype(np.int64), -1)
    reason = pick_text(d, keys, DEACTIVATION_REASONS, index=1, name="deactivationReason")
    updated = np.maximum(user["updatedAt"].dt.epoch("ms").to_numpy(), np.maximum(login, gone))
    new = pl.DataFrame(
        {
            "id": user["id"],
            "lastLoginAt": timestamps(login, "lastLoginAt"),
            "deactivatedAt": timestamps(gone, "deactivatedAt"),
            "deactivatedBy": user["id"],
            "deactivationReason": reason,
            "updatedAt": timestamps(updated, "updatedAt"),
        }
    ).with_columns(
        pl.when(pl.Series(login >= 0)).then(pl.col("lastLoginAt")).alias("lastLoginAt"),
        *(
            pl.when(pl.Series(inactive)).then(pl.col(c)).alias(c)
            for c in ("deactivatedAt", "deactivatedBy", "deactivationReason")
        ),
    )
    changed = np.zeros(user.height, dtype=bool)
    for c in SET:
        changed |= ~new[c].eq_missing(user[c].cast(new.schema[c])).to_numpy()
    return {"User": new.filter(pl.Series(changed))}
