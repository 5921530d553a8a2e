"""Shared fixtures. Qt (in later suites) must never find a real display."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
