"""Coverage of app states (at least one of each): the light and medium builds, which testers use to exercise the
app's screens, hold each state a heavy build has wherever their population allows it (the
``MIN_*`` minimums: the top of a keyed ranking of what could be, where the draws left none)."""

from __future__ import annotations

import itertools
import json
from datetime import timedelta

import polars as pl
import pytest

from seedsnap.build import generate
from seedsnap.config import resolve
from seedsnap.context import Frames
from seedsnap.enrichers import logins
from seedsnap.generators import social_text, users
from seedsnap.generators import therapy_text as tx
from seedsnap.schema import MENTARA


@pytest.fixture(scope="module", params=["light", "medium"])
def build(request: pytest.FixtureRequest) -> tuple[str, Frames]:
    mode = str(request.param)
    return mode, generate(resolve(mode=mode, env={}, config_file=None))


def _anchor(mode: str) -> pl.Expr:
    anchor = resolve(mode=mode, env={}, config_file=None).anchor
    return pl.lit(anchor).cast(pl.Datetime("ms"))


def _count(frame: pl.DataFrame, where: pl.Expr) -> int:
    return frame.filter(where).height


def test_a_deactivated_client(build: tuple[str, Frames]) -> None:
    _, f = build
    u = f["User"]
    assert _count(u, pl.col("role") == "client") > users.FIXTURES_PER_ROLE  # one could be
    gone = u.filter(~pl.col("isActive"))
    assert gone.height >= 1
    # It stopped coming when it closed its account: nothing of its after deactivatedAt.
    assert gone["deactivatedAt"].is_not_null().all()
    assert (gone["lastLoginAt"] <= gone["deactivatedAt"]).all()


def test_every_account_security_state(build: tuple[str, Frames]) -> None:
    """Testers find an account with failed sign-ins, one locked out at the anchor and one
    with a password reset pending (logins.MIN_SECURITY), none of them a fixture's."""
    mode, f = build
    u = f["User"]
    anchor = _anchor(mode)
    failed = u.filter(pl.col("failedLoginCount").is_between(1, logins.LOCKOUT_AFTER - 1))
    locked = u.filter(pl.col("lockoutUntil") > anchor)
    reset = u.filter(pl.col("resetTokenExpiry") > anchor)
    for some in (failed, locked, reset):
        assert some.height >= 1
        assert not some["id"].str.starts_with("dev_").any()
        assert (some["updatedAt"] > some["lastLoginAt"]).all()  # since the last login
    assert (locked["failedLoginCount"] == logins.LOCKOUT_AFTER).all()
    lockout = timedelta(milliseconds=logins.LOCKOUT)
    assert _count(locked, pl.col("lockoutUntil") > anchor + lockout) == 0
    valid = timedelta(milliseconds=logins.RESET_TOKEN_VALID)
    assert (reset["resetTokenExpiry"] - valid <= reset["updatedAt"]).all()
    assert reset["resetToken"].str.contains("^[0-9a-f]{64}$").all()
    # Everyone else has none of it.
    rest = u.filter(pl.col("lockoutUntil").is_null() & pl.col("resetToken").is_null())
    assert rest["failedLoginCount"].max() < logins.LOCKOUT_AFTER
    assert u["resetToken"].is_null().sum() == u["resetTokenExpiry"].is_null().sum()


def test_a_low_review_of_an_ended_pair(build: tuple[str, Frames]) -> None:
    _, f = build
    ended = f["ClientTherapist"].filter(pl.col("status") != "active")
    assert ended.height  # one could be
    low = f["Review"].filter(pl.col("rating") <= tx.LOW_STARS)
    assert low.height >= 1
    assert low.join(ended, on=["clientId", "therapistId"], how="anti").is_empty()


def test_a_refund_of_a_low_review(build: tuple[str, Frames]) -> None:
    _, f = build
    low = f["Review"].filter(pl.col("rating") <= tx.LOW_STARS)
    refunded = f["Payment"].filter(pl.col("status").cast(pl.String) == "REFUNDED")
    of_low = refunded.join(low, on=["meetingId", "clientId"], how="semi")
    assert of_low.height >= 1


def test_a_pending_payment_where_a_session_is_recent(build: tuple[str, Frames]) -> None:
    mode, f = build
    recent = f["Meeting"].filter(
        (pl.col("status").cast(pl.String) == "COMPLETED")
        & (pl.col("endTime") > _anchor(mode) - timedelta(days=3))
    )
    pending = _count(f["Payment"], pl.col("status").cast(pl.String) == "PENDING")
    if mode == "medium":
        assert recent.height  # medium has one: its payment is the one PENDING
    assert pending >= (1 if recent.height else 0)


