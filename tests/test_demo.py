"""The demo behind `make demo` runs and writes what the README promises (a short run of its training)."""

from __future__ import annotations

import demo
import nn


def test_demo_trains_and_writes_the_picture_and_the_model(tmp_path, capsys) -> None:
    model = demo.train_moons(tmp_path, steps=3)
    printed = capsys.readouterr().out
    assert "MLP(2 -> [16 relu, 16 relu, 1 linear], 337 parameters): loss" in printed
    assert (tmp_path / "decision_boundary.png").read_bytes()[:4] == b"\x89PNG"
    assert nn.load(tmp_path / "moons_mlp.json").state_dict() == model.state_dict()


def test_demo_expression_gives_micrograds_numbers(capsys) -> None:
    demo.classic_expression()
    assert capsys.readouterr().out.strip() == "g = 24.7041   dg/da = 138.8338   dg/db = 645.5773"
