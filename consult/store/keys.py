"""The practice key: the secret that authenticates audit entries (HMAC-SHA-256).

A hash chain only proves order: anyone who may insert a row can append a correctly
chained entry. Each entry written with the practice key also carries an HMAC of its
hash, which only a holder of the key can make; the key is kept outside the database,
in a file readable only by its owner (0600):

* ``--key-file PATH`` on the command line, else
* ``CONSULT_AUDIT_KEY_FILE``, else
* ``audit.key`` in the user's config folder (``~/.config/consult/audit.key`` on Linux).

`python main.py db key init` makes it (32 random bytes, written as 64 hex digits on
one line). Copies on other workstations must be the same file: its key id, printed by
`db key init`, tells copies apart without showing the key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from consult.store.location import APP

ENV = "CONSULT_AUDIT_KEY_FILE"
FILE_NAME = "audit.key"
MAC_CONTEXT = b"consult audit entry v1\n"


class PracticeKeyError(ValueError):
    """The practice key file cannot be used (message: one line, never the key)."""


def config_folder() -> Path:
    return Path(platformdirs.user_config_dir(APP, appauthor=False))


def default_path() -> Path:
    return config_folder() / FILE_NAME


def resolve(explicit: str | os.PathLike[str] | None = None) -> tuple[Path, str]:
    """The key file's path and where it came from."""
    if explicit is not None and str(explicit).strip():
        return Path(explicit).expanduser(), "--key-file"
    env = os.environ.get(ENV, "").strip()
    if env:
        return Path(env).expanduser(), ENV
    return default_path(), "the default key file"


@dataclass(frozen=True)
class PracticeKey:
    secret: bytes
    path: Path

    def __repr__(self) -> str:  # never the secret
        return f"PracticeKey(id={self.key_id}, path={self.path})"

    @property
    def key_id(self) -> str:
        """Names the key without revealing it: 16 hex digits."""
        return hashlib.sha256(b"consult key id\n" + self.secret).hexdigest()[:16]

    def mac(self, entry_hash: str) -> str:
        return hmac.new(self.secret, MAC_CONTEXT + entry_hash.encode("ascii"), hashlib.sha256).hexdigest()

    def verifies(self, entry_hash: str, mac: str | None) -> bool:
        return isinstance(mac, str) and hmac.compare_digest(self.mac(entry_hash), mac)


def load(path: Path) -> PracticeKey | None:
    """The key in `path`; None when there is no such file. PracticeKeyError when it exists
    but cannot be used (readable by others, not a key)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise PracticeKeyError(f"cannot read the practice key file {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise PracticeKeyError(f"the practice key file {path} is not a file")
    if os.name == "posix" and st.st_mode & 0o077:
        raise PracticeKeyError(f"the practice key file {path} may be read by others: make it owner-only "
                        f"(chmod 600 {path})")
    try:
        with open(path, "rb") as fh:
            text = fh.read(200)
    except OSError as exc:
        raise PracticeKeyError(f"cannot read the practice key file {path}: {exc.strerror or exc}") from None
    try:
        secret = bytes.fromhex(text.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        secret = b""
    if len(secret) != 32:
        raise PracticeKeyError(f"{path} is not a consult practice key (64 hex digits on one line)")
    return PracticeKey(secret, path)


def create(path: Path) -> tuple[PracticeKey, bool]:
    """Make a new key at `path` (owner-only, 0600), unless one is there: (key, made).
    Only the default config folder is created (0700); another folder must exist."""
    existing = load(path)
    if existing is not None:
        return existing, False
    folder = path.parent
    if folder == config_folder():
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    elif not folder.is_dir():
        raise PracticeKeyError(f"no folder {folder} for the practice key: create it first")
    secret = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:  # made just now by someone else: use theirs
        found = load(path)
        if found is None:
            raise PracticeKeyError(f"cannot create the practice key file {path}") from None
        return found, False
    except OSError as exc:
        raise PracticeKeyError(f"cannot create the practice key file {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secret.hex() + "\n")
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        path.unlink(missing_ok=True)
        raise PracticeKeyError(f"cannot write the practice key file {path}: {exc.strerror or exc}") from None
    os.chmod(path, 0o600)
    return PracticeKey(secret, path), True
