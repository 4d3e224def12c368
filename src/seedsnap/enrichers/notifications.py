"""Notifications derived from real events, for every user (seeder.md §7 row 15, §11.12).

Each notification comes from a row that exists: a meeting (reminder a day before, to one
cancelled later than that too, the confirmation of an upcoming one, the cancellation of a
cancelled one), the last message a participant received in a conversation, a reaction to
one's message, a worksheet assigned / overdue / reviewed, a review received, a new
client-therapist relationship, a comment on one's post, joining a community, being made a
moderator, a therapist application (to the admin who processed it) and its outcome, a
session payment that failed or went through (a receipt for every one settled, as the app
sends), and a completed session's request for a review (``REVIEW_REQUEST_AFTER`` its end,
unless the client had reviewed it by then).
Every user, not the first 20, is then topped up to ``MIN_PER_USER`` with account
notifications (profile completion, a sign-in alert, ...).

Beside those (and not counted toward that minimum, ``UNCOUNTED``): a session's video call
(incoming to the client at its start, answered when it came; missed ``CALL_RINGS`` later at
a NO_SHOW; ended, to both sides, when a COMPLETED one ended); a client's request of its
therapist, sent in the client's waking hours up to ``REQUEST_ANSWERED_WITHIN`` before the
pair began (read by the therapist when it accepted it, as the pair began), and its
acceptance, told to the client when the pair began; an upcoming session's booking, told to
its therapist, and a nudge ``CONFIRM_NUDGE_AFTER`` later while it was unconfirmed; a client's therapist matches when its first assessment was processed and
their update at each later one (URGENT, naming the crisis resource, when it flagged a risk),
and a community for its first elevated scale (``SCALE_COMMUNITY``) it had not joined; the
latest posts by others in a member's communities (``POSTS_PER_MEMBER``); an applicant's
application pending review when submitted; one maintenance broadcast to the active accounts
(``maintenance_times``); a saved card's expiry month; a group session a participant joined
moved to a later date; before some pairs, the client's earlier request of another therapist
that made no pair (``_unanswered``: the notices are its only record), declined by that
therapist (the client then shown other matches) or withdrawn by the client. Nothing records a
session moved (a Meeting keeps no earlier time): no such notice is made.

By construction: the title is fixed per type (``social_text.NOTIFICATIONS``) and the message
is that type's template, so type, title and body agree (upstream typed "New comment on your
post" MESSAGE_REACTION); ``readAt`` is set exactly when ``isRead`` and lies between
``createdAt`` and the anchor; MESSAGE_RECEIVED is read exactly when the participant's
``lastReadAt`` is at or after the message; a PAYMENT_FAILED its client retried, or a
REVIEW_REQUEST its client answered, is read when they did (read only while they still
come), a client's request when its therapist accepted it; ``createdAt`` is at or before
the anchor and not before the recipient existed, nor after an account that closes
(deactivated or suspended) was last seen (``_until``); a user who does not read them one by
one marks them all read in its last visit. A time in a message is the recipient's local
time, with its zone's abbreviation ("Mon Feb 16, 5:00 PM EST"): a therapist's
``timezone``, a client's home zone (``users.zone_of``), daylight saving included. Every
notification is keyed by (event, source row, recipient): existing ids are skipped, so a
re-run adds nothing.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.typing as npt
import polars as pl

from seedsnap.arrays import rows_in, sort_by_text
from seedsnap.context import MS_PER_DAY, MS_PER_HOUR, Context, Frames, timestamps
from seedsnap.enrichers.common import block_pairs
from seedsnap.enrichers.payments import CARD_NOTICE_AT  # first day of the expiry month
from seedsnap.generators import social_text as t
from seedsnap.generators.clock import WORKDAY, rhythm_of, waking_at
from seedsnap.generators.common import ms_of, text_keys
from seedsnap.generators.relationships import REVIEW_MIN
from seedsnap.generators.therapy import utc_to_local_text
from seedsnap.generators.therapy_text import ELEVATED
from seedsnap.generators.users import (
    SESSION,
    home_offset_of,
    last_seen,
    suspension_due,
    zone_of,
)
from seedsnap.random import child_keys, name_key

READS = (
    "User",
    "Therapist",
    "ClientTherapist",
    "Community",
    "Membership",
    "ModeratorCommunity",
    "Post",
    "Comment",
    "Meeting",
    "Worksheet",
    "WorksheetSubmission",
    "Review",
    "ConversationParticipant",
    "Message",
    "MessageReaction",
    "Payment",
    "Client",
    "PreAssessment",
    "PaymentMethod",
    "Room",
    "RoomGroup",
    "GroupTherapySessions",
    "GroupSessionParticipants",
    "UserBlock",
)
WRITES = ("Notification",)

READERS = 0.8  # users who read them one by one; the others clear them all in their last visit
# A user who logged in LOGGED_IN_AFTER or more after UNREAD_PILE of its notices has read one of
# them at least (check: notification.read_by_a_later_visit): readers read 9 in 10 a week old.
LOGGED_IN_AFTER = 7 * MS_PER_DAY
UNREAD_PILE = 3
MIN_PER_USER = 3  # upstream's docs say 3-5 per user; its code gave 2 to the first 20 users
REMINDER_LEAD = 24 * MS_PER_HOUR
REVIEW_REQUEST_AFTER = MS_PER_HOUR  # after a completed session ends
CALL_RINGS = 15 * 60_000  # a call no one answers is missed this long after it began
CONFIRM_NUDGE_AFTER = 24 * MS_PER_HOUR  # a booking still unconfirmed this long after is nudged
# A client's request of a therapist is accepted (the pair begins, ClientTherapist.assignedAt)
# at most this long after it was sent: the request comes a keyed time on the client's waking
# clock within it, not before the client signed up, its first assessment was processed (its
# recommendations), the therapist was approved or the client's previous pair began.
REQUEST_ANSWERED_WITHIN = 2 * MS_PER_DAY  # 48 hours (check: notification.request_of_a_pair)
# Before a keyed share of pairs (UNANSWERED_SHARE) whose client had UNANSWERED_ROOM at least
# between the earliest it could ask (``_requested``) and its request, the client asked another
# therapist first (an APPROVED, active one it was never paired with, approved by then), in the
# first half of that time (of its last UNANSWERED_SPAN): the therapist declined it on its
# working clock (DECLINED_SHARE) a while after (ANSWER_AFTER, up to ANSWER_WITHIN, and
# ANSWER_BEFORE before the pair's request), the client then shown other matches
# (ALTERNATIVES_AFTER, at most, later), or the client withdrew it before any answer, in the
# same span on its own clock. A build holds MIN_DECLINED and MIN_WITHDRAWN of them at least
# where the draws left fewer (light's six pairs drew none): the pairs with room whose share
# draw came nearest, of those whose outcome draw gives that outcome.
# (check: notification.unanswered_request, notification.declined_or_cancelled_request)
UNANSWERED_SHARE = 0.1
UNANSWERED_ROOM = 6 * MS_PER_HOUR
UNANSWERED_SPAN = 7 * MS_PER_DAY  # the request comes at most this long before the pair's
DECLINED_SHARE = 2 / 3
ANSWER_AFTER = 2 * MS_PER_HOUR
ANSWER_WITHIN = 2 * MS_PER_DAY
ANSWER_BEFORE = 20 * 60_000
ALTERNATIVES_AFTER = 15 * 60_000
UNANSWERED_TRIES = 6  # keyed draws of an approved therapist; the first that fits is asked
MIN_DECLINED = 1
MIN_WITHDRAWN = 1
POSTS_PER_MEMBER = 2  # COMMUNITY_POST notices per member: its communities' latest posts
POSTS_PER_COMMUNITY = 8  # the latest posts of a community a member's notices are taken from
# The scales of an assessment (PreAssessment severityLevels keys) and the community (its
# catalogue slug) recommended for each when elevated, in the order they are tried.
SCALE_COMMUNITY = {
    "phq9": "depression-support",
    "gad7": "anxiety-support",
    "pss10": "stress-support",
    "isi": "insomnia-support",
}
# The maintenance broadcast: sent MAINTENANCE_NOTICE before the anchor's day began, plus
# MAINTENANCE_SENT_AT (UTC), for a window MAINTENANCE_AT (UTC) on MAINTENANCE_DAY before it.
MAINTENANCE_NOTICE = 5 * MS_PER_DAY
MAINTENANCE_SENT_AT = 15 * MS_PER_HOUR
MAINTENANCE_DAY = 2 * MS_PER_DAY
MAINTENANCE_AT = 7 * MS_PER_HOUR
# The types of the notices not counted toward MIN_PER_USER (see ``enrich``).
UNCOUNTED = frozenset(
    {
        "INCOMING_VIDEO_CALL", "VIDEO_CALL_MISSED", "VIDEO_CALL_ENDED", "CLIENT_REQUEST_RECEIVED",
        "THERAPIST_REQUEST_ACCEPTED", "SCHEDULING_INFO", "REQUEST_REMINDER",
        "NEW_RECOMMENDATIONS", "RECOMMENDATIONS_UPDATED", "COMMUNITY_RECOMMENDATION",
        "COMMUNITY_POST", "THERAPIST_STATUS_UPDATED", "SYSTEM_MAINTENANCE",
        "SUBSCRIPTION_EXPIRING", "APPOINTMENT_RESCHEDULED", "THERAPIST_REQUEST_DECLINED",
        "ALTERNATIVE_RECOMMENDATIONS", "CLIENT_REQUEST_CANCELLED",
    }
)  # fmt: skip
# How a time is written in a message, in the recipient's zone (%Z: EST, PDT, MST, ...).
WHEN_FORMAT = "%a %b %-d, %-I:%M %p"  # and the zone's abbreviation
UPCOMING = ("SCHEDULED", "CONFIRMED", "WAITING")
HIGH = {
    "INCOMING_VIDEO_CALL",
    "VIDEO_CALL_MISSED",
    "APPOINTMENT_CANCELLED",
    "WORKSHEET_DUE",
    "SECURITY_ALERT",
    "THERAPIST_APPLICATION",
    "PAYMENT_FAILED",
}
LOW = {"COMMUNITY_WELCOME", "COMMUNITY_JOINED", "PROFILE_COMPLETION", "SYSTEM_UPDATE",
       "MESSAGE_REACTION", "SYSTEM_MAINTENANCE", "PAYMENT_SUCCESS", "REVIEW_REQUEST",
       "COMMUNITY_POST", "COMMUNITY_RECOMMENDATION", "VIDEO_CALL_ENDED"}  # fmt: skip
# Columns every event frame carries before templating.
EVENT_COLUMNS = {
    "event": pl.String,  # names the key space: (event, source id, recipient) is unique
    "source": pl.String,
    "userId": pl.String,
    "type": pl.String,
    "at": pl.Int64,
    "other": pl.String,
    "when": pl.Int64,
    "title": pl.String,
    "rating": pl.String,
    "emoji": pl.String,
    "community": pl.String,
    "amount": pl.String,
    "data_key": pl.String,
    "data_id": pl.String,
    "data_json": pl.String,  # the data as given (JSON text), instead of {data_key: data_id}
    "path": pl.String,
    "read_upto": pl.Int64,  # when set, read exactly when read_upto >= at (readAt = read_upto)
    "high": pl.Boolean,
    "urgent": pl.Boolean,  # a crisis-related notice: URGENT, whatever its type
    "note": pl.String,  # text a message ends with ({note}), as given
    "month": pl.String,
}


def _events(
    frame: pl.DataFrame, **cols: pl.Expr | pl.Series | str | int | bool | None
) -> pl.DataFrame:
    """An event frame from ``frame`` with the EVENT_COLUMNS: expressions over ``frame``, or
    literals (strings are values, not column names); missing ones NULL."""
    exprs = []
    for name, dtype in EVENT_COLUMNS.items():
        v = cols.get(name)
        e = v if isinstance(v, pl.Expr) else pl.lit(v, dtype=dtype)
        exprs.append(e.cast(dtype).alias(name))
    return frame.select(exprs)


def _names(frames: Frames) -> pl.DataFrame:
    u = frames["User"]
    return u.select(
        "id", pl.concat_str([pl.col("firstName"), pl.col("lastName")], separator=" ").alias("n")
    )


def _meeting_events(frames: Frames, anchor: int, names: pl.DataFrame) -> list[pl.DataFrame]:
    m = frames["Meeting"].select(
        "id", "clientId", "therapistId", "status",
        ms_of("startTime").alias("start"), ms_of("createdAt").alias("created"),
        ms_of("updatedAt").alias("updated"),
    )  # fmt: skip
    m = m.join(names.rename({"id": "clientId", "n": "client"}), on="clientId", how="left")
    m = m.join(names.rename({"id": "therapistId", "n": "therapist"}), on="therapistId", how="left")
    out = []
    # Called off when last updated (not before it was booked, nor after it began or the anchor).
    off = pl.min_horizontal(pl.max_horizontal("updated", "created"), "start", pl.lit(anchor))
    m = m.with_columns(pl.when(pl.col("status") == "CANCELLED").then(off).alias("off"))
    # The reminder goes REMINDER_LEAD before the start (at booking, if booked later), to any
    # meeting not called off by then: one cancelled late had it (reminded, then cancelled), if
    # it was booked before the reminder was due (check:
    # notification.reminder_before_a_late_cancellation).
    due = pl.col("start") - REMINDER_LEAD
    remind = (
        m.filter(pl.col("off").is_null() | ((pl.col("created") < due) & (pl.col("off") > due)))
        .with_columns(pl.max_horizontal("created", due).alias("at"))
        .filter((pl.col("at") <= anchor) & (pl.col("at") < pl.col("start")))
    )
    cancel = m.filter(pl.col("off").is_not_null()).with_columns(pl.col("off").alias("at"))
    confirm = m.filter((pl.col("status") == "CONFIRMED") & (pl.col("start") > anchor)).with_columns(
        pl.min_horizontal(pl.max_horizontal("updated", "created"), pl.lit(anchor)).alias("at")
    )
    for kind, frame in (("APPOINTMENT_REMINDER", remind), ("APPOINTMENT_CANCELLED", cancel)):
        for who, other in (("clientId", "therapist"), ("therapistId", "client")):
            out.append(_events(
                frame, event=f"{kind}:{who}", source=pl.col("id"), userId=pl.col(who), type=kind,
                at=pl.col("at"), other=pl.col(other), when=pl.col("start"), data_key="meetingId",
                data_id=pl.col("id"), path=pl.lit("/sessions/") + pl.col("id"),
                high=pl.col("start") > anchor,
            ))  # fmt: skip
    out.append(_events(
        confirm, event="APPOINTMENT_CONFIRMED", source=pl.col("id"), userId=pl.col("clientId"),
        type="APPOINTMENT_CONFIRMED", at=pl.col("at"), other=pl.col("therapist"), when=pl.col("start"),
        data_key="meetingId", data_id=pl.col("id"), path=pl.lit("/sessions/") + pl.col("id"),
    ))  # fmt: skip
    return out


def _message_events(frames: Frames, names: pl.DataFrame) -> list[pl.DataFrame]:
    msgs = frames["Message"].select(
        pl.col("id").alias("messageId"), "conversationId", "senderId",
        ms_of("createdAt").alias("sent"),
    )  # fmt: skip
    parts = frames["ConversationParticipant"].select(
        "conversationId", "userId", ms_of("lastReadAt").alias("read_upto")
    )
    # The last message each participant received from someone else (a SYSTEM line, such as a
    # session chat's "Session ended", is the app's, not a message anyone sent).
    said = frames["Message"]["messageType"].cast(pl.String) != "SYSTEM"
    got = (
        msgs.filter(said)
        .join(parts, on="conversationId")
        .filter(pl.col("senderId") != pl.col("userId"))
    )
    # The last row of a pair in (sent, messageId) order is its latest; the order the pairs come
    # out in does not matter (enrich sorts by id), so no sort on the two text keys first.
    got = got.sort("sent", "messageId").unique(["conversationId", "userId"], keep="last")
    got = got.join(names.rename({"id": "senderId", "n": "sender"}), on="senderId", how="left")
    received = _events(
        got, event="MESSAGE_RECEIVED", source=pl.col("conversationId"), userId=pl.col("userId"),
        type="MESSAGE_RECEIVED", at=pl.col("sent"), other=pl.col("sender"), data_key="conversationId",
        data_id=pl.col("conversationId"), path=pl.lit("/messages/") + pl.col("conversationId"),
        read_upto=pl.col("read_upto").fill_null(-1),
    )  # fmt: skip
    reacts = frames["MessageReaction"].select(
        pl.col("id").alias("rid"), "messageId", pl.col("userId").alias("reactor"), "emoji",
        ms_of("createdAt").alias("at"),
    ).join(msgs, on="messageId").filter(pl.col("reactor") != pl.col("senderId"))  # fmt: skip
    reacts = reacts.join(names.rename({"id": "reactor", "n": "who"}), on="reactor", how="left")
    reaction = _events(
        reacts, event="MESSAGE_REACTION", source=pl.col("rid"), userId=pl.col("senderId"),
        type="MESSAGE_REACTION", at=pl.col("at"), other=pl.col("who"), emoji=pl.col("emoji"),
        data_key="conversationId", data_id=pl.col("conversationId"),
        path=pl.lit("/messages/") + pl.col("conversationId"),
    )  # fmt: skip
    return [received, reaction]


def _worksheet_events(frames: Frames, anchor: int, names: pl.DataFrame) -> list[pl.DataFrame]:
    w = (
        frames["Worksheet"]
        .select(
            "id",
            "clientId",
            "therapistId",
            "title",
            "status",
            ms_of("dueDate").alias("due"),
            ms_of("createdAt").alias("created"),
            ms_of("updatedAt").alias("updated"),
        )
        .join(names.rename({"id": "therapistId", "n": "therapist"}), on="therapistId", how="left")
    )
    sub = frames["WorksheetSubmission"].select(
        pl.col("worksheetId").alias("id"), ms_of("submittedAt").alias("submitted"), "feedback"
    )
    common: dict[str, pl.Expr | str] = {
        "data_key": "worksheetId",
        "data_id": pl.col("id"),
        "path": pl.lit("/worksheets/") + pl.col("id"),
    }
    assigned = _events(
        w, event="WORKSHEET_ASSIGNED", source=pl.col("id"), userId=pl.col("clientId"),
        type="WORKSHEET_ASSIGNED", at=pl.col("created"), other=pl.col("therapist"), title=pl.col("title"),
        **common,
    )  # fmt: skip
    # Due and not in by then: still OVERDUE, or handed in late (after the notice).
    overdue = w.join(sub.select("id", "submitted"), on="id", how="left").filter(
        (pl.col("due") <= anchor)
        & (pl.col("submitted").is_null() | (pl.col("submitted") > pl.col("due")))
        & pl.col("status").is_in(["OVERDUE", "SUBMITTED", "REVIEWED"])
    )
    due = _events(
        overdue, event="WORKSHEET_DUE", source=pl.col("id"), userId=pl.col("clientId"),
        type="WORKSHEET_DUE", at=pl.max_horizontal("due", "created"), when=pl.col("due"),
        title=pl.col("title"), **common,
    )  # fmt: skip
    fb = w.join(sub, on="id").filter(pl.col("feedback").is_not_null())
    fb = fb.with_columns(
        pl.min_horizontal(pl.max_horizontal("updated", "submitted"), pl.lit(anchor)).alias("at")
    )
    feedback = _events(
        fb, event="WORKSHEET_FEEDBACK", source=pl.col("id"), userId=pl.col("clientId"),
        type="WORKSHEET_FEEDBACK", at=pl.col("at"), other=pl.col("therapist"), title=pl.col("title"),
        **common,
    )  # fmt: skip
    return [assigned, due, feedback]


def _people_events(frames: Frames, anchor: int, names: pl.DataFrame) -> list[pl.DataFrame]:
    out = []
    r = frames["Review"].join(
        names.rename({"id": "clientId", "n": "client"}), on="clientId", how="left"
    )
    out.append(_events(
        r, event="REVIEW_RECEIVED", source=pl.col("id"), userId=pl.col("therapistId"),
        type="REVIEW_RECEIVED", at=ms_of("createdAt"),
        other=pl.when(pl.col("isAnonymous")).then(pl.lit("A client")).otherwise(pl.col("client")),
        rating=pl.col("rating").cast(pl.String), data_key="reviewId", data_id=pl.col("id"),
        path=pl.lit("/reviews"),
    ))  # fmt: skip
    ct = (
        frames["ClientTherapist"]
        .join(names.rename({"id": "clientId", "n": "client"}), on="clientId", how="left")
        .join(names.rename({"id": "therapistId", "n": "therapist"}), on="therapistId", how="left")
    )
    for who, other in (("clientId", "therapist"), ("therapistId", "client")):
        out.append(_events(
            ct, event=f"RELATIONSHIP_ESTABLISHED:{who}", source=pl.col("id"), userId=pl.col(who),
            type="RELATIONSHIP_ESTABLISHED", at=ms_of("assignedAt"), other=pl.col(other),
            data_key="relationshipId", data_id=pl.col("id"),
            path=pl.lit("/therapists" if who == "clientId" else "/clients"),
        ))  # fmt: skip
    comm = frames["Community"].select(pl.col("id").alias("communityId"), "name", "slug")
    mem = frames["Membership"].join(comm, on="communityId")
    out.append(_events(
        mem, event="COMMUNITY_WELCOME", source=pl.col("id"), userId=pl.col("userId"),
        type="COMMUNITY_WELCOME", at=ms_of("joinedAt"), community=pl.col("name"),
        data_key="communityId", data_id=pl.col("communityId"),
        path=pl.lit("/community/") + pl.col("slug"),
    ))  # fmt: skip
    mods = frames["ModeratorCommunity"].join(comm, on="communityId")
    out.append(_events(
        mods, event="COMMUNITY_JOINED", source=pl.col("id"), userId=pl.col("moderatorId"),
        type="COMMUNITY_JOINED", at=ms_of("assignedAt"), community=pl.col("name"),
        data_key="communityId", data_id=pl.col("communityId"),
        path=pl.lit("/community/") + pl.col("slug"),
    ))  # fmt: skip
    # Only the columns used: the cross join below copies every column it carries.
    th = (
        frames["Therapist"]
        .select("userId", "status", "submissionDate", "processingDate", "processedByAdminId")
        .join(names.rename({"id": "userId"}), on="userId", how="left")
    )
    # A processed application notified the admin who processed it; an open one every admin,
    # when it was submitted: an admin who signed up after is not told of it (its notice would
    # be dated its sign-up, days after the application; check:
    # notification.application_to_an_admin_at_submission).
    admins = frames["User"].filter(pl.col("role") == "admin").select(pl.col("id").alias("admin"))
    since = frames["User"].select(
        pl.col("id").alias("processedByAdminId"), ms_of("createdAt").alias("since")
    )
    applied = (
        pl.concat(
            [
                th.filter(pl.col("processedByAdminId").is_not_null()),
                th.filter(pl.col("processedByAdminId").is_null())
                .join(admins, how="cross")
                .with_columns(pl.col("admin").alias("processedByAdminId"))
                .drop("admin"),
            ]
        )
        .join(since, on="processedByAdminId", how="left")
        .filter(pl.col("since").is_null() | (pl.col("since") <= ms_of("submissionDate")))
    )
    out.append(_events(
        applied, event="THERAPIST_APPLICATION", source=pl.col("userId"),
        userId=pl.col("processedByAdminId"), type="THERAPIST_APPLICATION",
        at=ms_of("submissionDate"), other=pl.col("n"), data_key="therapistId",
        data_id=pl.col("userId"), path=pl.lit("/therapists/") + pl.col("userId"),
    ))  # fmt: skip
    decided = th.filter(pl.col("status").is_in(["APPROVED", "REJECTED"]))
    out.append(_events(
        decided, event="THERAPIST_DECISION", source=pl.col("userId"), userId=pl.col("userId"),
        type=pl.format("THERAPIST_{}", pl.col("status")),
        at=pl.min_horizontal(
            pl.max_horizontal(ms_of("processingDate"), ms_of("submissionDate")), pl.lit(anchor)
        ),
        data_key="therapistId", data_id=pl.col("userId"), path=pl.lit("/profile"),
    ))  # fmt: skip
    posts = frames["Post"].select(
        pl.col("id").alias("postId"), pl.col("userId").alias("author"),
        pl.col("title").alias("post_title"),
    )  # fmt: skip
    c = (
        frames["Comment"]
        .select("id", "postId", "userId", "createdAt")  # not the content nor attachment lists
        .join(posts, on="postId")
        .filter(pl.col("userId") != pl.col("author"))
    )
    c = c.join(names.rename({"id": "userId", "n": "commenter"}), on="userId", how="left")
    out.append(_events(
        c, event="COMMUNITY_REPLY", source=pl.col("id"), userId=pl.col("author"),
        type="COMMUNITY_REPLY", at=ms_of("createdAt"), other=pl.col("commenter"),
        title=pl.col("post_title"), data_key="postId", data_id=pl.col("postId"),
        path=pl.lit("/community/posts/") + pl.col("postId"),
    ))  # fmt: skip
    return out


def _billing_events(
    frames: Frames, anchor: int, names: pl.DataFrame, users: pl.DataFrame
) -> list[pl.DataFrame]:
    """What a completed session sends its client: its payments' outcomes and a review request.

    ``users``: id, seen (when each was last seen, ms).
    """
    m = (
        frames["Meeting"]
        .filter(pl.col("status") == "COMPLETED")
        .select(
            pl.col("id").alias("meetingId"), "clientId", "therapistId",
            ms_of("startTime").alias("start"), ms_of("endTime").alias("end"),
        )
        .join(names.rename({"id": "therapistId", "n": "therapist"}), on="therapistId", how="left")
    )  # fmt: skip
    p = frames["Payment"].select(
        "id", "meetingId", "status", pl.col("amount").cast(pl.String).alias("amount"),
        ms_of("processedAt").alias("processed"), ms_of("failedAt").alias("failed"),
        ms_of("createdAt").alias("created"),
    )  # fmt: skip
    # The next payment of the meeting: a failed one's retry.
    p = p.sort("meetingId", "created", "id").with_columns(
        pl.col("created").shift(-1).over("meetingId").alias("next")
    )
    p = p.join(m, on="meetingId")
    # A retry the client made while it still came (an app's retry waits for no one) is
    # what it did on reading the notice; a client not among the users has no last visit.
    p = p.with_columns(
        pl.when(pl.col("next") <= _seen_of(users, p["clientId"]))
        .then(pl.col("next"))
        .alias("retried")
    )
    common: dict[str, pl.Expr | str] = {
        "source": pl.col("id"), "userId": pl.col("clientId"), "other": pl.col("therapist"),
        "when": pl.col("start"), "amount": pl.col("amount"), "data_key": "paymentId",
        "data_id": pl.col("id"), "path": pl.lit("/billing"),
    }  # fmt: skip
    failed = _events(
        p.filter(pl.col("failed").is_not_null()), event="PAYMENT_FAILED", type="PAYMENT_FAILED",
        at=pl.col("failed"), read_upto=pl.col("retried"), **common,
    )  # fmt: skip
    settled = _events(
        p.filter(pl.col("processed").is_not_null()), event="PAYMENT_SUCCESS",
        type="PAYMENT_SUCCESS", at=pl.col("processed"), **common,
    )  # fmt: skip
    # A review request an hour after the session, unless the client had reviewed it by then;
    # one it reviewed after is read when it did.
    reviews = frames["Review"].select("meetingId", ms_of("createdAt").alias("reviewed"))
    asked = (
        m.with_columns((pl.col("end") + REVIEW_REQUEST_AFTER).alias("at"))
        .filter(pl.col("at") <= anchor)
        .join(reviews.drop_nulls("meetingId"), on="meetingId", how="left")
        .filter(pl.col("reviewed").is_null() | (pl.col("reviewed") >= pl.col("at")))
    )
    request = _events(
        asked, event="REVIEW_REQUEST", source=pl.col("meetingId"), userId=pl.col("clientId"),
        type="REVIEW_REQUEST", at=pl.col("at"), other=pl.col("therapist"), when=pl.col("start"),
        data_key="meetingId", data_id=pl.col("meetingId"),
        path=pl.lit("/sessions/") + pl.col("meetingId"), read_upto=pl.col("reviewed"),
    )  # fmt: skip
    return [failed, settled, request]


def _meetings(frames: Frames, names: pl.DataFrame) -> pl.DataFrame:
    """The meetings with their times (ms) and both sides' names (client, therapist)."""
    m = frames["Meeting"].select(
        "id", "clientId", "therapistId", "status",
        ms_of("startTime").alias("start"), ms_of("endTime").alias("end"),
        ms_of("createdAt").alias("created"), ms_of("updatedAt").alias("updated"),
    )  # fmt: skip
    m = m.join(names.rename({"id": "clientId", "n": "client"}), on="clientId", how="left")
    return m.join(
        names.rename({"id": "therapistId", "n": "therapist"}), on="therapistId", how="left"
    )


