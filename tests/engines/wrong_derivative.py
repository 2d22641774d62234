"""A wrong local derivative: tanh's slope written 1 - t instead of 1 - t**2."""

from tests.engines.good import Value as Good


class Value(Good):
    def tanh(self):
        return self._unary(self._tanh(), "tanh", lambda out: 1 - out.data)

    def _tanh(self):
        return Good(self.data).tanh().data
