"""Messages of a client and their therapist speak of a session or a worksheet only where it
happened: the lines of ``social_text.EVENT_LINES`` against the Meeting, Worksheet and
WorksheetSubmission rows of the pair, on real builds and on a hand-made timeline."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import numpy as np
import polars as pl
import pytest

from seedsnap.build import generate
from seedsnap.config import resolve
from seedsnap.context import MS_PER_DAY, Context, Frames
from seedsnap.enrichers import messages
from seedsnap.generators import social_text as t
from seedsnap.generators import vocab
from seedsnap.generators.users import zone_of
from seedsnap.random import Stream

DAY = pl.duration(days=1)


@pytest.fixture(scope="module")
def builds() -> dict[str, tuple[Context, Frames]]:
    out = {}
    for mode in ("medium", "heavy"):
        cfg = resolve(mode=mode, env={}, config_file=None)
        out[mode] = (Context(cfg), generate(cfg))
    return out


def _said(f: Frames, ev: str) -> pl.DataFrame:
    """Messages of a care pair saying ``ev``'s line: therapistId, clientId, at, the filled
    placeholder (``fill``) and the reader."""
    speaker, opener, line = t.EVENT_LINES[ev]
    pattern = "|".join(
        "^"
        + re.escape(x)
        .replace(r"\{name\}", ".*")
        .replace(r"\{title\}", "(.*)")
        # a weekday, then " next week" or not
        .replace(r"\{day\}", "(.*?)")
        # a slot's filler (``social_text.MESSAGE_SLOTS``)
        .replace(r"\{openness\}", ".*")
        .replace(r"\{what_we_said\}", ".*")
        + ("$" if x is opener else "")
        for x in (opener, line)
    )
    msgs = f["Message"].filter(pl.col("content").str.contains(pattern))
    other = msgs.join(f["ConversationParticipant"], on="conversationId").filter(
        pl.col("userId") != pl.col("senderId")
    )
    me, you = ("therapistId", "clientId") if speaker == "therapist" else ("clientId", "therapistId")
    return other.select(
        pl.col("senderId").alias(me),
        pl.col("userId").alias(you),
        pl.col("userId").alias("reader"),
        pl.col("createdAt").alias("at"),
        pl.coalesce(pl.col("content").str.extract(pattern, i) for i in (1, 2)).alias("fill"),
        pl.col("id"),
    )


def _miss(said: pl.DataFrame, ok: pl.DataFrame, what: str) -> None:
    bad = said.join(ok, on="id", how="anti")
    assert bad.is_empty(), f"{what}:\n{bad.head(5)}"


@pytest.mark.parametrize("mode", ["medium", "heavy"])
def test_worksheet_lines_follow_the_worksheet(
    builds: dict[str, tuple[Context, Frames]], mode: str
) -> None:
    _, f = builds[mode]
    ws = f["Worksheet"].select("therapistId", "clientId", "title", "createdAt", "id")
    shared = _said(f, "worksheet_shared")
    ok = shared.join(ws, on=["therapistId", "clientId"]).filter(
        (pl.col("title") == pl.col("fill"))
        & (pl.col("createdAt") < pl.col("at"))
        & (pl.col("createdAt") >= pl.col("at") - DAY)
    )
    _miss(shared, ok, "worksheet shared without one assigned within a day before")
    sub = f["WorksheetSubmission"].join(ws.rename({"id": "worksheetId"}), on="worksheetId")
    done = _said(f, "worksheet_done")
    ok = done.join(sub, on=["therapistId", "clientId"]).filter(
        (pl.col("title") == pl.col("fill"))
        & (pl.col("submittedAt") < pl.col("at"))
        & (pl.col("submittedAt") >= pl.col("at") - DAY)
    )
    _miss(done, ok, "worksheet finished without a submission within a day before")
    asked = _said(f, "worksheet_question")
    ok = asked.join(ws, on=["therapistId", "clientId"]).filter(
        (pl.col("title") == pl.col("fill")) & (pl.col("createdAt") < pl.col("at"))
    )
    _miss(asked, ok, "a question about a worksheet never assigned")
    assert shared.height and asked.height
    # Some care conversations open with the news (``_open_after_news``).
    opened = f["Message"].filter(pl.col("content").str.contains(r"^Hello .*, I shared a new"))
    assert opened.height
    if mode == "heavy":
        assert done.height


def _local(col: str) -> pl.Expr:
    """``col`` (UTC) as wall-clock time in the zone of column "home", through zoneinfo."""
    out = pl.lit(None, dtype=pl.Datetime("ms"))
    for zone in sorted(set(vocab.PROVINCE_TZ)):
        wall = pl.col(col).dt.replace_time_zone("UTC").dt.convert_time_zone(zone)
        out = pl.when(pl.col("home") == zone).then(wall.dt.replace_time_zone(None)).otherwise(out)
    return out


@pytest.mark.parametrize("mode", ["medium", "heavy"])
def test_a_named_session_is_the_pairs_next_one_on_that_weekday(
    builds: dict[str, tuple[Context, Frames]], mode: str
) -> None:
    """The pair's next session that is not cancelled starts within two weeks, on the named
    weekday where the reader lives (their zone, daylight saving included; "Thursday next
    week" in the next calendar week, seven or more days ahead). A therapist reader's zone is
    their ``timezone``."""
    ctx, f = builds[mode]
    meet = f["Meeting"].filter(pl.col("status") != "CANCELLED")
    for ev in ("next_session", "move_session"):
        said = _said(f, ev)
        assert said.height, ev
        said = said.with_columns(zone_of(ctx, f["Therapist"], said["reader"]).alias("home"))
        nxt = (
            said.join(meet, on=["therapistId", "clientId"])
            .filter(pl.col("startTime") > pl.col("at"))
            .group_by("id")
            .agg(pl.col("startTime").min())
        )
        got = said.join(nxt, on="id", how="left").with_columns(
            _local("at").alias("m_local"), _local("startTime").alias("e_local")
        )
        ahead = (pl.col("e_local").dt.date() - pl.col("m_local").dt.date()).dt.total_days()
        want = pl.concat_str(
            pl.col("e_local").dt.strftime("%A"),
            pl.when(ahead >= 7).then(pl.lit(" next week")).otherwise(pl.lit("")),
        )
        bad = got.filter(
            pl.col("startTime").is_null()
            | (want != pl.col("fill"))
            | ~ahead.is_between(1, messages.NEXT_SESSION_DAYS)
        )
        assert bad.is_empty(), f"{ev}: a session that is not the next one:\n{bad.head(5)}"


@pytest.mark.parametrize("mode", ["medium", "heavy"])
def test_talk_of_the_last_session_follows_a_held_one(
    builds: dict[str, tuple[Context, Frames]], mode: str
) -> None:
    _, f = builds[mode]
    held = f["Meeting"].filter(pl.col("status") == "COMPLETED")
    for ev, within in (
        ("after_session", messages.AFTER_SESSION_WITHIN),
        ("follow_up", messages.FOLLOW_UP_WITHIN),
    ):
        said = _said(f, ev)
        assert said.height, ev
        ok = said.join(held, on=["therapistId", "clientId"]).filter(
            (pl.col("endTime") < pl.col("at"))
            & (pl.col("endTime") >= pl.col("at") - pl.duration(milliseconds=within))
        )
        _miss(said, ok, f"{ev} without a session held before")


def test_care_pools_mention_no_session_or_worksheet() -> None:
    """Only EVENT_LINES, written where the event exists, speak of a particular session or
    worksheet; the lines drawn at random stay general."""
    days = "|".join(t.WEEKDAYS)
    specific = re.compile(rf"(?i)worksheet|thought record|our (last |next )?session|{days}")
    for pool in (
        t.OPEN_CLIENT_TO_THERAPIST,
        t.OPEN_THERAPIST_TO_CLIENT,
        t.CLIENT_LINES,
        t.THERAPIST_LINES,
    ):
        assert not [x for x in pool if specific.search(x)]
    assert set(messages.EVENT_RATE) == set(t.EVENT_LINES)


def _ms(s: str) -> int:
    return int(datetime.fromisoformat(s).replace(tzinfo=UTC).timestamp() * 1000)


def _events(**rows: list[tuple[str, str, str | None]]) -> Frames:
    """pair_events-shaped frames of (e_at, inst, title) rows of the pair (t1, c1)."""
    out = {}
    for source in ("worksheet", "submission", "ahead", "done"):
        r = rows.get(source, [])
        out[source] = pl.DataFrame(
            {
                "therapistId": ["t1"] * len(r),
                "clientId": ["c1"] * len(r),
                "e_at": [_ms(x[0]) for x in r],
                "inst": [x[1] for x in r],
                "title": [x[2] for x in r],
            },
            schema={
                "therapistId": pl.String,
                "clientId": pl.String,
                "e_at": pl.Int64,
                "inst": pl.String,
                "title": pl.String,
            },
        )
    return out


def _msgs(rows: list[tuple[int, str, str]], tz: str = "America/New_York") -> pl.DataFrame:
    """Messages (j, at, speaker) of one conversation of the pair (t1, c1)."""
    return pl.DataFrame(
        {
            "_r": list(range(len(rows))),
            "conv_key": pl.Series([7] * len(rows), dtype=pl.UInt64),
            "j": [r[0] for r in rows],
            "at": [_ms(r[1]) for r in rows],
            "mk": pl.Series(range(100, 100 + len(rows)), dtype=pl.UInt64),
            "speaker": [r[2] for r in rows],
            "therapistId": ["t1"] * len(rows),
            "clientId": ["c1"] * len(rows),
            "tz": [tz] * len(rows),
        }
    )


def test_event_lines_on_a_timeline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every event at rate 1: the worksheet shared is said by the first therapist message
    within a day, once; the finished one by the client after the submission; a session at
    02:00 UTC on a Friday is "Thursday" to a reader in New York, and named once."""
    monkeypatch.setattr(messages, "EVENT_RATE", dict.fromkeys(t.EVENT_LINES, 1.0))
    events = _events(
        worksheet=[("2026-03-02T15:00:00", "w1", "Sleep Diary")],
        submission=[("2026-03-03T09:00:00", "s1", "Sleep Diary")],
        ahead=[("2026-03-06T02:00:00", "m1", None)],  # a Friday, 02:00 UTC
    )
    msgs = _msgs(
        [
            (0, "2026-03-01T12:00:00", "therapist"),  # before the worksheet: the session
            (1, "2026-03-02T16:00:00", "therapist"),  # an hour after it: shared
            (2, "2026-03-02T17:00:00", "therapist"),  # shared already said
            (3, "2026-03-03T10:00:00", "client"),  # an hour after the submission
            (4, "2026-03-08T10:00:00", "client"),  # nothing ahead, nothing fresh
        ],
    )
    said = messages._event_lines(Stream(1, "Message", "content"), msgs, events)
    got = dict(zip(said["_r"], said["text"], strict=True))
    assert got[0] == "Hi {name}, a reminder that we meet on Thursday."
    assert got[1] == 'I shared a new worksheet with you, "Sleep Diary". No rush on it.'
    assert got[3] == 'I finished "Sleep Diary" and sent it in.'
    # The session and the worksheet were each named once already.
    assert 2 not in got
    # Five days on: the session is over, the worksheet (within 30 days) still fits.
    assert got[4] == '"Sleep Diary" came in handy when the worry spiked this week.'

    # Three days later nothing is news: no worksheet line, and no session named.
    late = messages._event_lines(
        Stream(1, "Message", "content"),
        _msgs([(1, "2026-03-05T16:00:00", "therapist")]),
        _events(worksheet=[("2026-03-02T15:00:00", "w1", "Sleep Diary")]),
    )
    assert late.is_empty()


def test_a_message_whose_first_event_was_said_says_its_next(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two therapist messages after a held session, the next one ahead: the first names
    the next session (it comes first), the second, which could only repeat that, talks of
    the session just held (medium had no such line: every one was lost so)."""
    monkeypatch.setattr(messages, "EVENT_RATE", dict.fromkeys(t.EVENT_LINES, 1.0))
    events = _events(
        done=[("2026-03-02T15:00:00", "m0", None)],
        ahead=[("2026-03-05T15:00:00", "m1", None)],  # a Thursday
    )
    msgs = _msgs([(0, "2026-03-02T16:00:00", "therapist"), (1, "2026-03-02T18:00:00", "therapist")])
    said = messages._event_lines(Stream(1, "Message", "content"), msgs, events)
    got = dict(zip(said["_r"], said["text"], strict=True))
    assert got[0] == "Hi {name}, a reminder that we meet on Thursday."
    assert got[1] == t.EVENT_LINES["after_session"][2]


def test_the_weekday_is_the_readers() -> None:
    """One session, named by two readers: 04:30 UTC on Friday 3 July 2026 is just after
    midnight in New York (daylight saving time, UTC-4) and Thursday evening in Phoenix
    (no daylight saving, UTC-7)."""
    at, e_at = _ms("2026-06-29T12:00:00"), _ms("2026-07-03T04:30:00")
    zones = pl.Series(["America/New_York", "America/Phoenix"])
    ok, name = messages._weekday(pl.Series([at, at]), pl.Series([e_at, e_at]), zones)
    assert ok.to_list() == [True, True]
    assert name.to_list() == ["Friday", "Thursday"]
    # Fifteen days ahead is too far to name; the same weekday a week on is "next week".
    ny = pl.Series(["America/New_York"] * 2)
    later = pl.Series([at + 15 * MS_PER_DAY, at + 7 * MS_PER_DAY])
    ok, name = messages._weekday(pl.Series([at, at]), later, ny)
    assert ok.to_list() == [False, True]
    assert name[1] == "Monday next week"


def test_a_conversation_of_one_member_has_no_partner() -> None:
    """Its next member row is the next conversation's opener, not its partner."""
    ids = pl.Series(["alone", "t1", "c1", "last"])
    got = messages._partners(ids, np.array([0, 1, 3]), np.array([1, 2, 1]))
    assert got.to_list() == [None, "c1", None]
