"""Shared test set-up: headless Qt, and nothing written outside temporary folders."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything can load Qt
# hypothesis keeps caches in ./.hypothesis unless told otherwise
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY",
                      os.path.join(tempfile.gettempdir(), "consult-tests-hypothesis"))
# No practice key from the user's config folder: a test that wants one makes its own.
# (a path in a folder that is never made)
os.environ["CONSULT_AUDIT_KEY_FILE"] = os.path.join(tempfile.gettempdir(), "consult-tests-no-key",
                                                    str(os.getpid()), "audit.key")

from hypothesis import settings

# No example database in the checkout: tests write only under temporary folders.
settings.register_profile("consult", database=None, deadline=None)
settings.load_profile("consult")

# A real PostgreSQL server for the store tests (started once per run, when first needed),
# and the store on SQLite and on PostgreSQL.
from tests.pgserver import postgres_server, postgres_url  # noqa: E402, F401
from tests.storesupport import store, store_url  # noqa: E402, F401
