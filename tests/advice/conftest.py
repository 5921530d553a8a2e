"""The advice window's tests run like the GUI tests: settings in a temporary folder,
no real modal dialog."""

from tests.gui.conftest import isolated_settings, no_modal_dialogs  # noqa: F401 (autouse fixtures)
