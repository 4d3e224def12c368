"""Chatbot: the intake chatbot's sessions and messages (tables upstream never seeds, §11.17).

A client has at most one intake session (``chatbot_session_keys``), begun before its first
assessment if it took one: nobody is greeted for an intake after taking it. A later session
is a check-in, one per follow-up assessment re-taken with the chatbot
(``therapy.CHECKIN_CHATBOT``): complete, like a chat intake, and greeted as one who is already
being helped (``social_text.CHATBOT_CHECKIN_GREETINGS``). A client whose intake assessment
came from the chatbot
(the assessment links to this session) finished it a few minutes before that assessment was
stored (``isComplete``, every questionnaire answered, a closing message); one whose intake is
HYBRID answered its first items there (``therapy.hybrid_items``) and left it a few minutes
(``HYBRID_LEAD_MINUTES``) before that assessment, finished on the checklist, was stored. Of
those who took the checklist alone, a keyed ``ABANDONED_P`` opened the chat first and gave up
part-way minutes to hours before (``ABANDONED_LEAD_MS``; ``currentQuestionnaire`` is the one
they stopped in); the others never opened it. A client yet to take an intake left it
part-way some time while still coming.
The chatbot asks the items of the instruments the assessment stores (PHQ-9, GAD-7, PSS-10,
ISI: ``social_text.QUESTIONNAIRES``), so what it collected is what the assessment holds: a
complete session's answers are its assessment's ``answers``, and its ``structuredAnswers``
(score and severity per instrument) and ``conversationInsights`` restate that assessment's
``scores``, ``severityLevels`` and ``aiEstimate``; a session left part-way holds the first
answers the client would have given at intake (``therapy.assessment_rows``, keyed by the
client, so they agree with its checklist intake when it took one).
Messages follow a fixed script: SYSTEM prompt, ASSISTANT greeting, USER reply, then an
ASSISTANT question and the USER's answer per item, times strictly increasing. Each USER answer
is worded on its item's answer scale, carries its questionnaire and the score extracted from
it, and ``collectedAnswers`` holds exactly those scores, per questionnaire in order.
``lastActivity`` is the last message. Sessions that exist already are left alone, so a re-run adds
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from seedsnap.context import MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, Context, Frames, timestamps
from seedsnap.generators import social_text as t
from seedsnap.generators.clock import waking_between
from seedsnap.generators.common import JsonValue, json_object, jsonb_key_order, ms_of, text_keys
from seedsnap.generators.therapy import (
    CHATBOT_INTAKE_AFTER,
    RISK_LEVEL,
    assessment_rows,
    chatbot_session_keys,
    hybrid_items,
)
from seedsnap.generators.users import home_offset_of, seen_of
from seedsnap.ids import uuid4
from seedsnap.random import I64, U64, Stream, expand

READS = ("User", "Client", "PreAssessment")
WRITES = ("ChatbotSession", "ChatbotMessage")

ORDER = t.QUESTIONNAIRE_ORDER  # as asked
ASSESSMENT_KEY = t.ASSESSMENT_KEYS  # questionnaire -> its key in the assessment's JSON
SIZES = {q: len(t.QUESTIONNAIRES[q]) for q in ORDER}  # items per questionnaire
# The flattened script: (questionnaire, answer scale, question) in the order they are asked.
QUESTIONS = tuple((q, scale, text) for q in ORDER for scale, text in t.QUESTIONNAIRES[q])
SCALES = tuple(t.CHATBOT_ANSWERS)
PHRASINGS = 2  # ways of typing each answer (social_text.CHATBOT_ANSWERS)
# Questionnaires in the order a jsonb object keeps its keys (``common.jsonb_key_order``),
# which is how collectedAnswers is spelled.
JSONB_ORDER = tuple(sorted(ORDER, key=jsonb_key_order))
SCRIPT_HEAD = 3  # SYSTEM, ASSISTANT greeting, USER reply
# Milliseconds before a message: the assistant answers fast, people take a moment to pick an
# answer. The longest script (every item, the longest gaps) takes under 25 minutes, so with
# the closing lead below it fits in the CHATBOT_INTAKE_AFTER (45 min) a chatbot intake has
# after sign-up (a test keeps it so).
USER_GAP_MS = (3_000, 40_000)
ASSISTANT_GAP_MS = (800, 4_000)
# A complete session ends 1-9 minutes before its assessment is stored.
CLOSING_LEAD_MINUTES = (1, 10)
# A session a HYBRID intake began ends this many minutes before the assessment is stored:
# the client answered the remaining items on the checklist meanwhile.
HYBRID_LEAD_MINUTES = (3, 15)
# Of the clients whose intake was the checklist alone, a keyed ABANDONED_P opened the chatbot
# first, gave up part-way and filled in the checklist instead: the session ends between
# ABANDONED_LEAD_MS before that intake (a few minutes, at most a few hours). The others never
# opened the chatbot and have no session. Only an intake CHATBOT_INTAKE_AFTER after sign-up
# leaves the room (the longest script, the lead and a minute after signing up).
ABANDONED_P = 0.6
ABANDONED_LEAD_MS = (2 * MS_PER_MINUTE, 3 * MS_PER_HOUR)
_ANSWERS = pl.Struct({ASSESSMENT_KEY[q]: pl.List(pl.Int64) for q in ORDER})
_ESTIMATE = pl.Struct(
    {
        "overallSeverity": pl.String,
        "primaryConcerns": pl.List(pl.String),
        "riskFlags": pl.List(pl.String),
    }
)


def _answer_matrix(answers: pl.Series) -> I64:
    """The assessments' ``answers`` JSON as one row of item answers each, in script order."""
    decoded = answers.str.json_decode(_ANSWERS)
    parts = [
        decoded.struct.field(ASSESSMENT_KEY[q]).list.to_array(SIZES[q]).to_numpy() for q in ORDER
    ]  # a loop over the four instruments
    return np.concatenate(parts, axis=1).astype(np.int64)


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    sessions = _sessions(ctx, frames)
    if sessions.is_empty():
        return {}
    script = _script(ctx, frames, sessions)
    return {
        "ChatbotSession": _session_rows(ctx, sessions, script),
        "ChatbotMessage": _messages(ctx, sessions, script),
    }


