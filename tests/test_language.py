"""English and Korean: one catalogue, every learner-facing text in both, chosen per context or per call."""

from __future__ import annotations

import contextvars
import re
import string
import threading

import pytest

import autograd
import nn
from autograd import (
    Op,
    Value,
    backward_frames,
    check_local_derivatives,
    draw_dot,
    explain,
    gradcheck,
    gradgradcheck,
    set_language,
)
from autograd.language import LANGUAGES, MESSAGES, get_language, text
from tests.conftest import require_program

GLOSSARY = ("순전파", "역전파", "연쇄 법칙", "상류 기울기", "국소 미분", "기여", "기울기")
# words that stay in Latin letters in Korean text: attributes, functions, settings and op names
KEPT = {"grad", "data", "backward", "atol", "rtol", "eps", "max_paths", "tanh", "relu", "sigmoid", "exp", "log", "Home", "End"}
KEPT |= {"linear", "MLP", "Neuron", "Layer"}  # nn's activation and class names, as a learner types them
# Names a learner types or searches for, kept in Latin letters in Korean too: the checker's code terms
# (Value, self, other, import, fork, the exceptions Python raises), products, the --require flag, and the
# grading table's column codes, which stay short and alike in both languages.
KEPT |= {"Value", "self", "other", "import", "fork", "RecursionError", "TypeError", "PyTorch", "chainrule",
         "MISSING", "require", "ok", "FAIL", "ERR", "TIME", "skip", "MISS"}
# and the names the comments of compiled code refer to: the array of parameters, dE/dW
KEPT |= {"params", "dE", "dW"}


def english_words(output: str, labels: set[str]) -> set[str]:
    """The words of two or more Latin letters in ``output`` that are neither kept names nor node labels."""
    return set(re.findall(r"[A-Za-z_][A-Za-z_]+", output)) - KEPT - labels


def in_fresh_context(fn, *args, **kwargs):
    """Run ``fn`` in a copy of the context, so a language it sets never leaks into other tests."""
    return contextvars.copy_context().run(fn, *args, **kwargs)


def expression() -> Value:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = (a * b).tanh()
    c.label = "c"
    return c * c + b


def placeholders(message: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(message) if field}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_exists_in_both_languages_with_the_same_placeholders(key):
    message = MESSAGES[key]
    assert set(message) == set(LANGUAGES) and all(message[lang].strip() for lang in LANGUAGES)
    assert placeholders(message["en"]) == placeholders(message["ko"])
    assert not english_words(message["ko"].format_map({f: "" for f in placeholders(message["ko"])}), set())


def test_the_korean_catalogue_uses_the_glossary_terms():
    korean = " ".join(message["ko"] for message in MESSAGES.values())
    assert all(term in korean for term in GLOSSARY)
    assert "그래디언트" not in korean and "역전파법" not in korean  # one term per idea


def test_the_language_is_set_per_context_and_defaults_to_the_environment(monkeypatch):
    monkeypatch.delenv("CHAINRULE_LANG", raising=False)

    def body():
        assert get_language() == "en"
        set_language("ko")
        assert get_language() == "ko" and text("backward.final") == "완성"
        assert text("backward.final", "en") == "final"  # a per-call language wins
        seen = []
        thread = threading.Thread(target=lambda: seen.append(get_language()))
        thread.start()
        thread.join()
        assert seen == ["en"]  # another thread has its own setting

    in_fresh_context(body)
    assert get_language() == "en"  # nothing leaked out of that context
    monkeypatch.setenv("CHAINRULE_LANG", "ko")
    assert in_fresh_context(get_language) == "ko"
    monkeypatch.setenv("CHAINRULE_LANG", "fr")
    with pytest.raises(ValueError, match="CHAINRULE_LANG: unknown language 'fr'; the known languages are en, ko"):
        in_fresh_context(get_language)


