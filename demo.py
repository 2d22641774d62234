"""The demo behind `make demo`: the chain rule on a small expression."""

from pathlib import Path

from autograd import Value, backward_player, draw_dot


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


def drawings(out: Path = Path("out")) -> None:
    """Write the graph of one neuron (SVG) and a small expression's backward pass, step by step (HTML)."""
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
        player = backward_player(loss)
    except ExecutableNotFound as error:  # no Graphviz: say how to install it, keep the rest of the demo
        print(error)
        return
    out.mkdir(exist_ok=True)
    (out / "neuron.svg").write_text(svg, encoding="utf-8")
    player.save(out / "backward_player.html")
    print(
        f"wrote {out / 'neuron.svg'} (one neuron, after backward) and "
        f"{out / 'backward_player.html'} (open it in a browser)"
    )


if __name__ == "__main__":
    classic_expression()
    drawings()
