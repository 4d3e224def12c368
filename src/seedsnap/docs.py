"""The generated parts of README.md (enricher graph, row counts), kept true by a test.

``python -m seedsnap.docs`` (``make readme``) rewrites the marked sections in place.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from seedsnap.build import generate
from seedsnap.config import MODE_NAMES, resolve
from seedsnap.graph import enricher_graph
from seedsnap.schema import MENTARA


def row_counts_table() -> str:
    """Markdown: rows per table (load order) for each mode at scale 1 with the default seed
    (and nothing of a ./seedsnap.toml, which would put its own counts in the README)."""
    counts = {}
    for mode in MODE_NAMES:
        frames = generate(resolve(mode=mode, env={}, config_file=None, default_file=False))
        counts[mode] = {t: f.height for t, f in frames.items()}
    lines = ["| table | " + " | ".join(MODE_NAMES) + " |", "|---|" + "---:|" * len(MODE_NAMES)]
    for table in MENTARA.load_order:
        lines.append(
            f"| {table} | " + " | ".join(f"{counts[m][table]:,}" for m in MODE_NAMES) + " |"
        )
    totals = " | ".join(f"**{sum(counts[m].values()):,}**" for m in MODE_NAMES)
    lines.append(f"| **total** | {totals} |")
    return "\n".join(lines) + "\n"


def sections() -> dict[str, str]:
    return {
        "graph": "```mermaid\n" + enricher_graph() + "```\n",
        "rows": row_counts_table(),
    }


def _replacement(body: str) -> Callable[[re.Match[str]], str]:
    return lambda m: m.group(1) + body + m.group(2)


def render(text: str, parts: dict[str, str]) -> str:
    """``text`` with each ``<!-- name:begin -->…<!-- name:end -->`` section replaced."""
    for name, body in parts.items():
        pattern = re.compile(rf"(<!-- {name}:begin -->\n).*?(<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"README has no {name} section markers")
        text = pattern.sub(_replacement(body), text)
    return text


def main(path: str = "README.md") -> int:
    p = Path(path)
    p.write_text(render(p.read_text(), sections()))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