@pytest.mark.parametrize(
    "call",
    [
        lambda: set_language("kr"),
        lambda: backward_frames(expression(), lang="kr"),
        lambda: explain(expression(), Value(1.0), lang="kr"),
        lambda: gradcheck(lambda x: x * x, [1.0], lang="kr"),
        lambda: draw_dot(expression(), lang="kr"),
        lambda: autograd.compile(lambda x: x * x, (1.0,), lang="kr"),
    ],
)
def test_an_unknown_language_is_refused_with_the_known_ones(call):
    with pytest.raises(ValueError, match="unknown language 'kr'; the known languages are en, ko"):
        in_fresh_context(call)


def test_korean_player_frames_have_no_english_left():
    root = expression()
    frames = backward_frames(root, forward=True, lang="ko")
    for frame in frames:
        output = frame.sentence + " ".join(f"{what} {formula}" for what, formula in frame.arithmetic)
        assert not english_words(output, {"a", "b", "c", "L", "v2", "v4"}), output
    korean = " ".join(frame.sentence + str(frame.arithmetic) for frame in frames)
    assert all(term in korean for term in ("순전파", "역전파", "연쇄 법칙", "상류 기울기", "국소 미분", "기여", "기울기"))
    by_setting = in_fresh_context(lambda: (set_language("ko"), backward_frames(root, forward=True))[1])
    assert [frame.sentence for frame in by_setting] == [frame.sentence for frame in frames]


def test_korean_player_page(tmp_path):
    require_program("dot", "CI")
    player = autograd.backward_player(expression(), lang="ko")
    page = player.to_html()
    assert page.startswith('<!DOCTYPE html>\n<html lang="ko">') and 'class="chainrule-player" lang="ko"' in page
    visible = re.sub(r"<script>.*?</script>|<style>.*?</style>|<svg.*?</svg>|<[^>]+>", " ", page, flags=re.DOTALL)
    assert not english_words(visible, {"a", "b", "c", "L", "v2", "v4"}), visible


def test_korean_explain_has_no_english_left():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    y = a * a + (a * b).tanh()
    y.label = "y"
    output = str(explain(y, a, lang="ko"))
    assert "국소 미분" in output and "같습니다" in output and "1번째 입력" in output
    assert not english_words(output, {"a", "b", "y", "dy", "da", "v2", "v3"}), output
    assert str(in_fresh_context(lambda: (set_language("ko"), explain(y, a))[1])) == output
    assert str(explain(y, b, lang="en")).startswith("dy/db = ")
    unrelated = str(explain(y, Value(1.0, label="z"), lang="ko"))
    assert "경로가 없습니다" in unrelated and not english_words(unrelated, {"y", "z", "dy", "dz"})


SLOPPY_SQUARE = Op("square", lambda x: x * x, lambda x, out: (x,))  # the derivative is 2x, not x


@pytest.mark.parametrize(
    "check",
    [
        lambda lang: gradcheck(lambda x, y: SLOPPY_SQUARE(x) * y, [3.0, 0.5], lang=lang),
        lambda lang: gradgradcheck(lambda x, y: SLOPPY_SQUARE(x) * y, [3.0, 0.5], lang=lang),
        lambda lang: check_local_derivatives(SLOPPY_SQUARE(Value(3.0)), lang=lang),
    ],
)
def test_korean_gradient_check_tables_under_an_english_title(check):
    with pytest.raises(AssertionError) as raised:
        check("ko")
    title, *table = str(raised.value).splitlines()
    assert title.startswith(("gradcheck:", "gradgradcheck:", "check_local_derivatives:"))  # searchable English
    assert table[0].split() == ["입력", "해석적", "수치", "절대", "오차", "상대", "오차"]
    assert "<- 가장 나쁨" in "\n".join(table) and "통과" in table[-1]
    assert not english_words("\n".join(table), {"x", "y"}), table
    with pytest.raises(AssertionError) as english:
        check("en")
    assert english.value.args[0].splitlines()[1].split()[:3] == ["input", "analytic", "numeric"]


