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
    numbers = [path.name[:2] for path in NOTEBOOKS]
    assert numbers == [f"{k:02d}" for k in range(1, len(NOTEBOOKS) + 1)]  # read in order, none missing
    assert [path.name for path in KOREAN] == [path.name for path in NOTEBOOKS]  # each in Korean too


@pytest.mark.parametrize("path", NOTEBOOKS + KOREAN, ids=lambda path: str(path.relative_to(ROOT)))
def test_notebook_is_committed_with_its_outputs(path: Path) -> None:
    cells = [cell for cell in json.loads(path.read_text(encoding="utf-8"))["cells"] if cell["cell_type"] == "code"]
    assert cells and all(cell["execution_count"] is not None for cell in cells), "run it before committing"
    assert not [o for cell in cells for o in cell["outputs"] if o["output_type"] == "error"]
    pictures = [o for cell in cells for o in cell["outputs"] if {"image/png", "image/svg+xml"} & set(o.get("data", {}))]
    assert pictures, "every walkthrough shows at least one graph or plot"


@pytest.mark.parametrize("path", NOTEBOOKS + KOREAN, ids=lambda path: str(path.relative_to(ROOT)))
def test_notebooks_run_without_the_optional_pytorch(path: Path) -> None:
    """`make notebooks` and `make test` do not install PyTorch (CI does): a cell that imports it must cope."""
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and re.search(r"^\s*(import torch|from torch)", source, flags=re.MULTILINE):
            assert "except ImportError" in source, source[:200]


def test_the_readme_links_every_walkthrough_in_reading_order() -> None:
    for folder in (NOTEBOOKS, KOREAN):
        linked = [link for link in LINKS if link.endswith(".ipynb") and (ROOT / link).parent == folder[0].parent]
        assert linked == [str(path.relative_to(ROOT)) for path in folder]


@pytest.mark.parametrize("link", [link for link in LINKS if "://" not in link])
def test_readme_link_leads_to_a_file(link: str) -> None:
    assert (ROOT / link).exists(), link