def _sessions(ctx: Context, frames: Frames) -> pl.DataFrame:
    """The sessions to make, one row each: sid (its id), id and created (its client and when
    it signed up), checkin, the assessment that came of it if one did (pa: when stored,
    method, answers, scores, severityLevels, aiEstimate) and first (the client's intake)."""
    clients = frames["User"].join(frames["Client"].select(pl.col("userId").alias("id")), on="id")
    clients = clients.select("id", ms_of("createdAt").alias("created")).sort("id")
    if clients.is_empty():
        return clients
    ck = text_keys(clients["id"])
    intake_sids = ctx.ids("ChatbotSession", chatbot_session_keys(ck))
    linked_pa = frames["PreAssessment"].filter(pl.col("chatbotSessionId").is_not_null())
    linked_pa = linked_pa.select(
        pl.col("chatbotSessionId").alias("sid"),
        pl.col("clientId").alias("id"),
        ms_of("createdAt").alias("pa"),
        pl.col("assessmentMethod").cast(pl.String).alias("method"),
        "answers",
        "scores",
        "severityLevels",
        "aiEstimate",
    )
    # The intake session of each client, with the assessment that came of it if one did; and
    # a check-in session for each later assessment re-taken with the chatbot.
    intake = clients.with_columns(intake_sids.alias("sid"), pl.lit(False).alias("checkin"))
    intake = intake.join(linked_pa.drop("id"), on="sid", how="left")
    checkins = (
        linked_pa.join(intake.select("sid"), on="sid", how="anti")
        .join(clients, on="id")
        .with_columns(pl.lit(True).alias("checkin"))
        .sort("sid")
        .select(intake.columns)
    )
    clients = pl.concat([intake, checkins]).join(
        frames["ChatbotSession"].select(pl.col("id").alias("sid")),
        on="sid",
        how="anti",
        maintain_order="left",
    )
    # Each client's first assessment (its intake), if it took one.
    intakes = (
        frames["PreAssessment"]
        .group_by(pl.col("clientId").alias("id"))
        .agg(ms_of("createdAt").min().alias("first"))
    )
    clients = clients.join(intakes, on="id", how="left", maintain_order="left")
    # Who opened the chatbot: every chat intake (CHATBOT, HYBRID) and check-in; of a
    # checklist intake with the room, a keyed ABANDONED_P, before it; a client yet to take
    # one may have.
    linked = clients["pa"].is_not_null().to_numpy()
    took = clients["first"].is_not_null().to_numpy()
    room = (clients["first"].fill_null(0) >= clients["created"] + CHATBOT_INTAKE_AFTER).to_numpy()
    opened = ctx.stream("ChatbotSession", "opened").bernoulli(text_keys(clients["id"]), ABANDONED_P)
    return clients.filter(pl.Series(linked | ~took | (room & opened)))


