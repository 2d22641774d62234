"""Run walkthroughs in place, so their saved outputs are what a learner reading them online sees.

    .venv/bin/python scripts/run_notebooks.py                  # every notebook, English and Korean
    .venv/bin/python scripts/run_notebooks.py notebooks/ko/04_training_an_mlp.ipynb

Needs the test extra (nbclient and ipywidgets, as in Jupyter). Widget state is not saved: nothing
the library shows ends as a widget (``nn.fit`` leaves a line of text where its bar was), and the
state of closed widgets is only noise in the file. Each file is written atomically.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograd import write_atomically

ROOT = Path(__file__).resolve().parent.parent


def run(path: Path) -> None:
    """Execute the notebook at ``path`` from its own folder and save it with its new outputs."""
    notebook = nbformat.read(path, as_version=4)
    notebook.metadata.pop("widgets", None)
    NotebookClient(notebook, timeout=600, kernel_name="python3", store_widget_state=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    write_atomically(path, nbformat.writes(notebook) + "\n")


def main() -> None:
    paths = [Path(p) for p in sys.argv[1:]] or sorted(ROOT.glob("notebooks/**/*.ipynb"))
    for path in paths:
        run(path)
        print(f"ran {path}")


if __name__ == "__main__":
    main()
