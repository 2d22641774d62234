"""Writing a file atomically: readers and crashes see the old file or the new one, never half of one.

Every file chainrule writes (player pages, drawings, models) goes through ``write_atomically``.
The data is encoded first, written to a temporary file in the same folder, flushed to disk and
renamed over the target. The result is what ``open(path, "w")`` would give: symlinks are followed,
an existing file keeps its permissions, a new one gets those allowed by the umask.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat


def write_atomically(path: str | os.PathLike[str], data: str | bytes, encoding: str = "utf-8") -> None:
    """Replace the file at ``path`` with ``data`` (text is encoded with ``encoding``), all or nothing.

    Raises before anything is touched when the text cannot be encoded, when ``path`` is a folder,
    or when its folder is missing. On any failure the old file is intact and no temporary file is left.
    """
    shown = os.fspath(path)
    if isinstance(data, str):
        data = _encode(data, encoding, shown)
    target = os.path.realpath(path)  # through symlinks, as open() goes: the link stays, its target changes
    if os.path.islink(target):  # realpath stops at a symlink loop, where open() fails
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), shown)
    if os.path.isdir(target):
        raise IsADirectoryError(errno.EISDIR, "Is a folder: give the path of a file inside it", shown)
    mode = _mode_to_keep(target, shown)
    folder = os.path.dirname(target)
    # A short name, so that a target name of up to 255 characters still leaves room for it.
    temporary = os.path.join(folder, f".{secrets.token_hex(8)}.tmp")
    try:
        # Created as open(path, "w") creates a file: 0o666 less the umask (and any default ACL).
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        descriptor = os.open(temporary, flags, 0o666)
    except OSError as error:  # a missing folder, a file where a folder should be, no permission
        message = f"{error.strerror} (cannot create a file in {folder})"
        raise type(error)(error.errno, message, shown) from None
    try:
        with open(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _sync_folder(folder)


def _mode_to_keep(target: str, shown: str) -> int | None:
    """The permissions of the file to replace (None if there is none); refused where open() would refuse."""
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except (FileNotFoundError, NotADirectoryError):  # a new file, or a folder that is not one: found later
        return None
    if not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, f"{os.strerror(errno.EACCES)} (the file is read-only)", shown)
    return mode


def _encode(text: str, encoding: str, shown: str) -> bytes:
    """``text`` as bytes, or a UnicodeEncodeError that shows where the text is and which file was spared."""
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as error:
        near = text[max(0, error.start - 30) : error.end + 30]
        reason = f"{error.reason} (near {near!r}); {shown} was not written"
        raise UnicodeEncodeError(error.encoding, error.object, error.start, error.end, reason) from None


def _sync_folder(folder: str) -> None:
    """Flush the rename itself to disk, where the system can open a folder (not on Windows)."""
    if hasattr(os, "O_DIRECTORY"):
        with contextlib.suppress(OSError):  # some file systems cannot; the new file is in place all the same
            descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
