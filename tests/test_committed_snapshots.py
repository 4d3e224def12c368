"""The committed snapshots are exactly what this code builds, and their manifests are golden.

A failure here means generation changed: raise the version (pyproject.toml and
src/seedsnap/__init__.py), rebuild with `make snapshots` (and `make readme`), look at
`seedsnap diff snapshots/mentara-medium out/medium` to review what changed, and update the
golden manifests with `pytest --snapshot-update tests/test_committed_snapshots.py`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from seedsnap import snapshot as snap
from seedsnap.build import build
from seedsnap.config import resolve

ROOT = Path(__file__).resolve().parents[1] / "snapshots"
COMMITTED = {"mentara-light": "light", "mentara-medium": "medium"}
# What to do when the data changed on purpose (a new or changed generator or enricher).
REBUILD = (
    "if the change is intended: raise the version (pyproject.toml and src/seedsnap/__init__.py), "
    "run `make snapshots`, then `pytest --snapshot-update tests/test_committed_snapshots.py`"
)


def _content(manifest: dict[str, object]) -> dict[str, object]:
    """The manifest without what depends on the machine: tool versions and file bytes.

    Content hashes are computed over a canonical serialisation, so they compare data, not
    Parquet encodings (byte-identity within one environment is tested in test_build.py).
    """
    tables = {
        name: {k: v for k, v in entry.items() if k != "file_sha256"}
        for name, entry in manifest["tables"].items()  # type: ignore[attr-defined]
    }
    return {k: v for k, v in manifest.items() if k != "tools"} | {"tables": tables}


@pytest.mark.parametrize("name", sorted(COMMITTED))
def test_rebuild_equals_the_committed_snapshot(name: str, tmp_path: Path) -> None:
    committed = ROOT / name
    assert (committed / "manifest.json").is_file(), f"{committed} missing: run `make snapshots`"
    _, report = build(resolve(mode=COMMITTED[name], env={}, config_file=None), tmp_path / name)
    assert report is not None and report.ok, report.to_text() if report else ""
    fresh = _content(snap.verify(tmp_path / name))
    old = _content(snap.verify(committed))
    assert fresh["config"] == old["config"]
    changed = sorted(
        t
        for t in fresh["tables"].keys() | old["tables"].keys()  # type: ignore[attr-defined]
        if fresh["tables"].get(t) != old["tables"].get(t)  # type: ignore[attr-defined]
    )
    assert not changed, f"{name}: tables differ from the committed snapshot: {changed}; {REBUILD}"
    assert fresh == old, f"{name}: the manifest differs from the committed one; {REBUILD}"


@pytest.mark.parametrize("name", sorted(COMMITTED))
def test_committed_manifest_is_golden(name: str, snapshot: SnapshotAssertion) -> None:
    manifest = _content(snap.verify(ROOT / name))
    assert json.loads(json.dumps(manifest, sort_keys=True)) == snapshot, (
        f"{name}: the committed manifest is not the golden one; if `make snapshots` changed it "
        "on purpose, run `pytest --snapshot-update tests/test_committed_snapshots.py`"
    )
