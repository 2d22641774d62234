"""The backward pass step by step: frames, sentences, and the HTML player driven in headless Chromium."""

from __future__ import annotations

import re
import shutil

import pytest

from autograd import BackwardPlayer, Value, backward_frames, backward_player
from autograd.scene import DONE_FILL, HIGHLIGHT, PARTIAL_FILL
from tests.conftest import require, require_program


def expression() -> tuple[Value, Value, Value]:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    d = c + b  # b is used twice
    d.label = "d"
    loss = d * d  # d is used twice by one op
    return loss, a, b


def test_one_frame_for_the_seed_and_one_per_step():
    loss, a, b = expression()
    frames = backward_frames(loss)
    assert len(frames) == 4
    assert frames[0].sentence.startswith("Start: L.grad = ∂L/∂L = 1.0, the seed.")
    assert frames[1].sentence == (  # the running total is n.grad; a local derivative is ∂, by its rule
        "Step 1 of 3: L = d * d, and L.grad = 1.0 is complete.\n"
        "local ∂L/∂d = d = -9.0; d.grad += L.grad × ∂L/∂d = 1.0 × (-9.0) = -9.0, so d.grad = -9.0 (so far).\n"
        "local ∂L/∂d = d = -9.0; d.grad += L.grad × ∂L/∂d = 1.0 × (-9.0) = -9.0, so d.grad = -18.0 (final)."
    )
    assert (
        "local ∂d/∂b = 1.0; b.grad += d.grad × ∂d/∂b = -18.0 × 1.0 = -18.0, so b.grad = -18.0 (so far)."
        in frames[2].sentence
    )
    assert "local ∂c/∂a = b = -3.0; a.grad += c.grad × ∂c/∂a = -18.0 × (-3.0) = 54.0" in frames[3].sentence
    assert frames[3].sentence.endswith("so b.grad = -54.0 (final).\nAll gradients are now final.")
    assert (a.grad, b.grad) == (0.0, 0.0)  # the frames touch no .grad


def test_frames_fill_in_gradients_and_highlight_the_current_step():
    loss, _, _ = expression()
    sources = [frame.graph.source for frame in backward_frames(loss)]
    assert sources[0].count("grad ?") == 4 and HIGHLIGHT not in sources[0]
    assert "grad 1.0" in sources[0] and DONE_FILL in sources[0]
    b_line = next(line for line in sources[2].splitlines() if ">b<" in line)
    assert PARTIAL_FILL in b_line and "grad -18.0 + …" in b_line  # b has heard from d, not yet from c
    d_line = next(line for line in sources[2].splitlines() if ">d<" in line)
    assert HIGHLIGHT in d_line  # step 2 processes d
    assert f'<FONT COLOR="{HIGHLIGHT}">-18.0 × 1.0 = -18.0</FONT>' in sources[2]
    assert 'COLOR="transparent">-18.0 × (-3.0) = 54.0<' in sources[2]  # not traversed yet
    assert "grad ?" not in sources[3] and PARTIAL_FILL not in sources[3]
    widths = [re.findall(r'WIDTH="(\d+)"', source) for source in sources]
    assert all(w == widths[0] for w in widths)  # boxes keep their size, so the layout stays still


def test_every_frame_has_the_layout_that_fits_the_widest():
    require_program("dot", "CI")
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(0.5, label="b")
    y = ((x * w + b).tanh() * 2.0 + x).sigmoid()  # about 1,500 points wide from left to right
    sources = [frame.graph.source for frame in backward_frames(y)]
    assert all("rankdir=TB" in source for source in sources)
    assert all("rankdir=LR" in frame.graph.source for frame in backward_frames(y, rankdir="LR"))


def test_a_long_backward_pass_is_refused_with_what_to_do():
    x = Value(1.0)
    y = x
    for _ in range(101):
        y = y * 1.0
    with pytest.raises(
        ValueError, match=r"101 steps, more than max_steps=100.*draw_dot\(root, edge_labels=True\)"
    ):
        backward_frames(y)


def test_player_is_self_contained_html(tmp_path):
    require_program("dot", "CI")
    loss, _, _ = expression()
    player = backward_player(loss)
    assert isinstance(player, BackwardPlayer) and len(player.svgs) == 4
    fragment = player._repr_html_()  # what Jupyter shows inline
    assert fragment.count("<svg") == 4 and fragment.count("<script>") == 1
    assert "<?xml" not in fragment
    page = player.save(tmp_path / "player.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page and fragment in page
    urls = set(re.findall(r"https?://[^\s\"'<>]+", page))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}  # namespaces, never fetched
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=|@import", page)


def chromium_driver():
    """Headless Chromium through selenium; skipped without a browser unless CI requires one."""
    webdriver = require("selenium.webdriver", "CHAINRULE_REQUIRE_BROWSER")
    browser = require_program("chromium", "CHAINRULE_REQUIRE_BROWSER")
    driver = require_program("chromedriver", "CHAINRULE_REQUIRE_BROWSER")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ):
        options.add_argument(flag)
    return webdriver, options, driver


def test_player_in_headless_chromium(tmp_path):
    require_program("dot", "CI")
    webdriver, options, driver_path = chromium_driver()
    from selenium.webdriver.chrome.service import Service

    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    loss, _, _ = expression()
    page = backward_player(loss).save(tmp_path / "player.html")
    browser = webdriver.Chrome(options=options, service=Service(driver_path))
    try:
        browser.get(page.resolve().as_uri())

        def visible() -> list[int]:
            frames = browser.find_elements("css selector", "[data-cr=frame]")
            return [i for i, frame in enumerate(frames) if frame.is_displayed()]

        def sentence() -> str:
            return browser.find_element("css selector", "[data-cr=sentence]").text

        assert visible() == [0] and sentence().startswith("Start: L.grad = ∂L/∂L = 1.0")
        browser.find_element("css selector", "[data-cr=next]").click()
        assert visible() == [1] and sentence().startswith("Step 1 of 3: L = d * d")
        assert browser.find_element("css selector", "[data-cr=counter]").text == "2 / 4"
        for _ in range(5):  # next stops at the last frame
            browser.find_element("css selector", "[data-cr=next]").click()
        assert visible() == [3] and sentence().endswith("All gradients are now final.")
        browser.find_element("css selector", "[data-cr=prev]").click()
        assert visible() == [2] and sentence().startswith("Step 2 of 3")
        assert browser.execute_script("return document.querySelectorAll('svg').length") == 4
    finally:
        browser.quit()
        shutil.rmtree(tmp_path / "profile", ignore_errors=True)