def test_a_submitted_worksheet(build: tuple[str, Frames]) -> None:
    _, f = build
    assert _count(f["WorksheetSubmission"], pl.lit(True))  # one could be
    waiting = f["Worksheet"].filter(pl.col("status").cast(pl.String) == "SUBMITTED")
    assert waiting.height >= 1
    subs = f["WorksheetSubmission"].join(
        waiting.select(pl.col("id").alias("worksheetId")), on="worksheetId", how="semi"
    )
    assert subs.height == waiting.height and subs["feedback"].is_null().all()


def test_a_cancelled_upcoming_meeting(build: tuple[str, Frames]) -> None:
    mode, f = build
    anchor = _anchor(mode)
    m = f["Meeting"].with_columns(pl.col("status").cast(pl.String))
    assert _count(m, pl.col("startTime") > anchor)  # one could be
    off = m.filter((pl.col("startTime") > anchor) & (pl.col("status") == "CANCELLED"))
    assert off.height >= 1
    # Called off before the anchor, after it was booked, within the booking lead.
    assert _count(off, pl.col("updatedAt") > anchor) == 0
    assert (off["updatedAt"] >= off["createdAt"]).all()
    lead = off["startTime"] - off["updatedAt"]
    assert (lead <= timedelta(days=21)).all()  # therapy.BOOK_LEAD
    # Nothing of a held session: no notes, no payment; a cancellation notice, and a reminder
    # only if called off after it was due (a day before the start, booked before that).
    assert f["MeetingNotes"].join(off, left_on="meetingId", right_on="id").is_empty()
    assert f["Payment"].join(off, left_on="meetingId", right_on="id").is_empty()
    notes = f["Notification"].with_columns(
        pl.col("type").cast(pl.String),
        pl.col("data").cast(pl.String).str.slice(15, 36).alias("mid"),
    )
    of_off = notes.join(
        off.select(pl.col("id").alias("mid"), pl.col("updatedAt").alias("off")), on="mid"
    )
    due = pl.col("startTime") - timedelta(hours=24)  # notifications.REMINDER_LEAD
    late = off.filter((pl.col("createdAt") < due) & (pl.col("updatedAt") > due))
    reminded = of_off.filter(pl.col("type") == "APPOINTMENT_REMINDER")
    assert set(reminded["mid"]) == set(late["id"])
    assert reminded.height == 2 * late.height  # to its client and its therapist
    assert (reminded["createdAt"] < reminded["off"]).all()
    told = of_off.filter(pl.col("type") == "APPOINTMENT_CANCELLED")
    assert told["mid"].n_unique() == off.height
    assert (told["createdAt"] == told["off"]).all()  # told when it was called off


def test_a_waiting_meeting(build: tuple[str, Frames]) -> None:
    mode, f = build
    anchor = _anchor(mode)
    m = f["Meeting"].with_columns(pl.col("status").cast(pl.String))
    week = timedelta(days=7)  # therapy.WAITING_WITHIN
    soon = (pl.col("startTime") > anchor) & (pl.col("startTime") <= anchor + week)
    assert _count(m, soon & pl.col("status").is_in(["SCHEDULED", "CONFIRMED", "WAITING"]))
    waiting = m.filter(pl.col("status") == "WAITING")
    assert waiting.height >= 1
    assert waiting.filter(~soon).is_empty()  # in the week ahead, as the draw gives it


def test_a_meeting_in_progress(build: tuple[str, Frames]) -> None:
    mode, f = build
    anchor = _anchor(mode)
    m = f["Meeting"].with_columns(pl.col("status").cast(pl.String))
    on = m.filter((pl.col("startTime") <= anchor) & (pl.col("endTime") > anchor))
    assert (on["status"] == "IN_PROGRESS").all()  # under way at the anchor, as status says
    # therapy.MIN_AT_ANCHOR, meetings.MIN_IN_PROGRESS; light's of a fixture client, up at
    # home (users.FIXTURE_CLIENT_HOME)
    assert on.height >= 1
    # Nothing of a session that has ended: no notes, review or payment yet.
    for table in ("MeetingNotes", "Review", "Payment"):
        assert f[table].join(on, left_on="meetingId", right_on="id").is_empty()
    # Booked before it began; set IN_PROGRESS when it did.
    assert (on["createdAt"] < on["startTime"]).all()
    assert (on["updatedAt"] == on["startTime"]).all()