def _call_events(frames: Frames, anchor: int, names: pl.DataFrame) -> list[pl.DataFrame]:
    """A session's video call: the therapist calls its client when it begins (answered when
    the client came, read then; missed ``CALL_RINGS`` later at a NO_SHOW), and both sides are
    told it ended when a COMPLETED one ended."""
    m = _meetings(frames, names)
    common: dict[str, pl.Expr | str] = {
        "source": pl.col("id"), "data_key": "meetingId", "data_id": pl.col("id"),
        "path": pl.lit("/sessions/") + pl.col("id"), "when": pl.col("start"),
    }  # fmt: skip
    rang = m.filter(
        pl.col("status").is_in(["COMPLETED", "NO_SHOW", "IN_PROGRESS"])
        & (pl.col("start") <= anchor)
    )
    out = [
        _events(
            rang, event="INCOMING_VIDEO_CALL", userId=pl.col("clientId"),
            type="INCOMING_VIDEO_CALL", at=pl.col("start"), other=pl.col("therapist"),
            read_upto=pl.when(pl.col("status") == "NO_SHOW").then(-1).otherwise(pl.col("start")),
            **common,
        ),
        _events(
            rang.filter(pl.col("status") == "NO_SHOW"), event="VIDEO_CALL_MISSED",
            userId=pl.col("clientId"), type="VIDEO_CALL_MISSED",
            at=pl.min_horizontal(pl.col("start") + CALL_RINGS, pl.lit(anchor)),
            other=pl.col("therapist"), **common,
        ),
    ]  # fmt: skip
    ended = m.filter((pl.col("status") == "COMPLETED") & (pl.col("end") <= anchor))
    for who, other in (("clientId", "therapist"), ("therapistId", "client")):
        out.append(_events(
            ended, event=f"VIDEO_CALL_ENDED:{who}", userId=pl.col(who), type="VIDEO_CALL_ENDED",
            at=pl.col("end"), other=pl.col(other), **common,
        ))  # fmt: skip
    return out


