"""Builds at other seeds and scales pass their own check: a rule that holds at the default
build can fail elsewhere (a sign-in alert to a user the keyed visit draw left without a
login did, at medium x5 seed 7 and heavy x10 seed 4), and a build that fails its check
writes nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SWEEP = [
    ("medium", "5", "7"),
    ("heavy", "10", "4"),
    ("light", "2", "9"),
    # A fixture therapist without an active client: it met its minimums with a past client.
    ("light", "1", "11"),
    ("light", "1", "15"),
]


@pytest.mark.parametrize(("mode", "scale", "seed"), SWEEP)
def test_a_build_at_another_seed_and_scale_passes_its_check(
    tmp_path: Path, mode: str, scale: str, seed: str
) -> None:
    out = tmp_path / "snap"
    args = ["build", "--mode", mode, "--scale", scale, "--seed", seed, "--out", str(out)]
    done = subprocess.run(
        [sys.executable, "-m", "seedsnap", *args, "--quiet"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert " 0 violations" in done.stdout
    assert (out / "manifest.json").is_file()


def test_a_seed_whose_therapist_has_no_active_client_stops_with_a_fix_that_works(
    tmp_path: Path,
) -> None:
    """light --seed 11: a fixture therapist's only client's pairs have ended, the one with it
    after six days, too short for six meetings. The build stops in one line naming what to
    change, writes nothing, and the change it names builds and passes its check."""
    out = tmp_path / "snap"
    base = [sys.executable, "-m", "seedsnap", "build", "--mode", "light", "--seed", "11"]
    many = ["--min", "therapist.meetings=6"]
    done = subprocess.run(
        [*base, *many, "--out", str(out), "--quiet"], capture_output=True, text=True
    )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "has no active client" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and not out.exists()
    zero = ["meetings", "session_notes_written", "reviews_received"]
    mins = [arg for name in zero for arg in ("--min", f"therapist.{name}=0")]
    fixed = subprocess.run(
        [*base, *mins, "--out", str(out), "--quiet"], capture_output=True, text=True
    )
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert " 0 violations" in fixed.stdout
