"""chainrule as the reference for other engines: it passes itself, checks micrograd 0.1.0 as published,
and names the bug of each broken engine in tests/engines (one classic bug each)."""

from __future__ import annotations

import json
import os
import re
import shutil
import string
import subprocess
import sys
from pathlib import Path

import pytest

from autograd import Value
from autograd.language import MESSAGES
from autograd.reference import CASES, check, expected
from autograd.reference_cases import CHECKS, FAILING, FORMULAS
from autograd.reference_isolation import Done, Raised, TimedOut, run_apart
from autograd.reference_messages import say
from autograd.reference_report import Report, grade
from tests.engines import good

ROOT = Path(__file__).resolve().parent.parent
ENGINES = ROOT / "tests" / "engines"


def failing_checks(report: Report) -> set[str]:
    return {name for name, verdict in report.checks().items() if verdict in FAILING}


def keys(report: Report, check_name: str) -> set[str]:
    """The message keys the cases of one check were explained with."""
    return {key for r in report.results if r.case.check == check_name for key, _ in r.messages}


def test_chainrule_passes_every_case() -> None:
    report = check(Value)
    assert [r.case.name for r in report.results if r.status != "pass"] == []
    assert report.passed and report.exit_code == 0
    assert "Result: nothing fails." in report.text()


def test_the_readme_counts_the_cases_and_checks() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"It runs {len(CASES)} cases in {len(CHECKS)} checks" in readme


def test_every_check_has_cases_and_every_op_check_a_formula() -> None:
    assert {case.check for case in CASES} == set(CHECKS)
    for case in CASES:
        if case.op is not None:
            assert len(FORMULAS[case.op.name]) >= len(case.leaves), case.name


def test_expected_local_derivatives_come_from_the_op_table() -> None:
    tanh = next(case for case in CASES if case.name == "x.tanh()" and case.leaves == (("x", 0.5),))
    out = Value(0.5).tanh()
    assert expected(tanh).grads[0]["x"] == tanh.op.derivatives(0.5, out.data)[0] == 1 - out.data**2  # type: ignore[union-attr]


def test_micrograd_as_published() -> None:
    report = check("micrograd.engine:Value")
    verdicts = report.checks()
    assert {c for c in ("basics", "+", "-", "*", "/", "**", "neg", "relu", "reuse", "order", "reflected",
                        "expressions") if verdicts[c] == "pass"} == {"basics", "+", "-", "*", "/", "**", "neg", "relu",
                                                                      "reuse", "order", "reflected", "expressions"}
    assert [c for c in CHECKS if verdicts[c] == "missing"] == ["exp", "log", "tanh", "sigmoid"]
    assert failing_checks(report) == {"deep", "twice"}
    (deep,) = [r for r in report.results if r.case.check == "deep"]
    assert deep.messages[0][0] == "recursive_sort" and "build_topo" in deep.traceback
    assert 100 < int(deep.messages[0][1]["deepest"].replace(",", "")) < 10_000
    assert "hint_twice_interior" in keys(report, "twice")  # interior gradients are not reset
    refused = [r for r in report.results if r.case.name in ("x ** y", "2 ** x")]
    assert {r.status for r in refused} == {"missing"}  # 0.1.0 takes only number exponents
    assert report.exit_code == 1


BROKEN = {  # engine: the checks that fail, and a message key each must be explained with
    "wrong_derivative": ({"tanh", "expressions"}, "tanh", "wrong_local"),
    "overwrite": ({"reuse", "order", "twice", "expressions"}, "reuse", "hint_accumulate"),
    "breadth_first": ({"order", "expressions"}, "order", "hint_order"),
    "recursive_sort": ({"deep"}, "deep", "recursive_sort"),
    "no_reflected": ({"reflected"}, "reflected", "missing_reflected"),
    "second_backward": ({"twice"}, "twice", "hint_twice_interior"),
    "op_raises": ({"exp"}, "exp", "raised"),
}


@pytest.mark.parametrize("engine", sorted(BROKEN))
def test_each_broken_engine_is_named_by_its_bug(engine: str) -> None:
    failing, named_check, key = BROKEN[engine]
    report = check(f"tests.engines.{engine}:Value")
    assert failing_checks(report) == failing
    assert key in keys(report, named_check)
    assert report.exit_code == 1


def test_the_broken_engines_base_passes_so_each_bug_is_the_only_difference() -> None:
    assert check(good.Value).passed


def test_a_wrong_local_derivative_is_shown_against_the_formula() -> None:
    report = check("tests.engines.wrong_derivative:Value")
    text = report.text()
    assert "x.tanh() (x = 0.5): your d/dx is 0.5379; the local derivative is 1 − tanh² = 0.7864." in text


def test_a_missing_reflected_operator_is_named() -> None:
    report = check("tests.engines.no_reflected:Value")
    named = {params["method"] for r in report.results for key, params in r.messages if key == "missing_reflected"}
    assert named == {"__rsub__", "__rtruediv__", "__rpow__"}


