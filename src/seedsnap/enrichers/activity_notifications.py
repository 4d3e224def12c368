"""Notifications of what people did: in communities, conversations, worksheets, their accounts.

The first of the two notification enrichers (``notifications`` says what each makes and
how): these events need none of the meetings, so they are made while the meetings are
still scheduled. ``notifications`` then adds those of therapy sessions and tops every user
up to the minimum, counting these.
"""

from __future__ import annotations

from seedsnap.arrays import sort_by_text
from seedsnap.context import Context, Frames
from seedsnap.enrichers.notifications import (
    display_names,
    message_events,
    new_rows,
    people_events,
    recipients,
    worksheet_events,
)

READS = (
    "User",
    "Therapist",
    "ClientTherapist",
    "Community",
    "Membership",
    "ModeratorCommunity",
    "Post",
    "Comment",
    "Worksheet",
    "WorksheetSubmission",
    "Conversation",
    "ConversationParticipant",
    "Message",
    "MessageReaction",
    "Notification",
)
WRITES = ("Notification",)


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    anchor = ctx.anchor_ms
    names = display_names(frames)
    events = [
        *message_events(frames, names),
        *worksheet_events(frames, anchor, names),
        *people_events(frames, anchor, names),
    ]
    existing = frames["Notification"].select("id")
    derived, _ = new_rows(ctx, events, recipients(frames), existing)
    # In key order (the joins leave the rows in an order that varies with the threads).
    return {"Notification": sort_by_text(derived, "id")}
