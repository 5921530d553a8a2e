"""Shared test set-up: headless Qt, and nothing written outside temporary folders."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything can load Qt

from hypothesis import settings  # noqa: E402

# No example database in the checkout: tests write only under temporary folders.
settings.register_profile("consult", database=None, deadline=None)
settings.load_profile("consult")
