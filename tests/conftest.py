"""Shared fixtures: example records and fresh blank records."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from consult import recordfile, resources  # noqa: E402
from consult.record import Record  # noqa: E402

EXAMPLES = ("mechanical", "sciatica", "cauda-equina", "inflammatory", "fracture", "infection")


def example_path(name: str) -> Path:
    return resources.path("examples", f"{name}.json")


def load_example(name: str) -> Record:
    return recordfile.load(example_path(name))


@pytest.fixture
def blank() -> Record:
    return Record()
