"""The demo behind `make demo`: the chain rule on a small expression, drawings, and an MLP trained on moons."""

import io
from pathlib import Path

import nn
from autograd import Value, backward_player, draw_dot, write_atomically

OUT = Path("out")


def classic_expression() -> None:
    """micrograd's test expression: the numbers every scalar engine is checked against."""
    a = Value(-4.0, label="a")
    b = Value(2.0, label="b")
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    print(f"g = {g.data:.4f}   dg/da = {a.grad:.4f}   dg/db = {b.grad:.4f}")


def drawings(out: Path = OUT) -> None:
    """Write the graph of one neuron (SVG) and a small expression's passes, step by step (HTML and GIF)."""
    from graphviz import ExecutableNotFound

    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2, b = Value(-3.0, label="w1"), Value(1.0, label="w2"), Value(6.8813735870195432, label="b")
    z = w1 * x1 + w2 * x2 + b
    z.label = "z"
    a = z.tanh()
    a.label = "a"
    a.backward()

    p, q = Value(2.0, label="p"), Value(-3.0, label="q")
    r = p * q
    r.label = "r"
    s = r + q
    s.label = "s"
    loss = s * s
    try:
        svg = draw_dot(a, params=[w1, w2, b], edge_labels=True).pipe(format="svg", encoding="utf-8")
        player = backward_player(loss, forward=True)  # the forward pass first, then the backward pass
    except ExecutableNotFound as error:  # no Graphviz: say how to install it, keep the rest of the demo
        print(error)
        return
    out.mkdir(exist_ok=True)
    write_atomically(out / "neuron.svg", svg)
    player.save(out / "backward_player.html")
    player.save(out / "backward.gif")
    print(
        f"wrote {out / 'neuron.svg'} (one neuron, after backward), "
        f"{out / 'backward_player.html'} (open it in a browser) and {out / 'backward.gif'} (for slides)"
    )


def train_moons(out: Path = OUT, steps: int = 100) -> nn.MLP:
    """micrograd's demo: MLP(2, [16, 16, 1]) on 100 moons, hinge loss + L2, SGD with a decaying rate.

    Writes the decision boundary (PNG) and the trained model (JSON, reload with ``nn.load``).
    """
    X, y = nn.moons(100, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 1], seed=0)
    optimizer = nn.SGD(model.parameters(), lr=1.0)
    history = nn.fit(
        model, X, y, optimizer, loss=nn.hinge_loss, l2=1e-4, steps=steps, schedule=nn.LinearDecay(1.0, 0.1, steps)
    )
    final = nn.accuracy([model(x) for x in X], y)
    print(f"{model!r}: loss {history.loss[-1]:.4f}, training accuracy {final:.0%} after {steps} steps")
    out.mkdir(exist_ok=True)
    png = io.BytesIO()  # drawn in memory, then written atomically like every other file
    nn.plot_decision_boundary(model, X, y).savefig(png, format="png")
    write_atomically(out / "decision_boundary.png", png.getvalue())
    nn.save(model, out / "moons_mlp.json")
    print(f"wrote {out / 'decision_boundary.png'} and {out / 'moons_mlp.json'}")
    return model


if __name__ == "__main__":
    classic_expression()
    drawings()
    train_moons()
