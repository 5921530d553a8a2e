"""Settings in a temporary folder and no real modal dialog (as the GUI tests), and the
self-signed certificate of the test SMTP server."""

from tests.exchange.smtpserver import certificate  # noqa: F401 (a fixture)
from tests.gui.conftest import isolated_settings, no_modal_dialogs  # noqa: F401 (autouse fixtures)
