"""gc_paused: the cyclic collector is off inside, restored after (exceptions, nesting, threads), and the
engine's own loops run inside it; results are the same numbers, bit for bit, as before it existed."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from typing import Any

import pytest

import nn
from autograd import Op, Value, backpropagate, compile, gc_paused, grad


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    """Each test starts with the collector on, and leaves the process as it found it."""
    was_enabled, thresholds = gc.isenabled(), gc.get_threshold()
    gc.enable()
    try:
        yield
        assert gc.get_threshold() == thresholds  # thresholds are never touched
    finally:
        (gc.enable if was_enabled else gc.disable)()


def test_off_inside_and_on_again_after() -> None:
    thresholds = gc.get_threshold()
    with gc_paused():
        assert not gc.isenabled()
        assert gc.get_threshold() == thresholds
    assert gc.isenabled()


def test_restored_when_the_block_raises() -> None:
    with pytest.raises(ZeroDivisionError), gc_paused():
        Value(1.0) / 0.0
    assert gc.isenabled()


def test_nested_pauses_end_with_the_outermost() -> None:
    with gc_paused():
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause is still on
    assert gc.isenabled()


def test_a_collector_the_user_switched_off_stays_off() -> None:
    gc.disable()
    with gc_paused(), gc_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()
    model = nn.MLP(2, [3, 1], seed=0)
    nn.fit(model, [[0.0, 1.0], [1.0, 0.0]], [1, -1], nn.SGD(model.parameters(), lr=0.1), steps=2, progress=False)
    assert not gc.isenabled()


def test_overlapping_pauses_in_two_threads() -> None:
    """A enters, B enters, A leaves: still off (B is inside); B leaves: on again."""
    a_inside, b_inside, a_left, b_may_leave = (threading.Event() for _ in range(4))
    seen: dict[str, bool] = {}

    def a() -> None:
        with gc_paused():
            a_inside.set()
            b_inside.wait()
        a_left.set()

    def b() -> None:
        a_inside.wait()
        with gc_paused():
            b_inside.set()
            b_may_leave.wait()
        seen["after b"] = gc.isenabled()

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    a_left.wait()
    seen["after a, b inside"] = gc.isenabled()
    b_may_leave.set()
    for t in threads:
        t.join()
    assert seen == {"after a, b inside": False, "after b": True}


@pytest.mark.parametrize("user_enabled", [True, False])
def test_many_threads_pausing_at_once_leave_the_collector_as_they_found_it(user_enabled: bool) -> None:
    (gc.enable if user_enabled else gc.disable)()
    start = threading.Barrier(8)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            start.wait()
            for i in range(300):
                with gc_paused():
                    assert not gc.isenabled()
                    with gc_paused():
                        (Value(float(i)) * 2.0 + 1.0).backward()
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert gc.isenabled() is user_enabled


def test_the_backward_walk_runs_paused_and_restores_after_a_failing_rule() -> None:
    x = Value(3.0)
    states: list[bool] = []
    backpropagate([x * x + x], [1.0], on_edge=lambda *edge: states.append(gc.isenabled()))
    assert len(states) == 4 and not any(states)  # two edges into +, two into *
    assert gc.isenabled()
    broken = Op("broken", lambda a: a, lambda a, out: (1.0 / 0.0,))
    with pytest.raises(ZeroDivisionError):
        broken(x).backward()
    assert gc.isenabled()


def test_second_order_gradients_are_built_paused() -> None:
    x = Value(2.0)
    states: list[bool] = []
    backpropagate([x**3], [1.0], create_graph=True, on_edge=lambda *edge: states.append(gc.isenabled()))
    assert states and not any(states)
    assert grad(grad(x**3, [x], create_graph=True)[0], [x])[0] == 12.0
    assert gc.isenabled()


def test_each_step_of_fit_runs_paused() -> None:
    states: list[bool] = []

    class Recording(nn.Module):
        def __init__(self) -> None:
            self.inner = nn.MLP(2, [3, 1], seed=0)

        def __call__(self, x: list[float]) -> Value:
            states.append(gc.isenabled())
            return self.inner(x)  # type: ignore[return-value]

    def recording_loss(outputs: list[Value], labels: list[float]) -> Value:
        states.append(gc.isenabled())
        return nn.hinge_loss(outputs, labels)

    model = Recording()
    nn.fit(model, [[0.0, 1.0], [1.0, 0.0]], [1, -1], nn.SGD(model.parameters(), lr=0.1), loss=recording_loss,
           steps=2, progress=False)
    assert states == [False] * 6  # per step: two samples, one loss
    assert gc.isenabled()

    def failing_loss(outputs: list[Value], labels: list[float]) -> Value:
        raise ValueError("a loss that fails")

    with pytest.raises(ValueError, match="a loss that fails"):
        nn.fit(model, [[0.0, 1.0]], [1], nn.SGD(model.parameters(), lr=0.1), loss=failing_loss, progress=False)
    assert gc.isenabled()


def test_compile_traces_paused() -> None:
    states: list[bool] = []

    def product(a: Value, b: Value) -> Value:
        states.append(gc.isenabled())
        return a * b

    compiled = compile(product, (1.0, 2.0))
    assert states == [False]
    assert gc.isenabled()
    assert compiled(3.0, 4.0)[0] == 12.0


def test_losses_and_modules_pause_while_they_build(monkeypatch: pytest.MonkeyPatch) -> None:
    """Values made inside Layer, MLP and every loss are made with the collector off."""
    import autograd.value

    states: list[bool] = []
    node = autograd.value._node

    def recording_node(*args: Any) -> Value:
        states.append(gc.isenabled())
        return node(*args)

    monkeypatch.setattr(autograd.value, "_node", recording_node)
    z = [Value(0.5), Value(-1.0)]
    for build in (
        lambda: nn.Layer(2, 3, seed=0)([1.0, 2.0]),
        lambda: nn.MLP(2, [3, 1], seed=0)([1.0, 2.0]),
        lambda: nn.mse_loss(z, [1.0, 0.0]),
        lambda: nn.half_squared_error(z, [1.0, 0.0]),
        lambda: nn.hinge_loss(z, [1, -1]),
        lambda: nn.bce_with_logits(z, [1, 0]),
        lambda: nn.cross_entropy([z, z], [0, 1]),
        lambda: nn.l2_penalty(z, 0.1),
    ):
        states.clear()
        build()
        assert states and not any(states), build
        assert gc.isenabled()


def test_results_are_bit_for_bit_those_of_before_the_pauses() -> None:
    """Pinned from the engine before it paused the collector; only + - * / and max, so on every platform."""
    model = nn.MLP(2, [4, 4, 1], seed=0)
    model.load_state_dict({name: ((i * 37) % 17 - 8) / 16 for i, (name, _) in enumerate(model.named_parameters())})
    X = [[(i % 5) / 4 - 0.5, (i % 3) / 2 - 0.5] for i in range(12)]
    y = [1 if (i % 4) < 2 else -1 for i in range(12)]
    history = nn.fit(model, X, y, nn.SGD(model.parameters(), lr=0.5, momentum=0.5), l2=1e-3, steps=10,
                     progress=False)
    assert [v.hex() for v in history.loss] == [
        "0x1.01525ee402bb0p+0", "0x1.012dca920534bp+0", "0x1.00bdb72216991p+0", "0x1.007bc0ece6837p+0",
        "0x1.0005ac8081f92p+0", "0x1.ff5355293db6ep-1", "0x1.ff2af0963345cp-1", "0x1.fe8cadfc7f001p-1",
        "0x1.fec90f2b27044p-1", "0x1.fdc3efae6ecfcp-1",
    ]
    assert history.accuracy[-2:] == [7 / 12, 8 / 12]
    a, b = Value(-4.0), Value(2.0)
    c = (a * b + b**3) / (a - 1.5)
    c.backward()
    assert (c.data.hex(), a.grad.hex(), b.grad.hex()) == ("-0x0.0p+0", "-0x1.745d1745d1746p-2", "-0x1.745d1745d1745p+0")
