"""The Qt desktop form. It presents and binds; every clinical decision is consult's."""

# pydantic loads its submodules lazily, and PySide6's import hook (shibokensupport)
# inspects every module imported after Qt: a lazy pydantic import under that hook
# fails as a circular import. Load the core (and so pydantic) before any Qt module.
import consult.rules.completeness
import consult.rules.engine  # noqa: F401
