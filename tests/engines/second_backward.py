"""micrograd's second backward(): interior gradients are never reset, so a second call adds to stale ones."""

from tests.engines.good import Value as Good


class Value(Good):
    def backward(self):
        self.grad = 1.0
        for node in reversed(self._order()):
            node._backward()
