"""The README stays true: its generated sections equal what the code produces now."""

from __future__ import annotations

import re
from pathlib import Path

from seedsnap import docs

README = Path(__file__).resolve().parents[1] / "README.md"


def _section(text: str, name: str) -> str:
    m = re.search(rf"<!-- {name}:begin -->\n(.*?)<!-- {name}:end -->", text, re.S)
    assert m, f"README lacks the {name} section"
    return m.group(1)


def test_readme_sections_are_current() -> None:
    text = README.read_text()
    for name, body in docs.sections().items():
        assert _section(text, name) == body, f"README {name} section is stale: run `make readme`"


def test_render_replaces_only_the_marked_section() -> None:
    text = "a\n<!-- x:begin -->\nold\n<!-- x:end -->\nb\n"
    assert docs.render(text, {"x": "new\n"}) == "a\n<!-- x:begin -->\nnew\n<!-- x:end -->\nb\n"


def test_readme_names_the_two_commands_of_a_fresh_machine() -> None:
    text = README.read_text()
    assert "make run" in text and "make test" in text
    makefile = (README.parent / "Makefile").read_text()
    assert re.search(r"^run:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    ci = (README.parent / ".ci" / "run").read_text()
    assert "make test" in ci
