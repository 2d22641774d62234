"""The language of every text a learner reads: one catalogue, English and Korean, chosen per context.

``set_language("ko")`` switches the player, ``explain``, the gradient-check tables, collapsed-box
labels, ``nn.fit``'s progress, nn's module reprs, the engine checker's reports and the comments of
compiled code; a ``lang=`` argument overrides it for one call, and the
``CHAINRULE_LANG`` environment variable sets the default. The setting is context-local, like grad
mode. Exception messages stay English, so they can be searched for.
"""

from __future__ import annotations

import contextvars
import os
import unicodedata

LANGUAGES = ("en", "ko")
ENVIRONMENT_VARIABLE = "CHAINRULE_LANG"

_chosen: contextvars.ContextVar[str | None] = contextvars.ContextVar("chainrule_language", default=None)

MESSAGES: dict[str, dict[str, str]] = {
    # the backward player: its buttons and page
    "player.title": {"en": "The backward pass, step by step", "ko": "역전파, 한 단계씩"},
    "player.previous": {"en": "◀ Previous", "ko": "◀ 이전"},
    "player.next": {"en": "Next ▶", "ko": "다음 ▶"},
    "player.play": {"en": "▶ Play", "ko": "▶ 재생"},
    "player.pause": {"en": "⏸ Pause", "ko": "⏸ 일시 정지"},
    "player.fit": {"en": "Fit", "ko": "맞춤"},
    "player.zoom_in": {"en": "Zoom in", "ko": "확대"},
    "player.zoom_out": {"en": "Zoom out", "ko": "축소"},
    "player.slider": {"en": "Step", "ko": "단계"},
    "player.keys": {
        "en": "Keys: ← → step, space play or pause, Home first, End last",
        "ko": "키: ← → 한 단계씩, 스페이스 재생·정지, Home 처음, End 끝",
    },
    "player.forward_phase": {"en": "Forward pass", "ko": "순전파"},
    "player.backward_phase": {"en": "Backward pass", "ko": "역전파"},
    "player.arithmetic": {"en": "The arithmetic of this step", "ko": "이 단계의 계산"},
    # the narration of the forward phase
    "forward.start": {
        "en": "Forward pass: the values are computed node by node, inputs first (topological order).",
        "ko": "순전파: 입력부터 위상 정렬 순서대로 노드마다 값을 계산합니다.",
    },
    "forward.leaf": {"en": "{n} = {value} is an input.", "ko": "{n} = {value}: 입력값입니다."},
    "forward.op": {"en": "{n} = {formula} = {value}.", "ko": "{n} = {formula} = {value}."},
    "forward.done": {
        "en": "The forward pass is done; the backward pass starts from {r}.",
        "ko": "순전파가 끝났습니다. 이제 {r}에서 역전파를 시작합니다.",
    },
    # the narration of the backward phase
    "backward.start": {
        "en": (
            "Start: {r}.grad = ∂{r}/∂{r} = {seed}, the seed. For every node n, n.grad is ∂{r}/∂n, the number "
            "in its grad cell. Each step takes a node whose grad is complete and sends grad × local derivative "
            "to each of its inputs; where an input is used more than once, its contributions add up."
        ),
        "ko": (
            "시작: {r}.grad = ∂{r}/∂{r} = {seed}, 출발점이 되는 기울기입니다. 모든 노드 n에서 n.grad는 "
            "∂{r}/∂n이고, 상자의 grad 칸에 적힌 수입니다. 각 단계는 기울기가 완성된 노드 하나를 골라 "
            "상류 기울기 × 국소 미분을 각 입력으로 보냅니다. 여러 번 쓰인 입력에는 기여가 더해집니다."
        ),
    },
    "backward.step": {
        "en": "Step {k} of {steps}: {n} = {formula}, and {n}.grad = {grad} is complete.",
        "ko": "{steps}단계 중 {k}단계: {n} = {formula}. 완성된 기울기 {n}.grad = {grad}.",
    },
    "backward.edge": {
        "en": "local {local}; {c}.grad += {n}.grad × ∂{n}/∂{c} = {product}, so {c}.grad = {total} ({status}).",
        "ko": "국소 미분 {local}; {c}.grad += {n}.grad × ∂{n}/∂{c} = {product}, 따라서 {c}.grad = {total} ({status}).",
    },
    "backward.final": {"en": "final", "ko": "완성"},
    "backward.so_far": {"en": "so far", "ko": "지금까지"},
    "backward.done": {"en": "All gradients are now final.", "ko": "이제 모든 기울기가 완성되었습니다."},
    # the arithmetic panel beside the drawing
    "panel.forward": {"en": "forward pass", "ko": "순전파"},
    "panel.seed": {"en": "the seed", "ko": "출발 기울기"},
    "panel.chain_rule": {"en": "chain rule", "ko": "연쇄 법칙"},
    "panel.local": {"en": "local derivative", "ko": "국소 미분"},
    "panel.product": {"en": "upstream × local = contribution", "ko": "상류 기울기 × 국소 미분 = 기여"},
    "panel.sum": {"en": "sum of the contributions to {c}.grad", "ko": "{c}.grad에 더해진 기여의 합"},
    # explain
    "explain.no_path": {
        "en": "{grad} = 0.0: {r} does not depend on {w} (there is no path from {r} to {w}).",
        "ko": "{grad} = 0.0: {r}에서 {w}까지 이어지는 경로가 없습니다. 즉 {r}의 값은 {w}에 의존하지 않습니다.",
    },
    "explain.itself": {
        "en": "{grad} = 1.0: the path from {r} to itself has no edge.",
        "ko": "{grad} = 1.0: {r}에서 자기 자신으로 가는 경로에는 간선이 없습니다.",
    },
    "explain.terms": {
        "en": "  one term per path, one factor per edge:",
        "ko": "  경로마다 항 하나, 간선마다 인수 하나:",
    },
    "explain.too_many": {
        "en": "{grad} is a sum over {count} paths, too many to list (max_paths={listed}).",
        "ko": "{grad}: 경로 {count}개에 대한 합입니다. 모두 적기에는 너무 많습니다(max_paths={listed}).",
    },
    "explain.largest": {"en": "  the {listed} largest contributions:", "ko": "  가장 큰 기여 {listed}개:"},
    "explain.sum_all": {"en": "  sum over all {count} paths = {total}", "ko": "  경로 {count}개 전체의 합 = {total}"},
    "explain.rules": {"en": "  the local derivatives on these paths:", "ko": "  이 경로들의 국소 미분:"},
    "explain.input": {"en": "input {k}", "ko": "{k}번째 입력"},
    "explain.more": {"en": "… {count} more", "ko": "… 그 밖에 {count}개"},
    "explain.more_factors": {"en": "…{count} more…", "ko": "…{count}개 생략…"},
    "explain.same": {
        "en": "backward() gives {grad} = {gradient}: the same.",
        "ko": "backward()의 결과도 {grad} = {gradient}: 같습니다.",
    },
    "explain.different": {
        "en": "backward() gives {grad} = {gradient}: DIFFERENT: please report this as a bug.",
        "ko": "backward()의 결과는 {grad} = {gradient}: 다릅니다! 버그이니 알려 주세요.",
    },
    # gradcheck, gradgradcheck, check_local_derivatives: the table under the (English) title
    "check.input": {"en": "input", "ko": "입력"},
    "check.analytic": {"en": "analytic", "ko": "해석적"},
    "check.numeric": {"en": "numeric", "ko": "수치"},
    "check.abs_err": {"en": "abs err", "ko": "절대 오차"},
    "check.rel_err": {"en": "rel err", "ko": "상대 오차"},
    "check.worst": {"en": "<- worst", "ko": "<- 가장 나쁨"},
    "check.fails": {"en": "<- fails", "ko": "<- 실패"},
    "check.rule": {
        "en": "passes when |analytic - numeric| <= atol + rtol * |numeric| ({settings})",
        "ko": "|해석적 - 수치| <= atol + rtol * |수치|이면 통과 ({settings})",
    },
    # draw_dot's collapsed boxes
    "draw.param": {"en": "{count} param", "ko": "매개변수 {count}개"},
    "draw.params": {"en": "{count} params", "ko": "매개변수 {count}개"},
    "draw.op": {"en": "{count} op", "ko": "연산 {count}개"},
    "draw.ops": {"en": "{count} ops", "ko": "연산 {count}개"},
    "draw.output": {"en": "out {data}, grad {grad}", "ko": "출력 {data}, grad {grad}"},
    "draw.more_output": {"en": "… {count} more output", "ko": "… 출력 {count}개 더"},
    "draw.more_outputs": {"en": "… {count} more outputs", "ko": "… 출력 {count}개 더"},
    # nn's modules as repr() shows them: Neuron(2 inputs, relu), MLP(2 -> [16 relu, 1 linear], 65 parameters)
    "module.input": {"en": "{count} input", "ko": "입력 {count}개"},
    "module.inputs": {"en": "{count} inputs", "ko": "입력 {count}개"},
    "module.parameter": {"en": "{count} parameter", "ko": "매개변수 {count}개"},
    "module.parameters": {"en": "{count} parameters", "ko": "매개변수 {count}개"},
    # nn.fit
    "fit.bar": {"en": "fit", "ko": "학습"},
    "fit.unit": {"en": "step", "ko": "스텝"},
    "fit.loss": {"en": "loss", "ko": "손실"},
    "fit.accuracy": {"en": "accuracy", "ko": "정확도"},
    "fit.summary": {
        "en": "fit: step {steps}/{steps}: loss {loss}, accuracy {accuracy}",
        "ko": "학습: 스텝 {steps}/{steps}: 손실 {loss}, 정확도 {accuracy}",
    },
    # the comments in the code compile writes (source, batch_source)
    "code.forward": {"en": "forward: one line per op", "ko": "순전파: 연산마다 한 줄"},
    "code.backward": {
        "en": "backward: the chain rule, one line per edge, from {root} back to the inputs",
        "ko": "역전파: 연쇄 법칙, 간선마다 한 줄, {root}에서 입력까지",
    },
    "code.by_reference": {
        "en": "op {op} has no code: its own rule, by reference",
        "ko": "연산 {op}에는 코드가 없어 그 규칙을 그대로 부릅니다",
    },
    "code.batch_header": {
        "en": "where the arrays sit in params (the captured leaves, in order), and constant arrays",
        "ko": "각 배열이 params(함수가 붙잡은 잎, 순서대로)의 어디에 있는지, 그리고 상수 배열",
    },
    "code.batch_forward": {
        "en": "forward: one array operation per group of alike ops, one line per other op",
        "ko": "순전파: 같은 연산의 묶음마다 배열 연산 하나, 다른 연산은 한 줄씩",
    },
    "code.batch_backward": {
        "en": "backward: the chain rule, from {root} back to the inputs; a group's edges in matrix form",
        "ko": "역전파: 연쇄 법칙, {root}에서 입력까지. 묶음의 간선은 행렬로",
    },
    "code.sum": {"en": "{count} sum of {products} products", "ko": "곱 {products}개의 합 {count}개"},
    "code.sums": {"en": "{count} sums of {products} products", "ko": "곱 {products}개의 합 {count}개"},
    "code.term": {"en": " + {count} term", "ko": " + 항 {count}개"},
    "code.terms": {"en": " + {count} terms", "ko": " + 항 {count}개"},
    "code.ops": {"en": "{count} {op}", "ko": "{op} {count}개"},
    "code.layer": {"en": "{sums}{terms} ({names}): replaces {ops}", "ko": "{sums}{terms} ({names}): {ops}를 대신합니다"},
    "code.elementwise": {"en": "replaces {ops} ({names})", "ko": "{ops}를 대신합니다 ({names})"},
    "code.reduction": {"en": "replaces {ops}", "ko": "{ops}를 대신합니다"},
    "code.edges": {"en": "replaces {count} edges", "ko": "간선 {count}개를 대신합니다"},
    "code.weights": {
        "en": "dE/dW = δ xᵀ, summed over the samples: replaces {count} edges into weights",
        "ko": "dE/dW = δ xᵀ, 표본에 걸쳐 더함: 가중치로 가는 간선 {count}개를 대신합니다",
    },
    "code.to_inputs": {
        "en": "δ back to the inputs: replaces {count} edges",
        "ko": "δ를 입력으로 돌려보냄: 간선 {count}개를 대신합니다",
    },
    # the engine checker (autograd.reference): its reports, grading tables and drawings
    "reference.title": {"en": 'chainrule reference check of {engine}', "ko": 'chainrule 기준 검사: {engine}'},
    "reference.runs_code_process": {
        "en": (
            'This checker imports your code and runs it: each case in a separate process, stopped after '
            '{timeout} s.'
        ),
        "ko": '이 검사기는 여러분의 코드를 import해서 실행합니다. 사례마다 별도의 프로세스에서 실행하고, {timeout}초가 지나면 멈춥니다.',
    },
    "reference.runs_code_thread": {
        "en": (
            'This checker imports your code and runs it: each case in a separate thread, given up after '
            '{timeout} s (this system cannot fork; a case that never returns keeps running until Python '
            'exits).'
        ),
        "ko": (
            '이 검사기는 여러분의 코드를 import해서 실행합니다. 사례마다 별도의 스레드에서 실행하고, {timeout}초가 지나면 기다리지 않습니다 (이 시스템은 '
            'fork를 할 수 없어서, 끝나지 않는 사례는 파이썬이 끝날 때까지 계속 돕니다).'
        ),
    },
    "reference.expected_from": {
        "en": (
            'Expected numbers come from chainrule: local derivatives from its op table, whole graphs '
            'from its own backward pass.'
        ),
        "ko": '기댓값은 chainrule에서 나옵니다: 국소 미분은 연산 표에서, 그래프 전체의 기울기는 chainrule 자신의 역전파에서.',
    },
    "reference.load_failed": {
        "en": 'Could not load {engine}: {error}',
        "ko": '{engine}을(를) 불러오지 못했습니다: {error}',
    },
    "reference.summary": {
        "en": '{passed} passed, {failed} failed, {missing} missing, {skipped} not run.',
        "ko": '통과 {passed}, 실패 {failed}, 없음 {missing}, 실행 안 함 {skipped}.',
    },
    "reference.verdict_pass": {"en": 'Result: nothing fails.', "ko": '결과: 실패한 사례가 없습니다.'},
    "reference.verdict_fail": {"en": 'Result: FAIL.', "ko": '결과: 실패.'},
    "reference.missing_note": {
        "en": 'MISSING means your Value lacks what the case needs; it fails only checks named with --require.',
        "ko": '없음(MISSING)은 여러분의 Value에 그 사례에 필요한 것이 없다는 뜻이며, --require로 지정한 검사에서만 실패로 칩니다.',
    },
    "reference.required": {"en": 'required', "ko": '필수'},
    "reference.traceback": {"en": 'traceback', "ko": '트레이스백'},
    "reference.status_pass": {"en": 'PASS', "ko": '통과'},
    "reference.status_fail": {"en": 'FAIL', "ko": '실패'},
    "reference.status_missing": {"en": 'MISSING', "ko": '없음'},
    "reference.status_timeout": {"en": 'TIMEOUT', "ko": '시간 초과'},
    "reference.status_error": {"en": 'ERROR', "ko": '오류'},
    "reference.status_skipped": {"en": 'NOT RUN', "ko": '실행 안 함'},
    "reference.check_basics": {
        "en": 'basics: Value(number), +, backward()',
        "ko": '기본: Value(수), +, backward()',
    },
    "reference.check_op": {
        "en": '{op}: the local derivatives, at {count} points',
        "ko": '{op}: 국소 미분, {count}개 지점에서',
    },
    "reference.check_reuse": {"en": 'a node used more than once', "ko": '두 번 이상 쓰인 노드'},
    "reference.check_order": {
        "en": 'diamond-shaped graphs (topological order)',
        "ko": '다이아몬드 모양 그래프 (위상 정렬)',
    },
    "reference.check_reflected": {"en": 'a number on either side of an operator', "ko": '연산자 양쪽에 오는 수'},
    "reference.check_deep": {"en": 'a long chain of ops', "ko": '연산이 길게 이어진 사슬'},
    "reference.check_twice": {"en": 'backward() twice on one graph', "ko": '한 그래프에서 backward() 두 번'},
    "reference.check_expressions": {"en": 'whole expressions', "ko": '식 전체'},
    "reference.missing_attribute": {
        "en": 'your Value has no {names}.',
        "ko": '여러분의 Value에 {names}이(가) 없습니다.',
    },
    "reference.refused": {
        "en": 'your engine refuses it ({error}), so it counts as missing.',
        "ko": '여러분의 엔진이 이 연산을 거부하므로({error}) 없음으로 칩니다.',
    },
    "reference.counterpart_missing": {
        "en": 'this needs {counterpart}, which your engine does not do.',
        "ko": '이 사례에는 {counterpart}이(가) 필요한데, 여러분의 엔진은 이것을 하지 않습니다.',
    },
    "reference.missing_reflected": {
        "en": (
            'your Value has no {method}. When the number is on the left, Python calls x.{method}(2); '
            'without it, this raises a TypeError.'
        ),
        "ko": '여러분의 Value에 {method}이(가) 없습니다. 수가 왼쪽에 오면 파이썬은 x.{method}(2)를 부릅니다. 이것이 없으면 TypeError가 납니다.',
    },
    "reference.timed_out": {
        "en": 'did not finish within {timeout} s (stopped during {phase}).',
        "ko": '{timeout}초 안에 끝나지 않아 멈췄습니다 ({phase} 중).',
    },
    "reference.skipped_after_timeout": {
        "en": 'the basic case timed out, and every case calls backward().',
        "ko": '기본 사례가 시간 초과되었고, 모든 사례가 backward()를 부르기 때문입니다.',
    },
    "reference.raised": {"en": '{phase} raised {error}', "ko": '{phase} 중에 예외가 발생했습니다: {error}'},
    "reference.phase_start": {"en": 'setup', "ko": '준비'},
    "reference.phase_forward": {"en": 'the forward pass', "ko": '순전파'},
    "reference.phase_backward": {"en": 'backward()', "ko": 'backward()'},
    "reference.phase_backward_again": {"en": 'the second backward()', "ko": '두 번째 backward()'},
    "reference.wrong_forward_op": {
        "en": 'your value is {actual}; it should be {expected}.',
        "ko": '여러분의 값은 {actual}인데, {expected}이어야 합니다.',
    },
    "reference.wrong_forward": {
        "en": 'forward pass: {node} is {actual}, expected {expected}.',
        "ko": '순전파: {node}의 값이 {actual}인데, 기댓값은 {expected}입니다.',
    },
    "reference.wrong_local": {
        "en": 'your d/d{input} is {actual}; the local derivative is {formula} = {expected}.',
        "ko": '여러분의 d/d{input}는 {actual}인데, 국소 미분은 {formula} = {expected}입니다.',
    },
    "reference.wrong_leaf": {
        "en": '{node}.grad is {actual}, expected {expected}.',
        "ko": '{node}.grad가 {actual}인데, 기댓값은 {expected}입니다.',
    },
    "reference.more_leaves": {"en": '({count} more leaves differ.)', "ko": '(잎 노드 {count}개가 더 다릅니다.)'},
    "reference.first_difference": {
        "en": (
            "Walking back from the output, the first gradient that differs is {node}'s: {actual}, "
            'expected {expected}.'
        ),
        "ko": '출력에서 거꾸로 따라가면 처음으로 어긋나는 기울기는 {node}의 기울기입니다: {actual}인데, 기댓값은 {expected}입니다.',
    },
    "reference.interior_right": {
        "en": 'Every gradient above {node} is right: the mistake is in what reaches {node} itself.',
        "ko": '{node}보다 위쪽의 기울기는 모두 맞습니다. 잘못은 {node}에 도착하는 값 자체에 있습니다.',
    },
    "reference.feeds": {
        "en": 'In your graph, {node} is an input of {ops}.',
        "ko": '여러분의 그래프에서 {node}는 {ops}의 입력입니다.',
    },
    "reference.after_second": {"en": 'After a second backward():', "ko": 'backward()를 두 번째로 부른 뒤:'},
    "reference.recursive_sort": {
        "en": (
            'Your topological sort is recursive: backward() on a chain of {ops} ops raised '
            'RecursionError (Python allows about {limit} nested calls). The longest chain that worked '
            'had {deepest} ops. Build the order with a loop and a list used as a stack.'
        ),
        "ko": (
            '위상 정렬이 재귀로 되어 있습니다: 연산 {ops}개짜리 사슬에서 backward()가 RecursionError를 냈습니다 (파이썬은 중첩 호출을 약 '
            '{limit}번까지 허용합니다). 통과한 가장 긴 사슬은 연산 {deepest}개였습니다. 재귀 대신 반복문과, 스택으로 쓰는 리스트로 순서를 만드세요.'
        ),
    },
    "reference.hint_accumulate": {
        "en": (
            '{node} is used more than once, so its gradient is the sum of the contributions of every '
            'use. In backward, add each contribution (grad += ...) rather than assign it (grad = ...).'
        ),
        "ko": (
            '{node}는 두 번 이상 쓰였으므로, 기울기는 쓰인 곳마다의 기여를 모두 더한 값입니다. backward에서 기여를 대입하지(grad = ...) 말고 '
            '더하세요(grad += ...).'
        ),
    },
    "reference.hint_order": {
        "en": (
            "{shared}'s gradient was passed on to {node} before every contribution to it had arrived "
            '(or it was passed on twice). Visit the nodes in topological order, each one after every '
            "node that uses it, and run each node's backward step once."
        ),
        "ko": (
            '{shared}에 들어올 기여가 다 모이기 전에 {shared}의 기울기가 {node} 쪽으로 전달되었습니다 (또는 두 번 전달되었습니다). 노드를 위상 정렬 '
            '순서로, 즉 각 노드를 그 노드를 쓰는 모든 노드보다 나중에 방문하고, 노드마다 역전파 단계를 한 번만 실행하세요.'
        ),
    },
    "reference.hint_expression": {
        "en": (
            'Look at the local derivative of each op {node} is an input of, and check that every '
            'contribution to {node} is added.'
        ),
        "ko": '{node}를 입력으로 받는 연산들의 국소 미분을 살펴보고, {node}로 오는 기여가 빠짐없이 더해지는지 확인하세요.',
    },
    "reference.hint_twice_leaf": {
        "en": (
            '{node} is a leaf: as in PyTorch, its gradient should add up across backward() calls until '
            'you zero it ({before} after the first call, twice that after the second). Do not reset '
            'leaf gradients inside backward().'
        ),
        "ko": (
            '{node}는 잎 노드입니다. PyTorch처럼, 잎 노드의 기울기는 0으로 되돌릴 때까지 backward()를 부를 때마다 쌓여야 합니다 (첫 호출 뒤 '
            '{before}, 두 번째 호출 뒤 그 두 배). backward() 안에서 잎 노드의 기울기를 초기화하지 마세요.'
        ),
    },
    "reference.hint_twice_interior": {
        "en": (
            '{node} is an interior node: PyTorch recomputes its gradient from zero on every backward(), '
            'but yours started the second call from {before} and added to it, so every node below it '
            'received too much. At the start of backward(), set the gradient of every node that is not '
            'a leaf to 0.'
        ),
        "ko": (
            '{node}는 중간 노드입니다. PyTorch는 backward()를 부를 때마다 중간 노드의 기울기를 0에서부터 다시 계산하는데, 여러분의 엔진은 두 번째 '
            '호출을 {before}에서 시작해 그 위에 더했고, 그래서 그 아래의 모든 노드가 너무 많이 받았습니다. backward()를 시작할 때 잎 노드가 아닌 모든 '
            '노드의 기울기를 0으로 두세요.'
        ),
    },
    "reference.hint_number_right": {
        "en": (
            '{method}(self, other) gets the number as other: turn it into a Value (a constant) before '
            'using its .data.'
        ),
        "ko": '{method}(self, other)는 수를 other로 받습니다. .data를 쓰기 전에 그 수를 Value(상수)로 바꾸세요.',
    },
    "reference.hint_number_left": {
        "en": (
            'For 2 {symbol} x, Python calls x.{method}(2): it gets the number as other and must compute '
            'other {symbol} self.'
        ),
        "ko": '2 {symbol} x를 계산할 때 파이썬은 x.{method}(2)를 부릅니다. 수를 other로 받아서 other {symbol} self를 계산해야 합니다.',
    },
    "reference.grade_title": {
        "en": 'chainrule reference grading: {count} submissions in {folder}',
        "ko": 'chainrule 기준 채점: {folder}의 제출물 {count}개',
    },
    "reference.grade_runs": {
        "en": 'Each submission was imported and run in its own process (its code runs on this machine).',
        "ko": '제출물마다 별도의 프로세스에서 import해 실행했습니다 (제출된 코드가 이 컴퓨터에서 실행됩니다).',
    },
    "reference.grade_legend": {
        "en": (
            'ok: every case passed (or is missing) · FAIL: wrong numbers · ERR: raised · TIME: timed '
            'out · skip: not run · -: missing · MISS: missing but required · passed: cases passed of '
            'all cases'
        ),
        "ko": (
            'ok: 모든 사례 통과 (또는 없음) · FAIL: 틀린 값 · ERR: 예외 발생 · TIME: 시간 초과 · skip: 실행 안 함 · -: 없음 · '
            'MISS: 필수인데 없음 · 통과: 전체 사례 중 통과한 수'
        ),
    },
    "reference.grade_submission": {"en": 'submission', "ko": '제출물'},
    "reference.grade_passed": {"en": 'passed', "ko": '통과'},
    "reference.grade_no_report": {
        "en": '{submission}: no report ({detail}).',
        "ko": '{submission}: 보고서 없음 ({detail}).',
    },
    "reference.grade_stopped": {"en": 'stopped after {seconds} s', "ko": '{seconds}초 뒤에 멈춤'},
    "reference.grade_exit": {"en": 'exit code {code}: {last}', "ko": '종료 코드 {code}: {last}'},
    "reference.draw_yours": {"en": 'your engine', "ko": '여러분의 엔진'},
    "reference.draw_chainrule": {"en": 'chainrule', "ko": 'chainrule'},
}


def set_language(lang: str) -> None:
    """Choose the language of learner-facing texts in this context: ``"en"`` or ``"ko"``."""
    _chosen.set(_known(lang, "set_language"))


def get_language() -> str:
    """The language in effect: ``set_language``'s, else ``$CHAINRULE_LANG``'s, else English."""
    chosen = _chosen.get()
    if chosen is not None:
        return chosen
    return _known(os.environ.get(ENVIRONMENT_VARIABLE) or "en", f"the environment variable {ENVIRONMENT_VARIABLE}")


def resolve(lang: str | None) -> str:
    """A call's ``lang=`` argument, or the language in effect when it is None."""
    return get_language() if lang is None else _known(lang, "lang")


def text(key: str, lang: str | None = None, **fields: object) -> str:
    """The message ``key`` in ``lang`` (default: the language in effect), its placeholders filled."""
    return MESSAGES[key][resolve(lang)].format(**fields)


def columns(text: str) -> int:
    """Columns ``text`` takes in a monospaced font: Hangul and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _known(lang: object, where: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"{where}: unknown language {lang!r}; the known languages are {', '.join(LANGUAGES)}")
    assert isinstance(lang, str)
    return lang