def _groups(f: Frames) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    s = f["GroupTherapySessions"].with_columns(pl.col("status").cast(pl.String))
    i = f["GroupSessionTherapistInvitations"].with_columns(pl.col("status").cast(pl.String))
    p = f["GroupSessionParticipants"].with_columns(pl.col("attendanceStatus").cast(pl.String))
    return s, i, p


def test_a_group_session_cancelled_and_one_awaiting_approval(build: tuple[str, Frames]) -> None:
    mode, f = build
    anchor = _anchor(mode)
    s, _, p = _groups(f)
    assert _count(s, pl.col("scheduledAt") > anchor)  # one could be
    off = s.filter(pl.col("status") == "CANCELLED")
    assert off.height >= 1
    # Called off by the anchor, before it started, for a reason; its registrations cancelled.
    assert _count(off, pl.col("cancelledAt") > anchor) == 0
    assert off["cancellationReason"].is_not_null().all()
    assert (off["cancelledAt"] < off["scheduledAt"]).all()
    of_off = p.join(off.select(pl.col("id").alias("sessionId")), on="sessionId")
    assert (of_off["attendanceStatus"] == "CANCELLED").all()
    waiting = s.filter(pl.col("status") == "PENDING_APPROVAL")
    assert waiting.height >= 1
    assert _count(waiting, pl.col("scheduledAt") <= anchor) == 0
    # Nobody registers before a session is approved.
    assert p.join(waiting.select(pl.col("id").alias("sessionId")), on="sessionId").is_empty()


def test_a_pending_invitation(build: tuple[str, Frames]) -> None:
    _, f = build
    s, i, _ = _groups(f)
    waiting = s.filter(pl.col("status") == "PENDING_APPROVAL")
    assert waiting.height  # one could be
    pending = i.filter(pl.col("status") == "PENDING")
    assert pending.height >= 1
    # Unanswered, to a session still awaiting approval.
    assert pending["respondedAt"].is_null().all()
    assert pending.join(waiting, left_on="sessionId", right_on="id", how="anti").is_empty()


def test_a_no_show_and_a_cancelled_participant(build: tuple[str, Frames]) -> None:
    _, f = build
    s, _, p = _groups(f)
    held = s.filter(pl.col("status") == "COMPLETED").select(pl.col("id").alias("sessionId"))
    assert p.join(held, on="sessionId").height  # one could be
    no_show = p.filter(pl.col("attendanceStatus") == "NO_SHOW")
    assert no_show.height >= 1
    assert no_show["leftAt"].is_null().all()
    assert no_show.join(held, on="sessionId", how="anti").is_empty()  # of a held session
    # A participant who cancelled its own place: of a session not itself called off (whose
    # participants are all CANCELLED).
    called_off = s.filter(pl.col("status") == "CANCELLED").select(pl.col("id").alias("sessionId"))
    own = p.filter(pl.col("attendanceStatus") == "CANCELLED").join(
        called_off, on="sessionId", how="anti"
    )
    assert own.height >= 1


def test_a_gcash_and_a_maya_wallet(build: tuple[str, Frames]) -> None:
    _, f = build
    pm = f["PaymentMethod"].with_columns(pl.col("type").cast(pl.String))
    for kind, number in (("GCASH", "gcashNumber"), ("MAYA", "mayaNumber")):
        wallets = pm.filter(pl.col("type") == kind)
        assert wallets.height >= 1  # payments.FIXTURE_WALLETS
        # A wallet: its number, no card's columns, no billing address.
        assert wallets[number].is_not_null().all()
        assert wallets["cardLast4"].is_null().all() and wallets["expiryYear"].is_null().all()
        assert wallets["billingAddress"].is_null().all()
        # A Philippine mobile in the block kept for fiction (therapy_text.PH_FICTION_PREFIX).
        assert wallets[number].str.contains(rf"^{tx.PH_FICTION_PREFIX}\d{{7}}$").all()
    # isVerified is GCash's flag, mayaVerified Maya's (review 16: every method had isVerified).
    verified = pm.filter(pl.col("isVerified").is_not_null())["type"].unique().to_list()
    assert verified == ["GCASH"]
    assert pm.filter(pl.col("mayaVerified").is_not_null())["type"].unique().to_list() == ["MAYA"]


