"""Functions for worker-pool tests, importable by spawned workers (a test's own functions are not).

They stand in for ``analyse_many`` only where the test is about the pool itself (order, how far it
reads ahead, a worker that dies); they take a chunk of documents and return one ``Analysed`` tuple per document.
"""

from __future__ import annotations

import os
import signal

from khabar.model import Document


def die_on_marker(docs: list[Document]) -> list[tuple]:
    """Echo a chunk of documents, or SIGKILL the worker on a chunk with one holding DIE
    (standing in for a crash in native code, or the OOM killer)."""
    if any("DIE" in doc.text for doc in docs):
        os.kill(os.getpid(), signal.SIGKILL)
    return [(doc, None, {}, None) for doc in docs]
