"""Every file chainrule writes is replaced as ``open(path, "w")`` would write it, all or nothing."""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

import demo
import nn
from autograd import BackwardPlayer, Value, backward_frames, write_atomically
from tests.conftest import require_program

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

def a_player(sentence: str) -> BackwardPlayer:
    """A one-frame player saying ``sentence`` (its drawing a stand-in: no Graphviz needed)."""
    frame = backward_frames(Value(1.0, label="a"))[0]
    return BackwardPlayer([replace(frame, sentence=sentence)], ["<svg></svg>"])


# Each writer replaces the file at a path with its own content; all of them go through write_atomically.
WRITERS: dict[str, Callable[[Path], object]] = {
    "write_atomically": lambda path: write_atomically(path, "new text\n"),
    "BackwardPlayer.save": lambda path: a_player("a sentence").save(path),
    "nn.save": lambda path: nn.save(nn.Neuron(2, seed=0), path),
}
writers = pytest.mark.parametrize("write", WRITERS.values(), ids=WRITERS.keys())


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_text_and_bytes_replace_the_file_and_leave_nothing_else(tmp_path) -> None:
    path = tmp_path / "notes.txt"
    write_atomically(path, "première\n")
    assert path.read_bytes() == "première\n".encode()
    write_atomically(path, "première\n", encoding="latin-1")
    assert path.read_bytes() == b"premi\xe8re\n"
    write_atomically(path, b"\x89PNG")
    assert path.read_bytes() == b"\x89PNG" and listing(tmp_path) == ["notes.txt"]


def test_text_that_cannot_be_encoded_is_refused_before_the_old_file_is_touched(tmp_path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(b"the good page")
    expected = rf"surrogates not allowed \(near 'label d\\udcffL'\); {re.escape(str(path))} was not written"
    with pytest.raises(UnicodeEncodeError, match=expected):
        write_atomically(path, "label d\udcffL")
    assert path.read_bytes() == b"the good page" and listing(tmp_path) == ["page.html"]


def test_a_player_whose_sentence_cannot_be_encoded_keeps_the_previous_page(tmp_path) -> None:
    path = tmp_path / "player.html"
    a_player("dL/da = 1.0").save(path)
    before = path.read_bytes()
    with pytest.raises(UnicodeEncodeError, match="was not written"):
        a_player("dL/d\udcff = 1.0").save(path)  # a label with a lone surrogate
    assert path.read_bytes() == before and listing(tmp_path) == ["player.html"]


@writers
@pytest.mark.parametrize("failing", ["fsync", "chmod", "replace"])
def test_a_failure_while_writing_leaves_the_old_file_and_no_temporary_file(
    tmp_path, monkeypatch, write, failing
) -> None:
    path = tmp_path / "file"
    path.write_bytes(b"old")

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, failing, fail)
    with pytest.raises(OSError, match="No space left"):
        write(path)
    assert path.read_bytes() == b"old" and listing(tmp_path) == ["file"]


@writers
@pytest.mark.parametrize("length", [246, 255])
def test_the_longest_file_names_can_be_written_and_replaced(tmp_path, write, length) -> None:
    path = tmp_path / ("m" * (length - 5) + ".json")
    write(path)
    write(path)
    assert listing(tmp_path) == [path.name] and path.stat().st_size > 0


@writers
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755], ids=oct)
def test_a_replaced_file_keeps_its_mode(tmp_path, write, mode) -> None:
    path = tmp_path / "file"
    path.write_bytes(b"old")
    path.chmod(mode)
    write(path)
    assert stat.S_IMODE(path.stat().st_mode) == mode and path.read_bytes() != b"old"


