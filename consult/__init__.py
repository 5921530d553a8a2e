"""consult: the Qt-free core of a remote GP lower-back-pain consultation tool.

The record model, its validation, the clinical rules, note composition, PDF
rendering, storage and the command line live here; nothing in this package
imports Qt.
"""

__version__ = "0.1.0"