def _requested(ctx: Context, frames: Frames) -> pl.DataFrame:
    """Each pair (ClientTherapist) with when it began (``assigned``) and when its client
    asked the therapist (``requested``, ms): a keyed time on the client's waking clock, at
    most ``REQUEST_ANSWERED_WITHIN`` and at least ``REVIEW_MIN`` before the pair began, not
    before the client signed up, its first assessment was processed (the recommendations
    it picked from), the therapist was approved, or the client's previous pair began; at
    the pair's beginning only where none of that leaves a millisecond; ``earliest``: the
    first the client could have asked any therapist it was recommended with this one (the
    latest of those but the 48 hours)."""
    ct = frames["ClientTherapist"].select(
        "id", "clientId", "therapistId", ms_of("assignedAt").alias("assigned")
    )
    signed = frames["User"].select(pl.col("id").alias("clientId"), ms_of("createdAt").alias("c"))
    assessed = (
        frames["PreAssessment"]
        .group_by("clientId")
        .agg(pl.coalesce(ms_of("processedAt"), ms_of("createdAt")).min().alias("a"))
    )
    approved = frames["Therapist"].select(
        pl.col("userId").alias("therapistId"), ms_of("processingDate").alias("t")
    )
    earlier = ct.sort("clientId", "assigned", "id").select(
        "id", pl.col("assigned").shift(1).over("clientId").alias("p")
    )
    ct = (
        ct.join(signed, on="clientId", how="left", maintain_order="left")
        .join(assessed, on="clientId", how="left", maintain_order="left")
        .join(approved, on="therapistId", how="left", maintain_order="left")
        .join(earlier, on="id", how="left", maintain_order="left")
    )
    hi = ct["assigned"].to_numpy()
    lo = ct.select(
        pl.max_horizontal("c", "a", "t", "p", pl.col("assigned") - REQUEST_ANSWERED_WITHIN)
    ).to_series()
    lo = np.minimum(lo.to_numpy(), hi)
    # The therapist took REVIEW_MIN at least to review it (``relationships.reviewed`` began
    # the pair that long after the client could first ask, so there is room).
    u = ctx.stream("Notification", "request").uniform(text_keys(ct["id"]))
    at = waking_at(lo, np.maximum(lo, hi - REVIEW_MIN), u, home_offset_of(ctx, ct["clientId"]))
    at = np.where(lo < hi, np.minimum(at, hi - 1), hi)  # before the pair began, where it can be
    earliest = ct.select(pl.max_horizontal("c", "a", "t", "p")).to_series()
    return ct.select("id", "clientId", "therapistId", "assigned").with_columns(
        pl.Series("requested", at, dtype=pl.Int64), earliest.alias("earliest")
    )


