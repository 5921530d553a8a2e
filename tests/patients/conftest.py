"""The GUI tests here run as tests/gui's do: offscreen, settings and the store's default
file in a temporary folder, no real modal dialog."""

from tests.gui.conftest import isolated_settings, no_modal_dialogs  # noqa: F401 (autouse fixtures)
