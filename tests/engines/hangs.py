"""A backward() that never returns: its loop waits for a stack that is never emptied."""

from tests.engines.good import Value as Good


class Value(Good):
    def backward(self):
        stack = [self]
        while stack:
            node = stack[-1]
            node._backward()