def test_korean_collapsed_boxes_and_training_progress(capsys):
    model = nn.MLP(2, [2, 1], seed=0)
    out = model([Value(0.5), Value(-1.0)])
    source = draw_dot(out, params=model.parameters(), collapse="layer", lang="ko").source
    assert re.search(r"<TD>매개변수 \d+개, 연산 \d+개</TD>", source) and "params" not in source and "출력 " in source
    X, y = nn.moons(10, seed=0)
    history = nn.fit(model, X, y, nn.SGD(model.parameters(), lr=0.1), steps=2, lang="ko")
    printed = capsys.readouterr()
    assert "학습:" in printed.err and "스텝/s" in printed.err  # the progress bar
    assert printed.out == f"학습: 스텝 2/2: 손실 {history.loss[-1]:.4f}, 정확도 {history.accuracy[-1]:.0%}\n"


def test_korean_comments_in_compiled_code():
    """Every kind of comment compile writes, per sample and batch, in Korean: each catalogue entry is met."""
    layer = nn.Layer(2, 3, activation="tanh", seed=0)
    cube = Op("cube", lambda x: x**3, lambda x, out: (3.0 * x * x,))
    mlp = nn.MLP(2, [3, 1], seed=0)
    rows = [[Value(0.1 * (i + j + 1)) for j in range(2)] for i in range(3)]
    biases, shifts = [Value(0.2 * i) for i in range(3)], [Value(-0.1 * i) for i in range(3)]

    def loss(x):
        return sum(layer(x)) + cube(x[0])

    def two_offsets(x):  # weights left out of wrt are constant arrays; each sum has two added terms
        return sum((sum((w * xi for w, xi in zip(row, x)), b) + c).tanh() for row, b, c in zip(rows, biases, shifts))

    programs = [autograd.compile(loss, ([0.5, -1.0],), wrt=layer.parameters(), lang="ko"),
                autograd.compile(two_offsets, ([0.5, -1.0],), lang="ko"),
                autograd.compile(lambda x: mlp(x), ([0.5, -1.0],), wrt=mlp.parameters(), lang="ko")]
    comments, words = [], []
    for source in (code for f in programs for code in (f.source, f.batch_source)):
        lines = [line.partition("#") for line in source.splitlines()]
        names = set(re.findall(r"[A-Za-z_]\w*", " ".join(before for before, _, _ in lines)))  # the code's variables
        comments += [comment for _, _, comment in lines if comment]
        words += [word for _, _, comment in lines for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", comment)
                  if word not in names]  # a comment may name a line's variables
    assert not english_words(" ".join(words), {"cube"})
    for key in (key for key in MESSAGES if key.startswith("code.")):
        fixed = max(re.split(r"\{[^}]*\}", MESSAGES[key]["ko"]), key=len)
        assert any(fixed in comment for comment in comments), key
    in_context = in_fresh_context(lambda: (set_language("ko"), autograd.compile(loss, ([0.5, -1.0],)))[1])
    assert "# 순전파: 연산마다 한 줄" in in_context.source  # the language in effect when compile is called
    assert "# 순전파: 같은 연산의 묶음마다" in in_context.batch_source  # also for the batch code, written later
    english = autograd.compile(loss, ([0.5, -1.0],), lang="en")
    assert "# forward: one line per op" in english.source and "순전파" not in english.batch_source


def test_korean_module_reprs():
    def body():
        set_language("ko")
        return [repr(nn.MLP(2, [16, 16, 1], seed=0)), repr(nn.Neuron(1, activation=None, seed=0)),
                repr(nn.Layer(2, 3, seed=0))]

    mlp, neuron, layer = in_fresh_context(body)
    assert (mlp, neuron) == ("MLP(2 -> [16 relu, 16 relu, 1 linear], 매개변수 337개)", "Neuron(입력 1개, linear)")
    assert not english_words(f"{mlp} {neuron} {layer}", set())
    assert repr(nn.Neuron(1, seed=0)) == "Neuron(1 input, relu)"  # and English, singular where one