@dataclass(frozen=True)
class _Script:
    """Each session's script (by session: keys, complete, answered, given, start) and its
    messages (by message: rows, the session's row; j, the message's place in it; mkeys;
    at, its time)."""

    keys: U64
    checkin: npt.NDArray[np.bool_]
    complete: npt.NDArray[np.bool_]
    answered: I64  # items answered
    given: I64  # the answers, one row of items per session, in script order
    n_msgs: I64
    start: I64
    rows: I64
    j: I64
    mkeys: U64
    user_turn: npt.NDArray[np.bool_]
    at: I64


def _script(ctx: Context, frames: Frames, sessions: pl.DataFrame) -> _Script:
    """What each session holds and when: how many items it asked (all for a complete one,
    the first items for a hybrid intake, a keyed number for one left part-way), the answers
    given, and its messages' times."""
    ck = text_keys(sessions["id"])
    checkin = sessions["checkin"].to_numpy()
    # An intake session is keyed by its client, a check-in by its id (its assessment's key).
    keys = np.where(checkin, text_keys(sessions["sid"]), chatbot_session_keys(ck))
    s = ctx.stream("ChatbotSession", "session")
    n_q = len(QUESTIONS)
    pa = sessions["pa"].fill_null(-1).to_numpy()
    method = sessions["method"].fill_null("").to_numpy()
    complete = (pa >= 0) & (method != "HYBRID")  # the session its intake assessment came from
    # The session a HYBRID intake began: left after its first items, finished on the checklist.
    hybrid = (pa >= 0) & (method == "HYBRID")
    given = _given(ctx, sessions)
    answered = np.where(
        complete, n_q, np.where(hybrid, hybrid_items(ctx, ck), s.integers(keys, 0, n_q, 0))
    )
    # Script length: head, question + answer per answered item, then a closing message
    # (complete) or the question left unanswered (incomplete).
    n_msgs = SCRIPT_HEAD + 2 * answered + 1
    rows, j, mkeys = expand(keys, n_msgs)
    user_turn = (j == 2) | ((j >= SCRIPT_HEAD) & ((j - SCRIPT_HEAD) % 2 == 1))
    # Each message draws the gap of its turn only (keyed by the message, so alone).
    gap = np.zeros(len(j), dtype=np.int64)
    assistant = ~user_turn & (j != 0)
    gap[user_turn] = s.integers(mkeys[user_turn], *USER_GAP_MS, 1)
    gap[assistant] = s.integers(mkeys[assistant], *ASSISTANT_GAP_MS, 2)
    starts = np.cumsum(n_msgs) - n_msgs
    running = np.cumsum(gap)
    offset = running - np.repeat(running[starts] - gap[starts], n_msgs)
    total = offset[starts + n_msgs - 1]
    start = _start(ctx, frames, sessions, s, keys, total, complete, hybrid)
    at = start[rows] + offset + j  # + j keeps times strictly increasing
    return _Script(
        keys, checkin, complete, answered, given, n_msgs, start, rows, j, mkeys, user_turn, at
    )


def _given(ctx: Context, sessions: pl.DataFrame) -> I64:
    """The answers given in each session, one row of items each in script order: its
    assessment's, or those the client would give at intake (``therapy.assessment_rows``,
    keyed by the client: drawn only for the sessions without an assessment)."""
    linked = sessions["answers"].is_not_null().to_numpy()
    given = np.zeros((sessions.height, len(QUESTIONS)), dtype=np.int64)
    given[linked] = _answer_matrix(sessions["answers"].filter(linked))
    if not linked.all():
        unlinked = sessions.filter(~linked)
        given[~linked] = _answer_matrix(
            assessment_rows(
                ctx,
                unlinked.select(
                    pl.col("id").alias("clientId"), pl.col("created").alias("createdMs")
                ),
                np.zeros(unlinked.height, dtype=np.int64),
            )["answers"]
        )
    return given


