"""The language of every text a learner reads: one catalogue, English and Korean, chosen per context.

``set_language("ko")`` switches the player, ``explain``, the gradient-check tables, collapsed-box
labels and ``nn.fit``'s progress; a ``lang=`` argument overrides it for one call, and the
``CHAINRULE_LANG`` environment variable sets the default. The setting is context-local, like grad
mode. Exception messages stay English, so they can be searched for.
"""

from __future__ import annotations

import contextvars
import os

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
    # nn.fit
    "fit.bar": {"en": "fit", "ko": "학습"},
    "fit.unit": {"en": "step", "ko": "스텝"},
    "fit.loss": {"en": "loss", "ko": "손실"},
    "fit.accuracy": {"en": "accuracy", "ko": "정확도"},
    "fit.summary": {
        "en": "fit: step {steps}/{steps}: loss {loss}, accuracy {accuracy}",
        "ko": "학습: 스텝 {steps}/{steps}: 손실 {loss}, 정확도 {accuracy}",
    },
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


def _known(lang: object, where: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"{where}: unknown language {lang!r}; the known languages are {', '.join(LANGUAGES)}")
    assert isinstance(lang, str)
    return lang
