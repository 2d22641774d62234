"""Pictures as learners read them: on a code-hosting site, in a column about 900 pixels wide, nothing run.

Every committed drawing fits that column with its text still readable, every progress bar leaves a
line of plain text (a saved widget is blank there), and every formula renders as meant.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "notebooks" / "ko").glob("*.ipynb"))
DOCS = sorted((ROOT / "docs").glob("*.svg")) + sorted((ROOT / "docs").glob("*.png"))
MAX_SVG_POINTS = 1000  # at 900 pixels, a 10-point label of a 1,000-point drawing is 9 pixels tall
MAX_PNG_PIXELS = 1000  # plots are shown at their own size, about the column's width
WIDGET = "application/vnd.jupyter.widget-view+json"
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")


def ids(path: Path) -> str:
    return str(path.relative_to(ROOT))


def code_cells(path: Path) -> list[dict]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [cell for cell in cells if cell["cell_type"] == "code"]


def text(value: str | list[str]) -> str:
    return value if isinstance(value, str) else "".join(value)


def svg_widths(svg: str) -> list[float]:
    """The width in points of every drawing in ``svg`` (a player holds one per frame)."""
    return [float(width) for width in re.findall(r'<svg width="([0-9.]+)pt"', svg)]


def png_width(data: bytes) -> int:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big")


def pictures(path: Path) -> list[tuple[str, float]]:
    """(where, width) of each SVG drawing (in points) and PNG plot (in pixels) a notebook shows."""
    found = []
    for number, cell in enumerate(code_cells(path)):
        for output in cell["outputs"]:
            data = output.get("data", {})
            for kind in ("image/svg+xml", "text/html"):
                found += [(f"code cell {number} {kind} svg", width) for width in svg_widths(text(data.get(kind, "")))]
            if "image/png" in data:
                found.append((f"code cell {number} png", png_width(base64.b64decode(text(data["image/png"])))))
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_every_picture_in_a_notebook_fits_a_900_pixel_column(path: Path) -> None:
    found = pictures(path)
    assert found
    too_wide = [(where, width) for where, width in found
                if width > (MAX_SVG_POINTS if "svg" in where else MAX_PNG_PIXELS)]
    assert not too_wide, f"draw it top to bottom (draw_dot's rankdir='auto') or make the figure narrower: {too_wide}"


@pytest.mark.parametrize("path", DOCS, ids=ids)
def test_every_picture_in_docs_fits_a_900_pixel_column(path: Path) -> None:
    if path.suffix == ".svg":
        widths = svg_widths(path.read_text(encoding="utf-8"))
        assert widths and max(widths) <= MAX_SVG_POINTS
    else:
        assert png_width(path.read_bytes()) <= MAX_PNG_PIXELS


def test_the_readme_shows_the_pictures_in_docs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in DOCS:
        assert f"]({path.relative_to(ROOT)})" in readme, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_saved_outputs_show_how_training_ended_not_a_progress_bar(path: Path) -> None:
    """Online, widgets do not run: a saved bar shows its first step. nn.fit leaves its final line instead."""
    for number, cell in enumerate(code_cells(path)):
        for output in cell["outputs"]:
            shown = text(output.get("text", "")) + text(output.get("data", {}).get("text/plain", ""))
            assert "TqdmWarning" not in shown, f"code cell {number}: run it where ipywidgets is installed"
            assert WIDGET not in output.get("data", {}), f"code cell {number}: a widget, blank or frozen when saved"
            assert not re.search(r"\d+%\|", shown), f"code cell {number}: a progress bar in the saved output"


def math_spans(markdown: str) -> list[str]:
    """Every $$...$$ and $...$ formula of a markdown cell, code spans left out."""
    markdown = re.sub(r"`[^`]*`", "", markdown)
    display = re.findall(r"\$\$(.+?)\$\$", markdown, flags=re.DOTALL)
    inline = re.findall(r"\$([^$]+?)\$", re.sub(r"\$\$(.+?)\$\$", "", markdown, flags=re.DOTALL))
    return display + inline


def outside_text(formula: str) -> str:
    """The formula without its \\text{...} (and \\mathrm, \\operatorname) parts, which render upright."""
    return re.sub(r"\\(?:text|mathrm|operatorname)\{[^{}]*\}", "", formula)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_math_names_and_hangul_are_set_as_text(path: Path) -> None:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for number, cell in enumerate(cells):
        if cell["cell_type"] != "markdown":
            continue
        for formula in math_spans(text(cell["source"])):
            bare = outside_text(formula)
            assert not HANGUL.search(bare), f"cell {number}: Hangul in math renders in italics: {formula!r}"
            words = re.findall(r"(?<![\\A-Za-z])[A-Za-z]{3,}", bare)
            assert not words, f"cell {number}: ${formula}$ renders {words} as a product of letters; use \\text{{}}"
