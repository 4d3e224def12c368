"""Texts of ``social_text`` that depend on the data: the venue of an in-person group session
lies in the state of its host."""

from __future__ import annotations

import polars as pl

from seedsnap.build import generate
from seedsnap.config import resolve
from seedsnap.generators import social_text as t
from seedsnap.generators import vocab


def test_every_state_has_venues_of_its_own() -> None:
    assert len(t.GROUP_VENUES) == len(vocab.PROVINCES)
    addresses = [a for state in t.GROUP_VENUES for _, a in state]
    assert all(state for state in t.GROUP_VENUES)
    assert len(set(addresses)) == len(addresses)


def test_in_person_sessions_meet_in_their_hosts_state() -> None:
    f = generate(resolve(mode="heavy", env={}, config_file=None))
    venues = pl.DataFrame(
        [
            {"province": p, "location": loc, "locationAddress": addr}
            for p, state in zip(vocab.PROVINCES, t.GROUP_VENUES, strict=True)
            for loc, addr in state
        ]
    )
    sessions = f["GroupTherapySessions"]
    virtual = sessions.filter(pl.col("sessionType") == "VIRTUAL")
    assert virtual["location"].is_null().all() and virtual["locationAddress"].is_null().all()
    in_person = sessions.filter(pl.col("sessionType") == "IN_PERSON")
    host = (
        f["GroupSessionTherapistInvitations"]
        .filter(pl.col("status") == "ACCEPTED")
        .sort("sessionId", "respondedAt", "therapistId")
        .unique("sessionId", keep="first")
        .join(
            f["Therapist"].select(pl.col("userId").alias("therapistId"), "province"),
            on="therapistId",
        )
        .select(pl.col("sessionId").alias("id"), "province")
    )
    hosted = in_person.join(host, on="id")
    assert hosted.height >= 0.8 * in_person.height > 0
    wrong = hosted.join(venues, on=["province", "location", "locationAddress"], how="anti")
    assert wrong.is_empty(), wrong.select("id", "province", "locationAddress").head()
    # Those without a host still meet at a known venue.
    known = in_person.join(venues, on=["location", "locationAddress"], how="anti")
    assert known.is_empty()
    assert in_person["locationAddress"].n_unique() > 1
