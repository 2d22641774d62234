"""micrograd's recursive topological sort: right, until a graph is deeper than Python's recursion limit."""

from tests.engines.good import Value as Good


class Value(Good):
    def _order(self):
        order, seen = [], set()

        def build(node):
            if node not in seen:
                seen.add(node)
                for child in node._prev:
                    build(child)
                order.append(node)

        build(self)
        return order
