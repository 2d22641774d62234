"""graphviz.Digraph that says how to install Graphviz when the ``dot`` program is missing.

This module imports ``graphviz`` at the top, so only the drawing functions import it, lazily:
the engine itself never needs Graphviz.
"""

from __future__ import annotations

from typing import Any

import graphviz

INSTALL_HINT = (
    "Drawing needs Graphviz's `dot` program, which is not on PATH. Install it with one of\n"
    "    sudo apt-get install graphviz          (Debian, Ubuntu)\n"
    "    brew install graphviz                  (macOS)\n"
    "    conda install -c conda-forge graphviz  (conda)\n"
    "then restart Python (or the Jupyter kernel). Without it, the graph's DOT text is still in `.source`."
)


class DotNotFound(graphviz.ExecutableNotFound):  # type: ignore[misc]
    """Raised when a graph is rendered on a machine without Graphviz's ``dot`` program."""

    def __init__(self) -> None:
        RuntimeError.__init__(self, INSTALL_HINT)


class Digraph(graphviz.Digraph):  # type: ignore[misc]
    """A ``graphviz.Digraph`` whose rendering (SVG in Jupyter, ``pipe``, ``render``, ``view``)
    turns "executable not found" into instructions for installing Graphviz."""

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().pipe(*args, **kwargs)
        except graphviz.ExecutableNotFound:
            raise DotNotFound() from None

    def render(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().render(*args, **kwargs)
        except graphviz.ExecutableNotFound:
            raise DotNotFound() from None
