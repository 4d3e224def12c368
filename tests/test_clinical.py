"""Clinical coherence on a heavy x3 build (polars, independently of check.py): the risk flag
of the pre-assessments is as common as published PHQ-9 data say, session notes follow it
(never "no safety concerns" for a flagged client, the safety plan recorded after the flag),
and session texts name homework only where the pair's worksheets bear it out.
"""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest

from seedsnap.arrays import choose_eligible
from seedsnap.context import Frames
from seedsnap.generators import therapy_text as tx
from seedsnap.generators.therapy import _NOTE_POOLS, item9_probability

PAIR = ["clientId", "therapistId"]


def _assessments(f: Frames) -> pl.DataFrame:
    """clientId, createdAt, flagged, phq9 band, item 9 answer of every PreAssessment."""
    pa = f["PreAssessment"]
    est = [json.loads(t) for t in pa["aiEstimate"]]
    answers = [json.loads(t) for t in pa["answers"]]
    levels = [json.loads(t) for t in pa["severityLevels"]]
    return pa.select("clientId", "createdAt").with_columns(
        pl.Series("flagged", [bool(e["riskFlags"]) for e in est]),
        pl.Series("band", [lv["phq9"] for lv in levels]),
        pl.Series("item9", [a["phq9"][8] for a in answers]),
    )


def _notes(f: Frames) -> pl.DataFrame:
    return f["MeetingNotes"].join(
        f["Meeting"].select(pl.col("id").alias("meetingId"), *PAIR, "startTime"), on="meetingId"
    )


def test_item9_is_rare_when_mild_and_the_flagged_share_is_realistic(heavy3: Frames) -> None:
    a = _assessments(heavy3)
    assert (a["flagged"] == (a["item9"] >= 1)).all()  # the flag is item 9's
    assert 0.10 <= a["flagged"].mean() <= 0.20  # type: ignore[operator]
    rate = a.group_by("band").agg(pl.col("flagged").mean()).sort("band")
    by = dict(zip(rate["band"], rate["flagged"], strict=True))
    assert by["minimal"] <= 0.05 and by["mild"] <= 0.08
    order = ["minimal", "mild", "moderate", "moderately severe", "severe"]
    assert [by[b] for b in order] == sorted(by[b] for b in order)  # rises with severity
    assert by["severe"] >= 0.4


def test_item9_probability_follows_published_rates() -> None:
    p = item9_probability(np.arange(25))
    assert (np.diff(p) > 0).all()
    assert p[2] < 0.03 and 0.03 < p[7] < 0.1 and 0.1 < p[12] < 0.25 and p[21] > 0.5


def test_flagged_clients_are_never_cleared_and_their_safety_plan_is_recorded(
    heavy3: Frames,
) -> None:
    a = _assessments(heavy3).filter("flagged")
    first_flag = a.group_by("clientId").agg(pl.col("createdAt").min().alias("flag"))
    notes = _notes(heavy3).join(first_flag, on="clientId", how="left")
    flagged = notes.filter(pl.col("flag").is_not_null())
    assert flagged.height > 100
    assert not flagged["notes"].str.to_lowercase().str.contains("no safety concerns").any()
    after = flagged.filter(pl.col("flag") < pl.col("startTime"))
    assert after.height > 100
    assert after["notes"].str.contains("safety plan").all()
    # Clients never flagged are still cleared now and then, and have no risk paragraph.
    clear = notes.filter(pl.col("flag").is_null())["notes"]
    assert clear.str.contains("no safety concerns").any()
    assert not clear.str.contains("Risk:").any()


