"""forms.pyside_hook: PySide6's per-import "does this module use PySide" check, answered
from the file's bytes, gives PySide6's own answer for every module the app loads."""

from __future__ import annotations

import sys

import forms.consultation.main_window  # noqa: F401  (the window's imports, as at start)
from forms import pyside_hook


def test_the_byte_search_is_in_place_and_agrees_with_pyside_for_every_loaded_module():
    assert pyside_hook.install()
    feature = sys.modules["shibokensupport.feature"]
    fast = feature._mod_uses_pyside
    assert fast.reads_bytes
    own = fast.__closure__[0].cell_contents  # PySide6's check, kept for the fallback
    assert not getattr(own, "reads_bytes", False)
    modules = [m for m in list(sys.modules.values()) if m is not None]
    answers = {m.__name__: fast(m) for m in modules}
    assert answers == {m.__name__: own(m) for m in modules}
    assert answers["forms.consultation.main_window"] is True  # it uses PySide6
    assert answers["consult.record.model"] is False  # the core never does
