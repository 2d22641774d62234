"""A micrograd-style engine without micrograd's faults; each broken engine here changes one thing of it.

Every contribution to a gradient goes through ``_receive`` and the backward order comes from
``_order``, so a classic bug is one small override. ``Arithmetic`` has + - * / ** and relu;
``Reflected`` adds the operators Python calls when a number is on the left of -, / and **;
``Functions`` adds exp, log, tanh and sigmoid. ``Value`` has them all.
"""

import math


class Arithmetic:
    def __init__(self, data, _children=(), _op=""):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = tuple(_children)
        self._op = _op

    def _lift(self, other):
        return other if isinstance(other, Arithmetic) else type(self)(other)

    def _receive(self, contribution):
        self.grad += contribution

    def __add__(self, other):
        other = self._lift(other)
        out = type(self)(self.data + other.data, (self, other), "+")

        def _backward():
            self._receive(out.grad)
            other._receive(out.grad)

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = self._lift(other)
        out = type(self)(self.data * other.data, (self, other), "*")

        def _backward():
            self._receive(other.data * out.grad)
            other._receive(self.data * out.grad)

        out._backward = _backward
        return out

    def __pow__(self, other):
        other = self._lift(other)
        out = type(self)(self.data**other.data, (self, other), "**")

        def _backward():
            self._receive(other.data * self.data ** (other.data - 1) * out.grad)
            slope = out.data * math.log(self.data) if self.data > 0 else math.nan
            other._receive(slope * out.grad)

        out._backward = _backward
        return out

    def _unary(self, data, op, local):
        out = type(self)(data, (self,), op)

        def _backward():
            self._receive(local(out) * out.grad)

        out._backward = _backward
        return out

    def relu(self):
        return self._unary(max(self.data, 0.0), "ReLU", lambda out: 1.0 if self.data > 0 else 0.0)

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __truediv__(self, other):
        return self * other**-1

    __radd__ = __add__
    __rmul__ = __mul__

    def _order(self):
        order, seen, stack = [], {self}, [(self, iter(self._prev))]
        while stack:
            node, children = stack[-1]
            child = next((c for c in children if c not in seen), None)
            if child is None:
                order.append(node)
                stack.pop()
            else:
                seen.add(child)
                stack.append((child, iter(child._prev)))
        return order

    def backward(self):
        order = self._order()
        for node in order:
            if node._prev:  # interior gradients start from zero on every call; leaves accumulate
                node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            node._backward()

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"


class Functions:
    def exp(self):
        return self._unary(math.exp(self.data), "exp", lambda out: out.data)

    def log(self):
        return self._unary(math.log(self.data), "log", lambda out: 1 / self.data)

    def tanh(self):
        return self._unary(math.tanh(self.data), "tanh", lambda out: 1 - out.data**2)

    def sigmoid(self):
        s = 1 / (1 + math.exp(-self.data)) if self.data >= 0 else math.exp(self.data) / (1 + math.exp(self.data))
        return self._unary(s, "sigmoid", lambda out: out.data * (1 - out.data))


class Reflected:
    def __rsub__(self, other):
        return self._lift(other) - self

    def __rtruediv__(self, other):
        return self._lift(other) / self

    def __rpow__(self, other):
        return self._lift(other) ** self


class Value(Arithmetic, Reflected, Functions):
    pass
