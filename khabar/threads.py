"""How many threads a process's torch models may use (the role tagger, the sentence encoder).

Why one place: both models share torch's one thread pool, so whichever loaded last used to
decide. A worker in a pool of N processes on N cores must keep to one thread, or the workers
fight over the cores with each other and with the writer; Ray sets ``OMP_NUM_THREADS=1`` in
its actors for the same reason, and that is honoured here too.
"""

from __future__ import annotations

import os

__all__ = ["torch_threads"]


def torch_threads() -> int:
    """``KHABAR_TORCH_THREADS``, else ``OMP_NUM_THREADS``, else the cores up to two."""
    for name in ("KHABAR_TORCH_THREADS", "OMP_NUM_THREADS"):
        value = os.environ.get(name, "")
        if value.isdigit() and int(value) > 0:
            return int(value)
    return max(1, min(2, os.cpu_count() or 1))
