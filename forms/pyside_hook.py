"""A faster answer to the question PySide6 asks of every module imported after it.

PySide6 (shibokensupport.feature, PYSIDE-2029) decides whether each newly imported
module "uses PySide" by reading its whole source with `inspect.getsource`, which goes
through linecache and tokenize: about 40 ms of this app's start-up for some 200
modules (issue 14). The answer is only whether the text "PySide6" occurs in the
module's source; for a module loaded from a .py file that is the same question asked
of the file's bytes. Anything else (no file, a compiled module, an unreadable file, a
PySide6 without this function) gets PySide6's own answer.
"""

from __future__ import annotations

import sys
from types import ModuleType

_FEATURE = "shibokensupport.feature"


def install() -> bool:
    """Replace PySide6's check with the byte search; True when it is in place."""
    import shiboken6  # noqa: F401  (loads shibokensupport, without Qt)

    feature = sys.modules.get(_FEATURE)
    own = getattr(feature, "_mod_uses_pyside", None)
    if own is None:
        return False
    if getattr(own, "reads_bytes", False):
        return True

    def _mod_uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return own(module)
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return own(module)

    _mod_uses_pyside.reads_bytes = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = _mod_uses_pyside  # type: ignore[union-attr]
    return True
