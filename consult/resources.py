"""Where the app's data lives: one helper for every resource path.

From a source checkout the folder is `resources/` beside the packages; an
installed copy carries the same tree as the `consult_resources` package (see
pyproject.toml), so fonts, rule texts and examples are found either way.
"""

from __future__ import annotations

import importlib.util
import tomllib
from functools import cache
from pathlib import Path
from typing import Any


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


class ResourceError(ValueError):
    """A resource file that is missing or cannot be read: one line naming it."""


def toml(*parts: str) -> dict[str, Any]:
    """A TOML resource, e.g. toml("rules", "ruleset.toml"): the one way the app reads its
    reviewed data files, so a missing, unreadable or broken one is always the same
    one-line error (ResourceError, "rules/ruleset.toml: cannot be read (...)")."""
    where = "/".join(parts)
    try:
        return tomllib.loads(path(*parts).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ResourceError(f"{where}: cannot be read ({exc})") from None
