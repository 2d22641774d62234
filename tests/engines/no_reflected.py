"""No operators for a number on the left of -, / and ** (2 - x, 2 / x, 2 ** x)."""

from tests.engines.good import Arithmetic, Functions


class Value(Arithmetic, Functions):
    pass