def _has_worksheet(notes: pl.DataFrame, ws: pl.DataFrame, title: str, when: str) -> pl.Series:
    """Per note, whether the pair has a worksheet ``title`` before its session (``when``
    "before") or assigned within NOTE_PLAN_WITHIN_DAYS of its start ("after")."""
    w = ws.filter(pl.col("title") == title).select(*PAIR, pl.col("createdAt").alias("at"))
    start, within = pl.col("startTime"), pl.duration(days=tx.NOTE_PLAN_WITHIN_DAYS)
    ok = (
        pl.col("at") < start if when == "before" else pl.col("at").is_between(start, start + within)
    )
    hits = notes.join(w, on=PAIR).filter(ok)["id"].unique()
    return notes["id"].is_in(hits.implode())


def test_notes_name_homework_only_where_the_pair_has_it(heavy3: Frames) -> None:
    notes, ws = _notes(heavy3), heavy3["Worksheet"]
    for text, (when, title) in tx.NOTE_NEEDS.items():
        if title is None:
            continue
        naming = notes["notes"].str.contains(text, literal=True)
        assert naming.any(), text  # the text is still used where it fits
        assert (_has_worksheet(notes, ws, title, when) | ~naming).all(), text
    # "{title}" texts name a worksheet of the pair: a completed one, or the next one given.
    sub = heavy3["WorksheetSubmission"].select(pl.col("worksheetId").alias("id"), "submittedAt")
    done = ws.join(sub, on="id").select(*PAIR, "title", "submittedAt")
    head, _, tail = tx.NOTE_FOCUS_DONE.partition("{title}")
    named = notes.filter(pl.col("notes").str.contains(head, literal=True)).with_columns(
        pl.col("notes").str.extract(head + r"(.+?)" + tail.split()[0]).str.strip_chars().alias("t")
    )
    assert named.height > 10
    ok = named.join(done, on=PAIR).filter(
        (pl.col("title") == pl.col("t")) & (pl.col("submittedAt") < pl.col("startTime"))
    )
    assert set(ok["id"]) == set(named["id"])


def test_session_titles_name_no_homework_and_relapse_prevention_comes_late(
    heavy3: Frames,
) -> None:
    m = heavy3["Meeting"]
    texts = pl.concat([m["title"], m["description"].drop_nulls()]).str.to_lowercase()
    assert not texts.str.contains("worksheet|homework|thought record|sleep diary").any()
    ranked = m.sort("startTime", "id").with_columns(
        pl.int_range(pl.len()).over(PAIR).alias("before")
    )
    relapse = ranked.filter(pl.col("title") == tx.RELAPSE_TITLE)
    assert relapse.height > 5
    assert (relapse["before"] >= tx.RELAPSE_FROM_SESSION - 1).all()


def test_every_note_text_that_clears_risk_or_names_homework_is_constrained() -> None:
    """A note text drawn from the pools that speaks of safety is one ``SAFETY_CLEAR`` keeps
    from flagged clients; one that names a worksheet (a template's title, or "worksheet") is
    in ``NOTE_NEEDS`` with that title. Adding or reordering texts cannot leave one free."""
    titles = [w[0] for w in tx.WORKSHEETS]
    texts = {text for pools in _NOTE_POOLS for pool in pools for text in pool}
    assert set(tx.SAFETY_CLEAR) | set(tx.NOTE_NEEDS) <= texts  # each constraint is drawn
    for text in texts:
        low = text.lower()
        assert ("safety" in low) == (text in tx.SAFETY_CLEAR), text
        named = [title for title in titles if title.lower() in low]
        if named or "worksheet" in low:
            assert text in tx.NOTE_NEEDS, text
            assert tx.NOTE_NEEDS[text][1] == (named[0] if named else None), text
        else:
            assert text not in tx.NOTE_NEEDS, text


def test_choose_eligible_picks_only_eligible_options_evenly() -> None:
    rng = np.random.default_rng(0)
    eligible = np.array([[True, False, True, False]] * 4000)
    picked = choose_eligible(rng.random(4000), eligible)
    assert set(picked.tolist()) == {0, 2}
    assert 0.45 < (picked == 0).mean() < 0.55
    with pytest.raises(ValueError, match="no eligible"):
        choose_eligible(np.zeros(1), np.zeros((1, 3), dtype=bool))
