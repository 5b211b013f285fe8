"""The built-in demo account, by the words the app uses for it.

A run sent to the sandbox is journaled under :data:`SANDBOX_LABEL`, so the destination chooser, the run
history and the resume offer must agree on it: they meet here rather than importing each other.
"""

from __future__ import annotations

#: The account id the settings file remembers for the built-in demo account. Real labels come from
#: the user, so this one uses characters a label typed in the dialog is unlikely to hold.
SANDBOX_ACCOUNT = ":sandbox:"
#: What the user reads for the demo account, everywhere it appears.
SANDBOX_LABEL = "Sandbox (demo — nothing is sent)"
