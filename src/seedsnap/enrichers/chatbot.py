"""Chatbot: the intake chatbot's sessions and messages (tables upstream never seeds, §11.17).

Every client has one intake session. A client whose intake assessment came from the chatbot
(the assessment links to this session: ``chatbot_session_keys``) finished it a few minutes
before that assessment was stored (``isComplete``, every questionnaire answered, a closing
message); the others (who took the checklist) left it part-way (``currentQuestionnaire`` is the
one they stopped in).
Messages follow a fixed script: SYSTEM prompt, ASSISTANT greeting, USER reply, then an
ASSISTANT question and the USER's answer per item, times strictly increasing. Each USER answer
carries its questionnaire and the score extracted from it, and ``collectedAnswers`` holds
exactly those scores, per questionnaire in order; ``structuredAnswers`` and
``conversationInsights`` are computed from them, not drawn. ``lastActivity`` is the last
message. Clients that already have a session are left alone, so a re-run adds nothing.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from seedsnap.context import MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, Context, Frames, timestamps
from seedsnap.generators import social_text as t
from seedsnap.generators.clock import waking_between
from seedsnap.generators.common import ms_of, text_keys
from seedsnap.generators.therapy import chatbot_session_keys
from seedsnap.generators.users import home_offset_of, seen_of
from seedsnap.ids import uuid4
from seedsnap.random import expand

READS = ("User", "Client", "PreAssessment")
WRITES = ("ChatbotSession", "ChatbotMessage")

# The flattened script: (questionnaire, question) in the order they are asked.
QUESTIONS = tuple((q, text) for q in t.QUESTIONNAIRE_ORDER for text in t.QUESTIONNAIRES[q])
SCRIPT_HEAD = 3  # SYSTEM, ASSISTANT greeting, USER reply
SEVERITY = ((0.25, "minimal"), (0.5, "mild"), (0.75, "moderate"), (1.01, "severe"))


def _severity(ratio: pl.Expr) -> pl.Expr:
    out: pl.Expr = pl.lit(SEVERITY[-1][1])
    for bound, label in reversed(SEVERITY[:-1]):
        out = pl.when(ratio < bound).then(pl.lit(label)).otherwise(out)
    return out


def enrich(ctx: Context, frames: Frames) -> Frames:
    """The rows this enricher adds, per table it writes (the module docstring says which)."""
    anchor = ctx.anchor_ms
    clients = frames["User"].join(frames["Client"].select(pl.col("userId").alias("id")), on="id")
    clients = clients.select("id", ms_of("createdAt").alias("created"))
    clients = clients.join(
        frames["ChatbotSession"].select(pl.col("clientId").alias("id")).drop_nulls(),
        on="id",
        how="anti",
    ).sort("id")
    if clients.is_empty():
        return {}
    linked = (
        frames["PreAssessment"]
        .filter(pl.col("chatbotSessionId").is_not_null())
        .group_by("clientId")
        .agg(ms_of("createdAt").min().alias("pa"))
    )
    clients = clients.join(linked, left_on="id", right_on="clientId", how="left")
    ck = text_keys(clients["id"])
    keys = chatbot_session_keys(ck)
    s = ctx.stream("ChatbotSession", "session")
    n_q = len(QUESTIONS)
    created = clients["created"].to_numpy()
    pa = clients["pa"].fill_null(-1).to_numpy()
    complete = pa >= 0  # the session its intake assessment came from
    answered = np.where(complete, n_q, s.integers(keys, 0, n_q, 0))
    # Script length: head, question + answer per answered item, then a closing message
    # (complete) or the question left unanswered (incomplete).
    n_msgs = SCRIPT_HEAD + 2 * answered + 1
    # Seconds between messages: the assistant answers fast, people take a moment.
    rows, j, mkeys = expand(keys, n_msgs)
    user_turn = (j == 2) | ((j >= SCRIPT_HEAD) & ((j - SCRIPT_HEAD) % 2 == 1))
    gap = np.where(
        j == 0,
        0,
        np.where(user_turn, s.integers(mkeys, 4_000, 75_000, 1), s.integers(mkeys, 800, 4_000, 2)),
    ).astype(np.int64)
    starts = np.cumsum(n_msgs) - n_msgs
    running = np.cumsum(gap)
    offset = running - np.repeat(running[starts] - gap[starts], n_msgs)
    total = offset[starts + n_msgs - 1]
    # Complete sessions end a few minutes before the assessment was stored.
    end_complete = pa - s.integers(keys, 1, 10, 3) * MS_PER_MINUTE
    span_lo = created + MS_PER_HOUR
    # A session left part-way was left while the client still came (``users.last_seen``).
    seen = seen_of(ctx, frames["User"], clients["id"])
    free = np.maximum(np.minimum(anchor - MS_PER_DAY, seen - total) - span_lo, 0)
    home = home_offset_of(ctx, clients["id"])
    start_free = waking_between(s, keys, span_lo, span_lo + free, home, index=4)
    start = np.where(complete, end_complete - total, start_free)
    start = np.clip(start, created + 1, anchor - total - 1)
    at = start[rows] + offset + j  # + j keeps times strictly increasing

    # Messages.
    qi = np.clip((j - SCRIPT_HEAD) // 2, 0, n_q - 1)
    q_names = np.asarray([q for q, _ in QUESTIONS])
    q_texts = np.asarray([x for _, x in QUESTIONS])
    severity = s.uniform(ck, 5)  # per client: how hard things are right now
    noise = ctx.stream("ChatbotMessage", "score").normal(mkeys, 0)
    score = np.clip(np.floor(severity[rows] * 4 + noise * 0.7), 0, 3).astype(np.int64)
    is_closing = complete[rows] & (j == n_msgs[rows] - 1)
    role = np.where(j == 0, 0, np.where(user_turn, 1, 2))
    sm = ctx.stream("ChatbotMessage", "text")
    # Each message's text is an index into one table of every line, gathered by polars.
    answers = np.asarray(t.CHATBOT_ANSWERS, dtype=object)
    lines = [
        (t.CHATBOT_SYSTEM,),
        t.CHATBOT_GREETINGS,
        t.CHATBOT_FIRST_REPLIES,
        t.CHATBOT_CLOSINGS,
        tuple(answers.reshape(-1)),
        tuple(q_texts),
    ]
    at0 = np.cumsum([0, *(len(x) for x in lines[:-1])])
    content = np.select(
        [j == 0, j == 1, j == 2, is_closing, user_turn],
        [
            at0[0],
            at0[1] + sm.integers(keys[rows], 0, len(t.CHATBOT_GREETINGS), 1),
            at0[2] + sm.integers(keys[rows], 0, len(t.CHATBOT_FIRST_REPLIES), 2),
            at0[3] + sm.integers(keys[rows], 0, len(t.CHATBOT_CLOSINGS), 3),
            at0[4] + score * answers.shape[1] + sm.integers(mkeys, 0, 2, 0),
        ],
        at0[5] + qi,
    )
    in_script = (j >= SCRIPT_HEAD) & ~is_closing
    answer_row = in_script & user_turn
    session_ids = ctx.ids("ChatbotSession", keys)
    msgs = pl.DataFrame(
        {
            "id": ctx.ids("ChatbotMessage", mkeys),
            "sessionId": session_ids.gather(rows),
            "role": pl.Series(["SYSTEM", "USER", "ASSISTANT"]).gather(role),
            "content": pl.Series([x for part in lines for x in part]).gather(content),
            "questionnaireContext": pl.Series(q_names).gather(qi).set(pl.Series(~in_script), None),
            "extractedAnswer": pl.Series(np.where(answer_row, score, -1)),
            "timestamp": timestamps(at, "timestamp"),
            "createdAt": timestamps(at, "createdAt"),
            "qi": qi,
        }
    ).with_columns(
        pl.when(pl.col("extractedAnswer") >= 0).then(pl.col("extractedAnswer")).cast(pl.Int32)
    )  # fmt: skip

    # Sessions, with answers aggregated from the messages above.
    ans = msgs.filter(pl.col("extractedAnswer").is_not_null()).sort("sessionId", "qi")
    sizes = {q: len(v) for q, v in t.QUESTIONNAIRES.items()}
    per_q = ans.group_by("sessionId", "questionnaireContext").agg(
        pl.col("extractedAnswer").cast(pl.String).str.join(", ").alias("list"),
        pl.col("extractedAnswer").sum().alias("score"),
        pl.len().alias("n"),
    ).with_columns(
        pl.col("questionnaireContext").replace_strict(sizes, return_dtype=pl.Int64).alias("size")
    ).sort("sessionId", "questionnaireContext")  # fmt: skip
    per_q = per_q.with_columns(
        (pl.col("score") / (3 * pl.col("size"))).alias("ratio"),
        (pl.col("n") == pl.col("size")).alias("done"),
    )
    q = pl.col("questionnaireContext")
    agg = per_q.group_by("sessionId").agg(
        pl.format('"{}": [{}]', q, "list").str.join(", ").alias("collected"),
        pl.format('"{}": {{"score": {}, "severity": "{}"}}', q, "score", _severity(pl.col("ratio")))
        .str.join(", ")
        .alias("structured"),
        q.filter("done").alias("completed"),
        q.sort_by("ratio", descending=True).first().alias("top"),
        pl.col("ratio").max().alias("max_ratio"),
    )
    presented = (
        msgs.filter(pl.col("questionnaireContext").is_not_null())
        .group_by("sessionId")
        .agg(pl.col("questionnaireContext").unique(maintain_order=True).alias("presented"))
    )
    last = msgs.group_by("sessionId").agg(
        pl.col("timestamp").max().alias("lastActivity"),
        pl.col("questionnaireContext").sort_by("timestamp").last().alias("current"),
    )
    concern = {"PHQ-9": "low mood", "GAD-7": "anxiety", "PSS-4": "stress"}
    sess = pl.DataFrame(
        {
            "id": session_ids,
            "sessionId": uuid4(ctx.config.seed, "ChatbotSession.sessionId", keys),
            "userId": clients["id"],
            "clientId": clients["id"],
            "startedAt": timestamps(start, "startedAt"),
            "isComplete": complete,
            "confidence": 0.75 + 0.23 * s.uniform(keys, 6),
        }
    )
    sess = (
        sess.join(agg, left_on="id", right_on="sessionId", how="left")
        .join(presented, left_on="id", right_on="sessionId", how="left")
        .join(last, left_on="id", right_on="sessionId", how="left")
    )
    risk = (
        pl.when(pl.col("max_ratio") >= 0.75)
        .then(pl.lit("elevated"))
        .when(pl.col("max_ratio") >= 0.5)
        .then(pl.lit("moderate"))
        .otherwise(pl.lit("low"))
    )
    done = pl.col("isComplete")
    session = sess.select(
        "id",
        "sessionId",
        "userId",
        "clientId",
        "startedAt",
        pl.when(done).then(pl.col("lastActivity")).alias("completedAt"),
        "isComplete",
        pl.when(~done).then(pl.col("current")).alias("currentQuestionnaire"),
        pl.col("completed").fill_null([]).alias("completedQuestionnaires"),
        pl.col("presented").fill_null([]).alias("presentedQuestionnaires"),
        pl.format("{{{}}}", pl.col("collected").fill_null("")).alias("collectedAnswers"),
        pl.when(done).then(pl.format("{{{}}}", "structured")).alias("structuredAnswers"),
        pl.when(done)
        .then(
            pl.format(  # keys in the stored (jsonb) order: shorter first
                '{{"riskLevel": "{}", "primaryConcern": "{}"}}',
                risk,
                pl.col("top").replace_strict(concern, default="general wellbeing"),
            )
        )
        .alias("conversationInsights"),
        pl.when(done).then(pl.lit("all_questionnaires_completed")).alias("completionReason"),
        pl.when(done).then(pl.col("confidence").round(3)).alias("completionConfidence"),
        "lastActivity",
        pl.col("startedAt").alias("createdAt"),
        pl.col("lastActivity").alias("updatedAt"),
    )
    return {"ChatbotSession": session, "ChatbotMessage": msgs.drop("qi")}
