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
