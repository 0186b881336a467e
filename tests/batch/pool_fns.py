"""Functions for worker-pool tests, importable by spawned workers (a test's own functions are not).

They stand in for ``analyse`` only where the test is about the pool itself (order, how far it
reads ahead, a worker that dies); they return the same ``Analysed`` tuple shape.
"""

from __future__ import annotations

import os
import signal

from khabar.model import Document


def die_on_marker(doc: Document) -> tuple:
    """Echo the document, or SIGKILL the worker on one holding DIE (standing in for a crash in
    native code, or the OOM killer)."""
    if "DIE" in doc.text:
        os.kill(os.getpid(), signal.SIGKILL)
    return doc, None, {}, None