def test_a_hybrid_intake(build: tuple[str, Frames]) -> None:
    """An intake begun with the chatbot and finished on the checklist: its session, left
    part-way, before it; insights of the chat whose themes are among its primary concerns,
    naming only what the instruments the chat covered (all their items answered in it)
    show: no ISI concern (never reached), no concern or risk level before PHQ-9 is done."""
    _, f = build
    pa = f["PreAssessment"].with_columns(pl.col("assessmentMethod").cast(pl.String))
    hybrid = pa.filter(pl.col("assessmentMethod") == "HYBRID").join(
        f["ChatbotSession"], left_on="chatbotSessionId", right_on="id", suffix="_s"
    )
    assert hybrid.height >= 1
    assert (~hybrid["isComplete"]).all()
    assert (hybrid["lastActivity"] <= hybrid["createdAt"]).all()
    chat = pa.filter(pl.col("assessmentMethod").is_in(["CHATBOT", "HYBRID"]))
    assert chat["conversationInsights"].is_not_null().all()
    assert (
        pa.filter(pl.col("assessmentMethod") == "CHECKLIST")["conversationInsights"].is_null().all()
    )
    for insights, estimate in zip(chat["conversationInsights"], chat["aiEstimate"], strict=True):
        themes = json.loads(insights)["themes"]
        assert set(themes) <= set(json.loads(estimate)["primaryConcerns"])
    # Items answered once each instrument is covered, in the chatbot's order.
    sizes = [len(social_text.QUESTIONNAIRES[q]) for q in social_text.QUESTIONNAIRE_ORDER]
    need = dict(zip(tx.CONCERNS, itertools.accumulate(sizes), strict=True))
    need["general wellbeing"] = need["depression"]
    for insights in hybrid["conversationInsights"]:
        said = json.loads(insights)
        items, concern = said["itemsAnsweredInChat"], said["primaryConcern"]
        assert items < need["insomnia"] and "insomnia" not in said["themes"], said
        assert all(need[c] <= items for c in said["themes"]), said
        assert concern == (said["themes"] or [None])[0], said
        assert (said["riskLevel"] is None) == (items < need["depression"]), said


def test_a_rejected_application(build: tuple[str, Frames]) -> None:
    """users.TURNED_DOWN: an applicant turned down, who takes part in nothing."""
    _, f = build
    t = f["Therapist"].with_columns(pl.col("status").cast(pl.String))
    rejected = t.filter(pl.col("status") == "REJECTED")["userId"]
    assert rejected.len() >= users.TURNED_DOWN
    assert t.filter(pl.col("status") == "APPROVED").height > 0
    for table, column in (("ClientTherapist", "therapistId"), ("Membership", "userId")):
        assert f[table].filter(pl.col(column).is_in(rejected.implode())).is_empty()


def test_a_pending_application(build: tuple[str, Frames]) -> None:
    """users.AWAITING: an application still waiting, recent, unprocessed, its applicant in no
    community, pair, session or conversation."""
    _, f = build
    t = f["Therapist"].with_columns(pl.col("status").cast(pl.String))
    pending = t.filter(pl.col("status") == "PENDING")
    assert pending.height >= users.AWAITING
    assert pending["processedByAdminId"].is_null().all()
    ids = pending["userId"].implode()
    for table, column in (
        ("ClientTherapist", "therapistId"),
        ("Membership", "userId"),
        ("Meeting", "therapistId"),
        ("ConversationParticipant", "userId"),
        ("GroupSessionTherapistInvitations", "therapistId"),
    ):
        assert f[table].filter(pl.col(column).is_in(ids)).is_empty(), table


def test_a_failed_payment(build: tuple[str, Frames]) -> None:
    _, f = build
    p = f["Payment"].with_columns(pl.col("status").cast(pl.String))
    assert _count(p, pl.col("status") == "COMPLETED")  # one could be
    failed = p.filter(pl.col("status") == "FAILED")
    assert failed.height >= 1  # payments.MIN_FAILED
    # Turned down with a reason, when it was, and never settled.
    assert failed["failedAt"].is_not_null().all() and failed["failureReason"].is_not_null().all()
    assert failed["processedAt"].is_null().all()


# The enum values a default build of the mode does not hold, and why; every other value of
# every enum column appears at least once, so a tester finds each state the app's screens
# show. The test compares for equality: a value that starts to appear leaves this list.
ABSENT: dict[str, dict[str, set[str]]] = {"light": {}, "medium": {}}


def test_every_enum_value_appears_but_the_known_absent(build: tuple[str, Frames]) -> None:
    mode, f = build
    missing: dict[str, set[str]] = {}
    for table in MENTARA.tables:
        for column in table.columns:
            if column.enum is None:
                continue
            seen = set(f[table.name][column.name].cast(pl.String).unique().to_list())
            absent = set(MENTARA.enums[column.enum]) - seen
            if absent:
                missing[f"{table.name}.{column.name}"] = absent
    assert missing == ABSENT[mode]
