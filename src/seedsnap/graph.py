"""Mermaid diagrams of the build: the enricher tiers and the table dependency graph."""

from __future__ import annotations

from collections.abc import Sequence

from seedsnap.enrichers.orchestrator import Enricher, dependencies, load_enrichers, tiers
from seedsnap.schema import MENTARA, Schema


def enricher_graph(enrichers: Sequence[Enricher] | None = None) -> str:
    """Enrichers grouped by tier, with an edge (labelled by the tables) for each dependency."""
    enrichers = load_enrichers() if enrichers is None else enrichers
    lines = ["flowchart LR"]
    for n, tier in enumerate(tiers(enrichers), start=1):
        lines.append(f"  subgraph tier{n}[tier {n}]")
        lines.extend(f"    {e.name}" for e in tier)
        lines.append("  end")
    deps = dependencies(enrichers)
    for e in enrichers:
        for d, shared in deps[e.name]:
            lines.append(f"  {d.name} -->|{', '.join(sorted(shared))}| {e.name}")
    return "\n".join(lines) + "\n"


def table_graph(schema: Schema = MENTARA) -> str:
    """Every table with an edge to each table it references (self-references dotted)."""
    lines = ["flowchart LR"]
    for t in schema.tables:
        refs = sorted({fk.ref_table for fk in t.foreign_keys})
        if not refs:
            lines.append(f"  {t.name}")
        for r in refs:
            arrow = "-.->" if r == t.name else "-->"
            lines.append(f"  {t.name} {arrow} {r}")
    return "\n".join(lines) + "\n"
