"""An op that raises: exp() hands a Value to math.exp."""

import math

from tests.engines.good import Value as Good


class Value(Good):
    def exp(self):
        return self._unary(math.exp(self), "exp", lambda out: out.data)
