"""Notes: every COMPLETED meeting has its session notes (§7.1), written from what the
session could speak of.

Upstream back-filled notes for at most 50 completed meetings per run, from one fixed pool
(seeder.md §7 row 9). Here a note comes from the generator's ``notes_rows``, after every
meeting, worksheet and assessment exists, so that it agrees with them (``note_context``): a
pair's first held session has intake notes; a text that names homework (a thought record, a
sleep diary, a worksheet by its title) stands only where the pair's worksheets bear it out;
a client whose pre-assessment flagged self-harm ideation is never written up as "no safety
concerns", and a session after that assessment records the risk assessment and the safety
plan (its crisis needs recommend one); a text that names a symptom (fewer panic symptoms,
improved sleep: ``tx.NOTE_SYMPTOMS``) only for a client whose latest assessment before the
session and latest one both rate that scale elevated (``tx.ELEVATED``).
"""

from __future__ import annotations

from seedsnap.context import Context, Frames
from seedsnap.generators.therapy import first_completed, note_context, notes_rows

READS = ("User", "Meeting", "MeetingNotes", "PreAssessment", "Worksheet", "WorksheetSubmission")
WRITES = ("MeetingNotes",)


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    meetings = frames["Meeting"]
    done = (
        meetings.join(first_completed(meetings), on="id", how="inner")
        .join(frames["MeetingNotes"], left_on="id", right_on="meetingId", how="anti")
        .sort("id")
    )
    if done.is_empty():
        return {}
    context = note_context(
        done, frames["PreAssessment"], frames["Worksheet"], frames["WorksheetSubmission"]
    )
    rows = done.select("id", "therapistId", "endTime", "first").join(
        context.drop("clientId", "therapistId", "startTime"), on="id", maintain_order="left"
    )
    return {"MeetingNotes": notes_rows(ctx, rows, frames["User"])}
