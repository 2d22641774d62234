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
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">') and '<meta charset="utf-8">' in page
    assert fragment.replace('tabindex="0"', 'tabindex="0" data-linked', 1) in page  # the page links its steps
    assert 'tabindex="0" data-linked' not in fragment  # inline in a notebook, the URL is the notebook's own
    urls = set(re.findall(r"https?://[^\s\"'<>]+", page))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}  # namespaces, never fetched
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=|@import", page)


def test_forward_phase_comes_first_node_by_node_in_the_same_layout():
    loss, _, _ = expression()
    frames = backward_frames(loss, forward=True)
    assert [frame.phase for frame in frames] == ["forward"] * 5 + ["backward"] * 4  # a, b, c, d, L; seed + 3
    assert frames[0].sentence.startswith("Forward pass: the values are computed node by node")
    assert frames[2].arithmetic == (("forward pass", "c = a * b = 2.0 * (-3.0) = -6.0"),)
    assert frames[4].sentence.endswith("The forward pass is done; the backward pass starts from L.")
    sources = [frame.graph.source for frame in frames]
    assert sources[0].count("data ?") == 4 and "data 2.0" in sources[0]  # only a is known
    assert "data ?" not in sources[4] and "grad 1.0" not in sources[4]  # no gradient before the backward pass
    widths = [re.findall(r'WIDTH="(\d+)"', source) for source in sources]
    assert all(w == widths[0] for w in widths)  # the forward frames do not move a node either


def test_a_forward_option_that_is_not_a_bool_is_refused():
    loss, _, _ = expression()
    with pytest.raises(TypeError, match="forward must be True or False, got 'yes'"):
        backward_frames(loss, forward="yes")


def test_each_step_shows_its_arithmetic():
    loss, _, _ = expression()
    frames = backward_frames(loss)
    assert frames[0].arithmetic == (("the seed", "∂L/∂L = 1.0"),)
    assert frames[2].arithmetic == (
        ("chain rule", "∂L/∂c = ∂L/∂d · ∂d/∂c"),  # c receives one contribution: its whole gradient
        ("local derivative", "∂d/∂c = 1.0"),
        ("upstream × local = contribution", "-18.0 × 1.0 = -18.0"),
        ("chain rule", "∂L/∂b += ∂L/∂d · ∂d/∂b"),  # b is used twice: a running sum
        ("local derivative", "∂d/∂b = 1.0"),
        ("upstream × local = contribution", "-18.0 × 1.0 = -18.0"),
        ("sum of the contributions to b.grad", "-18.0 (so far)"),
    )
    assert frames[3].arithmetic[-1] == ("sum of the contributions to b.grad", "-18.0 + (-36.0) = -54.0 (final)")


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


@pytest.fixture
def browser(tmp_path):
    """A headless Chromium whose window is a 1280×720 projector screen."""
    require_program("dot", "CI")
    webdriver, options, driver_path = chromium_driver()
    from selenium.webdriver.chrome.service import Service

    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    driver.execute_cdp_cmd(  # the page's viewport exactly, whatever the window's own bars take
        "Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 720, "deviceScaleFactor": 1, "mobile": False}
    )
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(tmp_path / "profile", ignore_errors=True)


def shown(browser, player=0):
    """The index of the frame the ``player``-th player on the page shows, checked against its text."""
    state = browser.execute_script(
        """
        var p = document.querySelectorAll(".chainrule-player")[arguments[0]];
        var visible = function (list) {
          return Array.prototype.map.call(list, function (e) { return e.offsetParent !== null; }).indexOf(true);
        };
        return [visible(p.querySelectorAll("[data-cr=frame]")), visible(p.querySelectorAll("[data-cr=text]")),
                +p.querySelector("[data-cr=slider]").value, p.querySelector("[data-cr=counter]").textContent];
        """,
        player,
    )
    frame, text, slider, counter = state
    assert frame == text == slider and counter.startswith(f"{frame + 1} / ")
    return frame


def sentence(browser) -> str:
    texts = browser.find_elements("css selector", "[data-cr=sentence]")
    return next(t.text for t in texts if t.is_displayed())


def test_player_buttons_keyboard_and_slider(browser, tmp_path):
    loss, _, _ = expression()
    page = backward_player(loss).save(tmp_path / "player.html")
    browser.get(page.resolve().as_uri())
    from selenium.webdriver.common.keys import Keys

    assert shown(browser) == 0 and sentence(browser).startswith("Start: L.grad = ∂L/∂L = 1.0")
    browser.find_element("css selector", "[data-cr=next]").click()
    assert shown(browser) == 1 and sentence(browser).startswith("Step 1 of 3: L = d * d")
    for _ in range(5):  # next stops at the last frame
        browser.find_element("css selector", "[data-cr=next]").click()
    assert shown(browser) == 3 and sentence(browser).endswith("All gradients are now final.")
    browser.find_element("css selector", "[data-cr=prev]").click()
    assert shown(browser) == 2 and sentence(browser).startswith("Step 2 of 3")
    player = browser.find_element("css selector", ".chainrule-player")
    player.send_keys(Keys.HOME)
    assert shown(browser) == 0
    player.send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    assert shown(browser) == 2
    player.send_keys(Keys.ARROW_LEFT)
    assert shown(browser) == 1
    player.send_keys(Keys.END)
    assert shown(browser) == 3
    player.send_keys(Keys.SPACE)  # at the end, play starts over from the first frame
    assert shown(browser) == 0 and browser.find_element("css selector", "[data-cr=play]").text == "⏸ Pause"
    player.send_keys(Keys.SPACE)
    assert browser.find_element("css selector", "[data-cr=play]").text == "▶ Play"
    browser.execute_script(
        "var s = document.querySelector('[data-cr=slider]'); s.value = 2; s.dispatchEvent(new Event('input'));"
    )
    assert shown(browser) == 2
    assert browser.execute_script("return document.querySelectorAll('svg').length") == 4


