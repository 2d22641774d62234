"""Screenshots of the backward player in English and Korean for the README (docs/player.en.png, docs/player.ko.png).

Run from the repository's root: ``python scripts/player_screenshots.py`` (needs Graphviz and Chromium).
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

from autograd import Value, backward_player, write_atomically

STEP = 12  # the forward pass (10 frames), the seed, then the first step of the backward pass: a = tanh(z)
SIZE = "960,540"  # a projector's 16:9 at the width of a README column


def neuron() -> Value:
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2, b = Value(-3.0, label="w1"), Value(1.0, label="w2"), Value(6.8813735870195432, label="b")
    z = w1 * x1 + w2 * x2 + b
    z.label = "z"
    a = z.tanh()
    a.label = "a"
    return a


def main() -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or "chromium"
    with tempfile.TemporaryDirectory() as folder:
        for lang in ("en", "ko"):
            page = backward_player(neuron(), forward=True, lang=lang).save(Path(folder) / f"player.{lang}.html")
            shot = Path(folder) / f"player.{lang}.png"
            subprocess.run(
                [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--hide-scrollbars", f"--window-size={SIZE}", f"--screenshot={shot}",
                 f"{page.resolve().as_uri()}#step={STEP}"],
                check=True, capture_output=True,
            )
            target = Path("docs") / f"player.{lang}.png"
            write_atomically(target, shot.read_bytes())
            print(target)


if __name__ == "__main__":
    main()
