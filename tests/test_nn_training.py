"""Training: the quality bar on moons, fit's history and progress bar, accuracy, the decision-boundary plot."""

from __future__ import annotations

import pytest

import nn
from autograd import Value


def test_the_quality_bar_100_percent_on_moons_within_100_sgd_steps() -> None:
    X, y = nn.moons(100, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 1], seed=0)
    optimizer = nn.SGD(model.parameters(), lr=1.0)
    history = nn.fit(
        model, X, y, optimizer, loss=nn.hinge_loss, l2=1e-4, steps=100,
        schedule=nn.LinearDecay(1.0, 0.1, 100), progress=False,
    )
    assert len(history.loss) == len(history.accuracy) == 100
    assert history.accuracy[0] < 0.9 and 1.0 in history.accuracy
    assert nn.accuracy([model(x) for x in X], y) == 1.0  # after the last update too
    assert history.loss[-1] < 0.1 * history.loss[0]


def test_fit_is_the_loop_written_by_hand() -> None:
    X, y = nn.xor(40, seed=1)
    by_fit = nn.MLP(2, [6, 1], activation="tanh", seed=2)
    history = nn.fit(by_fit, X, y, nn.Adam(by_fit.parameters(), lr=0.05), loss=nn.hinge_loss, steps=5, progress=False)
    by_hand = nn.MLP(2, [6, 1], activation="tanh", seed=2)
    optimizer = nn.Adam(by_hand.parameters(), lr=0.05)
    losses = []
    for _ in range(5):
        loss = nn.hinge_loss([by_hand(x) for x in X], y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.data)
    assert history.loss == losses
    assert by_fit.state_dict() == {name: p.data for name, p in by_hand.named_parameters()}


def test_fit_with_minibatches_and_cross_entropy() -> None:
    X, y = nn.spiral(60, classes=3, seed=0, labels="index")
    model = nn.MLP(2, [8, 3], activation="tanh", seed=0)
    history = nn.fit(
        model, X, y, nn.Adam(model.parameters(), lr=0.05), loss=nn.cross_entropy, steps=30, batch_size=20,
        seed=0, progress=False,
    )
    assert history.loss[-1] < history.loss[0]
    assert all(0.0 <= a <= 1.0 for a in history.accuracy)


def test_fit_shows_a_progress_bar_then_the_final_state_as_text(capsys) -> None:
    """tqdm is in the test extra; the final line is printed with or without it."""
    X, y = nn.moons(10, seed=0)
    model = nn.MLP(2, [3, 1], seed=0)
    history = nn.fit(model, X, y, nn.SGD(model.parameters(), lr=0.1), steps=3)
    printed = capsys.readouterr()
    assert "fit:" in printed.err and "/3 [" in printed.err  # the bar, erased when done (leave=False)
    final = f"fit: step 3/3: loss {history.loss[-1]:.4f}, accuracy {history.accuracy[-1]:.0%}\n"
    assert printed.out == final  # plain text: what a notebook saved with a widget bar still shows
    nn.fit(model, X, y, nn.SGD(model.parameters(), lr=0.1), steps=3, progress=False)
    assert capsys.readouterr() == ("", "")


def test_fit_in_jupyter_leaves_its_final_line_where_the_bar_was() -> None:
    """Run as a learner runs it, in a kernel with ipywidgets: the saved output is the line, no widget."""
    nbformat = pytest.importorskip("nbformat")
    from nbclient import NotebookClient

    code = ("import nn\nX, y = nn.moons(10, seed=0)\nmodel = nn.MLP(2, [3, 1], seed=0)\n"
            "history = nn.fit(model, X, y, nn.SGD(model.parameters(), lr=0.1), steps=3)\n"
            "print(f'{history.loss[-1]:.4f} {history.accuracy[-1]:.0%}')")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    NotebookClient(notebook, timeout=60, kernel_name="python3").execute()
    outputs = notebook.cells[0].outputs
    assert [output.output_type for output in outputs] == ["display_data", "stream"]  # the bar's place, then print
    loss, accuracy = outputs[1].text.split()
    assert outputs[0].data == {"text/plain": f"fit: step 3/3: loss {loss}, accuracy {accuracy}"}


def test_fit_rejects_mismatched_data() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    with pytest.raises(ValueError, match="fit: needs as many labels as inputs"):
        nn.fit(model, [[0.0, 1.0]], [1, -1], nn.SGD(model.parameters(), lr=0.1), progress=False)


def test_accuracy_for_scores_and_for_logits() -> None:
    assert nn.accuracy([Value(0.3), -0.2, 1.5], [1, -1, -1]) == pytest.approx(2 / 3)
    assert nn.accuracy([0.3, -0.2], [1, 0]) == 1.0
    assert nn.accuracy([[0.1, 2.0, -1.0], [Value(3.0), 0.0, 0.0]], [1, 2]) == 0.5
    with pytest.raises(ValueError, match="accuracy: needs as many labels as outputs"):
        nn.accuracy([0.1], [])


def test_decision_boundary_plot_writes_a_png(tmp_path) -> None:
    X, y = nn.moons(30, seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    figure = nn.plot_decision_boundary(model, X, y, resolution=20)
    path = tmp_path / "boundary.png"
    figure.savefig(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert all(p.grad == 0.0 for p in model.parameters())  # drawn under no_grad: no graph, no gradients
    with pytest.raises(ValueError, match="needs 2-D points"):
        nn.plot_decision_boundary(model, [[1.0, 2.0, 3.0]], [1])


def test_a_training_loop_leaves_nothing_for_the_cyclic_collector() -> None:
    """Each step's graph is freed by reference counting the moment the next step replaces it."""
    import gc

    X, y = nn.moons(20, seed=0)
    model = nn.MLP(2, [8, 8, 1], seed=0)
    optimizer = nn.SGD(model.parameters(), lr=0.5)
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            scores = [model(x) for x in X]
            loss = nn.hinge_loss(scores, y) + nn.l2_penalty(model.parameters(), 1e-4)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        nn.fit(model, X, y, optimizer, steps=2, progress=False)
        del scores, loss
        assert gc.collect() == 0
    finally:
        gc.enable()