def _unanswered(ctx: Context, frames: Frames, requested: pl.DataFrame) -> pl.DataFrame:
    """The requests that made no pair (UNANSWERED_SHARE): per pair of ``requested``
    (``_requested``) drawn, its client's earlier request of another therapist
    (``asked``, its ``sent`` time), ``declined`` (when, else NULL), ``alternatives`` (when the
    client was shown other matches after a decline), ``cancelled`` (when the client withdrew
    it, else NULL) and ``recommended`` (the therapists shown: the pair's therapist and up to two
    others of the drawn ones that fit), keyed by the pair (``id``)."""
    s = ctx.stream("Notification", "unanswered")
    lo, req = requested["earliest"].to_numpy(), requested["requested"].to_numpy()
    keys = text_keys(requested["id"])
    room = req - lo >= UNANSWERED_ROOM
    share = s.uniform(keys, 0)
    drawn = room & (share < UNANSWERED_SHARE)
    declines = s.bernoulli(keys, DECLINED_SHARE, 2)
    have = frames["Notification"]["type"].cast(pl.String).value_counts()
    have_n = dict(zip(have["type"].to_list(), have["count"].to_list(), strict=True))
    for outcome, least, kind in (
        (declines, MIN_DECLINED, "THERAPIST_REQUEST_DECLINED"),
        (~declines, MIN_WITHDRAWN, "CLIENT_REQUEST_CANCELLED"),
    ):
        short = least - have_n.get(kind, 0) - int((drawn & outcome).sum())
        if short > 0:  # the nearest draws of that outcome, among the pairs with room
            could = np.flatnonzero(room & outcome & ~drawn)
            drawn[could[np.argsort(share[could], kind="stable")[:short]]] = True
    ct = requested.filter(pl.Series(drawn))
    if ct.height == 0:
        return pl.DataFrame()
    keys, lo, req = keys[drawn], lo[drawn], req[drawn]
    client_off = home_offset_of(ctx, ct["clientId"])
    lo = np.maximum(lo, req - UNANSWERED_SPAN)
    sent = waking_at(lo, lo + (req - lo) // 2, s.uniform(keys, 1), client_off)
    u = frames["User"]
    due = suspension_due(ctx, u)
    approved = (
        frames["Therapist"]
        .filter(pl.col("status") == "APPROVED")
        .select("userId", ms_of("processingDate").alias("approved"))
        .join(
            u.select(pl.col("id").alias("userId"), "isActive", pl.Series("due", due)),
            on="userId",
        )
        .filter(pl.col("isActive"))
        .sort("userId")
    )
    n = approved.height
    if n == 0:
        return pl.DataFrame()
    pick = ctx.stream("Notification", "unanswered_pick")
    tries = pl.concat(
        [
            ct.select("id", "clientId", "therapistId").with_columns(
                pl.lit(i).alias("try"),
                pl.Series("sent", sent),
                pl.Series("row", pick.integers(keys, 0, n, i)),
            )
            for i in range(UNANSWERED_TRIES)
        ]
    )
    tries = tries.with_columns(
        approved["userId"].gather(tries["row"]).alias("other"),
        approved["approved"].gather(tries["row"]).alias("approved"),
        approved["due"].gather(tries["row"]).alias("due"),
    )
    paired = frames["ClientTherapist"].select("clientId", pl.col("therapistId").alias("other"))
    fits = (
        tries.filter(
            (pl.col("approved") <= pl.col("sent"))
            & (pl.col("other") != pl.col("therapistId"))
            & ((pl.col("due") < 0) | (pl.col("due") > pl.col("sent")))
        )
        .join(paired, on=["clientId", "other"], how="anti")
        .sort("id", "try")
        .unique(["id", "other"], keep="first", maintain_order=True)
    )
    asked = fits.unique("id", keep="first", maintain_order=True).select(
        "id", pl.col("other").alias("asked")
    )
    shown = (
        fits.join(asked, on="id")
        .filter(pl.col("other") != pl.col("asked"))
        .group_by("id", maintain_order=True)
        .agg(pl.col("other").head(2).alias("more"))
    )
    ct = ct.with_columns(pl.Series("sent", sent), pl.Series("key", keys)).join(
        asked, on="id", how="inner", maintain_order="left"
    )
    ct = ct.join(shown, on="id", how="left", maintain_order="left")
    keys, sent = ct["key"].to_numpy(), ct["sent"].to_numpy()
    req = ct["requested"].to_numpy()
    lo_a = sent + ANSWER_AFTER
    hi_a = np.minimum(sent + ANSWER_WITHIN, req - ANSWER_BEFORE)
    declines = s.bernoulli(keys, DECLINED_SHARE, 2)  # the outcome drawn (as above)
    when = s.uniform(keys, 3)
    declined = waking_at(lo_a, hi_a, when, home_offset_of(ctx, ct["asked"]), WORKDAY)
    cancelled = waking_at(lo_a, hi_a, when, home_offset_of(ctx, ct["clientId"]))
    shown_at = declined + 1 + np.floor(s.uniform(keys, 4) * ALTERNATIVES_AFTER).astype(np.int64)
    # Read together, mostly soon, and by the time the client made the request of its pair.
    client_off = home_offset_of(ctx, ct["clientId"])
    seen = waking_at(
        shown_at, np.minimum(shown_at + 3 * MS_PER_DAY, req), s.uniform(keys, 5) ** 3, client_off
    )
    ids = pl.concat_list(
        pl.col("therapistId"), pl.col("more").fill_null(pl.lit([], pl.List(pl.String)))
    )
    return ct.select(
        "id", "clientId", "therapistId", "asked", "sent", "requested",
        pl.when(pl.lit(pl.Series(declines))).then(pl.lit(pl.Series(declined))).alias("declined"),
        pl.when(pl.lit(pl.Series(declines))).then(pl.lit(pl.Series(shown_at))).alias("alternatives"),
        pl.when(pl.lit(pl.Series(~declines))).then(pl.lit(pl.Series(cancelled))).alias("cancelled"),
        pl.lit(pl.Series(seen)).alias("seen"),
        ids.alias("recommended"),
    )  # fmt: skip


def _unanswered_events(
    ctx: Context, frames: Frames, requested: pl.DataFrame, names: pl.DataFrame
) -> list[pl.DataFrame]:
    """The requests that made no pair (``_unanswered``): the request, to the therapist asked
    (data: the client; read when it declined it, else as any notice); its decline, to the
    client (data: the therapist), and the other matches shown the client then (data: their
    ids, the therapist the client then paired with first), both read together, mostly soon
    and by the time the client made the request of its pair; or the client's withdrawal, to
    the therapist (data: the client)."""
    un = _unanswered(ctx, frames, requested)
    if un.height == 0:
        return []
    un = un.join(names.rename({"id": "clientId", "n": "client"}), on="clientId", how="left").join(
        names.rename({"id": "asked", "n": "therapist"}), on="asked", how="left"
    )
    to_therapist: dict[str, pl.Expr | str] = {
        "source": pl.col("id"), "userId": pl.col("asked"), "other": pl.col("client"),
        "data_key": "clientId", "data_id": pl.col("clientId"), "path": pl.lit("/clients"),
    }  # fmt: skip
    to_client: dict[str, pl.Expr | str] = {
        "source": pl.col("id"), "userId": pl.col("clientId"), "other": pl.col("therapist"),
        "path": pl.lit("/therapists"), "read_upto": pl.col("seen"),
    }  # fmt: skip
    no = un.filter(pl.col("declined").is_not_null())
    quoted = pl.col("recommended").list.eval(pl.lit('"') + pl.element() + pl.lit('"'))
    return [
        _events(
            un, event="UNANSWERED_REQUEST", type="CLIENT_REQUEST_RECEIVED", at=pl.col("sent"),
            read_upto=pl.col("declined"), **to_therapist,
        ),
        _events(
            no, event="REQUEST_DECLINED", type="THERAPIST_REQUEST_DECLINED",
            at=pl.col("declined"), data_key="therapistId", data_id=pl.col("asked"), **to_client,
        ),
        _events(
            no, event="ALTERNATIVE_RECOMMENDATIONS", type="ALTERNATIVE_RECOMMENDATIONS",
            at=pl.col("alternatives"),
            data_json=pl.concat_str(
                pl.lit('{"therapistIds": ['), quoted.list.join(", "), pl.lit("]}")
            ),
            **to_client,
        ),
        _events(
            un.filter(pl.col("cancelled").is_not_null()), event="REQUEST_CANCELLED",
            type="CLIENT_REQUEST_CANCELLED", at=pl.col("cancelled"), **to_therapist,
        ),
    ]  # fmt: skip


def _request_events(
    ctx: Context, frames: Frames, anchor: int, names: pl.DataFrame
) -> list[pl.DataFrame]:
    """A client's request of a therapist (``_requested``), read by the therapist when it
    accepted it, as the pair began, and its acceptance, told to the client then; a booking's
    notice to the therapist when an upcoming session was booked, and a nudge
    ``CONFIRM_NUDGE_AFTER`` later if it was not confirmed by then (read when it was)."""
    requested = _requested(ctx, frames)
    ct = requested.join(
        names.rename({"id": "clientId", "n": "client"}), on="clientId", how="left"
    ).join(names.rename({"id": "therapistId", "n": "therapist"}), on="therapistId", how="left")
    common: dict[str, pl.Expr | str] = {
        "source": pl.col("id"), "data_key": "relationshipId", "data_id": pl.col("id"),
    }  # fmt: skip
    out = [
        _events(
            ct, event="CLIENT_REQUEST_RECEIVED", userId=pl.col("therapistId"),
            type="CLIENT_REQUEST_RECEIVED", at=pl.col("requested"), other=pl.col("client"),
            path=pl.lit("/clients"), read_upto=pl.col("assigned"), **common,
        ),
        _events(
            ct, event="THERAPIST_REQUEST_ACCEPTED", userId=pl.col("clientId"),
            type="THERAPIST_REQUEST_ACCEPTED", at=pl.col("assigned"), other=pl.col("therapist"),
            path=pl.lit("/therapists"), **common,
        ),
    ]  # fmt: skip
    out += _unanswered_events(ctx, frames, requested, names)
    m = _meetings(frames, names).filter(pl.col("status").is_in(UPCOMING))
    session: dict[str, pl.Expr | str] = {
        "source": pl.col("id"), "userId": pl.col("therapistId"), "other": pl.col("client"),
        "when": pl.col("start"), "data_key": "meetingId", "data_id": pl.col("id"),
        "path": pl.lit("/sessions/") + pl.col("id"),
    }  # fmt: skip
    out.append(_events(
        m.filter(pl.col("created") <= anchor), event="SCHEDULING_INFO", type="SCHEDULING_INFO",
        at=pl.col("created"), **session,
    ))  # fmt: skip
    nudge = m.with_columns((pl.col("created") + CONFIRM_NUDGE_AFTER).alias("at")).filter(
        (pl.col("at") <= anchor)
        & (pl.col("at") < pl.col("start"))
        & ((pl.col("status") == "SCHEDULED") | (pl.col("updated") > pl.col("at")))
    )
    out.append(_events(
        nudge, event="REQUEST_REMINDER", type="REQUEST_REMINDER", at=pl.col("at"),
        read_upto=pl.when(pl.col("status") == "CONFIRMED").then(pl.col("updated")), **session,
    ))  # fmt: skip
    return out


def _assessment_events(frames: Frames, anchor: int) -> list[pl.DataFrame]:
    """A client's therapist matches when its first assessment was processed (unread by one
    who never looked at them), updated by each later one, and a community of
    ``SCALE_COMMUNITY`` for the first elevated scale of its first assessment, unless it was a
    member by then. A notice of an assessment that flagged a risk is URGENT and names the
    resource the assessment shared."""
    a = frames["PreAssessment"].select(
        "id", "clientId", "severityLevels",
        pl.coalesce(ms_of("processedAt"), ms_of("createdAt")).alias("at"),
        (pl.col("crisisSupportNeeds").str.json_path_match("$.riskIndicators") == "true")
        .fill_null(False).alias("risk"),
        pl.col("crisisSupportNeeds").str.json_path_match("$.resourceShared").alias("resource"),
    )  # fmt: skip
    a = a.filter(pl.col("at") <= anchor).sort("clientId", "at", "id")
    a = a.with_columns((pl.col("id").cum_count().over("clientId") == 1).alias("first"))
    seen = frames["Client"].select(
        pl.col("userId").alias("clientId"), "hasSeenTherapistRecommendations"
    )
    a = a.join(seen, on="clientId", how="left")
    note = pl.when(pl.col("risk") & pl.col("resource").is_not_null()).then(
        pl.concat_str(pl.lit(t.CRISIS_NOTE.split("{resource}")[0]), pl.col("resource"),
                      pl.lit(t.CRISIS_NOTE.split("{resource}")[1]))
    )  # fmt: skip
    out = [
        _events(
            a.filter(pl.col("first") == first), event=kind, source=pl.col("id"),
            userId=pl.col("clientId"), type=kind, at=pl.col("at"), note=note,
            urgent=pl.col("risk"), data_key="assessmentId", data_id=pl.col("id"),
            path=pl.lit("/therapists"),
            read_upto=pl.when(first & ~pl.col("hasSeenTherapistRecommendations").fill_null(False))
            .then(-1),
        )
        for first, kind in ((True, "NEW_RECOMMENDATIONS"), (False, "RECOMMENDATIONS_UPDATED"))
    ]  # fmt: skip
    comm = frames["Community"].select(pl.col("id").alias("communityId"), "name", "slug")
    first = a.filter(pl.col("first"))
    tried = pl.concat(
        [
            first.filter(
                pl.col("severityLevels")
                .str.json_path_match(f"$.{scale}")
                .is_in(list(ELEVATED[scale]))
                .fill_null(False)
            ).select(
                "id", "clientId", "at", "risk", pl.lit(i).alias("order"), pl.lit(slug).alias("slug")
            )
            for i, (scale, slug) in enumerate(SCALE_COMMUNITY.items())
        ]
    ).join(comm, on="slug")
    joined = frames["Membership"].select(
        pl.col("userId").alias("clientId"), "communityId", ms_of("joinedAt").alias("joined")
    )
    member = tried.join(joined, on=["clientId", "communityId"]).filter(
        pl.col("joined") <= pl.col("at")
    )
    tried = tried.join(member.select("id", "communityId"), on=["id", "communityId"], how="anti")
    pick = tried.sort("id", "order").unique("id", keep="first")
    out.append(_events(
        pick, event="COMMUNITY_RECOMMENDATION", source=pl.col("id"), userId=pl.col("clientId"),
        type="COMMUNITY_RECOMMENDATION", at=pl.col("at"), community=pl.col("name"),
        data_key="communityId", data_id=pl.col("communityId"),
        path=pl.lit("/community/") + pl.col("slug"),
    ))  # fmt: skip
    return out


def _post_events(ctx: Context, frames: Frames, names: pl.DataFrame) -> list[pl.DataFrame]:
    """New posts in a member's communities: of the ``POSTS_PER_COMMUNITY`` latest posts of
    each, those by others after it joined (and not blocked by it, nor blocking it, by then),
    the ``POSTS_PER_MEMBER`` latest per member."""
    u = frames["User"]
    gone = ~u["isActive"].to_numpy() | (suspension_due(ctx, u) >= 0)
    leaving = pl.DataFrame(
        {"userId": u["id"].filter(gone), "until": last_seen(ctx, u)[gone]},
        schema={"userId": pl.String, "until": pl.Int64},
    )
    rooms = (
        frames["Room"]
        .select(pl.col("id").alias("roomId"), "roomGroupId")
        .join(
            frames["RoomGroup"].select(pl.col("id").alias("roomGroupId"), "communityId"),
            on="roomGroupId",
        )
    )
    comm = frames["Community"].select(pl.col("id").alias("communityId"), "name")
    posts = (
        frames["Post"]
        .select(pl.col("id").alias("postId"), pl.col("userId").alias("author"), "title", "roomId",
                ms_of("createdAt").alias("at"))
        .join(rooms.select("roomId", "communityId"), on="roomId")
        .sort("communityId", "at", "postId", descending=[False, True, True])
    )  # fmt: skip
    posts = posts.filter(pl.int_range(pl.len()).over("communityId") < POSTS_PER_COMMUNITY)
    mem = frames["Membership"].select("userId", "communityId", ms_of("joinedAt").alias("joined"))
    got = posts.join(mem, on="communityId").filter(
        (pl.col("userId") != pl.col("author")) & (pl.col("at") > pl.col("joined"))
    )
    # Nor of a post by someone either had blocked before it: the app hides a blocked user's
    # posts from its blocker, and the blocker's from it.
    hidden = got.join(block_pairs(frames, "author"), on=["userId", "author"]).filter(
        pl.col("blocked") < pl.col("at")
    )
    got = got.join(hidden.select("userId", "postId").unique(), on=["userId", "postId"], how="anti")
    # An account that is deactivated or suspended later (``logins``, at or after its last
    # visit) is told of none posted after its last visit.
    got = got.join(leaving, on="userId", how="left").filter(
        pl.col("until").is_null() | (pl.col("at") <= pl.col("until"))
    )
    got = got.sort("userId", "at", "postId", descending=[False, True, True]).filter(
        pl.int_range(pl.len()).over("userId") < POSTS_PER_MEMBER
    )
    got = got.join(comm, on="communityId").join(
        names.rename({"id": "author", "n": "who"}), on="author", how="left"
    )
    return [_events(
        got, event="COMMUNITY_POST", source=pl.col("postId"), userId=pl.col("userId"),
        type="COMMUNITY_POST", at=pl.col("at"), other=pl.col("who"), title=pl.col("title"),
        community=pl.col("name"), data_key="postId", data_id=pl.col("postId"),
        path=pl.lit("/community/posts/") + pl.col("postId"),
    )]  # fmt: skip


def maintenance_times(anchor: int) -> tuple[int, int]:
    """When the maintenance broadcast was sent, and the start of the window it announced (ms)."""
    day = anchor - anchor % MS_PER_DAY
    return day - MAINTENANCE_NOTICE + MAINTENANCE_SENT_AT, day - MAINTENANCE_DAY + MAINTENANCE_AT


def _account_events(ctx: Context, frames: Frames) -> list[pl.DataFrame]:
    """An applicant told its application is pending review when it submitted it; one
    maintenance broadcast to every account active when it was sent; a saved card's expiry,
    on the first day of its expiry month; a group session a participant had joined moved to
    a later date (cancelled as ``social_text.RESCHEDULED``), when it was."""
    anchor = ctx.anchor_ms
    th = frames["Therapist"].select("userId", ms_of("submissionDate").alias("at"))
    out = [_events(
        th.filter(pl.col("at") <= anchor), event="THERAPIST_STATUS_UPDATED",
        source=pl.col("userId"), userId=pl.col("userId"), type="THERAPIST_STATUS_UPDATED",
        at=pl.col("at"), data_key="therapistId", data_id=pl.col("userId"), path=pl.lit("/profile"),
    )]  # fmt: skip
    sent, window = maintenance_times(anchor)
    # Deactivations and suspensions are set later (``logins``), from what users did: the
    # accounts still active now, but those due to be suspended by then (it may have come).
    u = frames["User"]
    due = suspension_due(ctx, u)
    active = u.filter(
        (ms_of("createdAt") <= sent) & pl.col("isActive") & ~pl.Series((due >= 0) & (due <= sent))
    )
    out.append(_events(
        active, event="SYSTEM_MAINTENANCE", source="broadcast", userId=pl.col("id"),
        type="SYSTEM_MAINTENANCE", at=sent, when=window, path=pl.lit("/dashboard"),
    ))  # fmt: skip
    card = (
        frames["PaymentMethod"]
        .filter(
            (pl.col("type") == "CARD")
            & pl.col("expiryYear").is_not_null()
            & pl.col("expiryMonth").is_not_null()
        )
        .with_columns(pl.date(pl.col("expiryYear"), pl.col("expiryMonth"), 1).alias("month"))
    )
    card = card.with_columns(
        (pl.col("month").cast(pl.Datetime("ms")).cast(pl.Int64) + CARD_NOTICE_AT).alias("at")
    ).filter((pl.col("at") <= anchor) & (pl.col("at") >= ms_of("createdAt")))  # fmt: skip
    out.append(_events(
        card, event="SUBSCRIPTION_EXPIRING", source=pl.col("id"), userId=pl.col("userId"),
        type="SUBSCRIPTION_EXPIRING", at=pl.col("at"),
        title=pl.concat_str(pl.col("cardBrand").fill_null("card"), pl.lit(" card ending in "),
                            pl.col("cardLast4").fill_null("")),
        month=pl.col("month").dt.strftime("%B %Y"), data_key="paymentMethodId",
        data_id=pl.col("id"), path=pl.lit("/billing"),
    ))  # fmt: skip
    moved = frames["GroupTherapySessions"].filter(
        (pl.col("status") == "CANCELLED") & (pl.col("cancellationReason") == t.RESCHEDULED)
    ).select(
        pl.col("id").alias("sessionId"), "title", "communityId",
        ms_of("scheduledAt").alias("when"), ms_of("cancelledAt").alias("at"),
    )  # fmt: skip
    slugs = frames["Community"].select(pl.col("id").alias("communityId"), "slug")
    p = (
        frames["GroupSessionParticipants"]
        .select("id", "sessionId", "userId", ms_of("joinedAt").alias("joined"))
        .join(moved, on="sessionId")
        .filter((pl.col("joined") <= pl.col("at")) & (pl.col("at") <= anchor))
        .join(slugs, on="communityId", how="left")
    )
    out.append(_events(
        p, event="APPOINTMENT_RESCHEDULED", source=pl.col("id"), userId=pl.col("userId"),
        type="APPOINTMENT_RESCHEDULED", at=pl.col("at"), when=pl.col("when"),
        title=pl.col("title"), data_key="sessionId", data_id=pl.col("sessionId"),
        path=pl.lit("/community/") + pl.col("slug"),
    ))  # fmt: skip
    return out


def _seen_of(users: pl.DataFrame, ids: pl.Series) -> pl.Series:
    """The last visit (``users``: id, seen) of each user of ``ids``; NULL for one not there
    (not the last user's, as a row of -1 would take)."""
    row = rows_in(ids, users["id"])
    seen = users["seen"].append(pl.Series([None], dtype=users["seen"].dtype))
    return seen.gather(np.where(row < 0, users.height, row))


def _until(ctx: Context, user: pl.DataFrame, seen: npt.NDArray[np.int64]) -> pl.Series:
    """The last a notice can reach each user of ``user`` (User rows, last seen at ``seen``):
    the anchor, but when it was last seen for an account that closes, deactivated or due
    to be suspended. The logins step sets deactivatedAt and suspendedAt later, at or after
    that (``logins.enrich``, ``logins.suspensions``: when last seen or after the last act),
    so nothing made by then comes after either (check: notification.none_after_account_closed).
    """
    closes = ~user["isActive"].to_numpy() | (suspension_due(ctx, user) >= 0)
    return pl.Series("until", np.where(closes, np.minimum(seen, ctx.anchor_ms), ctx.anchor_ms))


def _readers(ctx: Context, users: pl.DataFrame) -> npt.NDArray[np.bool_]:
    """Whether each of ``users`` (ukey, emailVerified) opens its notifications one by one:
    some never do (READERS, keyed per user; ``_finish`` has them mark all as read on their
    last visit instead), nor does one that has not finished signing up (verified its email).
    The one draw of it, for ``_finish`` (what is read) and ``_fallbacks`` (who completed its
    profile after the reminder), so the two always agree."""
    reader = ctx.stream("Notification", "reader").bernoulli(users["ukey"].to_numpy(), READERS)
    verified: npt.NDArray[np.bool_] = users["emailVerified"].to_numpy()
    return reader & verified


def _fallbacks(ctx: Context, users: pl.DataFrame, have: npt.NDArray[np.int64]) -> pl.DataFrame:
    """Account notifications for users still short of MIN_PER_USER, one per fallback type.

    ``users``: id, role, created, seen, until, edited (ms), emailVerified, complete, ukey;
    ``have``: each one's notifications, row for row. They come by ``until`` (``_until``).
    The profile reminder (``t.FALLBACK_TYPES[0]``, an hour after sign-up) goes to a user
    whose profile lacks a photo or a bio, or who read it and completed its profile after:
    whose last profile edit (``edited``) came after it, by the time it was last seen, and
    who reads its notifications (read then, as it went to its profile); the others take
    the next types. A sign-in alert tells of a sign-in: it
    comes while the user still came, in its waking hours, and a session before it was last
    seen, so never after its last login.
    """
    anchor = ctx.anchor_ms
    users = (
        users.select(
            "id", "role", "created", "seen", "until", "edited", "emailVerified", "complete"
        )
        .with_columns(
            pl.Series("need", MIN_PER_USER - have, dtype=pl.Int64),
            pl.Series("reader", _readers(ctx, users)),
        )
        .filter(pl.col("need") > 0)
    )
    reminded = pl.col("created") + pl.min_horizontal(
        pl.lit(MS_PER_HOUR), (pl.col("until") - pl.col("created")).clip(lower_bound=1) // 2
    )
    completed_after = (
        pl.col("reader")
        & (pl.col("edited") > reminded)
        & (pl.col("edited") <= pl.min_horizontal("seen", pl.lit(anchor)))
    )
    users = users.with_columns(
        (~pl.col("complete") | completed_after).alias("remind"),
        pl.when(pl.col("complete")).then(pl.col("edited")).alias("read_upto"),
    )
    n_types = len(t.FALLBACK_TYPES)
    rows = users.with_columns(pl.lit(list(range(n_types))).alias("slot")).explode("slot")
    # A user not reminded takes the types after the reminder (one fewer where it needs all).
    first = pl.when(pl.col("remind")).then(0).otherwise(1)
    rows = rows.filter((pl.col("slot") >= first) & (pl.col("slot") < first + pl.col("need")))
    s = ctx.stream("Notification", "fallback")
    keys = child_keys(text_keys(rows["id"]), rows["slot"].to_numpy())
    created = rows["created"].to_numpy()
    slot = rows["slot"].to_numpy()
    until = rows["until"].to_numpy()  # the anchor, or when an account that closes was seen
    span = np.maximum(until - created, 1)
    late = 0.5 + 0.5 * s.uniform(keys, 0)  # in the later half of the user's time
    signed_in = np.maximum(rows["seen"].to_numpy() - SESSION, created)
    alert = waking_at(
        created,
        signed_in,
        late,
        home_offset_of(ctx, rows["id"]),
        rhythm_of(rows["role"].cast(pl.String)),
    )
    at = np.select(
        [slot == 0, slot == t.FALLBACK_TYPES.index("SECURITY_ALERT")],
        [created + np.minimum(MS_PER_HOUR, span // 2), alert],  # a profile nudge an hour in
        created + np.floor(late * span).astype(np.int64),
    )
    return _events(
        rows.with_columns(pl.Series("at", np.minimum(at, until))),
        event="FALLBACK", source=pl.col("slot").cast(pl.String), userId=pl.col("id"),
        type=pl.Series(np.asarray(t.FALLBACK_TYPES)[slot]), at=pl.col("at"),
        path=pl.lit("/settings"),
        read_upto=pl.when(pl.col("slot") == 0).then(pl.col("read_upto")),
    )  # fmt: skip


_PLACEHOLDER = re.compile(r"(\{[a-z]+\})")
# The columns of an event frame once templated (``_templated``), as the finishing step uses them.
_TEMPLATED = {
    "userId": pl.String,
    "type": pl.String,
    "at": pl.Int64,
    "read_upto": pl.Int64,
    "path": pl.String,
    "key": pl.UInt64,  # the event kind's key space and the source row's key (``_templated``)
    "title": pl.String,
    "priority": pl.String,
    "message": pl.String,
    "data": pl.String,
}


def _local_when(when: pl.Series, tz: pl.Series) -> pl.Series:
    """The times ``when`` (epoch ms) as written in a message, each in its zone of ``tz`` (an
    IANA name; UTC when NULL), with the zone's abbreviation ("Mon Feb 16, 5:00 PM EST")."""
    return utc_to_local_text(when, tz, f"{WHEN_FORMAT} %Z")


def _message(template: str) -> pl.Expr:
    """The message of one type: its template filled with the event's values.

    One ``concat_str`` of the template's literal pieces and value columns (a missing value is
    empty; a title is cut to 60 characters; a time is ``when_text``, in the reader's zone);
    a value is never scanned for placeholders itself.
    """
    names = ("other", "rating", "emoji", "community", "amount", "note", "month")
    values = {n: pl.col(n).fill_null("") for n in names}
    values["title"] = pl.col("title").str.slice(0, 60).fill_null("")
    values["when"] = pl.col("when_text").fill_null("")
    pieces = [
        values.get(p[1:-1], pl.lit(p)) if _PLACEHOLDER.fullmatch(p) else pl.lit(p)
        for p in _PLACEHOLDER.split(template)
        if p
    ]
    return pl.concat_str(pieces) if pieces else pl.lit("")


def _templated(ev: pl.DataFrame, users: pl.DataFrame) -> list[pl.DataFrame]:
    """``ev`` in parts of one (event, type), each with its key (its kind's key space and its
    source row's key) and its type's title, priority, message and data (the _TEMPLATED
    columns); rows of no event or of a type
    without a template are dropped. A time is written in the recipient's zone (``users``:
    id, tz).

    An event frame holds one kind and nearly always one type, so this is mostly one part
    given literals and one ``concat_str``: no per-row join on the templates or kinds, nor a
    group_by that copies the rows and a sort that puts them back. The text is built here,
    on frames of one chunk each, not on their concatenation (which polars would first copy
    into one chunk per column for every expression run on it).
    """
    one = ev.height > 0 and all(
        ev[c].null_count() == 0 and ev[c].min() == ev[c].max() for c in ("event", "type")
    )
    data = (
        pl.when(pl.col("data_json").is_not_null())
        .then(pl.col("data_json"))
        .when(pl.col("data_key").is_not_null())
        .then(pl.concat_str([pl.lit('{"'), "data_key", pl.lit('": "'), "data_id", pl.lit('"}')]))
    )
    out = []
    for part in [ev] if one else ev.partition_by("event", "type"):
        event, kind = part["event"][0], part["type"][0]
        if event is None or kind not in t.NOTIFICATIONS:
            continue
        title, body = t.NOTIFICATIONS[kind]
        if "{when}" in body:
            row = rows_in(part["userId"], users["id"])
            zone = users["tz"].append(pl.Series([None], dtype=pl.String))[row]  # -1: none
            part = part.with_columns(_local_when(part["when"], zone).alias("when_text"))
        usual = "HIGH" if kind in HIGH else "LOW" if kind in LOW else "NORMAL"
        made: dict[str, pl.Expr] = {
            # One key space per event kind, and the source row's key in it: the text keys
            # of one part's sources, mostly of one width, take text_keys' fast path.
            "key": pl.lit(
                pl.Series(child_keys(name_key("notification", event), text_keys(part["source"])))
            ),
            "title": pl.lit(title),
            "priority": pl.when(pl.col("urgent").fill_null(False))
            .then(pl.lit("URGENT"))
            .when(pl.col("high").fill_null(False))
            .then(pl.lit("HIGH"))
            .otherwise(pl.lit(usual)),
            "message": _message(body),
            "data": data,
        }
        out.append(part.select(made.get(c, pl.col(c)).alias(c) for c in _TEMPLATED))
    return out


def _finish(
    ctx: Context, events: list[pl.DataFrame], users: pl.DataFrame
) -> tuple[pl.DataFrame, npt.NDArray[np.int64]]:
    """The Notification rows of ``events`` (in no particular order: enrich sorts them by id)
    and each row's recipient as a row of ``users``."""
    anchor = ctx.anchor_ms
    parts = [part for frame in events for part in _templated(frame, users)]
    ev = pl.concat(parts) if parts else pl.DataFrame(schema=_TEMPLATED)
    # Only recipients that are users (an inner join), whose columns are gathered by row.
    user_row = rows_in(ev["userId"], users["id"])
    found = user_row >= 0
    if not found.all():
        ev, user_row = ev.filter(pl.Series(found)), user_row[found]
    # The recipients' columns stay a frame of their own and the output is assembled from
    # columns: a column joined to ``ev`` (one chunk per part) would make every expression run
    # on ``ev`` copy all its columns into one chunk first.
    user = users[user_row]
    # Nothing before the recipient existed or after the anchor.
    at = pl.DataFrame([ev["at"], user["created"]]).select(
        pl.min_horizontal(pl.max_horizontal("at", "created"), pl.lit(anchor))
    )["at"]
    # Nothing once the recipient's account closed (``until``): a reply to a deactivated
    # author's post, a session or payment of a suspended client's, is not told to them.
    open_ = (at <= user["until"]).to_numpy()
    if not open_.all():
        ev, user_row, user, at = (
            ev.filter(open_),
            user_row[open_],
            user.filter(open_),
            at.filter(open_),
        )
    # The event's key (``_templated``: kind and source row) and the recipient's.
    keys = child_keys(ev["key"].to_numpy(), user["ukey"].to_numpy())
    s = ctx.stream("Notification", "read")
    at_ms = at.to_numpy()
    # How long the recipient still came after it (``seen``): one who had stopped never reads it.
    seen = np.minimum(anchor, user["seen"].to_numpy())
    age = seen - at_ms
    p_read = np.select([age > 7 * MS_PER_DAY, age > MS_PER_DAY, age > 0], [0.9, 0.6, 0.25], 0.0)
    reader = _readers(ctx, user)
    read = reader & s.bernoulli(keys, p_read, 0)
    # One who never opens them one by one (but has signed up) clears them in its last visit
    # with "mark all as read" (the app's markAllAsRead: one readAt for all), those that came
    # by then: no unread pile from weeks before a login (``UNREAD_PILE``).
    clears = ~reader & user["emailVerified"].to_numpy() & (age > 0)
    age = np.maximum(age, 0)
    # Mostly soon after it came, in the recipient's waking hours (``clock``).
    home = home_offset_of(ctx, users["id"])[user_row]
    read_at = waking_at(
        at_ms, at_ms + np.minimum(age, 3 * MS_PER_DAY), s.uniform(keys, 1) ** 3, home
    )
    read, read_at = read | clears, np.where(clears, seen, read_at)
    upto = ev["read_upto"].to_numpy()
    has_upto = ~ev["read_upto"].is_null().to_numpy()
    read = np.where(has_upto, upto >= at_ms, read)
    read_at = np.where(has_upto, np.maximum(upto, at_ms), read_at)
    url = pl.DataFrame([user["role"], ev["path"]]).select(
        pl.concat_str([pl.lit("/"), pl.col("role"), pl.col("path")]).alias("actionUrl")
    )
    times = pl.DataFrame([at, pl.Series("isRead", read), timestamps(read_at, "readAt")]).select(
        "isRead",
        pl.when(pl.col("isRead")).then(pl.col("readAt")).alias("readAt"),
        pl.col("at").cast(pl.Datetime("ms")).alias("createdAt"),
        pl.when(pl.col("isRead"))
        .then(pl.col("readAt"))
        .otherwise(pl.col("at").cast(pl.Datetime("ms")))
        .alias("updatedAt"),
    )
    text = [ev[c] for c in ("userId", "title", "message", "type", "priority", "data")]
    out = pl.DataFrame(
        [ctx.ids("Notification", keys), *text, *url.get_columns(), *times.get_columns()]
    )
    return out, user_row


def _uncounted(
    ctx: Context, frames: Frames, names: pl.DataFrame, users: pl.DataFrame
) -> pl.DataFrame:
    """The Notification rows not counted toward the account notices' top-up (``UNCOUNTED``):
    of calls, requests, bookings, assessments, posts and the account. A new account's
    nudges (``_fallbacks``) do not depend on whether a broadcast or a call reached it."""
    anchor = ctx.anchor_ms
    extra = [
        *_call_events(frames, anchor, names),
        *_request_events(ctx, frames, anchor, names),
        *_assessment_events(frames, anchor),
        *_post_events(ctx, frames, names),
        *_account_events(ctx, frames),
    ]
    return _finish(ctx, extra, users)[0]


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    anchor = ctx.anchor_ms
    names = _names(frames)
    # Not lastLoginAt: the logins enricher sets it after this one, from the notifications
    # read here among the rest.
    users = frames["User"].select(
        "id", "role", ms_of("createdAt").alias("created"), "emailVerified",
        # The profile as it is (a photo and a bio) and when the row was last updated: by
        # the user's last profile edit, as the logins step comes after this one.
        (pl.col("avatarUrl").is_not_null() & pl.col("bio").is_not_null()).alias("complete"),
        ms_of("updatedAt").alias("edited"),
    )  # fmt: skip
    seen = last_seen(ctx, frames["User"])
    users = users.with_columns(
        pl.Series("ukey", text_keys(users["id"])),  # once per user
        pl.Series("seen", seen),
        pl.Series("until", _until(ctx, frames["User"], seen)),
        zone_of(ctx, frames["Therapist"], users["id"]),  # the zone its times are written in
    )
    # The uncounted notices are made on a second thread beside the counted ones: the two
    # halves share nothing, polars and numpy release the GIL, and this step runs alone near
    # the end of a heavy build (x40: 1.0-1.4 s with a core idle).
    with ThreadPoolExecutor(max_workers=1) as beside:
        uncounted = beside.submit(_uncounted, ctx, frames, names, users)
        events = [
            *_meeting_events(frames, anchor, names),
            *_message_events(frames, names),
            *_worksheet_events(frames, anchor, names),
            *_people_events(frames, anchor, names),
            *_billing_events(frames, anchor, names, users),
        ]
        derived, user_row = _finish(ctx, events, users)
        more = uncounted.result()
    existing = frames["Notification"].select("id", "userId", "type")
    # Notifications per user, counted by row (a bincount, not a group_by on the ids).
    have = np.zeros(users.height, dtype=np.int64)
    if existing.height:  # a re-run: the ids already there are skipped, and counted
        new = ~derived["id"].is_in(existing["id"]).to_numpy()
        derived, user_row = derived.filter(new), user_row[new]
        more = more.join(existing.select("id"), on="id", how="anti")
        counted = existing.filter(~pl.col("type").is_in(list(UNCOUNTED)))
        known = rows_in(counted["userId"], users["id"])
        known = known[known >= 0]
        have += np.bincount(known, minlength=users.height)
    have += np.bincount(user_row, minlength=users.height)
    derived = pl.concat([derived, more])
    fallback, _ = _finish(ctx, [_fallbacks(ctx, users, have)], users)
    if existing.height:
        fallback = fallback.join(existing.select("id"), on="id", how="anti")
    # In key order, as the snapshot stores it: the joins above leave the rows in an order that
    # varies with the threads at work, and a build's frames must not depend on --jobs.
    return {"Notification": sort_by_text(pl.concat([derived, fallback]), "id")}
