"""The walkthroughs as files: committed with their outputs, in English and Korean, linked from the README.

nbmake runs each notebook (pytest collects notebooks/ too); these tests check what running cannot:
that a reader on a code-hosting site sees the outputs, and that the README's links lead somewhere.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
KOREAN = sorted((ROOT / "notebooks" / "ko").glob("*.ipynb"))
README = (ROOT / "README.md").read_text(encoding="utf-8")
LINKS = re.findall(r"\]\(([^)#\s]+)\)", README)


def test_the_walkthroughs_exist_in_english_and_korean() -> None:
    names = [path.name[:2] for path in NOTEBOOKS]
    assert names == ["01", "02", "03", "04", "05", "06", "08"]
    assert {path.name for path in KOREAN} >= {path.name for path in NOTEBOOKS[:3]}


@pytest.mark.parametrize("path", NOTEBOOKS + KOREAN, ids=lambda path: str(path.relative_to(ROOT)))
def test_notebook_is_committed_with_its_outputs(path: Path) -> None:
    cells = [cell for cell in json.loads(path.read_text(encoding="utf-8"))["cells"] if cell["cell_type"] == "code"]
    assert cells and all(cell["execution_count"] is not None for cell in cells), "run it before committing"
    assert not [o for cell in cells for o in cell["outputs"] if o["output_type"] == "error"]
    pictures = [o for cell in cells for o in cell["outputs"] if {"image/png", "image/svg+xml"} & set(o.get("data", {}))]
    assert pictures, "every walkthrough shows at least one graph or plot"


def test_the_readme_links_every_walkthrough_in_reading_order() -> None:
    for folder in (NOTEBOOKS, KOREAN):
        linked = [link for link in LINKS if link.endswith(".ipynb") and (ROOT / link).parent == folder[0].parent]
        assert linked == [str(path.relative_to(ROOT)) for path in folder]


@pytest.mark.parametrize("link", [link for link in LINKS if "://" not in link])
def test_readme_link_leads_to_a_file(link: str) -> None:
    assert (ROOT / link).exists(), link