def test_the_url_hash_names_the_step_and_a_reload_keeps_it(browser, tmp_path):
    loss, _, _ = expression()
    page = backward_player(loss, forward=True).save(tmp_path / "player.html")
    browser.get(page.resolve().as_uri() + "#step=7")
    assert shown(browser) == 6 and sentence(browser).startswith("Step 1 of 3")
    browser.find_element("css selector", "[data-cr=next]").click()
    assert browser.execute_script("return location.hash") == "#step=8"
    browser.refresh()
    assert shown(browser) == 7
    browser.execute_script("location.hash = '#step=1'")
    assert shown(browser) == 0 and sentence(browser).startswith("Forward pass")


def test_two_players_on_one_page_never_interfere(browser, tmp_path):
    loss, _, _ = expression()
    first, second = backward_player(loss), backward_player(loss, forward=True, lang="ko")
    page = first.to_html().replace("</body>", second._fragment(linked=True) + "</body>")
    path = tmp_path / "two.html"
    path.write_text(page, encoding="utf-8")
    browser.get(path.as_uri() + "#step=2&step2=5")
    assert (shown(browser, 0), shown(browser, 1)) == (1, 4)
    players = browser.find_elements("css selector", ".chainrule-player")
    players[1].find_element("css selector", "[data-cr=next]").click()
    assert (shown(browser, 0), shown(browser, 1)) == (1, 5)
    from selenium.webdriver.common.keys import Keys

    players[0].send_keys(Keys.END)
    assert (shown(browser, 0), shown(browser, 1)) == (3, 5)
    assert players[1].find_element("css selector", "[data-cr=play]").text == "▶ 재생"
    assert browser.execute_script("return location.hash") == "#step=4&step2=6"
    assert 'id="' not in first._repr_html_().split("<svg")[0]  # no ids outside the drawings


def test_the_player_fills_a_1280_by_720_screen_readably(browser, tmp_path):
    loss, _, _ = expression()
    page = backward_player(loss, lang="ko").save(tmp_path / "player.html")
    browser.get(page.resolve().as_uri() + "#step=3")
    sizes = browser.execute_script(
        """
        var p = document.querySelector(".chainrule-player"), svg = p.querySelector("[data-cr=frame]:not([hidden]) svg");
        var box = svg.getBoundingClientRect(), stage = p.querySelector(".cr-stage").getBoundingClientRect();
        var text = svg.querySelector("text").getBoundingClientRect();
        var sentence = p.querySelector("[data-cr=text]:not([hidden]) [data-cr=sentence]");
        var smallest = Math.min.apply(null, Array.prototype.map.call(
          p.querySelectorAll("button, [data-cr=counter], [data-cr=text]:not([hidden]) *"),
          function (e) { return parseFloat(getComputedStyle(e).fontSize); }));
        return [innerWidth, innerHeight, p.getBoundingClientRect().height, stage.width, stage.height,
                Math.max(box.width / stage.width, box.height / stage.height), text.height,
                parseFloat(getComputedStyle(sentence).fontSize), smallest, document.documentElement.lang];
        """
    )
    width, height, player, stage_w, stage_h, filled, label, narration, smallest, lang = sizes
    assert (width, height) == (1280, 720) and player == 720  # the whole window
    assert stage_w > 0.6 * width and stage_h > 0.8 * height
    assert filled > 0.99  # the drawing meets the stage's edges
    assert label >= 16 and narration >= 16 and smallest >= 16
    assert lang == "ko"
    before = label
    browser.find_element("css selector", "[data-cr=zoom-in]").click()
    assert browser.execute_script(
        "return document.querySelector('[data-cr=frame]:not([hidden]) svg text').getBoundingClientRect().height"
    ) > 1.2 * before
    browser.find_element("css selector", "[data-cr=fit]").click()
    assert browser.execute_script(
        "return document.querySelector('[data-cr=frame]:not([hidden]) svg text').getBoundingClientRect().height"
    ) == pytest.approx(before)


def test_a_gif_for_slides_one_frame_per_step_and_the_frames_as_files(tmp_path):
    require_program("dot", "CI")
    image = require("PIL.Image", "CI")
    loss, _, _ = expression()
    player = backward_player(loss, forward=True, lang="ko")
    path = player.save(tmp_path / "backward.gif")
    with image.open(path) as gif:
        assert gif.format == "GIF" and gif.n_frames == len(player.frames) == 9
        assert gif.info["loop"] == 0 and gif.info["duration"] == 2000
    assert [p.name for p in tmp_path.iterdir()] == ["backward.gif"]  # written atomically: no temporary left
    (tmp_path / "png").mkdir()
    pngs = player.save_frames(tmp_path / "png")
    assert [p.name for p in pngs] == [f"step_{i}.png" for i in range(1, 10)]
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)
    (tmp_path / "svg").mkdir()
    svgs = player.save_frames(tmp_path / "svg", format="svg")
    assert "순전파: 입력부터" in svgs[0].read_text(encoding="utf-8")  # each frame's sentence under its drawing
    with pytest.raises(ValueError, match="format must be 'png' or 'svg', got 'jpg'"):
        player.save_frames(tmp_path, format="jpg")
