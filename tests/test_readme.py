"""Every ```python block in both READMEs runs, so neither the English nor the Korean one can drift from the code."""

from __future__ import annotations

import contextvars
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
READMES = ("README.md", "README.ko.md")
BLOCKS = {
    name: re.findall(r"```python\n(.*?)```", (ROOT / name).read_text(encoding="utf-8"), flags=re.DOTALL)
    for name in READMES
}


@pytest.mark.parametrize("name", READMES)
def test_the_readme_has_examples(name: str) -> None:
    assert len(BLOCKS[name]) >= 2


def test_the_english_readme_links_the_korean_one_in_its_first_lines() -> None:
    assert "(README.ko.md)" in "\n".join((ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:5])
    assert "(README.md)" in (ROOT / "README.ko.md").read_text(encoding="utf-8").splitlines()[2]


@pytest.mark.parametrize(("name", "index"), [(name, i) for name in READMES for i in range(len(BLOCKS[name]))])
def test_readme_example_runs(name: str, index: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    code = compile(BLOCKS[name][index], f"{name} block {index}", "exec")
    # a copy of the context: a block that sets the language (set_language("ko")) leaves other tests in English
    contextvars.copy_context().run(exec, code, {"__name__": "__readme__"})


def test_the_readmes_excerpts_of_generated_code_are_what_compile_writes() -> None:
    """The plain blocks that show compiled code: the neuron's whole source, and lines of the MLP's batch code."""
    import nn
    from autograd import Value
    from autograd import compile as compile_graph

    plain: list[str] = []  # the blocks fenced by a bare ``` (no language), as text
    lines: list[str] | None = None  # the lines of the block being read
    language = ""
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if not line.startswith("```"):
            if lines is not None:
                lines.append(line)
        elif lines is None:
            lines, language = [], line.removeprefix("```")
        else:
            if not language:
                plain.append("\n".join(lines) + "\n")
            lines = None
    (source,) = [block for block in plain if block.startswith("def neuron(")]
    w1, w2, b = Value(0.5, label="w1"), Value(-0.3, label="w2"), Value(0.1, label="b")

    def neuron(x1: Value, x2: Value) -> Value:
        return (x1 * w1 + x2 * w2 + b).tanh()

    assert compile_graph(neuron, (1.0, 2.0), wrt=[w1, w2, b], lang="en").source == source
    (excerpt,) = [block for block in plain if block.startswith("Z_layers_0 = ")]
    model = nn.MLP(2, [16, 16, 1], seed=0)
    params = model.parameters()
    batch = compile_graph(lambda x, y: (1.0 - y * model(x)).relu() + nn.l2_penalty(params, 1e-4),
                          ([0.0, 0.0], 1.0), wrt=params, lang="en").batch_source
    written = {line.strip() for line in batch.splitlines()}
    assert [line for line in excerpt.splitlines() if line != "..." and line not in written] == []