def _start(
    ctx: Context,
    frames: Frames,
    sessions: pl.DataFrame,
    s: Stream,
    keys: U64,
    total: I64,
    complete: npt.NDArray[np.bool_],
    hybrid: npt.NDArray[np.bool_],
) -> I64:
    """When each session began, its script taking ``total`` ms: before the assessment that
    came of it (complete, hybrid), before the checklist intake it gave up for, or while a
    client yet to take one still came."""
    anchor = ctx.anchor_ms
    created = sessions["created"].to_numpy()
    pa = sessions["pa"].fill_null(-1).to_numpy()
    # Complete sessions end a few minutes before the assessment was stored.
    end_complete = pa - s.integers(keys, *CLOSING_LEAD_MINUTES, 3) * MS_PER_MINUTE
    span_lo = created + MS_PER_HOUR
    # A session left part-way by a client yet to take an intake was left while it still came
    # (``users.last_seen``).
    seen = seen_of(ctx, frames["User"], sessions["id"])
    free = np.maximum(np.minimum(anchor - MS_PER_DAY, seen - total) - span_lo, 0)
    end_hybrid = pa - s.integers(keys, *HYBRID_LEAD_MINUTES, 7) * MS_PER_MINUTE
    # A checklist intake's session was given up on a little before it (in waking hours).
    first = sessions["first"].fill_null(-1).to_numpy()
    given_up = ~complete & ~hybrid & (first >= 0)
    yet = ~complete & ~hybrid & ~given_up
    start = np.where(complete, end_complete - total, end_hybrid - total)
    # The waking-hours times are drawn for the sessions that take them (keyed, so alone).
    waking = yet | given_up
    home = np.zeros(len(keys), dtype=np.int64)
    home[waking] = home_offset_of(ctx, sessions["id"].filter(waking))
    start[yet] = waking_between(
        s, keys[yet], span_lo[yet], (span_lo + free)[yet], home[yet], index=4
    )
    start[given_up] = (
        waking_between(
            s,
            keys[given_up],
            np.maximum(first - ABANDONED_LEAD_MS[1], created + MS_PER_MINUTE + total)[given_up],
            (first - ABANDONED_LEAD_MS[0])[given_up],
            home[given_up],
            index=8,
        )
        - total[given_up]
    )
    out: I64 = np.clip(start, created + 1, anchor - total - 1)
    return out


