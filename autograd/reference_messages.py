"""Every sentence the engine checker says to a learner or a teacher, in English and in Korean.

One table per language with the same keys (a test checks that), so the whole checker speaks either
language and the table can join a project-wide catalogue as it is. Texts fill in ``{names}``
with ``str.format``; numbers, code and names arrive already written as text.
"""

from __future__ import annotations

from collections.abc import Mapping

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        # the report
        "title": "chainrule reference check of {engine}",
        "runs_code_process": "This checker imports your code and runs it: each case in a separate process, "
                             "stopped after {timeout} s.",
        "runs_code_thread": "This checker imports your code and runs it: each case in a separate thread, "
                            "given up after {timeout} s (this system cannot fork; a case that never returns "
                            "keeps running until Python exits).",
        "expected_from": "Expected numbers come from chainrule: local derivatives from its op table, "
                         "whole graphs from its own backward pass.",
        "load_failed": "Could not load {engine}: {error}",
        "summary": "{passed} passed, {failed} failed, {missing} missing, {skipped} not run.",
        "verdict_pass": "Result: nothing fails.",
        "verdict_fail": "Result: FAIL.",
        "missing_note": "MISSING means your Value lacks what the case needs; it fails only checks named "
                        "with --require.",
        "required": "required",
        "traceback": "traceback",
        # verdicts
        "status_pass": "PASS", "status_fail": "FAIL", "status_missing": "MISSING", "status_timeout": "TIMEOUT",
        "status_error": "ERROR", "status_skipped": "NOT RUN",
        # the checks
        "check_basics": "basics: Value(number), +, backward()",
        "check_op": "{op}: the local derivatives, at {count} points",
        "check_reuse": "a node used more than once",
        "check_order": "diamond-shaped graphs (topological order)",
        "check_reflected": "a number on either side of an operator",
        "check_deep": "a long chain of ops",
        "check_twice": "backward() twice on one graph",
        "check_expressions": "whole expressions",
        # what went wrong
        "missing_attribute": "your Value has no {names}.",
        "refused": "your engine refuses it ({error}), so it counts as missing.",
        "counterpart_missing": "this needs {counterpart}, which your engine does not do.",
        "missing_reflected": "your Value has no {method}. When the number is on the left, Python calls "
                             "x.{method}(2); without it, this raises a TypeError.",
        "timed_out": "did not finish within {timeout} s (stopped during {phase}).",
        "skipped_after_timeout": "the basic case timed out, and every case calls backward().",
        "raised": "{phase} raised {error}",
        "phase_start": "setup", "phase_forward": "the forward pass", "phase_backward": "backward()",
        "phase_backward_again": "the second backward()",
        "wrong_forward_op": "your value is {actual}; it should be {expected}.",
        "wrong_forward": "forward pass: {node} is {actual}, expected {expected}.",
        "wrong_local": "your d/d{input} is {actual}; the local derivative is {formula} = {expected}.",
        "wrong_leaf": "{node}.grad is {actual}, expected {expected}.",
        "more_leaves": "({count} more leaves differ.)",
        "first_difference": "Walking back from the output, the first gradient that differs is {node}'s: "
                            "{actual}, expected {expected}.",
        "interior_right": "Every gradient above {node} is right: the mistake is in what reaches {node} itself.",
        "feeds": "In your graph, {node} is an input of {ops}.",
        "after_second": "After a second backward():",
        "recursive_sort": "Your topological sort is recursive: backward() on a chain of {ops} ops raised "
                          "RecursionError (Python allows about {limit} nested calls). The longest chain that "
                          "worked had {deepest} ops. Build the order with a loop and a list used as a stack.",
        # what to look at
        "hint_accumulate": "{node} is used more than once, so its gradient is the sum of the contributions of "
                           "every use. In backward, add each contribution (grad += ...) rather than assign it "
                           "(grad = ...).",
        "hint_order": "{shared}'s gradient was passed on to {node} before every contribution to it had arrived "
                      "(or it was passed on twice). Visit the nodes in topological order, each one after every "
                      "node that uses it, and run each node's backward step once.",
        "hint_expression": "Look at the local derivative of each op {node} is an input of, and check that "
                           "every contribution to {node} is added.",
        "hint_twice_leaf": "{node} is a leaf: as in PyTorch, its gradient should add up across backward() "
                           "calls until you zero it ({before} after the first call, twice that after the "
                           "second). Do not reset leaf gradients inside backward().",
        "hint_twice_interior": "{node} is an interior node: PyTorch recomputes its gradient from zero on every "
                               "backward(), but yours started the second call from {before} and added to it, "
                               "so every node below it received too much. At the start of backward(), set "
                               "the gradient of every node that is not a leaf to 0.",
        "hint_number_right": "{method}(self, other) gets the number as other: turn it into a Value "
                             "(a constant) before using its .data.",
        "hint_number_left": "For 2 {symbol} x, Python calls x.{method}(2): it gets the number as other and "
                            "must compute other {symbol} self.",
        # grading
        "grade_title": "chainrule reference grading: {count} submissions in {folder}",
        "grade_runs": "Each submission was imported and run in its own process (its code runs on this machine).",
        "grade_legend": "ok: every case passed (or is missing) · FAIL: wrong numbers · ERR: raised · TIME: "
                        "timed out · skip: not run · -: missing · MISS: missing but required · passed: cases "
                        "passed of all cases",
        "grade_submission": "submission",
        "grade_passed": "passed",
        "grade_no_report": "{submission}: no report ({detail}).",
        "grade_stopped": "stopped after {seconds} s",
        "grade_exit": "exit code {code}: {last}",
        # drawings
        "draw_yours": "your engine",
        "draw_chainrule": "chainrule",
    },
    "ko": {
        "title": "chainrule 기준 검사: {engine}",
        "runs_code_process": "이 검사기는 여러분의 코드를 import해서 실행합니다. 사례마다 별도의 프로세스에서 "
                             "실행하고, {timeout}초가 지나면 멈춥니다.",
        "runs_code_thread": "이 검사기는 여러분의 코드를 import해서 실행합니다. 사례마다 별도의 스레드에서 "
                            "실행하고, {timeout}초가 지나면 기다리지 않습니다 (이 시스템은 fork를 할 수 없어서, "
                            "끝나지 않는 사례는 파이썬이 끝날 때까지 계속 돕니다).",
        "expected_from": "기댓값은 chainrule에서 나옵니다: 국소 미분은 연산 표에서, 그래프 전체의 기울기는 "
                         "chainrule 자신의 역전파에서.",
        "load_failed": "{engine}을(를) 불러오지 못했습니다: {error}",
        "summary": "통과 {passed}, 실패 {failed}, 없음 {missing}, 실행 안 함 {skipped}.",
        "verdict_pass": "결과: 실패한 사례가 없습니다.",
        "verdict_fail": "결과: 실패.",
        "missing_note": "없음(MISSING)은 여러분의 Value에 그 사례에 필요한 것이 없다는 뜻이며, --require로 "
                        "지정한 검사에서만 실패로 칩니다.",
        "required": "필수",
        "traceback": "트레이스백",
        "status_pass": "통과", "status_fail": "실패", "status_missing": "없음", "status_timeout": "시간 초과",
        "status_error": "오류", "status_skipped": "실행 안 함",
        "check_basics": "기본: Value(수), +, backward()",
        "check_op": "{op}: 국소 미분, {count}개 지점에서",
        "check_reuse": "두 번 이상 쓰인 노드",
        "check_order": "다이아몬드 모양 그래프 (위상 정렬)",
        "check_reflected": "연산자 양쪽에 오는 수",
        "check_deep": "연산이 길게 이어진 사슬",
        "check_twice": "한 그래프에서 backward() 두 번",
        "check_expressions": "식 전체",
        "missing_attribute": "여러분의 Value에 {names}이(가) 없습니다.",
        "refused": "여러분의 엔진이 이 연산을 거부하므로({error}) 없음으로 칩니다.",
        "counterpart_missing": "이 사례에는 {counterpart}이(가) 필요한데, 여러분의 엔진은 이것을 하지 않습니다.",
        "missing_reflected": "여러분의 Value에 {method}이(가) 없습니다. 수가 왼쪽에 오면 파이썬은 "
                             "x.{method}(2)를 부릅니다. 이것이 없으면 TypeError가 납니다.",
        "timed_out": "{timeout}초 안에 끝나지 않아 멈췄습니다 ({phase} 중).",
        "skipped_after_timeout": "기본 사례가 시간 초과되었고, 모든 사례가 backward()를 부르기 때문입니다.",
        "raised": "{phase} 중에 예외가 발생했습니다: {error}",
        "phase_start": "준비", "phase_forward": "순전파", "phase_backward": "backward()",
        "phase_backward_again": "두 번째 backward()",
        "wrong_forward_op": "여러분의 값은 {actual}인데, {expected}이어야 합니다.",
        "wrong_forward": "순전파: {node}의 값이 {actual}인데, 기댓값은 {expected}입니다.",
        "wrong_local": "여러분의 d/d{input}는 {actual}인데, 국소 미분은 {formula} = {expected}입니다.",
        "wrong_leaf": "{node}.grad가 {actual}인데, 기댓값은 {expected}입니다.",
        "more_leaves": "(잎 노드 {count}개가 더 다릅니다.)",
        "first_difference": "출력에서 거꾸로 따라가면 처음으로 어긋나는 기울기는 {node}의 기울기입니다: "
                            "{actual}인데, 기댓값은 {expected}입니다.",
        "interior_right": "{node}보다 위쪽의 기울기는 모두 맞습니다. 잘못은 {node}에 도착하는 값 자체에 있습니다.",
        "feeds": "여러분의 그래프에서 {node}는 {ops}의 입력입니다.",
        "after_second": "backward()를 두 번째로 부른 뒤:",
        "recursive_sort": "위상 정렬이 재귀로 되어 있습니다: 연산 {ops}개짜리 사슬에서 backward()가 "
                          "RecursionError를 냈습니다 (파이썬은 중첩 호출을 약 {limit}번까지 허용합니다). "
                          "통과한 가장 긴 사슬은 연산 {deepest}개였습니다. 재귀 대신 반복문과, 스택으로 쓰는 "
                          "리스트로 순서를 만드세요.",
        "hint_accumulate": "{node}는 두 번 이상 쓰였으므로, 기울기는 쓰인 곳마다의 기여를 모두 더한 값입니다. "
                           "backward에서 기여를 대입하지(grad = ...) 말고 더하세요(grad += ...).",
        "hint_order": "{shared}에 들어올 기여가 다 모이기 전에 {shared}의 기울기가 {node} 쪽으로 전달되었습니다 "
                      "(또는 두 번 전달되었습니다). 노드를 위상 정렬 순서로, 즉 각 노드를 그 노드를 쓰는 모든 "
                      "노드보다 나중에 방문하고, 노드마다 역전파 단계를 한 번만 실행하세요.",
        "hint_expression": "{node}를 입력으로 받는 연산들의 국소 미분을 살펴보고, {node}로 오는 기여가 "
                           "빠짐없이 더해지는지 확인하세요.",
        "hint_twice_leaf": "{node}는 잎 노드입니다. PyTorch처럼, 잎 노드의 기울기는 0으로 되돌릴 때까지 "
                           "backward()를 부를 때마다 쌓여야 합니다 (첫 호출 뒤 {before}, 두 번째 호출 뒤 그 두 배). "
                           "backward() 안에서 잎 노드의 기울기를 초기화하지 마세요.",
        "hint_twice_interior": "{node}는 중간 노드입니다. PyTorch는 backward()를 부를 때마다 중간 노드의 "
                               "기울기를 0에서부터 다시 계산하는데, 여러분의 엔진은 두 번째 호출을 {before}에서 "
                               "시작해 그 위에 더했고, 그래서 그 아래의 모든 노드가 너무 많이 받았습니다. "
                               "backward()를 시작할 때 잎 노드가 아닌 모든 노드의 기울기를 0으로 두세요.",
        "hint_number_right": "{method}(self, other)는 수를 other로 받습니다. .data를 쓰기 전에 그 수를 "
                             "Value(상수)로 바꾸세요.",
        "hint_number_left": "2 {symbol} x를 계산할 때 파이썬은 x.{method}(2)를 부릅니다. 수를 other로 받아서 "
                            "other {symbol} self를 계산해야 합니다.",
        "grade_title": "chainrule 기준 채점: {folder}의 제출물 {count}개",
        "grade_runs": "제출물마다 별도의 프로세스에서 import해 실행했습니다 (제출된 코드가 이 컴퓨터에서 실행됩니다).",
        "grade_legend": "ok: 모든 사례 통과 (또는 없음) · FAIL: 틀린 값 · ERR: 예외 발생 · TIME: 시간 초과 · "
                        "skip: 실행 안 함 · -: 없음 · MISS: 필수인데 없음 · 통과: 전체 사례 중 통과한 수",
        "grade_submission": "제출물",
        "grade_passed": "통과",
        "grade_no_report": "{submission}: 보고서 없음 ({detail}).",
        "grade_stopped": "{seconds}초 뒤에 멈춤",
        "grade_exit": "종료 코드 {code}: {last}",
        "draw_yours": "여러분의 엔진",
        "draw_chainrule": "chainrule",
    },
}  # fmt: skip
LANGUAGES = tuple(MESSAGES)


def say(lang: str, key: str, params: Mapping[str, str] | None = None) -> str:
    """The sentence ``key`` in ``lang`` with ``params`` filled in; a phase is named in the same language."""
    table = MESSAGES[lang]
    params = dict(params or {})
    if "phase" in params:
        params["phase"] = table["phase_" + params["phase"]]
    return table[key].format(**params)