@pytest.mark.skipif(not ROOT, reason="only root may replace a read-only file")
@writers
def test_a_read_only_file_replaced_by_root_stays_read_only(tmp_path, write) -> None:
    path = tmp_path / "file"
    path.write_bytes(b"old")
    path.chmod(0o444)
    write(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o444 and path.read_bytes() != b"old"


def unprivileged(check: Callable[[], None]) -> None:
    """Run ``check`` as it runs for most users: as root, in a child process that drops to ``nobody``."""
    if not ROOT:
        check()
        return
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 1
        try:
            os.setgid(65534)
            os.setuid(65534)
            check()
            code = 0
        except BaseException:  # noqa: BLE001 - the child reports any failure by its exit code
            traceback.print_exc()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the check failed as user nobody (see stderr)"


@writers
def test_a_read_only_file_is_refused_as_open_refuses_it(write) -> None:
    folder = Path(tempfile.mkdtemp())
    try:
        folder.chmod(0o777)  # the unprivileged user may create files here, but not change a read-only one
        path = folder / "file"
        path.write_bytes(b"old")
        path.chmod(0o444)

        def check() -> None:
            with pytest.raises(PermissionError, match=r"read-only.*'.*file'"):
                write(path)
            assert path.read_bytes() == b"old" and listing(folder) == ["file"]

        unprivileged(check)
    finally:
        shutil.rmtree(folder)


@writers
def test_a_new_file_gets_the_mode_open_gives_it(tmp_path, write) -> None:
    old = os.umask(0o027)
    try:
        write(tmp_path / "file")
        (tmp_path / "by_open").write_bytes(b"")
    finally:
        os.umask(old)
    modes = [stat.S_IMODE((tmp_path / name).stat().st_mode) for name in ("file", "by_open")]
    assert modes == [0o640, 0o640]


@writers
def test_a_symlink_is_followed_and_stays_a_link(tmp_path, write) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "file"
    target.write_bytes(b"old")
    target.chmod(0o600)
    link = tmp_path / "link"
    link.symlink_to(Path("real") / "file")
    write(link)
    assert link.is_symlink() and os.readlink(link) == os.path.join("real", "file")
    assert target.read_bytes() != b"old" and stat.S_IMODE(target.stat().st_mode) == 0o600
    assert listing(tmp_path) == ["link", "real"] and listing(tmp_path / "real") == ["file"]


@writers
def test_a_dangling_symlink_gets_its_target_written_as_open_would(tmp_path, write) -> None:
    link = tmp_path / "link"
    link.symlink_to("target")
    write(link)
    assert link.is_symlink() and (tmp_path / "target").read_bytes()
    assert listing(tmp_path) == ["link", "target"]


def dangling_into_a_missing_folder(tmp_path: Path) -> Path:
    (tmp_path / "link").symlink_to(Path("nowhere") / "file")
    return tmp_path / "link"


def symlink_loop(tmp_path: Path) -> Path:
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    return tmp_path / "a"


def not_a_folder(tmp_path: Path) -> Path:
    (tmp_path / "plain").write_bytes(b"")
    return tmp_path / "plain" / "file"


BAD_PATHS: dict[str, Callable[[Path], Path]] = {
    "a folder": lambda tmp_path: tmp_path,
    "a missing folder": lambda tmp_path: tmp_path / "missing" / "file",
    "a dangling symlink into a missing folder": dangling_into_a_missing_folder,
    "a symlink loop": symlink_loop,
    "a file used as a folder": not_a_folder,
}


@writers
@pytest.mark.parametrize("make", BAD_PATHS.values(), ids=BAD_PATHS.keys())
def test_a_path_open_refuses_is_refused_with_the_same_error_naming_the_path(tmp_path, write, make) -> None:
    path = make(tmp_path)
    before = listing(tmp_path)
    with pytest.raises(OSError) as by_open:
        open(path, "w").close()
    with pytest.raises(type(by_open.value)) as error:
        write(path)
    assert error.value.errno == by_open.value.errno and error.value.filename == os.fspath(path)
    assert repr(os.fspath(path)) in str(error.value)
    assert listing(tmp_path) == before  # no stray temporary file anywhere


def test_the_errors_say_what_is_wrong(tmp_path) -> None:
    with pytest.raises(IsADirectoryError, match=r"Is a folder: give the path of a file inside it: '\.'"):
        nn.save(nn.Neuron(2, seed=0), ".")
    missing = tmp_path / "missing"
    expected = rf"No such file or directory \(cannot create a file in {re.escape(str(missing))}\): '"
    with pytest.raises(FileNotFoundError, match=expected):
        write_atomically(missing / "file", "")


def test_the_demo_writes_its_drawings_atomically(tmp_path, monkeypatch) -> None:
    require_program("dot", "CI")

    def fail(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="No space left"):
        demo.drawings(tmp_path)
    assert listing(tmp_path) == []
    with pytest.raises(OSError, match="No space left"):
        demo.train_moons(tmp_path, steps=1)
    assert listing(tmp_path) == []