def test_an_exception_in_the_engine_is_a_finding_with_its_traceback() -> None:
    report = check("tests.engines.op_raises:Value")
    errors = [r for r in report.results if r.status == "error"]
    assert {r.case.check for r in errors} == {"exp"}
    assert all("math.exp(self)" in r.traceback and "TypeError" in r.traceback for r in errors)
    assert "reference_isolation" not in errors[0].traceback  # the checker's own frames are left out


def test_a_backward_that_never_returns_times_out_and_the_rest_is_not_run() -> None:
    report = check("tests.engines.hangs:Value", timeout=0.5)
    assert report.results[0].status == "timeout"
    assert report.results[0].messages == (("timed_out", {"timeout": "0.5", "phase": "backward"}),)
    assert {r.status for r in report.results[1:]} == {"skipped"}
    assert "did not finish within 0.5 s (stopped during backward())." in report.text()
    assert report.exit_code == 1


def test_missing_fails_only_when_required() -> None:
    no_functions = type("Value", (good.Arithmetic, good.Reflected), {})
    report = check(no_functions)
    assert [c for c, v in report.checks().items() if v == "missing"] == ["exp", "log", "tanh", "sigmoid"]
    assert report.exit_code == 0
    required = check(no_functions, require="tanh,exp")
    assert required.exit_code == 1 and "MISSING (required)" in required.text()
    assert check(no_functions, require=["relu"]).exit_code == 0


def test_a_failing_expression_names_the_first_node_where_gradients_part() -> None:
    report = check("tests.engines.second_backward:Value")
    (twice,) = [r for r in report.results if r.case.check == "twice"]
    assert twice.node == "h"
    text = " ".join(say("en", key, params) for key, params in twice.messages)
    assert text.startswith("After a second backward(): w.grad is 36.0, expected 24.0.")
    assert "the first gradient that differs is h's: 4.0, expected 2.0. In your graph, h is an input of '*' (loss)." in text


def test_the_report_says_it_runs_the_learners_code_in_both_languages() -> None:
    report = check("micrograd.engine:Value", lang="ko")
    korean = report.text()
    assert korean.splitlines()[1].startswith("이 검사기는 여러분의 코드를 import해서 실행합니다")
    assert "위상 정렬이 재귀로 되어 있습니다" in korean and "결과: 실패." in korean
    english = report.text("en")
    assert english.splitlines()[1].startswith("This checker imports your code and runs it")


def test_every_message_exists_in_both_languages_with_the_same_blanks() -> None:
    checker = {key: texts for key, texts in MESSAGES.items() if key.startswith("reference.")}
    english = {key: texts["en"] for key, texts in checker.items()}
    korean = {key: texts["ko"] for key, texts in checker.items()}
    assert english and english.keys() == korean.keys()

    def blanks(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    assert {key: blanks(english[key]) for key in english} == {key: blanks(korean[key]) for key in korean}


def test_json_for_tools() -> None:
    data = json.loads(check("micrograd.engine:Value").json())
    assert data["exit_code"] == 1 and data["checks"]["deep"] == "fail" and data["checks"]["tanh"] == "missing"
    twice = next(case for case in data["cases"] if case["check"] == "twice")
    assert twice["expected"]["grads"][1]["w"] == 24.0 and twice["actual"]["grads"][1]["w"] == 36.0
    assert twice["messages"][0] == "After a second backward():"
    assert data["runs_your_code"].startswith("This checker imports your code")


def test_a_module_that_fails_to_load_is_a_finding(tmp_path: Path) -> None:
    broken = tmp_path / "broken_engine.py"
    broken.write_text("print('loading')\nraise RuntimeError('half written')\n", encoding="utf-8")
    report = check(f"{broken}:Value")
    assert report.exit_code == 1 and report.load_error is not None
    assert report.load_error[0] == "RuntimeError: half written"
    assert set(report.checks().values()) == {"error"}


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="MODULE:ATTR"):
        check("micrograd.engine")
    with pytest.raises(TypeError, match="engine must be a Value class"):
        check(42)
    with pytest.raises(ValueError, match="lang"):
        check(Value, lang="fr")
    with pytest.raises(ValueError, match="timeout"):
        check(Value, timeout=0)
    with pytest.raises(ValueError, match="require"):
        check(Value, require="tahn")


def test_the_command_line_exit_code() -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        env = os.environ | {"PYTHONPATH": str(ROOT)}
        return subprocess.run([sys.executable, "-m", "autograd.reference", *args], capture_output=True, text=True,
                              cwd=ROOT, env=env, check=False)

    passing = run("tests.engines.good:Value")
    assert passing.returncode == 0 and "Result: nothing fails." in passing.stdout
    failing = run("micrograd.engine:Value", "--json")
    assert failing.returncode == 1 and json.loads(failing.stdout)["checks"]["twice"] == "fail"
    assert run("tests/engines/recursive_sort.py:Value", "--lang", "ko").returncode == 1
    assert run("no-colon").returncode == 2


