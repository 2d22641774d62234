"""The demo behind `make demo` runs and writes what the README promises (a short run of its training)."""

from __future__ import annotations

import demo
import nn
from tests.conftest import require, require_program


def test_demo_trains_and_writes_the_picture_and_the_model(tmp_path, capsys) -> None:
    model = demo.train_moons(tmp_path, steps=3)
    printed = capsys.readouterr().out
    assert "MLP(2 -> [16 relu, 16 relu, 1 linear], 337 parameters): loss" in printed
    assert (tmp_path / "decision_boundary.png").read_bytes()[:4] == b"\x89PNG"
    assert nn.load(tmp_path / "moons_mlp.json").state_dict() == model.state_dict()


def test_demo_expression_gives_micrograds_numbers(capsys) -> None:
    demo.classic_expression()
    assert capsys.readouterr().out.strip() == "g = 24.7041   dg/da = 138.8338   dg/db = 645.5773"


def test_demo_draws_the_neuron_and_writes_the_player_page_and_gif(tmp_path, capsys) -> None:
    require_program("dot", "CI")
    image = require("PIL.Image", "CI")
    demo.drawings(tmp_path)
    assert "backward.gif (for slides)" in capsys.readouterr().out
    assert (tmp_path / "neuron.svg").read_text(encoding="utf-8").startswith("<?xml")
    page = (tmp_path / "backward_player.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 9  # five values computed forward, the seed, three backward steps
    with image.open(tmp_path / "backward.gif") as gif:
        assert gif.n_frames == 9
