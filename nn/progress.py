"""``fit``'s progress: a tqdm bar while training, then one line of plain text that says how it ended.

In Jupyter the bar is a widget, and the line takes its place when training ends: a saved notebook,
read on a code-hosting site where widgets do not run, shows that line rather than a bar frozen at
its first step. In a terminal the bar goes away and the line is printed. Without tqdm (the
``progress`` extra) only the line is printed.
"""

from __future__ import annotations

from typing import Any


class Progress:
    """A bar over ``steps`` steps (``update`` after each), ended by ``finish(line)``."""

    def __init__(self, steps: int, description: str, unit: str) -> None:
        self.bar: Any = None
        self.place: Any = None  # the widget's place in the notebook's output, in Jupyter
        try:
            from tqdm.auto import tqdm  # type: ignore[import-untyped, unused-ignore]
            from tqdm.notebook import tqdm as widget  # type: ignore[import-untyped, unused-ignore]
        except ImportError:
            return
        if issubclass(tqdm, widget):  # in Jupyter: shown where the line will replace it
            from IPython.display import display

            self.bar = tqdm(total=steps, desc=description, unit=unit, leave=False, display=False)
            self.place = display(self.bar.container, display_id=True)  # type: ignore[no-untyped-call]
        else:
            self.bar = tqdm(total=steps, desc=description, unit=unit, leave=False)

    def update(self, shown: dict[str, str]) -> None:
        """One step done; ``shown`` (e.g. the loss and accuracy) is written beside the bar."""
        if self.bar is not None:
            self.bar.set_postfix(shown, refresh=False)
            self.bar.update()

    def finish(self, line: str) -> None:
        """Close the bar and leave ``line`` in its place (in Jupyter) or after it."""
        if self.bar is not None:
            self.bar.close()
        if self.place is not None:
            from IPython.display import Pretty

            self.place.update(Pretty(line))  # type: ignore[no-untyped-call]
        else:
            print(line)
