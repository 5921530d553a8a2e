"""Atomic, owner-only file writes for anything that can hold patient data.

The bytes go to a temporary file in the destination folder (created 0600),
are flushed to disk, then renamed over the destination: a reader sees the old
file or the new one, never half of one, and a failure leaves no stray file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

OWNER_ONLY = 0o600


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    target = Path(path)
    if target.exists() and not target.is_file():
        raise IsADirectoryError(21, "not a regular file", str(target)) if target.is_dir() \
            else OSError(17, "exists and is not a regular file", str(target))
    folder = target.parent if str(target.parent) else Path(".")
    # mkstemp creates the file owner-only (0600) on every platform; no os.fchmod, which
    # Windows has only from Python 3.13
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    os.chmod(target, OWNER_ONLY)
    _fsync_folder(folder)
    return target


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable: fsync the folder (POSIX; Windows cannot open a
    folder as a file, and its rename is journalled by NTFS)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))
