"""Where the app's data lives: one helper for every resource path.

From a source checkout the folder is `resources/` beside the packages; an
installed copy carries the same tree as the `consult_resources` package (see
pyproject.toml), so fonts, rule texts and examples are found either way.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path


@cache
def root() -> Path:
    checkout = Path(__file__).resolve().parent.parent / "resources"
    if (checkout / "rules").is_dir():
        return checkout
    spec = importlib.util.find_spec("consult_resources")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("consult resources not found (neither checkout nor install)")
    return Path(next(iter(spec.submodule_search_locations)))


def path(*parts: str) -> Path:
    """Absolute path of a resource, e.g. path("fonts", "DejaVuSans.ttf")."""
    found = root().joinpath(*parts)
    if not found.exists():
        raise FileNotFoundError(f"consult resource missing: {'/'.join(parts)}")
    return found