def _messages(ctx: Context, sessions: pl.DataFrame, script: _Script) -> pl.DataFrame:
    """The messages of the sessions' scripts."""
    rows, j, mkeys, user_turn = script.rows, script.j, script.mkeys, script.user_turn
    keys, n_q = script.keys, len(QUESTIONS)
    qi = np.clip((j - SCRIPT_HEAD) // 2, 0, n_q - 1)
    q_names = np.asarray([q for q, _, _ in QUESTIONS])
    q_scales = np.asarray([SCALES.index(scale) for _, scale, _ in QUESTIONS])
    q_texts = [x for _, _, x in QUESTIONS]
    score = script.given[rows, qi]
    is_closing = script.complete[rows] & (j == script.n_msgs[rows] - 1)
    role = np.where(j == 0, 0, np.where(user_turn, 1, 2))
    sm = ctx.stream("ChatbotMessage", "text")
    # Each message's text is an index into one table of every line, gathered by polars; an
    # answer is the line of its score on its item's scale.
    answer_lines = [
        x for scale in SCALES for phrasings in t.CHATBOT_ANSWERS[scale] for x in phrasings
    ]
    scale_at = np.cumsum([0, *(PHRASINGS * len(t.CHATBOT_ANSWERS[x]) for x in SCALES[:-1])])
    lines = [
        (t.CHATBOT_SYSTEM,),
        t.CHATBOT_GREETINGS,
        t.CHATBOT_FIRST_REPLIES,
        t.CHATBOT_CLOSINGS,
        tuple(answer_lines),
        tuple(q_texts),
        t.CHATBOT_CHECKIN_GREETINGS,
        t.CHATBOT_CHECKIN_REPLIES,
    ]
    at0 = np.cumsum([0, *(len(x) for x in lines[:-1])])
    # A check-in greets one who is already being helped (its own greetings and replies).
    # The lines a session says once are drawn by session (keyed by it), an answer's
    # phrasing by message, each where it is said.
    later = script.checkin
    greeting = np.where(
        later,
        at0[6] + sm.integers(keys, 0, len(t.CHATBOT_CHECKIN_GREETINGS), 1),
        at0[1] + sm.integers(keys, 0, len(t.CHATBOT_GREETINGS), 1),
    )
    reply = np.where(
        later,
        at0[7] + sm.integers(keys, 0, len(t.CHATBOT_CHECKIN_REPLIES), 2),
        at0[2] + sm.integers(keys, 0, len(t.CHATBOT_FIRST_REPLIES), 2),
    )
    closing = at0[3] + sm.integers(keys, 0, len(t.CHATBOT_CLOSINGS), 3)
    answer = user_turn & (j > 2)
    phrasing = np.zeros(len(j), dtype=np.int64)
    phrasing[answer] = sm.integers(mkeys[answer], 0, PHRASINGS, 0)
    content = np.select(
        [j == 0, j == 1, j == 2, is_closing, user_turn],
        [
            at0[0],
            greeting[rows],
            reply[rows],
            closing[rows],
            at0[4] + scale_at[q_scales[qi]] + score * PHRASINGS + phrasing,
        ],
        at0[5] + qi,
    )
    in_script = (j >= SCRIPT_HEAD) & ~is_closing
    answer_row = in_script & user_turn
    return pl.DataFrame(
        {
            "id": ctx.ids("ChatbotMessage", mkeys),
            "sessionId": sessions["sid"].gather(rows),
            "role": pl.Series(["SYSTEM", "USER", "ASSISTANT"]).gather(role),
            "content": pl.Series([x for part in lines for x in part]).gather(content),
            "questionnaireContext": pl.Series(q_names).gather(qi).set(pl.Series(~in_script), None),
            "extractedAnswer": pl.Series(np.where(answer_row, score, -1)),
            "timestamp": timestamps(script.at, "timestamp"),
            "createdAt": timestamps(script.at, "createdAt"),
        }
    ).with_columns(
        pl.when(pl.col("extractedAnswer") >= 0).then(pl.col("extractedAnswer")).cast(pl.Int32)
    )  # fmt: skip


def _collected(script: _Script) -> pl.DataFrame:
    """What each session's messages collected, one row per session (in its order): the
    answers per questionnaire (collected, as collectedAnswers spells them), the
    questionnaires answered in full (completed) and those asked from (presented), in the
    order asked, and its last message's time and questionnaire (lastActivity, current).

    A session's script is fixed by how many items it asked (``_script``): its answers are the
    first ``answered`` items of ``given``, its last message a closing (complete) or the
    question left unanswered; so this reads the script, not the messages.
    """
    n_q = len(QUESTIONS)
    answered, n_msgs = script.answered, script.n_msgs
    last = np.cumsum(n_msgs) - 1
    # The item of the last message of the script proper (a closing message is not).
    last_item = np.clip((n_msgs - 1 - script.complete - SCRIPT_HEAD) // 2, 0, n_q - 1)
    first_item = np.cumsum([0, *(SIZES[q] for q in ORDER[:-1])])
    frame = pl.DataFrame(
        {
            **{
                f"_n{k}": np.clip(answered - first_item[k], 0, SIZES[q])
                for k, q in enumerate(ORDER)
            },
            **{
                f"_a{k}": pl.Series(script.given[:, first_item[k] : first_item[k] + SIZES[q]])
                for k, q in enumerate(ORDER)
            },
            "_last": last_item,
        }
    )
    entries = {
        q: pl.when(pl.col(f"_n{k}") > 0).then(
            pl.concat_str(
                pl.lit(f'"{q}": ['),
                pl.col(f"_a{k}")
                .cast(pl.List(pl.Int64))
                .list.head(pl.col(f"_n{k}"))
                .list.eval(pl.element().cast(pl.String))
                .list.join(", "),
                pl.lit("]"),
            )
        )
        for k, q in enumerate(ORDER)
    }
    return frame.select(
        pl.concat_str(
            [entries[q] for q in JSONB_ORDER],
            separator=", ",
            ignore_nulls=True,
        ).alias("collected"),
        pl.concat_list(
            pl.when(pl.col(f"_n{k}") == SIZES[q]).then(pl.lit(q)) for k, q in enumerate(ORDER)
        )
        .list.drop_nulls()
        .alias("completed"),
        pl.concat_list(
            pl.when(pl.col("_last") >= first_item[k]).then(pl.lit(q)) for k, q in enumerate(ORDER)
        )
        .list.drop_nulls()
        .alias("presented"),
        timestamps(script.at[last], "lastActivity"),
        pl.when(~pl.Series(script.complete))
        .then(pl.Series(np.asarray([q for q, _, _ in QUESTIONS])).gather(last_item))
        .alias("current"),
    )


def _session_rows(ctx: Context, sessions: pl.DataFrame, script: _Script) -> pl.DataFrame:
    """The sessions' rows: what their messages collected (``_collected``), and what a
    complete session concluded."""
    # What a complete session concluded: its assessment's scores, severities and estimate.
    stated = sessions.select(
        pl.col("scores")
        .str.json_decode(pl.Struct({ASSESSMENT_KEY[x]: pl.Int64 for x in ORDER}))
        .alias("score"),
        pl.col("severityLevels")
        .str.json_decode(pl.Struct({ASSESSMENT_KEY[x]: pl.String for x in ORDER}))
        .alias("severity"),
        pl.col("aiEstimate").str.json_decode(_ESTIMATE).alias("estimate"),
    )
    estimate = pl.col("estimate")
    risk = (
        pl.when(estimate.struct.field("riskFlags").list.len() > 0)
        .then(pl.lit("elevated"))
        .otherwise(estimate.struct.field("overallSeverity").replace_strict(RISK_LEVEL))
    )
    s = ctx.stream("ChatbotSession", "session")
    sess = pl.concat(
        [
            pl.DataFrame(
                {
                    "id": sessions["sid"],
                    "sessionId": uuid4(ctx.config.seed, "ChatbotSession.sessionId", script.keys),
                    "userId": sessions["id"],
                    "clientId": sessions["id"],
                    "startedAt": timestamps(script.start, "startedAt"),
                    "isComplete": script.complete,
                    "confidence": 0.75 + 0.23 * s.uniform(script.keys, 6),
                }
            ),
            _collected(script),
            stated,
        ],
        how="horizontal",
    )
    done = pl.col("isComplete")
    per_instrument: dict[str, JsonValue] = {
        x: {
            "score": pl.col("score").struct.field(ASSESSMENT_KEY[x]),
            "severity": pl.col("severity").struct.field(ASSESSMENT_KEY[x]),
        }
        for x in ORDER
    }
    structured = json_object("structuredAnswers", **per_instrument)
    insights = json_object(
        "conversationInsights",
        riskLevel=risk,
        primaryConcern=estimate.struct.field("primaryConcerns").list.first(),
    )
    return sess.select(
        "id",
        "sessionId",
        "userId",
        "clientId",
        "startedAt",
        pl.when(done).then(pl.col("lastActivity")).alias("completedAt"),
        "isComplete",
        pl.when(~done).then(pl.col("current")).alias("currentQuestionnaire"),
        pl.col("completed").alias("completedQuestionnaires"),
        pl.col("presented").alias("presentedQuestionnaires"),
        pl.format("{{{}}}", "collected").alias("collectedAnswers"),
        pl.when(done).then(structured).alias("structuredAnswers"),
        pl.when(done).then(insights).alias("conversationInsights"),
        pl.when(done).then(pl.lit("all_questionnaires_completed")).alias("completionReason"),
        pl.when(done).then(pl.col("confidence").round(3)).alias("completionConfidence"),
        "lastActivity",
        pl.col("startedAt").alias("createdAt"),
        pl.col("lastActivity").alias("updatedAt"),
    )
