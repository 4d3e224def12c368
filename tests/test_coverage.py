"""Coverage of app states (at least one of each): the light and medium builds, which testers use to exercise the
app's screens, hold each state a heavy build has wherever their population allows it (the
``MIN_*`` minimums: the top of a keyed ranking of what could be, where the draws left none)."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
import pytest

from seedsnap.build import generate
from seedsnap.config import resolve
from seedsnap.context import Frames
from seedsnap.enrichers import payments
from seedsnap.generators import users


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


def test_a_low_review_of_an_ended_pair(build: tuple[str, Frames]) -> None:
    _, f = build
    ended = f["ClientTherapist"].filter(pl.col("status") != "active")
    assert ended.height  # one could be
    low = f["Review"].filter(pl.col("rating") <= payments.LOW_RATING)
    assert low.height >= 1
    assert low.join(ended, on=["clientId", "therapistId"], how="anti").is_empty()


def test_a_refund_of_a_low_review(build: tuple[str, Frames]) -> None:
    _, f = build
    low = f["Review"].filter(pl.col("rating") <= payments.LOW_RATING)
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
