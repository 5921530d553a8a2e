"""Where the app's data lives: one helper for every resource path.

From a source checkout the folder is `resources/` beside the packages; an
installed copy carries the same tree as the `consult_resources` package (see
pyproject.toml), so fonts, rule texts and examples are found either way.
"""

from __future__ import annotations

from functools import cache
from importlib import resources as importlib_resources
from pathlib import Path


@cache
def root() -> Path:
    checkout = Path(__file__).resolve().parent.parent / "resources"
    if (checkout / "rules").is_dir():
        return checkout
    installed = Path(str(importlib_resources.files("consult_resources")))
    return installed


def path(*parts: str) -> Path:
    """Absolute path of a resource, e.g. path("fonts", "DejaVuSans.ttf")."""
    found = root().joinpath(*parts)
    if not found.exists():
        raise FileNotFoundError(f"consult resource missing: {'/'.join(parts)}")
    return found