def test_cases_run_apart_from_the_checker(capfd: pytest.CaptureFixture[str]) -> None:
    for fork in (True, False):  # a child process where the system can fork, else a thread
        assert run_apart(lambda progress: 42, 5.0, fork=fork) == Done(42)
        raised = run_apart(lambda progress: progress("forward") or 1 / 0, 5.0, fork=fork)
        assert isinstance(raised, Raised) and raised.phase == "forward"
        assert raised.error == "ZeroDivisionError: division by zero"
    assert run_apart(lambda progress: print("noise") or 42, 5.0) == Done(42)
    assert "noise" not in capfd.readouterr().out  # what a child prints stays in the child
    ended = run_apart(lambda progress: os._exit(3), 5.0)
    assert isinstance(ended, Raised) and "exit code 3" in ended.error
    assert run_apart(lambda progress: progress("backward") or __import__("time").sleep(5), 0.2) == TimedOut("backward")
    assert "separate thread" in Report("x", (), frozenset(), "en", 1.0, forked=False).text()


def test_draw_shows_the_learners_graph_beside_chainrules() -> None:
    report = check("tests.engines.breadth_first:Value")
    graph = report.draw()
    source = graph.source
    assert "subgraph cluster_y" in source and "subgraph cluster_c" in source
    assert "your engine" in source and "chainrule" in source
    outlined = re.findall(r'^\s*(\w+) \[label=<<TABLE BORDER="3" COLOR="#ea580c"', source, flags=re.MULTILINE)
    assert sorted(outlined) == ["cv1", "yv1"]  # y, the first gradient that differs, in both graphs
    assert "여러분의 엔진" in check("tests.engines.breadth_first:Value", lang="ko").draw(rankdir="TB").source
    with pytest.raises(ValueError, match="no failing case"):
        check(Value).draw()


def test_grading_mode_one_row_per_submission(tmp_path: Path) -> None:
    for name in ("good", "second_backward", "hangs"):
        shutil.copy(ENGINES / f"{name}.py", tmp_path / f"{name}.py")
    (tmp_path / "syntax_error.py").write_text("class Value(:\n", encoding="utf-8")
    grades = grade(tmp_path, timeout=0.5)
    assert [name for name, _, _ in grades.rows] == ["good", "hangs", "second_backward", "syntax_error"]
    rows = {line.split()[0]: line.split() for line in grades.text().splitlines()[3:8]}
    assert rows["submission"] == ["submission", *CHECKS, "passed"]
    assert rows["good"][1:] == ["ok"] * len(CHECKS) + [f"{len(CASES)}/{len(CASES)}"]
    assert rows["second_backward"][CHECKS.index("twice") + 1] == "FAIL"
    assert rows["hangs"][1:3] == ["TIME", "skip"]
    assert set(rows["syntax_error"][1:-1]) == {"ERR"}
    assert "제출물" in grades.text("ko")
    with pytest.raises(ValueError, match="grade: require"):
        grade(tmp_path, require="tahn")
    with pytest.raises(NotADirectoryError, match="not a folder"):
        grade(tmp_path / "good.py")


class AddAndMul:
    """A learner's first Value, as in walkthrough 09's first step: + and * only."""

    def __init__(self, data, _children=(), _op=""):
        self.data, self.grad, self._prev, self._op = data, 0.0, tuple(_children), _op
        self._backward = lambda: None

    def _binary(self, other, data, op, local):
        other = other if isinstance(other, AddAndMul) else AddAndMul(other)
        out = AddAndMul(data(self.data, other.data), (self, other), op)

        def _backward():
            d_self, d_other = local(self.data, other.data)
            self.grad += d_self * out.grad
            other.grad += d_other * out.grad

        out._backward = _backward
        return out

    def __add__(self, other):
        return self._binary(other, lambda a, b: a + b, "+", lambda a, b: (1.0, 1.0))

    def __mul__(self, other):
        return self._binary(other, lambda a, b: a * b, "*", lambda a, b: (b, a))

    def backward(self):
        order = topological_order_of(self)
        for node in order:
            node.grad = 0.0 if node._prev else node.grad
        self.grad = 1.0
        for node in reversed(order):
            node._backward()


def topological_order_of(root):
    order, seen, stack = [], {root}, [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        stack.append((node, True))
        for child in node._prev:
            if child not in seen:
                seen.add(child)
                stack.append((child, False))
    return order


def test_checks_with_nothing_to_say_are_named_in_the_reports_language() -> None:
    """The one line of checks an engine does not do yet names them by op or by title, never by key."""
    report = check(AddAndMul, lang="ko")
    (korean,) = [line for line in report.text().splitlines() if line.startswith("없음 -")]
    assert korean.startswith("없음 -, /, **, neg, exp, log, tanh, relu, sigmoid, 식 전체: ")
    (english,) = [line for line in report.text("en").splitlines() if line.startswith("MISSING -")]
    assert english.startswith("MISSING -, /, **, neg, exp, log, tanh, relu, sigmoid, whole expressions: ")
