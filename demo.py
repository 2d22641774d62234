"""The demo behind `make demo`: the chain rule on a small expression."""

from autograd import Value


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


if __name__ == "__main__":
    classic_expression()
