"""The faster paths of the content texts read and code the texts as the plain ones did."""

from __future__ import annotations

import polars as pl
import pytest

from seedsnap.generators import content_text as ct


def _texts() -> list[str | None]:
    """Every opener with a rest (each reason's texts), without its space, inside a text, and
    friendly and empty texts and NULL."""
    out: list[str | None] = []
    for openers in ct.REPORTABLE_OPENERS.values():
        for o in openers:
            out += [f"{o} and then some.", o, f"Well, {o} and then", f"{o}  two spaces"]
    return [*out, "Hi all, hoping for some perspective.", "", None]


def test_reportable_reason_regex_reads_as_the_opener_chain(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frame = pl.DataFrame({"content": _texts()}, schema={"content": pl.String})
    assert ct._OPENERS_UNAMBIGUOUS  # the regex path is the one builds take
    fast = frame.select(ct.reportable_reason_expr("content"))["reason"]
    monkeypatch.setattr(ct, "_OPENERS_UNAMBIGUOUS", False)
    plain = frame.select(ct.reportable_reason_expr("content"))["reason"]
    assert fast.to_list() == plain.to_list()
    # Each opener with its space reads as its reason; without the space or later, not at all.
    rows = iter(fast.to_list())
    for reason, openers in ct.REPORTABLE_OPENERS.items():
        for _ in openers:
            assert [next(rows) for _ in range(4)] == [reason, None, None, reason]
    assert list(rows) == [None, None, None]


def test_voices_code_roles_as_before() -> None:
    roles = pl.Series(["client", "therapist", "moderator", "admin", None, "therapist"])
    assert ct.voices(roles).tolist() == [0, 1, 2, 0, 0, 1]
    enum = roles.cast(pl.Enum(["admin", "client", "moderator", "therapist"]))
    assert ct.voices(enum).tolist() == [0, 1, 2, 0, 0, 1]
